/*
 * src/node/emergency/desk_impl.h - the emergency desk's state (desk*.c):
 * its session, its authority and attribute label, the longest window, the
 * sharing profile its audit policies come from, and the nonces it has
 * seen (in memory and in HOME/desk-nonces, so a restart does not reopen
 * a replay window).
 */
#ifndef CK_NODE_DESK_IMPL_H
#define CK_NODE_DESK_IMPL_H

#include "node/emergency/emergency_impl.h"

typedef struct ck_node_desk_nonce {
    char key[CK_NET_ID_MAX + 2 + 2 * CK_NODE_BTG_NONCE_BYTES]; /* gid/nonce */
    uint64_t expires_ms;
} ck_node_desk_nonce;

struct ck_node_desk {
    ck_node *n;
    char authority[CK_ABE_NAME_MAX + 1];
    char label[CK_POLICY_LABEL_MAX];     /* emergency@AUTHORITY */
    uint32_t max_seconds;
    ck_sharing_profile *profile;
    ck_node_desk_nonce *seen;
    size_t n_seen, cap_seen;
    char nonce_path[PATH_MAX];
};

/* ---- replay memory (desk_nonces.c) ---- */
void ck_node_desk_nonces_load(ck_node_desk *d);
void ck_node_desk_nonces_prune(ck_node_desk *d, uint64_t now);
int ck_node_desk_nonce_seen(const ck_node_desk *d, const char *key);
/* Remembers key until expires_ms; persist: rewrites the file (fsync'ed). 0 or -1. */
int ck_node_desk_nonce_remember(ck_node_desk *d, const char *key, uint64_t expires_ms, int persist);

/* ---- the audit event (desk_event.c) ---- */
/* What the event records: "0" released or "4" refused, and why. */
typedef struct ck_node_desk_outcome {
    const char *code, *desc;
} ck_node_desk_outcome;

/* The FHIR R4 AuditEvent of one break-glass request; NULL when out of memory. */
json_t *ck_node_desk_event(const ck_node_desk *d, const ck_net_user *phys, const char *patient, const char *reason,
                           uint64_t issued, uint64_t expires, const char *sections, const char *nonce_hex,
                           const ck_node_desk_outcome *oc);
/* Seals the event under the profile's audit policy for the patient's
 * authority owner_auth and appends it to her record: 0 (*seq), or -1 with
 * *code / msg (cap) for the answer. */
int ck_node_desk_write_event(ck_node_desk *d, const char *patient, const char *owner_auth, const json_t *event,
                             uint64_t *seq, char *msg, size_t cap);

#endif
