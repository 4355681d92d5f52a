/*
 * src/cli/care_schedule.c - `carekey schedule` over the node: a doctor's
 * slots in the hospital's ledger (section `schedule`, docs/CARE.md).
 *
 *   schedule slots --doctor D --date DAY --from HH:MM --to HH:MM --every 20m
 *                  [--location UNIT] [--org ORG]
 *   schedule show  [--doctor D] [--date DAY|MONTH|FROM..TO] [--org ORG] [--json]
 *
 * The node checks the doctor and the unit in the directory and writes the
 * slots on the ledger their overlap check read (ck_node_schedule_slots).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/care.h"

/* ---- schedule slots ------------------------------------------------------ */

static const char slots_usage[] =
    "Usage: carekey schedule slots --doctor D --date DAY --from HH:MM --to HH:MM --every LEN\n"
    "                              [--location UNIT] [--org ORG]\n"
    "\n"
    "Opens free slots in doctor D's schedule at the hospital (its ledger, section\n"
    "'schedule'; the Schedule is created when D has none there yet): from FROM to\n"
    "TO (UTC) on DAY, one every LEN. The span must be a whole number of slots, at\n"
    "most 200, none overlapping a slot D already has in that schedule.\n"
    "\n"
    "  --doctor D       the doctor's GID (an active doctor in the directory)\n"
    "  --date DAY       YYYY-MM-DD\n"
    "  --from HH:MM     start of the first slot (UTC)\n"
    "  --to HH:MM       end of the last slot (UTC, the same day)\n"
    "  --every LEN      slot length: 10m, 20m, 1h, ...\n"
    "  --location UNIT  a unit of the hospital (a department); one schedule per\n"
    "                   doctor and location\n" CLI_CARE_NODE_ORG_HELP
    "\n"
    "Prints: created N slots in Schedule/<id> for D: DAY HH:MM-HH:MM every LEN\n"
    "\n" CLI_COMMON_HELP;

static int cmd_slots(int argc, char **argv)
{
    static const struct option lo[] = {{"doctor", required_argument, NULL, 'd'},
                                       {"date", required_argument, NULL, 'D'},
                                       {"from", required_argument, NULL, 'f'},
                                       {"to", required_argument, NULL, 't'},
                                       {"every", required_argument, NULL, 'e'},
                                       {"location", required_argument, NULL, 'l'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "schedule slots", *org_opt = NULL;
    int64_t from, to, every;
    ck_node_slots_in in;
    ck_node_slots_out out;
    ck_node_error e;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'd': in.doctor = optarg; break;
        case 'D': in.date = optarg; break;
        case 'f': in.from = optarg; break;
        case 't': in.to = optarg; break;
        case 'e': in.every = optarg; break;
        case 'l': in.location = optarg; break;
        case CLI_CARE_NODE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(slots_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    in.org = cli_cn_org(org_opt);
    if (ck_node_slots_check(&in, &from, &to, &every, &e) != 0 && strcmp(e.path, "hospital") != 0)
        return cli_usage_error(x.cmd, help, "%s", e.msg);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_schedule_slots(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    printf("created %zu slots in Schedule/%s for %s: %s %s-%s every %lld min%s (entry %llu of %s)\n", out.n_slots,
           out.schedule_id, in.doctor, in.date, in.from, in.to, (long long)(every / 60000),
           out.new_schedule ? ", new schedule" : "", (unsigned long long)out.seq, out.org);
out:
    cli_cn_close(&x);
    return rc;
}

/* ---- schedule show ------------------------------------------------------- */

static const char show_usage[] =
    "Usage: carekey schedule show [--doctor D] [--date DAY|MONTH|FROM..TO] [--org ORG] [--json]\n"
    "\n"
    "Lists the slots of the hospital's schedules (its ledger: staff only), by\n"
    "start, free or booked, with the patient and the appointment of booked ones.\n"
    "\n"
    "  --doctor D   only D's slots\n"
    "  --date P     slots starting in P: 2026-11-25, 2026-11 or 2026-11-01..2026-11-07\n"
    "  --json       the rows as a JSON array ({slot, schedule, practitioner, location,\n"
    "               start, end, status, appointment, appointment_status, patient})\n" CLI_CARE_NODE_ORG_HELP "\n" CLI_COMMON_HELP;

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"doctor", required_argument, NULL, 'd'},
                                       {"date", required_argument, NULL, 'D'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_NODE_ORG_LONGOPTS,
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},  {"END", "end", 0},
                                      {"DOCTOR", "practitioner", 0}, {"LOCATION", "location", 0},
                                      {"STATUS", "status", 0}, {"PATIENT", "patient", 0},
                                      {"APPOINTMENT", "appointment", 0}, {"SLOT", "slot", 0}};
    const char *help = "schedule show", *doctor = NULL, *date = NULL, *org_opt = NULL;
    ck_node_rows_out out;
    cli_node x;
    int opt, rc, json = 0;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'd': doctor = optarg; break;
        case 'D': date = optarg; break;
        case 'j': json = 1; break;
        case CLI_CARE_NODE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(show_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_schedule_show(x.n, cli_cn_org(org_opt), doctor, date, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    cli_cn_print_rows(out.rows, NULL, json, "no slots", cols, sizeof cols / sizeof *cols);
    if (out.withheld) cli_error(x.cmd, "%zu ledger entries are not readable with your keys", out.withheld);
out:
    ck_node_rows_out_free(&out);
    cli_cn_close(&x);
    return rc;
}

/* ---- group --------------------------------------------------------------- */

static const cli_subcmd schedule_subcmds[] = {
    {"slots", "open free slots in a doctor's schedule", slots_usage, cmd_slots},
    {"show", "list slots, free or booked", show_usage, cmd_show},
};
#define N_SCHEDULE (sizeof schedule_subcmds / sizeof *schedule_subcmds)

static void schedule_help(FILE *f)
{
    fprintf(f, "Usage: carekey schedule COMMAND [OPTIONS]\n"
               "\n"
               "Doctors' schedules and slots in the hospital's ledger (staff only).\n"
               "Appointments on the slots: 'carekey appointment'.\n"
               "\n"
               "Commands:\n");
    cli_print_subcmds(f, schedule_subcmds, N_SCHEDULE);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey schedule slots --doctor dr-a --date 2026-11-25 --from 09:00 --to 12:00 --every 20m\n"
               "  carekey schedule show --doctor dr-a --date 2026-11-25\n"
               "\n"
               "Run 'carekey schedule COMMAND --help' for the options of a command.\n");
}

static int schedule_run(int argc, char **argv)
{
    return cli_dispatch("schedule", schedule_help, schedule_subcmds, N_SCHEDULE, argc, argv);
}

const cli_group cli_group_schedule = {"schedule", "doctors' schedules in the hospital's ledger: slots, show", schedule_run};
