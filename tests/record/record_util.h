/* tests/record/record_util.h - fixtures and JSON helpers for record tests. */
#ifndef CK_TEST_RECORD_UTIL_H
#define CK_TEST_RECORD_UTIL_H

#include <stddef.h>

#include "carekey/fhir.h"

#define N_FIXTURES 4
extern const char *const fixture_names[N_FIXTURES];

/* Reads a whole file (NUL-terminated); NULL on failure. */
char *read_file(const char *path, size_t *len);
/* Reads tests/fixtures/fhir/<name>. */
char *read_fixture(const char *name, size_t *len);
/* Splits a fixture; returns 0 on success. */
int load_fixture(const char *name, ck_fhir_sections *out);
/* Calls fn on every string value (and object key when keys != 0) in v. */
void for_each_string(const json_t *v, void (*fn)(const char *s, void *ctx), void *ctx);
/* Counts every occurrence of a "reference" string in v. */
size_t count_key(const json_t *v, const char *key);
/* Serialized (compact, sorted) form of every available section. */
char *dump_sections(const ck_fhir_sections *s);
/* 1 if s contains a YYYY-MM-DD date. */
int has_full_date(const char *s);

#endif
