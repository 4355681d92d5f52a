/*
 * src/node/authority/conn.c - an authority of the keyring at work: its
 * secret, its own connection signed as "authority:NAME", and delivering
 * issued keys sealed to a user through her mailbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/authority/authority_impl.h"

#define DELIVERY_KIND "key-delivery"

int ck_node_auth_open(ck_node_auth *a, ck_node *n, const char *name)
{
    memset(a, 0, sizeof *a);
    a->n = n;
    if (ck_node_keyring(n) != 0) return -1;
    if (!(a->s = ck_keyring_authority_sk_find(ck_node_kr(n), name)))
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_authority",
                            "this keyring (%s) does not run authority '%s' (see 'carekey authority list')",
                            ck_node_home(n), name);
    if (!a->s->has_signing)
        return ck_node_fail(n, CK_NODE_E_KEYRING, "no_signing_key",
                            "authority '%s' has no signing key in this keyring; it cannot talk to the server", name);
    return (a->reg = ck_node_registry_load(n, name)) ? 0 : -1;
}

int ck_node_auth_net(ck_node_auth *a)
{
    char caller[CK_ABE_NAME_MAX + 16];
    if (a->an) return 0;
    if (ck_node_server(a->n) != 0 || ck_node_net_to(a->n, a->n->s->server, a->n->s->timeout_ms, &a->an) != 0)
        return -1;
    snprintf(caller, sizeof caller, "authority:%s", a->s->sk.name);
    if (ck_net_set_identity(a->an, caller, a->s->signing_sk) != 0) {
        ck_net_close(a->an);
        a->an = NULL;
        return ck_node_fail(a->n, CK_NODE_E_IO, "connection", "cannot set up a connection to %s", a->n->s->server);
    }
    return 0;
}

int ck_node_auth_fail_net(ck_node_auth *a, const char *what)
{
    const char *code = ck_net_error_code(a->an);
    if (ck_net_status(a->an) == 401 && code && strcmp(code, "bad_signature") == 0)
        return ck_node_fail(a->n, CK_NODE_E_FORBIDDEN, "authority_unregistered",
                            "%s: the server does not accept this authority's key (is it registered? the operator "
                            "runs 'carekey admin add-authority')", what);
    ck_node_fail_net(a->n, a->an, what);
    if (a->n->err.kind == CK_NODE_E_INVALID) a->n->err.kind = CK_NODE_E_UPSTREAM;
    return -1;
}

void ck_node_auth_close(ck_node_auth *a)
{
    json_decref(a->reg);
    ck_net_close(a->an);
    memset(a, 0, sizeof *a);
}

/* A user's keys: pinned in the keyring, else from the directory (through
 * the authority's connection: its keyring's person may not be enrolled
 * yet) and pinned on first use, so a server that swaps keys later cannot
 * redirect deliveries. */
static int peer(ck_node_auth *a, const char *gid, ck_keyring_peer *out)
{
    ck_node *n = a->n;
    const ck_keyring_peer *p;
    ck_net_user u;
    int rc = 0;
    pthread_mutex_lock(&n->s->pin_mu);
    if ((p = ck_keyring_peer_find(n->s->kr, gid))) *out = *p;
    pthread_mutex_unlock(&n->s->pin_mu);
    if (p) return 0;
    if (ck_node_auth_net(a) != 0) return -1;
    if (ck_net_user_get(a->an, gid, &u) != 0) {
        const char *code = ck_net_error_code(a->an);
        if (ck_net_status(a->an) == 404 && code && strcmp(code, "user_not_found") == 0)
            return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "user_not_found", "no user '%s' in the directory", gid);
        return ck_node_auth_fail_net(a, gid);
    }
    pthread_mutex_lock(&n->s->pin_mu);
    if ((p = ck_keyring_peer_find(n->s->kr, gid))) *out = *p; /* pinned meanwhile: the first pin stands */
    else if (ck_keyring_set_peer(n->s->kr, gid, u.ed25519, u.x25519) != CK_KEYRING_OK)
        rc = ck_node_fail(n, CK_NODE_E_KEYRING, "pin", "cannot pin the keys of %s", gid);
    else {
        *out = *ck_keyring_peer_find(n->s->kr, gid);
        if (ck_keyring_save(n->s->kr) != CK_KEYRING_OK)
            rc = ck_node_fail(n, CK_NODE_E_IO, "keyring_io", "saving the keyring after pinning %s", gid);
    }
    pthread_mutex_unlock(&n->s->pin_mu);
    return rc;
}

int ck_node_auth_deliver(ck_node_auth *a, const char *gid, char (*labels)[CK_POLICY_LABEL_MAX], size_t count,
                         const ck_dir_epochs *t, int64_t *msg_id)
{
    ck_keyring_peer p;
    ck_abe_user_key key;
    uint8_t *box = NULL;
    size_t box_len = 0;
    ck_keyring_err ke;
    int rc = -1;

    if (ck_node_auth_net(a) != 0 || peer(a, gid, &p) != 0) return -1;
    if (ck_abe_user_key_init(&key, gid) != CK_ABE_OK)
        return ck_node_fail(a->n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", gid);
    for (size_t i = 0; i < count; i++) {
        ck_abe_err e = ck_abe_keygen(&key, &a->s->sk, labels[i], ck_node_table_epoch(t, labels[i]));
        if (e != CK_ABE_OK) {
            ck_node_fail(a->n, CK_NODE_E_REFUSED, "keygen", "cannot issue '%s': %s", labels[i], ck_abe_strerror(e));
            goto out;
        }
    }
    if ((ke = ck_keyring_delivery_seal(&box, &box_len, &key, p.x25519, a->s->sk.name, a->s->signing_sk)) !=
        CK_KEYRING_OK) {
        ck_node_fail(a->n, CK_NODE_E_KEYRING, "seal", "cannot seal the keys to %s: %s", gid, ck_keyring_strerror(ke));
        goto out;
    }
    if (ck_net_mail_send(a->an, gid, DELIVERY_KIND, box, box_len, msg_id) != 0) {
        const char *code = ck_net_error_code(a->an);
        if (code && strcmp(code, "mailbox_full") == 0)
            ck_node_fail(a->n, CK_NODE_E_CONFLICT, "mailbox_full", "%s's mailbox is full; ask %s to run 'carekey keys "
                         "sync'", gid, gid);
        else
            ck_node_auth_fail_net(a, "mailbox");
        goto out;
    }
    rc = 0;
out:
    ck_keyring_bytes_free(box, box_len);
    ck_abe_user_key_free(&key);
    return rc;
}
