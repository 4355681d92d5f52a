/*
 * src/client/cli_audit.c - `carekey audit`: the server's audit log of a
 * record, for its owner (a patient, or an organization on its ledger) or
 * a delegate: who read and wrote what, when, for which purpose, and
 * whether the server allowed it.
 *
 *   audit --patient P [--limit N] [--json]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_ctx.h"

#define PAGE 500

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
    "\n" CLI_CTX_HELP;

static json_t *audit_row(const ck_net_audit *a)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:i}", "id", (json_int_t)a->id, "time", (json_int_t)a->time_ms,
                     "actor", a->actor, "action", a->action, "target", a->target, "purpose", a->purpose, "outcome",
                     a->outcome, "status", a->status);
}

/* Up to limit rows (0: all), page by page. */
static int fetch(cli_ctx *c, const char *patient, uint32_t limit, json_t *rows)
{
    ck_net_audit *v = NULL;
    size_t n = 0;
    int64_t after = 0;
    do {
        unsigned want = limit && limit - json_array_size(rows) < PAGE ? (unsigned)(limit - json_array_size(rows)) : PAGE;
        if (ck_net_audit_list(c->net, patient, after, want, &v, &n) != 0) return cli_ctx_net_error(c, patient);
        for (size_t i = 0; i < n; i++) json_array_append_new(rows, audit_row(&v[i]));
        if (n) after = v[n - 1].id;
        free(v);
        v = NULL;
        if (n < want) break;
    } while (!limit || json_array_size(rows) < limit);
    return CLI_OK;
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
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *patient = NULL;
    uint32_t limit = 0;
    int opt, as_json = 0, rc;
    json_t *rows = NULL;
    cli_ctx c;

    cli_ctx_init(&c, "audit");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, "audit")) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'h') {
            fputs(audit_usage, stdout);
            return CLI_OK;
        }
        if (opt == 'p') patient = optarg;
        else if (opt == 'j') as_json = 1;
        else if (opt == 'l' && cli_parse_u32(optarg, &limit) && limit > 0) continue;
        else if (opt == 'l') return cli_usage_error(c.cmd, "audit", "--limit: a positive number");
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(c.cmd, "audit", "unexpected argument '%s'", argv[optind]);
    if (patient == NULL || !ck_net_id_valid(patient))
        return cli_usage_error(c.cmd, "audit", "--patient GID is required");
    if ((rows = json_array()) == NULL) return CLI_FAIL;
    if ((rc = cli_ctx_net(&c)) == CLI_OK && (rc = fetch(&c, patient, limit, rows)) == CLI_OK) {
        if (as_json) {
            rc = json_dumpf(rows, stdout, JSON_INDENT(2)) == 0 ? CLI_OK : CLI_IO;
            fputc('\n', stdout);
        } else {
            cli_print_table(stdout, rows, cols, sizeof cols / sizeof *cols);
        }
    }
    json_decref(rows);
    cli_ctx_close(&c);
    return rc;
}

const cli_group cli_group_audit = {"audit", "the server's audit log of a record (owner or delegate)", audit_run};
