/*
 * src/api/api_impl.h - what the files of the FHIR API share: the server,
 * one request, the pure guard and route parsers, replies, the decrypted
 * cache of records and the handlers.
 *
 * Threads: libmicrohttpd's pool of workers; a request takes a node handle
 * from the server's pool (one per worker, so it never waits) and gives it
 * back. Shared state: the cache (a mutex over its slot table, held for
 * look-ups only; one build mutex per patient, so a record is decrypted
 * once while other records are served) and nothing else. Snapshots of a
 * record are immutable once built and reference counted.
 */
#ifndef CK_API_IMPL_H
#define CK_API_IMPL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api/api.h"
#include "carekey/node_fhir.h"
#include "fhir_api.h"

#define CK_API_BODY_MAX ((size_t)8 << 20) /* a POST or PUT body            */
#define CK_API_TOKEN_HEX 64                /* 32 random bytes as hex         */
#define CK_API_GID_MAX 136
#define CK_API_URI_MAX 8192

/* ---- guard.c (pure) ---------------------------------------------------------- */
/* 1 when host (the Host header; NULL: none) is 127.0.0.1:port,
 * localhost:port (any case) or [::1]:port, else 0. */
int ck_api_host_ok(const char *host, unsigned port);
/* 1 when auth (the Authorization header; NULL: none) is "Bearer TOKEN" with
 * exactly the token (compared in constant time), else 0. */
int ck_api_bearer_ok(const char *auth, const char *token);

/* ---- media.c (pure) ---------------------------------------------------------- */
/* 1 when the Accept header (NULL: none) admits JSON: application/fhir+json,
 * application/json, application/json+fhir, or the wildcards "*" "/" "*"
 * and application/"*", not with q=0; an empty header admits anything. */
int ck_api_accept_json(const char *accept);
/* 1 when the Content-Type (NULL: none) is one of those JSON types, with
 * any parameters (charset). */
int ck_api_content_json(const char *ct);

/* ---- route.c (pure) ---------------------------------------------------------- */
typedef enum ck_api_route_kind {
    CK_API_R_METADATA = 0, /* /fhir/metadata                         */
    CK_API_R_TYPE,         /* /fhir/{type}: search, create            */
    CK_API_R_INSTANCE,     /* /fhir/{type}/{id}: read, update          */
    CK_API_R_HISTORY,      /* /fhir/{type}/{id}/_history               */
    CK_API_R_VREAD,        /* /fhir/{type}/{id}/_history/{vid}         */
    CK_API_R_EVERYTHING,   /* /fhir/Patient/{id}/$everything           */
    CK_API_R_SYSTEM,       /* /fhir: a transaction or batch            */
    CK_API_R_COUNT_
} ck_api_route_kind;

typedef struct ck_api_route {
    ck_api_route_kind kind;
    char type[CK_FHIR_API_TYPE_MAX];
    char id[65];
    uint64_t vid;
} ck_api_route;

/* Parses the path of a request (len bytes, %XX decoded here, no query):
 * 0 and *out, or -1 when it names nothing the API serves (404). Segments
 * are strict: a type [A-Z][A-Za-z]{0,63}, an id [A-Za-z0-9-.]{1,64}, a
 * version decimal without leading zero; no empty segment, no trailing "/". */
int ck_api_route_parse(const char *path, size_t len, ck_api_route *out);

/* ---- the server and a request ------------------------------------------------- */
typedef struct ck_api_cache ck_api_cache;

struct ck_api {
    ck_node *n;                      /* the caller's session (not owned)   */
    struct MHD_Daemon *mhd;
    struct ck_guard *guard;
    unsigned port, threads;
    char base[420];                  /* http://127.0.0.1:PORT/fhir          */
    char token[CK_API_TOKEN_HEX + 1];
    char version[32];
    char gid[CK_API_GID_MAX];        /* the person's own GID                */
    char **patients;                 /* configured records                  */
    size_t n_patients;
    ck_api_cache *cache;
    pthread_mutex_t write_mu;        /* one write at a time (see fhir_write.c) */
    pthread_mutex_t pool_mu;         /* the free node handles               */
    pthread_cond_t pool_cv;
    ck_node **pool;
    size_t n_pool, n_free;
};

typedef struct ck_api_req {
    ck_api *api;
    ck_node *n;                      /* a worker handle, during dispatch    */
    char *uri;                       /* raw request target                  */
    const char *qs;                  /* its query (after "?"), "" none      */
    size_t qs_len;
    const char *method;
    ck_api_route route;
    const char *if_match;            /* the header, NULL none               */
    char *body;
    size_t body_len, body_cap;
    int too_big, started, arrived;
    /* the reply */
    long status;
    json_t *reply;                   /* a resource, Bundle or OperationOutcome */
    char *text;                      /* or a body serialized already (wiped)   */
    size_t text_len;
    char location[600];
    char etag[CK_FHIR_API_ETAG_MAX];
} ck_api_req;

typedef int (*ck_api_handler)(ck_api_req *r);

/* ---- outcome.c: replies -------------------------------------------------------- */
/* Each sets r's reply to an OperationOutcome and its status; -1. */
int ck_api_fail(ck_api_req *r, long status, const char *issue, const char *msg, const char *expr);
int ck_api_fail_node(ck_api_req *r);
int ck_api_fail_fhir(ck_api_req *r, const ck_fhir_api_error *e);
/* r's reply: body (a new reference taken over) with status; 0. */
int ck_api_ok(ck_api_req *r, long status, json_t *body);
/* ETag and Location (base/type/id/_history/vid) of a resource with meta. */
void ck_api_version_headers(ck_api_req *r, const json_t *resource);

/* ---- cache.c: decrypted records ------------------------------------------------------- */
typedef struct ck_api_snap {
    int refs;                        /* atomic                              */
    char patient[CK_API_GID_MAX];
    uint64_t head_seq;
    uint8_t head_hash[32];
    json_t *entries;                 /* ck_node_record_fhir_entries        */
    json_t *current;                 /* "Type/id" -> FHIR resource (meta)   */
    json_t *by_type;                 /* type -> [resource], record order    */
    json_t *all;                     /* every current resource              */
    json_t *versions;                /* "Type/id" -> [item], oldest first    */
    ck_node_grant_info *grants;
    size_t n_grants;
    char patient_res[65];            /* the record's Patient resource id    */
    size_t withheld;
    pthread_mutex_t once_mu;         /* builds everything once              */
    char *everything;                /* $everything serialized (lazily)     */
    size_t everything_len;
} ck_api_snap;

int ck_api_cache_new(ck_api *a);
void ck_api_cache_free(ck_api *a);
/* The current snapshot of patient's record: the cached one when the
 * server's head is still its head, else the record loaded, verified and
 * decrypted again (reusing the entries decrypted before). -1 with r's
 * reply set (the node's error; 502 for a chain with problems). */
int ck_api_snap_get(ck_api_req *r, const char *patient, ck_api_snap **out);
void ck_api_snap_put(ck_api_snap *s);
/* The record whose Patient resource has this id, among those cached; 0
 * and gid, or -1. */
int ck_api_cache_by_patient_res(ck_api *a, const char *id, char gid[CK_API_GID_MAX]);
/* Records the API knows without a request naming one: configured, cached,
 * the person's own. Returns the count (at most cap). */
size_t ck_api_known(ck_api *a, char (*out)[CK_API_GID_MAX], size_t cap);
/* The serialized $everything Bundle of s (built once); NULL out of memory. */
const char *ck_api_snap_everything(ck_api *a, ck_api_snap *s, size_t *len);
/* Serializes for a reply; *len set. NULL when out of memory. */
char *ck_api_dump(const json_t *v, size_t *len);
void ck_api_free_text(char *t, size_t len);

/* ---- records named by a request (fhir_search.c) ----------------------------------- */
/* The record GID for a patient reference value (a record's GID or its
 * Patient resource id); 0, or -1 when none is known (r's reply 404). */
int ck_api_record_of(ck_api_req *r, const char *id, char gid[CK_API_GID_MAX]);
/* The known record whose Patient resource has id: the cache's, else
 * found by loading the known records not read yet (a client may name the
 * patient by her resource's id before anything of hers was read). 0 with
 * gid set; -1 (r's reply untouched) when none has it. */
int ck_api_record_by_patient_res(ck_api_req *r, const char *id, char gid[CK_API_GID_MAX]);
/* POST [base]: a transaction or batch Bundle imported (fhir_transaction.c). */
int ck_api_transaction(ck_api_req *r);
/* The snapshot holding Type/id among the known records; -1 with 404. */
int ck_api_find(ck_api_req *r, const char *type, const char *id, ck_api_snap **out);

/* ---- handlers ------------------------------------------------------------------- */
int ck_api_metadata(ck_api_req *r);
int ck_api_read(ck_api_req *r);
int ck_api_history(ck_api_req *r);
int ck_api_vread(ck_api_req *r);
int ck_api_search(ck_api_req *r);
int ck_api_everything(ck_api_req *r);
int ck_api_create(ck_api_req *r);
int ck_api_update(ck_api_req *r);
int ck_api_consent_search(ck_api_req *r, const ck_fhir_api_query *q);
int ck_api_consent_read(ck_api_req *r);
int ck_api_audit_search(ck_api_req *r, const ck_fhir_api_query *q);
int ck_api_audit_read(ck_api_req *r);

/* route.c: the handler for a method on a route; NULL with *allowed set
 * when the route exists but not for this method (405). */
ck_api_handler ck_api_dispatch(const char *method, const ck_api_route *rt, int *allowed);
/* The methods the route takes ("GET, POST") into buf, for Allow. */
void ck_api_allow(const ck_api_route *rt, char *buf, size_t cap);

/* fhir_search.c: the one patient a Consent or AuditEvent search names. */
int ck_api_query_patient(ck_api_req *r, const ck_fhir_api_query *q, char gid[CK_API_GID_MAX]);
/* The searchset of the resources of all that match q (patient clauses
 * dropped: the record answered them). */
int ck_api_match_page(ck_api_req *r, const ck_fhir_api_query *q, json_t *all);

/* A searchset of matches (sorted) for q, with r's base; with pool ("Type/id"
 * -> what the caller may read in the records searched), the resources q's
 * _include and _revinclude bring in for the page. */
int ck_api_searchset(ck_api_req *r, const ck_fhir_api_query *q, json_t *all, const json_t *pool);

#endif
