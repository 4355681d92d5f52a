/*
 * src/client/cli_care_condition.c - `carekey condition`: diagnoses in the
 * patient's record (section problems, docs/CARE.md), written by the
 * clinician running the command under the section's policy from the
 * patient's sharing profile.
 *
 *   add --patient P (--snomed C | --icd10 C | --text-only) --display TEXT ...
 *   update --patient P --id ID [--confirmed | --provisional | ...] [--severity S] [--note TEXT]
 *   resolve --patient P --id ID [--at TIME]
 *   list --patient P [--all] [--json]
 *
 * update and resolve write a new version of the Condition (same id). They
 * are checked writes: the Condition is read from the verified record and
 * the new version is appended on exactly that head, so two clinicians
 * changing one diagnosis at once never lose each other's change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

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

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* A refusal of the care library: input errors are usage errors. */
static int refused(cli_ctx *c, const ck_care_error *err)
{
    if (!strcmp(err->code, "bad_input")) {
        cli_error(c->cmd, "%s", err->msg);
        return CLI_USAGE;
    }
    cli_error(c->cmd, "%s: %s", err->code, err->msg);
    return CLI_FAIL;
}

/* ---- the problem list ------------------------------------------------------------ */

static json_t *condition_rows(const cli_care_book *b, int all)
{
    json_t *items = cli_care_book_select(b, SECTION, "Condition"), *rows = json_array(), *it;
    size_t i;
    if (!items || !rows) goto fail;
    json_array_foreach(items, i, it) {
        const json_t *r = ck_care_item_resource(it);
        if (!all && !ck_care_condition_is_active(r)) continue;
        if (json_array_append_new(rows, ck_care_condition_row(r)) != 0) goto fail;
    }
    json_decref(items);
    return rows;
fail:
    json_decref(items);
    json_decref(rows);
    return NULL;
}

static int print_rows(const cli_ctx *c, const char *patient, const json_t *rows, int all, size_t withheld)
{
    static const char *const cols[] = {"Condition", "Code", "Display", "Status", "Verification", "Onset",
                                       "Resolved"};
    char title[200], code[96];
    ck_care_table *t;
    size_t n = json_array_size(rows);
    int built, rc;
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
    if ((rc = cli_care_print_table(c, t, built)) == CLI_OK) cli_care_print_withheld(withheld, "problem");
    return rc;
}

static int show_history(cli_care_cmd *k, const cli_care_book *b)
{
    json_t *rows = condition_rows(b, 0);
    int rc = rows ? print_rows(&k->c, k->patient, rows, 0, b->withheld) : CLI_FAIL;
    json_decref(rows);
    if (rc == CLI_OK) putchar('\n');
    return rc;
}

/* ---- add ---------------------------------------------------------------------- */

#define COMMON_LONGOPTS CLI_CARE_CMD_LONGOPTS, CLI_CARE_HISTORY_LONGOPTS
#define COMMON_HELP                                                                                       \
    "  --history            print P's active problems first\n"                                           \
    "\n" CLI_CTX_HELP

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
                                       CLI_CARE_ENCOUNTER_LONGOPTS,
                                       {"snomed", required_argument, NULL, OPT_SNOMED},
                                       {"icd10", required_argument, NULL, OPT_ICD10},
                                       {"text-only", no_argument, NULL, OPT_TEXT_ONLY},
                                       {"display", required_argument, NULL, OPT_DISPLAY},
                                       {"provisional", no_argument, NULL, OPT_PROVISIONAL},
                                       {"problem-list", no_argument, NULL, OPT_PROBLEM_LIST},
                                       {"onset", required_argument, NULL, OPT_ONSET},
                                       {NULL, 0, NULL, 0}};
    const char *onset = NULL;
    ck_care_condition_in in;
    ck_care_error err;
    cli_care_book b;
    json_t *cond = NULL;
    ck_net_head head;
    int o, rc, systems = 0;
    cli_care_cmd k;

    memset(&in, 0, sizeof in);
    memset(&b, 0, sizeof b);
    cli_care_cmd_init(&k, "condition add");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        switch (o) {
        case OPT_SNOMED: in.system = CK_CARE_CODE_SNOMED, in.code = optarg, systems++; break;
        case OPT_ICD10: in.system = CK_CARE_CODE_ICD10, in.code = optarg, systems++; break;
        case OPT_TEXT_ONLY: in.system = CK_CARE_CODE_TEXT, systems++; break;
        case OPT_DISPLAY: in.display = optarg; break;
        case OPT_PROVISIONAL: in.provisional = 1; break;
        case OPT_PROBLEM_LIST: in.problem_list = 1; break;
        case OPT_ONSET: onset = optarg; break;
        case 'h': cli_care_cmd_free(&k); fputs(add_usage, stdout); return CLI_OK;
        default: cli_care_cmd_free(&k); return CLI_USAGE;
        }
    }
    rc = CLI_USAGE;
    if (cli_care_cmd_check(&k, argc, argv) != CLI_OK || cli_care_when(&k.c, k.at_opt, &k.at_ms) != CLI_OK) goto out;
    if (systems != 1) {
        cli_usage_error(k.c.cmd, k.help, "give exactly one of --snomed, --icd10, --text-only");
        goto out;
    }
    if (!in.display) {
        cli_usage_error(k.c.cmd, k.help, "--display is required");
        goto out;
    }
    if (ck_care_code_check(in.system, in.code, &err) != 0) {
        cli_usage_error(k.c.cmd, k.help, "%s", err.msg);
        goto out;
    }
    if (onset && ck_care_time_parse(onset, &in.onset_ms) != 0) {
        cli_usage_error(k.c.cmd, k.help, "--onset: '%s' is not a time", onset);
        goto out;
    }
    in.has_onset = onset != NULL;
    /* --history shows P's problems; --encounter must be one of P's */
    if ((rc = cli_care_cmd_open(&k)) != CLI_OK || (rc = cli_care_cmd_context(&k, &b, SECTION, show_history)) != CLI_OK)
        goto out;
    in.patient = k.patient;
    in.recorder = k.author;
    in.recorded_ms = k.at_ms;
    in.encounter = k.encounter;
    if (!(cond = ck_care_condition_new(&in, &err))) {
        rc = refused(&k.c, &err);
        goto out;
    }
    if ((rc = cli_care_put(&k.w, k.patient, SECTION, cond, NULL, NULL, &head)) != CLI_OK) goto out;
    printf("added Condition/%s patient %s\n", jstr(cond, "id"), k.patient);
out:
    json_decref(cond);
    cli_care_book_free(&b);
    cli_care_cmd_free(&k);
    return rc;
}

/* ---- update and resolve: checked new versions ------------------------------------------ */

typedef struct change_job {
    cli_care_cmd *k;
    const char *id;
    const ck_care_condition_change *ch;   /* NULL: resolve */
    int shown;
    char what[16];
    json_t *next;
} change_job;

static int change_step(void *arg)
{
    change_job *j = arg;
    cli_care_cmd *k = j->k;
    cli_care_book b;
    const json_t *it;
    ck_care_error err;
    int rc;
    json_decref(j->next);
    j->next = NULL;
    if ((rc = cli_care_book_load(&b, &k->c, k->patient, SECTION)) != CLI_OK) goto out;
    if (k->history && !j->shown && (rc = show_history(k, &b)) != CLI_OK) goto out;
    j->shown = 1;
    if (!(it = cli_care_book_find(&b, "Condition", j->id))) {
        cli_error(k->c.cmd, "no Condition/%s in %s's record that you may read", j->id, k->patient);
        rc = CLI_FAIL;
        goto out;
    }
    j->next = j->ch ? ck_care_condition_update(ck_care_item_resource(it), j->ch, &err)
                    : ck_care_condition_resolve(ck_care_item_resource(it), k->at_ms, &err);
    if (!j->next) {
        rc = refused(&k->c, &err);
        goto out;
    }
    rc = cli_care_put(&k->w, k->patient, SECTION, j->next, NULL, &b.head, NULL);
out:
    cli_care_book_free(&b);
    return rc;
}

static int run_change(cli_care_cmd *k, const char *id, ck_care_condition_change *ch, const char *what)
{
    change_job j;
    int rc;
    memset(&j, 0, sizeof j);
    j.k = k;
    j.id = id;
    j.ch = ch;
    if ((rc = cli_care_cmd_open(k)) != CLI_OK) return rc;
    if (ch) ch->author = k->author;   /* a note's author */
    rc = cli_care_retry(&k->c, change_step, &j);
    if (rc == CLI_OK) {
        json_t *row = ck_care_condition_row(j.next);
        printf("%s Condition/%s patient %s status %s verification %s\n", what, id, k->patient,
               *jstr(row, "clinical") ? jstr(row, "clinical") : "-", jstr(row, "verification"));
        json_decref(row);
    }
    json_decref(j.next);
    return rc;
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
    const char *id = NULL;
    ck_care_condition_change ch;
    int o, rc, verifications = 0;
    cli_care_cmd k;

    memset(&ch, 0, sizeof ch);
    cli_care_cmd_init(&k, "condition update");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        switch (o) {
        case OPT_ID: id = optarg; break;
        case OPT_CONFIRMED: ch.verification = "confirmed", verifications++; break;
        case OPT_PROVISIONAL: ch.verification = "provisional", verifications++; break;
        case OPT_REFUTED: ch.verification = "refuted", verifications++; break;
        case OPT_IN_ERROR: ch.verification = "entered-in-error", verifications++; break;
        case OPT_SEVERITY: ch.severity = optarg; break;
        case OPT_NOTE: ch.note = optarg; break;
        case 'h': cli_care_cmd_free(&k); fputs(update_usage, stdout); return CLI_OK;
        default: cli_care_cmd_free(&k); return CLI_USAGE;
        }
    }
    rc = CLI_USAGE;
    if (cli_care_cmd_check(&k, argc, argv) != CLI_OK || cli_care_when(&k.c, k.at_opt, &k.at_ms) != CLI_OK) goto out;
    if (!id || !ck_net_id_valid(id)) {
        cli_usage_error(k.c.cmd, k.help, "--id ID is required");
        goto out;
    }
    if (verifications > 1) {
        cli_usage_error(k.c.cmd, k.help, "give at most one verification status");
        goto out;
    }
    if (!ch.verification && !ch.severity && !ch.note) {
        cli_usage_error(k.c.cmd, k.help, "nothing to change: give a status, --severity or --note");
        goto out;
    }
    if (ch.severity && strcmp(ch.severity, "mild") && strcmp(ch.severity, "moderate") && strcmp(ch.severity, "severe")) {
        cli_usage_error(k.c.cmd, k.help, "--severity is mild, moderate or severe");
        goto out;
    }
    ch.at_ms = k.at_ms;
    rc = run_change(&k, id, &ch, "updated");
out:
    cli_care_cmd_free(&k);
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
                                       CLI_CARE_AT_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *id = NULL;
    int o, rc;
    cli_care_cmd k;
    cli_care_cmd_init(&k, "condition resolve");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        if (o == OPT_ID) id = optarg;
        else if (o == 'h') return cli_care_cmd_free(&k), fputs(resolve_usage, stdout), CLI_OK;
        else return cli_care_cmd_free(&k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    if (cli_care_cmd_check(&k, argc, argv) != CLI_OK || cli_care_when(&k.c, k.at_opt, &k.at_ms) != CLI_OK) goto out;
    if (!id || !ck_net_id_valid(id)) {
        cli_usage_error(k.c.cmd, k.help, "--id ID is required");
        goto out;
    }
    rc = run_change(&k, id, NULL, "resolved");
out:
    cli_care_cmd_free(&k);
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
    "\n" CLI_CTX_HELP;

static int print_list(const cli_care_list *l, const json_t *rows, const void *all)
{
    return print_rows(&l->c, l->patient, rows, *(const int *)all, l->b.withheld);
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_LIST_LONGOPTS, {"all", no_argument, NULL, OPT_ALL}, {NULL, 0, NULL, 0}};
    cli_care_list l;
    int o, rc, all = 0;
    cli_care_list_init(&l, "condition list");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, l.c.cmd, l.help)) != -1) {
        if (cli_care_list_option(&l, o, optarg)) continue;
        if (o == OPT_ALL) all = 1;
        else if (o == 'h') return cli_care_list_free(&l), fputs(list_usage, stdout), CLI_OK;
        else return cli_care_list_free(&l), CLI_USAGE;
    }
    if ((rc = cli_care_list_check(&l, argc, argv)) == CLI_OK &&
        (rc = cli_care_book_load(&l.b, &l.c, l.patient, SECTION)) == CLI_OK)
        rc = cli_care_list_print(&l, condition_rows(&l.b, all), print_list, &all);
    cli_care_list_free(&l);
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
