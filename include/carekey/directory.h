/*
 * carekey/directory.h - the signed documents of carekeyd's directory.
 *
 * The server and its operator are not trusted (docs/THREAT-MODEL.md), so
 * what a client takes from the directory to encrypt for others is signed by
 * someone the client already trusts:
 *
 *   - an authority record (name, ABE public key, signing key, organization)
 *     is signed by the operator's key, which every identity pins at
 *     `carekey init`;
 *   - an authority's epoch table (label -> epoch, with a version that only
 *     grows) is signed by that authority's Ed25519 signing key.
 *
 * Signing inputs are length-prefixed binary strings (docs/API.md,
 * "Signatures and hashes"); the JSON forms are parsed strictly (no unknown,
 * missing or duplicate keys, canonical label order, no trailing bytes).
 * Conventions: caller-owned structs, 0 on success and -1 on failure.
 */
#ifndef CAREKEY_DIRECTORY_H
#define CAREKEY_DIRECTORY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_DIR_LABEL_MAX 200    /* bytes of a label (CK_POLICY_LABEL_MAX - 1) */
#define CK_DIR_LABELS_MAX 4096  /* labels in one epoch table               */
#define CK_DIR_ERR_CAP 160

/* ---- epoch tables ------------------------------------------------------ */
typedef struct {
    char label[CK_DIR_LABEL_MAX + 1];
    uint32_t epoch;
} ck_dir_epoch;

typedef struct {
    char authority[CK_NET_ID_MAX + 1];
    uint64_t version;      /* 1, 2, ...: every publication is newer      */
    uint64_t time_ms;      /* when the authority signed it               */
    ck_dir_epoch *labels;  /* ascending byte order, unique (malloc'ed)   */
    size_t n;
    uint8_t signature[CK_NET_SIG_BYTES];
} ck_dir_epochs;

/* A label an epoch table of authority may carry: "name@authority" with a
 * non-empty name, at most CK_DIR_LABEL_MAX bytes of printable ASCII. */
int ck_dir_label_valid(const char *label, const char *authority);

/* Strict parse of {"version":N,"time":MS,"epochs":{label:epoch,...},
 * "signature":"hex"} for authority (the document does not name it: the
 * URL does, and the signature binds it). Labels must be valid, sorted and
 * belong to the authority ("...@authority"). On failure err says why. */
int ck_dir_epochs_parse(ck_dir_epochs *out, const char *authority, const char *json, size_t len,
                        char err[CK_DIR_ERR_CAP]) CK_NET_WUR;
/* The canonical JSON form (malloc'ed); NULL when out of memory. */
char *ck_dir_epochs_json(const ck_dir_epochs *t);
/* The signing input (malloc'ed, *len bytes). */
int ck_dir_epochs_tbs(const ck_dir_epochs *t, uint8_t **out, size_t *len) CK_NET_WUR;
int ck_dir_epochs_sign(ck_dir_epochs *t, const uint8_t sk[32]) CK_NET_WUR;
int ck_dir_epochs_verify(const ck_dir_epochs *t, const uint8_t pk[32]) CK_NET_WUR;
/* Sets label to epoch (inserted in order if new). */
int ck_dir_epochs_set(ck_dir_epochs *t, const char *label, uint32_t epoch) CK_NET_WUR;
/* The epoch of a label: its own entry, else (a bit-attribute
 * "name#b3=1@auth" of a numeric attribute) that of "name@auth".
 * 0 when found, -1 when the table does not list it. */
int ck_dir_epochs_get(const ck_dir_epochs *t, const char *label, uint32_t *epoch) CK_NET_WUR;
void ck_dir_epochs_free(ck_dir_epochs *t);

/* ---- authority records ---------------------------------------------------- */
typedef struct {
    const char *name;             /* authority name                        */
    const uint8_t *sign_pk;       /* its Ed25519 signing key (32 bytes)    */
    const uint8_t *abe_pk;        /* ck_abe_authority_pk_encode bytes      */
    size_t abe_pk_len;
    const char *organization;     /* GID of who runs it (org or patient)   */
    uint64_t signed_at_ms;
} ck_dir_authority;

#define CK_DIR_AUTHORITY_TBS_MAX 512
int ck_dir_authority_tbs(uint8_t *out, size_t cap, size_t *len, const ck_dir_authority *a) CK_NET_WUR;
int ck_dir_authority_sign(uint8_t sig[64], const ck_dir_authority *a, const uint8_t operator_sk[32]) CK_NET_WUR;
int ck_dir_authority_verify(const ck_dir_authority *a, const uint8_t sig[64],
                            const uint8_t operator_pk[32]) CK_NET_WUR;

#ifdef __cplusplus
}
#endif
#endif
