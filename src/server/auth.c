/*
 * auth.c - request authentication (docs/API.md, "Authentication").
 *
 * Every /v1 request carries X-CK-GID, X-CK-Time, X-CK-Nonce and either
 * X-CK-Signature, an Ed25519 signature by the caller's key, or X-CK-Session
 * and X-CK-MAC, an HMAC-SHA-256 under the key of a session the caller
 * opened with a signed request (api_sessions.c, src/net/session.c), over
 * ck_net_req_string(origin, method, target, caller, time, nonce, purpose,
 * body), where origin is one this server answers to and target the request
 * target exactly as sent. Checks, cheapest first: header syntax, time
 * window, key lookup, signature, the caller's active flag (403
 * deactivated), rate limit, then nonce freshness (only a verified request
 * may burn a nonce, so nobody can block someone else's nonces).
 *
 * An unknown caller and a bad signature get the same answer, after the
 * same work: an unknown caller's signature is checked against a random
 * key of this process, so neither the answer nor its time tells whether
 * a GID is enrolled.
 */
#include "ckd.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

/* The signing key of caller; -1 when there is none (unknown, malformed),
 * -2 on a storage error. Sets r->caller_kind (and r->user). */
static int lookup_key(ckd_req *r, const char *caller, int64_t now, uint8_t pk[32])
{
    ckd_server *s = r->srv;
    ck_store_rc rc;
    if (strcmp(caller, "admin") == 0) {
        if (!s->cfg.have_admin) return -1;
        memcpy(pk, s->cfg.admin_pk, 32);
        r->caller_kind = CKD_CALLER_ADMIN;
        return 0;
    }
    if (strncmp(caller, "authority:", 10) == 0) {
        ck_store_authority a;
        if (!ck_net_id_valid(caller + 10)) return -1;
        if ((rc = ck_store_authority_get(s->store, caller + 10, &a)) != CK_STORE_OK) return rc == CK_STORE_ERROR ? -2 : -1;
        memcpy(pk, a.sign_pk, 32);
        ck_store_authority_clear(&a);
        r->caller_kind = CKD_CALLER_AUTHORITY;
        return 0;
    }
    if (strncmp(caller, "enroll:", 7) == 0) {
        /* Proof of possession: only the enrollment routes know this caller. */
        int k;
        if (!ck_net_id_valid(caller + 7)) return -1;
        if ((k = ckd_enroll_key(r, caller + 7, pk)) != 0) return k;
        r->caller_kind = CKD_CALLER_ENROLL;
        return 0;
    }
    if (!ck_net_id_valid(caller)) return -1;
    if (!ckd_users_get(s->users, caller, now, &r->user)) {
        if ((rc = ck_store_user_get(s->store, caller, &r->user)) != CK_STORE_OK) return rc == CK_STORE_ERROR ? -2 : -1;
        ckd_users_put(s->users, &r->user, now);
    }
    memcpy(pk, r->user.ed25519, 32);
    r->caller_kind = CKD_CALLER_USER;
    return 0;
}

/* Adds one origin unless it is there already; -1 when the table is full. */
static int origin_add(ckd_server *s, const char *url)
{
    char o[CK_NET_ORIGIN_MAX];
    if (ck_net_origin(url, o, sizeof o) != 0) return 0; /* an unusable listen name: skip */
    for (int i = 0; i < s->norigins; i++)
        if (!strcmp(s->origins[i], o)) return 0;
    if (s->norigins >= (int)(sizeof s->origins / sizeof s->origins[0])) return -1;
    memcpy(s->origins[s->norigins++], o, strlen(o) + 1);
    return 0;
}

int ckd_origins_init(ckd_server *s)
{
    const char *scheme = ck_tls_on(&s->tls) ? "https" : "http";
    char url[128];
    s->norigins = 0;
    for (int i = 0; i < s->cfg.norigins; i++)
        if (origin_add(s, s->cfg.origins[i]) != 0) return -1;
    snprintf(url, sizeof url, "%s://127.0.0.1:%u", scheme, (unsigned)s->bound_port);
    if (origin_add(s, url) != 0) return -1;
    snprintf(url, sizeof url, "%s://localhost:%u", scheme, (unsigned)s->bound_port);
    if (origin_add(s, url) != 0) return -1;
    if (strcmp(s->cfg.listen, "0.0.0.0") != 0) {
        snprintf(url, sizeof url, "%s://%s:%u", scheme, s->cfg.listen, (unsigned)s->bound_port);
        if (origin_add(s, url) != 0) return -1;
    }
    return 0;
}

/* The index of the origin the Host header names, or -1: tried first when
 * it is one of ours, so an honest request costs one verification. */
static int host_origin(ckd_req *r)
{
    ckd_server *s = r->srv;
    const char *host = MHD_lookup_connection_value(r->con, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char url[300], o[CK_NET_ORIGIN_MAX];
    if (host == NULL || strlen(host) > 256) return -1;
    snprintf(url, sizeof url, "%s://%s", ck_tls_on(&s->tls) ? "https" : "http", host);
    if (ck_net_origin(url, o, sizeof o) != 0) return -1;
    for (int i = 0; i < s->norigins; i++)
        if (!strcmp(s->origins[i], o)) return i;
    return -1;
}

/* 0 when auth authenticates the request for one of our origins, the
 * Host's first, then the others (a proxy may have rewritten Host): an
 * Ed25519 signature under pk, or with mac set an HMAC under the session
 * key in pk. */
static int verify_request(ckd_req *r, const uint8_t *auth, const uint8_t pk[32], int mac, const char *caller,
                          int64_t t, const char *nonce, const char *purpose)
{
    ckd_server *s = r->srv;
    int first = host_origin(r), ok = -1;
    for (int k = -1; k < s->norigins && ok != 0; k++) {
        int i = k < 0 ? first : k;
        char *msg;
        if (i < 0 || (k >= 0 && i == first)) continue;
        msg = ck_net_req_string(s->origins[i], r->method, r->uri, caller, t, nonce, purpose,
                                (const uint8_t *)r->body, r->body_len);
        if (msg == NULL) return -1;
        ok = mac ? ck_net_req_mac_verify(auth, pk, msg, strlen(msg))
                 : ck_net_ed25519_verify(auth, (const uint8_t *)msg, strlen(msg), pk);
        free(msg);
    }
    return ok;
}

/* A session request's nonce begins with its sequence number in the
 * session (16 hex digits, from 1): the session's window answers for it,
 * so the request rate does not fill any shared memory. 0, or a reply was
 * queued. */
static int use_session_seq(ckd_req *r, const char *nonce, int64_t now, enum MHD_Result *res)
{
    uint8_t be[8];
    uint64_t seq = 0;
    char digits[17];
    memcpy(digits, nonce, 16);
    digits[16] = 0;
    if (ck_net_unhex(be, 8, digits) == 0)
        for (int i = 0; i < 8; i++) seq = seq << 8 | be[i];
    if (seq == 0) {
        *res = ckd_fail(r, CKD_E_UNSIGNED, "a session request's nonce begins with its sequence number, from 1");
        return -1;
    }
    switch (ckd_sessions_use_seq(r->srv->sessions, r->session, seq, now)) {
    case 0:
        return 0;
    case 1:
        *res = ckd_fail(r, CKD_E_REPLAY, "sequence number already used in this session, or too old");
        return -1;
    default:
        *res = ckd_fail(r, CKD_E_SESSION, "unknown or expired session: open a new one");
        return -1;
    }
}

/* Replay protection once the request verified: 0, or a reply was queued.
 * t is the request's time stamp (seconds). */
static int use_nonce(ckd_req *r, const char *caller, const char *nonce, int64_t t, int64_t now,
                     enum MHD_Result *res)
{
    ckd_server *s = r->srv;
    ck_store_rc src;
    if (r->in_session) return use_session_seq(r, nonce, now, res);
    /* The in-memory cache answers for this process (it was loaded from the
     * database at start, see http.c); the database makes nonces survive
     * restarts and, when shared, hold across instances. A nonce is kept
     * until its time stamp leaves the window (a second's margin): after
     * that the time check alone refuses the request. */
    switch (ckd_replay_check(s->replay, caller, nonce, now, (t + s->cfg.clock_skew + 1) * 1000)) {
    case 1:
        *res = ckd_fail(r, CKD_E_REPLAY, "nonce already used");
        return -1;
    case -1:
        *res = ckd_fail(r, CKD_E_UNAVAILABLE, "replay cache full, retry later");
        return -1;
    }
    if (!s->nonce_db) return 0;
    /* The database keeps the nonces of signed requests, which any instance
     * accepts at any time within the window (a session's sequence numbers
     * live with the session, in this process only: a replay at another
     * instance or after a restart meets no session).
     * On a shared database a read's nonce is checked when it ends, with its
     * audit row (one group commit for both; GET requests change nothing
     * else), and an append's in the append's own commit. */
    if (ck_store_shared(s->store) && ck_store_async(s->store) &&
        (!strcmp(r->method, "GET") || r->route == CKD_R_APPEND)) {
        snprintf(r->nonce, sizeof r->nonce, "%s", nonce);
        r->nonce_now = now;
        r->nonce_expire = now - 2000L * s->cfg.clock_skew;
        r->nonce_deferred = r->nonce_unsynced = 1;
        return 0;
    }
    /* One process per SQLite file: recording is enough, queued for the
     * writer's next group commit, and no reply leaves before that commit
     * (http.c: queue). A shared database must be asked (batched). */
    src = ck_store_shared(s->store) ? ck_store_nonce_use(s->store, caller, nonce, now, now - 2000L * s->cfg.clock_skew)
                                    : ck_store_nonce_put(s->store, caller, nonce, now, now - 2000L * s->cfg.clock_skew);
    if (src == CK_STORE_CONFLICT) {
        *res = ckd_fail(r, CKD_E_REPLAY, "nonce already used");
        return -1;
    }
    if (src != CK_STORE_OK) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    r->nonce_unsynced = !ck_store_shared(s->store) && ck_store_async(s->store);
    return 0;
}

/* A session's request: its key (into key) when the session is live, the
 * caller's and opened under the key she still has. Unknown, expired and
 * someone else's sessions get one answer, before any key lookup, so it
 * tells nothing about who is enrolled. 0, or a reply was queued. */
static int session_key(ckd_req *r, const char *sid, const char *caller, int64_t now, uint8_t pk[32],
                       uint8_t key[32], enum MHD_Result *res)
{
    ckd_server *s = r->srv;
    uint8_t opened_pk[32];
    int k;
    if (s->sessions == NULL || r->route == CKD_R_SESSION_OPEN ||
        ckd_sessions_get(s->sessions, sid, caller, now, opened_pk, key) != 0) {
        *res = ckd_fail(r, CKD_E_SESSION, "unknown or expired session: open a new one");
        return -1;
    }
    if ((k = lookup_key(r, caller, now, pk)) == -2) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    if (k != 0 || memcmp(pk, opened_pk, 32) != 0) { /* her key changed: the session died with it */
        r->caller_kind = CKD_CALLER_NONE;
        *res = ckd_fail(r, CKD_E_SESSION, "unknown or expired session: open a new one");
        return -1;
    }
    return 0;
}

/* The caller's key (signature) or the session key (mac) and the request's
 * authenticator, verified; 0, or a reply was queued. */
static int check_authenticator(ckd_req *r, const char *caller, int64_t t, int64_t now, const char *nonce,
                               const char *purpose, const char *sighex, const char *sid, const char *machex,
                               enum MHD_Result *res)
{
    ckd_server *s = r->srv;
    uint8_t auth[64], pk[32], key[32];
    int k, rc = -1;
    if (sid) {
        if (!ck_net_lower_hex(sid, CK_NET_SESSION_ID_HEX) || ck_net_unhex(auth, 32, machex) != 0) {
            *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "malformed session or MAC");
            return -1;
        }
        if (session_key(r, sid, caller, now, pk, key, res) != 0) goto out;
        if (verify_request(r, auth, key, 1, caller, t, nonce, purpose) != 0) {
            r->caller_kind = CKD_CALLER_NONE;
            *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "MAC does not verify");
            goto out;
        }
        r->in_session = 1;
        memcpy(r->session, sid, CK_NET_SESSION_ID_HEX + 1);
        rc = 0;
        goto out;
    }
    if (ck_net_unhex(auth, 64, sighex) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "malformed signature");
        return -1;
    }
    if ((k = lookup_key(r, caller, now, pk)) == -2) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        return -1;
    }
    if (k != 0) { /* unknown: same work and answer as a wrong signature */
        r->caller_kind = CKD_CALLER_NONE;
        memcpy(pk, s->dummy_pk, 32);
    }
    if (verify_request(r, auth, pk, 0, caller, t, nonce, purpose) != 0 || k != 0) {
        r->caller_kind = CKD_CALLER_NONE;
        *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "signature does not verify");
        return -1;
    }
    rc = 0;
out:
    if (rc == 0) memcpy(r->caller_pk, pk, 32);
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

int ckd_authenticate(ckd_req *r, enum MHD_Result *res)
{
    ckd_server *s = r->srv;
    struct MHD_Connection *c = r->con;
    const char *caller = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-GID");
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Time");
    const char *nonce = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Nonce");
    const char *sighex = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Signature");
    const char *sid = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Session");
    const char *machex = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-MAC");
    const char *purpose = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Purpose");
    uint64_t t;
    int64_t now = ckd_now_ms();

    if (!caller || !ts || !nonce || (sighex ? sid || machex : !sid || !machex)) {
        *res = ckd_fail(r, CKD_E_UNSIGNED, "X-CK-GID, X-CK-Time, X-CK-Nonce and either X-CK-Signature or "
                                           "X-CK-Session with X-CK-MAC are required");
        return -1;
    }
    if (strlen(caller) >= sizeof r->caller || !ck_net_lower_hex(nonce, CK_NET_NONCE_HEX)) {
        *res = ckd_fail(r, CKD_E_UNSIGNED, "malformed caller or nonce");
        return -1;
    }
    if (purpose && !ckd_purpose_valid(purpose)) {
        *res = ckd_fail(r, CKD_E_BAD_PARAM, "unknown purpose of use");
        return -1;
    }
    if (ckd_parse_u64(ts, (uint64_t)INT64_MAX / 1000, &t) != 0 ||
        llabs((long long)t * 1000 - (long long)now) > (long long)s->cfg.clock_skew * 1000) {
        *res = ckd_fail(r, CKD_E_STALE, "time stamp outside the accepted window");
        return -1;
    }
    if (check_authenticator(r, caller, (int64_t)t, now, nonce, purpose, sighex, sid, machex, res) != 0) return -1;
    /* After the signature: only the user herself learns she is deactivated. */
    if (r->caller_kind == CKD_CALLER_USER && !r->user.active) {
        *res = ckd_fail(r, CKD_E_DEACTIVATED, "this user was deactivated");
        return -1;
    }
    if (!ckd_ratelimit_take(s->rl, caller, now)) {
        *res = ckd_fail(r, CKD_E_RATE, "too many requests from this caller");
        return -1;
    }
    if (use_nonce(r, caller, nonce, (int64_t)t, now, res) != 0) return -1;
    memcpy(r->caller, caller, strlen(caller) + 1);
    r->purpose_given = purpose != NULL;
    snprintf(r->purpose, sizeof r->purpose, "%s", purpose ? purpose : "TREAT");
    return 0;
}
