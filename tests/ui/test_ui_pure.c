/*
 * tests/ui/test_ui_pure.c - the pure parts of the node's pages (src/ui):
 * the Cookie header, query strings, GIDs, the login body, static paths and
 * their types, the Origin check, token comparison, the role menus.
 */
#include <string.h>

#include "harness.h"
#include "serve.h"
#include "ui/ui_impl.h"
#include "ui/care.h"
#include "ui/operator.h"
#include "ui/staff.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_cookie(void)
{
    char id[CK_UI_ID_HEX + 1];
    CHECK(ck_ui_cookie_get("ck_session=" H64, CK_UI_COOKIE, id) == 0 && !strcmp(id, H64), "the cookie alone");
    CHECK(ck_ui_cookie_get("a=1; ck_session=" H64 "; b=2", CK_UI_COOKIE, id) == 0 && !strcmp(id, H64), "among others");
    CHECK(ck_ui_cookie_get(NULL, CK_UI_COOKIE, id) != 0 && id[0] == 0, "no header");
    CHECK(ck_ui_cookie_get("ck_session=" H64 "0", CK_UI_COOKIE, id) != 0, "too long");
    CHECK(ck_ui_cookie_get("ck_session=0123", CK_UI_COOKIE, id) != 0, "too short");
    CHECK(ck_ui_cookie_get("ck_session=" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", CK_UI_COOKIE,
                           id) != 0,
          "upper case hex");
    CHECK(ck_ui_cookie_get("xck_session=" H64, CK_UI_COOKIE, id) != 0, "another cookie's name");
    CHECK(ck_ui_cookie_get("ck_session =" H64, CK_UI_COOKIE, id) != 0, "a space before =");
}

static void test_query(void)
{
    char v[CK_UI_GID_MAX];
    const char *q = "a=1&patient=pt%2D1&x=y+z";
    CHECK(ck_ui_query_get(q, strlen(q), "patient", v, sizeof v) == 0 && !strcmp(v, "pt-1"), "decoded");
    CHECK(ck_ui_query_get(q, strlen(q), "x", v, sizeof v) == 0 && !strcmp(v, "y z"), "+ is a space");
    CHECK(ck_ui_query_get(q, strlen(q), "nope", v, sizeof v) == -1, "absent");
    CHECK(ck_ui_query_get("patient", 7, "patient", v, sizeof v) == -2, "no value");
    CHECK(ck_ui_query_get("patient=%2", 10, "patient", v, sizeof v) == -2, "a cut escape");
    CHECK(ck_ui_query_get("patient=%zz", 11, "patient", v, sizeof v) == -2, "a bad escape");
    CHECK(ck_ui_query_get("patient=a%00b", 13, "patient", v, sizeof v) == -2, "a NUL");
    CHECK(ck_ui_query_get("patient=abcdef", 14, "patient", v, 4) == -2, "too long");
    CHECK(ck_ui_query_get("patient=a", 7, "patient", v, sizeof v) == -2, "the length is respected");
}

static void test_gid_login(void)
{
    char gid[CK_UI_GID_MAX], pass[CK_UI_PASS_MAX];
    const char *ok = "{\"gid\":\"pt-1\",\"passphrase\":\"correct horse\"}";
    CHECK(ck_ui_gid_ok("pt-1") && ck_ui_gid_ok("staff@hosp-a") && ck_ui_gid_ok("a.b_c"), "GIDs");
    CHECK(!ck_ui_gid_ok("") && !ck_ui_gid_ok(".") && !ck_ui_gid_ok("..") && !ck_ui_gid_ok(".hidden"), "dots");
    CHECK(!ck_ui_gid_ok("a/b") && !ck_ui_gid_ok("../x") && !ck_ui_gid_ok("a b") && !ck_ui_gid_ok(NULL), "paths");
    CHECK(ck_ui_login_parse(ok, strlen(ok), gid, pass) == 0 && !strcmp(gid, "pt-1") && !strcmp(pass, "correct horse"),
          "a login body");
    CHECK(ck_ui_login_parse("{\"gid\":\"../x\",\"passphrase\":\"p\"}", 31, gid, pass) != 0 && !gid[0] && !pass[0],
          "a path as GID, nothing kept");
    CHECK(ck_ui_login_parse("{\"gid\":\"a\",\"passphrase\":\"\"}", 27, gid, pass) != 0, "an empty passphrase");
    CHECK(ck_ui_login_parse("{\"gid\":\"a\",\"passphrase\":\"x\\u0000y\"}", 35, gid, pass) != 0, "a NUL inside");
    CHECK(ck_ui_login_parse("{\"gid\":\"a\",\"gid\":\"b\",\"passphrase\":\"x\"}", 37, gid, pass) != 0, "a duplicate");
    CHECK(ck_ui_login_parse("{\"gid\":\"a\",\"passphrase\":\"x\",\"z\":1}", 34, gid, pass) != 0, "an extra member");
    CHECK(ck_ui_login_parse("{\"gid\":1,\"passphrase\":\"x\"}", 26, gid, pass) != 0, "a number");
    CHECK(ck_ui_login_parse("[]", 2, gid, pass) != 0 && ck_ui_login_parse("", 0, gid, pass) != 0, "not an object");
}

static void test_static(void)
{
    char rel[256];
    CHECK(ck_ui_static_rel("/", 1, rel, sizeof rel) == 0 && !strcmp(rel, "index.html"), "/ is index.html");
    CHECK(ck_ui_static_rel("/js/app.js", 10, rel, sizeof rel) == 0 && !strcmp(rel, "js/app.js"), "a module");
    CHECK(ck_ui_static_rel("/../etc/passwd", 14, rel, sizeof rel) != 0, "..");
    CHECK(ck_ui_static_rel("/js/../../x", 11, rel, sizeof rel) != 0, ".. inside");
    CHECK(ck_ui_static_rel("/%2e%2e/x", 9, rel, sizeof rel) != 0, "an escape");
    CHECK(ck_ui_static_rel("/js/a..mjs", 10, rel, sizeof rel) != 0, ".. inside a name (found by fuzz_ui_parse)");
    CHECK(ck_ui_static_rel("/js/a.b.js", 10, rel, sizeof rel) == 0 && !strcmp(rel, "js/a.b.js"), "single dots");
    CHECK(ck_ui_static_rel("/js/.env", 8, rel, sizeof rel) != 0, "a hidden file");
    CHECK(ck_ui_static_rel("//etc", 5, rel, sizeof rel) != 0, "an empty segment");
    CHECK(ck_ui_static_rel("/js/", 4, rel, sizeof rel) != 0, "a trailing /");
    CHECK(ck_ui_static_rel("js/app.js", 9, rel, sizeof rel) != 0, "relative");
    CHECK(!strcmp(ck_ui_content_type("a.html"), "text/html; charset=utf-8"), "html");
    CHECK(!strcmp(ck_ui_content_type("js/a.js"), "text/javascript; charset=utf-8"), "js");
    CHECK(!strcmp(ck_ui_content_type("a.css"), "text/css; charset=utf-8"), "css");
    CHECK(ck_ui_content_type("a.sh") == NULL && ck_ui_content_type("Makefile") == NULL, "not served");
}

static void test_origin_tokens_menu(void)
{
    json_t *m;
    CHECK(ck_ui_origin_ok("http://127.0.0.1:8765", "127.0.0.1:8765", 8765), "same origin");
    CHECK(ck_ui_origin_ok("http://localhost:8765", "localhost:8765", 8765), "localhost");
    CHECK(!ck_ui_origin_ok("http://localhost:8765", "127.0.0.1:8765", 8765), "another host name");
    CHECK(!ck_ui_origin_ok("http://evil.example:8765", "evil.example:8765", 8765), "a rebinding Host");
    CHECK(!ck_ui_origin_ok("https://127.0.0.1:8765", "127.0.0.1:8765", 8765), "another scheme");
    CHECK(!ck_ui_origin_ok("null", "127.0.0.1:8765", 8765) && !ck_ui_origin_ok(NULL, "127.0.0.1:8765", 8765), "null");
    CHECK(ck_ui_secret_eq(H64, H64) && !ck_ui_secret_eq(H64, "0") && !ck_ui_secret_eq("", ""), "tokens");
    m = ck_ui_menu(CK_UI_ROLE_FAMILY);
    CHECK(json_array_size(m) == 1 && !strcmp(json_string_value(json_object_get(json_array_get(m, 0), "id")), "personal"),
          "family: the personal report only");
    json_decref(m);
    m = ck_ui_menu(CK_UI_ROLE_PATIENT);
    CHECK(json_array_size(m) == 8, "patient: her record, sharing, import and publishing");
    json_decref(m);
    CHECK(ck_ui_role_may(CK_UI_ROLE_PATIENT, "sharing/change") && !ck_ui_role_may(CK_UI_ROLE_FAMILY, "sharing/change") &&
              !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "import") && !ck_ui_role_may(CK_UI_ROLE_RESEARCHER, "publish"),
          "changes: the patient only");
    m = ck_ui_menu(CK_UI_ROLE_PHARMACIST);
    CHECK(json_array_size(m) == 1 && !strcmp(json_string_value(json_object_get(json_array_get(m, 0), "id")), "pharmacy"),
          "pharmacist: the dispensing queue only");
    json_decref(m);
    CHECK(ck_ui_role_may(CK_UI_ROLE_PHARMACIST, "rx/queue") && !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "rx/queue") &&
              !ck_ui_role_may(CK_UI_ROLE_NURSE, "rx/queue") && !ck_ui_role_may(CK_UI_ROLE_PATIENT, "rx/queue"),
          "the queue across patients: pharmacists only");
    CHECK(ck_ui_role_may(CK_UI_ROLE_PHARMACIST, "rx/dispense") && !ck_ui_role_may(CK_UI_ROLE_PHARMACIST, "rx/write") &&
              !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "rx/dispense") && !ck_ui_role_may(CK_UI_ROLE_FAMILY, "emergency"),
          "prescribing, dispensing and break-glass by role");
    CHECK(ck_ui_role_may(CK_UI_ROLE_DOCTOR, "report/professional") && !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "sharing"),
          "doctor");
    CHECK(ck_ui_role_may(CK_UI_ROLE_RESEARCHER, "report/research") && !ck_ui_role_may(CK_UI_ROLE_RESEARCHER, "fhir"),
          "researcher");
    CHECK(!ck_ui_role_may(CK_UI_ROLE_NONE, "report/personal") && !ck_ui_role_may(CK_UI_ROLE_PATIENT, "nope"), "none");
}

/* the hospital's forms (src/ui/care_parse.c) and who may send them (menu.c) */
static int form_ok(const char *op, const char *body)
{
    json_t *v = NULL;
    const char *why = NULL;
    int rc = ck_ui_form_parse(op, body, strlen(body), &v, &why);
    if (rc == 0) CHECK(v && !why, "an accepted form has a value and no reason");
    else CHECK(!v && why, "a refused form leaves nothing and says why");
    json_decref(v);
    return rc == 0;
}

static void test_care_forms(void)
{
    json_t *m;
    CHECK(form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":1,\"at\":\"2026-11-24T08:00\",\"check\":true}"),
          "an admission");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\"}"), "a required field missing (bed)");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":0}"), "bed 0");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":100001}"), "bed out of range");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":1.5}"), "bed a real");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":\"1\"}"), "bed a string");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"ward-med\",\"bed\":1,\"x\":1}"), "an unknown field");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"patient\":\"p2\",\"ward\":\"w\",\"bed\":1}"), "a duplicate field");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"w\",\"bed\":1} {}"), "trailing input");
    CHECK(!form_ok("admit", "{\"patient\":\"\",\"ward\":\"w\",\"bed\":1}"), "an empty string");
    CHECK(!form_ok("admit", "{\"patient\":\"p\\u0000\",\"ward\":\"w\",\"bed\":1}"), "a NUL in a string");
    CHECK(!form_ok("admit", "{\"patient\":\"p1\",\"ward\":\"w\",\"bed\":1,\"check\":1}"), "check is a boolean");
    CHECK(!form_ok("admit", "[1]") && !form_ok("admit", "") && !form_ok("admit", "null"), "not an object");
    CHECK(form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{\"hr\":\"88\",\"bp\":\"135/85\"}}"), "vitals");
    CHECK(!form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{}}"), "no vital");
    CHECK(!form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{\"hr=9\":\"88\"}}"), "'=' in a vital's name");
    CHECK(!form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{\"hr\":\"8=8\"}}"), "'=' in a vital's value");
    CHECK(!form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{\"HR\":\"88\"}}"), "an upper-case vital name");
    CHECK(!form_ok("vitals", "{\"patient\":\"p1\",\"vitals\":{\"hr\":88}}"), "a vital as a number");
    CHECK(form_ok("slots", "{\"doctor\":\"dr-a\",\"date\":\"2026-11-25\",\"from\":\"09:00\",\"to\":\"10:00\",\"every\":\"20m\"}"),
          "slots need no patient");
    CHECK(!form_ok("slots", "{\"doctor\":\"dr-a\",\"date\":\"2026-11-25T00\",\"from\":\"09:00\",\"to\":\"10:00\",\"every\":\"20m\"}"),
          "a date too long");
    CHECK(form_ok("cancel", "{\"id\":\"a1\",\"reason\":\"patient request\"}") && !form_ok("cancel", "{\"id\":\"a1\"}"),
          "a cancellation needs its reason");
    CHECK(form_ok("checkin", "{\"id\":\"a1\"}") && !form_ok("checkin", "{\"id\":\"a1\",\"patient\":\"p1\"}"),
          "a check-in names the appointment only");
    CHECK(!form_ok("nosuch", "{\"patient\":\"p1\"}") && !ck_ui_form_known("nosuch") && ck_ui_form_known("theatre"),
          "an unknown form");
    CHECK(ck_ui_role_may(CK_UI_ROLE_DOCTOR, "care/admit") && ck_ui_role_may(CK_UI_ROLE_NURSE, "care/vitals") &&
              !ck_ui_role_may(CK_UI_ROLE_CLERK, "care/admit") && ck_ui_role_may(CK_UI_ROLE_CLERK, "care/appointment"),
          "care forms by role");
    CHECK(ck_ui_role_may(CK_UI_ROLE_CLERK, "clerk/mis") && !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "clerk/mis") &&
              !ck_ui_role_may(CK_UI_ROLE_NURSE, "care/slots") && !ck_ui_role_may(CK_UI_ROLE_PATIENT, "care/patients"),
          "boards by role");
    m = ck_ui_menu(CK_UI_ROLE_CLERK);
    CHECK(json_array_size(m) == 5, "the clerk's five boards");
    json_decref(m);
}

/* --listen, loopback, and the Host/Origin of a server with a configured name */
static void test_listen_host(void)
{
    char a[CK_HTTPD_ADDR_MAX];
    unsigned p = 0;
    CHECK(ck_httpd_listen_parse("0.0.0.0:8443", a, &p) == 0 && !strcmp(a, "0.0.0.0") && p == 8443, "IPv4");
    CHECK(ck_httpd_listen_parse("[::1]:0", a, &p) == 0 && !strcmp(a, "::1") && p == 0, "IPv6 in brackets");
    CHECK(ck_httpd_listen_parse("localhost:80", a, &p) == 0 && !strcmp(a, "localhost"), "localhost");
    CHECK(ck_httpd_listen_parse("::1:80", a, &p) != 0 && a[0] == 0, "IPv6 without brackets");
    CHECK(ck_httpd_listen_parse("10.0.0.1:65536", a, &p) != 0, "port too big");
    CHECK(ck_httpd_listen_parse("10.0.0.1:", a, &p) != 0 && ck_httpd_listen_parse("10.0.0.1", a, &p) != 0, "no port");
    CHECK(ck_httpd_listen_parse("host.example:80", a, &p) != 0, "a name, not an address");
    CHECK(ck_httpd_listen_parse("10.0.0.1:+80", a, &p) != 0 && ck_httpd_listen_parse("10.0.0.1:8O", a, &p) != 0, "digits");
    CHECK(ck_httpd_addr_loopback("127.0.0.1") && ck_httpd_addr_loopback("127.3.2.1") && ck_httpd_addr_loopback("::1") &&
              ck_httpd_addr_loopback("localhost") && ck_httpd_addr_loopback(NULL),
          "loopback");
    CHECK(!ck_httpd_addr_loopback("0.0.0.0") && !ck_httpd_addr_loopback("::") && !ck_httpd_addr_loopback("192.0.2.2"),
          "not loopback");
    CHECK(ck_ui_host_match("ck.example:8443", "ck.example", 8443) && ck_ui_host_match("CK.Example:8443", "ck.example", 8443),
          "the configured name");
    CHECK(!ck_ui_host_match("ck.example:8444", "ck.example", 8443) && !ck_ui_host_match("ck.example", "ck.example", 8443) &&
              !ck_ui_host_match("xck.example:8443", "ck.example", 8443) && !ck_ui_host_match(NULL, "ck.example", 8443),
          "another port, no port, another name");
    CHECK(ck_ui_host_match("[fd00::2]:8443", "fd00::2", 8443) && !ck_ui_host_match("fd00::2:8443", "fd00::2", 8443),
          "IPv6 in brackets");
    CHECK(ck_ui_host_loopback("[::1]:80", 80) && ck_ui_host_loopback("LOCALHOST:80", 80) && !ck_ui_host_loopback("10.0.0.1:80", 80),
          "loopback hosts");
    CHECK(ck_ui_origin_match("https://ck.example:8443", "https", "ck.example:8443"), "https origin");
    CHECK(!ck_ui_origin_match("http://ck.example:8443", "https", "ck.example:8443") &&
              !ck_ui_origin_match("https://ck.example:8443/", "https", "ck.example:8443") &&
              !ck_ui_origin_match("https://evil.example", "https", "ck.example:8443") &&
              !ck_ui_origin_match("null", "https", "ck.example:8443"),
          "another scheme, a path, another host, null");
}

static void test_share(void)
{
    ck_ui_share c;
    char why[256];
#define SHARE(b) ck_ui_share_parse(b, strlen(b), &c, why, sizeof why)
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\"}") == 0 && c.read && !c.revoke &&
              !c.confirm && !strcmp(c.grantee, "fam-1"),
          "a read grant");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"dr-b\",\"access\":\"write\",\"sections\":[\"allergies\","
                "\"problems\"],\"delegate\":true,\"expires\":\"30d\",\"confirm\":true}") == 0 &&
              !strcmp(c.sections, "allergies,problems") && c.delegate && c.confirm && !strcmp(c.expires, "30d"),
          "a write grant");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"dr-b\",\"access\":\"write\",\"sections\":[\"*\"],"
                "\"expires\":\"never\"}") == 0 && !strcmp(c.sections, "*") && !c.expires[0],
          "every section, no end");
    CHECK(SHARE("{\"action\":\"revoke\",\"grantee\":\"fam-1\",\"confirm\":true}") == 0 && c.revoke && c.confirm,
          "a revocation");
    CHECK(SHARE("{\"action\":\"revoke\",\"grantee\":\"fam-1\",\"access\":\"read\"}") != 0 &&
              strstr(why, "only the grantee") && !c.grantee[0],
          "a revocation with more");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"dr-b\",\"access\":\"write\"}") != 0 && strstr(why, "sections"),
          "write without sections");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"dr-b\",\"access\":\"write\",\"sections\":[\"allergies\","
                "\"allergies\"]}") != 0,
          "a section twice");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"dr-b\",\"access\":\"write\",\"sections\":[\"nope\"]}") != 0,
          "an unknown section");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"sections\":[\"allergies\"]}") != 0,
          "read with sections");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"delegate\":true}") != 0,
          "a reader as delegate");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"../x\",\"access\":\"read\"}") != 0 && strstr(why, "GID"),
          "a path as grantee");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"sudo\":1}") != 0 &&
              strstr(why, "unknown field"),
          "an unknown field");
    CHECK(SHARE("{\"action\":\"grant\",\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\"}") != 0,
          "a duplicate key");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"confirm\":1}") != 0, "confirm: a boolean");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\"} x") != 0, "trailing input");
    CHECK(SHARE("{\"action\":\"hospitals\",\"hospitals\":[\"hosp-a\",\"hosp-c\"],\"confirm\":true}") == 0 &&
              c.hospitals && c.confirm && !strcmp(c.hosp, "hosp-a,hosp-c") && !c.grantee[0],
          "treating hospitals");
    CHECK(SHARE("{\"action\":\"hospitals\",\"hospitals\":[]}") != 0 &&
              SHARE("{\"action\":\"hospitals\",\"hospitals\":[\"a\",\"a\"]}") != 0 &&
              SHARE("{\"action\":\"hospitals\",\"hospitals\":[\"../a\"]}") != 0 &&
              SHARE("{\"action\":\"hospitals\",\"hospitals\":[\"a\"],\"grantee\":\"b\"}") != 0,
          "hospitals: none, twice, a path, with a grantee");
    CHECK(SHARE("{\"action\":\"family\",\"gid\":\"fam-2\"}") == 0 && c.family && !c.confirm &&
              !strcmp(c.grantee, "fam-2") && !c.revoke && !c.read && !c.hospitals,
          "an invitation");
    CHECK(SHARE("{\"confirm\":true,\"gid\":\"fam-2\",\"action\":\"family\"}") == 0 && c.family && c.confirm,
          "an invitation, confirmed");
    CHECK(SHARE("{\"action\":\"family\",\"grantee\":\"fam-2\"}") != 0 && strstr(why, "gid") && !c.grantee[0] &&
              !c.family,
          "an invitation names gid, not grantee");
    CHECK(SHARE("{\"action\":\"family\",\"gid\":\"fam-2\",\"gid\":\"fam-3\"}") != 0, "an invitation: gid twice");
    CHECK(SHARE("{\"action\":\"family\",\"gid\":\"../x\"}") != 0 && SHARE("{\"action\":\"family\",\"gid\":\"\"}") != 0 &&
              SHARE("{\"action\":\"family\",\"gid\":7}") != 0 && SHARE("{\"action\":\"family\"}") != 0,
          "an invitation: a path, empty, a number, none");
    CHECK(SHARE("{\"action\":\"family\",\"gid\":\"fam-2\",\"access\":\"read\"}") != 0 &&
              SHARE("{\"action\":\"family\",\"gid\":\"fam-2\",\"expires\":\"30d\"}") != 0 &&
              SHARE("{\"action\":\"family\",\"gid\":\"fam-2\",\"confirm\":\"yes\"}") != 0,
          "an invitation with more, or a string for confirm");
    CHECK(SHARE("{\"action\":\"family\",\"gid\":\"fam-2\",\"nope\":1}") != 0 && strstr(why, "unknown field"),
          "an invitation: an unknown field");
    CHECK(SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"gid\":\"fam-2\"}") != 0 &&
              SHARE("{\"action\":\"grant\",\"grantee\":\"fam-1\",\"access\":\"read\",\"hospitals\":[\"a\"]}") != 0,
          "a grant with gid or hospitals");
    CHECK(SHARE("[]") != 0 && SHARE("{\"action\":\"delete\",\"grantee\":\"fam-1\"}") != 0, "not a change");
#undef SHARE
}

/* the operator's decision body (src/ui/operator.c) and her pages' views */
static void test_operator(void)
{
    char gid[CK_UI_GID_MAX];
    int a = -1;
    json_t *m;
#define DECIDE(b) ck_ui_decide_parse(b, strlen(b), gid, &a)
    CHECK(DECIDE("{\"gid\":\"nurse-q\",\"approve\":true}") == 0 && a == 1 && !strcmp(gid, "nurse-q"), "an approval");
    CHECK(DECIDE("{\"approve\":false,\"gid\":\"x\"}") == 0 && a == 0, "a rejection");
    CHECK(DECIDE("{\"gid\":\"x\"}") != 0 && !gid[0], "no decision");
    CHECK(DECIDE("{\"gid\":\"x\",\"approve\":1}") != 0, "a number for a boolean");
    CHECK(DECIDE("{\"gid\":\"../x\",\"approve\":true}") != 0, "a path for a GID");
    CHECK(DECIDE("{\"gid\":\"x\",\"approve\":true,\"role\":\"doctor\"}") != 0, "an unknown field");
    CHECK(DECIDE("{\"gid\":\"x\",\"gid\":\"y\",\"approve\":true}") != 0, "a duplicate field");
    CHECK(DECIDE("{\"gid\":\"x\",\"approve\":true} {}") != 0, "trailing input");
#undef DECIDE
    m = ck_ui_menu(CK_UI_ROLE_OPERATOR);
    CHECK(json_array_size(m) == 3, "the operator's three pages");
    json_decref(m);
    CHECK(ck_ui_role_may(CK_UI_ROLE_OPERATOR, "operator/decide") && !ck_ui_role_may(CK_UI_ROLE_CLERK, "operator/decide") &&
              !ck_ui_role_may(CK_UI_ROLE_OPERATOR, "report/personal") && !ck_ui_role_may(CK_UI_ROLE_OPERATOR, "fhir"),
          "the operator's views, and no patient data");
}

/* the extra attributes of an add (src/ui/staff_parse.c) */
static void test_staff_extras(ck_node *n)
{
    ck_ui_staff_in in;
    char why[256], big[4096];
    const char *code;
    size_t len;
#define ADD(b) ck_ui_staff_add_parse(n, "hosp-a", b, strlen(b), &in, &code, why, sizeof why)
#define WITH(a) ADD("{\"gid\":\"nurse-x\",\"role\":\"nurse\",\"attributes\":" a "}")
    CHECK(WITH("[\"level@hosp-a=3\",\"icu@hosp-a\"]") == 0 && in.n_extra == 2 && !strcmp(in.extra[0].label, "level@hosp-a") &&
              in.extra[0].numeric && in.extra[0].value == 3 && !strcmp(in.extra[1].label, "icu@hosp-a") &&
              !in.extra[1].numeric && !strcmp(in.gid, "nurse-x"),
          "two extras: a number and a flag");
    CHECK(ADD("{\"gid\":\"nurse-x\",\"role\":\"nurse\"}") == 0 && in.n_extra == 0, "extras optional");
    CHECK(WITH("[\"icu@hosp-b\"]") != 0 && !strcmp(code, "foreign_attribute") && strstr(why, "icu@hosp-b") && !in.gid[0] &&
              !in.n_extra,
          "another authority's attribute");
    CHECK(WITH("[\"icu\"]") != 0 && strstr(code, "_attribute"), "no authority");
    CHECK(WITH("[\"level@hosp-a=3\",\"level@hosp-a=4\"]") != 0 && !strcmp(code, "duplicate_attribute") &&
              strstr(why, "twice"),
          "one label twice (other values)");
    CHECK(WITH("[\"staff@hosp-a\"]") != 0 && !strcmp(code, "duplicate_attribute"), "staff@ORG, which every affiliation brings");
    CHECK(WITH("[\"level@hosp-a=99999999999\"]") != 0 && !strcmp(code, "bad_attribute"), "a value out of range");
    CHECK(WITH("[\"a b@hosp-a\"]") != 0 && !strcmp(code, "bad_attribute") && WITH("[\"x@@hosp-a\"]") != 0 &&
              WITH("[\"(icu@hosp-a\"]") != 0 && !strcmp(code, "bad_attribute"),
          "malformed attributes");
    CHECK(WITH("[\"\"]") != 0 && !strcmp(code, "bad_attribute") && WITH("[7]") != 0 && !strcmp(code, "bad_attribute") &&
              WITH("[\"a\\u0000b@hosp-a\"]") != 0 && !in.n_extra,
          "an empty attribute, a number, a NUL");
    CHECK(WITH("[]") != 0 && !strcmp(code, "bad_form") && WITH("\"icu@hosp-a\"") != 0 && !strcmp(code, "bad_form") &&
              WITH("{}") != 0 && !strcmp(code, "bad_form"),
          "an empty list, a string, an object");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"nurse\",\"attributes\":[\"icu@hosp-a\"],\"attributes\":[]}") != 0 &&
              !strcmp(code, "bad_form"),
          "attributes twice");
    len = (size_t)snprintf(big, sizeof big, "{\"gid\":\"x\",\"role\":\"nurse\",\"attributes\":[");
    for (int i = 0; i < 33; i++) len += (size_t)snprintf(big + len, sizeof big - len, "%s\"a%d@hosp-a\"", i ? "," : "", i);
    snprintf(big + len, sizeof big - len, "]}");
    CHECK(ADD(big) != 0 && !strcmp(code, "too_many_attributes"), "33 extras");
    *strrchr(big, ',') = 0; /* without the last */
    snprintf(big + strlen(big), sizeof big - strlen(big), "]}");
    CHECK(ADD(big) == 0 && in.n_extra == 32, "32 extras");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"surgeon\"}") != 0 && !strcmp(code, "bad_form"), "the other fields: bad_form");
#undef WITH
#undef ADD
}

/* the care team body (src/ui/staff_parse.c) */
static void test_staff_team(void)
{
    static ck_ui_team_in t;
    static char big[40000];
    char why[160];
    size_t len;
#define TEAM(b) ck_ui_staff_team_parse(b, strlen(b), &t, why, sizeof why)
    CHECK(TEAM("{\"patient\":\"p1\"}") == 0 && !strcmp(t.patient, "p1") && t.n_gids == 0, "everyone");
    CHECK(TEAM("{\"gids\":[\"dr-a\",\"nurse-a\"],\"patient\":\"p1\"}") == 0 && t.n_gids == 2 &&
              !strcmp(t.gids[1], "nurse-a"),
          "two named");
    CHECK(TEAM("{\"patient\":\"p1\",\"gids\":[\"dr-a\",\"dr-a\"]}") != 0 && strstr(why, "twice") && !t.patient[0] &&
              !t.n_gids,
          "one named twice");
    CHECK(TEAM("{\"patient\":\"p1\",\"gids\":[]}") != 0 && TEAM("{\"patient\":\"p1\",\"gids\":\"dr-a\"}") != 0 &&
              TEAM("{\"patient\":\"p1\",\"gids\":[\"../x\"]}") != 0 && TEAM("{\"patient\":\"p1\",\"gids\":[1]}") != 0,
          "an empty team, a string, a path, a number");
    CHECK(TEAM("{\"gids\":[\"dr-a\"]}") != 0 && strstr(why, "required"), "no patient");
    CHECK(TEAM("{\"patient\":\"a/b\"}") != 0 && TEAM("{\"patient\":7}") != 0 && TEAM("{\"patient\":\"\"}") != 0,
          "a bad patient");
    CHECK(TEAM("{\"patient\":\"p1\",\"confirm\":true}") != 0 && strstr(why, "unknown field 'confirm'"), "an unknown field");
    CHECK(TEAM("{\"patient\":\"p1\",\"patient\":\"p2\"}") != 0 && strstr(why, "twice"), "a field twice");
    CHECK(TEAM("{\"patient\":\"p1\"} x") != 0 && TEAM("[]") != 0 && TEAM("") != 0, "trailing input, not an object");
    len = (size_t)snprintf(big, sizeof big, "{\"patient\":\"p1\",\"gids\":[");
    for (int i = 0; i < 257; i++) len += (size_t)snprintf(big + len, sizeof big - len, "%s\"s-%d\"", i ? "," : "", i);
    snprintf(big + len, sizeof big - len, "]}");
    CHECK(TEAM(big) != 0 && strstr(why, "1-256"), "257 named");
    *strrchr(big, ',') = 0;
    snprintf(big + strlen(big), sizeof big - strlen(big), "]}");
    CHECK(TEAM(big) == 0 && t.n_gids == 256 && !strcmp(t.gids[255], "s-255"), "256 named");
#undef TEAM
}

/* the hospital admin's staff bodies (src/ui/staff_parse.c), her role's views and menu */
static void test_staff(void)
{
    ck_ui_staff_in in;
    char gid[CK_UI_GID_MAX], why[256];
    const char *code;
    ck_node_config cfg = {.home = "/nonexistent/carekey-test"};
    ck_node *n = NULL;
    json_t *m;
    CHECK(ck_node_open(&n, &cfg) == 0, "a node for the attribute parser (no session read)");
#define ADD(b) ck_ui_staff_add_parse(n, "hosp-a", b, strlen(b), &in, &code, why, sizeof why)
#define END(b) ck_ui_staff_end_parse(b, strlen(b), gid, why, sizeof why)
    CHECK(ADD("{\"gid\":\"nurse-n\",\"role\":\"nurse\",\"unit\":\"ward-med\",\"title\":\"Staff nurse\"}") == 0 &&
              !strcmp(in.gid, "nurse-n") && !strcmp(in.role, "nurse") && !strcmp(in.unit, "ward-med") &&
              !strcmp(in.title, "Staff nurse"),
          "an add with every field");
    CHECK(ADD("{\"role\":\"pharmacist\",\"gid\":\"ph-2\"}") == 0 && !in.unit[0] && !in.title[0], "unit and title optional");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"surgeon\"}") != 0 && strstr(why, "role") && !in.gid[0], "an unknown role");
    CHECK(ADD("{\"gid\":\"../x\",\"role\":\"doctor\"}") != 0 && strstr(why, "gid"), "a path as GID");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"doctor\",\"admin\":true}") != 0 && strstr(why, "unknown field 'admin'"),
          "an unknown field");
    CHECK(ADD("{\"gid\":\"x\",\"gid\":\"y\",\"role\":\"doctor\"}") != 0 && strstr(why, "twice"), "a field twice");
    CHECK(ADD("{\"gid\":\"x\",\"role\":1}") != 0 && ADD("{\"gid\":[\"x\"],\"role\":\"nurse\"}") != 0, "wrong types");
    CHECK(ADD("{\"gid\":\"x\"}") != 0 && strstr(why, "required"), "no role");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"nurse\",\"unit\":\"ward med\"}") != 0, "a unit with a space");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"nurse\",\"title\":\"\"}") != 0 &&
              ADD("{\"gid\":\"x\",\"role\":\"nurse\",\"title\":\"a\\nb\"}") != 0 &&
              ADD("{\"gid\":\"x\",\"role\":\"nurse\",\"title\":\"a\\u0000b\"}") != 0,
          "a title empty, on two lines, with a NUL");
    CHECK(ADD("{\"gid\":\"x\",\"role\":\"nurse\"} {}") != 0 && ADD("[]") != 0 && ADD("") != 0, "trailing input, not an object");
    test_staff_extras(n);
    ck_node_close(n);
    CHECK(END("{\"gid\":\"nurse-n\"}") == 0 && !strcmp(gid, "nurse-n"), "an end");
    CHECK(END("{\"gid\":\"nurse-n\",\"reason\":\"left\"}") != 0 && !gid[0], "an end with another field");
    CHECK(END("{\"gid\":7}") != 0 && END("{\"gid\":\"a/b\"}") != 0 && END("{}") != 0, "an end without a GID");
#undef ADD
#undef END
    m = ck_ui_menu(CK_UI_ROLE_ORGANIZATION);
    CHECK(json_array_size(m) >= 1 && !strcmp(json_string_value(json_object_get(json_array_get(m, 0), "id")), "staff"),
          "the hospital admin's menu starts with staff");
    json_decref(m);
    CHECK(!strcmp(ck_ui_role_name(CK_UI_ROLE_ORGANIZATION), "organization"), "the role's name");
    CHECK(ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "staff/care-team") && !ck_ui_role_may(CK_UI_ROLE_CLERK, "staff/care-team") &&
              !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "staff/care-team") && !ck_ui_role_may(CK_UI_ROLE_PATIENT, "staff/care-team"),
          "the care team for the hospital admin only");
    CHECK(ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "staff/add") && ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "staff/end") &&
              !ck_ui_role_may(CK_UI_ROLE_CLERK, "staff/add") && !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "staff/end") &&
              !ck_ui_role_may(CK_UI_ROLE_OPERATOR, "staff/add") && !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "fhir") &&
              !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "report/professional"),
          "staff changes for the hospital admin only; no patient data for her");
    /* her boards: the clerk's, read from her own ledger; none of the clerk's writes */
    m = ck_ui_menu(CK_UI_ROLE_ORGANIZATION);
    {
        const char *want[] = {"staff", "census", "calendar", "theatres", "mis"};
        CHECK(json_array_size(m) == 5, "the organization's menu: staff and the four boards (%zu items)", json_array_size(m));
        for (size_t i = 0; i < 5 && i < json_array_size(m); i++)
            CHECK(!strcmp(json_string_value(json_object_get(json_array_get(m, i), "id")), want[i]), "menu item %zu", i);
    }
    json_decref(m);
    CHECK(ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "clerk/census") && ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "clerk/schedule") &&
              ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "clerk/theatre") && ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "clerk/mis") &&
              !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "care/appointment") &&
              !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "care/checkin") &&
              !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "care/cancel") &&
              !ck_ui_role_may(CK_UI_ROLE_ORGANIZATION, "care/slots") && !ck_ui_role_may(CK_UI_ROLE_DOCTOR, "clerk/census") &&
              !ck_ui_role_may(CK_UI_ROLE_PATIENT, "clerk/mis"),
          "the organization reads the clerk's boards, and writes nothing of hers");
}

int main(void)
{
    test_cookie();
    test_query();
    test_gid_login();
    test_static();
    test_origin_tokens_menu();
    test_care_forms();
    test_operator();
    test_staff();
    test_staff_team();
    test_listen_host();
    test_share();
    TEST_MAIN_END();
}
