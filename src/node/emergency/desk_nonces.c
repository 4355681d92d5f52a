/*
 * src/node/emergency/desk_nonces.c - the desk's memory of the request
 * nonces it accepted (desk_impl.h): a request is accepted once. Each is
 * kept until its time stamp can no longer pass the 5-minute check, in
 * memory and in HOME/desk-nonces (rewritten atomically, fsync'ed before
 * the keys leave), so a restarted desk refuses a replay too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/emergency/desk_impl.h"

#define NONCES_MAX 100000

void ck_node_desk_nonces_prune(ck_node_desk *d, uint64_t now)
{
    size_t j = 0;
    for (size_t i = 0; i < d->n_seen; i++)
        if (d->seen[i].expires_ms > now) d->seen[j++] = d->seen[i];
    d->n_seen = j;
}

int ck_node_desk_nonce_seen(const ck_node_desk *d, const char *key)
{
    for (size_t i = 0; i < d->n_seen; i++)
        if (!strcmp(d->seen[i].key, key)) return 1;
    return 0;
}

static int save(const ck_node_desk *d)
{
    char tmp[PATH_MAX + 8];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", d->nonce_path);
    if (!(f = fopen(tmp, "w"))) return -1;
    for (size_t i = 0; i < d->n_seen; i++)
        fprintf(f, "%llu %s\n", (unsigned long long)d->seen[i].expires_ms, d->seen[i].key);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        fclose(f);
        unlink(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, d->nonce_path) != 0) return -1;
    return 0;
}

int ck_node_desk_nonce_remember(ck_node_desk *d, const char *key, uint64_t expires_ms, int persist)
{
    if (d->n_seen == d->cap_seen) {
        size_t cap = d->cap_seen ? d->cap_seen * 2 : 64;
        ck_node_desk_nonce *t;
        if (cap > NONCES_MAX || !(t = realloc(d->seen, cap * sizeof *t))) return -1;
        d->seen = t;
        d->cap_seen = cap;
    }
    snprintf(d->seen[d->n_seen].key, sizeof d->seen[d->n_seen].key, "%s", key);
    d->seen[d->n_seen++].expires_ms = expires_ms;
    return persist ? save(d) : 0;
}

void ck_node_desk_nonces_load(ck_node_desk *d)
{
    FILE *f = fopen(d->nonce_path, "r");
    unsigned long long exp;
    char key[sizeof d->seen[0].key], fmt[32];
    uint64_t now = ck_node_now_ms();
    if (!f) return;
    /* the width is the buffer's: a longer word in the file is cut, never written past key */
    snprintf(fmt, sizeof fmt, "%%llu %%%zus", sizeof key - 1);
    while (fscanf(f, fmt, &exp, key) == 2)
        if (exp > now && ck_node_desk_nonce_remember(d, key, exp, 0) != 0) break;
    fclose(f);
}
