/*
 * src/client/cli_care_theatre.c - `carekey theatre`: operation theatre
 * bookings (docs/CARE.md): the surgery Appointment in the hospital's
 * ledger (section `theatre`) and the patient's Procedure (her section
 * `procedures`, same id).
 *
 *   theatre book    --patient P --theatre T --surgeon S [--team G[:FUNCTION],...]
 *                   --procedure-snomed CODE --display TEXT --start TIME --end TIME [--reason TEXT]
 *   theatre outcome --id ID --status completed|not-done|stopped [--outcome TEXT]
 *                   [--result successful|unsuccessful|partial] [--start TIME --end TIME]
 *   theatre cancel  --id ID [--reason TEXT]
 *   theatre list    [--date PERIOD] [--theatre T] [--json]
 *
 * A booking is checked (theatre, surgeon, team, patient free for
 * [start, end)) and written on exactly the ledger head the check read; a
 * clash writes nothing. The Procedure versions are built from the ledger's
 * booking, so the outcome needs no access to the patient's procedures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care_dir.h"

#define MAX_TEAM 32
#define OPT_SNOMED 0x1401
#define OPT_DISPLAY 0x1402
#define OPT_RESULT 0x1403

/* the options every writing subcommand takes */
#define WRITE_LONGOPTS \
    {"help", no_argument, NULL, 'h'}, CLI_CARE_ORG_LONGOPTS, CLI_CTX_LONGOPTS

static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- the ledger step ------------------------------------------------------- */

typedef struct {
    cli_ctx *c;
    cli_care_writer *w;
    const char *org;
    char policy[CK_NET_ID_MAX + 8];
    ck_care_theatre_in in;                   /* book                    */
    const char *id, *reason;                 /* outcome, cancel         */
    ck_care_theatre_outcome_in out_in;       /* outcome                 */
    int cancel;
    /* results */
    json_t *appt, *proc;
    uint64_t seq;
} theatre_step;

/* s for the subcommand cmd, with its context and writer. */
static void step_init(theatre_step *s, cli_ctx *c, cli_care_writer *w, const char *cmd)
{
    memset(s, 0, sizeof *s);
    cli_ctx_init(c, cmd);
    cli_care_writer_init(w, c);
    s->c = c;
    s->w = w;
}

static void step_free(theatre_step *s)
{
    json_decref(s->appt);
    json_decref(s->proc);
    cli_care_writer_free(s->w);
    cli_ctx_close(s->c);
}

static void step_error(theatre_step *s, const ck_care_error *err) { cli_error(s->c->cmd, "%s", err->msg); }

/* Writes the booking's new version to the ledger on the head the checks
 * were made on, once this person may write both it and the Procedure. */
static int ledger_put(theatre_step *s, const cli_care_book *b, json_t *appt, json_t *proc)
{
    const char *patient = ck_care_appointment_actor(appt, "Patient");
    ck_net_head out;
    int rc;
    if ((rc = cli_care_book_writable(b, s->c, "theatre")) != CLI_OK ||
        (patient && (rc = cli_care_writable(s->c, patient, "procedures")) != CLI_OK))
        return rc;
    rc = cli_care_put(s->w, s->org, "theatre", appt, s->policy, &b->head, &out);
    if (rc == CLI_OK) {
        json_decref(s->appt);
        json_decref(s->proc);
        s->appt = json_incref(appt);
        s->proc = json_incref(proc);
        s->seq = out.seq;
    }
    return rc;
}

/* One ledger step: loads sections of the ledger, builds the booking's new
 * version and the Procedure's from them (make: nonzero when refused,
 * reported) and writes the booking on the head it was built on. */
static int ledger_step(theatre_step *s, const char *sections,
                       int (*make)(theatre_step *s, const cli_care_book *b, json_t **appt, json_t **proc))
{
    cli_care_book b;
    json_t *proc = NULL, *appt = NULL;
    int rc;
    if ((rc = cli_care_book_load(&b, s->c, s->org, sections)) != CLI_OK) goto out;
    rc = make(s, &b, &appt, &proc) ? CLI_FAIL : ledger_put(s, &b, appt, proc);
out:
    json_decref(proc);
    json_decref(appt);
    cli_care_book_free(&b);
    return rc;
}

static int booked(theatre_step *s, const cli_care_book *b, json_t **appt, json_t **proc)
{
    ck_care_error err;
    if (ck_care_theatre_check(b->items, &s->in, &err) ||
        ck_care_patient_free(b->items, s->in.patient, s->in.start_ms, s->in.end_ms, s->in.id, &err) ||
        ck_care_theatre_book(&s->in, proc, appt, &err)) {
        step_error(s, &err);
        return -1;
    }
    return 0;
}

/* an outcome, or a cancellation (s->cancel) */
static int changed(theatre_step *s, const cli_care_book *b, json_t **appt, json_t **proc)
{
    ck_care_error err;
    const json_t *it = cli_care_book_find(b, "Appointment", s->id);
    const char *sec = S(it, "section");
    int bad;
    if (!it || !sec || strcmp(sec, "theatre")) {
        cli_error(s->c->cmd, "there is no theatre booking Appointment/%s at %s", s->id, s->org);
        return -1;
    }
    bad = s->cancel ? ck_care_theatre_cancel(ck_care_item_resource(it), NULL, s->reason, appt, proc, &err)
                    : ck_care_theatre_outcome(ck_care_item_resource(it), NULL, &s->out_in, appt, proc, &err);
    if (bad) step_error(s, &err);
    return bad;
}

/* the schedule too: a patient with a consultation then is not free */
static int book_step(void *arg) { return ledger_step(arg, "theatre,schedule", booked); }
static int change_step(void *arg) { return ledger_step(arg, "theatre", changed); }

/* The patient's Procedure version after the ledger step. */
static int patient_copy(theatre_step *s)
{
    const char *patient = ck_care_appointment_actor(s->appt, "Patient");
    if (!patient || !s->proc) {
        cli_error(s->c->cmd, "the booking names no patient");
        return CLI_FAIL;
    }
    return cli_care_put(s->w, patient, "procedures", s->proc, NULL, NULL, NULL);
}

/* A booking whose Procedure the patient's record refused is withdrawn. */
static void withdraw_booking(theatre_step *s)
{
    ck_care_error err;
    json_t *c = ck_care_appointment_transition(s->appt, "cancelled", "not recorded in the patient's record", &err);
    if (!c || cli_care_put(s->w, s->org, "theatre", c, s->policy, NULL, NULL) != CLI_OK)
        cli_error(s->c->cmd, "could not withdraw Appointment/%s from the ledger; cancel it with "
                             "'carekey theatre cancel --id %s'",
                  S(s->appt, "id"), S(s->appt, "id"));
    else
        cli_error(s->c->cmd, "the booking was withdrawn: the theatre is free again");
    json_decref(c);
}

/* ---- option helpers ---------------------------------------------------------- */

static int parse_time(cli_ctx *c, const char *help, const char *name, const char *v, int64_t *ms)
{
    if (ck_care_time_parse(v, ms) == 0) return CLI_OK;
    return cli_usage_error(c->cmd, help, "%s: '%s' is not a time (2026-11-25T09:00[Z])", name, v);
}

/* "dr-b:anaesthetist,nurse-a" into team (pointing into buf). */
static int parse_team(cli_ctx *c, const char *help, char *buf, ck_care_team_member *team, size_t *n)
{
    char *save = NULL;
    *n = 0;
    if (!*buf) return cli_usage_error(c->cmd, help, "--team: empty");
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':');
        if (*n == MAX_TEAM) return cli_usage_error(c->cmd, help, "--team: at most %d members", MAX_TEAM);
        if (colon) *colon = 0;
        if (!ck_net_id_valid(t)) return cli_usage_error(c->cmd, help, "--team: '%s' is not a GID", t);
        if (colon && (!colon[1] || strlen(colon + 1) > 64))
            return cli_usage_error(c->cmd, help, "--team: the function of %s must have 1 to 64 characters", t);
        team[*n].gid = t;
        team[*n].function = colon ? colon + 1 : NULL;
        (*n)++;
    }
    return CLI_OK;
}

static void print_booking(const char *what, const theatre_step *s)
{
    printf("%s Appointment/%s Procedure/%s %s %s..%s surgeon %s patient %s status %s (entry %llu of %s)\n", what,
           S(s->appt, "id"), S(s->proc, "id"), ck_care_appointment_actor(s->appt, "Location"), S(s->appt, "start"),
           S(s->appt, "end"), ck_care_appointment_actor(s->appt, "Practitioner"),
           ck_care_appointment_actor(s->appt, "Patient"), S(s->proc, "status"), (unsigned long long)s->seq, s->org);
}

/* Runs a ledger step on org's ledger with retries, then the patient's
 * Procedure. */
static int run_write(theatre_step *s, const char *org, int (*step)(void *), const char *what, int withdraw)
{
    int rc;
    s->org = org;
    cli_care_ledger_policy(org, s->policy);
    if ((rc = cli_care_retry(s->c, step, s)) != CLI_OK) return rc;
    if ((rc = patient_copy(s)) != CLI_OK) {
        if (withdraw) withdraw_booking(s);
        else cli_error(s->c->cmd, "the ledger holds the change, but the patient's Procedure could not be updated");
        return rc;
    }
    print_booking(what, s);
    return CLI_OK;
}

/* ---- theatre book -------------------------------------------------------------- */

static const char book_usage[] =
    "Usage: carekey theatre book --patient P --theatre T --surgeon S [--team G[:FUNCTION],...]\n"
    "                            --procedure-snomed CODE --display TEXT --start TIME --end TIME\n"
    "                            [--reason TEXT] [--hospital ORG]\n"
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
    "  --reason TEXT            why (reasonCode.text)\n" CLI_CARE_ORG_HELP "\n"
    "Prints: booked surgery Appointment/<id> Procedure/<id> T START..END surgeon S\n"
    "        patient P status preparation (entry N of ORG)\n"
    "Exit 1 on a clash, e.g. 'carekey: theatre book: theatre th-1 is booked\n"
    "2026-11-25 09:00-11:00 by Appointment/<id>'.\n"
    "\n" CLI_CTX_HELP;

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
    static const char *const doctor[] = {"doctor", NULL}, *const clinician[] = {"doctor", "nurse", NULL};
    const char *help = "theatre book", *org_opt = NULL, *start = NULL, *end = NULL;
    char org[CK_NET_ID_MAX + 1], *team_buf = NULL, id[37];
    ck_care_team_member team[MAX_TEAM];
    theatre_step s;
    cli_care_writer w;
    cli_ctx c;
    int opt, rc;

    step_init(&s, &c, &w, "theatre book");
    cli_start_opts();
    rc = CLI_USAGE;
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg) || cli_care_writer_option(&w, opt, optarg)) continue;
        switch (opt) {
        case 'p': s.in.patient = optarg; break;
        case 't': s.in.theatre = optarg; break;
        case 's': s.in.surgeon = optarg; break;
        case 'T':
            free(team_buf);
            team_buf = strdup(optarg);
            break;
        case OPT_SNOMED: s.in.snomed = optarg; break;
        case OPT_DISPLAY: s.in.display = optarg; break;
        case 'S': start = optarg; break;
        case 'E': end = optarg; break;
        case 'r': s.in.reason = optarg; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(book_usage, stdout); rc = CLI_OK; goto out;
        default: goto out;
        }
    }
    if (optind != argc) {
        cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!s.in.patient || !s.in.theatre || !s.in.surgeon || !s.in.snomed || !s.in.display || !start || !end) {
        cli_usage_error(c.cmd, help, "--patient, --theatre, --surgeon, --procedure-snomed, --display, --start and "
                                     "--end are required");
        goto out;
    }
    if (!ck_net_id_valid(s.in.patient) || !ck_net_id_valid(s.in.theatre) || !ck_net_id_valid(s.in.surgeon)) {
        cli_usage_error(c.cmd, help, "--patient, --theatre and --surgeon take names (GIDs, unit names)");
        goto out;
    }
    if (parse_time(&c, help, "--start", start, &s.in.start_ms) || parse_time(&c, help, "--end", end, &s.in.end_ms))
        goto out;
    if (s.in.end_ms <= s.in.start_ms) {
        cli_usage_error(c.cmd, help, "--end must be after --start");
        goto out;
    }
    if (team_buf && parse_team(&c, help, team_buf, team, &s.in.n_team)) goto out;
    s.in.team = team;
    {
        /* the library's own input checks, as a usage error before any network */
        ck_care_error err;
        json_t *p = NULL, *a = NULL;
        if (ck_care_theatre_book(&s.in, &p, &a, &err)) {
            cli_usage_error(c.cmd, help, "%s", err.msg);
            goto out;
        }
        json_decref(p);
        json_decref(a);
    }
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK ||
        (rc = cli_care_dir_check_unit(&c, org, "theatre", s.in.theatre)) != CLI_OK ||
        (rc = cli_care_dir_check_patient(&c, s.in.patient)) != CLI_OK ||
        (rc = cli_care_dir_check_person(&c, s.in.surgeon, doctor, "doctor")) != CLI_OK)
        goto out;
    for (size_t i = 0; i < s.in.n_team; i++)
        if ((rc = cli_care_dir_check_person(&c, team[i].gid, clinician, "doctor or nurse")) != CLI_OK) goto out;
    ck_care_new_id(id);   /* one id across retries */
    s.in.id = id;
    rc = run_write(&s, org, book_step, "booked surgery", 1);
out:
    free(team_buf);
    step_free(&s);
    return rc;
}

/* ---- theatre outcome, cancel ------------------------------------------------------ */

static const char outcome_usage[] =
    "Usage: carekey theatre outcome --id ID --status completed|not-done|stopped [--outcome TEXT]\n"
    "                               [--result successful|unsuccessful|partial]\n"
    "                               [--start TIME --end TIME] [--hospital ORG]\n"
    "\n"
    "Records how a booked surgery went: the Procedure becomes completed or stopped\n"
    "(performedPeriod = the actual START..END, default the booked period; outcome\n"
    "= TEXT and the SNOMED CT result) or not-done (statusReason = TEXT); the\n"
    "ledger's booking becomes fulfilled (completed, stopped) or cancelled\n"
    "(not-done).\n"
    "\n" CLI_CARE_ORG_HELP "\n"
    "Prints: <status> Appointment/<id> Procedure/<id> T START..END surgeon S\n"
    "        patient P status <status> (entry N of ORG)\n"
    "\n" CLI_CTX_HELP;

static const char cancel_usage[] =
    "Usage: carekey theatre cancel --id ID [--reason TEXT] [--hospital ORG]\n"
    "\n"
    "Cancels a booked surgery: the booking becomes cancelled (the theatre and the\n"
    "team are free again), the patient's Procedure not-done.\n"
    "\n" CLI_CARE_ORG_HELP "\n"
    "Prints: cancelled Appointment/<id> Procedure/<id> ... status not-done (entry N of ORG)\n"
    "\n" CLI_CTX_HELP;

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
    const char *help = cancel ? "theatre cancel" : "theatre outcome", *org_opt = NULL, *start = NULL, *end = NULL;
    char org[CK_NET_ID_MAX + 1];
    theatre_step s;
    cli_care_writer w;
    cli_ctx c;
    int opt, rc = CLI_USAGE;

    step_init(&s, &c, &w, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, cancel ? cancel_lo : lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg) || cli_care_writer_option(&w, opt, optarg)) continue;
        switch (opt) {
        case 'i': s.id = optarg; break;
        case 's': s.out_in.status = optarg; break;
        case 'o': s.out_in.outcome = optarg; break;
        case OPT_RESULT: s.out_in.result = optarg; break;
        case 'S': start = optarg; break;
        case 'E': end = optarg; break;
        case 'r': s.reason = optarg; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(cancel ? cancel_usage : outcome_usage, stdout); rc = CLI_OK; goto out;
        default: goto out;
        }
    }
    if (optind != argc) {
        cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!s.id || !ck_net_id_valid(s.id)) {
        cli_usage_error(c.cmd, help, "--id takes the booking's id");
        goto out;
    }
    if (!cancel) {
        if (!s.out_in.status) {
            cli_usage_error(c.cmd, help, "--status is required");
            goto out;
        }
        if (!start != !end) {
            cli_usage_error(c.cmd, help, "give both --start and --end, or neither");
            goto out;
        }
        if (start && (parse_time(&c, help, "--start", start, &s.out_in.start_ms) ||
                      parse_time(&c, help, "--end", end, &s.out_in.end_ms)))
            goto out;
        if (start && s.out_in.end_ms <= s.out_in.start_ms) {
            cli_usage_error(c.cmd, help, "--end must be after --start");
            goto out;
        }
        {
            /* status, result and texts, checked on a stand-in booking */
            ck_care_theatre_in in = {.patient = "p", .theatre = "t", .surgeon = "s", .snomed = "123456",
                                     .display = "x", .start_ms = 0, .end_ms = 3600000};
            ck_care_error err;
            json_t *p = NULL, *a = NULL, *na = NULL, *np = NULL;
            int bad = ck_care_theatre_book(&in, &p, &a, &err) || ck_care_theatre_outcome(a, p, &s.out_in, &na, &np, &err);
            json_decref(p), json_decref(a), json_decref(na), json_decref(np);
            if (bad) {
                cli_usage_error(c.cmd, help, "%s", err.msg);
                goto out;
            }
        }
    } else if (s.reason && (!*s.reason || strlen(s.reason) > 1000)) {
        cli_usage_error(c.cmd, help, "--reason: 1 to 1000 characters");
        goto out;
    }
    s.cancel = cancel;
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK) goto out;
    rc = run_write(&s, org, change_step, cancel ? "cancelled" : s.out_in.status, 0);
out:
    step_free(&s);
    return rc;
}

static int cmd_outcome(int argc, char **argv) { return change(argc, argv, 0); }
static int cmd_cancel(int argc, char **argv) { return change(argc, argv, 1); }

/* ---- theatre list ---------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey theatre list [--date DAY|MONTH|FROM..TO] [--theatre T] [--hospital ORG] [--json]\n"
    "\n"
    "The theatre bookings of the hospital's ledger (staff only) overlapping the\n"
    "period, by start, cancelled ones included.\n"
    "\n"
    "  --date P     2026-11-25, 2026-11 or 2026-11-01..2026-11-07\n"
    "  --theatre T  only theatre T\n"
    "  --json       the rows as a JSON array ({id, status, theatre, start, end,\n"
    "               surgeon, team: [{gid, function}], patient, procedure: {code, display}})\n" CLI_CARE_ORG_HELP
    "\n" CLI_CTX_HELP;

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
                                       CLI_CARE_ORG_LONGOPTS,
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},     {"END", "end", 0},         {"THEATRE", "theatre", 0},
                                      {"STATUS", "status", 0},   {"SURGEON", "surgeon", 0}, {"TEAM", "team", 0},
                                      {"PATIENT", "patient", 0}, {"PROCEDURE", "procedure", 0}, {"ID", "id", 0}};
    const char *help = "theatre list", *date = NULL, *theatre = NULL, *org_opt = NULL;
    char org[CK_NET_ID_MAX + 1];
    ck_care_period p;
    cli_care_book b;
    json_t *rows = NULL, *txt = NULL;
    cli_ctx c;
    int opt, rc, json = 0;

    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, "theatre list");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'D': date = optarg; break;
        case 't': theatre = optarg; break;
        case 'j': json = 1; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (date && ck_care_period_parse(date, &p) != 0)
        return cli_usage_error(c.cmd, help, "--date: '%s' is not DAY, MONTH or FROM..TO", date);
    if (theatre && !ck_net_id_valid(theatre))
        return cli_usage_error(c.cmd, help, "--theatre: '%s' is not a unit name", theatre);
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK ||
        (rc = cli_care_ledger_read(&b, &c, org, "theatre")) != CLI_OK)
        goto out;
    rc = CLI_FAIL;
    if (!(rows = ck_care_theatre_view(b.items, theatre, date ? &p : NULL)) || !(txt = text_rows(rows))) {
        cli_error(c.cmd, "out of memory");
        goto out;
    }
    cli_care_print_rows(rows, txt, json, "no theatre bookings", cols, sizeof cols / sizeof *cols);
    if (b.withheld) cli_error(c.cmd, "%zu ledger entries are not readable with your keys", b.withheld);
    rc = CLI_OK;
out:
    json_decref(txt);
    json_decref(rows);
    cli_care_book_free(&b);
    cli_ctx_close(&c);
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

const cli_group cli_group_theatre = {"theatre", "operation theatre bookings, outcomes and lists", theatre_run};
