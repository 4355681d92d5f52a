/*
 * abe/policy_printer.c - the canonical text of a policy.
 *
 * Lower-case keywords; one space around "and", "or", "of" and comparison
 * operators; ", " between threshold items; parentheses only where needed
 * (an "or" inside an "and"); names without quotes when they are bare
 * words, else quoted with \" and \\ escapes; numbers in plain decimal.
 */
#include <stdio.h>
#include <string.h>

#include "abe/policy_internal.h"

typedef struct out {
    char *buf;
    size_t cap;
    size_t len; /* full length, may exceed cap */
} out;

static void put(out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
}

static void puts_(out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_name(out *o, const char *name)
{
    size_t n = strlen(name), i;
    if (ck_policy_bare_name(name, n)) {
        put(o, name, n);
        return;
    }
    put(o, "\"", 1);
    for (i = 0; i < n; i++) {
        if (name[i] == '"' || name[i] == '\\')
            put(o, "\\", 1);
        put(o, name + i, 1);
    }
    put(o, "\"", 1);
}

static const char *op_text(ck_policy_op op)
{
    switch (op) {
    case CK_POLICY_LT: return " < ";
    case CK_POLICY_LE: return " <= ";
    case CK_POLICY_GT: return " > ";
    case CK_POLICY_GE: return " >= ";
    case CK_POLICY_EQ: return " == ";
    }
    return " ? ";
}

static void print_node(out *o, const ck_policy_node *n)
{
    char num[16];
    size_t i;

    switch (n->kind) {
    case CK_POLICY_ATTR:
    case CK_POLICY_CMP:
        put_name(o, n->name);
        put(o, "@", 1);
        puts_(o, n->authority);
        if (n->kind == CK_POLICY_CMP) {
            puts_(o, op_text(n->op));
            snprintf(num, sizeof num, "%u", (unsigned)n->value);
            puts_(o, num);
        }
        return;
    case CK_POLICY_AND:
    case CK_POLICY_OR:
        for (i = 0; i < n->n; i++) {
            int paren = n->kind == CK_POLICY_AND && n->child[i]->kind == CK_POLICY_OR;
            if (i > 0)
                puts_(o, n->kind == CK_POLICY_AND ? " and " : " or ");
            if (paren)
                put(o, "(", 1);
            print_node(o, n->child[i]);
            if (paren)
                put(o, ")", 1);
        }
        return;
    case CK_POLICY_THRESHOLD:
        snprintf(num, sizeof num, "%u", (unsigned)n->k);
        puts_(o, num);
        puts_(o, " of (");
        for (i = 0; i < n->n; i++) {
            if (i > 0)
                puts_(o, ", ");
            print_node(o, n->child[i]);
        }
        put(o, ")", 1);
        return;
    }
}

size_t ck_policy_print(const ck_policy *p, char *buf, size_t cap)
{
    out o = { buf, cap ? cap - 1 : 0, 0 };
    print_node(&o, p->root);
    if (cap > 0)
        buf[o.len < o.cap ? o.len : o.cap] = 0;
    return o.len;
}
