/* tests/record/test_fhir_export.c - export and round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "record_util.h"

/* Text with every number spelled as it came (decimal-exact JSON), so equal
 * means equal strings, not equal doubles. */
static char *canon(const json_t *v)
{
    return ck_fhir_json_dump(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* Every reference in the bundle names an entry's fullUrl (or a contained "#x"). */
static void check_refs(const json_t *v, const json_t *urls, size_t *bad, size_t *withheld, size_t *refs)
{
    size_t i;
    const char *k;
    json_t *c;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            check_refs(c, urls, bad, withheld, refs);
        return;
    }
    if (!json_is_object(v))
        return;
    c = json_object_get(v, "reference");
    if (json_is_string(c)) {
        const char *r = json_string_value(c);
        (*refs)++;
        if (r[0] != '#' && !json_object_get(urls, r))
            (*bad)++;
    }
    if (json_object_size(v) == 1 && json_is_string(json_object_get(v, "display")) &&
        !strcmp(json_string_value(json_object_get(v, "display")), "withheld"))
        (*withheld)++;
    json_object_foreach((json_t *)v, k, c)
        check_refs(c, urls, bad, withheld, refs);
}

static void check_bundle(const json_t *b, size_t *bad, size_t *withheld, size_t *refs)
{
    json_t *urls = json_object(), *e;
    size_t i;
    json_array_foreach(json_object_get(b, "entry"), i, e)
        json_object_set_new(urls, json_string_value(json_object_get(e, "fullUrl")), json_true());
    *bad = *withheld = *refs = 0;
    check_refs(json_object_get(b, "entry"), urls, bad, withheld, refs);
    json_decref(urls);
}

static void round_trip(const char *name)
{
    ck_fhir_sections s, again;
    ck_fhir_error err;
    json_t *bundle = NULL, *src = NULL, *byid = json_object(), *e;
    size_t len, i, same = 0, bad, withheld, refs;
    char *raw = read_fixture(name, &len), *text;
    json_error_t je;

    CHECK(raw != NULL, "read %s", name);
    if (!raw || load_fixture(name, &s))
        return;
    src = ck_fhir_json_parse(raw, len, &je);
    json_array_foreach(json_object_get(src, "entry"), i, e) {
        json_t *r = json_object_get(e, "resource");
        char key[200];
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(r, "resourceType")),
                 json_string_value(json_object_get(r, "id")));
        json_object_set(byid, key, r);
    }
    CHECK(ck_fhir_export(&bundle, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export: %s", err.msg);
    CHECK(!strcmp(json_string_value(json_object_get(bundle, "resourceType")), "Bundle"), "a Bundle");
    CHECK(!strcmp(json_string_value(json_object_get(bundle, "type")), "collection"), "collection");
    CHECK(json_array_size(json_object_get(bundle, "entry")) == json_array_size(json_object_get(src, "entry")),
          "%s: same number of entries", name);
    json_array_foreach(json_object_get(bundle, "entry"), i, e) {
        json_t *r = json_object_get(e, "resource"), *o;
        char key[200], url[128], *a, *b;
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(r, "resourceType")),
                 json_string_value(json_object_get(r, "id")));
        snprintf(url, sizeof url, "urn:uuid:%s", json_string_value(json_object_get(r, "id")));
        if (strcmp(json_string_value(json_object_get(e, "fullUrl")), url))
            CHECK(0, "fullUrl of entry %zu", i);
        o = json_object_get(byid, key);
        a = canon(r);
        b = o ? canon(o) : NULL;
        if (a && b && !strcmp(a, b))
            same++;
        json_object_del(byid, key); /* each source resource matched once */
        free(a);
        free(b);
    }
    CHECK(same == json_array_size(json_object_get(src, "entry")), "%s: %zu of %zu resources identical", name,
          same, json_array_size(json_object_get(src, "entry")));
    CHECK(json_object_size(byid) == 0, "every source resource exported");
    check_bundle(bundle, &bad, &withheld, &refs);
    CHECK(bad == 0 && withheld == 0 && refs > 100, "%s: %zu refs, %zu dangling, %zu withheld", name, refs, bad, withheld);

    /* the export is a valid bundle for our own importer */
    text = json_dumps(bundle, JSON_COMPACT);
    CHECK(text && ck_fhir_split(&again, text, strlen(text), &err) == CK_FHIR_OK, "re-import: %s", err.msg);
    if (text) {
        unsigned k;
        for (k = 0; k < CK_SECTION_COUNT; k++)
            CHECK(json_array_size(again.section[k]) == json_array_size(s.section[k]), "re-import counts");
        ck_fhir_sections_clear(&again);
    }
    free(text);
    json_decref(bundle);

    /* a reader without problems and directory: references withheld, none dangling */
    json_decref(s.section[CK_SECTION_PROBLEMS]);
    json_decref(s.section[CK_SECTION_DIRECTORY]);
    s.section[CK_SECTION_PROBLEMS] = s.section[CK_SECTION_DIRECTORY] = NULL;
    CHECK(ck_fhir_export(&bundle, &s, CK_FHIR_BUNDLE_SEARCHSET, &err) == CK_FHIR_OK, "partial export");
    check_bundle(bundle, &bad, &withheld, &refs);
    CHECK(bad == 0, "%s partial: %zu dangling", name, bad);
    CHECK(withheld > 0, "%s partial: %zu withheld", name, withheld);
    CHECK(!strcmp(json_string_value(json_object_get(bundle, "type")), "searchset"), "searchset");
    CHECK((size_t)json_integer_value(json_object_get(bundle, "total")) == ck_fhir_sections_count(&s), "total");
    text = json_dumps(bundle, JSON_COMPACT);
    CHECK(text && !strstr(text, "\"Condition\"") && !strstr(text, "\"Practitioner\""), "no hidden resources");
    free(text);
    json_decref(bundle);

    ck_fhir_sections_clear(&s);
    json_decref(src);
    json_decref(byid);
    free(raw);
}

/* Relative and absolute references and non-UUID ids are rewritten consistently. */
static void test_reference_forms(void)
{
    const char *j =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"fullUrl\":\"http://ex.org/fhir/Patient/p1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"}},"
        "{\"fullUrl\":\"http://ex.org/fhir/Observation/o1\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\","
        "\"subject\":{\"reference\":\"Patient/p1\"},\"focus\":[{\"reference\":\"http://ex.org/fhir/Patient/p1\"},"
        "{\"reference\":\"http://other.org/Patient/p1/_history/2\"},{\"reference\":\"Condition/c9\",\"display\":\"Secret\"}],"
        "\"contained\":[{\"resourceType\":\"Specimen\",\"id\":\"s\"}],\"specimen\":{\"reference\":\"#s\"}}}]}";
    ck_fhir_sections s;
    ck_fhir_error err;
    json_t *b = NULL, *obs;
    CHECK(ck_fhir_split(&s, j, strlen(j), &err) == CK_FHIR_OK, "split forms: %s", err.msg);
    CHECK(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export forms");
    obs = json_object_get(json_array_get(json_object_get(b, "entry"), 1), "resource");
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(b, "entry"), 0), "fullUrl")),
                  "urn:carekey:Patient:p1"), "non-UUID fullUrl");
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(obs, "subject"), "reference")), "urn:carekey:Patient:p1"), "relative");
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(obs, "focus"), 0), "reference")), "urn:carekey:Patient:p1"), "absolute");
    CHECK(!strcmp(json_string_value(json_object_get(json_array_get(json_object_get(obs, "focus"), 1), "reference")), "urn:carekey:Patient:p1"), "versioned");
    CHECK(json_object_size(json_array_get(json_object_get(obs, "focus"), 2)) == 1 &&
          !strcmp(json_string_value(json_object_get(json_array_get(json_object_get(obs, "focus"), 2), "display")), "withheld"),
          "unknown target withheld, display dropped");
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(obs, "specimen"), "reference")), "#s"), "contained kept");
    json_decref(b);
    ck_fhir_sections_clear(&s);
}

int main(void)
{
    size_t f;
    for (f = 0; f < N_FIXTURES; f++)
        round_trip(fixture_names[f]);
    test_reference_forms();
    TEST_MAIN_END();
}
