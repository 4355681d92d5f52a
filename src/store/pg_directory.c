/*
 * pg_directory.c - PostgreSQL back end: users, organizations, units, consents and
 * authorities.
 */
#include "pg_impl.h"

/* One statement, so the user and her empty record appear together. */
const char pg_user_ins[] =
    "WITH u AS (INSERT INTO users(gid, ed25519, x25519, display_name, role, created_at) "
    "VALUES($1, $2, $3, $4, $5, $6) RETURNING gid, role) "
    "INSERT INTO records(patient, head_seq, head_hash) "
    "SELECT gid, 0, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea "
    "FROM u WHERE role IN ('patient', 'organization')";

void pg_user_params(params *p, const ck_store_user *u)
{
    pg_param_text(p, u->gid);
    pg_param_bin(p, u->ed25519, 32);
    pg_param_bin(p, u->x25519, 32);
    pg_param_text(p, u->display_name);
    pg_param_text(p, u->role);
    pg_param_int(p, u->created_at);
}

ck_store_rc pg_user_add(ck_store *b, const ck_store_user *u)
{
    params p = {0};
    pg_user_params(&p, u);
    return pg_simple((pgs *)b, pg_user_ins, &p);
}

static int row_user(PGresult *r, int i, void *out)
{
    ck_store_user *u = out;
    pg_val_text(u->gid, sizeof u->gid, r, i, 0);
    pg_val_text(u->display_name, sizeof u->display_name, r, i, 3);
    pg_val_text(u->role, sizeof u->role, r, i, 4);
    u->created_at = pg_val_int(r, i, 5);
    pg_val_text(u->org, sizeof u->org, r, i, 6);
    pg_val_text(u->unit, sizeof u->unit, r, i, 7);
    pg_val_text(u->title, sizeof u->title, r, i, 8);
    pg_val_text(u->attributes, sizeof u->attributes, r, i, 9);
    u->affiliated_at = pg_val_int(r, i, 10);
    u->active = (int)pg_val_int(r, i, 11);
    u->deactivated_at = pg_val_int(r, i, 12);
    return pg_val_fixed(u->ed25519, 32, r, i, 1) == 0 && pg_val_fixed(u->x25519, 32, r, i, 2) == 0 ? 0 : -1;
}

static int row_org(PGresult *r, int i, void *out)
{
    ck_store_org *o = out;
    pg_val_text(o->name, sizeof o->name, r, i, 0);
    pg_val_text(o->kind, sizeof o->kind, r, i, 1);
    pg_val_text(o->display_name, sizeof o->display_name, r, i, 2);
    o->active = (int)pg_val_int(r, i, 3);
    o->created_at = pg_val_int(r, i, 4);
    o->updated_at = pg_val_int(r, i, 5);
    return 0;
}

static int row_unit(PGresult *r, int i, void *out)
{
    ck_store_unit *u = out;
    pg_val_text(u->org, sizeof u->org, r, i, 0);
    pg_val_text(u->name, sizeof u->name, r, i, 1);
    pg_val_text(u->kind, sizeof u->kind, r, i, 2);
    pg_val_text(u->display_name, sizeof u->display_name, r, i, 3);
    u->beds = pg_val_int(r, i, 4);
    u->created_at = pg_val_int(r, i, 5);
    return 0;
}

ck_store_rc pg_user_get(ck_store *b, const char *gid, ck_store_user *out)
{
    params p = {0};
    pg_param_text(&p, gid);
    return pg_read_one((pgs *)b, "SELECT " USER_COLS " FROM users WHERE gid = $1", &p, row_user, out);
}

ck_store_rc pg_user_affiliate(ck_store *b, const char *gid, const char *org, const char *unit,
                              const char *title, const char *attrs, int64_t now, int consented)
{
    params p = {0};
    pg_param_text(&p, gid);
    pg_param_text(&p, org);
    pg_param_opt(&p, unit);
    pg_param_opt(&p, title);
    pg_param_text(&p, attrs ? attrs : "");
    pg_param_int(&p, now);
    /* The foreign keys check org and (org, unit): 23503 is NOT_FOUND. */
    return pg_simple_one((pgs *)b,
                         consented ? "UPDATE users SET org = $2, unit = $3, title = $4, attributes = $5, "
                                     "affiliated_at = $6 WHERE gid = $1 "
                                     "AND EXISTS(SELECT 1 FROM consents WHERE gid = $1 AND org = $2)"
                                   : "UPDATE users SET org = $2, unit = $3, title = $4, attributes = $5, "
                                     "affiliated_at = $6 WHERE gid = $1",
                         &p);
}

ck_store_rc pg_user_unaffiliate(ck_store *b, const char *gid, const char *org)
{
    return pg_keyed_write((pgs *)b, "UPDATE users SET org = NULL, unit = NULL, title = NULL, attributes = '' "
                                    "WHERE gid = $1 AND org IS NOT NULL AND ($2::text IS NULL OR org = $2)", gid, org);
}

ck_store_rc pg_user_reactivate(ck_store *b, const char *gid)
{
    return pg_keyed_write((pgs *)b, "UPDATE users SET active = 1, deactivated_at = 0 WHERE gid = $1 "
                                    "AND $2::text IS NULL", gid, NULL);
}

const char pg_consent_ins[] =
    "INSERT INTO consents(gid, org, created_at) VALUES($1, $2, $3) ON CONFLICT DO NOTHING";

ck_store_rc pg_consent_add(ck_store *b, const char *gid, const char *org, int64_t now)
{
    params p = {0};
    pg_param_text(&p, gid);
    pg_param_text(&p, org);
    pg_param_int(&p, now);
    return pg_simple((pgs *)b, pg_consent_ins, &p);
}

ck_store_rc pg_consent_del(ck_store *b, const char *gid, const char *org)
{
    return pg_keyed_write((pgs *)b, "DELETE FROM consents WHERE gid = $1 AND org = $2", gid, org);
}

ck_store_rc pg_consent_get(ck_store *b, const char *gid, const char *org)
{
    params p = {0};
    pg_param_text(&p, gid);
    pg_param_text(&p, org);
    return pg_read_one((pgs *)b, "SELECT 1 FROM consents WHERE gid = $1 AND org = $2", &p, pg_row_none, NULL);
}

ck_store_rc pg_user_deactivate(ck_store *b, const char *gid, int64_t now)
{
    params p = {0};
    pg_param_text(&p, gid);
    pg_param_int(&p, now);
    return pg_simple_one((pgs *)b, "UPDATE users SET deactivated_at = CASE WHEN active = 1 THEN $2 ELSE deactivated_at "
                                   "END, active = 0 WHERE gid = $1", &p);
}

ck_store_rc pg_user_list(ck_store *b, const ck_store_user_filter *f, ck_store_user **v, size_t *n)
{
    params p = {0};
    pg_param_opt(&p, f->org);
    pg_param_opt(&p, f->role);
    pg_param_opt(&p, f->unit);
    pg_param_opt(&p, f->attribute);
    pg_param_int(&p, f->active);
    pg_param_text(&p, f->after ? f->after : "");
    pg_param_int(&p, (long long)f->limit);
    pg_param_opt(&p, f->viewer);
    pg_param_int(&p, f->now_ms);
    /* COLLATE "C": GID order is byte order on both back ends (paging).
     * Optional filters: planned for the values given (pg_query_custom). */
    return pg_read_rows((pgs *)b,
                       "SELECT " USER_COLS " FROM users WHERE gid COLLATE \"C\" > $6 "
                       "AND ($1::text IS NULL OR org = $1) AND ($2::text IS NULL OR role = $2) "
                       "AND ($3::text IS NULL OR unit = $3) "
                       "AND ($4::text IS NULL OR strpos(',' || attributes || ',', ',' || $4 || ',') > 0) "
                       "AND ($5::int < 0 OR active = $5) "
                       "AND ($8::text IS NULL OR role <> 'patient' OR gid = $8 OR EXISTS(SELECT 1 FROM grants g "
                       "WHERE g.patient = users.gid AND g.grantee = $8 AND g.delegate = 1 AND g.revoked_at = 0 "
                       "AND (g.expires_at = 0 OR g.expires_at > $9))) ORDER BY gid COLLATE \"C\" LIMIT $7",
                       &p, row_user, NULL, sizeof **v, (void **)v, n, 1);
}

/* users(gid) is the foreign key: no such user is 23503, NOT_FOUND. */
const char pg_org_ins[] = "INSERT INTO orgs(" ORG_COLS ") VALUES($1, $2, $3, 1, $4, $4)";

void pg_org_params(params *p, const ck_store_org *o)
{
    pg_param_text(p, o->name);
    pg_param_text(p, o->kind);
    pg_param_text(p, o->display_name);
    pg_param_int(p, o->created_at);
}

ck_store_rc pg_org_add(ck_store *b, const ck_store_org *o)
{
    params p = {0};
    pg_org_params(&p, o);
    return pg_simple((pgs *)b, pg_org_ins, &p);
}

ck_store_rc pg_org_get(ck_store *b, const char *name, ck_store_org *out)
{
    params p = {0};
    pg_param_text(&p, name);
    return pg_read_one((pgs *)b, "SELECT " ORG_COLS " FROM orgs WHERE name = $1", &p, row_org, out);
}

ck_store_rc pg_org_list(ck_store *b, const char *kind, ck_store_org **v, size_t *n)
{
    params p = {0};
    pg_param_opt(&p, kind);
    return pg_read_all((pgs *)b,
                       "SELECT " ORG_COLS " FROM orgs WHERE ($1::text IS NULL OR kind = $1) "
                       "ORDER BY name COLLATE \"C\" LIMIT 10000",
                       &p, row_org, NULL, sizeof **v, (void **)v, n);
}

ck_store_rc pg_unit_add(ck_store *b, const ck_store_unit *u)
{
    params p = {0};
    pg_param_text(&p, u->org);
    pg_param_text(&p, u->name);
    pg_param_text(&p, u->kind);
    pg_param_text(&p, u->display_name);
    pg_param_int(&p, u->beds);
    pg_param_int(&p, u->created_at);
    return pg_simple((pgs *)b, "INSERT INTO units(" UNIT_COLS ") VALUES($1, $2, $3, $4, $5, $6)", &p);
}

ck_store_rc pg_unit_get(ck_store *b, const char *org, const char *name, ck_store_unit *out)
{
    params p = {0};
    pg_param_text(&p, org);
    pg_param_text(&p, name);
    return pg_read_one((pgs *)b, "SELECT " UNIT_COLS " FROM units WHERE org = $1 AND name = $2", &p, row_unit, out);
}

ck_store_rc pg_unit_list(ck_store *b, const char *org, const char *kind, ck_store_unit **v, size_t *n)
{
    params p = {0};
    pg_param_text(&p, org);
    pg_param_opt(&p, kind);
    return pg_read_all((pgs *)b,
                       "SELECT " UNIT_COLS " FROM units WHERE org = $1 AND ($2::text IS NULL OR kind = $2) "
                       "ORDER BY name COLLATE \"C\" LIMIT 10000",
                       &p, row_unit, NULL, sizeof **v, (void **)v, n);
}

const char pg_auth_ins[] =
    "INSERT INTO authorities(" AUTH_COLS ") VALUES($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)";

void pg_auth_params(params *p, const ck_store_authority *a)
{
    pg_param_text(p, a->name);
    pg_param_bin(p, a->sign_pk, 32);
    pg_param_text(p, a->abe_pk);
    pg_param_text(p, a->epoch_table ? a->epoch_table : "");
    pg_param_int(p, a->created_at);
    pg_param_text(p, a->organization);
    pg_param_int(p, a->signed_at);
    if (a->has_sig)
        pg_param_bin(p, a->operator_sig, 64);
    else
        pg_param_text(p, NULL);
    pg_param_int(p, a->epoch_table ? (long long)a->epoch_version : 0);
}

ck_store_rc pg_auth_add(ck_store *b, const ck_store_authority *a)
{
    params p = {0};
    pg_auth_params(&p, a);
    return pg_simple((pgs *)b, pg_auth_ins, &p);
}

static int row_auth(PGresult *r, int i, void *out)
{
    ck_store_authority *a = out;
    const char *table = PQgetvalue(r, i, 3);
    pg_val_text(a->name, sizeof a->name, r, i, 0);
    a->abe_pk = strdup(PQgetvalue(r, i, 2));
    if (*table) a->epoch_table = strdup(table);
    a->created_at = pg_val_int(r, i, 4);
    a->updated_at = pg_val_int(r, i, 5);
    pg_val_text(a->organization, sizeof a->organization, r, i, 6);
    a->signed_at = pg_val_int(r, i, 7);
    a->has_sig = !PQgetisnull(r, i, 8) && pg_val_fixed(a->operator_sig, 64, r, i, 8) == 0;
    a->epoch_version = (uint64_t)pg_val_int(r, i, 9);
    if (pg_val_fixed(a->sign_pk, 32, r, i, 1) == 0 && a->abe_pk && (!*table || a->epoch_table)) return 0;
    ck_store_authority_clear(a);
    return -1;
}

ck_store_rc pg_auth_get(ck_store *b, const char *name, ck_store_authority *out)
{
    params p = {0};
    pg_param_text(&p, name);
    return pg_read_one((pgs *)b, "SELECT " AUTH_COLS " FROM authorities WHERE name = $1", &p, row_auth, out);
}

ck_store_rc pg_auth_epochs(ck_store *b, const char *name, const char *ep, uint64_t version, int64_t now)
{
    params p = {0};
    ck_store_rc rc;
    pg_param_text(&p, name);
    pg_param_text(&p, ep);
    pg_param_int(&p, (long long)version);
    pg_param_int(&p, now);
    /* Only a newer table replaces the stored one. */
    rc = pg_simple_one((pgs *)b, "UPDATE authorities SET epochs = $2, epoch_version = $3, updated_at = $4 "
                                 "WHERE name = $1 AND epoch_version < $3", &p);
    if (rc == CK_STORE_NOT_FOUND) {
        params k = {0};
        pg_param_text(&k, name);
        rc = pg_read_one((pgs *)b, "SELECT 1 FROM authorities WHERE name = $1", &k, pg_row_none, NULL);
        rc = rc == CK_STORE_OK ? CK_STORE_STALE : rc;
    }
    return rc;
}
