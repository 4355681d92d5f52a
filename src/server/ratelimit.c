/*
 * ratelimit.c - per-caller token buckets.
 *
 * A fixed table of buckets indexed by a hash of the caller: memory does not
 * grow with the number of callers. Two callers that share a bucket share
 * its rate; with 4096 buckets and a per-process random key this is rare and
 * cannot be aimed at someone.
 */
#include "ckd.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>

#define NBUCKETS 4096
#define NLOCKS 64

typedef struct {
    double tokens;
    int64_t last_ms;
} bucket;

struct ckd_ratelimit {
    double rate;
    int burst;
    uint64_t key;
    bucket b[NBUCKETS];
    pthread_mutex_t mu[NLOCKS];
};

ckd_ratelimit *ckd_ratelimit_new(double rate, int burst)
{
    ckd_ratelimit *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    r->rate = rate;
    r->burst = burst > 0 ? burst : 1;
    if (RAND_bytes((unsigned char *)&r->key, sizeof r->key) != 1) r->key = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < NLOCKS; i++) pthread_mutex_init(&r->mu[i], NULL);
    for (int i = 0; i < NBUCKETS; i++) r->b[i].tokens = r->burst;
    return r;
}

void ckd_ratelimit_free(ckd_ratelimit *r)
{
    if (r == NULL) return;
    for (int i = 0; i < NLOCKS; i++) pthread_mutex_destroy(&r->mu[i]);
    free(r);
}

int ckd_ratelimit_take(ckd_ratelimit *r, const char *caller, int64_t now)
{
    uint64_t h = r->key;
    bucket *b;
    int ok;
    if (r->rate <= 0) return 1;
    for (const char *p = caller; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h ^= h >> 29;
    b = &r->b[h % NBUCKETS];
    pthread_mutex_lock(&r->mu[h % NLOCKS]);
    if (b->last_ms) {
        b->tokens += (double)(now - b->last_ms) * r->rate / 1000.0;
        if (b->tokens > r->burst) b->tokens = r->burst;
    }
    b->last_ms = now;
    ok = b->tokens >= 1.0;
    if (ok) b->tokens -= 1.0;
    pthread_mutex_unlock(&r->mu[h % NLOCKS]);
    return ok;
}
