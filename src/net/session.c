/*
 * session.c - request sessions (docs/API.md, "Sessions"): the key exchange
 * that opens one and the MAC that authenticates a request inside it.
 *
 * A client signs one request, POST /v1/sessions, carrying an ephemeral
 * X25519 public key; the server answers with its own and a random session
 * id. Both derive the session key from the shared secret and the whole
 * transcript, so neither id, caller nor either public key can be swapped
 * afterwards. Later requests carry HMAC-SHA-256(key, request string)
 * instead of an Ed25519 signature: a MAC costs about a microsecond where a
 * signature verification costs about fifty.
 *
 * libsodium: X25519 (crypto_scalarmult, which refuses an all-zero result,
 * i.e. a low-order peer key), BLAKE2b and HMAC-SHA-256 with a
 * constant-time verification.
 */
#include "carekey/wire.h"

#include <sodium.h>
#include <string.h>

int ck_net_kx_keypair(uint8_t pk[32], uint8_t sk[32])
{
    if (sodium_init() < 0) return -1;
    randombytes_buf(sk, 32);
    return crypto_scalarmult_base(pk, sk) == 0 ? 0 : -1;
}

int ck_net_session_key(uint8_t key[32], const uint8_t my_sk[32], const uint8_t peer_pk[32],
                       const char *session_id, const char *caller, const uint8_t client_pk[32],
                       const uint8_t server_pk[32])
{
    static const char label[] = "carekey-session-v1";
    uint8_t shared[32];
    crypto_generichash_state st;
    uint8_t n;
    int rc = -1;

    if (sodium_init() < 0 || session_id == NULL || caller == NULL) return -1;
    if (strlen(session_id) != CK_NET_SESSION_ID_HEX || strlen(caller) > CK_NET_ID_MAX + 16) return -1;
    if (crypto_scalarmult(shared, my_sk, peer_pk) != 0) goto out; /* low-order peer key */
    if (crypto_generichash_init(&st, shared, sizeof shared, 32) != 0) goto out;
    /* length-prefixed fields: the transcript parses one way only */
    crypto_generichash_update(&st, (const uint8_t *)label, sizeof label - 1);
    n = (uint8_t)strlen(session_id);
    crypto_generichash_update(&st, &n, 1);
    crypto_generichash_update(&st, (const uint8_t *)session_id, n);
    n = (uint8_t)strlen(caller);
    crypto_generichash_update(&st, &n, 1);
    crypto_generichash_update(&st, (const uint8_t *)caller, n);
    crypto_generichash_update(&st, client_pk, 32);
    crypto_generichash_update(&st, server_pk, 32);
    rc = crypto_generichash_final(&st, key, 32) == 0 ? 0 : -1;
out:
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(&st, sizeof st);
    return rc;
}

void ck_net_req_mac(uint8_t mac[32], const uint8_t key[32], const char *msg, size_t len)
{
    crypto_auth_hmacsha256(mac, (const uint8_t *)msg, len, key);
}

int ck_net_req_mac_verify(const uint8_t mac[32], const uint8_t key[32], const char *msg, size_t len)
{
    return crypto_auth_hmacsha256_verify(mac, (const uint8_t *)msg, len, key) == 0 ? 0 : -1;
}
