/*
 * src/cli/web_serve.c - `carekey web serve`: the alias of `carekey node
 * serve --ui` (src/cli/node_serve.c), kept for scripts. docs/UI.md.
 */
#include <stdio.h>

#include "cli/node_serve.h"
#include "cli/cli.h"

/* the alias of `carekey node serve --ui` (src/cli/node_serve.c) */
static int cmd_serve(int argc, char **argv) { return cli_node_serve(argc, argv, "web serve"); }

static const cli_subcmd web_subcmds[] = {
    {"serve", "serve the node's pages (alias of 'node serve --ui')", cli_node_serve_usage, cmd_serve},
};
#define N_WEB (sizeof web_subcmds / sizeof web_subcmds[0])

static void web_help(FILE *f)
{
    fprintf(f, "Usage: carekey web COMMAND [OPTIONS]\n\nThe node's pages.\n\nCommands:\n");
    for (size_t i = 0; i < N_WEB; i++) fprintf(f, "  %-8s %s\n", web_subcmds[i].name, web_subcmds[i].summary);
}

static int web_run(int argc, char **argv) { return cli_dispatch("web", web_help, web_subcmds, N_WEB, argc, argv); }

const cli_group cli_group_web = {"web", "the node's pages on 127.0.0.1: serve", web_run};
