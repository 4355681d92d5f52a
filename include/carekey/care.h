/*
 * carekey/care.h - hospital care workflows without I/O: the FHIR R4
 * resources the workflows write (encounters, conditions, observations,
 * notes, schedules, appointments, prescriptions, dispenses, theatre
 * bookings), the checks made before writing (allergy and duplicate-drug
 * warnings, dispensing limits, free beds and slots, theatre and surgeon
 * double-booking) and the MIS reports over a hospital's ledger. The CLI
 * (src/node/care/, under the CLI and the web pages) calls these same
 * functions; docs/CARE.md describes the model.
 *
 * Everything takes and returns jansson values. Builders return a new
 * reference (NULL with err filled on bad input); checks return 0 when the
 * step may go ahead and -1 with a message in err otherwise. Messages never
 * contain patient data beyond ids the caller passed in.
 */
#ifndef CAREKEY_CARE_H
#define CAREKEY_CARE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CK_CARE_WUR __attribute__((warn_unused_result))
#else
#define CK_CARE_WUR
#endif

typedef struct ck_care_error {
    char code[32];   /* stable: "bad_input", "allergy", "duplicate", "exhausted", "conflict", ... */
    char msg[256];
} ck_care_error;

/* ===== common (care_util.c) ============================================ */

/* FHIR instants in UTC. parse accepts "YYYY-MM-DDThh:mm:ssZ",
 * "YYYY-MM-DDThh:mm:ss.sssZ", "YYYY-MM-DDThh:mm" (UTC) and "YYYY-MM-DD"
 * (00:00 UTC), and numeric offsets "+hh:mm"/"-hh:mm"; strict (no trailing
 * text, real calendar dates). 0 on success. */
int ck_care_time_parse(const char *s, int64_t *ms) CK_CARE_WUR;
/* "YYYY-MM-DDThh:mm:ssZ" */
void ck_care_time_format(char out[32], int64_t ms);
/* A half-open period [from_ms, to_ms). parse accepts "YYYY-MM" (a calendar
 * month), "YYYY-MM-DD" (a day) and "FROM..TO" with two dates (TO included
 * as a whole day). */
typedef struct ck_care_period {
    int64_t from_ms, to_ms;
} ck_care_period;
int ck_care_period_parse(const char *s, ck_care_period *p) CK_CARE_WUR;

/* A fresh random FHIR id (UUID v4, lower-case). */
void ck_care_new_id(char out[37]);
/* {"reference": "Type/id"} (and "display" when display is not NULL). */
json_t *ck_care_ref(const char *type, const char *id, const char *display);
/* The id of a reference "Type/id" when its type is type; NULL otherwise. */
const char *ck_care_ref_id(const json_t *ref, const char *type);

/* A ledger or record item as the CLI hands it over: the latest version of
 * each resource, {"type", "id", "author", "time" (entry time, ms), "seq",
 * "resource"}. Item arrays below are arrays of these. Helpers: */
const json_t *ck_care_item_resource(const json_t *item);
/* The first item whose resource has this type and id. */
const json_t *ck_care_items_find(const json_t *items, const char *type, const char *id);

/* ===== MIS tables (care_table.c) ======================================= */

typedef struct ck_care_table ck_care_table;
ck_care_table *ck_care_table_new(const char *title, size_t ncols, const char *const *columns);
/* Copies the row (ncols strings). 0 or -1 (out of memory). */
int ck_care_table_add(ck_care_table *t, const char *const *row) CK_CARE_WUR;
size_t ck_care_table_rows(const ck_care_table *t);
const char *ck_care_table_cell(const ck_care_table *t, size_t row, size_t col);
/* Aligned text with a title line; CSV per RFC 4180 (header row, CRLF line
 * ends, quoting where needed, cells starting with = + - @ prefixed with a
 * quote against spreadsheet formula injection); JSON
 * {"title", "columns": [...], "rows": [[...], ...]}. malloc'ed. */
char *ck_care_table_text(const ck_care_table *t);
char *ck_care_table_csv(const ck_care_table *t);
json_t *ck_care_table_json(const ck_care_table *t);
void ck_care_table_free(ck_care_table *t);

/* ===== encounters, diagnosis, observations, notes (care_encounter.c, care_clinical.c) ===== */

/* encounters (care_encounter.c) */
/* Encounter (docs/CARE.md): class from v3-ActCode (IMP inpatient, AMB
 * outpatient, EMER emergency), subject Patient/<patient>, participant
 * Practitioner/<author>, serviceProvider Organization/<org>. An admission
 * names its ward Location/<ward> and bed Location/<ward>-bed-<n>; a visit
 * its department in serviceType.coding[0].code. */
typedef struct ck_care_encounter_in {
    const char *id;           /* NULL: a fresh UUID */
    const char *patient;      /* GID (required) */
    const char *author;       /* GID of the admitting / treating staff member (required) */
    const char *org;          /* the hospital (required) */
    const char *ward;         /* admit: the ward unit */
    unsigned bed;             /* admit: 1..beds */
    const char *department;   /* visits: the department unit (emergency: may be NULL) */
    const char *reason;       /* free text, may be NULL */
    const char *reason_code;  /* SNOMED CT concept id (6-18 digits), may be NULL */
    int64_t at_ms;            /* period.start (visits: start and end) */
} ck_care_encounter_in;

/* An admission: class IMP, status in-progress, period.start, ward and bed. */
json_t *ck_care_encounter_admit(const ck_care_encounter_in *in, ck_care_error *err);
/* An outpatient (emergency 0: AMB, department required) or emergency
 * (emergency 1: EMER) visit: status finished, period start = end = at. */
json_t *ck_care_encounter_visit(const ck_care_encounter_in *in, int emergency, ck_care_error *err);
/* The next version of an in-progress admission: status finished,
 * period.end = at_ms (not before period.start), locations completed,
 * hospitalization.dischargeDisposition (discharge-disposition code: home,
 * alt-home, other-hcf, hosp, long, aadvice, exp, psy, rehab, snf, oth). */
json_t *ck_care_encounter_discharge(const json_t *prev, int64_t at_ms, const char *disposition,
                                    ck_care_error *err);
/* 1 when code is one of those discharge dispositions. */
int ck_care_disposition_valid(const char *code);
/* The next version of an encounter with status entered-in-error (written
 * when the second half of a two-record step failed: it frees the bed). */
json_t *ck_care_encounter_void(const json_t *prev, ck_care_error *err);
/* The discharge summary: a DocumentReference (LOINC 18842-5) of the
 * encounter, text as a UTF-8 plain-text attachment. */
json_t *ck_care_discharge_summary(const json_t *encounter, const char *author, const char *text,
                                  int64_t at_ms, ck_care_error *err);
/* Ward and bed of an admission: 0 when the resource names both. */
int ck_care_encounter_place(const json_t *enc, const char **ward, unsigned *bed);
/* 1 when enc is an in-progress inpatient Encounter. */
int ck_care_encounter_is_admitted(const json_t *enc);

/* Units (the directory's "units" array): 0 when name is a unit of this kind
 * ("ward", "department", "theatre"; NULL: any); code "no_such_unit". */
int ck_care_unit_check(const json_t *units, const char *name, const char *kind, ck_care_error *err) CK_CARE_WUR;
/* Whether patient may be admitted to ward/bed at at_ms, given the ledger's
 * ward items: codes "no_such_ward" (not a ward unit), "bed_out_of_range"
 * (not 1..beds), "bed_taken" (an in-progress admission holds the bed, or a
 * finished one held it at at_ms), "already_admitted" (the patient has an
 * in-progress admission). Encounters entered-in-error or cancelled hold
 * nothing. */
int ck_care_bed_check(const json_t *ward_items, const json_t *units, const char *ward, unsigned bed,
                      int64_t at_ms, const char *patient, ck_care_error *err) CK_CARE_WUR;
/* The item of patient's in-progress admission, or NULL. */
const json_t *ck_care_admission_of(const json_t *ward_items, const char *patient);
/* The current inpatients: [{"encounter", "patient", "ward", "bed", "since"}]
 * sorted by ward and bed (since: FHIR instant). */
json_t *ck_care_census(const json_t *ward_items);
/* One line of an encounter list: {"id", "class", "status", "hospital",
 * "ward", "bed" (0: none), "department", "start", "end"} ("" when absent). */
json_t *ck_care_encounter_row(const json_t *enc);
/* (filled in by the encounters work) */

/* diagnosis, observations, notes (care_clinical.c) */
/* Patient record resources written by clinicians: Condition (section
 * problems), Observation (results), DocumentReference clinical notes
 * (other: clinicians and the owner only). patient, recorder / performer /
 * author are GIDs and encounter an Encounter id, all 1-64 of
 * [A-Za-z0-9._-]; display and note texts are UTF-8 without control
 * characters (notes: tab, CR, LF allowed). Error code "bad_input" unless
 * said otherwise. */
typedef enum ck_care_code_system {
    CK_CARE_CODE_SNOMED,   /* SNOMED CT concept id: 6-18 digits, partition 00/10, Verhoeff check digit */
    CK_CARE_CODE_ICD10,    /* WHO ICD-10: capital letter, 2 digits, optionally '.' and 1-2 digits */
    CK_CARE_CODE_TEXT,     /* no code: code.text only */
} ck_care_code_system;

/* 0 when code is valid in system (err says why not). */
int ck_care_code_check(ck_care_code_system system, const char *code, ck_care_error *err) CK_CARE_WUR;

typedef struct ck_care_condition_in {
    const char *id;                /* NULL: a fresh UUID */
    const char *patient;           /* required */
    const char *recorder;          /* required: Practitioner/<recorder> */
    ck_care_code_system system;
    const char *code;              /* SNOMED / ICD-10 code; ignored for TEXT */
    const char *display;           /* required: coding display and code.text */
    int provisional;               /* verificationStatus provisional, else confirmed */
    int problem_list;              /* category problem-list-item, else encounter-diagnosis */
    int has_onset;
    int64_t onset_ms;              /* onsetDateTime when has_onset (not after recorded_ms) */
    int64_t recorded_ms;           /* recordedDate */
    const char *encounter;         /* may be NULL */
} ck_care_condition_in;

/* A new Condition: clinicalStatus active. */
json_t *ck_care_condition_new(const ck_care_condition_in *in, ck_care_error *err);

typedef struct ck_care_condition_change {
    const char *verification;      /* confirmed, provisional, differential, refuted,
                                      entered-in-error (clinicalStatus then removed); NULL: keep */
    const char *severity;          /* mild, moderate, severe (SNOMED 255604002, 6736007,
                                      24484000); NULL: keep */
    const char *note;              /* appended to note[] as an Annotation; NULL: none */
    const char *author;            /* the note's authorReference Practitioner/<author> */
    int64_t at_ms;                 /* the note's time */
} ck_care_condition_change;

/* The next version of Condition cur with the change applied. Code
 * "unchanged" when nothing would change, "not_active" for any change to a
 * Condition entered-in-error. */
json_t *ck_care_condition_update(const json_t *cur, const ck_care_condition_change *ch, ck_care_error *err);
/* The next version of an active Condition: clinicalStatus resolved,
 * abatementDateTime at_ms (not before its onset). Code "not_active" when
 * it is not active (already resolved, entered-in-error, refuted). */
json_t *ck_care_condition_resolve(const json_t *cur, int64_t at_ms, ck_care_error *err);
/* 1 when clinicalStatus is active, recurrence or relapse and the
 * verification is neither refuted nor entered-in-error. */
int ck_care_condition_is_active(const json_t *cond);
/* One line of a problem list: {"id", "code", "system" ("SNOMED CT",
 * "ICD-10", ""), "display", "clinical", "verification", "category",
 * "severity", "onset", "abatement", "recorded", "notes" (count)}, "" when
 * absent. */
json_t *ck_care_condition_row(const json_t *cond);

/* Vital signs by short name (LOINC code, UCUM unit, plausible range). */
typedef struct ck_care_vital {
    const char *name;              /* hr rr temp spo2 weight height bmi bp */
    const char *loinc;
    const char *display;
    const char *unit;              /* UCUM */
    double min, max;               /* plausible values, inclusive (bp: systolic) */
    unsigned decimals;             /* most digits after the point */
} ck_care_vital;
/* The table (n entries), and one entry by name (NULL: none). */
const ck_care_vital *ck_care_vitals(size_t *n);
const ck_care_vital *ck_care_vital_find(const char *name);

typedef struct ck_care_obs_in {
    const char *id;                /* NULL: a fresh UUID */
    const char *patient;           /* required */
    const char *performer;         /* required: Practitioner/<performer> */
    const char *encounter;         /* may be NULL */
    int64_t at_ms;                 /* effectiveDateTime (and issued) */
} ck_care_obs_in;

/* A vital-signs Observation from "name=value": "hr=72", "temp=37.2",
 * "bp=120/80" (a panel 85354-9 with systolic 8480-6 and diastolic 8462-4
 * components). Values are plain decimals; out of the plausible range, or
 * more digits after the point than the sign takes: code "implausible". */
json_t *ck_care_vital_new(const ck_care_obs_in *in, const char *measurement, ck_care_error *err);
/* A laboratory Observation: LOINC code (with its mod-10 check digit; a
 * vital-sign code is refused: use ck_care_vital_new), a plain decimal
 * value, a UCUM unit (syntax checked), display (may be NULL). */
json_t *ck_care_lab_new(const ck_care_obs_in *in, const char *loinc, const char *value, const char *unit,
                        const char *display, ck_care_error *err);
/* 0 when s is a LOINC code NNNNN-C with a valid check digit. */
int ck_care_loinc_check(const char *s, ck_care_error *err) CK_CARE_WUR;
/* 0 when s is a UCUM unit expression ("mg/dL", "10*3/uL", "mm[Hg]",
 * "mL/min/{1.73_m2}"); syntax only. */
int ck_care_ucum_check(const char *s, ck_care_error *err) CK_CARE_WUR;
/* One line of a results list: {"id", "category", "code", "display",
 * "value" ("72", "120/80"), "unit", "effective", "status"}. */
json_t *ck_care_observation_row(const json_t *obs);

/* Clinical notes: DocumentReference, status current, type LOINC
 * progress 11506-3, history 34117-2 (history and physical), discharge
 * 18842-5 (discharge summary); the text as a base64 text/plain UTF-8
 * attachment. */
typedef enum ck_care_note_kind {
    CK_CARE_NOTE_PROGRESS,
    CK_CARE_NOTE_HISTORY,
    CK_CARE_NOTE_DISCHARGE,
} ck_care_note_kind;
#define CK_CARE_NOTE_MAX (256u * 1024u)   /* bytes of note text */
/* "progress", "history", "discharge": 0, else -1. */
int ck_care_note_kind_parse(const char *s, ck_care_note_kind *kind) CK_CARE_WUR;

typedef struct ck_care_note_in {
    const char *id;                /* NULL: a fresh UUID */
    const char *patient;           /* required */
    const char *author;            /* required: Practitioner/<author> */
    const char *encounter;         /* context.encounter; may be NULL */
    ck_care_note_kind kind;
    const char *text;              /* 1..CK_CARE_NOTE_MAX bytes */
    size_t len;
    int64_t at_ms;                 /* date */
} ck_care_note_in;

json_t *ck_care_note_new(const ck_care_note_in *in, ck_care_error *err);
/* The text of a note written as above (malloc'ed, NUL-terminated, *len
 * without the NUL); NULL with err when doc is not such a note. */
char *ck_care_note_text(const json_t *doc, size_t *len, ck_care_error *err);
/* One line of a notes list: {"id", "kind" (progress, history, discharge
 * or the LOINC code), "title", "date", "author", "encounter", "status"}. */
json_t *ck_care_note_row(const json_t *doc);

/* ===== schedules, appointments, theatre (care_schedule.c, care_theatre.c) ===== */
/* Ledger section `schedule` holds Schedule (one per practitioner and
 * location), Slot (always status "free": a slot is busy while a latest,
 * blocking Appointment references it) and Appointment; section `theatre`
 * holds surgery Appointments. People are referenced by GID (Patient/<gid>,
 * Practitioner/<gid>), units by name (Location/<unit>). Times are UTC ms.
 * "items" below are the ck_care item arrays of the ledger (see above). */

/* Most slots one call may create. */
#define CK_CARE_SLOTS_MAX 200

/* An Appointment status that holds its slot, its people and its theatre:
 * everything but cancelled, noshow and entered-in-error. */
int ck_care_appointment_blocking(const char *status);

/* A new Schedule: actor Practitioner/<practitioner> (+ Location/<location>
 * unless NULL), active, planningHorizon [from_ms, to_ms). */
json_t *ck_care_schedule_new(const char *practitioner, const char *location, int64_t from_ms, int64_t to_ms,
                             ck_care_error *err);
/* The practitioner's Schedule item for location (NULL: the one without a
 * location) among items, or NULL. */
const json_t *ck_care_schedule_find(const json_t *items, const char *practitioner, const char *location);
/* The Practitioner GID a Schedule resource names, or NULL. */
const char *ck_care_schedule_practitioner(const json_t *schedule);
/* A new version of schedule whose planningHorizon also covers
 * [from_ms, to_ms); NULL with err code "unchanged" when it already does. */
json_t *ck_care_schedule_widen(const json_t *schedule, int64_t from_ms, int64_t to_ms, ck_care_error *err);

/* Free Slots of Schedule/<schedule_id> from from_ms to to_ms every len_ms:
 * an array of Slot resources. Refused ("bad_input"): len_ms <= 0, a span
 * that is empty or not a whole number of slots, more than
 * CK_CARE_SLOTS_MAX slots; ("slot_overlap"): a slot overlapping one the
 * schedule already has in items (entered-in-error slots excepted). */
json_t *ck_care_slots_generate(const json_t *items, const char *schedule_id, int64_t from_ms, int64_t to_ms,
                               int64_t len_ms, ck_care_error *err);
/* The latest blocking Appointment item holding Slot/<slot_id>, ignoring
 * Appointment/<ignore_id> (may be NULL); NULL when the slot is free. */
const json_t *ck_care_slot_holder(const json_t *items, const char *slot_id, const char *ignore_id);
/* The free slot to book for practitioner: Slot/<slot_id> when slot_id is
 * set (it must belong to one of the practitioner's schedules when
 * practitioner is set), else the practitioner's slot starting exactly at
 * at_ms. Errors: "no_slot" (no such slot), "slot_taken" (names the
 * holding Appointment). ignore_id as above (a reschedule). Returns the
 * Slot item (borrowed from items). */
const json_t *ck_care_slot_pick(const json_t *items, const char *practitioner, const char *slot_id, int64_t at_ms,
                                const char *ignore_id, ck_care_error *err);
/* 0 when patient has no blocking Appointment in items (any section:
 * clinic and theatre) overlapping [start_ms, end_ms), other than
 * Appointment/<ignore_id>; -1 with code "patient_busy" naming it. */
int ck_care_patient_free(const json_t *items, const char *patient, int64_t start_ms, int64_t end_ms,
                         const char *ignore_id, ck_care_error *err);

typedef struct ck_care_appointment_in {
    const char *id;               /* NULL: a fresh id                          */
    const char *patient;          /* GID                                       */
    const char *practitioner;     /* GID                                       */
    const json_t *slot;           /* the Slot item (ck_care_slot_pick)         */
    const char *location;         /* unit or NULL                              */
    const char *service_type;     /* free text or NULL                         */
    const char *reason;           /* free text or NULL (reasonCode.text)       */
    int64_t created_ms;           /* 0: no "created"                           */
} ck_care_appointment_in;
/* A booked Appointment on the slot: start/end from the slot, participants
 * Patient and Practitioner (and Location) accepted. The same resource goes
 * into the ledger and into the patient's section `appointments`. */
json_t *ck_care_appointment_new(const ck_care_appointment_in *in, ck_care_error *err);
/* A new version on another slot (the old one becomes free): only a booked
 * appointment ("bad_status" otherwise). */
json_t *ck_care_appointment_reschedule(const json_t *appt, const json_t *slot_item, ck_care_error *err);
/* A new version with status to: booked -> checked-in, fulfilled, noshow,
 * cancelled; checked-in (or arrived) -> fulfilled, cancelled; anything else
 * "bad_status". reason (may be NULL) becomes cancelationReason.text when to
 * is cancelled. */
json_t *ck_care_appointment_transition(const json_t *appt, const char *to, const char *reason, ck_care_error *err);
/* start and end of an Appointment (or Slot) resource; 0 or -1. */
int ck_care_appointment_times(const json_t *appt, int64_t *start_ms, int64_t *end_ms);
/* GID of the first participant with actor Type/<gid> ("Patient",
 * "Practitioner", "Location"), or NULL. */
const char *ck_care_appointment_actor(const json_t *appt, const char *type);
/* The slots of practitioner (NULL: everyone) starting in p (NULL: any), by
 * start: [{"slot", "schedule", "practitioner", "location", "start", "end",
 * "status": "free"|"booked", and for booked ones "appointment",
 * "appointment_status", "patient"}]. */
json_t *ck_care_slots_view(const json_t *items, const char *practitioner, const ck_care_period *p);
/* Appointments of items (a patient's section or the ledger; patient NULL:
 * all), by start: [{"id", "status", "start", "end", "patient",
 * "practitioner", "location", "service", "reason", "surgery": bool}]. */
json_t *ck_care_appointments_view(const json_t *items, const char *patient);

/* ---- theatre ---- */
/* serviceCategory of a theatre booking */
#define CK_CARE_SURGERY_SYSTEM "https://carekey.dev/fhir/CodeSystem/service-category"
#define CK_CARE_SURGERY_CODE "surgery"
int ck_care_is_theatre_booking(const json_t *appt);

typedef struct ck_care_team_member {
    const char *gid;
    const char *function;         /* "assistant", "anaesthetist", ... (text) */
} ck_care_team_member;

typedef struct ck_care_theatre_in {
    const char *id;               /* NULL: fresh; Procedure and Appointment share it */
    const char *patient, *theatre, *surgeon;
    const ck_care_team_member *team;
    size_t n_team;
    const char *snomed, *display; /* the procedure (SNOMED CT)              */
    int64_t start_ms, end_ms;     /* planned, end > start                   */
    const char *reason;           /* free text or NULL                      */
} ck_care_theatre_in;
/* 0 when nobody and nothing of in is taken during [start, end) by another
 * blocking theatre booking in items (intervals half-open: back-to-back is
 * fine; Appointment/<in->id> is ignored); else -1 with code
 * "theatre_double_booked" or "surgeon_double_booked" (surgeon or a team
 * member) and a message naming the clash: "theatre th-1 is booked
 * 2026-11-25 09:00-11:00 by Appointment/<id>". Bad input: "bad_input". */
int ck_care_theatre_check(const json_t *items, const ck_care_theatre_in *in, ck_care_error *err);
/* The patient's Procedure (status preparation, code, subject, performers
 * with function, location, planned performedPeriod) and the ledger's
 * Appointment (serviceCategory surgery, participants, start/end,
 * supportingInformation Procedure/<id>); same id. 0 or -1. */
int ck_care_theatre_book(const ck_care_theatre_in *in, json_t **procedure, json_t **appointment, ck_care_error *err);

typedef struct ck_care_theatre_outcome_in {
    const char *status;           /* "completed", "not-done", "stopped"      */
    const char *outcome;          /* free text or NULL                        */
    const char *result;           /* "successful", "unsuccessful", "partial" (SNOMED coded) or NULL */
    int64_t start_ms, end_ms;     /* actual; 0, 0: the planned period         */
} ck_care_theatre_outcome_in;
/* New versions of a booked surgery: the Procedure completed / stopped
 * (performedPeriod actual, outcome) or not-done (statusReason), the
 * Appointment fulfilled (completed, stopped) or cancelled (not-done).
 * "bad_status" unless the Appointment is booked/checked-in and the
 * Procedure in preparation/in-progress. proc may be NULL (the patient's
 * copy not at hand): the new version is then built from the booking, which
 * holds everything the planned Procedure said. */
int ck_care_theatre_outcome(const json_t *appt, const json_t *proc, const ck_care_theatre_outcome_in *in,
                            json_t **new_appt, json_t **new_proc, ck_care_error *err);
/* Cancels a booked surgery: Appointment cancelled (cancelationReason),
 * Procedure not-done (statusReason). proc may be NULL (as above). */
int ck_care_theatre_cancel(const json_t *appt, const json_t *proc, const char *reason, json_t **new_appt,
                           json_t **new_proc, ck_care_error *err);
/* Theatre bookings of items for theatre (NULL: all) overlapping p (NULL:
 * any), by start: [{"id", "status", "theatre", "start", "end", "surgeon",
 * "team": [{"gid", "function"}], "patient", "procedure"}]. */
json_t *ck_care_theatre_view(const json_t *items, const char *theatre, const ck_care_period *p);

/* ===== prescriptions and dispensing (care_rx.c, care_drugs.c) ========== */
/* Drug knowledge (care_drugs.c): a built-in table of prescribable drugs -
 * the RxNorm clinical drugs of the Synthea fixtures and the common
 * ingredients by their RxNorm ingredient code - with their ingredients and
 * drug classes (penicillins, cephalosporins, NSAIDs, opioids, ...). Only
 * drugs of the table can be prescribed (their checks need the knowledge). */
typedef struct ck_care_drug ck_care_drug;
size_t ck_care_drug_count(void);
const ck_care_drug *ck_care_drug_at(size_t i);
/* By RxNorm code; by name (the table's name, case-insensitive: "amoxicillin",
 * "Amoxicillin 250 MG Oral Capsule"). NULL when not in the table. */
const ck_care_drug *ck_care_drug_by_rxnorm(const char *code);
const ck_care_drug *ck_care_drug_by_name(const char *name);
const char *ck_care_drug_rxnorm(const ck_care_drug *d);
const char *ck_care_drug_name(const ck_care_drug *d);
/* {"rxnorm", "name", "ingredients": [...], "classes": [...]} */
json_t *ck_care_drug_json(const ck_care_drug *d);

/* The checks before prescribing drug: allergy_items (the patient's section
 * allergies) and medication_items (section medications) are item arrays.
 * *warnings receives a new array (empty when all is well) of
 *   {"code": "allergy",   "message", "allergy": "<AllergyIntolerance id>"}
 *   {"code": "duplicate", "message", "medication": "<MedicationRequest id>"}
 * "allergy": an AllergyIntolerance in force (clinicalStatus active or
 * absent, verificationStatus not refuted or entered-in-error) whose
 * substance - by code (RxNorm, SNOMED CT), else by the words of its text -
 * is an ingredient of the drug, the class of one (penicillin allergy: every
 * penicillin; an ingredient allergy extends to its class where the class
 * cross-reacts: penicillins, cephalosporins, sulfonamide antibiotics,
 * NSAIDs, opioids, ACE inhibitors) or a class with documented
 * cross-sensitivity (penicillins <-> cephalosporins).
 * "duplicate": an open MedicationRequest (active, on-hold, draft) with a
 * common ingredient, or of the same class where two at once are duplicate
 * therapy (NSAIDs, statins, opioids, anticoagulants, ...).
 * Warning messages name the allergy or drug: they are meant for the
 * prescriber. Returns 0 without warnings, -1 with warnings (err: the first)
 * or on bad input (err code "bad_input", *warnings NULL). */
int ck_care_rx_check(const json_t *allergy_items, const json_t *medication_items, const ck_care_drug *drug,
                     json_t **warnings, ck_care_error *err) CK_CARE_WUR;

/* Extension url of an overridden warning in a MedicationRequest. Each one
 * holds the sub-extensions code (valueCode), message, reason (valueString)
 * and concerns (valueReference to the allergy or request). */
#define CK_CARE_RX_OVERRIDE_URL "urn:carekey:fhir:rx-override"

typedef struct ck_care_rx_params {
    const char *id;               /* NULL: a fresh id                        */
    const ck_care_drug *drug;
    const char *patient;          /* subject Patient/<gid>                   */
    const char *requester;        /* the prescribing doctor's GID            */
    int64_t authored_ms;
    const char *dosage;           /* dosageInstruction[0].text, or NULL      */
    uint32_t quantity;            /* per fill, 1..100000                     */
    const char *unit;             /* of the quantity; NULL: "unit"           */
    uint32_t refills;             /* numberOfRepeatsAllowed, 0..99           */
    const json_t *overrides;      /* warnings the prescriber overrode, or NULL */
    const char *override_reason;  /* required when overrides is not empty    */
} ck_care_rx_params;
/* MedicationRequest: status active, intent order, medicationCodeableConcept
 * (RxNorm coding and text), subject, requester Practitioner/<gid>,
 * authoredOn, dosageInstruction, dispenseRequest {quantity {value, unit},
 * numberOfRepeatsAllowed}; with overrides: one CK_CARE_RX_OVERRIDE_URL
 * extension per warning and a note (author, time, reason, warnings). */
json_t *ck_care_rx_build(const ck_care_rx_params *p, ck_care_error *err);
/* The next version of an open request (active, on-hold, draft; else err
 * "state"): status cancelled, statusReason.text = reason (may be NULL), a
 * note by Practitioner/<by> at when_ms. request: the resource or its item. */
json_t *ck_care_rx_cancel(const json_t *request, const char *by, const char *reason, int64_t when_ms,
                          ck_care_error *err);

/* Fills of a request (resource or item): used = MedicationDispense items
 * (status completed or in-progress) whose authorizingPrescription names it,
 * allowed = 1 + dispenseRequest.numberOfRepeatsAllowed. 0, or -1 on bad input. */
int ck_care_dispense_count(const json_t *request, const json_t *dispense_items, uint32_t *used,
                           uint32_t *allowed) CK_CARE_WUR;
/* Whether quantity may be dispensed now on the request: err "state" (not
 * active: cancelled, completed, stopped, on-hold, entered-in-error, ...),
 * "exhausted" ("prescription X was dispensed 1 of 1 times"), "quantity"
 * (more than dispenseRequest.quantity per fill), "bad_input". On success
 * *fill (may be NULL) is the number of this fill (1-based). */
int ck_care_dispense_check(const json_t *request_item, const json_t *dispense_items, uint32_t quantity,
                           uint32_t *fill, ck_care_error *err) CK_CARE_WUR;

typedef struct ck_care_dispense_params {
    const char *id;               /* NULL: a fresh id                        */
    const json_t *request;        /* the MedicationRequest (resource or item) */
    const char *pharmacist;       /* performer Practitioner/<gid>            */
    uint32_t quantity;            /* 1..100000, unit of the request          */
    int64_t when_ms;              /* whenHandedOver                          */
    const char *location;         /* Location/<name>, or NULL                */
} ck_care_dispense_params;
/* MedicationDispense: status completed, medicationCodeableConcept and
 * subject of the request, performer, authorizingPrescription, quantity,
 * whenHandedOver, location. Call ck_care_dispense_check first. */
json_t *ck_care_dispense_build(const ck_care_dispense_params *p, ck_care_error *err);

/* ===== MIS reports (mis_*.c) =========================================== */
/* Each report reads the ledger items it needs (arrays of items, see above)
 * and the organization's units from the directory (the array "units" of
 * GET /v1/orgs/ORG/units: {"org", "name", "kind", "display_name", "beds"})
 * and counts what falls in period p. NULL with err on bad input. */
/* Every report's title: "WHAT, YYYY-MM-DD to YYYY-MM-DD" (the last day of p). */
void ck_care_mis_title(char *out, size_t cap, const char *what, const ck_care_period *p);
/* admissions and discharges per ward (ledger section ward)         - mis_ward.c */
ck_care_table *ck_care_mis_admissions(const json_t *ward_items, const json_t *units,
                                      const ck_care_period *p, ck_care_error *err);
/* bed occupancy per ward: occupied bed-days / (beds x days)         - mis_ward.c */
ck_care_table *ck_care_mis_occupancy(const json_t *ward_items, const json_t *units,
                                     const ck_care_period *p, ck_care_error *err);
/* outpatient and emergency visits per department (section clinic)  - mis_ward.c */
ck_care_table *ck_care_mis_outpatient(const json_t *clinic_items, const json_t *units,
                                      const ck_care_period *p, ck_care_error *err);
/* prescriptions per drug (section rx)                               - mis_rx.c */
ck_care_table *ck_care_mis_prescriptions(const json_t *rx_items, const ck_care_period *p,
                                         ck_care_error *err);
/* theatre utilisation: booked and used hours per theatre (section theatre) - mis_theatre.c */
ck_care_table *ck_care_mis_theatre(const json_t *theatre_items, const json_t *units,
                                   const ck_care_period *p, ck_care_error *err);

#ifdef __cplusplus
}
#endif
#endif
