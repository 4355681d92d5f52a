/*
 * src/ec/miller_ifma.c - the accumulator f of a Miller loop with many pairs
 * on AVX-512 IFMA: eight accumulators, one per lane, each squared and
 * multiplied by sparse lines exactly as the scalar code does one, so eight
 * lines go into f with one pass of vector code.
 *
 * This file is compiled with -mavx512f -mavx512ifma; pairing.c calls it
 * only when ck_cpu_has_ifma says the CPU and the OS run those instructions,
 * and only for loops with enough pairs to fill the lanes.
 *
 * Lane i of the accumulators takes lines i, i + 8, ... of each step; a lane
 * left without a line at the end of a step gets the line 1. At the end the
 * eight accumulators are multiplied into one Fp12 element. Lines come one by
 * one (ck_ml_push, cut into limbs in scalar code) or eight at once from a
 * group of prepared pairs (ck_ml_pgroup_step: gathered and scaled in lanes).
 *
 * Scale. Lines come in the scalar Montgomery form (x 2^384) and products
 * are Montgomery products with R = 2^416 (ifma_lanes.h), so each product
 * scales its result by a power of 2. Every term of every coefficient of
 * every lane is a product of the same degree (squarings multiply two
 * coefficients of f, line products one of f and one of a line), so after
 * each step all 96 coefficients carry one common factor in Fp. f is defined
 * only up to such a factor: the final exponentiation removes Fp (p - 1
 * divides (p^12 - 1)/r), as it removes the factors the scalar loop drops.
 * Idle lanes get the line (2^384 mod p, 0, 0), the same form as the others.
 *
 * Bounds (ifma_tower.h): every stored coefficient has 52-bit limbs and is
 * below 1.01 p; sums fed to a product stay below 2^390; each difference
 * adds k p with k above the subtrahend's bound in units of p.
 *
 * Constant time: straight-line vector code; which lane takes which line
 * depends only on the number of pairs. The accumulators and lines are
 * secret in a decryption (lines of a user's key at secret points) and are
 * wiped by ck_ml_finish.
 */
#include <stddef.h>
#include <stdint.h>
#include "ec/ifma_tower.h"
#include "ec/constants.h"

/* ---- the accumulators in memory ------------------------------------------ */

static void limbs_in(v8 *r, const uint64_t t[8][8])
{
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_load_si512(t[j]);
}

/* every lane's f times its line c0 + c1 v + c4 vw */
static void f_times(ck_miller_lanes *m, const x2 *c0, const x2 *c1, const x2 *c4)
{
    x12 f;
    x12_load(&f, (const uint64_t(*)[8][8])m->f);
    x12_mul_by_014(&f, c0, c1, c4);
    x12_save(m->f, &f);
    ck_wipe_inline(&f, sizeof(f));
}

/* the waiting lines times f; lanes without a line get the line 1 */
static void flush(ck_miller_lanes *m)
{
    x2 c[3];
    if (!m->pending) return;
    for (unsigned i = m->pending; i < 8; i++) {
        lane_split(m->line[0], (int)i, &CK_FP_ONE);
        for (int k = 1; k < 6; k++) lane_split(m->line[k], (int)i, &(const ck_fp){{0}});
    }
    for (int k = 0; k < 6; k++) limbs_in(k % 2 ? &c[k / 2].c1 : &c[k / 2].c0, m->line[k]);
    f_times(m, &c[0], &c[1], &c[2]);
    m->pending = 0;
    ck_wipe_inline(c, sizeof(c));
}

void ck_ml_init(ck_miller_lanes *m)
{
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < 8; i++) lane_split(m->f[0], i, &CK_FP_ONE);
}

void ck_ml_push(ck_miller_lanes *m, const ck_fp2 *c0, const ck_fp2 *c1, const ck_fp2 *c4)
{
    const ck_fp2 *c[3] = {c0, c1, c4};
    int lane = (int)m->pending;
    for (int k = 0; k < 3; k++) {
        lane_split(m->line[2 * k], lane, &c[k]->c0);
        lane_split(m->line[2 * k + 1], lane, &c[k]->c1);
    }
    if (++m->pending == 8) flush(m);
}

void ck_ml_sqr(ck_miller_lanes *m)
{
    x12 f;
    flush(m);
    x12_load(&f, (const uint64_t(*)[8][8])m->f);
    x12_sqr(&f);
    x12_save(m->f, &f);
    ck_wipe_inline(&f, sizeof(f));
}

void ck_ml_finish(ck_fp12 *r, ck_miller_lanes *m)
{
    ck_fp12 lane[8];
    ck_fp *out[8];
    x12 f;
    flush(m);
    x12_load(&f, (const uint64_t(*)[8][8])m->f);
    for (int k = 0; k < 12; k++) {
        for (int i = 0; i < 8; i++) out[i] = &((ck_fp *)&lane[i])[k];
        lane_store(out, x12_coef(&f, k));
    }
    *r = lane[0];
    for (int i = 1; i < 8; i++) ck_fp12_mul(r, r, &lane[i]);
    ck_wipe_inline(&f, sizeof(f));
    ck_wipe_inline(lane, sizeof(lane));
    ck_wipe_inline(m, sizeof(*m));
}

/* ---- eight prepared pairs: their lines gathered into lanes --------------- */

void ck_ml_pgroup_init(ck_ml_pgroup *g, const ck_g2_prepared *const q[8], const ck_fp *const iy[8],
                       const ck_fp *const xy[8])
{
    v8 v;
    for (int i = 0; i < 8; i++) g->q[i] = q[i];
    lane_load(&v, iy);
    for (int j = 0; j < 8; j++) _mm512_store_si512(g->iy[j], v.l[j]);
    lane_load(&v, xy);
    for (int j = 0; j < 8; j++) _mm512_store_si512(g->xy[j], v.l[j]);
    ck_wipe_inline(&v, sizeof(v));
}

/* lane i <- the Fp element at byte off of q[i], cut into 52-bit limbs;
 * the addresses are public (which keys), the values are not read by them */
static void gather_fp(v8 *r, const ck_ml_pgroup *g, size_t off)
{
    const char *base = (const char *)g->q[0] + off;
    __m512i idx, w[6];
    long long d[8];
    for (int i = 0; i < 8; i++) d[i] = (long long)((uintptr_t)g->q[i] - (uintptr_t)g->q[0]);
    idx = _mm512_loadu_si512(d);
    for (int k = 0; k < 6; k++) w[k] = _mm512_i64gather_epi64(idx, base + 8 * k, 1);
    for (int j = 0; j < 8; j++) {
        unsigned bit = 52 * (unsigned)j, q = bit / 64, sh = bit % 64;
        __m512i v = _mm512_srli_epi64(w[q], sh);
        if (sh > 12 && q + 1 < 6) v = _mm512_or_si512(v, _mm512_slli_epi64(w[q + 1], 64 - sh));
        r->l[j] = _mm512_and_si512(v, lane_bc(LANE_LIMB_MASK));
    }
    for (int k = 0; k < 6; k++) w[k] = _mm512_setzero_si512();
}

void ck_ml_pgroup_step(ck_miller_lanes *m, const ck_ml_pgroup *g, size_t k)
{
    size_t at = offsetof(ck_g2_prepared, c) + k * sizeof(((ck_g2_prepared *)0)->c[0]);
    x2 l0, l1, c4;
    v8 iy, xy;
    limbs_in(&iy, g->iy);
    limbs_in(&xy, g->xy);
    gather_fp(&l0.c0, g, at);
    gather_fp(&l0.c1, g, at + sizeof(ck_fp));
    gather_fp(&l1.c0, g, at + sizeof(ck_fp2));
    gather_fp(&l1.c1, g, at + sizeof(ck_fp2) + sizeof(ck_fp));
    lane_mont(&l0.c0, &l0.c0, &iy);          /* the scalar form times the lanes' */
    lane_mont(&l0.c1, &l0.c1, &iy);          /* form: the scalar form again */
    lane_mont(&l1.c0, &l1.c0, &xy);
    lane_mont(&l1.c1, &l1.c1, &xy);
    lane_broadcast(&c4.c0, LANE_FROM_IFMA);   /* 1, scalar form, as l0 and l1 */
    for (int j = 0; j < 8; j++) c4.c1.l[j] = _mm512_setzero_si512();
    f_times(m, &l0, &l1, &c4);
    ck_wipe_inline(&l0, sizeof(l0));
    ck_wipe_inline(&l1, sizeof(l1));
}
