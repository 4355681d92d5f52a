/*
 * src/cli/care_encounter.c - `carekey encounter` over the node
 * (carekey/node_care.h): admissions, discharges, outpatient and emergency
 * visits, a patient's encounters, the census. The node checks, reads the
 * verified ledger and writes both records; this file parses and prints.
 *
 *   admit --patient P --ward W --bed N      ledger first (it claims the bed), then the record
 *   discharge --patient P                   record first, then the ledger
 *   outpatient --patient P --department D   / emergency --patient P
 *   list --patient P                        the encounters of P this reader may open
 *   census                                  the current inpatients of the hospital
 *
 * A transfer between hospitals is a discharge at A with disposition
 * other-hcf followed by an admission at B; there is no separate command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/care.h"

#define OPT_REASON 0x1302
#define OPT_REASON_CODE 0x1303

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

#define ENC_LONGOPTS                                                                                      \
    {"patient", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,       \
        CLI_CARE_NODE_AT_LONGOPTS, CLI_CARE_NODE_ORG_LONGOPTS
#define ENC_REASON_LONGOPTS                                                                               \
    {"reason", required_argument, NULL, OPT_REASON}, {"reason-code", required_argument, NULL, OPT_REASON_CODE}

#define ENC_HELP_TAIL                                                                                     \
    "  --at TIME            when (default now): 2026-11-24T09:30:00Z, 2026-11-24T09:30, ...\n"           \
    CLI_CARE_NODE_ORG_HELP "\n" CLI_COMMON_HELP

/* What the writing subcommands share. */
typedef struct enc_opts {
    const char *patient, *at, *org, *reason, *reason_code;
} enc_opts;

/* A shared option: 1 if taken. */
static int enc_option(cli_node *x, enc_opts *o, int opt, const char *arg)
{
    if (cli_node_option(x, opt, arg)) return 1;
    switch (opt) {
    case 'p': o->patient = arg; return 1;
    case CLI_CARE_NODE_OPT_AT: o->at = arg; return 1;
    case CLI_CARE_NODE_OPT_ORG: o->org = arg; return 1;
    case OPT_REASON: o->reason = arg; return 1;
    case OPT_REASON_CODE: o->reason_code = arg; return 1;
    default: return 0;
    }
}

/* No operands, a session. */
static int enc_ready(cli_node *x, const char *help, int argc, char **argv)
{
    if (optind != argc) return cli_usage_error(x->cmd, help, "unexpected argument '%s'", argv[optind]);
    return cli_node_open(x);
}

/* ---- admit --------------------------------------------------------------------- */

static const char admit_usage[] =
    "Usage: carekey encounter admit --patient P --ward W --bed N [--reason TEXT] [--reason-code SNOMED]\n"
    "                               [--at TIME] [--org ORG] [OPTIONS]\n"
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

static int cmd_admit(int argc, char **argv)
{
    static const struct option lo[] = {ENC_LONGOPTS, ENC_REASON_LONGOPTS, {"ward", required_argument, NULL, 'w'},
                                       {"bed", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
    const char *help = "encounter admit", *bed_s = NULL;
    ck_node_admit_in in;
    ck_node_admit_out out;
    enc_opts eo;
    cli_node x;
    int o, rc;

    memset(&in, 0, sizeof in);
    memset(&eo, 0, sizeof eo);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (enc_option(&x, &eo, o, optarg)) continue;
        if (o == 'w') in.ward = optarg;
        else if (o == 'b') bed_s = optarg;
        else if (o == 'h') return fputs(admit_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!in.ward || !bed_s) return cli_usage_error(x.cmd, help, "--ward and --bed are required");
    if (!ck_node_care_id_valid(in.ward)) return cli_usage_error(x.cmd, help, "invalid ward name '%s'", in.ward);
    if (!cli_parse_u32(bed_s, &in.bed) || in.bed < 1 || in.bed > 100000)
        return cli_usage_error(x.cmd, help, "--bed: '%s' is not a bed number (1, 2, ...)", bed_s);
    in.patient = eo.patient;
    in.reason = eo.reason;
    in.reason_code = eo.reason_code;
    in.at = eo.at;
    in.org = cli_cn_org(eo.org);
    if ((rc = enc_ready(&x, help, argc, argv)) != CLI_OK) goto out;
    if (ck_node_encounter_admit(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        if (out.voided > 0)
            cli_error(x.cmd, "%s's record refused the admission; Encounter/%s is entered-in-error in the ledger "
                             "and the bed is free", in.patient, out.id);
        else if (out.voided < 0)
            cli_error(x.cmd, "%s's record refused the admission and the ledger could not be corrected: "
                             "Encounter/%s still holds ward %s bed %u; discharge it", in.patient, out.id, in.ward, in.bed);
        if (out.voided) rc = CLI_FAIL;
        goto out;
    }
    printf("admitted Encounter/%s patient %s ward %s bed %u\n", out.id, in.patient, in.ward, in.bed);
    printf("  ledger %s entry %llu, record %s entry %llu\n", out.org, (unsigned long long)out.ledger_seq, in.patient,
           (unsigned long long)out.record_seq);
out:
    cli_cn_close(&x);
    return rc;
}

/* ---- discharge --------------------------------------------------------------------- */

static const char discharge_usage[] =
    "Usage: carekey encounter discharge --patient P [--encounter ID] [--summary TEXT]\n"
    "                                   [--disposition CODE] [--at TIME] [--org ORG] [OPTIONS]\n"
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

static int cmd_discharge(int argc, char **argv)
{
    static const struct option lo[] = {ENC_LONGOPTS, {"encounter", required_argument, NULL, 'e'},
                                       {"summary", required_argument, NULL, 's'},
                                       {"disposition", required_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    const char *help = "encounter discharge";
    ck_node_discharge_in in;
    ck_node_discharge_out out;
    enc_opts eo;
    cli_node x;
    int o, rc;

    memset(&in, 0, sizeof in);
    memset(&eo, 0, sizeof eo);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (enc_option(&x, &eo, o, optarg)) continue;
        if (o == 'e') in.encounter = optarg;
        else if (o == 's') in.summary = optarg;
        else if (o == 'd') in.disposition = optarg;
        else if (o == 'h') return fputs(discharge_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    in.patient = eo.patient;
    in.at = eo.at;
    in.org = cli_cn_org(eo.org);
    if ((rc = enc_ready(&x, help, argc, argv)) != CLI_OK) goto out;
    if (ck_node_encounter_discharge(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        if (out.stage == 1 && in.summary)
            cli_error(x.cmd, "the discharge is in %s's record but its summary is not; the ledger still holds the bed: "
                             "re-run with --encounter %s", in.patient, out.id);
        else if (out.stage >= 1)
            cli_error(x.cmd, "the discharge is in %s's record but not in the ledger: re-run with --encounter %s",
                      in.patient, out.id);
        goto out;
    }
    printf("discharged Encounter/%s patient %s ward %s bed %u disposition %s\n", out.id, in.patient, out.ward, out.bed,
           out.disposition);
    if (out.summary_id[0]) printf("discharge summary DocumentReference/%s\n", out.summary_id);
out:
    cli_cn_close(&x);
    return rc;
}

/* ---- outpatient and emergency visits ------------------------------------------------- */

static const char outpatient_usage[] =
    "Usage: carekey encounter outpatient --patient P --department D [--reason TEXT] [--reason-code SNOMED]\n"
    "                                    [--at TIME] [--org ORG] [OPTIONS]\n"
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
    "                                   [--at TIME] [--org ORG] [OPTIONS]\n"
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
    const char *help = emergency ? "encounter emergency" : "encounter outpatient";
    const char *what = emergency ? "emergency" : "outpatient";
    ck_node_visit_in in;
    ck_node_visit_out out;
    enc_opts eo;
    cli_node x;
    int o, rc;

    memset(&in, 0, sizeof in);
    memset(&eo, 0, sizeof eo);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (enc_option(&x, &eo, o, optarg)) continue;
        if (o == 'd') in.department = optarg;
        else if (o == 'h') return fputs(emergency ? emergency_usage : outpatient_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    in.emergency = emergency;
    in.patient = eo.patient;
    in.reason = eo.reason;
    in.reason_code = eo.reason_code;
    in.at = eo.at;
    in.org = cli_cn_org(eo.org);
    if ((rc = enc_ready(&x, help, argc, argv)) != CLI_OK) goto out;
    if (ck_node_encounter_visit(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        if (out.record_done)
            cli_error(x.cmd, "the visit Encounter/%s is in %s's record but not in %s's ledger", out.id, in.patient,
                      out.org);
        goto out;
    }
    printf("%s Encounter/%s patient %s%s%s\n", what, out.id, in.patient, in.department ? " department " : "",
           in.department ? in.department : "");
out:
    cli_cn_close(&x);
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
    "\n" CLI_COMMON_HELP;

static const char census_usage[] =
    "Usage: carekey encounter census [--org ORG] [--json] [OPTIONS]\n"
    "\n"
    "The current inpatients of the hospital from its verified ledger: ward,\n"
    "bed, patient, since, encounter id.\n"
    "\n"
    "  --json        a JSON array of {ward, bed, patient, since, encounter}\n" CLI_CARE_NODE_ORG_HELP "\n" CLI_COMMON_HELP;

static void print_withheld(size_t n, const char *what)
{
    if (n) printf("(%zu %s entr%s not shared with you)\n", n, what, n == 1 ? "y" : "ies");
}

static int print_encounters(const json_t *rows, size_t withheld)
{
    const json_t *r;
    size_t i;
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
    print_withheld(withheld, "encounter");
    return CLI_OK;
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "encounter list", *patient = NULL;
    ck_node_rows_out out;
    int o, rc, as_json = 0;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'p') patient = optarg;
        else if (o == CLI_CARE_NODE_OPT_JSON) as_json = 1;
        else if (o == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient || !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "--patient GID is required");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_encounter_list(x.n, patient, &out) != 0) rc = cli_cn_fail(&x, help);
    else rc = as_json ? cli_cn_json(&x, out.rows) : print_encounters(out.rows, out.withheld);
out:
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

static int cmd_census(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON}, {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_NODE_ORG_LONGOPTS, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "encounter census", *org = NULL;
    ck_node_rows_out out;
    const json_t *r;
    size_t i;
    int o, rc, as_json = 0;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == CLI_CARE_NODE_OPT_JSON) as_json = 1;
        else if (o == CLI_CARE_NODE_OPT_ORG) org = optarg;
        else if (o == 'h') return fputs(census_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_encounter_census(x.n, cli_cn_org(org), &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    if (as_json) {
        rc = cli_cn_json(&x, out.rows);
        goto out;
    }
    printf("%-16s  %4s  %-20s  %-20s  %s\n", "ward", "bed", "patient", "since", "encounter");
    json_array_foreach(out.rows, i, r)
        printf("%-16s  %4lld  %-20s  %-20s  %s\n", jstr(r, "ward"), (long long)json_integer_value(json_object_get(r, "bed")),
               jstr(r, "patient"), jstr(r, "since"), jstr(r, "encounter"));
    printf("%zu inpatient(s) at %s\n", json_array_size(out.rows), out.org);
out:
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
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

const cli_group cli_group_encounter = {"encounter", "admissions, discharges, visits: admit, discharge, outpatient, emergency, list, census", encounter_run};
