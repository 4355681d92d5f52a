/*
 * test_server_crash.c - kill -9 carekeyd repeatedly during concurrent
 * appends, restart it, and check that every append a client saw
 * acknowledged is present (once, at its sequence number, with its hash)
 * and that every chain verifies.
 *
 *   test_server_crash CAREKEYD [DB_URL]     (default: a fresh SQLite file)
 *
 * Clients behave like real ones: when a request dies with the server, the
 * outcome is unknown, so they look for their entry (by a tag inside the
 * envelope) before retrying, which keeps every write exactly-once.
 */
#include "chain_check.h"

#include <pthread.h>

#define PATIENTS 4
#define THREADS 8
#define KILLS 12
#define MAXACK 4000

static const char *bin, *db;
static char dir[256];
static ckt_id admin, pats[PATIENTS];
static ckt_server srv;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char cur_url[128];
static int url_gen;
static volatile int stop_flag;

typedef struct {
    uint64_t seq;
    uint8_t hash[32];
    uint8_t tag[16];
} ack;

static ack acks[THREADS][MAXACK];
static int nacks[THREADS], recovered[THREADS];

static ck_net *reconnect(ck_net *c, int t, int *gen)
{
    pthread_mutex_lock(&mu);
    if (c == NULL || *gen != url_gen) {
        ck_net_close(c);
        c = ckt_client(cur_url, pats[t % PATIENTS].gid, pats[t % PATIENTS].sk);
        *gen = url_gen;
    }
    pthread_mutex_unlock(&mu);
    return c;
}

/* Looks for tag among entries after since: 1 found (fills a), 0 not, -1 unknown. */
static int find_tag(ck_net *c, const char *patient, uint64_t since, const uint8_t tag[16], ack *a)
{
    int more = 1;
    while (more) {
        ck_net_entry *v = NULL;
        size_t n = 0;
        if (ck_net_entries(c, patient, since, 200, &v, &n, &more) != 0) return -1;
        for (size_t i = 0; i < n; i++) {
            if (v[i].envelope_len >= 16 && !memcmp(v[i].envelope, tag, 16)) {
                a->seq = v[i].seq;
                memcpy(a->hash, v[i].hash, 32);
                memcpy(a->tag, tag, 16);
                ck_net_entries_free(v, n);
                return 1;
            }
            since = v[i].seq;
        }
        ck_net_entries_free(v, n);
    }
    return 0;
}

static void *writer(void *arg)
{
    int t = (int)(intptr_t)arg, gen = -1;
    const char *patient = pats[t % PATIENTS].gid;
    ck_net *c = NULL;
    uint8_t env[256];
    uint32_t counter = 0;

    while (!stop_flag && nacks[t] + recovered[t] < MAXACK) {
        ck_net_head h, out;
        uint64_t base = 0;
        int pending = 0; /* an append whose outcome we do not know */
        memset(env, 0, sizeof env);
        env[0] = 0xcc;
        env[1] = (uint8_t)t;
        memcpy(env + 2, &counter, sizeof counter);
        counter++;
        for (;;) {
            if (stop_flag && !pending) break;
            c = reconnect(c, t, &gen);
            if (c == NULL || ck_net_head_get(c, patient, &h, NULL, NULL) != 0) {
                ckt_sleep_ms(20);
                continue;
            }
            if (pending) {
                ack a;
                int f = find_tag(c, patient, base, env, &a);
                if (f < 0) {
                    ckt_sleep_ms(20);
                    continue;
                }
                if (f == 1) { /* it did land before the crash */
                    acks[t][nacks[t] + recovered[t]] = a;
                    recovered[t]++;
                    break;
                }
                pending = 0;
                if (stop_flag) break;
            }
            base = h.seq;
            if (ck_net_append(c, patient, "results", "Observation", h.hash, ckt_now_ms(), env, sizeof env, &out) == 0) {
                ack *a = &acks[t][nacks[t] + recovered[t]];
                a->seq = out.seq;
                memcpy(a->hash, out.hash, 32);
                memcpy(a->tag, env, 16);
                nacks[t]++;
                break;
            }
            if (ck_net_status(c) == 409) continue;
            /* Transport error or 5xx: unknown outcome. */
            pending = 1;
            ckt_sleep_ms(20);
        }
    }
    ck_net_close(c);
    return NULL;
}

static int start_server(void)
{
    static const char *const extra[] = {"--rate-limit", "0", "--grace", "0", NULL};
    if (ckt_start_v(&srv, bin, dir, db, admin.pk, extra) != 0) return -1;
    pthread_mutex_lock(&mu);
    snprintf(cur_url, sizeof cur_url, "%s", srv.url);
    url_gen++;
    pthread_mutex_unlock(&mu);
    return 0;
}

int main(int argc, char **argv)
{
    char dbbuf[1024];
    pthread_t th[THREADS];
    ckt_key keys[PATIENTS];
    unsigned seed = (unsigned)time(NULL);
    ck_net *ca;

    if (argc < 2) return 2;
    bin = argv[1];
    if (ck_net_global_init() != 0) return 2;
    ckt_tmpdir(dir, sizeof dir, "crash");
    ckt_db_arg(dbbuf, sizeof dbbuf, argc, argv, dir);
    db = dbbuf;
    ckt_id_new(&admin, "admin");
    if (start_server() != 0) {
        CHECK(0, "start");
        TEST_MAIN_END();
    }
    ca = ckt_client(srv.url, "admin", admin.sk);
    for (int p = 0; p < PATIENTS; p++) {
        char name[32];
        snprintf(name, sizeof name, "crash%d", p);
        ckt_id_new(&pats[p], name);
        CHECK(ckt_enroll(ca, &pats[p], "patient") == 0, "enroll");
        snprintf(keys[p].author, sizeof keys[p].author, "%s", name);
        memcpy(keys[p].pk, pats[p].pk, 32);
    }
    ck_net_close(ca);
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, writer, (void *)(intptr_t)t);

    int restarts = 0;
    for (int k = 0; k < KILLS; k++) {
        int before = 0, after = 0;
        for (int t = 0; t < THREADS; t++) before += nacks[t];
        ckt_sleep_ms(150 + rand_r(&seed) % 350);
        /* Kill only once the writers made progress on this instance (a
         * loaded machine, or a replicated commit, may take longer than the
         * random pause: wait for it rather than time it). */
        for (int waited = 0; waited < 20000; waited += 50) {
            after = 0;
            for (int t = 0; t < THREADS; t++) after += __atomic_load_n(&nacks[t], __ATOMIC_RELAXED);
            if (after > before) break;
            ckt_sleep_ms(50);
        }
        CHECK(after > before, "progress before kill %d", k);
        ckt_stop(&srv, SIGKILL);
        if (start_server() != 0) {
            CHECK(0, "restart %d", k);
            break;
        }
        restarts++;
    }
    ckt_sleep_ms(300);
    stop_flag = 1;
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    CHECK(restarts == KILLS, "restarted after each of %d kill -9", KILLS);

    /* Verify each record as its patient (readers need a standing on it). */
    int total_acked = 0, total_rec = 0;
    for (int p = 0; p < PATIENTS; p++) {
        ckt_stored *st = NULL;
        ck_net *cr = ckt_client(srv.url, pats[p].gid, pats[p].sk);
        long n = ckt_chain_verify(cr, pats[p].gid, keys, PATIENTS, &st);
        ck_net_close(cr);
        CHECK(n >= 0, "chain %d verifies", p);
        if (n < 0) continue;
        for (long i = 0; i < n; i++)
            for (long j = i + 1; j < n; j++) CHECK(memcmp(st[i].tag, st[j].tag, 16) != 0, "no duplicate writes");
        for (int t = p; t < THREADS; t += PATIENTS)
            for (int i = 0; i < nacks[t] + recovered[t]; i++) {
                ack *a = &acks[t][i];
                int found = 0;
                for (long k = 0; k < n; k++)
                    if (!memcmp(st[k].tag, a->tag, 16)) {
                        found++;
                        CHECK(st[k].seq == a->seq && !memcmp(st[k].hash, a->hash, 32), "acked entry intact");
                    }
                CHECK(found == 1, "acked entry present once");
            }
        free(st);
    }
    for (int t = 0; t < THREADS; t++) {
        total_acked += nacks[t];
        total_rec += recovered[t];
    }
    fprintf(stderr, "%d kill -9 cycles, %d acknowledged appends, %d found after an unknown outcome\n", restarts,
            total_acked, total_rec);
    CHECK(total_acked > 50, "enough acknowledged appends (%d)", total_acked);
    ckt_stop(&srv, SIGTERM);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
