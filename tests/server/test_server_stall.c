/*
 * test_server_stall.c - a commit the database holds up holds no HTTP
 * worker: carekeyd with one worker thread, its store blocked by a lock that
 * this test takes directly in the database (PostgreSQL: the record's head
 * row FOR UPDATE; SQLite: BEGIN IMMEDIATE, the write lock), keeps
 * answering while appends wait, and the appends complete once the lock
 * goes.
 *
 *   test_server_stall CAREKEYD [DB_URL]   (default: a fresh SQLite file)
 *
 * Checks, for a session append and a signed append (whose replay nonce
 * commits with the entry on PostgreSQL):
 *   - while the lock is held, GET /metrics answers within a second, and
 *     the append has not been answered;
 *   - after it is released, the append is answered 201 with the next seq,
 *     and at the end the head is the last append.
 */
#include "ckt.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>

static ckt_server srv;
static ckt_id admin, pat;

/* ---- a lock held in the database itself --------------------------------- */

typedef struct {
    PGconn *pg;
    sqlite3 *sq;
} db_lock;

static int lock_take(db_lock *l, const char *db, const char *patient)
{
    memset(l, 0, sizeof *l);
    if (!strncmp(db, "sqlite:", 7))
        return sqlite3_open(db + 7, &l->sq) != SQLITE_OK || sqlite3_exec(l->sq, "BEGIN IMMEDIATE", 0, 0, 0) != SQLITE_OK
                   ? -1
                   : 0;
    l->pg = PQconnectdb(db);
    if (PQstatus(l->pg) != CONNECTION_OK) return -1;
    PGresult *r = PQexec(l->pg, "BEGIN");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    const char *v[1] = {patient};
    r = PQexecParams(l->pg, "SELECT 1 FROM records WHERE patient = $1 FOR UPDATE", 1, NULL, v, NULL, NULL, 0);
    ok = ok && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : -1;
}

static void lock_release(db_lock *l)
{
    if (l->sq) {
        if (sqlite3_exec(l->sq, "ROLLBACK", 0, 0, 0) != SQLITE_OK) fprintf(stderr, "rollback failed\n");
        sqlite3_close(l->sq);
    }
    if (l->pg) {
        PQclear(PQexec(l->pg, "ROLLBACK"));
        PQfinish(l->pg);
    }
    memset(l, 0, sizeof *l);
}

/* ---- appends sent from threads ------------------------------------------- */

typedef struct {
    ck_net *c;
    uint8_t prev[32];
    uint64_t seq;     /* answered seq */
    uint8_t hash[32];
    long status;
    int answered;
    pthread_t th;
} appender;

static void *append_main(void *arg)
{
    appender *a = arg;
    uint8_t env[64];
    ck_net_head out;
    memset(env, 0x5a, sizeof env);
    if (ck_net_append(a->c, pat.gid, "results", "Observation", a->prev, ckt_now_ms(), env, sizeof env, &out) == 0) {
        a->status = 201;
        a->seq = out.seq;
        memcpy(a->hash, out.hash, 32);
    } else {
        a->status = ck_net_status(a->c);
    }
    __atomic_store_n(&a->answered, 1, __ATOMIC_RELEASE);
    return NULL;
}

static int answered(appender *a) { return __atomic_load_n(&a->answered, __ATOMIC_ACQUIRE); }

/* GET /metrics: its status and how long the answer took (ms). */
static long metrics_ms(long *status)
{
    ck_net *c = ckt_client(srv.url, "nobody", (const uint8_t[32]){0});
    char *resp = NULL;
    uint64_t t0 = ckt_now_ms();
    *status = c ? ckt_raw_body(c, "GET", "/metrics", NULL, &resp) : 0;
    free(resp);
    ck_net_close(c);
    return (long)(ckt_now_ms() - t0);
}

/* One stalled append of kind (session or signed) onto head h. */
static void stalled_append(const char *db, int session, ck_net_head *h)
{
    appender a;
    db_lock l;
    long st, ms;
    memset(&a, 0, sizeof a);
    printf("stall: a %s append while the database holds the record\n", session ? "session" : "signed");
    a.c = ckt_client(srv.url, pat.gid, pat.sk);
    CHECK(a.c != NULL, "client");
    if (!a.c) return;
    ck_net_use_sessions(a.c, session);
    memcpy(a.prev, h->hash, 32);
    CHECK(lock_take(&l, db, pat.gid) == 0, "lock taken in the database");
    CHECK(pthread_create(&a.th, NULL, append_main, &a) == 0, "append sent");
    ckt_sleep_ms(400);
    ms = metrics_ms(&st);
    CHECK(st == 200 && ms < 1000, "the one worker answers GET /metrics meanwhile (%ld, %ld ms)", st, ms);
    CHECK(!answered(&a), "the append waits for the lock");
    lock_release(&l);
    pthread_join(a.th, NULL);
    CHECK(a.status == 201 && a.seq == h->seq + 1, "the append is answered 201 once the lock goes (%ld, seq %llu)",
          a.status, (unsigned long long)a.seq);
    h->seq = a.seq;
    memcpy(h->hash, a.hash, 32);
    ck_net_close(a.c);
}

int main(int argc, char **argv)
{
    static const char *const extra[] = {"--rate-limit", "0", "--threads", "1", NULL};
    char dir[256], db[1024];
    ck_net *ca = NULL, *cp = NULL;
    ck_net_head h, now;
    if (ckt_main_begin(argc, argv, "stall", dir, sizeof dir, db, sizeof db) < 0) return 2;
    ckt_id_new(&admin, "admin");
    ckt_id_new(&pat, "stall-patient");
    CHECK(ckt_start_v(&srv, argv[1], dir, db, admin.pk, extra) == 0, "carekeyd with one worker thread");
    if (srv.pid <= 0) TEST_MAIN_END();
    ca = ckt_client(srv.url, "admin", admin.sk);
    CHECK(ca && ckt_enroll(ca, &pat, "patient") == 0, "patient enrolled");
    cp = ckt_client(srv.url, pat.gid, pat.sk);
    CHECK(cp && ck_net_head_get(cp, pat.gid, &h, NULL, NULL) == 0, "head read");
    stalled_append(db, 1, &h);
    stalled_append(db, 0, &h);
    CHECK(ck_net_head_get(cp, pat.gid, &now, NULL, NULL) == 0 && now.seq == h.seq && !memcmp(now.hash, h.hash, 32),
          "the head is the last append (seq %llu)", (unsigned long long)now.seq);
    ck_net_close(cp);
    ck_net_close(ca);
    ckt_stop(&srv, SIGTERM);
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
