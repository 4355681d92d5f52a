/*
 * carekey/record.h - the patient record as a client sees it: entries in a
 * signed hash chain, each carrying a record container (docs/FORMAT.md):
 *
 *   DATA  - a sealed section payload (hybrid envelope, carekey/seal.h) whose
 *           associated data binds patient, section, resource type and the
 *           entry id, so the server cannot move it to another place;
 *   GRANT - a write grant (or its revocation) issued by the patient or her
 *           delegate, in clear: the server enforces grants, readers verify
 *           them from the chain itself.
 *
 * A later entry may supersede an earlier one (same entry id): an update, or
 * a rewrap after revocation (a new ABE header over the same data key).
 *
 * ck_rec_verify checks everything a server returns: sequence numbers, hash
 * links, hashes, author signatures, write grants, the patient's signed head
 * and the reader's last known head, and reports each problem precisely.
 * Entries are only opened after their author's signature has verified.
 *
 * This layer does no network I/O; the client layer fetches and appends.
 */
#ifndef CAREKEY_RECORD_H
#define CAREKEY_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/abe.h"
#include "carekey/seal.h"
#include "carekey/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_rec_err {
    CK_REC_OK = 0,
    CK_REC_ERR_PARAM,     /* bad argument                                   */
    CK_REC_ERR_FORMAT,    /* malformed container or grant                   */
    CK_REC_ERR_NOMEM,     /* out of memory                                  */
    CK_REC_ERR_SEAL,      /* sealing failed (policy, keys, randomness)      */
    CK_REC_ERR_ACCESS,    /* the reader's key cannot open this entry        */
    CK_REC_ERR_AUTH,      /* the envelope does not authenticate here        */
    CK_REC_ERR_KIND,      /* wrong container kind for this operation        */
} ck_rec_err;

const char *ck_rec_strerror(ck_rec_err e);

/* ---- containers ------------------------------------------------------- */
#define CK_REC_MAGIC "CKRE"
#define CK_REC_VERSION 2   /* 1 (no batch fields) is still read */
#define CK_REC_ID_BYTES 16

typedef enum ck_rec_kind {
    CK_REC_KIND_DATA = 1,
    CK_REC_KIND_GRANT = 2,      /* a write grant or its revocation (JSON)            */
    CK_REC_KIND_COMMIT = 3,     /* closes a batch of entries (ck_rec_commit, JSON)    */
    CK_REC_KIND_PROFILE = 4,    /* the patient's signed sharing profile (JSON)        */
    CK_REC_KIND_TOMBSTONE = 5,  /* the owner drops superseded bodies (ck_rec_tombstone) */
} ck_rec_kind;

/* A batch: entries written as one unit (an import). Readers treat a batch
 * that no COMMIT entry of its author closed as not yet written. */
typedef struct ck_rec_batch {
    uint8_t id[CK_REC_ID_BYTES];   /* all zero: not part of a batch */
    uint32_t index, count;         /* 0 <= index < count            */
} ck_rec_batch;

typedef struct ck_rec_container {
    ck_rec_kind kind;
    uint8_t entry_id[CK_REC_ID_BYTES];
    uint64_t supersedes;       /* seq of the entry this one replaces; 0: none */
    ck_rec_batch batch;
    const uint8_t *body;       /* DATA: seal envelope; others: JSON           */
    size_t body_len;
} ck_rec_container;

/* 1 when the container belongs to a batch. */
int ck_rec_in_batch(const ck_rec_container *c);

/* Encoded length; out == NULL only measures. */
size_t ck_rec_container_encode(uint8_t *out, const ck_rec_container *c);
/* c->body points into in. Strict: magic, version, kind, lengths. */
CK_MUST_CHECK ck_rec_err ck_rec_container_decode(ck_rec_container *c, const uint8_t *in, size_t len);

/* Associated data of a DATA entry's envelope. */
#define CK_REC_AD_MAX 600
size_t ck_rec_ad(uint8_t out[CK_REC_AD_MAX], const char *patient, const char *section,
                 const char *resource_type, const uint8_t entry_id[CK_REC_ID_BYTES]);

/* Seals payload for (patient, section, resource_type) and wraps it in a DATA
 * container; *out (free()) is the entry's envelope field. entry_id may be
 * NULL (a fresh random id is drawn) and is written back to id_out if given. */
CK_MUST_CHECK ck_rec_err ck_rec_seal(uint8_t **out, size_t *out_len, const char *patient,
                                     const char *section, const char *resource_type,
                                     const uint8_t *payload, size_t payload_len,
                                     const ck_seal_policy *pol, uint64_t supersedes,
                                     uint8_t id_out[CK_REC_ID_BYTES], ck_policy_error *perr);

/* The same as one entry of a batch (batch NULL: none). */
CK_MUST_CHECK ck_rec_err ck_rec_seal_batch(uint8_t **out, size_t *out_len, const char *patient,
                                           const char *section, const char *resource_type,
                                           const uint8_t *payload, size_t payload_len,
                                           const ck_seal_policy *pol, uint64_t supersedes,
                                           const ck_rec_batch *batch, uint8_t id_out[CK_REC_ID_BYTES],
                                           ck_policy_error *perr);

/* Opens a DATA entry (its signature must have been verified first):
 * *payload (free() after wiping: ck_wipe) receives the plaintext.      */
CK_MUST_CHECK ck_rec_err ck_rec_open(uint8_t **payload, size_t *payload_len, const ck_net_entry *e,
                                     const char *patient, ck_abe_user_key *key);

/* Many DATA entries at once, on `threads` workers (0: one per online CPU;
 * ck_seal_open_many): each job's rc, payload and payload_len as
 * ck_rec_open would leave them (payload NULL unless OK). Returns OK once
 * every job ran, or NOMEM/PARAM before any did. A job's `then` (NULL:
 * none) runs on its worker once rc and payload are set (a job refused
 * before any worker, not a DATA entry, skips it), e.g. to parse the
 * plaintext there; it may take the payload over (wipe, free, set NULL) and
 * leave what it made in `result`.                                      */
typedef struct ck_rec_open_job {
    const ck_net_entry *e;
    uint8_t *payload;
    size_t payload_len;
    ck_rec_err rc;
    void (*then)(struct ck_rec_open_job *job, void *ctx);
    void *then_ctx;
    void *result;
} ck_rec_open_job;

CK_MUST_CHECK ck_rec_err ck_rec_open_many(ck_rec_open_job *jobs, size_t n, const char *patient,
                                          ck_abe_user_key *key, unsigned threads);

/* Re-wraps a DATA entry under a new policy (same data key, payloads copied):
 * *out is a DATA container with the same entry id superseding e->seq.  */
CK_MUST_CHECK ck_rec_err ck_rec_rewrap(uint8_t **out, size_t *out_len, const ck_net_entry *e,
                                       const char *patient, ck_abe_user_key *key,
                                       const ck_seal_policy *pol, ck_policy_error *perr);

/* Who can open a DATA entry, from its ABE header alone (no decryption):
 * OK, NONE (the key does not satisfy the policy: "not shared with you"),
 * or OTHER_EPOCH (it would, but holds the labels at other epochs than the
 * entry was sealed for: issued after a revocation, so the entry waits for
 * its owner's re-encryption). */
typedef enum ck_rec_access {
    CK_REC_ACCESS_NONE = 0,
    CK_REC_ACCESS_OK,
    CK_REC_ACCESS_OTHER_EPOCH,
} ck_rec_access;
ck_rec_access ck_rec_access_of(const ck_net_entry *e, const ck_abe_user_key *key);

/* Re-encrypts a DATA entry: opens it with key and seals the payload again
 * under a fresh data key and pol (current epochs), same entry id,
 * superseding e->seq. Unlike a rewrap, an old data key opens nothing of
 * the new version. */
CK_MUST_CHECK ck_rec_err ck_rec_reseal(uint8_t **out, size_t *out_len, const ck_net_entry *e, const char *patient,
                                       ck_abe_user_key *key, const ck_seal_policy *pol, ck_policy_error *perr);

/* The policy an entry's envelope is sealed under (no key needed). */
CK_MUST_CHECK ck_rec_err ck_rec_policy(char *buf, size_t cap, const ck_net_entry *e);

/* ---- write grants ----------------------------------------------------- */
#define CK_REC_SECTIONS_MAX 512
typedef struct ck_rec_grant {
    uint8_t grant_id[CK_REC_ID_BYTES];
    char grantee[CK_NET_ID_MAX + 1];
    char sections[CK_REC_SECTIONS_MAX]; /* "a,b,c" or "*" */
    int delegate;                       /* may grant to others            */
    uint64_t expires_ms;                /* 0: never                       */
    int revoke;                         /* revokes grant_id               */
} ck_rec_grant;

/* GRANT container for g (a fresh grant id when g->grant_id is all zero
 * and revoke is 0); *out is malloc'ed. */
CK_MUST_CHECK ck_rec_err ck_rec_grant_container(uint8_t **out, size_t *out_len, ck_rec_grant *g);
CK_MUST_CHECK ck_rec_err ck_rec_grant_decode(ck_rec_grant *g, const uint8_t *json, size_t len);
/* 1 when section is in the list ("*" matches everything). */
int ck_rec_grant_covers(const ck_rec_grant *g, const char *section);

/* ---- batches ----------------------------------------------------------- */
#define CK_REC_ABANDON_MAX 16
/* The COMMIT entry of a batch: every one of its count entries is in the
 * chain; abandon: earlier batches of the same author never to be finished. */
typedef struct ck_rec_commit {
    uint8_t batch[CK_REC_ID_BYTES];
    uint32_t count;
    size_t n_abandon;
    uint8_t abandon[CK_REC_ABANDON_MAX][CK_REC_ID_BYTES];
} ck_rec_commit;

CK_MUST_CHECK ck_rec_err ck_rec_commit_container(uint8_t **out, size_t *out_len, const ck_rec_commit *c);
CK_MUST_CHECK ck_rec_err ck_rec_commit_decode(ck_rec_commit *c, const uint8_t *json, size_t len);

/* A PROFILE container around the patient's sharing profile (JSON text;
 * only the patient's own PROFILE entries count). */
CK_MUST_CHECK ck_rec_err ck_rec_profile_container(uint8_t **out, size_t *out_len, const char *json);

/* A TOMBSTONE container: the owner (or her delegate) lets the server drop
 * the bodies of these superseded entries (ascending seqs, at most
 * CK_REC_TOMBSTONE_MAX); the chain still verifies from their digests. */
#define CK_REC_TOMBSTONE_MAX 4096
CK_MUST_CHECK ck_rec_err ck_rec_tombstone_container(uint8_t **out, size_t *out_len, const uint64_t *seqs, size_t n);
/* seqs must hold CK_REC_TOMBSTONE_MAX. */
CK_MUST_CHECK ck_rec_err ck_rec_tombstone_decode(uint64_t *seqs, size_t *n, const uint8_t *json, size_t len);

/* ---- verification ----------------------------------------------------- */
typedef enum ck_rec_problem_kind {
    CK_REC_P_GAP = 1,     /* missing sequence numbers: entries dropped            */
    CK_REC_P_ORDER,       /* sequence numbers out of order or repeated            */
    CK_REC_P_LINK,        /* prev_hash is not the previous entry's hash           */
    CK_REC_P_HASH,        /* the hash does not match the fields: entry altered    */
    CK_REC_P_SIGNATURE,   /* the author's signature fails: forged, altered, or
                             moved here from another patient's record           */
    CK_REC_P_AUTHOR,      /* the author is not in the directory                   */
    CK_REC_P_GRANT,       /* the author had no valid write grant for the section  */
    CK_REC_P_CONTAINER,   /* malformed container                                  */
    CK_REC_P_ROLLBACK,    /* the record is shorter than a head the reader trusts  */
    CK_REC_P_FORK,        /* a trusted head's hash differs from the chain's       */
    CK_REC_P_HEAD,        /* the signed head's signature fails                    */
    CK_REC_P_SUPERSEDE,   /* supersedes a missing or foreign entry                */
    CK_REC_P_TIME,        /* dated before an earlier entry or the signed head     */
    CK_REC_P_BATCH,       /* a batch entry or commit that does not fit its batch  */
    CK_REC_P_WITHHELD,    /* a body missing without the owner's tombstone         */
} ck_rec_problem_kind;

typedef struct ck_rec_problem {
    ck_rec_problem_kind kind;
    uint64_t seq;        /* entry concerned (0: the record as a whole) */
    char detail[160];
} ck_rec_problem;

/* The patient's signature over (patient, seq, hash, time) - wire.h. */
typedef struct ck_rec_signed_head {
    uint64_t seq;
    uint8_t hash[32];
    uint64_t time_ms;
    uint8_t signature[64];
} ck_rec_signed_head;

/* Looks up a GID's Ed25519 public key: 0 when found, -1 when unknown. */
typedef int (*ck_rec_key_fn)(void *ctx, const char *gid, uint8_t ed25519[32]);

typedef struct ck_rec_verify_in {
    const char *patient;
    const ck_net_entry *entries;            /* as returned, in order           */
    size_t n;
    const ck_net_head *server_head;         /* head the server reported; NULL  */
    const ck_rec_signed_head *signed_head;  /* the patient's; NULL: none       */
    const ck_net_head *last_known;          /* reader's pinned head; NULL      */
    ck_rec_key_fn key;
    void *key_ctx;
    /* The first `trusted` entries are the reader's own copy of a chain she
     * verified before, kept authenticated (the node's verified state): their
     * hashes and signatures are not checked again; links, times, grants,
     * batches and tombstones are replayed as always. 0: verify everything. */
    size_t trusted;
    /* Threads checking hashes and signatures (they do not depend on each
     * other; the chain walk stays on the caller's thread): 0 one per core,
     * 1 none besides the caller. The key callback is only ever called from
     * the caller's thread. */
    unsigned threads;
} ck_rec_verify_in;

#define CK_REC_MAX_PROBLEMS 64
typedef struct ck_rec_verify_out {
    size_t n_problems;                    /* capped at CK_REC_MAX_PROBLEMS */
    size_t n_dropped;                     /* problems beyond the cap       */
    ck_rec_problem problem[CK_REC_MAX_PROBLEMS];
    unsigned char *valid;                 /* malloc'ed [n]: 1 = entry verified */
    size_t n_valid;
    /* malloc'ed [n]: CK_REC_BATCH_OPEN for entries of a batch no COMMIT
     * closed yet (an interrupted import: not part of the record yet),
     * CK_REC_BATCH_ABANDONED for a batch a later commit gave up on */
    unsigned char *batch_state;
    size_t n_open_batches;                /* incomplete batches: not intact */
    ck_net_head head;                     /* last entry of the verified chain */
} ck_rec_verify_out;

enum { CK_REC_BATCH_NONE = 0, CK_REC_BATCH_OPEN = 1, CK_REC_BATCH_ABANDONED = 2 };

/* Verifies the whole record; returns CK_REC_OK when it could run (problems
 * are in out->problem; none and no open batch means the record is intact). */
CK_MUST_CHECK ck_rec_err ck_rec_verify(ck_rec_verify_out *out, const ck_rec_verify_in *in);
void ck_rec_verify_out_free(ck_rec_verify_out *out);
const char *ck_rec_problem_name(ck_rec_problem_kind k);

#ifdef __cplusplus
}
#endif
#endif
