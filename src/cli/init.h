/*
 * src/cli/init.h - creating an identity from the CLI, shared by `carekey
 * init`, `carekey admin init` and `carekey patient onboard`.
 */
#ifndef CK_CLI_INIT_H
#define CK_CLI_INIT_H

#include "cli/cli_node.h"

/* Opens x's session, asks the new passphrase (twice, from --passphrase's
 * source) and creates the identity and keyring in x's home, pinning the
 * operator's key (hex; NULL: its own) and saving the server URL. The
 * session then holds the keyring. CLI_OK or the exit code (printed). */
int cli_init_identity(cli_node *x, const char *gid, const char *operator_hex, unsigned kdf_cost);

#endif
