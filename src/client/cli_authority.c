/*
 * src/client/cli_authority.c - what the old groups still on cli_ctx (init,
 * admin, patient onboard, hospital) need of an authority: create one,
 * its public record, issue and revoke. The `carekey authority` commands
 * themselves run over the node (src/cli/authority.c,
 * carekey/node_authority.h); this file goes when those groups are ported.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "client/cli_authority.h"
#include "client/cli_epochs.h"

#define DELIVERY_KIND "key-delivery"



/* ---- create ------------------------------------------------------------------ */

int cli_authority_create(cli_ctx *c, const char *name, const char *const *labels, size_t n)
{
    ck_abe_authority_sk sk;
    ck_abe_authority_pk pk;
    uint8_t seed[32], sign_pk[32];
    json_t *reg = NULL;
    int rc;

    memset(&sk, 0, sizeof sk);
    memset(seed, 0, sizeof seed);
    if (ck_abe_authority_setup(&sk, &pk, name) != CK_ABE_OK) {
        cli_error(c->cmd, "invalid authority name '%s' (use 1-64 of a-z 0-9 . _ -)", name);
        return CLI_USAGE;
    }
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_keyring_authority_sk_find(c->kr, name)) {
        /* add_authority_sk would replace it: an authority's keys are never
         * thrown away by accident (every key it issued would be orphaned) */
        cli_error(c->cmd, "this keyring already runs authority '%s'", name);
        goto out;
    }
    if (ck_net_ed25519_keygen(sign_pk, seed) != 0) {
        cli_error(c->cmd, "the system random generator failed");
        goto out;
    }
    if (ck_keyring_add_authority_sk(c->kr, &sk, seed) != CK_KEYRING_OK ||
        ck_keyring_set_authority(c->kr, &pk, sign_pk) != CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot add authority '%s' to the keyring", name);
        goto out;
    }
    if ((rc = cli_ctx_save(c)) != CLI_OK) goto out;
    rc = CLI_IO;
    if ((reg = cli_registry_load(c, name)) == NULL) goto out;
    if ((rc = cli_authority_table_first(c, ck_keyring_authority_sk_find(c->kr, name), reg, labels, n)) == CLI_OK)
        rc = cli_registry_save(c, name, reg);
out:
    json_decref(reg);
    ck_abe_authority_sk_wipe(&sk);
    ck_wipe(seed, sizeof seed);
    return rc;
}



int cli_authority_record(cli_ctx *c, const char *name, const char *org, ck_net_authority *out)
{
    const ck_keyring_authority_secret *s;
    ck_abe_authority_pk pk;
    json_t *reg = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) return rc;
    if (!(reg = cli_registry_load(c, name))) return CLI_IO;
    if (!json_object_get(reg, "epoch_table") &&
        ((rc = cli_authority_table_first(c, s, reg, NULL, 0)) != CLI_OK || (rc = cli_registry_save(c, name, reg)) != CLI_OK))
        goto out;
    rc = CLI_FAIL;
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->organization, sizeof out->organization, "%s", org ? org : ck_keyring_identity(c->kr)->gid);
    memcpy(out->sign_pk, s->signing_pk, 32);
    ck_abe_authority_public(&pk, &s->sk);
    out->abe_pk_len = ck_abe_authority_pk_encode(NULL, &pk);
    if (!(out->abe_pk = malloc(out->abe_pk_len)) ||
        !(out->epoch_table = json_dumps(json_object_get(reg, "epoch_table"), JSON_COMPACT))) {
        cli_error(c->cmd, "out of memory");
        ck_net_authority_clear(out);
        goto out;
    }
    ck_abe_authority_pk_encode(out->abe_pk, &pk);
    rc = CLI_OK;
out:
    json_decref(reg);
    return rc;
}



/* ---- delivery of issued keys ------------------------------------------------- */

/* Issues labels (each at its epoch in the table) to gid, seals the key to
 * gid's pinned X25519 key, signs it as the authority and mails it. */
static int deliver(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, const char *gid,
                   char (*labels)[CK_POLICY_LABEL_MAX], size_t n, const ck_dir_epochs *epochs, int64_t *msg_id)
{
    ck_keyring_peer peer;
    ck_abe_user_key key;
    uint8_t *box = NULL;
    size_t box_len = 0;
    ck_keyring_err ke;
    int rc;

    if ((rc = cli_authority_peer(c, an, gid, &peer)) != CLI_OK) return rc;
    if (ck_abe_user_key_init(&key, gid) != CK_ABE_OK) {
        cli_error(c->cmd, "invalid GID '%s'", gid);
        return CLI_USAGE;
    }
    rc = CLI_FAIL;
    for (size_t i = 0; i < n; i++) {
        ck_abe_err e = ck_abe_keygen(&key, &s->sk, labels[i], cli_table_epoch(epochs, labels[i]));
        if (e != CK_ABE_OK) {
            cli_error(c->cmd, "cannot issue '%s': %s", labels[i], ck_abe_strerror(e));
            goto out;
        }
    }
    if ((ke = ck_keyring_delivery_seal(&box, &box_len, &key, peer.x25519, s->sk.name, s->signing_sk)) !=
        CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot seal the keys to %s: %s", gid, ck_keyring_strerror(ke));
        goto out;
    }
    if (ck_net_mail_send(an, gid, DELIVERY_KIND, box, box_len, msg_id) != 0) {
        const char *code = ck_net_error_code(an);
        if (code && strcmp(code, "mailbox_full") == 0)
            cli_error(c->cmd, "%s's mailbox is full; ask %s to run 'carekey keys sync'", gid, gid);
        else
            rc = cli_authority_net_error(c, an, "mailbox");
        goto out;
    }
    rc = CLI_OK;
out:
    ck_keyring_bytes_free(box, box_len);
    ck_abe_user_key_free(&key);
    return rc;
}

/* ---- issue ------------------------------------------------------------------- */


/* Lists every attribute of spec in the table (at epoch 0 when new) and,
 * when that added any, publishes the next version: encryptors refuse
 * labels their authority has not signed. */
static int table_cover(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, json_t *reg, ck_dir_epochs *t,
                       const cli_attr_spec *spec, size_t n)
{
    int added = 0;
    uint32_t ep;
    for (size_t i = 0; i < n; i++) {
        if (ck_dir_epochs_get(t, spec[i].label, &ep) == 0) continue;
        if (ck_dir_epochs_set(t, spec[i].label, 0) != 0) {
            cli_error(c->cmd, "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                              "characters)", spec[i].label, CK_DIR_LABEL_MAX);
            return CLI_FAIL;
        }
        added = 1;
    }
    return added || t->version == 0 ? cli_authority_table_publish(c, an, s, reg, t) : CLI_OK;
}

int cli_authority_issue(cli_ctx *c, const char *name, const char *gid, const cli_attr_spec *spec, size_t n_attrs)
{
    const ck_keyring_authority_secret *s;
    char (*labels)[CK_POLICY_LABEL_MAX] = NULL;
    size_t n_labels = 0;
    json_t *reg = NULL;
    ck_dir_epochs epochs;
    ck_net *an = NULL;
    int64_t msg_id = 0;
    int rc;

    memset(&epochs, 0, sizeof epochs);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(c, name))) goto out;
    for (size_t i = 0; i < n_attrs; i++) {
        uint32_t old;
        /* a new value would add bit keys next to the old ones, and the two
         * together satisfy comparisons neither value does */
        if (spec[i].numeric && cli_registry_holds(reg, spec[i].label, 1, gid, &old) && old != spec[i].value) {
            cli_error(c->cmd, "%s holds %s=%lu; revoke it before issuing another value", gid, spec[i].label,
                      (unsigned long)old);
            goto out;
        }
    }
    if (!(labels = calloc(n_attrs * CK_POLICY_NUM_BITS, sizeof *labels))) {
        cli_error(c->cmd, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_attrs; i++) n_labels += cli_attr_labels(&spec[i], labels + n_labels);
    if ((rc = cli_authority_net(c, s, &an)) != CLI_OK || (rc = cli_authority_table(c, an, s, reg, &epochs)) != CLI_OK ||
        (rc = table_cover(c, an, s, reg, &epochs, spec, n_attrs)) != CLI_OK ||
        (rc = deliver(c, an, s, gid, labels, n_labels, &epochs, &msg_id)) != CLI_OK)
        goto out;
    for (size_t i = 0; i < n_attrs; i++)
        if (cli_registry_add(reg, &spec[i], gid) != 0) {
            cli_error(c->cmd, "out of memory");
            rc = CLI_FAIL;
            goto out;
        }
    if ((rc = cli_registry_save(c, name, reg)) != CLI_OK) {
        cli_error(c->cmd, "the keys were delivered, but the registry was not updated: re-run this command");
        goto out;
    }
    for (size_t i = 0, k = 0; i < n_attrs; k += spec[i].numeric ? CK_POLICY_NUM_BITS : 1, i++) {
        if (spec[i].numeric)
            printf("issued %s=%lu (epoch %lu) to %s\n", spec[i].label, (unsigned long)spec[i].value,
                   (unsigned long)cli_table_epoch(&epochs, labels[k]), gid);
        else
            printf("issued %s (epoch %lu) to %s\n", spec[i].label,
                   (unsigned long)cli_table_epoch(&epochs, labels[k]), gid);
    }
    printf("delivered to %s's mailbox (message %lld); %s runs 'carekey keys sync'\n", gid, (long long)msg_id, gid);
out:
    free(labels);
    ck_dir_epochs_free(&epochs);
    json_decref(reg);
    ck_net_close(an);
    return rc;
}


/* ---- revoke ------------------------------------------------------------------ */

/* "level#b3=1@hosp-a" -> base "level@hosp-a" (1), else 0. */
static int bit_base(const char *key, char base[CK_POLICY_LABEL_MAX])
{
    size_t nl;
    unsigned bit, val;
    if (!cli_attr_bit_parts(key, &nl, &bit, &val)) return 0;
    snprintf(base, CK_POLICY_LABEL_MAX, "%.*s%s", (int)nl, key, strrchr(key, '@'));
    return 1;
}

/* Moves label to a new epoch (one above every epoch it had) in table. A
 * numeric attribute's epoch is under its name and covers its bits; bit
 * labels listed on their own move with it, so every bit moves together. */
static int bump_epoch(cli_ctx *c, ck_dir_epochs *table, const char *label, int numeric, uint32_t *old,
                      uint32_t *new_epoch)
{
    char base[CK_POLICY_LABEL_MAX];
    uint32_t max = cli_table_epoch(table, label);
    for (size_t i = 0; numeric && i < table->n; i++)
        if (bit_base(table->labels[i].label, base) && strcmp(base, label) == 0 && table->labels[i].epoch > max)
            max = table->labels[i].epoch;
    if (max == UINT32_MAX) {
        cli_error(c->cmd, "the epoch of '%s' is exhausted", label);
        return CLI_FAIL;
    }
    for (size_t i = 0; numeric && i < table->n; i++)
        if (bit_base(table->labels[i].label, base) && strcmp(base, label) == 0) table->labels[i].epoch = max + 1;
    if (ck_dir_epochs_set(table, label, max + 1) != 0) {
        cli_error(c->cmd, "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                          "characters), so it cannot be revoked by epoch", label, CK_DIR_LABEL_MAX);
        return CLI_FAIL;
    }
    *old = max;
    *new_epoch = max + 1;
    return CLI_OK;
}

/* Removes gid from the registry entry; returns the remaining holders (a
 * new reference: a JSON array of GIDs, or an object GID -> value). */
static json_t *registry_remove(json_t *reg, const char *label, int numeric, const char *gid)
{
    json_t *entry = json_object_get(json_object_get(reg, numeric ? "numeric" : "attributes"), label), *v;
    size_t i;
    if (numeric) {
        json_object_del(entry, gid);
    } else {
        json_array_foreach(entry, i, v) if (strcmp(json_string_value(v), gid) == 0) {
            json_array_remove(entry, i);
            break;
        }
    }
    return json_deep_copy(entry);
}


int cli_authority_revoke(cli_ctx *c, const char *name, const char *gid, const char *label, const char *attr)
{
    const ck_keyring_authority_secret *s;
    char labels[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    json_t *reg = NULL, *rest = NULL;
    ck_dir_epochs epochs;
    ck_net *an = NULL;
    uint32_t old_epoch = 0, new_epoch = 0, value;
    size_t done = 0, failed = 0, total;
    int rc, numeric;

    memset(&epochs, 0, sizeof epochs);
    if ((rc = cli_authority_secret(c, name, &s)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(c, name))) goto out;
    if (cli_registry_holds(reg, label, 0, gid, NULL)) numeric = 0;
    else if (cli_registry_holds(reg, label, 1, gid, NULL)) numeric = 1;
    else {
        cli_error(c->cmd, "%s does not hold %s (according to %s/authorities/%s.json)", gid, label, c->home, name);
        goto out;
    }
    if ((rc = cli_authority_net(c, s, &an)) != CLI_OK || (rc = cli_authority_table(c, an, s, reg, &epochs)) != CLI_OK ||
        (rc = bump_epoch(c, &epochs, label, numeric, &old_epoch, &new_epoch)) != CLI_OK)
        goto out;
    /* publish first: from now on encryptors use the new epoch, so nothing
     * new is readable with the revoked key even if a re-issue fails below */
    if ((rc = cli_authority_table_publish(c, an, s, reg, &epochs)) != CLI_OK) goto out;
    if (!(rest = registry_remove(reg, label, numeric, gid)) ||
        (rc = cli_registry_save(c, name, reg)) != CLI_OK) {
        cli_error(c->cmd, "the epoch moved, but %s is still in the registry: remove it by hand", gid);
        rc = CLI_FAIL;
        goto out;
    }
    printf("revoked %s from %s: epoch %lu -> %lu\n", label, gid, (unsigned long)old_epoch,
           (unsigned long)new_epoch);
    total = numeric ? json_object_size(rest) : json_array_size(rest);
    for (size_t i = 0; i < total; i++) {
        cli_attr_spec h;
        const char *holder;
        int64_t id = 0;
        size_t n;
        memset(&h, 0, sizeof h);
        snprintf(h.label, sizeof h.label, "%s", label);
        if (numeric) {
            /* json_object_iter order is stable; walk by index */
            void *it = json_object_iter(rest);
            for (size_t k = 0; k < i; k++) it = json_object_iter_next(rest, it);
            holder = json_object_iter_key(it);
            value = (uint32_t)json_integer_value(json_object_iter_value(it));
            h.numeric = 1;
            h.value = value;
        } else {
            holder = json_string_value(json_array_get(rest, i));
        }
        n = cli_attr_labels(&h, labels);
        if (deliver(c, an, s, holder, labels, n, &epochs, &id) == CLI_OK) {
            printf("re-issued %s (epoch %lu) to %s (message %lld)\n", label, (unsigned long)new_epoch, holder,
                   (long long)id);
            done++;
        } else {
            failed++;
        }
    }
    if (failed)
        cli_error(c->cmd, "%zu holder(s) did not get the new key; re-issue with 'carekey authority issue %s "
                         "--gid GID --attr %s'", failed, name, attr ? attr : label);
    else
        printf("re-issued to %zu holder(s)\n", done);
    rc = failed ? CLI_FAIL : CLI_OK;
out:
    json_decref(rest);
    ck_dir_epochs_free(&epochs);
    json_decref(reg);
    ck_net_close(an);
    return rc;
}





