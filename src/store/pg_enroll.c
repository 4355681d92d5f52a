/*
 * pg_enroll.c - PostgreSQL back end: enrollment requests: queue, list, approve (one
 * transaction), reject.
 */
#include "pg_impl.h"

static int row_enroll(PGresult *r, int i, void *out)
{
    ck_store_enrollment *e = out;
    ck_store_authority *a = &e->auth;
    pg_val_text(e->gid, sizeof e->gid, r, i, 0);
    pg_val_text(e->role, sizeof e->role, r, i, 1);
    pg_val_text(e->display_name, sizeof e->display_name, r, i, 2);
    if (pg_val_fixed(e->ed25519, 32, r, i, 3) || pg_val_fixed(e->x25519, 32, r, i, 4)) return -1;
    pg_val_text(e->org_kind, sizeof e->org_kind, r, i, 5);
    pg_val_text(e->org_display_name, sizeof e->org_display_name, r, i, 6);
    pg_val_text(e->join_org, sizeof e->join_org, r, i, 7);
    pg_val_text(a->name, sizeof a->name, r, i, 8);
    pg_val_text(e->status, sizeof e->status, r, i, 14);
    e->created_at = pg_val_int(r, i, 15);
    e->decided_at = pg_val_int(r, i, 16);
    if (a->name[0] == 0) return 0;
    pg_val_text(a->organization, sizeof a->organization, r, i, 11);
    a->epoch_version = (uint64_t)pg_val_int(r, i, 13);
    if (pg_val_fixed(a->sign_pk, 32, r, i, 9) || (a->abe_pk = strdup(PQgetvalue(r, i, 10))) == NULL) return -1;
    if (*PQgetvalue(r, i, 12) && (a->epoch_table = strdup(PQgetvalue(r, i, 12))) == NULL) {
        ck_store_authority_clear(a);
        return -1;
    }
    return 0;
}

ck_store_rc pg_enroll_add(ck_store *b, const ck_store_enrollment *e, size_t max)
{
    pgs *s = (pgs *)b;
    pconn *c = pg_conn_get(s);
    const ck_store_authority *a = &e->auth;
    params p = {0};
    int64_t n;
    ck_store_rc rc = CK_STORE_ERROR;

    /* The advisory lock serializes submissions (the pending cap, the GID
     * checks) across instances for the length of the transaction. */
    if (pg_exec_simple(c, "BEGIN") != 0 || pg_exec_simple(c, "SELECT pg_advisory_xact_lock(727319)") != 0) goto out;
    pg_param_text(&p, e->gid);
    rc = pg_query_row(c, "SELECT (SELECT count(*) FROM users WHERE gid = $1) + (SELECT count(*) FROM enrollments "
                         "WHERE gid = $1 AND status <> 'rejected')", &p, pg_row_int64, &n);
    if (rc != CK_STORE_OK) goto out;
    if (n > 0) {
        rc = CK_STORE_EXISTS;
        goto out;
    }
    if ((rc = pg_exec_params(c, "DELETE FROM enrollments WHERE gid = $1", &p, NULL)) != CK_STORE_OK) goto out;
    if ((rc = pg_query_row(c, "SELECT count(*) FROM enrollments WHERE status = 'pending'", NULL, pg_row_int64, &n)) !=
        CK_STORE_OK)
        goto out;
    if ((size_t)n >= max) {
        rc = CK_STORE_FULL;
        goto out;
    }
    memset(&p, 0, sizeof p);
    pg_param_text(&p, e->gid);
    pg_param_text(&p, e->role);
    pg_param_text(&p, e->display_name);
    pg_param_bin(&p, e->ed25519, 32);
    pg_param_bin(&p, e->x25519, 32);
    pg_param_text(&p, e->org_kind);
    pg_param_text(&p, e->org_display_name);
    pg_param_text(&p, e->join_org);
    pg_param_text(&p, a->name);
    if (a->name[0])
        pg_param_bin(&p, a->sign_pk, 32);
    else
        pg_param_text(&p, NULL);
    pg_param_text(&p, a->abe_pk ? a->abe_pk : "");
    pg_param_text(&p, a->organization);
    pg_param_text(&p, a->epoch_table ? a->epoch_table : "");
    pg_param_int(&p, (long long)a->epoch_version);
    pg_param_int(&p, e->created_at);
    rc = pg_exec_params(c, "INSERT INTO enrollments(" ENROLL_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                           "$11, $12, $13, $14, 'pending', $15, 0)", &p, NULL);
    if (rc == CK_STORE_OK && pg_exec_simple(c, "COMMIT") != 0) rc = CK_STORE_ERROR;
out:
    pg_conn_put(s, c);
    return rc;
}

ck_store_rc pg_enroll_get(ck_store *b, const char *gid, ck_store_enrollment *out)
{
    params p = {0};
    pg_param_text(&p, gid);
    return pg_read_one((pgs *)b, "SELECT " ENROLL_COLS " FROM enrollments WHERE gid = $1", &p, row_enroll, out);
}

ck_store_rc pg_enroll_list(ck_store *b, const char *status, size_t limit, ck_store_enrollment **v, size_t *n)
{
    params p = {0};
    pg_param_text(&p, status);
    pg_param_int(&p, (long long)limit);
    return pg_read_all((pgs *)b, "SELECT " ENROLL_COLS " FROM enrollments WHERE status = $1 "
                                 "ORDER BY created_at, gid COLLATE \"C\" LIMIT $2",
                       &p, row_enroll, ck_store_enrollment_drop, sizeof **v, (void **)v, n);
}

/* Marks the pending request decided, locking its row: NOT_FOUND unless pending. */
static ck_store_rc enroll_decide(pconn *c, const char *gid, const char *status, int64_t now)
{
    params p = {0};
    pg_param_text(&p, gid);
    pg_param_text(&p, status);
    pg_param_int(&p, now);
    return pg_exec_one(c, "UPDATE enrollments SET status = $2, decided_at = $3 WHERE gid = $1 AND status = 'pending'",
                       &p);
}

/* Every part of an approval in one transaction: the first failure rolls
 * all of them back (pg_conn_put() rolls back an open transaction). */
static ck_store_rc enroll_approve_tx(pconn *c, const ck_store_enrollment *e, const ck_store_authority *auth,
                                     int64_t now, const ck_store_audit *a)
{
    params p = {0};
    ck_store_user u;
    ck_store_org o;
    ck_store_rc rc;

    if (pg_exec_simple(c, "BEGIN") != 0) return CK_STORE_ERROR;
    if ((rc = enroll_decide(c, e->gid, "approved", now)) != CK_STORE_OK) return rc;
    memset(&u, 0, sizeof u);
    ck_store_copy(u.gid, sizeof u.gid, e->gid);
    memcpy(u.ed25519, e->ed25519, 32);
    memcpy(u.x25519, e->x25519, 32);
    ck_store_copy(u.display_name, sizeof u.display_name, e->display_name);
    ck_store_copy(u.role, sizeof u.role, e->role);
    u.created_at = now;
    pg_user_params(&p, &u);
    if ((rc = pg_exec_params(c, pg_user_ins, &p, NULL)) != CK_STORE_OK) return rc;
    if (e->org_kind[0]) {
        memset(&o, 0, sizeof o);
        ck_store_copy(o.name, sizeof o.name, e->gid);
        ck_store_copy(o.kind, sizeof o.kind, e->org_kind);
        ck_store_copy(o.display_name, sizeof o.display_name, e->org_display_name);
        o.created_at = now;
        memset(&p, 0, sizeof p);
        pg_org_params(&p, &o);
        if ((rc = pg_exec_params(c, pg_org_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    if (auth) {
        memset(&p, 0, sizeof p);
        pg_auth_params(&p, auth);
        if ((rc = pg_exec_params(c, pg_auth_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    if (e->join_org[0]) {
        memset(&p, 0, sizeof p);
        pg_param_text(&p, e->gid);
        pg_param_text(&p, e->join_org);
        pg_param_int(&p, now);
        if ((rc = pg_exec_params(c, pg_consent_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    return pg_audit_commit(c, a, NULL);
}

ck_store_rc pg_enroll_approve(ck_store *b, const char *gid, const ck_store_authority *auth, int64_t now,
                              const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    ck_store_enrollment e;
    pconn *c;
    ck_store_rc rc;
    memset(&e, 0, sizeof e);
    if ((rc = pg_enroll_get(b, gid, &e)) != CK_STORE_OK) return rc;
    c = pg_conn_get(s);
    rc = strcmp(e.status, "pending") == 0 ? enroll_approve_tx(c, &e, auth, now, a) : CK_STORE_NOT_FOUND;
    pg_conn_put(s, c);
    ck_store_enrollment_clear(&e);
    return rc;
}

ck_store_rc pg_enroll_reject(ck_store *b, const char *gid, int64_t now, const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c = pg_conn_get(s);
    ck_store_rc rc = CK_STORE_ERROR;
    if (pg_exec_simple(c, "BEGIN") == 0 && (rc = enroll_decide(c, gid, "rejected", now)) == CK_STORE_OK)
        rc = pg_audit_commit(c, a, NULL);
    pg_conn_put(s, c);
    return rc;
}
