/*
 * src/ec/g2_ifma.c - eight fixed-base G2 multiplications at once on AVX-512
 * IFMA (ck_g2_table_mul_many, point_impl.h): the mixed additions of windows
 * 0 to 62 over Fp2 lanes (ifma_tower.h), one lane per multiplication, as
 * g1_ifma.c does over Fp: the addition of ifma_madd.h, masks from the
 * digits for the identities, entries in and results out through the
 * conversions of ifma_lanes.h, so the points equal ck_g2_table_mul's.
 *
 * Constant time: straight-line vector code and masked blends.
 */
#include "ec/ifma_tower.h"

typedef struct { x2 x, y, z; } q8;

/* products reduced below 1.01 p (x2_mul leaves them below 4.01 p) */
static void mul(x2 *r, const x2 *a, const x2 *b)
{
    x2_mul(r, a, b);
    x2_fix(r);
}

static void subf(x2 *r, const x2 *a, const x2 *b, uint64_t k)
{
    x2_sub(r, a, b, k);
    x2_fix(r);
}

static void blend(x2 *r, __mmask8 take, const x2 *a)
{
    for (int j = 0; j < 8; j++) {
        r->c0.l[j] = _mm512_mask_blend_epi64(take, r->c0.l[j], a->c0.l[j]);
        r->c1.l[j] = _mm512_mask_blend_epi64(take, r->c1.l[j], a->c1.l[j]);
    }
}

static void x2_load(x2 *r, const uint64_t t[2][8][8])
{
    for (int j = 0; j < 8; j++) {
        r->c0.l[j] = _mm512_load_si512(t[0][j]);
        r->c1.l[j] = _mm512_load_si512(t[1][j]);
    }
}

static void x2_save(uint64_t t[2][8][8], const x2 *a)
{
    for (int j = 0; j < 8; j++) {
        _mm512_store_si512(t[0][j], a->c0.l[j]);
        _mm512_store_si512(t[1][j], a->c1.l[j]);
    }
}

static void set_one(x2 *r)
{
    lane_broadcast(&r->c0, LANE_ONE_R);
    for (int k = 0; k < 8; k++) r->c1.l[k] = _mm512_setzero_si512();
}

#define FE x2
#define PT8 q8
#define MUL mul
#define ADD x2_add
#define SUM x2_sum
#define SUBF subf
#define FIX x2_fix
#define BLEND blend
#define SET_ONE set_one
#include "ec/ifma_madd.h"

void ck_g2l_start(ck_g2_lanes *a)
{
    memset(a, 0, sizeof(*a));
}

void ck_g2l_madd(ck_g2_lanes *a, const ck_g2_affine *const q[8], unsigned p_inf, unsigned q_inf)
{
    const ck_fp *c[8];
    x2 qx, qy;
    q8 p;
    for (int i = 0; i < 8; i++) c[i] = &q[i]->x.c0;
    lane_load(&qx.c0, c);
    for (int i = 0; i < 8; i++) c[i] = &q[i]->x.c1;
    lane_load(&qx.c1, c);
    for (int i = 0; i < 8; i++) c[i] = &q[i]->y.c0;
    lane_load(&qy.c0, c);
    for (int i = 0; i < 8; i++) c[i] = &q[i]->y.c1;
    lane_load(&qy.c1, c);
    x2_load(&p.x, (const uint64_t(*)[8][8])a->x);
    x2_load(&p.y, (const uint64_t(*)[8][8])a->y);
    x2_load(&p.z, (const uint64_t(*)[8][8])a->z);
    madd(&p, &qx, &qy, (__mmask8)p_inf, (__mmask8)q_inf);
    x2_save(a->x, &p.x);
    x2_save(a->y, &p.y);
    x2_save(a->z, &p.z);
    ck_wipe_inline(&p, sizeof(p));
    ck_wipe_inline(&qx, sizeof(qx));
    ck_wipe_inline(&qy, sizeof(qy));
}

void ck_g2l_finish(ck_g2 *const out[8], ck_g2_lanes *a)
{
    ck_fp *o[8];
    v8 v;
    for (int c = 0; c < 6; c++) {              /* x, y, z; real then imaginary part */
        const uint64_t(*src)[8][8] = c / 2 == 0 ? a->x : c / 2 == 1 ? a->y : a->z;
        for (int i = 0; i < 8; i++) {
            ck_fp2 *f = c / 2 == 0 ? &out[i]->x : c / 2 == 1 ? &out[i]->y : &out[i]->z;
            o[i] = c % 2 ? &f->c1 : &f->c0;
        }
        for (int j = 0; j < 8; j++) v.l[j] = _mm512_load_si512(src[c % 2][j]);
        lane_store(o, &v);
    }
    ck_wipe_inline(&v, sizeof(v));
    ck_wipe_inline(a, sizeof(*a));
}
