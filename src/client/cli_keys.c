/*
 * src/client/cli_keys.c - merging key deliveries for `carekey patient
 * onboard` and `init`, not moved onto the node yet (`carekey keys` is
 * src/cli/keys.c over src/node/keys/).
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

