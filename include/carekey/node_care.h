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

/* ---- a record's care items ---------------------------------------------------------- */
typedef struct ck_node_items_out {
    /* the latest version of each resource of the section this person may
     * open: [{"section", "type", "id", "author", "time", "seq",
     * "resource"}] in record order (ck_care_item_resource) */
    struct json_t *items;
    size_t withheld;                      /* entries of the section not shared with this person */
} ck_node_items_out;

/* The items of sections ("problems", or several read together:
 * "problems,encounters" - withheld counts them all; NULL: every section)
 * and type (NULL: any) of a verified record (a patient's or a ledger). */
int ck_node_care_items(ck_node *n, const char *record, const char *section, const char *type, ck_node_items_out *out)
    CK_NODE_WUR;
void ck_node_items_out_free(ck_node_items_out *out);

/* ---- diagnoses (Condition, section problems) -------------------------------------------- */
typedef struct ck_node_condition_add_in {
    const char *patient;
    const char *system;        /* "snomed", "icd10" or "text" */
    const char *code;          /* checked: SNOMED CT (Verhoeff) or ICD-10; NULL for text */
    const char *display;       /* required */
    const char *onset;         /* optional time, not after now */
    int provisional, problem_list;
    const char *encounter;     /* optional: must be an Encounter of the patient's record */
} ck_node_condition_add_in;
int ck_node_condition_add_check(const ck_node_condition_add_in *in, int64_t *onset_ms, ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_write_out {
    char id[65];               /* the resource's id */
    uint64_t seq;              /* its entry in the patient's record */
    struct json_t *resource;   /* the version written (ck_node_write_out_free) */
} ck_node_write_out;
void ck_node_write_out_free(ck_node_write_out *out);

int ck_node_condition_add(ck_node *n, const ck_node_condition_add_in *in, ck_node_write_out *out) CK_NODE_WUR;

typedef struct ck_node_condition_change_in {
    const char *patient, *id;
    int resolve;               /* 1: resolved at `at` (default now); else the changes below */
    const char *at;
    const char *verification;  /* confirmed, provisional, refuted, entered-in-error; NULL keep */
    const char *severity;      /* mild, moderate, severe; NULL keep */
    const char *note;          /* added; NULL none */
} ck_node_condition_change_in;
int ck_node_condition_change_check(const ck_node_condition_change_in *in, ck_node_error *err) CK_NODE_WUR;
/* A new version of the Condition, checked: read from the verified record
 * and appended on exactly that head (read again when someone wrote). */
int ck_node_condition_change(ck_node *n, const ck_node_condition_change_in *in, ck_node_write_out *out) CK_NODE_WUR;

/* ---- observations (section results) -------------------------------------------------------- */
typedef struct ck_node_observe_in {
    const char *patient;
    const char *encounter;             /* optional: an Encounter of the patient's record */
    const char *at;                    /* when measured; NULL: now */
    const char *const *vitals;         /* "hr=72", "bp=120/80", ... (1..32, each name once) */
    size_t n_vitals;
    const char *loinc;                 /* set: one laboratory result instead of vitals */
    const char *value, *unit, *display;
} ck_node_observe_in;
/* Paths: patient, encounter, at, vitals, lab. Every value is checked
 * (plausible ranges, LOINC check digits, UCUM syntax). */
int ck_node_observe_check(const ck_node_observe_in *in, int64_t now_ms, ck_node_error *err) CK_NODE_WUR;
/* The measurements as one entry (written whole or not at all): out->resource
 * is the array of Observations written. */
int ck_node_observe(ck_node *n, const ck_node_observe_in *in, ck_node_write_out *out) CK_NODE_WUR;

/* ---- clinical notes (DocumentReference, section other) ------------------------------------ */
typedef struct ck_node_note_in {
    const char *patient;
    const char *text;          /* UTF-8 plain text, 1..256 KiB (no control characters but tab, CR, LF) */
    size_t len;
    const char *kind;          /* progress (default), history, discharge */
    const char *encounter;     /* optional: an Encounter of the patient's record */
    const char *at;            /* the note's date; NULL: now */
} ck_node_note_in;
/* Paths: patient, encounter, kind, at, text. */
int ck_node_note_check(const ck_node_note_in *in, int64_t now_ms, ck_node_error *err) CK_NODE_WUR;
int ck_node_note_add(ck_node *n, const ck_node_note_in *in, ck_node_write_out *out) CK_NODE_WUR;

/* ---- schedules (ledger section schedule) ---------------------------------------------------- */
typedef struct ck_node_slots_in {
    const char *org;
    const char *doctor;        /* an active doctor in the directory */
    const char *date;          /* YYYY-MM-DD */
    const char *from, *to;     /* HH:MM (UTC), the same day, to after from */
    const char *every;         /* 10m, 20m, 1h... (1 minute to 24 hours) */
    const char *location;      /* optional: a unit of the hospital */
} ck_node_slots_in;
/* Paths: doctor, date, from, to, every, location. */
int ck_node_slots_check(const ck_node_slots_in *in, int64_t *from_ms, int64_t *to_ms, int64_t *every_ms,
                        ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_slots_out {
    char org[CK_NODE_CARE_ID_MAX + 1];
    char schedule_id[65];
    int new_schedule;
    size_t n_slots;
    uint64_t seq;              /* the ledger entry of the slots */
} ck_node_slots_out;

/* Opens free slots in the doctor's Schedule (created or widened), checked
 * on the ledger they are written to (no overlap with the doctor's slots). */
int ck_node_schedule_slots(ck_node *n, const ck_node_slots_in *in, ck_node_slots_out *out) CK_NODE_WUR;
/* The slots of the hospital's schedules (ck_care_slots_view rows) of doctor
 * (NULL: all) starting in period (NULL: any). */
int ck_node_schedule_show(ck_node *n, const char *org, const char *doctor, const char *period, ck_node_rows_out *out)
    CK_NODE_WUR;

/* ---- appointments (ledger section schedule, the patient's appointments) ------------------------ */
typedef enum ck_node_appt_action {
    CK_NODE_APPT_BOOK,
    CK_NODE_APPT_RESCHEDULE,
    CK_NODE_APPT_CANCEL,
    CK_NODE_APPT_CHECKIN,
} ck_node_appt_action;

typedef struct ck_node_appointment_in {
    ck_node_appt_action action;
    const char *org;
    const char *patient, *doctor;  /* book */
    const char *id;                /* reschedule, cancel, checkin */
    const char *at, *slot;         /* book, reschedule: exactly one (the start of the doctor's slot, or its id) */
    const char *reason;            /* book, cancel: 1-1000 characters */
    const char *service;           /* book */
} ck_node_appointment_in;
/* Paths: patient, doctor, id, when, reason, service, hospital. */
int ck_node_appointment_check(const ck_node_appointment_in *in, ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_appointment_out {
    char org[CK_NODE_CARE_ID_MAX + 1];
    struct json_t *written;        /* the Appointment's version in the ledger */
    uint64_t seq;                  /* its ledger entry */
    char old_slot[65];             /* reschedule: the slot freed */
    int ledger_done;               /* the ledger holds it but the patient's copy failed */
    int withdrawn;                 /* book, copy failed: 1 withdrawn from the ledger again, -1 not */
} ck_node_appointment_out;

/* The change, checked on the ledger and written on exactly the head the
 * check read, then copied into the patient's record; a booking the record
 * refuses is cancelled again in the ledger. Keys: slot_taken, no_slot,
 * patient_busy, no_such_appointment, ... */
int ck_node_appointment(ck_node *n, const ck_node_appointment_in *in, ck_node_appointment_out *out) CK_NODE_WUR;
void ck_node_appointment_out_free(ck_node_appointment_out *out);
/* The patient's appointments (ck_care_appointments_view rows). */
int ck_node_appointment_list(ck_node *n, const char *patient, ck_node_rows_out *out) CK_NODE_WUR;

/* ---- operation theatre (ledger section theatre, the patient's procedures) ----------------------- */
typedef enum ck_node_theatre_action {
    CK_NODE_THEATRE_BOOK,
    CK_NODE_THEATRE_OUTCOME,
    CK_NODE_THEATRE_CANCEL,
} ck_node_theatre_action;

typedef struct ck_node_theatre_in {
    ck_node_theatre_action action;
    const char *org;
    /* book */
    const char *patient, *theatre, *surgeon;
    const char *team;            /* "dr-b:anaesthetist,nurse-a" (at most 32; function default assistant) */
    const char *snomed, *display;
    /* book: planned; outcome: actual (both or neither) */
    const char *start, *end;
    /* outcome, cancel */
    const char *id;
    const char *status;          /* outcome: completed, not-done, stopped */
    const char *outcome, *result;
    const char *reason;          /* book, cancel */
} ck_node_theatre_in;
/* Paths: required, names, start, end, team, booking, id, status, reason. */
int ck_node_theatre_check(const ck_node_theatre_in *in, ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_theatre_out {
    char org[CK_NODE_CARE_ID_MAX + 1];
    struct json_t *appointment, *procedure;  /* the versions written */
    uint64_t seq;                /* the ledger entry */
    int ledger_done;             /* the ledger holds it but the patient's Procedure failed */
    int withdrawn;               /* book, Procedure refused: 1 withdrawn again, -1 not */
} ck_node_theatre_out;

/* A booking checked (theatre, surgeon, team, patient free for [start,
 * end); directory: theatre unit, patient, active doctor, doctors or nurses)
 * and written on the ledger head the check read, then the patient's
 * Procedure; an outcome or a cancellation as new versions of both. */
int ck_node_theatre(ck_node *n, const ck_node_theatre_in *in, ck_node_theatre_out *out) CK_NODE_WUR;
void ck_node_theatre_out_free(ck_node_theatre_out *out);
/* The bookings (ck_care_theatre_view rows) of theatre (NULL: all)
 * overlapping period (NULL: any). */
int ck_node_theatre_list(ck_node *n, const char *org, const char *theatre, const char *period, ck_node_rows_out *out)
    CK_NODE_WUR;

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

/* ---- the ledger ---------------------------------------------------------------------- */
/* The organization's units (wards with beds, departments, theatres) from
 * the directory: a new array. */
int ck_node_care_units_list(ck_node *n, const char *org, struct json_t **units) CK_NODE_WUR;
/* Appends resource (a FHIR resource, or an array of one type as one entry)
 * to section of org's ledger, sealed under staff@ORG, with no workflow
 * check: for imports and synthetic activity (bench/care/ledger_fill). */
int ck_node_ledger_put(ck_node *n, const char *org, const char *section, const struct json_t *resource,
                       uint64_t *seq) CK_NODE_WUR;

/* ---- the session's care state ------------------------------------------------------- */
/* Writes what the session holds that the home lacks (verified state,
 * decrypt cache). */
void ck_node_care_flush(ck_node *n);
/* Wipes the session's memory of records (verified chains, decrypted
 * items): before closing the last handle, and when the keyring locks. */
void ck_node_care_forget(ck_node *n);

#ifdef __cplusplus
}
#endif

#endif
