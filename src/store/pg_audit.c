/*
 * pg_audit.c - PostgreSQL back end: the audit log and replay nonces, and their
 * group commit (with the record cache's generation check).
 */
#include "pg_impl.h"

/* An item of the group commit: a nonce to use, an audit row, both (the
 * row is inserted only if the nonce is new: a read that ends a request
 * checked for replay at its end) or neither (a barrier). */
typedef struct gc_item {
    pg_item base;
    int has_nonce, has_audit;
    char caller[CK_STORE_ID_CAP + 16], nonce[CK_STORE_TOKEN_CAP];
    int64_t now, expire_before;
    ck_store_audit a;
} gc_item;

static gc_item *gc_next(const gc_item *w) { return (gc_item *)w->base.next; }

ck_store_rc pg_audit_add(ck_store *b, const ck_store_audit *a)
{
    return pg_audit_nonce(b, a, NULL);
}

static int row_audit(PGresult *r, int i, void *out)
{
    ck_store_audit *a = out;
    a->id = pg_val_int(r, i, 0);
    a->time_ms = pg_val_int(r, i, 1);
    pg_val_text(a->actor, sizeof a->actor, r, i, 2);
    pg_val_text(a->patient, sizeof a->patient, r, i, 3);
    pg_val_text(a->action, sizeof a->action, r, i, 4);
    pg_val_text(a->target, sizeof a->target, r, i, 5);
    pg_val_text(a->purpose, sizeof a->purpose, r, i, 6);
    pg_val_text(a->outcome, sizeof a->outcome, r, i, 7);
    a->status = (int)pg_val_int(r, i, 8);
    return 0;
}

ck_store_rc pg_audit_list(ck_store *b, const char *patient, int64_t after, size_t limit,
                          ck_store_audit **v, size_t *n)
{
    return pg_read_page((pgs *)b,
                        "SELECT " AUDIT_COLS " FROM audit WHERE patient = $1 AND id > $2 ORDER BY id LIMIT $3",
                        patient, after, limit, row_audit, NULL, sizeof **v, (void **)v, n);
}

/* Appends v to a PostgreSQL array literal as a quoted element. */
static int arr_add(char **buf, size_t *len, size_t *cap, const char *v)
{
    size_t need = *len + 2 * strlen(v) + 5; /* sep, quotes, closing brace, NUL */
    if (need > *cap) {
        size_t nc = need * 2;
        char *nb = realloc(*buf, nc);
        if (nb == NULL) return -1;
        *buf = nb;
        *cap = nc;
    }
    (*buf)[*len] = *len ? ',' : '{';
    (*len)++;
    (*buf)[(*len)++] = '"';
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\') (*buf)[(*len)++] = '\\';
        (*buf)[(*len)++] = *p;
    }
    (*buf)[(*len)++] = '"';
    (*buf)[*len] = 0;
    return 0;
}

/* PostgreSQL array literals, one per column of a batch: the nonces
 * (caller, nonce, created_at), then the audit rows with the nonce each
 * depends on ('' for none); both followed by the record and generation a
 * cached read was served at ('' and 0 for none). */
enum { GC_NONCE_COLS = 5, GC_AUDIT_COLS = 12, GC_COLS = GC_NONCE_COLS + GC_AUDIT_COLS };
typedef struct {
    char *v[GC_COLS];
    size_t len[GC_COLS], cap[GC_COLS];
    size_t rows;
} gc_arrays;

static int gc_add(gc_arrays *g, int first, int n, const char *const *v)
{
    for (int i = 0; i < n; i++)
        if (arr_add(&g->v[first + i], &g->len[first + i], &g->cap[first + i], v[i])) return -1;
    g->rows++;
    return 0;
}

/* A nonce an earlier item of the batch uses too: a replay, answered
 * CONFLICT without sending it (nor the audit row that depends on it). */
static int gc_repeated(const gc_item *batch, const gc_item *w)
{
    for (const gc_item *x = batch; x != w; x = gc_next(x))
        if (x->has_nonce && !strcmp(x->caller, w->caller) && !strcmp(x->nonce, w->nonce)) return 1;
    return 0;
}

/* The record whose generation the item's read depends on ('' for none). */
static const char *gc_gen_patient(const gc_item *w)
{
    return w->has_audit && w->a.read_gen ? w->a.patient : "";
}

static int gc_collect_one(gc_arrays *g, gc_item *w)
{
    char n1[24], n2[24], gen[24];
    const ck_store_audit *a = &w->a;
    snprintf(gen, sizeof gen, "%lld", (long long)(w->has_audit ? a->read_gen : 0));
    if (w->has_nonce) {
        snprintf(n1, sizeof n1, "%lld", (long long)w->now);
        const char *v[GC_NONCE_COLS] = {w->caller, w->nonce, n1, gc_gen_patient(w), gen};
        if (gc_add(g, 0, GC_NONCE_COLS, v)) return -1;
    }
    if (w->has_audit) {
        snprintf(n1, sizeof n1, "%lld", (long long)(a->time_ms ? a->time_ms : ck_store_now_ms()));
        snprintf(n2, sizeof n2, "%d", a->status);
        const char *v[GC_AUDIT_COLS] = {n1, a->actor, a->patient, a->action, a->target, a->purpose, a->outcome,
                                        n2, w->has_nonce ? w->caller : "", w->has_nonce ? w->nonce : "",
                                        gc_gen_patient(w), gen};
        if (gc_add(g, GC_NONCE_COLS, GC_AUDIT_COLS, v)) return -1;
    }
    return 0;
}

/* The batch's rows as array literals ('{}' for a column without rows). */
static int gc_collect(gc_arrays *g, gc_item *batch)
{
    for (gc_item *w = batch; w; w = gc_next(w)) {
        w->base.rc = w->has_nonce ? CK_STORE_REPLAYED : CK_STORE_ERROR;
        if (w->has_nonce && gc_repeated(batch, w)) continue;
        if (gc_collect_one(g, w)) return -1;
    }
    for (int i = 0; i < GC_COLS; i++) {
        if (!g->v[i] && !(g->v[i] = strdup("{}"))) return -1;
        if (g->len[i]) { /* arr_add leaves the closing brace out */
            g->v[i][g->len[i]++] = '}';
            g->v[i][g->len[i]] = 0;
        }
    }
    return 0;
}

/* The oldest nonce a waiter still needs kept: expired ones are deleted
 * now and then (every 256 batches). */
static void gc_expire(pgs *s, pconn *c, gc_item *batch)
{
    params d = {0};
    gc_item *w;
    for (w = batch; w && !w->has_nonce; w = gc_next(w)) continue;
    if (!w || __atomic_add_fetch(&s->nonce_calls, 1, __ATOMIC_RELAXED) % 256 != 0) return;
    pg_param_int(&d, w->expire_before);
    PQclear(pg_query_custom(c, "DELETE FROM nonces WHERE created_at < $1", &d));
}

/* A generation as the batch's statement read it, once per record (gen). */
#define GC_GEN_OF(col) "(SELECT gen.gen FROM gen WHERE gen.patient = " col ")"

/* The nonces inserted unless used before, and the audit rows whose nonce
 * (if any) is among the new ones; an item read from a cache commits only
 * while its record is at the generation it was read at. The result names
 * the new nonces (0, caller, nonce) and the generations now of the
 * records checked (1, patient, gen), each record's row read once (a batch
 * of reads is mostly of a few records): one snapshot for all of it. */
static const char gc_sql[] =
    "WITH gen AS MATERIALIZED (SELECT r.patient, r.gen FROM records r WHERE r.patient = ANY($16::text[])), "
    "n AS (INSERT INTO nonces(caller, nonce, created_at) SELECT u.caller, u.nonce, u.t "
    "  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) AS u(caller, nonce, t, gp, g) "
    "  WHERE u.gp = '' OR u.g = " GC_GEN_OF("u.gp") " ON CONFLICT DO NOTHING RETURNING caller, nonce), "
    "a AS (INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
    "  SELECT u.t, u.actor, u.patient, u.action, u.target, u.purpose, u.outcome, u.status "
    "  FROM unnest($6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], "
    "    $13::integer[], $14::text[], $15::text[], $16::text[], $17::bigint[]) AS u(t, actor, patient, action, "
    "    target, purpose, outcome, status, nc, nn, gp, g) "
    "  WHERE (u.nc = '' OR EXISTS (SELECT 1 FROM n WHERE n.caller = u.nc AND n.nonce = u.nn)) "
    "  AND (u.gp = '' OR u.g = " GC_GEN_OF("u.gp") ")) "
    "SELECT 0, caller, nonce FROM n UNION ALL SELECT 1, patient, gen::text FROM gen";

/* 1 when w's read was served at a generation its record has left. */
static int gc_changed(const gc_item *w, PGresult *r)
{
    if (!*gc_gen_patient(w)) return 0;
    for (int i = 0; i < PQntuples(r); i++)
        if (pg_val_int(r, i, 0) == 1 && !strcmp(PQgetvalue(r, i, 1), w->a.patient))
            return pg_val_int(r, i, 2) != w->a.read_gen;
    return 1; /* the record is gone */
}

/* Marks the first item still REPLAYED with each returned nonce as new;
 * an item whose record changed is CHANGED (its nonce was not used). */
static void gc_results(gc_item *batch, PGresult *r)
{
    for (gc_item *w = batch; w; w = gc_next(w))
        if (!w->has_nonce) w->base.rc = CK_STORE_OK;
    for (int i = 0; i < PQntuples(r); i++)
        for (gc_item *w = batch; w && pg_val_int(r, i, 0) == 0; w = gc_next(w))
            if (w->has_nonce && w->base.rc == CK_STORE_REPLAYED && !strcmp(w->caller, PQgetvalue(r, i, 1)) &&
                !strcmp(w->nonce, PQgetvalue(r, i, 2))) {
                w->base.rc = CK_STORE_OK;
                break;
            }
    for (gc_item *w = batch; w; w = gc_next(w))
        if (gc_changed(w, r)) w->base.rc = CK_STORE_CHANGED;
}

/* One statement for the batch (none for a batch of barriers). */
static void gc_batch(pgs *s, gc_item *batch)
{
    gc_arrays g;
    params p = {0};
    PGresult *r = NULL;
    gc_item *w;
    int unavailable = 0;
    pconn *c;
    memset(&g, 0, sizeof g);
    if (gc_collect(&g, batch) != 0) goto fail;
    if (g.rows == 0) {
        for (w = batch; w; w = gc_next(w))
            if (!w->has_nonce) w->base.rc = CK_STORE_OK;
        goto out;
    }
    for (int i = 0; i < GC_COLS; i++) pg_param_text(&p, g.v[i]);
    c = pg_conn_get(s);
    gc_expire(s, c, batch);
    r = pg_query(c, gc_sql, &p);
    pg_conn_put(s, c);
    if (!pg_ok(r)) {
        pg_err_rc(r);
        unavailable = ck_store_unavailable();
        goto fail;
    }
    gc_results(batch, r);
    goto out;
fail:
    for (w = batch; w; w = gc_next(w)) {
        w->base.rc = CK_STORE_ERROR;
        w->base.unavailable = unavailable;
    }
out:
    PQclear(r);
    for (int i = 0; i < GC_COLS; i++) free(g.v[i]);
}

static void gc_commit(pgs *s, pg_item *batch) { gc_batch(s, (gc_item *)batch); }

void pg_gc_init(pgs *s) { pg_group_init(&s->gc, s, NULL, gc_commit, NULL); }

static int gc_fill(gc_item *it, const ck_store_audit *a, const ck_store_nonce *n)
{
    if (n) {
        if (!n->caller || !n->nonce || strlen(n->caller) >= sizeof it->caller || strlen(n->nonce) >= sizeof it->nonce)
            return -1;
        strcpy(it->caller, n->caller);
        strcpy(it->nonce, n->nonce);
        it->now = n->now_ms;
        it->expire_before = n->expire_before_ms;
        it->has_nonce = 1;
    }
    if (a) {
        it->a = *a;
        it->has_audit = 1;
    }
    return 0;
}

ck_store_rc pg_audit_nonce_async(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n,
                                 ck_store_done_fn fn, void *ctx)
{
    pgs *s = (pgs *)b;
    gc_item *it = calloc(1, sizeof *it);
    if (it == NULL) return CK_STORE_ERROR;
    it->base.fn = fn;
    it->base.ctx = ctx;
    it->base.size = sizeof *it;
    if (fn == NULL || gc_fill(it, a, n) != 0 || pg_group_submit(&s->gc, &it->base) != 0) {
        free(it);
        return CK_STORE_ERROR;
    }
    return CK_STORE_OK;
}

/* The waiting form: queues the item, and runs the batch itself whenever
 * none is under way, until its own item is answered. */
ck_store_rc pg_audit_nonce(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n)
{
    pgs *s = (pgs *)b;
    gc_item me;
    ck_store_rc rc;
    memset(&me, 0, sizeof me);
    if (gc_fill(&me, a, n) != 0) return CK_STORE_ERROR;
    pg_group_wait(&s->gc, &me.base);
    rc = me.base.rc;
    OPENSSL_cleanse(&me, sizeof me);
    return rc;
}

ck_store_rc pg_audit_add_async(ck_store *b, const ck_store_audit *a, ck_store_done_fn fn, void *ctx)
{
    return pg_audit_nonce_async(b, a, NULL, fn, ctx);
}

/* A barrier: every item queued before it is committed by then. */
ck_store_rc pg_sync_async(ck_store *b, ck_store_done_fn fn, void *ctx)
{
    return pg_audit_nonce_async(b, NULL, NULL, fn, ctx);
}

ck_store_rc pg_nonce_use(ck_store *b, const char *caller, const char *nonce, int64_t now,
                         int64_t expire_before)
{
    ck_store_nonce n = {caller, nonce, now, expire_before};
    ck_store_rc rc = pg_audit_nonce(b, NULL, &n);
    return rc == CK_STORE_REPLAYED ? CK_STORE_CONFLICT : rc;
}

/* Multi-instance: the database is the only place that knows every
 * instance's nonces, so a put is a full check. */
ck_store_rc pg_nonce_put(ck_store *b, const char *caller, const char *nonce, int64_t now,
                         int64_t expire_before)
{
    ck_store_rc rc = pg_nonce_use(b, caller, nonce, now, expire_before);
    return rc == CK_STORE_CONFLICT ? CK_STORE_OK : rc;
}

ck_store_rc pg_nonce_load(ck_store *b, int64_t since, ck_store_nonce_fn fn, void *ctx)
{
    pgs *s = (pgs *)b;
    pconn *c = pg_conn_get(s);
    params p = {0};
    PGresult *r;
    ck_store_rc rc = CK_STORE_ERROR;
    pg_param_int(&p, since);
    r = pg_query(c, "SELECT caller, nonce, created_at FROM nonces WHERE created_at >= $1", &p);
    if (pg_ok(r)) {
        for (int i = 0; i < PQntuples(r); i++) fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), pg_val_int(r, i, 2));
        rc = CK_STORE_OK;
    } else {
        rc = pg_err_rc(r);
    }
    PQclear(r);
    pg_conn_put(s, c);
    return rc;
}

ck_store_rc pg_size(ck_store *b, int64_t *bytes)
{
    pgs *s = (pgs *)b;
    pconn *c = pg_conn_get(s);
    PGresult *r = pg_query(c, "SELECT pg_database_size(current_database())", NULL);
    ck_store_rc rc = CK_STORE_ERROR;
    if (pg_ok(r) && PQntuples(r) == 1) {
        *bytes = pg_val_int(r, 0, 0);
        rc = CK_STORE_OK;
    }
    PQclear(r);
    pg_conn_put(s, c);
    return rc;
}
