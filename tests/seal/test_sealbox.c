/*
 * tests/seal/test_sealbox.c - sealed boxes: round trips, wrong recipient,
 * wrong sender key, wrong associated data, every flipped bit, every
 * truncation and appended bytes, low-order keys, buffers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "harness.h"

static ck_identity alice, bob, hosp;

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= p[i];
    return acc == 0;
}

static void test_ad(void)
{
    uint8_t ad[CK_BOX_AD_MAX];
    size_t n = ck_box_delivery_ad(ad, sizeof ad, "authority:hosp-a", "alice");
    CHECK(n == 4 + 23 + 4 + 16 + 4 + 5, "delivery AD length %zu", n);
    CHECK(memcmp(ad + 4, "carekey/v1 key-delivery", 23) == 0, "label");
    CHECK(ck_box_delivery_ad(ad, 10, "authority:hosp-a", "alice") == 0, "small buffer");
    CHECK(ck_box_delivery_ad(ad, sizeof ad, "", "alice") == 0, "empty sender");
}

static void test_roundtrip(void)
{
    static const uint8_t ad[] = "ad bytes";
    size_t lens[] = {0, 1, 31, 1000, 70000};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        size_t n = lens[k], bl = 0, pl = 0, q = 0;
        uint8_t *pt = malloc(n + 1), *box = malloc(CK_BOX_LEN(n)), *back = malloc(n + 1);
        for (size_t i = 0; i < n; i++) pt[i] = (uint8_t)(i * 13 + k);
        CHECK(ck_box_seal(box, CK_BOX_LEN(n), &bl, pt, n, alice.x25519_pk, hosp.ed25519_sk, ad, sizeof ad) ==
                  CK_BOX_OK,
              "seal %zu", n);
        CHECK(bl == CK_BOX_LEN(n), "length %zu", n);
        CHECK(ck_box_plaintext_len(&q, box, bl) == CK_BOX_OK && q == n, "plaintext length");
        CHECK(ck_box_open(back, n, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad) == CK_BOX_OK, "open %zu",
              n);
        CHECK(pl == n && (n == 0 || memcmp(back, pt, n) == 0), "same plaintext %zu", n);
        free(pt);
        free(box);
        free(back);
    }
}

static void test_failures(void)
{
    static const uint8_t ad[] = "carekey/v1 key-delivery hosp-a alice";
    uint8_t pt[64], box[CK_BOX_LEN(64) + 8], back[64];
    size_t bl = 0, pl = 0, q;
    int bad = 0, wiped = 1;
    uint8_t low_order[32] = {0}; /* the identity point: X25519 result zero */
    for (size_t i = 0; i < sizeof pt; i++) pt[i] = (uint8_t)i;
    CHECK(ck_box_seal(box, sizeof box, &bl, pt, sizeof pt, alice.x25519_pk, hosp.ed25519_sk, ad, sizeof ad) ==
              CK_BOX_OK,
          "seal");
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad) == CK_BOX_OK,
          "open");
    /* wrong recipient: the signature binds the recipient key */
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &bob, hosp.ed25519_pk, ad, sizeof ad) ==
              CK_BOX_ERR_SIGNATURE,
          "wrong recipient fails");
    CHECK(all_zero(back, sizeof back), "wiped after failure");
    {
        /* a recipient with alice's public keys but other secrets */
        ck_identity fake = alice;
        memcpy(fake.x25519_sk, bob.x25519_sk, 32);
        CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &fake, hosp.ed25519_pk, ad, sizeof ad) ==
                  CK_BOX_ERR_AUTH,
              "wrong recipient secret fails");
        ck_id_wipe(&fake);
    }
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, bob.ed25519_pk, ad, sizeof ad) ==
              CK_BOX_ERR_SIGNATURE,
          "wrong sender key fails");
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad - 1) ==
              CK_BOX_ERR_SIGNATURE,
          "other AD fails");
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, NULL, 0) == CK_BOX_ERR_SIGNATURE,
          "no AD fails");
    CHECK(ck_box_open(back, sizeof back - 1, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad) ==
              CK_BOX_ERR_BUFFER,
          "small output buffer");
    for (size_t i = 0; i < 8 * bl; i++) {
        ck_box_err e;
        memset(back, 0x5a, sizeof back);
        box[i / 8] ^= (uint8_t)(1u << (i % 8));
        e = ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad);
        bad += e == CK_BOX_OK;
        if (!all_zero(back, sizeof back)) wiped = 0;
        box[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(bad == 0, "%d flipped bits opened", bad);
    CHECK(wiped, "output wiped after every failure");
    bad = 0;
    for (size_t n = 0; n < bl; n++)
        bad += ck_box_open(back, sizeof back, &pl, box, n, &alice, hosp.ed25519_pk, ad, sizeof ad) == CK_BOX_OK ||
               ck_box_plaintext_len(&q, box, n) == CK_BOX_OK;
    CHECK(bad == 0, "%d truncations accepted", bad);
    for (size_t extra = 1; extra <= 8; extra++) {
        box[bl + extra - 1] = 0;
        CHECK(ck_box_plaintext_len(&q, box, bl + extra) == CK_BOX_ERR_LENGTH, "appended %zu bytes", extra);
        CHECK(ck_box_open(back, sizeof back, &pl, box, bl + extra, &alice, hosp.ed25519_pk, ad, sizeof ad) ==
                  CK_BOX_ERR_LENGTH,
              "appended %zu bytes do not open", extra);
    }
    box[0] ^= 1;
    CHECK(ck_box_plaintext_len(&q, box, bl) == CK_BOX_ERR_FORMAT, "magic");
    box[0] ^= 1;
    box[4] = 2;
    CHECK(ck_box_plaintext_len(&q, box, bl) == CK_BOX_ERR_FORMAT, "version");
    box[4] = CK_BOX_VERSION;
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, ad, sizeof ad) == CK_BOX_OK,
          "restored box opens");
    CHECK(ck_box_seal(box, sizeof box, &bl, pt, sizeof pt, low_order, hosp.ed25519_sk, ad, sizeof ad) ==
              CK_BOX_ERR_KEY,
          "low-order recipient key refused");
    CHECK(ck_box_seal(box, CK_BOX_LEN(64) - 1, &bl, pt, sizeof pt, alice.x25519_pk, hosp.ed25519_sk, ad,
                      sizeof ad) == CK_BOX_ERR_BUFFER,
          "small box buffer");
    CHECK(ck_box_seal(box, sizeof box, &bl, pt, (size_t)CK_BOX_MAX_PLAINTEXT + 1, alice.x25519_pk,
                      hosp.ed25519_sk, ad, sizeof ad) == CK_BOX_ERR_LENGTH,
          "too large");
}

/* A box whose ephemeral key is low order, signed by the real sender: the
 * sender cannot make the recipient derive a known key. */
static void test_low_order_ephemeral(void)
{
    uint8_t pt[8] = {1}, box[CK_BOX_LEN(8)], back[8];
    size_t bl, pl;
    CHECK(ck_box_seal(box, sizeof box, &bl, pt, sizeof pt, alice.x25519_pk, hosp.ed25519_sk, NULL, 0) == CK_BOX_OK,
          "seal");
    memset(box + 5, 0, 32);
    CHECK(ck_box_open(back, sizeof back, &pl, box, bl, &alice, hosp.ed25519_pk, NULL, 0) != CK_BOX_OK,
          "zero ephemeral key fails");
}

int main(void)
{
    if (ck_id_create(&alice, "alice") || ck_id_create(&bob, "bob") || ck_id_create(&hosp, "hosp-a")) {
        fprintf(stderr, "identity setup failed\n");
        return 1;
    }
    test_ad();
    test_roundtrip();
    test_failures();
    test_low_order_ephemeral();
    for (int e = CK_BOX_OK; e <= CK_BOX_ERR_CRYPTO; e++)
        CHECK(ck_box_strerror((ck_box_err)e)[0] != 0, "strerror %d", e);
    ck_id_wipe(&alice);
    ck_id_wipe(&bob);
    ck_id_wipe(&hosp);
    TEST_MAIN_END();
}
