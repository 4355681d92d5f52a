/*
 * sessions.c - the request sessions this process opened (docs/API.md,
 * "Sessions"): id, caller, the signing key the caller had then, the
 * session key and the expiry.
 *
 * Lookups, one per request, hash the id into an open-addressing index.
 * Opening a session (rare, and rate limited per caller) counts the
 * caller's sessions by a hash of her GID; her oldest beyond her limit is
 * ended in place (expired, its key wiped). At most once a second, or when
 * the table is full, expired sessions are dropped: the table is compacted
 * and the index rebuilt under the lock, so no deletion ever leaves a hole
 * in a probe sequence, and no flood of openings rebuilds it more often. Sessions live in memory only: after a restart, or at another
 * instance, a client is told "session_expired" and opens a new one.
 *
 * Replays within a session are told by sequence numbers, not remembered
 * nonces: each session keeps the highest number it saw and a bitmap of the
 * window below it (as IPsec's anti-replay window does), so the memory is
 * per session and does not grow with the request rate.
 */
#include "ckd.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char id[CK_NET_SESSION_ID_HEX + 1];
    uint64_t chash; /* of caller: most entries are told apart without strcmp */
    char caller[CK_NET_ID_MAX + 16];
    uint8_t pk[32];
    uint8_t key[32];
    int64_t expires_ms;
    uint64_t seq_top;                          /* highest sequence number seen */
    uint64_t seq_seen[CKD_SESSION_WINDOW / 64]; /* bit (n mod W): n in (top - W, top] seen */
} entry;

struct ckd_sessions {
    pthread_mutex_t mu;
    entry *v;
    size_t n, cap;
    uint32_t *index; /* icap slots (a power of two >= 2 cap); EMPTY when free */
    size_t icap;
    int64_t ttl_ms;
    int per_caller;
    uint64_t hkey;
    int64_t next_sweep_ms; /* expired sessions are dropped from then on */
};

#define EMPTY UINT32_MAX

ckd_sessions *ckd_sessions_new(long cap, int ttl_s, int per_caller)
{
    ckd_sessions *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    t->cap = (size_t)cap;
    for (t->icap = 16; t->icap < 2 * t->cap; t->icap *= 2) {}
    t->v = calloc(t->cap, sizeof *t->v);
    t->index = malloc(t->icap * sizeof *t->index);
    if (t->v == NULL || t->index == NULL || ck_net_random((uint8_t *)&t->hkey, sizeof t->hkey) != 0) {
        ckd_sessions_free(t);
        return NULL;
    }
    memset(t->index, 0xff, t->icap * sizeof *t->index);
    t->ttl_ms = (int64_t)ttl_s * 1000;
    t->per_caller = per_caller;
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

void ckd_sessions_free(ckd_sessions *t)
{
    if (t == NULL) return;
    if (t->v) {
        OPENSSL_cleanse(t->v, t->cap * sizeof *t->v);
        pthread_mutex_destroy(&t->mu);
    }
    free(t->v);
    free(t->index);
    free(t);
}

static size_t slot_of(const ckd_sessions *t, const char *id)
{
    return (size_t)ckd_str_hash(t->hkey, id) & (t->icap - 1);
}

static void index_put(ckd_sessions *t, size_t i)
{
    size_t s = slot_of(t, t->v[i].id);
    while (t->index[s] != EMPTY) s = (s + 1) & (t->icap - 1);
    t->index[s] = (uint32_t)i;
}

/* Makes room for one more session of caller (chash her hash): ends her
 * oldest live one when she is at her limit and, when due or when the table
 * is full, drops every expired one (rebuilding the index only when one
 * was dropped). Under the lock. */
static void make_room(ckd_sessions *t, const char *caller, uint64_t chash, int64_t now)
{
    size_t keep = 0, oldest = SIZE_MAX;
    int mine = 0, sweep = now >= t->next_sweep_ms || t->n == t->cap;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].chash == chash && t->v[i].expires_ms > now && !strcmp(t->v[i].caller, caller)) {
            mine++;
            if (oldest == SIZE_MAX || t->v[i].expires_ms < t->v[oldest].expires_ms) oldest = i;
        }
    if (mine >= t->per_caller) {
        t->v[oldest].expires_ms = 0;
        OPENSSL_cleanse(t->v[oldest].key, sizeof t->v[oldest].key);
    }
    if (!sweep) return;
    t->next_sweep_ms = now + 1000;
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].expires_ms <= now) continue;
        if (keep != i) t->v[keep] = t->v[i];
        keep++;
    }
    if (keep == t->n) return;
    OPENSSL_cleanse(t->v + keep, (t->n - keep) * sizeof *t->v);
    t->n = keep;
    memset(t->index, 0xff, t->icap * sizeof *t->index);
    for (size_t i = 0; i < t->n; i++) index_put(t, i);
}

static entry *find(ckd_sessions *t, const char *id)
{
    for (size_t s = slot_of(t, id);; s = (s + 1) & (t->icap - 1)) {
        uint32_t i = t->index[s];
        if (i == EMPTY) return NULL;
        if (!strcmp(t->v[i].id, id)) return &t->v[i];
    }
}

int ckd_sessions_add(ckd_sessions *t, const char *id, const char *caller, const uint8_t pk[32],
                     const uint8_t key[32], int64_t now, int64_t *expires_ms)
{
    int rc = -1;
    entry *e;
    uint64_t chash;
    if (strlen(id) != CK_NET_SESSION_ID_HEX || strlen(caller) >= sizeof e->caller) return -1;
    chash = ckd_str_hash(t->hkey, caller);
    pthread_mutex_lock(&t->mu);
    make_room(t, caller, chash, now);
    if (t->n == t->cap || find(t, id) != NULL) goto out;
    e = &t->v[t->n];
    memcpy(e->id, id, CK_NET_SESSION_ID_HEX + 1);
    e->chash = chash;
    memcpy(e->caller, caller, strlen(caller) + 1);
    memcpy(e->pk, pk, 32);
    memcpy(e->key, key, 32);
    e->expires_ms = *expires_ms = now + t->ttl_ms;
    e->seq_top = 0;
    memset(e->seq_seen, 0, sizeof e->seq_seen);
    index_put(t, t->n++);
    rc = 0;
out:
    pthread_mutex_unlock(&t->mu);
    return rc;
}

int ckd_sessions_get(ckd_sessions *t, const char *id, const char *caller, int64_t now, uint8_t pk[32],
                     uint8_t key[32])
{
    int rc = -1;
    entry *e;
    pthread_mutex_lock(&t->mu);
    e = find(t, id);
    if (e != NULL && e->expires_ms > now && !strcmp(e->caller, caller)) {
        memcpy(pk, e->pk, 32);
        memcpy(key, e->key, 32);
        rc = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return rc;
}

/* Records seq in e's window: 0 when new, 1 when seen or below the window. */
static int window_use(entry *e, uint64_t seq)
{
    uint64_t *bit_word;
    if (seq > e->seq_top) {
        uint64_t ahead = seq - e->seq_top;
        if (ahead >= CKD_SESSION_WINDOW) {
            memset(e->seq_seen, 0, sizeof e->seq_seen);
        } else {
            /* the bits of the numbers the window moves over (seq's too)
             * still tell of those one window earlier: clear them, so a
             * skipped number stays usable */
            for (uint64_t n = e->seq_top + 1; n <= seq; n++)
                e->seq_seen[(n / 64) % (CKD_SESSION_WINDOW / 64)] &= ~((uint64_t)1 << (n % 64));
        }
        e->seq_top = seq;
    } else if (e->seq_top - seq >= CKD_SESSION_WINDOW) {
        return 1;
    }
    bit_word = &e->seq_seen[(seq / 64) % (CKD_SESSION_WINDOW / 64)];
    if (*bit_word & ((uint64_t)1 << (seq % 64))) return 1;
    *bit_word |= (uint64_t)1 << (seq % 64);
    return 0;
}

int ckd_sessions_use_seq(ckd_sessions *t, const char *id, uint64_t seq, int64_t now)
{
    int rc = -1;
    entry *e;
    pthread_mutex_lock(&t->mu);
    e = find(t, id);
    if (e != NULL && e->expires_ms > now) rc = window_use(e, seq);
    pthread_mutex_unlock(&t->mu);
    return rc;
}

long ckd_sessions_count(ckd_sessions *t, int64_t now)
{
    long n = 0;
    pthread_mutex_lock(&t->mu);
    for (size_t i = 0; i < t->n; i++) n += t->v[i].expires_ms > now;
    pthread_mutex_unlock(&t->mu);
    return n;
}
