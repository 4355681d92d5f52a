/*
 * src/agent/agent.c - the agent's loop: connections, the idle lock, the
 * keyring kept in step with its file, children and their exit statuses
 * (agent.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/peer.h"

#define CONN_MAX 32
#define REQUEST_WAIT 10 /* s a connection may take to send its request */

typedef struct conn {
    int fd;          /* -1: closed (its child may still run)   */
    pid_t child;     /* 0: no command running                  */
    uint64_t run_no;
    int64_t since;   /* accepted at (monotonic ms)             */
} conn;

typedef struct agent {
    ck_agent_config *cfg;
    conn c[CONN_MAX];
    int sig_pipe[2];
    struct stat kr_st; /* the keyring file as last read        */
    int have_st;
    struct stat sock_st;
    int64_t started, last; /* monotonic ms                   */
    uint64_t served, refused;
    int stopping;
    uint8_t buf[CK_AGENT_MSG_MAX + 1];
} agent;

static int sig_wfd = -1;

static void on_signal(int s)
{
    int e = errno;
    uint8_t b = (uint8_t)s;
    if (write(sig_wfd, &b, 1) < 0) { /* full: a wakeup is pending anyway */
    }
    errno = e;
}

void ck_agent_log(int fd, const char *fmt, ...)
{
    char line[512], when[32];
    time_t t = time(NULL);
    struct tm tm;
    va_list ap;
    int n;
    if (fd < 0) return;
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm)) when[0] = 0;
    n = snprintf(line, sizeof line, "%s agent[%ld]: ", when, (long)getpid());
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof line) n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line - 1) n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(fd, line, (size_t)n) < 0) { /* the log is best effort */
    }
}

/* Monotonic milliseconds. */
static int64_t now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds until the idle lock is due (<= 0: due). */
static int64_t idle_left(const agent *a) { return (int64_t)a->cfg->idle_s * 1000 - (now() - a->last); }

/* ---- locking and the keyring's freshness --------------------------------------------- */

static void lock(agent *a, const char *why)
{
    if (!a->cfg->kr) return;
    ck_keyring_free(a->cfg->kr); /* wipes every secret it held */
    a->cfg->kr = NULL;
    a->have_st = 0;
    ck_agent_log(a->cfg->log_fd, "locked (%s)", why);
}

static int same_stat(const struct stat *x, const struct stat *y)
{
    return x->st_dev == y->st_dev && x->st_ino == y->st_ino && x->st_size == y->st_size &&
           x->st_mtim.tv_sec == y->st_mtim.tv_sec && x->st_mtim.tv_nsec == y->st_mtim.tv_nsec &&
           x->st_ctim.tv_sec == y->st_ctim.tv_sec && x->st_ctim.tv_nsec == y->st_ctim.tv_nsec;
}

/* Commands change the keyring file (pins, keys sync): read it again, with
 * the file key held, when it is not the file last read. The stat is taken
 * before reading, so a change during the read is seen next time. */
static int refresh(agent *a)
{
    struct stat st;
    ck_keyring *fresh = NULL;
    ck_keyring_err e;
    if (stat(ck_keyring_path(a->cfg->kr), &st) != 0) {
        lock(a, "the keyring file is gone");
        return -1;
    }
    if (a->have_st && same_stat(&st, &a->kr_st)) return 0;
    if ((e = ck_keyring_reopen(&fresh, a->cfg->kr)) != CK_KEYRING_OK) {
        ck_agent_log(a->cfg->log_fd, "the keyring file does not open with the key held: %s",
                     ck_keyring_strerror(e));
        lock(a, "keyring changed");
        return -1;
    }
    ck_keyring_free(a->cfg->kr);
    a->cfg->kr = fresh;
    a->kr_st = st;
    a->have_st = 1;
    return 0;
}

/* ---- answers --------------------------------------------------------------------------- */

static void answer(int fd, const ck_agent_answer *an)
{
    uint8_t out[512];
    size_t len;
    if (ck_agent_answer_encode(out, sizeof out, &len, an) == 0) (void)ck_agent_send(fd, out, len, NULL, 0);
}

static void answer_simple(int fd, int type, const char *reason)
{
    ck_agent_answer an;
    memset(&an, 0, sizeof an);
    an.type = type;
    snprintf(an.reason, sizeof an.reason, "%s", reason ? reason : "");
    answer(fd, &an);
}

static void answer_status(agent *a, int fd)
{
    ck_agent_answer an;
    int64_t left = idle_left(a);
    memset(&an, 0, sizeof an);
    an.type = CK_AGENT_A_STATUS;
    an.locked = a->cfg->kr == NULL;
    an.pid = (uint32_t)getpid();
    an.idle_s = a->cfg->idle_s;
    if (!an.locked && a->cfg->idle_s)
        an.idle_left_s = left <= 0 ? 0 : (uint32_t)((left + 999) / 1000);
    an.uptime_s = (uint32_t)((now() - a->started) / 1000);
    an.served = a->served;
    an.refused = a->refused;
    answer(fd, &an);
}

static void conn_close(conn *c)
{
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

/* ---- requests ------------------------------------------------------------------------------ */

/* The descriptors a child must not keep: the socket, the signal pipe,
 * every connection, the log. */
static size_t agent_fds(const agent *a, int *out)
{
    size_t n = 0;
    out[n++] = a->cfg->listen_fd;
    out[n++] = a->sig_pipe[0];
    out[n++] = a->sig_pipe[1];
    out[n++] = a->cfg->log_fd;
    for (size_t i = 0; i < CONN_MAX; i++)
        if (a->c[i].fd >= 0) out[n++] = a->c[i].fd;
    return n;
}

/* Only a word is logged of what ran ("record get"): arguments may name
 * patients or files. */
static const char *word(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (!n || n > 24) return "";
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-')) return "";
    return s;
}

static int same_home(const char *x, const char *y)
{
    struct stat sx, sy;
    return stat(x, &sx) == 0 && stat(y, &sy) == 0 && sx.st_dev == sy.st_dev && sx.st_ino == sy.st_ino;
}

static void run(agent *a, conn *c, const ck_agent_req *r, const int fds[3])
{
    int close_fds[CONN_MAX + 4];
    size_t n;
    pid_t pid;
    if (!same_home(r->home, a->cfg->home)) {
        answer_simple(c->fd, CK_AGENT_A_ERROR, "this agent serves another home");
        conn_close(c);
        return;
    }
    if (!a->cfg->kr || refresh(a) != 0) {
        answer_simple(c->fd, CK_AGENT_A_LOCKED, "the agent is locked");
        conn_close(c);
        return;
    }
    n = agent_fds(a, close_fds);
    pid = ck_agent_spawn(r, fds, a->cfg->home, a->cfg->kr, a->cfg->run, a->cfg->ud, close_fds, n);
    if (pid < 0) {
        answer_simple(c->fd, CK_AGENT_A_ERROR, "cannot start the command");
        conn_close(c);
        return;
    }
    c->child = pid;
    c->run_no = ++a->served;
    ck_agent_log(a->cfg->log_fd, "run %llu: %s %s (pid %ld)", (unsigned long long)c->run_no, word(r->argv[0]),
                 r->argc > 1 ? word(r->argv[1]) : "", (long)pid);
}

static void request(agent *a, conn *c)
{
    ck_agent_req r;
    int fds[3];
    size_t nfds = 0;
    ssize_t len = ck_agent_recv(c->fd, a->buf, sizeof a->buf, fds, 3, &nfds);
    if (len <= 0) {
        if (c->child) kill(c->child, SIGTERM); /* the CLI went away */
        conn_close(c);
        goto out;
    }
    if (ck_agent_req_decode(&r, a->buf, (size_t)len) != 0) {
        ck_agent_log(a->cfg->log_fd, "malformed request refused");
        answer_simple(c->fd, CK_AGENT_A_ERROR, "malformed request");
        conn_close(c);
        goto out;
    }
    if (c->child) { /* a command runs: only signals for it */
        if (r.type == CK_AGENT_SIGNAL && nfds == 0) kill(c->child, r.signo);
        else conn_close(c);
        ck_agent_req_clear(&r);
        goto out;
    }
    a->last = now();
    if ((r.type == CK_AGENT_RUN) != (nfds == 3)) {
        answer_simple(c->fd, CK_AGENT_A_ERROR, "a run carries stdin, stdout and stderr, nothing else does");
        conn_close(c);
    } else if (r.type == CK_AGENT_RUN) {
        run(a, c, &r, fds);
    } else if (r.type == CK_AGENT_STATUS) {
        answer_status(a, c->fd);
        conn_close(c);
    } else if (r.type == CK_AGENT_LOCK) {
        lock(a, "carekey lock");
        answer_simple(c->fd, CK_AGENT_A_OK, NULL);
        conn_close(c);
    } else if (r.type == CK_AGENT_STOP) {
        ck_agent_log(a->cfg->log_fd, "stop requested");
        a->stopping = 1;
        answer_simple(c->fd, CK_AGENT_A_OK, NULL);
        conn_close(c);
    } else {
        conn_close(c);
    }
    ck_agent_req_clear(&r);
out:
    while (nfds) close(fds[--nfds]); /* the child has its own copies */
}

/* ---- connections and children ------------------------------------------------------------ */

/* Closes a connection that is refused: what it sent is read and dropped
 * first (descriptors closed), so that the answer already sent reaches the
 * peer (a socket closed with unread data resets the connection). */
static void drain_close(agent *a, int fd)
{
    fcntl(fd, F_SETFL, O_NONBLOCK);
    for (int i = 0; i < 4; i++) {
        int f[3];
        size_t n;
        if (ck_agent_recv(fd, a->buf, sizeof a->buf, f, 3, &n) <= 0) break;
        while (n) close(f[--n]);
    }
    close(fd);
}

static void accept_one(agent *a)
{
    uid_t uid;
    pid_t pid;
    size_t i;
    int fd = accept4(a->cfg->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) return;
    if (ck_agent_peer_cred(fd, &uid, &pid) != 0 || uid != getuid()) {
        /* another user (or one the kernel cannot name) never gets a
         * command run, a status or an answer beyond this */
        a->refused++;
        ck_agent_log(a->cfg->log_fd, "refused a peer: uid %ld pid %ld (not uid %ld)", (long)uid, (long)pid,
                     (long)getuid());
        answer_simple(fd, CK_AGENT_A_ERROR, "refused: another user");
        drain_close(a, fd);
        return;
    }
    for (i = 0; i < CONN_MAX && (a->c[i].fd >= 0 || a->c[i].child); i++) {
    }
    if (i == CONN_MAX) {
        answer_simple(fd, CK_AGENT_A_ERROR, "busy");
        close(fd);
        return;
    }
    {
        struct timeval tv = {2, 0}; /* a CLI that does not read cannot stall the agent */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    a->c[i].fd = fd;
    a->c[i].child = 0;
    a->c[i].since = now();
}

static void reap(agent *a)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        for (size_t i = 0; i < CONN_MAX; i++) {
            conn *c = &a->c[i];
            ck_agent_answer an;
            if (c->child != pid) continue;
            memset(&an, 0, sizeof an);
            an.type = CK_AGENT_A_EXIT;
            an.signaled = WIFSIGNALED(st);
            an.code = an.signaled ? WTERMSIG(st) : WEXITSTATUS(st);
            ck_agent_log(a->cfg->log_fd, "run %llu: %s %d", (unsigned long long)c->run_no,
                         an.signaled ? "signal" : "exit", an.code);
            if (c->fd >= 0) answer(c->fd, &an);
            conn_close(c);
            c->child = 0;
        }
        a->last = now();
    }
}

static int children(const agent *a)
{
    for (size_t i = 0; i < CONN_MAX; i++)
        if (a->c[i].child) return 1;
    return 0;
}

static void on_signals(agent *a)
{
    uint8_t b[64];
    ssize_t n;
    while ((n = read(a->sig_pipe[0], b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (b[i] == SIGCHLD) reap(a);
            else if (b[i] == SIGTERM || b[i] == SIGINT) {
                if (!a->stopping) ck_agent_log(a->cfg->log_fd, "signal %d: stopping", b[i]);
                a->stopping = 1;
            }
        }
}

/* The poll timeout: until the idle lock is due (at most a second, so a
 * stop waits for nothing). */
static int timeout_ms(const agent *a)
{
    int64_t left;
    if (!a->cfg->kr || !a->cfg->idle_s) return 1000;
    left = idle_left(a);
    return left <= 0 ? 0 : left >= 1000 ? 1000 : (int)left;
}

static int setup(agent *a)
{
    struct sigaction sa;
    char path[4200];
    memset(&sa, 0, sizeof sa);
    for (size_t i = 0; i < CONN_MAX; i++) a->c[i].fd = -1;
    if (pipe2(a->sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    sig_wfd = a->sig_pipe[1];
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGCHLD, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    snprintf(path, sizeof path, "%s/%s", a->cfg->home, CK_AGENT_SOCKET);
    if (lstat(path, &a->sock_st) != 0) return -1;
    a->started = a->last = now();
    return 0;
}

/* Removes the socket unless another agent has replaced it since. */
static void remove_socket(agent *a)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", a->cfg->home, CK_AGENT_SOCKET);
    if (lstat(path, &st) == 0 && st.st_dev == a->sock_st.st_dev && st.st_ino == a->sock_st.st_ino) unlink(path);
}

int ck_agent_serve(ck_agent_config *cfg)
{
    agent *a = calloc(1, sizeof *a);
    int rc = -1;
    if (!a) goto out;
    a->cfg = cfg;
    if (setup(a) != 0) goto out;
    ck_agent_log(cfg->log_fd, "serving %s/%s (idle lock %u s)", cfg->home, CK_AGENT_SOCKET, cfg->idle_s);
    while (!a->stopping || children(a)) {
        struct pollfd p[CONN_MAX + 2];
        size_t idx[CONN_MAX], n = 2, k = 0;
        if (a->stopping) /* a stop ends what runs */
            for (size_t i = 0; i < CONN_MAX; i++)
                if (a->c[i].child) kill(a->c[i].child, SIGTERM);
        p[0] = (struct pollfd){a->sig_pipe[0], POLLIN, 0};
        p[1] = (struct pollfd){a->stopping ? -1 : cfg->listen_fd, POLLIN, 0};
        for (size_t i = 0; i < CONN_MAX; i++)
            if (a->c[i].fd >= 0) {
                p[n++] = (struct pollfd){a->c[i].fd, POLLIN, 0};
                idx[k++] = i;
            }
        if (poll(p, n, timeout_ms(a)) < 0 && errno != EINTR) break;
        /* due before anything is read: a request after the idle time finds
         * the agent locked, whatever the load made it wait for */
        if (cfg->kr && cfg->idle_s && idle_left(a) <= 0) lock(a, "idle");
        if (p[0].revents) on_signals(a);
        for (size_t j = 0; j < k; j++)
            if (p[j + 2].revents && a->c[idx[j]].fd == p[j + 2].fd) request(a, &a->c[idx[j]]);
        if (p[1].revents & POLLIN) accept_one(a);
        for (size_t i = 0; i < CONN_MAX; i++) /* a connection that says nothing holds no slot */
            if (a->c[i].fd >= 0 && !a->c[i].child && now() - a->c[i].since > REQUEST_WAIT * 1000) conn_close(&a->c[i]);
    }
    rc = 0;
out:
    if (a) {
        lock(a, "stopped");
        remove_socket(a);
        for (size_t i = 0; i < CONN_MAX; i++) conn_close(&a->c[i]);
        if (a->sig_pipe[0] > 0) close(a->sig_pipe[0]);
        if (a->sig_pipe[1] > 0) close(a->sig_pipe[1]);
        sig_wfd = -1;
        ck_agent_log(cfg->log_fd, "stopped");
        ck_keyring_free(cfg->kr);
        cfg->kr = NULL;
        free(a);
    }
    return rc;
}
