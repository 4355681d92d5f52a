/*
 * src/ec/gt.c - GT, the order-r subgroup of Fp12*: group operations,
 * constant-time exponentiation, fixed-base tables, membership, encodings.
 */
#include <pthread.h>
#include "ec/internal.h"
#include "ec/constants.h"

void ck_gt_one(ck_gt *r) { ck_fp12_one(&r->v); }
int ck_gt_is_one(const ck_gt *a) { return ck_fp12_is_one(&a->v); }
int ck_gt_eq(const ck_gt *a, const ck_gt *b) { return ck_fp12_eq(&a->v, &b->v); }
void ck_gt_mul(ck_gt *r, const ck_gt *a, const ck_gt *b) { ck_fp12_mul(&r->v, &a->v, &b->v); }
void ck_gt_sqr(ck_gt *r, const ck_gt *a) { ck_fp12_cyclotomic_sqr(&r->v, &a->v); }
void ck_gt_inv(ck_gt *r, const ck_gt *a) { ck_fp12_conj(&r->v, &a->v); }

static pthread_once_t gt_gen_once = PTHREAD_ONCE_INIT;
static ck_gt gt_gen;

static void gt_gen_build(void)
{
    ck_g1 g1;
    ck_g2 g2;
    ck_g1_generator(&g1);
    ck_g2_generator(&g2);
    ck_pairing(&gt_gen, &g1, &g2);
}

void ck_gt_generator(ck_gt *r)
{
    pthread_once(&gt_gen_once, gt_gen_build);
    *r = gt_gen;
}

/* r = mask ? conj(a) : a (inversion in the cyclotomic subgroup): only the
 * w half changes sign. */
static void gt_cinv(ck_fp12 *r, const ck_fp12 *a, limb_t mask)
{
    ck_fp6 n;
    ck_fp6_neg(&n, &a->c1);
    r->c0 = a->c0;
    CK_SELECT(&r->c1, &n, &a->c1, mask);
}

static void digit_split(unsigned *abs, limb_t *neg, int8_t d)
{
    limb_t m = (limb_t)0 - (limb_t)((uint8_t)d >> 7);
    *neg = m;
    *abs = (unsigned)(((limb_t)(int64_t)d ^ m) - m) & 0xff;
}

/* Scans all n <= 16 entries (entry j holds base^(j+1)); digit 0 gives 1. */
static void pick_n(ck_fp12 *r, const ck_fp12 *row, unsigned n, int8_t digit)
{
    static const ck_fp12 one = {.c0 = {.c0 = {.c0 = CK_FP_ONE_INIT}}};
    unsigned abs;
    limb_t neg;
    digit_split(&abs, &neg, digit);
    CK_LOOKUP(r, row, n, abs, &one);
    gt_cinv(r, r, neg);
}

static void pick(ck_fp12 *r, const ck_fp12 row[8], int8_t digit) { pick_n(r, row, 8, digit); }

/* sigma(a) = conj(a^p) = a^-x = a^|x| on GT: the analogue of -psi on G2. */
static void gt_sigma(ck_fp12 *r, const ck_fp12 *a)
{
    ck_fp12_frobenius(r, a, 1);
    ck_fp12_conj(r, r);
}

/*
 * a^k with k = k0 + k1 |x| + k2 |x|^2 + k3 |x|^3 (64-bit digits, constant-
 * time split): a^k = prod sigma^i(a)^(k_i), one Straus loop over the four
 * bases with signed 4-bit windows: 64 cyclotomic squarings, 68
 * multiplications, each after a scan of a whole 8-entry row.
 */
void ck_gt_exp(ck_gt *r, const ck_gt *a, const ck_fr *k)
{
    ck_fp12 row[4][8], acc, t;
    int8_t digits[4][17];
    limb_t limbs[4], part[4][1];
    row[0][0] = a->v;
    for (int j = 1; j < 8; j++) ck_fp12_mul(&row[0][j], &row[0][j - 1], &a->v);
    for (int i = 1; i < 4; i++)
        for (int j = 0; j < 8; j++) gt_sigma(&row[i][j], &row[i - 1][j]);
    ck_fr_to_limbs(limbs, k);
    ck_split_base_x(part, limbs);
    for (int i = 0; i < 4; i++) ck_recode_w4(digits[i], part[i], 1, 17);
    ck_fp12_one(&acc);
    for (int w = 16; w >= 0; w--) {
        for (int s = 0; s < 4 && w != 16; s++) ck_fp12_cyclotomic_sqr(&acc, &acc);
        for (int i = 0; i < 4; i++) {
            pick(&t, row[i], digits[i][w]);
            ck_fp12_mul(&acc, &acc, &t);
        }
    }
    r->v = acc;
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(part, sizeof(part));
    ck_wipe(row, sizeof(row));
    ck_wipe(&t, sizeof(t));
}

void ck_gt_exp_vartime(ck_gt *r, const ck_gt *a, const ck_fr *k)
{
    ck_gt_exp(r, a, k);
}

/* Row i holds g^(j 32^i) for j = 1..16. */
void ck_gt_table_init(ck_gt_table *tab, const ck_gt *g)
{
    ck_fp12 base = g->v;
    for (int i = 0; i < 52; i++) {
        tab->t[i][0] = base;
        for (int j = 1; j < 16; j++) ck_fp12_mul(&tab->t[i][j], &tab->t[i][j - 1], &base);
        for (int s = 0; s < 5; s++) ck_fp12_cyclotomic_sqr(&base, &base);
    }
}

/*
 * g^k as the product of one entry per row: k < r < 2^255 recoded in 52
 * signed 5-bit digits (the last one takes the final carry), each picked by
 * a scan of the whole row and conjugated by a mask when negative. 51
 * multiplications (the first row's entry starts the product) instead of
 * the 64 of 4-bit windows.
 */
void ck_gt_table_exp(ck_gt *r, const ck_gt_table *tab, const ck_fr *k)
{
    ck_fp12 acc, t;
    int8_t digits[52];
    limb_t limbs[4];
    ck_fr_to_limbs(limbs, k);
    ck_recode_w5(digits, limbs, 4, 52);
    pick_n(&acc, tab->t[0], 16, digits[0]);
    for (int i = 1; i < 52; i++) {
        pick_n(&t, tab->t[i], 16, digits[i]);
        ck_fp12_mul(&acc, &acc, &t);
    }
    r->v = acc;
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(&t, sizeof(t));
    ck_wipe(&acc, sizeof(acc));
}

#ifdef CK_HAVE_IFMA_KERNEL
/* Below this many exponentiations a batch leaves too many lanes idle to
 * beat the scalar products. */
#define GT_LANES_MIN 4

/* n <= 8 of ck_gt_table_exp at once: the same digits and row scans, and
 * the products in lanes (gt_ifma.c). Idle lanes raise the first table to
 * the power 0. */
static void table_exp_lanes(ck_gt *r, const ck_gt_table *const *tab, const ck_fr *k, size_t n)
{
    ck_fp12 pick_out[8], *out[8];
    const ck_fp12 *in[8];
    const ck_gt_table *t[8];
    int8_t digits[8][52] = {{0}};
    limb_t limbs[4];
    ck_gt_lanes acc;
    for (size_t i = 0; i < 8; i++) {
        t[i] = tab[i < n ? i : 0];
        in[i] = &pick_out[i];
        out[i] = i < n ? &r[i].v : &pick_out[i];
        if (i >= n) continue;
        ck_fr_to_limbs(limbs, &k[i]);
        ck_recode_w5(digits[i], limbs, 4, 52);
    }
    for (int row = 0; row < 52; row++) {
        for (size_t i = 0; i < 8; i++) pick_n(&pick_out[i], t[i]->t[row], 16, digits[i][row]);
        if (row == 0) ck_gtl_start(&acc, in);
        else ck_gtl_mul(&acc, in);
    }
    if (ck_gtl_finish(out, &acc) != 0)           /* cannot happen: 52 rows, 51 products */
        for (size_t i = 0; i < n; i++) ck_gt_table_exp(&r[i], tab[i], &k[i]);
    ck_wipe(digits, sizeof(digits));
    ck_wipe(limbs, sizeof(limbs));
    ck_wipe(pick_out, sizeof(pick_out));
}
#endif

void ck_gt_table_exp_many(ck_gt *r, const ck_gt_table *const *t, const ck_fr *k, size_t n)
{
    size_t i = 0;
#ifdef CK_HAVE_IFMA_KERNEL
    if (ck_cpu_has_ifma)
        for (; n - i >= GT_LANES_MIN; i += n - i < 8 ? n - i : 8)
            table_exp_lanes(r + i, t + i, k + i, n - i < 8 ? n - i : 8);
#endif
    for (; i < n; i++) ck_gt_table_exp(&r[i], t[i], &k[i]);
}

/* Scott (ePrint 2021/1130): a in GT iff a is cyclotomic and a^p = a^x. */
int ck_gt_in_group(const ck_gt *a)
{
    int ok;
    ck_gt_in_group_batch(&ok, a, 1);
    return ok;
}

void ck_gt_to_bytes(uint8_t out[CK_GT_BYTES], const ck_gt *a)
{
    ck_fp12_to_bytes(out, &a->v);
}

ck_err ck_gt_from_bytes(ck_gt *r, const uint8_t *in, size_t len)
{
    ck_gt t;
    ck_err e;
    if (!in || len != CK_GT_BYTES) return CK_ERR_LENGTH;
    if ((e = ck_fp12_from_bytes(&t.v, in)) != CK_OK) return e;
    if (!ck_gt_in_group(&t)) return CK_ERR_NOT_IN_GROUP;
    *r = t;
    return CK_OK;
}

/*
 * Torus T2 compression: a = c0 + c1 w with a conj(a) = 1 is (m + w)/(m - w)
 * for m = (1 + c0)/c1. The identity (c1 = 0) is written as m = 0, which would
 * otherwise stand for -1, an element outside GT. Decompression: gt_batch.c.
 */
void ck_gt_compress(uint8_t out[CK_GT_COMPRESSED_BYTES], const ck_gt *a)
{
    ck_fp6 m, inv;
    const ck_fp *c;
    ck_fp6_inv(&inv, &a->v.c1);            /* inv(0) = 0 gives m = 0 */
    m = a->v.c0;
    ck_fp_add(&m.c0.c0, &m.c0.c0, &CK_FP_ONE);
    ck_fp6_mul(&m, &m, &inv);
    c = (const ck_fp *)&m;
    for (int i = 0; i < 6; i++) ck_fp_to_bytes(out + i * CK_FP_BYTES, &c[i]);
}

