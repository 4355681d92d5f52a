/*
 * pg_conn.c - PostgreSQL back end: the connection pool (a reconnect after a
 * failover), prepared statements, parameters, result readers and the small
 * statement helpers.
 */
#include "pg_impl.h"

/* A new session has no prepared statements. */
void pg_prep_forget(pconn *c)
{
    for (int i = 0; i < c->nprepared; i++) free(c->prepared[i].sql);
    c->nprepared = 0;
}

/* ---- pool ------------------------------------------------------------- */

/* A failed statement that says the server is gone or no primary now (a
 * failover under way): class 08 (connection exception), 57P01-57P03
 * (shut down, crashed, starting), 25006 (read-only: a demoted primary) or
 * no SQLSTATE at all with the connection down. The connection is marked
 * for a reconnect and the calling thread's store call reports
 * ck_store_unavailable(), so the request gets 503 and is retried. */
static void check_lost(pconn *c, PGresult *r)
{
    const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int lost = PQstatus(c->pg) != CONNECTION_OK ||
               (st && (!strncmp(st, "08", 2) || !strcmp(st, "57P01") || !strcmp(st, "57P02") ||
                       !strcmp(st, "57P03") || !strcmp(st, "25006"))) ||
               (st == NULL && r && PQresultStatus(r) == PGRES_FATAL_ERROR);
    if (!lost) return;
    c->broken = 1;
    ck_store_set_unavailable(1);
}

/* A session's settings. Every statement is prepared once per connection
 * (pg_query()) and, with the default plan_cache_mode, PostgreSQL plans the first
 * five executions for their parameters and keeps doing so whenever the
 * generic plan looks costlier: the batched appends (arrays of unknown
 * length in a generic plan) were planned on every execution, and every
 * ANALYZE of a growing table starts the count again. Our statements look
 * rows up by key, where the generic plan is the one wanted; the few whose
 * plan should see their values run through pg_query_custom(). */
void pg_session_init(pconn *c)
{
    PGresult *r = PQexec(c->pg, "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan");
    PQclear(r);
}

pconn *pg_conn_get(pgs *s)
{
    pconn *c;
    pthread_mutex_lock(&s->mu);
    while (s->free_list == NULL) pthread_cond_wait(&s->cv, &s->mu);
    c = s->free_list;
    s->free_list = c->next_free;
    pthread_mutex_unlock(&s->mu);
    ck_store_set_unavailable(0);
    /* libpq walks the multi-host list again and, with
     * target_session_attrs=read-write, settles on the primary. */
    if (c->broken || PQstatus(c->pg) != CONNECTION_OK) {
        PQreset(c->pg);
        pg_prep_forget(c);
        if (PQstatus(c->pg) == CONNECTION_OK) {
            pg_session_init(c);
            c->broken = 0;
            __atomic_add_fetch(&s->reconnects, 1, __ATOMIC_RELAXED);
        } else {
            ck_store_set_unavailable(1);
        }
    }
    return c;
}

void pg_conn_put(pgs *s, pconn *c)
{
    /* Never hand out a connection stuck inside a transaction. */
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c->pg, "ROLLBACK");
        PQclear(r);
    }
    pthread_mutex_lock(&s->mu);
    c->next_free = s->free_list;
    s->free_list = c;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void pg_param_text(params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n] = 0;
    p->n++;
}

void pg_param_int(params *p, long long v)
{
    snprintf(p->num[p->n], sizeof p->num[0], "%lld", v);
    pg_param_text(p, p->num[p->n]);
}

/* NULL for NULL or "": optional columns and filters. */
void pg_param_opt(params *p, const char *s)
{
    pg_param_text(p, ck_store_opt(s));
}

void pg_param_bin(params *p, const void *b, size_t n)
{
    p->v[p->n] = b;
    p->len[p->n] = (int)n;
    p->fmt[p->n] = 1;
    p->n++;
}

int pg_ok(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* The name of sql's prepared statement on c, preparing it on first use
 * (a parse and plan saved on every later call); NULL when the cache is
 * full or the prepare failed (then the statement runs unprepared). */
static const char *prepared(pconn *c, const char *sql, char name[24])
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    PGresult *r;
    for (const char *k = sql; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    snprintf(name, 24, "ck%016llx", (unsigned long long)h);
    for (int i = 0; i < c->nprepared; i++)
        if (c->prepared[i].key == h && !strcmp(c->prepared[i].sql, sql)) return name;
    if (c->nprepared == PREP_MAX) return NULL;
    r = PQprepare(c->pg, name, sql, 0, NULL);
    if (!pg_ok(r)) {
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    if ((c->prepared[c->nprepared].sql = strdup(sql)) == NULL) return NULL; /* prepared, just not cached */
    c->prepared[c->nprepared++].key = h;
    return name;
}

PGresult *pg_query(pconn *c, const char *sql, params *p)
{
    char name[24];
    const char *stmt = PQtransactionStatus(c->pg) == PQTRANS_INERROR ? NULL : prepared(c, sql, name);
    PGresult *r = stmt ? PQexecPrepared(c->pg, stmt, p ? p->n : 0, p ? p->v : NULL, p ? p->len : NULL,
                                        p ? p->fmt : NULL, 0)
                       : PQexecParams(c->pg, sql, p ? p->n : 0, NULL, p ? p->v : NULL, p ? p->len : NULL,
                                      p ? p->fmt : NULL, 0);
    if (!pg_ok(r)) check_lost(c, r);
    return r;
}

/* A statement planned for its parameter values each time: optional
 * filters ($1 IS NULL OR col = $1) and range bounds, where the generic
 * plan cannot pick the index the values call for. */
PGresult *pg_query_custom(pconn *c, const char *sql, params *p)
{
    PGresult *r, *set = PQexec(c->pg, "SET plan_cache_mode = force_custom_plan");
    PQclear(set);
    r = pg_query(c, sql, p);
    set = PQexec(c->pg, "SET plan_cache_mode = force_generic_plan");
    PQclear(set);
    return r;
}

ck_store_rc pg_err_rc(PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23505") == 0) return CK_STORE_EXISTS;    /* unique_violation */
    if (state && strcmp(state, "23503") == 0) return CK_STORE_NOT_FOUND; /* foreign_key_violation */
    if (state && strcmp(state, "40001") == 0) return CK_STORE_CONFLICT;  /* serialization */
    fprintf(stderr, "level=error msg=\"postgres query failed\" sqlstate=%s\n", state ? state : "none");
    return CK_STORE_ERROR;
}

int pg_exec_simple(pconn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int rc = pg_ok(r) ? 0 : -1;
    if (rc != 0) check_lost(c, r);
    PQclear(r);
    return rc;
}

long long pg_val_int(PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void pg_val_text(char *dst, size_t cap, PGresult *r, int row, int col)
{
    ck_store_copy(dst, cap, PQgetvalue(r, row, col));
}

/* Text-format bytea is "\x" followed by hex. */
int pg_val_fixed(uint8_t *dst, size_t n, PGresult *r, int row, int col)
{
    const char *s = PQgetvalue(r, row, col);
    if (s[0] != '\\' || s[1] != 'x') return -1;
    return ck_net_unhex(dst, n, s + 2);
}

uint8_t *pg_val_dup(PGresult *r, int row, int col, size_t *len)
{
    const char *s = PQgetvalue(r, row, col);
    size_t n;
    uint8_t *d;
    *len = 0;
    if (s[0] != '\\' || s[1] != 'x') return NULL;
    n = strlen(s + 2) / 2;
    if ((d = malloc(n ? n : 1)) == NULL) return NULL;
    if (n && ck_net_unhex(d, n, s + 2) != 0) {
        free(d);
        return NULL;
    }
    *len = n;
    return d;
}

/* Runs one statement without rows on c; rc for its command status, and
 * how many rows it changed when affected. */
ck_store_rc pg_exec_params(pconn *c, const char *sql, params *p, long *affected)
{
    PGresult *r = pg_query(c, sql, p);
    ck_store_rc rc = pg_ok(r) ? CK_STORE_OK : pg_err_rc(r);
    if (rc == CK_STORE_OK && affected) *affected = strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return rc;
}

/* Runs an UPDATE or DELETE keyed to one row: NOT_FOUND when it changed none. */
ck_store_rc pg_exec_one(pconn *c, const char *sql, params *p)
{
    long n = 0;
    ck_store_rc rc = pg_exec_params(c, sql, p, &n);
    return rc == CK_STORE_OK && n == 0 ? CK_STORE_NOT_FOUND : rc;
}

ck_store_rc pg_audit_ins(pconn *c, const ck_store_audit *a, const char *target)
{
    params p = {0};
    if (a == NULL) return CK_STORE_OK;
    pg_param_int(&p, a->time_ms ? a->time_ms : ck_store_now_ms());
    pg_param_text(&p, a->actor);
    pg_param_text(&p, a->patient);
    pg_param_text(&p, a->action);
    pg_param_text(&p, target ? target : a->target);
    pg_param_text(&p, a->purpose);
    pg_param_text(&p, a->outcome);
    pg_param_int(&p, a->status);
    return pg_exec_params(c, "INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
                             "VALUES($1, $2, $3, $4, $5, $6, $7, $8)", &p, NULL);
}

/* The last step of a write transaction: its audit row, then COMMIT. */
ck_store_rc pg_audit_commit(pconn *c, const ck_store_audit *a, const char *target)
{
    ck_store_rc rc = pg_audit_ins(c, a, target);
    if (rc != CK_STORE_OK) return rc;
    return pg_exec_simple(c, "COMMIT") == 0 ? CK_STORE_OK : CK_STORE_ERROR;
}

/* Runs one statement in its own implicit transaction; rc for command status. */
ck_store_rc pg_simple(pgs *s, const char *sql, params *p)
{
    pconn *c = pg_conn_get(s);
    ck_store_rc rc = pg_exec_params(c, sql, p, NULL);
    pg_conn_put(s, c);
    return rc;
}

/* exec_one in its own implicit transaction. */
ck_store_rc pg_simple_one(pgs *s, const char *sql, params *p)
{
    pconn *c = pg_conn_get(s);
    ck_store_rc rc = pg_exec_one(c, sql, p);
    pg_conn_put(s, c);
    return rc;
}

/* One row of a query on c into out: OK, NOT_FOUND or an error. */
ck_store_rc pg_query_row(pconn *c, const char *sql, params *p, rowfn row, void *out)
{
    PGresult *r = pg_query(c, sql, p);
    ck_store_rc rc = CK_STORE_ERROR;
    if (!pg_ok(r))
        rc = pg_err_rc(r);
    else if (PQntuples(r) == 0)
        rc = CK_STORE_NOT_FOUND;
    else if (row(r, 0, out) == 0)
        rc = CK_STORE_OK;
    PQclear(r);
    return rc;
}

/* query_row on a pooled connection. */
ck_store_rc pg_read_one(pgs *s, const char *sql, params *p, rowfn row, void *out)
{
    pconn *c = pg_conn_get(s);
    ck_store_rc rc = pg_query_row(c, sql, p, row, out);
    pg_conn_put(s, c);
    return rc;
}

/* Every row of a query into a malloc'ed array of elements of size sz
 * (custom: planned for its parameters, pg_query_custom). On failure drop (when
 * given) frees what the rows read so far hold. */
ck_store_rc pg_read_rows(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v,
                         size_t *n, int custom)
{
    pconn *c = pg_conn_get(s);
    PGresult *r = custom ? pg_query_custom(c, sql, p) : pg_query(c, sql, p);
    char *arr = NULL;
    ck_store_rc rc = CK_STORE_ERROR;
    int rows = 0, i = 0;
    if (!pg_ok(r)) {
        rc = pg_err_rc(r);
        goto out;
    }
    rows = PQntuples(r);
    if ((arr = calloc((size_t)rows + 1, sz)) == NULL) goto out;
    for (; i < rows; i++)
        if (row(r, i, arr + (size_t)i * sz) != 0) goto out;
    *v = (void *)arr;
    *n = (size_t)rows;
    arr = NULL;
    rc = CK_STORE_OK;
out:
    for (int k = 0; arr && drop && k < i; k++) drop(arr + (size_t)k * sz);
    free(arr);
    PQclear(r);
    pg_conn_put(s, c);
    return rc;
}

ck_store_rc pg_read_all(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v,
                        size_t *n)
{
    return pg_read_rows(s, sql, p, row, drop, sz, v, n, 0);
}

/* A page of a list keyed by $1: the rows after $2 (seq or id), at most $3. */
ck_store_rc pg_read_page(pgs *s, const char *sql, const char *key, long long after, size_t limit, rowfn row,
                         dropfn drop, size_t sz, void **v, size_t *n)
{
    params p = {0};
    pg_param_text(&p, key);
    pg_param_int(&p, after);
    pg_param_int(&p, (long long)limit);
    return pg_read_all(s, sql, &p, row, drop, sz, v, n);
}

/* A one-row write keyed by $1 and $2 (NULL for NULL) in its own
 * transaction: NOT_FOUND when no row changed. */
ck_store_rc pg_keyed_write(pgs *s, const char *sql, const char *k1, const char *k2)
{
    params p = {0};
    pg_param_text(&p, k1);
    pg_param_text(&p, k2);
    return pg_simple_one(s, sql, &p);
}

int pg_row_none(PGresult *r, int i, void *out)
{
    (void)r;
    (void)i;
    (void)out;
    return 0;
}

int pg_row_int64(PGresult *r, int i, void *out)
{
    *(int64_t *)out = pg_val_int(r, i, 0);
    return 0;
}
