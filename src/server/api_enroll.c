/*
 * api_enroll.c - enrollment requests: a person submits a request about
 * herself, the operator approves or rejects it; nothing is carried by
 * hand (docs/API.md, "Enrollment requests").
 *
 * The submission is signed like any request, by the key it enrolls (the
 * caller is "enroll:GID"): proof that the submitter holds it. Anyone may
 * submit, so submissions are rate-limited per client address and the
 * pending ones are capped. Approval creates everything the request names
 * in one transaction (the user and her record, the organization, the
 * authority with the operator's signature, the consent to join an
 * organization): a failing part leaves nothing.
 */
#include "ckd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_MAX 1000 /* waiting requests at once */

static const char *const org_kinds[] = {"hospital", "pharmacy", "board", "desk", NULL};

int ckd_enroll_key(ckd_req *r, const char *gid, uint8_t pk[32])
{
    ck_store_enrollment e;
    ck_store_rc rc;
    if (r->route == CKD_R_ENROLL_ADD) { /* the key being enrolled, from the body */
        json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL) : NULL;
        const char *g = json_string_value(json_object_get(j, "gid"));
        int ok = g && !strcmp(g, gid) && ckd_json_hex(j, "ed25519", pk, 32) == 0;
        json_decref(j);
        return ok ? 0 : -1;
    }
    if (r->route != CKD_R_ENROLL_GET || strcmp(r->segs[2], gid) != 0) return -1;
    if ((rc = ck_store_enroll_get(r->srv->store, gid, &e)) != CK_STORE_OK) return rc == CK_STORE_ERROR ? -2 : -1;
    memcpy(pk, e.ed25519, 32);
    ck_store_enrollment_clear(&e);
    return 0;
}

static json_t *opt(const char *s) { return *s ? json_string(s) : json_null(); }

static json_t *request_json(const ck_store_enrollment *e)
{
    const ck_store_authority *a = &e->auth;
    json_t *org = e->org_kind[0] ? json_pack("{s:s,s:s}", "kind", e->org_kind, "display_name", e->org_display_name)
                                 : json_null();
    json_t *auth = json_null();
    if (a->name[0]) {
        json_t *table = a->epoch_table ? json_loads(a->epoch_table, 0, NULL) : json_null();
        json_decref(auth);
        auth = json_pack("{s:s,s:o,s:s,s:s,s:o}", "name", a->name, "signing_key", ckd_hex_json(a->sign_pk, 32),
                         "abe_public_key", a->abe_pk, "organization", a->organization, "epoch_table",
                         table ? table : json_null());
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s,s:I,s:I}", "gid", e->gid, "role", e->role,
                     "display_name", e->display_name, "ed25519", ckd_hex_json(e->ed25519, 32), "x25519",
                     ckd_hex_json(e->x25519, 32), "org", org ? org : json_null(), "join_org", opt(e->join_org),
                     "authority", auth ? auth : json_null(), "status", e->status, "created_at",
                     (json_int_t)e->created_at, "decided_at", (json_int_t)e->decided_at);
}

/* The client's address, for the per-address submission limit. */
static void client_key(ckd_req *r, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
    snprintf(out, cap, "enroll-from:%s", ip);
}

static int kind_ok(const char *k)
{
    for (const char *const *p = org_kinds; *p; p++)
        if (k && !strcmp(k, *p)) return 1;
    return 0;
}

/* The optional parts: the organization to register, the one to join, the
 * authority she runs. 0, or a 400 was queued. */
static int optional_parts(ckd_req *r, json_t *j, ck_store_enrollment *e, enum MHD_Result *res)
{
    json_t *org = json_object_get(j, "org"), *auth = json_object_get(j, "authority");
    const char *join = json_object_get(j, "join_org") ? ckd_json_str(j, "join_org", CK_NET_ID_MAX) : "";
    if (org) {
        const char *kind = ckd_json_str(org, "kind", 32), *dn = ckd_json_str(org, "display_name", CK_STORE_NAME_CAP - 1);
        if (strcmp(e->role, "organization") != 0 || !json_is_object(org) || json_object_size(org) != 2) {
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "org: {kind, display_name}, for role organization only");
            return -1;
        }
        if (!kind_ok(kind) || !ckd_display_name_valid(dn)) {
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "org: kind hospital, pharmacy, board or desk; a printable display_name");
            return -1;
        }
        snprintf(e->org_kind, sizeof e->org_kind, "%s", kind);
        snprintf(e->org_display_name, sizeof e->org_display_name, "%s", dn);
    }
    if (join == NULL || (*join && (!ck_net_id_valid(join) || ckd_role_owns_record(e->role)))) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "join_org: an organization's GID; patients and organizations join none");
        return -1;
    }
    snprintf(e->join_org, sizeof e->join_org, "%s", join);
    if (auth) {
        static const char *const keys[] = {"name", "signing_key", "abe_public_key", "organization", "epoch_table", NULL};
        const char *k;
        json_t *v;
        if (!json_is_object(auth)) {
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "authority: an object");
            return -1;
        }
        json_object_foreach(auth, k, v) {
            int known = 0;
            for (const char *const *p = keys; *p; p++) known |= !strcmp(k, *p);
            if (!known) {
                *res = ckd_fail(r, CKD_E_BAD_FIELD, "authority: unknown field");
                return -1;
            }
        }
        int rc = ckd_authority_parse(r, auth, &e->auth, res);
        /* Our own copy of the key: the parsed one points into the body. */
        e->auth.abe_pk = rc == 0 ? strdup(e->auth.abe_pk) : NULL;
        if (rc != 0) return -1;
        if (e->auth.abe_pk == NULL) {
            *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
            return -1;
        }
        if (strcmp(e->auth.organization, e->gid) != 0) {
            *res = ckd_fail(r, CKD_E_BAD_FIELD, "authority: its organization must be the enrolling GID");
            return -1;
        }
    }
    return 0;
}

enum MHD_Result ckd_api_enroll_add(ckd_req *r)
{
    static const char *const fields[] = {"gid", "role", "display_name", "ed25519", "x25519", "org", "join_org",
                                         "authority", NULL};
    enum MHD_Result res;
    ck_store_enrollment e;
    ck_store_user u;
    ck_store_audit a;
    char who[80];
    json_t *j;
    ck_store_rc rc;

    memset(&e, 0, sizeof e);
    if (r->caller_kind != CKD_CALLER_ENROLL)
        return ckd_fail(r, CKD_E_FORBIDDEN, "submitted by the enrolling person, as enroll:GID");
    client_key(r, who, sizeof who);
    if (!ckd_ratelimit_take(r->srv->enroll_rl, who, ckd_now_ms()))
        return ckd_fail(r, CKD_E_RATE, "too many enrollment requests from this address");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    if (ckd_user_fields(r, j, &u, &res) != 0) goto out;
    if (strcmp(u.gid, r->caller + 7) != 0) { /* the signature proved this GID's key */
        res = ckd_fail(r, CKD_E_BAD_FIELD, "gid: the caller's GID");
        goto out;
    }
    memcpy(e.gid, u.gid, sizeof e.gid);
    memcpy(e.role, u.role, sizeof e.role);
    memcpy(e.display_name, u.display_name, sizeof e.display_name);
    memcpy(e.ed25519, u.ed25519, 32);
    memcpy(e.x25519, u.x25519, 32);
    e.created_at = u.created_at;
    if (optional_parts(r, j, &e, &res) != 0) goto out;
    rc = ck_store_enroll_add(r->srv->store, &e, PENDING_MAX);
    if (rc == CK_STORE_OK) {
        ckd_audit_fill(r, &a, e.gid, "enroll_request", "", 201, "ok");
        if (ck_store_audit_add(r->srv->store, &a) != CK_STORE_OK) ckd_log(CKD_ERROR, "audit write failed", "%s", "");
        res = ckd_reply(r, 201, json_pack("{s:s,s:s,s:I}", "gid", e.gid, "status", "pending", "created_at",
                                          (json_int_t)e.created_at));
    } else if (rc == CK_STORE_FULL) {
        res = ckd_fail(r, CKD_E_RATE, "too many requests wait for the operator; try later");
    } else {
        res = ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    }
out:
    ck_store_enrollment_clear(&e);
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_enroll_get(ckd_req *r, const char *gid)
{
    ck_store_enrollment e;
    enum MHD_Result res;
    ck_store_rc rc;
    int self = r->caller_kind == CKD_CALLER_ENROLL && !strcmp(r->caller + 7, gid);
    if (!self && r->caller_kind != CKD_CALLER_ADMIN)
        return ckd_fail(r, CKD_E_FORBIDDEN, "the enrolling person (enroll:GID) or the operator");
    if ((rc = ck_store_enroll_get(r->srv->store, gid, &e)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_ENROLLMENT_NOT_FOUND);
    res = ckd_reply(r, 200, request_json(&e));
    ck_store_enrollment_clear(&e);
    return res;
}

enum MHD_Result ckd_api_enrolls(ckd_req *r)
{
    ck_store_enrollment *v = NULL;
    size_t n = 0;
    uint64_t limit;
    json_t *arr;
    ck_store_rc rc;
    if (r->caller_kind != CKD_CALLER_ADMIN) return ckd_fail(r, CKD_E_ADMIN_ONLY, "the operator reviews requests");
    if (ckd_param_u64(r, "limit", 100, 1, 1000, &limit) != 0) return ckd_fail(r, CKD_E_BAD_PARAM, "limit: 1..1000");
    if ((rc = ck_store_enroll_list(r->srv->store, "pending", (size_t)limit, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, request_json(&v[i]));
    ck_store_enrollments_free(v, n);
    return ckd_reply(r, 200, arr ? json_pack("{s:o}", "enrollments", arr) : NULL);
}

/* The request's authority record with the operator's signature from the
 * approval body, verified. 0, or a 400 was queued. */
static int signed_authority(ckd_req *r, ck_store_enrollment *e, json_t *j, enum MHD_Result *res)
{
    json_t *at = json_object_get(j, "signed_at");
    ck_store_authority *a = &e->auth;
    if (!json_is_integer(at) || json_integer_value(at) < 0 || ckd_json_hex(j, "operator_signature", a->operator_sig, 64)) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD, "signed_at (ms) and operator_signature (128 hex digits): the request "
                                            "names an authority");
        return -1;
    }
    a->signed_at = (int64_t)json_integer_value(at);
    a->has_sig = 1;
    a->created_at = a->updated_at = ckd_now_ms();
    if (ckd_authority_sig_ok(r->srv, a) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_DOC_SIG, "operator_signature does not verify with the operator's key");
        return -1;
    }
    return 0;
}

enum MHD_Result ckd_api_enroll_approve(ckd_req *r, const char *gid)
{
    static const char *const fields[] = {"signed_at", "operator_signature", NULL};
    enum MHD_Result res;
    ck_store_enrollment e;
    ck_store_audit a;
    json_t *j = NULL;
    ck_store_rc rc;

    memset(&e, 0, sizeof e);
    if (r->caller_kind != CKD_CALLER_ADMIN) return ckd_fail(r, CKD_E_ADMIN_ONLY, "the operator approves requests");
    if (r->body_len && (j = ckd_body_object(r, fields, &res)) == NULL) return res;
    if ((rc = ck_store_enroll_get(r->srv->store, gid, &e)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_ENROLLMENT_NOT_FOUND);
    } else if (strcmp(e.status, "pending") != 0) {
        res = ckd_fail(r, CKD_E_EXISTS, "the request was decided already");
    } else if (e.auth.name[0] == 0 || signed_authority(r, &e, j, &res) == 0) {
        ckd_audit_fill(r, &a, gid, "enroll_approve", "", 200, "ok");
        rc = ck_store_enroll_approve(r->srv->store, gid, e.auth.name[0] ? &e.auth : NULL, ckd_now_ms(), &a);
        ckd_users_forget(r->srv->users, gid);
        if (rc == CK_STORE_OK) {
            ck_store_user u;
            ckd_log(CKD_INFO, "enrollment approved", "role=%s", e.role);
            res = ck_store_user_get(r->srv->store, gid, &u) == CK_STORE_OK
                      ? ckd_reply(r, 200, json_pack("{s:s,s:s,s:o}", "gid", gid, "status", "approved", "user",
                                                    ckd_user_json(&u)))
                      : ckd_fail(r, CKD_E_INTERNAL, "storage error");
        } else if (rc == CK_STORE_EXISTS) {
            res = ckd_fail(r, CKD_E_EXISTS, "a part of the request is taken (GID, organization or authority); "
                                            "nothing was created");
        } else {
            res = ckd_store_fail(r, rc, CKD_E_ENROLLMENT_NOT_FOUND);
        }
    }
    ck_store_enrollment_clear(&e);
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_enroll_reject(ckd_req *r, const char *gid)
{
    ck_store_audit a;
    ck_store_rc rc;
    if (r->caller_kind != CKD_CALLER_ADMIN) return ckd_fail(r, CKD_E_ADMIN_ONLY, "the operator rejects requests");
    if (r->body_len != 0) return ckd_fail(r, CKD_E_BAD_JSON, "no body expected");
    ckd_audit_fill(r, &a, gid, "enroll_reject", "", 200, "ok");
    if ((rc = ck_store_enroll_reject(r->srv->store, gid, ckd_now_ms(), &a)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_ENROLLMENT_NOT_FOUND);
    return ckd_reply(r, 200, json_pack("{s:s,s:s}", "gid", gid, "status", "rejected"));
}
