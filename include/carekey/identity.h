/*
 * carekey/identity.h - a person's identity and sealed delivery of issued keys.
 *
 *   identity    GID (docs/API.md syntax), an Ed25519 signing key pair and an
 *               X25519 key pair (OpenSSL 3, raw 32-byte keys).
 *   sealed box  plaintext (an issued ABE user key, say) encrypted to a
 *               recipient's X25519 key with an ephemeral X25519 key, HKDF-SHA256
 *               and AES-256-GCM, then signed by the sender's Ed25519 key
 *               (encrypt-then-sign; the signature covers the whole box, the
 *               key derivation binds the sender's key). docs/FORMAT.md,
 *               "Keyring and sealed delivery", has the byte layout.
 *
 * Conventions (libsodium style): functions return 0 (CK_ID_OK / CK_BOX_OK)
 * or an error that *_strerror describes; caller-owned buffers; secret keys
 * live in ck_identity (wipe it with ck_id_wipe) and every temporary copy is
 * wiped before return. Nothing here logs.
 */
#ifndef CAREKEY_IDENTITY_H
#define CAREKEY_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/ec.h" /* CK_MUST_CHECK */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- identities --------------------------------------------------------- */
typedef enum ck_id_err {
    CK_ID_OK = 0,
    CK_ID_ERR_PARAM,   /* bad argument (NULL, GID syntax)             */
    CK_ID_ERR_KEY,     /* a key is not a valid Ed25519/X25519 key      */
    CK_ID_ERR_VERIFY,  /* the signature does not verify               */
    CK_ID_ERR_RANDOM,  /* the system random generator failed          */
    CK_ID_ERR_CRYPTO,  /* libcrypto failed                            */
} ck_id_err;

const char *ck_id_strerror(ck_id_err e);

#define CK_ID_GID_MAX 128  /* = CK_ABE_GID_MAX = CK_NET_ID_MAX */
#define CK_ID_KEY_BYTES 32 /* raw Ed25519 / X25519 public and private keys */
#define CK_ID_SIG_BYTES 64
#define CK_ID_HEX_BYTES (2 * CK_ID_KEY_BYTES + 1)

typedef struct ck_identity {
    char gid[CK_ID_GID_MAX + 1];
    uint8_t ed25519_pk[CK_ID_KEY_BYTES];
    uint8_t ed25519_sk[CK_ID_KEY_BYTES]; /* secret: RFC 8032 seed */
    uint8_t x25519_pk[CK_ID_KEY_BYTES];
    uint8_t x25519_sk[CK_ID_KEY_BYTES];  /* secret */
} ck_identity;

/* 1 if gid has the identifier syntax of docs/API.md:
 * [A-Za-z0-9][A-Za-z0-9._@-]{0,127}. (The server reserves "admin".) */
int ck_id_gid_valid(const char *gid);

/* Fresh key pairs from the system DRBG. id is wiped on failure. */
CK_MUST_CHECK ck_id_err ck_id_create(ck_identity *id, const char *gid);
/* Rebuilds an identity from its two private keys (the public keys are
 * derived). Used by the keyring decoder. id is wiped on failure. */
CK_MUST_CHECK ck_id_err ck_id_from_secret(ck_identity *id, const char *gid,
                                          const uint8_t ed25519_sk[CK_ID_KEY_BYTES],
                                          const uint8_t x25519_sk[CK_ID_KEY_BYTES]);
void ck_id_wipe(ck_identity *id);

/* Ed25519 (PureEdDSA, RFC 8032) over msg. */
CK_MUST_CHECK ck_id_err ck_id_sign(uint8_t sig[CK_ID_SIG_BYTES], const ck_identity *id,
                                   const uint8_t *msg, size_t len);
/* Same with a bare secret seed (e.g. an authority's signing key). */
CK_MUST_CHECK ck_id_err ck_id_sign_raw(uint8_t sig[CK_ID_SIG_BYTES],
                                       const uint8_t ed25519_sk[CK_ID_KEY_BYTES],
                                       const uint8_t *msg, size_t len);
/* CK_ID_OK if sig is a valid signature of msg under the raw public key,
 * CK_ID_ERR_VERIFY otherwise (CK_ID_ERR_KEY for an unusable public key). */
CK_MUST_CHECK ck_id_err ck_id_verify(const uint8_t sig[CK_ID_SIG_BYTES], const uint8_t *msg,
                                     size_t len, const uint8_t ed25519_pk[CK_ID_KEY_BYTES]);
/* Public key of an Ed25519 seed. */
CK_MUST_CHECK ck_id_err ck_id_ed25519_public(uint8_t pk[CK_ID_KEY_BYTES],
                                             const uint8_t sk[CK_ID_KEY_BYTES]);

/* Lower-case hex of a 32-byte public key (the directory's encoding). */
void ck_id_hex(char out[CK_ID_HEX_BYTES], const uint8_t key[CK_ID_KEY_BYTES]);
/* Exactly 64 hex digits (either case) -> 32 bytes; -1 on bad input. */
CK_MUST_CHECK int ck_id_unhex(uint8_t key[CK_ID_KEY_BYTES], const char *hex);

/* ---- sealed boxes ------------------------------------------------------- */
typedef enum ck_box_err {
    CK_BOX_OK = 0,
    CK_BOX_ERR_PARAM,     /* bad argument                                   */
    CK_BOX_ERR_FORMAT,    /* not a sealed box: magic or version             */
    CK_BOX_ERR_LENGTH,    /* truncated, trailing bytes, or too large        */
    CK_BOX_ERR_SIGNATURE, /* not signed by the expected sender              */
    CK_BOX_ERR_AUTH,      /* decryption failed: wrong recipient, modified
                             box or different associated data               */
    CK_BOX_ERR_KEY,       /* an unusable public key (e.g. low order X25519) */
    CK_BOX_ERR_BUFFER,    /* caller's buffer too small                      */
    CK_BOX_ERR_RANDOM,    /* the system random generator failed             */
    CK_BOX_ERR_CRYPTO,    /* libcrypto failed                               */
} ck_box_err;

const char *ck_box_strerror(ck_box_err e);

#define CK_BOX_MAGIC "CKSB"
#define CK_BOX_VERSION 1
#define CK_BOX_NONCE_BYTES 12
#define CK_BOX_TAG_BYTES 16
/* magic 4 + version 1 + ephemeral key 32 + nonce 12 + u32 length 4 */
#define CK_BOX_HEADER_BYTES 53
#define CK_BOX_OVERHEAD (CK_BOX_HEADER_BYTES + CK_BOX_TAG_BYTES + CK_ID_SIG_BYTES)
#define CK_BOX_MAX_PLAINTEXT (16u << 20)
/* Bytes of a box holding pt_len plaintext bytes. */
#define CK_BOX_LEN(pt_len) ((size_t)(pt_len) + CK_BOX_OVERHEAD)

/* Associated data of a key delivery, as the sender and the recipient both
 * build it: str("carekey/v1 key-delivery") || str(sender) || str(recipient),
 * str = u32 big-endian length || bytes. sender is the mailbox sender
 * ("authority:hosp-a"), recipient the GID. Writes at most cap bytes;
 * returns the length, 0 on bad arguments or when cap is too small. */
#define CK_BOX_DELIVERY_LABEL "carekey/v1 key-delivery"
#define CK_BOX_AD_MAX (12 + sizeof(CK_BOX_DELIVERY_LABEL) - 1 + 2 * 256)
size_t ck_box_delivery_ad(uint8_t *out, size_t cap, const char *sender, const char *recipient);

/* Seals pt (at most CK_BOX_MAX_PLAINTEXT bytes) to the recipient's X25519
 * key, bound to ad (not stored: the opener supplies the same bytes), and
 * signs it with the sender's Ed25519 seed. out must hold CK_BOX_LEN(pt_len)
 * bytes; *out_len receives that length. out is wiped on failure. */
CK_MUST_CHECK ck_box_err ck_box_seal(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *pt,
                                     size_t pt_len, const uint8_t recipient_x25519[CK_ID_KEY_BYTES],
                                     const uint8_t sender_ed25519_sk[CK_ID_KEY_BYTES],
                                     const uint8_t *ad, size_t ad_len);

/* Checks the framing (magic, version, lengths, no trailing bytes) and gives
 * the plaintext length; does not authenticate. */
CK_MUST_CHECK ck_box_err ck_box_plaintext_len(size_t *pt_len, const uint8_t *box, size_t len);

/* Verifies the sender's signature against sender_ed25519_pk, then decrypts
 * with the recipient identity. pt must hold ck_box_plaintext_len bytes
 * (cap); *pt_len receives the length. pt is wiped on any failure. */
CK_MUST_CHECK ck_box_err ck_box_open(uint8_t *pt, size_t cap, size_t *pt_len, const uint8_t *box,
                                     size_t len, const ck_identity *recipient,
                                     const uint8_t sender_ed25519_pk[CK_ID_KEY_BYTES],
                                     const uint8_t *ad, size_t ad_len);

#ifdef __cplusplus
}
#endif
#endif
