/*
 * src/ec/fp.c - the base field Fp, p = 0x1a01...aaab (381 bits), in Montgomery
 * form over six 64-bit limbs. Every function is constant time: carries and
 * borrows become masks, exponents are public constants.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/fp_mul.h"
#include "ec/field_inline.h"

const limb_t ck_p_limbs[6] = {
    0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
    0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL,
};

void ck_fp_add(ck_fp *r, const ck_fp *a, const ck_fp *b) { ck_fp_add_(r, a, b); }
void ck_fp_sub(ck_fp *r, const ck_fp *a, const ck_fp *b) { ck_fp_sub_(r, a, b); }

void ck_fp_dbl(ck_fp *r, const ck_fp *a) { ck_fp_add_(r, a, a); }

void ck_fp_neg(ck_fp *r, const ck_fp *a) { ck_fp_neg_(r, a); }

/* r = mask ? -a : a */
void ck_fp_cneg(ck_fp *r, const ck_fp *a, limb_t mask)
{
    ck_fp n;
    ck_fp_neg(&n, a);
    ck_limbs_select(r->l, n.l, a->l, 6, mask);
}

/* r = a / 2 mod p: add p when odd, then shift (p is odd). */
void ck_fp_half(ck_fp *r, const ck_fp *a) { ck_fp_half_(r, a); }

/* Double-and-add from the top set bit of k (public, at most 16). The
 * curves' 3b = 12 has its own straight-line form, ck_fp_mul12_. */
void ck_fp_mul_small(ck_fp *r, const ck_fp *a, unsigned k)
{
    ck_fp acc = *a, base = *a;
    int bit;
    if (k == 0) {
        memset(r, 0, sizeof(*r));
        return;
    }
    bit = 31 - __builtin_clz(k);
    while (bit-- > 0) {
        ck_fp_add_(&acc, &acc, &acc);
        if ((k >> bit) & 1) ck_fp_add_(&acc, &acc, &base);
    }
    *r = acc;
}

void ck_fp_mul(ck_fp *r, const ck_fp *a, const ck_fp *b)
{
    ck_fp_mont_mul_raw(r->l, a->l, b->l);
}

void ck_fp_sqr(ck_fp *r, const ck_fp *a)
{
    ck_fp_mont_sqr_raw(r->l, a->l);
}

void ck_fp_mont_mul_raw(limb_t r[6], const limb_t a[6], const limb_t b[6])
{
    ck_mont_mul_384(r, a, b, CK_P, CK_P_INV64);
}

void ck_fp_from_mont(limb_t r[6], const ck_fp *a)
{
    static const limb_t one[6] = {1, 0, 0, 0, 0, 0};
    ck_fp_mont_mul_raw(r, a->l, one);
}

void ck_fp_to_mont(ck_fp *r, const limb_t a[6])
{
    ck_fp_mont_mul_raw(r->l, a, CK_FP_R2.l);
}

void ck_fp_from_u64(ck_fp *r, uint64_t v)
{
    limb_t t[6] = {v, 0, 0, 0, 0, 0};
    ck_fp_to_mont(r, t);
}

/*
 * Left-to-right sliding window of up to 5 bits over the odd powers a, a^3,
 * ..., a^31. The exponent is a public constant (every caller passes one of
 * (p+1)/4, (p-3)/4, (p-1)/2), so the windows it decides and the table
 * index are public; the base, which may be secret, only meets products.
 * For (p+1)/4: 381 squarings and about 62 products, against 384 and 96 of
 * the fixed 4-bit window.
 */
void ck_pow_plan(ck_pow_plan_t *plan, const limb_t *e, size_t nlimbs)
{
    int i = (int)(nlimbs * 64) - 1;
    unsigned sq = 0;
#define BIT(n) ((int)((e[(n) / 64] >> ((n) % 64)) & 1))
    plan->n = 0;
    while (i >= 0) {
        if (!BIT(i)) {
            sq += plan->n > 0;
            i--;
            continue;
        }
        int lo = i - 4 < 0 ? 0 : i - 4;       /* window [lo, i] ending in a 1 */
        while (!BIT(lo)) lo++;
        unsigned w = 0;
        for (int b = i; b >= lo; b--) {
            w = (w << 1) | (unsigned)BIT(b);
            sq += plan->n > 0;
        }
        plan->sq[plan->n] = (uint16_t)sq;
        plan->idx[plan->n++] = (uint8_t)(w >> 1);
        sq = 0;
        i = lo - 1;
    }
#undef BIT
    plan->tail = (uint16_t)sq;
}

void ck_fp_pow(ck_fp *r, const ck_fp *a, const limb_t *e, size_t nlimbs)
{
    ck_fp odd[16], a2, acc = CK_FP_ONE;
    ck_pow_plan_t plan;
    ck_pow_plan(&plan, e, nlimbs);
    odd[0] = *a;
    ck_fp_sqr_(&a2, a);
    for (int j = 1; j < 16; j++) ck_fp_mul_(&odd[j], &odd[j - 1], &a2);
    for (size_t s = 0; s < plan.n; s++) {
        for (unsigned k = 0; k < plan.sq[s]; k++) ck_fp_sqr_(&acc, &acc);
        if (s) ck_fp_mul_(&acc, &acc, &odd[plan.idx[s]]);
        else acc = odd[plan.idx[s]];
    }
    for (unsigned k = 0; k < plan.tail; k++) ck_fp_sqr_(&acc, &acc);
    *r = acc;
    ck_wipe(odd, sizeof(odd));
    ck_wipe(&a2, sizeof(a2));
    ck_wipe(&acc, sizeof(acc));
}

void ck_fp_pow_many(ck_fp *r, const ck_fp *a, size_t n, const limb_t *e, size_t nlimbs)
{
    size_t i = 0;
#ifdef CK_HAVE_IFMA_KERNEL
    if (ck_cpu_has_ifma && n >= 2) {
        ck_pow_plan_t plan;
        ck_pow_plan(&plan, e, nlimbs);
        for (; i < n; i += 8) {
            const ck_fp *in[8];
            ck_fp *out[8], spare[8];
            for (size_t j = 0; j < 8; j++) {
                in[j] = i + j < n ? &a[i + j] : &a[i];
                out[j] = i + j < n ? &r[i + j] : &spare[j];
            }
            ck_fp_pow_lanes(out, in, &plan);
            ck_wipe(spare, sizeof(spare));
        }
    }
#endif
    for (; i < n; i++) ck_fp_pow(&r[i], &a[i], e, nlimbs);
}

/* a holds A = a R; safegcd gives A^-1 = a^-1 R^-1, and a Montgomery product
 * with R^3 turns that into a^-1 R. */
void ck_fp_inv(ck_fp *r, const ck_fp *a)
{
    limb_t t[6];
    ck_fp_inv_plain(t, a->l);
    ck_fp_mont_mul_raw(r->l, CK_FP_R3.l, t);
    ck_wipe(t, sizeof(t));
}

int ck_fp_is_zero(const ck_fp *a)
{
    return (int)(ck_limbs_zero_mask(a->l, 6) & 1);
}

int ck_fp_eq(const ck_fp *a, const ck_fp *b)
{
    limb_t acc = 0;
    for (int i = 0; i < 6; i++) acc |= a->l[i] ^ b->l[i];
    return (int)(ck_mask_is_zero(acc) & 1);
}

/* a^((p-1)/2) is 1 for squares, p-1 for non-squares, 0 for 0. */
int ck_fp_is_square(const ck_fp *a)
{
    ck_fp t;
    ck_fp_pow(&t, a, CK_P_MINUS1_DIV2, 6);
    return ck_fp_eq(&t, &CK_FP_ONE) | ck_fp_is_zero(a);
}

/* p = 3 mod 4: sqrt(a) = a^((p+1)/4) when a is a square. */
int ck_fp_sqrt(ck_fp *r, const ck_fp *a)
{
    ck_fp s, check;
    ck_fp_pow(&s, a, CK_P_PLUS1_DIV4, 6);
    ck_fp_sqr_(&check, &s);
    int ok = ck_fp_eq(&check, a);
    *r = s;
    return ok;
}

void ck_fp_sqrt_many(ck_fp *r, int *ok, const ck_fp *a, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        size_t m = n - i < 8 ? n - i : 8;
        ck_fp s[8], check;
        ck_fp_pow_many(s, a + i, m, CK_P_PLUS1_DIV4, 6);
        for (size_t j = 0; j < m; j++) {
            ck_fp_sqr_(&check, &s[j]);
            ok[i + j] = ck_fp_eq(&check, &a[i + j]);
            r[i + j] = s[j];
        }
        ck_wipe(s, sizeof(s));
    }
}

int ck_fp_sgn0(const ck_fp *a)
{
    limb_t t[6];
    ck_fp_from_mont(t, a);
    return (int)(t[0] & 1);
}

/* 1 when the canonical value exceeds (p-1)/2 (ZCash "lexicographically largest"). */
int ck_fp_lexi_largest(const ck_fp *a)
{
    limb_t t[6], borrow = 0;
    ck_fp_from_mont(t, a);
    for (int i = 0; i < 6; i++) {       /* (p-1)/2 - t borrows iff t > (p-1)/2 */
        dlimb_t v = (dlimb_t)CK_P_MINUS1_DIV2[i] - t[i] - borrow;
        borrow = (limb_t)(v >> 64) & 1;
    }
    return (int)borrow;
}

ck_err ck_fp_from_bytes(ck_fp *r, const uint8_t in[CK_FP_BYTES])
{
    limb_t t[6], borrow = 0;
    for (int i = 0; i < 6; i++) {
        limb_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(5 - i) * 8 + j];
        t[i] = w;
    }
    for (int i = 0; i < 6; i++) {       /* t - p borrows iff t < p */
        dlimb_t v = (dlimb_t)t[i] - CK_P[i] - borrow;
        borrow = (limb_t)(v >> 64) & 1;
    }
    if (!borrow) return CK_ERR_RANGE;
    ck_fp_to_mont(r, t);
    return CK_OK;
}

void ck_fp_to_bytes(uint8_t out[CK_FP_BYTES], const ck_fp *a)
{
    limb_t t[6];
    ck_fp_from_mont(t, a);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++) out[(5 - i) * 8 + j] = (uint8_t)(t[i] >> (56 - 8 * j));
}

/* 512-bit big-endian x = hi * 2^384 + lo  ->  Montgomery form of x mod p.
 * mont(R^2, lo) = lo*R and mont(R^3, hi) = hi*2^384*R. The kernel's first
 * operand must be < p; the second may be any value below 2^384. */
void ck_fp_from_64_bytes(ck_fp *r, const uint8_t in[64])
{
    limb_t hi[6] = {0}, lo[6];
    ck_fp a, b;
    for (int i = 0; i < 2; i++) {
        limb_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(1 - i) * 8 + j];
        hi[i] = w;
    }
    for (int i = 0; i < 6; i++) {
        limb_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[16 + (5 - i) * 8 + j];
        lo[i] = w;
    }
    ck_fp_mont_mul_raw(a.l, CK_FP_R2.l, lo);  /* unreduced operand second: */
    ck_fp_mont_mul_raw(b.l, CK_FP_R3.l, hi);  /* it is consumed word by word */
    ck_fp_add(r, &a, &b);
}
