/*
 * src/ui/staff.c - the hospital admin's staff page (docs/UI.md, "Hospital
 * admin"): the organization's own login (its keyring runs the authority
 * named by its GID) over carekey/node_hospital.h:
 *   GET  /ui/api/staff      the staff, active and ended, with the units and
 *                           what each role may write (for the form's review)
 *   POST /ui/api/staff/add  {"gid","role","unit"?,"title"?,"attributes"?}:
 *                           take gid on (with extra attributes of ORG)
 *   POST /ui/api/staff/end  {"gid"}: end gid's affiliation
 *   POST /ui/api/staff/care-team  {"patient","gids"?}: as the patient's
 *                           delegate, the staff's write grants on her record
 * The directory lists the people affiliated now; an ended affiliation is
 * cleared there, so the ended ones come from the organization's ledger: a
 * person whose write grants on it are all revoked (staff remove revokes
 * them) and who is no longer in the directory's list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_grant.h"
#include "carekey/node_hospital.h"
#include "ui/staff.h"

static const char *const hospital_roles[] = {"doctor", "nurse", "clerk", "pharmacist"};
#define N_ROLES (sizeof hospital_roles / sizeof *hospital_roles)

static const char *S(const json_t *v, const char *k) { return json_string_value(json_object_get(v, k)); }

/* The role whose ledger sections are these ("" none): the role of someone
 * who left, whose directory entry no longer says. */
static const char *role_of_sections(const char *sections)
{
    for (size_t i = 0; i < N_ROLES; i++)
        if (!strcmp(ck_node_hospital_role(hospital_roles[i])->ledger, sections)) return hospital_roles[i];
    return "";
}

static json_t *roles_json(void)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < N_ROLES; i++) {
        const ck_node_role_sections *rs = ck_node_hospital_role(hospital_roles[i]);
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "role", rs->role, "record", rs->record ? rs->record : "",
                                           "ledger", rs->ledger));
    }
    return a;
}

static json_t *find_gid(const json_t *rows, const char *gid)
{
    size_t i;
    json_t *x;
    json_array_foreach(rows, i, x) if (!strcmp(S(x, "gid") ?: "", gid)) return x;
    return NULL;
}

/* The directory's people as rows: affiliated now; "deactivated" when the
 * operator closed the account. */
static json_t *current_rows(const json_t *dir)
{
    json_t *rows = json_array(), *u;
    size_t i;
    json_array_foreach(dir, i, u) {
        json_t *row = json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:O?}", "gid", S(u, "gid") ?: "", "role", S(u, "role") ?: "",
                                "unit", S(u, "unit"), "title", S(u, "title"), "state",
                                json_is_false(json_object_get(u, "active")) ? "deactivated" : "active", "attributes",
                                json_object_get(u, "attributes"));
        if (!rows || !row || json_array_append_new(rows, row) != 0) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

/* Adds the people of the ledger's grants who have none active and are not
 * in rows: their affiliation ended. */
static int ended_rows(const ck_node_grant_info *g, size_t count, const char *org, json_t *rows)
{
    for (size_t i = 0; i < count; i++) {
        int active = 0, revoked = 0;
        uint64_t since = 0;
        if (!strcmp(g[i].grantee, org) || find_gid(rows, g[i].grantee)) continue;
        for (size_t k = 0; k < count; k++) {
            if (strcmp(g[k].grantee, g[i].grantee)) continue;
            active |= g[k].status == CK_NODE_GRANT_ACTIVE;
            revoked |= g[k].status == CK_NODE_GRANT_REVOKED;
            if (g[k].time_ms > since) since = g[k].time_ms;
        }
        if (active || !revoked) continue;
        if (json_array_append_new(rows, json_pack("{s:s,s:s,s:n,s:n,s:s,s:[],s:I}", "gid", g[i].grantee, "role",
                                                  role_of_sections(g[i].sections), "unit", "title", "state", "ended",
                                                  "attributes", "granted_ms", (json_int_t)since)) != 0)
            return -1;
    }
    return 0;
}

static int list(ck_ui_req *r)
{
    ck_node_org_sel sel = {NULL, NULL};
    ck_node_grant_info *g = NULL;
    size_t count = 0;
    int problems = 0, rc = -1;
    char org[129], ledger_err[CK_NODE_MSG_MAX] = "";
    json_t *dir = NULL, *units = NULL, *rows = NULL;
    if (ck_node_hospital_staff_list(r->s->n, &sel, NULL, NULL, -1, &dir, org) != 0 ||
        ck_node_hospital_units(r->s->n, &sel, NULL, &units, org) != 0) {
        rc = ck_ui_fail_node(r, r->s->n);
        goto out;
    }
    if (!(rows = current_rows(dir))) goto nomem;
    /* no ledger yet (nobody taken on): nobody left either */
    if (ck_node_grant_list(r->s->n, org, &g, &count, &problems) != 0)
        snprintf(ledger_err, sizeof ledger_err, "%s", ck_node_last_error(r->s->n)->msg);
    else if (ended_rows(g, count, org, rows) != 0)
        goto nomem;
    rc = ck_ui_json(r, 200, json_pack("{s:s,s:O,s:O,s:o,s:b,s:s?}", "org", org, "staff", rows, "units", units, "roles",
                                      roles_json(), "ledger_verified", !ledger_err[0] && !problems, "ledger_error",
                                      ledger_err[0] ? ledger_err : NULL));
    goto out;
nomem:
    rc = ck_ui_fail(r, 500, "no_memory", "out of memory");
out:
    free(g);
    json_decref(dir);
    json_decref(units);
    json_decref(rows);
    return rc;
}

/* The extra attributes as written: "icu@ORG", "level@ORG=3". */
static json_t *extras_json(const ck_ui_staff_in *s)
{
    json_t *a = json_array();
    char t[CK_NODE_ATTR_LABEL + 16];
    for (size_t i = 0; a && i < s->n_extra; i++) {
        if (s->extra[i].numeric) snprintf(t, sizeof t, "%s=%lu", s->extra[i].label, (unsigned long)s->extra[i].value);
        else snprintf(t, sizeof t, "%s", s->extra[i].label);
        if (json_array_append_new(a, json_string(t)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static int add(ck_ui_req *r)
{
    ck_ui_staff_in s;
    ck_node_staff_add_in in;
    char why[256], org[129];
    const char *code;
    json_t *said = json_array();
    int rc;
    if (!said) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    /* the session's GID is the organization's: its attributes are ORG's */
    if (ck_ui_staff_add_parse(r->s->n, r->s->gid, r->body, r->body_len, &s, &code, why, sizeof why) != 0) {
        json_decref(said);
        return ck_ui_fail(r, 400, code, why);
    }
    memset(&in, 0, sizeof in);
    in.gid = s.gid;
    in.role = s.role;
    in.unit = s.unit[0] ? s.unit : NULL;
    in.title = s.title[0] ? s.title : NULL;
    in.extra = s.extra;
    in.n_extra = s.n_extra;
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = ck_node_hospital_staff_add(r->s->n, &in, org);
    ck_node_set_notice(r->s->n, NULL, NULL);
    if (rc != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 201, json_pack("{s:s,s:s,s:s,s:s?,s:s,s:o?,s:o}", "gid", s.gid, "role", s.role, "org", org,
                                        "unit", in.unit, "title", in.title ? in.title : s.role, "attributes",
                                        extras_json(&s), "notices", said));
}

static int end(ck_ui_req *r)
{
    char gid[CK_UI_GID_MAX], why[160];
    ck_node_staff_remove_out out;
    json_t *said = json_array();
    int rc;
    if (!said) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    if (ck_ui_staff_end_parse(r->body, r->body_len, gid, why, sizeof why) != 0) {
        json_decref(said);
        return ck_ui_fail(r, 400, "bad_form", why);
    }
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = ck_node_hospital_staff_remove(r->s->n, gid, &out);
    ck_node_set_notice(r->s->n, NULL, NULL);
    if (rc != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 200, json_pack("{s:s,s:s,s:I,s:I,s:I,s:o}", "gid", gid, "org", out.org, "attributes",
                                        (json_int_t)out.attrs, "ledger_grants", (json_int_t)out.ledger_grants,
                                        "record_grants", (json_int_t)out.record_grants, "notices", said));
}

/* The care team of one patient: the staff named, else every active one. */
static int care_team(ck_ui_req *r)
{
    ck_ui_team_in *t = calloc(1, sizeof *t);
    const char *gids[CK_UI_TEAM_MAX];
    ck_node_care_team_out out;
    char why[160];
    json_t *said = json_array();
    int rc;
    if (!t || !said) {
        rc = ck_ui_fail(r, 500, "no_memory", "out of memory");
        goto out;
    }
    if (ck_ui_staff_team_parse(r->body, r->body_len, t, why, sizeof why) != 0) {
        rc = ck_ui_fail(r, 400, "bad_form", why);
        goto out;
    }
    for (size_t i = 0; i < t->n_gids; i++) gids[i] = t->gids[i];
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = ck_node_hospital_care_team(r->s->n, t->patient, gids, t->n_gids, &out);
    ck_node_set_notice(r->s->n, NULL, NULL);
    if (rc != 0) {
        rc = ck_ui_fail_node(r, r->s->n);
        goto out;
    }
    rc = ck_ui_json(r, 200, json_pack("{s:s,s:s,s:b,s:I,s:I,s:O}", "patient", t->patient, "org", out.org, "everyone",
                                      t->n_gids == 0, "given", (json_int_t)out.given, "considered",
                                      (json_int_t)out.considered, "notices", said));
out:
    json_decref(said);
    free(t);
    return rc;
}

int ck_ui_staff_route(ck_ui_req *r, const char *path, size_t len)
{
    static const char base[] = "/ui/api/staff";
    const size_t bl = sizeof base - 1;
    int post = !strcmp(r->method, "POST");
    const char *view;
    if (len < bl || memcmp(path, base, bl) != 0 || (len > bl && path[bl] != '/')) return 0;
    if (len == bl) view = "staff";
    else if (len == bl + 4 && !memcmp(path + bl, "/add", 4)) view = "staff/add";
    else if (len == bl + 4 && !memcmp(path + bl, "/end", 4)) view = "staff/end";
    else if (len == bl + 10 && !memcmp(path + bl, "/care-team", 10)) view = "staff/care-team";
    else return ck_ui_fail(r, 404, "not_found", "no such API route"), 1;
    if (!ck_ui_role_may(r->s->role, view))
        ck_ui_fail(r, 403, "not_for_role", "for the hospital admin (the organization's own login)");
    else if ((strcmp(view, "staff") != 0) != post)
        ck_ui_fail(r, 405, "method_not_allowed", post ? "GET only" : "POST only");
    else if (!strcmp(view, "staff"))
        (void)list(r);
    else if (!strcmp(view, "staff/add"))
        (void)add(r);
    else if (!strcmp(view, "staff/end"))
        (void)end(r);
    else
        (void)care_team(r);
    return 1;
}
