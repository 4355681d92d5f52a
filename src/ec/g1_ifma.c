/*
 * src/ec/g1_ifma.c - eight fixed-base G1 multiplications at once on AVX-512
 * IFMA (ck_g1_table_mul_many in g1.c): the mixed additions of windows 0 to
 * 62, one lane per multiplication.
 *
 * This file is compiled with -mavx512f -mavx512ifma; g1.c calls it only
 * when ck_cpu_has_ifma says the CPU and the OS run those instructions, and
 * keeps the digits, the row scans and the last (complete) window.
 *
 * The accumulators are Jacobian points in the lanes' Montgomery form
 * (R = 2^416, ifma_lanes.h); entries come in converted by one product with
 * 2^448 and the results go out canonical in the scalar form, so they equal
 * ck_g1_table_mul's. The addition is madd-2007-bl without the doubling
 * case (ck_g1_table_mul's argument: for windows up to 62 the accumulator
 * is never +-entry); a lane whose accumulator is still the identity takes
 * the entry, and a lane whose entry is the identity keeps its accumulator,
 * both by masks the caller derives from the digits.
 *
 * Constant time: straight-line vector code and masked blends.
 */
#include "ec/ifma_lanes.h"

typedef struct { v8 x, y, z; } p8;

static void fix(v8 *a)
{
    lane_norm(a);
    lane_reduce(a);
}

static void add_v(v8 *r, const v8 *a, const v8 *b)
{
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_add_epi64(a->l[j], b->l[j]);
}

/* r = a + k p - b (b below k p) */
static void sub_v(v8 *r, const v8 *a, const v8 *b, uint64_t k)
{
    for (int j = 0; j < 8; j++) r->l[j] = lane_sub_limb(a->l[j], b->l[j], k, j);
}

static void blend(v8 *r, __mmask8 take, const v8 *a)
{
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_mask_blend_epi64(take, r->l[j], a->l[j]);
}

static void p8_in(p8 *p, const ck_g1_lanes *a)
{
    for (int j = 0; j < 8; j++) {
        p->x.l[j] = _mm512_load_si512(a->x[j]);
        p->y.l[j] = _mm512_load_si512(a->y[j]);
        p->z.l[j] = _mm512_load_si512(a->z[j]);
    }
}

static void p8_out(ck_g1_lanes *a, const p8 *p)
{
    for (int j = 0; j < 8; j++) {
        _mm512_store_si512(a->x[j], p->x.l[j]);
        _mm512_store_si512(a->y[j], p->y.l[j]);
        _mm512_store_si512(a->z[j], p->z.l[j]);
    }
}

/* Every coordinate is below 1.01 p; products below p + 2^364. */
static void madd(p8 *a, const v8 *qx, const v8 *qy, __mmask8 p_inf, __mmask8 q_inf)
{
    v8 z1z1, u2, s2, h, hh, i, j, rr, v, t, x3, y3, z3, one;
    lane_mont(&z1z1, &a->z, &a->z);
    lane_mont(&u2, qx, &z1z1);
    lane_mont(&s2, qy, &a->z);
    lane_mont(&s2, &s2, &z1z1);
    sub_v(&h, &u2, &a->x, 2);
    fix(&h);
    lane_mont(&hh, &h, &h);
    add_v(&i, &hh, &hh);
    add_v(&i, &i, &i);
    fix(&i);                                   /* 4 hh */
    lane_mont(&j, &h, &i);
    sub_v(&rr, &s2, &a->y, 2);
    add_v(&rr, &rr, &rr);
    fix(&rr);                                  /* 2 (s2 - y) */
    lane_mont(&v, &a->x, &i);
    lane_mont(&x3, &rr, &rr);
    add_v(&t, &v, &v);
    add_v(&t, &t, &j);
    sub_v(&x3, &x3, &t, 4);                    /* rr^2 - j - 2v */
    fix(&x3);
    sub_v(&t, &v, &x3, 2);
    fix(&t);
    lane_mont(&y3, &rr, &t);
    lane_mont(&t, &a->y, &j);
    add_v(&t, &t, &t);
    sub_v(&y3, &y3, &t, 3);                    /* rr (v - x3) - 2 y j */
    fix(&y3);
    add_v(&t, &a->z, &h);
    lane_norm(&t);
    lane_mont(&z3, &t, &t);
    add_v(&t, &z1z1, &hh);
    sub_v(&z3, &z3, &t, 3);                    /* (z + h)^2 - z1z1 - hh */
    fix(&z3);
    lane_broadcast(&one, LANE_ONE_R);
    blend(&x3, p_inf, qx);
    blend(&y3, p_inf, qy);
    blend(&z3, p_inf, &one);
    blend(&x3, q_inf, &a->x);
    blend(&y3, q_inf, &a->y);
    blend(&z3, q_inf, &a->z);
    a->x = x3;
    a->y = y3;
    a->z = z3;
}

void ck_g1l_start(ck_g1_lanes *a)
{
    memset(a, 0, sizeof(*a));
}

void ck_g1l_madd(ck_g1_lanes *a, const ck_g1_affine *const q[8], unsigned p_inf, unsigned q_inf)
{
    const ck_fp *x[8], *y[8];
    p8 p;
    v8 qx, qy;
    for (int i = 0; i < 8; i++) {
        x[i] = &q[i]->x;
        y[i] = &q[i]->y;
    }
    lane_load(&qx, x);
    lane_load(&qy, y);
    p8_in(&p, a);
    madd(&p, &qx, &qy, (__mmask8)p_inf, (__mmask8)q_inf);
    p8_out(a, &p);
    ck_wipe_inline(&p, sizeof(p));
    ck_wipe_inline(&qx, sizeof(qx));
    ck_wipe_inline(&qy, sizeof(qy));
}

void ck_g1l_finish(ck_g1 *const out[8], ck_g1_lanes *a)
{
    ck_fp *o[8];
    p8 p;
    p8_in(&p, a);
    for (int i = 0; i < 8; i++) o[i] = &out[i]->x;
    lane_store(o, &p.x);
    for (int i = 0; i < 8; i++) o[i] = &out[i]->y;
    lane_store(o, &p.y);
    for (int i = 0; i < 8; i++) o[i] = &out[i]->z;
    lane_store(o, &p.z);
    ck_wipe_inline(&p, sizeof(p));
    ck_wipe_inline(a, sizeof(*a));
}
