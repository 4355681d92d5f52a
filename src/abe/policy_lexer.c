/*
 * abe/policy_lexer.c - tokens of the policy language.
 *
 * Whitespace (space, tab, CR, LF) separates tokens. A word is a maximal run
 * of [A-Za-z0-9._-]; "and", "or" and "of" in any case are keywords. Quoted
 * names allow printable ASCII except '"', '\', '@' and '#', plus the two
 * escapes \" and \\. Everything else is an error at its byte position.
 */
#include <string.h>

#include "abe/policy_internal.h"

int ck_policy_bare_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static int word_char(int c)
{
    return ck_policy_bare_char(c) || (c >= 'A' && c <= 'Z');
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int word_is(const char *s, size_t n, const char *kw)
{
    size_t i;
    if (n != strlen(kw))
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != kw[i])
            return 0;
    return 1;
}

int ck_policy_keyword(const char *s, size_t n)
{
    return word_is(s, n, "and") || word_is(s, n, "or") || word_is(s, n, "of");
}

int ck_policy_bare_name(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || ck_policy_keyword(s, n))
        return 0;
    for (i = 0; i < n; i++)
        if (!ck_policy_bare_char((unsigned char)s[i]))
            return 0;
    return 1;
}

int ck_policy_quoted_char(int c)
{
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' && c != '@' && c != '#';
}

static ck_policy_err bad_byte(ck_policy_error *err, size_t at, int c)
{
    if (c > 0x20 && c < 0x7f)
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, at + 1, "unexpected character '%c'", c);
    return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, at + 1, "unexpected byte 0x%02x", c);
}

static ck_policy_err lex_string(ck_lexer *lx, ck_token *t, ck_policy_error *err)
{
    size_t open = lx->pos, i = lx->pos + 1, n = 0;

    for (;;) {
        int c;
        if (i >= lx->len)
            return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, open + 1, "unterminated quoted name");
        c = (unsigned char)lx->s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            int e = i + 1 < lx->len ? (unsigned char)lx->s[i + 1] : -1;
            if (e != '"' && e != '\\')
                return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, i + 1,
                                      "invalid escape in quoted name (only \\\" and \\\\)");
            c = e;
            i += 2;
        } else if (!ck_policy_quoted_char(c)) {
            if (c == '@' || c == '#')
                return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, i + 1,
                                      "character '%c' not allowed in quoted name", c);
            return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, i + 1,
                                  "byte 0x%02x not allowed in quoted name", c);
        } else {
            i++;
        }
        if (n == CK_POLICY_NAME_MAX)
            return ck_policy_fail(err, CK_POLICY_ERR_LIMIT, open + 1,
                                  "attribute name longer than %d bytes", CK_POLICY_NAME_MAX);
        t->buf[n++] = (char)c;
    }
    if (n == 0)
        return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, open + 1, "empty attribute name");
    t->buf[n] = 0;
    t->kind = CK_TOK_STRING;
    t->text = t->buf;
    t->text_len = n;
    lx->pos = i + 1;
    return CK_POLICY_OK;
}

ck_policy_err ck_lex_next(ck_lexer *lx, ck_token *t, ck_policy_error *err)
{
    const char *s = lx->s;
    int c, d;

    while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t' ||
                                 s[lx->pos] == '\n' || s[lx->pos] == '\r'))
        lx->pos++;
    t->pos = lx->pos;
    t->text = s + lx->pos;
    t->text_len = 0;
    if (lx->pos >= lx->len) {
        t->kind = CK_TOK_EOF;
        t->end = lx->pos;
        return CK_POLICY_OK;
    }
    c = (unsigned char)s[lx->pos];
    d = lx->pos + 1 < lx->len ? (unsigned char)s[lx->pos + 1] : -1;
    if (word_char(c)) {
        size_t i = lx->pos;
        while (i < lx->len && word_char((unsigned char)s[i]))
            i++;
        t->text_len = i - lx->pos;
        lx->pos = i;
        if (word_is(t->text, t->text_len, "and"))
            t->kind = CK_TOK_AND;
        else if (word_is(t->text, t->text_len, "or"))
            t->kind = CK_TOK_OR;
        else if (word_is(t->text, t->text_len, "of"))
            t->kind = CK_TOK_OF;
        else
            t->kind = CK_TOK_WORD;
        t->end = i;
        return CK_POLICY_OK;
    }
    if (c == '"') {
        ck_policy_err e = lex_string(lx, t, err);
        t->end = lx->pos;
        return e;
    }
    lx->pos++;
    switch (c) {
    case '(': t->kind = CK_TOK_LPAREN; break;
    case ')': t->kind = CK_TOK_RPAREN; break;
    case ',': t->kind = CK_TOK_COMMA; break;
    case '@': t->kind = CK_TOK_AT; break;
    case '+': t->kind = CK_TOK_PLUS; break;
    case '<':
    case '>':
        if (d == '=') {
            lx->pos++;
            t->kind = c == '<' ? CK_TOK_LE : CK_TOK_GE;
        } else {
            t->kind = c == '<' ? CK_TOK_LT : CK_TOK_GT;
        }
        break;
    case '=':
        if (d != '=')
            return ck_policy_fail(err, CK_POLICY_ERR_SYNTAX, t->pos + 1,
                                  "'=' is not an operator (use '==')");
        lx->pos++;
        t->kind = CK_TOK_EQ;
        break;
    default:
        return bad_byte(err, t->pos, c);
    }
    t->end = lx->pos;
    return CK_POLICY_OK;
}

const char *ck_tok_describe(const ck_token *t)
{
    size_t i;
    switch (t->kind) {
    case CK_TOK_EOF: return "end of input";
    case CK_TOK_LPAREN: return "'('";
    case CK_TOK_RPAREN: return "')'";
    case CK_TOK_COMMA: return "','";
    case CK_TOK_AT: return "'@'";
    case CK_TOK_PLUS: return "'+'";
    case CK_TOK_STRING: return "quoted name";
    case CK_TOK_AND: return "'and'";
    case CK_TOK_OR: return "'or'";
    case CK_TOK_OF: return "'of'";
    case CK_TOK_LT: return "'<'";
    case CK_TOK_LE: return "'<='";
    case CK_TOK_GT: return "'>'";
    case CK_TOK_GE: return "'>='";
    case CK_TOK_EQ: return "'=='";
    case CK_TOK_WORD:
        for (i = 0; i < t->text_len; i++)
            if (t->text[i] < '0' || t->text[i] > '9')
                return "name";
        return "number";
    }
    return "token";
}
