/*
 * abe/policy_parser.c - recursive-descent parser of the policy language.
 *
 *   policy    = or-expr EOF
 *   or-expr   = and-expr { "or" and-expr }
 *   and-expr  = primary { "and" primary }
 *   primary   = "(" or-expr ")"
 *             | number "of" "(" or-expr { "," or-expr } ")"
 *             | attribute [ ( "<" | "<=" | ">" | ">=" | "==" ) number ]
 *   attribute = ( bare | quoted ) "@" bare          (no space around '@')
 *
 * and/or chains are flattened into n-ary nodes; a group of one element is
 * that element. Every error names its 1-based byte position.
 */
#include <stdlib.h>
#include <string.h>

#include "abe/policy_internal.h"

typedef struct parser {
    ck_lexer lx;
    ck_token tok;
    ck_policy_error *err;
    size_t depth;
    size_t leaves;
} parser;

typedef struct attr_text {
    char name[CK_POLICY_NAME_MAX + 1];
    size_t name_len;
    char auth[CK_POLICY_AUTH_MAX + 1];
    size_t auth_len;
    size_t pos; /* 0-based start of the attribute */
} attr_text;

static ck_policy_err parse_or(parser *p, ck_policy_node **out);

static ck_policy_err advance(parser *p)
{
    return ck_lex_next(&p->lx, &p->tok, p->err);
}

static ck_policy_err peek(parser *p, ck_token *t)
{
    ck_lexer copy = p->lx;
    return ck_lex_next(&copy, t, p->err);
}

static ck_policy_err nomem(parser *p)
{
    return ck_policy_fail(p->err, CK_POLICY_ERR_NOMEM, 0, "out of memory");
}

static const char *keyword_text(ck_tok k)
{
    return k == CK_TOK_AND ? "and" : k == CK_TOK_OR ? "or" : "of";
}

static int is_keyword_tok(ck_tok k)
{
    return k == CK_TOK_AND || k == CK_TOK_OR || k == CK_TOK_OF;
}

/* A number token: decimal, no sign, no leading zeros, below 2^32. */
static ck_policy_err parse_number(parser *p, const ck_token *t, uint32_t *out, const char *after)
{
    uint64_t v = 0;
    size_t i;

    if (t->kind == CK_TOK_PLUS || (t->kind == CK_TOK_WORD && t->text[0] == '-'))
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + 1,
                              "number must not have a sign");
    if (t->kind != CK_TOK_WORD)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + 1,
                              "expected a number after %s, found %s", after, ck_tok_describe(t));
    for (i = 0; i < t->text_len; i++)
        if (t->text[i] < '0' || t->text[i] > '9')
            return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + 1, "invalid number");
    if (t->text_len > 1 && t->text[0] == '0')
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + 1,
                              "number must not have leading zeros");
    for (i = 0; i < t->text_len; i++) {
        v = v * 10 + (uint64_t)(t->text[i] - '0');
        if (v > 0xffffffffu)
            return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + 1,
                                  "number out of range (max 4294967295)");
    }
    *out = (uint32_t)v;
    return CK_POLICY_OK;
}

/* Checks a bare word used as a name or authority. */
static ck_policy_err check_bare(parser *p, const ck_token *t, size_t max, const char *what,
                                const char *hint)
{
    size_t i;
    for (i = 0; i < t->text_len; i++)
        if (t->text[i] >= 'A' && t->text[i] <= 'Z')
            return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, t->pos + i + 1,
                                  "upper-case letter in %s%s", what, hint);
    if (t->text_len > max)
        return ck_policy_fail(p->err, CK_POLICY_ERR_LIMIT, t->pos + 1,
                              "%s longer than %zu bytes", what, max);
    return CK_POLICY_OK;
}

/* name '@' authority; p->tok is the name (WORD or STRING). Leaves p->tok
 * on the token after the authority.                                       */
static ck_policy_err parse_attribute(parser *p, attr_text *a)
{
    ck_policy_err e;
    size_t name_end = p->tok.end, at_end;

    a->pos = p->tok.pos;
    if (p->tok.kind == CK_TOK_WORD) {
        if ((e = check_bare(p, &p->tok, CK_POLICY_NAME_MAX, "attribute name",
                            " (quote it or use lower case)")) != CK_POLICY_OK)
            return e;
    }
    memcpy(a->name, p->tok.text, p->tok.text_len);
    a->name_len = p->tok.text_len;
    a->name[a->name_len] = 0;

    if ((e = advance(p)) != CK_POLICY_OK)
        return e;
    if (p->tok.kind != CK_TOK_AT)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "expected '@' after attribute name, found %s",
                              ck_tok_describe(&p->tok));
    if (p->tok.pos != name_end)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, name_end + 1,
                              "no space allowed before '@'");
    at_end = p->tok.end;
    if ((e = advance(p)) != CK_POLICY_OK)
        return e;
    if (p->tok.kind == CK_TOK_STRING)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "authority must not be quoted");
    if (is_keyword_tok(p->tok.kind))
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "keyword '%s' cannot be an authority", keyword_text(p->tok.kind));
    if (p->tok.kind != CK_TOK_WORD)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "expected authority after '@', found %s",
                              ck_tok_describe(&p->tok));
    if (p->tok.pos != at_end)
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, at_end + 1,
                              "no space allowed after '@'");
    if ((e = check_bare(p, &p->tok, CK_POLICY_AUTH_MAX, "authority", "")) != CK_POLICY_OK)
        return e;
    memcpy(a->auth, p->tok.text, p->tok.text_len);
    a->auth_len = p->tok.text_len;
    a->auth[a->auth_len] = 0;
    return advance(p);
}

static ck_policy_err count_leaves(parser *p, size_t n, size_t pos)
{
    p->leaves += n;
    if (p->leaves > CK_POLICY_MAX_LEAVES)
        return ck_policy_fail(p->err, CK_POLICY_ERR_LIMIT, pos + 1,
                              "more than %d leaves (attributes and comparison bits)",
                              CK_POLICY_MAX_LEAVES);
    return CK_POLICY_OK;
}

static ck_policy_err parse_leaf(parser *p, ck_policy_node **out)
{
    ck_policy_node *n = NULL;
    ck_policy_err e;
    attr_text a;
    ck_num_step steps[CK_POLICY_NUM_BITS];
    size_t nsteps = 1, op_pos;
    ck_policy_op op = 0;
    uint32_t value = 0;

    if ((e = parse_attribute(p, &a)) != CK_POLICY_OK)
        goto out;
    switch (p->tok.kind) {
    case CK_TOK_LT: op = CK_POLICY_LT; break;
    case CK_TOK_LE: op = CK_POLICY_LE; break;
    case CK_TOK_GT: op = CK_POLICY_GT; break;
    case CK_TOK_GE: op = CK_POLICY_GE; break;
    case CK_TOK_EQ: op = CK_POLICY_EQ; break;
    default: break;
    }
    if (op != 0) {
        const char *op_text = ck_tok_describe(&p->tok);
        op_pos = p->tok.pos;
        if ((e = advance(p)) != CK_POLICY_OK)
            goto out;
        if ((e = parse_number(p, &p->tok, &value, op_text)) != CK_POLICY_OK)
            goto out;
        nsteps = ck_num_expand(steps, op, value);
        if (nsteps == 0) {
            e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, op_pos + 1,
                               "comparison can never be satisfied");
            goto out;
        }
        if ((e = advance(p)) != CK_POLICY_OK)
            goto out;
    }
    if ((e = count_leaves(p, nsteps, a.pos)) != CK_POLICY_OK)
        goto out;
    n = ck_policy_node_new(op ? CK_POLICY_CMP : CK_POLICY_ATTR);
    if (n == NULL || ck_policy_node_set_attr(n, a.name, a.name_len, a.auth, a.auth_len) != 0) {
        e = nomem(p);
        goto out;
    }
    n->op = op;
    n->value = value;
    *out = n;
    n = NULL;
out:
    ck_policy_node_free(n);
    return e;
}

static ck_policy_err open_paren(parser *p)
{
    if (++p->depth > CK_POLICY_MAX_DEPTH)
        return ck_policy_fail(p->err, CK_POLICY_ERR_LIMIT, p->tok.pos + 1,
                              "nesting deeper than %d levels", CK_POLICY_MAX_DEPTH);
    return advance(p);
}

static ck_policy_err parse_threshold(parser *p, ck_policy_node **out)
{
    ck_policy_node *n = NULL, *c = NULL;
    ck_policy_err e;
    uint32_t k;
    size_t k_pos = p->tok.pos;

    if ((e = parse_number(p, &p->tok, &k, "")) != CK_POLICY_OK)
        goto out;
    if (k == 0) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, k_pos + 1,
                           "threshold k must be at least 1");
        goto out;
    }
    if ((e = advance(p)) != CK_POLICY_OK || (e = advance(p)) != CK_POLICY_OK)
        goto out; /* the number, then 'of' */
    if (p->tok.kind != CK_TOK_LPAREN) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                           "expected '(' after 'of', found %s", ck_tok_describe(&p->tok));
        goto out;
    }
    if ((e = open_paren(p)) != CK_POLICY_OK)
        goto out;
    if (p->tok.kind == CK_TOK_RPAREN) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1, "empty threshold list");
        goto out;
    }
    if ((n = ck_policy_node_new(CK_POLICY_THRESHOLD)) == NULL) {
        e = nomem(p);
        goto out;
    }
    n->k = k;
    for (;;) {
        if ((e = parse_or(p, &c)) != CK_POLICY_OK)
            goto out;
        if (ck_policy_node_add(n, c) != 0) {
            e = nomem(p);
            goto out;
        }
        if (p->tok.kind == CK_TOK_RPAREN)
            break;
        if (p->tok.kind != CK_TOK_COMMA) {
            e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                               "expected ',' or ')' in threshold list, found %s",
                               ck_tok_describe(&p->tok));
            goto out;
        }
        if ((e = advance(p)) != CK_POLICY_OK)
            goto out;
    }
    if (k > n->n) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, k_pos + 1,
                           "threshold %u of %zu: k exceeds the number of items", k, n->n);
        goto out;
    }
    p->depth--;
    if ((e = advance(p)) != CK_POLICY_OK)
        goto out;
    *out = n;
    n = NULL;
out:
    ck_policy_node_free(n);
    return e;
}

static ck_policy_err parse_group(parser *p, ck_policy_node **out)
{
    ck_policy_node *n = NULL;
    ck_policy_err e;
    size_t open = p->tok.pos;

    if ((e = open_paren(p)) != CK_POLICY_OK)
        goto out;
    if (p->tok.kind == CK_TOK_RPAREN) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, open + 1, "empty parentheses");
        goto out;
    }
    if ((e = parse_or(p, &n)) != CK_POLICY_OK)
        goto out;
    if (p->tok.kind != CK_TOK_RPAREN) {
        e = ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                           "expected ')' to close '(' at %zu, found %s", open + 1,
                           ck_tok_describe(&p->tok));
        goto out;
    }
    p->depth--;
    if ((e = advance(p)) != CK_POLICY_OK)
        goto out;
    *out = n;
    n = NULL;
out:
    ck_policy_node_free(n);
    return e;
}

static ck_policy_err parse_primary(parser *p, ck_policy_node **out)
{
    ck_token next;
    ck_policy_err e;
    size_t i;

    switch (p->tok.kind) {
    case CK_TOK_LPAREN:
        return parse_group(p, out);
    case CK_TOK_STRING:
        return parse_leaf(p, out);
    case CK_TOK_WORD:
        if ((e = peek(p, &next)) != CK_POLICY_OK)
            return e;
        if (next.kind == CK_TOK_OF)
            return parse_threshold(p, out);
        if (next.kind == CK_TOK_AT)
            return parse_leaf(p, out);
        for (i = 0; i < p->tok.text_len; i++)
            if (p->tok.text[i] < '0' || p->tok.text[i] > '9')
                return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, next.pos + 1,
                                      "expected '@' after attribute name, found %s",
                                      ck_tok_describe(&next));
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, next.pos + 1,
                              "expected 'of' or '@' after number, found %s",
                              ck_tok_describe(&next));
    case CK_TOK_AT:
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "missing attribute name before '@'");
    case CK_TOK_PLUS:
        return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                              "number must not have a sign");
    case CK_TOK_AND:
    case CK_TOK_OR:
    case CK_TOK_OF:
        if ((e = peek(p, &next)) != CK_POLICY_OK)
            return e;
        if (next.kind == CK_TOK_AT)
            return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                                  "keyword '%s' cannot be a name (quote it)",
                                  keyword_text(p->tok.kind));
        break;
    default:
        break;
    }
    return ck_policy_fail(p->err, CK_POLICY_ERR_SYNTAX, p->tok.pos + 1,
                          "expected attribute, '(' or threshold, found %s",
                          ck_tok_describe(&p->tok));
}

/* Adds c to the n-ary node n, splicing c's children if c is of n's kind. */
static ck_policy_err splice(parser *p, ck_policy_node *n, ck_policy_node *c)
{
    size_t i;
    if (c->kind != n->kind)
        return ck_policy_node_add(n, c) == 0 ? CK_POLICY_OK : nomem(p);
    for (i = 0; i < c->n; i++) {
        ck_policy_node *g = c->child[i];
        c->child[i] = NULL;
        if (ck_policy_node_add(n, g) != 0) {
            ck_policy_node_free(c);
            return nomem(p);
        }
    }
    ck_policy_node_free(c);
    return CK_POLICY_OK;
}

/* item { sep item } as an n-ary node of the given kind. */
static ck_policy_err parse_chain(parser *p, ck_policy_node **out, ck_tok sep, ck_policy_kind kind)
{
    ck_policy_node *n = NULL, *c = NULL;
    ck_policy_err e;

    e = sep == CK_TOK_OR ? parse_chain(p, &c, CK_TOK_AND, CK_POLICY_AND) : parse_primary(p, &c);
    if (e != CK_POLICY_OK)
        goto out;
    if (p->tok.kind != sep) {
        *out = c;
        return CK_POLICY_OK;
    }
    if ((n = ck_policy_node_new(kind)) == NULL) {
        ck_policy_node_free(c);
        e = nomem(p);
        goto out;
    }
    if ((e = splice(p, n, c)) != CK_POLICY_OK)
        goto out;
    while (p->tok.kind == sep) {
        if ((e = advance(p)) != CK_POLICY_OK)
            goto out;
        c = NULL;
        e = sep == CK_TOK_OR ? parse_chain(p, &c, CK_TOK_AND, CK_POLICY_AND)
                             : parse_primary(p, &c);
        if (e != CK_POLICY_OK)
            goto out;
        if ((e = splice(p, n, c)) != CK_POLICY_OK)
            goto out;
    }
    *out = n;
    n = NULL;
out:
    ck_policy_node_free(n);
    return e;
}

static ck_policy_err parse_or(parser *p, ck_policy_node **out)
{
    return parse_chain(p, out, CK_TOK_OR, CK_POLICY_OR);
}

static void parser_init(parser *p, const char *text, size_t len, ck_policy_error *err)
{
    memset(p, 0, sizeof *p);
    p->lx.s = text;
    p->lx.len = len;
    p->err = err;
}

ck_policy_err ck_policy_parse(ck_policy **out, const char *text, size_t len, ck_policy_error *err)
{
    parser p;
    ck_policy *pol = NULL;
    ck_policy_node *root = NULL;
    ck_policy_err e;

    ck_policy_ok(err);
    if (out == NULL || (text == NULL && len > 0))
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no policy or output");
    *out = NULL;
    if (len > CK_POLICY_MAX_BYTES)
        return ck_policy_fail(err, CK_POLICY_ERR_LIMIT, CK_POLICY_MAX_BYTES + 1,
                              "policy longer than %d bytes", CK_POLICY_MAX_BYTES);
    parser_init(&p, text, len, err);
    if ((e = advance(&p)) != CK_POLICY_OK)
        goto out;
    if (p.tok.kind == CK_TOK_EOF) {
        e = ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1, "empty policy");
        goto out;
    }
    if ((e = parse_or(&p, &root)) != CK_POLICY_OK)
        goto out;
    if (p.tok.kind == CK_TOK_RPAREN) {
        e = ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1, "unmatched ')'");
        goto out;
    }
    if (p.tok.kind != CK_TOK_EOF) {
        e = ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1,
                           "expected 'and', 'or' or end of policy, found %s",
                           ck_tok_describe(&p.tok));
        goto out;
    }
    if ((pol = calloc(1, sizeof *pol)) == NULL) {
        e = ck_policy_fail(err, CK_POLICY_ERR_NOMEM, 0, "out of memory");
        goto out;
    }
    pol->root = root;
    pol->leaves = p.leaves;
    root = NULL;
    if (ck_policy_print(pol, NULL, 0) > CK_POLICY_MAX_BYTES) {
        e = ck_policy_fail(err, CK_POLICY_ERR_LIMIT, 0, "canonical form longer than %d bytes",
                           CK_POLICY_MAX_BYTES);
        goto out;
    }
    *out = pol;
    pol = NULL;
out:
    ck_policy_node_free(root);
    ck_policy_free(pol);
    return e;
}

ck_policy_err ck_policy_attr_label(char label[CK_POLICY_LABEL_MAX], const char *text, size_t len,
                                   ck_policy_error *err)
{
    parser p;
    attr_text a;
    ck_policy_err e;

    ck_policy_ok(err);
    if (label == NULL || (text == NULL && len > 0))
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no attribute or output");
    if (len > CK_POLICY_MAX_BYTES)
        return ck_policy_fail(err, CK_POLICY_ERR_LIMIT, CK_POLICY_MAX_BYTES + 1,
                              "attribute longer than %d bytes", CK_POLICY_MAX_BYTES);
    parser_init(&p, text, len, err);
    if ((e = advance(&p)) != CK_POLICY_OK)
        return e;
    if (p.tok.kind == CK_TOK_AT)
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1,
                              "missing attribute name before '@'");
    if (is_keyword_tok(p.tok.kind))
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1,
                              "keyword '%s' cannot be a name (quote it)", keyword_text(p.tok.kind));
    if (p.tok.kind != CK_TOK_WORD && p.tok.kind != CK_TOK_STRING)
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1,
                              "expected attribute name, found %s", ck_tok_describe(&p.tok));
    if ((e = parse_attribute(&p, &a)) != CK_POLICY_OK)
        return e;
    if (p.tok.kind != CK_TOK_EOF)
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, p.tok.pos + 1,
                              "expected end of attribute, found %s", ck_tok_describe(&p.tok));
    memcpy(label, a.name, a.name_len);
    label[a.name_len] = '@';
    memcpy(label + a.name_len + 1, a.auth, a.auth_len + 1);
    return CK_POLICY_OK;
}
