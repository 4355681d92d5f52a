/*
 * api_orgs.c - organizations (hospitals, pharmacies, boards, desks) and
 * their units (docs/CARE.md, "Directory"). The operator registers an
 * organization for an enrolled user of role "organization" (its GID is the
 * organization's name, its record the ledger); the operator or the
 * organization itself adds units. Any authenticated caller may list them:
 * the directory is public and holds no patient data.
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

static int kind_in(const char *s, const char *const *kinds)
{
    for (const char *const *k = kinds; *k; k++)
        if (s && !strcmp(s, *k)) return 1;
    return 0;
}

static const char *const org_kinds[] = {"hospital", "pharmacy", "board", "desk", NULL};
static const char *const unit_kinds[] = {"department", "ward", "theatre", NULL};

static json_t *org_json(const ck_store_org *o)
{
    return json_pack("{s:s,s:s,s:s,s:b,s:I,s:I}", "name", o->name, "kind", o->kind, "display_name", o->display_name,
                     "active", o->active, "created_at", (json_int_t)o->created_at, "updated_at",
                     (json_int_t)o->updated_at);
}

static json_t *unit_json(const ck_store_unit *u)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I}", "org", u->org, "name", u->name, "kind", u->kind, "display_name",
                     u->display_name, "beds", (json_int_t)u->beds, "created_at", (json_int_t)u->created_at);
}

/* The organization itself (a user of role organization named org) or the
 * operator; else a 403 is queued (audited in the org's ledger) and 0 returned. */
static int org_or_admin(ckd_req *r, const char *org, const char *action, enum MHD_Result *res)
{
    if (r->caller_kind == CKD_CALLER_ADMIN) return 1;
    if (r->caller_kind == CKD_CALLER_USER && !strcmp(r->caller, org) && !strcmp(r->user.role, "organization"))
        return 1;
    *res = ckd_deny(r, org, action, "", CKD_E_FORBIDDEN, "only the organization or the operator");
    return 0;
}

/* ?kind=: NULL when absent; -1 when not one of kinds. */
static int kind_param(ckd_req *r, const char *const *kinds, const char **out)
{
    *out = ckd_param_str(r, "kind");
    return *out == NULL || kind_in(*out, kinds) ? 0 : -1;
}

enum MHD_Result ckd_api_org_add(ckd_req *r)
{
    static const char *const fields[] = {"name", "kind", "display_name", NULL};
    enum MHD_Result res;
    ck_store_org o;
    ck_store_user u;
    const char *name, *kind, *dname;
    json_t *j;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator registers organizations");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&o, 0, sizeof o);
    name = ckd_json_str(j, "name", CK_NET_ID_MAX);
    kind = ckd_json_str(j, "kind", 32);
    dname = ckd_json_str(j, "display_name", CK_STORE_NAME_CAP - 1);
    if (!name || !ck_net_id_valid(name)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "name: 1-128 of [A-Za-z0-9._@-]");
    } else if (!kind_in(kind, org_kinds)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "kind: hospital, pharmacy, board or desk");
    } else if (!ckd_display_name_valid(dname)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "display_name: 1-256 bytes of printable UTF-8");
    } else if ((rc = ck_store_user_get(r->srv->store, name, &u)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (strcmp(u.role, "organization") != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "name: the user's role is not organization");
    } else {
        snprintf(o.name, sizeof o.name, "%s", name);
        snprintf(o.kind, sizeof o.kind, "%s", kind);
        snprintf(o.display_name, sizeof o.display_name, "%s", dname);
        o.active = 1;
        o.created_at = o.updated_at = ckd_now_ms();
        rc = ck_store_org_add(r->srv->store, &o);
        res = rc == CK_STORE_OK ? ckd_reply(r, 201, org_json(&o)) : ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
        if (rc == CK_STORE_OK) ckd_log(CKD_INFO, "organization registered", "kind=%s", o.kind);
    }
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_orgs(ckd_req *r)
{
    ck_store_org *v = NULL;
    size_t n = 0;
    const char *kind;
    json_t *arr;
    ck_store_rc rc;

    if (kind_param(r, org_kinds, &kind) != 0)
        return ckd_fail(r, CKD_E_BAD_PARAM, "kind: hospital, pharmacy, board or desk");
    if ((rc = ck_store_org_list(r->srv->store, kind, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, org_json(&v[i]));
    free(v);
    return ckd_reply(r, 200, arr ? json_pack("{s:o}", "orgs", arr) : NULL);
}

/* The org's units as a JSON array (kind NULL = all); NULL on failure (a
 * response was queued into *res). */
static json_t *units_array(ckd_req *r, const char *org, const char *kind, enum MHD_Result *res)
{
    ck_store_unit *v = NULL;
    size_t n = 0;
    json_t *arr;
    ck_store_rc rc;
    if ((rc = ck_store_unit_list(r->srv->store, org, kind, &v, &n)) != CK_STORE_OK) {
        *res = ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
        return NULL;
    }
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, unit_json(&v[i]));
    free(v);
    if (arr == NULL) *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
    return arr;
}

enum MHD_Result ckd_api_org_get(ckd_req *r, const char *name)
{
    enum MHD_Result res;
    ck_store_org o;
    json_t *j, *units;
    ck_store_rc rc = ck_store_org_get(r->srv->store, name, &o);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    if ((units = units_array(r, name, NULL, &res)) == NULL) return res;
    if ((j = org_json(&o)) == NULL || json_object_set_new(j, "units", units) != 0) {
        json_decref(j);
        return ckd_fail(r, CKD_E_INTERNAL, "out of memory");
    }
    return ckd_reply(r, 200, j);
}

/* beds: absent (0) or an integer >= 0, above 0 only for wards. */
static int beds_valid(json_t *b, const char *kind, int64_t *out)
{
    *out = 0;
    if (b == NULL) return 1;
    if (!json_is_integer(b) || json_integer_value(b) < 0 || json_integer_value(b) > 1000000) return 0;
    *out = (int64_t)json_integer_value(b);
    return *out == 0 || !strcmp(kind, "ward");
}

enum MHD_Result ckd_api_unit_add(ckd_req *r, const char *org)
{
    static const char *const fields[] = {"name", "kind", "display_name", "beds", NULL};
    enum MHD_Result res;
    ck_store_unit u;
    ck_store_org o;
    const char *name, *kind, *dname;
    json_t *j;
    ck_store_rc rc;

    if (!org_or_admin(r, org, "unit_add", &res)) return res;
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&u, 0, sizeof u);
    name = ckd_json_str(j, "name", CK_NET_ID_MAX);
    kind = ckd_json_str(j, "kind", 32);
    dname = json_object_get(j, "display_name") ? ckd_json_str(j, "display_name", CK_STORE_NAME_CAP - 1) : name;
    if (!name || !ck_net_id_valid(name)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "name: 1-128 of [A-Za-z0-9._@-]");
    } else if (!kind_in(kind, unit_kinds)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "kind: department, ward or theatre");
    } else if (!ckd_display_name_valid(dname)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "display_name: 1-256 bytes of printable UTF-8");
    } else if (!beds_valid(json_object_get(j, "beds"), kind, &u.beds)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "beds: an integer 0..1000000, above 0 only for a ward");
    } else if ((rc = ck_store_org_get(r->srv->store, org, &o)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    } else {
        snprintf(u.org, sizeof u.org, "%s", org);
        snprintf(u.name, sizeof u.name, "%s", name);
        snprintf(u.kind, sizeof u.kind, "%s", kind);
        snprintf(u.display_name, sizeof u.display_name, "%s", dname);
        u.created_at = ckd_now_ms();
        rc = ck_store_unit_add(r->srv->store, &u);
        if (rc == CK_STORE_OK && ckd_audit(r, org, "unit_add", u.name, 201, "ok") != 0)
            res = ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
        else
            res = rc == CK_STORE_OK ? ckd_reply(r, 201, unit_json(&u)) : ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    }
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_units(ckd_req *r, const char *org)
{
    enum MHD_Result res;
    ck_store_org o;
    const char *kind;
    json_t *units;
    ck_store_rc rc;

    if (kind_param(r, unit_kinds, &kind) != 0)
        return ckd_fail(r, CKD_E_BAD_PARAM, "kind: department, ward or theatre");
    if ((rc = ck_store_org_get(r->srv->store, org, &o)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    if ((units = units_array(r, org, kind, &res)) == NULL) return res;
    return ckd_reply(r, 200, json_pack("{s:s,s:o}", "org", org, "units", units));
}
