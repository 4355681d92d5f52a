/*
 * ckd.h - carekeyd internals shared by the daemon's source files.
 * Prefix: ckd_. Nothing here is public API.
 */
#ifndef CKD_H
#define CKD_H

#include "carekey/store.h"
#include "carekey/wire.h"
#include "tls.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#define CKD_WUR __attribute__((warn_unused_result))

/* ---- configuration (config.c) ----------------------------------------- */
#define CKD_ORIGINS_MAX 8
typedef struct {
    char listen[64];
    int port;
    char port_file[512];
    char db[1024];
    uint8_t admin_pk[32];
    int have_admin;
    char tls_cert[512], tls_key[512];
    int threads;
    int max_conns;
    long max_body;
    double rate;      /* requests per second per caller, 0 = unlimited */
    int burst;
    int clock_skew;   /* seconds a request time stamp may be off */
    int page_max;     /* most items one list request returns (fan-out) */
    int mailbox_max;  /* most pending deliveries per recipient */
    int mailbox_per_sender; /* most pending deliveries from one sender to one recipient */
    int per_ip_conns; /* concurrent connections per client address */
    int request_deadline; /* seconds from accept (or the last reply) to a whole request */
    int enroll_rate;  /* enrollment submissions per minute per client address, 0 = no limit */
    /* Origins request signatures may name (--origin, repeatable); the
     * bound address's http(s)://127.0.0.1:PORT and localhost:PORT always. */
    char origins[CKD_ORIGINS_MAX][CK_NET_ORIGIN_MAX];
    int norigins;
    int db_pool;
    int nonce_db;     /* -1 auto (db for postgres), 0 memory, 1 db */
    long replay_cap;  /* memory replay cache entries */
    int grace;        /* seconds to finish in-flight requests on SIGTERM */
    int session_ttl;  /* seconds a request session lives, 0 = sessions off */
    long session_max; /* most open sessions in this process */
    int log_level;    /* 0 error, 1 warn, 2 info, 3 debug */
} ckd_config;

void ckd_config_defaults(ckd_config *c);
/* Defaults < INI file (--config) < environment (CAREKEYD_*) < flags.
 * Returns 0, 1 when --help was printed, -1 on error (message printed). */
int ckd_config_load(ckd_config *c, int argc, char **argv) CKD_WUR;
int ckd_config_set(ckd_config *c, const char *key, const char *value) CKD_WUR;
void ckd_config_usage(FILE *f);

/* ---- logging (log.c) -------------------------------------------------- */
enum { CKD_ERROR, CKD_WARN, CKD_INFO, CKD_DEBUG };
void ckd_log_level(int level);
int ckd_log_enabled(int level);
/* Structured: fmt is a list of key=value pairs. Never patient data. */
void ckd_log(int level, const char *msg, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- errors (errors.c) ------------------------------------------------ */
typedef enum {
    CKD_E_UNSIGNED, CKD_E_BAD_SIGNATURE, CKD_E_STALE, CKD_E_REPLAY, CKD_E_UNKNOWN_KEY,
    CKD_E_FORBIDDEN, CKD_E_ADMIN_ONLY, CKD_E_NO_GRANT, CKD_E_AUTHOR_MISMATCH,
    CKD_E_BAD_JSON, CKD_E_BAD_FIELD, CKD_E_BAD_PARAM, CKD_E_BAD_PATH, CKD_E_BAD_ENTRY_SIG,
    CKD_E_TOO_LARGE,
    CKD_E_NOT_FOUND, CKD_E_USER_NOT_FOUND, CKD_E_AUTHORITY_NOT_FOUND, CKD_E_RECORD_NOT_FOUND,
    CKD_E_ENTRY_NOT_FOUND, CKD_E_GRANT_NOT_FOUND, CKD_E_MESSAGE_NOT_FOUND,
    CKD_E_ORG_NOT_FOUND, CKD_E_UNIT_NOT_FOUND, CKD_E_DEACTIVATED,
    CKD_E_METHOD, CKD_E_HEAD_MISMATCH, CKD_E_EXISTS, CKD_E_STALE_HEAD,
    CKD_E_RATE, CKD_E_MAILBOX_FULL, CKD_E_INTERNAL, CKD_E_UNAVAILABLE,
    CKD_E_BAD_DOC_SIG, CKD_E_STALE_VERSION, CKD_E_TIME_REGRESSION, CKD_E_BAD_TIME, CKD_E_BAD_PURPOSE,
    CKD_E_NO_CONSENT, CKD_E_NOT_AFFILIABLE, CKD_E_ENROLLMENT_NOT_FOUND, CKD_E_BAD_TOMBSTONE,
    CKD_E_SESSION,
    CKD_E_COUNT
} ckd_err;
int ckd_err_status(ckd_err e);
const char *ckd_err_code(ckd_err e);

/* ---- metrics (metrics.c) ---------------------------------------------- */
typedef enum {
    CKD_R_NONE, CKD_R_HEALTH, CKD_R_METRICS, CKD_R_USER_ADD, CKD_R_USER_GET, CKD_R_AUTH_ADD,
    CKD_R_AUTH_GET, CKD_R_AUTH_EPOCHS, CKD_R_APPEND, CKD_R_ENTRIES, CKD_R_ENTRY, CKD_R_HEAD_GET,
    CKD_R_HEAD_PUT, CKD_R_GRANT_ADD, CKD_R_GRANTS, CKD_R_GRANT_DEL, CKD_R_AUDIT, CKD_R_MAIL_PUT,
    CKD_R_MAIL_LIST, CKD_R_MAIL_ACK, CKD_R_ORG_ADD, CKD_R_ORGS, CKD_R_ORG_GET, CKD_R_UNIT_ADD,
    CKD_R_UNITS, CKD_R_USERS, CKD_R_AFFILIATE, CKD_R_DEACTIVATE, CKD_R_REACTIVATE, CKD_R_UNAFFILIATE,
    CKD_R_CONSENT_ADD, CKD_R_CONSENT_DEL, CKD_R_ENROLL_ADD, CKD_R_ENROLL_GET, CKD_R_ENROLLS, CKD_R_ENROLL_APPROVE,
    CKD_R_ENROLL_REJECT, CKD_R_GRANTS_MINE, CKD_R_SESSION_OPEN, CKD_R_COUNT
} ckd_route;
const char *ckd_route_name(ckd_route r);
void ckd_metrics_observe(ckd_route r, int status, double seconds, int err /* ckd_err or -1 */);
void ckd_metrics_inflight(int delta);
long ckd_metrics_inflight_now(void);
/* Appends the Prometheus text exposition to a malloc'ed string. */
struct ckd_rcache;
/* sessions: open request sessions, -1 when sessions are off (omitted). */
char *ckd_metrics_render(int64_t storage_bytes, double uptime_s, const struct ckd_rcache *rc, long sessions);

/* ---- replay and rate limiting (replay.c, ratelimit.c) ----------------- */
typedef struct ckd_replay ckd_replay;
ckd_replay *ckd_replay_new(long capacity);
void ckd_replay_free(ckd_replay *r);
/* 0 first use, 1 replay, -1 cache full. */
int ckd_replay_check(ckd_replay *r, const char *caller, const char *nonce, int64_t now_ms,
                     int64_t expires_ms) CKD_WUR;

typedef struct ckd_ratelimit ckd_ratelimit;
ckd_ratelimit *ckd_ratelimit_new(double rate, int burst);
void ckd_ratelimit_free(ckd_ratelimit *r);
/* 1 allowed, 0 limited. */
int ckd_ratelimit_take(ckd_ratelimit *r, const char *caller, int64_t now_ms);

/* Request sessions (sessions.c): in memory, per process. add: 0, or -1
 * when the table is full of live sessions (or the id is taken); a caller
 * beyond per_caller loses her oldest. get: 0 and the caller's key at
 * opening and the session key when id is live and hers, else -1. */
#define CKD_SESSIONS_PER_CALLER 16
typedef struct ckd_sessions ckd_sessions;
ckd_sessions *ckd_sessions_new(long cap, int ttl_s, int per_caller);
void ckd_sessions_free(ckd_sessions *t);
int ckd_sessions_add(ckd_sessions *t, const char *id, const char *caller, const uint8_t pk[32],
                     const uint8_t key[32], int64_t now, int64_t *expires_ms) CKD_WUR;
int ckd_sessions_get(ckd_sessions *t, const char *id, const char *caller, int64_t now, uint8_t pk[32],
                     uint8_t key[32]) CKD_WUR;
long ckd_sessions_count(ckd_sessions *t, int64_t now); /* live ones */
/* A session request's sequence number (docs/API.md, "Sessions"), once its
 * MAC verified: 0 when seq is new and within the session's window of the
 * last CKD_SESSION_WINDOW (now remembered), 1 when it was seen or fell
 * below the window, -1 when the session is gone. */
#define CKD_SESSION_WINDOW 1024
int ckd_sessions_use_seq(ckd_sessions *t, const char *id, uint64_t seq, int64_t now) CKD_WUR;

/* Enrolled users by GID (usercache.c). Handlers that change a user row
 * forget it; entries expire ttl_ms after loading (0: never, for a database
 * only this process uses). */
#define CKD_USERS_TTL_SHARED_MS 2000
typedef struct ckd_users ckd_users;
ckd_users *ckd_users_new(int64_t ttl_ms);
void ckd_users_free(ckd_users *c);
int ckd_users_get(ckd_users *c, const char *gid, int64_t now_ms, ck_store_user *out); /* 1 hit, 0 miss */
void ckd_users_put(ckd_users *c, const ck_store_user *u, int64_t now_ms);
void ckd_users_forget(ckd_users *c, const char *gid);
/* FNV-1a of s seeded with a per-process random key (cache slots). */
uint64_t ckd_str_hash(uint64_t key, const char *s);

/* recordcache.c: records' grants and entries in memory, for a shared
 * database; every read served from it is checked at its commit. */
#define CKD_RCACHE_BYTES ((size_t)64 << 20)
typedef struct ckd_rcache ckd_rcache;
ckd_rcache *ckd_rcache_new(size_t max_bytes);
void ckd_rcache_free(ckd_rcache *c);
void ckd_rcache_stats(const ckd_rcache *c, unsigned long *hits, unsigned long *misses, unsigned long *changed);

/* ---- the server and its requests -------------------------------------- */
typedef struct ckd_server {
    ckd_config cfg;
    ck_store *store;
    struct MHD_Daemon *mhd;
    ckd_replay *replay;
    ckd_ratelimit *rl;
    ckd_users *users;
    ckd_sessions *sessions; /* NULL when sessions are off */
    ckd_rcache *rcache; /* NULL: every read asks the store (SQLite) */
    int nonce_db;
    int64_t started_ms;
    int draining;
    ck_tls tls; /* HTTPS when --tls-cert (src/httpd/tls.h) */
    uint16_t bound_port;
    struct ck_guard *guard;     /* slow-client limits (src/httpd/guard.h) */
    ckd_ratelimit *enroll_rl;   /* enrollment submissions per client address */
    uint8_t dummy_pk[32];       /* verified against when the caller is unknown */
    char origins[CKD_ORIGINS_MAX + 3][CK_NET_ORIGIN_MAX]; /* what request signatures may name */
    int norigins;
    /* Suspended connections waiting for an asynchronous store write: their
     * count, plus CKD_ASYNC_CLOSED once stopping (handlers then write
     * synchronously). Atomic: the writer thread and workers update it. */
    int64_t async_state;
} ckd_server;

#define CKD_ASYNC_CLOSED (INT64_C(1) << 40)

enum { CKD_CALLER_NONE, CKD_CALLER_ADMIN, CKD_CALLER_USER, CKD_CALLER_AUTHORITY, CKD_CALLER_ENROLL };

#define CKD_MAX_SEGS 8

typedef struct ckd_req {
    ckd_server *srv;
    struct MHD_Connection *con;
    const char *method;
    char uri[1200];   /* the request target as sent (signed as is) */
    char path[512];   /* its path, before '?' */
    const char *query; /* its raw query (after '?'), NULL when none */
    char qbuf[1200];  /* the query split into parameters, parsed on first use */
    struct {
        const char *key, *value;
    } params[16];
    int nparams;      /* -1 before parsing */
    char segbuf[512]; /* path split into segments */
    char *segs[CKD_MAX_SEGS];
    int nsegs;
    char *body;
    size_t body_len, body_cap;
    int too_large;
    int responded;
    /* authenticated caller */
    int caller_kind;
    char caller[CK_NET_ID_MAX + 16];
    uint8_t caller_pk[32]; /* the key the request was authenticated with */
    int in_session;        /* authenticated by a session's MAC (auth.c) */
    char session[CK_NET_SESSION_ID_HEX + 1]; /* its id, when in_session */
    ck_store_user user; /* when caller_kind is USER */
    char purpose[CK_STORE_TOKEN_CAP];
    int purpose_given; /* X-CK-Purpose was sent (else derived per record) */
    /* The request's nonce is queued for the next group commit (SQLite):
     * no reply leaves before a write queued after it is durable. */
    int nonce_unsynced;
    /* A read or an append on a shared database: its nonce is checked by
     * the write that ends it (the audit row, the append, or a barrier
     * before the reply), in the same commit; a replay found then turns the
     * reply into REPLAY. */
    int nonce_deferred;
    int replayed;
    char nonce[CK_NET_NONCE_HEX + 1];
    int64_t nonce_now, nonce_expire;
    char *held;       /* a reply waiting for that, with its status and type */
    size_t held_len;
    int held_status;
    const char *held_ctype;
    /* An asynchronous store write (ckd_audit_then, ckd_append_then): the connection is
     * suspended until the write is durable, then then() builds the reply. */
    enum MHD_Result (*then)(struct ckd_req *r, ck_store_rc rc);
    ck_store_rc job_rc;
    int job_unavailable; /* the write failed for want of a primary database */
    ck_store_audit job_audit;
    ck_store_entry job_entry; /* append: owned (envelope freed on completion) */
    uint64_t *job_drop;       /* append of a tombstone: job_entry.drop (freed on completion) */
    char *reply;              /* a prepared response body */
    size_t reply_len;
    /* Reads through the record cache (recordcache.c): allowed for this
     * route (cache_ok), turned off after a change was found (cache_off);
     * the generation of the rows used, of which record, and whether rows
     * of two generations were mixed. */
    int cache_ok, cache_off, rmixed;
    int64_t rgen;
    char rpatient[CK_STORE_ID_CAP];
    /* The last grants the request read (a write looks at the caller's
     * grants twice: for her relation, then for the section): patient,
     * grantee and a copy of the rows. */
    char memo_patient[CK_STORE_ID_CAP], memo_grantee[CK_STORE_ID_CAP];
    ck_store_grant *memo;
    size_t memo_n;
    /* metrics */
    ckd_route route;
    int status;
    int err;
    double t0;
} ckd_req;

int ckd_server_start(ckd_server *s) CKD_WUR;     /* opens the store, starts MHD */
void ckd_server_stop(ckd_server *s);             /* drains, stops, closes */
double ckd_now_s(void);
int64_t ckd_now_ms(void);

/* http.c: responses. Each takes ownership of the json. */
enum MHD_Result ckd_reply(ckd_req *r, int status, json_t *body);
enum MHD_Result ckd_reply_text(ckd_req *r, int status, const char *ctype, char *text);
/* A JSON body already rendered (malloc'ed text; ownership taken). */
enum MHD_Result ckd_reply_raw(ckd_req *r, int status, char *text, size_t len);

/* Runs r->job_audit (append: r->job_entry with r->job_audit) as a store
 * write and calls then(r, rc) once it is durable or failed. With SQLite the
 * connection is suspended meanwhile (no worker thread waits) and resumed
 * by the store's writer; then() runs on resumption and must queue the
 * response. Otherwise the write runs in the call. */
typedef enum MHD_Result (*ckd_then)(ckd_req *r, ck_store_rc rc);
enum MHD_Result ckd_audit_then(ckd_req *r, ckd_then then);
/* A synchronous audit row (a refusal): with a deferred nonce, the nonce is
 * checked in the same commit. */
ck_store_rc ckd_audit_write(ckd_req *r, const ck_store_audit *a);
enum MHD_Result ckd_append_then(ckd_req *r, ckd_then then);
enum MHD_Result ckd_fail(ckd_req *r, ckd_err e, const char *message);
/* carekeyd migrate ... (migrate_cmd.c): the exit status. */
int ckd_migrate_main(int argc, char **argv);

/* auth.c */
/* The origins this server answers to (config plus the bound port's
 * loopback names); after the port is known. */
int ckd_origins_init(ckd_server *s) CKD_WUR;
/* 0 authenticated, else a response was queued (the MHD result in *res). */
int ckd_authenticate(ckd_req *r, enum MHD_Result *res) CKD_WUR;

/* router.c */
enum MHD_Result ckd_dispatch(ckd_req *r);

/* api_*.c: handlers. Segments are validated by the router. */
enum MHD_Result ckd_api_health(ckd_req *r);
enum MHD_Result ckd_api_metrics(ckd_req *r);
enum MHD_Result ckd_api_user_add(ckd_req *r);
enum MHD_Result ckd_api_user_get(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_authority_add(ckd_req *r);
enum MHD_Result ckd_api_authority_get(ckd_req *r, const char *name);
enum MHD_Result ckd_api_authority_epochs(ckd_req *r, const char *name);
enum MHD_Result ckd_api_append(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_entries(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_entry(ckd_req *r, const char *patient, const char *seq);
enum MHD_Result ckd_api_head_get(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_head_put(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_grant_add(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_grants(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_grant_del(ckd_req *r, const char *patient, const char *id);
/* GET /v1/grants/mine: the caller's own counting grants, on any record. */
enum MHD_Result ckd_api_grants_mine(ckd_req *r);
enum MHD_Result ckd_api_audit(ckd_req *r, const char *patient);
enum MHD_Result ckd_api_mail_put(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_mail_list(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_mail_ack(ckd_req *r, const char *gid, const char *id);
/* POST /v1/sessions (api_sessions.c) */
enum MHD_Result ckd_api_session_open(ckd_req *r);
/* api_orgs.c: organizations and units; api_directory.c: user listings,
 * affiliation, deactivation. */
enum MHD_Result ckd_api_org_add(ckd_req *r);
enum MHD_Result ckd_api_orgs(ckd_req *r);
enum MHD_Result ckd_api_org_get(ckd_req *r, const char *name);
enum MHD_Result ckd_api_unit_add(ckd_req *r, const char *org);
enum MHD_Result ckd_api_units(ckd_req *r, const char *org);
enum MHD_Result ckd_api_users(ckd_req *r);
enum MHD_Result ckd_api_user_affiliate(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_user_deactivate(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_user_reactivate(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_user_unaffiliate(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_consent_add(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_consent_del(ckd_req *r, const char *gid, const char *org);
/* api_authorities.c: signed authority records and epoch tables. An
 * authority record's operator signature (over ck_dir_authority_tbs with
 * the ABE key decoded) by the admin key: 0 when it verifies. */
int ckd_authority_sig_ok(ckd_server *s, const ck_store_authority *a) CKD_WUR;
/* A signed epoch table of authority (JSON text) into its canonical form
 * (*canon, malloc'ed) and version, verified with pk. 0, or a 400 was
 * queued into *res. */
int ckd_epochs_check(ckd_req *r, const char *authority, const uint8_t pk[32], const char *text, size_t len,
                     char **canon, uint64_t *version, enum MHD_Result *res) CKD_WUR;
/* The record (and its epoch_table, verified and made canonical:
 * a->epoch_table malloc'ed) of a body; a->abe_pk points into j. 0, or a
 * 400 was queued. signed_at is read when present. */
int ckd_authority_parse(ckd_req *r, json_t *j, ck_store_authority *a, enum MHD_Result *res) CKD_WUR;
/* The authority object of docs/API.md. */
json_t *ckd_authority_json(const ck_store_authority *a);
/* The user object of docs/API.md (api_directory.c). */
json_t *ckd_user_json(const ck_store_user *u);
/* The display name to store for a new user of role from the body's value
 * v: the GID for patients, family and caregivers (whose names stay off
 * the server; another name is refused), else a valid name. NULL with *why
 * set when refused. */
const char *ckd_user_display_name(const char *gid, const char *role, json_t *v, const char **why);
/* gid, ed25519, x25519, role and display_name of a body into u (checked;
 * the display name by role as above). 0, or a 400 was queued. */
int ckd_user_fields(ckd_req *r, json_t *j, ck_store_user *u, enum MHD_Result *res) CKD_WUR;
/* api_enroll.c: enrollment requests. */
enum MHD_Result ckd_api_enroll_add(ckd_req *r);
enum MHD_Result ckd_api_enroll_get(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_enrolls(ckd_req *r);
enum MHD_Result ckd_api_enroll_approve(ckd_req *r, const char *gid);
enum MHD_Result ckd_api_enroll_reject(ckd_req *r, const char *gid);
/* The key an "enroll:GID" caller signs with: the body's ed25519 for a
 * submission (POST /v1/enrollments, gid must match), the stored request's
 * for its status. 0, -1 when there is none, -2 on a storage error. */
int ckd_enroll_key(ckd_req *r, const char *gid, uint8_t pk[32]) CKD_WUR;

/* util.c: JSON bodies, parameters, fields, audit. */
/* Parses the body as a JSON object whose keys are all in allowed (NULL-
 * terminated). On failure a 400 was queued and NULL returned. */
json_t *ckd_body_object(ckd_req *r, const char *const *allowed, enum MHD_Result *res);
/* Query parameter as an unsigned integer in [min, max]; def when absent.
 * -1 on a malformed or out-of-range value. */
int ckd_param_u64(ckd_req *r, const char *name, uint64_t def, uint64_t min, uint64_t max, uint64_t *out) CKD_WUR;
int ckd_parse_u64(const char *s, uint64_t max, uint64_t *out) CKD_WUR;
const char *ckd_json_str(json_t *o, const char *key, size_t maxlen);
int ckd_json_hex(json_t *o, const char *key, uint8_t *out, size_t n) CKD_WUR;
int ckd_token_valid(const char *s, size_t maxlen);   /* [a-z][a-z0-9_-]* */
int ckd_rtype_valid(const char *s);                  /* [A-Za-z][A-Za-z0-9]* */
int ckd_role_valid(const char *s);
/* Roles whose users own a record: patient, organization (its ledger). */
int ckd_role_owns_record(const char *role);
/* Display names and titles: 1+ bytes of well-formed UTF-8 without
 * control characters (C0, DEL, C1) or bidirectional formatting ones
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069). */
int ckd_display_name_valid(const char *s);
/* Query parameter: NULL when absent, else its value (see ckd_param_u64). */
const char *ckd_param_str(ckd_req *r, const char *name);
int ckd_purpose_valid(const char *s);
json_t *ckd_hex_json(const uint8_t *p, size_t n);
json_t *ckd_b64_json(const uint8_t *p, size_t n);

/* Growable text for JSON bodies built without jansson (hot read paths).
 * Strings are escaped per RFC 8259; an allocation failure sticks (oom). */
typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} ckd_buf;
void ckd_buf_raw(ckd_buf *b, const char *s, size_t n);
void ckd_buf_lit(ckd_buf *b, const char *s);      /* unescaped literal */
void ckd_buf_str(ckd_buf *b, const char *s);      /* "escaped string" */
void ckd_buf_u64(ckd_buf *b, uint64_t v);
void ckd_buf_i64(ckd_buf *b, int64_t v);
void ckd_buf_hex(ckd_buf *b, const uint8_t *p, size_t n); /* "hex" */
void ckd_buf_b64(ckd_buf *b, const uint8_t *p, size_t n); /* "base64" */
/* Writes an audit row for an access to patient's record; 0 or -1. */
int ckd_audit(ckd_req *r, const char *patient, const char *action, const char *target, int status,
              const char *outcome) CKD_WUR;
void ckd_audit_fill(ckd_req *r, ck_store_audit *a, const char *patient, const char *action,
                    const char *target, int status, const char *outcome);
/* Refuses with e. A user's refused attempt is audited in patient's log
 * first (action, target); when that audit fails the answer is a 500. */
enum MHD_Result ckd_deny(ckd_req *r, const char *patient, const char *action, const char *target, ckd_err e,
                         const char *message);
/* access.c: the caller's standing on a patient's record. A grant counts
 * while it is neither revoked nor expired and, when a delegate issued it,
 * while her own delegation (issued by the patient before it) does: a
 * delegate's grants end with her. */
enum { CKD_REL_NONE = 0, CKD_REL_PATIENT = 1, CKD_REL_DELEGATE = 2 };
int ckd_relation(ckd_req *r, const char *patient, int *rel) CKD_WUR;
/* A counting write grant of the caller covering section? 1/0, -1 error. */
int ckd_has_grant(ckd_req *r, const char *patient, const char *section) CKD_WUR;
/* The same for an append (route with r->cache_ok): cached grants may allow
 * it (its commit checks their generation); a refusal is decided on the
 * database's rows. */
int ckd_write_grant(ckd_req *r, const char *patient, const char *section) CKD_WUR;
/* ckd_relation for an append: from cached grants when they open the
 * stated purpose, else from the database's rows. */
int ckd_relation_for_write(ckd_req *r, const char *patient, int *rel) CKD_WUR;
/* 1 when g counts at now (see above), 0 when not, -1 on a storage error. */
int ckd_grant_counts(ckd_req *r, const ck_store_grant *g, int64_t now) CKD_WUR;
/* Checks (or, when the caller sent none, derives) the purpose of use for
 * a request on patient's record against the caller's relation rel and
 * role (docs/API.md, "Purpose of use"). 0, or a 403 bad_purpose was
 * queued (audited as action). */
int ckd_purpose_check(ckd_req *r, const char *patient, int rel, const char *action, enum MHD_Result *res) CKD_WUR;
/* Who may read a record's entries and head: its owner, her delegates,
 * grantees (read or write), researchers when it holds a research entry,
 * active doctors, emergency and staff users reading with purpose BTG.
 * Checks the purpose too. 0, or a refusal was queued (audited). */
int ckd_read_check(ckd_req *r, const char *patient, const char *action, const char *target,
                   enum MHD_Result *res) CKD_WUR;
enum MHD_Result ckd_store_fail(ckd_req *r, ck_store_rc rc, ckd_err not_found);

/* recordcache.c: ck_store_grants (grantee set) and ck_store_entry_get
 * through the record cache when the route allows it (r->cache_ok), noting
 * the rows' generation in r. */
ck_store_rc ckd_read_grants(ckd_req *r, const char *patient, const char *grantee, ck_store_grant **v,
                            size_t *n) CKD_WUR;
ck_store_rc ckd_read_entry(ckd_req *r, const char *patient, uint64_t seq, ck_store_entry *out) CKD_WUR;
/* Forgets patient's cached rows; the request reads the store from now on. */
void ckd_read_fresh(ckd_req *r, const char *patient);
/* The generation an audit row of patient's record must find at its commit
 * (ck_store_audit.read_gen): 0 when the request read nothing cached. */
int64_t ckd_read_gen(const ckd_req *r, const char *patient);

#endif
