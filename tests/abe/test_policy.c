/*
 * tests/abe/test_policy.c - the policy language: exact error messages for
 * malformed policies, canonical form, parse/print round trips, limits,
 * attribute labels.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "carekey/policy.h"

#define S(lit) lit, sizeof(lit) - 1

typedef struct bad {
    const char *text;
    size_t len;
    ck_policy_err code;
    const char *msg;
} bad;

static const bad bad_policies[] = {
    { S(""), CK_POLICY_ERR_SYNTAX, "policy:1: empty policy" },
    { S("   "), CK_POLICY_ERR_SYNTAX, "policy:4: empty policy" },
    { S("a@x b@y"), CK_POLICY_ERR_SYNTAX,
      "policy:5: expected 'and', 'or' or end of policy, found name" },
    { S("a@x,b@y"), CK_POLICY_ERR_SYNTAX,
      "policy:4: expected 'and', 'or' or end of policy, found ','" },
    { S("a@x@y"), CK_POLICY_ERR_SYNTAX,
      "policy:4: expected 'and', 'or' or end of policy, found '@'" },
    { S("a@x)"), CK_POLICY_ERR_SYNTAX, "policy:4: unmatched ')'" },
    { S("1 of (a@x))"), CK_POLICY_ERR_SYNTAX, "policy:11: unmatched ')'" },
    { S("a@x and"), CK_POLICY_ERR_SYNTAX,
      "policy:8: expected attribute, '(' or threshold, found end of input" },
    { S("a@x AND"), CK_POLICY_ERR_SYNTAX,
      "policy:8: expected attribute, '(' or threshold, found end of input" },
    { S("or a@x"), CK_POLICY_ERR_SYNTAX,
      "policy:1: expected attribute, '(' or threshold, found 'or'" },
    { S("a@x and and b@y"), CK_POLICY_ERR_SYNTAX,
      "policy:9: expected attribute, '(' or threshold, found 'and'" },
    { S("()"), CK_POLICY_ERR_SYNTAX, "policy:1: empty parentheses" },
    { S("a@x and ()"), CK_POLICY_ERR_SYNTAX, "policy:9: empty parentheses" },
    { S("2 of ()"), CK_POLICY_ERR_SYNTAX, "policy:7: empty threshold list" },
    { S("0 of (a@x)"), CK_POLICY_ERR_SYNTAX, "policy:1: threshold k must be at least 1" },
    { S("3 of (a@x, b@y)"), CK_POLICY_ERR_SYNTAX,
      "policy:1: threshold 3 of 2: k exceeds the number of items" },
    { S("4294967296 of (a@x)"), CK_POLICY_ERR_SYNTAX,
      "policy:1: number out of range (max 4294967295)" },
    { S("two of (a@x)"), CK_POLICY_ERR_SYNTAX, "policy:1: invalid number" },
    { S("-1 of (a@x)"), CK_POLICY_ERR_SYNTAX, "policy:1: number must not have a sign" },
    { S("+1 of (a@x)"), CK_POLICY_ERR_SYNTAX, "policy:1: number must not have a sign" },
    { S("01 of (a@x)"), CK_POLICY_ERR_SYNTAX, "policy:1: number must not have leading zeros" },
    { S("(a@x and b@y"), CK_POLICY_ERR_SYNTAX,
      "policy:13: expected ')' to close '(' at 1, found end of input" },
    { S("a@x and (b@y or c@z"), CK_POLICY_ERR_SYNTAX,
      "policy:20: expected ')' to close '(' at 9, found end of input" },
    { S("2 of (a@x, b@y"), CK_POLICY_ERR_SYNTAX,
      "policy:15: expected ',' or ')' in threshold list, found end of input" },
    { S("2 of (a@x b@y)"), CK_POLICY_ERR_SYNTAX,
      "policy:11: expected ',' or ')' in threshold list, found name" },
    { S("2 of a@x"), CK_POLICY_ERR_SYNTAX, "policy:6: expected '(' after 'of', found name" },
    { S("2 of"), CK_POLICY_ERR_SYNTAX, "policy:5: expected '(' after 'of', found end of input" },
    { S("2 of (a@x, )"), CK_POLICY_ERR_SYNTAX,
      "policy:12: expected attribute, '(' or threshold, found ')'" },
    { S("2 (a@x)"), CK_POLICY_ERR_SYNTAX,
      "policy:3: expected 'of' or '@' after number, found '('" },
    { S("2of(a@x)"), CK_POLICY_ERR_SYNTAX,
      "policy:4: expected '@' after attribute name, found '('" },
    { S("a@x & b@y"), CK_POLICY_ERR_SYNTAX, "policy:5: unexpected character '&'" },
    { S("a@x ! b@y"), CK_POLICY_ERR_SYNTAX, "policy:5: unexpected character '!'" },
    { S("a@x\x01"), CK_POLICY_ERR_SYNTAX, "policy:4: unexpected byte 0x01" },
    { S("a@x\0"), CK_POLICY_ERR_SYNTAX, "policy:4: unexpected byte 0x00" },
    { S("a@x and \xc3\xa9@y"), CK_POLICY_ERR_SYNTAX, "policy:9: unexpected byte 0xc3" },
    { S("doctor"), CK_POLICY_ERR_SYNTAX,
      "policy:7: expected '@' after attribute name, found end of input" },
    { S("doctor and nurse@h"), CK_POLICY_ERR_SYNTAX,
      "policy:8: expected '@' after attribute name, found 'and'" },
    { S("doctor@"), CK_POLICY_ERR_SYNTAX,
      "policy:8: expected authority after '@', found end of input" },
    { S("doctor@(x)"), CK_POLICY_ERR_SYNTAX, "policy:8: expected authority after '@', found '('" },
    { S("@hosp"), CK_POLICY_ERR_SYNTAX, "policy:1: missing attribute name before '@'" },
    { S("a@x or @hosp"), CK_POLICY_ERR_SYNTAX, "policy:8: missing attribute name before '@'" },
    { S("\"\"@x"), CK_POLICY_ERR_SYNTAX, "policy:1: empty attribute name" },
    { S("Doctor@h"), CK_POLICY_ERR_SYNTAX,
      "policy:1: upper-case letter in attribute name (quote it or use lower case)" },
    { S("docTor@h"), CK_POLICY_ERR_SYNTAX,
      "policy:4: upper-case letter in attribute name (quote it or use lower case)" },
    { S("doctor@Hosp"), CK_POLICY_ERR_SYNTAX, "policy:8: upper-case letter in authority" },
    { S("a @x"), CK_POLICY_ERR_SYNTAX, "policy:2: no space allowed before '@'" },
    { S("a@ x"), CK_POLICY_ERR_SYNTAX, "policy:3: no space allowed after '@'" },
    { S("a@\"x\""), CK_POLICY_ERR_SYNTAX, "policy:3: authority must not be quoted" },
    { S("a@and"), CK_POLICY_ERR_SYNTAX, "policy:3: keyword 'and' cannot be an authority" },
    { S("and@x"), CK_POLICY_ERR_SYNTAX, "policy:1: keyword 'and' cannot be a name (quote it)" },
    { S("a@x or OF@x"), CK_POLICY_ERR_SYNTAX,
      "policy:8: keyword 'of' cannot be a name (quote it)" },
    { S("\"abc"), CK_POLICY_ERR_SYNTAX, "policy:1: unterminated quoted name" },
    { S("a@x or \"abc\\\""), CK_POLICY_ERR_SYNTAX, "policy:8: unterminated quoted name" },
    { S("\"a\\nb\"@x"), CK_POLICY_ERR_SYNTAX,
      "policy:3: invalid escape in quoted name (only \\\" and \\\\)" },
    { S("\"a@b\"@x"), CK_POLICY_ERR_SYNTAX, "policy:3: character '@' not allowed in quoted name" },
    { S("\"a#b\"@x"), CK_POLICY_ERR_SYNTAX, "policy:3: character '#' not allowed in quoted name" },
    { S("\"a\tb\"@x"), CK_POLICY_ERR_SYNTAX, "policy:3: byte 0x09 not allowed in quoted name" },
    { S("\"\xc3\xa9\"@x"), CK_POLICY_ERR_SYNTAX,
      "policy:2: byte 0xc3 not allowed in quoted name" },
    { S("a@x >= 4294967296"), CK_POLICY_ERR_SYNTAX,
      "policy:8: number out of range (max 4294967295)" },
    { S("a@x >= 99999999999999999999999"), CK_POLICY_ERR_SYNTAX,
      "policy:8: number out of range (max 4294967295)" },
    { S("a@x >= -1"), CK_POLICY_ERR_SYNTAX, "policy:8: number must not have a sign" },
    { S("a@x >= +1"), CK_POLICY_ERR_SYNTAX, "policy:8: number must not have a sign" },
    { S("a@x >= 01"), CK_POLICY_ERR_SYNTAX, "policy:8: number must not have leading zeros" },
    { S("a@x >= 3x"), CK_POLICY_ERR_SYNTAX, "policy:8: invalid number" },
    { S("a@x >="), CK_POLICY_ERR_SYNTAX,
      "policy:7: expected a number after '>=', found end of input" },
    { S("a@x < b@y"), CK_POLICY_ERR_SYNTAX, "policy:7: invalid number" },
    { S("a@x == (3)"), CK_POLICY_ERR_SYNTAX, "policy:8: expected a number after '==', found '('" },
    { S("a@x = 3"), CK_POLICY_ERR_SYNTAX, "policy:5: '=' is not an operator (use '==')" },
    { S("a@x => 3"), CK_POLICY_ERR_SYNTAX, "policy:5: '=' is not an operator (use '==')" },
    { S("a@x < 0"), CK_POLICY_ERR_SYNTAX, "policy:5: comparison can never be satisfied" },
    { S("a@x > 4294967295"), CK_POLICY_ERR_SYNTAX,
      "policy:5: comparison can never be satisfied" },
    { S("(a@x) >= 3"), CK_POLICY_ERR_SYNTAX,
      "policy:7: expected 'and', 'or' or end of policy, found '>='" },
    { S("a@x >= 3 >= 4"), CK_POLICY_ERR_SYNTAX,
      "policy:10: expected 'and', 'or' or end of policy, found '>='" },
};

static void test_bad(void)
{
    size_t i;
    for (i = 0; i < sizeof bad_policies / sizeof bad_policies[0]; i++) {
        const bad *b = &bad_policies[i];
        ck_policy *p = (ck_policy *)1;
        ck_policy_error err;
        ck_policy_err e = ck_policy_parse(&p, b->text, b->len, &err);
        CHECK(e == b->code && err.code == b->code, "bad[%zu] %s: code %d", i, b->text, (int)e);
        CHECK(strcmp(err.msg, b->msg) == 0, "bad[%zu] %s:\n  got  %s\n  want %s", i, b->text,
              err.msg, b->msg);
        CHECK(p == NULL, "bad[%zu]: output not cleared", i);
        ck_policy_free(p);
    }
    printf("%zu malformed policies checked\n", sizeof bad_policies / sizeof bad_policies[0]);
}

/* Expects text to fail with exactly msg. */
static void expect_error(const char *text, size_t len, ck_policy_err code, const char *msg)
{
    ck_policy *p = NULL;
    ck_policy_error err;
    ck_policy_err e = ck_policy_parse(&p, text, len, &err);
    CHECK(e == code, "%.40s...: code %d, want %d", text, (int)e, (int)code);
    CHECK(strcmp(err.msg, msg) == 0, "%.40s...:\n  got  %s\n  want %s", text, err.msg, msg);
    ck_policy_free(p);
}

static char *repeat(const char *unit, size_t times, const char *prefix, const char *suffix)
{
    size_t ul = strlen(unit), pl = strlen(prefix), sl = strlen(suffix), i;
    char *s = malloc(pl + ul * times + sl + 1), *q = s;
    memcpy(q, prefix, pl);
    q += pl;
    for (i = 0; i < times; i++, q += ul)
        memcpy(q, unit, ul);
    memcpy(q, suffix, sl + 1);
    return s;
}

static void test_limits(void)
{
    char *s, name[300];
    size_t i;
    ck_policy *p = NULL;
    ck_policy_error err;

    /* nesting: 64 levels are fine, 65 are not */
    s = malloc(200);
    for (i = 0; i < 64; i++)
        s[i] = '(';
    memcpy(s + 64, "a@x", 3);
    for (i = 0; i < 64; i++)
        s[67 + i] = ')';
    CHECK(ck_policy_parse(&p, s, 131, &err) == CK_POLICY_OK, "64 levels: %s", err.msg);
    ck_policy_free(p);
    p = NULL;
    for (i = 0; i < 65; i++)
        s[i] = '(';
    memcpy(s + 65, "a@x", 3);
    for (i = 0; i < 65; i++)
        s[68 + i] = ')';
    expect_error(s, 133, CK_POLICY_ERR_LIMIT, "policy:65: nesting deeper than 64 levels");
    free(s);
    /* thresholds count as nesting too */
    s = repeat("1 of (", 65, "", "a@x");
    expect_error(s, strlen(s), CK_POLICY_ERR_LIMIT, "policy:390: nesting deeper than 64 levels");
    free(s);

    /* length */
    s = repeat(" ", CK_POLICY_MAX_BYTES - 3, "a@x", "");
    CHECK(ck_policy_parse(&p, s, strlen(s), &err) == CK_POLICY_OK, "64 KiB: %s", err.msg);
    ck_policy_free(p);
    p = NULL;
    free(s);
    s = repeat(" ", CK_POLICY_MAX_BYTES - 2, "a@x", "");
    expect_error(s, strlen(s), CK_POLICY_ERR_LIMIT, "policy:65537: policy longer than 65536 bytes");
    free(s);

    /* leaves: 1024 attributes are fine, 1025 are not */
    s = repeat(" or a@x", 1023, "a@x", "");
    CHECK(ck_policy_parse(&p, s, strlen(s), &err) == CK_POLICY_OK, "1024 leaves: %s", err.msg);
    CHECK(p && ck_policy_leaves(p) == 1024, "1024 leaves counted");
    ck_policy_free(p);
    p = NULL;
    free(s);
    s = repeat(" or a@x", 1024, "a@x", "");
    expect_error(s, strlen(s), CK_POLICY_ERR_LIMIT,
                 "policy:7169: more than 1024 leaves (attributes and comparison bits)");
    free(s);
    /* comparisons count their bits: 32 equalities are 1024 leaves */
    s = repeat(" and v@x == 7", 31, "v@x == 7", "");
    CHECK(ck_policy_parse(&p, s, strlen(s), &err) == CK_POLICY_OK, "32 x ==: %s", err.msg);
    CHECK(p && ck_policy_leaves(p) == 1024, "32 x == counted");
    ck_policy_free(p);
    p = NULL;
    free(s);
    s = repeat(" and v@x == 7", 32, "v@x == 7", "");
    expect_error(s, strlen(s), CK_POLICY_ERR_LIMIT,
                 "policy:417: more than 1024 leaves (attributes and comparison bits)");
    free(s);

    /* name and authority lengths */
    memset(name, 'n', 128);
    memcpy(name + 128, "@x", 3);
    CHECK(ck_policy_parse(&p, name, strlen(name), &err) == CK_POLICY_OK, "128-byte name");
    ck_policy_free(p);
    p = NULL;
    memset(name, 'n', 129);
    memcpy(name + 129, "@x", 3);
    expect_error(name, strlen(name), CK_POLICY_ERR_LIMIT,
                 "policy:1: attribute name longer than 128 bytes");
    name[0] = '"';
    memset(name + 1, 'N', 129);
    memcpy(name + 130, "\"@x", 4);
    expect_error(name, strlen(name), CK_POLICY_ERR_LIMIT,
                 "policy:1: attribute name longer than 128 bytes");
    memcpy(name + 129, "\"@x", 4);
    CHECK(ck_policy_parse(&p, name, strlen(name), &err) == CK_POLICY_OK, "128-byte quoted name");
    ck_policy_free(p);
    p = NULL;
    memcpy(name, "a@", 2);
    memset(name + 2, 'h', 65);
    name[67] = 0;
    expect_error(name, strlen(name), CK_POLICY_ERR_LIMIT,
                 "policy:3: authority longer than 64 bytes");
    name[66] = 0;
    CHECK(ck_policy_parse(&p, name, strlen(name), &err) == CK_POLICY_OK, "64-byte authority");
    ck_policy_free(p);
    p = NULL;

    /* canonical form above the limit (spaces added after ',' and around
     * '>='): 318 items of 206 bytes in 65514 bytes of input. */
    {
        char item[256];
        memset(item, 'n', 128);
        item[128] = '@';
        memset(item + 129, 'h', 64);
        memcpy(item + 193, ">=2147483648,", 14);
        s = repeat(item, 318, "1 of(", ")");
        s[strlen(s) - 2] = ')';
        s[strlen(s) - 1] = 0;
        CHECK(strlen(s) <= CK_POLICY_MAX_BYTES, "canonical-limit input fits (%zu)", strlen(s));
        expect_error(s, strlen(s), CK_POLICY_ERR_LIMIT,
                     "policy: canonical form longer than 65536 bytes");
        free(s);
    }
}

typedef struct canon {
    const char *in;
    const char *out;
} canon;

static const canon canon_examples[] = {
    { "a@x", "a@x" },
    { "a@x AND (b@y OR c@z)", "a@x and (b@y or c@z)" },
    { "(a@x and b@y) or c@z", "a@x and b@y or c@z" },
    { "a@x and (b@y and c@z)", "a@x and b@y and c@z" },
    { "(a@x and b@y) and (c@z and d@w)", "a@x and b@y and c@z and d@w" },
    { "a@x or (b@y or (c@z or d@w))", "a@x or b@y or c@z or d@w" },
    { "((a@x))", "a@x" },
    { "a@x or (b@y or c@z) and d@w", "a@x or (b@y or c@z) and d@w" },
    { "(a@x or b@y) and (c@z or d@w)", "(a@x or b@y) and (c@z or d@w)" },
    { "2 OF(a@x,b@y ,c@z)", "2 of (a@x, b@y, c@z)" },
    { "1 Of (a@x)", "1 of (a@x)" },
    { "2 of (a@x and b@y, c@z, (d@w or e@v))", "2 of (a@x and b@y, c@z, d@w or e@v)" },
    { "a@x and 2 of (b@y, (c@z))", "a@x and 2 of (b@y, c@z)" },
    { "level@hosp-a>=3", "level@hosp-a >= 3" },
    { "level@hosp-a<3 or level@hosp-a==0", "level@hosp-a < 3 or level@hosp-a == 0" },
    { "x@a>0 and x@a<=4294967295 and x@a>=0", "x@a > 0 and x@a <= 4294967295 and x@a >= 0" },
    { "\"abc\"@x", "abc@x" },
    { "\"Primary Care\"@hosp-a", "\"Primary Care\"@hosp-a" },
    { "\"and\"@x or \"OR\"@x", "\"and\"@x or \"OR\"@x" },
    { "\"q\\\"\\\\\"@x", "\"q\\\"\\\\\"@x" },
    { "\"a(b), c\"@x", "\"a(b), c\"@x" },
    { "007@x and 2@y", "007@x and 2@y" },
    { "\t a@x\n\rand\tb@y ", "a@x and b@y" },
    { "doctor@hosp-a and (cardiology@hosp-a or 2 of (er@hosp-b, icu@hosp-b, md@board))",
      "doctor@hosp-a and (cardiology@hosp-a or 2 of (er@hosp-b, icu@hosp-b, md@board))" },
    { "a.b_c-d@e.f_g-h", "a.b_c-d@e.f_g-h" },
};

static void round_trip(const char *text, size_t len, const char *want)
{
    ck_policy *p = NULL, *q = NULL;
    ck_policy_error err;
    char *c1 = NULL, *c2 = NULL;
    size_t n1, n2;

    if (ck_policy_parse(&p, text, len, &err) != CK_POLICY_OK) {
        CHECK(0, "parse %s: %s", text, err.msg);
        goto out;
    }
    n1 = ck_policy_print(p, NULL, 0);
    c1 = malloc(n1 + 1);
    CHECK(ck_policy_print(p, c1, n1 + 1) == n1 && strlen(c1) == n1, "print length %s", text);
    if (want)
        CHECK(strcmp(c1, want) == 0, "canonical of %s:\n  got  %s\n  want %s", text, c1, want);
    if (ck_policy_parse(&q, c1, n1, &err) != CK_POLICY_OK) {
        CHECK(0, "re-parse %s: %s", c1, err.msg);
        goto out;
    }
    CHECK(ck_policy_equal(p, q), "parse(print(p)) != p for %s", text);
    CHECK(ck_policy_leaves(p) == ck_policy_leaves(q), "leaves differ for %s", text);
    n2 = ck_policy_print(q, NULL, 0);
    c2 = malloc(n2 + 1);
    (void)ck_policy_print(q, c2, n2 + 1);
    CHECK(n1 == n2 && strcmp(c1, c2) == 0, "printing not idempotent: %s / %s", c1, c2);
out:
    free(c1);
    free(c2);
    ck_policy_free(p);
    ck_policy_free(q);
}

static void test_canonical(void)
{
    size_t i;
    for (i = 0; i < sizeof canon_examples / sizeof canon_examples[0]; i++)
        round_trip(canon_examples[i].in, strlen(canon_examples[i].in), canon_examples[i].out);
}

static void test_print_truncation(void)
{
    ck_policy *p = NULL;
    ck_policy_error err;
    char buf[8];
    const char *t = "a@x and b@y";

    if (ck_policy_parse(&p, t, strlen(t), &err) != CK_POLICY_OK) {
        CHECK(0, "parse: %s", err.msg);
        return;
    }
    memset(buf, 'Z', sizeof buf);
    CHECK(ck_policy_print(p, buf, 5) == 11, "full length returned");
    CHECK(strcmp(buf, "a@x ") == 0 && buf[5] == 'Z', "truncated with NUL, no overrun");
    CHECK(ck_policy_print(p, buf, 0) == 11 && buf[0] == 'a', "cap 0 writes nothing");
    ck_policy_free(p);
}

static void test_tree(void)
{
    ck_policy *p = NULL;
    ck_policy_error err;
    const ck_policy_node *r;
    const char *t = "a@x and (\"B c\"@y or lvl@z >= 5) and 2 of (d@w, e@w, f@w)";

    if (ck_policy_parse(&p, t, strlen(t), &err) != CK_POLICY_OK) {
        CHECK(0, "parse: %s", err.msg);
        return;
    }
    r = ck_policy_root(p);
    CHECK(r->kind == CK_POLICY_AND && r->n == 3, "root is a 3-way and");
    CHECK(r->child[0]->kind == CK_POLICY_ATTR && strcmp(r->child[0]->label, "a@x") == 0 &&
              strcmp(r->child[0]->name, "a") == 0 && strcmp(r->child[0]->authority, "x") == 0,
          "attribute node");
    CHECK(r->child[1]->kind == CK_POLICY_OR && r->child[1]->n == 2, "or node");
    CHECK(strcmp(r->child[1]->child[0]->label, "B c@y") == 0, "quoted label unescaped");
    CHECK(r->child[1]->child[1]->kind == CK_POLICY_CMP && r->child[1]->child[1]->op == CK_POLICY_GE &&
              r->child[1]->child[1]->value == 5 &&
              strcmp(r->child[1]->child[1]->label, "lvl@z") == 0,
          "comparison node");
    CHECK(r->child[2]->kind == CK_POLICY_THRESHOLD && r->child[2]->k == 2 && r->child[2]->n == 3,
          "threshold node");
    /* >= 5 = 101b: lowest set bit is bit 0, so bits 0..31 -> 32 literals */
    CHECK(ck_policy_leaves(p) == 1 + 1 + 32 + 3, "leaves %zu", ck_policy_leaves(p));
    ck_policy_free(p);

    CHECK(ck_policy_parse(NULL, "a@x", 3, &err) == CK_POLICY_ERR_PARAM, "NULL out");
    CHECK(ck_policy_parse(&p, NULL, 3, &err) == CK_POLICY_ERR_PARAM, "NULL text");
    CHECK(ck_policy_parse(&p, "a@x", 3, NULL) == CK_POLICY_OK, "NULL err allowed");
    ck_policy_free(p);
    ck_policy_free(NULL);
}

static void test_attr_label(void)
{
    char label[CK_POLICY_LABEL_MAX];
    ck_policy_error err;

    CHECK(ck_policy_attr_label(label, S("doctor@hosp-a"), &err) == CK_POLICY_OK &&
              strcmp(label, "doctor@hosp-a") == 0,
          "bare label");
    CHECK(ck_policy_attr_label(label, S("\"Primary \\\"Care\\\"\"@hosp-a"), &err) == CK_POLICY_OK &&
              strcmp(label, "Primary \"Care\"@hosp-a") == 0,
          "quoted label: %s", label);
    CHECK(ck_policy_attr_label(label, S(" \"abc\"@x "), &err) == CK_POLICY_OK &&
              strcmp(label, "abc@x") == 0,
          "quoted bare name label");
    CHECK(ck_policy_attr_label(label, S("a@x and b@y"), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg, "policy:5: expected end of attribute, found 'and'") == 0,
          "attr trailing: %s", err.msg);
    CHECK(ck_policy_attr_label(label, S("Doctor@x"), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg,
                     "policy:1: upper-case letter in attribute name (quote it or use lower case)") == 0,
          "attr upper: %s", err.msg);
    CHECK(ck_policy_attr_label(label, S("(a@x)"), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg, "policy:1: expected attribute name, found '('") == 0,
          "attr paren: %s", err.msg);
    CHECK(ck_policy_attr_label(label, S("of@x"), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg, "policy:1: keyword 'of' cannot be a name (quote it)") == 0,
          "attr keyword: %s", err.msg);
    CHECK(ck_policy_attr_label(label, S("a@"), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg, "policy:3: expected authority after '@', found end of input") == 0,
          "attr no authority: %s", err.msg);
    CHECK(ck_policy_attr_label(label, S(""), &err) == CK_POLICY_ERR_SYNTAX &&
              strcmp(err.msg, "policy:1: expected attribute name, found end of input") == 0,
          "attr empty: %s", err.msg);
}

int main(void)
{
    test_bad();
    test_limits();
    test_canonical();
    test_print_truncation();
    test_tree();
    test_attr_label();
    TEST_MAIN_END();
}
