/*
 * cluster_driver.c - the writers of the cluster test (run_cluster.sh).
 *
 *   cluster_driver CAREKEYD DB_URL DIR
 *
 * Starts two carekeyd instances on DB_URL (a libpq multi-host URL), enrolls
 * 16 writers and 9 records, then lets the writers append - even turns to
 * the shared record, odd turns to the record a pair of writers shares -
 * until DIR/stop appears, while run_cluster.sh kills the primary. It keeps
 * every acknowledged append (record, seq, hash, a unique tag in its
 * envelope) and, every 100 ms, the count in DIR/acks. Afterwards: every
 * acknowledged append is stored exactly once at its seq, no tag is stored
 * twice, no gap, every chain verifies (chain_check.h); and for each event
 * in DIR/events ("kill|switchover UNIX_SECONDS") the unavailability: the
 * longest time without an acknowledged append around it.
 */
#include "../server/chain_check.h"

#include <math.h>
#include <pthread.h>

#define THREADS 16
#define PATIENTS 8 /* p0..p7, plus "shared" */

static ckt_server srv[2];
static ckt_id writers[THREADS];
static const char *dir;
static volatile int stopping;

typedef struct {
    int patient; /* 0..PATIENTS */
    uint64_t seq;
    uint8_t hash[32];
    uint8_t tag[16];
    uint64_t at_ms;
} acked;

static acked *acks[THREADS];
static size_t nacks[THREADS], capacks[THREADS];
static long gaveup[THREADS], resolved_409[THREADS];
static long total_acks;

static void tag_of(uint8_t tag[16], int t, uint32_t i)
{
    memset(tag, 0, 16);
    tag[0] = 0xc1;
    tag[1] = (uint8_t)t;
    memcpy(tag + 2, &i, 4);
}

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    ck_net *c = ckt_client(srv[t % 2].url, writers[t].gid, writers[t].sk);
    uint8_t env[256];
    uint32_t i = 0;
    while (c && !stopping) {
        int p = (i % 2) ? t % PATIENTS : PATIENTS;
        char patient[32];
        ck_net_head h, out;
        int done = 0;
        if (p == PATIENTS)
            snprintf(patient, sizeof patient, "shared");
        else
            snprintf(patient, sizeof patient, "p%d", p);
        memset(env, 0x5a, sizeof env);
        tag_of(env, t, i);
        /* Races are retried with the same content; anything else (the
         * library's retry budget ran out) gives this content up, so a
         * content whose fate is unknown is never signed a second time. */
        while (!done && !stopping) {
            if (ck_net_head_get(c, patient, &h, NULL, NULL) != 0) {
                ckt_sleep_ms(50);
                continue;
            }
            if (ck_net_append(c, patient, "results", "Observation", h.hash, ckt_now_ms(), env, sizeof env, &out) ==
                0) {
                if (nacks[t] == capacks[t]) {
                    capacks[t] = capacks[t] ? 2 * capacks[t] : 1024;
                    acks[t] = realloc(acks[t], capacks[t] * sizeof *acks[t]);
                }
                acked *a = &acks[t][nacks[t]++];
                a->patient = p;
                a->seq = out.seq;
                memcpy(a->hash, out.hash, 32);
                memcpy(a->tag, env, 16);
                a->at_ms = ckt_now_ms();
                __atomic_add_fetch(&total_acks, 1, __ATOMIC_RELAXED);
                done = 1;
            } else if (!ck_net_append_raced(c)) {
                fprintf(stderr, "w%d: append given up: %ld %s\n", t, ck_net_status(c), ck_net_error_code(c));
                gaveup[t]++;
                break;
            }
        }
        i++;
    }
    ck_net_close(c);
    return NULL;
}

static void *progress(void *arg)
{
    char path[512], tmp[520];
    (void)arg;
    snprintf(path, sizeof path, "%s/acks", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    while (!stopping) {
        char stop[512];
        FILE *f = fopen(tmp, "w");
        if (f) {
            fprintf(f, "%ld\n", __atomic_load_n(&total_acks, __ATOMIC_RELAXED));
            fclose(f);
            rename(tmp, path);
        }
        snprintf(stop, sizeof stop, "%s/stop", dir);
        if (access(stop, F_OK) == 0) stopping = 1;
        ckt_sleep_ms(100);
    }
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_tag(const void *a, const void *b) { return memcmp(((const ckt_stored *)a)->tag, ((const ckt_stored *)b)->tag, 16); }

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Longest stretch without an acknowledgement that ends after the event
 * and before the next one (end_s; 0: none). */
static double unavailability(const uint64_t *times, size_t n, double event_s, double end_s)
{
    uint64_t ev = (uint64_t)(event_s * 1000.0), lo = ev - 2000, last = 0, worst = 0;
    uint64_t hi = end_s > 0 ? (uint64_t)(end_s * 1000.0) : ev + 120000;
    for (size_t i = 0; i < n; i++) {
        if (times[i] < lo) {
            last = times[i];
            continue;
        }
        if (times[i] > hi) break;
        if (last && times[i] - last > worst && times[i] > ev) worst = times[i] - last;
        last = times[i];
    }
    return (double)worst / 1000.0;
}

int main(int argc, char **argv)
{
    char db[1024], path[600];
    ckt_id admin, pats[PATIENTS + 1];
    ckt_key keys[THREADS];
    pthread_t th[THREADS], prog;
    ck_net *ca;
    double t0;

    if (argc < 4) {
        fprintf(stderr, "usage: cluster_driver CAREKEYD DB_URL DIR\n");
        return 2;
    }
    if (ck_net_global_init() != 0) return 2;
    dir = argv[3];
    (void)ckt_rmdir; /* run_cluster.sh removes the directory */
    mkdir(dir, 0755);
    snprintf(db, sizeof db, "%s", argv[2]);
    ckt_id_new(&admin, "admin");
    for (int i = 0; i < 2; i++) {
        CHECK(ckt_start(&srv[i], argv[1], dir, db, admin.pk) == 0, "start carekeyd %d", i);
        if (srv[i].pid <= 0) TEST_MAIN_END();
    }
    ca = ckt_client(srv[0].url, "admin", admin.sk);
    for (int p = 0; p <= PATIENTS; p++) {
        char name[32];
        if (p == PATIENTS)
            snprintf(name, sizeof name, "shared");
        else
            snprintf(name, sizeof name, "p%d", p);
        ckt_id_new(&pats[p], name);
        CHECK(ckt_enroll(ca, &pats[p], "patient") == 0, "enroll %s", name);
    }
    for (int t = 0; t < THREADS; t++) {
        char name[32];
        snprintf(name, sizeof name, "w%d", t);
        ckt_id_new(&writers[t], name);
        CHECK(ckt_enroll(ca, &writers[t], "doctor") == 0, "enroll %s", name);
        snprintf(keys[t].author, sizeof keys[t].author, "%s", name);
        memcpy(keys[t].pk, writers[t].pk, 32);
    }
    for (int p = 0; p <= PATIENTS; p++) {
        ck_net *cp = ckt_client(srv[p % 2].url, pats[p].gid, pats[p].sk);
        for (int t = 0; t < THREADS; t++)
            CHECK(ck_net_grant(cp, pats[p].gid, writers[t].gid, "results", 0, 0, NULL) == 0, "grant");
        ck_net_close(cp);
    }
    if (ck_test_failed) goto stop;

    t0 = (double)ckt_now_ms();
    pthread_create(&prog, NULL, progress, NULL);
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
    snprintf(path, sizeof path, "%s/ready", dir);
    fclose(fopen(path, "w"));
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    stopping = 1;
    pthread_join(prog, NULL);
    fprintf(stderr, "%ld acknowledged appends in %.1f s through 2 carekeyd instances\n", total_acks,
            ((double)ckt_now_ms() - t0) / 1000.0);

    { /* every chain, every acknowledged append exactly once */
        ck_net *cr = ckt_client(srv[1].url, writers[0].gid, writers[0].sk);
        long stored = 0, checked = 0;
        for (int p = 0; p <= PATIENTS; p++) {
            ckt_stored *st = NULL;
            long n = ckt_chain_verify(cr, pats[p].gid, keys, THREADS, &st);
            CHECK(n >= 0, "chain of %s verifies (no gap, links, hashes, signatures)", pats[p].gid);
            if (n < 0) continue;
            stored += n;
            qsort(st, (size_t)n, sizeof *st, cmp_tag);
            for (long k = 1; k < n; k++)
                CHECK(memcmp(st[k].tag, st[k - 1].tag, 16) != 0, "%s: content stored twice (seq %llu)",
                      pats[p].gid, (unsigned long long)st[k].seq);
            for (int t = 0; t < THREADS; t++)
                for (size_t i = 0; i < nacks[t]; i++) {
                    acked *a = &acks[t][i];
                    ckt_stored key, *hit;
                    if (a->patient != p) continue;
                    memcpy(key.tag, a->tag, 16);
                    hit = bsearch(&key, st, (size_t)n, sizeof *st, cmp_tag);
                    CHECK(hit != NULL, "acknowledged append w%d/%zu stored", t, i);
                    if (hit)
                        CHECK(hit->seq == a->seq && !memcmp(hit->hash, a->hash, 32), "stored at its acknowledged seq");
                    checked++;
                }
            free(st);
        }
        CHECK(checked == total_acks, "all %ld acknowledgements checked (%ld)", total_acks, checked);
        fprintf(stderr, "%ld entries stored, %ld acknowledged, all acknowledged ones exactly once\n", stored,
                total_acks);
        ck_net_close(cr);
    }
    { /* unavailability per event */
        size_t n = 0;
        uint64_t *times = malloc(((size_t)total_acks + 1) * sizeof *times);
        double fo[16];
        int nfo = 0;
        long given = 0;
        FILE *f;
        for (int t = 0; t < THREADS; t++) {
            given += gaveup[t];
            (void)resolved_409[t];
            for (size_t i = 0; i < nacks[t]; i++) times[n++] = acks[t][i].at_ms;
        }
        qsort(times, n, sizeof *times, cmp_u64);
        snprintf(path, sizeof path, "%s/events", dir);
        f = fopen(path, "r");
        char kind[16][32];
        double at[16];
        int nev = 0;
        while (f && nev < 16 && fscanf(f, "%31s %lf", kind[nev], &at[nev]) == 2) nev++;
        if (f) fclose(f);
        for (int e = 0; e < nev; e++) {
            double u = unavailability(times, n, at[e], e + 1 < nev ? at[e + 1] : 0);
            fprintf(stderr, "failover %d (%s): %.2f s without an acknowledged append\n", e + 1, kind[e], u);
            if (!strcmp(kind[e], "kill")) fo[nfo++] = u; /* the median is over the kills */
        }
        if (nfo) {
            qsort(fo, (size_t)nfo, sizeof fo[0], cmp_dbl);
            fprintf(stderr, "server.failover_s %.2f (median of %d SIGKILLs of the primary; %ld appends given up unacknowledged)\n",
                    nfo % 2 ? fo[nfo / 2] : (fo[nfo / 2 - 1] + fo[nfo / 2]) / 2, nfo, given);
        }
        free(times);
    }
    /* The failovers were answered 503 (then retried), never 500. */
    for (int i = 0; i < 2; i++) {
        char cmd[300], line[256];
        long unavail = 0, internal = 0;
        FILE *m;
        snprintf(cmd, sizeof cmd, "curl -sf %s/metrics", srv[i].url);
        m = popen(cmd, "r");
        while (m && fgets(line, sizeof line, m)) {
            sscanf(line, "carekeyd_errors_total{code=\"unavailable\"} %ld", &unavail);
            sscanf(line, "carekeyd_errors_total{code=\"internal\"} %ld", &internal);
        }
        if (m) pclose(m);
        fprintf(stderr, "carekeyd %d: %ld answers 503 unavailable, %ld answers 500 internal\n", i, unavail, internal);
        CHECK(internal == 0, "carekeyd %d never answered 500 during the failovers", i);
    }
stop:
    ck_net_close(ca);
    for (int i = 0; i < 2; i++) {
        int st = ckt_stop(&srv[i], SIGTERM);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "carekeyd %d exits cleanly", i);
    }
    if (ck_test_failed) {
        snprintf(path, sizeof path, "grep -v 'level=debug' %s/carekeyd.log | tail -n 30 >&2", dir);
        if (system(path) != 0) fprintf(stderr, "no log\n");
    }
    for (int t = 0; t < THREADS; t++) free(acks[t]);
    TEST_MAIN_END();
}
