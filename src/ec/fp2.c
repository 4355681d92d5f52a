/*
 * src/ec/fp2.c - Fp2 = Fp[u]/(u^2 + 1). Karatsuba multiplication, complex
 * squaring, inversion through the norm, constant-time square roots.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/field_inline.h"
#include "ec/fp_mul.h"
#include "ec/batch_inv.h"

void ck_fp2_one(ck_fp2 *r)
{
    r->c0 = CK_FP_ONE;
    memset(&r->c1, 0, sizeof(r->c1));
}

void ck_fp2_add(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b) { ck_fp2_add_(r, a, b); }

void ck_fp2_sub(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b) { ck_fp2_sub_(r, a, b); }

void ck_fp2_dbl(ck_fp2 *r, const ck_fp2 *a) { ck_fp2_add_(r, a, a); }

void ck_fp2_neg(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp_neg(&r->c0, &a->c0);
    ck_fp_neg(&r->c1, &a->c1);
}

void ck_fp2_cneg(ck_fp2 *r, const ck_fp2 *a, limb_t mask)
{
    ck_fp_cneg(&r->c0, &a->c0, mask);
    ck_fp_cneg(&r->c1, &a->c1, mask);
}

void ck_fp2_conj(ck_fp2 *r, const ck_fp2 *a)
{
    r->c0 = a->c0;
    ck_fp_neg(&r->c1, &a->c1);
}

void ck_fp2_half(ck_fp2 *r, const ck_fp2 *a) { ck_fp2_half_(r, a); }

void ck_fp2_mul_small(ck_fp2 *r, const ck_fp2 *a, unsigned k)
{
    ck_fp_mul_small(&r->c0, &a->c0, k);
    ck_fp_mul_small(&r->c1, &a->c1, k);
}

/* (a0 + a1 u)(b0 + b1 u) = a0b0 - a1b1 + ((a0+a1)(b0+b1) - a0b0 - a1b1) u */
void ck_fp2_mul(ck_fp2 *r, const ck_fp2 *a, const ck_fp2 *b)
{
    ck_fp t0, t1, s0, s1;
#ifdef CK_HAVE_ADX_KERNEL
    if (ck_cpu_has_adx) {                  /* lazy reduction: two REDCs, not three */
        ck_fp2_mul_adx(r, a, b);
        return;
    }
#endif
    ck_fp_mul_(&t0, &a->c0, &b->c0);
    ck_fp_mul_(&t1, &a->c1, &b->c1);
    ck_fp_add_(&s0, &a->c0, &a->c1);
    ck_fp_add_(&s1, &b->c0, &b->c1);
    ck_fp_mul_(&s0, &s0, &s1);
    ck_fp_sub_(&r->c0, &t0, &t1);
    ck_fp_sub_(&s0, &s0, &t0);
    ck_fp_sub_(&r->c1, &s0, &t1);
}

void ck_fp2_sqr(ck_fp2 *r, const ck_fp2 *a) { ck_fp2_sqr_(r, a); }

void ck_fp2_mul_fp(ck_fp2 *r, const ck_fp2 *a, const ck_fp *b)
{
    ck_fp_mul_(&r->c0, &a->c0, b);
    ck_fp_mul_(&r->c1, &a->c1, b);
}

void ck_fp2_mul_by_xi(ck_fp2 *r, const ck_fp2 *a) { ck_fp2_mul_by_xi_(r, a); }

/* 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2); inv(0) = 0 */
void ck_fp2_inv(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp n, t;
    ck_fp_sqr_(&n, &a->c0);
    ck_fp_sqr_(&t, &a->c1);
    ck_fp_add_(&n, &n, &t);
    ck_fp_inv(&n, &n);
    ck_fp_mul_(&r->c0, &a->c0, &n);
    ck_fp_mul_(&t, &a->c1, &n);
    ck_fp_neg(&r->c1, &t);
}

int ck_fp2_eq(const ck_fp2 *a, const ck_fp2 *b)
{
    return ck_fp_eq(&a->c0, &b->c0) & ck_fp_eq(&a->c1, &b->c1);
}

int ck_fp2_is_zero(const ck_fp2 *a)
{
    return ck_fp_is_zero(&a->c0) & ck_fp_is_zero(&a->c1);
}

void ck_fp2_pow(ck_fp2 *r, const ck_fp2 *a, const limb_t *e, size_t nlimbs)
{
    ck_fp2 table[16], acc;
    ck_fp2_one(&table[0]);
    acc = table[0];
    for (int i = 1; i < 16; i++) ck_fp2_mul_(&table[i], &table[i - 1], a);
    for (size_t i = nlimbs * 16; i-- > 0;) {
        unsigned w = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
        for (int s = 0; s < 4; s++) ck_fp2_sqr_(&acc, &acc);
        ck_fp2_mul_(&acc, &acc, &table[w]);
    }
    *r = acc;
    ck_wipe(table, sizeof(table));
}

/* A square in Fp2 iff its norm a0^2 + a1^2 is a square in Fp. */
int ck_fp2_is_square(const ck_fp2 *a)
{
    ck_fp n, t;
    ck_fp_sqr_(&n, &a->c0);
    ck_fp_sqr_(&t, &a->c1);
    ck_fp_add_(&n, &n, &t);
    return ck_fp_is_square(&n);
}

/*
 * Square root through the norm (p = 3 mod 4), without branches, given s, a
 * square root of the norm a0^2 + a1^2 (either sign):
 *   t = (a0 + s)/2 (or (a0 - s)/2 when that is 0); z = t^((p-3)/4) and
 *   c = z t = t^((p+1)/4). If c^2 = t the root is c + a1/(2c) u; otherwise
 *   c^2 = -t and the root is a1/(2c) + c u. No inversion: c z = t^((p-1)/2)
 *   is 1 in the first case and -1 in the second, so 1/c = +-z. The final
 *   check rejects non-squares.
 */
static void norm_root_t(ck_fp *t, const ck_fp2 *a, const ck_fp *s)
{
    ck_fp t2;
    ck_fp_add_(t, &a->c0, s);
    ck_fp_half(t, t);
    ck_fp_sub_(&t2, &a->c0, s);
    ck_fp_half(&t2, &t2);
    CK_SELECT(t, &t2, t, ck_limbs_zero_mask(t->l, 6));
    ck_wipe(&t2, sizeof(t2));
}

/* the root from t and z = t^((p-3)/4) */
static int norm_root_finish(ck_fp2 *r, const ck_fp2 *a, const ck_fp *t, const ck_fp *z)
{
    ck_fp c, c2, d;
    ck_fp2 x, check;
    ck_fp_mul_(&c, z, t);
    ck_fp_sqr_(&c2, &c);
    limb_t direct = ck_mask_from_bit((limb_t)ck_fp_eq(&c2, t));
    ck_fp_cneg(&d, z, ~direct);                 /* 1/c */
    ck_fp_half(&d, &d);
    ck_fp_mul_(&d, &d, &a->c1);                 /* a1 / (2c) */
    CK_SELECT(&x.c0, &c, &d, direct);
    CK_SELECT(&x.c1, &d, &c, direct);
    ck_fp2_sqr_(&check, &x);
    int ok = ck_fp2_eq(&check, a);             /* before *r: r may alias a */
    *r = x;
    ck_wipe(&c, sizeof(c));
    ck_wipe(&d, sizeof(d));
    return ok;
}

int ck_fp2_sqrt_from_norm_root(ck_fp2 *r, const ck_fp2 *a, const ck_fp *s)
{
    ck_fp t, z;
    norm_root_t(&t, a, s);
    ck_fp_pow(&z, &t, CK_P_MINUS3_DIV4, 6);
    int ok = norm_root_finish(r, a, &t, &z);
    ck_wipe(&t, sizeof(t));
    ck_wipe(&z, sizeof(z));
    return ok;
}

static void norm(ck_fp *n, const ck_fp2 *a)
{
    ck_fp t;
    ck_fp_sqr_(n, &a->c0);
    ck_fp_sqr_(&t, &a->c1);
    ck_fp_add_(n, n, &t);
}

int ck_fp2_sqrt(ck_fp2 *r, const ck_fp2 *a)
{
    ck_fp n, s;
    norm(&n, a);
    ck_fp_pow(&s, &n, CK_P_PLUS1_DIV4, 6);
    return ck_fp2_sqrt_from_norm_root(r, a, &s);
}

void ck_fp2_sqrt_many(ck_fp2 *r, int *ok, const ck_fp2 *a, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        size_t m = n - i < 8 ? n - i : 8;
        ck_fp v[8], t[8];
        for (size_t j = 0; j < m; j++) norm(&v[j], &a[i + j]);
        ck_fp_pow_many(v, v, m, CK_P_PLUS1_DIV4, 6);
        for (size_t j = 0; j < m; j++) norm_root_t(&t[j], &a[i + j], &v[j]);
        ck_fp_pow_many(v, t, m, CK_P_MINUS3_DIV4, 6);
        for (size_t j = 0; j < m; j++) ok[i + j] = norm_root_finish(&r[i + j], &a[i + j], &t[j], &v[j]);
        ck_wipe(v, sizeof(v));
        ck_wipe(t, sizeof(t));
    }
}

/* RFC 9380 sgn0 for m = 2. */
int ck_fp2_sgn0(const ck_fp2 *a)
{
    int sign0 = ck_fp_sgn0(&a->c0), zero0 = ck_fp_is_zero(&a->c0);
    int sign1 = ck_fp_sgn0(&a->c1);
    return sign0 | (zero0 & sign1);
}

/* ZCash: compare the imaginary part first, the real part when it is 0. */
int ck_fp2_lexi_largest(const ck_fp2 *a)
{
    int z1 = ck_fp_is_zero(&a->c1);
    return (z1 & ck_fp_lexi_largest(&a->c0)) | ((z1 ^ 1) & ck_fp_lexi_largest(&a->c1));
}

ck_err ck_fp2_from_bytes(ck_fp2 *r, const uint8_t in[CK_FP2_BYTES])
{
    ck_fp2 t;
    ck_err e = ck_fp_from_bytes(&t.c0, in);
    if (e == CK_OK) e = ck_fp_from_bytes(&t.c1, in + CK_FP_BYTES);
    if (e == CK_OK) *r = t;
    return e;
}

void ck_fp2_to_bytes(uint8_t out[CK_FP2_BYTES], const ck_fp2 *a)
{
    ck_fp_to_bytes(out, &a->c0);
    ck_fp_to_bytes(out + CK_FP_BYTES, &a->c1);
}


CK_BATCH_INV(ck_fp2_batch_inv, ck_fp2, ck_fp2_one, ck_fp2_mul_, ck_fp2_inv, ck_fp2_is_zero)
