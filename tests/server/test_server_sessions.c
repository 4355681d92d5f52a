/*
 * test_server_sessions.c - request sessions (docs/API.md, "Sessions")
 * against real carekeyd processes: the handshake, MAC-authenticated
 * requests, and the attacks on them (a forged or moved MAC, someone
 * else's session, a replayed nonce, a tampered body, another origin, a
 * low-order key, a session opening a session, expiry, eviction), plus the
 * client library's transparent reopening and its fallback to signatures.
 *
 *   test_server_sessions CAREKEYD [DB_URL]   (default: a fresh SQLite file)
 */
#include "ckt.h"

#include <curl/curl.h>

#define CKT_PER_CALLER 16 /* CKD_SESSIONS_PER_CALLER */
#define ORIGIN "http://carekey.example:8443" /* every instance answers to it */

static const char *bin;
static char dir[256], db[1100];
static ckt_id admin, dr, pat;

typedef struct {
    char *p;
    size_t n;
} body_buf;

static size_t keep(char *p, size_t s, size_t n, void *ud)
{
    body_buf *b = ud;
    char *q = realloc(b->p, b->n + s * n + 1);
    if (q == NULL) return 0;
    memcpy(q + b->n, p, s * n);
    b->n += s * n;
    q[b->n] = 0;
    b->p = q;
    return s * n;
}

/* What a raw request carries; unset fields fall back to an honest value. */
typedef struct {
    const char *method, *path, *body;
    const char *caller;           /* X-CK-GID */
    const char *origin;           /* the origin the MAC names */
    const char *nonce;            /* a fixed nonce (replays) */
    int64_t ts;                   /* a fixed time stamp (replays); 0: now */
    const char *mac_body;         /* the body the MAC covers, when not body */
    const ck_net_session *s;      /* NULL: no session headers */
    const uint8_t *sign_sk;       /* also an Ed25519 signature */
    int flip;                     /* flip one bit of the MAC */
    int no_mac;                   /* X-CK-Session without X-CK-MAC */
} raw_req;

/* Sequence numbers for the session requests of this test: one counter for
 * all its sessions, so each sees increasing numbers (gaps are allowed). */
static uint64_t seq_counter;
static uint64_t next_seq(void) { return ++seq_counter; }

/* Sends a hand-built request to url; the status, and the body in *resp
 * (caller frees; may be NULL). */
static long send_raw(const char *url, const raw_req *q, char **resp)
{
    char full[400], origin[128], nonce[33], hex[129], line[300], *msg;
    uint8_t mac[64];
    const char *body = q->body ? q->body : "", *mb = q->mac_body ? q->mac_body : body;
    struct curl_slist *h = NULL;
    body_buf b = {NULL, 0};
    long st = 0;
    int64_t ts = q->ts ? q->ts : (int64_t)time(NULL);
    CURL *c = curl_easy_init();

    snprintf(origin, sizeof origin, "%s", q->origin ? q->origin : url);
    if (q->nonce) {
        snprintf(nonce, sizeof nonce, "%s", q->nonce);
    } else if (ck_net_nonce(nonce, q->s ? next_seq() : 0) != 0) {
        return -1;
    }
    msg = ck_net_req_string(origin, q->method, q->path, q->caller, ts, nonce, NULL, (const uint8_t *)mb, strlen(mb));
    if (msg == NULL) return -1;
    snprintf(line, sizeof line, "X-CK-GID: %s", q->caller);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-CK-Time: %lld", (long long)ts);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-CK-Nonce: %s", nonce);
    h = curl_slist_append(h, line);
    if (q->s) {
        ck_net_req_mac(mac, q->s->key, msg, strlen(msg));
        mac[5] ^= (uint8_t)(q->flip ? 0x10 : 0);
        ck_net_hex(hex, mac, 32);
        snprintf(line, sizeof line, "X-CK-Session: %s", q->s->id);
        h = curl_slist_append(h, line);
        snprintf(line, sizeof line, "X-CK-MAC: %s", hex);
        if (!q->no_mac) h = curl_slist_append(h, line);
    }
    if (q->sign_sk) {
        if (ck_net_ed25519_sign(mac, (const uint8_t *)msg, strlen(msg), q->sign_sk) != 0) return -1;
        ck_net_hex(hex, mac, 64);
        snprintf(line, sizeof line, "X-CK-Signature: %s", hex);
        h = curl_slist_append(h, line);
    }
    free(msg);
    h = curl_slist_append(h, "Content-Type: application/json");
    snprintf(full, sizeof full, "%s%s", url, q->path);
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (q->body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (resp) *resp = b.p;
    else free(b.p);
    return st;
}

/* 1 when the raw request gets status and (if given) the error code. */
static int expect(const char *url, const raw_req *q, long status, const char *code)
{
    char *resp = NULL;
    long st = send_raw(url, q, &resp);
    int ok = st == status && (code == NULL || ckt_has_code(resp, code));
    if (!ok) fprintf(stderr, "  %s %s -> %ld %s\n", q->method, q->path, st, resp ? resp : "");
    free(resp);
    return ok;
}

/* A sample of /metrics by its name and labels (want ends with a space);
 * 0 when absent, -1 when the line is missing and absent is -1. */
static long metric(const char *url, const char *want, long absent)
{
    char full[200], *p;
    body_buf b = {NULL, 0};
    long v = absent;
    CURL *c = curl_easy_init();
    snprintf(full, sizeof full, "%s/metrics", url);
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    /* at the start of a line: a HELP line names the metric too */
    if (curl_easy_perform(c) == CURLE_OK && b.p && (p = strstr(b.p, want)) != NULL) {
        while (p && p != b.p && p[-1] != '\n') p = strstr(p + 1, want);
        if (p) v = atol(p + strlen(want));
    }
    curl_easy_cleanup(c);
    free(b.p);
    return v;
}

/* carekeyd_requests_total of route and status (0 when absent). */
static long counter(const char *url, const char *route, int status)
{
    char want[120];
    snprintf(want, sizeof want, "carekeyd_requests_total{route=\"%s\",status=\"%d\"} ", route, status);
    return metric(url, want, 0);
}

static int start(ckt_server *s, const char *ttl)
{
    const char *extra[] = {"--rate-limit", "0", "--session-ttl", ttl, "--origin", ORIGIN, NULL};
    return ckt_start_v(s, bin, dir, db, admin.pk, extra);
}

/* With the smallest nonce cache (1024). */
static int start_small_cache(ckt_server *s)
{
    const char *extra[] = {"--rate-limit", "0", "--replay-cap", "1024", "--origin", ORIGIN, NULL};
    return ckt_start_v(s, bin, dir, db, admin.pk, extra);
}

static void setup_people(const char *url)
{
    ck_net *ca = ckt_client(url, "admin", admin.sk), *cp;
    ck_net_head h;
    uint8_t env[64] = {1};
    CHECK(ckt_enroll(ca, &dr, "doctor") == 0 && ckt_enroll(ca, &pat, "patient") == 0, "enroll: %s",
          ck_net_error_code(ca));
    cp = ckt_client(url, pat.gid, pat.sk);
    CHECK(ck_net_head_get(cp, pat.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cp, pat.gid, "results", "Observation", h.hash, ckt_now_ms(), env, sizeof env, &h) == 0 &&
              ck_net_grant_access(cp, pat.gid, dr.gid, "read", "*", 0, 0, NULL) == 0,
          "a record the doctor may read: %s", ck_net_error_code(cp));
    ck_net_close(cp);
    ck_net_close(ca);
}

static void test_handshake_and_attacks(const char *url)
{
    char fixed[CK_NET_NONCE_HEX + 1];
    ck_net *cd = ckt_client(url, dr.gid, dr.sk), *cp = ckt_client(url, pat.gid, pat.sk);
    ck_net_session s, sp;
    char *resp = NULL, other[160], kx[200];
    const char *path = "/v1/records/%s/entries/1";
    char entry[200];
    raw_req q;

    snprintf(entry, sizeof entry, path, pat.gid);
    CHECK(ck_net_session_open(cd, &s) == 0 && strlen(s.id) == CK_NET_SESSION_ID_HEX && s.ttl_s == 600,
          "a signed handshake opens a session: %s", ck_net_error_code(cd));
    CHECK(ck_net_session_open(cp, &sp) == 0, "the patient opens one too");

    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s};
    CHECK(expect(url, &q, 200, NULL), "a request with the session's MAC reads the entry");
    q.flip = 1;
    CHECK(expect(url, &q, 401, "bad_signature"), "a MAC with one bit flipped is refused");
    q = (raw_req){.method = "GET", .path = entry, .caller = pat.gid, .s = &s};
    CHECK(expect(url, &q, 401, "session_expired"), "the doctor's session does not carry the patient's GID");
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &sp};
    CHECK(expect(url, &q, 401, "session_expired"), "nor the patient's session the doctor's GID");
    {
        ck_net_session forged = s;
        memcpy(forged.id, "00112233445566778899aabbccddeeff", CK_NET_SESSION_ID_HEX);
        q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &forged};
        CHECK(expect(url, &q, 401, "session_expired"), "an unknown session id is refused");
        memcpy(forged.id, "00112233445566778899AABBCCDDEEFF", CK_NET_SESSION_ID_HEX);
        CHECK(expect(url, &q, 401, "bad_signature"), "a malformed (upper-case) id is refused");
        forged = s;
        forged.key[0] ^= 1;
        q.s = &forged;
        CHECK(expect(url, &q, 401, "bad_signature"), "a MAC under a guessed key is refused");
    }
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s, .no_mac = 1};
    CHECK(expect(url, &q, 401, "unsigned_request"), "a session without a MAC is unsigned");
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s, .sign_sk = dr.sk};
    CHECK(expect(url, &q, 401, "unsigned_request"), "a signature and a session at once are refused");
    snprintf(other, sizeof other, "http://other-deployment.example:8443");
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s, .origin = other};
    CHECK(expect(url, &q, 401, "bad_signature"), "a MAC for another origin is refused");

    CHECK(ck_net_nonce(fixed, next_seq()) == 0, "a nonce");
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s, .nonce = fixed};
    CHECK(expect(url, &q, 200, NULL), "a fresh nonce is accepted");
    CHECK(expect(url, &q, 401, "replayed_nonce"), "the same request again is a replay");

    snprintf(other, sizeof other, "/v1/mailbox/%s", pat.gid);
    q = (raw_req){.method = "POST", .path = other, .caller = dr.gid, .s = &s,
                  .body = "{\"kind\":\"note\",\"payload\":\"aGVsbG8=\"}",
                  .mac_body = "{\"kind\":\"note\",\"payload\":\"Ynll\"}"};
    CHECK(expect(url, &q, 401, "bad_signature"), "a body other than the one the MAC covers is refused");

    snprintf(kx, sizeof kx, "{\"kx\":\"%064d\"}", 0);
    q = (raw_req){.method = "POST", .path = "/v1/sessions", .caller = dr.gid, .s = &s, .body = kx};
    CHECK(expect(url, &q, 401, "session_expired"), "a session cannot open another session");
    q = (raw_req){.method = "POST", .path = "/v1/sessions", .caller = dr.gid, .sign_sk = dr.sk, .body = kx};
    CHECK(expect(url, &q, 400, "bad_field"), "a low-order (zero) X25519 key is refused");
    q.body = "{\"kx\":\"12\"}";
    CHECK(expect(url, &q, 400, "bad_field"), "a short key is refused");
    q.body = "{\"kx\":\"0900000000000000000000000000000000000000000000000000000000000000\",\"ttl\":1}";
    CHECK(expect(url, &q, 400, "bad_field"), "an unknown field is refused");
    q.body = "[]";
    CHECK(expect(url, &q, 400, "bad_json"), "a body that is not an object is refused");
    q = (raw_req){.method = "POST", .path = "/v1/sessions", .caller = "nobody-here", .sign_sk = dr.sk,
                  .body = "{\"kx\":\"0900000000000000000000000000000000000000000000000000000000000000\"}"};
    CHECK(expect(url, &q, 401, "bad_signature"), "an unknown caller opens nothing");
    q = (raw_req){.method = "GET", .path = "/v1/sessions", .caller = dr.gid, .sign_sk = dr.sk};
    CHECK(expect(url, &q, 405, "method_not_allowed"), "sessions are only opened (POST)");

    ck_net_session_clear(&s);
    ck_net_session_clear(&sp);
    free(resp);
    ck_net_close(cd);
    ck_net_close(cp);
}

/* A caller keeps at most 16 sessions: a 17th pushes out her oldest. */
static void test_per_caller_limit(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk);
    ck_net_session v[17];
    char entry[200];
    raw_req q;
    int ok = 1;
    snprintf(entry, sizeof entry, "/v1/records/%s/entries/1", pat.gid);
    for (int i = 0; i < 17; i++) ok &= ck_net_session_open(cd, &v[i]) == 0;
    CHECK(ok, "17 sessions opened");
    CHECK(metric(url, "carekeyd_sessions_open ", -1) == 16 + 1, "the gauge counts 17 open (16 of hers, 1 of the patient's): %ld",
          metric(url, "carekeyd_sessions_open ", -1));
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &v[0]};
    CHECK(expect(url, &q, 401, "session_expired"), "the oldest was pushed out");
    q.s = &v[1];
    CHECK(expect(url, &q, 200, NULL), "the second oldest still works");
    q.s = &v[16];
    CHECK(expect(url, &q, 200, NULL), "the newest works");
    for (int i = 0; i < 17; i++) ck_net_session_clear(&v[i]);
    ck_net_close(cd);
}

/* The client library: one handshake for many requests, a transparent
 * reopening when the server forgot the session, and deactivation still
 * answered. */
static void test_client(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk), *cd2 = ckt_client(url, dr.gid, dr.sk);
    ck_net *ca = ckt_client(url, "admin", admin.sk);
    ck_net_session v[CKT_PER_CALLER];
    ck_net_entry e;
    long opened = counter(url, "session_open", 201), reads = counter(url, "entry", 200);
    long refused = counter(url, "entry", 401);
    int ok = 1;
    ck_net_use_sessions(cd, 1);
    for (int i = 0; i < 20; i++) {
        ok &= ck_net_entry_get(cd, pat.gid, 1, &e) == 0;
        ck_net_entry_clear(&e);
    }
    CHECK(ok, "20 reads in a session: %s", ck_net_error_code(cd));
    CHECK(counter(url, "session_open", 201) == opened + 1 && counter(url, "entry", 200) == reads + 20,
          "one handshake served them all (%ld opened)", counter(url, "session_open", 201) - opened);
    /* another device of hers opens enough sessions to push this one out */
    for (int i = 0; i < CKT_PER_CALLER; i++) ok &= ck_net_session_open(cd2, &v[i]) == 0;
    CHECK(ok, "16 more sessions");
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) == 0, "a forgotten session is reopened by the client: %s",
          ck_net_error_code(cd));
    ck_net_entry_clear(&e);
    CHECK(counter(url, "entry", 401) == refused + 1 && counter(url, "session_open", 201) == opened + 2 + CKT_PER_CALLER,
          "after one refusal and one more handshake");
    CHECK(ck_net_user_deactivate(ca, dr.gid, NULL) == 0, "the operator deactivates the doctor");
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) != 0 && ckt_failed(cd, 403, "deactivated"),
          "her open session does not outlive her deactivation");
    CHECK(ck_net_user_reactivate(ca, dr.gid, NULL) == 0, "reactivated");
    for (int i = 0; i < CKT_PER_CALLER; i++) ck_net_session_clear(&v[i]);
    ck_net_close(cd);
    ck_net_close(cd2);
    ck_net_close(ca);
}

/* Sessions of one second: the client renews before expiry, the server
 * refuses an expired one. */
static void test_expiry(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk);
    ck_net_session s;
    ck_net_entry e;
    char entry[200];
    raw_req q;
    long opened = counter(url, "session_open", 201);
    snprintf(entry, sizeof entry, "/v1/records/%s/entries/1", pat.gid);
    CHECK(ck_net_session_open(cd, &s) == 0 && s.ttl_s == 1, "a one-second session");
    ckt_sleep_ms(1300);
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s};
    CHECK(expect(url, &q, 401, "session_expired"), "an expired session is refused");
    ck_net_use_sessions(cd, 1);
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) == 0, "the client opens a session: %s", ck_net_error_code(cd));
    ck_net_entry_clear(&e);
    ckt_sleep_ms(1300);
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) == 0, "and renews it: %s", ck_net_error_code(cd));
    ck_net_entry_clear(&e);
    CHECK(counter(url, "session_open", 201) == opened + 3, "three handshakes in all");
    ck_net_session_clear(&s);
    ck_net_close(cd);
}

/* A session request's nonce starting with seq; 200 or the error code. */
static int send_seq(const char *url, const ck_net_session *s, const char *entry, uint64_t seq, const char *want)
{
    char nonce[CK_NET_NONCE_HEX + 1];
    raw_req q = {.method = "GET", .path = entry, .caller = dr.gid, .s = s, .nonce = nonce};
    if (seq == 0) snprintf(nonce, sizeof nonce, "0000000000000000%016x", 7u);
    else if (ck_net_nonce(nonce, seq) != 0) return 0;
    return expect(url, &q, want ? 401 : 200, want);
}

/* Replays within a session are told by its window of sequence numbers
 * (docs/API.md, "Sessions"): numbers may come out of order within the
 * window, never twice, and never below it. */
static void test_sequence_window(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk);
    ck_net_session s;
    char entry[200];
    uint64_t base;
    snprintf(entry, sizeof entry, "/v1/records/%s/entries/1", pat.gid);
    CHECK(ck_net_session_open(cd, &s) == 0, "a session");
    base = next_seq();
    seq_counter += 10000;
    CHECK(send_seq(url, &s, entry, base + 5, NULL), "a sequence number");
    CHECK(send_seq(url, &s, entry, base + 2, NULL), "a lower one not yet seen, within the window");
    CHECK(send_seq(url, &s, entry, base + 5, "replayed_nonce"), "the first again: a replay");
    CHECK(send_seq(url, &s, entry, base + 2, "replayed_nonce"), "the second again: a replay");
    CHECK(send_seq(url, &s, entry, base + 5 + 1023, NULL), "the window moves up");
    CHECK(send_seq(url, &s, entry, base + 6, NULL), "the lowest number still inside it");
    CHECK(send_seq(url, &s, entry, base + 4, "replayed_nonce"), "a number below the window: refused");
    CHECK(send_seq(url, &s, entry, base + 5000, NULL), "a jump beyond the window");
    CHECK(send_seq(url, &s, entry, base + 5000 - 1024, "replayed_nonce"), "one window below it: refused");
    CHECK(send_seq(url, &s, entry, base + 5000 - 1023, NULL), "just inside it: never seen, accepted");
    CHECK(send_seq(url, &s, entry, 0, "unsigned_request"), "sequence number 0 is malformed");
    ck_net_session_clear(&s);
    ck_net_close(cd);
}

/* The regression of a full replay cache: session requests do not use the
 * process's nonce cache (here its smallest, 1024 nonces), so a busy
 * session client is never refused with "replay cache full", and signed
 * requests still find the cache. */
static void test_busy_session(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk);
    ck_net_entry e;
    int ok = 1;
    ck_net_use_sessions(cd, 1);
    ck_net_set_retry(cd, 0); /* a 503 fails the read at once */
    for (int i = 0; i < 3000 && ok; i++) {
        ok = ck_net_entry_get(cd, pat.gid, 1, &e) == 0;
        if (ok) ck_net_entry_clear(&e);
    }
    CHECK(ok, "3000 reads in a session past a 1024-nonce cache: %s", ck_net_error_code(cd));
    ck_net_use_sessions(cd, 0);
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) == 0, "a signed read: %s", ck_net_error_code(cd));
    ck_net_entry_clear(&e);
    ck_net_close(cd);
}

/* A session's nonces live in its process only (no database row): a
 * request replayed after a restart, or at another instance on the same
 * database, finds no session there. */
static void test_replay_elsewhere(ckt_server *srv, int shared)
{
    char fixed[CK_NET_NONCE_HEX + 1];
    ck_net *cd = ckt_client(srv->url, dr.gid, dr.sk);
    ck_net_session s;
    ckt_server other;
    char entry[200];
    raw_req q;
    snprintf(entry, sizeof entry, "/v1/records/%s/entries/1", pat.gid);
    CHECK(ck_net_session_open(cd, &s) == 0, "a session");
    CHECK(ck_net_nonce(fixed, next_seq()) == 0, "a nonce");
    q = (raw_req){.method = "GET", .path = entry, .caller = dr.gid, .s = &s, .origin = ORIGIN,
                  .nonce = fixed, .ts = (int64_t)time(NULL)};
    CHECK(expect(srv->url, &q, 200, NULL), "a request in it");
    CHECK(expect(srv->url, &q, 401, "replayed_nonce"), "replayed at the same instance: refused");
    if (shared && start(&other, "600") == 0) {
        CHECK(expect(other.url, &q, 401, "session_expired"), "replayed at another instance: no such session");
        ckt_stop(&other, SIGTERM);
    }
    ck_net_close(cd);
    ckt_stop(srv, SIGTERM);
    CHECK(start(srv, "600") == 0, "restarted");
    CHECK(expect(srv->url, &q, 401, "session_expired"), "replayed after a restart: no such session");
    ck_net_session_clear(&s);
}

/* A server with sessions off: the handshake is 404 and a client that asked
 * for sessions signs its requests. */
static void test_sessions_off(const char *url)
{
    ck_net *cd = ckt_client(url, dr.gid, dr.sk);
    ck_net_session s;
    ck_net_entry e;
    CHECK(ck_net_session_open(cd, &s) != 0 && ckt_failed(cd, 404, "not_found"), "no sessions here: 404");
    CHECK(metric(url, "carekeyd_sessions_open ", -1) == -1, "and no session gauge");
    ck_net_use_sessions(cd, 1);
    CHECK(ck_net_entry_get(cd, pat.gid, 1, &e) == 0, "the client falls back to signatures: %s", ck_net_error_code(cd));
    ck_net_entry_clear(&e);
    ck_net_close(cd);
}

int main(int argc, char **argv)
{
    ckt_server srv;
    if (ckt_main_begin(argc, argv, "sess", dir, sizeof dir, db, sizeof db) < 0) return 2;
    bin = argv[1];
    ckt_id_new(&admin, "admin");
    ckt_id_new(&dr, "dr-sess");
    ckt_id_new(&pat, "pat-sess");

    CHECK(start(&srv, "600") == 0, "carekeyd starts");
    if (srv.pid > 0) {
        setup_people(srv.url);
        test_handshake_and_attacks(srv.url);
        test_per_caller_limit(srv.url);
        test_client(srv.url);
        test_sequence_window(srv.url);
        test_replay_elsewhere(&srv, strncmp(db, "sqlite:", 7) != 0);
        ckt_stop(&srv, SIGTERM);
    }
    CHECK(start_small_cache(&srv) == 0, "carekeyd starts with a 1024-nonce cache");
    if (srv.pid > 0) {
        test_busy_session(srv.url);
        ckt_stop(&srv, SIGTERM);
    }
    CHECK(start(&srv, "1") == 0, "carekeyd starts with one-second sessions");
    if (srv.pid > 0) {
        test_expiry(srv.url);
        ckt_stop(&srv, SIGTERM);
    }
    CHECK(start(&srv, "0") == 0, "carekeyd starts without sessions");
    if (srv.pid > 0) {
        test_sessions_off(srv.url);
        ckt_stop(&srv, SIGTERM);
    }
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
