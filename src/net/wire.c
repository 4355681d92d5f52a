/*
 * wire.c - canonical encodings signed and hashed by carekey clients and the
 * server (docs/API.md, "Signatures and hashes"), and the codecs they use.
 *
 * Binary encodings are length-prefixed (u32 big-endian length, then bytes)
 * so that no two different field tuples give the same byte string.
 */
#include "carekey/wire.h"
#include "carekey/identity.h"
#include "wbuf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- hex / base64 ----------------------------------------------------- */

void ck_net_hex(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int ck_net_lower_hex(const char *s, size_t n)
{
    size_t i;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return i == n;
}

int ck_net_unhex(uint8_t *out, size_t n, const char *hex)
{
    if (hex == NULL || strlen(hex) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t ck_net_b64_len(size_t n) { return 4 * ((n + 2) / 3) + 1; }

void ck_net_b64(char *out, const uint8_t *in, size_t n)
{
    size_t i = 0, o = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64chars[v >> 18];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = b64chars[(v >> 6) & 63];
        out[o++] = b64chars[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64chars[v >> 18];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64chars[v >> 18];
        out[o++] = b64chars[(v >> 12) & 63];
        out[o++] = b64chars[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = 0;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int ck_net_unb64(uint8_t **out, size_t *out_len, const char *in, size_t n)
{
    uint8_t *buf = NULL;
    size_t pad = 0, o = 0;
    int rc = -1;

    *out = NULL;
    *out_len = 0;
    if (n == 0 || n % 4) goto out;
    if (in[n - 1] == '=') pad++;
    if (pad && in[n - 2] == '=') pad++;
    buf = malloc(n / 4 * 3 + 1);
    if (buf == NULL) goto out;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        size_t last = (i + 4 == n);
        for (int k = 0; k < 4; k++) {
            if (last && k >= 4 - (int)pad) {
                v[k] = 0;
            } else if ((v[k] = b64val((unsigned char)in[i + k])) < 0) {
                goto out;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        buf[o++] = (uint8_t)(w >> 16);
        if (!(last && pad == 2)) buf[o++] = (uint8_t)(w >> 8);
        if (!(last && pad >= 1)) buf[o++] = (uint8_t)w;
        /* Canonical: the bits dropped by padding must be zero. */
        if (last && pad == 2 && (w & 0xffff)) goto out;
        if (last && pad == 1 && (w & 0xff)) goto out;
    }
    *out = buf;
    *out_len = o;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    return rc;
}

/* ---- Ed25519 ---------------------------------------------------------- */

int ck_net_random(uint8_t *out, size_t n)
{
    return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

int ck_net_nonce(char out[CK_NET_NONCE_HEX + 1], uint64_t seq)
{
    uint8_t b[CK_NET_NONCE_HEX / 2];
    if (ck_net_random(b, sizeof b) != 0) return -1;
    for (int i = 0; seq && i < 8; i++) b[i] = (uint8_t)(seq >> (56 - 8 * i));
    ck_net_hex(out, b, sizeof b);
    return 0;
}

void ck_net_sha256(uint8_t out[32], const uint8_t *in, size_t n)
{
    unsigned int len = 32;
    if (EVP_Digest(in, n, out, &len, EVP_sha256(), NULL) != 1) memset(out, 0, 32);
}

int ck_net_ed25519_public(uint8_t pk[32], const uint8_t sk[32])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
    size_t len = 32;
    int rc = -1;
    if (k == NULL) goto out;
    if (EVP_PKEY_get_raw_public_key(k, pk, &len) != 1 || len != 32) goto out;
    rc = 0;
out:
    EVP_PKEY_free(k);
    return rc;
}

int ck_net_ed25519_keygen(uint8_t pk[32], uint8_t sk[32])
{
    if (ck_net_random(sk, 32) != 0) return -1;
    if (ck_net_ed25519_public(pk, sk) != 0) {
        OPENSSL_cleanse(sk, 32);
        return -1;
    }
    return 0;
}

int ck_net_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
                        const uint8_t sk[32])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t siglen = 64;
    int rc = -1;
    if (k == NULL || ctx == NULL) goto out;
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1) goto out;
    if (EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 || siglen != 64) goto out;
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k); /* OpenSSL wipes the key material it held */
    return rc;
}

ck_net_signer *ck_net_signer_new(const uint8_t sk[32])
{
    return (ck_net_signer *)EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk, 32);
}

void ck_net_signer_free(ck_net_signer *k) { EVP_PKEY_free((EVP_PKEY *)k); }

int ck_net_signer_sign(ck_net_signer *k, uint8_t sig[64], const uint8_t *msg, size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t siglen = 64;
    int rc = -1;
    if (k == NULL || ctx == NULL) goto out;
    if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, (EVP_PKEY *)k) != 1) goto out;
    if (EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 || siglen != 64) goto out;
    rc = 0;
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* One Ed25519 verification for the whole code base (libsodium, through
 * the identity layer). */
int ck_net_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                          const uint8_t pk[32])
{
    return ck_id_verify(sig, msg, len, pk) == CK_ID_OK ? 0 : -1;
}

/* ---- canonical binary encoding (wbuf.h) ------------------------------ */

/* SHA-256 of the envelope, or the digest kept for a dropped body. */
static int envelope_digest(uint8_t out[32], const ck_net_entry_fields *e)
{
    if (e->envelope || e->envelope_len) {
        if (!e->envelope) return -1;
        ck_net_sha256(out, e->envelope, e->envelope_len);
        return 0;
    }
    if (e->envelope_sha256) {
        memcpy(out, e->envelope_sha256, 32);
        return 0;
    }
    ck_net_sha256(out, (const uint8_t *)"", 0);
    return 0;
}

int ck_net_entry_tbs(uint8_t *out, size_t cap, size_t *len, const ck_net_entry_fields *e)
{
    ck_wbuf b = {out, cap, 0, 0};
    uint8_t envh[32];

    if (!e->patient || !e->section || !e->resource_type || !e->author) return -1;
    if (strlen(e->patient) > CK_NET_ID_MAX || strlen(e->author) > CK_NET_ID_MAX ||
        strlen(e->section) > 64 || strlen(e->resource_type) > 64)
        return -1;
    if (envelope_digest(envh, e) != 0) return -1;
    ck_wbuf_str(&b, "carekey-entry-sig-v1");
    ck_wbuf_str(&b, e->patient);
    ck_wbuf_put(&b, e->prev_hash, 32);
    ck_wbuf_str(&b, e->section);
    ck_wbuf_str(&b, e->resource_type);
    ck_wbuf_str(&b, e->author);
    ck_wbuf_u64(&b, e->time_ms);
    ck_wbuf_put(&b, envh, 32);
    if (b.overflow) return -1;
    *len = b.len;
    return 0;
}

int ck_net_entry_sign(uint8_t sig[64], const ck_net_entry_fields *e, const uint8_t sk[32])
{
    uint8_t tbs[CK_NET_ENTRY_TBS_MAX];
    size_t len;
    if (ck_net_entry_tbs(tbs, sizeof tbs, &len, e) != 0) return -1;
    return ck_net_ed25519_sign(sig, tbs, len, sk);
}

int ck_net_entry_verify(const ck_net_entry_fields *e, const uint8_t pk[32])
{
    uint8_t tbs[CK_NET_ENTRY_TBS_MAX];
    size_t len;
    if (ck_net_entry_tbs(tbs, sizeof tbs, &len, e) != 0) return -1;
    return ck_net_ed25519_verify(e->signature, tbs, len, pk);
}

int ck_net_entry_hash(uint8_t out[32], const ck_net_entry_fields *e)
{
    uint8_t buf[CK_NET_ENTRY_TBS_MAX + 64], envh[32];
    ck_wbuf b = {buf, sizeof buf, 0, 0};

    if (!e->patient || !e->section || !e->resource_type || !e->author) return -1;
    if (strlen(e->patient) > CK_NET_ID_MAX || strlen(e->author) > CK_NET_ID_MAX ||
        strlen(e->section) > 64 || strlen(e->resource_type) > 64 || envelope_digest(envh, e) != 0)
        return -1;
    ck_wbuf_str(&b, "carekey-entry-v2");
    ck_wbuf_str(&b, e->patient);
    ck_wbuf_u64(&b, e->seq);
    ck_wbuf_put(&b, e->prev_hash, 32);
    ck_wbuf_str(&b, e->section);
    ck_wbuf_str(&b, e->resource_type);
    ck_wbuf_str(&b, e->author);
    ck_wbuf_u64(&b, e->time_ms);
    ck_wbuf_put(&b, envh, 32);
    ck_wbuf_put(&b, e->signature, 64);
    if (b.overflow) return -1;
    ck_net_sha256(out, buf, b.len);
    return 0;
}

int ck_net_head_tbs(uint8_t *out, size_t cap, size_t *len, const char *patient,
                    uint64_t seq, const uint8_t hash[32], uint64_t time_ms)
{
    ck_wbuf b = {out, cap, 0, 0};
    if (patient == NULL || strlen(patient) > CK_NET_ID_MAX) return -1;
    ck_wbuf_str(&b, "carekey-head-v1");
    ck_wbuf_str(&b, patient);
    ck_wbuf_u64(&b, seq);
    ck_wbuf_put(&b, hash, 32);
    ck_wbuf_u64(&b, time_ms);
    if (b.overflow) return -1;
    *len = b.len;
    return 0;
}

/* ---- request string --------------------------------------------------- */

char *ck_net_req_string(const char *origin, const char *method, const char *path_query,
                        const char *caller, int64_t timestamp, const char *nonce,
                        const char *purpose, const uint8_t *body, size_t body_len)
{
    uint8_t h[32];
    char hx[65], *s;
    size_t n;

    if (!origin || !method || !path_query || !caller || !nonce) return NULL;
    ck_net_sha256(h, body_len ? body : (const uint8_t *)"", body_len);
    ck_net_hex(hx, h, 32);
    n = strlen(origin) + strlen(method) + strlen(path_query) + strlen(caller) + strlen(nonce) +
        (purpose ? strlen(purpose) : 0) + 64 + 64;
    if ((s = malloc(n)) == NULL) return NULL;
    snprintf(s, n, "carekey-req-v2\n%s\n%s\n%s\n%s\n%lld\n%s\n%s\n%s\n", origin, method, path_query,
             caller, (long long)timestamp, nonce, purpose ? purpose : "", hx);
    return s;
}

/* scheme://host[:port] of url, lower case, the port always explicit. */
int ck_net_origin(const char *url, char *out, size_t cap)
{
    const char *p, *host, *end, *colon = NULL;
    unsigned long port;
    int https;
    size_t hl, i;

    if (url == NULL || out == NULL) return -1;
    if (strncasecmp(url, "http://", 7) == 0) {
        https = 0;
        host = url + 7;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        https = 1;
        host = url + 8;
    } else {
        return -1;
    }
    end = host + strcspn(host, "/?#");
    if (*host == '[') { /* an IPv6 literal keeps its brackets */
        const char *rb = memchr(host, ']', (size_t)(end - host));
        if (rb == NULL) return -1;
        if (rb + 1 < end) {
            if (rb[1] != ':') return -1;
            colon = rb + 1;
        }
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
    }
    hl = (size_t)((colon ? colon : end) - host);
    if (hl == 0 || memchr(host, '@', (size_t)(end - host))) return -1; /* no user info */
    port = https ? 443 : 80;
    if (colon) {
        char *e;
        if (colon + 1 == end || colon + 1 + 5 < end) return -1;
        for (p = colon + 1; p < end; p++)
            if (*p < '0' || *p > '9') return -1;
        port = strtoul(colon + 1, &e, 10);
        if (port == 0 || port > 65535) return -1;
    }
    if (hl + 16 + 8 > cap) return -1;
    i = (size_t)snprintf(out, cap, "%s://", https ? "https" : "http");
    for (size_t k = 0; k < hl; k++) {
        char ch = host[k];
        if ((unsigned char)ch <= 0x20 || ch == 0x7f) return -1;
        out[i++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
    }
    snprintf(out + i, cap - i, ":%lu", port);
    return 0;
}

int ck_net_id_valid(const char *s)
{
    size_t n = 0;
    if (s == NULL) return 0;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (n == 0 || (c != '.' && c != '_' && c != '@' && c != '-'))) return 0;
        if (n >= CK_NET_ID_MAX) return 0;
    }
    return n > 0;
}

const char *const ck_net_roles[] = {"patient", "family",     "caregiver",  "doctor",    "nurse",
                                    "pharmacist", "clerk",   "researcher", "emergency", "staff",
                                    "organization", NULL};

int ck_net_role_valid(const char *s)
{
    for (const char *const *p = ck_net_roles; s && *p; p++)
        if (!strcmp(s, *p)) return 1;
    return 0;
}
