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

#ifdef CK_HAVE_IFMA_KERNEL
/* n <= 8 of ck_g1_table_mul at once: the same digits and row scans,
 * windows 0 to 62 in lanes (g1_ifma.c), window 63 with the complete
 * addition here. The masks say which lanes are still at the identity (every
 * digit so far 0: the signed base-16 digits of a nonzero partial sum cannot
 * cancel) and which entries are. Idle lanes multiply by 0. */
static void table_mul_lanes(ck_g1 *r, const ck_g1_table *const *tab, const ck_fr *k, size_t n)
{
    int8_t digits[8][64] = {{0}};
    limb_t limbs[4], neg;
    unsigned abs, p_inf = 0xff;
    ck_g1_affine t[8];
    const ck_g1_affine *tp[8];
    const ck_g1_table *tb[8];
    ck_g1 acc[8], *ap[8], id;
    ck_g1_lanes lanes;
    for (size_t i = 0; i < 8; i++) {
        tb[i] = tab[i < n ? i : 0];
        tp[i] = &t[i];
        ap[i] = &acc[i];
        if (i >= n) continue;
        ck_fr_to_limbs(limbs, &k[i]);
        ck_recode_w4(digits[i], limbs, 4, 64);
    }
    ck_g1l_start(&lanes);
    for (int w = 0; w < 63; w++) {
        unsigned q_inf = 0;
        for (int i = 0; i < 8; i++) {
            ck_g1_digit_split_(&abs, &neg, digits[i][w]);
            CK_LOOKUP(&t[i], tb[i]->t[w], 8, abs, NULL);
            ck_fp_cneg(&t[i].y, &t[i].y, neg);
            q_inf |= (unsigned)(ck_mask_is_zero(abs) & 1) << i;
        }
        ck_g1l_madd(&lanes, tp, p_inf, q_inf);
        p_inf &= q_inf;
    }
    ck_g1l_finish(ap, &lanes);
    ck_g1_identity(&id);
    for (size_t i = 0; i < n; i++) {
        CK_SELECT(&acc[i], &id, &acc[i], ck_mask_from_bit((p_inf >> i) & 1));
        ck_g1_digit_split_(&abs, &neg, digits[i][63]);
        CK_LOOKUP(&t[i], tb[i]->t[63], 8, abs, NULL);
        ck_fp_cneg(&t[i].y, &t[i].y, neg);
        ck_g1_madd_(&r[i], &acc[i], &t[i], 1);
    }
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(t, sizeof(t));
    ck_wipe(acc, sizeof(acc));
}
#endif

void ck_g1_table_mul_many(ck_g1 *r, const ck_g1_table *const *tab, const ck_fr *k, size_t n)
{
    size_t i = 0;
#ifdef CK_HAVE_IFMA_KERNEL
    if (ck_cpu_has_ifma)
        for (; n - i >= 4; i += n - i < 8 ? n - i : 8) table_mul_lanes(r + i, tab + i, k + i, n - i < 8 ? n - i : 8);
#endif
    for (; i < n; i++) ck_g1_table_mul(&r[i], tab[i], &k[i]);
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
