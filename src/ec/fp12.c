/*
 * src/ec/fp12.c - Fp12 = Fp6[w]/(w^2 - v): Karatsuba multiplication, complex
 * squaring, Granger-Scott cyclotomic squaring, sparse line multiplication.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

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

void ck_fp12_mul(ck_fp12 *r, const ck_fp12 *a, const ck_fp12 *b)
{
    ck_fp6 t0, t1, s, u;
    ck_fp6_mul(&t0, &a->c0, &b->c0);
    ck_fp6_mul(&t1, &a->c1, &b->c1);
    ck_fp6_add(&s, &a->c0, &a->c1);
    ck_fp6_add(&u, &b->c0, &b->c1);
    ck_fp6_mul(&s, &s, &u);
    ck_fp6_sub(&s, &s, &t0);
    ck_fp6_sub(&r->c1, &s, &t1);
    ck_fp6_mul_by_v(&t1, &t1);
    ck_fp6_add(&r->c0, &t0, &t1);
}

/* (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - a0a1 - v a0a1 + 2 a0a1 w */
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
    ck_fp2_mul(&t.c1.c0, &t.c1.c0, &CK_FROB12_C1[k]);
    ck_fp2_mul(&t.c1.c1, &t.c1.c1, &CK_FROB12_C1[k]);
    ck_fp2_mul(&t.c1.c2, &t.c1.c2, &CK_FROB12_C1[k]);
    if (power >= 6) ck_fp12_conj(&t, &t);
    *r = t;
}

/* f * (c0 + c1 v + c4 v w), Karatsuba over the two Fp6 halves. */
void ck_fp12_mul_by_014(ck_fp12 *f, const ck_fp2 *c0, const ck_fp2 *c1, const ck_fp2 *c4)
{
    ck_fp6 t0, t1, s;
    ck_fp2 b1;
    ck_fp6_mul_by_01(&t0, &f->c0, c0, c1);
    ck_fp6_mul_by_1(&t1, &f->c1, c4);
    ck_fp6_add(&s, &f->c0, &f->c1);
    ck_fp2_add_(&b1, c1, c4);
    ck_fp6_mul_by_01(&s, &s, c0, &b1);
    ck_fp6_sub(&s, &s, &t0);
    ck_fp6_sub(&f->c1, &s, &t1);
    ck_fp6_mul_by_v(&t1, &t1);
    ck_fp6_add(&f->c0, &t0, &t1);
}

/* (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - xi). */
static void fp4_sqr(ck_fp2 *r0, ck_fp2 *r1, const ck_fp2 *a, const ck_fp2 *b)
{
    ck_fp2 ta, tb, s;
    ck_fp2_sqr(&ta, a);
    ck_fp2_sqr(&tb, b);
    ck_fp2_add_(&s, a, b);
    ck_fp2_sqr(&s, &s);
    ck_fp2_sub_(&s, &s, &ta);
    ck_fp2_sub_(r1, &s, &tb);
    ck_fp2_mul_by_xi_(&tb, &tb);
    ck_fp2_add_(r0, &tb, &ta);
}

/* z' = 3t - 2z and z' = 3t + 2z */
static void gs_minus(ck_fp2 *z, const ck_fp2 *t)
{
    ck_fp2 d;
    ck_fp2_sub_(&d, t, z);
    ck_fp2_dbl_(&d, &d);
    ck_fp2_add_(z, &d, t);
}

static void gs_plus(ck_fp2 *z, const ck_fp2 *t)
{
    ck_fp2 d;
    ck_fp2_add_(&d, t, z);
    ck_fp2_dbl_(&d, &d);
    ck_fp2_add_(z, &d, t);
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

    fp4_sqr(&t0, &t1, &z0, &z1);
    gs_minus(&z0, &t0);
    gs_plus(&z1, &t1);
    fp4_sqr(&t0, &t1, &z2, &z3);
    fp4_sqr(&t2, &t3, &z4, &z5);
    gs_minus(&z4, &t0);
    gs_plus(&z5, &t1);
    ck_fp2_mul_by_xi_(&t0, &t3);
    gs_plus(&z2, &t0);
    gs_minus(&z3, &t2);

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
