/*
 * src/client/cli_keys.c - `carekey keys`: the attribute keys a person
 * holds, delivered by authorities through her mailbox.
 *
 *   sync [--drop-refused]   fetch the mailbox, verify and merge deliveries, acknowledge them
 *   list [--authority N]    the attribute labels and epochs held (never key material)
 *   export --out FILE       the merged ABE user key, for 'carekey abe decrypt --key'
 *
 * A delivery is accepted only when its sender (as the server records it,
 * "authority:NAME") signed it with NAME's signing key pinned in the keyring,
 * it was sealed to this person, names her GID, holds only NAME's
 * attributes, and never replaces a held attribute key by an older epoch (a
 * replayed pre-revocation delivery). Refused deliveries are reported and
 * stay in the mailbox; nothing of them is merged.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "client/cli_authority.h"
#include "client/cli_progress.h"
#include "client/cli_record.h"

#define DELIVERY_KIND "key-delivery"
#define SENDER_PREFIX "authority:"
#define PAGE 100

/* ---- sync --------------------------------------------------------------------- */

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
    "\n" CLI_CTX_HELP;

typedef struct sync_stats {
    size_t accepted, refused, other, attrs;
} sync_stats;

/* Opens the box as ck_keyring_delivery_accept does (the signature first)
 * and checks that no attribute goes back to an older epoch than held. A
 * downgrade would be a replayed delivery from before a revocation. */
static int check_no_downgrade(cli_ctx *c, const ck_net_mail *m, const char *authority,
                              const uint8_t signing_key[32])
{
    uint8_t ad[CK_BOX_AD_MAX], *pt = NULL;
    size_t ad_len, n = 0, got = 0;
    const ck_identity *id = ck_keyring_identity(c->kr);
    const ck_abe_user_key *held = ck_keyring_user_key(c->kr);
    ck_abe_user_key key;
    int rc = 0, have = 0;
    if (!(ad_len = ck_box_delivery_ad(ad, sizeof ad, m->sender, id->gid))) return 0;
    /* any failure here is left to ck_keyring_delivery_accept to report */
    if (ck_box_plaintext_len(&n, m->payload, m->payload_len) != CK_BOX_OK || !(pt = malloc(n ? n : 1))) goto out;
    if (ck_box_open(pt, n, &got, m->payload, m->payload_len, id, signing_key, ad, ad_len) != CK_BOX_OK) goto out;
    if (ck_abe_user_key_decode(&key, pt, got) != CK_ABE_OK) goto out;
    have = 1;
    for (size_t i = 0; i < key.n && !rc; i++)
        for (size_t j = 0; j < held->n; j++)
            if (strcmp(key.attr[i].label, held->attr[j].label) == 0 && key.attr[i].epoch < held->attr[j].epoch) {
                cli_error(c->cmd, "message %lld from %s: refused: it would replace %s at epoch %lu by epoch %lu "
                                  "(a replayed old delivery)",
                          (long long)m->id, authority, held->attr[j].label, (unsigned long)held->attr[j].epoch,
                          (unsigned long)key.attr[i].epoch);
                rc = -1;
                break;
            }
out:
    if (have) ck_abe_user_key_free(&key);
    if (pt) cli_free_secret(pt, n ? n : 1);
    return rc;
}

static const char *why_refused(ck_keyring_err e, ck_box_err be)
{
    switch (e) {
    case CK_KEYRING_ERR_DELIVERY:
        /* the signature covers the associated data (sender, recipient) too */
        if (be == CK_BOX_ERR_SIGNATURE)
            return "the signature does not verify: not from that authority, not for you, or modified";
        if (be == CK_BOX_ERR_AUTH) return "not sealed to you, or modified";
        return "not a valid sealed delivery";
    case CK_KEYRING_ERR_GID: return "the keys were issued to another GID";
    case CK_KEYRING_ERR_CONTENT: return "it holds attributes of another authority, or a malformed key";
    default: return ck_keyring_strerror(e);
    }
}

/* One message: 1 accepted, 0 skipped (another kind), -1 refused, -2 fatal. */
static int sync_one(cli_ctx *c, const ck_net_mail *m, size_t *n_attrs, int quiet)
{
    const ck_keyring_authority *a;
    const char *name;
    size_t before = ck_keyring_user_key(c->kr)->n;
    ck_box_err be = CK_BOX_OK;
    ck_keyring_err e;

    if (strcmp(m->kind, DELIVERY_KIND) != 0) return 0;
    if (strncmp(m->sender, SENDER_PREFIX, strlen(SENDER_PREFIX)) != 0) {
        cli_error(c->cmd, "message %lld: refused: sent by '%s', not by an authority", (long long)m->id, m->sender);
        return -1;
    }
    name = m->sender + strlen(SENDER_PREFIX);
    if (cli_ctx_authority(c, name, &a) != CLI_OK) {
        cli_error(c->cmd, "message %lld: refused: authority '%s' is unknown", (long long)m->id, name);
        return -1;
    }
    if (check_no_downgrade(c, m, name, a->signing_key) != 0) return -1;
    if ((e = ck_keyring_delivery_accept(c->kr, m->payload, m->payload_len, name, a->signing_key, &be)) !=
        CK_KEYRING_OK) {
        cli_error(c->cmd, "message %lld from %s: refused: %s", (long long)m->id, name, why_refused(e, be));
        return -1;
    }
    /* saved before the acknowledgement: an acknowledged key is never lost */
    if (cli_ctx_save(c) != CLI_OK) return -2;
    if (ck_net_mail_ack(c->net, ck_keyring_identity(c->kr)->gid, m->id) != 0) {
        cli_ctx_net_error(c, "acknowledging a delivery (it is merged; the next sync merges it again)");
        return -2;
    }
    if (!quiet) printf("accepted message %lld from %s\n", (long long)m->id, name);
    *n_attrs += ck_keyring_user_key(c->kr)->n - before;
    return 1;
}

int cli_keys_sync(cli_ctx *c, int drop, int quiet, size_t *n_attrs)
{
    ck_net_mail *v = NULL;
    size_t n = 0;
    int64_t after = 0;
    sync_stats st = {0, 0, 0, 0};
    int rc, fatal = 0;
    cli_progress pr;

    if ((rc = cli_ctx_net(c)) != CLI_OK) goto out;
    for (;;) {
        if (ck_net_mail_fetch(c->net, ck_keyring_identity(c->kr)->gid, after, PAGE, &v, &n) != 0) {
            rc = cli_ctx_net_error(c, "mailbox");
            goto out;
        }
        if (n == 0) break;
        cli_progress_start(&pr, "syncing", n);   /* a page at a time: the total is unknown */
        for (size_t i = 0; i < n && !fatal; i++) {
            int r = sync_one(c, &v[i], &st.attrs, quiet);
            cli_progress_step(&pr, 1);
            after = v[i].id;
            if (r == 1) st.accepted++;
            else if (r == 0) st.other++;
            else if (r == -2) fatal = 1;
            else {
                st.refused++;
                if (drop && ck_net_mail_ack(c->net, ck_keyring_identity(c->kr)->gid, v[i].id) != 0)
                    cli_ctx_net_error(c, "deleting a refused delivery");
            }
        }
        cli_progress_end(&pr);
        ck_net_mail_free(v, n);
        v = NULL;
        if (fatal) {
            rc = CLI_FAIL;
            goto out;
        }
    }
    if (!quiet) {
        printf("%zu accepted (%zu new attribute keys), %zu refused%s", st.accepted, st.attrs, st.refused,
               st.refused ? (drop ? " and deleted" : " and left in the mailbox") : "");
        if (st.other) printf(", %zu other message(s) left", st.other);
        printf("\n");
    }
    if (n_attrs) *n_attrs = st.attrs;
    rc = st.refused ? CLI_FAIL : CLI_OK;
out:
    ck_net_mail_free(v, n);
    return rc;
}

static int cmd_sync(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"drop-refused", no_argument, NULL, 'd'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys sync";
    int o, rc, drop = 0;
    cli_ctx c;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, sync_usage)) != -1) {
        if (o == 'd') drop = 1;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    rc = cli_keys_sync(&c, drop, 0, NULL);
    cli_ctx_close(&c);
    return rc;
}

/* ---- inbox ------------------------------------------------------------------- */

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
    "\n" CLI_CTX_HELP;

#define INBOX_DELETE_MAX 256

/* Walks the mailbox; with from set, deletes that sender's messages,
 * else prints them. Counts into *n. */
static int inbox_walk(cli_ctx *c, const char *from, size_t *n)
{
    const char *me = ck_keyring_identity(c->kr)->gid;
    ck_net_mail *v = NULL;
    size_t k = 0;
    int64_t after = 0;
    char when[32];
    for (;;) {
        if (ck_net_mail_fetch(c->net, me, after, PAGE, &v, &k) != 0) return cli_ctx_net_error(c, "mailbox");
        if (k == 0) return CLI_OK;
        for (size_t i = 0; i < k; i++) {
            after = v[i].id;
            if (from && strcmp(v[i].sender, from) != 0) continue;
            if (from && ck_net_mail_ack(c->net, me, v[i].id) != 0) {
                ck_net_mail_free(v, k);
                return cli_ctx_net_error(c, "deleting a message");
            }
            if (!from) {
                cli_rec_time(when, (uint64_t)v[i].created_at);
                printf("%lld  %s  %s  %zu bytes  %s\n", (long long)v[i].id, v[i].sender, v[i].kind,
                       v[i].payload_len, when);
            }
            (*n)++;
        }
        ck_net_mail_free(v, k);
    }
}

static int cmd_inbox(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"delete", required_argument, NULL, 'd'},
                                       {"delete-from", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys inbox", *from = NULL;
    int64_t del[INBOX_DELETE_MAX];
    size_t n_del = 0, n = 0;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, inbox_usage)) != -1) {
        uint64_t id;
        if (o == 'd') {
            if (!cli_parse_u64(optarg, &id) || id > INT64_MAX) return cli_usage_error(c.cmd, help, "--delete takes a message id");
            if (n_del == INBOX_DELETE_MAX) return cli_usage_error(c.cmd, help, "at most %d --delete", INBOX_DELETE_MAX);
            del[n_del++] = (int64_t)id;
        } else if (o == 'f') {
            from = optarg;
        } else {
            return o == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind < argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    for (size_t i = 0; i < n_del; i++) {
        if (ck_net_mail_ack(c.net, ck_keyring_identity(c.kr)->gid, del[i]) != 0) {
            rc = cli_ctx_net_error(&c, "deleting a message");
            goto out;
        }
        printf("deleted message %lld\n", (long long)del[i]);
    }
    if (from) {
        if ((rc = inbox_walk(&c, from, &n)) == CLI_OK) printf("deleted %zu message(s) from %s\n", n, from);
    } else if (!n_del) {
        if ((rc = inbox_walk(&c, NULL, &n)) == CLI_OK && !n) printf("(the mailbox is empty)\n");
    }
out:
    cli_ctx_close(&c);
    return rc;
}

/* ---- list --------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey keys list [--authority NAME] [OPTIONS]\n"
    "\n"
    "Prints your GID and the attributes you hold with their epochs (never key\n"
    "material). The 32 bit-attributes of a numeric attribute are shown as\n"
    "name@authority=value. Works offline.\n"
    "\n"
    "Options:\n"
    "  --authority NAME   only the attributes of authority NAME\n"
    "\n" CLI_CTX_HELP;

/* Whether attribute j, not shown yet, is a bit-attribute of the same numeric
 * attribute (name of nl bytes, authority, epoch) as bit-attribute i: then
 * its bit and value. */
static int same_number(const ck_abe_user_key *key, const unsigned char *done, size_t i, size_t nl, size_t j,
                       unsigned *bit, unsigned *val)
{
    const char *l = key->attr[i].label, *m = key->attr[j].label;
    size_t ml;
    return !done[j] && key->attr[j].epoch == key->attr[i].epoch && cli_attr_bit_parts(m, &ml, bit, val) &&
           ml == nl && strncmp(m, l, nl) == 0 && strcmp(strrchr(m, '@'), strrchr(l, '@')) == 0;
}

static void print_attrs(const ck_abe_user_key *key, const char *only)
{
    unsigned char *done = calloc(key->n ? key->n : 1, 1);
    size_t shown = 0;
    if (!done) return;
    for (size_t i = 0; i < key->n; i++) {
        const char *l = key->attr[i].label, *at = strrchr(l, '@');
        size_t nl;
        unsigned bit, val;
        if (done[i] || (only && strcmp(cli_attr_authority(l), only) != 0)) continue;
        if (cli_attr_bit_parts(l, &nl, &bit, &val)) {
            uint32_t v = 0, mask = 0;
            for (size_t j = i; j < key->n; j++) {
                unsigned b, x;
                if (!same_number(key, done, i, nl, j, &b, &x) || (mask >> b & 1u)) continue;
                v |= (uint32_t)x << b;
                mask |= 1u << b;
            }
            if (mask == UINT32_MAX) {
                /* mark exactly the 32 labels used */
                uint32_t seen = 0;
                for (size_t j = i; j < key->n; j++) {
                    unsigned b, x;
                    if (!same_number(key, done, i, nl, j, &b, &x) || (seen >> b & 1u)) continue;
                    done[j] = 1;
                    seen |= 1u << b;
                }
                printf("  %.*s%s=%lu  epoch %lu  (numeric)\n", (int)nl, l, at, (unsigned long)v,
                       (unsigned long)key->attr[i].epoch);
                shown++;
                continue;
            }
        }
        printf("  %s  epoch %lu\n", l, (unsigned long)key->attr[i].epoch);
        done[i] = 1;
        shown++;
    }
    if (!shown) printf("  (no attribute keys%s%s; run 'carekey keys sync')\n", only ? " of " : "", only ? only : "");
    free(done);
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"authority", required_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys list", *only = NULL;
    const ck_abe_user_key *key;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, list_usage)) != -1) {
        if (o == 'a') only = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
    key = ck_keyring_user_key(c.kr);
    printf("gid: %s\nattribute keys: %zu\n", key->gid, key->n);
    print_attrs(key, only);
out:
    cli_ctx_close(&c);
    return rc;
}

/* ---- export ------------------------------------------------------------------- */

static const char export_usage[] =
    "Usage: carekey keys export --out FILE [OPTIONS]\n"
    "\n"
    "Writes your merged ABE user key (every attribute key you hold) to FILE\n"
    "(mode 0600, never overwritten), for the file tools: 'carekey abe decrypt\n"
    "--key FILE'. The file is a secret in the clear: delete it after use.\n"
    "\n"
    "Options:\n"
    "  --out FILE   the key file to create\n"
    "\n" CLI_CTX_HELP;

static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CTX_LONGOPTS, {"out", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "keys export", *out = NULL;
    const ck_abe_user_key *key;
    uint8_t *b = NULL;
    size_t n = 0;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_authority_next_opt(&c, argc, argv, lo, help, export_usage)) != -1) {
        if (o == 'o') out = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage_error(c.cmd, help, "missing --out");
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto done;
    key = ck_keyring_user_key(c.kr);
    n = ck_abe_user_key_encode(NULL, key);
    if (!(b = malloc(n))) {
        cli_error(c.cmd, "out of memory");
        rc = CLI_FAIL;
        goto done;
    }
    ck_abe_user_key_encode(b, key);
    if ((rc = cli_write_file(c.cmd, out, b, n, 0600, 1)) == CLI_OK)
        printf("%s: user key of %s, %zu attribute keys (mode 0600)\n", out, key->gid, key->n);
done:
    cli_free_secret(b, n);
    cli_ctx_close(&c);
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
