/*
 * carekey/node_grant.h - who may write to a record, in two layers: a grant
 * on the server (carekeyd enforces it on every append) and a GRANT entry
 * in the chain signed by the patient or her delegate (every reader replays
 * it, so a write the server let through without a grant is caught).
 * Read grants are server-side only: they let a person fetch the record;
 * what she can decrypt is still decided by her keys.
 */
#ifndef CARKEY_NODE_GRANT_H
#define CARKEY_NODE_GRANT_H

#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_grant_in {
    const char *patient;
    const char *grantee;
    const char *sections;   /* "a,b" or "*": write access (a delegate also gets "grants") */
    int delegate;           /* may grant and revoke on the patient's behalf */
    int read;               /* a read grant instead (no sections, no delegate) */
    uint64_t expires_ms;    /* 0: never */
} ck_node_grant_in;

/* Gives the grant; INFO notices say what was granted (ids, entry). */
int ck_node_grant(ck_node *n, const ck_node_grant_in *in) CK_NODE_WUR;

/* Revokes the grant named by id - the server's grant number or the 32-hex
 * chain id - on the server and in the chain; INFO notices for each layer,
 * WARNING when a layer holds no matching active grant. */
int ck_node_grant_revoke(ck_node *n, const char *patient, const char *id) CK_NODE_WUR;

typedef enum ck_node_grant_status {
    CK_NODE_GRANT_ACTIVE,
    CK_NODE_GRANT_EXPIRED,
    CK_NODE_GRANT_REVOKED,
} ck_node_grant_status;

typedef struct ck_node_grant_info {
    char chain_id[33];
    char grantee[129];
    char by[129];              /* who signed the GRANT entry */
    char sections[512];
    int delegate;
    uint64_t expires_ms;       /* 0: never */
    uint64_t seq, time_ms;     /* the GRANT entry */
    ck_node_grant_status status;
} ck_node_grant_info;

/* The write grants of patient's verified chain, in order (*out: free()).
 * *problems: the record did not verify cleanly (problems as notices); the
 * grants listed are those of entries that verified. */
int ck_node_grant_list(ck_node *n, const char *patient, ck_node_grant_info **out, size_t *count,
                       int *problems) CK_NODE_WUR;
const char *ck_node_grant_status_name(ck_node_grant_status s);

/* Who may fetch patient's record: the server's active read grants. */
typedef struct ck_node_reader {
    int64_t id;                /* the server's grant number                 */
    char grantee[129];
    char by[129];              /* who gave it                               */
    uint64_t expires_ms;       /* 0: never                                  */
} ck_node_reader;

/* *out (free()) and *count; UPSTREAM/UNREACHABLE when the server cannot say. */
int ck_node_grant_readers(ck_node *n, const char *patient, ck_node_reader **out, size_t *count) CK_NODE_WUR;

/* Revokes every active grant to grantee - read and write, on the server and
 * in the chain (the record must verify); an INFO notice for each, *count
 * revoked (may be NULL). NOT_FOUND "no_grant" when she holds none. */
int ck_node_grant_revoke_to(ck_node *n, const char *patient, const char *grantee, size_t *count) CK_NODE_WUR;

/* "never", "30d", "12h", "45m", "90s", "2026-01-31", "2026-01-31T10:00:00Z"
 * or Unix milliseconds (12 digits or more), after now_ms: 0 and *ms, or -1. */
int ck_node_expires_parse(const char *s, uint64_t now_ms, uint64_t *ms) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
