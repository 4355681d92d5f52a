/*
 * src/node/authority/authority.c - creating an authority in the keyring,
 * listing them, its public record for the operator, and reading epoch
 * tables (carekey/node_authority.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "node/authority/authority_impl.h"
#include "node/record/record_impl.h"

static void info_of(const ck_keyring_authority_secret *s, ck_node_authority_info *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", s->sk.name);
    out->has_signing = s->has_signing;
    if (s->has_signing) ck_id_hex(out->signing_key, s->signing_pk);
}

/* The keys into the keyring, saved; the registry with its first table. */
static int create_in(ck_node *n, const char *name, const ck_abe_authority_sk *sk, const ck_abe_authority_pk *pk,
                     const char *const *labels, size_t count)
{
    uint8_t seed[32], sign_pk[32];
    ck_keyring *kr = ck_node_kr(n);
    ck_node_auth a;
    int rc = -1;
    memset(&a, 0, sizeof a);
    if (ck_keyring_authority_sk_find(kr, name))
        /* adding would replace it: an authority's keys are never thrown
         * away by accident (every key it issued would be orphaned) */
        return ck_node_fail(n, CK_NODE_E_CONFLICT, "authority_exists", "this keyring already runs authority '%s'",
                            name);
    if (ck_net_ed25519_keygen(sign_pk, seed) != 0)
        return ck_node_fail(n, CK_NODE_E_IO, "random", "the system random generator failed");
    pthread_mutex_lock(&n->s->pin_mu);
    if (ck_keyring_add_authority_sk(kr, sk, seed) != CK_KEYRING_OK ||
        ck_keyring_set_authority(kr, pk, sign_pk) != CK_KEYRING_OK)
        ck_node_fail(n, CK_NODE_E_KEYRING, "keyring", "cannot add authority '%s' to the keyring", name);
    else rc = 0;
    pthread_mutex_unlock(&n->s->pin_mu);
    ck_wipe(seed, sizeof seed);
    if (rc != 0 || ck_node_save(n) != 0) return -1;
    if (ck_node_auth_open(&a, n, name) == 0 && ck_node_auth_table_first(&a, labels, count) == 0)
        rc = ck_node_registry_save(n, name, a.reg);
    else rc = -1;
    ck_node_auth_close(&a);
    return rc;
}

int ck_node_authority_create(ck_node *n, const char *name, const char *const *labels, size_t count,
                             ck_node_authority_info *out)
{
    ck_abe_authority_sk sk;
    ck_abe_authority_pk pk;
    int rc = -1;
    memset(&sk, 0, sizeof sk);
    ck_node_enter(n);
    if (ck_abe_authority_setup(&sk, &pk, name) != CK_ABE_OK) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_authority", "invalid authority name '%s' (use 1-64 of a-z 0-9 . _ -)",
                     name);
        goto out;
    }
    if (ck_node_keyring(n) != 0 || create_in(n, name, &sk, &pk, labels, count) != 0) goto out;
    if (out) info_of(ck_keyring_authority_sk_find(ck_node_kr(n), name), out);
    rc = 0;
out:
    ck_abe_authority_sk_wipe(&sk);
    ck_node_leave(n);
    return rc;
}

int ck_node_authority_list(ck_node *n, ck_node_authority_info **out, size_t *count)
{
    ck_keyring *kr;
    int rc = -1;
    *out = NULL;
    *count = 0;
    ck_node_enter(n);
    if (ck_node_keyring(n) != 0) goto out;
    kr = ck_node_kr(n);
    if (!(*out = calloc(ck_keyring_authority_sk_count(kr) + 1, sizeof **out))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ck_keyring_authority_sk_count(kr); i++) info_of(ck_keyring_authority_sk_at(kr, i), &(*out)[i]);
    *count = ck_keyring_authority_sk_count(kr);
    rc = 0;
out:
    ck_node_leave(n);
    return rc;
}

int ck_node_auth_record(ck_node *n, const char *name, const char *org, ck_net_authority *out)
{
    ck_abe_authority_pk pk;
    ck_node_auth a;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (ck_node_auth_open(&a, n, name) != 0) goto out;
    /* an authority made before epoch tables: its first one now */
    if (!json_object_get(a.reg, "epoch_table") &&
        (ck_node_auth_table_first(&a, NULL, 0) != 0 || ck_node_registry_save(n, name, a.reg) != 0))
        goto out;
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->organization, sizeof out->organization, "%s", org ? org : ck_node_gid(n));
    memcpy(out->sign_pk, a.s->signing_pk, 32);
    ck_abe_authority_public(&pk, &a.s->sk);
    out->abe_pk_len = ck_abe_authority_pk_encode(NULL, &pk);
    if (!(out->abe_pk = malloc(out->abe_pk_len)) ||
        !(out->epoch_table = json_dumps(json_object_get(a.reg, "epoch_table"), JSON_COMPACT))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        ck_net_authority_clear(out);
        goto out;
    }
    ck_abe_authority_pk_encode(out->abe_pk, &pk);
    rc = 0;
out:
    ck_node_auth_close(&a);
    return rc;
}

/* {"name","signing_key","abe_public_key","organization","epoch_table"} */
static json_t *record_json(const ck_net_authority *a)
{
    char hex[CK_ID_HEX_BYTES], *b64 = malloc(ck_net_b64_len(a->abe_pk_len));
    json_t *table = json_loads(a->epoch_table, 0, NULL), *j = NULL;
    if (b64 && table) {
        ck_net_b64(b64, a->abe_pk, a->abe_pk_len);
        ck_id_hex(hex, a->sign_pk);
        j = json_pack("{s:s,s:s,s:s,s:s,s:O}", "name", a->name, "signing_key", hex, "abe_public_key", b64,
                      "organization", a->organization, "epoch_table", table);
    }
    json_decref(table);
    free(b64);
    return j;
}

int ck_node_authority_publish(ck_node *n, const char *name, const char *org, char **json, uint8_t **apk,
                              size_t *apk_len)
{
    ck_net_authority a;
    json_t *j = NULL;
    int rc = -1;
    *json = NULL;
    if (apk) *apk = NULL;
    memset(&a, 0, sizeof a);
    ck_node_enter(n);
    if (org && !ck_net_id_valid(org)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_org", "invalid organization GID '%s'", org);
        goto out;
    }
    if (ck_node_auth_record(n, name, org, &a) != 0) goto out;
    if (!(j = record_json(&a)) || !(*json = json_dumps(j, JSON_INDENT(2)))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if (apk) {
        *apk = a.abe_pk;
        *apk_len = a.abe_pk_len;
        a.abe_pk = NULL;
    }
    rc = 0;
out:
    json_decref(j);
    ck_net_authority_clear(&a);
    ck_node_leave(n);
    return rc;
}

/* A table another authority publishes: verified and pinned (epochs.c). */
static int served_epochs(ck_node *n, const char *name, ck_dir_epochs *out)
{
    ck_node_epochs seen;
    ck_dir_epochs *t;
    int rc = -1;
    ck_node_epochs_init(&seen, n);
    if (ck_node_epochs_load(&seen, name) != 0) goto out;
    /* take the loaded table over */
    t = &seen.t[0];
    *out = *t;
    memset(t, 0, sizeof *t);
    rc = 0;
out:
    ck_node_epochs_free(&seen);
    return rc;
}

int ck_node_authority_epochs(ck_node *n, const char *name, ck_dir_epochs *out)
{
    const ck_keyring_authority_secret *s;
    ck_node_auth a;
    int rc = -1;
    memset(out, 0, sizeof *out);
    memset(&a, 0, sizeof a);
    ck_node_enter(n);
    if (!ck_net_id_valid(name)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_authority", "invalid authority name '%s'", name);
        goto out;
    }
    if (ck_node_keyring(n) != 0) goto out;
    /* the authority itself reads its own table; anyone else the verified one */
    if ((s = ck_keyring_authority_sk_find(ck_node_kr(n), name)) && s->has_signing)
        rc = ck_node_auth_open(&a, n, name) == 0 ? ck_node_auth_table(&a, out) : -1;
    else
        rc = served_epochs(n, name, out);
out:
    ck_node_auth_close(&a);
    ck_node_leave(n);
    return rc;
}
