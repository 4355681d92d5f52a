/*
 * src/cli/hospital.c - `carekey hospital` over the node
 * (carekey/node_hospital.h): a hospital (or pharmacy) administers its staff
 * and care teams from its own home, whose keyring holds the organization's
 * identity (GID = ORG, role organization, owner of the ORG ledger) and runs
 * the authority ORG (docs/CARE.md).
 *
 *   onboard --name ORG --kind K ... the organization joins (onboard.c)
 *   staff add --gid G --role R ...   staff@ORG (+ extras) to G, ledger grant for R, directory affiliation
 *   staff remove --gid G             end G's affiliation, revoke G's ORG attributes and grants
 *   staff list                       the directory's staff of ORG
 *   care-team --patient P [--gid G]  as P's delegate: record grants for the treating staff
 *   units [--kind K]                 ORG's departments, wards (beds) and theatres
 *
 * What each step did comes as the node's notices; this file parses and
 * prints the last line.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_hospital.h"
#include "cli/care.h"
#include "cli/cli_node.h"
#include "cli/onboard.h"

#define MAX_EXTRA 32
#define MAX_GIDS 256

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_json(const json_t *j)
{
    char *t = json_dumps(j, JSON_INDENT(2));
    printf("%s\n", t ? t : "[]");
    free(t);
}

/* ---- staff add ------------------------------------------------------------------ */

static const char add_usage[] =
    "Usage: carekey hospital staff add --gid G --role ROLE [--unit U] [--title T] [--attr A ...] [OPTIONS]\n"
    "\n"
    "Takes G on as staff of this organization (run from its own home: identity\n"
    "and authority ORG): issues staff@ORG and the extra attributes through G's\n"
    "mailbox, gives G a write grant on the ORG ledger for the sections of the\n"
    "role, and records the affiliation in the directory (org, unit, title and\n"
    "every attribute G holds that this organization knows of). Re-running it\n"
    "after a partial failure finishes the job without duplicating anything.\n"
    "\n"
    "  --gid G       the person, enrolled in the directory\n"
    "  --role ROLE   doctor | nurse | clerk | pharmacist; ledger sections:\n"
    "                doctor ward,clinic,schedule,theatre,rx; nurse ward,clinic;\n"
    "                clerk ward,schedule,clinic; pharmacist rx\n"
    "  --unit U      the department, ward or theatre G works in (a unit of ORG)\n"
    "  --title T     job title in the directory (default: the role)\n"
    "  --attr A      an extra attribute of authority ORG (level@ORG=3, icu@ORG);\n"
    "                repeatable\n"
    "\n" CLI_COMMON_HELP;

static int cmd_staff_add(int argc, char **argv)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'}, {"role", required_argument, NULL, 'r'},
                                       {"unit", required_argument, NULL, 'u'}, {"title", required_argument, NULL, 't'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital staff add", *extra[MAX_EXTRA];
    ck_node_attr_spec specs[MAX_EXTRA];
    ck_node_staff_add_in in;
    char org[129];
    size_t n_extra = 0;
    cli_node x;
    int o, rc;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'g': in.gid = optarg; break;
        case 'r': in.role = optarg; break;
        case 'u': in.unit = optarg; break;
        case 't': in.title = optarg; break;
        case 'a':
            if (n_extra == MAX_EXTRA) return cli_usage_error(x.cmd, help, "more than %d --attr", MAX_EXTRA);
            extra[n_extra++] = optarg;
            break;
        case 'h': fputs(add_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!in.gid || !in.role) return cli_usage_error(x.cmd, help, "--gid and --role are required");
    if (!ck_net_id_valid(in.gid)) return cli_usage_error(x.cmd, help, "invalid GID '%s'", in.gid);
    if (!ck_node_hospital_role(in.role))
        return cli_usage_error(x.cmd, help, "--role: '%s' is not doctor, nurse, clerk or pharmacist", in.role);
    if (in.unit && !ck_net_id_valid(in.unit)) return cli_usage_error(x.cmd, help, "invalid unit name '%s'", in.unit);
    if (in.title && (!*in.title || strlen(in.title) > 127)) return cli_usage_error(x.cmd, help, "--title: 1-127 bytes");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    for (size_t i = 0; i < n_extra; i++)
        if (ck_node_attr_parse(x.n, extra[i], 1, &specs[i]) != 0) {
            rc = cli_usage_error(x.cmd, help, "%s", ck_node_last_error(x.n)->msg);
            goto out;
        }
    in.extra = specs;
    in.n_extra = n_extra;
    if (ck_node_hospital_staff_add(x.n, &in, org) != 0) {
        const ck_node_error *e = ck_node_last_error(x.n);
        if (e->kind == CK_NODE_E_INVALID) rc = cli_usage_error(x.cmd, help, "%s", e->msg);
        else rc = cli_node_fail(&x);
        goto out;
    }
    printf("staff added: %s as %s at %s\n", in.gid, in.role, org);
out:
    cli_node_close(&x);
    return rc;
}

/* ---- staff remove -------------------------------------------------------------------- */

static const char remove_usage[] =
    "Usage: carekey hospital staff remove --gid G [--reason TEXT] [OPTIONS]\n"
    "\n"
    "Ends G's work at this organization: ends G's affiliation in the directory,\n"
    "revokes every attribute of authority ORG that G holds (new epochs: nothing\n"
    "sealed from now on is readable with G's keys; the others keep every epoch\n"
    "they hold and get the new one), revokes G's grants on the ORG ledger and the\n"
    "grants ORG gave G on its patients' records. G's account stays: only the\n"
    "operator deactivates accounts. What G could read before stays readable to\n"
    "her ('carekey reencrypt' closes it). Safe to re-run. ('staff deactivate' is\n"
    "the old name of this command.)\n"
    "\n"
    "  --gid G         the staff member\n"
    "  --reason TEXT   why (printed with the result)\n"
    "\n" CLI_COMMON_HELP;

static int cmd_staff_remove(int argc, char **argv)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'}, {"reason", required_argument, NULL, 'r'},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital staff remove", *gid = NULL, *reason = NULL;
    ck_node_staff_remove_out out;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'g') gid = optarg;
        else if (o == 'r') reason = optarg;
        else if (o == 'h') return fputs(remove_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!gid) return cli_usage_error(x.cmd, help, "--gid is required");
    if (!ck_net_id_valid(gid)) return cli_usage_error(x.cmd, help, "invalid GID '%s'", gid);
    if (reason && (!*reason || strlen(reason) > 1024)) return cli_usage_error(x.cmd, help, "--reason: 1-1024 bytes");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto done;
    if (ck_node_hospital_staff_remove(x.n, gid, &out) != 0) {
        rc = cli_node_fail(&x);
        goto done;
    }
    printf("%s left %s: %zu attribute(s), %zu ledger grant(s) and %zu patient-record grant(s) revoked%s%s\n", gid,
           out.org, out.attrs, out.ledger_grants, out.record_grants, reason ? "; reason: " : "", reason ? reason : "");
done:
    cli_node_close(&x);
    return rc;
}

/* ---- staff list ------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey hospital staff list [--role R] [--unit U] [--all] [--json] [--org ORG] [OPTIONS]\n"
    "\n"
    "The staff of the organization from the directory: GID, role, unit, title,\n"
    "status and public attributes. Active staff only unless --all.\n"
    "\n"
    "  --role R    only this directory role (doctor, nurse, clerk, pharmacist, ...)\n"
    "  --unit U    only this unit\n"
    "  --all       deactivated staff too\n"
    "  --json      the directory's user objects as a JSON array\n"
    CLI_CARE_NODE_ORG_HELP
    "              (run from the organization's home: the organization itself)\n"
    "\n" CLI_COMMON_HELP;

static int cmd_staff_list(int argc, char **argv)
{
    static const struct option lo[] = {{"role", required_argument, NULL, 'r'}, {"unit", required_argument, NULL, 'u'},
                                       {"all", no_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CARE_NODE_ORG_LONGOPTS, CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "hospital staff list", *role = NULL, *unit = NULL;
    ck_node_org_sel sel = {NULL, NULL};
    char org[129];
    json_t *users = NULL, *u;
    size_t i;
    int o, rc, as_json = 0, active = 1;
    cli_node x;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'r': role = optarg; break;
        case 'u': unit = optarg; break;
        case 'a': active = -1; break;
        case 'j': as_json = 1; break;
        case CLI_CARE_NODE_OPT_ORG: sel.org_opt = optarg; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((role && !ck_net_id_valid(role)) || (unit && !ck_net_id_valid(unit)))
        return cli_usage_error(x.cmd, help, "invalid --role or --unit");
    sel.org_default = cli_cn_org(NULL);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_hospital_staff_list(x.n, &sel, role, unit, active, &users, org) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (as_json) {
        print_json(users);
        goto out;
    }
    printf("%-20s  %-12s  %-16s  %-20s  %-8s  %s\n", "gid", "role", "unit", "title", "status", "attributes");
    json_array_foreach(users, i, u) {
        json_t *a;
        size_t k;
        printf("%-20s  %-12s  %-16s  %-20s  %-8s ", jstr(u, "gid") ?: "", jstr(u, "role") ?: "",
               jstr(u, "unit") ?: "-", jstr(u, "title") ?: "-",
               json_is_false(json_object_get(u, "active")) ? "inactive" : "active");
        json_array_foreach(json_object_get(u, "attributes"), k, a) printf(" %s", json_string_value(a));
        printf("\n");
    }
    if (!json_array_size(users)) printf("(no staff)\n");
out:
    json_decref(users);
    cli_node_close(&x);
    return rc;
}

/* ---- care-team ---------------------------------------------------------------------- */

static const char care_team_usage[] =
    "Usage: carekey hospital care-team --patient P [--gid G ...] [OPTIONS]\n"
    "\n"
    "Run by the hospital as P's delegate (P first ran 'carekey grant --patient P\n"
    "--to ORG --sections '*' --delegate'): gives each staff member a write grant\n"
    "on P's record for the sections of their role, unless the verified chain\n"
    "already holds one that covers them:\n"
    "  doctor      encounters,problems,allergies,results,careplans,medications,\n"
    "              appointments,procedures,other\n"
    "  nurse       encounters,allergies,results,careplans\n"
    "  clerk       appointments,encounters\n"
    "  pharmacist  medications (a pharmacy runs care-team for its pharmacists)\n"
    "Prints one line per person.\n"
    "\n"
    "  --patient P   the patient\n"
    "  --gid G       a staff member of ORG (repeatable; default: every active\n"
    "                staff member in the directory)\n"
    "\n" CLI_COMMON_HELP;

static int cmd_care_team(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'}, {"gid", required_argument, NULL, 'g'},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital care-team", *patient = NULL, *gids[MAX_GIDS];
    ck_node_care_team_out out;
    size_t n_gids = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': patient = optarg; break;
        case 'g':
            if (n_gids == MAX_GIDS) return cli_usage_error(x.cmd, help, "more than %d --gid", MAX_GIDS);
            if (!ck_net_id_valid(optarg)) return cli_usage_error(x.cmd, help, "invalid GID '%s'", optarg);
            gids[n_gids++] = optarg;
            break;
        case 'h': fputs(care_team_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (!ck_net_id_valid(patient)) return cli_usage_error(x.cmd, help, "invalid GID '%s'", patient);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto done;
    if (ck_node_hospital_care_team(x.n, patient, gids, n_gids, &out) != 0) {
        rc = cli_node_fail(&x);
        goto done;
    }
    printf("care team of %s at %s: %zu grant(s) given, %zu staff member(s) considered\n", patient, out.org, out.given,
           out.considered);
done:
    cli_node_close(&x);
    return rc;
}

/* ---- units ------------------------------------------------------------------------- */

static const char units_usage[] =
    "Usage: carekey hospital units [list] [--kind ward|theatre|department] [--json] [--org ORG] [OPTIONS]\n"
    "       carekey hospital units add --org ORG --name NAME --kind department|ward|theatre\n"
    "                                  [--display-name NAME] [--beds N] [OPTIONS]\n"
    "\n"
    "list (the default): the organization's units from the directory: name, kind,\n"
    "beds (wards) and display name. add: a unit for the organization (run as the\n"
    "operator or from the organization's home; 'carekey hospital units add --help').\n"
    "\n"
    "  --kind K    only wards, theatres or departments\n"
    "  --json      the directory's unit objects as a JSON array\n"
    CLI_CARE_NODE_ORG_HELP
    "\n" CLI_COMMON_HELP;

static int cmd_units(int argc, char **argv)
{
    static const struct option lo[] = {{"kind", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CARE_NODE_ORG_LONGOPTS, CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "hospital units", *kind = NULL;
    ck_node_org_sel sel = {NULL, NULL};
    char org[129];
    json_t *units = NULL, *u;
    size_t i;
    int o, rc, as_json = 0;
    cli_node x;

    /* one place for units: 'units add' (also the hidden 'admin add-unit'), 'units [list]' */
    if (argc >= 2 && !strcmp(argv[1], "add")) return cli_unit_add("hospital units add", argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "list")) argc--, argv++;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'k': kind = optarg; break;
        case 'j': as_json = 1; break;
        case CLI_CARE_NODE_OPT_ORG: sel.org_opt = optarg; break;
        case 'h': fputs(units_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (kind && strcmp(kind, "ward") && strcmp(kind, "theatre") && strcmp(kind, "department"))
        return cli_usage_error(x.cmd, help, "--kind: '%s' is not ward, theatre or department", kind);
    sel.org_default = cli_cn_org(NULL);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_hospital_units(x.n, &sel, kind, &units, org) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (as_json) {
        print_json(units);
        goto out;
    }
    printf("%-20s  %-10s  %5s  %s\n", "unit", "kind", "beds", "name");
    json_array_foreach(units, i, u) {
        const char *k = jstr(u, "kind") ?: "";
        char beds[24] = "-";
        if (!strcmp(k, "ward")) snprintf(beds, sizeof beds, "%lld", (long long)json_integer_value(json_object_get(u, "beds")));
        printf("%-20s  %-10s  %5s  %s\n", jstr(u, "name") ?: "", k, beds, jstr(u, "display_name") ?: "");
    }
    if (!json_array_size(units)) printf("(no units)\n");
out:
    json_decref(units);
    cli_node_close(&x);
    return rc;
}

/* ---- the group ------------------------------------------------------------------------ */

static const cli_subcmd staff_subcmds[] = {
    {"add", "take a person on: keys, ledger grant, directory affiliation", add_usage, cmd_staff_add},
    {"remove", "let a person go: end the affiliation, revoke attributes and grants", remove_usage, cmd_staff_remove},
    {"deactivate", "the old name of 'staff remove'", remove_usage, cmd_staff_remove},
    {"list", "the organization's staff from the directory", list_usage, cmd_staff_list},
};

static void staff_help(FILE *f)
{
    fprintf(f, "Usage: carekey hospital staff SUBCOMMAND [OPTIONS]\n\nSubcommands:\n");
    cli_print_subcmds(f, staff_subcmds, sizeof staff_subcmds / sizeof *staff_subcmds);
    fprintf(f, "\n'carekey hospital staff SUBCOMMAND --help' describes each one.\n");
}

static int cmd_staff(int argc, char **argv)
{
    return cli_dispatch("hospital staff", staff_help, staff_subcmds, sizeof staff_subcmds / sizeof *staff_subcmds,
                        argc, argv);
}

static const char staff_usage[] = "Usage: carekey hospital staff add|remove|list [OPTIONS]\n";

static const cli_subcmd subcmds[] = {
    {"staff", "add, remove and list the organization's staff", staff_usage, cmd_staff},
    {"onboard", "the organization joins: identity, authority, enrollment, units", cli_hospital_onboard_usage,
     cli_hospital_onboard},
    {"care-team", "as the patient's delegate, give the treating staff write grants", care_team_usage, cmd_care_team},
    {"units", "the organization's departments, wards and theatres: list, add", units_usage, cmd_units},
};

static void hospital_help(FILE *f)
{
    fprintf(f, "Usage: carekey hospital SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Hospital and pharmacy administration, run from the organization's own home\n"
               "(its identity ORG, role organization, which runs the authority ORG and owns\n"
               "the ORG ledger). docs/CARE.md describes the model.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey hospital staff add --gid dr-a --role doctor --unit cardio\n"
               "  carekey hospital care-team --patient p1          (after p1's delegate grant)\n"
               "  carekey hospital staff remove --gid dr-a --reason 'left'\n"
               "\n"
               "'carekey hospital SUBCOMMAND --help' describes each one.\n");
}

static int hospital_run(int argc, char **argv)
{
    return cli_dispatch("hospital", hospital_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_hospital = {"hospital", "hospital administration: staff, onboard, care-team, units",
                                      hospital_run};
