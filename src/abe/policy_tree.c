/*
 * abe/policy_tree.c - policy tree nodes: allocation, release, equality.
 */
#include <stdlib.h>
#include <string.h>

#include "abe/policy_internal.h"

ck_policy_node *ck_policy_node_new(ck_policy_kind kind)
{
    ck_policy_node *n = calloc(1, sizeof *n);
    if (n != NULL)
        n->kind = kind;
    return n;
}

void ck_policy_node_free(ck_policy_node *n)
{
    size_t i;
    if (n == NULL)
        return;
    for (i = 0; i < n->n; i++)
        ck_policy_node_free(n->child[i]);
    free(n->child);
    /* label, name and authority share one allocation starting at label */
    free((char *)n->label);
    free(n);
}

int ck_policy_node_set_attr(ck_policy_node *n, const char *name, size_t name_len,
                            const char *auth, size_t auth_len)
{
    /* "name@auth\0name\0auth\0" */
    size_t total = 2 * (name_len + auth_len) + 4;
    char *buf = malloc(total), *p;

    if (buf == NULL)
        return -1;
    p = buf;
    memcpy(p, name, name_len);
    p += name_len;
    *p++ = '@';
    memcpy(p, auth, auth_len);
    p += auth_len;
    *p++ = 0;
    n->name = p;
    memcpy(p, name, name_len);
    p += name_len;
    *p++ = 0;
    n->authority = p;
    memcpy(p, auth, auth_len);
    p[auth_len] = 0;
    n->label = buf;
    return 0;
}

int ck_policy_node_add(ck_policy_node *n, ck_policy_node *child)
{
    /* capacity doubles at powers of two */
    if ((n->n & (n->n - 1)) == 0) {
        size_t cap = n->n ? 2 * n->n : 2;
        ck_policy_node **c = realloc(n->child, cap * sizeof *c);
        if (c == NULL) {
            ck_policy_node_free(child);
            return -1;
        }
        n->child = c;
    }
    n->child[n->n++] = child;
    return 0;
}

int ck_policy_node_equal(const ck_policy_node *a, const ck_policy_node *b)
{
    size_t i;
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case CK_POLICY_CMP:
        if (a->op != b->op || a->value != b->value)
            return 0;
        /* fall through */
    case CK_POLICY_ATTR:
        return strcmp(a->label, b->label) == 0;
    case CK_POLICY_THRESHOLD:
        if (a->k != b->k)
            return 0;
        /* fall through */
    case CK_POLICY_AND:
    case CK_POLICY_OR:
        if (a->n != b->n)
            return 0;
        for (i = 0; i < a->n; i++)
            if (!ck_policy_node_equal(a->child[i], b->child[i]))
                return 0;
        return 1;
    }
    return 0;
}

void ck_policy_free(ck_policy *p)
{
    if (p == NULL)
        return;
    ck_policy_node_free(p->root);
    free(p);
}

const ck_policy_node *ck_policy_root(const ck_policy *p)
{
    return p->root;
}

size_t ck_policy_leaves(const ck_policy *p)
{
    return p->leaves;
}

int ck_policy_equal(const ck_policy *a, const ck_policy *b)
{
    return ck_policy_node_equal(a->root, b->root);
}
