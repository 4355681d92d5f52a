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
#define ENC_SECTION "encounters"

#define OPT_PATIENT 'p'
#define OPT_AT 0x1601
#define OPT_HISTORY 0x1602
#define OPT_ENCOUNTER 0x1603
#define OPT_JSON 0x1604
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
static void print_notes(const char *patient, const json_t *rows, size_t withheld)
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
    if (withheld) printf("(%zu note entr%s not shared with you)\n", withheld, withheld == 1 ? "y" : "ies");
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
    "\n" CLI_REC_SHARING_HELP "\n" CLI_CTX_HELP;

/* --history and --encounter need P's notes and encounters. */
static int before_write(cli_ctx *c, cli_care_book *b, const char *patient, const char *encounter, int history,
                        int *loaded)
{
    json_t *rows;
    int rc;
    *loaded = 0;
    if (!history && !encounter) return CLI_OK;
    if ((rc = cli_care_book_load(b, c, patient, SECTION "," ENC_SECTION)) != CLI_OK) return rc;
    *loaded = 1;
    if (encounter && !cli_care_book_find(b, "Encounter", encounter)) {
        cli_error(c->cmd, "no Encounter/%s in %s's record that you may read", encounter, patient);
        return CLI_FAIL;
    }
    if (!history) return CLI_OK;
    if (!(rows = note_rows(b))) return CLI_FAIL;
    print_notes(patient, rows, b->withheld);
    json_decref(rows);
    return CLI_OK;
}

static int cmd_add(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, OPT_PATIENT},
                                       {"text", required_argument, NULL, OPT_TEXT},
                                       {"file", required_argument, NULL, OPT_FILE},
                                       {"kind", required_argument, NULL, OPT_KIND},
                                       {"encounter", required_argument, NULL, OPT_ENCOUNTER},
                                       {"at", required_argument, NULL, OPT_AT},
                                       {"history", no_argument, NULL, OPT_HISTORY},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_REC_SHARING_LONGOPTS,
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "note add", *text = NULL, *file = NULL, *kind = "progress", *at = NULL;
    char author[CK_NET_ID_MAX + 1];
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    ck_care_note_in in;
    ck_care_error err;
    cli_care_writer w;
    cli_care_book b;
    json_t *doc = NULL, *probe;
    int o, rc, history = 0, loaded = 0;
    cli_ctx c;

    memset(&in, 0, sizeof in);
    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, help);
    cli_care_writer_init(&w, &c);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg) || cli_care_writer_option(&w, o, optarg)) continue;
        switch (o) {
        case OPT_PATIENT: in.patient = optarg; break;
        case OPT_TEXT: text = optarg; break;
        case OPT_FILE: file = optarg; break;
        case OPT_KIND: kind = optarg; break;
        case OPT_ENCOUNTER: in.encounter = optarg; break;
        case OPT_AT: at = optarg; break;
        case OPT_HISTORY: history = 1; break;
        case 'h': rc = CLI_OK; fputs(add_usage, stdout); goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    rc = CLI_USAGE;
    if (optind != argc) {
        cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!in.patient || !ck_net_id_valid(in.patient)) {
        cli_usage_error(c.cmd, help, "--patient GID is required");
        goto out;
    }
    if (in.encounter && !ck_net_id_valid(in.encounter)) {
        cli_usage_error(c.cmd, help, "invalid encounter id '%s'", in.encounter);
        goto out;
    }
    if (!text == !file) {
        cli_usage_error(c.cmd, help, "give exactly one of --text and --file");
        goto out;
    }
    if (ck_care_note_kind_parse(kind, &in.kind) != 0) {
        cli_usage_error(c.cmd, help, "--kind is progress, history or discharge");
        goto out;
    }
    if ((rc = cli_care_when(&c, at, &in.at_ms)) != CLI_OK) goto out;
    if (file) {
        if ((rc = cli_read_file(c.cmd, file, CK_CARE_NOTE_MAX, &buf, &buf_len)) != CLI_OK) goto out;
        in.text = (const char *)buf;
        in.len = buf_len;
    } else {
        in.text = text;
        in.len = strlen(text);
    }
    /* the text checked before anything opens */
    in.author = "check";
    if (!(probe = ck_care_note_new(&in, &err))) {
        cli_usage_error(c.cmd, help, "%s%s%s", file ? file : "", file ? ": " : "", err.msg);
        rc = CLI_USAGE;
        goto out;
    }
    json_decref(probe);
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    snprintf(author, sizeof author, "%s", ck_keyring_identity(c.kr)->gid);
    in.author = author;
    if ((rc = before_write(&c, &b, in.patient, in.encounter, history, &loaded)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(doc = ck_care_note_new(&in, &err))) {
        cli_error(c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_put(&w, in.patient, SECTION, doc, NULL, NULL, NULL)) != CLI_OK) goto out;
    printf("noted DocumentReference/%s patient %s kind %s\n", jstr(doc, "id"), in.patient, kind);
out:
    json_decref(doc);
    if (buf) cli_free_secret(buf, buf_len);
    if (loaded) cli_care_book_free(&b);
    cli_care_writer_free(&w);
    cli_ctx_close(&c);
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

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, OPT_PATIENT},
                                       {"json", no_argument, NULL, OPT_JSON},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "note list", *patient = NULL;
    int o, rc, as_json = 0;
    json_t *rows = NULL;
    cli_care_book b;
    cli_ctx c;
    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        if (o == OPT_PATIENT) patient = optarg;
        else if (o == OPT_JSON) as_json = 1;
        else if (o == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient || !ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "--patient GID is required");
    if ((rc = cli_care_book_load(&b, &c, patient, SECTION)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(rows = note_rows(&b))) {
        cli_error(c.cmd, "out of memory");
        goto out;
    }
    rc = CLI_OK;
    if (as_json) {
        char *t = json_dumps(rows, JSON_INDENT(2));
        if (t) printf("%s\n", t);
        else rc = CLI_FAIL;
        cli_rec_free_str(t);
    } else {
        print_notes(patient, rows, b.withheld);
    }
out:
    json_decref(rows);
    cli_care_book_free(&b);
    cli_ctx_close(&c);
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
