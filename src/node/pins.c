/*
 * src/node/pins.c - what this person trusts once and keeps: peers' keys
 * (trust on first use from the directory, then pinned in the keyring),
 * authorities' keys (only under the operator's signature), and the record
 * heads she has verified (so a server cannot roll a record back).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "carekey/directory.h"
#include "node/node_impl.h"

/* A peer: her own identity, a pinned one, or NULL (pin_mu held). */
static int known_peer(ck_node *n, const char *gid, ck_keyring_peer *out)
{
    const ck_identity *id = ck_keyring_identity(n->s->kr);
    const ck_keyring_peer *p;
    if (strcmp(gid, id->gid) == 0) {
        snprintf(out->gid, sizeof out->gid, "%s", id->gid);
        memcpy(out->ed25519, id->ed25519_pk, 32);
        memcpy(out->x25519, id->x25519_pk, 32);
        return 1;
    }
    if (!(p = ck_keyring_peer_find(n->s->kr, gid))) return 0;
    *out = *p;
    return 1;
}

int ck_node_peer(ck_node *n, const char *gid, ck_keyring_peer *out)
{
    ck_net_user u;
    int found, rc = -1;
    if (ck_node_keyring(n) != 0) return -1;
    pthread_mutex_lock(&n->s->pin_mu);
    found = known_peer(n, gid, out);
    pthread_mutex_unlock(&n->s->pin_mu);
    if (found) return 0;
    if (ck_node_net(n) != 0) return -1;
    if (ck_net_user_get(n->net, gid, &u) != 0) return ck_node_fail_net(n, n->net, gid);
    pthread_mutex_lock(&n->s->pin_mu);
    /* another thread may have pinned it meanwhile: the first pin stands */
    if (known_peer(n, gid, out)) rc = 0;
    else if (ck_keyring_set_peer(n->s->kr, gid, u.ed25519, u.x25519) != CK_KEYRING_OK)
        ck_node_fail(n, CK_NODE_E_KEYRING, "pin", "cannot pin the keys of %s", gid);
    else {
        *out = *ck_keyring_peer_find(n->s->kr, gid);
        rc = ck_keyring_save(n->s->kr) == CK_KEYRING_OK ? 0
             : ck_node_fail(n, CK_NODE_E_IO, "keyring_io", "saving the keyring after pinning %s", gid);
    }
    pthread_mutex_unlock(&n->s->pin_mu);
    return rc;
}

int ck_node_key_fn(void *ctx, const char *gid, uint8_t ed25519[32])
{
    ck_keyring_peer p;
    if (ck_node_peer((ck_node *)ctx, gid, &p) != 0) return -1;
    memcpy(ed25519, p.ed25519, 32);
    return 0;
}

/* The directory's record of an authority, taken only with the operator's
 * signature over name, signing key, ABE public key and organization. */
static int verified_authority(ck_node *n, const char *name, const ck_net_authority *a, ck_abe_authority_pk *pk)
{
    uint8_t op[32];
    ck_dir_authority d = {a->name, a->sign_pk, a->abe_pk, a->abe_pk_len, a->organization, a->signed_at_ms};
    if (ck_keyring_operator(n->s->kr, op) != 0)
        return ck_node_fail(n, CK_NODE_E_KEYRING, "no_operator_key",
                            "this keyring has no operator key pinned, so no authority can be trusted "
                            "(create identities with 'carekey init --operator-key HEX')");
    if (strcmp(a->name, name) != 0 || ck_dir_authority_verify(&d, a->operator_sig, op) != 0)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "unsigned_authority",
                            "the directory's record of authority %s is not signed by the operator; refused", name);
    if (ck_abe_authority_pk_decode(pk, a->abe_pk, a->abe_pk_len) != CK_ABE_OK || strcmp(pk->name, name) != 0)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_authority_key",
                            "the directory's public key for authority %s is invalid", name);
    return 0;
}

int ck_node_authority(ck_node *n, const char *name, const ck_keyring_authority **out)
{
    ck_net_authority a;
    ck_abe_authority_pk pk;
    int rc = -1;
    if (ck_node_keyring(n) != 0) return -1;
    pthread_mutex_lock(&n->s->pin_mu);
    *out = ck_keyring_authority_find(n->s->kr, name);
    pthread_mutex_unlock(&n->s->pin_mu);
    if (*out) return 0;
    if (ck_node_net(n) != 0) return -1;
    memset(&a, 0, sizeof a);
    if (ck_net_authority_fetch(n->net, name, &a) != 0) return ck_node_fail_net(n, n->net, name);
    if (verified_authority(n, name, &a, &pk) != 0) goto out;
    pthread_mutex_lock(&n->s->pin_mu);
    if (!(*out = ck_keyring_authority_find(n->s->kr, name))) {
        if (ck_keyring_set_authority(n->s->kr, &pk, a.sign_pk) != CK_KEYRING_OK)
            ck_node_fail(n, CK_NODE_E_KEYRING, "pin", "cannot pin authority %s", name);
        else if (ck_keyring_save(n->s->kr) != CK_KEYRING_OK)
            ck_node_fail(n, CK_NODE_E_IO, "keyring_io", "saving the keyring after pinning authority %s", name);
        *out = ck_keyring_authority_find(n->s->kr, name);
    }
    rc = *out && n->err.kind == CK_NODE_OK ? 0 : -1;
    pthread_mutex_unlock(&n->s->pin_mu);
out:
    ck_net_authority_clear(&a);
    return rc;
}

/* ---- heads ------------------------------------------------------------------------ */

static void head_path(const ck_node *n, char *out, const char *patient) /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/heads/%s", n->s->home, patient);
}

static int head_read(ck_node *n, const char *patient, ck_net_head *head, int *have)
{
    char path[PATH_MAX], hex[65];
    unsigned long long seq;
    FILE *f;
    *have = 0;
    head_path(n, path, patient);
    if (!(f = fopen(path, "r")))
        return errno == ENOENT ? 0 : ck_node_fail(n, CK_NODE_E_IO, "io", "cannot read %s: %s", path, strerror(errno));
    if (fscanf(f, "%llu %64s", &seq, hex) == 2 && ck_net_unhex(head->hash, 32, hex) == 0) {
        head->seq = seq;
        *have = 1;
    }
    fclose(f);
    return 0;
}

int ck_node_head_load(ck_node *n, const char *patient, ck_net_head *head, int *have)
{
    int rc;
    pthread_mutex_lock(&n->s->pin_mu);
    rc = head_read(n, patient, head, have);
    pthread_mutex_unlock(&n->s->pin_mu);
    return rc;
}

int ck_node_head_store(ck_node *n, const char *patient, const ck_net_head *head)
{
    char path[PATH_MAX], hex[65], line[128];
    ck_net_head now;
    int have = 0, len, rc = -1;
    if (ck_node_make_dir(n, "heads") != 0) return -1;
    pthread_mutex_lock(&n->s->pin_mu);
    /* never back: a concurrent reader may have pinned a later head */
    if (head_read(n, patient, &now, &have) != 0) goto out;
    rc = 0;
    if (have && now.seq > head->seq) goto out;
    head_path(n, path, patient);
    ck_net_hex(hex, head->hash, 32);
    len = snprintf(line, sizeof line, "%llu %s\n", (unsigned long long)head->seq, hex);
    rc = ck_node_write_file(n, path, (const uint8_t *)line, (size_t)len, 0600, 0);
out:
    pthread_mutex_unlock(&n->s->pin_mu);
    return rc;
}
