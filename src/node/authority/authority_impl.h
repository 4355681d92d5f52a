/*
 * src/node/authority/authority_impl.h - what the authority operations share
 * with each other and with the node's other workflows that run an authority
 * (hospital staff, patient onboarding): the authority's secret and its own
 * connection, the holder registry and the signed epoch table.
 */
#ifndef CK_NODE_AUTHORITY_IMPL_H
#define CK_NODE_AUTHORITY_IMPL_H

#include <jansson.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "carekey/node_authority.h"
#include "carekey/policy.h"
#include "node/node_impl.h"

/* One authority of the keyring at work: its secret (with a signing seed),
 * its registry and (lazily) its connection signed as "authority:NAME". */
typedef struct ck_node_auth {
    ck_node *n;
    const ck_keyring_authority_secret *s;
    json_t *reg;
    ck_net *an;
} ck_node_auth;

/* The keyring's authority name with its registry; NOT_FOUND "no_authority"
 * when the keyring does not run it, KEYRING "no_signing_key" without seed. */
int ck_node_auth_open(ck_node_auth *a, ck_node *n, const char *name);
/* The connection signed as the authority. */
int ck_node_auth_net(ck_node_auth *a);
/* The last answer of a->an as an error (never INVALID: the input was
 * checked, so a 400 is the server's). -1. */
int ck_node_auth_fail_net(ck_node_auth *a, const char *what);
void ck_node_auth_close(ck_node_auth *a);

/* ---- attributes ------------------------------------------------------------ */
/* The ABE labels of a spec: 1, or the 32 bit-labels of a numeric one. */
size_t ck_node_attr_labels(const ck_node_attr_spec *a, char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX]);
/* "level#b3=1@hosp-a" -> base "level@hosp-a" (1), else 0. */
int ck_node_attr_bit_base(const char *label, char base[CK_POLICY_LABEL_MAX]);

/* ---- the holder registry --------------------------------------------------- */
/* {"authority":NAME,"attributes":{label:[gid,...]},"numeric":{label:{gid:value}},
 *  "epoch_table":{signed table}}; a missing file is an empty registry. */
json_t *ck_node_registry_load(ck_node *n, const char *name);
int ck_node_registry_save(ck_node *n, const char *name, json_t *reg);
int ck_node_registry_add(json_t *reg, const ck_node_attr_spec *a, const char *gid);
/* 1 if gid holds it (numeric: *value set when value is not NULL). */
int ck_node_registry_holds(const json_t *reg, const char *label, int numeric, const char *gid, uint32_t *value);
/* The labels gid holds, sorted: a new JSON array; NULL out of memory. */
json_t *ck_node_registry_held(const json_t *reg, const char *gid);

/* ---- the authority's signed epoch table ------------------------------------ */
/* The newer of the registry's and the directory's (each verified with the
 * authority's key), or an empty unpublished one (version 0). */
int ck_node_auth_table(ck_node_auth *a, ck_dir_epochs *t);
/* Signs t as the next version, keeps it in the registry (saved), publishes it. */
int ck_node_auth_table_publish(ck_node_auth *a, ck_dir_epochs *t);
/* A first table (version 1, the labels at epoch 0), signed, kept in the
 * registry (not saved, not published). */
int ck_node_auth_table_first(ck_node_auth *a, const char *const *labels, size_t count);
/* Lists the specs' labels (epoch 0 when new) and publishes the next
 * version when that added any or nothing was published yet. */
int ck_node_auth_table_cover(ck_node_auth *a, ck_dir_epochs *t, const ck_node_attr_spec *spec, size_t count);
/* The epoch a label is issued at: its entry, its numeric attribute's, else 0. */
uint32_t ck_node_table_epoch(const ck_dir_epochs *t, const char *label);

/* ---- delivery ----------------------------------------------------------------- */
/* Issues labels (each at its epoch in t) to gid, seals the key to gid's
 * pinned X25519 key (pinned from the directory on first use), signs it as
 * the authority and mails it: *msg_id. */
int ck_node_auth_deliver(ck_node_auth *a, const char *gid, char (*labels)[CK_POLICY_LABEL_MAX], size_t count,
                         const ck_dir_epochs *t, int64_t *msg_id);

/* The registration record of authority name (org NULL: this identity)
 * with its latest signed epoch table (a first one made when it has none):
 * for publish and for an enrollment request that registers it. Clear
 * with ck_net_authority_clear. */
int ck_node_auth_record(ck_node *n, const char *name, const char *org, ck_net_authority *out);

/* Issues spec to gid (issue.c; what ck_node_authority_issue does once
 * the authority is open): for workflows that run an authority. */
int ck_node_auth_issue(ck_node_auth *a, const char *gid, const ck_node_attr_spec *spec, size_t count,
                       ck_node_issue_out *out);

#endif
