/*
 * carekey/node_rx.h - prescriptions and dispensing through the node
 * (docs/CARE.md, "Prescriptions and dispensing").
 *
 * A doctor (the prescribing attribute doctor@medical-board in her keyring)
 * writes a MedicationRequest into the patient's section medications after
 * the allergy and duplicate checks, and a copy into her hospital's ledger
 * section rx; a pharmacist dispenses on it within its fills. Check and
 * write are one step on one verified head, repeated when someone wrote in
 * between, so two pharmacists never dispense beyond the limit.
 *
 * Who may do what is decided by keys and the directory, never by what a
 * resource says about itself: a request's author is the signer of its
 * latest version (verified in the chain), who must be an active doctor in
 * the directory; a dispense that another writer marked void only stops
 * counting when a pharmacist signed that version.
 */
#ifndef CARKEY_NODE_RX_H
#define CARKEY_NODE_RX_H

#include <stdint.h>

#include "carekey/node.h"
#include "carekey/node_care.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

#define CK_NODE_RX_PRESCRIBING_ATTR "doctor@medical-board"
#define CK_NODE_RX_QUANTITY_MAX 100000u
#define CK_NODE_RX_REFILLS_MAX 99u

/* ---- rx write ------------------------------------------------------------- */
typedef struct ck_node_rx_write_in {
    const char *org;               /* the hospital whose ledger gets the copy; NULL: the keyring's staff@ORG */
    const char *patient;
    const char *rxnorm, *drug;     /* exactly one: an RxNorm code or a name of the drug table */
    uint32_t quantity;             /* per fill, 1..100000 */
    const char *unit;              /* NULL: "unit" */
    uint32_t refills;              /* repeats after the first fill, 0..99 */
    const char *dose;              /* the dosage instruction, optional */
    const char *override_reason;   /* NULL: warnings block; else 1..4096 bytes */
    const char *at;                /* authoredOn; NULL: now */
} ck_node_rx_write_in;

/* Pure: paths patient, drug, quantity, refills, override, at, hospital
 * (key bad_<path>). The drug is looked up in the table (*drug, may be
 * NULL) and the time parsed (*at_ms). */
int ck_node_rx_write_check(const ck_node_rx_write_in *in, int64_t now_ms, int64_t *at_ms, const char **drug_name,
                           ck_node_error *err) CK_NODE_WUR;

typedef struct ck_node_rx_write_out {
    char id[65];                   /* the MedicationRequest's id */
    char org[CK_NODE_CARE_ID_MAX + 1];
    uint64_t seq;                  /* its entry in the patient's record */
    uint64_t ledger_seq;           /* its copy in the ledger */
    /* [{"code": "allergy"|"duplicate"|"unreadable", "message", ...}]: what
     * the checks found, also when they blocked the prescription (error
     * key "rx_warnings"); empty when all was well */
    struct json_t *warnings;
    struct json_t *resource;       /* the version written */
    int record_done;               /* the record holds it but the ledger copy failed */
} ck_node_rx_write_out;

/* Keys: bad_*, not_prescriber (no doctor@medical-board key), rx_warnings
 * (kind REFUSED: nothing written), no_write_grant, record_busy, ... */
int ck_node_rx_write(ck_node *n, const ck_node_rx_write_in *in, ck_node_rx_write_out *out) CK_NODE_WUR;
void ck_node_rx_write_out_free(ck_node_rx_write_out *out);

/* ---- rx dispense ------------------------------------------------------------- */
typedef struct ck_node_rx_dispense_in {
    const char *patient;
    const char *id;                /* the MedicationRequest */
    uint32_t quantity;             /* 1..100000, the prescription's unit */
    const char *org;               /* optional: the pharmacy whose ledger gets a copy */
    const char *location;          /* optional: Location/<unit> */
    const char *at;                /* whenHandedOver; NULL: now */
} ck_node_rx_dispense_in;
/* Paths patient, id, quantity, org, location, at. */
int ck_node_rx_dispense_check(const ck_node_rx_dispense_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *err)
    CK_NODE_WUR;

typedef struct ck_node_rx_dispense_out {
    char id[65];                   /* the MedicationDispense's id */
    uint32_t fill, allowed;        /* this is fill `fill` of `allowed` */
    uint64_t seq, ledger_seq;
    struct json_t *resource;
    int record_done;               /* the record holds it but the pharmacy's copy failed */
} ck_node_rx_dispense_out;

/* Keys: no_such_prescription, wrong_patient, no_author, not_a_doctor,
 * deactivated_prescriber, state, exhausted, quantity, record_busy, ... */
int ck_node_rx_dispense(ck_node *n, const ck_node_rx_dispense_in *in, ck_node_rx_dispense_out *out) CK_NODE_WUR;
void ck_node_rx_dispense_out_free(ck_node_rx_dispense_out *out);

/* ---- rx cancel ------------------------------------------------------------------ */
typedef struct ck_node_rx_cancel_in {
    const char *org;               /* NULL: the keyring's staff@ORG */
    const char *patient, *id;
    const char *reason;            /* statusReason, optional */
    const char *at;
} ck_node_rx_cancel_in;
int ck_node_rx_cancel_check(const ck_node_rx_cancel_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *err)
    CK_NODE_WUR;
/* By the prescriber or any doctor: keys not_yours, state, ... The out's
 * id is the request's; ledger_seq its ledger copy. */
int ck_node_rx_cancel(ck_node *n, const ck_node_rx_cancel_in *in, ck_node_rx_write_out *out) CK_NODE_WUR;

/* ---- reading ---------------------------------------------------------------------- */
/* The prescriptions of the patient this person may read, as rows
 * {id, status, rxnorm, drug, authored, prescriber, author, quantity, unit,
 * refills, fills_used, fills_allowed, dose}; open_only: active ones with
 * fills left (a pharmacist's queue). */
int ck_node_rx_list(ck_node *n, const char *patient, int open_only, ck_node_rows_out *out) CK_NODE_WUR;
/* ---- the pharmacist's queue ------------------------------------------------------ */
#define CK_NODE_RX_QUEUE_RECORDS_MAX 1000u
typedef struct ck_node_rx_queue_out {
    /* the prescriptions this person may dispense, across patients: in
     * every record where she holds a write grant covering medications, as
     * the server lists her grants (a pharmacy's pharmacists get one at
     * onboarding), the open ones (active, fills left) whose latest version
     * a doctor active in the directory signed (what rx dispense takes):
     * the rows of ck_node_rx_list with "patient" and "fills_left" added,
     * by patient GID, then in record order */
    struct json_t *rows;
    /* the records that could not be read: [{"patient", "kind", "key",
     * "message"}] (the node's error for that record; the others are
     * listed all the same) */
    struct json_t *errors;
    size_t records;                /* records read */
    size_t withheld;               /* entries of medications not shared with this person, in all */
    int truncated;                 /* more than CK_NODE_RX_QUEUE_RECORDS_MAX records (or 100 pages of grants): those of the oldest grants only */
} ck_node_rx_queue_out;

/* Keys: what listing the grants can fail with (forbidden, unreachable,
 * bad_response, ...); a record's own failure is in out->errors. */
int ck_node_rx_queue(ck_node *n, ck_node_rx_queue_out *out) CK_NODE_WUR;
void ck_node_rx_queue_out_free(ck_node_rx_queue_out *out);

/* The built-in drug table: [{rxnorm, name, ingredients, classes}], a new array. */
struct json_t *ck_node_rx_drugs(void);
/* 1 when this person's keyring holds the prescribing attribute (opens it). */
int ck_node_rx_can_prescribe(ck_node *n);

#ifdef __cplusplus
}
#endif

#endif
