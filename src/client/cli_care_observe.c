/*
 * src/client/cli_care_observe.c - `carekey observe`: vital signs and
 * laboratory results in the patient's record (section results, docs/CARE.md),
 * written by the clinician running the command under the section's policy
 * from the patient's sharing profile.
 *
 *   observe --patient P hr=72 bp=120/80 temp=37.2 ...   (also: observe vitals ...)
 *   observe lab --patient P --loinc CODE --value V --unit U [--display TEXT]
 *   observe list --patient P [--category C] [--code LOINC] [--json]
 *
 * One command, one entry: the measurements taken together are one entry
 * holding an array of Observations (one per measurement, each with its own
 * id), so a round of vitals is written whole or not at all; readers split
 * the array into items again (cli_rec_payload_items). A single measurement
 * is written as the resource itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

#define SECTION "results"
#define MAX_MEASUREMENTS 32
#define HISTORY_ROWS 20

#define OPT_LOINC 0x1505
#define OPT_VALUE 0x1506
#define OPT_UNIT 0x1507
#define OPT_DISPLAY 0x1508
#define OPT_CATEGORY 0x1509
#define OPT_CODE 0x150a

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static ck_care_obs_in obs_input(const cli_care_cmd *k, const char *performer)
{
    ck_care_obs_in in;
    memset(&in, 0, sizeof in);
    in.patient = k->patient;
    in.performer = performer;
    in.encounter = k->encounter;
    in.at_ms = k->at_ms;
    return in;
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

static json_t *observation_rows(const cli_care_book *b, const obs_filter *f)
{
    json_t *items = cli_care_book_select(b, SECTION, "Observation"), *rows = json_array(), *it;
    timed_row *v = NULL;
    size_t i, n = 0;
    if (!items || !rows || !(v = calloc(json_array_size(items) + 1, sizeof *v))) goto fail;
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
    json_decref(items);
    return rows;
fail:
    for (i = 0; v && i < n; i++) json_decref(v[i].row);
    free(v);
    json_decref(items);
    json_decref(rows);
    return NULL;
}

/* Prints the last max rows (0: all) as a table. */
static int print_rows(const cli_ctx *c, const char *patient, const json_t *rows, size_t max, size_t withheld)
{
    static const char *const cols[] = {"Effective", "Category", "LOINC", "Observation", "Value", "Unit", "Id"};
    size_t n = json_array_size(rows), first = max && n > max ? n - max : 0;
    char title[200];
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
    if (cli_care_print_table(c, t, built) != CLI_OK) return CLI_FAIL;
    if (first) printf("(%zu older results not shown)\n", first);
    cli_care_print_withheld(withheld, "result");
    return CLI_OK;
}

/* --history: P's latest results. */
static int show_history(cli_care_cmd *k, const cli_care_book *b)
{
    static const obs_filter all = {NULL, NULL};
    json_t *rows = observation_rows(b, &all);
    int rc = rows ? print_rows(&k->c, k->patient, rows, HISTORY_ROWS, b->withheld) : CLI_FAIL;
    json_decref(rows);
    if (rc == CLI_OK) putchar('\n');
    return rc;
}

/* Opens the connection (the author is the person running the command),
 * shows the history if asked, writes payload, prints one line per
 * Observation. */
static int write_observations(cli_care_cmd *k, json_t *(*build)(cli_care_cmd *, const char *performer, void *),
                              void *arg)
{
    cli_care_book b;
    json_t *payload = NULL, *one;
    ck_care_error err;
    int rc;
    size_t i;
    memset(&b, 0, sizeof b);
    memset(&err, 0, sizeof err);
    if ((rc = cli_care_cmd_open(k)) != CLI_OK || (rc = cli_care_cmd_context(k, &b, SECTION, show_history)) != CLI_OK)
        goto out;
    rc = CLI_FAIL;
    if (!(payload = build(k, k->author, arg))) goto out;
    one = json_array_size(payload) == 1 ? json_array_get(payload, 0) : payload;
    if ((rc = cli_care_put(&k->w, k->patient, SECTION, one, NULL, NULL, NULL)) != CLI_OK) goto out;
    json_array_foreach(payload, i, one) {
        json_t *row = ck_care_observation_row(one);
        printf("observed Observation/%s patient %s %s %s %s\n", jstr(row, "id"), k->patient, jstr(row, "code"),
               jstr(row, "value"), jstr(row, "unit"));
        json_decref(row);
    }
out:
    json_decref(payload);
    cli_care_book_free(&b);
    return rc;
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
    "\n" CLI_CTX_HELP;

typedef struct vitals_arg {
    char **m;
    size_t n;
} vitals_arg;

static json_t *build_vitals(cli_care_cmd *k, const char *performer, void *arg)
{
    const vitals_arg *va = arg;
    ck_care_obs_in in = obs_input(k, performer);
    ck_care_error err;
    json_t *out = json_array();
    for (size_t i = 0; out && i < va->n; i++) {
        json_t *o = ck_care_vital_new(&in, va->m[i], &err);
        if (!o || json_array_append_new(out, o) != 0) {
            cli_error(k->c.cmd, "%s", o ? "out of memory" : err.msg);
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

static int cmd_vitals(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS, CLI_CARE_AT_LONGOPTS, CLI_CARE_ENCOUNTER_LONGOPTS,
                                       CLI_CARE_HISTORY_LONGOPTS, {NULL, 0, NULL, 0}};
    vitals_arg va;
    ck_care_error err;
    int o, rc;
    cli_care_cmd k;

    cli_care_cmd_init(&k, argv[0] && !strcmp(argv[0], "vitals") ? "observe vitals" : "observe");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        if (o == 'h') return cli_care_cmd_free(&k), fputs(vitals_usage, stdout), CLI_OK;
        return cli_care_cmd_free(&k), CLI_USAGE;
    }
    rc = CLI_USAGE;
    /* the operands are the measurements */
    if (cli_care_cmd_check(&k, argc, NULL) != CLI_OK || cli_care_when(&k.c, k.at_opt, &k.at_ms) != CLI_OK) goto out;
    va.m = argv + optind;
    va.n = (size_t)(argc - optind);
    if (va.n == 0) {
        cli_usage_error(k.c.cmd, k.help, "give at least one measurement, e.g. hr=72");
        goto out;
    }
    if (va.n > MAX_MEASUREMENTS) {
        cli_usage_error(k.c.cmd, k.help, "at most %d measurements at once", MAX_MEASUREMENTS);
        goto out;
    }
    /* every value checked before anything opens: a typo costs no passphrase */
    for (size_t i = 0; i < va.n; i++) {
        ck_care_obs_in in = obs_input(&k, "check");
        json_t *probe = ck_care_vital_new(&in, va.m[i], &err);
        size_t nl = strcspn(va.m[i], "=");
        json_decref(probe);
        if (!probe) {
            cli_usage_error(k.c.cmd, k.help, "%s", err.msg);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (strcspn(va.m[j], "=") == nl && !strncmp(va.m[j], va.m[i], nl)) {
                cli_usage_error(k.c.cmd, k.help, "'%.*s' is given twice", (int)nl, va.m[i]);
                goto out;
            }
    }
    rc = write_observations(&k, build_vitals, &va);
out:
    cli_care_cmd_free(&k);
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
    "\n" CLI_CTX_HELP;

typedef struct lab_arg {
    const char *loinc, *value, *unit, *display;
} lab_arg;

static json_t *build_lab(cli_care_cmd *k, const char *performer, void *arg)
{
    const lab_arg *la = arg;
    ck_care_obs_in in = obs_input(k, performer);
    ck_care_error err;
    json_t *o = ck_care_lab_new(&in, la->loinc, la->value, la->unit, la->display, &err);
    if (!o) {
        cli_error(k->c.cmd, "%s", err.msg);
        return NULL;
    }
    return json_pack("[o]", o);
}

static int cmd_lab(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS,
                                       CLI_CARE_AT_LONGOPTS,
                                       CLI_CARE_ENCOUNTER_LONGOPTS,
                                       CLI_CARE_HISTORY_LONGOPTS,
                                       {"loinc", required_argument, NULL, OPT_LOINC},
                                       {"value", required_argument, NULL, OPT_VALUE},
                                       {"unit", required_argument, NULL, OPT_UNIT},
                                       {"display", required_argument, NULL, OPT_DISPLAY},
                                       {NULL, 0, NULL, 0}};
    lab_arg la = {NULL, NULL, NULL, NULL};
    ck_care_error err;
    json_t *probe;
    int o, rc;
    cli_care_cmd k;

    cli_care_cmd_init(&k, "observe lab");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        switch (o) {
        case OPT_LOINC: la.loinc = optarg; break;
        case OPT_VALUE: la.value = optarg; break;
        case OPT_UNIT: la.unit = optarg; break;
        case OPT_DISPLAY: la.display = optarg; break;
        case 'h': cli_care_cmd_free(&k); fputs(lab_usage, stdout); return CLI_OK;
        default: cli_care_cmd_free(&k); return CLI_USAGE;
        }
    }
    rc = CLI_USAGE;
    if (cli_care_cmd_check(&k, argc, argv) != CLI_OK || cli_care_when(&k.c, k.at_opt, &k.at_ms) != CLI_OK) goto out;
    if (!la.loinc || !la.value || !la.unit) {
        cli_usage_error(k.c.cmd, k.help, "--loinc, --value and --unit are required");
        goto out;
    }
    {
        ck_care_obs_in in = obs_input(&k, "check");
        if (!(probe = ck_care_lab_new(&in, la.loinc, la.value, la.unit, la.display, &err))) {
            cli_usage_error(k.c.cmd, k.help, "%s", err.msg);
            goto out;
        }
        json_decref(probe);
    }
    rc = write_observations(&k, build_lab, &la);
out:
    cli_care_cmd_free(&k);
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
    "\n" CLI_CTX_HELP;

static int print_list(const cli_care_list *l, const json_t *rows, const void *arg)
{
    (void)arg;
    return print_rows(&l->c, l->patient, rows, 0, l->b.withheld);
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_LIST_LONGOPTS,
                                       {"category", required_argument, NULL, OPT_CATEGORY},
                                       {"code", required_argument, NULL, OPT_CODE},
                                       {NULL, 0, NULL, 0}};
    obs_filter f = {NULL, NULL};
    cli_care_list l;
    int o, rc;
    cli_care_list_init(&l, "observe list");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, l.c.cmd, l.help)) != -1) {
        if (cli_care_list_option(&l, o, optarg)) continue;
        if (o == OPT_CATEGORY) f.category = optarg;
        else if (o == OPT_CODE) f.code = optarg;
        else if (o == 'h') return cli_care_list_free(&l), fputs(list_usage, stdout), CLI_OK;
        else return cli_care_list_free(&l), CLI_USAGE;
    }
    if ((rc = cli_care_list_check(&l, argc, argv)) != CLI_OK) goto out;
    rc = CLI_USAGE;
    if (f.code && ck_care_loinc_check(f.code, NULL) != 0) {
        cli_usage_error(l.c.cmd, l.help, "--code: '%s' is not a LOINC code", f.code);
        goto out;
    }
    if (f.category && !ck_net_id_valid(f.category)) {
        cli_usage_error(l.c.cmd, l.help, "--category: '%s' is not a category code", f.category);
        goto out;
    }
    if ((rc = cli_care_book_load(&l.b, &l.c, l.patient, SECTION)) == CLI_OK)
        rc = cli_care_list_print(&l, observation_rows(&l.b, &f), print_list, NULL);
out:
    cli_care_list_free(&l);
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

const cli_group cli_group_observe = {"observe", "vital signs and lab results: record, list", observe_run};
