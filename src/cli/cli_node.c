/*
 * src/cli/cli_node.c - the CLI side of a node session (cli_node.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/keyring.h"
#include "cli/cli_node.h"
#include "cli/advice.h"

static void copy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

void cli_node_init(cli_node *x, const char *cmd)
{
    memset(x, 0, sizeof *x);
    x->cmd = cmd;
    ck_node_config_from_env(&x->cfg);
    copy(x->pass_source, sizeof x->pass_source, getenv(CK_KEYRING_PASSPHRASE_ENV) ? "env" : "prompt");
}

int cli_node_option(cli_node *x, int opt, const char *arg)
{
    switch (opt) {
    case CLI_COMMON_OPT_HOME: x->cfg.home = arg; return 1;
    case CLI_COMMON_OPT_SERVER: x->cfg.server = arg; return 1;
    case CLI_COMMON_OPT_PASS: copy(x->pass_source, sizeof x->pass_source, arg); return 1;
    }
    return 0;
}

/* The passphrase from the --passphrase source (a prompt on the terminal,
 * a file or a variable), asked only when the node needs the keyring. */
static int passphrase(void *ud, char *buf, size_t cap, char *why, size_t why_cap)
{
    cli_node *x = ud;
    ck_keyring_err e = ck_keyring_passphrase_get(x->pass_source, buf, cap);
    if (e == CK_KEYRING_OK) return 0;
    cli_passphrase_problem(why, why_cap, x->pass_source, e);
    return -1;
}

static void notice(void *ud, ck_node_level level, const char *msg)
{
    cli_node *x = ud;
    cli_progress_end(&x->bar); /* a line never lands in the middle of the bar */
    x->bar.active = 0;
    if (level == CK_NODE_INFO) printf("%s\n", msg);
    else fprintf(stderr, "carekey: %s: %s\n", x->cmd, msg);
}

static const char *phase_label(ck_node_phase p)
{
    static const char *const labels[] = {"fetching", "verifying", "opening", "sealing", "appending", "syncing"};
    return (unsigned)p < sizeof labels / sizeof *labels ? labels[p] : "working";
}

static int progress(void *ud, ck_node_phase phase, uint64_t done, uint64_t total)
{
    cli_node *x = ud;
    if (!x->bar.active || x->bar_phase != (int)phase || done == 1) {
        cli_progress_end(&x->bar);
        cli_progress_start(&x->bar, phase_label(phase), (size_t)total);
        x->bar_phase = (int)phase;
    }
    cli_progress_step(&x->bar, 1);
    if (total && done >= total) cli_progress_end(&x->bar);
    return 0;
}

/* Run by the key agent: its keyring, when it is this home's (agent_keyring.h). */
static int adopt_agent_keyring(cli_node *x)
{
    char path[PATH_MAX];
    ck_keyring *kr = NULL;
    int rc;
    snprintf(path, sizeof path, "%s/keyring.ckr", ck_node_home(x->n));
    if ((rc = cli_agent_keyring(x->cmd, path, &kr)) != CLI_OK || !kr) return rc;
    if (ck_node_adopt_keyring(x->n, kr) != 0) return cli_node_fail(x);
    return CLI_OK;
}

int cli_node_open(cli_node *x)
{
    int rc;
    if (x->n) return CLI_OK;
    if (ck_node_global_init() != 0 || ck_node_open(&x->n, &x->cfg) != 0) {
        cli_error(x->cmd, "cannot start (out of memory, or an invalid --home)");
        return CLI_FAIL;
    }
    ck_node_set_passphrase(x->n, passphrase, x);
    if ((rc = adopt_agent_keyring(x)) != CLI_OK) return rc;
    ck_node_set_notice(x->n, notice, x);
    ck_node_set_progress(x->n, progress, x);
    return CLI_OK;
}

int cli_node_fail(cli_node *x)
{
    const ck_node_error *e = ck_node_last_error(x->n);
    cli_progress_end(&x->bar);
    cli_error(x->cmd, "%s", e->msg[0] ? e->msg : ck_node_kind_name(e->kind));
    if (e->status) cli_advice_print(x->cmd, e->key); /* the server's code: what to do next */
    switch (e->kind) {
    case CK_NODE_E_INVALID: return CLI_USAGE;
    case CK_NODE_E_IO:
    case CK_NODE_E_UNREACHABLE: return CLI_IO;
    case CK_NODE_E_KEYRING:
        if (!strcmp(e->key, "passphrase_source")) return CLI_USAGE;
        return !strcmp(e->key, "no_keyring") ? CLI_IO : CLI_FAIL;
    default: return CLI_FAIL;
    }
}

void cli_node_close(cli_node *x)
{
    cli_progress_end(&x->bar);
    ck_node_close(x->n);
    x->n = NULL;
}
