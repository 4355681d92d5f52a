/*
 * src/client/cli_admin.c - `carekey admin`: the operator enrolls people and
 * registers authorities in the directory. The operator's Ed25519 public key
 * is carekeyd's --admin-key; the operator reads no patient data.
 *
 *   admin init [--kdf-cost N]       the operator identity ("admin") and keyring
 *   admin key                       prints the public key for carekeyd --admin-key
 *   admin pending | approve GID... | reject GID...   the enrollment queue (cli_enroll.c)
 *   admin enroll USER.json          POST /v1/users (from 'carekey init --enroll-out')
 *   admin add-authority AUTH.json   POST /v1/authorities (from 'carekey authority publish')
 *   admin add-org --name N --kind K --display-name D       POST /v1/orgs
 *   admin add-unit --org O --name N --kind K [--display-name D] [--beds N]
 *   admin affiliate --gid G --org O [--unit U] [--title T] [--attr LABEL]...
 *   admin deactivate --gid G        the operator only; admin reactivate --gid G undoes it
 *   admin list orgs|units|staff ...  the directory listings (cli_directory.c)
 *
 * add-unit and affiliate also work from an organization's own
 * home: the keyring's identity signs, so the organization acts for itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/directory.h"
#include "client/cli_ctx.h"
#include "client/cli_enroll.h"

#define REQUEST_MAX (1u << 20)


static const char admin_init_usage[] =
    "Usage: carekey admin init [--kdf-cost LOG2N] [common options]\n"
    "\n"
    "Creates the operator identity (GID \"admin\") and keyring in the home\n"
    "directory. Start carekeyd with --admin-key set to 'carekey admin key'.\n"
    "\n" CLI_CTX_HELP;
static const char admin_key_usage[] = "Usage: carekey admin key [common options]\n\n"
                                      "Prints the operator's Ed25519 public key (hex) for carekeyd --admin-key.\n\n" CLI_CTX_HELP;
static const char enroll_usage[] = "Usage: carekey admin enroll USER.json [common options]\n\n"
                                   "Enrolls a person from the request 'carekey init' wrote.\n\n" CLI_CTX_HELP;
static const char add_auth_usage[] =
    "Usage: carekey admin add-authority AUTH.json [common options]\n\n"
    "Signs, as the operator, the authority record 'carekey authority publish' wrote\n"
    "(name, signing key, ABE public key, organization) and registers it with its\n"
    "signed epoch table. Clients trust an authority only under this signature.\n\n" CLI_CTX_HELP;

/* Parses the common options and at most `want` positional arguments. */
static int parse(cli_ctx *c, int argc, char **argv, const char *help, int want, const char **pos,
                 uint32_t *kdf_cost)
{
    static const struct option lo[] = {{"kdf-cost", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, kdf_cost ? "k" : "");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        if (opt == 'k' && kdf_cost && cli_parse_u32(optarg, kdf_cost) && *kdf_cost >= 10 && *kdf_cost <= 20)
            continue;
        if (opt == 'h') return -1;
        return CLI_USAGE;
    }
    if (argc - optind != want) return cli_usage_error(c->cmd, help, "expected %d argument(s)", want);
    if (want) *pos = argv[optind];
    return CLI_OK;
}

static int read_json(cli_ctx *c, const char *path, json_t **out)
{
    uint8_t *buf;
    size_t len;
    json_error_t err;
    int rc = cli_read_file(c->cmd, path, REQUEST_MAX, &buf, &len);
    if (rc != CLI_OK) return rc;
    *out = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &err);
    free(buf);
    if (!*out) {
        cli_error(c->cmd, "%s:%d: %s", path, err.line, err.text);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int cmd_admin_init(int argc, char **argv)
{
    cli_ctx c;
    uint32_t cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    int rc;
    cli_ctx_init(&c, "admin init");
    if ((rc = parse(&c, argc, argv, "admin init", 0, NULL, &cost)) != CLI_OK) {
        if (rc == -1) fputs(admin_init_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    rc = cli_init_person(&c, "admin", "staff", "operator", NULL, NULL, cost, 1);
    if (rc == CLI_OK) {
        char hex[65];
        ck_net_hex(hex, ck_keyring_identity(c.kr)->ed25519_pk, 32);
        printf("%s\n", hex);
    }
    cli_ctx_close(&c);
    return rc;
}

static int cmd_admin_key(int argc, char **argv)
{
    cli_ctx c;
    char hex[65];
    int rc;
    cli_ctx_init(&c, "admin key");
    if ((rc = parse(&c, argc, argv, "admin key", 0, NULL, NULL)) != CLI_OK) {
        if (rc == -1) fputs(admin_key_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = cli_ctx_keyring(&c)) == CLI_OK) {
        ck_net_hex(hex, ck_keyring_identity(c.kr)->ed25519_pk, 32);
        printf("%s\n", hex);
    }
    cli_ctx_close(&c);
    return rc;
}

static int cmd_enroll(int argc, char **argv)
{
    cli_ctx c;
    const char *path = NULL, *gid = NULL, *ed = NULL, *x = NULL, *name = NULL, *role = NULL;
    json_t *req = NULL;
    json_error_t jerr;
    ck_net_user u;
    int rc;
    cli_ctx_init(&c, "admin enroll");
    if ((rc = parse(&c, argc, argv, "admin enroll", 1, &path, NULL)) != CLI_OK) {
        if (rc == -1) fputs(enroll_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = read_json(&c, path, &req)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    memset(&u, 0, sizeof u);
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:s,s:s}", "gid", &gid, "ed25519", &ed, "x25519",
                       &x, "display_name", &name, "role", &role) != 0 ||
        strlen(gid) > CK_NET_ID_MAX || strlen(name) >= sizeof u.display_name || strlen(role) >= sizeof u.role ||
        ck_net_unhex(u.ed25519, 32, ed) != 0 || ck_net_unhex(u.x25519, 32, x) != 0) {
        cli_error(c.cmd, "%s is not an enrollment request (%s)", path, jerr.text);
        goto out;
    }
    strcpy(u.gid, gid);
    strcpy(u.display_name, name);
    strcpy(u.role, role);
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (ck_net_user_enroll(c.net, &u) != 0) {
        rc = cli_ctx_net_error(&c, "enroll");
        goto out;
    }
    printf("enrolled %s (%s)\n", u.gid, u.role);
    rc = CLI_OK;
out:
    json_decref(req);
    cli_ctx_close(&c);
    return rc;
}

/* The authority record of a 'carekey authority publish' file, and its
 * signed epoch table as JSON text (*table, malloc'ed; NULL when absent). */
static int authority_request(cli_ctx *c, const char *path, json_t *req, ck_net_authority *a, char **table)
{
    const char *name = NULL, *sign = NULL, *abe = NULL, *org = NULL;
    json_t *tab = NULL;
    json_error_t jerr;
    size_t abe_len = 0;
    *table = NULL;
    memset(a, 0, sizeof *a);
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:s,s?o}", "name", &name, "signing_key", &sign,
                       "abe_public_key", &abe, "organization", &org, "epoch_table", &tab) != 0 ||
        !ck_net_id_valid(name) || !ck_net_id_valid(org) || ck_net_unhex(a->sign_pk, 32, sign) != 0 ||
        ck_net_unb64(&a->abe_pk, &abe_len, abe, strlen(abe)) != 0) {
        cli_error(c->cmd, "%s is not an authority record (%s)", path, jerr.text[0] ? jerr.text : "bad field");
        return CLI_FAIL;
    }
    a->abe_pk_len = abe_len;
    snprintf(a->name, sizeof a->name, "%s", name);
    snprintf(a->organization, sizeof a->organization, "%s", org);
    if (tab && !(*table = json_dumps(tab, JSON_COMPACT))) return CLI_FAIL;
    return CLI_OK;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int cmd_add_authority(int argc, char **argv)
{
    cli_ctx c;
    const char *path = NULL;
    json_t *req = NULL;
    ck_net_authority a;
    char *table = NULL;
    int rc;
    memset(&a, 0, sizeof a);
    cli_ctx_init(&c, "admin add-authority");
    if ((rc = parse(&c, argc, argv, "admin add-authority", 1, &path, NULL)) != CLI_OK) {
        if (rc == -1) fputs(add_auth_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = read_json(&c, path, &req)) != CLI_OK || (rc = authority_request(&c, path, req, &a, &table)) != CLI_OK)
        goto out;
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    /* the operator's signature is what every client checks before it
     * encrypts for this authority */
    a.signed_at_ms = wall_ms();
    {
        ck_dir_authority d = {a.name, a.sign_pk, a.abe_pk, a.abe_pk_len, a.organization, a.signed_at_ms};
        if (ck_dir_authority_sign(a.operator_sig, &d, ck_keyring_identity(c.kr)->ed25519_sk) != 0) {
            cli_error(c.cmd, "cannot sign the authority record");
            goto out;
        }
    }
    a.epoch_table = table;
    table = NULL;
    if (ck_net_authority_add(c.net, &a) != 0) {
        rc = cli_ctx_net_error(&c, "add-authority");
        goto out;
    }
    printf("registered authority %s (run by %s), signed by the operator\n", a.name, a.organization);
    rc = CLI_OK;
out:
    free(table);
    ck_net_authority_clear(&a);
    json_decref(req);
    cli_ctx_close(&c);
    return rc;
}

/* ---- the organization directory ---------------------------------------- */

#define ATTR_MAX 64

static const char add_org_usage[] =
    "Usage: carekey admin add-org --name GID --kind hospital|pharmacy|board|desk --display-name NAME\n"
    "                             [common options]\n\n"
    "Registers an organization. GID must be enrolled with role organization; it\n"
    "names the organization, its attribute authority and its ledger.\n\n" CLI_CTX_HELP;
/* %s: the command it runs as ("admin add-unit", "hospital units add"). */
static const char add_unit_usage_fmt[] =
    "Usage: carekey %s --org ORG --name NAME --kind department|ward|theatre\n"
    "         [--display-name NAME] [--beds N] [common options]\n\n"
    "Adds a unit to an organization (--beds: wards only). Run as the operator,\n"
    "or from the organization's own home.\n\n"
    "  --org ORG           the organization\n"
    "  --name NAME         the unit's name (ward-1, cardio, th-1)\n"
    "  --kind KIND         department, ward or theatre\n"
    "  --display-name N    how the directory shows it\n"
    "  --beds N            a ward's beds\n\n" CLI_CTX_HELP;
static const char add_unit_usage[] =
    "Usage: carekey admin add-unit --org ORG --name NAME --kind department|ward|theatre\n"
    "         [--display-name NAME] [--beds N] [common options]\n";
static const char affiliate_usage[] =
    "Usage: carekey admin affiliate --gid GID --org ORG [--unit UNIT] [--title TITLE]\n"
    "                               [--attr LABEL]... [common options]\n\n"
    "Sets a person's affiliation: organization, unit, title and the public list\n"
    "of attribute labels (doctor@medical-board). Replaces the previous one. Run\n"
    "as the operator, or from the organization's own home (its own staff only).\n\n" CLI_CTX_HELP;
static const char deactivate_usage[] =
    "Usage: carekey admin deactivate --gid GID [common options]\n\n"
    "Deactivates a person's account: every request signed by GID then fails\n"
    "with 403 deactivated. The operator's alone (an organization ends its\n"
    "staff's affiliation with 'carekey hospital staff remove'); undone with\n"
    "'carekey admin reactivate'.\n\n" CLI_CTX_HELP;
static const char reactivate_usage[] =
    "Usage: carekey admin reactivate --gid GID [common options]\n\n"
    "Reactivates a deactivated account (the operator only).\n\n" CLI_CTX_HELP;
static const char list_usage[] =
    "Usage: carekey admin list orgs|units|staff [OPTIONS]\n\n"
    "The directory listings, as 'carekey directory' (see its --help).\n";

/* The named options of the directory commands. */
typedef struct {
    const char *name, *kind, *display_name, *org, *unit, *title, *gid;
    const char *attrs[ATTR_MAX];
    size_t nattrs;
    uint32_t beds;
    int have_beds;
} dir_args;

/* Parses the options of `required` and `optional` (option letters);
 * CLI_OK, -1 for --help, or a usage error. */
static int parse_named(cli_ctx *c, int argc, char **argv, const char *help, const char *required,
                       const char *optional, dir_args *a)
{
    static const struct option lo[] = {{"name", required_argument, NULL, 'n'},
                                       {"kind", required_argument, NULL, 'k'},
                                       {"display-name", required_argument, NULL, 'd'},
                                       {"org", required_argument, NULL, 'o'},
                                       {"unit", required_argument, NULL, 'u'},
                                       {"title", required_argument, NULL, 't'},
                                       {"gid", required_argument, NULL, 'g'},
                                       {"attr", required_argument, NULL, 'a'},
                                       {"beds", required_argument, NULL, 'b'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char **slot[128] = {0};
    struct option mine[sizeof lo / sizeof lo[0]];
    char keep[32];
    int opt;
    memset(a, 0, sizeof *a);
    slot['n'] = &a->name, slot['k'] = &a->kind, slot['d'] = &a->display_name, slot['o'] = &a->org;
    slot['u'] = &a->unit, slot['t'] = &a->title, slot['g'] = &a->gid;
    snprintf(keep, sizeof keep, "%s%s", required, optional);
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, keep);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        if (opt == 'h') return -1;
        if (opt == '?') return CLI_USAGE;
        if (!strchr(required, opt) && !strchr(optional, opt)) {
            const struct option *l = lo;
            while (l->name && l->val != opt) l++;
            return cli_usage_error(c->cmd, help, "option '--%s' does not apply here", l->name ? l->name : "?");
        }
        if (opt == 'a') {
            if (a->nattrs == ATTR_MAX) return cli_usage_error(c->cmd, help, "at most %d --attr", ATTR_MAX);
            a->attrs[a->nattrs++] = optarg;
        } else if (opt == 'b') {
            if (!cli_parse_u32(optarg, &a->beds)) return cli_usage_error(c->cmd, help, "--beds: a number >= 0");
            a->have_beds = 1;
        } else {
            *slot[opt] = optarg;
        }
    }
    if (optind != argc) return cli_usage_error(c->cmd, help, "unexpected argument '%s'", argv[optind]);
    for (const char *r = required; *r; r++)
        if (*slot[(int)*r] == NULL) {
            for (const struct option *o = lo; o->name; o++)
                if (o->val == *r) return cli_usage_error(c->cmd, help, "--%s is required", o->name);
        }
    return CLI_OK;
}

/* Common frame of the directory writes: parse, connect, then act. */
typedef int (*dir_fn)(cli_ctx *c, const dir_args *a);

static int run_named(const char *cmd, int argc, char **argv, const char *usage, const char *required,
                     const char *optional, dir_fn act)
{
    char help[64];
    cli_ctx c;
    dir_args a;
    int rc;
    snprintf(help, sizeof help, "%s", cmd);
    cli_ctx_init(&c, cmd);
    if ((rc = parse_named(&c, argc, argv, help, required, optional, &a)) != CLI_OK) {
        if (rc == -1 && usage == add_unit_usage) printf(add_unit_usage_fmt, cmd);
        else if (rc == -1) fputs(usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = cli_ctx_net(&c)) == CLI_OK) rc = act(&c, &a);
    cli_ctx_close(&c);
    return rc;
}

static int do_add_org(cli_ctx *c, const dir_args *a)
{
    if (ck_net_org_add(c->net, a->name, a->kind, a->display_name) != 0) return cli_ctx_net_error(c, a->name);
    printf("registered organization %s (%s)\n", a->name, a->kind);
    return CLI_OK;
}

static int do_add_unit(cli_ctx *c, const dir_args *a)
{
    if (ck_net_unit_add(c->net, a->org, a->name, a->kind, a->display_name, a->beds) != 0)
        return cli_ctx_net_error(c, a->name);
    printf("added %s %s to %s\n", a->kind, a->name, a->org);
    return CLI_OK;
}

static int do_affiliate(cli_ctx *c, const dir_args *a)
{
    if (ck_net_user_affiliate(c->net, a->gid, a->org, a->unit, a->title, a->attrs, a->nattrs, NULL) != 0)
        return cli_ctx_net_error(c, a->gid);
    printf("affiliated %s with %s%s%s\n", a->gid, a->org, a->unit ? "/" : "", a->unit ? a->unit : "");
    return CLI_OK;
}

static int do_deactivate(cli_ctx *c, const dir_args *a)
{
    if (ck_net_user_deactivate(c->net, a->gid, NULL) != 0) return cli_ctx_net_error(c, a->gid);
    printf("deactivated %s\n", a->gid);
    return CLI_OK;
}

static int do_reactivate(cli_ctx *c, const dir_args *a)
{
    if (ck_net_user_reactivate(c->net, a->gid, NULL) != 0) return cli_ctx_net_error(c, a->gid);
    printf("reactivated %s\n", a->gid);
    return CLI_OK;
}

static int cmd_add_org(int argc, char **argv)
{
    return run_named("admin add-org", argc, argv, add_org_usage, "nkd", "", do_add_org);
}

int cli_unit_add(const char *as, int argc, char **argv)
{
    return run_named(as, argc, argv, add_unit_usage, "onk", "db", do_add_unit);
}

static int cmd_add_unit(int argc, char **argv) { return cli_unit_add("admin add-unit", argc, argv); }

static int cmd_affiliate(int argc, char **argv)
{
    return run_named("admin affiliate", argc, argv, affiliate_usage, "go", "uta", do_affiliate);
}

static int cmd_deactivate(int argc, char **argv)
{
    return run_named("admin deactivate", argc, argv, deactivate_usage, "g", "", do_deactivate);
}

static int cmd_reactivate(int argc, char **argv)
{
    return run_named("admin reactivate", argc, argv, reactivate_usage, "g", "", do_reactivate);
}

static int cmd_list(int argc, char **argv) { return cli_directory_run("admin list", argc, argv); }

static const cli_subcmd admin_subcmds[] = {
    {"init", "create the operator identity and keyring", admin_init_usage, cmd_admin_init},
    {"key", "print the operator public key (carekeyd --admin-key)", admin_key_usage, cmd_admin_key},
    {"pending", "the enrollment requests waiting for approval", cli_admin_pending_usage, cli_admin_pending},
    {"approve", "approve enrollment requests (and sign the authorities they register)", cli_admin_approve_usage,
     cli_admin_approve},
    {"reject", "reject enrollment requests", cli_admin_reject_usage, cli_admin_reject},
    {"enroll", "enroll a person from a request file (offline; 'approve' is the usual way)", enroll_usage, cmd_enroll},
    {"add-authority", "register an attribute authority", add_auth_usage, cmd_add_authority},
    {"add-org", "register an organization (hospital, pharmacy, board, desk)", add_org_usage, cmd_add_org},
    {"add-unit", NULL, add_unit_usage, cmd_add_unit}, /* hidden: 'hospital units add' */
    {"affiliate", "set a person's organization, unit, title and attributes", affiliate_usage, cmd_affiliate},
    {"deactivate", "deactivate a person's account (every request then fails)", deactivate_usage, cmd_deactivate},
    {"reactivate", "undo a deactivation", reactivate_usage, cmd_reactivate},
    {"list", "list organizations, units or staff", list_usage, cmd_list},
};

static void admin_help(FILE *f)
{
    fputs("Usage: carekey admin SUBCOMMAND [OPTIONS]\n\nThe operator's directory work (no patient data).\n\n"
          "Subcommands:\n", f);
    cli_print_subcmds(f, admin_subcmds, sizeof admin_subcmds / sizeof *admin_subcmds);
}

static int admin_run(int argc, char **argv)
{
    return cli_dispatch("admin", admin_help, admin_subcmds, sizeof admin_subcmds / sizeof *admin_subcmds, argc, argv);
}

const cli_group cli_group_admin = {"admin", "operator: pending, approve, reject, add-authority, add-org, affiliate, ...",
                                   admin_run};
