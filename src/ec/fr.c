/*
 * src/ec/fr.c - the scalar field Fr, r = 0x73ed...0001 (255 bits), Montgomery
 * form over four 64-bit limbs, constant time throughout.
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/fp_mul.h"

static void fr_mont(ck_fr *r, const limb_t a[4], const limb_t b[4])
{
    ck_mont_mul_256(r->l, a, b, CK_R, CK_R_INV64);
}

void ck_fr_add(ck_fr *r, const ck_fr *a, const ck_fr *b)
{
    limb_t s[4], t[4], carry = 0, borrow = 0;
    for (int i = 0; i < 4; i++) {
        dlimb_t v = (dlimb_t)a->l[i] + b->l[i] + carry;
        s[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
    for (int i = 0; i < 4; i++) {
        dlimb_t v = (dlimb_t)s[i] - CK_R[i] - borrow;
        t[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    ck_limbs_select(r->l, s, t, 4, ck_mask_from_bit(borrow & ~carry));
}

void ck_fr_sub(ck_fr *r, const ck_fr *a, const ck_fr *b)
{
    limb_t d[4], borrow = 0, carry = 0;
    for (int i = 0; i < 4; i++) {
        dlimb_t v = (dlimb_t)a->l[i] - b->l[i] - borrow;
        d[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    limb_t mask = ck_mask_from_bit(borrow);
    for (int i = 0; i < 4; i++) {
        dlimb_t v = (dlimb_t)d[i] + (CK_R[i] & mask) + carry;
        r->l[i] = (limb_t)v;
        carry = (limb_t)(v >> 64);
    }
}

void ck_fr_neg(ck_fr *r, const ck_fr *a)
{
    ck_fr zero = {{0}};
    ck_fr_sub(r, &zero, a);
}

void ck_fr_mul(ck_fr *r, const ck_fr *a, const ck_fr *b) { fr_mont(r, a->l, b->l); }
void ck_fr_sqr(ck_fr *r, const ck_fr *a) { fr_mont(r, a->l, a->l); }

void ck_fr_from_u64(ck_fr *r, uint64_t v)
{
    limb_t t[4] = {v, 0, 0, 0};
    fr_mont(r, t, CK_FR_R2.l);
}

void ck_fr_to_limbs(limb_t out[4], const ck_fr *a)
{
    static const limb_t one[4] = {1, 0, 0, 0};
    ck_mont_mul_256(out, a->l, one, CK_R, CK_R_INV64);
}

/* safegcd on the Montgomery value A = a R gives a^-1 R^-1; a Montgomery
 * product with R^3 makes it a^-1 R. */
void ck_fr_inv(ck_fr *r, const ck_fr *a)
{
    limb_t t[4];
    ck_fr_inv_plain(t, a->l);
    fr_mont(r, CK_FR_R3.l, t);
    ck_wipe(t, sizeof(t));
}

int ck_fr_is_zero(const ck_fr *a)
{
    return (int)(ck_limbs_zero_mask(a->l, 4) & 1);
}

int ck_fr_eq(const ck_fr *a, const ck_fr *b)
{
    limb_t acc = 0;
    for (int i = 0; i < 4; i++) acc |= a->l[i] ^ b->l[i];
    return (int)(ck_mask_is_zero(acc) & 1);
}

static void load_be(limb_t *out, size_t nlimbs, const uint8_t *in)
{
    for (size_t i = 0; i < nlimbs; i++) {
        limb_t w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | in[(nlimbs - 1 - i) * 8 + j];
        out[i] = w;
    }
}

ck_err ck_fr_from_bytes(ck_fr *r, const uint8_t in[CK_FR_BYTES])
{
    limb_t t[4], borrow = 0;
    load_be(t, 4, in);
    for (int i = 0; i < 4; i++) {
        dlimb_t v = (dlimb_t)t[i] - CK_R[i] - borrow;
        borrow = (limb_t)(v >> 64) & 1;
    }
    /* the range check is on the encoding, so it may branch; the value may not */
    limb_t ok = ck_value_barrier(borrow);
    if (!ok) {
        ck_wipe(t, sizeof(t));
        return CK_ERR_RANGE;
    }
    fr_mont(r, t, CK_FR_R2.l);
    ck_wipe(t, sizeof(t));
    return CK_OK;
}

/* x = hi * 2^256 + lo with hi, lo < 2^256: mont(hi, R^3) + mont(lo, R^2). */
void ck_fr_from_bytes_reduce(ck_fr *r, const uint8_t *in, size_t len)
{
    uint8_t buf[64] = {0};
    limb_t hi[4], lo[4];
    ck_fr a, b;
    if (len > 64) len = 64;  /* documented limit: at most 64 bytes */
    memcpy(buf + 64 - len, in, len);
    load_be(hi, 4, buf);
    load_be(lo, 4, buf + 32);
    fr_mont(&a, CK_FR_R3.l, hi);  /* the unreduced operand goes word by word */
    fr_mont(&b, CK_FR_R2.l, lo);
    ck_fr_add(r, &a, &b);
    ck_wipe(buf, sizeof(buf));
    ck_wipe(hi, sizeof(hi));
    ck_wipe(lo, sizeof(lo));
    ck_wipe(&a, sizeof(a));
    ck_wipe(&b, sizeof(b));
}

void ck_fr_to_bytes(uint8_t out[CK_FR_BYTES], const ck_fr *a)
{
    limb_t t[4];
    ck_fr_to_limbs(t, a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(t[i] >> (56 - 8 * j));
    ck_wipe(t, sizeof(t));
}

ck_err ck_fr_random(ck_fr *r)
{
    uint8_t buf[64];
    ck_err e = ck_random_bytes(buf, sizeof(buf));
    if (e == CK_OK) ck_fr_from_bytes_reduce(r, buf, sizeof(buf));
    ck_wipe(buf, sizeof(buf));
    return e;
}

ck_err ck_fr_random_nonzero(ck_fr *r)
{
    ck_fr one;
    ck_err e = ck_fr_random(r);
    if (e != CK_OK) return e;
    /* zero comes with probability 2^-255: replaced by one with a mask, so
     * nothing branches on the secret (the bias is as small) */
    ck_fr_from_u64(&one, 1);
    CK_SELECT(r, &one, r, (limb_t)0 - (limb_t)ck_fr_is_zero(r));
    return CK_OK;
}

/*
 * Signed 4-bit windows: a digit above 8 borrows 16 from the next window;
 * computed with arithmetic, not branches. Nibbles past nlimbs are 0, so the
 * last window takes the final carry.
 */
void ck_recode_w4(int8_t *digits, const limb_t *k, size_t nlimbs, size_t nwin)
{
    limb_t carry = 0;
    for (size_t i = 0; i < nwin; i++) {
        limb_t nib = i / 16 < nlimbs ? (k[i / 16] >> (4 * (i % 16))) & 15 : 0;
        limb_t d = nib + carry;                                    /* 0..16 */
        carry = (8 - d) >> 63;                                     /* d > 8 */
        digits[i] = (int8_t)((int64_t)d - (int64_t)(carry << 4));
    }
}

/* The same with 5-bit windows, which straddle limbs (bit 5i may sit at the
 * top of one limb): the window is read from a 128-bit pair of limbs. */
void ck_recode_w5(int8_t *digits, const limb_t *k, size_t nlimbs, size_t nwin)
{
    limb_t carry = 0;
    for (size_t i = 0; i < nwin; i++) {
        size_t bit = 5 * i, li = bit / 64;
        limb_t lo = li < nlimbs ? k[li] : 0, hi = li + 1 < nlimbs ? k[li + 1] : 0;
        limb_t win = (limb_t)((((dlimb_t)hi << 64) | lo) >> (bit % 64)) & 31;
        limb_t d = win + carry;                                    /* 0..32 */
        carry = (16 - d) >> 63;                                    /* d > 16 */
        digits[i] = (int8_t)((int64_t)d - (int64_t)(carry << 5));
    }
}

void ck_divmod_ct(limb_t q[4], limb_t rem[2], const limb_t n[4], const limb_t d[2])
{
    limb_t r0 = 0, r1 = 0, r2 = 0;
    for (int i = 0; i < 4; i++) q[i] = 0;
    for (int i = 255; i >= 0; i--) {
        limb_t bit = (n[i / 64] >> (i % 64)) & 1;
        r2 = (r2 << 1) | (r1 >> 63);               /* rem = 2 rem + bit */
        r1 = (r1 << 1) | (r0 >> 63);
        r0 = (r0 << 1) | bit;
        dlimb_t t0 = (dlimb_t)r0 - d[0];           /* rem - d */
        limb_t b0 = (limb_t)(t0 >> 64) & 1;
        dlimb_t t1 = (dlimb_t)r1 - d[1] - b0;
        limb_t b1 = (limb_t)(t1 >> 64) & 1;
        dlimb_t t2 = (dlimb_t)r2 - b1;
        limb_t ge = ck_mask_from_bit(~(limb_t)(t2 >> 64) & 1);   /* no borrow: rem >= d */
        r0 = ((limb_t)t0 & ge) | (r0 & ~ge);
        r1 = ((limb_t)t1 & ge) | (r1 & ~ge);
        r2 = ((limb_t)t2 & ge) | (r2 & ~ge);
        q[i / 64] |= (ge & 1) << (i % 64);
    }
    rem[0] = r0;
    rem[1] = r1;
}

/* k = sum part_i |x|^i, part_i < |x|: three constant-time divisions by the
 * public |x| (k < r < |x|^4, so the last quotient is below |x| too). */
void ck_split_base_x(limb_t part[4][1], const limb_t k[4])
{
    static const limb_t xabs[2] = {CK_X_ABS, 0};
    limb_t q[4], n[4], rem[2];
    memcpy(n, k, sizeof(n));
    for (int i = 0; i < 3; i++) {
        ck_divmod_ct(q, rem, n, xabs);
        part[i][0] = rem[0];
        memcpy(n, q, sizeof(n));
    }
    part[3][0] = n[0];
    ck_wipe(q, sizeof(q));
    ck_wipe(n, sizeof(n));
    ck_wipe(rem, sizeof(rem));
}
