/*
 * src/seal/identity_internal.h - what identity.c, sealbox.c and keyring*.c
 * share: AES-256-GCM and HKDF-SHA256 over libcrypto, the DRBG, and
 * big-endian integers. Every function wipes its temporaries.
 */
#ifndef CK_IDENTITY_INTERNAL_H
#define CK_IDENTITY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/ec.h"

#define CK_IDC_KEY_BYTES 32
#define CK_IDC_NONCE_BYTES 12
#define CK_IDC_TAG_BYTES 16

/* AES-256-GCM, 96-bit nonce, 128-bit tag, ad may be NULL when ad_len is 0.
 * seal: 0 or -1 (libcrypto failure; out wiped). open: 0, or -1 when the
 * tag does not verify or libcrypto fails (out wiped). out may equal in. */
CK_MUST_CHECK int ck_idc_gcm_seal(uint8_t *out, uint8_t tag[CK_IDC_TAG_BYTES],
                                  const uint8_t key[CK_IDC_KEY_BYTES],
                                  const uint8_t nonce[CK_IDC_NONCE_BYTES], const uint8_t *ad,
                                  size_t ad_len, const uint8_t *in, size_t len);
CK_MUST_CHECK int ck_idc_gcm_open(uint8_t *out, const uint8_t key[CK_IDC_KEY_BYTES],
                                  const uint8_t nonce[CK_IDC_NONCE_BYTES], const uint8_t *ad,
                                  size_t ad_len, const uint8_t *in, size_t len,
                                  const uint8_t tag[CK_IDC_TAG_BYTES]);
/* HKDF-SHA256 (RFC 5869) with an empty salt: out_len bytes from ikm/info. */
CK_MUST_CHECK int ck_idc_hkdf(uint8_t *out, size_t out_len, const uint8_t *ikm, size_t ikm_len,
                              const uint8_t *info, size_t info_len);
CK_MUST_CHECK int ck_idc_random(uint8_t *out, size_t n);
CK_MUST_CHECK int ck_idc_sha256(uint8_t out[32], const uint8_t *in, size_t n);

static inline void ck_idc_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}
static inline void ck_idc_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint16_t ck_idc_get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
static inline uint32_t ck_idc_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
