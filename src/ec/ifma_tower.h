/*
 * src/ec/ifma_tower.h - Fp2, Fp6 and Fp12 in the lanes of AVX-512 vectors:
 * eight independent elements, lane by lane, on the Fp lanes of
 * ifma_lanes.h (miller_ifma.c, gt_ifma.c).
 *
 * Bounds (ifma_lanes.h): every result of these functions has 52-bit limbs
 * and is below 1.01 p unless its comment says otherwise; sums fed to a
 * product stay below 2^390; each difference adds k p with k above the
 * subtrahend's bound in units of p.
 */
#ifndef CK_EC_IFMA_TOWER_H
#define CK_EC_IFMA_TOWER_H

#include "ec/ifma_lanes.h"

typedef struct { v8 c0, c1; } x2;
typedef struct { x2 c[3]; } x6;

/* ---- Fp: limb-wise sums, then a carry pass (and a reduction) ---------- */

static inline void v8_add(v8 *r, const v8 *a, const v8 *b)
{
    for (int j = 0; j < 8; j++) r->l[j] = _mm512_add_epi64(a->l[j], b->l[j]);
}

/* r = a + k p - b, limbs signed */
static inline void v8_sub(v8 *r, const v8 *a, const v8 *b, uint64_t k)
{
    for (int j = 0; j < 8; j++) r->l[j] = lane_sub_limb(a->l[j], b->l[j], k, j);
}

/* ---- Fp2 --------------------------------------------------------------- */

static inline void x2_fix(x2 *a)
{
    lane_norm(&a->c0);
    lane_reduce(&a->c0);
    lane_norm(&a->c1);
    lane_reduce(&a->c1);
}

/* a + b with 52-bit limbs, not reduced: an operand of a product */
static inline void x2_sum(x2 *r, const x2 *a, const x2 *b)
{
    v8_add(&r->c0, &a->c0, &b->c0);
    v8_add(&r->c1, &a->c1, &b->c1);
    lane_norm(&r->c0);
    lane_norm(&r->c1);
}

static inline void x2_add(x2 *r, const x2 *a, const x2 *b)
{
    v8_add(&r->c0, &a->c0, &b->c0);
    v8_add(&r->c1, &a->c1, &b->c1);
}

/* a + k p - b in both halves */
static inline void x2_sub(x2 *r, const x2 *a, const x2 *b, uint64_t k)
{
    v8_sub(&r->c0, &a->c0, &b->c0, k);
    v8_sub(&r->c1, &a->c1, &b->c1, k);
}

/* xi a = (a0 - a1, a0 + a1) for a1 below k p */
static inline void x2_mul_by_xi(x2 *r, const x2 *a, uint64_t k)
{
    v8 re;
    v8_sub(&re, &a->c0, &a->c1, k);
    v8_add(&r->c1, &a->c0, &a->c1);
    r->c0 = re;
}

/* Karatsuba: three products; operands with 52-bit limbs below 2^389. The
 * result is not reduced: 52-bit limbs, below 3.01 p (real) and 4.01 p
 * (imaginary); the Fp6 products reduce their sums once. r may alias a or b. */
static inline void x2_mul(x2 *r, const x2 *a, const x2 *b)
{
    v8 sa, sb, t0, t1, t2;
    v8_add(&sa, &a->c0, &a->c1);
    v8_add(&sb, &b->c0, &b->c1);
    lane_norm(&sa);
    lane_norm(&sb);
    lane_mont(&t0, &a->c0, &b->c0);
    lane_mont(&t1, &a->c1, &b->c1);
    lane_mont(&t2, &sa, &sb);
    v8_sub(&r->c0, &t0, &t1, 2);            /* t0, t1, t2 < 1.0001 p */
    v8_add(&t0, &t0, &t1);
    v8_sub(&r->c1, &t2, &t0, 3);
    lane_norm(&r->c0);
    lane_norm(&r->c1);
}

/* ---- Fp6 = Fp2[v]/(v^3 - xi): Karatsuba and the sparse products ------- */

/* r = a b (r distinct from a and b):
 * c0 = a0 b0 + xi ((a1 + a2)(b1 + b2) - a1 b1 - a2 b2),
 * c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 + xi a2 b2,
 * c2 = (a0 + a2)(b0 + b2) - a0 b0 - a2 b2 + a1 b1; operands below 4.1 p. */
static inline void x6_mul(x6 *r, const x6 *a, const x6 *b)
{
    x2 v0, v1, v2, s, u, t, w;
    x2_mul(&v0, &a->c[0], &b->c[0]);
    x2_mul(&v1, &a->c[1], &b->c[1]);
    x2_mul(&v2, &a->c[2], &b->c[2]);

    x2_sum(&s, &a->c[1], &a->c[2]);
    x2_sum(&u, &b->c[1], &b->c[2]);
    x2_mul(&t, &s, &u);
    x2_add(&w, &v1, &v2);
    x2_sub(&t, &t, &w, 9);                  /* products < 4.01 p: < 13.01 p */
    x2_mul_by_xi(&t, &t, 14);               /* < 27.02 p */
    x2_sum(&s, &a->c[0], &a->c[1]);
    x2_sum(&u, &b->c[0], &b->c[1]);
    x2_add(&r->c[0], &t, &v0);              /* < 31.03 p < 2^386 */

    x2_mul(&t, &s, &u);
    x2_add(&w, &v0, &v1);
    x2_sub(&t, &t, &w, 9);
    x2_mul_by_xi(&w, &v2, 5);               /* < 9.02 p */
    x2_add(&r->c[1], &t, &w);               /* < 22.03 p */

    x2_sum(&s, &a->c[0], &a->c[2]);
    x2_sum(&u, &b->c[0], &b->c[2]);
    x2_mul(&t, &s, &u);
    x2_add(&w, &v0, &v2);
    x2_sub(&t, &t, &w, 9);
    x2_add(&r->c[2], &t, &v1);              /* < 17.02 p */
    for (int i = 0; i < 3; i++) x2_fix(&r->c[i]);
}

/* r = a (b0 + b1 v), r distinct from a: c0 = a0 b0 + xi a2 b1, c1 = (a0 + a1)(b0 + b1) - a0 b0 -
 * a1 b1, c2 = a2 b0 + a1 b1 */
static inline void x6_mul_by_01(x6 *r, const x6 *a, const x2 *b0, const x2 *b1)
{
    x2 t0, t1, t, s, u;
    x2_mul(&t0, &a->c[0], b0);
    x2_mul(&t1, &a->c[1], b1);
    x2_sum(&s, &a->c[0], &a->c[1]);
    x2_sum(&u, b0, b1);
    x2_mul(&t, &a->c[2], b1);
    x2_mul_by_xi(&t, &t, 5);                /* products < 4.01 p: < 9.02 p */
    x2_add(&r->c[0], &t, &t0);              /* < 13.03 p */
    x2_mul(&t, &s, &u);
    x2_add(&s, &t0, &t1);
    x2_sub(&r->c[1], &t, &s, 9);            /* < 13.01 p */
    x2_mul(&t, &a->c[2], b0);
    x2_add(&r->c[2], &t, &t1);              /* < 8.02 p */
    for (int i = 0; i < 3; i++) x2_fix(&r->c[i]);
}

/* a b1 v = (xi a2 b1, a0 b1, a1 b1) */
static inline void x6_mul_by_1(x6 *r, const x6 *a, const x2 *b1)
{
    x2 t;
    x2_mul(&t, &a->c[2], b1);
    x2_mul(&r->c[1], &a->c[0], b1);
    x2_mul(&r->c[2], &a->c[1], b1);
    x2_mul_by_xi(&r->c[0], &t, 5);
    for (int i = 0; i < 3; i++) x2_fix(&r->c[i]);
}

/* v a = (xi a2, a0, a1), not reduced: below 3.02 p for a below 1.01 p */
static inline void x6_mul_by_v(x6 *r, const x6 *a)
{
    x2 t;
    x2_mul_by_xi(&t, &a->c[2], 2);
    r->c[2] = a->c[1];
    r->c[1] = a->c[0];
    r->c[0] = t;
}

static inline void x6_sum(x6 *r, const x6 *a, const x6 *b)
{
    for (int i = 0; i < 3; i++) x2_sum(&r->c[i], &a->c[i], &b->c[i]);
}

static inline void x6_norm(x6 *a)
{
    for (int i = 0; i < 3; i++) {
        lane_norm(&a->c[i].c0);
        lane_norm(&a->c[i].c1);
    }
}

/* ---- Fp12 = Fp6[w]/(w^2 - v) -------------------------------------------- */

typedef struct { x6 a, b; } x12;

/* (a + b w)^2 = (a + b)(a + v b) - a b - v a b + 2 a b w */
static inline void x12_sqr(x12 *f)
{
    x6 ab, s, u, vab, su;
    x6_mul(&ab, &f->a, &f->b);
    x6_sum(&s, &f->a, &f->b);               /* < 2.02 p */
    x6_mul_by_v(&u, &f->b);
    for (int i = 0; i < 3; i++) x2_add(&u.c[i], &u.c[i], &f->a.c[i]);
    x6_norm(&u);                            /* < 4.03 p */
    x6_mul(&su, &s, &u);
    x6_mul_by_v(&vab, &ab);                 /* < 3.02 p */
    for (int i = 0; i < 3; i++) {
        x2_add(&u.c[i], &ab.c[i], &vab.c[i]);
        x2_sub(&f->a.c[i], &su.c[i], &u.c[i], 5);
        x2_add(&f->b.c[i], &ab.c[i], &ab.c[i]);
        x2_fix(&f->a.c[i]);
        x2_fix(&f->b.c[i]);
    }
}

/* f (c0 + c1 v + c4 v w): a c0' = a (c0 + c1 v), t1 = b c4 v,
 * s = (a + b)(c0 + (c1 + c4) v); f = (a c0' + v t1, s - a c0' - t1) */
static inline void x12_mul_by_014(x12 *f, const x2 *c0, const x2 *c1, const x2 *c4)
{
    x6 t0, t1, sum, s, vt;
    x2 b1;
    x6_mul_by_01(&t0, &f->a, c0, c1);
    x6_mul_by_1(&t1, &f->b, c4);
    x6_sum(&sum, &f->a, &f->b);
    x2_sum(&b1, c1, c4);
    x6_mul_by_01(&s, &sum, c0, &b1);
    x6_mul_by_v(&vt, &t1);
    for (int i = 0; i < 3; i++) {
        x2_add(&f->a.c[i], &t0.c[i], &vt.c[i]);   /* < 4.03 p */
        x2_add(&vt.c[i], &t0.c[i], &t1.c[i]);
        x2_sub(&f->b.c[i], &s.c[i], &vt.c[i], 3);
        x2_fix(&f->a.c[i]);
        x2_fix(&f->b.c[i]);
    }
}

/* r = a b (r distinct from a and b), Karatsuba over Fp6 */
static inline void x12_mul(x12 *r, const x12 *a, const x12 *b)
{
    x6 t0, t1, sa, sb, s, vt;
    x6_mul(&t0, &a->a, &b->a);
    x6_mul(&t1, &a->b, &b->b);
    x6_sum(&sa, &a->a, &a->b);
    x6_sum(&sb, &b->a, &b->b);
    x6_mul(&s, &sa, &sb);
    x6_mul_by_v(&vt, &t1);                  /* < 3.02 p */
    for (int i = 0; i < 3; i++) {
        x2_add(&r->a.c[i], &t0.c[i], &vt.c[i]);
        x2_add(&vt.c[i], &t0.c[i], &t1.c[i]);
        x2_sub(&r->b.c[i], &s.c[i], &vt.c[i], 3);
        x2_fix(&r->a.c[i]);
        x2_fix(&r->b.c[i]);
    }
}

/* coefficient k of Fp12 (k = 6 i + 2 j + h: Fp6 half i, Fp2 j, part h),
 * the order of ck_fp12's limbs */
static inline v8 *x12_coef(x12 *f, int k)
{
    x6 *h = k < 6 ? &f->a : &f->b;
    x2 *c = &h->c[(k % 6) / 2];
    return k % 2 ? &c->c1 : &c->c0;
}

/* an x12 from/to memory laid out as f[k][j][i] (coefficient k, limb j,
 * lane i; 64-byte aligned) */
static inline void x12_load(x12 *r, const uint64_t f[12][8][8])
{
    for (int k = 0; k < 12; k++)
        for (int j = 0; j < 8; j++) x12_coef(r, k)->l[j] = _mm512_load_si512(f[k][j]);
}

static inline void x12_save(uint64_t f[12][8][8], x12 *a)
{
    for (int k = 0; k < 12; k++)
        for (int j = 0; j < 8; j++) _mm512_store_si512(f[k][j], x12_coef(a, k)->l[j]);
}

#endif
