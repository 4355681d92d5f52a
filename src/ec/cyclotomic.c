/*
 * src/ec/cyclotomic.c - Karabina's compressed squaring in the cyclotomic
 * subgroup of Fp12 ("Squaring in cyclotomic subgroups", Math. Comp. 2013)
 * and the exponentiation by the BLS parameter built on it.
 *
 * Write a = A + B w + C w^2 over Fp4 = Fp2[s], s = w^3 (as Granger-Scott
 * do), with B = b0 + b1 s and C = c0 + c1 s: b0, b1, c0, c1 are the Fp2
 * coefficients of w, w^4, w^2, w^5. Granger-Scott's squaring gives
 *     B' = 3 s C^2 + 2 conj(B),   C' = 3 B^2 - 2 conj(C),
 * which need B and C only: (b0, b1, c0, c1) is a compressed form that
 * squares with six Fp2 squarings instead of nine. A (the coefficients of
 * 1 and w^3) comes back from the norm conditions of the subgroup:
 *     g1 = (xi c1^2 + 3 c0^2 - 2 b1) / (4 b0)   when b0 != 0,
 *     g1 = 2 c0 c1 / b1                         when b0 = 0,
 *     g0 = xi (2 g1^2 + b0 c1 - 3 b1 c0) + 1,
 * one division, so decompressions are batched with Montgomery's trick.
 * The b0 = 0 case is chosen with a mask; the identity (b = c = 0) divides
 * 0 by 0, which inv(0) = 0 turns into g1 = 0, g0 = 1: the identity again.
 *
 * a^|x| = prod over the set bits i of |x| of a^(2^i): one chain of 63
 * compressed squarings, six decompressions with one inversion, five
 * multiplications; for several elements (membership tests of a batch) the
 * decompressions of up to eight share the inversion. Every step is fixed by
 * the public |x|: constant time.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/wide.h"

typedef ck_cyc_compressed cyc_compressed;

/* set bits of |x| = 0xd201000000010000: six (the array bound needs <= 8) */
#define CYC_MAX_TERMS 8
_Static_assert(__builtin_popcountll(CK_X_ABS) <= CYC_MAX_TERMS, "terms of |x|");

static void cyc_compress(cyc_compressed *z, const ck_fp12 *a)
{
    z->b0 = a->c1.c0;
    z->b1 = a->c0.c2;
    z->c0 = a->c0.c1;
    z->c1 = a->c1.c2;
}

static void cyc_sqr_compressed(cyc_compressed *z)
{
    ck_fp2 bb0, bb1, cc0, cc1;
    ck_fp4_sqr(&bb0, &bb1, &z->b0, &z->b1);   /* B^2 */
    ck_fp4_sqr(&cc0, &cc1, &z->c0, &z->c1);   /* C^2 */
    ck_fp2_mul_by_xi_(&cc1, &cc1);               /* s C^2 = xi cc1 + cc0 s */
    ck_cyc_3t_plus_2z(&z->b0, &cc1);
    ck_cyc_3t_minus_2z(&z->b1, &cc0);
    ck_cyc_3t_minus_2z(&z->c0, &bb0);
    ck_cyc_3t_plus_2z(&z->c1, &bb1);
}

/* Numerator and denominator of g1 (see the top of the file). */
static void g1_fraction(ck_fp2 *num, ck_fp2 *den, const cyc_compressed *z)
{
    ck_fp2 n1, d1, n2, t;
    limb_t b0_zero = ck_mask_from_bit((limb_t)ck_fp2_is_zero(&z->b0));
    ck_fp2_sqr_(&n1, &z->c1);
    ck_fp2_mul_by_xi_(&n1, &n1);
    ck_fp2_sqr_(&t, &z->c0);
    ck_fp2_add_(&n1, &n1, &t);
    ck_fp2_dbl_(&t, &t);
    ck_fp2_add_(&n1, &n1, &t);                   /* xi c1^2 + 3 c0^2 */
    ck_fp2_dbl_(&t, &z->b1);
    ck_fp2_sub_(&n1, &n1, &t);
    ck_fp2_dbl_(&d1, &z->b0);
    ck_fp2_dbl_(&d1, &d1);                       /* 4 b0 */
    ck_fp2_mul_(&n2, &z->c0, &z->c1);
    ck_fp2_dbl_(&n2, &n2);                       /* 2 c0 c1 */
    CK_SELECT(num, &n2, &n1, b0_zero);
    CK_SELECT(den, &z->b1, &d1, b0_zero);
}

static void cyc_decompress(ck_fp12 *a, const cyc_compressed *z, const ck_fp2 *g1)
{
    ck_fp2 g0, t;
    ck_fp2_sqr_(&g0, g1);
    ck_fp2_dbl_(&g0, &g0);
    ck_fp2_mul_(&t, &z->b0, &z->c1);
    ck_fp2_add_(&g0, &g0, &t);
    ck_fp2_mul_(&t, &z->b1, &z->c0);
    ck_fp2_sub_(&g0, &g0, &t);
    ck_fp2_dbl_(&t, &t);
    ck_fp2_sub_(&g0, &g0, &t);                   /* 2 g1^2 + b0 c1 - 3 b1 c0 */
    ck_fp2_mul_by_xi_(&g0, &g0);
    ck_fp_add(&g0.c0, &g0.c0, &CK_FP_ONE);
    a->c0.c0 = g0;
    a->c1.c0 = z->b0;
    a->c0.c1 = z->c0;
    a->c1.c1 = *g1;
    a->c0.c2 = z->b1;
    a->c1.c2 = z->c1;
}

#define CYC_MAX_DIV 64

/* Bit 0 of |x| is 0, so every save follows a squaring. */
void ck_cyc_chain_x(cyc_compressed *saved, const cyc_compressed *z)
{
    cyc_compressed t;
#ifdef CK_HAVE_IFMA_KERNEL
    if (ck_cpu_has_ifma) {
        ck_cyc_chain_ifma(saved, z, 63, CK_X_ABS);
        return;
    }
#endif
    t = *z;
    for (int i = 1; i < 64; i++) {
        cyc_sqr_compressed(&t);
        if ((CK_X_ABS >> i) & 1) *saved++ = t;
    }
    ck_wipe(&t, sizeof(t));
}

void ck_fp12_cyclotomic_sqr_compressed_n(ck_fp12 *r, const ck_fp12 *a, unsigned n)
{
    cyc_compressed z;
    ck_fp2 num, den, g1;
    cyc_compress(&z, a);
    for (unsigned i = 0; i < n; i++) cyc_sqr_compressed(&z);
    g1_fraction(&num, &den, &z);
    ck_fp2_batch_inv(&g1, &den, 1);
    ck_fp2_mul_(&g1, &g1, &num);
    cyc_decompress(r, &z, &g1);
    ck_wipe(&z, sizeof(z));
}

/* Elements per shared inversion: their CYC_MAX_TERMS terms each fit one
 * batch division. */
#define CYC_CHUNK (CYC_MAX_DIV / CYC_MAX_TERMS)

/* a[i]^|x| for m <= CYC_CHUNK elements: the powers a^(2^k) for the set bits
 * k of |x| come from one compressed chain per element; all decompressions
 * share one inversion; the terms are multiplied. */
static void exp_x_chunk(ck_fp12 *r, const ck_fp12 *a, size_t m)
{
    cyc_compressed saved[CYC_MAX_DIV], z;
    ck_fp2 num[CYC_MAX_DIV], den[CYC_MAX_DIV], g1[CYC_MAX_DIV];
    ck_fp12 t;
    const size_t terms = (size_t)__builtin_popcountll(CK_X_ABS);
    size_t n = 0;
    for (size_t j = 0; j < m; j++) {
        cyc_compress(&z, &a[j]);
        ck_cyc_chain_x(&saved[n], &z);
        n += terms;
    }
    for (size_t i = 0; i < n; i++) g1_fraction(&num[i], &den[i], &saved[i]);
    ck_fp2_batch_inv(g1, den, n);
    for (size_t i = 0; i < n; i++) ck_fp2_mul_(&g1[i], &g1[i], &num[i]);
    for (size_t j = 0; j < m; j++) {
        const cyc_compressed *sj = &saved[j * terms];
        cyc_decompress(&r[j], &sj[0], &g1[j * terms]);
        for (size_t i = 1; i < terms; i++) {
            cyc_decompress(&t, &sj[i], &g1[j * terms + i]);
            ck_fp12_mul(&r[j], &r[j], &t);
        }
    }
    ck_wipe(saved, n * sizeof(saved[0]));
    ck_wipe(num, n * sizeof(num[0]));
    ck_wipe(den, n * sizeof(den[0]));
    ck_wipe(g1, n * sizeof(g1[0]));
    ck_wipe(&z, sizeof(z));
    ck_wipe(&t, sizeof(t));
}

void ck_fp12_cyclotomic_exp_x_batch(ck_fp12 *r, const ck_fp12 *a, size_t n)
{
    for (size_t i = 0; i < n; i += CYC_CHUNK)
        exp_x_chunk(r + i, a + i, n - i < CYC_CHUNK ? n - i : CYC_CHUNK);
}

void ck_fp12_cyclotomic_exp_x(ck_fp12 *r, const ck_fp12 *a)
{
    exp_x_chunk(r, a, 1);
}
