/*
 * src/client/cli_care.h - what the care commands not yet moved onto the
 * node share (rx, and hospital's organization lookup; the others run over
 * carekey/node_care.h, src/cli/care_*.c): reading a verified record - a patient's or an organization's
 * ledger - as FHIR items, writing one resource into it, and the
 * check-then-write loop that keeps checks (free bed, free slot, theatre
 * double-booking, dispensing limits) true at the moment of writing.
 *
 * Model: docs/CARE.md. A resource is identified by Type/id; a later entry
 * holding the same Type/id is its new version (discharge, reschedule,
 * cancel, outcome), so a book keeps the latest version of each.
 */
#ifndef CK_CLI_CARE_H
#define CK_CLI_CARE_H

#include <jansson.h>

#include "carekey/care.h"
#include "client/cli_record.h"

/* A check-then-write step found the record moved since it was read: reload,
 * check again, write again (cli_care_retry does it). */
#define CLI_CARE_STALE 10

/* --org ORG (old name --hospital, hidden): the organization whose ledger a command works on. */
#define CLI_CARE_OPT_ORG 0x1201
#define CLI_CARE_ORG_LONGOPTS                                                                 \
    {"org", required_argument, NULL, CLI_CARE_OPT_ORG},                                       \
    {"hospital", required_argument, NULL, CLI_CARE_OPT_ORG} /* hidden alias of --org */
#define CLI_CARE_ORG_HELP                                                                     \
    "  --org ORG            the hospital (or pharmacy) whose ledger is used (default\n"      \
    "                       $CAREKEY_HOSPITAL, else the one staff@ORG key in the keyring)\n"

/* The organization: org_opt if given, else $CAREKEY_HOSPITAL, else the single
 * staff@ORG attribute of the keyring (opens it). Writes the name into out
 * (CK_NET_ID_MAX + 1). CLI_OK or CLI_USAGE (reported). */
int cli_care_org(cli_ctx *c, const char *org_opt, char *out);
/* "staff@ORG" into out (CK_NET_ID_MAX + 8). */
void cli_care_ledger_policy(const char *org, char *out);

/* ---- reading --------------------------------------------------------- */
typedef struct cli_care_book {
    cli_rec_view v;
    const char *record;
    /* The latest readable version of every resource of the loaded sections:
     * {"section", "type", "id", "author", "time" (entry ms), "seq", "resource"};
     * later entries replace earlier ones with the same Type/id. */
    json_t *items;
    size_t withheld;      /* entries of those sections this reader cannot open */
    size_t bad;           /* entries that opened but did not parse            */
    ck_net_head head;     /* the verified head: the base of a checked write   */
} cli_care_book;

/* Fetches and verifies record (any problem: reported, CLI_FAIL, nothing
 * opened), then opens the entries of the sections in sections_csv ("ward,
 * clinic"; NULL: every section). Pins the verified head. */
int cli_care_book_load(cli_care_book *b, cli_ctx *c, const char *record, const char *sections_csv);
/* The items of one section (NULL: any) and resource type (NULL: any), as a
 * new array in record order. */
json_t *cli_care_book_select(const cli_care_book *b, const char *section, const char *type);
/* The latest item of Type/id, or NULL. */
const json_t *cli_care_book_find(const cli_care_book *b, const char *type, const char *id);
void cli_care_book_free(cli_care_book *b);

/* ---- writing --------------------------------------------------------- */
typedef struct cli_care_writer {
    cli_ctx *c;
    cli_rec_sharing sharing;   /* section policies of patient records */
    cli_rec_sealer sealer;
} cli_care_writer;

void cli_care_writer_init(cli_care_writer *w, cli_ctx *c);
/* A sharing option (--profile, --orgs, --er-desk) for w: 1 if taken. */
int cli_care_writer_option(cli_care_writer *w, int opt, const char *arg);
void cli_care_writer_free(cli_care_writer *w);

/* Seals resource (its resourceType is the entry's type; or an array of
 * resources of one type, written as one entry) into section of record and
 * appends it. policy NULL: the section's policy from the
 * patient's sharing profile (patient records); ledgers pass
 * cli_care_ledger_policy(). expect NULL: append on the current head
 * (retrying when others append). expect set: append only on that head -
 * CLI_CARE_STALE when the record moved, so the caller re-checks. out (may be
 * NULL) receives the new head. */
int cli_care_put(cli_care_writer *w, const char *record, const char *section, const json_t *resource,
                 const char *policy, const ck_net_head *expect, ck_net_head *out);

/* Calls step(arg) until it returns anything but CLI_CARE_STALE, at most 8
 * times (then CLI_FAIL, reported). */
int cli_care_retry(cli_ctx *c, int (*step)(void *arg), void *arg);

/* ---- before the first write ------------------------------------------- */
/* A step that writes into several records (the patient's and the ledger)
 * checks first that this person may write every one of them, so that a
 * missing grant refuses the step before anything is written: CLI_OK when
 * this person owns the record or the verified chain holds an active grant
 * to her covering every section of sections_csv; else reported ("you hold
 * no write grant for ..."), CLI_FAIL. The book form reuses a loaded book. */
int cli_care_writable(cli_ctx *c, const char *record, const char *sections_csv);
int cli_care_book_writable(const cli_care_book *b, cli_ctx *c, const char *sections_csv);

/* ---- a care command ---------------------------------------------------- */
/* The options the commands writing into a patient's record share
 * (cli_care_cmd_option takes them, and --org). */
#define CLI_CARE_OPT_PATIENT 'p'
#define CLI_CARE_OPT_AT 0x1202
#define CLI_CARE_OPT_ENCOUNTER 0x1203
#define CLI_CARE_OPT_HISTORY 0x1204
#define CLI_CARE_OPT_JSON 0x1205
#define CLI_CARE_PATIENT_LONGOPTS {"patient", required_argument, NULL, CLI_CARE_OPT_PATIENT}
#define CLI_CARE_AT_LONGOPTS {"at", required_argument, NULL, CLI_CARE_OPT_AT}
#define CLI_CARE_ENCOUNTER_LONGOPTS {"encounter", required_argument, NULL, CLI_CARE_OPT_ENCOUNTER}
#define CLI_CARE_HISTORY_LONGOPTS {"history", no_argument, NULL, CLI_CARE_OPT_HISTORY}
/* --patient, --help, the sharing and the context options. */
#define CLI_CARE_CMD_LONGOPTS                                                                 \
    CLI_CARE_PATIENT_LONGOPTS, {"help", no_argument, NULL, 'h'}, CLI_CTX_LONGOPTS

/* What a writing subcommand parses and opens. */
typedef struct cli_care_cmd {
    cli_ctx c;
    cli_care_writer w;
    const char *help;                     /* the command: "condition add" */
    const char *patient, *at_opt, *org_opt, *encounter;
    int history;
    int64_t at_ms;                        /* --at or now, once checked by the command */
    char author[CK_NET_ID_MAX + 1];       /* the person running it */
    char org[CK_NET_ID_MAX + 1];          /* the hospital: cli_care_cmd_org */
    char policy[CK_NET_ID_MAX + 8];       /* staff@ORG, its ledger's policy */
} cli_care_cmd;

void cli_care_cmd_init(cli_care_cmd *k, const char *help);
/* A context, sharing or shared care option for k: 1 if taken. */
int cli_care_cmd_option(cli_care_cmd *k, int opt, const char *arg);
/* The hospital (cli_care_org) and its ledger policy. */
int cli_care_cmd_org(cli_care_cmd *k);
void cli_care_cmd_free(cli_care_cmd *k);

/* ---- the list commands ------------------------------------------------- */
/* "list --patient P [--json]": P's record read, its rows printed as a JSON
 * array or as the command's text. */
#define CLI_CARE_LIST_LONGOPTS                                                                \
    CLI_CARE_PATIENT_LONGOPTS, {"json", no_argument, NULL, CLI_CARE_OPT_JSON}, {"help", no_argument, NULL, 'h'}, \
        CLI_CTX_LONGOPTS

typedef struct cli_care_list {
    cli_ctx c;
    cli_care_book b;
    const char *help, *patient;
    int as_json;
} cli_care_list;

void cli_care_list_init(cli_care_list *l, const char *help);
/* A context option, --patient or --json: 1 if taken. */
int cli_care_list_option(cli_care_list *l, int opt, const char *arg);
/* Prints rows (taken; NULL: out of memory, reported): with --json as JSON,
 * else by text(l, rows, arg). */
int cli_care_list_print(cli_care_list *l, json_t *rows,
                        int (*text)(const cli_care_list *l, const json_t *rows, const void *arg), const void *arg);
void cli_care_list_free(cli_care_list *l);

/* ---- small shared pieces ---------------------------------------------- */
/* j indented on stdout; CLI_FAIL (reported) when out of memory. */
int cli_care_print_json(cli_ctx *c, const json_t *j);
/* "now" as a FHIR instant, or the --at value checked; 0 or CLI_USAGE. */
int cli_care_when(cli_ctx *c, const char *at_opt, int64_t *ms);

#endif
