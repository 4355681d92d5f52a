/* tests/ec/ec_util.c - see ec_util.h. */
#include "ec_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CK_TEST_DATA
#define CK_TEST_DATA "tests"
#endif


static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Same contract as ck_test_unhex in harness.h (kept separate so this file
 * does not pull in the harness's per-program counters). */
static long unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n, i;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
    n = strlen(hex);
    if (n % 2 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

const uint8_t TU_P_BYTES[48] = {
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6,
    0x43, 0x4b, 0xac, 0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf,
    0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe,
    0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};
const uint8_t TU_R_BYTES[32] = {
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
    0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
    0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

const char *tu_vector_path(const char *rel)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/vectors/%s", CK_TEST_DATA, rel);
    return path;
}

json_t *tu_load_json(const char *rel)
{
    json_error_t err;
    json_t *j = json_load_file(tu_vector_path(rel), 0, &err);
    if (!j) {
        fprintf(stderr, "cannot load %s: %s (line %d)\n", tu_vector_path(rel), err.text, err.line);
        exit(2);
    }
    return j;
}

size_t tu_unhex(uint8_t *out, size_t cap, const char *hex, long want)
{
    long n = unhex(out, cap, hex);
    if (n < 0 || (want >= 0 && n != want)) {
        fprintf(stderr, "bad hex (want %ld bytes): %.80s\n", want, hex);
        exit(2);
    }
    return (size_t)n;
}

const char *tu_hex(const uint8_t *in, size_t n)
{
    static char buf[2][2 * 1200 + 1];
    static int which;
    char *b = buf[which ^= 1];
    static const char digits[] = "0123456789abcdef";
    size_t i;
    if (n > 1200) n = 1200;
    for (i = 0; i < n; i++) {
        b[2 * i] = digits[in[i] >> 4];
        b[2 * i + 1] = digits[in[i] & 15];
    }
    b[2 * n] = 0;
    return b;
}

/* ---- PRNG --------------------------------------------------------------- */
static uint64_t tu_state = 0x6361726b6579ULL; /* "carekey" */

void tu_seed(uint64_t seed)
{
    const char *env = getenv("CK_TEST_SEED");
    if (env && *env) seed = strtoull(env, NULL, 0);
    tu_state = seed;
    printf("seed %llu (set CK_TEST_SEED to reproduce)\n", (unsigned long long)seed);
}

uint64_t tu_rand64(void)
{
    uint64_t z = (tu_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void tu_rand_bytes(uint8_t *out, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (i % 8 == 0) {
            uint64_t v = tu_rand64();
            size_t k;
            for (k = 0; k < 8 && i + k < n; k++) out[i + k] = (uint8_t)(v >> (8 * k));
        }
    }
}

/* u = h*2^384 + m*2^192 + l with h (16 B), m (24 B), l (24 B): every piece
 * is < 2^192 < p, so ck_fp_from_bytes (strict) accepts it. */
void tu_fp_reduce64(ck_fp *r, const uint8_t in[64])
{
    uint8_t buf[48];
    ck_fp h, m, l, two192, two384;
    memset(buf, 0, 48);
    memcpy(buf + 32, in, 16);
    if (ck_fp_from_bytes(&h, buf) != CK_OK) abort();
    memset(buf, 0, 48);
    memcpy(buf + 24, in + 16, 24);
    if (ck_fp_from_bytes(&m, buf) != CK_OK) abort();
    memset(buf, 0, 48);
    memcpy(buf + 24, in + 40, 24);
    if (ck_fp_from_bytes(&l, buf) != CK_OK) abort();
    memset(buf, 0, 48);
    buf[48 - 25] = 1; /* 2^192 */
    if (ck_fp_from_bytes(&two192, buf) != CK_OK) abort();
    ck_fp_sqr(&two384, &two192);
    ck_fp_mul(&h, &h, &two384);
    ck_fp_mul(&m, &m, &two192);
    ck_fp_add(r, &h, &m);
    ck_fp_add(r, r, &l);
}

void tu_rand_fp(ck_fp *r)
{
    uint8_t b[64];
    tu_rand_bytes(b, 64);
    tu_fp_reduce64(r, b);
}

void tu_rand_fp2(ck_fp2 *r)
{
    tu_rand_fp(&r->c0);
    tu_rand_fp(&r->c1);
}

void tu_rand_fp12(ck_fp12 *r)
{
    ck_fp6 *s[2] = {&r->c0, &r->c1};
    int i;
    for (i = 0; i < 2; i++) {
        tu_rand_fp2(&s[i]->c0);
        tu_rand_fp2(&s[i]->c1);
        tu_rand_fp2(&s[i]->c2);
    }
}

void tu_rand_fr(ck_fr *r)
{
    uint8_t b[64];
    tu_rand_bytes(b, 64);
    ck_fr_from_bytes_reduce(r, b, 64);
}

void tu_rand_g1(ck_g1 *r)
{
    ck_g1 g;
    ck_fr k;
    ck_g1_generator(&g);
    tu_rand_fr(&k);
    ck_g1_mul_vartime(r, &g, &k);
}

void tu_rand_g2(ck_g2 *r)
{
    ck_g2 g;
    ck_fr k;
    ck_g2_generator(&g);
    tu_rand_fr(&k);
    ck_g2_mul_vartime(r, &g, &k);
}

void tu_g1_on_curve(ck_g1 *r)
{
    ck_g1_affine a;
    ck_fp t, b;
    ck_fp_from_u64(&b, 4);
    do {
        tu_rand_fp(&a.x);
        ck_fp_sqr(&t, &a.x);
        ck_fp_mul(&t, &t, &a.x);
        ck_fp_add(&t, &t, &b);
    } while (!ck_fp_sqrt(&a.y, &t));
    ck_g1_from_affine(r, &a);
}

void tu_g2_on_twist(ck_g2 *r)
{
    ck_g2_affine a;
    ck_fp2 t, b;
    ck_fp_from_u64(&b.c0, 4);
    ck_fp_from_u64(&b.c1, 4);
    do {
        tu_rand_fp2(&a.x);
        ck_fp2_sqr(&t, &a.x);
        ck_fp2_mul(&t, &t, &a.x);
        ck_fp2_add(&t, &t, &b);
    } while (!ck_fp2_sqrt(&a.y, &t));
    ck_g2_from_affine(r, &a);
}

void tu_g1_order3(ck_g1 *r)
{
    ck_g1_affine a;
    ck_fp_from_u64(&a.x, 0);
    ck_fp_from_u64(&a.y, 2);
    ck_g1_from_affine(r, &a);
}

void tu_cyclotomic_outside_gt(ck_gt *r)
{
    ck_fp12 f, g;
    tu_rand_fp12(&f);
    ck_fp12_inv(&g, &f);
    ck_fp12_conj(&f, &f);
    ck_fp12_mul(&f, &f, &g);
    ck_fp12_frobenius(&g, &f, 2);
    ck_fp12_mul(&r->v, &g, &f);
}

/* ---- vector parsing ------------------------------------------------------ */
void tu_fp_from_hex(ck_fp *r, const char *hex)
{
    uint8_t raw[48], buf[48];
    size_t n = tu_unhex(raw, sizeof raw, hex, -1);
    memset(buf, 0, sizeof buf);
    memcpy(buf + 48 - n, raw, n);
    if (ck_fp_from_bytes(r, buf) != CK_OK) {
        fprintf(stderr, "vector field element out of range: %s\n", hex);
        exit(2);
    }
}

void tu_fp2_from_hex_pair(ck_fp2 *r, const char *hex)
{
    char c0[256];
    const char *comma = strchr(hex, ',');
    size_t n;
    if (!comma || (n = (size_t)(comma - hex)) >= sizeof c0) {
        fprintf(stderr, "bad Fp2 pair: %s\n", hex);
        exit(2);
    }
    memcpy(c0, hex, n);
    c0[n] = 0;
    tu_fp_from_hex(&r->c0, c0);
    tu_fp_from_hex(&r->c1, comma + 1);
}

void tu_g1_from_json(ck_g1 *r, const json_t *obj)
{
    ck_g1_affine a;
    tu_fp_from_hex(&a.x, json_string_value(json_object_get(obj, "x")));
    tu_fp_from_hex(&a.y, json_string_value(json_object_get(obj, "y")));
    ck_g1_from_affine(r, &a);
}

void tu_g2_from_json(ck_g2 *r, const json_t *obj)
{
    ck_g2_affine a;
    tu_fp2_from_hex_pair(&a.x, json_string_value(json_object_get(obj, "x")));
    tu_fp2_from_hex_pair(&a.y, json_string_value(json_object_get(obj, "y")));
    ck_g2_from_affine(r, &a);
}

void tu_fp12_pow(ck_fp12 *r, const ck_fp12 *a, const uint8_t *e, size_t elen)
{
    ck_fp12 acc, base = *a;
    size_t i;
    int bit;
    ck_fp12_one(&acc);
    for (i = 0; i < elen; i++) {
        for (bit = 7; bit >= 0; bit--) {
            ck_fp12_sqr(&acc, &acc);
            if ((e[i] >> bit) & 1) ck_fp12_mul(&acc, &acc, &base);
        }
    }
    *r = acc;
}

/* ---- EIP-2537 ------------------------------------------------------------ */
const char *eip_err_name(eip_err e)
{
    switch (e) {
    case EIP_OK: return "ok";
    case EIP_ERR_LENGTH: return "length";
    case EIP_ERR_TOP_BYTES: return "top-bytes";
    case EIP_ERR_FIELD: return "field-range";
    case EIP_ERR_CURVE: return "not-on-curve";
    case EIP_ERR_SUBGROUP: return "not-in-subgroup";
    }
    return "?";
}

eip_err eip_err_from_text(const char *t)
{
    if (strstr(t, "input length")) return EIP_ERR_LENGTH;
    if (strstr(t, "top bytes")) return EIP_ERR_TOP_BYTES;
    if (strstr(t, "fp.Element")) return EIP_ERR_FIELD;
    if (strstr(t, "not on curve")) return EIP_ERR_CURVE;
    if (strstr(t, "subgroup")) return EIP_ERR_SUBGROUP;
    fprintf(stderr, "unknown ExpectedError: %s\n", t);
    exit(2);
}

eip_err eip_decode_fp(ck_fp *r, const uint8_t in[64])
{
    int i;
    for (i = 0; i < 16; i++)
        if (in[i]) return EIP_ERR_TOP_BYTES;
    /* The library's strict decoder is the range check under test. */
    ck_err e = ck_fp_from_bytes(r, in + 16);
    if (e == CK_OK) return EIP_OK;
    if (e != CK_ERR_RANGE) fprintf(stderr, "ck_fp_from_bytes: unexpected error %s\n", ck_strerror(e));
    return EIP_ERR_FIELD;
}

eip_err eip_decode_fp2(ck_fp2 *r, const uint8_t in[128])
{
    eip_err e = eip_decode_fp(&r->c0, in);
    return e != EIP_OK ? e : eip_decode_fp(&r->c1, in + 64);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    while (n--) acc |= *p++;
    return acc == 0;
}

eip_err eip_decode_g1(ck_g1 *r, const uint8_t in[128], int subgroup_check)
{
    ck_g1_affine a;
    eip_err e;
    if (all_zero(in, 128)) { /* EIP-2537: all-zero encodes infinity */
        ck_g1_identity(r);
        return EIP_OK;
    }
    if ((e = eip_decode_fp(&a.x, in)) != EIP_OK || (e = eip_decode_fp(&a.y, in + 64)) != EIP_OK)
        return e;
    if (!ck_g1_affine_on_curve(&a)) return EIP_ERR_CURVE;
    ck_g1_from_affine(r, &a);
    if (!ck_g1_on_curve(r)) return EIP_ERR_CURVE; /* projective view must agree */
    if (subgroup_check && !ck_g1_in_group(r)) return EIP_ERR_SUBGROUP;
    return EIP_OK;
}

eip_err eip_decode_g2(ck_g2 *r, const uint8_t in[256], int subgroup_check)
{
    ck_g2_affine a;
    eip_err e;
    if (all_zero(in, 256)) {
        ck_g2_identity(r);
        return EIP_OK;
    }
    if ((e = eip_decode_fp2(&a.x, in)) != EIP_OK || (e = eip_decode_fp2(&a.y, in + 128)) != EIP_OK)
        return e;
    if (!ck_g2_affine_on_curve(&a)) return EIP_ERR_CURVE;
    ck_g2_from_affine(r, &a);
    if (!ck_g2_on_curve(r)) return EIP_ERR_CURVE;
    if (subgroup_check && !ck_g2_in_group(r)) return EIP_ERR_SUBGROUP;
    return EIP_OK;
}

static void eip_encode_fp(uint8_t out[64], const ck_fp *a)
{
    memset(out, 0, 16);
    ck_fp_to_bytes(out + 16, a);
}

void eip_encode_g1(uint8_t out[128], const ck_g1 *p)
{
    ck_g1_affine a;
    if (ck_g1_is_identity(p)) {
        memset(out, 0, 128);
        return;
    }
    ck_g1_to_affine(&a, p);
    eip_encode_fp(out, &a.x);
    eip_encode_fp(out + 64, &a.y);
}

void eip_encode_g2(uint8_t out[256], const ck_g2 *p)
{
    ck_g2_affine a;
    if (ck_g2_is_identity(p)) {
        memset(out, 0, 256);
        return;
    }
    ck_g2_to_affine(&a, p);
    eip_encode_fp(out, &a.x.c0);
    eip_encode_fp(out + 64, &a.x.c1);
    eip_encode_fp(out + 128, &a.y.c0);
    eip_encode_fp(out + 192, &a.y.c1);
}
