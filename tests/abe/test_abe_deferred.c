/*
 * tests/abe/test_abe_deferred.c - a header decoded for decryption
 * (ck_abe_ct_decode_for_decrypt) against the strict decoder:
 *  - honest headers (AND of 10, a 2-of-3 threshold with an unused row)
 *    decrypt to the same element both ways;
 *  - C2 or C3 moved off G1 by a component of order prime to r: the strict
 *    decoder refuses it, the deferred path decrypts it to the untouched
 *    header's element (the pairing cannot see the component);
 *  - C4 moved off G2 (a random twist point, or plus a point of order 13):
 *    decoded, then refused by the decryption, for a used row;
 *  - C1 times a cyclotomic element outside GT: refused by the decryption;
 *    C1 outside the cyclotomic subgroup: refused by the decoder;
 *  - a strictly decoded header keeps decrypting as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abe_util.h"
#include "carekey/ec.h"
#include "ec_util.h"
#include "harness.h"

typedef struct { uint8_t *b; size_t n; } buf;

/* epoch, C1, C2, C3, C4 (docs/FORMAT.md) */
#define ROW_BYTES (4 + CK_GT_COMPRESSED_BYTES + 2 * CK_G1_COMPRESSED_BYTES + CK_G2_COMPRESSED_BYTES)

static buf enc_ct(const ck_abe_ct *ct)
{
    buf r = {NULL, ck_abe_ct_encode(NULL, ct)};
    if (!(r.b = malloc(r.n))) abort();
    ck_abe_ct_encode(r.b, ct);
    return r;
}

/* The reader's path: the decoder for decryption, then the decryption. */
static ck_abe_err open_deferred(ck_gt *z, const buf *b, ck_abe_user_key *key)
{
    ck_abe_ct ct;
    ck_abe_err rc = ck_abe_ct_decode_for_decrypt(&ct, b->b, b->n);
    if (rc != CK_ABE_OK) return rc;
    CHECK(ct.membership_deferred == 1, "deferred flag set");
    rc = ck_abe_decrypt(z, &ct, key);
    ck_abe_ct_free(&ct);
    return rc;
}

static ck_abe_err decode_strict(const buf *b)
{
    ck_abe_ct ct;
    ck_abe_err rc = ck_abe_ct_decode(&ct, b->b, b->n);
    if (rc == CK_ABE_OK) {
        CHECK(ct.membership_deferred == 0, "strict decoder leaves the flag clear");
        ck_abe_ct_free(&ct);
    }
    return rc;
}

/* Changes to one row of a header. */
typedef void (*tamper_fn)(ck_abe_row *row);

static void tamper_c2(ck_abe_row *row) { ck_g1 t; tu_g1_order3(&t); ck_g1_add(&row->c2, &row->c2, &t); }
static void tamper_c3(ck_abe_row *row)
{
    ck_g1 t;
    tu_g1_order3(&t);
    ck_g1_add(&t, &t, &t);                   /* -T3, another point of order 3 */
    ck_g1_add(&row->c3, &row->c3, &t);
}
static void tamper_c4_random(ck_abe_row *row) { tu_g2_on_twist(&row->c4); }
static void tamper_c1(ck_abe_row *row)
{
    ck_gt u;
    tu_cyclotomic_outside_gt(&u);
    ck_gt_mul(&row->c1, &row->c1, &u);
}

/* Row x of ct changed by fn, re-encoded: the strict decoder refuses it, and
 * the reader's path gives deferred_want (and then want, when that is OK). */
static void check_tamper(const char *what, ck_abe_ct *ct, size_t x, tamper_fn fn, ck_abe_user_key *key,
                         const ck_gt *want, ck_abe_err deferred_want)
{
    ck_abe_row saved = ct->row[x];
    ck_gt z;
    buf b;
    fn(&ct->row[x]);
    b = enc_ct(ct);
    ct->row[x] = saved;
    CHECK(decode_strict(&b) == CK_ABE_ERR_POINT, "%s: strict decoder refuses", what);
    ck_gt_one(&z);
    ck_abe_err rc = open_deferred(&z, &b, key);
    CHECK(rc == deferred_want, "%s: deferred path gives %s, want %s", what, ck_abe_strerror(rc),
          ck_abe_strerror(deferred_want));
    if (deferred_want == CK_ABE_OK) CHECK(ck_gt_eq(&z, want), "%s: same element as the untouched header", what);
    free(b.b);
}

static void test_and10(void)
{
    static const char *attrs[] = {"a0@hosp-a", "a1@hosp-a", "a2@hosp-a", "a3@hosp-a", "b0@hosp-b", "b1@hosp-b",
                                  "b2@hosp-b", "c0@board", "c1@board", "d0@patient", NULL};
    const char *policy = "a0@hosp-a and a1@hosp-a and a2@hosp-a and a3@hosp-a and b0@hosp-b and b1@hosp-b and "
                         "b2@hosp-b and c0@board and c1@board and d0@patient";
    ck_abe_user_key key;
    ck_abe_ct ct;
    ck_gt z, got;
    buf b;
    au_key(&key, "gid-deferred", attrs);
    CHECK(ck_abe_encrypt(&ct, &z, policy, au_pks, AU_N_AUTH, NULL, NULL, NULL) == CK_ABE_OK, "encrypt and10");
    b = enc_ct(&ct);
    CHECK(decode_strict(&b) == CK_ABE_OK, "honest header: strict decode");
    CHECK(open_deferred(&got, &b, &key) == CK_ABE_OK && ck_gt_eq(&got, &z), "honest header: deferred path");
    for (size_t x = 0; x < ct.rows; x += 3) {
        check_tamper("C2 + T3", &ct, x, tamper_c2, &key, &z, CK_ABE_OK);
        check_tamper("C3 - T3", &ct, x, tamper_c3, &key, &z, CK_ABE_OK);
        check_tamper("C4 off G2", &ct, x, tamper_c4_random, &key, &z, CK_ABE_ERR_POINT);
        check_tamper("C1 outside GT", &ct, x, tamper_c1, &key, &z, CK_ABE_ERR_POINT);
    }
    {   /* C1 outside the cyclotomic subgroup: the decoder itself refuses */
        ck_abe_ct d;
        size_t off = b.n - ct.rows * ROW_BYTES + 4;     /* row 0's C1 */
        memset(b.b + off, 0, CK_GT_COMPRESSED_BYTES);
        b.b[off + CK_GT_COMPRESSED_BYTES - 1] = 7;             /* m = 7: torus, not cyclotomic */
        CHECK(ck_abe_ct_decode_for_decrypt(&d, b.b, b.n) == CK_ABE_ERR_POINT, "C1 not cyclotomic: decoder refuses");
    }
    free(b.b);
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&key);
}

/* A threshold leaves a row unused: its elements cannot matter, and the used
 * rows are still checked. */
static void test_threshold(void)
{
    static const char *attrs[] = {"a0@hosp-a", "b0@hosp-b", NULL};
    ck_abe_user_key key;
    ck_abe_ct ct;
    ck_gt z, got;
    buf b;
    au_key(&key, "gid-threshold", attrs);
    CHECK(ck_abe_encrypt(&ct, &z, "2 of (a0@hosp-a, b0@hosp-b, c0@board)", au_pks, AU_N_AUTH, NULL, NULL, NULL) ==
              CK_ABE_OK, "encrypt 2 of 3");
    b = enc_ct(&ct);
    CHECK(open_deferred(&got, &b, &key) == CK_ABE_OK && ck_gt_eq(&got, &z), "threshold: deferred path");
    free(b.b);
    check_tamper("used row, C4 off G2", &ct, 0, tamper_c4_random, &key, &z, CK_ABE_ERR_POINT);
    check_tamper("used row, C2 + T3", &ct, 1, tamper_c2, &key, &z, CK_ABE_OK);
    ck_abe_ct_free(&ct);
    ck_abe_user_key_free(&key);
}

int main(void)
{
    tu_seed(0xdefe2);
    au_setup();
    test_and10();
    test_threshold();
    au_teardown();
    TEST_MAIN_END();
}
