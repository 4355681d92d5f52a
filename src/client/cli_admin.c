/*
 * src/client/cli_admin.c - `carekey admin`: the operator enrolls people and
 * registers authorities in the directory. The operator's Ed25519 public key
 * is carekeyd's --admin-key; the operator reads no patient data.
 *
 *   admin init [--kdf-cost N]       the operator identity ("admin") and keyring
 *   admin key                       prints the public key for carekeyd --admin-key
 *   admin enroll USER.json          POST /v1/users (from 'carekey init')
 *   admin add-authority AUTH.json   POST /v1/authorities (from 'carekey authority publish')
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_ctx.h"

#define REQUEST_MAX (1u << 20)

int cli_init_person(cli_ctx *c, const char *gid, const char *role, const char *name, const char *out,
                    unsigned kdf_cost, int quiet);

static const char admin_init_usage[] =
    "Usage: carekey admin init [--kdf-cost LOG2N] [common options]\n"
    "\n"
    "Creates the operator identity (GID \"admin\") and keyring in the home\n"
    "directory. Start carekeyd with --admin-key set to 'carekey admin key'.\n"
    "\n" CLI_CTX_HELP;
static const char admin_key_usage[] = "Usage: carekey admin key [common options]\n\n"
                                      "Prints the operator's Ed25519 public key (hex) for carekeyd --admin-key.\n";
static const char enroll_usage[] = "Usage: carekey admin enroll USER.json [common options]\n\n"
                                   "Enrolls a person from the request 'carekey init' wrote.\n";
static const char add_auth_usage[] =
    "Usage: carekey admin add-authority AUTH.json [common options]\n\n"
    "Registers an authority from the file 'carekey authority publish' wrote.\n";

/* Parses the common options and at most `want` positional arguments. */
static int parse(cli_ctx *c, int argc, char **argv, const char *help, int want, const char **pos,
                 uint32_t *kdf_cost)
{
    static const struct option lo[] = {{"kdf-cost", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    int opt;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c->cmd, help)) != -1) {
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
    uint32_t cost = 15;
    int rc;
    cli_ctx_init(&c, "admin init");
    if ((rc = parse(&c, argc, argv, "admin init --help", 0, NULL, &cost)) != CLI_OK) {
        if (rc == -1) fputs(admin_init_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    rc = cli_init_person(&c, "admin", "staff", "operator", NULL, cost, 1);
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
    if ((rc = parse(&c, argc, argv, "admin key --help", 0, NULL, NULL)) != CLI_OK) {
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
    if ((rc = parse(&c, argc, argv, "admin enroll --help", 1, &path, NULL)) != CLI_OK) {
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

static int cmd_add_authority(int argc, char **argv)
{
    cli_ctx c;
    const char *path = NULL, *name = NULL, *sign = NULL, *abe = NULL;
    json_t *req = NULL;
    json_error_t jerr;
    uint8_t sign_pk[32];
    int rc;
    cli_ctx_init(&c, "admin add-authority");
    if ((rc = parse(&c, argc, argv, "admin add-authority --help", 1, &path, NULL)) != CLI_OK) {
        if (rc == -1) fputs(add_auth_usage, stdout);
        return rc == -1 ? CLI_OK : rc;
    }
    if ((rc = read_json(&c, path, &req)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s}", "name", &name, "signing_key", &sign,
                       "abe_public_key", &abe) != 0 || ck_net_unhex(sign_pk, 32, sign) != 0) {
        cli_error(c.cmd, "%s is not an authority record (%s)", path, jerr.text);
        goto out;
    }
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (ck_net_authority_register(c.net, name, sign_pk, abe, NULL) != 0) {
        rc = cli_ctx_net_error(&c, "add-authority");
        goto out;
    }
    printf("registered authority %s\n", name);
    rc = CLI_OK;
out:
    json_decref(req);
    cli_ctx_close(&c);
    return rc;
}

static const cli_subcmd admin_subcmds[] = {
    {"init", "create the operator identity and keyring", admin_init_usage, cmd_admin_init},
    {"key", "print the operator public key (carekeyd --admin-key)", admin_key_usage, cmd_admin_key},
    {"enroll", "enroll a person in the directory", enroll_usage, cmd_enroll},
    {"add-authority", "register an attribute authority", add_auth_usage, cmd_add_authority},
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

const cli_group cli_group_admin = {"admin", "operator: enroll people, register authorities", admin_run};
