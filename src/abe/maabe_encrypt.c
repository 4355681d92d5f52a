/*
 * src/abe/maabe_encrypt.c - encapsulation under an access policy.
 *
 * Secret-shares s (v = (s, r2..rm)) and 0 (w = (0, w2..wm)) through the LSSS
 * rows; each row gets a fresh t_x. All scalar work on secrets runs in
 * constant time (fixed-base tables with full scans, windowed ladders).
 */
#include <stdlib.h>
#include <string.h>
#include "abe/maabe_internal.h"

static const ck_abe_authority_pk *find_pk(const ck_abe_authority_pk *const *pks, size_t n,
                                          const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (pks[i] && strcmp(pks[i]->name, name) == 0) return pks[i];
    return NULL;
}

static ck_abe_err random_vector(ck_fr *v, size_t n, int first_zero)
{
    for (size_t i = 0; i < n; i++)
        if (ck_fr_random(&v[i]) != CK_OK) return CK_ABE_ERR_RANDOM;
    if (first_zero && n) memset(&v[0], 0, sizeof(v[0]));
    return CK_ABE_OK;
}

/* One row: C1 = egg^lambda e_alpha^t, C2 = g1^-t, C3 = g_y^t g1^omega, C4 = F^t
 * (F^t through the attribute table cache, maabe_attr_table.c); egg^lambda
 * comes in already made. */
static ck_abe_err encrypt_row(ck_abe_row *row, const ck_abe_authority_pk *pk, const char *label,
                              const ck_gt *egg_lambda, const ck_fr *omega, const ck_fr *t)
{
    ck_gt a;
    ck_g1 b;
    ck_fr neg_t;
    if (pk->tables) ck_gt_table_exp(&a, &pk->tables->e_alpha, t);
    else ck_gt_exp(&a, &pk->e_alpha, t);
    ck_gt_mul(&row->c1, egg_lambda, &a);

    ck_fr_neg(&neg_t, t);
    ck_g1_table_mul(&row->c2, ck_g1_generator_table(), &neg_t);

    if (pk->tables) ck_g1_table_mul(&row->c3, &pk->tables->g_y, t);
    else ck_g1_mul(&row->c3, &pk->g_y, t);
    ck_g1_table_mul(&b, ck_g1_generator_table(), omega);
    ck_g1_add(&row->c3, &row->c3, &b);

    ck_wipe(&a, sizeof(a));
    ck_wipe(&neg_t, sizeof(neg_t));
    return ck_abe_attr_mul(&row->c4, label, row->epoch, t);
}

/* 1 when every non-zero entry of M is 1 or -1 (AND and OR gates; a
 * threshold gate brings others). The entries are public. */
static int unit_matrix(const ck_lsss *l)
{
    ck_fr one, minus_one;
    ck_fr_from_u64(&one, 1);
    ck_fr_neg(&minus_one, &one);
    for (size_t x = 0; x < ck_lsss_rows(l); x++) {
        const uint32_t *cols;
        const ck_fr *vals;
        size_t n = ck_lsss_row_entries(l, x, &cols, &vals);
        for (size_t i = 0; i < n; i++)
            if (!ck_fr_eq(&vals[i], &one) && !ck_fr_eq(&vals[i], &minus_one)) return 0;
    }
    return 1;
}

/* egg^lambda_x = prod_j (egg^v_j)^M[x][j] for a unit matrix: a product of
 * the row's few columns (a -1 is a conjugation), no exponentiation. */
static void egg_lambda_unit(ck_gt *r, const ck_lsss *l, size_t x, const ck_gt *egg_v)
{
    ck_fr one;
    const uint32_t *cols;
    const ck_fr *vals;
    size_t n = ck_lsss_row_entries(l, x, &cols, &vals);
    ck_gt t;
    ck_fr_from_u64(&one, 1);
    ck_gt_one(r);
    for (size_t i = 0; i < n; i++) {
        if (ck_fr_eq(&vals[i], &one)) ck_gt_mul(r, r, &egg_v[cols[i]]);
        else {
            ck_gt_inv(&t, &egg_v[cols[i]]);
            ck_gt_mul(r, r, &t);
        }
    }
    ck_wipe(&t, sizeof(t));
}

ck_abe_err ck_abe_encrypt(ck_abe_ct *ct, ck_gt *shared, const char *policy,
                          const ck_abe_authority_pk *const *pks, size_t n_pks,
                          ck_abe_epoch_fn epoch, void *epoch_ctx, ck_policy_error *perr)
{
    ck_policy *pol = NULL;
    ck_fr *v = NULL, *w = NULL, lambda, omega, t;
    ck_gt *egg_v = NULL, egg_lambda;
    ck_abe_err rc = CK_ABE_ERR_POLICY;
    size_t rows, cols, len;

    if (!ct || !shared || !policy || (!pks && n_pks)) return CK_ABE_ERR_PARAM;
    memset(ct, 0, sizeof(*ct));
    if (ck_policy_parse(&pol, policy, strlen(policy), perr) != CK_POLICY_OK) goto out;
    if (ck_lsss_build(&ct->lsss, pol, perr) != CK_POLICY_OK) goto out;
    len = ck_policy_print(pol, NULL, 0);
    rc = CK_ABE_ERR_NOMEM;
    if (!(ct->policy = malloc(len + 1))) goto out;
    ck_policy_print(pol, ct->policy, len + 1);

    rows = ck_lsss_rows(ct->lsss);
    cols = ck_lsss_cols(ct->lsss);
    ct->row = calloc(rows, sizeof(*ct->row));
    v = calloc(cols, sizeof(*v));
    w = calloc(cols, sizeof(*w));
    if (!ct->row || !v || !w) goto out;
    ct->rows = rows;
    for (size_t x = 0; x < rows; x++) {
        rc = CK_ABE_ERR_NO_AUTHORITY;
        if (!find_pk(pks, n_pks, ck_lsss_authority(ct->lsss, x))) goto out;
        ct->row[x].epoch = epoch ? epoch(epoch_ctx, ck_lsss_label(ct->lsss, x)) : 0;
    }
    if ((rc = random_vector(v, cols, 0)) != CK_ABE_OK) goto out;
    if ((rc = random_vector(w, cols, 1)) != CK_ABE_OK) goto out;
    /* With a unit matrix, egg^v_j for each column (egg^v_0 is the shared
     * secret) make every egg^lambda_x by products: cols exponentiations
     * instead of rows + 1. */
    rc = CK_ABE_ERR_NOMEM;
    if (unit_matrix(ct->lsss) && !(egg_v = calloc(cols, sizeof(*egg_v)))) goto out;
    for (size_t j = 0; egg_v && j < cols; j++) ck_gt_table_exp(&egg_v[j], ck_abe_egg_table(), &v[j]);
    for (size_t x = 0; x < rows; x++) {
        const ck_abe_authority_pk *pk = find_pk(pks, n_pks, ck_lsss_authority(ct->lsss, x));
        rc = CK_ABE_ERR_RANDOM;
        if (ck_fr_random_nonzero(&t) != CK_OK) goto out;
        if (egg_v) egg_lambda_unit(&egg_lambda, ct->lsss, x, egg_v);
        else {
            ck_lsss_row_dot(&lambda, ct->lsss, x, v);
            ck_gt_table_exp(&egg_lambda, ck_abe_egg_table(), &lambda);
        }
        ck_lsss_row_dot(&omega, ct->lsss, x, w);
        rc = encrypt_row(&ct->row[x], pk, ck_lsss_label(ct->lsss, x), &egg_lambda, &omega, &t);
        if (rc != CK_ABE_OK) goto out;
    }
    if (egg_v) *shared = egg_v[0];
    else ck_gt_table_exp(shared, ck_abe_egg_table(), &v[0]);
    rc = CK_ABE_OK;
out:
    if (egg_v) ck_wipe(egg_v, cols * sizeof(*egg_v));
    free(egg_v);
    ck_wipe(&egg_lambda, sizeof(egg_lambda));
    if (v) ck_wipe(v, cols * sizeof(*v));
    if (w) ck_wipe(w, cols * sizeof(*w));
    ck_wipe(&lambda, sizeof(lambda));
    ck_wipe(&omega, sizeof(omega));
    ck_wipe(&t, sizeof(t));
    free(v);
    free(w);
    ck_policy_free(pol);
    if (rc != CK_ABE_OK) ck_abe_ct_free(ct);
    return rc;
}

void ck_abe_ct_free(ck_abe_ct *ct)
{
    if (!ct) return;
    free(ct->policy);
    ck_lsss_free(ct->lsss);
    free(ct->row);
    memset(ct, 0, sizeof(*ct));
}
