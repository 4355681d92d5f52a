/*
 * Fuzz the parsers of the node's pages (src/ui/parse.c): the Cookie header,
 * query strings, the login body, static paths, the Origin check. The first
 * byte picks the parser; each accepted value is checked against what the
 * parser promises (hex ids, GIDs that are never paths, safe relative paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ui/ui_impl.h"

static void cookie(const char *s)
{
    char id[CK_UI_ID_HEX + 1];
    if (ck_ui_cookie_get(s, CK_UI_COOKIE, id) != 0) return;
    FUZZ_ASSERT(strlen(id) == CK_UI_ID_HEX && strspn(id, "0123456789abcdef") == CK_UI_ID_HEX, "hex id");
    FUZZ_ASSERT(strstr(s, id) != NULL, "the id is in the header");
}

static void query(const char *s, size_t n)
{
    char v[CK_UI_GID_MAX];
    int rc = ck_ui_query_get(s, n, "patient", v, sizeof v);
    FUZZ_ASSERT(rc == 0 || rc == -1 || rc == -2, "result");
    if (rc == 0) FUZZ_ASSERT(strlen(v) < sizeof v, "bounded");
}

static void login(const char *s, size_t n)
{
    char gid[CK_UI_GID_MAX], pass[CK_UI_PASS_MAX];
    if (ck_ui_login_parse(s, n, gid, pass) != 0) {
        FUZZ_ASSERT(gid[0] == 0 && pass[0] == 0, "nothing left on failure");
        return;
    }
    FUZZ_ASSERT(ck_ui_gid_ok(gid) && !strchr(gid, '/') && strcmp(gid, "..") && gid[0] != '.', "a GID, never a path");
    FUZZ_ASSERT(pass[0] != 0, "a passphrase");
}

static void path(const char *s, size_t n)
{
    char rel[256];
    if (ck_ui_static_rel(s, n, rel, sizeof rel) != 0) return;
    FUZZ_ASSERT(rel[0] != '/' && !strstr(rel, "..") && !strstr(rel, "//") && !strstr(rel, "/."), "safe path");
    (void)ck_ui_content_type(rel);
}

static void origin(const char *s)
{
    const char *nl = strchr(s, '\n');
    char host[128];
    size_t hl;
    if (!nl || (hl = (size_t)(nl - s)) >= sizeof host) return;
    memcpy(host, s, hl);
    host[hl] = 0;
    if (ck_ui_origin_ok(nl + 1, host, 8765))
        FUZZ_ASSERT(!strncmp(nl + 1, "http://", 7) && !strcmp(nl + 8, host), "same origin");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    if (size < 1) return 0;
    if (!(s = malloc(size))) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    switch (data[0] % 5) {
    case 0: cookie(s); break;
    case 1: query(s, size - 1); break;
    case 2: login(s, size - 1); break;
    case 3: path(s, size - 1); break;
    default: origin(s); break;
    }
    free(s);
    return 0;
}
