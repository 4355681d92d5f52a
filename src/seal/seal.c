/*
 * src/seal/seal.c - sealing, opening and re-wrapping envelopes.
 *
 *   ck_abe_encrypt -> (ct, Z in GT);  H = encode(ct)
 *   KEK = HKDF-SHA256(Z, info = label || SHA-256(H))
 *   wrap = AES-256-GCM(KEK, nonce_w, DK, aad = WRAP label | ad)
 *   payload i = AES-256-GCM(DK, nonce_i, P_i, aad = DATA label | i | n | ad)
 *
 * The payload AAD leaves out H on purpose: a re-wrap replaces H and the
 * wrap but keeps the payload bytes, which stay bound to DK, i, n and ad.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "seal/seal_internal.h"

void ck_seal_free(uint8_t *envelope) { free(envelope); }

/* A fresh ABE header under pol, its encoding and the KEK it yields. */
static ck_seal_err make_header(uint8_t **hdr, size_t *hdr_len, uint8_t kek[CK_SEAL_KEY_BYTES],
                               const ck_seal_policy *pol, ck_policy_error *perr)
{
    ck_abe_ct ct;
    ck_gt z;
    ck_seal_err rc;
    size_t n;

    *hdr = NULL;
    rc = ck_seal_from_abe(ck_abe_encrypt(&ct, &z, pol->policy, pol->pks, pol->n_pks, pol->epoch,
                                         pol->epoch_ctx, perr));
    if (rc != CK_SEAL_OK) return rc;
    n = ck_abe_ct_encode(NULL, &ct);
    rc = CK_SEAL_ERR_LIMIT;
    if (n > CK_SEAL_MAX_HEADER_BYTES) goto out;
    rc = CK_SEAL_ERR_NOMEM;
    if (!(*hdr = malloc(n))) goto out;
    ck_abe_ct_encode(*hdr, &ct);
    *hdr_len = n;
    rc = ck_seal_kek(kek, &z, *hdr, n);
out:
    OPENSSL_cleanse(&z, sizeof(z));
    ck_abe_ct_free(&ct);
    if (rc != CK_SEAL_OK) {
        free(*hdr);
        *hdr = NULL;
    }
    return rc;
}

/* magic | version | u32 H | header | wrap(nonce, wrapped DK, tag), then
 * room for tail_len more bytes, which the caller fills. */
static ck_seal_err assemble(uint8_t **out, size_t *out_len, const uint8_t *hdr, size_t hdr_len,
                            const uint8_t kek[CK_SEAL_KEY_BYTES],
                            const uint8_t dk[CK_SEAL_KEY_BYTES], const uint8_t *ad, size_t ad_len,
                            size_t tail_len)
{
    ck_seal_aad aad = {CK_SEAL_WRAP_LABEL, 0, 0, 0, ad, ad_len};
    size_t total = CK_SEAL_PREFIX_BYTES + hdr_len + CK_SEAL_WRAP_BYTES;
    uint8_t *b, *w;
    ck_seal_err rc;

    if (tail_len > SIZE_MAX - total) return CK_SEAL_ERR_LIMIT;
    total += tail_len;
    if (!(b = malloc(total))) return CK_SEAL_ERR_NOMEM;
    memcpy(b, CK_SEAL_MAGIC, 4);
    b[4] = CK_SEAL_VERSION;
    ck_seal_put_u32(b + 5, (uint32_t)hdr_len);
    memcpy(b + CK_SEAL_PREFIX_BYTES, hdr, hdr_len);
    w = b + CK_SEAL_PREFIX_BYTES + hdr_len;
    if ((rc = ck_seal_random(w, CK_SEAL_NONCE_BYTES)) != CK_SEAL_OK ||
        (rc = ck_seal_gcm_seal(w + CK_SEAL_NONCE_BYTES, w + CK_SEAL_NONCE_BYTES + CK_SEAL_KEY_BYTES,
                               kek, w, &aad, dk, CK_SEAL_KEY_BYTES)) != CK_SEAL_OK) {
        free(b);
        return rc;
    }
    *out = b;
    *out_len = total;
    return CK_SEAL_OK;
}

ck_seal_err ck_seal(uint8_t **out, size_t *out_len, const ck_seal_policy *pol,
                    const ck_seal_input *payloads, size_t n, const uint8_t *ad, size_t ad_len,
                    ck_policy_error *perr)
{
    uint8_t kek[CK_SEAL_KEY_BYTES], dk[CK_SEAL_KEY_BYTES];
    uint8_t *hdr = NULL, *env = NULL, *p;
    size_t hdr_len = 0, env_len = 0, tail = 4;
    ck_seal_err rc = CK_SEAL_ERR_PARAM;

    if (!out || !out_len || !pol || !pol->policy || (!payloads && n) || (!ad && ad_len)) return rc;
    rc = CK_SEAL_ERR_LIMIT;
    if (n == 0 || n > CK_SEAL_MAX_PAYLOADS) return n ? rc : CK_SEAL_ERR_PARAM;
    for (size_t i = 0; i < n; i++) {
        if (!payloads[i].data && payloads[i].len) return CK_SEAL_ERR_PARAM;
        if (payloads[i].len > CK_SEAL_MAX_PAYLOAD_BYTES ||
            payloads[i].len > SIZE_MAX / 2 - tail - CK_SEAL_PAYLOAD_OVERHEAD)
            return CK_SEAL_ERR_LIMIT;
        tail += CK_SEAL_PAYLOAD_OVERHEAD + payloads[i].len;
    }
    if ((rc = ck_seal_random(dk, sizeof(dk))) != CK_SEAL_OK) goto out;
    if ((rc = make_header(&hdr, &hdr_len, kek, pol, perr)) != CK_SEAL_OK) goto out;
    if ((rc = assemble(&env, &env_len, hdr, hdr_len, kek, dk, ad, ad_len, tail)) != CK_SEAL_OK) goto out;
    p = env + env_len - tail;
    ck_seal_put_u32(p, (uint32_t)n);
    p += 4;
    for (size_t i = 0; i < n; i++) {
        ck_seal_aad aad = {CK_SEAL_DATA_LABEL, 1, (uint32_t)i, (uint32_t)n, ad, ad_len};
        size_t len = payloads[i].len;
        ck_seal_put_u64(p, (uint64_t)len);
        p += 8;
        if ((rc = ck_seal_random(p, CK_SEAL_NONCE_BYTES)) != CK_SEAL_OK) goto out;
        rc = ck_seal_gcm_seal(p + CK_SEAL_NONCE_BYTES, p + CK_SEAL_NONCE_BYTES + len, dk, p, &aad,
                              payloads[i].data, len);
        if (rc != CK_SEAL_OK) goto out;
        p += CK_SEAL_NONCE_BYTES + len + CK_SEAL_TAG_BYTES;
    }
    *out = env;
    *out_len = env_len;
    env = NULL;
    rc = CK_SEAL_OK;
out:
    OPENSSL_cleanse(kek, sizeof(kek));
    OPENSSL_cleanse(dk, sizeof(dk));
    free(hdr);
    free(env);
    return rc;
}

/* Decapsulates the envelope's header with key and unwraps the data key. */
static ck_seal_err unwrap_dk(uint8_t dk[CK_SEAL_KEY_BYTES], const ck_seal_env *env,
                             ck_abe_user_key *key, const uint8_t *ad, size_t ad_len)
{
    ck_seal_aad aad = {CK_SEAL_WRAP_LABEL, 0, 0, 0, ad, ad_len};
    const uint8_t *w = env->bytes + env->fr.wrap_off;
    uint8_t kek[CK_SEAL_KEY_BYTES];
    ck_gt z;
    ck_seal_err rc;

    rc = ck_seal_from_abe(ck_abe_decrypt(&z, &env->ct, key));
    if (rc != CK_SEAL_OK) goto out;
    if ((rc = ck_seal_kek(kek, &z, env->bytes + env->fr.hdr_off, env->fr.hdr_len)) != CK_SEAL_OK)
        goto out;
    rc = ck_seal_gcm_open(dk, kek, w, &aad, w + CK_SEAL_NONCE_BYTES, CK_SEAL_KEY_BYTES,
                          w + CK_SEAL_NONCE_BYTES + CK_SEAL_KEY_BYTES);
out:
    OPENSSL_cleanse(&z, sizeof(z));
    OPENSSL_cleanse(kek, sizeof(kek));
    return rc;
}

ck_seal_err ck_seal_open(const ck_seal_env *env, ck_abe_user_key *key, const uint8_t *ad,
                         size_t ad_len, uint8_t *const *out)
{
    uint8_t dk[CK_SEAL_KEY_BYTES];
    ck_seal_err rc = CK_SEAL_ERR_PARAM;
    size_t done = 0;

    if (!env || !key || !out || (!ad && ad_len)) return rc;
    for (size_t i = 0; i < env->fr.n; i++)
        if (!out[i] && env->fr.pl[i].len) return rc;
    if ((rc = unwrap_dk(dk, env, key, ad, ad_len)) != CK_SEAL_OK) goto out;
    for (; done < env->fr.n; done++) {
        const ck_seal_payload *pl = &env->fr.pl[done];
        const uint8_t *p = env->bytes + pl->off;
        ck_seal_aad aad = {CK_SEAL_DATA_LABEL, 1, (uint32_t)done, (uint32_t)env->fr.n, ad, ad_len};
        rc = ck_seal_gcm_open(out[done], dk, p, &aad, p + CK_SEAL_NONCE_BYTES, pl->len,
                              p + CK_SEAL_NONCE_BYTES + pl->len);
        if (rc != CK_SEAL_OK) break;
    }
out:
    OPENSSL_cleanse(dk, sizeof(dk));
    if (rc != CK_SEAL_OK)   /* all or nothing: no output holds anything */
        for (size_t i = 0; i < env->fr.n; i++)
            if (env->fr.pl[i].len) OPENSSL_cleanse(out[i], env->fr.pl[i].len);
    return rc;
}

ck_seal_err ck_seal_rewrap(uint8_t **out, size_t *out_len, const ck_seal_env *env,
                           ck_abe_user_key *key, const uint8_t *ad, size_t ad_len,
                           const ck_seal_policy *pol, ck_policy_error *perr)
{
    uint8_t dk[CK_SEAL_KEY_BYTES], kek[CK_SEAL_KEY_BYTES];
    uint8_t *hdr = NULL, *b = NULL;
    size_t hdr_len = 0, b_len = 0, tail;
    ck_seal_err rc = CK_SEAL_ERR_PARAM;

    if (!out || !out_len || !env || !key || !pol || !pol->policy || (!ad && ad_len)) return rc;
    if ((rc = unwrap_dk(dk, env, key, ad, ad_len)) != CK_SEAL_OK) goto out;
    if ((rc = make_header(&hdr, &hdr_len, kek, pol, perr)) != CK_SEAL_OK) goto out;
    tail = env->len - env->fr.count_off;   /* count and payloads, verbatim */
    if ((rc = assemble(&b, &b_len, hdr, hdr_len, kek, dk, ad, ad_len, tail)) != CK_SEAL_OK) goto out;
    memcpy(b + b_len - tail, env->bytes + env->fr.count_off, tail);
    *out = b;
    *out_len = b_len;
    rc = CK_SEAL_OK;
out:
    OPENSSL_cleanse(dk, sizeof(dk));
    OPENSSL_cleanse(kek, sizeof(kek));
    free(hdr);
    return rc;
}
