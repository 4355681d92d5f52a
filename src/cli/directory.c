/*
 * src/cli/directory.c - `carekey directory` over the node
 * (carekey/node_directory.h): the public directory of
 * organizations, their units and staff (docs/CARE.md, "Directory"), for
 * any enrolled person. The operator reaches the same listings as
 * `carekey admin list orgs|units|staff` (cli_directory_run).
 *
 *   directory orgs  [--kind K] [--json]
 *   directory units --org ORG [--kind K] [--json]
 *   directory staff [--org ORG] [--role R] [--unit U] [--attr LABEL] [--active yes|no|all] [--json]
 *   directory consent ORG [--withdraw]
 *
 * Text output is an aligned table; --json prints the server's objects.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_directory.h"
#include "cli/cli_node.h"

/* "directory" or "admin list": the command the listings run under. */
static const char *group = "directory";

/* Prints rows as a table, or (as_json) as indented JSON. */
static int print_rows(json_t *rows, int as_json, const cli_column *cols, size_t ncols)
{
    if (as_json) {
        if (json_dumpf(rows, stdout, JSON_INDENT(2)) != 0) return CLI_IO;
        fputc('\n', stdout);
        return CLI_OK;
    }
    cli_print_table(stdout, rows, cols, ncols);
    return CLI_OK;
}

/* ---- options ------------------------------------------------------------ */

enum { O_KIND = 'k', O_ORG = 'o', O_ROLE = 'r', O_UNIT = 'u', O_ATTR = 'a', O_ACTIVE = 'A', O_JSON = 'j' };

typedef struct {
    const char *kind, *org, *role, *unit, *attr;
    int active; /* 1, 0, -1 */
    int json;
} list_opts;

/* Parses the listing options (those in `allowed`, plus the common ones).
 * CLI_OK, -1 for --help, or a usage error. */
static int parse(cli_node *c, int argc, char **argv, const char *help, const char *allowed, list_opts *o)
{
    static const struct option lo[] = {{"kind", required_argument, NULL, O_KIND},
                                       {"org", required_argument, NULL, O_ORG},
                                       {"role", required_argument, NULL, O_ROLE},
                                       {"unit", required_argument, NULL, O_UNIT},
                                       {"attr", required_argument, NULL, O_ATTR},
                                       {"active", required_argument, NULL, O_ACTIVE},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    memset(o, 0, sizeof *o);
    o->active = 1;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, allowed);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, c->cmd, help)) != -1) {
        if (cli_node_option(c, opt, optarg)) continue;
        if (opt == 'h') return -1;
        if (opt == '?') return CLI_USAGE;
        if (!strchr(allowed, opt)) {
            const struct option *l = lo;
            while (l->name && l->val != opt) l++;
            return cli_usage_error(c->cmd, help, "option '--%s' does not apply here", l->name ? l->name : "?");
        }
        switch (opt) {
        case O_KIND: o->kind = optarg; break;
        case O_ORG: o->org = optarg; break;
        case O_ROLE: o->role = optarg; break;
        case O_UNIT: o->unit = optarg; break;
        case O_ATTR: o->attr = optarg; break;
        case O_JSON: o->json = 1; break;
        case O_ACTIVE:
            if (!strcmp(optarg, "yes")) o->active = 1;
            else if (!strcmp(optarg, "no")) o->active = 0;
            else if (!strcmp(optarg, "all")) o->active = -1;
            else return cli_usage_error(c->cmd, help, "--active: yes, no or all");
            break;
        }
    }
    if (optind != argc) return cli_usage_error(c->cmd, help, "unexpected argument '%s'", argv[optind]);
    return CLI_OK;
}

/* Runs a listing: parse, connect, fetch (the callback), print. */
typedef int (*fetch_fn)(ck_node *n, const list_opts *o, json_t **rows);

static int run_list(const char *sub, int argc, char **argv, const char *usage, const char *allowed, int need_org,
                    fetch_fn fetch, const cli_column *cols, size_t ncols)
{
    char cmd[64], help[96];
    cli_node c;
    list_opts o;
    json_t *rows = NULL;
    int rc;
    snprintf(cmd, sizeof cmd, "%s %s", group, sub);
    snprintf(help, sizeof help, "%s", cmd);
    cli_node_init(&c, cmd);
    if ((rc = parse(&c, argc, argv, help, allowed, &o)) != CLI_OK) {
        if (rc == -1) printf("Usage: carekey %s %s\n%s", cmd, usage, CLI_COMMON_HELP);
        return rc == -1 ? CLI_OK : rc;
    }
    if (need_org && o.org == NULL) return cli_usage_error(cmd, help, "--org is required");
    if ((rc = cli_node_open(&c)) == CLI_OK) {
        if (fetch(c.n, &o, &rows) != 0) rc = cli_node_fail(&c);
        else rc = print_rows(rows, o.json, cols, ncols);
    }
    json_decref(rows);
    cli_node_close(&c);
    return rc;
}

/* ---- orgs, units, staff ------------------------------------------------- */

static int fetch_orgs(ck_node *n, const list_opts *o, json_t **rows) { return ck_node_dir_orgs(n, o->kind, rows); }

static int fetch_units(ck_node *n, const list_opts *o, json_t **rows)
{
    return ck_node_dir_units(n, o->org, o->kind, rows);
}

static int fetch_staff(ck_node *n, const list_opts *o, json_t **rows)
{
    ck_node_staff_filter f = {o->org, o->role, o->unit, o->attr, o->active};
    return ck_node_dir_staff(n, &f, rows);
}

static const cli_column org_cols[] = {
    {"NAME", "name", 0}, {"KIND", "kind", 0}, {"ACTIVE", "active", 0}, {"DISPLAY NAME", "display_name", 0}};
static const cli_column unit_cols[] = {
    {"NAME", "name", 0}, {"KIND", "kind", 0}, {"BEDS", "beds", 0}, {"DISPLAY NAME", "display_name", 0}};
static const cli_column staff_cols[] = {{"GID", "gid", 0},       {"ROLE", "role", 0},     {"ORG", "org", 0},
                                        {"UNIT", "unit", 0},     {"ACTIVE", "active", 0}, {"TITLE", "title", 0},
                                        {"ATTRIBUTES", "attributes", 0}};
#define NCOLS(a) (sizeof a / sizeof *a)

static const char orgs_usage[] = "[--kind hospital|pharmacy|board|desk] [--json] [common options]\n\n"
                                 "Lists the organizations in the directory.\n";
static const char units_usage[] = "--org ORG [--kind department|ward|theatre] [--json] [common options]\n\n"
                                  "Lists an organization's units.\n";
static const char staff_usage[] =
    "[--org ORG] [--role ROLE] [--unit UNIT] [--attr LABEL] [--active yes|no|all] [--json] [common options]\n\n"
    "Lists enrolled people with their affiliation. --attr matches one whole\n"
    "attribute label (doctor@medical-board); --active defaults to yes.\n";

static int cmd_orgs(int argc, char **argv)
{
    return run_list("orgs", argc, argv, orgs_usage, "kj", 0, fetch_orgs, org_cols, NCOLS(org_cols));
}

static int cmd_units(int argc, char **argv)
{
    return run_list("units", argc, argv, units_usage, "okj", 1, fetch_units, unit_cols, NCOLS(unit_cols));
}

static int cmd_staff(int argc, char **argv)
{
    return run_list("staff", argc, argv, staff_usage, "oruaAj", 0, fetch_staff, staff_cols, NCOLS(staff_cols));
}

/* ---- consent ------------------------------------------------------------ */

static const char consent_usage[] =
    "Usage: carekey directory consent ORG [--withdraw] [common options]\n"
    "\n"
    "You consent to be affiliated with organization ORG (a hospital, a pharmacy,\n"
    "a board): only with your consent can ORG record you as its staff ('carekey\n"
    "hospital staff add'). --withdraw takes a consent back before it is used.\n"
    "Patients and organizations are never affiliated.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_consent(int argc, char **argv)
{
    static const struct option lo[] = {{"withdraw", no_argument, NULL, 'w'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "directory consent --help", *org;
    int opt, rc, withdraw = 0;
    cli_node c;
    cli_node_init(&c, "directory consent");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_node_option(&c, opt, optarg)) continue;
        if (opt == 'w') withdraw = 1;
        else if (opt == 'h') return fputs(consent_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (argc - optind != 1) return cli_usage_error(c.cmd, help, "name one organization");
    org = argv[optind];
    if (!ck_net_id_valid(org)) return cli_usage_error(c.cmd, help, "invalid organization '%s'", org);
    if ((rc = cli_node_open(&c)) != CLI_OK) goto out;
    if (ck_node_dir_consent(c.n, org, withdraw) != 0) {
        rc = cli_node_fail(&c);
        goto out;
    }
    printf(withdraw ? "%s no longer consents to be affiliated with %s\n"
                    : "%s consents to be affiliated with %s (it runs 'carekey hospital staff add --gid %s ...')\n",
           ck_node_gid(c.n), org, ck_node_gid(c.n));
out:
    cli_node_close(&c);
    return rc;
}

static const cli_subcmd dir_subcmds[] = {
    {"orgs", "list organizations", orgs_usage, cmd_orgs},
    {"units", "list an organization's units", units_usage, cmd_units},
    {"staff", "list people and their affiliations", staff_usage, cmd_staff},
    {"consent", "consent to be affiliated with an organization", consent_usage, cmd_consent},
};

static void dir_help(FILE *f)
{
    fprintf(f, "Usage: carekey %s orgs|units|staff|consent [OPTIONS]\n\n"
               "The public directory: organizations, units and staff (no patient data).\n\nSubcommands:\n", group);
    cli_print_subcmds(f, dir_subcmds, NCOLS(dir_subcmds));
}

int cli_directory_run(const char *as, int argc, char **argv)
{
    group = as;
    return cli_dispatch(as, dir_help, dir_subcmds, NCOLS(dir_subcmds), argc, argv);
}

static int directory_run(int argc, char **argv) { return cli_directory_run("directory", argc, argv); }

const cli_group cli_group_directory = {"directory", "the directory of organizations and staff: orgs, units, staff, consent", directory_run};
