/*
 * src/cli/node_serve.h - `carekey node serve --ui` (and its alias `carekey
 * web serve`): the node's pages, src/ui. docs/UI.md.
 */
#ifndef CK_CLI_NODE_SERVE_H
#define CK_CLI_NODE_SERVE_H

extern const char cli_node_serve_usage[];
/* argv[0] is the subcommand; cmd names it in messages ("node serve"). */
int cli_node_serve(int argc, char **argv, const char *cmd);
int cli_node_serve_cmd(int argc, char **argv);

#endif
