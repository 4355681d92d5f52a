/*
 * src/ec/g1.c - G1 = E(Fp)[r], E: y^2 = x^3 + 4.
 */
#include <pthread.h>
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

#define PT ck_g1
#define AFF ck_g1_affine
#define FE ck_fp
#define TABLE ck_g1_table
#define FN(name) ck_g1_##name
#define FE_ADD ck_fp_add_
#define FE_SUB ck_fp_sub_
#define FE_MUL ck_fp_mul_
#define FE_SQR ck_fp_sqr_
#define FE_DBL ck_fp_dbl_
#define FE_NEG ck_fp_neg
#define FE_INV ck_fp_inv
#define FE_EQ ck_fp_eq
#define FE_IS_ZERO ck_fp_is_zero
#define FE_CNEG ck_fp_cneg
#define FE_ONE CK_FP_ONE
#define CURVE_B CK_B1
#define FE_MUL_B3(r, a) ck_fp_mul12_((r), (a))      /* 3b = 12 */
#define ENDO_DIMS 2
#define ENDO_LIMBS 2
#define ENDO_SPLIT g1_glv_split
#define ENDO_APPLY g1_neg_phi
#ifdef CK_HAVE_IFMA_KERNEL
#define LANES ck_g1_lanes
#define LANES_START ck_g1l_start
#define LANES_MADD ck_g1l_madd
#define LANES_FINISH ck_g1l_finish
#endif
static void g1_glv_split(limb_t part[2][2], const limb_t k[4]);
static void g1_neg_phi(ck_g1 *r, const ck_g1 *a);
#include "ec/point_impl.h"

/* |x|^2, the eigenvalue of -phi on G1 (phi(P) = [-x^2] P). */
static const limb_t g1_x2[2] = {0x0000000100000000ULL, 0xac45a4010001a402ULL};

/* k = r0 + r1 |x|^2 with r0, r1 < |x|^2 < 2^128 (k < r < |x|^4). */
static void g1_glv_split(limb_t part[2][2], const limb_t k[4])
{
    limb_t q[4];
    ck_divmod_ct(q, part[0], k, g1_x2);
    part[1][0] = q[0];
    part[1][1] = q[1];
    ck_wipe(q, sizeof(q));
}

static void g1_neg_phi(ck_g1 *r, const ck_g1 *a)
{
    ck_fp_mul_(&r->x, &a->x, &CK_G1_BETA);
    ck_fp_neg(&r->y, &a->y);
    r->z = a->z;
}

void ck_g1_generator(ck_g1 *r)
{
    r->x = CK_G1_X;
    r->y = CK_G1_Y;
    r->z = CK_FP_ONE;
}

/* Scott (ePrint 2021/1130): P in G1 iff phi(P) = [-x^2] P, phi(x, y) = (beta x, y). */
int ck_g1_in_group(const ck_g1 *a)
{
    ck_g1 phi, t;
    if (!ck_g1_on_curve(a)) return 0;
    phi = *a;
    ck_fp_mul_(&phi.x, &phi.x, &CK_G1_BETA);
    ck_g1_mul_u64_vartime(&t, a, CK_X_ABS);
    ck_g1_mul_u64_vartime(&t, &t, CK_X_ABS);
    ck_g1_neg(&t, &t);
    return ck_g1_eq(&phi, &t);
}

/* h_eff = 1 - x = |x| + 1 (RFC 9380 section 8.8.1). */
void ck_g1_clear_cofactor(ck_g1 *r, const ck_g1 *a)
{
    ck_g1 t;
    ck_g1_mul_u64_vartime(&t, a, CK_X_ABS);
    ck_g1_add(r, &t, a);
}

static pthread_once_t g1_table_once = PTHREAD_ONCE_INIT;
static ck_g1_table g1_table;

static void g1_table_build(void)
{
    ck_g1 g;
    ck_g1_generator(&g);
    ck_g1_table_init(&g1_table, &g);
}

const ck_g1_table *ck_g1_generator_table(void)
{
    pthread_once(&g1_table_once, g1_table_build);
    return &g1_table;
}
