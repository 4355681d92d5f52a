/* tests/record/test_fhir_split.c - section model and bundle import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "record_util.h"

/* Expected items per section, from SOURCES.md's resource counts. */
static const struct {
    const char *file;
    size_t total;
    size_t n[CK_SECTION_COUNT];
} expected[N_FIXTURES] = {
    /*                 demo al pr  med enc proc res imm cp ap bill dir aud oth */
    {"Versie", 208, {1, 10, 5, 8, 19, 8, 79, 25, 3, 0, 46, 4, 0, 0}},
    {"Trey", 246, {1, 0, 10, 13, 21, 17, 122, 4, 1, 0, 55, 2, 0, 0}},
    {"Parker", 467, {1, 0, 15, 17, 24, 18, 299, 13, 13, 0, 65, 2, 0, 0}},
    {"Rudolf", 159, {1, 0, 7, 4, 11, 9, 86, 5, 8, 0, 26, 2, 0, 0}},
};

static void test_section_model(void)
{
    ck_section s;
    size_t n, i;
    const ck_fhir_type_map *t = ck_fhir_type_table(&n);
    CHECK(!strcmp(ck_section_name(CK_SECTION_MEDICATIONS), "medications"), "section name");
    CHECK(ck_section_name(CK_SECTION_COUNT) == NULL, "out of range name");
    CHECK(ck_section_from_name("careplans", &s) == 0 && s == CK_SECTION_CAREPLANS, "from name");
    CHECK(ck_section_from_name("nope", &s) == -1, "unknown name");
    CHECK(ck_fhir_section_of("MedicationDispense") == CK_SECTION_MEDICATIONS, "dispense");
    CHECK(ck_fhir_section_of("MedicationAdministration") == CK_SECTION_MEDICATIONS, "administration");
    CHECK(ck_fhir_section_of("RelatedPerson") == CK_SECTION_DEMOGRAPHICS, "related person");
    CHECK(ck_fhir_section_of("Slot") == CK_SECTION_APPOINTMENTS, "slot");
    CHECK(ck_fhir_section_of("Coverage") == CK_SECTION_BILLING, "coverage");
    CHECK(ck_fhir_section_of("PractitionerRole") == CK_SECTION_DIRECTORY, "practitioner role");
    CHECK(ck_fhir_section_of("Provenance") == CK_SECTION_AUDIT, "provenance");
    CHECK(ck_fhir_section_of("Questionnaire") == CK_SECTION_OTHER, "unknown -> other");
    CHECK(ck_fhir_section_of(NULL) == CK_SECTION_OTHER, "NULL -> other");
    CHECK(n >= 30, "type table size %zu", n);
    for (i = 0; i < n; i++)
        CHECK(ck_fhir_section_of(t[i].resource_type) == t[i].section, "table row %zu", i);
}

/* Per-type counts parsed from SOURCES.md ("208 entries: AllergyIntolerance 10, ..."). */
static void test_type_counts(const char *sources, const char *file, const ck_fhir_sections *s)
{
    const char *row = strstr(sources, file), *p;
    size_t checked = 0;
    CHECK(row != NULL, "%s listed in SOURCES.md", file);
    if (!row)
        return;
    row = strstr(row, "entries: ");
    CHECK(row != NULL, "counts for %s", file);
    if (!row)
        return;
    p = row + 9;
    while (*p && *p != '|' && *p != '\n') {
        char type[64];
        unsigned long want, got = 0;
        int used = 0;
        size_t i;
        unsigned sec;
        json_t *item;
        if (sscanf(p, "%63[A-Za-z] %lu%n", type, &want, &used) != 2)
            break;
        for (sec = 0; sec < CK_SECTION_COUNT; sec++)
            json_array_foreach(s->section[sec], i, item)
                if (!strcmp(json_string_value(json_object_get(item, "type")), type))
                    got++;
        CHECK(got == want, "%s: %s %lu, expected %lu", file, type, got, want);
        CHECK(json_array_size(s->section[ck_fhir_section_of(type)]) >= want, "%s in its section", type);
        checked++;
        p += used;
        while (*p == ',' || *p == ' ')
            p++;
    }
    CHECK(checked >= 12, "%s: %zu types checked", file, checked);
}

static void test_fixtures(void)
{
    char path[512], *sources;
    size_t f;
    snprintf(path, sizeof path, "%s/fixtures/fhir/SOURCES.md", CK_TEST_DATA);
    sources = read_file(path, NULL);
    CHECK(sources != NULL, "SOURCES.md readable");
    for (f = 0; f < N_FIXTURES; f++) {
        ck_fhir_sections s;
        unsigned i;
        json_t *item;
        size_t k;
        int ok = load_fixture(fixture_names[f], &s) == 0;
        CHECK(ok, "split %s", fixture_names[f]);
        if (!ok)
            continue;
        CHECK(!strncmp(fixture_names[f], expected[f].file, strlen(expected[f].file)), "table order");
        CHECK(ck_fhir_sections_count(&s) == expected[f].total, "%s total %zu", expected[f].file,
              ck_fhir_sections_count(&s));
        for (i = 0; i < CK_SECTION_COUNT; i++)
            CHECK(json_array_size(s.section[i]) == expected[f].n[i], "%s %s: %zu, expected %zu",
                  expected[f].file, ck_section_name((ck_section)i), json_array_size(s.section[i]),
                  expected[f].n[i]);
        CHECK(json_object_size(s.unknown_types) == 0, "no unknown types");
        /* identity recorded and the resource untouched */
        json_array_foreach(s.section[CK_SECTION_RESULTS], k, item) {
            const json_t *r = json_object_get(item, "resource");
            char url[128];
            snprintf(url, sizeof url, "urn:uuid:%s", json_string_value(json_object_get(item, "id")));
            if (strcmp(json_string_value(json_object_get(item, "id")), json_string_value(json_object_get(r, "id"))) ||
                strcmp(json_string_value(json_object_get(item, "fullUrl")), url)) {
                CHECK(0, "identity of results item %zu", k);
                break;
            }
        }
        if (sources)
            test_type_counts(sources, fixture_names[f], &s);
        ck_fhir_sections_clear(&s);
    }
    free(sources);
}

static ck_fhir_err split_str(const char *j, ck_fhir_error *err)
{
    ck_fhir_sections s;
    ck_fhir_err rc = ck_fhir_split(&s, j, strlen(j), err);
    if (rc == CK_FHIR_OK)
        ck_fhir_sections_clear(&s);
    else
        CHECK(s.section[0] == NULL, "nothing left on error");
    return rc;
}

#define P1 "{\"resourceType\":\"Patient\",\"id\":\"secret-id-123\"}"
#define O1 "{\"resourceType\":\"Observation\",\"id\":\"o1\"}"

static void expect(const char *j, ck_fhir_err code, const char *path, const char *words)
{
    ck_fhir_error err;
    ck_fhir_err rc = split_str(j, &err);
    CHECK(rc == code, "code %d (%s), expected %d for %.60s", rc, err.msg, code, j);
    if (path)
        CHECK(!strcmp(err.path, path), "path '%s', expected '%s'", err.path, path);
    if (words)
        CHECK(strstr(err.msg, words) != NULL, "message '%s' lacks '%s'", err.msg, words);
    CHECK(!strstr(err.msg, "secret"), "message leaks data: %s", err.msg);
}

static void test_malformed(void)
{
    char *big, deep[2048];
    size_t i, n;
    ck_fhir_sections s;
    ck_fhir_error err;

    expect("not json", CK_FHIR_ERR_JSON, "", "not valid JSON");
    expect("", CK_FHIR_ERR_JSON, "", NULL);
    expect("[1,2]", CK_FHIR_ERR_INVALID, "$", "JSON object");
    expect("{\"resourceType\":\"Patient\",\"id\":\"secret-x\"}", CK_FHIR_ERR_INVALID, "$.resourceType", "Bundle");
    expect("{\"resourceType\":\"Bundle\"}", CK_FHIR_ERR_INVALID, "$.type", "Bundle.type");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"secret-kind\"}", CK_FHIR_ERR_INVALID, "$.type", NULL);
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":{}}", CK_FHIR_ERR_INVALID, "$.entry", "array");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" P1 "},{\"fullUrl\":\"urn:uuid:x\"}]}",
           CK_FHIR_ERR_INVALID, "$.entry[1]", "entry without resource");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[7]}", CK_FHIR_ERR_INVALID, "$.entry[0]", "object");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"id\":\"a\"}}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].resource.resourceType", "without resourceType");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"patient\",\"id\":\"a\"}}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].resource.resourceType", "FHIR type");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":null}}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].resource.id", "FHIR id");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"\"}}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].resource.id", "FHIR id");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:a\",\"resource\":"
           "{\"resourceType\":\"Patient\"}},{\"fullUrl\":\"urn:uuid:a\",\"resource\":{\"resourceType\":\"Patient\"}}]}",
           CK_FHIR_ERR_DUPLICATE, "$.entry[1]", NULL);
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"secret/1\"}}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].resource.id", "FHIR id");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":3,\"resource\":" P1 "}]}",
           CK_FHIR_ERR_INVALID, "$.entry[0].fullUrl", NULL);
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" P1 "},{\"resource\":" O1 "},{\"resource\":" P1 "}]}",
           CK_FHIR_ERR_DUPLICATE, "$.entry[2]", "$.entry[0]");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:secret\",\"resource\":" P1 "},"
           "{\"fullUrl\":\"urn:uuid:secret\",\"resource\":" O1 "}]}",
           CK_FHIR_ERR_DUPLICATE, "$.entry[1]", "fullUrl");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]} {\"secret\":1}", CK_FHIR_ERR_JSON, "", "trailing data");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"type\":\"batch\"}", CK_FHIR_ERR_JSON, "", "duplicate object key");
    expect("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":" P1 "}", CK_FHIR_ERR_JSON, "", "end of input");
    /* same id, different types: fine */
    CHECK(split_str("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"x\"}},"
                    "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"x\"}}]}", &err) == CK_FHIR_OK, "same id in two types");
    /* unknown types go to other, listed */
    {
        const char *j = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{\"resourceType\":\"Questionnaire\",\"id\":\"q\"}},"
                        "{\"resource\":{\"resourceType\":\"Questionnaire\",\"id\":\"q2\"}}]}";
        CHECK(ck_fhir_split(&s, j, strlen(j), &err) == CK_FHIR_OK, "unknown type accepted");
        CHECK(json_array_size(s.section[CK_SECTION_OTHER]) == 2, "in other");
        CHECK(json_integer_value(json_object_get(s.unknown_types, "Questionnaire")) == 2, "listed");
        ck_fhir_sections_clear(&s);
    }
    /* NUL byte */
    {
        const char j[] = "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}\0";
        CHECK(ck_fhir_split(&s, j, sizeof j - 1, &err) == CK_FHIR_ERR_JSON, "NUL byte rejected");
    }
    /* too deep inside a resource */
    n = (size_t)snprintf(deep, sizeof deep, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                                            "{\"resourceType\":\"Basic\",\"id\":\"b\",\"x\":");
    for (i = 0; i < 80; i++)
        deep[n++] = '[';
    for (i = 0; i < 80; i++)
        deep[n++] = ']';
    memcpy(deep + n, "}}]}", 5);
    expect(deep, CK_FHIR_ERR_LIMIT, "$.entry[0].resource", "nested");
    /* oversized */
    n = CK_FHIR_MAX_BUNDLE_BYTES + 1;
    big = malloc(n);
    CHECK(big != NULL, "alloc");
    if (big) {
        memset(big, ' ', n);
        CHECK(ck_fhir_split(&s, big, n, &err) == CK_FHIR_ERR_LIMIT, "oversized: %s", err.msg);
        CHECK(strstr(err.msg, "limit") != NULL, "oversized message %s", err.msg);
        free(big);
    }
    CHECK(ck_fhir_split(NULL, "{}", 2, &err) == CK_FHIR_ERR_PARAM, "NULL out");
}

/* The id of entry i's item in s (any section), and whether it was assigned. */
static const char *item_id(const ck_fhir_sections *s, const char *type, size_t nth, int *assigned)
{
    size_t k, i, seen = 0;
    for (k = 0; k < CK_SECTION_COUNT; k++) {
        json_t *it;
        json_array_foreach(s->section[k], i, it) {
            if (strcmp(json_string_value(json_object_get(it, "type")), type) != 0 || seen++ != nth) continue;
            *assigned = json_is_true(json_object_get(it, "id_assigned"));
            CHECK((json_object_get(json_object_get(it, "resource"), "id") == NULL) == *assigned,
                  "the resource kept as it came");
            return json_string_value(json_object_get(it, "id"));
        }
    }
    return NULL;
}

/* A transaction's creates have no id: the node takes the one the entry's
 * fullUrl names, else a UUID-shaped digest of index and content, the same
 * on every import; export gives the resources back without one. */
static void test_assigned_ids(void)
{
    static const char *bundle =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        "{\"fullUrl\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"resource\":{\"resourceType\":\"Patient\"},"
        " \"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        "{\"fullUrl\":\"urn:oid:1.2.840.10008.1\",\"resource\":{\"resourceType\":\"Patient\"}},"
        "{\"fullUrl\":\"https://fhir.example.org/r4/Patient/p-7\",\"resource\":{\"resourceType\":\"Patient\"}},"
        "{\"fullUrl\":\"https://fhir.example.org/r4/Observation/p-8\",\"resource\":{\"resourceType\":\"Patient\"}},"
        "{\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"female\"}},"
        "{\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"female\"}},"
        "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"kept\"}},"
        "{\"fullUrl\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"resource\":{\"resourceType\":\"Observation\","
        " \"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\"}}}"
        "]}";
    ck_fhir_sections s, s2;
    ck_fhir_error err;
    json_t *out = NULL;
    const char *id;
    char first[80];
    int a = 0;

    CHECK(ck_fhir_split(&s, bundle, strlen(bundle), &err) == CK_FHIR_ERR_DUPLICATE, "a fullUrl twice: %s", err.msg);
    {
        /* the same UUID may not name two entries; without the last one it imports */
        char *b = strdup(bundle), *cut = strstr(b, ",{\"fullUrl\":\"urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427\",\"resource\":{\"resourceType\":\"Observation\"");
        strcpy(cut, "]}");
        CHECK(ck_fhir_split(&s, b, strlen(b), &err) == CK_FHIR_OK, "transaction without ids: %s", err.msg);
        id = item_id(&s, "Patient", 0, &a);
        CHECK(id && !strcmp(id, "1b4e28ba-2fa1-11d2-883f-0016d3cca427") && a, "urn:uuid names the id: %s", id);
        id = item_id(&s, "Patient", 1, &a);
        CHECK(id && !strcmp(id, "1.2.840.10008.1") && a, "urn:oid names the id: %s", id);
        id = item_id(&s, "Patient", 2, &a);
        CHECK(id && !strcmp(id, "p-7") && a, "a RESTful fullUrl of the type names the id: %s", id);
        id = item_id(&s, "Patient", 3, &a);
        CHECK(id && strcmp(id, "p-8") != 0 && strlen(id) == 36 && a, "another type's URL does not: %s", id);
        id = item_id(&s, "Patient", 4, &a);
        CHECK(id && strlen(id) == 36 && id[14] == '8' && a, "no fullUrl: a UUID-shaped digest: %s", id);
        snprintf(first, sizeof first, "%s", id);
        id = item_id(&s, "Patient", 5, &a);
        CHECK(id && strcmp(id, first) != 0, "the same content at another index: another id");
        id = item_id(&s, "Patient", 6, &a);
        CHECK(id && !strcmp(id, "kept") && !a, "an id of its own is kept");
        CHECK(ck_fhir_split(&s2, b, strlen(b), &err) == CK_FHIR_OK, "again");
        id = item_id(&s2, "Patient", 4, &a);
        CHECK(id && !strcmp(id, first), "the same bundle, the same ids");
        ck_fhir_sections_clear(&s2);
        CHECK(ck_fhir_export(&out, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export");
        {
            json_t *e0 = json_array_get(json_object_get(out, "entry"), 0), *e6 = json_array_get(json_object_get(out, "entry"), 6);
            CHECK(!strcmp(json_string_value(json_object_get(e0, "fullUrl")), "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427") &&
                      !json_object_get(json_object_get(e0, "resource"), "id"),
                  "exported as it came: its fullUrl, no id");
            CHECK(!strcmp(json_string_value(json_object_get(json_object_get(e6, "resource"), "id")), "kept"), "an id kept");
        }
        json_decref(out);
        ck_fhir_sections_clear(&s);
        free(b);
    }
}

int main(void)
{
    test_section_model();
    test_fixtures();
    test_malformed();
    test_assigned_ids();
    TEST_MAIN_END();
}
