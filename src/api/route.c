/*
 * src/api/route.c - the URL -> handler table: the request path parsed
 * into a route (strict segments; %XX decoded), then one flat table of
 * (method, route kind, handler), as systemd's journal gateway keeps it.
 */
#include <string.h>

#include "api/api_impl.h"

#define SEG_MAX 4

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* One segment decoded into out (cap bytes with its NUL); -1 for a bad
 * escape, a NUL, a "/" escaped into it, or one too long. */
static int decode(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int h, l;
            if (i + 2 >= len) return -1;
            h = hexval((unsigned char)s[i + 1]);
            l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = h * 16 + l;
            i += 2;
        }
        if (c == 0 || c == '/' || o + 1 >= cap) return -1;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return 0;
}

static int is_type(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= CK_FHIR_API_TYPE_MAX || !(s[0] >= 'A' && s[0] <= 'Z')) return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) return 0;
    return 1;
}

static int is_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int is_version(const char *s, uint64_t *v)
{
    size_t n = strlen(s);
    uint64_t x = 0;
    if (n == 0 || n > 18 || (s[0] == '0')) return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    return 1;
}

int ck_api_route_parse(const char *path, size_t len, ck_api_route *out)
{
    char seg[SEG_MAX][72];
    size_t nseg = 0, i = 0;
    memset(out, 0, sizeof *out);
    if ((len == 5 && memcmp(path, "/fhir", 5) == 0) || (len == 6 && memcmp(path, "/fhir/", 6) == 0)) {
        out->kind = CK_API_R_SYSTEM; /* the base: transaction and batch */
        return 0;
    }
    if (len < 6 || memcmp(path, "/fhir/", 6) != 0) return -1;
    i = 6;
    while (i <= len) {
        size_t j = i;
        while (j < len && path[j] != '/') j++;
        if (j == i || nseg == SEG_MAX) return -1; /* an empty segment, a trailing "/", too deep */
        if (decode(path + i, j - i, seg[nseg], sizeof seg[nseg]) != 0) return -1;
        nseg++;
        if (j == len) break;
        i = j + 1;
    }
    if (nseg == 1 && strcmp(seg[0], "metadata") == 0) {
        out->kind = CK_API_R_METADATA;
        return 0;
    }
    if (!is_type(seg[0])) return -1;
    memcpy(out->type, seg[0], strlen(seg[0]) + 1);
    if (nseg == 1) {
        out->kind = CK_API_R_TYPE;
        return 0;
    }
    if (!is_id(seg[1])) return -1;
    memcpy(out->id, seg[1], strlen(seg[1]) + 1);
    if (nseg == 2) {
        out->kind = CK_API_R_INSTANCE;
        return 0;
    }
    if (nseg == 3 && strcmp(seg[2], "$everything") == 0 && strcmp(out->type, "Patient") == 0) {
        out->kind = CK_API_R_EVERYTHING;
        return 0;
    }
    if (strcmp(seg[2], "_history") != 0) return -1;
    if (nseg == 3) {
        out->kind = CK_API_R_HISTORY;
        return 0;
    }
    if (!is_version(seg[3], &out->vid)) return -1;
    out->kind = CK_API_R_VREAD;
    return 0;
}

/* ---- the table ------------------------------------------------------------------------ */
static const struct {
    const char *method;
    ck_api_route_kind kind;
    ck_api_handler fn;
} routes[] = {
    {"GET", CK_API_R_METADATA, ck_api_metadata},
    {"GET", CK_API_R_TYPE, ck_api_search},
    {"POST", CK_API_R_TYPE, ck_api_create},
    {"GET", CK_API_R_INSTANCE, ck_api_read},
    {"PUT", CK_API_R_INSTANCE, ck_api_update},
    {"GET", CK_API_R_HISTORY, ck_api_history},
    {"GET", CK_API_R_VREAD, ck_api_vread},
    {"GET", CK_API_R_EVERYTHING, ck_api_everything},
    {"POST", CK_API_R_SYSTEM, ck_api_transaction},
};

ck_api_handler ck_api_dispatch(const char *method, const ck_api_route *rt, int *allowed)
{
    *allowed = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (routes[i].kind != rt->kind) continue;
        *allowed = 1;
        if (strcmp(routes[i].method, method) == 0) return routes[i].fn;
    }
    return NULL;
}

void ck_api_allow(const ck_api_route *rt, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        int n;
        if (routes[i].kind != rt->kind) continue;
        n = snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", routes[i].method);
        if (n < 0 || (size_t)n >= cap - o) return;
        o += (size_t)n;
    }
}
