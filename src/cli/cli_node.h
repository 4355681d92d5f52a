/*
 * src/cli/cli_node.h - how a CLI command talks to the node: the common
 * options (--home, --server, --passphrase) layered over the environment,
 * the passphrase asked when the node first needs the keyring, notices
 * printed (what was done on stdout, warnings and problems on stderr as
 * "carekey: CMD: ..."), the progress bar, and a failed operation's error
 * printed with its advice and turned into the exit code.
 */
#ifndef CK_CLI_NODE_H
#define CK_CLI_NODE_H

#include <limits.h>

#include "carekey/node.h"
#include "client/cli.h"
#include "client/cli_ctx.h"
#include "client/cli_progress.h"

typedef struct cli_node {
    const char *cmd;                    /* "record get": the prefix of messages */
    ck_node_config cfg;
    char pass_source[PATH_MAX + 16];
    ck_node *n;
    cli_progress bar;
    int bar_phase;
} cli_node;

/* Defaults from the environment; no session yet. */
void cli_node_init(cli_node *x, const char *cmd);
/* 1 when opt was a common option (CLI_CTX_LONGOPTS), applied. */
int cli_node_option(cli_node *x, int opt, const char *arg);
/* Opens the session with the options given. CLI_OK or an exit code. */
int cli_node_open(cli_node *x);
/* After a failed operation: prints the error (and what to do next) and
 * returns its exit code: 2 bad input, 3 a file or carekeyd unreachable,
 * 1 anything else. */
int cli_node_fail(cli_node *x);
void cli_node_close(cli_node *x);

#endif
