/* src/ec/sswu_g2.c - RFC 9380 map_to_curve for G2: SSWU on E2', 3-isogeny to E2. */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

static const ck_fp2 fp2_one_ = {CK_FP_ONE_INIT, {{0}}};

#define PT ck_g2
#define FE ck_fp2
#define FN(name) ck_g2_##name
#define FE_ADD ck_fp2_add_
#define FE_MUL ck_fp2_mul
#define FE_SQR ck_fp2_sqr
#define FE_NEG ck_fp2_neg
#define FE_INV ck_fp2_inv
#define FE_IS_ZERO ck_fp2_is_zero
#define FE_SQRT ck_fp2_sqrt
#define FE_IS_SQUARE ck_fp2_is_square
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
