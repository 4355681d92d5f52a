/*
 * src/ec/gt_ifma.c - eight fixed-base GT exponentiations at once on AVX-512
 * IFMA (ck_gt_table_exp_many in gt.c): each lane accumulates the product of
 * the table entries its own digits pick, so the 51 products of eight
 * exponentiations run as 51 passes of vector code.
 *
 * This file is compiled with -mavx512f -mavx512ifma; gt.c calls it only
 * when ck_cpu_has_ifma says the CPU and the OS run those instructions.
 *
 * Scale. Table entries are in the scalar Montgomery form (x 2^384) and go
 * into the lanes as they are; a lane product divides by 2^416 (Montgomery
 * with R = 2^416, ifma_lanes.h), so each of the 51 products leaves a factor
 * 2^-32: after them the lanes hold x 2^(384 - 32 * 51). One product with
 * 2^2048 mod p = 2^(416 + 32 * 51) brings every coefficient back to x 2^384
 * exactly, and one masked subtraction makes it canonical. No conversion
 * per entry, and the results equal the scalar ones limb for limb.
 *
 * Constant time: straight-line vector code; the digits and the scans that
 * pick the entries stay in gt.c.
 */
#include "ec/ifma_tower.h"

/* 2^2048 mod p in 52-bit limbs (see "Scale") */
static const uint64_t AFTER_ROWS[8] = {
    0x8ee3af0f078dcULL, 0x0e8ff2aac623bULL, 0xd25a14b58da19ULL, 0xc7c1b74921d13ULL,
    0xbd70eb7bab977ULL, 0xe1434db9f3bfaULL, 0x41e91bfc974f9ULL, 0x000000000f91dULL,
};

/* eight Fp12 elements (canonical) into lanes, unconverted */
static void split12(x12 *r, const ck_fp12 *const e[8])
{
    uint64_t t[8][8];
    for (int k = 0; k < 12; k++) {
        for (int i = 0; i < 8; i++) lane_split(t, i, &((const ck_fp *)e[i])[k]);
        for (int j = 0; j < 8; j++) x12_coef(r, k)->l[j] = _mm512_loadu_si512(t[j]);
    }
    ck_wipe_inline(t, sizeof(t));
}

void ck_gtl_start(ck_gt_lanes *a, const ck_fp12 *const e[8])
{
    x12 f;
    split12(&f, e);
    x12_save(a->f, &f);
    a->muls = 0;
    ck_wipe_inline(&f, sizeof(f));
}

void ck_gtl_mul(ck_gt_lanes *a, const ck_fp12 *const e[8])
{
    x12 f, t, r;
    x12_load(&f, (const uint64_t(*)[8][8])a->f);
    split12(&t, e);
    x12_mul(&r, &f, &t);
    x12_save(a->f, &r);
    a->muls++;
    ck_wipe_inline(&f, sizeof(f));
    ck_wipe_inline(&t, sizeof(t));
    ck_wipe_inline(&r, sizeof(r));
}

int ck_gtl_finish(ck_fp12 *const out[8], ck_gt_lanes *a)
{
    uint64_t t[8][8];
    x12 f;
    v8 c, v;
    if (a->muls != CK_GT_LANES_MULS) {     /* the scale fits this count only */
        ck_wipe_inline(a, sizeof(*a));
        return -1;
    }
    x12_load(&f, (const uint64_t(*)[8][8])a->f);
    lane_broadcast(&c, AFTER_ROWS);
    for (int k = 0; k < 12; k++) {
        lane_mont(&v, x12_coef(&f, k), &c);
        for (int j = 0; j < 8; j++) _mm512_storeu_si512(t[j], v.l[j]);
        for (int i = 0; i < 8; i++) lane_join(&((ck_fp *)out[i])[k], (const uint64_t(*)[8])t, i);
    }
    ck_wipe_inline(t, sizeof(t));
    ck_wipe_inline(&f, sizeof(f));
    ck_wipe_inline(&v, sizeof(v));
    ck_wipe_inline(a, sizeof(*a));
    return 0;
}
