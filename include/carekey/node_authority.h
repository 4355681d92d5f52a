/*
 * carekey/node_authority.h - attribute authorities run from a person's
 * keyring (a hospital's, a board's, the emergency desk's, a patient's own
 * patient-<gid>): created with an ABE secret key and an Ed25519 signing
 * seed, they issue attribute keys sealed to a user through her mailbox and
 * revoke them by epoch (docs/AUTHORITIES.md).
 *
 * The authority talks to carekeyd as "authority:NAME", signing with its own
 * seed. Who holds what lives in HOME/authorities/NAME.json (the holder
 * registry) with the authority's latest signed epoch table, so that a
 * revocation can re-issue to the other holders. Secrets never leave the
 * node except sealed to their recipient.
 */
#ifndef CARKEY_NODE_AUTHORITY_H
#define CARKEY_NODE_AUTHORITY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/directory.h"
#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_NODE_ATTRS_MAX 256      /* attributes in one issue or declare */
#define CK_NODE_ATTR_LABEL 208     /* >= CK_POLICY_LABEL_MAX */

/* One attribute as a user writes it: "doctor@hosp-a", "\"Primary
 * Care\"@hosp-a", or numeric "level@hosp-a=3" (its 32 bit-attributes). */
typedef struct ck_node_attr_spec {
    char label[CK_NODE_ATTR_LABEL];   /* "name@authority" (numeric: the base label) */
    int numeric;                      /* 1: value holds the number */
    uint32_t value;
} ck_node_attr_spec;

/* Parses one attribute (strict: policy syntax, a value 0..4294967295 only
 * after the last '='); allow_value 0 refuses a value (revoke, declare name
 * an attribute). INVALID with the reason. Needs no session state. */
int ck_node_attr_parse(ck_node *n, const char *text, int allow_value, ck_node_attr_spec *out) CK_NODE_WUR;
/* The authority part of a label ("" when none). */
const char *ck_node_attr_authority(const char *label);

/* ---- the authorities of this keyring --------------------------------------- */
typedef struct ck_node_authority_info {
    char name[CK_NODE_ATTR_LABEL];
    int has_signing;
    char signing_key[65];             /* hex, "" without signing seed */
} ck_node_authority_info;

/* Creates authority name (1-64 of a-z 0-9 . _ -; INVALID otherwise) in the
 * keyring, with its registry and a first signed epoch table listing the
 * n labels at epoch 0 (not published: it travels in the registration).
 * CONFLICT "authority_exists" when the keyring already runs it. */
int ck_node_authority_create(ck_node *n, const char *name, const char *const *labels, size_t count,
                             ck_node_authority_info *out) CK_NODE_WUR;
/* The authorities this keyring runs (*out: free()). */
int ck_node_authority_list(ck_node *n, ck_node_authority_info **out, size_t *count) CK_NODE_WUR;

/* The public record for the operator ('carekey admin add-authority'):
 * {"name","signing_key" (hex),"abe_public_key" (base64),"organization"
 * (org, NULL: this identity),"epoch_table"}, as indented JSON text (*json:
 * free()), and the binary ABE public key (*apk, may be NULL: free()). */
int ck_node_authority_publish(ck_node *n, const char *name, const char *org, char **json, uint8_t **apk,
                              size_t *apk_len) CK_NODE_WUR;

/* ---- issue, declare, revoke ----------------------------------------------------- */
typedef struct ck_node_issue_out {
    int64_t message;                      /* the delivery's mailbox message id */
    uint32_t epochs[CK_NODE_ATTRS_MAX];   /* the epoch each spec was issued at */
} ck_node_issue_out;

/* Issues the count attributes of spec (all of authority name) to gid at
 * their current epochs: lists new ones in the signed epoch table (publishing
 * it), seals the keys to gid's pinned X25519 key, signs and mails them, and
 * records gid in the registry. REFUSED "numeric_held" when gid holds
 * another value of a numeric attribute. */
int ck_node_authority_issue(ck_node *n, const char *name, const char *gid, const ck_node_attr_spec *spec,
                            size_t count, ck_node_issue_out *out) CK_NODE_WUR;

/* Lists the attributes in the signed epoch table (epoch 0) without issuing
 * them, publishing a new version when that added any; *listed and
 * *version: the table after. */
int ck_node_authority_declare(ck_node *n, const char *name, const ck_node_attr_spec *spec, size_t count,
                              size_t *listed, uint64_t *version) CK_NODE_WUR;

typedef struct ck_node_reissue {
    char gid[129];
    int ok;
    int64_t message;                      /* when ok                             */
    char error[CK_NODE_MSG_MAX];          /* why not, when !ok                   */
} ck_node_reissue;

typedef struct ck_node_revoke_out {
    uint32_t old_epoch, new_epoch;
    int numeric;
    ck_node_reissue *holders;             /* the other holders (free())          */
    size_t n_holders, failed;
} ck_node_revoke_out;

/* Revokes attribute label of authority name from gid: publishes a new
 * epoch (first, so nothing new opens with the revoked key even if a
 * re-issue fails), removes gid from the registry and re-issues the
 * attribute at the new epoch to every other holder. NOT_FOUND "not_held"
 * when the registry does not list gid. When some re-issue failed: -1,
 * REFUSED "reissue_failed", with out filled. */
int ck_node_authority_revoke(ck_node *n, const char *name, const char *gid, const char *label,
                             ck_node_revoke_out *out) CK_NODE_WUR;
void ck_node_revoke_out_free(ck_node_revoke_out *out);

/* The epoch table of authority name: its own (registry or directory, the
 * newer) when this keyring runs it, else the directory's, verified with
 * the pinned signing key and pinned. *out: ck_dir_epochs_free. */
int ck_node_authority_epochs(ck_node *n, const char *name, ck_dir_epochs *out) CK_NODE_WUR;

/* The labels gid holds from authority name according to its registry
 * (numeric attributes by their name), sorted (*out: free()). */
int ck_node_authority_held(ck_node *n, const char *name, const char *gid, char (**out)[CK_NODE_ATTR_LABEL],
                           size_t *count) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
