/*
 * src/seal/seal_datakey.c - the envelope's data key on its own, for
 * delegated reading (break-glass: the emergency desk opens the key wrap
 * with its ABE key and hands the 32-byte data key, sealed, to a physician
 * who then opens the payloads with it - docs/FORMAT.md, "Envelope").
 *
 *   ck_seal_unwrap_key      ABE-decapsulate the header, derive the KEK,
 *                           open the wrap: the data key DK
 *   ck_seal_open_with_key   open every payload with DK (no ABE key)
 *
 * Both bind the caller's associated data exactly as ck_seal_open does.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "seal/seal_internal.h"

ck_seal_err ck_seal_unwrap_key(uint8_t dk[CK_SEAL_KEY_BYTES], const ck_seal_env *env,
                               ck_abe_user_key *key, const uint8_t *ad, size_t ad_len)
{
    ck_seal_aad aad = {CK_SEAL_WRAP_LABEL, 0, 0, 0, ad, ad_len};
    uint8_t kek[CK_SEAL_KEY_BYTES];
    const uint8_t *w;
    ck_gt z;
    ck_seal_err rc;

    if (!dk || !env || !key || (!ad && ad_len)) return CK_SEAL_ERR_PARAM;
    w = env->bytes + env->fr.wrap_off;
    rc = ck_seal_from_abe(ck_abe_decrypt(&z, &env->ct, key));
    if (rc != CK_SEAL_OK) goto out;
    if ((rc = ck_seal_kek(kek, &z, env->bytes + env->fr.hdr_off, env->fr.hdr_len)) != CK_SEAL_OK)
        goto out;
    rc = ck_seal_gcm_open(dk, kek, w, &aad, w + CK_SEAL_NONCE_BYTES, CK_SEAL_KEY_BYTES,
                          w + CK_SEAL_NONCE_BYTES + CK_SEAL_KEY_BYTES);
out:
    OPENSSL_cleanse(&z, sizeof(z));
    OPENSSL_cleanse(kek, sizeof(kek));
    if (rc != CK_SEAL_OK) OPENSSL_cleanse(dk, CK_SEAL_KEY_BYTES);
    return rc;
}

ck_seal_err ck_seal_open_with_key(const ck_seal_env *env, const uint8_t dk[CK_SEAL_KEY_BYTES],
                                  const uint8_t *ad, size_t ad_len, uint8_t *const *out)
{
    ck_seal_err rc = CK_SEAL_OK;

    if (!env || !dk || !out || (!ad && ad_len)) return CK_SEAL_ERR_PARAM;
    for (size_t i = 0; i < env->fr.n; i++)
        if (!out[i] && env->fr.pl[i].len) return CK_SEAL_ERR_PARAM;
    for (size_t i = 0; i < env->fr.n && rc == CK_SEAL_OK; i++) {
        const ck_seal_payload *pl = &env->fr.pl[i];
        const uint8_t *p = env->bytes + pl->off;
        ck_seal_aad aad = {CK_SEAL_DATA_LABEL, 1, (uint32_t)i, (uint32_t)env->fr.n, ad, ad_len};
        rc = ck_seal_gcm_open(out[i], dk, p, &aad, p + CK_SEAL_NONCE_BYTES, pl->len,
                              p + CK_SEAL_NONCE_BYTES + pl->len);
    }
    if (rc != CK_SEAL_OK)   /* all or nothing, as ck_seal_open */
        for (size_t i = 0; i < env->fr.n; i++)
            if (env->fr.pl[i].len) OPENSSL_cleanse(out[i], env->fr.pl[i].len);
    return rc;
}
