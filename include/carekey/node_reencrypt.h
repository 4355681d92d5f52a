/*
 * carekey/node_reencrypt.h - closing a record to someone whose attributes
 * were revoked, from now on.
 *
 * A revocation alone (a new epoch) keeps her out of what is written after
 * it; what was sealed before stays readable to her, as to everyone who held
 * the attribute then. For data the owner wants closed, every current
 * version sealed at an older epoch (or every one) that this person can
 * open is sealed again under a fresh data key and the current epochs and
 * appended as its new version; then a tombstone lets the server drop the
 * bodies of all superseded versions. Run by the owner or her delegate (a
 * hospital for the records it holds delegation for, an organization for
 * its ledger - opened with keys its own authority makes for the run).
 */
#ifndef CARKEY_NODE_REENCRYPT_H
#define CARKEY_NODE_REENCRYPT_H

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_reencrypt_in {
    const char *patient;
    int all;        /* every current version, not only those at an older epoch */
    int dry_run;    /* only say what would be re-encrypted */
} ck_node_reencrypt_in;

typedef struct ck_node_reencrypt_item {
    uint64_t seq;
    char section[65];
} ck_node_reencrypt_item;

typedef struct ck_node_reencrypt_out {
    ck_node_reencrypt_item *queued;   /* what is (dry run: would be) re-encrypted */
    size_t n_queued;
    size_t done;      /* re-encrypted and appended */
    size_t current;   /* already at the current epochs */
    size_t skipped;   /* stale but not openable by this person */
    size_t dropped;   /* superseded versions the tombstone lets the server drop */
    int planned;      /* the plan was made (counts above are meaningful even after a later failure) */
} ck_node_reencrypt_out;

int ck_node_reencrypt(ck_node *n, const ck_node_reencrypt_in *in, ck_node_reencrypt_out *out) CK_NODE_WUR;
void ck_node_reencrypt_out_free(ck_node_reencrypt_out *out);

#ifdef __cplusplus
}
#endif

#endif
