/*
 * src/client/cli_init.c - `carekey init`: a person's identity (GID, Ed25519
 * and X25519 keys) and keyring, encrypted at rest, in her home directory.
 * Submits the enrollment request to the server's queue for the operator
 * to approve (`carekey admin approve`), or writes it to a file for the
 * offline `carekey admin enroll`.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_ctx.h"
#include "client/cli_advice.h"
#include "client/cli_enroll.h"

static const char init_usage_fmt[] =
    "Usage: carekey init --gid GID --operator-key HEX [--role ROLE] [--display-name NAME]\n"
    "                    [--join ORG] [--server URL] [--enroll-out FILE] [--wait SECONDS]\n"
    "                    [--kdf-cost LOG2N] [common options]\n"
    "\n"
    "Creates this person's identity (Ed25519 signing key, X25519 key for sealed\n"
    "deliveries) and keyring (scrypt + AES-256-GCM) in the home directory, pins\n"
    "the operator's key and saves the server URL. Then the enrollment request\n"
    "(public keys only) goes to the server's queue, where the operator approves\n"
    "it ('carekey admin approve GID'); with --enroll-out it is written to FILE\n"
    "instead, for the offline 'carekey admin enroll FILE' (so it is without a\n"
    "server). The passphrase is asked twice and must have at least 12 characters.\n"
    "\n"
    "  --operator-key HEX the operator's public key ('carekey admin key' prints it;\n"
    "                     default $CAREKEY_OPERATOR_KEY). Authorities are trusted only\n"
    "                     under its signature, so get it from your operator, not the server.\n"
    "  --role ROLE        %s (default patient)\n"
    "  --display-name N   how the directory shows a staff member or organization;\n"
    "                     patients, family and caregivers are shown by GID only\n"
    "  --join ORG         staff: consent to be affiliated with ORG (its 'hospital staff\n"
    "                     add' then takes you on); recorded when the request is approved\n"
    "  --wait SECONDS     wait up to SECONDS for the operator's approval\n"
    "  --kdf-cost LOG2N   scrypt N = 2^LOG2N (default 17; lower only for tests)\n"
    "\n" CLI_CTX_HELP;

/* "a, b, ... or z": the roles the server enrolls (ck_net_roles), wrapped
 * under the option column of the help if wrap. */
static void roles_text(char *buf, size_t cap, int wrap)
{
    size_t n = 0, col = 21;
    buf[0] = 0;
    for (size_t i = 0; ck_net_roles[i] && n < cap; i++) {
        const char *sep = i == 0 ? "" : ck_net_roles[i + 1] ? ", " : " or ";
        size_t w = strlen(sep) + strlen(ck_net_roles[i]);
        if (wrap && col + w > 78) {
            n += (size_t)snprintf(buf + n, cap - n, "%s\n%21s", i && ck_net_roles[i + 1] ? "," : " or", "");
            sep = "";
            col = 21;
            w = strlen(ck_net_roles[i]);
        }
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep, ck_net_roles[i]);
        col += w;
    }
}

static void init_help(FILE *f)
{
    char roles[512];
    roles_text(roles, sizeof roles, 1);
    fprintf(f, init_usage_fmt, roles);
}

/* Patients' and their families' names stay off the server: the sealed
 * demographics section holds them, the directory shows the GID. */
static int private_person(const char *role)
{
    return !strcmp(role, "patient") || !strcmp(role, "family") || !strcmp(role, "caregiver");
}

static json_t *enrollment(const ck_identity *id, const char *role, const char *name)
{
    char ed[65], x[65];
    ck_net_hex(ed, id->ed25519_pk, 32);
    ck_net_hex(x, id->x25519_pk, 32);
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "gid", id->gid, "ed25519", ed, "x25519", x, "display_name",
                     name && !private_person(role) ? name : id->gid, "role", role);
}

/* Writes the enrollment JSON to path or stdout. */
static int emit_enrollment(const char *cmd, json_t *req, const char *path)
{
    char *text = json_dumps(req, JSON_INDENT(2) | JSON_SORT_KEYS), *line;
    int rc = CLI_OK;
    if (!text || !(line = malloc(strlen(text) + 2))) {
        free(text);
        return CLI_FAIL;
    }
    sprintf(line, "%s\n", text);
    if (path) rc = cli_write_file(cmd, path, (const uint8_t *)line, strlen(line), 0644, 0);
    else fputs(line, stdout);
    free(line);
    free(text);
    return rc;
}


/* The operator key to pin: hex from the option or $CAREKEY_OPERATOR_KEY;
 * NULL hex = this identity's own key (the operator's keyring). */
static int pin_operator(cli_ctx *c, const char *hex, const ck_identity *id)
{
    uint8_t pk[32];
    if (!hex) memcpy(pk, id->ed25519_pk, 32);
    else if (ck_net_unhex(pk, 32, hex) != 0) {
        cli_error(c->cmd, "--operator-key: 64 hex digits expected");
        return CLI_USAGE;
    }
    if (ck_keyring_set_operator(c->kr, pk) != CK_KEYRING_OK) return CLI_FAIL;
    return cli_ctx_save(c);
}

int cli_init_person(cli_ctx *c, const char *gid, const char *role, const char *name, const char *out,
                    const char *operator_hex, unsigned kdf_cost, int quiet)
{
    char path[PATH_MAX], pass[CK_KEYRING_PASSPHRASE_MAX + 1];
    ck_keyring_kdf kdf = CK_KEYRING_KDF_DEFAULT;
    ck_identity id;
    ck_keyring_err ke;
    json_t *req = NULL;
    int rc;

    if (ck_id_create(&id, gid) != CK_ID_OK) {
        cli_error(c->cmd, "'%s' is not a valid GID", gid);
        return CLI_USAGE;
    }
    if ((rc = cli_ctx_make_home(c)) != CLI_OK) goto out;
    cli_ctx_path(c, path, "keyring.ckr");
    rc = CLI_USAGE;
    if ((ke = ck_keyring_passphrase_new(c->pass_source, pass, sizeof pass)) != CK_KEYRING_OK) {
        char why[400];
        cli_error(c->cmd, "passphrase: %s", cli_passphrase_problem(why, sizeof why, c->pass_source, ke));
        goto out;
    }
    kdf.log2_n = (uint8_t)kdf_cost;
    ke = ck_keyring_create(&c->kr, path, pass, strlen(pass), &id, &kdf);
    ck_wipe(pass, sizeof pass);
    if (ke != CK_KEYRING_OK) {
        cli_error(c->cmd, "%s: %s", path, ck_keyring_strerror(ke));
        rc = ke == CK_KEYRING_ERR_EXISTS ? CLI_USAGE : CLI_IO;
        goto out;
    }
    if ((rc = pin_operator(c, operator_hex, &id)) != CLI_OK) goto out;
    if (c->server[0]) {
        cli_ctx_path(c, path, "server");
        if ((rc = cli_write_file(c->cmd, path, (const uint8_t *)c->server, strlen(c->server), 0644, 0)) != CLI_OK)
            goto out;
    }
    rc = CLI_OK;
    if (quiet) goto out;
    rc = CLI_FAIL;
    if (!(req = enrollment(&id, role, name))) goto out;
    rc = emit_enrollment(c->cmd, req, out);
out:
    json_decref(req);
    ck_id_wipe(&id);
    return rc;
}

/* The request into the server's queue, then its state. */
static int submit(cli_ctx *c, const char *role, const char *name, const char *join, unsigned wait_s)
{
    const char *gid = ck_keyring_identity(c->kr)->gid;
    cli_enroll_req r = {role, name && !private_person(role) ? name : NULL, join, NULL, NULL, NULL};
    char state[16];
    int rc;
    if ((rc = cli_enroll_submit(c, &r, NULL)) != CLI_OK || (rc = cli_enroll_wait(c, wait_s, state)) != CLI_OK)
        return rc;
    if (!strcmp(state, "approved")) printf("%s is enrolled (%s)\n", gid, role);
    else if (!strcmp(state, "rejected")) {
        cli_error(c->cmd, "the operator rejected the enrollment request of %s", gid);
        return CLI_FAIL;
    } else
        printf("enrollment request of %s (%s) submitted to %s; the operator approves it with "
               "'carekey admin approve %s'\n", gid, role, c->server, gid);
    return CLI_OK;
}

static int cmd_init(int argc, char **argv)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'},
                                       {"role", required_argument, NULL, 'r'},
                                       {"display-name", required_argument, NULL, 'n'},
                                       {"enroll-out", required_argument, NULL, 'o'},
                                       {"kdf-cost", required_argument, NULL, 'k'},
                                       {"operator-key", required_argument, NULL, 'K'},
                                       {"join", required_argument, NULL, 'j'},
                                       {"wait", required_argument, NULL, 'w'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *gid = NULL, *role = "patient", *name = NULL, *out = NULL, *op = getenv("CAREKEY_OPERATOR_KEY");
    const char *join = NULL;
    uint32_t cost = CK_KEYRING_KDF_DEFAULT.log2_n, wait_s = 0;
    cli_ctx c;
    int opt, rc;
    cli_ctx_init(&c, "init");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, "init")) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'g': gid = optarg; break;
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        case 'o': out = optarg; break;
        case 'K': op = optarg; break;
        case 'j': join = optarg; break;
        case 'w':
            if (!cli_parse_u32(optarg, &wait_s) || wait_s > 86400)
                return cli_usage_error(c.cmd, "init", "--wait takes 0..86400 seconds");
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &cost) || cost < 10 || cost > 20)
                return cli_usage_error(c.cmd, "init", "--kdf-cost takes 10..20");
            break;
        case 'h': init_help(stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!gid || optind != argc) return cli_usage_error(c.cmd, "init", "--gid is required (and nothing else)");
    if (!ck_net_role_valid(role)) {
        char roles[512];
        roles_text(roles, sizeof roles, 0);
        /* refused here, before a keyring is made for an enrollment the server would refuse */
        return cli_usage_error(c.cmd, "init", "unknown role '%s'; the server enrolls %s", role, roles);
    }
    if (!op || !*op)
        return cli_usage_error(c.cmd, "init", "--operator-key is required (or $CAREKEY_OPERATOR_KEY): "
                                                     "ask your operator for the output of 'carekey admin key'");
    if (join && (out || !ck_net_id_valid(join)))
        return cli_usage_error(c.cmd, "init", out ? "--join goes with the server's queue, not --enroll-out"
                                                          : "--join: invalid organization GID");
    if (out || !c.server[0]) rc = cli_init_person(&c, gid, role, name, out, op, cost, 0);
    else if ((rc = cli_init_person(&c, gid, role, name, NULL, op, cost, 1)) == CLI_OK)
        rc = submit(&c, role, name, join, wait_s);
    cli_ctx_close(&c);
    return rc;
}

static const cli_subcmd init_subcmds[] = {{"init", "create this person's identity and keyring", NULL, cmd_init}};

/* `carekey init ...` is a single command: dispatch on the group name itself. */
static int init_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) {
        init_help(stdout);
        return CLI_OK;
    }
    (void)init_subcmds;
    return cmd_init(argc, argv);
}

const cli_group cli_group_init = {"init", "create this person's identity and keyring", init_run};
