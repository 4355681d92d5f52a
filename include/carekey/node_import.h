/*
 * carekey/node_import.h - FHIR R4 bundles in and out of a patient's record
 * through the node.
 *
 * Only the patient imports into her record (FORBIDDEN "not_patient" for
 * anyone else: an import is one batch across every section, which only
 * she can write whole and close). Import is all or nothing: the bundle is split into record sections
 * (ck_fhir_split), every entry is planned and sealed under the section's
 * policy from the patient's signed sharing profile before the first is
 * written, and the entries form one batch closed by a commit entry. A
 * re-run of the same bundle completes an interrupted import or, when it was
 * committed, adds nothing. The emergency view of the bundle (allergies,
 * problems, medications, results) goes to section "emergency" for the
 * emergency desk.
 *
 * Export verifies the record, opens every section this person can read
 * and builds a FHIR collection Bundle whose references all resolve.
 */
#ifndef CARKEY_NODE_IMPORT_H
#define CARKEY_NODE_IMPORT_H

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

#define CK_NODE_IMPORT_ENTRY_BYTES ((size_t)512 << 10) /* default: the server limits one request */

typedef struct ck_node_import_in {
    const char *patient;
    const uint8_t *bundle;     /* FHIR R4 Bundle JSON (patient data: the caller wipes it) */
    size_t bundle_len;
    size_t max_entry_bytes;    /* 0: CK_NODE_IMPORT_ENTRY_BYTES; else at least 4096 */
} ck_node_import_in;

typedef enum ck_node_import_stage {
    CK_NODE_IMPORT_PLANNING,   /* failed before anything was written */
    CK_NODE_IMPORT_WRITING,    /* failed while appending: see appended */
    CK_NODE_IMPORT_DONE,
} ck_node_import_stage;

typedef struct ck_node_import_out {
    ck_node_import_stage stage;
    int empty;                 /* the bundle held nothing to import (nothing written) */
    int already;               /* committed before: nothing to do */
    size_t n_items;            /* resources planned                     */
    size_t n_entries;          /* section entries (the emergency view not counted) */
    size_t n_planned;          /* entries of the batch, emergency view included */
    size_t appended;           /* entries written by this run           */
    int emergency;             /* the emergency view is part of the batch */
    size_t n_emergency;        /* resources in it                       */
} ck_node_import_out;

int ck_node_import(ck_node *n, const ck_node_import_in *in, ck_node_import_out *out) CK_NODE_WUR;

typedef struct ck_node_export_out {
    struct json_t *bundle;     /* the collection Bundle (json_decref; wiped by the node's allocator) */
    size_t n_resources;
    size_t withheld;           /* entries not shared with this person */
} ck_node_export_out;

/* Refuses (INTEGRITY) a record that does not verify, one with an
 * interrupted import, or entries that do not open. Pins the verified head. */
int ck_node_export(ck_node *n, const char *patient, ck_node_export_out *out) CK_NODE_WUR;
void ck_node_export_out_free(ck_node_export_out *out);

#ifdef __cplusplus
}
#endif

#endif
