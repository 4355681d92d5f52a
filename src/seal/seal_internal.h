/*
 * src/seal/seal_internal.h - what the envelope files share: the decoded
 * envelope, the byte layout constants and the libcrypto wrappers.
 */
#ifndef CK_SEAL_INTERNAL_H
#define CK_SEAL_INTERNAL_H

#include "carekey/seal.h"

/* magic (4) + version (1) + header length (4) */
#define CK_SEAL_PREFIX_BYTES 9
/* nonce + wrapped data key + tag */
#define CK_SEAL_WRAP_BYTES (CK_SEAL_NONCE_BYTES + CK_SEAL_KEY_BYTES + CK_SEAL_TAG_BYTES)
/* per payload: u64 length + nonce + tag (the ciphertext is as long as the plaintext) */
#define CK_SEAL_PAYLOAD_OVERHEAD (8 + CK_SEAL_NONCE_BYTES + CK_SEAL_TAG_BYTES)

/* Domain labels (docs/FORMAT.md): KEK derivation, key wrap, payloads. */
#define CK_SEAL_KDF_LABEL "CAREKEY-V01-SEAL-KEK"
#define CK_SEAL_WRAP_LABEL "CAREKEY-V01-SEAL-WRAP"
#define CK_SEAL_DATA_LABEL "CAREKEY-V01-SEAL-DATA"

typedef struct ck_seal_payload {
    size_t off;  /* offset of the payload's nonce in bytes */
    size_t len;  /* plaintext (= ciphertext) length       */
} ck_seal_payload;

/* Offsets into an envelope's bytes, found by ck_seal_frame. */
typedef struct ck_seal_frame {
    size_t hdr_off, hdr_len;   /* ABE header                       */
    size_t wrap_off;           /* nonce | wrapped key | tag        */
    size_t count_off;          /* u32 payload count; payloads follow */
    size_t n;
    ck_seal_payload *pl;       /* n entries (malloc'ed)            */
} ck_seal_frame;

struct ck_seal_env {
    uint8_t *bytes;            /* a private copy of the envelope    */
    size_t len;
    ck_seal_frame fr;
    ck_abe_ct ct;              /* the decoded ABE header            */
};

/* Checks magic, version and every length of an envelope (not the ABE
 * header's contents) and fills fr. */
CK_MUST_CHECK ck_seal_err ck_seal_frame_parse(ck_seal_frame *fr, const uint8_t *in, size_t len);
void ck_seal_frame_free(ck_seal_frame *fr);

ck_seal_err ck_seal_from_abe(ck_abe_err e);

/* KEK = HKDF-SHA256(IKM = GT element bytes, info = label || SHA-256(header)). */
CK_MUST_CHECK ck_seal_err ck_seal_kek(uint8_t kek[CK_SEAL_KEY_BYTES], const ck_gt *shared,
                                      const uint8_t *hdr, size_t hdr_len);

/* Associated data of the key wrap and of payload i of n. */
typedef struct ck_seal_aad {
    const char *label;
    int has_index;
    uint32_t index, count;
    const uint8_t *ad;
    size_t ad_len;
} ck_seal_aad;

/* AES-256-GCM. seal writes len ciphertext bytes and the tag; open writes
 * len plaintext bytes and returns CK_SEAL_ERR_AUTH (out wiped) when the
 * tag does not verify. */
CK_MUST_CHECK ck_seal_err ck_seal_gcm_seal(uint8_t *out, uint8_t tag[CK_SEAL_TAG_BYTES],
                                           const uint8_t key[CK_SEAL_KEY_BYTES],
                                           const uint8_t nonce[CK_SEAL_NONCE_BYTES],
                                           const ck_seal_aad *aad, const uint8_t *in, size_t len);
CK_MUST_CHECK ck_seal_err ck_seal_gcm_open(uint8_t *out, const uint8_t key[CK_SEAL_KEY_BYTES],
                                           const uint8_t nonce[CK_SEAL_NONCE_BYTES],
                                           const ck_seal_aad *aad, const uint8_t *in, size_t len,
                                           const uint8_t tag[CK_SEAL_TAG_BYTES]);
CK_MUST_CHECK ck_seal_err ck_seal_random(uint8_t *out, size_t n);

/* Big-endian integers. */
static inline void ck_seal_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void ck_seal_put_u64(uint8_t *p, uint64_t v)
{
    ck_seal_put_u32(p, (uint32_t)(v >> 32));
    ck_seal_put_u32(p + 4, (uint32_t)v);
}
static inline uint32_t ck_seal_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t ck_seal_get_u64(const uint8_t *p)
{
    return (uint64_t)ck_seal_get_u32(p) << 32 | ck_seal_get_u32(p + 4);
}

#endif
