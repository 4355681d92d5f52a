/*
 * src/cli/care_condition.c - `carekey condition` over the node
 * (carekey/node_care.h): diagnoses in the patient's record (section
 * problems, docs/CARE.md), written by the clinician running the command.
 *
 *   add --patient P (--snomed C | --icd10 C | --text-only) --display TEXT ...
 *   update --patient P --id ID [--confirmed | --provisional | ...] [--severity S] [--note TEXT]
 *   resolve --patient P --id ID [--at TIME]
 *   list --patient P [--all] [--json]
 *
 * The node checks the input and the codes, and makes update and resolve
 * checked writes; this file parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/care.h"
#include "cli/care.h"

#define SECTION "problems"

#define OPT_SNOMED 0x1405
#define OPT_ICD10 0x1406
#define OPT_TEXT_ONLY 0x1407
#define OPT_DISPLAY 0x1408
#define OPT_PROVISIONAL 0x1409
#define OPT_PROBLEM_LIST 0x140a
#define OPT_ONSET 0x140b
#define OPT_ID 0x140c
#define OPT_CONFIRMED 0x140d
#define OPT_REFUTED 0x140e
#define OPT_IN_ERROR 0x140f
#define OPT_SEVERITY 0x1410
#define OPT_NOTE 0x1411
#define OPT_ALL 0x1412
#define OPT_HISTORY 0x1204
#define OPT_ENCOUNTER 0x1203

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- the problem list ------------------------------------------------------------ */

static json_t *condition_rows(const json_t *items, int all)
{
    json_t *rows = json_array(), *it;
    size_t i;
    if (!rows) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *r = ck_care_item_resource(it);
        if (!all && !ck_care_condition_is_active(r)) continue;
        if (json_array_append_new(rows, ck_care_condition_row(r)) != 0) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

static int print_rows(const cli_node *x, const char *patient, const json_t *rows, int all, size_t withheld)
{
    static const char *const cols[] = {"Condition", "Code", "Display", "Status", "Verification", "Onset",
                                       "Resolved"};
    char title[200], code[96], *text = NULL;
    ck_care_table *t;
    size_t n = json_array_size(rows);
    int built;
    snprintf(title, sizeof title, "%s of %s", all ? "Conditions" : "Active problems", patient);
    built = (t = ck_care_table_new(title, 7, cols)) != NULL;
    for (size_t i = 0; built && i < n; i++) {
        const json_t *r = json_array_get(rows, i);
        const char *cells[7] = {jstr(r, "id"), code, jstr(r, "display"), jstr(r, "clinical"),
                                jstr(r, "verification"), jstr(r, "onset"), jstr(r, "abatement")};
        if (*jstr(r, "code")) snprintf(code, sizeof code, "%s %s", jstr(r, "system"), jstr(r, "code"));
        else snprintf(code, sizeof code, "-");
        built = ck_care_table_add(t, cells) == 0;
    }
    if (!built || !(text = ck_care_table_text(t))) {
        ck_care_table_free(t);
        cli_error(x->cmd, "out of memory");
        return CLI_FAIL;
    }
    fputs(text, stdout);
    if (!ck_care_table_rows(t)) printf("(none recorded that you may read)\n");
    if (withheld) printf("(%zu problem entr%s not shared with you)\n", withheld, withheld == 1 ? "y" : "ies");
    free(text);
    ck_care_table_free(t);
    return CLI_OK;
}

/* --history: P's active problems before the write (sections read as the
 * write's checks read them). */
static int show_history(cli_node *x, const char *help, const char *patient, const char *sections)
{
    ck_node_items_out items;
    json_t *rows;
    int rc;
    if (ck_node_care_items(x->n, patient, sections, "Condition", &items) != 0) return cli_cn_fail(x, help);
    rows = condition_rows(items.items, 0);
    rc = rows ? print_rows(x, patient, rows, 0, items.withheld) : CLI_FAIL;
    if (!rows) cli_error(x->cmd, "out of memory");
    json_decref(rows);
    ck_node_items_out_free(&items);
    if (rc == CLI_OK) putchar('\n');
    return rc;
}

#define COMMON_LONGOPTS                                                                                 \
    {"patient", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,     \
        {"history", no_argument, NULL, OPT_HISTORY}
#define COMMON_HELP                                                                                       \
    "  --history            print P's active problems first\n"                                           \
    "\n" CLI_COMMON_HELP

/* ---- add ---------------------------------------------------------------------- */

static const char add_usage[] =
    "Usage: carekey condition add --patient P (--snomed CODE | --icd10 CODE | --text-only)\n"
    "                             --display TEXT [--provisional] [--problem-list]\n"
    "                             [--onset TIME] [--encounter ID] [OPTIONS]\n"
    "\n"
    "Records a diagnosis of P: a Condition (clinicalStatus active, recorder you)\n"
    "in P's record, section problems, sealed under the section's policy from\n"
    "P's sharing profile. Codes are checked: a SNOMED CT concept id (6-18\n"
    "digits with its Verhoeff check digit), a WHO ICD-10 code (A00, A00.0,\n"
    "A00.00). Prints\n"
    "  added Condition/<id> patient P\n"
    "\n"
    "  --patient P          the patient\n"
    "  --snomed CODE        SNOMED CT concept id, e.g. 38341003\n"
    "  --icd10 CODE         ICD-10 code, e.g. I10\n"
    "  --text-only          no code: the display text only\n"
    "  --display TEXT       the diagnosis as text (required)\n"
    "  --provisional        verificationStatus provisional (default confirmed)\n"
    "  --problem-list       category problem-list-item (default encounter-diagnosis)\n"
    "  --onset TIME         onsetDateTime: 2026-11-24, 2026-11-24T09:30:00Z, ...\n"
    "  --encounter ID       the Encounter it was diagnosed in (must be in P's record)\n" COMMON_HELP;

static int cmd_add(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"encounter", required_argument, NULL, OPT_ENCOUNTER},
                                       {"snomed", required_argument, NULL, OPT_SNOMED},
                                       {"icd10", required_argument, NULL, OPT_ICD10},
                                       {"text-only", no_argument, NULL, OPT_TEXT_ONLY},
                                       {"display", required_argument, NULL, OPT_DISPLAY},
                                       {"provisional", no_argument, NULL, OPT_PROVISIONAL},
                                       {"problem-list", no_argument, NULL, OPT_PROBLEM_LIST},
                                       {"onset", required_argument, NULL, OPT_ONSET},
                                       {NULL, 0, NULL, 0}};
    const char *help = "condition add";
    ck_node_condition_add_in in;
    ck_node_write_out out;
    ck_node_error e;
    int64_t onset;
    int o, rc, systems = 0, history = 0;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_ENCOUNTER: in.encounter = optarg; break;
        case OPT_HISTORY: history = 1; break;
        case OPT_SNOMED: in.system = "snomed", in.code = optarg, systems++; break;
        case OPT_ICD10: in.system = "icd10", in.code = optarg, systems++; break;
        case OPT_TEXT_ONLY: in.system = "text", systems++; break;
        case OPT_DISPLAY: in.display = optarg; break;
        case OPT_PROVISIONAL: in.provisional = 1; break;
        case OPT_PROBLEM_LIST: in.problem_list = 1; break;
        case OPT_ONSET: in.onset = optarg; break;
        case 'h': fputs(add_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (systems > 1) in.system = NULL; /* "give exactly one of" */
    if (ck_node_condition_add_check(&in, &onset, &e) != 0) return cli_usage_error(x.cmd, help, "%s", e.msg);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (history && (rc = show_history(&x, help, in.patient, SECTION ",encounters")) != CLI_OK) goto out;
    if (ck_node_condition_add(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    printf("added Condition/%s patient %s\n", out.id, in.patient);
out:
    ck_node_write_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ---- update and resolve: checked new versions ------------------------------------------ */

static int run_change(cli_node *x, const char *help, ck_node_condition_change_in *in, int history, const char *what)
{
    ck_node_write_out out;
    ck_node_error e;
    json_t *row;
    int rc;
    memset(&out, 0, sizeof out);
    if (ck_node_condition_change_check(in, &e) != 0) {
        if (!strcmp(e.path, "at")) {
            cli_error(x->cmd, "%s", e.msg);
            return CLI_USAGE;
        }
        return cli_usage_error(x->cmd, help, "%s", e.msg);
    }
    if ((rc = cli_node_open(x)) != CLI_OK) return rc;
    if (history && (rc = show_history(x, help, in->patient, SECTION)) != CLI_OK) return rc;
    if (ck_node_condition_change(x->n, in, &out) != 0) return cli_cn_fail(x, help);
    row = ck_care_condition_row(out.resource);
    printf("%s Condition/%s patient %s status %s verification %s\n", what, in->id, in->patient,
           row && *jstr(row, "clinical") ? jstr(row, "clinical") : "-", row ? jstr(row, "verification") : "?");
    json_decref(row);
    ck_node_write_out_free(&out);
    return CLI_OK;
}

static const char update_usage[] =
    "Usage: carekey condition update --patient P --id ID [--confirmed | --provisional | --refuted |\n"
    "                                --entered-in-error] [--severity mild|moderate|severe]\n"
    "                                [--note TEXT] [OPTIONS]\n"
    "\n"
    "Writes a new version of P's Condition/ID with the verification status,\n"
    "the severity changed and/or a note added (author you, time now). The\n"
    "Condition is read from P's verified record and the new version appended\n"
    "on exactly that record, re-read when someone wrote in between. A\n"
    "condition entered in error no longer changes (exit 1); a change that\n"
    "changes nothing is refused (exit 1). Prints\n"
    "  updated Condition/<id> patient P status S verification V\n"
    "\n"
    "  --patient P          the patient\n"
    "  --id ID              the Condition (see 'carekey condition list')\n"
    "  --confirmed, --provisional, --refuted, --entered-in-error\n"
    "                       the new verificationStatus\n"
    "  --severity S         mild, moderate or severe\n"
    "  --note TEXT          a note to add\n" COMMON_HELP;

static int cmd_update(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS,
                                       {"id", required_argument, NULL, OPT_ID},
                                       {"confirmed", no_argument, NULL, OPT_CONFIRMED},
                                       {"provisional", no_argument, NULL, OPT_PROVISIONAL},
                                       {"refuted", no_argument, NULL, OPT_REFUTED},
                                       {"entered-in-error", no_argument, NULL, OPT_IN_ERROR},
                                       {"severity", required_argument, NULL, OPT_SEVERITY},
                                       {"note", required_argument, NULL, OPT_NOTE},
                                       {NULL, 0, NULL, 0}};
    const char *help = "condition update";
    ck_node_condition_change_in in;
    int o, rc, verifications = 0, history = 0;
    cli_node x;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_HISTORY: history = 1; break;
        case OPT_ID: in.id = optarg; break;
        case OPT_CONFIRMED: in.verification = "confirmed", verifications++; break;
        case OPT_PROVISIONAL: in.verification = "provisional", verifications++; break;
        case OPT_REFUTED: in.verification = "refuted", verifications++; break;
        case OPT_IN_ERROR: in.verification = "entered-in-error", verifications++; break;
        case OPT_SEVERITY: in.severity = optarg; break;
        case OPT_NOTE: in.note = optarg; break;
        case 'h': fputs(update_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (verifications > 1 && in.patient && in.id)
        return cli_usage_error(x.cmd, help, "give at most one verification status");
    rc = run_change(&x, help, &in, history, "updated");
    cli_cn_close(&x);
    return rc;
}

static const char resolve_usage[] =
    "Usage: carekey condition resolve --patient P --id ID [--at TIME] [OPTIONS]\n"
    "\n"
    "Writes a new version of P's active Condition/ID with clinicalStatus\n"
    "resolved and abatementDateTime TIME (default now; not before its onset).\n"
    "Refused (exit 1, not_active) when it is not active. Prints\n"
    "  resolved Condition/<id> patient P status resolved verification V\n"
    "\n"
    "  --patient P          the patient\n"
    "  --id ID              the Condition\n"
    "  --at TIME            when it resolved (default now)\n" COMMON_HELP;

static int cmd_resolve(int argc, char **argv)
{
    static const struct option lo[] = {COMMON_LONGOPTS, {"id", required_argument, NULL, OPT_ID},
                                       CLI_CARE_NODE_AT_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "condition resolve";
    ck_node_condition_change_in in;
    int o, rc, history = 0;
    cli_node x;
    memset(&in, 0, sizeof in);
    in.resolve = 1;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'p') in.patient = optarg;
        else if (o == OPT_HISTORY) history = 1;
        else if (o == OPT_ID) in.id = optarg;
        else if (o == CLI_CARE_NODE_OPT_AT) in.at = optarg;
        else if (o == 'h') return fputs(resolve_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    rc = run_change(&x, help, &in, history, "resolved");
    cli_cn_close(&x);
    return rc;
}

/* ---- list ------------------------------------------------------------------------ */

static const char list_usage[] =
    "Usage: carekey condition list --patient P [--all] [--json] [OPTIONS]\n"
    "\n"
    "The conditions in P's verified record that you may read: by default the\n"
    "active ones (active, recurrence, relapse; not refuted or entered in error).\n"
    "\n"
    "  --patient P   the patient\n"
    "  --all         every condition, resolved and entered-in-error ones too\n"
    "  --json        a JSON array of {id, code, system, display, clinical,\n"
    "                verification, category, severity, onset, abatement,\n"
    "                recorded, notes}\n"
    "\n" CLI_COMMON_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,
                                       {"all", no_argument, NULL, OPT_ALL}, {NULL, 0, NULL, 0}};
    const char *help = "condition list", *patient = NULL;
    ck_node_items_out items;
    json_t *rows = NULL;
    int o, rc, all = 0, as_json = 0;
    cli_node x;
    memset(&items, 0, sizeof items);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'p') patient = optarg;
        else if (o == CLI_CARE_NODE_OPT_JSON) as_json = 1;
        else if (o == OPT_ALL) all = 1;
        else if (o == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient || !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "--patient GID is required");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_care_items(x.n, patient, SECTION, "Condition", &items) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    if (!(rows = condition_rows(items.items, all))) {
        cli_error(x.cmd, "out of memory");
        rc = CLI_FAIL;
    } else {
        rc = as_json ? cli_cn_json(&x, rows) : print_rows(&x, patient, rows, all, items.withheld);
    }
out:
    json_decref(rows);
    ck_node_items_out_free(&items);
    cli_cn_close(&x);
    return rc;
}

/* ---- the group ---------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"add", "record a diagnosis (SNOMED CT, ICD-10 or text)", add_usage, cmd_add},
    {"update", "change verification or severity, add a note", update_usage, cmd_update},
    {"resolve", "mark a condition resolved", resolve_usage, cmd_resolve},
    {"list", "the problem list of a patient", list_usage, cmd_list},
};

static void condition_help(FILE *f)
{
    fprintf(f, "Usage: carekey condition SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Diagnoses (FHIR Condition) in the patient's record, section problems,\n"
               "written by the clinician running the command under the section's\n"
               "policy from the patient's sharing profile. Updates are new versions of\n"
               "the same Condition.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey condition add --patient p1 --snomed 38341003 --display Hypertension\n"
               "  carekey condition update --patient p1 --id ID --severity moderate --note 'start ACE inhibitor'\n"
               "  carekey condition resolve --patient p1 --id ID\n"
               "\n"
               "'carekey condition SUBCOMMAND --help' describes each one; docs/CARE.md the model.\n");
}

static int condition_run(int argc, char **argv)
{
    return cli_dispatch("condition", condition_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_condition = {"condition", "diagnoses: add, update, resolve, list", condition_run};
