/*
 * src/seal/keyring_codec.c - the plaintext body of a keyring file: a list
 * of tagged sections (u16 tag || u32 length || value), identity first.
 * Values (docs/FORMAT.md):
 *   identity      u8 n || gid[n] || Ed25519 seed (32) || X25519 key (32)
 *   user key      ck_abe_user_key encoding ("CKUK")
 *   authority sk  u8 flags (bit 0: seed present) || [seed (32)] ||
 *                 ck_abe_authority_sk encoding
 *   peer          u8 n || gid[n] || Ed25519 (32) || X25519 (32)
 *   authority pk  u8 n || name[n] || signing key (32) ||
 *                 ck_abe_authority_pk encoding
 *   operator      the operator's Ed25519 key (32), at most once
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "identity_internal.h"
#include "keyring_internal.h"

typedef struct writer {
    uint8_t *out; /* NULL: measure only */
    size_t n;
} writer;

static void put(writer *w, const void *p, size_t n)
{
    if (w->out && n) memcpy(w->out + w->n, p, n);
    w->n += n;
}

static void put_u8(writer *w, unsigned v)
{
    uint8_t b = (uint8_t)v;
    put(w, &b, 1);
}

static void put_str8(writer *w, const char *s)
{
    size_t n = strlen(s);
    put_u8(w, (unsigned)n);
    put(w, s, n);
}

/* Section header; the caller writes exactly len value bytes after it. */
static void put_section(writer *w, uint16_t tag, size_t len)
{
    uint8_t h[CK_KR_SECTION_HEADER];
    ck_idc_put_u16(h, tag);
    ck_idc_put_u32(h + 2, (uint32_t)len);
    put(w, h, sizeof h);
}

size_t ck_kr_body_encode(uint8_t *out, const ck_keyring *kr)
{
    writer w = {out, 0};
    size_t l;

    put_section(&w, CK_KR_TAG_IDENTITY, 1 + strlen(kr->id.gid) + 2 * CK_ID_KEY_BYTES);
    put_str8(&w, kr->id.gid);
    put(&w, kr->id.ed25519_sk, CK_ID_KEY_BYTES);
    put(&w, kr->id.x25519_sk, CK_ID_KEY_BYTES);

    l = ck_abe_user_key_encode(NULL, &kr->uk);
    put_section(&w, CK_KR_TAG_USER_KEY, l);
    if (out) ck_abe_user_key_encode(out + w.n, &kr->uk);
    w.n += l;

    for (size_t i = 0; i < kr->n_asec; i++) {
        const ck_keyring_authority_secret *a = &kr->asec[i];
        l = ck_abe_authority_sk_encode(NULL, &a->sk);
        put_section(&w, CK_KR_TAG_AUTHORITY_SK, 1 + (a->has_signing ? CK_ID_KEY_BYTES : 0) + l);
        put_u8(&w, a->has_signing ? 1 : 0);
        if (a->has_signing) put(&w, a->signing_sk, CK_ID_KEY_BYTES);
        if (out) ck_abe_authority_sk_encode(out + w.n, &a->sk);
        w.n += l;
    }
    for (size_t i = 0; i < kr->n_peer; i++) {
        const ck_keyring_peer *p = &kr->peer[i];
        put_section(&w, CK_KR_TAG_PEER, 1 + strlen(p->gid) + 2 * CK_ID_KEY_BYTES);
        put_str8(&w, p->gid);
        put(&w, p->ed25519, CK_ID_KEY_BYTES);
        put(&w, p->x25519, CK_ID_KEY_BYTES);
    }
    for (size_t i = 0; i < kr->n_auth; i++) {
        const ck_keyring_authority *a = kr->auth[i];
        l = ck_abe_authority_pk_encode(NULL, &a->pk);
        put_section(&w, CK_KR_TAG_AUTHORITY_PK, 1 + strlen(a->name) + CK_ID_KEY_BYTES + l);
        put_str8(&w, a->name);
        put(&w, a->signing_key, CK_ID_KEY_BYTES);
        if (out) ck_abe_authority_pk_encode(out + w.n, &a->pk);
        w.n += l;
    }
    if (kr->has_operator) {
        put_section(&w, CK_KR_TAG_OPERATOR, CK_ID_KEY_BYTES);
        put(&w, kr->operator_pk, CK_ID_KEY_BYTES);
    }
    for (size_t i = 0; i < kr->n_extra; i++) {
        put_section(&w, kr->extra[i].tag, kr->extra[i].len);
        put(&w, kr->extra[i].data, kr->extra[i].len);
    }
    return w.n;
}

/* u8 n || text[n] with 1 <= n <= max, no NUL; returns bytes used or 0. */
static size_t get_str8(char *out, size_t max, const uint8_t *in, size_t len)
{
    size_t n;
    if (len < 1) return 0;
    n = in[0];
    if (n == 0 || n > max || len - 1 < n || memchr(in + 1, 0, n)) return 0;
    memcpy(out, in + 1, n);
    out[n] = 0;
    return 1 + n;
}

static ck_keyring_err from_abe(ck_abe_err e)
{
    return e == CK_ABE_ERR_NOMEM ? CK_KEYRING_ERR_NOMEM : CK_KEYRING_ERR_CONTENT;
}

static ck_keyring_err dec_identity(ck_keyring *kr, const uint8_t *v, size_t len)
{
    char gid[CK_ID_GID_MAX + 1];
    size_t u = get_str8(gid, CK_ID_GID_MAX, v, len);
    ck_id_err e;
    if (!u || len - u != 2 * CK_ID_KEY_BYTES) return CK_KEYRING_ERR_CONTENT;
    e = ck_id_from_secret(&kr->id, gid, v + u, v + u + CK_ID_KEY_BYTES);
    if (e == CK_ID_ERR_CRYPTO) return CK_KEYRING_ERR_CRYPTO;
    if (e != CK_ID_OK) return CK_KEYRING_ERR_CONTENT;
    if (ck_abe_user_key_init(&kr->uk, gid) != CK_ABE_OK) return CK_KEYRING_ERR_CONTENT;
    return CK_KEYRING_OK;
}

static ck_keyring_err dec_user_key(ck_keyring *kr, const uint8_t *v, size_t len)
{
    ck_abe_user_key k;
    ck_abe_err e = ck_abe_user_key_decode(&k, v, len);
    if (e != CK_ABE_OK) return from_abe(e);
    if (strcmp(k.gid, kr->id.gid) != 0) {
        ck_abe_user_key_free(&k);
        return CK_KEYRING_ERR_CONTENT;
    }
    ck_abe_user_key_free(&kr->uk); /* the empty key made with the identity */
    kr->uk = k;
    return CK_KEYRING_OK;
}

static ck_keyring_err dec_authority_sk(ck_keyring *kr, const uint8_t *v, size_t len)
{
    ck_abe_authority_sk sk;
    uint8_t seed[CK_ID_KEY_BYTES];
    size_t off;
    ck_keyring_err rc = CK_KEYRING_ERR_CONTENT;
    ck_abe_err e;
    memset(&sk, 0, sizeof sk);
    if (len < 1 || v[0] > 1) return rc;
    off = 1 + (v[0] ? CK_ID_KEY_BYTES : 0);
    if (len < off) return rc;
    if (v[0]) memcpy(seed, v + 1, CK_ID_KEY_BYTES);
    if ((e = ck_abe_authority_sk_decode(&sk, v + off, len - off)) != CK_ABE_OK) {
        rc = from_abe(e);
        goto out;
    }
    if (ck_keyring_authority_sk_find(kr, sk.name)) goto out; /* duplicate */
    rc = ck_keyring_add_authority_sk(kr, &sk, v[0] ? seed : NULL);
    if (rc == CK_KEYRING_ERR_PARAM) rc = CK_KEYRING_ERR_CONTENT;
out:
    ck_abe_authority_sk_wipe(&sk);
    OPENSSL_cleanse(seed, sizeof seed);
    return rc;
}

static ck_keyring_err dec_peer(ck_keyring *kr, const uint8_t *v, size_t len)
{
    char gid[CK_ID_GID_MAX + 1];
    size_t u = get_str8(gid, CK_ID_GID_MAX, v, len);
    ck_keyring_err rc;
    if (!u || len - u != 2 * CK_ID_KEY_BYTES || ck_keyring_peer_find(kr, gid)) return CK_KEYRING_ERR_CONTENT;
    rc = ck_keyring_set_peer(kr, gid, v + u, v + u + CK_ID_KEY_BYTES);
    return rc == CK_KEYRING_ERR_PARAM ? CK_KEYRING_ERR_CONTENT : rc;
}

static ck_keyring_err dec_authority_pk(ck_keyring *kr, const uint8_t *v, size_t len)
{
    char name[CK_ABE_NAME_MAX + 1];
    size_t u = get_str8(name, CK_ABE_NAME_MAX, v, len);
    ck_abe_authority_pk pk;
    ck_abe_err e;
    ck_keyring_err rc;
    if (!u || len - u < CK_ID_KEY_BYTES || ck_keyring_authority_find(kr, name)) return CK_KEYRING_ERR_CONTENT;
    memset(&pk, 0, sizeof pk);
    if ((e = ck_abe_authority_pk_decode(&pk, v + u + CK_ID_KEY_BYTES, len - u - CK_ID_KEY_BYTES)) != CK_ABE_OK)
        return from_abe(e);
    if (strcmp(pk.name, name) != 0) return CK_KEYRING_ERR_CONTENT;
    rc = ck_kr_put_authority(kr, &pk, v + u);
    return rc == CK_KEYRING_ERR_PARAM ? CK_KEYRING_ERR_CONTENT : rc;
}

static ck_keyring_err keep_extra(ck_keyring *kr, uint16_t tag, const uint8_t *v, size_t len)
{
    ck_kr_extra *x;
    if (ck_kr_grow((void **)&kr->extra, &kr->cap_extra, kr->n_extra, sizeof(*kr->extra)) != 0)
        return CK_KEYRING_ERR_TOO_LARGE;
    x = &kr->extra[kr->n_extra];
    if (!(x->data = malloc(len ? len : 1))) return CK_KEYRING_ERR_NOMEM;
    if (len) memcpy(x->data, v, len);
    x->len = len;
    x->tag = tag;
    kr->n_extra++;
    return CK_KEYRING_OK;
}

ck_keyring_err ck_kr_body_decode(ck_keyring *kr, const uint8_t *in, size_t len)
{
    size_t off = 0, sections = 0;
    int seen_uk = 0;
    ck_keyring_err rc = CK_KEYRING_OK;
    if (!kr || (!in && len)) return CK_KEYRING_ERR_PARAM;
    while (off < len && rc == CK_KEYRING_OK) {
        uint16_t tag;
        size_t l;
        const uint8_t *v;
        if (len - off < CK_KR_SECTION_HEADER) return CK_KEYRING_ERR_CONTENT;
        tag = ck_idc_get_u16(in + off);
        l = ck_idc_get_u32(in + off + 2);
        off += CK_KR_SECTION_HEADER;
        if (len - off < l) return CK_KEYRING_ERR_CONTENT;
        v = in + off;
        off += l;
        if ((sections++ == 0) != (tag == CK_KR_TAG_IDENTITY)) return CK_KEYRING_ERR_CONTENT;
        switch (tag) {
        case CK_KR_TAG_IDENTITY: rc = dec_identity(kr, v, l); break;
        case CK_KR_TAG_USER_KEY:
            if (seen_uk++) return CK_KEYRING_ERR_CONTENT;
            rc = dec_user_key(kr, v, l);
            break;
        case CK_KR_TAG_AUTHORITY_SK: rc = dec_authority_sk(kr, v, l); break;
        case CK_KR_TAG_PEER: rc = dec_peer(kr, v, l); break;
        case CK_KR_TAG_AUTHORITY_PK: rc = dec_authority_pk(kr, v, l); break;
        case CK_KR_TAG_OPERATOR:
            if (kr->has_operator || l != CK_ID_KEY_BYTES) return CK_KEYRING_ERR_CONTENT;
            memcpy(kr->operator_pk, v, CK_ID_KEY_BYTES);
            kr->has_operator = 1;
            break;
        default:
            if (!(tag & CK_KR_OPTIONAL)) return CK_KEYRING_ERR_CONTENT; /* critical, unknown */
            rc = keep_extra(kr, tag, v, l);
        }
    }
    if (rc == CK_KEYRING_OK && sections == 0) rc = CK_KEYRING_ERR_CONTENT;
    return rc;
}
