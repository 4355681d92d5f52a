/*
 * Constant-time check under valgrind memcheck. Every secret (scalars, GT
 * exponents, field elements to invert, random scalars) is marked undefined
 * with VALGRIND_MAKE_MEM_UNDEFINED before it enters the library; memcheck
 * then reports any branch or memory index that depends on it ("Conditional
 * jump or move depends on uninitialised value", "Use of uninitialised value
 * of size 8"), and valgrind --error-exitcode=1 fails the test. Outputs are
 * marked defined again before they are compared.
 *
 *   ec_ct          check the library (must pass)
 *   ec_ct --leaky  run a deliberately leaky function (must fail: WILL_FAIL)
 *
 * Outside valgrind the client requests are no-ops and the program only checks
 * that results are right, so it can also run on its own.
 */
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "carekey/ec.h"
#include "harness.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* A fixed, public-looking scalar from a counter (the test needs no RNG). */
static void scalar(ck_fr *k, uint64_t seed)
{
    uint8_t b[64];
    size_t i;
    for (i = 0; i < sizeof b; i++) b[i] = (uint8_t)(seed * 0x9e3779b97f4a7c15ULL >> (8 * (i % 8))) ^ (uint8_t)(i * 37);
    ck_fr_from_bytes_reduce(k, b, sizeof b);
}

static void check_g1(void)
{
    ck_g1 g, r1, r2;
    ck_fr k;
    int i;
    ck_g1_generator(&g);
    for (i = 0; i < 2; i++) {
        scalar(&k, (uint64_t)i + 1);
        ck_g1_mul_vartime(&r2, &g, &k); /* reference, computed on public data */
        SECRET(&k, sizeof k);
        ck_g1_mul(&r1, &g, &k);
        PUBLIC(&r1, sizeof r1);
        CHECK(ck_g1_eq(&r1, &r2), "ck_g1_mul result");
        ck_g1_table_mul(&r1, ck_g1_generator_table(), &k);
        PUBLIC(&r1, sizeof r1);
        CHECK(ck_g1_eq(&r1, &r2), "ck_g1_table_mul result");
        {
            ck_g1 ps[2] = {g, g};
            ck_fr ks[2];
            ck_fr_from_u64(&ks[1], 0);
            PUBLIC(&k, sizeof k);
            ks[0] = k;
            SECRET(ks, sizeof ks);
            ck_g1_msm(&r1, ps, ks, 2);
            PUBLIC(&r1, sizeof r1);
            CHECK(ck_g1_eq(&r1, &r2), "ck_g1_msm result");
        }
    }
}

static void check_g2(void)
{
    ck_g2 g, r1, r2;
    ck_fr k;
    ck_g2_generator(&g);
    scalar(&k, 7);
    ck_g2_mul_vartime(&r2, &g, &k);
    SECRET(&k, sizeof k);
    ck_g2_mul(&r1, &g, &k);
    PUBLIC(&r1, sizeof r1);
    CHECK(ck_g2_eq(&r1, &r2), "ck_g2_mul result");
    ck_g2_table_mul(&r1, ck_g2_generator_table(), &k);
    PUBLIC(&r1, sizeof r1);
    CHECK(ck_g2_eq(&r1, &r2), "ck_g2_table_mul result");
}

static void check_scalars(void)
{
    ck_fr k, inv, one, t, a, b;
    uint8_t bytes[64];
    scalar(&k, 11);
    ck_fr_from_u64(&one, 1);
    SECRET(&k, sizeof k);
    ck_fr_inv(&inv, &k);
    ck_fr_mul(&t, &inv, &k); /* secret arithmetic used by the ABE layer */
    PUBLIC(&t, sizeof t);
    CHECK(ck_fr_eq(&t, &one), "ck_fr_inv result");
    /* add/sub/neg/sqr on secrets; the result must come back right. */
    scalar(&a, 12);
    {
        ck_fr want; /* -(a^2), computed before a becomes secret */
        ck_fr_sqr(&want, &a);
        ck_fr_neg(&want, &want);
        SECRET(&a, sizeof a);
        ck_fr_add(&b, &a, &k);
        ck_fr_sub(&b, &b, &k);
        ck_fr_sqr(&t, &b);
        ck_fr_neg(&t, &t);
        PUBLIC(&b, sizeof b);
        PUBLIC(&a, sizeof a);
        PUBLIC(&t, sizeof t);
        CHECK(ck_fr_eq(&b, &a), "ck_fr add/sub on secrets");
        CHECK(ck_fr_eq(&t, &want), "ck_fr sqr/neg on secrets");
    }
    /* Secret keys come in as bytes: the reducing decoder must be constant
     * time. (The strict ck_fr_from_bytes is left out on purpose: it returns
     * whether the encoding is < r, so it branches on that one public bit.) */
    memset(bytes, 0x5a, sizeof bytes);
    SECRET(bytes, sizeof bytes);
    ck_fr_from_bytes_reduce(&t, bytes, 64);
    ck_fr_to_bytes(bytes, &t);
    PUBLIC(bytes, sizeof bytes);
    PUBLIC(&t, sizeof t);
    {
        uint8_t wide[64];
        ck_fr u;
        memset(wide, 0x5a, sizeof wide);
        ck_fr_from_bytes_reduce(&u, wide, 64); /* same input, public: same value */
        CHECK(ck_fr_eq(&t, &u), "ck_fr_from_bytes_reduce result");
    }
    /* Scalars from ck_fr_random: the OS bytes look defined to memcheck, so
     * the scalar is marked secret before use. */
    {
        ck_g1 g, r1, r2;
        ck_err e = ck_fr_random(&k);
        CHECK(e == CK_OK, "ck_fr_random");
        ck_g1_generator(&g);
        ck_g1_mul_vartime(&r2, &g, &k);
        SECRET(&k, sizeof k);
        ck_g1_mul(&r1, &g, &k);
        PUBLIC(&r1, sizeof r1);
        CHECK(ck_g1_eq(&r1, &r2), "ck_g1_mul with a ck_fr_random scalar");
        e = ck_fr_random_nonzero(&k);
        CHECK(e == CK_OK, "ck_fr_random_nonzero");
        SECRET(&k, sizeof k);
        ck_fr_inv(&inv, &k);
        ck_wipe(&inv, sizeof inv);
        ck_wipe(&k, sizeof k);
    }
}

static void check_fp(void)
{
    ck_fp a, inv, one, t;
    uint8_t b[48];
    memset(b, 0x07, sizeof b);
    CHECK(ck_fp_from_bytes(&a, b) == CK_OK, "fp bytes");
    ck_fp_from_u64(&one, 1);
    SECRET(&a, sizeof a);
    ck_fp_inv(&inv, &a);
    ck_fp_mul(&t, &inv, &a);
    PUBLIC(&t, sizeof t);
    CHECK(ck_fp_eq(&t, &one), "ck_fp_inv result");
}

static void check_gt(void)
{
    ck_gt g, r1, r2;
    ck_fr k;
    ck_gt_generator(&g);
    scalar(&k, 21);
    ck_gt_exp_vartime(&r2, &g, &k);
    SECRET(&k, sizeof k);
    ck_gt_exp(&r1, &g, &k);
    PUBLIC(&r1, sizeof r1);
    CHECK(ck_gt_eq(&r1, &r2), "ck_gt_exp result");
    /* The KEM also exponentiates with a fixed-base table. */
    {
        static ck_gt_table t;
        ck_gt_table_init(&t, &g);
        ck_gt_table_exp(&r1, &t, &k);
        PUBLIC(&r1, sizeof r1);
        CHECK(ck_gt_eq(&r1, &r2), "ck_gt_table_exp result");
    }
}

/* The final exponentiation of a secret Miller-loop value (ABE decryption
 * pairs user keys): safegcd in the easy part's inversion, Karabina's
 * compressed squarings and the batched decompressions in the hard part. */
static void check_final_exp(void)
{
    ck_g1 p;
    ck_g2 q;
    ck_g1_affine pa;
    ck_g2_affine qa;
    ck_fp12 f, g;
    ck_gt r1, r2;
    ck_fr k;
    ck_g1_generator(&p);
    ck_g2_generator(&q);
    scalar(&k, 31);
    ck_g2_mul_vartime(&q, &q, &k);
    ck_g1_to_affine(&pa, &p);
    ck_g2_to_affine(&qa, &q);
    ck_miller_loop(&f, &pa, &qa, 1);
    ck_final_exp(&r2, &f);
    SECRET(&f, sizeof f);
    ck_final_exp(&r1, &f);
    PUBLIC(&r1, sizeof r1);
    CHECK(ck_gt_eq(&r1, &r2), "ck_final_exp result");
    /* inversions in the tower on a secret element */
    ck_fp12_inv(&g, &f);
    ck_fp12_mul(&g, &g, &f);
    PUBLIC(&g, sizeof g);
    CHECK(ck_fp12_is_one(&g), "ck_fp12_inv result");
}

/* A decryption's Miller loop: a user key's lines prepared from a secret Q
 * (monic, one batch inversion), then evaluated with a secret on-the-fly
 * pair beside them (the identity masks, the scaled points, both kinds of
 * line products and the flush of a mixed pair). */
/* Two copies of the G1 generator and [seed] times the G2 generator, affine
 * (the Jacobian points in p, q). */
static void loop_inputs(ck_g1 *p, ck_g2 *q, ck_g1_affine pa[2], ck_g2_affine *qa, uint64_t seed)
{
    ck_fr k;
    ck_g1_generator(p);
    ck_g2_generator(q);
    scalar(&k, seed);
    ck_g2_mul_vartime(q, q, &k);
    ck_g1_to_affine(&pa[0], p);
    ck_g2_to_affine(qa, q);
    pa[1] = pa[0];
}

static void check_prepared_loop(void)
{
    ck_g1 p;
    ck_g2 q;
    ck_g1_affine pa[2];
    ck_g2_affine qa;
    ck_g2_prepared *pre = malloc(sizeof *pre);
    const ck_g2_prepared *pp[1] = {pre};
    ck_fp12 f;
    ck_gt r1, r2, t;
    loop_inputs(&p, &q, pa, &qa, 37);
    ck_pairing(&r2, &p, &q);
    ck_gt_mul(&r2, &r2, &r2);
    SECRET(&qa, sizeof qa);
    SECRET(pa, sizeof pa);
    ck_g2_prepare(pre, &qa);
    ck_miller_loop_mixed(&f, &pa[1], &qa, 1, &pa[0], pp, 1);
    ck_final_exp(&r1, &f);
    PUBLIC(&r1, sizeof r1);
    t = r1;
    CHECK(ck_gt_eq(&t, &r2), "prepared and on-the-fly pair: e(P, Q)^2");
    free(pre);
}

/* The checked loop of a decryption: secret G1 points (a user's K'), public
 * twist points (a ciphertext's C4). Its verdict depends on C4 only, so the
 * caller may branch on it; the points' bits must not reach a branch. */
static void check_checked_loop(void)
{
    ck_g1 p;
    ck_g2 q;
    ck_g1_affine pa[2];
    ck_g2_affine qa;
    ck_g2_prepared *pre = malloc(sizeof *pre);
    const ck_g2_prepared *pp[1] = {pre};
    ck_fp12 f1, f2;
    int ok;
    loop_inputs(&p, &q, pa, &qa, 41);
    ck_g2_prepare(pre, &qa);
    SECRET(pa, sizeof pa);
    ok = ck_miller_loop_mixed_checked(&f1, &pa[1], &qa, 1, &pa[0], pp, 1);
    CHECK(ok == 1, "checked loop: G2 point accepted (a branch on a public verdict)");
    ck_miller_loop_mixed(&f2, &pa[1], &qa, 1, &pa[0], pp, 1);
    PUBLIC(&f1, sizeof f1);
    PUBLIC(&f2, sizeof f2);
    CHECK(ck_fp12_eq(&f1, &f2), "checked loop: same value as the unchecked loop");
    free(pre);
}

/* Deliberately leaky: square-and-multiply that branches on each key bit.
 * Under valgrind this must produce a report (the self-test's WILL_FAIL). */
static void leaky_g1_mul(ck_g1 *r, const ck_g1 *p, const uint8_t k[32])
{
    int i, bit;
    ck_g1_identity(r);
    for (i = 0; i < 32; i++) {
        for (bit = 7; bit >= 0; bit--) {
            ck_g1_dbl(r, r);
            if ((k[i] >> bit) & 1) ck_g1_add(r, r, p); /* secret-dependent branch */
        }
    }
}

static int run_leaky(void)
{
    ck_g1 g, r1, r2;
    ck_fr k;
    uint8_t kb[32];
    ck_g1_generator(&g);
    scalar(&k, 99);
    ck_fr_to_bytes(kb, &k);
    ck_g1_mul_vartime(&r2, &g, &k);
    SECRET(kb, sizeof kb);
    leaky_g1_mul(&r1, &g, kb);
    PUBLIC(&r1, sizeof r1);
    CHECK(ck_g1_eq(&r1, &r2), "leaky mul result (the leak is in the timing, not the value)");
    TEST_MAIN_END();
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--leaky") == 0) return run_leaky();
    /* Generator tables are built on first use from public data: build them
     * before any secret is around so their construction is not confused
     * with the secret-dependent part. */
    (void)ck_g1_generator_table();
    (void)ck_g2_generator_table();
    check_fp();
    check_scalars();
    check_g1();
    check_g2();
    check_gt();
    check_final_exp();
    check_prepared_loop();
    check_checked_loop();
    printf("running under valgrind: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no (checks values only)");
    TEST_MAIN_END();
}
