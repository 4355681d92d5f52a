/*
 * api_directory.c - users and authorities. Only the operator's admin key
 * enrolls; any authenticated caller may look up public keys and list the
 * directory. The operator, or an organization for its own staff, sets a
 * user's affiliation and deactivates users (docs/CARE.md, "Directory").
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

#define ATTRS_MAX 64 /* labels per user */

static json_t *opt_str(const char *s) { return *s ? json_string(s) : json_null(); }

/* The comma-separated attribute list as a JSON array. */
static json_t *attrs_json(const char *csv)
{
    json_t *arr = json_array();
    char buf[CK_STORE_ATTRS_CAP];
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && arr; t = strtok_r(NULL, ",", &save))
        json_array_append_new(arr, json_string(t));
    return arr;
}

static json_t *user_json(const ck_store_user *u)
{
    json_t *j = json_pack("{s:s,s:o,s:o,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:b}", "gid", u->gid, "ed25519",
                          ckd_hex_json(u->ed25519, 32), "x25519", ckd_hex_json(u->x25519, 32), "display_name",
                          u->display_name, "role", u->role, "created_at", (json_int_t)u->created_at, "org",
                          opt_str(u->org), "unit", opt_str(u->unit), "title", opt_str(u->title), "attributes",
                          attrs_json(u->attributes), "active", u->active);
    if (j && u->affiliated_at) json_object_set_new(j, "affiliated_at", json_integer((json_int_t)u->affiliated_at));
    if (j && !u->active) json_object_set_new(j, "deactivated_at", json_integer((json_int_t)u->deactivated_at));
    return j;
}

enum MHD_Result ckd_api_user_add(ckd_req *r)
{
    static const char *const fields[] = {"gid", "ed25519", "x25519", "display_name", "role", NULL};
    enum MHD_Result res;
    ck_store_user u;
    const char *gid, *name, *role;
    json_t *j;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_ADMIN) return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator enrolls users");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&u, 0, sizeof u);
    gid = ckd_json_str(j, "gid", CK_NET_ID_MAX);
    name = ckd_json_str(j, "display_name", CK_STORE_NAME_CAP - 1);
    role = ckd_json_str(j, "role", 32);
    if (!gid || !ck_net_id_valid(gid) || !strcmp(gid, "admin")) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "gid: 1-128 of [A-Za-z0-9._@-], not 'admin'");
    } else if (ckd_json_hex(j, "ed25519", u.ed25519, 32) || ckd_json_hex(j, "x25519", u.x25519, 32)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "ed25519 and x25519: 64 hex digits each");
    } else if (!ckd_display_name_valid(name)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "display_name: 1-256 bytes of printable UTF-8");
    } else if (!ckd_role_valid(role)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "role: unknown role");
    } else {
        snprintf(u.gid, sizeof u.gid, "%s", gid);
        snprintf(u.display_name, sizeof u.display_name, "%s", name);
        snprintf(u.role, sizeof u.role, "%s", role);
        u.created_at = ckd_now_ms();
        u.active = 1;
        rc = ck_store_user_add(r->srv->store, &u);
        if (rc == CK_STORE_OK) ckd_users_forget(r->srv->users, u.gid);
        res = rc == CK_STORE_OK ? ckd_reply(r, 201, user_json(&u)) : ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
        if (rc == CK_STORE_OK) ckd_log(CKD_INFO, "user enrolled", "role=%s", u.role);
    }
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_user_get(ckd_req *r, const char *gid)
{
    ck_store_user u;
    ck_store_rc rc = ck_store_user_get(r->srv->store, gid, &u);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    return ckd_reply(r, 200, user_json(&u));
}

/* ?active=true|false|any (default true) into -1/0/1; -1 return if malformed. */
static int active_param(ckd_req *r, int *out)
{
    const char *v = ckd_param_str(r, "active");
    if (v == NULL || !strcmp(v, "true")) *out = 1;
    else if (!strcmp(v, "false")) *out = 0;
    else if (!strcmp(v, "any")) *out = -1;
    else return -1;
    return 0;
}

/* An optional identifier parameter (org, unit, attr, after). */
static int id_param(ckd_req *r, const char *name, const char **out)
{
    *out = ckd_param_str(r, name);
    return *out == NULL || ck_net_id_valid(*out) ? 0 : -1;
}

enum MHD_Result ckd_api_users(ckd_req *r)
{
    ck_store_user_filter f;
    ck_store_user *v = NULL;
    size_t n = 0;
    uint64_t limit;
    json_t *arr;
    ck_store_rc rc;
    int more;

    memset(&f, 0, sizeof f);
    if (id_param(r, "org", &f.org) || id_param(r, "unit", &f.unit) || id_param(r, "attr", &f.attribute) ||
        id_param(r, "after", &f.after))
        return ckd_fail(r, CKD_E_BAD_PARAM, "org, unit, attr, after: 1-128 of [A-Za-z0-9._@-]");
    f.role = ckd_param_str(r, "role");
    if (f.role && !ckd_role_valid(f.role)) return ckd_fail(r, CKD_E_BAD_PARAM, "role: unknown role");
    if (active_param(r, &f.active) != 0) return ckd_fail(r, CKD_E_BAD_PARAM, "active: true, false or any");
    if (ckd_param_u64(r, "limit", 100, 1, 1000, &limit) != 0) return ckd_fail(r, CKD_E_BAD_PARAM, "limit: 1..1000");
    f.limit = (size_t)limit + 1;
    if ((rc = ck_store_user_list(r->srv->store, &f, &v, &n)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    more = n > limit;
    if (more) n = (size_t)limit;
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, user_json(&v[i]));
    free(v);
    return ckd_reply(r, 200, arr ? json_pack("{s:o,s:b}", "users", arr, "more", more) : NULL);
}

/* attributes: an array of distinct labels (1-128 of [A-Za-z0-9._@-]) into
 * a comma-separated list. 0, or -1 when malformed. */
static int attrs_csv(json_t *a, char *out, size_t cap)
{
    size_t i, len = 0;
    json_t *v;
    out[0] = 0;
    if (a == NULL) return 0;
    if (!json_is_array(a) || json_array_size(a) > ATTRS_MAX) return -1;
    json_array_foreach(a, i, v) {
        const char *s = json_string_value(v);
        size_t n = s ? strlen(s) : 0;
        if (!s || !ck_net_id_valid(s) || len + n + 2 > cap) return -1;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(s, json_string_value(json_array_get(a, k)))) return -1;
        if (len) out[len++] = ',';
        memcpy(out + len, s, n + 1);
        len += n;
    }
    return 0;
}

/* Who may change gid's affiliation to org: the operator, or org itself
 * (a user of role organization) for a user not affiliated elsewhere. */
static int may_affiliate(ckd_req *r, const ck_store_user *u, const char *org)
{
    if (r->caller_kind == CKD_CALLER_ADMIN) return 1;
    if (r->caller_kind != CKD_CALLER_USER || strcmp(r->user.role, "organization") != 0) return 0;
    return !strcmp(r->caller, org) && (u->org[0] == 0 || !strcmp(u->org, org));
}

/* The user row after a change: fresh from the store, and forgotten by the
 * cache so that the next request of that user sees it. */
static enum MHD_Result reply_user(ckd_req *r, int status, const char *gid)
{
    ck_store_user u;
    ck_store_rc rc;
    ckd_users_forget(r->srv->users, gid);
    if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    return ckd_reply(r, status, user_json(&u));
}

enum MHD_Result ckd_api_user_affiliate(ckd_req *r, const char *gid)
{
    static const char *const fields[] = {"org", "unit", "title", "attributes", NULL};
    enum MHD_Result res;
    ck_store_user u;
    ck_store_org o;
    ck_store_unit un;
    const char *org, *unit, *title;
    char attrs[CK_STORE_ATTRS_CAP];
    json_t *j;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_ADMIN && r->caller_kind != CKD_CALLER_USER)
        return ckd_fail(r, CKD_E_FORBIDDEN, "only the operator or an organization");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    org = ckd_json_str(j, "org", CK_NET_ID_MAX);
    unit = json_object_get(j, "unit") ? ckd_json_str(j, "unit", CK_NET_ID_MAX) : NULL;
    title = json_object_get(j, "title") ? ckd_json_str(j, "title", CK_STORE_TITLE_CAP - 1) : NULL;
    if (!org || !ck_net_id_valid(org)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "org: 1-128 of [A-Za-z0-9._@-]");
    } else if (json_object_get(j, "unit") && (!unit || !ck_net_id_valid(unit))) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "unit: 1-128 of [A-Za-z0-9._@-]");
    } else if (json_object_get(j, "title") && !ckd_display_name_valid(title)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "title: 1-128 bytes of printable UTF-8");
    } else if (attrs_csv(json_object_get(j, "attributes"), attrs, sizeof attrs) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "attributes: distinct labels of [A-Za-z0-9._@-], 1024 bytes in all");
    } else if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (!may_affiliate(r, &u, org)) {
        res = ckd_deny(r, org, "affiliate", gid, CKD_E_FORBIDDEN, "an organization affiliates its own staff only");
    } else if ((rc = ck_store_org_get(r->srv->store, org, &o)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    } else if (unit && (rc = ck_store_unit_get(r->srv->store, org, unit, &un)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_UNIT_NOT_FOUND);
    } else if ((rc = ck_store_user_affiliate(r->srv->store, gid, org, unit, title, attrs, ckd_now_ms())) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (ckd_audit(r, org, "affiliate", gid, 200, "ok") != 0) {
        ckd_users_forget(r->srv->users, gid);
        res = ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    } else {
        res = reply_user(r, 200, gid);
    }
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_user_deactivate(ckd_req *r, const char *gid)
{
    static const char refused[] = "only the operator or the user's organization";
    ck_store_user u;
    ck_store_rc rc;
    int own_org;

    if (r->body_len != 0) return ckd_fail(r, CKD_E_BAD_JSON, "no body expected");
    if (r->caller_kind != CKD_CALLER_ADMIN && r->caller_kind != CKD_CALLER_USER)
        return ckd_fail(r, CKD_E_FORBIDDEN, refused);
    if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    own_org = r->caller_kind == CKD_CALLER_USER && !strcmp(r->user.role, "organization") && u.org[0] &&
              !strcmp(r->caller, u.org);
    if (r->caller_kind != CKD_CALLER_ADMIN && !own_org) {
        /* Only an affiliated user has an organization's ledger to audit in. */
        if (u.org[0]) return ckd_deny(r, u.org, "deactivate", gid, CKD_E_FORBIDDEN, refused);
        return ckd_fail(r, CKD_E_FORBIDDEN, refused);
    }
    if ((rc = ck_store_user_deactivate(r->srv->store, gid, ckd_now_ms())) != CK_STORE_OK) {
        ckd_users_forget(r->srv->users, gid);
        return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    }
    ckd_users_forget(r->srv->users, gid);
    if (u.org[0] && ckd_audit(r, u.org, "deactivate", gid, 200, "ok") != 0)
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    ckd_log(CKD_INFO, "user deactivated", "role=%s", u.role);
    return reply_user(r, 200, gid);
}

/* Epochs: an object of attribute name -> non-negative integer. */
static int epochs_valid(json_t *e)
{
    const char *k;
    json_t *v;
    if (!json_is_object(e) || json_object_size(e) > 10000) return 0;
    json_object_foreach(e, k, v) {
        if (strlen(k) == 0 || strlen(k) > 128 || !json_is_integer(v) || json_integer_value(v) < 0) return 0;
        for (const char *p = k; *p; p++)
            if ((unsigned char)*p < 0x21 || *p == 0x7f) return 0;
    }
    return 1;
}

static json_t *authority_json(const ck_store_authority *a)
{
    json_t *ep = json_loads(a->epochs_json, 0, NULL);
    return json_pack("{s:s,s:o,s:s,s:o,s:I,s:I}", "name", a->name, "signing_key", ckd_hex_json(a->sign_pk, 32),
                     "abe_public_key", a->abe_pk, "epochs", ep ? ep : json_object(), "created_at",
                     (json_int_t)a->created_at, "updated_at", (json_int_t)a->updated_at);
}

enum MHD_Result ckd_api_authority_add(ckd_req *r)
{
    static const char *const fields[] = {"name", "signing_key", "abe_public_key", "epochs", NULL};
    enum MHD_Result res;
    ck_store_authority a;
    const char *name, *abe;
    uint8_t *raw = NULL;
    size_t rawlen;
    json_t *j, *ep;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator registers authorities");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&a, 0, sizeof a);
    name = ckd_json_str(j, "name", CK_NET_ID_MAX);
    abe = ckd_json_str(j, "abe_public_key", (size_t)r->srv->cfg.max_body);
    ep = json_object_get(j, "epochs");
    if (!name || !ck_net_id_valid(name)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "name: 1-128 of [A-Za-z0-9._@-]");
    } else if (ckd_json_hex(j, "signing_key", a.sign_pk, 32)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "signing_key: 64 hex digits");
    } else if (!abe || ck_net_unb64(&raw, &rawlen, abe, strlen(abe)) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "abe_public_key: base64");
    } else if (ep && !epochs_valid(ep)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "epochs: object of attribute -> non-negative integer");
    } else {
        snprintf(a.name, sizeof a.name, "%s", name);
        a.abe_pk = (char *)abe;
        a.epochs_json = ep ? json_dumps(ep, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
        a.created_at = a.updated_at = ckd_now_ms();
        if (a.epochs_json == NULL) {
            res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
        } else {
            rc = ck_store_authority_add(r->srv->store, &a);
            res = rc == CK_STORE_OK ? ckd_reply(r, 201, authority_json(&a)) : ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
        }
        free(a.epochs_json);
    }
    free(raw);
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_authority_get(ckd_req *r, const char *name)
{
    ck_store_authority a;
    enum MHD_Result res;
    ck_store_rc rc = ck_store_authority_get(r->srv->store, name, &a);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_AUTHORITY_NOT_FOUND);
    res = ckd_reply(r, 200, authority_json(&a));
    ck_store_authority_clear(&a);
    return res;
}

/* The authority itself publishes new epochs (revocation); the operator may too. */
enum MHD_Result ckd_api_authority_epochs(ckd_req *r, const char *name)
{
    static const char *const fields[] = {"epochs", NULL};
    enum MHD_Result res;
    json_t *j, *ep;
    char *text;
    ck_store_rc rc;
    int self = r->caller_kind == CKD_CALLER_AUTHORITY && !strcmp(r->caller + 10, name);

    if (!self && r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_FORBIDDEN, "only the authority or the operator sets its epochs");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    ep = json_object_get(j, "epochs");
    if (!ep || !epochs_valid(ep)) {
        json_decref(j);
        return ckd_fail(r, CKD_E_BAD_FIELD, "epochs: object of attribute -> non-negative integer");
    }
    text = json_dumps(ep, JSON_COMPACT | JSON_SORT_KEYS);
    rc = text ? ck_store_authority_set_epochs(r->srv->store, name, text, ckd_now_ms()) : CK_STORE_ERROR;
    free(text);
    json_decref(j);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_AUTHORITY_NOT_FOUND);
    return ckd_api_authority_get(r, name);
}
