/*
 * carekey/fhir.h - the pure-data part of the record layer: FHIR R4
 * resources mapped to record sections, import of a Bundle, export back to
 * a Bundle with every reference resolved, the sharing profile (one policy
 * template per section) and HIPAA Safe Harbor de-identification.
 *
 * Nothing here does cryptography: the functions take and return JSON
 * (jansson). The record layer encrypts each section under the policy the
 * sharing profile gives; readers hand the sections they could decrypt back
 * to ck_fhir_export / ck_report_build (carekey/report.h).
 *
 * Model and rules: docs/RECORD-MODEL.md.
 *
 * Conventions:
 *  - Fallible functions return a ck_fhir_err (CK_FHIR_OK = 0) that must be
 *    checked and fill an optional caller-owned ck_fhir_error with the code,
 *    the JSON path of the offending element ("$.entry[3].resource.id") and
 *    a message. Messages and paths never contain patient data (no values
 *    from the input are copied into them).
 *  - Section containers are plain structs of jansson arrays; a NULL array
 *    means "this section is not available" (not shared with the reader).
 */
#ifndef CAREKEY_FHIR_H
#define CAREKEY_FHIR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "carekey/ec.h" /* CK_MUST_CHECK */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- decimal-exact JSON (fhir_json.c) ---------------------------------- */
/* FHIR decimals keep their precision ("1.50" stays "1.50"): ck_fhir_json_parse
 * reads JSON (duplicate keys refused) holding every number an int64 cannot
 * carry exactly as a marked string of its lexeme, and ck_fhir_json_dump
 * (json_dumps flags) writes those back as the same number text. Use them
 * wherever FHIR enters or leaves carekey. */
json_t *ck_fhir_json_parse(const char *text, size_t len, json_error_t *err);
char *ck_fhir_json_dump(const json_t *v, size_t flags);
/* A number either way (JSON number or marked decimal): 0 and *out, or -1
 * (also for a decimal beyond double's range, such as 1E400, which
 * ck_fhir_json_is_number still calls a number). */
int ck_fhir_json_number(const json_t *v, double *out);
int ck_fhir_json_is_number(const json_t *v);
/* A marked decimal's lexeme ("140.52"), NULL for anything else. */
const char *ck_fhir_json_lexeme(const json_t *v);

/* ---- limits ----------------------------------------------------------- */
#define CK_FHIR_MAX_BUNDLE_BYTES (64u << 20) /* serialized bundle            */
#define CK_FHIR_MAX_ENTRIES 200000u          /* entries in one bundle        */
#define CK_FHIR_MAX_DEPTH 64                 /* nesting inside one resource  */
#define CK_FHIR_ID_MAX 64                    /* FHIR id: [A-Za-z0-9-.]{1,64} */

/* ---- errors ----------------------------------------------------------- */
typedef enum ck_fhir_err {
    CK_FHIR_OK = 0,
    CK_FHIR_ERR_JSON,      /* not JSON, trailing garbage, duplicate keys     */
    CK_FHIR_ERR_INVALID,   /* JSON, but not a valid bundle/profile/input     */
    CK_FHIR_ERR_DUPLICATE, /* two entries with the same identity             */
    CK_FHIR_ERR_LIMIT,     /* oversized input, too many entries, too deep    */
    CK_FHIR_ERR_NOMEM,     /* out of memory                                  */
    CK_FHIR_ERR_PARAM,     /* bad argument (NULL, unknown enum value, ...)   */
    CK_FHIR_ERR_RANDOM,    /* the caller's random source failed              */
    CK_FHIR_ERR_POLICY,    /* a sharing-profile template is not a policy     */
} ck_fhir_err;

typedef struct ck_fhir_error {
    ck_fhir_err code;
    char path[160]; /* JSON path of the element, "$" for the root; "" if none */
    char msg[320];  /* "<path>: <what>"; NUL-ended                            */
} ck_fhir_error;

/* Stable, human-readable description of an error code. */
const char *ck_fhir_strerror(ck_fhir_err e);

/* ---- sections --------------------------------------------------------- */
typedef enum ck_section {
    CK_SECTION_DEMOGRAPHICS = 0, /* Patient, RelatedPerson                  */
    CK_SECTION_ALLERGIES,        /* AllergyIntolerance                      */
    CK_SECTION_PROBLEMS,         /* Condition                               */
    CK_SECTION_MEDICATIONS,      /* MedicationRequest/Dispense/Statement/Administration, Medication */
    CK_SECTION_ENCOUNTERS,       /* Encounter, EpisodeOfCare                */
    CK_SECTION_PROCEDURES,       /* Procedure (incl. operation theatre)     */
    CK_SECTION_RESULTS,          /* Observation, DiagnosticReport, ImagingStudy, Specimen */
    CK_SECTION_IMMUNIZATIONS,    /* Immunization                            */
    CK_SECTION_CAREPLANS,        /* CarePlan, Goal, CareTeam                */
    CK_SECTION_APPOINTMENTS,     /* Appointment, AppointmentResponse, Slot, Schedule */
    CK_SECTION_BILLING,          /* Claim, ExplanationOfBenefit, Coverage   */
    CK_SECTION_DIRECTORY,        /* Organization, Practitioner, PractitionerRole, Location */
    CK_SECTION_AUDIT,            /* AuditEvent, Consent, Provenance         */
    CK_SECTION_OTHER,            /* every resource type not listed above    */
    CK_SECTION_COUNT
} ck_section;

/* "demographics", "allergies", ...; NULL for an out-of-range value. */
const char *ck_section_name(ck_section s);
/* 0 and *out set when name is a section name, -1 otherwise. */
int ck_section_from_name(const char *name, ck_section *out);
/* The section a resource type belongs to: CK_SECTION_OTHER for types not in
 * the mapping table (and for NULL).                                       */
ck_section ck_fhir_section_of(const char *resource_type);

/* The mapping table, in section order: n rows of (resource type, section). */
typedef struct ck_fhir_type_map {
    const char *resource_type;
    ck_section section;
} ck_fhir_type_map;
const ck_fhir_type_map *ck_fhir_type_table(size_t *n);

/*
 * Per-section arrays of items. An item is one resource with its identity:
 *
 *   {"type": "Observation", "id": "<Resource.id>",
 *    "fullUrl": "<Bundle.entry.fullUrl as imported, or absent>",
 *    "resource": { ...the resource, unmodified... }}
 *
 * section[s] == NULL: section s is not available to this reader.
 * unknown_types (may be NULL): object resourceType -> count of the entries
 * that went to CK_SECTION_OTHER because their type is not in the table.
 */
typedef struct ck_fhir_sections {
    json_t *section[CK_SECTION_COUNT];
    json_t *unknown_types;
    /* readers: entries of the section the reader would open but for their
     * epoch (sealed before a revocation; the owner's re-encryption is pending) */
    unsigned char pending[CK_SECTION_COUNT];
    /* 1 when these are the whole record and nothing of it is hidden from
     * the reader (ck_fhir_split sets it; a reader's view when every entry
     * opened): a reference to a resource not among them then points
     * outside the record, and ck_fhir_export keeps it as it came */
    unsigned char whole;
} ck_fhir_sections;

/* Releases every array (and zeroes the struct); accepts NULL. */
void ck_fhir_sections_clear(ck_fhir_sections *s);
/* Total number of items in all available sections. */
size_t ck_fhir_sections_count(const ck_fhir_sections *s);

/* ---- import ----------------------------------------------------------- */
/*
 * Parses and validates a FHIR R4 Bundle (len bytes, UTF-8 JSON, need not be
 * NUL-terminated) and splits its resources into sections. Every section
 * array of *out is created (possibly empty). Checks: valid JSON without
 * trailing data or duplicate keys; size and entry limits; root object with
 * resourceType "Bundle" and a valid Bundle.type; entry an array of objects,
 * each with an object resource with a resourceType ([A-Z][A-Za-z]{0,63})
 * and a valid id or none (then ck_fhir_entry_id's, and the item says
 * "id_assigned"); fullUrl, when present, a non-empty string; no two
 * entries with the same type/id or the same fullUrl. On error *out is left
 * empty and err names the JSON path.
 */
CK_MUST_CHECK ck_fhir_err ck_fhir_split(ck_fhir_sections *out, const char *json, size_t len,
                                        ck_fhir_error *err);

/* The id ck_fhir_split gives entry number index of a Bundle (parsed with
 * ck_fhir_json_parse): the resource's own; for a resource without one (a
 * transaction's create, R4 3.3.1) the UUID of a urn:uuid: fullUrl, the
 * OID of a urn:oid: one, the id of a RESTful [base]/Type/id of the same
 * type, else a UUID-shaped SHA-256 digest of index and content (version
 * nibble 8: the same bundle gets the same ids). In buf unless it is the
 * resource's own; NULL for an entry without a resource, an invalid id, or
 * out of memory. */
#define CK_FHIR_ENTRY_ID_MAX 80
const char *ck_fhir_entry_id(const json_t *entry, size_t index, char buf[CK_FHIR_ENTRY_ID_MAX]);

/* ---- export ----------------------------------------------------------- */
typedef enum ck_fhir_bundle_type {
    CK_FHIR_BUNDLE_COLLECTION = 0,
    CK_FHIR_BUNDLE_SEARCHSET,
} ck_fhir_bundle_type;

/*
 * Builds a Bundle from the available sections, in section order and item
 * order. Each entry's fullUrl is the one its item was imported with, so
 * that the references of the bundle it came from resolve unchanged (unless
 * another item already holds that name), else urn:uuid:<id> (UUID ids) or
 * urn:carekey:<Type>:<id>; searchset entries also carry search.mode
 * "match". A reference that resolves in the Bundle as it stands (FHIR's
 * rules: a fullUrl, a relative "Type/id" against a RESTful fullUrl's base,
 * a versioned form of either) is kept; one that names an item in another
 * way ("Type/id", urn:uuid:<id>, the imported fullUrl, a URL ending in
 * "Type/id") is rewritten to that item's fullUrl. A reference to nothing
 * in the Bundle is kept as it came when in->whole (it points outside the
 * record: a conditional reference to another bundle's Practitioner, an
 * external server), else replaced by {"display": "withheld"} (its own
 * display is dropped too, as it may describe the hidden resource). Local
 * references "#x" to contained resources are kept. Items are deep-copied;
 * the input is not modified.
 */
CK_MUST_CHECK ck_fhir_err ck_fhir_export(json_t **bundle, const ck_fhir_sections *in,
                                         ck_fhir_bundle_type type, ck_fhir_error *err);

/* ---- de-identification (HIPAA Safe Harbor) ---------------------------- */
/* Fills buf with n random bytes; returns 0 on success, non-zero on failure. */
typedef int (*ck_deid_rand_fn)(void *ctx, uint8_t *buf, size_t n);

/* The production source: OpenSSL RAND_bytes (ctx unused). */
int ck_deid_rand_openssl(void *ctx, uint8_t *buf, size_t n);

typedef struct ck_deid_options {
    ck_deid_rand_fn rand; /* NULL: ck_deid_rand_openssl                  */
    void *rand_ctx;
    int ref_year; /* year ages are computed at; 0: the current UTC year   */
} ck_deid_options;

/*
 * De-identified copies of the available sections (Safe Harbor,
 * 45 CFR 164.514(b)(2)): the rule table in docs/RECORD-MODEL.md. Ids and
 * references become fresh random UUIDs (one per resource per call, never
 * derived from the input), dates become years, ages over 89 become the
 * "90+" group, addresses keep state, country and a 3-digit ZIP (000 for the
 * restricted prefixes), and names, telecom, identifiers, narratives, notes,
 * photos, geolocation and similar are removed. Unavailable sections stay
 * unavailable. opt may be NULL (OpenSSL, current year).
 */
CK_MUST_CHECK ck_fhir_err ck_deid_research(ck_fhir_sections *out, const ck_fhir_sections *in,
                                           const ck_deid_options *opt, ck_fhir_error *err);

/* Safe Harbor ZIP rule: writes the 3-digit ZIP for postal code pc into
 * out[4] ("000" for restricted prefixes); -1 when pc does not start with
 * five digits (the caller then drops it).                                 */
int ck_deid_zip3(char out[4], const char *pc);

/* ---- sharing profile -------------------------------------------------- */
/*
 * A profile maps every section (and the derived views "emergency" and
 * "research") to a policy template: the policy language of
 * carekey/policy.h with placeholders
 *   {patient}          the patient's own authority ("patient-<pid>")
 *   {er}               the emergency desk authority ("er-desk")
 *   {hospitals:ATTR}   "(ATTR@h1 or ATTR@h2 ...)" over the treating hospitals
 * Format, default profile and attribute names: docs/RECORD-MODEL.md.
 */
typedef struct ck_sharing_profile ck_sharing_profile;

#define CK_SHARING_VIEW_EMERGENCY "emergency"
#define CK_SHARING_VIEW_RESEARCH "research"

/* The embedded default profile (src/record/sharing_default.json). */
const char *ck_sharing_default_json(void);

/* Loads and validates a profile: every section and view present exactly
 * once with a non-empty template, no unknown names or placeholders, and
 * each template instantiated with sample values parses as a policy.        */
CK_MUST_CHECK ck_fhir_err ck_sharing_load(ck_sharing_profile **out, const char *json, size_t len,
                                          ck_fhir_error *err);
CK_MUST_CHECK ck_fhir_err ck_sharing_load_default(ck_sharing_profile **out, ck_fhir_error *err);
void ck_sharing_free(ck_sharing_profile *p);

/* The template for a section or view name (NULL when unknown). */
const char *ck_sharing_template(const ck_sharing_profile *p, const char *name);

typedef struct ck_sharing_params {
    const char *patient_authority;  /* e.g. "patient-7f3a"            */
    const char *emergency_desk;     /* e.g. "er-desk"                 */
    const char *const *hospitals;   /* authorities, e.g. "hosp-a"     */
    size_t n_hospitals;             /* >= 1                           */
} ck_sharing_params;

/* The policy for one section or view, placeholders filled in and checked
 * with ck_policy_parse; *out is the canonical policy text (free()).       */
CK_MUST_CHECK ck_fhir_err ck_sharing_policy(char **out, const ck_sharing_profile *p,
                                            const char *name, const ck_sharing_params *params,
                                            ck_fhir_error *err);
/* All of them: {"demographics": "<policy>", ..., "research": "<policy>"}. */
CK_MUST_CHECK ck_fhir_err ck_sharing_instantiate(json_t **out, const ck_sharing_profile *p,
                                                 const ck_sharing_params *params,
                                                 ck_fhir_error *err);

#ifdef __cplusplus
}
#endif
#endif
