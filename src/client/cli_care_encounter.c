/*
 * src/client/cli_care_encounter.c - `carekey encounter`: admissions,
 * discharges, outpatient and emergency visits, written by the treating
 * staff into the patient's record (section encounters, policy from the
 * sharing profile) and the hospital's ledger (ward or clinic, sealed under
 * staff@ORG) with the same FHIR id (docs/CARE.md).
 *
 *   admit --patient P --ward W --bed N      ledger first (it claims the bed), then the record
 *   discharge --patient P                   record first, then the ledger
 *   outpatient --patient P --department D   / emergency --patient P
 *   list --patient P                        the encounters of P this reader may open
 *   census                                  the current inpatients of the hospital
 *
 * An admission is a checked write: the bed check runs on a verified ledger
 * and the entry is appended only on the head it was made on
 * (cli_care_retry), so two clerks never give one bed twice. If the
 * patient's record then refuses the admission, the ledger gets a version
 * entered-in-error, which frees the bed again.
 *
 * A transfer between hospitals is a discharge at A with disposition
 * other-hcf followed by an admission at B; there is no separate command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

#define OPT_REASON 0x1302
#define OPT_REASON_CODE 0x1303

#define ENCOUNTER_SECTION "encounters"
#define SUMMARY_SECTION "other"

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* What every writing subcommand parses and opens: a care command at a
 * hospital, and the reason of the encounter. */
typedef struct enc_cmd {
    cli_care_cmd k;
    const char *reason, *reason_code;
} enc_cmd;

static void enc_init(enc_cmd *e, const char *help)
{
    memset(e, 0, sizeof *e);
    cli_care_cmd_init(&e->k, help);
}

/* The shared options; 1 if opt was one of them. */
static int enc_option(enc_cmd *e, int opt, const char *arg)
{
    if (cli_care_cmd_option(&e->k, opt, arg)) return 1;
    switch (opt) {
    case OPT_REASON: e->reason = arg; return 1;
    case OPT_REASON_CODE: e->reason_code = arg; return 1;
    default: return 0;
    }
}

/* After parsing: operands, the patient, the time, the hospital, the author. */
static int enc_ready(enc_cmd *e, int argc, char **argv)
{
    cli_care_cmd *k = &e->k;
    int rc;
    if ((rc = cli_care_cmd_check(k, argc, argv)) != CLI_OK) return rc;
    if (e->reason && (!*e->reason || strlen(e->reason) > 4096))
        return cli_usage_error(k->c.cmd, k->help, "--reason: 1-4096 bytes");
    if (e->reason_code && (strlen(e->reason_code) < 6 || strlen(e->reason_code) > 18 || e->reason_code[0] == '0' ||
                           strspn(e->reason_code, "0123456789") != strlen(e->reason_code)))
        return cli_usage_error(k->c.cmd, k->help, "--reason-code: '%s' is not a SNOMED CT id (6-18 digits)",
                               e->reason_code);
    if ((rc = cli_care_when(&k->c, k->at_opt, &k->at_ms)) != CLI_OK) return rc;
    if ((rc = cli_care_cmd_org(k)) != CLI_OK) return rc;
    return cli_care_cmd_open(k);
}

static ck_care_encounter_in enc_input(const enc_cmd *e, const char *id)
{
    ck_care_encounter_in in;
    memset(&in, 0, sizeof in);
    in.id = id;
    in.patient = e->k.patient;
    in.author = e->k.author;
    in.org = e->k.org;
    in.reason = e->reason;
    in.reason_code = e->reason_code;
    in.at_ms = e->k.at_ms;
    return in;
}

/* The organization's units from the directory. */
static int org_units(cli_care_cmd *k, json_t **units)
{
    if (ck_net_units_list(k->c.net, k->org, NULL, units) == 0) return CLI_OK;
    return cli_ctx_net_error(&k->c, "listing the hospital's units");
}

/* The ledger's encounters of one section, all of them readable. */
static int ledger_encounters(cli_care_cmd *k, cli_care_book *b, const char *section, json_t **items)
{
    int rc;
    *items = NULL;
    if ((rc = cli_care_book_load(b, &k->c, k->org, section)) != CLI_OK) return rc;
    if (b->withheld) {
        /* a check on part of the ledger could give a taken bed */
        cli_error(k->c.cmd, "%zu entr%s of %s's ledger cannot be opened with your keys (staff@%s)", b->withheld,
                  b->withheld == 1 ? "y" : "ies", k->org, k->org);
        return CLI_FAIL;
    }
    if (!(*items = cli_care_book_select(b, section, "Encounter"))) {
        cli_error(k->c.cmd, "out of memory");
        return CLI_FAIL;
    }
    return CLI_OK;
}

#define ENC_LONGOPTS CLI_CARE_CMD_LONGOPTS, CLI_CARE_AT_LONGOPTS, CLI_CARE_ORG_LONGOPTS
#define ENC_REASON_LONGOPTS                                                                               \
    {"reason", required_argument, NULL, OPT_REASON}, {"reason-code", required_argument, NULL, OPT_REASON_CODE}

#define ENC_HELP_TAIL                                                                                     \
    "  --at TIME            when (default now): 2026-11-24T09:30:00Z, 2026-11-24T09:30, ...\n"           \
    CLI_CARE_ORG_HELP "\n" CLI_CTX_HELP

/* ---- admit --------------------------------------------------------------------- */

static const char admit_usage[] =
    "Usage: carekey encounter admit --patient P --ward W --bed N [--reason TEXT] [--reason-code SNOMED]\n"
    "                               [--at TIME] [--hospital ORG] [OPTIONS]\n"
    "\n"
    "Admits P to bed N of ward W: an inpatient Encounter (class IMP, status\n"
    "in-progress) in the hospital's ledger (section ward) and in P's record\n"
    "(section encounters). Refused when W is not a ward of the hospital, N is\n"
    "not one of its beds, the bed is taken or P is already admitted there\n"
    "(codes no_such_ward, bed_out_of_range, bed_taken, already_admitted).\n"
    "The ledger entry is written first, on the very ledger the check read;\n"
    "if P's record then refuses the admission, the ledger entry is marked\n"
    "entered-in-error so the bed is free again. Prints\n"
    "  admitted Encounter/<id> patient P ward W bed N\n"
    "\n"
    "  --patient P          the patient\n"
    "  --ward W             a ward unit of the hospital (carekey hospital units)\n"
    "  --bed N              the bed, 1..beds of the ward\n"
    "  --reason TEXT        reason for admission (free text)\n"
    "  --reason-code CODE   reason as a SNOMED CT concept id\n" ENC_HELP_TAIL;

typedef struct admit_job {
    cli_care_cmd *k;
    const json_t *units;
    const char *ward;
    unsigned bed;
    const json_t *enc;
    ck_net_head head;
} admit_job;

static int admit_step(void *arg)
{
    admit_job *j = arg;
    cli_care_cmd *k = j->k;
    cli_care_book b;
    json_t *items = NULL;
    ck_care_error err;
    int rc;
    if ((rc = ledger_encounters(k, &b, "ward", &items)) != CLI_OK) goto out;
    if ((rc = cli_care_book_writable(&b, &k->c, "ward")) != CLI_OK) goto out;
    if (ck_care_bed_check(items, j->units, j->ward, j->bed, k->at_ms, k->patient, &err) != 0) {
        cli_error(k->c.cmd, "%s: %s", err.code, err.msg);
        rc = CLI_FAIL;
        goto out;
    }
    rc = cli_care_put(&k->w, k->org, "ward", j->enc, k->policy, &b.head, &j->head);
out:
    json_decref(items);
    cli_care_book_free(&b);
    return rc;
}

static int cmd_admit(int argc, char **argv)
{
    static const struct option lo[] = {ENC_LONGOPTS, ENC_REASON_LONGOPTS, {"ward", required_argument, NULL, 'w'},
                                       {"bed", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
    const char *ward = NULL, *bed_s = NULL;
    char id[37];
    uint32_t bed = 0;
    json_t *units = NULL, *enc = NULL, *voided = NULL;
    ck_care_encounter_in in;
    ck_care_error err;
    ck_net_head ph;
    admit_job job;
    enc_cmd e;
    cli_care_cmd *k = &e.k;
    int o, rc;

    enc_init(&e, "encounter admit");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k->c.cmd, k->help)) != -1) {
        if (enc_option(&e, o, optarg)) continue;
        if (o == 'w') ward = optarg;
        else if (o == 'b') bed_s = optarg;
        else if (o == 'h') return cli_care_cmd_free(k), fputs(admit_usage, stdout), CLI_OK;
        else return cli_care_cmd_free(k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    if (!ward || !bed_s) {
        cli_usage_error(k->c.cmd, k->help, "--ward and --bed are required");
        goto out;
    }
    if (!ck_net_id_valid(ward)) {
        cli_usage_error(k->c.cmd, k->help, "invalid ward name '%s'", ward);
        goto out;
    }
    if (!cli_parse_u32(bed_s, &bed) || bed < 1 || bed > 100000) {
        cli_usage_error(k->c.cmd, k->help, "--bed: '%s' is not a bed number (1, 2, ...)", bed_s);
        goto out;
    }
    if ((rc = enc_ready(&e, argc, argv)) != CLI_OK || (rc = org_units(k, &units)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    ck_care_new_id(id);
    in = enc_input(&e, id);
    in.ward = ward;
    in.bed = bed;
    if (!(enc = ck_care_encounter_admit(&in, &err))) {
        cli_error(k->c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_writable(&k->c, k->patient, ENCOUNTER_SECTION)) != CLI_OK) goto out;
    /* 1. the ledger: check and claim the bed in one checked write */
    memset(&job, 0, sizeof job);
    job.k = k;
    job.units = units;
    job.ward = ward;
    job.bed = bed;
    job.enc = enc;
    if ((rc = cli_care_retry(&k->c, admit_step, &job)) != CLI_OK) goto out;
    /* 2. the patient's record; on failure give the bed back */
    if ((rc = cli_care_put(&k->w, k->patient, ENCOUNTER_SECTION, enc, NULL, NULL, &ph)) != CLI_OK) {
        int vrc = CLI_FAIL;
        if ((voided = ck_care_encounter_void(enc, &err)))
            vrc = cli_care_put(&k->w, k->org, "ward", voided, k->policy, NULL, NULL);
        if (vrc == CLI_OK)
            cli_error(k->c.cmd, "%s's record refused the admission; Encounter/%s is entered-in-error in the ledger "
                                "and the bed is free", k->patient, id);
        else
            cli_error(k->c.cmd, "%s's record refused the admission and the ledger could not be corrected: "
                                "Encounter/%s still holds ward %s bed %u; discharge it", k->patient, id, ward, bed);
        rc = CLI_FAIL;
        goto out;
    }
    printf("admitted Encounter/%s patient %s ward %s bed %u\n", id, k->patient, ward, bed);
    printf("  ledger %s entry %llu, record %s entry %llu\n", k->org, (unsigned long long)job.head.seq, k->patient,
           (unsigned long long)ph.seq);
out:
    json_decref(voided);
    json_decref(enc);
    json_decref(units);
    cli_care_cmd_free(k);
    return rc;
}

/* ---- discharge --------------------------------------------------------------------- */

static const char discharge_usage[] =
    "Usage: carekey encounter discharge --patient P [--encounter ID] [--summary TEXT]\n"
    "                                   [--disposition CODE] [--at TIME] [--hospital ORG] [OPTIONS]\n"
    "\n"
    "Discharges P: the in-progress admission of P at the hospital (or the one\n"
    "named) gets a new version with status finished, period.end and the\n"
    "discharge disposition, first in P's record, then in the ledger (which\n"
    "frees the bed). A summary is written to P's record as a DocumentReference\n"
    "(LOINC 18842-5 Discharge summary, section other) of the encounter.\n"
    "A transfer to another hospital is a discharge with --disposition other-hcf\n"
    "followed by an admission there. Prints\n"
    "  discharged Encounter/<id> patient P ward W bed N disposition CODE\n"
    "  discharge summary DocumentReference/<id>          (with --summary)\n"
    "\n"
    "  --patient P          the patient\n"
    "  --encounter ID       the admission (default: P's current one)\n"
    "  --summary TEXT       discharge summary\n"
    "  --disposition CODE   home (default), alt-home, other-hcf, hosp, long, aadvice,\n"
    "                       exp, psy, rehab, snf, oth\n" ENC_HELP_TAIL;

typedef struct discharge_job {
    cli_care_cmd *k;
    const char *id;
    const json_t *next;
    ck_net_head head;
} discharge_job;

/* The ledger half: only while the admission there is still in progress. */
static int discharge_step(void *arg)
{
    discharge_job *j = arg;
    cli_care_cmd *k = j->k;
    cli_care_book b;
    json_t *items = NULL;
    const json_t *cur;
    int rc;
    if ((rc = ledger_encounters(k, &b, "ward", &items)) != CLI_OK) goto out;
    cur = ck_care_item_resource(ck_care_items_find(items, "Encounter", j->id));
    if (!ck_care_encounter_is_admitted(cur)) {
        printf("the ledger already shows Encounter/%s as %s\n", j->id, cur ? jstr(cur, "status") : "missing");
        rc = CLI_OK;
        goto out;
    }
    rc = cli_care_put(&k->w, k->org, "ward", j->next, k->policy, &b.head, &j->head);
out:
    json_decref(items);
    cli_care_book_free(&b);
    return rc;
}

/* The admission to discharge, from the ledger: the one named or P's
 * current one (a new reference). */
static int find_admission(cli_care_cmd *k, const char *id, json_t **out)
{
    cli_care_book b;
    json_t *items = NULL;
    const json_t *it;
    const char *subj;
    int rc;
    *out = NULL;
    if ((rc = ledger_encounters(k, &b, "ward", &items)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    it = id ? ck_care_items_find(items, "Encounter", id) : ck_care_admission_of(items, k->patient);
    if (!it) {
        if (id) cli_error(k->c.cmd, "no admission Encounter/%s in %s's ledger", id, k->org);
        else cli_error(k->c.cmd, "not_admitted: %s has no current admission at %s", k->patient, k->org);
        goto out;
    }
    subj = ck_care_ref_id(json_object_get(ck_care_item_resource(it), "subject"), "Patient");
    if (!subj || strcmp(subj, k->patient) != 0) {
        cli_error(k->c.cmd, "Encounter/%s is not an admission of %s", id, k->patient);
        goto out;
    }
    if (!ck_care_encounter_is_admitted(ck_care_item_resource(it))) {
        cli_error(k->c.cmd, "not_admitted: Encounter/%s is %s, not in progress", jstr(ck_care_item_resource(it), "id"),
                  jstr(ck_care_item_resource(it), "status") ?: "?");
        goto out;
    }
    *out = json_deep_copy(ck_care_item_resource(it));
    rc = *out ? CLI_OK : CLI_FAIL;
out:
    json_decref(items);
    cli_care_book_free(&b);
    return rc;
}

static int cmd_discharge(int argc, char **argv)
{
    static const struct option lo[] = {ENC_LONGOPTS, {"encounter", required_argument, NULL, 'e'},
                                       {"summary", required_argument, NULL, 's'},
                                       {"disposition", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    const char *id = NULL, *summary = NULL, *disposition = "home", *w = NULL;
    json_t *prev = NULL, *next = NULL, *doc = NULL;
    unsigned bed = 0;
    ck_care_error err;
    discharge_job job;
    enc_cmd e;
    cli_care_cmd *k = &e.k;
    int o, rc;

    enc_init(&e, "encounter discharge");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k->c.cmd, k->help)) != -1) {
        if (enc_option(&e, o, optarg)) continue;
        if (o == 'e') id = optarg;
        else if (o == 's') summary = optarg;
        else if (o == 'd') disposition = optarg;
        else if (o == 'h') return cli_care_cmd_free(k), fputs(discharge_usage, stdout), CLI_OK;
        else return cli_care_cmd_free(k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    if (id && !ck_net_id_valid(id)) {
        cli_usage_error(k->c.cmd, k->help, "invalid encounter id '%s'", id);
        goto out;
    }
    if (!ck_care_disposition_valid(disposition)) {
        cli_usage_error(k->c.cmd, k->help, "--disposition: '%s' is not home, alt-home, other-hcf, hosp, long, "
                                           "aadvice, exp, psy, rehab, snf or oth", disposition);
        goto out;
    }
    if (summary && (!*summary || strlen(summary) > 65536)) {
        cli_usage_error(k->c.cmd, k->help, "--summary: 1-65536 bytes");
        goto out;
    }
    if ((rc = enc_ready(&e, argc, argv)) != CLI_OK) goto out;
    if ((rc = find_admission(k, id, &prev)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(next = ck_care_encounter_discharge(prev, k->at_ms, disposition, &err))) {
        cli_error(k->c.cmd, "%s: %s", err.code, err.msg);
        rc = strcmp(err.code, "bad_input") == 0 ? CLI_USAGE : CLI_FAIL;
        goto out;
    }
    if (summary && !(doc = ck_care_discharge_summary(next, k->author, summary, k->at_ms, &err))) {
        cli_error(k->c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_writable(&k->c, k->patient, doc ? ENCOUNTER_SECTION "," SUMMARY_SECTION : ENCOUNTER_SECTION)) !=
            CLI_OK ||
        (rc = cli_care_writable(&k->c, k->org, "ward")) != CLI_OK)
        goto out;
    /* 1. the patient's record: the encounter, then its summary */
    if ((rc = cli_care_put(&k->w, k->patient, ENCOUNTER_SECTION, next, NULL, NULL, NULL)) != CLI_OK) goto out;
    if (doc && (rc = cli_care_put(&k->w, k->patient, SUMMARY_SECTION, doc, NULL, NULL, NULL)) != CLI_OK) {
        cli_error(k->c.cmd, "the discharge is in %s's record but its summary is not; the ledger still holds the bed: "
                            "re-run with --encounter %s", k->patient, jstr(next, "id"));
        goto out;
    }
    /* 2. the ledger (frees the bed) */
    memset(&job, 0, sizeof job);
    job.k = k;
    job.id = jstr(next, "id");
    job.next = next;
    if ((rc = cli_care_retry(&k->c, discharge_step, &job)) != CLI_OK) {
        cli_error(k->c.cmd, "the discharge is in %s's record but not in the ledger: re-run with --encounter %s",
                  k->patient, job.id);
        goto out;
    }
    if (ck_care_encounter_place(next, &w, &bed) != 0) w = "?";
    printf("discharged Encounter/%s patient %s ward %s bed %u disposition %s\n", job.id, k->patient, w, bed,
           disposition);
    if (doc) printf("discharge summary DocumentReference/%s\n", jstr(doc, "id"));
out:
    json_decref(doc);
    json_decref(next);
    json_decref(prev);
    cli_care_cmd_free(k);
    return rc;
}

/* ---- outpatient and emergency visits ------------------------------------------------- */

static const char outpatient_usage[] =
    "Usage: carekey encounter outpatient --patient P --department D [--reason TEXT] [--reason-code SNOMED]\n"
    "                                    [--at TIME] [--hospital ORG] [OPTIONS]\n"
    "\n"
    "Records an outpatient visit of P at department D (an Encounter of class\n"
    "AMB, status finished, serviceType D) in P's record (section encounters),\n"
    "then in the hospital's ledger (section clinic). Prints\n"
    "  outpatient Encounter/<id> patient P department D\n"
    "\n"
    "  --patient P          the patient\n"
    "  --department D       a department unit of the hospital\n"
    "  --reason TEXT        reason for the visit\n"
    "  --reason-code CODE   reason as a SNOMED CT concept id\n" ENC_HELP_TAIL;

static const char emergency_usage[] =
    "Usage: carekey encounter emergency --patient P [--department D] [--reason TEXT] [--reason-code SNOMED]\n"
    "                                   [--at TIME] [--hospital ORG] [OPTIONS]\n"
    "\n"
    "Records an emergency visit of P (an Encounter of class EMER, status\n"
    "finished) in P's record (section encounters), then in the hospital's\n"
    "ledger (section clinic). Prints\n"
    "  emergency Encounter/<id> patient P [department D]\n"
    "\n"
    "  --patient P          the patient\n"
    "  --department D       the department unit that saw P (optional)\n"
    "  --reason TEXT        reason for the visit\n"
    "  --reason-code CODE   reason as a SNOMED CT concept id\n" ENC_HELP_TAIL;

static int visit(int argc, char **argv, int emergency)
{
    static const struct option lo[] = {ENC_LONGOPTS, ENC_REASON_LONGOPTS,
                                       {"department", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    const char *dept = NULL, *what = emergency ? "emergency" : "outpatient";
    json_t *units = NULL, *enc = NULL;
    ck_care_encounter_in in;
    ck_care_error err;
    enc_cmd e;
    cli_care_cmd *k = &e.k;
    int o, rc;

    enc_init(&e, emergency ? "encounter emergency" : "encounter outpatient");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k->c.cmd, k->help)) != -1) {
        if (enc_option(&e, o, optarg)) continue;
        if (o == 'd') dept = optarg;
        else if (o == 'h')
            return cli_care_cmd_free(k), fputs(emergency ? emergency_usage : outpatient_usage, stdout), CLI_OK;
        else return cli_care_cmd_free(k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    if (!emergency && !dept) {
        cli_usage_error(k->c.cmd, k->help, "--department is required");
        goto out;
    }
    if (dept && !ck_net_id_valid(dept)) {
        cli_usage_error(k->c.cmd, k->help, "invalid department name '%s'", dept);
        goto out;
    }
    if ((rc = enc_ready(&e, argc, argv)) != CLI_OK) goto out;
    if (dept) {
        if ((rc = org_units(k, &units)) != CLI_OK) goto out;
        if (ck_care_unit_check(units, dept, "department", &err) != 0) {
            cli_error(k->c.cmd, "%s: %s", err.code, err.msg);
            rc = CLI_FAIL;
            goto out;
        }
    }
    rc = CLI_FAIL;
    in = enc_input(&e, NULL);
    in.department = dept;
    if (!(enc = ck_care_encounter_visit(&in, emergency, &err))) {
        cli_error(k->c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_writable(&k->c, k->patient, ENCOUNTER_SECTION)) != CLI_OK ||
        (rc = cli_care_writable(&k->c, k->org, "clinic")) != CLI_OK)
        goto out;
    if ((rc = cli_care_put(&k->w, k->patient, ENCOUNTER_SECTION, enc, NULL, NULL, NULL)) != CLI_OK) goto out;
    if ((rc = cli_care_put(&k->w, k->org, "clinic", enc, k->policy, NULL, NULL)) != CLI_OK) {
        cli_error(k->c.cmd, "the visit Encounter/%s is in %s's record but not in %s's ledger", jstr(enc, "id"),
                  k->patient, k->org);
        goto out;
    }
    printf("%s Encounter/%s patient %s%s%s\n", what, jstr(enc, "id"), k->patient, dept ? " department " : "",
           dept ? dept : "");
out:
    json_decref(enc);
    json_decref(units);
    cli_care_cmd_free(k);
    return rc;
}

static int cmd_outpatient(int argc, char **argv) { return visit(argc, argv, 0); }
static int cmd_emergency(int argc, char **argv) { return visit(argc, argv, 1); }

/* ---- list and census ------------------------------------------------------------------ */

static const char list_usage[] =
    "Usage: carekey encounter list --patient P [--json] [OPTIONS]\n"
    "\n"
    "The encounters of P's verified record that you may open: id, class (IMP,\n"
    "AMB, EMER), status, hospital, ward and bed or department, period.\n"
    "\n"
    "  --patient P   the patient\n"
    "  --json        a JSON array of {id, class, status, hospital, ward, bed,\n"
    "                department, start, end}\n"
    "\n" CLI_CTX_HELP;

static const char census_usage[] =
    "Usage: carekey encounter census [--hospital ORG] [--json] [OPTIONS]\n"
    "\n"
    "The current inpatients of the hospital from its verified ledger: ward,\n"
    "bed, patient, since, encounter id.\n"
    "\n"
    "  --json        a JSON array of {ward, bed, patient, since, encounter}\n" CLI_CARE_ORG_HELP "\n" CLI_CTX_HELP;

/* P's encounters as rows: id, class, status, hospital, ward, bed, department, period. */
static json_t *encounter_rows(const cli_care_book *b)
{
    json_t *items = cli_care_book_select(b, ENCOUNTER_SECTION, "Encounter"), *rows = json_array(), *it, *r;
    size_t i;
    if (!items || !rows) {
        json_decref(items);
        json_decref(rows);
        return NULL;
    }
    json_array_foreach(items, i, it) if ((r = ck_care_encounter_row(ck_care_item_resource(it))))
        json_array_append_new(rows, r);
    json_decref(items);
    return rows;
}

static int print_encounters(const cli_care_list *l, const json_t *rows, const void *arg)
{
    const json_t *r;
    size_t i;
    (void)arg;
    printf("%-36s  %-5s  %-16s  %-12s  %-22s  %-20s  %s\n", "encounter", "class", "status", "hospital", "where",
           "start", "end");
    json_array_foreach(rows, i, r) {
        char where[160];
        if (json_integer_value(json_object_get(r, "bed")))
            snprintf(where, sizeof where, "%s bed %lld", jstr(r, "ward"), (long long)json_integer_value(json_object_get(r, "bed")));
        else
            snprintf(where, sizeof where, "%s", *jstr(r, "department") ? jstr(r, "department") : "-");
        printf("%-36s  %-5s  %-16s  %-12s  %-22s  %-20s  %s\n", jstr(r, "id"), jstr(r, "class"), jstr(r, "status"),
               jstr(r, "hospital"), where, jstr(r, "start"), *jstr(r, "end") ? jstr(r, "end") : "-");
    }
    if (!json_array_size(rows)) printf("(no encounters you may read)\n");
    cli_care_print_withheld(l->b.withheld, "encounter");
    return CLI_OK;
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_LIST_LONGOPTS, {NULL, 0, NULL, 0}};
    cli_care_list l;
    int o, rc;
    cli_care_list_init(&l, "encounter list");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, l.c.cmd, l.help)) != -1) {
        if (cli_care_list_option(&l, o, optarg)) continue;
        if (o == 'h') return cli_care_list_free(&l), fputs(list_usage, stdout), CLI_OK;
        return cli_care_list_free(&l), CLI_USAGE;
    }
    if ((rc = cli_care_list_check(&l, argc, argv)) == CLI_OK &&
        (rc = cli_care_book_load(&l.b, &l.c, l.patient, ENCOUNTER_SECTION)) == CLI_OK)
        rc = cli_care_list_print(&l, encounter_rows(&l.b), print_encounters, NULL);
    cli_care_list_free(&l);
    return rc;
}

static int cmd_census(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, CLI_CARE_OPT_JSON}, {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_ORG_LONGOPTS, CLI_CTX_LONGOPTS, {NULL, 0, NULL, 0}};
    json_t *items = NULL, *rows = NULL, *r;
    size_t i;
    int o, rc, as_json = 0;
    cli_care_cmd k;
    cli_care_book b;

    memset(&b, 0, sizeof b);
    cli_care_cmd_init(&k, "encounter census");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        if (o == CLI_CARE_OPT_JSON) as_json = 1;
        else if (o == 'h') return cli_care_cmd_free(&k), fputs(census_usage, stdout), CLI_OK;
        else return cli_care_cmd_free(&k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    if (optind != argc) {
        cli_usage_error(k.c.cmd, k.help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if ((rc = cli_care_cmd_org(&k)) != CLI_OK) goto out;
    if ((rc = ledger_encounters(&k, &b, "ward", &items)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(rows = ck_care_census(items))) goto out;
    if (as_json) {
        rc = cli_care_print_json(&k.c, rows);
        goto out;
    }
    printf("%-16s  %4s  %-20s  %-20s  %s\n", "ward", "bed", "patient", "since", "encounter");
    json_array_foreach(rows, i, r)
        printf("%-16s  %4lld  %-20s  %-20s  %s\n", jstr(r, "ward"), (long long)json_integer_value(json_object_get(r, "bed")),
               jstr(r, "patient"), jstr(r, "since"), jstr(r, "encounter"));
    printf("%zu inpatient(s) at %s\n", json_array_size(rows), k.org);
    rc = CLI_OK;
out:
    json_decref(rows);
    json_decref(items);
    cli_care_book_free(&b);
    cli_care_cmd_free(&k);
    return rc;
}

/* ---- the group ------------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"admit", "admit a patient to a ward bed (checked: the bed is free)", admit_usage, cmd_admit},
    {"discharge", "discharge an admitted patient (frees the bed), with a summary", discharge_usage, cmd_discharge},
    {"outpatient", "record an outpatient visit at a department", outpatient_usage, cmd_outpatient},
    {"emergency", "record an emergency visit", emergency_usage, cmd_emergency},
    {"list", "the encounters of a patient you may read", list_usage, cmd_list},
    {"census", "the current inpatients of the hospital", census_usage, cmd_census},
};

static void encounter_help(FILE *f)
{
    fprintf(f, "Usage: carekey encounter SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Admissions, discharges and visits, written by the treating staff into the\n"
               "patient's record (section encounters) and the hospital's ledger (ward,\n"
               "clinic; readable by staff@ORG only) with the same Encounter id. A transfer\n"
               "between hospitals is a discharge with --disposition other-hcf at one and\n"
               "an admission at the other.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey encounter admit --patient p1 --ward ward-1 --bed 3 --reason 'chest pain'\n"
               "  carekey encounter census\n"
               "  carekey encounter discharge --patient p1 --summary 'Recovered.'\n"
               "\n"
               "'carekey encounter SUBCOMMAND --help' describes each one; docs/CARE.md the model.\n");
}

static int encounter_run(int argc, char **argv)
{
    return cli_dispatch("encounter", encounter_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_encounter = {"encounter", "admissions, discharges, visits, census", encounter_run};
