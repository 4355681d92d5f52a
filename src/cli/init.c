/*
 * src/cli/init.c - `carekey init` over the node (carekey/node_identity.h):
 * a person's identity (GID, Ed25519 and X25519 keys) and keyring, encrypted
 * at rest, in her home directory. Submits the enrollment request to the
 * server's queue for the operator to approve (`carekey admin approve`), or
 * writes it to a file for the offline `carekey admin enroll`.
 *
 * Also cli_init_identity, which `carekey admin init` and `carekey patient
 * onboard` share: the new passphrase is asked here (twice), never in the node.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/keyring.h"
#include "carekey/node_identity.h"
#include "cli/cli_node.h"
#include "cli/init.h"
#include "cli/advice.h"

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
    "\n" CLI_COMMON_HELP;

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

int cli_init_identity(cli_node *x, const char *gid, const char *operator_hex, unsigned kdf_cost)
{
    char pass[CK_KEYRING_PASSPHRASE_MAX + 1], why[400];
    ck_node_identity_in in = {gid, operator_hex, kdf_cost, pass, 0};
    ck_keyring_err ke;
    int rc;
    if ((rc = cli_node_open(x)) != CLI_OK) return rc;
    if ((ke = ck_keyring_passphrase_new(x->pass_source, pass, sizeof pass)) != CK_KEYRING_OK) {
        cli_error(x->cmd, "passphrase: %s", cli_passphrase_problem(why, sizeof why, x->pass_source, ke));
        ck_wipe(pass, sizeof pass);
        return CLI_USAGE;
    }
    in.pass_len = strlen(pass);
    rc = ck_node_identity_create(x->n, &in) == 0 ? CLI_OK : cli_node_fail(x);
    ck_wipe(pass, sizeof pass);
    return rc;
}

/* Writes the offline request to path, or standard output. */
static int emit_request(cli_node *x, const char *role, const char *name, const char *path)
{
    char *text = NULL;
    size_t tl;
    int rc = CLI_OK;
    if (ck_node_identity_request(x->n, role, name, &text) != 0) return cli_node_fail(x);
    tl = strlen(text);
    text[tl] = '\n'; /* json_dumps leaves room: replace the NUL, write tl + 1 bytes */
    if (path) rc = cli_write_file(x->cmd, path, (const uint8_t *)text, tl + 1, 0644, 0);
    else fwrite(text, 1, tl + 1, stdout);
    free(text);
    return rc;
}

/* The request into the server's queue, then its state. */
static int submit(cli_node *x, const char *role, const char *name, const char *join, unsigned wait_s)
{
    const char *gid = ck_node_gid(x->n);
    ck_node_enroll_in r = {role, name, join, NULL, NULL, NULL};
    char state[16];
    if (ck_node_enroll_submit(x->n, &r, NULL) != 0 || ck_node_enroll_wait(x->n, wait_s, state) != 0)
        return cli_node_fail(x);
    if (!strcmp(state, "approved")) printf("%s is enrolled (%s)\n", gid, role);
    else if (!strcmp(state, "rejected")) {
        cli_error(x->cmd, "the operator rejected the enrollment request of %s", gid);
        return CLI_FAIL;
    } else
        printf("enrollment request of %s (%s) submitted to %s; the operator approves it with "
               "'carekey admin approve %s'\n", gid, role, x->cfg.server, gid);
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
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *gid = NULL, *role = "patient", *name = NULL, *out = NULL, *op = getenv("CAREKEY_OPERATOR_KEY");
    const char *join = NULL;
    uint32_t cost = CK_KEYRING_KDF_DEFAULT.log2_n, wait_s = 0;
    int opt, rc, online;
    cli_node x;
    cli_node_init(&x, "init");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, "init")) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'g': gid = optarg; break;
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        case 'o': out = optarg; break;
        case 'K': op = optarg; break;
        case 'j': join = optarg; break;
        case 'w':
            if (!cli_parse_u32(optarg, &wait_s) || wait_s > 86400)
                return cli_usage_error(x.cmd, "init", "--wait takes 0..86400 seconds");
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &cost) || cost < 10 || cost > 20)
                return cli_usage_error(x.cmd, "init", "--kdf-cost takes 10..20");
            break;
        case 'h': init_help(stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!gid || optind != argc) return cli_usage_error(x.cmd, "init", "--gid is required (and nothing else)");
    if (!ck_net_role_valid(role)) {
        char roles[512];
        roles_text(roles, sizeof roles, 0);
        /* refused here, before a keyring is made for an enrollment the server would refuse */
        return cli_usage_error(x.cmd, "init", "unknown role '%s'; the server enrolls %s", role, roles);
    }
    if (!op || !*op)
        return cli_usage_error(x.cmd, "init", "--operator-key is required (or $CAREKEY_OPERATOR_KEY): "
                                              "ask your operator for the output of 'carekey admin key'");
    if (join && (out || !ck_net_id_valid(join)))
        return cli_usage_error(x.cmd, "init", out ? "--join goes with the server's queue, not --enroll-out"
                                                  : "--join: invalid organization GID");
    online = !out && x.cfg.server && x.cfg.server[0];
    if ((rc = cli_init_identity(&x, gid, op, cost)) == CLI_OK)
        rc = online ? submit(&x, role, name, join, wait_s) : emit_request(&x, role, name, out);
    cli_node_close(&x);
    return rc;
}

/* `carekey init ...` is a single command: dispatch on the group name itself. */
static int init_run(int argc, char **argv)
{
    if (argc >= 2 && (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0)) {
        init_help(stdout);
        return CLI_OK;
    }
    return cmd_init(argc, argv);
}

const cli_group cli_group_init = {"init", "create this person's identity and keyring", init_run};
