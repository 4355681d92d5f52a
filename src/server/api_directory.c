/*
 * api_directory.c - users and authorities. Only the operator's admin key
 * enrolls; any authenticated caller may look up public keys.
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

static json_t *user_json(const ck_store_user *u)
{
    return json_pack("{s:s,s:o,s:o,s:s,s:s,s:I}", "gid", u->gid, "ed25519", ckd_hex_json(u->ed25519, 32), "x25519",
                     ckd_hex_json(u->x25519, 32), "display_name", u->display_name, "role", u->role, "created_at",
                     (json_int_t)u->created_at);
}

/* Display names: printable UTF-8 (jansson checked the encoding), no
 * control characters. */
static int display_name_valid(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 0;
    return 1;
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
    } else if (!name || !display_name_valid(name)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "display_name: 1-256 bytes of printable UTF-8");
    } else if (!ckd_role_valid(role)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "role: unknown role");
    } else {
        snprintf(u.gid, sizeof u.gid, "%s", gid);
        snprintf(u.display_name, sizeof u.display_name, "%s", name);
        snprintf(u.role, sizeof u.role, "%s", role);
        u.created_at = ckd_now_ms();
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
