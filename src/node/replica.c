/*
 * src/node/replica.c - the node's verified state of a record: the entries
 * of the chain this person verified, kept in her home so that a later load
 * fetches only what came after and checks signatures only there
 * (ck_rec_verify_in.trusted). docs/NODE.md, "Verified state".
 *
 * File HOME/state/RECORD.ckv, mode 0600, written atomically:
 *   "CKV1" | u32 count | entries... | HMAC-SHA256 tag (32)
 *   entry: u64 seq | prev_hash 32 | hash 32 | u64 time_ms | u64 received_at
 *          | str section | str resource_type | str author | signature 64
 *          | envelope_sha256 32 | u8 has_body | [u32 len | body]
 *   str: u8 len | bytes (no NUL)
 * All integers big-endian. tag = HMAC-SHA256(key, everything before it),
 * key = HKDF-SHA256(ikm = the identity's Ed25519 seed, salt = "carekey
 * verified state v1", info = RECORD): only this person's keyring can make
 * a file the node accepts, so an altered or foreign file is refused (and
 * rebuilt by a full load), never trusted. A chain is kept only when it
 * verified with no problem at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "node/node_impl.h"
#include "node/replica.h"

#define MAGIC "CKV1"
#define TAG_BYTES 32
#define STATE_MAX ((size_t)1 << 30)
#define BODY_MAX ((uint32_t)64 << 20)

static int state_key(uint8_t key[32], const ck_identity *id, const char *record)
{
    static const char salt[] = "carekey verified state v1";
    EVP_PKEY_CTX *k = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t len = 32;
    int ok = k && EVP_PKEY_derive_init(k) > 0 && EVP_PKEY_CTX_set_hkdf_md(k, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_salt(k, (const unsigned char *)salt, (int)sizeof salt - 1) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_key(k, id->ed25519_sk, sizeof id->ed25519_sk) > 0 &&
             EVP_PKEY_CTX_add1_hkdf_info(k, (const unsigned char *)record, (int)strlen(record)) > 0 &&
             EVP_PKEY_derive(k, key, &len) > 0 && len == 32;
    EVP_PKEY_CTX_free(k);
    return ok ? 0 : -1;
}

static int tag_of(uint8_t tag[TAG_BYTES], const uint8_t key[32], const uint8_t *buf, size_t len)
{
    unsigned int tl = 0;
    return HMAC(EVP_sha256(), key, 32, buf, len, tag, &tl) && tl == TAG_BYTES ? 0 : -1;
}

static void path_of(const ck_node *n, char out[PATH_MAX], const char *record)
{
    snprintf(out, PATH_MAX, "%s/state/%s.ckv", ck_node_home(n), record);
}

/* ---- encoding ------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int oom;
} wbuf;

static void put(wbuf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2 + 4096;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u(wbuf *b, uint64_t v, int bytes)
{
    uint8_t x[8];
    for (int i = 0; i < bytes; i++) x[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    put(b, x, (size_t)bytes);
}

static void put_str(wbuf *b, const char *s)
{
    size_t n = strlen(s);
    put_u(b, n, 1);
    put(b, s, n);
}

static void put_entry(wbuf *b, const ck_net_entry *e)
{
    put_u(b, e->seq, 8);
    put(b, e->prev_hash, 32);
    put(b, e->hash, 32);
    put_u(b, e->time_ms, 8);
    put_u(b, (uint64_t)e->received_at, 8);
    put_str(b, e->section);
    put_str(b, e->resource_type);
    put_str(b, e->author);
    put(b, e->signature, 64);
    put(b, e->envelope_sha256, 32);
    put_u(b, e->envelope ? 1 : 0, 1);
    if (e->envelope) {
        put_u(b, e->envelope_len, 4);
        put(b, e->envelope, e->envelope_len);
    }
}

/* ---- decoding ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t len, off;
} rbuf;

static int get(rbuf *r, void *dst, size_t n)
{
    if (r->len - r->off < n) return -1;
    memcpy(dst, r->p + r->off, n);
    r->off += n;
    return 0;
}

static int get_u(rbuf *r, uint64_t *v, int bytes)
{
    uint8_t x[8];
    if (get(r, x, (size_t)bytes) != 0) return -1;
    *v = 0;
    for (int i = 0; i < bytes; i++) *v = (*v << 8) | x[i];
    return 0;
}

static int get_str(rbuf *r, char *dst, size_t cap)
{
    uint64_t n;
    if (get_u(r, &n, 1) != 0 || n >= cap || get(r, dst, (size_t)n) != 0) return -1;
    dst[n] = 0;
    return memchr(dst, 0, (size_t)n) ? -1 : 0;
}

static int get_entry(rbuf *r, ck_net_entry *e)
{
    uint64_t has = 0, len = 0, recv = 0;
    memset(e, 0, sizeof *e);
    if (get_u(r, &e->seq, 8) || get(r, e->prev_hash, 32) || get(r, e->hash, 32) || get_u(r, &e->time_ms, 8) ||
        get_u(r, &recv, 8) || get_str(r, e->section, sizeof e->section) ||
        get_str(r, e->resource_type, sizeof e->resource_type) || get_str(r, e->author, sizeof e->author) ||
        get(r, e->signature, 64) || get(r, e->envelope_sha256, 32) || get_u(r, &has, 1) || has > 1)
        return -1;
    e->received_at = (int64_t)recv;
    if (!has) return 0;
    if (get_u(r, &len, 4) || len == 0 || len > BODY_MAX || r->len - r->off < len || !(e->envelope = malloc(len)))
        return -1;
    e->envelope_len = (size_t)len;
    return get(r, e->envelope, e->envelope_len);
}

static int decode(const uint8_t *buf, size_t len, const char *record, ck_net_entry **out, size_t *n_out)
{
    rbuf r = {buf, len, 4};
    uint64_t n = 0;
    ck_net_entry *v = NULL;
    size_t i = 0;
    if (len < 8 || memcmp(buf, MAGIC, 4) != 0 || get_u(&r, &n, 4) != 0 || n > len / 200 + 1) return -1;
    if (n && !(v = calloc((size_t)n, sizeof *v))) return -1;
    for (; i < n; i++) {
        if (get_entry(&r, &v[i]) != 0) break;
        snprintf(v[i].patient, sizeof v[i].patient, "%s", record);
        if (i && v[i].seq != v[i - 1].seq + 1) break;
    }
    if (i < n || r.off != len) {
        ck_net_entries_free(v, i < n ? i + 1 : i);
        return -1;
    }
    *out = v;
    *n_out = (size_t)n;
    return 0;
}

/* ---- the API ------------------------------------------------------------------------------- */

int ck_node_replica_load(ck_node *n, const char *record, ck_net_entry **v, size_t *count)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL, key[32], tag[TAG_BYTES];
    size_t len = 0;
    int ok = 0;
    *v = NULL;
    *count = 0;
    if (n->s->no_cache || ck_node_keyring(n) != 0) return 0;
    path_of(n, path, record);
    if (!ck_node_file_exists(path)) return 0;
    if (ck_node_read_file(n, path, STATE_MAX, &buf, &len) != 0) {
        ck_node_clear_error(n);
        return 0;
    }
    ok = len > TAG_BYTES && state_key(key, ck_keyring_identity(n->s->kr), record) == 0 &&
         tag_of(tag, key, buf, len - TAG_BYTES) == 0 && CRYPTO_memcmp(tag, buf + len - TAG_BYTES, TAG_BYTES) == 0 &&
         decode(buf, len - TAG_BYTES, record, v, count) == 0;
    OPENSSL_cleanse(key, sizeof key);
    free(buf);
    if (!ok) {
        /* altered, foreign or damaged: refused, and rebuilt by the full load */
        ck_node_notice(n, CK_NODE_WARNING, "the verified state of %s was altered or damaged: refused, verifying "
                                           "the whole record again", record);
        remove(path);
    }
    return ok ? 1 : 0;
}

int ck_node_replica_store(ck_node *n, const char *record, const ck_net_entry *v, size_t count)
{
    char path[PATH_MAX];
    uint8_t key[32], tag[TAG_BYTES];
    wbuf b = {NULL, 0, 0, 0};
    int rc = -1;
    if (n->s->no_cache) return 0;
    if (ck_node_keyring(n) != 0 || ck_node_make_dir(n, "state") != 0) return -1;
    put(&b, MAGIC, 4);
    put_u(&b, count, 4);
    for (size_t i = 0; i < count; i++) put_entry(&b, &v[i]);
    if (b.oom || state_key(key, ck_keyring_identity(n->s->kr), record) != 0 || tag_of(tag, key, b.p, b.len) != 0) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "cannot write the verified state of %s", record);
        goto out;
    }
    put(&b, tag, TAG_BYTES);
    if (b.oom) goto out;
    path_of(n, path, record);
    rc = ck_node_write_file(n, path, b.p, b.len, 0600, 0);
out:
    OPENSSL_cleanse(key, sizeof key);
    free(b.p);
    return rc;
}

void ck_node_replica_drop(ck_node *n, const char *record)
{
    char path[PATH_MAX];
    path_of(n, path, record);
    remove(path);
}

/* HOME/state/RECORD.suspect: the server showed this record with problems
 * while a verified copy existed. Removing it by hand only brings back loads
 * over a copy that did verify; it can never make the node trust more. */
static void suspect_path(const ck_node *n, char out[PATH_MAX], const char *record)
{
    snprintf(out, PATH_MAX, "%s/state/%s.suspect", ck_node_home(n), record);
}

int ck_node_replica_suspect(const ck_node *n, const char *record)
{
    char path[PATH_MAX];
    suspect_path(n, path, record);
    return ck_node_file_exists(path);
}

void ck_node_replica_mark(ck_node *n, const char *record, int suspect)
{
    char path[PATH_MAX];
    suspect_path(n, path, record);
    if (!suspect) {
        remove(path);
        return;
    }
    if (ck_node_file_exists(path)) return;
    if (ck_node_make_dir(n, "state") != 0 || ck_node_write_file(n, path, (const uint8_t *)"", 0, 0600, 0) != 0) ck_node_clear_error(n);
}
