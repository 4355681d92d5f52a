/*
 * src/client/cli_directory.c - `carekey directory`: the public directory of
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

#include "client/cli_ctx.h"

#define PAGE 1000

/* "directory" or "admin list": the command the listings run under. */
static const char *group = "directory";

/* ---- tables ------------------------------------------------------------ */

/* One cell as text: strings as is, null "-", booleans yes/no, integers,
 * arrays comma-joined; CLI_COL_TIME integers (Unix ms) as UTC ISO 8601. */
static void cell(const cli_column *col, json_t *row, char *out, size_t cap)
{
    json_t *v = json_object_get(row, col->key);
    size_t i, len = 0;
    json_t *e;
    out[0] = 0;
    if (json_is_string(v)) {
        snprintf(out, cap, "%s", json_string_value(v));
    } else if (json_is_boolean(v)) {
        snprintf(out, cap, "%s", json_is_true(v) ? "yes" : "no");
    } else if (json_is_integer(v) && col->time) {
        time_t t = (time_t)(json_integer_value(v) / 1000);
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) snprintf(out, cap, "-");
    } else if (json_is_integer(v)) {
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (len + 2 >= cap) break;
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "",
                                    json_is_string(e) ? json_string_value(e) : "?");
        }
        if (len == 0) snprintf(out, cap, "-");
    } else {
        snprintf(out, cap, "-");
    }
}

void cli_print_table(FILE *f, struct json_t *rows, const cli_column *cols, size_t ncols)
{
    size_t w[16] = {0}, i, k;
    char buf[1100];
    json_t *row;
    if (ncols > 16) ncols = 16;
    for (k = 0; k < ncols; k++) w[k] = strlen(cols[k].header);
    json_array_foreach(rows, i, row) {
        for (k = 0; k < ncols; k++) {
            cell(&cols[k], row, buf, sizeof buf);
            if (strlen(buf) > w[k]) w[k] = strlen(buf);
        }
    }
    for (k = 0; k < ncols; k++)
        fprintf(f, "%-*s%s", k + 1 < ncols ? (int)w[k] : 0, cols[k].header, k + 1 < ncols ? "  " : "\n");
    json_array_foreach(rows, i, row) {
        for (k = 0; k < ncols; k++) {
            cell(&cols[k], row, buf, sizeof buf);
            fprintf(f, "%-*s%s", k + 1 < ncols ? (int)w[k] : 0, buf, k + 1 < ncols ? "  " : "\n");
        }
    }
}

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
static int parse(cli_ctx *c, int argc, char **argv, const char *help, const char *allowed, list_opts *o)
{
    static const struct option lo[] = {{"kind", required_argument, NULL, O_KIND},
                                       {"org", required_argument, NULL, O_ORG},
                                       {"role", required_argument, NULL, O_ROLE},
                                       {"unit", required_argument, NULL, O_UNIT},
                                       {"attr", required_argument, NULL, O_ATTR},
                                       {"active", required_argument, NULL, O_ACTIVE},
                                       {"json", no_argument, NULL, O_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    memset(o, 0, sizeof *o);
    o->active = 1;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, allowed);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
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
typedef int (*fetch_fn)(cli_ctx *c, const list_opts *o, json_t **rows);

static int run_list(const char *sub, int argc, char **argv, const char *usage, const char *allowed, int need_org,
                    fetch_fn fetch, const cli_column *cols, size_t ncols)
{
    char cmd[64], help[96];
    cli_ctx c;
    list_opts o;
    json_t *rows = NULL;
    int rc;
    snprintf(cmd, sizeof cmd, "%s %s", group, sub);
    snprintf(help, sizeof help, "%s", cmd);
    cli_ctx_init(&c, cmd);
    if ((rc = parse(&c, argc, argv, help, allowed, &o)) != CLI_OK) {
        if (rc == -1) printf("Usage: carekey %s %s\n%s", cmd, usage, CLI_CTX_HELP);
        return rc == -1 ? CLI_OK : rc;
    }
    if (need_org && o.org == NULL) {
        cli_ctx_close(&c);
        return cli_usage_error(cmd, help, "--org is required");
    }
    if ((rc = cli_ctx_net(&c)) == CLI_OK && (rc = fetch(&c, &o, &rows)) == CLI_OK)
        rc = print_rows(rows, o.json, cols, ncols);
    json_decref(rows);
    cli_ctx_close(&c);
    return rc;
}

/* ---- orgs, units, staff ------------------------------------------------- */

static int fetch_orgs(cli_ctx *c, const list_opts *o, json_t **rows)
{
    return ck_net_orgs_list(c->net, o->kind, rows) == 0 ? CLI_OK : cli_ctx_net_error(c, "list organizations");
}

static int fetch_units(cli_ctx *c, const list_opts *o, json_t **rows)
{
    return ck_net_units_list(c->net, o->org, o->kind, rows) == 0 ? CLI_OK : cli_ctx_net_error(c, o->org);
}

/* Every page of the listing, in GID order. */
static int fetch_staff(cli_ctx *c, const list_opts *o, json_t **rows)
{
    ck_net_user_filter f = {o->org, o->role, o->unit, o->attr, o->active, NULL, PAGE};
    char after[CK_NET_ID_MAX + 1];
    json_t *page = NULL;
    int more = 1;
    if ((*rows = json_array()) == NULL) return CLI_FAIL;
    while (more) {
        if (ck_net_users_list(c->net, &f, &page, &more) != 0) return cli_ctx_net_error(c, "list staff");
        json_array_extend(*rows, page);
        if (json_array_size(page) == 0) more = 0;
        else
            snprintf(after, sizeof after, "%s",
                     json_string_value(json_object_get(json_array_get(page, json_array_size(page) - 1), "gid")));
        json_decref(page);
        f.after = after;
    }
    return CLI_OK;
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
    "\n" CLI_CTX_HELP;

static int cmd_consent(int argc, char **argv)
{
    static const struct option lo[] = {{"withdraw", no_argument, NULL, 'w'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "directory consent --help", *org;
    int opt, rc, withdraw = 0;
    cli_ctx c;
    cli_ctx_init(&c, "directory consent");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'w') withdraw = 1;
        else if (opt == 'h') return fputs(consent_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (argc - optind != 1) return cli_usage_error(c.cmd, help, "name one organization");
    org = argv[optind];
    if (!ck_net_id_valid(org)) return cli_usage_error(c.cmd, help, "invalid organization '%s'", org);
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    {
        const char *me = ck_keyring_identity(c.kr)->gid;
        if ((withdraw ? ck_net_user_consent_withdraw(c.net, me, org) : ck_net_user_consent(c.net, me, org)) != 0) {
            rc = cli_ctx_net_error(&c, withdraw ? "withdrawing the consent" : "consenting");
            goto out;
        }
        printf(withdraw ? "%s no longer consents to be affiliated with %s\n"
                        : "%s consents to be affiliated with %s (it runs 'carekey hospital staff add --gid %s ...')\n",
               me, org, me);
    }
out:
    cli_ctx_close(&c);
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
