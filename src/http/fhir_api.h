/*
 * fhir_api.h - the pure FHIR R4 layer of the node's HTTP front end: search
 * query parsing, matching, sorting and paging, searchset and history
 * Bundles, meta/ETag mapping, OperationOutcome, the CapabilityStatement,
 * and Consent / AuditEvent views of grants and audit rows.
 *
 * Internal to carekey (not installed); library carekey_fhir (src/http/).
 * Prefix ck_fhir_api_. No networking, no node calls, no global state, no
 * printing: every function is safe to call from several threads at once
 * on distinct arguments. docs/FHIR.md says what is supported.
 *
 * Conventions (libcurl's and libsodium's):
 *  - Structs are caller-owned. The parsed query (ck_fhir_api_query) holds
 *    its strings in its own buffer, addressed by offsets, so it may be
 *    copied by value and needs no free function.
 *  - JSON comes in and goes out as jansson values. A function that builds
 *    one returns it in *out (a new reference the caller json_decref()s);
 *    input values are never modified unless the function says so.
 *    Resources placed in a Bundle are shared (json_incref), not copied.
 *  - Fallible functions return 0, or -1 with *err filled (err may be NULL):
 *    a stable code, a FHIR expression (a search parameter's name for query
 *    errors, "Consent.patient" for bad builder input) and a message. No
 *    message or expression ever quotes a value: values are patient data.
 *  - Times are Unix milliseconds, UTC.
 *  - Serialize what these functions build with ck_fhir_json_dump
 *    (carekey/fhir.h), so decimals keep their precision.
 */
#ifndef CK_HTTP_FHIR_API_H
#define CK_HTTP_FHIR_API_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carekey/node.h" /* ck_node_kind, ck_node_error: header-only types */

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CK_FHIR_API_WUR __attribute__((warn_unused_result))
#else
#define CK_FHIR_API_WUR
#endif

/* Where carekey's own code systems and identifier systems live. */
#define CK_FHIR_API_URL "https://carekey.example/fhir"
#define CK_FHIR_API_CS_SECTION CK_FHIR_API_URL "/CodeSystem/section"
#define CK_FHIR_API_CS_GRANT_ROLE CK_FHIR_API_URL "/CodeSystem/grant-role"
#define CK_FHIR_API_CS_AUDIT_ACTION CK_FHIR_API_URL "/CodeSystem/audit-action"
#define CK_FHIR_API_SID_GID CK_FHIR_API_URL "/sid/gid" /* Identifier.system of a GID */

/* ---- limits ------------------------------------------------------------- */
#define CK_FHIR_API_QUERY_MAX 4096   /* bytes of a raw query string               */
#define CK_FHIR_API_NAME_MAX 64      /* bytes of a parameter name                 */
#define CK_FHIR_API_VALUE_MAX 1024   /* bytes of one decoded parameter value      */
#define CK_FHIR_API_CLAUSES_MAX 16   /* search parameters in one query (AND)      */
#define CK_FHIR_API_VALUES_MAX 64    /* comma-separated values in all (OR)        */
#define CK_FHIR_API_TEXT_MAX 8192    /* decoded strings a query holds             */
#define CK_FHIR_API_SORT_MAX 3       /* keys of _sort                             */
#define CK_FHIR_API_INCLUDES_MAX 8   /* _include and _revinclude in one query     */
#define CK_FHIR_API_COUNT_MAX 1000   /* _count is 1..1000                         */
#define CK_FHIR_API_COUNT_DEFAULT 50 /* page size when neither query nor caller say */
#define CK_FHIR_API_OFFSET_MAX 1000000UL
#define CK_FHIR_API_TYPE_MAX 64      /* resource type names                       */
#define CK_FHIR_API_INSTANT_MAX 32   /* "2024-01-02T03:04:05.678Z" and its NUL    */
#define CK_FHIR_API_ETAG_MAX 32      /* W/"18446744073709551615" and its NUL      */

/* ---- errors ---------------------------------------------------------------- */
typedef enum ck_fhir_api_code {
    CK_FHIR_API_OK = 0,
    CK_FHIR_API_E_INVALID,       /* malformed input (400 invalid)                    */
    CK_FHIR_API_E_NOT_SUPPORTED, /* unknown parameter, modifier, prefix, type (400 not-supported) */
    CK_FHIR_API_E_TOO_LONG,      /* over one of the limits above (400 too-long)      */
    CK_FHIR_API_E_NOMEM,         /* (500 exception)                                  */
    CK_FHIR_API_E_ARG,           /* the caller's bug: NULL, wrong JSON type (500 exception) */
} ck_fhir_api_code;

typedef struct ck_fhir_api_error {
    ck_fhir_api_code code;
    char expr[128]; /* "date", "_sort", "Consent.patient"; "" when none    */
    char msg[256];  /* for people; never a value from the input           */
} ck_fhir_api_error;

/* "invalid", "not-supported", "too-long", "nomem", "arg"; "ok". Stable. */
const char *ck_fhir_api_code_name(ck_fhir_api_code c);

/* ---- resource types ------------------------------------------------------ */
/* 1 when the node serves type (Patient, Observation, ... AuditEvent,
 * Consent: docs/FHIR.md), else 0. */
int ck_fhir_api_type_served(const char *type);
/* 1 when type may be created and updated through the API (clinical types
 * that name their patient; not billing, directory, Provenance, nor the
 * AuditEvent and Consent views). */
int ck_fhir_api_type_writable(const char *type);
/* 1 when type is a view built from grants or audit rows (Consent,
 * AuditEvent), not resources of the record. */
int ck_fhir_api_type_view(const char *type);
/* The served types, in CapabilityStatement order; *n set to their number. */
const char *const *ck_fhir_api_types(size_t *n);

/* ---- search queries (fhir_params.c) ---------------------------------------- */
typedef enum ck_fhir_api_param {
    CK_FHIR_API_P_ID = 0,          /* _id                                   */
    CK_FHIR_API_P_LASTUPDATED,     /* _lastUpdated (meta.lastUpdated)       */
    CK_FHIR_API_P_PATIENT,         /* patient: reference to a Patient       */
    CK_FHIR_API_P_SUBJECT,         /* subject: reference                    */
    CK_FHIR_API_P_DATE,            /* date                                  */
    CK_FHIR_API_P_CODE,            /* code (Immunization: vaccine-code too) */
    CK_FHIR_API_P_STATUS,          /* status                                */
    CK_FHIR_API_P_CATEGORY,        /* category                              */
    CK_FHIR_API_P_CLINICAL_STATUS, /* clinical-status                       */
    CK_FHIR_API_P_TOKEN,           /* any other token (identifier, gender)  */
    CK_FHIR_API_P_REFERENCE,       /* any other reference (encounter, ...)  */
    CK_FHIR_API_P_STRING,          /* string (name, family, address-city)   */
    CK_FHIR_API_P_COUNT_           /* number of search parameters           */
} ck_fhir_api_param;

/* A parameter's modifier (R4 3.1.1.5). A string without one matches a
 * prefix, after case and accents are folded away on both sides. */
typedef enum ck_fhir_api_modifier {
    CK_FHIR_API_MOD_NONE = 0,
    CK_FHIR_API_MOD_EXACT,    /* string :exact, the whole string as written         */
    CK_FHIR_API_MOD_CONTAINS, /* string :contains, anywhere, folded                 */
    CK_FHIR_API_MOD_MISSING,  /* any but patient and _id: :missing=true|false       */
    CK_FHIR_API_MOD_NOT,      /* token :not: no value matches (or there is none)    */
} ck_fhir_api_modifier;

/* Date prefixes (R4 search 3.1.1.4.2); eq when none is written. ap is
 * refused (not-supported). */
typedef enum ck_fhir_api_prefix {
    CK_FHIR_API_EQ = 0, CK_FHIR_API_NE, CK_FHIR_API_GT, CK_FHIR_API_LT,
    CK_FHIR_API_GE, CK_FHIR_API_LE, CK_FHIR_API_SA, CK_FHIR_API_EB,
} ck_fhir_api_prefix;

typedef enum ck_fhir_api_precision {
    CK_FHIR_API_YEAR = 0, CK_FHIR_API_MONTH, CK_FHIR_API_DAY,
    CK_FHIR_API_MINUTE, CK_FHIR_API_SECOND, CK_FHIR_API_MILLI,
} ck_fhir_api_precision;

/* A string inside ck_fhir_api_query.text: NUL-ended at text[off + len]. */
typedef struct ck_fhir_api_span {
    uint16_t off, len;
} ck_fhir_api_span;

/* One value of a search parameter (the alternatives of a comma list). */
typedef struct ck_fhir_api_value {
    /* token:     a = system, b = code; has_system: written with a "|"
     *            ("|code": a empty; "system|": b empty)
     * reference: a = type ("" for a bare id; patient: "Patient"), b = id
     * _id:       b = the id
     * string:    a = the value folded (case and accents), b = as written */
    ck_fhir_api_span a, b;
    unsigned char has_system;
    /* date, _lastUpdated: the prefix and the value's implicit range [lo, hi) */
    ck_fhir_api_prefix prefix;
    ck_fhir_api_precision precision;
    int64_t lo, hi;
} ck_fhir_api_value;

/* One occurrence of a search parameter: values[first .. first + n) ORed. */
typedef struct ck_fhir_api_clause {
    ck_fhir_api_param param;
    const char *name;     /* the parameter's name as the query wrote it (static) */
    ck_fhir_api_modifier modifier; /* :missing: one value, b "true" or "false" */
    uint16_t first, n;
    ck_fhir_api_span raw; /* the decoded value, escapes kept (for links)    */
} ck_fhir_api_clause;

typedef enum ck_fhir_api_sort_key {
    CK_FHIR_API_SORT_DATE = 0, CK_FHIR_API_SORT_LASTUPDATED, CK_FHIR_API_SORT_ID,
} ck_fhir_api_sort_key;

typedef struct ck_fhir_api_sort {
    ck_fhir_api_sort_key key;
    int desc; /* written with "-" */
} ck_fhir_api_sort;

/* One _include (rev 0) or _revinclude (rev 1): Source:param[:Target],
 * param a reference parameter of Source (R4 3.1.1.5.4). _include's
 * Source is the searched type. target.len 0: any type. */
typedef struct ck_fhir_api_include {
    unsigned char rev;
    ck_fhir_api_span source, param, target;
    ck_fhir_api_span raw; /* the value as written (for links) */
} ck_fhir_api_include;

/* A parsed search: clauses ANDed, each clause's values ORed. */
typedef struct ck_fhir_api_query {
    char type[CK_FHIR_API_TYPE_MAX];
    unsigned nclauses, nvalues, nsort;
    ck_fhir_api_clause clauses[CK_FHIR_API_CLAUSES_MAX];
    ck_fhir_api_value values[CK_FHIR_API_VALUES_MAX];
    ck_fhir_api_sort sort[CK_FHIR_API_SORT_MAX];
    unsigned nincludes;
    ck_fhir_api_include includes[CK_FHIR_API_INCLUDES_MAX];
    unsigned count;         /* _count; 0 when not given                    */
    unsigned long offset;   /* _offset; 0 when not given                   */
    unsigned char seen[7];  /* _count, _offset, _sort, _format, _summary,
                               _total, _elements: each given once         */
    unsigned char summary_count; /* _summary=count: the total, no entries */
    ck_fhir_api_span elements;   /* _elements as written (len 0: none)    */
    size_t used;            /* bytes of text in use                        */
    char text[CK_FHIR_API_TEXT_MAX];
} ck_fhir_api_query;

/* The string a span names. */
static inline const char *ck_fhir_api_str(const ck_fhir_api_query *q, ck_fhir_api_span s)
{
    return q->text + s.off;
}

/*
 * Parses the raw query string of GET [base]/[type]?[qs] (len bytes, no
 * leading "?"; "" is a search without parameters): name=value pairs split
 * at "&", "+" and %XX decoded. Strict: an unknown parameter or a modifier
 * the type does not take (strings take ":exact" and ":contains", tokens
 * ":not", all but patient and _id ":missing") is not-supported; an empty pair, a pair
 * without "=", an empty value, a bad escape, a control character, invalid
 * UTF-8, a bad prefix or date, trailing garbage in a value, a repeated
 * _count/_offset/_sort and a bad _sort key are invalid; input over the
 * limits is too-long. On error *q is unusable.
 */
int ck_fhir_api_query_parse(ck_fhir_api_query *q, const char *type, const char *qs, size_t len,
                            ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* The same in steps, for a server that hands over decoded pairs (e.g.
 * libmicrohttpd's MHD_GET_ARGUMENT_KIND iterator, value NULL for a pair
 * without "="): begin, then one add per pair in the query's order. The
 * pairs are taken as decoded ("+" stays "+"). After a failed add, *q is
 * unusable; begin again. */
int ck_fhir_api_query_begin(ck_fhir_api_query *q, const char *type, ck_fhir_api_error *err) CK_FHIR_API_WUR;
int ck_fhir_api_query_add(ck_fhir_api_query *q, const char *name, size_t nlen, const char *value, size_t vlen,
                          ck_fhir_api_error *err) CK_FHIR_API_WUR;

/*
 * Writes q's canonical query string into buf (NUL-ended, no "?"): the
 * search parameters ordered by name (repeats in their order), each value
 * re-encoded (%XX for everything but A-Z a-z 0-9 - . _ ~ : / ,), then
 * _count=count (0: leave it out), _offset=offset (0: left out) and _sort.
 * _format is dropped (the API speaks JSON only). Returns the length, or
 * -1 when cap is too small.
 */
long ck_fhir_api_query_encode(char *buf, size_t cap, const ck_fhir_api_query *q, unsigned count,
                              unsigned long offset);

/* ---- dates (fhir_date.c) ------------------------------------------------- */
/* Parses a FHIR date, dateTime or instant (YYYY, YYYY-MM, YYYY-MM-DD,
 * YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm]; no zone: UTC) into the
 * range its precision implies, [*lo, *hi) in ms. 0, or -1 when malformed. */
int ck_fhir_api_date_range(const char *s, size_t len, int64_t *lo, int64_t *hi,
                           ck_fhir_api_precision *precision) CK_FHIR_API_WUR;
/* Whether a target range [tlo, thi) satisfies prefix against a search range
 * [slo, shi), as R4 defines each prefix. INT64_MIN / INT64_MAX stand for
 * an open start or end (a Period without start or end). 1 or 0. */
int ck_fhir_api_date_test(ck_fhir_api_prefix prefix, int64_t slo, int64_t shi, int64_t tlo, int64_t thi);
/* Writes ms as an instant "YYYY-MM-DDThh:mm:ss.fffZ" (UTC, milliseconds)
 * into buf; 0, or -1 for a time outside years 1..9999. */
int ck_fhir_api_instant(char buf[CK_FHIR_API_INSTANT_MAX], int64_t ms) CK_FHIR_API_WUR;

/* ---- matching, sorting, paging (fhir_match.c) --------------------------- */
/* 1 when resource (FHIR R4 JSON of q->type) satisfies every clause of q,
 * 0 otherwise (also for a resource of another type, or not an object).
 * _lastUpdated reads meta.lastUpdated: apply ck_fhir_api_meta_set first. */
int ck_fhir_api_match(const ck_fhir_api_query *q, const json_t *resource);

/* Sorts the array of resources in place by q's _sort keys (none given: by
 * date when the type has one, then id), each tie broken by id and then by
 * position (stable). Ascending sorts on a value's lowest time, descending
 * on its highest; resources without a value come last either way. */
int ck_fhir_api_sort_array(json_t *resources, const ck_fhir_api_query *q, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* *out = the resources of the array that match q, sorted (a new array of
 * shared references). */
int ck_fhir_api_search(json_t **out, const ck_fhir_api_query *q, const json_t *resources,
                       ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* The page q asks for out of total matches: *first index, *n entries.
 * Page size: q->count, else default_count, else CK_FHIR_API_COUNT_DEFAULT
 * (at most CK_FHIR_API_COUNT_MAX). */
void ck_fhir_api_page(const ck_fhir_api_query *q, size_t total, unsigned default_count, size_t *first, size_t *n);

/* ---- Patient/$everything's parameters (fhir_params.c) ---------------------- */
#define CK_FHIR_API_EVERYTHING_TYPES_MAX 32
typedef struct ck_fhir_api_everything {
    unsigned ntypes;                  /* _type: these types only; 0: all */
    char types[CK_FHIR_API_EVERYTHING_TYPES_MAX][CK_FHIR_API_TYPE_MAX];
    int has_since;                    /* _since: meta.lastUpdated >= since */
    int64_t since_ms;
    unsigned count;                   /* _count: the page size; 0: one page */
    unsigned long offset;             /* _offset: where the page starts     */
} ck_fhir_api_everything;

/* Parses the query of GET [base]/Patient/[id]/$everything (len bytes, no
 * "?"): _type (a comma list of type names), _since (a FHIR date or
 * instant: the resources updated since its start), _count (1-1000) and
 * _offset (0-1,000,000, for the links it hands out), each at most once.
 * start and end (care dates) are not-supported, as is anything else. */
int ck_fhir_api_everything_parse(ck_fhir_api_everything *e, const char *qs, size_t len,
                                 ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* The searchset of $everything for base/Patient/patient: the resources of
 * all (record order) that e keeps, total counting them all, one page of
 * them with self, next and previous links when e has a _count. */
int ck_fhir_api_everything_bundle(json_t **out, const char *base, const char *patient,
                                  const ck_fhir_api_everything *e, const json_t *all,
                                  ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* ---- Bundles, meta, ETags (fhir_bundle.c) --------------------------------- */
typedef struct ck_fhir_api_searchset_in {
    const char *base;         /* "http://127.0.0.1:8765/fhir", no trailing "/"   */
    const ck_fhir_api_query *q;
    const json_t *matches;    /* every match, sorted (ck_fhir_api_search)        */
    const json_t *includes;   /* NULL, or resources to add with mode "include"   */
    unsigned default_count;   /* page size when q has no _count; 0: the default  */
} ck_fhir_api_searchset_in;

/* A searchset Bundle of the page q asks for: total = all matches, links
 * self / next / previous with q re-encoded (ck_fhir_api_query_encode),
 * entries {fullUrl base/Type/id, resource, search.mode "match"} then the
 * includes (mode "include", not counted in total). */
int ck_fhir_api_searchset(json_t **out, const ck_fhir_api_searchset_in *in, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* The resources q's _include and _revinclude bring in for page (the
 * matches on the page being sent): *out = a new array, each resource once
 * and none of the page's own, in page order (an _include's targets after
 * the match that names them; then each _revinclude's sources in pool
 * order). pool maps "Type/id" to every resource the caller may read in
 * the records searched; a reference is resolved in it as the matcher
 * reads references (Type/id, .../Type/id, _history, urn:uuid: the id with
 * the include's Target, else any type); one that resolves to nothing is
 * skipped. At most CK_FHIR_API_INCLUDED_MAX resources. */
#define CK_FHIR_API_INCLUDED_MAX 2000
int ck_fhir_api_includes(json_t **out, const ck_fhir_api_query *q, const json_t *page, const json_t *pool,
                         ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* Sets resource.meta.versionId = decimal seq and meta.lastUpdated =
 * instant of time_ms, keeping the rest of meta. */
int ck_fhir_api_meta_set(json_t *resource, uint64_t seq, int64_t time_ms, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* The record item {type, id, author, time, seq, resource} as the API shows
 * it: *out = a deep copy of item.resource with id = item.id (it must agree
 * when present, as must resourceType and item.type) and meta set from seq
 * and time. The one place the item shape becomes FHIR. */
int ck_fhir_api_item_resource(json_t **out, const json_t *item, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* A history Bundle for base/type/id/_history from items, the versions of
 * one resource in any order: newest (highest seq) first, each entry with
 * the resource (meta set), request (POST type for the oldest, PUT
 * type/id after) and response (status, etag, lastModified). An item whose
 * resource is null (its body dropped under a tombstone) gets no resource. */
int ck_fhir_api_history(json_t **out, const char *base, const char *type, const char *id, const json_t *items,
                        ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* W/"<version>" into buf (cap >= CK_FHIR_API_ETAG_MAX); 0, or -1 when cap
 * is too small. */
int ck_fhir_api_etag(char *buf, size_t cap, uint64_t version) CK_FHIR_API_WUR;

/* Parses an If-Match header: W/"N" or "N" (N decimal, no leading zero,
 * below 2^63), spaces around it allowed. Anything else (a list, "*", a
 * bad number) is invalid. */
int ck_fhir_api_if_match(uint64_t *version, const char *header, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* ---- OperationOutcome (fhir_outcome.c) ------------------------------------ */
typedef enum ck_fhir_api_severity {
    CK_FHIR_API_FATAL = 0, CK_FHIR_API_ERROR, CK_FHIR_API_WARNING, CK_FHIR_API_INFORMATION,
} ck_fhir_api_severity;

/* An OperationOutcome with one issue: severity, code (an R4 IssueType code:
 * "invalid", "not-found", ...), diagnostics (NULL: none) and expression
 * (NULL or "": none). NULL when out of memory or code is NULL. */
json_t *ck_fhir_api_outcome(ck_fhir_api_severity sev, const char *code, const char *diagnostics,
                            const char *expression);
/* Appends an issue (a warning after a success, say); 0 or -1. */
int ck_fhir_api_outcome_add(json_t *oo, ck_fhir_api_severity sev, const char *code, const char *diagnostics,
                            const char *expression) CK_FHIR_API_WUR;

/* HTTP status and IssueType code for a node error kind: invalid 400
 * invalid, keyring 401 login, forbidden 403 forbidden, not found 404
 * not-found, conflict 409 conflict (412 conflict when the request carried
 * If-Match), refused 422 business-rule, integrity 502 security, upstream
 * and unreachable 503 transient, cancelled 503 transient, io and nomem
 * 500 exception; OK 200 informational. *issue may be NULL. */
long ck_fhir_api_node_status(ck_node_kind kind, int if_match, const char **issue);
/* The OperationOutcome for a failed node operation (severity error,
 * diagnostics e->msg with the stable key, expression e->path) and its
 * status in *status. NULL when out of memory. */
json_t *ck_fhir_api_node_outcome(const ck_node_error *e, int if_match, long *status);
/* The same for an error of this layer (a query that did not parse). */
json_t *ck_fhir_api_error_outcome(const ck_fhir_api_error *e, long *status);

/* ---- CapabilityStatement (fhir_capability.c) ------------------------------ */
typedef struct ck_fhir_api_capability_in {
    const char *version;  /* software.version, e.g. "0.1.0" (required)       */
    int64_t date_ms;      /* CapabilityStatement.date                        */
    const char *base;     /* implementation.url; NULL: no implementation     */
} ck_fhir_api_capability_in;

int ck_fhir_api_capability(json_t **out, const ck_fhir_api_capability_in *in, ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* ---- Consent and AuditEvent views (fhir_consent.c) ------------------------ */
typedef enum ck_fhir_api_access { CK_FHIR_API_READ = 0, CK_FHIR_API_WRITE } ck_fhir_api_access;

/* A grant on a record, as carekeyd or the record's GRANT entries say it. */
typedef struct ck_fhir_api_grant {
    const char *id;          /* the grant id (hex, or carekeyd's number): the Consent id */
    const char *patient;     /* the Patient resource id of the record        */
    const char *grantee;     /* GID                                          */
    const char *granted_by;  /* GID; equal to patient_gid: the patient       */
    const char *patient_gid; /* the record owner's GID (NULL: same as patient) */
    const char *sections;    /* "a,b,c" or "*"                               */
    int delegate;            /* the grantee may grant to others              */
    ck_fhir_api_access access;
    int64_t expires_ms;      /* 0: never                                     */
    int revoked;             /* 1: revoked                                   */
    int64_t created_ms;
} ck_fhir_api_grant;

/* The R4 Consent for g (docs/FHIR.md): status active, or inactive when
 * revoked or expired at now_ms (now_ms 0: expiry not judged). */
int ck_fhir_api_consent(json_t **out, const ck_fhir_api_grant *g, int64_t now_ms,
                        ck_fhir_api_error *err) CK_FHIR_API_WUR;

/* One row of a record's audit log (GET /v1/records/{p}/audit). */
typedef struct ck_fhir_api_audit_row {
    uint64_t id;             /* the row id: AuditEvent.id "audit-<id>"       */
    const char *patient;     /* the Patient resource id of the record        */
    int64_t time_ms;
    const char *actor;       /* GID                                          */
    const char *action;      /* read_entries, append, grant, ...             */
    const char *target;      /* NULL or "" none; e.g. "since:0"              */
    const char *purpose;     /* HL7 v3 ActReason (TREAT, BTG, ...); NULL none */
    const char *outcome;     /* "ok", or the error code of a refusal         */
    int status;              /* carekeyd's HTTP status for the request       */
} ck_fhir_api_audit_row;

/* The R4 AuditEvent for r (docs/FHIR.md). */
int ck_fhir_api_audit_event(json_t **out, const ck_fhir_api_audit_row *r,
                            ck_fhir_api_error *err) CK_FHIR_API_WUR;

#ifdef __cplusplus
}
#endif

#endif
