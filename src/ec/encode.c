/*
 * src/ec/encode.c - ZCash encodings of G1 (48/96 bytes) and G2 (96/192 bytes).
 *
 * The three top bits of byte 0 are flags: 0x80 compressed, 0x40 point at
 * infinity, 0x20 sign of y (set when y is the lexicographically larger root).
 * G2 writes each Fp2 as c1 || c0. Decoders check, in order: length, flags,
 * field range, curve, subgroup; the _on_curve decoders stop before the
 * subgroup, for a caller that settles membership another way (decryption,
 * docs/EC.md "Validation").
 *
 * Users' attribute keys (secret G1 and G2 points) pass through these
 * codecs on their way into and out of the keyring, so neither side
 * branches on a point's bits: the identity flag and the sign of y are
 * applied with masks, and a decoder computes everything before it looks
 * at the outcome. Only the outcome (valid or which check failed) and the
 * shape of the input (its length, the compressed flag) steer the code.
 */
#include <string.h>
#include "ec/internal.h"
#include "ec/constants.h"

#define FLAG_C 0x80
#define FLAG_I 0x40
#define FLAG_S 0x20

typedef struct {
    int compressed, infinity, sign;
} enc_flags;

static ck_err parse_flags(enc_flags *f, const uint8_t *in, size_t len, size_t clen)
{
    if (len != clen && len != 2 * clen) return CK_ERR_LENGTH;
    f->compressed = (in[0] & FLAG_C) != 0;
    f->infinity = (in[0] & FLAG_I) != 0;
    f->sign = (in[0] & FLAG_S) != 0;
    if (f->compressed != (len == clen)) return CK_ERR_FLAGS;
    if (!f->compressed && f->sign) return CK_ERR_FLAGS;
    if (f->infinity) {
        uint8_t acc = (uint8_t)(in[0] & 0x1f);
        if (f->sign) return CK_ERR_FLAGS;
        for (size_t i = 1; i < len; i++) acc |= in[i];
        if (acc) return CK_ERR_FLAGS;
    }
    return CK_OK;
}

/* compressed is public; infinity and sign (0 or 1) come from the point. */
static void put_flags(uint8_t *out, int compressed, unsigned infinity, unsigned sign)
{
    uint8_t c = (uint8_t)(0u - (unsigned)(compressed != 0)), i = (uint8_t)(0u - (infinity & 1u));
    uint8_t sg = (uint8_t)(0u - (sign & 1u));
    out[0] |= (uint8_t)((FLAG_C & c) | (FLAG_I & i) | (FLAG_S & sg & c & (uint8_t)~i));
}

/* ---- G1 ----------------------------------------------------------------- */
static void g1_encode_affine(uint8_t *out, const ck_g1_affine *p, int inf, int compressed)
{
    ck_fp_to_bytes(out, &p->x);
    if (!compressed) ck_fp_to_bytes(out + 48, &p->y);
    put_flags(out, compressed, (unsigned)inf, (unsigned)ck_fp_lexi_largest(&p->y));
}

static void g1_encode(uint8_t *out, const ck_g1 *a, int compressed)
{
    ck_g1_affine p;
    ck_g1_to_affine(&p, a);
    g1_encode_affine(out, &p, ck_g1_is_identity(a), compressed);
}

/* Compressed encodings of n points, one inversion per ENC_CHUNK of them. */
#define ENC_CHUNK 32
#define ENCODE_BATCH(g, BYTES)                                                        \
    void ck_##g##_compress_batch(uint8_t *out, const ck_##g *in, size_t n)            \
    {                                                                                 \
        ck_##g##_affine p[ENC_CHUNK];                                                 \
        for (size_t i = 0; i < n; i += ENC_CHUNK) {                                   \
            size_t m = n - i < ENC_CHUNK ? n - i : ENC_CHUNK;                         \
            ck_##g##_batch_to_affine(p, in + i, m);                                   \
            for (size_t j = 0; j < m; j++)                                            \
                g##_encode_affine(out + (i + j) * BYTES, &p[j], ck_##g##_is_identity(&in[i + j]), 1); \
        }                                                                             \
        ck_wipe(p, sizeof(p));                                                        \
    }

ENCODE_BATCH(g1, 48)

void ck_g1_compress(uint8_t out[CK_G1_COMPRESSED_BYTES], const ck_g1 *a) { g1_encode(out, a, 1); }
void ck_g1_serialize(uint8_t out[CK_G1_UNCOMPRESSED_BYTES], const ck_g1 *a) { g1_encode(out, a, 0); }

/* Mask of all ones when v (0 or 1) is 1. */
static limb_t bit_mask(int v) { return (limb_t)0 - (limb_t)(v & 1); }

/*
 * Decoding in three steps, so that a batch takes its square roots together
 * (ck_fp_sqrt_many): parse (length, flags, field range, and for a
 * compressed point the curve's right-hand side), the roots, then finish
 * (sign, curve, identity, subgroup). A parse error is final.
 */
typedef struct {
    enc_flags f;
    ck_err e;
    ck_g1_affine p;
    ck_fp rhs;
    int ok;
} g1_dec;

static void g1_parse(g1_dec *d, const uint8_t *in, size_t len)
{
    uint8_t buf[48];
    memset(d, 0, sizeof(*d));
    if (!in) {
        d->e = CK_ERR_LENGTH;
        return;
    }
    if ((d->e = parse_flags(&d->f, in, len, 48)) != CK_OK) return;
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    if ((d->e = ck_fp_from_bytes(&d->p.x, buf)) != CK_OK) return;
    if (d->f.compressed) {
        ck_fp_sqr(&d->rhs, &d->p.x);
        ck_fp_mul(&d->rhs, &d->rhs, &d->p.x);
        ck_fp_add(&d->rhs, &d->rhs, &CK_B1);
    } else {
        if ((d->e = ck_fp_from_bytes(&d->p.y, in + 48)) != CK_OK) return;
        /* (0,0) stands for the identity in memory, but on the wire the
         * identity must carry the infinity flag */
        d->ok = ((ck_fp_is_zero(&d->p.x) & ck_fp_is_zero(&d->p.y)) ^ 1) & ck_g1_affine_on_curve(&d->p);
    }
}

static void g1_roots(g1_dec *d, size_t n)
{
    ck_fp rhs[8], y[8];
    int ok[8];
    for (size_t i = 0; i < n; i++) rhs[i] = d[i].rhs;
    ck_fp_sqrt_many(y, ok, rhs, n);
    for (size_t i = 0; i < n; i++) {
        if (!d[i].f.compressed || d[i].e != CK_OK) continue;   /* public: the input's shape */
        d[i].p.y = y[i];
        d[i].ok = ok[i];
        ck_fp_cneg(&d[i].p.y, &d[i].p.y, bit_mask(ck_fp_lexi_largest(&d[i].p.y) ^ d[i].f.sign));
    }
    ck_wipe(y, sizeof(y));
    ck_wipe(rhs, sizeof(rhs));
}

static ck_err g1_finish(ck_g1 *r, g1_dec *d, int check_group)
{
    ck_g1 g, id;
    int ok = d->ok, compressed = d->f.compressed, in_group;
    if (d->e != CK_OK) return d->e;
    /* the identity (all-zero input, checked by parse_flags) is selected,
     * not branched to */
    ck_g1_from_affine(&g, &d->p);
    ck_g1_identity(&id);
    CK_SELECT(&g, &id, &g, bit_mask(d->f.infinity));
    ok |= d->f.infinity;
    in_group = check_group ? ck_g1_in_group(&g) : 1;   /* check_group: public */
    ck_wipe(d, sizeof(*d));
    if (!ok) return compressed ? CK_ERR_NO_SQRT : CK_ERR_NOT_ON_CURVE;
    if (!in_group) return CK_ERR_NOT_IN_GROUP;
    *r = g;
    ck_wipe(&g, sizeof g);
    return CK_OK;
}

static ck_err g1_decode(ck_g1 *r, const uint8_t *in, size_t len, int check_group)
{
    g1_dec d;
    g1_parse(&d, in, len);
    g1_roots(&d, 1);
    return g1_finish(r, &d, check_group);
}

ck_err ck_g1_decode(ck_g1 *r, const uint8_t *in, size_t len) { return g1_decode(r, in, len, 1); }
ck_err ck_g1_decode_on_curve(ck_g1 *r, const uint8_t *in, size_t len) { return g1_decode(r, in, len, 0); }

/* ---- G2 ----------------------------------------------------------------- */
static void fp2_to_zcash(uint8_t out[96], const ck_fp2 *a)
{
    ck_fp_to_bytes(out, &a->c1);
    ck_fp_to_bytes(out + 48, &a->c0);
}

static ck_err fp2_from_zcash(ck_fp2 *r, const uint8_t in[96])
{
    ck_err e = ck_fp_from_bytes(&r->c1, in);
    return e != CK_OK ? e : ck_fp_from_bytes(&r->c0, in + 48);
}

static void g2_encode_affine(uint8_t *out, const ck_g2_affine *p, int inf, int compressed)
{
    fp2_to_zcash(out, &p->x);
    if (!compressed) fp2_to_zcash(out + 96, &p->y);
    put_flags(out, compressed, (unsigned)inf, (unsigned)ck_fp2_lexi_largest(&p->y));
}

static void g2_encode(uint8_t *out, const ck_g2 *a, int compressed)
{
    ck_g2_affine p;
    ck_g2_to_affine(&p, a);
    g2_encode_affine(out, &p, ck_g2_is_identity(a), compressed);
}

ENCODE_BATCH(g2, 96)

void ck_g2_compress(uint8_t out[CK_G2_COMPRESSED_BYTES], const ck_g2 *a) { g2_encode(out, a, 1); }
void ck_g2_serialize(uint8_t out[CK_G2_UNCOMPRESSED_BYTES], const ck_g2 *a) { g2_encode(out, a, 0); }

typedef struct {
    enc_flags f;
    ck_err e;
    ck_g2_affine p;
    ck_fp2 rhs;
    int ok;
} g2_dec;

static void g2_parse(g2_dec *d, const uint8_t *in, size_t len)
{
    uint8_t buf[96];
    memset(d, 0, sizeof(*d));
    if (!in) {
        d->e = CK_ERR_LENGTH;
        return;
    }
    if ((d->e = parse_flags(&d->f, in, len, 96)) != CK_OK) return;
    memcpy(buf, in, 96);
    buf[0] &= 0x1f;
    if ((d->e = fp2_from_zcash(&d->p.x, buf)) != CK_OK) return;
    if (d->f.compressed) {
        ck_fp2_sqr(&d->rhs, &d->p.x);
        ck_fp2_mul(&d->rhs, &d->rhs, &d->p.x);
        ck_fp2_add(&d->rhs, &d->rhs, &CK_B2);
    } else {
        if ((d->e = fp2_from_zcash(&d->p.y, in + 96)) != CK_OK) return;
        d->ok = ((ck_fp2_is_zero(&d->p.x) & ck_fp2_is_zero(&d->p.y)) ^ 1) & ck_g2_affine_on_curve(&d->p);
    }
}

static void g2_roots(g2_dec *d, size_t n)
{
    ck_fp2 rhs[8], y[8];
    int ok[8];
    for (size_t i = 0; i < n; i++) rhs[i] = d[i].rhs;
    ck_fp2_sqrt_many(y, ok, rhs, n);
    for (size_t i = 0; i < n; i++) {
        if (!d[i].f.compressed || d[i].e != CK_OK) continue;   /* public: the input's shape */
        d[i].p.y = y[i];
        d[i].ok = ok[i];
        ck_fp2_cneg(&d[i].p.y, &d[i].p.y, bit_mask(ck_fp2_lexi_largest(&d[i].p.y) ^ d[i].f.sign));
    }
    ck_wipe(y, sizeof(y));
    ck_wipe(rhs, sizeof(rhs));
}

static ck_err g2_finish(ck_g2 *r, g2_dec *d, int check_group)
{
    ck_g2 g, id;
    int ok = d->ok, compressed = d->f.compressed, in_group;
    if (d->e != CK_OK) return d->e;
    ck_g2_from_affine(&g, &d->p);
    ck_g2_identity(&id);
    CK_SELECT(&g, &id, &g, bit_mask(d->f.infinity));
    ok |= d->f.infinity;
    in_group = check_group ? ck_g2_in_group(&g) : 1;   /* check_group: public */
    ck_wipe(d, sizeof(*d));
    if (!ok) return compressed ? CK_ERR_NO_SQRT : CK_ERR_NOT_ON_CURVE;
    if (!in_group) return CK_ERR_NOT_IN_GROUP;
    *r = g;
    ck_wipe(&g, sizeof g);
    return CK_OK;
}

static ck_err g2_decode(ck_g2 *r, const uint8_t *in, size_t len, int check_group)
{
    g2_dec d;
    g2_parse(&d, in, len);
    g2_roots(&d, 1);
    return g2_finish(r, &d, check_group);
}

/* n encodings of len bytes each, decoded as one by one but with the
 * square roots of eight at a time; the first error in order, its index in
 * *bad (may be NULL); out may then be partly written. */
#define DECODE_BATCH(g)                                                                   \
    ck_err ck_##g##_decode_batch(ck_##g *out, const uint8_t *const *in, size_t len, size_t n, \
                                 int check_group, size_t *bad)                            \
    {                                                                                     \
        g##_dec d[8];                                                                     \
        ck_err e = CK_OK;                                                                 \
        for (size_t i = 0; i < n && e == CK_OK; i += 8) {                                 \
            size_t m = n - i < 8 ? n - i : 8;                                             \
            for (size_t j = 0; j < m; j++) g##_parse(&d[j], in[i + j], len);              \
            g##_roots(d, m);                                                              \
            for (size_t j = 0; j < m; j++) {                                              \
                ck_err ej = g##_finish(&out[i + j], &d[j], check_group);                  \
                if (ej != CK_OK && e == CK_OK) {                                          \
                    e = ej;                                                               \
                    if (bad) *bad = i + j;                                                \
                }                                                                         \
            }                                                                             \
        }                                                                                 \
        ck_wipe(d, sizeof(d));                                                            \
        return e;                                                                         \
    }

DECODE_BATCH(g1)
DECODE_BATCH(g2)

ck_err ck_g2_decode(ck_g2 *r, const uint8_t *in, size_t len) { return g2_decode(r, in, len, 1); }
ck_err ck_g2_decode_on_curve(ck_g2 *r, const uint8_t *in, size_t len) { return g2_decode(r, in, len, 0); }
