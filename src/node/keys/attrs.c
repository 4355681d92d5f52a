/*
 * src/node/keys/attrs.c - the attributes a person holds, as she would
 * read them (numeric attributes folded from their 32 bit-attributes), and
 * her merged user key for the file tools (carekey/node_keys.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_keys.h"
#include "node/node_impl.h"

/* "name#b<i>=<bit>@authority" (carekey/policy.h): the name's length, bit, value. */
static int bit_parts(const char *label, size_t *name_len, unsigned *bit, unsigned *val)
{
    const char *hash = strrchr(label, '#'), *at = strrchr(label, '@');
    char tail[2];
    if (!hash || !at || hash > at) return 0;
    if (sscanf(hash, "#b%u=%u%1[@]", bit, val, tail) != 3 || *bit > 31 || *val > 1) return 0;
    *name_len = (size_t)(hash - label);
    return 1;
}

/* Whether attribute j, not taken yet, is a bit-attribute of the same
 * numeric attribute (name of nl bytes, authority, epoch) as i. */
static int same_number(const ck_abe_user_key *key, const unsigned char *done, size_t i, size_t nl, size_t j,
                       unsigned *bit, unsigned *val)
{
    const char *l = key->attr[i].label, *m = key->attr[j].label;
    size_t ml;
    return !done[j] && key->attr[j].epoch == key->attr[i].epoch && bit_parts(m, &ml, bit, val) && ml == nl &&
           strncmp(m, l, nl) == 0 && strcmp(strrchr(m, '@'), strrchr(l, '@')) == 0;
}

/* Folds the numeric attribute whose bit-attribute i is, when all 32 bits
 * are held at one epoch: 1 with *value (its labels marked done). */
static int fold_number(const ck_abe_user_key *key, unsigned char *done, size_t i, size_t nl, uint32_t *value)
{
    uint32_t v = 0, mask = 0, seen = 0;
    unsigned b, x;
    for (size_t j = i; j < key->n; j++) {
        if (!same_number(key, done, i, nl, j, &b, &x) || (mask >> b & 1u)) continue;
        v |= (uint32_t)x << b;
        mask |= 1u << b;
    }
    if (mask != UINT32_MAX) return 0;
    for (size_t j = i; j < key->n; j++) {   /* exactly the 32 labels used */
        if (!same_number(key, done, i, nl, j, &b, &x) || (seen >> b & 1u)) continue;
        done[j] = 1;
        seen |= 1u << b;
    }
    *value = v;
    return 1;
}

static int list(ck_node *c, const char *only, ck_node_attr **out, size_t *count, size_t *n_keys)
{
    const ck_abe_user_key *key;
    unsigned char *done;
    int rc;
    if ((rc = ck_node_keyring(c)) != 0) return rc;
    key = ck_keyring_user_key(c->s->kr);
    *n_keys = key->n;
    done = calloc(key->n + 1, 1);
    if (!done || !(*out = calloc(key->n + 1, sizeof **out))) {
        free(done);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0; i < key->n; i++) {
        const char *l = key->attr[i].label, *at = strrchr(l, '@');
        ck_node_attr *a = &(*out)[*count];
        size_t nl;
        unsigned bit, val;
        if (done[i] || (only && strcmp(at ? at + 1 : "", only) != 0)) continue;
        a->epoch = key->attr[i].epoch;
        if (bit_parts(l, &nl, &bit, &val) && fold_number(key, done, i, nl, &a->value)) {
            a->numeric = 1;
            snprintf(a->label, sizeof a->label, "%.*s%s", (int)nl, l, at);
        } else {
            snprintf(a->label, sizeof a->label, "%s", l);
            done[i] = 1;
        }
        (*count)++;
    }
    free(done);
    return 0;
}

int ck_node_keys_list(ck_node *c, const char *authority, ck_node_attr **out, size_t *count, size_t *n_keys)
{
    int rc;
    *out = NULL;
    *count = *n_keys = 0;
    ck_node_enter(c);
    if ((rc = list(c, authority, out, count, n_keys)) != 0) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    ck_node_leave(c);
    return rc;
}

int ck_node_keys_export(ck_node *c, uint8_t **key, size_t *len)
{
    const ck_abe_user_key *k;
    int rc;
    *key = NULL;
    *len = 0;
    ck_node_enter(c);
    if ((rc = ck_node_keyring(c)) != 0) goto out;
    k = ck_keyring_user_key(c->s->kr);
    *len = ck_abe_user_key_encode(NULL, k);
    if (!(*key = malloc(*len ? *len : 1))) {
        rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    ck_abe_user_key_encode(*key, k);
out:
    ck_node_leave(c);
    return rc;
}
