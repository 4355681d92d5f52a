/*
 * src/api/api.h - the node's FHIR R4 REST API (library carekey_api,
 * prefix ck_api_): an HTTP server on 127.0.0.1 over one person's node
 * session, answering what she may read and write of the records she has
 * standing on. Records are fetched, verified and decrypted here; carekeyd
 * still sees only ciphertext. docs/NODE.md, "FHIR API".
 *
 * Front ends: `carekey fhir serve` (src/cli/fhir_serve.c) and the agent
 * (`carekey node start`) run the same server:
 *
 *     ck_api_config cfg = {0};               // port 0: an ephemeral one
 *     ck_api *a;
 *     if (ck_api_start(n, &cfg, &a) != 0) ...   // n: an unlocked session
 *     printf("http://127.0.0.1:%u/fhir\n", ck_api_port(a));
 *     ...
 *     ck_api_stop(a);
 *
 * Access: a bearer token in HOME/api-token (0600, 32 random bytes as hex,
 * created by ck_api_start when absent); every request names it
 * ("Authorization: Bearer ...") and a Host of 127.0.0.1:PORT,
 * localhost:PORT or [::1]:PORT.
 */
#ifndef CK_API_H
#define CK_API_H

#include <stddef.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_api ck_api;

typedef struct ck_api_config {
    unsigned port;                /* 0: an ephemeral port                       */
    unsigned threads;             /* workers, each with its own node handle; 0: 4 */
    const char *const *patients;  /* records served without a patient in the request
                                     (reads by id, searches without patient=) besides
                                     those already loaded and the person's own */
    size_t n_patients;
    const char *version;          /* CapabilityStatement software.version; NULL: "0.1.0" */
} ck_api_config;

/* Starts the server over n's session (n stays the caller's and must
 * outlive the server, which takes its own handles with ck_node_dup). -1
 * when it cannot: the port is taken, HOME/api-token cannot be read or
 * written, out of memory. */
int ck_api_start(ck_node *n, const ck_api_config *cfg, ck_api **out) CK_NODE_WUR;
/* The port it listens on. */
unsigned ck_api_port(const ck_api *a);
/* Stops serving, waits for requests in flight, wipes the decrypted cache. */
void ck_api_stop(ck_api *a);

/* ---- the API inside another server (the node's pages, src/ui) ----------------------- */
/* The same routes, handlers and decrypted-record cache without a listener
 * and without the bearer token: the embedding server authenticates the
 * person (src/ui: the session cookie and CSRF token) and hands requests
 * in one at a time. base is the public URL the API is reached at ("https:
 * //host:port/fhir"). n stays the caller's; a handle of its own is taken. */
int ck_api_open(ck_node *n, const char *base, ck_api **out) CK_NODE_WUR;

typedef struct ck_api_call {
    const char *method;           /* "GET", "POST", ...                          */
    const char *target;           /* the raw request target: path and query      */
    const char *body;             /* NULL none (patient data: the caller wipes)  */
    size_t body_len;
    const char *if_match;         /* the If-Match header, NULL none               */
} ck_api_call;

typedef struct ck_api_answer {
    long status;
    char *text;                   /* application/fhir+json (ck_api_answer_free)  */
    size_t text_len;
    char etag[80];                /* "" none                                     */
    char location[600];           /* "" none                                     */
} ck_api_answer;

/* Serves one request on an API from ck_api_open: 0 with the answer (an
 * OperationOutcome for 404, 405 and what the handler refuses), -1 out of
 * memory. */
int ck_api_handle(ck_api *a, const ck_api_call *c, ck_api_answer *out) CK_NODE_WUR;
/* Wipes and frees the answer's text. */
void ck_api_answer_free(ck_api_answer *out);
/* ck_api_stop closes an API from ck_api_open too. */

#ifdef __cplusplus
}
#endif

#endif
