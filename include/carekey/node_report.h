/*
 * carekey/node_report.h - reports of a record and the patient's research
 * copy through the node.
 *
 * A report is built from what this person can open of the verified record
 * (ck_report_build): personal (family), professional (clinicians), or
 * research - read only from the de-identified copy the patient published,
 * never from identified data. The research copy is made by the patient's
 * own node (ck_deid_research, HIPAA Safe Harbor) and appended as section
 * "research" in parts of one batch, sealed under her research policy.
 */
#ifndef CARKEY_NODE_REPORT_H
#define CARKEY_NODE_REPORT_H

#include "carekey/node.h"
#include "carekey/report.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

typedef struct ck_node_report_out {
    struct json_t *report;     /* schema carekey-report/1 (ck_report_text renders it) */
    size_t left_out;           /* entries of an interrupted import left out (also a WARNING notice) */
    int research_found;        /* research: a copy shared with this person exists */
} ck_node_report_out;

/* Refuses (INTEGRITY) a record that does not verify or entries that do
 * not open; pins the verified head. */
int ck_node_report(ck_node *n, const char *patient, ck_report_kind kind, ck_node_report_out *out) CK_NODE_WUR;
void ck_node_report_out_free(ck_node_report_out *out);

typedef struct ck_node_publish_out {
    int plan_failed;           /* planning or sealing stopped it: nothing was written */
    size_t n_items;            /* de-identified resources */
    size_t n_parts;            /* entries of the batch */
} ck_node_publish_out;

/* Only the patient (INVALID "not_patient" otherwise); refuses an
 * unverified or incomplete record (an interrupted import). */
int ck_node_research_publish(ck_node *n, const char *patient, ck_node_publish_out *out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
