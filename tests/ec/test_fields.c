/*
 * Field algebra on random inputs: Fp, Fp2, Fp12 and Fr ring identities,
 * inverses, square roots (and non-residues), Frobenius against a^p computed
 * by plain square-and-multiply, cyclotomic squaring, and byte codecs.
 */
#include <string.h>

#include "ec_util.h"
#include "harness.h"

#define ROUNDS 40

static void test_fp(void)
{
    int i;
    ck_fp a, b, c, t, u, one, zero, pm1;
    uint8_t buf[48], p[48];
    ck_fp_from_u64(&one, 1);
    ck_fp_from_u64(&zero, 0);
    ck_fp_neg(&pm1, &one);
    CHECK(ck_fp_is_zero(&zero) && !ck_fp_is_zero(&one), "Fp 0/1");
    /* Strict decoding: p and p+1..2^384-1 are rejected, p-1 accepted. */
    memcpy(p, TU_P_BYTES, 48);
    CHECK(ck_fp_from_bytes(&t, p) == CK_ERR_RANGE, "Fp: p rejected");
    memset(buf, 0xff, 48);
    CHECK(ck_fp_from_bytes(&t, buf) == CK_ERR_RANGE, "Fp: 2^384-1 rejected");
    p[47]--;
    CHECK(ck_fp_from_bytes(&t, p) == CK_OK && ck_fp_eq(&t, &pm1), "Fp: p-1 accepted and equals -1");
    ck_fp_to_bytes(buf, &pm1);
    CHECK(memcmp(buf, p, 48) == 0, "Fp: -1 encodes as p-1");
    for (i = 0; i < ROUNDS; i++) {
        tu_rand_fp(&a);
        tu_rand_fp(&b);
        tu_rand_fp(&c);
        ck_fp_to_bytes(buf, &a);
        CHECK(ck_fp_from_bytes(&t, buf) == CK_OK && ck_fp_eq(&t, &a), "Fp bytes round trip");
        ck_fp_add(&t, &a, &b); /* (a+b)*c == a*c + b*c */
        ck_fp_mul(&t, &t, &c);
        ck_fp_mul(&u, &a, &c);
        ck_fp_mul(&c, &b, &c);
        ck_fp_add(&u, &u, &c);
        CHECK(ck_fp_eq(&t, &u), "Fp distributivity");
        ck_fp_sub(&t, &a, &b); /* a - b + b == a */
        ck_fp_add(&t, &t, &b);
        CHECK(ck_fp_eq(&t, &a), "Fp sub/add");
        ck_fp_neg(&t, &a);
        ck_fp_add(&t, &t, &a);
        CHECK(ck_fp_is_zero(&t), "Fp a + (-a) == 0");
        ck_fp_sqr(&t, &a);
        ck_fp_mul(&u, &a, &a);
        CHECK(ck_fp_eq(&t, &u), "Fp sqr == mul");
        ck_fp_inv(&t, &a);
        ck_fp_mul(&t, &t, &a);
        CHECK(ck_fp_eq(&t, &one), "Fp a * inv(a) == 1");
        t = a; /* aliasing: r == a */
        ck_fp_mul(&t, &t, &t);
        CHECK(ck_fp_eq(&t, &u), "Fp mul aliasing");
        /* sqrt: a^2 is a square; -a^2 is not (p = 3 mod 4, so -1 is a non-residue). */
        CHECK(ck_fp_sqrt(&t, &u) == 1, "Fp sqrt of a square");
        ck_fp_sqr(&t, &t);
        CHECK(ck_fp_eq(&t, &u), "Fp sqrt(a^2)^2 == a^2");
        ck_fp_neg(&u, &u);
        CHECK(ck_fp_sqrt(&t, &u) == 0, "Fp sqrt(-a^2) reports a non-square");
    }
    ck_fp_inv(&t, &zero);
    CHECK(ck_fp_is_zero(&t), "Fp inv(0) == 0");
    CHECK(ck_fp_sqrt(&t, &zero) == 1 && ck_fp_is_zero(&t), "Fp sqrt(0) == 0");
}

static void test_fp2(void)
{
    int i;
    ck_fp2 a, b, c, t, u, one, nr;
    uint8_t buf[96];
    memset(&one, 0, sizeof one);
    ck_fp_from_u64(&one.c0, 1);
    ck_fp_from_u64(&one.c1, 0);
    ck_fp_from_u64(&nr.c0, 1); /* 1 + u: norm 2, a non-square in Fp (p = 3 mod 8) */
    ck_fp_from_u64(&nr.c1, 1);
    {   /* u^2 == -1 */
        ck_fp2 uu;
        ck_fp_from_u64(&uu.c0, 0);
        ck_fp_from_u64(&uu.c1, 1);
        ck_fp2_sqr(&t, &uu);
        ck_fp2_add(&t, &t, &one);
        CHECK(ck_fp2_is_zero(&t), "Fp2 u^2 == -1");
    }
    for (i = 0; i < ROUNDS; i++) {
        tu_rand_fp2(&a);
        tu_rand_fp2(&b);
        tu_rand_fp2(&c);
        ck_fp2_to_bytes(buf, &a);
        CHECK(ck_fp2_from_bytes(&t, buf) == CK_OK && ck_fp2_eq(&t, &a), "Fp2 bytes round trip");
        {   /* c0 first in the byte order */
            uint8_t c0b[48];
            ck_fp_to_bytes(c0b, &a.c0);
            CHECK(memcmp(c0b, buf, 48) == 0, "Fp2 bytes: c0 first");
        }
        ck_fp2_add(&t, &a, &b);
        ck_fp2_mul(&t, &t, &c);
        ck_fp2_mul(&u, &a, &c);
        ck_fp2_mul(&c, &b, &c);
        ck_fp2_add(&u, &u, &c);
        CHECK(ck_fp2_eq(&t, &u), "Fp2 distributivity");
        ck_fp2_sub(&t, &a, &b);
        ck_fp2_add(&t, &t, &b);
        CHECK(ck_fp2_eq(&t, &a), "Fp2 sub/add");
        ck_fp2_neg(&t, &a);
        ck_fp2_add(&t, &t, &a);
        CHECK(ck_fp2_is_zero(&t), "Fp2 a + (-a) == 0");
        ck_fp2_sqr(&t, &a);
        ck_fp2_mul(&u, &a, &a);
        CHECK(ck_fp2_eq(&t, &u), "Fp2 sqr == mul");
        ck_fp2_inv(&t, &a);
        ck_fp2_mul(&t, &t, &a);
        CHECK(ck_fp2_eq(&t, &one), "Fp2 a * inv(a) == 1");
        CHECK(ck_fp2_sqrt(&t, &u) == 1, "Fp2 sqrt of a square");
        ck_fp2_sqr(&t, &t);
        CHECK(ck_fp2_eq(&t, &u), "Fp2 sqrt(a^2)^2 == a^2");
        ck_fp2_mul(&u, &u, &nr);
        CHECK(ck_fp2_sqrt(&t, &u) == 0, "Fp2 sqrt((1+u) a^2) reports a non-square");
        /* Squares with c1 == 0 or c0 == 0 are special cases of most sqrt algorithms. */
        ck_fp_from_u64(&a.c1, 0);
        ck_fp2_sqr(&u, &a);
        CHECK(ck_fp2_sqrt(&t, &u) == 1 && (ck_fp2_sqr(&t, &t), ck_fp2_eq(&t, &u)), "Fp2 sqrt of a real square");
        ck_fp2_neg(&u, &u); /* -a0^2 = (u a0)^2: a square in Fp2 with c1 = 0 */
        CHECK(ck_fp2_sqrt(&t, &u) == 1 && (ck_fp2_sqr(&t, &t), ck_fp2_eq(&t, &u)), "Fp2 sqrt of -a0^2");
    }
}

static void test_fp12(void)
{
    int i;
    unsigned k;
    ck_fp12 a, b, c, t, u, one;
    ck_gt g;
    uint8_t buf[576];
    ck_fp12_one(&one);
    CHECK(ck_fp12_is_one(&one), "Fp12 one");
    ck_gt_generator(&g);
    for (i = 0; i < 6; i++) {
        tu_rand_fp12(&a);
        tu_rand_fp12(&b);
        tu_rand_fp12(&c);
        ck_fp12_to_bytes(buf, &a);
        CHECK(ck_fp12_from_bytes(&t, buf) == CK_OK && ck_fp12_eq(&t, &a), "Fp12 bytes round trip");
        ck_fp12_mul(&t, &a, &b); /* (ab)c == a(bc), ab == ba */
        ck_fp12_mul(&t, &t, &c);
        ck_fp12_mul(&u, &b, &c);
        ck_fp12_mul(&u, &a, &u);
        CHECK(ck_fp12_eq(&t, &u), "Fp12 associativity");
        ck_fp12_mul(&t, &a, &b);
        ck_fp12_mul(&u, &b, &a);
        CHECK(ck_fp12_eq(&t, &u), "Fp12 commutativity");
        ck_fp12_sqr(&t, &a);
        ck_fp12_mul(&u, &a, &a);
        CHECK(ck_fp12_eq(&t, &u), "Fp12 sqr == mul");
        ck_fp12_inv(&t, &a);
        ck_fp12_mul(&t, &t, &a);
        CHECK(ck_fp12_is_one(&t), "Fp12 a * inv(a) == 1");
        /* Frobenius: a^p by square-and-multiply, and composition up to p^12. */
        tu_fp12_pow(&t, &a, TU_P_BYTES, 48);
        ck_fp12_frobenius(&u, &a, 1);
        CHECK(ck_fp12_eq(&t, &u), "Fp12 frobenius(a, 1) == a^p");
        for (k = 2; k <= 12; k++) {
            ck_fp12_frobenius(&t, &t, 1);
            ck_fp12_frobenius(&u, &a, k);
            CHECK(ck_fp12_eq(&t, &u), "Fp12 frobenius(a, %u) == frobenius^%u", k, k);
        }
        CHECK(ck_fp12_eq(&t, &a), "Fp12 frobenius^12 == identity");
        ck_fp12_frobenius(&t, &a, 6); /* a^(p^6) is the conjugate */
        ck_fp12_conj(&u, &a);
        CHECK(ck_fp12_eq(&t, &u), "Fp12 frobenius(a, 6) == conj(a)");
        /* Cyclotomic squaring on a GT element (g^k) equals plain squaring. */
        {
            ck_gt x;
            ck_fr s;
            tu_rand_fr(&s);
            ck_gt_exp_vartime(&x, &g, &s);
            ck_fp12_cyclotomic_sqr(&t, &x.v);
            ck_fp12_sqr(&u, &x.v);
            CHECK(ck_fp12_eq(&t, &u), "Fp12 cyclotomic sqr == sqr on GT");
            ck_fp12_conj(&t, &x.v);
            ck_fp12_inv(&u, &x.v);
            CHECK(ck_fp12_eq(&t, &u), "GT: conj == inverse");
        }
    }
    memset(buf, 0xff, sizeof buf);
    CHECK(ck_fp12_from_bytes(&t, buf) == CK_ERR_RANGE, "Fp12 from_bytes rejects coefficients >= p");
}

static void test_fr(void)
{
    int i;
    ck_fr a, b, c, t, u, one, zero;
    uint8_t buf[64], r[32];
    ck_fr_from_u64(&one, 1);
    ck_fr_from_u64(&zero, 0);
    memcpy(r, TU_R_BYTES, 32);
    CHECK(ck_fr_from_bytes(&t, r) == CK_ERR_RANGE, "Fr: r rejected");
    memset(buf, 0xff, 32);
    CHECK(ck_fr_from_bytes(&t, buf) == CK_ERR_RANGE, "Fr: 2^256-1 rejected");
    r[31]--;
    ck_fr_neg(&u, &one);
    CHECK(ck_fr_from_bytes(&t, r) == CK_OK && ck_fr_eq(&t, &u), "Fr: r-1 accepted and equals -1");
    ck_fr_from_bytes_reduce(&t, TU_R_BYTES, 32);
    CHECK(ck_fr_is_zero(&t), "Fr: reduce(r) == 0");
    ck_fr_inv(&t, &zero);
    CHECK(ck_fr_is_zero(&t), "Fr inv(0) == 0");
    for (i = 0; i < ROUNDS; i++) {
        tu_rand_fr(&a);
        tu_rand_fr(&b);
        tu_rand_fr(&c);
        ck_fr_to_bytes(buf, &a);
        CHECK(ck_fr_from_bytes(&t, buf) == CK_OK && ck_fr_eq(&t, &a), "Fr bytes round trip");
        ck_fr_add(&t, &a, &b);
        ck_fr_mul(&t, &t, &c);
        ck_fr_mul(&u, &a, &c);
        ck_fr_mul(&c, &b, &c);
        ck_fr_add(&u, &u, &c);
        CHECK(ck_fr_eq(&t, &u), "Fr distributivity");
        ck_fr_sub(&t, &a, &b);
        ck_fr_add(&t, &t, &b);
        CHECK(ck_fr_eq(&t, &a), "Fr sub/add");
        ck_fr_neg(&t, &a);
        ck_fr_add(&t, &t, &a);
        CHECK(ck_fr_is_zero(&t), "Fr a + (-a) == 0");
        ck_fr_sqr(&t, &a);
        ck_fr_mul(&u, &a, &a);
        CHECK(ck_fr_eq(&t, &u), "Fr sqr == mul");
        ck_fr_inv(&t, &a);
        ck_fr_mul(&t, &t, &a);
        CHECK(ck_fr_eq(&t, &one), "Fr a * inv(a) == 1");
        /* reduce(64 bytes) == hi * 2^256 + lo with 2^256 = (2^128)^2. */
        {
            uint8_t wide[64], half[32];
            ck_fr hi, lo, s;
            tu_rand_bytes(wide, 64);
            ck_fr_from_bytes_reduce(&t, wide, 64);
            ck_fr_from_bytes_reduce(&hi, wide, 32);
            ck_fr_from_bytes_reduce(&lo, wide + 32, 32);
            memset(half, 0, 32);
            half[15] = 1; /* 2^128 */
            CHECK(ck_fr_from_bytes(&s, half) == CK_OK, "Fr 2^128");
            ck_fr_sqr(&s, &s); /* 2^256 */
            ck_fr_mul(&hi, &hi, &s);
            ck_fr_add(&u, &hi, &lo);
            CHECK(ck_fr_eq(&t, &u), "Fr reduce(64 bytes) == hi*2^256 + lo");
        }
    }
    {   /* ck_fr_random: distinct, in range, non-zero variant non-zero. */
        ck_fr r1, r2;
        CHECK(ck_fr_random(&r1) == CK_OK && ck_fr_random(&r2) == CK_OK && !ck_fr_eq(&r1, &r2), "Fr random distinct");
        CHECK(ck_fr_random_nonzero(&r1) == CK_OK && !ck_fr_is_zero(&r1), "Fr random non-zero");
        ck_fr_to_bytes(buf, &r1);
        CHECK(ck_fr_from_bytes(&t, buf) == CK_OK, "Fr random is canonical");
    }
}

int main(void)
{
    tu_seed(0xf1e1d5);
    test_fp();
    test_fp2();
    test_fp12();
    test_fr();
    TEST_MAIN_END();
}
