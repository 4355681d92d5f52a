/*
 * src/seal/identity_aead.c - AES-256-GCM, HKDF-SHA256, SHA-256 and the DRBG
 * for sealed boxes and keyrings (libcrypto).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "identity_internal.h"

/* GCM's length fields and OpenSSL's int lengths: feed in chunks. */
#define CHUNK (1 << 30)

static int gcm_update(EVP_CIPHER_CTX *ctx, int enc, uint8_t *out, const uint8_t *in, size_t len)
{
    int n;
    while (len > 0) {
        int c = len > CHUNK ? CHUNK : (int)len;
        if ((enc ? EVP_EncryptUpdate(ctx, out, &n, in, c) : EVP_DecryptUpdate(ctx, out, &n, in, c)) != 1 ||
            n != c)
            return -1;
        out += c;
        in += c;
        len -= (size_t)c;
    }
    return 0;
}

static int gcm_ad(EVP_CIPHER_CTX *ctx, int enc, const uint8_t *ad, size_t len)
{
    int n;
    while (len > 0) {
        int c = len > CHUNK ? CHUNK : (int)len;
        if ((enc ? EVP_EncryptUpdate(ctx, NULL, &n, ad, c) : EVP_DecryptUpdate(ctx, NULL, &n, ad, c)) != 1)
            return -1;
        ad += c;
        len -= (size_t)c;
    }
    return 0;
}

int ck_idc_gcm_seal(uint8_t *out, uint8_t tag[CK_IDC_TAG_BYTES], const uint8_t key[CK_IDC_KEY_BYTES],
                    const uint8_t nonce[CK_IDC_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                    const uint8_t *in, size_t len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int rc = -1, n;
    if (!ctx) goto out;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1) goto out;
    if (gcm_ad(ctx, 1, ad, ad_len) != 0 || gcm_update(ctx, 1, out, in, len) != 0) goto out;
    if (EVP_EncryptFinal_ex(ctx, out + len, &n) != 1 || n != 0) goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CK_IDC_TAG_BYTES, tag) != 1) goto out;
    rc = 0;
out:
    if (rc != 0 && out) OPENSSL_cleanse(out, len);
    EVP_CIPHER_CTX_free(ctx); /* wipes the key schedule */
    return rc;
}

int ck_idc_gcm_open(uint8_t *out, const uint8_t key[CK_IDC_KEY_BYTES],
                    const uint8_t nonce[CK_IDC_NONCE_BYTES], const uint8_t *ad, size_t ad_len,
                    const uint8_t *in, size_t len, const uint8_t tag[CK_IDC_TAG_BYTES])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t t[CK_IDC_TAG_BYTES];
    int rc = -1, n;
    memcpy(t, tag, sizeof t); /* the ctrl takes a non-const pointer */
    if (!ctx) goto out;
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1) goto out;
    if (gcm_ad(ctx, 0, ad, ad_len) != 0 || gcm_update(ctx, 0, out, in, len) != 0) goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CK_IDC_TAG_BYTES, t) != 1) goto out;
    if (EVP_DecryptFinal_ex(ctx, out + len, &n) != 1) goto out;
    rc = 0;
out:
    if (rc != 0 && out) OPENSSL_cleanse(out, len);
    EVP_CIPHER_CTX_free(ctx);
    return rc;
}

int ck_idc_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                size_t info_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM p[4];
    int rc = -1;
    if (!ctx) goto out;
    p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    p[3] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, out, out_len, p) != 1) goto out;
    rc = 0;
out:
    if (rc != 0) OPENSSL_cleanse(out, out_len);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

int ck_idc_random(uint8_t *out, size_t n)
{
    while (n > 0) {
        int c = n > CHUNK ? CHUNK : (int)n;
        if (RAND_priv_bytes(out, c) != 1) return -1;
        out += c;
        n -= (size_t)c;
    }
    return 0;
}

int ck_idc_sha256(uint8_t out[32], const uint8_t *in, size_t n)
{
    unsigned int len = 32;
    return EVP_Digest(in, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32 ? 0 : -1;
}
