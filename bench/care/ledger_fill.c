/*
 * ledger_fill.c - a month of hospital activity for N synthetic patients,
 * written into a hospital's ledger through the node (ck_node_ledger_put:
 * sealed under staff@ORG, signed, appended on a real carekeyd), so that bench/care.sh can time the MIS reports on a ledger of
 * realistic size. Only the ledger is written: the synthetic patients have
 * no records (their clinical copies are not what a month's MIS reads).
 *
 *   ledger_fill --home HOME --hospital ORG --patients N --month YYYY-MM [--seed S]
 *
 * Per patient, drawn from a fixed-seed generator: one or two outpatient
 * visits; an emergency visit (10 %); an inpatient stay of 1-6 days on the
 * first free bed of a ward (30 %: admission and discharge, two entries); a
 * prescription (50 %); a surgery in the first free theatre slot of a
 * working day (5 %: booking and outcome). The keyring passphrase comes from
 * $CAREKEY_PASSPHRASE. Prints the number of entries written per kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/care.h"
#include "carekey/node_care.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define MAX_BEDS 4096
#define MAX_UNITS 64

typedef struct {
    char name[65];
    int64_t free_at[MAX_BEDS];   /* per bed: when it is free again */
    unsigned beds;
} ward;

typedef struct {
    ck_node *n;
    const char *org, *author;
    ck_care_period month;
    uint64_t rng;
    ward wards[MAX_UNITS];
    size_t n_wards;
    char departments[MAX_UNITS][65];
    size_t n_departments;
    char theatres[MAX_UNITS][65];
    int64_t theatre_free[MAX_UNITS];
    size_t n_theatres;
    unsigned long written[5];    /* ward, clinic, rx, theatre, failed */
} filler;

static uint64_t next(filler *f)
{
    /* splitmix64: a reproducible stream for a reproducible ledger */
    uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static unsigned below(filler *f, unsigned n) { return (unsigned)(next(f) % n); }
static int chance(filler *f, unsigned percent) { return below(f, 100) < percent; }

static int put(filler *f, const char *section, json_t *res, int kind)
{
    int rc;
    if (!res) {
        f->written[4]++;
        return -1;
    }
    rc = ck_node_ledger_put(f->n, f->org, section, res, NULL);
    json_decref(res);
    if (rc != 0) {
        fprintf(stderr, "ledger_fill: %s\n", ck_node_last_error(f->n)->msg);
        return -1;
    }
    f->written[kind]++;
    if ((f->written[0] + f->written[1] + f->written[2] + f->written[3]) % 500 == 0)
        fprintf(stderr, "ledger_fill: %lu entries\n", f->written[0] + f->written[1] + f->written[2] + f->written[3]);
    return 0;
}

static int load_units(filler *f)
{
    json_t *units = NULL, *u;
    size_t i;
    if (ck_node_care_units_list(f->n, f->org, &units) != 0) {
        fprintf(stderr, "ledger_fill: cannot read the units of %s: %s\n", f->org, ck_node_last_error(f->n)->msg);
        return -1;
    }
    json_array_foreach(units, i, u) {
        const char *kind = json_string_value(json_object_get(u, "kind"));
        const char *name = json_string_value(json_object_get(u, "name"));
        json_int_t beds = json_integer_value(json_object_get(u, "beds"));
        if (!kind || !name) continue;
        if (!strcmp(kind, "ward") && beds > 0 && f->n_wards < MAX_UNITS) {
            ward *wd = &f->wards[f->n_wards++];
            snprintf(wd->name, sizeof wd->name, "%s", name);
            wd->beds = beds > MAX_BEDS ? MAX_BEDS : (unsigned)beds;
        } else if (!strcmp(kind, "department") && f->n_departments < MAX_UNITS) {
            snprintf(f->departments[f->n_departments++], 65, "%s", name);
        } else if (!strcmp(kind, "theatre") && f->n_theatres < MAX_UNITS) {
            f->theatre_free[f->n_theatres] = f->month.from_ms + 8 * HOUR_MS;
            snprintf(f->theatres[f->n_theatres++], 65, "%s", name);
        }
    }
    json_decref(units);
    if (!f->n_wards || !f->n_departments || !f->n_theatres) {
        fprintf(stderr, "ledger_fill: %s needs wards with beds, departments and theatres\n", f->org);
        return -1;
    }
    return 0;
}

static int64_t some_time(filler *f) { return f->month.from_ms + (int64_t)(next(f) % (uint64_t)(f->month.to_ms - f->month.from_ms)); }

static void visit(filler *f, const char *patient, int emergency)
{
    ck_care_encounter_in in = {0};
    ck_care_error err;
    in.patient = patient;
    in.author = f->author;
    in.org = f->org;
    in.department = f->departments[below(f, (unsigned)f->n_departments)];
    in.reason = emergency ? "emergency" : "follow-up";
    in.at_ms = some_time(f);
    (void)put(f, "clinic", ck_care_encounter_visit(&in, emergency, &err), 1);
}

/* The first bed of any ward that is free at `at` (wards tried from a random one). */
static int free_bed(filler *f, int64_t at, ward **wd, unsigned *bed)
{
    size_t first = below(f, (unsigned)f->n_wards);
    for (size_t k = 0; k < f->n_wards; k++) {
        ward *w = &f->wards[(first + k) % f->n_wards];
        for (unsigned b = 0; b < w->beds; b++)
            if (w->free_at[b] <= at) {
                *wd = w;
                *bed = b;
                return 0;
            }
    }
    return -1;
}

static void stay(filler *f, const char *patient)
{
    ck_care_encounter_in in = {0};
    ck_care_error err;
    json_t *adm;
    ward *wd;
    unsigned bed;
    int64_t at = some_time(f), end = at + (1 + below(f, 6)) * DAY_MS - below(f, 12) * HOUR_MS;
    if (free_bed(f, at, &wd, &bed) != 0) return;
    wd->free_at[bed] = end;
    in.patient = patient;
    in.author = f->author;
    in.org = f->org;
    in.ward = wd->name;
    in.bed = bed + 1;
    in.reason = "observation";
    in.at_ms = at;
    if (!(adm = ck_care_encounter_admit(&in, &err))) {
        f->written[4]++;
        return;
    }
    if (put(f, "ward", json_incref(adm), 0) == 0)
        (void)put(f, "ward", ck_care_encounter_discharge(adm, end, "home", &err), 0);
    json_decref(adm);
}

static void prescription(filler *f, const char *patient)
{
    ck_care_rx_params p = {0};
    ck_care_error err;
    p.drug = ck_care_drug_at(below(f, (unsigned)ck_care_drug_count()));
    p.patient = patient;
    p.requester = f->author;
    p.authored_ms = some_time(f);
    p.dosage = "as directed";
    p.quantity = 10 + below(f, 50);
    (void)put(f, "rx", ck_care_rx_build(&p, &err), 2);
}

static void surgery(filler *f, const char *patient)
{
    size_t t = below(f, (unsigned)f->n_theatres);
    int64_t start = f->theatre_free[t], len = (1 + below(f, 3)) * HOUR_MS;
    int64_t day = start - (start - f->month.from_ms) % DAY_MS;
    ck_care_theatre_in in = {0};
    ck_care_theatre_outcome_in out = {0};
    ck_care_error err;
    json_t *proc = NULL, *appt = NULL, *new_appt = NULL, *new_proc = NULL;
    if (start + len > day + 16 * HOUR_MS) start = day + DAY_MS + 8 * HOUR_MS;   /* the next theatre day */
    if (start + len > f->month.to_ms) return;
    f->theatre_free[t] = start + len;
    in.patient = patient;
    in.theatre = f->theatres[t];
    in.surgeon = f->author;
    in.snomed = "80146002";
    in.display = "Appendectomy";
    in.start_ms = start;
    in.end_ms = start + len;
    if (ck_care_theatre_book(&in, &proc, &appt, &err) != 0) {
        f->written[4]++;
        return;
    }
    out.status = "completed";
    out.outcome = "no complications";
    if (put(f, "theatre", json_incref(appt), 3) == 0 &&
        ck_care_theatre_outcome(appt, proc, &out, &new_appt, &new_proc, &err) == 0)
        (void)put(f, "theatre", json_incref(new_appt), 3);
    json_decref(proc);
    json_decref(appt);
    json_decref(new_appt);
    json_decref(new_proc);
}

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

static int usage(void)
{
    fputs("usage: ledger_fill --home HOME --hospital ORG --patients N --month YYYY-MM [--seed S]\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static filler f;
    const char *home = NULL, *month = NULL;
    unsigned long patients = 0;
    char gid[32], author[CK_NODE_CARE_ID_MAX + 1];
    ck_node_config cfg;
    int rc = 1;
    f.rng = 6;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--home")) home = argv[i + 1];
        else if (!strcmp(argv[i], "--hospital")) f.org = argv[i + 1];
        else if (!strcmp(argv[i], "--patients")) patients = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--month")) month = argv[i + 1];
        else if (!strcmp(argv[i], "--seed")) f.rng = strtoull(argv[i + 1], NULL, 10);
        else return usage();
    }
    if (argc % 2 == 0 || !home || !f.org || !month || !patients || patients > 100000 ||
        ck_care_period_parse(month, &f.month) != 0)
        return usage();
    memset(&cfg, 0, sizeof cfg);
    cfg.home = home;
    if (ck_node_global_init() != 0 || ck_node_open(&f.n, &cfg) != 0) return 1;
    ck_node_set_passphrase(f.n, passphrase, NULL);
    if (load_units(&f) != 0) goto out; /* opens the keyring: the author is known after it */
    snprintf(author, sizeof author, "%s", ck_node_gid(f.n));
    f.author = author;
    for (unsigned long p = 1; p <= patients; p++) {
        snprintf(gid, sizeof gid, "syn-%05lu", p);
        for (unsigned v = 1 + below(&f, 2); v > 0; v--) visit(&f, gid, 0);
        if (chance(&f, 10)) visit(&f, gid, 1);
        if (chance(&f, 30)) stay(&f, gid);
        if (chance(&f, 50)) prescription(&f, gid);
        if (chance(&f, 5)) surgery(&f, gid);
    }
    printf("ledger_fill: %lu patients: %lu ward, %lu clinic, %lu rx, %lu theatre entries (%lu not built)\n", patients,
           f.written[0], f.written[1], f.written[2], f.written[3], f.written[4]);
    rc = f.written[4] ? 1 : 0;
out:
    ck_node_care_flush(f.n);
    ck_node_care_forget(f.n);
    ck_node_close(f.n);
    return rc;
}
