/*
 * bench/node/admit.c - admissions through the node API in one warm
 * session (bench/node_admit.sh runs it): the node has loaded and verified
 * the hospital's ledger before, so an admission should cost what is new,
 * not what the ledger holds.
 *
 *   node_admit --home HOME --hospital ORG --patient P --ward W --bed N
 *              --name NAME [--reps R] [--start YYYY-MM-DD]
 *
 * One untimed admission and discharge warm the session; then R admissions
 * are timed, each followed by an untimed discharge. Prints
 *   bench node.NAME MEDIAN ms
 * and the individual figures on an info line. The keyring passphrase comes
 * from $CAREKEY_PASSPHRASE (this is a front end: it reads the environment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/keyring.h"
#include "carekey/node_care.h"

static int passphrase(void *ud, char *buf, size_t cap, char *why, size_t why_cap)
{
    const char *p = getenv("CAREKEY_PASSPHRASE");
    (void)ud;
    if (!p || strlen(p) >= cap) {
        snprintf(why, why_cap, "CAREKEY_PASSPHRASE is not set");
        return -1;
    }
    snprintf(buf, cap, "%s", p);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int fail(ck_node *n, const char *what)
{
    const ck_node_error *e = ck_node_last_error(n);
    fprintf(stderr, "node_admit: %s: %s (%s)\n", what, e->msg, e->key);
    return 1;
}

/* Admission i (and its discharge) at day i of the run, 09:00 and 15:00. */
static int round_trip(ck_node *n, const ck_node_admit_in *base, const char *start, int i, double *ms)
{
    char at[40], out_at[40];
    ck_node_admit_in in = *base;
    ck_node_admit_out ao;
    ck_node_discharge_in din;
    ck_node_discharge_out dout;
    struct tm tm;
    time_t t;
    double t0;
    memset(&tm, 0, sizeof tm);
    if (!strptime(start, "%Y-%m-%d", &tm)) return 1;
    t = timegm(&tm) + (time_t)i * 86400;
    gmtime_r(&t, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT09:00:00Z", &tm);
    strftime(out_at, sizeof out_at, "%Y-%m-%dT15:00:00Z", &tm);
    in.at = at;
    t0 = now_ms();
    if (ck_node_encounter_admit(n, &in, &ao) != 0) return fail(n, "admit");
    if (ms) *ms = now_ms() - t0;
    memset(&din, 0, sizeof din);
    din.org = in.org;
    din.patient = in.patient;
    din.encounter = ao.id;
    din.at = out_at;
    if (ck_node_encounter_discharge(n, &din, &dout) != 0) return fail(n, "discharge");
    return 0;
}

int main(int argc, char **argv)
{
    const char *home = NULL, *name = NULL, *start = "2027-01-01";
    ck_node_admit_in in;
    ck_node_config cfg;
    ck_node *n = NULL;
    double t[64];
    int reps = 7, rc = 1;
    memset(&in, 0, sizeof in);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--home")) home = argv[i + 1];
        else if (!strcmp(argv[i], "--hospital")) in.org = argv[i + 1];
        else if (!strcmp(argv[i], "--patient")) in.patient = argv[i + 1];
        else if (!strcmp(argv[i], "--ward")) in.ward = argv[i + 1];
        else if (!strcmp(argv[i], "--bed")) in.bed = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--name")) name = argv[i + 1];
        else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--start")) start = argv[i + 1];
    }
    if (!home || !in.org || !in.patient || !in.ward || !in.bed || !name || reps < 1 || reps > 64) {
        fputs("usage: node_admit --home HOME --hospital ORG --patient P --ward W --bed N --name NAME [--reps R]\n",
              stderr);
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.home = home;
    if (ck_node_global_init() != 0 || ck_node_open(&n, &cfg) != 0) {
        fputs("node_admit: cannot open a session\n", stderr);
        return 1;
    }
    ck_node_set_passphrase(n, passphrase, NULL);
    if (round_trip(n, &in, start, 0, NULL) != 0) goto out; /* warm: the ledger loaded and verified once */
    for (int i = 0; i < reps; i++)
        if (round_trip(n, &in, start, i + 1, &t[i]) != 0) goto out;
    printf("info node.%s:", name);
    for (int i = 0; i < reps; i++) printf(" %.1f", t[i]);
    printf(" ms\n");
    qsort(t, (size_t)reps, sizeof *t, cmp);
    printf("bench node.%s %.1f ms\n", name, reps % 2 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2);
    rc = 0;
out:
    ck_node_care_flush(n);
    ck_node_close(n);
    return rc;
}
