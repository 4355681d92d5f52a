/*
 * tests/abe/policy_util.h - helpers for the policy and LSSS tests: a
 * seeded PRNG, an independent evaluator of policy trees, an independent
 * span check (Gaussian elimination over Fr) and the reconstruction check.
 */
#ifndef CK_TESTS_POLICY_UTIL_H
#define CK_TESTS_POLICY_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/policy.h"

/* splitmix64; pu_seed reads CK_TEST_SEED from the environment if set. */
void pu_seed(uint64_t seed);
uint64_t pu_rand(void);
uint32_t pu_below(uint32_t n); /* uniform in [0, n) */

/* A user: plain attribute labels and numeric attributes (label, value). */
typedef struct pu_user {
    const char *attrs[64];
    size_t n_attrs;
    const char *num_label[8];
    uint32_t num_value[8];
    size_t n_num;
} pu_user;

/* Does the user satisfy the policy? (direct evaluation of the tree) */
int pu_eval(const ck_policy_node *n, const pu_user *u);

/* All labels the user's key holds (plain + 32 bit labels per numeric).
 * Returns a malloc'd array of n pointers into *store (also malloc'd).    */
const char **pu_user_labels(const pu_user *u, size_t *n, char **store);

/* 1 if (1, 0, ..., 0) is in the span of the rows with held[i] != 0,
 * by Gaussian elimination on the dense matrix.                           */
int pu_target_in_span(const ck_lsss *l, const unsigned char *held);

/* 1 if sum coef_i * M[rows_i] == (1, 0, ..., 0) exactly. */
int pu_reconstructs(const ck_lsss *l, const ck_lsss_solution *s);

#endif
