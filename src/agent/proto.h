/*
 * src/agent/proto.h - the key agent's socket protocol.
 *
 * One message per record of a SOCK_SEQPACKET Unix socket (HOME/agent.sock):
 *
 *   u32 length (big-endian, of the whole message) | u8 version (1) | u8 type | fields
 *
 * Strings are u16 length + bytes (no NUL inside). A decoder takes exactly
 * one message: a wrong length, an unknown type or version, a field out of
 * its bounds, an unknown environment variable or trailing bytes reject it.
 *
 * Requests (CLI -> agent):
 *   'R' run     u16 argc, argc strings (argv[0] the command group), cwd,
 *               home (both absolute), u16 umask (0..0777), u16 envc, envc
 *               "CAREKEY_NAME=value"
 *               strings (never CAREKEY_PASSPHRASE); carries the CLI's
 *               stdin, stdout and stderr (SCM_RIGHTS, exactly three)
 *   'K' signal  u8 signo (INT, TERM, HUP or QUIT), for the running command
 *   'S' status, 'L' lock, 'Q' stop: no fields
 * Answers (agent -> CLI):
 *   'X' exit    u8 signaled (0/1), u8 exit code or signal number
 *   'T' status  u8 locked, u32 pid, u32 idle (s, 0 never), u32 idle left
 *               (s), u32 uptime (s), u64 commands run, u64 peers refused
 *   'C' locked  string reason (a run refused: the keyring is locked)
 *   'E' error   string reason
 *   'O' ok      no fields
 * Reasons are printable ASCII, at most 200 bytes. No message carries a
 * secret: the CLI never sends a passphrase, the agent never key material.
 */
#ifndef CK_AGENT_PROTO_H
#define CK_AGENT_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CK_AGENT_VERSION 1
#define CK_AGENT_MSG_MAX 65536u
#define CK_AGENT_ARGC_MAX 256u
#define CK_AGENT_ENVC_MAX 32u
#define CK_AGENT_STR_MAX 4096u
#define CK_AGENT_REASON_MAX 200u
#define CK_AGENT_SOCKET "agent.sock"
#define CK_AGENT_LOG "agent.log"

enum {
    CK_AGENT_RUN = 'R',
    CK_AGENT_SIGNAL = 'K',
    CK_AGENT_STATUS = 'S',
    CK_AGENT_LOCK = 'L',
    CK_AGENT_STOP = 'Q',
    CK_AGENT_A_EXIT = 'X',
    CK_AGENT_A_STATUS = 'T',
    CK_AGENT_A_LOCKED = 'C',
    CK_AGENT_A_ERROR = 'E',
    CK_AGENT_A_OK = 'O',
};

/* A decoded request. Strings point into arena (ck_agent_req_clear). */
typedef struct ck_agent_req {
    int type;
    unsigned argc;
    char *argv[CK_AGENT_ARGC_MAX + 1]; /* NULL-terminated */
    const char *cwd, *home;
    unsigned umask;                    /* the CLI's: files the command creates */
    unsigned envc;
    char *env[CK_AGENT_ENVC_MAX];
    int signo;
    char *arena;
} ck_agent_req;

typedef struct ck_agent_answer {
    int type;
    int signaled, code;                          /* exit */
    int locked;                                  /* status */
    uint32_t pid, idle_s, idle_left_s, uptime_s;
    uint64_t served, refused;
    char reason[CK_AGENT_REASON_MAX + 1];        /* locked, error */
} ck_agent_answer;

/* 0 when name=value may be forwarded: CAREKEY_[A-Z0-9_]+, not the
 * passphrase, not CAREKEY_AGENT. */
int ck_agent_env_ok(const char *kv);

/* Encoders: the message into out (cap bytes), its length in *len. 0 / -1
 * (a field out of bounds, no room). */
int ck_agent_req_encode(uint8_t *out, size_t cap, size_t *len, const ck_agent_req *r);
int ck_agent_answer_encode(uint8_t *out, size_t cap, size_t *len, const ck_agent_answer *a);
/* Decoders of untrusted bytes: 0, or -1 (nothing to clear then). */
int ck_agent_req_decode(ck_agent_req *r, const uint8_t *in, size_t len);
int ck_agent_answer_decode(ck_agent_answer *a, const uint8_t *in, size_t len);
void ck_agent_req_clear(ck_agent_req *r);

/* One message with nfds descriptors (SCM_RIGHTS). 0 / -1. */
int ck_agent_send(int fd, const uint8_t *msg, size_t len, const int *fds, size_t nfds);
/* One message into buf (cap >= CK_AGENT_MSG_MAX): its length, 0 at the
 * end of the connection, -1 on error or a message too long. Up to max_fds
 * descriptors land in fds (close-on-exec), *nfds of them; more than
 * max_fds, or a truncated control message, closes them all and fails. */
ssize_t ck_agent_recv(int fd, uint8_t *buf, size_t cap, int *fds, size_t max_fds, size_t *nfds);

#endif
