/*
 * src/cli/grant.c - `carekey grant` over the node (carekey/node_grant.h):
 * write and read grants on a patient's record.
 *
 *   grant --patient P --gid GID --sections a,b [--delegate] [--expires WHEN]
 *   grant --patient P --gid GID --read [--expires WHEN]
 *   grant revoke --patient P --id ID
 *   grant list --patient P
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_grant.h"
#include "cli/cli_node.h"

static const char grant_usage[] =
    "Usage: carekey grant --patient P --gid GID --sections a,b [--delegate] [--expires WHEN]\n"
    "       carekey grant --patient P --gid GID --read [--expires WHEN]\n"
    "       carekey grant revoke --patient P --id ID\n"
    "       carekey grant list --patient P\n"
    "\n"
    "Lets GID append to the listed sections of P's record ('*' = all). Run by\n"
    "the patient or a delegate she named. Two layers: a grant on the server,\n"
    "which enforces it, and a GRANT entry signed by the granter in the record's\n"
    "chain, from which every reader verifies who was allowed to write what.\n"
    "\n"
    "  --patient P      the patient's GID\n"
    "  --gid GID        who receives the grant (the recipient, as everywhere)\n"
    "  --sections LIST  comma-separated sections, or '*'\n"
    "  --delegate       GID may grant and revoke on the patient's behalf\n"
    "  --read           GID may fetch the record (family, a care team): the server\n"
    "                   serves a record's entries only to its owner, delegates and\n"
    "                   grantees; what GID can decrypt is still decided by its keys\n"
    "  --expires WHEN   never (default), 30d, 12h, 45m, 2026-01-31[T10:00:00Z] or Unix ms\n"
    "\n"
    "Subcommands:\n"
    "  revoke  revoke a grant: 'grant revoke --id ID' takes the id 'grant' printed\n"
    "          (the server's number or the chain id)\n"
    "  list    the grants the verified chain holds\n"
    "\n" CLI_COMMON_HELP;

/* A node refusal of the input is a usage error, like the parser's. */
static int grant_failed(cli_node *x, const char *help)
{
    const ck_node_error *e = ck_node_last_error(x->n);
    if (e->kind == CK_NODE_E_INVALID && e->path[0]) return cli_usage_error(x->cmd, help, "%s", e->msg);
    return cli_node_fail(x);
}

static int cmd_create(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"gid", required_argument, NULL, 't'},
                                       {"to", required_argument, NULL, 't'},   /* hidden alias of --gid */
                                       {"sections", required_argument, NULL, 's'},
                                       {"delegate", no_argument, NULL, 'd'},
                                       {"read", no_argument, NULL, 'r'},
                                       {"expires", required_argument, NULL, 'e'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant";
    ck_node_grant_in in;
    cli_node x;
    struct timespec ts;
    int opt, rc;

    memset(&in, 0, sizeof in);
    clock_gettime(CLOCK_REALTIME, &ts);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': in.patient = optarg; break;
        case 't': in.grantee = optarg; break;
        case 's': in.sections = optarg; break;
        case 'd': in.delegate = 1; break;
        case 'r': in.read = 1; break;
        case 'e':
            if (ck_node_expires_parse(optarg, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000,
                                      &in.expires_ms) != 0)
                return cli_usage_error(x.cmd, help, "--expires: '%s' is not a future time (30d, 12h, 2026-01-31, ...)",
                                       optarg);
            break;
        case 'h': fputs(grant_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) == CLI_OK && ck_node_grant(x.n, &in) != 0) rc = grant_failed(&x, help);
    cli_node_close(&x);
    return rc;
}

/* ---- grant revoke ------------------------------------------------------------ */

static const char revoke_usage[] =
    "Usage: carekey grant revoke --patient P --id ID\n"
    "\n"
    "Revokes a write grant on P's record on the server (no more appends) and in\n"
    "the chain (a signed revocation readers replay). ID is the server's grant\n"
    "number or the 32-hex-digit chain id that 'carekey grant' printed.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_revoke(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"id", required_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant revoke", *patient = NULL, *id = NULL;
    cli_node x;
    int opt, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'i': id = optarg; break;
        case 'h': fputs(revoke_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!patient || !id) return cli_usage_error(x.cmd, help, "--patient and --id are required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) == CLI_OK && ck_node_grant_revoke(x.n, patient, id) != 0) rc = grant_failed(&x, help);
    cli_node_close(&x);
    return rc;
}

/* ---- grant list ------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey grant list --patient P\n"
    "\n"
    "Verifies P's record and lists the write grants its chain holds (who granted\n"
    "what to whom, active or revoked).\n"
    "\n" CLI_COMMON_HELP;

static void print_grants(const ck_node_grant_info *g, size_t n)
{
    printf("%-32s  %-16s  %-16s  %-8s  %-20s  %s\n", "chain id", "grantee", "granted by", "status", "expires", "sections");
    for (size_t i = 0; i < n; i++) {
        char when[32];
        if (g[i].expires_ms) {
            time_t t = (time_t)(g[i].expires_ms / 1000);
            struct tm tm;
            if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
                snprintf(when, sizeof when, "%llu", (unsigned long long)g[i].expires_ms);
        } else {
            snprintf(when, sizeof when, "never");
        }
        printf("%-32s  %-16s  %-16s  %-8s  %-20s  %s%s\n", g[i].chain_id, g[i].grantee, g[i].by,
               ck_node_grant_status_name(g[i].status), when, g[i].sections, g[i].delegate ? " (delegate)" : "");
    }
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant list", *patient = NULL;
    ck_node_grant_info *g = NULL;
    size_t n = 0;
    int problems = 0, opt, rc;
    cli_node x;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient || optind != argc) return cli_usage_error(x.cmd, help, "--patient is required (and nothing else)");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_grant_list(x.n, patient, &g, &n, &problems) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    print_grants(g, n);
    rc = problems ? CLI_FAIL : CLI_OK;
out:
    free(g);
    cli_node_close(&x);
    return rc;
}

/* ---- group ------------------------------------------------------------------ */

static void grant_help(FILE *f) { fputs(grant_usage, f); }

static const cli_subcmd grant_subcmds[] = {
    {"revoke", "revoke a write grant", revoke_usage, cmd_revoke},
    {"list", "list the grants the verified chain holds", list_usage, cmd_list},
};

static int grant_run(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "revoke") == 0 || strcmp(argv[1], "list") == 0 || strcmp(argv[1], "help") == 0))
        return cli_dispatch("grant", grant_help, grant_subcmds, 2, argc, argv);
    if (argc < 2) {
        grant_help(stderr);
        return CLI_USAGE;
    }
    return cmd_create(argc, argv);
}

const cli_group cli_group_grant = {"grant", "write and read access to a record: grant, revoke, list", grant_run};
