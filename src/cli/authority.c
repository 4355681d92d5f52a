/*
 * src/cli/authority.c - `carekey authority` over the node
 * (carekey/node_authority.h): attribute authorities run as services from a
 * keyring (a hospital's, a board's, the emergency desk's, or a patient's
 * personal domain patient-<gid>).
 *
 *   create NAME                          ABE setup + Ed25519 signing seed, in the keyring
 *   list                                 the authorities this keyring runs
 *   publish NAME --out AUTH.json [--apk F]  the public record for 'carekey admin add-authority'
 *   issue NAME --gid GID --attr A ...    keygen at the current epochs, sealed to GID, mailed
 *   declare NAME --attr A ...            list attributes in the signed epoch table
 *   revoke NAME --gid GID --attr A       bump A's epoch, re-issue to the other holders
 *   epoch NAME [--json]                  the epochs NAME publishes
 *
 * docs/AUTHORITIES.md has the whole story.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "carekey/node_authority.h"
#include "cli/cli_node.h"

static const struct option no_opts[] = {CLI_COMMON_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* The option loop every authority command shares: common options
 * applied, --help printed (then 'h'). */
static int next_opt(cli_node *x, int argc, char **argv, const struct option *lo, const char *help, const char *usage)
{
    for (;;) {
        int o = cli_next_opt(argc, argv, lo, x->cmd, help);
        if (o != -1 && cli_node_option(x, o, optarg)) continue;
        if (o == 'h') fputs(usage, stdout);
        return o;
    }
}

/* Options that are only the common ones: -1 to go on, else the exit code. */
static int common_opts_only(cli_node *x, int argc, char **argv, const char *help, const char *usage)
{
    int o;
    cli_start_opts();
    if ((o = next_opt(x, argc, argv, no_opts, help, usage)) == -1) return -1;
    return o == 'h' ? CLI_OK : CLI_USAGE;
}

/* The one NAME operand. */
static int one_name(cli_node *x, int argc, char **argv, const char *help, const char **name)
{
    if (argc - optind != 1)
        return cli_usage_error(x->cmd, help, argc == optind ? "missing NAME" : "unexpected argument '%s'",
                               argv[optind + 1]);
    *name = argv[optind];
    return CLI_OK;
}

/* Parses the --attr texts of authority name into spec: usage errors. */
static int parse_attrs(cli_node *x, const char *help, const char *name, const char *const *attrs, size_t n,
                       int allow_value, ck_node_attr_spec *spec)
{
    for (size_t i = 0; i < n; i++) {
        if (ck_node_attr_parse(x->n, attrs[i], allow_value, &spec[i]) != 0)
            return cli_usage_error(x->cmd, help, "%s", ck_node_last_error(x->n)->msg);
        if (strcmp(ck_node_attr_authority(spec[i].label), name) != 0)
            return cli_usage_error(x->cmd, help, "attribute '%s' does not belong to authority '%s'", attrs[i], name);
    }
    return CLI_OK;
}

/* ---- create ------------------------------------------------------------------ */

static const char create_usage[] =
    "Usage: carekey authority create NAME [OPTIONS]\n"
    "\n"
    "Creates attribute authority NAME (1-64 of a-z 0-9 . _ -) in this keyring:\n"
    "a fresh ABE secret key and an Ed25519 signing seed, with which it signs\n"
    "key deliveries and its requests to the server. Typical names: hosp-a,\n"
    "medical-board, pharmacy-board, research-board, er-desk, patient-<gid>.\n"
    "Then: 'carekey authority publish NAME --out NAME.json' and, by the operator,\n"
    "'carekey admin add-authority NAME.json'.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_create(int argc, char **argv)
{
    const char *help = "authority create", *name = NULL;
    ck_node_authority_info info;
    cli_node x;
    int rc;

    cli_node_init(&x, help);
    if ((rc = common_opts_only(&x, argc, argv, help, create_usage)) >= 0) return rc;
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_authority_create(x.n, name, NULL, 0, &info) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("authority %s created in %s\nsigning key: %s\n"
           "next: carekey authority publish %s --out %s.json; the operator runs "
           "carekey admin add-authority %s.json\n",
           name, ck_node_home(x.n), info.signing_key, name, name, name);
out:
    cli_node_close(&x);
    return rc;
}

/* ---- list -------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey authority list [OPTIONS]\n"
    "\n"
    "Lists the authorities this keyring runs, with their signing keys.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_list(int argc, char **argv)
{
    const char *help = "authority list";
    ck_node_authority_info *a = NULL;
    size_t n = 0;
    cli_node x;
    int rc;

    cli_node_init(&x, help);
    if ((rc = common_opts_only(&x, argc, argv, help, list_usage)) >= 0) return rc;
    if (optind < argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_authority_list(x.n, &a, &n) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    for (size_t i = 0; i < n; i++) printf("%s  signing key %s\n", a[i].name, a[i].has_signing ? a[i].signing_key : "(none)");
out:
    free(a);
    cli_node_close(&x);
    return rc;
}

/* ---- publish ----------------------------------------------------------------- */

static const char publish_usage[] =
    "Usage: carekey authority publish NAME --out AUTH.json [--organization GID] [--apk FILE] [OPTIONS]\n"
    "\n"
    "Writes the public record of authority NAME for the operator:\n"
    "  {\"name\", \"signing_key\" (hex), \"abe_public_key\" (base64), \"organization\",\n"
    "   \"epoch_table\" (its signed epochs)}\n"
    "which 'carekey admin add-authority AUTH.json' signs and registers in the directory.\n"
    "\n"
    "Options:\n"
    "  --out FILE           the JSON record to write ('-' for standard output)\n"
    "  --organization GID   who runs the authority (default: this keyring's GID)\n"
    "  --apk FILE           also write the binary ABE public key (for 'carekey abe encrypt --pk')\n"
    "\n" CLI_COMMON_HELP;

static int cmd_publish(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"out", required_argument, NULL, 'o'},
                                       {"apk", required_argument, NULL, 'a'},
                                       {"organization", required_argument, NULL, 'O'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority publish", *name = NULL, *out = NULL, *apk = NULL, *org = NULL;
    uint8_t *pk = NULL;
    size_t pk_len = 0;
    char *text = NULL;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, publish_usage)) != -1) {
        if (o == 'o') out = optarg;
        else if (o == 'a') apk = optarg;
        else if (o == 'O') org = optarg;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!out) return cli_usage_error(x.cmd, help, "missing --out");
    if (org && !ck_net_id_valid(org)) return cli_usage_error(x.cmd, help, "invalid organization GID '%s'", org);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto done;
    if (ck_node_authority_publish(x.n, name, org, &text, &pk, &pk_len) != 0) {
        rc = cli_node_fail(&x);
        goto done;
    }
    if (strcmp(out, "-") == 0) {
        printf("%s\n", text);
    } else {
        size_t tl = strlen(text);
        text[tl] = '\n'; /* json_dumps leaves room: replace the NUL, write tl + 1 bytes */
        rc = cli_write_file(x.cmd, out, (const uint8_t *)text, tl + 1, 0644, 0);
        text[tl] = 0;
    }
    if (rc == CLI_OK && apk) rc = cli_write_file(x.cmd, apk, pk, pk_len, 0644, 0);
    if (rc == CLI_OK && strcmp(out, "-") != 0)
        printf("authority %s: public record %s%s%s\n", name, out, apk ? ", ABE public key " : "", apk ? apk : "");
done:
    free(text);
    free(pk);
    cli_node_close(&x);
    return rc;
}

/* ---- issue ------------------------------------------------------------------- */

static const char issue_usage[] =
    "Usage: carekey authority issue NAME --gid GID --attr A [--attr B ...] [OPTIONS]\n"
    "\n"
    "Issues attribute keys of authority NAME to the user GID at the current epoch\n"
    "of each attribute, seals them to GID's X25519 key from the directory (signed\n"
    "by the authority) and leaves them in GID's mailbox; GID runs\n"
    "'carekey keys sync'. The holders are recorded in HOME/authorities/NAME.json\n"
    "so that 'carekey authority revoke' can re-issue to them.\n"
    "\n"
    "Options:\n"
    "  --gid GID   the recipient, enrolled in the directory\n"
    "  --attr A    an attribute of NAME in policy syntax: doctor@hosp-a,\n"
    "              \"Primary Care\"@hosp-a, or numeric level@hosp-a=3 (its 32\n"
    "              bit-attributes). Repeatable.\n"
    "\n" CLI_COMMON_HELP;

static int cmd_issue(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"gid", required_argument, NULL, 'g'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *help = "authority issue", *name = NULL, *gid = NULL, *attrs[CK_NODE_ATTRS_MAX];
    ck_node_attr_spec *spec = NULL;
    ck_node_issue_out res;
    size_t n_attrs = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, issue_usage)) != -1) {
        switch (o) {
        case 'h': return CLI_OK;
        case 'g': gid = optarg; break;
        case 'a':
            if (n_attrs == CK_NODE_ATTRS_MAX) return cli_usage_error(x.cmd, help, "more than %d --attr", CK_NODE_ATTRS_MAX);
            attrs[n_attrs++] = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!gid) return cli_usage_error(x.cmd, help, "missing --gid");
    if (!ck_id_gid_valid(gid)) return cli_usage_error(x.cmd, help, "invalid GID '%s'", gid);
    if (!n_attrs) return cli_usage_error(x.cmd, help, "missing --attr (at least one)");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(spec = calloc(n_attrs, sizeof *spec))) {
        cli_error(x.cmd, "out of memory");
        goto out;
    }
    if ((rc = parse_attrs(&x, help, name, attrs, n_attrs, 1, spec)) != CLI_OK) goto out;
    if (ck_node_authority_issue(x.n, name, gid, spec, n_attrs, &res) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    for (size_t i = 0; i < n_attrs; i++) {
        if (spec[i].numeric)
            printf("issued %s=%lu (epoch %lu) to %s\n", spec[i].label, (unsigned long)spec[i].value,
                   (unsigned long)res.epochs[i], gid);
        else
            printf("issued %s (epoch %lu) to %s\n", spec[i].label, (unsigned long)res.epochs[i], gid);
    }
    printf("delivered to %s's mailbox (message %lld); %s runs 'carekey keys sync'\n", gid, (long long)res.message, gid);
out:
    free(spec);
    cli_node_close(&x);
    return rc;
}

/* ---- declare ----------------------------------------------------------------- */

static const char declare_usage[] =
    "Usage: carekey authority declare NAME --attr A [--attr B ...] [OPTIONS]\n"
    "\n"
    "Lists attributes of authority NAME in its signed epoch table (at epoch 0)\n"
    "without issuing them to anyone, and publishes the new version. Encryptors\n"
    "seal only for attributes their authority's signed table lists, so an\n"
    "authority declares what sharing profiles name (nurse@nursing-board, ...)\n"
    "before anyone holds it. 'authority issue' declares what it issues itself.\n"
    "\n"
    "Options:\n"
    "  --attr A    an attribute of NAME in policy syntax (a numeric one by its name)\n"
    "\n" CLI_COMMON_HELP;

static int cmd_declare(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"attr", required_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority declare", *name = NULL, *attrs[CK_NODE_ATTRS_MAX];
    ck_node_attr_spec *spec = NULL;
    size_t n_attrs = 0, listed = 0;
    uint64_t version = 0;
    cli_node x;
    int o, rc;

    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, declare_usage)) != -1) {
        if (o == 'h') return CLI_OK;
        if (o != 'a') return CLI_USAGE;
        if (n_attrs == CK_NODE_ATTRS_MAX) return cli_usage_error(x.cmd, help, "more than %d --attr", CK_NODE_ATTRS_MAX);
        attrs[n_attrs++] = optarg;
    }
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!n_attrs) return cli_usage_error(x.cmd, help, "missing --attr (at least one)");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(spec = calloc(n_attrs, sizeof *spec))) {
        cli_error(x.cmd, "out of memory");
        goto out;
    }
    if ((rc = parse_attrs(&x, help, name, attrs, n_attrs, 0, spec)) != CLI_OK) goto out;
    if (ck_node_authority_declare(x.n, name, spec, n_attrs, &listed, &version) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("authority %s lists %zu attribute(s) in its signed epoch table (version %llu)\n", name, listed,
           (unsigned long long)version);
out:
    free(spec);
    cli_node_close(&x);
    return rc;
}

/* ---- revoke ------------------------------------------------------------------ */

static const char revoke_usage[] =
    "Usage: carekey authority revoke NAME --gid GID --attr A [OPTIONS]\n"
    "\n"
    "Revokes attribute A of authority NAME from GID: publishes a new epoch of A\n"
    "in the directory (new encryptions use it, so GID's key no longer opens\n"
    "them), re-issues A at the new epoch to every other holder recorded in\n"
    "HOME/authorities/NAME.json through their mailboxes, and removes GID from\n"
    "the registry. Data already encrypted under the old epoch is re-wrapped by\n"
    "its patient ('carekey rewrap'). For a numeric attribute give its name\n"
    "(level@hosp-a): all its bit-attributes move to the new epoch.\n"
    "\n"
    "Options:\n"
    "  --gid GID   the holder to revoke\n"
    "  --attr A    the attribute, in policy syntax\n"
    "\n" CLI_COMMON_HELP;

/* What a revocation did, as the old CLI printed it. */
static int print_revoke(cli_node *x, const char *name, const char *gid, const char *label, const char *attr,
                        const ck_node_revoke_out *r)
{
    printf("revoked %s from %s: epoch %lu -> %lu\n", label, gid, (unsigned long)r->old_epoch,
           (unsigned long)r->new_epoch);
    for (size_t i = 0; i < r->n_holders; i++) {
        if (r->holders[i].ok)
            printf("re-issued %s (epoch %lu) to %s (message %lld)\n", label, (unsigned long)r->new_epoch,
                   r->holders[i].gid, (long long)r->holders[i].message);
        else
            cli_error(x->cmd, "%s", r->holders[i].error);
    }
    if (r->failed) {
        cli_error(x->cmd, "%zu holder(s) did not get the new key; re-issue with 'carekey authority issue %s "
                          "--gid GID --attr %s'", r->failed, name, attr);
        return CLI_FAIL;
    }
    printf("re-issued to %zu holder(s)\n", r->n_holders);
    return CLI_OK;
}

static int cmd_revoke(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"gid", required_argument, NULL, 'g'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *help = "authority revoke", *name = NULL, *gid = NULL, *attr = NULL;
    ck_node_attr_spec spec;
    ck_node_revoke_out res;
    cli_node x;
    int o, rc;

    memset(&res, 0, sizeof res);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, revoke_usage)) != -1) {
        switch (o) {
        case 'h': return CLI_OK;
        case 'g': gid = optarg; break;
        case 'a':
            if (attr) return cli_usage_error(x.cmd, help, "one --attr per revocation");
            attr = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!gid) return cli_usage_error(x.cmd, help, "missing --gid");
    if (!attr) return cli_usage_error(x.cmd, help, "missing --attr");
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if ((rc = parse_attrs(&x, help, name, &attr, 1, 0, &spec)) != CLI_OK) goto out;
    if (ck_node_authority_revoke(x.n, name, gid, spec.label, &res) == 0 ||
        !strcmp(ck_node_last_error(x.n)->key, "reissue_failed"))
        rc = print_revoke(&x, name, gid, spec.label, attr, &res);
    else
        rc = cli_node_fail(&x);
out:
    ck_node_revoke_out_free(&res);
    cli_node_close(&x);
    return rc;
}

/* ---- epoch ------------------------------------------------------------------- */

static const char epoch_usage[] =
    "Usage: carekey authority epoch NAME [--json] [OPTIONS]\n"
    "\n"
    "Prints the signed epoch table authority NAME publishes in the directory,\n"
    "after checking its signature: every attribute it issued with its epoch;\n"
    "a numeric attribute's epoch (under its name, level@hosp-a) covers its\n"
    "bit-attributes.\n"
    "\n"
    "Options:\n"
    "  --json   print the signed table as JSON\n"
    "\n" CLI_COMMON_HELP;

static void print_epochs(const ck_dir_epochs *t)
{
    printf("version %llu, signed by %s\n", (unsigned long long)t->version, t->authority);
    for (size_t i = 0; i < t->n; i++) printf("%s  %lu\n", t->labels[i].label, (unsigned long)t->labels[i].epoch);
    if (!t->n) printf("(no attribute issued yet)\n");
}

static int cmd_epoch(int argc, char **argv)
{
    static const struct option lo[] = {CLI_COMMON_LONGOPTS, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *help = "authority epoch", *name = NULL;
    ck_dir_epochs t;
    cli_node x;
    int o, rc, as_json = 0;

    memset(&t, 0, sizeof t);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((o = next_opt(&x, argc, argv, lo, help, epoch_usage)) != -1) {
        if (o == 'j') as_json = 1;
        else return o == 'h' ? CLI_OK : CLI_USAGE;
    }
    if ((rc = one_name(&x, argc, argv, help, &name)) != CLI_OK) return rc;
    if (!ck_net_id_valid(name)) return cli_usage_error(x.cmd, help, "invalid authority name '%s'", name);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_authority_epochs(x.n, name, &t) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (as_json) {
        char *text = ck_dir_epochs_json(&t);
        printf("%s\n", text ? text : "{}");
        free(text);
    } else {
        print_epochs(&t);
    }
out:
    ck_dir_epochs_free(&t);
    cli_node_close(&x);
    return rc;
}

/* ---- the group --------------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"create", "create an authority in this keyring (ABE keys, signing seed)", create_usage, cmd_create},
    {"list", "list the authorities this keyring runs", list_usage, cmd_list},
    {"publish", "write the authority's public record for 'carekey admin add-authority'", publish_usage,
     cmd_publish},
    {"issue", "issue attribute keys to a user through the mailbox", issue_usage, cmd_issue},
    {"declare", "list attributes in the signed epoch table without issuing them", declare_usage, cmd_declare},
    {"revoke", "revoke an attribute from a user (new epoch, re-issue to the rest)", revoke_usage, cmd_revoke},
    {"epoch", "print the attribute epochs an authority publishes", epoch_usage, cmd_epoch},
};

static void authority_help(FILE *f)
{
    fprintf(f, "Usage: carekey authority SUBCOMMAND [OPTIONS] [ARGS]\n"
               "\n"
               "Attribute authorities as services: a hospital, a professional board, the\n"
               "emergency desk or a patient's personal domain issues attribute keys to\n"
               "enrolled people through their mailboxes, and revokes them by epoch.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey authority create hosp-a\n"
               "  carekey authority publish hosp-a --out hosp-a.json\n"
               "  carekey admin add-authority hosp-a.json\n"
               "  carekey authority issue hosp-a --gid bob --attr doctor@hosp-a --attr 'level@hosp-a=3'\n"
               "  carekey authority revoke hosp-a --gid bob --attr doctor@hosp-a\n"
               "\n"
               "'carekey authority SUBCOMMAND --help' describes each one; docs/AUTHORITIES.md the flow.\n");
}

static int authority_run(int argc, char **argv)
{
    return cli_dispatch("authority", authority_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_authority = {"authority", "attribute authorities: create, list, publish, issue, declare, revoke, epoch",
                                       authority_run};
