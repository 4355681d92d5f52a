/*
 * carekey/policy.h - access policies: the policy language, its canonical
 * form, the numeric (bit-attribute) encoding, and the LSSS matrix the
 * MA-ABE scheme encrypts under, with the decryptor's cheapest-set solver.
 *
 * Language (full grammar, limits and error messages: docs/POLICY.md):
 *
 *     doctor@hosp-a and (cardiology@hosp-a or 2 of (er@hosp-b, icu@hosp-b, md@board))
 *     level@hosp-a >= 3 or "Primary Care"@hosp-a
 *
 * Conventions (libsodium/blst style):
 *  - Objects are opaque, created by the library and released by the
 *    matching *_free function (which accepts NULL).
 *  - Fallible functions return a ck_policy_err (CK_POLICY_OK = 0) that must
 *    be checked, and fill an optional caller-owned ck_policy_error with the
 *    code, the 1-based byte position and a message such as
 *    "policy:14: expected ',' or ')' in threshold list".
 *  - Everything here handles public data (policies, attribute names) and
 *    is not constant time.
 */
#ifndef CAREKEY_POLICY_H
#define CAREKEY_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/ec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ----------------------------------------------------------- */
#define CK_POLICY_MAX_BYTES 65536  /* policy text (input and canonical form) */
#define CK_POLICY_MAX_DEPTH 64     /* nested '(' (groups and threshold lists) */
#define CK_POLICY_MAX_LEAVES 1024  /* LSSS rows: attributes + comparison bits */
#define CK_POLICY_NAME_MAX 128     /* bytes of an attribute name (unescaped) */
#define CK_POLICY_AUTH_MAX 64      /* bytes of an authority */
#define CK_POLICY_NUM_BITS 32      /* numeric attributes are 32-bit unsigned */
/* Buffer size for any attribute label, including the longest bit label
 * "name#b31=1@authority" and the terminating NUL.                        */
#define CK_POLICY_LABEL_MAX (CK_POLICY_NAME_MAX + 6 + 1 + CK_POLICY_AUTH_MAX + 1)

/* ---- errors ----------------------------------------------------------- */
typedef enum ck_policy_err {
    CK_POLICY_OK = 0,
    CK_POLICY_ERR_SYNTAX,      /* malformed policy or attribute text        */
    CK_POLICY_ERR_LIMIT,       /* too long, too deep, too many leaves/bytes */
    CK_POLICY_ERR_UNSATISFIED, /* the attributes do not satisfy the policy  */
    CK_POLICY_ERR_NOMEM,       /* out of memory                             */
    CK_POLICY_ERR_PARAM,       /* bad argument (NULL, wrong length, ...)    */
} ck_policy_err;

typedef struct ck_policy_error {
    ck_policy_err code;
    size_t pos;   /* 1-based byte position in the text; 0: not positional */
    char msg[128]; /* "policy:<pos>: <what>" or "policy: <what>"; NUL-ended */
} ck_policy_error;

/* Stable, human-readable description of an error code. */
const char *ck_policy_strerror(ck_policy_err e);

/* ---- policy trees ----------------------------------------------------- */
typedef enum ck_policy_kind {
    CK_POLICY_ATTR = 1,  /* name@authority                                */
    CK_POLICY_CMP,       /* name@authority <op> value (numeric attribute) */
    CK_POLICY_AND,       /* n >= 2 children, all required                 */
    CK_POLICY_OR,        /* n >= 2 children, any one                      */
    CK_POLICY_THRESHOLD, /* k of n children, 1 <= k <= n, n >= 1          */
} ck_policy_kind;

typedef enum ck_policy_op {
    CK_POLICY_LT = 1, /* <  */
    CK_POLICY_LE,     /* <= */
    CK_POLICY_GT,     /* >  */
    CK_POLICY_GE,     /* >= */
    CK_POLICY_EQ,     /* == */
} ck_policy_op;

/* A read-only view of a parsed policy. AND and OR are n-ary and never have
 * a child of their own kind (the parser flattens a and (b and c)).       */
typedef struct ck_policy_node {
    ck_policy_kind kind;
    const char *name;      /* ATTR, CMP: attribute name, unescaped          */
    const char *authority; /* ATTR, CMP                                     */
    const char *label;     /* ATTR, CMP: "name@authority"                   */
    ck_policy_op op;       /* CMP                                           */
    uint32_t value;        /* CMP                                           */
    uint32_t k;            /* THRESHOLD                                     */
    size_t n;              /* AND, OR, THRESHOLD: number of children        */
    struct ck_policy_node **child;
} ck_policy_node;

typedef struct ck_policy ck_policy;

/* Parses len bytes of policy text (need not be NUL-terminated). */
CK_MUST_CHECK ck_policy_err ck_policy_parse(ck_policy **out, const char *text, size_t len,
                                             ck_policy_error *err);
void ck_policy_free(ck_policy *p);

const ck_policy_node *ck_policy_root(const ck_policy *p);
/* Number of LSSS rows the policy needs (comparisons count their bits). */
size_t ck_policy_leaves(const ck_policy *p);
/* Structural equality (1 if equal). */
int ck_policy_equal(const ck_policy *a, const ck_policy *b);

/* Canonical text, snprintf-style: writes at most cap bytes including the
 * NUL (nothing if cap is 0) and returns the full length without the NUL.
 * ck_policy_parse of the canonical text gives an equal policy, and the
 * canonical text of that is the same text.                               */
size_t ck_policy_print(const ck_policy *p, char *buf, size_t cap);

/* ---- attributes ------------------------------------------------------- */
/* Parses one attribute as written in a policy (doctor@hosp-a, or
 * "Primary Care"@hosp-a) into its label "name@authority" (unescaped name;
 * neither part contains '@' or '#', so the label is unambiguous). This is
 * the string an authority issues keys for and the LSSS rows carry.        */
CK_MUST_CHECK ck_policy_err ck_policy_attr_label(char label[CK_POLICY_LABEL_MAX],
                                                 const char *text, size_t len,
                                                 ck_policy_error *err);

/* The 32 bit-attribute labels a user key must hold for a numeric attribute
 * (text as for ck_policy_attr_label, e.g. "level@hosp-a") with value v:
 * out[i] = "level#b<i>=<bit i of v>@hosp-a" for i = 0..31.               */
CK_MUST_CHECK ck_policy_err ck_policy_numeric_attrs(char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX],
                                                    const char *text, size_t len, uint32_t value,
                                                    ck_policy_error *err);

/* ---- LSSS ------------------------------------------------------------- */
/* A monotone span program (M, rho) for the policy: Lewko-Waters rows for
 * and/or (entries 0, 1, -1), Shamir (Vandermonde) rows for k-of-n with
 * 1 < k < n. Row i is labelled rho(i) = "name@authority"; one attribute may
 * label several rows. Target vector: (1, 0, ..., 0).                     */
typedef struct ck_lsss ck_lsss;

CK_MUST_CHECK ck_policy_err ck_lsss_build(ck_lsss **out, const ck_policy *p,
                                          ck_policy_error *err);
void ck_lsss_free(ck_lsss *l);

size_t ck_lsss_rows(const ck_lsss *l);
size_t ck_lsss_cols(const ck_lsss *l);
const char *ck_lsss_label(const ck_lsss *l, size_t row);     /* "name@authority" */
const char *ck_lsss_authority(const ck_lsss *l, size_t row); /* "authority" */
/* The non-zero entries of a row, in increasing column order. */
size_t ck_lsss_row_entries(const ck_lsss *l, size_t row, const uint32_t **cols,
                           const ck_fr **vals);
/* M[row][col] (zero when out of range). */
void ck_lsss_entry(ck_fr *out, const ck_lsss *l, size_t row, size_t col);
/* <M[row], v> for v with ck_lsss_cols(l) elements (lambda_i = <M_i, v>). */
void ck_lsss_row_dot(ck_fr *out, const ck_lsss *l, size_t row, const ck_fr *v);

/* A cheapest set of rows and coefficients w with sum w_i * M[rows_i] =
 * (1, 0, ..., 0). rows is strictly increasing.                            */
typedef struct ck_lsss_solution {
    size_t n;
    size_t *rows;
    ck_fr *coef;
} ck_lsss_solution;

/* held[i] != 0 when the decryptor can use row i (has a key for its label). */
CK_MUST_CHECK ck_policy_err ck_lsss_satisfy_rows(ck_lsss_solution **out, const ck_lsss *l,
                                                 const unsigned char *held,
                                                 ck_policy_error *err);
/* attrs: the labels the decryptor holds (any order, duplicates allowed). */
CK_MUST_CHECK ck_policy_err ck_lsss_satisfy(ck_lsss_solution **out, const ck_lsss *l,
                                            const char *const *attrs, size_t n_attrs,
                                            ck_policy_error *err);
void ck_lsss_solution_free(ck_lsss_solution *s);

#ifdef __cplusplus
}
#endif
#endif
