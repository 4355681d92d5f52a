/*
 * src/agent/proto.c - encoding and strict decoding of the agent's
 * messages, and sending them with descriptors (proto.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/proto.h"

#define HEAD 6 /* u32 length, u8 version, u8 type */

/* ---- writing ------------------------------------------------------------------ */

typedef struct wbuf {
    uint8_t *p;
    size_t cap, len;
    int bad;
} wbuf;

static void put(wbuf *w, const void *src, size_t n)
{
    if (w->bad || n > w->cap - w->len) {
        w->bad = 1;
        return;
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void put_uint(wbuf *w, uint64_t v, unsigned bytes)
{
    uint8_t b[8];
    for (unsigned i = 0; i < bytes; i++) b[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    put(w, b, bytes);
}

static void put_str(wbuf *w, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n > max) w->bad = 1;
    put_uint(w, n, 2);
    put(w, s, n);
}

static void begin(wbuf *w, uint8_t *out, size_t cap, int type)
{
    w->p = out;
    w->cap = cap < CK_AGENT_MSG_MAX ? cap : CK_AGENT_MSG_MAX;
    w->len = 0;
    w->bad = 0;
    put_uint(w, 0, 4); /* the length, set by finish */
    put_uint(w, CK_AGENT_VERSION, 1);
    put_uint(w, (uint64_t)type, 1);
}

static int finish(wbuf *w, size_t *len)
{
    if (w->bad) return -1;
    for (unsigned i = 0; i < 4; i++) w->p[i] = (uint8_t)(w->len >> (8 * (3 - i)));
    *len = w->len;
    return 0;
}

static int signal_ok(int s) { return s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGQUIT; }

static int reason_ok(const char *s, size_t n)
{
    if (n > CK_AGENT_REASON_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) return 0;
    return 1;
}

int ck_agent_env_ok(const char *kv)
{
    static const char pre[] = "CAREKEY_";
    const char *eq = strchr(kv, '=');
    size_t n;
    if (!eq || strncmp(kv, pre, sizeof pre - 1) != 0) return 0;
    n = (size_t)(eq - kv);
    if (n == sizeof pre - 1) return 0;
    for (size_t i = sizeof pre - 1; i < n; i++)
        if (!((kv[i] >= 'A' && kv[i] <= 'Z') || (kv[i] >= '0' && kv[i] <= '9') || kv[i] == '_')) return 0;
    /* secrets never cross the socket; the switch is the CLI's own */
    if ((n == 18 && !strncmp(kv, "CAREKEY_PASSPHRASE", 18)) || (n == 13 && !strncmp(kv, "CAREKEY_AGENT", 13)))
        return 0;
    return 1;
}

int ck_agent_req_encode(uint8_t *out, size_t cap, size_t *len, const ck_agent_req *r)
{
    wbuf w;
    begin(&w, out, cap, r->type);
    switch (r->type) {
    case CK_AGENT_RUN:
        if (r->argc < 1 || r->argc > CK_AGENT_ARGC_MAX || r->envc > CK_AGENT_ENVC_MAX) return -1;
        put_uint(&w, r->argc, 2);
        for (unsigned i = 0; i < r->argc; i++) put_str(&w, r->argv[i], CK_AGENT_STR_MAX);
        put_str(&w, r->cwd, CK_AGENT_STR_MAX);
        put_str(&w, r->home, CK_AGENT_STR_MAX);
        if (r->umask > 0777) return -1;
        put_uint(&w, r->umask, 2);
        put_uint(&w, r->envc, 2);
        for (unsigned i = 0; i < r->envc; i++) {
            if (!ck_agent_env_ok(r->env[i])) return -1;
            put_str(&w, r->env[i], CK_AGENT_STR_MAX);
        }
        break;
    case CK_AGENT_SIGNAL:
        if (!signal_ok(r->signo)) return -1;
        put_uint(&w, (uint64_t)r->signo, 1);
        break;
    case CK_AGENT_STATUS:
    case CK_AGENT_LOCK:
    case CK_AGENT_STOP: break;
    default: return -1;
    }
    return finish(&w, len);
}

int ck_agent_answer_encode(uint8_t *out, size_t cap, size_t *len, const ck_agent_answer *a)
{
    wbuf w;
    begin(&w, out, cap, a->type);
    switch (a->type) {
    case CK_AGENT_A_EXIT:
        put_uint(&w, a->signaled ? 1 : 0, 1);
        put_uint(&w, (uint64_t)(a->code & 0xff), 1);
        break;
    case CK_AGENT_A_STATUS:
        put_uint(&w, a->locked ? 1 : 0, 1);
        put_uint(&w, a->pid, 4);
        put_uint(&w, a->idle_s, 4);
        put_uint(&w, a->idle_left_s, 4);
        put_uint(&w, a->uptime_s, 4);
        put_uint(&w, a->served, 8);
        put_uint(&w, a->refused, 8);
        break;
    case CK_AGENT_A_LOCKED:
    case CK_AGENT_A_ERROR:
        if (!reason_ok(a->reason, strlen(a->reason))) return -1;
        put_str(&w, a->reason, CK_AGENT_REASON_MAX);
        break;
    case CK_AGENT_A_OK: break;
    default: return -1;
    }
    return finish(&w, len);
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct rbuf {
    const uint8_t *p;
    size_t len, off;
    int bad;
} rbuf;

static uint64_t get_uint(rbuf *r, unsigned bytes)
{
    uint64_t v = 0;
    if (r->bad || bytes > r->len - r->off) {
        r->bad = 1;
        return 0;
    }
    for (unsigned i = 0; i < bytes; i++) v = (v << 8) | r->p[r->off + i];
    r->off += bytes;
    return v;
}

/* A string copied with its NUL to *arena (which advances); NULL if bad. */
static char *get_str(rbuf *r, char **arena, size_t max)
{
    size_t n = (size_t)get_uint(r, 2);
    char *s = *arena;
    if (r->bad || n > max || n > r->len - r->off || memchr(r->p + r->off, 0, n)) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->p + r->off, n);
    s[n] = 0;
    r->off += n;
    *arena += n + 1;
    return s;
}

/* The header of a message of len bytes: its type, or -1. */
static int header(rbuf *r, const uint8_t *in, size_t len)
{
    r->p = in;
    r->len = len;
    r->off = 0;
    r->bad = 0;
    if (!in || len < HEAD || len > CK_AGENT_MSG_MAX) return -1;
    if (get_uint(r, 4) != len || get_uint(r, 1) != CK_AGENT_VERSION) return -1;
    return (int)get_uint(r, 1);
}

static int decode_run(ck_agent_req *q, rbuf *r)
{
    char *a = q->arena;
    q->argc = (unsigned)get_uint(r, 2);
    if (r->bad || q->argc < 1 || q->argc > CK_AGENT_ARGC_MAX) return -1;
    for (unsigned i = 0; i < q->argc; i++)
        if (!(q->argv[i] = get_str(r, &a, CK_AGENT_STR_MAX))) return -1;
    q->argv[q->argc] = NULL;
    if (!q->argv[0][0]) return -1;
    if (!(q->cwd = get_str(r, &a, CK_AGENT_STR_MAX)) || q->cwd[0] != '/') return -1;
    if (!(q->home = get_str(r, &a, CK_AGENT_STR_MAX)) || q->home[0] != '/') return -1;
    q->umask = (unsigned)get_uint(r, 2);
    if (r->bad || q->umask > 0777) return -1;
    q->envc = (unsigned)get_uint(r, 2);
    if (r->bad || q->envc > CK_AGENT_ENVC_MAX) return -1;
    for (unsigned i = 0; i < q->envc; i++) {
        if (!(q->env[i] = get_str(r, &a, CK_AGENT_STR_MAX)) || !ck_agent_env_ok(q->env[i])) return -1;
        for (unsigned j = 0; j < i; j++) { /* one value per name */
            size_t n = (size_t)(strchr(q->env[j], '=') - q->env[j]) + 1;
            if (!strncmp(q->env[i], q->env[j], n)) return -1;
        }
    }
    return 0;
}

int ck_agent_req_decode(ck_agent_req *q, const uint8_t *in, size_t len)
{
    rbuf r;
    int rc = -1;
    memset(q, 0, sizeof *q);
    if ((q->type = header(&r, in, len)) < 0) return -1;
    /* every string is shorter than its bytes on the wire (2-byte length
     * for one NUL), so the message's length bounds the arena */
    if (!(q->arena = malloc(len))) return -1;
    switch (q->type) {
    case CK_AGENT_RUN: rc = decode_run(q, &r); break;
    case CK_AGENT_SIGNAL:
        q->signo = (int)get_uint(&r, 1);
        rc = signal_ok(q->signo) ? 0 : -1;
        break;
    case CK_AGENT_STATUS:
    case CK_AGENT_LOCK:
    case CK_AGENT_STOP: rc = 0; break;
    }
    if (rc != 0 || r.bad || r.off != r.len) {
        ck_agent_req_clear(q);
        return -1;
    }
    return 0;
}

void ck_agent_req_clear(ck_agent_req *q)
{
    free(q->arena);
    memset(q, 0, sizeof *q);
}

int ck_agent_answer_decode(ck_agent_answer *a, const uint8_t *in, size_t len)
{
    rbuf r;
    char *arena;
    int rc = -1;
    memset(a, 0, sizeof *a);
    if ((a->type = header(&r, in, len)) < 0) return -1;
    switch (a->type) {
    case CK_AGENT_A_EXIT:
        a->signaled = (int)get_uint(&r, 1);
        a->code = (int)get_uint(&r, 1);
        rc = a->signaled == 0 || (a->signaled == 1 && a->code >= 1 && a->code < 65) ? 0 : -1;
        break;
    case CK_AGENT_A_STATUS:
        a->locked = (int)get_uint(&r, 1);
        a->pid = (uint32_t)get_uint(&r, 4);
        a->idle_s = (uint32_t)get_uint(&r, 4);
        a->idle_left_s = (uint32_t)get_uint(&r, 4);
        a->uptime_s = (uint32_t)get_uint(&r, 4);
        a->served = get_uint(&r, 8);
        a->refused = get_uint(&r, 8);
        rc = a->locked == 0 || a->locked == 1 ? 0 : -1;
        break;
    case CK_AGENT_A_LOCKED:
    case CK_AGENT_A_ERROR:
        arena = a->reason;
        rc = get_str(&r, &arena, CK_AGENT_REASON_MAX) && reason_ok(a->reason, strlen(a->reason)) ? 0 : -1;
        break;
    case CK_AGENT_A_OK: rc = 0; break;
    }
    if (rc != 0 || r.bad || r.off != r.len) {
        memset(a, 0, sizeof *a);
        return -1;
    }
    return 0;
}

/* ---- the socket ------------------------------------------------------------------ */

int ck_agent_send(int fd, const uint8_t *msg, size_t len, const int *fds, size_t nfds)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(3 * sizeof(int))];
    } ctl;
    struct iovec iov = {(void *)msg, len};
    struct msghdr m;
    ssize_t w;
    if (nfds > 3) return -1;
    memset(&m, 0, sizeof m);
    memset(&ctl, 0, sizeof ctl);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (nfds) {
        m.msg_control = ctl.buf;
        m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        ctl.h.cmsg_level = SOL_SOCKET;
        ctl.h.cmsg_type = SCM_RIGHTS;
        ctl.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(&ctl.h), fds, nfds * sizeof(int));
    }
    do w = sendmsg(fd, &m, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)len ? 0 : -1;
}

/* Takes the descriptors out of m; -1 (all closed) when there are too many. */
static int take_fds(struct msghdr *m, int *fds, size_t max_fds, size_t *nfds)
{
    int over = (m->msg_flags & MSG_CTRUNC) != 0;
    *nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        size_t n;
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int f;
            memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof f);
            if (*nfds < max_fds) fds[(*nfds)++] = f;
            else {
                close(f);
                over = 1;
            }
        }
    }
    if (!over) return 0;
    while (*nfds) close(fds[--*nfds]);
    return -1;
}

ssize_t ck_agent_recv(int fd, uint8_t *buf, size_t cap, int *fds, size_t max_fds, size_t *nfds)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(4 * sizeof(int))];
    } ctl;
    struct iovec iov = {buf, cap};
    struct msghdr m;
    ssize_t r;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    *nfds = 0;
    do r = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r < 0) return -1;
    if (take_fds(&m, fds, max_fds, nfds) != 0) return -1;
    if ((m.msg_flags & MSG_TRUNC) || (size_t)r > CK_AGENT_MSG_MAX) {
        while (*nfds) close(fds[--*nfds]);
        return -1;
    }
    return r;
}
