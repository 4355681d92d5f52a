/*
 * tests/abe/test_maabe.c - the MA-ABE KEM (issue 3, Must-show 1 and 2):
 * round trips over many policies (single attribute, and/or trees, k-of-n
 * for every k, numeric comparisons at their boundaries, 1..5 authorities,
 * repeated attributes, 100-attribute policies) and the negative cases:
 * unsatisfying keys, collusion of two GIDs (also pooling every key part),
 * an authority impersonating another, stale epochs.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe/maabe_internal.h"
#include "abe_util.h"
#include "carekey/seal.h"
#include "harness.h"

/* ok: the key must decrypt to the encrypted element; otherwise it must
 * be refused as unsatisfied. */
static void expect(const char *policy, ck_abe_user_key *key, int ok, int recode)
{
    int same;
    ck_abe_err rc = au_roundtrip(policy, key, recode, &same);
    if (ok)
        CHECK(rc == CK_ABE_OK && same, "'%s' with %s: %s, same=%d", policy, key->gid,
              ck_abe_strerror(rc), same);
    else
        CHECK(rc == CK_ABE_ERR_UNSATISFIED, "'%s' with %s: want unsatisfied, got %s", policy,
              key->gid, ck_abe_strerror(rc));
}

static void test_single_and_trees(void)
{
    ck_abe_user_key doc, nurse, er, none;
    const char *doc_a[] = {"doctor@hosp-a", "cardiology@hosp-a", NULL};
    const char *nurse_a[] = {"nurse@hosp-a", "icu@hosp-b", "md@board", NULL};
    const char *er_a[] = {"er@hosp-b", "md@board", NULL};
    const char *tree = "doctor@hosp-a and (cardiology@hosp-a or 2 of (er@hosp-b, icu@hosp-b, md@board))";
    au_key(&doc, "doc-1", doc_a);
    au_key(&nurse, "nurse-1", nurse_a);
    au_key(&er, "er-1", er_a);
    au_key(&none, "none-1", NULL);

    expect("doctor@hosp-a", &doc, 1, 1);
    expect("doctor@hosp-a", &nurse, 0, 0);
    expect("doctor@hosp-a", &none, 0, 0);
    expect("\"Primary Care\"@hosp-a or doctor@hosp-a", &doc, 1, 1);
    expect(tree, &doc, 1, 1);
    expect(tree, &nurse, 0, 0);   /* has 2 of 3, lacks doctor */
    expect(tree, &er, 0, 0);
    expect("doctor@hosp-a or (er@hosp-b and md@board)", &er, 1, 0);
    expect("doctor@hosp-a or (er@hosp-b and md@board)", &doc, 1, 0);
    expect("doctor@hosp-a or (er@hosp-b and md@board)", &nurse, 0, 0);
    expect("(nurse@hosp-a or doctor@hosp-a) and (icu@hosp-b or cardiology@hosp-a)", &nurse, 1, 0);
    expect("(nurse@hosp-a or doctor@hosp-a) and (icu@hosp-b or cardiology@hosp-a)", &doc, 1, 0);
    expect("(nurse@hosp-a or doctor@hosp-a) and (icu@hosp-b or cardiology@hosp-a)", &er, 0, 0);
    expect("((doctor@hosp-a and cardiology@hosp-a) or nurse@hosp-a) and (md@board or cardiology@hosp-a)",
           &doc, 1, 0);
    ck_abe_user_key_free(&doc);
    ck_abe_user_key_free(&nurse);
    ck_abe_user_key_free(&er);
    ck_abe_user_key_free(&none);
}

/* k of 5 attributes from 5 authorities, for k = 1..5, with keys holding
 * exactly k and exactly k-1 of them (a different subset each time). */
static void test_thresholds(void)
{
    static const char *const all[5] = {"a1@hosp-a", "a2@hosp-b", "a3@board", "a4@patient", "a5@er-desk"};
    char policy[256];
    for (int k = 1; k <= 5; k++) {
        ck_abe_user_key enough, short_by_one;
        const char *have[6] = {0}, *less[6] = {0};
        for (int i = 0; i < k; i++) have[i] = all[(i + k) % 5];
        for (int i = 0; i < k - 1; i++) less[i] = all[(i + 2 * k) % 5];
        au_key(&enough, "th-enough", have);
        au_key(&short_by_one, "th-short", less);
        snprintf(policy, sizeof policy, "%d of (a1@hosp-a, a2@hosp-b, a3@board, a4@patient, a5@er-desk)", k);
        expect(policy, &enough, 1, k == 3);
        expect(policy, &short_by_one, 0, 0);
        ck_abe_user_key_free(&enough);
        ck_abe_user_key_free(&short_by_one);
    }
    {   /* thresholds nested in and/or, and 1-of-1 */
        ck_abe_user_key u;
        const char *a[] = {"a1@hosp-a", "a3@board", "x@patient", NULL};
        au_key(&u, "th-nested", a);
        expect("1 of (a1@hosp-a)", &u, 1, 0);
        expect("x@patient and 2 of (a1@hosp-a, a2@hosp-b, (a3@board or y@patient))", &u, 1, 1);
        expect("y@patient or 3 of (a1@hosp-a, a2@hosp-b, a3@board)", &u, 0, 0);
        ck_abe_user_key_free(&u);
    }
}

/* Comparisons at v-1, v, v+1 for small and large boundaries. */
static void test_numeric(void)
{
    static const uint32_t vals[] = {3, 0x80000000u};
    static const char *const ops[] = {"<", "<=", ">", ">=", "=="};
    for (size_t vi = 0; vi < 2; vi++) {
        uint32_t v = vals[vi];
        ck_abe_user_key keys[3];
        char attr[3][64], policy[128];
        for (int d = 0; d < 3; d++) {
            const char *a[2] = {attr[d], NULL};
            snprintf(attr[d], sizeof attr[d], "level@hosp-a=%lu", (unsigned long)(v - 1 + (uint32_t)d));
            au_key(&keys[d], d == 0 ? "num-below" : d == 1 ? "num-equal" : "num-above", a);
        }
        for (int o = 0; o < 5; o++) {
            snprintf(policy, sizeof policy, "level@hosp-a %s %lu", ops[o], (unsigned long)v);
            for (int d = 0; d < 3; d++) {
                int64_t x = (int64_t)v - 1 + d, w = v;
                int sat = o == 0 ? x < w : o == 1 ? x <= w : o == 2 ? x > w : o == 3 ? x >= w : x == w;
                expect(policy, &keys[d], sat, o == 1 && d == 1);
            }
        }
        for (int d = 0; d < 3; d++) ck_abe_user_key_free(&keys[d]);
    }
    {   /* the extremes: >= 0 and <= 2^32-1 mean "holds the attribute" */
        ck_abe_user_key zero, max, other;
        const char *za[] = {"level@hosp-a=0", NULL}, *ma[] = {"level@hosp-a=4294967295", NULL};
        const char *oa[] = {"rank@hosp-a=0", NULL};
        au_key(&zero, "num-zero", za);
        au_key(&max, "num-max", ma);
        au_key(&other, "num-other", oa);
        expect("level@hosp-a >= 0", &zero, 1, 0);
        expect("level@hosp-a <= 4294967295", &max, 1, 0);
        expect("level@hosp-a >= 0", &other, 0, 0);
        expect("level@hosp-a > 0", &zero, 0, 0);
        expect("level@hosp-a < 4294967295", &max, 0, 0);
        expect("level@hosp-a == 4294967295", &max, 1, 0);
        expect("level@hosp-a == 0 and rank@hosp-a <= 0", &zero, 0, 0);
        ck_abe_user_key_free(&zero);
        ck_abe_user_key_free(&max);
        ck_abe_user_key_free(&other);
    }
}

/* AND over attributes of the first k authorities, k = 1..5. */
static void test_authorities(void)
{
    static const char *const attr[5] = {"x@hosp-a", "x@hosp-b", "x@board", "x@patient", "x@er-desk"};
    ck_abe_user_key all, missing_last;
    char policy[256];
    {
        const char *a[6] = {attr[0], attr[1], attr[2], attr[3], attr[4], NULL};
        au_key(&all, "auth-all", a);
    }
    for (int k = 1; k <= 5; k++) {
        const char *m[6] = {0};
        size_t len = 0;
        for (int i = 0; i < k - 1; i++) m[i] = attr[i];
        au_key(&missing_last, "auth-missing", m);
        policy[0] = 0;
        for (int i = 0; i < k; i++)
            len += (size_t)snprintf(policy + len, sizeof policy - len, "%s%s", i ? " and " : "", attr[i]);
        expect(policy, &all, 1, k == 5);
        expect(policy, &missing_last, 0, 0);
        ck_abe_user_key_free(&missing_last);
    }
    {   /* the policy names an authority whose key the encryptor lacks */
        ck_abe_ct ct;
        ck_gt z;
        CHECK(ck_abe_encrypt(&ct, &z, "x@hosp-a and x@nowhere", au_pks, AU_N_AUTH, NULL, NULL, NULL) ==
                  CK_ABE_ERR_NO_AUTHORITY, "unknown authority");
        CHECK(ck_abe_encrypt(&ct, &z, "x@hosp-a and", au_pks, AU_N_AUTH, NULL, NULL, NULL) ==
                  CK_ABE_ERR_POLICY, "bad policy");
    }
    ck_abe_user_key_free(&all);
}

static void test_repeated(void)
{
    ck_abe_user_key ab, ac, c;
    const char *aba[] = {"a@hosp-a", "b@hosp-b", NULL}, *aca[] = {"a@hosp-a", "c@board", NULL};
    const char *ca[] = {"c@board", "b@hosp-b", NULL};
    const char *p1 = "(a@hosp-a and b@hosp-b) or (a@hosp-a and c@board)";
    const char *p2 = "a@hosp-a and (a@hosp-a or b@hosp-b)";
    const char *p3 = "2 of (a@hosp-a, b@hosp-b, (a@hosp-a and c@board))";
    au_key(&ab, "rep-ab", aba);
    au_key(&ac, "rep-ac", aca);
    au_key(&c, "rep-cb", ca);
    expect(p1, &ab, 1, 1);
    expect(p1, &ac, 1, 0);
    expect(p1, &c, 0, 0);
    expect(p2, &ab, 1, 0);
    expect(p2, &c, 0, 0);
    expect(p3, &ac, 1, 1);
    expect(p3, &ab, 1, 0);
    expect(p3, &c, 0, 0);
    ck_abe_user_key_free(&ab);
    ck_abe_user_key_free(&ac);
    ck_abe_user_key_free(&c);
}

/* 100 attributes over 3 authorities: AND (all needed), OR (one is
 * enough), and 3-of-100. */
static void test_hundred(void)
{
    static const char *const auths[3] = {"hosp-a", "hosp-b", "board"};
    char names[100][32], *policy_and = malloc(4096), *policy_or = malloc(4096), *policy_th = malloc(4096);
    const char *all[101] = {0}, *most[100] = {0}, *one[2] = {0}, *three[4] = {0};
    ck_abe_user_key k_all, k_most, k_one, k_three;
    size_t la = 0, lo = 0, lt = 0;
    if (!policy_and || !policy_or || !policy_th) abort();
    lt = (size_t)snprintf(policy_th, 4096, "3 of (");
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof names[i], "attr%02d@%s", i, auths[i % 3]);
        all[i] = names[i];
        if (i != 57) most[i < 57 ? i : i - 1] = names[i];
        la += (size_t)snprintf(policy_and + la, 4096 - la, "%s%s", i ? " and " : "", names[i]);
        lo += (size_t)snprintf(policy_or + lo, 4096 - lo, "%s%s", i ? " or " : "", names[i]);
        lt += (size_t)snprintf(policy_th + lt, 4096 - lt, "%s%s", i ? ", " : "", names[i]);
    }
    snprintf(policy_th + lt, 4096 - lt, ")");
    one[0] = names[99];
    three[0] = names[5]; three[1] = names[50]; three[2] = names[98];
    au_key(&k_all, "h-all", all);
    au_key(&k_most, "h-most", most);
    au_key(&k_one, "h-one", one);
    au_key(&k_three, "h-three", three);
    expect(policy_and, &k_all, 1, 1);
    expect(policy_and, &k_most, 0, 0);
    expect(policy_or, &k_one, 1, 0);
    expect(policy_th, &k_three, 1, 0);
    {   /* the OR policy must not make the decryptor use 100 rows */
        expect(policy_or, &k_all, 1, 0);
    }
    /* 3-of-100 with only two of the three */
    k_three.n = 2;   /* hide the last entry (it is still freed: n restored) */
    expect(policy_th, &k_three, 0, 0);
    k_three.n = 3;
    ck_abe_user_key_free(&k_all);
    ck_abe_user_key_free(&k_most);
    ck_abe_user_key_free(&k_one);
    ck_abe_user_key_free(&k_three);
    free(policy_and);
    free(policy_or);
    free(policy_th);
}

/* Copies every attribute entry of src into dst (ignoring the GID check
 * ck_abe_user_key_merge makes): what colluders pooling their keys get. */
static void pool(ck_abe_user_key *dst, const ck_abe_user_key *src)
{
    ck_abe_user_attr *a = calloc(dst->n + src->n, sizeof(*a));
    if (!a) abort();
    memcpy(a, dst->attr, dst->n * sizeof(*a));
    for (size_t i = 0; i < src->n; i++) {
        a[dst->n + i] = src->attr[i];
        a[dst->n + i].lines = NULL;
    }
    free(dst->attr);
    dst->attr = a;
    dst->n += src->n;
    dst->cap = dst->n;
}

static void seal_one(uint8_t **env, size_t *len, const char *policy, const ck_abe_authority_pk *const *pks,
                     size_t n_pks)
{
    static const uint8_t msg[] = "blood type: AB-";
    ck_seal_input in = {msg, sizeof msg};
    ck_seal_policy pol = {policy, pks, n_pks, NULL, NULL};
    ck_seal_err rc = ck_seal(env, len, &pol, &in, 1, (const uint8_t *)"ad", 2, NULL);
    if (rc != CK_SEAL_OK) {
        fprintf(stderr, "seal: %s\n", ck_seal_strerror(rc));
        exit(2);
    }
}

static ck_seal_err open_one(const uint8_t *env, size_t len, ck_abe_user_key *key)
{
    ck_seal_env *e = NULL;
    uint8_t buf[64], *out[1] = {buf};
    ck_seal_err rc = ck_seal_decode(&e, env, len);
    if (rc == CK_SEAL_OK) rc = ck_seal_open(e, key, (const uint8_t *)"ad", 2, out);
    if (rc == CK_SEAL_OK && memcmp(buf, "blood type: AB-", 16) != 0) rc = CK_SEAL_ERR_AUTH;
    ck_seal_env_free(e);
    return rc;
}

static void test_collusion(void)
{
    const char *policy = "doctor@hosp-a and er@hosp-b and 1 of (md@board)";
    const char *alice_a[] = {"doctor@hosp-a", "md@board", NULL}, *bob_a[] = {"er@hosp-b", "md@board", NULL};
    ck_abe_user_key alice, bob, pooled_a, pooled_b;
    ck_abe_ct ct;
    ck_gt z, z2;
    uint8_t *env;
    size_t env_len;

    au_key(&alice, "alice", alice_a);
    au_key(&bob, "bob", bob_a);
    CHECK(ck_abe_encrypt(&ct, &z, policy, au_pks, AU_N_AUTH, NULL, NULL, NULL) == CK_ABE_OK, "encrypt");
    CHECK(ck_abe_decrypt(&z2, &ct, &alice) == CK_ABE_ERR_UNSATISFIED, "alice alone");
    CHECK(ck_abe_decrypt(&z2, &ct, &bob) == CK_ABE_ERR_UNSATISFIED, "bob alone");
    /* merging keys of different GIDs is refused by the API */
    CHECK(ck_abe_user_key_merge(&alice, &bob) == CK_ABE_ERR_PARAM, "merge across GIDs refused");

    /* pool every key part, both ways: the LSSS is satisfied, so decrypt
     * runs, but H(GID) does not cancel and the element is wrong */
    au_key(&pooled_a, "alice", alice_a);
    au_key(&pooled_b, "bob", bob_a);
    pool(&pooled_a, &bob);
    pool(&pooled_b, &alice);
    CHECK(ck_abe_decrypt(&z2, &ct, &pooled_a) == CK_ABE_OK, "pooled (alice's GID) decrypts formally");
    CHECK(!ck_gt_eq(&z, &z2), "collusion under alice's GID must not give the shared element");
    CHECK(ck_abe_decrypt(&z2, &ct, &pooled_b) == CK_ABE_OK, "pooled (bob's GID) decrypts formally");
    CHECK(!ck_gt_eq(&z, &z2), "collusion under bob's GID must not give the shared element");

    seal_one(&env, &env_len, policy, au_pks, AU_N_AUTH);
    CHECK(open_one(env, env_len, &alice) == CK_SEAL_ERR_UNSATISFIED, "envelope: alice alone");
    CHECK(open_one(env, env_len, &pooled_a) == CK_SEAL_ERR_AUTH, "envelope: pooled key fails authentication");
    CHECK(open_one(env, env_len, &pooled_b) == CK_SEAL_ERR_AUTH, "envelope: pooled key (bob) fails authentication");
    {   /* the honest key with all three works on the same envelope */
        const char *ok_a[] = {"doctor@hosp-a", "er@hosp-b", "md@board", NULL};
        ck_abe_user_key carol;
        au_key(&carol, "carol", ok_a);
        CHECK(open_one(env, env_len, &carol) == CK_SEAL_OK, "envelope: honest key opens");
        CHECK(ck_abe_decrypt(&z2, &ct, &carol) == CK_ABE_OK && ck_gt_eq(&z, &z2), "honest key decrypts");
        ck_abe_user_key_free(&carol);
    }
    ck_seal_free(env);
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&alice);
    ck_abe_user_key_free(&bob);
    ck_abe_user_key_free(&pooled_a);
    ck_abe_user_key_free(&pooled_b);
}

/* An authority calling itself hosp-b, with its own secret, issues
 * er@hosp-b; ciphertexts use the real hosp-b public key. */
static void test_impersonation(void)
{
    ck_abe_authority_sk fake_sk;
    ck_abe_authority_pk fake_pk;
    ck_abe_user_key k;
    ck_abe_ct ct;
    ck_gt z, z2;
    uint8_t *env;
    size_t env_len;
    const char *policy = "doctor@hosp-a and er@hosp-b";

    CHECK(ck_abe_authority_setup(&fake_sk, &fake_pk, "hosp-b") == CK_ABE_OK, "fake setup");
    CHECK(ck_abe_user_key_init(&k, "mallory") == CK_ABE_OK, "init");
    CHECK(ck_abe_keygen(&k, &au_sk[0], "doctor@hosp-a", 0) == CK_ABE_OK, "real doctor@hosp-a");
    CHECK(ck_abe_keygen(&k, &fake_sk, "er@hosp-b", 0) == CK_ABE_OK, "fake er@hosp-b");
    CHECK(ck_abe_keygen(&k, &fake_sk, "er@hosp-a", 0) == CK_ABE_ERR_PARAM, "label of another authority refused");
    CHECK(ck_abe_encrypt(&ct, &z, policy, au_pks, AU_N_AUTH, NULL, NULL, NULL) == CK_ABE_OK, "encrypt");
    CHECK(ck_abe_decrypt(&z2, &ct, &k) == CK_ABE_OK && !ck_gt_eq(&z, &z2),
          "a key from an impersonating authority gives a wrong element");
    seal_one(&env, &env_len, policy, au_pks, AU_N_AUTH);
    CHECK(open_one(env, env_len, &k) == CK_SEAL_ERR_AUTH, "envelope: impersonated key fails authentication");
    ck_seal_free(env);
    {   /* and a ciphertext for the fake key cannot be opened by the real holder */
        const ck_abe_authority_pk *pks[2] = {&au_pk[0], &fake_pk};
        const char *real_a[] = {"doctor@hosp-a", "er@hosp-b", NULL};
        ck_abe_user_key real;
        au_key(&real, "honest", real_a);
        seal_one(&env, &env_len, policy, pks, 2);
        CHECK(open_one(env, env_len, &real) == CK_SEAL_ERR_AUTH, "envelope under fake pk: real key fails");
        CHECK(open_one(env, env_len, &k) == CK_SEAL_OK, "envelope under fake pk: fake-issued key opens");
        ck_seal_free(env);
        ck_abe_user_key_free(&real);
    }
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&k);
    ck_abe_authority_sk_wipe(&fake_sk);
}

static uint32_t epoch_of(void *ctx, const char *label)
{
    (void)label;
    return *(const uint32_t *)ctx;
}

static void test_epochs(void)
{
    ck_abe_user_key k;
    ck_abe_ct ct;
    ck_gt z, z2;
    uint32_t e = 7;
    CHECK(ck_abe_user_key_init(&k, "epochs") == CK_ABE_OK, "init");
    CHECK(ck_abe_keygen(&k, &au_sk[0], "doctor@hosp-a", 6) == CK_ABE_OK, "keygen epoch 6");
    CHECK(ck_abe_encrypt(&ct, &z, "doctor@hosp-a", au_pks, AU_N_AUTH, epoch_of, &e, NULL) == CK_ABE_OK, "enc");
    CHECK(ck_abe_decrypt(&z2, &ct, &k) == CK_ABE_ERR_UNSATISFIED, "stale epoch refused");
    CHECK(ck_abe_keygen(&k, &au_sk[0], "doctor@hosp-a", 7) == CK_ABE_OK, "keygen epoch 7 (added)");
    CHECK(k.n == 2, "a new epoch is added; the older one stays");
    CHECK(ck_abe_decrypt(&z2, &ct, &k) == CK_ABE_OK && ck_gt_eq(&z, &z2), "current epoch decrypts");
    ck_abe_ct_free(&ct);
    e = 6;
    CHECK(ck_abe_encrypt(&ct, &z, "doctor@hosp-a", au_pks, AU_N_AUTH, epoch_of, &e, NULL) == CK_ABE_OK, "enc at 6");
    CHECK(ck_abe_decrypt(&z2, &ct, &k) == CK_ABE_OK && ck_gt_eq(&z, &z2), "the older epoch still decrypts");
    CHECK(ck_abe_keygen(&k, &au_sk[0], "doctor@hosp-a", 6) == CK_ABE_OK && k.n == 2, "the same epoch replaces");
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&k);
}

static void test_merge(void)
{
    const char *a1[] = {"doctor@hosp-a", NULL}, *a2[] = {"er@hosp-b", NULL};
    ck_abe_user_key k1, k2;
    int same;
    au_key(&k1, "merge-me", a1);
    au_key(&k2, "merge-me", a2);
    CHECK(ck_abe_user_key_merge(&k1, &k2) == CK_ABE_OK && k1.n == 2, "merge same GID");
    CHECK(ck_abe_user_key_merge(&k1, &k1) == CK_ABE_OK && k1.n == 2, "self-merge is a no-op");
    CHECK(au_roundtrip("doctor@hosp-a and er@hosp-b", &k1, 0, &same) == CK_ABE_OK && same,
          "merged key decrypts");
    ck_abe_user_key_free(&k1);
    ck_abe_user_key_free(&k2);
}

/* F(u)^k through the attribute table cache equals the plain variable-base
 * product on the first use (no table), the second (table built) and later
 * uses (table shared), for labels and epochs that share or evict slots. */
static void test_attr_tables(void)
{
    static const char *labels[] = {"tab-a@hosp-a", "tab-b@hosp-b", "tab-a@hosp-a", "tab-c@board"};
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
            for (uint32_t epoch = 0; epoch < 2; epoch++) {
                ck_g2 f, want, got;
                ck_fr k;
                CHECK(ck_fr_random(&k) == CK_OK, "random");
                if (round == 3) ck_fr_from_u64(&k, epoch); /* k = 0 and k = 1 */
                CHECK(ck_abe_hash_attr(&f, labels[i], epoch) == CK_ABE_OK, "hash");
                ck_g2_mul(&want, &f, &k);
                CHECK(ck_abe_attr_mul(&got, labels[i], epoch, &k) == CK_ABE_OK, "attr_mul");
                CHECK(ck_g2_eq(&want, &got), "F(%s, %u)^k round %d", labels[i], epoch, round);
            }
        }
    }
    /* many distinct attributes: slots are evicted and reused */
    for (int i = 0; i < 300; i++) {
        char label[32];
        ck_g2 f, want, got;
        ck_fr k;
        snprintf(label, sizeof label, "ev%d@hosp-a", i % 150);
        CHECK(ck_fr_random(&k) == CK_OK, "random");
        CHECK(ck_abe_hash_attr(&f, label, 0) == CK_ABE_OK, "hash");
        ck_g2_mul(&want, &f, &k);
        CHECK(ck_abe_attr_mul(&got, label, 0, &k) == CK_ABE_OK && ck_g2_eq(&want, &got), "%s", label);
    }
    {   /* a label too long for F is refused, as by ck_abe_hash_attr */
        char big[CK_POLICY_LABEL_MAX + 8];
        ck_g2 got;
        ck_fr k;
        memset(big, 'a', sizeof big - 1);
        big[sizeof big - 1] = 0;
        ck_fr_from_u64(&k, 3);
        CHECK(ck_abe_attr_mul(&got, big, 0, &k) == CK_ABE_ERR_PARAM, "long label refused");
    }
}

/* Four threads share the attribute table cache over more labels than it
 * has slots (evictions while others use a slot's table, builds racing):
 * every product must still be F(u)^k. */
#define RACE_LABELS 80
static struct {
    char label[RACE_LABELS][24];
    ck_fr k[RACE_LABELS];
    ck_g2 want[RACE_LABELS];
} race;

static void *race_worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg, bad = 0;
    for (int n = 0; n < 400; n++) {
        ck_g2 got;
        seed = seed * 1103515245u + 12345u;
        size_t i = (seed >> 8) % (n < 200 ? 12 : RACE_LABELS);  /* hot set, then all */
        if (ck_abe_attr_mul(&got, race.label[i], 0, &race.k[i]) != CK_ABE_OK ||
            !ck_g2_eq(&got, &race.want[i]))
            bad++;
    }
    return (void *)(uintptr_t)bad;
}

static void test_attr_tables_threads(void)
{
    pthread_t t[4];
    for (int i = 0; i < RACE_LABELS; i++) {
        ck_g2 f;
        snprintf(race.label[i], sizeof race.label[i], "race%d@hosp-b", i);
        CHECK(ck_fr_random(&race.k[i]) == CK_OK, "random");
        CHECK(ck_abe_hash_attr(&f, race.label[i], 0) == CK_ABE_OK, "hash");
        ck_g2_mul(&race.want[i], &f, &race.k[i]);
    }
    for (uintptr_t i = 0; i < 4; i++)
        CHECK(pthread_create(&t[i], NULL, race_worker, (void *)(i + 1)) == 0, "thread");
    for (int i = 0; i < 4; i++) {
        void *bad;
        CHECK(pthread_join(t[i], &bad) == 0 && bad == NULL, "thread %d: %lu wrong products", i,
              (unsigned long)(uintptr_t)bad);
    }
}

int main(void)
{
    au_setup();
    test_single_and_trees();
    test_thresholds();
    test_numeric();
    test_authorities();
    test_repeated();
    test_hundred();
    test_collusion();
    test_impersonation();
    test_epochs();
    test_merge();
    test_attr_tables();
    test_attr_tables_threads();
    au_teardown();
    TEST_MAIN_END();
}
