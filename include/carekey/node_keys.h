/*
 * carekey/node_keys.h - a person's attribute keys, delivered sealed by
 * authorities through her mailbox on carekeyd.
 *
 * A delivery is accepted only when its sender (as the server records it,
 * "authority:NAME") signed it with NAME's signing key pinned in the
 * keyring, it was sealed to this person, names her GID, holds only NAME's
 * attributes, and never replaces a held attribute key by an older epoch (a
 * replayed pre-revocation delivery). Refused deliveries are reported
 * (WARNING notices) and stay in the mailbox unless dropped.
 */
#ifndef CARKEY_NODE_KEYS_H
#define CARKEY_NODE_KEYS_H

#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_sync_out {
    size_t accepted;   /* deliveries merged (and acknowledged) */
    size_t refused;    /* deliveries that did not verify */
    size_t other;      /* messages of other kinds, left */
    size_t attrs;      /* new attribute keys */
} ck_node_sync_out;

/* Fetches, verifies and merges the deliveries; INFO notice per accepted
 * one unless quiet. 0 when nothing was refused; -1 (REFUSED
 * "deliveries_refused") when some were, with the counts filled. */
int ck_node_keys_sync(ck_node *n, int drop_refused, int quiet, ck_node_sync_out *out) CK_NODE_WUR;

typedef struct ck_node_attr {
    char label[256];       /* name@authority; a numeric attribute's base label */
    uint32_t epoch;
    int numeric;           /* its 32 bit-attributes held at this epoch */
    uint32_t value;
} ck_node_attr;

/* The attributes held (never key material), numeric ones folded; only
 * authority's when not NULL. *out: free(). *n_keys: every attribute key
 * held (bit-attributes counted one by one). Works offline. */
int ck_node_keys_list(ck_node *n, const char *authority, ck_node_attr **out, size_t *count,
                      size_t *n_keys) CK_NODE_WUR;

/* The merged ABE user key, encoded (a secret: wipe and free it). */
int ck_node_keys_export(ck_node *n, uint8_t **key, size_t *len) CK_NODE_WUR;

typedef struct ck_node_message {
    int64_t id;
    char sender[144];
    char kind[65];
    size_t size;
    int64_t created_at;    /* ms */
} ck_node_message;

/* The mailbox's messages (*out: free()). */
int ck_node_inbox_list(ck_node *n, ck_node_message **out, size_t *count) CK_NODE_WUR;
/* Deletes message id. */
int ck_node_inbox_delete(ck_node *n, int64_t id) CK_NODE_WUR;
/* Deletes every message from sender; *count deleted. */
int ck_node_inbox_delete_from(ck_node *n, const char *sender, size_t *count) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
