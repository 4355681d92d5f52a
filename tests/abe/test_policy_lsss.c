/*
 * tests/abe/test_policy_lsss.c - LSSS matrices and the decryptor's solver.
 *
 * For many random policies (and/or trees, k-of-n gates from 1-of-n to
 * n-of-n, 1 to 5 authorities, repeated attributes, comparisons, up to 100
 * and 1024 leaves) and random attribute sets:
 *  - the solver agrees with a direct evaluation of the policy tree;
 *  - when satisfied, sum w_i M_i == (1, 0, ..., 0) exactly in Fr, the rows
 *    are held, and (small cases) no smaller set of held rows spans it;
 *  - when not satisfied, Gaussian elimination shows (1, 0, ..., 0) is not
 *    in the span of the held rows (the security property).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "policy_util.h"

/* ---- helpers ------------------------------------------------------------ */

static ck_lsss *build(const char *text, ck_policy **pp)
{
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_policy_error err;

    if (ck_policy_parse(&p, text, strlen(text), &err) != CK_POLICY_OK) {
        CHECK(0, "parse %s: %s", text, err.msg);
        return NULL;
    }
    if (ck_lsss_build(&l, p, &err) != CK_POLICY_OK)
        CHECK(0, "build %s: %s", text, err.msg);
    if (pp)
        *pp = p;
    else
        ck_policy_free(p);
    return l;
}

static void fr_int(ck_fr *r, long v)
{
    ck_fr_from_u64(r, (uint64_t)(v < 0 ? -v : v));
    if (v < 0)
        ck_fr_neg(r, r);
}

/* Compares the dense matrix with want (rows x cols, row-major). */
static void expect_matrix(const char *text, size_t rows, size_t cols, const long *want,
                          const char *const *labels)
{
    ck_lsss *l = build(text, NULL);
    size_t i, j;
    ck_fr a, b;
    int ok = 1;

    if (l == NULL)
        return;
    CHECK(ck_lsss_rows(l) == rows && ck_lsss_cols(l) == cols, "%s: %zux%zu, want %zux%zu", text,
          ck_lsss_rows(l), ck_lsss_cols(l), rows, cols);
    if (ck_lsss_rows(l) == rows && ck_lsss_cols(l) == cols) {
        for (i = 0; i < rows; i++)
            for (j = 0; j < cols; j++) {
                ck_lsss_entry(&a, l, i, j);
                fr_int(&b, want[i * cols + j]);
                if (!ck_fr_eq(&a, &b)) {
                    ok = 0;
                    fprintf(stderr, "  %s: M[%zu][%zu] differs\n", text, i, j);
                }
            }
        CHECK(ok, "%s: matrix", text);
        for (i = 0; i < rows; i++)
            CHECK(strcmp(ck_lsss_label(l, i), labels[i]) == 0, "%s: label %zu = %s", text, i,
                  ck_lsss_label(l, i));
    }
    ck_lsss_free(l);
}

static void test_matrices(void)
{
    static const long and2[] = { 1, 1, 0, -1 };
    static const long or2[] = { 1, 1 };
    static const long thr[] = { 1, 1, 1, 2, 1, 3 };
    static const long and3[] = { 1, 1, 0, 0, -1, 1, 0, 0, -1 };
    static const long mix[] = { 1, 1, 0, 1, 1, 0, 0, -1, 1, 0, -1, 2, 0, -1, 3 };
    static const long thr3[] = { 1, 1, 1, 1, 2, 4, 1, 3, 9, 1, 4, 16 };
    static const char *const abc[] = { "a@x", "b@y", "c@z" };
    static const char *const mixl[] = { "a@x", "b@y", "c@z", "d@z", "e@z" };
    static const char *const rep[] = { "a@x", "b@y", "a@x", "b@y" };

    expect_matrix("a@x and b@y", 2, 2, and2, abc);
    expect_matrix("a@x or b@y", 2, 1, or2, abc);
    expect_matrix("2 of (a@x, b@y, c@z)", 3, 2, thr, abc);
    expect_matrix("a@x and b@y and c@z", 3, 3, and3, abc);
    expect_matrix("3 of (a@x, b@y, c@z)", 3, 3, and3, abc);
    expect_matrix("1 of (a@x, b@y)", 2, 1, or2, abc);
    expect_matrix("1 of (a@x)", 1, 1, or2, abc);
    expect_matrix("(a@x or b@y) and 2 of (c@z, d@z, e@z)", 5, 3, mix, mixl);
    expect_matrix("3 of (a@x, b@y, a@x, b@y)", 4, 3, thr3, rep);
}

static void test_accessors(void)
{
    ck_policy *p = NULL;
    ck_lsss *l = build("a@x and (a@x or \"B b\"@y) and v@z >= 2147483648", &p);
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    const uint32_t *cols;
    const ck_fr *vals;
    ck_fr v[8], d1, d2, t, e;
    size_t i, j, n;
    const char *none[1] = { NULL };

    if (l == NULL)
        goto out;
    CHECK(ck_lsss_rows(l) == 4 && ck_policy_leaves(p) == 4, "rows = leaves = 4");
    CHECK(strcmp(ck_lsss_label(l, 0), "a@x") == 0 && strcmp(ck_lsss_label(l, 1), "a@x") == 0,
          "repeated attribute on two rows");
    CHECK(strcmp(ck_lsss_label(l, 2), "B b@y") == 0 && strcmp(ck_lsss_authority(l, 2), "y") == 0,
          "quoted label and authority");
    CHECK(strcmp(ck_lsss_label(l, 3), "v#b31=1@z") == 0 && strcmp(ck_lsss_authority(l, 3), "z") == 0,
          "bit label: %s", ck_lsss_label(l, 3));
    CHECK(ck_lsss_label(l, 4) == NULL && ck_lsss_authority(l, 4) == NULL, "label out of range");
    for (j = 0; j < ck_lsss_cols(l) && j < 8; j++)
        ck_fr_from_u64(&v[j], 1000 + 7 * j * j);
    for (i = 0; i < ck_lsss_rows(l); i++) {
        ck_lsss_row_dot(&d1, l, i, v);
        ck_fr_from_u64(&d2, 0);
        for (j = 0; j < ck_lsss_cols(l); j++) {
            ck_lsss_entry(&e, l, i, j);
            ck_fr_mul(&t, &e, &v[j]);
            ck_fr_add(&d2, &d2, &t);
        }
        CHECK(ck_fr_eq(&d1, &d2), "row_dot row %zu", i);
        n = ck_lsss_row_entries(l, i, &cols, &vals);
        for (j = 0; j + 1 < n; j++)
            CHECK(cols[j] < cols[j + 1], "entries increasing");
        for (j = 0; j < n; j++)
            CHECK(!ck_fr_is_zero(&vals[j]), "stored entries are non-zero");
    }
    ck_lsss_entry(&e, l, 99, 0);
    CHECK(ck_fr_is_zero(&e), "entry out of range is zero");
    CHECK(ck_lsss_satisfy(&s, l, none, 1, &err) == CK_POLICY_ERR_PARAM, "NULL attribute");
    CHECK(ck_lsss_satisfy(&s, l, NULL, 0, &err) == CK_POLICY_ERR_UNSATISFIED &&
              strcmp(err.msg, "policy: policy not satisfied") == 0 && s == NULL,
          "nothing held: %s", err.msg);
    CHECK(ck_lsss_build(NULL, p, &err) == CK_POLICY_ERR_PARAM, "build NULL out");
out:
    ck_lsss_free(l);
    ck_policy_free(p);
    ck_lsss_free(NULL);
    ck_lsss_solution_free(NULL);
}

/* Expects the solver to pick exactly the given rows. */
static void expect_rows(const char *text, const char *const *held, size_t n_held, size_t n, ...)
{
    ck_lsss *l = build(text, NULL);
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    va_list ap;
    size_t i;

    if (l == NULL)
        return;
    if (ck_lsss_satisfy(&s, l, held, n_held, &err) != CK_POLICY_OK) {
        CHECK(0, "%s: %s", text, err.msg);
        ck_lsss_free(l);
        return;
    }
    CHECK(s->n == n, "%s: %zu rows, want %zu", text, s->n, n);
    va_start(ap, n);
    for (i = 0; i < n && i < s->n; i++) {
        size_t want = va_arg(ap, size_t);
        CHECK(s->rows[i] == want, "%s: row %zu is %zu, want %zu", text, i, s->rows[i], want);
    }
    va_end(ap);
    CHECK(pu_reconstructs(l, s), "%s: reconstruction", text);
    ck_lsss_solution_free(s);
    ck_lsss_free(l);
}

static void test_cheapest(void)
{
    static const char *const all[] = { "a@x", "b@x", "c@x", "d@x", "e@x", "f@x",
                                       "b@y", "c@z" };
    static const char *const no_c[] = { "a@x", "b@x", "d@x", "e@x", "f@x" };
    static const char *const no_a[] = { "b@x", "c@x", "d@x", "e@x", "f@x" };

    expect_rows("a@x or b@y and c@z", all, 8, 1, (size_t)0);
    expect_rows("b@y and c@z or a@x", all, 8, 1, (size_t)2);
    expect_rows("a@x or b@x", all, 8, 1, (size_t)0);
    expect_rows("2 of (a@x and b@x, c@x, d@x and e@x and f@x)", all, 8, 3, (size_t)0, (size_t)1,
                (size_t)2);
    expect_rows("2 of (d@x and e@x and f@x, a@x and b@x, c@x)", all, 8, 3, (size_t)3, (size_t)4,
                (size_t)5);
    expect_rows("2 of (a@x and b@x, c@x, d@x)", no_c, 5, 3, (size_t)0, (size_t)1, (size_t)3);
    expect_rows("(a@x or b@x and c@x) and (d@x and e@x or f@x)", all, 8, 2, (size_t)0, (size_t)5);
    expect_rows("(a@x or b@x and c@x) and (d@x and e@x or f@x)", no_a, 5, 3, (size_t)1, (size_t)2,
                (size_t)5);
    expect_rows("3 of (a@x, a@x or b@x, c@x and d@x, e@x, f@x)", all, 8, 3, (size_t)0, (size_t)1,
                (size_t)5);
    expect_rows("a@x and a@x and a@x", all, 8, 3, (size_t)0, (size_t)1, (size_t)2);
}

/* ---- random policies ----------------------------------------------------- */

static const char *const plain_names[] = { "n0", "n1", "n2", "n3", "n4", "n5", "N 6", "N 7" };
static const char *const num_names[] = { "lvl", "age" };
static const uint32_t num_values[] = { 0, 1, 2, 3, 5, 8, 16, 100, 0x7fffffffu, 0x80000000u,
                                       0xfffffffeu, 0xffffffffu };
#define NPLAIN 8
#define NNUM 2
#define NVAL 12

typedef struct gen {
    char *buf;
    size_t len, cap;
    unsigned nauth;
    unsigned numeric; /* 0: no comparisons, else one leaf in `numeric` */
} gen;

static void emit(gen *g, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(g->buf + g->len, g->cap - g->len, fmt, ap);
        va_end(ap);
        if ((size_t)n < g->cap - g->len)
            break;
        g->cap *= 2;
        g->buf = realloc(g->buf, g->cap);
        if (g->buf == NULL)
            abort();
    }
    g->len += (size_t)n;
}

static void gen_leaf(gen *g)
{
    unsigned auth = pu_below(g->nauth);
    if (g->numeric && pu_below(g->numeric) == 0) {
        static const char *const ops[] = { "<", "<=", ">", ">=", "==" };
        unsigned op = pu_below(5);
        uint32_t v = pu_below(4) ? num_values[pu_below(NVAL)] : (uint32_t)pu_rand();
        if (op == 0 && v == 0)
            v = 1;
        if (op == 2 && v == 0xffffffffu)
            v--;
        emit(g, "%s@a%u %s %u", num_names[pu_below(NNUM)], auth, ops[op], (unsigned)v);
        return;
    }
    {
        const char *name = plain_names[pu_below(NPLAIN)];
        if (name[0] == 'N' || pu_below(10) == 0)
            emit(g, "\"%s\"@a%u", name, auth);
        else
            emit(g, "%s@a%u", name, auth);
    }
}

static void gen_tree(gen *g, unsigned leaves, unsigned depth)
{
    unsigned n, i, k, *share, type;
    static const char *const kw[2][2] = { { " and ", " AND " }, { " or ", " Or " } };

    if (leaves == 1) {
        gen_leaf(g);
        return;
    }
    n = depth >= 10 ? leaves : 2 + pu_below((leaves < 6 ? leaves : 6) - 1);
    share = malloc(n * sizeof *share);
    for (i = 0; i < n; i++)
        share[i] = 1;
    for (i = n; i < leaves; i++)
        share[pu_below(n)]++;
    type = pu_below(3);
    if (type < 2) {
        emit(g, "(");
        for (i = 0; i < n; i++) {
            if (i)
                emit(g, "%s", kw[type][pu_below(2)]);
            gen_tree(g, share[i], depth + 1);
        }
        emit(g, ")");
    } else {
        k = 1 + pu_below(n);
        emit(g, "%u of (", k);
        for (i = 0; i < n; i++) {
            if (i)
                emit(g, pu_below(2) ? ", " : ",");
            gen_tree(g, share[i], depth + 1);
        }
        emit(g, ")");
    }
    free(share);
}

/* A random user over the generator's attribute universe. */
static void random_user(pu_user *u, unsigned nauth, char labels[][32])
{
    unsigned a, i, p = 20 + pu_below(75);
    size_t k = 0;
    memset(u, 0, sizeof *u);
    for (a = 0; a < nauth; a++)
        for (i = 0; i < NPLAIN; i++)
            if (pu_below(100) < p) {
                snprintf(labels[k], 32, "%s@a%u", plain_names[i], a);
                u->attrs[u->n_attrs++] = labels[k++];
            }
    for (a = 0; a < nauth && u->n_num < 8; a++)
        for (i = 0; i < NNUM && u->n_num < 8; i++)
            if (pu_below(100) < p) {
                snprintf(labels[k], 32, "%s@a%u", num_names[i], a);
                u->num_label[u->n_num] = labels[k++];
                u->num_value[u->n_num++] = pu_below(3) ? num_values[pu_below(NVAL)]
                                                       : num_values[pu_below(NVAL)] + pu_below(3) - 1;
            }
}

static unsigned popcount(unsigned long x)
{
    unsigned c = 0;
    for (; x; x &= x - 1)
        c++;
    return c;
}

/* No set of fewer than best held rows spans the target (held rows <= 12). */
static int minimal(const ck_lsss *l, const unsigned char *held, size_t best)
{
    size_t rows = ck_lsss_rows(l), idx[64], h = 0, i;
    unsigned long mask;
    unsigned char *sub = calloc(rows, 1);
    int ok = 1;

    for (i = 0; i < rows; i++)
        if (held[i])
            idx[h++] = i;
    for (mask = 1; mask < (1ul << h) && ok; mask++) {
        if (popcount(mask) >= best)
            continue;
        memset(sub, 0, rows);
        for (i = 0; i < h; i++)
            if (mask >> i & 1)
                sub[idx[i]] = 1;
        if (pu_target_in_span(l, sub))
            ok = 0;
    }
    free(sub);
    return ok;
}

typedef struct stats {
    unsigned policies, checks, satisfied, unsatisfied, span_checked, minimal_checked;
    size_t max_rows;
} stats;

/* Runs users against one policy text. */
static void check_policy(const char *text, unsigned nauth, unsigned users, stats *st,
                         int span_check)
{
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_policy_error err;
    unsigned u_i;
    size_t rows, i;

    if (ck_policy_parse(&p, text, strlen(text), &err) != CK_POLICY_OK) {
        CHECK(0, "random policy does not parse: %s\n  %s", err.msg, text);
        return;
    }
    if (ck_lsss_build(&l, p, &err) != CK_POLICY_OK) {
        CHECK(0, "build: %s", err.msg);
        goto out;
    }
    rows = ck_lsss_rows(l);
    CHECK(rows == ck_policy_leaves(p), "rows %zu != leaves %zu", rows, ck_policy_leaves(p));
    CHECK(ck_lsss_cols(l) >= 1 && ck_lsss_cols(l) <= rows, "cols %zu for %zu rows",
          ck_lsss_cols(l), rows);
    if (rows > st->max_rows)
        st->max_rows = rows;
    st->policies++;
    for (u_i = 0; u_i < users; u_i++) {
        char labels_store[64][32], *bits;
        pu_user u;
        const char **labels;
        size_t n_labels;
        unsigned char *held = calloc(rows, 1);
        ck_lsss_solution *s = NULL, *s2 = NULL;
        ck_policy_err e, e2;
        int want, held_count = 0;

        random_user(&u, nauth, labels_store);
        labels = pu_user_labels(&u, &n_labels, &bits);
        for (i = 0; i < rows; i++) {
            size_t j;
            for (j = 0; j < n_labels; j++)
                if (strcmp(labels[j], ck_lsss_label(l, i)) == 0)
                    held[i] = 1;
            held_count += held[i];
        }
        want = pu_eval(ck_policy_root(p), &u);
        e = ck_lsss_satisfy(&s, l, labels, n_labels, &err);
        e2 = ck_lsss_satisfy_rows(&s2, l, held, &err);
        st->checks++;
        CHECK(e == e2, "satisfy vs satisfy_rows");
        CHECK((e == CK_POLICY_OK) == want, "solver says %d, evaluation %d:\n  %s", (int)e, want,
              text);
        if (e == CK_POLICY_OK) {
            int rows_ok = 1;
            st->satisfied++;
            CHECK(pu_reconstructs(l, s), "no exact reconstruction:\n  %s", text);
            for (i = 0; i < s->n; i++) {
                rows_ok &= held[s->rows[i]];
                if (i > 0)
                    rows_ok &= s->rows[i - 1] < s->rows[i];
            }
            CHECK(rows_ok, "solution rows not held or not increasing");
            CHECK(s2 && s2->n == s->n &&
                      memcmp(s2->rows, s->rows, s->n * sizeof *s->rows) == 0,
                  "satisfy_rows differs");
            if (span_check) /* the independent check agrees both ways */
                CHECK(pu_target_in_span(l, held), "satisfied but held rows do not span");
            if (held_count <= 12 && rows <= 40) {
                CHECK(minimal(l, held, s->n), "a smaller set of rows spans (1,0..0):\n  %s", text);
                st->minimal_checked++;
            }
        } else {
            st->unsatisfied++;
            CHECK(e == CK_POLICY_ERR_UNSATISFIED, "error %d", (int)e);
            if (span_check) {
                CHECK(!pu_target_in_span(l, held),
                      "SECURITY: unsatisfied but held rows span (1,0..0):\n  %s", text);
                st->span_checked++;
            }
        }
        ck_lsss_solution_free(s);
        ck_lsss_solution_free(s2);
        free(labels);
        free(bits);
        free(held);
    }
out:
    ck_lsss_free(l);
    ck_policy_free(p);
}

static void test_random(void)
{
    stats st;
    gen g;
    unsigned i;

    memset(&st, 0, sizeof st);
    g.cap = 256;
    g.buf = malloc(g.cap);
    for (i = 0; i < 1500; i++) {
        g.len = 0;
        g.buf[0] = 0;
        g.nauth = 1 + pu_below(5);
        g.numeric = pu_below(3) == 0 ? 6 : 0;
        gen_tree(&g, 1 + pu_below(i % 5 == 0 ? 16 : 8), 0);
        check_policy(g.buf, g.nauth, 12, &st, 1);
    }
    /* 100-leaf policies */
    for (i = 0; i < 60; i++) {
        g.len = 0;
        g.nauth = 1 + pu_below(5);
        g.numeric = i % 2 ? 25 : 0;
        gen_tree(&g, 100, 0);
        check_policy(g.buf, g.nauth, 6, &st, 1);
    }
    free(g.buf);
    printf("random: %u policies (max %zu rows), %u users: %u satisfied, %u not; "
           "%u span checks, %u minimality checks\n",
           st.policies, st.max_rows, st.checks, st.satisfied, st.unsatisfied, st.span_checked,
           st.minimal_checked);
    CHECK(st.satisfied > 1000 && st.unsatisfied > 1000 && st.minimal_checked > 500,
          "both outcomes well covered");
}

/* Every k-of-n for n <= 8 and every subset of its attributes. */
static void test_thresholds(void)
{
    unsigned n, k, mask, i, cases = 0;
    char text[256], lab[8][16];
    const char *held[8];

    for (n = 1; n <= 8; n++)
        for (k = 1; k <= n; k++) {
            ck_lsss *l;
            size_t len = (size_t)snprintf(text, sizeof text, "%u of (", k);
            for (i = 0; i < n; i++) {
                snprintf(lab[i], sizeof lab[i], "t%u@a%u", i, i % 5);
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? ", " : "", lab[i]);
            }
            snprintf(text + len, sizeof text - len, ")");
            if ((l = build(text, NULL)) == NULL)
                continue;
            for (mask = 0; mask < (1u << n); mask++) {
                ck_lsss_solution *s = NULL;
                ck_policy_error err;
                unsigned char hm[8];
                size_t nh = 0;
                ck_policy_err e;
                for (i = 0; i < n; i++) {
                    hm[i] = mask >> i & 1;
                    if (hm[i])
                        held[nh++] = lab[i];
                }
                e = ck_lsss_satisfy(&s, l, held, nh, &err);
                CHECK((e == CK_POLICY_OK) == (popcount(mask) >= k), "%s mask %x", text, mask);
                if (e == CK_POLICY_OK)
                    CHECK(s->n == k && pu_reconstructs(l, s), "%s mask %x: k rows reconstruct",
                          text, mask);
                else
                    CHECK(!pu_target_in_span(l, hm), "SECURITY: %s mask %x spans", text, mask);
                ck_lsss_solution_free(s);
                cases++;
            }
            ck_lsss_free(l);
        }
    printf("thresholds: %u (k, n, subset) cases\n", cases);
}

/* 1024 leaves: 512 of 1024, and a 60-of-120 with the span check. */
static void test_large(void)
{
    size_t cap = 1024 * 16 + 64, len, i;
    char *text = malloc(cap);
    char(*lab)[16] = malloc(1024 * sizeof *lab);
    const char **held = malloc(1024 * sizeof *held);
    unsigned char *hm = malloc(1024);
    ck_lsss *l;
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    unsigned t;
    static const unsigned sizes[][2] = { { 512, 1024 }, { 60, 120 } };

    for (t = 0; t < 2; t++) {
        unsigned k = sizes[t][0], n = sizes[t][1];
        len = (size_t)snprintf(text, cap, "%u of (", k);
        for (i = 0; i < n; i++) {
            snprintf(lab[i], sizeof lab[i], "p%zu@a%zu", i, i % 5);
            len += (size_t)snprintf(text + len, cap - len, "%s%s", i ? "," : "", lab[i]);
        }
        snprintf(text + len, cap - len, ")");
        if ((l = build(text, NULL)) == NULL)
            break;
        CHECK(ck_lsss_rows(l) == n && ck_lsss_cols(l) == k, "%u of %u: %zux%zu", k, n,
              ck_lsss_rows(l), ck_lsss_cols(l));
        /* hold every other attribute plus the last few */
        for (i = 0; i < n; i++) {
            hm[i] = (i % 2 == 1) || i + 2 >= n;
            held[i] = lab[i];
        }
        {
            size_t nh = 0;
            const char **hl = malloc(n * sizeof *hl);
            for (i = 0; i < n; i++)
                if (hm[i])
                    hl[nh++] = lab[i];
            CHECK(nh >= k, "enough held");
            CHECK(ck_lsss_satisfy(&s, l, hl, nh, &err) == CK_POLICY_OK && s->n == k &&
                      pu_reconstructs(l, s),
                  "%u of %u reconstructs", k, n);
            ck_lsss_solution_free(s);
            s = NULL;
            CHECK(ck_lsss_satisfy(&s, l, hl, k - 1, &err) == CK_POLICY_ERR_UNSATISFIED,
                  "%u of %u with k-1 held", k, n);
            if (n <= 120) {
                memset(hm, 0, n);
                for (i = 0; i < k - 1; i++)
                    hm[(i * 7) % n] = 1;
                CHECK(!pu_target_in_span(l, hm), "SECURITY: k-1 rows span");
            }
            free(hl);
        }
        ck_lsss_free(l);
    }
    free(text);
    free(lab);
    free(held);
    free(hm);
}

int main(void)
{
    pu_seed(0x6c737373ull);
    test_matrices();
    test_accessors();
    test_cheapest();
    test_thresholds();
    test_random();
    test_large();
    TEST_MAIN_END();
}
