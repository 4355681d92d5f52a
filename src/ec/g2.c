/*
 * src/ec/g2.c - G2 = E'(Fp2)[r], E': y^2 = x^3 + 4(u + 1), the M-type twist.
 */
#include <pthread.h>
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"

#define PT ck_g2
#define AFF ck_g2_affine
#define FE ck_fp2
#define TABLE ck_g2_table
#define FN(name) ck_g2_##name
#define FE_ADD ck_fp2_add_
#define FE_SUB ck_fp2_sub_
#define FE_MUL ck_fp2_mul_
#define FE_SQR ck_fp2_sqr_
#define FE_DBL ck_fp2_dbl_
#define FE_NEG ck_fp2_neg
#define FE_INV ck_fp2_inv
#define FE_EQ ck_fp2_eq
#define FE_IS_ZERO ck_fp2_is_zero
#define FE_CNEG ck_fp2_cneg
#define FE_ONE CK_FP2_ONE_
#define CURVE_B CK_B2
#define FE_MUL_B3 g2_mul_b3
static const ck_fp2 CK_FP2_ONE_ = {CK_FP_ONE_INIT, {{0}}};
/* 3b' = 12 (1 + u) */
static inline void g2_mul_b3(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp2_mul12_(r, a);
    ck_fp2_mul_by_xi_(r, r);
}
#define ENDO_DIMS 4
#define ENDO_LIMBS 1
#define ENDO_SPLIT ck_split_base_x
#define ENDO_APPLY g2_neg_psi
#ifdef CK_HAVE_IFMA_KERNEL
#define LANES ck_g2_lanes
#define LANES_START ck_g2l_start
#define LANES_MADD ck_g2l_madd
#define LANES_FINISH ck_g2l_finish
#endif
static void g2_neg_psi(ck_g2 *r, const ck_g2 *a);
#include "ec/point_impl.h"

static void g2_neg_psi(ck_g2 *r, const ck_g2 *a)
{
    ck_g2_psi(r, a);
    ck_fp2_neg(&r->y, &r->y);
}

void ck_g2_generator(ck_g2 *r)
{
    r->x = CK_G2_X;
    r->y = CK_G2_Y;
    ck_fp2_one(&r->z);
}

/* psi = untwist . Frobenius . twist: (conj(X) cx, conj(Y) cy, conj(Z)) in Jacobian. */
void ck_g2_psi(ck_g2 *r, const ck_g2 *a)
{
    ck_fp2_conj(&r->x, &a->x);
    ck_fp2_mul_(&r->x, &r->x, &CK_PSI_X);
    ck_fp2_conj(&r->y, &a->y);
    ck_fp2_mul_(&r->y, &r->y, &CK_PSI_Y);
    ck_fp2_conj(&r->z, &a->z);
}

/* psi^2(x, y) = (x c, -y) with c in Fp. */
void ck_g2_psi2(ck_g2 *r, const ck_g2 *a)
{
    ck_fp_mul_(&r->x.c0, &a->x.c0, &CK_PSI2_X);
    ck_fp_mul_(&r->x.c1, &a->x.c1, &CK_PSI2_X);
    ck_fp2_neg(&r->y, &a->y);
    r->z = a->z;
}

/* Scott (ePrint 2021/1130): Q in G2 iff psi(Q) = [x] Q. */
int ck_g2_in_group(const ck_g2 *a)
{
    ck_g2 p, t;
    if (!ck_g2_on_curve(a)) return 0;
    ck_g2_psi(&p, a);
    ck_g2_mul_u64_vartime(&t, a, CK_X_ABS);
    ck_g2_neg(&t, &t);
    return ck_g2_eq(&p, &t);
}

/* [x] P for the (negative) BLS parameter x. */
static void g2_mul_by_x(ck_g2 *r, const ck_g2 *a)
{
    ck_g2_mul_u64_vartime(r, a, CK_X_ABS);
    ck_g2_neg(r, r);
}

/* Budroni-Pintore: h_eff P = [x^2 - x - 1] P + [x - 1] psi(P) + psi^2(2P). */
void ck_g2_clear_cofactor(ck_g2 *r, const ck_g2 *a)
{
    ck_g2 t1, t2, t3;
    g2_mul_by_x(&t1, a);
    ck_g2_psi(&t2, a);
    ck_g2_dbl(&t3, a);
    ck_g2_psi2(&t3, &t3);
    ck_g2_neg(&t2, &t2);
    ck_g2_add(&t3, &t3, &t2);   /* psi^2(2P) - psi(P) */
    ck_g2_neg(&t2, &t2);
    ck_g2_add(&t2, &t1, &t2);   /* xP + psi(P) */
    g2_mul_by_x(&t2, &t2);
    ck_g2_add(&t3, &t3, &t2);
    ck_g2_neg(&t1, &t1);
    ck_g2_add(&t3, &t3, &t1);
    ck_g2_neg(&t1, a);
    ck_g2_add(r, &t3, &t1);
}

static pthread_once_t g2_table_once = PTHREAD_ONCE_INIT;
static ck_g2_table g2_table;

static void g2_table_build(void)
{
    ck_g2 g;
    ck_g2_generator(&g);
    ck_g2_table_init(&g2_table, &g);
}

const ck_g2_table *ck_g2_generator_table(void)
{
    pthread_once(&g2_table_once, g2_table_build);
    return &g2_table;
}
