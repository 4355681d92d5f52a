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
 * (F^t through the attribute table cache, maabe_attr_table.c). */
static ck_abe_err encrypt_row(ck_abe_row *row, const ck_abe_authority_pk *pk, const char *label,
                              const ck_fr *lambda, const ck_fr *omega, const ck_fr *t)
{
    ck_gt a;
    ck_g1 b;
    ck_fr neg_t;
    ck_gt_table_exp(&row->c1, ck_abe_egg_table(), lambda);
    if (pk->tables) ck_gt_table_exp(&a, &pk->tables->e_alpha, t);
    else ck_gt_exp(&a, &pk->e_alpha, t);
    ck_gt_mul(&row->c1, &row->c1, &a);

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

ck_abe_err ck_abe_encrypt(ck_abe_ct *ct, ck_gt *shared, const char *policy,
                          const ck_abe_authority_pk *const *pks, size_t n_pks,
                          ck_abe_epoch_fn epoch, void *epoch_ctx, ck_policy_error *perr)
{
    ck_policy *pol = NULL;
    ck_fr *v = NULL, *w = NULL, lambda, omega, t;
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
    for (size_t x = 0; x < rows; x++) {
        const ck_abe_authority_pk *pk = find_pk(pks, n_pks, ck_lsss_authority(ct->lsss, x));
        rc = CK_ABE_ERR_RANDOM;
        if (ck_fr_random_nonzero(&t) != CK_OK) goto out;
        ck_lsss_row_dot(&lambda, ct->lsss, x, v);
        ck_lsss_row_dot(&omega, ct->lsss, x, w);
        rc = encrypt_row(&ct->row[x], pk, ck_lsss_label(ct->lsss, x), &lambda, &omega, &t);
        if (rc != CK_ABE_OK) goto out;
    }
    ck_gt_table_exp(shared, ck_abe_egg_table(), &v[0]);
    rc = CK_ABE_OK;
out:
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
