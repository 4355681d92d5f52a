/*
 * src/cli/keys.c - `carekey keys` over the node (carekey/node_keys.h): the
 * attribute keys a person holds, delivered by authorities through her
 * mailbox.
 *
 *   sync [--drop-refused]   fetch the mailbox, verify and merge deliveries, acknowledge them
 *   list [--authority N]    the attribute labels and epochs held (never key material)
 *   inbox [--delete ID]... [--delete-from SENDER]
 *   export --out FILE       the merged ABE user key, for 'carekey abe decrypt --key'
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_keys.h"
#include "cli/cli_node.h"

static const char sync_usage[] =
    "Usage: carekey keys sync [--drop-refused] [OPTIONS]\n"
    "\n"
    "Fetches the key deliveries in your mailbox, checks each against the\n"
    "sending authority's signing key (pinned in your keyring on first use),\n"
    "merges the attribute keys into your keyring and acknowledges them.\n"
    "Deliveries that do not verify are reported and left in the mailbox\n"
    "(exit status 1); nothing of them is merged.\n"
    "\n"
    "Options:\n"
    "  --drop-refused   also delete refused deliveries from the mailbox\n"
    "\n" CLI_COMMON_HELP;

static const char inbox_usage[] =
    "Usage: carekey keys inbox [--delete ID]... [--delete-from SENDER] [OPTIONS]\n"
    "\n"
    "Lists the messages waiting in your mailbox (id, sender, kind, size, time),\n"
    "or deletes some: any message is yours to delete, so a sender who floods\n"
    "your mailbox cannot keep real key deliveries out. 'carekey keys sync'\n"
    "merges and removes the deliveries it accepts.\n"
    "\n"
    "Options:\n"
    "  --delete ID          delete message ID (repeatable)\n"
    "  --delete-from S      delete every message from sender S (e.g. authority:hosp-x)\n"
    "\n" CLI_COMMON_HELP;

static const char list_usage[] =
    "Usage: carekey keys list [--authority NAME] [OPTIONS]\n"
    "\n"
    "Prints your GID and the attributes you hold with their epochs (never key\n"
    "material). The 32 bit-attributes of a numeric attribute are shown as\n"
    "name@authority=value. Works offline.\n"
    "\n"
    "Options:\n"
    "  --authority NAME   only the attributes of authority NAME\n"
    "\n" CLI_COMMON_HELP;

static const char export_usage[] =
    "Usage: carekey keys export --out FILE [OPTIONS]\n"
    "\n"
    "Writes your merged ABE user key (every attribute key you hold) to FILE\n"
    "(mode 0600, never overwritten), for the file tools: 'carekey abe decrypt\n"
    "--key FILE'. The file is a secret in the clear: delete it after use.\n"
    "\n"
    "Options:\n"
    "  --out FILE   the key file to create\n"
    "\n" CLI_COMMON_HELP;

/* The option loop every keys command shares: common options applied,
 * --help printed. */
static int next_opt(cli_node *x, int argc, char **argv, const struct option *lo, const char *help, const char *usage)
{
    for (;;) {
        int o = cli_next_opt(argc, argv, lo, x->cmd, help);
        if (o != -1 && cli_node_option(x, o, optarg)) continue;
        if (o == 'h') fputs(usage, stdout);
        return o;
    }
}

static int cmd_sync(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"drop-refused", no_argument, NULL, 'd'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys sync";
    ck_node_sync_out out;
    int o, rc, drop = 0, ok;
    cli_node x;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, sync_usage)) != -1) {
        if (o == 'd') drop = 1;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    ok = ck_node_keys_sync(x.n, drop, 0, &out) == 0;
    if (ok || !strcmp(ck_node_last_error(x.n)->key, "deliveries_refused")) {
        printf("%zu accepted (%zu new attribute keys), %zu refused%s", out.accepted, out.attrs, out.refused,
               out.refused ? (drop ? " and deleted" : " and left in the mailbox") : "");
        if (out.other) printf(", %zu other message(s) left", out.other);
        printf("\n");
        rc = ok ? CLI_OK : CLI_FAIL;
    } else {
        rc = cli_node_fail(&x);
    }
out:
    cli_node_close(&x);
    return rc;
}

static void time_text(char out[32], int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) snprintf(out, 32, "%lld", (long long)ms);
}

#define INBOX_DELETE_MAX 256

static int inbox_print(cli_node *x)
{
    ck_node_message *m = NULL;
    size_t n = 0;
    char when[32];
    if (ck_node_inbox_list(x->n, &m, &n) != 0) return cli_node_fail(x);
    for (size_t i = 0; i < n; i++) {
        time_text(when, m[i].created_at);
        printf("%lld  %s  %s  %zu bytes  %s\n", (long long)m[i].id, m[i].sender, m[i].kind, m[i].size, when);
    }
    if (!n) printf("(the mailbox is empty)\n");
    free(m);
    return CLI_OK;
}

static int cmd_inbox(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"delete", required_argument, NULL, 'd'},
                                       {"delete-from", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys inbox", *from = NULL;
    int64_t del[INBOX_DELETE_MAX];
    size_t n_del = 0, n = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, inbox_usage)) != -1) {
        uint64_t id;
        if (o == 'd') {
            if (!cli_parse_u64(optarg, &id) || id > INT64_MAX) return cli_usage_error(x.cmd, help, "--delete takes a message id");
            if (n_del == INBOX_DELETE_MAX) return cli_usage_error(x.cmd, help, "at most %d --delete", INBOX_DELETE_MAX);
            del[n_del++] = (int64_t)id;
        } else if (o == 'f') {
            from = optarg;
        } else {
            return o == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind < argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    for (size_t i = 0; i < n_del; i++) {
        if (ck_node_inbox_delete(x.n, del[i]) != 0) {
            rc = cli_node_fail(&x);
            goto out;
        }
        printf("deleted message %lld\n", (long long)del[i]);
    }
    if (from) {
        if (ck_node_inbox_delete_from(x.n, from, &n) != 0) rc = cli_node_fail(&x);
        else printf("deleted %zu message(s) from %s\n", n, from);
    } else if (!n_del) {
        rc = inbox_print(&x);
    }
out:
    cli_node_close(&x);
    return rc;
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"authority", required_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys list", *only = NULL;
    ck_node_attr *a = NULL;
    size_t n = 0, total = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, list_usage)) != -1) {
        if (o == 'a') only = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_keys_list(x.n, only, &a, &n, &total) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("gid: %s\nattribute keys: %zu\n", ck_node_gid(x.n), total);
    for (size_t i = 0; i < n; i++) {
        if (a[i].numeric) {
            const char *at = strrchr(a[i].label, '@');
            int nl = at ? (int)(at - a[i].label) : (int)strlen(a[i].label);
            printf("  %.*s%s=%lu  epoch %lu  (numeric)\n", nl, a[i].label, at ? at : "", (unsigned long)a[i].value,
                   (unsigned long)a[i].epoch);
        } else {
            printf("  %s  epoch %lu\n", a[i].label, (unsigned long)a[i].epoch);
        }
    }
    if (!n) printf("  (no attribute keys%s%s; run 'carekey keys sync')\n", only ? " of " : "", only ? only : "");
out:
    free(a);
    cli_node_close(&x);
    return rc;
}

static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"out", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys export", *out = NULL;
    uint8_t *b = NULL;
    size_t n = 0, n_attrs = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, export_usage)) != -1) {
        if (o == 'o') out = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage_error(x.cmd, help, "missing --out");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto done;
    if (ck_node_keys_export(x.n, &b, &n) != 0) {
        rc = cli_node_fail(&x);
        goto done;
    }
    {
        ck_node_attr *a = NULL;
        size_t k = 0;
        if (ck_node_keys_list(x.n, NULL, &a, &k, &n_attrs) != 0) n_attrs = 0;
        free(a);
    }
    if ((rc = cli_write_file(x.cmd, out, b, n, 0600, 1)) == CLI_OK)
        printf("%s: user key of %s, %zu attribute keys (mode 0600)\n", out, ck_node_gid(x.n), n_attrs);
done:
    cli_free_secret(b, n);
    cli_node_close(&x);
    return rc;
}

/* ---- the group ----------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"sync", "fetch, verify and merge key deliveries from your mailbox", sync_usage, cmd_sync},
    {"list", "list the attributes and epochs you hold", list_usage, cmd_list},
    {"inbox", "list or delete the messages in your mailbox", inbox_usage, cmd_inbox},
    {"export", "write your ABE user key to a file (for 'carekey abe decrypt')", export_usage, cmd_export},
};

static void keys_help(FILE *f)
{
    fprintf(f, "Usage: carekey keys SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Your attribute keys: authorities deliver them sealed to your mailbox\n"
               "('carekey authority issue'); sync merges them into your keyring.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n'carekey keys SUBCOMMAND --help' describes each one.\n");
}

static int keys_run(int argc, char **argv)
{
    return cli_dispatch("keys", keys_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_keys = {"keys", "your attribute keys and mailbox: sync, list, inbox, export",
                                  keys_run};
