/* client_impl.h - internals shared by client.c and client_api.c. */
#ifndef CK_NET_CLIENT_IMPL_H
#define CK_NET_CLIENT_IMPL_H

#include "carekey/client.h"

#include <curl/curl.h>
#include <jansson.h>

struct ck_net {
    CURL *curl;
    char *url; /* base, no trailing slash */
    char origin[CK_NET_ORIGIN_MAX]; /* what request signatures name */
    char *ca_file;
    long timeout_ms;
    char caller[CK_NET_ID_MAX + 16];
    uint8_t sk[32];
    ck_net_signer *signer;
    int have_key;
    /* Request sessions (client_session.c): on when use_sessions; sid[0]
     * == 0 while none is open; renewed before local_deadline_ms. */
    int use_sessions;
    char sid[CK_NET_SESSION_ID_HEX + 1];
    uint8_t skey[32];
    int64_t session_deadline_ms;
    uint64_t session_seq;  /* the last sequence number sent in the session */
    char purpose[32];
    long status;
    long retry_budget_ms;  /* ck_net_set_retry; -1 until set (then the default) */
    long retry_after_ms;   /* the last reply's Retry-After, 0 when none */
    int transport_kind;    /* the last transfer failure: see client.c, transport_error */
    char code[64];
    char message[256];
};

void ck_net_set_error(ck_net *c, long status, const char *code, const char *message);
/* Bytes as a JSON string of lower-case hex (n <= 128) or of base64. */
json_t *ck_net_json_hex(const uint8_t *p, size_t n);
json_t *ck_net_json_b64(const uint8_t *p, size_t n);
/* Sends body (compact JSON; NULL for none), expects want_status. On success
 * *out (if not NULL) holds the parsed response object. */
int ck_net_call(ck_net *c, const char *method, const char *path, json_t *body, long want_status,
                json_t **out);
/* One attempt, no retry. */
int ck_net_call_once(ck_net *c, const char *method, const char *path, json_t *body, long want_status,
                     json_t **out);
/* ck_net_call with bounded retries (client_retry.c) on 503 and on a
 * connection lost mid-request. *uncertain (if not NULL) becomes 1 when an
 * attempt failed after the request may have taken effect (the caller of a
 * write resolves that by reading). Only for idempotent requests and for
 * appends, whose prev-hash check makes a repeat safe. */
int ck_net_call_retry(ck_net *c, const char *method, const char *path, json_t *body, long want_status,
                      json_t **out, int *uncertain);
/* A Retry-After header's value (after the colon; n bytes, CRLF allowed):
 * delta seconds, capped at an hour, into *ms. -1 for anything else (an
 * HTTP date is not honoured: the client's own backoff applies). */
int ck_net_retry_after_parse(const char *v, size_t n, long *ms);
/* 1 when the last call failed in a way worth another attempt. */
int ck_net_retryable(const ck_net *c);
/* After an append that may have committed failed: 0 when the record holds
 * this very entry (out set), else -1 with the failure kept (or
 * "outcome_unknown" when the record could not be read). */
int ck_net_append_resolve(ck_net *c, const char *patient, const uint8_t prev_hash[32], const uint8_t sig[64],
                          ck_net_head *out);
/* Sessions (client_session.c): opens one when sessions are on and none is
 * open or it is about to expire (a failure leaves requests signed);
 * forgets it (wiped). */
void ck_net_session_ensure(ck_net *c);
void ck_net_session_forget(ck_net *c);
/* 1 when a reply (status, body) says the session is gone. */
int ck_net_session_gone(long status, const char *body, size_t len);
/* The answer to POST /v1/sessions: a lower-case hex id, the server's
 * X25519 key and a lifetime of 1 s to a day; 0, or -1 for anything else. */
int ck_net_session_reply(json_t *j, char sid[CK_NET_SESSION_ID_HEX + 1], uint8_t server_pk[32], long *ttl);
/* 1 for the path that opens sessions (always signed). */
int ck_net_session_path(const char *path_query);
/* Default retry budget per call when ck_net_set_retry was not called. */
#define CK_NET_RETRY_DEFAULT_MS 20000

#endif
