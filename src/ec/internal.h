/*
 * src/ec/internal.h - what the curve files share and the public API hides.
 *
 * Constant-time helpers work on masks: a "limb mask" is all ones (true) or
 * all zeros (false), never a branch condition.
 */
#ifndef CK_EC_INTERNAL_H
#define CK_EC_INTERNAL_H

#include <stdint.h>
#include <string.h>
#include "carekey/ec.h"

typedef uint64_t limb_t;
typedef unsigned __int128 dlimb_t;

/* ---- masks ------------------------------------------------------------ */
/* All ones when x == 0. */
static inline limb_t ck_mask_is_zero(limb_t x)
{
    return (limb_t)0 - (((~x & (x - 1)) >> 63) & 1);
}
static inline limb_t ck_mask_from_bit(limb_t bit) { return (limb_t)0 - (bit & 1); }
static inline limb_t ck_limbs_zero_mask(const limb_t *a, size_t n)
{
    limb_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= a[i];
    return ck_mask_is_zero(acc);
}
/* r = mask ? a : b, limb by limb. */
static inline void ck_limbs_select(limb_t *r, const limb_t *a, const limb_t *b,
                                   size_t n, limb_t mask)
{
    for (size_t i = 0; i < n; i++) r[i] = (a[i] & mask) | (b[i] & ~mask);
}
/* Constant-time byte-wise select over any struct made of limbs. */
#define CK_SELECT(r, a, b, mask) \
    ck_limbs_select((limb_t *)(r), (const limb_t *)(a), (const limb_t *)(b), \
                    sizeof(*(r)) / sizeof(limb_t), (mask))

/* Zeroes a small stack buffer inline; the empty asm that takes its address
 * and clobbers memory keeps the compiler from dropping the stores as dead
 * (ck_wipe, a call, costs more than a table lookup's masks are worth). */
static inline void ck_wipe_inline(void *p, size_t n)
{
    memset(p, 0, n);
#if defined(__GNUC__)
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    ck_wipe(p, n);
#endif
}

/* Constant-time table lookup: r = entry idx - 1 of the n <= 16 entries of
 * `limbs` limbs each when 1 <= idx <= n, dflt (zeros when NULL) when idx is
 * 0. Every entry is read, limb by limb into one accumulator: no entry is
 * read back or rewritten, which matters for the fixed-base tables, whose
 * scans are most of their exponentiations' time. */
static inline void ck_limbs_lookup(limb_t *restrict r, const limb_t *restrict tab, size_t limbs, unsigned n,
                                   unsigned idx, const limb_t *restrict dflt)
{
    limb_t hit[16], none = ck_mask_is_zero((limb_t)idx);
    n = n < 16 ? n : 16;
    for (unsigned j = 0; j < n; j++) hit[j] = ck_mask_is_zero((limb_t)(idx ^ (j + 1)));
    for (size_t i = 0; i < limbs; i++) {
        limb_t acc = dflt ? dflt[i] & none : 0;
        for (unsigned j = 0; j < n; j++) acc |= tab[j * limbs + i] & hit[j];
        r[i] = acc;
    }
    ck_wipe_inline(hit, sizeof(hit)); /* the masks say which entry: the secret digit */
}
#define CK_LOOKUP(r, tab, n, idx, dflt) \
    ck_limbs_lookup((limb_t *)(r), (const limb_t *)(tab), sizeof(*(r)) / sizeof(limb_t), (n), (idx), \
                    (const limb_t *)(dflt))

/* Hide a value from the optimizer so masks stay masks. */
static inline limb_t ck_value_barrier(limb_t v)
{
#if defined(__GNUC__)
    __asm__("" : "+r"(v));
#endif
    return v;
}

/* ---- Fp internals ----------------------------------------------------- */
void ck_fp_mont_mul_raw(limb_t r[6], const limb_t a[6], const limb_t b[6]);
void ck_fp_from_mont(limb_t r[6], const ck_fp *a);
void ck_fp_to_mont(ck_fp *r, const limb_t a[6]);        /* a < p */
void ck_fp_dbl(ck_fp *r, const ck_fp *a);
void ck_fp_half(ck_fp *r, const ck_fp *a);
void ck_fp_mul_small(ck_fp *r, const ck_fp *a, unsigned k); /* k <= 16 */
/* a^e for a PUBLIC exponent e (sliding window: e steers branches and indices). */
void ck_fp_pow(ck_fp *r, const ck_fp *a, const limb_t *e, size_t nlimbs);
/* The sliding window of a public exponent (up to 5 bits over the odd
 * powers a, a^3, ..., a^31): step i squares the accumulator sq[i] times,
 * then multiplies it by odd[idx[i]] (step 0 loads it); then tail
 * squarings. At most 384 bits. */
typedef struct {
    uint16_t sq[400];
    uint8_t idx[400];
    size_t n;
    uint16_t tail;
} ck_pow_plan_t;
void ck_pow_plan(ck_pow_plan_t *plan, const limb_t *e, size_t nlimbs);
/* r[i] = a[i]^e for n elements (public e): eight at a time in vector
 * lanes on CPUs with AVX-512 IFMA. r may alias a. */
void ck_fp_pow_many(ck_fp *r, const ck_fp *a, size_t n, const limb_t *e, size_t nlimbs);
/* r[i] = a square root of a[i] and ok[i] = whether a[i] is a square, as
 * ck_fp_sqrt and ck_fp2_sqrt, with the exponentiations of eight at a
 * time (ck_fp_pow_many). r may not alias a. */
void ck_fp_sqrt_many(ck_fp *r, int *ok, const ck_fp *a, size_t n);
void ck_fp2_sqrt_many(ck_fp2 *r, int *ok, const ck_fp2 *a, size_t n);
/* Constant-time inverses of plain (non-Montgomery) integers by safegcd
 * (safegcd.c): r = a^-1 mod p for any a < 2^384, mod r for any a < 2^256;
 * 0 when a = 0 mod the modulus. */
void ck_fp_inv_plain(limb_t r[6], const limb_t a[6]);
void ck_fr_inv_plain(limb_t r[4], const limb_t a[4]);
void ck_fp_cneg(ck_fp *r, const ck_fp *a, limb_t mask);
int ck_fp_is_square(const ck_fp *a);
int ck_fp_sgn0(const ck_fp *a);                /* parity of the canonical value */
int ck_fp_lexi_largest(const ck_fp *a);        /* a > (p-1)/2 */
/* From a 64-byte big-endian string, reduced mod p (hash_to_field). */
void ck_fp_from_64_bytes(ck_fp *r, const uint8_t in[64]);

/* ---- Fp2 internals ---------------------------------------------------- */
void ck_fp2_dbl(ck_fp2 *r, const ck_fp2 *a);
void ck_fp2_conj(ck_fp2 *r, const ck_fp2 *a);
void ck_fp2_mul_by_xi(ck_fp2 *r, const ck_fp2 *a);     /* * (u+1) */
void ck_fp2_mul_fp(ck_fp2 *r, const ck_fp2 *a, const ck_fp *b);
void ck_fp2_mul_small(ck_fp2 *r, const ck_fp2 *a, unsigned k);
void ck_fp2_half(ck_fp2 *r, const ck_fp2 *a);
void ck_fp2_cneg(ck_fp2 *r, const ck_fp2 *a, limb_t mask);
void ck_fp2_one(ck_fp2 *r);
/* r[i] = 1/a[i] with one inversion, 0 for 0, constant time; r and a
 * distinct (batch_inv.h). */
void ck_fp2_batch_inv(ck_fp2 *r, const ck_fp2 *a, size_t n);
int ck_fp2_sgn0(const ck_fp2 *a);
int ck_fp2_lexi_largest(const ck_fp2 *a);
int ck_fp2_is_square(const ck_fp2 *a);
void ck_fp2_pow(ck_fp2 *r, const ck_fp2 *a, const limb_t *e, size_t nlimbs);
/* sqrt(a) given s, a square root in Fp of the norm a0^2 + a1^2; 1 if a is
 * a square (then r^2 = a). */
int ck_fp2_sqrt_from_norm_root(ck_fp2 *r, const ck_fp2 *a, const ck_fp *s);

/* ---- Fp6 -------------------------------------------------------------- */
void ck_fp6_add(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b);
void ck_fp6_sub(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b);
void ck_fp6_neg(ck_fp6 *r, const ck_fp6 *a);
void ck_fp6_mul(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b);
void ck_fp6_sqr(ck_fp6 *r, const ck_fp6 *a);
void ck_fp6_inv(ck_fp6 *r, const ck_fp6 *a);
void ck_fp6_mul_by_v(ck_fp6 *r, const ck_fp6 *a);
void ck_fp6_frobenius(ck_fp6 *r, const ck_fp6 *a, unsigned power);
int ck_fp6_is_zero(const ck_fp6 *a);
void ck_fp6_one(ck_fp6 *r);

/* ---- Fp12 ------------------------------------------------------------- */
/* f *= (c0 + c1 v + c4 v w): the shape of every Miller-loop line. */
void ck_fp12_mul_by_014(ck_fp12 *f, const ck_fp2 *c0, const ck_fp2 *c1, const ck_fp2 *c4);
/* f * (a0 + a1 v + a2 vw) * (b0 + b1 v + b2 vw): two lines at once. */
void ck_fp12_mul_by_014_014(ck_fp12 *f, const ck_fp2 a[3], const ck_fp2 b[3]);
/* f * (a0 + a1 v + vw) * (b0 + b1 v + vw): two monic (prepared) lines. */
void ck_fp12_mul_by_monic_pair(ck_fp12 *f, const ck_fp2 a[2], const ck_fp2 b[2]);
/* Karabina's compressed form of a cyclotomic element: the coefficients of
 * w, w^4, w^2 and w^5 (cyclotomic.c). */
typedef struct {
    ck_fp2 b0, b1, c0, c1;
} ck_cyc_compressed;
/* 1 when the AVX-512 IFMA chain below is built and the CPU and the OS run
 * it (cpu.c); tests may clear it to compare with the scalar chain. */
extern int ck_cpu_has_ifma;
#if defined(__x86_64__) && defined(__GNUC__) && defined(CK_ENABLE_IFMA)
#define CK_HAVE_IFMA_KERNEL 1
/* z squared n <= 63 times in compressed form; after squaring i, when bit i
 * of save is set, the state goes to the next entry of saved
 * (cyclotomic_ifma.c, only when ck_cpu_has_ifma). */
void ck_cyc_chain_ifma(ck_cyc_compressed *saved, const ck_cyc_compressed *z, unsigned n, uint64_t save);
/* Eight Miller-loop accumulators in the lanes of AVX-512 vectors
 * (miller_ifma.c, only when ck_cpu_has_ifma): coefficient k of Fp12, limb j
 * (52 bits), lane i in f[k][j][i]; lines wait in line[] until eight have
 * come. The result is f up to a factor in Fp, which the final
 * exponentiation removes. */
typedef struct {
    _Alignas(64) uint64_t f[12][8][8];
    uint64_t line[6][8][8];
    unsigned pending;
} ck_miller_lanes;
void ck_ml_init(ck_miller_lanes *m);
/* f *= c0 + c1 v + c4 vw, in the next free lane (Montgomery form) */
void ck_ml_push(ck_miller_lanes *m, const ck_fp2 *c0, const ck_fp2 *c1, const ck_fp2 *c4);
/* every lane's f squared, after the lines that wait */
void ck_ml_sqr(ck_miller_lanes *m);
/* r = the product of the eight accumulators; wipes m */
void ck_ml_finish(ck_fp12 *r, ck_miller_lanes *m);
/* Eight pairs with prepared (monic) lines, scaled points (1/yP, xP/yP) in
 * lanes: a step gathers line k of each key into the lanes, scales it and
 * multiplies it into lane i's f. */
typedef struct {
    const ck_g2_prepared *q[8];
    _Alignas(64) uint64_t iy[8][8];
    uint64_t xy[8][8];
} ck_ml_pgroup;
void ck_ml_pgroup_init(ck_ml_pgroup *g, const ck_g2_prepared *const q[8], const ck_fp *const iy[8],
                       const ck_fp *const xy[8]);
void ck_ml_pgroup_step(ck_miller_lanes *m, const ck_ml_pgroup *g, size_t k);
/* Eight Jacobian G1 accumulators in lanes for fixed-base multiplications
 * (g1_ifma.c, only when ck_cpu_has_ifma): acc += q (affine, canonical),
 * without the doubling case; lane i takes q[i] where bit i of p_inf says
 * its accumulator is the identity and keeps its accumulator where bit i of
 * q_inf says q[i] is. finish writes canonical scalar-form points. */
typedef struct {
    _Alignas(64) uint64_t x[8][8];
    uint64_t y[8][8], z[8][8];
} ck_g1_lanes;
void ck_g1l_start(ck_g1_lanes *a);
void ck_g1l_madd(ck_g1_lanes *a, const ck_g1_affine *const q[8], unsigned p_inf, unsigned q_inf);
void ck_g1l_finish(ck_g1 *const out[8], ck_g1_lanes *a);
/* The same for G2 (g2_ifma.c), coordinates over Fp2 (real, imaginary). */
typedef struct {
    _Alignas(64) uint64_t x[2][8][8];
    uint64_t y[2][8][8], z[2][8][8];
} ck_g2_lanes;
void ck_g2l_start(ck_g2_lanes *a);
void ck_g2l_madd(ck_g2_lanes *a, const ck_g2_affine *const q[8], unsigned p_inf, unsigned q_inf);
void ck_g2l_finish(ck_g2 *const out[8], ck_g2_lanes *a);
/* out[i] = in[i]^e by the plan, eight Fp exponentiations in lanes
 * (fp_ifma.c, only when ck_cpu_has_ifma) */
void ck_fp_pow_lanes(ck_fp *const out[8], const ck_fp *const in[8], const ck_pow_plan_t *plan);
/* Eight products of CK_GT_LANES_MULS + 1 Fp12 elements each, one per
 * lane (gt_ifma.c, only when ck_cpu_has_ifma): the fixed-base GT
 * exponentiations of ck_gt_table_exp_many, whose 52 rows give 51 products.
 * Elements come in and go out canonical, in Montgomery form. */
#define CK_GT_LANES_MULS 51
typedef struct {
    _Alignas(64) uint64_t f[12][8][8];
    unsigned muls;
} ck_gt_lanes;
void ck_gtl_start(ck_gt_lanes *a, const ck_fp12 *const e[8]);
void ck_gtl_mul(ck_gt_lanes *a, const ck_fp12 *const e[8]);
/* out[i] = lane i's product; -1 (out untouched) unless exactly
 * CK_GT_LANES_MULS products were taken; wipes a */
int ck_gtl_finish(ck_fp12 *const out[8], ck_gt_lanes *a) CK_MUST_CHECK;
#endif
/* The chain of a^|x|: z squared 63 times in compressed form (any z: the
 * squaring is a polynomial map); after squaring i, for each set bit i of
 * |x|, the state goes to the next entry of saved (six entries). */
void ck_cyc_chain_x(ck_cyc_compressed *saved, const ck_cyc_compressed *z);
/* a^|x| in the cyclotomic subgroup (the BLS parameter, unsigned), with
 * Karabina's compressed squarings (cyclotomic.c). */
void ck_fp12_cyclotomic_exp_x(ck_fp12 *r, const ck_fp12 *a);
/* r[i] = a[i]^|x| for n elements, sharing inversions. */
void ck_fp12_cyclotomic_exp_x_batch(ck_fp12 *r, const ck_fp12 *a, size_t n);
/* a^(2^n) by n compressed squarings and one decompression (tests). */
void ck_fp12_cyclotomic_sqr_compressed_n(ck_fp12 *r, const ck_fp12 *a, unsigned n);
int ck_fp12_in_cyclotomic(const ck_fp12 *a);

/* ---- GT --------------------------------------------------------------- */
/* ok[i] = ck_gt_in_group(&a[i]), with shared inversions (gt_batch.c). */
void ck_gt_in_group_batch(int *ok, const ck_gt *a, size_t n);

/* ---- Fr --------------------------------------------------------------- */
/* Canonical (non-Montgomery) little-endian limbs of a scalar. */
void ck_fr_to_limbs(limb_t out[4], const ck_fr *a);

/* ---- groups ----------------------------------------------------------- */
void ck_g1_add_affine(ck_g1 *r, const ck_g1 *a, const ck_g1_affine *b);  /* complete */
void ck_g2_add_affine(ck_g2 *r, const ck_g2 *a, const ck_g2_affine *b);
void ck_g1_mul_u64_vartime(ck_g1 *r, const ck_g1 *a, uint64_t k);
void ck_g2_mul_u64_vartime(ck_g2 *r, const ck_g2 *a, uint64_t k);
void ck_g2_psi(ck_g2 *r, const ck_g2 *a);
void ck_g2_psi2(ck_g2 *r, const ck_g2 *a);
void ck_g1_clear_cofactor(ck_g1 *r, const ck_g1 *a);
void ck_g2_clear_cofactor(ck_g2 *r, const ck_g2 *a);
/* Signed 4-bit windows: k (nlimbs limbs) = sum d_i 16^i, d_i in [-7, 8],
 * nwin digits (enough to absorb the final carry). */
#define CK_RECODE_MAX 65
void ck_recode_w4(int8_t *digits, const limb_t *k, size_t nlimbs, size_t nwin);
/* Signed 5-bit windows: k (nlimbs limbs) = sum d_i 32^i, d_i in [-15, 16]. */
void ck_recode_w5(int8_t *digits, const limb_t *k, size_t nlimbs, size_t nwin);
/* Constant-time division of a 256-bit n by a public d < 2^128 (d[1] may be 0):
 * q = n / d, rem = n mod d. Bit-serial, so no hardware divide sees secrets. */
void ck_divmod_ct(limb_t q[4], limb_t rem[2], const limb_t n[4], const limb_t d[2]);
/* k (< r) in base |x|: four 64-bit digits, constant time. The eigenvalue
 * of -psi on G2 and of conj o Frobenius on GT is |x|. */
void ck_split_base_x(limb_t part[4][1], const limb_t k[4]);

/* ---- hash-to-curve test hooks (RFC 9380 intermediate values) ---------- */
/* count <= 2; DSTs longer than 255 bytes are hashed as RFC 9380 5.3.3 says. */
void ck_fp_hash_to_field(ck_fp *u, size_t count, const uint8_t *msg, size_t len,
                         const uint8_t *dst, size_t dst_len);
void ck_fp2_hash_to_field(ck_fp2 *u, size_t count, const uint8_t *msg, size_t len,
                          const uint8_t *dst, size_t dst_len);
/* SSWU + isogeny, no cofactor clearing. */
void ck_g1_map_to_curve_raw(ck_g1 *r, const ck_fp *u);
void ck_g2_map_to_curve_raw(ck_g2 *r, const ck_fp2 *u);

#endif
