/*
 * BLS signature known answers (noble-curves' vector files): sig = (sk mod r)
 * * H(msg) in G2 (long signatures) and in G1 (short signatures), compared
 * as compressed bytes; plus the RFC 9380 hash-to-scalar vectors (ck_fr_hash)
 * and a pairing verification of a sample of the signatures.
 */
#include <string.h>

#include "ec_util.h"
#include "harness.h"

static const char DST_G2[] = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_";
static const char DST_G1[] = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
static const char DST_FR[] = "QUUX-V01-CS02-with-BLS12381SCALAR_XMD:SHA-256_SSWU_RO_";

/* Splits "a:b:c" in place; returns the number of fields (empty ones allowed). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = 0;
    f[n++] = p;
    while (n < max && (p = strchr(p, ':'))) {
        *p++ = 0;
        f[n++] = p;
    }
    return n;
}

static void test_hash_to_scalar(void)
{
    FILE *fp = fopen(tu_vector_path("signatures/bls12-381-scalar-xmd-sha256-test-vectors.txt"), "r");
    char line[512], *f[2];
    int cases = 0;
    if (!fp) { CHECK(0, "scalar vectors missing"); return; }
    while (fgets(line, sizeof line, fp)) {
        uint8_t want[32], got[32], wide[48];
        ck_fr r, r2;
        if (split(line, f, 2) != 2) continue;
        tu_unhex(want, 32, f[1], 32);
        CHECK(ck_fr_hash(&r, (const uint8_t *)f[0], strlen(f[0]), (const uint8_t *)DST_FR, strlen(DST_FR)) == CK_OK,
              "ck_fr_hash(\"%s\") ok", f[0]);
        ck_fr_to_bytes(got, &r);
        CHECK(memcmp(got, want, 32) == 0, "ck_fr_hash(\"%s\") = %s", f[0], tu_hex(got, 32));
        /* Same value from first principles: 48 expanded bytes reduced mod r. */
        CHECK(ck_expand_message_xmd(wide, 48, (const uint8_t *)f[0], strlen(f[0]), (const uint8_t *)DST_FR,
                                    strlen(DST_FR)) == CK_OK, "expand for Fr");
        ck_fr_from_bytes_reduce(&r2, wide, 48);
        CHECK(ck_fr_eq(&r, &r2), "ck_fr_hash == expand(48) mod r for \"%s\"", f[0]);
        cases++;
    }
    fclose(fp);
    CHECK(cases == 3, "3 hash-to-scalar cases (got %d)", cases);
}

static void test_g2_sigs(void)
{
    FILE *fp = fopen(tu_vector_path("signatures/bls12-381-g2-test-vectors.txt"), "r");
    static char line[8192];
    char *f[3];
    int n = 0;
    ck_g1 g1, nG1;
    ck_g1_generator(&g1);
    ck_g1_neg(&nG1, &g1);
    if (!fp) { CHECK(0, "g2 vectors missing"); return; }
    while (fgets(line, sizeof line, fp)) {
        uint8_t sk_raw[32], msg[4096], want[96], got[96];
        size_t mlen;
        ck_fr sk;
        ck_g2 h, sig, dec;
        if (split(line, f, 3) != 3) continue;
        tu_unhex(sk_raw, 32, f[0], 32);
        mlen = tu_unhex(msg, sizeof msg, f[1], -1);
        tu_unhex(want, 96, f[2], 96);
        ck_fr_from_bytes_reduce(&sk, sk_raw, 32);
        CHECK(ck_g2_hash_to_curve(&h, msg, mlen, (const uint8_t *)DST_G2, strlen(DST_G2)) == CK_OK, "g2 hash line %d", n + 1);
        ck_g2_mul(&sig, &h, &sk);
        ck_g2_compress(got, &sig);
        CHECK(memcmp(got, want, 96) == 0, "G2 signature line %d: got %s", n + 1, tu_hex(got, 96));
        CHECK(ck_g2_decode(&dec, want, 96) == CK_OK && ck_g2_eq(&dec, &sig), "G2 signature line %d decodes", n + 1);
        if (n % 50 == 0) { /* verify a sample: e(-G1, sig) * e(pk, H(m)) == 1 */
            ck_g1 pk;
            ck_g1_affine p[2];
            ck_g2_affine q[2];
            ck_gt t;
            ck_g1_mul(&pk, &g1, &sk);
            ck_g1_to_affine(&p[0], &nG1);
            ck_g1_to_affine(&p[1], &pk);
            ck_g2_to_affine(&q[0], &sig);
            ck_g2_to_affine(&q[1], &h);
            ck_multi_pairing(&t, p, q, 2);
            CHECK(ck_gt_is_one(&t), "G2 signature line %d verifies", n + 1);
            ck_g2_dbl(&h, &h); /* a different message hash must not verify */
            ck_g2_to_affine(&q[1], &h);
            ck_multi_pairing(&t, p, q, 2);
            CHECK(!ck_gt_is_one(&t), "G2 signature line %d rejects a wrong H(m)", n + 1);
        }
        n++;
    }
    fclose(fp);
    CHECK(n == 559, "559 G2 signature lines (got %d)", n);
}

static void test_g1_sigs(void)
{
    FILE *fp = fopen(tu_vector_path("signatures/bls12-381-g1-test-vectors.txt"), "r");
    static char line[8192];
    char *f[3];
    int n = 0;
    ck_g2 g2, nG2;
    ck_g2_generator(&g2);
    ck_g2_neg(&nG2, &g2);
    if (!fp) { CHECK(0, "g1 vectors missing"); return; }
    while (fgets(line, sizeof line, fp)) {
        uint8_t sk_raw[32], msg[4096], want[48], got[48];
        size_t mlen;
        ck_fr sk;
        ck_g1 h, sig, dec;
        if (split(line, f, 3) != 3) continue;
        tu_unhex(sk_raw, 32, f[0], 32);
        mlen = tu_unhex(msg, sizeof msg, f[1], -1);
        tu_unhex(want, 48, f[2], 48);
        ck_fr_from_bytes_reduce(&sk, sk_raw, 32);
        CHECK(ck_g1_hash_to_curve(&h, msg, mlen, (const uint8_t *)DST_G1, strlen(DST_G1)) == CK_OK, "g1 hash line %d", n + 1);
        ck_g1_mul(&sig, &h, &sk);
        ck_g1_compress(got, &sig);
        CHECK(memcmp(got, want, 48) == 0, "G1 signature line %d: got %s", n + 1, tu_hex(got, 48));
        CHECK(ck_g1_decode(&dec, want, 48) == CK_OK && ck_g1_eq(&dec, &sig), "G1 signature line %d decodes", n + 1);
        if (n % 25 == 0) { /* e(sig, -G2) * e(H(m), pk) == 1 */
            ck_g2 pk;
            ck_g1_affine p[2];
            ck_g2_affine q[2];
            ck_gt t;
            ck_g2_mul(&pk, &g2, &sk);
            ck_g1_to_affine(&p[0], &sig);
            ck_g1_to_affine(&p[1], &h);
            ck_g2_to_affine(&q[0], &nG2);
            ck_g2_to_affine(&q[1], &pk);
            ck_multi_pairing(&t, p, q, 2);
            CHECK(ck_gt_is_one(&t), "G1 signature line %d verifies", n + 1);
        }
        n++;
    }
    fclose(fp);
    CHECK(n == 128, "128 G1 signature lines (got %d)", n);
}

int main(void)
{
    test_hash_to_scalar();
    test_g2_sigs();
    test_g1_sigs();
    TEST_MAIN_END();
}
