/*
 * src/client/cli_record.h - what the record commands share (record, grant,
 * import/export, report/research, rewrap): the sharing settings that turn
 * the patient's profile into section policies, the sealer (authority
 * public keys and attribute epochs), the verified view of a record, and
 * appends with head-mismatch retries.
 *
 * Reads always go fetch -> ck_rec_verify (server head, the patient's signed
 * head, this person's pinned head) -> open. Nothing is decrypted unless its
 * entry verified; problems are reported one per line with kind and seq.
 */
#ifndef CK_CLI_RECORD_H
#define CK_CLI_RECORD_H

#include <jansson.h>

#include "carekey/fhir.h"
#include "client/cli_ctx.h"
#include "client/cli_epochs.h"
#include "client/cli_progress.h"

struct cli_rec_view;

/* ---- sharing settings ----------------------------------------------------- */
/* The patient's sharing profile lives signed in her record: a PROFILE
 * entry she wrote ({"v":1,"hospitals":[...],"er_desk":"...","profile":
 * {...} or null for the built-in one}, docs/RECORD-MODEL.md). Every writer
 * takes the latest one from the verified chain; nothing comes from the
 * writer's own configuration. */
typedef struct cli_rec_sharing {
    char patient[CK_NET_ID_MAX + 1];  /* whose profile is loaded ("" none)  */
    char hospitals[1024];             /* comma-separated                     */
    char er_desk[65];
    ck_sharing_profile *profile;
} cli_rec_sharing;

void cli_rec_sharing_init(cli_rec_sharing *s);
/* Kept for the option loops of the writers: no option is a sharing one
 * any more (0). */
int cli_rec_sharing_option(cli_rec_sharing *s, int opt, const char *arg);
void cli_rec_sharing_free(cli_rec_sharing *s);
/* Takes patient's profile from a verified view (loaded once per patient);
 * reports a record without one. */
int cli_rec_sharing_from_view(cli_rec_sharing *s, const struct cli_rec_view *v);
/* The same, quietly: 1 taken, 0 the record has none, -1 malformed (reported). */
int cli_rec_sharing_peek(cli_rec_sharing *s, const struct cli_rec_view *v);
/* The profile's policy for a section or view, instantiated for patient
 * (authority "patient-<patient>"), from her record (loaded and verified
 * here unless already taken from a view); *out is malloc'ed. */
int cli_rec_section_policy(cli_ctx *c, cli_rec_sharing *s, const char *patient, const char *name,
                           char **out);
/* A PROFILE entry's body: hospitals (comma-separated, 1..64), er_desk and
 * the profile JSON (NULL: the built-in one); *out is malloc'ed text. */
int cli_rec_profile_body(cli_ctx *c, const char *hospitals, const char *er_desk, const char *profile_json,
                         char **out);

/* Writes patient's sharing profile into her record (cli_sharing.c): only
 * the patient; profile NULL = the built-in templates. Prints the new entry
 * unless quiet. */
int cli_sharing_set(cli_ctx *c, const char *patient, const char *hospitals, const char *desk, const char *profile,
                    int quiet);

/* ---- sealer ------------------------------------------------------------- */
typedef struct cli_rec_sealer {
    cli_ctx *c;
    int precompute;                 /* build fixed-base tables (many seals)  */
    size_t n_pks;
    ck_abe_authority_pk *pks;       /* copies; tables owned here              */
    const ck_abe_authority_pk **pk_ptrs;
    cli_epochs epochs;              /* signed, pinned epoch tables            */
} cli_rec_sealer;

void cli_rec_sealer_init(cli_rec_sealer *s, cli_ctx *c, int precompute);
/* Loads the public keys and signed epochs of every authority policy names,
 * checks every label has a signed epoch, and fills pol (valid while s
 * lives). Prints errors; nothing may be sealed when it fails. */
int cli_rec_sealer_policy(cli_rec_sealer *s, const char *policy, ck_seal_policy *pol);
/* The current epoch of an attribute label (ck_abe_epoch_fn). */
uint32_t cli_rec_epoch(void *sealer, const char *label);
void cli_rec_sealer_free(cli_rec_sealer *s);

/* ---- the verified view of a record -------------------------------------- */
typedef struct cli_rec_item {
    int data;                       /* DATA container decoded             */
    ck_rec_container cont;          /* points into the entry's envelope   */
    size_t origin;                  /* index of the first version         */
    int latest;                     /* latest valid version of its id     */
    size_t superseded_by;           /* index + 1 of the newer version; 0  */
} cli_rec_item;

typedef struct cli_rec_view {
    cli_ctx *c;
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
    cli_rec_item *it;
} cli_rec_view;

/* Fetches and verifies; with report set, prints every problem on stderr
 * ("kind (seq N): detail"). CLI_OK when it could run (problems in
 * v->vo.n_problems). */
int cli_rec_view_load(cli_rec_view *v, cli_ctx *c, const char *patient, int report);
size_t cli_rec_view_problems(const cli_rec_view *v);
/* Entries of imports not committed yet (left out of every read). */
size_t cli_rec_view_open_entries(const cli_rec_view *v);
/* Stores the verified head (only when there are no problems). */
int cli_rec_view_pin(cli_rec_view *v);
/* 1 when the reader's key satisfies entry i's ABE header (no decryption). */
int cli_rec_view_readable(cli_rec_view *v, size_t i);
/* Opens verified DATA entry i: CK_REC_OK, CK_REC_ERR_ACCESS, ... */
ck_rec_err cli_rec_view_open(cli_rec_view *v, size_t i, uint8_t **pt, size_t *len);
/* Every latest, readable entry of the FHIR sections as items; sections the
 * reader holds no entry of stay NULL. withheld: entries not shared with the
 * reader. Payloads that do not parse are counted in bad. */
int cli_rec_view_sections(cli_rec_view *v, ck_fhir_sections *out, size_t *withheld, size_t *bad);
void cli_rec_view_free(cli_rec_view *v);

/* ---- writing ------------------------------------------------------------ */
int cli_rec_is_patient(cli_ctx *c, const char *patient);
/* Appends an envelope onto the current head; re-reads the head and retries
 * on 409 head_mismatch (bounded). A head below the pinned one is refused. */
int cli_rec_append(cli_ctx *c, const char *patient, const char *section, const char *type,
                   const uint8_t *env, size_t env_len, ck_net_head *out);
/* The time of an entry appended onto head: now, but never before the entry
 * it follows nor the patient's signed head (readers refuse a chain whose
 * times go back, and the clocks of different writers differ a little). */
int cli_rec_append_time(cli_ctx *c, const char *patient, const ck_net_head *head, uint64_t *t);
/* After the patient's own writes: verify the whole record, pin and sign
 * its head (ck_net_head_sign). A no-op for other writers. */
int cli_rec_after_write(cli_ctx *c, const char *patient);

/* ---- misc ---------------------------------------------------------------- */
/* jansson frees wipe memory from here on (payloads are patient data). */
void cli_rec_secure_json(void);
/* Wipes and frees a NUL-terminated string. */
void cli_rec_free_str(char *s);
/* Items of a payload: a FHIR resource, an array of resources or items. */
json_t *cli_rec_payload_items(json_t *payload, const char *fallback_type);
/* Upper-case hex of an entry id etc. into out (2n+1). */
void cli_rec_time(char out[32], uint64_t ms);
int cli_rec_valid_section(const char *s);

#endif
