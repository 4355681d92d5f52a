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

/* The Reference at member m of the n-th entry's resource, or the k-th
 * element of that array member (k >= 0). */
static const json_t *ref_obj(const json_t *b, size_t n, const char *m, int k)
{
    const json_t *r = json_object_get(json_array_get(json_object_get(b, "entry"), n), "resource");
    return k < 0 ? json_object_get(r, m) : json_array_get(json_object_get(r, m), (size_t)k);
}

static const char *ref_at(const json_t *b, size_t n, const char *m, int k, const char *key)
{
    return json_string_value(json_object_get(ref_obj(b, n, m, k), key));
}

static const char *full_url_at(const json_t *b, size_t n)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(b, "entry"), n), "fullUrl"));
}

#define STREQ(a, b) ((a) && !strcmp((a), (b)))

/* A server's bundle (RESTful fullUrls, relative references): exported under
 * its own fullUrls with its references as they came where they resolve;
 * rewritten where they name an item another way; a reference to nothing
 * in the record kept when the record is whole, withheld when it is not. */
static void test_reference_forms(void)
{
    const char *j =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"fullUrl\":\"http://ex.org/fhir/Patient/p1\",\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"}},"
        "{\"fullUrl\":\"http://ex.org/fhir/Observation/o1\",\"resource\":{\"resourceType\":\"Observation\",\"id\":\"o1\","
        "\"subject\":{\"reference\":\"Patient/p1\"},\"focus\":[{\"reference\":\"http://ex.org/fhir/Patient/p1\"},"
        "{\"reference\":\"urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\"},{\"reference\":\"Condition/c9\",\"display\":\"Secret\"},"
        "{\"reference\":\"Patient/p1/_history/3\"},{\"reference\":\"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9\"}],"
        "\"performer\":[{\"reference\":\"Practitioner/dr1\"}],"
        "\"contained\":[{\"resourceType\":\"Specimen\",\"id\":\"s\"}],\"specimen\":{\"reference\":\"#s\"}}},"
        "{\"resource\":{\"resourceType\":\"Practitioner\",\"id\":\"dr1\"}},"
        "{\"resource\":{\"resourceType\":\"Device\",\"id\":\"0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\"}}]}";
    ck_fhir_sections s;
    ck_fhir_error err;
    json_t *b = NULL;
    CHECK(ck_fhir_split(&s, j, strlen(j), &err) == CK_FHIR_OK && s.whole, "split forms: %s", err.msg);
    CHECK(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export forms");
    /* entries in section order: Patient, Observation, Practitioner, Device */
    CHECK(STREQ(full_url_at(b, 0), "http://ex.org/fhir/Patient/p1"), "the imported fullUrl");
    CHECK(STREQ(full_url_at(b, 2), "urn:carekey:Practitioner:dr1"), "no fullUrl, non-UUID id");
    CHECK(STREQ(full_url_at(b, 3), "urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"), "no fullUrl, UUID id");
    CHECK(STREQ(ref_at(b, 1, "subject", -1, "reference"), "Patient/p1"), "relative, resolves against the base: kept");
    CHECK(STREQ(ref_at(b, 1, "focus", 0, "reference"), "http://ex.org/fhir/Patient/p1"), "a fullUrl: kept");
    CHECK(STREQ(ref_at(b, 1, "focus", 1, "reference"), "urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"),
          "the urn of an item without fullUrl: kept");
    CHECK(STREQ(ref_at(b, 1, "focus", 2, "reference"), "Condition/c9") &&
          STREQ(ref_at(b, 1, "focus", 2, "display"), "Secret"), "whole record: a reference outside it kept");
    CHECK(STREQ(ref_at(b, 1, "focus", 3, "reference"), "Patient/p1/_history/3"), "versioned: kept");
    CHECK(STREQ(ref_at(b, 1, "focus", 4, "reference"), "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9"),
          "conditional, to another bundle: kept");
    CHECK(STREQ(ref_at(b, 1, "performer", 0, "reference"), "urn:carekey:Practitioner:dr1"),
          "relative to an item without that URL: rewritten to its fullUrl");
    CHECK(STREQ(ref_at(b, 1, "specimen", -1, "reference"), "#s"), "contained kept");
    json_decref(b);

    /* a reader who may not see everything: what is not there is withheld */
    s.whole = 0;
    CHECK(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export, not whole");
    CHECK(json_object_size(ref_obj(b, 1, "focus", 2)) == 1 && STREQ(ref_at(b, 1, "focus", 2, "display"), "withheld"),
          "not whole: withheld, display dropped");
    CHECK(STREQ(ref_at(b, 1, "focus", 4, "display"), "withheld"), "not whole: conditional withheld");
    CHECK(STREQ(ref_at(b, 1, "subject", -1, "reference"), "Patient/p1"), "not whole: resolving ones unchanged");
    json_decref(b);

    /* a whole record with a section dropped is not whole any more */
    s.whole = 1;
    json_decref(s.section[CK_SECTION_PROBLEMS]);
    s.section[CK_SECTION_PROBLEMS] = NULL;
    CHECK(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export, a section dropped");
    CHECK(STREQ(ref_at(b, 1, "focus", 2, "display"), "withheld"), "a section dropped: withheld");
    json_decref(b);
    ck_fhir_sections_clear(&s);
}

/* fullUrls stay distinct: an imported fullUrl that is another item's urn
 * keeps its meaning (the reference of its bundle still names it), the
 * other item and a second type with the same UUID id get other names. */
static void test_full_urls(void)
{
    const char *j =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\"}},"
        "{\"fullUrl\":\"urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\",\"resource\":{\"resourceType\":\"Encounter\",\"id\":\"e1\"}},"
        "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\","
        "\"encounter\":{\"reference\":\"urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\"},"
        "\"subject\":{\"reference\":\"Patient/0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f\"}}}]}";
    ck_fhir_sections s;
    ck_fhir_error err;
    json_t *b = NULL, *seen = json_object();
    size_t i;
    CHECK(ck_fhir_split(&s, j, strlen(j), &err) == CK_FHIR_OK, "split urls: %s", err.msg);
    CHECK(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "export urls");
    /* section order: Patient, Encounter, Observation */
    CHECK(STREQ(full_url_at(b, 1), "urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"), "the imported fullUrl first");
    CHECK(STREQ(full_url_at(b, 0), "urn:carekey:Patient:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"), "the Patient moves");
    CHECK(STREQ(full_url_at(b, 2), "urn:carekey:Observation:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"),
          "same UUID, other type");
    CHECK(STREQ(ref_at(b, 2, "encounter", -1, "reference"), "urn:uuid:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"),
          "the bundle's reference still names the Encounter");
    CHECK(STREQ(ref_at(b, 2, "subject", -1, "reference"), "urn:carekey:Patient:0b8f9a3e-6b1c-4d2e-9f00-1a2b3c4d5e6f"),
          "Type/id rewritten to the Patient's name");
    for (i = 0; i < 3; i++) {
        CHECK(full_url_at(b, i) && !json_object_get(seen, full_url_at(b, i)), "fullUrl %zu distinct", i);
        if (full_url_at(b, i))
            json_object_set_new(seen, full_url_at(b, i), json_true());
    }
    json_decref(seen);
    json_decref(b);
    ck_fhir_sections_clear(&s);
}

int main(void)
{
    size_t f;
    for (f = 0; f < N_FIXTURES; f++)
        round_trip(fixture_names[f]);
    test_reference_forms();
    test_full_urls();
    TEST_MAIN_END();
}
