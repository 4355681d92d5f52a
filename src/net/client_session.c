/*
 * client_session.c - request sessions on a client handle (docs/API.md,
 * "Sessions"): the signed handshake, renewal before expiry, and
 * forgetting a session the server no longer knows.
 */
#include "client_impl.h"

#include <openssl/crypto.h>
#include <string.h>
#include <time.h>

#define CK_NET_SESSIONS_PATH "/v1/sessions"
#define RENEW_MARGIN_MS 30000

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ck_net_session_forget(ck_net *c)
{
    OPENSSL_cleanse(c->skey, sizeof c->skey);
    c->sid[0] = 0;
    c->session_deadline_ms = 0;
    c->session_seq = 0;
}

void ck_net_use_sessions(ck_net *c, int on)
{
    c->use_sessions = on != 0;
    if (!on) ck_net_session_forget(c);
}

void ck_net_session_clear(ck_net_session *s)
{
    if (s) OPENSSL_cleanse(s, sizeof *s);
}

/* The id goes into a header line: anything but lower-case hex (a CR LF
 * from a hostile server) is refused. */
int ck_net_session_reply(json_t *j, char sid[CK_NET_SESSION_ID_HEX + 1], uint8_t server_pk[32], long *ttl)
{
    const char *id = json_string_value(json_object_get(j, "session"));
    const char *kx = json_string_value(json_object_get(j, "kx"));
    json_t *t = json_object_get(j, "ttl");
    if (id == NULL || !ck_net_lower_hex(id, CK_NET_SESSION_ID_HEX) || kx == NULL || !json_is_integer(t) ||
        json_integer_value(t) <= 0 || json_integer_value(t) > 86400 || ck_net_unhex(server_pk, 32, kx) != 0)
        return -1;
    memcpy(sid, id, CK_NET_SESSION_ID_HEX + 1);
    *ttl = (long)json_integer_value(t);
    return 0;
}

int ck_net_session_open(ck_net *c, ck_net_session *out)
{
    uint8_t pk[32], sk[32], server_pk[32];
    json_t *body = NULL, *resp = NULL;
    long ttl;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (ck_net_kx_keypair(pk, sk) != 0) {
        ck_net_set_error(c, 0, "bad_argument", "no randomness");
        goto out;
    }
    if ((body = json_pack("{s:o}", "kx", ck_net_json_hex(pk, 32))) == NULL) goto out;
    if (ck_net_call_once(c, "POST", CK_NET_SESSIONS_PATH, body, 201, &resp) != 0) goto out;
    if (ck_net_session_reply(resp, out->id, server_pk, &ttl) != 0 ||
        ck_net_session_key(out->key, sk, server_pk, out->id, c->caller, pk, server_pk) != 0) {
        ck_net_set_error(c, 201, "bad_response", "malformed session");
        goto out;
    }
    out->ttl_s = ttl;
    rc = 0;
out:
    if (rc != 0) ck_net_session_clear(out);
    OPENSSL_cleanse(sk, sizeof sk);
    json_decref(body);
    json_decref(resp);
    return rc;
}

void ck_net_session_ensure(ck_net *c)
{
    ck_net_session s;
    int64_t margin;
    if (!c->use_sessions || !c->have_key) return;
    if (c->sid[0] && mono_ms() < c->session_deadline_ms) return;
    ck_net_session_forget(c);
    if (ck_net_session_open(c, &s) != 0) {
        /* a server without sessions: sign every request from now on */
        if (c->status == 404) c->use_sessions = 0;
        return;
    }
    memcpy(c->sid, s.id, sizeof c->sid);
    memcpy(c->skey, s.key, sizeof c->skey);
    margin = s.ttl_s * 1000 / 2 < RENEW_MARGIN_MS ? s.ttl_s * 1000 / 2 : RENEW_MARGIN_MS;
    c->session_deadline_ms = mono_ms() + s.ttl_s * 1000 - margin;
    ck_net_session_clear(&s);
}

int ck_net_session_gone(long status, const char *body, size_t len)
{
    json_t *j, *e;
    int gone;
    if (status != 401 || body == NULL) return 0;
    j = json_loadb(body, len, 0, NULL);
    e = json_object_get(j, "error");
    gone = json_is_object(e) && json_is_string(json_object_get(e, "code")) &&
           strcmp(json_string_value(json_object_get(e, "code")), "session_expired") == 0;
    json_decref(j);
    return gone;
}

int ck_net_session_path(const char *path_query) { return strcmp(path_query, CK_NET_SESSIONS_PATH) == 0; }
