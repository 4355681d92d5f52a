/*
 * tests/abe/test_policy_numeric.c - numeric comparisons as bit attributes:
 * the issued labels, and every operator at the boundaries, decided by the
 * LSSS solver on the bit-attribute sets (with exact reconstruction).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "policy_util.h"

static const char *op_text[] = { "", "<", "<=", ">", ">=", "==" };

static int compare(ck_policy_op op, uint32_t x, uint32_t v)
{
    switch (op) {
    case CK_POLICY_LT: return x < v;
    case CK_POLICY_LE: return x <= v;
    case CK_POLICY_GT: return x > v;
    case CK_POLICY_GE: return x >= v;
    case CK_POLICY_EQ: return x == v;
    }
    return 0;
}

static void test_labels(void)
{
    char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    ck_policy_error err;
    unsigned i;
    int ok = 1;

    if (ck_policy_numeric_attrs(out, "level@hosp-a", 12, 5, &err) != CK_POLICY_OK) {
        CHECK(0, "numeric_attrs: %s", err.msg);
        return;
    }
    CHECK(strcmp(out[0], "level#b0=1@hosp-a") == 0, "bit 0: %s", out[0]);
    CHECK(strcmp(out[1], "level#b1=0@hosp-a") == 0, "bit 1: %s", out[1]);
    CHECK(strcmp(out[2], "level#b2=1@hosp-a") == 0, "bit 2: %s", out[2]);
    CHECK(strcmp(out[31], "level#b31=0@hosp-a") == 0, "bit 31: %s", out[31]);
    CHECK(ck_policy_numeric_attrs(out, "level@hosp-a", 12, 0xffffffffu, &err) == CK_POLICY_OK,
          "all ones");
    for (i = 0; i < 32; i++) {
        char want[64];
        snprintf(want, sizeof want, "level#b%u=1@hosp-a", i);
        ok &= strcmp(out[i], want) == 0;
    }
    CHECK(ok, "all-ones labels");
    CHECK(ck_policy_numeric_attrs(out, "\"Care Level\"@h", 14, 2, &err) == CK_POLICY_OK &&
              strcmp(out[1], "Care Level#b1=1@h") == 0,
          "quoted numeric name: %s", out[1]);
    CHECK(ck_policy_numeric_attrs(out, "Level@h", 7, 2, &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg,
                     "policy:1: upper-case letter in attribute name (quote it or use lower case)") == 0,
          "bad numeric name: %s", err.msg);
    /* the longest names fit the label buffer */
    {
        char text[CK_POLICY_NAME_MAX + CK_POLICY_AUTH_MAX + 2];
        memset(text, 'n', CK_POLICY_NAME_MAX);
        text[CK_POLICY_NAME_MAX] = '@';
        memset(text + CK_POLICY_NAME_MAX + 1, 'a', CK_POLICY_AUTH_MAX);
        CHECK(ck_policy_numeric_attrs(out, text, sizeof text - 1, 0x80000000u, &err) ==
                      CK_POLICY_OK &&
                  strlen(out[31]) == CK_POLICY_LABEL_MAX - 1 &&
                  memcmp(out[31] + CK_POLICY_NAME_MAX, "#b31=1@", 7) == 0,
              "longest bit label");
    }
}

/* Does a user with value x for v@h satisfy "v@h op bound"? Asks the solver
 * and checks the reconstruction; returns -1 if the policy does not parse. */
static int solve(ck_policy_op op, uint32_t bound, uint32_t x, int *rows_used)
{
    char text[64], bits[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    const char *held[CK_POLICY_NUM_BITS + 1];
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    ck_policy_err e;
    int result = -1, i;

    snprintf(text, sizeof text, "v@h %s %u", op_text[op], (unsigned)bound);
    if (ck_policy_parse(&p, text, strlen(text), &err) != CK_POLICY_OK)
        goto out;
    if (ck_lsss_build(&l, p, &err) != CK_POLICY_OK) {
        CHECK(0, "build %s: %s", text, err.msg);
        goto out;
    }
    if (ck_policy_numeric_attrs(bits, "v@h", 3, x, &err) != CK_POLICY_OK)
        goto out;
    for (i = 0; i < CK_POLICY_NUM_BITS; i++)
        held[i] = bits[i];
    held[i] = "other@h";
    e = ck_lsss_satisfy(&s, l, held, CK_POLICY_NUM_BITS + 1, &err);
    if (e == CK_POLICY_OK) {
        result = 1;
        *rows_used = (int)s->n;
        CHECK(pu_reconstructs(l, s), "%s with x=%u: no exact reconstruction", text, (unsigned)x);
    } else {
        result = 0;
        CHECK(e == CK_POLICY_ERR_UNSATISFIED && strcmp(err.msg, "policy: policy not satisfied") == 0,
              "%s with x=%u: %s", text, (unsigned)x, err.msg);
    }
out:
    ck_lsss_solution_free(s);
    ck_lsss_free(l);
    ck_policy_free(p);
    return result;
}

static void test_boundaries(void)
{
    static const uint32_t bounds[] = { 0, 1, 2, 3, 5, 7, 8, 100, 0x7fffffffu, 0x80000000u,
                                       0x80000001u, 0xaaaaaaaau, 0x55555555u, 0xfffffffeu,
                                       0xffffffffu };
    size_t bi, xi;
    int op, checked = 0;

    for (op = CK_POLICY_LT; op <= CK_POLICY_EQ; op++) {
        for (bi = 0; bi < sizeof bounds / sizeof bounds[0]; bi++) {
            uint32_t v = bounds[bi];
            uint32_t xs[] = { 0, 1, 2, 0x80000000u, 0xffffffffu, v - 1, v, v + 1, v ^ 0x10u,
                              v ^ 0x80000000u };
            int never = (op == CK_POLICY_LT && v == 0) || (op == CK_POLICY_GT && v == 0xffffffffu);
            for (xi = 0; xi < sizeof xs / sizeof xs[0]; xi++) {
                int rows = 0, got = solve((ck_policy_op)op, v, xs[xi], &rows);
                if (never) {
                    CHECK(got == -1, "v@h %s %u must be rejected", op_text[op], (unsigned)v);
                    continue;
                }
                CHECK(got == compare((ck_policy_op)op, xs[xi], v), "x=%u %s %u: got %d",
                      (unsigned)xs[xi], op_text[op], (unsigned)v, got);
                if (got == 1 && op == CK_POLICY_EQ)
                    CHECK(rows == 32, "== uses all 32 bits (%d)", rows);
                checked++;
            }
        }
    }
    printf("%d boundary comparisons checked\n", checked);
}

static void test_random(void)
{
    int i, op;
    for (i = 0; i < 300; i++) {
        uint32_t v = (uint32_t)pu_rand(), x;
        int rows, never, got;
        if (i % 3 == 0)
            v >>= pu_below(32);
        x = i % 2 ? (uint32_t)pu_rand() : v + (uint32_t)pu_below(5) - 2;
        op = 1 + (int)pu_below(5);
        never = (op == CK_POLICY_LT && v == 0) || (op == CK_POLICY_GT && v == 0xffffffffu);
        got = solve((ck_policy_op)op, v, x, &rows);
        CHECK(got == (never ? -1 : compare((ck_policy_op)op, x, v)), "random x=%u %s %u: %d",
              (unsigned)x, op_text[op], (unsigned)v, got);
    }
}

/* Only the 32 bits of the right attribute count: other names, authorities
 * or a partial set of bits never satisfy. */
static void test_isolation(void)
{
    char bits[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    const char *held[CK_POLICY_NUM_BITS];
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_lsss_solution *s = NULL;
    ck_policy_error err;
    int i;

    if (ck_policy_parse(&p, "v@h >= 0", 8, &err) != CK_POLICY_OK ||
        ck_lsss_build(&l, p, &err) != CK_POLICY_OK) {
        CHECK(0, "setup: %s", err.msg);
        goto out;
    }
    CHECK(ck_lsss_rows(l) == 2, ">= 0 is 'holds the attribute': 2 rows");
    CHECK(ck_policy_numeric_attrs(bits, "v@g", 3, 9, &err) == CK_POLICY_OK, "v@g");
    for (i = 0; i < 32; i++)
        held[i] = bits[i];
    CHECK(ck_lsss_satisfy(&s, l, held, 32, &err) == CK_POLICY_ERR_UNSATISFIED,
          "other authority does not satisfy");
    CHECK(ck_policy_numeric_attrs(bits, "w@h", 3, 9, &err) == CK_POLICY_OK, "w@h");
    CHECK(ck_lsss_satisfy(&s, l, held, 32, &err) == CK_POLICY_ERR_UNSATISFIED,
          "other name does not satisfy");
    CHECK(ck_policy_numeric_attrs(bits, "v@h", 3, 9, &err) == CK_POLICY_OK, "v@h");
    CHECK(ck_lsss_satisfy(&s, l, held, 31, &err) == CK_POLICY_ERR_UNSATISFIED,
          "without bit 31 no >= 0");
    CHECK(ck_lsss_satisfy(&s, l, held, 32, &err) == CK_POLICY_OK && s->n == 1, "holder: 1 row");
out:
    ck_lsss_solution_free(s);
    ck_lsss_free(l);
    ck_policy_free(p);
}

/* Two numeric attributes and plain ones, checked against direct evaluation. */
static void test_mixed(void)
{
    const char *text = "level@hosp-a >= 3 and age@patient < 18 or guardian@patient and "
                       "age@patient >= 18 or 2 of (level@hosp-a == 7, er@hosp-a, age@patient > 64)";
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_policy_error err;
    int i;

    if (ck_policy_parse(&p, text, strlen(text), &err) != CK_POLICY_OK ||
        ck_lsss_build(&l, p, &err) != CK_POLICY_OK) {
        CHECK(0, "mixed setup: %s", err.msg);
        goto out;
    }
    for (i = 0; i < 400; i++) {
        static const uint32_t levels[] = { 0, 2, 3, 4, 7, 8, 0xffffffffu };
        static const uint32_t ages[] = { 0, 17, 18, 19, 64, 65, 200 };
        pu_user u;
        size_t n;
        char *store;
        const char **labels;
        ck_lsss_solution *s = NULL;
        ck_policy_err e;
        int want;

        memset(&u, 0, sizeof u);
        if (pu_below(2))
            u.attrs[u.n_attrs++] = "guardian@patient";
        if (pu_below(2))
            u.attrs[u.n_attrs++] = "er@hosp-a";
        if (pu_below(4)) {
            u.num_label[u.n_num] = "level@hosp-a";
            u.num_value[u.n_num++] = levels[pu_below(7)];
        }
        if (pu_below(4)) {
            u.num_label[u.n_num] = "age@patient";
            u.num_value[u.n_num++] = ages[pu_below(7)];
        }
        want = pu_eval(ck_policy_root(p), &u);
        labels = pu_user_labels(&u, &n, &store);
        e = ck_lsss_satisfy(&s, l, labels, n, &err);
        CHECK((e == CK_POLICY_OK) == want, "mixed policy: solver %d, evaluation %d", (int)e, want);
        if (e == CK_POLICY_OK)
            CHECK(pu_reconstructs(l, s), "mixed: no exact reconstruction");
        ck_lsss_solution_free(s);
        free(labels);
        free(store);
    }
out:
    ck_lsss_free(l);
    ck_policy_free(p);
}

int main(void)
{
    pu_seed(0x6e756d65726963ull);
    test_labels();
    test_boundaries();
    test_random();
    test_isolation();
    test_mixed();
    TEST_MAIN_END();
}
