/*
 * api_grants.c - grants on a patient's record, and her audit log.
 *
 * The patient, or a delegate she named (a grant with "delegate": true),
 * grants and revokes access for a GID: "write" on given sections (which
 * implies reading the record) or "read" (the whole record, never an
 * append). Only the patient names and revokes delegates, and a
 * delegate's grants end with her (access.c: ckd_grant_counts). The
 * server enforces grants on append and read.
 */
#include "ckd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *grant_json(const ck_store_grant *g)
{
    json_t *secs = json_array();
    char buf[sizeof g->sections];
    snprintf(buf, sizeof buf, "%s", g->sections);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t && secs; t = strtok_r(NULL, ",", &save))
        json_array_append_new(secs, json_string(t));
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b,s:I,s:I,s:I}", "id", (json_int_t)g->id, "patient", g->patient,
                     "grantee", g->grantee, "granted_by", g->granted_by, "access", g->access[0] ? g->access : "write",
                     "sections", secs, "delegate", g->delegate, "expires_at", (json_int_t)g->expires_at,
                     "created_at", (json_int_t)g->created_at, "revoked_at", (json_int_t)g->revoked_at);
}

/* Patient or delegate, else a 403 (audited) is queued and 0 returned. */
static int manager(ckd_req *r, const char *patient, const char *action, int *rel, enum MHD_Result *res)
{
    if (ckd_relation(r, patient, rel) != 0) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return 0;
    }
    if (*rel != CKD_REL_NONE) return 1;
    *res = ckd_deny(r, patient, action, "", CKD_E_FORBIDDEN, "only the patient or her delegate");
    return 0;
}

enum MHD_Result ckd_api_grant_add(ckd_req *r, const char *patient)
{
    static const char *const fields[] = {"grantee", "sections", "delegate", "expires_at", "access", NULL};
    enum MHD_Result res;
    ck_store_grant g;
    ck_store_audit a;
    ck_store_user u;
    json_t *j, *secs, *del, *exp, *v, *acc;
    const char *grantee, *access;
    size_t i, len = 0;
    ck_store_rc rc;
    int rel;

    if (!manager(r, patient, "grant", &rel, &res)) return res;
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&g, 0, sizeof g);
    grantee = ckd_json_str(j, "grantee", CK_NET_ID_MAX);
    secs = json_object_get(j, "sections");
    del = json_object_get(j, "delegate");
    exp = json_object_get(j, "expires_at");
    acc = json_object_get(j, "access");
    access = acc ? json_string_value(acc) : "write";
    if (!grantee || !ck_net_id_valid(grantee) || !strcmp(grantee, patient)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "grantee: a GID other than the patient");
        goto out;
    }
    if (!json_is_array(secs) || json_array_size(secs) == 0 || json_array_size(secs) > 32) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "sections: 1-32 section names or [\"*\"]");
        goto out;
    }
    json_array_foreach(secs, i, v) {
        const char *sname = json_string_value(v);
        if (!sname || (strcmp(sname, "*") != 0 && !ckd_token_valid(sname, 32))) {
            res = ckd_fail(r, CKD_E_BAD_FIELD, "sections: names are [a-z][a-z0-9_-]{0,31}");
            goto out;
        }
        len += (size_t)snprintf(g.sections + len, sizeof g.sections - len, "%s%s", i ? "," : "", sname);
    }
    if ((del && !json_is_boolean(del)) || (exp && (!json_is_integer(exp) || json_integer_value(exp) < 0))) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "delegate: boolean; expires_at: Unix ms");
        goto out;
    }
    g.delegate = del && json_is_true(del);
    if (!access || (strcmp(access, "write") && strcmp(access, "read"))) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "access: \"write\" or \"read\"");
        goto out;
    }
    if (!strcmp(access, "read") && (strcmp(g.sections, "*") || g.delegate)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "a read grant covers sections [\"*\"] and is no delegation");
        goto out;
    }
    snprintf(g.access, sizeof g.access, "%s", access);
    if (g.delegate && rel != CKD_REL_PATIENT) {
        res = ckd_fail(r, CKD_E_FORBIDDEN, "only the patient names delegates");
        goto out;
    }
    if ((rc = ck_store_user_get(r->srv->store, grantee, &u)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
        goto out;
    }
    snprintf(g.patient, sizeof g.patient, "%s", patient);
    snprintf(g.grantee, sizeof g.grantee, "%s", grantee);
    snprintf(g.granted_by, sizeof g.granted_by, "%.128s", r->caller);
    g.expires_at = exp ? (int64_t)json_integer_value(exp) : 0;
    g.created_at = ckd_now_ms();
    ckd_audit_fill(r, &a, patient, "grant", "", 201, "ok");
    rc = ck_store_grant_add(r->srv->store, &g, &a);
    res = rc == CK_STORE_OK ? ckd_reply(r, 201, grant_json(&g)) : ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
out:
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_grants(ckd_req *r, const char *patient)
{
    enum MHD_Result res;
    ck_store_grant *v = NULL;
    size_t n = 0;
    json_t *arr;
    ck_store_rc rc;
    int rel;

    if (!manager(r, patient, "read_grants", &rel, &res)) return res;
    if ((rc = ck_store_grants(r->srv->store, patient, NULL, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, grant_json(&v[i]));
    free(v);
    if (ckd_audit(r, patient, "read_grants", "", 200, "ok") != 0) {
        json_decref(arr);
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    }
    return ckd_reply(r, 200, arr ? json_pack("{s:o}", "grants", arr) : NULL);
}

/* The caller's own grants, on any record, that count now: a page of the
 * rows the store finds not revoked and not expired (by the index on
 * grantee), less those a delegate issued whose delegation has ended. The
 * cursor is the last grant id looked at, so a page may hold fewer than
 * limit grants while "more" is true. It tells the caller only what she
 * holds: nothing about other grantees, and no patient's audit log gets a
 * row (the read touches no record). */
enum MHD_Result ckd_api_grants_mine(ckd_req *r)
{
    ck_store_grant *v = NULL;
    size_t n = 0;
    uint64_t after, limit;
    int64_t now = ckd_now_ms(), last;
    json_t *arr;
    ck_store_rc rc;
    int more;

    if (r->caller_kind != CKD_CALLER_USER) return ckd_fail(r, CKD_E_FORBIDDEN, "only enrolled users hold grants");
    if (ckd_param_u64(r, "after", 0, 0, INT64_MAX, &after) || ckd_param_u64(r, "limit", 100, 1, 1000, &limit))
        return ckd_fail(r, CKD_E_BAD_PARAM, "after: 0..2^63-1; limit: 1..1000");
    rc = ck_store_grants_held(r->srv->store, r->caller, (int64_t)after, now, (size_t)limit + 1, &v, &n);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    more = n > limit;
    if (more) n = (size_t)limit;
    last = n ? v[n - 1].id : (int64_t)after;
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        int c = ckd_grant_counts(r, &v[i], now);
        if (c < 0) {
            json_decref(arr);
            free(v);
            return ckd_fail(r, CKD_E_INTERNAL, "storage error");
        }
        if (c) json_array_append_new(arr, grant_json(&v[i]));
    }
    free(v);
    return ckd_reply(r, 200, arr ? json_pack("{s:o,s:b,s:I}", "grants", arr, "more", more, "next_after", (json_int_t)last)
                                 : NULL);
}

/* 1 when grant id of patient names a delegate, 0 when not (or no such
 * grant), -1 on a storage error. */
static int is_delegation(ckd_req *r, const char *patient, int64_t id)
{
    ck_store_grant *v = NULL;
    size_t n = 0;
    int d = 0;
    if (ck_store_grants(r->srv->store, patient, NULL, &v, &n) != CK_STORE_OK) return -1;
    for (size_t i = 0; i < n; i++)
        if (v[i].id == id) d = v[i].delegate;
    free(v);
    return d;
}

enum MHD_Result ckd_api_grant_del(ckd_req *r, const char *patient, const char *ids)
{
    enum MHD_Result res;
    ck_store_audit a;
    uint64_t id;
    ck_store_rc rc;
    int rel;

    if (!manager(r, patient, "revoke", &rel, &res)) return res;
    if (ckd_parse_u64(ids, INT64_MAX, &id) != 0) return ckd_fail(r, CKD_E_BAD_PARAM, "grant id: 1..2^63-1");
    if (rel != CKD_REL_PATIENT) { /* only the patient revokes a delegation */
        int d = is_delegation(r, patient, (int64_t)id);
        if (d < 0) return ckd_fail(r, CKD_E_INTERNAL, "storage error");
        if (d) return ckd_deny(r, patient, "revoke", ids, CKD_E_FORBIDDEN, "only the patient revokes a delegate");
    }
    ckd_audit_fill(r, &a, patient, "revoke", "", 200, "ok");
    rc = ck_store_grant_revoke(r->srv->store, patient, (int64_t)id, ckd_now_ms(), &a);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_GRANT_NOT_FOUND);
    return ckd_reply(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "revoked", 1));
}

enum MHD_Result ckd_api_audit(ckd_req *r, const char *patient)
{
    enum MHD_Result res;
    ck_store_audit *v = NULL;
    size_t n = 0;
    uint64_t after, limit;
    json_t *arr;
    ck_store_rc rc;
    int rel, more;

    if (!manager(r, patient, "read_audit", &rel, &res)) return res;
    if (ckd_param_u64(r, "after", 0, 0, INT64_MAX, &after) || ckd_param_u64(r, "limit", 100, 1, INT64_MAX, &limit))
        return ckd_fail(r, CKD_E_BAD_PARAM, "after: 0..2^63-1; limit: 1..2^63-1");
    if (limit > (uint64_t)r->srv->cfg.page_max) limit = (uint64_t)r->srv->cfg.page_max;
    if ((rc = ck_store_audit_list(r->srv->store, patient, (int64_t)after, (size_t)limit + 1, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    more = n > limit;
    if (more) n = (size_t)limit;
    arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)v[i].id, "time",
                                             (json_int_t)v[i].time_ms, "actor", v[i].actor, "action", v[i].action,
                                             "target", v[i].target, "purpose", v[i].purpose, "outcome",
                                             v[i].outcome, "status", v[i].status));
    free(v);
    /* Reading the audit log is itself recorded, after the page was taken. */
    if (ckd_audit(r, patient, "read_audit", "", 200, "ok") != 0) {
        json_decref(arr);
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    }
    return ckd_reply(r, 200, arr ? json_pack("{s:s,s:o,s:b}", "patient", patient, "audit", arr, "more", more) : NULL);
}
