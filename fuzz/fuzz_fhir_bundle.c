/*
 * Fuzz the FHIR Bundle import and export (src/record/fhir_split.c,
 * fhir_export.c): whatever ck_fhir_split accepts exports, as the whole
 * record and as a reader's partial view, to a Bundle whose fullUrls are
 * distinct, with one entry per item; importing that Bundle and exporting
 * it again gives the same text (an export is a fixed point: its references
 * already resolve as they stand, point outside the record or are
 * withheld).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/fhir.h"
#include "fuzz.h"

static char *dump(const json_t *b)
{
    return ck_fhir_json_dump(b, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* The Bundle's text after one more import and export. */
static char *again(const char *text, int whole)
{
    ck_fhir_sections s;
    ck_fhir_error err;
    json_t *b = NULL;
    char *t;
    FUZZ_ASSERT(ck_fhir_split(&s, text, strlen(text), &err) == CK_FHIR_OK, "an export imports");
    s.whole = (unsigned char)whole;
    FUZZ_ASSERT(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "it exports again");
    t = dump(b);
    json_decref(b);
    ck_fhir_sections_clear(&s);
    return t;
}

static void distinct_full_urls(const json_t *b, size_t items)
{
    json_t *seen = json_object(), *e;
    size_t i;
    FUZZ_ASSERT(json_array_size(json_object_get(b, "entry")) == items, "one entry per item");
    json_array_foreach(json_object_get(b, "entry"), i, e) {
        const char *u = json_string_value(json_object_get(e, "fullUrl"));
        FUZZ_ASSERT(u && *u && !json_object_get(seen, u), "distinct fullUrls");
        json_object_set_new(seen, u, json_true());
    }
    json_decref(seen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_fhir_sections s;
    ck_fhir_error err;
    json_t *b = NULL;
    char *t1, *t2;
    if (ck_fhir_split(&s, (const char *)data, size, &err) != CK_FHIR_OK) return 0;
    for (int whole = 1; whole >= 0; whole--) {
        s.whole = (unsigned char)whole;
        FUZZ_ASSERT(ck_fhir_export(&b, &s, CK_FHIR_BUNDLE_COLLECTION, &err) == CK_FHIR_OK, "an import exports");
        distinct_full_urls(b, ck_fhir_sections_count(&s));
        t1 = dump(b);
        FUZZ_ASSERT(t1 != NULL, "dump");
        t2 = again(t1, whole);
        FUZZ_ASSERT(t2 && !strcmp(t1, t2), "an export is a fixed point");
        free(t1);
        free(t2);
        json_decref(b);
        b = NULL;
    }
    ck_fhir_sections_clear(&s);
    return 0;
}
