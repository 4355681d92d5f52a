/*
 * abe/lsss_internal.h - the LSSS object, shared by its builder and solver.
 *
 * Besides the sparse matrix (CSR: rowptr/colidx/val) the object keeps the
 * expanded access tree it was built from: the policy with comparisons
 * replaced by their bit-literal chains and thresholds k == n / k == 1
 * turned into and / or. Leaves carry their row; rows are numbered in
 * left-to-right leaf order. The solver walks this tree.
 */
#ifndef CK_ABE_LSSS_INTERNAL_H
#define CK_ABE_LSSS_INTERNAL_H

#include "abe/policy_internal.h"

enum { CK_X_LEAF = 0, CK_X_AND, CK_X_OR, CK_X_THRESH };

typedef struct ck_xnode {
    uint32_t kind;
    uint32_t k;     /* CK_X_THRESH: 1 < k < n */
    uint32_t n;     /* children */
    uint32_t first; /* children are kids[first .. first+n) */
    uint32_t row;   /* CK_X_LEAF */
} ck_xnode;

struct ck_lsss {
    size_t rows, cols;
    /* labels: "label\0" per row; authority = after the label's '@' */
    char *labels;
    size_t labels_len, labels_cap;
    size_t *label_off;
    size_t label_off_cap;
    /* matrix, CSR */
    size_t *rowptr;
    uint32_t *colidx;
    ck_fr *val;
    size_t nnz, nnz_cap;
    /* expanded tree */
    ck_xnode *node;
    size_t nnodes, nodes_cap;
    uint32_t *kids;
    size_t nkids, kids_cap;
    uint32_t root;
};

/* lsss_tree.c: fills node/kids/labels/label_off/rows from the policy.
 * Returns 0 or -1 (out of memory).                                        */
int ck_lsss_expand(ck_lsss *l, const ck_policy *p);

#endif
