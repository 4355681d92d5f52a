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

/* Sorts v and returns its median. */
static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Calls per timed batch, so that one batch takes about 2 ms (after a
 * warm-up call for caches and lazily built tables). */
static long batch_size(void (*fn)(void *), void *ctx)
{
    double t0, one;
    fn(ctx);
    t0 = bench_now_us();
    fn(ctx);
    one = bench_now_us() - t0;
    return one > 2000.0 ? 1 : (long)(2000.0 / (one > 0.01 ? one : 0.01));
}

/* The per-call time of one batch. */
static double time_batch(void (*fn)(void *), void *ctx, long batch)
{
    double t0 = bench_now_us();
    for (long i = 0; i < batch; i++) fn(ctx);
    return (bench_now_us() - t0) / (double)batch;
}

double bench_median_us(void (*fn)(void *), void *ctx, int runs)
{
    double *v = malloc(sizeof(double) * (size_t)runs), med;
    long batch;
    if (v == NULL) abort();
    batch = batch_size(fn, ctx);
    for (int r = 0; r < runs; r++) v[r] = time_batch(fn, ctx, batch);
    med = median_of(v, runs);
    free(v);
    return med;
}

double bench_paired_ratio(void (*a)(void *), void *actx, void (*b)(void *), void *bctx, int runs, double *a_us,
                          double *b_us)
{
    double *ta = malloc(sizeof(double) * (size_t)runs * 3), *tb = ta + runs, *q = tb + runs, ratio;
    long na, nb;
    if (ta == NULL) abort();
    na = batch_size(a, actx);
    nb = batch_size(b, bctx);
    for (int r = 0; r < runs; r++) {
        if (r % 2) {
            tb[r] = time_batch(b, bctx, nb);
            ta[r] = time_batch(a, actx, na);
        } else {
            ta[r] = time_batch(a, actx, na);
            tb[r] = time_batch(b, bctx, nb);
        }
        q[r] = ta[r] / tb[r];
    }
    ratio = median_of(q, runs);
    *a_us = median_of(ta, runs);
    *b_us = median_of(tb, runs);
    free(ta);
    return ratio;
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
