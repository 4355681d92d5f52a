/*
 * src/cli/care_mis.c - `carekey mis` over the node: the management
 * information reports of a hospital over its ledger (docs/CARE.md, "MIS
 * reports"), counted and rendered by the node (ck_node_mis_run); this
 * file parses the options and writes the text to stdout or --out.
 *
 *   mis admissions|occupancy|outpatient|prescriptions|theatre|all
 *       [--org ORG] --period P [--csv | --json] [--out FILE]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/care.h"

#define OPT_PERIOD 0x1701
#define OPT_CSV 0x1702
#define OPT_JSON 0x1703
#define OPT_OUT 0x1704

static const char mis_usage[] =
    "Usage: carekey mis REPORT --period PERIOD [--org ORG] [--csv | --json] [--out FILE] [OPTIONS]\n"
    "\n"
    "Management information of a hospital, counted from its verified ledger\n"
    "(readable by staff@ORG only) and its units in the directory. REPORT is\n"
    "  admissions     admissions and discharges per ward (ledger section ward)\n"
    "  occupancy      per ward: stays, occupied bed-days (the part of each stay\n"
    "                 inside the period; a stay still open counts to the period's\n"
    "                 end), available bed-days (beds x days), occupancy %\n"
    "  outpatient     outpatient (AMB) and emergency (EMER) visits per department\n"
    "                 (section clinic)\n"
    "  prescriptions  prescriptions per drug (section rx)\n"
    "  theatre        booked and used theatre hours per theatre (section theatre)\n"
    "  all            every report above\n"
    "Every ward / department / theatre of the directory has a row, zeros\n"
    "included, and a total row ends each table. Encounters entered in error or\n"
    "cancelled are not counted. The ledger is read once. A ledger entry you\n"
    "cannot open, or one that is not what its section holds, stops the report\n"
    "(exit 1) rather than giving wrong figures.\n"
    "\n"
    "  --period PERIOD  a month 2026-11, a day 2026-11-24, or 2026-11-01..2026-11-15\n"
    "                   (both days included); UTC\n"
    "  --csv            RFC 4180 CSV (CRLF; cells that a spreadsheet would run as a\n"
    "                   formula get a leading '); with all: each table preceded by\n"
    "                   a row holding its title, an empty line between tables\n"
    "  --json           {report, hospital, period, title, columns, rows}; with all:\n"
    "                   {hospital, period, reports: [...]}\n"
    "  --out FILE       write to FILE (mode 0600, replaced atomically), not stdout\n" CLI_CARE_NODE_ORG_HELP
    "\n" CLI_COMMON_HELP;

static int mis_report(int argc, char **argv)
{
    static const struct option lo[] = {{"period", required_argument, NULL, OPT_PERIOD},
                                       {"csv", no_argument, NULL, OPT_CSV},
                                       {"json", no_argument, NULL, OPT_JSON},
                                       {"out", required_argument, NULL, OPT_OUT},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *name = argv[0], *org_opt = NULL, *out_path = NULL, *help = "mis";
    char cmd[48];
    int o, rc, formats = 0;
    ck_node_mis_in in;
    ck_node_mis_out out;
    ck_node_error e;
    cli_node x;

    snprintf(cmd, sizeof cmd, "mis %s", name);
    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, cmd);
    in.report = name;
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case OPT_PERIOD: in.period = optarg; break;
        case OPT_CSV: in.format = CK_NODE_MIS_CSV, formats++; break;
        case OPT_JSON: in.format = CK_NODE_MIS_JSON, formats++; break;
        case OPT_OUT: out_path = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(mis_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (formats > 1) return cli_usage_error(x.cmd, help, "give at most one of --csv and --json");
    in.org = cli_cn_org(org_opt);
    /* the period before anything opens; the organization is the node's */
    if (ck_node_mis_check(&in, &e) != 0 && strcmp(e.path, "hospital") != 0)
        return cli_usage_error(x.cmd, help, "%s", e.msg);
    if (out_path && !*out_path) return cli_usage_error(x.cmd, help, "--out needs a file name");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_mis_run(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    if (out_path) {
        rc = cli_write_file(x.cmd, out_path, (const uint8_t *)out.text, strlen(out.text), 0600, 0);
        if (rc == CLI_OK)
            printf("wrote %s report%s of %s for %s to %s\n", name, out.n_reports == 1 ? "" : "s", out.org, in.period,
                   out_path);
    } else {
        fputs(out.text, stdout);
    }
out:
    ck_node_mis_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

static const cli_subcmd subcmds[] = {
    {"admissions", "admissions and discharges per ward", mis_usage, mis_report},
    {"occupancy", "bed occupancy per ward", mis_usage, mis_report},
    {"outpatient", "outpatient and emergency visits per department", mis_usage, mis_report},
    {"prescriptions", "prescriptions per drug", mis_usage, mis_report},
    {"theatre", "theatre utilisation per theatre", mis_usage, mis_report},
    {"all", "every report", mis_usage, mis_report},
};

static void mis_help(FILE *f)
{
    fprintf(f, "Usage: carekey mis REPORT --period PERIOD [--org ORG] [--csv | --json] [--out FILE]\n"
               "\n"
               "Management information reports over a hospital's ledger, for its staff.\n"
               "\n"
               "Reports:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey mis occupancy --period 2026-11\n"
               "  carekey mis all --org hosp-a --period 2026-11 --csv --out mis-2026-11.csv\n"
               "\n"
               "'carekey mis REPORT --help' describes the options; docs/CARE.md the model.\n");
}

static int mis_run_group(int argc, char **argv)
{
    return cli_dispatch("mis", mis_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_mis = {"mis", "MIS reports: admissions, occupancy, outpatient, prescriptions, theatre, all",
                                 mis_run_group};
