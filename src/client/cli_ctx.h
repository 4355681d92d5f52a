/*
 * src/client/cli_ctx.h - a person's working context for the commands that
 * talk to carekeyd: the home directory, the server, the keyring (opened on
 * demand, with the passphrase from a prompt, a file or the environment), a
 * signed connection, the directory of peers and authorities (looked up on
 * the server and pinned in the keyring on first use), and the record heads
 * this person has already verified (to catch a server rolling back).
 *
 * Common options, accepted by every such command (CLI_CTX_LONGOPTS):
 *   --home DIR           default $CAREKEY_HOME, else ~/.carekey
 *   --server URL         default $CAREKEY_SERVER, else the one saved by init
 *   --passphrase SOURCE  prompt | env[:NAME] | file:PATH; default env when
 *                        $CAREKEY_PASSPHRASE is set, else prompt
 */
#ifndef CK_CLI_CTX_H
#define CK_CLI_CTX_H

#include <limits.h>

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/record.h"
#include "client/cli.h"

#define CLI_CTX_OPT_HOME 0x1001
#define CLI_CTX_OPT_SERVER 0x1002
#define CLI_CTX_OPT_PASS 0x1003
#define CLI_CTX_LONGOPTS                                                 \
    {"home", required_argument, NULL, CLI_CTX_OPT_HOME},                 \
    {"server", required_argument, NULL, CLI_CTX_OPT_SERVER},             \
    {"passphrase", required_argument, NULL, CLI_CTX_OPT_PASS}
#define CLI_CTX_HELP                                                                \
    "Common options:\n"                                                             \
    "  --home DIR           this person's directory (default $CAREKEY_HOME or ~/.carekey)\n" \
    "  --server URL         carekeyd to talk to (default $CAREKEY_SERVER or the saved one)\n" \
    "  --passphrase SOURCE  prompt | env[:NAME] | file:PATH (keyring passphrase)\n"

typedef struct cli_ctx {
    const char *cmd;                /* for messages: "record get" */
    char home[PATH_MAX - 512];      /* room for the file names below it */
    char server[1024];
    char pass_source[PATH_MAX + 16];
    ck_keyring *kr;
    ck_net *net;
} cli_ctx;

/* Defaults from the environment. */
void cli_ctx_init(cli_ctx *c, const char *cmd);
/* 1 when opt was a common option (and was applied), 0 otherwise. */
int cli_ctx_option(cli_ctx *c, int opt, const char *arg);
/* home/NAME into out (PATH_MAX). */
void cli_ctx_path(const cli_ctx *c, char *out, const char *name);
/* Creates the home directory (0700) if needed. CLI_OK or CLI_IO. */
int cli_ctx_make_home(cli_ctx *c);

/* The key agent's unlocked keyring (src/agent; set in the process that runs
 * one forwarded command, NULL elsewhere). A command whose keyring file is
 * that one gets a fresh copy of it (ck_keyring_reopen: the file's current
 * contents, no passphrase, no KDF) instead of asking. */
void cli_ctx_set_agent_keyring(const ck_keyring *kr);
/* *out: that copy when path is the agent keyring's file, else NULL.
 * CLI_OK, or CLI_FAIL / CLI_IO (reported) when it cannot be reopened. */
int cli_ctx_agent_keyring(const char *cmd, const char *path, ck_keyring **out);

/* Opens home/keyring.ckr (asks for the passphrase). CLI_OK / CLI_FAIL / CLI_IO. */
/* (with an agent keyring for this home: its fresh copy, no passphrase) */
int cli_ctx_keyring(cli_ctx *c);
int cli_ctx_save(cli_ctx *c);
/* The server URL: --server / $CAREKEY_SERVER, else home/server (reported
 * when none is configured: CLI_USAGE). */
int cli_ctx_server(cli_ctx *c);
/* A signed connection as the keyring's identity (opens the keyring first). */
int cli_ctx_net(cli_ctx *c);
/* Creates identity and keyring in c's home (the passphrase asked twice),
 * pins the operator's key (hex; NULL: its own, the operator's keyring) and
 * saves the server URL; writes the enrollment request to out (NULL:
 * standard output) unless quiet (cli_init.c). */
int cli_init_person(cli_ctx *c, const char *gid, const char *role, const char *name, const char *out,
                    const char *operator_hex, unsigned kdf_cost, int quiet);
/* Reports the last server error of c->net as "carekey: CMD: what: message". */
int cli_ctx_net_error(cli_ctx *c, const char *what);

/* A peer's public keys: pinned in the keyring, else fetched from the
 * directory and pinned (saved). A directory answer that differs from the
 * pinned keys is an error: the server may be lying. */
int cli_ctx_peer(cli_ctx *c, const char *gid, ck_keyring_peer *out);
/* An authority's ABE public key and signing key: pinned in the keyring,
 * else taken from the directory only when the operator's signature (the
 * operator key pinned at init) covers them, and pinned. */
int cli_ctx_authority(cli_ctx *c, const char *name, const ck_keyring_authority **out);
/* ck_rec_key_fn over cli_ctx_peer, for record verification. */
int cli_ctx_key_fn(void *ctx, const char *gid, uint8_t ed25519[32]);

/* The last verified head of a patient's record (home/heads/PATIENT). */
int cli_ctx_head_load(cli_ctx *c, const char *patient, ck_net_head *head, int *have);
int cli_ctx_head_store(cli_ctx *c, const char *patient, const ck_net_head *head);

/* Reads a whole record (all pages), the server's head and the patient's
 * signed head; *v (ck_net_entries_free) holds n entries in order. */
int cli_ctx_fetch_record(cli_ctx *c, const char *patient, ck_net_entry **v, size_t *n,
                         ck_net_head *server_head, ck_rec_signed_head *signed_head, int *has_signed);

void cli_ctx_close(cli_ctx *c);

#endif
