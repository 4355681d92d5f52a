/*
 * src/cli/agent_keyring.h - the key agent's unlocked keyring as the
 * commands it runs see it (src/agent forwards a command into a process
 * that holds it; src/cli/agent.c sets it there, cli_node.c uses it).
 */
#ifndef CK_CLI_AGENT_KEYRING_H
#define CK_CLI_AGENT_KEYRING_H

#include "carekey/keyring.h"

/* Set in the process that runs one forwarded command, NULL elsewhere. A
 * command whose keyring file is that one gets a fresh copy of it
 * (ck_keyring_reopen: the file's current contents, no passphrase, no KDF)
 * instead of asking. */
void cli_agent_keyring_set(const ck_keyring *kr);
/* *out: that copy when path is the agent keyring's file, else NULL.
 * CLI_OK, or CLI_FAIL / CLI_IO (reported) when it cannot be reopened. */
int cli_agent_keyring(const char *cmd, const char *path, ck_keyring **out);

#endif
