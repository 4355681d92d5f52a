/*
 * src/ui/parse.c - the parsers of what a browser sends the node's pages:
 * the Cookie header, query strings, the login body, static paths and the
 * Origin check. Pure (no I/O, no globals); fuzzed by fuzz/fuzz_ui_parse.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "carekey/fhir.h"

#include "ui/ui_impl.h"

static int is_hex_lower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

int ck_ui_cookie_get(const char *header, const char *name, char out[CK_UI_ID_HEX + 1])
{
    size_t nl = strlen(name);
    const char *p = header;
    out[0] = 0;
    if (!header) return -1;
    while (*p) {
        const char *end;
        while (*p == ' ' || *p == '\t' || *p == ';') p++;
        end = p;
        while (*end && *end != ';') end++;
        if ((size_t)(end - p) == nl + 1 + CK_UI_ID_HEX && !memcmp(p, name, nl) && p[nl] == '=') {
            const char *v = p + nl + 1;
            int ok = 1;
            for (size_t i = 0; i < CK_UI_ID_HEX; i++) ok &= is_hex_lower(v[i]);
            if (ok) {
                memcpy(out, v, CK_UI_ID_HEX);
                out[CK_UI_ID_HEX] = 0;
                return 0;
            }
        }
        p = end;
    }
    return -1;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* s (len bytes) with "+" and %XX decoded into out; -1 bad or too long. */
static int decode(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') c = ' ';
        else if (c == '%') {
            int h, l;
            if (i + 2 >= len) return -1;
            h = hexval((unsigned char)s[i + 1]);
            l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) return -1;
            c = h * 16 + l;
            i += 2;
        }
        if (c == 0 || o + 1 >= cap) return -1;
        out[o++] = (char)c;
    }
    out[o] = 0;
    return 0;
}

int ck_ui_query_get(const char *qs, size_t len, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name), i = 0;
    if (cap) out[0] = 0;
    while (i < len) {
        size_t j = i, eq;
        while (j < len && qs[j] != '&') j++;
        eq = i;
        while (eq < j && qs[eq] != '=') eq++;
        if (eq - i == nl && !memcmp(qs + i, name, nl)) {
            if (eq == j) return -2; /* a name without a value */
            return decode(qs + eq + 1, j - eq - 1, out, cap) == 0 ? 0 : -2;
        }
        i = j + 1;
    }
    return -1;
}

int ck_ui_gid_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 128 || s[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '@' || c == '-'))
            return 0;
    }
    return 1;
}

int ck_ui_login_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], char pass[CK_UI_PASS_MAX])
{
    json_t *v = NULL, *g, *p;
    int rc = -1;
    gid[0] = pass[0] = 0;
    if (!body || len == 0 || len > 4096) return -1;
    if (!(v = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(v) || json_object_size(v) != 2)
        goto out;
    g = json_object_get(v, "gid");
    p = json_object_get(v, "passphrase");
    if (!json_is_string(g) || !json_is_string(p) || !ck_ui_gid_ok(json_string_value(g))) goto out;
    if (json_string_length(p) == 0 || json_string_length(p) >= CK_UI_PASS_MAX ||
        strlen(json_string_value(p)) != json_string_length(p))
        goto out; /* no NUL inside a passphrase */
    snprintf(gid, CK_UI_GID_MAX, "%s", json_string_value(g));
    memcpy(pass, json_string_value(p), json_string_length(p) + 1);
    rc = 0;
out:
    json_decref(v); /* the node's allocator wipes what it frees */
    if (rc != 0) OPENSSL_cleanse(pass, CK_UI_PASS_MAX), gid[0] = 0;
    return rc;
}

static int seg_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
}

int ck_ui_static_rel(const char *path, size_t len, char *rel, size_t cap)
{
    size_t i;
    if (len == 0 || path[0] != '/' || cap < 16) return -1;
    if (len == 1) {
        snprintf(rel, cap, "index.html");
        return 0;
    }
    if (len >= cap || len > 200) return -1;
    for (i = 1; i < len; i++) {
        char c = path[i];
        if (c == '/') {
            if (path[i - 1] == '/' || i + 1 == len) return -1; /* empty segment, trailing "/" */
            continue;
        }
        if (!seg_char(c)) return -1;
        /* ".", "..", hidden files; and ".." inside a name too, so that no
         * ".." reaches a path at all (no file served here has one) */
        if (c == '.' && (path[i - 1] == '/' || path[i - 1] == '.')) return -1;
    }
    memcpy(rel, path + 1, len - 1);
    rel[len - 1] = 0;
    return 0;
}

const char *ck_ui_content_type(const char *rel)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},   {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},               {".png", "image/png"},
        {".ico", "image/x-icon"},                {".json", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(rel, '.');
    if (!dot || strchr(dot, '/')) return NULL;
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (!strcmp(dot, types[i].ext)) return types[i].type;
    return NULL;
}

int ck_ui_origin_ok(const char *origin, const char *host, unsigned port)
{
    if (!origin || !host || !ck_ui_host_loopback(host, port)) return 0;
    if (strncmp(origin, "http://", 7) != 0) return 0;
    return strcmp(origin + 7, host) == 0;
}

int ck_ui_secret_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb || la == 0) return 0; /* tokens have a fixed length: it is no secret */
    return CRYPTO_memcmp(a, b, la) == 0;
}

int ck_ui_host_match(const char *host, const char *name, unsigned port)
{
    char want[320];
    int six;
    if (!host || !name || !*name || port == 0 || port > 65535) return 0;
    six = strchr(name, ':') != NULL; /* an IPv6 literal goes in brackets */
    if ((size_t)snprintf(want, sizeof want, "%s%s%s:%u", six ? "[" : "", name, six ? "]" : "", port) >= sizeof want)
        return 0;
    return strcasecmp(host, want) == 0;
}

int ck_ui_origin_match(const char *origin, const char *scheme, const char *host)
{
    size_t sl;
    if (!origin || !scheme || !host || !*host) return 0;
    sl = strlen(scheme);
    return !strncmp(origin, scheme, sl) && !strncmp(origin + sl, "://", 3) && !strcmp(origin + sl + 3, host);
}

int ck_ui_host_loopback(const char *host, unsigned port)
{
    return ck_ui_host_match(host, "127.0.0.1", port) || ck_ui_host_match(host, "localhost", port) ||
           ck_ui_host_match(host, "::1", port);
}

/* ---- the sharing change body ----------------------------------------------------- */

static int share_fail(char *why, size_t cap, const char *msg)
{
    snprintf(why, cap, "%s", msg);
    return -1;
}

static int share_keys_ok(json_t *v)
{
    static const char *const keys[] = {"action",  "grantee", "access",    "sections", "delegate",
                                       "expires", "confirm", "hospitals", "gid"};
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        size_t i = 0;
        while (i < sizeof keys / sizeof *keys && strcmp(k, keys[i])) i++;
        if (i == sizeof keys / sizeof *keys) return 0;
    }
    return 1;
}

/* sections: a non-empty array of known section names without repeats, or ["*"]. */
static int share_sections(json_t *a, char *out, size_t cap)
{
    size_t i, used = 0;
    json_t *x;
    uint32_t seen = 0;
    out[0] = 0;
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > CK_SECTION_COUNT) return -1;
    if (json_array_size(a) == 1 && json_is_string(json_array_get(a, 0)) &&
        !strcmp(json_string_value(json_array_get(a, 0)), "*")) {
        snprintf(out, cap, "*");
        return 0;
    }
    json_array_foreach(a, i, x) {
        ck_section sec;
        if (!json_is_string(x) || ck_section_from_name(json_string_value(x), &sec) != 0 || (seen & (1u << sec)))
            return -1;
        seen |= 1u << sec;
        used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "," : "", json_string_value(x));
        if (used >= cap) return -1;
    }
    return 0;
}

/* hospitals: 1-64 distinct GIDs. */
static int share_hospitals(json_t *a, char *out, size_t cap)
{
    size_t i, used = 0;
    json_t *x;
    out[0] = 0;
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 64) return -1;
    json_array_foreach(a, i, x) {
        const char *g = json_string_value(x);
        if (!g || !ck_ui_gid_ok(g)) return -1;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(g, json_string_value(json_array_get(a, j)))) return -1;
        used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "," : "", g);
        if (used >= cap) return -1;
    }
    return 0;
}

int ck_ui_share_parse(const char *body, size_t len, ck_ui_share *out, char *why, size_t cap)
{
    json_t *v = NULL, *x;
    const char *action, *access;
    int rc = -1;
    memset(out, 0, sizeof *out);
    why[0] = 0;
    if (!body || len == 0 || len > 8192) return share_fail(why, cap, "the body must be a small JSON object");
    if (!(v = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(v)) {
        share_fail(why, cap, "the body is not a JSON object");
        goto out;
    }
    if (!share_keys_ok(v)) {
        share_fail(why, cap, "unknown field (action, grantee, gid, access, sections, delegate, expires, hospitals, "
                             "confirm)");
        goto out;
    }
    action = json_string_value(json_object_get(v, "action"));
    if (!action || (strcmp(action, "grant") && strcmp(action, "revoke") && strcmp(action, "hospitals") &&
                    strcmp(action, "family"))) {
        share_fail(why, cap, "action must be \"grant\", \"revoke\", \"family\" or \"hospitals\"");
        goto out;
    }
    if ((x = json_object_get(v, "confirm")) && !json_is_boolean(x)) {
        share_fail(why, cap, "confirm must be true or false");
        goto out;
    }
    out->confirm = json_is_true(x);
    if (!strcmp(action, "hospitals")) {
        out->hospitals = 1;
        if (json_object_size(v) != 2u + (x != NULL)) {
            share_fail(why, cap, "a change of hospitals names only the hospitals");
            goto out;
        }
        if (share_hospitals(json_object_get(v, "hospitals"), out->hosp, sizeof out->hosp) != 0) {
            share_fail(why, cap, "hospitals must list 1 to 64 hospitals (their IDs) once each");
            goto out;
        }
        rc = 0;
        goto out;
    }
    if (!strcmp(action, "family")) {
        out->family = 1;
        x = json_object_get(v, "gid");
        if (json_object_size(v) != 2u + (json_object_get(v, "confirm") != NULL) || !json_is_string(x) ||
            !ck_ui_gid_ok(json_string_value(x))) {
            share_fail(why, cap, "an invitation names only the person: gid, a GID (letters, digits, . _ @ -)");
            goto out;
        }
        snprintf(out->grantee, sizeof out->grantee, "%s", json_string_value(x));
        rc = 0;
        goto out;
    }
    if (json_object_get(v, "gid") || json_object_get(v, "hospitals")) {
        share_fail(why, cap, "a grant or a revocation names the person as grantee, and no hospitals");
        goto out;
    }
    x = json_object_get(v, "grantee");
    if (!json_is_string(x) || !ck_ui_gid_ok(json_string_value(x))) {
        share_fail(why, cap, "grantee must be a person's GID (letters, digits, . _ @ -)");
        goto out;
    }
    snprintf(out->grantee, sizeof out->grantee, "%s", json_string_value(x));
    x = json_object_get(v, "confirm");
    out->revoke = !strcmp(action, "revoke");
    if (out->revoke) {
        if (json_object_size(v) != 2u + (x != NULL)) {
            share_fail(why, cap, "a revocation names only the grantee");
            goto out;
        }
        rc = 0;
        goto out;
    }
    access = json_string_value(json_object_get(v, "access"));
    if (!access || (strcmp(access, "read") && strcmp(access, "write"))) {
        share_fail(why, cap, "access must be \"read\" or \"write\"");
        goto out;
    }
    out->read = !strcmp(access, "read");
    if ((x = json_object_get(v, "expires"))) {
        if (!json_is_string(x) || json_string_length(x) == 0 || json_string_length(x) >= sizeof out->expires ||
            strlen(json_string_value(x)) != json_string_length(x)) {
            share_fail(why, cap, "expires must be like 30d, 12h, 2027-01-31 or never");
            goto out;
        }
        if (strcmp(json_string_value(x), "never")) snprintf(out->expires, sizeof out->expires, "%s", json_string_value(x));
    }
    if ((x = json_object_get(v, "delegate")) && !json_is_boolean(x)) {
        share_fail(why, cap, "delegate must be true or false");
        goto out;
    }
    out->delegate = json_is_true(x);
    x = json_object_get(v, "sections");
    if (out->read) {
        if (x || out->delegate) {
            share_fail(why, cap, "read access is the whole record: no sections, no delegate");
            goto out;
        }
    } else if (share_sections(x, out->sections, sizeof out->sections) != 0) {
        share_fail(why, cap, "sections must list known sections (allergies, problems, ...) once each, or [\"*\"]");
        goto out;
    }
    rc = 0;
out:
    json_decref(v);
    if (rc != 0) {
        char keep[256];
        snprintf(keep, sizeof keep, "%s", why);
        memset(out, 0, sizeof *out);
        snprintf(why, cap, "%s", keep);
    }
    return rc;
}
