/*
 * api_sessions.c - POST /v1/sessions: a request session (docs/API.md,
 * "Sessions"). The request itself must carry an Ed25519 signature; its
 * body is {"kx": the client's ephemeral X25519 public key, hex}. The
 * answer names the session, the server's ephemeral public key and the
 * lifetime; both sides derive the key with ck_net_session_key. The
 * server's ephemeral secret and the session key leave this function wiped.
 */
#include "ckd.h"

#include <openssl/crypto.h>
#include <string.h>

enum MHD_Result ckd_api_session_open(ckd_req *r)
{
    static const char *const allowed[] = {"kx", NULL};
    ckd_server *s = r->srv;
    uint8_t client_pk[32], server_pk[32], server_sk[32], key[32], rnd[16];
    char sid[CK_NET_SESSION_ID_HEX + 1], kxhex[65];
    int64_t now = ckd_now_ms(), expires;
    enum MHD_Result res;
    json_t *j;

    if (s->sessions == NULL) return ckd_fail(r, CKD_E_NOT_FOUND, "sessions are turned off on this server");
    if (r->caller_kind == CKD_CALLER_ENROLL)
        return ckd_fail(r, CKD_E_FORBIDDEN, "an enrollment key cannot open a session");
    if ((j = ckd_body_object(r, allowed, &res)) == NULL) return res;
    if (ckd_json_hex(j, "kx", client_pk, 32) != 0) {
        json_decref(j);
        return ckd_fail(r, CKD_E_BAD_FIELD, "kx must be an X25519 public key (64 hex digits)");
    }
    json_decref(j);
    if (ck_net_random(rnd, sizeof rnd) != 0 || ck_net_kx_keypair(server_pk, server_sk) != 0) {
        res = ckd_fail(r, CKD_E_INTERNAL, "no randomness");
        goto out;
    }
    ck_net_hex(sid, rnd, sizeof rnd);
    if (ck_net_session_key(key, server_sk, client_pk, sid, r->caller, client_pk, server_pk) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "kx is not a usable X25519 public key");
        goto out;
    }
    if (ckd_sessions_add(s->sessions, sid, r->caller, r->caller_pk, key, now, &expires) != 0) {
        res = ckd_fail(r, CKD_E_UNAVAILABLE, "too many open sessions, retry later or sign each request");
        goto out;
    }
    ck_net_hex(kxhex, server_pk, 32);
    res = ckd_reply(r, 201, json_pack("{s:s,s:s,s:I,s:i}", "session", sid, "kx", kxhex, "expires", (json_int_t)expires,
                                      "ttl", s->cfg.session_ttl));
out:
    OPENSSL_cleanse(server_sk, sizeof server_sk);
    OPENSSL_cleanse(key, sizeof key);
    return res;
}
