/*
 * src/cli/import.c - `carekey import` and `carekey export` over the node
 * (carekey/node_import.h): FHIR R4 bundles in and out of a record.
 *
 *   import BUNDLE.json --patient P [--max-entry-bytes N]
 *   export --patient P --out FILE
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/fhir.h"
#include "carekey/node_import.h"
#include "cli/cli_node.h"

static const char import_usage[] =
    "Usage: carekey import BUNDLE.json --patient P [common options]\n"
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
    "\n" CLI_COMMON_HELP;

/* What a failed import left: nothing, or an uncommitted part to complete. */
static int import_failed(cli_node *x, const char *file, const ck_node_import_in *in, const ck_node_import_out *out)
{
    const ck_node_error *e = ck_node_last_error(x->n);
    int rc;
    if (e->kind == CK_NODE_E_INVALID && !strcmp(e->key, "bad_bundle")) {
        cli_error(x->cmd, "%s: %s", file, e->msg);
        return CLI_FAIL;
    }
    rc = cli_node_fail(x);
    if (out->stage == CK_NODE_IMPORT_PLANNING)
        cli_error(x->cmd, "nothing was written to %s's record", in->patient);
    else if (out->stage == CK_NODE_IMPORT_WRITING && out->appended)
        cli_error(x->cmd, "interrupted after %zu of %zu entries; the import is not committed (readers leave it "
                          "out): run the same import again to complete it", out->appended, out->n_planned);
    return rc;
}

static void import_done(const char *file, const ck_node_import_in *in, const ck_node_import_out *out)
{
    if (out->empty) {
        printf("%s: no resources to import\n", file);
        return;
    }
    if (out->already) {
        printf("%s is already imported into %s's record (batch committed); nothing to do\n", file, in->patient);
        return;
    }
    printf("imported %zu resources into %zu section entries of %s's record (%zu written now), committed\n",
           out->n_items, out->n_entries, in->patient, out->appended);
    if (out->emergency) printf("sealed the emergency view (%zu resources) for the emergency desk\n", out->n_emergency);
}

static int cmd_import(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"max-entry-bytes", required_argument, NULL, 'm'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "import";
    ck_node_import_in in;
    ck_node_import_out out;
    uint8_t *buf = NULL;
    size_t len = 0;
    uint32_t mb;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') in.patient = optarg;
        else if (opt == 'm' && cli_parse_u32(optarg, &mb) && mb >= 4096) in.max_entry_bytes = mb;
        else if (opt == 'm') return cli_usage_error(x.cmd, help, "--max-entry-bytes takes a number >= 4096");
        else if (opt == 'h') return fputs(import_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!in.patient) return cli_usage_error(x.cmd, help, "--patient is required");
    if (argc - optind != 1) return cli_usage_error(x.cmd, help, argc == optind ? "missing BUNDLE.json" : "too many arguments");
    if (!ck_net_id_valid(in.patient)) return cli_usage_error(x.cmd, help, "'%s' is not a valid GID", in.patient);
    if ((rc = cli_read_file(x.cmd, argv[optind], CK_FHIR_MAX_BUNDLE_BYTES, &buf, &len)) != CLI_OK) return rc;
    in.bundle = buf;
    in.bundle_len = len;
    if ((rc = cli_node_open(&x)) == CLI_OK) {
        if (ck_node_import(x.n, &in, &out) == 0) import_done(argv[optind], &in, &out);
        else rc = import_failed(&x, argv[optind], &in, &out);
    }
    cli_free_secret(buf, len);
    cli_node_close(&x);
    return rc;
}

static int import_run(int argc, char **argv)
{
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
    "\n" CLI_COMMON_HELP;

/* The bundle as indented JSON with a final newline (number lexemes kept). */
static char *bundle_text(const json_t *bundle)
{
    char *text = ck_fhir_json_dump(bundle, JSON_INDENT(1)), *t2;
    size_t l;
    if (!text) return NULL;
    l = strlen(text);
    if (!(t2 = realloc(text, l + 2))) {
        cli_free_secret((uint8_t *)text, l);
        return NULL;
    }
    t2[l] = '\n';
    t2[l + 1] = 0;
    return t2;
}

static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "export", *patient = NULL, *file = NULL;
    ck_node_export_out out;
    char *text = NULL;
    cli_node x;
    int opt, rc;

    memset(&out, 0, sizeof out);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'o') file = optarg;
        else if (opt == 'h') return fputs(export_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient || !file) return cli_usage_error(x.cmd, help, "--patient and --out are required");
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_export(x.n, patient, &out) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (!(text = bundle_text(out.bundle))) {
        cli_error(x.cmd, "out of memory");
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = cli_write_file(x.cmd, file, (const uint8_t *)text, strlen(text), 0600, 0)) != CLI_OK) goto out;
    printf("exported %zu resources of %s's record to %s%s\n", out.n_resources, patient, file,
           out.withheld ? " (some sections are not shared with you)" : "");
out:
    if (text) cli_free_secret((uint8_t *)text, strlen(text));
    ck_node_export_out_free(&out);
    cli_node_close(&x);
    return rc;
}

static int export_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) return fputs(export_usage, stdout), CLI_OK;
    return cmd_export(argc, argv);
}

const cli_group cli_group_export = {"export", "export what you can read of a record as a FHIR Bundle", export_run};
