/*
 * abe/policy_internal.h - shared between the policy lexer, parser, printer,
 * numeric encoding and LSSS files. Not installed.
 */
#ifndef CK_ABE_POLICY_INTERNAL_H
#define CK_ABE_POLICY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/policy.h"

struct ck_policy {
    ck_policy_node *root;
    size_t leaves;
};

/* ---- errors (policy_error.c) ------------------------------------------ */
/* Fills err (if not NULL) and returns code. pos is 1-based, 0 for none. */
ck_policy_err ck_policy_fail(ck_policy_error *err, ck_policy_err code, size_t pos,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ck_policy_ok(ck_policy_error *err);

/* ---- characters and words (policy_lexer.c) ----------------------------- */
int ck_policy_bare_char(int c);                      /* [a-z0-9._-]        */
int ck_policy_keyword(const char *s, size_t n);      /* and/or/of, any case */
/* A name the printer writes without quotes: non-empty, bare characters
 * only, not a keyword.                                                    */
int ck_policy_bare_name(const char *s, size_t n);
/* A character allowed unescaped inside a quoted name. */
int ck_policy_quoted_char(int c);

/* ---- lexer (policy_lexer.c) -------------------------------------------- */
typedef enum ck_tok {
    CK_TOK_EOF = 0,
    CK_TOK_LPAREN,
    CK_TOK_RPAREN,
    CK_TOK_COMMA,
    CK_TOK_AT,
    CK_TOK_PLUS,
    CK_TOK_WORD,   /* run of [A-Za-z0-9._-] that is not a keyword */
    CK_TOK_STRING, /* quoted name, decoded into text              */
    CK_TOK_AND,
    CK_TOK_OR,
    CK_TOK_OF,
    CK_TOK_LT,
    CK_TOK_LE,
    CK_TOK_GT,
    CK_TOK_GE,
    CK_TOK_EQ,
} ck_tok;

typedef struct ck_token {
    ck_tok kind;
    size_t pos; /* 0-based offset of the first byte */
    size_t end; /* 0-based offset just past the last byte */
    const char *text; /* WORD: into the input; STRING: into buf */
    size_t text_len;
    char buf[CK_POLICY_NAME_MAX + 1];
} ck_token;

typedef struct ck_lexer {
    const char *s;
    size_t len;
    size_t pos;
} ck_lexer;

ck_policy_err ck_lex_next(ck_lexer *lx, ck_token *t, ck_policy_error *err);
/* "'('", "'and'", "name", "end of input", ... for messages. */
const char *ck_tok_describe(const ck_token *t);

/* ---- tree (policy_tree.c) ---------------------------------------------- */
ck_policy_node *ck_policy_node_new(ck_policy_kind kind);
void ck_policy_node_free(ck_policy_node *n);
/* Sets name, authority and label (copies). 0 on success, -1 on ENOMEM. */
int ck_policy_node_set_attr(ck_policy_node *n, const char *name, size_t name_len,
                            const char *auth, size_t auth_len);
/* Appends a child (takes ownership even on failure). 0 or -1 (ENOMEM). */
int ck_policy_node_add(ck_policy_node *n, ck_policy_node *child);
int ck_policy_node_equal(const ck_policy_node *a, const ck_policy_node *b);

/* ---- numeric comparisons (policy_numeric.c) ---------------------------- */
/* A comparison expands to a chain over bit literals, least significant
 * first: T_0 = lit_0, T_j = op_j(lit_j, T_{j-1}); the root is T_{n-1}.   */
enum { CK_NUM_FIRST = 0, CK_NUM_AND = 1, CK_NUM_OR = 2 };
typedef struct ck_num_step {
    uint8_t bit; /* 0..31 */
    uint8_t val; /* 0 or 1: the literal is "bit `bit` of x equals val" */
    uint8_t op;  /* CK_NUM_FIRST for step 0, else CK_NUM_AND/CK_NUM_OR */
} ck_num_step;

/* Returns the number of steps (1..32), or 0 if no value satisfies it. */
size_t ck_num_expand(ck_num_step out[CK_POLICY_NUM_BITS], ck_policy_op op, uint32_t v);
/* "name#b<bit>=<val>@authority" into out (CK_POLICY_LABEL_MAX bytes). */
void ck_num_bit_label(char out[CK_POLICY_LABEL_MAX], const char *name, const char *auth,
                      unsigned bit, unsigned val);

#endif
