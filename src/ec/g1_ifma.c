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
 * ck_g1_table_mul's. The addition (ifma_madd.h) has no doubling case
 * (ck_g1_table_mul's argument: for windows up to 62 the accumulator is
 * never +-entry); the identity masks come from the digits (point_impl.h).
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

static void subf(v8 *r, const v8 *a, const v8 *b, uint64_t k)
{
    sub_v(r, a, b, k);
    fix(r);
}

static void sum(v8 *r, const v8 *a, const v8 *b)
{
    add_v(r, a, b);
    lane_norm(r);
}

#define FE v8
#define PT8 p8
#define MUL lane_mont                      /* products below p + 2^364 */
#define ADD add_v
#define SUM sum
#define SUBF subf
#define FIX fix
#define BLEND blend
#define SET_ONE(r) lane_broadcast((r), LANE_ONE_R)
#include "ec/ifma_madd.h"

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
