/*
 * cli_care_cache.c - what this person has already decrypted of a record,
 * kept in her home so that a hospital node does not pay one ABE decryption
 * per ledger entry on every command (a month's ledger holds thousands).
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
 * ciphertext holds. A damaged, foreign or unreadable cache is ignored and
 * rebuilt (never trusted, never fatal). CAREKEY_NO_CACHE=1 turns it off.
 */
#include "client/cli_care_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "carekey/identity.h"
#include "carekey/keyring.h"
#include "client/cli_record.h"

#define MAGIC "CKC1"
#define NONCE_BYTES 12
#define TAG_BYTES 16
#define CACHE_MAX (256u << 20)

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

static void cache_path(cli_ctx *c, const char *record, char *out)
{
    char name[CK_NET_ID_MAX + 16];
    snprintf(name, sizeof name, "cache/%s.ckc", record);
    cli_ctx_path(c, out, name);
}

/* Reads and opens the file; leaves cc->entries empty on any problem. */
static void cache_read(cli_care_cache *cc)
{
    uint8_t *buf = NULL, *pt = NULL;
    size_t len = 0, n;
    FILE *f = fopen(cc->path, "rb");
    json_t *doc = NULL, *entries;
    struct stat st;
    if (!f) return;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 4 + NONCE_BYTES + TAG_BYTES ||
        (uint64_t)st.st_size > CACHE_MAX || !(buf = malloc((size_t)st.st_size)))
        goto out;
    len = fread(buf, 1, (size_t)st.st_size, f);
    if (len != (size_t)st.st_size || memcmp(buf, MAGIC, 4) != 0) goto out;
    n = len - 4 - NONCE_BYTES - TAG_BYTES;
    if (!(pt = malloc(n + 1))) goto out;
    if (gcm(0, cc->key, buf + 4, cc->record, buf + 4 + NONCE_BYTES, n, pt) != 0) goto out;
    doc = json_loadb((const char *)pt, n, JSON_REJECT_DUPLICATES, NULL);
    entries = json_object_get(doc, "entries");
    if (json_is_object(entries) && json_is_string(json_object_get(doc, "record")) &&
        !strcmp(json_string_value(json_object_get(doc, "record")), cc->record))
        json_object_update(cc->entries, entries);
out:
    if (pt) {
        OPENSSL_cleanse(pt, n);
        free(pt);
    }
    free(buf);
    json_decref(doc);
    fclose(f);
}

void cli_care_cache_open(cli_care_cache *cc, cli_ctx *c, const char *record)
{
    const char *off = getenv("CAREKEY_NO_CACHE");
    memset(cc, 0, sizeof *cc);
    if ((off && *off && strcmp(off, "0") != 0) || !c->kr) return;
    snprintf(cc->record, sizeof cc->record, "%s", record);
    cache_path(c, record, cc->path);
    if (derive_key(cc->key, ck_keyring_identity(c->kr), record) != 0) return;
    if (!(cc->entries = json_object())) return;
    cc->enabled = 1;
    cache_read(cc);
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

json_t *cli_care_cache_get(cli_care_cache *cc, uint64_t seq, const uint8_t hash[32])
{
    char key[24], hx[65];
    json_t *e;
    if (!cc->enabled) return NULL;
    snprintf(key, sizeof key, "%llu", (unsigned long long)seq);
    hash_hex(hx, hash);
    e = json_object_get(cc->entries, key);
    if (!e || !json_is_string(json_object_get(e, "hash")) || strcmp(json_string_value(json_object_get(e, "hash")), hx))
        return NULL;
    return json_is_array(json_object_get(e, "items")) ? json_object_get(e, "items") : NULL;
}

void cli_care_cache_put(cli_care_cache *cc, uint64_t seq, const uint8_t hash[32], json_t *items)
{
    char key[24], hx[65];
    if (!cc->enabled) return;
    snprintf(key, sizeof key, "%llu", (unsigned long long)seq);
    hash_hex(hx, hash);
    if (json_object_set_new(cc->entries, key, json_pack("{s:s,s:O}", "hash", hx, "items", items)) == 0)
        cc->dirty = 1;
}

/* Drops cached entries the verified chain no longer holds (a cache from a
 * server that was since rolled back, or another server's record). */
static void cache_prune(cli_care_cache *cc, const ck_net_entry *e, size_t n)
{
    const char *key;
    json_t *val, *tmp;
    json_object_foreach_safe(cc->entries, tmp, key, val) {
        char *end;
        unsigned long long seq = strtoull(key, &end, 10);
        char hx[65];
        if (*end || seq == 0 || seq > n || e[seq - 1].seq != seq) {
            json_object_del(cc->entries, key);
            cc->dirty = 1;
            continue;
        }
        hash_hex(hx, e[seq - 1].hash);
        if (!json_is_string(json_object_get(val, "hash")) || strcmp(json_string_value(json_object_get(val, "hash")), hx)) {
            json_object_del(cc->entries, key);
            cc->dirty = 1;
        }
    }
}

void cli_care_cache_save(cli_care_cache *cc, cli_ctx *c, const ck_net_entry *e, size_t n)
{
    char dir[PATH_MAX], *text = NULL;
    uint8_t *out = NULL;
    size_t len, total;
    json_t *doc = NULL;
    if (!cc->enabled) return;
    cache_prune(cc, e, n);
    if (!cc->dirty) return;
    cli_ctx_path(c, dir, "cache");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return;
    if (!(doc = json_pack("{s:s,s:O}", "record", cc->record, "entries", cc->entries))) return;
    if (!(text = json_dumps(doc, JSON_COMPACT))) goto out;
    len = strlen(text);
    total = 4 + NONCE_BYTES + len + TAG_BYTES;
    if (!(out = malloc(total))) goto out;
    memcpy(out, MAGIC, 4);
    if (RAND_bytes(out + 4, NONCE_BYTES) != 1 ||
        gcm(1, cc->key, out + 4, cc->record, (const uint8_t *)text, len, out + 4 + NONCE_BYTES) != 0)
        goto out;
    /* a cache that cannot be written only costs time on the next run */
    (void)cli_write_file(c->cmd, cc->path, out, total, 0600, 0);
out:
    free(out);
    if (text) cli_rec_free_str(text);
    json_decref(doc);
}

void cli_care_cache_close(cli_care_cache *cc)
{
    OPENSSL_cleanse(cc->key, sizeof cc->key);
    json_decref(cc->entries);
    memset(cc, 0, sizeof *cc);
}
