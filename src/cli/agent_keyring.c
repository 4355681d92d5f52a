/*
 * src/cli/agent_keyring.c - the key agent's unlocked keyring, handed to the
 * command it runs (agent_keyring.h).
 */
#include <sys/stat.h>

#include "cli/agent_keyring.h"
#include "cli/cli.h"

static const ck_keyring *agent_kr;

void cli_agent_keyring_set(const ck_keyring *kr) { agent_kr = kr; }

/* the same file (device and inode), however the paths are spelled */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_agent_keyring(const char *cmd, const char *path, ck_keyring **out)
{
    ck_keyring_err e;
    *out = NULL;
    if (!agent_kr || !same_file(path, ck_keyring_path(agent_kr))) return CLI_OK;
    if ((e = ck_keyring_reopen(out, agent_kr)) != CK_KEYRING_OK) {
        cli_error(cmd, "the agent's keyring: %s: %s", path, ck_keyring_strerror(e));
        return e == CK_KEYRING_ERR_IO ? CLI_IO : CLI_FAIL;
    }
    return CLI_OK;
}
