/*
 * src/ec/cyclotomic_ifma.c - the chain of Karabina's compressed squarings
 * (cyclotomic.c) on AVX-512 IFMA, eight Fp elements at a time.
 *
 * This file is compiled with -mavx512f -mavx512ifma and holds nothing but
 * ck_cyc_chain_ifma, which cyclotomic.c calls only when ck_cpu_has_ifma
 * says the CPU and the OS run those instructions (cpu.c).
 *
 * Layout. A compressed state is eight Fp elements (b0, b1, c0, c1 over Fp2,
 * real then imaginary part), one per 64-bit lane of a vector; an element is
 * eight limbs of 52 bits, so a v8 is eight vectors, vector j holding limb j
 * of each lane. VPMADD52LUQ/HUQ add the low/high 52 bits of a 52 x 52-bit
 * product to a lane: one instruction makes eight of the 64 partial products
 * of eight independent multiplications.
 *
 * Representation. An element x is kept as x 2^416 mod p (Montgomery with
 * R = 2^416) plus a small multiple of p. The product of two values below
 * 2^390 comes out of the reduction below p + 2^364, with no final
 * subtraction, and sums and differences are taken limb by limb, with signed
 * limbs, adding a multiple of p before each subtraction to keep the value
 * positive; a signed carry pass (vpsraq) brings limbs back to 52 bits before
 * any product, since the multiplier reads only a limb's low 52 bits. The
 * state is reduced below 1.01 p once per squaring by subtracting q p, q from
 * the top limb (see reduce_state).
 *
 * Constant time: no branch and no memory address depends on the elements;
 * the saves follow the bits of the public exponent.
 */
#include <immintrin.h>
#include "ec/internal.h"
#include "ec/field_inline.h"

#define LIMB_MASK ((1ULL << 52) - 1)

typedef struct { __m512i l[8]; } v8;

/* p in 52-bit limbs and -1/p mod 2^52 */
static const uint64_t P52[8] = {
    0xeffffffffaaabULL, 0xfeb153ffffb9fULL, 0x6b0f6241eabffULL, 0x12bf6730d2a0fULL,
    0x764774b84f385ULL, 0x1ba7b6434bacdULL, 0x1ea397fe69a4bULL, 0x000000001a011ULL,
};
#define N0 0x3fffcfffcfffdULL
/* 2^448 mod p: its Montgomery product with x 2^384 (the scalar form) is x 2^416 */
static const uint64_t TO_IFMA[8] = {
    0x7fde37dba9366ULL, 0x4e27525bc342bULL, 0x1f5b1e9778489ULL, 0xb872b2b91b9dcULL,
    0xb206f497dfcafULL, 0x4137cc89a9b0bULL, 0xd9d20d7e39959ULL, 0x000000000411cULL,
};
/* 2^384 mod p: its Montgomery product with x 2^416 is x 2^384 */
static const uint64_t FROM_IFMA[8] = {
    0x900000002fffdULL, 0x0bc40c0002760ULL, 0x3c758baebf400ULL, 0x57455f4898575ULL,
    0xd77ce58537052ULL, 0x071a97a256ec6ULL, 0xec3fa80e4935cULL, 0x0000000015f65ULL,
};
/* floor(2^394 / p): q = floor(top * RED_C / 2^30), top = floor(v / 2^364) */
#define RED_C 10080ULL
#define RED_SHIFT 30

static inline __m512i bc(uint64_t x) { return _mm512_set1_epi64((long long)x); }

/* r = a b / 2^416 mod p, below p + 2^364 for a, b below 2^390 with 52-bit
 * limbs; r's limbs are 52-bit. Operand scanning with the reduction
 * interleaved: after each row the low limb is a multiple of 2^52 and its
 * carry moves up. */
static void mont(v8 *r, const v8 *a, const v8 *b)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i t[9];
    for (int j = 0; j < 9; j++) t[j] = zero;
    for (int i = 0; i < 8; i++) {
        __m512i m;
        for (int j = 0; j < 8; j++) t[j] = _mm512_madd52lo_epu64(t[j], a->l[i], b->l[j]);
        for (int j = 0; j < 8; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a->l[i], b->l[j]);
        m = _mm512_madd52lo_epu64(zero, t[0], bc(N0));
        for (int j = 0; j < 8; j++) t[j] = _mm512_madd52lo_epu64(t[j], m, bc(P52[j]));
        for (int j = 0; j < 8; j++) t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, bc(P52[j]));
        t[1] = _mm512_add_epi64(t[1], _mm512_srli_epi64(t[0], 52));
        for (int j = 0; j < 8; j++) t[j] = t[j + 1];
        t[8] = zero;
    }
    for (int j = 0; j < 7; j++) {
        t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srli_epi64(t[j], 52));
        r->l[j] = _mm512_and_si512(t[j], bc(LIMB_MASK));
    }
    r->l[7] = t[7];
}

/* Signed carries: limbs back to [0, 2^52), the top limb takes the rest
 * (the value is non-negative, so the top limb is too). */
static void norm(v8 *a)
{
    for (int j = 0; j < 7; j++) {
        a->l[j + 1] = _mm512_add_epi64(a->l[j + 1], _mm512_srai_epi64(a->l[j], 52));
        a->l[j] = _mm512_and_si512(a->l[j], bc(LIMB_MASK));
    }
}

/* a + k p - b for limb j (k p's limbs are k times p's; limbs may go negative) */
static inline __m512i sub_limb(__m512i a, __m512i b, uint64_t k, int j)
{
    return _mm512_sub_epi64(_mm512_add_epi64(a, bc(k * P52[j])), b);
}

/* lanes 2k and 2k+1 swapped: the other half of each Fp2 element */
static inline __m512i swap_halves(__m512i a) { return _mm512_shuffle_epi32(a, _MM_PERM_BADC); }

#define ODD_LANES ((__mmask8)0xaa)
#define PAIR_SWAP _mm512_set_epi64(5, 4, 7, 6, 1, 0, 3, 2) /* (b0 b1)(c0 c1) swapped */

/*
 * Limb j of the operands of the Fp2 squarings of the lane pairs a =
 * (a0, a1): a^2 = ((a0 + a1)(a0 - a1), 2 a0 a1), so the even lane
 * multiplies a0 + a1 by a0 - a1 and the odd lane 2 a0 by a1. a1 < k p.
 */
static inline void sqr_operands_limb(__m512i *left, __m512i *right, __m512i a, uint64_t k, int j)
{
    __m512i re = _mm512_unpacklo_epi64(a, a), im = _mm512_unpackhi_epi64(a, a);
    *left = _mm512_add_epi64(re, _mm512_mask_blend_epi64(ODD_LANES, im, re));
    *right = _mm512_mask_blend_epi64(ODD_LANES, sub_limb(re, im, k, j), im);
}

/*
 * Limb j of the next state from the squares x = (b0^2, b1^2, c0^2, c1^2)
 * and y = ((b0+b1)^2, (b0+b1)^2, (c0+c1)^2, (c0+c1)^2), below 1.0001 p
 * each, and the state s (below 1.01 p); in units of p:
 *   bb0 = b0^2 + xi b1^2, bb1 = (b0+b1)^2 - b0^2 - b1^2 (cc0, cc1 alike),
 *   b0' = 3 xi cc1 + 2 b0, b1' = 3 cc0 - 2 b1, c0' = 3 bb0 - 2 c0,
 *   c1' = 3 bb1 + 2 c1, all below 30.1; xi (re, im) = (re - im, re + im).
 */
static inline __m512i next_state_limb(__m512i x, __m512i y, __m512i s, int j)
{
    const __m512i gather = _mm512_set_epi64(3, 2, 9, 8, 13, 12, 5, 4); /* y2 y3 x0 x1 from y, x */
    __m512i t = _mm512_permutexvar_epi64(PAIR_SWAP, x), u, d;          /* b1^2 b0^2 c1^2 c0^2 */
    y = sub_limb(y, _mm512_add_epi64(x, t), 3, j);                     /* bb1 bb1 cc1 cc1, < 4.01 */
    u = swap_halves(t);
    u = _mm512_mask_blend_epi64(ODD_LANES, sub_limb(t, u, 2, j), _mm512_add_epi64(t, u));
    x = _mm512_add_epi64(x, u);                                        /* bb0 . cc0 ., < 4.01 */
    t = _mm512_permutex2var_epi64(y, gather, x);                       /* cc1 cc0 bb0 bb1 */
    u = swap_halves(t);                                                /* xi on cc1 only */
    t = _mm512_mask_blend_epi64(0x03, t, _mm512_mask_blend_epi64(0x02, sub_limb(t, u, 5, j),
                                                                 _mm512_add_epi64(t, u)));
    u = _mm512_add_epi64(_mm512_add_epi64(t, t), t);                   /* 3 t, < 27.06 */
    d = _mm512_add_epi64(s, s);                                        /* 2 s, < 2.02 */
    return _mm512_mask_blend_epi64(0x3c, _mm512_add_epi64(u, d), sub_limb(u, d, 3, j));
}

/* q p subtracted, q = floor(top RED_C / 2^30) <= v / p: the result is
 * below 1.01 p when v < 2^386 (the error of q is below 1 + 2^-8). */
static void reduce_state(v8 *s)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i q = _mm512_srli_epi64(_mm512_madd52lo_epu64(zero, s->l[7], bc(RED_C)), RED_SHIFT);
    __m512i lo[8], hi[8];
    for (int j = 0; j < 8; j++) {
        lo[j] = _mm512_madd52lo_epu64(zero, q, bc(P52[j]));
        hi[j] = _mm512_madd52hi_epu64(zero, q, bc(P52[j]));
    }
    s->l[0] = _mm512_sub_epi64(s->l[0], lo[0]);
    for (int j = 1; j < 8; j++) s->l[j] = _mm512_sub_epi64(_mm512_sub_epi64(s->l[j], lo[j]), hi[j - 1]);
    norm(s);
}

/* the operands and products of a squaring, wiped once at the end of the chain */
typedef struct {
    v8 l, r, x, y;
} scratch;

/*
 * One compressed squaring of s (lanes b0, b1, c0, c1, each re | im, below
 * 1.01 p), as cyc_sqr_compressed in cyclotomic.c: two eight-lane products
 * for the six Fp2 squarings (the second holds (b0 + b1)^2 and (c0 + c1)^2
 * twice), then limb by limb the new state, normalized and reduced.
 */
static void sqr_compressed(v8 *s, scratch *w)
{
    for (int j = 0; j < 8; j++) sqr_operands_limb(&w->l.l[j], &w->r.l[j], s->l[j], 2, j);
    norm(&w->l);
    norm(&w->r);
    mont(&w->x, &w->l, &w->r);
    for (int j = 0; j < 8; j++) {
        __m512i t = _mm512_add_epi64(s->l[j], _mm512_permutexvar_epi64(PAIR_SWAP, s->l[j]));
        sqr_operands_limb(&w->l.l[j], &w->r.l[j], t, 3, j);                /* t < 2.02 p */
    }
    norm(&w->l);
    norm(&w->r);
    mont(&w->y, &w->l, &w->r);
    for (int j = 0; j < 8; j++) s->l[j] = next_state_limb(w->x.l[j], w->y.l[j], s->l[j], j);
    norm(s);
    reduce_state(s);
}

static void broadcast(v8 *r, const uint64_t c[8])
{
    for (int j = 0; j < 8; j++) r->l[j] = bc(c[j]);
}

/* lanes <- eight Fp elements (6 x 64-bit limbs, below p), then times 2^32
 * mod p: x 2^384 becomes x 2^416 */
static void load(v8 *r, const ck_fp *const in[8])
{
    uint64_t t[8][8];
    v8 k;
    for (int i = 0; i < 8; i++) {
        const limb_t *w = in[i]->l;
        for (int j = 0; j < 8; j++) {
            unsigned bit = 52 * (unsigned)j, q = bit / 64, s = bit % 64;
            uint64_t v = q < 6 ? w[q] >> s : 0;
            if (s > 12 && q + 1 < 6) v |= w[q + 1] << (64 - s);
            t[j][i] = v & LIMB_MASK;
        }
    }
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_loadu_si512(t[j]);
    broadcast(&k, TO_IFMA);
    mont(r, r, &k);
    ck_wipe_inline(t, sizeof(t));
}

/* eight Fp elements <- lanes: back to x 2^384, below p + 2^364, then one
 * masked subtraction of p */
static void store(ck_fp *const out[8], const v8 *a)
{
    uint64_t t[8][8];
    v8 k, v;
    broadcast(&k, FROM_IFMA);
    mont(&v, a, &k);
    for (int j = 0; j < 8; j++) _mm512_storeu_si512(t[j], v.l[j]);
    for (int i = 0; i < 8; i++) {
        limb_t w[6] = {0}, d[6], borrow = 0;
        for (int j = 0; j < 8; j++) {
            unsigned bit = 52 * (unsigned)j, q = bit / 64, s = bit % 64;
            w[q] |= t[j][i] << s;
            if (s > 12 && q + 1 < 6) w[q + 1] |= t[j][i] >> (64 - s);
        }
        for (int j = 0; j < 6; j++) {
            dlimb_t x = (dlimb_t)w[j] - ck_p_limbs[j] - borrow;
            d[j] = (limb_t)x;
            borrow = (limb_t)(x >> 64) & 1;
        }
        ck_limbs_select(out[i]->l, w, d, 6, ck_mask_from_bit(borrow));
        ck_wipe_inline(w, sizeof(w));
        ck_wipe_inline(d, sizeof(d));
    }
    ck_wipe_inline(t, sizeof(t));
    ck_wipe_inline(&v, sizeof(v));
}

static void lanes_of(ck_fp *lane[8], ck_cyc_compressed *z)
{
    ck_fp2 *c[4] = {&z->b0, &z->b1, &z->c0, &z->c1};
    for (int i = 0; i < 4; i++) {
        lane[2 * i] = &c[i]->c0;
        lane[2 * i + 1] = &c[i]->c1;
    }
}

void ck_cyc_chain_ifma(ck_cyc_compressed *saved, const ck_cyc_compressed *z, unsigned n, uint64_t save)
{
    ck_cyc_compressed in = *z;
    ck_fp *lane[8];
    v8 s;
    scratch w;
    lanes_of(lane, &in);
    load(&s, (const ck_fp *const *)lane);
    for (unsigned i = 1; i <= n; i++) {
        sqr_compressed(&s, &w);
        if ((save >> i) & 1) {
            lanes_of(lane, saved++);
            store(lane, &s);
        }
    }
    ck_wipe_inline(&s, sizeof(s));
    ck_wipe_inline(&w, sizeof(w));
    ck_wipe_inline(&in, sizeof(in));
}
