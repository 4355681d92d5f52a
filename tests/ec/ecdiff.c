/*
 * ecdiff - line-oriented driver for the differential test against
 * @noble/curves (tests/js/ecdiff.mjs). One command per input line, one
 * result line per command, all values in lowercase hex ("-" = empty).
 *
 *   fp_{add,sub,mul} A B | fp_{sqr,neg,inv,sqrt} A          (48-byte Fp)
 *   fp2_{add,sub,mul} A B | fp2_{sqr,neg,inv,sqrt} A        (96 bytes, c0||c1)
 *   fp12_mul A B | fp12_{sqr,inv,conj,cyclo_sqr} A | fp12_frob A POWER(dec)
 *   final_exp A                                              (576 bytes)
 *   fr_{add,sub,mul} A B | fr_{inv,neg} A | fr_reduce BYTES | fr_decode BYTES
 *   fr_hash MSG DST
 *   gN_{add} P Q | gN_{dbl,neg} P | gN_{mul,mul_vartime,table_mul} P K
 *   gN_msm COUNT P1 K1 ... | gN_{hash,encode} MSG DST | gN_map U | gN_decode BYTES
 *   pairing P Q | multi_pairing COUNT P1 Q1 ... | gt_exp GT K | gt_decode BYTES
 *   gt_compress GT (decompress(compress(GT))) | gt_torus GT (compressed bytes)
 *
 * Points go in and out ZCash-compressed. Results: HEX, "none" (no square
 * root), "err N" (ck_err code). fp_sqrt prints one root; the script accepts
 * either sign because the contract does not fix which root is returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"

#define MAXTOK 80
#define MAXBYTES 8192

static uint8_t bufs[MAXTOK][MAXBYTES];
static size_t lens[MAXTOK];
static char *tok[MAXTOK];
static int ntok;

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes token i into bufs[i]; "-" is the empty string. */
static int arg(int i)
{
    const char *h = tok[i];
    size_t n, k;
    if (i >= ntok) return -1;
    if (strcmp(h, "-") == 0) {
        lens[i] = 0;
        return 0;
    }
    n = strlen(h);
    if (n % 2 || n / 2 > MAXBYTES) return -1;
    for (k = 0; k < n / 2; k++) {
        int hi = hexval(h[2 * k]), lo = hexval(h[2 * k + 1]);
        if (hi < 0 || lo < 0) return -1;
        bufs[i][k] = (uint8_t)(hi << 4 | lo);
    }
    lens[i] = n / 2;
    return 0;
}

static void out_hex(const uint8_t *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    size_t i;
    if (n == 0) fputc('-', stdout);
    for (i = 0; i < n; i++) {
        fputc(d[p[i] >> 4], stdout);
        fputc(d[p[i] & 15], stdout);
    }
}

static void out_err(ck_err e) { printf("err %d", (int)e); }

#define NEED(cond)                                   \
    do {                                             \
        if (!(cond)) {                               \
            printf("bad-args");                      \
            return;                                  \
        }                                            \
    } while (0)

/* Parsers that report a bad argument instead of guessing. */
static int get_fp(ck_fp *r, int i) { return arg(i) == 0 && lens[i] == 48 && ck_fp_from_bytes(r, bufs[i]) == CK_OK; }
static int get_fp2(ck_fp2 *r, int i) { return arg(i) == 0 && lens[i] == 96 && ck_fp2_from_bytes(r, bufs[i]) == CK_OK; }
static int get_fp12(ck_fp12 *r, int i) { return arg(i) == 0 && lens[i] == 576 && ck_fp12_from_bytes(r, bufs[i]) == CK_OK; }
static int get_fr(ck_fr *r, int i) { return arg(i) == 0 && lens[i] == 32 && ck_fr_from_bytes(r, bufs[i]) == CK_OK; }
static int get_g1(ck_g1 *r, int i) { return arg(i) == 0 && ck_g1_decode(r, bufs[i], lens[i]) == CK_OK; }
static int get_g2(ck_g2 *r, int i) { return arg(i) == 0 && ck_g2_decode(r, bufs[i], lens[i]) == CK_OK; }
static int get_gt(ck_gt *r, int i) { return arg(i) == 0 && ck_gt_from_bytes(r, bufs[i], lens[i]) == CK_OK; }

static void put_fp(const ck_fp *a) { uint8_t b[48]; ck_fp_to_bytes(b, a); out_hex(b, 48); }
static void put_fp2(const ck_fp2 *a) { uint8_t b[96]; ck_fp2_to_bytes(b, a); out_hex(b, 96); }
static void put_fp12(const ck_fp12 *a) { static uint8_t b[576]; ck_fp12_to_bytes(b, a); out_hex(b, 576); }
static void put_fr(const ck_fr *a) { uint8_t b[32]; ck_fr_to_bytes(b, a); out_hex(b, 32); }
static void put_g1(const ck_g1 *a) { uint8_t b[48]; ck_g1_compress(b, a); out_hex(b, 48); }
static void put_g2(const ck_g2 *a) { uint8_t b[96]; ck_g2_compress(b, a); out_hex(b, 96); }

static void cmd_fp(const char *op)
{
    ck_fp a, b, r;
    NEED(get_fp(&a, 1));
    if (!strcmp(op, "sqr")) ck_fp_sqr(&r, &a);
    else if (!strcmp(op, "neg")) ck_fp_neg(&r, &a);
    else if (!strcmp(op, "inv")) ck_fp_inv(&r, &a);
    else if (!strcmp(op, "sqrt")) {
        if (!ck_fp_sqrt(&r, &a)) { printf("none"); return; }
    } else {
        NEED(get_fp(&b, 2));
        if (!strcmp(op, "add")) ck_fp_add(&r, &a, &b);
        else if (!strcmp(op, "sub")) ck_fp_sub(&r, &a, &b);
        else if (!strcmp(op, "mul")) ck_fp_mul(&r, &a, &b);
        else NEED(0);
    }
    put_fp(&r);
}

static void cmd_fp2(const char *op)
{
    ck_fp2 a, b, r;
    NEED(get_fp2(&a, 1));
    if (!strcmp(op, "sqr")) ck_fp2_sqr(&r, &a);
    else if (!strcmp(op, "neg")) ck_fp2_neg(&r, &a);
    else if (!strcmp(op, "inv")) ck_fp2_inv(&r, &a);
    else if (!strcmp(op, "sqrt")) {
        if (!ck_fp2_sqrt(&r, &a)) { printf("none"); return; }
    } else {
        NEED(get_fp2(&b, 2));
        if (!strcmp(op, "add")) ck_fp2_add(&r, &a, &b);
        else if (!strcmp(op, "sub")) ck_fp2_sub(&r, &a, &b);
        else if (!strcmp(op, "mul")) ck_fp2_mul(&r, &a, &b);
        else NEED(0);
    }
    put_fp2(&r);
}

static void cmd_fp12(const char *op)
{
    ck_fp12 a, b, r;
    NEED(get_fp12(&a, 1));
    if (!strcmp(op, "sqr")) ck_fp12_sqr(&r, &a);
    else if (!strcmp(op, "inv")) ck_fp12_inv(&r, &a);
    else if (!strcmp(op, "conj")) ck_fp12_conj(&r, &a);
    else if (!strcmp(op, "cyclo_sqr")) ck_fp12_cyclotomic_sqr(&r, &a);
    else if (!strcmp(op, "frob")) {
        NEED(ntok > 2);
        ck_fp12_frobenius(&r, &a, (unsigned)strtoul(tok[2], NULL, 10));
    } else if (!strcmp(op, "mul")) {
        NEED(get_fp12(&b, 2));
        ck_fp12_mul(&r, &a, &b);
    } else NEED(0);
    put_fp12(&r);
}

static void cmd_fr(const char *op)
{
    ck_fr a, b, r;
    ck_err e;
    if (!strcmp(op, "reduce")) {
        NEED(arg(1) == 0 && lens[1] <= 64);
        ck_fr_from_bytes_reduce(&r, bufs[1], lens[1]);
        put_fr(&r);
        return;
    }
    if (!strcmp(op, "decode")) {
        NEED(arg(1) == 0);
        if (lens[1] != 32) { out_err(CK_ERR_LENGTH); return; } /* the API takes exactly 32 bytes */
        if ((e = ck_fr_from_bytes(&r, bufs[1])) != CK_OK) { out_err(e); return; }
        printf("ok ");
        put_fr(&r);
        return;
    }
    if (!strcmp(op, "hash")) {
        NEED(arg(1) == 0 && arg(2) == 0);
        if ((e = ck_fr_hash(&r, bufs[1], lens[1], bufs[2], lens[2])) != CK_OK) { out_err(e); return; }
        put_fr(&r);
        return;
    }
    NEED(get_fr(&a, 1));
    if (!strcmp(op, "inv")) ck_fr_inv(&r, &a);
    else if (!strcmp(op, "neg")) ck_fr_neg(&r, &a);
    else {
        NEED(get_fr(&b, 2));
        if (!strcmp(op, "add")) ck_fr_add(&r, &a, &b);
        else if (!strcmp(op, "sub")) ck_fr_sub(&r, &a, &b);
        else if (!strcmp(op, "mul")) ck_fr_mul(&r, &a, &b);
        else NEED(0);
    }
    put_fr(&r);
}

/* The G1 and G2 commands are the same code over two types. */
#define GROUP_CMD(g, FIELD)                                                                    \
    static void cmd_##g(const char *op)                                                        \
    {                                                                                          \
        static ck_##g ps[32];                                                                  \
        static ck_fr ks[32];                                                                   \
        ck_##g a, b, r;                                                                        \
        ck_fr k;                                                                               \
        ck_err e;                                                                              \
        if (!strcmp(op, "decode")) {                                                           \
            uint8_t c[192], u[192];                                                            \
            NEED(arg(1) == 0);                                                                 \
            if ((e = ck_##g##_decode(&r, bufs[1], lens[1])) != CK_OK) { out_err(e); return; }  \
            ck_##g##_compress(c, &r);                                                          \
            ck_##g##_serialize(u, &r);                                                         \
            printf("ok ");                                                                     \
            out_hex(c, CK_##FIELD##_COMPRESSED_BYTES);                                         \
            printf(" ");                                                                       \
            out_hex(u, CK_##FIELD##_UNCOMPRESSED_BYTES);                                       \
            return;                                                                            \
        }                                                                                      \
        if (!strcmp(op, "hash") || !strcmp(op, "encode")) {                                    \
            NEED(arg(1) == 0 && arg(2) == 0);                                                  \
            e = op[0] == 'h' ? ck_##g##_hash_to_curve(&r, bufs[1], lens[1], bufs[2], lens[2])  \
                             : ck_##g##_encode_to_curve(&r, bufs[1], lens[1], bufs[2], lens[2]); \
            if (e != CK_OK) { out_err(e); return; }                                            \
            put_##g(&r);                                                                       \
            return;                                                                            \
        }                                                                                      \
        if (!strcmp(op, "msm")) {                                                              \
            size_t n, i;                                                                       \
            NEED(ntok > 1);                                                                    \
            n = strtoul(tok[1], NULL, 10);                                                     \
            NEED(n <= 32 && ntok == (int)(2 + 2 * n));                                         \
            for (i = 0; i < n; i++) NEED(get_##g(&ps[i], (int)(2 + 2 * i)) && get_fr(&ks[i], (int)(3 + 2 * i))); \
            ck_##g##_msm(&r, ps, ks, n);                                                       \
            put_##g(&r);                                                                       \
            return;                                                                            \
        }                                                                                      \
        if (!strcmp(op, "map")) {                                                              \
            MAP_##g();                                                                         \
            put_##g(&r);                                                                       \
            return;                                                                            \
        }                                                                                      \
        NEED(get_##g(&a, 1));                                                                  \
        if (!strcmp(op, "dbl")) ck_##g##_dbl(&r, &a);                                          \
        else if (!strcmp(op, "neg")) ck_##g##_neg(&r, &a);                                     \
        else if (!strcmp(op, "add")) {                                                         \
            NEED(get_##g(&b, 2));                                                              \
            ck_##g##_add(&r, &a, &b);                                                          \
        } else {                                                                               \
            NEED(get_fr(&k, 2));                                                               \
            if (!strcmp(op, "mul")) ck_##g##_mul(&r, &a, &k);                                  \
            else if (!strcmp(op, "mul_vartime")) ck_##g##_mul_vartime(&r, &a, &k);             \
            else if (!strcmp(op, "table_mul")) {                                               \
                static ck_##g##_table t;                                                       \
                ck_##g##_table_init(&t, &a);                                                   \
                ck_##g##_table_mul(&r, &t, &k);                                                \
            } else NEED(0);                                                                    \
        }                                                                                      \
        put_##g(&r);                                                                           \
    }

#define MAP_g1()                          \
    do {                                  \
        ck_fp u;                          \
        NEED(get_fp(&u, 1));              \
        ck_g1_map_to_curve(&r, &u);       \
    } while (0)
#define MAP_g2()                          \
    do {                                  \
        ck_fp2 u;                         \
        NEED(get_fp2(&u, 1));             \
        ck_g2_map_to_curve(&r, &u);       \
    } while (0)

GROUP_CMD(g1, G1)
GROUP_CMD(g2, G2)

static void cmd_pairing(const char *op)
{
    static ck_g1_affine pa[32];
    static ck_g2_affine qa[32];
    ck_g1 p;
    ck_g2 q;
    ck_gt r, a;
    ck_fr k;
    ck_err e;
    if (!strcmp(op, "pairing")) {
        NEED(get_g1(&p, 1) && get_g2(&q, 2));
        ck_pairing(&r, &p, &q);
    } else if (!strcmp(op, "multi_pairing")) {
        size_t n, i;
        NEED(ntok > 1);
        n = strtoul(tok[1], NULL, 10);
        NEED(n <= 32 && ntok == (int)(2 + 2 * n));
        for (i = 0; i < n; i++) {
            NEED(get_g1(&p, (int)(2 + 2 * i)) && get_g2(&q, (int)(3 + 2 * i)));
            ck_g1_to_affine(&pa[i], &p);
            ck_g2_to_affine(&qa[i], &q);
        }
        ck_multi_pairing(&r, pa, qa, n);
    } else if (!strcmp(op, "final_exp")) {
        ck_fp12 f;
        NEED(get_fp12(&f, 1));
        ck_final_exp(&r, &f);
    } else if (!strcmp(op, "gt_exp")) {
        NEED(get_gt(&a, 1) && get_fr(&k, 2));
        ck_gt_exp(&r, &a, &k);
    } else if (!strcmp(op, "gt_decode")) {
        NEED(arg(1) == 0);
        if ((e = ck_gt_from_bytes(&r, bufs[1], lens[1])) != CK_OK) { out_err(e); return; }
        printf("ok ");
    } else if (!strcmp(op, "gt_compress")) { /* round trip through the torus form */
        uint8_t c[CK_GT_COMPRESSED_BYTES];
        NEED(get_gt(&a, 1));
        ck_gt_compress(c, &a);
        if ((e = ck_gt_decompress(&r, c, sizeof c)) != CK_OK) { out_err(e); return; }
    } else if (!strcmp(op, "gt_torus")) { /* the compressed bytes themselves */
        uint8_t c[CK_GT_COMPRESSED_BYTES];
        NEED(get_gt(&a, 1));
        ck_gt_compress(c, &a);
        out_hex(c, sizeof c);
        return;
    } else NEED(0);
    put_fp12(&r.v);
}

static void dispatch(void)
{
    const char *c = tok[0];
    if (!strncmp(c, "fp12_", 5)) cmd_fp12(c + 5);
    else if (!strncmp(c, "fp2_", 4)) cmd_fp2(c + 4);
    else if (!strncmp(c, "fp_", 3)) cmd_fp(c + 3);
    else if (!strncmp(c, "fr_", 3)) cmd_fr(c + 3);
    else if (!strncmp(c, "g1_", 3)) cmd_g1(c + 3);
    else if (!strncmp(c, "g2_", 3)) cmd_g2(c + 3);
    else cmd_pairing(c);
}

int main(void)
{
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        char *save = NULL, *t;
        ntok = 0;
        for (t = strtok_r(line, " \t\r\n", &save); t && ntok < MAXTOK; t = strtok_r(NULL, " \t\r\n", &save))
            tok[ntok++] = t;
        if (ntok == 0) continue;
        dispatch();
        fputc('\n', stdout);
    }
    return 0;
}
