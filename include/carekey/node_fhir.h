/*
 * carekey/node_fhir.h - what the node's FHIR API (src/api) needs from the
 * node beyond carekey/node_record.h: the server's head of a record (a
 * cheap check that a decrypted copy is still current), every readable
 * version of a record's resources as record items, the grants of the
 * verified chain, and the server's audit log of a record.
 *
 * Items are the record layer's shape {type, id, author, time, seq,
 * section, resource}: seq is the seq of the entry that first wrote the
 * version (a re-encryption keeps it), time that entry's time (Unix ms).
 * Resources are patient data: the node's JSON allocator wipes them.
 */
#ifndef CARKEY_NODE_FHIR_H
#define CARKEY_NODE_FHIR_H

#include "carekey/node_grant.h"
#include "carekey/node_record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The server's current head of patient's record (one signed request; no
 * verification: compare it with a verified head to know whether anything
 * changed). */
int ck_node_record_head(ck_node *n, const char *patient, uint64_t *seq, uint8_t hash[32]) CK_NODE_WUR;

/*
 * The record's readable versions, entry by entry in chain order: *out is
 * an array of {"key": "<seq>:<hash hex>", "items": [item...]}, one per
 * latest, committed DATA entry of a FHIR section (ck_section_from_name;
 * not the emergency and research views) this person's keys open. An entry whose key
 * is in reuse (an object key -> items array, e.g. built from an earlier
 * call) is taken from it, not decrypted again: the key names the entry's
 * content (its hash). withheld: entries not shared with this person; bad:
 * entries that do not open or hold no JSON.
 */
int ck_node_record_fhir_entries(ck_node_record *r, const struct json_t *reuse, struct json_t **out,
                                size_t *withheld, size_t *bad) CK_NODE_WUR;

/* The grants of the verified chain (GRANT entries that verified), with
 * what later entries did to them (carekey/node_grant.h). */

/* The grants of r's chain in order; at most cap written, the count of all
 * returned. */
size_t ck_node_record_grants(const ck_node_record *r, ck_node_grant_info *out, size_t cap);

/* One row of the server's audit log of a record. */
typedef struct ck_node_audit_row {
    int64_t id, time_ms;
    char actor[160];
    char action[65], target[65], purpose[65], outcome[65];
    int status;
} ck_node_audit_row;

/* Up to limit rows (0: all, at most 100000) of patient's audit log with id
 * above after, oldest first: for the record's owner and her delegates
 * (others: FORBIDDEN from the server). *rows malloc'ed (free()). */
int ck_node_audit_list(ck_node *n, const char *patient, int64_t after, unsigned limit, ck_node_audit_row **rows,
                       size_t *count) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
