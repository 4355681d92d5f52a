/*
 * Pairing and GT properties on random inputs: bilinearity, non-degeneracy,
 * identities, multi-pairing == product of pairings, Miller loop + final
 * exponentiation == pairing, prepared lines == plain, GT exponentiation
 * (constant time, vartime, table), GT encodings and their membership checks,
 * and the vector lanes against the scalar code.
 */
#include <stdio.h>
#include <string.h>

#include "ec/internal.h"
#include "ec_util.h"
#include "harness.h"

static void test_bilinearity(void)
{
    ck_g1 p, ap, g1, id1;
    ck_g2 q, bq, aq, g2, id2;
    ck_fr a, b, ab;
    ck_gt e, lhs, rhs, t;
    int i;
    ck_g1_generator(&g1);
    ck_g2_generator(&g2);
    ck_g1_identity(&id1);
    ck_g2_identity(&id2);
    ck_pairing(&e, &g1, &g2);
    CHECK(!ck_gt_is_one(&e), "non-degenerate: e(G1, G2) != 1");
    CHECK(ck_gt_in_group(&e), "e(G1, G2) in GT");
    ck_gt_generator(&t);
    CHECK(ck_gt_eq(&t, &e), "ck_gt_generator == e(G1, G2)");
    ck_pairing(&t, &id1, &g2);
    CHECK(ck_gt_is_one(&t), "e(0, G2) == 1");
    ck_pairing(&t, &g1, &id2);
    CHECK(ck_gt_is_one(&t), "e(G1, 0) == 1");
    for (i = 0; i < 4; i++) {
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        tu_rand_fr(&a);
        tu_rand_fr(&b);
        ck_fr_mul(&ab, &a, &b);
        ck_g1_mul(&ap, &p, &a);
        ck_g2_mul(&bq, &q, &b);
        ck_pairing(&lhs, &ap, &bq);
        ck_pairing(&e, &p, &q);
        CHECK(!ck_gt_is_one(&e), "random e(P, Q) != 1");
        ck_gt_exp(&rhs, &e, &ab);
        CHECK(ck_gt_eq(&lhs, &rhs), "e(aP, bQ) == e(P, Q)^(ab)");
        ck_g2_mul(&aq, &q, &a);
        ck_pairing(&lhs, &ap, &q);
        ck_pairing(&rhs, &p, &aq);
        CHECK(ck_gt_eq(&lhs, &rhs), "e(aP, Q) == e(P, aQ)");
        { /* e(P1 + P2, Q) == e(P1, Q) e(P2, Q) */
            ck_g1 p2, s;
            tu_rand_g1(&p2);
            ck_g1_add(&s, &p, &p2);
            ck_pairing(&lhs, &s, &q);
            ck_pairing(&t, &p2, &q);
            ck_gt_mul(&rhs, &e, &t);
            CHECK(ck_gt_eq(&lhs, &rhs), "e(P1+P2, Q) == e(P1,Q) e(P2,Q)");
        }
        ck_g1_neg(&ap, &p); /* e(-P, Q) == e(P, Q)^-1 */
        ck_pairing(&lhs, &ap, &q);
        ck_gt_inv(&rhs, &e);
        CHECK(ck_gt_eq(&lhs, &rhs), "e(-P, Q) == e(P, Q)^-1");
        ck_gt_mul(&t, &lhs, &e);
        CHECK(ck_gt_is_one(&t), "e(-P,Q) e(P,Q) == 1");
    }
}

static void test_multi(void)
{
    enum { N = 9 };
    ck_g1 p[N];
    ck_g2 q[N];
    ck_g1_affine pa[N];
    ck_g2_affine qa[N];
    ck_g2_prepared *prep = malloc(N * sizeof *prep);
    const ck_g2_prepared *pp[N];
    ck_gt want, got, t;
    ck_fp12 f, f2;
    size_t n, i;
    for (i = 0; i < N; i++) {
        tu_rand_g1(&p[i]);
        tu_rand_g2(&q[i]);
    }
    ck_g1_identity(&p[3]); /* identities contribute 1 */
    ck_g2_identity(&q[5]);
    for (i = 0; i < N; i++) {
        ck_g1_to_affine(&pa[i], &p[i]);
        ck_g2_to_affine(&qa[i], &q[i]);
        ck_g2_prepare(&prep[i], &qa[i]);
        pp[i] = &prep[i];
    }
    for (n = 0; n <= N; n++) {
        ck_gt_one(&want);
        for (i = 0; i < n; i++) {
            ck_pairing(&t, &p[i], &q[i]);
            ck_gt_mul(&want, &want, &t);
        }
        ck_multi_pairing(&got, pa, qa, n);
        CHECK(ck_gt_eq(&got, &want), "multi_pairing of %zu == product of pairings", n);
        ck_miller_loop(&f, pa, qa, n);
        ck_final_exp(&got, &f);
        CHECK(ck_gt_eq(&got, &want), "final_exp(miller_loop) of %zu == product", n);
        ck_miller_loop_prepared(&f2, pa, pp, n);
        ck_final_exp(&got, &f2);
        CHECK(ck_gt_eq(&got, &want), "final_exp(miller_loop_prepared) of %zu == product", n);
        /* Prepared lines are monic and their points scaled (factors in Fp2
         * that the final exponentiation removes): the loops differ before it. */
        for (i = 0; i <= n; i++) {
            ck_miller_loop_mixed(&f2, pa, qa, i, pa + i, pp + i, n - i);
            ck_final_exp(&got, &f2);
            CHECK(ck_gt_eq(&got, &want), "mixed loop of %zu on the fly + %zu prepared", i, n - i);
        }
    }
    free(prep);
}

/* More prepared pairs than one Miller loop takes (chunks), identities
 * among them: e(P, Q)^k for the k pairs that count. */
static void test_prepared_many(void)
{
    enum { N = 70 };
    ck_g1 p, pk;
    ck_g2 q;
    ck_g1_affine pa[N];
    ck_g2_affine qa, id;
    ck_g2_prepared *prep = malloc(2 * sizeof *prep);
    const ck_g2_prepared *pp[N];
    ck_gt want, got;
    ck_fp12 f;
    ck_fr k;
    size_t live = 0;
    tu_rand_g1(&p);
    tu_rand_g2(&q);
    ck_g2_to_affine(&qa, &q);
    ck_g2_identity(&q);
    ck_g2_to_affine(&id, &q);
    ck_g2_prepare(&prep[0], &qa);
    ck_g2_prepare(&prep[1], &id);
    for (size_t i = 0; i < N; i++) {
        int p_id = i % 9 == 4, q_id = i % 11 == 7;
        if (p_id) memset(&pa[i], 0, sizeof pa[i]);
        else ck_g1_to_affine(&pa[i], &p);
        pp[i] = &prep[q_id];
        live += !p_id && !q_id;
    }
    ck_fr_from_u64(&k, live);
    ck_g1_mul(&pk, &p, &k);
    ck_g2_from_affine(&q, &qa);
    ck_pairing(&want, &pk, &q);
    ck_miller_loop_prepared(&f, pa, pp, N);
    ck_final_exp(&got, &f);
    CHECK(ck_gt_eq(&got, &want), "%d prepared pairs (%zu count) == e(%zuP, Q)", N, live, live);
    free(prep);
}

/* The vector lanes (AVX-512 IFMA) against the scalar code, exactly:
 * Miller loops of 4 to 21 pairs on the fly and 0 to 11 prepared, with
 * identities among them, give the same pairing either way (the loop's
 * value itself is defined only up to what the final exponentiation
 * removes); batches of fixed-base GT exponentiations of 1 to 20 elements
 * over two tables, with the scalars 0, 1 and r - 1 among random ones, give
 * the limbs of ck_gt_table_exp. Without IFMA both sides run the scalar code. */
static void test_lanes_match_scalar(void)
{
    enum { N = 21, M = 11, K = 20 };
    static const size_t otf[] = {4, 5, 8, 9, 16, 21, 0, 3}, prep[] = {0, 3, 11, 0, 2, 11, 4, 1};
    int had = ck_cpu_has_ifma;
    ck_g1_affine pa[N], ppa[M];
    ck_g2_affine qa[N], qpa[M];
    ck_g2_prepared *pre = malloc(M * sizeof *pre);
    const ck_g2_prepared *pp[M];
    ck_gt_table *tab = malloc(2 * sizeof *tab);
    const ck_gt_table *tabs[K];
    ck_gt g, ga, want[K], got[K];
    ck_fr k[K];
    if (!had) printf("# no AVX-512 IFMA here: the lanes are not built or not run\n");
    for (size_t i = 0; i < N; i++) {
        ck_g1 p;
        ck_g2 q;
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        if (i % 7 == 3) ck_g1_identity(&p);
        if (i % 5 == 2) ck_g2_identity(&q);
        ck_g1_to_affine(&pa[i], &p);
        ck_g2_to_affine(&qa[i], &q);
        if (i >= M) continue;
        tu_rand_g1(&p);
        tu_rand_g2(&q);
        if (i == 1) ck_g2_identity(&q);
        if (i == 6) ck_g1_identity(&p);
        ck_g1_to_affine(&ppa[i], &p);
        ck_g2_to_affine(&qpa[i], &q);
        ck_g2_prepare(&pre[i], &qpa[i]);
        pp[i] = &pre[i];
    }
    for (size_t t = 0; t < sizeof otf / sizeof otf[0]; t++) {
        ck_fp12 f;
        ck_gt a, b;
        ck_cpu_has_ifma = had;
        ck_miller_loop_mixed(&f, pa, qa, otf[t], ppa, pp, prep[t]);
        ck_final_exp(&a, &f);
        ck_cpu_has_ifma = 0;
        ck_miller_loop_mixed(&f, pa, qa, otf[t], ppa, pp, prep[t]);
        ck_final_exp(&b, &f);
        CHECK(ck_gt_eq(&a, &b), "lanes == scalar: %zu pairs on the fly, %zu prepared", otf[t], prep[t]);
    }
    ck_cpu_has_ifma = had;
    ck_gt_generator(&g);
    tu_rand_fr(&k[0]);
    ck_gt_exp(&ga, &g, &k[0]);
    ck_gt_table_init(&tab[0], &g);
    ck_gt_table_init(&tab[1], &ga);
    for (size_t n = 1; n <= K; n += n < 10 ? 1 : 5) {
        for (size_t i = 0; i < n; i++) {
            tabs[i] = &tab[i % 3 == 1];
            tu_rand_fr(&k[i]);
            if (i == 2) ck_fr_from_u64(&k[i], 0);
            if (i == 5) ck_fr_from_u64(&k[i], 1);
            if (i == 9) { ck_fr_from_u64(&k[i], 1); ck_fr_neg(&k[i], &k[i]); }
            ck_gt_table_exp(&want[i], tabs[i], &k[i]);
        }
        ck_gt_table_exp_many(got, tabs, k, n);
        CHECK(memcmp(got, want, n * sizeof want[0]) == 0, "%zu table exponentiations at once == one by one", n);
    }
    free(pre);
    free(tab);
}

static void test_gt(void)
{
    ck_gt g, x, y, z, dec;
    ck_gt_table *tab = malloc(sizeof *tab);
    ck_fr k, k2;
    uint8_t full[CK_GT_BYTES + 1], comp[CK_GT_COMPRESSED_BYTES + 1];
    ck_fp12 f;
    int i, rejected;
    size_t len;
    ck_gt_generator(&g);
    ck_gt_table_init(tab, &g);
    ck_fr_from_u64(&k, 0);
    ck_gt_exp(&x, &g, &k);
    CHECK(ck_gt_is_one(&x), "g^0 == 1");
    ck_fr_from_u64(&k, 1);
    ck_fr_neg(&k, &k);
    ck_gt_exp(&x, &g, &k);
    ck_gt_inv(&y, &g);
    CHECK(ck_gt_eq(&x, &y), "g^(r-1) == g^-1");
    {   /* the base-|x| split at its edges, against square-and-multiply */
        static const uint64_t small[] = {1, 2, 0xd201000000010000ULL, 0xd20100000000ffffULL,
                                         0xd201000000010001ULL, 0xffffffffffffffffULL};
        uint8_t kb[32];
        ck_fr xx;
        for (i = 0; i < 6; i++) {
            ck_fr_from_u64(&k, small[i]);
            ck_gt_exp(&x, &g, &k);
            ck_fr_to_bytes(kb, &k);
            tu_fp12_pow(&f, &g.v, kb, 32);
            CHECK(ck_fp12_eq(&x.v, &f), "g^k == square-and-multiply, k = %llx", (unsigned long long)small[i]);
        }
        ck_fr_from_u64(&xx, 0xd201000000010000ULL);
        ck_fr_mul(&k, &xx, &xx);                 /* |x|^2, |x|^3, |x|^3 - 1 */
        for (i = 0; i < 3; i++) {
            if (i == 1) ck_fr_mul(&k, &k, &xx);
            if (i == 2) { ck_fr k1; ck_fr_from_u64(&k1, 1); ck_fr_sub(&k, &k, &k1); }
            ck_gt_exp(&x, &g, &k);
            ck_fr_to_bytes(kb, &k);
            tu_fp12_pow(&f, &g.v, kb, 32);
            CHECK(ck_fp12_eq(&x.v, &f), "g^k == square-and-multiply at a power of |x| (%d)", i);
        }
    }
    {   /* the fixed-base table's signed 5-bit windows at their edges: 0, 1,
         * r - 1, every window 16 (no carry) or 17 / 31 (a carry through all
         * 52 windows), windows straddling limbs, against square-and-multiply */
        static const uint8_t fill[] = {0x84, 0x21, 0x08, 0x42, 0x10}; /* 5-bit 16s */
        uint8_t kb[32], wide[64];
        for (i = 0; i < 7; i++) {
            memset(kb, 0, sizeof kb);
            if (i == 1) kb[31] = 1;
            if (i == 2) { ck_fr_from_u64(&k, 1); ck_fr_neg(&k, &k); ck_fr_to_bytes(kb, &k); }
            if (i == 3) for (int b = 0; b < 32; b++) kb[31 - b] = fill[b % 5];
            if (i == 4) memset(kb, 0xff, sizeof kb);
            if (i == 5) for (int b = 0; b < 32; b++) kb[31 - b] = (uint8_t)(fill[b % 5] | 0x42);
            if (i == 6) kb[31 - 8] = 0x80, kb[31 - 7] = 0x01;  /* bits 63 and 64 */
            memset(wide, 0, 32);
            memcpy(wide + 32, kb, 32);
            ck_fr_from_bytes_reduce(&k, wide, 64);
            ck_fr_to_bytes(kb, &k);
            ck_gt_table_exp(&x, tab, &k);
            tu_fp12_pow(&f, &g.v, kb, 32);
            CHECK(ck_fp12_eq(&x.v, &f), "table g^k == square-and-multiply (edge %d)", i);
        }
    }
    for (i = 0; i < 8; i++) {
        tu_rand_fr(&k);
        tu_rand_fr(&k2);
        ck_gt_exp(&x, &g, &k);
        ck_gt_exp_vartime(&y, &g, &k);
        CHECK(ck_gt_eq(&x, &y), "gt_exp == gt_exp_vartime");
        ck_gt_table_exp(&y, tab, &k);
        CHECK(ck_gt_eq(&x, &y), "gt_table_exp == gt_exp");
        ck_gt_exp(&y, &g, &k2); /* g^k g^k2 == g^(k+k2) */
        ck_gt_mul(&y, &x, &y);
        ck_fr_add(&k2, &k, &k2);
        ck_gt_exp(&z, &g, &k2);
        CHECK(ck_gt_eq(&y, &z), "g^k g^k2 == g^(k+k2)");
        ck_gt_sqr(&y, &x);
        ck_gt_mul(&z, &x, &x);
        CHECK(ck_gt_eq(&y, &z), "gt_sqr == gt_mul");
        CHECK(ck_gt_in_group(&x), "g^k in GT");

        ck_gt_to_bytes(full, &x);
        CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_OK && ck_gt_eq(&dec, &x), "GT bytes round trip");
        ck_gt_compress(comp, &x);
        CHECK(ck_gt_decompress(&dec, comp, CK_GT_COMPRESSED_BYTES) == CK_OK && ck_gt_eq(&dec, &x),
              "GT compress/decompress round trip");
        full[CK_GT_BYTES - 1] ^= 1; /* any change leaves GT */
        CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_ERR_NOT_IN_GROUP, "GT bytes with a flipped bit rejected");
        comp[CK_GT_COMPRESSED_BYTES - 1] ^= 1;
        CHECK(ck_gt_decompress(&dec, comp, CK_GT_COMPRESSED_BYTES) != CK_OK, "compressed GT with a flipped bit rejected");
    }
    /* 1 is in GT; its compressed form must round trip too. */
    ck_gt_one(&x);
    ck_gt_compress(comp, &x);
    CHECK(ck_gt_decompress(&dec, comp, CK_GT_COMPRESSED_BYTES) == CK_OK && ck_gt_is_one(&dec), "compressed 1 round trip");
    ck_gt_to_bytes(full, &x);
    CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_OK && ck_gt_is_one(&dec), "GT 1 bytes round trip");
    /* Random Fp12 elements, and cyclotomic elements outside the order-r
     * subgroup (f^((p^6-1)(p^2+1))), are not in GT. */
    for (i = 0; i < 5; i++) {
        ck_fp12 t;
        tu_rand_fp12(&f);
        ck_fp12_to_bytes(full, &f);
        CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_ERR_NOT_IN_GROUP, "random Fp12 is not in GT");
        ck_fp12_conj(&t, &f); /* f^(p^6 - 1) */
        ck_fp12_inv(&f, &f);
        ck_fp12_mul(&f, &t, &f);
        ck_fp12_frobenius(&t, &f, 2); /* then ^(p^2 + 1): in the cyclotomic subgroup */
        ck_fp12_mul(&f, &t, &f);
        x.v = f;
        CHECK(!ck_gt_in_group(&x), "cyclotomic non-GT element rejected by ck_gt_in_group");
        ck_fp12_to_bytes(full, &f);
        CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_ERR_NOT_IN_GROUP, "cyclotomic non-GT bytes rejected");
        ck_gt_compress(comp, &x); /* torus-compressible, but not of order r */
        CHECK(ck_gt_decompress(&dec, comp, CK_GT_COMPRESSED_BYTES) != CK_OK,
              "compressed cyclotomic non-GT element rejected");
    }
    for (len = 0; len <= CK_GT_BYTES; len++) { /* wrong lengths */
        memset(full, 0, sizeof full);
        if (len != CK_GT_BYTES && ck_gt_from_bytes(&dec, full, len) != CK_ERR_LENGTH) {
            CHECK(0, "ck_gt_from_bytes of %zu bytes must be CK_ERR_LENGTH", len);
            break;
        }
        if (len != CK_GT_COMPRESSED_BYTES && len <= CK_GT_COMPRESSED_BYTES &&
            ck_gt_decompress(&dec, comp, len) != CK_ERR_LENGTH) {
            CHECK(0, "ck_gt_decompress of %zu bytes must be CK_ERR_LENGTH", len);
            break;
        }
    }
    memset(full, 0xff, sizeof full);
    CHECK(ck_gt_from_bytes(&dec, full, CK_GT_BYTES) == CK_ERR_RANGE, "GT bytes >= p rejected as range");
    CHECK(ck_gt_decompress(&dec, full, CK_GT_COMPRESSED_BYTES) != CK_OK, "compressed GT of 0xff bytes rejected");
    for (rejected = 0, i = 0; i < 100; i++) {
        tu_rand_bytes(comp, CK_GT_COMPRESSED_BYTES);
        if (ck_gt_decompress(&dec, comp, CK_GT_COMPRESSED_BYTES) != CK_OK) rejected++;
    }
    CHECK(rejected == 100, "random compressed GT garbage rejected (%d/100)", rejected);
    free(tab);
}

/* Batch decoding: the same elements and the same first error (code and
 * index) as decoding one by one, over 20 elements (two chunks of the
 * shared inversions) with good, range-failing, cyclotomic non-GT and
 * identity entries. */
static void test_gt_batch(void)
{
    enum { N = 20 };
    uint8_t buf[N][CK_GT_COMPRESSED_BYTES];
    const uint8_t *in[N];
    ck_gt want[N], got[N], g, x;
    ck_fr k;
    size_t bad = 99;
    ck_gt_generator(&g);
    for (int i = 0; i < N; i++) {
        tu_rand_fr(&k);
        ck_gt_exp(&want[i], &g, &k);
        if (i == 7) ck_gt_one(&want[i]);
        ck_gt_compress(buf[i], &want[i]);
        in[i] = buf[i];
    }
    {
        uint8_t all[N][CK_GT_COMPRESSED_BYTES];
        ck_gt_compress_batch(all[0], want, N);
        CHECK(memcmp(all, buf, sizeof all) == 0, "GT batch compress == one by one");
    }
    CHECK(ck_gt_decompress_batch(got, in, N, &bad) == CK_OK, "batch of valid GT elements");
    for (int i = 0; i < N; i++) CHECK(ck_gt_eq(&got[i], &want[i]), "batch element %d", i);
    for (int round = 0; round < 3; round++) {
        int at_range = round == 0 ? 17 : 4, at_group = round == 1 ? 16 : 11;
        uint8_t saved_r[CK_GT_COMPRESSED_BYTES], saved_g[CK_GT_COMPRESSED_BYTES];
        ck_fp12 f, t;
        ck_err want_e = CK_OK, e;
        size_t want_bad = N;
        memcpy(saved_r, buf[at_range], sizeof saved_r);
        memcpy(saved_g, buf[at_group], sizeof saved_g);
        memset(buf[at_range], 0xff, CK_FP_BYTES);              /* a coefficient >= p */
        tu_rand_fp12(&f);                                       /* cyclotomic, not GT */
        ck_fp12_conj(&t, &f);
        ck_fp12_inv(&f, &f);
        ck_fp12_mul(&f, &t, &f);
        ck_fp12_frobenius(&t, &f, 2);
        ck_fp12_mul(&x.v, &t, &f);
        if (round < 2) ck_gt_compress(buf[at_group], &x);
        for (int i = 0; i < N && want_bad == N; i++) {
            if ((e = ck_gt_decompress(&got[0], buf[i], CK_GT_COMPRESSED_BYTES)) != CK_OK) {
                want_e = e;
                want_bad = (size_t)i;
            }
        }
        e = ck_gt_decompress_batch(got, in, N, &bad);
        CHECK(e == want_e && e != CK_OK && bad == want_bad,
              "batch reports the first failure: %d at %zu (one by one: %d at %zu)", e, bad, want_e, want_bad);
        memcpy(buf[at_range], saved_r, sizeof saved_r);
        memcpy(buf[at_group], saved_g, sizeof saved_g);
    }
}

/* Two lines at once (ck_fp12_mul_by_014_014) against two sparse products
 * and against dense products: random lines, a zero coefficient in each
 * place, the constant line 1 a masked identity pair uses, and f = 1. */
static void test_line_pairs(void)
{
    for (int i = 0; i < 64; i++) {
        ck_fp12 f, want, got, dense;
        ck_fp2 a[3], b[3];
        tu_rand_fp12(&f);
        if (i == 0) ck_fp12_one(&f);
        for (int j = 0; j < 3; j++) {
            tu_rand_fp2(&a[j]);
            tu_rand_fp2(&b[j]);
        }
        if (i >= 1 && i <= 3) memset(&a[i - 1], 0, sizeof a[0]);
        if (i >= 4 && i <= 6) memset(&b[i - 4], 0, sizeof b[0]);
        if (i == 7) {                       /* the constant line (1, 0, 0) */
            ck_fp2_one(&b[0]);
            memset(&b[1], 0, 2 * sizeof b[0]);
        }
        want = f;
        ck_fp12_mul_by_014(&want, &a[0], &a[1], &a[2]);
        ck_fp12_mul_by_014(&want, &b[0], &b[1], &b[2]);
        got = f;
        ck_fp12_mul_by_014_014(&got, a, b);
        CHECK(ck_fp12_eq(&want, &got), "line pair == two sparse products (%d)", i);
        memset(&dense, 0, sizeof dense);    /* the lines as dense elements */
        dense.c0.c0 = a[0];
        dense.c0.c1 = a[1];
        dense.c1.c1 = a[2];
        ck_fp12_mul(&want, &f, &dense);
        memset(&dense, 0, sizeof dense);
        dense.c0.c0 = b[0];
        dense.c0.c1 = b[1];
        dense.c1.c1 = b[2];
        ck_fp12_mul(&want, &want, &dense);
        CHECK(ck_fp12_eq(&want, &got), "line pair == dense products (%d)", i);
    }
}

int main(void)
{
    tu_seed(0xba1e);
    test_line_pairs();
    test_bilinearity();
    test_multi();
    test_prepared_many();
    test_lanes_match_scalar();
    test_gt();
    test_gt_batch();
    TEST_MAIN_END();
}
