/*
 * carekey/node_emergency.h - break-glass through the node
 * (docs/BREAK-GLASS.md): the physician's request to the emergency desk and
 * the emergency summary it opens, the patient's view of the break-glass
 * events in her record, the desk's own checks and issuing (a desk
 * session, served over HTTP by a thin front end), and the protocol codec
 * they share.
 *
 *   request   the physician's Ed25519 signature over the request's
 *             canonical bytes (ck_node_btg_request_tbs)
 *   grant     the desk's answer: the data keys of the emergency entries in
 *             a sealed box to her X25519 key, signed by the desk, bound by
 *             ck_node_btg_box_ad to the window's end
 *   event     a FHIR AuditEvent the desk writes into the patient's record
 *             (section "audit", sealed to owner@<patient authority>) before
 *             any key leaves it
 */
#ifndef CARKEY_NODE_EMERGENCY_H
#define CARKEY_NODE_EMERGENCY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

#define CK_NODE_BTG_REQ_LABEL "carekey-btg-request-v1"
#define CK_NODE_BTG_BOX_LABEL "carekey-btg-grant-v1"
#define CK_NODE_BTG_DEFAULT_AUTHORITY "er-desk"
#define CK_NODE_BTG_NONCE_BYTES 16
#define CK_NODE_BTG_REASON_MAX 512          /* bytes of UTF-8                         */
#define CK_NODE_BTG_SKEW_MS 300000          /* request time stamp window, either side */
#define CK_NODE_BTG_MAX_KEYS 4096           /* entries released in one grant          */
#define CK_NODE_BTG_KEY_REC (8 + 32 + 32)   /* seq, entry hash, data key              */
#define CK_NODE_BTG_SECONDS_MAX 86400u
#define CK_NODE_BTG_PATH "/v1/break-glass"
#define CK_NODE_BTG_GRANT_MAX (4u << 20)
/* The AuditEvent subtype the desk writes and the events list shows. */
#define CK_NODE_BTG_EVENT_SYSTEM "https://carekey.dev/fhir/CodeSystem/audit-event"
#define CK_NODE_BTG_EVENT_CODE "break-glass"
#define CK_NODE_BTG_GID_SYSTEM "https://carekey.dev/gid"
#define CK_NODE_BTG_NAME_MAX 128

/* ---- the protocol (pure) --------------------------------------------------------- */
/* The canonical bytes a physician signs (str = u32 BE length || bytes):
 *   str("carekey-btg-request-v1") || str(authority) || str(gid)
 *   || str(patient) || str(reason) || u32(seconds) || u64(time_ms) || nonce(16)
 * 0, or -1 when an argument is missing or too long. */
#define CK_NODE_BTG_TBS_MAX (4 * 6 + sizeof(CK_NODE_BTG_REQ_LABEL) + 3 * 129 + CK_NODE_BTG_REASON_MAX + 4 + 8 + 16)
int ck_node_btg_request_tbs(uint8_t *out, size_t cap, size_t *len, const char *authority, const char *gid,
                            const char *patient, const char *reason, uint32_t seconds, uint64_t time_ms,
                            const uint8_t nonce[CK_NODE_BTG_NONCE_BYTES]) CK_NODE_WUR;

/* Associated data of the sealed grant:
 *   str("carekey-btg-grant-v1") || str(desk GID) || str(physician GID)
 *   || str(patient) || u64(issued_ms) || u64(expires_ms) || nonce(16)
 * The length, 0 on bad arguments. */
#define CK_NODE_BTG_AD_MAX (4 * 4 + sizeof(CK_NODE_BTG_BOX_LABEL) + 3 * 129 + 16 + 16)
size_t ck_node_btg_box_ad(uint8_t out[CK_NODE_BTG_AD_MAX], const char *desk, const char *physician,
                          const char *patient, uint64_t issued_ms, uint64_t expires_ms,
                          const uint8_t nonce[CK_NODE_BTG_NONCE_BYTES]);

/* A signed request as sent: {"authority", "gid", "patient", "reason",
 * "seconds", "time", "nonce" (32 hex), "signature" (128 hex)}, nothing
 * else. */
typedef struct ck_node_btg_request {
    char authority[CK_NODE_BTG_NAME_MAX + 1];
    char gid[CK_NODE_BTG_NAME_MAX + 1];
    char patient[CK_NODE_BTG_NAME_MAX + 1];
    char reason[CK_NODE_BTG_REASON_MAX + 1];
    uint32_t seconds;                 /* 1..86400 (the desk caps it further) */
    uint64_t time_ms;
    uint8_t nonce[CK_NODE_BTG_NONCE_BYTES];
    uint8_t sig[64];
} ck_node_btg_request;
/* Strict: exactly those members, of their types, names valid, reason
 * 1..512 bytes, hex of the right length. Errors: INVALID, keys
 * bad_request (shape) and bad_field (a member's value). */
int ck_node_btg_request_parse(const char *body, size_t len, ck_node_btg_request *r, ck_node_error *err) CK_NODE_WUR;
/* Compact JSON with sorted keys (malloc'ed), NULL when out of memory. */
char *ck_node_btg_request_encode(const ck_node_btg_request *r);

/* The desk's answer: {"desk", "authority", "physician", "patient",
 * "issued", "expires", "audit_seq", "nonce", "entries": [{"seq",
 * "section"}], "box" (base64)}. */
typedef struct ck_node_btg_grant {
    char desk[CK_NODE_BTG_NAME_MAX + 1];
    char authority[CK_NODE_BTG_NAME_MAX + 1];
    char physician[CK_NODE_BTG_NAME_MAX + 1];
    char patient[CK_NODE_BTG_NAME_MAX + 1];
    uint64_t issued_ms, expires_ms, audit_seq;
    uint8_t nonce[CK_NODE_BTG_NONCE_BYTES];
    size_t n_entries;
    uint8_t *box;                     /* malloc'ed */
    size_t box_len;
} ck_node_btg_grant;
/* Strict as above (key bad_grant); *g is zeroed first. */
int ck_node_btg_grant_parse(const char *body, size_t len, ck_node_btg_grant *g, ck_node_error *err) CK_NODE_WUR;
void ck_node_btg_grant_free(ck_node_btg_grant *g);
/* "2024-05-01T12:00:00Z" (UTC) into out. */
void ck_node_btg_iso(char out[32], uint64_t ms);

/* ---- the physician ---------------------------------------------------------------- */
typedef struct ck_node_emergency_request_in {
    const char *desk_url;             /* the desk; NULL only for ck_node_emergency_sign */
    const char *patient, *reason;     /* a new request ... */
    uint32_t seconds;                 /* its window, 1..86400 */
    const char *authority;            /* NULL: er-desk */
    const char *signed_request;       /* ... or this signed request (e.g. made on another machine), sent as is */
    size_t signed_len;
} ck_node_emergency_request_in;

/* Paths desk, patient, reason, seconds, authority, request. */
int ck_node_emergency_request_check(const ck_node_emergency_request_in *in, ck_node_error *err) CK_NODE_WUR;

/* The signed request (compact JSON, malloc'ed) without sending it. */
int ck_node_emergency_sign(ck_node *n, const ck_node_emergency_request_in *in, char **body) CK_NODE_WUR;

typedef struct ck_node_emergency_out {
    char patient[CK_NODE_BTG_NAME_MAX + 1];
    char desk[CK_NODE_BTG_NAME_MAX + 1];
    char authority[CK_NODE_BTG_NAME_MAX + 1];
    uint64_t issued_ms, expires_ms, audit_seq;
    size_t n_entries;                 /* entries released and opened */
    struct json_t *report;            /* the emergency summary (carekey-report/1): patient data */
    int kept;                         /* the grant was kept for ck_node_emergency_show */
} ck_node_emergency_out;

/* Sends the request to the desk (the desk's refusal: REFUSED or
 * FORBIDDEN with the desk's code as key, "the emergency desk refused (403
 * not_authorized): ..."), keeps the answer still sealed in
 * HOME/break-glass/P.json, opens it, reads and verifies the released
 * entries from carekeyd with purpose of use BTG, decrypts them with the
 * released keys and builds the emergency summary. */
int ck_node_emergency_request(ck_node *n, const ck_node_emergency_request_in *in, ck_node_emergency_out *out)
    CK_NODE_WUR;
/* The summary again from the kept grant (grant_file NULL: the one kept
 * for patient): NOT_FOUND "no_grant", REFUSED "expired" after the window. */
int ck_node_emergency_show(ck_node *n, const char *patient, const char *grant_file, ck_node_emergency_out *out)
    CK_NODE_WUR;
void ck_node_emergency_out_free(ck_node_emergency_out *out);

/* ---- the patient ------------------------------------------------------------------- */
typedef struct ck_node_emergency_events_out {
    char patient[CK_NODE_BTG_NAME_MAX + 1];
    /* [{"seq", "author" (who wrote the entry), "recorded", "physician",
     * "name", "desk", "until", "reason", "sections", "refused" (bool),
     * "outcome"}] from the record's audit section */
    struct json_t *events;
    /* carekeyd's audit rows with purpose BTG or ETREAT: [{"time", "actor",
     * "action", "target", "purpose", "outcome"}] */
    struct json_t *audit;
} ck_node_emergency_events_out;

/* patient NULL: this person. */
int ck_node_emergency_events(ck_node *n, const char *patient, ck_node_emergency_events_out *out) CK_NODE_WUR;
void ck_node_emergency_events_out_free(ck_node_emergency_events_out *out);

/* ---- the desk ------------------------------------------------------------------------ */
typedef struct ck_node_desk ck_node_desk;

typedef struct ck_node_desk_config {
    const char *authority;            /* NULL: er-desk */
    uint32_t max_seconds;             /* longest window granted (60..86400) */
} ck_node_desk_config;

/* Checks the desk can work (the emergency@AUTH key in the keyring, its
 * directory entry holds this keyring's keys, the sharing profile) and
 * loads the nonces it has seen (HOME/desk-nonces). The desk uses n (one
 * request at a time) until ck_node_desk_close. */
int ck_node_desk_open(ck_node *n, const ck_node_desk_config *cfg, ck_node_desk **out) CK_NODE_WUR;
void ck_node_desk_close(ck_node_desk *d);

/* One break-glass request (the body of POST /v1/break-glass): *status the
 * HTTP status, *answer the JSON to send (the grant, or {"error": {"code",
 * "message"}}), new, never NULL unless out of memory. Every answer is
 * logged by an INFO notice naming the physician and the outcome - never
 * the patient, the reason or any record content. */
void ck_node_desk_handle(ck_node_desk *d, const char *body, size_t len, int *status, struct json_t **answer);

#ifdef __cplusplus
}
#endif

#endif
