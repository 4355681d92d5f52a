/* src/ec/sswu_g1.c - RFC 9380 map_to_curve for G1: SSWU on E', 11-isogeny to E. */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

/* Z sqrt(-Z) for Z = 11 (Montgomery form): -Z is a square as p = 3 mod 4. */
static const ck_fp g1_z_sqrt_minus_z = {{0x76498e352cde4b8cULL, 0x51f79f0f94e3d23dULL,
    0xf3034a51a719e618ULL, 0x894b0d52bae1da93ULL, 0x670c6815037d1d4eULL, 0x198d6f3aa0ed439aULL}};

/* y1 = gx1^((p+1)/4) is a root of gx1 or, when gx1 is not a square, of
 * -gx1; then u^3 Z sqrt(-Z) y1 squares to Z^3 u^6 gx1 = gx2. */
static limb_t g1_sqrt_either(ck_fp *y, const ck_fp *gx1, const ck_fp *gx2, const ck_fp *u)
{
    ck_fp y1, t, u3;
    (void)gx2;
    ck_fp_pow(&y1, gx1, CK_P_PLUS1_DIV4, 6);
    ck_fp_sqr_(&t, &y1);
    limb_t square = ck_mask_from_bit((limb_t)ck_fp_eq(&t, gx1));
    ck_fp_sqr_(&u3, u);
    ck_fp_mul_(&u3, &u3, u);
    ck_fp_mul_(&t, &y1, &u3);
    ck_fp_mul_(&t, &t, &g1_z_sqrt_minus_z);
    CK_SELECT(y, &y1, &t, square);
    return square;
}

#define PT ck_g1
#define FE ck_fp
#define FN(name) ck_g1_##name
#define FE_ADD ck_fp_add_
#define FE_MUL ck_fp_mul_
#define FE_SQR ck_fp_sqr_
#define FE_NEG ck_fp_neg
#define FE_INV ck_fp_inv
#define FE_IS_ZERO ck_fp_is_zero
#define SQRT_EITHER g1_sqrt_either
#define FE_SGN0 ck_fp_sgn0
#define FE_ONE CK_FP_ONE
#define SSWU_A CK_SSWU1_A
#define SSWU_B CK_SSWU1_B
#define SSWU_Z CK_SSWU1_Z
#define SSWU_MINUS_B_OVER_A CK_SSWU1_MINUS_B_OVER_A
#define SSWU_B_OVER_ZA CK_SSWU1_B_OVER_ZA
#define ISO_XNUM CK_ISO11_XNUM
#define ISO_XDEN CK_ISO11_XDEN
#define ISO_YNUM CK_ISO11_YNUM
#define ISO_YDEN CK_ISO11_YDEN
#define ISO_NX 12
#define ISO_DX 11
#define ISO_NY 16
#define ISO_DY 16
#include "ec/sswu_impl.h"
