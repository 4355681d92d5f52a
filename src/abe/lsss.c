/*
 * abe/lsss.c - policy -> LSSS matrix (M, rho), and its accessors.
 *
 * Shares are assigned top-down; the root holds the vector (1) and every
 * gate gives each child a vector such that the children's vectors
 * reconstruct the parent's (columns are appended as gates need them):
 *
 *   or        every child gets the parent's vector v.
 *   and (n)   Lewko-Waters with n-1 fresh columns c..c+n-2:
 *             child 0: v + e_c;  child j: -e_{c+j-1} + e_{c+j};
 *             child n-1: -e_{c+n-2}.  The children's vectors sum to v.
 *   k of n    Shamir with k-1 fresh columns: child i (x = i, 1-based)
 *             gets v + sum_{j=1}^{k-1} i^j e_{c+j-1}; any k children
 *             reconstruct v with the Lagrange coefficients at 0.
 *
 * Entries are 0, 1, -1 except in threshold columns. Rows are sparse; the
 * non-zeros of a row are stored in increasing column order.
 */
#include <stdlib.h>
#include <string.h>

#include "abe/lsss_internal.h"

typedef struct ent {
    uint32_t col;
    ck_fr v;
} ent;

typedef struct builder {
    ck_lsss *l;
    size_t next_row;
    ck_fr one, minus_one;
} builder;

static int append_row(builder *b, uint32_t row, const ent *vec, size_t vn)
{
    ck_lsss *l = b->l;
    size_t i;

    if (row != b->next_row)
        return -1; /* rows are numbered in leaf order; cannot happen */
    if (l->nnz + vn > l->nnz_cap) {
        size_t cap = l->nnz_cap ? 2 * l->nnz_cap : 64;
        uint32_t *c;
        ck_fr *v;
        while (cap < l->nnz + vn)
            cap *= 2;
        if ((c = realloc(l->colidx, cap * sizeof *c)) == NULL)
            return -1;
        l->colidx = c;
        if ((v = realloc(l->val, cap * sizeof *v)) == NULL)
            return -1;
        l->val = v;
        l->nnz_cap = cap;
    }
    for (i = 0; i < vn; i++) {
        l->colidx[l->nnz + i] = vec[i].col;
        l->val[l->nnz + i] = vec[i].v;
    }
    l->nnz += vn;
    l->rowptr[row + 1] = l->nnz;
    b->next_row++;
    return 0;
}

static int share(builder *b, uint32_t x, const ent *vec, size_t vn)
{
    ck_lsss *l = b->l;
    const ck_xnode nd = l->node[x];
    ent *buf = NULL, pair[2];
    uint32_t i, j, c;
    int rc = -1;

    switch (nd.kind) {
    case CK_X_LEAF:
        return append_row(b, nd.row, vec, vn);
    case CK_X_OR:
        for (i = 0; i < nd.n; i++)
            if (share(b, l->kids[nd.first + i], vec, vn) != 0)
                return -1;
        return 0;
    case CK_X_AND:
        c = (uint32_t)l->cols;
        l->cols += nd.n - 1;
        if ((buf = malloc((vn + 1) * sizeof *buf)) == NULL)
            goto out;
        memcpy(buf, vec, vn * sizeof *buf);
        buf[vn] = (ent){ c, b->one };
        if (share(b, l->kids[nd.first], buf, vn + 1) != 0)
            goto out;
        for (i = 1; i < nd.n; i++) {
            pair[0] = (ent){ c + i - 1, b->minus_one };
            pair[1] = (ent){ c + i, b->one };
            if (share(b, l->kids[nd.first + i], pair, i + 1 < nd.n ? 2 : 1) != 0)
                goto out;
        }
        rc = 0;
        goto out;
    case CK_X_THRESH:
        c = (uint32_t)l->cols;
        l->cols += nd.k - 1;
        if ((buf = malloc((vn + nd.k - 1) * sizeof *buf)) == NULL)
            goto out;
        memcpy(buf, vec, vn * sizeof *buf);
        for (i = 1; i <= nd.n; i++) {
            ck_fr xi, pw;
            ck_fr_from_u64(&xi, i);
            pw = xi;
            for (j = 1; j < nd.k; j++) {
                buf[vn + j - 1] = (ent){ c + j - 1, pw };
                ck_fr_mul(&pw, &pw, &xi);
            }
            if (share(b, l->kids[nd.first + i - 1], buf, vn + nd.k - 1) != 0)
                goto out;
        }
        rc = 0;
        goto out;
    }
out:
    free(buf);
    return rc;
}

ck_policy_err ck_lsss_build(ck_lsss **out, const ck_policy *p, ck_policy_error *err)
{
    ck_lsss *l = NULL;
    builder b;
    ent root;
    ck_policy_err e = CK_POLICY_ERR_NOMEM;

    ck_policy_ok(err);
    if (out == NULL || p == NULL)
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no policy or output");
    *out = NULL;
    if ((l = calloc(1, sizeof *l)) == NULL)
        goto out;
    if (ck_lsss_expand(l, p) != 0)
        goto out;
    if ((l->rowptr = calloc(l->rows + 1, sizeof *l->rowptr)) == NULL)
        goto out;
    memset(&b, 0, sizeof b);
    b.l = l;
    ck_fr_from_u64(&b.one, 1);
    ck_fr_neg(&b.minus_one, &b.one);
    root.col = 0;
    root.v = b.one;
    l->cols = 1;
    if (share(&b, l->root, &root, 1) != 0 || b.next_row != l->rows)
        goto out;
    *out = l;
    l = NULL;
    e = CK_POLICY_OK;
out:
    ck_lsss_free(l);
    if (e != CK_POLICY_OK)
        return ck_policy_fail(err, e, 0, "out of memory");
    return e;
}

void ck_lsss_free(ck_lsss *l)
{
    if (l == NULL)
        return;
    free(l->labels);
    free(l->label_off);
    free(l->rowptr);
    free(l->colidx);
    free(l->val);
    free(l->node);
    free(l->kids);
    free(l);
}

size_t ck_lsss_rows(const ck_lsss *l)
{
    return l->rows;
}

size_t ck_lsss_cols(const ck_lsss *l)
{
    return l->cols;
}

const char *ck_lsss_label(const ck_lsss *l, size_t row)
{
    return row < l->rows ? l->labels + l->label_off[row] : NULL;
}

const char *ck_lsss_authority(const ck_lsss *l, size_t row)
{
    const char *label = ck_lsss_label(l, row);
    return label ? strchr(label, '@') + 1 : NULL;
}

size_t ck_lsss_row_entries(const ck_lsss *l, size_t row, const uint32_t **cols, const ck_fr **vals)
{
    if (row >= l->rows) {
        *cols = NULL;
        *vals = NULL;
        return 0;
    }
    *cols = l->colidx + l->rowptr[row];
    *vals = l->val + l->rowptr[row];
    return l->rowptr[row + 1] - l->rowptr[row];
}

void ck_lsss_entry(ck_fr *out, const ck_lsss *l, size_t row, size_t col)
{
    size_t lo, hi;

    ck_fr_from_u64(out, 0);
    if (row >= l->rows)
        return;
    lo = l->rowptr[row];
    hi = l->rowptr[row + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->colidx[mid] == col) {
            *out = l->val[mid];
            return;
        }
        if (l->colidx[mid] < col)
            lo = mid + 1;
        else
            hi = mid;
    }
}

void ck_lsss_row_dot(ck_fr *out, const ck_lsss *l, size_t row, const ck_fr *v)
{
    size_t i;
    ck_fr t;

    ck_fr_from_u64(out, 0);
    if (row >= l->rows)
        return;
    for (i = l->rowptr[row]; i < l->rowptr[row + 1]; i++) {
        ck_fr_mul(&t, &l->val[i], &v[l->colidx[i]]);
        ck_fr_add(out, out, &t);
    }
}
