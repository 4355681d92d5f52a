/*
 * src/client/cli_care_note.c - `carekey note`: clinical notes in the
 * patient's record (docs/CARE.md).
 *
 *   add --patient P (--text TEXT | --file F) [--kind progress|history|discharge] [--encounter ID]
 *   list --patient P [--json]
 *
 * A note is a DocumentReference (LOINC progress note 11506-3, history and
 * physical 34117-2, discharge summary 18842-5) whose text is a base64
 * text/plain attachment. Notes go to section `other`, which the default
 * sharing profile gives to the patient and her clinicians only: a
 * pharmacist or a family member cannot read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

#define SECTION "other"

#define OPT_TEXT 0x1605
#define OPT_FILE 0x1606
#define OPT_KIND 0x1607

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- reading notes ------------------------------------------------------------------ */

/* {row..., "text"} of every DocumentReference of the book; text "" (and
 * "readable": false) when the document is not a plain-text note. */
static json_t *note_rows(const cli_care_book *b)
{
    json_t *items = cli_care_book_select(b, SECTION, "DocumentReference"), *rows = json_array(), *it;
    size_t i;
    if (!items || !rows) goto fail;
    json_array_foreach(items, i, it) {
        const json_t *doc = ck_care_item_resource(it);
        json_t *row = ck_care_note_row(doc);
        size_t len = 0;
        char *text = ck_care_note_text(doc, &len, NULL);
        if (!row || json_array_append_new(rows, row) != 0) {
            cli_rec_free_str(text);
            goto fail;
        }
        json_object_set_new(row, "readable", json_boolean(text != NULL));
        json_object_set_new(row, "text", json_string(text ? text : ""));
        cli_rec_free_str(text);
    }
    json_decref(items);
    return rows;
fail:
    json_decref(items);
    json_decref(rows);
    return NULL;
}

/* Each note: a header line, then its text indented by four spaces. */
static int print_notes(const char *patient, const json_t *rows, size_t withheld)
{
    const json_t *r;
    size_t i;
    json_array_foreach(rows, i, r) {
        const char *text = jstr(r, "text");
        printf("DocumentReference/%s  %s  %s  by %s%s%s\n", jstr(r, "id"), jstr(r, "kind"), jstr(r, "date"),
               *jstr(r, "author") ? jstr(r, "author") : "?", *jstr(r, "encounter") ? "  encounter " : "",
               jstr(r, "encounter"));
        if (!json_is_true(json_object_get(r, "readable"))) {
            printf("    (not a plain-text note)\n\n");
            continue;
        }
        while (*text) {
            size_t n = strcspn(text, "\n");
            /* the text was checked: no control characters but tab and line breaks */
            printf("    %.*s\n", (int)(n && text[n - 1] == '\r' ? n - 1 : n), text);
            text += n + (text[n] == '\n');
        }
        putchar('\n');
    }
    if (!json_array_size(rows)) printf("(no notes of %s that you may read)\n", patient);
    cli_care_print_withheld(withheld, "note");
    return CLI_OK;
}

/* ---- add ----------------------------------------------------------------------------- */

static const char add_usage[] =
    "Usage: carekey note add --patient P (--text TEXT | --file F) [--kind progress|history|discharge]\n"
    "                        [--encounter ID] [--at TIME] [--history] [OPTIONS]\n"
    "\n"
    "Writes a clinical note about P, authored by you, into P's record, section\n"
    "other (the patient and her clinicians read it; pharmacists, family and\n"
    "researchers do not): a DocumentReference with the text as a UTF-8\n"
    "plain-text attachment. Prints\n"
    "  noted DocumentReference/<id> patient P kind K\n"
    "\n"
    "  --patient P          the patient\n"
    "  --text TEXT          the note\n"
    "  --file F             the note from a UTF-8 text file (at most 256 KiB)\n"
    "  --kind K             progress (LOINC 11506-3, default), history (history and\n"
    "                       physical, 34117-2) or discharge (discharge summary, 18842-5)\n"
    "  --encounter ID       the Encounter it belongs to (must be in P's record)\n"
    "  --at TIME            the note's date (default now)\n"
    "  --history            print P's notes first\n"
    "\n" CLI_CTX_HELP;

/* --history: P's notes. */
static int show_history(cli_care_cmd *k, const cli_care_book *b)
{
    json_t *rows = note_rows(b);
    int rc = rows ? print_notes(k->patient, rows, b->withheld) : CLI_FAIL;
    json_decref(rows);
    return rc;
}

static int cmd_add(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS,
                                       {"text", required_argument, NULL, OPT_TEXT},
                                       {"file", required_argument, NULL, OPT_FILE},
                                       {"kind", required_argument, NULL, OPT_KIND},
                                       CLI_CARE_ENCOUNTER_LONGOPTS,
                                       CLI_CARE_AT_LONGOPTS,
                                       CLI_CARE_HISTORY_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *text = NULL, *file = NULL, *kind = "progress";
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    ck_care_note_in in;
    ck_care_error err;
    cli_care_book b;
    json_t *doc = NULL, *probe;
    int o, rc;
    cli_care_cmd k;

    memset(&in, 0, sizeof in);
    memset(&b, 0, sizeof b);
    cli_care_cmd_init(&k, "note add");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, o, optarg)) continue;
        switch (o) {
        case OPT_TEXT: text = optarg; break;
        case OPT_FILE: file = optarg; break;
        case OPT_KIND: kind = optarg; break;
        case 'h': rc = CLI_OK; fputs(add_usage, stdout); goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    rc = CLI_USAGE;
    if (optind != argc) {
        cli_usage_error(k.c.cmd, k.help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!k.patient || !ck_net_id_valid(k.patient)) {
        cli_usage_error(k.c.cmd, k.help, "--patient GID is required");
        goto out;
    }
    if (k.encounter && !ck_net_id_valid(k.encounter)) {
        cli_usage_error(k.c.cmd, k.help, "invalid encounter id '%s'", k.encounter);
        goto out;
    }
    if (!text == !file) {
        cli_usage_error(k.c.cmd, k.help, "give exactly one of --text and --file");
        goto out;
    }
    if (ck_care_note_kind_parse(kind, &in.kind) != 0) {
        cli_usage_error(k.c.cmd, k.help, "--kind is progress, history or discharge");
        goto out;
    }
    if ((rc = cli_care_when(&k.c, k.at_opt, &in.at_ms)) != CLI_OK) goto out;
    in.patient = k.patient;
    in.encounter = k.encounter;
    if (file) {
        if ((rc = cli_read_file(k.c.cmd, file, CK_CARE_NOTE_MAX, &buf, &buf_len)) != CLI_OK) goto out;
        in.text = (const char *)buf;
        in.len = buf_len;
    } else {
        in.text = text;
        in.len = strlen(text);
    }
    /* the text checked before anything opens */
    in.author = "check";
    if (!(probe = ck_care_note_new(&in, &err))) {
        cli_usage_error(k.c.cmd, k.help, "%s%s%s", file ? file : "", file ? ": " : "", err.msg);
        rc = CLI_USAGE;
        goto out;
    }
    json_decref(probe);
    if ((rc = cli_care_cmd_open(&k)) != CLI_OK) goto out;
    in.author = k.author;
    if ((rc = cli_care_cmd_context(&k, &b, SECTION, show_history)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(doc = ck_care_note_new(&in, &err))) {
        cli_error(k.c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_put(&k.w, in.patient, SECTION, doc, NULL, NULL, NULL)) != CLI_OK) goto out;
    printf("noted DocumentReference/%s patient %s kind %s\n", jstr(doc, "id"), in.patient, kind);
out:
    json_decref(doc);
    if (buf) cli_free_secret(buf, buf_len);
    cli_care_book_free(&b);
    cli_care_cmd_free(&k);
    return rc;
}

/* ---- list ------------------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey note list --patient P [--json] [OPTIONS]\n"
    "\n"
    "The clinical notes (DocumentReference) in P's verified record that you may\n"
    "read, with their text: for each, a line\n"
    "  DocumentReference/<id>  KIND  DATE  by AUTHOR  [encounter ID]\n"
    "then the text indented by four spaces. Notes are shared with the patient\n"
    "and her clinicians only; others see how many are withheld.\n"
    "\n"
    "  --patient P   the patient\n"
    "  --json        a JSON array of {id, kind, title, date, author, encounter,\n"
    "                status, readable, text}\n"
    "\n" CLI_CTX_HELP;

static int print_list(const cli_care_list *l, const json_t *rows, const void *arg)
{
    (void)arg;
    return print_notes(l->patient, rows, l->b.withheld);
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_LIST_LONGOPTS, {NULL, 0, NULL, 0}};
    cli_care_list l;
    int o, rc;
    cli_care_list_init(&l, "note list");
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, l.c.cmd, l.help)) != -1) {
        if (cli_care_list_option(&l, o, optarg)) continue;
        if (o == 'h') return cli_care_list_free(&l), fputs(list_usage, stdout), CLI_OK;
        return cli_care_list_free(&l), CLI_USAGE;
    }
    if ((rc = cli_care_list_check(&l, argc, argv)) == CLI_OK &&
        (rc = cli_care_book_load(&l.b, &l.c, l.patient, SECTION)) == CLI_OK)
        rc = cli_care_list_print(&l, note_rows(&l.b), print_list, NULL);
    cli_care_list_free(&l);
    return rc;
}

/* ---- the group -------------------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"add", "write a clinical note (progress, history and physical, discharge)", add_usage, cmd_add},
    {"list", "the clinical notes of a patient, with their text", list_usage, cmd_list},
};

static void note_help(FILE *f)
{
    fprintf(f, "Usage: carekey note SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Clinical notes (FHIR DocumentReference, plain text) in the patient's\n"
               "record, section other: read by the patient and her clinicians only.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey note add --patient p1 --text 'Less pain today; continue plan.'\n"
               "  carekey note add --patient p1 --kind history --file hp.txt\n"
               "  carekey note list --patient p1\n"
               "\n"
               "'carekey note SUBCOMMAND --help' describes each one; docs/CARE.md the model.\n");
}

static int note_run(int argc, char **argv)
{
    return cli_dispatch("note", note_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_note = {"note", "clinical notes: add, list", note_run};
