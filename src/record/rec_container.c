/*
 * src/record/rec_container.c - the record container that travels in an
 * entry's envelope field (docs/FORMAT.md, "Record containers"): kind,
 * entry id, the entry it supersedes and the batch it belongs to.
 *
 * and the associated data that binds a DATA envelope to its place.
 */
#include <string.h>
#include "carekey/record.h"

#define V1_HEADER (4 + 1 + 1 + CK_REC_ID_BYTES + 8 + 4)
#define BATCH_BYTES (CK_REC_ID_BYTES + 4 + 4)
#define V2_HEADER (V1_HEADER + BATCH_BYTES)
#define OFF_SUPERSEDES (6 + CK_REC_ID_BYTES)
#define OFF_BATCH (OFF_SUPERSEDES + 8)

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

int ck_rec_in_batch(const ck_rec_container *c)
{
    static const uint8_t zero[CK_REC_ID_BYTES];
    return memcmp(c->batch.id, zero, CK_REC_ID_BYTES) != 0;
}

/* v2: "CKRE" | 2 | kind | entry_id[16] | supersedes u64 | batch_id[16] |
 * batch_index u32 | batch_count u32 | body_len u32 | body */
size_t ck_rec_container_encode(uint8_t *out, const ck_rec_container *c)
{
    if (out) {
        memcpy(out, CK_REC_MAGIC, 4);
        out[4] = CK_REC_VERSION;
        out[5] = (uint8_t)c->kind;
        memcpy(out + 6, c->entry_id, CK_REC_ID_BYTES);
        put_be(out + OFF_SUPERSEDES, c->supersedes, 8);
        memcpy(out + OFF_BATCH, c->batch.id, CK_REC_ID_BYTES);
        put_be(out + OFF_BATCH + CK_REC_ID_BYTES, c->batch.index, 4);
        put_be(out + OFF_BATCH + CK_REC_ID_BYTES + 4, c->batch.count, 4);
        put_be(out + V2_HEADER - 4, c->body_len, 4);
        if (c->body_len) memcpy(out + V2_HEADER, c->body, c->body_len);
    }
    return V2_HEADER + c->body_len;
}

static int known_kind(unsigned k)
{
    return k >= CK_REC_KIND_DATA && k <= CK_REC_KIND_TOMBSTONE;
}

ck_rec_err ck_rec_container_decode(ck_rec_container *c, const uint8_t *in, size_t len)
{
    size_t body_len, header;
    if (!c || (!in && len)) return CK_REC_ERR_PARAM;
    if (len < V1_HEADER || memcmp(in, CK_REC_MAGIC, 4) != 0 || (in[4] != 1 && in[4] != 2)) return CK_REC_ERR_FORMAT;
    header = in[4] == 1 ? V1_HEADER : V2_HEADER;
    if (len < header || !known_kind(in[5]) || (in[4] == 1 && in[5] > CK_REC_KIND_GRANT)) return CK_REC_ERR_FORMAT;
    body_len = (size_t)get_be(in + header - 4, 4);
    if (body_len == 0 || body_len != len - header) return CK_REC_ERR_FORMAT;
    memset(c, 0, sizeof *c);
    c->kind = (ck_rec_kind)in[5];
    memcpy(c->entry_id, in + 6, CK_REC_ID_BYTES);
    c->supersedes = get_be(in + OFF_SUPERSEDES, 8);
    if (header == V2_HEADER) {
        memcpy(c->batch.id, in + OFF_BATCH, CK_REC_ID_BYTES);
        c->batch.index = (uint32_t)get_be(in + OFF_BATCH + CK_REC_ID_BYTES, 4);
        c->batch.count = (uint32_t)get_be(in + OFF_BATCH + CK_REC_ID_BYTES + 4, 4);
        /* a batch member has a place in it; anything else names no batch */
        if (ck_rec_in_batch(c) ? c->batch.count == 0 || c->batch.index >= c->batch.count
                               : c->batch.index != 0 || c->batch.count != 0)
            return CK_REC_ERR_FORMAT;
    }
    c->body = in + header;
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
