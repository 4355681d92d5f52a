/*
 * api_directory.c - users: enrollment (the operator), look-ups and
 * listings (any caller; patients are listed only to the operator and to
 * their delegates), affiliation and consent, deactivation.
 *
 * Affiliation needs consent: a person consents herself to an
 * organization; the organization then may set her affiliation (the
 * operator always may), and may end only its own staff's. Patients and
 * organizations are never affiliated. Deactivating an account is the
 * operator's alone, and so is undoing it: an organization cannot lock
 * anyone out (docs/CARE.md, "Directory").
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

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

json_t *ckd_user_json(const ck_store_user *u)
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

/* Roles whose names stay off the server: the directory shows their GID. */
static int name_private(const char *role)
{
    return !strcmp(role, "patient") || !strcmp(role, "family") || !strcmp(role, "caregiver");
}

const char *ckd_user_display_name(const char *gid, const char *role, json_t *v, const char **why)
{
    const char *name = json_string_value(v);
    if (name_private(role)) {
        if (v == NULL || json_is_null(v) || (name && !strcmp(name, gid))) return gid;
        *why = "display_name: patients, family and caregivers are listed by GID only (their names stay off "
               "the server); omit it";
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) >= CK_STORE_NAME_CAP || !ckd_display_name_valid(name)) {
        *why = "display_name: 1-256 bytes of printable UTF-8 (no control or bidi characters)";
        return NULL;
    }
    return name;
}

int ckd_user_fields(ckd_req *r, json_t *j, ck_store_user *u, enum MHD_Result *res)
{
    const char *gid = ckd_json_str(j, "gid", CK_NET_ID_MAX), *role = ckd_json_str(j, "role", 32), *name, *why = "";
    memset(u, 0, sizeof *u);
    if (!gid || !ck_net_id_valid(gid) || !strcmp(gid, "admin")) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "gid: 1-128 of [A-Za-z0-9._@-], not 'admin'");
    } else if (ckd_json_hex(j, "ed25519", u->ed25519, 32) || ckd_json_hex(j, "x25519", u->x25519, 32)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "ed25519 and x25519: 64 hex digits each");
    } else if (!ckd_role_valid(role)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "role: unknown role");
    } else if ((name = ckd_user_display_name(gid, role, json_object_get(j, "display_name"), &why)) == NULL) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, why);
    } else {
        snprintf(u->gid, sizeof u->gid, "%s", gid);
        snprintf(u->display_name, sizeof u->display_name, "%s", name);
        snprintf(u->role, sizeof u->role, "%s", role);
        u->created_at = ckd_now_ms();
        u->active = 1;
        return 0;
    }
    return -1;
}

enum MHD_Result ckd_api_user_add(ckd_req *r)
{
    static const char *const fields[] = {"gid", "ed25519", "x25519", "display_name", "role", NULL};
    enum MHD_Result res;
    ck_store_user u;
    json_t *j;
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_ADMIN) return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator enrolls users");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    if (ckd_user_fields(r, j, &u, &res) == 0) {
        rc = ck_store_user_add(r->srv->store, &u);
        if (rc == CK_STORE_OK) ckd_users_forget(r->srv->users, u.gid);
        res = rc == CK_STORE_OK ? ckd_reply(r, 201, ckd_user_json(&u)) : ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
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
    return ckd_reply(r, 200, ckd_user_json(&u));
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
    /* Who is a patient here is health data: only the operator lists them
     * all, a delegate her patients, a patient herself. */
    if (r->caller_kind != CKD_CALLER_ADMIN) f.viewer = r->caller_kind == CKD_CALLER_USER ? r->caller : "-"; /* "-": no GID */
    f.now_ms = ckd_now_ms();
    if ((rc = ck_store_user_list(r->srv->store, &f, &v, &n)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    more = n > limit;
    if (more) n = (size_t)limit;
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, ckd_user_json(&v[i]));
    free(v);
    return ckd_reply(r, 200, arr ? json_pack("{s:o,s:b}", "users", arr, "more", more) : NULL);
}
