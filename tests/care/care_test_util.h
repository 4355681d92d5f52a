/*
 * tests/care/care_test_util.h - what the care tests share: instants written
 * as text, reading a resource's strings, and the ledger items as the CLI
 * hands them over. Header only: each test is one program (CMakeLists.txt).
 */
#ifndef CK_CARE_TEST_UTIL_H
#define CK_CARE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"

/* The instant a test names; a typo in the test stops it (exit 2) rather
 * than testing at the epoch. */
static inline int64_t care_test_time(const char *s)
{
    int64_t ms = 0;
    if (ck_care_time_parse(s, &ms) != 0) {
        fprintf(stderr, "bad test time %s\n", s);
        exit(2);
    }
    return ms;
}

/* The string member k of o, or NULL. */
static inline const char *care_test_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The string at path "a.b.0.c" (objects by key, arrays by index), or NULL. */
static inline const char *care_test_path(const json_t *o, const char *path)
{
    char buf[256], *save = NULL;
    const json_t *cur = o;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && cur; t = strtok_r(NULL, ".", &save))
        cur = json_is_array(cur) ? json_array_get(cur, strtoul(t, NULL, 10)) : json_object_get(cur, t);
    return json_string_value(cur);
}

/* Puts res into items as an item of section, as the CLI hands a ledger
 * over: the latest version of each Type/id replaces the one before. */
static inline void care_test_put(json_t *items, const char *section, const json_t *res)
{
    const char *type = care_test_str(res, "resourceType"), *id = care_test_str(res, "id");
    json_t *it = json_pack("{s:s,s:s,s:s,s:O}", "section", section, "type", type, "id", id, "resource", res);
    size_t i;
    json_t *x;
    json_array_foreach(items, i, x)
        if (!strcmp(care_test_str(x, "type"), type) && !strcmp(care_test_str(x, "id"), id)) {
            json_array_set_new(items, i, it);
            return;
        }
    json_array_append_new(items, it);
}

#endif
