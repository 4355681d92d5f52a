/*
 * src/seal/seal_aead.c - the libcrypto primitives of the envelope:
 * HKDF-SHA256 (EVP_KDF "HKDF"), AES-256-GCM (EVP), SHA-256 and RAND.
 */
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "seal/seal_internal.h"

ck_seal_err ck_seal_random(uint8_t *out, size_t n)
{
    return RAND_bytes(out, (int)n) == 1 ? CK_SEAL_OK : CK_SEAL_ERR_RANDOM;
}

ck_seal_err ck_seal_kek(uint8_t kek[CK_SEAL_KEY_BYTES], const ck_gt *shared,
                        const uint8_t *hdr, size_t hdr_len)
{
    static const char label[] = CK_SEAL_KDF_LABEL;
    uint8_t ikm[CK_GT_BYTES], info[sizeof(label) - 1 + 32];
    EVP_KDF *kdf = NULL;
    EVP_KDF_CTX *ctx = NULL;
    OSSL_PARAM params[4];
    ck_seal_err rc = CK_SEAL_ERR_CRYPTO;

    /* The full (uncompressed, canonical) GT element is the input key
     * material; the info binds the exact ABE header bytes, so a header
     * that decrypts to the same element under a changed encoding still
     * gives another KEK. */
    ck_gt_to_bytes(ikm, shared);
    memcpy(info, label, sizeof(label) - 1);
    if (!EVP_Digest(hdr, hdr_len, info + sizeof(label) - 1, NULL, EVP_sha256(), NULL)) goto out;
    if (!(kdf = EVP_KDF_fetch(NULL, "HKDF", NULL))) goto out;
    if (!(ctx = EVP_KDF_CTX_new(kdf))) goto out;
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof(ikm));
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof(info));
    params[3] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, kek, CK_SEAL_KEY_BYTES, params) != 1) goto out;
    rc = CK_SEAL_OK;
out:
    OPENSSL_cleanse(ikm, sizeof(ikm));
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

/* label || [u32 index || u32 count] || u64 ad_len || ad, fed as GCM AAD.
 * The length prefix keeps (label, index, count, ad) unambiguous. */
static int feed_aad(EVP_CIPHER_CTX *ctx, const ck_seal_aad *aad)
{
    uint8_t b[16];
    int n;
    if (!EVP_CipherUpdate(ctx, NULL, &n, (const uint8_t *)aad->label, (int)strlen(aad->label)))
        return 0;
    if (aad->has_index) {
        ck_seal_put_u32(b, aad->index);
        ck_seal_put_u32(b + 4, aad->count);
        if (!EVP_CipherUpdate(ctx, NULL, &n, b, 8)) return 0;
    }
    ck_seal_put_u64(b, (uint64_t)aad->ad_len);
    if (!EVP_CipherUpdate(ctx, NULL, &n, b, 8)) return 0;
    for (size_t off = 0; off < aad->ad_len;) {
        size_t chunk = aad->ad_len - off > (1u << 30) ? (1u << 30) : aad->ad_len - off;
        if (!EVP_CipherUpdate(ctx, NULL, &n, aad->ad + off, (int)chunk)) return 0;
        off += chunk;
    }
    return 1;
}

/* EVP takes int lengths: process in 1 GiB chunks. */
static int crypt_data(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len)
{
    for (size_t off = 0; off < len;) {
        size_t chunk = len - off > (1u << 30) ? (1u << 30) : len - off;
        int n;
        if (!EVP_CipherUpdate(ctx, out + off, &n, in + off, (int)chunk) || (size_t)n != chunk)
            return 0;
        off += chunk;
    }
    return 1;
}

ck_seal_err ck_seal_gcm_seal(uint8_t *out, uint8_t tag[CK_SEAL_TAG_BYTES],
                             const uint8_t key[CK_SEAL_KEY_BYTES],
                             const uint8_t nonce[CK_SEAL_NONCE_BYTES], const ck_seal_aad *aad,
                             const uint8_t *in, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ck_seal_err rc = CK_SEAL_ERR_CRYPTO;
    uint8_t fin[16];
    int n;
    if (!ctx) return CK_SEAL_ERR_NOMEM;
    if (!EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce)) goto out;
    if (!feed_aad(ctx, aad) || !crypt_data(ctx, out, in, len)) goto out;
    if (!EVP_EncryptFinal_ex(ctx, fin, &n) || n != 0) goto out;
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CK_SEAL_TAG_BYTES, tag)) goto out;
    rc = CK_SEAL_OK;
out:
    EVP_CIPHER_CTX_free(ctx);   /* cleanses the key schedule */
    return rc;
}

ck_seal_err ck_seal_gcm_open(uint8_t *out, const uint8_t key[CK_SEAL_KEY_BYTES],
                             const uint8_t nonce[CK_SEAL_NONCE_BYTES], const ck_seal_aad *aad,
                             const uint8_t *in, size_t len, const uint8_t tag[CK_SEAL_TAG_BYTES])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ck_seal_err rc = CK_SEAL_ERR_CRYPTO;
    uint8_t fin[16];
    int n;
    if (!ctx) return CK_SEAL_ERR_NOMEM;
    if (!EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce)) goto out;
    if (!feed_aad(ctx, aad) || !crypt_data(ctx, out, in, len)) goto out;
    if (!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CK_SEAL_TAG_BYTES, (void *)tag)) goto out;
    /* GCM decrypts before it verifies: the plaintext is released (not
     * wiped) only when the tag checks out. */
    rc = EVP_DecryptFinal_ex(ctx, fin, &n) > 0 ? CK_SEAL_OK : CK_SEAL_ERR_AUTH;
out:
    if (rc != CK_SEAL_OK && len) OPENSSL_cleanse(out, len);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}
