/*
 * ec_demo - the curve in one short story: a hospital key signs a record
 * entry with a BLS signature (pk in G1, signature in G2), anyone verifies
 * it, and a tampered entry or a forged signature is rejected.
 */
#include <stdio.h>
#include <string.h>

#include "bench_util.h"

static double t0;
static void start(void) { t0 = bench_now_us(); }
static double stop_ms(void) { return (bench_now_us() - t0) / 1000.0; }

int main(void)
{
    static const char entry[] = "patient 0042 | allergies | penicillin: anaphylaxis (2019) | signed by hosp-a";
    static const char tampered[] = "patient 0042 | allergies | none known | signed by hosp-a";
    ck_fr sk;
    ck_g1 pk;
    ck_g2 sig, forged;
    ck_g1_affine pka;
    ck_g2_affine siga;
    uint8_t pkb[48], sigb[96];
    char hex[2 * 96 + 1];
    int ok, failures = 0;

    printf("carekey curve demo: BLS12-381 signatures (%s)\n\n", BLS_DST);

    start();
    (void)ck_g1_generator_table(); /* built once per process, then shared */
    (void)ck_g2_generator_table();
    printf("0. precompute tables   %8.3f ms  (fixed-base tables for G1 and G2 generators)\n", stop_ms());

    start();
    if (ck_fr_random_nonzero(&sk) != CK_OK) return 1;
    ck_g1_table_mul(&pk, ck_g1_generator_table(), &sk);
    ck_g1_compress(pkb, &pk);
    bench_hex(hex, pkb, 48);
    printf("1. key generation      %8.3f ms  public key %.24s... (48 bytes)\n", stop_ms(), hex);

    start();
    if (bls_sign(&sig, &sk, (const uint8_t *)entry, strlen(entry)) != CK_OK) return 1;
    ck_g2_compress(sigb, &sig);
    bench_hex(hex, sigb, 96);
    printf("2. sign entry          %8.3f ms  signature  %.24s... (96 bytes)\n", stop_ms(), hex);
    printf("   entry: \"%s\"\n", entry);

    /* A verifier receives bytes: decode with curve and subgroup checks. */
    start();
    if (ck_g1_decode(&pk, pkb, sizeof pkb) != CK_OK || ck_g2_decode(&sig, sigb, sizeof sigb) != CK_OK) {
        printf("   decoding failed\n");
        return 1;
    }
    ck_g1_to_affine(&pka, &pk);
    ck_g2_to_affine(&siga, &sig);
    printf("3. decode + check keys %8.3f ms  (on curve, in subgroup)\n", stop_ms());

    start();
    ok = bls_verify(&pka, &siga, (const uint8_t *)entry, strlen(entry));
    printf("4. verify entry        %8.3f ms  -> %s\n", stop_ms(), ok ? "VALID" : "INVALID");
    failures += !ok;

    start();
    ok = bls_verify(&pka, &siga, (const uint8_t *)tampered, strlen(tampered));
    printf("5. verify tampered     %8.3f ms  -> %s\n", stop_ms(), ok ? "VALID (wrong!)" : "rejected");
    printf("   entry: \"%s\"\n", tampered);
    failures += ok;

    /* A forger without sk: sign the tampered entry with another key. */
    {
        ck_fr other;
        if (ck_fr_random_nonzero(&other) != CK_OK) return 1;
        if (bls_sign(&forged, &other, (const uint8_t *)tampered, strlen(tampered)) != CK_OK) return 1;
        ck_g2_to_affine(&siga, &forged);
        start();
        ok = bls_verify(&pka, &siga, (const uint8_t *)tampered, strlen(tampered));
        printf("6. verify forgery      %8.3f ms  -> %s\n", stop_ms(), ok ? "VALID (wrong!)" : "rejected");
        failures += ok;
        ck_wipe(&other, sizeof other);
    }
    ck_wipe(&sk, sizeof sk);
    printf("\n%s\n", failures ? "demo FAILED" : "demo ok: valid signature accepted, tampering and forgery rejected");
    return failures ? 1 : 0;
}
