/*
 * router.c - maps method and path to a handler.
 *
 * Order: path syntax (400), route (404), method (405), authentication
 * (401), then the handler does authorization (403) and validation (400).
 * Path segments are restricted to identifier characters, so "..", "%00",
 * quotes and other metacharacters never reach a handler or the store.
 */
#include "ckd.h"

#include <string.h>

static int seg_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
}

/* Splits r->path in place into r->segs. -1 on bad syntax. */
static int split(ckd_req *r)
{
    char *p = r->segbuf;
    memcpy(r->segbuf, r->path, sizeof r->segbuf);
    if (*p != '/') return -1;
    if (p[1] == 0) return 0;
    p++;
    while (*p) {
        char *start = p;
        if (r->nsegs == CKD_MAX_SEGS) return -1;
        while (*p && *p != '/') {
            if (!seg_char((unsigned char)*p)) return -1;
            p++;
        }
        if (p == start) return -1;                       /* empty segment: "//" or trailing "/" */
        if (*p == '/') {
            *p++ = 0;
            if (*p == 0) return -1;
        }
        if (!strcmp(start, ".") || !strcmp(start, "..")) return -1;
        r->segs[r->nsegs++] = start;
    }
    return 0;
}

static int is(const char *m, const char *want) { return strcmp(m, want) == 0; }

enum MHD_Result ckd_dispatch(ckd_req *r)
{
    const char *m = r->method;
    char **s = r->segs;
    int n;
    enum MHD_Result res;
    ckd_route route = CKD_R_NONE;
    int method_ok = 0;

    if (split(r) != 0) return ckd_fail(r, CKD_E_BAD_PATH, "malformed path");
    n = r->nsegs;

    if (n == 1 && is(s[0], "healthz")) {
        r->route = CKD_R_HEALTH;
        return is(m, "GET") ? ckd_api_health(r) : ckd_fail(r, CKD_E_METHOD, "use GET");
    }
    if (n == 1 && is(s[0], "metrics")) {
        r->route = CKD_R_METRICS;
        return is(m, "GET") ? ckd_api_metrics(r) : ckd_fail(r, CKD_E_METHOD, "use GET");
    }
    if (n < 2 || !is(s[0], "v1")) return ckd_fail(r, CKD_E_NOT_FOUND, "no such route");

#define ROUTE(cond, meth, rt) \
    if (cond) {               \
        route = rt;           \
        method_ok = is(m, meth); \
    }
    if (is(s[1], "users")) {
        ROUTE(n == 2 && is(m, "GET"), "GET", CKD_R_USERS)
        else ROUTE(n == 2, "POST", CKD_R_USER_ADD)
        else ROUTE(n == 3, "GET", CKD_R_USER_GET)
        else ROUTE(n == 4 && is(s[3], "affiliation") && is(m, "DELETE"), "DELETE", CKD_R_UNAFFILIATE)
        else ROUTE(n == 4 && is(s[3], "affiliation"), "PUT", CKD_R_AFFILIATE)
        else ROUTE(n == 4 && is(s[3], "deactivate"), "POST", CKD_R_DEACTIVATE)
        else ROUTE(n == 4 && is(s[3], "reactivate"), "POST", CKD_R_REACTIVATE)
        else ROUTE(n == 4 && is(s[3], "consents"), "POST", CKD_R_CONSENT_ADD)
        else ROUTE(n == 5 && is(s[3], "consents"), "DELETE", CKD_R_CONSENT_DEL)
    } else if (is(s[1], "enrollments")) {
        ROUTE(n == 2 && is(m, "GET"), "GET", CKD_R_ENROLLS)
        else ROUTE(n == 2, "POST", CKD_R_ENROLL_ADD)
        else ROUTE(n == 3 && is(m, "DELETE"), "DELETE", CKD_R_ENROLL_REJECT)
        else ROUTE(n == 3, "GET", CKD_R_ENROLL_GET)
        else ROUTE(n == 4 && is(s[3], "approve"), "POST", CKD_R_ENROLL_APPROVE)
    } else if (is(s[1], "orgs")) {
        ROUTE(n == 2 && is(m, "GET"), "GET", CKD_R_ORGS)
        else ROUTE(n == 2, "POST", CKD_R_ORG_ADD)
        else ROUTE(n == 3, "GET", CKD_R_ORG_GET)
        else ROUTE(n == 4 && is(s[3], "units") && is(m, "POST"), "POST", CKD_R_UNIT_ADD)
        else ROUTE(n == 4 && is(s[3], "units"), "GET", CKD_R_UNITS)
    } else if (is(s[1], "authorities")) {
        ROUTE(n == 2, "POST", CKD_R_AUTH_ADD)
        else ROUTE(n == 3, "GET", CKD_R_AUTH_GET)
        else ROUTE(n == 4 && is(s[3], "epochs"), "PUT", CKD_R_AUTH_EPOCHS)
    } else if (is(s[1], "records") && n >= 4) {
        const char *what = s[3];
        if (is(what, "entries") && n == 4) {
            ROUTE(is(m, "POST"), "POST", CKD_R_APPEND)
            else ROUTE(1, "GET", CKD_R_ENTRIES)
        } else if (is(what, "entries") && n == 5) {
            ROUTE(1, "GET", CKD_R_ENTRY)
        } else if (is(what, "head") && n == 4) {
            ROUTE(is(m, "PUT"), "PUT", CKD_R_HEAD_PUT)
            else ROUTE(1, "GET", CKD_R_HEAD_GET)
        } else if (is(what, "grants") && n == 4) {
            ROUTE(is(m, "POST"), "POST", CKD_R_GRANT_ADD)
            else ROUTE(1, "GET", CKD_R_GRANTS)
        } else if (is(what, "grants") && n == 5) {
            ROUTE(1, "DELETE", CKD_R_GRANT_DEL)
        } else if (is(what, "audit") && n == 4) {
            ROUTE(1, "GET", CKD_R_AUDIT)
        }
    } else if (is(s[1], "grants")) {
        ROUTE(n == 3 && is(s[2], "mine"), "GET", CKD_R_GRANTS_MINE)
    } else if (is(s[1], "sessions")) {
        ROUTE(n == 2, "POST", CKD_R_SESSION_OPEN)
    } else if (is(s[1], "mailbox")) {
        ROUTE(n == 3 && is(m, "POST"), "POST", CKD_R_MAIL_PUT)
        else ROUTE(n == 3, "GET", CKD_R_MAIL_LIST)
        else ROUTE(n == 4, "DELETE", CKD_R_MAIL_ACK)
    }
#undef ROUTE
    r->route = route;
    if (route == CKD_R_NONE) return ckd_fail(r, CKD_E_NOT_FOUND, "no such route");
    if (!method_ok) return ckd_fail(r, CKD_E_METHOD, "method not allowed on this route");
    /* Identifiers in the path must be valid before anything looks them up. */
    if (n >= 3 && !ck_net_id_valid(s[2])) return ckd_fail(r, CKD_E_BAD_PATH, "malformed identifier");
    if (ckd_authenticate(r, &res) != 0) return res;

    switch (route) {
    case CKD_R_USER_ADD: return ckd_api_user_add(r);
    case CKD_R_USER_GET: return ckd_api_user_get(r, s[2]);
    case CKD_R_USERS: return ckd_api_users(r);
    case CKD_R_AFFILIATE: return ckd_api_user_affiliate(r, s[2]);
    case CKD_R_DEACTIVATE: return ckd_api_user_deactivate(r, s[2]);
    case CKD_R_REACTIVATE: return ckd_api_user_reactivate(r, s[2]);
    case CKD_R_UNAFFILIATE: return ckd_api_user_unaffiliate(r, s[2]);
    case CKD_R_CONSENT_ADD: return ckd_api_consent_add(r, s[2]);
    case CKD_R_CONSENT_DEL: return ckd_api_consent_del(r, s[2], s[4]);
    case CKD_R_ENROLL_ADD: return ckd_api_enroll_add(r);
    case CKD_R_ENROLLS: return ckd_api_enrolls(r);
    case CKD_R_ENROLL_GET: return ckd_api_enroll_get(r, s[2]);
    case CKD_R_ENROLL_REJECT: return ckd_api_enroll_reject(r, s[2]);
    case CKD_R_ENROLL_APPROVE: return ckd_api_enroll_approve(r, s[2]);
    case CKD_R_ORG_ADD: return ckd_api_org_add(r);
    case CKD_R_ORGS: return ckd_api_orgs(r);
    case CKD_R_ORG_GET: return ckd_api_org_get(r, s[2]);
    case CKD_R_UNIT_ADD: return ckd_api_unit_add(r, s[2]);
    case CKD_R_UNITS: return ckd_api_units(r, s[2]);
    case CKD_R_AUTH_ADD: return ckd_api_authority_add(r);
    case CKD_R_AUTH_GET: return ckd_api_authority_get(r, s[2]);
    case CKD_R_AUTH_EPOCHS: return ckd_api_authority_epochs(r, s[2]);
    case CKD_R_APPEND: return ckd_api_append(r, s[2]);
    case CKD_R_ENTRIES: return ckd_api_entries(r, s[2]);
    case CKD_R_ENTRY: return ckd_api_entry(r, s[2], s[4]);
    case CKD_R_HEAD_GET: return ckd_api_head_get(r, s[2]);
    case CKD_R_HEAD_PUT: return ckd_api_head_put(r, s[2]);
    case CKD_R_GRANT_ADD: return ckd_api_grant_add(r, s[2]);
    case CKD_R_GRANTS: return ckd_api_grants(r, s[2]);
    case CKD_R_GRANT_DEL: return ckd_api_grant_del(r, s[2], s[4]);
    case CKD_R_GRANTS_MINE: return ckd_api_grants_mine(r);
    case CKD_R_SESSION_OPEN: return ckd_api_session_open(r);
    case CKD_R_AUDIT: return ckd_api_audit(r, s[2]);
    case CKD_R_MAIL_PUT: return ckd_api_mail_put(r, s[2]);
    case CKD_R_MAIL_LIST: return ckd_api_mail_list(r, s[2]);
    case CKD_R_MAIL_ACK: return ckd_api_mail_ack(r, s[2], s[3]);
    default: return ckd_fail(r, CKD_E_NOT_FOUND, "no such route");
    }
}
