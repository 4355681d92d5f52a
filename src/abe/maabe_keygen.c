/*
 * src/abe/maabe_keygen.c - per-attribute user keys bound to a GID, and the
 * key container that gathers them from every authority.
 */
#include <stdlib.h>
#include <string.h>
#include "abe/maabe_internal.h"

ck_abe_err ck_abe_user_key_init(ck_abe_user_key *key, const char *gid)
{
    if (!key || !ck_abe_valid_gid(gid)) return CK_ABE_ERR_PARAM;
    memset(key, 0, sizeof(*key));
    strcpy(key->gid, gid);
    return CK_ABE_OK;
}

static void attr_clear(ck_abe_user_attr *a)
{
    if (a->lines) {
        ck_wipe(a->lines, sizeof(*a->lines));
        free(a->lines);
    }
    ck_wipe(a, sizeof(*a));
}

void ck_abe_user_key_free(ck_abe_user_key *key)
{
    if (!key) return;
    for (size_t i = 0; i < key->n; i++) attr_clear(&key->attr[i]);
    free(key->attr);
    free(key->gid_lines);
    memset(key, 0, sizeof(*key));
}

/* The slot for (label, epoch): the existing one (cleared) or a new one at
 * the end. A key keeps every epoch of a label it was issued: after a
 * revocation its holder still opens what was sealed at the older epoch. */
static ck_abe_err attr_slot(ck_abe_user_key *key, const char *label, uint32_t epoch, ck_abe_user_attr **out)
{
    for (size_t i = 0; i < key->n; i++) {
        if (strcmp(key->attr[i].label, label) == 0 && key->attr[i].epoch == epoch) {
            attr_clear(&key->attr[i]);
            *out = &key->attr[i];
            return CK_ABE_OK;
        }
    }
    /* the encoding counts entries in a u16 (docs/FORMAT.md) */
    if (key->n >= UINT16_MAX) return CK_ABE_ERR_PARAM;
    if (key->n == key->cap) {
        size_t cap = key->cap ? 2 * key->cap : 8;
        ck_abe_user_attr *a = calloc(cap, sizeof(*a));
        if (!a) return CK_ABE_ERR_NOMEM;
        if (key->n) memcpy(a, key->attr, key->n * sizeof(*a));
        ck_wipe(key->attr, key->cap * sizeof(*a));
        free(key->attr);
        key->attr = a;
        key->cap = cap;
    }
    *out = &key->attr[key->n++];
    memset(*out, 0, sizeof(**out));
    return CK_ABE_OK;
}

ck_abe_err ck_abe_keygen(ck_abe_user_key *key, const ck_abe_authority_sk *sk,
                         const char *label, uint32_t epoch)
{
    ck_g2 hgid, fu, t2;
    ck_fr t;
    ck_abe_user_attr *slot;
    ck_abe_err rc;
    const char *auth;

    if (!key || !sk || !label || strlen(label) >= CK_POLICY_LABEL_MAX) return CK_ABE_ERR_PARAM;
    auth = ck_abe_label_authority(label);
    /* an empty name ("@auth") would give a key its own decoder rejects */
    if (!auth || auth <= label + 1 || strcmp(auth, sk->name) != 0) return CK_ABE_ERR_PARAM;
    if ((rc = ck_abe_hash_gid(&hgid, key->gid)) != CK_ABE_OK) return rc;
    /* hashed first so a bad label fails before the key changes (cached) */
    if ((rc = ck_abe_hash_attr_cached(&fu, label, epoch)) != CK_ABE_OK) return rc;
    if (ck_fr_random_nonzero(&t) != CK_OK) return CK_ABE_ERR_RANDOM;
    if ((rc = attr_slot(key, label, epoch, &slot)) != CK_ABE_OK) goto out;

    strcpy(slot->label, label);
    slot->epoch = epoch;
    ck_g2_table_mul(&slot->k, ck_g2_generator_table(), &sk->alpha);   /* g2^alpha */
    ck_g2_mul(&t2, &hgid, &sk->y);                                    /* H(GID)^y */
    ck_g2_add(&slot->k, &slot->k, &t2);
    if ((rc = ck_abe_attr_mul(&t2, label, epoch, &t)) != CK_ABE_OK) goto out; /* F(u)^t */
    ck_g2_add(&slot->k, &slot->k, &t2);
    ck_g1_table_mul(&slot->kp, ck_g1_generator_table(), &t);          /* g1^t     */
out:
    ck_wipe(&t, sizeof(t));
    ck_wipe(&t2, sizeof(t2));
    return rc;
}

ck_abe_err ck_abe_user_key_merge(ck_abe_user_key *dst, const ck_abe_user_key *src)
{
    if (!dst || !src || strcmp(dst->gid, src->gid) != 0) return CK_ABE_ERR_PARAM;
    /* Merging a key into itself would clear each slot (attr_slot wipes a
     * replaced entry) and then copy the wiped bytes back. */
    if (dst == src) return CK_ABE_OK;
    for (size_t i = 0; i < src->n; i++) {
        ck_abe_user_attr *slot;
        ck_abe_err rc = attr_slot(dst, src->attr[i].label, src->attr[i].epoch, &slot);
        if (rc != CK_ABE_OK) return rc;
        memcpy(slot, &src->attr[i], sizeof(*slot));
        slot->lines = NULL;
    }
    return CK_ABE_OK;
}
