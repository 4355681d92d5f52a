/*
 * src/ec/fp_mul.h - Montgomery multiplication kernels.
 *
 * Both moduli (p: 381 bits, r: 255 bits) leave the top bit of the top limb
 * free, so the CIOS loop needs no extra carry word ("no-carry" CIOS, as in
 * Gautam Botrel's note on gnark). The result is fully reduced (< modulus)
 * by one masked subtraction.
 *
 * Operand bounds: a < m; b may be any N-limb value (it is consumed word by
 * word, so the running sum stays below a + m < 2m).
 */
#ifndef CK_EC_FP_MUL_H
#define CK_EC_FP_MUL_H

#include "ec/internal.h"

#define CK_DEFINE_MONT_MUL(name, N)                                            \
static inline void name(limb_t r[N], const limb_t a[N], const limb_t b[N],    \
                        const limb_t m[N], limb_t minv)                        \
{                                                                              \
    limb_t t[N] = {0}, s[N], borrow = 0;                                       \
    for (int i = 0; i < N; i++) {                                              \
        dlimb_t A = (dlimb_t)a[0] * b[i] + t[0];                               \
        limb_t k = (limb_t)A * minv;                                           \
        dlimb_t C = (dlimb_t)k * m[0] + (limb_t)A;                             \
        A >>= 64;                                                              \
        C >>= 64;                                                              \
        for (int j = 1; j < N; j++) {                                          \
            A = (dlimb_t)a[j] * b[i] + t[j] + (limb_t)A;                       \
            C = (dlimb_t)k * m[j] + (limb_t)A + (limb_t)C;                     \
            t[j - 1] = (limb_t)C;                                              \
            A >>= 64;                                                          \
            C >>= 64;                                                          \
        }                                                                      \
        t[N - 1] = (limb_t)C + (limb_t)A;                                      \
    }                                                                          \
    for (int i = 0; i < N; i++) {                                              \
        dlimb_t v = (dlimb_t)t[i] - m[i] - borrow;                             \
        s[i] = (limb_t)v;                                                      \
        borrow = (limb_t)(v >> 64) & 1;                                        \
    }                                                                          \
    ck_limbs_select(r, t, s, N, ck_mask_from_bit(borrow));                     \
}

CK_DEFINE_MONT_MUL(ck_mont_mul_384_c, 6)
CK_DEFINE_MONT_MUL(ck_mont_mul_256, 4)

#if defined(__x86_64__) && defined(__GNUC__) && defined(CK_ENABLE_ADX)
#define CK_HAVE_ADX_KERNEL 1
void ck_mont_mul_384_adx(limb_t r[6], const limb_t a[6], const limb_t b[6]);
void ck_fp2_mul_adx(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b);
extern int ck_cpu_has_adx;
static inline void ck_mont_mul_384(limb_t r[6], const limb_t a[6], const limb_t b[6],
                                   const limb_t m[6], limb_t minv)
{
    if (ck_cpu_has_adx) ck_mont_mul_384_adx(r, a, b);
    else ck_mont_mul_384_c(r, a, b, m, minv);
}
#else
#define ck_mont_mul_384 ck_mont_mul_384_c
#endif

static inline void ck_fp_mont_sqr_raw(limb_t r[6], const limb_t a[6])
{
    ck_fp_mont_mul_raw(r, a, a);
}

#endif
