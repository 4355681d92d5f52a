/*
 * carekey/abe.h - decentralized multi-authority ciphertext-policy ABE
 * (Rouselakis-Waters 2015, large universe), in the type-III placement:
 *
 *   global parameters  g1, g2 (generators); H(GID), F(attr) hash to G2 with
 *                      RFC 9380 and distinct domain tags. No trusted setup.
 *   authority          secret (alpha, y); public (e(g1,g2)^alpha, g1^y)
 *   user key, per attr K = g2^alpha H(GID)^y F(attr)^t (G2),  K' = g1^t (G1)
 *   ciphertext row x   C1 = e(g1,g2)^lambda_x (e(g1,g2)^alpha)^t_x     (GT)
 *                      C2 = g1^-t_x,  C3 = (g1^y)^t_x g1^omega_x       (G1)
 *                      C4 = F(rho(x))^t_x                              (G2)
 *
 * The scheme is used as a KEM: the shared secret is the GT element
 * e(g1,g2)^s, where s is the secret the LSSS shares (uniform in GT).
 * Decryption is one multi-pairing with 2|I| + 1 Miller loops and one final
 * exponentiation; the LSSS coefficients are folded into G1 elements.
 *
 * Attributes carry an epoch (uint32): F hashes "label" and the epoch, so
 * bumping an attribute's epoch revokes every key issued for the old one.
 *
 * Errors: functions return CK_ABE_OK (0) or a ck_abe_err; ck_abe_strerror
 * describes it. Objects with pointers are released with their _free.
 */
#ifndef CAREKEY_ABE_H
#define CAREKEY_ABE_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/ec.h"
#include "carekey/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_abe_err {
    CK_ABE_OK = 0,
    CK_ABE_ERR_PARAM,        /* bad argument                                   */
    CK_ABE_ERR_POLICY,       /* the policy does not parse or is too large      */
    CK_ABE_ERR_UNSATISFIED,  /* the key's attributes do not satisfy the policy */
    CK_ABE_ERR_NO_AUTHORITY, /* no public key for an authority in the policy   */
    CK_ABE_ERR_FORMAT,       /* malformed encoding: magic, version, structure  */
    CK_ABE_ERR_LENGTH,       /* truncated input or trailing bytes              */
    CK_ABE_ERR_POINT,        /* a group element fails its decoding checks      */
    CK_ABE_ERR_NOMEM,        /* out of memory                                  */
    CK_ABE_ERR_RANDOM,       /* the system random generator failed             */
} ck_abe_err;

const char *ck_abe_strerror(ck_abe_err e);

#define CK_ABE_NAME_MAX CK_POLICY_AUTH_MAX /* authority names           */
#define CK_ABE_GID_MAX 128                 /* global identifiers        */
#define CK_ABE_MAX_ROWS CK_POLICY_MAX_LEAVES

/* Domain tags of the two hash functions onto G2. */
#define CK_ABE_DST_GID "CAREKEY-V01-ABE-GID-BLS12381G2_XMD:SHA-256_SSWU_RO_"
#define CK_ABE_DST_ATTR "CAREKEY-V01-ABE-ATTR-BLS12381G2_XMD:SHA-256_SSWU_RO_"

/* ---- authorities ------------------------------------------------------ */
typedef struct ck_abe_authority_sk {
    char name[CK_ABE_NAME_MAX + 1];
    ck_fr alpha, y;
} ck_abe_authority_sk;

typedef struct ck_abe_pk_tables ck_abe_pk_tables;

typedef struct ck_abe_authority_pk {
    char name[CK_ABE_NAME_MAX + 1];
    ck_gt e_alpha;             /* e(g1, g2)^alpha */
    ck_g1 g_y;                 /* g1^y            */
    ck_abe_pk_tables *tables;  /* optional fixed-base tables (ck_abe_pk_precompute) */
} ck_abe_authority_pk;

/* Fresh (alpha, y) for authority `name` ([a-z0-9._-], 1..64 bytes). */
CK_MUST_CHECK ck_abe_err ck_abe_authority_setup(ck_abe_authority_sk *sk, ck_abe_authority_pk *pk,
                                                const char *name);
void ck_abe_authority_public(ck_abe_authority_pk *pk, const ck_abe_authority_sk *sk);
/* Builds fixed-base tables (about 350 KB) that make encryption faster; worth
 * it for public keys that are used more than a few times. */
CK_MUST_CHECK ck_abe_err ck_abe_pk_precompute(ck_abe_authority_pk *pk);
void ck_abe_pk_free_tables(ck_abe_authority_pk *pk);
void ck_abe_authority_sk_wipe(ck_abe_authority_sk *sk);

/* ---- user keys -------------------------------------------------------- */
typedef struct ck_abe_user_attr {
    char label[CK_POLICY_LABEL_MAX];  /* "name@authority" */
    uint32_t epoch;
    ck_g2 k;                          /* secret */
    ck_g1 kp;                         /* K' = g1^t */
    ck_g2_prepared *lines;            /* lazily built Miller lines for K */
} ck_abe_user_attr;

typedef struct ck_abe_user_key {
    char gid[CK_ABE_GID_MAX + 1];
    size_t n, cap;
    ck_abe_user_attr *attr;
    ck_g2_prepared *gid_lines;        /* lazily built lines for H(GID) */
} ck_abe_user_key;

CK_MUST_CHECK ck_abe_err ck_abe_user_key_init(ck_abe_user_key *key, const char *gid);
/* Issues one attribute key: label must name this authority ("x@<sk->name>").
 * Replaces an existing entry for the same label and epoch; other epochs of
 * the label stay (a holder keeps reading what was sealed before a
 * revocation moved the label to a new epoch). */
CK_MUST_CHECK ck_abe_err ck_abe_keygen(ck_abe_user_key *key, const ck_abe_authority_sk *sk,
                                       const char *label, uint32_t epoch);
/* Adds every attribute of src (same GID) to dst, replacing equal
 * (label, epoch) pairs. */
CK_MUST_CHECK ck_abe_err ck_abe_user_key_merge(ck_abe_user_key *dst, const ck_abe_user_key *src);
/* Builds the Miller-line caches of H(GID) and of every attribute now
 * (ck_abe_decrypt otherwise builds each on first use). Afterwards
 * decryption only reads the key, so several threads may decrypt with it
 * at once as long as nothing modifies it. */
CK_MUST_CHECK ck_abe_err ck_abe_user_key_prepare(ck_abe_user_key *key);
/* Wipes and frees everything the key holds (the struct itself is caller's). */
void ck_abe_user_key_free(ck_abe_user_key *key);

/* ---- ciphertexts (KEM) ------------------------------------------------ */
typedef struct ck_abe_row {
    uint32_t epoch;
    ck_gt c1;
    ck_g1 c2, c3;
    ck_g2 c4;
} ck_abe_row;

typedef struct ck_abe_ct {
    char *policy;                     /* canonical policy text */
    ck_lsss *lsss;
    size_t rows;
    ck_abe_row *row;
    int membership_deferred;          /* decoded by ck_abe_ct_decode_for_decrypt */
} ck_abe_ct;

/* Epoch of an attribute label at encryption time; NULL means epoch 0. */
typedef uint32_t (*ck_abe_epoch_fn)(void *ctx, const char *label);

/* Encapsulates: fills ct and the shared GT element under `policy`, using
 * the public keys of every authority the policy names. */
CK_MUST_CHECK ck_abe_err ck_abe_encrypt(ck_abe_ct *ct, ck_gt *shared, const char *policy,
                                        const ck_abe_authority_pk *const *pks, size_t n_pks,
                                        ck_abe_epoch_fn epoch, void *epoch_ctx,
                                        ck_policy_error *perr);
/* Decapsulates with a cheapest satisfying set of the key's attributes. */
CK_MUST_CHECK ck_abe_err ck_abe_decrypt(ck_gt *shared, const ck_abe_ct *ct, ck_abe_user_key *key);
void ck_abe_ct_free(ck_abe_ct *ct);

/* ---- encodings (docs/FORMAT.md) --------------------------------------- */
/* Encoders return the encoded length; with out == NULL they only measure. */
size_t ck_abe_authority_pk_encode(uint8_t *out, const ck_abe_authority_pk *pk);
size_t ck_abe_authority_sk_encode(uint8_t *out, const ck_abe_authority_sk *sk);
size_t ck_abe_user_key_encode(uint8_t *out, const ck_abe_user_key *key);
size_t ck_abe_ct_encode(uint8_t *out, const ck_abe_ct *ct);
/* Decoders validate everything (magic, version, lengths, names, group
 * membership, trailing bytes) and leave *out untouched on failure. */
CK_MUST_CHECK ck_abe_err ck_abe_authority_pk_decode(ck_abe_authority_pk *pk, const uint8_t *in, size_t len);
CK_MUST_CHECK ck_abe_err ck_abe_authority_sk_decode(ck_abe_authority_sk *sk, const uint8_t *in, size_t len);
CK_MUST_CHECK ck_abe_err ck_abe_user_key_decode(ck_abe_user_key *key, const uint8_t *in, size_t len);
CK_MUST_CHECK ck_abe_err ck_abe_ct_decode(ck_abe_ct *ct, const uint8_t *in, size_t len);
/* What a reader needs, for less: every check of ck_abe_ct_decode except
 * the prime-order tests, which ck_abe_decrypt then makes where its result
 * depends on them (each C4 it pairs is tested for G2 inside the Miller
 * loop, the product of the C1 for GT; the pairing cannot see C2's or C3's
 * components outside G1: docs/EC.md, "Validation"). The elements are fit
 * for ck_abe_decrypt only; the policy, rows and epochs for any use. */
CK_MUST_CHECK ck_abe_err ck_abe_ct_decode_for_decrypt(ck_abe_ct *ct, const uint8_t *in, size_t len);

#ifdef __cplusplus
}
#endif
#endif
