/*
 * carekey/store.h - the cloud server's storage interface.
 *
 * One small interface, two back ends: SQLite (embedded default; WAL,
 * synchronous=FULL, group commit through one writer thread) and PostgreSQL
 * (libpq connection pool; row locks on the record head so that several
 * carekeyd instances can share one database).
 *
 * The store sees ciphertext only: envelopes are opaque bytes. It enforces
 * the record's integrity rules that need atomicity (sequence numbers and the
 * prev-hash check happen inside one transaction with the audit row that
 * logs the write); authorization is the server's job.
 *
 * All functions are thread-safe. Results use caller-owned structs; list
 * results are malloc'ed arrays freed with the matching *_free function.
 */
#ifndef CAREKEY_STORE_H
#define CAREKEY_STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CK_STORE_WUR __attribute__((warn_unused_result))
#else
#define CK_STORE_WUR
#endif

typedef enum {
    CK_STORE_OK = 0,
    CK_STORE_NOT_FOUND,   /* no such user / record / entry / grant / message */
    CK_STORE_CONFLICT,    /* prev_hash is not the head; replayed nonce */
    CK_STORE_EXISTS,      /* unique key already taken */
    CK_STORE_FULL,        /* a configured limit was reached */
    CK_STORE_STALE,       /* older than what is stored: an epoch table version, an entry time */
    CK_STORE_INVALID,     /* the stored rows do not allow it: a drop of a body that cannot go */
    CK_STORE_ERROR,       /* back end failure (logged, never with data) */
    CK_STORE_REPLAYED,    /* the request's nonce was used before: nothing written */
    CK_STORE_CHANGED      /* the record changed since the read the write ends: nothing written */
} ck_store_rc;

#define CK_STORE_ID_CAP 129      /* GID / authority name, NUL included */
#define CK_STORE_NAME_CAP 257    /* display names */
#define CK_STORE_TOKEN_CAP 65    /* roles, sections, resource types, codes */
#define CK_STORE_TITLE_CAP 129   /* a staff member's job title */
#define CK_STORE_ATTRS_CAP 1025  /* comma-separated attribute labels */

typedef struct ck_store ck_store;

typedef struct {
    int readers;         /* SQLite read connections / PostgreSQL pool size */
    int busy_timeout_ms; /* how long to wait for a lock or a pooled connection */
} ck_store_opts;

typedef struct {
    char gid[CK_STORE_ID_CAP];
    uint8_t ed25519[32];
    uint8_t x25519[32];
    char display_name[CK_STORE_NAME_CAP];
    char role[CK_STORE_TOKEN_CAP];
    int64_t created_at; /* Unix ms */
    /* Affiliation ("" = none; set with ck_store_user_affiliate). */
    char org[CK_STORE_ID_CAP];
    char unit[CK_STORE_ID_CAP];
    char title[CK_STORE_TITLE_CAP];
    char attributes[CK_STORE_ATTRS_CAP]; /* "doctor@medical-board,staff@hosp-a" */
    int64_t affiliated_at;               /* Unix ms, 0 = never affiliated */
    int active;                          /* 1 until deactivated */
    int64_t deactivated_at;              /* Unix ms, 0 = active */
} ck_store_user;

/* An organization (hospital, pharmacy, board, desk): its name is the GID of
 * an enrolled user of role "organization". */
typedef struct {
    char name[CK_STORE_ID_CAP];
    char kind[CK_STORE_TOKEN_CAP]; /* hospital | pharmacy | board | desk */
    char display_name[CK_STORE_NAME_CAP];
    int active;
    int64_t created_at, updated_at;
} ck_store_org;

/* A unit of an organization: department, ward or theatre. */
typedef struct {
    char org[CK_STORE_ID_CAP];
    char name[CK_STORE_ID_CAP];
    char kind[CK_STORE_TOKEN_CAP]; /* department | ward | theatre */
    char display_name[CK_STORE_NAME_CAP];
    int64_t beds; /* wards; 0 otherwise */
    int64_t created_at;
} ck_store_unit;

/* Directory listing filters; NULL (or "") matches anything. */
typedef struct {
    const char *org, *role, *unit;
    const char *attribute; /* an exact label contained in the user's list */
    int active;            /* -1 any, 0 deactivated only, 1 active only */
    const char *after;     /* paging: GIDs greater than this one */
    size_t limit;          /* at most this many users, in GID order */
    /* Privacy: when set, users of role patient are left out except this
     * GID herself and the patients she is an active delegate of (a
     * delegate grant not revoked and not expired at now_ms). */
    const char *viewer;
    int64_t now_ms;
} ck_store_user_filter;

/* An authority record as the operator signed it (carekey/directory.h),
 * with the authority's signed epoch table. */
typedef struct {
    char name[CK_STORE_ID_CAP];
    uint8_t sign_pk[32];
    char *abe_pk;        /* opaque base64 text (malloc'ed on get) */
    char organization[CK_STORE_ID_CAP];
    int64_t signed_at;   /* Unix ms, part of the operator's signature */
    uint8_t operator_sig[64];
    int has_sig;         /* 0 for rows registered before signatures */
    char *epoch_table;   /* canonical signed table JSON, NULL = none yet (malloc'ed on get) */
    uint64_t epoch_version; /* its version, 0 = none */
    int64_t created_at, updated_at;
} ck_store_authority;

/* An enrollment request a person submitted about herself, pending until
 * the operator approves or rejects it. */
typedef struct {
    char gid[CK_STORE_ID_CAP];
    char role[CK_STORE_TOKEN_CAP];
    char display_name[CK_STORE_NAME_CAP];
    uint8_t ed25519[32], x25519[32];
    char org_kind[CK_STORE_TOKEN_CAP];           /* "" = no organization to register */
    char org_display_name[CK_STORE_NAME_CAP];
    char join_org[CK_STORE_ID_CAP];              /* "" = none */
    ck_store_authority auth;                     /* auth.name "" = none; signature unset */
    char status[16];                             /* pending | approved | rejected */
    int64_t created_at, decided_at;
} ck_store_enrollment;

/* Most bodies one append may drop (a tombstone's list, carekey/record.h). */
#define CK_STORE_DROP_MAX 4096

typedef struct {
    char patient[CK_STORE_ID_CAP];
    uint64_t seq;
    uint8_t prev_hash[32];
    uint8_t hash[32];
    char section[CK_STORE_TOKEN_CAP];
    char resource_type[CK_STORE_TOKEN_CAP];
    char author[CK_STORE_ID_CAP];
    int64_t time_ms;
    uint8_t *envelope; /* malloc'ed on read; NULL once the body was dropped */
    size_t envelope_len;
    uint8_t signature[64];
    int64_t received_at;
    /* The seq this entry's DATA container replaces (0: none, or not a
     * DATA container); set by append from the envelope. */
    uint64_t supersedes;
    /* The body was dropped under a tombstone: envelope NULL, and its
     * SHA-256 kept here (the chain hash covers the digest only). */
    int body_dropped;
    uint8_t body_sha256[32];
    /* Append only: bodies to drop with this entry (a tombstone), seqs
     * ascending, caller-owned; they must stay valid like e itself. */
    const uint64_t *drop;
    size_t n_drop;
    uint64_t drop_refused; /* on INVALID: the first seq that cannot go */
} ck_store_entry;

typedef struct {
    char patient[CK_STORE_ID_CAP];
    uint64_t seq;
    uint8_t hash[32];
    int64_t time_ms;
    uint8_t signature[64];
} ck_store_signed_head;

typedef struct {
    int64_t id;
    char patient[CK_STORE_ID_CAP];
    char grantee[CK_STORE_ID_CAP];
    char granted_by[CK_STORE_ID_CAP];
    char sections[1024]; /* comma-separated section names, or "*" */
    int delegate;        /* grantee may grant and revoke for the patient */
    char access[8];      /* "write" (append; implies read) or "read" */
    int64_t expires_at;  /* Unix ms, 0 = never */
    int64_t created_at;
    int64_t revoked_at;  /* 0 = active */
} ck_store_grant;

typedef struct {
    int64_t id;
    char recipient[CK_STORE_ID_CAP];
    char sender[CK_STORE_ID_CAP + 16];
    char kind[CK_STORE_TOKEN_CAP];
    uint8_t *payload; /* malloc'ed on read */
    size_t payload_len;
    int64_t created_at;
} ck_store_mail;

typedef struct {
    int64_t id;
    int64_t time_ms;
    char actor[CK_STORE_ID_CAP + 16];
    char patient[CK_STORE_ID_CAP];
    char action[CK_STORE_TOKEN_CAP];
    char target[CK_STORE_TOKEN_CAP];
    char purpose[CK_STORE_TOKEN_CAP];
    char outcome[CK_STORE_TOKEN_CAP];
    int status;
    /* A request served from a cache of the record (a shared database):
     * the record's generation the cached rows were loaded at (see
     * ck_store_record_gen). The row, and the nonce or the append that
     * comes with it, commit only while the record is still at it, else
     * CHANGED and nothing is written (an append of a tombstone is always
     * CHANGED: its caller reads the database). 0: no check. */
    int64_t read_gen;
} ck_store_audit;

/* url: "sqlite:PATH", a plain file path, or "postgres://..."/"postgresql://...".
 * Creates or migrates the schema. */
ck_store_rc ck_store_open(ck_store **out, const char *url, const ck_store_opts *opts) CK_STORE_WUR;
void ck_store_close(ck_store *s);
const char *ck_store_backend(const ck_store *s);
int ck_store_schema_version(ck_store *s);
const char *ck_store_rc_str(ck_store_rc rc);

/* Directory. The empty record (head seq 0, zero hash) of a patient, or of
 * an organization (its ledger), is created with the user row. user_add
 * ignores the affiliation fields: a new user is active and unaffiliated. */
ck_store_rc ck_store_user_add(ck_store *s, const ck_store_user *u) CK_STORE_WUR;
/* 1 for the roles whose users own a record: patient, organization. */
int ck_store_role_has_record(const char *role);
ck_store_rc ck_store_user_get(ck_store *s, const char *gid, ck_store_user *out) CK_STORE_WUR;
/* Sets org (required), unit and title (NULL or "" = none) and attributes
 * (comma-separated labels, NULL or "" = none). NOT_FOUND when the user,
 * the org or the unit (in org) does not exist. */
ck_store_rc ck_store_user_affiliate(ck_store *s, const char *gid, const char *org, const char *unit,
                                    const char *title, const char *attributes, int64_t now_ms) CK_STORE_WUR;
/* The same, only while the user holds a standing consent for org (checked
 * in the same statement): NOT_FOUND without one. */
ck_store_rc ck_store_user_affiliate_consented(ck_store *s, const char *gid, const char *org, const char *unit,
                                              const char *title, const char *attributes,
                                              int64_t now_ms) CK_STORE_WUR;
/* Clears org, unit, title and attributes of a user affiliated with org
 * (NULL: any); NOT_FOUND when she is not. The account stays as it is. */
ck_store_rc ck_store_user_unaffiliate(ck_store *s, const char *gid, const char *org) CK_STORE_WUR;
/* Marks the user inactive; idempotent (deactivated_at keeps the first time). */
ck_store_rc ck_store_user_deactivate(ck_store *s, const char *gid, int64_t now_ms) CK_STORE_WUR;
/* Undoes a deactivation (active again, deactivated_at 0); idempotent. */
ck_store_rc ck_store_user_reactivate(ck_store *s, const char *gid) CK_STORE_WUR;
/* A person's standing consent to be affiliated with org: add (idempotent),
 * withdraw (NOT_FOUND when there is none), look up (OK or NOT_FOUND). */
ck_store_rc ck_store_consent_add(ck_store *s, const char *gid, const char *org, int64_t now_ms) CK_STORE_WUR;
ck_store_rc ck_store_consent_del(ck_store *s, const char *gid, const char *org) CK_STORE_WUR;
ck_store_rc ck_store_consent_get(ck_store *s, const char *gid, const char *org) CK_STORE_WUR;
/* Users matching f, ascending by GID; *v is malloc'ed (free). */
ck_store_rc ck_store_user_list(ck_store *s, const ck_store_user_filter *f, ck_store_user **v,
                               size_t *n) CK_STORE_WUR;

/* Organizations and their units. org_add: NOT_FOUND when no user is named
 * o->name, EXISTS when the org is taken. unit_add: NOT_FOUND when the org
 * does not exist, EXISTS when (org, name) is taken. Lists are ordered by
 * name; kind NULL = all; *v is malloc'ed (free). */
ck_store_rc ck_store_org_add(ck_store *s, const ck_store_org *o) CK_STORE_WUR;
ck_store_rc ck_store_org_get(ck_store *s, const char *name, ck_store_org *out) CK_STORE_WUR;
ck_store_rc ck_store_org_list(ck_store *s, const char *kind, ck_store_org **v, size_t *n) CK_STORE_WUR;
ck_store_rc ck_store_unit_add(ck_store *s, const ck_store_unit *u) CK_STORE_WUR;
ck_store_rc ck_store_unit_get(ck_store *s, const char *org, const char *name, ck_store_unit *out) CK_STORE_WUR;
ck_store_rc ck_store_unit_list(ck_store *s, const char *org, const char *kind, ck_store_unit **v,
                               size_t *n) CK_STORE_WUR;
/* Authorities: add stores the record and its epoch table (NULL = none). */
ck_store_rc ck_store_authority_add(ck_store *s, const ck_store_authority *a) CK_STORE_WUR;
ck_store_rc ck_store_authority_get(ck_store *s, const char *name, ck_store_authority *out) CK_STORE_WUR;
/* Replaces the epoch table when version is above the stored one: STALE
 * otherwise, NOT_FOUND for no such authority. */
ck_store_rc ck_store_authority_set_epochs(ck_store *s, const char *name, const char *table_json,
                                          uint64_t version, int64_t now_ms) CK_STORE_WUR;
void ck_store_authority_clear(ck_store_authority *a);

/* Enrollment requests. add: EXISTS when the GID is enrolled or has a
 * pending or approved request (a rejected one is replaced), FULL when
 * max_pending requests wait. list: requests with this status, oldest
 * first; free with ck_store_enrollments_free. */
ck_store_rc ck_store_enroll_add(ck_store *s, const ck_store_enrollment *e, size_t max_pending) CK_STORE_WUR;
ck_store_rc ck_store_enroll_get(ck_store *s, const char *gid, ck_store_enrollment *out) CK_STORE_WUR;
ck_store_rc ck_store_enroll_list(ck_store *s, const char *status, size_t limit, ck_store_enrollment **v,
                                 size_t *n) CK_STORE_WUR;
/* Approval, in one transaction: the user (and her empty record), the
 * organization row when the request names one, the authority (auth: the
 * request's record with the operator's signature; NULL when it names
 * none), the consent for join_org, the request marked approved, and the
 * audit row. NOT_FOUND unless pending; any failing part leaves nothing. */
ck_store_rc ck_store_enroll_approve(ck_store *s, const char *gid, const ck_store_authority *auth, int64_t now_ms,
                                    const ck_store_audit *a) CK_STORE_WUR;
/* Marks a pending request rejected (NOT_FOUND unless pending). */
ck_store_rc ck_store_enroll_reject(ck_store *s, const char *gid, int64_t now_ms, const ck_store_audit *a) CK_STORE_WUR;
void ck_store_enrollment_clear(ck_store_enrollment *e);
void ck_store_enrollments_free(ck_store_enrollment *v, size_t n);

/* Records. append: e holds every field but seq/hash/received_at/supersedes;
 * on success they are filled in. CONFLICT when e->prev_hash is not the
 * head, STALE when e->time_ms is below the head entry's time or the
 * signed head's (checked in the append's transaction), NOT_FOUND
 * when the patient has no record. The audit row is committed with it.
 *
 * Drops (e->drop, e->n_drop: a tombstone's list): in the same transaction
 * each named entry's envelope is removed (its SHA-256 kept) and a second
 * audit row like a, action "drop_bodies", target "seq:N" of the new entry,
 * is written. An entry may go only when it is of the same record, a later
 * entry of its section supersedes it, and its body is still there;
 * otherwise (or for a list not strictly ascending in 1..2^63-1, longer
 * than CK_STORE_DROP_MAX) the append fails with INVALID, e->drop_refused
 * names the first seq refused, and nothing is written. */
ck_store_rc ck_store_append(ck_store *s, ck_store_entry *e, const ck_store_audit *a) CK_STORE_WUR;
ck_store_rc ck_store_head(ck_store *s, const char *patient, uint64_t *seq, uint8_t hash[32]) CK_STORE_WUR;
/* Entries with seq > since, ascending, at most limit. */
ck_store_rc ck_store_entries(ck_store *s, const char *patient, uint64_t since, size_t limit,
                             ck_store_entry **v, size_t *n) CK_STORE_WUR;
ck_store_rc ck_store_entry_get(ck_store *s, const char *patient, uint64_t seq,
                               ck_store_entry *out) CK_STORE_WUR;
/* OK when the record holds an entry in section, NOT_FOUND otherwise. */
ck_store_rc ck_store_section_present(ck_store *s, const char *patient, const char *section) CK_STORE_WUR;
void ck_store_entry_clear(ck_store_entry *e);
void ck_store_entries_free(ck_store_entry *v, size_t n);
/* Stores the patient's signed head if (seq, hash) is an entry of the record
 * (NOT_FOUND otherwise), seq is not below the stored one (CONFLICT), and no
 * entry after seq is dated before h->time_ms (STALE: it would read as
 * back-dated). Appends and signatures of one record are serialized, so no
 * entry can land before a signature that is dated after it. */
ck_store_rc ck_store_signed_head_put(ck_store *s, const ck_store_signed_head *h,
                                     const ck_store_audit *a) CK_STORE_WUR;
ck_store_rc ck_store_signed_head_get(ck_store *s, const char *patient,
                                     ck_store_signed_head *out) CK_STORE_WUR;

/* Grants. A grant's sections: 1 if the comma-separated list names
 * section or is "*". */
int ck_store_sections_match(const char *list, const char *section);
ck_store_rc ck_store_grant_add(ck_store *s, ck_store_grant *g, const ck_store_audit *a) CK_STORE_WUR;
ck_store_rc ck_store_grant_revoke(ck_store *s, const char *patient, int64_t id, int64_t now_ms,
                                  const ck_store_audit *a) CK_STORE_WUR;
ck_store_rc ck_store_grants(ck_store *s, const char *patient, const char *grantee /* NULL = all */,
                            ck_store_grant **v, size_t *n) CK_STORE_WUR;
/* The grants grantee holds on any record that are neither revoked nor
 * expired at now_ms, with id > after_id, ascending by id, at most limit
 * (1..): one page of GET /v1/grants/mine. Whether a delegate's grant
 * still counts is the server's check (it needs her delegation). */
ck_store_rc ck_store_grants_held(ck_store *s, const char *grantee, int64_t after_id, int64_t now_ms, size_t limit,
                                 ck_store_grant **v, size_t *n) CK_STORE_WUR;

/* Mailbox. put fails with FULL when the recipient has max_pending
 * unacknowledged messages, or max_per_sender from m->sender. */
ck_store_rc ck_store_mail_put(ck_store *s, ck_store_mail *m, size_t max_pending,
                              size_t max_per_sender) CK_STORE_WUR;
ck_store_rc ck_store_mail_list(ck_store *s, const char *recipient, int64_t after_id, size_t limit,
                               ck_store_mail **v, size_t *n) CK_STORE_WUR;
ck_store_rc ck_store_mail_ack(ck_store *s, const char *recipient, int64_t id, int64_t now_ms) CK_STORE_WUR;
void ck_store_mail_free(ck_store_mail *v, size_t n);

/* Audit log (append-only). */
ck_store_rc ck_store_audit_add(ck_store *s, const ck_store_audit *a) CK_STORE_WUR;
ck_store_rc ck_store_audit_list(ck_store *s, const char *patient, int64_t after_id, size_t limit,
                                ck_store_audit **v, size_t *n) CK_STORE_WUR;

/* Replay protection shared by every server on the database: CONFLICT when
 * (caller, nonce) was seen before. Rows older than expire_before are purged
 * from time to time. */
ck_store_rc ck_store_nonce_use(ck_store *s, const char *caller, const char *nonce,
                               int64_t now_ms, int64_t expire_before_ms) CK_STORE_WUR;
/* Records (caller, nonce) without looking it up: for a server that keeps
 * the live nonces in memory (loaded with ck_store_nonce_load at start) and
 * is the database's only user (ck_store_shared() == 0). SQLite queues the
 * row into the writer's next group commit, so it is durable no later than
 * the request's own write or audit row. */
ck_store_rc ck_store_nonce_put(ck_store *s, const char *caller, const char *nonce,
                               int64_t now_ms, int64_t expire_before_ms) CK_STORE_WUR;
typedef void (*ck_store_nonce_fn)(void *ctx, const char *caller, const char *nonce, int64_t created_at_ms);
/* Calls fn for every stored nonce created at or after since_ms. */
ck_store_rc ck_store_nonce_load(ck_store *s, int64_t since_ms, ck_store_nonce_fn fn, void *ctx) CK_STORE_WUR;
/* 1 when several processes may share the database (PostgreSQL), so replay
 * checks must ask it; 0 for SQLite (one carekeyd per file). */
int ck_store_shared(const ck_store *s);
/* 1 when the calling thread's last store call failed (CK_STORE_ERROR)
 * because no writable database could be reached: PostgreSQL lost its
 * connection, or the server it reached is shutting down or read-only (a
 * failover under way). The call changed nothing it acknowledged, but a
 * write's commit may or may not have happened: callers answer 503 and
 * let the client retry (an append's prev-hash check makes that safe). */
int ck_store_unavailable(void);
/* Sets the calling thread's flag: for a server that learns a write's
 * outcome on the store's thread and answers it on another. */
void ck_store_set_unavailable(int on);

/* carekeyd migrate: copies every table of the SQLite database at
 * sqlite_path into the empty PostgreSQL database at pg_url (one
 * transaction), then verifies the copy: row counts, and every record's
 * chain against the source (every column, seq 1..n, links, hashes,
 * author signatures, head, signed head). Both sides are first brought to
 * the current schema. OK; EXISTS when the target has rows; INVALID when
 * the verification failed (m->error says where); ERROR otherwise. */
#define CK_STORE_MIGRATE_TABLES 16
typedef struct {
    size_t ntables;
    const char *table[CK_STORE_MIGRATE_TABLES];
    long long rows[CK_STORE_MIGRATE_TABLES]; /* copied per table */
    long long records_verified, entries_verified;
    char error[512];
} ck_store_migration;
ck_store_rc ck_store_migrate(const char *sqlite_path, const char *pg_url, ck_store_migration *m) CK_STORE_WUR;

/* Asynchronous writes, for servers that do not want a thread blocked per
 * pending write. On CK_STORE_OK the write was queued and fn(ctx, rc) is
 * called exactly once, after the write (with its audit row) is durable, or
 * has failed, with the same rc the synchronous call would return; any other
 * return: nothing was queued and fn is never called. fn may run on the
 * store's writer thread, or on the calling thread before the call returns
 * (back ends that only write synchronously, see ck_store_async); it must
 * be short and must not call the store. For append, e must stay valid
 * until fn runs (seq, hash and received_at are filled in before); a is
 * copied. */
typedef void (*ck_store_done_fn)(void *ctx, ck_store_rc rc);
ck_store_rc ck_store_audit_add_async(ck_store *s, const ck_store_audit *a, ck_store_done_fn fn,
                                     void *ctx) CK_STORE_WUR;
ck_store_rc ck_store_append_async(ck_store *s, ck_store_entry *e, const ck_store_audit *a,
                                  ck_store_done_fn fn, void *ctx) CK_STORE_WUR;
/* fn(ctx, OK) once every write queued before this call is durable (a
 * barrier: SQLite's next group commit; at once where writes are
 * synchronous). Same contract as the *_async writes. */
ck_store_rc ck_store_sync_async(ck_store *s, ck_store_done_fn fn, void *ctx) CK_STORE_WUR;
/* 1 when the audit and barrier *_async calls return before the write is
 * done (SQLite's writer thread, PostgreSQL's group-commit threads); 0 when
 * they complete within the call. */
int ck_store_async(const ck_store *s);
/* 1 when ck_store_append_async and ck_store_append_nonce_async, too,
 * return before the append is done. A tombstone's append may still
 * complete within the call on PostgreSQL. */
int ck_store_async_append(const ck_store *s);

/* A request's replay nonce, checked by the write that ends the request
 * (a shared database, for reads and appends): ck_store_audit_nonce commits
 * the audit row a only if (caller, nonce) was never used, in the same
 * statement that records the nonce, and returns REPLAYED (nothing
 * written) when it was. a or n may be NULL: a nonce alone is
 * ck_store_nonce_use, an audit row alone ck_store_audit_add. The
 * asynchronous form keeps the *_async contract and copies a and n; fn may
 * read ck_store_unavailable() for the write's outcome. */
typedef struct {
    const char *caller, *nonce;
    int64_t now_ms, expire_before_ms;
} ck_store_nonce;
ck_store_rc ck_store_audit_nonce(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n) CK_STORE_WUR;
ck_store_rc ck_store_audit_nonce_async(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n,
                                       ck_store_done_fn fn, void *ctx) CK_STORE_WUR;
/* ck_store_append with the request's nonce n recorded in the append's own
 * commit: REPLAYED when it was used before (nothing written). On any other
 * refusal (CONFLICT, STALE, ...) the nonce may not be recorded: the caller
 * commits it separately before it answers. */
ck_store_rc ck_store_append_nonce(ck_store *s, ck_store_entry *e, const ck_store_audit *a,
                                  const ck_store_nonce *n) CK_STORE_WUR;
/* Its asynchronous form, with the *_async contract; a and n are copied. */
ck_store_rc ck_store_append_nonce_async(ck_store *s, ck_store_entry *e, const ck_store_audit *a,
                                        const ck_store_nonce *n, ck_store_done_fn fn, void *ctx) CK_STORE_WUR;

/* A record's generation: it moves with every change to the record's
 * grants and to its entries' bodies (a tombstone's drops), in the same
 * commit, and never with an append (entries are immutable otherwise).
 * Rows read after this call are at least as new as the generation it
 * returns, so a cache that tags them with it and checks it when the read
 * commits (ck_store_audit.read_gen) never serves a change it missed.
 * PostgreSQL only (several servers share it); ERROR elsewhere. */
ck_store_rc ck_store_record_gen(ck_store *s, const char *patient, int64_t *gen) CK_STORE_WUR;

/* Bytes used by the database (for /metrics). */
ck_store_rc ck_store_size(ck_store *s, int64_t *bytes) CK_STORE_WUR;

#ifdef __cplusplus
}
#endif
#endif
