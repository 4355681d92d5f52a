/*
 * src/client/cli_care_appointment.c - `carekey appointment`: booking a
 * doctor's slot (docs/CARE.md, ledger section `schedule`) and the patient's
 * copy of the Appointment (her section `appointments`, same id).
 *
 *   appointment book       --patient P --doctor D (--at TIME | --slot ID) [--reason TEXT] [--service TEXT]
 *   appointment reschedule --id ID (--at TIME | --slot ID)
 *   appointment cancel     --id ID [--reason TEXT]
 *   appointment checkin    --id ID
 *   appointment list       --patient P [--json]
 *
 * Every change is checked on the ledger and written on exactly the head
 * the check was made on (cli_care_retry), then copied into the patient's
 * record. A booking whose copy cannot be written is cancelled again in the
 * ledger, so no slot stays taken by an appointment the patient never got.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care_dir.h"

#define OPT_SERVICE 0x1301

/* What a ledger step of any subcommand works with. */
typedef struct {
    cli_ctx *c;
    cli_care_writer *w;
    const char *org;
    char policy[CK_NET_ID_MAX + 8];
    /* book */
    const char *patient, *doctor, *reason, *service;
    /* book, reschedule */
    const char *slot_id;
    int64_t at;
    /* reschedule, cancel, checkin */
    const char *id;
    const char *to;                 /* cancel, checkin: the new status */
    /* result: the version written to the ledger */
    json_t *written;
    char old_slot[65];
    uint64_t seq;
} appt_step;

/* s for the subcommand cmd, with its context and writer. */
static void step_init(appt_step *s, cli_ctx *c, cli_care_writer *w, const char *cmd)
{
    memset(s, 0, sizeof *s);
    cli_ctx_init(c, cmd);
    cli_care_writer_init(w, c);
    s->c = c;
    s->w = w;
}

static void step_free(appt_step *s)
{
    json_decref(s->written);
    cli_care_writer_free(s->w);
    cli_ctx_close(s->c);
}

static void step_error(appt_step *s, const ck_care_error *err) { cli_error(s->c->cmd, "%s", err->msg); }

/* Writes res to the ledger on the head the checks were made on, once this
 * person may write both the ledger and the patient's copy. */
static int ledger_put(appt_step *s, const cli_care_book *b, json_t *res)
{
    const char *patient = ck_care_appointment_actor(res, "Patient");
    ck_net_head out;
    int rc;
    if ((rc = cli_care_book_writable(b, s->c, "schedule")) != CLI_OK ||
        (patient && (rc = cli_care_writable(s->c, patient, "appointments")) != CLI_OK))
        return rc;
    rc = cli_care_put(s->w, s->org, "schedule", res, s->policy, &b->head, &out);
    if (rc == CLI_OK) {
        json_decref(s->written);
        s->written = json_incref(res);
        s->seq = out.seq;
    }
    return rc;
}

/* The location of a slot's schedule, or NULL. */
static const char *slot_location(const json_t *items, const json_t *slot_item)
{
    const char *sid = ck_care_ref_id(json_object_get(ck_care_item_resource(slot_item), "schedule"), "Schedule");
    const json_t *sched = sid ? ck_care_items_find(items, "Schedule", sid) : NULL;
    const json_t *a;
    size_t i;
    json_array_foreach(json_object_get(ck_care_item_resource(sched), "actor"), i, a) {
        const char *loc = ck_care_ref_id(a, "Location");
        if (loc) return loc;
    }
    return NULL;
}

/* One ledger step: loads sections of the ledger, builds the appointment's
 * new version from them (make: NULL when refused, reported) and writes it
 * on the head it was built on. */
static int ledger_step(appt_step *s, const char *sections, json_t *(*make)(appt_step *s, const cli_care_book *b))
{
    cli_care_book b;
    json_t *appt = NULL;
    int rc;
    if ((rc = cli_care_book_load(&b, s->c, s->org, sections)) != CLI_OK) goto out;
    rc = (appt = make(s, &b)) ? ledger_put(s, &b, appt) : CLI_FAIL;
out:
    json_decref(appt);
    cli_care_book_free(&b);
    return rc;
}

static json_t *booked(appt_step *s, const cli_care_book *b)
{
    ck_care_error err;
    ck_care_appointment_in in;
    const json_t *slot;
    int64_t start, end, now = 0;
    json_t *appt;
    if (!(slot = ck_care_slot_pick(b->items, s->doctor, s->slot_id, s->at, NULL, &err)) ||
        ck_care_appointment_times(ck_care_item_resource(slot), &start, &end) ||
        ck_care_patient_free(b->items, s->patient, start, end, NULL, &err)) {
        step_error(s, &err);
        return NULL;
    }
    memset(&in, 0, sizeof in);
    in.patient = s->patient;
    in.practitioner = s->doctor;
    in.slot = slot;
    in.location = slot_location(b->items, slot);
    in.reason = s->reason;
    in.service_type = s->service;
    if (cli_care_when(s->c, NULL, &now) == CLI_OK) in.created_ms = now;
    if (!(appt = ck_care_appointment_new(&in, &err))) step_error(s, &err);
    return appt;
}

/* The latest non-surgery Appointment/<id> of the ledger, or NULL (reported). */
static const json_t *find_appointment(appt_step *s, const cli_care_book *b)
{
    const json_t *it = cli_care_book_find(b, "Appointment", s->id);
    const char *sec = json_string_value(json_object_get(it, "section"));
    if (!it || !sec || strcmp(sec, "schedule")) {
        cli_error(s->c->cmd, "there is no Appointment/%s in the schedule of %s", s->id, s->org);
        return NULL;
    }
    return it;
}

static json_t *rescheduled(appt_step *s, const cli_care_book *b)
{
    ck_care_error err;
    const json_t *it, *slot, *cur;
    const char *doctor, *patient, *old;
    int64_t start, end;
    json_t *appt;
    if (!(it = find_appointment(s, b))) return NULL;
    cur = ck_care_item_resource(it);
    doctor = ck_care_appointment_actor(cur, "Practitioner");
    patient = ck_care_appointment_actor(cur, "Patient");
    old = ck_care_ref_id(json_array_get(json_object_get(cur, "slot"), 0), "Slot");
    snprintf(s->old_slot, sizeof s->old_slot, "%s", old ? old : "");
    if (!doctor || !patient) {
        cli_error(s->c->cmd, "Appointment/%s names no doctor or patient", s->id);
        return NULL;
    }
    if (!(slot = ck_care_slot_pick(b->items, doctor, s->slot_id, s->at, s->id, &err)) ||
        ck_care_appointment_times(ck_care_item_resource(slot), &start, &end) ||
        ck_care_patient_free(b->items, patient, start, end, s->id, &err) ||
        !(appt = ck_care_appointment_reschedule(cur, slot, &err))) {
        step_error(s, &err);
        return NULL;
    }
    if (old && !strcmp(old, json_string_value(json_object_get(slot, "id")))) {
        cli_error(s->c->cmd, "Appointment/%s is already on Slot/%s", s->id, old);
        json_decref(appt);
        return NULL;
    }
    return appt;
}

/* cancelled or checked-in (s->to) */
static json_t *transitioned(appt_step *s, const cli_care_book *b)
{
    ck_care_error err;
    const json_t *it = find_appointment(s, b);
    json_t *appt = it ? ck_care_appointment_transition(ck_care_item_resource(it), s->to, s->reason, &err) : NULL;
    if (it && !appt) step_error(s, &err);
    return appt;
}

/* theatre too: a patient in surgery is not free for a consultation */
static int book_step(void *arg) { return ledger_step(arg, "schedule,theatre", booked); }
static int reschedule_step(void *arg) { return ledger_step(arg, "schedule,theatre", rescheduled); }
static int status_step(void *arg) { return ledger_step(arg, "schedule", transitioned); }

/* The patient's copy of what the ledger now holds. */
static int patient_copy(appt_step *s)
{
    const char *patient = ck_care_appointment_actor(s->written, "Patient");
    if (!patient) {
        cli_error(s->c->cmd, "the appointment names no patient");
        return CLI_FAIL;
    }
    return cli_care_put(s->w, patient, "appointments", s->written, NULL, NULL, NULL);
}

/* A booking the patient's record refused is withdrawn from the ledger. */
static void withdraw_booking(appt_step *s)
{
    ck_care_error err;
    json_t *c = ck_care_appointment_transition(s->written, "cancelled", "not recorded in the patient's record", &err);
    if (!c || cli_care_put(s->w, s->org, "schedule", c, s->policy, NULL, NULL) != CLI_OK)
        cli_error(s->c->cmd, "could not withdraw Appointment/%s from the ledger; cancel it with "
                             "'carekey appointment cancel --id %s'",
                  json_string_value(json_object_get(s->written, "id")),
                  json_string_value(json_object_get(s->written, "id")));
    else
        cli_error(s->c->cmd, "the booking was withdrawn: the slot is free again");
    json_decref(c);
}

static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_written(const char *what, const appt_step *s)
{
    const json_t *a = s->written;
    printf("%s Appointment/%s %s %s %s..%s Slot/%s (entry %llu of %s)\n", what, S(a, "id"),
           ck_care_appointment_actor(a, "Patient"), ck_care_appointment_actor(a, "Practitioner"), S(a, "start"),
           S(a, "end"), ck_care_ref_id(json_array_get(json_object_get(a, "slot"), 0), "Slot"),
           (unsigned long long)s->seq, s->org);
}

/* ---- option handling shared by the writing subcommands -------------------- */

typedef struct {
    const char *org_opt, *at_opt;
} appt_opts;

/* Common options: context, hospital, sharing, --at/--slot. 1 when taken. */
static int common_option(cli_ctx *c, cli_care_writer *w, appt_step *s, appt_opts *o, int opt, const char *arg)
{
    if (cli_ctx_option(c, opt, arg) || cli_care_writer_option(w, opt, arg)) return 1;
    switch (opt) {
    case CLI_CARE_OPT_ORG: o->org_opt = arg; return 1;
    case 'a': o->at_opt = arg; return 1;
    case 's': s->slot_id = arg; return 1;
    }
    return 0;
}

/* Checks --at/--slot (exactly one when needed). */
static int check_when(cli_ctx *c, const char *help, appt_step *s, const appt_opts *o)
{
    if (!!o->at_opt == !!s->slot_id) return cli_usage_error(c->cmd, help, "give exactly one of --at and --slot");
    if (o->at_opt && ck_care_time_parse(o->at_opt, &s->at) != 0)
        return cli_usage_error(c->cmd, help, "--at: '%s' is not a time (2026-11-25T09:20[Z])", o->at_opt);
    if (s->slot_id && !ck_net_id_valid(s->slot_id))
        return cli_usage_error(c->cmd, help, "--slot: '%s' is not a slot id", s->slot_id);
    return CLI_OK;
}

static int check_text(cli_ctx *c, const char *help, const char *name, const char *v)
{
    if (!v || (*v && strlen(v) <= 1000)) return CLI_OK;
    return cli_usage_error(c->cmd, help, "%s: 1 to 1000 characters", name);
}

#define WRITE_LONGOPTS                                                                             \
    {"at", required_argument, NULL, 'a'}, {"slot", required_argument, NULL, 's'},                 \
        {"help", no_argument, NULL, 'h'}, CLI_CARE_ORG_LONGOPTS, CLI_CTX_LONGOPTS

/* Runs a ledger step on org's ledger with retries, then the patient's copy. */
static int run_write(appt_step *s, const char *org, int (*step)(void *), const char *what, int withdraw_on_failure)
{
    int rc;
    s->org = org;
    cli_care_ledger_policy(org, s->policy);
    if ((rc = cli_care_retry(s->c, step, s)) != CLI_OK) return rc;
    if ((rc = patient_copy(s)) != CLI_OK) {
        if (withdraw_on_failure) {
            withdraw_booking(s);
        } else {
            cli_error(s->c->cmd, "the ledger holds the change, but the patient's record could not be updated");
        }
        return rc;
    }
    print_written(what, s);
    return CLI_OK;
}

/* ---- appointment book ------------------------------------------------------ */

static const char book_usage[] =
    "Usage: carekey appointment book --patient P --doctor D (--at TIME | --slot ID)\n"
    "                                [--reason TEXT] [--service TEXT] [--hospital ORG]\n"
    "\n"
    "Books a free slot of doctor D for patient P: an Appointment (status booked)\n"
    "in the hospital's ledger and its copy in P's record (section appointments,\n"
    "which P and her family read). Refused when the slot is taken, when D has no\n"
    "slot at TIME, or when P already has an appointment or a surgery overlapping\n"
    "it. Run by staff with the ledger's schedule grant and P's appointments grant.\n"
    "\n"
    "  --patient P     the patient's GID\n"
    "  --doctor D      the doctor whose slot is booked\n"
    "  --at TIME       the start of D's slot (2026-11-25T09:20, UTC)\n"
    "  --slot ID       the slot id ('carekey schedule show')\n"
    "  --reason TEXT   why (reasonCode.text)\n"
    "  --service TEXT  the kind of visit (serviceType.text)\n" CLI_CARE_ORG_HELP "\n"
    "Prints: booked Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "Exit 1 when refused (slot_taken, no_slot, patient_busy: the reason on stderr).\n"
    "\n" CLI_CTX_HELP;

static int cmd_book(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"doctor", required_argument, NULL, 'd'},
                                       {"reason", required_argument, NULL, 'r'},
                                       {"service", required_argument, NULL, OPT_SERVICE},
                                       WRITE_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "appointment book";
    char org[CK_NET_ID_MAX + 1];
    appt_step s;
    appt_opts o = {0};
    cli_care_writer w;
    cli_ctx c;
    int opt, rc;

    step_init(&s, &c, &w, "appointment book");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (common_option(&c, &w, &s, &o, opt, optarg)) continue;
        switch (opt) {
        case 'p': s.patient = optarg; break;
        case 'd': s.doctor = optarg; break;
        case 'r': s.reason = optarg; break;
        case OPT_SERVICE: s.service = optarg; break;
        case 'h': fputs(book_usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    rc = CLI_USAGE;
    if (optind != argc) {
        cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!s.patient || !s.doctor) {
        cli_usage_error(c.cmd, help, "--patient and --doctor are required");
        goto out;
    }
    if (!ck_net_id_valid(s.patient) || !ck_net_id_valid(s.doctor)) {
        cli_usage_error(c.cmd, help, "--patient and --doctor take GIDs");
        goto out;
    }
    if (check_when(&c, help, &s, &o) || check_text(&c, help, "--reason", s.reason) ||
        check_text(&c, help, "--service", s.service))
        goto out;
    if ((rc = cli_care_org(&c, o.org_opt, org)) != CLI_OK || (rc = cli_care_dir_check_patient(&c, s.patient)) != CLI_OK)
        goto out;
    rc = run_write(&s, org, book_step, "booked", 1);
out:
    step_free(&s);
    return rc;
}

/* ---- reschedule, cancel, checkin ------------------------------------------------ */

static const char reschedule_usage[] =
    "Usage: carekey appointment reschedule --id ID (--at TIME | --slot ID) [--hospital ORG]\n"
    "\n"
    "Moves a booked appointment to another free slot of the same doctor (a new\n"
    "version of the Appointment in the ledger and in the patient's record); the\n"
    "old slot becomes free.\n"
    "\n"
    "  --id ID     the appointment\n"
    "  --at TIME   the start of the doctor's new slot (UTC)\n"
    "  --slot ID   the new slot\n" CLI_CARE_ORG_HELP "\n"
    "Prints: rescheduled Appointment/<id> P D START..END Slot/<new> (entry N of ORG)\n"
    "\n" CLI_CTX_HELP;

static const char cancel_usage[] =
    "Usage: carekey appointment cancel --id ID [--reason TEXT] [--hospital ORG]\n"
    "\n"
    "Cancels a booked (or checked-in) appointment: status cancelled, with the\n"
    "reason as cancelationReason; its slot becomes free.\n"
    "\n" CLI_CARE_ORG_HELP "\n"
    "Prints: cancelled Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "\n" CLI_CTX_HELP;

static const char checkin_usage[] =
    "Usage: carekey appointment checkin --id ID [--hospital ORG]\n"
    "\n"
    "The patient has arrived: a booked appointment becomes checked-in (any other\n"
    "status is refused).\n"
    "\n" CLI_CARE_ORG_HELP "\n"
    "Prints: checked-in Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "\n" CLI_CTX_HELP;

#define CHANGE_LONGOPTS                                                                         \
    {"id", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'}, CLI_CARE_ORG_LONGOPTS, \
        CLI_CTX_LONGOPTS

static const struct option reschedule_lo[] = {{"at", required_argument, NULL, 'a'},
                                              {"slot", required_argument, NULL, 's'},
                                              CHANGE_LONGOPTS,
                                              {NULL, 0, NULL, 0}};
static const struct option cancel_lo[] = {{"reason", required_argument, NULL, 'r'}, CHANGE_LONGOPTS, {NULL, 0, NULL, 0}};
static const struct option checkin_lo[] = {CHANGE_LONGOPTS, {NULL, 0, NULL, 0}};

/* reschedule (to NULL), cancel (to "cancelled"), checkin (to "checked-in") */
static int change(int argc, char **argv, const char *cmd, const struct option *lo, const char *usage, const char *to)
{
    char org[CK_NET_ID_MAX + 1];
    appt_step s;
    appt_opts o = {0};
    cli_care_writer w;
    cli_ctx c;
    int opt, rc;

    step_init(&s, &c, &w, cmd);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, cmd)) != -1) {
        if (common_option(&c, &w, &s, &o, opt, optarg)) continue;
        switch (opt) {
        case 'i': s.id = optarg; break;
        case 'r': s.reason = optarg; break;
        case 'h': fputs(usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    rc = CLI_USAGE;
    if (optind != argc) {
        cli_usage_error(c.cmd, cmd, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!s.id) {
        cli_usage_error(c.cmd, cmd, "--id is required");
        goto out;
    }
    if (!ck_net_id_valid(s.id)) {
        cli_usage_error(c.cmd, cmd, "--id: '%s' is not an appointment id", s.id);
        goto out;
    }
    if ((!to && check_when(&c, cmd, &s, &o)) || check_text(&c, cmd, "--reason", s.reason)) goto out;
    if ((rc = cli_care_org(&c, o.org_opt, org)) != CLI_OK) goto out;
    s.to = to;
    rc = run_write(&s, org, to ? status_step : reschedule_step, to ? to : "rescheduled", 0);
    if (rc == CLI_OK && !to && s.old_slot[0]) printf("freed Slot/%s\n", s.old_slot);
out:
    step_free(&s);
    return rc;
}

static int cmd_reschedule(int argc, char **argv)
{
    return change(argc, argv, "appointment reschedule", reschedule_lo, reschedule_usage, NULL);
}
static int cmd_cancel(int argc, char **argv)
{
    return change(argc, argv, "appointment cancel", cancel_lo, cancel_usage, "cancelled");
}
static int cmd_checkin(int argc, char **argv)
{
    return change(argc, argv, "appointment checkin", checkin_lo, checkin_usage, "checked-in");
}

/* ---- appointment list ------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey appointment list --patient P [--json]\n"
    "\n"
    "The appointments in P's record (section appointments), by start: what the\n"
    "patient, her family and her clinicians read. No ledger access is needed.\n"
    "\n"
    "  --patient P  the patient's GID\n"
    "  --json       the rows as a JSON array ({id, status, start, end, patient,\n"
    "               practitioner, location, service, reason, surgery})\n"
    "\n" CLI_CTX_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},       {"END", "end", 0},
                                      {"STATUS", "status", 0},     {"DOCTOR", "practitioner", 0},
                                      {"LOCATION", "location", 0}, {"SERVICE", "service", 0},
                                      {"REASON", "reason", 0},     {"ID", "id", 0}};
    const char *help = "appointment list", *patient = NULL;
    cli_care_book b;
    json_t *rows = NULL;
    cli_ctx c;
    int opt, rc, json = 0;

    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, "appointment list");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (!ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "--patient: '%s' is not a GID", patient);
    if ((rc = cli_care_book_load(&b, &c, patient, "appointments")) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(rows = ck_care_appointments_view(b.items, NULL))) {
        cli_error(c.cmd, "out of memory");
        goto out;
    }
    cli_care_print_rows(rows, NULL, json, "no appointments", cols, sizeof cols / sizeof *cols);
    if (b.withheld) cli_error(c.cmd, "%zu appointment entries are not shared with you", b.withheld);
    rc = CLI_OK;
out:
    json_decref(rows);
    cli_care_book_free(&b);
    cli_ctx_close(&c);
    return rc;
}

/* ---- group ------------------------------------------------------------------ */

static const cli_subcmd appointment_subcmds[] = {
    {"book", "book a doctor's free slot for a patient", book_usage, cmd_book},
    {"reschedule", "move a booked appointment to another free slot", reschedule_usage, cmd_reschedule},
    {"cancel", "cancel an appointment (its slot becomes free)", cancel_usage, cmd_cancel},
    {"checkin", "the patient has arrived", checkin_usage, cmd_checkin},
    {"list", "a patient's appointments (patient, family, staff)", list_usage, cmd_list},
};
#define N_APPT (sizeof appointment_subcmds / sizeof *appointment_subcmds)

static void appointment_help(FILE *f)
{
    fprintf(f, "Usage: carekey appointment COMMAND [OPTIONS]\n"
               "\n"
               "Appointments on doctors' slots ('carekey schedule'): booked in the\n"
               "hospital's ledger and copied into the patient's record.\n"
               "\n"
               "Commands:\n");
    cli_print_subcmds(f, appointment_subcmds, N_APPT);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey appointment book --patient alice --doctor dr-a --at 2026-11-25T09:20\n"
               "  carekey appointment checkin --id <id>\n"
               "  carekey appointment list --patient alice\n"
               "\n"
               "Run 'carekey appointment COMMAND --help' for the options of a command.\n");
}

static int appointment_run(int argc, char **argv)
{
    return cli_dispatch("appointment", appointment_help, appointment_subcmds, N_APPT, argc, argv);
}

const cli_group cli_group_appointment = {"appointment", "book, reschedule, cancel and check in appointments",
                                         appointment_run};
