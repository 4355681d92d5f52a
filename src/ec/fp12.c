/*
 * src/ec/fp12.c - Fp12 = Fp6[w]/(w^2 - v): Karatsuba multiplication, complex
 * squaring, Granger-Scott cyclotomic squaring, sparse line multiplication.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/wide.h"

void ck_fp12_one(ck_fp12 *r)
{
    memset(r, 0, sizeof(*r));
    r->c0.c0.c0 = CK_FP_ONE;
}

int ck_fp12_is_one(const ck_fp12 *a)
{
    ck_fp12 one;
    ck_fp12_one(&one);
    return ck_fp12_eq(a, &one);
}

int ck_fp12_eq(const ck_fp12 *a, const ck_fp12 *b)
{
    limb_t acc = 0;
    const limb_t *x = (const limb_t *)a, *y = (const limb_t *)b;
    for (size_t i = 0; i < sizeof(*a) / sizeof(limb_t); i++) acc |= x[i] ^ y[i];
    return (int)(ck_mask_is_zero(acc) & 1);
}

/* v x for x in Fp6 (v^3 = xi), on unreduced coefficients. */
static void fp6w_mul_by_v(ck_fp2w r[3], const ck_fp2w x[3])
{
    ck_fp2w t;
    ck_fp2w_mul_by_xi(&t, &x[2]);
    r[2] = x[1];
    r[1] = x[0];
    r[0] = t;
}

static void fp6w_add(ck_fp2w r[3], const ck_fp2w a[3], const ck_fp2w b[3])
{
    for (int i = 0; i < 3; i++) ck_fp2w_add(&r[i], &a[i], &b[i]);
}

static void fp6w_sub(ck_fp2w r[3], const ck_fp2w a[3], const ck_fp2w b[3])
{
    for (int i = 0; i < 3; i++) ck_fp2w_sub(&r[i], &a[i], &b[i]);
}

/* r = (t0 + v t1) + (s - t0 - t1) w with t0 = a0 b0, t1 = a1 b1,
 * s = (a0 + a1)(b0 + b1), unreduced; every coefficient reduced once. */
static void karatsuba_finish(ck_fp12 *r, ck_fp2w t0[3], ck_fp2w t1[3], ck_fp2w s[3])
{
    fp6w_sub(s, s, t0);
    fp6w_sub(s, s, t1);
    fp6w_mul_by_v(t1, t1);
    fp6w_add(t0, t0, t1);
    ck_fp6_redc(&r->c0, t0);
    ck_fp6_redc(&r->c1, s);
}

/* Karatsuba over Fp6 with every coefficient reduced once at the end:
 * c0 = a0 b0 + v a1 b1, c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1. */
void ck_fp12_mul(ck_fp12 *r, const ck_fp12 *a, const ck_fp12 *b)
{
    ck_fp2w t0[3], t1[3], s[3];
    ck_fp6 sa, sb;
    ck_fp6_add(&sa, &a->c0, &a->c1);
    ck_fp6_add(&sb, &b->c0, &b->c1);
    ck_fp6_mul_wide(t0, &a->c0, &b->c0);
    ck_fp6_mul_wide(t1, &a->c1, &b->c1);
    ck_fp6_mul_wide(s, &sa, &sb);
    karatsuba_finish(r, t0, t1, s);
}

/* (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - a0a1 - v a0a1 + 2 a0a1 w. The two
 * Fp6 products reduce their coefficients once each; reducing at this level
 * instead measured no faster (as many reductions, more wide additions). */
void ck_fp12_sqr(ck_fp12 *r, const ck_fp12 *a)
{
    ck_fp6 ab, s, u;
    ck_fp6_mul(&ab, &a->c0, &a->c1);
    ck_fp6_add(&s, &a->c0, &a->c1);
    ck_fp6_mul_by_v(&u, &a->c1);
    ck_fp6_add(&u, &u, &a->c0);
    ck_fp6_mul(&s, &s, &u);
    ck_fp6_sub(&s, &s, &ab);
    ck_fp6_mul_by_v(&u, &ab);
    ck_fp6_sub(&r->c0, &s, &u);
    ck_fp6_add(&r->c1, &ab, &ab);
}

void ck_fp12_conj(ck_fp12 *r, const ck_fp12 *a)
{
    r->c0 = a->c0;
    ck_fp6_neg(&r->c1, &a->c1);
}

void ck_fp12_inv(ck_fp12 *r, const ck_fp12 *a)
{
    ck_fp6 t, s;
    ck_fp6_sqr(&t, &a->c0);                   /* t = a0^2 - v a1^2 */
    ck_fp6_sqr(&s, &a->c1);
    ck_fp6_mul_by_v(&s, &s);
    ck_fp6_sub(&t, &t, &s);
    ck_fp6_inv(&t, &t);
    ck_fp6_mul(&r->c0, &a->c0, &t);
    ck_fp6_mul(&s, &a->c1, &t);
    ck_fp6_neg(&r->c1, &s);
}

/* a^(p^power) for any power; w^(p^k) = w xi^((p^k-1)/6), and p^6 is conjugation. */
void ck_fp12_frobenius(ck_fp12 *r, const ck_fp12 *a, unsigned power)
{
    ck_fp12 t;
    power %= 12;
    unsigned k = power % 6;
    ck_fp6_frobenius(&t.c0, &a->c0, k);
    ck_fp6_frobenius(&t.c1, &a->c1, k);
    ck_fp2_mul_(&t.c1.c0, &t.c1.c0, &CK_FROB12_C1[k]);
    ck_fp2_mul_(&t.c1.c1, &t.c1.c1, &CK_FROB12_C1[k]);
    ck_fp2_mul_(&t.c1.c2, &t.c1.c2, &CK_FROB12_C1[k]);
    if (power >= 6) ck_fp12_conj(&t, &t);
    *r = t;
}

/* f * (c0 + c1 v + c4 v w), Karatsuba over the two Fp6 halves, every
 * coefficient reduced once. */
void ck_fp12_mul_by_014(ck_fp12 *f, const ck_fp2 *c0, const ck_fp2 *c1, const ck_fp2 *c4)
{
    ck_fp2w t0[3], t1[3], s[3];
    ck_fp6 sum;
    ck_fp2 b1;
    ck_fp6_mul_by_01_wide(t0, &f->c0, c0, c1);
    ck_fp6_mul_by_1_wide(t1, &f->c1, c4);
    ck_fp6_add(&sum, &f->c0, &f->c1);
    ck_fp2_add_(&b1, c1, c4);
    ck_fp6_mul_by_01_wide(s, &sum, c0, &b1);
    karatsuba_finish(f, t0, t1, s);
}

/* f g for g = g0 + (y1 v + y2 v^2) w, the shape of a product of two
 * lines: 6 + 5 + 6 Fp2 products, every coefficient reduced once. */
static void mul_by_line_product(ck_fp12 *f, const ck_fp6 *g0, const ck_fp2 *y1, const ck_fp2 *y2)
{
    ck_fp2w t0[3], t1[3], s[3];
    ck_fp6 sum, gs;
    ck_fp6_mul_wide(t0, &f->c0, g0);
    ck_fp6_mul_by_12_wide(t1, &f->c1, y1, y2);
    ck_fp6_add(&sum, &f->c0, &f->c1);
    gs.c0 = g0->c0;
    ck_fp2_add_(&gs.c1, &g0->c1, y1);
    ck_fp2_add_(&gs.c2, &g0->c2, y2);
    ck_fp6_mul_wide(s, &sum, &gs);
    karatsuba_finish(f, t0, t1, s);
}

/* g0.c1 = (p0 + p1)(q0 + q1) - t_00 - t_11 for Karatsuba cross terms. */
static void cross_term(ck_fp2 *r, const ck_fp2 *p0, const ck_fp2 *p1, const ck_fp2 *q0,
                       const ck_fp2 *q1, const ck_fp2w *t00, const ck_fp2w *t11)
{
    ck_fp2w x;
    ck_fp2 p, q;
    ck_fp2_add_(&p, p0, p1);
    ck_fp2_add_(&q, q0, q1);
    ck_fp2w_mul(&x, &p, &q);
    ck_fp2w_sub(&x, &x, t00);
    ck_fp2w_sub(&x, &x, t11);
    ck_fp2w_redc(r, &x);
}

/*
 * f * l * m for two lines l = (a0, a1, a4), m = (b0, b1, b4) in the 014
 * shape. Their product has five nonzero coefficients,
 *   g = (a0b0 + xi a4b4, a0b1 + a1b0, a1b1) + (0, a0b4 + a4b0, a1b4 + a4b1) w,
 * six Fp2 products by Karatsuba (the cross terms from the three squares of
 * sums), and f g costs 6 + 5 + 6 products: 23 in all instead of the 26 of
 * two sparse products, and 22 reductions instead of 24. Multi-pairings and
 * the addition steps of a single pairing evaluate their lines in pairs.
 */
void ck_fp12_mul_by_014_014(ck_fp12 *f, const ck_fp2 a[3], const ck_fp2 b[3])
{
    ck_fp2w t00, t11, t44, x;
    ck_fp6 g0;
    ck_fp2 y1, y2;

    ck_fp2w_mul(&t00, &a[0], &b[0]);
    ck_fp2w_mul(&t11, &a[1], &b[1]);
    ck_fp2w_mul(&t44, &a[2], &b[2]);
    ck_fp2w_mul_by_xi(&x, &t44);
    ck_fp2w_add(&x, &x, &t00);
    ck_fp2w_redc(&g0.c0, &x);
    ck_fp2w_redc(&g0.c2, &t11);
    cross_term(&g0.c1, &a[0], &a[1], &b[0], &b[1], &t00, &t11);
    cross_term(&y1, &a[0], &a[2], &b[0], &b[2], &t00, &t44);
    cross_term(&y2, &a[1], &a[2], &b[1], &b[2], &t11, &t44);
    mul_by_line_product(f, &g0, &y1, &y2);
}

/*
 * f * l * m for two monic lines l = a0 + a1 v + vw, m = b0 + b1 v + vw (the
 * prepared lines, scaled by factors the final exponentiation removes):
 *   g = (a0b0 + xi, a0b1 + a1b0, a1b1) + (0, a0 + b0, a1 + b1) w,
 * three Fp2 products instead of six, 20 in all.
 */
void ck_fp12_mul_by_monic_pair(ck_fp12 *f, const ck_fp2 a[2], const ck_fp2 b[2])
{
    static const ck_fp2 xi = {CK_FP_ONE_INIT, CK_FP_ONE_INIT};
    ck_fp2w t00, t11;
    ck_fp6 g0;
    ck_fp2 y1, y2;

    ck_fp2w_mul(&t00, &a[0], &b[0]);
    ck_fp2w_mul(&t11, &a[1], &b[1]);
    ck_fp2w_redc(&g0.c0, &t00);
    ck_fp2_add_(&g0.c0, &g0.c0, &xi);
    ck_fp2w_redc(&g0.c2, &t11);
    cross_term(&g0.c1, &a[0], &a[1], &b[0], &b[1], &t00, &t11);
    ck_fp2_add_(&y1, &a[0], &b[0]);
    ck_fp2_add_(&y2, &a[1], &b[1]);
    mul_by_line_product(f, &g0, &y1, &y2);
}

/*
 * Granger-Scott squaring for elements of the cyclotomic subgroup, seen as
 * A + B w + C w^2 over Fp4 = Fp2[s], s = w^3:  A = g0 + h1 s, B = h0 + g2 s,
 * C = g1 + h2 s.  A' = 3A^2 - 2conj(A), B' = 3 s C^2 + 2conj(B),
 * C' = 3B^2 - 2conj(C).
 */
void ck_fp12_cyclotomic_sqr(ck_fp12 *r, const ck_fp12 *a)
{
    ck_fp2 z0 = a->c0.c0, z1 = a->c1.c1, z2 = a->c1.c0, z3 = a->c0.c2;
    ck_fp2 z4 = a->c0.c1, z5 = a->c1.c2, t0, t1, t2, t3;

    ck_fp4_sqr(&t0, &t1, &z0, &z1);
    ck_cyc_3t_minus_2z(&z0, &t0);
    ck_cyc_3t_plus_2z(&z1, &t1);
    ck_fp4_sqr(&t0, &t1, &z2, &z3);
    ck_fp4_sqr(&t2, &t3, &z4, &z5);
    ck_cyc_3t_minus_2z(&z4, &t0);
    ck_cyc_3t_plus_2z(&z5, &t1);
    ck_fp2_mul_by_xi_(&t0, &t3);
    ck_cyc_3t_plus_2z(&z2, &t0);
    ck_cyc_3t_minus_2z(&z3, &t2);

    r->c0.c0 = z0; r->c0.c1 = z4; r->c0.c2 = z3;
    r->c1.c0 = z2; r->c1.c1 = z1; r->c1.c2 = z5;
}

/* In the cyclotomic subgroup iff a^(p^4 - p^2 + 1) = 1, i.e. a^(p^4) a = a^(p^2). */
int ck_fp12_in_cyclotomic(const ck_fp12 *a)
{
    ck_fp12 t4, t2;
    ck_fp12_frobenius(&t4, a, 4);
    ck_fp12_mul(&t4, &t4, a);
    ck_fp12_frobenius(&t2, a, 2);
    return ck_fp12_eq(&t4, &t2) & ((ck_fp6_is_zero(&a->c0) & ck_fp6_is_zero(&a->c1)) ^ 1);
}

ck_err ck_fp12_from_bytes(ck_fp12 *r, const uint8_t in[CK_FP12_BYTES])
{
    ck_fp12 t;
    ck_fp *c = (ck_fp *)&t;
    for (int i = 0; i < 12; i++) {
        ck_err e = ck_fp_from_bytes(&c[i], in + i * CK_FP_BYTES);
        if (e != CK_OK) return e;
    }
    *r = t;
    return CK_OK;
}

void ck_fp12_to_bytes(uint8_t out[CK_FP12_BYTES], const ck_fp12 *a)
{
    const ck_fp *c = (const ck_fp *)a;
    for (int i = 0; i < 12; i++) ck_fp_to_bytes(out + i * CK_FP_BYTES, &c[i]);
}
