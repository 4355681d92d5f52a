/*
 * pg_group.c - PostgreSQL back end: the group commit both write queues
 * share (appends in pg_append.c; audit rows and nonces in pg_audit.c).
 *
 * Callers queue items; a batch takes items off the queue and commits them
 * in one statement, one batch under way at a time. A caller that waits for
 * its item runs the next batch on its own thread when none is under way
 * (no hand-off on a busy machine); asynchronous items (suspended
 * connections) are taken by the group's own thread when no waiting caller
 * is there to take them. On close the thread drains the queue, so every
 * item is answered.
 */
#include "pg_impl.h"

void pg_group_init(pg_group *g, pgs *s, pg_item *(*take)(pg_item **q), void (*commit)(pgs *s, pg_item *batch),
                   void (*settle)(pgs *s, pg_item *it))
{
    memset(g, 0, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    pthread_cond_init(&g->done, NULL);
    g->tail = &g->q;
    g->s = s;
    g->take = take;
    g->commit = commit;
    g->settle = settle;
}

/* Each item's caller learns its outcome: an asynchronous one by its
 * callback (unlocked, with this thread's flag saying whether a primary was
 * missing), a waiter by its item marked done. Returns with mu held. */
static void group_complete(pg_group *g, pg_item *batch)
{
    pg_item *it, *next, *waiters = NULL;
    for (it = batch; it; it = next) {
        size_t size = it->size;
        next = it->next;
        if (it->fn == NULL) {
            it->next = waiters;
            waiters = it;
            continue;
        }
        ck_store_set_unavailable(0);
        if (g->settle) g->settle(g->s, it);
        if (!ck_store_unavailable()) ck_store_set_unavailable(it->unavailable);
        it->fn(it->ctx, it->rc);
        OPENSSL_cleanse(it, size);
        free(it);
    }
    pthread_mutex_lock(&g->mu);
    for (it = waiters; it; it = next) {
        next = it->next;
        it->done = 1; /* the waiter may return from here on */
    }
    g->busy = 0;
    if (g->nasync || g->stop) pthread_cond_signal(&g->cv); /* the thread takes them if no waiter does */
    pthread_cond_broadcast(&g->done);
}

/* Takes the next batch off the queue and commits it: called and returns
 * with mu held, which is released while the batch runs. */
static void group_run_next(pg_group *g)
{
    pg_item *batch = g->q, **t;
    if (g->take)
        batch = g->take(&g->q);
    else
        g->q = NULL;
    g->nasync = 0;
    for (t = &g->q; *t; t = &(*t)->next) g->nasync += (*t)->fn != NULL;
    g->tail = t;
    g->busy = 1;
    pthread_mutex_unlock(&g->mu);
    g->commit(g->s, batch);
    group_complete(g, batch);
}

static void *group_main(void *arg)
{
    pg_group *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        int ready = 0;
        while (!(ready = g->nasync > 0 && !g->busy) && !(g->stop && g->q == NULL && !g->busy))
            pthread_cond_wait(&g->cv, &g->mu);
        if (!ready) break; /* stopping, nothing left */
        group_run_next(g);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int pg_group_start(pg_group *g)
{
    if (pthread_create(&g->thread, NULL, group_main, g) != 0) return -1;
    g->started = 1;
    return 0;
}

void pg_group_close(pg_group *g)
{
    if (g->started) {
        pthread_mutex_lock(&g->mu);
        g->stop = 1;
        pthread_cond_signal(&g->cv);
        pthread_mutex_unlock(&g->mu);
        pthread_join(g->thread, NULL);
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    pthread_cond_destroy(&g->done);
}

/* Queued in order: a nonce used twice in one batch is new for the first. */
static void group_enqueue(pg_group *g, pg_item *it)
{
    it->next = NULL;
    *g->tail = it;
    g->tail = &it->next;
}

void pg_group_wait(pg_group *g, pg_item *me)
{
    pthread_mutex_lock(&g->mu);
    group_enqueue(g, me);
    while (!me->done) {
        if (g->busy) {
            pthread_cond_wait(&g->done, &g->mu);
            continue;
        }
        group_run_next(g);
    }
    pthread_mutex_unlock(&g->mu);
    ck_store_set_unavailable(me->unavailable);
}

int pg_group_submit(pg_group *g, pg_item *it)
{
    pthread_mutex_lock(&g->mu);
    if (g->stop || !g->started) {
        pthread_mutex_unlock(&g->mu);
        return -1;
    }
    group_enqueue(g, it);
    g->nasync++;
    if (!g->busy) pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    return 0;
}
