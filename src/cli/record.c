/*
 * src/cli/record.c - `carekey record`: put, get, list and verify a
 * patient's record, over the node (carekey/node_record.h).
 *
 *   record put    --patient P --section S --type T [--policy P] FILE
 *   record get    --patient P [--section S] [--json]
 *   record list   --patient P
 *   record verify --patient P
 *
 * The node fetches, verifies (incrementally over its verified state) and
 * opens; this file parses and prints. Payloads are printed only as the
 * output of a read command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "carekey/node_record.h"
#include "carekey/wire.h"
#include "cli/cli_node.h"

#define PAYLOAD_MAX ((size_t)16 << 20)

static void time_text(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%llu", (unsigned long long)ms);
}

/* ===== record put ============================================================== */

static const char put_usage[] =
    "Usage: carekey record put --patient P --section S --type T [--policy POLICY] FILE\n"
    "\n"
    "Seals the JSON payload in FILE (a FHIR resource, or an array of them) as a\n"
    "new entry of section S of P's record and appends it. The policy is the\n"
    "section's policy from the patient's sharing profile unless --policy is given;\n"
    "attributes are encrypted under their current epochs. The author is this\n"
    "person: the patient, or someone she granted write access to S.\n"
    "\n"
    "  --patient P      the patient's GID\n"
    "  --section S      record section (demographics, allergies, problems, ...)\n"
    "  --type T         FHIR resource type of the payload (AllergyIntolerance, ...)\n"
    "  --policy POLICY  encrypt under this policy instead of the profile's\n"
    "\n" CLI_COMMON_HELP;

static int cmd_put(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"section", required_argument, NULL, 's'},
                                       {"type", required_argument, NULL, 't'},
                                       {"policy", required_argument, NULL, 'P'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "record put";
    ck_node_put_in in;
    ck_node_put_out out;
    uint8_t *buf = NULL;
    size_t len = 0;
    cli_node x;
    int opt, rc;

    memset(&in, 0, sizeof in);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p': in.patient = optarg; break;
        case 's': in.section = optarg; break;
        case 't': in.type = optarg; break;
        case 'P': in.policy = optarg; break;
        case 'h': fputs(put_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!in.patient || !in.section || !in.type)
        return cli_usage_error(x.cmd, help, "--patient, --section and --type are required");
    if (argc - optind != 1) return cli_usage_error(x.cmd, help, argc == optind ? "missing FILE" : "too many arguments");
    if ((rc = cli_read_file(x.cmd, argv[optind], PAYLOAD_MAX, &buf, &len)) != CLI_OK) return rc;
    in.payload = buf;
    in.payload_len = len;
    if ((rc = cli_node_open(&x)) == CLI_OK && ck_node_record_put(x.n, &in, &out) != 0) {
        const ck_node_error *e = ck_node_last_error(x.n);
        /* bad input is named with the file it came from */
        if (e->kind == CK_NODE_E_INVALID && !strcmp(e->path, "payload")) {
            cli_error(x.cmd, "%s: %s", argv[optind], e->msg);
            rc = CLI_FAIL;
        } else if (e->kind == CK_NODE_E_INVALID && strcmp(e->path, "resourceType") == 0) {
            cli_error(x.cmd, "%s: %s", argv[optind], e->msg);
            rc = CLI_USAGE;
        } else if (e->kind == CK_NODE_E_INVALID && e->path[0]) {
            rc = cli_usage_error(x.cmd, help, "%s", e->msg);
        } else {
            rc = cli_node_fail(&x);
        }
    }
    cli_free_secret(buf, len);
    cli_node_close(&x);
    return rc;
}

/* ===== record get / list / verify ================================================ */

static const char get_usage[] =
    "Usage: carekey record get --patient P [--section S] [--json]\n"
    "\n"
    "Fetches P's whole record, verifies it (hash chain, author signatures, write\n"
    "grants, the patient's signed head and the head verified here last), then\n"
    "decrypts the latest version of every entry this person's keys can open.\n"
    "Entries the keys cannot open are listed as \"not shared with you\". Entries\n"
    "that fail verification are never decrypted; any problem makes the exit\n"
    "status 1 and is reported on stderr with its kind and sequence number.\n"
    "\n"
    "  --patient P   the patient's GID\n"
    "  --section S   only this section\n"
    "  --json        one JSON document instead of text\n"
    "\n" CLI_COMMON_HELP;

static int parse_read_opts(int argc, char **argv, cli_node *x, const char *usage, const char **patient,
                           const char **section, int *json)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"section", required_argument, NULL, 's'},
                                       {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    char keep[4];
    int opt;
    snprintf(keep, sizeof keep, "p%s%s", section ? "s" : "", json ? "j" : "");
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, keep);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, x->cmd, x->cmd)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        switch (opt) {
        case 'p': *patient = optarg; break;
        case 's':
            if (!section) return cli_usage_error(x->cmd, x->cmd, "unknown option '--section'");
            *section = optarg;
            break;
        case 'j':
            if (!json) return cli_usage_error(x->cmd, x->cmd, "unknown option '--json'");
            *json = 1;
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (!*patient) return cli_usage_error(x->cmd, x->cmd, "--patient is required");
    if (optind != argc) return cli_usage_error(x->cmd, x->cmd, "unexpected argument '%s'", argv[optind]);
    return cli_node_open(x);
}

static json_t *problems_json(const ck_node_record *r)
{
    ck_node_record_summary s;
    json_t *a = json_array();
    ck_node_record_summary_of(r, &s);
    for (size_t i = 0; i < s.n_problems; i++) {
        ck_node_record_problem p = ck_node_record_problem_at(r, i);
        json_array_append_new(a, json_pack("{s:s,s:I,s:s}", "kind", p.kind, "seq", (json_int_t)p.seq, "detail", p.detail));
    }
    return a;
}

/* One entry of 'record get', as text or into arr. */
static void get_entry(ck_node_record *r, size_t i, json_t *arr, int *failed, cli_node *x)
{
    ck_node_entry_info e;
    char when[32];
    json_t *payload = NULL;
    ck_node_open_status st;
    ck_node_record_entry(r, i, &e);
    st = ck_node_record_open(r, i, &payload);
    if (st == CK_NODE_OPEN_FAILED) {
        cli_error(x->cmd, "%s", ck_node_last_error(x->n)->msg);
        *failed = 1;
    }
    time_text(when, e.time_ms);
    if (arr) {
        json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)e.seq, "section", e.section, "type",
                              e.type, "author", e.author, "time", when, "entry_id", e.entry_id, "status",
                              ck_node_open_status_text(st == CK_NODE_OPEN_OTHER_EPOCH ? CK_NODE_OPEN_NOT_SHARED : st));
        if (payload) json_object_set(o, "payload", payload);
        if (e.version_of != e.seq) json_object_set_new(o, "version_of", json_integer((json_int_t)e.version_of));
        json_array_append_new(arr, o);
    } else {
        printf("# entry %llu  %s  %s  by %s  %s\n", (unsigned long long)e.seq, e.section, e.type, e.author, when);
        if (payload) {
            char *t = ck_fhir_json_dump(payload, JSON_INDENT(2));
            if (t) printf("%s\n", t);
            cli_free_secret((uint8_t *)t, t ? strlen(t) : 0);
        } else {
            printf("(%s)\n", ck_node_open_status_text(st == CK_NODE_OPEN_OTHER_EPOCH ? CK_NODE_OPEN_NOT_SHARED : st));
        }
    }
    json_decref(payload);
}

/* Problems make the exit status 1; a clean chain's head is remembered. */
static int finish_read(cli_node *x, ck_node_record *r, const char *what)
{
    ck_node_record_summary s;
    ck_node_record_summary_of(r, &s);
    if (s.n_problems + s.n_more_problems) {
        cli_error(x->cmd, what, s.n_problems + s.n_more_problems);
        return CLI_FAIL;
    }
    return ck_node_record_pin(r) == 0 ? CLI_OK : cli_node_fail(x);
}

static int cmd_get(int argc, char **argv)
{
    const char *patient = NULL, *section = NULL;
    int json_out = 0, rc, failed = 0;
    size_t shown = 0;
    ck_node_record *r = NULL;
    ck_node_record_summary s;
    json_t *doc = NULL, *arr = NULL;
    cli_node x;

    cli_node_init(&x, "record get");
    if ((rc = parse_read_opts(argc, argv, &x, get_usage, &patient, &section, &json_out)) != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (ck_node_record_load(x.n, patient, CK_NODE_LOAD_REPORT, &r) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    ck_node_record_summary_of(r, &s);
    if (json_out) {
        char hx[65];
        ck_net_hex(hx, s.head_hash, 32);
        arr = json_array();
        doc = json_pack("{s:s,s:{s:I,s:s},s:o,s:o}", "patient", patient, "head", "seq", (json_int_t)s.head_seq,
                        "hash", hx, "entries", arr, "problems", problems_json(r));
    }
    for (size_t i = 0; i < ck_node_record_count(r); i++) {
        ck_node_entry_info e;
        ck_node_record_entry(r, i, &e);
        if (e.kind != CK_NODE_ENTRY_DATA || !e.latest || (section && strcmp(section, e.section) != 0)) continue;
        get_entry(r, i, arr, &failed, &x);
        shown++;
    }
    if (json_out) {
        char *t = ck_fhir_json_dump(doc, JSON_INDENT(2));
        if (t) printf("%s\n", t);
        cli_free_secret((uint8_t *)t, t ? strlen(t) : 0);
    } else if (!shown) {
        printf("(no entries%s%s)\n", section ? " in section " : "", section ? section : "");
    }
    rc = finish_read(&x, r, "%zu problem(s): the record was tampered with or is inconsistent; only verified entries "
                            "were opened");
    if (rc == CLI_OK && failed) rc = CLI_FAIL;
out:
    json_decref(doc);
    ck_node_record_free(r);
    cli_node_close(&x);
    return rc;
}

static const char list_usage[] =
    "Usage: carekey record list --patient P\n"
    "\n"
    "Verifies P's record and lists its entries: sequence number, time, author,\n"
    "section, resource type, policy and whether this person's keys can open it\n"
    "(decided from the ABE header, without decrypting). The state column marks\n"
    "current and superseded versions, bodies the server dropped after a\n"
    "re-encryption, entries of an import not committed yet (left out of every\n"
    "read), grants, commits, the sharing profile, tombstones and entries that\n"
    "fail verification (INVALID).\n"
    "\n" CLI_COMMON_HELP;

/* The state and readable columns of 'record list'. */
static void list_state(const ck_node_entry_info *e, char *state, size_t sc, const char **readable)
{
    static const char *const names[] = {"INVALID", "", "grant", "commit", "profile", "tombstone", "dropped",
                                        "malformed", "unknown"};
    *readable = "-";
    if (e->kind != CK_NODE_ENTRY_DATA) snprintf(state, sc, "%s", names[e->kind]);
    else if (e->uncommitted) snprintf(state, sc, "uncommitted");
    else if (e->abandoned) snprintf(state, sc, "abandoned");
    else {
        *readable = e->readable ? "yes" : "no";
        if (e->superseded_by) snprintf(state, sc, "superseded:%llu", (unsigned long long)e->superseded_by);
        else if (e->version_of != e->seq) snprintf(state, sc, "version of %llu", (unsigned long long)e->version_of);
        else snprintf(state, sc, "current");
    }
}

static int cmd_list(int argc, char **argv)
{
    const char *patient = NULL;
    ck_node_record *r = NULL;
    cli_node x;
    int rc;

    cli_node_init(&x, "record list");
    if ((rc = parse_read_opts(argc, argv, &x, list_usage, &patient, NULL, NULL)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if (ck_node_record_load(x.n, patient, CK_NODE_LOAD_REPORT, &r) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("%-5s  %-20s  %-16s  %-14s  %-20s  %-8s  %-16s  %s\n", "seq", "time", "author", "section", "type",
           "readable", "state", "policy");
    for (size_t i = 0; i < ck_node_record_count(r); i++) {
        ck_node_entry_info e;
        char when[32], policy[4096], state[48];
        const char *readable;
        ck_node_record_entry(r, i, &e);
        time_text(when, e.time_ms);
        list_state(&e, state, sizeof state, &readable);
        ck_node_record_describe(r, i, policy, sizeof policy);
        printf("%-5llu  %-20s  %-16s  %-14s  %-20s  %-8s  %-16s  %s\n", (unsigned long long)e.seq, when, e.author,
               e.section, e.type, readable, state, policy);
    }
    rc = finish_read(&x, r, "%zu problem(s) found; see above");
out:
    ck_node_record_free(r);
    cli_node_close(&x);
    return rc;
}

static const char verify_usage[] =
    "Usage: carekey record verify --patient P\n"
    "\n"
    "Verifies P's whole record: sequence numbers, hash links, entry hashes,\n"
    "author signatures, write grants, superseded versions, the patient's signed\n"
    "head and the head verified here last. Every entry is fetched and checked\n"
    "again, and compared with the chain this node verified before (an entry the\n"
    "server changed since is 'forked'). Prints every problem with its kind\n"
    "(dropped, reordered, broken-link, altered, bad-signature, unknown-author,\n"
    "no-grant, malformed, rolled-back, forked, bad-signed-head, bad-supersede)\n"
    "and sequence number and exits 1 if there is any. An import that was\n"
    "interrupted (a batch no commit closed: its entries are left out of every\n"
    "read) makes the record \"incomplete\", never \"intact\": exit 1 too, until\n"
    "the same import is run again. On success the head is remembered here; when\n"
    "the patient runs it, she also signs the head.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_verify(int argc, char **argv)
{
    const char *patient = NULL;
    ck_node_record *r = NULL;
    ck_node_record_summary s;
    cli_node x;
    char hx[65];
    int rc;

    cli_node_init(&x, "record verify");
    if ((rc = parse_read_opts(argc, argv, &x, verify_usage, &patient, NULL, NULL)) != CLI_OK)
        return rc < 0 ? CLI_OK : rc;
    if (ck_node_record_verify(x.n, patient, &r) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    ck_node_record_summary_of(r, &s);
    for (size_t i = 0; i < s.n_problems; i++) {   /* problems go to stdout */
        ck_node_record_problem p = ck_node_record_problem_at(r, i);
        printf("problem %s seq %llu: %s\n", p.kind, (unsigned long long)p.seq, p.detail);
    }
    if (s.n_more_problems) printf("... and %zu more problems\n", s.n_more_problems);
    rc = CLI_FAIL;
    if (s.n_problems + s.n_more_problems)
        printf("record %s: %zu problem(s) in %zu entries: NOT intact\n", patient, s.n_problems + s.n_more_problems,
               s.n_entries);
    else if (s.n_open_batches)
        printf("record %s: %zu entries verified, but %zu import%s not committed (%zu entries left out): "
               "incomplete; re-run the import to complete it\n",
               patient, s.n_entries, s.n_open_batches, s.n_open_batches == 1 ? " is" : "s are", s.n_open_entries);
    else {
        ck_net_hex(hx, s.head_hash, 32);
        printf("record %s: %zu entries verified, head %llu %s%s: intact\n", patient, s.n_entries,
               (unsigned long long)s.head_seq, hx, s.head_signed ? " (signed by the patient)" : "");
        rc = CLI_OK;
    }
out:
    ck_node_record_free(r);
    cli_node_close(&x);
    return rc;
}

/* ===== group ===================================================================== */

static const cli_subcmd record_subcmds[] = {
    {"put", "seal a JSON payload into a section and append it", put_usage, cmd_put},
    {"get", "verify the record and print what this person can open", get_usage, cmd_get},
    {"list", "verify the record and list its entries", list_usage, cmd_list},
    {"verify", "verify the whole record; exit 1 on any problem", verify_usage, cmd_verify},
};
#define N_RECORD (sizeof record_subcmds / sizeof record_subcmds[0])

static void record_help(FILE *f)
{
    fprintf(f, "Usage: carekey record COMMAND [OPTIONS]\n\nA patient's encrypted record on carekeyd.\n\nCommands:\n");
    for (size_t i = 0; i < N_RECORD; i++) fprintf(f, "  %-8s %s\n", record_subcmds[i].name, record_subcmds[i].summary);
    fprintf(f, "\nRun 'carekey record COMMAND --help' for the options of a command.\n");
}

static int record_run(int argc, char **argv)
{
    return cli_dispatch("record", record_help, record_subcmds, N_RECORD, argc, argv);
}

const cli_group cli_group_record = {"record", "a patient's record: put, get, list, verify", record_run};
