/*
 * src/cli/admin.c - `carekey admin` over the node (carekey/node_admin.h):
 * the operator enrolls people and registers authorities in the directory.
 * The operator's Ed25519 public key is carekeyd's --admin-key; the operator
 * reads no patient data.
 *
 *   admin init [--kdf-cost N]       the operator identity ("admin") and keyring
 *   admin key                       prints the public key for carekeyd --admin-key
 *   admin pending | approve GID... | reject GID...   the enrollment queue
 *   admin enroll USER.json          POST /v1/users (from 'carekey init --enroll-out')
 *   admin add-authority AUTH.json   POST /v1/authorities (from 'carekey authority publish')
 *   admin add-org --name N --kind K --display-name D       POST /v1/orgs
 *   admin add-unit --org O --name N --kind K [--display-name D] [--beds N]
 *   admin affiliate --gid G --org O [--unit U] [--title T] [--attr LABEL]...
 *   admin deactivate --gid G        the operator only; admin reactivate --gid G undoes it
 *   admin list orgs|units|staff ...  the directory listings (directory.c)
 *
 * add-unit and affiliate also work from an organization's own home: the
 * keyring's identity signs, so the organization acts for itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/client.h"
#include "carekey/node_admin.h"
#include "cli/cli_node.h"
#include "cli/init.h"
#include "cli/advice.h"

#define REQUEST_MAX (1u << 20)

static const char admin_init_usage[] =
    "Usage: carekey admin init [--kdf-cost LOG2N] [common options]\n"
    "\n"
    "Creates the operator identity (GID \"admin\") and keyring in the home\n"
    "directory. Start carekeyd with --admin-key set to 'carekey admin key'.\n"
    "\n" CLI_COMMON_HELP;
static const char admin_key_usage[] = "Usage: carekey admin key [common options]\n\n"
                                      "Prints the operator's Ed25519 public key (hex) for carekeyd --admin-key.\n\n" CLI_COMMON_HELP;
static const char enroll_usage[] = "Usage: carekey admin enroll USER.json [common options]\n\n"
                                   "Enrolls a person from the request 'carekey init' wrote.\n\n" CLI_COMMON_HELP;
static const char add_auth_usage[] =
    "Usage: carekey admin add-authority AUTH.json [common options]\n\n"
    "Signs, as the operator, the authority record 'carekey authority publish' wrote\n"
    "(name, signing key, ABE public key, organization) and registers it with its\n"
    "signed epoch table. Clients trust an authority only under this signature.\n\n" CLI_COMMON_HELP;
static const char pending_usage[] =
    "Usage: carekey admin pending [--json] [common options]\n\n"
    "Lists the enrollment requests waiting for the operator, oldest first: GID,\n"
    "role, display name, the organization it registers or joins, the authority\n"
    "it registers and when it was submitted.\n\n" CLI_COMMON_HELP;
static const char approve_usage[] =
    "Usage: carekey admin approve GID... [common options]\n\n"
    "Approves the pending enrollment requests of each GID: the server creates\n"
    "the user (and her record), the organization, the consent to join, and the\n"
    "authority the request registers. Before signing an authority record the\n"
    "operator's client checks its ABE public key and that its epoch table is\n"
    "signed by its own signing key. Check the request with 'admin pending' first.\n\n" CLI_COMMON_HELP;
static const char authorities_usage[] =
    "Usage: carekey admin authorities [NAME...] [--json] [common options]\n\n"
    "The registered authorities and their epochs, each checked: its record\n"
    "signed by the operator, its epoch table signed by its own key. Without\n"
    "NAME: every organization of the directory and every authority this\n"
    "keyring runs. Exit status 1 when any is missing or does not verify.\n\n"
    "  --json   the rows as a JSON array\n\n" CLI_COMMON_HELP;
static const char reject_usage[] =
    "Usage: carekey admin reject GID... [common options]\n\n"
    "Rejects pending enrollment requests (the person may submit a new one).\n\n" CLI_COMMON_HELP;

/* Parses the common options and exactly `want` positional arguments;
 * -1 after --help (usage printed by the caller). */
static int parse(cli_node *x, int argc, char **argv, const char *help, int want, const char **pos, uint32_t *kdf_cost)
{
    static const struct option lo[] = {{"kdf-cost", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, kdf_cost ? "k" : "");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, x->cmd, help)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        if (opt == 'k' && kdf_cost && cli_parse_u32(optarg, kdf_cost) && *kdf_cost >= 10 && *kdf_cost <= 20)
            continue;
        if (opt == 'h') return -1;
        return CLI_USAGE;
    }
    if (argc - optind != want) return cli_usage_error(x->cmd, help, "expected %d argument(s)", want);
    if (want) *pos = argv[optind];
    return CLI_OK;
}

/* A request file: its text (*buf, free()). */
static int read_request(cli_node *x, const char *path, uint8_t **buf, size_t *len)
{
    return cli_read_file(x->cmd, path, REQUEST_MAX, buf, len);
}

/* What a request file parser said, as the operator reads it. */
static int bad_file(cli_node *x, const char *path, int prc, const char *what, const char *why)
{
    if (prc == -1) cli_error(x->cmd, "%s:%s", path, why);
    else cli_error(x->cmd, "%s is not %s (%s)", path, what, why);
    return CLI_FAIL;
}

static int cmd_admin_init(int argc, char **argv)
{
    uint32_t cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    char hex[65];
    cli_node x;
    int rc;
    cli_node_init(&x, "admin init");
    if ((rc = parse(&x, argc, argv, "admin init", 0, NULL, &cost)) != CLI_OK) {
        if (rc == -1) fputs(admin_init_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    /* the operator pins its own key */
    if ((rc = cli_init_identity(&x, "admin", NULL, cost)) == CLI_OK) {
        if (ck_node_admin_key(x.n, hex) == 0) printf("%s\n", hex);
        else rc = cli_node_fail(&x);
    }
    cli_node_close(&x);
    return rc;
}

static int cmd_admin_key(int argc, char **argv)
{
    char hex[65];
    cli_node x;
    int rc;
    cli_node_init(&x, "admin key");
    if ((rc = parse(&x, argc, argv, "admin key", 0, NULL, NULL)) != CLI_OK) {
        if (rc == -1) fputs(admin_key_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = cli_node_open(&x)) == CLI_OK) {
        if (ck_node_admin_key(x.n, hex) == 0) printf("%s\n", hex);
        else rc = cli_node_fail(&x);
    }
    cli_node_close(&x);
    return rc;
}

static int cmd_enroll(int argc, char **argv)
{
    const char *path = NULL;
    ck_node_enroll_file req;
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[160];
    cli_node x;
    int rc, prc;
    cli_node_init(&x, "admin enroll");
    if ((rc = parse(&x, argc, argv, "admin enroll", 1, &path, NULL)) != CLI_OK) {
        if (rc == -1) fputs(enroll_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = read_request(&x, path, &buf, &len)) != CLI_OK) goto out;
    if ((prc = ck_node_enroll_file_parse((const char *)buf, len, &req, why)) != 0) {
        rc = bad_file(&x, path, prc, "an enrollment request", why);
        goto out;
    }
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_admin_enroll(x.n, &req) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("enrolled %s (%s)\n", req.gid, req.role);
out:
    free(buf);
    cli_node_close(&x);
    return rc;
}

static int cmd_add_authority(int argc, char **argv)
{
    const char *path = NULL;
    ck_node_authority_file f;
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[160];
    cli_node x;
    int rc, prc;
    memset(&f, 0, sizeof f);
    cli_node_init(&x, "admin add-authority");
    if ((rc = parse(&x, argc, argv, "admin add-authority", 1, &path, NULL)) != CLI_OK) {
        if (rc == -1) fputs(add_auth_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = read_request(&x, path, &buf, &len)) != CLI_OK) goto out;
    if ((prc = ck_node_authority_file_parse((const char *)buf, len, &f, why)) != 0) {
        rc = bad_file(&x, path, prc, "an authority record", why);
        goto out;
    }
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_admin_add_authority(x.n, &f) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    printf("registered authority %s (run by %s), signed by the operator\n", f.name, f.organization);
out:
    ck_node_authority_file_clear(&f);
    free(buf);
    cli_node_close(&x);
    return rc;
}

/* ---- the enrollment queue -------------------------------------------------------- */

/* The common options and the GID operands (at least min); --json sets
 * *json when json is not NULL. CLI_OK, -1 after --help, or a usage error. */
static int queue_args(cli_node *x, int argc, char **argv, const char *usage, int min, int *json)
{
    static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, json ? "j" : "");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, x->cmd, x->cmd)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        if (opt == 'j' && json) *json = 1;
        else if (opt == 'h') {
            fputs(usage, stdout);
            return -1;
        } else return cli_usage_error(x->cmd, x->cmd, opt == 'j' ? "no --json here" : "bad option");
    }
    if (argc - optind < min) return cli_usage_error(x->cmd, x->cmd, "expected a GID");
    if (!min && argc != optind) return cli_usage_error(x->cmd, x->cmd, "unexpected argument '%s'", argv[optind]);
    for (int i = optind; i < argc; i++)
        if (!ck_net_id_valid(argv[i])) return cli_usage_error(x->cmd, x->cmd, "invalid GID '%s'", argv[i]);
    return CLI_OK;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

static void print_request(const json_t *r)
{
    const json_t *org = json_object_get(r, "org"), *auth = json_object_get(r, "authority");
    char when[32] = "-";
    time_t t = (time_t)(json_integer_value(json_object_get(r, "created_at")) / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%-20s %-12s %-26s %-22s %-18s %s\n", str(r, "gid"), str(r, "role"),
           str(r, "display_name") ? str(r, "display_name") : "-",
           json_is_object(org) ? str(org, "kind") : str(r, "join_org") ? str(r, "join_org") : "-",
           json_is_object(auth) ? str(auth, "name") : "-", when);
}

static int cmd_pending(int argc, char **argv)
{
    json_t *v = NULL, *r;
    size_t i;
    cli_node x;
    int rc, json = 0;
    cli_node_init(&x, "admin pending");
    if ((rc = queue_args(&x, argc, argv, pending_usage, 0, &json)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_admin_pending(x.n, &v) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    if (json) {
        char *text = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (text) printf("%s\n", text);
        free(text);
    } else if (!json_array_size(v)) {
        printf("no enrollment request is waiting\n");
    } else {
        printf("%-20s %-12s %-26s %-22s %-18s %s\n", "GID", "ROLE", "NAME", "ORG (KIND) / JOINS", "AUTHORITY",
               "SUBMITTED");
        json_array_foreach(v, i, r) print_request(r);
    }
out:
    json_decref(v);
    cli_node_close(&x);
    return rc;
}

/* One GID's failure, printed; its exit code. */
static int decision_failed(cli_node *x, const ck_node_error *e)
{
    cli_error(x->cmd, "%s", e->msg);
    if (e->status) cli_advice_print(x->cmd, e->key);
    if (e->kind == CK_NODE_E_UNREACHABLE || e->kind == CK_NODE_E_IO) return CLI_IO;
    return e->kind == CK_NODE_E_INVALID ? CLI_USAGE : CLI_FAIL;
}

static void print_approved(const ck_node_decision *d)
{
    printf("approved %s (%s)", d->gid, d->role);
    if (d->join_org[0]) printf(", joins %s", d->join_org);
    if (d->org_registered) printf(", organization registered");
    if (d->authority[0]) printf(", authority %s signed by the operator", d->authority);
    printf("\n");
}

/* approve (1) or reject (0) every GID operand. */
static int decide(int argc, char **argv, const char *cmd, const char *usage, int approve)
{
    ck_node_decision *d = NULL;
    size_t count;
    cli_node x;
    int rc, worst = CLI_OK;
    cli_node_init(&x, cmd);
    if ((rc = queue_args(&x, argc, argv, usage, 1, NULL)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    count = (size_t)(argc - optind);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (!(d = calloc(count, sizeof *d))) {
        cli_error(x.cmd, "out of memory");
        rc = CLI_FAIL;
        goto out;
    }
    if (ck_node_admin_decide(x.n, approve, (const char *const *)argv + optind, count, d) != 0 && !d[0].gid[0]) {
        rc = cli_node_fail(&x); /* before any GID: the keyring, the queue */
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        if (!d[i].ok) worst = decision_failed(&x, &d[i].err);
        else if (approve) print_approved(&d[i]);
        else printf("rejected %s\n", d[i].gid);
    }
    rc = worst;
out:
    free(d);
    cli_node_close(&x);
    return rc;
}

static void print_authority(const json_t *r)
{
    const json_t *t = json_object_get(r, "epoch_table"), *e = json_object_get(t, "epochs"), *v;
    const char *label;
    char version[32] = "-";
    if (json_is_object(t)) snprintf(version, sizeof version, "v%lld", (long long)json_integer_value(json_object_get(t, "version")));
    printf("%-20s %-20s %-6s %s\n", str(r, "name"), str(r, "organization") ? str(r, "organization") : "-", version,
           json_is_true(json_object_get(r, "verified")) ? "verified" : str(r, "problem"));
    json_object_foreach((json_t *)e, label, v) printf("    %-40s epoch %lld\n", label, (long long)json_integer_value(v));
}

static int cmd_authorities(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
    json_t *rows = NULL, *r;
    size_t i;
    cli_node x;
    int opt, rc, json = 0, bad = 0;
    cli_node_init(&x, "admin authorities");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, x.cmd)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        if (opt == 'j') json = 1;
        else if (opt == 'h') return fputs(authorities_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    for (int k = optind; k < argc; k++)
        if (!ck_net_id_valid(argv[k])) return cli_usage_error(x.cmd, x.cmd, "invalid authority name '%s'", argv[k]);
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    if (ck_node_admin_authorities(x.n, (const char *const *)argv + optind, (size_t)(argc - optind), &rows) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    json_array_foreach(rows, i, r) bad |= !json_is_true(json_object_get(r, "verified"));
    if (json) {
        char *text = json_dumps(rows, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (text) printf("%s\n", text);
        free(text);
    } else if (!json_array_size(rows)) {
        printf("no authority\n");
    } else {
        printf("%-20s %-20s %-6s %s\n", "NAME", "ORGANIZATION", "TABLE", "STATUS");
        json_array_foreach(rows, i, r) print_authority(r);
    }
    rc = bad ? CLI_FAIL : CLI_OK;
out:
    json_decref(rows);
    cli_node_close(&x);
    return rc;
}

static int cmd_approve(int argc, char **argv) { return decide(argc, argv, "admin approve", approve_usage, 1); }
static int cmd_reject(int argc, char **argv) { return decide(argc, argv, "admin reject", reject_usage, 0); }

/* ---- the organization directory ---------------------------------------- */

#define ATTR_MAX 64

static const char add_org_usage[] =
    "Usage: carekey admin add-org --name GID --kind hospital|pharmacy|board|desk --display-name NAME\n"
    "                             [common options]\n\n"
    "Registers an organization. GID must be enrolled with role organization; it\n"
    "names the organization, its attribute authority and its ledger.\n\n" CLI_COMMON_HELP;
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
    "  --beds N            a ward's beds\n\n" CLI_COMMON_HELP;
static const char add_unit_usage[] =
    "Usage: carekey admin add-unit --org ORG --name NAME --kind department|ward|theatre\n"
    "         [--display-name NAME] [--beds N] [common options]\n";
static const char affiliate_usage[] =
    "Usage: carekey admin affiliate --gid GID --org ORG [--unit UNIT] [--title TITLE]\n"
    "                               [--attr LABEL]... [common options]\n\n"
    "Sets a person's affiliation: organization, unit, title and the public list\n"
    "of attribute labels (doctor@medical-board). Replaces the previous one. Run\n"
    "as the operator, or from the organization's own home (its own staff only).\n\n" CLI_COMMON_HELP;
static const char deactivate_usage[] =
    "Usage: carekey admin deactivate --gid GID [common options]\n\n"
    "Deactivates a person's account: every request signed by GID then fails\n"
    "with 403 deactivated. The operator's alone (an organization ends its\n"
    "staff's affiliation with 'carekey hospital staff remove'); undone with\n"
    "'carekey admin reactivate'.\n\n" CLI_COMMON_HELP;
static const char reactivate_usage[] =
    "Usage: carekey admin reactivate --gid GID [common options]\n\n"
    "Reactivates a deactivated account (the operator only).\n\n" CLI_COMMON_HELP;
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
static int parse_named(cli_node *x, int argc, char **argv, const char *help, const char *required,
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
                                       CLI_COMMON_LONGOPTS,
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
    while ((opt = cli_next_opt(argc, argv, mine, x->cmd, help)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        if (opt == 'h') return -1;
        if (opt == '?') return CLI_USAGE;
        if (!strchr(required, opt) && !strchr(optional, opt)) {
            const struct option *l = lo;
            while (l->name && l->val != opt) l++;
            return cli_usage_error(x->cmd, help, "option '--%s' does not apply here", l->name ? l->name : "?");
        }
        if (opt == 'a') {
            if (a->nattrs == ATTR_MAX) return cli_usage_error(x->cmd, help, "at most %d --attr", ATTR_MAX);
            a->attrs[a->nattrs++] = optarg;
        } else if (opt == 'b') {
            if (!cli_parse_u32(optarg, &a->beds)) return cli_usage_error(x->cmd, help, "--beds: a number >= 0");
            a->have_beds = 1;
        } else {
            *slot[opt] = optarg;
        }
    }
    if (optind != argc) return cli_usage_error(x->cmd, help, "unexpected argument '%s'", argv[optind]);
    for (const char *r = required; *r; r++)
        if (*slot[(int)*r] == NULL) {
            for (const struct option *o = lo; o->name; o++)
                if (o->val == *r) return cli_usage_error(x->cmd, help, "--%s is required", o->name);
        }
    return CLI_OK;
}

/* One directory write: the node's operation and the line it prints. */
typedef int (*dir_fn)(ck_node *n, const dir_args *a);

static int do_add_org(ck_node *n, const dir_args *a)
{
    if (ck_node_admin_add_org(n, a->name, a->kind, a->display_name) != 0) return -1;
    printf("registered organization %s (%s)\n", a->name, a->kind);
    return 0;
}

static int do_add_unit(ck_node *n, const dir_args *a)
{
    if (ck_node_admin_add_unit(n, a->org, a->name, a->kind, a->display_name, a->beds) != 0) return -1;
    printf("added %s %s to %s\n", a->kind, a->name, a->org);
    return 0;
}

static int do_affiliate(ck_node *n, const dir_args *a)
{
    if (ck_node_admin_affiliate(n, a->gid, a->org, a->unit, a->title, a->attrs, a->nattrs) != 0) return -1;
    printf("affiliated %s with %s%s%s\n", a->gid, a->org, a->unit ? "/" : "", a->unit ? a->unit : "");
    return 0;
}

static int do_deactivate(ck_node *n, const dir_args *a)
{
    if (ck_node_admin_deactivate(n, a->gid) != 0) return -1;
    printf("deactivated %s\n", a->gid);
    return 0;
}

static int do_reactivate(ck_node *n, const dir_args *a)
{
    if (ck_node_admin_reactivate(n, a->gid) != 0) return -1;
    printf("reactivated %s\n", a->gid);
    return 0;
}

static int run_named(const char *cmd, int argc, char **argv, const char *usage, const char *required,
                     const char *optional, dir_fn act)
{
    cli_node x;
    dir_args a;
    int rc;
    cli_node_init(&x, cmd);
    if ((rc = parse_named(&x, argc, argv, cmd, required, optional, &a)) != CLI_OK) {
        if (rc == -1 && usage == add_unit_usage) printf(add_unit_usage_fmt, cmd);
        else if (rc == -1) fputs(usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = cli_node_open(&x)) == CLI_OK && act(x.n, &a) != 0) rc = cli_node_fail(&x);
    cli_node_close(&x);
    return rc;
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
    {"pending", "the enrollment requests waiting for approval", pending_usage, cmd_pending},
    {"approve", "approve enrollment requests (and sign the authorities they register)", approve_usage, cmd_approve},
    {"reject", "reject enrollment requests", reject_usage, cmd_reject},
    {"authorities", "the registered authorities and their epochs, checked", authorities_usage, cmd_authorities},
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
