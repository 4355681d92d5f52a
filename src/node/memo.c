/*
 * src/node/memo.c - the session's memory of the records it works on: the
 * chain it verified last (so the next load fetches and checks only what
 * came after, without reading the state file again) and the care items it
 * decrypted (care/cache.c). A hospital node admits, discharges and reports
 * on one ledger all day; without this every operation would pay for the
 * whole ledger again.
 *
 * One lock for all memos of all sessions: operations hold it only while
 * copying in or out, never across a network call or a callback.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "node/node_impl.h"

static pthread_mutex_t memo_mu = PTHREAD_MUTEX_INITIALIZER;

ck_node_memo *ck_node_memo_get(ck_node *n, const char *record)
{
    ck_node_memo *m;
    pthread_mutex_lock(&memo_mu);
    for (m = n->s->memo; m; m = m->next)
        if (!strcmp(m->record, record)) return m;
    if (!(m = calloc(1, sizeof *m))) {
        pthread_mutex_unlock(&memo_mu);
        return NULL;
    }
    snprintf(m->record, sizeof m->record, "%s", record);
    m->next = n->s->memo;
    n->s->memo = m;
    return m;
}

void ck_node_memo_unlock(ck_node *n)
{
    (void)n;
    pthread_mutex_unlock(&memo_mu);
}

void ck_node_memo_drop_all(ck_node_session *s)
{
    pthread_mutex_lock(&memo_mu);
    while (s->memo) {
        ck_node_memo *m = s->memo;
        s->memo = m->next;
        ck_net_entries_free(m->e, m->n);
        json_decref(m->items); /* the node's JSON allocator wipes decrypted items */
        OPENSSL_cleanse(m, sizeof *m);
        free(m);
    }
    pthread_mutex_unlock(&memo_mu);
}

int ck_node_entries_copy(const ck_net_entry *src, size_t n, ck_net_entry **out)
{
    ck_net_entry *v = calloc(n ? n : 1, sizeof *v);
    *out = NULL;
    if (!v) return -1;
    for (size_t i = 0; i < n; i++) {
        v[i] = src[i];
        v[i].envelope = NULL;
        if (src[i].envelope) {
            if (!(v[i].envelope = malloc(src[i].envelope_len ? src[i].envelope_len : 1))) {
                ck_net_entries_free(v, i);
                return -1;
            }
            memcpy(v[i].envelope, src[i].envelope, src[i].envelope_len);
        }
    }
    *out = v;
    return 0;
}

size_t ck_node_memo_names(ck_node *n, char (*out)[CK_NET_ID_MAX + 1], size_t cap)
{
    size_t k = 0;
    pthread_mutex_lock(&memo_mu);
    for (ck_node_memo *m = n->s->memo; m && k < cap; m = m->next) snprintf(out[k++], sizeof *out, "%s", m->record);
    pthread_mutex_unlock(&memo_mu);
    return k;
}

void ck_node_memo_keep(ck_node *n, const char *record, ck_net_entry *e, size_t count)
{
    ck_node_memo *m = ck_node_memo_get(n, record);
    if (m && count >= m->n) {
        ck_net_entry *old = m->e;
        size_t old_n = m->n;
        m->e = e;
        m->n = count;
        e = old;
        count = old_n;
    }
    if (m) ck_node_memo_unlock(n);
    ck_net_entries_free(e, count); /* outside the lock */
}
