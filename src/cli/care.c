/*
 * src/cli/care.c - the shared front-end pieces of the care groups (care.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/care.h"

const char *cli_cn_org(const char *opt)
{
    const char *env = getenv("CAREKEY_HOSPITAL");
    return opt ? opt : (env && *env ? env : NULL);
}

int cli_cn_fail(cli_node *x, const char *help)
{
    const ck_node_error *e = ck_node_last_error(x->n);
    if (e->kind == CK_NODE_E_INVALID && e->path[0]) {
        if (!strcmp(e->path, "at") || !strcmp(e->path, "hospital")) {
            cli_error(x->cmd, "%s", e->msg);
            return CLI_USAGE;
        }
        return cli_usage_error(x->cmd, help, "%s", e->msg);
    }
    if (e->kind == CK_NODE_E_UNREACHABLE) {
        cli_error(x->cmd, "%s", e->msg);
        return CLI_IO;
    }
    if (e->status || e->kind == CK_NODE_E_INVALID) {
        cli_error(x->cmd, "%s", e->msg);
        return CLI_FAIL; /* what carekeyd refused, or an internal refusal */
    }
    return cli_node_fail(x);
}

void cli_cn_close(cli_node *x)
{
    if (x->n) ck_node_care_flush(x->n);
    cli_node_close(x);
}

int cli_cn_json(cli_node *x, const json_t *j)
{
    char *text = json_dumps(j, JSON_INDENT(2));
    if (!text) {
        cli_error(x->cmd, "out of memory");
        return CLI_FAIL;
    }
    printf("%s\n", text);
    memset(text, 0, strlen(text));
    free(text);
    return CLI_OK;
}
