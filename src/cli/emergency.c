/*
 * src/cli/emergency.c - `carekey emergency` over the node
 * (carekey/node_emergency.h): break-glass from the physician's side and
 * the patient's view of it (docs/BREAK-GLASS.md).
 *
 *   emergency request --desk URL --patient P --reason TEXT [--minutes M]
 *   emergency show --patient P
 *   emergency events [--patient P]
 *
 * The node signs, talks to the desk, verifies and decrypts; this file
 * parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/fhir.h"
#include "carekey/node_care.h"
#include "carekey/node_emergency.h"
#include "carekey/report.h"
#include "cli/cli_node.h"

static const char request_usage[] =
    "Usage: carekey emergency request --desk URL --patient P --reason TEXT\n"
    "                                 [--minutes M | --seconds S] [--authority NAME]\n"
    "                                 [--json] [--request-out FILE | --request-in FILE]\n"
    "                                 [common options]\n"
    "\n"
    "Break-glass: asks the emergency desk at URL for the patient's emergency\n"
    "sections, signed with this person's key (the desk checks the directory role:\n"
    "emergency or doctor). The desk writes an AuditEvent into the patient's record\n"
    "and returns the sections' data keys sealed to this person for the window;\n"
    "the entries are read from carekeyd with purpose of use BTG, verified and\n"
    "decrypted here, and the emergency summary is printed.\n"
    "\n"
    "  --desk URL          the emergency desk (e.g. http://127.0.0.1:8600)\n"
    "  --patient P         the patient's GID\n"
    "  --reason TEXT       why (recorded in the patient's audit event; required)\n"
    "  --minutes M         access window (default 60; the desk caps it)\n"
    "  --seconds S         a window in seconds instead (drills and tests)\n"
    "  --authority NAME    the desk's authority (default " CK_NODE_BTG_DEFAULT_AUTHORITY ")\n"
    "  --json              print the report as JSON (carekey-report/1)\n"
    "  --request-out FILE  write the signed request to FILE and send nothing\n"
    "  --request-in FILE   send the signed request in FILE (written by --request-out,\n"
    "                      e.g. on another machine) instead of making one; the\n"
    "                      desk accepts it once, within 5 minutes of its time\n"
    "\n" CLI_COMMON_HELP;

static const char show_usage[] =
    "Usage: carekey emergency show --patient P [--grant FILE] [--json] [common options]\n"
    "\n"
    "Prints the emergency summary again from the break-glass grant kept by\n"
    "'emergency request' (HOME/break-glass/P.json, or FILE). Refused once the\n"
    "grant's window has ended.\n"
    "\n" CLI_COMMON_HELP;

static const char events_usage[] =
    "Usage: carekey emergency events [--patient P] [common options]\n"
    "\n"
    "The patient's view of break-glass: the AuditEvents the emergency desk wrote\n"
    "into her record (who, when, why, until when) and carekeyd's audit rows with\n"
    "purpose of use BTG or ETREAT. P defaults to this person.\n"
    "\n" CLI_COMMON_HELP;

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The summary of an opened grant, as text (with its header) or JSON. */
static int print_summary(cli_node *x, const ck_node_emergency_out *out, int as_json)
{
    ck_fhir_error ferr;
    char until[32], *text = NULL;
    if (as_json) {
        text = ck_fhir_json_dump(out->report, JSON_INDENT(2) | JSON_SORT_KEYS);
    } else if (ck_report_text(&text, out->report, &ferr) != CK_FHIR_OK) {
        cli_error(x->cmd, "emergency summary: %s", ferr.msg);
        return CLI_FAIL;
    }
    if (!text) {
        cli_error(x->cmd, "out of memory");
        return CLI_FAIL;
    }
    if (!as_json) {
        ck_node_btg_iso(until, out->expires_ms);
        printf("Break-glass: %s, via desk %s (authority %s), access until %s; audit event at seq %llu\n\n",
               out->patient, out->desk, out->authority, until, (unsigned long long)out->audit_seq);
    }
    fputs(text, stdout);
    if (text[0] && text[strlen(text) - 1] != '\n') fputc('\n', stdout);
    cli_free_secret((uint8_t *)text, strlen(text));
    return CLI_OK;
}

static int cmd_request(int argc, char **argv)
{
    static const struct option lo[] = {{"desk", required_argument, NULL, 'd'},
                                       {"patient", required_argument, NULL, 'p'},
                                       {"reason", required_argument, NULL, 'r'},
                                       {"minutes", required_argument, NULL, 'm'},
                                       {"seconds", required_argument, NULL, 's'},
                                       {"authority", required_argument, NULL, 'a'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"request-out", required_argument, NULL, 'o'},
                                       {"request-in", required_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency request --help", *req_out = NULL, *req_in = NULL;
    uint32_t minutes = 60, seconds = 0;
    ck_node_emergency_request_in in;
    ck_node_emergency_out out;
    ck_node_error e;
    uint8_t *buf = NULL;
    size_t blen = 0;
    char *body = NULL;
    int as_json = 0, o, rc;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, "emergency request");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'd': in.desk_url = optarg; break;
        case 'p': in.patient = optarg; break;
        case 'r': in.reason = optarg; break;
        case 'm':
            if (!cli_parse_u32(optarg, &minutes) || minutes < 1 || minutes > 24 * 60)
                return cli_usage_error(x.cmd, help, "--minutes takes 1..1440");
            break;
        case 's':
            if (!cli_parse_u32(optarg, &seconds) || seconds < 1 || seconds > 24 * 3600)
                return cli_usage_error(x.cmd, help, "--seconds takes 1..86400");
            break;
        case 'a': in.authority = optarg; break;
        case 'j': as_json = 1; break;
        case 'o': req_out = optarg; break;
        case 'i': req_in = optarg; break;
        case 'h': fputs(request_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (req_in && (!in.desk_url || req_out || in.patient || in.reason))
        return cli_usage_error(x.cmd, help, "--request-in takes --desk and no --patient, --reason or --request-out");
    if (!req_in && ((!in.desk_url && !req_out) || !in.patient || !in.reason))
        return cli_usage_error(x.cmd, help, "--desk, --patient and --reason are required");
    in.seconds = seconds ? seconds : minutes * 60;
    if (req_in) {
        if ((rc = cli_read_file(x.cmd, req_in, CK_NODE_BTG_TBS_MAX * 4, &buf, &blen)) != CLI_OK) return rc;
        in.signed_request = (const char *)buf;
        in.signed_len = blen;
    }
    if (ck_node_emergency_request_check(&in, &e) != 0) {
        if (req_in) {
            cli_error(x.cmd, "%s is not a break-glass request", req_in);
            rc = CLI_FAIL;
        } else {
            rc = cli_usage_error(x.cmd, help, "%s", e.msg);
        }
        goto out;
    }
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (req_out) {
        if (ck_node_emergency_sign(x.n, &in, &body) != 0) rc = cli_node_fail(&x);
        else rc = cli_write_file(x.cmd, req_out, (const uint8_t *)body, strlen(body), 0600, 0);
        goto out;
    }
    if (ck_node_emergency_request(x.n, &in, &out) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    rc = print_summary(&x, &out, as_json);
out:
    ck_node_emergency_out_free(&out);
    if (body) cli_free_secret((uint8_t *)body, strlen(body));
    free(buf);
    cli_node_close(&x);
    return rc;
}

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"grant", required_argument, NULL, 'g'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency show --help", *patient = NULL, *file = NULL;
    ck_node_emergency_out out;
    int as_json = 0, o, rc;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, "emergency show");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': patient = optarg; break;
        case 'g': file = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': fputs(show_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc || (!patient && !file)) return cli_usage_error(x.cmd, help, "--patient (or --grant) is required");
    if (patient && !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "'%s' is not a valid GID", patient);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_emergency_show(x.n, patient, file, &out) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    rc = print_summary(&x, &out, as_json);
out:
    ck_node_emergency_out_free(&out);
    cli_node_close(&x);
    return rc;
}

static void print_event(const json_t *ev)
{
    const char *name = jstr(ev, "name");
    printf("  [seq %lld, written by %s]\n", (long long)json_integer_value(json_object_get(ev, "seq")), jstr(ev, "author"));
    if (json_is_true(json_object_get(ev, "refused"))) {
        /* an authenticated request the desk refused: nothing was released */
        printf("  %s  physician %s%s%s%s  via %s  REFUSED: %s\n", jstr(ev, "recorded"), jstr(ev, "physician"),
               *name ? " (" : "", name, *name ? ")" : "", jstr(ev, "desk"),
               *jstr(ev, "outcome") ? jstr(ev, "outcome") : "refused");
        printf("      reason given: %s\n", jstr(ev, "reason"));
        return;
    }
    printf("  %s  physician %s%s%s%s  via %s  until %s\n", jstr(ev, "recorded"), jstr(ev, "physician"),
           *name ? " (" : "", name, *name ? ")" : "", jstr(ev, "desk"), jstr(ev, "until"));
    printf("      reason: %s\n      sections: %s\n", jstr(ev, "reason"),
           *jstr(ev, "sections") ? jstr(ev, "sections") : "?");
}

static int cmd_events(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency events --help", *patient = NULL;
    ck_node_emergency_events_out out;
    const json_t *it;
    size_t i;
    int o, rc;
    cli_node x;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, "emergency events");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': patient = optarg; break;
        case 'h': fputs(events_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (patient && !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "'%s' is not a valid GID", patient);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_emergency_events(x.n, patient, &out) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("Break-glass events in the record of %s:\n", out.patient);
    json_array_foreach(out.events, i, it) print_event(it);
    if (!json_array_size(out.events)) printf("  (none)\n");
    printf("Server audit rows with purpose BTG or ETREAT:\n");
    json_array_foreach(out.audit, i, it)
        printf("  %s  %-16s %-13s %-14s %-6s %s\n", jstr(it, "time"), jstr(it, "actor"), jstr(it, "action"),
               jstr(it, "target"), jstr(it, "purpose"), jstr(it, "outcome"));
    if (!json_array_size(out.audit)) printf("  (none)\n");
out:
    ck_node_emergency_events_out_free(&out);
    cli_node_close(&x);
    return rc;
}

static const cli_subcmd emergency_subcmds[] = {
    {"request", "break the glass: get a patient's emergency summary via the desk", request_usage, cmd_request},
    {"show", "show the emergency summary again while the grant lasts", show_usage, cmd_show},
    {"events", "the patient: break-glass events in her record and the server audit", events_usage, cmd_events},
};

static void emergency_help(FILE *f)
{
    fputs("Usage: carekey emergency SUBCOMMAND [OPTIONS]\n\n"
          "Break-glass access through the emergency desk, audited in the patient's record.\n\n"
          "Subcommands:\n",
          f);
    cli_print_subcmds(f, emergency_subcmds, sizeof emergency_subcmds / sizeof *emergency_subcmds);
}

static int emergency_run(int argc, char **argv)
{
    return cli_dispatch("emergency", emergency_help, emergency_subcmds,
                        sizeof emergency_subcmds / sizeof *emergency_subcmds, argc, argv);
}

const cli_group cli_group_emergency = {"emergency", "break-glass: request, show, events", emergency_run};
