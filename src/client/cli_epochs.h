/*
 * src/client/cli_epochs.h - attribute epochs an encryptor can trust.
 *
 * Each authority publishes its epoch table as a versioned document signed
 * with its Ed25519 signing key (carekey/directory.h). An encryptor takes a
 * table only when it verifies against the authority's pinned signing key
 * (itself pinned from an operator-signed authority record), never accepts
 * an older version than the one pinned in HOME/epochs/NAME.json, never an
 * epoch below the pinned one, and refuses to seal for a label the table
 * does not list: a server that drops, rolls back or forges epochs makes
 * sealing fail with a clear error instead of sealing for a revoked key.
 */
#ifndef CK_CLI_EPOCHS_H
#define CK_CLI_EPOCHS_H

#include "carekey/directory.h"
#include "client/cli_ctx.h"

typedef struct cli_epochs {
    cli_ctx *c;
    ck_dir_epochs *t;   /* verified tables, one per authority loaded */
    size_t n;
} cli_epochs;

void cli_epochs_init(cli_epochs *e, cli_ctx *c);
void cli_epochs_free(cli_epochs *e);
/* Fetches authority's signed table, verifies it and pins it (once per
 * cli_epochs). Errors are reported; CLI_FAIL when the table is missing,
 * malformed, unsigned, mis-signed or older than the pinned one. */
int cli_epochs_load(cli_epochs *e, const char *authority);
/* The epoch of label (its authority loaded): CLI_OK, or CLI_FAIL with
 * "no signed epoch for LABEL" reported. */
int cli_epochs_label(cli_epochs *e, const char *label, uint32_t *epoch);
/* ck_abe_epoch_fn over the loaded tables (call after every label of the
 * policy passed cli_epochs_label). */
uint32_t cli_epochs_fn(void *ctx, const char *label);

/* Checks that next may replace pinned: same authority, a version not
 * below it (equal only when identical), no label dropped or lowered.
 * 0 when fine, else -1 with why. */
int cli_epochs_successor(const ck_dir_epochs *pinned, const ck_dir_epochs *next, char why[CK_DIR_ERR_CAP]);

#endif
