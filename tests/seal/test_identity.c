/*
 * tests/seal/test_identity.c - identities: GID syntax, key pairs,
 * Ed25519 sign/verify (every flipped bit of message and signature fails),
 * rebuilding from the private keys, hex export.
 */
#include <stdint.h>
#include <string.h>

#include "carekey/identity.h"
#include "harness.h"

static void test_gid(void)
{
    char long_gid[CK_ID_GID_MAX + 2];
    CHECK(ck_id_gid_valid("alice"), "alice");
    CHECK(ck_id_gid_valid("dr.x_1@hosp-a"), "dr.x_1@hosp-a");
    CHECK(!ck_id_gid_valid(""), "empty");
    CHECK(!ck_id_gid_valid(NULL), "NULL");
    CHECK(!ck_id_gid_valid("-alice"), "leading dash");
    CHECK(!ck_id_gid_valid("al ice"), "space");
    CHECK(!ck_id_gid_valid("alice/x"), "slash");
    CHECK(!ck_id_gid_valid("authority:x"), "colon");
    memset(long_gid, 'a', CK_ID_GID_MAX);
    long_gid[CK_ID_GID_MAX] = 0;
    CHECK(ck_id_gid_valid(long_gid), "128 bytes");
    long_gid[CK_ID_GID_MAX] = 'a';
    long_gid[CK_ID_GID_MAX + 1] = 0;
    CHECK(!ck_id_gid_valid(long_gid), "129 bytes");
}

static void test_create(void)
{
    ck_identity a, b, c;
    static const uint8_t zero[32];
    CHECK(ck_id_create(&a, "alice") == CK_ID_OK, "create");
    CHECK(ck_id_create(&b, "alice") == CK_ID_OK, "create again");
    CHECK(strcmp(a.gid, "alice") == 0, "gid kept");
    CHECK(memcmp(a.ed25519_pk, b.ed25519_pk, 32) != 0, "fresh Ed25519 keys");
    CHECK(memcmp(a.x25519_pk, b.x25519_pk, 32) != 0, "fresh X25519 keys");
    CHECK(memcmp(a.ed25519_sk, zero, 32) != 0 && memcmp(a.x25519_sk, zero, 32) != 0, "secrets set");
    CHECK(ck_id_create(&c, "bad gid") == CK_ID_ERR_PARAM, "bad GID refused");
    CHECK(memcmp(c.ed25519_sk, zero, 32) == 0, "wiped on failure");
    CHECK(ck_id_from_secret(&c, "alice", a.ed25519_sk, a.x25519_sk) == CK_ID_OK, "from secret");
    CHECK(memcmp(&a, &c, sizeof a) == 0, "rebuilt identity equal");
    ck_id_wipe(&c);
    CHECK(memcmp(c.ed25519_sk, zero, 32) == 0 && c.gid[0] == 0, "wipe");
    ck_id_wipe(&a);
    ck_id_wipe(&b);
}

/* RFC 8032, 7.1 TEST 2: one-byte message 0x72. */
static void test_rfc8032(void)
{
    uint8_t sk[32], pk[32], want_pk[32], sig[64], want_sig[64], msg = 0x72;
    ck_test_unhex(sk, 32, "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    ck_test_unhex(want_pk, 32, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    ck_test_unhex(want_sig, 64,
                  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    CHECK(ck_id_ed25519_public(pk, sk) == CK_ID_OK && memcmp(pk, want_pk, 32) == 0, "RFC 8032 public key");
    CHECK(ck_id_sign_raw(sig, sk, &msg, 1) == CK_ID_OK && memcmp(sig, want_sig, 64) == 0, "RFC 8032 signature");
    CHECK(ck_id_verify(want_sig, &msg, 1, want_pk) == CK_ID_OK, "RFC 8032 verifies");
}

static void test_sign(void)
{
    ck_identity a, b;
    uint8_t sig[64], msg[100];
    const uint8_t m2[] = "carekey";
    int bad = 0;
    CHECK(ck_id_create(&a, "alice") == CK_ID_OK && ck_id_create(&b, "bob") == CK_ID_OK, "create");
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 7);
    CHECK(ck_id_sign(sig, &a, msg, sizeof msg) == CK_ID_OK, "sign");
    CHECK(ck_id_verify(sig, msg, sizeof msg, a.ed25519_pk) == CK_ID_OK, "verify");
    CHECK(ck_id_verify(sig, msg, sizeof msg, b.ed25519_pk) == CK_ID_ERR_VERIFY, "other key fails");
    CHECK(ck_id_verify(sig, msg, sizeof msg - 1, a.ed25519_pk) == CK_ID_ERR_VERIFY, "shorter message fails");
    for (size_t i = 0; i < 8 * sizeof msg; i++) {
        msg[i / 8] ^= (uint8_t)(1u << (i % 8));
        bad += ck_id_verify(sig, msg, sizeof msg, a.ed25519_pk) != CK_ID_ERR_VERIFY;
        msg[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(bad == 0, "%d flipped message bits verified", bad);
    bad = 0;
    for (size_t i = 0; i < 8 * sizeof sig; i++) {
        sig[i / 8] ^= (uint8_t)(1u << (i % 8));
        bad += ck_id_verify(sig, msg, sizeof msg, a.ed25519_pk) != CK_ID_ERR_VERIFY;
        sig[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(bad == 0, "%d flipped signature bits verified", bad);
    CHECK(ck_id_verify(sig, msg, sizeof msg, a.ed25519_pk) == CK_ID_OK, "still verifies");
    CHECK(ck_id_sign(sig, &a, NULL, 0) == CK_ID_OK && ck_id_verify(sig, NULL, 0, a.ed25519_pk) == CK_ID_OK,
          "empty message");
    CHECK(ck_id_verify(sig, m2, sizeof m2, a.ed25519_pk) == CK_ID_ERR_VERIFY, "other message");
    CHECK(ck_id_sign(sig, NULL, msg, 1) == CK_ID_ERR_PARAM, "NULL identity");
    ck_id_wipe(&a);
    ck_id_wipe(&b);
}

static void test_hex(void)
{
    ck_identity a;
    char hex[CK_ID_HEX_BYTES];
    uint8_t back[32];
    CHECK(ck_id_create(&a, "alice") == CK_ID_OK, "create");
    ck_id_hex(hex, a.ed25519_pk);
    CHECK(strlen(hex) == 64, "64 digits");
    CHECK(ck_id_unhex(back, hex) == 0 && memcmp(back, a.ed25519_pk, 32) == 0, "hex round trip");
    hex[5] = 'g';
    CHECK(ck_id_unhex(back, hex) == -1, "bad digit");
    CHECK(ck_id_unhex(back, "00") == -1, "short");
    CHECK(ck_id_unhex(back, "ABCDEFabcdef0123456789ABCDEFabcdef0123456789ABCDEFabcdef01234567") == 0 &&
              back[0] == 0xab,
          "upper case accepted");
    ck_id_wipe(&a);
}

int main(void)
{
    test_gid();
    test_create();
    test_rfc8032();
    test_sign();
    test_hex();
    for (int e = CK_ID_OK; e <= CK_ID_ERR_CRYPTO; e++)
        CHECK(ck_id_strerror((ck_id_err)e)[0] != 0, "strerror %d", e);
    TEST_MAIN_END();
}
