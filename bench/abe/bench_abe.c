/*
 * bench/abe/bench_abe.c - MA-ABE and envelope figures (issues 3 and 14), as
 * `bench NAME VALUE UNIT` lines (medians over repeated runs):
 *
 *   abe.keygen.per_attr                 one attribute key (ms)
 *   abe.encrypt.andN / abe.decrypt.andN AND of N = 1, 10, 50, 100 attributes
 *                                       over 3 authorities (ms)
 *   abe.encrypt.th3of5 / decrypt.th3of5 3-of-5 threshold (ms)
 *   abe.seal.aes_gcm_1mb                AES-256-GCM of the envelope's data
 *                                       key over 1 MB (MB/s)
 *   abe.seal.envelope_1mb, abe.open.envelope_1mb  whole envelope, 1 MB (ms)
 *   abe.pairing_floor.and10             a bare multi-pairing of 2*10+1 = 21
 *                                       affine pairs (ms)
 *   ratio.abe_decrypt_and10_over_pairing_floor  (x)
 *   abe.decode.and10                    decoding an and10 header with every
 *                                       check, the prime-order tests included
 *   abe.decode_for_decrypt.and10        decoding it as a reader does
 *                                       (ck_abe_ct_decode_for_decrypt: the
 *                                       prime-order tests left to decrypt)
 *   abe.open.and10                      decoding as a reader plus decrypting,
 *                                       the deferred tests included (what a
 *                                       reader pays, ck_seal_open's path)
 *   abe.open_strict.and10               the strict decoder plus decrypting
 *   ratio.abe_open_and10_over_pairing_floor     (x)
 *
 * Both ratios are medians of per-round ratios, each round timing the
 * operation and the floor back to back (bench_paired_ratio): the host's
 * cores can differ in speed, and two medians taken one after the other
 * may come from different cores.
 *   abe.decrypt_many.16x_and10.threadsT 16 envelopes through ck_seal_open_many
 *                                       on T = 1, 2 threads (ms, wall clock)
 *   speedup.decrypt_pool_2_over_1       (x)
 *
 * Conditions (printed as an info line): the authorities' public keys have
 * fixed-base tables (ck_abe_pk_precompute), as a long-lived node keeps
 * them; user keys are warm: one decrypt before timing caches the Miller
 * lines of K and H(GID) in the key, as a node that keeps keys loaded does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "carekey/abe.h"
#include "carekey/seal.h"
#include "seal/seal_internal.h"

static ck_abe_authority_sk sk[3];
static ck_abe_authority_pk pk[3];
static const ck_abe_authority_pk *pks[3];
static const char *const names[3] = {"hosp-a", "hosp-b", "board"};

static void die(const char *what)
{
    fprintf(stderr, "bench_abe: %s failed\n", what);
    exit(1);
}

/* ---- keygen ---- */
typedef struct { ck_abe_user_key key; } keygen_ctx;
static void run_keygen(void *p)
{
    keygen_ctx *c = p;
    if (ck_abe_keygen(&c->key, &sk[1], "nurse@hosp-b", 0) != CK_ABE_OK) die("keygen");
}

/* ---- encrypt / decrypt ---- */
typedef struct {
    const char *policy;
    ck_abe_ct ct;
    ck_abe_user_key *key;
} kem_ctx;

static void run_encrypt(void *p)
{
    kem_ctx *c = p;
    ck_abe_ct ct;
    ck_gt z;
    if (ck_abe_encrypt(&ct, &z, c->policy, pks, 3, NULL, NULL, NULL) != CK_ABE_OK) die("encrypt");
    ck_abe_ct_free(&ct);
}

static void run_decrypt(void *p)
{
    kem_ctx *c = p;
    ck_gt z;
    if (ck_abe_decrypt(&z, &c->ct, c->key) != CK_ABE_OK) die("decrypt");
}

/* What a reader pays for a header: decoding with every check, then decrypting. */
typedef struct {
    uint8_t *bytes;
    size_t len;
    ck_abe_user_key *key;
} open_ctx;

typedef ck_abe_err (*ct_decoder)(ck_abe_ct *, const uint8_t *, size_t);

static void open_with(open_ctx *c, ct_decoder dec)
{
    ck_abe_ct ct;
    ck_gt z;
    if (dec(&ct, c->bytes, c->len) != CK_ABE_OK) die("ct decode");
    if (ck_abe_decrypt(&z, &ct, c->key) != CK_ABE_OK) die("decrypt");
    ck_abe_ct_free(&ct);
}

static void decode_with(open_ctx *c, ct_decoder dec)
{
    ck_abe_ct ct;
    if (dec(&ct, c->bytes, c->len) != CK_ABE_OK) die("ct decode");
    ck_abe_ct_free(&ct);
}

static void run_open_header(void *p) { open_with(p, ck_abe_ct_decode_for_decrypt); }
static void run_open_strict(void *p) { open_with(p, ck_abe_ct_decode); }
static void run_decode_header(void *p) { decode_with(p, ck_abe_ct_decode); }
static void run_decode_for_decrypt(void *p) { decode_with(p, ck_abe_ct_decode_for_decrypt); }

/* Median CPU time of fn (this thread only), in microseconds: on a shared
 * machine wall-clock medians include waiting for a core; this does not. */
static double cpu_median_us(void (*fn)(void *), void *ctx, int runs)
{
    double v[64], t;
    struct timespec a, b;
    fn(ctx);
    for (int r = 0; r < runs; r++) {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        fn(ctx);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        v[r] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
    }
    for (int i = 1; i < runs; i++)   /* insertion sort: runs is small */
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) t = v[j], v[j] = v[j - 1], v[j - 1] = t;
    return v[runs / 2];
}

static int runs_for(size_t attrs) { return attrs >= 50 ? 7 : 15; }

/* "a<i>@<authority i mod 3>" joined by sep (or as a k-of-n list). */
static char *attr_list(size_t n, const char *sep, const char *prefix, const char *suffix)
{
    char *s = malloc(64 * n + 64);
    size_t len = (size_t)sprintf(s, "%s", prefix);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "%sa%zu@%s", i ? sep : "", i, names[i % 3]);
    sprintf(s + len, "%s", suffix);
    return s;
}

static void issue_all(ck_abe_user_key *key, size_t n)
{
    char label[64];
    if (ck_abe_user_key_init(key, "bench-user") != CK_ABE_OK) die("key init");
    for (size_t i = 0; i < n; i++) {
        snprintf(label, sizeof label, "a%zu@%s", i, names[i % 3]);
        if (ck_abe_keygen(key, &sk[i % 3], label, 0) != CK_ABE_OK) die("keygen");
    }
}

static double bench_kem(const char *tag, const char *policy, ck_abe_user_key *key, int runs)
{
    kem_ctx c = {policy, {0}, key};
    ck_gt z, z2;
    double enc, dec;
    enc = bench_median_us(run_encrypt, &c, runs);
    if (ck_abe_encrypt(&c.ct, &z, policy, pks, 3, NULL, NULL, NULL) != CK_ABE_OK) die("encrypt");
    /* warm key: the first decrypt builds and caches the Miller lines */
    if (ck_abe_decrypt(&z2, &c.ct, key) != CK_ABE_OK || !ck_gt_eq(&z, &z2)) die("decrypt check");
    dec = bench_median_us(run_decrypt, &c, runs);
    printf("bench abe.encrypt.%s %.3f ms\n", tag, enc / 1e3);
    printf("bench abe.decrypt.%s %.3f ms\n", tag, dec / 1e3);
    fflush(stdout);
    ck_abe_ct_free(&c.ct);
    return dec;
}

/* ---- pairing floor ---- */
typedef struct {
    ck_g1_affine p[21];
    ck_g2_affine q[21];
} floor_ctx;

static void run_floor(void *p)
{
    floor_ctx *c = p;
    ck_gt r;
    ck_multi_pairing(&r, c->p, c->q, 21);
}

/* ---- AES-GCM and envelope ---- */
typedef struct {
    uint8_t *in, *out, *env, *pt;
    size_t len, env_len;
    ck_seal_env *decoded;
    ck_abe_user_key *key;
} gcm_ctx;

static void run_gcm(void *p)
{
    gcm_ctx *c = p;
    uint8_t key[32] = {1}, nonce[12] = {2}, tag[16];
    ck_seal_aad aad = {CK_SEAL_DATA_LABEL, 1, 0, 1, (const uint8_t *)"record-42", 9};
    if (ck_seal_gcm_seal(c->out, tag, key, nonce, &aad, c->in, c->len) != CK_SEAL_OK) die("gcm");
}

static void run_seal(void *p)
{
    gcm_ctx *c = p;
    ck_seal_input in = {c->in, c->len};
    ck_seal_policy pol = {"a0@hosp-a", pks, 3, NULL, NULL};
    uint8_t *env;
    size_t len;
    if (ck_seal(&env, &len, &pol, &in, 1, (const uint8_t *)"record-42", 9, NULL) != CK_SEAL_OK) die("seal");
    ck_seal_free(env);
}

static void run_open(void *p)
{
    gcm_ctx *c = p;
    if (ck_seal_open(c->decoded, c->key, (const uint8_t *)"record-42", 9, &c->pt) != CK_SEAL_OK) die("open");
}

/* ---- many envelopes on a worker pool ---- */
#define MANY_ENV 16
typedef struct {
    ck_seal_env *env[MANY_ENV];
    uint8_t *pt[MANY_ENV];
    ck_abe_user_key *key;
    unsigned threads;
} many_ctx;

static void run_many(void *p)
{
    many_ctx *c = p;
    ck_seal_open_job jobs[MANY_ENV];
    for (int i = 0; i < MANY_ENV; i++)
        jobs[i] = (ck_seal_open_job){.env = c->env[i], .ad = (const uint8_t *)"record-42", .ad_len = 9, .out = &c->pt[i],
                                     .rc = CK_SEAL_ERR_PARAM};
    if (ck_seal_open_many(jobs, MANY_ENV, c->key, c->threads) != CK_SEAL_OK) die("open_many");
    for (int i = 0; i < MANY_ENV; i++)
        if (jobs[i].rc != CK_SEAL_OK) die("open_many job");
}

/* 16 envelopes under AND policies of 10 attributes (1 KB each), opened
 * with 1 and with 2 threads: wall-clock medians. */
static void bench_decrypt_many(ck_abe_user_key *key)
{
    many_ctx c;
    uint8_t data[1024];
    double t1, t2;
    memset(data, 0x42, sizeof data);
    c.key = key;
    for (int i = 0; i < MANY_ENV; i++) {
        char *policy = attr_list(10, " and ", "", "");
        ck_seal_policy pol = {policy, pks, 3, NULL, NULL};
        ck_seal_input in = {data, sizeof data};
        uint8_t *env;
        size_t len;
        if (ck_seal(&env, &len, &pol, &in, 1, (const uint8_t *)"record-42", 9, NULL) != CK_SEAL_OK) die("seal");
        if (ck_seal_decode(&c.env[i], env, len) != CK_SEAL_OK) die("decode");
        ck_seal_free(env);
        c.pt[i] = malloc(sizeof data);
        free(policy);
    }
    c.threads = 1;
    t1 = bench_median_us(run_many, &c, 7);
    c.threads = 2;
    t2 = bench_median_us(run_many, &c, 7);
    printf("bench abe.decrypt_many.16x_and10.threads1 %.3f ms\n", t1 / 1e3);
    printf("bench abe.decrypt_many.16x_and10.threads2 %.3f ms\n", t2 / 1e3);
    printf("bench speedup.decrypt_pool_2_over_1 %.2f x\n", t1 / t2);
    for (int i = 0; i < MANY_ENV; i++) {
        ck_seal_env_free(c.env[i]);
        free(c.pt[i]);
    }
}

int main(void)
{
    static const size_t sizes[4] = {1, 10, 50, 100};
    ck_abe_user_key key100;
    double dec10, floor10, open10, decode10, floor_open, dec_ratio, open_ratio, decode10_reader, open10_strict;

    printf("info abe: medians; public keys precomputed (ck_abe_pk_precompute, fixed-base tables), "
           "user keys warm (Miller lines cached by one decrypt before timing)\n");
    for (int i = 0; i < 3; i++) {
        if (ck_abe_authority_setup(&sk[i], &pk[i], names[i]) != CK_ABE_OK) die("setup");
        if (ck_abe_pk_precompute(&pk[i]) != CK_ABE_OK) die("precompute");
        pks[i] = &pk[i];
    }
    {
        keygen_ctx c;
        if (ck_abe_user_key_init(&c.key, "bench-keygen") != CK_ABE_OK) die("init");
        printf("bench abe.keygen.per_attr %.3f ms\n", bench_median_us(run_keygen, &c, 21) / 1e3);
        ck_abe_user_key_free(&c.key);
    }
    issue_all(&key100, 100);
    for (int s = 0; s < 4; s++) {
        char tag[32], *policy = attr_list(sizes[s], " and ", "", "");
        ck_abe_user_key k;
        /* a key with exactly the policy's attributes (a fresh, cold key,
         * warmed inside bench_kem) */
        issue_all(&k, sizes[s]);
        snprintf(tag, sizeof tag, "and%zu", sizes[s]);
        bench_kem(tag, policy, &k, runs_for(sizes[s]));
        ck_abe_user_key_free(&k);
        free(policy);
    }
    {
        char *policy = attr_list(5, ", ", "3 of (", ")");
        ck_abe_user_key k;
        issue_all(&k, 5);
        bench_kem("th3of5", policy, &k, 15);
        ck_abe_user_key_free(&k);
        free(policy);
    }
    {   /* the floor: 21 distinct affine pairs, as decrypt and10 pairs 21 */
        floor_ctx c;
        for (int i = 0; i < 21; i++) {
            ck_g1 a;
            ck_g2 b;
            ck_fr k;
            if (ck_fr_random_nonzero(&k) != CK_OK) die("random");
            ck_g1_generator(&a);
            ck_g1_mul(&a, &a, &k);
            ck_g1_to_affine(&c.p[i], &a);
            ck_g2_generator(&b);
            ck_g2_mul(&b, &b, &k);
            ck_g2_to_affine(&c.q[i], &b);
        }
        /* decrypt and10 again, and the open, each timed in pairs with the
         * floor (bench_paired_ratio): a ratio from one core and moment */
        {
            char *policy = attr_list(10, " and ", "", "");
            kem_ctx kc = {policy, {0}, &key100};
            ck_gt z;
            if (ck_abe_encrypt(&kc.ct, &z, policy, pks, 3, NULL, NULL, NULL) != CK_ABE_OK) die("encrypt");
            run_decrypt(&kc);
            dec_ratio = bench_paired_ratio(run_decrypt, &kc, run_floor, &c, 15, &dec10, &floor10);
            printf("info abe: CPU time (no waiting for a core): decrypt.and10 %.3f ms, pairing floor %.3f ms, "
                   "encrypt.and10 %.3f ms\n", cpu_median_us(run_decrypt, &kc, 15) / 1e3,
                   cpu_median_us(run_floor, &c, 15) / 1e3, cpu_median_us(run_encrypt, &kc, 9) / 1e3);
            {   /* decode with validation + decrypt */
                open_ctx oc = {NULL, ck_abe_ct_encode(NULL, &kc.ct), &key100};
                if (!(oc.bytes = malloc(oc.len))) die("malloc");
                ck_abe_ct_encode(oc.bytes, &kc.ct);
                open_ratio = bench_paired_ratio(run_open_header, &oc, run_floor, &c, 15, &open10, &floor_open);
                decode10 = bench_median_us(run_decode_header, &oc, 15);
                decode10_reader = bench_median_us(run_decode_for_decrypt, &oc, 15);
                open10_strict = bench_median_us(run_open_strict, &oc, 15);
                free(oc.bytes);
            }
            ck_abe_ct_free(&kc.ct);
            free(policy);
        }
        printf("bench abe.pairing_floor.and10 %.3f ms\n", floor10 / 1e3);
        printf("info abe: decrypt and10 measured in pairs with the floor: %.3f ms\n", dec10 / 1e3);
        printf("bench ratio.abe_decrypt_and10_over_pairing_floor %.2f x\n", dec_ratio);
        printf("bench abe.decode.and10 %.3f ms\n", decode10 / 1e3);
        printf("bench abe.decode_for_decrypt.and10 %.3f ms\n", decode10_reader / 1e3);
        printf("bench abe.open.and10 %.3f ms\n", open10 / 1e3);
        printf("bench abe.open_strict.and10 %.3f ms\n", open10_strict / 1e3);
        printf("info abe: open and10 measured in pairs with the floor (%.3f ms there)\n", floor_open / 1e3);
        printf("bench ratio.abe_open_and10_over_pairing_floor %.2f x\n", open_ratio);
    }
    bench_decrypt_many(&key100);
    {
        gcm_ctx c;
        ck_seal_input in;
        ck_seal_policy pol = {"a0@hosp-a", pks, 3, NULL, NULL};
        double us;
        c.len = (size_t)1 << 20;
        c.in = malloc(c.len);
        c.out = malloc(c.len);
        c.pt = malloc(c.len);
        for (size_t i = 0; i < c.len; i++) c.in[i] = (uint8_t)(i * 7);
        us = bench_median_us(run_gcm, &c, 15);
        printf("bench abe.seal.aes_gcm_1mb %.0f MB/s\n", (double)c.len / us);
        printf("bench abe.seal.envelope_1mb %.3f ms\n", bench_median_us(run_seal, &c, 15) / 1e3);
        in.data = c.in;
        in.len = c.len;
        if (ck_seal(&c.env, &c.env_len, &pol, &in, 1, (const uint8_t *)"record-42", 9, NULL) != CK_SEAL_OK)
            die("seal");
        if (ck_seal_decode(&c.decoded, c.env, c.env_len) != CK_SEAL_OK) die("decode");
        c.key = &key100;
        printf("bench abe.open.envelope_1mb %.3f ms\n", bench_median_us(run_open, &c, 15) / 1e3);
        ck_seal_env_free(c.decoded);
        ck_seal_free(c.env);
        free(c.in);
        free(c.out);
        free(c.pt);
    }
    ck_abe_user_key_free(&key100);
    for (int i = 0; i < 3; i++) {
        ck_abe_pk_free_tables(&pk[i]);
        ck_abe_authority_sk_wipe(&sk[i]);
    }
    return 0;
}
