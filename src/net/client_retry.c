/*
 * client_retry.c - riding out a database failover behind carekeyd.
 *
 * While carekeyd's PostgreSQL cluster has no primary (a failover, a
 * switchover) carekeyd answers 503 with Retry-After; a connection may also
 * drop mid-request. Idempotent requests are simply sent again, with
 * exponential backoff bounded by the handle's budget. An append is safe to
 * send again as it is (same prev_hash, same signature, a fresh nonce):
 * if the first attempt did commit, the record's head moved past prev_hash
 * and the repeat is refused (409 head_mismatch), never stored twice. That
 * 409 is then ambiguous - our entry, or another writer's? - so the client
 * reads the record: the entry that chains onto prev_hash carrying our
 * signature is ours, and the append succeeded.
 */
#include "client_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

int ck_net_retry_after_parse(const char *v, size_t n, long *ms)
{
    size_t i = 0, digits = 0;
    long sec = 0;
    while (i < n && (v[i] == ' ' || v[i] == '\t')) i++;
    for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
        if (sec < 3600) sec = sec * 10 + (v[i] - '0'); /* a longer wait is capped, not overflowed */
    while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n')) i++;
    if (digits == 0 || i != n) return -1; /* an HTTP date, or garbage */
    *ms = (sec > 3600 ? 3600 : sec) * 1000;
    return 0;
}

int ck_net_retryable(const ck_net *c)
{
    return c->status == 503 || (c->status == 0 && c->transport_kind && !strcmp(c->code, "transport"));
}

int ck_net_call_retry(ck_net *c, const char *method, const char *path, json_t *body, long want, json_t **out,
                      int *uncertain)
{
    long budget = c->retry_budget_ms < 0 ? CK_NET_RETRY_DEFAULT_MS : c->retry_budget_ms;
    long start = now_ms(), backoff = 100;
    for (int attempt = 1;; attempt++) {
        long wait, left;
        if (ck_net_call_once(c, method, path, body, want, out) == 0) return 0;
        if (!ck_net_retryable(c) || budget == 0) return -1;
        /* A 503 may come after the database saw the write (its commit's
         * outcome unknown), a dropped connection too. */
        if (uncertain) *uncertain = 1;
        left = budget - (now_ms() - start);
        wait = c->retry_after_ms > 0 ? c->retry_after_ms : backoff;
        /* Jitter, so that many clients do not come back in step. */
        wait = wait / 2 + (long)((unsigned long)random() % (unsigned long)(wait / 2 + 1));
        /* A dropped connection is retried at once on a new one (a stale
         * keep-alive, a restarted server); only then with backoff. */
        if (c->status == 0 && attempt == 1) wait = 0;
        if (wait > left) return -1;
        if (wait) sleep_ms(wait);
        if (backoff < 2000 && wait) backoff *= 2;
    }
}

/* After an uncertain append: is the entry that follows prev_hash ours
 * (same author, same signature)? 1 yes (out filled), 0 no, -1 could not
 * tell. Looks at the last 256 entries first, then at the whole record. */
static int find_own(ck_net *c, const char *patient, const uint8_t prev_hash[32], const uint8_t sig[64],
                    ck_net_head *out)
{
    ck_net_head head;
    uint64_t since;
    int pass;
    if (ck_net_head_get(c, patient, &head, NULL, NULL) != 0) return -1;
    since = head.seq > 256 ? head.seq - 256 : 0;
    for (pass = 0; pass < 2; pass++) {
        uint64_t from = since;
        int more = 1;
        while (more) {
            ck_net_entry *v = NULL;
            size_t n = 0;
            if (ck_net_entries(c, patient, from, 500, &v, &n, &more) != 0) return -1;
            for (size_t i = 0; i < n; i++) {
                if (memcmp(v[i].prev_hash, prev_hash, 32) != 0) continue;
                /* Exactly one entry chains onto prev_hash. */
                int mine = !strcmp(v[i].author, c->caller) && !memcmp(v[i].signature, sig, 64);
                if (mine) {
                    out->seq = v[i].seq;
                    memcpy(out->hash, v[i].hash, 32);
                }
                ck_net_entries_free(v, n);
                return mine;
            }
            if (n) from = v[n - 1].seq;
            ck_net_entries_free(v, n);
            if (n == 0) break;
        }
        if (since == 0) break;
        since = 0;
    }
    return 0;
}

int ck_net_append_resolve(ck_net *c, const char *patient, const uint8_t prev_hash[32], const uint8_t sig[64],
                          ck_net_head *out)
{
    long status = c->status;
    char code[sizeof c->code], message[sizeof c->message];
    int r;
    memcpy(code, c->code, sizeof code);
    memcpy(message, c->message, sizeof message);
    r = find_own(c, patient, prev_hash, sig, out);
    if (r == 1) {
        ck_net_set_error(c, 201, "", "");
        return 0;
    }
    if (r < 0) {
        /* The record cannot be read now: the caller must not take a 409
         * for a lost race and sign the same content anew. */
        ck_net_set_error(c, 0, "outcome_unknown", "the append may or may not have been stored; read the record");
        return -1;
    }
    /* Another writer's entry: the original failure stands. */
    ck_net_set_error(c, status, code, message);
    return -1;
}
