/*
 * src/ec/fp6.c - Fp6 = Fp2[v]/(v^3 - xi), xi = u + 1.
 * Karatsuba multiplication and Chung-Hasan (CH-SQR2) squaring.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/wide.h"

void ck_fp6_one(ck_fp6 *r)
{
    memset(r, 0, sizeof(*r));
    r->c0.c0 = CK_FP_ONE;
}

int ck_fp6_is_zero(const ck_fp6 *a)
{
    return ck_fp2_is_zero(&a->c0) & ck_fp2_is_zero(&a->c1) & ck_fp2_is_zero(&a->c2);
}

void ck_fp6_add(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b)
{
    ck_fp2_add_(&r->c0, &a->c0, &b->c0);
    ck_fp2_add_(&r->c1, &a->c1, &b->c1);
    ck_fp2_add_(&r->c2, &a->c2, &b->c2);
}

void ck_fp6_sub(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b)
{
    ck_fp2_sub_(&r->c0, &a->c0, &b->c0);
    ck_fp2_sub_(&r->c1, &a->c1, &b->c1);
    ck_fp2_sub_(&r->c2, &a->c2, &b->c2);
}

void ck_fp6_neg(ck_fp6 *r, const ck_fp6 *a)
{
    ck_fp2_neg(&r->c0, &a->c0);
    ck_fp2_neg(&r->c1, &a->c1);
    ck_fp2_neg(&r->c2, &a->c2);
}

/*
 * The three coefficients of a b, unreduced (wide.h): Karatsuba over Fp2,
 *   c0 = v0 + xi((a1 + a2)(b1 + b2) - v1 - v2)
 *   c1 = (a0 + a1)(b0 + b1) - v0 - v1 + xi v2
 *   c2 = (a0 + a2)(b0 + b2) - v0 - v2 + v1,   vi = ai bi,
 * with the sums and differences taken on 768-bit values.
 */
void ck_fp6_mul_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp6 *b)
{
    ck_fp2w v0, v1, v2, t, x;
    ck_fp2 s, u;
    ck_fp2w_mul(&v0, &a->c0, &b->c0);
    ck_fp2w_mul(&v1, &a->c1, &b->c1);
    ck_fp2w_mul(&v2, &a->c2, &b->c2);

    ck_fp2_add_(&s, &a->c1, &a->c2);
    ck_fp2_add_(&u, &b->c1, &b->c2);
    ck_fp2w_mul(&t, &s, &u);
    ck_fp2w_sub(&t, &t, &v1);
    ck_fp2w_sub(&t, &t, &v2);
    ck_fp2w_mul_by_xi(&t, &t);
    ck_fp2w_add(&r[0], &t, &v0);

    ck_fp2_add_(&s, &a->c0, &a->c1);
    ck_fp2_add_(&u, &b->c0, &b->c1);
    ck_fp2w_mul(&t, &s, &u);
    ck_fp2w_sub(&t, &t, &v0);
    ck_fp2w_sub(&t, &t, &v1);
    ck_fp2w_mul_by_xi(&x, &v2);
    ck_fp2w_add(&r[1], &t, &x);

    ck_fp2_add_(&s, &a->c0, &a->c2);
    ck_fp2_add_(&u, &b->c0, &b->c2);
    ck_fp2w_mul(&t, &s, &u);
    ck_fp2w_sub(&t, &t, &v0);
    ck_fp2w_sub(&t, &t, &v2);
    ck_fp2w_add(&r[2], &t, &v1);
}

void ck_fp6_redc(ck_fp6 *r, const ck_fp2w t[3])
{
    ck_fp2w_redc(&r->c0, &t[0]);
    ck_fp2w_redc(&r->c1, &t[1]);
    ck_fp2w_redc(&r->c2, &t[2]);
}

void ck_fp6_mul(ck_fp6 *r, const ck_fp6 *a, const ck_fp6 *b)
{
    ck_fp2w t[3];
    ck_fp6_mul_wide(t, a, b);
    ck_fp6_redc(r, t);
}

void ck_fp6_sqr(ck_fp6 *r, const ck_fp6 *a)
{
    ck_fp2 s0, s1, s2, s3, s4, t;
    ck_fp2_sqr_(&s0, &a->c0);
    ck_fp2_mul_(&s1, &a->c0, &a->c1);
    ck_fp2_dbl_(&s1, &s1);
    ck_fp2_sub_(&t, &a->c0, &a->c1);
    ck_fp2_add_(&t, &t, &a->c2);
    ck_fp2_sqr_(&s2, &t);
    ck_fp2_mul_(&s3, &a->c1, &a->c2);
    ck_fp2_dbl_(&s3, &s3);
    ck_fp2_sqr_(&s4, &a->c2);

    ck_fp2_mul_by_xi_(&t, &s3);
    ck_fp2_add_(&r->c0, &s0, &t);
    ck_fp2_mul_by_xi_(&t, &s4);
    ck_fp2_add_(&t, &t, &s1);
    ck_fp2_add_(&s1, &s1, &s2);                 /* c2 = s1 + s2 + s3 - s0 - s4 */
    ck_fp2_add_(&s1, &s1, &s3);
    ck_fp2_sub_(&s1, &s1, &s0);
    ck_fp2_sub_(&r->c2, &s1, &s4);
    r->c1 = t;
}

void ck_fp6_mul_by_v(ck_fp6 *r, const ck_fp6 *a)
{
    ck_fp2 t;
    ck_fp2_mul_by_xi_(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

/* a (b0 + b1 v), unreduced: c0 = a0 b0 + xi a2 b1,
 * c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1, c2 = a2 b0 + a1 b1. */
void ck_fp6_mul_by_01_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b0, const ck_fp2 *b1)
{
    ck_fp2w t0, t1, t;
    ck_fp2 s, u;
    ck_fp2w_mul(&t0, &a->c0, b0);
    ck_fp2w_mul(&t1, &a->c1, b1);
    ck_fp2w_mul(&t, &a->c2, b1);
    ck_fp2w_mul_by_xi(&t, &t);
    ck_fp2w_add(&r[0], &t, &t0);
    ck_fp2_add_(&s, &a->c0, &a->c1);
    ck_fp2_add_(&u, b0, b1);
    ck_fp2w_mul(&t, &s, &u);
    ck_fp2w_sub(&t, &t, &t0);
    ck_fp2w_sub(&r[1], &t, &t1);
    ck_fp2w_mul(&t, &a->c2, b0);
    ck_fp2w_add(&r[2], &t, &t1);
}

/* a (b1 v), unreduced: (xi a2 b1, a0 b1, a1 b1). */
void ck_fp6_mul_by_1_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b1)
{
    ck_fp2w t;
    ck_fp2w_mul(&t, &a->c2, b1);
    ck_fp2w_mul(&r[1], &a->c0, b1);
    ck_fp2w_mul(&r[2], &a->c1, b1);
    ck_fp2w_mul_by_xi(&r[0], &t);
}

void ck_fp6_inv(ck_fp6 *r, const ck_fp6 *a)
{
    ck_fp2 t0, t1, t2, s, den;
    ck_fp2_sqr_(&t0, &a->c0);                   /* t0 = a0^2 - xi a1 a2 */
    ck_fp2_mul_(&s, &a->c1, &a->c2);
    ck_fp2_mul_by_xi_(&s, &s);
    ck_fp2_sub_(&t0, &t0, &s);
    ck_fp2_sqr_(&t1, &a->c2);                   /* t1 = xi a2^2 - a0 a1 */
    ck_fp2_mul_by_xi_(&t1, &t1);
    ck_fp2_mul_(&s, &a->c0, &a->c1);
    ck_fp2_sub_(&t1, &t1, &s);
    ck_fp2_sqr_(&t2, &a->c1);                   /* t2 = a1^2 - a0 a2 */
    ck_fp2_mul_(&s, &a->c0, &a->c2);
    ck_fp2_sub_(&t2, &t2, &s);
    ck_fp2_mul_(&den, &a->c2, &t1);             /* den = a0 t0 + xi (a2 t1 + a1 t2) */
    ck_fp2_mul_(&s, &a->c1, &t2);
    ck_fp2_add_(&den, &den, &s);
    ck_fp2_mul_by_xi_(&den, &den);
    ck_fp2_mul_(&s, &a->c0, &t0);
    ck_fp2_add_(&den, &den, &s);
    ck_fp2_inv(&den, &den);
    ck_fp2_mul_(&r->c0, &t0, &den);
    ck_fp2_mul_(&r->c1, &t1, &den);
    ck_fp2_mul_(&r->c2, &t2, &den);
}

/* a^(p^power), power in 0..5 */
void ck_fp6_frobenius(ck_fp6 *r, const ck_fp6 *a, unsigned power)
{
    ck_fp6 t = *a;
    if (power & 1) {
        ck_fp2_conj(&t.c0, &t.c0);
        ck_fp2_conj(&t.c1, &t.c1);
        ck_fp2_conj(&t.c2, &t.c2);
    }
    ck_fp2_mul_(&t.c1, &t.c1, &CK_FROB6_C1[power % 6]);
    ck_fp2_mul_(&t.c2, &t.c2, &CK_FROB6_C2[power % 6]);
    *r = t;
}

/* a (b1 v + b2 v^2), unreduced, five products (Karatsuba on a1, a2):
 * c0 = xi(a1 b2 + a2 b1), c1 = a0 b1 + xi a2 b2, c2 = a0 b2 + a1 b1. */
void ck_fp6_mul_by_12_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b1, const ck_fp2 *b2)
{
    ck_fp2w t1, t2, t;
    ck_fp2 s, u;
    ck_fp2w_mul(&t1, &a->c1, b1);
    ck_fp2w_mul(&t2, &a->c2, b2);
    ck_fp2_add_(&s, &a->c1, &a->c2);
    ck_fp2_add_(&u, b1, b2);
    ck_fp2w_mul(&t, &s, &u);
    ck_fp2w_sub(&t, &t, &t1);
    ck_fp2w_sub(&t, &t, &t2);
    ck_fp2w_mul_by_xi(&r[0], &t);
    ck_fp2w_mul(&t, &a->c0, b1);
    ck_fp2w_mul_by_xi(&t2, &t2);
    ck_fp2w_add(&r[1], &t, &t2);
    ck_fp2w_mul(&t, &a->c0, b2);
    ck_fp2w_add(&r[2], &t, &t1);
}
