/*
 * src/record/rec_integrity.c - the independent checks of many entries (hash,
 * author key, signature) on a worker pool (seal/pool.h). A reader who loads
 * a month of a hospital's ledger checks thousands of signatures; they are
 * the part of verification that does not follow the chain, so they run on
 * every core, in chunks, and the chain walk reads the results. Each chunk
 * writes only its own slots: the results are the serial ones.
 */
#include <stdlib.h>
#include <string.h>

#include "record/rec_integrity.h"
#include "seal/pool.h"

#define INTEGRITY_CHUNK 32

void ck_rec_entry_fields(ck_net_entry_fields *f, const ck_net_entry *e, const char *patient)
{
    memset(f, 0, sizeof(*f));
    f->patient = patient;
    f->seq = e->seq;
    memcpy(f->prev_hash, e->prev_hash, 32);
    f->section = e->section;
    f->resource_type = e->resource_type;
    f->author = e->author;
    f->time_ms = e->time_ms;
    f->envelope = e->envelope;
    f->envelope_len = e->envelope_len;
    f->envelope_sha256 = e->envelope ? NULL : e->envelope_sha256;
    memcpy(f->signature, e->signature, 64);
}

/* Hash and signature, given the author's key (NULL: unknown author). */
static unsigned checks_with_key(const ck_net_entry *e, const char *patient, const uint8_t *pk)
{
    ck_net_entry_fields f;
    uint8_t h[32];
    unsigned bits = 0;
    ck_rec_entry_fields(&f, e, patient);
    if (ck_net_entry_hash(h, &f) == 0 && memcmp(h, e->hash, 32) == 0) bits |= CK_REC_INTEGRITY_HASH;
    if (pk) {
        bits |= CK_REC_INTEGRITY_AUTHOR;
        if (ck_net_entry_verify(&f, pk) == 0) bits |= CK_REC_INTEGRITY_SIG;
    }
    return bits;
}

unsigned ck_rec_entry_integrity(const ck_net_entry *e, const char *patient, ck_rec_key_fn key, void *key_ctx)
{
    uint8_t pk[32];
    return checks_with_key(e, patient, key(key_ctx, e->author, pk) == 0 ? pk : NULL);
}

typedef struct {
    const ck_net_entry *entries;
    const char *patient;
    const uint8_t (*pk)[32];
    unsigned char *out;        /* in: CK_REC_INTEGRITY_AUTHOR or 0; out: the bits */
    size_t lo, hi;
} chunk;

static void check_chunk(void *arg)
{
    chunk *k = arg;
    for (size_t i = k->lo; i < k->hi; i++)
        k->out[i] = (unsigned char)checks_with_key(&k->entries[i], k->patient,
                                                   k->out[i] & CK_REC_INTEGRITY_AUTHOR ? k->pk[i] : NULL);
}

int ck_rec_integrity_many(unsigned char *out, const ck_net_entry *entries, size_t n, const char *patient,
                          ck_rec_key_fn key, void *key_ctx, unsigned threads)
{
    size_t n_chunks = (n + INTEGRITY_CHUNK - 1) / INTEGRITY_CHUNK;
    uint8_t (*pk)[32] = NULL;
    chunk *chunks = NULL;
    ck_pool *pool = NULL;
    int rc = -1;
    if (n == 0) return 0;
    if (!(pk = calloc(n, sizeof(*pk))) || !(chunks = calloc(n_chunks, sizeof(*chunks)))) goto out;
    for (size_t i = 0; i < n; i++)
        out[i] = key(key_ctx, entries[i].author, pk[i]) == 0 ? CK_REC_INTEGRITY_AUTHOR : 0;
    threads = ck_pool_threads(threads, n_chunks);
    if (threads > 1 && !(pool = ck_pool_new(threads, 2 * (size_t)threads))) goto out;
    for (size_t c = 0; c < n_chunks; c++) {
        chunk *k = &chunks[c];
        k->entries = entries;
        k->patient = patient;
        k->pk = (const uint8_t(*)[32])pk;
        k->out = out;
        k->lo = c * INTEGRITY_CHUNK;
        k->hi = k->lo + INTEGRITY_CHUNK < n ? k->lo + INTEGRITY_CHUNK : n;
        if (pool) ck_pool_submit(pool, check_chunk, k);
        else check_chunk(k);
    }
    ck_pool_free(pool);   /* waits for every chunk */
    rc = 0;
out:
    free(pk);
    free(chunks);
    return rc;
}
