/*
 * src/record/rec_integrity.h - the per-entry checks of a chain that do not
 * depend on each other (an entry's hash, its author's key, its signature),
 * computed ahead for many entries on several threads. Internal to
 * rec_verify.c.
 */
#ifndef CK_REC_INTEGRITY_H
#define CK_REC_INTEGRITY_H

#include <stddef.h>
#include "carekey/record.h"

enum {
    CK_REC_INTEGRITY_HASH = 1,     /* the hash matches the contents     */
    CK_REC_INTEGRITY_AUTHOR = 2,   /* the author's key is known         */
    CK_REC_INTEGRITY_SIG = 4,      /* the author's signature verifies   */
};

/* Fields of e as the hash and signature cover them. */
void ck_rec_entry_fields(ck_net_entry_fields *f, const ck_net_entry *e, const char *patient);

/* The CK_REC_INTEGRITY_* bits of one entry. */
unsigned ck_rec_entry_integrity(const ck_net_entry *e, const char *patient, ck_rec_key_fn key, void *key_ctx);

/* out[i] = the bits of entries[i], for n entries, on up to `threads`
 * workers (0: one per core). Keys are looked up on the calling thread
 * first (the callback need not be thread-safe); the hashes and signatures
 * are then checked on the workers. 0, or -1 when out of memory. */
int ck_rec_integrity_many(unsigned char *out, const ck_net_entry *entries, size_t n, const char *patient,
                          ck_rec_key_fn key, void *key_ctx, unsigned threads);

#endif
