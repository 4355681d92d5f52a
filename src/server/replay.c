/*
 * replay.c - bounded in-memory nonce cache of signed requests (a session's
 * requests carry sequence numbers, checked by the session: sessions.c).
 *
 * A nonce is remembered until its request's time stamp leaves the accepted
 * window; after that the time stamp check alone refuses a replay, so memory
 * stays bounded by (signed request rate x window). Keys are a keyed 64-bit hash of
 * (caller, nonce): the random key keeps an attacker from forcing
 * collisions. When a shard is full of live entries we refuse the request
 * (503) rather than forget a nonce.
 *
 * Across restarts: nonces are also written to the database, and at start
 * the server loads those still inside the window into this cache (http.c),
 * so a nonce that a previous process accepted cannot come back.
 */
#include "ckd.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS 16

typedef struct {
    uint64_t h;
    int64_t exp;
} slot;

typedef struct {
    pthread_mutex_t mu;
    slot *t;
    size_t cap, used;
} shard;

struct ckd_replay {
    shard sh[SHARDS];
    uint64_t k0, k1;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t keyed_hash(const ckd_replay *r, const char *a, const char *b)
{
    uint64_t h = r->k0;
    for (const char *p = a; *p; p++) h = mix(h ^ (unsigned char)*p) + r->k1;
    h = mix(h ^ 0x100);
    for (const char *p = b; *p; p++) h = mix(h ^ (unsigned char)*p) + r->k1;
    h = mix(h ^ r->k1);
    return h ? h : 1; /* 0 marks an empty slot */
}

ckd_replay *ckd_replay_new(long capacity)
{
    ckd_replay *r = calloc(1, sizeof *r);
    size_t per = (size_t)(capacity > 1024 ? capacity : 1024) / SHARDS * 2; /* load <= 1/2 */
    if (r == NULL) return NULL;
    if (RAND_bytes((unsigned char *)&r->k0, 8) != 1 || RAND_bytes((unsigned char *)&r->k1, 8) != 1) {
        free(r);
        return NULL;
    }
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&r->sh[i].mu, NULL);
        r->sh[i].cap = per;
        if ((r->sh[i].t = calloc(per, sizeof(slot))) == NULL) {
            ckd_replay_free(r);
            return NULL;
        }
    }
    return r;
}

void ckd_replay_free(ckd_replay *r)
{
    if (r == NULL) return;
    for (int i = 0; i < SHARDS; i++) {
        free(r->sh[i].t);
        pthread_mutex_destroy(&r->sh[i].mu);
    }
    free(r);
}

/* Rebuilds a shard keeping only live entries. */
static void sweep(shard *s, int64_t now)
{
    slot *old = s->t, *nt = calloc(s->cap, sizeof(slot));
    if (nt == NULL) return;
    s->used = 0;
    for (size_t i = 0; i < s->cap; i++) {
        if (old[i].h == 0 || old[i].exp <= now) continue;
        size_t j = old[i].h % s->cap;
        while (nt[j].h) j = (j + 1) % s->cap;
        nt[j] = old[i];
        s->used++;
    }
    s->t = nt;
    free(old);
}

int ckd_replay_check(ckd_replay *r, const char *caller, const char *nonce, int64_t now, int64_t exp)
{
    uint64_t h = keyed_hash(r, caller, nonce);
    shard *s = &r->sh[(h >> 56) % SHARDS];
    int rc = -1;
    size_t j;

    pthread_mutex_lock(&s->mu);
    if (s->used >= s->cap / 2) sweep(s, now);
    if (s->used >= s->cap / 2) goto out;
    for (j = h % s->cap; s->t[j].h; j = (j + 1) % s->cap) {
        if (s->t[j].h == h && s->t[j].exp > now) {
            rc = 1;
            goto out;
        }
    }
    s->t[j].h = h;
    s->t[j].exp = exp;
    s->used++;
    rc = 0;
out:
    pthread_mutex_unlock(&s->mu);
    return rc;
}
