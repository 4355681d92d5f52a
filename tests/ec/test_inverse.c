/*
 * Constant-time inversion by safegcd (src/ec/safegcd.c), for Fp and Fr:
 * against Fermat (a^(m-2)) on random elements, on the edges 0, 1, -1, and
 * on plain inputs up to the full 384-/256-bit width (near 2^384 and 2^256,
 * the modulus itself and its multiples), where the divstep bound is the
 * tightest.
 */
#include <string.h>

#include "ec_util.h"
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/fp_mul.h"
#include "harness.h"

#define ROUNDS 500

static const limb_t p_limbs[6] = {
    0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
    0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL,
};

static void fr_pow(ck_fr *r, const ck_fr *a, const limb_t e[4])
{
    ck_fr acc = CK_FR_ONE;
    for (int i = 255; i >= 0; i--) {
        ck_fr_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1) ck_fr_mul(&acc, &acc, a);
    }
    *r = acc;
}

/* x y = 1 mod p for plain x (any 384-bit value) and y < p: the Montgomery
 * product y x R^-1 then equals 1 * 1 * R^-1. */
static int fp_plain_is_inverse(const limb_t x[6], const limb_t y[6])
{
    limb_t t[6], one[6] = {1, 0, 0, 0, 0, 0}, rinv[6];
    ck_fp_mont_mul_raw(t, y, x);
    ck_fp_mont_mul_raw(rinv, one, one);
    return memcmp(t, rinv, sizeof(t)) == 0;
}

static int fr_plain_is_inverse(const limb_t x[4], const limb_t y[4])
{
    limb_t t[4], one[4] = {1, 0, 0, 0}, rinv[4];
    ck_mont_mul_256(t, y, x, CK_R, CK_R_INV64);
    ck_mont_mul_256(rinv, one, one, CK_R, CK_R_INV64);
    return memcmp(t, rinv, sizeof(t)) == 0;
}

static int is_zero(const limb_t *a, size_t n)
{
    limb_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= a[i];
    return acc == 0;
}

/* 0 when m divides x, else below m and an inverse. */
static void check_fp_plain(const limb_t x[6], int divisible, const char *what)
{
    limb_t y[6];
    ck_fp_inv_plain(y, x);
    if (divisible) CHECK(is_zero(y, 6), "Fp plain inverse of %s is 0", what);
    else CHECK(fp_plain_is_inverse(x, y), "Fp plain inverse of %s", what);
}

static void check_fr_plain(const limb_t x[4], int divisible, const char *what)
{
    limb_t y[4];
    ck_fr_inv_plain(y, x);
    if (divisible) CHECK(is_zero(y, 4), "Fr plain inverse of %s is 0", what);
    else CHECK(fr_plain_is_inverse(x, y), "Fr plain inverse of %s", what);
}

static void test_fp(void)
{
    ck_fp a, t, u, one, zero, m1;
    ck_fp_from_u64(&one, 1);
    ck_fp_from_u64(&zero, 0);
    ck_fp_neg(&m1, &one);
    ck_fp_inv(&t, &zero);
    CHECK(ck_fp_is_zero(&t), "Fp inv(0) = 0");
    ck_fp_inv(&t, &one);
    CHECK(ck_fp_eq(&t, &one), "Fp inv(1) = 1");
    ck_fp_inv(&t, &m1);
    CHECK(ck_fp_eq(&t, &m1), "Fp inv(p-1) = p-1");
    for (int i = 0; i < ROUNDS; i++) {
        tu_rand_fp(&a);
        ck_fp_inv(&t, &a);
        ck_fp_pow(&u, &a, CK_P_MINUS_2, 6);
        CHECK(ck_fp_eq(&t, &u), "Fp safegcd == Fermat (round %d)", i);
        ck_fp_mul(&u, &t, &a);
        CHECK(ck_fp_eq(&u, &one), "Fp a inv(a) = 1 (round %d)", i);
        u = a;
        ck_fp_inv(&u, &u);                       /* r aliases a */
        CHECK(ck_fp_eq(&u, &t), "Fp inv with r == a (round %d)", i);
    }
}

static void test_fp_plain(void)
{
    limb_t x[6];
    memset(x, 0xff, sizeof(x));
    check_fp_plain(x, 0, "2^384 - 1");
    x[0] = ~(limb_t)1;
    check_fp_plain(x, 0, "2^384 - 2");
    memset(x, 0, sizeof(x));
    x[5] = (limb_t)1 << 63;
    check_fp_plain(x, 0, "2^383");
    memset(x, 0, sizeof(x));
    check_fp_plain(x, 1, "0");
    x[0] = 1;
    check_fp_plain(x, 0, "1");
    memcpy(x, p_limbs, sizeof(x));
    check_fp_plain(x, 1, "p");
    x[0] -= 1;
    check_fp_plain(x, 0, "p - 1");
    x[0] += 2;
    check_fp_plain(x, 0, "p + 1");
    {   /* 2p, 3p, 9p: multiples of p below 2^384 */
        static const unsigned k[3] = {2, 3, 9};
        for (int j = 0; j < 3; j++) {
            dlimb_t c = 0;
            for (int i = 0; i < 6; i++) {
                c += (dlimb_t)p_limbs[i] * k[j];
                x[i] = (limb_t)c;
                c >>= 64;
            }
            check_fp_plain(x, 1, "a multiple of p");
        }
    }
    for (int i = 0; i < ROUNDS; i++) {
        for (int j = 0; j < 6; j++) x[j] = tu_rand64();
        if (i % 4 == 0) x[5] |= (limb_t)0xff << 56;   /* near the top */
        check_fp_plain(x, 0, "a random 384-bit value");
    }
}

static void test_fr(void)
{
    ck_fr a, t, u, one, zero, m1;
    ck_fr_from_u64(&one, 1);
    ck_fr_from_u64(&zero, 0);
    ck_fr_neg(&m1, &one);
    ck_fr_inv(&t, &zero);
    CHECK(ck_fr_is_zero(&t), "Fr inv(0) = 0");
    ck_fr_inv(&t, &one);
    CHECK(ck_fr_eq(&t, &one), "Fr inv(1) = 1");
    ck_fr_inv(&t, &m1);
    CHECK(ck_fr_eq(&t, &m1), "Fr inv(r-1) = r-1");
    for (int i = 0; i < ROUNDS; i++) {
        tu_rand_fr(&a);
        ck_fr_inv(&t, &a);
        fr_pow(&u, &a, CK_R_MINUS_2);
        CHECK(ck_fr_eq(&t, &u), "Fr safegcd == Fermat (round %d)", i);
        ck_fr_mul(&u, &t, &a);
        CHECK(ck_fr_eq(&u, &one), "Fr a inv(a) = 1 (round %d)", i);
    }
}

static void test_fr_plain(void)
{
    limb_t x[4];
    memset(x, 0xff, sizeof(x));
    check_fr_plain(x, 0, "2^256 - 1");
    memset(x, 0, sizeof(x));
    check_fr_plain(x, 1, "0");
    x[0] = 1;
    check_fr_plain(x, 0, "1");
    memcpy(x, CK_R, sizeof(x));
    check_fr_plain(x, 1, "r");
    x[0] -= 1;
    check_fr_plain(x, 0, "r - 1");
    {   /* 2r < 2^256 */
        dlimb_t c = 0;
        for (int i = 0; i < 4; i++) {
            c += (dlimb_t)CK_R[i] * 2;
            x[i] = (limb_t)c;
            c >>= 64;
        }
        check_fr_plain(x, 1, "2r");
        x[0] += 1;
        check_fr_plain(x, 0, "2r + 1");
    }
    for (int i = 0; i < ROUNDS; i++) {
        for (int j = 0; j < 4; j++) x[j] = tu_rand64();
        if (i % 4 == 0) x[3] |= (limb_t)0xff << 56;
        check_fr_plain(x, 0, "a random 256-bit value");
    }
}

int main(void)
{
    tu_seed(0x5afe9cdULL);
    test_fp();
    test_fp_plain();
    test_fr();
    test_fr_plain();
    TEST_MAIN_END();
}
