/*
 * src/seal/pool.h - a small worker pool with a bounded job queue, for
 * spreading independent decryptions over the cores (ck_seal_open_many).
 * Internal: not part of the public API.
 */
#ifndef CK_SEAL_POOL_H
#define CK_SEAL_POOL_H

#include <stddef.h>

typedef struct ck_pool ck_pool;

/* How many workers to start for `jobs` jobs when `threads` were asked for
 * (0: one per online CPU): at most 64, never more than the jobs, >= 1. */
unsigned ck_pool_threads(unsigned threads, size_t jobs);
/* threads workers (>= 1) and room for queue_cap (>= 1) waiting jobs; NULL
 * when memory or a thread could not be had. */
ck_pool *ck_pool_new(unsigned threads, size_t queue_cap);
/* Queues fn(arg), waiting while the queue is full. */
void ck_pool_submit(ck_pool *p, void (*fn)(void *), void *arg);
/* Returns once every job submitted so far has finished. */
void ck_pool_wait(ck_pool *p);
/* Waits for the jobs, stops the workers and frees the pool (NULL is fine). */
void ck_pool_free(ck_pool *p);

#endif
