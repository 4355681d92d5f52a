/*
 * fhir_api_int.h - what the files of the FHIR layer share: the table of
 * served types and their search parameters (fhir_types.c), which drives
 * the query parser, the matcher and the CapabilityStatement alike, and
 * the error helpers. Not for the front end: it includes fhir_api.h.
 */
#ifndef CK_HTTP_FHIR_API_INT_H
#define CK_HTTP_FHIR_API_INT_H

#include "fhir_api.h"

/* How an element a search parameter covers is read. */
typedef enum fa_el_kind {
    FA_EL_NONE = 0,
    FA_EL_DATE,   /* date, dateTime or instant string                    */
    FA_EL_PERIOD, /* Period {start, end}, either may be missing          */
    FA_EL_CC,     /* CodeableConcept (coding[] system/code)              */
    FA_EL_CODE,   /* code string (array of codes too)                    */
    FA_EL_REF,    /* Reference {reference}                               */
    FA_EL_ID,     /* Resource.id                                         */
    FA_EL_CODING, /* Coding {system, code}                               */
    FA_EL_IDENT,  /* Identifier {system, value}                          */
    FA_EL_BOOL,   /* boolean, searched as the token true or false        */
    FA_EL_STRING, /* string                                              */
    FA_EL_NAME,   /* HumanName: family, given, prefix, suffix and text   */
} fa_el_kind;

typedef struct fa_element {
    const char *path; /* dot path from the resource root; arrays fan out */
    fa_el_kind kind;
} fa_element;

#define FA_ELEMENTS_MAX 3

typedef struct fa_param_def {
    const char *name;         /* as written in a query               */
    ck_fhir_api_param param;
    fa_element el[FA_ELEMENTS_MAX];
    /* 1: the first element with a value is the parameter's value (a
     * fallback order); 0: every element's values count (a union).     */
    unsigned char first_only;
    const char *doc;          /* CapabilityStatement documentation    */
} fa_param_def;

typedef struct fa_type_def {
    const char *type;
    int writable;             /* create and update                    */
    int view;                 /* built from grants or audit rows      */
    const fa_param_def *params;
    size_t nparams;
} fa_type_def;

/* NULL when type is not served. */
const fa_type_def *fa_type_find(const char *type);
/* The definition of a parameter named name (len bytes) for t: the type's
 * own and the common _id and _lastUpdated. NULL when unknown. */
const fa_param_def *fa_param_find(const fa_type_def *t, const char *name, size_t len);
/* The first definition of param p for t (NULL when t has none). */
const fa_param_def *fa_param_of(const fa_type_def *t, ck_fhir_api_param p);
/* The common parameters (_id, _lastUpdated). */
const fa_param_def *fa_common_params(size_t *n);
/* The table, for the CapabilityStatement. */
const fa_type_def *fa_types(size_t *n);

/* Fills err (when not NULL) and returns -1. */
int fa_fail(ck_fhir_api_error *err, ck_fhir_api_code code, const char *expr, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Clears err to OK. */
void fa_ok(ck_fhir_api_error *err);

/* 1 when s (len bytes) is a FHIR id: [A-Za-z0-9-.]{1,64}. */
int fa_is_id(const char *s, size_t len);
/* 1 when s (len bytes) is a resource type name: [A-Z][A-Za-z]{0,63}. */
int fa_is_type_name(const char *s, size_t len);

/* A Reference string split into type and id: "Type/id", ".../Type/id",
 * "Type/id/_history/n", "urn:uuid:<id>" (type unknown: tlen 0). 0, or -1
 * for anything else (contained "#x", a bare id, a URN of another kind). */
int fa_ref_split(const char *ref, const char **type, size_t *tlen, const char **id, size_t *ilen);

/* Calls fn on every value at path (dot-separated) under node; arrays fan
 * out at every step. Returns what the last call returned when one
 * returned nonzero (which stops the walk), else 0. */
typedef int (*fa_visit_fn)(void *ctx, const json_t *v);
int fa_walk(const json_t *node, const char *path, fa_visit_fn fn, void *ctx);

/* s (n bytes of UTF-8) folded for string search: compatibility
 * decomposition, case folding, combining marks removed ("Müller",
 * "MULLER" and "muller" all give "muller"). The result, NUL-ended, into
 * out (cap bytes), its length into *outlen. -1 when s is not UTF-8 or the
 * result does not fit. */
int fa_fold(const char *s, size_t n, char *out, size_t cap, size_t *outlen);

#endif
