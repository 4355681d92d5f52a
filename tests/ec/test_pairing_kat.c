/*
 * Pairing known answers: e(k*G1, k*G2) for k = 1..1000 (kilic/bls12-381,
 * via noble-curves). The vector stores the 12 Fp coefficients in reverse
 * order (c1.c2.c1 first); ck_fp12_to_bytes puts c0.c0.c0 first.
 * Also: bilinearity against the vectors, e(G1,G2)^k == e(kG1,kG2).
 */
#include <string.h>

#include "ec_util.h"
#include "harness.h"

static void reverse_chunks(uint8_t out[576], const uint8_t in[576])
{
    int i;
    for (i = 0; i < 12; i++) memcpy(out + 48 * i, in + 48 * (11 - i), 48);
}

int main(void)
{
    json_t *root = tu_load_json("pairing/kilic_pairing_kG1_kG2_1_to_1000.json");
    static uint8_t raw[576], want[576], got[576], gtb[576];
    ck_g1 g1, p, m;
    ck_g2 g2, q, mq;
    ck_gt e, base, x;
    ck_fr k;
    size_t i;
    CHECK(json_array_size(root) == 1000, "1000 pairing vectors");
    ck_g1_generator(&g1);
    ck_g2_generator(&g2);
    ck_g1_identity(&p);
    ck_g2_identity(&q);
    ck_gt_generator(&base);
    for (i = 0; i < json_array_size(root); i++) {
        ck_g1_add(&p, &p, &g1); /* p = (i+1) G1 by additions */
        ck_g2_add(&q, &q, &g2);
        tu_unhex(raw, 576, json_string_value(json_array_get(root, i)), 576);
        reverse_chunks(want, raw);
        ck_pairing(&e, &p, &q);
        ck_fp12_to_bytes(got, &e.v);
        CHECK(memcmp(got, want, 576) == 0, "e(%zuG1, %zuG2): got %s...", i + 1, i + 1, tu_hex(got, 48));
        ck_gt_to_bytes(gtb, &e);
        CHECK(memcmp(gtb, want, 576) == 0, "ck_gt_to_bytes of e(%zuG1, %zuG2)", i + 1, i + 1);
        if (i == 0) {
            ck_fp12_to_bytes(got, &base.v);
            CHECK(memcmp(got, want, 576) == 0, "ck_gt_generator == e(G1, G2)");
        }
        if (i % 97 == 0) { /* cross-checks on a sample, to keep the run short */
            ck_gt dec;
            ck_fr_from_u64(&k, i + 1);
            ck_g1_mul(&m, &g1, &k);
            ck_g2_mul(&mq, &g2, &k);
            CHECK(ck_g1_eq(&m, &p) && ck_g2_eq(&mq, &q), "k=%zu: mul == repeated addition", i + 1);
            ck_fr_mul(&k, &k, &k); /* e(kG1, kG2) = e(G1, G2)^(k^2) */
            ck_gt_exp(&x, &base, &k);
            CHECK(ck_gt_eq(&x, &e), "k=%zu: e(G1,G2)^(k^2) == e(kG1,kG2)", i + 1);
            CHECK(ck_gt_from_bytes(&dec, want, 576) == CK_OK && ck_gt_eq(&dec, &e), "k=%zu: GT decode", i + 1);
        }
    }
    json_decref(root);
    TEST_MAIN_END();
}
