/*
 * src/client/cli_import.c - `carekey import` and `carekey export`: FHIR R4
 * bundles in and out of a patient's record.
 *
 *   import BUNDLE.json --patient P   ck_fhir_split, then one sealed entry per
 *                                    non-empty section (payload: the
 *                                    section's JSON array of items) under
 *                                    the profile's policy for that section,
 *                                    then the emergency view (allergies,
 *                                    active problems and medications, blood
 *                                    type: ck_report_emergency_view) as
 *                                    section "emergency" under the
 *                                    profile's emergency policy, which the
 *                                    emergency desk opens for break-glass
 *   export --patient P --out FILE    fetch, verify, open what this person can
 *                                    read, ck_fhir_export: a collection
 *                                    Bundle whose references all resolve
 *                                    (withheld targets replaced)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/report.h"
#include "client/cli_batch.h"

#define IMPORT_TYPE "Bundle"   /* resource type of an entry holding a section's items */
#define EMERGENCY_SECTION "emergency"
#define EMERGENCY_SCHEMA "carekey-emergency/1"


static const char import_usage[] =
    "Usage: carekey import BUNDLE.json --patient P [sharing options] [common options]\n"
    "\n"
    "Splits a FHIR R4 Bundle into record sections (docs/RECORD-MODEL.md) and\n"
    "appends one sealed entry per non-empty section, each under its policy from\n"
    "the patient's sharing profile (the directory section - Organization,\n"
    "Practitioner, ... - under the profile's directory policy, which every\n"
    "reader of a clinical section satisfies). Then the emergency view of the\n"
    "bundle (allergies, active problems, active medications, blood type) goes\n"
    "into section \"emergency\" under the profile's emergency policy: what the\n"
    "emergency desk releases for break-glass. Run by the patient, or a writer\n"
    "she granted every section in the bundle, \"emergency\" and \"batch\".\n"
    "\n"
    "An import is all or nothing: every entry is sealed before the first is\n"
    "written (an authority or epoch the profile needs that cannot be verified\n"
    "stops it there), and the entries form one batch that a final commit entry\n"
    "closes. Readers leave an uncommitted batch out and 'record verify' calls the\n"
    "record incomplete; running the same import again completes it, and\n"
    "importing a bundle twice adds nothing.\n"
    "\n"
    "  --patient P            the patient's GID\n"
    "  --max-entry-bytes N    split a section whose items exceed N bytes of JSON\n"
    "                         over several entries (default 524288; the server\n"
    "                         limits the size of one request)\n"
    "\n" CLI_CTX_HELP;

/* One section's items in entries of at most max_entry bytes of JSON (the
 * server limits one request), in a fixed order so a re-run plans the same. */
static int plan_section(cli_batch *p, cli_ctx *c, cli_rec_sharing *sh, const char *patient, const char *name,
                        const json_t *arr, size_t max_entry)
{
    size_t k = 0, total = json_array_size(arr);
    int rc = CLI_OK;
    while (k < total && rc == CLI_OK) {
        json_t *chunk = cli_batch_chunk(arr, &k, max_entry);
        char *policy = NULL;
        if (!chunk) return CLI_FAIL;
        if ((rc = cli_rec_section_policy(c, sh, patient, name, &policy)) == CLI_OK &&
            cli_batch_add(p, name, IMPORT_TYPE, chunk, policy, json_array_size(chunk)) != 0) {
            free(policy);
            rc = CLI_FAIL;
        }
        json_decref(chunk);
    }
    return rc;
}

/* The emergency view of the imported sections (docs/RECORD-MODEL.md,
 * Reports), one entry of section "emergency":
 * {"schema": "carekey-emergency/1", "sections": {"allergies": [...],
 * "problems": [...], "medications": [...], "results": [...]}}, sealed under
 * the profile's "emergency" policy. Its blocks' sections are always present
 * (possibly empty), so a summary says "none recorded" rather than "not
 * shared". Nothing when the bundle holds none of them. */
static int plan_emergency_view(cli_batch *p, cli_ctx *c, cli_rec_sharing *sh, const char *patient,
                               const ck_fhir_sections *secs, size_t *n_emergency)
{
    static const ck_section blocks[] = {CK_SECTION_ALLERGIES, CK_SECTION_PROBLEMS, CK_SECTION_MEDICATIONS,
                                        CK_SECTION_RESULTS};
    ck_fhir_sections view;
    ck_fhir_error fe;
    json_t *doc = NULL, *out_secs = NULL;
    char *policy = NULL;
    size_t present = 0;
    int rc = CLI_FAIL;

    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) present += json_array_size(secs->section[blocks[b]]);
    if (!present) return CLI_OK;
    memset(&view, 0, sizeof view);
    memset(&fe, 0, sizeof fe);
    if (ck_report_emergency_view(&view, secs, &fe) != CK_FHIR_OK) {
        cli_error(c->cmd, "emergency view: %s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        return CLI_FAIL;
    }
    if (!(out_secs = json_object())) goto out;
    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
        json_t *a = view.section[blocks[b]] ? json_incref(view.section[blocks[b]]) : json_array();
        if (!a || json_object_set_new(out_secs, ck_section_name(blocks[b]), a) != 0) goto out;
        *n_emergency += json_array_size(a);
    }
    if (!(doc = json_pack("{s:s,s:O}", "schema", EMERGENCY_SCHEMA, "sections", out_secs))) goto out;
    if ((rc = cli_rec_section_policy(c, sh, patient, CK_SHARING_VIEW_EMERGENCY, &policy)) != CLI_OK) goto out;
    if (cli_batch_add(p, EMERGENCY_SECTION, IMPORT_TYPE, doc, policy, 0) != 0) {
        free(policy);
        rc = CLI_FAIL;
    }
out:
    json_decref(doc);
    json_decref(out_secs);
    ck_fhir_sections_clear(&view);
    return rc;
}

/* The batch id of an import: the same bundle, record and entry size give
 * the same id, so a re-run finds what an interrupted run left. */
static void batch_id(uint8_t out[CK_REC_ID_BYTES], const char *patient, const uint8_t *bundle, size_t len,
                     size_t max_entry)
{
    uint8_t h[32], *buf = malloc(len + 128);
    size_t n = 0;
    if (!buf) {
        memset(out, 0xff, CK_REC_ID_BYTES);   /* still a valid id; a re-run then starts afresh */
        return;
    }
    n += (size_t)snprintf((char *)buf, 128, "carekey-import-v1|%s|%zu|", patient, max_entry);
    memcpy(buf + n, bundle, len);
    ck_net_sha256(h, buf, n + len);
    memcpy(out, h, CK_REC_ID_BYTES);
    free(buf);
}

static int cmd_import(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"max-entry-bytes", required_argument, NULL, 'm'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "import", *patient = NULL;
    uint8_t *buf = NULL;
    size_t len = 0, n_sections = 0, appended = 0, n_emergency = 0, max_entry = 512u << 10;
    int already = 0;
    uint32_t mb;
    ck_fhir_sections secs;
    ck_fhir_error fe;
    cli_rec_sharing sh;
    cli_rec_sealer sl;
    cli_batch plan;
    cli_progress pr;
    cli_ctx c;
    int opt, rc;

    cli_rec_secure_json();
    memset(&secs, 0, sizeof secs);
    memset(&plan, 0, sizeof plan);
    cli_ctx_init(&c, "import");
    cli_rec_sharing_init(&sh);
    cli_rec_sealer_init(&sl, &c, 1);    /* many seals: precompute the public-key tables */
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg) || cli_rec_sharing_option(&sh, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'm' && cli_parse_u32(optarg, &mb) && mb >= 4096) max_entry = mb;
        else if (opt == 'm') return cli_usage_error(c.cmd, help, "--max-entry-bytes takes a number >= 4096");
        else if (opt == 'h') return fputs(import_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (argc - optind != 1) return cli_usage_error(c.cmd, help, argc == optind ? "missing BUNDLE.json" : "too many arguments");
    if (!ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "'%s' is not a valid GID", patient);
    if ((rc = cli_read_file(c.cmd, argv[optind], CK_FHIR_MAX_BUNDLE_BYTES, &buf, &len)) != CLI_OK) return rc;
    memset(&fe, 0, sizeof fe);
    if (ck_fhir_split(&secs, (const char *)buf, len, &fe) != CK_FHIR_OK) {
        cli_error(c.cmd, "%s: %s", argv[optind], fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        rc = CLI_FAIL;
        goto out;
    }
    batch_id(plan.id, patient, buf, len, max_entry);
    for (int s = 0; s < CK_SECTION_COUNT; s++)
        if (secs.section[s] && json_array_size(secs.section[s])) n_sections++;
    if (n_sections == 0) {
        printf("%s: no resources to import\n", argv[optind]);
        goto out;
    }
    /* 1. plan and seal everything: a missing authority or epoch stops the
     *    import before anything is written */
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    for (int s = 0; s < CK_SECTION_COUNT && rc == CLI_OK; s++)
        if (secs.section[s] && json_array_size(secs.section[s]))
            rc = plan_section(&plan, &c, &sh, patient, ck_section_name((ck_section)s), secs.section[s], max_entry);
    if (rc == CLI_OK) rc = plan_emergency_view(&plan, &c, &sh, patient, &secs, &n_emergency);
    if (rc == CLI_OK) {
        cli_progress_start(&pr, "sealing", plan.n);
        rc = cli_batch_seal(&plan, &c, &sl, patient, &pr);
        cli_progress_end(&pr);
    }
    if (rc != CLI_OK) {
        /* the reason was printed above; say that the record is untouched */
        cli_error(c.cmd, "nothing was written to %s's record", patient);
        goto out;
    }
    /* 2. write the entries the record lacks, then the commit */
    if ((rc = cli_batch_write(&plan, &c, patient, &appended, &already)) != CLI_OK) {
        if (appended)
            cli_error(c.cmd, "interrupted after %zu of %zu entries; the import is not committed (readers leave it "
                             "out): run the same import again to complete it", appended, plan.n);
        goto out;
    }
    if (already) {
        printf("%s is already imported into %s's record (batch committed); nothing to do\n", argv[optind], patient);
        goto out;
    }
    {
        int em = plan.n && !strcmp(plan.e[plan.n - 1].section, EMERGENCY_SECTION);
        printf("imported %zu resources into %zu section entries of %s's record (%zu written now), committed\n",
               plan.n_items, plan.n - (size_t)em, patient, appended);
        if (em) printf("sealed the emergency view (%zu resources) for the emergency desk\n", n_emergency);
    }
    rc = cli_rec_after_write(&c, patient);
out:
    if (buf) cli_free_secret(buf, len);
    cli_batch_free(&plan);
    cli_rec_sealer_free(&sl);
    ck_fhir_sections_clear(&secs);
    cli_rec_sharing_free(&sh);
    cli_ctx_close(&c);
    return rc;
}

static const cli_subcmd import_subcmds[] = {{"import", "import a FHIR Bundle into a record", import_usage, cmd_import}};

static int import_run(int argc, char **argv)
{
    (void)import_subcmds;
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) return fputs(import_usage, stdout), CLI_OK;
    return cmd_import(argc, argv);
}

const cli_group cli_group_import = {"import", "import a FHIR R4 Bundle into a patient's record", import_run};

/* ---- export ------------------------------------------------------------------ */

static const char export_usage[] =
    "Usage: carekey export --patient P --out FILE [common options]\n"
    "\n"
    "Verifies P's record, opens every section this person can read and writes\n"
    "them as a FHIR R4 collection Bundle to FILE (mode 0600). References to\n"
    "resources this person cannot read are replaced by {\"display\": \"withheld\"},\n"
    "so every reference in FILE resolves. Nothing is written if the record does\n"
    "not verify.\n"
    "\n" CLI_CTX_HELP;

static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "export", *patient = NULL, *out = NULL;
    ck_fhir_sections secs;
    ck_fhir_error fe;
    json_t *bundle = NULL;
    char *text = NULL;
    size_t withheld = 0, bad = 0;
    cli_rec_view v;
    cli_ctx c;
    int opt, rc;

    cli_rec_secure_json();
    memset(&secs, 0, sizeof secs);
    memset(&v, 0, sizeof v);
    cli_ctx_init(&c, "export");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'o') out = optarg;
        else if (opt == 'h') return fputs(export_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient || !out) return cli_usage_error(c.cmd, help, "--patient and --out are required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c.cmd, "the record does not verify; nothing exported");
        rc = CLI_FAIL;
        goto out;
    }
    if (v.vo.n_open_batches) {
        cli_error(c.cmd, "the record is incomplete: an import was interrupted (%zu entries not committed); "
                         "nothing exported (re-run that import to complete it)", cli_rec_view_open_entries(&v));
        rc = CLI_FAIL;
        goto out;
    }
    cli_rec_view_sections(&v, &secs, &withheld, &bad);
    if (bad) {
        cli_error(c.cmd, "%zu entries do not open or parse; nothing exported", bad);
        rc = CLI_FAIL;
        goto out;
    }
    memset(&fe, 0, sizeof fe);
    if (ck_fhir_export(&bundle, &secs, CK_FHIR_BUNDLE_COLLECTION, &fe) != CK_FHIR_OK) {
        cli_error(c.cmd, "building the bundle: %s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        rc = CLI_FAIL;
        goto out;
    }
    rc = CLI_FAIL;
    if (!(text = ck_fhir_json_dump(bundle, JSON_INDENT(1)))) goto out;
    {
        size_t l = strlen(text);
        char *t2 = realloc(text, l + 2);
        if (!t2) goto out;
        text = t2;
        text[l] = '\n';
        text[l + 1] = 0;
    }
    if ((rc = cli_write_file(c.cmd, out, (const uint8_t *)text, strlen(text), 0600, 0)) != CLI_OK) goto out;
    printf("exported %zu resources of %s's record to %s%s\n", ck_fhir_sections_count(&secs), patient, out,
           withheld ? " (some sections are not shared with you)" : "");
    rc = cli_rec_view_pin(&v);
out:
    cli_rec_free_str(text);
    json_decref(bundle);
    ck_fhir_sections_clear(&secs);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

static int export_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) return fputs(export_usage, stdout), CLI_OK;
    return cmd_export(argc, argv);
}

const cli_group cli_group_export = {"export", "export what you can read of a record as a FHIR Bundle", export_run};
