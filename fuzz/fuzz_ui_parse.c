/*
 * Fuzz the parsers of the node's pages (src/ui/parse.c): the Cookie header,
 * query strings, the login body, static paths, the Origin check, the
 * sharing change body (grant, revoke, hospitals, family), --listen, the
 * operator's decision and the staff page's bodies (src/ui/staff_parse.c:
 * add with extra attributes, end, the care team). The first byte picks the
 * parser; each accepted value is checked against what the parser promises
 * (hex ids, GIDs that are never paths, safe relative paths).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "serve.h"
#include "ui/operator.h"
#include "ui/staff.h"
#include "carekey/node_hospital.h"
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

static void host(const char *s)
{
    const char *nl = strchr(s, '\n');
    char name[128];
    size_t nlen;
    if (!nl || (nlen = (size_t)(nl - s)) >= sizeof name) return;
    memcpy(name, s, nlen);
    name[nlen] = 0;
    if (ck_ui_host_match(nl + 1, name, 8443)) {
        const char *colon = strrchr(nl + 1, ':');
        FUZZ_ASSERT(colon && !strcmp(colon, ":8443"), "the port");
        FUZZ_ASSERT(strlen(nl + 1) >= strlen(name) + 5, "the name");
    }
    if (ck_ui_origin_match(nl + 1, "https", name))
        FUZZ_ASSERT(!strncmp(nl + 1, "https://", 8) && !strcmp(nl + 9, name), "same origin");
    if (ck_ui_host_loopback(s, 8443)) FUZZ_ASSERT(strstr(s, ":8443") != NULL, "loopback host");
}

static void share(const char *s, size_t n)
{
    ck_ui_share c;
    char why[256];
    if (ck_ui_share_parse(s, n, &c, why, sizeof why) != 0) {
        FUZZ_ASSERT(why[0] != 0 && c.grantee[0] == 0 && c.sections[0] == 0, "a reason, nothing kept");
        return;
    }
    if (c.hospitals) {
        FUZZ_ASSERT(c.hosp[0] && !c.grantee[0] && !c.revoke && !c.read && !c.sections[0] && !c.family,
                    "only hospitals");
        return;
    }
    if (c.family) {
        FUZZ_ASSERT(ck_ui_gid_ok(c.grantee) && !c.revoke && !c.read && !c.delegate && !c.sections[0] &&
                        !c.expires[0] && !c.hosp[0],
                    "an invitation names a person only");
        return;
    }
    FUZZ_ASSERT(ck_ui_gid_ok(c.grantee), "a GID");
    FUZZ_ASSERT(!c.revoke || (!c.read && !c.delegate && !c.sections[0] && !c.expires[0]), "a revocation names a person");
    FUZZ_ASSERT(c.revoke || c.read == !c.sections[0], "write grants have sections, read grants none");
    FUZZ_ASSERT(!c.read || !c.delegate, "a reader is no delegate");
}

static void listen_addr(const char *s)
{
    char addr[CK_HTTPD_ADDR_MAX];
    unsigned port = 99999;
    if (ck_httpd_listen_parse(s, addr, &port) != 0) return;
    FUZZ_ASSERT(port <= 65535 && addr[0] && strlen(addr) < sizeof addr, "address and port");
    (void)ck_httpd_addr_loopback(addr);
}

static void decide(const char *s, size_t n)
{
    char gid[CK_UI_GID_MAX];
    int approve = 7;
    if (ck_ui_decide_parse(s, n, gid, &approve) != 0) {
        FUZZ_ASSERT(gid[0] == 0, "nothing kept");
        return;
    }
    FUZZ_ASSERT(ck_ui_gid_ok(gid) && (approve == 0 || approve == 1), "a GID and a decision");
}

/* a node for the attribute parser, which reads no session state */
static ck_node *attr_node(void)
{
    static ck_node *n;
    ck_node_config cfg = {.home = "/nonexistent/carekey-fuzz"};
    if (!n && ck_node_open(&n, &cfg) != 0) abort();
    return n;
}

/* the care team of a patient (the first byte 29, 59, ...) */
static void team(const char *s, size_t n)
{
    static ck_ui_team_in t;
    char why[160];
    why[0] = 0;
    if (ck_ui_staff_team_parse(s, n, &t, why, sizeof why) != 0) {
        FUZZ_ASSERT(t.patient[0] == 0 && t.n_gids == 0 && why[0] != 0, "a reason, nothing kept");
        return;
    }
    FUZZ_ASSERT(ck_ui_gid_ok(t.patient) && t.n_gids <= CK_UI_TEAM_MAX, "a patient, a bounded team");
    for (size_t i = 0; i < t.n_gids; i++) {
        FUZZ_ASSERT(ck_ui_gid_ok(t.gids[i]), "a team of GIDs");
        for (size_t k = 0; k < i; k++) FUZZ_ASSERT(strcmp(t.gids[i], t.gids[k]) != 0, "each once");
    }
}

/* the extras taken: ORG's, none twice, never staff@ORG */
static void extras_ok(const ck_ui_staff_in *in)
{
    FUZZ_ASSERT(in->n_extra <= CK_UI_STAFF_EXTRA_MAX, "bounded");
    for (size_t i = 0; i < in->n_extra; i++) {
        FUZZ_ASSERT(!strcmp(ck_node_attr_authority(in->extra[i].label), "hosp-a"), "of the organization");
        FUZZ_ASSERT(strcmp(in->extra[i].label, "staff@hosp-a") != 0, "not staff@ORG");
        for (size_t k = 0; k < i; k++) FUZZ_ASSERT(strcmp(in->extra[i].label, in->extra[k].label) != 0, "each once");
    }
}

/* the staff page's bodies: add (9, 39, ...), end (19, 49, ...) or the care team */
static void staff(const char *s, size_t n, int end)
{
    ck_ui_staff_in in;
    char gid[CK_UI_GID_MAX], why[160];
    const char *code = NULL;
    why[0] = 0;
    if (end == 2) {
        team(s, n);
        return;
    }
    if (end) {
        if (ck_ui_staff_end_parse(s, n, gid, why, sizeof why) != 0) {
            FUZZ_ASSERT(gid[0] == 0 && why[0] != 0, "a reason, nothing kept");
            return;
        }
        FUZZ_ASSERT(ck_ui_gid_ok(gid), "a GID");
        return;
    }
    if (ck_ui_staff_add_parse(attr_node(), "hosp-a", s, n, &in, &code, why, sizeof why) != 0) {
        FUZZ_ASSERT(in.gid[0] == 0 && in.role[0] == 0 && in.title[0] == 0 && in.n_extra == 0 && why[0] != 0,
                    "a reason, nothing kept");
        FUZZ_ASSERT(code && (!strcmp(code, "bad_form") || strstr(code, "_attribute")), "a stable code");
        return;
    }
    extras_ok(&in);
    FUZZ_ASSERT(ck_ui_gid_ok(in.gid) && ck_node_hospital_role(in.role) != NULL, "a GID and a hospital role");
    FUZZ_ASSERT(!in.unit[0] || ck_ui_gid_ok(in.unit), "a unit is an ID");
    for (const char *t = in.title; *t; t++) FUZZ_ASSERT((unsigned char)*t >= 0x20 && *t != 0x7f, "a title on one line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    if (size < 1) return 0;
    if (!(s = malloc(size))) return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    switch (data[0] % 10) { /* the seeds start with the parser's number, 0..9 (19: staff end, 29: care team) */
    case 0: cookie(s); break;
    case 1: query(s, size - 1); break;
    case 2: login(s, size - 1); break;
    case 3: path(s, size - 1); break;
    case 4: origin(s); break;
    case 5: host(s); break;
    case 6: share(s, size - 1); break;
    case 7: listen_addr(s); break;
    case 8: decide(s, size - 1); break;
    default: staff(s, size - 1, data[0] / 10 % 3); break;
    }
    free(s);
    return 0;
}
