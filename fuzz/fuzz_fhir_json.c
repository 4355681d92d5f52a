/*
 * Fuzz decimal-exact FHIR JSON (src/record/fhir_json.c): whatever parses
 * dumps to text that parses again to the same value, and dumping that
 * gives the same text (numbers keep their lexemes, marked strings stay
 * strings); whatever does not parse is refused without a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/fhir.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *a = ck_fhir_json_parse((const char *)data, size, &je), *b;
    char *t1, *t2;
    if (!a) return 0;
    t1 = ck_fhir_json_dump(a, JSON_COMPACT | JSON_ENCODE_ANY);
    FUZZ_ASSERT(t1 != NULL, "dump");
    b = ck_fhir_json_parse(t1, strlen(t1), &je);
    FUZZ_ASSERT(b != NULL, "the dump parses");
    FUZZ_ASSERT(json_equal(a, b), "the same value");
    t2 = ck_fhir_json_dump(b, JSON_COMPACT | JSON_ENCODE_ANY);
    FUZZ_ASSERT(t2 && strcmp(t1, t2) == 0, "a fixed point");
    free(t1);
    free(t2);
    json_decref(a);
    json_decref(b);
    return 0;
}
