/*
 * carekey/ec.h - BLS12-381: fields, groups, pairing, hash-to-curve, encodings.
 *
 * Conventions (blst/libsodium style):
 *  - All structures are caller-owned; nothing here allocates.
 *  - Arithmetic is total (void): any input that fits the type gives a result.
 *    Validation happens only when bytes come in, in the *_from_bytes /
 *    *_decode functions, which return CK_OK or a ck_err code.
 *  - Functions that take a secret (scalars, GT exponents) run in constant
 *    time: no branch and no memory index depends on the secret. Functions
 *    with a _vartime suffix are only for public inputs.
 *  - Output may alias input for every arithmetic function.
 *
 * Tower: Fp2 = Fp[u]/(u^2+1), Fp6 = Fp2[v]/(v^3-(u+1)), Fp12 = Fp6[w]/(w^2-v).
 * G1 = E(Fp): y^2 = x^3 + 4;  G2 = E'(Fp2): y^2 = x^3 + 4(u+1) (M-twist).
 */
#ifndef CAREKEY_EC_H
#define CAREKEY_EC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CK_MUST_CHECK __attribute__((warn_unused_result))
#else
#define CK_MUST_CHECK
#endif

/* ---- sizes ------------------------------------------------------------ */
#define CK_FP_BYTES 48
#define CK_FR_BYTES 32
#define CK_FP2_BYTES 96
#define CK_FP12_BYTES 576
#define CK_G1_COMPRESSED_BYTES 48
#define CK_G1_UNCOMPRESSED_BYTES 96
#define CK_G2_COMPRESSED_BYTES 96
#define CK_G2_UNCOMPRESSED_BYTES 192
#define CK_GT_BYTES 576            /* full Fp12, canonical */
#define CK_GT_COMPRESSED_BYTES 288 /* torus-compressed (T2), canonical */

/* ---- errors ----------------------------------------------------------- */
typedef enum ck_err {
    CK_OK = 0,
    CK_ERR_LENGTH,       /* input has the wrong length                    */
    CK_ERR_FLAGS,        /* encoding flag bits are invalid                */
    CK_ERR_RANGE,        /* a field element or scalar is not canonical    */
    CK_ERR_NOT_ON_CURVE, /* point is not on the curve                     */
    CK_ERR_NOT_IN_GROUP, /* point/element is not in the prime-order group */
    CK_ERR_NO_SQRT,      /* x has no matching y on the curve              */
    CK_ERR_IDENTITY,     /* identity where a non-identity is required     */
    CK_ERR_PARAM,        /* bad argument (e.g. a DST that is too long)    */
    CK_ERR_RANDOM,       /* the OS random source failed                   */
} ck_err;

/* Human-readable, stable description of an error code. */
const char *ck_strerror(ck_err e);

/* ---- field and group element types ------------------------------------ */
/* Limbs are little-endian 64-bit words, Montgomery form where noted.
 * The internals are visible only so callers can put them on the stack.  */
typedef struct { uint64_t l[6]; } ck_fp;            /* Montgomery form */
typedef struct { ck_fp c0, c1; } ck_fp2;
typedef struct { ck_fp2 c0, c1, c2; } ck_fp6;
typedef struct { ck_fp6 c0, c1; } ck_fp12;
typedef struct { uint64_t l[4]; } ck_fr;            /* Montgomery form */

typedef struct { ck_fp x, y, z; } ck_g1;            /* Jacobian */
typedef struct { ck_fp x, y; } ck_g1_affine;        /* (0,0) = identity */
typedef struct { ck_fp2 x, y, z; } ck_g2;           /* Jacobian */
typedef struct { ck_fp2 x, y; } ck_g2_affine;       /* (0,0) = identity */
typedef struct { ck_fp12 v; } ck_gt;

/* ---- Fp --------------------------------------------------------------- */
CK_MUST_CHECK ck_err ck_fp_from_bytes(ck_fp *r, const uint8_t in[CK_FP_BYTES]);
void ck_fp_to_bytes(uint8_t out[CK_FP_BYTES], const ck_fp *a);
void ck_fp_from_u64(ck_fp *r, uint64_t v);
void ck_fp_add(ck_fp *r, const ck_fp *a, const ck_fp *b);
void ck_fp_sub(ck_fp *r, const ck_fp *a, const ck_fp *b);
void ck_fp_neg(ck_fp *r, const ck_fp *a);
void ck_fp_mul(ck_fp *r, const ck_fp *a, const ck_fp *b);
void ck_fp_sqr(ck_fp *r, const ck_fp *a);
void ck_fp_inv(ck_fp *r, const ck_fp *a);           /* inv(0) = 0 */
int ck_fp_sqrt(ck_fp *r, const ck_fp *a);           /* 1 if a is a square; either root */
int ck_fp_is_zero(const ck_fp *a);
int ck_fp_eq(const ck_fp *a, const ck_fp *b);

/* ---- Fp2 (bytes: c0 || c1, each 48 B big-endian) ---------------------- */
CK_MUST_CHECK ck_err ck_fp2_from_bytes(ck_fp2 *r, const uint8_t in[CK_FP2_BYTES]);
void ck_fp2_to_bytes(uint8_t out[CK_FP2_BYTES], const ck_fp2 *a);
void ck_fp2_add(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_sub(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_neg(ck_fp2 *r, const ck_fp2 *a);
void ck_fp2_mul(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b);
void ck_fp2_sqr(ck_fp2 *r, const ck_fp2 *a);
void ck_fp2_inv(ck_fp2 *r, const ck_fp2 *a);
int ck_fp2_sqrt(ck_fp2 *r, const ck_fp2 *a);        /* 1 if a is a square; either root */
int ck_fp2_eq(const ck_fp2 *a, const ck_fp2 *b);
int ck_fp2_is_zero(const ck_fp2 *a);

/* ---- Fp12 (bytes: c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1) -------- */
CK_MUST_CHECK ck_err ck_fp12_from_bytes(ck_fp12 *r, const uint8_t in[CK_FP12_BYTES]);
void ck_fp12_to_bytes(uint8_t out[CK_FP12_BYTES], const ck_fp12 *a);
void ck_fp12_one(ck_fp12 *r);
void ck_fp12_mul(ck_fp12 *r, const ck_fp12 *a, const ck_fp12 *b);
void ck_fp12_sqr(ck_fp12 *r, const ck_fp12 *a);
void ck_fp12_cyclotomic_sqr(ck_fp12 *r, const ck_fp12 *a); /* a in cyclotomic subgroup */
void ck_fp12_inv(ck_fp12 *r, const ck_fp12 *a);
void ck_fp12_conj(ck_fp12 *r, const ck_fp12 *a);
void ck_fp12_frobenius(ck_fp12 *r, const ck_fp12 *a, unsigned power); /* a^(p^power) */
int ck_fp12_eq(const ck_fp12 *a, const ck_fp12 *b);
int ck_fp12_is_one(const ck_fp12 *a);

/* ---- Fr (scalar field, r = 0x73ed...0001) ----------------------------- */
/* Strict: rejects values >= r. Big-endian. Constant time in the value
 * except for the validity result itself. */
CK_MUST_CHECK ck_err ck_fr_from_bytes(ck_fr *r, const uint8_t in[CK_FR_BYTES]);
/* Reduces a big-endian byte string of at most 64 bytes mod r (only the
 * first 64 bytes of a longer input are read: callers pass <= 64). */
void ck_fr_from_bytes_reduce(ck_fr *r, const uint8_t *in, size_t len);
void ck_fr_to_bytes(uint8_t out[CK_FR_BYTES], const ck_fr *a);
void ck_fr_from_u64(ck_fr *r, uint64_t v);
void ck_fr_add(ck_fr *r, const ck_fr *a, const ck_fr *b);
void ck_fr_sub(ck_fr *r, const ck_fr *a, const ck_fr *b);
void ck_fr_neg(ck_fr *r, const ck_fr *a);
void ck_fr_mul(ck_fr *r, const ck_fr *a, const ck_fr *b);
void ck_fr_sqr(ck_fr *r, const ck_fr *a);
void ck_fr_inv(ck_fr *r, const ck_fr *a);           /* constant time; inv(0)=0 */
int ck_fr_is_zero(const ck_fr *a);
int ck_fr_eq(const ck_fr *a, const ck_fr *b);
/* Uniform scalar from the OS DRBG (64 random bytes reduced mod r). */
CK_MUST_CHECK ck_err ck_fr_random(ck_fr *r);
/* Uniform non-zero scalar. */
CK_MUST_CHECK ck_err ck_fr_random_nonzero(ck_fr *r);
/* RFC 9380 hash_to_field into Fr (m=1, L=48, expand_message_xmd SHA-256). */
CK_MUST_CHECK ck_err ck_fr_hash(ck_fr *r, const uint8_t *msg, size_t len,
                                const uint8_t *dst, size_t dst_len);

/* ---- G1 --------------------------------------------------------------- */
void ck_g1_generator(ck_g1 *r);
void ck_g1_identity(ck_g1 *r);
int ck_g1_is_identity(const ck_g1 *a);
int ck_g1_eq(const ck_g1 *a, const ck_g1 *b);
void ck_g1_add(ck_g1 *r, const ck_g1 *a, const ck_g1 *b);     /* complete */
void ck_g1_dbl(ck_g1 *r, const ck_g1 *a);
void ck_g1_neg(ck_g1 *r, const ck_g1 *a);
void ck_g1_to_affine(ck_g1_affine *r, const ck_g1 *a);
void ck_g1_from_affine(ck_g1 *r, const ck_g1_affine *a);
/* n points with one field inversion (Montgomery's trick). */
void ck_g1_batch_to_affine(ck_g1_affine *out, const ck_g1 *in, size_t n);
int ck_g1_affine_on_curve(const ck_g1_affine *a);  /* (0,0), the identity, counts */
int ck_g1_on_curve(const ck_g1 *a);
int ck_g1_in_group(const ck_g1 *a);                 /* on curve and order r */
/* Constant time in the scalar; a must be in G1 (the GLV endomorphism is
 * used). ck_g1_msm works for any point on the curve. */
void ck_g1_mul(ck_g1 *r, const ck_g1 *a, const ck_fr *k);
/* Variable time: only for public scalars. */
void ck_g1_mul_vartime(ck_g1 *r, const ck_g1 *a, const ck_fr *k);
/* Multi-scalar multiplication, sum k_i * P_i (constant time in the k_i). */
void ck_g1_msm(ck_g1 *r, const ck_g1 *p, const ck_fr *k, size_t n);
/* Encodings (ZCash). Decoders check length, flags, range, curve, subgroup. */
void ck_g1_compress(uint8_t out[CK_G1_COMPRESSED_BYTES], const ck_g1 *a);
void ck_g1_serialize(uint8_t out[CK_G1_UNCOMPRESSED_BYTES], const ck_g1 *a);
/* n compressed encodings (48 bytes each, in order) with one field
 * inversion per 32 points (Montgomery's trick); constant time. */
void ck_g1_compress_batch(uint8_t *out, const ck_g1 *in, size_t n);
CK_MUST_CHECK ck_err ck_g1_decode(ck_g1 *r, const uint8_t *in, size_t len);
/* Every check but the subgroup's: the point is on E(Fp), maybe outside G1.
 * Only for a point whose sole use is the first slot of a pairing with a
 * point of G2, which ignores its component outside G1 (docs/EC.md). */
CK_MUST_CHECK ck_err ck_g1_decode_on_curve(ck_g1 *r, const uint8_t *in, size_t len);
/* Hash-to-curve, RFC 9380 BLS12381G1_XMD:SHA-256_SSWU_RO_ / _NU_. The DST
 * must not be empty (CK_ERR_PARAM); DSTs over 255 bytes are hashed. */
CK_MUST_CHECK ck_err ck_g1_hash_to_curve(ck_g1 *r, const uint8_t *msg, size_t len,
                                         const uint8_t *dst, size_t dst_len);
CK_MUST_CHECK ck_err ck_g1_encode_to_curve(ck_g1 *r, const uint8_t *msg, size_t len,
                                           const uint8_t *dst, size_t dst_len);
/* map_to_curve (SSWU + 11-isogeny) of one field element, then clear_cofactor. */
void ck_g1_map_to_curve(ck_g1 *r, const ck_fp *u);

/* ---- G2 --------------------------------------------------------------- */
void ck_g2_generator(ck_g2 *r);
void ck_g2_identity(ck_g2 *r);
int ck_g2_is_identity(const ck_g2 *a);
int ck_g2_eq(const ck_g2 *a, const ck_g2 *b);
void ck_g2_add(ck_g2 *r, const ck_g2 *a, const ck_g2 *b);
void ck_g2_dbl(ck_g2 *r, const ck_g2 *a);
void ck_g2_neg(ck_g2 *r, const ck_g2 *a);
void ck_g2_to_affine(ck_g2_affine *r, const ck_g2 *a);
void ck_g2_from_affine(ck_g2 *r, const ck_g2_affine *a);
void ck_g2_batch_to_affine(ck_g2_affine *out, const ck_g2 *in, size_t n);
int ck_g2_affine_on_curve(const ck_g2_affine *a);  /* (0,0), the identity, counts */
int ck_g2_on_curve(const ck_g2 *a);
int ck_g2_in_group(const ck_g2 *a);
/* Constant time; a must be in G2 (GLS with psi). */
void ck_g2_mul(ck_g2 *r, const ck_g2 *a, const ck_fr *k);
void ck_g2_mul_vartime(ck_g2 *r, const ck_g2 *a, const ck_fr *k);
void ck_g2_msm(ck_g2 *r, const ck_g2 *p, const ck_fr *k, size_t n);
void ck_g2_compress(uint8_t out[CK_G2_COMPRESSED_BYTES], const ck_g2 *a);
void ck_g2_serialize(uint8_t out[CK_G2_UNCOMPRESSED_BYTES], const ck_g2 *a);
void ck_g2_compress_batch(uint8_t *out, const ck_g2 *in, size_t n);   /* 96 bytes each */
CK_MUST_CHECK ck_err ck_g2_decode(ck_g2 *r, const uint8_t *in, size_t len);
/* Every check but the subgroup's: for a point whose membership
 * ck_miller_loop_mixed_checked tests as it pairs it. */
CK_MUST_CHECK ck_err ck_g2_decode_on_curve(ck_g2 *r, const uint8_t *in, size_t len);
/* n encodings of len bytes each, decoded as ck_g1_decode / ck_g2_decode
 * (check_group) or their _on_curve forms, the square roots of eight at a
 * time (vector lanes on CPUs with AVX-512 IFMA); returns the first error
 * in order and puts its index in *bad (may be NULL); out may then be
 * partly written. */
CK_MUST_CHECK ck_err ck_g1_decode_batch(ck_g1 *out, const uint8_t *const *in, size_t len, size_t n,
                                        int check_group, size_t *bad);
CK_MUST_CHECK ck_err ck_g2_decode_batch(ck_g2 *out, const uint8_t *const *in, size_t len, size_t n,
                                        int check_group, size_t *bad);
CK_MUST_CHECK ck_err ck_g2_hash_to_curve(ck_g2 *r, const uint8_t *msg, size_t len,
                                         const uint8_t *dst, size_t dst_len);
CK_MUST_CHECK ck_err ck_g2_encode_to_curve(ck_g2 *r, const uint8_t *msg, size_t len,
                                           const uint8_t *dst, size_t dst_len);
void ck_g2_map_to_curve(ck_g2 *r, const ck_fp2 *u);

/* ---- fixed-base tables (for generators and long-lived public points) -- */
/* Precomputation for k*P with a fixed P of order r (a generator or a
 * validated public point): 4-bit signed windows over all 64 positions of
 * a 256-bit scalar; every lookup scans the whole row. */
typedef struct { ck_g1_affine t[64][8]; } ck_g1_table;
typedef struct { ck_g2_affine t[64][8]; } ck_g2_table;
void ck_g1_table_init(ck_g1_table *t, const ck_g1 *p);
void ck_g1_table_mul(ck_g1 *r, const ck_g1_table *t, const ck_fr *k);
/* r[i] = k[i] P(t[i]) for n multiplications, each with its own table
 * (tables may repeat): on CPUs with AVX-512 IFMA eight at a time in vector
 * lanes, the same points as ck_g1_table_mul. */
void ck_g1_table_mul_many(ck_g1 *r, const ck_g1_table *const *t, const ck_fr *k, size_t n);
void ck_g2_table_init(ck_g2_table *t, const ck_g2 *p);
void ck_g2_table_mul(ck_g2 *r, const ck_g2_table *t, const ck_fr *k);
void ck_g2_table_mul_many(ck_g2 *r, const ck_g2_table *const *t, const ck_fr *k, size_t n);
/* Tables for the generators, built once on first use (thread-safe). */
const ck_g1_table *ck_g1_generator_table(void);
const ck_g2_table *ck_g2_generator_table(void);

/* ---- GT --------------------------------------------------------------- */
void ck_gt_one(ck_gt *r);
void ck_gt_generator(ck_gt *r);                     /* e(G1, G2) */
int ck_gt_is_one(const ck_gt *a);
int ck_gt_eq(const ck_gt *a, const ck_gt *b);
void ck_gt_mul(ck_gt *r, const ck_gt *a, const ck_gt *b);
void ck_gt_sqr(ck_gt *r, const ck_gt *a);
void ck_gt_inv(ck_gt *r, const ck_gt *a);           /* conjugation */
/* Constant time; a must be in GT (a^p = a^x is used to split k in base |x|). */
void ck_gt_exp(ck_gt *r, const ck_gt *a, const ck_fr *k);
void ck_gt_exp_vartime(ck_gt *r, const ck_gt *a, const ck_fr *k);
int ck_gt_in_group(const ck_gt *a);
void ck_gt_to_bytes(uint8_t out[CK_GT_BYTES], const ck_gt *a);
CK_MUST_CHECK ck_err ck_gt_from_bytes(ck_gt *r, const uint8_t *in, size_t len);
void ck_gt_compress(uint8_t out[CK_GT_COMPRESSED_BYTES], const ck_gt *a);
/* n torus-compressed encodings (288 bytes each) sharing the inversions. */
void ck_gt_compress_batch(uint8_t *out, const ck_gt *in, size_t n);
CK_MUST_CHECK ck_err ck_gt_decompress(ck_gt *r, const uint8_t *in, size_t len);
/* n torus-compressed elements (in[i]: 288 bytes each), each checked exactly
 * as by ck_gt_decompress, with the field inversions shared among them. On
 * failure returns the error of the first failing element and sets *bad
 * (may be NULL) to its index; out may then be partly written. */
CK_MUST_CHECK ck_err ck_gt_decompress_batch(ck_gt *out, const uint8_t *const *in, size_t n, size_t *bad);
/* The same, with every check but the order-r test: each element is in the
 * cyclotomic subgroup (order r * 4513 * c), maybe outside GT. Only for
 * elements that never meet a secret (a ciphertext's C1, docs/EC.md). */
CK_MUST_CHECK ck_err ck_gt_decompress_batch_cyclotomic(ck_gt *out, const uint8_t *const *in, size_t n,
                                                       size_t *bad);
/* GT tables use signed 5-bit windows (52 rows of 16 powers, 468 KiB): a
 * GT product costs far more than a row scan, so fewer, longer rows win. */
typedef struct { ck_fp12 t[52][16]; } ck_gt_table;
void ck_gt_table_init(ck_gt_table *t, const ck_gt *g);
void ck_gt_table_exp(ck_gt *r, const ck_gt_table *t, const ck_fr *k);
/* r[i] = base(t[i])^k[i] for n exponentiations, each with its own table
 * (tables may repeat): on CPUs with AVX-512 IFMA eight at a time in vector
 * lanes, the same results as ck_gt_table_exp. */
void ck_gt_table_exp_many(ck_gt *r, const ck_gt_table *const *t, const ck_fr *k, size_t n);

/* ---- pairing ---------------------------------------------------------- */
/* Optimal ate pairing e: G1 x G2 -> GT. Inputs are assumed in their groups
 * (decoders guarantee it); the identity in either slot gives 1.          */
void ck_pairing(ck_gt *r, const ck_g1 *p, const ck_g2 *q);
/* prod_i e(p_i, q_i): one shared Miller loop, one final exponentiation. */
void ck_multi_pairing(ck_gt *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n);
void ck_miller_loop(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n);
void ck_final_exp(ck_gt *r, const ck_fp12 *f);
/* Precomputed line coefficients for a fixed G2 point (68 lines). */
typedef struct { ck_fp2 c[68][3]; int identity; } ck_g2_prepared;
void ck_g2_prepare(ck_g2_prepared *pre, const ck_g2_affine *q);
void ck_miller_loop_prepared(ck_fp12 *r, const ck_g1_affine *p,
                             const ck_g2_prepared *const *q, size_t n);
/* Both kinds in one loop: n affine pairs and m pairs with prepared lines. */
void ck_miller_loop_mixed(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q, size_t n,
                          const ck_g1_affine *pp, const ck_g2_prepared *const *qp, size_t m);
/* The same loop for q[i] only known to be on the twist (decoded with
 * ck_g2_decode_on_curve): 1 when every q[i] is in G2, tested from the
 * loop's own [|x|]q[i] (docs/EC.md, "Validation"), else 0 and r is
 * meaningless. The p[i] may lie anywhere on E(Fp): the reduced pairing
 * ignores a component of order prime to r there. */
CK_MUST_CHECK int ck_miller_loop_mixed_checked(ck_fp12 *r, const ck_g1_affine *p, const ck_g2_affine *q,
                                               size_t n, const ck_g1_affine *pp,
                                               const ck_g2_prepared *const *qp, size_t m);

/* ---- misc ------------------------------------------------------------- */
/* RFC 9380 expand_message_xmd with SHA-256; out_len <= 8160 (255*32). */
CK_MUST_CHECK ck_err ck_expand_message_xmd(uint8_t *out, size_t out_len,
                                           const uint8_t *msg, size_t msg_len,
                                           const uint8_t *dst, size_t dst_len);
/* Wipe memory in a way the compiler may not remove. */
void ck_wipe(void *p, size_t n);
/* Fill with OS randomness. */
CK_MUST_CHECK ck_err ck_random_bytes(uint8_t *out, size_t n);
/* For the constant-time test only: fn sees every random output (it marks
 * it secret for valgrind memcheck). NULL (the default) turns it off. */
void ck_random_set_observer(void (*fn)(void *p, size_t n));

#ifdef __cplusplus
}
#endif
#endif
