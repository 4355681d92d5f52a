/*
 * src/cli/report.c - `carekey report` and `carekey research` over the node
 * (carekey/node_report.h).
 *
 *   report personal|professional|research --patient P [--json]
 *   research publish --patient P      (the patient's client)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_report.h"
#include "cli/cli_node.h"

/* ---- report -------------------------------------------------------------------- */

static const char report_usage[] =
    "Usage: carekey report personal|professional|research --patient P [--json]\n"
    "\n"
    "Verifies P's record, opens what this person can read and prints a report:\n"
    "  personal      family: demographics, contacts, allergies, medications, appointments\n"
    "  professional  clinicians: demographics and the clinical sections\n"
    "  research      the de-identified copy the patient published ('carekey research\n"
    "                publish'); never built from identified data\n"
    "Sections this person cannot read are shown as \"not shared with you\".\n"
    "Nothing is shown if the record does not verify (exit 1).\n"
    "\n"
    "  --json   the report as JSON (schema carekey-report/1)\n"
    "\n" CLI_COMMON_HELP;

static ck_report_kind report_kind(const char *name)
{
    if (strcmp(name, "personal") == 0) return CK_REPORT_PERSONAL;
    if (strcmp(name, "professional") == 0) return CK_REPORT_PROFESSIONAL;
    return CK_REPORT_RESEARCH;
}

static int print_report(cli_node *x, const json_t *rep, int json_out)
{
    ck_fhir_error fe;
    char *text = NULL;
    memset(&fe, 0, sizeof fe);
    if (json_out) text = ck_fhir_json_dump(rep, JSON_INDENT(2));
    else if (ck_report_text(&text, rep, &fe) != CK_FHIR_OK) {
        cli_error(x->cmd, "building the report: %s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        return CLI_FAIL;
    }
    if (text) fputs(text, stdout);
    if (text && text[0] && text[strlen(text) - 1] != '\n') fputc('\n', stdout);
    if (text) cli_free_secret((uint8_t *)text, strlen(text));
    return CLI_OK;
}

static int cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "report", *patient = NULL;
    ck_report_kind kind = report_kind(argv[0]);
    ck_node_report_out out;
    char cmdname[64];
    int json_out = 0, opt, rc;
    cli_node x;

    snprintf(cmdname, sizeof cmdname, "report %s", argv[0]);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, cmdname);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'j') json_out = 1;
        else if (opt == 'h') return fputs(report_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) == CLI_OK) {
        if (ck_node_report(x.n, patient, kind, &out) != 0) rc = cli_node_fail(&x);
        else rc = print_report(&x, out.report, json_out);
    }
    ck_node_report_out_free(&out);
    cli_node_close(&x);
    return rc;
}

static void report_help(FILE *f) { fputs(report_usage, f); }

static const cli_subcmd report_subcmds[] = {
    {"personal", "the family's report", report_usage, cmd_report},
    {"professional", "the clinicians' report", report_usage, cmd_report},
    {"research", "the de-identified research view", report_usage, cmd_report},
};

static int report_run(int argc, char **argv)
{
    return cli_dispatch("report", report_help, report_subcmds, 3, argc, argv);
}

const cli_group cli_group_report = {"report", "reports of a record: personal, professional, research", report_run};

/* ---- research publish -------------------------------------------------------------- */

static const char publish_usage[] =
    "Usage: carekey research publish --patient P [common options]\n"
    "\n"
    "Run by the patient: verifies and opens her record, de-identifies it here\n"
    "(HIPAA Safe Harbor: names, contacts, identifiers, full dates, small ZIPs,\n"
    "ages over 89, free text removed; fresh random ids) and appends the copy as\n"
    "section \"research\", sealed under the profile's research policy, in parts\n"
    "of at most 512 KiB written as one batch. Researchers read only the latest\n"
    "copy ('carekey report research'). Nothing is published while an import is\n"
    "interrupted (the record is incomplete).\n"
    "\n" CLI_COMMON_HELP;

static int cmd_publish(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "research publish", *patient = NULL;
    ck_node_publish_out out;
    cli_node x;
    int opt, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(publish_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_research_publish(x.n, patient, &out) != 0) {
        rc = cli_node_fail(&x);
        if (out.plan_failed) cli_error(x.cmd, "nothing was written to %s's record", patient);
        goto out;
    }
    printf("published a de-identified copy (%zu resources) in %zu part%s of %s's record\n", out.n_items, out.n_parts,
           out.n_parts == 1 ? "" : "s", patient);
out:
    cli_node_close(&x);
    return rc;
}

static void research_help(FILE *f)
{
    fprintf(f, "Usage: carekey research publish --patient P\n\n"
               "  publish  de-identify the patient's record and append it for researchers\n"
               "\nRun 'carekey research publish --help' for the options.\n");
}

static const cli_subcmd research_subcmds[] = {
    {"publish", "de-identify the record and append it for researchers", publish_usage, cmd_publish},
};

static int research_run(int argc, char **argv)
{
    return cli_dispatch("research", research_help, research_subcmds, 1, argc, argv);
}

const cli_group cli_group_research = {"research", "the de-identified research copy of a record: publish",
                                      research_run};
