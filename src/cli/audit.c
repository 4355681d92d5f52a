/*
 * src/cli/audit.c - `carekey audit` over the node (carekey/node_fhir.h):
 * the server's audit log of a record, for its owner (a patient, or an
 * organization on its ledger) or a delegate: who read and wrote what,
 * when, for which purpose, and whether the server allowed it.
 *
 *   audit --patient P [--limit N] [--json]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_fhir.h"
#include "cli/cli_node.h"

static const char audit_usage[] =
    "Usage: carekey audit --patient GID [--limit N] [--json] [common options]\n"
    "\n"
    "Prints the server's audit log of GID's record, oldest first: time, actor,\n"
    "action, target, purpose of use, outcome and HTTP status. For the record's\n"
    "owner (a patient, or an organization on its ledger) and her delegates.\n"
    "\n"
    "  --patient GID  whose record (also an organization's GID)\n"
    "  --limit N      at most N rows (default: all)\n"
    "  --json         the server's rows as JSON\n"
    "\n" CLI_COMMON_HELP;

static json_t *audit_rows(const ck_node_audit_row *v, size_t n)
{
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < n; i++)
        json_array_append_new(rows, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)v[i].id, "time",
                                              (json_int_t)v[i].time_ms, "actor", v[i].actor, "action", v[i].action,
                                              "target", v[i].target, "purpose", v[i].purpose, "outcome", v[i].outcome,
                                              "status", v[i].status));
    return rows;
}

static const cli_column cols[] = {{"TIME", "time", 1},      {"ACTOR", "actor", 0},     {"ACTION", "action", 0},
                                  {"TARGET", "target", 0},  {"PURPOSE", "purpose", 0}, {"OUTCOME", "outcome", 0},
                                  {"STATUS", "status", 0}};

static int audit_run(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *patient = NULL;
    uint32_t limit = 0;
    int opt, as_json = 0, rc;
    ck_node_audit_row *v = NULL;
    size_t n = 0;
    json_t *rows = NULL;
    cli_node x;

    cli_node_init(&x, "audit");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, "audit")) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'h') {
            fputs(audit_usage, stdout);
            return CLI_OK;
        }
        if (opt == 'p') patient = optarg;
        else if (opt == 'j') as_json = 1;
        else if (opt == 'l' && cli_parse_u32(optarg, &limit) && limit > 0) continue;
        else if (opt == 'l') return cli_usage_error(x.cmd, "audit", "--limit: a positive number");
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, "audit", "unexpected argument '%s'", argv[optind]);
    if (patient == NULL || !ck_net_id_valid(patient))
        return cli_usage_error(x.cmd, "audit", "--patient GID is required");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_audit_list(x.n, patient, 0, limit, &v, &n) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (!(rows = audit_rows(v, n))) {
        rc = CLI_FAIL;
        goto out;
    }
    if (as_json) {
        rc = json_dumpf(rows, stdout, JSON_INDENT(2)) == 0 ? CLI_OK : CLI_IO;
        fputc('\n', stdout);
    } else {
        cli_print_table(stdout, rows, cols, sizeof cols / sizeof *cols);
    }
out:
    json_decref(rows);
    free(v);
    cli_node_close(&x);
    return rc;
}

const cli_group cli_group_audit = {"audit", "the server's audit log of a record (owner or delegate)", audit_run};
