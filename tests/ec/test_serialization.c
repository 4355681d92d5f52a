/*
 * ZCash encodings: all 1000 i*G for G1 and G2, compressed and uncompressed
 * (i*G by repeated addition and by scalar multiplication), decode round
 * trips, the ethereum/bls12-381-tests deserialization cases, and batch
 * decoding against one by one.
 */
#include <string.h>

#include "ec_util.h"
#include "harness.h"

static void test_multiples(void)
{
    json_t *root = tu_load_json("serialization/zkcrypto_points_0_to_999_times_G.json");
    json_t *g1c = json_object_get(root, "G1_Compressed"), *g1u = json_object_get(root, "G1_Uncompressed");
    json_t *g2c = json_object_get(root, "G2_Compressed"), *g2u = json_object_get(root, "G2_Uncompressed");
    ck_g1 g1, p1, m1, d1;
    ck_g2 g2, p2, m2, d2;
    ck_fr k;
    size_t i;
    uint8_t want[192], got[192];
    CHECK(json_array_size(g1c) == 1000 && json_array_size(g1u) == 1000 && json_array_size(g2c) == 1000 &&
          json_array_size(g2u) == 1000, "1000 entries per key");
    ck_g1_generator(&g1);
    ck_g2_generator(&g2);
    ck_g1_identity(&p1);
    ck_g2_identity(&p2);
    for (i = 0; i < 1000; i++) {
        ck_fr_from_u64(&k, i);
        ck_g1_mul(&m1, &g1, &k);
        ck_g2_mul(&m2, &g2, &k);
        CHECK(ck_g1_eq(&m1, &p1), "G1: %zu*G by mul == by additions", i);
        CHECK(ck_g2_eq(&m2, &p2), "G2: %zu*G by mul == by additions", i);

        tu_unhex(want, 48, json_string_value(json_array_get(g1c, i)), 48);
        ck_g1_compress(got, &p1);
        CHECK(memcmp(got, want, 48) == 0, "G1 compressed %zu: got %s", i, tu_hex(got, 48));
        CHECK(ck_g1_decode(&d1, want, 48) == CK_OK && ck_g1_eq(&d1, &p1), "G1 compressed %zu decodes", i);

        tu_unhex(want, 96, json_string_value(json_array_get(g1u, i)), 96);
        ck_g1_serialize(got, &p1);
        CHECK(memcmp(got, want, 96) == 0, "G1 uncompressed %zu: got %s", i, tu_hex(got, 96));
        CHECK(ck_g1_decode(&d1, want, 96) == CK_OK && ck_g1_eq(&d1, &p1), "G1 uncompressed %zu decodes", i);

        tu_unhex(want, 96, json_string_value(json_array_get(g2c, i)), 96);
        ck_g2_compress(got, &p2);
        CHECK(memcmp(got, want, 96) == 0, "G2 compressed %zu: got %s", i, tu_hex(got, 96));
        CHECK(ck_g2_decode(&d2, want, 96) == CK_OK && ck_g2_eq(&d2, &p2), "G2 compressed %zu decodes", i);

        tu_unhex(want, 192, json_string_value(json_array_get(g2u, i)), 192);
        ck_g2_serialize(got, &p2);
        CHECK(memcmp(got, want, 192) == 0, "G2 uncompressed %zu: got %s", i, tu_hex(got, 192));
        CHECK(ck_g2_decode(&d2, want, 192) == CK_OK && ck_g2_eq(&d2, &p2), "G2 uncompressed %zu decodes", i);

        ck_g1_add(&p1, &p1, &g1);
        ck_g2_add(&p2, &p2, &g2);
    }
    json_decref(root);
}

/* The reason must fit the case. Several categories are acceptable where
 * the encoding is ambiguous: a 48-byte input without the compression bit
 * is a flag error or a length error. 0x80 00..00 is a well-formed encoding
 * of x = 0: on E the points (0, +-2) have order 3 (not in the group), on
 * the twist 4(1+u) has no square root (CK_ERR_NO_SQRT). */
static void check_reason(const char *name, ck_err e)
{
    ck_err ok[3] = {CK_OK, CK_OK, CK_OK};
    if (strstr(name, "too_few") || strstr(name, "too_many")) ok[0] = CK_ERR_LENGTH;
    else if (strstr(name, "modulus")) ok[0] = CK_ERR_RANGE;
    else if (strstr(name, "not_in_G")) ok[0] = CK_ERR_NOT_IN_GROUP;
    else if (strstr(name, "not_in_curve")) ok[0] = CK_ERR_NO_SQRT; /* ec.h: "x has no matching y" */
    else if (strstr(name, "infinity_with_false_b_flag")) ok[0] = CK_ERR_NOT_IN_GROUP, ok[1] = CK_ERR_NO_SQRT;
    else if (strstr(name, "wrong_c_flag") || strstr(name, "mask_bits_011") || strstr(name, "mask_bits_001"))
        ok[0] = CK_ERR_FLAGS, ok[1] = CK_ERR_LENGTH;
    else ok[0] = CK_ERR_FLAGS; /* infinity with x != 0, infinity with the sign bit, 111 */
    CHECK(e != CK_OK && (e == ok[0] || e == ok[1] || e == ok[2]), "%s: reason %s (want %s)", name,
          ck_strerror(e), ck_strerror(ok[0]));
}

static void test_deser(const char *file, int g2)
{
    json_t *root = tu_load_json(file), *cases = json_object_get(root, "cases"), *c;
    size_t i;
    json_array_foreach(cases, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *input = json_object_get(c, "input");
        const char *hex = json_string_value(json_object_get(input, g2 ? "signature" : "pubkey"));
        int want = json_is_true(json_object_get(c, "output"));
        uint8_t in[256], re[96];
        size_t len = tu_unhex(in, sizeof in, hex, -1);
        ck_err e;
        if (g2) {
            ck_g2 p;
            e = ck_g2_decode(&p, in, len);
            if (e == CK_OK) {
                ck_g2_compress(re, &p);
                CHECK(ck_g2_in_group(&p) && memcmp(re, in, 96) == 0, "%s: decoded point re-encodes", name);
            }
        } else {
            ck_g1 p;
            e = ck_g1_decode(&p, in, len);
            if (e == CK_OK) {
                ck_g1_compress(re, &p);
                CHECK(ck_g1_in_group(&p) && memcmp(re, in, 48) == 0, "%s: decoded point re-encodes", name);
            }
        }
        CHECK((e == CK_OK) == want, "%s %s: want %s, got %s", file, name, want ? "accept" : "reject",
              ck_strerror(e));
        if (!want) check_reason(name, e);
    }
    json_decref(root);
}

/* Batch decoding (square roots eight at a time, in vector lanes where the
 * CPU has them) against one by one: for 1 to 20 encodings mixing valid
 * points, the identity, x without a root, a flipped sign, bad flags, a
 * field element out of range and (G1) points off the subgroup, the same
 * points and the same first error at the same index, with and without the
 * subgroup test. */
#define BATCH_CASE(g, BYTES, name)                                                            \
    static void test_batch_##g(void)                                                          \
    {                                                                                         \
        enum { N = 20 };                                                                      \
        uint8_t buf[N][BYTES];                                                                \
        const uint8_t *in[N];                                                                 \
        ck_##g want[N], got[N], p;                                                            \
        for (int round = 0; round < 40; round++) {                                            \
            size_t n = 1 + (size_t)round % N, first = N, bad = N + 1;                         \
            ck_err want_e = CK_OK, e;                                                         \
            int check = round % 2;                                                            \
            for (size_t i = 0; i < n; i++) {                                                  \
                tu_rand_##g(&p);                                                              \
                if ((i + (size_t)round) % 7 == 3) ck_##g##_identity(&p);                      \
                ck_##g##_compress(buf[i], &p);                                                \
                in[i] = buf[i];                                                               \
                unsigned kind = (unsigned)(round * 31 + (int)i * 7) % 23;                     \
                if (round > 10 && kind == 1) buf[i][BYTES - 1] ^= 1;   /* another x */        \
                if (round > 10 && kind == 2) buf[i][0] ^= 0x20;        /* the other root */   \
                if (round > 10 && kind == 3) buf[i][0] &= 0x7f;        /* not compressed */   \
                if (round > 10 && kind == 4) memset(buf[i] + 1, 0xff, BYTES - 1); /* >= p */  \
            }                                                                                 \
            for (size_t i = 0; i < n; i++) {                                                  \
                e = check ? ck_##g##_decode(&want[i], in[i], BYTES)                           \
                          : ck_##g##_decode_on_curve(&want[i], in[i], BYTES);                 \
                if (e != CK_OK && first == N) first = i, want_e = e;                          \
            }                                                                                 \
            e = ck_##g##_decode_batch(got, in, BYTES, n, check, &bad);                        \
            CHECK(e == want_e, name " batch of %zu: error %d, one by one %d", n, e, want_e);  \
            if (want_e != CK_OK) CHECK(bad == first, name " batch of %zu: first error at %zu, not %zu", n, bad, first); \
            for (size_t i = 0; i < (want_e == CK_OK ? n : first); i++)                        \
                CHECK(ck_##g##_eq(&got[i], &want[i]), name " batch of %zu: point %zu", n, i); \
        }                                                                                     \
    }
BATCH_CASE(g1, 48, "G1")
BATCH_CASE(g2, 96, "G2")

int main(void)
{
    test_multiples();
    test_batch_g1();
    test_batch_g2();
    test_deser("serialization/deserialization_G1.json", 0);
    test_deser("serialization/deserialization_G2.json", 1);
    TEST_MAIN_END();
}
