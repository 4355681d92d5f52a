/*
 * tests/abe/test_abe_codec.c - encodings of authority keys, user keys and
 * ciphertexts (docs/FORMAT.md): canonical round trips, and decoders that
 * refuse bad magic, versions, every truncation, trailing bytes, bad names,
 * duplicate labels, out-of-range scalars, non-canonical policy text, wrong
 * row counts and invalid group elements, leaving the output untouched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe_util.h"
#include "harness.h"

typedef struct { uint8_t *b; size_t n; } buf;

static buf enc_pk(const ck_abe_authority_pk *pk)
{
    buf r = {NULL, ck_abe_authority_pk_encode(NULL, pk)};
    r.b = malloc(r.n);
    ck_abe_authority_pk_encode(r.b, pk);
    return r;
}
static buf enc_sk(const ck_abe_authority_sk *sk)
{
    buf r = {NULL, ck_abe_authority_sk_encode(NULL, sk)};
    r.b = malloc(r.n);
    ck_abe_authority_sk_encode(r.b, sk);
    return r;
}
static buf enc_uk(const ck_abe_user_key *k)
{
    buf r = {NULL, ck_abe_user_key_encode(NULL, k)};
    r.b = malloc(r.n);
    ck_abe_user_key_encode(r.b, k);
    return r;
}
static buf enc_ct(const ck_abe_ct *ct)
{
    buf r = {NULL, ck_abe_ct_encode(NULL, ct)};
    r.b = malloc(r.n);
    ck_abe_ct_encode(r.b, ct);
    return r;
}

/* One decoder behind a common signature; frees what it decoded. */
typedef ck_abe_err (*decode_fn)(const uint8_t *in, size_t len);
static ck_abe_err dec_pk(const uint8_t *in, size_t len)
{
    ck_abe_authority_pk pk;
    memset(&pk, 0xa5, sizeof pk);
    ck_abe_err rc = ck_abe_authority_pk_decode(&pk, in, len);
    if (rc != CK_ABE_OK) CHECK(pk.name[0] == (char)0xa5, "pk: output touched on failure");
    return rc;
}
static ck_abe_err dec_sk(const uint8_t *in, size_t len)
{
    ck_abe_authority_sk sk;
    memset(&sk, 0xa5, sizeof sk);
    ck_abe_err rc = ck_abe_authority_sk_decode(&sk, in, len);
    if (rc != CK_ABE_OK) CHECK(sk.name[0] == (char)0xa5, "sk: output touched on failure");
    ck_abe_authority_sk_wipe(&sk);
    return rc;
}
static ck_abe_err dec_uk(const uint8_t *in, size_t len)
{
    ck_abe_user_key k;
    memset(&k, 0xa5, sizeof k);
    ck_abe_err rc = ck_abe_user_key_decode(&k, in, len);
    if (rc == CK_ABE_OK) ck_abe_user_key_free(&k);
    else CHECK(k.gid[0] == (char)0xa5, "user key: output touched on failure");
    return rc;
}
static ck_abe_err dec_ct(const uint8_t *in, size_t len)
{
    ck_abe_ct ct;
    memset(&ct, 0xa5, sizeof ct);
    ck_abe_err rc = ck_abe_ct_decode(&ct, in, len);
    if (rc == CK_ABE_OK) ck_abe_ct_free(&ct);
    else CHECK(ct.rows == (size_t)0xa5a5a5a5a5a5a5a5ull, "ct: output touched on failure");
    return rc;
}

/* Magic, version, every truncation, appended bytes. */
static void common_rejects(const char *what, decode_fn dec, const buf *b)
{
    uint8_t *t = malloc(b->n + 64);
    memcpy(t, b->b, b->n);
    CHECK(dec(t, b->n) == CK_ABE_OK, "%s: valid encoding decodes", what);
    for (int i = 0; i < 4; i++) {
        t[i] ^= 0x20;
        CHECK(dec(t, b->n) == CK_ABE_ERR_FORMAT, "%s: bad magic byte %d", what, i);
        t[i] ^= 0x20;
    }
    for (unsigned v = 0; v < 256; v += 85) {   /* 0, 85, 170, 255 */
        t[4] = (uint8_t)(v == 85 ? 2 : v);
        CHECK(dec(t, b->n) == CK_ABE_ERR_FORMAT, "%s: version %u refused", what, t[4]);
    }
    t[4] = b->b[4];
    for (size_t n = 0; n < b->n; n++) {
        ck_abe_err rc = dec(t, n);
        CHECK(rc == CK_ABE_ERR_LENGTH, "%s: prefix of %zu/%zu bytes: %s", what, n, b->n, ck_abe_strerror(rc));
    }
    CHECK(dec(NULL, 0) == CK_ABE_ERR_LENGTH, "%s: NULL input", what);
    memset(t + b->n, 0, 64);
    CHECK(dec(t, b->n + 1) == CK_ABE_ERR_LENGTH, "%s: one trailing byte", what);
    CHECK(dec(t, b->n + 64) == CK_ABE_ERR_LENGTH, "%s: 64 trailing bytes", what);
    free(t);
}

/* Flip one bit at off (not a sign/flag bit) and expect a point error. */
static void bad_point(const char *what, decode_fn dec, const buf *b, size_t off)
{
    uint8_t *t = malloc(b->n);
    memcpy(t, b->b, b->n);
    t[off] ^= 0x01;
    ck_abe_err rc = dec(t, b->n);
    CHECK(rc == CK_ABE_ERR_POINT, "%s: flipped bit at %zu: %s", what, off, ck_abe_strerror(rc));
    free(t);
}

static void test_authority_keys(void)
{
    ck_abe_authority_pk pk;
    ck_abe_authority_sk sk;
    buf p = enc_pk(&au_pk[1]), s = enc_sk(&au_sk[1]);
    size_t nl = strlen("hosp-b");

    CHECK(p.n == 5 + 1 + nl + 288 + 48, "pk length %zu", p.n);
    CHECK(s.n == 5 + 1 + nl + 32 + 32, "sk length %zu", s.n);
    CHECK(memcmp(p.b, "CKAP\x01", 5) == 0 && memcmp(s.b, "CKAS\x01", 5) == 0, "magic/version");
    CHECK(ck_abe_authority_pk_decode(&pk, p.b, p.n) == CK_ABE_OK, "pk decodes");
    CHECK(strcmp(pk.name, "hosp-b") == 0 && ck_gt_eq(&pk.e_alpha, &au_pk[1].e_alpha) &&
              ck_g1_eq(&pk.g_y, &au_pk[1].g_y) && pk.tables == NULL, "pk round trip");
    {
        buf p2 = enc_pk(&pk);
        CHECK(p2.n == p.n && memcmp(p2.b, p.b, p.n) == 0, "pk re-encodes identically");
        free(p2.b);
    }
    CHECK(ck_abe_authority_sk_decode(&sk, s.b, s.n) == CK_ABE_OK, "sk decodes");
    CHECK(strcmp(sk.name, "hosp-b") == 0 && ck_fr_eq(&sk.alpha, &au_sk[1].alpha) &&
              ck_fr_eq(&sk.y, &au_sk[1].y), "sk round trip");
    {   /* the public key derived from the decoded secret is the same */
        ck_abe_authority_pk d;
        ck_abe_authority_public(&d, &sk);
        CHECK(ck_gt_eq(&d.e_alpha, &pk.e_alpha) && ck_g1_eq(&d.g_y, &pk.g_y), "public from secret");
    }
    ck_abe_authority_sk_wipe(&sk);
    common_rejects("pk", dec_pk, &p);
    common_rejects("sk", dec_sk, &s);

    /* names: empty, upper case, too long (length byte says 65) */
    {
        uint8_t t[512];
        memcpy(t, p.b, p.n);
        t[6] = 'H';
        CHECK(dec_pk(t, p.n) == CK_ABE_ERR_FORMAT, "pk: upper-case name");
        memcpy(t, s.b, s.n);
        t[7] = 0;
        CHECK(dec_sk(t, s.n) == CK_ABE_ERR_FORMAT, "sk: NUL in name");
        t[7] = ' ';
        CHECK(dec_sk(t, s.n) == CK_ABE_ERR_FORMAT, "sk: space in name");
        /* zero-length name: drop the name bytes */
        memcpy(t, s.b, 5);
        t[5] = 0;
        memcpy(t + 6, s.b + 6 + nl, 64);
        CHECK(dec_sk(t, 6 + 64) == CK_ABE_ERR_FORMAT, "sk: empty name");
        /* scalars: zero and >= r */
        memcpy(t, s.b, s.n);
        memset(t + 6 + nl, 0, 32);
        CHECK(dec_sk(t, s.n) == CK_ABE_ERR_FORMAT, "sk: alpha = 0");
        memset(t + 6 + nl, 0xff, 32);
        CHECK(dec_sk(t, s.n) == CK_ABE_ERR_FORMAT, "sk: alpha >= r");
        memcpy(t, s.b, s.n);
        memset(t + 6 + nl + 32, 0xff, 32);
        CHECK(dec_sk(t, s.n) == CK_ABE_ERR_FORMAT, "sk: y >= r");
        /* identity points: GT one (m = 0) and the G1 point at infinity */
        memcpy(t, p.b, p.n);
        memset(t + 6 + nl, 0, 288);
        CHECK(dec_pk(t, p.n) == CK_ABE_ERR_POINT, "pk: e_alpha = 1");
        memcpy(t, p.b, p.n);
        memset(t + 6 + nl + 288, 0, 48);
        t[6 + nl + 288] = 0xc0;
        CHECK(dec_pk(t, p.n) == CK_ABE_ERR_POINT, "pk: g_y = infinity");
        t[6 + nl + 288] = 0x00;   /* uncompressed flag in a compressed slot */
        CHECK(dec_pk(t, p.n) == CK_ABE_ERR_POINT, "pk: flags");
    }
    for (size_t i = 0; i < 6; i++) bad_point("pk e_alpha", dec_pk, &p, 6 + nl + 47 + 48 * i);
    bad_point("pk g_y", dec_pk, &p, p.n - 1);
    bad_point("pk g_y", dec_pk, &p, p.n - 20);
    free(p.b);
    free(s.b);
}

static void test_user_keys(void)
{
    const char *attrs[] = {"doctor@hosp-a", "er@hosp-b", "\"Primary Care\"@hosp-a", "level@board=3", NULL};
    ck_abe_user_key k, d;
    buf b, b2;
    int same;
    au_key(&k, "patient:0042", attrs);
    CHECK(ck_abe_keygen(&k, &au_sk[3], "family@patient", 9) == CK_ABE_OK, "keygen epoch 9");
    b = enc_uk(&k);
    /* labels: 13 + 9 + 19 ("Primary Care@hosp-a") + 14 + 32 bit labels
     * (10 of 16 bytes, 22 of 17); 36 entries of 1 + 4 + 96 + 48 bytes */
    CHECK(k.n == 36 && b.n == 5 + 1 + 12 + 2 + (13 + 9 + 19 + 14 + 10 * 16 + 22 * 17) + 36 * 149,
          "user key length %zu", b.n);
    CHECK(ck_abe_user_key_decode(&d, b.b, b.n) == CK_ABE_OK, "user key decodes");
    CHECK(strcmp(d.gid, k.gid) == 0 && d.n == k.n, "gid and count");
    for (size_t i = 0; i < k.n && i < d.n; i++)
        CHECK(strcmp(d.attr[i].label, k.attr[i].label) == 0 && d.attr[i].epoch == k.attr[i].epoch &&
                  ck_g2_eq(&d.attr[i].k, &k.attr[i].k) && ck_g1_eq(&d.attr[i].kp, &k.attr[i].kp) &&
                  d.attr[i].lines == NULL, "attribute %zu round trip", i);
    b2 = enc_uk(&d);
    CHECK(b2.n == b.n && memcmp(b2.b, b.b, b.n) == 0, "user key re-encodes identically");
    free(b2.b);
    CHECK(au_roundtrip("doctor@hosp-a and \"Primary Care\"@hosp-a and level@board >= 3", &d, 1, &same) ==
              CK_ABE_OK && same, "decoded key decrypts");
    ck_abe_user_key_free(&d);
    common_rejects("user key", dec_uk, &b);

    {   /* an empty key (no attributes) is valid */
        ck_abe_user_key e;
        buf eb;
        CHECK(ck_abe_user_key_init(&e, "nobody") == CK_ABE_OK, "init");
        eb = enc_uk(&e);
        CHECK(eb.n == 5 + 1 + 6 + 2 && dec_uk(eb.b, eb.n) == CK_ABE_OK, "empty key round trip");
        /* count says 1 but nothing follows */
        eb.b[eb.n - 1] = 1;
        CHECK(dec_uk(eb.b, eb.n) == CK_ABE_ERR_LENGTH, "count beyond data");
        eb.b[7] = ' ';
        eb.b[eb.n - 1] = 0;
        CHECK(dec_uk(eb.b, eb.n) == CK_ABE_ERR_FORMAT, "space in GID");
        free(eb.b);
    }
    {   /* two attributes only, to build malformed variants */
        ck_abe_user_key two;
        const char *ta[] = {"aa@hosp-a", "bb@hosp-a", NULL};
        buf t;
        size_t first;   /* offset of the first label's length byte */
        au_key(&two, "u", ta);
        t = enc_uk(&two);
        first = 5 + 1 + 1 + 2;
        CHECK(t.b[first] == 9, "layout: label length");
        /* duplicate label */
        memcpy(t.b + first + 1 + 9 + 4 + 144 + 1, "aa", 2);
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_FORMAT, "duplicate (label, epoch) refused");
        t.b[first + 1 + 9 + 4 + 144 + 1 + 9 + 3] ^= 1; /* the second one at epoch 1 */
        CHECK(dec_uk(t.b, t.n) == CK_ABE_OK, "the same label at another epoch is kept");
        t.b[first + 1 + 9 + 4 + 144 + 1 + 9 + 3] ^= 1;
        memcpy(t.b + first + 1 + 9 + 4 + 144 + 1, "bb", 2);
        CHECK(dec_uk(t.b, t.n) == CK_ABE_OK, "restored");
        /* label without an authority, with an empty name, bad authority */
        memcpy(t.b + first + 1, "aa#hosp-a", 9);
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_FORMAT, "label without '@'");
        memcpy(t.b + first + 1, "@ahosp-aa", 9);
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_FORMAT, "label with bad authority");
        memcpy(t.b + first + 1, "aa@hosp-a", 9);
        /* points */
        t.b[first + 1 + 9 + 4 + 95] ^= 1;
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_POINT, "K not on curve/in group");
        t.b[first + 1 + 9 + 4 + 95] ^= 1;
        t.b[first + 1 + 9 + 4 + 96 + 47] ^= 1;
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_POINT, "K' not on curve/in group");
        t.b[first + 1 + 9 + 4 + 96 + 47] ^= 1;
        /* count one short: trailing bytes; one more: truncated */
        t.b[first - 1] = 1;
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_LENGTH, "count too small");
        t.b[first - 1] = 3;
        CHECK(dec_uk(t.b, t.n) == CK_ABE_ERR_LENGTH, "count too large");
        free(t.b);
        ck_abe_user_key_free(&two);
    }
    free(b.b);
    ck_abe_user_key_free(&k);
}

/* The ciphertext with its policy text replaced (length field adjusted). */
static buf with_policy(const buf *ct, const char *policy)
{
    size_t old = (size_t)ct->b[5] << 24 | (size_t)ct->b[6] << 16 | (size_t)ct->b[7] << 8 | ct->b[8];
    size_t np = strlen(policy);
    buf r = {malloc(ct->n - old + np), ct->n - old + np};
    memcpy(r.b, ct->b, 5);
    r.b[5] = (uint8_t)(np >> 24); r.b[6] = (uint8_t)(np >> 16); r.b[7] = (uint8_t)(np >> 8); r.b[8] = (uint8_t)np;
    memcpy(r.b + 9, policy, np);
    memcpy(r.b + 9 + np, ct->b + 9 + old, ct->n - 9 - old);
    return r;
}

static void test_ciphertexts(void)
{
    const char *policy = "doctor@hosp-a and (er@hosp-b or md@board)";
    const char *attrs[] = {"doctor@hosp-a", "md@board", NULL};
    ck_abe_ct ct, d;
    ck_abe_user_key k;
    ck_gt z, z2;
    buf b, b2, t;
    size_t plen = strlen(policy), rows_off = 9 + plen, row0 = rows_off + 2;

    au_key(&k, "ct-user", attrs);
    CHECK(ck_abe_encrypt(&ct, &z, policy, au_pks, AU_N_AUTH, NULL, NULL, NULL) == CK_ABE_OK, "encrypt");
    CHECK(strcmp(ct.policy, policy) == 0, "the policy is already canonical");
    b = enc_ct(&ct);
    CHECK(b.n == 9 + plen + 2 + 3 * (4 + 288 + 48 + 48 + 96), "ct length %zu", b.n);
    CHECK(ck_abe_ct_decode(&d, b.b, b.n) == CK_ABE_OK, "ct decodes");
    b2 = enc_ct(&d);
    CHECK(b2.n == b.n && memcmp(b2.b, b.b, b.n) == 0, "ct re-encodes identically");
    CHECK(ck_abe_decrypt(&z2, &d, &k) == CK_ABE_OK && ck_gt_eq(&z, &z2), "decoded ct decrypts");
    free(b2.b);
    ck_abe_ct_free(&d);
    common_rejects("ct", dec_ct, &b);

    /* non-canonical policy text of a policy with the same rows */
    static const char *const noncanon[] = {
        "doctor@hosp-a and (er@hosp-b  or md@board)", "(doctor@hosp-a and (er@hosp-b or md@board))",
        "doctor@hosp-a AND (er@hosp-b or md@board)", "doctor@hosp-a and (md@board or er@hosp-b) ",
        "\"doctor\"@hosp-a and (er@hosp-b or md@board)", "doctor@hosp-a and (er@hosp-b or md@board",
    };
    for (size_t i = 0; i < sizeof noncanon / sizeof *noncanon; i++) {
        t = with_policy(&b, noncanon[i]);
        ck_abe_err rc = dec_ct(t.b, t.n);
        CHECK(rc == CK_ABE_ERR_POLICY, "non-canonical policy '%s': %s", noncanon[i], ck_abe_strerror(rc));
        free(t.b);
    }
    /* a canonical policy with another row count than the rows present */
    t = with_policy(&b, "doctor@hosp-a and er@hosp-b");
    CHECK(dec_ct(t.b, t.n) == CK_ABE_ERR_FORMAT, "2-row policy over 3 rows");
    free(t.b);
    t = with_policy(&b, "doctor@hosp-a and er@hosp-b and md@board and x@board");
    CHECK(dec_ct(t.b, t.n) == CK_ABE_ERR_FORMAT, "4-row policy over 3 rows");
    free(t.b);
    /* a different policy with the same row count decodes (the header is
     * not authenticated by itself; the envelope's KEK binds it) */
    t = with_policy(&b, "doctor@hosp-a or er@hosp-b and md@board");
    CHECK(dec_ct(t.b, t.n) == CK_ABE_OK, "same-shape policy decodes");
    free(t.b);
    /* empty and oversized policy length fields */
    t = with_policy(&b, "");
    CHECK(dec_ct(t.b, t.n) == CK_ABE_ERR_FORMAT, "empty policy");
    free(t.b);
    {
        uint8_t *c = malloc(b.n);
        memcpy(c, b.b, b.n);
        c[5] = 0x7f;
        CHECK(dec_ct(c, b.n) == CK_ABE_ERR_FORMAT, "policy length over the limit");
        c[5] = 0;
        c[8]++;
        CHECK(dec_ct(c, b.n) != CK_ABE_OK, "policy length one more");
        memcpy(c, b.b, b.n);
        c[rows_off + 1] = 2;
        CHECK(dec_ct(c, b.n) == CK_ABE_ERR_FORMAT, "row count 2 for a 3-row policy");
        c[rows_off + 1] = 4;
        CHECK(dec_ct(c, b.n) == CK_ABE_ERR_FORMAT, "row count 4 for a 3-row policy");
        c[rows_off] = 0xff;
        CHECK(dec_ct(c, b.n) == CK_ABE_ERR_FORMAT, "row count 0xff04");
        free(c);
    }
    /* invalid group elements in every slot of every row */
    for (size_t x = 0; x < 3; x++) {
        size_t r = row0 + x * 484;
        bad_point("ct C1", dec_ct, &b, r + 4 + 47);
        bad_point("ct C1", dec_ct, &b, r + 4 + 287);
        bad_point("ct C2", dec_ct, &b, r + 4 + 288 + 47);
        bad_point("ct C3", dec_ct, &b, r + 4 + 288 + 48 + 47);
        bad_point("ct C4", dec_ct, &b, r + 4 + 288 + 96 + 95);
        bad_point("ct C4", dec_ct, &b, r + 4 + 288 + 96 + 40);
    }
    /* a changed epoch decodes but no longer matches the key */
    {
        uint8_t *c = malloc(b.n);
        memcpy(c, b.b, b.n);
        c[row0 + 3] = 1;
        CHECK(ck_abe_ct_decode(&d, c, b.n) == CK_ABE_OK, "epoch 1 decodes");
        CHECK(ck_abe_decrypt(&z2, &d, &k) == CK_ABE_ERR_UNSATISFIED ||
                  !ck_gt_eq(&z, &z2), "changed epoch: no decryption");
        ck_abe_ct_free(&d);
        free(c);
    }
    free(b.b);
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&k);
}

int main(void)
{
    au_setup();
    test_authority_keys();
    test_user_keys();
    test_ciphertexts();
    au_teardown();
    TEST_MAIN_END();
}
