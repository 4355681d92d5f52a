/*
 * tests/abe/policy_util.c - see policy_util.h.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_util.h"

static uint64_t pu_state;

void pu_seed(uint64_t seed)
{
    const char *env = getenv("CK_TEST_SEED");
    pu_state = env ? strtoull(env, NULL, 0) : seed;
}

uint64_t pu_rand(void)
{
    uint64_t z = (pu_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t pu_below(uint32_t n)
{
    return (uint32_t)(pu_rand() % n);
}

static int has(const pu_user *u, const char *label)
{
    size_t i;
    for (i = 0; i < u->n_attrs; i++)
        if (strcmp(u->attrs[i], label) == 0)
            return 1;
    return 0;
}

int pu_eval(const ck_policy_node *n, const pu_user *u)
{
    size_t i, count = 0;
    uint32_t x, v;

    switch (n->kind) {
    case CK_POLICY_ATTR:
        return has(u, n->label);
    case CK_POLICY_CMP:
        for (i = 0; i < u->n_num; i++)
            if (strcmp(u->num_label[i], n->label) == 0)
                break;
        if (i == u->n_num)
            return 0;
        x = u->num_value[i];
        v = n->value;
        switch (n->op) {
        case CK_POLICY_LT: return x < v;
        case CK_POLICY_LE: return x <= v;
        case CK_POLICY_GT: return x > v;
        case CK_POLICY_GE: return x >= v;
        case CK_POLICY_EQ: return x == v;
        }
        return 0;
    case CK_POLICY_AND:
    case CK_POLICY_OR:
    case CK_POLICY_THRESHOLD:
        for (i = 0; i < n->n; i++)
            count += (size_t)pu_eval(n->child[i], u);
        if (n->kind == CK_POLICY_AND)
            return count == n->n;
        if (n->kind == CK_POLICY_OR)
            return count >= 1;
        return count >= n->k;
    }
    return 0;
}

const char **pu_user_labels(const pu_user *u, size_t *n, char **store)
{
    size_t total = u->n_attrs + CK_POLICY_NUM_BITS * u->n_num, i, j, k = 0;
    const char **out = malloc((total ? total : 1) * sizeof *out);
    char(*bits)[CK_POLICY_LABEL_MAX] = malloc((u->n_num ? u->n_num : 1) * CK_POLICY_NUM_BITS *
                                              CK_POLICY_LABEL_MAX);
    if (out == NULL || bits == NULL)
        abort();
    for (i = 0; i < u->n_attrs; i++)
        out[k++] = u->attrs[i];
    for (i = 0; i < u->n_num; i++) {
        ck_policy_error err;
        if (ck_policy_numeric_attrs(bits + CK_POLICY_NUM_BITS * i, u->num_label[i],
                                    strlen(u->num_label[i]), u->num_value[i], &err) != CK_POLICY_OK)
            abort();
        for (j = 0; j < CK_POLICY_NUM_BITS; j++)
            out[k++] = bits[CK_POLICY_NUM_BITS * i + j];
    }
    *n = k;
    *store = (char *)bits;
    return out;
}

int pu_target_in_span(const ck_lsss *l, const unsigned char *held)
{
    size_t rows = ck_lsss_rows(l), cols = ck_lsss_cols(l), m = 0, i, j, r, c, rank = 0;
    ck_fr *a, *t, f, tmp;
    size_t *pivot_col;
    int ok = 1;

    for (i = 0; i < rows; i++)
        m += held[i] != 0;
    a = malloc((m ? m : 1) * cols * sizeof *a);
    t = malloc(cols * sizeof *t);
    pivot_col = malloc((m ? m : 1) * sizeof *pivot_col);
    if (a == NULL || t == NULL || pivot_col == NULL)
        abort();
    for (i = 0, r = 0; i < rows; i++) {
        if (!held[i])
            continue;
        for (j = 0; j < cols; j++)
            ck_lsss_entry(&a[r * cols + j], l, i, j);
        r++;
    }
    /* row echelon form, fraction-free (row_r = p * row_r - f * row_pivot
     * keeps the span and needs no inversion) */
    for (c = 0; c < cols && rank < m; c++) {
        ck_fr p;
        for (r = rank; r < m && ck_fr_is_zero(&a[r * cols + c]); r++)
            ;
        if (r == m)
            continue;
        if (r != rank)
            for (j = 0; j < cols; j++) {
                tmp = a[r * cols + j];
                a[r * cols + j] = a[rank * cols + j];
                a[rank * cols + j] = tmp;
            }
        p = a[rank * cols + c];
        for (r = rank + 1; r < m; r++) {
            if (ck_fr_is_zero(&a[r * cols + c]))
                continue;
            f = a[r * cols + c];
            for (j = c; j < cols; j++) {
                ck_fr_mul(&a[r * cols + j], &a[r * cols + j], &p);
                ck_fr_mul(&tmp, &f, &a[rank * cols + j]);
                ck_fr_sub(&a[r * cols + j], &a[r * cols + j], &tmp);
            }
        }
        pivot_col[rank++] = c;
    }
    /* reduce the target against the pivots, left to right */
    for (j = 0; j < cols; j++)
        ck_fr_from_u64(&t[j], j == 0);
    for (r = 0; r < rank; r++) {
        size_t pc = pivot_col[r];
        ck_fr p = a[r * cols + pc];
        f = t[pc];
        if (ck_fr_is_zero(&f))
            continue;
        for (j = pc; j < cols; j++) {
            ck_fr_mul(&t[j], &t[j], &p);
            ck_fr_mul(&tmp, &f, &a[r * cols + j]);
            ck_fr_sub(&t[j], &t[j], &tmp);
        }
    }
    for (j = 0; j < cols; j++)
        if (!ck_fr_is_zero(&t[j]))
            ok = 0;
    free(a);
    free(t);
    free(pivot_col);
    return ok;
}

int pu_reconstructs(const ck_lsss *l, const ck_lsss_solution *s)
{
    size_t cols = ck_lsss_cols(l), i, j, n;
    ck_fr *sum = malloc(cols * sizeof *sum), tmp, one;
    const uint32_t *cidx;
    const ck_fr *vals;
    int ok = 1;

    if (sum == NULL)
        abort();
    for (j = 0; j < cols; j++)
        ck_fr_from_u64(&sum[j], 0);
    for (i = 0; i < s->n; i++) {
        n = ck_lsss_row_entries(l, s->rows[i], &cidx, &vals);
        for (j = 0; j < n; j++) {
            ck_fr_mul(&tmp, &s->coef[i], &vals[j]);
            ck_fr_add(&sum[cidx[j]], &sum[cidx[j]], &tmp);
        }
    }
    ck_fr_from_u64(&one, 1);
    if (!ck_fr_eq(&sum[0], &one))
        ok = 0;
    for (j = 1; j < cols; j++)
        if (!ck_fr_is_zero(&sum[j]))
            ok = 0;
    free(sum);
    return ok;
}
