/*
 * src/agent/agent.h - the key agent (docs/NODE.md "Agent"): one process
 * per person and home that holds her unlocked keyring, so that she types
 * her passphrase once per session, as with ssh-agent.
 *
 * It listens on HOME/agent.sock (SOCK_SEQPACKET, mode 0600, in a home only
 * she may enter), refuses every peer of another uid (SO_PEERCRED), and for
 * each forwarded command forks a child that runs it with the keyring in
 * place and the CLI's descriptors as its stdio; the exit status goes back
 * to the waiting CLI. Before each child the keyring is read again when its
 * file changed (ck_keyring_reopen: the file key it holds, no passphrase).
 * Idle for idle_s seconds, or told to lock, it wipes the keyring and stays
 * up locked (runs are answered "locked") until stopped.
 *
 * The agent never starts threads: it forks. It never prints: it logs one
 * line per event to log_fd (no arguments beyond the command's name, no
 * secrets).
 */
#ifndef CK_AGENT_H
#define CK_AGENT_H

#include <sys/types.h>

#include "agent/proto.h"
#include "carekey/keyring.h"

/* Runs one command in the child: argv[0] is the command group; kr the
 * unlocked keyring (the child's copy, freed after). The exit code. */
typedef int (*ck_agent_run_fn)(void *ud, ck_keyring *kr, int argc, char **argv);

typedef struct ck_agent_config {
    const char *home;       /* absolute; the socket is home/agent.sock   */
    unsigned idle_s;        /* lock after this long without a command; 0 never */
    int listen_fd;          /* bound, listening SOCK_SEQPACKET socket    */
    int log_fd;             /* -1: no log                                */
    ck_keyring *kr;         /* the unlocked keyring; taken (wiped at the end) */
    ck_agent_run_fn run;
    void *ud;
} ck_agent_config;

/* Serves until stopped (a stop request, SIGTERM or SIGINT); wipes the
 * keyring, removes the socket. 0, or -1 when it could not start. */
int ck_agent_serve(ck_agent_config *cfg);

/* "2026-12-04T03:00:00Z agent[pid]: " + the message, one line to fd. */
void ck_agent_log(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Forks the child of a run request: stdio from fds, cwd, umask, the forwarded
 * CAREKEY_* variables (CAREKEY_HOME forced to home, CAREKEY_AGENT=0), the
 * descriptors in close_fds closed, default signal handling; then run.
 * The child's pid, or -1. */
pid_t ck_agent_spawn(const ck_agent_req *r, const int fds[3], const char *home, ck_keyring *kr,
                     ck_agent_run_fn run, void *ud, const int *close_fds, size_t n_close);

#endif
