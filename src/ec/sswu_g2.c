/* src/ec/sswu_g2.c - RFC 9380 map_to_curve for G2: SSWU on E2', 3-isogeny to E2. */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

static const ck_fp2 fp2_one_ = {CK_FP_ONE_INIT, {{0}}};

/* N(Z) sqrt(-N(Z)) for Z = -(2 + u), N(Z) = 5 (Montgomery form). */
static const ck_fp g2_nz_sqrt_minus_nz = {{0xd5ebd4427c72b3a1ULL, 0x1cd496522ddcd3e5ULL,
    0xbef2fbb781eec7dfULL, 0xa7e8879d7bd484bfULL, 0x8ae5e5b2147c4f33ULL, 0x12c7e800ba7795daULL}};

static void fp2_norm(ck_fp *n, const ck_fp2 *a)
{
    ck_fp t;
    ck_fp_sqr_(n, &a->c0);
    ck_fp_sqr_(&t, &a->c1);
    ck_fp_add(n, n, &t);
}

/* An Fp2 element is a square iff its norm is a square in Fp. s1 = N(gx1)^
 * ((p+1)/4) is a root of N(gx1) or of -N(gx1); in the second case the root
 * of N(gx2) = N(Z)^3 N(u)^6 N(gx1) is N(u)^3 N(Z) sqrt(-N(Z)) s1. One Fp
 * exponentiation for the test and the norm root, one in the Fp2 root. */
static limb_t g2_sqrt_either(ck_fp2 *y, const ck_fp2 *gx1, const ck_fp2 *gx2, const ck_fp2 *u)
{
    ck_fp n, s1, s2, t, nu;
    ck_fp2 a;
    fp2_norm(&n, gx1);
    ck_fp_pow(&s1, &n, CK_P_PLUS1_DIV4, 6);
    ck_fp_sqr_(&t, &s1);
    limb_t square = ck_mask_from_bit((limb_t)ck_fp_eq(&t, &n));
    fp2_norm(&nu, u);
    ck_fp_sqr_(&t, &nu);
    ck_fp_mul_(&t, &t, &nu);
    ck_fp_mul_(&s2, &s1, &t);
    ck_fp_mul_(&s2, &s2, &g2_nz_sqrt_minus_nz);
    CK_SELECT(&s1, &s1, &s2, square);
    CK_SELECT(&a, gx1, gx2, square);
    (void)ck_fp2_sqrt_from_norm_root(y, &a, &s1);  /* a is a square */
    return square;
}

#define PT ck_g2
#define FE ck_fp2
#define FN(name) ck_g2_##name
#define FE_ADD ck_fp2_add_
#define FE_MUL ck_fp2_mul_
#define FE_SQR ck_fp2_sqr_
#define FE_NEG ck_fp2_neg
#define FE_INV ck_fp2_inv
#define FE_IS_ZERO ck_fp2_is_zero
#define SQRT_EITHER g2_sqrt_either
#define FE_SGN0 ck_fp2_sgn0
#define FE_ONE fp2_one_
#define SSWU_A CK_SSWU2_A
#define SSWU_B CK_SSWU2_B
#define SSWU_Z CK_SSWU2_Z
#define SSWU_MINUS_B_OVER_A CK_SSWU2_MINUS_B_OVER_A
#define SSWU_B_OVER_ZA CK_SSWU2_B_OVER_ZA
#define ISO_XNUM CK_ISO3_XNUM
#define ISO_XDEN CK_ISO3_XDEN
#define ISO_YNUM CK_ISO3_YNUM
#define ISO_YDEN CK_ISO3_YDEN
#define ISO_NX 4
#define ISO_DX 3
#define ISO_NY 4
#define ISO_DY 4
#include "ec/sswu_impl.h"
