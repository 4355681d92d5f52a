/*
 * postgres.c - the PostgreSQL back end (libpq).
 *
 * Several stateless carekeyd instances may share one database, so every
 * invariant is enforced by PostgreSQL: an append locks the record's head
 * row (SELECT ... FOR UPDATE) for the length of its transaction, and
 * UNIQUE(patient, seq) backs it up. Replay nonces live in an UNLOGGED
 * table: shared by all instances, and no fsync on the hot path.
 *
 * Connections come from a fixed pool; a broken connection is reset once
 * and the call fails cleanly (the client retries).
 */
#include "store_impl.h"

#include "carekey/wire.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
    "CREATE TABLE users("
    "  gid TEXT PRIMARY KEY, ed25519 BYTEA NOT NULL, x25519 BYTEA NOT NULL,"
    "  display_name TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE TABLE authorities("
    "  name TEXT PRIMARY KEY, sign_pk BYTEA NOT NULL, abe_pk TEXT NOT NULL, epochs TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
    "CREATE TABLE records("
    "  patient TEXT PRIMARY KEY REFERENCES users(gid), head_seq BIGINT NOT NULL,"
    "  head_hash BYTEA NOT NULL, signed_seq BIGINT, signed_hash BYTEA, signed_time BIGINT,"
    "  signed_sig BYTEA);"
    "CREATE TABLE entries("
    "  patient TEXT NOT NULL REFERENCES records(patient), seq BIGINT NOT NULL,"
    "  prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL, section TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL, author TEXT NOT NULL, time_ms BIGINT NOT NULL,"
    "  envelope BYTEA NOT NULL, signature BYTEA NOT NULL, received_at BIGINT NOT NULL,"
    "  PRIMARY KEY(patient, seq));"
    "CREATE TABLE grants("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  patient TEXT NOT NULL REFERENCES records(patient), grantee TEXT NOT NULL,"
    "  granted_by TEXT NOT NULL, sections TEXT NOT NULL, delegate INTEGER NOT NULL,"
    "  expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);"
    "CREATE INDEX grants_by_grantee ON grants(patient, grantee);"
    "CREATE TABLE mailbox("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, recipient TEXT NOT NULL,"
    "  sender TEXT NOT NULL, kind TEXT NOT NULL, payload BYTEA NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE INDEX mailbox_by_recipient ON mailbox(recipient, id);"
    "CREATE TABLE audit("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time_ms BIGINT NOT NULL,"
    "  actor TEXT NOT NULL, patient TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    "  purpose TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER NOT NULL);"
    "CREATE INDEX audit_by_patient ON audit(patient, id);",
    "CREATE UNLOGGED TABLE nonces(caller TEXT NOT NULL, nonce TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(caller, nonce));"
    "CREATE INDEX nonces_by_time ON nonces(created_at);",
    /* 3: the organization directory (docs/CARE.md, "Directory"). */
    "CREATE TABLE orgs("
    "  name TEXT PRIMARY KEY REFERENCES users(gid),"
    "  kind TEXT NOT NULL CHECK (kind IN ('hospital', 'pharmacy', 'board', 'desk')),"
    "  display_name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
    "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
    "CREATE TABLE units("
    "  org TEXT NOT NULL REFERENCES orgs(name), name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('department', 'ward', 'theatre')),"
    "  display_name TEXT NOT NULL, beds BIGINT NOT NULL DEFAULT 0 CHECK (beds >= 0),"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(org, name));"
    "ALTER TABLE users ADD COLUMN org TEXT REFERENCES orgs(name), ADD COLUMN unit TEXT,"
    "  ADD COLUMN title TEXT, ADD COLUMN attributes TEXT NOT NULL DEFAULT '',"
    "  ADD COLUMN affiliated_at BIGINT NOT NULL DEFAULT 0, ADD COLUMN active INTEGER NOT NULL DEFAULT 1,"
    "  ADD COLUMN deactivated_at BIGINT NOT NULL DEFAULT 0,"
    "  ADD CONSTRAINT users_unit_fk FOREIGN KEY (org, unit) REFERENCES units(org, name);"
    "CREATE INDEX users_by_org ON users(org, gid);",
    /* 4: signed directory documents, consent, read grants, mailbox quotas,
     * enrollment requests (as SQLite's 5); the replay nonces become a
     * logged table: a request is answered only once its nonce survives a
     * crash of the database server too. */
    "ALTER TABLE authorities ADD COLUMN organization TEXT NOT NULL DEFAULT '',"
    "  ADD COLUMN signed_at BIGINT NOT NULL DEFAULT 0, ADD COLUMN operator_sig BYTEA,"
    "  ADD COLUMN epoch_version BIGINT NOT NULL DEFAULT 0;"
    "UPDATE authorities SET epochs = '';"
    "ALTER TABLE grants ADD COLUMN access TEXT NOT NULL DEFAULT 'write' CHECK (access IN ('write', 'read'));"
    "CREATE INDEX mailbox_by_sender ON mailbox(recipient, sender);"
    "CREATE TABLE consents(gid TEXT NOT NULL REFERENCES users(gid), org TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(gid, org));"
    "CREATE TABLE enrollments("
    "  gid TEXT PRIMARY KEY, role TEXT NOT NULL, display_name TEXT NOT NULL, ed25519 BYTEA NOT NULL,"
    "  x25519 BYTEA NOT NULL, org_kind TEXT NOT NULL, org_display_name TEXT NOT NULL, join_org TEXT NOT NULL,"
    "  auth_name TEXT NOT NULL, auth_sign_pk BYTEA, auth_abe_pk TEXT NOT NULL, auth_organization TEXT NOT NULL,"
    "  auth_epoch_table TEXT NOT NULL, auth_epoch_version BIGINT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),"
    "  created_at BIGINT NOT NULL, decided_at BIGINT NOT NULL);"
    "CREATE INDEX enrollments_by_status ON enrollments(status, created_at);"
    "ALTER TABLE nonces SET LOGGED;",
    /* 5: tombstones (as SQLite's 6). An entry keeps the seq its DATA
     * container supersedes (backfilled from the stored envelopes by
     * backfill_supersedes), and a dropped body leaves envelope NULL with
     * its SHA-256 in body_sha256. */
    "ALTER TABLE entries ALTER COLUMN envelope DROP NOT NULL,"
    "  ADD COLUMN supersedes BIGINT NOT NULL DEFAULT 0, ADD COLUMN body_sha256 BYTEA,"
    "  ADD CONSTRAINT entries_body CHECK ((envelope IS NULL) = (body_sha256 IS NOT NULL));"
    "CREATE INDEX entries_by_supersedes ON entries(patient, supersedes) WHERE supersedes > 0;",
    /* 6: the grants a person holds across records (as SQLite's 7). */
    "CREATE INDEX grants_held ON grants(grantee, id) WHERE revoked_at = 0;",
    /* 7: a record's generation (ck_store_record_gen; SQLite's 8 has the
     * column only, for carekeyd migrate). Triggers move it in the commit
     * of every change to the record's grants or to its entries' bodies,
     * whichever statement makes it: a cache keyed on it cannot miss one. */
    "ALTER TABLE records ADD COLUMN gen BIGINT NOT NULL DEFAULT 1;"
    "CREATE FUNCTION records_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  UPDATE records SET gen = gen + 1"
    "    WHERE patient = CASE WHEN TG_OP = 'DELETE' THEN OLD.patient ELSE NEW.patient END;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER grants_gen AFTER INSERT OR UPDATE OR DELETE ON grants"
    "  FOR EACH ROW EXECUTE FUNCTION records_gen_bump();"
    "CREATE TRIGGER entries_gen AFTER UPDATE OR DELETE ON entries"
    "  FOR EACH ROW EXECUTE FUNCTION records_gen_bump();",
};
/* The migration that added entries.supersedes: its rows are filled in C. */
#define SCHEMA_SUPERSEDES 5
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* Statements this connection has prepared, by their text (see q()). */
#define PREP_MAX 96
typedef struct {
    uint64_t key;
    char *sql;
} prep;

typedef struct pconn {
    PGconn *pg;
    int broken; /* lost its server, or that server is no primary any more: reconnect */
    prep prepared[PREP_MAX];
    int nprepared;
    struct pconn *next_free;
} pconn;

/* A new session has no prepared statements. */
static void prep_forget(pconn *c)
{
    for (int i = 0; i < c->nprepared; i++) free(c->prepared[i].sql);
    c->nprepared = 0;
}

typedef struct {
    ck_store base;
    char *conninfo;
    pconn *conns;
    int nconns;
    pconn *free_list;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned nonce_calls;
    unsigned long reconnects;
    /* Replay nonces and the audit rows of reads are group-committed: the
     * rows of every request queued meanwhile go to the database in one
     * statement (one round trip, one commit, one synchronous-standby
     * wait), one batch at a time. A caller that waits (a synchronous
     * call) runs the next batch on its own thread when none is under way
     * (no hand-off on a busy machine); asynchronous items (suspended
     * connections) are taken by the group commit's thread when no waiting
     * caller is there to take them. */
    struct head_cache *heads;
    pthread_mutex_t gmu;
    pthread_cond_t gcv;   /* the thread: work queued, or stop */
    pthread_cond_t gdone; /* waiters: a batch ended */
    struct gc_item *gq, **gtail;
    int gasync; /* asynchronous items in gq: only those call the thread */
    int gbusy, gstop, gstarted;
    pthread_t gthread;
    /* The append group commit (ap_commit): its queue and whether a batch
     * is under way. */
    pthread_mutex_t amu;
    pthread_cond_t adone;
    struct ap_item *aq, **atail;
    int abusy;
} pgs;

/* An item of the group commit: a nonce to use, an audit row, both (the
 * row is inserted only if the nonce is new: a read that ends a request
 * checked for replay at its end) or neither (a barrier). */
typedef struct gc_item {
    int has_nonce, has_audit;
    char caller[CK_STORE_ID_CAP + 16], nonce[CK_STORE_TOKEN_CAP];
    int64_t now, expire_before;
    ck_store_audit a;
    ck_store_rc rc;
    int unavailable;                 /* the batch failed for want of a primary */
    ck_store_done_fn fn;             /* asynchronous; NULL: a waiter's item */
    void *ctx;
    int done;                        /* a waiter's item: answered */
    struct gc_item *next;
} gc_item;

#define ENTRY_COLS "patient, seq, prev_hash, hash, section, resource_type, author, time_ms, " \
                   "envelope, signature, received_at, supersedes, body_sha256"
#define GRANT_COLS "id, patient, grantee, granted_by, sections, delegate, expires_at, created_at, revoked_at, access"
#define AUDIT_COLS "id, time_ms, actor, patient, action, target, purpose, outcome, status"
#define USER_COLS "gid, ed25519, x25519, display_name, role, created_at, coalesce(org, ''), " \
                  "coalesce(unit, ''), coalesce(title, ''), attributes, affiliated_at, active, deactivated_at"
#define ORG_COLS "name, kind, display_name, active, created_at, updated_at"
#define UNIT_COLS "org, name, kind, display_name, beds, created_at"
#define AUTH_COLS "name, sign_pk, abe_pk, epochs, created_at, updated_at, organization, signed_at, operator_sig, " \
                  "epoch_version"
#define ENROLL_COLS "gid, role, display_name, ed25519, x25519, org_kind, org_display_name, join_org, auth_name, " \
                    "auth_sign_pk, auth_abe_pk, auth_organization, auth_epoch_table, auth_epoch_version, status, " \
                    "created_at, decided_at"

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
 * (q()) and, with the default plan_cache_mode, PostgreSQL plans the first
 * five executions for their parameters and keeps doing so whenever the
 * generic plan looks costlier: the batched appends (arrays of unknown
 * length in a generic plan) were planned on every execution, and every
 * ANALYZE of a growing table starts the count again. Our statements look
 * rows up by key, where the generic plan is the one wanted; the few whose
 * plan should see their values run through q_custom(). */
static void session_init(pconn *c)
{
    PGresult *r = PQexec(c->pg, "SET client_min_messages = warning; SET plan_cache_mode = force_generic_plan");
    PQclear(r);
}

static pconn *get(pgs *s)
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
        prep_forget(c);
        if (PQstatus(c->pg) == CONNECTION_OK) {
            session_init(c);
            c->broken = 0;
            __atomic_add_fetch(&s->reconnects, 1, __ATOMIC_RELAXED);
        } else {
            ck_store_set_unavailable(1);
        }
    }
    return c;
}

static void put(pgs *s, pconn *c)
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

/* ---- query helpers ---------------------------------------------------- */

/* Parameters: text unless their length is given (then binary). */
typedef struct {
    const char *v[24];
    int len[24];
    int fmt[24];
    int n;
    char num[24][24];
} params;

static void p_text(params *p, const char *s)
{
    p->v[p->n] = s;
    p->len[p->n] = 0;
    p->fmt[p->n] = 0;
    p->n++;
}

static void p_int(params *p, long long v)
{
    snprintf(p->num[p->n], sizeof p->num[0], "%lld", v);
    p_text(p, p->num[p->n]);
}

/* NULL for NULL or "": optional columns and filters. */
static void p_opt(params *p, const char *s)
{
    p_text(p, ck_store_opt(s));
}

static void p_bin(params *p, const void *b, size_t n)
{
    p->v[p->n] = b;
    p->len[p->n] = (int)n;
    p->fmt[p->n] = 1;
    p->n++;
}

static int ok(PGresult *r)
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
    if (!ok(r)) {
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    if ((c->prepared[c->nprepared].sql = strdup(sql)) == NULL) return NULL; /* prepared, just not cached */
    c->prepared[c->nprepared++].key = h;
    return name;
}

static PGresult *q(pconn *c, const char *sql, params *p)
{
    char name[24];
    const char *stmt = PQtransactionStatus(c->pg) == PQTRANS_INERROR ? NULL : prepared(c, sql, name);
    PGresult *r = stmt ? PQexecPrepared(c->pg, stmt, p ? p->n : 0, p ? p->v : NULL, p ? p->len : NULL,
                                        p ? p->fmt : NULL, 0)
                       : PQexecParams(c->pg, sql, p ? p->n : 0, NULL, p ? p->v : NULL, p ? p->len : NULL,
                                      p ? p->fmt : NULL, 0);
    if (!ok(r)) check_lost(c, r);
    return r;
}

/* A statement planned for its parameter values each time: optional
 * filters ($1 IS NULL OR col = $1) and range bounds, where the generic
 * plan cannot pick the index the values call for. */
static PGresult *q_custom(pconn *c, const char *sql, params *p)
{
    PGresult *r, *set = PQexec(c->pg, "SET plan_cache_mode = force_custom_plan");
    PQclear(set);
    r = q(c, sql, p);
    set = PQexec(c->pg, "SET plan_cache_mode = force_generic_plan");
    PQclear(set);
    return r;
}

static ck_store_rc err_rc(PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23505") == 0) return CK_STORE_EXISTS;    /* unique_violation */
    if (state && strcmp(state, "23503") == 0) return CK_STORE_NOT_FOUND; /* foreign_key_violation */
    if (state && strcmp(state, "40001") == 0) return CK_STORE_CONFLICT;  /* serialization */
    fprintf(stderr, "level=error msg=\"postgres query failed\" sqlstate=%s\n", state ? state : "none");
    return CK_STORE_ERROR;
}

static int exec_simple(pconn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int rc = ok(r) ? 0 : -1;
    if (rc != 0) check_lost(c, r);
    PQclear(r);
    return rc;
}

static long long v_int(PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void v_text(char *dst, size_t cap, PGresult *r, int row, int col)
{
    ck_store_copy(dst, cap, PQgetvalue(r, row, col));
}

/* Text-format bytea is "\x" followed by hex. */
static int v_fixed(uint8_t *dst, size_t n, PGresult *r, int row, int col)
{
    const char *s = PQgetvalue(r, row, col);
    if (s[0] != '\\' || s[1] != 'x') return -1;
    return ck_net_unhex(dst, n, s + 2);
}

static uint8_t *v_dup(PGresult *r, int row, int col, size_t *len)
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
static ck_store_rc exec_params(pconn *c, const char *sql, params *p, long *affected)
{
    PGresult *r = q(c, sql, p);
    ck_store_rc rc = ok(r) ? CK_STORE_OK : err_rc(r);
    if (rc == CK_STORE_OK && affected) *affected = strtol(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return rc;
}

/* Runs an UPDATE or DELETE keyed to one row: NOT_FOUND when it changed none. */
static ck_store_rc exec_one(pconn *c, const char *sql, params *p)
{
    long n = 0;
    ck_store_rc rc = exec_params(c, sql, p, &n);
    return rc == CK_STORE_OK && n == 0 ? CK_STORE_NOT_FOUND : rc;
}

static ck_store_rc audit_ins(pconn *c, const ck_store_audit *a, const char *target)
{
    params p = {0};
    if (a == NULL) return CK_STORE_OK;
    p_int(&p, a->time_ms ? a->time_ms : ck_store_now_ms());
    p_text(&p, a->actor);
    p_text(&p, a->patient);
    p_text(&p, a->action);
    p_text(&p, target ? target : a->target);
    p_text(&p, a->purpose);
    p_text(&p, a->outcome);
    p_int(&p, a->status);
    return exec_params(c, "INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
                          "VALUES($1, $2, $3, $4, $5, $6, $7, $8)", &p, NULL);
}

/* The last step of a write transaction: its audit row, then COMMIT. */
static ck_store_rc audit_commit(pconn *c, const ck_store_audit *a, const char *target)
{
    ck_store_rc rc = audit_ins(c, a, target);
    if (rc != CK_STORE_OK) return rc;
    return exec_simple(c, "COMMIT") == 0 ? CK_STORE_OK : CK_STORE_ERROR;
}

/* Runs one statement in its own implicit transaction; rc for command status. */
static ck_store_rc simple(pgs *s, const char *sql, params *p)
{
    pconn *c = get(s);
    ck_store_rc rc = exec_params(c, sql, p, NULL);
    put(s, c);
    return rc;
}

/* exec_one in its own implicit transaction. */
static ck_store_rc simple_one(pgs *s, const char *sql, params *p)
{
    pconn *c = get(s);
    ck_store_rc rc = exec_one(c, sql, p);
    put(s, c);
    return rc;
}

/* ---- directory -------------------------------------------------------- */

/* One statement, so the user and her empty record appear together. */
static const char user_ins[] =
    "WITH u AS (INSERT INTO users(gid, ed25519, x25519, display_name, role, created_at) "
    "VALUES($1, $2, $3, $4, $5, $6) RETURNING gid, role) "
    "INSERT INTO records(patient, head_seq, head_hash) "
    "SELECT gid, 0, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea "
    "FROM u WHERE role IN ('patient', 'organization')";

static void user_params(params *p, const ck_store_user *u)
{
    p_text(p, u->gid);
    p_bin(p, u->ed25519, 32);
    p_bin(p, u->x25519, 32);
    p_text(p, u->display_name);
    p_text(p, u->role);
    p_int(p, u->created_at);
}

static ck_store_rc pg_user_add(ck_store *b, const ck_store_user *u)
{
    params p = {0};
    user_params(&p, u);
    return simple((pgs *)b, user_ins, &p);
}

/* Column readers shared by the get and list queries (USER_COLS etc.); a
 * reader that fails leaves nothing allocated in its row. */
typedef int (*rowfn)(PGresult *r, int row, void *out);
typedef void (*dropfn)(void *elem);

static int row_user(PGresult *r, int i, void *out)
{
    ck_store_user *u = out;
    v_text(u->gid, sizeof u->gid, r, i, 0);
    v_text(u->display_name, sizeof u->display_name, r, i, 3);
    v_text(u->role, sizeof u->role, r, i, 4);
    u->created_at = v_int(r, i, 5);
    v_text(u->org, sizeof u->org, r, i, 6);
    v_text(u->unit, sizeof u->unit, r, i, 7);
    v_text(u->title, sizeof u->title, r, i, 8);
    v_text(u->attributes, sizeof u->attributes, r, i, 9);
    u->affiliated_at = v_int(r, i, 10);
    u->active = (int)v_int(r, i, 11);
    u->deactivated_at = v_int(r, i, 12);
    return v_fixed(u->ed25519, 32, r, i, 1) == 0 && v_fixed(u->x25519, 32, r, i, 2) == 0 ? 0 : -1;
}

static int row_org(PGresult *r, int i, void *out)
{
    ck_store_org *o = out;
    v_text(o->name, sizeof o->name, r, i, 0);
    v_text(o->kind, sizeof o->kind, r, i, 1);
    v_text(o->display_name, sizeof o->display_name, r, i, 2);
    o->active = (int)v_int(r, i, 3);
    o->created_at = v_int(r, i, 4);
    o->updated_at = v_int(r, i, 5);
    return 0;
}

static int row_unit(PGresult *r, int i, void *out)
{
    ck_store_unit *u = out;
    v_text(u->org, sizeof u->org, r, i, 0);
    v_text(u->name, sizeof u->name, r, i, 1);
    v_text(u->kind, sizeof u->kind, r, i, 2);
    v_text(u->display_name, sizeof u->display_name, r, i, 3);
    u->beds = v_int(r, i, 4);
    u->created_at = v_int(r, i, 5);
    return 0;
}

/* One row of a query on c into out: OK, NOT_FOUND or an error. */
static ck_store_rc query_row(pconn *c, const char *sql, params *p, rowfn row, void *out)
{
    PGresult *r = q(c, sql, p);
    ck_store_rc rc = CK_STORE_ERROR;
    if (!ok(r))
        rc = err_rc(r);
    else if (PQntuples(r) == 0)
        rc = CK_STORE_NOT_FOUND;
    else if (row(r, 0, out) == 0)
        rc = CK_STORE_OK;
    PQclear(r);
    return rc;
}

/* query_row on a pooled connection. */
static ck_store_rc read_one(pgs *s, const char *sql, params *p, rowfn row, void *out)
{
    pconn *c = get(s);
    ck_store_rc rc = query_row(c, sql, p, row, out);
    put(s, c);
    return rc;
}

/* Every row of a query into a malloc'ed array of elements of size sz
 * (custom: planned for its parameters, q_custom). On failure drop (when
 * given) frees what the rows read so far hold. */
static ck_store_rc read_rows(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v,
                             size_t *n, int custom)
{
    pconn *c = get(s);
    PGresult *r = custom ? q_custom(c, sql, p) : q(c, sql, p);
    char *arr = NULL;
    ck_store_rc rc = CK_STORE_ERROR;
    int rows = 0, i = 0;
    if (!ok(r)) {
        rc = err_rc(r);
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
    put(s, c);
    return rc;
}

static ck_store_rc read_all(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v,
                            size_t *n)
{
    return read_rows(s, sql, p, row, drop, sz, v, n, 0);
}

/* A page of a list keyed by $1: the rows after $2 (seq or id), at most $3. */
static ck_store_rc read_page(pgs *s, const char *sql, const char *key, long long after, size_t limit, rowfn row,
                             dropfn drop, size_t sz, void **v, size_t *n)
{
    params p = {0};
    p_text(&p, key);
    p_int(&p, after);
    p_int(&p, (long long)limit);
    return read_all(s, sql, &p, row, drop, sz, v, n);
}

static ck_store_rc pg_user_get(ck_store *b, const char *gid, ck_store_user *out)
{
    params p = {0};
    p_text(&p, gid);
    return read_one((pgs *)b, "SELECT " USER_COLS " FROM users WHERE gid = $1", &p, row_user, out);
}

static ck_store_rc pg_user_affiliate(ck_store *b, const char *gid, const char *org, const char *unit,
                                     const char *title, const char *attrs, int64_t now, int consented)
{
    params p = {0};
    p_text(&p, gid);
    p_text(&p, org);
    p_opt(&p, unit);
    p_opt(&p, title);
    p_text(&p, attrs ? attrs : "");
    p_int(&p, now);
    /* The foreign keys check org and (org, unit): 23503 is NOT_FOUND. */
    return simple_one((pgs *)b,
                      consented ? "UPDATE users SET org = $2, unit = $3, title = $4, attributes = $5, "
                                  "affiliated_at = $6 WHERE gid = $1 "
                                  "AND EXISTS(SELECT 1 FROM consents WHERE gid = $1 AND org = $2)"
                                : "UPDATE users SET org = $2, unit = $3, title = $4, attributes = $5, "
                                  "affiliated_at = $6 WHERE gid = $1",
                      &p);
}

/* A one-row write keyed by $1 and $2 (NULL for NULL) in its own
 * transaction: NOT_FOUND when no row changed. */
static ck_store_rc keyed_write(pgs *s, const char *sql, const char *k1, const char *k2)
{
    params p = {0};
    p_text(&p, k1);
    p_text(&p, k2);
    return simple_one(s, sql, &p);
}

static ck_store_rc pg_user_unaffiliate(ck_store *b, const char *gid, const char *org)
{
    return keyed_write((pgs *)b, "UPDATE users SET org = NULL, unit = NULL, title = NULL, attributes = '' "
                                 "WHERE gid = $1 AND org IS NOT NULL AND ($2::text IS NULL OR org = $2)", gid, org);
}

static ck_store_rc pg_user_reactivate(ck_store *b, const char *gid)
{
    return keyed_write((pgs *)b, "UPDATE users SET active = 1, deactivated_at = 0 WHERE gid = $1 "
                                 "AND $2::text IS NULL", gid, NULL);
}

static const char consent_ins[] =
    "INSERT INTO consents(gid, org, created_at) VALUES($1, $2, $3) ON CONFLICT DO NOTHING";

static ck_store_rc pg_consent_add(ck_store *b, const char *gid, const char *org, int64_t now)
{
    params p = {0};
    p_text(&p, gid);
    p_text(&p, org);
    p_int(&p, now);
    return simple((pgs *)b, consent_ins, &p);
}

static ck_store_rc pg_consent_del(ck_store *b, const char *gid, const char *org)
{
    return keyed_write((pgs *)b, "DELETE FROM consents WHERE gid = $1 AND org = $2", gid, org);
}

static int row_none(PGresult *r, int i, void *out)
{
    (void)r;
    (void)i;
    (void)out;
    return 0;
}

static ck_store_rc pg_consent_get(ck_store *b, const char *gid, const char *org)
{
    params p = {0};
    p_text(&p, gid);
    p_text(&p, org);
    return read_one((pgs *)b, "SELECT 1 FROM consents WHERE gid = $1 AND org = $2", &p, row_none, NULL);
}

static int row_int64(PGresult *r, int i, void *out);

static ck_store_rc pg_record_gen(ck_store *b, const char *patient, int64_t *gen)
{
    params p = {0};
    p_text(&p, patient);
    return read_one((pgs *)b, "SELECT gen FROM records WHERE patient = $1", &p, row_int64, gen);
}

static ck_store_rc pg_section_present(ck_store *b, const char *patient, const char *section)
{
    params p = {0};
    p_text(&p, patient);
    p_text(&p, section);
    return read_one((pgs *)b, "SELECT 1 FROM entries WHERE patient = $1 AND section = $2 LIMIT 1", &p, row_none,
                    NULL);
}

static ck_store_rc pg_user_deactivate(ck_store *b, const char *gid, int64_t now)
{
    params p = {0};
    p_text(&p, gid);
    p_int(&p, now);
    return simple_one((pgs *)b, "UPDATE users SET deactivated_at = CASE WHEN active = 1 THEN $2 ELSE deactivated_at "
                                "END, active = 0 WHERE gid = $1", &p);
}

static ck_store_rc pg_user_list(ck_store *b, const ck_store_user_filter *f, ck_store_user **v, size_t *n)
{
    params p = {0};
    p_opt(&p, f->org);
    p_opt(&p, f->role);
    p_opt(&p, f->unit);
    p_opt(&p, f->attribute);
    p_int(&p, f->active);
    p_text(&p, f->after ? f->after : "");
    p_int(&p, (long long)f->limit);
    p_opt(&p, f->viewer);
    p_int(&p, f->now_ms);
    /* COLLATE "C": GID order is byte order on both back ends (paging).
     * Optional filters: planned for the values given (q_custom). */
    return read_rows((pgs *)b,
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
static const char org_ins[] = "INSERT INTO orgs(" ORG_COLS ") VALUES($1, $2, $3, 1, $4, $4)";

static void org_params(params *p, const ck_store_org *o)
{
    p_text(p, o->name);
    p_text(p, o->kind);
    p_text(p, o->display_name);
    p_int(p, o->created_at);
}

static ck_store_rc pg_org_add(ck_store *b, const ck_store_org *o)
{
    params p = {0};
    org_params(&p, o);
    return simple((pgs *)b, org_ins, &p);
}

static ck_store_rc pg_org_get(ck_store *b, const char *name, ck_store_org *out)
{
    params p = {0};
    p_text(&p, name);
    return read_one((pgs *)b, "SELECT " ORG_COLS " FROM orgs WHERE name = $1", &p, row_org, out);
}

static ck_store_rc pg_org_list(ck_store *b, const char *kind, ck_store_org **v, size_t *n)
{
    params p = {0};
    p_opt(&p, kind);
    return read_all((pgs *)b,
                    "SELECT " ORG_COLS " FROM orgs WHERE ($1::text IS NULL OR kind = $1) "
                    "ORDER BY name COLLATE \"C\" LIMIT 10000",
                    &p, row_org, NULL, sizeof **v, (void **)v, n);
}

static ck_store_rc pg_unit_add(ck_store *b, const ck_store_unit *u)
{
    params p = {0};
    p_text(&p, u->org);
    p_text(&p, u->name);
    p_text(&p, u->kind);
    p_text(&p, u->display_name);
    p_int(&p, u->beds);
    p_int(&p, u->created_at);
    return simple((pgs *)b, "INSERT INTO units(" UNIT_COLS ") VALUES($1, $2, $3, $4, $5, $6)", &p);
}

static ck_store_rc pg_unit_get(ck_store *b, const char *org, const char *name, ck_store_unit *out)
{
    params p = {0};
    p_text(&p, org);
    p_text(&p, name);
    return read_one((pgs *)b, "SELECT " UNIT_COLS " FROM units WHERE org = $1 AND name = $2", &p, row_unit, out);
}

static ck_store_rc pg_unit_list(ck_store *b, const char *org, const char *kind, ck_store_unit **v, size_t *n)
{
    params p = {0};
    p_text(&p, org);
    p_opt(&p, kind);
    return read_all((pgs *)b,
                    "SELECT " UNIT_COLS " FROM units WHERE org = $1 AND ($2::text IS NULL OR kind = $2) "
                    "ORDER BY name COLLATE \"C\" LIMIT 10000",
                    &p, row_unit, NULL, sizeof **v, (void **)v, n);
}

static const char auth_ins[] = "INSERT INTO authorities(" AUTH_COLS ") VALUES($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)";

static void auth_params(params *p, const ck_store_authority *a)
{
    p_text(p, a->name);
    p_bin(p, a->sign_pk, 32);
    p_text(p, a->abe_pk);
    p_text(p, a->epoch_table ? a->epoch_table : "");
    p_int(p, a->created_at);
    p_text(p, a->organization);
    p_int(p, a->signed_at);
    if (a->has_sig)
        p_bin(p, a->operator_sig, 64);
    else
        p_text(p, NULL);
    p_int(p, a->epoch_table ? (long long)a->epoch_version : 0);
}

static ck_store_rc pg_auth_add(ck_store *b, const ck_store_authority *a)
{
    params p = {0};
    auth_params(&p, a);
    return simple((pgs *)b, auth_ins, &p);
}

static int row_auth(PGresult *r, int i, void *out)
{
    ck_store_authority *a = out;
    const char *table = PQgetvalue(r, i, 3);
    v_text(a->name, sizeof a->name, r, i, 0);
    a->abe_pk = strdup(PQgetvalue(r, i, 2));
    if (*table) a->epoch_table = strdup(table);
    a->created_at = v_int(r, i, 4);
    a->updated_at = v_int(r, i, 5);
    v_text(a->organization, sizeof a->organization, r, i, 6);
    a->signed_at = v_int(r, i, 7);
    a->has_sig = !PQgetisnull(r, i, 8) && v_fixed(a->operator_sig, 64, r, i, 8) == 0;
    a->epoch_version = (uint64_t)v_int(r, i, 9);
    if (v_fixed(a->sign_pk, 32, r, i, 1) == 0 && a->abe_pk && (!*table || a->epoch_table)) return 0;
    ck_store_authority_clear(a);
    return -1;
}

static ck_store_rc pg_auth_get(ck_store *b, const char *name, ck_store_authority *out)
{
    params p = {0};
    p_text(&p, name);
    return read_one((pgs *)b, "SELECT " AUTH_COLS " FROM authorities WHERE name = $1", &p, row_auth, out);
}

static ck_store_rc pg_auth_epochs(ck_store *b, const char *name, const char *ep, uint64_t version, int64_t now)
{
    params p = {0};
    ck_store_rc rc;
    p_text(&p, name);
    p_text(&p, ep);
    p_int(&p, (long long)version);
    p_int(&p, now);
    /* Only a newer table replaces the stored one. */
    rc = simple_one((pgs *)b, "UPDATE authorities SET epochs = $2, epoch_version = $3, updated_at = $4 "
                              "WHERE name = $1 AND epoch_version < $3", &p);
    if (rc == CK_STORE_NOT_FOUND) {
        params k = {0};
        p_text(&k, name);
        rc = read_one((pgs *)b, "SELECT 1 FROM authorities WHERE name = $1", &k, row_none, NULL);
        rc = rc == CK_STORE_OK ? CK_STORE_STALE : rc;
    }
    return rc;
}

/* ---- records ---------------------------------------------------------- */

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
    h->seq = (uint64_t)v_int(r, i, 0);
    return v_fixed(h->hash, 32, r, i, 1);
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
    for (int i = 0; i < n; i++) got[i] = (uint64_t)v_int(r, i, 0);
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
    p_text(&p, e->patient);
    p_text(&p, arr);
    r = q(c, "UPDATE entries d SET body_sha256 = sha256(d.envelope), envelope = NULL "
             "WHERE d.patient = $1 AND d.seq = ANY($2::bigint[]) AND d.envelope IS NOT NULL "
             "AND EXISTS(SELECT 1 FROM entries l WHERE l.patient = $1 AND l.supersedes = d.seq "
             "AND l.seq > d.seq AND l.section = d.section) RETURNING d.seq", &p);
    if (!ok(r)) {
        rc = err_rc(r);
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

/* The request's nonce as the statement's parameters ('' for none). */
static void nonce_params(params *p, const ck_store_nonce *n)
{
    p_text(p, n ? n->caller : "");
    p_text(p, n ? n->nonce : "");
    p_int(p, n ? n->now_ms : 0);
}

/* An append waiting for the append group commit (ap_commit). */
typedef struct ap_item {
    ck_store_entry *e;
    const ck_store_audit *a;
    const ck_store_nonce *n;
    char target[40];
    ck_store_rc rc;
    int unavailable, done;
    struct ap_item *next;
} ap_item;

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
    p_text(&p, e->patient);
    p_int(&p, (long long)e->seq);
    p_bin(&p, e->prev_hash, 32);
    p_bin(&p, e->hash, 32);
    p_text(&p, e->section);
    p_text(&p, e->resource_type);
    p_text(&p, e->author);
    p_int(&p, e->time_ms);
    p_bin(&p, e->envelope, e->envelope_len);
    p_bin(&p, e->signature, 64);
    p_int(&p, e->received_at);
    p_int(&p, (long long)e->supersedes);
    nonce_params(&p, it->n);
    p_int(&p, a ? a->read_gen : 0);
    if (a) {
        p_int(&p, a->time_ms ? a->time_ms : ck_store_now_ms());
        p_text(&p, a->actor);
        p_text(&p, a->action);
        p_text(&p, it->target);
        p_text(&p, a->purpose);
        p_text(&p, a->outcome);
        p_int(&p, a->status);
    }
    r = q(c, sql, &p);
    if (!ok(r) || PQntuples(r) != 1)
        rc = ok(r) ? CK_STORE_ERROR : err_rc(r);
    else if (v_int(r, 0, 0) == 1)
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
    p_text(&p, e->patient);
    p_int(&p, (long long)head_seq);
    if (query_row(c, "SELECT head_seq FROM records WHERE patient = $1 AND head_seq = $2", &p, row_int64,
                  &floor_ms) == CK_STORE_OK &&
        query_row(c, "SELECT GREATEST(COALESCE((SELECT time_ms FROM entries WHERE patient = $1 AND seq = $2), 0), "
                     "COALESCE(signed_time, 0)) FROM records WHERE patient = $1", &p, row_int64,
                  &floor_ms) == CK_STORE_OK &&
        e->time_ms < floor_ms)
        return CK_STORE_STALE;
    return CK_STORE_CONFLICT;
}

static ck_store_rc ap_commit(pgs *s, ap_item *me);

/* The append of an entry that drops no bodies: one statement (one round
 * trip, one commit, shared with the appends queued meanwhile) after one
 * read of the head, which the head hint usually spares. */
static ck_store_rc append_fast(pgs *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    params p = {0};
    struct head_row head;
    ap_item it;
    pconn *c;
    ck_store_rc rc;

    p_text(&p, e->patient);
    if (!head_hint(s, e->patient, &head) || memcmp(head.hash, e->prev_hash, 32) != 0) {
        rc = read_one(s, "SELECT head_seq, head_hash FROM records WHERE patient = $1", &p, row_head, &head);
        if (rc != CK_STORE_OK) return rc;
    }
    if (memcmp(head.hash, e->prev_hash, 32) != 0) return CK_STORE_CONFLICT;
    e->seq = head.seq + 1;
    e->received_at = ck_store_now_ms();
    if (ck_store_hash_entry(e) != 0) return CK_STORE_ERROR;
    memset(&it, 0, sizeof it);
    it.e = e;
    it.a = a;
    it.n = n;
    snprintf(it.target, sizeof it.target, "seq:%llu", (unsigned long long)e->seq);
    rc = ap_commit(s, &it);
    if (rc == CK_STORE_OK) head_note(s, e->patient, e->seq, e->hash);
    if (rc != CK_STORE_CONFLICT) return rc;
    head_note(s, e->patient, 0, NULL); /* read it next time */
    c = get(s);
    rc = cas_refused(c, e, head.seq);
    put(s, c);
    return rc;
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
    for (ap_item *it = batch; it; it = it->next)
        if (ap_collect_one(&g, it) != 0) goto out;
    ap_finish(&g);
    for (int i = 0; i < AP_COLS; i++) p_bin(&p, g.v[i], g.len[i]);
    r = q(c, ap_sql, &p);
out:
    for (int i = 0; i < AP_COLS; i++) free(g.v[i]);
    return r;
}

static int ap_listed(PGresult *r, int kind, const char *patient)
{
    for (int i = 0; i < PQntuples(r); i++)
        if (v_int(r, i, 0) == kind && !strcmp(PQgetvalue(r, i, 1), patient)) return 1;
    return 0;
}

/* Commits the batch on one pooled connection. A batch of one, and every
 * append of a batch that failed as a whole for another reason than a
 * lost primary (a deadlock with another instance's batch, say), runs the
 * one-row statement. */
static void ap_batch(pgs *s, ap_item *batch)
{
    pconn *c = get(s);
    PGresult *r = batch->next ? ap_run(c, batch) : NULL;
    int failed = r && !ok(r), lost = failed && (err_rc(r), ck_store_unavailable());
    for (ap_item *it = batch; it; it = it->next) {
        if (lost)
            it->rc = CK_STORE_ERROR;
        else if (r == NULL || failed)
            it->rc = cas_one(c, it);
        else
            it->rc = ap_listed(r, 0, it->e->patient)   ? CK_STORE_OK
                     : ap_listed(r, 2, it->e->patient) ? CK_STORE_CHANGED
                     : ap_listed(r, 1, it->e->patient) ? CK_STORE_REPLAYED
                                                       : CK_STORE_CONFLICT;
        it->unavailable = ck_store_unavailable();
    }
    PQclear(r);
    put(s, c);
}

/* Whether two queued appends must go in separate batches: one record (the
 * second chains onto the first's head), or one request nonce (a batch
 * checks each nonce before it records any). */
static int ap_clash(const ap_item *x, const ap_item *y)
{
    return !strcmp(x->e->patient, y->e->patient) ||
           (x->n && y->n && !strcmp(x->n->caller, y->n->caller) && !strcmp(x->n->nonce, y->n->nonce));
}

/* Takes the next batch off the queue: in order, each append that clashes
 * with none taken before it, at most AP_BATCH_MAX (amu held). */
static ap_item *ap_take(pgs *s)
{
    ap_item *batch = NULL, **bt = &batch, **pp = &s->aq;
    int n = 0;
    while (*pp && n < AP_BATCH_MAX) {
        ap_item *it = *pp;
        int dup = 0;
        for (ap_item *b = batch; b && !dup; b = b->next) dup = ap_clash(b, it);
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
    s->atail = &s->aq;
    while (*s->atail) s->atail = &(*s->atail)->next;
    return batch;
}

static ck_store_rc ap_commit(pgs *s, ap_item *me)
{
    pthread_mutex_lock(&s->amu);
    *s->atail = me;
    s->atail = &me->next;
    while (!me->done) {
        ap_item *batch, *next;
        if (s->abusy) {
            pthread_cond_wait(&s->adone, &s->amu);
            continue;
        }
        batch = ap_take(s);
        s->abusy = 1;
        pthread_mutex_unlock(&s->amu);
        ap_batch(s, batch);
        pthread_mutex_lock(&s->amu);
        for (; batch; batch = next) {
            next = batch->next;
            batch->done = 1; /* its caller may return (and drop it) from here on */
        }
        s->abusy = 0;
        pthread_cond_broadcast(&s->adone);
    }
    pthread_mutex_unlock(&s->amu);
    ck_store_set_unavailable(me->unavailable);
    return me->rc;
}

static ck_store_rc pg_append_nonce(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    if (e->n_drop == 0) return append_fast((pgs *)b, e, a, n);
    if (a && a->read_gen) return CK_STORE_CHANGED; /* a tombstone's standing is read from the database */
    head_note((pgs *)b, e->patient, 0, NULL); /* a tombstone's: read the head next time */
    return append_locked(b, e, a, n);
}

static ck_store_rc pg_append(ck_store *b, ck_store_entry *e, const ck_store_audit *a)
{
    return pg_append_nonce(b, e, a, NULL);
}

/* A tombstone's append: its drops must see the head row locked. */
static ck_store_rc append_locked(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    params p = {0};
    struct head_row head;
    ck_store_audit d;
    char target[40];
    ck_store_rc rc = CK_STORE_ERROR;
    long added = 0;

    if (exec_simple(c, "BEGIN") != 0) goto out;
    if (n) { /* the nonce commits with the append, or nothing does */
        nonce_params(&p, n);
        if ((rc = exec_params(c, "INSERT INTO nonces(caller, nonce, created_at) VALUES($1, $2, $3) "
                                 "ON CONFLICT DO NOTHING", &p, &added)) != CK_STORE_OK)
            goto out;
        if (added != 1) {
            rc = CK_STORE_REPLAYED;
            goto out;
        }
        memset(&p, 0, sizeof p);
    }
    p_text(&p, e->patient);
    /* The row lock serializes appends to one record across all instances. */
    rc = query_row(c, "SELECT head_seq, head_hash FROM records WHERE patient = $1 FOR UPDATE", &p, row_head, &head);
    if (rc != CK_STORE_OK) goto out;
    if (memcmp(head.hash, e->prev_hash, 32) != 0) {
        rc = CK_STORE_CONFLICT;
        goto out;
    }
    { /* no back-dating below the entry it chains onto, nor below the signed head */
        int64_t floor_ms;
        memset(&p, 0, sizeof p);
        p_text(&p, e->patient);
        p_int(&p, (long long)head.seq);
        if ((rc = query_row(c, "SELECT GREATEST(COALESCE((SELECT time_ms FROM entries WHERE patient = $1 AND seq = $2), 0), "
                               "COALESCE(signed_time, 0)) FROM records WHERE patient = $1", &p, row_int64,
                            &floor_ms)) != CK_STORE_OK)
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
    p_text(&p, e->patient);
    p_int(&p, (long long)e->seq);
    p_bin(&p, e->prev_hash, 32);
    p_bin(&p, e->hash, 32);
    p_text(&p, e->section);
    p_text(&p, e->resource_type);
    p_text(&p, e->author);
    p_int(&p, e->time_ms);
    p_bin(&p, e->envelope, e->envelope_len);
    p_bin(&p, e->signature, 64);
    p_int(&p, e->received_at);
    p_int(&p, (long long)e->supersedes);
    rc = exec_params(c, "WITH ins AS (INSERT INTO entries(" ENTRY_COLS ") "
                        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)) "
                        "UPDATE records SET head_seq = $2, head_hash = $4 WHERE patient = $1", &p, NULL);
    if (rc != CK_STORE_OK) goto out;
    if (e->n_drop) {
        if ((rc = entry_drops(c, e)) != CK_STORE_OK) goto out;
        if (a) {
            ck_store_drop_audit(&d, a);
            if ((rc = audit_ins(c, &d, target)) != CK_STORE_OK) goto out;
        }
    }
    rc = audit_commit(c, a, target);
out:
    put(s, c); /* rolls back an open transaction */
    return rc;
}

static ck_store_rc pg_head(ck_store *b, const char *patient, uint64_t *seq, uint8_t hash[32])
{
    params p = {0};
    struct head_row head;
    ck_store_rc rc;
    p_text(&p, patient);
    rc = read_one((pgs *)b, "SELECT head_seq, head_hash FROM records WHERE patient = $1", &p, row_head, &head);
    if (rc == CK_STORE_OK) {
        *seq = head.seq;
        memcpy(hash, head.hash, 32);
        if (head.seq) head_note((pgs *)b, patient, head.seq, head.hash);
    }
    return rc;
}

static int row_entry(PGresult *r, int i, void *out)
{
    ck_store_entry *e = out;
    memset(e, 0, sizeof *e);
    v_text(e->patient, sizeof e->patient, r, i, 0);
    e->seq = (uint64_t)v_int(r, i, 1);
    if (v_fixed(e->prev_hash, 32, r, i, 2) || v_fixed(e->hash, 32, r, i, 3)) return -1;
    v_text(e->section, sizeof e->section, r, i, 4);
    v_text(e->resource_type, sizeof e->resource_type, r, i, 5);
    v_text(e->author, sizeof e->author, r, i, 6);
    e->time_ms = v_int(r, i, 7);
    if (v_fixed(e->signature, 64, r, i, 9)) return -1;
    e->received_at = v_int(r, i, 10);
    e->supersedes = (uint64_t)v_int(r, i, 11);
    if (PQgetisnull(r, i, 8)) { /* dropped under a tombstone */
        e->body_dropped = 1;
        return v_fixed(e->body_sha256, 32, r, i, 12);
    }
    return (e->envelope = v_dup(r, i, 8, &e->envelope_len)) == NULL ? -1 : 0;
}

static ck_store_rc pg_entries(ck_store *b, const char *patient, uint64_t since, size_t limit,
                              ck_store_entry **v, size_t *n)
{
    return read_page((pgs *)b, "SELECT " ENTRY_COLS " FROM entries WHERE patient = $1 AND seq > $2 "
                               "ORDER BY seq LIMIT $3",
                     patient, (long long)since, limit, row_entry, ck_store_entry_drop, sizeof **v, (void **)v, n);
}

static ck_store_rc pg_entry_get(ck_store *b, const char *patient, uint64_t seq, ck_store_entry *out)
{
    params p = {0};
    p_text(&p, patient);
    p_int(&p, (long long)seq);
    return read_one((pgs *)b, "SELECT " ENTRY_COLS " FROM entries WHERE patient = $1 AND seq = $2", &p,
                    row_entry, out);
}

static ck_store_rc pg_shead_put(ck_store *b, const ck_store_signed_head *h, const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c;
    params p = {0};
    PGresult *r = NULL;
    uint8_t hash[32];
    ck_store_rc rc = CK_STORE_ERROR;

    if (h->seq == 0 || h->seq > INT64_MAX) return CK_STORE_NOT_FOUND;
    c = get(s);
    if (exec_simple(c, "BEGIN") != 0) goto out;
    p_text(&p, h->patient);
    p_int(&p, (long long)h->seq);
    r = q(c, "SELECT e.hash, r.signed_seq FROM records r JOIN entries e ON e.patient = r.patient "
             "WHERE r.patient = $1 AND e.seq = $2 FOR UPDATE OF r", &p);
    if (!ok(r)) {
        rc = err_rc(r);
        goto out;
    }
    if (PQntuples(r) == 0 || v_fixed(hash, 32, r, 0, 0) != 0 || memcmp(hash, h->hash, 32) != 0) {
        rc = CK_STORE_NOT_FOUND;
        goto out;
    }
    if (!PQgetisnull(r, 0, 1) && (uint64_t)v_int(r, 0, 1) > h->seq) {
        rc = CK_STORE_CONFLICT;
        goto out;
    }
    PQclear(r);
    r = NULL;
    { /* an entry after the head dated before the signature would read as back-dated */
        int64_t earlier = 0;
        memset(&p, 0, sizeof p);
        p_text(&p, h->patient);
        p_int(&p, (long long)h->seq);
        p_int(&p, h->time_ms);
        if ((rc = query_row(c, "SELECT count(*) FROM entries WHERE patient = $1 AND seq > $2 AND time_ms < $3", &p,
                            row_int64, &earlier)) != CK_STORE_OK)
            goto out;
        rc = CK_STORE_ERROR;
        if (earlier > 0) {
            rc = CK_STORE_STALE;
            goto out;
        }
    }
    memset(&p, 0, sizeof p);
    p_text(&p, h->patient);
    p_int(&p, (long long)h->seq);
    p_bin(&p, h->hash, 32);
    p_int(&p, h->time_ms);
    p_bin(&p, h->signature, 64);
    rc = exec_params(c, "UPDATE records SET signed_seq = $2, signed_hash = $3, signed_time = $4, signed_sig = $5 "
                        "WHERE patient = $1", &p, NULL);
    if (rc != CK_STORE_OK) goto out;
    rc = audit_commit(c, a, NULL);
out:
    PQclear(r);
    put(s, c);
    return rc;
}

static int row_shead(PGresult *r, int i, void *out)
{
    ck_store_signed_head *h = out;
    h->seq = (uint64_t)v_int(r, i, 0);
    h->time_ms = v_int(r, i, 2);
    return v_fixed(h->hash, 32, r, i, 1) == 0 && v_fixed(h->signature, 64, r, i, 3) == 0 ? 0 : -1;
}

static ck_store_rc pg_shead_get(ck_store *b, const char *patient, ck_store_signed_head *out)
{
    params p = {0};
    ck_store_rc rc;
    p_text(&p, patient);
    rc = read_one((pgs *)b, "SELECT signed_seq, signed_hash, signed_time, signed_sig FROM records "
                            "WHERE patient = $1 AND signed_seq IS NOT NULL", &p, row_shead, out);
    if (rc == CK_STORE_OK) ck_store_copy(out->patient, sizeof out->patient, patient);
    return rc;
}

/* ---- grants ----------------------------------------------------------- */

static int row_int64(PGresult *r, int i, void *out)
{
    *(int64_t *)out = v_int(r, i, 0);
    return 0;
}

static ck_store_rc pg_grant_add(ck_store *b, ck_store_grant *g, const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    params p = {0};
    char target[40];
    ck_store_rc rc = CK_STORE_ERROR;
    if (exec_simple(c, "BEGIN") != 0) goto out;
    p_text(&p, g->patient);
    p_text(&p, g->grantee);
    p_text(&p, g->granted_by);
    p_text(&p, g->sections);
    p_int(&p, g->delegate);
    p_int(&p, g->expires_at);
    p_int(&p, g->created_at);
    p_text(&p, g->access[0] ? g->access : "write");
    rc = query_row(c, "INSERT INTO grants(patient, grantee, granted_by, sections, delegate, expires_at, created_at, "
                      "access) VALUES($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", &p, row_int64, &g->id);
    if (rc != CK_STORE_OK) goto out;
    snprintf(target, sizeof target, "grant:%lld", (long long)g->id);
    rc = audit_commit(c, a, target);
out:
    put(s, c);
    return rc;
}

static ck_store_rc pg_grant_revoke(ck_store *b, const char *patient, int64_t id, int64_t now,
                                   const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    params p = {0};
    char target[40];
    ck_store_rc rc = CK_STORE_ERROR;
    if (exec_simple(c, "BEGIN") != 0) goto out;
    p_text(&p, patient);
    p_int(&p, id);
    p_int(&p, now);
    rc = exec_one(c, "UPDATE grants SET revoked_at = $3 WHERE patient = $1 AND id = $2 AND revoked_at = 0", &p);
    if (rc != CK_STORE_OK) goto out;
    snprintf(target, sizeof target, "grant:%lld", (long long)id);
    rc = audit_commit(c, a, target);
out:
    put(s, c);
    return rc;
}

static int row_grant(PGresult *r, int i, void *out)
{
    ck_store_grant *g = out;
    g->id = v_int(r, i, 0);
    v_text(g->patient, sizeof g->patient, r, i, 1);
    v_text(g->grantee, sizeof g->grantee, r, i, 2);
    v_text(g->granted_by, sizeof g->granted_by, r, i, 3);
    v_text(g->sections, sizeof g->sections, r, i, 4);
    g->delegate = (int)v_int(r, i, 5);
    g->expires_at = v_int(r, i, 6);
    g->created_at = v_int(r, i, 7);
    g->revoked_at = v_int(r, i, 8);
    v_text(g->access, sizeof g->access, r, i, 9);
    return 0;
}

static ck_store_rc pg_grants(ck_store *b, const char *patient, const char *grantee,
                             ck_store_grant **v, size_t *n)
{
    params p = {0};
    p_text(&p, patient);
    if (grantee) p_text(&p, grantee);
    return read_all((pgs *)b,
                    grantee ? "SELECT " GRANT_COLS " FROM grants WHERE patient = $1 AND grantee = $2 "
                              "AND revoked_at = 0 ORDER BY id LIMIT 1000"
                            : "SELECT " GRANT_COLS " FROM grants WHERE patient = $1 ORDER BY id LIMIT 10000",
                    &p, row_grant, NULL, sizeof **v, (void **)v, n);
}

/* The grants one person holds, on any record (GET /v1/grants/mine), by
 * the partial index grants_held. */
static ck_store_rc pg_grants_held(ck_store *b, const char *grantee, int64_t after, int64_t now, size_t limit,
                                  ck_store_grant **v, size_t *n)
{
    params p = {0};
    if (limit == 0) return CK_STORE_ERROR;
    p_text(&p, grantee);
    p_int(&p, after);
    p_int(&p, now);
    p_int(&p, (long long)limit);
    return read_all((pgs *)b,
                    "SELECT " GRANT_COLS " FROM grants WHERE grantee = $1 AND revoked_at = 0 AND id > $2 "
                    "AND (expires_at = 0 OR expires_at > $3) ORDER BY id LIMIT $4",
                    &p, row_grant, NULL, sizeof **v, (void **)v, n);
}

/* ---- mailbox ---------------------------------------------------------- */

static ck_store_rc pg_mail_put(ck_store *b, ck_store_mail *m, size_t max, size_t per_sender)
{
    params p = {0};
    ck_store_rc rc;
    p_text(&p, m->recipient);
    p_text(&p, m->sender);
    p_text(&p, m->kind);
    p_bin(&p, m->payload, m->payload_len);
    p_int(&p, m->created_at);
    p_int(&p, (long long)max);
    p_int(&p, (long long)per_sender);
    /* The limits are soft caps: two instances may race past them by a few.
     * No row inserted means full (mailbox has no foreign key to miss). */
    rc = read_one((pgs *)b, "INSERT INTO mailbox(recipient, sender, kind, payload, created_at) "
                            "SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM mailbox WHERE recipient = $1) < $6 "
                            "AND (SELECT count(*) FROM mailbox WHERE recipient = $1 AND sender = $2) < $7 "
                            "RETURNING id", &p, row_int64, &m->id);
    return rc == CK_STORE_NOT_FOUND ? CK_STORE_FULL : rc;
}

static int row_mail(PGresult *r, int i, void *out)
{
    ck_store_mail *m = out;
    m->id = v_int(r, i, 0);
    v_text(m->recipient, sizeof m->recipient, r, i, 1);
    v_text(m->sender, sizeof m->sender, r, i, 2);
    v_text(m->kind, sizeof m->kind, r, i, 3);
    if ((m->payload = v_dup(r, i, 4, &m->payload_len)) == NULL) return -1;
    m->created_at = v_int(r, i, 5);
    return 0;
}

static ck_store_rc pg_mail_list(ck_store *b, const char *recipient, int64_t after, size_t limit,
                                ck_store_mail **v, size_t *n)
{
    return read_page((pgs *)b, "SELECT id, recipient, sender, kind, payload, created_at FROM mailbox "
                               "WHERE recipient = $1 AND id > $2 ORDER BY id LIMIT $3",
                     recipient, after, limit, row_mail, ck_store_mail_drop, sizeof **v, (void **)v, n);
}

static ck_store_rc pg_mail_ack(ck_store *b, const char *recipient, int64_t id, int64_t now)
{
    params p = {0};
    (void)now;
    p_text(&p, recipient);
    p_int(&p, id);
    return simple_one((pgs *)b, "DELETE FROM mailbox WHERE recipient = $1 AND id = $2", &p);
}

/* ---- enrollment requests ------------------------------------------------ */

static int row_enroll(PGresult *r, int i, void *out)
{
    ck_store_enrollment *e = out;
    ck_store_authority *a = &e->auth;
    v_text(e->gid, sizeof e->gid, r, i, 0);
    v_text(e->role, sizeof e->role, r, i, 1);
    v_text(e->display_name, sizeof e->display_name, r, i, 2);
    if (v_fixed(e->ed25519, 32, r, i, 3) || v_fixed(e->x25519, 32, r, i, 4)) return -1;
    v_text(e->org_kind, sizeof e->org_kind, r, i, 5);
    v_text(e->org_display_name, sizeof e->org_display_name, r, i, 6);
    v_text(e->join_org, sizeof e->join_org, r, i, 7);
    v_text(a->name, sizeof a->name, r, i, 8);
    v_text(e->status, sizeof e->status, r, i, 14);
    e->created_at = v_int(r, i, 15);
    e->decided_at = v_int(r, i, 16);
    if (a->name[0] == 0) return 0;
    v_text(a->organization, sizeof a->organization, r, i, 11);
    a->epoch_version = (uint64_t)v_int(r, i, 13);
    if (v_fixed(a->sign_pk, 32, r, i, 9) || (a->abe_pk = strdup(PQgetvalue(r, i, 10))) == NULL) return -1;
    if (*PQgetvalue(r, i, 12) && (a->epoch_table = strdup(PQgetvalue(r, i, 12))) == NULL) {
        ck_store_authority_clear(a);
        return -1;
    }
    return 0;
}

static ck_store_rc pg_enroll_add(ck_store *b, const ck_store_enrollment *e, size_t max)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    const ck_store_authority *a = &e->auth;
    params p = {0};
    int64_t n;
    ck_store_rc rc = CK_STORE_ERROR;

    /* The advisory lock serializes submissions (the pending cap, the GID
     * checks) across instances for the length of the transaction. */
    if (exec_simple(c, "BEGIN") != 0 || exec_simple(c, "SELECT pg_advisory_xact_lock(727319)") != 0) goto out;
    p_text(&p, e->gid);
    rc = query_row(c, "SELECT (SELECT count(*) FROM users WHERE gid = $1) + (SELECT count(*) FROM enrollments "
                      "WHERE gid = $1 AND status <> 'rejected')", &p, row_int64, &n);
    if (rc != CK_STORE_OK) goto out;
    if (n > 0) {
        rc = CK_STORE_EXISTS;
        goto out;
    }
    if ((rc = exec_params(c, "DELETE FROM enrollments WHERE gid = $1", &p, NULL)) != CK_STORE_OK) goto out;
    if ((rc = query_row(c, "SELECT count(*) FROM enrollments WHERE status = 'pending'", NULL, row_int64, &n)) !=
        CK_STORE_OK)
        goto out;
    if ((size_t)n >= max) {
        rc = CK_STORE_FULL;
        goto out;
    }
    memset(&p, 0, sizeof p);
    p_text(&p, e->gid);
    p_text(&p, e->role);
    p_text(&p, e->display_name);
    p_bin(&p, e->ed25519, 32);
    p_bin(&p, e->x25519, 32);
    p_text(&p, e->org_kind);
    p_text(&p, e->org_display_name);
    p_text(&p, e->join_org);
    p_text(&p, a->name);
    if (a->name[0])
        p_bin(&p, a->sign_pk, 32);
    else
        p_text(&p, NULL);
    p_text(&p, a->abe_pk ? a->abe_pk : "");
    p_text(&p, a->organization);
    p_text(&p, a->epoch_table ? a->epoch_table : "");
    p_int(&p, (long long)a->epoch_version);
    p_int(&p, e->created_at);
    rc = exec_params(c, "INSERT INTO enrollments(" ENROLL_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                        "$11, $12, $13, $14, 'pending', $15, 0)", &p, NULL);
    if (rc == CK_STORE_OK && exec_simple(c, "COMMIT") != 0) rc = CK_STORE_ERROR;
out:
    put(s, c);
    return rc;
}

static ck_store_rc pg_enroll_get(ck_store *b, const char *gid, ck_store_enrollment *out)
{
    params p = {0};
    p_text(&p, gid);
    return read_one((pgs *)b, "SELECT " ENROLL_COLS " FROM enrollments WHERE gid = $1", &p, row_enroll, out);
}

static ck_store_rc pg_enroll_list(ck_store *b, const char *status, size_t limit, ck_store_enrollment **v, size_t *n)
{
    params p = {0};
    p_text(&p, status);
    p_int(&p, (long long)limit);
    return read_all((pgs *)b, "SELECT " ENROLL_COLS " FROM enrollments WHERE status = $1 "
                              "ORDER BY created_at, gid COLLATE \"C\" LIMIT $2",
                    &p, row_enroll, ck_store_enrollment_drop, sizeof **v, (void **)v, n);
}

/* Marks the pending request decided, locking its row: NOT_FOUND unless pending. */
static ck_store_rc enroll_decide(pconn *c, const char *gid, const char *status, int64_t now)
{
    params p = {0};
    p_text(&p, gid);
    p_text(&p, status);
    p_int(&p, now);
    return exec_one(c, "UPDATE enrollments SET status = $2, decided_at = $3 WHERE gid = $1 AND status = 'pending'",
                    &p);
}

/* Every part of an approval in one transaction: the first failure rolls
 * all of them back (put() rolls back an open transaction). */
static ck_store_rc enroll_approve_tx(pconn *c, const ck_store_enrollment *e, const ck_store_authority *auth,
                                     int64_t now, const ck_store_audit *a)
{
    params p = {0};
    ck_store_user u;
    ck_store_org o;
    ck_store_rc rc;

    if (exec_simple(c, "BEGIN") != 0) return CK_STORE_ERROR;
    if ((rc = enroll_decide(c, e->gid, "approved", now)) != CK_STORE_OK) return rc;
    memset(&u, 0, sizeof u);
    ck_store_copy(u.gid, sizeof u.gid, e->gid);
    memcpy(u.ed25519, e->ed25519, 32);
    memcpy(u.x25519, e->x25519, 32);
    ck_store_copy(u.display_name, sizeof u.display_name, e->display_name);
    ck_store_copy(u.role, sizeof u.role, e->role);
    u.created_at = now;
    user_params(&p, &u);
    if ((rc = exec_params(c, user_ins, &p, NULL)) != CK_STORE_OK) return rc;
    if (e->org_kind[0]) {
        memset(&o, 0, sizeof o);
        ck_store_copy(o.name, sizeof o.name, e->gid);
        ck_store_copy(o.kind, sizeof o.kind, e->org_kind);
        ck_store_copy(o.display_name, sizeof o.display_name, e->org_display_name);
        o.created_at = now;
        memset(&p, 0, sizeof p);
        org_params(&p, &o);
        if ((rc = exec_params(c, org_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    if (auth) {
        memset(&p, 0, sizeof p);
        auth_params(&p, auth);
        if ((rc = exec_params(c, auth_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    if (e->join_org[0]) {
        memset(&p, 0, sizeof p);
        p_text(&p, e->gid);
        p_text(&p, e->join_org);
        p_int(&p, now);
        if ((rc = exec_params(c, consent_ins, &p, NULL)) != CK_STORE_OK) return rc;
    }
    return audit_commit(c, a, NULL);
}

static ck_store_rc pg_enroll_approve(ck_store *b, const char *gid, const ck_store_authority *auth, int64_t now,
                                     const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    ck_store_enrollment e;
    pconn *c;
    ck_store_rc rc;
    memset(&e, 0, sizeof e);
    if ((rc = pg_enroll_get(b, gid, &e)) != CK_STORE_OK) return rc;
    c = get(s);
    rc = strcmp(e.status, "pending") == 0 ? enroll_approve_tx(c, &e, auth, now, a) : CK_STORE_NOT_FOUND;
    put(s, c);
    ck_store_enrollment_clear(&e);
    return rc;
}

static ck_store_rc pg_enroll_reject(ck_store *b, const char *gid, int64_t now, const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    ck_store_rc rc = CK_STORE_ERROR;
    if (exec_simple(c, "BEGIN") == 0 && (rc = enroll_decide(c, gid, "rejected", now)) == CK_STORE_OK)
        rc = audit_commit(c, a, NULL);
    put(s, c);
    return rc;
}

/* ---- audit, nonces, size ---------------------------------------------- */

static ck_store_rc pg_audit_nonce(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n);

static ck_store_rc pg_audit_add(ck_store *b, const ck_store_audit *a)
{
    return pg_audit_nonce(b, a, NULL);
}

static int row_audit(PGresult *r, int i, void *out)
{
    ck_store_audit *a = out;
    a->id = v_int(r, i, 0);
    a->time_ms = v_int(r, i, 1);
    v_text(a->actor, sizeof a->actor, r, i, 2);
    v_text(a->patient, sizeof a->patient, r, i, 3);
    v_text(a->action, sizeof a->action, r, i, 4);
    v_text(a->target, sizeof a->target, r, i, 5);
    v_text(a->purpose, sizeof a->purpose, r, i, 6);
    v_text(a->outcome, sizeof a->outcome, r, i, 7);
    a->status = (int)v_int(r, i, 8);
    return 0;
}

static ck_store_rc pg_audit_list(ck_store *b, const char *patient, int64_t after, size_t limit,
                                 ck_store_audit **v, size_t *n)
{
    return read_page((pgs *)b, "SELECT " AUDIT_COLS " FROM audit WHERE patient = $1 AND id > $2 ORDER BY id LIMIT $3",
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
    for (const gc_item *x = batch; x != w; x = x->next)
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
    for (gc_item *w = batch; w; w = w->next) {
        w->rc = w->has_nonce ? CK_STORE_REPLAYED : CK_STORE_ERROR;
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
    for (w = batch; w && !w->has_nonce; w = w->next) continue;
    if (!w || __atomic_add_fetch(&s->nonce_calls, 1, __ATOMIC_RELAXED) % 256 != 0) return;
    p_int(&d, w->expire_before);
    PQclear(q_custom(c, "DELETE FROM nonces WHERE created_at < $1", &d));
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
        if (v_int(r, i, 0) == 1 && !strcmp(PQgetvalue(r, i, 1), w->a.patient))
            return v_int(r, i, 2) != w->a.read_gen;
    return 1; /* the record is gone */
}

/* Marks the first item still REPLAYED with each returned nonce as new;
 * an item whose record changed is CHANGED (its nonce was not used). */
static void gc_results(gc_item *batch, PGresult *r)
{
    for (gc_item *w = batch; w; w = w->next)
        if (!w->has_nonce) w->rc = CK_STORE_OK;
    for (int i = 0; i < PQntuples(r); i++)
        for (gc_item *w = batch; w && v_int(r, i, 0) == 0; w = w->next)
            if (w->has_nonce && w->rc == CK_STORE_REPLAYED && !strcmp(w->caller, PQgetvalue(r, i, 1)) &&
                !strcmp(w->nonce, PQgetvalue(r, i, 2))) {
                w->rc = CK_STORE_OK;
                break;
            }
    for (gc_item *w = batch; w; w = w->next)
        if (gc_changed(w, r)) w->rc = CK_STORE_CHANGED;
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
        for (w = batch; w; w = w->next)
            if (!w->has_nonce) w->rc = CK_STORE_OK;
        goto out;
    }
    for (int i = 0; i < GC_COLS; i++) p_text(&p, g.v[i]);
    c = get(s);
    gc_expire(s, c, batch);
    r = q(c, gc_sql, &p);
    put(s, c);
    if (!ok(r)) {
        err_rc(r);
        unavailable = ck_store_unavailable();
        goto fail;
    }
    gc_results(batch, r);
    goto out;
fail:
    for (w = batch; w; w = w->next) {
        w->rc = CK_STORE_ERROR;
        w->unavailable = unavailable;
    }
out:
    PQclear(r);
    for (int i = 0; i < GC_COLS; i++) free(g.v[i]);
}

/* Each item's caller learns its outcome: an asynchronous one by its
 * callback (with this thread's flag saying whether a primary was missing),
 * a waiter by its item marked done. Under gmu for the waiters' flags only;
 * callbacks run unlocked. */
static void gc_complete(pgs *s, gc_item *batch)
{
    gc_item *w, *next, *waiters = NULL;
    for (w = batch; w; w = next) {
        next = w->next;
        if (w->fn == NULL) {
            w->next = waiters;
            waiters = w;
            continue;
        }
        ck_store_set_unavailable(w->unavailable);
        w->fn(w->ctx, w->rc);
        OPENSSL_cleanse(w, sizeof *w);
        free(w);
    }
    pthread_mutex_lock(&s->gmu);
    for (w = waiters; w; w = next) {
        next = w->next;
        w->done = 1; /* the waiter may return from here on */
    }
    s->gbusy = 0;
    if (s->gasync || s->gstop) pthread_cond_signal(&s->gcv); /* the thread takes them if no waiter does */
    pthread_cond_broadcast(&s->gdone);
    pthread_mutex_unlock(&s->gmu);
}

/* Takes the queue as the next batch and commits it: called and returns
 * with gmu held, which is released while the batch runs. */
static void gc_run_next(pgs *s)
{
    gc_item *batch = s->gq;
    s->gq = NULL;
    s->gtail = &s->gq;
    s->gasync = 0;
    s->gbusy = 1;
    pthread_mutex_unlock(&s->gmu);
    gc_batch(s, batch);
    gc_complete(s, batch);
    pthread_mutex_lock(&s->gmu);
}

/* The group commit's thread: takes the queue whenever asynchronous items
 * wait in it and no batch is under way; on stop it drains the queue first. */
static void *gc_main(void *arg)
{
    pgs *s = arg;
    pthread_mutex_lock(&s->gmu);
    for (;;) {
        int ready = 0;
        while (!(ready = s->gasync > 0 && !s->gbusy) && !(s->gstop && s->gq == NULL && !s->gbusy))
            pthread_cond_wait(&s->gcv, &s->gmu);
        if (!ready) break; /* stopping, nothing left */
        gc_run_next(s);
    }
    pthread_mutex_unlock(&s->gmu);
    return NULL;
}

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

/* Queued in order (gmu held): a nonce used twice in one batch is new for
 * the first. */
static void gc_enqueue(pgs *s, gc_item *it)
{
    *s->gtail = it;
    s->gtail = &it->next;
}

static ck_store_rc pg_audit_nonce_async(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n,
                                        ck_store_done_fn fn, void *ctx)
{
    pgs *s = (pgs *)b;
    gc_item *it = calloc(1, sizeof *it);
    if (it == NULL) return CK_STORE_ERROR;
    if (fn == NULL || gc_fill(it, a, n) != 0) {
        free(it);
        return CK_STORE_ERROR;
    }
    it->fn = fn;
    it->ctx = ctx;
    pthread_mutex_lock(&s->gmu);
    if (s->gstop || !s->gstarted) {
        pthread_mutex_unlock(&s->gmu);
        free(it);
        return CK_STORE_ERROR;
    }
    gc_enqueue(s, it);
    s->gasync++;
    if (!s->gbusy) pthread_cond_signal(&s->gcv);
    pthread_mutex_unlock(&s->gmu);
    return CK_STORE_OK;
}

/* The waiting form: queues the item, and runs the batch itself whenever
 * none is under way, until its own item is answered. */
static ck_store_rc pg_audit_nonce(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n)
{
    pgs *s = (pgs *)b;
    gc_item me;
    ck_store_rc rc;
    memset(&me, 0, sizeof me);
    if (gc_fill(&me, a, n) != 0) return CK_STORE_ERROR;
    pthread_mutex_lock(&s->gmu);
    gc_enqueue(s, &me);
    while (!me.done) {
        if (s->gbusy) {
            pthread_cond_wait(&s->gdone, &s->gmu);
            continue;
        }
        gc_run_next(s);
    }
    pthread_mutex_unlock(&s->gmu);
    ck_store_set_unavailable(me.unavailable);
    rc = me.rc;
    OPENSSL_cleanse(&me, sizeof me);
    return rc;
}

static ck_store_rc pg_audit_add_async(ck_store *b, const ck_store_audit *a, ck_store_done_fn fn, void *ctx)
{
    return pg_audit_nonce_async(b, a, NULL, fn, ctx);
}

/* A barrier: every item queued before it is committed by then. */
static ck_store_rc pg_sync_async(ck_store *b, ck_store_done_fn fn, void *ctx)
{
    return pg_audit_nonce_async(b, NULL, NULL, fn, ctx);
}

static ck_store_rc pg_nonce_use(ck_store *b, const char *caller, const char *nonce, int64_t now,
                                int64_t expire_before)
{
    ck_store_nonce n = {caller, nonce, now, expire_before};
    ck_store_rc rc = pg_audit_nonce(b, NULL, &n);
    return rc == CK_STORE_REPLAYED ? CK_STORE_CONFLICT : rc;
}

/* Multi-instance: the database is the only place that knows every
 * instance's nonces, so a put is a full check. */
static ck_store_rc pg_nonce_put(ck_store *b, const char *caller, const char *nonce, int64_t now,
                                int64_t expire_before)
{
    ck_store_rc rc = pg_nonce_use(b, caller, nonce, now, expire_before);
    return rc == CK_STORE_CONFLICT ? CK_STORE_OK : rc;
}

static ck_store_rc pg_nonce_load(ck_store *b, int64_t since, ck_store_nonce_fn fn, void *ctx)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    params p = {0};
    PGresult *r;
    ck_store_rc rc = CK_STORE_ERROR;
    p_int(&p, since);
    r = q(c, "SELECT caller, nonce, created_at FROM nonces WHERE created_at >= $1", &p);
    if (ok(r)) {
        for (int i = 0; i < PQntuples(r); i++) fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), v_int(r, i, 2));
        rc = CK_STORE_OK;
    } else {
        rc = err_rc(r);
    }
    PQclear(r);
    put(s, c);
    return rc;
}

static ck_store_rc pg_size(ck_store *b, int64_t *bytes)
{
    pgs *s = (pgs *)b;
    pconn *c = get(s);
    PGresult *r = q(c, "SELECT pg_database_size(current_database())", NULL);
    ck_store_rc rc = CK_STORE_ERROR;
    if (ok(r) && PQntuples(r) == 1) {
        *bytes = v_int(r, 0, 0);
        rc = CK_STORE_OK;
    }
    PQclear(r);
    put(s, c);
    return rc;
}

static int pg_schema_version(ck_store *b)
{
    (void)b;
    return SCHEMA_VERSION;
}

static void pg_close(ck_store *b)
{
    pgs *s = (pgs *)b;
    if (s->gstarted) { /* the queue is drained first: every item is answered */
        pthread_mutex_lock(&s->gmu);
        s->gstop = 1;
        pthread_cond_signal(&s->gcv);
        pthread_mutex_unlock(&s->gmu);
        pthread_join(s->gthread, NULL);
    }
    for (int i = 0; i < s->nconns; i++) {
        PQfinish(s->conns[i].pg);
        prep_forget(&s->conns[i]);
    }
    free(s->conns);
    if (s->heads) {
        pthread_mutex_destroy(&s->heads->mu);
        free(s->heads);
    }
    if (s->conninfo) {
        /* The URL may carry a password. */
        OPENSSL_cleanse(s->conninfo, strlen(s->conninfo));
        free(s->conninfo);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->gmu);
    pthread_mutex_destroy(&s->amu);
    pthread_cond_destroy(&s->adone);
    pthread_cond_destroy(&s->gcv);
    pthread_cond_destroy(&s->gdone);
    free(s);
}

/* Schema 5: entries.supersedes from the stored envelopes, a page at a time
 * (only rows that start like a DATA container are read: magic "CKRE",
 * version 1 or 2, kind 1; ck_store_supersedes_of decides). */
static int backfill_supersedes(pconn *c)
{
    char patient[CK_STORE_ID_CAP] = "";
    long long seq = 0;
    for (;;) {
        params p = {0};
        PGresult *r;
        int rows, rc = 0;
        p_text(&p, patient);
        p_int(&p, seq);
        r = q(c, "SELECT patient, seq, envelope FROM entries WHERE (patient, seq) > ($1, $2) "
                 "AND substr(envelope, 1, 6) IN ('\\x434b52450101'::bytea, '\\x434b52450201'::bytea) "
                 "ORDER BY patient, seq LIMIT 256", &p);
        if (!ok(r)) {
            PQclear(r);
            return -1;
        }
        rows = PQntuples(r);
        for (int i = 0; i < rows && rc == 0; i++) {
            size_t len = 0;
            uint8_t *env = v_dup(r, i, 2, &len);
            uint64_t sup = env ? ck_store_supersedes_of(env, len) : 0;
            free(env);
            v_text(patient, sizeof patient, r, i, 0);
            seq = v_int(r, i, 1);
            if (sup == 0) continue;
            memset(&p, 0, sizeof p);
            p_text(&p, patient);
            p_int(&p, seq);
            p_int(&p, (long long)sup);
            if (exec_params(c, "UPDATE entries SET supersedes = $3 WHERE patient = $1 AND seq = $2", &p, NULL) !=
                CK_STORE_OK)
                rc = -1;
        }
        PQclear(r);
        if (rc != 0) return -1;
        if (rows < 256) return 0;
    }
}

/* Applies missing migrations under an advisory lock, so instances that
 * start together do not race. */
static int migrate(pconn *c)
{
    PGresult *r = NULL;
    int v = -1, rc = -1;
    char set[96];
    if (exec_simple(c, "BEGIN") != 0) goto out;
    if (exec_simple(c, "SELECT pg_advisory_xact_lock(727318)") != 0) goto out;
    if (exec_simple(c, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)") != 0) goto out;
    r = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!ok(r) || PQntuples(r) != 1) goto out;
    v = (int)v_int(r, 0, 0);
    if (v > SCHEMA_VERSION) {
        fprintf(stderr, "level=error msg=\"database schema is newer than this carekeyd\" version=%d\n", v);
        goto out;
    }
    for (; v < SCHEMA_VERSION; v++) {
        if (exec_simple(c, migrations[v]) != 0 || (v + 1 == SCHEMA_SUPERSEDES && backfill_supersedes(c) != 0)) {
            fprintf(stderr, "level=error msg=\"migration failed\" step=%d detail=\"%s\"\n", v + 1,
                    PQerrorMessage(c->pg));
            goto out;
        }
        snprintf(set, sizeof set, "DELETE FROM schema_version; INSERT INTO schema_version VALUES(%d)", v + 1);
        if (exec_simple(c, set) != 0) goto out;
    }
    if (exec_simple(c, "COMMIT") != 0) goto out;
    rc = 0;
out:
    PQclear(r);
    if (rc != 0 && PQtransactionStatus(c->pg) != PQTRANS_IDLE) exec_simple(c, "ROLLBACK");
    return rc;
}

static const ck_store_ops pg_ops = {
    "postgres", pg_close, pg_schema_version,
    pg_user_add, pg_user_get, pg_auth_add, pg_auth_get, pg_auth_epochs,
    pg_append, pg_head, pg_entries, pg_entry_get, pg_shead_put, pg_shead_get,
    pg_grant_add, pg_grant_revoke, pg_grants,
    pg_mail_put, pg_mail_list, pg_mail_ack,
    pg_audit_add, pg_audit_list, pg_nonce_use, pg_size, pg_nonce_put, pg_nonce_load,
    pg_audit_add_async, NULL, /* appends run on the caller's pooled connection */
    pg_user_affiliate, pg_user_deactivate, pg_user_list,
    pg_org_add, pg_org_get, pg_org_list, pg_unit_add, pg_unit_get, pg_unit_list,
    pg_user_unaffiliate, pg_user_reactivate, pg_consent_add, pg_consent_del, pg_consent_get, pg_section_present,
    pg_enroll_add, pg_enroll_get, pg_enroll_list, pg_enroll_approve, pg_enroll_reject,
    pg_sync_async,
    pg_grants_held,
    pg_audit_nonce_async, pg_audit_nonce, pg_append_nonce,
    pg_record_gen,
};

ck_store_rc ck_store_pg_open(ck_store **out, const char *conninfo, const ck_store_opts *o)
{
    pgs *s = calloc(1, sizeof *s);
    int n = o->readers > 0 ? o->readers : 8;
    if (s == NULL) return CK_STORE_ERROR;
    s->base.ops = &pg_ops;
    s->base.shared = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_mutex_init(&s->gmu, NULL);
    pthread_mutex_init(&s->amu, NULL);
    pthread_cond_init(&s->adone, NULL);
    s->atail = &s->aq;
    pthread_cond_init(&s->gcv, NULL);
    pthread_cond_init(&s->gdone, NULL);
    s->gtail = &s->gq;
    if ((s->conninfo = strdup(conninfo)) == NULL) goto fail;
    if ((s->conns = calloc((size_t)n, sizeof *s->conns)) == NULL) goto fail;
    if ((s->heads = calloc(1, sizeof *s->heads)) == NULL) goto fail;
    pthread_mutex_init(&s->heads->mu, NULL);
    for (; s->nconns < n; s->nconns++) {
        pconn *c = &s->conns[s->nconns];
        c->pg = PQconnectdb(conninfo);
        if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
            /* libpq's message names host and database, never the password. */
            fprintf(stderr, "level=error msg=\"postgres connect failed\" detail=\"%s\"\n",
                    c->pg ? strtok(PQerrorMessage(c->pg), "\n") : "out of memory");
            s->nconns++;
            goto fail;
        }
        session_init(c);
        if (s->nconns == 0 && migrate(c) != 0) {
            s->nconns++;
            goto fail;
        }
        c->next_free = s->free_list;
        s->free_list = c;
    }
    if (pthread_create(&s->gthread, NULL, gc_main, s) != 0) goto fail;
    s->gstarted = 1;
    *out = &s->base;
    return CK_STORE_OK;
fail:
    pg_close(&s->base);
    return CK_STORE_ERROR;
}
