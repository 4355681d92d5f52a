/*
 * src/seal/identity.c - identities: GID, Ed25519 and X25519 key pairs
 * (OpenSSL 3 raw keys), signatures (verified with libsodium), hex export.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>

#include "carekey/identity.h"
#include "identity_internal.h"

const char *ck_id_strerror(ck_id_err e)
{
    switch (e) {
    case CK_ID_OK: return "success";
    case CK_ID_ERR_PARAM: return "bad argument (GID syntax: [A-Za-z0-9][A-Za-z0-9._@-]{0,127})";
    case CK_ID_ERR_KEY: return "not a valid Ed25519/X25519 key";
    case CK_ID_ERR_VERIFY: return "signature does not verify";
    case CK_ID_ERR_RANDOM: return "the system random generator failed";
    case CK_ID_ERR_CRYPTO: return "libcrypto failure";
    }
    return "unknown identity error";
}

int ck_id_gid_valid(const char *gid)
{
    size_t n;
    if (!gid) return 0;
    n = strlen(gid);
    if (n == 0 || n > CK_ID_GID_MAX) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = gid[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' && c != '-'))) return 0;
    }
    return 1;
}

void ck_id_wipe(ck_identity *id)
{
    if (id) OPENSSL_cleanse(id, sizeof(*id));
}

/* Public key of a raw private key of the given type. */
static ck_id_err raw_public(int type, uint8_t pk[CK_ID_KEY_BYTES], const uint8_t sk[CK_ID_KEY_BYTES])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(type, NULL, sk, CK_ID_KEY_BYTES);
    size_t len = CK_ID_KEY_BYTES;
    ck_id_err rc = CK_ID_ERR_KEY;
    if (!k) goto out;
    rc = CK_ID_ERR_CRYPTO;
    if (EVP_PKEY_get_raw_public_key(k, pk, &len) != 1 || len != CK_ID_KEY_BYTES) goto out;
    rc = CK_ID_OK;
out:
    EVP_PKEY_free(k); /* OpenSSL wipes the private key it held */
    return rc;
}

ck_id_err ck_id_ed25519_public(uint8_t pk[CK_ID_KEY_BYTES], const uint8_t sk[CK_ID_KEY_BYTES])
{
    if (!pk || !sk) return CK_ID_ERR_PARAM;
    return raw_public(EVP_PKEY_ED25519, pk, sk);
}

ck_id_err ck_id_from_secret(ck_identity *id, const char *gid, const uint8_t ed25519_sk[CK_ID_KEY_BYTES],
                            const uint8_t x25519_sk[CK_ID_KEY_BYTES])
{
    ck_identity t;
    ck_id_err rc = CK_ID_ERR_PARAM;
    memset(&t, 0, sizeof t);
    if (!id || !ed25519_sk || !x25519_sk || !ck_id_gid_valid(gid)) goto out;
    strcpy(t.gid, gid);
    memcpy(t.ed25519_sk, ed25519_sk, CK_ID_KEY_BYTES);
    memcpy(t.x25519_sk, x25519_sk, CK_ID_KEY_BYTES);
    if ((rc = raw_public(EVP_PKEY_ED25519, t.ed25519_pk, t.ed25519_sk)) != CK_ID_OK) goto out;
    if ((rc = raw_public(EVP_PKEY_X25519, t.x25519_pk, t.x25519_sk)) != CK_ID_OK) goto out;
    *id = t;
out:
    if (rc != CK_ID_OK && id) ck_id_wipe(id);
    ck_id_wipe(&t);
    return rc;
}

ck_id_err ck_id_create(ck_identity *id, const char *gid)
{
    uint8_t sk[2 * CK_ID_KEY_BYTES];
    ck_id_err rc = CK_ID_ERR_PARAM;
    if (!id || !ck_id_gid_valid(gid)) goto out;
    rc = CK_ID_ERR_RANDOM;
    if (ck_idc_random(sk, sizeof sk) != 0) goto out;
    /* Both raw forms take any 32 bytes: Ed25519 hashes its seed, X25519
     * clamps its scalar (RFC 7748). */
    rc = ck_id_from_secret(id, gid, sk, sk + CK_ID_KEY_BYTES);
out:
    OPENSSL_cleanse(sk, sizeof sk);
    if (rc != CK_ID_OK && id) ck_id_wipe(id);
    return rc;
}

ck_id_err ck_id_sign_raw(uint8_t sig[CK_ID_SIG_BYTES], const uint8_t ed25519_sk[CK_ID_KEY_BYTES],
                         const uint8_t *msg, size_t len)
{
    EVP_PKEY *k = NULL;
    EVP_MD_CTX *ctx = NULL;
    size_t sl = CK_ID_SIG_BYTES;
    ck_id_err rc = CK_ID_ERR_PARAM;
    if (!sig || !ed25519_sk || (!msg && len)) return rc;
    rc = CK_ID_ERR_KEY;
    if (!(k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, ed25519_sk, CK_ID_KEY_BYTES))) goto out;
    rc = CK_ID_ERR_CRYPTO;
    if (!(ctx = EVP_MD_CTX_new())) goto out;
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1) goto out;
    if (EVP_DigestSign(ctx, sig, &sl, msg ? msg : (const uint8_t *)"", len) != 1 || sl != CK_ID_SIG_BYTES)
        goto out;
    rc = CK_ID_OK;
out:
    if (rc != CK_ID_OK) OPENSSL_cleanse(sig, CK_ID_SIG_BYTES);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return rc;
}

ck_id_err ck_id_sign(uint8_t sig[CK_ID_SIG_BYTES], const ck_identity *id, const uint8_t *msg, size_t len)
{
    if (!id) return CK_ID_ERR_PARAM;
    return ck_id_sign_raw(sig, id->ed25519_sk, msg, len);
}

/* libsodium verifies about twice as fast as OpenSSL 3.0 here and takes no
 * lock, so several threads verify a chain's signatures at once. It is also
 * stricter: it refuses non-canonical S and A and small-order A and R, which
 * honest keys and signers never produce. sodium_init is needed once. */
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ready;

static void sodium_start(void) { sodium_ready = sodium_init() >= 0; }

ck_id_err ck_id_verify(const uint8_t sig[CK_ID_SIG_BYTES], const uint8_t *msg, size_t len,
                       const uint8_t ed25519_pk[CK_ID_KEY_BYTES])
{
    static const uint8_t empty[1];
    if (!sig || !ed25519_pk || (!msg && len)) return CK_ID_ERR_PARAM;
    if (pthread_once(&sodium_once, sodium_start) != 0 || !sodium_ready) return CK_ID_ERR_CRYPTO;
    return crypto_sign_verify_detached(sig, msg ? msg : empty, len, ed25519_pk) == 0 ? CK_ID_OK : CK_ID_ERR_VERIFY;
}

void ck_id_hex(char out[CK_ID_HEX_BYTES], const uint8_t key[CK_ID_KEY_BYTES])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < CK_ID_KEY_BYTES; i++) {
        out[2 * i] = digits[key[i] >> 4];
        out[2 * i + 1] = digits[key[i] & 15];
    }
    out[2 * CK_ID_KEY_BYTES] = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int ck_id_unhex(uint8_t key[CK_ID_KEY_BYTES], const char *hex)
{
    uint8_t t[CK_ID_KEY_BYTES];
    if (!key || !hex || strlen(hex) != 2 * CK_ID_KEY_BYTES) return -1;
    for (size_t i = 0; i < CK_ID_KEY_BYTES; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        t[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(key, t, sizeof t);
    return 0;
}
