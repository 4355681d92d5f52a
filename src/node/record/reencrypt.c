/*
 * src/node/record/reencrypt.c - fresh data keys and current epochs for the
 * current versions of a record, then a tombstone for the superseded ones
 * (carekey/node_reencrypt.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_reencrypt.h"
#include "node/record/record_impl.h"

#define TOMBSTONE_SECTION "tombstone"
#define TOMBSTONE_TYPE "Tombstone"

/* Entry i's policy (*policy, malloc'ed) loaded into the sealer; *old: its
 * header uses an epoch below the current one for some attribute. */
static int header_of(ck_node_sealer *sl, const ck_node_view *v, size_t i, char **policy, ck_seal_policy *pol, int *old)
{
    ck_seal_env *env = NULL;
    const ck_abe_ct *ct;
    int rc = -1;
    *old = 0;
    *policy = NULL;
    if (ck_seal_decode(&env, v->it[i].cont.body, v->it[i].cont.body_len) != CK_SEAL_OK) goto out;
    ct = ck_seal_env_header(env);
    if (!(*policy = strdup(ck_seal_env_policy(env))) || ck_node_sealer_policy(sl, *policy, pol) != 0) goto out;
    for (size_t r = 0; r < ct->rows; r++)
        if (ck_node_sealer_epoch(sl, ck_lsss_label(ct->lsss, r)) > ct->row[r].epoch) *old = 1;
    rc = 0;
out:
    ck_seal_env_free(env);
    if (rc != 0) ck_node_fail(v->c, CK_NODE_E_INTEGRITY, "bad_header",
                              "entry %llu: cannot read its header or load its authorities", (unsigned long long)v->e[i].seq);
    return rc;
}

/* Adds to k, for this run only, a key for every row of entry i's header
 * whose attribute belongs to an authority this keyring runs, at the row's
 * epoch (what the authority would issue anyone). */
static int own_authority_keys(ck_abe_user_key *k, ck_node *c, const ck_node_view *v, size_t i)
{
    ck_seal_env *env = NULL;
    const ck_abe_ct *ct;
    int rc = 0;
    if (ck_seal_decode(&env, v->it[i].cont.body, v->it[i].cont.body_len) != CK_SEAL_OK) return -1;
    ct = ck_seal_env_header(env);
    for (size_t r = 0; r < ct->rows && rc == 0; r++) {
        const char *label = ck_lsss_label(ct->lsss, r), *at = strrchr(label, '@');
        const ck_keyring_authority_secret *a = at ? ck_keyring_authority_sk_find(c->s->kr, at + 1) : NULL;
        int have = 0;
        if (!a) continue;
        for (size_t j = 0; j < k->n && !have; j++)
            have = k->attr[j].epoch == ct->row[r].epoch && !strcmp(k->attr[j].label, label);
        if (!have && ck_abe_keygen(k, &a->sk, label, ct->row[r].epoch) != CK_ABE_OK) rc = -1;
    }
    ck_seal_env_free(env);
    return rc;
}

/* The key entries are opened with: this person's, and - on her own record
 * - her own authorities' attributes as well. An organization's ledger is
 * sealed for its staff (staff@ORG), not for the organization's identity;
 * the organization runs that authority, so it opens its ledger with keys
 * it makes for this run, wiped afterwards. */
static int opening_key(ck_abe_user_key *k, ck_node *c, const ck_node_view *v, const char *patient)
{
    ck_keyring *kr = c->s->kr;
    if (ck_abe_user_key_init(k, ck_keyring_identity(kr)->gid) != CK_ABE_OK ||
        ck_abe_user_key_merge(k, ck_keyring_user_key(kr)) != CK_ABE_OK)
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    if (!ck_node_is_patient(c, patient) || !ck_keyring_authority_sk_count(kr)) return 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->it[i].data && v->it[i].latest && own_authority_keys(k, c, v, i) != 0)
            return ck_node_fail(c, CK_NODE_E_KEYRING, "keygen", "cannot make this run's authority keys");
    return 0;
}

/* Every superseded version whose body the server still holds, in one
 * tombstone entry (the record re-read: it now holds the new versions). */
static int drop_superseded(ck_node *c, const char *patient, size_t *n)
{
    uint64_t *seqs = malloc(CK_REC_TOMBSTONE_MAX * sizeof *seqs);
    ck_node_view v;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;
    *n = 0;
    memset(&v, 0, sizeof v);
    if (!seqs) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0) goto out;
    if (ck_node_view_problems(&v)) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; no tombstone");
        goto out;
    }
    /* the versions a later one names as replaced (the server drops only those), in chain order */
    for (size_t i = 0; i < v.n && *n < CK_REC_TOMBSTONE_MAX; i++) {
        int named = 0;
        if (!v.it[i].data || !v.e[i].envelope) continue;
        for (size_t k = i + 1; k < v.n && !named; k++) named = v.it[k].data && v.it[k].cont.supersedes == v.e[i].seq;
        if (named) seqs[(*n)++] = v.e[i].seq;
    }
    if (!*n) goto out;
    if (ck_rec_tombstone_container(&env, &env_len, seqs, *n) != CK_REC_OK) {
        rc = ck_node_fail(c, CK_NODE_E_NOMEM, "tombstone_encode", "cannot encode the tombstone");
        goto out;
    }
    rc = ck_node_append(c, patient, TOMBSTONE_SECTION, TOMBSTONE_TYPE, env, env_len, &head);
out:
    free(env);
    free(seqs);
    ck_node_view_free(&v);
    return rc;
}

/* Which latest versions to re-encrypt (into out->queued, as view indexes in idx). */
static int plan(ck_node *c, ck_node_view *v, ck_node_sealer *sl, const ck_abe_user_key *key, const ck_node_reencrypt_in *in,
                size_t *idx, ck_node_reencrypt_out *out)
{
    for (size_t i = 0; i < v->n; i++) {
        ck_seal_policy pol;
        char *policy = NULL;
        int old = 0, rc;
        if (!v->it[i].data || !v->it[i].latest) continue;
        rc = header_of(sl, v, i, &policy, &pol, &old);
        free(policy);
        if (rc != 0) return rc;
        if (!old && !in->all) {
            out->current++;
        } else if (ck_rec_access_of(&v->e[i], key) != CK_REC_ACCESS_OK) {
            out->skipped++;
        } else {
            ck_node_reencrypt_item *q = &out->queued[out->n_queued];
            q->seq = v->e[i].seq;
            snprintf(q->section, sizeof q->section, "%s", v->e[i].section);
            idx[out->n_queued++] = i;
        }
    }
    (void)c;
    return 0;
}

static int reseal_one(ck_node *c, ck_node_view *v, ck_node_sealer *sl, ck_abe_user_key *key, const char *patient,
                      size_t i)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    char *policy = NULL;
    int old = 0, rc;
    ck_seal_policy pol;
    ck_policy_error pe;
    ck_rec_err re;
    ck_net_head head;
    memset(&pe, 0, sizeof pe);
    if ((rc = header_of(sl, v, i, &policy, &pol, &old)) != 0) goto out;
    if ((re = ck_rec_reseal(&out, &out_len, &v->e[i], patient, key, &pol, &pe)) != CK_REC_OK) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "reseal_failed", "entry %llu: re-encryption failed: %s%s%s",
                          (unsigned long long)v->e[i].seq, ck_rec_strerror(re), pe.msg[0] ? ": " : "", pe.msg);
        goto out;
    }
    rc = ck_node_append(c, patient, v->e[i].section, v->e[i].resource_type, out, out_len, &head);
out:
    free(out);
    free(policy);
    return rc;
}

static int reencrypt(ck_node *c, const ck_node_reencrypt_in *in, ck_node_reencrypt_out *out)
{
    size_t *idx = NULL;
    ck_node_sealer sl;
    ck_node_view v;
    ck_abe_user_key key;
    int rc;

    memset(&key, 0, sizeof key);
    ck_node_sealer_init(&sl, c, 1);
    if ((rc = ck_node_view_load(&v, c, in->patient, 1)) != 0) goto out;
    if (ck_node_view_problems(&v)) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; not re-encrypting anything");
        goto out;
    }
    if (!(idx = calloc(v.n + 1, sizeof *idx)) || !(out->queued = calloc(v.n + 1, sizeof *out->queued))) {
        rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if ((rc = opening_key(&key, c, &v, in->patient)) != 0 || (rc = plan(c, &v, &sl, &key, in, idx, out)) != 0) goto out;
    out->planned = 1;
    if (in->dry_run) goto out;
    for (size_t k = 0; k < out->n_queued && rc == 0; k++) {
        if ((rc = reseal_one(c, &v, &sl, &key, in->patient, idx[k])) == 0) out->done++;
        if (rc == 0 && ck_node_step(c, CK_NODE_PHASE_SEAL, k + 1, out->n_queued) != 0) rc = -1;
    }
    if (rc == 0) rc = drop_superseded(c, in->patient, &out->dropped);
    if (rc == 0 && (out->done || out->dropped)) rc = ck_node_after_write(c, in->patient);
out:
    ck_node_sealer_free(&sl);
    ck_abe_user_key_free(&key);   /* wipes the keys made for this run */
    free(idx);
    ck_node_view_free(&v);
    return rc;
}

int ck_node_reencrypt(ck_node *c, const ck_node_reencrypt_in *in, ck_node_reencrypt_out *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    if (!in->patient || !ck_net_id_valid(in->patient))
        rc = ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_gid", "patient", "'%s' is not a valid GID",
                             in->patient ? in->patient : "");
    else
        rc = reencrypt(c, in, out);
    ck_node_leave(c);
    return rc;
}

void ck_node_reencrypt_out_free(ck_node_reencrypt_out *out)
{
    free(out->queued);
    memset(out, 0, sizeof *out);
}
