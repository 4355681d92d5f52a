/*
 * src/cli/care_rx.c - `carekey rx` over the node (carekey/node_rx.h):
 * prescriptions and dispensing (docs/CARE.md).
 *
 *   rx write     a doctor prescribes (allergy and duplicate checks; warnings
 *                block unless overridden with a reason)
 *   rx list      prescriptions with status and fills used/allowed
 *   rx queue     a pharmacist's open prescriptions across her patients
 *   rx dispense  a pharmacist dispenses within the prescription's limits
 *   rx cancel    the prescriber or a doctor cancels an open prescription
 *   rx drugs     the built-in drug table
 *
 * The node checks the input, the keys, the directory and the record, and
 * makes the writes checked; this file parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/care.h"
#include "carekey/node_rx.h"
#include "cli/care.h"

#define OPT_RXNORM 0x1501
#define OPT_DRUG 0x1502
#define OPT_DOSE 0x1503
#define OPT_QUANTITY 0x1504
#define OPT_UNIT 0x1505
#define OPT_REFILLS 0x1506
#define OPT_OVERRIDE 0x1507
#define OPT_ID 0x1508
#define OPT_REASON 0x1509
#define OPT_OPEN 0x150a
#define OPT_LOCATION 0x150b

#define COMMON_LONGOPTS \
    {"patient", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* A count option: 0..max. */
static int parse_count(const char *s, uint32_t max, uint32_t *out) { return cli_parse_u32(s, out) && *out <= max; }

/* --quantity: 1..100000. CLI_OK or a usage error. */
static int parse_quantity(const cli_node *x, const char *help, const char *arg, uint32_t *out)
{
    if (parse_count(arg, CK_NODE_RX_QUANTITY_MAX, out) && *out != 0) return CLI_OK;
    return cli_usage_error(x->cmd, help, "--quantity: '%s' is not 1..100000", arg);
}

/* A refused input check: a time alone (exit 2), anything else with the help hint. */
static int check_failed(const cli_node *x, const char *help, const ck_node_error *e)
{
    if (!strcmp(e->path, "at") || !strcmp(e->path, "hospital")) {
        cli_error(x->cmd, "%s", e->msg);
        return CLI_USAGE;
    }
    return cli_usage_error(x->cmd, help, "%s", e->msg);
}

static void print_warnings(const json_t *warnings)
{
    const json_t *w;
    size_t i;
    json_array_foreach(warnings, i, w)
        fprintf(stderr, "warning: %s: %s\n", jstr(w, "code"), jstr(w, "message"));
}

/* A write whose record holds the resource but whose ledger copy failed. */
static int copy_failed(cli_node *x, const char *help, const json_t *res, const char *org)
{
    int rc = cli_cn_fail(x, help);
    cli_error(x->cmd, "%s/%s is in the patient's record, but its copy in the ledger of %s failed", jstr(res, "resourceType"),
              jstr(res, "id"), org);
    return rc;
}

/* ===== rx write =============================================================== */

static const char write_usage[] =
    "Usage: carekey rx write --patient P (--rxnorm CODE | --drug NAME) --quantity N\n"
    "                        [--unit U] [--refills N] [--dose TEXT] [--override REASON]\n"
    "                        [--org ORG] [--at WHEN]\n"
    "\n"
    "Prescribes a drug of the built-in table ('carekey rx drugs'). Needs the\n"
    "prescribing attribute doctor@medical-board in your keyring and a write grant\n"
    "on the patient's medications section. Reads the patient's allergies and\n"
    "medications first: an allergy to the drug, its class or a cross-reacting\n"
    "class, an open prescription of the same ingredient or a duplicate class,\n"
    "and entries of those sections you cannot read are printed as warnings and\n"
    "block the prescription (exit 1, nothing written) unless --override REASON\n"
    "is given; the overridden warnings and the reason are then recorded in the\n"
    "MedicationRequest. It is written to the patient's section medications and\n"
    "copied to the hospital's ledger section rx.\n"
    "\n"
    "  --patient P        the patient's GID\n"
    "  --rxnorm CODE      the drug by RxNorm code\n"
    "  --drug NAME        the drug by its table name (case-insensitive)\n"
    "  --quantity N       quantity per fill (1..100000)\n"
    "  --unit U           its unit (default 'unit')\n"
    "  --refills N        repeats allowed after the first fill (0..99, default 0)\n"
    "  --dose TEXT        the dosage instruction\n"
    "  --override REASON  prescribe despite the warnings, for this reason\n"
    "  --at WHEN          authoredOn (default now)\n" CLI_CARE_NODE_ORG_HELP
    "\n"
    "Prints 'prescribed MedicationRequest/<id> (entry N of P) ...'. Exit codes: 0\n"
    "prescribed, 1 refused (warnings, no prescribing attribute, no grant), 2 usage.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_write(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"rxnorm", required_argument, NULL, OPT_RXNORM},
                                       {"drug", required_argument, NULL, OPT_DRUG},
                                       {"dose", required_argument, NULL, OPT_DOSE},
                                       {"quantity", required_argument, NULL, OPT_QUANTITY},
                                       {"unit", required_argument, NULL, OPT_UNIT},
                                       {"refills", required_argument, NULL, OPT_REFILLS},
                                       {"override", required_argument, NULL, OPT_OVERRIDE},
                                       CLI_CARE_NODE_AT_LONGOPTS,
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "rx write", *org_opt = NULL, *drug_name = NULL;
    ck_node_rx_write_in in;
    ck_node_rx_write_out out;
    ck_node_error e;
    int64_t at;
    int o, rc;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_RXNORM: in.rxnorm = optarg; break;
        case OPT_DRUG: in.drug = optarg; break;
        case OPT_DOSE: in.dose = optarg; break;
        case OPT_UNIT: in.unit = optarg; break;
        case OPT_OVERRIDE: in.override_reason = optarg; break;
        case CLI_CARE_NODE_OPT_AT: in.at = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org_opt = optarg; break;
        case OPT_QUANTITY:
            if ((rc = parse_quantity(&x, help, optarg, &in.quantity)) != CLI_OK) return rc;
            break;
        case OPT_REFILLS:
            if (!parse_count(optarg, CK_NODE_RX_REFILLS_MAX, &in.refills))
                return cli_usage_error(x.cmd, help, "--refills: '%s' is not 0..99", optarg);
            break;
        case 'h': fputs(write_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (in.patient && in.quantity && !in.rxnorm != !in.drug && optind != argc)
        return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org_opt);
    if (ck_node_rx_write_check(&in, 0, &at, &drug_name, &e) != 0) return check_failed(&x, help, &e);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    rc = ck_node_rx_write(x.n, &in, &out);
    print_warnings(out.warnings);
    if (rc != 0 && !out.record_done) {
        size_t nw = json_array_size(out.warnings);
        if (strcmp(ck_node_last_error(x.n)->key, "rx_warnings") != 0) {
            rc = cli_cn_fail(&x, help);
            goto out;
        }
        /* the CLI's wording names its option */
        cli_error(x.cmd, "%zu warning%s: not prescribed (--override REASON prescribes anyway)", nw, nw == 1 ? "" : "s");
        rc = CLI_FAIL;
        goto out;
    }
    printf("prescribed MedicationRequest/%s (entry %llu of %s): %s, %u %s per fill, %u refill%s%s\n", out.id,
           (unsigned long long)out.seq, in.patient, drug_name, in.quantity, in.unit ? in.unit : "unit", in.refills,
           in.refills == 1 ? "" : "s", json_object_get(out.resource, "extension") ? ", warnings overridden" : "");
    if (rc != 0) {
        rc = copy_failed(&x, help, out.resource, out.org);
        goto out;
    }
    printf("  ledger copy: entry %llu of %s\n", (unsigned long long)out.ledger_seq, out.org);
    rc = CLI_OK;
out:
    ck_node_rx_write_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ===== rx list ================================================================ */

static const char list_usage[] =
    "Usage: carekey rx list --patient P [--open] [--json]\n"
    "\n"
    "The prescriptions in P's record (section medications) that you can read,\n"
    "with their status and fills used/allowed. --open: only active ones with\n"
    "fills left.\n"
    "\n"
    "  --patient P   the patient's GID\n"
    "  --open        only prescriptions that can still be dispensed\n"
    "  --json        a JSON array of {id, status, rxnorm, drug, authored, prescriber,\n"
    "                author, quantity, unit, refills, fills_used, fills_allowed, dose}\n"
    "\n" CLI_COMMON_HELP;

static void print_prescriptions(const json_t *rows, size_t withheld)
{
    const json_t *it;
    size_t i;
    printf("%-36s  %-16s  %-7s  %-20s  %-12s  %s\n", "MedicationRequest", "status", "fills", "authored", "prescriber",
           "drug");
    json_array_foreach(rows, i, it) {
        char fills[32];
        snprintf(fills, sizeof fills, "%d/%d", (int)json_integer_value(json_object_get(it, "fills_used")),
                 (int)json_integer_value(json_object_get(it, "fills_allowed")));
        printf("%-36s  %-16s  %-7s  %-20s  %-12s  %s\n", jstr(it, "id"), jstr(it, "status") ? jstr(it, "status") : "?",
               fills, jstr(it, "authored") ? jstr(it, "authored") : "-",
               jstr(it, "prescriber") ? jstr(it, "prescriber") : "-", jstr(it, "drug") ? jstr(it, "drug") : "-");
    }
    if (withheld) printf("(%zu entries of section medications withheld from you)\n", withheld);
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {"open", no_argument, NULL, OPT_OPEN},
                                       {NULL, 0, NULL, 0}};
    const char *help = "rx list", *patient = NULL;
    int open_only = 0, as_json = 0, o, rc;
    ck_node_rows_out out;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': patient = optarg; break;
        case OPT_OPEN: open_only = 1; break;
        case CLI_CARE_NODE_OPT_JSON: as_json = 1; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "'%s' is not a valid patient GID", patient);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_rx_list(x.n, patient, open_only, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    if (as_json) rc = cli_cn_json(&x, out.rows);
    else print_prescriptions(out.rows, out.withheld);
out:
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ===== rx queue =============================================================== */

static const char queue_usage[] =
    "Usage: carekey rx queue [--json]\n"
    "\n"
    "The prescriptions you may dispense, across patients: the open ones (active,\n"
    "fills left) of every record where you hold a write grant on medications\n"
    "(carekeyd lists your grants; each record is read and verified as 'rx list\n"
    "--open' reads it). A record that cannot be read is named on stderr and the\n"
    "others are listed all the same.\n"
    "\n"
    "  --json   {rows: [{patient, id, status, rxnorm, drug, authored, prescriber,\n"
    "           author, quantity, unit, refills, fills_used, fills_allowed,\n"
    "           fills_left, dose}], errors: [{patient, kind, key, message}],\n"
    "           records, withheld, truncated}\n"
    "\n"
    "Exit codes: 0 listed (also when a record could not be read), 1 the grants\n"
    "could not be listed, 2 usage.\n"
    "\n" CLI_COMMON_HELP;

static void print_queue(const ck_node_rx_queue_out *q)
{
    const json_t *it;
    size_t i;
    printf("%-16s  %-36s  %-10s  %-10s  %-20s  %-12s  %s\n", "patient", "MedicationRequest", "fills left", "quantity",
           "authored", "prescriber", "drug");
    json_array_foreach(q->rows, i, it) {
        char left[32], qty[32];
        snprintf(left, sizeof left, "%d of %d", (int)json_integer_value(json_object_get(it, "fills_left")),
                 (int)json_integer_value(json_object_get(it, "fills_allowed")));
        snprintf(qty, sizeof qty, "%lld %.16s", (long long)json_integer_value(json_object_get(it, "quantity")),
                 jstr(it, "unit") ? jstr(it, "unit") : "");
        printf("%-16s  %-36s  %-10s  %-10s  %-20s  %-12s  %s\n", jstr(it, "patient"), jstr(it, "id"), left, qty,
               jstr(it, "authored") ? jstr(it, "authored") : "-", jstr(it, "prescriber") ? jstr(it, "prescriber") : "-",
               jstr(it, "drug") ? jstr(it, "drug") : "-");
    }
    printf("(%zu open prescription%s in %zu record%s", json_array_size(q->rows), json_array_size(q->rows) == 1 ? "" : "s",
           q->records, q->records == 1 ? "" : "s");
    if (q->withheld) printf("; %zu entries of section medications withheld from you", q->withheld);
    printf(")\n");
    if (q->truncated) printf("(only the first %u records: you hold more grants)\n", CK_NODE_RX_QUEUE_RECORDS_MAX);
}

static int cmd_queue(int argc, char **argv)
{
    static const struct option lo[] = {{"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {NULL, 0, NULL, 0}};
    const char *help = "rx queue";
    int as_json = 0, o, rc;
    ck_node_rx_queue_out out;
    const json_t *e;
    size_t i;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case CLI_CARE_NODE_OPT_JSON: as_json = 1; break;
        case 'h': fputs(queue_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_rx_queue(x.n, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    json_array_foreach(out.errors, i, e)
        cli_error(x.cmd, "the record of %s could not be read: %s", jstr(e, "patient"), jstr(e, "message"));
    if (as_json) {
        json_t *j = json_pack("{s:O,s:O,s:I,s:I,s:b}", "rows", out.rows, "errors", out.errors, "records",
                              (json_int_t)out.records, "withheld", (json_int_t)out.withheld, "truncated", out.truncated);
        rc = j ? cli_cn_json(&x, j) : CLI_FAIL;
        json_decref(j);
    } else {
        print_queue(&out);
    }
out:
    ck_node_rx_queue_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ===== rx dispense ============================================================ */

static const char dispense_usage[] =
    "Usage: carekey rx dispense --patient P --id REQUEST_ID --quantity N\n"
    "                           [--org ORG] [--location UNIT] [--at WHEN]\n"
    "\n"
    "Dispenses on prescription MedicationRequest/REQUEST_ID of P: run by a\n"
    "pharmacist with a write grant on P's medications section. The prescription\n"
    "must be active, signed by a doctor (the directory's role, and active), with\n"
    "a fill left (1 + refills) and N within its quantity per fill. The check and\n"
    "the write happen on one record head and are repeated when someone wrote in\n"
    "between, so two pharmacists cannot dispense beyond the limit.\n"
    "\n"
    "  --patient P       the patient's GID\n"
    "  --id REQUEST_ID   the prescription ('carekey rx list --open')\n"
    "  --quantity N      what is handed over (1..100000, the prescription's unit)\n"
    "  --org ORG         the pharmacy: also copy the MedicationDispense to ORG's ledger section rx\n"
    "  --location UNIT   where it was handed over (Location/UNIT)\n"
    "  --at WHEN         whenHandedOver (default now)\n"
    "\n"
    "Prints 'dispensed MedicationDispense/<id> for MedicationRequest/<id> (fill N of M)'.\n"
    "Exit codes: 0 dispensed, 1 refused (not active, exhausted, over quantity,\n"
    "not a doctor's prescription, no grant), 2 usage.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_dispense(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"id", required_argument, NULL, OPT_ID},
                                       {"quantity", required_argument, NULL, OPT_QUANTITY},
                                       {"org", required_argument, NULL, CLI_CARE_NODE_OPT_ORG},
                                       {"pharmacy", required_argument, NULL, CLI_CARE_NODE_OPT_ORG}, /* hidden alias */
                                       {"location", required_argument, NULL, OPT_LOCATION},
                                       CLI_CARE_NODE_AT_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "rx dispense";
    ck_node_rx_dispense_in in;
    ck_node_rx_dispense_out out;
    ck_node_error e;
    int64_t at;
    int o, rc;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_ID: in.id = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: in.org = optarg; break;
        case OPT_LOCATION: in.location = optarg; break;
        case CLI_CARE_NODE_OPT_AT: in.at = optarg; break;
        case OPT_QUANTITY:
            if ((rc = parse_quantity(&x, help, optarg, &in.quantity)) != CLI_OK) return rc;
            break;
        case 'h': fputs(dispense_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (in.patient && in.id && in.quantity && optind != argc)
        return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (ck_node_rx_dispense_check(&in, 0, &at, &e) != 0) return check_failed(&x, help, &e);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    rc = ck_node_rx_dispense(x.n, &in, &out);
    if (rc != 0 && !out.record_done) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    printf("dispensed MedicationDispense/%s for MedicationRequest/%s (fill %u of %u) (entry %llu of %s)\n", out.id,
           in.id, out.fill, out.allowed, (unsigned long long)out.seq, in.patient);
    if (rc != 0) {
        rc = copy_failed(&x, help, out.resource, in.org);
        goto out;
    }
    if (in.org) printf("  ledger copy: entry %llu of %s\n", (unsigned long long)out.ledger_seq, in.org);
    rc = CLI_OK;
out:
    ck_node_rx_dispense_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ===== rx cancel ============================================================== */

static const char cancel_usage[] =
    "Usage: carekey rx cancel --patient P --id REQUEST_ID [--reason TEXT] [--org ORG]\n"
    "                         [--at WHEN]\n"
    "\n"
    "Cancels an open prescription (active, on-hold, draft): a new version with\n"
    "status cancelled in P's record and in the hospital's ledger section rx. Run\n"
    "by whoever signed the prescription or by a doctor (doctor@medical-board).\n"
    "\n"
    "  --patient P       the patient's GID\n"
    "  --id REQUEST_ID   the prescription\n"
    "  --reason TEXT     why (statusReason)\n"
    "  --at WHEN         time of the cancellation (default now)\n" CLI_CARE_NODE_ORG_HELP
    "\n"
    "Prints 'cancelled MedicationRequest/<id> (entry N of P)'. Exit codes: 0\n"
    "cancelled, 1 refused (not open, not yours, no grant), 2 usage.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_cancel(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"id", required_argument, NULL, OPT_ID},
                                       {"reason", required_argument, NULL, OPT_REASON},
                                       CLI_CARE_NODE_AT_LONGOPTS,
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "rx cancel", *org_opt = NULL;
    ck_node_rx_cancel_in in;
    ck_node_rx_write_out out;
    ck_node_error e;
    int64_t at;
    int o, rc;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_ID: in.id = optarg; break;
        case OPT_REASON: in.reason = optarg; break;
        case CLI_CARE_NODE_OPT_AT: in.at = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(cancel_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (in.patient && in.id && optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org_opt);
    if (ck_node_rx_cancel_check(&in, 0, &at, &e) != 0) return check_failed(&x, help, &e);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    rc = ck_node_rx_cancel(x.n, &in, &out);
    if (rc != 0 && !out.record_done) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    printf("cancelled MedicationRequest/%s (entry %llu of %s)\n", in.id, (unsigned long long)out.seq, in.patient);
    if (rc != 0) {
        rc = copy_failed(&x, help, out.resource, out.org);
        goto out;
    }
    printf("  ledger copy: entry %llu of %s\n", (unsigned long long)out.ledger_seq, out.org);
    rc = CLI_OK;
out:
    ck_node_rx_write_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ===== rx drugs =============================================================== */

static const char drugs_usage[] =
    "Usage: carekey rx drugs [--json]\n"
    "\n"
    "The built-in drug table: what 'rx write' can prescribe, by RxNorm code and\n"
    "name, with the ingredients and classes the allergy and duplicate checks use.\n"
    "Needs no keyring or server.\n";

static void print_drugs(const json_t *all)
{
    const json_t *d;
    size_t i;
    printf("%-8s  %s [classes]\n", "RxNorm", "drug");
    json_array_foreach(all, i, d) {
        const json_t *cl;
        size_t k;
        printf("%-8s  %s [", jstr(d, "rxnorm"), jstr(d, "name"));
        json_array_foreach(json_object_get(d, "classes"), k, cl) printf("%s%s", k ? ", " : "", json_string_value(cl));
        printf("]\n");
    }
}

static int cmd_drugs(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int as_json = 0, o;
    json_t *all;
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, "rx drugs", "rx drugs")) != -1) {
        switch (o) {
        case 'j': as_json = 1; break;
        case 'h': fputs(drugs_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error("rx drugs", "rx drugs", "unexpected argument '%s'", argv[optind]);
    if (!(all = ck_node_rx_drugs())) {
        cli_error("rx drugs", "out of memory");
        return CLI_FAIL;
    }
    if (as_json) {
        char *s = json_dumps(all, JSON_INDENT(2));
        if (s) puts(s);
        free(s);
    } else {
        print_drugs(all);
    }
    json_decref(all);
    return CLI_OK;
}

/* ===== group ================================================================== */

static const cli_subcmd rx_subcmds[] = {
    {"write", "prescribe a drug (allergy and duplicate checks)", write_usage, cmd_write},
    {"list", "prescriptions of a patient with fills used/allowed", list_usage, cmd_list},
    {"queue", "the open prescriptions you may dispense, across patients", queue_usage, cmd_queue},
    {"dispense", "dispense on a prescription within its limits", dispense_usage, cmd_dispense},
    {"cancel", "cancel an open prescription", cancel_usage, cmd_cancel},
    {"drugs", "the built-in drug table", drugs_usage, cmd_drugs},
};
#define N_RX_SUBCMDS (sizeof rx_subcmds / sizeof rx_subcmds[0])

static void rx_help(FILE *f)
{
    fputs("Usage: carekey rx SUBCOMMAND [OPTIONS]\n"
          "\n"
          "Prescriptions and dispensing (docs/CARE.md). A doctor writes a\n"
          "MedicationRequest into the patient's section medications (and a copy into\n"
          "the hospital's ledger); a pharmacist dispenses on it within its limits.\n"
          "\n",
          f);
    cli_print_subcmds(f, rx_subcmds, N_RX_SUBCMDS);
    fputs("\nRun 'carekey rx SUBCOMMAND --help' for its options.\n", f);
}

static int rx_run(int argc, char **argv) { return cli_dispatch("rx", rx_help, rx_subcmds, N_RX_SUBCMDS, argc, argv); }

const cli_group cli_group_rx = {"rx", "prescriptions and dispensing: write, list, queue, dispense, cancel, drugs", rx_run};
