/*
 * src/seal/keyring.c - the keyring's contents in memory: identity, merged
 * ABE user key, authority secret keys, peers, known authorities.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keyring_internal.h"

const char *ck_keyring_strerror(ck_keyring_err e)
{
    switch (e) {
    case CK_KEYRING_OK: return "success";
    case CK_KEYRING_ERR_PARAM: return "bad argument";
    case CK_KEYRING_ERR_PASSPHRASE: return "wrong passphrase or damaged keyring";
    case CK_KEYRING_ERR_FORMAT: return "not a carekey keyring, or an unsupported version";
    case CK_KEYRING_ERR_LENGTH: return "keyring truncated or with trailing bytes";
    case CK_KEYRING_ERR_KDF: return "unsupported or too costly scrypt parameters";
    case CK_KEYRING_ERR_CONTENT: return "malformed keyring contents";
    case CK_KEYRING_ERR_GID: return "key belongs to another GID";
    case CK_KEYRING_ERR_NOT_FOUND: return "no such entry";
    case CK_KEYRING_ERR_EXISTS: return "the keyring file already exists";
    case CK_KEYRING_ERR_IO: return "keyring file I/O error";
    case CK_KEYRING_ERR_TOO_LARGE: return "keyring or passphrase too large";
    case CK_KEYRING_ERR_DELIVERY: return "sealed key delivery does not verify or open";
    case CK_KEYRING_ERR_NO_TTY: return "cannot prompt for a passphrase: no terminal";
    case CK_KEYRING_ERR_NOMEM: return "out of memory";
    case CK_KEYRING_ERR_RANDOM: return "the system random generator failed";
    case CK_KEYRING_ERR_CRYPTO: return "libcrypto failure";
    case CK_KEYRING_ERR_WEAK: return "the new passphrase is too short (at least 12 characters)";
    case CK_KEYRING_ERR_MISMATCH: return "the two passphrases differ";
    }
    return "unknown keyring error";
}

int ck_kr_grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    size_t nc;
    void *p;
    if (n < *cap) return 0;
    if (n >= CK_KR_MAX_ENTRIES) return -1;
    nc = *cap ? 2 * *cap : 4;
    if (nc > CK_KR_MAX_ENTRIES) nc = CK_KR_MAX_ENTRIES;
    if (!(p = calloc(nc, elem))) return -1;
    if (*arr) {
        memcpy(p, *arr, n * elem);
        OPENSSL_cleanse(*arr, *cap * elem);
        free(*arr);
    }
    *arr = p;
    *cap = nc;
    return 0;
}

ck_keyring *ck_kr_alloc(void)
{
    return calloc(1, sizeof(ck_keyring));
}

ck_keyring_err ck_kr_new(ck_keyring **out, const ck_identity *id)
{
    ck_keyring *kr;
    if (!out || !id || !ck_id_gid_valid(id->gid)) return CK_KEYRING_ERR_PARAM;
    if (!(kr = ck_kr_alloc())) return CK_KEYRING_ERR_NOMEM;
    kr->id = *id;
    if (ck_abe_user_key_init(&kr->uk, id->gid) != CK_ABE_OK) {
        ck_keyring_free(kr);
        return CK_KEYRING_ERR_PARAM;
    }
    *out = kr;
    return CK_KEYRING_OK;
}

void ck_keyring_free(ck_keyring *kr)
{
    if (!kr) return;
    free(kr->path);
    ck_abe_user_key_free(&kr->uk);
    if (kr->asec) {
        OPENSSL_cleanse(kr->asec, kr->cap_asec * sizeof(*kr->asec));
        free(kr->asec);
    }
    free(kr->peer);
    for (size_t i = 0; i < kr->n_auth; i++) {
        ck_abe_pk_free_tables(&kr->auth[i]->pk);
        free(kr->auth[i]);
    }
    free(kr->auth);
    for (size_t i = 0; i < kr->n_extra; i++) {
        OPENSSL_cleanse(kr->extra[i].data, kr->extra[i].len);
        free(kr->extra[i].data);
    }
    free(kr->extra);
    OPENSSL_cleanse(kr, sizeof(*kr)); /* identity, file key */
    free(kr);
}

const ck_identity *ck_keyring_identity(const ck_keyring *kr)
{
    return kr ? &kr->id : NULL;
}

const char *ck_keyring_path(const ck_keyring *kr)
{
    return kr ? kr->path : NULL;
}

ck_abe_user_key *ck_keyring_user_key(ck_keyring *kr)
{
    return kr ? &kr->uk : NULL;
}

ck_keyring_err ck_keyring_add_user_key(ck_keyring *kr, const ck_abe_user_key *key)
{
    if (!kr || !key) return CK_KEYRING_ERR_PARAM;
    if (strcmp(key->gid, kr->id.gid) != 0) return CK_KEYRING_ERR_GID;
    switch (ck_abe_user_key_merge(&kr->uk, key)) {
    case CK_ABE_OK: return CK_KEYRING_OK;
    case CK_ABE_ERR_NOMEM: return CK_KEYRING_ERR_NOMEM;
    default: return CK_KEYRING_ERR_PARAM;
    }
}

/* Whatever goes into a keyring must come out again: the embedded encodings
 * are checked by their own decoders (names, ranges, group elements), so a
 * save never writes a file that does not open. */
static int sk_valid(const ck_abe_authority_sk *sk)
{
    uint8_t buf[512];
    ck_abe_authority_sk t;
    size_t n;
    int ok;
    if (memchr(sk->name, 0, sizeof sk->name) == NULL) return 0;
    n = ck_abe_authority_sk_encode(NULL, sk);
    if (n > sizeof buf) return 0;
    ck_abe_authority_sk_encode(buf, sk);
    ok = ck_abe_authority_sk_decode(&t, buf, n) == CK_ABE_OK;
    if (ok) ck_abe_authority_sk_wipe(&t);
    OPENSSL_cleanse(buf, sizeof buf);
    return ok;
}

static int pk_valid(const ck_abe_authority_pk *pk)
{
    uint8_t buf[1024];
    ck_abe_authority_pk t;
    size_t n;
    if (memchr(pk->name, 0, sizeof pk->name) == NULL) return 0;
    n = ck_abe_authority_pk_encode(NULL, pk);
    if (n > sizeof buf) return 0;
    ck_abe_authority_pk_encode(buf, pk);
    memset(&t, 0, sizeof t);
    return ck_abe_authority_pk_decode(&t, buf, n) == CK_ABE_OK;
}

/* ---- authorities the person runs --------------------------------------- */
const ck_keyring_authority_secret *ck_keyring_authority_sk_find(const ck_keyring *kr, const char *name)
{
    if (!kr || !name) return NULL;
    for (size_t i = 0; i < kr->n_asec; i++)
        if (strcmp(kr->asec[i].sk.name, name) == 0) return &kr->asec[i];
    return NULL;
}

size_t ck_keyring_authority_sk_count(const ck_keyring *kr)
{
    return kr ? kr->n_asec : 0;
}

const ck_keyring_authority_secret *ck_keyring_authority_sk_at(const ck_keyring *kr, size_t i)
{
    return kr && i < kr->n_asec ? &kr->asec[i] : NULL;
}

ck_keyring_err ck_keyring_add_authority_sk(ck_keyring *kr, const ck_abe_authority_sk *sk,
                                           const uint8_t signing_sk[CK_ID_KEY_BYTES])
{
    ck_keyring_authority_secret t, *slot;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    memset(&t, 0, sizeof t);
    if (!kr || !sk || !sk_valid(sk)) goto out;
    t.sk = *sk;
    if (signing_sk) {
        t.has_signing = 1;
        memcpy(t.signing_sk, signing_sk, CK_ID_KEY_BYTES);
        if (ck_id_ed25519_public(t.signing_pk, t.signing_sk) != CK_ID_OK) goto out;
    }
    slot = (ck_keyring_authority_secret *)ck_keyring_authority_sk_find(kr, sk->name);
    if (!slot) {
        rc = CK_KEYRING_ERR_TOO_LARGE;
        if (ck_kr_grow((void **)&kr->asec, &kr->cap_asec, kr->n_asec, sizeof(*kr->asec)) != 0) goto out;
        slot = &kr->asec[kr->n_asec++];
    }
    *slot = t;
    rc = CK_KEYRING_OK;
out:
    OPENSSL_cleanse(&t, sizeof t);
    return rc;
}

/* ---- peers ------------------------------------------------------------- */
const ck_keyring_peer *ck_keyring_peer_find(const ck_keyring *kr, const char *gid)
{
    if (!kr || !gid) return NULL;
    for (size_t i = 0; i < kr->n_peer; i++)
        if (strcmp(kr->peer[i].gid, gid) == 0) return &kr->peer[i];
    return NULL;
}

size_t ck_keyring_peer_count(const ck_keyring *kr)
{
    return kr ? kr->n_peer : 0;
}

const ck_keyring_peer *ck_keyring_peer_at(const ck_keyring *kr, size_t i)
{
    return kr && i < kr->n_peer ? &kr->peer[i] : NULL;
}

ck_keyring_err ck_keyring_set_peer(ck_keyring *kr, const char *gid, const uint8_t ed25519[CK_ID_KEY_BYTES],
                                   const uint8_t x25519[CK_ID_KEY_BYTES])
{
    ck_keyring_peer *p;
    if (!kr || !ck_id_gid_valid(gid) || !ed25519 || !x25519) return CK_KEYRING_ERR_PARAM;
    if (!(p = (ck_keyring_peer *)ck_keyring_peer_find(kr, gid))) {
        if (ck_kr_grow((void **)&kr->peer, &kr->cap_peer, kr->n_peer, sizeof(*kr->peer)) != 0)
            return CK_KEYRING_ERR_TOO_LARGE;
        p = &kr->peer[kr->n_peer++];
        strcpy(p->gid, gid);
    }
    memcpy(p->ed25519, ed25519, CK_ID_KEY_BYTES);
    memcpy(p->x25519, x25519, CK_ID_KEY_BYTES);
    return CK_KEYRING_OK;
}

/* ---- the operator ---------------------------------------------------- */
ck_keyring_err ck_keyring_set_operator(ck_keyring *kr, const uint8_t pk[CK_ID_KEY_BYTES])
{
    if (!kr || !pk) return CK_KEYRING_ERR_PARAM;
    if (kr->has_operator) return memcmp(kr->operator_pk, pk, CK_ID_KEY_BYTES) ? CK_KEYRING_ERR_EXISTS : CK_KEYRING_OK;
    memcpy(kr->operator_pk, pk, CK_ID_KEY_BYTES);
    kr->has_operator = 1;
    return CK_KEYRING_OK;
}

int ck_keyring_operator(const ck_keyring *kr, uint8_t pk[CK_ID_KEY_BYTES])
{
    if (!kr || !kr->has_operator) return -1;
    memcpy(pk, kr->operator_pk, CK_ID_KEY_BYTES);
    return 0;
}

/* ---- known authorities ------------------------------------------------- */
const ck_keyring_authority *ck_keyring_authority_find(const ck_keyring *kr, const char *name)
{
    if (!kr || !name) return NULL;
    for (size_t i = 0; i < kr->n_auth; i++)
        if (strcmp(kr->auth[i]->name, name) == 0) return kr->auth[i];
    return NULL;
}

size_t ck_keyring_authority_count(const ck_keyring *kr)
{
    return kr ? kr->n_auth : 0;
}

const ck_keyring_authority *ck_keyring_authority_at(const ck_keyring *kr, size_t i)
{
    return kr && i < kr->n_auth ? kr->auth[i] : NULL;
}

ck_keyring_err ck_keyring_set_authority(ck_keyring *kr, const ck_abe_authority_pk *pk,
                                        const uint8_t signing_key[CK_ID_KEY_BYTES])
{
    if (!kr || !pk || !signing_key || !pk_valid(pk)) return CK_KEYRING_ERR_PARAM;
    return ck_kr_put_authority(kr, pk, signing_key);
}

ck_keyring_err ck_kr_put_authority(ck_keyring *kr, const ck_abe_authority_pk *pk,
                                   const uint8_t signing_key[CK_ID_KEY_BYTES])
{
    ck_keyring_authority *a;
    if ((a = (ck_keyring_authority *)ck_keyring_authority_find(kr, pk->name)) != NULL) {
        ck_abe_pk_free_tables(&a->pk);
    } else {
        if (ck_kr_grow((void **)&kr->auth, &kr->cap_auth, kr->n_auth, sizeof(*kr->auth)) != 0 ||
            !(a = calloc(1, sizeof *a)))
            return CK_KEYRING_ERR_TOO_LARGE;
        kr->auth[kr->n_auth++] = a;
        strcpy(a->name, pk->name);
    }
    memcpy(a->signing_key, signing_key, CK_ID_KEY_BYTES);
    a->pk = *pk;
    a->pk.tables = NULL;
    return CK_KEYRING_OK;
}
