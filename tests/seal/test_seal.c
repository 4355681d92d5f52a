/*
 * tests/seal/test_seal.c - the hybrid envelope: round trips (1..n
 * payloads, empty payloads and AD, large payloads), the policy read
 * without opening, re-wrap, and authentication: every bit outside group
 * elements and a sample inside them, every byte of payload and AD, swapped
 * and dropped payloads, every truncation and appended bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_util.h"
#include "carekey/seal.h"
#include "ec_util.h"
#include "harness.h"

static const char *const POLICY = "doctor@hosp-a and (er@hosp-b or md@board)";

static ck_seal_policy pol_of(const char *policy)
{
    ck_seal_policy p = {policy, au_pks, AU_N_AUTH, NULL, NULL};
    return p;
}

/* Decodes and opens; out[i] get malloc'ed plaintexts (caller frees). */
static ck_seal_err open_all(const uint8_t *env, size_t len, ck_abe_user_key *key, const uint8_t *ad,
                            size_t ad_len, uint8_t ***out, size_t *n)
{
    ck_seal_env *e = NULL;
    ck_seal_err rc = ck_seal_decode(&e, env, len);
    *out = NULL;
    *n = 0;
    if (rc != CK_SEAL_OK) return rc;
    *n = ck_seal_env_count(e);
    *out = calloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        (*out)[i] = malloc(ck_seal_env_payload_len(e, i) + 1);
        memset((*out)[i], 0x5a, ck_seal_env_payload_len(e, i));
    }
    rc = ck_seal_open(e, key, ad, ad_len, *out);
    if (rc != CK_SEAL_OK)   /* all or nothing: every output wiped */
        for (size_t i = 0; i < *n; i++)
            for (size_t j = 0; j < ck_seal_env_payload_len(e, i); j++)
                if ((*out)[i][j] != 0) {
                    CHECK(0, "payload %zu not wiped after failure", i);
                    break;
                }
    ck_seal_env_free(e);
    return rc;
}

static void free_all(uint8_t **out, size_t n)
{
    for (size_t i = 0; i < n; i++) free(out[i]);
    free(out);
}

static ck_seal_err try_open(const uint8_t *env, size_t len, ck_abe_user_key *key, const uint8_t *ad,
                            size_t ad_len)
{
    uint8_t **out;
    size_t n;
    ck_seal_err rc = open_all(env, len, key, ad, ad_len, &out, &n);
    free_all(out, n);
    return rc;
}

static void test_roundtrip(ck_abe_user_key *doc, ck_abe_user_key *nurse)
{
    static const uint8_t p0[] = "allergies: penicillin", p2[] = "medications: none";
    ck_seal_input in[3] = {{p0, sizeof p0}, {NULL, 0}, {p2, sizeof p2}};
    ck_seal_policy pol = pol_of(POLICY);
    uint8_t *env, **out;
    size_t len, n;
    ck_policy_error perr;

    CHECK(ck_seal(&env, &len, &pol, in, 3, (const uint8_t *)"patient-7/entry-3", 17, &perr) == CK_SEAL_OK,
          "seal 3 payloads");
    CHECK(memcmp(env, "CKSE\x01", 5) == 0, "magic and version");
    CHECK(open_all(env, len, doc, (const uint8_t *)"patient-7/entry-3", 17, &out, &n) == CK_SEAL_OK && n == 3,
          "open 3 payloads");
    CHECK(n == 3 && memcmp(out[0], p0, sizeof p0) == 0 && memcmp(out[2], p2, sizeof p2) == 0, "plaintexts");
    free_all(out, n);
    CHECK(try_open(env, len, nurse, (const uint8_t *)"patient-7/entry-3", 17) == CK_SEAL_ERR_UNSATISFIED,
          "unsatisfying key: unsatisfied");
    CHECK(try_open(env, len, doc, (const uint8_t *)"patient-7/entry-4", 17) == CK_SEAL_ERR_AUTH, "other AD");
    CHECK(try_open(env, len, doc, (const uint8_t *)"patient-7/entry-3", 16) == CK_SEAL_ERR_AUTH, "shorter AD");
    CHECK(try_open(env, len, doc, NULL, 0) == CK_SEAL_ERR_AUTH, "no AD");
    {
        char text[128];
        size_t tl;
        CHECK(ck_seal_policy_text(text, sizeof text, &tl, env, len) == CK_SEAL_OK && tl == strlen(POLICY) &&
                  strcmp(text, POLICY) == 0, "policy text without opening");
        CHECK(ck_seal_policy_text(NULL, 0, &tl, env, len) == CK_SEAL_ERR_BUFFER && tl == strlen(POLICY),
              "policy text: measure");
        CHECK(ck_seal_policy_text(text, tl, &tl, env, len) == CK_SEAL_ERR_BUFFER && text[0] == 0,
              "policy text: no room for the NUL");
    }
    ck_seal_free(env);

    {   /* no AD, a single empty payload; 1 MB payload; the canonical policy */
        uint8_t *big = malloc(1 << 20);
        ck_seal_input one = {NULL, 0}, bi = {big, 1 << 20};
        ck_seal_policy messy = pol_of("(doctor@hosp-a)   and   md@board");
        for (size_t i = 0; i < (1 << 20); i++) big[i] = (uint8_t)(i * 131 + 7);
        CHECK(ck_seal(&env, &len, &pol, &one, 1, NULL, 0, NULL) == CK_SEAL_OK, "seal empty");
        CHECK(try_open(env, len, doc, NULL, 0) == CK_SEAL_OK, "open empty");
        ck_seal_free(env);
        CHECK(ck_seal(&env, &len, &messy, &bi, 1, (const uint8_t *)"x", 1, NULL) == CK_SEAL_OK, "seal 1 MB");
        CHECK(open_all(env, len, doc, (const uint8_t *)"x", 1, &out, &n) == CK_SEAL_OK && n == 1 &&
                  memcmp(out[0], big, 1 << 20) == 0, "open 1 MB");
        free_all(out, n);
        {
            char text[128];
            size_t tl;
            CHECK(ck_seal_policy_text(text, sizeof text, &tl, env, len) == CK_SEAL_OK &&
                      strcmp(text, "doctor@hosp-a and md@board") == 0, "canonical policy stored: %s", text);
        }
        ck_seal_free(env);
        free(big);
    }
    {   /* argument and policy errors */
        ck_seal_policy bad = pol_of("doctor@hosp-a and"), noauth = pol_of("x@nowhere");
        uint8_t b = 1;
        ck_seal_input one = {&b, 1};
        CHECK(ck_seal(&env, &len, &bad, &one, 1, NULL, 0, &perr) == CK_SEAL_ERR_POLICY &&
                  strncmp(perr.msg, "policy", 6) == 0, "bad policy: %s", perr.msg);
        CHECK(ck_seal(&env, &len, &noauth, &one, 1, NULL, 0, NULL) == CK_SEAL_ERR_NO_AUTHORITY, "no authority");
        CHECK(ck_seal(&env, &len, &pol, &one, 0, NULL, 0, NULL) == CK_SEAL_ERR_PARAM, "zero payloads");
        CHECK(ck_seal(&env, &len, &pol, &one, 1, NULL, 5, NULL) == CK_SEAL_ERR_PARAM, "AD NULL with length");
    }
}

/* A small envelope for the exhaustive checks: one-attribute policy (one
 * row), two payloads, 8 bytes of AD. */
typedef struct {
    uint8_t *b;
    size_t n;
    size_t hdr_off, hdr_len, row_off;   /* row_off: the row's epoch */
} small_env;

static const uint8_t AD[8] = {'r', 'e', 'c', '#', '0', '0', '4', '2'};

static small_env make_small(void)
{
    static const uint8_t a[] = "0123456789abcdef", b[] = "second payload";
    ck_seal_input in[2] = {{a, 16}, {b, 14}};
    ck_seal_policy pol = pol_of("doctor@hosp-a");
    small_env s;
    if (ck_seal(&s.b, &s.n, &pol, in, 2, AD, sizeof AD, NULL) != CK_SEAL_OK) abort();
    s.hdr_off = 9;
    s.hdr_len = (size_t)s.b[5] << 24 | (size_t)s.b[6] << 16 | (size_t)s.b[7] << 8 | s.b[8];
    s.row_off = s.hdr_off + 9 + strlen("doctor@hosp-a") + 2;
    return s;
}

/* Is byte i of the envelope inside a group element of the ABE header? */
static int in_point(const small_env *s, size_t i)
{
    return i >= s->row_off + 4 && i < s->hdr_off + s->hdr_len;
}

/* A hostile store's envelope with header elements on the curves but outside
 * the groups: the reader's decoder keeps them (the prime-order tests are
 * the decryption's), and the open fails either way. C2 plus a point of
 * order 3 decrypts to the same element, but the KEK covers the header's
 * bytes (CK_SEAL_ERR_AUTH); C4 off G2 is refused by the decryption's
 * in-loop test (CK_SEAL_ERR_HEADER). */
static void test_off_group(ck_abe_user_key *doc)
{
    small_env s = make_small();
    size_t c2 = s.row_off + 4 + CK_GT_COMPRESSED_BYTES, c4 = c2 + 2 * CK_G1_COMPRESSED_BYTES;
    ck_seal_env *env = NULL;
    ck_g1 p, t;
    ck_g2 q;
    uint8_t saved[CK_G2_COMPRESSED_BYTES];
    CHECK(ck_seal_decode(&env, s.b, s.n) == CK_SEAL_OK, "small envelope decodes");
    p = ck_seal_env_header(env)->row[0].c2;
    ck_seal_env_free(env);
    memcpy(saved, s.b + c2, CK_G1_COMPRESSED_BYTES);
    tu_g1_order3(&t);
    ck_g1_add(&p, &p, &t);
    ck_g1_compress(s.b + c2, &p);
    CHECK(ck_seal_decode(&env, s.b, s.n) == CK_SEAL_OK, "C2 + T3: decoded for the reader");
    ck_seal_env_free(env);
    CHECK(try_open(s.b, s.n, doc, AD, sizeof AD) == CK_SEAL_ERR_AUTH, "C2 + T3: the KEK covers the header");
    memcpy(s.b + c2, saved, CK_G1_COMPRESSED_BYTES);
    memcpy(saved, s.b + c4, CK_G2_COMPRESSED_BYTES);
    tu_g2_on_twist(&q);
    ck_g2_compress(s.b + c4, &q);
    CHECK(try_open(s.b, s.n, doc, AD, sizeof AD) == CK_SEAL_ERR_HEADER, "C4 off G2: refused by the decryption");
    memcpy(s.b + c4, saved, CK_G2_COMPRESSED_BYTES);
    CHECK(try_open(s.b, s.n, doc, AD, sizeof AD) == CK_SEAL_OK, "restored envelope opens");
    free(s.b);
}

static void test_flips(ck_abe_user_key *doc)
{
    small_env s = make_small();
    size_t flips = 0, point_flips = 0;
    CHECK(s.hdr_len == 9 + 13 + 2 + 484, "one-row header: %zu bytes", s.hdr_len);
    CHECK(s.n == 9 + s.hdr_len + 60 + 4 + 2 * 36 + 16 + 14, "envelope length %zu", s.n);
    CHECK(try_open(s.b, s.n, doc, AD, sizeof AD) == CK_SEAL_OK, "small envelope opens");
    for (size_t i = 0; i < s.n; i++) {
        int point = in_point(&s, i);
        for (int bit = 0; bit < 8; bit++) {
            ck_seal_err rc;
            /* every bit outside group elements (framing, policy, epoch,
             * wrap, payload lengths, nonces, ciphertexts, tags); inside
             * them 5 bits of every 48-byte block (first, middle, last) */
            if (point && !((i - s.row_off - 4) % 48 == 47 && bit < 3) && !((i - s.row_off - 4) % 48 == 0 && bit == 7) &&
                !((i - s.row_off - 4) % 48 == 24 && bit == 0))
                continue;
            s.b[i] ^= (uint8_t)(1u << bit);
            rc = try_open(s.b, s.n, doc, AD, sizeof AD);
            s.b[i] ^= (uint8_t)(1u << bit);
            CHECK(rc != CK_SEAL_OK, "flipped bit %d of byte %zu opened", bit, i);
            flips++;
            point_flips += point;
        }
    }
    printf("flipped %zu bits (%zu inside group elements) of a %zu-byte envelope\n", flips, point_flips, s.n);
    /* every bit of the AD */
    for (size_t i = 0; i < sizeof AD; i++)
        for (int bit = 0; bit < 8; bit++) {
            uint8_t ad[sizeof AD];
            memcpy(ad, AD, sizeof AD);
            ad[i] ^= (uint8_t)(1u << bit);
            CHECK(try_open(s.b, s.n, doc, ad, sizeof ad) == CK_SEAL_ERR_AUTH, "AD bit %d of byte %zu", bit, i);
        }
    {
        uint8_t ad[sizeof AD + 1];
        memcpy(ad, AD, sizeof AD);
        ad[sizeof AD] = 0;
        CHECK(try_open(s.b, s.n, doc, ad, sizeof ad) == CK_SEAL_ERR_AUTH, "AD with a byte appended");
    }
    CHECK(try_open(s.b, s.n, doc, AD, sizeof AD) == CK_SEAL_OK, "restored envelope opens");
    free(s.b);
}

static void test_reorder_drop(ck_abe_user_key *doc)
{
    static const uint8_t a[] = "first!", b[] = "second";
    ck_seal_input in[2] = {{a, 6}, {b, 6}};
    ck_seal_policy pol = pol_of("doctor@hosp-a");
    uint8_t *env, rec[6 + 36];
    size_t len, p0, p1;
    CHECK(ck_seal(&env, &len, &pol, in, 2, AD, sizeof AD, NULL) == CK_SEAL_OK, "seal");
    p1 = len - 42;
    p0 = p1 - 42;
    memcpy(rec, env + p0, 42);           /* swap the two payload records */
    memmove(env + p0, env + p1, 42);
    memcpy(env + p1, rec, 42);
    CHECK(try_open(env, len, doc, AD, sizeof AD) == CK_SEAL_ERR_AUTH, "swapped payloads");
    memcpy(env + p1, env + p0, 42);      /* restore order: p0 <- rec, p1 <- old p0 */
    memcpy(env + p0, rec, 42);
    CHECK(try_open(env, len, doc, AD, sizeof AD) == CK_SEAL_OK, "restored");
    env[p0 - 1] = 1;                      /* count 1, last payload dropped */
    CHECK(try_open(env, len - 42, doc, AD, sizeof AD) == CK_SEAL_ERR_AUTH, "dropped payload");
    ck_seal_free(env);
}

static void test_truncation(ck_abe_user_key *doc)
{
    small_env s = make_small();
    uint8_t *t = malloc(s.n + 1000);
    ck_seal_env *e;
    size_t tl;
    memcpy(t, s.b, s.n);
    for (size_t n = 0; n < s.n; n++) {
        ck_seal_err rc = ck_seal_decode(&e, t, n), rp = ck_seal_policy_text(NULL, 0, &tl, t, n);
        CHECK(rc == CK_SEAL_ERR_LENGTH && e == NULL, "prefix %zu/%zu: %s", n, s.n, ck_seal_strerror(rc));
        CHECK(rp == CK_SEAL_ERR_LENGTH, "policy of prefix %zu: %s", n, ck_seal_strerror(rp));
    }
    memset(t + s.n, 0, 1000);
    for (size_t extra = 1; extra <= 1000; extra = extra * 4 + 3) {
        ck_seal_err rc = ck_seal_decode(&e, t, s.n + extra);
        CHECK(rc == CK_SEAL_ERR_LENGTH, "%zu appended bytes: %s", extra, ck_seal_strerror(rc));
        CHECK(ck_seal_policy_text(NULL, 0, &tl, t, s.n + extra) == CK_SEAL_ERR_LENGTH, "policy: appended");
    }
    /* framing errors */
    t[0] = 'X';
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "bad magic");
    t[0] = 'C';
    t[4] = 2;
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "version 2");
    t[4] = 1;
    memset(t + 5, 0, 4);
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "header length 0");
    memcpy(t, s.b, s.n);
    t[5] = 0xff;
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "header length over the limit");
    memcpy(t, s.b, s.n);
    memset(t + 9 + s.hdr_len + 60, 0, 4);
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "zero payloads");
    memcpy(t, s.b, s.n);
    t[9 + s.hdr_len + 60 + 4] = 0xff;     /* payload length 2^56+... */
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_FORMAT, "payload length over the limit");
    memcpy(t, s.b, s.n);
    t[9] = 'X';                             /* header magic */
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_ERR_HEADER, "header magic");
    CHECK(ck_seal_policy_text(NULL, 0, &tl, t, s.n) == CK_SEAL_ERR_HEADER, "policy: header magic");
    memcpy(t, s.b, s.n);
    CHECK(ck_seal_decode(&e, t, s.n) == CK_SEAL_OK && ck_seal_env_count(e) == 2 &&
              ck_seal_env_payload_len(e, 0) == 16 && ck_seal_env_payload_len(e, 1) == 14 &&
              strcmp(ck_seal_env_policy(e), "doctor@hosp-a") == 0 && ck_seal_env_header(e)->rows == 1,
          "decoded view");
    ck_seal_env_free(e);
    (void)doc;
    free(t);
    free(s.b);
}

static void test_rewrap(ck_abe_user_key *doc, ck_abe_user_key *nurse)
{
    static const uint8_t a[] = "care plan", b[] = "billing";
    ck_seal_input in[2] = {{a, 9}, {b, 7}};
    ck_seal_policy pol = pol_of("doctor@hosp-a"), pol2 = pol_of("nurse@hosp-a or doctor@hosp-a and x@board");
    uint8_t *env, *env2, **out;
    size_t len, len2, n, tail;
    ck_seal_env *e;
    CHECK(ck_seal(&env, &len, &pol, in, 2, AD, sizeof AD, NULL) == CK_SEAL_OK, "seal");
    CHECK(try_open(env, len, nurse, AD, sizeof AD) == CK_SEAL_ERR_UNSATISFIED, "nurse cannot open");
    CHECK(ck_seal_decode(&e, env, len) == CK_SEAL_OK, "decode");
    CHECK(ck_seal_rewrap(&env2, &len2, e, nurse, AD, sizeof AD, &pol2, NULL) == CK_SEAL_ERR_UNSATISFIED,
          "rewrap needs a key that opens");
    CHECK(ck_seal_rewrap(&env2, &len2, e, doc, AD, 7, &pol2, NULL) == CK_SEAL_ERR_AUTH, "rewrap with wrong AD");
    CHECK(ck_seal_rewrap(&env2, &len2, e, doc, AD, sizeof AD, &pol2, NULL) == CK_SEAL_OK, "rewrap");
    ck_seal_env_free(e);
    tail = 4 + 2 * 36 + 9 + 7;
    CHECK(memcmp(env + len - tail, env2 + len2 - tail, tail) == 0, "payload bytes unchanged by rewrap");
    CHECK(open_all(env2, len2, nurse, AD, sizeof AD, &out, &n) == CK_SEAL_OK && n == 2 &&
              memcmp(out[0], a, 9) == 0 && memcmp(out[1], b, 7) == 0, "nurse opens the rewrapped envelope");
    free_all(out, n);
    CHECK(try_open(env2, len2, doc, AD, sizeof AD) == CK_SEAL_ERR_UNSATISFIED, "doctor without x@board cannot");
    CHECK(try_open(env2, len2, nurse, NULL, 0) == CK_SEAL_ERR_AUTH, "rewrapped envelope keeps the AD");
    {   /* splicing: the old header and wrap with the new payloads still open
         * (same data key), the new header with the old wrap does not */
        uint8_t *mix = malloc(len2);
        size_t hl2 = len2 - tail - 60 - 9;
        memcpy(mix, env2, len2);
        memcpy(mix + 9 + hl2, env + len - tail - 60, 60);   /* old wrap under new header */
        CHECK(try_open(mix, len2, nurse, AD, sizeof AD) == CK_SEAL_ERR_AUTH, "old wrap under new header");
        free(mix);
    }
    ck_seal_free(env);
    ck_seal_free(env2);
}

int main(void)
{
    const char *doc_a[] = {"doctor@hosp-a", "md@board", NULL}, *nurse_a[] = {"nurse@hosp-a", NULL};
    ck_abe_user_key doc, nurse;
    tu_seed(0x5ea1);
    au_setup();
    au_key(&doc, "doc", doc_a);
    au_key(&nurse, "nurse", nurse_a);
    test_roundtrip(&doc, &nurse);
    test_flips(&doc);
    test_off_group(&doc);
    test_reorder_drop(&doc);
    test_truncation(&doc);
    test_rewrap(&doc, &nurse);
    ck_abe_user_key_free(&doc);
    ck_abe_user_key_free(&nurse);
    au_teardown();
    TEST_MAIN_END();
}
