/*
 * carekey/seal.h - the hybrid envelope: MA-ABE as a KEM, HKDF-SHA256 and
 * AES-256-GCM (OpenSSL libcrypto). Byte layout: docs/FORMAT.md, "Envelope".
 *
 *   shared GT element --HKDF-SHA256(info binds SHA-256(ABE header))--> KEK
 *   KEK  --AES-256-GCM(AD)--> wrapped data key (random, 256 bits)
 *   data key --AES-256-GCM(AD, index, count)--> payload 0 .. n-1
 *
 * One ABE header wraps the data key of all n payloads. The payloads do not
 * depend on the ABE header, so ck_seal_rewrap can put the same data key
 * under a new policy (revocation) without touching them. Caller-supplied
 * associated data (AD) is not stored: the opener supplies the same bytes.
 *
 * Conventions (libsodium style):
 *  - Functions return CK_SEAL_OK (0) or a ck_seal_err; ck_seal_strerror
 *    describes it. Outputs are left untouched (or wiped) on failure.
 *  - Plaintexts go into caller-owned buffers; only envelopes (ciphertext,
 *    whose size depends on the policy) are allocated here: release them
 *    with ck_seal_free.
 *  - Keys live only inside these calls and are wiped before return.
 */
#ifndef CAREKEY_SEAL_H
#define CAREKEY_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/abe.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_seal_err {
    CK_SEAL_OK = 0,
    CK_SEAL_ERR_PARAM,        /* bad argument                                    */
    CK_SEAL_ERR_POLICY,       /* the policy does not parse or is too large       */
    CK_SEAL_ERR_NO_AUTHORITY, /* no public key for an authority in the policy    */
    CK_SEAL_ERR_UNSATISFIED,  /* the key does not satisfy the policy             */
    CK_SEAL_ERR_AUTH,         /* authentication failed: wrong key, modified
                                 envelope or different associated data           */
    CK_SEAL_ERR_FORMAT,       /* malformed envelope: magic, version, structure   */
    CK_SEAL_ERR_LENGTH,       /* truncated envelope or trailing bytes            */
    CK_SEAL_ERR_HEADER,       /* the ABE header inside fails to decode           */
    CK_SEAL_ERR_LIMIT,        /* too many payloads or a payload too large        */
    CK_SEAL_ERR_BUFFER,       /* caller's buffer too small                       */
    CK_SEAL_ERR_NOMEM,        /* out of memory                                   */
    CK_SEAL_ERR_RANDOM,       /* the system random generator failed              */
    CK_SEAL_ERR_CRYPTO,       /* libcrypto failed (not an authentication error)  */
} ck_seal_err;

const char *ck_seal_strerror(ck_seal_err e);

#define CK_SEAL_VERSION 1
#define CK_SEAL_MAGIC "CKSE"
#define CK_SEAL_KEY_BYTES 32
#define CK_SEAL_NONCE_BYTES 12
#define CK_SEAL_TAG_BYTES 16
#define CK_SEAL_MAX_PAYLOADS 65535u
/* GCM's limit is 2^39 - 256 bits per message; keep well below it. */
#define CK_SEAL_MAX_PAYLOAD_BYTES ((uint64_t)1 << 36)
/* Header bytes of an ABE ciphertext (policy text + 1024 rows of 484 B). */
#define CK_SEAL_MAX_HEADER_BYTES (16u << 20)

/* One payload to seal (ck_seal) or its plaintext length (ck_seal_open). */
typedef struct ck_seal_input {
    const uint8_t *data;
    size_t len;
} ck_seal_input;

/* How the ABE header is made: policy text and the public keys of every
 * authority it names; epoch (may be NULL: epoch 0) gives the attribute
 * epochs to encrypt under. Precomputed tables on the keys (ck_abe_pk_precompute)
 * make sealing faster.                                                    */
typedef struct ck_seal_policy {
    const char *policy;
    const ck_abe_authority_pk *const *pks;
    size_t n_pks;
    ck_abe_epoch_fn epoch;
    void *epoch_ctx;
} ck_seal_policy;

/* Seals n (1..CK_SEAL_MAX_PAYLOADS) payloads under one ABE header. On
 * success *out (release with ck_seal_free) holds *out_len envelope bytes.
 * perr (optional) receives the position and message of a policy error.  */
CK_MUST_CHECK ck_seal_err ck_seal(uint8_t **out, size_t *out_len, const ck_seal_policy *pol,
                                  const ck_seal_input *payloads, size_t n,
                                  const uint8_t *ad, size_t ad_len, ck_policy_error *perr);

/* A decoded envelope (every length, the ABE header and its group elements
 * validated, the elements' prime-order tests left to the decryption as in
 * ck_abe_ct_decode_for_decrypt); public data only. Decoding does not
 * authenticate: that happens in ck_seal_open / ck_seal_rewrap.           */
typedef struct ck_seal_env ck_seal_env;

CK_MUST_CHECK ck_seal_err ck_seal_decode(ck_seal_env **env, const uint8_t *in, size_t len);
void ck_seal_env_free(ck_seal_env *env);
size_t ck_seal_env_count(const ck_seal_env *env);
size_t ck_seal_env_payload_len(const ck_seal_env *env, size_t i);  /* plaintext bytes */
const char *ck_seal_env_policy(const ck_seal_env *env);            /* canonical text  */
const ck_abe_ct *ck_seal_env_header(const ck_seal_env *env);

/* Opens every payload: out[i] must hold ck_seal_env_payload_len(env, i)
 * bytes. All or nothing: on any failure every out[i] is wiped. key is not
 * const because decryption caches Miller lines in it.                     */
CK_MUST_CHECK ck_seal_err ck_seal_open(const ck_seal_env *env, ck_abe_user_key *key,
                                       const uint8_t *ad, size_t ad_len, uint8_t *const *out);

/* One envelope for ck_seal_open_many: the arguments of ck_seal_open and,
 * after the call, its result. With env NULL, enc is the encoded envelope
 * instead: the worker decodes it (validating its group elements, the
 * costly part of a decode, on that core too); it must hold exactly one
 * payload, which the worker allocates: *owned (owned_len bytes; wipe, then
 * free) when rc is OK, NULL otherwise (out unused). */
typedef struct ck_seal_open_job {
    const ck_seal_env *env;
    const uint8_t *ad;
    size_t ad_len;
    uint8_t *const *out;      /* as in ck_seal_open */
    ck_seal_err rc;           /* set by ck_seal_open_many */
    const uint8_t *enc;       /* env NULL: decoded by the worker            */
    size_t enc_len;
    uint8_t *owned;
    size_t owned_len;
    /* NULL, or run on the worker right after the job (whatever its rc), so
     * what follows an opening (parsing the plaintext) is spread too. */
    void (*then)(struct ck_seal_open_job *job, void *ctx);
    void *then_ctx;
} ck_seal_open_job;

/* Opens n envelopes with one key on `threads` worker threads (0: one per
 * online CPU, at most 64), jobs[i].rc and jobs[i].out exactly as
 * ck_seal_open(jobs[i].env, key, jobs[i].ad, ...) would leave them. The
 * key's line caches are built first (ck_abe_user_key_prepare), so the
 * threads only read it; nothing else may use the key during the call.
 * Returns CK_SEAL_OK once every job ran (each has its own rc), or an error
 * (PARAM, NOMEM) before any job ran.                                      */
CK_MUST_CHECK ck_seal_err ck_seal_open_many(ck_seal_open_job *jobs, size_t n, ck_abe_user_key *key,
                                            unsigned threads);

/* Puts the envelope's data key under a new policy: opens the key wrap with
 * key (and ad), makes a new ABE header and wrap, and copies the payload
 * ciphertexts unchanged. The new envelope is bound to the same ad.        */
CK_MUST_CHECK ck_seal_err ck_seal_rewrap(uint8_t **out, size_t *out_len, const ck_seal_env *env,
                                         ck_abe_user_key *key, const uint8_t *ad, size_t ad_len,
                                         const ck_seal_policy *pol, ck_policy_error *perr);

/* The canonical policy text of an envelope without opening it or decoding
 * its group elements (checks the framing and the policy). snprintf-style:
 * writes at most cap bytes including the NUL into buf (may be NULL when
 * cap is 0) and sets *len to the text length without the NUL; fails with
 * CK_SEAL_ERR_BUFFER, after setting *len, when cap <= *len.               */
CK_MUST_CHECK ck_seal_err ck_seal_policy_text(char *buf, size_t cap, size_t *len,
                                              const uint8_t *in, size_t in_len);

/* Releases an envelope from ck_seal / ck_seal_rewrap (NULL is fine). */
void ck_seal_free(uint8_t *envelope);

/* ---- data keys (src/seal/seal_datakey.c) -------------------------------
 * Delegated reading (break-glass): a holder of an ABE key that satisfies
 * the policy opens only the key wrap and hands the 32-byte data key on
 * (sealed); the receiver opens the payloads with it, no ABE key needed.
 * The associated data is bound exactly as in ck_seal_open.               */

/* Decapsulates the header with key and unwraps the data key into dk (wiped
 * on failure). CK_SEAL_ERR_UNSATISFIED when key does not satisfy the policy,
 * CK_SEAL_ERR_AUTH for another ad or a modified envelope.                 */
CK_MUST_CHECK ck_seal_err ck_seal_unwrap_key(uint8_t dk[CK_SEAL_KEY_BYTES], const ck_seal_env *env,
                                             ck_abe_user_key *key, const uint8_t *ad, size_t ad_len);

/* Opens every payload with the data key: out[i] must hold
 * ck_seal_env_payload_len(env, i) bytes. All or nothing (outputs wiped on
 * failure); CK_SEAL_ERR_AUTH for a wrong key or ad.                       */
CK_MUST_CHECK ck_seal_err ck_seal_open_with_key(const ck_seal_env *env, const uint8_t dk[CK_SEAL_KEY_BYTES],
                                                const uint8_t *ad, size_t ad_len, uint8_t *const *out);

#ifdef __cplusplus
}
#endif
#endif
