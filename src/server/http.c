/*
 * http.c - libmicrohttpd glue: the daemon's life cycle, request bodies,
 * JSON responses and per-request metrics.
 *
 * MHD runs an epoll thread pool; each request is handled on its
 * connection's thread. Reads run there; a write the reply must wait for
 * (the audit row of a read, an append) goes to the store asynchronously:
 * the connection is suspended, the store's writer (SQLite) or a group
 * commit's thread (PostgreSQL) resumes it once the commit holding the
 * write returned, and the reply is queued then (write_then). So no worker
 * thread waits for an fsync.
 * The same path holds back every other reply until the request's replay
 * nonce is durable (queue: a barrier through the writer), so a request
 * answered before a crash is refused after it.
 * URLs are taken raw, as the URI log callback sees them: no %-unescaping
 * and no '+' to space in the query. Every path segment we accept is plain
 * ASCII, and the raw bytes are what clients sign.
 * The guard (src/httpd/guard.h) limits connections per address and gives
 * each request a deadline from accept that activity does not extend.
 */
#include "ckd.h"
#include "guard.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double ckd_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int64_t ckd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result hold_until_synced(ckd_req *r, int status, char *text, size_t len, const char *ctype);

static enum MHD_Result queue(ckd_req *r, int status, char *text, size_t len, const char *ctype)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    if (text == NULL) return MHD_NO; /* out of memory: drop the connection */
    if (r->replayed) { /* its deferred nonce was used before: no data leaves */
        free(text);
        r->replayed = 0;
        return ckd_fail(r, CKD_E_REPLAY, "nonce already used");
    }
    if (r->nonce_unsynced) return hold_until_synced(r, status, text, len, ctype);
    resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* 503: the database has no primary for now (a failover takes seconds). */
    if (status == 503) MHD_add_response_header(resp, "Retry-After", "1");
    if (__atomic_load_n(&r->srv->draining, __ATOMIC_RELAXED)) MHD_add_response_header(resp, "Connection", "close");
    ret = MHD_queue_response(r->con, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    r->responded = 1;
    return ret;
}

enum MHD_Result ckd_reply(ckd_req *r, int status, json_t *body)
{
    char *text;
    if (body == NULL) return ckd_fail(r, CKD_E_INTERNAL, "out of memory");
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return queue(r, status, text, text ? strlen(text) : 0, "application/json");
}

enum MHD_Result ckd_reply_text(ckd_req *r, int status, const char *ctype, char *text)
{
    return queue(r, status, text, text ? strlen(text) : 0, ctype);
}

enum MHD_Result ckd_reply_raw(ckd_req *r, int status, char *text, size_t len)
{
    return queue(r, status, text, len, "application/json");
}

/* The nonce's fate is known once a write carrying it (or queued after it)
 * is done: committed, or (a deferred nonce) found used before. */
static void nonce_settled(ckd_req *r, ck_store_rc rc)
{
    if (rc == CK_STORE_REPLAYED && r->nonce_deferred) r->replayed = 1;
    if (rc == CK_STORE_OK || r->replayed) r->nonce_unsynced = r->nonce_deferred = 0;
}

/* The writer thread: the write is durable (or failed). Resume the
 * connection; r may be gone as soon as MHD_resume_connection returns. The
 * write was queued after the request's nonce, so that is durable too. */
static void write_done(void *ctx, ck_store_rc rc)
{
    ckd_req *r = ctx;
    ckd_server *s = r->srv;
    r->job_rc = rc;
    r->job_unavailable = ck_store_unavailable();
    nonce_settled(r, rc);
    MHD_resume_connection(r->con);
    __atomic_sub_fetch(&s->async_state, 1, __ATOMIC_RELEASE);
}

enum { JOB_AUDIT, JOB_APPEND, JOB_SYNC };

static const ck_store_nonce *deferred_nonce(ckd_req *r, ck_store_nonce *n)
{
    if (!r->nonce_deferred) return NULL;
    *n = (ck_store_nonce){r->caller, r->nonce, r->nonce_now, r->nonce_expire};
    return n;
}

ck_store_rc ckd_audit_write(ckd_req *r, const ck_store_audit *a)
{
    ck_store_nonce n;
    ck_store_rc rc = ck_store_audit_nonce(r->srv->store, a, deferred_nonce(r, &n));
    nonce_settled(r, rc);
    return r->replayed ? CK_STORE_OK : rc; /* a replay is answered as such, not as a failed audit */
}

static ck_store_rc job_sync(ckd_req *r, int kind)
{
    ck_store *st = r->srv->store;
    ck_store_nonce n;
    if (r->nonce_deferred && kind == JOB_APPEND)
        return ck_store_append_nonce(st, &r->job_entry, &r->job_audit, deferred_nonce(r, &n));
    if (r->nonce_deferred)
        return ck_store_audit_nonce(st, kind == JOB_AUDIT ? &r->job_audit : NULL, deferred_nonce(r, &n));
    if (kind == JOB_APPEND) return ck_store_append(st, &r->job_entry, &r->job_audit);
    if (kind == JOB_AUDIT) return ck_store_audit_add(st, &r->job_audit);
    return CK_STORE_OK; /* a barrier without a writer thread: writes were synchronous */
}

static ck_store_rc job_async(ckd_req *r, int kind)
{
    ck_store *st = r->srv->store;
    ck_store_nonce n;
    if (r->nonce_deferred && kind != JOB_APPEND)
        return ck_store_audit_nonce_async(st, kind == JOB_AUDIT ? &r->job_audit : NULL, deferred_nonce(r, &n),
                                          write_done, r);
    if (kind == JOB_APPEND)
        return ck_store_append_nonce_async(st, &r->job_entry, &r->job_audit, deferred_nonce(r, &n), write_done, r);
    if (kind == JOB_AUDIT) return ck_store_audit_add_async(st, &r->job_audit, write_done, r);
    return ck_store_sync_async(st, write_done, r);
}

/* A replay found by the write (a deferred nonce) is answered as one;
 * whatever the request prepared is dropped. */
static enum MHD_Result after_write(ckd_req *r, ckd_then then, ck_store_rc rc)
{
    if (r->replayed) {
        free(r->held);
        r->held = NULL;
        r->replayed = 0; /* answered here: queue() need not turn this reply again */
        return ckd_fail(r, CKD_E_REPLAY, "nonce already used");
    }
    return then(r, rc);
}

static enum MHD_Result write_then(ckd_req *r, ckd_then then, int kind)
{
    ckd_server *s = r->srv;
    ck_store_rc rc;
    int async = kind == JOB_APPEND ? ck_store_async_append(s->store) : ck_store_async(s->store);
    if (async && (__atomic_add_fetch(&s->async_state, 1, __ATOMIC_ACQ_REL) & CKD_ASYNC_CLOSED)) {
        __atomic_sub_fetch(&s->async_state, 1, __ATOMIC_RELEASE);
        async = 0;
    }
    if (!async) {
        /* Stopping (or no writer thread): a synchronous write returns once
         * durable, and jobs run in queue order, so the nonce is too. */
        rc = job_sync(r, kind);
        nonce_settled(r, rc);
        if (!ck_store_async(s->store)) r->nonce_unsynced = 0;
        return after_write(r, then, rc);
    }
    /* Suspend first: the writer may finish before the submit returns. */
    r->then = then;
    MHD_suspend_connection(r->con);
    rc = job_async(r, kind);
    if (rc != CK_STORE_OK) write_done(r, rc); /* not queued: resume with the error */
    return MHD_YES;
}

enum MHD_Result ckd_audit_then(ckd_req *r, ckd_then then) { return write_then(r, then, JOB_AUDIT); }
enum MHD_Result ckd_append_then(ckd_req *r, ckd_then then) { return write_then(r, then, JOB_APPEND); }

/* The barrier committed: the held reply may go, else nothing does (a
 * request must not be answered while a crash could let it be replayed). */
static enum MHD_Result synced(ckd_req *r, ck_store_rc rc)
{
    char *text = r->held;
    r->held = NULL;
    r->nonce_unsynced = 0;
    if (rc != CK_STORE_OK) {
        free(text);
        ckd_log(CKD_ERROR, "replay nonce not durable", "%s", "");
        return ckd_fail(r, CKD_E_INTERNAL, "storage error");
    }
    return queue(r, r->held_status, text, r->held_len, r->held_ctype);
}

/* Keeps the reply and sends a barrier through the store's writer; the
 * reply is queued once the nonce it follows is durable. */
static enum MHD_Result hold_until_synced(ckd_req *r, int status, char *text, size_t len, const char *ctype)
{
    free(r->held);
    r->held = text;
    r->held_len = len;
    r->held_status = status;
    r->held_ctype = ctype;
    return write_then(r, synced, JOB_SYNC);
}

enum MHD_Result ckd_fail(ckd_req *r, ckd_err e, const char *message)
{
    json_t *j;
    char *text;
    /* A storage error for want of a primary database is temporary: the
     * client retries after Retry-After, and a write that may have
     * committed is resolved by the client reading the record. */
    if (e == CKD_E_INTERNAL && ck_store_unavailable()) {
        e = CKD_E_UNAVAILABLE;
        message = "the database is unavailable (failover); retry";
    }
    j = json_pack("{s:{s:s,s:s}}", "error", "code", ckd_err_code(e), "message", message);
    r->err = (int)e;
    text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return queue(r, ckd_err_status(e), text, text ? strlen(text) : 0, "application/json");
}

/* Keep the URL as sent: see the file comment. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

/* Before libmicrohttpd parses the request target: keep it raw. What this
 * returns is the request's context (*con_cls) from then on. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    ckd_req *r = calloc(1, sizeof *r);
    size_t n;
    const char *q;
    (void)con;
    if (r == NULL) return NULL;
    r->srv = cls;
    r->nparams = -1;
    n = uri ? strlen(uri) : 0;
    if (n >= sizeof r->uri) {
        r->too_large = 2;
        return r;
    }
    memcpy(r->uri, uri, n + 1);
    q = strchr(r->uri, '?');
    n = q ? (size_t)(q - r->uri) : n;
    if (n >= sizeof r->path) {
        r->too_large = 2;
        return r;
    }
    memcpy(r->path, r->uri, n);
    r->path[n] = 0;
    r->query = q ? q + 1 : NULL;
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    ckd_server *s = cls;
    ckd_req *r = *con_cls;
    (void)version;
    (void)url; /* the raw target came through on_uri */

    if (r == NULL) return MHD_NO; /* on_uri ran out of memory */
    if (r->con == NULL) {
        const char *cl;
        r->con = con;
        r->method = method;
        r->t0 = ckd_now_s();
        r->err = -1;
        r->status = 500;
        ckd_metrics_inflight(1);
        /* Refuse a declared oversized body before reading any of it. */
        cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > (unsigned long long)s->cfg.max_body)
            return ckd_fail(r, CKD_E_TOO_LARGE, "request body exceeds the configured limit");
        return MHD_YES;
    }
    if (r->then) { /* resumed: the store write finished */
        ckd_then then = r->then;
        r->then = NULL;
        ck_store_set_unavailable(r->job_unavailable);
        return after_write(r, then, r->job_rc);
    }
    if (r->responded || r->held) { /* e.g. 413 queued: discard whatever still arrives */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large || r->body_len + n > (size_t)s->cfg.max_body) {
            r->too_large = 1;
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_cap) {
            size_t cap = r->body_cap ? r->body_cap : 4096;
            char *nb;
            while (cap < r->body_len + n + 1) cap *= 2;
            if ((nb = realloc(r->body, cap)) == NULL) return MHD_NO;
            r->body = nb;
            r->body_cap = cap;
        }
        memcpy(r->body + r->body_len, upload, n);
        r->body_len += n;
        r->body[r->body_len] = 0;
        return MHD_YES;
    }
    ck_guard_request_arrived(s->guard, con); /* the whole request is in: its deadline is met */
    if (r->too_large == 1) return ckd_fail(r, CKD_E_TOO_LARGE, "request body exceeds the configured limit");
    if (r->too_large == 2) return ckd_fail(r, CKD_E_BAD_PATH, "path too long");
    return ckd_dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    ckd_req *r = *con_cls;
    ckd_server *s = cls;
    if (r == NULL) return;
    ck_guard_request_done(s->guard, con); /* a keep-alive's next request has its own deadline */
    if (r->con == NULL) { /* the request never reached the handler */
        free(r);
        *con_cls = NULL;
        return;
    }
    double dt = ckd_now_s() - r->t0;
    ckd_metrics_observe(r->route, r->responded ? r->status : 0, dt, r->err);
    if (ckd_log_enabled(CKD_DEBUG))
        ckd_log(CKD_DEBUG, "request", "route=%s status=%d code=%s dur_ms=%.3f term=%d",
                ckd_route_name(r->route), r->status, r->err >= 0 ? ckd_err_code((ckd_err)r->err) : "-",
                dt * 1e3, (int)toe);
    ckd_metrics_inflight(-1);
    if (r->body) OPENSSL_cleanse(r->body, r->body_len); /* bodies may hold sealed key deliveries */
    free(r->body);
    free(r->reply);
    free(r->held);
    ck_store_entry_clear(&r->job_entry);
    free(r->job_drop);
    free(r->memo);
    free(r);
    *con_cls = NULL;
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[600];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if ((f = fopen(tmp, "w")) == NULL) return -1;
    fprintf(f, "%u\n", port);
    if (fclose(f) != 0) return -1;
    return rename(tmp, path); /* readers never see a half-written file */
}

static void load_nonce(void *ctx, const char *caller, const char *nonce, int64_t created_at)
{
    ckd_server *s = ctx;
    /* Same expiry as when it was first seen (auth.c). A full cache is not
     * an error here: requests will get 503 until entries expire. */
    (void)!ckd_replay_check(s->replay, caller, nonce, ckd_now_ms(), created_at + 2000L * s->cfg.clock_skew);
}

/* Nonces a previous run (or, with PostgreSQL, another instance) accepted
 * within the window: with them in memory, a replay is refused without a
 * database read per request. */
static int load_nonces(ckd_server *s)
{
    if (ck_store_nonce_load(s->store, ckd_now_ms() - 2000L * s->cfg.clock_skew, load_nonce, s) != CK_STORE_OK) {
        ckd_log(CKD_ERROR, "cannot load replay nonces", "%s", "");
        return -1;
    }
    return 0;
}

/* Starts MHD with the guard's options (connection limits, deadline) and
 * ours; TLS when configured. 0, or -1 (logged). */
static int start_daemon(ckd_server *s, unsigned flags, struct sockaddr_in *sa)
{
    struct MHD_OptionItem o[16], *g = o;
    ck_guard_opts go;
    size_t n = 0;

    /* The global limit stays well above one address's share, so an honest
     * client finds a slot while a few addresses hold theirs. */
    go.per_ip_max = (unsigned)s->cfg.per_ip_conns;
    go.deadline_ms = (unsigned)s->cfg.request_deadline * 1000u;
    go.max_conns = (unsigned)s->cfg.max_conns;
    if ((s->guard = ck_guard_new(&go)) == NULL) return -1;
    n = ck_guard_mhd_options(s->guard, g, CK_GUARD_MHD_OPTIONS) - 1; /* drop its END: ours follow */
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, s->cfg.threads, NULL};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, sa};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, s};
    o[n++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)no_unescape, NULL};
    n += ck_tls_mhd_options(&s->tls, &o[n]);
    o[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->mhd = MHD_start_daemon(flags, (uint16_t)s->cfg.port, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, o,
                              MHD_OPTION_END);
    if (s->mhd == NULL) {
        ckd_log(CKD_ERROR, "cannot start the HTTP daemon", "listen=%s port=%d", s->cfg.listen, s->cfg.port);
        return -1;
    }
    return 0;
}

int ckd_server_start(ckd_server *s)
{
    ck_store_opts so = {s->cfg.db_pool, 5000};
    struct sockaddr_in sa;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    const union MHD_DaemonInfo *info;
    ck_store_rc src;

    ckd_log_level(s->cfg.log_level);
    s->started_ms = ckd_now_ms();
    s->async_state = 0;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)s->cfg.port);
    if (inet_pton(AF_INET, s->cfg.listen, &sa.sin_addr) != 1) {
        ckd_log(CKD_ERROR, "bad listen address", "listen=%s", s->cfg.listen);
        return -1;
    }
    /* SQLite readers are cheap file handles: one per worker thread avoids
     * queueing for a connection. PostgreSQL connections are not: db_pool. */
    if (strncmp(s->cfg.db, "postgres", 8) != 0 && so.readers < s->cfg.threads + 2) so.readers = s->cfg.threads + 2;
    if ((src = ck_store_open(&s->store, s->cfg.db, &so)) != CK_STORE_OK) {
        ckd_log(CKD_ERROR, "cannot open the database", "backend=%s",
                strncmp(s->cfg.db, "postgres", 8) == 0 ? "postgres" : "sqlite");
        return -1;
    }
    s->nonce_db = s->cfg.nonce_db >= 0 ? s->cfg.nonce_db : 1;
    s->replay = ckd_replay_new(s->cfg.replay_cap);
    s->rl = ckd_ratelimit_new(s->cfg.rate, s->cfg.burst);
    s->users = ckd_users_new(ck_store_shared(s->store) ? CKD_USERS_TTL_SHARED_MS : 0);
    /* Only a shared database keeps record generations; SQLite reads are
     * in-process and need no cache. */
    if (ck_store_shared(s->store) && (s->rcache = ckd_rcache_new(CKD_RCACHE_BYTES)) == NULL) goto fail;
    /* Unauthenticated people may submit enrollment requests: a few a minute per address. */
    s->enroll_rl = ckd_ratelimit_new(s->cfg.enroll_rate / 60.0, s->cfg.enroll_rate > 5 ? s->cfg.enroll_rate : 5);
    if (s->cfg.session_ttl > 0 &&
        (s->sessions = ckd_sessions_new(s->cfg.session_max, s->cfg.session_ttl, CKD_SESSIONS_PER_CALLER)) == NULL)
        goto fail;
    if (s->replay == NULL || s->rl == NULL || s->users == NULL || s->enroll_rl == NULL) goto fail;
    /* Unknown callers are checked against this key, so they cost (and
     * answer) like a bad signature (auth.c). */
    if (ck_net_random(s->dummy_pk, 32) != 0) goto fail;
    if (s->nonce_db && load_nonces(s) != 0) goto fail;
    if (s->cfg.tls_cert[0]) {
        char why[512];
        if (ck_tls_load(&s->tls, s->cfg.tls_cert, s->cfg.tls_key, why, sizeof why) != 0) {
            ckd_log(CKD_ERROR, "TLS", "%s", why);
            goto fail;
        }
        flags |= ck_tls_mhd_flags(&s->tls);
    }
    if (start_daemon(s, flags, &sa) != 0) goto fail;
    info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->bound_port = info ? info->port : (uint16_t)s->cfg.port;
    if (ckd_origins_init(s) != 0) {
        ckd_log(CKD_ERROR, "too many origins", "%s", "");
        goto fail;
    }
    if (s->cfg.port_file[0] && write_port_file(s->cfg.port_file, s->bound_port) != 0) {
        ckd_log(CKD_ERROR, "cannot write the port file", "%s", "");
        goto fail;
    }
    ckd_log(CKD_INFO, "listening", "listen=%s port=%u tls=%s backend=%s schema=%d threads=%d nonce_store=%s",
            s->cfg.listen, (unsigned)s->bound_port, ck_tls_on(&s->tls) ? "on" : "off",
            ck_store_backend(s->store), ck_store_schema_version(s->store), s->cfg.threads,
            s->nonce_db ? "db" : "memory");
    if (!s->cfg.have_admin) ckd_log(CKD_WARN, "no --admin-key: nobody can enroll users", "%s", "");
    return 0;
fail:
    ckd_server_stop(s);
    return -1;
}

void ckd_server_stop(ckd_server *s)
{
    if (s->mhd) {
        double deadline = ckd_now_s() + s->cfg.grace;
        MHD_socket lsock;
        __atomic_store_n(&s->draining, 1, __ATOMIC_RELAXED);
        /* Stop accepting; let requests already in progress finish. */
        lsock = MHD_quiesce_daemon(s->mhd);
        while (ckd_metrics_inflight_now() > 0 && ckd_now_s() < deadline) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (ckd_metrics_inflight_now() > 0)
            ckd_log(CKD_WARN, "grace period over, closing busy connections", "inflight=%ld",
                    ckd_metrics_inflight_now());
        /* MHD must not stop with suspended connections: from now on writes
         * run synchronously, and every queued one resumes its connection
         * (the store's writer is still running). */
        __atomic_or_fetch(&s->async_state, CKD_ASYNC_CLOSED, __ATOMIC_ACQ_REL);
        while (__atomic_load_n(&s->async_state, __ATOMIC_ACQUIRE) != CKD_ASYNC_CLOSED) {
            struct timespec ts = {0, 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        MHD_stop_daemon(s->mhd);
        if (lsock != MHD_INVALID_SOCKET) close(lsock);
        s->mhd = NULL;
    }
    ck_guard_free(s->guard); /* after the daemon: no connection is registered any more */
    s->guard = NULL;
    ck_store_close(s->store); /* the writer finishes its queue first */
    s->store = NULL;
    ckd_replay_free(s->replay);
    ckd_sessions_free(s->sessions);
    s->sessions = NULL;
    ckd_ratelimit_free(s->rl);
    ckd_ratelimit_free(s->enroll_rl);
    s->enroll_rl = NULL;
    ckd_users_free(s->users);
    ckd_rcache_free(s->rcache);
    s->rcache = NULL;
    s->replay = NULL;
    s->rl = NULL;
    s->users = NULL;
    ck_tls_free(&s->tls);
}
