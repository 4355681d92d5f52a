/* src/ec/sswu_g1.c - RFC 9380 map_to_curve for G1: SSWU on E', 11-isogeny to E. */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

#define PT ck_g1
#define FE ck_fp
#define FN(name) ck_g1_##name
#define FE_ADD ck_fp_add_
#define FE_MUL ck_fp_mul
#define FE_SQR ck_fp_sqr
#define FE_NEG ck_fp_neg
#define FE_INV ck_fp_inv
#define FE_IS_ZERO ck_fp_is_zero
#define FE_SQRT ck_fp_sqrt
#define FE_IS_SQUARE ck_fp_is_square
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
