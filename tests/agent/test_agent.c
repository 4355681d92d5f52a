/*
 * tests/agent/test_agent.c - the key agent's parts that need no server:
 * its protocol (round trips, every rejection of the strict decoders,
 * descriptors over a socket pair), the socket and home checks, the
 * peer's credentials, ck_keyring_reopen (the keyring followed with the
 * key held; a new passphrase is not followed) and ck_node_adopt_keyring
 * (a node session that takes an unlocked keyring: no passphrase asked).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/peer.h"
#include "agent/proto.h"
#include "carekey/keyring.h"
#include "carekey/node.h"
#include "harness.h"

static uint8_t buf[CK_AGENT_MSG_MAX + 64];

static ck_agent_req run_req(void)
{
    static char *argv[] = {"record", "get", "--patient", "alice"};
    static char *env[] = {"CAREKEY_SERVER=http://127.0.0.1:1", "CAREKEY_NO_CACHE=1"};
    ck_agent_req r;
    memset(&r, 0, sizeof r);
    r.type = CK_AGENT_RUN;
    r.argc = 4;
    for (unsigned i = 0; i < 4; i++) r.argv[i] = argv[i];
    r.cwd = "/tmp";
    r.home = "/home/alice/.carekey";
    r.umask = 027;
    r.envc = 2;
    r.env[0] = env[0];
    r.env[1] = env[1];
    return r;
}

static void test_roundtrip(void)
{
    ck_agent_req r = run_req(), d;
    ck_agent_answer a, b;
    size_t len;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0, "encode run");
    CHECK(ck_agent_req_decode(&d, buf, len) == 0, "decode run");
    CHECK(d.type == CK_AGENT_RUN && d.argc == 4 && !strcmp(d.argv[3], "alice") && d.argv[4] == NULL &&
              !strcmp(d.cwd, "/tmp") && !strcmp(d.home, "/home/alice/.carekey") && d.umask == 027 && d.envc == 2 &&
              !strcmp(d.env[1], "CAREKEY_NO_CACHE=1"),
          "run fields");
    ck_agent_req_clear(&d);
    memset(&r, 0, sizeof r);
    r.type = CK_AGENT_SIGNAL;
    r.signo = SIGINT;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0 && ck_agent_req_decode(&d, buf, len) == 0 &&
              d.signo == SIGINT,
          "signal");
    ck_agent_req_clear(&d);
    for (int t = 0; t < 3; t++) {
        r.type = t == 0 ? CK_AGENT_STATUS : t == 1 ? CK_AGENT_LOCK : CK_AGENT_STOP;
        CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0 && len == 6 &&
                  ck_agent_req_decode(&d, buf, len) == 0 && d.type == r.type,
              "bare request %c", r.type);
        ck_agent_req_clear(&d);
    }
    memset(&a, 0, sizeof a);
    a.type = CK_AGENT_A_STATUS;
    a.locked = 1;
    a.pid = 42;
    a.idle_s = 900;
    a.uptime_s = 7;
    a.served = 1ull << 40;
    a.refused = 3;
    CHECK(ck_agent_answer_encode(buf, sizeof buf, &len, &a) == 0 && ck_agent_answer_decode(&b, buf, len) == 0 &&
              b.locked == 1 && b.pid == 42 && b.idle_s == 900 && b.served == 1ull << 40 && b.refused == 3,
          "status answer");
    memset(&a, 0, sizeof a);
    a.type = CK_AGENT_A_EXIT;
    a.signaled = 1;
    a.code = SIGINT;
    CHECK(ck_agent_answer_encode(buf, sizeof buf, &len, &a) == 0 && ck_agent_answer_decode(&b, buf, len) == 0 &&
              b.signaled == 1 && b.code == SIGINT,
          "exit answer");
    a.type = CK_AGENT_A_LOCKED;
    snprintf(a.reason, sizeof a.reason, "the agent is locked");
    CHECK(ck_agent_answer_encode(buf, sizeof buf, &len, &a) == 0 && ck_agent_answer_decode(&b, buf, len) == 0 &&
              !strcmp(b.reason, "the agent is locked"),
          "locked answer");
}

/* Each altered message is refused. */
static void test_rejects(void)
{
    ck_agent_req r = run_req(), d;
    ck_agent_answer a;
    size_t len;
    static char *bad_env[] = {"CAREKEY_PASSPHRASE=secret", "CAREKEY_AGENT=1", "HOME=/", "CAREKEY_=x",
                              "CAREKEY_lower=x", "CAREKEY_SERVER"};
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0, "encode");
    CHECK(ck_agent_req_decode(&d, buf, len - 1) != 0, "truncated");
    buf[len] = 0;
    CHECK(ck_agent_req_decode(&d, buf, len + 1) != 0, "a trailing byte");
    buf[3] ^= 1;
    CHECK(ck_agent_req_decode(&d, buf, len) != 0, "a wrong length");
    buf[3] ^= 1;
    buf[4] = 2;
    CHECK(ck_agent_req_decode(&d, buf, len) != 0, "another version");
    buf[4] = 1;
    buf[5] = 'Z';
    CHECK(ck_agent_req_decode(&d, buf, len) != 0, "an unknown type");
    buf[5] = CK_AGENT_RUN;
    buf[10] = 0; /* a NUL inside "record" */
    CHECK(ck_agent_req_decode(&d, buf, len) != 0, "a NUL in a string");
    for (size_t i = 0; i < sizeof bad_env / sizeof *bad_env; i++) {
        CHECK(!ck_agent_env_ok(bad_env[i]), "env %s refused", bad_env[i]);
        r.env[0] = bad_env[i];
        CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0, "encoder refuses env %s", bad_env[i]);
    }
    r = run_req();
    r.cwd = "relative";
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0 && ck_agent_req_decode(&d, buf, len) != 0,
          "a relative cwd");
    r = run_req();
    r.env[1] = r.env[0]; /* the same name twice */
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0 && ck_agent_req_decode(&d, buf, len) != 0,
          "a variable twice");
    r = run_req();
    r.umask = 01000;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0, "a umask over 0777");
    r = run_req();
    r.argc = CK_AGENT_ARGC_MAX + 1;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0, "too many arguments");
    {
        static char big[CK_AGENT_STR_MAX + 2];
        memset(big, 'a', sizeof big - 1);
        r = run_req();
        r.argv[1] = big;
        CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0, "a string over the bound");
    }
    memset(&r, 0, sizeof r);
    r.type = CK_AGENT_SIGNAL;
    r.signo = SIGKILL;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) != 0, "only INT, TERM, HUP, QUIT are passed on");
    r.signo = SIGINT;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0, "signal");
    buf[6] = SIGKILL;
    CHECK(ck_agent_req_decode(&d, buf, len) != 0, "a decoded SIGKILL");
    r.type = CK_AGENT_STATUS;
    CHECK(ck_agent_req_encode(buf, sizeof buf, &len, &r) == 0, "status");
    buf[3] = 7;
    buf[6] = 0;
    CHECK(ck_agent_req_decode(&d, buf, 7) != 0, "status with a field");
    CHECK(ck_agent_req_decode(&d, NULL, 0) != 0 && ck_agent_req_decode(&d, buf, 3) != 0, "nothing, or too short");
    memset(&a, 0, sizeof a);
    a.type = CK_AGENT_A_ERROR;
    snprintf(a.reason, sizeof a.reason, "bell\a");
    CHECK(ck_agent_answer_encode(buf, sizeof buf, &len, &a) != 0, "a control character in a reason");
    a.type = CK_AGENT_A_EXIT;
    a.signaled = 1;
    a.code = 0;
    CHECK(ck_agent_answer_encode(buf, sizeof buf, &len, &a) == 0 && ck_agent_answer_decode(&a, buf, len) != 0,
          "signal 0");
}

/* Descriptors travel with a run; more than the receiver takes are closed
 * and the message refused. */
static void test_socket(void)
{
    int sv[2], fds[3], got[3], extra[4];
    size_t n;
    uid_t uid;
    pid_t pid;
    ssize_t len;
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    CHECK(ck_agent_peer_cred(sv[1], &uid, &pid) == 0 && uid == getuid() && pid == getpid(), "SO_PEERCRED");
    for (int i = 0; i < 3; i++) fds[i] = open("/dev/null", O_RDONLY);
    CHECK(ck_agent_send(sv[0], (const uint8_t *)"hello", 5, fds, 3) == 0, "send with fds");
    len = ck_agent_recv(sv[1], buf, sizeof buf, got, 3, &n);
    CHECK(len == 5 && n == 3 && got[0] > 2 && fcntl(got[0], F_GETFD) == FD_CLOEXEC, "received 3 fds");
    for (size_t i = 0; i < n; i++) close(got[i]);
    CHECK(ck_agent_send(sv[0], (const uint8_t *)"x", 1, fds, 3) == 0, "send again");
    len = ck_agent_recv(sv[1], buf, sizeof buf, extra, 2, &n);
    CHECK(len < 0 && n == 0, "more fds than taken: refused");
    for (int i = 0; i < 3; i++) close(fds[i]);
    close(sv[0]);
    CHECK(ck_agent_recv(sv[1], buf, sizeof buf, got, 3, &n) == 0, "end of connection");
    close(sv[1]);
}

static void test_paths(void)
{
    char dir[] = "/tmp/ck-agent-test.XXXXXX", path[256], why[256];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    CHECK(ck_agent_home_ok(dir, getuid(), why, sizeof why) == 0, "a 0700 home");
    chmod(dir, 0711);
    CHECK(ck_agent_home_ok(dir, getuid(), why, sizeof why) != 0 && strstr(why, "0711"), "a home others enter: %s", why);
    CHECK(ck_agent_home_ok(dir, getuid() + 1, why, sizeof why) != 0, "a home of another uid");
    chmod(dir, 0700);
    snprintf(path, sizeof path, "%s/agent.sock", dir);
    CHECK(ck_agent_socket_ok(path, getuid(), why, sizeof why) != 0, "no socket");
    snprintf(sa.sun_path, sizeof sa.sun_path, "%.100s", path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "bind");
    chmod(path, 0600);
    CHECK(ck_agent_socket_ok(path, getuid(), why, sizeof why) == 0, "a 0600 socket of ours");
    CHECK(ck_agent_socket_ok(path, getuid() + 1, why, sizeof why) != 0 && strstr(why, "owned by"), "another owner");
    chmod(path, 0660);
    CHECK(ck_agent_socket_ok(path, getuid(), why, sizeof why) != 0 && strstr(why, "0660"), "group bits: %s", why);
    close(fd);
    unlink(path);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    CHECK(ck_agent_socket_ok(path, getuid(), why, sizeof why) != 0 && strstr(why, "not a socket"), "a file");
    unlink(path);
    CHECK(symlink("/tmp", path) == 0 && ck_agent_socket_ok(path, getuid(), why, sizeof why) != 0, "a symlink");
    unlink(path);
    rmdir(dir);
}

static void test_reopen(void)
{
    char dir[] = "/tmp/ck-agent-kr.XXXXXX", path[256];
    ck_keyring *kr = NULL, *other = NULL, *fresh = NULL;
    ck_identity id;
    uint8_t ed[32] = {1}, x[32] = {2};
    ck_keyring_kdf kdf = CK_KEYRING_KDF_MIN;
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/keyring.ckr", dir);
    CHECK(ck_id_create(&id, "alice") == CK_ID_OK, "identity");
    CHECK(ck_keyring_create(&kr, path, "pass phrase 1", 13, &id, &kdf) == CK_KEYRING_OK, "create");
    /* another process pins a peer and saves */
    CHECK(ck_keyring_open(&other, path, "pass phrase 1", 13) == CK_KEYRING_OK, "open");
    CHECK(ck_keyring_set_peer(other, "bob", ed, x) == CK_KEYRING_OK && ck_keyring_save(other) == CK_KEYRING_OK,
          "pin and save");
    CHECK(ck_keyring_peer_find(kr, "bob") == NULL, "the held copy is old");
    CHECK(ck_keyring_reopen(&fresh, kr) == CK_KEYRING_OK && ck_keyring_peer_find(fresh, "bob") != NULL &&
              !strcmp(ck_keyring_identity(fresh)->gid, "alice") && !strcmp(ck_keyring_path(fresh), path),
          "reopened with the key held: the pin is there");
    ck_keyring_free(fresh);
    fresh = NULL;
    /* a new passphrase: a fresh salt, which the held key does not open */
    CHECK(ck_keyring_change_passphrase(other, "pass phrase 2", 13, NULL) == CK_KEYRING_OK, "new passphrase");
    CHECK(ck_keyring_reopen(&fresh, kr) == CK_KEYRING_ERR_PASSPHRASE && fresh == NULL, "not followed");
    unlink(path);
    CHECK(ck_keyring_reopen(&fresh, kr) == CK_KEYRING_ERR_IO, "a missing file");
    ck_keyring_free(kr);
    ck_keyring_free(other);
    ck_id_wipe(&id);
    rmdir(dir);
}

static int no_passphrase(void *ud, char *pass, size_t cap, char *why, size_t why_cap)
{
    (void)pass;
    (void)cap;
    ++*(int *)ud;
    snprintf(why, why_cap, "asked");
    return -1;
}

static void test_adopt(void)
{
    char dir[] = "/tmp/ck-agent-node.XXXXXX", path[256];
    ck_keyring *kr = NULL, *again = NULL, *copy = NULL;
    ck_node_config cfg;
    ck_node *n = NULL;
    ck_identity id;
    ck_keyring_kdf kdf = CK_KEYRING_KDF_MIN;
    int asked = 0;
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/keyring.ckr", dir);
    CHECK(ck_id_create(&id, "alice") == CK_ID_OK, "identity");
    CHECK(ck_keyring_create(&kr, path, "pass phrase 1", 13, &id, &kdf) == CK_KEYRING_OK, "create");
    memset(&cfg, 0, sizeof cfg);
    cfg.home = dir;
    CHECK(ck_node_open(&n, &cfg) == 0, "node open");
    ck_node_set_passphrase(n, no_passphrase, &asked);
    CHECK(!ck_node_is_unlocked(n), "locked at first");
    CHECK(ck_node_adopt_keyring(n, NULL) != 0 && ck_node_last_error(n)->kind == CK_NODE_E_INVALID, "NULL refused");
    CHECK(ck_keyring_reopen(&copy, kr) == CK_KEYRING_OK, "a copy for the node");
    CHECK(ck_node_adopt_keyring(n, copy) == 0 && ck_node_is_unlocked(n) && !strcmp(ck_node_gid(n), "alice"),
          "adopted: unlocked as alice");
    CHECK(ck_keyring_reopen(&again, kr) == CK_KEYRING_OK && ck_node_adopt_keyring(n, again) == 0,
          "a second one is freed (valgrind: no leak)");
    CHECK(asked == 0, "no passphrase asked");
    ck_node_lock(n);
    CHECK(!ck_node_is_unlocked(n) && !strcmp(ck_node_gid(n), ""), "lock wipes the adopted keyring");
    ck_node_close(n);
    ck_keyring_free(kr);
    ck_id_wipe(&id);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_roundtrip();
    test_rejects();
    test_socket();
    test_paths();
    test_reopen();
    test_adopt();
    TEST_MAIN_END();
}
