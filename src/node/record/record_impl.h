/*
 * src/node/record/record_impl.h - what the node's record operations share:
 * signed, pinned attribute epochs; the sharing settings that turn the
 * patient's profile into section policies; the sealer; the verified view
 * of a record (fetch -> verify -> open, incremental over the verified
 * state); appends with head-mismatch retries; grants replayed from the
 * chain; batches written all or nothing.
 *
 * Trust: the server is not trusted. Every read verifies the chain
 * (ck_rec_verify) against the server's head, the patient's signed head and
 * the head this person verified last (HOME/heads/P) before anything is
 * decrypted; only entries whose hash, link, author signature and write
 * grant verified are opened. Problems become CK_NODE_PROBLEM notices.
 */
#ifndef CK_NODE_RECORD_IMPL_H
#define CK_NODE_RECORD_IMPL_H

#include <jansson.h>

#include "carekey/directory.h"
#include "carekey/fhir.h"
#include "carekey/seal.h"
#include "node/node_impl.h"

struct ck_node_view;

/* ---- signed epoch tables --------------------------------------------------- */
typedef struct ck_node_epochs {
    ck_node *c;
    ck_dir_epochs *t;   /* verified tables, one per authority loaded */
    size_t n;
} ck_node_epochs;

void ck_node_epochs_init(ck_node_epochs *e, ck_node *c);
void ck_node_epochs_free(ck_node_epochs *e);
/* Fetches authority's signed table, verifies it and pins it (once per
 * ck_node_epochs). -1 (error set) when the table is missing,
 * malformed, unsigned, mis-signed or older than the pinned one. */
int ck_node_epochs_load(ck_node_epochs *e, const char *authority);
/* The epoch of label (its authority loaded): 0, or -1 with
 * "no signed epoch for LABEL". */
int ck_node_epochs_label(ck_node_epochs *e, const char *label, uint32_t *epoch);
/* ck_abe_epoch_fn over the loaded tables (call after every label of the
 * policy passed ck_node_epochs_label). */
uint32_t ck_node_epochs_fn(void *ctx, const char *label);

/* Checks that next may replace pinned: same authority, a version not
 * below it (equal only when identical), no label dropped or lowered.
 * 0 when fine, else -1 with why. */
int ck_node_epochs_successor(const ck_dir_epochs *pinned, const ck_dir_epochs *next, char why[CK_DIR_ERR_CAP]);


/* ---- sharing settings ----------------------------------------------------- */
/* The patient's sharing profile lives signed in her record: a PROFILE
 * entry she wrote ({"v":1,"hospitals":[...],"er_desk":"...","profile":
 * {...} or null for the built-in one}, docs/RECORD-MODEL.md). Every writer
 * takes the latest one from the verified chain; nothing comes from the
 * writer's own configuration. */
typedef struct ck_node_sharing {
    char patient[CK_NET_ID_MAX + 1];  /* whose profile is loaded ("" none)  */
    char hospitals[1024];             /* comma-separated                     */
    char er_desk[65];
    ck_sharing_profile *profile;
} ck_node_sharing;

void ck_node_sharing_init(ck_node_sharing *s);
void ck_node_sharing_free(ck_node_sharing *s);
/* Takes patient's profile from a verified view (loaded once per patient);
 * reports a record without one. */
int ck_node_sharing_from_view(ck_node_sharing *s, const struct ck_node_view *v);
/* The same, quietly: 1 taken, 0 the record has none, -1 malformed (reported). */
int ck_node_sharing_peek(ck_node_sharing *s, const struct ck_node_view *v);
/* The profile's policy for a section or view, instantiated for patient
 * (authority "patient-<patient>"), from her record (loaded and verified
 * here unless already taken from a view); *out is malloc'ed. */
int ck_node_section_policy(ck_node *c, ck_node_sharing *s, const char *patient, const char *name,
                           char **out);
/* A PROFILE entry's body: hospitals (comma-separated, 1..64), er_desk and
 * the profile JSON (NULL: the built-in one); *out is malloc'ed text. */
int ck_node_profile_body(ck_node *c, const char *hospitals, const char *er_desk, const char *profile_json,
                         char **out);

/* Writes patient's sharing profile into her record (sharing_set.c): only
 * the patient; profile NULL = the built-in templates. Prints the new entry
 * unless quiet. */
int ck_node_sharing_set(ck_node *c, const char *patient, const char *hospitals, const char *desk, const char *profile,
                    int quiet);

/* ---- sealer ------------------------------------------------------------- */
typedef struct ck_node_sealer {
    ck_node *c;
    int precompute;                 /* build fixed-base tables (many seals)  */
    size_t n_pks;
    ck_abe_authority_pk *pks;       /* copies; tables owned here              */
    const ck_abe_authority_pk **pk_ptrs;
    ck_node_epochs epochs;              /* signed, pinned epoch tables            */
} ck_node_sealer;

void ck_node_sealer_init(ck_node_sealer *s, ck_node *c, int precompute);
/* Loads the public keys and signed epochs of every authority policy names,
 * checks every label has a signed epoch, and fills pol (valid while s
 * lives). Prints errors; nothing may be sealed when it fails. */
int ck_node_sealer_policy(ck_node_sealer *s, const char *policy, ck_seal_policy *pol);
/* The current epoch of an attribute label (ck_abe_epoch_fn). */
uint32_t ck_node_sealer_epoch(void *sealer, const char *label);
void ck_node_sealer_free(ck_node_sealer *s);

/* ---- the verified view of a record -------------------------------------- */
typedef struct ck_node_item {
    int data;                       /* DATA container decoded             */
    ck_rec_container cont;          /* points into the entry's envelope   */
    size_t origin;                  /* index of the first version         */
    int latest;                     /* latest valid version of its id     */
    size_t superseded_by;           /* index + 1 of the newer version; 0  */
} ck_node_item;

typedef struct ck_node_view {
    ck_node *c;
    const char *patient;
    ck_net_entry *e;
    size_t n;
    ck_net_head server_head;
    ck_rec_signed_head sh;
    int has_signed;
    ck_net_head pinned;
    int have_pinned;
    ck_rec_verify_out vo;
    int verified;
    size_t rewritten;               /* full loads: entries the server changed after this node verified them */
    ck_node_item *it;
    int memo_keep;                  /* ck_node_view_load_memo: give the chain back to the session when freed */
} ck_node_view;

/* Fetches and verifies; with report set, every problem becomes a PROBLEM notice
 * ("kind (seq N): detail"). 0 when it could run (problems in
 * v->vo.n_problems). */
int ck_node_view_load(ck_node_view *v, ck_node *c, const char *patient, int report);
/* The same over the session's memory of the chain (memo.c): the state
 * file is read once per session and rewritten only when it lags well
 * behind; for records worked on again and again (a hospital's ledger). */
int ck_node_view_load_memo(ck_node_view *v, ck_node *c, const char *patient, int report);
/* Writes the session's copy of record's chain to its state file when it
 * is ahead of it. */
void ck_node_memo_flush(ck_node *c, const char *record);
/* The same, fetching and verifying every entry again and comparing the
 * chain with the one this node verified before (v->rewritten). */
int ck_node_view_load_full(ck_node_view *v, ck_node *c, const char *patient, int report);
size_t ck_node_view_problems(const ck_node_view *v);
/* Entries of imports not committed yet (left out of every read). */
size_t ck_node_view_open_entries(const ck_node_view *v);
/* Stores the verified head (only when there are no problems). */
int ck_node_view_pin(ck_node_view *v);
/* 1 when the reader's key satisfies entry i's ABE header (no decryption). */
int ck_node_view_readable(ck_node_view *v, size_t i);
/* Opens verified DATA entry i: CK_REC_OK, CK_REC_ERR_ACCESS, ... */
ck_rec_err ck_node_view_open(ck_node_view *v, size_t i, uint8_t **pt, size_t *len);
/* Every latest, readable entry of the FHIR sections as items; sections the
 * reader holds no entry of stay NULL. withheld: entries not shared with the
 * reader. Payloads that do not parse are counted in bad. */
int ck_node_view_sections(ck_node_view *v, ck_fhir_sections *out, size_t *withheld, size_t *bad);
void ck_node_view_free(ck_node_view *v);

/* ---- writing ------------------------------------------------------------ */
int ck_node_is_patient(ck_node *c, const char *patient);
/* Appends an envelope onto the current head; re-reads the head and retries
 * on 409 head_mismatch (bounded). A head below the pinned one is refused. */
int ck_node_append(ck_node *c, const char *patient, const char *section, const char *type,
                   const uint8_t *env, size_t env_len, ck_net_head *out);
/* The time of an entry appended onto head: now, but never before the entry
 * it follows nor the patient's signed head (readers refuse a chain whose
 * times go back, and the clocks of different writers differ a little). */
int ck_node_append_time(ck_node *c, const char *patient, const ck_net_head *head, uint64_t *t);
/* After the patient's own writes: verify the whole record, pin and sign
 * its head (ck_net_head_sign). A no-op for other writers. */
int ck_node_after_write(ck_node *c, const char *patient);

/* ---- misc ---------------------------------------------------------------- */
/* Wipes and frees a NUL-terminated string. */
void ck_node_free_str(char *s);
/* Items of a payload: a FHIR resource, an array of resources or items. */
json_t *ck_node_payload_items(json_t *payload, const char *fallback_type);
/* Upper-case hex of an entry id etc. into out (2n+1). */
void ck_node_time_text(char out[32], uint64_t ms);
int ck_node_valid_section(const char *s);

/* ---- grants ------------------------------------------------------------------ */
typedef struct ck_node_chain_grant {
    ck_rec_grant g;
    char by[CK_NET_ID_MAX + 1];   /* who signed the GRANT entry */
    uint64_t seq, time_ms;        /* the GRANT entry */
    int active;                   /* not revoked (expiry not considered) */
} ck_node_chain_grant;

/* The grants of the verified chain of v, in order (only entries that
 * verified); at most cap. Returns the count. */
size_t ck_node_grant_chain(const ck_node_view *v, ck_node_chain_grant *out, size_t cap);
/* Loads and verifies record and replays its chain's grants into *cg (a new
 * array of *n; free() it, also after a failure). A record that does not
 * verify is refused, -1 (REFUSED... INTEGRITY): "<refusal> (see the problems above)", with
 * refusal formatted like printf. */
int ck_node_grant_load(ck_node *c, const char *record, ck_node_chain_grant **cg, size_t *n, const char *refusal, ...)
    __attribute__((format(printf, 5, 6)));
/* 1 when one active, unexpired grant to grantee (a delegate one if
 * need_delegate) covers every section of sections_csv. */
int ck_node_grant_covers(const ck_node_chain_grant *g, size_t n, const char *grantee, const char *sections_csv,
                     int need_delegate);
/* Gives grantee write access to sections_csv of record: the server grant,
 * then the GRANT entry signed by this person; an INFO notice "granted ..." and,
 * for the record's owner, signs the new head. sections_csv must be valid
 * (`carekey grant` checks it and adds the grants section for delegates). */
int ck_node_grant_give(ck_node *c, const char *record, const char *grantee, const char *sections_csv, int delegate,
                   uint64_t expires_ms);
/* Lets grantee fetch record (a server read grant; no chain entry: the
 * chain records who may write). */
int ck_node_grant_read(ck_node *c, const char *record, const char *grantee, uint64_t expires_ms);
/* Revokes every active grant to grantee on record (only those granted_by
 * issued, unless NULL), on the server and in the chain (the record must
 * verify); an INFO notice per revocation and counts them in *n (may be
 * NULL). */
int ck_node_grant_revoke_all(ck_node *c, const char *record, const char *grantee, const char *granted_by, size_t *n);

/* ---- batches ------------------------------------------------------------------ */
typedef struct ck_node_batch_entry {
    char section[33];
    char type[65];
    char *payload;          /* plaintext JSON (wiped) until sealed */
    char *policy;
    size_t items;
    uint8_t *env;           /* the sealed envelope */
    size_t env_len;
} ck_node_batch_entry;

typedef struct ck_node_batch {
    ck_node_batch_entry *e;
    size_t n, cap;
    size_t n_items;
    uint8_t id[CK_REC_ID_BYTES];   /* set before sealing; a re-run may move it to a later generation */
} ck_node_batch;

void ck_node_batch_free(ck_node_batch *b);
/* Adds an entry of section/type holding payload (dumped decimal-exact);
 * policy (malloc'ed) is taken over. */
int ck_node_batch_add(ck_node_batch *b, const char *section, const char *type, const json_t *payload, char *policy,
                  size_t items);
/* The next run of arr's items from *k, at most max_bytes of JSON (at least
 * one item): a new array; NULL when out of memory. */
json_t *ck_node_batch_chunk(const json_t *arr, size_t *k, size_t max_bytes);
/* Seals every entry of the batch (nothing is written). */
int ck_node_batch_seal(ck_node_batch *b, ck_node *c, ck_node_sealer *sl, const char *patient);
/* Appends the entries the record lacks, then the commit (abandoning this
 * author's other open batches). *appended: entries written now; *already:
 * the batch (any generation of it) was committed before. */
int ck_node_batch_write(ck_node_batch *b, ck_node *c, const char *patient, size_t *appended, int *already);

#define CK_NODE_BATCH_SECTION "batch"   /* where commit entries go */
#define CK_NODE_BATCH_COMMIT_TYPE "Commit"

/* ---- for the FHIR views (fhir_view.c) ------------------------------------------ */
struct ck_node_record;
/* The verified view of a loaded record (record_ops.c). */
ck_node_view *ck_node_record_view(struct ck_node_record *r);

#endif
