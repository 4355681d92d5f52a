/*
 * src/client/cli_report.c - `carekey report` and `carekey research`.
 *
 *   report personal|professional|research --patient P [--json]
 *   research publish --patient P      (the patient's client)
 *
 * Reports are built from what the reader could decrypt of the verified
 * record (ck_report_build). Researchers never receive identified data: the
 * patient's own client de-identifies her record (ck_deid_research, HIPAA
 * Safe Harbor) and appends the copy as section "research", sealed under the
 * profile's research policy; `report research` reads only that section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/report.h"
#include "client/cli_batch.h"

#define RESEARCH_SECTION "research"
#define RESEARCH_TYPE "Bundle"
#define RESEARCH_SCHEMA "carekey-research/1"

/* The sections a research copy carries (what the research report shows). */
static const ck_section research_sections[] = {
    CK_SECTION_DEMOGRAPHICS, CK_SECTION_ALLERGIES,  CK_SECTION_PROBLEMS,      CK_SECTION_MEDICATIONS,
    CK_SECTION_ENCOUNTERS,   CK_SECTION_PROCEDURES, CK_SECTION_RESULTS,       CK_SECTION_IMMUNIZATIONS,
    CK_SECTION_CAREPLANS,
};

/* Adds the sections of one research part to out. */
static int research_part(cli_rec_view *v, size_t i, ck_fhir_sections *out)
{
    uint8_t *pt = NULL;
    size_t len = 0;
    json_t *doc, *secs;
    if (cli_rec_view_open(v, i, &pt, &len) != CK_REC_OK) return CLI_FAIL;
    doc = ck_fhir_json_parse((const char *)pt, len, NULL);
    cli_free_secret(pt, len);
    secs = json_object_get(doc, "sections");
    if (!json_is_object(secs) || strcmp(json_string_value(json_object_get(doc, "schema")) ?: "", RESEARCH_SCHEMA)) {
        json_decref(doc);
        cli_error(v->c->cmd, "entry %llu: not a research copy", (unsigned long long)v->e[i].seq);
        return CLI_FAIL;
    }
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_t *a = json_object_get(secs, ck_section_name((ck_section)s));
        if (!json_is_array(a)) continue;
        if (!out->section[s]) out->section[s] = json_array();
        json_array_extend(out->section[s], a);
    }
    json_decref(doc);
    return CLI_OK;
}

/* The latest research copy this reader can open: the parts of the batch of
 * the most recently published research entry (or that entry alone). */
static int research_view(cli_rec_view *v, ck_fhir_sections *out, int *found)
{
    size_t best = (size_t)-1;
    *found = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < v->n; i++) {
        if (!v->it[i].data || !v->it[i].latest || strcmp(v->e[i].section, RESEARCH_SECTION) != 0) continue;
        if (!cli_rec_view_readable(v, i)) continue;
        if (best == (size_t)-1 || v->it[i].origin > v->it[best].origin) best = i;
    }
    if (best == (size_t)-1) return CLI_OK;
    for (size_t i = 0; i < v->n; i++) {
        int same = i == best || (ck_rec_in_batch(&v->it[best].cont) && v->it[i].data && v->it[i].latest &&
                                 !memcmp(v->it[i].cont.batch.id, v->it[best].cont.batch.id, CK_REC_ID_BYTES));
        if (same && research_part(v, i, out) != CLI_OK) return CLI_FAIL;
    }
    /* the copy covers every research section: one without a part holds
     * nothing ("none recorded", not "not shared with you") */
    for (size_t k = 0; k < sizeof research_sections / sizeof research_sections[0]; k++)
        if (!out->section[research_sections[k]] && !(out->section[research_sections[k]] = json_array())) return CLI_FAIL;
    *found = 1;
    return CLI_OK;
}

/* ---- report -------------------------------------------------------------------- */

static const char report_usage[] =
    "Usage: carekey report personal|professional|research --patient P [--json]\n"
    "\n"
    "Verifies P's record, opens what this person can read and prints a report:\n"
    "  personal      family: demographics, contacts, allergies, medications, appointments\n"
    "  professional  clinicians: demographics and the clinical sections\n"
    "  research      the de-identified copy the patient published ('carekey research\n"
    "                publish'); never built from identified data\n"
    "Sections this person cannot read are shown as \"not shared with you\".\n"
    "Nothing is shown if the record does not verify (exit 1).\n"
    "\n"
    "  --json   the report as JSON (schema carekey-report/1)\n"
    "\n" CLI_CTX_HELP;

static int cmd_report(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "report", *patient = NULL, *kind_name = argv[0];
    ck_report_kind kind;
    ck_fhir_sections secs;
    ck_fhir_error fe;
    json_t *rep = NULL;
    char *text = NULL, cmdname[64];
    size_t withheld = 0, bad = 0;
    int json_out = 0, opt, rc, found = 0;
    cli_rec_view v;
    cli_ctx c;

    if (strcmp(kind_name, "personal") == 0) kind = CK_REPORT_PERSONAL;
    else if (strcmp(kind_name, "professional") == 0) kind = CK_REPORT_PROFESSIONAL;
    else kind = CK_REPORT_RESEARCH;
    snprintf(cmdname, sizeof cmdname, "report %s", kind_name);
    cli_rec_secure_json();
    memset(&secs, 0, sizeof secs);
    memset(&v, 0, sizeof v);
    cli_ctx_init(&c, cmdname);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'j') json_out = 1;
        else if (opt == 'h') return fputs(report_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; no report");
        rc = CLI_FAIL;
        goto out;
    }
    if (v.vo.n_open_batches)
        cli_error(c.cmd, "note: an interrupted import (%zu entries, not committed) is left out of this report",
                  cli_rec_view_open_entries(&v));
    if (kind == CK_REPORT_RESEARCH) {
        if ((rc = research_view(&v, &secs, &found)) != CLI_OK) goto out;
        if (!found) cli_error(c.cmd, "warning: no research copy of %s's record is shared with you", patient);
    } else {
        cli_rec_view_sections(&v, &secs, &withheld, &bad);
        if (bad) {
            cli_error(c.cmd, "%zu entries do not open or parse; no report", bad);
            rc = CLI_FAIL;
            goto out;
        }
    }
    memset(&fe, 0, sizeof fe);
    if (ck_report_build(&rep, kind, &secs, NULL, &fe) != CK_FHIR_OK ||
        (!json_out && ck_report_text(&text, rep, &fe) != CK_FHIR_OK)) {
        cli_error(c.cmd, "building the report: %s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        rc = CLI_FAIL;
        goto out;
    }
    if (json_out) text = ck_fhir_json_dump(rep, JSON_INDENT(2));
    if (text) fputs(text, stdout);
    if (text && text[0] && text[strlen(text) - 1] != '\n') fputc('\n', stdout);
    rc = cli_rec_view_pin(&v);
out:
    cli_rec_free_str(text);
    json_decref(rep);
    ck_fhir_sections_clear(&secs);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

static void report_help(FILE *f) { fputs(report_usage, f); }

static const cli_subcmd report_subcmds[] = {
    {"personal", "the family's report", report_usage, cmd_report},
    {"professional", "the clinicians' report", report_usage, cmd_report},
    {"research", "the de-identified research view", report_usage, cmd_report},
};

static int report_run(int argc, char **argv)
{
    return cli_dispatch("report", report_help, report_subcmds, 3, argc, argv);
}

const cli_group cli_group_report = {"report", "reports of a record: personal, professional, research", report_run};

/* ---- research publish -------------------------------------------------------------- */

static const char publish_usage[] =
    "Usage: carekey research publish --patient P [sharing options] [common options]\n"
    "\n"
    "Run by the patient: verifies and opens her record, de-identifies it here\n"
    "(HIPAA Safe Harbor: names, contacts, identifiers, full dates, small ZIPs,\n"
    "ages over 89, free text removed; fresh random ids) and appends the copy as\n"
    "section \"research\", sealed under the profile's research policy, in parts\n"
    "of at most 512 KiB written as one batch. Researchers read only the latest\n"
    "copy ('carekey report research'). Nothing is published while an import is\n"
    "interrupted (the record is incomplete).\n"
    "\n" CLI_CTX_HELP;

#define RESEARCH_PART_MAX (512u << 10)   /* the server limits one request */

/* The de-identified sections as research parts of at most
 * RESEARCH_PART_MAX bytes each, into batch b. */
static int plan_research(cli_batch *b, cli_ctx *c, cli_rec_sharing *sh, const char *patient,
                         const ck_fhir_sections *deid)
{
    int rc = CLI_OK;
    for (int s = 0; s < CK_SECTION_COUNT && rc == CLI_OK; s++) {
        size_t k = 0;
        while (rc == CLI_OK && k < json_array_size(deid->section[s])) {
            json_t *chunk = cli_batch_chunk(deid->section[s], &k, RESEARCH_PART_MAX), *doc;
            char *policy = NULL;
            doc = chunk ? json_pack("{s:s,s:{s:o}}", "schema", RESEARCH_SCHEMA, "sections",
                                    ck_section_name((ck_section)s), chunk)
                        : NULL;
            if (!doc) return CLI_FAIL;
            if ((rc = cli_rec_section_policy(c, sh, patient, CK_SHARING_VIEW_RESEARCH, &policy)) == CLI_OK &&
                cli_batch_add(b, RESEARCH_SECTION, RESEARCH_TYPE, doc, policy, json_array_size(chunk)) != 0) {
                free(policy);
                rc = CLI_FAIL;
            }
            json_decref(doc);
        }
    }
    return rc;
}

static int cmd_publish(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "research publish", *patient = NULL;
    ck_fhir_sections secs, subset, deid;
    ck_fhir_error fe;
    size_t withheld = 0, bad = 0, appended = 0;
    int already = 0;
    cli_rec_sharing sh;
    cli_rec_sealer sl;
    cli_batch b;
    cli_progress pr;
    cli_rec_view v;
    cli_ctx c;
    int opt, rc;

    cli_rec_secure_json();
    memset(&secs, 0, sizeof secs);
    memset(&subset, 0, sizeof subset);
    memset(&deid, 0, sizeof deid);
    memset(&v, 0, sizeof v);
    memset(&b, 0, sizeof b);
    cli_ctx_init(&c, "research publish");
    cli_rec_sharing_init(&sh);
    cli_rec_sealer_init(&sl, &c, 0);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg) || cli_rec_sharing_option(&sh, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(publish_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK) goto out;
    if (!cli_rec_is_patient(&c, patient)) {
        cli_error(c.cmd, "only the patient publishes her research copy (this keyring is %s)",
                  ck_keyring_identity(c.kr)->gid);
        rc = CLI_USAGE;
        goto out;
    }
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; not publishing");
        rc = CLI_FAIL;
        goto out;
    }
    if (v.vo.n_open_batches) {
        /* a copy without the interrupted import would look whole to researchers */
        cli_error(c.cmd, "the record is incomplete: an import was interrupted (%zu entries not committed); not "
                         "publishing (re-run that import to complete it)", cli_rec_view_open_entries(&v));
        rc = CLI_FAIL;
        goto out;
    }
    cli_rec_view_sections(&v, &secs, &withheld, &bad);
    if (bad) {
        cli_error(c.cmd, "%zu entries do not open or parse; not publishing", bad);
        rc = CLI_FAIL;
        goto out;
    }
    for (size_t i = 0; i < sizeof research_sections / sizeof research_sections[0]; i++)
        subset.section[research_sections[i]] = secs.section[research_sections[i]];
    memset(&fe, 0, sizeof fe);
    if (ck_deid_research(&deid, &subset, NULL, &fe) != CK_FHIR_OK) {
        cli_error(c.cmd, "de-identification failed: %s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        rc = CLI_FAIL;
        goto out;
    }
    /* a copy of any size: parts in one batch, all or nothing */
    if (ck_random_bytes(b.id, sizeof b.id) != CK_OK) {
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = plan_research(&b, &c, &sh, patient, &deid)) == CLI_OK) {
        cli_progress_start(&pr, "sealing", b.n);
        rc = cli_batch_seal(&b, &c, &sl, patient, &pr);
        cli_progress_end(&pr);
    }
    if (rc != CLI_OK) {
        cli_error(c.cmd, "nothing was written to %s's record", patient);
        goto out;
    }
    if ((rc = cli_batch_write(&b, &c, patient, &appended, &already)) != CLI_OK) goto out;
    printf("published a de-identified copy (%zu resources) in %zu part%s of %s's record\n", b.n_items, b.n,
           b.n == 1 ? "" : "s", patient);
    rc = cli_rec_after_write(&c, patient);
out:
    memset(&subset, 0, sizeof subset);   /* borrowed from secs */
    cli_batch_free(&b);
    cli_rec_sealer_free(&sl);
    ck_fhir_sections_clear(&deid);
    ck_fhir_sections_clear(&secs);
    cli_rec_view_free(&v);
    cli_rec_sharing_free(&sh);
    cli_ctx_close(&c);
    return rc;
}

static void research_help(FILE *f)
{
    fprintf(f, "Usage: carekey research publish --patient P\n\n"
               "  publish  de-identify the patient's record and append it for researchers\n"
               "\nRun 'carekey research publish --help' for the options.\n");
}

static const cli_subcmd research_subcmds[] = {
    {"publish", "de-identify the record and append it for researchers", publish_usage, cmd_publish},
};

static int research_run(int argc, char **argv)
{
    return cli_dispatch("research", research_help, research_subcmds, 1, argc, argv);
}

const cli_group cli_group_research = {"research", "the de-identified research copy of a record: publish",
                                      research_run};
