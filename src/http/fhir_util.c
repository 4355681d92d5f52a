/*
 * fhir_util.c - the small helpers every file of the FHIR layer shares:
 * error filling, identifier checks, splitting a Reference.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fhir_api_int.h"

const char *ck_fhir_api_code_name(ck_fhir_api_code c)
{
    switch (c) {
    case CK_FHIR_API_OK: return "ok";
    case CK_FHIR_API_E_INVALID: return "invalid";
    case CK_FHIR_API_E_NOT_SUPPORTED: return "not-supported";
    case CK_FHIR_API_E_TOO_LONG: return "too-long";
    case CK_FHIR_API_E_NOMEM: return "nomem";
    case CK_FHIR_API_E_ARG: return "arg";
    }
    return "unknown";
}

int fa_fail(ck_fhir_api_error *err, ck_fhir_api_code code, const char *expr, const char *fmt, ...)
{
    va_list ap;
    if (!err) return -1;
    err->code = code;
    snprintf(err->expr, sizeof err->expr, "%s", expr ? expr : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void fa_ok(ck_fhir_api_error *err)
{
    if (!err) return;
    err->code = CK_FHIR_API_OK;
    err->expr[0] = 0;
    err->msg[0] = 0;
}

int fa_is_id(const char *s, size_t len)
{
    size_t i;
    if (!s || len == 0 || len > 64) return 0;
    for (i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

int fa_is_type_name(const char *s, size_t len)
{
    size_t i;
    if (!s || len == 0 || len > 64 || !(s[0] >= 'A' && s[0] <= 'Z')) return 0;
    for (i = 1; i < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) return 0;
    return 1;
}

int fa_ref_split(const char *ref, const char **type, size_t *tlen, const char **id, size_t *ilen)
{
    static const char urn[] = "urn:uuid:";
    size_t n, end, slash, tstart;
    const char *h;
    if (!ref) return -1;
    n = strlen(ref);
    if (n > sizeof urn - 1 && memcmp(ref, urn, sizeof urn - 1) == 0) {
        /* A bundle-local UUID: records keep the references they were
         * imported with, and the UUID is the target's id. */
        if (!fa_is_id(ref + sizeof urn - 1, n - (sizeof urn - 1))) return -1;
        *type = ref;
        *tlen = 0;
        *id = ref + sizeof urn - 1;
        *ilen = n - (sizeof urn - 1);
        return 0;
    }
    end = n;
    /* "Type/id/_history/n": the version does not change what it names. */
    h = strstr(ref, "/_history/");
    if (h) end = (size_t)(h - ref);
    slash = end;
    while (slash > 0 && ref[slash - 1] != '/') slash--;
    if (slash < 2) return -1; /* no "/" or nothing before it */
    tstart = slash - 1;
    while (tstart > 0 && ref[tstart - 1] != '/') tstart--;
    if (!fa_is_type_name(ref + tstart, slash - 1 - tstart) || !fa_is_id(ref + slash, end - slash)) return -1;
    *type = ref + tstart;
    *tlen = slash - 1 - tstart;
    *id = ref + slash;
    *ilen = end - slash;
    return 0;
}
