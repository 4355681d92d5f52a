/*
 * src/seal/pool.c - worker pool with a bounded ring of jobs (pool.h).
 *
 * One mutex guards the ring and the counters; "not_full" wakes a blocked
 * submitter, "not_empty" a worker, "idle" a waiter once finished == queued.
 * After each job a worker scrubs the stack below it, so secrets that a job
 * left in spilled registers or temporaries do not outlive it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "seal/pool.h"

typedef struct {
    void (*fn)(void *);
    void *arg;
} pool_job;

struct ck_pool {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full, idle;
    pool_job *ring;
    size_t cap, head, count;          /* ring[head .. head + count) */
    size_t queued, finished;
    int stop;
    unsigned threads;
    pthread_t *tid;
};

#define CK_POOL_MAX_THREADS 64

unsigned ck_pool_threads(unsigned threads, size_t jobs)
{
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (threads > CK_POOL_MAX_THREADS) threads = CK_POOL_MAX_THREADS;
    if (threads > jobs) threads = (unsigned)jobs;
    return threads ? threads : 1;
}

/* Overwrites the stack a job may have used (its callees are returned). */
static __attribute__((noinline)) void scrub_stack(void)
{
    unsigned char buf[32 * 1024];
    OPENSSL_cleanse(buf, sizeof(buf));
    __asm__ volatile("" : : "r"(buf) : "memory");
}

static void *worker(void *arg)
{
    ck_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        pool_job job;
        while (p->count == 0 && !p->stop) pthread_cond_wait(&p->not_empty, &p->lock);
        if (p->count == 0) break;                       /* stopping, queue drained */
        job = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        pthread_cond_signal(&p->not_full);
        pthread_mutex_unlock(&p->lock);
        job.fn(job.arg);
        scrub_stack();
        pthread_mutex_lock(&p->lock);
        if (++p->finished == p->queued) pthread_cond_broadcast(&p->idle);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void pool_stop(ck_pool *p, unsigned started)
{
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < started; i++) pthread_join(p->tid[i], NULL);
}

static void pool_destroy(ck_pool *p)
{
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->not_empty);
    pthread_cond_destroy(&p->not_full);
    pthread_cond_destroy(&p->idle);
    free(p->ring);
    free(p->tid);
    free(p);
}

ck_pool *ck_pool_new(unsigned threads, size_t queue_cap)
{
    ck_pool *p;
    unsigned started = 0;
    if (threads == 0 || queue_cap == 0 || !(p = calloc(1, sizeof(*p)))) return NULL;
    p->ring = calloc(queue_cap, sizeof(*p->ring));
    p->tid = calloc(threads, sizeof(*p->tid));
    p->cap = queue_cap;
    p->threads = threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    pthread_cond_init(&p->idle, NULL);
    if (p->ring && p->tid)
        for (; started < threads; started++)
            if (pthread_create(&p->tid[started], NULL, worker, p) != 0) break;
    if (started < threads) {
        pool_stop(p, started);
        pool_destroy(p);
        return NULL;
    }
    return p;
}

void ck_pool_submit(ck_pool *p, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&p->lock);
    while (p->count == p->cap) pthread_cond_wait(&p->not_full, &p->lock);
    p->ring[(p->head + p->count) % p->cap] = (pool_job){fn, arg};
    p->count++;
    p->queued++;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
}

void ck_pool_wait(ck_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->finished != p->queued) pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void ck_pool_free(ck_pool *p)
{
    if (!p) return;
    ck_pool_wait(p);
    pool_stop(p, p->threads);
    pool_destroy(p);
}
