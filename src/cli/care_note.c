/*
 * src/cli/care_note.c - `carekey note` over the node: clinical notes in
 * the patient's record (docs/CARE.md).
 *
 *   add --patient P (--text TEXT | --file F) [--kind progress|history|discharge] [--encounter ID]
 *   list --patient P [--json]
 *
 * A note is a DocumentReference in section `other` (ck_node_note_add);
 * this file reads --file, calls the node and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "carekey/care.h"
#include "cli/care.h"

#define SECTION "other"

#define OPT_TEXT 0x1605
#define OPT_FILE 0x1606
#define OPT_KIND 0x1607
#define OPT_ENCOUNTER 0x1203
#define OPT_HISTORY 0x1204

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- reading notes ------------------------------------------------------------------ */

/* {row..., "text"} of every DocumentReference; text "" (and "readable":
 * false) when the document is not a plain-text note. */
static json_t *note_rows(const json_t *items)
{
    json_t *rows = json_array(), *it;
    size_t i;
    if (!rows) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *doc = ck_care_item_resource(it);
        json_t *row = ck_care_note_row(doc);
        size_t len = 0;
        char *text = ck_care_note_text(doc, &len, NULL);
        if (!row || json_array_append_new(rows, row) != 0) {
            if (text) OPENSSL_cleanse(text, len);
            free(text);
            json_decref(rows);
            return NULL;
        }
        json_object_set_new(row, "readable", json_boolean(text != NULL));
        json_object_set_new(row, "text", json_string(text ? text : ""));
        if (text) OPENSSL_cleanse(text, len);
        free(text);
    }
    return rows;
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
    if (withheld) printf("(%zu note entr%s not shared with you)\n", withheld, withheld == 1 ? "y" : "ies");
    return CLI_OK;
}

/* P's notes from the sections given (withheld counts them all). */
static int show_notes(cli_node *x, const char *help, const char *patient, const char *sections, int as_json)
{
    ck_node_items_out items;
    json_t *rows;
    int rc;
    if (ck_node_care_items(x->n, patient, sections, "DocumentReference", &items) != 0) return cli_cn_fail(x, help);
    if (!(rows = note_rows(items.items))) {
        cli_error(x->cmd, "out of memory");
        rc = CLI_FAIL;
    } else {
        rc = as_json ? cli_cn_json(x, rows) : print_notes(patient, rows, items.withheld);
    }
    json_decref(rows);
    ck_node_items_out_free(&items);
    return rc;
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
    "\n" CLI_COMMON_HELP;

static int cmd_add(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {"text", required_argument, NULL, OPT_TEXT},
                                       {"file", required_argument, NULL, OPT_FILE},
                                       {"kind", required_argument, NULL, OPT_KIND},
                                       {"encounter", required_argument, NULL, OPT_ENCOUNTER},
                                       CLI_CARE_NODE_AT_LONGOPTS,
                                       {"history", no_argument, NULL, OPT_HISTORY},
                                       {NULL, 0, NULL, 0}};
    const char *help = "note add", *text = NULL, *file = NULL;
    uint8_t *buf = NULL;
    size_t buf_len = 0;
    ck_node_note_in in;
    ck_node_write_out out;
    ck_node_error e;
    int o, rc, history = 0;
    cli_node x;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    in.kind = "progress";
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        switch (o) {
        case 'p': in.patient = optarg; break;
        case OPT_TEXT: text = optarg; break;
        case OPT_FILE: file = optarg; break;
        case OPT_KIND: in.kind = optarg; break;
        case OPT_ENCOUNTER: in.encounter = optarg; break;
        case CLI_CARE_NODE_OPT_AT: in.at = optarg; break;
        case OPT_HISTORY: history = 1; break;
        case 'h': fputs(add_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!text == !file) {
        /* the option errors that come first keep their order */
        in.text = "-";
        in.len = 1;
        if (ck_node_note_check(&in, now_ms(), &e) != 0 && strcmp(e.path, "at") != 0) return cli_usage_error(x.cmd, help, "%s", e.msg);
        return cli_usage_error(x.cmd, help, "give exactly one of --text and --file");
    }
    in.text = text ? text : "-";
    in.len = 1;
    if (ck_node_note_check(&in, now_ms(), &e) != 0 && strcmp(e.path, "text") != 0) {
        if (!strcmp(e.path, "at")) {
            cli_error(x.cmd, "%s", e.msg);
            return CLI_USAGE;
        }
        return cli_usage_error(x.cmd, help, "%s", e.msg);
    }
    if (file) {
        if ((rc = cli_read_file(x.cmd, file, 256u * 1024u, &buf, &buf_len)) != CLI_OK) return rc;
        in.text = (const char *)buf;
        in.len = buf_len;
    } else {
        in.len = strlen(text);
    }
    /* the text checked before anything opens */
    if (ck_node_note_check(&in, now_ms(), &e) != 0) {
        rc = cli_usage_error(x.cmd, help, "%s%s%s", file ? file : "", file ? ": " : "", e.msg);
        goto out;
    }
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (history && (rc = show_notes(&x, help, in.patient, SECTION ",encounters", 0)) != CLI_OK) goto out;
    if (ck_node_note_add(x.n, &in, &out) != 0) {
        rc = cli_cn_fail(&x, help);
        goto out;
    }
    printf("noted DocumentReference/%s patient %s kind %s\n", out.id, in.patient, in.kind);
out:
    ck_node_write_out_free(&out);
    if (buf) cli_free_secret(buf, buf_len);
    cli_cn_close(&x);
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
    "\n" CLI_COMMON_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, CLI_CARE_NODE_OPT_JSON},
                                       {"help", no_argument, NULL, 'h'}, CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "note list", *patient = NULL;
    int o, rc, as_json = 0;
    cli_node x;
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, o, optarg)) continue;
        if (o == 'p') patient = optarg;
        else if (o == CLI_CARE_NODE_OPT_JSON) as_json = 1;
        else if (o == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient || !ck_node_care_id_valid(patient)) return cli_usage_error(x.cmd, help, "--patient GID is required");
    if ((rc = cli_node_open(&x)) == CLI_OK) rc = show_notes(&x, help, patient, SECTION, as_json);
    cli_cn_close(&x);
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
