/*
 * Fuzz the policy language and the LSSS: any bytes either fail with a
 * positioned message or parse to a policy whose canonical text re-parses
 * to an equal policy and prints identically; the LSSS has one row per
 * leaf, well-formed labels and sorted sparse rows; holding every row
 * satisfies it and reconstructs (1, 0, ..., 0) exactly, holding none does
 * not, and a data-chosen subset either reconstructs or is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/policy.h"
#include "fuzz.h"

static int reconstructs(const ck_lsss *l, const ck_lsss_solution *s)
{
    size_t cols = ck_lsss_cols(l), i, j, n;
    ck_fr *sum = calloc(cols, sizeof *sum), t, one;
    const uint32_t *c;
    const ck_fr *v;
    int ok = 1;

    FUZZ_ASSERT(sum != NULL, "out of memory");
    for (j = 0; j < cols; j++)
        ck_fr_from_u64(&sum[j], 0);
    for (i = 0; i < s->n; i++) {
        FUZZ_ASSERT(s->rows[i] < ck_lsss_rows(l), "solution row out of range");
        FUZZ_ASSERT(i == 0 || s->rows[i - 1] < s->rows[i], "solution rows not increasing");
        n = ck_lsss_row_entries(l, s->rows[i], &c, &v);
        for (j = 0; j < n; j++) {
            ck_fr_mul(&t, &s->coef[i], &v[j]);
            ck_fr_add(&sum[c[j]], &sum[c[j]], &t);
        }
    }
    ck_fr_from_u64(&one, 1);
    ok = ck_fr_eq(&sum[0], &one);
    for (j = 1; j < cols; j++)
        ok &= ck_fr_is_zero(&sum[j]);
    free(sum);
    return ok;
}

static void check_lsss(const ck_policy *p, const uint8_t *data, size_t size)
{
    ck_lsss *l = NULL;
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    unsigned char *held;
    size_t rows, cols, i, j, n;
    const uint32_t *c;
    const ck_fr *v;
    ck_policy_err e;

    FUZZ_ASSERT(ck_lsss_build(&l, p, &err) == CK_POLICY_OK, "LSSS build failed");
    rows = ck_lsss_rows(l);
    cols = ck_lsss_cols(l);
    FUZZ_ASSERT(rows == ck_policy_leaves(p), "rows != leaves");
    FUZZ_ASSERT(rows >= 1 && rows <= CK_POLICY_MAX_LEAVES, "row count out of range");
    FUZZ_ASSERT(cols >= 1 && cols <= rows, "column count out of range");
    for (i = 0; i < rows; i++) {
        const char *label = ck_lsss_label(l, i), *auth = ck_lsss_authority(l, i);
        FUZZ_ASSERT(label && auth && strchr(label, '@') + 1 == auth && !strchr(auth, '@'),
                    "bad row label");
        FUZZ_ASSERT(strlen(label) < CK_POLICY_LABEL_MAX && auth > label + 1, "bad label length");
        n = ck_lsss_row_entries(l, i, &c, &v);
        FUZZ_ASSERT(n >= 1, "empty row");
        for (j = 0; j < n; j++) {
            FUZZ_ASSERT(c[j] < cols && (j == 0 || c[j - 1] < c[j]), "bad sparse row");
            FUZZ_ASSERT(!ck_fr_is_zero(&v[j]), "stored zero entry");
        }
    }
    held = malloc(rows);
    FUZZ_ASSERT(held != NULL, "out of memory");
    memset(held, 1, rows);
    FUZZ_ASSERT(ck_lsss_satisfy_rows(&s, l, held, &err) == CK_POLICY_OK, "all rows: unsatisfied");
    FUZZ_ASSERT(reconstructs(l, s), "all rows: no reconstruction");
    ck_lsss_solution_free(s);
    s = NULL;
    memset(held, 0, rows);
    FUZZ_ASSERT(ck_lsss_satisfy_rows(&s, l, held, &err) == CK_POLICY_ERR_UNSATISFIED,
                "no rows: satisfied");
    for (i = 0; i < rows; i++)
        held[i] = (data[(i * 7) % size] >> (i % 8)) & 1;
    e = ck_lsss_satisfy_rows(&s, l, held, &err);
    FUZZ_ASSERT(e == CK_POLICY_OK || e == CK_POLICY_ERR_UNSATISFIED, "subset: bad error");
    if (e == CK_POLICY_OK) {
        FUZZ_ASSERT(reconstructs(l, s), "subset: no reconstruction");
        for (i = 0; i < s->n; i++)
            FUZZ_ASSERT(held[s->rows[i]], "subset: used a row not held");
    }
    ck_lsss_solution_free(s);
    free(held);
    ck_lsss_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_policy *p = NULL, *q = NULL;
    ck_policy_error err;
    char label[CK_POLICY_LABEL_MAX], *c1, *c2;
    size_t n1, n2;
    ck_policy_err e;

    e = ck_policy_attr_label(label, (const char *)data, size, &err);
    FUZZ_ASSERT(e == err.code, "attr: code mismatch");
    FUZZ_ASSERT(e == CK_POLICY_OK ? strchr(label, '@') != NULL
                                  : strncmp(err.msg, "policy:", 7) == 0,
                "attr: bad result");

    e = ck_policy_parse(&p, (const char *)data, size, &err);
    FUZZ_ASSERT(e == err.code, "code mismatch");
    if (e != CK_POLICY_OK) {
        FUZZ_ASSERT(p == NULL, "output set on error");
        FUZZ_ASSERT(e == CK_POLICY_ERR_SYNTAX || e == CK_POLICY_ERR_LIMIT, "unexpected error code");
        FUZZ_ASSERT(strncmp(err.msg, "policy:", 7) == 0 && strlen(err.msg) < sizeof err.msg,
                    "bad message");
        FUZZ_ASSERT(err.pos <= size + 1 || err.pos == CK_POLICY_MAX_BYTES + 1, "position past end");
        return 0;
    }
    n1 = ck_policy_print(p, NULL, 0);
    FUZZ_ASSERT(n1 >= 3 && n1 <= CK_POLICY_MAX_BYTES, "canonical length");
    c1 = malloc(n1 + 1);
    FUZZ_ASSERT(c1 != NULL, "out of memory");
    FUZZ_ASSERT(ck_policy_print(p, c1, n1 + 1) == n1 && strlen(c1) == n1, "print length");
    e = ck_policy_parse(&q, c1, n1, &err);
    if (e != CK_POLICY_OK)
        fprintf(stderr, "canonical %s\n  fails: %s\n", c1, err.msg);
    FUZZ_ASSERT(e == CK_POLICY_OK, "canonical form does not parse");
    FUZZ_ASSERT(ck_policy_equal(p, q), "parse(print(p)) != p");
    FUZZ_ASSERT(ck_policy_leaves(p) == ck_policy_leaves(q), "leaf count changed");
    n2 = ck_policy_print(q, NULL, 0);
    c2 = malloc(n2 + 1);
    FUZZ_ASSERT(c2 != NULL, "out of memory");
    FUZZ_ASSERT(ck_policy_print(q, c2, n2 + 1) == n2, "print length");
    FUZZ_ASSERT(n1 == n2 && memcmp(c1, c2, n1) == 0, "printing is not idempotent");
    free(c1);
    free(c2);
    ck_policy_free(q);
    check_lsss(p, data, size);
    ck_policy_free(p);
    return 0;
}
