/*
 * src/record/rec_container.c - the record container that travels in an
 * entry's envelope field (docs/FORMAT.md):
 *
 *   "CKRE" | version u8 | kind u8 | entry_id[16] | supersedes u64 | body_len u32 | body
 *
 * and the associated data that binds a DATA envelope to its place.
 */
#include <string.h>
#include "carekey/record.h"

#define HEADER_BYTES (4 + 1 + 1 + CK_REC_ID_BYTES + 8 + 4)

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v = v << 8 | p[i];
    return v;
}

size_t ck_rec_container_encode(uint8_t *out, const ck_rec_container *c)
{
    if (out) {
        memcpy(out, CK_REC_MAGIC, 4);
        out[4] = CK_REC_VERSION;
        out[5] = (uint8_t)c->kind;
        memcpy(out + 6, c->entry_id, CK_REC_ID_BYTES);
        put_be(out + 6 + CK_REC_ID_BYTES, c->supersedes, 8);
        put_be(out + 14 + CK_REC_ID_BYTES, c->body_len, 4);
        if (c->body_len) memcpy(out + HEADER_BYTES, c->body, c->body_len);
    }
    return HEADER_BYTES + c->body_len;
}

ck_rec_err ck_rec_container_decode(ck_rec_container *c, const uint8_t *in, size_t len)
{
    size_t body_len;
    if (!c || (!in && len)) return CK_REC_ERR_PARAM;
    if (len < HEADER_BYTES || memcmp(in, CK_REC_MAGIC, 4) != 0 || in[4] != CK_REC_VERSION)
        return CK_REC_ERR_FORMAT;
    if (in[5] != CK_REC_KIND_DATA && in[5] != CK_REC_KIND_GRANT) return CK_REC_ERR_FORMAT;
    body_len = (size_t)get_be(in + 14 + CK_REC_ID_BYTES, 4);
    if (body_len == 0 || body_len != len - HEADER_BYTES) return CK_REC_ERR_FORMAT;
    c->kind = (ck_rec_kind)in[5];
    memcpy(c->entry_id, in + 6, CK_REC_ID_BYTES);
    c->supersedes = get_be(in + 6 + CK_REC_ID_BYTES, 8);
    c->body = in + HEADER_BYTES;
    c->body_len = body_len;
    return CK_REC_OK;
}

/* "carekey/v1 record" NUL patient NUL section NUL resource_type NUL entry_id:
 * NUL separators cannot occur inside identifiers, so the fields are unambiguous. */
size_t ck_rec_ad(uint8_t out[CK_REC_AD_MAX], const char *patient, const char *section,
                 const char *resource_type, const uint8_t entry_id[CK_REC_ID_BYTES])
{
    static const char label[] = "carekey/v1 record";
    const char *parts[4] = {label, patient, section, resource_type};
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        size_t l = strnlen(parts[i], 128);
        memcpy(out + n, parts[i], l);
        n += l;
        out[n++] = 0;
    }
    memcpy(out + n, entry_id, CK_REC_ID_BYTES);
    return n + CK_REC_ID_BYTES;
}

const char *ck_rec_strerror(ck_rec_err e)
{
    switch (e) {
    case CK_REC_OK: return "ok";
    case CK_REC_ERR_PARAM: return "invalid argument";
    case CK_REC_ERR_FORMAT: return "malformed record container";
    case CK_REC_ERR_NOMEM: return "out of memory";
    case CK_REC_ERR_SEAL: return "sealing failed";
    case CK_REC_ERR_ACCESS: return "the key does not satisfy this entry's policy";
    case CK_REC_ERR_AUTH: return "the entry does not authenticate (tampered or moved)";
    case CK_REC_ERR_KIND: return "wrong kind of record entry";
    }
    return "unknown error";
}
