/*
 * src/node/care/care_impl.h - what the node's care workflows share
 * (docs/CARE.md): a verified record - a patient's or an organization's
 * ledger - read as FHIR items (book.c, over the session's memory of the
 * chain and the decrypt cache of cache.c), one resource sealed and
 * appended, and the check-then-write loop (checked.c) that keeps checks
 * (a free bed, a free slot, a theatre, a last fill) true at the moment of
 * writing.
 *
 * A resource is identified by Type/id; a later entry holding the same
 * Type/id is its new version (discharge, reschedule, cancel, outcome), so a
 * book keeps the latest version of each.
 */
#ifndef CK_NODE_CARE_IMPL_H
#define CK_NODE_CARE_IMPL_H

#include <jansson.h>

#include "carekey/care.h"
#include "carekey/node_care.h"
#include "node/record/record_impl.h"

/* ---- reading --------------------------------------------------------- */
typedef struct ck_node_book {
    ck_node_view v;
    const char *record;
    /* The latest readable version of every resource of the loaded sections:
     * {"section", "type", "id", "author", "time" (entry ms), "seq", "resource"};
     * later entries replace earlier ones with the same Type/id. */
    json_t *items;
    size_t withheld;      /* entries of those sections this reader cannot open */
    size_t bad;           /* entries that opened but did not parse            */
    ck_net_head head;     /* the verified head: the base of a checked write   */
    ck_abe_user_key *key; /* what entries are opened with, once needed    */
    ck_abe_user_key own;  /* the organization's key of its own ledger (ledger_key.c) */
    int has_own;
} ck_node_book;

/* Fetches and verifies record (any problem: PROBLEM notices, -1 with
 * "record_unverified", nothing opened), then opens the entries of the
 * sections in sections_csv ("ward,clinic"; NULL: every section). Pins the
 * verified head. *b is zeroed first; free it with ck_node_book_free. */
int ck_node_book_load(ck_node_book *b, ck_node *c, const char *record, const char *sections_csv);
/* The items of one section (NULL: any) and type (NULL: any), a new array. */
json_t *ck_node_book_select(const ck_node_book *b, const char *section, const char *type);
const json_t *ck_node_book_find(const ck_node_book *b, const char *type, const char *id);
void ck_node_book_free(ck_node_book *b);
/* A ledger's items of section and type, every entry of it readable (a
 * check on part of a ledger could give a taken bed): -1 "ledger_withheld". */
int ck_node_book_ledger(ck_node_book *b, ck_node *c, const char *org, const char *section, const char *type,
                        json_t **items);

/* The key record's entries are opened with (*key): the keyring's user
 * key; for an organization's own ledger (record is this identity, which
 * runs the authority of its own name) the keyring's merged into *own with
 * staff@ORG made from that authority's secret for this read, at the
 * current epoch of its signed table and the epochs before it. 1 when *own
 * was made (wipe it with ck_abe_user_key_free), 0 the keyring's, -1 error. */
int ck_node_ledger_key(ck_node *c, const char *record, ck_abe_user_key *own, ck_abe_user_key **key);

/* ---- the decrypt cache (cache.c) -------------------------------------- */
/* Items of an entry already decrypted, by seq and hash: in the session's
 * memo and in HOME/cache/RECORD.ckc. get: a new reference or NULL; put
 * keeps a reference. Cached items are shared, never changed: annotate
 * them before putting them. */
json_t *ck_node_care_cache_get(ck_node *c, const char *record, uint64_t seq, const uint8_t hash[32]);
void ck_node_care_cache_put(ck_node *c, const char *record, uint64_t seq, const uint8_t hash[32], json_t *items);
/* Writes the file (without what the session's verified chain no longer
 * holds) when force or when enough is new. */
void ck_node_care_cache_save(ck_node *c, const char *record, int force);

/* ---- writing --------------------------------------------------------- */
typedef struct ck_node_care_writer {
    ck_node *c;
    ck_node_sharing sharing;   /* section policies of patient records */
    ck_node_sealer sealer;
} ck_node_care_writer;

void ck_node_care_writer_init(ck_node_care_writer *w, ck_node *c);
void ck_node_care_writer_free(ck_node_care_writer *w);

/* A checked write found the record moved since it was read: read, check
 * and write again (ck_node_care_retry). Never leaves checked.c's callers. */
#define CK_NODE_CARE_STALE 1

/* Seals resource (or an array of one type) into section of record and
 * appends it. policy NULL: the section's policy from the patient's
 * sharing profile. expect NULL: onto the current head (retrying); expect
 * set: only onto that head - CK_NODE_CARE_STALE when it moved. out may be
 * NULL. 0, CK_NODE_CARE_STALE or -1. */
int ck_node_care_put(ck_node_care_writer *w, const char *record, const char *section, const json_t *resource,
                     const char *policy, const ck_net_head *expect, ck_net_head *out);
/* Calls step(arg) while it returns CK_NODE_CARE_STALE, at most 8 times
 * (then -1 "record_busy"). */
int ck_node_care_retry(ck_node *c, int (*step)(void *arg), void *arg);

/* ---- before the first write ------------------------------------------- */
/* 0 when this person owns record or its verified chain grants her every
 * section of sections_csv; else -1 "no_write_grant". */
int ck_node_care_writable(ck_node *c, const char *record, const char *sections_csv);
int ck_node_book_writable(const ck_node_book *b, ck_node *c, const char *sections_csv);

/* 0 when encounter is NULL or an Encounter of patient's record this
 * person reads; else -1 "no_such_encounter". */
int ck_node_care_encounter_known(ck_node *c, const char *patient, const char *encounter);

/* ---- the directory (directory.c) -------------------------------------- */
/* gid is an active user in one of roles (NULL-terminated); else REFUSED
 * "not_active": "GID is not an active <what> in the directory". */
int ck_node_care_check_person(ck_node *c, const char *gid, const char *const *roles, const char *what);
/* gid's directory role is patient; else "not_a_patient". */
int ck_node_care_check_patient(ck_node *c, const char *gid);
/* org has a unit named unit, of kind (NULL: any); else "no_such_unit". */
int ck_node_care_check_unit(ck_node *c, const char *org, const char *kind, const char *unit);
/* sections of org's ledger for a staff listing: refused ("ledger_withheld")
 * when it holds entries there but none opens with these keys. */
int ck_node_book_staff(ck_node_book *b, ck_node *c, const char *org, const char *sections);

/* ---- the organization ------------------------------------------------- */
/* org_opt if given, else the single staff@ORG attribute of the keyring:
 * out (CK_NET_ID_MAX + 1); -1 INVALID "no_hospital"/"several_hospitals"/
 * "bad_org". policy: "staff@ORG" (CK_NET_ID_MAX + 8) unless NULL. */
int ck_node_care_org(ck_node *c, const char *org_opt, char *out, char *policy);
/* The organization's units from the directory (an array). */
int ck_node_care_units(ck_node *c, const char *org, json_t **units);

#endif
