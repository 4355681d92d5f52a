/*
 * abe/lsss_tree.c - the expanded access tree behind an LSSS: comparisons
 * become chains over bit literals (policy_numeric.c), thresholds with
 * k == n become and, with k == 1 become or (the same access structure
 * with sparser rows), and every leaf gets its row and label.
 */
#include <stdlib.h>
#include <string.h>

#include "abe/lsss_internal.h"

#define GROW(ptr, count, cap, need)                                             \
    do {                                                                        \
        if ((count) + (need) > (cap)) {                                         \
            size_t nc_ = (cap) ? 2 * (cap) : 16;                                \
            void *np_;                                                          \
            while (nc_ < (count) + (need))                                      \
                nc_ *= 2;                                                       \
            np_ = realloc((ptr), nc_ * sizeof *(ptr));                          \
            if (np_ == NULL)                                                    \
                return -1;                                                      \
            (ptr) = np_;                                                        \
            (cap) = nc_;                                                        \
        }                                                                       \
    } while (0)

static int new_node(ck_lsss *l, uint32_t kind, uint32_t k, uint32_t n, uint32_t *idx)
{
    ck_xnode *x;
    GROW(l->node, l->nnodes, l->nodes_cap, 1);
    GROW(l->kids, l->nkids, l->kids_cap, n);
    x = &l->node[l->nnodes];
    x->kind = kind;
    x->k = k;
    x->n = n;
    x->first = (uint32_t)l->nkids;
    x->row = 0;
    l->nkids += n;
    *idx = (uint32_t)l->nnodes++;
    return 0;
}

static int new_leaf(ck_lsss *l, const char *label, uint32_t *idx)
{
    size_t len = strlen(label) + 1;

    if (new_node(l, CK_X_LEAF, 0, 0, idx) != 0)
        return -1;
    GROW(l->labels, l->labels_len, l->labels_cap, len);
    GROW(l->label_off, l->rows, l->label_off_cap, 1);
    memcpy(l->labels + l->labels_len, label, len);
    l->label_off[l->rows] = l->labels_len;
    l->labels_len += len;
    l->node[*idx].row = (uint32_t)l->rows++;
    return 0;
}

static int bit_leaf(ck_lsss *l, const ck_policy_node *n, const ck_num_step *s, uint32_t *idx)
{
    char label[CK_POLICY_LABEL_MAX];
    ck_num_bit_label(label, n->name, n->authority, s->bit, s->val);
    return new_leaf(l, label, idx);
}

/* T_top of the chain T_0 = lit_0, T_j = op_j(lit_j, T_{j-1}), flattened. */
static int expand_chain(ck_lsss *l, const ck_policy_node *n, const ck_num_step *s, size_t top,
                        uint32_t *idx)
{
    size_t lo = top, j;
    uint32_t g, c;

    if (top == 0)
        return bit_leaf(l, n, &s[0], idx);
    while (lo > 1 && s[lo - 1].op == s[top].op)
        lo--;
    if (new_node(l, s[top].op == CK_NUM_AND ? CK_X_AND : CK_X_OR, 0,
                 (uint32_t)(top - lo + 2), &g) != 0)
        return -1;
    for (j = top; j >= lo; j--) {
        if (bit_leaf(l, n, &s[j], &c) != 0)
            return -1;
        l->kids[l->node[g].first + (top - j)] = c;
    }
    if (expand_chain(l, n, s, lo - 1, &c) != 0)
        return -1;
    l->kids[l->node[g].first + (top - lo + 1)] = c;
    *idx = g;
    return 0;
}

static int expand(ck_lsss *l, const ck_policy_node *n, uint32_t *idx)
{
    ck_num_step steps[CK_POLICY_NUM_BITS];
    size_t nsteps, i;
    uint32_t kind, g, c;

    switch (n->kind) {
    case CK_POLICY_ATTR:
        return new_leaf(l, n->label, idx);
    case CK_POLICY_CMP:
        nsteps = ck_num_expand(steps, n->op, n->value);
        if (nsteps == 0)
            return -1; /* the parser never lets this through */
        return expand_chain(l, n, steps, nsteps - 1, idx);
    case CK_POLICY_AND:
    case CK_POLICY_OR:
    case CK_POLICY_THRESHOLD:
        break;
    }
    if (n->n == 1)
        return expand(l, n->child[0], idx);
    kind = n->kind == CK_POLICY_AND ? CK_X_AND : n->kind == CK_POLICY_OR ? CK_X_OR
         : n->k == n->n             ? CK_X_AND
         : n->k == 1                ? CK_X_OR
                                    : CK_X_THRESH;
    if (new_node(l, kind, kind == CK_X_THRESH ? n->k : 0, (uint32_t)n->n, &g) != 0)
        return -1;
    for (i = 0; i < n->n; i++) {
        if (expand(l, n->child[i], &c) != 0)
            return -1;
        l->kids[l->node[g].first + i] = c;
    }
    *idx = g;
    return 0;
}

int ck_lsss_expand(ck_lsss *l, const ck_policy *p)
{
    GROW(l->kids, l->nkids, l->kids_cap, 1); /* never NULL, even for one leaf */
    return expand(l, ck_policy_root(p), &l->root);
}
