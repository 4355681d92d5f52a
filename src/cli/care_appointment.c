/*
 * src/cli/care_appointment.c - `carekey appointment` over the node:
 * booking a doctor's slot (ledger section `schedule`) and the patient's
 * copy of the Appointment (her section `appointments`, same id).
 *
 *   appointment book       --patient P --doctor D (--at TIME | --slot ID) [--reason TEXT] [--service TEXT]
 *   appointment reschedule --id ID (--at TIME | --slot ID)
 *   appointment cancel     --id ID [--reason TEXT]
 *   appointment checkin    --id ID
 *   appointment list       --patient P [--json]
 *
 * The node checks on the ledger, writes on the head it read, copies into
 * the patient's record and withdraws a booking her record refused
 * (ck_node_appointment); this file parses and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/care.h"
#include "cli/care.h"

#define OPT_SERVICE 0x1301

static const char *S(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_written(const char *what, const ck_node_appointment_out *o)
{
    const json_t *a = o->written;
    printf("%s Appointment/%s %s %s %s..%s Slot/%s (entry %llu of %s)\n", what, S(a, "id"),
           ck_care_appointment_actor(a, "Patient"), ck_care_appointment_actor(a, "Practitioner"), S(a, "start"),
           S(a, "end"), ck_care_ref_id(json_array_get(json_object_get(a, "slot"), 0), "Slot"),
           (unsigned long long)o->seq, o->org);
}

/* Checks (usage errors before anything opens), runs, prints. */
static int run(cli_node *x, const char *help, ck_node_appointment_in *in, const char *what)
{
    ck_node_appointment_out out;
    ck_node_error e;
    int rc = CLI_OK;
    memset(&out, 0, sizeof out);
    if (ck_node_appointment_check(in, &e) != 0 && strcmp(e.path, "hospital") != 0)
        return cli_usage_error(x->cmd, help, "%s", e.msg);
    if ((rc = cli_node_open(x)) != CLI_OK) return rc;
    if (ck_node_appointment(x->n, in, &out) != 0) {
        rc = cli_cn_fail(x, help);
        if (out.withdrawn < 0)
            cli_error(x->cmd, "could not withdraw Appointment/%s from the ledger; cancel it with "
                              "'carekey appointment cancel --id %s'", S(out.written, "id"), S(out.written, "id"));
        else if (out.withdrawn > 0)
            cli_error(x->cmd, "the booking was withdrawn: the slot is free again");
        else if (out.ledger_done)
            cli_error(x->cmd, "the ledger holds the change, but the patient's record could not be updated");
    } else {
        print_written(what, &out);
        if (in->action == CK_NODE_APPT_RESCHEDULE && out.old_slot[0]) printf("freed Slot/%s\n", out.old_slot);
    }
    ck_node_appointment_out_free(&out);
    return rc;
}

#define WRITE_LONGOPTS                                                                             \
    {"at", required_argument, NULL, 'a'}, {"slot", required_argument, NULL, 's'},                 \
        {"help", no_argument, NULL, 'h'}, CLI_CARE_NODE_ORG_LONGOPTS, CLI_COMMON_LONGOPTS

/* ---- appointment book ------------------------------------------------------ */

static const char book_usage[] =
    "Usage: carekey appointment book --patient P --doctor D (--at TIME | --slot ID)\n"
    "                                [--reason TEXT] [--service TEXT] [--org ORG]\n"
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
    "  --service TEXT  the kind of visit (serviceType.text)\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: booked Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "Exit 1 when refused (slot_taken, no_slot, patient_busy: the reason on stderr).\n"
    "\n" CLI_COMMON_HELP;

static int cmd_book(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"doctor", required_argument, NULL, 'd'},
                                       {"reason", required_argument, NULL, 'r'},
                                       {"service", required_argument, NULL, OPT_SERVICE},
                                       WRITE_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "appointment book", *org = NULL;
    ck_node_appointment_in in;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    in.action = CK_NODE_APPT_BOOK;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': in.patient = optarg; break;
        case 'd': in.doctor = optarg; break;
        case 'r': in.reason = optarg; break;
        case OPT_SERVICE: in.service = optarg; break;
        case 'a': in.at = optarg; break;
        case 's': in.slot = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org = optarg; break;
        case 'h': fputs(book_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org);
    rc = run(&x, help, &in, "booked");
    cli_cn_close(&x);
    return rc;
}

/* ---- reschedule, cancel, checkin ------------------------------------------------ */

static const char reschedule_usage[] =
    "Usage: carekey appointment reschedule --id ID (--at TIME | --slot ID) [--org ORG]\n"
    "\n"
    "Moves a booked appointment to another free slot of the same doctor (a new\n"
    "version of the Appointment in the ledger and in the patient's record); the\n"
    "old slot becomes free.\n"
    "\n"
    "  --id ID     the appointment\n"
    "  --at TIME   the start of the doctor's new slot (UTC)\n"
    "  --slot ID   the new slot\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: rescheduled Appointment/<id> P D START..END Slot/<new> (entry N of ORG)\n"
    "\n" CLI_COMMON_HELP;

static const char cancel_usage[] =
    "Usage: carekey appointment cancel --id ID [--reason TEXT] [--org ORG]\n"
    "\n"
    "Cancels a booked (or checked-in) appointment: status cancelled, with the\n"
    "reason as cancelationReason; its slot becomes free.\n"
    "\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: cancelled Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "\n" CLI_COMMON_HELP;

static const char checkin_usage[] =
    "Usage: carekey appointment checkin --id ID [--org ORG]\n"
    "\n"
    "The patient has arrived: a booked appointment becomes checked-in (any other\n"
    "status is refused).\n"
    "\n" CLI_CARE_NODE_ORG_HELP "\n"
    "Prints: checked-in Appointment/<id> P D START..END Slot/<id> (entry N of ORG)\n"
    "\n" CLI_COMMON_HELP;

#define CHANGE_LONGOPTS                                                                         \
    {"id", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'}, CLI_CARE_NODE_ORG_LONGOPTS, \
        CLI_COMMON_LONGOPTS

static const struct option reschedule_lo[] = {{"at", required_argument, NULL, 'a'},
                                              {"slot", required_argument, NULL, 's'},
                                              CHANGE_LONGOPTS,
                                              {NULL, 0, NULL, 0}};
static const struct option cancel_lo[] = {{"reason", required_argument, NULL, 'r'}, CHANGE_LONGOPTS, {NULL, 0, NULL, 0}};
static const struct option checkin_lo[] = {CHANGE_LONGOPTS, {NULL, 0, NULL, 0}};

static int change(int argc, char **argv, const char *cmd, const struct option *lo, const char *usage,
                  ck_node_appt_action action, const char *what)
{
    const char *org = NULL;
    ck_node_appointment_in in;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    in.action = action;
    cli_node_init(&x, cmd);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, cmd)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'i': in.id = optarg; break;
        case 'r': in.reason = optarg; break;
        case 'a': in.at = optarg; break;
        case 's': in.slot = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org = optarg; break;
        case 'h': fputs(usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, cmd, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org);
    rc = run(&x, cmd, &in, what);
    cli_cn_close(&x);
    return rc;
}

static int cmd_reschedule(int argc, char **argv)
{
    return change(argc, argv, "appointment reschedule", reschedule_lo, reschedule_usage, CK_NODE_APPT_RESCHEDULE,
                  "rescheduled");
}
static int cmd_cancel(int argc, char **argv)
{
    return change(argc, argv, "appointment cancel", cancel_lo, cancel_usage, CK_NODE_APPT_CANCEL, "cancelled");
}
static int cmd_checkin(int argc, char **argv)
{
    return change(argc, argv, "appointment checkin", checkin_lo, checkin_usage, CK_NODE_APPT_CHECKIN, "checked-in");
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
    "\n" CLI_COMMON_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},       {"END", "end", 0},
                                      {"STATUS", "status", 0},     {"DOCTOR", "practitioner", 0},
                                      {"LOCATION", "location", 0}, {"SERVICE", "service", 0},
                                      {"REASON", "reason", 0},     {"ID", "id", 0}};
    const char *help = "appointment list", *patient = NULL;
    ck_node_rows_out out;
    cli_node x;
    int opt, rc, json = 0;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'j': json = 1; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (!ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "--patient: '%s' is not a GID", patient);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_appointment_list(x.n, patient, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    cli_cn_print_rows(out.rows, NULL, json, "no appointments", cols, sizeof cols / sizeof *cols);
    if (out.withheld) cli_error(x.cmd, "%zu appointment entries are not shared with you", out.withheld);
out:
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
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

const cli_group cli_group_appointment = {"appointment", "appointments on doctors' slots: book, reschedule, cancel, checkin, list",
                                         appointment_run};
