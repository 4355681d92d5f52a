/*
 * src/ec/hash_to_curve.c - RFC 9380: expand_message_xmd (SHA-256),
 * hash_to_field for Fp, Fp2 and Fr, and the hash_to_curve / encode_to_curve
 * suites BLS12381G1_XMD:SHA-256_SSWU_RO_/NU_ and BLS12381G2_..._RO_/NU_.
 */
#include <openssl/evp.h>
#include "ec/internal.h"

#define XMD_B 32   /* SHA-256 output bytes */
#define XMD_S 64   /* SHA-256 block bytes */

static int sha256_parts(uint8_t out[32], const uint8_t *const *parts, const size_t *lens, size_t n)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        if (lens[i]) ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

ck_err ck_expand_message_xmd(uint8_t *out, size_t out_len, const uint8_t *msg, size_t msg_len,
                             const uint8_t *dst, size_t dst_len)
{
    static const uint8_t zpad[XMD_S] = {0};
    static const char oversize[] = "H2C-OVERSIZE-DST-";
    uint8_t dst_hash[32], b0[32], bi[32], tmp[32], lib[2], ctr, dlen;
    size_t ell = (out_len + XMD_B - 1) / XMD_B;
    ck_err rc = CK_ERR_PARAM;

    if (out_len == 0 || ell > 255 || out_len > 65535 || (!msg && msg_len) || (!dst && dst_len))
        return CK_ERR_PARAM;
    if (dst_len > 255) {                         /* RFC 9380 section 5.3.3 */
        const uint8_t *p[2] = {(const uint8_t *)oversize, dst};
        size_t l[2] = {sizeof(oversize) - 1, dst_len};
        if (!sha256_parts(dst_hash, p, l, 2)) return CK_ERR_PARAM;
        dst = dst_hash;
        dst_len = 32;
    }
    dlen = (uint8_t)dst_len;
    lib[0] = (uint8_t)(out_len >> 8);
    lib[1] = (uint8_t)out_len;
    ctr = 0;
    {
        const uint8_t *p[6] = {zpad, msg, lib, &ctr, dst, &dlen};
        size_t l[6] = {XMD_S, msg_len, 2, 1, dst_len, 1};
        if (!sha256_parts(b0, p, l, 6)) goto out;
    }
    memset(bi, 0, sizeof(bi));
    for (size_t i = 1; i <= ell; i++) {
        for (int j = 0; j < 32; j++) tmp[j] = (uint8_t)(b0[j] ^ bi[j]);  /* b1 uses b0 ^ 0 */
        ctr = (uint8_t)i;
        const uint8_t *p[4] = {i == 1 ? b0 : tmp, &ctr, dst, &dlen};
        size_t l[4] = {32, 1, dst_len, 1};
        if (!sha256_parts(bi, p, l, 4)) goto out;
        size_t take = out_len - (i - 1) * XMD_B < XMD_B ? out_len - (i - 1) * XMD_B : XMD_B;
        memcpy(out + (i - 1) * XMD_B, bi, take);
    }
    rc = CK_OK;
out:
    ck_wipe(b0, sizeof(b0));
    ck_wipe(bi, sizeof(bi));
    ck_wipe(tmp, sizeof(tmp));
    return rc;
}

/* hash_to_field never fails for count <= 2: lengths stay far below the limits. */
void ck_fp_hash_to_field(ck_fp *u, size_t count, const uint8_t *msg, size_t len,
                         const uint8_t *dst, size_t dst_len)
{
    uint8_t buf[2 * 64];
    if (count > 2) count = 2;
    if (ck_expand_message_xmd(buf, count * 64, msg, len, dst, dst_len) != CK_OK)
        memset(buf, 0, sizeof(buf));
    for (size_t i = 0; i < count; i++) ck_fp_from_64_bytes(&u[i], buf + 64 * i);
    ck_wipe(buf, sizeof(buf));
}

void ck_fp2_hash_to_field(ck_fp2 *u, size_t count, const uint8_t *msg, size_t len,
                          const uint8_t *dst, size_t dst_len)
{
    uint8_t buf[4 * 64];
    if (count > 2) count = 2;
    if (ck_expand_message_xmd(buf, count * 128, msg, len, dst, dst_len) != CK_OK)
        memset(buf, 0, sizeof(buf));
    for (size_t i = 0; i < count; i++) {
        ck_fp_from_64_bytes(&u[i].c0, buf + 128 * i);
        ck_fp_from_64_bytes(&u[i].c1, buf + 128 * i + 64);
    }
    ck_wipe(buf, sizeof(buf));
}

/* hash_to_field into Fr with L = 48 (the BLS12381SCALAR convention). */
ck_err ck_fr_hash(ck_fr *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    uint8_t buf[48];
    ck_err e = ck_expand_message_xmd(buf, sizeof(buf), msg, len, dst, dst_len);
    if (e == CK_OK) ck_fr_from_bytes_reduce(r, buf, sizeof(buf));
    ck_wipe(buf, sizeof(buf));
    return e;
}

static ck_err check_args(const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    if ((!msg && len) || !dst || dst_len == 0) return CK_ERR_PARAM;
    return CK_OK;
}

ck_err ck_g1_hash_to_curve(ck_g1 *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    ck_fp u[2];
    ck_g1 q0, q1;
    ck_err e = check_args(msg, len, dst, dst_len);
    if (e != CK_OK) return e;
    ck_fp_hash_to_field(u, 2, msg, len, dst, dst_len);
    ck_g1_map_to_curve_raw(&q0, &u[0]);
    ck_g1_map_to_curve_raw(&q1, &u[1]);
    ck_g1_add(&q0, &q0, &q1);
    ck_g1_clear_cofactor(r, &q0);
    return CK_OK;
}

ck_err ck_g1_encode_to_curve(ck_g1 *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    ck_fp u;
    ck_g1 q;
    ck_err e = check_args(msg, len, dst, dst_len);
    if (e != CK_OK) return e;
    ck_fp_hash_to_field(&u, 1, msg, len, dst, dst_len);
    ck_g1_map_to_curve_raw(&q, &u);
    ck_g1_clear_cofactor(r, &q);
    return CK_OK;
}

ck_err ck_g2_hash_to_curve(ck_g2 *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    ck_fp2 u[2];
    ck_g2 q0, q1;
    ck_err e = check_args(msg, len, dst, dst_len);
    if (e != CK_OK) return e;
    ck_fp2_hash_to_field(u, 2, msg, len, dst, dst_len);
    ck_g2_map_to_curve_raw(&q0, &u[0]);
    ck_g2_map_to_curve_raw(&q1, &u[1]);
    ck_g2_add(&q0, &q0, &q1);
    ck_g2_clear_cofactor(r, &q0);
    return CK_OK;
}

ck_err ck_g2_encode_to_curve(ck_g2 *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len)
{
    ck_fp2 u;
    ck_g2 q;
    ck_err e = check_args(msg, len, dst, dst_len);
    if (e != CK_OK) return e;
    ck_fp2_hash_to_field(&u, 1, msg, len, dst, dst_len);
    ck_g2_map_to_curve_raw(&q, &u);
    ck_g2_clear_cofactor(r, &q);
    return CK_OK;
}

void ck_g1_map_to_curve(ck_g1 *r, const ck_fp *u)
{
    ck_g1 q;
    ck_g1_map_to_curve_raw(&q, u);
    ck_g1_clear_cofactor(r, &q);
}

void ck_g2_map_to_curve(ck_g2 *r, const ck_fp2 *u)
{
    ck_g2 q;
    ck_g2_map_to_curve_raw(&q, u);
    ck_g2_clear_cofactor(r, &q);
}
