/*
 * src/client/cli_care_mis.c - `carekey mis`: the management information
 * reports of a hospital over its ledger (docs/CARE.md, "MIS reports").
 *
 *   mis admissions|occupancy|outpatient|prescriptions|theatre|all
 *       [--hospital ORG] --period P [--csv | --json] [--out FILE]
 *
 * The ledger is fetched, verified and opened once, only the sections the
 * reports need; the units come from the directory; the counting is done by
 * the care library (ck_care_mis_*), which filters the items by period. A
 * ledger entry the reader cannot open makes the figures wrong, so it stops
 * the report instead of being left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

#define OPT_PERIOD 0x1701
#define OPT_CSV 0x1702
#define OPT_JSON 0x1703
#define OPT_OUT 0x1704

typedef ck_care_table *(*report_fn)(const json_t *items, const json_t *units, const ck_care_period *p,
                                    ck_care_error *err);

static ck_care_table *prescriptions(const json_t *items, const json_t *units, const ck_care_period *p,
                                    ck_care_error *err)
{
    (void)units;
    return ck_care_mis_prescriptions(items, p, err);
}

static const struct report {
    const char *name, *section, *summary;
    report_fn run;
} reports[] = {
    {"admissions", "ward", "admissions and discharges per ward", ck_care_mis_admissions},
    {"occupancy", "ward", "bed occupancy per ward (occupied / available bed-days)", ck_care_mis_occupancy},
    {"outpatient", "clinic", "outpatient and emergency visits per department", ck_care_mis_outpatient},
    {"prescriptions", "rx", "prescriptions per drug", prescriptions},
    {"theatre", "theatre", "theatre utilisation: booked and used hours per theatre", ck_care_mis_theatre},
};
#define N_REPORTS (sizeof reports / sizeof *reports)

typedef enum { OUT_TEXT, OUT_CSV, OUT_JSON } out_format;

typedef struct mis_run {
    cli_ctx *c;
    const char *org;
    ck_care_period period;
    const char *period_text;
    out_format format;
    json_t *units;
    cli_care_book book;
    int loaded;
} mis_run;

/* "ward,clinic" of the reports to run (first..last), no repeats. */
static void sections_of(char *out, size_t cap, size_t first, size_t last)
{
    out[0] = 0;
    for (size_t i = first; i <= last; i++) {
        if (strstr(out, reports[i].section)) continue;
        if (out[0]) strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, reports[i].section, cap - strlen(out) - 1);
    }
}

static int load(mis_run *m, const char *sections)
{
    int rc;
    if ((rc = cli_ctx_net(m->c)) != CLI_OK) return rc;
    if (ck_net_units_list(m->c->net, m->org, NULL, &m->units) != 0)
        return cli_ctx_net_error(m->c, "listing the hospital's units");
    if (!json_is_array(m->units)) {
        cli_error(m->c->cmd, "the directory's unit list of %s is malformed", m->org);
        return CLI_FAIL;
    }
    m->loaded = 1;
    if ((rc = cli_care_book_load(&m->book, m->c, m->org, sections)) != CLI_OK) return rc;
    if (m->book.withheld || m->book.bad) {
        cli_error(m->c->cmd, "%zu entr%s of %s's ledger (%s) cannot be opened%s; the figures would be wrong",
                  m->book.withheld + m->book.bad, m->book.withheld + m->book.bad == 1 ? "y" : "ies", m->org, sections,
                  m->book.withheld ? " with your keys (staff@ORG is needed)" : " or parsed");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static ck_care_table *run_one(mis_run *m, const struct report *r)
{
    json_t *items = cli_care_book_select(&m->book, r->section, NULL);
    ck_care_error err;
    ck_care_table *t;
    memset(&err, 0, sizeof err);
    if (!items) {
        cli_error(m->c->cmd, "out of memory");
        return NULL;
    }
    t = r->run(items, m->units, &m->period, &err);
    json_decref(items);
    if (!t) cli_error(m->c->cmd, "%s: %s: %s", r->name, err.code[0] ? err.code : "error", err.msg);
    return t;
}

/* Appends text to *out (malloc'ed, grows). 0 or -1. */
static int append(char **out, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *p = realloc(*out, *len + n + 1);
    if (!p) return -1;
    memcpy(p + *len, text, n + 1);
    *out = p;
    *len += n;
    return 0;
}

/* The CSV of several tables: each preceded by a one-cell row with its
 * title, an empty line between them. */
static int csv_titled(char **out, size_t *len, const ck_care_table *t, int first)
{
    json_t *j = ck_care_table_json(t);
    const char *title = json_string_value(json_object_get(j, "title"));
    const char *cols[1] = {title ? title : ""};
    ck_care_table *head = ck_care_table_new(NULL, 1, cols);
    char *h = head ? ck_care_table_csv(head) : NULL, *body = ck_care_table_csv(t);
    int rc = (!h || !body || (!first && append(out, len, "\r\n")) || append(out, len, h) ||
              append(out, len, body)) ? -1 : 0;
    free(h);
    free(body);
    ck_care_table_free(head);
    json_decref(j);
    return rc;
}

static json_t *json_titled(const mis_run *m, const ck_care_table *t, const char *name)
{
    json_t *j = ck_care_table_json(t);
    if (j && (json_object_set_new(j, "report", json_string(name)) || json_object_set_new(j, "hospital", json_string(m->org)) ||
              json_object_set_new(j, "period", json_string(m->period_text)))) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* Runs reports first..last and renders them into *out. */
static int render(mis_run *m, size_t first, size_t last, char **out)
{
    json_t *all = NULL, *arr = NULL;
    size_t len = 0;
    int rc = CLI_FAIL;
    *out = NULL;
    if (m->format == OUT_JSON && first != last) {
        all = json_pack("{s:s,s:s,s:[]}", "hospital", m->org, "period", m->period_text, "reports");
        if (!all) goto nomem;
        arr = json_object_get(all, "reports");
    }
    for (size_t i = first; i <= last; i++) {
        ck_care_table *t = run_one(m, &reports[i]);
        char *s = NULL;
        int bad = 0;
        if (!t) goto out;
        switch (m->format) {
        case OUT_TEXT:
            bad = !(s = ck_care_table_text(t)) || (i > first && append(out, &len, "\n")) || append(out, &len, s);
            break;
        case OUT_CSV:
            if (first == last) bad = !(s = ck_care_table_csv(t)) || append(out, &len, s);
            else bad = csv_titled(out, &len, t, i == first) != 0;
            break;
        case OUT_JSON: {
            json_t *j = json_titled(m, t, reports[i].name);
            if (arr) {
                bad = json_array_append_new(arr, j) != 0;
            } else {
                bad = !j || !(s = json_dumps(j, JSON_INDENT(2))) || append(out, &len, s) || append(out, &len, "\n");
                json_decref(j);
            }
            break;
        }
        }
        free(s);
        ck_care_table_free(t);
        if (bad) goto nomem;
    }
    if (all) {
        char *s = json_dumps(all, JSON_INDENT(2));
        int bad = !s || append(out, &len, s) || append(out, &len, "\n");
        free(s);
        if (bad) goto nomem;
    }
    rc = CLI_OK;
    goto out;
nomem:
    cli_error(m->c->cmd, "out of memory");
out:
    json_decref(all);
    if (rc != CLI_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

static const char mis_usage[] =
    "Usage: carekey mis REPORT --period PERIOD [--hospital ORG] [--csv | --json] [--out FILE] [OPTIONS]\n"
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
    "  --out FILE       write to FILE (mode 0600, replaced atomically), not stdout\n" CLI_CARE_ORG_HELP
    "\n" CLI_CTX_HELP;

static int mis_report(int argc, char **argv)
{
    static const struct option lo[] = {{"period", required_argument, NULL, OPT_PERIOD},
                                       {"csv", no_argument, NULL, OPT_CSV},
                                       {"json", no_argument, NULL, OPT_JSON},
                                       {"out", required_argument, NULL, OPT_OUT},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_ORG_LONGOPTS,
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *name = argv[0], *period = NULL, *org_opt = NULL, *out_path = NULL;
    char cmd[48], help[48], org[CK_NET_ID_MAX + 1], sections[64], *text = NULL;
    size_t first = 0, last = N_REPORTS - 1;
    int o, rc, formats = 0;
    mis_run m;
    cli_ctx c;

    snprintf(cmd, sizeof cmd, "mis %s", name);
    snprintf(help, sizeof help, "mis");
    memset(&m, 0, sizeof m);
    cli_ctx_init(&c, cmd);
    m.c = &c;
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        switch (o) {
        case OPT_PERIOD: period = optarg; break;
        case OPT_CSV: m.format = OUT_CSV, formats++; break;
        case OPT_JSON: m.format = OUT_JSON, formats++; break;
        case OPT_OUT: out_path = optarg; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(mis_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (formats > 1) return cli_usage_error(c.cmd, help, "give at most one of --csv and --json");
    if (!period) return cli_usage_error(c.cmd, help, "--period is required (e.g. 2026-11)");
    if (ck_care_period_parse(period, &m.period) != 0)
        return cli_usage_error(c.cmd, help, "--period: '%s' is not YYYY-MM, YYYY-MM-DD or FROM..TO", period);
    if (out_path && !*out_path) return cli_usage_error(c.cmd, help, "--out needs a file name");
    m.period_text = period;
    if (strcmp(name, "all") != 0) {
        for (first = 0; first < N_REPORTS && strcmp(reports[first].name, name); first++) {}
        last = first;
    }
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK) goto out;
    m.org = org;
    sections_of(sections, sizeof sections, first, last);
    if ((rc = load(&m, sections)) != CLI_OK) goto out;
    if ((rc = render(&m, first, last, &text)) != CLI_OK) goto out;
    if (out_path) {
        rc = cli_write_file(c.cmd, out_path, (const uint8_t *)text, strlen(text), 0600, 0);
        if (rc == CLI_OK) printf("wrote %s report%s of %s for %s to %s\n", name, first == last ? "" : "s", org, period,
                                 out_path);
    } else {
        fputs(text, stdout);
    }
out:
    free(text);
    json_decref(m.units);
    if (m.loaded) cli_care_book_free(&m.book);
    cli_ctx_close(&c);
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
    fprintf(f, "Usage: carekey mis REPORT --period PERIOD [--hospital ORG] [--csv | --json] [--out FILE]\n"
               "\n"
               "Management information reports over a hospital's ledger, for its staff.\n"
               "\n"
               "Reports:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey mis occupancy --period 2026-11\n"
               "  carekey mis all --hospital hosp-a --period 2026-11 --csv --out mis-2026-11.csv\n"
               "\n"
               "'carekey mis REPORT --help' describes the options; docs/CARE.md the model.\n");
}

static int mis_run_group(int argc, char **argv)
{
    return cli_dispatch("mis", mis_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_mis = {"mis", "MIS reports: admissions, occupancy, visits, prescriptions, theatre",
                                 mis_run_group};
