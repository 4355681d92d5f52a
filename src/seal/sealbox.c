/*
 * src/seal/sealbox.c - sealed delivery of issued keys: ephemeral-static
 * X25519, HKDF-SHA256, AES-256-GCM, then an Ed25519 signature by the
 * sender over the whole box (encrypt-then-sign; docs/FORMAT.md,
 * "Keyring and sealed delivery", says why).
 *
 *   0       4   magic "CKSB"
 *   4       1   version (1)
 *   5       32  ephemeral X25519 public key E
 *   37      12  nonce
 *   49      4   n, plaintext length (u32 big-endian, <= CK_BOX_MAX_PLAINTEXT)
 *   53      n   ciphertext
 *   53+n    16  GCM tag
 *   69+n    64  Ed25519 signature of the sender
 *
 *   key  = HKDF-SHA256(X25519(e, R), info = "CAREKEY-V01-SEALBOX-KEY" || E
 *                      || R || S || SHA-256(ad))          (R recipient X25519,
 *                                                          S sender Ed25519)
 *   GCM associated data = box[0..53) || ad
 *   sig  = Ed25519(sender, "CAREKEY-V01-SEALBOX-SIG" || R || SHA-256(ad)
 *                          || box[0..69+n))
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "carekey/identity.h"
#include "identity_internal.h"

#define KDF_LABEL "CAREKEY-V01-SEALBOX-KEY"
#define SIG_LABEL "CAREKEY-V01-SEALBOX-SIG"
#define OFF_EPH 5
#define OFF_NONCE 37
#define OFF_LEN 49
#define K CK_ID_KEY_BYTES

const char *ck_box_strerror(ck_box_err e)
{
    switch (e) {
    case CK_BOX_OK: return "success";
    case CK_BOX_ERR_PARAM: return "bad argument";
    case CK_BOX_ERR_FORMAT: return "not a sealed box (magic or version)";
    case CK_BOX_ERR_LENGTH: return "sealed box truncated, too large or with trailing bytes";
    case CK_BOX_ERR_SIGNATURE: return "sealed box not signed by the expected sender";
    case CK_BOX_ERR_AUTH: return "sealed box does not open: wrong recipient, modified box or different associated data";
    case CK_BOX_ERR_KEY: return "unusable public key";
    case CK_BOX_ERR_BUFFER: return "buffer too small";
    case CK_BOX_ERR_RANDOM: return "the system random generator failed";
    case CK_BOX_ERR_CRYPTO: return "libcrypto failure";
    }
    return "unknown sealed box error";
}

static size_t put_str(uint8_t *out, size_t at, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (at > cap || cap - at < 4 || cap - at - 4 < n) return 0;
    ck_idc_put_u32(out + at, (uint32_t)n);
    memcpy(out + at + 4, s, n);
    return at + 4 + n;
}

size_t ck_box_delivery_ad(uint8_t *out, size_t cap, const char *sender, const char *recipient)
{
    size_t at;
    if (!out || !sender || !recipient || !*sender || !*recipient) return 0;
    if (strlen(sender) > 256 || strlen(recipient) > 256) return 0;
    if (!(at = put_str(out, 0, cap, CK_BOX_DELIVERY_LABEL))) return 0;
    if (!(at = put_str(out, at, cap, sender))) return 0;
    return put_str(out, at, cap, recipient);
}

/* X25519(sk, peer) -> 32 bytes; rejects the all-zero result (low order). */
static ck_box_err x25519(uint8_t out[K], const uint8_t sk[K], const uint8_t peer[K])
{
    static const uint8_t zero[K];
    EVP_PKEY *a = NULL, *b = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    size_t len = K;
    ck_box_err rc = CK_BOX_ERR_CRYPTO;
    if (!(a = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, K))) goto out;
    rc = CK_BOX_ERR_KEY;
    if (!(b = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, K))) goto out;
    rc = CK_BOX_ERR_CRYPTO;
    if (!(ctx = EVP_PKEY_CTX_new(a, NULL)) || EVP_PKEY_derive_init(ctx) != 1) goto out;
    rc = CK_BOX_ERR_KEY; /* OpenSSL refuses peers that give an all-zero secret */
    if (EVP_PKEY_derive_set_peer(ctx, b) != 1 || EVP_PKEY_derive(ctx, out, &len) != 1 || len != K) goto out;
    if (CRYPTO_memcmp(out, zero, K) == 0) goto out;
    rc = CK_BOX_OK;
out:
    if (rc != CK_BOX_OK) OPENSSL_cleanse(out, K);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    return rc;
}

static ck_box_err box_key(uint8_t key[K], const uint8_t shared[K], const uint8_t eph[K],
                          const uint8_t rcpt[K], const uint8_t sender[K], const uint8_t *ad, size_t ad_len)
{
    uint8_t info[sizeof(KDF_LABEL) - 1 + 4 * K];
    uint8_t *p = info;
    memcpy(p, KDF_LABEL, sizeof(KDF_LABEL) - 1), p += sizeof(KDF_LABEL) - 1;
    memcpy(p, eph, K), p += K;
    memcpy(p, rcpt, K), p += K;
    memcpy(p, sender, K), p += K;
    if (ck_idc_sha256(p, ad, ad_len) != 0) return CK_BOX_ERR_CRYPTO;
    return ck_idc_hkdf(key, K, shared, K, info, sizeof info) == 0 ? CK_BOX_OK : CK_BOX_ERR_CRYPTO;
}

/* The signed message: label || R || SHA-256(ad) || box[0..signed_len).
 * Returned malloc'ed (public data only). */
static uint8_t *sig_input(size_t *len, const uint8_t rcpt[K], const uint8_t *ad, size_t ad_len,
                          const uint8_t *box, size_t signed_len)
{
    size_t l = sizeof(SIG_LABEL) - 1;
    uint8_t *m = OPENSSL_malloc(l + 2 * K + signed_len);
    if (!m) return NULL;
    memcpy(m, SIG_LABEL, l);
    memcpy(m + l, rcpt, K);
    if (ck_idc_sha256(m + l + K, ad, ad_len) != 0) {
        OPENSSL_free(m);
        return NULL;
    }
    memcpy(m + l + 2 * K, box, signed_len);
    *len = l + 2 * K + signed_len;
    return m;
}

ck_box_err ck_box_seal(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *pt, size_t pt_len,
                       const uint8_t recipient_x25519[K], const uint8_t sender_ed25519_sk[K],
                       const uint8_t *ad, size_t ad_len)
{
    uint8_t eph_sk[K], shared[K], key[K], sender_pk[K];
    uint8_t *msg = NULL;
    size_t total, msg_len = 0;
    ck_box_err rc = CK_BOX_ERR_PARAM;
    if (!out || !out_len || (!pt && pt_len) || !recipient_x25519 || !sender_ed25519_sk || (!ad && ad_len))
        return rc;
    rc = CK_BOX_ERR_LENGTH;
    if (pt_len > CK_BOX_MAX_PLAINTEXT) return rc;
    total = CK_BOX_LEN(pt_len);
    rc = CK_BOX_ERR_BUFFER;
    if (cap < total) return rc;

    rc = CK_BOX_ERR_KEY;
    if (ck_id_ed25519_public(sender_pk, sender_ed25519_sk) != CK_ID_OK) goto out;
    rc = CK_BOX_ERR_RANDOM;
    if (ck_idc_random(eph_sk, K) != 0 || ck_idc_random(out + OFF_NONCE, CK_BOX_NONCE_BYTES) != 0) goto out;
    memcpy(out, CK_BOX_MAGIC, 4);
    out[4] = CK_BOX_VERSION;
    rc = CK_BOX_ERR_CRYPTO;
    {
        EVP_PKEY *e = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, eph_sk, K);
        size_t l = K;
        int ok = e && EVP_PKEY_get_raw_public_key(e, out + OFF_EPH, &l) == 1 && l == K;
        EVP_PKEY_free(e);
        if (!ok) goto out;
    }
    ck_idc_put_u32(out + OFF_LEN, (uint32_t)pt_len);
    if ((rc = x25519(shared, eph_sk, recipient_x25519)) != CK_BOX_OK) goto out;
    if ((rc = box_key(key, shared, out + OFF_EPH, recipient_x25519, sender_pk, ad, ad_len)) != CK_BOX_OK)
        goto out;
    {
        /* GCM associated data: the box header, then the caller's ad. */
        size_t gl = CK_BOX_HEADER_BYTES + ad_len;
        uint8_t *gad = OPENSSL_malloc(gl ? gl : 1);
        int ok;
        rc = CK_BOX_ERR_CRYPTO;
        if (!gad) goto out;
        memcpy(gad, out, CK_BOX_HEADER_BYTES);
        if (ad_len) memcpy(gad + CK_BOX_HEADER_BYTES, ad, ad_len);
        ok = ck_idc_gcm_seal(out + CK_BOX_HEADER_BYTES, out + CK_BOX_HEADER_BYTES + pt_len, key,
                             out + OFF_NONCE, gad, gl, pt, pt_len) == 0;
        OPENSSL_free(gad);
        if (!ok) goto out;
    }
    if (!(msg = sig_input(&msg_len, recipient_x25519, ad, ad_len, out, total - CK_ID_SIG_BYTES))) goto out;
    if (ck_id_sign_raw(out + total - CK_ID_SIG_BYTES, sender_ed25519_sk, msg, msg_len) != CK_ID_OK) goto out;
    *out_len = total;
    rc = CK_BOX_OK;
out:
    if (rc != CK_BOX_OK) OPENSSL_cleanse(out, total);
    OPENSSL_free(msg);
    OPENSSL_cleanse(eph_sk, K);
    OPENSSL_cleanse(shared, K);
    OPENSSL_cleanse(key, K);
    return rc;
}

ck_box_err ck_box_plaintext_len(size_t *pt_len, const uint8_t *box, size_t len)
{
    uint32_t n;
    if (!pt_len || (!box && len)) return CK_BOX_ERR_PARAM;
    if (len < 5) return CK_BOX_ERR_LENGTH;
    if (memcmp(box, CK_BOX_MAGIC, 4) != 0 || box[4] != CK_BOX_VERSION) return CK_BOX_ERR_FORMAT;
    if (len < CK_BOX_OVERHEAD) return CK_BOX_ERR_LENGTH;
    n = ck_idc_get_u32(box + OFF_LEN);
    if (n > CK_BOX_MAX_PLAINTEXT || len != CK_BOX_LEN(n)) return CK_BOX_ERR_LENGTH;
    *pt_len = n;
    return CK_BOX_OK;
}

ck_box_err ck_box_open(uint8_t *pt, size_t cap, size_t *pt_len, const uint8_t *box, size_t len,
                       const ck_identity *recipient, const uint8_t sender_ed25519_pk[K],
                       const uint8_t *ad, size_t ad_len)
{
    uint8_t shared[K], key[K];
    uint8_t *msg = NULL, *gad = NULL;
    size_t n = 0, msg_len = 0, gl;
    ck_box_err rc = CK_BOX_ERR_PARAM;
    if (!pt_len || !recipient || !sender_ed25519_pk || (!ad && ad_len) || (!pt && cap)) return rc;
    if ((rc = ck_box_plaintext_len(&n, box, len)) != CK_BOX_OK) goto out;
    rc = CK_BOX_ERR_BUFFER;
    if (cap < n || (!pt && n)) goto out;

    /* The sender's signature first: forged boxes cost one verification. */
    rc = CK_BOX_ERR_CRYPTO;
    if (!(msg = sig_input(&msg_len, recipient->x25519_pk, ad, ad_len, box, len - CK_ID_SIG_BYTES))) goto out;
    switch (ck_id_verify(box + len - CK_ID_SIG_BYTES, msg, msg_len, sender_ed25519_pk)) {
    case CK_ID_OK: break;
    case CK_ID_ERR_VERIFY: rc = CK_BOX_ERR_SIGNATURE; goto out;
    case CK_ID_ERR_KEY: rc = CK_BOX_ERR_KEY; goto out;
    default: goto out;
    }

    if ((rc = x25519(shared, recipient->x25519_sk, box + OFF_EPH)) != CK_BOX_OK) goto out;
    if ((rc = box_key(key, shared, box + OFF_EPH, recipient->x25519_pk, sender_ed25519_pk, ad, ad_len)) !=
        CK_BOX_OK)
        goto out;
    rc = CK_BOX_ERR_CRYPTO;
    gl = CK_BOX_HEADER_BYTES + ad_len;
    if (!(gad = OPENSSL_malloc(gl))) goto out;
    memcpy(gad, box, CK_BOX_HEADER_BYTES);
    if (ad_len) memcpy(gad + CK_BOX_HEADER_BYTES, ad, ad_len);
    rc = CK_BOX_ERR_AUTH;
    if (ck_idc_gcm_open(pt, key, box + OFF_NONCE, gad, gl, box + CK_BOX_HEADER_BYTES, n,
                        box + CK_BOX_HEADER_BYTES + n) != 0)
        goto out;
    *pt_len = n;
    rc = CK_BOX_OK;
out:
    if (rc != CK_BOX_OK && pt && cap) OPENSSL_cleanse(pt, cap);
    OPENSSL_free(msg);
    OPENSSL_free(gad);
    OPENSSL_cleanse(shared, K);
    OPENSSL_cleanse(key, K);
    return rc;
}
