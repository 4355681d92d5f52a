/*
 * src/node/keys/sync.c - merging the key deliveries of the mailbox into
 * the keyring (carekey/node_keys.h).
 */
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "carekey/node_keys.h"
#include "node/node_impl.h"

#define DELIVERY_KIND "key-delivery"
#define SENDER_PREFIX "authority:"
#define PAGE 100

/* Opens the box as ck_keyring_delivery_accept does (the signature first)
 * and checks that no attribute goes back to an older epoch than held. A
 * downgrade would be a replayed delivery from before a revocation. */
static int check_no_downgrade(ck_node *c, const ck_net_mail *m, const char *authority, const uint8_t signing_key[32])
{
    uint8_t ad[CK_BOX_AD_MAX], *pt = NULL;
    size_t ad_len, n = 0, got = 0;
    const ck_identity *id = ck_keyring_identity(c->s->kr);
    const ck_abe_user_key *held = ck_keyring_user_key(c->s->kr);
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
                ck_node_notice(c, CK_NODE_WARNING,
                               "message %lld from %s: refused: it would replace %s at epoch %lu by epoch %lu "
                               "(a replayed old delivery)", (long long)m->id, authority, held->attr[j].label,
                               (unsigned long)held->attr[j].epoch, (unsigned long)key.attr[i].epoch);
                rc = -1;
                break;
            }
out:
    if (have) ck_abe_user_key_free(&key);
    if (pt) ck_node_free_secret(pt, n ? n : 1);
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

/* One message: 1 accepted, 0 skipped (another kind), -1 refused, -2 fatal (error set). */
static int sync_one(ck_node *c, const ck_net_mail *m, size_t *n_attrs, int quiet)
{
    const ck_keyring_authority *a;
    const char *name;
    size_t before = ck_keyring_user_key(c->s->kr)->n;
    ck_box_err be = CK_BOX_OK;
    ck_keyring_err e;

    if (strcmp(m->kind, DELIVERY_KIND) != 0) return 0;
    if (strncmp(m->sender, SENDER_PREFIX, strlen(SENDER_PREFIX)) != 0) {
        ck_node_notice(c, CK_NODE_WARNING, "message %lld: refused: sent by '%s', not by an authority", (long long)m->id,
                       m->sender);
        return -1;
    }
    name = m->sender + strlen(SENDER_PREFIX);
    if (ck_node_authority(c, name, &a) != 0) {
        ck_node_clear_error(c);
        ck_node_notice(c, CK_NODE_WARNING, "message %lld: refused: authority '%s' is unknown", (long long)m->id, name);
        return -1;
    }
    if (check_no_downgrade(c, m, name, a->signing_key) != 0) return -1;
    if ((e = ck_keyring_delivery_accept(c->s->kr, m->payload, m->payload_len, name, a->signing_key, &be)) !=
        CK_KEYRING_OK) {
        ck_node_notice(c, CK_NODE_WARNING, "message %lld from %s: refused: %s", (long long)m->id, name, why_refused(e, be));
        return -1;
    }
    /* saved before the acknowledgement: an acknowledged key is never lost */
    if (ck_node_save(c) != 0) return -2;
    if (ck_net_mail_ack(c->net, ck_keyring_identity(c->s->kr)->gid, m->id) != 0) {
        ck_node_fail_net(c, c->net, "acknowledging a delivery (it is merged; the next sync merges it again)");
        return -2;
    }
    if (!quiet) ck_node_notice(c, CK_NODE_INFO, "accepted message %lld from %s", (long long)m->id, name);
    *n_attrs += ck_keyring_user_key(c->s->kr)->n - before;
    return 1;
}

/* One page of the mailbox after *after; 0 with *n messages handled. */
static int sync_page(ck_node *c, int drop, int quiet, int64_t *after, size_t *n, ck_node_sync_out *out)
{
    const char *me = ck_keyring_identity(c->s->kr)->gid;
    ck_net_mail *v = NULL;
    int rc = 0;
    if (ck_net_mail_fetch(c->net, me, *after, PAGE, &v, n) != 0) return ck_node_fail_net(c, c->net, "mailbox");
    for (size_t i = 0; i < *n && rc == 0; i++) {
        int r = sync_one(c, &v[i], &out->attrs, quiet);
        *after = v[i].id;
        if (r == 1) out->accepted++;
        else if (r == 0) out->other++;
        else if (r == -2) rc = -1;
        else {
            out->refused++;
            if (drop && ck_net_mail_ack(c->net, me, v[i].id) != 0)
                ck_node_notice(c, CK_NODE_WARNING, "deleting a refused delivery failed (HTTP %ld)", ck_net_status(c->net));
        }
        if (rc == 0 && ck_node_step(c, CK_NODE_PHASE_SYNC, i + 1, *n) != 0) rc = -1;
    }
    ck_net_mail_free(v, *n);
    return rc;
}

int ck_node_keys_sync(ck_node *c, int drop, int quiet, ck_node_sync_out *out)
{
    int64_t after = 0;
    size_t n = 1;
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    if ((rc = ck_node_keyring(c)) != 0 || (rc = ck_node_net(c)) != 0) goto out;
    while (n && (rc = sync_page(c, drop, quiet, &after, &n, out)) == 0) {}
    if (rc == 0 && out->refused)
        rc = ck_node_fail(c, CK_NODE_E_REFUSED, "deliveries_refused", "%zu deliveries refused", out->refused);
out:
    ck_node_leave(c);
    return rc;
}
