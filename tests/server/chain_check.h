/*
 * chain_check.h - verifies a patient's whole record through the API:
 * sequence numbers 1..n without gaps, every prev_hash links to the
 * previous hash, every hash recomputes, every author signature verifies.
 * Collects the envelopes' 16-byte tags so callers can check that each
 * acknowledged write is stored exactly once.
 */
#ifndef CKT_CHAIN_CHECK_H
#define CKT_CHAIN_CHECK_H

#include "ckt.h"

typedef struct {
    char author[CK_NET_ID_MAX + 1];
    uint8_t pk[32];
} ckt_key;

typedef struct {
    uint64_t seq;
    uint8_t hash[32];
    uint8_t tag[16];
} ckt_stored;

/* Returns the number of entries (or -1) and the stored list (malloc'ed). */
__attribute__((unused)) static long ckt_chain_verify(ck_net *c, const char *patient, const ckt_key *keys,
                                                     size_t nkeys, ckt_stored **out)
{
    uint64_t since = 0;
    uint8_t prev[32] = {0};
    ckt_stored *st = NULL;
    size_t n = 0, cap = 0;
    int more = 1, bad = 0;
    while (more) {
        ck_net_entry *v = NULL;
        size_t k = 0;
        if (ck_net_entries(c, patient, since, 500, &v, &k, &more) != 0) {
            fprintf(stderr, "list %s failed: %s\n", patient, ck_net_error_code(c));
            free(st);
            return -1;
        }
        for (size_t i = 0; i < k; i++) {
            const uint8_t *pk = NULL;
            for (size_t j = 0; j < nkeys; j++)
                if (!strcmp(keys[j].author, v[i].author)) pk = keys[j].pk;
            if (v[i].seq != since + 1) {
                fprintf(stderr, "%s: gap at %llu\n", patient, (unsigned long long)since + 1);
                bad = 1;
            }
            if (memcmp(v[i].prev_hash, prev, 32) != 0) {
                fprintf(stderr, "%s: broken link at %llu\n", patient, (unsigned long long)v[i].seq);
                bad = 1;
            }
            if (pk == NULL || ck_net_entry_check(&v[i], pk) != 0) {
                fprintf(stderr, "%s: bad hash or signature at %llu\n", patient, (unsigned long long)v[i].seq);
                bad = 1;
            }
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                st = realloc(st, cap * sizeof *st);
            }
            st[n].seq = v[i].seq;
            memcpy(st[n].hash, v[i].hash, 32);
            memset(st[n].tag, 0, 16);
            memcpy(st[n].tag, v[i].envelope, v[i].envelope_len < 16 ? v[i].envelope_len : 16);
            n++;
            memcpy(prev, v[i].hash, 32);
            since = v[i].seq;
        }
        ck_net_entries_free(v, k);
    }
    if (bad) {
        free(st);
        return -1;
    }
    *out = st;
    return (long)n;
}

#endif
