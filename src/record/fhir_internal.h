/*
 * src/record/fhir_internal.h - helpers shared by the FHIR mapping,
 * export, de-identification, sharing and report files. Not installed.
 */
#ifndef CK_RECORD_FHIR_INTERNAL_H
#define CK_RECORD_FHIR_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "carekey/fhir.h"

/* Sets err (if non-NULL) to code, path and "<path>: <fmt...>"; returns code.
 * fmt arguments must never carry patient data.                           */
ck_fhir_err ck_fhir_fail(ck_fhir_error *err, ck_fhir_err code, const char *path,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ck_fhir_error_clear(ck_fhir_error *err);

/* 1 when s is a FHIR id ([A-Za-z0-9-.]{1,64}). */
int ck_fhir_valid_id(const char *s);
/* 1 when s is a FHIR resource type name ([A-Z][A-Za-z]{0,63}). */
int ck_fhir_valid_type(const char *s);
/* 1 when s is a UUID in canonical text form (8-4-4-4-12 hex). */
int ck_fhir_is_uuid(const char *s);

/* The fullUrl an item is exported under: urn:uuid:<id> for UUID ids,
 * urn:carekey:<Type>:<id> otherwise. buf needs 96 bytes.                 */
void ck_fhir_export_url(char *buf, size_t cap, const char *type, const char *id);

/*
 * Identity index over a set of items: maps each way a reference can name an
 * item ("Type/id", "urn:uuid:<id>", the imported fullUrl, and any absolute
 * URL ending in "/Type/id") to the item. Built on a jansson object (keys
 * are the names, values borrowed item objects).
 */
typedef struct ck_fhir_index {
    json_t *by_name;
} ck_fhir_index;

CK_MUST_CHECK ck_fhir_err ck_fhir_index_build(ck_fhir_index *ix, const ck_fhir_sections *in,
                                              ck_fhir_error *err);
void ck_fhir_index_free(ck_fhir_index *ix);
/* The item a reference string names, or NULL. */
json_t *ck_fhir_index_lookup(const ck_fhir_index *ix, const char *reference);

/* Item accessors (NULL when absent or not a string/object). */
const char *ck_fhir_item_type(const json_t *item);
const char *ck_fhir_item_id(const json_t *item);
json_t *ck_fhir_item_resource(const json_t *item);

/* Small JSON path builder used while walking ("$.entry[3].resource"). */
typedef struct ck_jpath {
    char buf[160];
    size_t len;
    int overflow;
} ck_jpath;
void ck_jpath_init(ck_jpath *p);
/* push returns the previous length to pop back to. */
size_t ck_jpath_key(ck_jpath *p, const char *key);
size_t ck_jpath_index(ck_jpath *p, size_t i);
void ck_jpath_pop(ck_jpath *p, size_t len);

/* Deep-walk helper: visits every object in v (pre-order) with depth. */
typedef int (*ck_json_visit_fn)(json_t *obj, void *ctx);

/* String from a nested object member, or NULL. */
const char *ck_json_str(const json_t *obj, const char *key);

#endif
