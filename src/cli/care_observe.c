/*
 * src/cli/care_observe.c - `carekey observe` over the node: vital signs and
 * laboratory results in the patient's record (section results,
 * docs/CARE.md), written by the clinician running the command.
 *
 *   observe --patient P hr=72 bp=120/80 temp=37.2 ...   (also: observe vitals ...)
 *   observe lab --patient P --loinc CODE --value V --unit U [--display TEXT]
 *   observe list --patient P [--category C] [--code LOINC] [--json]
 *
 * The node checks every value and writes the measurements as one entry
 * (ck_node_observe); this file parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "carekey/care.h"
#include "cli/care.h"

#define SECTION "results"
#define HISTORY_ROWS 20

#define OPT_LOINC 0x1505
#define OPT_VALUE 0x1506
#define OPT_UNIT 0x1507
#define OPT_DISPLAY 0x1508
#define OPT_CATEGORY 0x1509
#define OPT_CODE 0x150a
#define OPT_ENCOUNTER 0x1203
#define OPT_HISTORY 0x1204

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- listing ---------------------------------------------------------------------- */

typedef struct obs_filter {
    const char *category, *code;
} obs_filter;

static int row_wanted(const json_t *row, const obs_filter *f)
{
    return (!f->category || !strcmp(jstr(row, "category"), f->category)) &&
           (!f->code || !strcmp(jstr(row, "code"), f->code));
}

/* Rows of the Observations of a loaded book, oldest first by effective
 * time; rows without a readable time first; ties in record order. */
typedef struct timed_row {
    json_t *row;
    int has_time;
    int64_t t;
    size_t order;
} timed_row;

static int cmp_timed(const void *a, const void *b)
{
    const timed_row *x = a, *y = b;
    if (x->has_time != y->has_time) return x->has_time - y->has_time;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static json_t *observation_rows(const json_t *items, const obs_filter *f)
{
    json_t *rows = json_array(), *it;
    timed_row *v = NULL;
    size_t i, n = 0;
    if (!rows || !(v = calloc(json_array_size(items) + 1, sizeof *v))) goto fail;
    json_array_foreach(items, i, it) {
        json_t *row = ck_care_observation_row(ck_care_item_resource(it));
        if (!row) goto fail;
        if (!row_wanted(row, f)) {
            json_decref(row);
            continue;
        }
        v[n].row = row;
        v[n].has_time = ck_care_time_parse(jstr(row, "effective"), &v[n].t) == 0;
        v[n].order = n;
        n++;
    }
    qsort(v, n, sizeof *v, cmp_timed);
    for (i = 0; i < n; i++) {
        json_t *row = v[i].row;
        v[i].row = NULL;
        if (json_array_append_new(rows, row) != 0) goto fail;
    }
    free(v);
    return rows;
fail:
    for (i = 0; v && i < n; i++) json_decref(v[i].row);
    free(v);
    json_decref(rows);
    return NULL;
}

/* Prints the last max rows (0: all) as a table. */
static int print_rows(const cli_node *x, const char *patient, const json_t *rows, size_t max, size_t withheld)
{
    static const char *const cols[] = {"Effective", "Category", "LOINC", "Observation", "Value", "Unit", "Id"};
    size_t n = json_array_size(rows), first = max && n > max ? n - max : 0;
    char title[200], *text = NULL;
    ck_care_table *t;
    int built;
    snprintf(title, sizeof title, "%s of %s%s", max ? "Latest results" : "Results", patient, first ? " (latest)" : "");
    built = (t = ck_care_table_new(title, 7, cols)) != NULL;
    for (size_t i = first; built && i < n; i++) {
        const json_t *r = json_array_get(rows, i);
        const char *cells[7] = {jstr(r, "effective"), jstr(r, "category"), jstr(r, "code"), jstr(r, "display"),
                                jstr(r, "value"), jstr(r, "unit"), jstr(r, "id")};
        built = ck_care_table_add(t, cells) == 0;
    }
    if (!built || !(text = ck_care_table_text(t))) {
        ck_care_table_free(t);
        cli_error(x->cmd, "out of memory");
        return CLI_FAIL;
    }
    fputs(text, stdout);
    if (!ck_care_table_rows(t)) printf("(none recorded that you may read)\n");
    free(text);
    ck_care_table_free(t);
    if (first) printf("(%zu older results not shown)\n", first);
    if (withheld) printf("(%zu result entr%s not shared with you)\n", withheld, withheld == 1 ? "y" : "ies");
    return CLI_OK;
}

/* Rows of P's results (sections as the write reads them), printed. */
static int show_results(cli_node *x, const char *help, const char *patient, const char *sections, const obs_filter *f,
                        size_t max, int as_json)
{
    ck_node_items_out items;
    json_t *rows;
    int rc;
    if (ck_node_care_items(x->n, patient, sections, "Observation", &items) != 0) return cli_cn_fail(x, help);
    if (!(rows = observation_rows(items.items, f))) {
        cli_error(x->cmd, "out of memory");
        rc = CLI_FAIL;
    } else {
        rc = as_json ? cli_cn_json(x, rows) : print_rows(x, patient, rows, max, items.withheld);
    }
    json_decref(rows);
    ck_node_items_out_free(&items);
    return rc;
}

/* Checks (usage errors before anything opens), shows the history if
 * asked, writes, prints one line per Observation. */
static int write_observations(cli_node *x, const char *help, ck_node_observe_in *in, int history)
{
    static const obs_filter all = {NULL, NULL};
    ck_node_write_out out;
    ck_node_error e;
    const json_t *one;
    size_t i;
    int rc;
    memset(&out, 0, sizeof out);
    if (ck_node_observe_check(in, now_ms(), &e) != 0) {
        if (!strcmp(e.path, "at")) {
            cli_error(x->cmd, "%s", e.msg);
            return CLI_USAGE;
        }
        return cli_usage_error(x->cmd, help, "%s", e.msg);
    }
    if ((rc = cli_node_open(x)) != CLI_OK) return rc;
    if (history) {
        if ((rc = show_results(x, help, in->patient, SECTION ",encounters", &all, HISTORY_ROWS, 0)) != CLI_OK) return rc;
        putchar('\n');
    }
    if (ck_node_observe(x->n, in, &out) != 0) return cli_cn_fail(x, help);
    json_array_foreach(out.resource, i, one) {
        json_t *row = ck_care_observation_row(one);
        printf("observed Observation/%s patient %s %s %s %s\n", jstr(row, "id"), in->patient, jstr(row, "code"),
               jstr(row, "value"), jstr(row, "unit"));
        json_decref(row);
    }
    ck_node_write_out_free(&out);
    return CLI_OK;
}

#define OBS_LONGOPTS                                                                                      \
    {"patient", required_argument, NULL, 'p'}, {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,       \
        CLI_CARE_NODE_AT_LONGOPTS, {"encounter", required_argument, NULL, OPT_ENCOUNTER},                 \
        {"history", no_argument, NULL, OPT_HISTORY}

/* A shared option: 1 if taken. */
static int obs_option(cli_node *x, ck_node_observe_in *in, int *history, int o, const char *arg)
{
    if (cli_node_option(x, o, arg)) return 1;
    switch (o) {
    case 'p': in->patient = arg; return 1;
    case CLI_CARE_NODE_OPT_AT: in->at = arg; return 1;
    case OPT_ENCOUNTER: in->encounter = arg; return 1;
    case OPT_HISTORY: *history = 1; return 1;
    default: return 0;
    }
}

/* ---- vitals ------------------------------------------------------------------------- */

static const char vitals_usage[] =
    "Usage: carekey observe --patient P NAME=VALUE... [--at TIME] [--encounter ID] [OPTIONS]\n"
    "       carekey observe vitals --patient P NAME=VALUE... [...]\n"
    "\n"
    "Records vital signs of P, measured by you, in P's record (section results):\n"
    "one Observation (category vital-signs, status final, LOINC code, UCUM\n"
    "unit) per measurement, all in one entry. Values outside a plausible range\n"
    "are refused (exit 2), nothing is written then. Prints, per measurement,\n"
    "  observed Observation/<id> patient P LOINC VALUE UNIT\n"
    "\n"
    "  hr=72        heart rate, /min (8867-4)          20-300\n"
    "  rr=16        respiratory rate, /min (9279-1)    4-80\n"
    "  temp=37.2    body temperature, Cel (8310-5)     25-45\n"
    "  spo2=97      oxygen saturation, % (59408-5)     50-100\n"
    "  weight=70.5  body weight, kg (29463-7)          0.2-650\n"
    "  height=172   body height, cm (8302-2)           20-275\n"
    "  bmi=23.8     body mass index, kg/m2 (39156-5)   7-200\n"
    "  bp=120/80    blood pressure panel (85354-9), systolic (8480-6) 40-300 /\n"
    "               diastolic (8462-4) 20-200 mm[Hg]\n"
    "\n"
    "  --patient P          the patient\n"
    "  --at TIME            when measured (default now)\n"
    "  --encounter ID       the Encounter it belongs to (must be in P's record)\n"
    "  --history            print P's latest results first\n"
    "\n" CLI_COMMON_HELP;

static int cmd_vitals(int argc, char **argv)
{
    static const struct option lo[] = {OBS_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = argv[0] && !strcmp(argv[0], "vitals") ? "observe vitals" : "observe";
    ck_node_observe_in in;
    int o, rc, history = 0;
    cli_node x;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (obs_option(&x, &in, &history, o, optarg)) continue;
        if (o == 'h') return fputs(vitals_usage, stdout), CLI_OK;
        return CLI_USAGE;
    }
    /* the operands are the measurements */
    in.vitals = (const char *const *)(argv + optind);
    in.n_vitals = (size_t)(argc - optind);
    rc = write_observations(&x, help, &in, history);
    cli_cn_close(&x);
    return rc;
}

/* ---- lab ------------------------------------------------------------------------------ */

static const char lab_usage[] =
    "Usage: carekey observe lab --patient P --loinc CODE --value V --unit UNIT [--display TEXT]\n"
    "                           [--at TIME] [--encounter ID] [OPTIONS]\n"
    "\n"
    "Records a laboratory result of P in P's record (section results): an\n"
    "Observation (category laboratory, status final). The LOINC code's check\n"
    "digit and the UCUM unit's syntax are checked; vital signs go through\n"
    "'carekey observe NAME=VALUE'. Prints\n"
    "  observed Observation/<id> patient P LOINC VALUE UNIT\n"
    "\n"
    "  --patient P          the patient\n"
    "  --loinc CODE         LOINC code, e.g. 2345-7 (glucose)\n"
    "  --value V            a plain decimal number, e.g. 5.4\n"
    "  --unit UNIT          UCUM unit, e.g. mmol/L, mg/dL, 10*9/L, %\n"
    "  --display TEXT       what was measured, as text\n"
    "  --at TIME            when sampled (default now)\n"
    "  --encounter ID       the Encounter it belongs to (must be in P's record)\n"
    "  --history            print P's latest results first\n"
    "\n" CLI_COMMON_HELP;

static int cmd_lab(int argc, char **argv)
{
    static const struct option lo[] = {OBS_LONGOPTS,
                                       {"loinc", required_argument, NULL, OPT_LOINC},
                                       {"value", required_argument, NULL, OPT_VALUE},
                                       {"unit", required_argument, NULL, OPT_UNIT},
                                       {"display", required_argument, NULL, OPT_DISPLAY},
                                       {NULL, 0, NULL, 0}};
    const char *help = "observe lab";
    ck_node_observe_in in;
    int o, rc, history = 0;
    cli_node x;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (obs_option(&x, &in, &history, o, optarg)) continue;
        switch (o) {
        case OPT_LOINC: in.loinc = optarg; break;
        case OPT_VALUE: in.value = optarg; break;
        case OPT_UNIT: in.unit = optarg; break;
        case OPT_DISPLAY: in.display = optarg; break;
        case 'h': fputs(lab_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!in.loinc && !in.value && !in.unit) {
        /* lab input without its values: the patient, encounter and time
         * errors first (write_observations reports them), then this one */
        ck_node_observe_in probe = in;
        ck_node_error e;
        probe.loinc = "-";
        if (ck_node_observe_check(&probe, now_ms(), &e) == 0 || !strcmp(e.path, "lab"))
            return cli_usage_error(x.cmd, help, "--loinc, --value and --unit are required");
        in = probe;
    }
    rc = write_observations(&x, help, &in, history);
    cli_cn_close(&x);
    return rc;
}

/* ---- list ------------------------------------------------------------------------------ */

static const char list_usage[] =
    "Usage: carekey observe list --patient P [--category C] [--code LOINC] [--json] [OPTIONS]\n"
    "\n"
    "The Observations in P's verified record that you may read, oldest first:\n"
    "effective time, category, LOINC code, what, value, unit, id.\n"
    "\n"
    "  --patient P     the patient\n"
    "  --category C    only this category (vital-signs, laboratory, ...)\n"
    "  --code LOINC    only this code\n"
    "  --json          a JSON array of {id, category, code, display, value, unit,\n"
    "                  effective, status}\n"
    "\n" CLI_COMMON_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS,
                                       {"category", required_argument, NULL, OPT_CATEGORY},
                                       {"code", required_argument, NULL, OPT_CODE},
                                       {NULL, 0, NULL, 0}};
    const char *help = "observe list", *patient = NULL;
    obs_filter f = {NULL, NULL};
    int o, rc, as_json = 0;
    cli_node x;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'p') patient = optarg;
        else if (o == CLI_CARE_NODE_OPT_JSON) as_json = 1;
        else if (o == OPT_CATEGORY) f.category = optarg;
        else if (o == OPT_CODE) f.code = optarg;
        else if (o == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient || !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "--patient GID is required");
    if (f.code && ck_care_loinc_check(f.code, NULL) != 0)
        return cli_usage_error(x.cmd, help, "--code: '%s' is not a LOINC code", f.code);
    if (f.category && !ck_node_care_id_valid(f.category))
        return cli_usage_error(x.cmd, help, "--category: '%s' is not a category code", f.category);
    if ((rc = cli_node_open(&x)) == CLI_OK) rc = show_results(&x, help, patient, SECTION, &f, 0, as_json);
    cli_cn_close(&x);
    return rc;
}

/* ---- the group ---------------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"vitals", "record vital signs (also: carekey observe --patient P hr=72 ...)", vitals_usage, cmd_vitals},
    {"lab", "record a laboratory result (LOINC, UCUM)", lab_usage, cmd_lab},
    {"list", "the results of a patient", list_usage, cmd_list},
};

static void observe_help(FILE *f)
{
    fprintf(f, "Usage: carekey observe --patient P NAME=VALUE... [OPTIONS]\n"
               "       carekey observe SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Vital signs and laboratory results (FHIR Observation) in the patient's\n"
               "record, section results, written by the clinician running the command\n"
               "under the section's policy from the patient's sharing profile.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey observe --patient p1 hr=72 bp=120/80 temp=37.2 spo2=97\n"
               "  carekey observe lab --patient p1 --loinc 2345-7 --value 5.4 --unit mmol/L --display Glucose\n"
               "  carekey observe list --patient p1 --category vital-signs\n"
               "\n"
               "'carekey observe SUBCOMMAND --help' describes each one; docs/CARE.md the model.\n");
}

static int observe_run(int argc, char **argv)
{
    /* "observe --patient P hr=72": the measurements need no subcommand */
    if (argc >= 2 && !cli_is_help(argv[1]) && (argv[1][0] == '-' || strchr(argv[1], '=')))
        return cmd_vitals(argc, argv);
    return cli_dispatch("observe", observe_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_observe = {"observe", "vital signs and lab results: vitals, lab, list", observe_run};
