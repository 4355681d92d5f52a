/*
 * Fuzz the bodies of the hospital's forms (src/ui/care_parse.c): the first
 * byte picks the form, the rest is the body. An accepted body is one JSON
 * object whose strings hold no NUL, whose bed is in range and whose vitals
 * are short name/value pairs; a refused one leaves nothing behind and says
 * why.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ui/care.h"

static const char *const ops[] = {"admit", "discharge", "condition", "vitals", "note",
                                  "appointment", "theatre", "slots", "checkin", "cancel", "outcome", "nosuch"};

static void check_value(const char *k, const json_t *v)
{
    if (json_is_string(v)) {
        FUZZ_ASSERT(json_string_length(v) >= 1 && strlen(json_string_value(v)) == json_string_length(v), "string");
    } else if (!strcmp(k, "bed")) {
        FUZZ_ASSERT(json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 100000, "bed");
    } else if (!strcmp(k, "vitals")) {
        const char *n;
        json_t *x;
        FUZZ_ASSERT(json_is_object(v) && json_object_size(v) >= 1 && json_object_size(v) <= 32, "vitals");
        json_object_foreach((json_t *)v, n, x) {
            FUZZ_ASSERT(strlen(n) >= 1 && strlen(n) <= 16 && !strchr(n, '='), "vital name");
            FUZZ_ASSERT(json_is_string(x) && json_string_length(x) <= 32 && !strchr(json_string_value(x), '='), "vital");
        }
    } else {
        FUZZ_ASSERT(json_is_boolean(v), "flags are booleans");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *op, *why = NULL, *k;
    json_t *out = NULL, *v;
    if (size < 1) return 0;
    op = ops[data[0] % (sizeof ops / sizeof *ops)];
    if (ck_ui_form_parse(op, (const char *)data + 1, size - 1, &out, &why) != 0) {
        FUZZ_ASSERT(out == NULL && why != NULL, "nothing left on failure, a reason");
        return 0;
    }
    FUZZ_ASSERT(ck_ui_form_known(op) && json_is_object(out) && why == NULL, "an object of a known form");
    if (strcmp(op, "slots") && strcmp(op, "checkin") && strcmp(op, "cancel") && strcmp(op, "outcome"))
        FUZZ_ASSERT(json_is_string(json_object_get(out, "patient")), "a patient");
    json_object_foreach(out, k, v) check_value(k, v);
    json_decref(out);
    return 0;
}
