/*
 * src/cli/care.h - what the care command groups over the node share
 * (care_*.c): the --org option (--hospital kept) and its help, the care error rendering
 * (a bad option as a usage error, a refusal as today's one line), and the
 * end of a care command (the session's care state written to the home).
 */
#ifndef CK_CLI_CARE_H
#define CK_CLI_CARE_H

#include "carekey/node_care.h"
#include "cli/cli_node.h"

#define CLI_CARE_NODE_OPT_ORG 0x1201
#define CLI_CARE_NODE_OPT_AT 0x1202
#define CLI_CARE_NODE_OPT_JSON 0x1205
#define CLI_CARE_NODE_ORG_LONGOPTS                                 \
    {"org", required_argument, NULL, CLI_CARE_NODE_OPT_ORG},       \
    {"hospital", required_argument, NULL, CLI_CARE_NODE_OPT_ORG} /* hidden alias of --org */
#define CLI_CARE_NODE_AT_LONGOPTS {"at", required_argument, NULL, CLI_CARE_NODE_OPT_AT}
#define CLI_CARE_NODE_ORG_HELP                                                                \
    "  --org ORG            the hospital (or pharmacy) whose ledger is used (default\n"      \
    "                       $CAREKEY_HOSPITAL, else the one staff@ORG key in the keyring)\n"

/* --hospital, else $CAREKEY_HOSPITAL when set and not empty, else NULL
 * (the node takes the keyring's one staff@ORG). */
const char *cli_cn_org(const char *opt);
/* A failed care operation: printed, and its exit code - 2 for bad input
 * (options named in a usage error, except --at and --hospital), 3 when
 * carekeyd cannot be reached, else 1. */
int cli_cn_fail(cli_node *x, const char *help);
/* Writes what the session learnt (verified state, decrypt cache), closes. */
void cli_cn_close(cli_node *x);
/* j indented on stdout; CLI_FAIL (reported) when out of memory. */
int cli_cn_json(cli_node *x, const struct json_t *j);

/* A list's rows on stdout: the JSON array (as_json), else the line none
 * when there are no rows, else a table of cols over shown (NULL: rows). */
void cli_cn_print_rows(struct json_t *rows, struct json_t *shown, int as_json, const char *none, const cli_column *cols,
                       size_t ncols);

#endif
