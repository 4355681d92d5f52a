/*
 * tests/ec/ec_util.h - helpers shared by the BLS12-381 test programs:
 * vector loading (jansson), hex, a seeded PRNG (failures must reproduce),
 * random field/group elements, EIP-2537 and byte-order conversions.
 */
#ifndef CK_TESTS_EC_UTIL_H
#define CK_TESTS_EC_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carekey/ec.h"

/* Loads CK_TEST_DATA/vectors/<rel>; aborts the program if it is missing. */
json_t *tu_load_json(const char *rel);
/* Full path below CK_TEST_DATA/vectors (static buffer). */
const char *tu_vector_path(const char *rel);

/* Decodes hex (optional 0x) into out; aborts if it is not exactly want bytes
 * (want < 0: any length up to cap). Returns the decoded length. */
size_t tu_unhex(uint8_t *out, size_t cap, const char *hex, long want);
/* Static-buffer hex for messages (two rotating buffers). */
const char *tu_hex(const uint8_t *in, size_t n);

/* Deterministic PRNG (splitmix64); seed from CK_TEST_SEED if set. */
void tu_seed(uint64_t seed);
uint64_t tu_rand64(void);
void tu_rand_bytes(uint8_t *out, size_t n);
void tu_rand_fp(ck_fp *r);   /* uniform-ish canonical Fp (< 2^380 < p) */
void tu_rand_fp2(ck_fp2 *r);
void tu_rand_fp12(ck_fp12 *r);
void tu_rand_fr(ck_fr *r);   /* 64 random bytes reduced mod r */
void tu_rand_g1(ck_g1 *r);   /* random multiple of the generator */
void tu_rand_g2(ck_g2 *r);
/* Points on the curves outside the groups (but with negligible chance):
 * a random point of E(Fp), a random point of the twist E'(Fp2), and
 * (0, 2), the point of E(Fp) of order 3 (its tangent y = 2 meets the
 * curve three times at x = 0). */
void tu_g1_on_curve(ck_g1 *r);
void tu_g2_on_twist(ck_g2 *r);
void tu_g1_order3(ck_g1 *r);
/* f^((p^6 - 1)(p^2 + 1)) for a random f: in the cyclotomic subgroup,
 * outside GT but with negligible chance. */
void tu_cyclotomic_outside_gt(ck_gt *r);

/* OS2IP(64 bytes) mod p, computed with the public Fp API only (an
 * independent check of hash_to_field's reduction). */
void tu_fp_reduce64(ck_fp *r, const uint8_t in[64]);

/* Field elements from big-endian hex of any length <= 48 bytes (zero padded). */
void tu_fp_from_hex(ck_fp *r, const char *hex);
/* "0x<c0>,0x<c1>" as in the RFC 9380 G2 vectors. */
void tu_fp2_from_hex_pair(ck_fp2 *r, const char *hex);

/* Affine points from {"x": ..., "y": ...} objects of the RFC 9380 vectors. */
void tu_g1_from_json(ck_g1 *r, const json_t *obj);
void tu_g2_from_json(ck_g2 *r, const json_t *obj);

/* Constants. */
extern const uint8_t TU_P_BYTES[48];  /* the base field modulus p */
extern const uint8_t TU_R_BYTES[32];  /* the group order r */

/* Generic square-and-multiply a^e for Fp12 (e big-endian bytes); used to
 * cross-check Frobenius and exponentiation against first principles. */
void tu_fp12_pow(ck_fp12 *r, const ck_fp12 *a, const uint8_t *e, size_t elen);

/* EIP-2537 strict decoding: 64-byte padded Fp, G1 = x||y, G2 = x.c0||x.c1||y.c0||y.c1. */
typedef enum {
    EIP_OK = 0,
    EIP_ERR_LENGTH,     /* "invalid input length" */
    EIP_ERR_TOP_BYTES,  /* "invalid field element top bytes" */
    EIP_ERR_FIELD,      /* "invalid fp.Element encoding" */
    EIP_ERR_CURVE,      /* "invalid point: not on curve" */
    EIP_ERR_SUBGROUP,   /* "g1/g2 point is not on correct subgroup" */
} eip_err;
const char *eip_err_name(eip_err e);
/* Maps the ExpectedError text of the go-ethereum fail-* vectors. */
eip_err eip_err_from_text(const char *text);
eip_err eip_decode_fp(ck_fp *r, const uint8_t in[64]);
eip_err eip_decode_fp2(ck_fp2 *r, const uint8_t in[128]);
eip_err eip_decode_g1(ck_g1 *r, const uint8_t in[128], int subgroup_check);
eip_err eip_decode_g2(ck_g2 *r, const uint8_t in[256], int subgroup_check);
void eip_encode_g1(uint8_t out[128], const ck_g1 *p);
void eip_encode_g2(uint8_t out[256], const ck_g2 *p);

#endif
