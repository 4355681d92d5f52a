/*
 * carekey/node_record.h - a patient's record through the node: load and
 * verify it (incrementally, over the node's verified state), look at its
 * entries, open what this person's keys open, append, verify in full.
 *
 * A loaded record (ck_node_record) is the verified chain with every
 * entry's verdict; nothing in it is decrypted until ck_node_record_open.
 * Verification problems are data (ck_node_record_problem), also reported
 * as CK_NODE_PROBLEM notices when the load asks for it.
 */
#ifndef CARKEY_NODE_RECORD_H
#define CARKEY_NODE_RECORD_H

#include "carekey/fhir.h"
#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;
typedef struct ck_node_record ck_node_record;

enum {
    CK_NODE_LOAD_REPORT = 1, /* problems also as CK_NODE_PROBLEM notices            */
    CK_NODE_LOAD_FULL = 2,   /* fetch and verify everything, compare with the node's copy */
};

/* Loads and verifies patient's record. 0 when it could be loaded and
 * verified (problems, if any, are in the record), -1 otherwise. */
int ck_node_record_load(ck_node *n, const char *patient, unsigned flags, ck_node_record **out) CK_NODE_WUR;
void ck_node_record_free(ck_node_record *r);

typedef struct ck_node_record_problem {
    const char *kind;      /* "altered", "bad-signature", "rolled-back", ... */
    uint64_t seq;
    const char *detail;
} ck_node_record_problem;

typedef struct ck_node_record_summary {
    const char *patient;
    size_t n_entries;
    uint64_t head_seq;
    uint8_t head_hash[32];
    int head_signed;        /* the patient signed this very head */
    size_t n_problems;      /* shown (at most 64) */
    size_t n_more_problems; /* beyond those */
    size_t n_open_batches;  /* interrupted imports: incomplete, never intact */
    size_t n_open_entries;
    size_t n_rewritten;     /* full loads: entries changed after this node verified them */
} ck_node_record_summary;

void ck_node_record_summary_of(const ck_node_record *r, ck_node_record_summary *out);
ck_node_record_problem ck_node_record_problem_at(const ck_node_record *r, size_t i);

typedef enum ck_node_entry_kind {
    CK_NODE_ENTRY_INVALID, /* failed verification: never opened */
    CK_NODE_ENTRY_DATA,
    CK_NODE_ENTRY_GRANT,
    CK_NODE_ENTRY_COMMIT,
    CK_NODE_ENTRY_PROFILE,
    CK_NODE_ENTRY_TOMBSTONE,
    CK_NODE_ENTRY_DROPPED, /* a superseded version whose body the server dropped */
    CK_NODE_ENTRY_MALFORMED,
    CK_NODE_ENTRY_UNKNOWN,
} ck_node_entry_kind;

typedef struct ck_node_entry_info {
    uint64_t seq, time_ms;
    const char *section, *type, *author;
    ck_node_entry_kind kind;
    char entry_id[33];       /* DATA: the hex id every version shares   */
    int latest;              /* DATA: the current version of its id     */
    uint64_t version_of;     /* DATA: seq of the first version (itself when first) */
    uint64_t superseded_by;  /* DATA: seq of the next version, 0 none   */
    int uncommitted;         /* DATA of an import not committed yet      */
    int abandoned;           /* DATA of an import a later one gave up on */
    int readable;            /* DATA: this person's key satisfies its policy */
} ck_node_entry_info;

size_t ck_node_record_count(const ck_node_record *r);
void ck_node_record_entry(const ck_node_record *r, size_t i, ck_node_entry_info *out);
/* Entry i's policy (DATA), or a description of a grant ("grant to G: a,b
 * (delegate)"); "" otherwise. */
void ck_node_record_describe(const ck_node_record *r, size_t i, char *out, size_t cap);

typedef enum ck_node_open_status {
    CK_NODE_OPEN_OK,
    CK_NODE_OPEN_NOT_SHARED,    /* the policy does not admit this person      */
    CK_NODE_OPEN_OTHER_EPOCH,   /* sealed for an epoch she does not hold: re-encryption pending */
    CK_NODE_OPEN_MALFORMED,     /* opened, but the payload is not JSON         */
    CK_NODE_OPEN_FAILED,        /* does not open (an altered envelope)         */
} ck_node_open_status;

/* Opens DATA entry i: *payload (decimal-exact JSON) when OK, else NULL
 * with the reason. Payloads are patient data: the node's JSON allocator
 * wipes them when freed. */
ck_node_open_status ck_node_record_open(ck_node_record *r, size_t i, struct json_t **payload);
const char *ck_node_open_status_text(ck_node_open_status s);

/* Every latest, readable entry of the FHIR sections as items (see
 * ck_fhir_sections); withheld: entries not shared with this person. */
int ck_node_record_sections(ck_node_record *r, ck_fhir_sections *out, size_t *withheld, size_t *bad) CK_NODE_WUR;

/* Remembers the verified head (only a chain without problems). */
int ck_node_record_pin(ck_node_record *r) CK_NODE_WUR;

/* ---- writing ------------------------------------------------------------ */
typedef struct ck_node_put_in {
    const char *patient, *section, *type;
    const char *policy;        /* NULL: the section's policy from her sharing profile */
    const uint8_t *payload;    /* a FHIR resource or an array of them (JSON) */
    size_t payload_len;
} ck_node_put_in;

typedef struct ck_node_put_out {
    uint64_t seq;
} ck_node_put_out;

/* Seals the payload for the section's policy and appends it (this person
 * the author: the patient or a grantee); the patient's own write also
 * signs the new head. */
int ck_node_record_put(ck_node *n, const ck_node_put_in *in, ck_node_put_out *out) CK_NODE_WUR;

/* The whole record verified again from the server (CK_NODE_LOAD_FULL):
 * the head pinned when clean, and signed when the patient runs it. */
int ck_node_record_verify(ck_node *n, const char *patient, ck_node_record **out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
