/*
 * carekey/node_care.h - hospital care workflows through the node
 * (docs/CARE.md): admissions, discharges and visits written into the
 * patient's record and the hospital's ledger, the census, and the MIS
 * reports over the ledger. One function per operation with in/out structs;
 * the node validates the input (GIDs, wards, beds, times), runs the checks
 * on the verified ledger and the checked writes, and says in the out
 * struct how far a step that writes two records went.
 *
 * The ledger of a hospital is read over the session's memory of it (the
 * chain verified last and the items decrypted before): an operation costs
 * what was appended since the last one. ck_node_care_flush writes what the
 * session holds that the home's state and cache files lack (front ends
 * call it before closing; a long-lived node now and then).
 */
#ifndef CARKEY_NODE_CARE_H
#define CARKEY_NODE_CARE_H

#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

#define CK_NODE_CARE_ID_MAX 128  /* GIDs, organizations, units (CK_NET_ID_MAX) */

/* ---- pure checks (no session; for every front end and the tests) ---------- */
/* 1 when s is a valid GID / organization / unit name. */
int ck_node_care_id_valid(const char *s);
/* Errors: kind INVALID, path the offending input ("patient", "ward", "bed",
 * "reason", "reason_code", "at", "encounter", "department", "summary",
 * "disposition", "period", "report"), key bad_<path>. 0 or -1. */
typedef struct ck_node_admit_in {
    const char *org;           /* NULL: the one staff@ORG key of the keyring */
    const char *patient, *ward;
    uint32_t bed;              /* 1..100000 */
    const char *reason;        /* optional, 1-4096 bytes */
    const char *reason_code;   /* optional SNOMED CT id (6-18 digits) */
    const char *at;            /* FHIR date/time; NULL: now */
} ck_node_admit_in;
int ck_node_admit_check(const ck_node_admit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_discharge_in {
    const char *org, *patient;
    const char *encounter;     /* NULL: the patient's current admission */
    const char *summary;       /* optional, 1-65536 bytes: a discharge summary DocumentReference */
    const char *disposition;   /* NULL: "home" */
    const char *at;
} ck_node_discharge_in;
int ck_node_discharge_check(const ck_node_discharge_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *err)
    CK_NODE_WUR;

typedef struct ck_node_visit_in {
    const char *org, *patient;
    const char *department;    /* required for outpatient visits */
    const char *reason, *reason_code, *at;
    int emergency;             /* 1: EMER, else AMB */
} ck_node_visit_in;
int ck_node_visit_check(const ck_node_visit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *err) CK_NODE_WUR;

/* ---- encounters --------------------------------------------------------------- */
typedef struct ck_node_admit_out {
    char id[37];                          /* the Encounter's id */
    char org[CK_NODE_CARE_ID_MAX + 1];
    uint64_t ledger_seq, record_seq;
    /* the record refused after the ledger took the bed: 1 the ledger entry
     * was voided (entered-in-error, the bed is free), -1 voiding failed too
     * (the bed is held: discharge it); 0 otherwise */
    int voided;
} ck_node_admit_out;

/* Admits the patient to a ward bed: the ledger first (the bed check and the
 * entry in one checked write), then the record. Keys: bad_*, no_hospital,
 * no_such_ward, bed_out_of_range, bed_taken, already_admitted,
 * no_write_grant, ledger_withheld, record_busy... */
int ck_node_encounter_admit(ck_node *n, const ck_node_admit_in *in, ck_node_admit_out *out) CK_NODE_WUR;

typedef struct ck_node_discharge_out {
    char id[37];
    char org[CK_NODE_CARE_ID_MAX + 1];
    char ward[CK_NODE_CARE_ID_MAX + 1];   /* "?" when the admission names none */
    unsigned bed;
    char disposition[16];
    char summary_id[37];                  /* "" without a summary */
    /* how far it went: 1 the record holds the discharge, 2 and its summary,
     * 3 and the ledger (done). A failure after 1 is repaired by running it
     * again with the encounter named. */
    int stage;
    char ledger_status[32];               /* the ledger already showed it so ("" none) */
} ck_node_discharge_out;

int ck_node_encounter_discharge(ck_node *n, const ck_node_discharge_in *in, ck_node_discharge_out *out) CK_NODE_WUR;

typedef struct ck_node_visit_out {
    char id[37];
    char org[CK_NODE_CARE_ID_MAX + 1];
    int record_done;                      /* the record holds it (the ledger failed after) */
} ck_node_visit_out;

int ck_node_encounter_visit(ck_node *n, const ck_node_visit_in *in, ck_node_visit_out *out) CK_NODE_WUR;

typedef struct ck_node_rows_out {
    struct json_t *rows;                  /* an array; the caller json_decref's it */
    size_t withheld;                      /* entries not shared with this person */
    char org[CK_NODE_CARE_ID_MAX + 1];
} ck_node_rows_out;

/* The patient's encounters this person may open: ck_care_encounter_row's. */
int ck_node_encounter_list(ck_node *n, const char *patient, ck_node_rows_out *out) CK_NODE_WUR;
/* The hospital's current inpatients (org NULL: the keyring's): ck_care_census's. */
int ck_node_encounter_census(ck_node *n, const char *org, ck_node_rows_out *out) CK_NODE_WUR;
void ck_node_rows_out_free(ck_node_rows_out *out);

/* ---- MIS reports ---------------------------------------------------------------- */
typedef enum ck_node_mis_format { CK_NODE_MIS_TEXT, CK_NODE_MIS_CSV, CK_NODE_MIS_JSON } ck_node_mis_format;

typedef struct ck_node_mis_in {
    const char *org;
    const char *report;        /* admissions, occupancy, outpatient, prescriptions, theatre, all */
    const char *period;        /* 2026-11, 2026-11-24, 2026-11-01..2026-11-15 */
    ck_node_mis_format format;
} ck_node_mis_in;
int ck_node_mis_check(const ck_node_mis_in *in, ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_mis_out {
    char *text;                           /* the rendered reports (malloc'ed) */
    char org[CK_NODE_CARE_ID_MAX + 1];
    size_t n_reports;
} ck_node_mis_out;

/* Counts the reports from the verified ledger (every entry of the sections
 * read must open: "ledger_withheld") and the directory's units. */
int ck_node_mis_run(ck_node *n, const ck_node_mis_in *in, ck_node_mis_out *out) CK_NODE_WUR;
void ck_node_mis_out_free(ck_node_mis_out *out);

/* ---- the session's care state ------------------------------------------------------- */
void ck_node_care_flush(ck_node *n);

#ifdef __cplusplus
}
#endif

#endif
