/*
 * auth.c - request authentication (docs/API.md, "Authentication").
 *
 * Every /v1 request carries X-CK-GID, X-CK-Time, X-CK-Nonce and
 * X-CK-Signature: an Ed25519 signature by the caller's enrolled key over
 * ck_net_req_string(method, path?query, caller, time, nonce, purpose,
 * body). Checks, cheapest first: header syntax, time window, key lookup,
 * signature, the caller's active flag (403 deactivated), rate limit, then
 * nonce freshness (only a verified request may burn a nonce, so nobody can
 * block someone else's nonces).
 */
#include "ckd.h"

#include <stdlib.h>
#include <string.h>
#ifdef CKD_HAVE_SODIUM
#include <sodium.h>
#endif

struct qbuf {
    char *p;
    size_t len, cap;
    int overflow;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct qbuf *q = cls;
    size_t need = strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
    (void)kind;
    if (q->len + need + 1 > q->cap) {
        q->overflow = 1;
        return MHD_NO;
    }
    q->len += (size_t)snprintf(q->p + q->len, q->cap - q->len, "%s%s%s%s", q->len ? "&" : "", key,
                               value ? "=" : "", value ? value : "");
    return MHD_YES;
}

/* path?query as the client sent it (arguments in order, raw: see http.c). */
static int path_query(ckd_req *r, char *out, size_t cap)
{
    size_t n = strlen(r->path);
    struct qbuf q;
    if (n + 2 > cap) return -1;
    memcpy(out, r->path, n + 1);
    q.p = out + n + 1;
    q.len = 0;
    q.cap = cap - n - 1;
    q.overflow = 0;
    q.p[0] = 0;
    MHD_get_connection_values(r->con, MHD_GET_ARGUMENT_KIND, add_arg, &q);
    if (q.overflow) return -1;
    if (q.len) out[n] = '?';
    return 0;
}

static int lookup_key(ckd_req *r, const char *caller, int64_t now, uint8_t pk[32], ck_store_rc *rc)
{
    ckd_server *s = r->srv;
    *rc = CK_STORE_OK;
    if (strcmp(caller, "admin") == 0) {
        if (!s->cfg.have_admin) return -1;
        memcpy(pk, s->cfg.admin_pk, 32);
        r->caller_kind = CKD_CALLER_ADMIN;
        return 0;
    }
    if (strncmp(caller, "authority:", 10) == 0) {
        ck_store_authority a;
        if (!ck_net_id_valid(caller + 10)) return -1;
        if ((*rc = ck_store_authority_get(s->store, caller + 10, &a)) != CK_STORE_OK) return -1;
        memcpy(pk, a.sign_pk, 32);
        ck_store_authority_clear(&a);
        r->caller_kind = CKD_CALLER_AUTHORITY;
        return 0;
    }
    if (!ck_net_id_valid(caller)) return -1;
    if (!ckd_users_get(s->users, caller, now, &r->user)) {
        if ((*rc = ck_store_user_get(s->store, caller, &r->user)) != CK_STORE_OK) return -1;
        ckd_users_put(s->users, &r->user, now);
    }
    memcpy(pk, r->user.ed25519, 32);
    r->caller_kind = CKD_CALLER_USER;
    return 0;
}

/* 0 when sig is pk's Ed25519 signature of msg. libsodium is stricter than
 * OpenSSL (it also refuses small-order keys and R values, which honest
 * keys and signers never produce) and about twice as fast: every request
 * pays this, so it is the largest single cost of a request. */
int ckd_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len, const uint8_t pk[32])
{
#ifdef CKD_HAVE_SODIUM
    return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? 0 : -1;
#else
    return ck_net_ed25519_verify(sig, msg, len, pk);
#endif
}

static int verify_request(const uint8_t sig[64], const char *msg, const uint8_t pk[32])
{
    return ckd_ed25519_verify(sig, (const uint8_t *)msg, strlen(msg), pk);
}

int ckd_auth_init(void)
{
#ifdef CKD_HAVE_SODIUM
    return sodium_init() < 0 ? -1 : 0;
#else
    return 0;
#endif
}

static int is_lower_hex(const char *s, size_t n)
{
    size_t i;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return i == n;
}

int ckd_authenticate(ckd_req *r, enum MHD_Result *res)
{
    ckd_server *s = r->srv;
    struct MHD_Connection *c = r->con;
    const char *caller = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-GID");
    const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Time");
    const char *nonce = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Nonce");
    const char *sighex = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Signature");
    const char *purpose = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CK-Purpose");
    uint8_t sig[64], pk[32];
    char pq[1200], *msg = NULL;
    uint64_t t;
    int64_t now = ckd_now_ms();
    ck_store_rc src;
    int rc = -1;

    if (!caller || !ts || !nonce || !sighex) {
        *res = ckd_fail(r, CKD_E_UNSIGNED, "X-CK-GID, X-CK-Time, X-CK-Nonce and X-CK-Signature are required");
        goto out;
    }
    if (strlen(caller) >= sizeof r->caller || !is_lower_hex(nonce, CK_NET_NONCE_HEX)) {
        *res = ckd_fail(r, CKD_E_UNSIGNED, "malformed caller or nonce");
        goto out;
    }
    if (ck_net_unhex(sig, 64, sighex) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "malformed signature");
        goto out;
    }
    if (purpose && !ckd_purpose_valid(purpose)) {
        *res = ckd_fail(r, CKD_E_BAD_PARAM, "unknown purpose of use");
        goto out;
    }
    if (ckd_parse_u64(ts, (uint64_t)INT64_MAX / 1000, &t) != 0 ||
        llabs((long long)t * 1000 - (long long)now) > (long long)s->cfg.clock_skew * 1000) {
        *res = ckd_fail(r, CKD_E_STALE, "time stamp outside the accepted window");
        goto out;
    }
    if (lookup_key(r, caller, now, pk, &src) != 0) {
        r->caller_kind = CKD_CALLER_NONE;
        if (src == CK_STORE_ERROR)
            *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
        else
            *res = ckd_fail(r, CKD_E_UNKNOWN_KEY, "no enrolled key for this caller");
        goto out;
    }
    if (path_query(r, pq, sizeof pq) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_PATH, "query too long");
        goto out;
    }
    msg = ck_net_req_string(r->method, pq, caller, (int64_t)t, nonce, purpose, (const uint8_t *)r->body,
                            r->body_len);
    if (msg == NULL) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
        goto out;
    }
    if (verify_request(sig, msg, pk) != 0) {
        *res = ckd_fail(r, CKD_E_BAD_SIGNATURE, "signature does not verify");
        goto out;
    }
    /* After the signature: only the user herself learns she is deactivated. */
    if (r->caller_kind == CKD_CALLER_USER && !r->user.active) {
        *res = ckd_fail(r, CKD_E_DEACTIVATED, "this user was deactivated");
        goto out;
    }
    if (!ckd_ratelimit_take(s->rl, caller, now)) {
        *res = ckd_fail(r, CKD_E_RATE, "too many requests from this caller");
        goto out;
    }
    /* The in-memory cache answers for this process (it was loaded from the
     * database at start, see http.c); the database makes nonces survive
     * restarts and, when shared, hold across instances. */
    switch (ckd_replay_check(s->replay, caller, nonce, now, now + 2000L * s->cfg.clock_skew)) {
    case 1:
        *res = ckd_fail(r, CKD_E_REPLAY, "nonce already used");
        goto out;
    case -1:
        *res = ckd_fail(r, CKD_E_UNAVAILABLE, "replay cache full, retry later");
        goto out;
    }
    if (s->nonce_db) {
        /* One process per SQLite file: recording is enough. A shared
         * database must be asked (batched in the PostgreSQL store). */
        src = ck_store_shared(s->store)
                  ? ck_store_nonce_use(s->store, caller, nonce, now, now - 2000L * s->cfg.clock_skew)
                  : ck_store_nonce_put(s->store, caller, nonce, now, now - 2000L * s->cfg.clock_skew);
        if (src == CK_STORE_CONFLICT) {
            *res = ckd_fail(r, CKD_E_REPLAY, "nonce already used");
            goto out;
        }
        if (src != CK_STORE_OK) {
            *res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
            goto out;
        }
    }
    memcpy(r->caller, caller, strlen(caller) + 1);
    snprintf(r->purpose, sizeof r->purpose, "%s", purpose ? purpose : "TREAT");
    rc = 0;
out:
    free(msg);
    return rc;
}
