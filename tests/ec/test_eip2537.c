/*
 * EIP-2537 precompile vectors (go-ethereum): G1/G2 add, mul, map, pairing
 * checks, and every fail-* case, which must be rejected for the reason the
 * vector names. The precompiles are re-implemented here on the public API
 * with a strict decoder (ec_util.c); the library supplies the field range
 * check, the curve and subgroup checks, and the arithmetic.
 */
#include <string.h>

#include "ec_util.h"
#include "harness.h"

enum op { G1ADD, G1MUL, G1MSM, G2ADD, G2MUL, G2MSM, MAPG1, MAPG2, PAIRING };

/* Runs one precompile; on success writes the output into out/outlen. */
static eip_err run(enum op op, const uint8_t *in, size_t len, uint8_t *out, size_t *outlen)
{
    eip_err e;
    size_t i, n;
    switch (op) {
    case G1ADD: {
        ck_g1 a, b;
        if (len != 256) return EIP_ERR_LENGTH;
        /* EIP-2537: no subgroup check for additions. */
        if ((e = eip_decode_g1(&a, in, 0)) || (e = eip_decode_g1(&b, in + 128, 0))) return e;
        ck_g1_add(&a, &a, &b);
        eip_encode_g1(out, &a);
        *outlen = 128;
        return EIP_OK;
    }
    case G2ADD: {
        ck_g2 a, b;
        if (len != 512) return EIP_ERR_LENGTH;
        if ((e = eip_decode_g2(&a, in, 0)) || (e = eip_decode_g2(&b, in + 256, 0))) return e;
        ck_g2_add(&a, &a, &b);
        eip_encode_g2(out, &a);
        *outlen = 256;
        return EIP_OK;
    }
    case G1MUL:
    case G1MSM: {
        /* MUL is MSM with k = 1 in the final EIP: subgroup checks apply. */
        static ck_g1 ps[64];
        static ck_fr ks[64];
        ck_g1 acc, alt;
        if (len == 0 || len % 160 || len / 160 > 64) return EIP_ERR_LENGTH;
        for (i = 0, n = len / 160; i < n; i++) {
            if ((e = eip_decode_g1(&ps[i], in + 160 * i, 1))) return e;
            ck_fr_from_bytes_reduce(&ks[i], in + 160 * i + 128, 32); /* any 256-bit scalar */
        }
        if (op == G1MUL && n != 1) return EIP_ERR_LENGTH;
        if (n == 1) {
            ck_g1_mul(&acc, &ps[0], &ks[0]);
            ck_g1_mul_vartime(&alt, &ps[0], &ks[0]);
            CHECK(ck_g1_eq(&acc, &alt), "EIP G1 mul: ck_g1_mul == ck_g1_mul_vartime");
        } else {
            ck_g1_msm(&acc, ps, ks, n);
        }
        eip_encode_g1(out, &acc);
        *outlen = 128;
        return EIP_OK;
    }
    case G2MUL:
    case G2MSM: {
        static ck_g2 ps[64];
        static ck_fr ks[64];
        ck_g2 acc, alt;
        if (len == 0 || len % 288 || len / 288 > 64) return EIP_ERR_LENGTH;
        for (i = 0, n = len / 288; i < n; i++) {
            if ((e = eip_decode_g2(&ps[i], in + 288 * i, 1))) return e;
            ck_fr_from_bytes_reduce(&ks[i], in + 288 * i + 256, 32); /* any 256-bit scalar */
        }
        if (op == G2MUL && n != 1) return EIP_ERR_LENGTH;
        if (n == 1) {
            ck_g2_mul(&acc, &ps[0], &ks[0]);
            ck_g2_mul_vartime(&alt, &ps[0], &ks[0]);
            CHECK(ck_g2_eq(&acc, &alt), "EIP G2 mul: ck_g2_mul == ck_g2_mul_vartime");
        } else {
            ck_g2_msm(&acc, ps, ks, n);
        }
        eip_encode_g2(out, &acc);
        *outlen = 256;
        return EIP_OK;
    }
    case MAPG1: {
        ck_fp u;
        ck_g1 p;
        if (len != 64) return EIP_ERR_LENGTH;
        if ((e = eip_decode_fp(&u, in))) return e;
        ck_g1_map_to_curve(&p, &u);
        eip_encode_g1(out, &p);
        *outlen = 128;
        return EIP_OK;
    }
    case MAPG2: {
        ck_fp2 u;
        ck_g2 p;
        if (len != 128) return EIP_ERR_LENGTH;
        if ((e = eip_decode_fp2(&u, in))) return e;
        ck_g2_map_to_curve(&p, &u);
        eip_encode_g2(out, &p);
        *outlen = 256;
        return EIP_OK;
    }
    case PAIRING: {
        static ck_g1_affine ps[64];
        static ck_g2_affine qs[64];
        ck_g1 p;
        ck_g2 q;
        ck_gt t;
        if (len == 0 || len % 384 || len / 384 > 64) return EIP_ERR_LENGTH;
        for (i = 0, n = len / 384; i < n; i++) {
            if ((e = eip_decode_g1(&p, in + 384 * i, 1))) return e;
            if ((e = eip_decode_g2(&q, in + 384 * i + 128, 1))) return e;
            ck_g1_to_affine(&ps[i], &p);
            ck_g2_to_affine(&qs[i], &q);
        }
        ck_multi_pairing(&t, ps, qs, n);
        memset(out, 0, 32);
        out[31] = (uint8_t)ck_gt_is_one(&t);
        *outlen = 32;
        return EIP_OK;
    }
    }
    return EIP_ERR_LENGTH;
}

static size_t run_file(const char *file, enum op op, const char *array_key)
{
    json_t *root = tu_load_json(file), *arr = array_key ? json_object_get(root, array_key) : root, *c;
    static uint8_t in[40000], want[512], got[512];
    size_t i, n = 0;
    json_array_foreach(arr, i, c) {
        const char *name = json_string_value(json_object_get(c, "Name"));
        size_t len = tu_unhex(in, sizeof in, json_string_value(json_object_get(c, "Input")), -1);
        size_t wlen = tu_unhex(want, sizeof want, json_string_value(json_object_get(c, "Expected")), -1);
        size_t glen = 0;
        eip_err e = run(op, in, len, got, &glen);
        CHECK(e == EIP_OK, "%s %s: rejected (%s)", file, name, eip_err_name(e));
        if (e == EIP_OK)
            CHECK(glen == wlen && memcmp(got, want, wlen) == 0, "%s %s: got %s", file, name, tu_hex(got, glen));
        n++;
    }
    json_decref(root);
    return n;
}

static size_t run_fail_file(const char *file, enum op op)
{
    json_t *root = tu_load_json(file), *c;
    static uint8_t in[40000], got[512];
    size_t i, n = 0;
    json_array_foreach(root, i, c) {
        const char *name = json_string_value(json_object_get(c, "Name"));
        eip_err want = eip_err_from_text(json_string_value(json_object_get(c, "ExpectedError")));
        size_t len = tu_unhex(in, sizeof in, json_string_value(json_object_get(c, "Input")), -1), glen;
        eip_err e = run(op, in, len, got, &glen);
        CHECK(e == want, "%s %s: want %s, got %s", file, name, eip_err_name(want), eip_err_name(e));
        n++;
    }
    json_decref(root);
    return n;
}

int main(void)
{
    CHECK(run_file("eip2537/blsG1Add.json", G1ADD, NULL) == 112, "112 G1 additions");
    CHECK(run_file("eip2537/blsG2Add.json", G2ADD, NULL) == 112, "112 G2 additions");
    CHECK(run_file("eip2537/blsG1Mul.json", G1MUL, NULL) == 11, "11 G1 multiplications");
    CHECK(run_file("eip2537/blsG2Mul.json", G2MUL, NULL) == 11, "11 G2 multiplications");
    CHECK(run_file("eip2537/blsMapG1.json", MAPG1, NULL) == 105, "105 G1 maps");
    CHECK(run_file("eip2537/blsMapG2.json", MAPG2, NULL) == 105, "105 G2 maps");
    CHECK(run_file("eip2537/noble_eip2537_map_vectors.json", MAPG1, "G1") == 5, "5 noble G1 maps");
    CHECK(run_file("eip2537/noble_eip2537_map_vectors.json", MAPG2, "G2") == 5, "5 noble G2 maps");
    CHECK(run_file("eip2537/blsPairing.json", PAIRING, NULL) == 106, "106 pairing checks");

    size_t fails = 0;
    fails += run_fail_file("eip2537/fail-blsG1Add.json", G1ADD);
    fails += run_fail_file("eip2537/fail-blsG1Mul.json", G1MUL);
    fails += run_fail_file("eip2537/fail-blsG1MultiExp.json", G1MSM);
    fails += run_fail_file("eip2537/fail-blsG2Add.json", G2ADD);
    fails += run_fail_file("eip2537/fail-blsG2Mul.json", G2MUL);
    fails += run_fail_file("eip2537/fail-blsG2MultiExp.json", G2MSM);
    fails += run_fail_file("eip2537/fail-blsMapG1.json", MAPG1);
    fails += run_fail_file("eip2537/fail-blsMapG2.json", MAPG2);
    fails += run_fail_file("eip2537/fail-blsPairing.json", PAIRING);
    CHECK(fails == 59, "59 fail-* cases (got %zu)", fails);
    TEST_MAIN_END();
}
