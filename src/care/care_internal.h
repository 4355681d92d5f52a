/*
 * src/care/care_internal.h - helpers shared by the care workflow files
 * (care_util.c): the error filler, the checks made on names, ids and text
 * before anything is written, and small FHIR building blocks. Not installed.
 */
#ifndef CK_CARE_INTERNAL_H
#define CK_CARE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/care.h"
#include "carekey/fhir.h"

/* Sets err (if non-NULL) to code and the formatted message; returns -1, so
 * a check can end with `return ck_care_fail(...)`. */
int ck_care_fail(ck_care_error *err, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Empties err (if non-NULL): code and message "". */
void ck_care_error_clear(ck_care_error *err);

/* ---- checks: 1 when s is acceptable, 0 otherwise (NULL included) ---- */
/* A GID, organization or unit name inside a reference: 1..64 of
 * [A-Za-z0-9._-] (safe inside "Type/id"). */
int ck_care_valid_ref_name(const char *s);
/* A GID or unit name by the directory's identifier rule: 1..64 of
 * [A-Za-z0-9._@-], starting with a letter or digit. */
int ck_care_valid_dir_name(const char *s);
/* A FHIR id: 1..64 of [A-Za-z0-9.-]. */
int ck_care_valid_fhir_id(const char *s);
/* The shape of a SNOMED CT concept id: 6..18 digits, no leading zero. */
int ck_care_valid_sctid(const char *s);
/* Free text we store (reasons, names, summaries): 1..max bytes. */
int ck_care_valid_text(const char *s, size_t max);

/* ---- FHIR building blocks ---- */
/* The extension that keeps the actual period of a fulfilled theatre
 * booking in the ledger, for the MIS report (an Appointment has no element
 * for it). */
#define CK_CARE_ACTUAL_PERIOD_EXT "https://carekey.dev/fhir/StructureDefinition/actual-period"
/* {"system", "code", "display"} (display left out when NULL). */
json_t *ck_care_coding(const char *system, const char *code, const char *display);
/* A CodeableConcept of that one coding. */
json_t *ck_care_concept(const char *system, const char *code, const char *display);
/* ms as an instant "YYYY-MM-DDThh:mm:ssZ" (a JSON string). */
json_t *ck_care_instant(int64_t ms);
/* A Period {"start", "end"} of two instants. */
json_t *ck_care_period_json(int64_t start_ms, int64_t end_ms);
/* [start, end) for a message: "2026-11-25 09:00-11:00", with both dates
 * when the span crosses midnight. */
void ck_care_span_text(char out[48], int64_t start_ms, int64_t end_ms);

/* ---- collections ---- */
/* Room for element n of a growing array v of *cap elements of elem bytes
 * (doubling, first elements on the first call), that element zeroed:
 * returns the array, possibly moved, and updates *cap; NULL when out of
 * memory, v then left as it was. */
void *ck_care_grow(void *v, size_t n, size_t *cap, size_t elem, size_t first);
/* Sorts the n rows of v by cmp (qsort's) and moves them into a new JSON
 * array. The rows are taken in every case: v[0..n) are NULL on return.
 * NULL when out of memory. */
json_t *ck_care_rows_sorted(json_t **v, size_t n, int (*cmp)(const void *, const void *));

#endif
