/*
 * src/client/cli_authority.h - what `carekey authority` and `carekey keys`
 * share, and what encryptors need to honour revocation:
 *
 *   attribute specs   "doctor@hosp-a", "\"Primary Care\"@hosp-a" or a
 *                     numeric "level@hosp-a=3" -> the ABE labels issued
 *   epoch table       the signed, versioned table an authority publishes
 *                     in the directory: label -> epoch
 *   holder registry   home/authorities/NAME.json, which GIDs hold which
 *                     attribute (so a revocation can re-issue to the rest)
 *   authority handle  a second connection signed as "authority:NAME"
 *
 * docs/AUTHORITIES.md describes the flow.
 */
#ifndef CK_CLI_AUTHORITY_H
#define CK_CLI_AUTHORITY_H

#include <getopt.h>
#include <jansson.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "client/cli_ctx.h"

/* ---- attributes ----------------------------------------------------------- */
typedef struct cli_attr_spec {
    char label[CK_POLICY_LABEL_MAX];   /* "name@authority" (numeric: the base label) */
    int numeric;                       /* 1: value holds the number              */
    uint32_t value;
} cli_attr_spec;

/* Parses one --attr. Usage problems are reported (cmd/help) and give
 * CLI_USAGE. allow_value 0 refuses "=N" (revoke names an attribute). */
int cli_attr_parse(const char *cmd, const char *help, const char *text, int allow_value, cli_attr_spec *out);
/* The authority part of a label. */
const char *cli_attr_authority(const char *label);
/* The ABE labels of a spec: 1 label, or the 32 bit-labels of a numeric one
 * ("name#b<i>=<bit>@auth", carekey/policy.h). Returns the count. */
size_t cli_attr_labels(const cli_attr_spec *a, char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX]);
/* A bit label "level#b3=1@hosp-a": the length of its name ("level"), its
 * bit and value; 1, or 0 when label is not a bit label. */
int cli_attr_bit_parts(const char *label, size_t *name_len, unsigned *bit, unsigned *val);
/* ---- epoch tables (the authority's side) ---------------------------------- */
/* An authority's epoch table is a signed, versioned document
 * (carekey/directory.h) listing every label it ever issued; a numeric
 * attribute is listed under its name ("level@hosp-a") and covers its
 * bit-attributes. The authority keeps its latest table in its registry and
 * publishes every new version to the directory; encryptors verify it
 * (cli_epochs.h). */
/* The authority's current table: the newer of the registry's and the
 * directory's (each verified with the authority's own key), or a new
 * empty one (version 0, unpublished). Also checks that the directory holds
 * this keyring's signing key for it. */
int cli_authority_table(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, const json_t *reg,
                        ck_dir_epochs *t);
/* Signs t as the next version, publishes it and keeps it in reg (saved). */
int cli_authority_table_publish(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, json_t *reg,
                                ck_dir_epochs *t);
/* A first table (version 1, the n labels at epoch 0), signed, into reg
 * (not published: it travels in the authority's registration). */
int cli_authority_table_first(cli_ctx *c, const ck_keyring_authority_secret *s, json_t *reg,
                              const char *const *labels, size_t n);
/* The epoch a label is issued at: its entry, its numeric attribute's, else 0. */
uint32_t cli_table_epoch(const ck_dir_epochs *t, const char *label);

/* ---- holder registry -------------------------------------------------------- */
/* {"authority":NAME,"attributes":{label:[gid,...]},"numeric":{label:{gid:value}},
 *  "epoch_table":{signed table}}
 * Missing file: an empty registry. NULL on error (reported). */
json_t *cli_registry_load(cli_ctx *c, const char *name);
int cli_registry_save(cli_ctx *c, const char *name, json_t *reg);
/* Records gid as a holder of a (numeric: with its value). */
int cli_registry_add(json_t *reg, const cli_attr_spec *a, const char *gid);
/* 1 if gid holds the attribute (numeric: *value set), 0 if not. */
int cli_registry_holds(const json_t *reg, const char *label, int numeric, const char *gid, uint32_t *value);
/* The labels gid holds (numeric attributes by their name), sorted: a new
 * JSON array of strings, NULL when out of memory. */
json_t *cli_registry_held(const json_t *reg, const char *gid);

/* ---- issue and revoke (what `authority issue/revoke` do after parsing) ---- */
/* Issues the n attributes of spec (all of authority name, which this
 * keyring runs) to gid at their current epochs through the mailbox and
 * records gid in the registry; prints "issued ..." lines. */
int cli_authority_issue(cli_ctx *c, const char *name, const char *gid, const cli_attr_spec *spec, size_t n);
/* Revokes attribute label of authority name from gid: a new epoch,
 * published, then re-issued to the other holders of the registry; prints
 * what it did. attr: the attribute as the user wrote it, for the hint
 * after a failed re-issue (NULL: label). */
int cli_authority_revoke(cli_ctx *c, const char *name, const char *gid, const char *label, const char *attr);

/* ---- creating and registering an authority --------------------------------- */
/* Creates authority name in this keyring (ABE setup, signing seed), its
 * registry and first signed epoch table listing the n labels; saves the
 * keyring. CLI_USAGE for a bad name, CLI_FAIL when the keyring already
 * runs it. */
int cli_authority_create(cli_ctx *c, const char *name, const char *const *labels, size_t n);
/* The registration record of authority name for the operator to sign:
 * signing key, ABE public key, organization (NULL: this identity) and the
 * latest signed epoch table of its registry. Clear with
 * ck_net_authority_clear. */
int cli_authority_record(cli_ctx *c, const char *name, const char *org, ck_net_authority *out);

/* ---- keys ------------------------------------------------------------------ */
/* Fetches this person's mailbox and merges the key deliveries that verify
 * (cli_keys.c); drop also deletes refused ones; quiet prints nothing but
 * refusals. *n_attrs (may be NULL): the attribute keys added. CLI_FAIL
 * when a delivery was refused. */
int cli_keys_sync(cli_ctx *c, int drop, int quiet, size_t *n_attrs);

/* ---- the commands' options ---------------------------------------------------- */
/* The next option of lo (after cli_start_opts) that is not a context option
 * (those are set in c): its value, -1 at the end. --help prints usage and
 * gives 'h'; the caller returns CLI_OK then, and CLI_USAGE for an option it
 * does not take. */
int cli_authority_next_opt(cli_ctx *c, int argc, char **argv, const struct option *lo, const char *help,
                           const char *usage);

/* ---- the authority itself ---------------------------------------------------- */
/* The secret of authority name in this keyring (opens it), with a signing
 * seed. Reports "this keyring does not run authority NAME". */
int cli_authority_secret(cli_ctx *c, const char *name, const ck_keyring_authority_secret **out);
/* A connection signed as "authority:NAME" to the context's server. */
int cli_authority_net(cli_ctx *c, const ck_keyring_authority_secret *s, ck_net **out);
/* Reports the last error of net like cli_ctx_net_error. */
int cli_authority_net_error(cli_ctx *c, ck_net *net, const char *what);
/* A user's keys: pinned in the keyring, else from the directory (through
 * net) and pinned. "no user 'bob' in the directory" on 404. */
int cli_authority_peer(cli_ctx *c, ck_net *net, const char *gid, ck_keyring_peer *out);

#endif
