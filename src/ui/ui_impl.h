/*
 * src/ui/ui_impl.h - what the files of the node's pages share: the pure
 * parsers (parse.c), the session table (session.c), the FHIR bridge over
 * src/api (bridge.c), the JSON API (japi.c, report.c, sharing.c), static
 * files (static.c) and the request cycle (server.c).
 */
#ifndef CK_UI_IMPL_H
#define CK_UI_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "carekey/node.h"
#include "tls.h"
#include "ui/ui.h"

#define CK_UI_BODY_MAX ((size_t)8 << 20)
#define CK_UI_URI_MAX 8192
#define CK_UI_GID_MAX 136
#define CK_UI_PASS_MAX 1024
#define CK_UI_ID_HEX 64             /* session id and CSRF token: 32 random bytes */
#define CK_UI_SESSIONS_MAX 256
#define CK_UI_COOKIE "ck_session"
#define CK_UI_CSRF_HEADER "X-CSRF-Token"

/* ---- parse.c (pure; fuzz/fuzz_ui_parse.c) ------------------------------------------ */
/* The value of cookie name in a Cookie header: exactly 64 lowercase hex
 * characters. 0 and out (65 bytes), or -1. */
int ck_ui_cookie_get(const char *header, const char *name, char out[CK_UI_ID_HEX + 1]);
/* The value of name in a query string (len bytes; "+" and %XX decoded, no
 * NUL allowed). 0 and out, -1 absent, -2 malformed or too long. */
int ck_ui_query_get(const char *qs, size_t len, const char *name, char *out, size_t cap);
/* 1 when s is a GID a home may be named by: [A-Za-z0-9._@-]{1,128}, not
 * starting with "." (never a path). */
int ck_ui_gid_ok(const char *s);
/* The login body {"gid": "...", "passphrase": "..."}: 0 with both copied,
 * or -1. pass is wiped on failure. */
int ck_ui_login_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], char pass[CK_UI_PASS_MAX]);
/* The file a static URL path names under the pages' root: "/" is
 * "index.html"; segments [A-Za-z0-9_.-], none empty or starting with ".".
 * 0 and rel (relative, no leading "/"), or -1. */
int ck_ui_static_rel(const char *path, size_t len, char *rel, size_t cap);
/* The Content-Type of a file by its extension; NULL: not served. */
const char *ck_ui_content_type(const char *rel);
/* 1 when origin (an Origin header) is this server's: http://HOST where
 * HOST is the request's Host, itself one of 127.0.0.1:port, localhost:port,
 * [::1]:port. */
int ck_ui_origin_ok(const char *origin, const char *host, unsigned port);
/* 1 when host (a Host header) is name:port (the name case-insensitive;
 * an IPv6 name in brackets). */
int ck_ui_host_match(const char *host, const char *name, unsigned port);
/* 1 when host is 127.0.0.1:port, localhost:port or [::1]:port. */
int ck_ui_host_loopback(const char *host, unsigned port);
/* 1 when origin is exactly scheme "://" host. */
int ck_ui_origin_match(const char *origin, const char *scheme, const char *host);
/* A sharing change from the patient's page (POST /ui/api/sharing/change):
 *   {"action": "grant", "grantee": GID, "access": "read"}
 *   {"action": "grant", "grantee": GID, "access": "write", "sections": [NAME...] | ["*"],
 *    "delegate": BOOL?, ...}
 *   {"action": "revoke", "grantee": GID}
 *   {"action": "hospitals", "hospitals": [GID...]}   (her treating hospitals, 1-64)
 *   {"action": "family", "gid": GID}                  (her family key and a read grant)
 * each with "expires": "30d"|"2027-01-31"|"never"? (grants) and "confirm": BOOL? (false or
 * absent: only say what it would do). Unknown or duplicate keys, wrong types, unknown
 * or repeated sections are refused. */
typedef struct ck_ui_share {
    int revoke;                   /* else a grant                                */
    int hospitals;                /* a new sharing profile: hosp (no grantee)   */
    int family;                   /* an invitation of grantee into her family    */
    char hosp[1024];              /* "a,b" in the order given                    */
    int read;                     /* a read grant                                */
    int delegate, confirm;
    char grantee[CK_UI_GID_MAX];
    char sections[512];           /* "a,b" in the order given, or "*"            */
    char expires[64];             /* "" never                                    */
} ck_ui_share;
/* 0 and *out, or -1 with the reason in why (for the page). */
int ck_ui_share_parse(const char *body, size_t len, ck_ui_share *out, char *why, size_t cap);

/* 1 when the two NUL-terminated strings are equal (constant time in the
 * length of b). */
int ck_ui_secret_eq(const char *a, const char *b);

/* ---- roles and the menu (menu.c) ---------------------------------------------------------- */
typedef enum ck_ui_role {
    CK_UI_ROLE_NONE = 0,
    CK_UI_ROLE_PATIENT,
    CK_UI_ROLE_FAMILY,
    CK_UI_ROLE_DOCTOR,
    CK_UI_ROLE_NURSE,
    CK_UI_ROLE_PHARMACIST,
    CK_UI_ROLE_RESEARCHER,
    CK_UI_ROLE_EMERGENCY,
    CK_UI_ROLE_CLERK,
    CK_UI_ROLE_OPERATOR,
    CK_UI_ROLE_ORGANIZATION,      /* the hospital admin: the organization's own home */
    CK_UI_ROLE_COUNT_
} ck_ui_role;

const char *ck_ui_role_name(ck_ui_role r);
/* The role of an unlocked session, from the labels of its keys. The
 * record it is about (the patient's own, a family member's patient) goes to
 * patient ("" when none). */
ck_ui_role ck_ui_role_of(ck_node *n, char patient[CK_UI_GID_MAX]);
/* The menu of a role: [{"id", "label", "group"}...] (items built only). */
json_t *ck_ui_menu(ck_ui_role r);
/* 1 when the role may ask for this JSON view ("report/personal", "sharing", ...). */
int ck_ui_role_may(ck_ui_role r, const char *view);

/* ---- sessions (session.c) ------------------------------------------------------------------ */
struct ck_api;
struct ck_ui_job;

typedef struct ck_ui_session {
    char id[CK_UI_ID_HEX + 1];
    char csrf[CK_UI_ID_HEX + 1];
    char gid[CK_UI_GID_MAX];
    char patient[CK_UI_GID_MAX];  /* her own record, or a family member's patient */
    ck_ui_role role;
    ck_node *n;                   /* her unlocked session (owned)             */
    struct ck_api *fhir;          /* the FHIR API over n, without a listener  */
    struct ck_ui_job *job;        /* the import running or last run (import.c) */
    pthread_mutex_t mu;           /* one request of a session at a time        */
    int refs, dead;               /* under the table's lock                    */
    time_t last;                  /* monotonic seconds of the last request     */
} ck_ui_session;

/* Failed logins of one GID (known or not: the same answer either way). */
typedef struct ck_ui_attempts {
    char gid[CK_UI_GID_MAX];
    unsigned fails;               /* in a row                                  */
    time_t last, until;           /* until: refused before this (monotonic s)  */
} ck_ui_attempts;

#define CK_UI_LOGIN_TRIES 5       /* failures in a row before a pause           */
#define CK_UI_LOGIN_PAUSE 60      /* seconds                                    */
#define CK_UI_ATTEMPTS 64

struct ck_ui {
    char data[4096], web[4096], chartjs[4096], server[1024];
    unsigned port, threads, idle_s;
    char base[400];               /* http://127.0.0.1:PORT, https://NAME:PORT  */
    char url[404];                /* base + "/"                                */
    char addr[64], name[256];     /* the listening address; the served name    */
    ck_tls tls;                   /* off: plain HTTP (loopback only)            */
    struct MHD_Daemon *mhd;
    struct ck_guard *guard;
    pthread_mutex_t smu;          /* the session table                          */
    ck_ui_session *slots[CK_UI_SESSIONS_MAX];
    pthread_t sweeper;
    pthread_cond_t scv;
    int sweeping, stopping;
    pthread_mutex_t amu;          /* the failed logins                           */
    ck_ui_attempts attempts[CK_UI_ATTEMPTS];
};

time_t ck_ui_now(void);
/* A new session over n (taken over, even on failure): 0 and *out, -1. */
int ck_ui_session_new(ck_ui *u, ck_node *n, ck_ui_role role, const char *patient, ck_ui_session **out);
/* The live session with this id, held (ck_ui_session_put); NULL none. */
ck_ui_session *ck_ui_session_get(ck_ui *u, const char *id);
void ck_ui_session_put(ck_ui *u, ck_ui_session *s);
/* Ends s now (logout): removed, locked and wiped when its last holder puts it. */
void ck_ui_session_end(ck_ui *u, ck_ui_session *s);
/* Ends sessions idle for idle_s or more (all when all is set). */
void ck_ui_session_sweep(ck_ui *u, int all);
int ck_ui_sweeper_start(ck_ui *u);
void ck_ui_sweeper_stop(ck_ui *u);

/* ---- a request ----------------------------------------------------------------------- */
typedef struct ck_ui_req {
    ck_ui *ui;
    struct MHD_Connection *con;
    const char *method;
    char *uri;                    /* raw target                                  */
    const char *qs;               /* after "?", "" none                         */
    size_t path_len;
    char *body;
    size_t body_len, body_cap;
    int too_big, started, arrived;
    ck_ui_session *s;             /* held during dispatch                         */
    /* the reply */
    long status;
    char *text;                   /* wiped when freed                             */
    size_t text_len;
    const char *ctype;
    int fd;                       /* a static file (text NULL), -1 none           */
    uint64_t fsize;
    char etag[80], location[600];
    char cookie[200];             /* Set-Cookie, "" none                          */
    int revalidate;               /* a static file: "no-cache" (ETag) instead of
                                     "no-store", so the browser keeps its compiled
                                     scripts; never a reply with patient data   */
} ck_ui_req;

/* r's reply: {"error":{"code","message"}} with status; -1. */
int ck_ui_fail(ck_ui_req *r, long status, const char *code, const char *msg);
/* The node's last error on n as a reply; -1. */
int ck_ui_fail_node(ck_ui_req *r, ck_node *n);
/* A ck_node_notice_fn: what the node says while it works (not its
 * problems, which come back as its error), appended to ud, a JSON array
 * the page shows under a change that was saved. */
void ck_ui_notice_to(void *ud, ck_node_level level, const char *msg);
/* r's reply: no body (a 304), status kept; 0 or -1. */
int ck_ui_empty(ck_ui_req *r);
/* r's reply: v (reference taken) as application/json; 0. */
int ck_ui_json(ck_ui_req *r, long status, json_t *v);
/* The patient a view names (?patient=, else the session's own); 0 or -1 (400). */
int ck_ui_patient_param(ck_ui_req *r, char gid[CK_UI_GID_MAX]);

/* ---- bridge.c: the FHIR API over a session ---------------------------------------------- */
int ck_ui_fhir_new(ck_node *n, const char *base, struct ck_api **out);
void ck_ui_fhir_free(struct ck_api *a);
int ck_ui_fhir_serve(ck_ui_req *r);

/* ---- the JSON API ------------------------------------------------------------------------------ */
int ck_ui_login(ck_ui_req *r);
int ck_ui_logout(ck_ui_req *r);
int ck_ui_me(ck_ui_req *r);
int ck_ui_report(ck_ui_req *r, const char *kind);
int ck_ui_sharing(ck_ui_req *r);
int ck_ui_audit(ck_ui_req *r);
int ck_ui_sharing_change(ck_ui_req *r);
/* sharing_profile.c: the "hospitals" change, parsed already (c->hospitals). */
int ck_ui_sharing_hospitals(ck_ui_req *r, const char *patient, const ck_ui_share *c);
/* "a,b,c" -> "a, b and c" (sharing_profile.c). */
void ck_ui_list_words(const char *csv, char *out, size_t cap);
/* sharing_family.c: her family (who holds family@patient-P) as the sharing view
 * lists it (null when her node cannot say); 1 when gid holds her family key;
 * the "family" change (an invitation) and a revocation of a family member. */
json_t *ck_ui_family_json(ck_node *n, const char *patient);
int ck_ui_family_holds(ck_node *n, const char *patient, const char *gid);
int ck_ui_sharing_family(ck_ui_req *r, const char *patient, const ck_ui_share *c);
int ck_ui_sharing_family_end(ck_ui_req *r, const char *patient, const ck_ui_share *c);
/* import.c: POST starts a job over the bundle in the body, GET says how far it is. */
int ck_ui_import_start(ck_ui_req *r);
int ck_ui_import_status(ck_ui_req *r);
/* Cancels and waits for a session's import, wipes it (the session's end). */
void ck_ui_job_free(struct ck_ui_job *j);
/* publish.c: POST /ui/api/publish - the patient's research copy. */
int ck_ui_publish(ck_ui_req *r);

/* ---- static.c -------------------------------------------------------------------------------------- */
int ck_ui_static(ck_ui_req *r);

#endif
