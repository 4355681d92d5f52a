/*
 * src/node/admin/queue.c - the operator's side of the enrollment queue:
 * pending requests, approve, reject (carekey/node_admin.h).
 *
 * Approving a request that registers an authority is the moment the
 * operator vouches for it: the ABE public key must decode (valid subgroup
 * points) and the epoch table must be signed by the signing key the
 * request names before the operator signs the authority record
 * (ck_dir_authority_sign) every encryptor verifies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "node/admin/admin_impl.h"

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

int ck_node_admin_pending(ck_node *n, json_t **rows)
{
    int rc = -1;
    *rows = NULL;
    ck_node_enter(n);
    if (ck_node_net(n) == 0)
        rc = ck_net_enroll_pending(n->net, rows) == 0 ? 0 : ck_node_admin_fail_net(n, "listing enrollment requests");
    ck_node_leave(n);
    return rc;
}

/* Checks the authority a request registers and signs its record at
 * *signed_at: its ABE key decodes, its epoch table verifies under its
 * signing key, and it is run by the enrolling GID. */
static int sign_authority(ck_node *n, const json_t *auth, const char *gid, uint64_t *signed_at, uint8_t sig[64])
{
    const char *name = str(auth, "name"), *sign = str(auth, "signing_key"), *abe = str(auth, "abe_public_key"),
               *org = str(auth, "organization");
    char *table = json_dumps(json_object_get(auth, "epoch_table"), JSON_COMPACT), err[CK_DIR_ERR_CAP] = "";
    uint8_t pk[32], *abe_raw = NULL;
    size_t abe_len = 0;
    ck_abe_authority_pk apk;
    ck_dir_epochs t;
    int rc = -1;

    memset(&t, 0, sizeof t);
    if (!name || !sign || !abe || !org || !table || strcmp(org, gid) != 0 || ck_net_unhex(pk, 32, sign) != 0 ||
        ck_net_unb64(&abe_raw, &abe_len, abe, strlen(abe)) != 0 ||
        ck_abe_authority_pk_decode(&apk, abe_raw, abe_len) != CK_ABE_OK || strcmp(apk.name, name) != 0) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_authority_request",
                     "%s: the authority in the request is malformed; not approved", gid);
        goto out;
    }
    if (ck_dir_epochs_parse(&t, name, table, strlen(table), err) != 0 || ck_dir_epochs_verify(&t, pk) != 0) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_authority_request",
                     "%s: authority %s: its epoch table is not signed by its key (%s); not approved", gid, name,
                     err[0] ? err : "bad signature");
        goto out;
    }
    *signed_at = ck_node_now_ms();
    {
        ck_dir_authority d = {name, pk, abe_raw, abe_len, org, *signed_at};
        if (ck_dir_authority_sign(sig, &d, ck_keyring_identity(ck_node_kr(n))->ed25519_sk) != 0) {
            ck_node_fail(n, CK_NODE_E_REFUSED, "sign", "%s: cannot sign the authority record", gid);
            goto out;
        }
    }
    rc = 0;
out:
    ck_dir_epochs_free(&t);
    free(abe_raw);
    free(table);
    return rc;
}

static int approve_one(ck_node *n, json_t *all, const char *gid, ck_node_decision *d)
{
    json_t *r = NULL, *v, *auth;
    uint8_t sig[64];
    uint64_t at = 0;
    size_t i;
    json_array_foreach(all, i, v) if (str(v, "gid") && !strcmp(str(v, "gid"), gid)) r = v;
    if (!r)
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_request",
                            "%s: no pending enrollment request ('carekey admin pending' lists them)", gid);
    memset(sig, 0, sizeof sig);
    auth = json_object_get(r, "authority");
    if (json_is_object(auth) && sign_authority(n, auth, gid, &at, sig) != 0) return -1;
    if (ck_net_enroll_approve(n->net, gid, at, sig) != 0) return ck_node_admin_fail_net(n, gid);
    snprintf(d->role, sizeof d->role, "%s", str(r, "role") ? str(r, "role") : "");
    snprintf(d->join_org, sizeof d->join_org, "%s", str(r, "join_org") ? str(r, "join_org") : "");
    d->org_registered = json_is_object(json_object_get(r, "org"));
    if (json_is_object(auth)) snprintf(d->authority, sizeof d->authority, "%s", str(auth, "name") ? str(auth, "name") : "");
    return 0;
}

int ck_node_admin_decide(ck_node *n, int approve, const char *const *gids, size_t count, ck_node_decision *out)
{
    ck_node_error last;
    json_t *all = NULL;
    int rc = -1, failed = 0;
    memset(&last, 0, sizeof last);
    ck_node_enter(n);
    for (size_t i = 0; i < count; i++)
        if (!ck_net_id_valid(gids[i])) {
            ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", gids[i]);
            goto out;
        }
    if (ck_node_net(n) != 0) goto out;
    if (approve && ck_net_enroll_pending(n->net, &all) != 0) {
        ck_node_admin_fail_net(n, "listing enrollment requests");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        ck_node_decision *d = &out[i];
        memset(d, 0, sizeof *d);
        snprintf(d->gid, sizeof d->gid, "%s", gids[i]);
        ck_node_clear_error(n);
        if (approve) d->ok = approve_one(n, all, gids[i], d) == 0;
        else d->ok = ck_net_enroll_reject(n->net, gids[i]) == 0 || ck_node_admin_fail_net(n, gids[i]) == 0;
        if (!d->ok) {
            d->err = n->err;
            last = n->err;
            failed = 1;
        }
    }
    /* the handle's error: the last failure, as for one GID */
    n->err = last;
    rc = failed ? -1 : 0;
out:
    json_decref(all);
    ck_node_leave(n);
    return rc;
}
