/*
 * util.c - request helpers shared by the handlers: JSON bodies, query
 * parameters, field syntax, the audit trail and the caller's relation to a
 * patient's record.
 */
#include "ckd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ckd_body_object(ckd_req *r, const char *const *allowed, enum MHD_Result *res)
{
    json_error_t jerr;
    json_t *j;
    const char *key;
    json_t *v;

    if (r->body_len == 0) {
        *res = ckd_fail(r, CKD_E_BAD_JSON, "a JSON object body is required");
        return NULL;
    }
    /* Jansson rejects invalid UTF-8 and \u0000 (no JSON_ALLOW_NUL). */
    j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL || !json_is_object(j)) {
        json_decref(j);
        *res = ckd_fail(r, CKD_E_BAD_JSON, "body is not a valid JSON object");
        return NULL;
    }
    json_object_foreach(j, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, key)) ok = 1;
        if (!ok) {
            json_decref(j);
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "unknown field in body");
            return NULL;
        }
    }
    return j;
}

int ckd_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    if (s == NULL || *s == 0 || strlen(s) > 20) return -1;
    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10) return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > max) return -1;
    *out = v;
    return 0;
}

int ckd_param_u64(ckd_req *r, const char *name, uint64_t def, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *v = ckd_param_str(r, name);
    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (ckd_parse_u64(v, max, out) != 0 || *out < min) return -1;
    return 0;
}

const char *ckd_json_str(json_t *o, const char *key, size_t maxlen)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > maxlen) return NULL;
    return json_string_value(v);
}

int ckd_json_hex(json_t *o, const char *key, uint8_t *out, size_t n)
{
    const char *s = ckd_json_str(o, key, 2 * n);
    return s ? ck_net_unhex(out, n, s) : -1;
}

int ckd_token_valid(const char *s, size_t maxlen)
{
    size_t i;
    if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
    for (i = 0; s[i]; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return 0;
    }
    return i <= maxlen;
}

int ckd_rtype_valid(const char *s)
{
    size_t i;
    if (s == NULL || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return 0;
    for (i = 0; s[i]; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
    }
    return i <= 64;
}

/* the list lives with the wire format so that clients offer exactly it */
int ckd_role_valid(const char *s) { return ck_net_role_valid(s); }

int ckd_role_owns_record(const char *role) { return ck_store_role_has_record(role); }

/* The next code point of UTF-8 text at *p (advanced), or -1 when the
 * bytes are not well-formed UTF-8 (overlong, surrogate, above U+10FFFF). */
static long utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    long c;
    int n, i;
    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) n = 1, c = s[0] & 0x1f;
    else if (s[0] >= 0xe0 && s[0] <= 0xef) n = 2, c = s[0] & 0x0f;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4) n = 3, c = s[0] & 0x07;
    else return -1;
    for (i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) return -1;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((n == 2 && c < 0x800) || (n == 3 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
        return -1;
    *p = s + n + 1;
    return c;
}

/* Characters a name shown to other people must not hold: controls (C0,
 * DEL, C1), which break terminals and logs, and the bidirectional
 * formatting characters, which reorder what a reader sees ("Dr A" that
 * displays as someone else's name). */
static int name_char_bad(long c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

int ckd_display_name_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (s == NULL || *s == 0) return 0;
    while (*p) {
        long c = utf8_next(&p);
        if (c < 0 || name_char_bad(c)) return 0;
    }
    return 1;
}

/* Splits the raw query into key=value pairs, nothing decoded: no
 * %-escapes, no '+' as space. Every value we accept is an identifier or a
 * number, so an escape only makes it invalid, and the bytes checked are
 * the bytes signed. Extra pairs past the table are ignored. */
static void parse_query(ckd_req *r)
{
    char *save = NULL;
    r->nparams = 0;
    if (r->query == NULL || strlen(r->query) >= sizeof r->qbuf) return;
    memcpy(r->qbuf, r->query, strlen(r->query) + 1);
    for (char *t = strtok_r(r->qbuf, "&", &save); t && r->nparams < (int)(sizeof r->params / sizeof r->params[0]);
         t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        if (eq) *eq = 0;
        r->params[r->nparams].key = t;
        r->params[r->nparams].value = eq ? eq + 1 : "";
        r->nparams++;
    }
}

/* The first value of name, NULL when absent. */
const char *ckd_param_str(ckd_req *r, const char *name)
{
    if (r->nparams < 0) parse_query(r);
    for (int i = 0; i < r->nparams; i++)
        if (!strcmp(r->params[i].key, name)) return r->params[i].value;
    return NULL;
}

/* HL7 v3 PurposeOfUse codes the clients send. */
int ckd_purpose_valid(const char *s)
{
    static const char *const codes[] = {"TREAT", "ETREAT", "BTG", "HPAYMT", "HOPERAT", "HRESCH", "PATRQT",
                                        "FAMRQT", "PUBHLTH", "HSYSADMIN", "COVERAGE", NULL};
    for (const char *const *p = codes; *p; p++)
        if (!strcmp(s, *p)) return 1;
    return 0;
}

json_t *ckd_hex_json(const uint8_t *p, size_t n)
{
    char buf[257];
    if (n > 128) return NULL;
    ck_net_hex(buf, p, n);
    return json_string(buf);
}

json_t *ckd_b64_json(const uint8_t *p, size_t n)
{
    char *buf = malloc(ck_net_b64_len(n));
    json_t *j;
    if (buf == NULL) return NULL;
    ck_net_b64(buf, p, n);
    j = json_string(buf);
    free(buf);
    return j;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void ckd_audit_fill(ckd_req *r, ck_store_audit *a, const char *patient, const char *action,
                    const char *target, int status, const char *outcome)
{
    memset(a, 0, sizeof *a);
    a->time_ms = ckd_now_ms();
    copy(a->actor, sizeof a->actor, r->caller);
    copy(a->patient, sizeof a->patient, patient);
    copy(a->action, sizeof a->action, action);
    copy(a->target, sizeof a->target, target ? target : "");
    copy(a->purpose, sizeof a->purpose, r->purpose);
    copy(a->outcome, sizeof a->outcome, outcome);
    a->status = status;
    a->read_gen = ckd_read_gen(r, patient);
}

int ckd_audit(ckd_req *r, const char *patient, const char *action, const char *target, int status,
              const char *outcome)
{
    ck_store_audit a;
    ckd_audit_fill(r, &a, patient, action, target, status, outcome);
    if (ckd_audit_write(r, &a) != CK_STORE_OK) {
        ckd_log(CKD_ERROR, "audit write failed", "action=%s", action);
        return -1;
    }
    return 0;
}

enum MHD_Result ckd_deny(ckd_req *r, const char *patient, const char *action, const char *target, ckd_err e,
                         const char *message)
{
    /* Refused attempts are part of the patient's audit trail too. */
    if (r->caller_kind == CKD_CALLER_USER &&
        ckd_audit(r, patient, action, target, ckd_err_status(e), ckd_err_code(e)) != 0)
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    return ckd_fail(r, e, message);
}

enum MHD_Result ckd_store_fail(ckd_req *r, ck_store_rc rc, ckd_err not_found)
{
    switch (rc) {
    case CK_STORE_NOT_FOUND: return ckd_fail(r, not_found, "not found");
    case CK_STORE_EXISTS: return ckd_fail(r, CKD_E_EXISTS, "already exists");
    case CK_STORE_CONFLICT: return ckd_fail(r, CKD_E_HEAD_MISMATCH, "conflict");
    case CK_STORE_FULL: return ckd_fail(r, CKD_E_MAILBOX_FULL, "limit reached");
    default: return ckd_fail(r, CKD_E_INTERNAL, "storage error");
    }
}

/* ---- JSON text without jansson ------------------------------------------ */

static int buf_grow(ckd_buf *b, size_t n)
{
    size_t cap;
    char *np;
    if (b->oom) return -1;
    if (b->len + n + 1 <= b->cap) return 0;
    cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1) cap *= 2;
    if ((np = realloc(b->p, cap)) == NULL) {
        b->oom = 1;
        return -1;
    }
    b->p = np;
    b->cap = cap;
    return 0;
}

void ckd_buf_raw(ckd_buf *b, const char *s, size_t n)
{
    if (buf_grow(b, n) != 0) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void ckd_buf_lit(ckd_buf *b, const char *s) { ckd_buf_raw(b, s, strlen(s)); }

void ckd_buf_str(ckd_buf *b, const char *s)
{
    static const char hx[] = "0123456789abcdef";
    size_t n = strlen(s);
    char *o;
    if (buf_grow(b, 6 * n + 2) != 0) return; /* worst case: every byte \u00XX */
    o = b->p + b->len;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            *o++ = '\\';
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hx[c >> 4];
            *o++ = hx[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    *o = 0;
    b->len = (size_t)(o - b->p);
}

void ckd_buf_u64(ckd_buf *b, uint64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%llu", (unsigned long long)v);
    ckd_buf_raw(b, t, (size_t)n);
}

void ckd_buf_i64(ckd_buf *b, int64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%lld", (long long)v);
    ckd_buf_raw(b, t, (size_t)n);
}

void ckd_buf_hex(ckd_buf *b, const uint8_t *p, size_t n)
{
    if (buf_grow(b, 2 * n + 2) != 0) return;
    b->p[b->len++] = '"';
    ck_net_hex(b->p + b->len, p, n);
    b->len += 2 * n;
    b->p[b->len++] = '"';
    b->p[b->len] = 0;
}

void ckd_buf_b64(ckd_buf *b, const uint8_t *p, size_t n)
{
    size_t m = ck_net_b64_len(n); /* NUL included */
    if (buf_grow(b, m + 2) != 0) return;
    b->p[b->len++] = '"';
    ck_net_b64(b->p + b->len, p, n);
    b->len += m - 1;
    b->p[b->len++] = '"';
    b->p[b->len] = 0;
}

uint64_t ckd_str_hash(uint64_t key, const char *s)
{
    uint64_t h = key;
    for (const char *p = s; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return h ^ (h >> 29);
}
