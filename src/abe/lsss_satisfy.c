/*
 * abe/lsss_satisfy.c - the decryptor's side of the LSSS: a cheapest set of
 * usable rows and the coefficients w with sum w_i M_i = (1, 0, ..., 0).
 *
 * Walks the expanded access tree (never eliminates on the matrix):
 *   cost(leaf) = 1 if its row is usable, else infinite
 *   cost(or)   = min over children      cost(and) = sum over children
 *   cost(k of n) = sum of the k smallest child costs
 * which is exact because every leaf is its own row (the tree is read-once
 * in rows). Coefficients flow down: or and and pass the parent's weight
 * (Lewko-Waters: the and-children's vectors sum to the parent's), k of n
 * multiplies it by the Lagrange coefficient at 0 of the chosen x = i.
 * Ties go to the leftmost child, so the result is deterministic.
 */
#include <stdlib.h>
#include <string.h>

#include "abe/lsss_internal.h"

#define INF UINT32_MAX

typedef struct pick {
    uint32_t cost;
    uint32_t pos; /* child position */
} pick;

typedef struct solver {
    const ck_lsss *l;
    const unsigned char *held;
    uint32_t *cost;    /* per node */
    pick *picks;       /* per kid slot: thresholds' children sorted by cost */
    unsigned char *chosen; /* per kid slot */
    ck_fr *lam;        /* per kid slot: Lagrange coefficient of a chosen child */
    ck_fr *tmp;        /* 2 * max k */
    ck_lsss_solution *sol;
} solver;

static uint32_t add_cost(uint32_t a, uint32_t b)
{
    return (a == INF || b == INF) ? INF : a + b;
}

static int pick_cmp(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static uint32_t cost(solver *s, uint32_t x)
{
    const ck_xnode *nd = &s->l->node[x];
    const uint32_t *kids = s->l->kids + nd->first;
    uint32_t i, c = 0;

    switch (nd->kind) {
    case CK_X_LEAF:
        c = s->held[nd->row] ? 1 : INF;
        break;
    case CK_X_OR:
        c = INF;
        for (i = 0; i < nd->n; i++) {
            uint32_t ci = cost(s, kids[i]);
            if (ci < c)
                c = ci;
        }
        break;
    case CK_X_AND:
        for (i = 0; i < nd->n; i++)
            c = add_cost(c, cost(s, kids[i]));
        break;
    case CK_X_THRESH: {
        pick *pk = s->picks + nd->first;
        for (i = 0; i < nd->n; i++)
            pk[i] = (pick){ cost(s, kids[i]), i };
        qsort(pk, nd->n, sizeof *pk, pick_cmp);
        for (i = 0; i < nd->k; i++)
            c = add_cost(c, pk[i].cost);
        break;
    }
    }
    s->cost[x] = c;
    return c;
}

/* lam[first + pos] for the chosen children of a threshold: the Lagrange
 * coefficient at 0 over the chosen x = pos + 1:
 *   lambda_i = prod_{j != i} x_j / (x_j - x_i)   (one batch inversion).  */
static void lagrange(solver *s, const ck_xnode *nd)
{
    const pick *pk = s->picks + nd->first;
    ck_fr *den = s->tmp, *pre = s->tmp + nd->k, acc, inv, t, xi, xj;
    uint32_t i, j, k = nd->k;

    for (i = 0; i < k; i++) {
        ck_fr num;
        ck_fr_from_u64(&num, 1);
        ck_fr_from_u64(&den[i], 1);
        ck_fr_from_u64(&xi, pk[i].pos + 1);
        for (j = 0; j < k; j++) {
            if (j == i)
                continue;
            ck_fr_from_u64(&xj, pk[j].pos + 1);
            ck_fr_mul(&num, &num, &xj);
            ck_fr_sub(&t, &xj, &xi);
            ck_fr_mul(&den[i], &den[i], &t);
        }
        s->lam[nd->first + pk[i].pos] = num;
    }
    /* batch inversion: pre[i] = den[0] * ... * den[i-1] */
    ck_fr_from_u64(&acc, 1);
    for (i = 0; i < k; i++) {
        pre[i] = acc;
        ck_fr_mul(&acc, &acc, &den[i]);
    }
    ck_fr_inv(&inv, &acc);
    for (i = k; i-- > 0;) {
        ck_fr_mul(&t, &inv, &pre[i]); /* 1 / den[i] */
        ck_fr_mul(&inv, &inv, &den[i]);
        ck_fr_mul(&s->lam[nd->first + pk[i].pos], &s->lam[nd->first + pk[i].pos], &t);
    }
}

static void collect(solver *s, uint32_t x, const ck_fr *w)
{
    const ck_xnode *nd = &s->l->node[x];
    const uint32_t *kids = s->l->kids + nd->first;
    uint32_t i, best = 0;
    ck_fr wi;

    switch (nd->kind) {
    case CK_X_LEAF:
        s->sol->rows[s->sol->n] = nd->row;
        s->sol->coef[s->sol->n] = *w;
        s->sol->n++;
        return;
    case CK_X_OR:
        for (i = 1; i < nd->n; i++)
            if (s->cost[kids[i]] < s->cost[kids[best]])
                best = i;
        collect(s, kids[best], w);
        return;
    case CK_X_AND:
        for (i = 0; i < nd->n; i++)
            collect(s, kids[i], w);
        return;
    case CK_X_THRESH:
        for (i = 0; i < nd->k; i++)
            s->chosen[nd->first + s->picks[nd->first + i].pos] = 1;
        lagrange(s, nd);
        for (i = 0; i < nd->n; i++) {
            if (!s->chosen[nd->first + i])
                continue;
            ck_fr_mul(&wi, w, &s->lam[nd->first + i]);
            collect(s, kids[i], &wi);
        }
        return;
    }
}

ck_policy_err ck_lsss_satisfy_rows(ck_lsss_solution **out, const ck_lsss *l,
                                   const unsigned char *held, ck_policy_error *err)
{
    solver s;
    ck_lsss_solution *sol = NULL;
    ck_policy_err e = CK_POLICY_ERR_NOMEM;
    size_t i, maxk = 1, slots;
    uint32_t total;
    ck_fr one;

    ck_policy_ok(err);
    if (out == NULL || l == NULL || (held == NULL && l->rows > 0))
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no LSSS, rows or output");
    *out = NULL;
    memset(&s, 0, sizeof s);
    s.l = l;
    s.held = held;
    for (i = 0; i < l->nnodes; i++)
        if (l->node[i].kind == CK_X_THRESH && l->node[i].k > maxk)
            maxk = l->node[i].k;
    slots = l->nkids ? l->nkids : 1;
    s.cost = malloc(l->nnodes * sizeof *s.cost);
    s.picks = malloc(slots * sizeof *s.picks);
    s.chosen = calloc(slots, 1);
    s.lam = malloc(slots * sizeof *s.lam);
    s.tmp = malloc(2 * maxk * sizeof *s.tmp);
    if (!s.cost || !s.picks || !s.chosen || !s.lam || !s.tmp)
        goto out;
    total = cost(&s, l->root);
    if (total == INF) {
        e = CK_POLICY_ERR_UNSATISFIED;
        goto out;
    }
    if ((sol = calloc(1, sizeof *sol)) == NULL ||
        (sol->rows = malloc(total * sizeof *sol->rows)) == NULL ||
        (sol->coef = malloc(total * sizeof *sol->coef)) == NULL)
        goto out;
    s.sol = sol;
    ck_fr_from_u64(&one, 1);
    collect(&s, l->root, &one);
    *out = sol;
    sol = NULL;
    e = CK_POLICY_OK;
out:
    free(s.cost);
    free(s.picks);
    free(s.chosen);
    free(s.lam);
    free(s.tmp);
    ck_lsss_solution_free(sol);
    if (e == CK_POLICY_ERR_UNSATISFIED)
        return ck_policy_fail(err, e, 0, "policy not satisfied");
    if (e != CK_POLICY_OK)
        return ck_policy_fail(err, e, 0, "out of memory");
    return e;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

ck_policy_err ck_lsss_satisfy(ck_lsss_solution **out, const ck_lsss *l, const char *const *attrs,
                              size_t n_attrs, ck_policy_error *err)
{
    const char **sorted = NULL;
    unsigned char *held = NULL;
    ck_policy_err e;
    size_t i;

    ck_policy_ok(err);
    if (out == NULL || l == NULL || (attrs == NULL && n_attrs > 0))
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no LSSS, attributes or output");
    *out = NULL;
    for (i = 0; i < n_attrs; i++)
        if (attrs[i] == NULL)
            return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "NULL attribute");
    sorted = malloc((n_attrs ? n_attrs : 1) * sizeof *sorted);
    held = calloc(l->rows ? l->rows : 1, 1);
    if (sorted == NULL || held == NULL) {
        e = ck_policy_fail(err, CK_POLICY_ERR_NOMEM, 0, "out of memory");
        goto out;
    }
    for (i = 0; i < n_attrs; i++)
        sorted[i] = attrs[i];
    qsort(sorted, n_attrs, sizeof *sorted, str_cmp);
    for (i = 0; i < l->rows; i++) {
        const char *label = ck_lsss_label(l, i);
        held[i] = n_attrs > 0 && bsearch(&label, sorted, n_attrs, sizeof *sorted, str_cmp) != NULL;
    }
    e = ck_lsss_satisfy_rows(out, l, held, err);
out:
    free(sorted);
    free(held);
    return e;
}

void ck_lsss_solution_free(ck_lsss_solution *s)
{
    if (s == NULL)
        return;
    free(s->rows);
    free(s->coef);
    free(s);
}
