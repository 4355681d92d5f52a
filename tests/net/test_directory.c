/*
 * tests/net/test_directory.c - signed directory documents: epoch tables
 * signed by their authority and authority records signed by the operator
 * (carekey/directory.h). Every field is covered by the signature; the
 * parser refuses every malformed document with a reason.
 */
#include <stdint.h>
#include <string.h>

#include "carekey/directory.h"
#include "harness.h"

static void keypair(uint8_t pk[32], uint8_t sk[32])
{
    CHECK(ck_net_ed25519_keygen(pk, sk) == 0, "keygen");
}

static void test_epochs_roundtrip(void)
{
    uint8_t pk[32], sk[32], pk2[32], sk2[32];
    ck_dir_epochs t, u;
    char err[CK_DIR_ERR_CAP], *js;
    uint32_t e = 99;

    keypair(pk, sk);
    keypair(pk2, sk2);
    memset(&t, 0, sizeof t);
    snprintf(t.authority, sizeof t.authority, "hosp-a");
    t.version = 3;
    t.time_ms = 1700000000123ull;
    CHECK(ck_dir_epochs_set(&t, "staff@hosp-a", 2) == 0, "set staff");
    CHECK(ck_dir_epochs_set(&t, "doctor@hosp-a", 0) == 0, "set doctor");
    CHECK(ck_dir_epochs_set(&t, "level@hosp-a", 5) == 0, "set level");
    CHECK(ck_dir_epochs_set(&t, "x@hosp-b", 1) != 0, "a foreign label is refused");
    CHECK(ck_dir_epochs_set(&t, "a@b@hosp-a", 1) != 0, "two '@' are refused");
    CHECK(ck_dir_epochs_set(&t, "@hosp-a", 1) != 0, "an empty name is refused");
    CHECK(t.n == 3 && strcmp(t.labels[0].label, "doctor@hosp-a") == 0, "sorted on insert");
    CHECK(ck_dir_epochs_sign(&t, sk) == 0, "sign");
    CHECK(ck_dir_epochs_verify(&t, pk) == 0, "verifies");
    CHECK(ck_dir_epochs_verify(&t, pk2) != 0, "another key does not verify");
    CHECK(ck_dir_epochs_get(&t, "staff@hosp-a", &e) == 0 && e == 2, "get");
    CHECK(ck_dir_epochs_get(&t, "level#b3=1@hosp-a", &e) == 0 && e == 5, "a bit label follows its base");
    CHECK(ck_dir_epochs_get(&t, "nurse@hosp-a", &e) != 0, "a missing label is missing");

    js = ck_dir_epochs_json(&t);
    CHECK(js != NULL, "json");
    CHECK(ck_dir_epochs_parse(&u, "hosp-a", js, strlen(js), err) == 0, "parse: %s", err);
    CHECK(ck_dir_epochs_verify(&u, pk) == 0, "the parsed table verifies");
    ck_dir_epochs_free(&u);
    CHECK(ck_dir_epochs_parse(&u, "hosp-b", js, strlen(js), err) != 0, "another authority's name does not parse");

    /* each field is signed */
    CHECK(ck_dir_epochs_parse(&u, "hosp-a", js, strlen(js), err) == 0, "parse again");
    u.version++;
    CHECK(ck_dir_epochs_verify(&u, pk) != 0, "version signed");
    u.version--;
    u.time_ms++;
    CHECK(ck_dir_epochs_verify(&u, pk) != 0, "time signed");
    u.time_ms--;
    u.labels[1].epoch = 4294967295u;
    CHECK(ck_dir_epochs_verify(&u, pk) != 0, "epochs signed (a forged raise is refused)");
    u.labels[1].epoch = t.labels[1].epoch;
    CHECK(ck_dir_epochs_verify(&u, pk) == 0, "restored");
    u.n--;
    CHECK(ck_dir_epochs_verify(&u, pk) != 0, "a dropped label is refused");
    u.n++;
    ck_dir_epochs_free(&u);
    free(js);
    ck_dir_epochs_free(&t);
}

static void test_epochs_parse_errors(void)
{
    static const char *bad[] = {
        "",
        "[]",
        "{\"version\":1,\"time\":1,\"epochs\":{}}",
        "{\"version\":0,\"time\":1,\"epochs\":{},\"signature\":\"%s\"}",
        "{\"version\":-1,\"time\":1,\"epochs\":{},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":-1,\"epochs\":{},\"signature\":\"%s\"}",
        "{\"version\":\"1\",\"time\":1,\"epochs\":{},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":[],\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-b\":1},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-a\":-1},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-a\":4294967296},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-a\":1.5},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-a\":1,\"x@hosp-a\":2},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{\"x\\u0007@hosp-a\":1},\"signature\":\"%s\"}",
        "{\"version\":1,\"time\":1,\"epochs\":{},\"signature\":\"%s\",\"more\":1}",
        "{\"version\":1,\"time\":1,\"epochs\":{},\"signature\":\"%s\"} {}",
        "{\"version\":1,\"time\":1,\"epochs\":{},\"signature\":\"00\"}",
    };
    char sig[129], doc[512], err[CK_DIR_ERR_CAP];
    ck_dir_epochs t;
    memset(sig, '0', 128);
    sig[128] = 0;
    snprintf(doc, sizeof doc, "{\"version\":1,\"time\":1,\"epochs\":{\"x@hosp-a\":7},\"signature\":\"%s\"}", sig);
    CHECK(ck_dir_epochs_parse(&t, "hosp-a", doc, strlen(doc), err) == 0, "a well-formed table parses");
    ck_dir_epochs_free(&t);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(doc, sizeof doc, bad[i], sig);
        err[0] = 0;
        CHECK(ck_dir_epochs_parse(&t, "hosp-a", doc, strlen(doc), err) != 0 && err[0], "refused #%zu: %s", i,
              doc);
    }
}

static void test_authority_record(void)
{
    uint8_t op_pk[32], op_sk[32], other_pk[32], other_sk[32], sign_pk[32], sig[64];
    uint8_t abe[100];
    ck_dir_authority a;
    memset(abe, 7, sizeof abe);
    keypair(op_pk, op_sk);
    keypair(other_pk, other_sk);
    memset(sign_pk, 3, 32);
    a.name = "hosp-a";
    a.sign_pk = sign_pk;
    a.abe_pk = abe;
    a.abe_pk_len = sizeof abe;
    a.organization = "hosp-a";
    a.signed_at_ms = 1700000000000ull;
    CHECK(ck_dir_authority_sign(sig, &a, op_sk) == 0, "operator signs");
    CHECK(ck_dir_authority_verify(&a, sig, op_pk) == 0, "verifies");
    CHECK(ck_dir_authority_verify(&a, sig, other_pk) != 0, "not by another key");
    abe[50] ^= 1;
    CHECK(ck_dir_authority_verify(&a, sig, op_pk) != 0, "a substituted ABE key is refused");
    abe[50] ^= 1;
    sign_pk[0] ^= 1;
    CHECK(ck_dir_authority_verify(&a, sig, op_pk) != 0, "a substituted signing key is refused");
    sign_pk[0] ^= 1;
    a.organization = "hosp-b";
    CHECK(ck_dir_authority_verify(&a, sig, op_pk) != 0, "the organization is signed");
    a.organization = "hosp-a";
    a.name = "hosp-b";
    CHECK(ck_dir_authority_verify(&a, sig, op_pk) != 0, "the name is signed");
    a.name = "bad name";
    CHECK(ck_dir_authority_sign(sig, &a, op_sk) != 0, "an invalid name is refused");
}

int main(void)
{
    test_epochs_roundtrip();
    test_epochs_parse_errors();
    test_authority_record();
    TEST_MAIN_END();
}
