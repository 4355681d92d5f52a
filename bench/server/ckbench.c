/*
 * ckbench.c - load generator for carekeyd (loopback only).
 *
 *   ckbench URL ADMIN_SK_HEX NAME MODE CLIENTS SECONDS MAX_REQUESTS
 *   ckbench pubkey SK_HEX        (prints the Ed25519 public key)
 *
 * MODE append: each client is a patient appending signed 1 KiB entries to
 * her own record (chaining on the hash the server returned). MODE read:
 * clients are doctors fetching single entries of a pre-filled record.
 * Requests are signed exactly as real clients sign them. Prints
 *   bench server.NAME.<mode>_per_s V /s
 *   bench server.NAME.<mode>_p50_ms V ms
 *   bench server.NAME.<mode>_p99_ms V ms
 */
#include "carekey/client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXC 128

static const char *url, *name, *mode;
static uint8_t admin_sk[32];
static int clients;
static double seconds;
static long max_requests;
static volatile int stop;
static long issued;
static char run_id[16];

typedef struct {
    int idx;
    double *lat;
    long n, cap, errors;
    uint8_t sk[32], pk[32];
    char gid[64];
} worker;

static worker w[MAXC];
static char reader_patient[64];
static uint64_t reader_entries;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int enroll(ck_net *ca, const char *gid, const uint8_t pk[32], const char *role)
{
    ck_net_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "%s", gid);
    memcpy(u.ed25519, pk, 32);
    memcpy(u.x25519, pk, 32);
    snprintf(u.display_name, sizeof u.display_name, "bench");
    snprintf(u.role, sizeof u.role, "%s", role);
    return ck_net_user_enroll(ca, &u);
}

static ck_net *open_as(const char *gid, const uint8_t sk[32])
{
    ck_net_opts o = {url, NULL, 10000};
    ck_net *c = NULL;
    if (ck_net_open(&c, &o) != 0 || ck_net_set_identity(c, gid, sk) != 0) {
        ck_net_close(c);
        return NULL;
    }
    return c;
}

static int take_ticket(void)
{
    return __atomic_add_fetch(&issued, 1, __ATOMIC_RELAXED) <= max_requests && !stop;
}

static void record(worker *me, double dt)
{
    if (me->n == me->cap) {
        me->cap = me->cap ? me->cap * 2 : 4096;
        me->lat = realloc(me->lat, (size_t)me->cap * sizeof(double));
    }
    me->lat[me->n++] = dt;
}

static void *append_worker(void *arg)
{
    worker *me = arg;
    ck_net *c = open_as(me->gid, me->sk);
    ck_net_head h;
    uint8_t env[1024];
    memset(env, 0x5a, sizeof env);
    if (c == NULL || ck_net_head_get(c, me->gid, &h, NULL, NULL) != 0) {
        me->errors++;
        ck_net_close(c);
        return NULL;
    }
    while (take_ticket()) {
        double t0 = now_s();
        memcpy(env, &me->n, sizeof me->n);
        if (ck_net_append(c, me->gid, "results", "Observation", h.hash, now_ms(), env, sizeof env, &h) == 0)
            record(me, now_s() - t0);
        else
            me->errors++;
    }
    ck_net_close(c);
    return NULL;
}

static void *read_worker(void *arg)
{
    worker *me = arg;
    ck_net *c = open_as(me->gid, me->sk);
    unsigned seed = (unsigned)me->idx * 7919u + 1;
    if (c == NULL) {
        me->errors++;
        return NULL;
    }
    while (take_ticket()) {
        ck_net_entry e;
        uint64_t seq = 1 + (uint64_t)rand_r(&seed) % reader_entries;
        double t0 = now_s();
        if (ck_net_entry_get(c, reader_patient, seq, &e) == 0) {
            record(me, now_s() - t0);
            ck_net_entry_clear(&e);
        } else {
            me->errors++;
        }
    }
    ck_net_close(c);
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    pthread_t th[MAXC];
    ck_net *ca;
    double t0, elapsed;
    long total = 0, errors = 0, k = 0;
    double *all;
    int is_append;

    if (argc == 3 && !strcmp(argv[1], "pubkey")) { /* helper for bench/server.sh */
        uint8_t sk[32], pk[32];
        char hex[65];
        if (ck_net_unhex(sk, 32, argv[2]) != 0 || ck_net_ed25519_public(pk, sk) != 0) return 2;
        ck_net_hex(hex, pk, 32);
        printf("%s\n", hex);
        return 0;
    }
    if (argc != 8) {
        fprintf(stderr, "usage: ckbench URL ADMIN_SK_HEX NAME append|read CLIENTS SECONDS MAX_REQUESTS\n");
        return 2;
    }
    url = argv[1];
    if (ck_net_unhex(admin_sk, 32, argv[2]) != 0) return 2;
    name = argv[3];
    mode = argv[4];
    clients = atoi(argv[5]);
    seconds = atof(argv[6]);
    max_requests = atol(argv[7]);
    is_append = !strcmp(mode, "append");
    if (clients < 1 || clients > MAXC || seconds <= 0 || max_requests < 1) return 2;
    if (ck_net_global_init() != 0) return 2;
    snprintf(run_id, sizeof run_id, "%lx", (unsigned long)now_ms() & 0xffffff);
    if ((ca = open_as("admin", admin_sk)) == NULL) return 1;

    for (int i = 0; i < clients; i++) {
        w[i].idx = i;
        snprintf(w[i].gid, sizeof w[i].gid, "b%s-%s-%d", run_id, is_append ? "p" : "r", i);
        if (ck_net_ed25519_keygen(w[i].pk, w[i].sk) != 0 ||
            enroll(ca, w[i].gid, w[i].pk, is_append ? "patient" : "doctor") != 0) {
            fprintf(stderr, "enroll failed: %s\n", ck_net_error_code(ca));
            return 1;
        }
    }
    if (!is_append) { /* one patient, 200 entries to read */
        uint8_t pk[32], sk[32], env[1024];
        ck_net *cp;
        ck_net_head h;
        snprintf(reader_patient, sizeof reader_patient, "b%s-patient", run_id);
        if (ck_net_ed25519_keygen(pk, sk) != 0 || enroll(ca, reader_patient, pk, "patient") != 0) return 1;
        if ((cp = open_as(reader_patient, sk)) == NULL || ck_net_head_get(cp, reader_patient, &h, NULL, NULL) != 0)
            return 1;
        memset(env, 0x33, sizeof env);
        for (reader_entries = 0; reader_entries < 200; reader_entries++)
            if (ck_net_append(cp, reader_patient, "results", "Observation", h.hash, now_ms(), env, sizeof env, &h) != 0)
                return 1;
        ck_net_close(cp);
    }
    ck_net_close(ca);

    t0 = now_s();
    for (int i = 0; i < clients; i++)
        pthread_create(&th[i], NULL, is_append ? append_worker : read_worker, &w[i]);
    while (now_s() - t0 < seconds && __atomic_load_n(&issued, __ATOMIC_RELAXED) < max_requests) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    stop = 1;
    for (int i = 0; i < clients; i++) pthread_join(th[i], NULL);
    elapsed = now_s() - t0;

    for (int i = 0; i < clients; i++) {
        total += w[i].n;
        errors += w[i].errors;
    }
    if (total == 0) {
        fprintf(stderr, "ckbench: no successful requests\n");
        return 1;
    }
    all = malloc((size_t)total * sizeof *all);
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, w[i].lat, (size_t)w[i].n * sizeof *all);
        k += w[i].n;
        free(w[i].lat);
    }
    qsort(all, (size_t)total, sizeof *all, cmp);
    printf("bench server.%s.%s_per_s %.0f /s\n", name, mode, total / elapsed);
    printf("bench server.%s.%s_p50_ms %.2f ms\n", name, mode, all[total / 2] * 1e3);
    printf("bench server.%s.%s_p99_ms %.2f ms\n", name, mode, all[(long)(total * 0.99)] * 1e3);
    if (errors) fprintf(stderr, "ckbench: %ld errors\n", errors);
    free(all);
    return errors > total / 100 ? 1 : 0;
}
