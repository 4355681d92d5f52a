/*
 * src/ec/wide.h - lazy reduction: Fp and Fp2 values kept as unreduced
 * 768-bit products, summed, and reduced once per output coefficient.
 *
 * A wide value is an integer in [0, p 2^384). Montgomery reduction of such
 * a value gives a result below 2p and one masked subtraction finishes, so
 * every operation below keeps that bound:
 *   - products of Fp elements below 2p: 4p^2 < p 2^384 since 4p < 2^384;
 *   - additions and subtractions are taken mod p 2^384, which touches only
 *     the high six words (p 2^384 = p shifted up by 384 bits): the high half
 *     is an Fp addition or subtraction with the low half's carry as input.
 * The products and the reduction come from wide_384_adx.S (MULX/ADX) or
 * from the portable C in wide.c; the additions are inline.
 */
#ifndef CK_EC_WIDE_H
#define CK_EC_WIDE_H

#include "ec/field_inline.h"

typedef struct { limb_t l[12]; } ck_fpw;
typedef struct { ck_fpw c0, c1; } ck_fp2w;

void ck_fpw_mul_c(limb_t r[12], const limb_t a[6], const limb_t b[6]);
void ck_fpw_redc_c(limb_t r[6], const limb_t t[12]);
#ifdef CK_HAVE_ADX_KERNEL
void ck_mul_384x384_adx(limb_t r[12], const limb_t a[6], const limb_t b[6]);
void ck_redc_768_adx(limb_t r[6], const limb_t t[12]);
#endif

/* r = a b, unreduced; a, b < 2p. */
static inline void ck_fpw_mul(ck_fpw *r, const ck_fp *a, const ck_fp *b)
{
#ifdef CK_HAVE_ADX_KERNEL
    if (ck_cpu_has_adx) {
        ck_mul_384x384_adx(r->l, a->l, b->l);
        return;
    }
#endif
    ck_fpw_mul_c(r->l, a->l, b->l);
}

/* r = t / 2^384 mod p, fully reduced. */
static inline void ck_fpw_redc(ck_fp *r, const ck_fpw *t)
{
#ifdef CK_HAVE_ADX_KERNEL
    if (ck_cpu_has_adx) {
        ck_redc_768_adx(r->l, t->l);
        return;
    }
#endif
    ck_fpw_redc_c(r->l, t->l);
}

#if defined(__x86_64__) && defined(__GNUC__) && defined(__OPTIMIZE__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(CK_NO_ASM)
/* Carry chains by hand, as in field_inline.h: the low half goes through
 * memory with the carry in CF, the high half through six registers; the
 * final choice is a CMOV from memory (no branch). The results go through
 * memory, hence volatile: GCC drops an asm whose outputs are unused. */
static inline void ck_fpw_add(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t t, h0, h1, h2, h3, h4, h5;
    __asm__ volatile("movq 0(%[a]), %[t]\n\t addq 0(%[b]), %[t]\n\t movq %[t], 0(%[r])\n\t"
            "movq 8(%[a]), %[t]\n\t adcq 8(%[b]), %[t]\n\t movq %[t], 8(%[r])\n\t"
            "movq 16(%[a]), %[t]\n\t adcq 16(%[b]), %[t]\n\t movq %[t], 16(%[r])\n\t"
            "movq 24(%[a]), %[t]\n\t adcq 24(%[b]), %[t]\n\t movq %[t], 24(%[r])\n\t"
            "movq 32(%[a]), %[t]\n\t adcq 32(%[b]), %[t]\n\t movq %[t], 32(%[r])\n\t"
            "movq 40(%[a]), %[t]\n\t adcq 40(%[b]), %[t]\n\t movq %[t], 40(%[r])\n\t"
            "movq 48(%[a]), %[h0]\n\t adcq 48(%[b]), %[h0]\n\t"
            "movq 56(%[a]), %[h1]\n\t adcq 56(%[b]), %[h1]\n\t"
            "movq 64(%[a]), %[h2]\n\t adcq 64(%[b]), %[h2]\n\t"
            "movq 72(%[a]), %[h3]\n\t adcq 72(%[b]), %[h3]\n\t"
            "movq 80(%[a]), %[h4]\n\t adcq 80(%[b]), %[h4]\n\t"
            "movq 88(%[a]), %[h5]\n\t adcq 88(%[b]), %[h5]\n\t"
            "movq %[h0], 48(%[r])\n\t movq %[h1], 56(%[r])\n\t movq %[h2], 64(%[r])\n\t"
            "movq %[h3], 72(%[r])\n\t movq %[h4], 80(%[r])\n\t movq %[h5], 88(%[r])\n\t"
            "subq 0(%[p]), %[h0]\n\t sbbq 8(%[p]), %[h1]\n\t sbbq 16(%[p]), %[h2]\n\t"
            "sbbq 24(%[p]), %[h3]\n\t sbbq 32(%[p]), %[h4]\n\t sbbq 40(%[p]), %[h5]\n\t"
            "cmovcq 48(%[r]), %[h0]\n\t cmovcq 56(%[r]), %[h1]\n\t cmovcq 64(%[r]), %[h2]\n\t"
            "cmovcq 72(%[r]), %[h3]\n\t cmovcq 80(%[r]), %[h4]\n\t cmovcq 88(%[r]), %[h5]\n\t"
            "movq %[h0], 48(%[r])\n\t movq %[h1], 56(%[r])\n\t movq %[h2], 64(%[r])\n\t"
            "movq %[h3], 72(%[r])\n\t movq %[h4], 80(%[r])\n\t movq %[h5], 88(%[r])"
            : [t] "=&r"(t), [h0] "=&r"(h0), [h1] "=&r"(h1), [h2] "=&r"(h2), [h3] "=&r"(h3),
              [h4] "=&r"(h4), [h5] "=&r"(h5)
            : [r] "r"(r->l), [a] "r"(a->l), [b] "r"(b->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
}

/* On a borrow out of the 768-bit difference, add p to the high half. */
static inline void ck_fpw_sub(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t t, m, h0, h1, h2, h3, h4, h5;
    __asm__ volatile("movq 0(%[a]), %[t]\n\t subq 0(%[b]), %[t]\n\t movq %[t], 0(%[r])\n\t"
            "movq 8(%[a]), %[t]\n\t sbbq 8(%[b]), %[t]\n\t movq %[t], 8(%[r])\n\t"
            "movq 16(%[a]), %[t]\n\t sbbq 16(%[b]), %[t]\n\t movq %[t], 16(%[r])\n\t"
            "movq 24(%[a]), %[t]\n\t sbbq 24(%[b]), %[t]\n\t movq %[t], 24(%[r])\n\t"
            "movq 32(%[a]), %[t]\n\t sbbq 32(%[b]), %[t]\n\t movq %[t], 32(%[r])\n\t"
            "movq 40(%[a]), %[t]\n\t sbbq 40(%[b]), %[t]\n\t movq %[t], 40(%[r])\n\t"
            "movq 48(%[a]), %[h0]\n\t sbbq 48(%[b]), %[h0]\n\t"
            "movq 56(%[a]), %[h1]\n\t sbbq 56(%[b]), %[h1]\n\t"
            "movq 64(%[a]), %[h2]\n\t sbbq 64(%[b]), %[h2]\n\t"
            "movq 72(%[a]), %[h3]\n\t sbbq 72(%[b]), %[h3]\n\t"
            "movq 80(%[a]), %[h4]\n\t sbbq 80(%[b]), %[h4]\n\t"
            "movq 88(%[a]), %[h5]\n\t sbbq 88(%[b]), %[h5]\n\t"
            "sbbq %[m], %[m]\n\t"
            "movq %[h0], 48(%[r])\n\t movq %[h1], 56(%[r])\n\t movq %[h2], 64(%[r])\n\t"
            "movq %[h3], 72(%[r])\n\t movq %[h4], 80(%[r])\n\t movq %[h5], 88(%[r])\n\t"
            "movq 0(%[p]), %[h0]\n\t movq 8(%[p]), %[h1]\n\t movq 16(%[p]), %[h2]\n\t"
            "movq 24(%[p]), %[h3]\n\t movq 32(%[p]), %[h4]\n\t movq 40(%[p]), %[h5]\n\t"
            "andq %[m], %[h0]\n\t andq %[m], %[h1]\n\t andq %[m], %[h2]\n\t"
            "andq %[m], %[h3]\n\t andq %[m], %[h4]\n\t andq %[m], %[h5]\n\t"
            "addq %[h0], 48(%[r])\n\t adcq %[h1], 56(%[r])\n\t adcq %[h2], 64(%[r])\n\t"
            "adcq %[h3], 72(%[r])\n\t adcq %[h4], 80(%[r])\n\t adcq %[h5], 88(%[r])"
            : [t] "=&r"(t), [m] "=&r"(m), [h0] "=&r"(h0), [h1] "=&r"(h1), [h2] "=&r"(h2),
              [h3] "=&r"(h3), [h4] "=&r"(h4), [h5] "=&r"(h5)
            : [r] "r"(r->l), [a] "r"(a->l), [b] "r"(b->l), [p] "r"(ck_p_limbs)
            : "cc", "memory");
}

/* r = a - b without reduction: the caller knows a >= b. */
static inline void ck_fpw_sub_exact(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t t;
    __asm__ volatile("movq 0(%[a]), %[t]\n\t subq 0(%[b]), %[t]\n\t movq %[t], 0(%[r])\n\t"
            "movq 8(%[a]), %[t]\n\t sbbq 8(%[b]), %[t]\n\t movq %[t], 8(%[r])\n\t"
            "movq 16(%[a]), %[t]\n\t sbbq 16(%[b]), %[t]\n\t movq %[t], 16(%[r])\n\t"
            "movq 24(%[a]), %[t]\n\t sbbq 24(%[b]), %[t]\n\t movq %[t], 24(%[r])\n\t"
            "movq 32(%[a]), %[t]\n\t sbbq 32(%[b]), %[t]\n\t movq %[t], 32(%[r])\n\t"
            "movq 40(%[a]), %[t]\n\t sbbq 40(%[b]), %[t]\n\t movq %[t], 40(%[r])\n\t"
            "movq 48(%[a]), %[t]\n\t sbbq 48(%[b]), %[t]\n\t movq %[t], 48(%[r])\n\t"
            "movq 56(%[a]), %[t]\n\t sbbq 56(%[b]), %[t]\n\t movq %[t], 56(%[r])\n\t"
            "movq 64(%[a]), %[t]\n\t sbbq 64(%[b]), %[t]\n\t movq %[t], 64(%[r])\n\t"
            "movq 72(%[a]), %[t]\n\t sbbq 72(%[b]), %[t]\n\t movq %[t], 72(%[r])\n\t"
            "movq 80(%[a]), %[t]\n\t sbbq 80(%[b]), %[t]\n\t movq %[t], 80(%[r])\n\t"
            "movq 88(%[a]), %[t]\n\t sbbq 88(%[b]), %[t]\n\t movq %[t], 88(%[r])"
            : [t] "=&r"(t)
            : [r] "r"(r->l), [a] "r"(a->l), [b] "r"(b->l)
            : "cc", "memory");
}

/* a + b of two elements below p, without reduction (below 2p < 2^382). */
static inline void ck_fp_add_unreduced(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t t;
    __asm__ volatile("movq 0(%[a]), %[t]\n\t addq 0(%[b]), %[t]\n\t movq %[t], 0(%[r])\n\t"
            "movq 8(%[a]), %[t]\n\t adcq 8(%[b]), %[t]\n\t movq %[t], 8(%[r])\n\t"
            "movq 16(%[a]), %[t]\n\t adcq 16(%[b]), %[t]\n\t movq %[t], 16(%[r])\n\t"
            "movq 24(%[a]), %[t]\n\t adcq 24(%[b]), %[t]\n\t movq %[t], 24(%[r])\n\t"
            "movq 32(%[a]), %[t]\n\t adcq 32(%[b]), %[t]\n\t movq %[t], 32(%[r])\n\t"
            "movq 40(%[a]), %[t]\n\t adcq 40(%[b]), %[t]\n\t movq %[t], 40(%[r])"
            : [t] "=&r"(t)
            : [r] "r"(r->l), [a] "r"(a->l), [b] "r"(b->l)
            : "cc", "memory");
}
#else
/* r = a + b mod p 2^384: add the low halves; the high halves are an Fp
 * addition with that carry (then minus p unless that borrows). */
static inline void ck_fpw_add(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t s[6], t[6], carry = 0, borrow = 0;
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[i] + b->l[i] + carry;
        r->l[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[6 + i] + b->l[6 + i] + carry;
        s[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)s[i] - ck_p_limbs[i] - borrow;
        t[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    ck_limbs_select(r->l + 6, s, t, 6, ck_mask_from_bit(borrow));
}

/* r = a - b mod p 2^384: on a borrow, add p to the high half. */
static inline void ck_fpw_sub(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t borrow = 0, carry = 0, mask;
    for (int i = 0; i < 12; i++) {
        dlimb_t v = (dlimb_t)a->l[i] - b->l[i] - borrow;
        r->l[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    mask = ck_mask_from_bit(borrow);
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)r->l[6 + i] + (ck_p_limbs[i] & mask) + carry;
        r->l[6 + i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
}

/* r = a - b without reduction: the caller knows a >= b. */
static inline void ck_fpw_sub_exact(ck_fpw *r, const ck_fpw *a, const ck_fpw *b)
{
    limb_t borrow = 0;
    for (int i = 0; i < 12; i++) {
        dlimb_t v = (dlimb_t)a->l[i] - b->l[i] - borrow;
        r->l[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
}

/* a + b of two elements below p, without reduction (below 2p < 2^382). */
static inline void ck_fp_add_unreduced(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    limb_t carry = 0;
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)a->l[i] + b->l[i] + carry;
        r->l[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
}

#endif

/* ---- Fp2 ---------------------------------------------------------------- */
/* Karatsuba: a0 b1 + a1 b0 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1 exactly
 * (below 2p^2), a0 b0 - a1 b1 mod p 2^384. a, b below p. */
static inline void ck_fp2w_mul(ck_fp2w *r, const ck_fp2 *a, const ck_fp2 *b)
{
    ck_fpw t0, t1;
    ck_fp sa, sb;
    ck_fpw_mul(&t0, &a->c0, &b->c0);
    ck_fpw_mul(&t1, &a->c1, &b->c1);
    ck_fp_add_unreduced(&sa, &a->c0, &a->c1);
    ck_fp_add_unreduced(&sb, &b->c0, &b->c1);
    ck_fpw_mul(&r->c1, &sa, &sb);
    ck_fpw_sub_exact(&r->c1, &r->c1, &t0);
    ck_fpw_sub_exact(&r->c1, &r->c1, &t1);
    ck_fpw_sub(&r->c0, &t0, &t1);
}

/* (a0 + a1)(a0 - a1) and 2 a0 a1, both below 2p^2. a below p. */
static inline void ck_fp2w_sqr(ck_fp2w *r, const ck_fp2 *a)
{
    ck_fp s, d;
    ck_fp_add_unreduced(&s, &a->c0, &a->c1);
    ck_fp_sub_(&d, &a->c0, &a->c1);
    ck_fpw_mul(&r->c0, &s, &d);
    ck_fp_add_unreduced(&s, &a->c0, &a->c0);
    ck_fpw_mul(&r->c1, &s, &a->c1);
}

static inline void ck_fp2w_add(ck_fp2w *r, const ck_fp2w *a, const ck_fp2w *b)
{
    ck_fpw_add(&r->c0, &a->c0, &b->c0);
    ck_fpw_add(&r->c1, &a->c1, &b->c1);
}

static inline void ck_fp2w_sub(ck_fp2w *r, const ck_fp2w *a, const ck_fp2w *b)
{
    ck_fpw_sub(&r->c0, &a->c0, &b->c0);
    ck_fpw_sub(&r->c1, &a->c1, &b->c1);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
static inline void ck_fp2w_mul_by_xi(ck_fp2w *r, const ck_fp2w *a)
{
    ck_fpw t;
    ck_fpw_sub(&t, &a->c0, &a->c1);
    ck_fpw_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

static inline void ck_fp2w_redc(ck_fp2 *r, const ck_fp2w *t)
{
    ck_fpw_redc(&r->c0, &t->c0);
    ck_fpw_redc(&r->c1, &t->c1);
}

/* (x + y s)^2 = (x^2 + xi y^2) + ((x + y)^2 - x^2 - y^2) s in Fp4 =
 * Fp2[s]/(s^2 - xi): three Fp2 squarings, the cyclotomic squarings of
 * Granger-Scott and Karabina. (Kept reduced: with the serial reduction of
 * wide_384_adx.S the lazy form measured 3% slower here.) */
static inline void ck_fp4_sqr(ck_fp2 *r0, ck_fp2 *r1, const ck_fp2 *x, const ck_fp2 *y)
{
    ck_fp2 xx, yy, t;
    ck_fp2_sqr_(&xx, x);
    ck_fp2_sqr_(&yy, y);
    ck_fp2_add_(&t, x, y);
    ck_fp2_sqr_(&t, &t);
    ck_fp2_sub_(&t, &t, &xx);
    ck_fp2_sub_(r1, &t, &yy);
    ck_fp2_mul_by_xi_(&yy, &yy);
    ck_fp2_add_(r0, &xx, &yy);
}

/* z' = 3t - 2z and z' = 3t + 2z: the Granger-Scott shapes of both
 * cyclotomic squarings (fp12.c, cyclotomic.c). */
static inline void ck_cyc_3t_minus_2z(ck_fp2 *z, const ck_fp2 *t)
{
    ck_fp2 d;
    ck_fp2_sub_(&d, t, z);
    ck_fp2_dbl_(&d, &d);
    ck_fp2_add_(z, &d, t);
}

static inline void ck_cyc_3t_plus_2z(ck_fp2 *z, const ck_fp2 *t)
{
    ck_fp2 d;
    ck_fp2_add_(&d, t, z);
    ck_fp2_dbl_(&d, &d);
    ck_fp2_add_(z, &d, t);
}

/* ---- Fp6 (fp6.c) ------------------------------------------------------- */
/* The three coefficients of a b, unreduced, and their reduction. */
void ck_fp6_mul_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp6 *b);
void ck_fp6_redc(ck_fp6 *r, const ck_fp2w t[3]);
/* a (b0 + b1 v) and a (b1 v), unreduced: the halves of a line product. */
void ck_fp6_mul_by_01_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b0, const ck_fp2 *b1);
void ck_fp6_mul_by_1_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b1);
/* a (b1 v + b2 v^2), unreduced: the w half of a product of two lines. */
void ck_fp6_mul_by_12_wide(ck_fp2w r[3], const ck_fp6 *a, const ck_fp2 *b1, const ck_fp2 *b2);

#endif
