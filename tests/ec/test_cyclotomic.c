/*
 * Karabina's compressed cyclotomic squaring (src/ec/cyclotomic.c) against
 * plain (Granger-Scott) cyclotomic squaring, and the compressed chain for
 * a^|x| against square-and-multiply from first principles, on random
 * elements of the cyclotomic subgroup, on GT elements and on the identity.
 * A non-cyclotomic element shows the comparison can fail.
 */
#include <string.h>

#include "ec_util.h"
#include "ec/internal.h"
#include "harness.h"

#define ROUNDS 20

/* f^((p^6 - 1)(p^2 + 1)): the easy part of the final exponentiation. */
static void rand_cyclotomic(ck_fp12 *r)
{
    ck_fp12 f, t;
    tu_rand_fp12(&f);
    ck_fp12_inv(&t, &f);
    ck_fp12_conj(r, &f);
    ck_fp12_mul(r, r, &t);
    ck_fp12_frobenius(&t, r, 2);
    ck_fp12_mul(r, r, &t);
}

static void plain_sqr_n(ck_fp12 *r, const ck_fp12 *a, unsigned n)
{
    *r = *a;
    for (unsigned i = 0; i < n; i++) ck_fp12_cyclotomic_sqr(r, r);
}

static void exp_x_reference(ck_fp12 *r, const ck_fp12 *a)
{
    uint8_t e[8];
    for (int i = 0; i < 8; i++) e[i] = (uint8_t)(0xd201000000010000ULL >> (56 - 8 * i));
    tu_fp12_pow(r, a, e, sizeof e);
}

static void check_element(const ck_fp12 *a, const char *what)
{
    static const unsigned counts[] = {1, 2, 3, 7, 16, 63};
    ck_fp12 k, g;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        ck_fp12_cyclotomic_sqr_compressed_n(&k, a, counts[i]);
        plain_sqr_n(&g, a, counts[i]);
        CHECK(ck_fp12_eq(&k, &g), "%s: %u compressed squarings == plain", what, counts[i]);
    }
    ck_fp12_cyclotomic_exp_x(&k, a);
    exp_x_reference(&g, a);
    CHECK(ck_fp12_eq(&k, &g), "%s: compressed a^|x| == square-and-multiply", what);
}

int main(void)
{
    ck_fp12 a, k, g;
    tu_seed(0xca8ab1aULL);
    ck_fp12_one(&a);
    check_element(&a, "identity");
    for (int i = 0; i < ROUNDS; i++) {
        rand_cyclotomic(&a);
        CHECK(ck_fp12_in_cyclotomic(&a), "random element is cyclotomic");
        check_element(&a, "random cyclotomic");
    }
    for (int i = 0; i < 3; i++) {
        ck_g1 p;
        ck_g2 q;
        ck_gt e;
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        ck_pairing(&e, &p, &q);
        check_element(&e.v, "GT element");
    }
    /* outside the subgroup the compressed form loses information */
    tu_rand_fp12(&a);
    ck_fp12_cyclotomic_sqr_compressed_n(&k, &a, 1);
    ck_fp12_sqr(&g, &a);
    CHECK(!ck_fp12_eq(&k, &g), "a random (non-cyclotomic) Fp12 element does not square this way");
    TEST_MAIN_END();
}
