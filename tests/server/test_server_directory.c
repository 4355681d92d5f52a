/*
 * test_server_directory.c - the organization directory against a real
 * carekeyd (docs/CARE.md, "Directory"; docs/API.md, "Directory").
 *
 *   test_server_directory CAREKEYD [DB_URL]   (default: a fresh SQLite file)
 *
 * Covers organizations (operator only, role organization only, kinds),
 * units (operator or the organization itself), affiliations (an
 * organization affiliates its own staff only), listings with filters and
 * paging, deactivation (the user's next request is 403 deactivated at
 * once, others keep working), the organization's ledger (its own record:
 * append, signed head, audit), refused bodies and parameters, and with
 * SQLite the migration of a schema-3 database (its entries' supersedes
 * read from their containers, so a tombstone can drop old bodies).
 */
#include "ckt.h"

#include "carekey/record.h"
#include "carekey/store.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>

static const char *bin;
static ckt_server srv;
static ckt_id admin, hosp_a, hosp_b, pharm_x, dr_a, nurse_a, clerk_a, pat, notorg;
static ck_net *ca; /* the operator */

/* Bodies a route refuses with 400 bad_field, each with what it tries. */
typedef struct {
    const char *body, *what;
} bad_body;

static void expect_bad_fields(ck_net *c, const char *method, const char *path, const bad_body *v, size_t n)
{
    for (size_t i = 0; i < n; i++) CHECK(ckt_expect(c, method, path, v[i].body, 400, "bad_field"), "%s", v[i].what);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static ck_net *client(const ckt_id *id) { return ckt_client(srv.url, id->gid, id->sk); }

/* The GIDs of a JSON array of user objects, comma-joined. */
static void gids(json_t *users, char *out, size_t cap)
{
    size_t i, len = 0;
    json_t *u;
    out[0] = 0;
    json_array_foreach(users, i, u) {
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "",
                                json_string_value(json_object_get(u, "gid")));
        if (len >= cap) break;
    }
}

/* users matching the filter, as "a,b,c" (one page, up to 1000). */
static int list(ck_net *c, const char *org, const char *role, const char *unit, const char *attr, int active, char *out,
                size_t cap)
{
    ck_net_user_filter f = {org, role, unit, attr, active, NULL, 1000};
    json_t *users = NULL;
    if (ck_net_users_list(c, &f, &users, NULL) != 0) return -1;
    gids(users, out, cap);
    json_decref(users);
    return 0;
}

static void test_enroll(void)
{
    CHECK(ckt_enroll(ca, &hosp_a, "organization") == 0, "enroll an organization: %s", ck_net_error_code(ca));
    CHECK(ckt_enroll(ca, &hosp_b, "organization") == 0, "enroll hosp-b");
    CHECK(ckt_enroll(ca, &pharm_x, "organization") == 0, "enroll pharm-x");
    CHECK(ckt_enroll(ca, &dr_a, "doctor") == 0, "enroll dr-a");
    CHECK(ckt_enroll(ca, &nurse_a, "nurse") == 0, "enroll nurse-a");
    CHECK(ckt_enroll(ca, &clerk_a, "clerk") == 0, "role clerk: %s", ck_net_error_code(ca));
    CHECK(ckt_enroll(ca, &pat, "patient") == 0, "enroll patient");
    CHECK(ckt_enroll(ca, &notorg, "doctor") == 0, "enroll notorg");
}

/* The organization's ledger is a record it owns like a patient owns hers. */
static void test_ledger(void)
{
    ck_net *ch = client(&hosp_a), *cd = client(&dr_a);
    ck_net_head h, h2;
    uint8_t zero[32] = {0}, env[16];
    ck_net_audit *v = NULL;
    size_t n = 0;
    memset(env, 7, sizeof env);
    CHECK(ck_net_head_get(ch, hosp_a.gid, &h, NULL, NULL) == 0 && h.seq == 0, "the org's ledger exists, empty");
    CHECK(ck_net_append(ch, hosp_a.gid, "staff", "Basic", zero, ckt_now_ms(), env, sizeof env, &h2) == 0 &&
              h2.seq == 1, "the org appends to its ledger: %s", ck_net_error_code(ch));
    CHECK(ck_net_head_sign(ch, hosp_a.gid, &h2, ckt_now_ms()) == 0, "the org signs its head: %s",
          ck_net_error_code(ch));
    CHECK(ck_net_append(cd, hosp_a.gid, "staff", "Basic", h2.hash, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 403, "a doctor without a grant cannot append to the ledger");
    CHECK(ck_net_grant(ch, hosp_a.gid, dr_a.gid, "staff", 0, 0, NULL) == 0, "the org grants on its ledger: %s",
          ck_net_error_code(ch));
    CHECK(ck_net_append(cd, hosp_a.gid, "staff", "Basic", h2.hash, ckt_now_ms(), env, sizeof env, &h) == 0,
          "with the org's grant the doctor appends: %s", ck_net_error_code(cd));
    CHECK(ck_net_audit_list(ch, hosp_a.gid, 0, 100, &v, &n) == 0 && n >= 3, "the org reads its audit log");
    free(v);
    CHECK(ck_net_append(cd, dr_a.gid, "staff", "Basic", zero, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 404, "a doctor has no record");
    ck_net_close(ch);
    ck_net_close(cd);
}

static void test_orgs(void)
{
    static const bad_body bodies[] = {
        {"{\"name\":\"hosp-b\",\"kind\":\"castle\",\"display_name\":\"X\"}", "bad org kind"},
        {"{\"name\":\"hosp-b\",\"kind\":\"hospital\",\"display_name\":\"X\",\"x\":1}",
         "unknown key in org body"},
        {"{\"name\":\"hosp-b\",\"kind\":\"hospital\",\"display_name\":\"\\u0007\"}",
         "control character in display name"},
    };
    ck_net *ch = client(&hosp_a), *cd = client(&dr_a);
    json_t *orgs = NULL, *o = NULL;

    CHECK(ck_net_org_add(ca, hosp_a.gid, "hospital", "General Hospital A") == 0, "add org: %s",
          ck_net_error_code(ca));
    CHECK(ck_net_org_add(ca, hosp_a.gid, "hospital", "Again") != 0 && ck_net_status(ca) == 409 &&
              !strcmp(ck_net_error_code(ca), "already_exists"), "duplicate org is 409");
    CHECK(ck_net_org_add(ca, hosp_b.gid, "hospital", "Hospital B") == 0, "add hosp-b");
    CHECK(ck_net_org_add(ca, pharm_x.gid, "pharmacy", "Pharmacy X") == 0, "add pharm-x");
    CHECK(ck_net_org_add(ch, hosp_a.gid, "hospital", "Self") != 0 && ck_net_status(ch) == 403 &&
              !strcmp(ck_net_error_code(ch), "admin_only"), "an organization cannot register orgs");
    CHECK(ck_net_org_add(ca, "nobody", "hospital", "Nobody") != 0 && ck_net_status(ca) == 404 &&
              !strcmp(ck_net_error_code(ca), "user_not_found"), "org of no user is 404 user_not_found");
    CHECK(ck_net_org_add(ca, notorg.gid, "hospital", "Not an org") != 0 && ck_net_status(ca) == 400 &&
              !strcmp(ck_net_error_code(ca), "bad_field"), "a doctor cannot be an organization");
    expect_bad_fields(ca, "POST", "/v1/orgs", bodies, COUNT(bodies));
    CHECK(ckt_expect(ca, "POST", "/v1/orgs",
                 "{\"name\":\"hosp-b\",\"kind\":\"hospital\",\"kind\":\"board\",\"display_name\":\"X\"}", 400,
                 "bad_json"), "duplicate key in org body");
    CHECK(ckt_expect(ca, "PUT", "/v1/orgs", "{}", 405, "method_not_allowed"), "PUT /v1/orgs is 405");

    CHECK(ck_net_orgs_list(cd, NULL, &orgs) == 0 && json_array_size(orgs) == 3, "a doctor lists all orgs");
    CHECK(orgs && !strcmp(json_string_value(json_object_get(json_array_get(orgs, 0), "name")), "hosp-a") &&
              json_is_true(json_object_get(json_array_get(orgs, 0), "active")), "orgs by name, active");
    json_decref(orgs);
    CHECK(ck_net_orgs_list(cd, "hospital", &orgs) == 0 && json_array_size(orgs) == 2, "kind=hospital: 2");
    json_decref(orgs);
    CHECK(ck_net_orgs_list(cd, "pharmacy", &orgs) == 0 && json_array_size(orgs) == 1 &&
              !strcmp(json_string_value(json_object_get(json_array_get(orgs, 0), "name")), "pharm-x"),
          "kind=pharmacy: pharm-x");
    json_decref(orgs);
    CHECK(ckt_expect(cd, "GET", "/v1/orgs?kind=castle", NULL, 400, "bad_parameter"), "bad kind parameter");
    CHECK(ck_net_org_get(cd, hosp_a.gid, &o) == 0 &&
              !strcmp(json_string_value(json_object_get(o, "display_name")), "General Hospital A") &&
              !strcmp(json_string_value(json_object_get(o, "kind")), "hospital") &&
              json_array_size(json_object_get(o, "units")) == 0, "get org, no units yet");
    json_decref(o);
    CHECK(ck_net_org_get(cd, "nohosp", &o) != 0 && ck_net_status(cd) == 404 &&
              !strcmp(ck_net_error_code(cd), "org_not_found"), "unknown org is 404 org_not_found");
    ck_net_close(ch);
    ck_net_close(cd);
}

static void test_units(void)
{
    static const bad_body bodies[] = {
        {"{\"name\":\"w9\",\"kind\":\"ward\",\"beds\":-1}", "negative beds"},
        {"{\"name\":\"w9\",\"kind\":\"ward\",\"beds\":\"4\"}", "beds as a string"},
        {"{\"name\":\"d9\",\"kind\":\"department\",\"beds\":4}", "beds outside a ward"},
        {"{\"name\":\"d9\",\"kind\":\"garden\"}", "bad unit kind"},
        {"{\"name\":\"d9\",\"kind\":\"ward\",\"floor\":2}", "unknown key in unit body"},
        {"{\"name\":\"../x\",\"kind\":\"ward\"}", "bad unit name"},
    };
    ck_net *ch = client(&hosp_a), *cb = client(&hosp_b), *cd = client(&dr_a);
    json_t *units = NULL, *o = NULL;

    CHECK(ck_net_unit_add(ca, hosp_a.gid, "cardiology", "department", "Cardiology", 0) == 0,
          "the operator adds a department: %s", ck_net_error_code(ca));
    CHECK(ck_net_unit_add(ch, hosp_a.gid, "ward-3", "ward", "Ward 3", 24) == 0, "the org adds its own ward: %s",
          ck_net_error_code(ch));
    CHECK(ck_net_unit_add(ch, hosp_a.gid, "or-1", "theatre", NULL, 0) == 0, "a theatre, display name defaulted");
    CHECK(ck_net_unit_add(cb, hosp_a.gid, "spy", "department", "Spy", 0) != 0 && ck_net_status(cb) == 403 &&
              !strcmp(ck_net_error_code(cb), "forbidden"), "another org cannot add units");
    CHECK(ck_net_unit_add(cd, hosp_a.gid, "spy", "department", "Spy", 0) != 0 && ck_net_status(cd) == 403,
          "a doctor cannot add units");
    CHECK(ck_net_unit_add(ch, hosp_a.gid, "cardiology", "department", "Again", 0) != 0 && ck_net_status(ch) == 409,
          "duplicate unit is 409");
    CHECK(ck_net_unit_add(ca, "nohosp", "x", "department", "X", 0) != 0 && ck_net_status(ca) == 404 &&
              !strcmp(ck_net_error_code(ca), "org_not_found"), "unit of an unknown org");
    expect_bad_fields(ch, "POST", "/v1/orgs/hosp-a/units", bodies, COUNT(bodies));

    CHECK(ck_net_units_list(cd, hosp_a.gid, NULL, &units) == 0 && json_array_size(units) == 3, "three units");
    json_decref(units);
    CHECK(ck_net_units_list(cd, hosp_a.gid, "ward", &units) == 0 && json_array_size(units) == 1 &&
              json_integer_value(json_object_get(json_array_get(units, 0), "beds")) == 24, "kind=ward: 24 beds");
    json_decref(units);
    CHECK(ck_net_units_list(cd, hosp_b.gid, NULL, &units) == 0 && json_array_size(units) == 0, "hosp-b: none");
    json_decref(units);
    CHECK(ck_net_units_list(cd, "nohosp", NULL, &units) != 0 && ck_net_status(cd) == 404 &&
              !strcmp(ck_net_error_code(cd), "org_not_found"), "units of an unknown org");
    CHECK(ckt_expect(cd, "GET", "/v1/orgs/hosp-a/units?kind=garden", NULL, 400, "bad_parameter"), "bad kind param");
    CHECK(ck_net_org_get(cd, hosp_a.gid, &o) == 0 && json_array_size(json_object_get(o, "units")) == 3 &&
              !strcmp(json_string_value(json_object_get(json_array_get(json_object_get(o, "units"), 1),
                                                         "display_name")),
                      "or-1"), "the org object lists its units by name");
    json_decref(o);
    ck_net_close(ch);
    ck_net_close(cb);
    ck_net_close(cd);
}

static void test_affiliation(void)
{
    ck_net *ch = client(&hosp_a), *cb = client(&hosp_b), *cd = client(&dr_a);
    static const char *const dr_attrs[] = {"doctor@medical-board", "staff@hosp-a"};
    static const char *const n_attrs[] = {"nurse@nursing-board", "staff@hosp-a"};
    static const bad_body bodies[] = {
        {"{\"org\":\"hosp-a\",\"attributes\":[\"a,b\"]}", "a comma inside a label"},
        {"{\"org\":\"hosp-a\",\"attributes\":[\"a\",\"a\"]}", "duplicate labels"},
        {"{\"org\":\"hosp-a\",\"attributes\":\"a\"}", "attributes not an array"},
        {"{\"org\":\"hosp-a\",\"role\":\"admin\"}", "unknown key in affiliation"},
    };
    json_t *u = NULL, *attrs;

    CHECK(ck_net_user_affiliate(ca, dr_a.gid, hosp_a.gid, "cardiology", "Consultant cardiologist", dr_attrs, 2, &u) ==
              0, "the operator affiliates a doctor: %s", ck_net_error_code(ca));
    attrs = json_object_get(u, "attributes");
    CHECK(u && !strcmp(json_string_value(json_object_get(u, "org")), "hosp-a") &&
              !strcmp(json_string_value(json_object_get(u, "unit")), "cardiology") &&
              !strcmp(json_string_value(json_object_get(u, "title")), "Consultant cardiologist") &&
              json_array_size(attrs) == 2 && !strcmp(json_string_value(json_array_get(attrs, 1)), "staff@hosp-a") &&
              json_is_true(json_object_get(u, "active")) && !json_object_get(u, "deactivated_at"),
          "the user object carries the affiliation");
    json_decref(u);
    ck_net *cn = client(&nurse_a), *ck = client(&clerk_a), *cx = client(&notorg);
    CHECK(ck_net_user_consent(cn, nurse_a.gid, hosp_a.gid) == 0 && ck_net_user_consent(ck, clerk_a.gid, hosp_a.gid) == 0 &&
              ck_net_user_consent(cx, notorg.gid, hosp_a.gid) == 0, "staff consent to hosp-a: %s",
          ck_net_error_code(cn));
    ck_net_close(cn);
    ck_net_close(ck);
    ck_net_close(cx);
    CHECK(ck_net_user_affiliate(ch, nurse_a.gid, hosp_a.gid, "ward-3", NULL, n_attrs, 2, NULL) == 0,
          "the org affiliates its own nurse: %s", ck_net_error_code(ch));
    CHECK(ck_net_user_affiliate(ch, clerk_a.gid, hosp_a.gid, NULL, "Admissions", NULL, 0, NULL) == 0,
          "no unit, no attributes");
    CHECK(ck_net_user_affiliate(ch, notorg.gid, hosp_b.gid, NULL, NULL, NULL, 0, NULL) != 0 &&
              ck_net_status(ch) == 403 && !strcmp(ck_net_error_code(ch), "forbidden"),
          "an org cannot affiliate people to another org");
    CHECK(ck_net_user_affiliate(cb, dr_a.gid, hosp_b.gid, NULL, NULL, NULL, 0, NULL) != 0 &&
              ck_net_status(cb) == 403, "an org cannot take another org's staff");
    CHECK(ck_net_user_affiliate(cd, notorg.gid, hosp_a.gid, NULL, NULL, NULL, 0, NULL) != 0 &&
              ck_net_status(cd) == 403, "a doctor cannot affiliate");
    CHECK(ck_net_user_affiliate(ch, notorg.gid, hosp_a.gid, "oncology", NULL, NULL, 0, NULL) != 0 &&
              ck_net_status(ch) == 404 && !strcmp(ck_net_error_code(ch), "unit_not_found"), "unknown unit");
    CHECK(ck_net_user_affiliate(ca, notorg.gid, hosp_b.gid, "cardiology", NULL, NULL, 0, NULL) != 0 &&
              !strcmp(ck_net_error_code(ca), "unit_not_found"), "a unit of another org is not found");
    CHECK(ck_net_user_affiliate(ca, notorg.gid, "nohosp", NULL, NULL, NULL, 0, NULL) != 0 &&
              ck_net_status(ca) == 404 && !strcmp(ck_net_error_code(ca), "org_not_found"), "unknown org");
    CHECK(ck_net_user_affiliate(ca, "ghost", hosp_a.gid, NULL, NULL, NULL, 0, NULL) != 0 &&
              !strcmp(ck_net_error_code(ca), "user_not_found"), "unknown user");
    expect_bad_fields(ca, "PUT", "/v1/users/notorg/affiliation", bodies, COUNT(bodies));
    char body[400];
    snprintf(body, sizeof body, "{\"org\":\"hosp-a\",\"title\":\"%0200d\"}", 0);
    CHECK(ckt_expect(ca, "PUT", "/v1/users/notorg/affiliation", body, 400, "bad_field"), "title over 128 bytes");
    ck_net_close(ch);
    ck_net_close(cb);
    ck_net_close(cd);
}

static void test_listing(void)
{
    ck_net *cp = client(&pat);
    char out[2048];
    json_t *users = NULL;
    int more = 0, pages = 0, total = 0;
    ck_net_user_filter f = {NULL, NULL, NULL, NULL, -1, NULL, 2};
    char after[CK_NET_ID_MAX + 1] = "";

    CHECK(list(cp, hosp_a.gid, NULL, NULL, NULL, 1, out, sizeof out) == 0 && !strcmp(out, "clerk-a,dr-a,nurse-a"),
          "org=hosp-a: %s", out);
    CHECK(list(cp, hosp_a.gid, "doctor", NULL, NULL, 1, out, sizeof out) == 0 && !strcmp(out, "dr-a"),
          "org and role: %s", out);
    CHECK(list(cp, NULL, NULL, "ward-3", NULL, 1, out, sizeof out) == 0 && !strcmp(out, "nurse-a"), "unit: %s", out);
    CHECK(list(cp, NULL, NULL, NULL, "staff@hosp-a", 1, out, sizeof out) == 0 && !strcmp(out, "dr-a,nurse-a"),
          "attr: %s", out);
    CHECK(list(cp, NULL, NULL, NULL, "doctor@medical-board", 1, out, sizeof out) == 0 && !strcmp(out, "dr-a"),
          "attr doctor: %s", out);
    CHECK(list(cp, NULL, NULL, NULL, "staff@hosp", 1, out, sizeof out) == 0 && !strcmp(out, ""),
          "attr matches whole labels only: %s", out);
    CHECK(list(cp, NULL, "organization", NULL, NULL, 1, out, sizeof out) == 0 &&
              !strcmp(out, "hosp-a,hosp-b,pharm-x"), "role=organization: %s", out);
    CHECK(ckt_expect(cp, "GET", "/v1/users?role=king", NULL, 400, "bad_parameter"), "unknown role parameter");
    CHECK(ckt_expect(cp, "GET", "/v1/users?limit=1001", NULL, 400, "bad_parameter"), "limit above 1000");
    CHECK(ckt_expect(cp, "GET", "/v1/users?limit=0", NULL, 400, "bad_parameter"), "limit 0");
    CHECK(ckt_expect(cp, "GET", "/v1/users?org=a%27b", NULL, 400, NULL), "quote in org parameter");

    /* Paging: two at a time over every user, no repeats, in GID order. */
    do {
        f.after = after[0] ? after : NULL;
        if (ck_net_users_list(cp, &f, &users, &more) != 0) break;
        pages++;
        total += (int)json_array_size(users);
        if (json_array_size(users))
            snprintf(after, sizeof after, "%s",
                     json_string_value(json_object_get(json_array_get(users, json_array_size(users) - 1), "gid")));
        json_decref(users);
    } while (more && pages < 20);
    CHECK(total == 8 && pages == 4 && !strcmp(after, "pharm-x"), "paging: %d users in %d pages, last %s", total, pages,
          after);
    ck_net_close(cp);
}

static void test_deactivate(void)
{
    ck_net *cd = client(&dr_a), *cn = client(&nurse_a), *cb = client(&hosp_b), *ch = client(&hosp_a);
    ck_net *cp = client(&pat);
    ck_net_user u;
    json_t *j = NULL;
    json_int_t first;
    char out[1024];
    ck_net_audit *v = NULL;
    size_t n = 0;
    int saw_aff = 0, saw_deact = 0, saw_refused = 0;

    CHECK(ck_net_user_get(cd, dr_a.gid, &u) == 0, "dr-a works before (and is cached)");
    CHECK(ck_net_user_deactivate(cb, dr_a.gid, NULL) != 0 && ck_net_status(cb) == 403, "another org cannot deactivate");
    CHECK(ck_net_user_deactivate(cp, dr_a.gid, NULL) != 0 && ck_net_status(cp) == 403, "a patient cannot");
    CHECK(ck_net_user_deactivate(cd, nurse_a.gid, NULL) != 0 && ck_net_status(cd) == 403, "a colleague cannot");
    /* Deactivation is the operator's alone: not even the user's own organization. */
    CHECK(ck_net_user_deactivate(ch, dr_a.gid, NULL) != 0 && ck_net_status(ch) == 403 &&
              !strcmp(ck_net_error_code(ch), "admin_only"), "the org cannot deactivate its doctor");
    CHECK(ck_net_user_get(cd, dr_a.gid, &u) == 0, "dr-a still works");
    CHECK(ck_net_user_deactivate(ca, dr_a.gid, &j) == 0 && json_is_false(json_object_get(j, "active")) &&
              json_integer_value(json_object_get(j, "deactivated_at")) > 0, "the operator deactivates: %s",
          ck_net_error_code(ca));
    first = json_integer_value(json_object_get(j, "deactivated_at"));
    json_decref(j);
    CHECK(ck_net_user_get(cd, dr_a.gid, &u) != 0 && ck_net_status(cd) == 403 &&
              !strcmp(ck_net_error_code(cd), "deactivated"), "dr-a's next request: 403 deactivated (%ld %s)",
          ck_net_status(cd), ck_net_error_code(cd));
    CHECK(ckt_expect(cd, "GET", "/v1/orgs", NULL, 403, "deactivated"), "every route refuses dr-a");
    CHECK(ck_net_user_get(cn, dr_a.gid, &u) == 0, "others keep working");
    ckt_sleep_ms(5);
    CHECK(ck_net_user_deactivate(ca, dr_a.gid, &j) == 0 &&
              json_integer_value(json_object_get(j, "deactivated_at")) == first, "idempotent, first time kept");
    json_decref(j);
    CHECK(ck_net_user_deactivate(ca, "ghost", NULL) != 0 && !strcmp(ck_net_error_code(ca), "user_not_found"),
          "deactivating nobody is 404");
    CHECK(ckt_expect(ca, "POST", "/v1/users/nurse-a/deactivate", "{}", 400, NULL), "deactivate takes no body");

    CHECK(list(cn, hosp_a.gid, NULL, NULL, NULL, 1, out, sizeof out) == 0 && !strcmp(out, "clerk-a,nurse-a"),
          "active (default) hides dr-a: %s", out);
    CHECK(list(cn, hosp_a.gid, NULL, NULL, NULL, 0, out, sizeof out) == 0 && !strcmp(out, "dr-a"),
          "active=false: %s", out);
    CHECK(list(cn, hosp_a.gid, NULL, NULL, NULL, -1, out, sizeof out) == 0 && !strcmp(out, "clerk-a,dr-a,nurse-a"),
          "active=any: %s", out);
    CHECK(ckt_expect(cn, "GET", "/v1/users?active=maybe", NULL, 400, "bad_parameter"), "bad active parameter");
    CHECK(ckt_expect(cn, "GET", "/v1/users?org=hosp-a&active=true", NULL, 200, NULL), "active=true");

    CHECK(ck_net_audit_list(ch, hosp_a.gid, 0, 1000, &v, &n) == 0, "the org's audit log");
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v[i].action, "affiliate") && !strcmp(v[i].target, "nurse-a") && v[i].status == 200) saw_aff = 1;
        if (!strcmp(v[i].action, "deactivate") && !strcmp(v[i].target, "dr-a") && !strcmp(v[i].actor, "admin"))
            saw_deact = 1;
        if (!strcmp(v[i].action, "deactivate") && !strcmp(v[i].actor, "hosp-a") && v[i].status == 403) saw_refused = 1;
    }
    free(v);
    CHECK(saw_aff && saw_deact && saw_refused, "staff changes and the refused attempt are in the org's audit log (%d %d %d)",
          saw_aff, saw_deact, saw_refused);
    ck_net_close(cd);
    ck_net_close(cn);
    ck_net_close(cb);
    ck_net_close(ch);
    ck_net_close(cp);
}

/* A database at schema 3 (before the directory) opens and upgrades. */
static const char schema3[] =
    "CREATE TABLE users(gid TEXT PRIMARY KEY, ed25519 BLOB NOT NULL, x25519 BLOB NOT NULL,"
    "  display_name TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE authorities(name TEXT PRIMARY KEY, sign_pk BLOB NOT NULL, abe_pk TEXT NOT NULL,"
    "  epochs TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE records(patient TEXT PRIMARY KEY REFERENCES users(gid), head_seq INTEGER NOT NULL,"
    "  head_hash BLOB NOT NULL, signed_seq INTEGER, signed_hash BLOB, signed_time INTEGER, signed_sig BLOB) STRICT;"
    "CREATE TABLE entries(patient TEXT NOT NULL REFERENCES records(patient), seq INTEGER NOT NULL,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, section TEXT NOT NULL, resource_type TEXT NOT NULL,"
    "  author TEXT NOT NULL, time_ms INTEGER NOT NULL, envelope BLOB NOT NULL, signature BLOB NOT NULL,"
    "  received_at INTEGER NOT NULL, PRIMARY KEY(patient, seq)) STRICT;"
    "CREATE TABLE grants(id INTEGER PRIMARY KEY, patient TEXT NOT NULL REFERENCES records(patient),"
    "  grantee TEXT NOT NULL, granted_by TEXT NOT NULL, sections TEXT NOT NULL, delegate INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE INDEX grants_by_grantee ON grants(patient, grantee);"
    "CREATE TABLE mailbox(id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, sender TEXT NOT NULL,"
    "  kind TEXT NOT NULL, payload BLOB NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX mailbox_by_recipient ON mailbox(recipient, id);"
    "CREATE TABLE audit(id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, actor TEXT NOT NULL,"
    "  patient TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, purpose TEXT NOT NULL,"
    "  outcome TEXT NOT NULL, status INTEGER NOT NULL) STRICT;"
    "CREATE INDEX audit_by_patient ON audit(patient, id);"
    "CREATE TABLE nonce_log(caller TEXT NOT NULL, nonce TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX nonce_log_by_time ON nonce_log(created_at);"
    "PRAGMA user_version=3;";

static int user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* A DATA container with body superseding sup into buf (128 bytes): its length. */
static size_t data_container(uint8_t buf[128], uint64_t sup, const char *body)
{
    ck_rec_container c;
    memset(&c, 0, sizeof c);
    c.kind = CK_REC_KIND_DATA;
    memset(c.entry_id, 7, sizeof c.entry_id);
    c.supersedes = sup;
    c.body = (const uint8_t *)body;
    c.body_len = strlen(body);
    return ck_rec_container_encode(buf, &c);
}

/* A DATA container (body "old") superseding sup, as lower-case hex. */
static void data_hex(char *out, size_t cap, uint64_t sup, uint8_t sha[32])
{
    uint8_t buf[128];
    size_t n = data_container(buf, sup, "old");
    if (2 * n + 1 > cap) exit(2);
    ck_net_hex(out, buf, n);
    ck_net_sha256(sha, buf, n);
}

/* Entries stored before schema 6: seq 1 and its new version 2 (both DATA
 * containers, allergies), then seq 3, bytes that are no container. */
static void old_entries(char *sql, size_t cap, uint8_t sha1[32])
{
    char v1[300], v2[300];
    uint8_t sha2[32];
    data_hex(v1, sizeof v1, 0, sha1);
    data_hex(v2, sizeof v2, 1, sha2);
    snprintf(sql, cap,
             "INSERT INTO entries VALUES('old-pat', 1, zeroblob(32), x'%064d', 'allergies', 'Basic', 'old-pat', 1,"
             "  x'%s', zeroblob(64), 1);"
             "INSERT INTO entries VALUES('old-pat', 2, x'%064d', x'%064d', 'allergies', 'Basic', 'old-pat', 1,"
             "  x'%s', zeroblob(64), 1);"
             "INSERT INTO entries VALUES('old-pat', 3, x'%064d', x'%064d', 'notes', 'Basic', 'old-pat', 1,"
             "  x'00010203', zeroblob(64), 1);"
             "UPDATE records SET head_seq = 3, head_hash = x'%064d' WHERE patient = 'old-pat';",
             1, v1, 1, 2, v2, 2, 3, 3);
}

/* The upgraded old record: a tombstone drops seq 1, which seq 2
 * supersedes (known from the backfill only); seq 3 has nothing above it. */
static void old_tombstone(ck_net *c, const uint8_t sha1[32])
{
    uint8_t *env = NULL, prev[32];
    size_t len = 0;
    uint64_t drop1 = 1, drop3 = 3;
    ck_net_head h;
    ck_net_entry e;
    memset(&e, 0, sizeof e);
    CHECK(ck_net_unhex(prev, 32, "0000000000000000000000000000000000000000000000000000000000000003") == 0, "head");
    CHECK(ck_rec_tombstone_container(&env, &len, &drop3, 1) == CK_REC_OK &&
              ck_net_append(c, "old-pat", "tombstone", "Tombstone", prev, ckt_now_ms(), env, len, &h) != 0 &&
              !strcmp(ck_net_error_code(c), "bad_tombstone"),
          "an old entry nothing supersedes keeps its body: %s", ck_net_error_code(c));
    free(env);
    CHECK(ck_rec_tombstone_container(&env, &len, &drop1, 1) == CK_REC_OK &&
              ck_net_append(c, "old-pat", "tombstone", "Tombstone", prev, ckt_now_ms(), env, len, &h) == 0 && h.seq == 4,
          "a tombstone drops an old superseded body: %s", ck_net_error_code(c));
    free(env);
    CHECK(ck_net_entry_get(c, "old-pat", 1, &e) == 0 && e.envelope == NULL && !memcmp(e.envelope_sha256, sha1, 32),
          "the old body is gone, its digest kept");
    ck_net_entry_clear(&e);
}

static void test_migration(const char *dir)
{
    char path[400], db[420], sqlbuf[600], entries[2000], hex[65];
    uint8_t sha1[32];
    sqlite3 *h = NULL;
    ckt_server old;
    ckt_id old_pat, org;
    ck_net *c, *cadm;
    ck_net_user u;
    json_t *users = NULL;
    ck_net_user_filter f = {NULL, "patient", NULL, NULL, 1, NULL, 0};

    snprintf(path, sizeof path, "%s/v3.db", dir);
    snprintf(db, sizeof db, "sqlite:%s", path);
    ckt_id_new(&old_pat, "old-pat");
    ckt_id_new(&org, "old-org");
    ck_net_hex(hex, old_pat.pk, 32);
    snprintf(sqlbuf, sizeof sqlbuf,
             "INSERT INTO users VALUES('old-pat', x'%s', zeroblob(32), 'Old Patient', 'patient', 1);"
             "INSERT INTO records(patient, head_seq, head_hash) VALUES('old-pat', 0, zeroblob(32));", hex);
    old_entries(entries, sizeof entries, sha1);
    CHECK(sqlite3_open(path, &h) == SQLITE_OK && sqlite3_exec(h, schema3, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(h, sqlbuf, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(h, entries, NULL, NULL, NULL) == SQLITE_OK,
          "a schema-3 database with entries: %s", sqlite3_errmsg(h));
    sqlite3_close(h);
    CHECK(user_version(path) == 3, "at version 3");
    CHECK(ckt_start(&old, bin, dir, db, admin.pk) == 0, "carekeyd opens a schema-3 database");
    if (old.pid <= 0) return;
    CHECK(user_version(path) == 8, "migrated to version 8: %d", user_version(path));
    c = ckt_client(old.url, old_pat.gid, old_pat.sk);
    CHECK(ck_net_user_get(c, old_pat.gid, &u) == 0, "an old user still signs in: %s", ck_net_error_code(c));
    CHECK(ck_net_users_list(c, &f, &users, NULL) == 0 && json_array_size(users) == 1 &&
              json_is_true(json_object_get(json_array_get(users, 0), "active")) &&
              json_is_null(json_object_get(json_array_get(users, 0), "org")) &&
              json_array_size(json_object_get(json_array_get(users, 0), "attributes")) == 0,
          "old users are active and unaffiliated");
    json_decref(users);
    old_tombstone(c, sha1);
    cadm = ckt_client(old.url, "admin", admin.sk);
    CHECK(ckt_enroll(cadm, &org, "organization") == 0 && ck_net_org_add(cadm, org.gid, "board", "Old Board") == 0,
          "the directory works after the upgrade: %s", ck_net_error_code(cadm));
    ck_net_close(cadm);
    ck_net_close(c);
    ckt_stop(&old, SIGTERM);
}

/* ---- a read's nonce checked with its audit row (ck_store_audit_nonce) -- */

static int audit_rows(ck_store *s, const char *patient)
{
    ck_store_audit *v = NULL;
    size_t n = 0;
    if (ck_store_audit_list(s, patient, 0, 1000, &v, &n) != CK_STORE_OK) return -1;
    free(v);
    return (int)n;
}

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, ok, conflict;
} nonce_tally;

static void nonce_counted(void *ctx, ck_store_rc rc)
{
    nonce_tally *t = ctx;
    pthread_mutex_lock(&t->mu);
    t->done++;
    t->ok += rc == CK_STORE_OK;
    t->conflict += rc == CK_STORE_REPLAYED;
    pthread_cond_broadcast(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

/* An append's nonce commits with the entry (ck_store_append_nonce). */
static void entry_for(ck_store_entry *e, const uint8_t prev[32], uint8_t *env, size_t len)
{
    memset(e, 0, sizeof *e);
    snprintf(e->patient, sizeof e->patient, "pat");
    memcpy(e->prev_hash, prev, 32);
    snprintf(e->section, sizeof e->section, "notes");
    snprintf(e->resource_type, sizeof e->resource_type, "Observation");
    snprintf(e->author, sizeof e->author, "pat");
    e->time_ms = (int64_t)ckt_now_ms();
    e->envelope = env;
    e->envelope_len = len;
}

static void test_append_nonce(ck_store *s)
{
    uint8_t head[32], env[16] = {7};
    uint64_t seq = 0, seq2 = 0;
    ck_store_entry e, again;
    ck_store_nonce n = {"pat", "0123456789abcdef0123456789abcdef", (int64_t)ckt_now_ms(), 0}, m = n;

    CHECK(ck_store_head(s, "pat", &seq, head) == CK_STORE_OK, "the patient's head");
    entry_for(&e, head, env, sizeof env);
    CHECK(ck_store_append_nonce(s, &e, NULL, &n) == CK_STORE_OK && e.seq == seq + 1, "an append with a new nonce");
    entry_for(&again, e.hash, env, sizeof env);
    CHECK(ck_store_append_nonce(s, &again, NULL, &n) == CK_STORE_REPLAYED &&
              ck_store_head(s, "pat", &seq2, head) == CK_STORE_OK && seq2 == seq + 1,
          "its nonce again, on the new head: REPLAYED, nothing appended");
    CHECK(ck_store_nonce_use(s, n.caller, n.nonce, n.now_ms, 0) == CK_STORE_CONFLICT, "the nonce was recorded");
    m.nonce = "fedcba9876543210fedcba9876543210";
    entry_for(&again, e.prev_hash, env, sizeof env); /* the old head */
    CHECK(ck_store_append_nonce(s, &again, NULL, &m) == CK_STORE_CONFLICT, "a stale head: CONFLICT");
    CHECK(ck_store_nonce_use(s, m.caller, m.nonce, m.now_ms, 0) == CK_STORE_OK,
          "a refused append leaves its nonce to the caller");
}

/* Two store handles are two instances: one's remembered head goes stale
 * when the other appends, and costs a refusal, never a wrong entry. */
static void test_stale_head_hint(ck_store *s, const char *url)
{
    ck_store *other = NULL;
    ck_store_opts o = {2, 2000};
    uint8_t head[32], env[8] = {9};
    uint64_t seq = 0, seq2 = 0;
    ck_store_entry mine, theirs, next;
    CHECK(ck_store_open(&other, url, &o) == CK_STORE_OK, "a second instance's store");
    if (other == NULL) return;
    CHECK(ck_store_head(s, "pat", &seq, head) == CK_STORE_OK, "this instance reads the head");
    entry_for(&theirs, head, env, sizeof env);
    CHECK(ck_store_append(other, &theirs, NULL) == CK_STORE_OK && theirs.seq == seq + 1, "the other appends");
    entry_for(&mine, head, env, sizeof env);
    CHECK(ck_store_append(s, &mine, NULL) == CK_STORE_CONFLICT, "onto the head this instance remembers: CONFLICT");
    entry_for(&next, theirs.hash, env, sizeof env);
    CHECK(ck_store_append(s, &next, NULL) == CK_STORE_OK && next.seq == seq + 2, "onto the real head: seq %llu",
          (unsigned long long)next.seq);
    CHECK(ck_store_head(other, "pat", &seq2, head) == CK_STORE_OK && seq2 == seq + 2 && !memcmp(head, next.hash, 32),
          "both instances see the same head");
    ck_store_close(other);
}

/* A DATA container (body "new") superseding sup, appended to pat's notes. */
static int append_data(ck_store *s, uint64_t sup, ck_store_entry *e)
{
    static uint8_t buf[4][128];
    static int next;
    uint8_t head[32], *b = buf[next++ % 4];
    uint64_t seq;
    if (ck_store_head(s, "pat", &seq, head) != CK_STORE_OK) return -1;
    entry_for(e, head, b, data_container(b, sup, "new"));
    return ck_store_append(s, e, NULL) == CK_STORE_OK ? 0 : -1;
}

static int64_t gen_of(ck_store *s, const char *patient)
{
    int64_t g = -1;
    return ck_store_record_gen(s, patient, &g) == CK_STORE_OK ? g : -1;
}

/* An append allowed on cached grants commits only at their generation. */
static void test_append_gen(ck_store *s, ck_store_audit *a, int64_t old_gen, int64_t gen)
{
    uint8_t head[32], env[4] = {1};
    uint64_t seq = 0, seq2 = 0, drop = 1;
    ck_store_entry e;
    ck_store_nonce n = {"dr-a", "2f1e2d3c4b5a69788796a5b4c3d2e1f0", ckt_now_ms(), 0};
    CHECK(ck_store_head(s, "pat", &seq, head) == CK_STORE_OK, "the head");
    entry_for(&e, head, env, sizeof env);
    a->read_gen = old_gen;
    CHECK(ck_store_append_nonce(s, &e, a, &n) == CK_STORE_CHANGED && ck_store_head(s, "pat", &seq2, head) == CK_STORE_OK &&
              seq2 == seq,
          "an append at an old generation: CHANGED, nothing appended");
    CHECK(ck_store_nonce_use(s, n.caller, n.nonce, n.now_ms, 0) == CK_STORE_OK, "and its nonce unused");
    n.nonce = "3f1e2d3c4b5a69788796a5b4c3d2e1f0";
    entry_for(&e, head, env, sizeof env);
    e.drop = &drop;
    e.n_drop = 1;
    CHECK(ck_store_append_nonce(s, &e, a, &n) == CK_STORE_CHANGED, "a tombstone with a generation: CHANGED");
    entry_for(&e, head, env, sizeof env);
    a->read_gen = gen;
    CHECK(ck_store_append_nonce(s, &e, a, &n) == CK_STORE_OK && e.seq == seq + 1,
          "at the current generation: appended");
}

/* A record's generation moves with its grants and its bodies, never with
 * an append; an audit row of a read made at an old generation is refused
 * (CHANGED) with its nonce, which stays unused. */
static void test_record_gen(ck_store *s, ck_store_audit *a)
{
    ck_store_entry v1, v2, tomb;
    ck_store_grant g;
    uint64_t drop, seq;
    uint8_t head[32];
    int64_t g0 = gen_of(s, "pat"), g1 = 0, g2 = 0, g3 = 0;
    ck_store_nonce n = {"dr-a", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", ckt_now_ms(), 0};
    int rows;

    CHECK(g0 > 0, "a record has a generation (%lld)", (long long)g0);
    CHECK(ck_store_record_gen(s, "nobody-here", &g1) == CK_STORE_NOT_FOUND, "no record: NOT_FOUND");
    CHECK(append_data(s, 0, &v1) == 0 && append_data(s, v1.seq, &v2) == 0 && gen_of(s, "pat") == g0,
          "appends leave it");
    memset(&g, 0, sizeof g);
    snprintf(g.patient, sizeof g.patient, "pat");
    snprintf(g.grantee, sizeof g.grantee, "dr-a");
    snprintf(g.granted_by, sizeof g.granted_by, "pat");
    snprintf(g.sections, sizeof g.sections, "*");
    snprintf(g.access, sizeof g.access, "read");
    g.created_at = ckt_now_ms();
    CHECK(ck_store_grant_add(s, &g, NULL) == CK_STORE_OK && (g1 = gen_of(s, "pat")) > g0, "a grant moves it");
    CHECK(ck_store_grant_revoke(s, "pat", g.id, ckt_now_ms(), NULL) == CK_STORE_OK && (g2 = gen_of(s, "pat")) > g1,
          "a revocation moves it");
    drop = v1.seq;
    CHECK(ck_store_head(s, "pat", &seq, head) == CK_STORE_OK, "the head");
    entry_for(&tomb, head, (uint8_t *)"x", 1);
    tomb.drop = &drop;
    tomb.n_drop = 1;
    CHECK(ck_store_append(s, &tomb, NULL) == CK_STORE_OK && (g3 = gen_of(s, "pat")) > g2, "a dropped body moves it");

    snprintf(a->patient, sizeof a->patient, "pat");
    rows = audit_rows(s, "pat");
    a->read_gen = g2;
    CHECK(ck_store_audit_nonce(s, a, &n) == CK_STORE_CHANGED && audit_rows(s, "pat") == rows,
          "a read made at an old generation: CHANGED, no row");
    CHECK(ck_store_nonce_use(s, n.caller, n.nonce, n.now_ms, 0) == CK_STORE_OK, "and its nonce unused");
    n.nonce = "1f1e2d3c4b5a69788796a5b4c3d2e1f0";
    CHECK(ck_store_audit_nonce(s, a, NULL) == CK_STORE_CHANGED && audit_rows(s, "pat") == rows, "a row alone too");
    a->read_gen = g3;
    CHECK(ck_store_audit_nonce(s, a, &n) == CK_STORE_OK && audit_rows(s, "pat") == rows + 1,
          "at the current generation: written");
    CHECK(ck_store_audit_nonce(s, a, &n) == CK_STORE_REPLAYED, "a replay of it: REPLAYED");
    test_append_gen(s, a, g2, g3);
    a->read_gen = 0;
}

static void test_audit_nonce(const char *url)
{
    enum { COPIES = 6 };
    ck_store *s = NULL;
    ck_store_opts o = {2, 2000};
    ck_store_audit a;
    ck_store_nonce n1 = {"dr-a", "00112233445566778899aabbccddeeff", ckt_now_ms(), 0};
    ck_store_nonce n2 = n1, n3 = n1;
    nonce_tally t = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};
    int queued = 0;

    CHECK(ck_store_open(&s, url, &o) == CK_STORE_OK, "open the store");
    if (s == NULL) return;
    memset(&a, 0, sizeof a);
    snprintf(a.actor, sizeof a.actor, "dr-a");
    snprintf(a.patient, sizeof a.patient, "nonce-pat");
    snprintf(a.action, sizeof a.action, "read_entry");
    snprintf(a.target, sizeof a.target, "seq:1");
    snprintf(a.purpose, sizeof a.purpose, "treatment");
    snprintf(a.outcome, sizeof a.outcome, "ok");
    a.status = 200;
    CHECK(ck_store_audit_nonce(s, &a, &n1) == CK_STORE_OK && audit_rows(s, "nonce-pat") == 1,
          "a new nonce: the audit row is written");
    CHECK(ck_store_audit_nonce(s, &a, &n1) == CK_STORE_REPLAYED && audit_rows(s, "nonce-pat") == 1,
          "the same nonce again: REPLAYED and no row");
    CHECK(ck_store_nonce_use(s, n1.caller, n1.nonce, n1.now_ms, 0) == CK_STORE_CONFLICT,
          "the nonce is used for ck_store_nonce_use too");
    n2.caller = "dr-b";
    CHECK(ck_store_audit_nonce(s, NULL, &n2) == CK_STORE_OK && ck_store_audit_nonce(s, &a, &n2) == CK_STORE_REPLAYED &&
              audit_rows(s, "nonce-pat") == 1,
          "a nonce alone, then with a row: REPLAYED, no row");
    CHECK(ck_store_audit_nonce(s, &a, NULL) == CK_STORE_OK && audit_rows(s, "nonce-pat") == 2, "a row alone");
    CHECK(ck_store_audit_nonce(s, NULL, NULL) == CK_STORE_OK, "a barrier");
    /* Copies queued at once (one group commit where there is one): one wins. */
    n3.nonce = "ffeeddccbbaa99887766554433221100";
    for (int i = 0; i < COPIES; i++) queued += ck_store_audit_nonce_async(s, &a, &n3, nonce_counted, &t) == CK_STORE_OK;
    pthread_mutex_lock(&t.mu);
    while (t.done < queued) pthread_cond_wait(&t.cv, &t.mu);
    pthread_mutex_unlock(&t.mu);
    CHECK(queued == COPIES && t.ok == 1 && t.conflict == COPIES - 1 && audit_rows(s, "nonce-pat") == 3,
          "%d copies of one read: %d answered, %d refused, one row", queued, t.ok, t.conflict);
    test_append_nonce(s);
    test_stale_head_hint(s, url);
    test_record_gen(s, &a);
    ck_store_close(s);
}

int main(int argc, char **argv)
{
    char dir[256], db[1024];
    int is_sqlite;
    if ((is_sqlite = ckt_main_begin(argc, argv, "dir", dir, sizeof dir, db, sizeof db)) < 0) return 2;
    bin = argv[1];
    ckt_id_new(&admin, "admin");
    ckt_id_new(&hosp_a, "hosp-a");
    ckt_id_new(&hosp_b, "hosp-b");
    ckt_id_new(&pharm_x, "pharm-x");
    ckt_id_new(&dr_a, "dr-a");
    ckt_id_new(&nurse_a, "nurse-a");
    ckt_id_new(&clerk_a, "clerk-a");
    ckt_id_new(&pat, "pat");
    ckt_id_new(&notorg, "notorg");
    if (ckt_start(&srv, bin, dir, db, admin.pk) != 0) {
        CHECK(0, "carekeyd did not start");
        TEST_MAIN_END();
    }
    ca = ckt_client(srv.url, "admin", admin.sk);
    test_enroll();
    test_ledger();
    test_orgs();
    test_units();
    test_affiliation();
    test_listing();
    test_deactivate();
    ck_net_close(ca);
    ckt_stop(&srv, SIGTERM);
    /* SQLite: one carekeyd per file checks nonces in memory (ck_store_shared). */
    if (!is_sqlite) test_audit_nonce(db);
    if (is_sqlite) test_migration(dir);
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
