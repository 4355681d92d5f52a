/*
 * pg_grants.c - PostgreSQL back end: grants: add, revoke, list by record and by
 * grantee.
 */
#include "pg_impl.h"

/* A grant row written by sql (which returns its id) and its audit row, in
 * one transaction. */
static ck_store_rc grant_write(pgs *s, const char *sql, params *p, int64_t *id, const ck_store_audit *a)
{
    pconn *c = pg_conn_get(s);
    char target[40];
    ck_store_rc rc = CK_STORE_ERROR;
    if (pg_exec_simple(c, "BEGIN") != 0) goto out;
    rc = pg_query_row(c, sql, p, pg_row_int64, id);
    if (rc != CK_STORE_OK) goto out;
    snprintf(target, sizeof target, "grant:%lld", (long long)*id);
    rc = pg_audit_commit(c, a, target);
out:
    pg_conn_put(s, c);
    return rc;
}

ck_store_rc pg_grant_add(ck_store *b, ck_store_grant *g, const ck_store_audit *a)
{
    params p = {0};
    pg_param_text(&p, g->patient);
    pg_param_text(&p, g->grantee);
    pg_param_text(&p, g->granted_by);
    pg_param_text(&p, g->sections);
    pg_param_int(&p, g->delegate);
    pg_param_int(&p, g->expires_at);
    pg_param_int(&p, g->created_at);
    pg_param_text(&p, g->access[0] ? g->access : "write");
    return grant_write((pgs *)b,
                       "INSERT INTO grants(patient, grantee, granted_by, sections, delegate, expires_at, created_at, "
                       "access) VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                       &p, &g->id, a);
}

ck_store_rc pg_grant_revoke(ck_store *b, const char *patient, int64_t id, int64_t now,
                            const ck_store_audit *a)
{
    params p = {0};
    int64_t revoked = 0;
    pg_param_text(&p, patient);
    pg_param_int(&p, id);
    pg_param_int(&p, now);
    return grant_write((pgs *)b,
                       "UPDATE grants SET revoked_at = $3 WHERE patient = $1 AND id = $2 AND revoked_at = 0 "
                       "RETURNING id",
                       &p, &revoked, a);
}

static int row_grant(PGresult *r, int i, void *out)
{
    ck_store_grant *g = out;
    g->id = pg_val_int(r, i, 0);
    pg_val_text(g->patient, sizeof g->patient, r, i, 1);
    pg_val_text(g->grantee, sizeof g->grantee, r, i, 2);
    pg_val_text(g->granted_by, sizeof g->granted_by, r, i, 3);
    pg_val_text(g->sections, sizeof g->sections, r, i, 4);
    g->delegate = (int)pg_val_int(r, i, 5);
    g->expires_at = pg_val_int(r, i, 6);
    g->created_at = pg_val_int(r, i, 7);
    g->revoked_at = pg_val_int(r, i, 8);
    pg_val_text(g->access, sizeof g->access, r, i, 9);
    return 0;
}

ck_store_rc pg_grants(ck_store *b, const char *patient, const char *grantee,
                      ck_store_grant **v, size_t *n)
{
    params p = {0};
    pg_param_text(&p, patient);
    if (grantee) pg_param_text(&p, grantee);
    return pg_read_all((pgs *)b,
                       grantee ? "SELECT " GRANT_COLS " FROM grants WHERE patient = $1 AND grantee = $2 "
                                 "AND revoked_at = 0 ORDER BY id LIMIT 1000"
                               : "SELECT " GRANT_COLS " FROM grants WHERE patient = $1 ORDER BY id LIMIT 10000",
                       &p, row_grant, NULL, sizeof **v, (void **)v, n);
}

/* The grants one person holds, on any record (GET /v1/grants/mine), by
 * the partial index grants_held. */
ck_store_rc pg_grants_held(ck_store *b, const char *grantee, int64_t after, int64_t now, size_t limit,
                           ck_store_grant **v, size_t *n)
{
    params p = {0};
    if (limit == 0) return CK_STORE_ERROR;
    pg_param_text(&p, grantee);
    pg_param_int(&p, after);
    pg_param_int(&p, now);
    pg_param_int(&p, (long long)limit);
    return pg_read_all((pgs *)b,
                       "SELECT " GRANT_COLS " FROM grants WHERE grantee = $1 AND revoked_at = 0 AND id > $2 "
                       "AND (expires_at = 0 OR expires_at > $3) ORDER BY id LIMIT $4",
                       &p, row_grant, NULL, sizeof **v, (void **)v, n);
}
