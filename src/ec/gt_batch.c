/*
 * src/ec/gt_batch.c - decoding and checking many GT elements at once (an
 * ABE ciphertext header carries one per row). Every element is decoded and
 * tested exactly as ck_gt_decompress does - range, torus decompression,
 * cyclotomic test, a^p = a^x - but the field inversions are shared: one
 * for all the decompressions (Montgomery's trick over Fp6) and one per
 * eight elements in the exponentiations by |x| of the membership tests.
 * ck_gt_decompress_batch_cyclotomic stops at the cyclotomic test, for a
 * decryption's C1, which it tests as one product (docs/EC.md).
 *
 * A random linear combination of the elements would not be a sound
 * substitute for the per-element test: the cyclotomic subgroup has order
 * r * 4513 * c (c has no factor below 3 * 10^6 but is not factored), and a
 * 4513-torsion component survives a random 64-bit exponent with
 * probability 1/4513 (docs/EC.md, "Validation").
 */
#include "ec/internal.h"
#include "ec/constants.h"
#include "ec/batch_inv.h"

#define GT_CHUNK 16

/* m from its six big-endian coefficients. */
static ck_err torus_parse(ck_fp6 *m, const uint8_t in[CK_GT_COMPRESSED_BYTES])
{
    ck_fp *c = (ck_fp *)m;
    for (int i = 0; i < 6; i++) {
        ck_err e = ck_fp_from_bytes(&c[i], in + i * CK_FP_BYTES);
        if (e != CK_OK) return e;
    }
    return CK_OK;
}

/* (m + w)/(m - w) = (m^2 + v)/(m^2 - v) + 2m/(m^2 - v) w: the numerator's
 * constant part and the denominator (never 0: v is not a square in Fp6). */
static void torus_fraction(ck_fp6 *num, ck_fp6 *den, const ck_fp6 *m)
{
    static const ck_fp2 one = {CK_FP_ONE_INIT, {{0}}};
    ck_fp6_sqr(num, m);
    *den = *num;
    ck_fp2_add(&num->c1, &num->c1, &one);
    ck_fp2_sub(&den->c1, &den->c1, &one);
}

static void torus_finish(ck_gt *r, const ck_fp6 *m, const ck_fp6 *num, const ck_fp6 *den_inv)
{
    ck_fp6 two_m;
    if (ck_fp6_is_zero(m)) {               /* m = 0 encodes the identity */
        ck_gt_one(r);
        return;
    }
    ck_fp6_mul(&r->v.c0, num, den_inv);
    ck_fp6_add(&two_m, m, m);
    ck_fp6_mul(&r->v.c1, &two_m, den_inv);
}

static CK_BATCH_INV(fp6_batch_inv, ck_fp6, ck_fp6_one, ck_fp6_mul, ck_fp6_inv, ck_fp6_is_zero)

/* m = (1 + c0)/c1 for n elements with one inversion (see ck_gt_compress). */
void ck_gt_compress_batch(uint8_t *out, const ck_gt *in, size_t n)
{
    ck_fp6 c1[GT_CHUNK], inv[GT_CHUNK], m;
    for (size_t i = 0; i < n; i += GT_CHUNK) {
        size_t k = n - i < GT_CHUNK ? n - i : GT_CHUNK;
        for (size_t j = 0; j < k; j++) c1[j] = in[i + j].v.c1;
        fp6_batch_inv(inv, c1, k);
        for (size_t j = 0; j < k; j++) {
            const ck_fp *c = (const ck_fp *)&m;
            m = in[i + j].v.c0;
            ck_fp_add(&m.c0.c0, &m.c0.c0, &CK_FP_ONE);
            ck_fp6_mul(&m, &m, &inv[j]);
            for (int t = 0; t < 6; t++) ck_fp_to_bytes(out + (i + j) * CK_GT_COMPRESSED_BYTES + t * CK_FP_BYTES, &c[t]);
        }
    }
    ck_wipe(inv, sizeof(inv));
    ck_wipe(&m, sizeof(m));
}

void ck_gt_in_group_batch(int *ok, const ck_gt *a, size_t n)
{
    ck_fp12 ax[GT_CHUNK], ap;
    for (size_t i = 0; i < n; i += GT_CHUNK) {
        size_t m = n - i < GT_CHUNK ? n - i : GT_CHUNK;
        ck_fp12 in[GT_CHUNK];
        for (size_t j = 0; j < m; j++) in[j] = a[i + j].v;
        ck_fp12_cyclotomic_exp_x_batch(ax, in, m);
        for (size_t j = 0; j < m; j++) {
            ck_fp12_frobenius(&ap, &a[i + j].v, 1);
            ck_fp12_conj(&ax[j], &ax[j]);             /* a^x, x < 0 */
            ok[i + j] = ck_fp12_in_cyclotomic(&a[i + j].v) && ck_fp12_eq(&ap, &ax[j]);
        }
    }
}

/* One chunk: the status of each element as ck_gt_decompress would give it
 * (exact), or with the cyclotomic test standing for the order-r test. */
static void decompress_chunk(ck_gt *out, ck_err *st, const uint8_t *const *in, size_t n, int exact)
{
    ck_fp6 m[GT_CHUNK], num[GT_CHUNK], den[GT_CHUNK], inv[GT_CHUNK];
    ck_gt dec[GT_CHUNK];
    int ok[GT_CHUNK];
    size_t live = 0, idx[GT_CHUNK];
    for (size_t i = 0; i < n; i++) {
        if ((st[i] = torus_parse(&m[live], in[i])) != CK_OK) continue;
        torus_fraction(&num[live], &den[live], &m[live]);
        idx[live++] = i;
    }
    fp6_batch_inv(inv, den, live);
    for (size_t k = 0; k < live; k++) torus_finish(&dec[k], &m[k], &num[k], &inv[k]);
    if (exact) ck_gt_in_group_batch(ok, dec, live);
    else
        for (size_t k = 0; k < live; k++) ok[k] = ck_fp12_in_cyclotomic(&dec[k].v);
    for (size_t k = 0; k < live; k++) {
        out[idx[k]] = dec[k];
        st[idx[k]] = ok[k] ? CK_OK : CK_ERR_NOT_IN_GROUP;
    }
}

static ck_err decompress_batch(ck_gt *out, const uint8_t *const *in, size_t n, size_t *bad, int exact)
{
    ck_err st[GT_CHUNK];
    if (!out || (!in && n)) return CK_ERR_PARAM;
    for (size_t i = 0; i < n; i += GT_CHUNK) {
        size_t m = n - i < GT_CHUNK ? n - i : GT_CHUNK;
        for (size_t j = 0; j < m; j++)
            if (!in[i + j]) return CK_ERR_LENGTH;
        decompress_chunk(out + i, st, in + i, m, exact);
        for (size_t j = 0; j < m; j++) {
            if (st[j] != CK_OK) {
                if (bad) *bad = i + j;
                return st[j];
            }
        }
    }
    return CK_OK;
}

ck_err ck_gt_decompress_batch(ck_gt *out, const uint8_t *const *in, size_t n, size_t *bad)
{
    return decompress_batch(out, in, n, bad, 1);
}

ck_err ck_gt_decompress_batch_cyclotomic(ck_gt *out, const uint8_t *const *in, size_t n, size_t *bad)
{
    return decompress_batch(out, in, n, bad, 0);
}

ck_err ck_gt_decompress(ck_gt *r, const uint8_t *in, size_t len)
{
    ck_gt t;
    ck_err e;
    if (!in || len != CK_GT_COMPRESSED_BYTES) return CK_ERR_LENGTH;
    if ((e = ck_gt_decompress_batch(&t, &in, 1, NULL)) == CK_OK) *r = t;
    return e;
}
