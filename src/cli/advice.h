/*
 * src/cli/advice.h - what to do next after a refusal: one line of
 * advice per stable error code of carekeyd (src/server/errors.c), and the
 * passphrase problems explained. Used by the
 * node front end (src/cli/cli_node.c). No dependencies beyond libc and the
 * keyring's error codes, so tests link it alone.
 */
#ifndef CK_CLI_ADVICE_H
#define CK_CLI_ADVICE_H

#include <stddef.h>

#include "carekey/keyring.h"

/* The advice for a server error code, or NULL: none (a code kept plain on
 * purpose, or one this client does not know). */
const char *cli_advice(const char *code);
/* 1 if code is in the table, with advice or deliberately plain. */
int cli_advice_known(const char *code);
/* The i-th code of the table (NULL past the end): for the unit test. */
const char *cli_advice_code_at(size_t i);

/* Prints "carekey: CMD: what to do: ADVICE" on stderr when code has advice. */
void cli_advice_print(const char *cmd, const char *code);

/* Why the passphrase could not be had from source (--passphrase), with
 * what to do: no terminal -> use file:PATH or env:VAR; an unset or empty
 * variable is named; an unknown source lists the forms. Returns out. */
const char *cli_passphrase_problem(char *out, size_t cap, const char *source, ck_keyring_err e);

#endif
