/*
 * src/client/cli_authority.h - what is left of the old authority helpers:
 * the declaration of cli_keys_sync (cli_keys.c), for the old groups still
 * on cli_ctx. Authorities, the holder registry and epoch tables are the
 * node's now (carekey/node_authority.h, src/node/authority/); this header
 * goes with cli_keys.c.
 */
#ifndef CK_CLI_AUTHORITY_H
#define CK_CLI_AUTHORITY_H

#include <getopt.h>
#include <jansson.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "client/cli_ctx.h"

/* Fetches this person's mailbox and merges the key deliveries that verify
 * (cli_keys.c); drop also deletes refused ones; quiet prints nothing but
 * refusals. *n_attrs (may be NULL): the attribute keys added. CLI_FAIL
 * when a delivery was refused. */
int cli_keys_sync(cli_ctx *c, int drop, int quiet, size_t *n_attrs);

#endif
