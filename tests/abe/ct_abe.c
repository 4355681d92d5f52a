/*
 * tests/abe/ct_abe.c - constant time of MA-ABE and the envelope under
 * valgrind memcheck (issue 9, item 12), as tests/ec/ct_valgrind.c does for
 * the curve: every secret is marked undefined before it enters the
 * library - the authority's alpha and y, the user's attribute keys, and
 * every random output (ck_random_set_observer: the encryption secret s,
 * its shares, keygen's t, the data key, nonces) - so a branch or a memory
 * index that depends on one makes memcheck report it and the test fail.
 * Results are marked defined again before they are compared or encoded.
 *
 *   abe_ct   keygen, encrypt, decrypt, seal, open (must pass under valgrind)
 */
#include <stdlib.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "carekey/abe.h"
#include "carekey/seal.h"
#include "harness.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void mark_random(void *p, size_t n) { SECRET(p, n); }

/* What leaves the library as public: the ciphertext's group elements. */
static void ct_public(ck_abe_ct *ct)
{
    for (size_t i = 0; i < ct->rows; i++) PUBLIC(&ct->row[i], sizeof ct->row[i]);
}

int main(void)
{
    ck_abe_authority_sk sk;
    ck_abe_authority_pk pk;
    const ck_abe_authority_pk *pks[1] = {&pk};
    ck_abe_user_key key;
    ck_abe_ct ct;
    ck_gt s1, s2;
    static const char *policy = "doctor@hosp-a and b@hosp-a";
    uint8_t *env = NULL, msg[64], *pt = NULL, ad[8] = "place-ad";
    size_t env_len = 0;
    ck_seal_env *e = NULL;
    ck_seal_input in = {msg, sizeof msg};
    ck_seal_policy pol = {policy, pks, 1, NULL, NULL};

    memset(msg, 0x5a, sizeof msg);
    CHECK(ck_abe_authority_setup(&sk, &pk, "hosp-a") == CK_ABE_OK, "setup");
    ck_random_set_observer(mark_random);

    /* keygen: alpha, y and t secret */
    SECRET(&sk.alpha, sizeof sk.alpha);
    SECRET(&sk.y, sizeof sk.y);
    CHECK(ck_abe_user_key_init(&key, "dr-ct") == CK_ABE_OK, "key init");
    CHECK(ck_abe_keygen(&key, &sk, "doctor@hosp-a", 0) == CK_ABE_OK, "keygen doctor");
    CHECK(ck_abe_keygen(&key, &sk, "staff@hosp-a", 3) == CK_ABE_OK, "keygen staff (epoch 3)");
    CHECK(ck_abe_keygen(&key, &sk, "b@hosp-a", 0) == CK_ABE_OK, "keygen b");

    /* encrypt: s and the shares secret; decrypt with the secret key. Each
     * attribute's second use builds its fixed-base table (maabe_attr_table.c)
     * and the third (the envelope below) uses it, with t secret. */
    CHECK(ck_abe_encrypt(&ct, &s1, "doctor@hosp-a and b@hosp-a", pks, 1, NULL, NULL, NULL) == CK_ABE_OK,
          "encrypt");
    ct_public(&ct);
    PUBLIC(&s1, sizeof s1);
    CHECK(ck_abe_decrypt(&s2, &ct, &key) == CK_ABE_OK, "decrypt");
    PUBLIC(&s2, sizeof s2);
    CHECK(ck_gt_eq(&s1, &s2), "decrypt gives the encrypted secret");
    ck_abe_ct_free(&ct);

    /* the envelope: a random data key wraps the payload; opening it */
    SECRET(msg, sizeof msg);
    pol.policy = "doctor@hosp-a and b@hosp-a";
    CHECK(ck_seal(&env, &env_len, &pol, &in, 1, ad, sizeof ad, NULL) == CK_SEAL_OK, "seal");
    PUBLIC(env, env_len);
    PUBLIC(msg, sizeof msg);
    CHECK(ck_seal_decode(&e, env, env_len) == CK_SEAL_OK, "decode");
    pt = malloc(sizeof msg);
    CHECK(pt && ck_seal_open(e, &key, ad, sizeof ad, &pt) == CK_SEAL_OK, "open");
    PUBLIC(pt, sizeof msg);
    CHECK(pt && memcmp(pt, msg, sizeof msg) == 0, "the payload comes back");

    ck_random_set_observer(NULL);
    PUBLIC(&sk, sizeof sk);
    free(pt);
    ck_seal_env_free(e);
    ck_seal_free(env);
    ck_abe_user_key_free(&key);
    ck_abe_authority_sk_wipe(&sk);
    TEST_MAIN_END();
}
