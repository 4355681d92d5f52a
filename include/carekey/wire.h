/*
 * carekey/wire.h - what the cloud server and its clients sign and hash.
 *
 * These are the canonical encodings of docs/API.md ("Signatures and hashes"):
 * request signatures, entry signatures, entry hashes (the record's hash
 * chain) and signed heads, plus the hex/base64 codecs the JSON API uses.
 * They depend on OpenSSL libcrypto and libsodium only and live in libcarekey, so the
 * server, the client library and record verification share one definition.
 *
 * Conventions: caller-owned buffers; 0 on success, -1 on error; functions
 * that take a secret key wipe their copies before returning.
 */
#ifndef CAREKEY_WIRE_H
#define CAREKEY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CK_NET_WUR __attribute__((warn_unused_result))
#else
#define CK_NET_WUR
#endif

#define CK_NET_HASH_BYTES 32
#define CK_NET_PK_BYTES 32
#define CK_NET_SK_BYTES 32 /* Ed25519 / X25519 private seed */
#define CK_NET_SIG_BYTES 64
#define CK_NET_NONCE_HEX 32 /* 16 bytes, hex: random; in a session seq first */
#define CK_NET_ID_MAX 128   /* GIDs and authority names */

/* ---- hex / base64 ----------------------------------------------------- */
/* Lower-case hex; out must hold 2*n+1 bytes. */
void ck_net_hex(char *out, const uint8_t *in, size_t n);
/* 1 when s is exactly n lower-case hex digits (ids and nonces on the wire). */
int ck_net_lower_hex(const char *s, size_t n);
/* Exactly n bytes from exactly 2n hex digits (either case). */
int ck_net_unhex(uint8_t *out, size_t n, const char *hex) CK_NET_WUR;
/* Standard base64 with padding; out holds ck_net_b64_len(n) bytes incl. NUL. */
size_t ck_net_b64_len(size_t n);
void ck_net_b64(char *out, const uint8_t *in, size_t n);
/* Strict decoder: canonical padding, no whitespace. *out is malloc'ed. */
int ck_net_unb64(uint8_t **out, size_t *out_len, const char *in, size_t in_len) CK_NET_WUR;

/* ---- Ed25519 (OpenSSL) ------------------------------------------------ */
int ck_net_ed25519_keygen(uint8_t pk[32], uint8_t sk[32]) CK_NET_WUR;
int ck_net_ed25519_public(uint8_t pk[32], const uint8_t sk[32]) CK_NET_WUR;
int ck_net_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
                        const uint8_t sk[32]) CK_NET_WUR;
/* 0 if valid, -1 otherwise. */
int ck_net_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                          const uint8_t pk[32]) CK_NET_WUR;
int ck_net_random(uint8_t *out, size_t n) CK_NET_WUR;
/* A request nonce (CK_NET_NONCE_HEX digits): 16 random bytes, or for a
 * request in a session (seq > 0) its sequence number there, 8 bytes
 * big-endian, then 8 random bytes (docs/API.md, "Sessions"). */
int ck_net_nonce(char out[CK_NET_NONCE_HEX + 1], uint64_t seq) CK_NET_WUR;
/* A loaded signing key, for signing many messages: OpenSSL 3 spends more
 * time loading a raw key than signing with it. Freed keys are wiped. */
typedef struct ck_net_signer ck_net_signer;
ck_net_signer *ck_net_signer_new(const uint8_t sk[32]);
int ck_net_signer_sign(ck_net_signer *k, uint8_t sig[64], const uint8_t *msg, size_t len) CK_NET_WUR;
void ck_net_signer_free(ck_net_signer *k);
void ck_net_sha256(uint8_t out[32], const uint8_t *in, size_t n);

/* ---- record entries --------------------------------------------------- */
typedef struct {
    const char *patient;
    uint64_t seq;                    /* hash only; assigned by the server */
    uint8_t prev_hash[CK_NET_HASH_BYTES];
    const char *section;
    const char *resource_type;
    const char *author;
    uint64_t time_ms;                /* author's clock, Unix milliseconds */
    const uint8_t *envelope;         /* opaque ciphertext */
    size_t envelope_len;
    /* When the body was dropped (superseded, under the owner's tombstone):
     * envelope NULL and its SHA-256 here; signature and hash still check. */
    const uint8_t *envelope_sha256;
    uint8_t signature[CK_NET_SIG_BYTES]; /* hash only */
} ck_net_entry_fields;

/* Upper bound of ck_net_entry_tbs()'s output. */
#define CK_NET_ENTRY_TBS_MAX 640
/* The bytes the author signs (seq and signature excluded: the server assigns
 * seq, and prev_hash already pins the position). */
int ck_net_entry_tbs(uint8_t *out, size_t cap, size_t *len,
                     const ck_net_entry_fields *e) CK_NET_WUR;
int ck_net_entry_sign(uint8_t sig[64], const ck_net_entry_fields *e,
                      const uint8_t sk[32]) CK_NET_WUR;
int ck_net_entry_verify(const ck_net_entry_fields *e, const uint8_t pk[32]) CK_NET_WUR;
/* Chain hash over every field, the envelope by its SHA-256, the signature
 * included ("carekey-entry-v2": a dropped body leaves the chain whole). */
int ck_net_entry_hash(uint8_t out[32], const ck_net_entry_fields *e) CK_NET_WUR;

/* An entry as the server returns it (client library, record verification). */
typedef struct {
    uint64_t seq;
    uint8_t hash[32];
} ck_net_head;

typedef struct {
    char patient[CK_NET_ID_MAX + 1];
    uint64_t seq;
    uint8_t prev_hash[32];
    uint8_t hash[32];
    char section[65];
    char resource_type[65];
    char author[CK_NET_ID_MAX + 1];
    uint64_t time_ms;
    uint8_t *envelope; /* malloc'ed; NULL when the body was dropped */
    size_t envelope_len;
    uint8_t envelope_sha256[32]; /* always set */
    uint8_t signature[64];
    int64_t received_at;
} ck_net_entry;

/* ---- signed heads ----------------------------------------------------- */
#define CK_NET_HEAD_TBS_MAX 256
int ck_net_head_tbs(uint8_t *out, size_t cap, size_t *len, const char *patient,
                    uint64_t seq, const uint8_t hash[32], uint64_t time_ms) CK_NET_WUR;

/* ---- request signatures ----------------------------------------------- */
/* Canonical request string v2 (text; see docs/API.md): it names the
 * server's origin (ck_net_origin) so a request signed for one deployment
 * does not verify at another. body may be NULL when body_len is 0.
 * purpose may be NULL or "". Returns the malloc'ed string. */
char *ck_net_req_string(const char *origin, const char *method, const char *path_query,
                        const char *caller, int64_t timestamp, const char *nonce,
                        const char *purpose, const uint8_t *body, size_t body_len);
/* ---- request sessions (src/net/session.c, docs/API.md "Sessions") ----- */
/* A session id: 16 random bytes as lower-case hex. */
#define CK_NET_SESSION_ID_HEX 32
/* An ephemeral X25519 key pair (libsodium). */
int ck_net_kx_keypair(uint8_t pk[32], uint8_t sk[32]) CK_NET_WUR;
/* The session key both sides derive: BLAKE2b-256 keyed with
 * X25519(my_sk, peer_pk) over the transcript (session id, caller, the
 * client's and the server's public key). -1 for a low-order peer key or a
 * malformed id. The shared secret is wiped. */
int ck_net_session_key(uint8_t key[32], const uint8_t my_sk[32], const uint8_t peer_pk[32],
                       const char *session_id, const char *caller, const uint8_t client_pk[32],
                       const uint8_t server_pk[32]) CK_NET_WUR;
/* HMAC-SHA-256 of a request string (ck_net_req_string) under a session
 * key, and its constant-time check (0 when it matches). */
void ck_net_req_mac(uint8_t mac[32], const uint8_t key[32], const char *msg, size_t len);
int ck_net_req_mac_verify(const uint8_t mac[32], const uint8_t key[32], const char *msg, size_t len) CK_NET_WUR;

/* The origin "scheme://host:port" of a URL: lower case, the port always
 * explicit (80 for http, 443 for https). 0, or -1 for a URL that is not
 * http(s) or has user info, an empty host or a bad port. */
#define CK_NET_ORIGIN_MAX 280
int ck_net_origin(const char *url, char *out, size_t cap) CK_NET_WUR;

/* Identifier syntax shared by GIDs and authority names:
 * [A-Za-z0-9][A-Za-z0-9._@-]{0,127}. Returns 1 if valid. */
int ck_net_id_valid(const char *s);

/* The roles carekeyd enrolls, NULL-terminated: the one list that the
 * server's check, `carekey init --role` and its help all read. */
extern const char *const ck_net_roles[];
/* 1 if s is one of ck_net_roles. */
int ck_net_role_valid(const char *s);

#ifdef __cplusplus
}
#endif
#endif
