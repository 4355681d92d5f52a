/*
 * src/cli/agent.c - the CLI side of the key agent (src/agent, docs/NODE.md
 * "Agent"):
 *
 *   carekey node start [--idle SECONDS] [--foreground]   (alias: carekey unlock)
 *   carekey node stop | node status
 *   carekey lock
 *
 * and cli_agent_forward, which main.c calls before it dispatches: when
 * an agent runs for the command's home, the command is handed to it (argv,
 * cwd, the CAREKEY_* variables, stdin/stdout/stderr) and this process only
 * waits for its exit status, passing on SIGINT, SIGTERM, SIGHUP, SIGQUIT.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "agent/agent.h"
#include "agent/peer.h"
#include "cli/node_serve.h"
#include "cli/cli.h"
#include "cli/agent_keyring.h"
#include "cli/cli_node.h"

#define IDLE_DEFAULT 900u

extern char **environ;

static int (*dispatch_fn)(int, char **);

/* ---- where the agent is ------------------------------------------------------------- */

static int absolute(const char *p, char *out, size_t cap)
{
    char cwd[PATH_MAX];
    int n;
    if (p[0] == '/') n = snprintf(out, cap, "%s", p);
    else if (!getcwd(cwd, sizeof cwd)) return -1;
    else n = snprintf(out, cap, "%s/%s", cwd, p);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* The home a command works in: its --home, else $CAREKEY_HOME, else
 * ~/.carekey (as ck_node_config_from_env). */
static int home_of(int argc, char **argv, char *out, size_t cap)
{
    const char *h = NULL, *env = getenv("CAREKEY_HOME");
    char def[PATH_MAX];
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--home") && i + 1 < argc) h = argv[++i];
        else if (!strncmp(argv[i], "--home=", 7)) h = argv[i] + 7;
    }
    if (!h && env && *env) h = env;
    if (!h) {
        snprintf(def, sizeof def, "%s/.carekey", getenv("HOME") ? getenv("HOME") : ".");
        h = def;
    }
    return absolute(h, out, cap);
}

static int socket_path(const char *home, struct sockaddr_un *sa)
{
    int n;
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    n = snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", home, CK_AGENT_SOCKET);
    return n > 0 && (size_t)n < sizeof sa->sun_path ? 0 : -1;
}

/* A connection to home's agent, or -1: none runs (quietly), or its socket
 * is not one to trust (warned when warn: the command then runs here). */
static int agent_connect(const char *home, int warn)
{
    struct sockaddr_un sa;
    char why[256];
    int fd;
    if (socket_path(home, &sa) != 0) return -1;
    if (ck_agent_socket_ok(sa.sun_path, getuid(), why, sizeof why) != 0) {
        if (warn && errno != ENOENT)
            fprintf(stderr, "carekey: warning: not using the agent socket %s: %s\n", sa.sun_path, why);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { /* a stale socket */
        close(fd);
        return -1;
    }
    return fd;
}

static int recv_answer(int fd, ck_agent_answer *an)
{
    static uint8_t buf[CK_AGENT_MSG_MAX + 1];
    size_t nfds;
    ssize_t n = ck_agent_recv(fd, buf, sizeof buf, NULL, 0, &nfds);
    return n > 0 ? ck_agent_answer_decode(an, buf, (size_t)n) : -1;
}

/* One request without descriptors and its answer. 0 / -1. */
static int ask(int fd, int type, ck_agent_answer *an)
{
    uint8_t buf[64];
    size_t len;
    ck_agent_req r;
    memset(&r, 0, sizeof r);
    r.type = type;
    if (ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0 || ck_agent_send(fd, buf, len, NULL, 0) != 0) return -1;
    return recv_answer(fd, an);
}

/* ---- forwarding ------------------------------------------------------------------- */

/* Commands that must run here: creating keyrings (new passphrases, typed
 * twice on the terminal), the agent's own commands, the offline ABE tools
 * and help. */
static int forwardable(int argc, char **argv)
{
    static const char *const local[] = {"init", "node", "lock", "unlock", "abe", "help", "--help", "-h", "--version"};
    for (size_t i = 0; i < sizeof local / sizeof *local; i++)
        if (!strcmp(argv[0], local[i])) return 0;
    return !(argc > 1 && !strcmp(argv[0], "admin") && !strcmp(argv[1], "init"));
}

static volatile sig_atomic_t got_signal;
static void on_signal(int s) { got_signal = s; }
static const int fwd_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_FWD (sizeof fwd_signals / sizeof *fwd_signals)

/* Waits for the answer to a run, passing signals on to the command; a
 * signal this process ignores (a background job of a script: SIGINT and
 * SIGQUIT) stays ignored, as the command itself would ignore it. */
static int wait_answer(int fd, ck_agent_answer *an)
{
    struct sigaction sa, old[N_FWD];
    sigset_t block, prev;
    int rc = -1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&block);
    for (size_t i = 0; i < N_FWD; i++) sigaddset(&block, fwd_signals[i]);
    sigprocmask(SIG_BLOCK, &block, &prev);
    for (size_t i = 0; i < N_FWD; i++) {
        sigaction(fwd_signals[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN) sigaction(fwd_signals[i], &sa, NULL);
    }
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        int r = ppoll(&p, 1, NULL, &prev); /* signals arrive only here */
        if (got_signal) {
            uint8_t buf[16];
            size_t len;
            ck_agent_req q;
            memset(&q, 0, sizeof q);
            q.type = CK_AGENT_SIGNAL;
            q.signo = got_signal;
            got_signal = 0;
            if (ck_agent_req_encode(buf, sizeof buf, &len, &q) == 0) (void)ck_agent_send(fd, buf, len, NULL, 0);
            continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r > 0) rc = recv_answer(fd, an);
        break;
    }
    for (size_t i = 0; i < N_FWD; i++) sigaction(fwd_signals[i], &old[i], NULL);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    return rc;
}

static int run_request(int argc, char **argv, const char *home, uint8_t *buf, size_t cap, size_t *len)
{
    static char cwd[PATH_MAX];
    ck_agent_req r;
    memset(&r, 0, sizeof r);
    if (argc < 1 || (unsigned)argc > CK_AGENT_ARGC_MAX || !getcwd(cwd, sizeof cwd)) return -1;
    r.type = CK_AGENT_RUN;
    r.argc = (unsigned)argc;
    for (int i = 0; i < argc; i++) r.argv[i] = argv[i];
    r.cwd = cwd;
    r.home = home;
    r.umask = umask(077); /* read it back: umask has no getter */
    umask((mode_t)r.umask);
    for (char **e = environ; *e && r.envc < CK_AGENT_ENVC_MAX; e++)
        if (ck_agent_env_ok(*e)) r.env[r.envc++] = *e;
    return ck_agent_req_encode(buf, cap, len, &r);
}

int cli_agent_forward(int argc, char **argv, int (*dispatch)(int, char **), int *rc)
{
    static uint8_t buf[CK_AGENT_MSG_MAX];
    static const int stdio[3] = {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO};
    char home[PATH_MAX];
    const char *off = getenv("CAREKEY_AGENT");
    ck_agent_answer an;
    size_t len;
    int fd, sent;
    dispatch_fn = dispatch;
    if ((off && !strcmp(off, "0")) || !forwardable(argc, argv)) return 0;
    if (home_of(argc, argv, home, sizeof home) != 0 || (fd = agent_connect(home, 1)) < 0) return 0;
    if (run_request(argc, argv, home, buf, sizeof buf, &len) != 0) { /* too long for the agent */
        close(fd);
        return 0;
    }
    sent = ck_agent_send(fd, buf, len, stdio, 3) == 0;
    if ((sent ? wait_answer(fd, &an) : recv_answer(fd, &an)) != 0) {
        close(fd);
        if (!sent) return 0; /* nothing ran */
        fprintf(stderr, "carekey: the agent went away while running the command\n");
        *rc = CLI_FAIL;
        return 1;
    }
    close(fd);
    switch (an.type) {
    case CK_AGENT_A_EXIT:
        if (an.signaled) { /* die as the command did */
            signal(an.code, SIG_DFL);
            raise(an.code);
            *rc = 128 + an.code;
        } else {
            *rc = an.code;
        }
        return 1;
    case CK_AGENT_A_LOCKED:
        fprintf(stderr, "carekey: the agent for %s is locked (run 'carekey unlock'); running without it\n", home);
        return 0;
    default:
        fprintf(stderr, "carekey: warning: the agent did not run the command (%s); running without it\n",
                an.type == CK_AGENT_A_ERROR ? an.reason : "unexpected answer");
        return 0;
    }
}

/* ---- node start / unlock ----------------------------------------------------------------- */

static const char start_usage[] =
    "Usage: carekey node start [--idle SECONDS] [--foreground] [--home DIR] [--passphrase SOURCE]\n"
    "       carekey unlock     (the same)\n"
    "\n"
    "Unlocks your keyring once and keeps it in a per-user agent process, so\n"
    "that the other carekey commands for this home run without asking for the\n"
    "passphrase (they are handed to the agent over HOME/agent.sock). The agent\n"
    "wipes the keyring when it has been idle for SECONDS (default 900; 0 never)\n"
    "or on 'carekey lock', and then stays up locked until 'carekey unlock'\n"
    "replaces it or 'carekey node stop' ends it. CAREKEY_AGENT=0 makes a\n"
    "command run by itself.\n"
    "\n"
    "  --idle SECONDS   lock after this long without a command (0: never)\n"
    "  --foreground     serve in this process instead of in the background\n"
    "\n" CLI_COMMON_HELP;

typedef struct start_opts {
    char home[PATH_MAX];
    char pass_source[PATH_MAX + 16];
    unsigned idle;
    int foreground;
} start_opts;

static int parse_start(int argc, char **argv, const char *cmd, start_opts *o)
{
    static const struct option lo[] = {{"idle", required_argument, NULL, 'i'},
                                       {"foreground", no_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *home = NULL;
    char *end;
    int opt;
    memset(o, 0, sizeof *o);
    o->idle = IDLE_DEFAULT;
    snprintf(o->pass_source, sizeof o->pass_source, "%s", getenv(CK_KEYRING_PASSPHRASE_ENV) ? "env" : "prompt");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, cmd, "node start --help")) != -1) {
        switch (opt) {
        case 'i': {
            unsigned long v;
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-' || v > 7u * 86400)
                return cli_usage_error(cmd, "node start --help", "--idle takes 0 to 604800 seconds");
            o->idle = (unsigned)v;
            break;
        }
        case 'f': o->foreground = 1; break;
        case CLI_COMMON_OPT_HOME: home = optarg; break;
        case CLI_COMMON_OPT_SERVER: break; /* the agent's commands name their own */
        case CLI_COMMON_OPT_PASS: snprintf(o->pass_source, sizeof o->pass_source, "%s", optarg); break;
        case 'h': fputs(start_usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc) return cli_usage_error(cmd, "node start --help", "unexpected argument '%s'", argv[optind]);
    if (!home) {
        char *fake[] = {argv[0], NULL};
        if (home_of(1, fake, o->home, sizeof o->home) != 0) return cli_usage_error(cmd, NULL, "bad home");
    } else if (absolute(home, o->home, sizeof o->home) != 0) {
        return cli_usage_error(cmd, "node start --help", "--home is too long");
    }
    return CLI_OK;
}

/* Waits (up to 5 s) for the agent's socket to go away after a stop. */
static int wait_gone(const char *home)
{
    struct sockaddr_un sa;
    struct stat st;
    if (socket_path(home, &sa) != 0) return -1;
    for (int i = 0; i < 500; i++) {
        if (lstat(sa.sun_path, &st) != 0 && errno == ENOENT) return 0;
        usleep(10000);
    }
    return -1;
}

/* An agent already there: fine when unlocked; a locked one is replaced
 * (no passphrase ever goes over the socket, so a new agent unlocks).
 * CLI_OK to go on, 0x100 when nothing is to be done, else an exit code. */
static int existing(const char *cmd, const char *home)
{
    struct sockaddr_un sa;
    ck_agent_answer an;
    char why[256];
    int fd = agent_connect(home, 0);
    if (fd >= 0) {
        int r = ask(fd, CK_AGENT_STATUS, &an);
        close(fd);
        if (r == 0 && an.type == CK_AGENT_A_STATUS && !an.locked) {
            printf("the agent is already running and unlocked (pid %u)\n", (unsigned)an.pid);
            return 0x100;
        }
        if ((fd = agent_connect(home, 0)) >= 0) {
            r = ask(fd, CK_AGENT_STOP, &an);
            close(fd);
        }
        if (wait_gone(home) != 0) {
            cli_error(cmd, "the locked agent for %s does not stop", home);
            return CLI_FAIL;
        }
        return CLI_OK;
    }
    if (socket_path(home, &sa) != 0) {
        cli_error(cmd, "%s is too long for a socket path", home);
        return CLI_USAGE;
    }
    if (ck_agent_socket_ok(sa.sun_path, getuid(), why, sizeof why) == 0) unlink(sa.sun_path); /* stale */
    else if (errno != ENOENT) {
        cli_error(cmd, "%s: %s; remove it first", sa.sun_path, why);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* The passphrase once, the keyring opened (the one KDF of the session). */
static int open_keyring(const char *cmd, const start_opts *o, ck_keyring **kr)
{
    char path[PATH_MAX + 32], pass[CK_KEYRING_PASSPHRASE_MAX + 1];
    const char *var = NULL;
    ck_keyring_err e;
    snprintf(path, sizeof path, "%s/keyring.ckr", o->home);
    if (access(path, F_OK) != 0) {
        cli_error(cmd, "no keyring in %s (run 'carekey init' first)", o->home);
        return CLI_IO;
    }
    if ((e = ck_keyring_passphrase_get(o->pass_source, pass, sizeof pass)) != CK_KEYRING_OK) {
        cli_error(cmd, "passphrase: %s", ck_keyring_strerror(e));
        return CLI_USAGE;
    }
    e = ck_keyring_open(kr, path, pass, strlen(pass));
    OPENSSL_cleanse(pass, sizeof pass);
    /* the agent's children must not find it in their environment */
    if (!strcmp(o->pass_source, "env")) var = CK_KEYRING_PASSPHRASE_ENV;
    else if (!strncmp(o->pass_source, "env:", 4)) var = o->pass_source + 4;
    if (var && getenv(var)) {
        OPENSSL_cleanse(getenv(var), strlen(getenv(var)));
        unsetenv(var);
    }
    if (e != CK_KEYRING_OK) {
        cli_error(cmd, "%s: %s", path, ck_keyring_strerror(e));
        return e == CK_KEYRING_ERR_IO ? CLI_IO : CLI_FAIL;
    }
    return CLI_OK;
}

static int listen_on(const char *cmd, const char *home)
{
    struct sockaddr_un sa;
    mode_t old;
    int fd, ok;
    if (socket_path(home, &sa) != 0 || (fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0) {
        cli_error(cmd, "cannot create the agent's socket in %s", home);
        return -1;
    }
    old = umask(077); /* never a moment with wider permissions */
    ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    umask(old);
    if (!ok || chmod(sa.sun_path, 0600) != 0 || listen(fd, 16) != 0) {
        cli_error(cmd, "%s: %s", sa.sun_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* What the agent's process does about its memory: no core dumps, no
 * ptrace by other processes of the user, pages kept out of swap when the
 * limits allow. */
static void harden(int log_fd)
{
    struct rlimit no = {0, 0};
    setrlimit(RLIMIT_CORE, &no);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    ck_agent_log(log_fd, "note: memory not locked (sanitizer build)");
#else
    /* MCL_ONFAULT: what is resident now and what the mappings fault in
     * later; nothing is populated ahead */
    if (mlockall(MCL_CURRENT | MCL_ONFAULT) != 0)
        ck_agent_log(log_fd, "note: memory not locked (%s)", strerror(errno));
#endif
}

static int run_forwarded(void *ud, ck_keyring *kr, int argc, char **argv)
{
    (void)ud;
    cli_agent_keyring_set(kr);
    return dispatch_fn ? dispatch_fn(argc, argv) : CLI_USAGE;
}

/* Into the background: a new session, stdio on /dev/null; the parent
 * returns once the child serves (its pid) or -1. */
static pid_t daemonize(int *ready_w)
{
    int p[2], null;
    char b;
    pid_t pid;
    if (pipe2(p, O_CLOEXEC) != 0) return -1;
    if ((pid = fork()) < 0) return -1;
    if (pid > 0) {
        close(p[1]);
        ssize_t r = read(p[0], &b, 1);
        close(p[0]);
        return r == 1 ? pid : -1;
    }
    close(p[0]);
    setsid();
    if (chdir("/") != 0) { /* the agent pins no directory; children enter theirs */
    }
    if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
    }
    *ready_w = p[1];
    return 0;
}

static int cmd_start(int argc, char **argv)
{
    const char *cmd = "node start";
    char why[512], log_path[PATH_MAX + 32];
    ck_agent_config cfg;
    start_opts o;
    int rc, ready = -1;
    pid_t pid = 0;
    memset(&cfg, 0, sizeof cfg);
    cfg.listen_fd = cfg.log_fd = -1;
    if ((rc = parse_start(argc, argv, cmd, &o)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if (ck_agent_home_ok(o.home, getuid(), why, sizeof why) != 0) {
        cli_error(cmd, "%s", why);
        return CLI_FAIL;
    }
    if ((rc = existing(cmd, o.home)) != CLI_OK) return rc == 0x100 ? CLI_OK : rc;
    if ((rc = open_keyring(cmd, &o, &cfg.kr)) != CLI_OK) return rc;
    rc = CLI_IO;
    if ((cfg.listen_fd = listen_on(cmd, o.home)) < 0) goto out;
    snprintf(log_path, sizeof log_path, "%s/%s", o.home, CK_AGENT_LOG);
    cfg.log_fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    cfg.home = o.home;
    cfg.idle_s = o.idle;
    cfg.run = run_forwarded;
    fflush(NULL); /* nothing buffered is written twice by the child */
    if (!o.foreground && (pid = daemonize(&ready)) != 0) {
        if (pid < 0) cli_error(cmd, "the agent did not start (see %s)", log_path);
        else printf("agent started: pid %ld, socket %s/%s, idle lock %s\n", (long)pid, o.home, CK_AGENT_SOCKET,
                    o.idle ? "on" : "off");
        rc = pid < 0 ? CLI_FAIL : CLI_OK;
        goto out; /* this process's copy of the keyring is wiped below */
    }
    harden(cfg.log_fd);
    if (o.foreground) {
        printf("agent serving: pid %ld, socket %s/%s\n", (long)getpid(), o.home, CK_AGENT_SOCKET);
        fflush(stdout);
    } else {
        char b = 1;
        if (write(ready, &b, 1) != 1) { /* the parent reports the failure */
        }
        close(ready);
    }
    rc = ck_agent_serve(&cfg) == 0 ? CLI_OK : CLI_FAIL;
out:
    ck_keyring_free(cfg.kr);
    if (cfg.listen_fd >= 0) close(cfg.listen_fd);
    if (cfg.log_fd >= 0) close(cfg.log_fd);
    return rc;
}

/* ---- stop, status, lock ------------------------------------------------------------------ */

static int simple_usage(int argc, char **argv, const char *cmd, const char *usage, char *home)
{
    /* only the home: these commands talk to the agent, never to carekeyd or a keyring */
    static const struct option lo[] = {{"help", no_argument, NULL, 'h'},
                                       {"home", required_argument, NULL, CLI_COMMON_OPT_HOME},
                                       {NULL, 0, NULL, 0}};
    const char *h = NULL;
    int opt;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, cmd, usage)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return -1;
        }
        if (opt == CLI_COMMON_OPT_HOME) h = optarg;
        else return CLI_USAGE;
    }
    if (optind < argc) return cli_usage_error(cmd, NULL, "unexpected argument '%s'", argv[optind]);
    if (h) return absolute(h, home, PATH_MAX) == 0 ? CLI_OK : CLI_USAGE;
    {
        char *fake[] = {argv[0], NULL};
        return home_of(1, fake, home, PATH_MAX) == 0 ? CLI_OK : CLI_USAGE;
    }
}

static int connect_or_say(const char *home)
{
    int fd = agent_connect(home, 1);
    if (fd < 0) printf("no agent is running for %s\n", home);
    return fd;
}

static const char stop_usage[] = "Usage: carekey node stop [--home DIR]\n\nStops the agent (its keyring is wiped).\n";
static const char status_usage[] =
    "Usage: carekey node status [--home DIR]\n\nWhether an agent runs for the home, locked or not, its idle lock,\n"
    "pid and socket, and how many commands it ran. Exit 0 when one runs, 1 if not.\n";
static const char lock_usage[] =
    "Usage: carekey lock [--home DIR]\n\nWipes the agent's keyring now; it stays up, locked, until\n"
    "'carekey unlock' (or 'carekey node stop').\n";

static int cmd_stop(int argc, char **argv)
{
    char home[PATH_MAX];
    ck_agent_answer an;
    int fd, rc = simple_usage(argc, argv, "node stop", stop_usage, home);
    if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((fd = connect_or_say(home)) < 0) return CLI_FAIL;
    rc = ask(fd, CK_AGENT_STOP, &an);
    close(fd);
    if (rc != 0 || an.type != CK_AGENT_A_OK || wait_gone(home) != 0) {
        cli_error("node stop", "the agent did not stop");
        return CLI_FAIL;
    }
    printf("agent stopped\n");
    return CLI_OK;
}

static int cmd_status(int argc, char **argv)
{
    char home[PATH_MAX];
    ck_agent_answer an;
    int fd, rc = simple_usage(argc, argv, "node status", status_usage, home);
    if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((fd = connect_or_say(home)) < 0) return CLI_FAIL;
    rc = ask(fd, CK_AGENT_STATUS, &an);
    close(fd);
    if (rc != 0 || an.type != CK_AGENT_A_STATUS) {
        cli_error("node status", "the agent did not answer%s%s", an.type == CK_AGENT_A_ERROR ? ": " : "",
                  an.type == CK_AGENT_A_ERROR ? an.reason : "");
        return CLI_FAIL;
    }
    printf("agent:     running, pid %u, up %u s\n", (unsigned)an.pid, (unsigned)an.uptime_s);
    printf("socket:    %s/%s\n", home, CK_AGENT_SOCKET);
    printf("keyring:   %s\n", an.locked ? "locked" : "unlocked");
    if (!an.idle_s) printf("idle lock: never\n");
    else if (an.locked) printf("idle lock: after %u s without a command\n", (unsigned)an.idle_s);
    else printf("idle lock: after %u s without a command, in %u s\n", (unsigned)an.idle_s, (unsigned)an.idle_left_s);
    printf("commands:  %llu run\n", (unsigned long long)an.served);
    printf("refused:   %llu peers of another user\n", (unsigned long long)an.refused);
    return CLI_OK;
}

static int cmd_lock(int argc, char **argv)
{
    char home[PATH_MAX];
    ck_agent_answer an;
    int fd, rc = simple_usage(argc, argv, "lock", lock_usage, home);
    if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((fd = connect_or_say(home)) < 0) return CLI_FAIL;
    rc = ask(fd, CK_AGENT_LOCK, &an);
    close(fd);
    if (rc != 0 || an.type != CK_AGENT_A_OK) {
        cli_error("lock", "the agent did not lock");
        return CLI_FAIL;
    }
    printf("agent locked: its keyring is wiped\n");
    return CLI_OK;
}

/* ---- the groups ----------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"start", "unlock your keyring once and keep it in the agent (alias: unlock)", start_usage, cmd_start},
    {"stop", "stop the agent (the keyring is wiped)", stop_usage, cmd_stop},
    {"status", "running? locked? idle time left, pid, socket", status_usage, cmd_status},
    {"serve", "serve the node's pages (--ui) for the people under --data", cli_node_serve_usage, cli_node_serve_cmd},
};

static void node_help(FILE *f)
{
    fprintf(f, "Usage: carekey node SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Your node: the agent that holds your unlocked keyring for this home, so\n"
               "that you type your passphrase once per session (docs/NODE.md, \"Agent\").\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n'carekey node SUBCOMMAND --help' describes each one.\n");
}

static int node_run(int argc, char **argv)
{
    return cli_dispatch("node", node_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_node = {"node", "your agent and the node's pages: start, stop, status, serve", node_run};
const cli_group cli_group_unlock = {"unlock", "start the agent with your keyring unlocked (node start)", cmd_start};
const cli_group cli_group_lock = {"lock", "wipe the agent's keyring now", cmd_lock};
