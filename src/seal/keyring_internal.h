/*
 * src/seal/keyring_internal.h - the in-memory keyring and what its files
 * share: keyring.c (contents), keyring_codec.c (the plaintext body),
 * keyring_file.c (header, scrypt, encryption, atomic files),
 * keyring_delivery.c, keyring_pass.c.
 */
#ifndef CK_KEYRING_INTERNAL_H
#define CK_KEYRING_INTERNAL_H

#include "carekey/keyring.h"

/* Body section tags (docs/FORMAT.md). Tags with CK_KR_OPTIONAL set may be
 * skipped by readers that do not know them (and are kept verbatim). */
#define CK_KR_TAG_IDENTITY 0x0001
#define CK_KR_TAG_USER_KEY 0x0002
#define CK_KR_TAG_AUTHORITY_SK 0x0003
#define CK_KR_TAG_PEER 0x0004
#define CK_KR_TAG_AUTHORITY_PK 0x0005
#define CK_KR_TAG_OPERATOR 0x0006
#define CK_KR_OPTIONAL 0x8000
#define CK_KR_SECTION_HEADER 6 /* u16 tag + u32 length */
#define CK_KR_KDF_SCRYPT 1
#define CK_KR_MAX_ENTRIES 4096 /* per table */

typedef struct ck_kr_extra {
    uint16_t tag;
    uint8_t *data;
    size_t len;
} ck_kr_extra;

struct ck_keyring {
    char *path;
    ck_identity id;
    ck_abe_user_key uk;
    ck_keyring_authority_secret *asec;
    size_t n_asec, cap_asec;
    ck_keyring_peer *peer;
    size_t n_peer, cap_peer;
    ck_keyring_authority **auth;   /* one allocation each: a pointer handed out stays valid as more are pinned */
    size_t n_auth, cap_auth;
    uint8_t operator_pk[CK_ID_KEY_BYTES]; /* the operator's key, pinned at init */
    int has_operator;
    ck_kr_extra *extra;          /* unknown optional sections, in order */
    size_t n_extra, cap_extra;
    /* the file key: scrypt(passphrase, salt) under kdf */
    ck_keyring_kdf kdf;
    uint8_t salt[CK_KEYRING_SALT_BYTES];
    uint8_t key[32];
    int has_key;
};

/* A keyring for id with an empty user key; no path, no file key. */
CK_MUST_CHECK ck_keyring_err ck_kr_new(ck_keyring **kr, const ck_identity *id);
/* A keyring with nothing in it (the body decoder fills it). */
ck_keyring *ck_kr_alloc(void);

/* Body: the plaintext inside the file's AES-GCM. encode returns the length
 * (out NULL measures). decode fills an empty keyring from ck_kr_alloc. */
size_t ck_kr_body_encode(uint8_t *out, const ck_keyring *kr);
CK_MUST_CHECK ck_keyring_err ck_kr_body_decode(ck_keyring *kr, const uint8_t *in, size_t len);

/* ck_keyring_set_authority without re-validating pk (the body decoder has
 * just decoded it). */
CK_MUST_CHECK ck_keyring_err ck_kr_put_authority(ck_keyring *kr, const ck_abe_authority_pk *pk,
                                                 const uint8_t signing_key[CK_ID_KEY_BYTES]);

/* Grows *arr (elements of size elem) to hold one more entry; old storage is
 * wiped before it is freed (entries may be secret). */
CK_MUST_CHECK int ck_kr_grow(void **arr, size_t *cap, size_t n, size_t elem);

/* Derives kr's file key from pass under kdf and a fresh salt. */
CK_MUST_CHECK ck_keyring_err ck_kr_set_passphrase(ck_keyring *kr, const char *pass, size_t pass_len,
                                                  const ck_keyring_kdf *kdf);
CK_MUST_CHECK ck_keyring_err ck_kr_kdf_check(const ck_keyring_kdf *kdf);

/* Writes bytes to path atomically (temporary in the same directory, mode
 * 0600, fsync, rename, directory fsync). With exclusive, fails with
 * CK_KEYRING_ERR_EXISTS instead of replacing an existing file. */
CK_MUST_CHECK ck_keyring_err ck_kr_write_atomic(const char *path, const uint8_t *bytes, size_t len,
                                                int exclusive);

#endif
