/*
 * carekey/node_admin.h - the operator's directory work (no patient data):
 * the enrollment queue (approve signs the authority a request registers),
 * enrolling from a request file, registering authorities, organizations
 * and units, affiliations and (de)activation. The operator's Ed25519 key is
 * carekeyd's --admin-key. Unit and affiliation writes also work from an
 * organization's own home: its identity signs, acting for itself.
 */
#ifndef CARKEY_NODE_ADMIN_H
#define CARKEY_NODE_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/* The identity's Ed25519 public key, hex (the operator's: carekeyd --admin-key). */
int ck_node_admin_key(ck_node *n, char hex[65]) CK_NODE_WUR;

/* ---- the enrollment queue -------------------------------------------------- */
/* The pending requests, oldest first (*rows: a JSON array, json_decref). */
int ck_node_admin_pending(ck_node *n, struct json_t **rows) CK_NODE_WUR;

typedef struct ck_node_decision {
    char gid[129];
    int ok;
    char role[64];
    char join_org[129];           /* "" none                                   */
    int org_registered;           /* the request registered an organization    */
    char authority[129];          /* the authority signed ("" none)            */
    ck_node_error err;            /* why not, when !ok                         */
} ck_node_decision;

/* Approves (approve 1) or rejects each of the count GIDs; before signing an
 * authority a request registers, checks that its ABE public key decodes,
 * its epoch table is signed by its own signing key and it is run by the
 * enrolling GID (INTEGRITY "bad_authority_request" otherwise). out[i] says
 * what happened to gids[i]; -1 (the last failure's error) when any failed. */
int ck_node_admin_decide(ck_node *n, int approve, const char *const *gids, size_t count,
                         ck_node_decision *out) CK_NODE_WUR;

/* The registered authorities and their epochs, checked (nothing pinned):
 * names (count 0: every organization of the directory and every authority
 * this keyring runs) as a JSON array of {"name", "organization",
 * "signing_key", "signed_at", "verified", "problem" (when not verified:
 * "not registered", "the record is not signed by the operator", ...),
 * "epoch_table": {"version", "time", "epochs": {label: epoch}} or null}. */
int ck_node_admin_authorities(ck_node *n, const char *const *names, size_t count, struct json_t **rows) CK_NODE_WUR;

/* ---- requests from files ----------------------------------------------------- */
typedef struct ck_node_enroll_file {
    char gid[129], role[65], display_name[257];
    uint8_t ed25519[32], x25519[32];
} ck_node_enroll_file;

/* Strict parse of 'carekey init --enroll-out' output: exactly {"gid",
 * "ed25519" (hex), "x25519" (hex), "display_name", "role"}. 0; -1 when it
 * is not JSON (why: "LINE: reason"); -2 when it is not such a request
 * (why: the reason). Needs no session. */
int ck_node_enroll_file_parse(const char *json, size_t len, ck_node_enroll_file *out, char why[160]);
/* Enrolls the person of a request (POST /v1/users as the operator). */
int ck_node_admin_enroll(ck_node *n, const ck_node_enroll_file *req) CK_NODE_WUR;

/* Strict parse of 'carekey authority publish' output (returns as
 * ck_node_enroll_file_parse); clear it after. */
typedef struct ck_node_authority_file {
    char name[129], organization[129];
    uint8_t sign_pk[32];
    uint8_t *abe_pk;              /* malloc'ed                                  */
    size_t abe_pk_len;
    char *table;                  /* the epoch table, compact JSON; NULL absent */
} ck_node_authority_file;
int ck_node_authority_file_parse(const char *json, size_t len, ck_node_authority_file *out, char why[160]);
void ck_node_authority_file_clear(ck_node_authority_file *a);
/* Signs the record as the operator and registers it with its table. */
int ck_node_admin_add_authority(ck_node *n, const ck_node_authority_file *f) CK_NODE_WUR;

/* ---- the organization directory ---------------------------------------------- */
int ck_node_admin_add_org(ck_node *n, const char *name, const char *kind, const char *display_name) CK_NODE_WUR;
/* beds: a ward's beds (0 for other kinds). */
int ck_node_admin_add_unit(ck_node *n, const char *org, const char *name, const char *kind, const char *display_name,
                           int64_t beds) CK_NODE_WUR;
int ck_node_admin_affiliate(ck_node *n, const char *gid, const char *org, const char *unit, const char *title,
                            const char *const *attrs, size_t nattrs) CK_NODE_WUR;
int ck_node_admin_deactivate(ck_node *n, const char *gid) CK_NODE_WUR;
int ck_node_admin_reactivate(ck_node *n, const char *gid) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
