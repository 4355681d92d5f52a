/*
 * src/node/care/cache.c - what this person has already decrypted of a
 * record, so that a hospital node does not pay one ABE decryption per
 * ledger entry on every operation (a month's ledger holds thousands). Kept
 * in the session's memo (memo.c) and in her home for the next process.
 *
 * File HOME/cache/RECORD.ckc, mode 0600:
 *   "CKC1" || nonce (12) || AES-256-GCM(items JSON) || tag (16)
 * key = HKDF-SHA256(ikm = the identity's Ed25519 seed, salt = "carekey
 * cache v1", info = RECORD), associated data = "CKC1" || RECORD. The JSON is
 * {"record": R, "entries": {"SEQ": {"hash": HEX, "items": [...]}}}.
 *
 * An entry is taken from the cache only when its hash equals the hash of
 * the entry at that sequence number in the chain that has just verified;
 * the hash covers the envelope, so the cached plaintext is the one the
 * ciphertext holds. A damaged, foreign or unreadable file is ignored and
 * rebuilt (never trusted, never fatal). The session's no_cache turns it off.
 *
 * The file is rewritten when CACHE_LAG entries are new, or when forced
 * (ck_node_care_flush): a long-lived node does not rewrite a month's cache
 * after every admission.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "carekey/identity.h"
#include "carekey/keyring.h"
#include "node/care/care_impl.h"

#define MAGIC "CKC1"
#define NONCE_BYTES 12
#define TAG_BYTES 16
#define CACHE_MAX (256u << 20)
#define CACHE_LAG 64

static int derive_key(uint8_t key[32], const ck_identity *id, const char *record)
{
    static const char salt[] = "carekey cache v1";
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

/* AES-256-GCM over in (enc: seal, else open; the tag follows the text). */
static int gcm(int enc, const uint8_t key[32], const uint8_t nonce[NONCE_BYTES], const char *record,
               const uint8_t *in, size_t len, uint8_t *out)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n = 0, ok;
    uint8_t *tag = enc ? out + len : (uint8_t *)in + len;
    ok = x && EVP_CipherInit_ex(x, EVP_aes_256_gcm(), NULL, key, nonce, enc) == 1 &&
         EVP_CipherUpdate(x, NULL, &n, (const uint8_t *)MAGIC, 4) == 1 &&
         EVP_CipherUpdate(x, NULL, &n, (const uint8_t *)record, (int)strlen(record)) == 1 &&
         (len == 0 || EVP_CipherUpdate(x, out, &n, in, (int)len) == 1) &&
         (enc || EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1) &&
         EVP_CipherFinal_ex(x, out + len, &n) == 1 &&
         (!enc || EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag) == 1);
    EVP_CIPHER_CTX_free(x);
    return ok ? 0 : -1;
}

static void cache_path(ck_node *c, const char *record, char *out)
{
    char name[CK_NET_ID_MAX + 16];
    snprintf(name, sizeof name, "cache/%s.ckc", record);
    ck_node_path(c, out, name);
}

/* Reads and opens the file into m->items; leaves it as is on any problem. */
static void cache_read(ck_node *c, ck_node_memo *m)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL, *pt = NULL;
    size_t len = 0, n = 0;
    FILE *f;
    json_t *doc = NULL, *entries;
    struct stat st;
    cache_path(c, m->record, path);
    if (!(f = fopen(path, "rb"))) return;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 4 + NONCE_BYTES + TAG_BYTES ||
        (uint64_t)st.st_size > CACHE_MAX || !(buf = malloc((size_t)st.st_size)))
        goto out;
    len = fread(buf, 1, (size_t)st.st_size, f);
    if (len != (size_t)st.st_size || memcmp(buf, MAGIC, 4) != 0) goto out;
    n = len - 4 - NONCE_BYTES - TAG_BYTES;
    if (!(pt = malloc(n + 1))) goto out;
    if (gcm(0, m->items_key, buf + 4, m->record, buf + 4 + NONCE_BYTES, n, pt) != 0) goto out;
    doc = json_loadb((const char *)pt, n, JSON_REJECT_DUPLICATES, NULL);
    entries = json_object_get(doc, "entries");
    if (json_is_object(entries) && json_is_string(json_object_get(doc, "record")) &&
        !strcmp(json_string_value(json_object_get(doc, "record")), m->record))
        json_object_update(m->items, entries);
out:
    if (pt) {
        OPENSSL_cleanse(pt, n);
        free(pt);
    }
    free(buf);
    json_decref(doc);
    fclose(f);
}

/* The memo of record with its cache ready, locked; NULL (unlocked) when
 * the cache is off or cannot be had. */
static ck_node_memo *cache_of(ck_node *c, const char *record)
{
    ck_node_memo *m;
    if (c->s->no_cache || !c->s->kr) return NULL;
    if (!(m = ck_node_memo_get(c, record))) return NULL;
    if (!m->items_loaded) {
        m->items_loaded = 1;
        if (derive_key(m->items_key, ck_keyring_identity(c->s->kr), record) != 0 || !(m->items = json_object())) {
            OPENSSL_cleanse(m->items_key, sizeof m->items_key);
            ck_node_memo_unlock(c);
            return NULL;
        }
        cache_read(c, m); /* once per session, under the memo lock: a file read, no network */
    }
    if (!m->items) {
        ck_node_memo_unlock(c);
        return NULL;
    }
    return m;
}

static void hash_hex(char out[65], const uint8_t hash[32])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[hash[i] >> 4];
        out[2 * i + 1] = hex[hash[i] & 15];
    }
    out[64] = 0;
}

json_t *ck_node_care_cache_get(ck_node *c, const char *record, uint64_t seq, const uint8_t hash[32])
{
    char key[24], hx[65];
    json_t *e, *items = NULL;
    ck_node_memo *m = cache_of(c, record);
    if (!m) return NULL;
    snprintf(key, sizeof key, "%llu", (unsigned long long)seq);
    hash_hex(hx, hash);
    e = json_object_get(m->items, key);
    /* shared, not copied: a cached item is never changed (book.c) */
    if (e && json_is_string(json_object_get(e, "hash")) && !strcmp(json_string_value(json_object_get(e, "hash")), hx) &&
        json_is_array(json_object_get(e, "items")))
        items = json_incref(json_object_get(e, "items"));
    ck_node_memo_unlock(c);
    return items;
}

void ck_node_care_cache_put(ck_node *c, const char *record, uint64_t seq, const uint8_t hash[32], json_t *items)
{
    char key[24], hx[65];
    ck_node_memo *m = cache_of(c, record);
    if (!m) return;
    snprintf(key, sizeof key, "%llu", (unsigned long long)seq);
    hash_hex(hx, hash);
    if (json_object_set_new(m->items, key, json_pack("{s:s,s:O}", "hash", hx, "items", items)) == 0) m->items_dirty++;
    ck_node_memo_unlock(c);
}

/* Drops cached entries the verified chain no longer holds (a cache from a
 * server that was since rolled back, or another server's record). */
static void cache_prune(ck_node_memo *m, const ck_net_entry *e, size_t n)
{
    const char *key;
    json_t *val, *tmp;
    json_object_foreach_safe(m->items, tmp, key, val) {
        char *end, hx[65];
        unsigned long long seq = strtoull(key, &end, 10);
        if (*end || seq == 0 || seq > n || e[seq - 1].seq != seq) {
            json_object_del(m->items, key);
            m->items_dirty++;
            continue;
        }
        hash_hex(hx, e[seq - 1].hash);
        if (!json_is_string(json_object_get(val, "hash")) || strcmp(json_string_value(json_object_get(val, "hash")), hx)) {
            json_object_del(m->items, key);
            m->items_dirty++;
        }
    }
}

/* The sealed file of m's items (under the lock); *out malloc'ed. */
static int cache_seal(ck_node_memo *m, uint8_t **out, size_t *total)
{
    char *text = NULL;
    size_t len;
    json_t *doc = json_pack("{s:s,s:O}", "record", m->record, "entries", m->items);
    int rc = -1;
    *out = NULL;
    if (!doc || !(text = json_dumps(doc, JSON_COMPACT))) goto out;
    len = strlen(text);
    *total = 4 + NONCE_BYTES + len + TAG_BYTES;
    if (!(*out = malloc(*total))) goto out;
    memcpy(*out, MAGIC, 4);
    if (RAND_bytes(*out + 4, NONCE_BYTES) != 1 ||
        gcm(1, m->items_key, *out + 4, m->record, (const uint8_t *)text, len, *out + 4 + NONCE_BYTES) != 0) {
        free(*out);
        *out = NULL;
        goto out;
    }
    rc = 0;
out:
    if (text) ck_node_free_str(text);
    json_decref(doc);
    return rc;
}

void ck_node_care_cache_save(ck_node *c, const char *record, int force)
{
    char path[PATH_MAX];
    uint8_t *out = NULL;
    size_t total = 0;
    ck_node_memo *m = cache_of(c, record);
    if (!m) return;
    if (m->items_dirty && (force || m->items_dirty >= CACHE_LAG)) {
        if (m->n) cache_prune(m, m->e, m->n); /* the chain this session verified last */
        if (cache_seal(m, &out, &total) == 0) m->items_dirty = 0;
    }
    ck_node_memo_unlock(c);
    if (!out) return;
    cache_path(c, record, path);
    /* a cache that cannot be written only costs time on the next run */
    if (ck_node_make_dir(c, "cache") != 0 || ck_node_write_file(c, path, out, total, 0600, 0) != 0)
        ck_node_clear_error(c);
    free(out);
}
