/*
 * src/ec/cyclotomic_ifma.c - the chain of Karabina's compressed squarings
 * (cyclotomic.c) on AVX-512 IFMA, eight Fp elements at a time.
 *
 * This file is compiled with -mavx512f -mavx512ifma and holds nothing but
 * ck_cyc_chain_ifma, which cyclotomic.c calls only when ck_cpu_has_ifma
 * says the CPU and the OS run those instructions (cpu.c).
 *
 * Layout. A compressed state is eight Fp elements (b0, b1, c0, c1 over Fp2,
 * real then imaginary part), one per lane of a v8 (ifma_lanes.h, which
 * also gives the representation and its bounds). The state is reduced
 * below 1.01 p once per squaring (lane_reduce).
 *
 * Constant time: no branch and no memory address depends on the elements;
 * the saves follow the bits of the public exponent.
 */
#include "ec/ifma_lanes.h"

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
    *right = _mm512_mask_blend_epi64(ODD_LANES, lane_sub_limb(re, im, k, j), im);
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
    y = lane_sub_limb(y, _mm512_add_epi64(x, t), 3, j);                     /* bb1 bb1 cc1 cc1, < 4.01 */
    u = swap_halves(t);
    u = _mm512_mask_blend_epi64(ODD_LANES, lane_sub_limb(t, u, 2, j), _mm512_add_epi64(t, u));
    x = _mm512_add_epi64(x, u);                                        /* bb0 . cc0 ., < 4.01 */
    t = _mm512_permutex2var_epi64(y, gather, x);                       /* cc1 cc0 bb0 bb1 */
    u = swap_halves(t);                                                /* xi on cc1 only */
    t = _mm512_mask_blend_epi64(0x03, t, _mm512_mask_blend_epi64(0x02, lane_sub_limb(t, u, 5, j),
                                                                 _mm512_add_epi64(t, u)));
    u = _mm512_add_epi64(_mm512_add_epi64(t, t), t);                   /* 3 t, < 27.06 */
    d = _mm512_add_epi64(s, s);                                        /* 2 s, < 2.02 */
    return _mm512_mask_blend_epi64(0x3c, _mm512_add_epi64(u, d), lane_sub_limb(u, d, 3, j));
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
    lane_norm(&w->l);
    lane_norm(&w->r);
    lane_mont(&w->x, &w->l, &w->r);
    for (int j = 0; j < 8; j++) {
        __m512i t = _mm512_add_epi64(s->l[j], _mm512_permutexvar_epi64(PAIR_SWAP, s->l[j]));
        sqr_operands_limb(&w->l.l[j], &w->r.l[j], t, 3, j);                /* t < 2.02 p */
    }
    lane_norm(&w->l);
    lane_norm(&w->r);
    lane_mont(&w->y, &w->l, &w->r);
    for (int j = 0; j < 8; j++) s->l[j] = next_state_limb(w->x.l[j], w->y.l[j], s->l[j], j);
    lane_norm(s);
    lane_reduce(s);
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
    lane_load(&s, (const ck_fp *const *)lane);
    for (unsigned i = 1; i <= n; i++) {
        sqr_compressed(&s, &w);
        if ((save >> i) & 1) {
            lanes_of(lane, saved++);
            lane_store(lane, &s);
        }
    }
    ck_wipe_inline(&s, sizeof(s));
    ck_wipe_inline(&w, sizeof(w));
    ck_wipe_inline(&in, sizeof(in));
}
