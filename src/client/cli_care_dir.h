/*
 * src/client/cli_care_dir.h - what the booking commands (schedule,
 * appointment, theatre) share beyond cli_care.h: the directory checks made
 * before a booking (is GID an active doctor, a patient; is U a unit or a
 * theatre of ORG), and for their list commands the ledger read as staff
 * and the printing of the rows.
 *
 * The checks open the connection (cli_ctx_net) and report a refusal
 * themselves: CLI_OK, CLI_FAIL (refused) or the network error's code.
 */
#ifndef CK_CLI_CARE_DIR_H
#define CK_CLI_CARE_DIR_H

#include "client/cli_care.h"

/* ---- the directory ------------------------------------------------------ */
/* gid is an active user of the directory in one of roles (NULL-terminated);
 * else "GID is not an active <what> in the directory". */
int cli_care_dir_check_person(cli_ctx *c, const char *gid, const char *const *roles, const char *what);
/* gid's directory role is patient; else "GID is not a patient". */
int cli_care_dir_check_patient(cli_ctx *c, const char *gid);
/* org has a unit named unit, of kind (NULL: any); else "ORG has no unit
 * 'U'", or for a kind "ORG has no <kind> 'U' (carekey directory units ...)". */
int cli_care_dir_check_unit(cli_ctx *c, const char *org, const char *kind, const char *unit);

/* ---- list commands -------------------------------------------------------- */
/* Loads sections of org's ledger for a staff listing: refused (reported,
 * CLI_FAIL) when it holds entries there but none opens with these keys. */
int cli_care_ledger_read(cli_care_book *b, cli_ctx *c, const char *org, const char *sections);
/* A list command's rows on stdout: the JSON array (as_json), else the line
 * none when there are no rows, else a table of cols over shown (the rows
 * as text; NULL: rows themselves). */
void cli_care_print_rows(json_t *rows, json_t *shown, int as_json, const char *none, const cli_column *cols,
                         size_t ncols);

#endif
