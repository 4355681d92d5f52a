/*
 * pg_append.c - PostgreSQL back end: a record's head and appends to it: the head
 * hint, the compare-and-swap of one append, the append group commit, and
 * the locked path of a tombstone.
 */
#include "pg_impl.h"

/* A record's generation by its primary key, as a correlated scalar
 * subquery: an index probe per row of a batch. (EXISTS or IN let the
 * planner choose a hashed subplan over the whole table.) */
#define GEN_OF(col) "(SELECT r.gen FROM records r WHERE r.patient = " col ")"

/* A record's head: its last seq and hash. */
struct head_row {
    uint64_t seq;
    uint8_t hash[32];
};

/* The heads this instance last saw, a hint that spares an append its read
 * of the head when the client chains onto the head it knows: the
 * compare-and-swap still checks the head in the database, so a stale hint
 * (another instance appended) costs a refusal and a forgotten slot, never
 * a wrong entry. A fixed table; a colliding record takes the slot over. */
#define HEAD_SLOTS 4096
typedef struct {
    char patient[CK_STORE_ID_CAP];
    struct head_row head;
} head_slot;

struct head_cache {
    pthread_mutex_t mu;
    head_slot slot[HEAD_SLOTS];
};

struct head_cache *pg_heads_new(void)
{
    struct head_cache *h = calloc(1, sizeof *h);
    if (h) pthread_mutex_init(&h->mu, NULL);
    return h;
}

void pg_heads_free(struct head_cache *h)
{
    if (h == NULL) return;
    pthread_mutex_destroy(&h->mu);
    free(h);
}

static head_slot *head_slot_of(struct head_cache *h, const char *patient)
{
    uint32_t x = 2166136261u; /* FNV-1a */
    for (const char *p = patient; *p; p++) x = (x ^ (uint8_t)*p) * 16777619u;
    return &h->slot[x % HEAD_SLOTS];
}

static int head_hint(pgs *s, const char *patient, struct head_row *out)
{
    head_slot *sl = head_slot_of(s->heads, patient);
    int hit;
    pthread_mutex_lock(&s->heads->mu);
    hit = strcmp(sl->patient, patient) == 0;
    if (hit) *out = sl->head;
    pthread_mutex_unlock(&s->heads->mu);
    return hit;
}

/* seq 0 forgets the record's hint. */
static void head_note(pgs *s, const char *patient, uint64_t seq, const uint8_t hash[32])
{
    head_slot *sl = head_slot_of(s->heads, patient);
    if (strlen(patient) >= sizeof sl->patient) return;
    pthread_mutex_lock(&s->heads->mu);
    if (seq == 0) {
        if (strcmp(sl->patient, patient) == 0) sl->patient[0] = 0;
    } else {
        strcpy(sl->patient, patient);
        sl->head.seq = seq;
        memcpy(sl->head.hash, hash, 32);
    }
    pthread_mutex_unlock(&s->heads->mu);
}

static int row_head(PGresult *r, int i, void *out)
{
    struct head_row *h = out;
    h->seq = (uint64_t)pg_val_int(r, i, 0);
    return pg_val_fixed(h->hash, 32, r, i, 1);
}

/* Sorts seqs (qsort). */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The first of e's drops the statement did not take (RETURNING seq). */
static uint64_t first_refused(const ck_store_entry *e, PGresult *r)
{
    int n = PQntuples(r);
    uint64_t *got = calloc((size_t)n + 1, sizeof *got);
    uint64_t miss = e->drop[0];
    if (got == NULL) return miss;
    for (int i = 0; i < n; i++) got[i] = (uint64_t)pg_val_int(r, i, 0);
    qsort(got, (size_t)n, sizeof *got, cmp_u64);
    for (size_t i = 0; i < e->n_drop; i++)
        if (!bsearch(&e->drop[i], got, (size_t)n, sizeof *got, cmp_u64)) {
            miss = e->drop[i];
            break;
        }
    free(got);
    return miss;
}

/* A tombstone's drops in one statement: only bodies still there, of
 * entries a later one of their section supersedes (the SET sees the old
 * envelope). INVALID (e->drop_refused set) unless it took every one; the
 * caller's transaction then rolls back. */
static ck_store_rc entry_drops(pconn *c, ck_store_entry *e)
{
    params p = {0};
    PGresult *r;
    char *arr = malloc(e->n_drop * 21 + 3);
    size_t len = 0;
    ck_store_rc rc = CK_STORE_ERROR;
    if (arr == NULL) return rc;
    arr[len++] = '{';
    for (size_t i = 0; i < e->n_drop; i++)
        len += (size_t)snprintf(arr + len, 22, "%s%llu", i ? "," : "", (unsigned long long)e->drop[i]);
    memcpy(arr + len, "}", 2);
    pg_param_text(&p, e->patient);
    pg_param_text(&p, arr);
    r = pg_query(c, "UPDATE entries d SET body_sha256 = sha256(d.envelope), envelope = NULL "
                    "WHERE d.patient = $1 AND d.seq = ANY($2::bigint[]) AND d.envelope IS NOT NULL "
                    "AND EXISTS(SELECT 1 FROM entries l WHERE l.patient = $1 AND l.supersedes = d.seq "
                    "AND l.seq > d.seq AND l.section = d.section) RETURNING d.seq", &p);
    if (!pg_ok(r)) {
        rc = pg_err_rc(r);
    } else if ((size_t)PQntuples(r) != e->n_drop) {
        e->drop_refused = first_refused(e, r);
        rc = CK_STORE_INVALID;
    } else {
        rc = CK_STORE_OK;
    }
    PQclear(r);
    free(arr);
    return rc;
}

static ck_store_rc append_locked(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n);

/* The append of an entry that drops no bodies, in one statement (one round
 * trip, one commit) after one read of the head: the UPDATE of the head row
 * is a compare-and-swap on (seq, hash) that also holds the time floor, and
 * the entry and its audit row are inserted only from the row it changed.
 * A concurrent append to the same record waits for the row lock, then
 * finds the head moved and changes nothing (CONFLICT). Six round trips
 * and a transaction block become two. */
/* With the request's nonce ($13, $14; '' for none): the head moves only if
 * the nonce was never used, and the nonce is recorded only with the entry
 * (a refused append leaves it to the caller). Two copies of one request
 * racing on two instances both pass the nonce test, but the second finds
 * the head moved once the first's row lock is released. */
static const char append_cas[] =
    "WITH upd AS (UPDATE records SET head_seq = $2::bigint, head_hash = $4::bytea "
    "  WHERE patient = $1::text AND head_seq = $2::bigint - 1 AND head_hash = $3::bytea "
    "  AND NOT EXISTS (SELECT 1 FROM nonces WHERE caller = $13::text AND nonce = $14::text) "
    "  AND ($16::bigint = 0 OR gen = $16::bigint) "
    "  AND $8::bigint >= GREATEST(COALESCE((SELECT time_ms FROM entries WHERE patient = $1::text "
    "    AND seq = $2::bigint - 1), 0), COALESCE(signed_time, 0)) RETURNING patient), "
    "ins AS (INSERT INTO entries(" ENTRY_COLS ") SELECT $1::text, $2::bigint, $3::bytea, $4::bytea, $5::text, "
    "  $6::text, $7::text, $8::bigint, $9::bytea, $10::bytea, $11::bigint, $12::bigint, NULL FROM upd RETURNING 1), "
    "nn AS (INSERT INTO nonces(caller, nonce, created_at) SELECT $13::text, $14::text, $15::bigint FROM upd "
    "  WHERE $13::text <> '' ON CONFLICT DO NOTHING)%s "
    "SELECT (SELECT count(*) FROM ins), EXISTS (SELECT 1 FROM nonces WHERE caller = $13::text AND nonce = $14::text), "
    "  $16::bigint <> 0 AND " GEN_OF("$1::text") " IS DISTINCT FROM $16::bigint";
static const char append_cas_audit[] =
    ", aud AS (INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
    "  SELECT $17::bigint, $18::text, $1::text, $19::text, $20::text, $21::text, $22::text, $23::integer FROM upd)";

/* An entry's columns as $1-$12, in ENTRY_COLS order (body_sha256 aside). */
static void entry_params(params *p, const ck_store_entry *e)
{
    pg_param_text(p, e->patient);
    pg_param_int(p, (long long)e->seq);
    pg_param_bin(p, e->prev_hash, 32);
    pg_param_bin(p, e->hash, 32);
    pg_param_text(p, e->section);
    pg_param_text(p, e->resource_type);
    pg_param_text(p, e->author);
    pg_param_int(p, e->time_ms);
    pg_param_bin(p, e->envelope, e->envelope_len);
    pg_param_bin(p, e->signature, 64);
    pg_param_int(p, e->received_at);
    pg_param_int(p, (long long)e->supersedes);
}

/* The request's nonce as the statement's parameters ('' for none). */
static void nonce_params(params *p, const ck_store_nonce *n)
{
    pg_param_text(p, n ? n->caller : "");
    pg_param_text(p, n ? n->nonce : "");
    pg_param_int(p, n ? n->now_ms : 0);
}

/* An append waiting for the append group commit: a waiter's (append_fast,
 * on its stack) or an asynchronous one (pg_append_async, allocated, its
 * audit row and nonce copied). */
typedef struct ap_item {
    pg_item base;
    ck_store_entry *e;
    const ck_store_audit *a;
    const ck_store_nonce *n;
    char target[40];
    uint64_t head_seq; /* the head it chains onto */
    ck_store_audit a_copy;
    ck_store_nonce n_copy;
    char caller[CK_STORE_ID_CAP + 16], nonce[CK_STORE_TOKEN_CAP];
} ap_item;

static ap_item *ap_next(const ap_item *it) { return (ap_item *)it->base.next; }

/* One append's compare-and-swap statement on c. */
static ck_store_rc cas_one(pconn *c, ap_item *it)
{
    char sql[sizeof append_cas + sizeof append_cas_audit];
    const ck_store_entry *e = it->e;
    const ck_store_audit *a = it->a;
    params p = {0};
    PGresult *r;
    ck_store_rc rc;
    snprintf(sql, sizeof sql, append_cas, a ? append_cas_audit : "");
    entry_params(&p, e);
    nonce_params(&p, it->n);
    pg_param_int(&p, a ? a->read_gen : 0);
    if (a) {
        pg_param_int(&p, a->time_ms ? a->time_ms : ck_store_now_ms());
        pg_param_text(&p, a->actor);
        pg_param_text(&p, a->action);
        pg_param_text(&p, it->target);
        pg_param_text(&p, a->purpose);
        pg_param_text(&p, a->outcome);
        pg_param_int(&p, a->status);
    }
    r = pg_query(c, sql, &p);
    if (!pg_ok(r) || PQntuples(r) != 1)
        rc = pg_ok(r) ? CK_STORE_ERROR : pg_err_rc(r);
    else if (pg_val_int(r, 0, 0) == 1)
        rc = CK_STORE_OK;
    else if (strcmp(PQgetvalue(r, 0, 2), "t") == 0)
        rc = CK_STORE_CHANGED;
    else
        rc = strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? CK_STORE_REPLAYED : CK_STORE_CONFLICT;
    PQclear(r);
    return rc;
}

/* Why a compare-and-swap changed nothing: the head moved (CONFLICT), or
 * the entry is dated before the previous one or the signed head (STALE). */
static ck_store_rc cas_refused(pconn *c, const ck_store_entry *e, uint64_t head_seq)
{
    params p = {0};
    int64_t floor_ms = 0;
    pg_param_text(&p, e->patient);
    pg_param_int(&p, (long long)head_seq);
    if (pg_query_row(c, "SELECT head_seq FROM records WHERE patient = $1 AND head_seq = $2", &p, pg_row_int64,
                     &floor_ms) == CK_STORE_OK &&
        pg_query_row(c, "SELECT GREATEST(COALESCE((SELECT time_ms FROM entries WHERE patient = $1 AND seq = $2), 0), "
                        "COALESCE(signed_time, 0)) FROM records WHERE patient = $1", &p, pg_row_int64,
                     &floor_ms) == CK_STORE_OK &&
        e->time_ms < floor_ms)
        return CK_STORE_STALE;
    return CK_STORE_CONFLICT;
}

/* An append's item, once its head is known: from the head hint, else
 * read (one round trip). CONFLICT when it does not chain onto the head. */
static ck_store_rc ap_prepare(pgs *s, ap_item *it, ck_store_entry *e, const ck_store_audit *a,
                              const ck_store_nonce *n)
{
    params p = {0};
    struct head_row head;
    ck_store_rc rc;

    pg_param_text(&p, e->patient);
    if (!head_hint(s, e->patient, &head) || memcmp(head.hash, e->prev_hash, 32) != 0) {
        rc = pg_read_one(s, "SELECT head_seq, head_hash FROM records WHERE patient = $1", &p, row_head, &head);
        if (rc != CK_STORE_OK) return rc;
    }
    if (memcmp(head.hash, e->prev_hash, 32) != 0) return CK_STORE_CONFLICT;
    e->seq = head.seq + 1;
    e->received_at = ck_store_now_ms();
    if (ck_store_hash_entry(e) != 0) return CK_STORE_ERROR;
    it->e = e;
    it->a = a;
    it->n = n;
    it->head_seq = head.seq;
    snprintf(it->target, sizeof it->target, "seq:%llu", (unsigned long long)e->seq);
    return CK_STORE_OK;
}

/* The head hint follows the outcome; a refused compare-and-swap says why. */
static ck_store_rc ap_outcome(pgs *s, const ap_item *it)
{
    pconn *c;
    ck_store_rc rc = it->base.rc;
    if (rc == CK_STORE_OK) head_note(s, it->e->patient, it->e->seq, it->e->hash);
    if (rc != CK_STORE_CONFLICT) return rc;
    head_note(s, it->e->patient, 0, NULL); /* read it next time */
    c = pg_conn_get(s);
    rc = cas_refused(c, it->e, it->head_seq);
    pg_conn_put(s, c);
    return rc;
}

/* The append of an entry that drops no bodies: one statement (one round
 * trip, one commit, shared with the appends queued meanwhile) after one
 * read of the head, which the head hint usually spares. */
static ck_store_rc append_fast(pgs *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    ap_item it;
    ck_store_rc rc;
    memset(&it, 0, sizeof it);
    if ((rc = ap_prepare(s, &it, e, a, n)) != CK_STORE_OK) return rc;
    pg_group_wait(&s->ap, &it.base);
    return ap_outcome(s, &it);
}

/* ---- the append group commit -------------------------------------------- */

/* Appends queued at the same time go to the database in one statement:
 * the compare-and-swap of append_cas over arrays, one row per append, of
 * distinct records (two appends to one record wait for separate batches:
 * the second chains onto the first's new head or fails its CAS alone).
 * As with the read's group commit, a waiting caller runs the next batch
 * on its own thread when none is under way. */
#define AP_BATCH_MAX 64
/* Whether u's nonce was used: a correlated scalar subquery, so an index
 * probe per row (NOT EXISTS became a hash anti-join over all nonces). */
#define AP_NONCE_USED "(SELECT 1 FROM nonces WHERE caller = u.nc AND nonce = u.nn)"
enum { AP_COLS = 23 };
static const char ap_sql[] =
    "WITH u AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], "
    "  $7::text[], $8::bigint[], $9::bytea[], $10::bytea[], $11::bigint[], $12::bigint[], $13::text[], $14::text[], "
    "  $15::bigint[], $16::bigint[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], "
    "  $22::integer[], $23::bigint[]) AS u(patient, seq, prev, hash, section, rtype, author, time_ms, envelope, "
    "  signature, received, supersedes, nc, nn, nt, at, actor, action, target, purpose, outcome, status, g)), "
    "upd AS (UPDATE records r SET head_seq = u.seq, head_hash = u.hash FROM u "
    "  WHERE r.patient = u.patient AND r.head_seq = u.seq - 1 AND r.head_hash = u.prev "
    "  AND " AP_NONCE_USED " IS NULL AND (u.g = 0 OR r.gen = u.g) "
    "  AND u.time_ms >= GREATEST(COALESCE((SELECT time_ms FROM entries e WHERE e.patient = u.patient "
    "    AND e.seq = u.seq - 1), 0), COALESCE(r.signed_time, 0)) RETURNING r.patient), "
    "ins AS (INSERT INTO entries(" ENTRY_COLS ") SELECT u.patient, u.seq, u.prev, u.hash, u.section, u.rtype, "
    "  u.author, u.time_ms, u.envelope, u.signature, u.received, u.supersedes, NULL FROM u JOIN upd USING (patient)), "
    "nn AS (INSERT INTO nonces(caller, nonce, created_at) SELECT u.nc, u.nn, u.nt FROM u JOIN upd USING (patient) "
    "  WHERE u.nc <> '' ON CONFLICT DO NOTHING), "
    "aud AS (INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
    "  SELECT u.at, u.actor, u.patient, u.action, u.target, u.purpose, u.outcome, u.status "
    "  FROM u JOIN upd USING (patient) WHERE u.actor <> '') "
    "SELECT 0, patient FROM upd "
    "UNION ALL SELECT 1, u.patient FROM u WHERE u.nc <> '' AND " AP_NONCE_USED " IS NOT NULL "
    "UNION ALL SELECT 2, u.patient FROM u WHERE u.g <> 0 AND u.g IS DISTINCT FROM " GEN_OF("u.patient");

/* The batch's columns as binary one-dimensional arrays (the format of
 * PostgreSQL's array_recv: dimensions, flags, element type, then each
 * element's length and bytes, all big-endian): no text to escape here nor
 * to parse there, and the envelopes go as they are. */
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_INT4 = 23, OID_TEXT = 25 };
static const unsigned ap_oid[AP_COLS] = {OID_TEXT, OID_INT8, OID_BYTEA, OID_BYTEA, OID_TEXT, OID_TEXT,
                                         OID_TEXT, OID_INT8, OID_BYTEA, OID_BYTEA, OID_INT8, OID_INT8,
                                         OID_TEXT, OID_TEXT, OID_INT8, OID_INT8, OID_TEXT, OID_TEXT,
                                         OID_TEXT, OID_TEXT, OID_TEXT, OID_INT4, OID_INT8};
#define AP_HEAD 20 /* ndim, has-null, element type, length, lower bound */

typedef struct {
    uint8_t *v[AP_COLS];
    size_t len[AP_COLS], cap[AP_COLS];
    uint32_t rows;
} ap_arrays;

static void be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* Appends one element of n bytes to column col. */
static int ap_put(ap_arrays *g, int col, const void *b, size_t n)
{
    size_t need = (g->len[col] ? g->len[col] : AP_HEAD) + 4 + n;
    if (n > INT32_MAX) return -1;
    if (need > g->cap[col]) {
        size_t nc = need * 2 + 256;
        uint8_t *nb = realloc(g->v[col], nc);
        if (nb == NULL) return -1;
        g->v[col] = nb;
        g->cap[col] = nc;
    }
    if (g->len[col] == 0) g->len[col] = AP_HEAD;
    be32(g->v[col] + g->len[col], (uint32_t)n);
    if (n) memcpy(g->v[col] + g->len[col] + 4, b, n);
    g->len[col] += 4 + n;
    return 0;
}

static int ap_put_int(ap_arrays *g, int col, int64_t v)
{
    uint8_t b[8];
    if (ap_oid[col] == OID_INT4) {
        be32(b, (uint32_t)v);
        return ap_put(g, col, b, 4);
    }
    be32(b, (uint32_t)((uint64_t)v >> 32));
    be32(b + 4, (uint32_t)v);
    return ap_put(g, col, b, 8);
}

static int ap_put_text(ap_arrays *g, int col, const char *s) { return ap_put(g, col, s, strlen(s)); }

static int ap_collect_one(ap_arrays *g, const ap_item *it)
{
    const ck_store_entry *e = it->e;
    const ck_store_audit *a = it->a;
    const ck_store_nonce *n = it->n;
    const char *text[AP_COLS] = {e->patient, NULL, NULL, NULL, e->section, e->resource_type, e->author, NULL,
                                 NULL, NULL, NULL, NULL, n ? n->caller : "", n ? n->nonce : "", NULL, NULL,
                                 a ? a->actor : "", a ? a->action : "", it->target, a ? a->purpose : "",
                                 a ? a->outcome : "", NULL, NULL};
    const int64_t num[AP_COLS] = {[1] = (int64_t)e->seq, [7] = e->time_ms, [10] = e->received_at,
                                  [11] = (int64_t)e->supersedes, [14] = n ? n->now_ms : 0,
                                  [15] = a ? (a->time_ms ? a->time_ms : ck_store_now_ms()) : 0,
                                  [21] = a ? a->status : 0, [22] = a ? a->read_gen : 0};
    const uint8_t *bytes[AP_COLS] = {[2] = e->prev_hash, [3] = e->hash, [8] = e->envelope, [9] = e->signature};
    const size_t blen[AP_COLS] = {[2] = 32, [3] = 32, [8] = e->envelope_len, [9] = 64};
    int rc = 0;
    for (int i = 0; i < AP_COLS && rc == 0; i++)
        rc = ap_oid[i] == OID_BYTEA ? ap_put(g, i, bytes[i], blen[i])
             : ap_oid[i] == OID_TEXT ? ap_put_text(g, i, text[i])
                                     : ap_put_int(g, i, num[i]);
    g->rows++;
    return rc;
}

/* Writes each column's header once every row is in. */
static void ap_finish(ap_arrays *g)
{
    for (int i = 0; i < AP_COLS; i++) {
        be32(g->v[i], 1);
        be32(g->v[i] + 4, 0);
        be32(g->v[i] + 8, ap_oid[i]);
        be32(g->v[i] + 12, g->rows);
        be32(g->v[i] + 16, 1);
    }
}

/* The batch's statement; NULL result on a failure to build it. */
static PGresult *ap_run(pconn *c, ap_item *batch)
{
    ap_arrays g;
    params p = {0};
    PGresult *r = NULL;
    memset(&g, 0, sizeof g);
    for (ap_item *it = batch; it; it = ap_next(it))
        if (ap_collect_one(&g, it) != 0) goto out;
    ap_finish(&g);
    for (int i = 0; i < AP_COLS; i++) pg_param_bin(&p, g.v[i], g.len[i]);
    r = pg_query(c, ap_sql, &p);
out:
    for (int i = 0; i < AP_COLS; i++) free(g.v[i]);
    return r;
}

static int ap_listed(PGresult *r, int kind, const char *patient)
{
    for (int i = 0; i < PQntuples(r); i++)
        if (pg_val_int(r, i, 0) == kind && !strcmp(PQgetvalue(r, i, 1), patient)) return 1;
    return 0;
}

/* Commits the batch on one pooled connection. A batch of one, and every
 * append of a batch that failed as a whole for another reason than a
 * lost primary (a deadlock with another instance's batch, say), runs the
 * one-row statement. */
static void ap_commit(pgs *s, pg_item *first)
{
    ap_item *batch = (ap_item *)first;
    pconn *c = pg_conn_get(s);
    PGresult *r = first->next ? ap_run(c, batch) : NULL;
    int failed = r && !pg_ok(r), lost = failed && (pg_err_rc(r), ck_store_unavailable());
    for (ap_item *it = batch; it; it = ap_next(it)) {
        if (lost)
            it->base.rc = CK_STORE_ERROR;
        else if (r == NULL || failed)
            it->base.rc = cas_one(c, it);
        else
            it->base.rc = ap_listed(r, 0, it->e->patient)   ? CK_STORE_OK
                          : ap_listed(r, 2, it->e->patient) ? CK_STORE_CHANGED
                          : ap_listed(r, 1, it->e->patient) ? CK_STORE_REPLAYED
                                                            : CK_STORE_CONFLICT;
        it->base.unavailable = ck_store_unavailable();
    }
    PQclear(r);
    pg_conn_put(s, c);
}

/* Whether two queued appends must go in separate batches: one record (the
 * second chains onto the first's head), or one request nonce (a batch
 * checks each nonce before it records any). */
static int ap_clash(const ap_item *x, const ap_item *y)
{
    return !strcmp(x->e->patient, y->e->patient) ||
           (x->n && y->n && !strcmp(x->n->caller, y->n->caller) && !strcmp(x->n->nonce, y->n->nonce));
}

/* Takes the next batch off the queue q: in order, each append that
 * clashes with none taken before it, at most AP_BATCH_MAX. */
static pg_item *ap_take(pg_item **q)
{
    pg_item *batch = NULL, **bt = &batch, **pp = q;
    int n = 0;
    while (*pp && n < AP_BATCH_MAX) {
        pg_item *it = *pp;
        int dup = 0;
        for (pg_item *b = batch; b && !dup; b = b->next) dup = ap_clash((ap_item *)b, (ap_item *)it);
        if (dup) {
            pp = &it->next;
            continue;
        }
        *pp = it->next;
        it->next = NULL;
        *bt = it;
        bt = &it->next;
        n++;
    }
    return batch;
}

/* An asynchronous append's outcome, as append_fast's. */
static void ap_settle(pgs *s, pg_item *it) { it->rc = ap_outcome(s, (ap_item *)it); }

void pg_ap_init(pgs *s) { pg_group_init(&s->ap, s, ap_take, ap_commit, ap_settle); }

static int ap_copy_nonce(ap_item *it, const ck_store_nonce *n)
{
    if (!n->caller || !n->nonce || strlen(n->caller) >= sizeof it->caller || strlen(n->nonce) >= sizeof it->nonce)
        return -1;
    strcpy(it->caller, n->caller);
    strcpy(it->nonce, n->nonce);
    it->n_copy = (ck_store_nonce){it->caller, it->nonce, n->now_ms, n->expire_before_ms};
    return 0;
}

/* An append whose reply may wait without holding a thread: queued for
 * the group commit, fn called with its outcome. A tombstone's append (and
 * one refused before the queue) runs here. */
ck_store_rc pg_append_async(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n,
                            ck_store_done_fn fn, void *ctx)
{
    pgs *s = (pgs *)b;
    ap_item *it;
    ck_store_rc rc;
    if (fn == NULL) return CK_STORE_ERROR;
    if (e->n_drop != 0) {
        fn(ctx, pg_append_nonce(b, e, a, n));
        return CK_STORE_OK;
    }
    if ((it = calloc(1, sizeof *it)) == NULL) return CK_STORE_ERROR;
    if (a) it->a_copy = *a;
    if (n && ap_copy_nonce(it, n) != 0) {
        free(it);
        return CK_STORE_ERROR;
    }
    if ((rc = ap_prepare(s, it, e, a ? &it->a_copy : NULL, n ? &it->n_copy : NULL)) != CK_STORE_OK) {
        OPENSSL_cleanse(it, sizeof *it);
        free(it);
        fn(ctx, rc);
        return CK_STORE_OK;
    }
    it->base.fn = fn;
    it->base.ctx = ctx;
    it->base.size = sizeof *it;
    if (pg_group_submit(&s->ap, &it->base) != 0) {
        OPENSSL_cleanse(it, sizeof *it);
        free(it);
        return CK_STORE_ERROR;
    }
    return CK_STORE_OK;
}

ck_store_rc pg_append_nonce(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    if (e->n_drop == 0) return append_fast((pgs *)b, e, a, n);
    if (a && a->read_gen) return CK_STORE_CHANGED; /* a tombstone's standing is read from the database */
    head_note((pgs *)b, e->patient, 0, NULL); /* a tombstone's: read the head next time */
    return append_locked(b, e, a, n);
}

ck_store_rc pg_append(ck_store *b, ck_store_entry *e, const ck_store_audit *a)
{
    return pg_append_nonce(b, e, a, NULL);
}

/* A tombstone's append: its drops must see the head row locked. */
static ck_store_rc append_locked(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    pgs *s = (pgs *)b;
    pconn *c = pg_conn_get(s);
    params p = {0};
    struct head_row head;
    ck_store_audit d;
    char target[40];
    ck_store_rc rc = CK_STORE_ERROR;
    long added = 0;

    if (pg_exec_simple(c, "BEGIN") != 0) goto out;
    if (n) { /* the nonce commits with the append, or nothing does */
        nonce_params(&p, n);
        if ((rc = pg_exec_params(c, "INSERT INTO nonces(caller, nonce, created_at) VALUES($1, $2, $3) "
                                    "ON CONFLICT DO NOTHING", &p, &added)) != CK_STORE_OK)
            goto out;
        if (added != 1) {
            rc = CK_STORE_REPLAYED;
            goto out;
        }
        memset(&p, 0, sizeof p);
    }
    pg_param_text(&p, e->patient);
    /* The row lock serializes appends to one record across all instances. */
    rc = pg_query_row(c, "SELECT head_seq, head_hash FROM records WHERE patient = $1 FOR UPDATE", &p, row_head, &head);
    if (rc != CK_STORE_OK) goto out;
    if (memcmp(head.hash, e->prev_hash, 32) != 0) {
        rc = CK_STORE_CONFLICT;
        goto out;
    }
    { /* no back-dating below the entry it chains onto, nor below the signed head */
        int64_t floor_ms;
        memset(&p, 0, sizeof p);
        pg_param_text(&p, e->patient);
        pg_param_int(&p, (long long)head.seq);
        if ((rc = pg_query_row(c, "SELECT GREATEST(COALESCE((SELECT time_ms FROM entries WHERE patient = $1 "
                                  "AND seq = $2), 0), COALESCE(signed_time, 0)) FROM records WHERE patient = $1",
                               &p, pg_row_int64, &floor_ms)) != CK_STORE_OK)
            goto out;
        if (e->time_ms < floor_ms) {
            rc = CK_STORE_STALE;
            goto out;
        }
    }
    rc = CK_STORE_ERROR;
    e->seq = head.seq + 1;
    e->received_at = ck_store_now_ms();
    if (ck_store_hash_entry(e) != 0) goto out;
    snprintf(target, sizeof target, "seq:%llu", (unsigned long long)e->seq);

    memset(&p, 0, sizeof p);
    entry_params(&p, e);
    rc = pg_exec_params(c, "WITH ins AS (INSERT INTO entries(" ENTRY_COLS ") "
                           "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)) "
                           "UPDATE records SET head_seq = $2, head_hash = $4 WHERE patient = $1", &p, NULL);
    if (rc != CK_STORE_OK) goto out;
    if (e->n_drop) {
        if ((rc = entry_drops(c, e)) != CK_STORE_OK) goto out;
        if (a) {
            ck_store_drop_audit(&d, a);
            if ((rc = pg_audit_ins(c, &d, target)) != CK_STORE_OK) goto out;
        }
    }
    rc = pg_audit_commit(c, a, target);
out:
    pg_conn_put(s, c); /* rolls back an open transaction */
    return rc;
}

ck_store_rc pg_head(ck_store *b, const char *patient, uint64_t *seq, uint8_t hash[32])
{
    params p = {0};
    struct head_row head;
    ck_store_rc rc;
    pg_param_text(&p, patient);
    rc = pg_read_one((pgs *)b, "SELECT head_seq, head_hash FROM records WHERE patient = $1", &p, row_head, &head);
    if (rc == CK_STORE_OK) {
        *seq = head.seq;
        memcpy(hash, head.hash, 32);
        if (head.seq) head_note((pgs *)b, patient, head.seq, head.hash);
    }
    return rc;
}
