/*
 * json_check.h - the two helpers the FHIR layer's tests share: JSON text
 * to a value (aborting on a test's own typo), and an exact comparison
 * that prints what came when it differs.
 */
#ifndef CK_TESTS_HTTP_JSON_CHECK_H
#define CK_TESTS_HTTP_JSON_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "harness.h"

static inline json_t *J(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j) {
        fprintf(stderr, "bad test JSON: %s: %s\n", je.text, text);
        abort();
    }
    return j;
}

/* got equals the JSON text want (then got is released). */
static inline void same(json_t *got, const char *want, const char *what)
{
    json_t *w = J(want);
    int eq = got && json_equal(got, w);
    CHECK(eq, "%s", what);
    if (!eq) {
        char *g = got ? json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
        fprintf(stderr, "  got:  %s\n  want: %s\n", g ? g : "(null)", want);
        free(g);
    }
    json_decref(w);
    json_decref(got);
}

#endif
