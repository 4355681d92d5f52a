/*
 * carekey/client.h - C client of the carekeyd HTTP API (libcurl), used by
 * the CLI and the local node. Library: carekey_net (links libcarekey).
 *
 * A ck_net handle is one keep-alive connection with one identity; use one
 * handle per thread. Every request is signed (docs/API.md,
 * "Authentication") with the identity's Ed25519 key, which the handle
 * copies and wipes on ck_net_close().
 *
 * Results: 0 on success; -1 on failure, then ck_net_status() is the HTTP
 * status (0 when no response arrived) and ck_net_error_code() the server's
 * stable code ("transport" when the server was unreachable, "bad_response"
 * when its answer could not be parsed, "bad_argument" for bad inputs).
 */
#ifndef CAREKEY_CLIENT_H
#define CAREKEY_CLIENT_H

#include "carekey/wire.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_net ck_net;
/* JSON results are jansson values (include <jansson.h>; json_decref them). */
struct json_t;

typedef struct {
    const char *url;     /* "http://127.0.0.1:8443" or "https://host:port" */
    const char *ca_file; /* PEM bundle to trust for https (NULL: system store) */
    long timeout_ms;     /* per request; 0 means 30000 */
} ck_net_opts;

/* Process-wide libcurl setup; call once before threads start (optional:
 * ck_net_open calls it too, which is fine in single-threaded programs). */
int ck_net_global_init(void) CK_NET_WUR;

int ck_net_open(ck_net **out, const ck_net_opts *opts) CK_NET_WUR;
void ck_net_close(ck_net *c);
/* caller: a GID, "admin" (the operator) or "authority:NAME". */
int ck_net_set_identity(ck_net *c, const char *caller, const uint8_t sk[32]) CK_NET_WUR;
/* HL7 PurposeOfUse sent with reads and writes (TREAT, ETREAT, BTG, ...);
 * NULL sends none (the server records TREAT). */
int ck_net_set_purpose(ck_net *c, const char *purpose) CK_NET_WUR;
/* Request sessions (docs/API.md, "Sessions"), off by default: with on, the
 * handle signs one request that opens a session, then authenticates each
 * request with an HMAC under the session key (a server verifies that
 * about fifty times faster than a signature). A session the server forgot
 * (a restart, another instance, its expiry) is reopened and the request
 * sent again; a server without sessions gets signed requests. For
 * long-lived handles; a one-shot request gains nothing. */
void ck_net_use_sessions(ck_net *c, int on);
/* A session opened for the handle's identity, copied out for a caller that
 * builds its own requests (the load generator): headers X-CK-Session: id,
 * X-CK-MAC: hex of ck_net_req_mac(key, request string), and a nonce from
 * ck_net_nonce(out, ++seq). Wipe it with ck_net_session_clear. */
typedef struct {
    char id[CK_NET_SESSION_ID_HEX + 1];
    uint8_t key[32];
    long ttl_s;
    uint64_t seq; /* the last sequence number used; 0 after opening */
} ck_net_session;
int ck_net_session_open(ck_net *c, ck_net_session *out) CK_NET_WUR;
void ck_net_session_clear(ck_net_session *s);
/* How long one call may keep retrying while carekeyd answers 503 (its
 * database has no primary, e.g. during a failover; the reply's
 * Retry-After is honoured) or the connection drops mid-request: reads
 * (GET) and appends retry with bounded exponential backoff, other writes
 * never. 0 turns retries off; the default is 20 s. An append whose first
 * attempt may have committed is resolved by reading the record: its own
 * entry found there counts as success, never as a second copy. */
void ck_net_set_retry(ck_net *c, long budget_ms);

long ck_net_status(const ck_net *c);
const char *ck_net_error_code(const ck_net *c);
/* 1 when the last append lost a race the writer wins by reading the head
 * again: another writer's entry came first (409 head_mismatch), or the
 * patient signed a head dated after the time chosen (409 time_regression). */
int ck_net_append_raced(const ck_net *c);
const char *ck_net_error_message(const ck_net *c);

/* Raw signed request. path_query starts with "/". On return *resp is a
 * malloc'ed NUL-terminated body (free it). 0 when any HTTP response came
 * back (see *status), -1 on transport failure. */
int ck_net_request(ck_net *c, const char *method, const char *path_query, const char *body,
                   size_t body_len, long *status, char **resp, size_t *resp_len) CK_NET_WUR;
/* As ck_net_request with an explicit time stamp (Unix s) and nonce (32 hex),
 * for tests of replay and clock handling. */
int ck_net_request_at(ck_net *c, const char *method, const char *path_query, const char *body,
                      size_t body_len, int64_t timestamp, const char *nonce, long *status,
                      char **resp, size_t *resp_len) CK_NET_WUR;

/* ---- directory -------------------------------------------------------- */
typedef struct {
    char gid[CK_NET_ID_MAX + 1];
    uint8_t ed25519[32];
    uint8_t x25519[32];
    char display_name[257];
    char role[65];
    /* as the directory reports them (lookups only) */
    int active;               /* 0 once the operator deactivated the account */
    char org[CK_NET_ID_MAX + 1];      /* "" when not affiliated */
    char attributes[1025];            /* comma-separated public attribute labels */
} ck_net_user;

int ck_net_user_enroll(ck_net *c, const ck_net_user *u) CK_NET_WUR; /* identity "admin" */
int ck_net_user_get(ck_net *c, const char *gid, ck_net_user *out) CK_NET_WUR;

/* JSON results are jansson values (include <jansson.h>; json_decref them). */
struct json_t;

/* ---- signed directory documents (carekey/directory.h) ------------------ */
/* An authority record as the directory serves it: the operator's
 * signature binds name, signing key, ABE public key and organization
 * (ck_dir_authority_verify); epoch_table is the authority's signed epoch
 * table as JSON text (ck_dir_epochs_parse), NULL before the first one. */
typedef struct {
    char name[CK_NET_ID_MAX + 1];
    uint8_t sign_pk[32];
    uint8_t *abe_pk; /* malloc'ed ck_abe_authority_pk_encode bytes */
    size_t abe_pk_len;
    char organization[CK_NET_ID_MAX + 1];
    uint64_t signed_at_ms;
    uint8_t operator_sig[64];
    char *epoch_table; /* malloc'ed, or NULL */
} ck_net_authority;

/* POST /v1/authorities (as "admin"): the record with its operator
 * signature, and epoch_table when not NULL. */
int ck_net_authority_add(ck_net *c, const ck_net_authority *a) CK_NET_WUR;
/* GET /v1/authorities/NAME; the caller verifies the signatures. */
int ck_net_authority_fetch(ck_net *c, const char *name, ck_net_authority *out) CK_NET_WUR;
void ck_net_authority_clear(ck_net_authority *a);
/* PUT /v1/authorities/NAME/epochs with a signed table (JSON text), as
 * "authority:NAME" or "admin"; 409 stale_version unless its version is
 * above the stored one. */
int ck_net_authority_put_epochs(ck_net *c, const char *name, const char *table_json) CK_NET_WUR;

/* ---- enrollment requests (pending until the operator approves) -------- */
/* What a person submits about herself, signed with her own new key (the
 * request's caller is "enroll:GID"). org_kind/org_display_name: for an
 * organization identity, the organization to register; join_org: the
 * organization she consents to be affiliated with (staff); authority: the
 * authority she runs (her patient domain, the hospital's), whose operator
 * signature the approval adds. NULL/"" fields are absent. */
typedef struct {
    const char *gid, *role, *display_name;
    const uint8_t *ed25519_sk; /* signs the request (copied, wiped) */
    const uint8_t *x25519_pk;
    const char *org_kind, *org_display_name;
    const char *join_org;
    const ck_net_authority *authority; /* organization must be gid */
} ck_net_enroll_req;

int ck_net_enroll_submit(ck_net *c, const ck_net_enroll_req *r) CK_NET_WUR;
/* The enrollee asks about her own request ("enroll:GID", signed with
 * ed25519_sk): *status is "pending", "approved" or "rejected". */
int ck_net_enroll_status(ck_net *c, const char *gid, const uint8_t ed25519_sk[32], char status[16]) CK_NET_WUR;
/* Operator: the pending requests as a JSON array of request objects
 * (docs/API.md), oldest first. */
int ck_net_enroll_pending(ck_net *c, struct json_t **requests) CK_NET_WUR;
/* Operator: approves (operator_sig signs the request's authority record
 * at signed_at_ms, ignored when it names none) or rejects. */
int ck_net_enroll_approve(ck_net *c, const char *gid, uint64_t signed_at_ms, const uint8_t operator_sig[64]) CK_NET_WUR;
int ck_net_enroll_reject(ck_net *c, const char *gid) CK_NET_WUR;

/* ---- organizations, units, staff (docs/CARE.md, "Directory") ---------- */
/* JSON results are jansson values (include <jansson.h>; json_decref them):
 * the objects of docs/API.md, "Directory". */
struct json_t;

int ck_net_org_add(ck_net *c, const char *name, const char *kind, const char *display_name) CK_NET_WUR;
/* The org object, with its "units" array. */
int ck_net_org_get(ck_net *c, const char *name, struct json_t **org) CK_NET_WUR;
/* kind NULL = all; *orgs is the array of org objects. */
int ck_net_orgs_list(ck_net *c, const char *kind, struct json_t **orgs) CK_NET_WUR;
/* display_name NULL = the name; beds: wards only, else 0. As the operator
 * or as the organization itself. */
int ck_net_unit_add(ck_net *c, const char *org, const char *name, const char *kind, const char *display_name,
                    int64_t beds) CK_NET_WUR;
int ck_net_units_list(ck_net *c, const char *org, const char *kind, struct json_t **units) CK_NET_WUR;
/* unit and title may be NULL; attrs: nattrs labels ("doctor@medical-board").
 * *user (may be NULL) is the updated user object. As the operator or as
 * the organization org. */
int ck_net_user_affiliate(ck_net *c, const char *gid, const char *org, const char *unit, const char *title,
                          const char *const *attrs, size_t nattrs, struct json_t **user) CK_NET_WUR;
/* Idempotent; *user (may be NULL) is the user object ("active": false). */
int ck_net_user_deactivate(ck_net *c, const char *gid, struct json_t **user) CK_NET_WUR;
/* The operator only: reverses a deactivation. */
int ck_net_user_reactivate(ck_net *c, const char *gid, struct json_t **user) CK_NET_WUR;
/* The person herself consents to be affiliated with org (until she is, or
 * withdraws it with ck_net_user_consent_withdraw). */
int ck_net_user_consent(ck_net *c, const char *gid, const char *org) CK_NET_WUR;
int ck_net_user_consent_withdraw(ck_net *c, const char *gid, const char *org) CK_NET_WUR;
/* The organization (or the operator) ends a staff member's affiliation:
 * org, unit, title and attributes cleared; the account stays active. */
int ck_net_user_unaffiliate(ck_net *c, const char *gid, struct json_t **user) CK_NET_WUR;

typedef struct {
    const char *org, *role, *unit; /* NULL = any */
    const char *attribute;         /* an attribute label the user holds; NULL = any */
    int active;                    /* 1 active (the server's default), 0 deactivated, -1 any */
    const char *after;             /* paging: GIDs after this one; NULL = from the start */
    unsigned limit;                /* 0 = the server's default (100); at most 1000 */
} ck_net_user_filter;

/* One page of users in GID order: *users is the array of user objects,
 * *more (may be NULL) tells whether more follow (after the last GID). */
int ck_net_users_list(ck_net *c, const ck_net_user_filter *f, struct json_t **users, int *more) CK_NET_WUR;

/* ---- records ---------------------------------------------------------- */
/* ck_net_head and ck_net_entry are defined in carekey/wire.h. */

/* Signs (as the handle's identity, the author) and appends an entry whose
 * prev_hash is what the caller believes is the head. On a 409
 * ("head_mismatch") fetch the head and retry. */
int ck_net_append(ck_net *c, const char *patient, const char *section, const char *resource_type,
                  const uint8_t prev_hash[32], uint64_t time_ms, const uint8_t *envelope,
                  size_t envelope_len, ck_net_head *out) CK_NET_WUR;
/* signed_head may be NULL; *has_signed tells whether the patient signed one. */
int ck_net_head_get(ck_net *c, const char *patient, ck_net_head *head, ck_net_head *signed_head,
                    int *has_signed) CK_NET_WUR;
/* The head with the patient's signed head in full (seq, hash, time and
 * signature), for readers that verify it. */
int ck_net_head_get_full(ck_net *c, const char *patient, ck_net_head *head, int *has_signed,
                         ck_net_head *signed_head, uint64_t *signed_time_ms,
                         uint8_t signed_sig[64]) CK_NET_WUR;
/* The patient signs (seq, hash) with the handle's key and stores it. */
int ck_net_head_sign(ck_net *c, const char *patient, const ck_net_head *head, uint64_t time_ms) CK_NET_WUR;
/* Entries with seq > since (at most limit); *more tells whether more follow. */
int ck_net_entries(ck_net *c, const char *patient, uint64_t since, unsigned limit, ck_net_entry **v,
                   size_t *n, int *more) CK_NET_WUR;
int ck_net_entry_get(ck_net *c, const char *patient, uint64_t seq, ck_net_entry *out) CK_NET_WUR;
void ck_net_entry_clear(ck_net_entry *e);
void ck_net_entries_free(ck_net_entry *v, size_t n);
/* Recomputes the entry's hash and checks the author's signature:
 * 0 if both hold. The caller checks prev_hash links between entries. */
int ck_net_entry_check(const ck_net_entry *e, const uint8_t author_pk[32]) CK_NET_WUR;

/* ---- write grants ----------------------------------------------------- */
/* sections_csv: "allergies,medications" or "*". expires_at: Unix ms, 0 never. */
int ck_net_grant(ck_net *c, const char *patient, const char *grantee, const char *sections_csv,
                 int delegate, int64_t expires_at, int64_t *id) CK_NET_WUR;
int ck_net_grant_revoke(ck_net *c, const char *patient, int64_t id) CK_NET_WUR;
/* access: "write" (append to the sections; implies reading the record)
 * or "read" (fetch the record's entries; sections must be ["*"]). */
int ck_net_grant_access(ck_net *c, const char *patient, const char *grantee, const char *access,
                        const char *sections_csv, int delegate, int64_t expires_at, int64_t *id) CK_NET_WUR;
/* The grants on a record as the server holds them (patient or delegate):
 * a JSON array of grant objects (docs/API.md). */
int ck_net_grants_list(ck_net *c, const char *patient, struct json_t **grants) CK_NET_WUR;
/* One page of the grants the caller herself holds that count now, on any
 * record (GET /v1/grants/mine): *grants the array of grant objects, in id
 * order; *more (may be NULL) whether more follow; *next_after (may be
 * NULL) the after of the next page. after 0: from the start; limit 0:
 * the server's default (100), at most 1000. A page may hold fewer than
 * limit grants while more follow (the server leaves out grants that ended
 * with a delegate's delegation). */
int ck_net_grants_mine(ck_net *c, int64_t after, unsigned limit, struct json_t **grants, int *more,
                       int64_t *next_after) CK_NET_WUR;

/* ---- mailbox ---------------------------------------------------------- */
typedef struct {
    int64_t id;
    char sender[CK_NET_ID_MAX + 16];
    char kind[65];
    uint8_t *payload; /* malloc'ed */
    size_t payload_len;
    int64_t created_at;
} ck_net_mail;

int ck_net_mail_send(ck_net *c, const char *recipient, const char *kind, const uint8_t *payload,
                     size_t len, int64_t *id) CK_NET_WUR; /* identity "authority:NAME" */
int ck_net_mail_fetch(ck_net *c, const char *gid, int64_t after, unsigned limit, ck_net_mail **v,
                      size_t *n) CK_NET_WUR;
int ck_net_mail_ack(ck_net *c, const char *gid, int64_t id) CK_NET_WUR;
void ck_net_mail_free(ck_net_mail *v, size_t n);

/* ---- audit ------------------------------------------------------------ */
typedef struct {
    int64_t id;
    int64_t time_ms;
    char actor[CK_NET_ID_MAX + 16];
    char action[65];
    char target[65];
    char purpose[65];
    char outcome[65];
    int status;
} ck_net_audit;

/* The patient's (or her delegate's) view of who read and wrote her record. */
int ck_net_audit_list(ck_net *c, const char *patient, int64_t after, unsigned limit, ck_net_audit **v,
                      size_t *n) CK_NET_WUR; /* free(*v) */

#ifdef __cplusplus
}
#endif
#endif
