/*
 * src/client/cli_care_schedule.c - `carekey schedule`: a doctor's slots in
 * the hospital's ledger (section `schedule`, docs/CARE.md).
 *
 *   schedule slots --doctor D --date DAY --from HH:MM --to HH:MM --every 20m
 *                  [--location UNIT] [--hospital ORG]
 *   schedule show  [--doctor D] [--date DAY|MONTH|FROM..TO] [--hospital ORG] [--json]
 *
 * Slots are written as one ledger entry per call (an array of Slot
 * resources), on exactly the head their overlap check was made on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care_dir.h"

#define MS_PER_MIN 60000LL

/* ---- option parsing ---------------------------------------------------- */

/* "20m", "90m", "1h", "2h": 1 minute to 24 hours. */
static int parse_every(const char *s, int64_t *ms)
{
    char *end;
    long v;
    if (!s || *s < '1' || *s > '9') return -1;
    v = strtol(s, &end, 10);
    if ((end[0] != 'm' && end[0] != 'h') || end[1]) return -1;
    if (end[0] == 'h') v *= 60;
    if (v < 1 || v > 24 * 60) return -1;
    *ms = v * MS_PER_MIN;
    return 0;
}

/* DAY "YYYY-MM-DD" and a clock "HH:MM" into an instant. */
static int day_time(const char *day, const char *hhmm, int64_t *ms)
{
    char buf[40];
    if (strlen(day) != 10 || strlen(hhmm) != 5) return -1;
    snprintf(buf, sizeof buf, "%sT%sZ", day, hhmm);
    return ck_care_time_parse(buf, ms);
}

/* ---- schedule slots ------------------------------------------------------ */

typedef struct {
    cli_ctx *c;
    cli_care_writer *w;
    const char *org, *doctor, *location;
    char policy[CK_NET_ID_MAX + 8];
    int64_t from, to, every;
    /* results */
    char schedule_id[65];
    int new_schedule;
    size_t n_slots;
    uint64_t seq;
} slots_step;

/* The doctor's Schedule covering [from, to): the existing one, a wider
 * version of it, or a new one (written on the head the check was made on). */
static int ensure_schedule(slots_step *s, cli_care_book *b, ck_net_head *head)
{
    ck_care_error err;
    const json_t *it = ck_care_schedule_find(b->items, s->doctor, s->location);
    json_t *res;
    int rc;
    if (it) {
        snprintf(s->schedule_id, sizeof s->schedule_id, "%s", json_string_value(json_object_get(it, "id")));
        res = ck_care_schedule_widen(ck_care_item_resource(it), s->from, s->to, &err);
        if (!res && !strcmp(err.code, "unchanged")) return CLI_OK;
    } else {
        /* the horizon starts with the day the first slots are on */
        int64_t day0 = s->from - (s->from % 86400000LL);
        res = ck_care_schedule_new(s->doctor, s->location, day0, s->to > day0 + 86400000LL ? s->to : day0 + 86400000LL,
                                   &err);
        if (res) snprintf(s->schedule_id, sizeof s->schedule_id, "%s", json_string_value(json_object_get(res, "id")));
    }
    if (!res) {
        cli_error(s->c->cmd, "%s", err.msg);
        return CLI_FAIL;
    }
    {
        ck_net_head base = *head;
        rc = cli_care_put(s->w, s->org, "schedule", res, s->policy, &base, head);
    }
    if (rc == CLI_OK && !it) s->new_schedule = 1;
    json_decref(res);
    return rc;
}

static int slots_run_step(void *arg)
{
    slots_step *s = arg;
    cli_care_book b;
    ck_care_error err;
    ck_net_head head, out;
    json_t *slots = NULL;
    int rc;
    if ((rc = cli_care_book_load(&b, s->c, s->org, "schedule")) != CLI_OK) goto out;
    head = b.head;
    if ((rc = ensure_schedule(s, &b, &head)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(slots = ck_care_slots_generate(b.items, s->schedule_id, s->from, s->to, s->every, &err))) {
        cli_error(s->c->cmd, "%s", err.msg);
        goto out;
    }
    /* a Schedule written just now is on the new head: the slots go on top of it */
    if ((rc = cli_care_put(s->w, s->org, "schedule", slots, s->policy, &head, &out)) != CLI_OK) goto out;
    s->n_slots = json_array_size(slots);
    s->seq = out.seq;
out:
    json_decref(slots);
    cli_care_book_free(&b);
    return rc;
}

static const char slots_usage[] =
    "Usage: carekey schedule slots --doctor D --date DAY --from HH:MM --to HH:MM --every LEN\n"
    "                              [--location UNIT] [--hospital ORG]\n"
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
    "                   doctor and location\n" CLI_CARE_ORG_HELP
    "\n"
    "Prints: created N slots in Schedule/<id> for D: DAY HH:MM-HH:MM every LEN\n"
    "\n" CLI_CTX_HELP;

static int cmd_slots(int argc, char **argv)
{
    static const struct option lo[] = {{"doctor", required_argument, NULL, 'd'},
                                       {"date", required_argument, NULL, 'D'},
                                       {"from", required_argument, NULL, 'f'},
                                       {"to", required_argument, NULL, 't'},
                                       {"every", required_argument, NULL, 'e'},
                                       {"location", required_argument, NULL, 'l'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_ORG_LONGOPTS,
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const char *const doctor_role[] = {"doctor", NULL};
    const char *help = "schedule slots", *date = NULL, *from = NULL, *to = NULL, *every = NULL, *org_opt = NULL;
    char org[CK_NET_ID_MAX + 1];
    slots_step s;
    cli_care_writer w;
    cli_ctx c;
    int opt, rc;

    memset(&s, 0, sizeof s);
    cli_ctx_init(&c, "schedule slots");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'd': s.doctor = optarg; break;
        case 'D': date = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'e': every = optarg; break;
        case 'l': s.location = optarg; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(slots_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!s.doctor || !date || !from || !to || !every)
        return cli_usage_error(c.cmd, help, "--doctor, --date, --from, --to and --every are required");
    if (day_time(date, "00:00", &s.from) != 0) return cli_usage_error(c.cmd, help, "--date: '%s' is not YYYY-MM-DD", date);
    if (day_time(date, from, &s.from) != 0) return cli_usage_error(c.cmd, help, "--from: '%s' is not HH:MM", from);
    if (day_time(date, to, &s.to) != 0) return cli_usage_error(c.cmd, help, "--to: '%s' is not HH:MM", to);
    if (s.to <= s.from) return cli_usage_error(c.cmd, help, "--to must be after --from");
    if (parse_every(every, &s.every) != 0)
        return cli_usage_error(c.cmd, help, "--every: '%s' is not a length like 20m or 1h", every);
    if (s.location && !ck_net_id_valid(s.location))
        return cli_usage_error(c.cmd, help, "--location: '%s' is not a valid unit name", s.location);
    if (!ck_net_id_valid(s.doctor)) return cli_usage_error(c.cmd, help, "--doctor: '%s' is not a valid GID", s.doctor);

    cli_care_writer_init(&w, &c);
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK) goto out;
    if ((rc = cli_care_dir_check_person(&c, s.doctor, doctor_role, "doctor")) != CLI_OK) goto out;
    if (s.location && (rc = cli_care_dir_check_unit(&c, org, NULL, s.location)) != CLI_OK) goto out;
    s.c = &c;
    s.w = &w;
    s.org = org;
    cli_care_ledger_policy(org, s.policy);
    if ((rc = cli_care_retry(&c, slots_run_step, &s)) != CLI_OK) goto out;
    printf("created %zu slots in Schedule/%s for %s: %s %s-%s every %lld min%s (entry %llu of %s)\n", s.n_slots,
           s.schedule_id, s.doctor, date, from, to, (long long)(s.every / MS_PER_MIN),
           s.new_schedule ? ", new schedule" : "", (unsigned long long)s.seq, org);
out:
    cli_care_writer_free(&w);
    cli_ctx_close(&c);
    return rc;
}

/* ---- schedule show ------------------------------------------------------- */

static const char show_usage[] =
    "Usage: carekey schedule show [--doctor D] [--date DAY|MONTH|FROM..TO] [--hospital ORG] [--json]\n"
    "\n"
    "Lists the slots of the hospital's schedules (its ledger: staff only), by\n"
    "start, free or booked, with the patient and the appointment of booked ones.\n"
    "\n"
    "  --doctor D   only D's slots\n"
    "  --date P     slots starting in P: 2026-11-25, 2026-11 or 2026-11-01..2026-11-07\n"
    "  --json       the rows as a JSON array ({slot, schedule, practitioner, location,\n"
    "               start, end, status, appointment, appointment_status, patient})\n" CLI_CARE_ORG_HELP "\n" CLI_CTX_HELP;

static int cmd_show(int argc, char **argv)
{
    static const struct option lo[] = {{"doctor", required_argument, NULL, 'd'},
                                       {"date", required_argument, NULL, 'D'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CARE_ORG_LONGOPTS,
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const cli_column cols[] = {{"START", "start", 0},  {"END", "end", 0},
                                      {"DOCTOR", "practitioner", 0}, {"LOCATION", "location", 0},
                                      {"STATUS", "status", 0}, {"PATIENT", "patient", 0},
                                      {"APPOINTMENT", "appointment", 0}, {"SLOT", "slot", 0}};
    const char *help = "schedule show", *doctor = NULL, *date = NULL, *org_opt = NULL;
    char org[CK_NET_ID_MAX + 1];
    ck_care_period p;
    cli_care_book b;
    json_t *rows = NULL;
    cli_ctx c;
    int opt, rc, json = 0;

    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, "schedule show");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'd': doctor = optarg; break;
        case 'D': date = optarg; break;
        case 'j': json = 1; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(show_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (doctor && !ck_net_id_valid(doctor)) return cli_usage_error(c.cmd, help, "--doctor: '%s' is not a valid GID", doctor);
    if (date && ck_care_period_parse(date, &p) != 0)
        return cli_usage_error(c.cmd, help, "--date: '%s' is not DAY, MONTH or FROM..TO", date);
    if ((rc = cli_care_org(&c, org_opt, org)) != CLI_OK ||
        (rc = cli_care_ledger_read(&b, &c, org, "schedule")) != CLI_OK)
        goto out;
    rc = CLI_FAIL;
    if (!(rows = ck_care_slots_view(b.items, doctor, date ? &p : NULL))) {
        cli_error(c.cmd, "out of memory");
        goto out;
    }
    cli_care_print_rows(rows, NULL, json, "no slots", cols, sizeof cols / sizeof *cols);
    if (b.withheld) cli_error(c.cmd, "%zu ledger entries are not readable with your keys", b.withheld);
    rc = CLI_OK;
out:
    json_decref(rows);
    cli_care_book_free(&b);
    cli_ctx_close(&c);
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

const cli_group cli_group_schedule = {"schedule", "doctors' schedules and slots in the hospital's ledger", schedule_run};
