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

/* One row: C1 = egg^lambda e_alpha^t, C2 = g1^-t, C3 = g_y^t g1^omega;
 * egg^lambda, e_alpha^t, C2, g_y^t and g1^omega come in already made
 * (batches), like C4 = F^t (ck_abe_attr_mul_many). */
static void encrypt_row(ck_abe_row *row, const ck_gt *egg_lambda, const ck_gt *e_alpha_t, const ck_g1 g1_powers[3])
{
    ck_gt_mul(&row->c1, egg_lambda, e_alpha_t);
    row->c2 = g1_powers[0];
    ck_g1_add(&row->c3, &g1_powers[1], &g1_powers[2]);
}

/* C4 = F(label, epoch)^t of every row, through the attribute tables
 * (maabe_attr_table.c) in one batch */
static ck_abe_err c4_powers(ck_abe_ct *ct, const ck_fr *t)
{
    size_t rows = ct->rows;
    const char **label = calloc(rows ? rows : 1, sizeof(*label));
    uint32_t *epoch = calloc(rows ? rows : 1, sizeof(*epoch));
    ck_g2 *c4 = calloc(rows ? rows : 1, sizeof(*c4));
    ck_abe_err rc = CK_ABE_ERR_NOMEM;
    if (!label || !epoch || !c4) goto out;
    for (size_t x = 0; x < rows; x++) {
        label[x] = ck_lsss_label(ct->lsss, x);
        epoch[x] = ct->row[x].epoch;
    }
    if ((rc = ck_abe_attr_mul_many(c4, label, epoch, t, rows)) != CK_ABE_OK) goto out;
    for (size_t x = 0; x < rows; x++) ct->row[x].c4 = c4[x];
out:
    free(label);
    free(epoch);
    free(c4);
    return rc;
}

/* g1^-t, g_y^t and g1^omega of every row, in one batch of fixed-base
 * multiplications (ck_g1_table_mul_many runs them eight at a time where it
 * can); g_y^t for an authority without tables by ck_g1_mul. */
static ck_abe_err g1_powers(ck_g1 (*out)[3], const ck_abe_ct *ct, const ck_abe_authority_pk *const *pk,
                            const ck_fr *t, const ck_fr *w)
{
    size_t rows = ct->rows, n = 0;
    const ck_g1_table **tab = calloc(3 * rows + 1, sizeof(*tab));
    ck_fr *k = calloc(3 * rows + 1, sizeof(*k));
    ck_g1 *r = calloc(3 * rows + 1, sizeof(*r));
    ck_abe_err rc = CK_ABE_ERR_NOMEM;
    if (!tab || !k || !r) goto out;
    for (size_t x = 0; x < rows; x++) {
        tab[n] = ck_g1_generator_table();
        ck_fr_neg(&k[n++], &t[x]);
        tab[n] = ck_g1_generator_table();
        ck_lsss_row_dot(&k[n++], ct->lsss, x, w);
        if (pk[x]->tables) {
            tab[n] = &pk[x]->tables->g_y;
            k[n++] = t[x];
        } else {
            ck_g1_mul(&out[x][1], &pk[x]->g_y, &t[x]);
        }
    }
    ck_g1_table_mul_many(r, tab, k, n);
    for (size_t x = 0, i = 0; x < rows; x++) {
        out[x][0] = r[i++];
        out[x][2] = r[i++];
        if (pk[x]->tables) out[x][1] = r[i++];
    }
    rc = CK_ABE_OK;
out:
    if (k) ck_wipe(k, (3 * rows + 1) * sizeof(*k));
    if (r) ck_wipe(r, (3 * rows + 1) * sizeof(*r));
    free(tab);
    free(k);
    free(r);
    return rc;
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

/*
 * Every fixed-base GT exponentiation of a ciphertext in one batch
 * (ck_gt_table_exp_many runs them eight at a time where it can): egg^v_j
 * for each column with a unit matrix (egg^v_0 is the shared secret), or
 * egg^lambda_x for each row and egg^s, then e_alpha^t_x for each row whose
 * authority has tables. egg[] gets the egg powers, ea[] the e_alpha ones;
 * a row without tables gets its e_alpha^t by ck_gt_exp.
 */
static ck_abe_err gt_powers(ck_gt *egg, ck_gt *ea, const ck_abe_ct *ct, const ck_abe_authority_pk *const *pk,
                            const ck_fr *v, const ck_fr *t, int unit)
{
    size_t rows = ct->rows, cols = ck_lsss_cols(ct->lsss), n_egg = unit ? cols : rows + 1, n = 0;
    const ck_gt_table **tab = calloc(n_egg + rows, sizeof(*tab));
    ck_fr *k = calloc(n_egg + rows, sizeof(*k));
    ck_gt *out = calloc(n_egg + rows, sizeof(*out));
    ck_abe_err rc = CK_ABE_ERR_NOMEM;
    if (!tab || !k || !out) goto out;
    for (size_t j = 0; j < n_egg; j++, n++) {
        tab[n] = ck_abe_egg_table();
        if (unit) k[n] = v[j];
        else if (j < rows) ck_lsss_row_dot(&k[n], ct->lsss, j, v);
        else k[n] = v[0];
    }
    for (size_t x = 0; x < rows; x++) {
        if (pk[x]->tables) {
            tab[n] = &pk[x]->tables->e_alpha;
            k[n++] = t[x];
        } else {
            ck_gt_exp(&ea[x], &pk[x]->e_alpha, &t[x]);
        }
    }
    ck_gt_table_exp_many(out, tab, k, n);
    memcpy(egg, out, n_egg * sizeof(*out));
    for (size_t x = 0, i = n_egg; x < rows; x++)
        if (pk[x]->tables) ea[x] = out[i++];
    rc = CK_ABE_OK;
out:
    if (k) ck_wipe(k, (n_egg + rows) * sizeof(*k));
    if (out) ck_wipe(out, (n_egg + rows) * sizeof(*out));
    free(tab);
    free(k);
    free(out);
    return rc;
}

ck_abe_err ck_abe_encrypt(ck_abe_ct *ct, ck_gt *shared, const char *policy,
                          const ck_abe_authority_pk *const *pks, size_t n_pks,
                          ck_abe_epoch_fn epoch, void *epoch_ctx, ck_policy_error *perr)
{
    ck_policy *pol = NULL;
    ck_fr *v = NULL, *w = NULL, *t = NULL;
    ck_g1 (*g1p)[3] = NULL;
    ck_gt *egg = NULL, *ea = NULL, egg_lambda;
    const ck_abe_authority_pk **pk = NULL;
    ck_abe_err rc = CK_ABE_ERR_POLICY;
    size_t rows = 0, cols = 0, len;
    int unit;

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
    unit = unit_matrix(ct->lsss);
    ct->row = calloc(rows, sizeof(*ct->row));
    v = calloc(cols, sizeof(*v));
    w = calloc(cols, sizeof(*w));
    t = calloc(rows, sizeof(*t));
    pk = calloc(rows, sizeof(*pk));
    ea = calloc(rows, sizeof(*ea));
    egg = calloc(unit ? cols : rows + 1, sizeof(*egg));
    g1p = calloc(rows ? rows : 1, sizeof(*g1p));
    if (!ct->row || !v || !w || !t || !pk || !ea || !egg || !g1p) goto out;
    ct->rows = rows;
    for (size_t x = 0; x < rows; x++) {
        rc = CK_ABE_ERR_NO_AUTHORITY;
        if (!(pk[x] = find_pk(pks, n_pks, ck_lsss_authority(ct->lsss, x)))) goto out;
        ct->row[x].epoch = epoch ? epoch(epoch_ctx, ck_lsss_label(ct->lsss, x)) : 0;
    }
    if ((rc = random_vector(v, cols, 0)) != CK_ABE_OK) goto out;
    if ((rc = random_vector(w, cols, 1)) != CK_ABE_OK) goto out;
    rc = CK_ABE_ERR_RANDOM;
    for (size_t x = 0; x < rows; x++)
        if (ck_fr_random_nonzero(&t[x]) != CK_OK) goto out;
    /* With a unit matrix, egg^v_j for each column make every egg^lambda_x
     * by products: cols exponentiations instead of rows + 1. */
    if ((rc = gt_powers(egg, ea, ct, pk, v, t, unit)) != CK_ABE_OK) goto out;
    if ((rc = g1_powers(g1p, ct, pk, t, w)) != CK_ABE_OK) goto out;
    if ((rc = c4_powers(ct, t)) != CK_ABE_OK) goto out;
    for (size_t x = 0; x < rows; x++) {
        if (unit) egg_lambda_unit(&egg_lambda, ct->lsss, x, egg);
        else egg_lambda = egg[x];
        encrypt_row(&ct->row[x], &egg_lambda, &ea[x], g1p[x]);
    }
    *shared = unit ? egg[0] : egg[rows];
    rc = CK_ABE_OK;
out:
    if (egg) ck_wipe(egg, (unit ? cols : rows + 1) * sizeof(*egg));
    if (ea) ck_wipe(ea, rows * sizeof(*ea));
    ck_wipe(&egg_lambda, sizeof(egg_lambda));
    if (v) ck_wipe(v, cols * sizeof(*v));
    if (w) ck_wipe(w, cols * sizeof(*w));
    if (t) ck_wipe(t, rows * sizeof(*t));
    if (g1p) ck_wipe(g1p, (rows ? rows : 1) * sizeof(*g1p));
    free(g1p);
    free(egg);
    free(ea);
    free(v);
    free(w);
    free(t);
    free(pk);
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
