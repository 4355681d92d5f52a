/*
 * usercache.c - enrolled users by GID, in memory.
 *
 * Every signed request needs its caller's key; asking the store each time
 * cost a database read per request. The keys never change after
 * enrollment, but the affiliation and the active flag do (PUT
 * .../affiliation, POST .../deactivate). The handlers that change a row
 * forget its slot, so this process sees the change at once. With a shared
 * database (PostgreSQL, several instances) another instance may have
 * changed it: there every entry lives at most ttl_ms (CKD_USERS_TTL_SHARED_MS)
 * after it was loaded, the whole row alike, so a deactivation takes effect
 * everywhere within that time. With SQLite (one carekeyd per file) ttl_ms is
 * 0: entries never expire. Direct-mapped with a per-process random hash
 * key: memory is fixed, a miss just asks the store. Unknown GIDs are not
 * cached (they may be enrolled later).
 */
#include "ckd.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096
#define LOCKS 64

typedef struct {
    int used;
    int64_t loaded_ms;
    ck_store_user u;
} slot;

struct ckd_users {
    uint64_t key;
    int64_t ttl_ms;
    pthread_mutex_t mu[LOCKS];
    slot s[SLOTS];
};

static uint64_t gid_hash(const ckd_users *c, const char *gid) { return ckd_str_hash(c->key, gid); }

ckd_users *ckd_users_new(int64_t ttl_ms)
{
    ckd_users *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->ttl_ms = ttl_ms;
    if (RAND_bytes((unsigned char *)&c->key, sizeof c->key) != 1) c->key = 0xcbf29ce484222325ULL;
    for (int i = 0; i < LOCKS; i++) pthread_mutex_init(&c->mu[i], NULL);
    return c;
}

void ckd_users_free(ckd_users *c)
{
    if (c == NULL) return;
    for (int i = 0; i < LOCKS; i++) pthread_mutex_destroy(&c->mu[i]);
    free(c);
}

int ckd_users_get(ckd_users *c, const char *gid, int64_t now_ms, ck_store_user *out)
{
    uint64_t h = gid_hash(c, gid);
    slot *s = &c->s[h % SLOTS];
    int hit;
    pthread_mutex_lock(&c->mu[h % LOCKS]);
    hit = s->used && strcmp(s->u.gid, gid) == 0 && (c->ttl_ms <= 0 || now_ms - s->loaded_ms < c->ttl_ms);
    if (hit) *out = s->u;
    pthread_mutex_unlock(&c->mu[h % LOCKS]);
    return hit;
}

void ckd_users_put(ckd_users *c, const ck_store_user *u, int64_t now_ms)
{
    uint64_t h = gid_hash(c, u->gid);
    pthread_mutex_lock(&c->mu[h % LOCKS]);
    c->s[h % SLOTS].u = *u;
    c->s[h % SLOTS].loaded_ms = now_ms;
    c->s[h % SLOTS].used = 1;
    pthread_mutex_unlock(&c->mu[h % LOCKS]);
}

void ckd_users_forget(ckd_users *c, const char *gid)
{
    uint64_t h = gid_hash(c, gid);
    slot *s = &c->s[h % SLOTS];
    pthread_mutex_lock(&c->mu[h % LOCKS]);
    if (s->used && strcmp(s->u.gid, gid) == 0) s->used = 0;
    pthread_mutex_unlock(&c->mu[h % LOCKS]);
}
