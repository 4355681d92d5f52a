/*
 * bench_ec - medians (microseconds) of the BLS12-381 operations, printed as
 * `bench ec.NAME VALUE us`, plus the inputs the blst/noble scripts time the
 * same way (`input NAME HEX`). bench/ec.sh runs everything in one go. Where
 * the AVX-512 IFMA chain of squarings runs, the final exponentiation and the
 * pairing are also timed with the scalar chain (`..._scalar_chain`).
 *
 *   bench_ec [runs]     (default 31 timed batches per operation)
 *   bench_ec --serve    (the inputs, then `ready`; each line `verify N` or
 *                        `pairing N` on stdin is answered `us MEDIAN` over N
 *                        batches: bench/ec/paired.mjs alternates these with
 *                        blst's and noble's timings, pair by pair)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "ec/internal.h" /* ck_cpu_has_ifma: the final exponentiation with and without IFMA */

static struct {
    ck_fp a, b;
    ck_fp12 f, g, cyc;
    ck_g1 p1, gen1;
    ck_g2 p2, gen2;
    ck_g1_affine pa[10];
    ck_g2_affine qa[10];
    ck_g1_affine pk;
    ck_g2_affine sig;
    ck_fr k;
    ck_gt gt;
    ck_gt_table *gt_table;
    uint8_t g1c[48], g2c[96], msg[32];
    volatile int sink;
} S;

static void b_fp_mul(void *c) { (void)c; ck_fp_mul(&S.a, &S.a, &S.b); }
static void b_fp_inv(void *c) { (void)c; ck_fp_inv(&S.a, &S.a); }
static void b_fp12_mul(void *c) { (void)c; ck_fp12_mul(&S.f, &S.f, &S.g); }
static void b_fp12_sqr(void *c) { (void)c; ck_fp12_sqr(&S.f, &S.f); }
static void b_fp12_cyc(void *c) { (void)c; ck_fp12_cyclotomic_sqr(&S.cyc, &S.cyc); }
static void b_miller(void *c) { ck_fp12 r; ck_miller_loop(&r, S.pa, S.qa, 1); (void)c; }
static void b_final_exp(void *c) { ck_gt r; ck_final_exp(&r, &S.f); (void)c; }
static void b_pairing(void *c) { ck_gt r; ck_pairing(&r, &S.p1, &S.p2); (void)c; }
static void b_multi(void *c) { ck_gt r; ck_multi_pairing(&r, S.pa, S.qa, (size_t)(long)c); }
static void b_g1_mul(void *c) { ck_g1 r; ck_g1_mul(&r, &S.p1, &S.k); (void)c; }
static void b_g1_mul_vt(void *c) { ck_g1 r; ck_g1_mul_vartime(&r, &S.p1, &S.k); (void)c; }
static void b_g1_fixed(void *c) { ck_g1 r; ck_g1_table_mul(&r, ck_g1_generator_table(), &S.k); (void)c; }
static void b_g2_mul(void *c) { ck_g2 r; ck_g2_mul(&r, &S.p2, &S.k); (void)c; }
static void b_g2_mul_vt(void *c) { ck_g2 r; ck_g2_mul_vartime(&r, &S.p2, &S.k); (void)c; }
static void b_g2_fixed(void *c) { ck_g2 r; ck_g2_table_mul(&r, ck_g2_generator_table(), &S.k); (void)c; }
static void b_gt_exp(void *c) { ck_gt r; ck_gt_exp(&r, &S.gt, &S.k); (void)c; }
static void b_gt_fixed(void *c) { ck_gt r; ck_gt_table_exp(&r, S.gt_table, &S.k); (void)c; }
static void b_h2g1(void *c) { ck_g1 r; S.sink += ck_g1_hash_to_curve(&r, S.msg, 32, (const uint8_t *)BLS_DST, sizeof BLS_DST - 1); (void)c; }
static void b_h2g2(void *c) { ck_g2 r; S.sink += ck_g2_hash_to_curve(&r, S.msg, 32, (const uint8_t *)BLS_DST, sizeof BLS_DST - 1); (void)c; }
static void b_g1_dec(void *c) { ck_g1 r; S.sink += ck_g1_decode(&r, S.g1c, 48); (void)c; }
static void b_g2_dec(void *c) { ck_g2 r; S.sink += ck_g2_decode(&r, S.g2c, 96); (void)c; }
static void b_verify(void *c) { S.sink += bls_verify(&S.pk, &S.sig, S.msg, 32); (void)c; }

static void rand_fr(ck_fr *k)
{
    if (ck_fr_random(k) != CK_OK) {
        fprintf(stderr, "bench_ec: no randomness\n");
        exit(1);
    }
}

static void report(const char *name, double us) { printf("bench ec.%s %.3f us\n", name, us); }

/* --serve: one timing per request line, until EOF or a line not understood. */
static int serve(void)
{
    char line[64], op[16];
    int n;
    puts("ready");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) && sscanf(line, "%15s %d", op, &n) == 2 && n >= 1 && n <= 1000) {
        void (*fn)(void *) = !strcmp(op, "verify") ? b_verify : !strcmp(op, "pairing") ? b_pairing : NULL;
        if (fn == NULL) break;
        printf("us %.3f\n", bench_median_us(fn, NULL, n));
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int serving = argc > 1 && !strcmp(argv[1], "--serve");
    int runs = argc > 1 && !serving ? atoi(argv[1]) : 31, i;
    ck_fr sk;
    ck_g1 pk;
    ck_g2 sig;
    uint8_t buf[192];
    char hex[2 * 192 + 1];
    if (runs < 3) runs = 3;

    /* Inputs: a fresh BLS keypair, message and signature (also handed to
     * the blst/noble scripts so all three time the same verification). */
    if (ck_fr_random_nonzero(&sk) != CK_OK || ck_random_bytes(S.msg, sizeof S.msg) != CK_OK) {
        fprintf(stderr, "bench_ec: no randomness\n");
        return 1;
    }
    ck_g1_table_mul(&pk, ck_g1_generator_table(), &sk);
    if (bls_sign(&sig, &sk, S.msg, sizeof S.msg) != CK_OK) return 1;
    ck_g1_to_affine(&S.pk, &pk);
    ck_g2_to_affine(&S.sig, &sig);
    if (!bls_verify(&S.pk, &S.sig, S.msg, sizeof S.msg)) {
        fprintf(stderr, "bench_ec: a fresh signature does not verify\n");
        return 1;
    }
    ck_g1_compress(buf, &pk);
    bench_hex(hex, buf, 48);
    printf("input pk %s\n", hex);
    ck_g2_compress(buf, &sig);
    bench_hex(hex, buf, 96);
    printf("input sig %s\n", hex);
    bench_hex(hex, S.msg, 32);
    printf("input msg %s\n", hex);
    /* blst's verify() uses the POP tag: give it a signature under that tag
     * (hash-to-G2 costs the same for both 43-byte tags). */
    if (bls_sign_dst(&sig, &sk, S.msg, sizeof S.msg, BLS_DST_POP) != CK_OK) return 1;
    ck_g2_compress(buf, &sig);
    bench_hex(hex, buf, 96);
    printf("input sig_pop %s\n", hex);
    ck_wipe(&sk, sizeof sk);

    ck_fp_from_u64(&S.a, 0x1234567);
    ck_fp_from_u64(&S.b, 0x89abcdef);
    ck_fp_inv(&S.b, &S.b);
    ck_g1_generator(&S.gen1);
    ck_g2_generator(&S.gen2);
    rand_fr(&S.k);
    ck_g1_mul(&S.p1, &S.gen1, &S.k);
    rand_fr(&S.k);
    ck_g2_mul(&S.p2, &S.gen2, &S.k);
    rand_fr(&S.k);
    for (i = 0; i < 10; i++) {
        ck_g1 p;
        ck_g2 q;
        ck_fr t;
        rand_fr(&t);
        ck_g1_mul(&p, &S.gen1, &t);
        ck_g2_mul(&q, &S.gen2, &t);
        ck_g1_to_affine(&S.pa[i], &p);
        ck_g2_to_affine(&S.qa[i], &q);
    }
    ck_miller_loop(&S.f, S.pa, S.qa, 1);
    S.g = S.f;
    ck_pairing(&S.gt, &S.p1, &S.p2);
    S.cyc = S.gt.v;
    S.gt_table = malloc(sizeof *S.gt_table);
    ck_gt_table_init(S.gt_table, &S.gt);
    ck_g1_compress(S.g1c, &S.p1);
    ck_g2_compress(S.g2c, &S.p2);
    if (serving) {
        free(S.gt_table);
        return serve();
    }

    report("fp_mul", bench_median_us(b_fp_mul, NULL, runs));
    report("fp_inv", bench_median_us(b_fp_inv, NULL, runs));
    report("fp12_mul", bench_median_us(b_fp12_mul, NULL, runs));
    report("fp12_sqr", bench_median_us(b_fp12_sqr, NULL, runs));
    report("fp12_cyclotomic_sqr", bench_median_us(b_fp12_cyc, NULL, runs));
    ck_miller_loop(&S.f, S.pa, S.qa, 1); /* restore a loop output for final_exp */
    report("miller_loop", bench_median_us(b_miller, NULL, runs));
    report("final_exp", bench_median_us(b_final_exp, NULL, runs));
    report("pairing", bench_median_us(b_pairing, NULL, runs));
    if (ck_cpu_has_ifma) { /* the same two with the scalar chain of squarings */
        ck_cpu_has_ifma = 0;
        report("final_exp_scalar_chain", bench_median_us(b_final_exp, NULL, runs));
        report("pairing_scalar_chain", bench_median_us(b_pairing, NULL, runs));
        ck_cpu_has_ifma = 1;
    }
    report("multi_pairing_2", bench_median_us(b_multi, (void *)2L, runs));
    report("multi_pairing_10", bench_median_us(b_multi, (void *)10L, runs));
    report("g1_mul", bench_median_us(b_g1_mul, NULL, runs));
    report("g1_mul_vartime", bench_median_us(b_g1_mul_vt, NULL, runs));
    report("g1_mul_fixed_base", bench_median_us(b_g1_fixed, NULL, runs));
    report("g2_mul", bench_median_us(b_g2_mul, NULL, runs));
    report("g2_mul_vartime", bench_median_us(b_g2_mul_vt, NULL, runs));
    report("g2_mul_fixed_base", bench_median_us(b_g2_fixed, NULL, runs));
    report("gt_exp", bench_median_us(b_gt_exp, NULL, runs));
    report("gt_exp_fixed_base", bench_median_us(b_gt_fixed, NULL, runs));
    report("hash_to_g1", bench_median_us(b_h2g1, NULL, runs));
    report("hash_to_g2", bench_median_us(b_h2g2, NULL, runs));
    report("g1_decompress_checked", bench_median_us(b_g1_dec, NULL, runs));
    report("g2_decompress_checked", bench_median_us(b_g2_dec, NULL, runs));
    report("bls_verify", bench_median_us(b_verify, NULL, runs));
    if (S.sink == 12345) puts(""); /* keep results observable */
    free(S.gt_table);
    return 0;
}
