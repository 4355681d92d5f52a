/*
 * sqlite.c - the embedded SQLite back end.
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT returns only after the
 * WAL is fsync'ed; an acknowledged write survives kill -9 and power loss.
 *
 * Throughput: SQLite has one writer at a time, and an fsync per request
 * would cap appends at the disk's fsync rate. So every write is a job run
 * by one writer thread, which takes all queued jobs, runs each inside its
 * own SAVEPOINT of a single BEGIN IMMEDIATE transaction and commits once
 * (group commit). A job's caller is woken (or, for the *_async calls, its
 * completion callback runs) only after that COMMIT returned, so nothing is
 * acknowledged before it is durable. The writer does this after it let go
 * of the queue lock, so submitters never wait for the wake-ups. Reads use
 * a pool of read-only connections that see the last committed snapshot.
 */
#include "store_impl.h"

#include "carekey/wire.h"

#include <pthread.h>
#include <semaphore.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_SAVEPOINT, Q_RELEASE, Q_ROLLBACK_TO,
    Q_USER_INS, Q_RECORD_INS, Q_USER_GET,
    Q_AUTH_INS, Q_AUTH_GET, Q_AUTH_EPOCHS,
    Q_HEAD_GET, Q_ENTRY_INS, Q_HEAD_SET, Q_ENTRIES, Q_ENTRY_GET, Q_ENTRY_HASH,
    Q_SHEAD_GET, Q_SHEAD_SET,
    Q_GRANT_INS, Q_GRANT_REVOKE, Q_GRANTS_ALL, Q_GRANTS_FOR,
    Q_MAIL_COUNT, Q_MAIL_INS, Q_MAIL_LIST, Q_MAIL_ACK,
    Q_AUDIT_INS, Q_AUDIT_LIST,
    Q_NONCE_INS, Q_NONCE_GET, Q_NONCE_PURGE, Q_NONCE_LOAD, Q_SIZE,
    Q_USER_EXISTS, Q_USER_AFFILIATE, Q_USER_DEACTIVATE, Q_USER_LIST,
    Q_ORG_INS, Q_ORG_GET, Q_ORG_LIST, Q_UNIT_INS, Q_UNIT_GET, Q_UNIT_LIST,
    Q_AUTH_EXISTS, Q_MAIL_COUNT_SENDER, Q_USER_AFFILIATE_CONSENTED, Q_USER_UNAFFILIATE, Q_USER_REACTIVATE,
    Q_CONSENT_INS, Q_CONSENT_DEL, Q_CONSENT_GET, Q_SECTION, Q_APPEND_FLOOR, Q_ENTRY_EARLIER,
    Q_ENROLL_INS, Q_ENROLL_GET, Q_ENROLL_DEL, Q_ENROLL_PENDING, Q_ENROLL_LIST, Q_ENROLL_DECIDE,
    Q_ENTRY_DROP, Q_GRANTS_HELD,
    Q_COUNT
};

/* The users' columns (the other lists are in store_impl.h). */
#define USER_COLS "gid, ed25519, x25519, display_name, role, created_at, org, unit, title, attributes, " \
                  "affiliated_at, active, deactivated_at"

static const char *const sql[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_SAVEPOINT] = "SAVEPOINT job",
    [Q_RELEASE] = "RELEASE job",
    [Q_ROLLBACK_TO] = "ROLLBACK TO job",
    [Q_USER_INS] = "INSERT INTO users(gid, ed25519, x25519, display_name, role, created_at) "
                   "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_RECORD_INS] = "INSERT INTO records(patient, head_seq, head_hash) VALUES(?1, 0, zeroblob(32))",
    [Q_USER_GET] = "SELECT " USER_COLS " FROM users WHERE gid = ?1",
    [Q_AUTH_INS] = "INSERT INTO authorities(" AUTH_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9)",
    [Q_AUTH_GET] = "SELECT " AUTH_COLS " FROM authorities WHERE name = ?1",
    /* Only a newer table replaces the stored one. */
    [Q_AUTH_EPOCHS] = "UPDATE authorities SET epochs = ?2, epoch_version = ?3, updated_at = ?4 "
                      "WHERE name = ?1 AND epoch_version < ?3",
    [Q_HEAD_GET] = "SELECT head_seq, head_hash, signed_seq FROM records WHERE patient = ?1",
    [Q_ENTRY_INS] = "INSERT INTO entries(" ENTRY_COLS ") "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL)",
    [Q_HEAD_SET] = "UPDATE records SET head_seq = ?2, head_hash = ?3 WHERE patient = ?1",
    [Q_ENTRIES] = "SELECT " ENTRY_COLS " FROM entries WHERE patient = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    [Q_ENTRY_GET] = "SELECT " ENTRY_COLS " FROM entries WHERE patient = ?1 AND seq = ?2",
    [Q_ENTRY_HASH] = "SELECT hash FROM entries WHERE patient = ?1 AND seq = ?2",
    [Q_SHEAD_GET] = "SELECT signed_seq, signed_hash, signed_time, signed_sig FROM records "
                    "WHERE patient = ?1 AND signed_seq IS NOT NULL",
    [Q_SHEAD_SET] = "UPDATE records SET signed_seq = ?2, signed_hash = ?3, signed_time = ?4, signed_sig = ?5 "
                    "WHERE patient = ?1",
    [Q_GRANT_INS] = "INSERT INTO grants(patient, grantee, granted_by, sections, delegate, expires_at, created_at, "
                    "access) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_GRANT_REVOKE] = "UPDATE grants SET revoked_at = ?3 WHERE patient = ?1 AND id = ?2 AND revoked_at = 0",
    [Q_GRANTS_ALL] = "SELECT " GRANT_COLS " FROM grants WHERE patient = ?1 ORDER BY id LIMIT 10000",
    [Q_GRANTS_FOR] = "SELECT " GRANT_COLS " FROM grants WHERE patient = ?1 AND grantee = ?2 "
                     "AND revoked_at = 0 ORDER BY id LIMIT 1000",
    [Q_MAIL_COUNT] = "SELECT count(*) FROM mailbox WHERE recipient = ?1",
    [Q_MAIL_INS] = "INSERT INTO mailbox(recipient, sender, kind, payload, created_at) VALUES(?1, ?2, ?3, ?4, ?5)",
    [Q_MAIL_LIST] = "SELECT id, recipient, sender, kind, payload, created_at FROM mailbox "
                    "WHERE recipient = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    [Q_MAIL_ACK] = "DELETE FROM mailbox WHERE recipient = ?1 AND id = ?2",
    [Q_AUDIT_INS] = "INSERT INTO audit(time_ms, actor, patient, action, target, purpose, outcome, status) "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_AUDIT_LIST] = "SELECT " AUDIT_COLS " FROM audit WHERE patient = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    [Q_NONCE_INS] = "INSERT INTO nonce_log(caller, nonce, created_at) VALUES(?1, ?2, ?3)",
    [Q_NONCE_GET] = "SELECT 1 FROM nonce_log WHERE created_at >= ?3 AND caller = ?1 AND nonce = ?2 LIMIT 1",
    [Q_NONCE_PURGE] = "DELETE FROM nonce_log WHERE created_at < ?1",
    [Q_NONCE_LOAD] = "SELECT caller, nonce, created_at FROM nonce_log WHERE created_at >= ?1",
    /* Pages in use: what dropped bodies free is on the freelist, reused by
     * later writes without a VACUUM. */
    [Q_SIZE] = "SELECT (page_count - freelist_count) * page_size "
               "FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()",
    [Q_USER_EXISTS] = "SELECT 1 FROM users WHERE gid = ?1",
    /* The unit, when given, must be one of the org's (no composite foreign
     * key on an added column in SQLite): checked in the same statement. */
    [Q_USER_AFFILIATE] = "UPDATE users SET org = ?2, unit = ?3, title = ?4, attributes = ?5, affiliated_at = ?6 "
                         "WHERE gid = ?1 AND EXISTS(SELECT 1 FROM orgs WHERE name = ?2) "
                         "AND (?3 IS NULL OR EXISTS(SELECT 1 FROM units WHERE org = ?2 AND name = ?3))",
    [Q_USER_DEACTIVATE] = "UPDATE users SET deactivated_at = CASE WHEN active = 1 THEN ?2 ELSE deactivated_at END, "
                          "active = 0 WHERE gid = ?1",
    [Q_USER_LIST] = "SELECT " USER_COLS " FROM users WHERE gid > ?6 AND (?1 IS NULL OR org = ?1) "
                    "AND (?2 IS NULL OR role = ?2) AND (?3 IS NULL OR unit = ?3) "
                    "AND (?4 IS NULL OR instr(',' || attributes || ',', ',' || ?4 || ',') > 0) "
                    "AND (?5 < 0 OR active = ?5) "
                    "AND (?8 IS NULL OR role <> 'patient' OR gid = ?8 OR EXISTS(SELECT 1 FROM grants g "
                    "WHERE g.patient = users.gid AND g.grantee = ?8 AND g.delegate = 1 AND g.revoked_at = 0 "
                    "AND (g.expires_at = 0 OR g.expires_at > ?9))) ORDER BY gid LIMIT ?7",
    [Q_ORG_INS] = "INSERT INTO orgs(" ORG_COLS ") VALUES(?1, ?2, ?3, 1, ?4, ?4)",
    [Q_ORG_GET] = "SELECT " ORG_COLS " FROM orgs WHERE name = ?1",
    [Q_ORG_LIST] = "SELECT " ORG_COLS " FROM orgs WHERE (?1 IS NULL OR kind = ?1) ORDER BY name LIMIT 10000",
    [Q_UNIT_INS] = "INSERT INTO units(" UNIT_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_UNIT_GET] = "SELECT " UNIT_COLS " FROM units WHERE org = ?1 AND name = ?2",
    [Q_UNIT_LIST] = "SELECT " UNIT_COLS " FROM units WHERE org = ?1 AND (?2 IS NULL OR kind = ?2) "
                    "ORDER BY name LIMIT 10000",
    [Q_AUTH_EXISTS] = "SELECT 1 FROM authorities WHERE name = ?1",
    [Q_MAIL_COUNT_SENDER] = "SELECT count(*) FROM mailbox WHERE recipient = ?1 AND sender = ?2",
    [Q_USER_AFFILIATE_CONSENTED] =
        "UPDATE users SET org = ?2, unit = ?3, title = ?4, attributes = ?5, affiliated_at = ?6 "
        "WHERE gid = ?1 AND EXISTS(SELECT 1 FROM orgs WHERE name = ?2) "
        "AND (?3 IS NULL OR EXISTS(SELECT 1 FROM units WHERE org = ?2 AND name = ?3)) "
        "AND EXISTS(SELECT 1 FROM consents WHERE gid = ?1 AND org = ?2)",
    [Q_USER_UNAFFILIATE] = "UPDATE users SET org = NULL, unit = NULL, title = NULL, attributes = '' "
                           "WHERE gid = ?1 AND org IS NOT NULL AND (?2 IS NULL OR org = ?2)",
    [Q_USER_REACTIVATE] = "UPDATE users SET active = 1, deactivated_at = 0 WHERE gid = ?1",
    [Q_CONSENT_INS] = "INSERT OR IGNORE INTO consents(gid, org, created_at) VALUES(?1, ?2, ?3)",
    [Q_CONSENT_DEL] = "DELETE FROM consents WHERE gid = ?1 AND org = ?2",
    [Q_CONSENT_GET] = "SELECT 1 FROM consents WHERE gid = ?1 AND org = ?2",
    [Q_SECTION] = "SELECT 1 FROM entries WHERE patient = ?1 AND section = ?2 LIMIT 1",
    /* the earliest time an append may carry: its previous entry's, and the signed head's */
    [Q_APPEND_FLOOR] = "SELECT max(coalesce((SELECT time_ms FROM entries WHERE patient = ?1 AND seq = ?2), 0), "
                       "coalesce(signed_time, 0)) FROM records WHERE patient = ?1",
    [Q_ENTRY_EARLIER] = "SELECT count(*) FROM entries WHERE patient = ?1 AND seq > ?2 AND time_ms < ?3",
    [Q_ENROLL_INS] = "INSERT INTO enrollments(" ENROLL_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                     "?12, ?13, ?14, 'pending', ?15, 0)",
    [Q_ENROLL_GET] = "SELECT " ENROLL_COLS " FROM enrollments WHERE gid = ?1",
    [Q_ENROLL_DEL] = "DELETE FROM enrollments WHERE gid = ?1",
    [Q_ENROLL_PENDING] = "SELECT count(*) FROM enrollments WHERE status = 'pending'",
    [Q_ENROLL_LIST] = "SELECT " ENROLL_COLS " FROM enrollments WHERE status = ?1 ORDER BY created_at, gid LIMIT ?2",
    [Q_ENROLL_DECIDE] = "UPDATE enrollments SET status = ?2, decided_at = ?3 WHERE gid = ?1 AND status = 'pending'",
    /* A tombstone's drop: only a body still there, of an entry a later one
     * of its section supersedes (the SET sees the row's old envelope). */
    [Q_ENTRY_DROP] = "UPDATE entries SET body_sha256 = ck_sha256(envelope), envelope = NULL "
                     "WHERE patient = ?1 AND seq = ?2 AND envelope IS NOT NULL AND EXISTS(SELECT 1 FROM entries l "
                     "WHERE l.patient = ?1 AND l.supersedes = ?2 AND l.seq > ?2 AND l.section = entries.section)",
    /* The grants one person holds, on any record (GET /v1/grants/mine):
     * the partial index grants_held (schema 7) serves it. */
    [Q_GRANTS_HELD] = "SELECT " GRANT_COLS " FROM grants WHERE grantee = ?1 AND revoked_at = 0 AND id > ?2 "
                      "AND (expires_at = 0 OR expires_at > ?3) ORDER BY id LIMIT ?4",
};

/* Schema migrations: migrations[i] moves user_version i to i+1. Never edit a
 * released step; append a new one. */
static const char *const migrations[] = {
    "CREATE TABLE users("
    "  gid TEXT PRIMARY KEY, ed25519 BLOB NOT NULL, x25519 BLOB NOT NULL,"
    "  display_name TEXT NOT NULL, role TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE authorities("
    "  name TEXT PRIMARY KEY, sign_pk BLOB NOT NULL, abe_pk TEXT NOT NULL, epochs TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE records("
    "  patient TEXT PRIMARY KEY REFERENCES users(gid), head_seq INTEGER NOT NULL,"
    "  head_hash BLOB NOT NULL, signed_seq INTEGER, signed_hash BLOB, signed_time INTEGER,"
    "  signed_sig BLOB) STRICT;"
    "CREATE TABLE entries("
    "  patient TEXT NOT NULL REFERENCES records(patient), seq INTEGER NOT NULL,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, section TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL, author TEXT NOT NULL, time_ms INTEGER NOT NULL,"
    "  envelope BLOB NOT NULL, signature BLOB NOT NULL, received_at INTEGER NOT NULL,"
    "  PRIMARY KEY(patient, seq)) STRICT;"
    "CREATE TABLE grants("
    "  id INTEGER PRIMARY KEY, patient TEXT NOT NULL REFERENCES records(patient),"
    "  grantee TEXT NOT NULL, granted_by TEXT NOT NULL, sections TEXT NOT NULL,"
    "  delegate INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    "  revoked_at INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE INDEX grants_by_grantee ON grants(patient, grantee);"
    "CREATE TABLE mailbox("
    "  id INTEGER PRIMARY KEY, recipient TEXT NOT NULL, sender TEXT NOT NULL, kind TEXT NOT NULL,"
    "  payload BLOB NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX mailbox_by_recipient ON mailbox(recipient, id);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, actor TEXT NOT NULL, patient TEXT NOT NULL,"
    "  action TEXT NOT NULL, target TEXT NOT NULL, purpose TEXT NOT NULL, outcome TEXT NOT NULL,"
    "  status INTEGER NOT NULL) STRICT;"
    "CREATE INDEX audit_by_patient ON audit(patient, id);",
    /* 2: replay protection shared across restarts. */
    "CREATE TABLE nonces(caller TEXT NOT NULL, nonce TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(caller, nonce)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX nonces_by_time ON nonces(created_at);",
    /* 3: nonces as an append-only log in arrival order. Keyed by (caller,
     * nonce), every insert of a random nonce dirtied its own B-tree page,
     * so each group commit wrote (and fsync'ed) about one page per request.
     * In arrival order a commit's rows share the last pages. Uniqueness
     * lives in carekeyd's in-memory cache, authoritative because one
     * carekeyd owns a SQLite file (see ck_store_nonce_put). */
    "CREATE TABLE nonce_log(caller TEXT NOT NULL, nonce TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
    "INSERT INTO nonce_log(caller, nonce, created_at) SELECT caller, nonce, created_at FROM nonces ORDER BY created_at;"
    "DROP TABLE nonces;"
    "CREATE INDEX nonce_log_by_time ON nonce_log(created_at);",
    /* 4: the organization directory (docs/CARE.md, "Directory"): orgs,
     * their units, and each user's affiliation and active flag. */
    "CREATE TABLE orgs("
    "  name TEXT PRIMARY KEY REFERENCES users(gid),"
    "  kind TEXT NOT NULL CHECK(kind IN ('hospital', 'pharmacy', 'board', 'desk')),"
    "  display_name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
    "CREATE TABLE units("
    "  org TEXT NOT NULL REFERENCES orgs(name), name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('department', 'ward', 'theatre')),"
    "  display_name TEXT NOT NULL, beds INTEGER NOT NULL DEFAULT 0 CHECK(beds >= 0),"
    "  created_at INTEGER NOT NULL, PRIMARY KEY(org, name)) STRICT;"
    "ALTER TABLE users ADD COLUMN org TEXT REFERENCES orgs(name);"
    "ALTER TABLE users ADD COLUMN unit TEXT;"
    "ALTER TABLE users ADD COLUMN title TEXT;"
    "ALTER TABLE users ADD COLUMN attributes TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE users ADD COLUMN affiliated_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE users ADD COLUMN deactivated_at INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX users_by_org ON users(org, gid);",
    /* 5: signed directory documents, consent, read grants, mailbox quotas,
     * enrollment requests. Authority records carry the operator's
     * signature and the organization they belong to; "epochs" now holds
     * the authority's signed table (unsigned legacy tables are dropped:
     * clients must not trust them). */
    "ALTER TABLE authorities ADD COLUMN organization TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE authorities ADD COLUMN signed_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE authorities ADD COLUMN operator_sig BLOB;"
    "ALTER TABLE authorities ADD COLUMN epoch_version INTEGER NOT NULL DEFAULT 0;"
    "UPDATE authorities SET epochs = '';"
    "ALTER TABLE grants ADD COLUMN access TEXT NOT NULL DEFAULT 'write' CHECK(access IN ('write', 'read'));"
    "CREATE INDEX mailbox_by_sender ON mailbox(recipient, sender);"
    "CREATE TABLE consents(gid TEXT NOT NULL REFERENCES users(gid), org TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, PRIMARY KEY(gid, org)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE enrollments("
    "  gid TEXT PRIMARY KEY, role TEXT NOT NULL, display_name TEXT NOT NULL, ed25519 BLOB NOT NULL,"
    "  x25519 BLOB NOT NULL, org_kind TEXT NOT NULL, org_display_name TEXT NOT NULL, join_org TEXT NOT NULL,"
    "  auth_name TEXT NOT NULL, auth_sign_pk BLOB, auth_abe_pk TEXT NOT NULL, auth_organization TEXT NOT NULL,"
    "  auth_epoch_table TEXT NOT NULL, auth_epoch_version INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK(status IN ('pending', 'approved', 'rejected')),"
    "  created_at INTEGER NOT NULL, decided_at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX enrollments_by_status ON enrollments(status, created_at);",
    /* 6: tombstones. An entry keeps the seq its DATA container supersedes
     * (parsed from the stored envelopes: ck_supersedes), and a dropped
     * body leaves envelope NULL with its SHA-256 in body_sha256. SQLite
     * cannot relax NOT NULL in place, so the table is rebuilt. */
    "CREATE TABLE entries_v6("
    "  patient TEXT NOT NULL REFERENCES records(patient), seq INTEGER NOT NULL,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, section TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL, author TEXT NOT NULL, time_ms INTEGER NOT NULL,"
    "  envelope BLOB, signature BLOB NOT NULL, received_at INTEGER NOT NULL,"
    "  supersedes INTEGER NOT NULL DEFAULT 0, body_sha256 BLOB,"
    "  CHECK((envelope IS NULL) = (body_sha256 IS NOT NULL)),"
    "  PRIMARY KEY(patient, seq)) STRICT;"
    "INSERT INTO entries_v6(" ENTRY_COLS ") SELECT patient, seq, prev_hash, hash, section, resource_type, author,"
    "  time_ms, envelope, signature, received_at, ck_supersedes(envelope), NULL FROM entries;"
    "DROP TABLE entries;"
    "ALTER TABLE entries_v6 RENAME TO entries;"
    "CREATE INDEX entries_by_supersedes ON entries(patient, supersedes) WHERE supersedes > 0;",
    /* 7: the grants a person holds across records (GET /v1/grants/mine):
     * grants_by_grantee leads with the patient, so it cannot serve a
     * lookup by grantee alone. Revoked grants never count: left out. */
    "CREATE INDEX grants_held ON grants(grantee, id) WHERE revoked_at = 0;",
    /* 8: a record's generation, as PostgreSQL's 7. One carekeyd owns a
     * SQLite file and caches nothing across processes, so nothing reads or
     * moves it here; it is kept so both schemas have the same columns
     * (carekeyd migrate copies it). */
    "ALTER TABLE records ADD COLUMN gen INTEGER NOT NULL DEFAULT 1;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *st[Q_COUNT];
    struct conn *next_free;
} conn;

typedef ck_store_rc (*jobfn)(conn *c, void *arg);

typedef struct job {
    jobfn fn;
    void *arg;
    ck_store_rc rc;
    int detached;       /* nobody waits: the writer frees it (and arg) */
    int single;         /* one statement: atomic by itself, no SAVEPOINT */
    sem_t *sem;         /* a waiter's own semaphore, posted once when done */
    ck_store_done_fn cb; /* or: asynchronous completion (job and arg freed after) */
    void *cb_ctx;
    struct job *next;
} job;

typedef struct {
    ck_store base;
    conn writer;
    conn *readers;
    int nreaders;
    conn *free_readers;
    pthread_mutex_t rmu;
    pthread_cond_t rcv;

    pthread_mutex_t mu; /* guards the job queue */
    pthread_cond_t work_cv;
    job *queue, **tail;
    int stopping;
    pthread_t thread;
    int thread_started;
    unsigned nonce_calls;
} sq;

/* ---- connections and statements --------------------------------------- */

static sqlite3_stmt *stmt(conn *c, int q)
{
    if (c->st[q] == NULL &&
        sqlite3_prepare_v3(c->db, sql[q], -1, SQLITE_PREPARE_PERSISTENT, &c->st[q], NULL) != SQLITE_OK) {
        fprintf(stderr, "level=error msg=\"sqlite prepare failed\" detail=\"%s\"\n", sqlite3_errmsg(c->db));
        return NULL;
    }
    return c->st[q];
}

static void done(sqlite3_stmt *st)
{
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

/* Runs a statement without results; returns the sqlite result code. */
static int run(conn *c, int q)
{
    sqlite3_stmt *st = stmt(c, q);
    int rc;
    if (st == NULL) return SQLITE_ERROR;
    rc = sqlite3_step(st);
    done(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* SQL functions of the writer: ck_supersedes(envelope), what the schema-6
 * backfill stores (ck_store_supersedes_of), and ck_sha256(blob), the
 * digest a dropped body leaves. NULL in, NULL out. */
static void fn_supersedes(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const uint8_t *p = sqlite3_value_blob(argv[0]);
    (void)argc;
    sqlite3_result_int64(ctx, (sqlite3_int64)ck_store_supersedes_of(p, (size_t)sqlite3_value_bytes(argv[0])));
}

static void fn_sha256(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint8_t h[32];
    const uint8_t *p;
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    p = sqlite3_value_blob(argv[0]);
    ck_net_sha256(h, p ? p : (const uint8_t *)"", p ? (size_t)sqlite3_value_bytes(argv[0]) : 0);
    sqlite3_result_blob(ctx, h, 32, SQLITE_TRANSIENT);
}

static int writer_functions(sqlite3 *db)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    if (sqlite3_create_function_v2(db, "ck_supersedes", 1, flags, NULL, fn_supersedes, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_create_function_v2(db, "ck_sha256", 1, flags, NULL, fn_sha256, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return 0;
}

static int conn_open(conn *c, const char *path, int writer, int busy_ms)
{
    int flags = SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
    char pragmas[256];

    memset(c, 0, sizeof *c);
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) goto fail;
    sqlite3_busy_timeout(c->db, busy_ms);
    /* FULL: the WAL is fsync'ed at every commit, so acknowledged writes
     * survive power loss, not only process crashes. */
    snprintf(pragmas, sizeof pragmas, "%s PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
             writer ? "PRAGMA journal_mode=WAL;" : "");
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) goto fail;
    if (writer && writer_functions(c->db) != 0) goto fail;
    return 0;
fail:
    fprintf(stderr, "level=error msg=\"sqlite open failed\" detail=\"%s\"\n",
            c->db ? sqlite3_errmsg(c->db) : "out of memory");
    sqlite3_close(c->db);
    c->db = NULL;
    return -1;
}

static void conn_close(conn *c)
{
    for (int i = 0; i < Q_COUNT; i++) sqlite3_finalize(c->st[i]);
    sqlite3_close(c->db);
    memset(c, 0, sizeof *c);
}

static conn *reader_get(sq *s)
{
    conn *c;
    pthread_mutex_lock(&s->rmu);
    while (s->free_readers == NULL) pthread_cond_wait(&s->rcv, &s->rmu);
    c = s->free_readers;
    s->free_readers = c->next_free;
    pthread_mutex_unlock(&s->rmu);
    return c;
}

static void reader_put(sq *s, conn *c)
{
    pthread_mutex_lock(&s->rmu);
    c->next_free = s->free_readers;
    s->free_readers = c;
    pthread_cond_signal(&s->rcv);
    pthread_mutex_unlock(&s->rmu);
}

static int migrate(conn *c, int *version)
{
    sqlite3_stmt *st = NULL;
    int v = -1, rc = -1;
    char set[64];

    if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) goto out;
    if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) goto out;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (v < 0 || v > SCHEMA_VERSION) {
        fprintf(stderr, "level=error msg=\"database schema is newer than this carekeyd\" version=%d\n", v);
        goto out;
    }
    for (; v < SCHEMA_VERSION; v++) {
        if (sqlite3_exec(c->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "level=error msg=\"migration failed\" step=%d detail=\"%s\"\n", v + 1,
                    sqlite3_errmsg(c->db));
            goto out;
        }
        snprintf(set, sizeof set, "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(c->db, set, NULL, NULL, NULL) != SQLITE_OK) goto out;
    }
    if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto out;
    *version = v;
    rc = 0;
out:
    if (rc != 0) sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- the writer thread ------------------------------------------------ */

static void run_batch(sq *s, job *batch)
{
    conn *w = &s->writer;
    job *j;
    if (run(w, Q_BEGIN) != SQLITE_OK) {
        for (j = batch; j; j = j->next) j->rc = CK_STORE_ERROR;
        return;
    }
    for (j = batch; j; j = j->next) {
        if (j->single) { /* a failed statement undoes itself */
            j->rc = j->fn(w, j->arg);
            continue;
        }
        if (run(w, Q_SAVEPOINT) != SQLITE_OK) {
            j->rc = CK_STORE_ERROR;
            continue;
        }
        j->rc = j->fn(w, j->arg);
        if (j->rc != CK_STORE_OK && run(w, Q_ROLLBACK_TO) != SQLITE_OK) j->rc = CK_STORE_ERROR;
        if (run(w, Q_RELEASE) != SQLITE_OK) j->rc = CK_STORE_ERROR;
    }
    if (run(w, Q_COMMIT) != SQLITE_OK) {
        fprintf(stderr, "level=error msg=\"sqlite commit failed\" detail=\"%s\"\n", sqlite3_errmsg(w->db));
        run(w, Q_ROLLBACK);
        for (j = batch; j; j = j->next) j->rc = CK_STORE_ERROR;
    }
}

static void *writer_main(void *arg)
{
    sq *s = arg;
    for (;;) {
        job *batch, *j, *next;
        pthread_mutex_lock(&s->mu);
        while (s->queue == NULL && !s->stopping) pthread_cond_wait(&s->work_cv, &s->mu);
        if (s->queue == NULL) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        batch = s->queue;
        s->queue = NULL;
        s->tail = &s->queue;
        pthread_mutex_unlock(&s->mu);

        run_batch(s, batch);

        /* The batch left the queue: finish it without the queue lock, so
         * neither the woken waiters nor new submitters wait on it. */
        for (j = batch; j; j = next) { /* a finished job may vanish at once */
            next = j->next;
            if (j->detached) {
                free(j);
            } else if (j->cb) {
                j->cb(j->cb_ctx, j->rc);
                free(j);
            } else {
                sem_post(j->sem);
            }
        }
    }
    return NULL;
}

/* Queues a job nobody waits for; arg must live inside the job allocation.
 * Jobs run in queue order, so a later waited-for job of the same thread
 * commits in the same or a later batch: when that one is acknowledged,
 * this one is durable too. */
static ck_store_rc submit_detached(sq *s, job *j)
{
    j->detached = 1;
    j->next = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        free(j);
        return CK_STORE_ERROR;
    }
    *s->tail = j;
    s->tail = &j->next;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    return CK_STORE_OK;
}

static ck_store_rc submit(sq *s, jobfn fn, void *arg)
{
    /* One semaphore per thread, reused across calls: each job posts it
     * exactly once, after its batch committed. */
    static __thread sem_t sem;
    static __thread int sem_ready;
    job j;
    memset(&j, 0, sizeof j);
    j.fn = fn;
    j.arg = arg;
    j.rc = CK_STORE_ERROR;
    j.sem = &sem;
    if (!sem_ready) {
        if (sem_init(&sem, 0, 0) != 0) return CK_STORE_ERROR;
        sem_ready = 1;
    }
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        return CK_STORE_ERROR;
    }
    *s->tail = &j;
    s->tail = &j.next;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    while (sem_wait(&sem) != 0 && errno == EINTR) {
    }
    return j.rc;
}

/* Queues j (malloc'ed, arg inside it) with a completion callback: the
 * writer calls cb once the batch holding j committed (or failed), then
 * frees j. Not queued (and cb never called) unless CK_STORE_OK. */
static ck_store_rc submit_async(sq *s, job *j, ck_store_done_fn cb, void *ctx)
{
    j->cb = cb;
    j->cb_ctx = ctx;
    j->next = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->stopping) {
        pthread_mutex_unlock(&s->mu);
        free(j);
        return CK_STORE_ERROR;
    }
    *s->tail = j;
    s->tail = &j->next;
    pthread_cond_signal(&s->work_cv);
    pthread_mutex_unlock(&s->mu);
    return CK_STORE_OK;
}

/* ---- helpers ---------------------------------------------------------- */

static ck_store_rc step_rc(int rc)
{
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return CK_STORE_OK;
    if (rc == SQLITE_CONSTRAINT) return CK_STORE_EXISTS;
    return CK_STORE_ERROR;
}

/* Steps a bound insert once and resets it: OK, EXISTS or ERROR. */
static ck_store_rc step_once(sqlite3_stmt *st)
{
    ck_store_rc r = step_rc(sqlite3_step(st));
    done(st);
    return r;
}

/* Steps a bound write once and resets it: OK only when it ran to the end. */
static ck_store_rc step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    done(st);
    return rc == SQLITE_DONE ? CK_STORE_OK : CK_STORE_ERROR;
}

static void col_text(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
    ck_store_copy(dst, cap, (const char *)sqlite3_column_text(st, i));
}

static int col_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int i)
{
    const void *p = sqlite3_column_blob(st, i);
    if ((size_t)sqlite3_column_bytes(st, i) != n || p == NULL) return -1;
    memcpy(dst, p, n);
    return 0;
}

static uint8_t *col_dup(sqlite3_stmt *st, int i, size_t *len)
{
    int n = sqlite3_column_bytes(st, i);
    const void *p = sqlite3_column_blob(st, i);
    uint8_t *d = malloc(n > 0 ? (size_t)n : 1);
    if (d && n > 0) memcpy(d, p, (size_t)n);
    *len = d ? (size_t)n : 0;
    return d;
}

static ck_store_rc audit_ins(conn *c, const ck_store_audit *a, const char *target)
{
    sqlite3_stmt *st = stmt(c, Q_AUDIT_INS);
    if (a == NULL) return CK_STORE_OK;
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_int64(st, 1, a->time_ms ? a->time_ms : ck_store_now_ms());
    sqlite3_bind_text(st, 2, a->actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->patient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, target ? target : a->target, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, a->purpose, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, a->status);
    return step_done(st);
}

/* ---- directory -------------------------------------------------------- */

static ck_store_rc job_user_add(conn *c, void *arg)
{
    const ck_store_user *u = arg;
    sqlite3_stmt *st = stmt(c, Q_USER_INS);
    ck_store_rc r;
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, u->gid, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, u->ed25519, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, u->x25519, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->display_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, u->role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, u->created_at);
    r = step_once(st);
    if (r != CK_STORE_OK || !ck_store_role_has_record(u->role)) return r;
    if ((st = stmt(c, Q_RECORD_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, u->gid, -1, SQLITE_STATIC);
    return step_once(st);
}

static ck_store_rc sq_user_add(ck_store *b, const ck_store_user *u)
{
    return submit((sq *)b, job_user_add, (void *)u);
}

/* Column readers shared by the get and list queries (USER_COLS etc.); a
 * reader that fails leaves nothing allocated in its row. */
static int row_user(sqlite3_stmt *st, void *out)
{
    ck_store_user *u = out;
    col_text(u->gid, sizeof u->gid, st, 0);
    if (col_blob(u->ed25519, 32, st, 1) || col_blob(u->x25519, 32, st, 2)) return -1;
    col_text(u->display_name, sizeof u->display_name, st, 3);
    col_text(u->role, sizeof u->role, st, 4);
    u->created_at = sqlite3_column_int64(st, 5);
    col_text(u->org, sizeof u->org, st, 6);
    col_text(u->unit, sizeof u->unit, st, 7);
    col_text(u->title, sizeof u->title, st, 8);
    col_text(u->attributes, sizeof u->attributes, st, 9);
    u->affiliated_at = sqlite3_column_int64(st, 10);
    u->active = sqlite3_column_int(st, 11);
    u->deactivated_at = sqlite3_column_int64(st, 12);
    return 0;
}

static int row_org(sqlite3_stmt *st, void *out)
{
    ck_store_org *o = out;
    col_text(o->name, sizeof o->name, st, 0);
    col_text(o->kind, sizeof o->kind, st, 1);
    col_text(o->display_name, sizeof o->display_name, st, 2);
    o->active = sqlite3_column_int(st, 3);
    o->created_at = sqlite3_column_int64(st, 4);
    o->updated_at = sqlite3_column_int64(st, 5);
    return 0;
}

static int row_unit(sqlite3_stmt *st, void *out)
{
    ck_store_unit *u = out;
    col_text(u->org, sizeof u->org, st, 0);
    col_text(u->name, sizeof u->name, st, 1);
    col_text(u->kind, sizeof u->kind, st, 2);
    col_text(u->display_name, sizeof u->display_name, st, 3);
    u->beds = sqlite3_column_int64(st, 4);
    u->created_at = sqlite3_column_int64(st, 5);
    return 0;
}

typedef int (*rowfn)(sqlite3_stmt *st, void *out);
typedef void (*dropfn)(void *elem);

static int row_int64(sqlite3_stmt *st, void *out)
{
    *(int64_t *)out = sqlite3_column_int64(st, 0);
    return 0;
}

/* Binds text, or NULL for NULL and "". */
static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    if (ck_store_opt(v))
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* One query on a borrowed reader: reading_start takes the reader and
 * prepares the statement, the caller binds it, and read_all (or
 * reading_end) resets the statement and gives the reader back. */
typedef struct {
    sq *s;
    conn *c;
    sqlite3_stmt *st;
} reading;

/* The statement of query q on a borrowed reader; NULL (reader returned) on
 * failure. */
static sqlite3_stmt *reading_start(reading *rd, sq *s, int q)
{
    rd->s = s;
    rd->c = reader_get(s);
    if ((rd->st = stmt(rd->c, q)) == NULL) reader_put(s, rd->c);
    return rd->st;
}

static void reading_end(reading *rd)
{
    done(rd->st);
    reader_put(rd->s, rd->c);
}

/* Steps a bound query for its single row and resets it: OK once row (when
 * given) read it into out, NOT_FOUND without a row, else ERROR. */
static ck_store_rc read_row(sqlite3_stmt *st, rowfn row, void *out)
{
    ck_store_rc r = CK_STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        r = CK_STORE_NOT_FOUND;
    else if (rc == SQLITE_ROW && (row == NULL || row(st, out) == 0))
        r = CK_STORE_OK;
    done(st);
    return r;
}

/* The single row of query q on c keyed by text ?1 (and ?2 when k2): OK,
 * NOT_FOUND or ERROR. Without row, whether it is there. */
static ck_store_rc row_by_key(conn *c, int q, const char *k1, const char *k2, rowfn row, void *out)
{
    sqlite3_stmt *st = stmt(c, q);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, k1, -1, SQLITE_STATIC);
    if (k2) sqlite3_bind_text(st, 2, k2, -1, SQLITE_STATIC);
    return read_row(st, row, out);
}

/* row_by_key on a borrowed reader. */
static ck_store_rc read_key(sq *s, int q, const char *k1, const char *k2, rowfn row, void *out)
{
    conn *c = reader_get(s);
    ck_store_rc r = row_by_key(c, q, k1, k2, row, out);
    reader_put(s, c);
    return r;
}

/* Collects every row of the bound statement into a malloc'ed array of
 * elements of size sz, then ends the reading. On failure drop (when
 * given) frees what the rows read so far hold. */
static ck_store_rc read_all(reading *rd, rowfn row, dropfn drop, size_t sz, void **v, size_t *n)
{
    char *arr = NULL;
    size_t cnt = 0, cap = 0;
    ck_store_rc r = CK_STORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(rd->st)) == SQLITE_ROW) {
        if (cnt == cap) {
            char *na = realloc(arr, (cap ? cap * 2 : 8) * sz);
            if (na == NULL) goto out;
            arr = na;
            cap = cap ? cap * 2 : 8;
        }
        memset(arr + cnt * sz, 0, sz);
        if (row(rd->st, arr + cnt * sz) != 0) goto out;
        cnt++;
    }
    if (rc != SQLITE_DONE) goto out;
    *v = arr;
    *n = cnt;
    arr = NULL;
    r = CK_STORE_OK;
out:
    for (size_t i = 0; arr && drop && i < cnt; i++) drop(arr + i * sz);
    free(arr);
    reading_end(rd);
    return r;
}

/* A page of a list keyed by text ?1: the rows after ?2 (seq or id), at
 * most limit (?3). */
static ck_store_rc read_page(sq *s, int q, const char *key, int64_t after, size_t limit, rowfn row, dropfn drop,
                             size_t sz, void **v, size_t *n)
{
    reading rd;
    if (limit == 0) return CK_STORE_ERROR;
    if (reading_start(&rd, s, q) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(rd.st, 2, after);
    sqlite3_bind_int64(rd.st, 3, (int64_t)limit);
    return read_all(&rd, row, drop, sz, v, n);
}

static ck_store_rc sq_user_get(ck_store *b, const char *gid, ck_store_user *out)
{
    return read_key((sq *)b, Q_USER_GET, gid, NULL, row_user, out);
}

struct affil_arg {
    const char *gid, *org, *unit, *title, *attrs;
    int64_t now;
    int consented;
};

/* Runs a bound UPDATE or DELETE keyed to one row: NOT_FOUND when no row
 * changed. */
static ck_store_rc update_changed(conn *c, sqlite3_stmt *st)
{
    ck_store_rc r = step_done(st);
    if (r != CK_STORE_OK) return r;
    return sqlite3_changes(c->db) ? CK_STORE_OK : CK_STORE_NOT_FOUND;
}

static ck_store_rc job_user_affiliate(conn *c, void *arg)
{
    struct affil_arg *x = arg;
    sqlite3_stmt *st = stmt(c, x->consented ? Q_USER_AFFILIATE_CONSENTED : Q_USER_AFFILIATE);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, x->org, -1, SQLITE_STATIC);
    bind_opt(st, 3, x->unit);
    bind_opt(st, 4, x->title);
    sqlite3_bind_text(st, 5, x->attrs ? x->attrs : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, x->now);
    return update_changed(c, st);
}

static ck_store_rc sq_user_affiliate(ck_store *b, const char *gid, const char *org, const char *unit,
                                     const char *title, const char *attrs, int64_t now, int consented)
{
    struct affil_arg x = {gid, org, unit, title, attrs, now, consented};
    return submit((sq *)b, job_user_affiliate, &x);
}

static ck_store_rc job_user_deactivate(conn *c, void *arg)
{
    struct affil_arg *x = arg;
    sqlite3_stmt *st = stmt(c, Q_USER_DEACTIVATE);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->gid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, x->now);
    return update_changed(c, st);
}

static ck_store_rc sq_user_deactivate(ck_store *b, const char *gid, int64_t now)
{
    struct affil_arg x = {gid, NULL, NULL, NULL, NULL, now, 0};
    return submit((sq *)b, job_user_deactivate, &x);
}

/* A one-row UPDATE or DELETE keyed by text ?1 (and ?2, NULL when k2 is),
 * run as a write job: NOT_FOUND when no row changed. */
struct keyed_arg {
    int q;
    const char *k1, *k2;
    int64_t num; /* ?3 when nonzero */
};

static ck_store_rc job_keyed(conn *c, void *arg)
{
    struct keyed_arg *x = arg;
    sqlite3_stmt *st = stmt(c, x->q);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->k1, -1, SQLITE_STATIC);
    bind_opt(st, 2, x->k2);
    if (x->num) sqlite3_bind_int64(st, 3, x->num);
    return update_changed(c, st);
}

static ck_store_rc keyed_write(ck_store *b, int q, const char *k1, const char *k2, int64_t num)
{
    struct keyed_arg x = {q, k1, k2, num};
    return submit((sq *)b, job_keyed, &x);
}

static ck_store_rc sq_user_unaffiliate(ck_store *b, const char *gid, const char *org)
{
    return keyed_write(b, Q_USER_UNAFFILIATE, gid, org, 0);
}

static ck_store_rc sq_user_reactivate(ck_store *b, const char *gid)
{
    return keyed_write(b, Q_USER_REACTIVATE, gid, NULL, 0);
}

static ck_store_rc sq_consent_add(ck_store *b, const char *gid, const char *org, int64_t now)
{
    /* INSERT OR IGNORE: a standing consent stays as it was (NOT_FOUND = was there). */
    ck_store_rc r = keyed_write(b, Q_CONSENT_INS, gid, org, now ? now : 1);
    return r == CK_STORE_NOT_FOUND ? CK_STORE_OK : r;
}

static ck_store_rc sq_consent_del(ck_store *b, const char *gid, const char *org)
{
    return keyed_write(b, Q_CONSENT_DEL, gid, org, 0);
}

static ck_store_rc sq_consent_get(ck_store *b, const char *gid, const char *org)
{
    return read_key((sq *)b, Q_CONSENT_GET, gid, org, NULL, NULL);
}

static ck_store_rc sq_section_present(ck_store *b, const char *patient, const char *section)
{
    return read_key((sq *)b, Q_SECTION, patient, section, NULL, NULL);
}

static ck_store_rc sq_user_list(ck_store *b, const ck_store_user_filter *f, ck_store_user **v, size_t *n)
{
    reading rd;
    if (reading_start(&rd, (sq *)b, Q_USER_LIST) == NULL) return CK_STORE_ERROR;
    bind_opt(rd.st, 1, f->org);
    bind_opt(rd.st, 2, f->role);
    bind_opt(rd.st, 3, f->unit);
    bind_opt(rd.st, 4, f->attribute);
    sqlite3_bind_int(rd.st, 5, f->active);
    sqlite3_bind_text(rd.st, 6, f->after ? f->after : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(rd.st, 7, (int64_t)f->limit);
    bind_opt(rd.st, 8, f->viewer);
    sqlite3_bind_int64(rd.st, 9, f->now_ms);
    return read_all(&rd, row_user, NULL, sizeof **v, (void **)v, n);
}

static ck_store_rc job_org_add(conn *c, void *arg)
{
    const ck_store_org *o = arg;
    sqlite3_stmt *st;
    /* The user the org is must be there. */
    ck_store_rc r = row_by_key(c, Q_USER_EXISTS, o->name, NULL, NULL, NULL);
    if (r != CK_STORE_OK) return r;
    if ((st = stmt(c, Q_ORG_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->display_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, o->created_at);
    return step_once(st);
}

static ck_store_rc sq_org_add(ck_store *b, const ck_store_org *o)
{
    return submit((sq *)b, job_org_add, (void *)o);
}

static ck_store_rc sq_org_get(ck_store *b, const char *name, ck_store_org *out)
{
    return read_key((sq *)b, Q_ORG_GET, name, NULL, row_org, out);
}

static ck_store_rc sq_org_list(ck_store *b, const char *kind, ck_store_org **v, size_t *n)
{
    reading rd;
    if (reading_start(&rd, (sq *)b, Q_ORG_LIST) == NULL) return CK_STORE_ERROR;
    bind_opt(rd.st, 1, kind);
    return read_all(&rd, row_org, NULL, sizeof **v, (void **)v, n);
}

static ck_store_rc job_unit_add(conn *c, void *arg)
{
    const ck_store_unit *u = arg;
    sqlite3_stmt *st;
    ck_store_rc r = row_by_key(c, Q_ORG_GET, u->org, NULL, NULL, NULL); /* the org must be there */
    if (r != CK_STORE_OK) return r;
    if ((st = stmt(c, Q_UNIT_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, u->org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u->display_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, u->beds);
    sqlite3_bind_int64(st, 6, u->created_at);
    return step_once(st);
}

static ck_store_rc sq_unit_add(ck_store *b, const ck_store_unit *u)
{
    return submit((sq *)b, job_unit_add, (void *)u);
}

static ck_store_rc sq_unit_get(ck_store *b, const char *org, const char *name, ck_store_unit *out)
{
    return read_key((sq *)b, Q_UNIT_GET, org, name, row_unit, out);
}

static ck_store_rc sq_unit_list(ck_store *b, const char *org, const char *kind, ck_store_unit **v, size_t *n)
{
    reading rd;
    if (reading_start(&rd, (sq *)b, Q_UNIT_LIST) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, org, -1, SQLITE_STATIC);
    bind_opt(rd.st, 2, kind);
    return read_all(&rd, row_unit, NULL, sizeof **v, (void **)v, n);
}

static ck_store_rc job_auth_add(conn *c, void *arg)
{
    const ck_store_authority *a = arg;
    sqlite3_stmt *st = stmt(c, Q_AUTH_INS);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, a->sign_pk, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->abe_pk, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->epoch_table ? a->epoch_table : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, a->created_at);
    sqlite3_bind_text(st, 6, a->organization, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, a->signed_at);
    if (a->has_sig)
        sqlite3_bind_blob(st, 8, a->operator_sig, 64, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 8);
    sqlite3_bind_int64(st, 9, a->epoch_table ? (int64_t)a->epoch_version : 0);
    return step_once(st);
}

static ck_store_rc sq_auth_add(ck_store *b, const ck_store_authority *a)
{
    return submit((sq *)b, job_auth_add, (void *)a);
}

static int row_auth(sqlite3_stmt *st, void *out)
{
    ck_store_authority *a = out;
    col_text(a->name, sizeof a->name, st, 0);
    if (col_blob(a->sign_pk, 32, st, 1)) return -1;
    a->abe_pk = strdup((const char *)sqlite3_column_text(st, 2));
    a->created_at = sqlite3_column_int64(st, 4);
    a->updated_at = sqlite3_column_int64(st, 5);
    col_text(a->organization, sizeof a->organization, st, 6);
    a->signed_at = sqlite3_column_int64(st, 7);
    a->has_sig = col_blob(a->operator_sig, 64, st, 8) == 0;
    a->epoch_version = (uint64_t)sqlite3_column_int64(st, 9);
    if (sqlite3_column_bytes(st, 3) > 0) a->epoch_table = strdup((const char *)sqlite3_column_text(st, 3));
    if (a->abe_pk == NULL || (sqlite3_column_bytes(st, 3) > 0 && a->epoch_table == NULL)) {
        ck_store_authority_clear(a);
        return -1;
    }
    return 0;
}

static ck_store_rc sq_auth_get(ck_store *b, const char *name, ck_store_authority *out)
{
    return read_key((sq *)b, Q_AUTH_GET, name, NULL, row_auth, out);
}

struct epochs_arg {
    const char *name, *ep;
    uint64_t version;
    int64_t now;
};

static ck_store_rc job_auth_epochs(conn *c, void *arg)
{
    struct epochs_arg *a = arg;
    sqlite3_stmt *st = stmt(c, Q_AUTH_EPOCHS);
    ck_store_rc r;
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->ep, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)a->version);
    sqlite3_bind_int64(st, 4, a->now);
    r = step_once(st);
    if (r == CK_STORE_OK && sqlite3_changes(c->db) == 0) /* no such authority, or not newer */
        r = row_by_key(c, Q_AUTH_EXISTS, a->name, NULL, NULL, NULL) == CK_STORE_OK ? CK_STORE_STALE : CK_STORE_NOT_FOUND;
    return r;
}

static ck_store_rc sq_auth_epochs(ck_store *b, const char *name, const char *ep, uint64_t version, int64_t now)
{
    struct epochs_arg a = {name, ep, version, now};
    return submit((sq *)b, job_auth_epochs, &a);
}

/* ---- records ---------------------------------------------------------- */

struct append_arg {
    ck_store_entry *e;
    const ck_store_audit *a;
};

/* A record's head (Q_HEAD_GET): its last seq and hash. */
struct head_row {
    uint64_t seq;
    uint8_t hash[32];
};

static int row_head(sqlite3_stmt *st, void *out)
{
    struct head_row *h = out;
    h->seq = (uint64_t)sqlite3_column_int64(st, 0);
    return col_blob(h->hash, 32, st, 1);
}

static ck_store_rc entry_insert(conn *c, const ck_store_entry *e)
{
    sqlite3_stmt *st = stmt(c, Q_ENTRY_INS);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, e->patient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)e->seq);
    sqlite3_bind_blob(st, 3, e->prev_hash, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, e->hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->section, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->resource_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e->author, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, e->time_ms);
    sqlite3_bind_blob(st, 9, e->envelope, (int)e->envelope_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 10, e->signature, 64, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, e->received_at);
    sqlite3_bind_int64(st, 12, (int64_t)e->supersedes);
    return step_done(st);
}

/* A tombstone's drops, one row each: INVALID (e->drop_refused set) at the
 * first entry that may not go; the job's SAVEPOINT then undoes them all. */
static ck_store_rc entry_drops(conn *c, ck_store_entry *e)
{
    for (size_t i = 0; i < e->n_drop; i++) {
        sqlite3_stmt *st = stmt(c, Q_ENTRY_DROP);
        if (st == NULL) return CK_STORE_ERROR;
        sqlite3_bind_text(st, 1, e->patient, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)e->drop[i]);
        if (step_done(st) != CK_STORE_OK) return CK_STORE_ERROR;
        if (sqlite3_changes(c->db) != 1) {
            e->drop_refused = e->drop[i];
            return CK_STORE_INVALID;
        }
    }
    return CK_STORE_OK;
}

static ck_store_rc job_append(conn *c, void *arg)
{
    struct append_arg *x = arg;
    ck_store_entry *e = x->e;
    sqlite3_stmt *st;
    struct head_row head;
    ck_store_audit d;
    char target[40];
    ck_store_rc r = row_by_key(c, Q_HEAD_GET, e->patient, NULL, row_head, &head);

    if (r != CK_STORE_OK) return r;
    /* Optimistic concurrency: the author chained onto what it saw as head. */
    if (memcmp(head.hash, e->prev_hash, 32) != 0) return CK_STORE_CONFLICT;
    /* No back-dating below the entry it chains onto, nor below the signed
     * head (readers refuse such an entry: the record would never verify). */
    {
        int64_t floor_ms;
        if ((st = stmt(c, Q_APPEND_FLOOR)) == NULL) return CK_STORE_ERROR;
        sqlite3_bind_text(st, 1, e->patient, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)head.seq);
        if (read_row(st, row_int64, &floor_ms) != CK_STORE_OK) return CK_STORE_ERROR;
        if (e->time_ms < floor_ms) return CK_STORE_STALE;
    }
    e->seq = head.seq + 1;
    e->received_at = ck_store_now_ms();
    if (ck_store_hash_entry(e) != 0) return CK_STORE_ERROR;
    if (entry_insert(c, e) != CK_STORE_OK) return CK_STORE_ERROR;
    if ((r = entry_drops(c, e)) != CK_STORE_OK) return r;

    if ((st = stmt(c, Q_HEAD_SET)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, e->patient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)e->seq);
    sqlite3_bind_blob(st, 3, e->hash, 32, SQLITE_STATIC);
    if (step_done(st) != CK_STORE_OK) return CK_STORE_ERROR;
    snprintf(target, sizeof target, "seq:%llu", (unsigned long long)e->seq);
    if ((r = audit_ins(c, x->a, target)) != CK_STORE_OK || e->n_drop == 0 || x->a == NULL) return r;
    ck_store_drop_audit(&d, x->a);
    return audit_ins(c, &d, target);
}

static ck_store_rc sq_append(ck_store *b, ck_store_entry *e, const ck_store_audit *a)
{
    struct append_arg x = {e, a};
    return submit((sq *)b, job_append, &x);
}

struct append_job {
    job j;
    struct append_arg x;
    ck_store_audit a;
};

/* n is always NULL: a SQLite file has one carekeyd, which checks nonces in
 * memory (no append_nonce). */
static ck_store_rc sq_append_async(ck_store *b, ck_store_entry *e, const ck_store_audit *a,
                                   const ck_store_nonce *n, ck_store_done_fn cb, void *ctx)
{
    struct append_job *aj;
    if (n != NULL || (aj = calloc(1, sizeof *aj)) == NULL) return CK_STORE_ERROR;
    aj->a = *a;
    aj->x.e = e;
    aj->x.a = &aj->a;
    aj->j.fn = job_append;
    aj->j.arg = &aj->x;
    return submit_async((sq *)b, &aj->j, cb, ctx);
}

static ck_store_rc sq_head(ck_store *b, const char *patient, uint64_t *seq, uint8_t hash[32])
{
    struct head_row head;
    ck_store_rc r = read_key((sq *)b, Q_HEAD_GET, patient, NULL, row_head, &head);
    if (r == CK_STORE_OK) {
        *seq = head.seq;
        memcpy(hash, head.hash, 32);
    }
    return r;
}

static int row_entry(sqlite3_stmt *st, void *out)
{
    ck_store_entry *e = out;
    memset(e, 0, sizeof *e);
    col_text(e->patient, sizeof e->patient, st, 0);
    e->seq = (uint64_t)sqlite3_column_int64(st, 1);
    if (col_blob(e->prev_hash, 32, st, 2) || col_blob(e->hash, 32, st, 3)) return -1;
    col_text(e->section, sizeof e->section, st, 4);
    col_text(e->resource_type, sizeof e->resource_type, st, 5);
    col_text(e->author, sizeof e->author, st, 6);
    e->time_ms = sqlite3_column_int64(st, 7);
    if (col_blob(e->signature, 64, st, 9)) return -1;
    e->received_at = sqlite3_column_int64(st, 10);
    e->supersedes = (uint64_t)sqlite3_column_int64(st, 11);
    if (sqlite3_column_type(st, 8) == SQLITE_NULL) { /* dropped under a tombstone */
        e->body_dropped = 1;
        return col_blob(e->body_sha256, 32, st, 12);
    }
    return (e->envelope = col_dup(st, 8, &e->envelope_len)) == NULL ? -1 : 0;
}

static ck_store_rc sq_entries(ck_store *b, const char *patient, uint64_t since, size_t limit,
                              ck_store_entry **v, size_t *n)
{
    if (since > INT64_MAX) return CK_STORE_ERROR;
    return read_page((sq *)b, Q_ENTRIES, patient, (int64_t)since, limit, row_entry, ck_store_entry_drop,
                     sizeof **v, (void **)v, n);
}

static ck_store_rc sq_entry_get(ck_store *b, const char *patient, uint64_t seq, ck_store_entry *out)
{
    reading rd;
    ck_store_rc r = CK_STORE_NOT_FOUND;
    if (reading_start(&rd, (sq *)b, Q_ENTRY_GET) == NULL) return CK_STORE_ERROR;
    if (seq <= INT64_MAX) {
        sqlite3_bind_text(rd.st, 1, patient, -1, SQLITE_STATIC);
        sqlite3_bind_int64(rd.st, 2, (int64_t)seq);
        r = read_row(rd.st, row_entry, out);
    }
    reading_end(&rd);
    return r;
}

struct shead_arg {
    const ck_store_signed_head *h;
    const ck_store_audit *a;
};

static int row_hash(sqlite3_stmt *st, void *out) { return col_blob(out, 32, st, 0); }

/* The record's signed seq (Q_HEAD_GET), 0 while none was signed. */
static int row_signed_seq(sqlite3_stmt *st, void *out)
{
    *(uint64_t *)out = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : (uint64_t)sqlite3_column_int64(st, 2);
    return 0;
}

static ck_store_rc job_shead_put(conn *c, void *arg)
{
    struct shead_arg *x = arg;
    const ck_store_signed_head *h = x->h;
    sqlite3_stmt *st = stmt(c, Q_ENTRY_HASH);
    uint8_t hash[32];
    uint64_t signed_seq;
    ck_store_rc r;

    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, h->patient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)h->seq);
    if ((r = read_row(st, row_hash, hash)) != CK_STORE_OK) return r;
    if (memcmp(hash, h->hash, 32) != 0) return CK_STORE_NOT_FOUND;
    /* A signed head never moves backwards. */
    if (row_by_key(c, Q_HEAD_GET, h->patient, NULL, row_signed_seq, &signed_seq) != CK_STORE_OK)
        return CK_STORE_ERROR;
    if (signed_seq > h->seq) return CK_STORE_CONFLICT;
    /* An entry after the head dated before the signature would read as
     * back-dated: sign a newer head instead. */
    {
        int64_t earlier;
        if ((st = stmt(c, Q_ENTRY_EARLIER)) == NULL) return CK_STORE_ERROR;
        sqlite3_bind_text(st, 1, h->patient, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)h->seq);
        sqlite3_bind_int64(st, 3, h->time_ms);
        if (read_row(st, row_int64, &earlier) != CK_STORE_OK) return CK_STORE_ERROR;
        if (earlier > 0) return CK_STORE_STALE;
    }
    if ((st = stmt(c, Q_SHEAD_SET)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, h->patient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (int64_t)h->seq);
    sqlite3_bind_blob(st, 3, h->hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, h->time_ms);
    sqlite3_bind_blob(st, 5, h->signature, 64, SQLITE_STATIC);
    if (step_done(st) != CK_STORE_OK) return CK_STORE_ERROR;
    return audit_ins(c, x->a, NULL);
}

static ck_store_rc sq_shead_put(ck_store *b, const ck_store_signed_head *h, const ck_store_audit *a)
{
    struct shead_arg x = {h, a};
    if (h->seq == 0 || h->seq > INT64_MAX) return CK_STORE_NOT_FOUND;
    return submit((sq *)b, job_shead_put, &x);
}

static int row_shead(sqlite3_stmt *st, void *out)
{
    ck_store_signed_head *h = out;
    h->seq = (uint64_t)sqlite3_column_int64(st, 0);
    h->time_ms = sqlite3_column_int64(st, 2);
    return col_blob(h->hash, 32, st, 1) || col_blob(h->signature, 64, st, 3) ? -1 : 0;
}

static ck_store_rc sq_shead_get(ck_store *b, const char *patient, ck_store_signed_head *out)
{
    ck_store_rc r = read_key((sq *)b, Q_SHEAD_GET, patient, NULL, row_shead, out);
    if (r == CK_STORE_OK) ck_store_copy(out->patient, sizeof out->patient, patient);
    return r;
}

/* ---- grants ----------------------------------------------------------- */

struct grant_arg {
    ck_store_grant *g;
    const char *patient;
    int64_t id, now;
    const ck_store_audit *a;
};

static ck_store_rc job_grant_add(conn *c, void *arg)
{
    struct grant_arg *x = arg;
    ck_store_grant *g = x->g;
    sqlite3_stmt *st = stmt(c, Q_GRANT_INS);
    char target[40];
    ck_store_rc r;
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, g->patient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->grantee, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, g->granted_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, g->sections, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, g->delegate);
    sqlite3_bind_int64(st, 6, g->expires_at);
    sqlite3_bind_int64(st, 7, g->created_at);
    sqlite3_bind_text(st, 8, g->access[0] ? g->access : "write", -1, SQLITE_STATIC);
    r = step_once(st);
    if (r == CK_STORE_EXISTS) return CK_STORE_NOT_FOUND; /* no such record */
    if (r != CK_STORE_OK) return r;
    g->id = sqlite3_last_insert_rowid(c->db);
    snprintf(target, sizeof target, "grant:%lld", (long long)g->id);
    return audit_ins(c, x->a, target);
}

static ck_store_rc sq_grant_add(ck_store *b, ck_store_grant *g, const ck_store_audit *a)
{
    struct grant_arg x = {g, NULL, 0, 0, a};
    return submit((sq *)b, job_grant_add, &x);
}

static ck_store_rc job_grant_revoke(conn *c, void *arg)
{
    struct grant_arg *x = arg;
    sqlite3_stmt *st = stmt(c, Q_GRANT_REVOKE);
    char target[40];
    ck_store_rc r;
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->patient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, x->id);
    sqlite3_bind_int64(st, 3, x->now);
    if ((r = update_changed(c, st)) != CK_STORE_OK) return r;
    snprintf(target, sizeof target, "grant:%lld", (long long)x->id);
    return audit_ins(c, x->a, target);
}

static ck_store_rc sq_grant_revoke(ck_store *b, const char *patient, int64_t id, int64_t now,
                                   const ck_store_audit *a)
{
    struct grant_arg x = {NULL, patient, id, now, a};
    return submit((sq *)b, job_grant_revoke, &x);
}

static int row_grant(sqlite3_stmt *st, void *out)
{
    ck_store_grant *g = out;
    g->id = sqlite3_column_int64(st, 0);
    col_text(g->patient, sizeof g->patient, st, 1);
    col_text(g->grantee, sizeof g->grantee, st, 2);
    col_text(g->granted_by, sizeof g->granted_by, st, 3);
    col_text(g->sections, sizeof g->sections, st, 4);
    g->delegate = sqlite3_column_int(st, 5);
    g->expires_at = sqlite3_column_int64(st, 6);
    g->created_at = sqlite3_column_int64(st, 7);
    g->revoked_at = sqlite3_column_int64(st, 8);
    col_text(g->access, sizeof g->access, st, 9);
    return 0;
}

static ck_store_rc sq_grants(ck_store *b, const char *patient, const char *grantee,
                             ck_store_grant **v, size_t *n)
{
    reading rd;
    if (reading_start(&rd, (sq *)b, grantee ? Q_GRANTS_FOR : Q_GRANTS_ALL) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, patient, -1, SQLITE_STATIC);
    if (grantee) sqlite3_bind_text(rd.st, 2, grantee, -1, SQLITE_STATIC);
    return read_all(&rd, row_grant, NULL, sizeof **v, (void **)v, n);
}

static ck_store_rc sq_grants_held(ck_store *b, const char *grantee, int64_t after, int64_t now, size_t limit,
                                  ck_store_grant **v, size_t *n)
{
    reading rd;
    if (limit == 0 || reading_start(&rd, (sq *)b, Q_GRANTS_HELD) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, grantee, -1, SQLITE_STATIC);
    sqlite3_bind_int64(rd.st, 2, after);
    sqlite3_bind_int64(rd.st, 3, now);
    sqlite3_bind_int64(rd.st, 4, (int64_t)limit);
    return read_all(&rd, row_grant, NULL, sizeof **v, (void **)v, n);
}

/* ---- mailbox ---------------------------------------------------------- */

struct mail_arg {
    ck_store_mail *m;
    size_t max, per_sender;
    const char *recipient;
    int64_t id;
};

static ck_store_rc job_mail_put(conn *c, void *arg)
{
    struct mail_arg *x = arg;
    ck_store_mail *m = x->m;
    sqlite3_stmt *st;
    int64_t pending;
    if (row_by_key(c, Q_MAIL_COUNT, m->recipient, NULL, row_int64, &pending) != CK_STORE_OK) return CK_STORE_ERROR;
    if ((size_t)pending >= x->max) return CK_STORE_FULL;
    /* One sender never fills a mailbox: it has its own quota below the total. */
    if (row_by_key(c, Q_MAIL_COUNT_SENDER, m->recipient, m->sender, row_int64, &pending) != CK_STORE_OK)
        return CK_STORE_ERROR;
    if ((size_t)pending >= x->per_sender) return CK_STORE_FULL;
    if ((st = stmt(c, Q_MAIL_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, m->recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->sender, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, m->payload, (int)m->payload_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, m->created_at);
    if (step_done(st) != CK_STORE_OK) return CK_STORE_ERROR;
    m->id = sqlite3_last_insert_rowid(c->db);
    return CK_STORE_OK;
}

static ck_store_rc sq_mail_put(ck_store *b, ck_store_mail *m, size_t max, size_t per_sender)
{
    struct mail_arg x = {m, max, per_sender, NULL, 0};
    return submit((sq *)b, job_mail_put, &x);
}

static int row_mail(sqlite3_stmt *st, void *out)
{
    ck_store_mail *m = out;
    m->id = sqlite3_column_int64(st, 0);
    col_text(m->recipient, sizeof m->recipient, st, 1);
    col_text(m->sender, sizeof m->sender, st, 2);
    col_text(m->kind, sizeof m->kind, st, 3);
    if ((m->payload = col_dup(st, 4, &m->payload_len)) == NULL) return -1;
    m->created_at = sqlite3_column_int64(st, 5);
    return 0;
}

static ck_store_rc sq_mail_list(ck_store *b, const char *recipient, int64_t after, size_t limit,
                                ck_store_mail **v, size_t *n)
{
    return read_page((sq *)b, Q_MAIL_LIST, recipient, after, limit, row_mail, ck_store_mail_drop, sizeof **v,
                     (void **)v, n);
}

static ck_store_rc job_mail_ack(conn *c, void *arg)
{
    struct mail_arg *x = arg;
    sqlite3_stmt *st = stmt(c, Q_MAIL_ACK);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->recipient, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, x->id);
    return update_changed(c, st);
}

static ck_store_rc sq_mail_ack(ck_store *b, const char *recipient, int64_t id, int64_t now)
{
    struct mail_arg x = {NULL, 0, 0, recipient, id};
    return submit((sq *)b, job_mail_ack, &x);
}

/* ---- audit ------------------------------------------------------------ */

static ck_store_rc job_audit_add(conn *c, void *arg) { return audit_ins(c, arg, NULL); }

static ck_store_rc sq_audit_add(ck_store *b, const ck_store_audit *a)
{
    return submit((sq *)b, job_audit_add, (void *)a);
}

struct audit_job {
    job j;
    ck_store_audit a;
};

static ck_store_rc sq_audit_add_async(ck_store *b, const ck_store_audit *a, ck_store_done_fn cb, void *ctx)
{
    struct audit_job *aj = malloc(sizeof *aj);
    if (aj == NULL) return CK_STORE_ERROR;
    memset(&aj->j, 0, sizeof aj->j);
    aj->a = *a;
    aj->j.fn = job_audit_add;
    aj->j.arg = &aj->a;
    aj->j.single = 1;
    return submit_async((sq *)b, &aj->j, cb, ctx);
}

static int row_audit(sqlite3_stmt *st, void *out)
{
    ck_store_audit *a = out;
    a->id = sqlite3_column_int64(st, 0);
    a->time_ms = sqlite3_column_int64(st, 1);
    col_text(a->actor, sizeof a->actor, st, 2);
    col_text(a->patient, sizeof a->patient, st, 3);
    col_text(a->action, sizeof a->action, st, 4);
    col_text(a->target, sizeof a->target, st, 5);
    col_text(a->purpose, sizeof a->purpose, st, 6);
    col_text(a->outcome, sizeof a->outcome, st, 7);
    a->status = sqlite3_column_int(st, 8);
    return 0;
}

static ck_store_rc sq_audit_list(ck_store *b, const char *patient, int64_t after, size_t limit,
                                 ck_store_audit **v, size_t *n)
{
    return read_page((sq *)b, Q_AUDIT_LIST, patient, after, limit, row_audit, NULL, sizeof **v, (void **)v, n);
}

/* ---- enrollment requests ------------------------------------------------ */

static int row_enroll(sqlite3_stmt *st, void *out)
{
    ck_store_enrollment *e = out;
    ck_store_authority *a = &e->auth;
    col_text(e->gid, sizeof e->gid, st, 0);
    col_text(e->role, sizeof e->role, st, 1);
    col_text(e->display_name, sizeof e->display_name, st, 2);
    if (col_blob(e->ed25519, 32, st, 3) || col_blob(e->x25519, 32, st, 4)) return -1;
    col_text(e->org_kind, sizeof e->org_kind, st, 5);
    col_text(e->org_display_name, sizeof e->org_display_name, st, 6);
    col_text(e->join_org, sizeof e->join_org, st, 7);
    col_text(a->name, sizeof a->name, st, 8);
    col_text(e->status, sizeof e->status, st, 14);
    e->created_at = sqlite3_column_int64(st, 15);
    e->decided_at = sqlite3_column_int64(st, 16);
    if (a->name[0] == 0) return 0;
    col_text(a->organization, sizeof a->organization, st, 11);
    a->epoch_version = (uint64_t)sqlite3_column_int64(st, 13);
    if (col_blob(a->sign_pk, 32, st, 9) || (a->abe_pk = strdup((const char *)sqlite3_column_text(st, 10))) == NULL)
        return -1;
    if (sqlite3_column_bytes(st, 12) > 0 &&
        (a->epoch_table = strdup((const char *)sqlite3_column_text(st, 12))) == NULL) {
        ck_store_authority_clear(a);
        return -1;
    }
    return 0;
}

struct enroll_arg {
    const ck_store_enrollment *e;
    const char *gid;
    const ck_store_authority *auth;
    size_t max;
    int64_t now;
    const ck_store_audit *a;
};

static ck_store_rc job_enroll_add(conn *c, void *arg)
{
    struct enroll_arg *x = arg;
    const ck_store_enrollment *e = x->e;
    const ck_store_authority *a = &e->auth;
    ck_store_enrollment old;
    sqlite3_stmt *st;
    int64_t pending;
    ck_store_rc r;

    if ((r = row_by_key(c, Q_USER_EXISTS, e->gid, NULL, NULL, NULL)) != CK_STORE_NOT_FOUND)
        return r == CK_STORE_OK ? CK_STORE_EXISTS : r;
    memset(&old, 0, sizeof old);
    r = row_by_key(c, Q_ENROLL_GET, e->gid, NULL, row_enroll, &old);
    ck_store_enrollment_clear(&old);
    if (r == CK_STORE_OK && strcmp(old.status, "rejected") != 0) return CK_STORE_EXISTS;
    if (r == CK_STORE_OK && row_by_key(c, Q_ENROLL_DEL, e->gid, NULL, NULL, NULL) == CK_STORE_ERROR)
        return CK_STORE_ERROR; /* a rejected request makes room for a new one */
    if (r != CK_STORE_OK && r != CK_STORE_NOT_FOUND) return r;
    if ((st = stmt(c, Q_ENROLL_PENDING)) == NULL || read_row(st, row_int64, &pending) != CK_STORE_OK)
        return CK_STORE_ERROR;
    if ((size_t)pending >= x->max) return CK_STORE_FULL;
    if ((st = stmt(c, Q_ENROLL_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, e->gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->display_name, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, e->ed25519, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, e->x25519, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->org_kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e->org_display_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, e->join_org, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, a->name, -1, SQLITE_STATIC);
    if (a->name[0])
        sqlite3_bind_blob(st, 10, a->sign_pk, 32, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 10);
    sqlite3_bind_text(st, 11, a->abe_pk ? a->abe_pk : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, a->organization, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, a->epoch_table ? a->epoch_table : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 14, (int64_t)a->epoch_version);
    sqlite3_bind_int64(st, 15, e->created_at);
    return step_once(st);
}

static ck_store_rc sq_enroll_add(ck_store *b, const ck_store_enrollment *e, size_t max)
{
    struct enroll_arg x = {e, NULL, NULL, max, 0, NULL};
    return submit((sq *)b, job_enroll_add, &x);
}

static ck_store_rc sq_enroll_get(ck_store *b, const char *gid, ck_store_enrollment *out)
{
    return read_key((sq *)b, Q_ENROLL_GET, gid, NULL, row_enroll, out);
}

static ck_store_rc sq_enroll_list(ck_store *b, const char *status, size_t limit, ck_store_enrollment **v, size_t *n)
{
    reading rd;
    if (reading_start(&rd, (sq *)b, Q_ENROLL_LIST) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(rd.st, 2, (int64_t)limit);
    return read_all(&rd, row_enroll, ck_store_enrollment_drop, sizeof **v, (void **)v, n);
}

/* Marks the pending request decided (?2 status): NOT_FOUND unless pending. */
static ck_store_rc enroll_decide(conn *c, const char *gid, const char *status, int64_t now)
{
    sqlite3_stmt *st = stmt(c, Q_ENROLL_DECIDE);
    if (st == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, gid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return update_changed(c, st);
}

static ck_store_rc job_org_add(conn *c, void *arg);
static ck_store_rc job_auth_add(conn *c, void *arg);

/* Every part of an approval in the job's SAVEPOINT: the first failure
 * rolls all of them back. */
static ck_store_rc job_enroll_approve(conn *c, void *arg)
{
    struct enroll_arg *x = arg;
    ck_store_enrollment e;
    ck_store_user u;
    ck_store_org o;
    ck_store_rc r;

    memset(&e, 0, sizeof e);
    if ((r = row_by_key(c, Q_ENROLL_GET, x->gid, NULL, row_enroll, &e)) != CK_STORE_OK) return r;
    if (strcmp(e.status, "pending") != 0) {
        r = CK_STORE_NOT_FOUND;
        goto out;
    }
    if ((r = enroll_decide(c, x->gid, "approved", x->now)) != CK_STORE_OK) goto out;
    memset(&u, 0, sizeof u);
    ck_store_copy(u.gid, sizeof u.gid, e.gid);
    memcpy(u.ed25519, e.ed25519, 32);
    memcpy(u.x25519, e.x25519, 32);
    ck_store_copy(u.display_name, sizeof u.display_name, e.display_name);
    ck_store_copy(u.role, sizeof u.role, e.role);
    u.created_at = x->now;
    if ((r = job_user_add(c, &u)) != CK_STORE_OK) goto out;
    if (e.org_kind[0]) {
        memset(&o, 0, sizeof o);
        ck_store_copy(o.name, sizeof o.name, e.gid);
        ck_store_copy(o.kind, sizeof o.kind, e.org_kind);
        ck_store_copy(o.display_name, sizeof o.display_name, e.org_display_name);
        o.created_at = x->now;
        if ((r = job_org_add(c, &o)) != CK_STORE_OK) goto out;
    }
    if (x->auth && (r = job_auth_add(c, (void *)x->auth)) != CK_STORE_OK) goto out;
    if (e.join_org[0]) {
        sqlite3_stmt *st = stmt(c, Q_CONSENT_INS);
        if (st == NULL) {
            r = CK_STORE_ERROR;
            goto out;
        }
        sqlite3_bind_text(st, 1, e.gid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, e.join_org, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, x->now);
        if ((r = step_done(st)) != CK_STORE_OK) goto out;
    }
    r = audit_ins(c, x->a, NULL);
out:
    ck_store_enrollment_clear(&e);
    return r;
}

static ck_store_rc sq_enroll_approve(ck_store *b, const char *gid, const ck_store_authority *auth, int64_t now,
                                     const ck_store_audit *a)
{
    struct enroll_arg x = {NULL, gid, auth, 0, now, a};
    return submit((sq *)b, job_enroll_approve, &x);
}

static ck_store_rc job_enroll_reject(conn *c, void *arg)
{
    struct enroll_arg *x = arg;
    ck_store_rc r = enroll_decide(c, x->gid, "rejected", x->now);
    return r == CK_STORE_OK ? audit_ins(c, x->a, NULL) : r;
}

static ck_store_rc sq_enroll_reject(ck_store *b, const char *gid, int64_t now, const ck_store_audit *a)
{
    struct enroll_arg x = {NULL, gid, NULL, 0, now, a};
    return submit((sq *)b, job_enroll_reject, &x);
}

/* ---- barrier ------------------------------------------------------------ */

static ck_store_rc job_none(conn *c, void *arg)
{
    (void)c;
    (void)arg;
    return CK_STORE_OK;
}

/* A job that writes nothing: its callback runs once the batch holding it
 * committed, so every write queued before it is durable by then. */
static ck_store_rc sq_sync_async(ck_store *b, ck_store_done_fn cb, void *ctx)
{
    job *j = calloc(1, sizeof *j);
    if (j == NULL) return CK_STORE_ERROR;
    j->fn = job_none;
    j->single = 1;
    return submit_async((sq *)b, j, cb, ctx);
}

/* ---- nonces, size ----------------------------------------------------- */

struct nonce_arg {
    char caller[CK_STORE_ID_CAP + 16], nonce[80];
    int64_t now, expire_before;
    int purge;
};

struct nonce_job {
    job j;
    struct nonce_arg a;
};

static ck_store_rc job_nonce(conn *c, void *arg)
{
    struct nonce_arg *x = arg;
    sqlite3_stmt *st;
    if (x->purge && (st = stmt(c, Q_NONCE_PURGE)) != NULL) {
        sqlite3_bind_int64(st, 1, x->expire_before);
        sqlite3_step(st);
        done(st);
    }
    if ((st = stmt(c, Q_NONCE_INS)) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(st, 1, x->caller, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, x->nonce, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, x->now);
    return step_done(st);
}

/* Records the nonce with a detached job: no extra fsync wait per request.
 * The request's own write or audit job, queued after this one, makes the
 * nonce durable before that request is answered. */
static ck_store_rc sq_nonce_put(ck_store *b, const char *caller, const char *nonce, int64_t now,
                                int64_t expire_before)
{
    sq *s = (sq *)b;
    struct nonce_job *nj;

    if (strlen(caller) >= sizeof nj->a.caller || strlen(nonce) >= sizeof nj->a.nonce) return CK_STORE_ERROR;
    if ((nj = calloc(1, sizeof *nj)) == NULL) return CK_STORE_ERROR;
    memcpy(nj->a.caller, caller, strlen(caller) + 1);
    memcpy(nj->a.nonce, nonce, strlen(nonce) + 1);
    nj->a.now = now;
    nj->a.expire_before = expire_before;
    nj->a.purge = (__atomic_add_fetch(&s->nonce_calls, 1, __ATOMIC_RELAXED) % 1024) == 0;
    nj->j.fn = job_nonce;
    nj->j.arg = &nj->a;
    nj->j.single = !nj->a.purge;
    return submit_detached(s, &nj->j);
}

/* Checks the log through a reader (a nonce seen before a restart is
 * there), then records it (sq_nonce_put). carekeyd itself uses the cheaper
 * nonce_put with its in-memory cache; this is the self-contained check,
 * which scans the window's rows (by time): fine for tools and tests, not
 * meant for every request. */
static ck_store_rc sq_nonce_use(ck_store *b, const char *caller, const char *nonce, int64_t now,
                                int64_t expire_before)
{
    reading rd;
    ck_store_rc r;
    if (reading_start(&rd, (sq *)b, Q_NONCE_GET) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_text(rd.st, 1, caller, -1, SQLITE_STATIC);
    sqlite3_bind_text(rd.st, 2, nonce, -1, SQLITE_STATIC);
    sqlite3_bind_int64(rd.st, 3, expire_before);
    r = read_row(rd.st, NULL, NULL);
    reading_end(&rd);
    if (r == CK_STORE_OK) return CK_STORE_CONFLICT; /* seen inside the window */
    if (r != CK_STORE_NOT_FOUND) return r;
    return sq_nonce_put(b, caller, nonce, now, expire_before);
}

static ck_store_rc sq_nonce_load(ck_store *b, int64_t since, ck_store_nonce_fn fn, void *ctx)
{
    reading rd;
    int rc;
    if (reading_start(&rd, (sq *)b, Q_NONCE_LOAD) == NULL) return CK_STORE_ERROR;
    sqlite3_bind_int64(rd.st, 1, since);
    while ((rc = sqlite3_step(rd.st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(rd.st, 0), (const char *)sqlite3_column_text(rd.st, 1),
           sqlite3_column_int64(rd.st, 2));
    reading_end(&rd);
    return rc == SQLITE_DONE ? CK_STORE_OK : CK_STORE_ERROR;
}

static ck_store_rc sq_size(ck_store *b, int64_t *bytes)
{
    reading rd;
    ck_store_rc r;
    if (reading_start(&rd, (sq *)b, Q_SIZE) == NULL) return CK_STORE_ERROR;
    r = read_row(rd.st, row_int64, bytes);
    reading_end(&rd);
    return r == CK_STORE_OK ? CK_STORE_OK : CK_STORE_ERROR;
}

static int sq_schema_version(ck_store *b)
{
    (void)b;
    return SCHEMA_VERSION;
}

static void sq_close(ck_store *b)
{
    sq *s = (sq *)b;
    if (s->thread_started) {
        pthread_mutex_lock(&s->mu);
        s->stopping = 1;
        pthread_cond_broadcast(&s->work_cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    for (int i = 0; i < s->nreaders; i++) conn_close(&s->readers[i]);
    free(s->readers);
    if (s->writer.db) {
        /* Fold the WAL back into the main file on a clean shutdown. */
        for (int i = 0; i < Q_COUNT; i++) {
            sqlite3_finalize(s->writer.st[i]);
            s->writer.st[i] = NULL;
        }
        sqlite3_exec(s->writer.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    }
    conn_close(&s->writer);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->work_cv);
    pthread_mutex_destroy(&s->rmu);
    pthread_cond_destroy(&s->rcv);
    free(s);
}

static const ck_store_ops sqlite_ops = {
    "sqlite", sq_close, sq_schema_version,
    sq_user_add, sq_user_get, sq_auth_add, sq_auth_get, sq_auth_epochs,
    sq_append, sq_head, sq_entries, sq_entry_get, sq_shead_put, sq_shead_get,
    sq_grant_add, sq_grant_revoke, sq_grants,
    sq_mail_put, sq_mail_list, sq_mail_ack,
    sq_audit_add, sq_audit_list, sq_nonce_use, sq_size, sq_nonce_put, sq_nonce_load,
    sq_audit_add_async, sq_append_async,
    sq_user_affiliate, sq_user_deactivate, sq_user_list,
    sq_org_add, sq_org_get, sq_org_list, sq_unit_add, sq_unit_get, sq_unit_list,
    sq_user_unaffiliate, sq_user_reactivate, sq_consent_add, sq_consent_del, sq_consent_get, sq_section_present,
    sq_enroll_add, sq_enroll_get, sq_enroll_list, sq_enroll_approve, sq_enroll_reject,
    sq_sync_async,
    sq_grants_held,
    NULL, NULL, NULL, /* *_nonce: one carekeyd per file checks nonces in memory */
    NULL,             /* record_gen: nothing caches across processes */
};

ck_store_rc ck_store_sqlite_open(ck_store **out, const char *path, const ck_store_opts *o)
{
    sq *s = calloc(1, sizeof *s);
    int version = 0, n = o->readers > 0 ? o->readers : 4;
    if (s == NULL) return CK_STORE_ERROR;
    s->base.ops = &sqlite_ops;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->work_cv, NULL);
    pthread_mutex_init(&s->rmu, NULL);
    pthread_cond_init(&s->rcv, NULL);
    s->tail = &s->queue;
    if (sqlite3_threadsafe() == 0) goto fail;
    /* No global allocation statistics: with them every SQLite allocation
     * of every connection takes one process-wide mutex, which the readers
     * and the writer contend for. Only possible before SQLite initializes
     * (otherwise SQLITE_MISUSE, harmless: statistics stay on). */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (conn_open(&s->writer, path, 1, o->busy_timeout_ms) != 0) goto fail;
    if (migrate(&s->writer, &version) != 0) goto fail;
    if ((s->readers = calloc((size_t)n, sizeof *s->readers)) == NULL) goto fail;
    for (; s->nreaders < n; s->nreaders++) {
        if (conn_open(&s->readers[s->nreaders], path, 0, o->busy_timeout_ms) != 0) goto fail;
        reader_put(s, &s->readers[s->nreaders]);
    }
    if (pthread_create(&s->thread, NULL, writer_main, s) != 0) goto fail;
    s->thread_started = 1;
    *out = &s->base;
    return CK_STORE_OK;
fail:
    sq_close(&s->base);
    return CK_STORE_ERROR;
}
