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
    if (e->kind == CK_NODE_E_UNREACHABLE) {
        cli_error(x->cmd, "%s", e->msg);
        return CLI_IO;
    }
    if (e->status) {
        cli_error(x->cmd, "%s", e->msg); /* what carekeyd refused */
        return CLI_FAIL;
    }
    if (e->kind == CK_NODE_E_INVALID) {
        /* a bad option: with the help hint, except for times and the
         * hospital (and input the care library refused) */
        if (!e->path[0] || !strcmp(e->path, "at") || !strcmp(e->path, "hospital")) {
            cli_error(x->cmd, "%s", e->msg);
            return CLI_USAGE;
        }
        return cli_usage_error(x->cmd, help, "%s", e->msg);
    }
    return cli_node_fail(x);
}

void cli_cn_close(cli_node *x)
{
    if (x->n) {
        ck_node_care_flush(x->n);
        ck_node_care_forget(x->n);
    }
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

void cli_cn_print_rows(json_t *rows, json_t *shown, int as_json, const char *none, const cli_column *cols, size_t ncols)
{
    if (as_json) {
        char *t = json_dumps(rows, JSON_INDENT(2));
        if (t) puts(t);
        free(t);
    } else if (json_array_size(rows) == 0) {
        puts(none);
    } else {
        cli_print_table(stdout, shown ? shown : rows, cols, ncols);
    }
}
