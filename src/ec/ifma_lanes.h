/*
 * src/ec/ifma_lanes.h - Fp in the lanes of an AVX-512 vector, for the files
 * built with -mavx512f -mavx512ifma (cyclotomic_ifma.c, lanes_ifma.c).
 *
 * A v8 holds eight Fp elements, one per 64-bit lane; an element is eight
 * limbs of 52 bits, so a v8 is eight vectors, vector j holding limb j of
 * each lane. VPMADD52LUQ/HUQ add the low/high 52 bits of a 52 x 52-bit
 * product to a lane: one instruction makes eight of the 64 partial products
 * of eight independent multiplications.
 *
 * Representation. Products are Montgomery products with R = 2^416: the
 * product of two values below 2^390 with 52-bit limbs comes out below
 * p + 2^364 (no final subtraction). Sums and differences are taken limb by
 * limb with signed limbs, a multiple of p added before each subtraction to
 * keep the value positive; a signed carry pass (lane_norm) brings the limbs
 * back to 52 bits before a product, since the multiplier reads only a
 * limb's low 52 bits. lane_reduce takes a value below 2^386 back below
 * 1.01 p with one multiple of p taken from the top limb.
 *
 * Constant time: no branch and no memory address depends on the elements.
 */
#ifndef CK_EC_IFMA_LANES_H
#define CK_EC_IFMA_LANES_H

#include <immintrin.h>
#include "ec/internal.h"
#include "ec/field_inline.h"

#define LANE_LIMB_MASK ((1ULL << 52) - 1)

typedef struct { __m512i l[8]; } v8;

/* p in 52-bit limbs and -1/p mod 2^52 */
static const uint64_t LANE_P52[8] = {
    0xeffffffffaaabULL, 0xfeb153ffffb9fULL, 0x6b0f6241eabffULL, 0x12bf6730d2a0fULL,
    0x764774b84f385ULL, 0x1ba7b6434bacdULL, 0x1ea397fe69a4bULL, 0x000000001a011ULL,
};
#define LANE_N0 0x3fffcfffcfffdULL
/* 2^448 mod p: its Montgomery product with x 2^384 (the scalar form) is x 2^416 */
static const uint64_t LANE_TO_IFMA[8] = {
    0x7fde37dba9366ULL, 0x4e27525bc342bULL, 0x1f5b1e9778489ULL, 0xb872b2b91b9dcULL,
    0xb206f497dfcafULL, 0x4137cc89a9b0bULL, 0xd9d20d7e39959ULL, 0x000000000411cULL,
};
/* 2^384 mod p: its Montgomery product with x 2^416 is x 2^384; also 1 in
 * the scalar Montgomery form */
static const uint64_t LANE_FROM_IFMA[8] = {
    0x900000002fffdULL, 0x0bc40c0002760ULL, 0x3c758baebf400ULL, 0x57455f4898575ULL,
    0xd77ce58537052ULL, 0x071a97a256ec6ULL, 0xec3fa80e4935cULL, 0x0000000015f65ULL,
};
/* 2^416 mod p: 1 in the lanes' Montgomery form */
static const uint64_t LANE_ONE_R[8] = {
    0x6480ea8e9b9afULL, 0x65766c8fe444fULL, 0x8b540fea96f7dULL, 0x3b2ee82efd422ULL,
    0xa6723e5f0ade5ULL, 0xff6eb6fdd4230ULL, 0xe06ef23c24a25ULL, 0x0000000014c8eULL,
};
/* floor(2^394 / p): q = floor(top * LANE_RED_C / 2^30), top = floor(v / 2^364) */
#define LANE_RED_C 10080ULL
#define LANE_RED_SHIFT 30

static inline __m512i lane_bc(uint64_t x) { return _mm512_set1_epi64((long long)x); }

/* r = a b / 2^416 mod p, below p + 2^364 for a, b below 2^390 with 52-bit
 * limbs; r's limbs are 52-bit. Operand scanning with the reduction
 * interleaved: after each row the low limb is a multiple of 2^52 and its
 * carry moves up. r may alias a or b. */
static inline void lane_mont(v8 *r, const v8 *a, const v8 *b)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i t[9];
    for (int j = 0; j < 9; j++) t[j] = zero;
    for (int i = 0; i < 8; i++) {
        __m512i m;
        for (int j = 0; j < 8; j++) t[j] = _mm512_madd52lo_epu64(t[j], a->l[i], b->l[j]);
        for (int j = 0; j < 8; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a->l[i], b->l[j]);
        m = _mm512_madd52lo_epu64(zero, t[0], lane_bc(LANE_N0));
        for (int j = 0; j < 8; j++) t[j] = _mm512_madd52lo_epu64(t[j], m, lane_bc(LANE_P52[j]));
        for (int j = 0; j < 8; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, lane_bc(LANE_P52[j]));
        t[1] = _mm512_add_epi64(t[1], _mm512_srli_epi64(t[0], 52));
        for (int j = 0; j < 8; j++) t[j] = t[j + 1];
        t[8] = zero;
    }
    for (int j = 0; j < 7; j++) {
        t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srli_epi64(t[j], 52));
        r->l[j] = _mm512_and_si512(t[j], lane_bc(LANE_LIMB_MASK));
    }
    r->l[7] = t[7];
}

/* Signed carries: limbs back to [0, 2^52), the top limb takes the rest
 * (the value is non-negative, so the top limb is too). */
static inline void lane_norm(v8 *a)
{
    for (int j = 0; j < 7; j++) {
        a->l[j + 1] = _mm512_add_epi64(a->l[j + 1], _mm512_srai_epi64(a->l[j], 52));
        a->l[j] = _mm512_and_si512(a->l[j], lane_bc(LANE_LIMB_MASK));
    }
}

/* a + k p - b for limb j (k p's limbs are k times p's; limbs may go negative) */
static inline __m512i lane_sub_limb(__m512i a, __m512i b, uint64_t k, int j)
{
    return _mm512_sub_epi64(_mm512_add_epi64(a, lane_bc(k * LANE_P52[j])), b);
}

/* q p subtracted from a value with 52-bit limbs below 2^386,
 * q = floor(top LANE_RED_C / 2^30) <= v / p: the result is below 1.01 p
 * (the error of q is below 1 + 2^-8), its limbs 52-bit again. */
static inline void lane_reduce(v8 *s)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i q = _mm512_srli_epi64(_mm512_madd52lo_epu64(zero, s->l[7], lane_bc(LANE_RED_C)), LANE_RED_SHIFT);
    __m512i lo[8], hi[8];
    for (int j = 0; j < 8; j++) {
        lo[j] = _mm512_madd52lo_epu64(zero, q, lane_bc(LANE_P52[j]));
        hi[j] = _mm512_madd52hi_epu64(zero, q, lane_bc(LANE_P52[j]));
    }
    s->l[0] = _mm512_sub_epi64(s->l[0], lo[0]);
    for (int j = 1; j < 8; j++) s->l[j] = _mm512_sub_epi64(_mm512_sub_epi64(s->l[j], lo[j]), hi[j - 1]);
    lane_norm(s);
}

static inline void lane_broadcast(v8 *r, const uint64_t c[8])
{
    for (int j = 0; j < 8; j++) r->l[j] = lane_bc(c[j]);
}

/* Limb j of x (6 x 64-bit limbs) cut into 52-bit limbs, into t[j][lane]. */
static inline void lane_split(uint64_t t[8][8], int lane, const ck_fp *x)
{
    const limb_t *w = x->l;
    for (int j = 0; j < 8; j++) {
        unsigned bit = 52 * (unsigned)j, q = bit / 64, s = bit % 64;
        uint64_t v = q < 6 ? w[q] >> s : 0;
        if (s > 12 && q + 1 < 6) v |= w[q + 1] << (64 - s);
        t[j][lane] = v & LANE_LIMB_MASK;
    }
}

/* x (below 2^384) <- the 52-bit limbs t[j][lane], then one masked
 * subtraction of p: x below 2p comes out canonical. */
static inline void lane_join(ck_fp *x, const uint64_t t[8][8], int lane)
{
    limb_t w[6] = {0}, d[6], borrow = 0;
    for (int j = 0; j < 8; j++) {
        unsigned bit = 52 * (unsigned)j, q = bit / 64, s = bit % 64;
        w[q] |= t[j][lane] << s;
        if (s > 12 && q + 1 < 6) w[q + 1] |= t[j][lane] >> (64 - s);
    }
    for (int j = 0; j < 6; j++) {
        dlimb_t v = (dlimb_t)w[j] - ck_p_limbs[j] - borrow;
        d[j] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    ck_limbs_select(x->l, w, d, 6, ck_mask_from_bit(borrow));
    ck_wipe_inline(w, sizeof(w));
    ck_wipe_inline(d, sizeof(d));
}

/* lanes <- eight Fp elements (below p), then times 2^32 mod p: x 2^384
 * becomes x 2^416 */
static inline void lane_load(v8 *r, const ck_fp *const in[8])
{
    uint64_t t[8][8];
    v8 k;
    for (int i = 0; i < 8; i++) lane_split(t, i, in[i]);
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_loadu_si512(t[j]);
    lane_broadcast(&k, LANE_TO_IFMA);
    lane_mont(r, r, &k);
    ck_wipe_inline(t, sizeof(t));
}

/* eight Fp elements <- lanes (below 2^390): back to x 2^384, below
 * p + 2^364, then canonical */
static inline void lane_store(ck_fp *const out[8], const v8 *a)
{
    uint64_t t[8][8];
    v8 k, v;
    lane_broadcast(&k, LANE_FROM_IFMA);
    lane_mont(&v, a, &k);
    for (int j = 0; j < 8; j++) _mm512_storeu_si512(t[j], v.l[j]);
    for (int i = 0; i < 8; i++) lane_join(out[i], (const uint64_t(*)[8])t, i);
    ck_wipe_inline(t, sizeof(t));
    ck_wipe_inline(&v, sizeof(v));
}

#endif
