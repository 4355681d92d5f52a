/*
 * api_staff.c - affiliation, consent and account state.
 *
 * A person consents herself to be affiliated with an organization
 * (POST /v1/users/{gid}/consents); the organization may then set her
 * affiliation, the operator always may. Patients and organizations are
 * never affiliated. An organization ends its own staff's affiliation only
 * (DELETE .../affiliation); it never deactivates an account: that, and
 * undoing it, is the operator's decision. Every change is written to the
 * organization's audit log.
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>

#define ATTRS_MAX 64 /* labels per user */

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

static int is_org(ckd_req *r) { return r->caller_kind == CKD_CALLER_USER && !strcmp(r->user.role, "organization"); }

/* Patients and organizations own records; they are nobody's staff. */
static int affiliable(const ck_store_user *u) { return !ckd_role_owns_record(u->role); }

/* The user row after a change: fresh from the store, and forgotten by the
 * cache so that the next request of that user sees it. */
static enum MHD_Result reply_user(ckd_req *r, int status, const char *gid)
{
    ck_store_user u;
    ck_store_rc rc;
    ckd_users_forget(r->srv->users, gid);
    if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    return ckd_reply(r, status, ckd_user_json(&u));
}

/* An organization may affiliate u with itself only, and only while u
 * consents to it; the operator may affiliate anyone affiliable. 0, or a
 * refusal was queued (audited in org's log). */
static int may_affiliate(ckd_req *r, const ck_store_user *u, const char *gid, const char *org, enum MHD_Result *res)
{
    ck_store_rc rc;
    if (!affiliable(u)) {
        *res = ckd_fail(r, CKD_E_NOT_AFFILIABLE, "patients and organizations are never affiliated");
        return -1;
    }
    if (r->caller_kind == CKD_CALLER_ADMIN) return 0;
    if (!is_org(r) || strcmp(r->caller, org) != 0) {
        *res = ckd_deny(r, org, "affiliate", gid, CKD_E_FORBIDDEN, "an organization affiliates people with itself only");
        return -1;
    }
    if ((rc = ck_store_consent_get(r->srv->store, gid, org)) == CK_STORE_OK) return 0;
    if (rc != CK_STORE_NOT_FOUND) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    *res = ckd_deny(r, org, "affiliate", gid, CKD_E_NO_CONSENT, "the person has not consented to this organization");
    return -1;
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
        res = ckd_fail(r, CKD_E_BAD_FIELD, "title: 1-128 bytes of printable UTF-8 (no control or bidi characters)");
    } else if (attrs_csv(json_object_get(j, "attributes"), attrs, sizeof attrs) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "attributes: distinct labels of [A-Za-z0-9._@-], 1024 bytes in all");
    } else if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (may_affiliate(r, &u, gid, org, &res) != 0) {
        /* refused */
    } else if ((rc = ck_store_org_get(r->srv->store, org, &o)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_ORG_NOT_FOUND);
    } else if (unit && (rc = ck_store_unit_get(r->srv->store, org, unit, &un)) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_UNIT_NOT_FOUND);
    } else if ((rc = r->caller_kind == CKD_CALLER_ADMIN
                         ? ck_store_user_affiliate(r->srv->store, gid, org, unit, title, attrs, ckd_now_ms())
                         : ck_store_user_affiliate_consented(r->srv->store, gid, org, unit, title, attrs,
                                                             ckd_now_ms())) != CK_STORE_OK) {
        /* The consent is checked again in the update: withdrawn meanwhile is no consent. */
        res = rc == CK_STORE_NOT_FOUND && r->caller_kind != CKD_CALLER_ADMIN
                  ? ckd_fail(r, CKD_E_NO_CONSENT, "the person has not consented to this organization")
                  : ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (ckd_audit(r, org, "affiliate", gid, 200, "ok") != 0) {
        ckd_users_forget(r->srv->users, gid);
        res = ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    } else {
        res = reply_user(r, 200, gid);
    }
    json_decref(j);
    return res;
}

/* DELETE /v1/users/{gid}/affiliation: the operator, or the organization
 * the user is affiliated with. The account stays active. */
enum MHD_Result ckd_api_user_unaffiliate(ckd_req *r, const char *gid)
{
    static const char refused[] = "only the operator or the user's organization";
    ck_store_user u;
    ck_store_rc rc;

    if (r->body_len != 0) return ckd_fail(r, CKD_E_BAD_JSON, "no body expected");
    if (r->caller_kind != CKD_CALLER_ADMIN && !is_org(r)) return ckd_fail(r, CKD_E_FORBIDDEN, refused);
    if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    if (u.org[0] == 0) return ckd_fail(r, CKD_E_NOT_FOUND, "the user is not affiliated");
    if (r->caller_kind != CKD_CALLER_ADMIN && strcmp(u.org, r->caller) != 0)
        return ckd_deny(r, r->caller, "unaffiliate", gid, CKD_E_FORBIDDEN, refused);
    rc = ck_store_user_unaffiliate(r->srv->store, gid, u.org);
    ckd_users_forget(r->srv->users, gid);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    if (ckd_audit(r, u.org, "unaffiliate", gid, 200, "ok") != 0) return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    return reply_user(r, 200, gid);
}

/* Deactivation and reactivation: the operator only. Recorded in the
 * organization's log when the user has one. */
static enum MHD_Result set_active(ckd_req *r, const char *gid, int active)
{
    const char *action = active ? "reactivate" : "deactivate";
    ck_store_user u;
    ck_store_rc rc;

    if (r->body_len != 0) return ckd_fail(r, CKD_E_BAD_JSON, "no body expected");
    if (r->caller_kind != CKD_CALLER_ADMIN) {
        ck_store_user t;
        /* An organization's attempt on its staff shows in its own log. */
        if (is_org(r) && ck_store_user_get(r->srv->store, gid, &t) == CK_STORE_OK && !strcmp(t.org, r->caller))
            return ckd_deny(r, r->caller, action, gid, CKD_E_ADMIN_ONLY, "only the operator changes an account's state");
        return ckd_fail(r, CKD_E_ADMIN_ONLY, "only the operator changes an account's state");
    }
    if ((rc = ck_store_user_get(r->srv->store, gid, &u)) != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    rc = active ? ck_store_user_reactivate(r->srv->store, gid) : ck_store_user_deactivate(r->srv->store, gid, ckd_now_ms());
    ckd_users_forget(r->srv->users, gid);
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    if (u.org[0] && ckd_audit(r, u.org, action, gid, 200, "ok") != 0) return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    ckd_log(CKD_INFO, active ? "user reactivated" : "user deactivated", "role=%s", u.role);
    return reply_user(r, 200, gid);
}

enum MHD_Result ckd_api_user_deactivate(ckd_req *r, const char *gid) { return set_active(r, gid, 0); }
enum MHD_Result ckd_api_user_reactivate(ckd_req *r, const char *gid) { return set_active(r, gid, 1); }

/* Only the person herself gives or withdraws her consent. */
static int self_affiliable(ckd_req *r, const char *gid, enum MHD_Result *res)
{
    if (r->caller_kind != CKD_CALLER_USER || strcmp(r->caller, gid) != 0) {
        *res = ckd_fail(r, CKD_E_FORBIDDEN, "a person consents for herself only");
        return 0;
    }
    if (!affiliable(&r->user)) {
        *res = ckd_fail(r, CKD_E_NOT_AFFILIABLE, "patients and organizations are never affiliated");
        return 0;
    }
    return 1;
}

enum MHD_Result ckd_api_consent_add(ckd_req *r, const char *gid)
{
    static const char *const fields[] = {"org", NULL};
    enum MHD_Result res;
    const char *org;
    json_t *j;
    ck_store_rc rc;

    if (!self_affiliable(r, gid, &res)) return res;
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    org = ckd_json_str(j, "org", CK_NET_ID_MAX);
    if (!org || !ck_net_id_valid(org)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "org: 1-128 of [A-Za-z0-9._@-]");
    } else if ((rc = ck_store_consent_add(r->srv->store, gid, org, ckd_now_ms())) != CK_STORE_OK) {
        res = ckd_store_fail(r, rc, CKD_E_USER_NOT_FOUND);
    } else if (ckd_audit(r, org, "consent", gid, 200, "ok") != 0) {
        res = ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    } else {
        res = ckd_reply(r, 200, json_pack("{s:s,s:s,s:b}", "gid", gid, "org", org, "consent", 1));
    }
    json_decref(j);
    return res;
}

enum MHD_Result ckd_api_consent_del(ckd_req *r, const char *gid, const char *org)
{
    enum MHD_Result res;
    ck_store_rc rc;
    if (!self_affiliable(r, gid, &res)) return res;
    if (!ck_net_id_valid(org)) return ckd_fail(r, CKD_E_BAD_PATH, "malformed identifier");
    if ((rc = ck_store_consent_del(r->srv->store, gid, org)) != CK_STORE_OK)
        return rc == CK_STORE_NOT_FOUND ? ckd_fail(r, CKD_E_NOT_FOUND, "no such consent") : ckd_store_fail(r, rc, CKD_E_NOT_FOUND);
    if (ckd_audit(r, org, "consent_withdraw", gid, 200, "ok") != 0) return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    return ckd_reply(r, 200, json_pack("{s:s,s:s,s:b}", "gid", gid, "org", org, "consent", 0));
}
