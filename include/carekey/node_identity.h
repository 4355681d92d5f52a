/*
 * carekey/node_identity.h - a person's identity (GID, Ed25519 signing key,
 * X25519 key for sealed deliveries) and her keyring in her home, and her
 * enrollment through the server's queue: she submits a request about
 * herself, signed with the key it enrolls; the operator approves it
 * (carekey/node_admin.h). Nothing is carried to the operator by hand,
 * except with the offline request file.
 */
#ifndef CARKEY_NODE_IDENTITY_H
#define CARKEY_NODE_IDENTITY_H

#include <stddef.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_identity_in {
    const char *gid;
    const char *operator_key;    /* hex; NULL: this identity's own (the operator's keyring) */
    unsigned kdf_cost;           /* scrypt N = 2^kdf_cost (10..20)                          */
    const char *pass;            /* the new passphrase, asked by the front end (twice)      */
    size_t pass_len;
} ck_node_identity_in;

/* Creates the identity and the keyring (encrypted at rest with pass) in
 * the session's home, pins the operator's key, saves the configured server
 * URL in the home; the session holds the new keyring, unlocked. INVALID
 * "bad_gid", "bad_operator_key", "keyring_exists"; IO otherwise. */
int ck_node_identity_create(ck_node *n, const ck_node_identity_in *in) CK_NODE_WUR;

/* Patients, family and caregivers are shown by GID only: their names stay
 * in the sealed demographics, off the server. */
int ck_node_role_private(const char *role);

/* The offline enrollment request (public keys only) as indented JSON:
 * {"gid","ed25519","x25519","display_name","role"} (*json: free()). */
int ck_node_identity_request(ck_node *n, const char *role, const char *display_name, char **json) CK_NODE_WUR;

/* What a request names besides the identity; NULL = absent. */
typedef struct ck_node_enroll_in {
    const char *role, *display_name;   /* display_name dropped for private roles     */
    const char *join_org;               /* consent to be affiliated (staff)           */
    const char *org_kind, *org_display; /* an organization identity registers itself  */
    const char *authority;              /* an authority this keyring runs, to register */
} ck_node_enroll_in;

/* Submits this identity's request. A request of this key already queued,
 * or this key enrolled already, is success too: *fresh (may be NULL) says
 * whether this call submitted it. CONFLICT "gid_taken" when the GID is
 * someone else's. */
int ck_node_enroll_submit(ck_node *n, const ck_node_enroll_in *r, int *fresh) CK_NODE_WUR;
/* The state of this identity's own request: "pending", "approved",
 * "rejected", or "none" (never submitted, enrolled offline, or the GID is
 * someone else's). */
int ck_node_enroll_state(ck_node *n, char state[16]) CK_NODE_WUR;
/* Asks once a second until the state is no longer "pending" or seconds
 * have passed (0: once). */
int ck_node_enroll_wait(ck_node *n, unsigned seconds, char state[16]) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
