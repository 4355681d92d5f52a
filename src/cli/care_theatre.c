/*
 * src/cli/care_theatre.c - `carekey theatre` over the node: operation
 * theatre bookings (docs/CARE.md): the surgery Appointment in the
 * hospital's ledger (section `theatre`) and the patient's Procedure (her
 * section `procedures`, same id).
 *
 *   theatre book    --patient P --theatre T --surgeon S [--team G[:FUNCTION],...]
 *                   --procedure-snomed CODE --display TEXT --start TIME --end TIME [--reason TEXT]
 *   theatre outcome --id ID --status completed|not-done|stopped [--outcome TEXT]
 *                   [--result successful|unsuccessful|partial] [--start TIME --end TIME]
 *   theatre cancel  --id ID [--reason TEXT]
 *   theatre list    [--date PERIOD] [--theatre T] [--json]
 *
 * The node checks, books on the ledger head its clash check read and
 * writes the Procedure (ck_node_theatre); this file parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/care.h"
#include "cli/care.h"

#define OPT_SNOMED 0x1401
#define OPT_DISPLAY 0x1402
#define OPT_RESULT 0x1403

/* the options every writing subcommand takes */
#define WRITE_LONGOPTS \
    {"help", no_argument, NULL, 'h'}, CLI_CARE_NODE_ORG_LONGOPTS, CLI_COMMON_LONGOPTS

static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_booking(const char *what, const ck_node_theatre_out *o)
{
    const json_t *a = o->appointment, *p = o->procedure;
    printf("%s Appointment/%s Procedure/%s %s %s..%s surgeon %s patient %s status %s (entry %llu of %s)\n", what,
           S(a, "id"), S(p, "id"), ck_care_appointment_actor(a, "Location"), S(a, "start"), S(a, "end"),
           ck_care_appointment_actor(a, "Practitioner"), ck_care_appointment_actor(a, "Patient"), S(p, "status"),
           (unsigned long long)o->seq, o->org);
}

/* Checks (usage errors before anything opens), runs, prints. */
static int run(cli_node *x, const char *help, ck_node_theatre_in *in, const char *what)
{
    ck_node_theatre_out out;
    ck_node_error e;
    int rc;
    memset(&out, 0, sizeof out);
    if (ck_node_theatre_check(in, &e) != 0 && strcmp(e.path, "hospital") != 0)
        return cli_usage_error(x->cmd, help, "%s", e.msg);
    if ((rc = cli_node_open(x)) != CLI_OK) return rc;
    if (ck_node_theatre(x->n, in, &out) != 0) {
        rc = cli_cn_fail(x, help);
        if (out.withdrawn < 0)
            cli_error(x->cmd, "could not withdraw Appointment/%s from the ledger; cancel it with "
                              "'carekey theatre cancel --id %s'", S(out.appointment, "id"), S(out.appointment, "id"));
        else if (out.withdrawn > 0)
            cli_error(x->cmd, "the booking was withdrawn: the theatre is free again");
        else if (out.ledger_done)
            cli_error(x->cmd, "the ledger holds the change, but the patient's Procedure could not be updated");
    } else {
        print_booking(what ? what : in->status, &out);
    }
    ck_node_theatre_out_free(&out);
    return rc;
}

/* ---- theatre book -------------------------------------------------------------- */

static const char book_usage[] =
    "Usage: carekey theatre book --patient P --theatre T --surgeon S [--team G[:FUNCTION],...]\n"
    "                            --procedure-snomed CODE --display TEXT --start TIME --end TIME\n"
    "                            [--reason TEXT] [--org ORG]\n"
    "\n"
    "Books theatre T of the hospital for a surgery: a surgery Appointment in the\n"
    "hospital's ledger (section theatre) and the planned Procedure (status\n"
    "preparation) in P's record (section procedures), with the same id. Refused,\n"
    "with nothing written, when the theatre, the surgeon or a team member has\n"
    "another booking overlapping [START, END) (back-to-back is fine) or the patient\n"
    "has an appointment then.\n"
    "\n"
    "  --patient P              the patient's GID\n"
    "  --theatre T              a theatre unit of the hospital (directory)\n"
    "  --surgeon S              an active doctor\n"
    "  --team G[:F],...         the team: active doctors or nurses, each with a\n"
    "                           function (default assistant): dr-b:anaesthetist\n"
    "  --procedure-snomed CODE  the procedure, SNOMED CT (e.g. 80146002)\n"
    "  --display TEXT           its name (e.g. Appendectomy)\n"
    "  --start TIME, --end TIME the planned period (2026-11-25T09:00, UTC)\n"
    "  --reason TEXT            why (reasonCode.text)\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: booked surgery Appointment/<id> Procedure/<id> T START..END surgeon S\n"
    "        patient P status preparation (entry N of ORG)\n"
    "Exit 1 on a clash, e.g. 'carekey: theatre book: theatre th-1 is booked\n"
    "2026-11-25 09:00-11:00 by Appointment/<id>'.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_book(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"theatre", required_argument, NULL, 't'},
                                       {"surgeon", required_argument, NULL, 's'},
                                       {"team", required_argument, NULL, 'T'},
                                       {"procedure-snomed", required_argument, NULL, OPT_SNOMED},
                                       {"display", required_argument, NULL, OPT_DISPLAY},
                                       {"start", required_argument, NULL, 'S'},
                                       {"end", required_argument, NULL, 'E'},
                                       {"reason", required_argument, NULL, 'r'},
                                       WRITE_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "theatre book", *org = NULL;
    ck_node_theatre_in in;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    in.action = CK_NODE_THEATRE_BOOK;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': in.patient = optarg; break;
        case 't': in.theatre = optarg; break;
        case 's': in.surgeon = optarg; break;
        case 'T': in.team = optarg; break;
        case OPT_SNOMED: in.snomed = optarg; break;
        case OPT_DISPLAY: in.display = optarg; break;
        case 'S': in.start = optarg; break;
        case 'E': in.end = optarg; break;
        case 'r': in.reason = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org = optarg; break;
        case 'h': fputs(book_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org);
    rc = run(&x, help, &in, "booked surgery");
    cli_cn_close(&x);
    return rc;
}

/* ---- theatre outcome, cancel ------------------------------------------------------ */

static const char outcome_usage[] =
    "Usage: carekey theatre outcome --id ID --status completed|not-done|stopped [--outcome TEXT]\n"
    "                               [--result successful|unsuccessful|partial]\n"
    "                               [--start TIME --end TIME] [--org ORG]\n"
    "\n"
    "Records how a booked surgery went: the Procedure becomes completed or stopped\n"
    "(performedPeriod = the actual START..END, default the booked period; outcome\n"
    "= TEXT and the SNOMED CT result) or not-done (statusReason = TEXT); the\n"
    "ledger's booking becomes fulfilled (completed, stopped) or cancelled\n"
    "(not-done).\n"
    "\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: <status> Appointment/<id> Procedure/<id> T START..END surgeon S\n"
    "        patient P status <status> (entry N of ORG)\n"
    "\n" CLI_COMMON_HELP;

static const char cancel_usage[] =
    "Usage: carekey theatre cancel --id ID [--reason TEXT] [--org ORG]\n"
    "\n"
    "Cancels a booked surgery: the booking becomes cancelled (the theatre and the\n"
    "team are free again), the patient's Procedure not-done.\n"
    "\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: cancelled Appointment/<id> Procedure/<id> ... status not-done (entry N of ORG)\n"
    "\n" CLI_COMMON_HELP;

static int change(int argc, char **argv, int cancel)
{
    static const struct option lo[] = {{"id", required_argument, NULL, 'i'},
                                       {"status", required_argument, NULL, 's'},
                                       {"outcome", required_argument, NULL, 'o'},
                                       {"result", required_argument, NULL, OPT_RESULT},
                                       {"start", required_argument, NULL, 'S'},
                                       {"end", required_argument, NULL, 'E'},
                                       WRITE_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const struct option cancel_lo[] = {{"id", required_argument, NULL, 'i'},
                                              {"reason", required_argument, NULL, 'r'},
                                              WRITE_LONGOPTS,
                                              {NULL, 0, NULL, 0}};
    const char *help = cancel ? "theatre cancel" : "theatre outcome", *org = NULL;
    ck_node_theatre_in in;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    in.action = cancel ? CK_NODE_THEATRE_CANCEL : CK_NODE_THEATRE_OUTCOME;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, cancel ? cancel_lo : lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'i': in.id = optarg; break;
        case 's': in.status = optarg; break;
        case 'o': in.outcome = optarg; break;
        case OPT_RESULT: in.result = optarg; break;
        case 'S': in.start = optarg; break;
        case 'E': in.end = optarg; break;
        case 'r': in.reason = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org = optarg; break;
        case 'h': fputs(cancel ? cancel_usage : outcome_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org);
    rc = run(&x, help, &in, cancel ? "cancelled" : NULL);
    cli_cn_close(&x);
    return rc;
}

static int cmd_outcome(int argc, char **argv) { return change(argc, argv, 0); }
static int cmd_cancel(int argc, char **argv) { return change(argc, argv, 1); }

/* ---- theatre list ---------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey theatre list [--date DAY|MONTH|FROM..TO] [--theatre T] [--org ORG] [--json]\n"
    "\n"
    "The theatre bookings of the hospital's ledger (staff only) overlapping the\n"
    "period, by start, cancelled ones included.\n"
    "\n"
    "  --date P     2026-11-25, 2026-11 or 2026-11-01..2026-11-07\n"
    "  --theatre T  only theatre T\n"
    "  --json       the rows as a JSON array ({id, status, theatre, start, end,\n"
    "               surgeon, team: [{gid, function}], patient, procedure: {code, display}})\n" CLI_CARE_NODE_ORG_HELP
    "\n" CLI_COMMON_HELP;

/* Text rows: the team as "gid (function)" strings, the procedure's name. */
static json_t *text_rows(const json_t *rows)
{
    json_t *out = json_deep_copy(rows), *r, *m;
    size_t i, k;
    json_array_foreach(out, i, r) {
        json_t *team = json_array();
        char buf[160];
        json_array_foreach(json_object_get(r, "team"), k, m) {
            snprintf(buf, sizeof buf, "%s (%s)", S(m, "gid"), S(m, "function"));
            json_array_append_new(team, json_string(buf));
        }
        json_object_set_new(r, "team", team);
        json_object_set(r, "procedure", json_object_get(json_object_get(r, "procedure"), "display"));
    }
    return out;
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"date", required_argument, NULL, 'D'},
                                       {"theatre", required_argument, NULL, 't'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},     {"END", "end", 0},         {"THEATRE", "theatre", 0},
                                      {"STATUS", "status", 0},   {"SURGEON", "surgeon", 0}, {"TEAM", "team", 0},
                                      {"PATIENT", "patient", 0}, {"PROCEDURE", "procedure", 0}, {"ID", "id", 0}};
    const char *help = "theatre list", *date = NULL, *theatre = NULL, *org = NULL;
    ck_node_rows_out out;
    json_t *txt = NULL;
    cli_node x;
    int opt, rc, json = 0;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'D': date = optarg; break;
        case 't': theatre = optarg; break;
        case 'j': json = 1; break;
        case CLI_CARE_NODE_OPT_ORG: org = optarg; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_theatre_list(x.n, cli_cn_org(org), theatre, date, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    if (!(txt = text_rows(out.rows))) {
        cli_error(x.cmd, "out of memory");
        rc = CLI_FAIL;
        goto out;
    }
    cli_cn_print_rows(out.rows, txt, json, "no theatre bookings", cols, sizeof cols / sizeof *cols);
    if (out.withheld) cli_error(x.cmd, "%zu ledger entries are not readable with your keys", out.withheld);
out:
    json_decref(txt);
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ---- group --------------------------------------------------------------------- */

static const cli_subcmd theatre_subcmds[] = {
    {"book", "book a theatre, a surgeon and a team for a surgery", book_usage, cmd_book},
    {"outcome", "record how a surgery went", outcome_usage, cmd_outcome},
    {"cancel", "cancel a booked surgery", cancel_usage, cmd_cancel},
    {"list", "the theatre bookings of a day or period", list_usage, cmd_list},
};
#define N_THEATRE (sizeof theatre_subcmds / sizeof *theatre_subcmds)

static void theatre_help(FILE *f)
{
    fprintf(f, "Usage: carekey theatre COMMAND [OPTIONS]\n"
               "\n"
               "Operation theatre bookings in the hospital's ledger, with double-booking\n"
               "checks for theatres, surgeons and teams, and the patient's Procedure.\n"
               "\n"
               "Commands:\n");
    cli_print_subcmds(f, theatre_subcmds, N_THEATRE);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey theatre book --patient alice --theatre th-1 --surgeon dr-a --team nurse-a:scrub-nurse \\\n"
               "      --procedure-snomed 80146002 --display Appendectomy --start 2026-11-25T09:00 --end 2026-11-25T11:00\n"
               "  carekey theatre outcome --id <id> --status completed --result successful --outcome 'no complications'\n"
               "  carekey theatre list --date 2026-11-25\n"
               "\n"
               "Run 'carekey theatre COMMAND --help' for the options of a command.\n");
}

static int theatre_run(int argc, char **argv)
{
    return cli_dispatch("theatre", theatre_help, theatre_subcmds, N_THEATRE, argc, argv);
}

const cli_group cli_group_theatre = {"theatre", "operation theatre bookings: book, outcome, cancel, list", theatre_run};
