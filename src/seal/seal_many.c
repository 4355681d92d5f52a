/*
 * src/seal/seal_many.c - opening many envelopes with one key on several
 * threads (a report, a month of MIS tables): a worker pool with a bounded
 * queue (pool.c) runs ck_seal_open on each job.
 *
 * The only shared mutable state would be the key's lazily built Miller-line
 * caches: ck_abe_user_key_prepare builds them all first, after which the
 * decryptions only read the key. Each job writes its own outputs and its
 * own result, so the results are those of the serial loop.
 */
#include <stdlib.h>

#include "seal/pool.h"
#include "seal/seal_internal.h"

typedef struct {
    ck_seal_open_job *job;
    ck_abe_user_key *key;
} open_task;

/* An encoded one-payload envelope: decoded, then opened into a buffer of
 * its own. */
static ck_seal_err open_encoded(ck_seal_open_job *j, ck_abe_user_key *key)
{
    ck_seal_env *env = NULL;
    uint8_t *buf = NULL;
    size_t n = 0;
    ck_seal_err rc = ck_seal_decode(&env, j->enc, j->enc_len);
    if (rc != CK_SEAL_OK) goto out;
    rc = CK_SEAL_ERR_FORMAT;
    if (ck_seal_env_count(env) != 1) goto out;
    n = ck_seal_env_payload_len(env, 0);
    rc = CK_SEAL_ERR_NOMEM;
    if (!(buf = malloc(n ? n : 1))) goto out;
    if ((rc = ck_seal_open(env, key, j->ad, j->ad_len, &buf)) != CK_SEAL_OK) goto out; /* wiped by ck_seal_open */
    j->owned = buf;
    j->owned_len = n;
    buf = NULL;
out:
    free(buf);
    ck_seal_env_free(env);
    return rc;
}

static void open_one(void *arg)
{
    open_task *t = arg;
    ck_seal_open_job *j = t->job;
    j->owned = NULL;
    j->owned_len = 0;
    j->rc = j->env ? ck_seal_open(j->env, t->key, j->ad, j->ad_len, j->out) : open_encoded(j, t->key);
    if (j->then) j->then(j, j->then_ctx);
}

ck_seal_err ck_seal_open_many(ck_seal_open_job *jobs, size_t n, ck_abe_user_key *key, unsigned threads)
{
    open_task *tasks;
    ck_pool *pool;
    ck_seal_err rc;
    if ((!jobs && n) || !key) return CK_SEAL_ERR_PARAM;
    if (n == 0) return CK_SEAL_OK;
    if ((rc = ck_seal_from_abe(ck_abe_user_key_prepare(key))) != CK_SEAL_OK) return rc;
    threads = ck_pool_threads(threads, n);
    if (!(tasks = calloc(n, sizeof(*tasks)))) return CK_SEAL_ERR_NOMEM;
    if (!(pool = ck_pool_new(threads, 2 * (size_t)threads))) {
        free(tasks);
        return CK_SEAL_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        tasks[i].job = &jobs[i];
        tasks[i].key = key;
        ck_pool_submit(pool, open_one, &tasks[i]);
    }
    ck_pool_free(pool);            /* waits for every job */
    free(tasks);
    return CK_SEAL_OK;
}
