/*
 * The facts that let a decryption skip or fold the per-element subgroup
 * tests of a ciphertext (docs/EC.md, "Validation"), each checked on points
 * built outside the groups:
 *  - the reduced pairing ignores a component of E(Fp) of order prime to r
 *    in its first slot: e(P + T, Q) = e(P, Q) for T of order 3, for T
 *    spanning the whole cofactor part, with lines on the fly or prepared;
 *  - ck_miller_loop_mixed_checked accepts exactly the twist points in G2
 *    (random points of the twist, a point of order 13 whose multiples hit
 *    the formulas' exceptional cases, the identity) and computes the same
 *    loop value as the unchecked loop;
 *  - the _on_curve and _cyclotomic decoders keep every other check.
 */
#include <string.h>

#include "ec/internal.h"
#include "ec/constants.h"
#include "ec_util.h"
#include "harness.h"

/* h2 * r / 13^2, where h2 * r is the order of E'(Fp2) (h2 from RFC 9380).
 * Its 13-part is Z/13 x Z/13, so [this] R has order 1 or 13 for every R on
 * the twist. */
static const char ORDER_TWIST_OVER_169[] =
    "04005449cda731a7136c440a0c65b728ba1c1fa6b6708356f3b9bdc84396cab33907d71557a7d33677f5d45f7cedb8cf"
    "dac10ff1fc5b48d6461e907737d78e96568f2d18c750b4b3ca5c33c3fd8ff8a70629888281914529f4e3380941cfdd";

/* [k] a for a big-endian k, plain double-and-add with the complete adds:
 * valid for any point of the curve. */
static void g2_mul_big(ck_g2 *r, const ck_g2 *a, const uint8_t *k, size_t len)
{
    ck_g2 acc;
    ck_g2_identity(&acc);
    for (size_t i = 0; i < len; i++)
        for (int b = 7; b >= 0; b--) {
            ck_g2_dbl(&acc, &acc);
            if ((k[i] >> b) & 1) ck_g2_add(&acc, &acc, a);
        }
    *r = acc;
}

/* [r] a = [x^4 - x^2 + 1] a with x^2 = |x|^2, for any point a of E(Fp). */
static void g1_mul_r(ck_g1 *r, const ck_g1 *a)
{
    ck_g1 x2, x4;
    ck_g1_mul_u64_vartime(&x2, a, CK_X_ABS);
    ck_g1_mul_u64_vartime(&x2, &x2, CK_X_ABS);
    ck_g1_mul_u64_vartime(&x4, &x2, CK_X_ABS);
    ck_g1_mul_u64_vartime(&x4, &x4, CK_X_ABS);
    ck_g1_neg(&x2, &x2);
    ck_g1_add(&x4, &x4, &x2);
    ck_g1_add(r, &x4, a);
}

/* e(p, q) through prepared lines of q. */
static void pair_prepared(ck_gt *e, const ck_g1 *p, const ck_g2 *q)
{
    static ck_g2_prepared pre;
    const ck_g2_prepared *pp = &pre;
    ck_g1_affine pa;
    ck_g2_affine qa;
    ck_fp12 f;
    ck_g1_to_affine(&pa, p);
    ck_g2_to_affine(&qa, q);
    ck_g2_prepare(&pre, &qa);
    ck_miller_loop_prepared(&f, &pa, &pp, 1);
    ck_final_exp(e, &f);
}

static void test_pairing_ignores_cofactor_part(void)
{
    ck_g1 t3, c, p, pt;
    ck_g2 q;
    ck_gt e, et, id;
    ck_gt_one(&id);
    tu_g1_order3(&t3);
    for (int i = 0; i < 6; i++) {
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        tu_g1_on_curve(&c);
        g1_mul_r(&c, &c);                    /* the cofactor part of a random point */
        CHECK(!ck_g1_is_identity(&c) && !ck_g1_in_group(&c), "cofactor part %d is outside G1", i);
        ck_pairing(&e, &p, &q);
        ck_g1_add(&pt, &p, &t3);
        CHECK(!ck_g1_in_group(&pt), "P + T3 is outside G1");
        ck_pairing(&et, &pt, &q);
        CHECK(ck_gt_eq(&e, &et), "e(P + T3, Q) = e(P, Q), round %d", i);
        pair_prepared(&et, &pt, &q);
        CHECK(ck_gt_eq(&e, &et), "prepared lines: e(P + T3, Q) = e(P, Q), round %d", i);
        ck_g1_add(&pt, &p, &c);
        ck_pairing(&et, &pt, &q);
        CHECK(ck_gt_eq(&e, &et), "e(P + C, Q) = e(P, Q), C of order dividing h1, round %d", i);
        ck_pairing(&et, &c, &q);
        CHECK(ck_gt_eq(&et, &id), "e(C, Q) = 1, round %d", i);
        ck_pairing(&et, &t3, &q);
        CHECK(ck_gt_eq(&et, &id), "e(T3, Q) = 1, round %d", i);
    }
}

/* One checked mixed loop over (p, q) plus a prepared pair, against the
 * unchecked loop; returns the membership verdict. */
static int checked_loop(const ck_g2 *q, int *same)
{
    static ck_g2_prepared pre;
    const ck_g2_prepared *pp = &pre;
    ck_g1 p, p2;
    ck_g2 q2;
    ck_g1_affine pa[2];
    ck_g2_affine qa, q2a;
    ck_fp12 f1, f2;
    int ok;
    tu_rand_g1(&p);
    tu_rand_g1(&p2);
    tu_rand_g2(&q2);
    ck_g1_to_affine(&pa[0], &p);
    ck_g1_to_affine(&pa[1], &p2);
    ck_g2_to_affine(&qa, q);
    ck_g2_to_affine(&q2a, &q2);
    ck_g2_prepare(&pre, &q2a);
    ok = ck_miller_loop_mixed_checked(&f1, pa, &qa, 1, pa + 1, &pp, 1);
    ck_miller_loop_mixed(&f2, pa, &qa, 1, pa + 1, &pp, 1);
    *same = ck_fp12_eq(&f1, &f2);
    return ok;
}

static void test_checked_loop(void)
{
    uint8_t k[sizeof ORDER_TWIST_OVER_169 / 2];
    ck_g2 q, q13, t;
    int same, found = 0;
    CHECK(ck_test_unhex(k, sizeof k, ORDER_TWIST_OVER_169) == (long)sizeof k, "constant");
    for (int i = 0; i < 8; i++) {
        tu_rand_g2(&q);
        CHECK(checked_loop(&q, &same) == 1 && same, "random G2 point %d accepted, same loop value", i);
        tu_g2_on_twist(&q);
        CHECK(!ck_g2_in_group(&q), "random twist point %d outside G2", i);
        CHECK(checked_loop(&q, &same) == 0, "random twist point %d rejected", i);
    }
    ck_g2_identity(&q);
    CHECK(checked_loop(&q, &same) == 1 && same, "identity accepted");
    /* order 13: the loop's T runs through multiples that meet O and +-Q,
     * the formulas' exceptional cases */
    for (int i = 0; i < 20 && !found; i++) {
        tu_g2_on_twist(&t);
        g2_mul_big(&q13, &t, k, sizeof k);
        found = !ck_g2_is_identity(&q13);
    }
    CHECK(found, "a point of order 13 on the twist");
    ck_g2_identity(&t);
    for (int j = 0; j < 13; j++) ck_g2_add(&t, &t, &q13);
    CHECK(ck_g2_is_identity(&t), "[13] Q13 = O");
    CHECK(checked_loop(&q13, &same) == 0, "point of order 13 rejected");
    tu_rand_g2(&t);
    ck_g2_add(&q, &t, &q13);
    CHECK(checked_loop(&q, &same) == 0, "G2 point plus order-13 part rejected");
}

static void test_decoders(void)
{
    ck_g1 t3, d, p;
    ck_g2 q, d2;
    uint8_t b1[CK_G1_COMPRESSED_BYTES], b1u[CK_G1_UNCOMPRESSED_BYTES], b2[CK_G2_COMPRESSED_BYTES];
    tu_g1_order3(&t3);
    ck_g1_compress(b1, &t3);
    ck_g1_serialize(b1u, &t3);
    CHECK(ck_g1_decode(&d, b1, sizeof b1) == CK_ERR_NOT_IN_GROUP, "strict G1 decoder rejects order 3");
    CHECK(ck_g1_decode_on_curve(&d, b1, sizeof b1) == CK_OK && ck_g1_eq(&d, &t3), "on-curve decoder keeps it");
    CHECK(ck_g1_decode_on_curve(&d, b1u, sizeof b1u) == CK_OK && ck_g1_eq(&d, &t3), "uncompressed too");
    b1u[95] ^= 1;
    CHECK(ck_g1_decode_on_curve(&d, b1u, sizeof b1u) == CK_ERR_NOT_ON_CURVE, "off the curve rejected");
    tu_rand_g1(&p);
    ck_g1_compress(b1, &p);
    CHECK(ck_g1_decode_on_curve(&d, b1, sizeof b1) == CK_OK && ck_g1_eq(&d, &p), "G1 round trip");
    CHECK(ck_g1_decode_on_curve(&d, b1, sizeof b1 - 1) == CK_ERR_LENGTH, "length");
    tu_g2_on_twist(&q);
    ck_g2_compress(b2, &q);
    CHECK(ck_g2_decode(&d2, b2, sizeof b2) == CK_ERR_NOT_IN_GROUP, "strict G2 decoder rejects");
    CHECK(ck_g2_decode_on_curve(&d2, b2, sizeof b2) == CK_OK && ck_g2_eq(&d2, &q), "on-curve G2 decoder keeps it");
    b2[0] |= 0x40;
    CHECK(ck_g2_decode_on_curve(&d2, b2, sizeof b2) == CK_ERR_FLAGS, "G2 flags");
}

static void test_gt_cyclotomic(void)
{
    ck_gt c, out, ok;
    uint8_t b[CK_GT_COMPRESSED_BYTES], rnd[CK_GT_COMPRESSED_BYTES];
    const uint8_t *in = b;
    size_t bad = 99;
    tu_cyclotomic_outside_gt(&c);
    ck_gt_compress(b, &c);
    CHECK(ck_gt_decompress_batch(&out, &in, 1, &bad) == CK_ERR_NOT_IN_GROUP && bad == 0, "exact: outside GT");
    CHECK(ck_gt_decompress_batch_cyclotomic(&out, &in, 1, NULL) == CK_OK && ck_gt_eq(&out, &c),
          "cyclotomic: kept, same element");
    {
        ck_g1 p;
        ck_g2 q;
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        ck_pairing(&ok, &p, &q);
    }
    ck_gt_compress(b, &ok);
    CHECK(ck_gt_decompress_batch_cyclotomic(&out, &in, 1, NULL) == CK_OK && ck_gt_eq(&out, &ok), "GT round trip");
    /* a random torus point: order p^6 + 1, cyclotomic with probability ~1/p^2 */
    tu_rand_bytes(rnd, sizeof rnd);
    for (int i = 0; i < 6; i++) rnd[i * 48] &= 0x0f;      /* below p */
    in = rnd;
    CHECK(ck_gt_decompress_batch_cyclotomic(&out, &in, 1, NULL) == CK_ERR_NOT_IN_GROUP, "non-cyclotomic rejected");
    memset(rnd, 0xff, 48);
    CHECK(ck_gt_decompress_batch_cyclotomic(&out, &in, 1, NULL) == CK_ERR_RANGE, "range");
}

int main(void)
{
    tu_seed(0xdefe);
    test_pairing_ignores_cofactor_part();
    test_checked_loop();
    test_decoders();
    test_gt_cyclotomic();
    TEST_MAIN_END();
}
