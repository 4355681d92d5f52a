/*
 * carekey/keyring.h - one file per person with every key she holds,
 * encrypted at rest with a passphrase.
 *
 *   identity         GID, Ed25519 and X25519 private keys   (exactly one)
 *   ABE user key     every attribute key from every authority, merged
 *   authorities      secret keys of authorities the person runs (a hospital
 *                    administrator, the patient for her personal domain),
 *                    each with the authority's Ed25519 signing seed
 *   peers            GID -> Ed25519 / X25519 public keys
 *   known authorities name -> ABE public key + Ed25519 signing key
 *
 * File: header (magic, version, scrypt N/r/p, salt, nonce, length) ||
 * AES-256-GCM(key = scrypt(passphrase, salt), ad = header, body) || tag.
 * The body is a list of tagged sections, so later versions can add kinds
 * (unknown optional sections are kept verbatim on save). Byte layout:
 * docs/FORMAT.md, "Keyring and sealed delivery".
 *
 * A keyring in memory holds the derived file key (not the passphrase) so
 * save does not ask again. Everything secret is wiped before it is freed;
 * nothing is logged. Functions return CK_KEYRING_OK (0) or a ck_keyring_err
 * (ck_keyring_strerror); I/O errors leave errno set.
 */
#ifndef CAREKEY_KEYRING_H
#define CAREKEY_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/abe.h"
#include "carekey/identity.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_keyring_err {
    CK_KEYRING_OK = 0,
    CK_KEYRING_ERR_PARAM,      /* bad argument                                    */
    CK_KEYRING_ERR_PASSPHRASE, /* wrong passphrase or damaged keyring             */
    CK_KEYRING_ERR_FORMAT,     /* not a carekey keyring, or an unsupported version */
    CK_KEYRING_ERR_LENGTH,     /* truncated keyring or trailing bytes             */
    CK_KEYRING_ERR_KDF,        /* unsupported or too costly scrypt parameters     */
    CK_KEYRING_ERR_CONTENT,    /* malformed contents (authenticated, so written
                                  by a buggy or newer program)                    */
    CK_KEYRING_ERR_GID,        /* a key for another GID                          */
    CK_KEYRING_ERR_NOT_FOUND,  /* no such entry                                   */
    CK_KEYRING_ERR_EXISTS,     /* the file already exists                         */
    CK_KEYRING_ERR_IO,         /* reading or writing the file failed (errno)      */
    CK_KEYRING_ERR_TOO_LARGE,  /* file or contents over the limits               */
    CK_KEYRING_ERR_DELIVERY,   /* a sealed delivery does not open or verify       */
    CK_KEYRING_ERR_NO_TTY,     /* cannot prompt: no terminal                      */
    CK_KEYRING_ERR_NOMEM,      /* out of memory                                   */
    CK_KEYRING_ERR_RANDOM,     /* the system random generator failed              */
    CK_KEYRING_ERR_CRYPTO,     /* libcrypto failed                                */
    CK_KEYRING_ERR_WEAK,       /* a new passphrase shorter than the minimum       */
    CK_KEYRING_ERR_MISMATCH,   /* the two entries of a new passphrase differ      */
} ck_keyring_err;

const char *ck_keyring_strerror(ck_keyring_err e);

#define CK_KEYRING_MAGIC "CKKR"
#define CK_KEYRING_VERSION 1
#define CK_KEYRING_SALT_BYTES 16
/* magic 4, version 1, kdf 1, log2 N 1, r 4, p 4, salt 16, nonce 12, length 4 */
#define CK_KEYRING_HEADER_BYTES 47
#define CK_KEYRING_MAX_BYTES (64u << 20)

/* scrypt cost. N = 2^log2_n; memory is 128 * r * N bytes. Files may carry
 * log2_n 4..20, r 1..32, p 1..16, N < 2^(16 r) (RFC 7914) and at most
 * 1 GiB of memory; anything else is CK_KEYRING_ERR_KDF before any work. */
typedef struct ck_keyring_kdf {
    uint8_t log2_n;
    uint32_t r, p;
} ck_keyring_kdf;
/* Default: N = 2^17, r = 8, p = 1 (128 MiB, about 0.4 s). */
#define CK_KEYRING_KDF_DEFAULT ((ck_keyring_kdf){17, 8, 1})
/* For tests and fuzzing only: N = 2^10, r = 8, p = 1 (1 MiB). */
#define CK_KEYRING_KDF_TEST ((ck_keyring_kdf){10, 8, 1})
/* The cheapest accepted setting (tests that open thousands of files). */
#define CK_KEYRING_KDF_MIN ((ck_keyring_kdf){4, 1, 1})

typedef struct ck_keyring ck_keyring;

/* A known person. */
typedef struct ck_keyring_peer {
    char gid[CK_ID_GID_MAX + 1];
    uint8_t ed25519[CK_ID_KEY_BYTES];
    uint8_t x25519[CK_ID_KEY_BYTES];
} ck_keyring_peer;

/* A known authority: its ABE public key and its Ed25519 signing key. */
typedef struct ck_keyring_authority {
    char name[CK_ABE_NAME_MAX + 1];
    uint8_t signing_key[CK_ID_KEY_BYTES];
    ck_abe_authority_pk pk;
} ck_keyring_authority;

/* An authority the person runs: ABE secret key and signing seed. */
typedef struct ck_keyring_authority_secret {
    ck_abe_authority_sk sk;               /* sk.name is the authority name */
    int has_signing;                      /* 0: no signing seed stored     */
    uint8_t signing_sk[CK_ID_KEY_BYTES];  /* secret                        */
    uint8_t signing_pk[CK_ID_KEY_BYTES];
} ck_keyring_authority_secret;

/* ---- life cycle --------------------------------------------------------- */
/* A new keyring for id (copied) with an empty ABE user key, written to path
 * (mode 0600). Fails with CK_KEYRING_ERR_EXISTS if path exists. kdf NULL
 * means CK_KEYRING_KDF_DEFAULT. */
CK_MUST_CHECK ck_keyring_err ck_keyring_create(ck_keyring **kr, const char *path, const char *pass,
                                               size_t pass_len, const ck_identity *id,
                                               const ck_keyring_kdf *kdf);
/* Reads and decrypts path. A wrong passphrase and a modified file both give
 * CK_KEYRING_ERR_PASSPHRASE ("wrong passphrase or damaged keyring"). */
CK_MUST_CHECK ck_keyring_err ck_keyring_open(ck_keyring **kr, const char *path, const char *pass,
                                             size_t pass_len);
/* Reads held's file again with the file key held keeps (no passphrase,
 * no scrypt): the key agent's way to follow a keyring that commands
 * changed (pins, keys sync). The file's salt and scrypt parameters must be
 * held's, else CK_KEYRING_ERR_PASSPHRASE (its passphrase was changed). */
CK_MUST_CHECK ck_keyring_err ck_keyring_reopen(ck_keyring **kr, const ck_keyring *held);
/* Writes the keyring back to its path atomically: a temporary file in the
 * same directory (mode 0600), fsync, rename over the old file, fsync of the
 * directory. On failure the old file is untouched and no temporary is left. */
CK_MUST_CHECK ck_keyring_err ck_keyring_save(ck_keyring *kr);
/* Same, to another path (which becomes the keyring's path). */
CK_MUST_CHECK ck_keyring_err ck_keyring_save_as(ck_keyring *kr, const char *path);
/* New passphrase (fresh salt; kdf NULL keeps the current cost), then save. */
CK_MUST_CHECK ck_keyring_err ck_keyring_change_passphrase(ck_keyring *kr, const char *pass,
                                                          size_t pass_len, const ck_keyring_kdf *kdf);
/* Wipes and frees (NULL is fine). */
void ck_keyring_free(ck_keyring *kr);

/* In-memory encryption and decryption of a keyring file's bytes (what
 * create/open/save use). encrypt: *out (free with ck_keyring_bytes_free)
 * under the keyring's current key. decrypt: the keyring gets no path. */
CK_MUST_CHECK ck_keyring_err ck_keyring_encrypt(uint8_t **out, size_t *out_len, const ck_keyring *kr);
CK_MUST_CHECK ck_keyring_err ck_keyring_decrypt(ck_keyring **kr, const uint8_t *in, size_t len,
                                                const char *pass, size_t pass_len);
void ck_keyring_bytes_free(uint8_t *bytes, size_t len);
/* Reads the header's scrypt parameters without the passphrase (checks the
 * header's framing and limits; does not authenticate). */
CK_MUST_CHECK ck_keyring_err ck_keyring_file_kdf(ck_keyring_kdf *kdf, const uint8_t *in, size_t len);

/* ---- contents ----------------------------------------------------------- */
const ck_identity *ck_keyring_identity(const ck_keyring *kr);
const char *ck_keyring_path(const ck_keyring *kr);        /* NULL if none */
/* The merged ABE user key (GID = the identity's). Not const: decryption
 * caches Miller lines in it. */
ck_abe_user_key *ck_keyring_user_key(ck_keyring *kr);
/* Merges every attribute of key (same GID, else CK_KEYRING_ERR_GID);
 * equal labels are replaced (a re-issue under a new epoch). */
CK_MUST_CHECK ck_keyring_err ck_keyring_add_user_key(ck_keyring *kr, const ck_abe_user_key *key);

/* Adds or replaces (same name) an authority secret key; signing_sk may be
 * NULL (no signing seed). */
CK_MUST_CHECK ck_keyring_err ck_keyring_add_authority_sk(ck_keyring *kr, const ck_abe_authority_sk *sk,
                                                         const uint8_t signing_sk[CK_ID_KEY_BYTES]);
size_t ck_keyring_authority_sk_count(const ck_keyring *kr);
const ck_keyring_authority_secret *ck_keyring_authority_sk_at(const ck_keyring *kr, size_t i);
const ck_keyring_authority_secret *ck_keyring_authority_sk_find(const ck_keyring *kr, const char *name);

/* Known peers: add or replace by GID. */
CK_MUST_CHECK ck_keyring_err ck_keyring_set_peer(ck_keyring *kr, const char *gid,
                                                 const uint8_t ed25519[CK_ID_KEY_BYTES],
                                                 const uint8_t x25519[CK_ID_KEY_BYTES]);
size_t ck_keyring_peer_count(const ck_keyring *kr);
const ck_keyring_peer *ck_keyring_peer_at(const ck_keyring *kr, size_t i);
const ck_keyring_peer *ck_keyring_peer_find(const ck_keyring *kr, const char *gid);

/* The operator's Ed25519 key, pinned once (at init): every authority record
 * the directory serves must carry its signature. Setting a different key
 * later is CK_KEYRING_ERR_EXISTS. ck_keyring_operator: 0, or -1 if none. */
CK_MUST_CHECK ck_keyring_err ck_keyring_set_operator(ck_keyring *kr, const uint8_t pk[CK_ID_KEY_BYTES]);
CK_MUST_CHECK int ck_keyring_operator(const ck_keyring *kr, uint8_t pk[CK_ID_KEY_BYTES]);

/* Known authorities: add or replace by pk->name (pk copied without its
 * precomputed tables). */
CK_MUST_CHECK ck_keyring_err ck_keyring_set_authority(ck_keyring *kr, const ck_abe_authority_pk *pk,
                                                      const uint8_t signing_key[CK_ID_KEY_BYTES]);
size_t ck_keyring_authority_count(const ck_keyring *kr);
const ck_keyring_authority *ck_keyring_authority_at(const ck_keyring *kr, size_t i);
const ck_keyring_authority *ck_keyring_authority_find(const ck_keyring *kr, const char *name);

/* ---- sealed key delivery ------------------------------------------------ */
/* Authority side: seals key (an issued ABE user key, whose GID names the
 * recipient) to recipient_x25519, signed with the authority's signing
 * seed; the associated data is ck_box_delivery_ad("authority:<name>",
 * key->gid). *box (free with ck_keyring_bytes_free) is the mailbox payload. */
CK_MUST_CHECK ck_keyring_err ck_keyring_delivery_seal(uint8_t **box, size_t *box_len,
                                                      const ck_abe_user_key *key,
                                                      const uint8_t recipient_x25519[CK_ID_KEY_BYTES],
                                                      const char *authority,
                                                      const uint8_t signing_sk[CK_ID_KEY_BYTES]);
/* Recipient side: verifies that authority (with this signing key) sealed
 * the box to this keyring's identity, decodes the user key, checks its GID
 * and that every attribute belongs to that authority, and merges it.
 * box_err (may be NULL) receives the sealed box error. */
CK_MUST_CHECK ck_keyring_err ck_keyring_delivery_accept(ck_keyring *kr, const uint8_t *box, size_t len,
                                                        const char *authority,
                                                        const uint8_t signing_key[CK_ID_KEY_BYTES],
                                                        ck_box_err *box_err);

/* ---- passphrases -------------------------------------------------------- */
/* Reads a passphrase into buf (NUL-terminated, at most cap - 1 bytes) from
 *   "prompt" or "prompt:TEXT"  the controlling terminal (/dev/tty), no echo
 *   "file:PATH"                the first line of a file
 *   "env" or "env:NAME"        an environment variable (default CAREKEY_PASSPHRASE)
 * A trailing "\n" or "\r\n" is dropped. Empty passphrases are refused
 * (CK_KEYRING_ERR_PARAM), too long ones too (CK_KEYRING_ERR_TOO_LARGE).
 * buf is wiped on failure. */
#define CK_KEYRING_PASSPHRASE_ENV "CAREKEY_PASSPHRASE"
#define CK_KEYRING_PASSPHRASE_MAX 1024
CK_MUST_CHECK ck_keyring_err ck_keyring_passphrase_get(const char *source, char *buf, size_t cap);
/* A new passphrase (keyring creation, change): as ck_keyring_passphrase_get,
 * but a prompt asks twice (CK_KEYRING_ERR_MISMATCH when the entries
 * differ) and any source must give at least CK_KEYRING_PASSPHRASE_MIN
 * bytes (CK_KEYRING_ERR_WEAK). */
#define CK_KEYRING_PASSPHRASE_MIN 12
CK_MUST_CHECK ck_keyring_err ck_keyring_passphrase_new(const char *source, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
