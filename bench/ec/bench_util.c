/* bench/ec/bench_util.c - see bench_util.h. */
#include "bench_util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median_us(void (*fn)(void *), void *ctx, int runs)
{
    double t0, one, *v = malloc(sizeof(double) * (size_t)runs), med;
    long batch, i;
    int r;
    fn(ctx); /* warm caches and lazily built tables */
    t0 = bench_now_us();
    fn(ctx);
    one = bench_now_us() - t0;
    batch = one > 2000.0 ? 1 : (long)(2000.0 / (one > 0.01 ? one : 0.01));
    for (r = 0; r < runs; r++) {
        t0 = bench_now_us();
        for (i = 0; i < batch; i++) fn(ctx);
        v[r] = (bench_now_us() - t0) / (double)batch;
    }
    qsort(v, (size_t)runs, sizeof *v, cmp_double);
    med = runs % 2 ? v[runs / 2] : (v[runs / 2 - 1] + v[runs / 2]) / 2;
    free(v);
    return med;
}

ck_err bls_sign(ck_g2 *sig, const ck_fr *sk, const uint8_t *msg, size_t len)
{
    return bls_sign_dst(sig, sk, msg, len, BLS_DST);
}

ck_err bls_sign_dst(ck_g2 *sig, const ck_fr *sk, const uint8_t *msg, size_t len, const char *dst)
{
    ck_g2 h;
    ck_err e = ck_g2_hash_to_curve(&h, msg, len, (const uint8_t *)dst, strlen(dst));
    if (e != CK_OK) return e;
    ck_g2_mul(sig, &h, sk);
    return CK_OK;
}

int bls_verify(const ck_g1_affine *pk, const ck_g2_affine *sig, const uint8_t *msg, size_t len)
{
    static ck_g1_affine neg_g1; /* a constant, as in every BLS library */
    static int have_neg_g1;
    ck_g1_affine p[2];
    ck_g2_affine q[2];
    ck_g2 h;
    ck_gt t;
    if (!have_neg_g1) {
        ck_g1 ng;
        ck_g1_generator(&ng);
        ck_g1_neg(&ng, &ng);
        ck_g1_to_affine(&neg_g1, &ng);
        have_neg_g1 = 1;
    }
    if (ck_g2_hash_to_curve(&h, msg, len, (const uint8_t *)BLS_DST, sizeof BLS_DST - 1) != CK_OK) return 0;
    p[0] = neg_g1;
    q[0] = *sig;
    p[1] = *pk;
    ck_g2_to_affine(&q[1], &h);
    ck_multi_pairing(&t, p, q, 2);
    return ck_gt_is_one(&t);
}

void bench_hex(char *out, const uint8_t *in, size_t n)
{
    static const char d[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = 0;
}
