/*
 * src/cli/reencrypt.c - `carekey reencrypt` over the node
 * (carekey/node_reencrypt.h): after a revocation, fresh data keys and the
 * current epochs for the current versions of a record, and a tombstone so
 * the server drops the superseded bodies.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_reencrypt.h"
#include "cli/cli_node.h"

static const char reencrypt_usage[] =
    "Usage: carekey reencrypt --patient P [--all] [--dry-run] [common options]\n"
    "\n"
    "Seals again, under a fresh data key and the current attribute epochs, the\n"
    "current versions of P's record whose policy names an attribute revoked since\n"
    "they were sealed (its epoch went up), appends them as new versions, then\n"
    "lets the server drop the bodies of the superseded versions (a tombstone\n"
    "entry). Afterwards a revoked person opens none of the current versions, even\n"
    "with data keys she kept. Only entries this person can open are re-encrypted;\n"
    "the others are counted and left for someone who can. Run by the owner or her\n"
    "delegate after 'carekey authority revoke'. An organization re-encrypts its\n"
    "ledger (sealed for its staff) with keys its own authority makes for the run.\n"
    "\n"
    "  --all       every current version, not only those at an older epoch\n"
    "  --dry-run   only list what would be re-encrypted\n"
    "\n" CLI_COMMON_HELP;

static void print_plan(const ck_node_reencrypt_out *o)
{
    for (size_t i = 0; i < o->n_queued; i++)
        printf("would re-encrypt entry %llu (%s)\n", (unsigned long long)o->queued[i].seq, o->queued[i].section);
    printf("%zu to re-encrypt, %zu current, %zu stale but not openable here\n", o->n_queued, o->current, o->skipped);
}

static void print_done(const ck_node_reencrypt_out *o, const char *patient, int ok)
{
    printf("re-encrypted %zu entries of %s's record under fresh data keys and the current epochs (%zu already current",
           o->done, patient, o->current);
    if (o->skipped) printf(", %zu stale entries this person cannot open", o->skipped);
    printf(")\n");
    if (ok && o->dropped) printf("the server may drop the bodies of %zu superseded versions (tombstone)\n", o->dropped);
}

static int cmd_reencrypt(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"dry-run", no_argument, NULL, 'n'},
                                       {"all", no_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "reencrypt";
    ck_node_reencrypt_in in;
    ck_node_reencrypt_out out;
    cli_node x;
    int opt, rc, ok;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') in.patient = optarg;
        else if (opt == 'n') in.dry_run = 1;
        else if (opt == 'a') in.all = 1;
        else if (opt == 'h') return fputs(reencrypt_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!in.patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    ok = ck_node_reencrypt(x.n, &in, &out) == 0;
    if (out.planned && in.dry_run) print_plan(&out);
    else if (out.planned) print_done(&out, in.patient, ok);
    rc = ok ? CLI_OK : cli_node_fail(&x);
out:
    ck_node_reencrypt_out_free(&out);
    cli_node_close(&x);
    return rc;
}

static int reencrypt_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0))
        return fputs(reencrypt_usage, stdout), CLI_OK;
    return cmd_reencrypt(argc, argv);
}

const cli_group cli_group_reencrypt = {"reencrypt",
                                       "after a revocation: fresh data keys for current versions, old bodies dropped",
                                       reencrypt_run};
