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

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/node.h"
#include "carekey/record.h"
#include "cli/cli.h"
#include "cli/agent_keyring.h"
#include "cli/progress.h"

/* The common options of every command that works on a home:
 *   --home DIR           default $CAREKEY_HOME, else ~/.carekey
 *   --server URL         default $CAREKEY_SERVER, else the one saved by init
 *   --passphrase SOURCE  prompt | env[:NAME] | file:PATH; default env when
 *                        $CAREKEY_PASSPHRASE is set, else prompt */
#define CLI_COMMON_OPT_HOME 0x1001
#define CLI_COMMON_OPT_SERVER 0x1002
#define CLI_COMMON_OPT_PASS 0x1003
#define CLI_COMMON_LONGOPTS                                              \
    {"home", required_argument, NULL, CLI_COMMON_OPT_HOME},              \
    {"server", required_argument, NULL, CLI_COMMON_OPT_SERVER},          \
    {"passphrase", required_argument, NULL, CLI_COMMON_OPT_PASS}
#define CLI_COMMON_HELP                                                             \
    "Common options:\n"                                                             \
    "  --home DIR           this person's directory (default $CAREKEY_HOME or ~/.carekey)\n" \
    "  --server URL         carekeyd to talk to (default $CAREKEY_SERVER or the saved one)\n" \
    "  --passphrase SOURCE  prompt | env[:NAME] | file:PATH (keyring passphrase)\n"

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
/* 1 when opt was a common option (CLI_COMMON_LONGOPTS), applied. */
int cli_node_option(cli_node *x, int opt, const char *arg);
/* Opens the session with the options given. CLI_OK or an exit code. */
int cli_node_open(cli_node *x);
/* After a failed operation: prints the error (and what to do next) and
 * returns its exit code: 2 bad input, 3 a file or carekeyd unreachable,
 * 1 anything else. */
int cli_node_fail(cli_node *x);
void cli_node_close(cli_node *x);

#endif
