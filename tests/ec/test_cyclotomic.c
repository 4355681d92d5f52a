/*
 * Karabina's compressed cyclotomic squaring (src/ec/cyclotomic.c) against
 * plain (Granger-Scott) cyclotomic squaring, and the compressed chain for
 * a^|x| against square-and-multiply from first principles, on random
 * elements of the cyclotomic subgroup, on GT elements and on the identity.
 * A non-cyclotomic element shows the comparison can fail.
 *
 * Where the CPU runs AVX-512 IFMA, every check runs with that chain of
 * squarings and with the scalar one, and the two chains are compared on
 * arbitrary states, whose coordinates include 0, 1 and the largest
 * canonical limbs (p - 1), where the IFMA chain's bounds are tightest.
 */
#include <string.h>

#include "ec_util.h"
#include "ec/internal.h"
#include "ec/field_inline.h"
#include "harness.h"

#define ROUNDS 20
#define TERMS 6 /* set bits of |x|: the chain's saved states */

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

/* a coordinate: random, 0, 1 (raw limbs) or p - 1 (raw limbs) */
static void edge_fp(ck_fp *r, unsigned kind)
{
    memset(r, 0, sizeof(*r));
    if (kind == 0) tu_rand_fp(r);
    if (kind == 2) r->l[0] = 1;
    if (kind == 3) {
        memcpy(r->l, ck_p_limbs, sizeof(r->l));
        r->l[0] -= 1;
    }
}

static void edge_state(ck_cyc_compressed *z, uint64_t kinds)
{
    ck_fp *c[8] = {&z->b0.c0, &z->b0.c1, &z->b1.c0, &z->b1.c1,
                   &z->c0.c0, &z->c0.c1, &z->c1.c0, &z->c1.c1};
    for (int i = 0; i < 8; i++) edge_fp(c[i], (unsigned)(kinds >> (2 * i)) & 3);
}

static void compare_chains(const ck_cyc_compressed *z, const char *what)
{
    ck_cyc_compressed v[TERMS], s[TERMS];
    ck_cpu_has_ifma = 1;
    ck_cyc_chain_x(v, z);
    ck_cpu_has_ifma = 0;
    ck_cyc_chain_x(s, z);
    ck_cpu_has_ifma = 1;
    CHECK(memcmp(v, s, sizeof v) == 0, "%s: the IFMA chain's six states == the scalar chain's", what);
}

static void check_ifma_chain(void)
{
    ck_cyc_compressed z;
    ck_fp12 a;
    static const uint64_t all_max = 0xffff, all_one = 0xaaaa, mixed = 0xe4e4, zero_b = 0xff00;
    const uint64_t fixed[] = {all_max, all_one, mixed, zero_b};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        edge_state(&z, fixed[i]);
        compare_chains(&z, "fixed edge state");
    }
    for (int i = 0; i < 200; i++) {
        edge_state(&z, tu_rand64());
        compare_chains(&z, "random edge state");
    }
    rand_cyclotomic(&a);
    z.b0 = a.c1.c0;
    z.b1 = a.c0.c2;
    z.c0 = a.c0.c1;
    z.c1 = a.c1.c2;
    compare_chains(&z, "cyclotomic state");
    /* the comparison can fail: a different start gives different states */
    {
        ck_cyc_compressed v[TERMS], s[TERMS], y = z;
        ck_fp2_add(&y.c1, &y.c1, &y.b0);
        ck_cyc_chain_x(v, &z);
        ck_cyc_chain_x(s, &y);
        CHECK(memcmp(v, s, sizeof v) != 0, "chains from different states differ");
    }
}

static void check_elements(void)
{
    ck_fp12 a;
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
}

int main(int argc, char **argv)
{
    ck_fp12 a, k, g;
    int ifma = ck_cpu_has_ifma;
    tu_seed(0xca8ab1aULL);
    if (argc > 1 && !strcmp(argv[1], "--expect-scalar")) /* run with CK_NO_IFMA=1 */
        CHECK(!ifma, "CK_NO_IFMA=1 turns the IFMA chain off");
    check_elements();
    if (ifma) {
        ck_cpu_has_ifma = 0;                   /* the scalar chain as well */
        check_elements();
        ck_cpu_has_ifma = 1;
        check_ifma_chain();
    } else {
        printf("# no AVX-512 IFMA here: the scalar chain only\n");
    }
    /* outside the subgroup the compressed form loses information */
    tu_rand_fp12(&a);
    ck_fp12_cyclotomic_sqr_compressed_n(&k, &a, 1);
    ck_fp12_sqr(&g, &a);
    CHECK(!ck_fp12_eq(&k, &g), "a random (non-cyclotomic) Fp12 element does not square this way");
    TEST_MAIN_END();
}
