/*
 * ckbench.c - load generator for carekeyd (loopback only).
 *
 *   ckbench URL ADMIN_SK_HEX NAME MODE CLIENTS SECONDS MAX_REQUESTS
 *   ckbench pubkey SK_HEX        (prints the Ed25519 public key)
 *
 * MODE append: CLIENTS keep-alive connections, one patient each, append
 * signed 1 KiB entries to her own record, chaining on the hash the server
 * returned. MODE read: CLIENTS keep-alive connections, one doctor each,
 * fetch single entries of a pre-filled record. So that the load generator,
 * which shares the machine with carekeyd, spends little CPU, both are
 * driven by one thread over plain sockets (epoll) with hand-built HTTP/1.1
 * requests, still signed as real clients sign them (each entry by its
 * author, each request with a fresh nonce and time stamp, loaded keys). A
 * read counts only when the status is 200 and the body is the entry asked
 * for (its "seq"); an append only when the status is 201 and the body
 * names the next seq and a hash, which the next append chains on.
 * Requests are authenticated as long-lived clients do: one signed
 * handshake per connection opens a session, then an HMAC per request
 * (docs/API.md, "Sessions"); CKBENCH_AUTH=sign signs every request
 * instead.
 * MODE appendcurl / readcurl: the same through the client library
 * (libcurl), one thread per connection. Setup (enrollment, heads, filling
 * the record) uses the client library. Prints
 *   bench server.NAME.<mode>_per_s V /s
 *   bench server.NAME.<mode>_p50_ms V ms
 *   bench server.NAME.<mode>_p99_ms V ms
 */
#include "carekey/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef CKB_HAVE_SODIUM
#include <sodium.h>
#endif
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 128

static const char *url, *name, *mode;
static uint8_t admin_sk[32];
static int clients;
static double seconds;
static long max_requests;
static volatile int stop; /* set by the timer, read by the workers */
static long issued;
static char run_id[16];
static int sessions = 1; /* MACs in a session (CKBENCH_AUTH=sign: a signature per request) */

typedef struct {
    int idx;
    double *lat;
    long n, cap, errors;
    uint8_t sk[32], pk[32];
    char gid[64];
} worker;

static worker w[MAXC];
static char reader_patient[64];
static uint64_t reader_entries;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int enroll(ck_net *ca, const char *gid, const uint8_t pk[32], const char *role)
{
    ck_net_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "%s", gid);
    memcpy(u.ed25519, pk, 32);
    memcpy(u.x25519, pk, 32);
    if (strcmp(role, "patient") != 0) /* patients are listed by GID: no name */
        snprintf(u.display_name, sizeof u.display_name, "bench");
    snprintf(u.role, sizeof u.role, "%s", role);
    return ck_net_user_enroll(ca, &u);
}

static ck_net *open_as(const char *gid, const uint8_t sk[32])
{
    ck_net_opts o = {url, NULL, 10000};
    ck_net *c = NULL;
    if (ck_net_open(&c, &o) != 0 || ck_net_set_identity(c, gid, sk) != 0) {
        ck_net_close(c);
        return NULL;
    }
    ck_net_use_sessions(c, sessions);
    return c;
}

static int take_ticket(void)
{
    return __atomic_add_fetch(&issued, 1, __ATOMIC_RELAXED) <= max_requests && !stop;
}

static void record(worker *me, double dt)
{
    if (me->n == me->cap) {
        me->cap = me->cap ? me->cap * 2 : 4096;
        me->lat = realloc(me->lat, (size_t)me->cap * sizeof(double));
    }
    me->lat[me->n++] = dt;
}

static void *append_worker(void *arg)
{
    worker *me = arg;
    ck_net *c = open_as(me->gid, me->sk);
    ck_net_head h;
    uint8_t env[1024];
    memset(env, 0x5a, sizeof env);
    if (c == NULL || ck_net_head_get(c, me->gid, &h, NULL, NULL) != 0) {
        me->errors++;
        ck_net_close(c);
        return NULL;
    }
    while (take_ticket()) {
        double t0 = now_s();
        memcpy(env, &me->n, sizeof me->n);
        if (ck_net_append(c, me->gid, "results", "Observation", h.hash, now_ms(), env, sizeof env, &h) == 0)
            record(me, now_s() - t0);
        else
            me->errors++;
    }
    ck_net_close(c);
    return NULL;
}

static void *read_worker(void *arg)
{
    worker *me = arg;
    ck_net *c = open_as(me->gid, me->sk);
    unsigned seed = (unsigned)me->idx * 7919u + 1;
    if (c == NULL) {
        me->errors++;
        return NULL;
    }
    while (take_ticket()) {
        ck_net_entry e;
        uint64_t seq = 1 + (uint64_t)rand_r(&seed) % reader_entries;
        double t0 = now_s();
        if (ck_net_entry_get(c, reader_patient, seq, &e) == 0) {
            record(me, now_s() - t0);
            ck_net_entry_clear(&e);
        } else {
            me->errors++;
        }
    }
    ck_net_close(c);
    return NULL;
}

/* ---- lean loop: one thread, plain sockets ------------------------------ */

typedef struct {
    int fd;
    worker *w;
#ifdef CKB_HAVE_SODIUM
    unsigned char ssk[crypto_sign_SECRETKEYBYTES]; /* expanded once */
#else
    ck_net_signer *signer; /* loaded once */
#endif
    ck_net_session sess; /* id[0] == 0: each request signed (CKBENCH_AUTH=sign) */
    uint64_t seq;      /* read: the entry asked for; append: the head's seq */
    uint8_t head[32];  /* append: the hash the next entry chains on */
    double t0;
    char buf[16384];
    size_t len;
    unsigned seed;
} lconn;

static struct sockaddr_in server_addr;
static char host_hdr[80];
static char origin[96];
static uint8_t envelope[1024]; /* what every append carries (a counter in front) */

static int parse_url(const char *u)
{
    unsigned a, b, c, d, port;
    if (sscanf(u, "http://%u.%u.%u.%u:%u", &a, &b, &c, &d, &port) != 5 || port > 65535) return -1;
    memset(&server_addr, 0, sizeof server_addr);
    server_addr.sin_family = AF_INET;
    server_addr.sin_port = htons((uint16_t)port);
    server_addr.sin_addr.s_addr = htonl((a << 24) | (b << 16) | (c << 8) | d);
    snprintf(host_hdr, sizeof host_hdr, "%u.%u.%u.%u:%u", a, b, c, d, port);
    snprintf(origin, sizeof origin, "http://%s", host_hdr); /* what v2 request strings name */
    return 0;
}

static int lconnect(lconn *c, int ep)
{
    int one = 1;
    struct epoll_event ev;
    if ((c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = c;
    return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static int lsign(lconn *c, uint8_t sig[64], const void *msg, size_t len)
{
#ifdef CKB_HAVE_SODIUM
    return crypto_sign_detached(sig, NULL, msg, len, c->ssk);
#else
    return ck_net_signer_sign(c->signer, sig, msg, len);
#endif
}

static int lsend_all(lconn *c, const char *p, size_t n)
{
    size_t off = 0;
    while (off < n) { /* blocking socket: a request fits the send buffer */
        ssize_t k = send(c->fd, p + off, n - off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        off += (size_t)k;
    }
    return 0;
}

/* Signs and sends METHOD PATH with BODY (or none) as the worker; 0 or -1. */
static int lrequest(lconn *c, const char *method, const char *path, const char *body, size_t body_len)
{
    char nonce[CK_NET_NONCE_HEX + 1], sighex[129], req[4096], clen[96] = "", auth[200], *msg;
    uint8_t sig[64];
    int64_t ts = (int64_t)(now_ms() / 1000);
    int n;
    if (ck_net_nonce(nonce, c->sess.id[0] ? ++c->sess.seq : 0) != 0) return -1;
    msg = ck_net_req_string(origin, method, path, c->w->gid, ts, nonce, NULL, (const uint8_t *)body, body_len);
    if (msg == NULL) return -1;
    if (c->sess.id[0]) {
        ck_net_req_mac(sig, c->sess.key, msg, strlen(msg));
        ck_net_hex(sighex, sig, 32);
        snprintf(auth, sizeof auth, "X-CK-Session: %s\r\nX-CK-MAC: %s", c->sess.id, sighex);
        n = 0;
    } else {
        n = lsign(c, sig, msg, strlen(msg));
        ck_net_hex(sighex, sig, 64);
        snprintf(auth, sizeof auth, "X-CK-Signature: %s", sighex);
    }
    free(msg);
    if (n != 0) return -1;
    if (body) snprintf(clen, sizeof clen, "Content-Type: application/json\r\nContent-Length: %zu\r\n", body_len);
    n = snprintf(req, sizeof req,
                 "%s %s HTTP/1.1\r\nHost: %s\r\nX-CK-GID: %s\r\nX-CK-Time: %lld\r\nX-CK-Nonce: %s\r\n"
                 "%s\r\n%s\r\n%.*s",
                 method, path, host_hdr, c->w->gid, (long long)ts, nonce, auth, clen, (int)body_len,
                 body ? body : "");
    if (n <= 0 || (size_t)n >= sizeof req) return -1; /* one send: head and body in one segment */
    c->t0 = now_s();
    c->len = 0;
    return lsend_all(c, req, (size_t)n);
}

static int lsend_read(lconn *c)
{
    char path[160];
    c->seq = 1 + (uint64_t)rand_r(&c->seed) % reader_entries;
    snprintf(path, sizeof path, "/v1/records/%s/entries/%llu", reader_patient, (unsigned long long)c->seq);
    return lrequest(c, "GET", path, NULL, 0);
}

/* The next entry of the worker's record, signed by her, as a POST. */
static int lsend_append(lconn *c)
{
    char b64[1400];
    char path[160], body[2048], prev[65], sighex[129];
    uint8_t tbs[CK_NET_ENTRY_TBS_MAX], sig[64];
    size_t tbslen;
    ck_net_entry_fields f;
    int n;
    memcpy(envelope, &c->w->n, sizeof c->w->n);
    memset(&f, 0, sizeof f);
    f.patient = c->w->gid;
    memcpy(f.prev_hash, c->head, 32);
    f.section = "results";
    f.resource_type = "Observation";
    f.author = c->w->gid;
    f.time_ms = now_ms();
    f.envelope = envelope;
    f.envelope_len = sizeof envelope;
    if (ck_net_entry_tbs(tbs, sizeof tbs, &tbslen, &f) != 0 || lsign(c, sig, tbs, tbslen) != 0) return -1;
    ck_net_b64(b64, envelope, sizeof envelope);
    ck_net_hex(prev, c->head, 32);
    ck_net_hex(sighex, sig, 64);
    n = snprintf(body, sizeof body,
                 "{\"section\":\"results\",\"resource_type\":\"Observation\",\"author\":\"%s\",\"prev_hash\":\"%s\","
                 "\"time\":%llu,\"envelope\":\"%s\",\"signature\":\"%s\"}",
                 f.author, prev, (unsigned long long)f.time_ms, b64, sighex);
    if (n <= 0 || (size_t)n >= sizeof body) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/entries", c->w->gid);
    return lrequest(c, "POST", path, body, (size_t)n);
}

/* A read's answer: 200 and the entry asked for. */
static int lcheck_read(lconn *c, const char *status, const char *body)
{
    char want[40];
    int wl = snprintf(want, sizeof want, "{\"seq\":%llu,", (unsigned long long)c->seq);
    return strncmp(status, "HTTP/1.1 200 ", 13) == 0 && strncmp(body, want, (size_t)wl) == 0;
}

/* An append's answer: 201, the next seq and the new head's hash. */
static int lcheck_append(lconn *c, const char *status, const char *body)
{
    char want[40], hex[65];
    const char *h = strstr(body, "\"hash\":\"");
    snprintf(want, sizeof want, "\"seq\":%llu,", (unsigned long long)c->seq + 1);
    if (strncmp(status, "HTTP/1.1 201 ", 13) != 0 || strstr(body, want) == NULL || h == NULL) return 0;
    h += 8;
    if (strnlen(h, 65) < 65 || h[64] != '"') return 0;
    memcpy(hex, h, 64);
    hex[64] = 0;
    if (ck_net_unhex(c->head, 32, hex) != 0) return 0;
    c->seq++;
    return 1;
}

/* 1 complete (ok set), 0 need more, -1 malformed. */
static int lparse(lconn *c, int append, int *ok)
{
    char *end, *p;
    size_t hlen, clen = 0;
    int have_cl = 0;
    c->buf[c->len] = 0;
    if ((end = strstr(c->buf, "\r\n\r\n")) == NULL) return c->len >= sizeof c->buf - 1 ? -1 : 0;
    hlen = (size_t)(end - c->buf) + 4;
    for (p = strstr(c->buf, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, "Content-Length:", 15) == 0) {
            clen = strtoul(p + 17, NULL, 10);
            have_cl = 1;
        }
    if (!have_cl || hlen + clen >= sizeof c->buf) return -1;
    if (c->len < hlen + clen) return 0;
    if (c->len != hlen + clen) return -1; /* one request in flight: nothing may follow */
    *ok = append ? lcheck_append(c, c->buf, c->buf + hlen) : lcheck_read(c, c->buf, c->buf + hlen);
    return 1;
}

static int lsend(lconn *c, int append)
{
    return append ? lsend_append(c) : lsend_read(c);
}

/* Each connection's key, its socket, and for an appender her head. */
static int lsetup(lconn *c, worker *wk, int ep, int append)
{
    c->w = wk;
    c->seed = (unsigned)wk->idx * 7919u + 1;
#ifdef CKB_HAVE_SODIUM
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, c->ssk, wk->sk) != 0 || memcmp(pk, wk->pk, 32) != 0)
        return -1;
#else
    if ((c->signer = ck_net_signer_new(wk->sk)) == NULL) return -1;
#endif
    {
        ck_net *n = open_as(wk->gid, wk->sk);
        ck_net_head h;
        int rc = n == NULL ? -1 : 0;
        if (rc == 0 && append && ck_net_head_get(n, wk->gid, &h, NULL, NULL) != 0) rc = -1;
        if (rc == 0 && sessions && ck_net_session_open(n, &c->sess) != 0) rc = -1;
        ck_net_close(n);
        if (rc != 0) return -1;
        if (append) {
            c->seq = h.seq;
            memcpy(c->head, h.hash, 32);
        }
    }
    return lconnect(c, ep);
}

/* After an answer (or a closed connection): the next request, if any. */
static int lnext(lconn *c, int append, int *active)
{
    if (!take_ticket()) return 0;
    if (lsend(c, append) != 0) return -1;
    (*active)++;
    return 0;
}

/* A closed connection counts as an error; a reader reconnects, an
 * appender stops (her head is unknown now). */
static int lclosed(lconn *c, int ep, int append, int *active)
{
    c->w->errors++;
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    (*active)--;
    if (append) return 0;
    return lconnect(c, ep) != 0 ? -1 : lnext(c, append, active);
}

static int lean_loop(int append)
{
    lconn *cs = calloc((size_t)clients, sizeof *cs);
    struct epoll_event evs[MAXC];
    int ep = epoll_create1(EPOLL_CLOEXEC), active = 0, rc = -1;
    memset(envelope, 0x5a, sizeof envelope);
    if (cs == NULL || ep < 0 || parse_url(url) != 0) {
        fprintf(stderr, "ckbench: the lean modes need http://A.B.C.D:PORT\n");
        goto out;
    }
    for (int i = 0; i < clients; i++) {
        cs[i].fd = -1;
        if (lsetup(&cs[i], &w[i], ep, append) != 0) goto out;
    }
    for (int i = 0; i < clients; i++)
        if (lnext(&cs[i], append, &active) != 0) goto out;
    while (active > 0) {
        int n = epoll_wait(ep, evs, MAXC, 100);
        if (n < 0 && errno != EINTR) goto out;
        for (int k = 0; k < n; k++) {
            lconn *c = evs[k].data.ptr;
            ssize_t got = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, MSG_DONTWAIT);
            int ok = 0, st;
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (got <= 0) {
                if (lclosed(c, ep, append, &active) != 0) goto out;
                continue;
            }
            c->len += (size_t)got;
            if ((st = lparse(c, append, &ok)) == 0) continue;
            active--;
            if (st < 0 || !ok) { /* an appender's chain is lost: she stops */
                c->w->errors++;
                if (append) continue;
            } else {
                record(c->w, now_s() - c->t0);
            }
            if (lnext(c, append, &active) != 0) goto out;
        }
    }
    rc = 0;
out:
    for (int i = 0; cs && i < clients; i++) {
        if (cs[i].fd >= 0) close(cs[i].fd);
        ck_net_session_clear(&cs[i].sess);
#ifdef CKB_HAVE_SODIUM
        sodium_memzero(cs[i].ssk, sizeof cs[i].ssk);
#else
        ck_net_signer_free(cs[i].signer);
#endif
    }
    if (ep >= 0) close(ep);
    free(cs);
    return rc;
}

/* Ends the run after SECONDS (or when the request budget is spent). */
static void *stop_timer(void *arg)
{
    double t0 = now_s();
    (void)arg;
    while (!stop && now_s() - t0 < seconds && __atomic_load_n(&issued, __ATOMIC_RELAXED) < max_requests) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    stop = 1;
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    pthread_t th[MAXC];
    ck_net *ca;
    double t0, elapsed;
    long total = 0, errors = 0, k = 0;
    double *all;
    int is_append, lean;

    if (argc == 3 && !strcmp(argv[1], "pubkey")) { /* helper for bench/server.sh */
        uint8_t sk[32], pk[32];
        char hex[65];
        if (ck_net_unhex(sk, 32, argv[2]) != 0 || ck_net_ed25519_public(pk, sk) != 0) return 2;
        ck_net_hex(hex, pk, 32);
        printf("%s\n", hex);
        return 0;
    }
    if (argc != 8) {
        fprintf(stderr, "usage: ckbench URL ADMIN_SK_HEX NAME append|read|appendcurl|readcurl CLIENTS SECONDS MAX_REQUESTS\n");
        return 2;
    }
    url = argv[1];
    if (ck_net_unhex(admin_sk, 32, argv[2]) != 0) return 2;
    name = argv[3];
    mode = argv[4];
    clients = atoi(argv[5]);
    seconds = atof(argv[6]);
    max_requests = atol(argv[7]);
    is_append = !strcmp(mode, "append") || !strcmp(mode, "appendcurl");
    lean = !strcmp(mode, "read") || !strcmp(mode, "append");
    if (!is_append && !lean && strcmp(mode, "readcurl") != 0) return 2;
    if (clients < 1 || clients > MAXC || seconds <= 0 || max_requests < 1) return 2;
    if (ck_net_global_init() != 0) return 2;
    if (getenv("CKBENCH_AUTH") && !strcmp(getenv("CKBENCH_AUTH"), "sign")) sessions = 0;
    /* PID too: two instances run at once against one database (server.sh). */
    snprintf(run_id, sizeof run_id, "%lx%x", (unsigned long)now_ms() & 0xffffff, (unsigned)getpid() & 0xfff);
    if ((ca = open_as("admin", admin_sk)) == NULL) return 1;

    for (int i = 0; i < clients; i++) {
        w[i].idx = i;
        snprintf(w[i].gid, sizeof w[i].gid, "b%s-%s-%d", run_id, is_append ? "p" : "r", i);
        if (ck_net_ed25519_keygen(w[i].pk, w[i].sk) != 0 ||
            enroll(ca, w[i].gid, w[i].pk, is_append ? "patient" : "doctor") != 0) {
            fprintf(stderr, "enroll failed: %s\n", ck_net_error_code(ca));
            return 1;
        }
    }
    if (!is_append) { /* one patient, 200 entries to read */
        uint8_t pk[32], sk[32], env[1024];
        ck_net *cp;
        ck_net_head h;
        snprintf(reader_patient, sizeof reader_patient, "b%s-patient", run_id);
        if (ck_net_ed25519_keygen(pk, sk) != 0 || enroll(ca, reader_patient, pk, "patient") != 0) return 1;
        if ((cp = open_as(reader_patient, sk)) == NULL || ck_net_head_get(cp, reader_patient, &h, NULL, NULL) != 0)
            return 1;
        memset(env, 0x33, sizeof env);
        for (reader_entries = 0; reader_entries < 200; reader_entries++)
            if (ck_net_append(cp, reader_patient, "results", "Observation", h.hash, now_ms(), env, sizeof env, &h) != 0)
                return 1;
        /* Readers need a standing on the record: a read grant each. */
        for (int i = 0; i < clients; i++)
            if (ck_net_grant_access(cp, reader_patient, w[i].gid, "read", "*", 0, 0, NULL) != 0) return 1;
        ck_net_close(cp);
    }
    ck_net_close(ca);

    t0 = now_s();
    if (lean) {
        pthread_t timer;
        pthread_create(&timer, NULL, stop_timer, NULL);
        if (lean_loop(is_append) != 0) {
            fprintf(stderr, "ckbench: connection setup failed\n");
            return 1;
        }
        stop = 1;
        pthread_join(timer, NULL);
    } else {
        for (int i = 0; i < clients; i++)
            pthread_create(&th[i], NULL, is_append ? append_worker : read_worker, &w[i]);
        stop_timer(NULL);
        for (int i = 0; i < clients; i++) pthread_join(th[i], NULL);
    }
    elapsed = now_s() - t0;

    for (int i = 0; i < clients; i++) {
        total += w[i].n;
        errors += w[i].errors;
    }
    if (total == 0) {
        fprintf(stderr, "ckbench: no successful requests\n");
        return 1;
    }
    all = malloc((size_t)total * sizeof *all);
    for (int i = 0; i < clients; i++) {
        memcpy(all + k, w[i].lat, (size_t)w[i].n * sizeof *all);
        k += w[i].n;
        free(w[i].lat);
    }
    qsort(all, (size_t)total, sizeof *all, cmp);
    printf("bench server.%s.%s_per_s %.0f /s\n", name, mode, total / elapsed);
    printf("bench server.%s.%s_p50_ms %.2f ms\n", name, mode, all[total / 2] * 1e3);
    printf("bench server.%s.%s_p99_ms %.2f ms\n", name, mode, all[(long)(total * 0.99)] * 1e3);
    if (errors) fprintf(stderr, "ckbench: %ld errors\n", errors);
    free(all);
    return errors > total / 100 ? 1 : 0;
}
