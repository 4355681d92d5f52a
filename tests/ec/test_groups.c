/*
 * G1/G2 group properties on random inputs: group law, constant-time mul ==
 * variable-time mul, fixed-base tables == plain mul, msm == sum of muls,
 * subgroup checks on on-curve points outside the group, and the decoders:
 * random round trips, every wrong length, flag misuse and random garbage.
 */
#include <stdlib.h>
#include <string.h>

#include "ec/internal.h"
#include "ec_util.h"
#include "harness.h"

/* Scalars that stress window recoding and reduction edges. */
static void edge_scalar(ck_fr *k, int which)
{
    uint8_t b[32];
    switch (which) {
    case 0: ck_fr_from_u64(k, 0); return;
    case 1: ck_fr_from_u64(k, 1); return;
    case 2: ck_fr_from_u64(k, 2); return;
    case 3: ck_fr_from_u64(k, 1); ck_fr_neg(k, k); return;          /* r - 1 */
    case 4: ck_fr_from_u64(k, 2); ck_fr_neg(k, k); return;          /* r - 2 */
    case 5: memset(b, 0x88, 32); ck_fr_from_bytes_reduce(k, b, 32); return; /* windows of 8 */
    case 6: memset(b, 0x77, 32); ck_fr_from_bytes_reduce(k, b, 32); return;
    case 7: memset(b, 0xff, 32); ck_fr_from_bytes_reduce(k, b, 32); return;
    case 8: ck_fr_from_u64(k, 0xffffffffffffffffULL); return;
    case 9: memset(b, 0, 32); b[0] = 0x40; ck_fr_from_bytes_reduce(k, b, 32); return; /* 2^254 */
    default: tu_rand_fr(k); return;
    }
}
#define N_EDGE 10

/* On-curve points outside the prime-order subgroups, named for the macros. */
static void g1_off_subgroup(ck_g1 *r) { tu_g1_on_curve(r); }
static void g2_off_subgroup(ck_g2 *r) { tu_g2_on_twist(r); }

#define GROUP_TESTS(G, g, F, CBYTES, UBYTES)                                                            \
    static void test_##g##_law(void)                                                                 \
    {                                                                                                \
        ck_##g a, b, c, t, u, id, gen;                                                               \
        ck_##g##_affine aa;                                                                          \
        ck_fr k1, k2;                                                                                \
        int i;                                                                                       \
        ck_##g##_identity(&id);                                                                      \
        ck_##g##_generator(&gen);                                                                    \
        CHECK(ck_##g##_is_identity(&id) && !ck_##g##_is_identity(&gen), #G " identity");             \
        CHECK(ck_##g##_in_group(&gen) && ck_##g##_in_group(&id), #G " generator/identity in group"); \
        for (i = 0; i < 12; i++) {                                                                   \
            tu_rand_##g(&a);                                                                         \
            tu_rand_##g(&b);                                                                         \
            tu_rand_##g(&c);                                                                         \
            CHECK(ck_##g##_on_curve(&a) && ck_##g##_in_group(&a), #G " random point in group");      \
            ck_##g##_add(&t, &a, &b);                                                                \
            ck_##g##_add(&t, &t, &c);                                                                \
            ck_##g##_add(&u, &b, &c);                                                                \
            ck_##g##_add(&u, &a, &u);                                                                \
            CHECK(ck_##g##_eq(&t, &u), #G " associativity");                                         \
            ck_##g##_add(&t, &a, &a); /* complete addition: doubling case */                         \
            ck_##g##_dbl(&u, &a);                                                                    \
            CHECK(ck_##g##_eq(&t, &u), #G " a + a == dbl(a)");                                       \
            ck_##g##_neg(&u, &a);                                                                    \
            ck_##g##_add(&t, &a, &u);                                                                \
            CHECK(ck_##g##_is_identity(&t), #G " a + (-a) == 0");                                    \
            ck_##g##_add(&t, &a, &id);                                                               \
            CHECK(ck_##g##_eq(&t, &a), #G " a + 0 == a");                                            \
            ck_##g##_add(&t, &id, &a);                                                               \
            CHECK(ck_##g##_eq(&t, &a), #G " 0 + a == a");                                            \
            ck_##g##_to_affine(&aa, &a);                                                             \
            CHECK(ck_##g##_affine_on_curve(&aa), #G " affine on curve");                             \
            ck_##g##_from_affine(&t, &aa);                                                           \
            CHECK(ck_##g##_eq(&t, &a), #G " affine round trip");                                     \
            tu_rand_fr(&k1); /* (k1 + k2) a == k1 a + k2 a */                                        \
            tu_rand_fr(&k2);                                                                         \
            ck_##g##_mul(&t, &a, &k1);                                                               \
            ck_##g##_mul(&u, &a, &k2);                                                               \
            ck_##g##_add(&t, &t, &u);                                                                \
            ck_fr_add(&k1, &k1, &k2);                                                                \
            ck_##g##_mul(&u, &a, &k1);                                                               \
            CHECK(ck_##g##_eq(&t, &u), #G " (k1+k2)a == k1 a + k2 a");                               \
        }                                                                                            \
        ck_##g##_to_affine(&aa, &id);                                                                \
        CHECK(ck_##F##_is_zero(&aa.x) && ck_##F##_is_zero(&aa.y), #G " identity to affine is (0,0)");  \
        ck_##g##_from_affine(&t, &aa);                                                               \
        CHECK(ck_##g##_is_identity(&t), #G " affine (0,0) is the identity");                         \
        ck_##g##_dbl(&t, &id);                                                                       \
        CHECK(ck_##g##_is_identity(&t), #G " dbl(0) == 0");                                          \
        g##_off_subgroup(&a);                                                                        \
        CHECK(ck_##g##_on_curve(&a) && !ck_##g##_in_group(&a), #G " off-subgroup point rejected");   \
    }                                                                                                \
                                                                                                     \
    static void test_##g##_mul(void)                                                                 \
    {                                                                                                \
        ck_##g a, t, u, v, gen;                                                                      \
        ck_##g##_table tab;                                                                          \
        ck_fr k;                                                                                     \
        int i;                                                                                       \
        ck_##g##_generator(&gen);                                                                    \
        tu_rand_##g(&a);                                                                             \
        ck_##g##_table_init(&tab, &a);                                                               \
        for (i = 0; i < 30; i++) {                                                                   \
            edge_scalar(&k, i);                                                                      \
            ck_##g##_mul(&t, &a, &k);                                                                \
            ck_##g##_mul_vartime(&u, &a, &k);                                                        \
            CHECK(ck_##g##_eq(&t, &u), #G " mul == mul_vartime (scalar case %d)", i);                \
            ck_##g##_table_mul(&v, &tab, &k);                                                        \
            CHECK(ck_##g##_eq(&t, &v), #G " table_mul == mul (scalar case %d)", i);                  \
            ck_##g##_mul(&t, &gen, &k);                                                              \
            ck_##g##_table_mul(&v, ck_##g##_generator_table(), &k);                                  \
            CHECK(ck_##g##_eq(&t, &v), #G " generator table == mul (scalar case %d)", i);            \
            t = a; /* aliasing r == a */                                                             \
            ck_##g##_mul(&t, &t, &k);                                                                \
            CHECK(ck_##g##_eq(&t, &u), #G " mul aliasing (scalar case %d)", i);                      \
        }                                                                                            \
        edge_scalar(&k, 3); /* (r-1) a == -a */                                                      \
        ck_##g##_mul(&t, &a, &k);                                                                    \
        ck_##g##_neg(&u, &a);                                                                        \
        CHECK(ck_##g##_eq(&t, &u), #G " (r-1)a == -a");                                              \
        { /* identity as the base point */                                                           \
            ck_##g id;                                                                               \
            ck_##g##_identity(&id);                                                                  \
            tu_rand_fr(&k);                                                                          \
            ck_##g##_mul(&t, &id, &k);                                                               \
            CHECK(ck_##g##_is_identity(&t), #G " k * 0 == 0");                                       \
        }                                                                                            \
    }                                                                                                \
                                                                                                     \
    static void test_##g##_msm(void)                                                                 \
    {                                                                                                \
        static ck_##g p[40];                                                                         \
        static ck_fr k[40];                                                                          \
        static const size_t sizes[] = {0, 1, 2, 3, 7, 16, 40};                                       \
        ck_##g want, got, t;                                                                         \
        size_t s, i;                                                                                 \
        for (i = 0; i < 40; i++) {                                                                   \
            tu_rand_##g(&p[i]);                                                                      \
            edge_scalar(&k[i], (int)i);                                                              \
        }                                                                                            \
        ck_##g##_identity(&p[5]); /* identity points and zero scalars are legal */                   \
        ck_fr_from_u64(&k[6], 0);                                                                    \
        p[8] = p[7]; /* repeated points */                                                           \
        for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {                                       \
            ck_##g##_identity(&want);                                                                \
            for (i = 0; i < sizes[s]; i++) {                                                         \
                ck_##g##_mul_vartime(&t, &p[i], &k[i]);                                              \
                ck_##g##_add(&want, &want, &t);                                                      \
            }                                                                                        \
            ck_##g##_msm(&got, p, k, sizes[s]);                                                      \
            CHECK(ck_##g##_eq(&got, &want), #G " msm of %zu == sum of muls", sizes[s]);              \
        }                                                                                            \
    }                                                                                                \
                                                                                                     \
    static void test_##g##_codec(void)                                                               \
    {                                                                                                \
        uint8_t c[UBYTES + 1], u[UBYTES + 1], bad[UBYTES + 2];                                       \
        ck_##g a, d;                                                                                 \
        size_t len;                                                                                  \
        int i, rejected = 0;                                                                         \
        for (i = 0; i < 20; i++) {                                                                   \
            if (i == 0) ck_##g##_identity(&a); else tu_rand_##g(&a);                                 \
            ck_##g##_compress(c, &a);                                                                \
            ck_##g##_serialize(u, &a);                                                               \
            CHECK((c[0] & 0x80) && !(u[0] & 0x80), #G " compression flag");                          \
            CHECK(ck_##g##_decode(&d, c, CBYTES) == CK_OK && ck_##g##_eq(&d, &a), #G " compressed round trip"); \
            CHECK(ck_##g##_decode(&d, u, UBYTES) == CK_OK && ck_##g##_eq(&d, &a), #G " uncompressed round trip"); \
            for (len = 0; len <= UBYTES + 1; len++) { /* every wrong length */                       \
                if (len == CBYTES || len == UBYTES) continue;                                        \
                memcpy(bad, u, UBYTES); /* a valid prefix: only the length is wrong */               \
                bad[UBYTES] = 0;                                                                     \
                if (ck_##g##_decode(&d, bad, len) != CK_ERR_LENGTH) {                                \
                    CHECK(0, #G " decode of %zu bytes must be CK_ERR_LENGTH", len);                  \
                    break;                                                                           \
                }                                                                                    \
            }                                                                                        \
            if (i == 0) continue;                                                                    \
            memcpy(bad, c, CBYTES); /* sign flip decodes to -a */                                    \
            bad[0] ^= 0x20;                                                                          \
            ck_##g##_neg(&a, &a);                                                                    \
            CHECK(ck_##g##_decode(&d, bad, CBYTES) == CK_OK && ck_##g##_eq(&d, &a), #G " sign bit flip == negation"); \
            memcpy(bad, c, CBYTES);                                                                  \
            bad[0] ^= 0x80; /* compressed bytes claiming to be uncompressed */                       \
            CHECK(ck_##g##_decode(&d, bad, CBYTES) != CK_OK, #G " missing compression flag rejected"); \
            memcpy(bad, c, CBYTES);                                                                  \
            bad[0] |= 0x40; /* infinity flag on a real point */                                      \
            CHECK(ck_##g##_decode(&d, bad, CBYTES) == CK_ERR_FLAGS, #G " infinity flag with x != 0 rejected"); \
            memcpy(bad, u, UBYTES);                                                                  \
            bad[0] |= 0x20; /* sign bit is not allowed uncompressed */                               \
            CHECK(ck_##g##_decode(&d, bad, UBYTES) == CK_ERR_FLAGS, #G " sign flag in uncompressed rejected"); \
            memcpy(bad, u, UBYTES);                                                                  \
            bad[UBYTES - 1] ^= 1; /* y changed: off the curve */                                     \
            CHECK(ck_##g##_decode(&d, bad, UBYTES) == CK_ERR_NOT_ON_CURVE, #G " uncompressed off-curve rejected"); \
        }                                                                                            \
        memset(c, 0, CBYTES); /* compressed infinity needs 0xc0 exactly */                           \
        c[0] = 0xe0;                                                                                 \
        CHECK(ck_##g##_decode(&d, c, CBYTES) == CK_ERR_FLAGS, #G " infinity with sign bit rejected"); \
        memset(u, 0, UBYTES);                                                                        \
        u[0] = 0x40;                                                                                 \
        CHECK(ck_##g##_decode(&d, u, UBYTES) == CK_OK && ck_##g##_is_identity(&d), #G " uncompressed infinity"); \
        u[UBYTES - 1] = 1;                                                                           \
        CHECK(ck_##g##_decode(&d, u, UBYTES) == CK_ERR_FLAGS, #G " uncompressed infinity with y != 0 rejected"); \
        memset(u, 0, UBYTES); /* (0,0) without the infinity flag is not an encoding of 0 */          \
        CHECK(ck_##g##_decode(&d, u, UBYTES) == CK_ERR_NOT_ON_CURVE, #G " all-zero uncompressed rejected"); \
        memset(c, 0, CBYTES);                                                                        \
        c[0] = 0x80; /* x = 0 compressed: G1 (0,+-2) has order 3; on G2 there is no y */             \
        CHECK(ck_##g##_decode(&d, c, CBYTES) != CK_OK, #G " compressed x = 0 rejected");             \
        g##_off_subgroup(&a);                                                                        \
        ck_##g##_compress(c, &a);                                                                    \
        ck_##g##_serialize(u, &a);                                                                   \
        CHECK(ck_##g##_decode(&d, c, CBYTES) == CK_ERR_NOT_IN_GROUP, #G " compressed off-subgroup rejected"); \
        CHECK(ck_##g##_decode(&d, u, UBYTES) == CK_ERR_NOT_IN_GROUP, #G " uncompressed off-subgroup rejected"); \
        for (i = 0; i < 300; i++) { /* garbage with valid-looking flags */                           \
            len = (i & 1) ? CBYTES : UBYTES;                                                         \
            tu_rand_bytes(bad, len);                                                                 \
            bad[0] = (uint8_t)((bad[0] & 0x3f) | ((i & 1) ? 0x80 : 0));                              \
            if (ck_##g##_decode(&d, bad, len) != CK_OK) rejected++;                                  \
        }                                                                                            \
        CHECK(rejected == 300, #G " random garbage rejected (%d/300)", rejected);                    \
    }

/* A compressed x whose x^3 + b is not a square has no point: the contract
 * (ec.h) names that CK_ERR_NO_SQRT. */
static void test_no_sqrt(void)
{
    int i, found1 = 0, found2 = 0;
    for (i = 0; i < 40 && (found1 < 5 || found2 < 5); i++) {
        ck_fp x, t, b1;
        ck_fp2 x2, t2, b2;
        uint8_t c1[48], c2[96];
        ck_g1 p;
        ck_g2 q;
        ck_fp_from_u64(&b1, 4);
        tu_rand_fp(&x);
        ck_fp_sqr(&t, &x);
        ck_fp_mul(&t, &t, &x);
        ck_fp_add(&t, &t, &b1);
        if (!ck_fp_sqrt(&t, &t) && found1 < 5) {
            ck_fp_to_bytes(c1, &x);
            c1[0] |= 0x80;
            CHECK(ck_g1_decode(&p, c1, 48) == CK_ERR_NO_SQRT, "G1 x without y: CK_ERR_NO_SQRT");
            found1++;
        }
        ck_fp_from_u64(&b2.c0, 4);
        ck_fp_from_u64(&b2.c1, 4);
        tu_rand_fp2(&x2);
        ck_fp2_sqr(&t2, &x2);
        ck_fp2_mul(&t2, &t2, &x2);
        ck_fp2_add(&t2, &t2, &b2);
        if (!ck_fp2_sqrt(&t2, &t2) && found2 < 5) {
            ck_fp_to_bytes(c2, &x2.c1); /* ZCash order: c1 first */
            ck_fp_to_bytes(c2 + 48, &x2.c0);
            c2[0] |= 0x80;
            CHECK(ck_g2_decode(&q, c2, 96) == CK_ERR_NO_SQRT, "G2 x without y: CK_ERR_NO_SQRT");
            found2++;
        }
    }
    CHECK(found1 == 5 && found2 == 5, "found x without y on both curves");
}

GROUP_TESTS(G1, g1, fp, 48, 96)
GROUP_TESTS(G2, g2, fp2, 96, 192)

/* The batch encoders give the bytes of the one-by-one encoders, over 40
 * points (two chunks of shared inversions) with identities among them. */
#define BATCH_TEST(g, G, BYTES)                                                      \
    static void test_##g##_compress_batch(void)                                      \
    {                                                                                \
        enum { N = 40 };                                                             \
        ck_##g p[N];                                                                 \
        uint8_t one[BYTES], all[N][BYTES];                                           \
        for (int i = 0; i < N; i++) {                                                \
            tu_rand_##g(&p[i]);                                                      \
            if (i % 13 == 5) ck_##g##_identity(&p[i]);                               \
            if (i % 7 == 3) ck_##g##_dbl(&p[i], &p[i]); /* Z != 1 */                 \
        }                                                                            \
        ck_##g##_compress_batch(all[0], p, N);                                       \
        for (int i = 0; i < N; i++) {                                                \
            ck_##g##_compress(one, &p[i]);                                           \
            CHECK(memcmp(one, all[i], BYTES) == 0, #G " batch compress, point %d", i); \
        }                                                                            \
    }
BATCH_TEST(g1, G1, 48)
BATCH_TEST(g2, G2, 96)

/* The chain by a public 64-bit multiplier (subgroup tests, cofactor
 * clearing) against plain double-and-add, for points with Z = 1 and without,
 * the identity, and points outside the subgroup. On G1 a point of order 3
 * makes the chain meet P + P and P + (-P), which its complete additions
 * must get right (a wrong sum there could let a bad point pass the subgroup
 * test); the twist has no 3-torsion (h2 is prime to 3), and both groups
 * share the code (point_impl.h). */
#define MUL_U64_TEST(G, g)                                                                        \
    static void g##_mul_u64_ref(ck_##g *r, const ck_##g *a, uint64_t k)                        \
    {                                                                                          \
        ck_##g acc;                                                                            \
        ck_##g##_identity(&acc);                                                               \
        for (int i = 63; i >= 0; i--) {                                                        \
            ck_##g##_dbl(&acc, &acc);                                                          \
            if ((k >> i) & 1) ck_##g##_add(&acc, &acc, a);                                     \
        }                                                                                      \
        *r = acc;                                                                              \
    }                                                                                          \
    static void test_##g##_mul_u64(const ck_##g *torsion3)                                     \
    {                                                                                          \
        static const uint64_t ks[] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 0xd201000000010000ULL,       \
                                      0x8000000000000000ULL, 0xffffffffffffffffULL};          \
        ck_##g pts[5], t, u;                                                                   \
        ck_##g##_affine aff;                                                                   \
        tu_rand_##g(&pts[0]);                                                                  \
        ck_##g##_add(&pts[0], &pts[0], &pts[0]); /* Z != 1 */                                   \
        ck_##g##_to_affine(&aff, &pts[0]);                                                     \
        ck_##g##_from_affine(&pts[1], &aff);     /* Z = 1 */                                    \
        ck_##g##_identity(&pts[2]);                                                            \
        pts[3] = *torsion3;                                                                    \
        ck_##g##_add(&pts[4], &pts[0], torsion3);                                              \
        for (size_t p = 0; p < 5; p++)                                                         \
            for (size_t i = 0; i < sizeof ks / sizeof ks[0] + 8; i++) {                        \
                uint64_t k = i < sizeof ks / sizeof ks[0] ? ks[i] : tu_rand64();             \
                ck_##g##_mul_u64_vartime(&t, &pts[p], k);                                      \
                g##_mul_u64_ref(&u, &pts[p], k);                                               \
                CHECK(ck_##g##_eq(&t, &u), #G " mul_u64_vartime, point %zu, k %llx", p,          \
                      (unsigned long long)k);                                                  \
            }                                                                                  \
    }
MUL_U64_TEST(G1, g1)
MUL_U64_TEST(G2, g2)

/* Fixed-base multiplications in batches (eight at a time in vector lanes
 * where the CPU has AVX-512 IFMA) against one by one, exactly: 1 to 20 of
 * them over two tables, with 0, 1, r - 1, 16^62 (a lone top digit: every
 * lane at the identity until window 62) and 16^62 - 1 among random
 * scalars, and against k P by the generic multiplication. */
#define TABLE_MANY(g, name)                                                                    \
    static void test_##g##_table_many(void)                                                    \
    {                                                                                          \
        enum { K = 20 };                                                                       \
        ck_##g##_table *tab = malloc(2 * sizeof *tab);                                         \
        const ck_##g##_table *tabs[K];                                                         \
        ck_##g base[2], want[K], got[K], slow;                                                 \
        ck_fr k[K], one;                                                                       \
        ck_fr_from_u64(&one, 1);                                                               \
        ck_##g##_generator(&base[0]);                                                          \
        tu_rand_##g(&base[1]);                                                                 \
        ck_##g##_table_init(&tab[0], &base[0]);                                                \
        ck_##g##_table_init(&tab[1], &base[1]);                                                \
        for (size_t n = 1; n <= K; n += n < 10 ? 1 : 5) {                                      \
            for (size_t i = 0; i < n; i++) {                                                   \
                tabs[i] = &tab[i % 3 == 1];                                                    \
                tu_rand_fr(&k[i]);                                                             \
                if (i == 2) ck_fr_from_u64(&k[i], 0);                                          \
                if (i == 3) k[i] = one;                                                        \
                if (i == 5) ck_fr_neg(&k[i], &one);                                            \
                if (i == 6 || i == 7) {                                                        \
                    uint8_t b[64] = {0};                                                       \
                    b[64 - 32] = 0x01;                  /* 2^248 = 16^62 */                    \
                    ck_fr_from_bytes_reduce(&k[i], b, sizeof b);                               \
                    if (i == 7) ck_fr_sub(&k[i], &k[i], &one);                                 \
                }                                                                              \
                ck_##g##_table_mul(&want[i], tabs[i], &k[i]);                                  \
                ck_##g##_mul(&slow, &base[i % 3 == 1], &k[i]);                                 \
                CHECK(ck_##g##_eq(&slow, &want[i]), name " table k P == k P (%zu)", i);        \
            }                                                                                  \
            ck_##g##_table_mul_many(got, tabs, k, n);                                          \
            for (size_t i = 0; i < n; i++)                                                     \
                CHECK(ck_##g##_eq(&got[i], &want[i]) &&                                        \
                          ck_##g##_is_identity(&got[i]) == ck_##g##_is_identity(&want[i]),     \
                      name " %zu table multiplications at once: %zu == one by one", n, i);     \
        }                                                                                      \
        free(tab);                                                                             \
    }
TABLE_MANY(g1, "G1")
TABLE_MANY(g2, "G2")

int main(void)
{
    ck_g1 t1;
    ck_g2 t2;
    tu_seed(0x67e0);
    test_g1_compress_batch();
    test_g2_compress_batch();
    test_g1_law();
    test_g2_law();
    test_g1_mul();
    test_g2_mul();
    test_g1_msm();
    test_g1_table_many();
    test_g2_table_many();
    test_g2_msm();
    test_g1_codec();
    test_g2_codec();
    test_no_sqrt();
    tu_g1_order3(&t1);
    tu_g2_on_twist(&t2);
    {   /* the order-3 point fails the subgroup test, and its encoding the decoder */
        uint8_t b[CK_G1_COMPRESSED_BYTES];
        ck_g1 d;
        CHECK(ck_g1_on_curve(&t1) && !ck_g1_in_group(&t1), "G1 point of order 3 not in the group");
        ck_g1_compress(b, &t1);
        CHECK(ck_g1_decode(&d, b, sizeof b) == CK_ERR_NOT_IN_GROUP, "G1 decode rejects the point of order 3");
    }
    test_g1_mul_u64(&t1);
    test_g2_mul_u64(&t2);
    TEST_MAIN_END();
}
