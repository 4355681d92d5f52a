/* tests/node/btg_proto_test.c - the break-glass protocol codec
 * (src/node/emergency/proto.c): a signed request round-trips and verifies;
 * an edited one no longer verifies; extra members, bad names, short hex,
 * an empty reason and trailing bytes are refused; grants likewise; the
 * grant's associated data binds the window's end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "carekey/node_emergency.h"
#include "carekey/wire.h"
#include "harness.h"

static const char *NONCE = "00112233445566778899aabbccddeeff";

static char *request_text(const char *reason, const char *extra)
{
    static char buf[2048];
    char sig[129];
    memset(sig, '0', 128);
    sig[128] = 0;
    snprintf(buf, sizeof buf,
             "{\"authority\":\"er-desk\",\"gid\":\"drer\",\"nonce\":\"%s\",\"patient\":\"alice\",\"reason\":\"%s\","
             "\"seconds\":1800,\"signature\":\"%s\",\"time\":1795000000000%s}",
             NONCE, reason, sig, extra);
    return buf;
}

static void test_request(void)
{
    ck_node_btg_request r, again;
    ck_node_error e;
    char *t = request_text("unconscious", ""), *enc;
    CHECK(ck_node_btg_request_parse(t, strlen(t), &r, &e) == 0 && !strcmp(r.patient, "alice") && r.seconds == 1800 &&
              r.time_ms == 1795000000000ULL,
          "a well-formed request parses: %s", e.msg);
    enc = ck_node_btg_request_encode(&r);
    CHECK(enc && !strcmp(enc, t), "and encodes to the same bytes (sorted, compact)");
    CHECK(enc && ck_node_btg_request_parse(enc, strlen(enc), &again, &e) == 0 && !memcmp(&r, &again, sizeof r),
          "and decodes again to the same fields");
    free(enc);
    t = request_text("unconscious", ",\"extra\":1");
    CHECK(ck_node_btg_request_parse(t, strlen(t), &r, &e) == -1 && !strcmp(e.key, "bad_request"), "an extra member");
    t = request_text("", "");
    CHECK(ck_node_btg_request_parse(t, strlen(t), &r, &e) == -1 && !strcmp(e.key, "bad_reason"), "an empty reason");
    t = request_text("x", "");
    {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s trailing", t);
        CHECK(ck_node_btg_request_parse(buf, strlen(buf), &r, &e) == -1, "trailing bytes");
        snprintf(buf, sizeof buf, "%s", t);
        memcpy(strstr(buf, "drer"), "d/er", 4);
        CHECK(ck_node_btg_request_parse(buf, strlen(buf), &r, &e) == -1 && !strcmp(e.key, "bad_field"), "a GID with a slash");
        snprintf(buf, sizeof buf, "%s", t);
        memcpy(strstr(buf, NONCE), "zz", 2);
        CHECK(ck_node_btg_request_parse(buf, strlen(buf), &r, &e) == -1 && !strcmp(e.key, "bad_field"), "a nonce not hex");
    }
}

static void test_signature(void)
{
    ck_identity idv, *id = &idv;
    uint8_t nonce[16] = {1}, sig[64], tbs[CK_NODE_BTG_TBS_MAX], tbs2[CK_NODE_BTG_TBS_MAX];
    size_t n = 0, n2 = 0;
    if (ck_id_create(id, "drer") != CK_ID_OK) {
        CHECK(0, "an identity");
        return;
    }
    CHECK(ck_node_btg_request_tbs(tbs, sizeof tbs, &n, "er-desk", "drer", "alice", "cardiac arrest", 600, 42, nonce) ==
              0 && ck_id_sign(sig, id, tbs, n) == CK_ID_OK,
          "the canonical bytes are signed");
    CHECK(ck_id_verify(sig, tbs, n, id->ed25519_pk) == CK_ID_OK, "and verify");
    CHECK(ck_node_btg_request_tbs(tbs2, sizeof tbs2, &n2, "er-desk", "drer", "alice", "cardiac arrest (edited)", 600, 42,
                                  nonce) == 0 && ck_id_verify(sig, tbs2, n2, id->ed25519_pk) != CK_ID_OK,
          "an edited reason does not verify");
    CHECK(ck_node_btg_request_tbs(tbs2, sizeof tbs2, &n2, "er-desk", "drer", "alice", "cardiac arrest", 601, 42, nonce) ==
              0 && ck_id_verify(sig, tbs2, n2, id->ed25519_pk) != CK_ID_OK,
          "a longer window does not verify");
    ck_id_wipe(id);
}

static void test_grant(void)
{
    char buf[1024];
    ck_node_btg_grant g;
    ck_node_error e;
    uint8_t ad1[CK_NODE_BTG_AD_MAX], ad2[CK_NODE_BTG_AD_MAX], nonce[16] = {0};
    size_t l1, l2;
    snprintf(buf, sizeof buf,
             "{\"audit_seq\":7,\"authority\":\"er-desk\",\"box\":\"AAECAwQ=\",\"desk\":\"er-desk\",\"entries\":[{\"section\":"
             "\"allergies\",\"seq\":3}],\"expires\":20,\"issued\":10,\"nonce\":\"%s\",\"patient\":\"alice\",\"physician\":"
             "\"drer\"}",
             NONCE);
    CHECK(ck_node_btg_grant_parse(buf, strlen(buf), &g, &e) == 0 && g.box_len == 5 && g.n_entries == 1 &&
              g.expires_ms == 20,
          "a grant parses: %s", e.msg);
    ck_node_btg_grant_free(&g);
    memcpy(strstr(buf, "\"expires\":20"), "\"expires\":00", 12);
    CHECK(ck_node_btg_grant_parse(buf, strlen(buf), &g, &e) == -1 && g.box == NULL, "a window that ends before it starts");
    l1 = ck_node_btg_box_ad(ad1, "er-desk", "drer", "alice", 10, 20, nonce);
    l2 = ck_node_btg_box_ad(ad2, "er-desk", "drer", "alice", 10, 3600020, nonce);
    CHECK(l1 && l1 == l2 && memcmp(ad1, ad2, l1) != 0, "the associated data binds the window's end");
}

int main(void)
{
    test_request();
    test_signature();
    test_grant();
    TEST_MAIN_END();
}
