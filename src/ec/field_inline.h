/*
 * src/ec/field_inline.h - the small Fp and Fp2 operations every formula uses,
 * inlined into their callers: inline assembly on x86-64 (optimized builds
 * without sanitizers), 128-bit C arithmetic elsewhere. Inputs and outputs
 * are < p.
 */
#ifndef CK_EC_FIELD_INLINE_H
#define CK_EC_FIELD_INLINE_H

#include "ec/internal.h"
#include "ec/fp_mul.h"

extern const limb_t ck_p_limbs[6];

/* Products straight to the kernel chosen at run time (src/ec/cpu.c): the
 * formulas call these millions of times, so no wrapper call in between. */
static inline void ck_fp_mul_(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
#ifdef CK_HAVE_ADX_KERNEL
    if (ck_cpu_has_adx) {
        ck_mont_mul_384_adx(r->l, a->l, b->l);
        return;
    }
#endif
    ck_fp_mont_mul_raw(r->l, a->l, b->l);
}

static inline void ck_fp_sqr_(ck_fp *r, const ck_fp *a) { ck_fp_mul_(r, a, a); }

#if defined(__x86_64__) && defined(__GNUC__) && defined(__OPTIMIZE__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(CK_NO_ASM)
/*
 * Hand-scheduled carry chains: compilers turn intrinsic chains into flag
 * round trips and partial stores. No branch anywhere: the final choice is a
 * CMOV (add) or an AND with the borrow mask (sub).
 */
static inline void ck_fp_add_(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t t0 = a->l[0], t1 = a->l[1], t2 = a->l[2], t3 = a->l[3], t4 = a->l[4], t5 = a->l[5];
    limb_t s0, s1, s2, s3, s4, s5;
    __asm__("addq 0(%[b]), %[t0]\n\t adcq 8(%[b]), %[t1]\n\t adcq 16(%[b]), %[t2]\n\t"
            "adcq 24(%[b]), %[t3]\n\t adcq 32(%[b]), %[t4]\n\t adcq 40(%[b]), %[t5]\n\t"
            "movq %[t0], %[s0]\n\t movq %[t1], %[s1]\n\t movq %[t2], %[s2]\n\t"
            "movq %[t3], %[s3]\n\t movq %[t4], %[s4]\n\t movq %[t5], %[s5]\n\t"
            "subq 0(%[p]), %[s0]\n\t sbbq 8(%[p]), %[s1]\n\t sbbq 16(%[p]), %[s2]\n\t"
            "sbbq 24(%[p]), %[s3]\n\t sbbq 32(%[p]), %[s4]\n\t sbbq 40(%[p]), %[s5]\n\t"
            "cmovcq %[t0], %[s0]\n\t cmovcq %[t1], %[s1]\n\t cmovcq %[t2], %[s2]\n\t"
            "cmovcq %[t3], %[s3]\n\t cmovcq %[t4], %[s4]\n\t cmovcq %[t5], %[s5]"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [t5] "+&r"(t5), [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2), [s3] "=&r"(s3),
              [s4] "=&r"(s4), [s5] "=&r"(s5)
            : [b] "r"(b->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
    r->l[0] = s0; r->l[1] = s1; r->l[2] = s2; r->l[3] = s3; r->l[4] = s4; r->l[5] = s5;
}

static inline void ck_fp_sub_(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t t0 = a->l[0], t1 = a->l[1], t2 = a->l[2], t3 = a->l[3], t4 = a->l[4], t5 = a->l[5];
    limb_t m0, m1, m2, m3, m4, m5;
    __asm__("subq 0(%[b]), %[t0]\n\t sbbq 8(%[b]), %[t1]\n\t sbbq 16(%[b]), %[t2]\n\t"
            "sbbq 24(%[b]), %[t3]\n\t sbbq 32(%[b]), %[t4]\n\t sbbq 40(%[b]), %[t5]\n\t"
            "sbbq %[m0], %[m0]\n\t"
            "movq %[m0], %[m1]\n\t movq %[m0], %[m2]\n\t movq %[m0], %[m3]\n\t"
            "movq %[m0], %[m4]\n\t movq %[m0], %[m5]\n\t"
            "andq 0(%[p]), %[m0]\n\t andq 8(%[p]), %[m1]\n\t andq 16(%[p]), %[m2]\n\t"
            "andq 24(%[p]), %[m3]\n\t andq 32(%[p]), %[m4]\n\t andq 40(%[p]), %[m5]\n\t"
            "addq %[m0], %[t0]\n\t adcq %[m1], %[t1]\n\t adcq %[m2], %[t2]\n\t"
            "adcq %[m3], %[t3]\n\t adcq %[m4], %[t4]\n\t adcq %[m5], %[t5]"
            : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [t4] "+&r"(t4),
              [t5] "+&r"(t5), [m0] "=&r"(m0), [m1] "=&r"(m1), [m2] "=&r"(m2), [m3] "=&r"(m3),
              [m4] "=&r"(m4), [m5] "=&r"(m5)
            : [b] "r"(b->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
    r->l[0] = t0; r->l[1] = t1; r->l[2] = t2; r->l[3] = t3; r->l[4] = t4; r->l[5] = t5;
}

/* a/2 = (a odd ? a + p : a) >> 1. a + p < 2p < 2^382 never carries out; the
 * choice is a CMOV on the low bit, the shift one SHRD per limb. */
static inline void ck_fp_half_(ck_fp *r, const ck_fp *a)
{
    limb_t t0, t1, t2, t3, t4, t5;
    __asm__("movq 0(%[a]), %[t0]\n\t movq 8(%[a]), %[t1]\n\t movq 16(%[a]), %[t2]\n\t"
            "movq 24(%[a]), %[t3]\n\t movq 32(%[a]), %[t4]\n\t movq 40(%[a]), %[t5]\n\t"
            "addq 0(%[p]), %[t0]\n\t adcq 8(%[p]), %[t1]\n\t adcq 16(%[p]), %[t2]\n\t"
            "adcq 24(%[p]), %[t3]\n\t adcq 32(%[p]), %[t4]\n\t adcq 40(%[p]), %[t5]\n\t"
            "testq $1, 0(%[a])\n\t"
            "cmovzq 0(%[a]), %[t0]\n\t cmovzq 8(%[a]), %[t1]\n\t cmovzq 16(%[a]), %[t2]\n\t"
            "cmovzq 24(%[a]), %[t3]\n\t cmovzq 32(%[a]), %[t4]\n\t cmovzq 40(%[a]), %[t5]\n\t"
            "shrdq $1, %[t1], %[t0]\n\t shrdq $1, %[t2], %[t1]\n\t shrdq $1, %[t3], %[t2]\n\t"
            "shrdq $1, %[t4], %[t3]\n\t shrdq $1, %[t5], %[t4]\n\t shrq $1, %[t5]"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5)
            : [a] "r"(a->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
    r->l[0] = t0; r->l[1] = t1; r->l[2] = t2; r->l[3] = t3; r->l[4] = t4; r->l[5] = t5;
}

/* -a = p - a (no borrow: a < p), masked to 0 when a is 0. */
static inline void ck_fp_neg_(ck_fp *r, const ck_fp *a)
{
    limb_t t0, t1, t2, t3, t4, t5, m;
    __asm__("movq 0(%[p]), %[t0]\n\t movq 8(%[p]), %[t1]\n\t movq 16(%[p]), %[t2]\n\t"
            "movq 24(%[p]), %[t3]\n\t movq 32(%[p]), %[t4]\n\t movq 40(%[p]), %[t5]\n\t"
            "subq 0(%[a]), %[t0]\n\t sbbq 8(%[a]), %[t1]\n\t sbbq 16(%[a]), %[t2]\n\t"
            "sbbq 24(%[a]), %[t3]\n\t sbbq 32(%[a]), %[t4]\n\t sbbq 40(%[a]), %[t5]\n\t"
            "movq 0(%[a]), %[m]\n\t orq 8(%[a]), %[m]\n\t orq 16(%[a]), %[m]\n\t"
            "orq 24(%[a]), %[m]\n\t orq 32(%[a]), %[m]\n\t orq 40(%[a]), %[m]\n\t"
            "negq %[m]\n\t sbbq %[m], %[m]\n\t"
            "andq %[m], %[t0]\n\t andq %[m], %[t1]\n\t andq %[m], %[t2]\n\t"
            "andq %[m], %[t3]\n\t andq %[m], %[t4]\n\t andq %[m], %[t5]"
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
              [m] "=&r"(m)
            : [a] "r"(a->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
    r->l[0] = t0; r->l[1] = t1; r->l[2] = t2; r->l[3] = t3; r->l[4] = t4; r->l[5] = t5;
}
#else
static inline void ck_fp_add_(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t s[6], t[6], carry = 0, borrow = 0;
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[i] + b->l[i] + carry;
        s[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)s[i] - ck_p_limbs[i] - borrow;
        t[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    ck_limbs_select(r->l, s, t, 6, ck_mask_from_bit(borrow));
}

static inline void ck_fp_sub_(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t d[6], borrow = 0, carry = 0;
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[i] - b->l[i] - borrow;
        d[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    limb_t mask = ck_mask_from_bit(borrow);
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)d[i] + (ck_p_limbs[i] & mask) + carry;
        r->l[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
}

/* -a = p - a, masked to 0 when a is 0. */
static inline void ck_fp_neg_(ck_fp *r, const ck_fp *a)
{
    limb_t borrow = 0, nz = ~ck_limbs_zero_mask(a->l, 6);
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)ck_p_limbs[i] - a->l[i] - borrow;
        r->l[i] = (limb_t)v & nz;
        borrow = (limb_t)(v >> 64) & 1;
    }
}

/* a/2 = (a odd ? a + p : a) >> 1, the choice by a mask. */
static inline void ck_fp_half_(ck_fp *r, const ck_fp *a)
{
    limb_t t[7], carry = 0, odd = ck_mask_from_bit(a->l[0]);
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[i] + (ck_p_limbs[i] & odd) + carry;
        t[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
    t[6] = carry;
    for (int i = 0; i < 6; i++) r->l[i] = (t[i] >> 1) | (t[i + 1] << 63);
}
#endif

static inline void ck_fp_dbl_(ck_fp *r, const ck_fp *a) { ck_fp_add_(r, a, a); }

/* 12 a (3b of both curves' formulas): 2a, 3a, 6a, 12a, no loop. */
static inline void ck_fp_mul12_(ck_fp *r, const ck_fp *a)
{
    ck_fp t;
    ck_fp_add_(&t, a, a);
    ck_fp_add_(&t, &t, a);
    ck_fp_add_(&t, &t, &t);
    ck_fp_add_(r, &t, &t);
}

static inline void ck_fp2_add_(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b)
{
    ck_fp_add_(&r->c0, &a->c0, &b->c0);
    ck_fp_add_(&r->c1, &a->c1, &b->c1);
}

static inline void ck_fp2_sub_(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b)
{
    ck_fp_sub_(&r->c0, &a->c0, &b->c0);
    ck_fp_sub_(&r->c1, &a->c1, &b->c1);
}

static inline void ck_fp2_dbl_(ck_fp2 *r, const ck_fp2 *a) { ck_fp2_add_(r, a, a); }

static inline void ck_fp2_half_(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp_half_(&r->c0, &a->c0);
    ck_fp_half_(&r->c1, &a->c1);
}

static inline void ck_fp2_mul12_(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp_mul12_(&r->c0, &a->c0);
    ck_fp_mul12_(&r->c1, &a->c1);
}

/* Karatsuba with lazy reduction in the ADX kernel, else in C. */
static inline void ck_fp2_mul_(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b)
{
#ifdef CK_HAVE_ADX_KERNEL
    if (ck_cpu_has_adx) {
        ck_fp2_mul_adx(r, a, b);
        return;
    }
#endif
    ck_fp2_mul(r, a, b);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */
static inline void ck_fp2_sqr_(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp s, d, m;
    ck_fp_add_(&s, &a->c0, &a->c1);
    ck_fp_sub_(&d, &a->c0, &a->c1);
    ck_fp_mul_(&m, &a->c0, &a->c1);
    ck_fp_mul_(&r->c0, &s, &d);
    ck_fp_add_(&r->c1, &m, &m);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
static inline void ck_fp2_mul_by_xi_(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp t;
    ck_fp_sub_(&t, &a->c0, &a->c1);
    ck_fp_add_(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

#endif
