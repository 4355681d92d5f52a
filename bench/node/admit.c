/*
 * bench/node/admit.c - admissions through the node API, each ledger in
 * one warm session (bench/node_admit.sh runs it): the node has loaded and
 * verified the hospital's ledger before, so an admission should cost what
 * is new, not what the ledger holds.
 *
 *   node_admit --patient P --reps R [--start YYYY-MM-DD]
 *              --small HOME,ORG,WARD --month HOME,ORG,WARD
 *
 * Two sessions (a staff member of a hospital with a small ledger, one of a
 * hospital with a month's ledger); one untimed admission and discharge
 * warm each; then R rounds, each timing one admission on each ledger
 * (alternating, so both see the same load of the machine), each admission
 * followed by an untimed discharge. Prints
 *   bench node.admit MEDIAN ms
 *   bench node.admit_month MEDIAN ms
 *   bench ratio.admit_month_over_small RATIO x
 * with the individual figures on info lines. The keyring passphrase comes
 * from $CAREKEY_PASSPHRASE (this is a front end: it reads the environment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_care.h"

#define MAX_REPS 64

typedef struct side {
    const char *name;
    char home[4096], org[129], ward[129];
    ck_node *n;
    double t[MAX_REPS];
} side;

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

/* Admission i (and its discharge) on day i of the run, 09:00 and 15:00. */
static int round_trip(side *sd, const char *patient, const char *start, int i, double *ms)
{
    char at[40], out_at[40];
    ck_node_admit_in in;
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
    memset(&in, 0, sizeof in);
    in.org = sd->org;
    in.patient = patient;
    in.ward = sd->ward;
    in.bed = 1;
    in.at = at;
    t0 = now_ms();
    if (ck_node_encounter_admit(sd->n, &in, &ao) != 0) return fail(sd->n, "admit");
    if (ms) *ms = now_ms() - t0;
    memset(&din, 0, sizeof din);
    din.org = sd->org;
    din.patient = patient;
    din.encounter = ao.id;
    din.at = out_at;
    if (ck_node_encounter_discharge(sd->n, &din, &dout) != 0) return fail(sd->n, "discharge");
    return 0;
}

/* "HOME,ORG,WARD" into sd, and its session. */
static int side_open(side *sd, const char *name, const char *spec)
{
    ck_node_config cfg;
    if (!spec || sscanf(spec, "%4095[^,],%128[^,],%128s", sd->home, sd->org, sd->ward) != 3) return -1;
    sd->name = name;
    memset(&cfg, 0, sizeof cfg);
    cfg.home = sd->home;
    if (ck_node_open(&sd->n, &cfg) != 0) return -1;
    ck_node_set_passphrase(sd->n, passphrase, NULL);
    return 0;
}

static double median(side *sd, int reps)
{
    printf("info node.%s:", sd->name);
    for (int i = 0; i < reps; i++) printf(" %.1f", sd->t[i]);
    printf(" ms\n");
    qsort(sd->t, (size_t)reps, sizeof *sd->t, cmp);
    return reps % 2 ? sd->t[reps / 2] : (sd->t[reps / 2 - 1] + sd->t[reps / 2]) / 2;
}

int main(int argc, char **argv)
{
    const char *patient = NULL, *start = "2027-01-01", *small_spec = NULL, *month_spec = NULL;
    static side small, month;
    double a, b;
    int reps = 7, rc = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--patient")) patient = argv[i + 1];
        else if (!strcmp(argv[i], "--small")) small_spec = argv[i + 1];
        else if (!strcmp(argv[i], "--month")) month_spec = argv[i + 1];
        else if (!strcmp(argv[i], "--reps")) reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--start")) start = argv[i + 1];
    }
    if (ck_node_global_init() != 0) return 1;
    if (!patient || reps < 1 || reps > MAX_REPS || side_open(&small, "admit", small_spec) != 0 ||
        side_open(&month, "admit_month", month_spec) != 0) {
        fputs("usage: node_admit --patient P --reps R --small HOME,ORG,WARD --month HOME,ORG,WARD\n", stderr);
        goto out;
    }
    /* warm: each ledger loaded and verified once */
    if (round_trip(&small, patient, start, 0, NULL) != 0 || round_trip(&month, patient, start, 1, NULL) != 0) goto out;
    for (int i = 0; i < reps; i++)
        if (round_trip(&small, patient, start, 2 * i + 2, &small.t[i]) != 0 ||
            round_trip(&month, patient, start, 2 * i + 3, &month.t[i]) != 0)
            goto out;
    a = median(&small, reps);
    b = median(&month, reps);
    printf("bench node.admit %.1f ms\n", a);
    printf("bench node.admit_month %.1f ms\n", b);
    printf("bench ratio.admit_month_over_small %.2f x\n", b / a);
    rc = 0;
out:
    if (small.n) ck_node_care_flush(small.n);
    if (month.n) ck_node_care_flush(month.n);
    ck_node_care_forget(small.n);
    ck_node_care_forget(month.n);
    ck_node_close(small.n);
    ck_node_close(month.n);
    return rc;
}
