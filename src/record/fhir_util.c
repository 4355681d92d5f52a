/*
 * src/record/fhir_util.c - errors, identifier syntax, JSON paths and item
 * accessors for the record layer's FHIR code.
 */
#include <stdio.h>
#include <string.h>

#include "fhir_internal.h"

const char *ck_fhir_strerror(ck_fhir_err e)
{
    switch (e) {
    case CK_FHIR_OK: return "ok";
    case CK_FHIR_ERR_JSON: return "malformed JSON";
    case CK_FHIR_ERR_INVALID: return "invalid content";
    case CK_FHIR_ERR_DUPLICATE: return "duplicate resource";
    case CK_FHIR_ERR_LIMIT: return "limit exceeded";
    case CK_FHIR_ERR_NOMEM: return "out of memory";
    case CK_FHIR_ERR_PARAM: return "bad argument";
    case CK_FHIR_ERR_RANDOM: return "random source failed";
    case CK_FHIR_ERR_POLICY: return "invalid policy template";
    }
    return "unknown error";
}

void ck_fhir_error_clear(ck_fhir_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

ck_fhir_err ck_fhir_fail(ck_fhir_error *err, ck_fhir_err code, const char *path,
                         const char *fmt, ...)
{
    va_list ap;
    char what[150];
    if (!err)
        return code;
    err->code = code;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (err->path[0])
        snprintf(err->msg, sizeof err->msg, "%s: %s", err->path, what);
    else
        snprintf(err->msg, sizeof err->msg, "%s", what);
    return code;
}

int ck_fhir_valid_id(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return 0;
        if (n >= CK_FHIR_ID_MAX)
            return 0;
    }
    return n > 0;
}

int ck_fhir_valid_type(const char *s)
{
    size_t n;
    if (!s || !(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    for (n = 1; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) || n >= 64)
            return 0;
    }
    return 1;
}

int ck_fhir_is_uuid(const char *s)
{
    size_t i;
    if (!s || strlen(s) != 36)
        return 0;
    for (i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

void ck_fhir_export_url(char *buf, size_t cap, const char *type, const char *id)
{
    if (ck_fhir_is_uuid(id))
        snprintf(buf, cap, "urn:uuid:%s", id);
    else
        snprintf(buf, cap, "urn:carekey:%s:%s", type, id);
}

const char *ck_json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

const char *ck_fhir_item_type(const json_t *item)
{
    return ck_json_str(item, "type");
}

const char *ck_fhir_item_id(const json_t *item)
{
    return ck_json_str(item, "id");
}

json_t *ck_fhir_item_resource(const json_t *item)
{
    json_t *r = json_object_get(item, "resource");
    return json_is_object(r) ? r : NULL;
}

void ck_jpath_init(ck_jpath *p)
{
    p->buf[0] = '$';
    p->buf[1] = 0;
    p->len = 1;
    p->overflow = 0;
}

static size_t jpath_append(ck_jpath *p, const char *s)
{
    size_t old = p->len, n = strlen(s);
    if (p->len + n + 4 >= sizeof p->buf) {
        /* too deep to show: mark the truncation once */
        if (!p->overflow) {
            memcpy(p->buf + p->len, "...", 4);
            p->len += 3;
            p->overflow = 1;
        }
        return old;
    }
    memcpy(p->buf + p->len, s, n + 1);
    p->len += n;
    return old;
}

size_t ck_jpath_key(ck_jpath *p, const char *key)
{
    char tmp[80];
    /* Keys in our paths are FHIR element names (schema, not data); any key
     * that is not a plain name is shown as [*] so nothing else leaks. */
    size_t i, n = strlen(key);
    int plain = n > 0 && n < 64;
    for (i = 0; plain && i < n; i++) {
        char c = key[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            plain = 0;
    }
    if (plain)
        snprintf(tmp, sizeof tmp, ".%s", key);
    else
        snprintf(tmp, sizeof tmp, "[*]");
    return jpath_append(p, tmp);
}

size_t ck_jpath_index(ck_jpath *p, size_t i)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "[%zu]", i);
    return jpath_append(p, tmp);
}

void ck_jpath_pop(ck_jpath *p, size_t len)
{
    if (len < p->len) {
        p->len = len;
        p->buf[len] = 0;
        p->overflow = 0;
    }
}
