/*
 * src/seal/keyring_delivery.c - sealed delivery of issued ABE user keys:
 * the authority seals a user key to the person's X25519 key and signs it;
 * the person's keyring verifies, opens and merges it. The payload is the
 * ck_abe_user_key encoding; the associated data is
 * ck_box_delivery_ad("authority:<name>", GID).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keyring_internal.h"

static size_t delivery_ad(uint8_t ad[CK_BOX_AD_MAX], const char *authority, const char *gid)
{
    char sender[CK_ABE_NAME_MAX + 16];
    if (!authority || !*authority || strlen(authority) > CK_ABE_NAME_MAX) return 0;
    snprintf(sender, sizeof sender, "authority:%s", authority);
    return ck_box_delivery_ad(ad, CK_BOX_AD_MAX, sender, gid);
}

ck_keyring_err ck_keyring_delivery_seal(uint8_t **box, size_t *box_len, const ck_abe_user_key *key,
                                        const uint8_t recipient_x25519[CK_ID_KEY_BYTES], const char *authority,
                                        const uint8_t signing_sk[CK_ID_KEY_BYTES])
{
    uint8_t ad[CK_BOX_AD_MAX], *pt = NULL, *b = NULL;
    size_t ad_len, pt_len = 0, cap = 0, n = 0;
    ck_box_err be;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!box || !box_len || !key || !recipient_x25519 || !signing_sk) return rc;
    if (!(ad_len = delivery_ad(ad, authority, key->gid))) return rc;
    pt_len = ck_abe_user_key_encode(NULL, key);
    rc = CK_KEYRING_ERR_TOO_LARGE;
    if (pt_len > CK_BOX_MAX_PLAINTEXT) goto out;
    cap = CK_BOX_LEN(pt_len);
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(pt = malloc(pt_len)) || !(b = malloc(cap))) goto out;
    ck_abe_user_key_encode(pt, key);
    be = ck_box_seal(b, cap, &n, pt, pt_len, recipient_x25519, signing_sk, ad, ad_len);
    switch (be) {
    case CK_BOX_OK: rc = CK_KEYRING_OK; break;
    case CK_BOX_ERR_RANDOM: rc = CK_KEYRING_ERR_RANDOM; goto out;
    case CK_BOX_ERR_KEY: rc = CK_KEYRING_ERR_PARAM; goto out;
    default: rc = CK_KEYRING_ERR_CRYPTO; goto out;
    }
    *box = b;
    *box_len = n;
    b = NULL;
out:
    ck_keyring_bytes_free(pt, pt_len);
    ck_keyring_bytes_free(b, cap);
    return rc;
}

ck_keyring_err ck_keyring_delivery_accept(ck_keyring *kr, const uint8_t *box, size_t len, const char *authority,
                                          const uint8_t signing_key[CK_ID_KEY_BYTES], ck_box_err *box_err)
{
    uint8_t ad[CK_BOX_AD_MAX], *pt = NULL;
    size_t ad_len, n = 0, got = 0;
    ck_abe_user_key key;
    int have_key = 0;
    ck_box_err be = CK_BOX_ERR_PARAM;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!kr || (!box && len) || !signing_key) goto out;
    if (!(ad_len = delivery_ad(ad, authority, kr->id.gid))) goto out;
    rc = CK_KEYRING_ERR_DELIVERY;
    if ((be = ck_box_plaintext_len(&n, box, len)) != CK_BOX_OK) goto out;
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(pt = malloc(n ? n : 1))) goto out;
    rc = CK_KEYRING_ERR_DELIVERY;
    if ((be = ck_box_open(pt, n, &got, box, len, &kr->id, signing_key, ad, ad_len)) != CK_BOX_OK) goto out;
    /* Authenticated from here on: the authority really sent this. */
    rc = CK_KEYRING_ERR_CONTENT;
    if (ck_abe_user_key_decode(&key, pt, got) != CK_ABE_OK) goto out;
    have_key = 1;
    rc = CK_KEYRING_ERR_GID;
    if (strcmp(key.gid, kr->id.gid) != 0) goto out;
    rc = CK_KEYRING_ERR_CONTENT; /* an authority issues only its own attributes */
    for (size_t i = 0; i < key.n; i++) {
        const char *at = strrchr(key.attr[i].label, '@');
        if (!at || strcmp(at + 1, authority) != 0) goto out;
    }
    rc = ck_keyring_add_user_key(kr, &key);
out:
    if (box_err) *box_err = be;
    if (have_key) ck_abe_user_key_free(&key);
    ck_keyring_bytes_free(pt, n ? n : 1);
    return rc;
}
