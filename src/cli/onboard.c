/*
 * src/cli/onboard.c - one command to join carekey, over the node
 * (carekey/node_onboard.h):
 *
 *   patient onboard --gid P [--orgs A,B] [--er-desk D] [--pharmacy ORG]... [--family F]...
 *   hospital onboard --name ORG --kind K --display-name N [--attr A]... [--unit U]...
 *
 * Each runs every step of docs/ONBOARDING.md that is not done yet, so the
 * same command is run again after the operator's approval (or with --wait)
 * and after anything failed half-way. The node reports each step done as
 * a notice; this file parses, makes the identity when the home has none
 * (the new passphrase is asked here) and prints the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/keyring.h"
#include "carekey/node_onboard.h"
#include "cli/cli_node.h"
#include "cli/init.h"
#include "cli/onboard.h"

#define MAX_LIST 32
#define MAX_UNITS 64

/* What both commands take besides their own options. */
typedef struct onboard_opts {
    const char *operator_key;
    uint32_t kdf_cost;
} onboard_opts;

/* The identity of the home: created (passphrase asked) when there is none. */
static int identity(cli_node *x, const char *gid, const onboard_opts *o)
{
    int rc;
    if ((rc = cli_node_open(x)) != CLI_OK || ck_node_identity_exists(x->n)) return rc;
    if (!o->operator_key || !*o->operator_key) {
        cli_error(x->cmd, "--operator-key is required (or $CAREKEY_OPERATOR_KEY): ask your operator for the output of "
                          "'carekey admin key'");
        return CLI_USAGE;
    }
    if ((rc = cli_init_identity(x, gid, o->operator_key, o->kdf_cost)) != CLI_OK) return rc;
    printf("identity %s: created in %s\n", gid, ck_node_home(x->n));
    return CLI_OK;
}

/* A server is known: --server, $CAREKEY_SERVER or the home's. */
static int need_server(cli_node *x)
{
    char path[PATH_MAX];
    FILE *f;
    if (x->cfg.server && x->cfg.server[0]) return CLI_OK;
    snprintf(path, sizeof path, "%s/server", x->cfg.home ? x->cfg.home : ".");
    if ((f = fopen(path, "r"))) {
        fclose(f);
        return CLI_OK;
    }
    cli_error(x->cmd, "no server configured (use --server URL or 'carekey init --server URL')");
    return CLI_USAGE;
}

/* ---- patient onboard -------------------------------------------------------------- */

const char cli_patient_onboard_usage[] =
    "Usage: carekey patient onboard --gid P [--orgs A,B] [--er-desk D] [--pharmacy ORG]...\n"
    "                               [--family GID]... [--operator-key HEX] [--wait SECONDS]\n"
    "                               [--kdf-cost LOG2N] [common options]\n"
    "\n"
    "Everything a patient needs, in one command run from her own home; run it\n"
    "again after the operator's approval, or to add a hospital, a pharmacy or a\n"
    "family member (steps already done are left alone):\n"
    "  1. her identity and keyring (the passphrase is asked twice), and her own\n"
    "     attribute authority patient-P listing owner@patient-P and family@patient-P;\n"
    "  2. her enrollment request, with that authority, in the server's queue:\n"
    "     the operator approves it ('carekey admin approve P');\n"
    "  3. once approved: her owner key, her signed sharing profile (treating\n"
    "     hospitals, emergency desk), the desk's write grant on 'audit' (so the\n"
    "     glass can be broken), each treating hospital as her delegate, a write\n"
    "     grant on 'medications' for each pharmacist of each --pharmacy (nothing\n"
    "     else), and for each --family member who has enrolled, family@patient-P\n"
    "     and a read grant.\n"
    "\n"
    "  --gid P            the patient's GID\n"
    "  --orgs A,B         her treating hospitals (required until her profile names some)\n"
    "  --er-desk D        the emergency desk authority that may break the glass\n"
    "  --pharmacy ORG     a pharmacy that dispenses her prescriptions (repeatable)\n"
    "  --family GID       a family member (repeatable); she enrolls herself first\n"
    "                     ('carekey init --gid GID --role family')\n"
    "  --operator-key HEX the operator's key, for the first run ($CAREKEY_OPERATOR_KEY)\n"
    "  --wait SECONDS     wait up to SECONDS for the operator's approval\n"
    "  --kdf-cost LOG2N   scrypt cost of a new keyring (default 17)\n"
    "  --resubmit         send the request again after the operator rejected it\n"
    "\n" CLI_COMMON_HELP;

typedef struct patient_args {
    ck_node_patient_onboard_in in;
    onboard_opts op;
    const char *pharmacies[MAX_LIST], *family[MAX_LIST];
} patient_args;

static int patient_parse(cli_node *x, int argc, char **argv, patient_args *a)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'},
                                       {"orgs", required_argument, NULL, 'H'},
                                       {"hospitals", required_argument, NULL, 'H'},   /* hidden alias of --orgs */
                                       {"er-desk", required_argument, NULL, 'e'},
                                       {"pharmacy", required_argument, NULL, 'P'},
                                       {"family", required_argument, NULL, 'f'},
                                       {"operator-key", required_argument, NULL, 'K'},
                                       {"wait", required_argument, NULL, 'w'},
                                       {"kdf-cost", required_argument, NULL, 'k'},
                                       {"resubmit", no_argument, NULL, 'R'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = x->cmd;
    uint32_t wait_s = 0;
    int opt;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x->cmd, help)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        switch (opt) {
        case 'g': a->in.o.gid = optarg; break;
        case 'H': a->in.hospitals = optarg; break;
        case 'e': a->in.desk = optarg; break;
        case 'K': a->op.operator_key = optarg; break;
        case 'P':
        case 'f': {
            const char **list = opt == 'P' ? a->pharmacies : a->family;
            size_t *n = opt == 'P' ? &a->in.n_pharmacies : &a->in.n_family;
            if (!ck_net_id_valid(optarg) || *n == MAX_LIST)
                return cli_usage_error(x->cmd, help, "'%s' is not a GID (at most %d of each)", optarg, MAX_LIST);
            list[(*n)++] = optarg;
            break;
        }
        case 'w':
            if (!cli_parse_u32(optarg, &wait_s) || wait_s > 86400)
                return cli_usage_error(x->cmd, help, "--wait takes 0..86400 seconds");
            a->in.o.wait_s = wait_s;
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &a->op.kdf_cost) || a->op.kdf_cost < 10 || a->op.kdf_cost > 20)
                return cli_usage_error(x->cmd, help, "--kdf-cost takes 10..20");
            break;
        case 'R': a->in.o.resubmit = 1; break;
        case 'h': fputs(cli_patient_onboard_usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x->cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!a->in.o.gid || !ck_net_id_valid(a->in.o.gid)) return cli_usage_error(x->cmd, help, "--gid P is required");
    if (a->in.desk && !ck_net_id_valid(a->in.desk)) return cli_usage_error(x->cmd, help, "--er-desk: invalid name");
    a->in.pharmacies = a->pharmacies;
    a->in.family = a->family;
    return need_server(x);
}

int cli_patient_onboard(int argc, char **argv)
{
    patient_args a;
    cli_node x;
    int rc, enrolled = 0;

    memset(&a, 0, sizeof a);
    a.op.operator_key = getenv("CAREKEY_OPERATOR_KEY");
    a.op.kdf_cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    cli_node_init(&x, "patient onboard");
    if ((rc = patient_parse(&x, argc, argv, &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = identity(&x, a.in.o.gid, &a.op)) != CLI_OK) goto out;
    if (ck_node_onboard_patient(x.n, &a.in, &enrolled) != 0) rc = cli_node_fail(&x);
    else if (enrolled) printf("%s is onboarded\n", a.in.o.gid);
out:
    cli_node_close(&x);
    return rc;
}

/* ---- hospital onboard ----------------------------------------------------------- */

const char cli_hospital_onboard_usage[] =
    "Usage: carekey hospital onboard --name ORG --kind hospital|pharmacy|board|desk --display-name NAME\n"
    "                                [--attr A]... [--unit NAME:KIND[:BEDS[:DISPLAY NAME]]]...\n"
    "                                [--operator-key HEX] [--wait SECONDS] [--kdf-cost LOG2N]\n"
    "                                [common options]\n"
    "\n"
    "Everything an organization needs, in one command run from its own home;\n"
    "run it again after the operator's approval (steps already done are left\n"
    "alone):\n"
    "  1. its identity (GID ORG, role organization: it owns the ORG ledger) and\n"
    "     its attribute authority ORG, listing the attributes sharing profiles\n"
    "     name (a hospital: staff@ORG, billing@ORG; a pharmacy: staff@ORG; a\n"
    "     desk: emergency@ORG; a board: its --attr);\n"
    "  2. the enrollment request registering the organization and the authority,\n"
    "     in the server's queue: the operator approves it ('carekey admin approve ORG');\n"
    "  3. once approved: its units (departments, wards with beds, theatres).\n"
    "Then 'carekey hospital staff add' takes on each person who enrolled with\n"
    "'carekey init --join ORG'.\n"
    "\n"
    "  --attr A           another attribute the authority lists (A or A@ORG; repeatable)\n"
    "  --unit SPEC        NAME:KIND[:BEDS[:DISPLAY NAME]], KIND department, ward or theatre\n"
    "  --operator-key HEX the operator's key, for the first run ($CAREKEY_OPERATOR_KEY)\n"
    "  --wait SECONDS     wait up to SECONDS for the operator's approval\n"
    "  --kdf-cost LOG2N   scrypt cost of a new keyring (default 17)\n"
    "  --resubmit         send the request again after the operator rejected it\n"
    "\n" CLI_COMMON_HELP;

typedef struct hospital_args {
    ck_node_org_onboard_in in;
    onboard_opts op;
    const char *attrs[MAX_LIST];
    ck_node_org_unit units[MAX_UNITS];
} hospital_args;

/* NAME:KIND[:BEDS[:DISPLAY NAME]] into u (split in place). */
static int unit_spec(cli_node *x, char *spec, ck_node_org_unit *u)
{
    char *name = spec, *kind = strchr(spec, ':'), *beds = NULL, *display = NULL;
    uint32_t nbeds = 0;
    if (kind) *kind++ = 0;
    if (kind && (beds = strchr(kind, ':'))) *beds++ = 0;
    if (beds && (display = strchr(beds, ':'))) *display++ = 0;
    if (!kind || !ck_net_id_valid(name) || (beds && *beds && !cli_parse_u32(beds, &nbeds)))
        return cli_usage_error(x->cmd, x->cmd, "--unit %s: NAME:KIND[:BEDS[:DISPLAY NAME]] expected", spec);
    u->name = name;
    u->kind = kind;
    u->beds = nbeds;
    u->display_name = display && *display ? display : NULL;
    return CLI_OK;
}

static int hospital_parse(cli_node *x, int argc, char **argv, hospital_args *a)
{
    static const struct option lo[] = {{"name", required_argument, NULL, 'n'},
                                       {"kind", required_argument, NULL, 'K'},
                                       {"display-name", required_argument, NULL, 'd'},
                                       {"attr", required_argument, NULL, 'a'},
                                       {"unit", required_argument, NULL, 'u'},
                                       {"operator-key", required_argument, NULL, 'O'},
                                       {"wait", required_argument, NULL, 'w'},
                                       {"kdf-cost", required_argument, NULL, 'k'},
                                       {"resubmit", no_argument, NULL, 'R'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    static const char *const kinds[] = {"hospital", "pharmacy", "board", "desk"};
    const char *help = x->cmd;
    uint32_t wait_s = 0;
    int opt, rc, kind_ok = 0;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x->cmd, help)) != -1) {
        if (cli_node_option(x, opt, optarg)) continue;
        switch (opt) {
        case 'n': a->in.o.gid = optarg; break;
        case 'K': a->in.kind = optarg; break;
        case 'd': a->in.display_name = optarg; break;
        case 'O': a->op.operator_key = optarg; break;
        case 'a':
            if (a->in.n_attrs == MAX_LIST) return cli_usage_error(x->cmd, help, "at most %d --attr", MAX_LIST);
            a->attrs[a->in.n_attrs++] = optarg;
            break;
        case 'u':
            if (a->in.n_units == MAX_UNITS) return cli_usage_error(x->cmd, help, "at most %d --unit", MAX_UNITS);
            if ((rc = unit_spec(x, optarg, &a->units[a->in.n_units++])) != CLI_OK) return rc;
            break;
        case 'w':
            if (!cli_parse_u32(optarg, &wait_s) || wait_s > 86400)
                return cli_usage_error(x->cmd, help, "--wait takes 0..86400 seconds");
            a->in.o.wait_s = wait_s;
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &a->op.kdf_cost) || a->op.kdf_cost < 10 || a->op.kdf_cost > 20)
                return cli_usage_error(x->cmd, help, "--kdf-cost takes 10..20");
            break;
        case 'R': a->in.o.resubmit = 1; break;
        case 'h': fputs(cli_hospital_onboard_usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x->cmd, help, "unexpected argument '%s'", argv[optind]);
    for (size_t i = 0; a->in.kind && i < sizeof kinds / sizeof *kinds; i++) kind_ok |= !strcmp(a->in.kind, kinds[i]);
    if (!a->in.o.gid || !ck_net_id_valid(a->in.o.gid) || !kind_ok || !a->in.display_name)
        return cli_usage_error(x->cmd, help, "--name, --kind (hospital, pharmacy, board or desk) and "
                                             "--display-name are required");
    a->in.attrs = a->attrs;
    a->in.units = a->units;
    return need_server(x);
}

int cli_hospital_onboard(int argc, char **argv)
{
    hospital_args a;
    cli_node x;
    int rc, enrolled = 0;

    memset(&a, 0, sizeof a);
    a.op.operator_key = getenv("CAREKEY_OPERATOR_KEY");
    a.op.kdf_cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    cli_node_init(&x, "hospital onboard");
    if ((rc = hospital_parse(&x, argc, argv, &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = identity(&x, a.in.o.gid, &a.op)) != CLI_OK) goto out;
    if (ck_node_onboard_org(x.n, &a.in, &enrolled) != 0) rc = cli_node_fail(&x);
    else if (enrolled)
        printf("%s (%s) is onboarded; staff enroll with 'carekey init --join %s' and are taken on with "
               "'carekey hospital staff add'\n", a.in.o.gid, a.in.kind, a.in.o.gid);
out:
    cli_node_close(&x);
    return rc;
}

/* ---- the patient group ------------------------------------------------------------ */

static const cli_subcmd patient_subcmds[] = {
    {"onboard", "identity, own authority, enrollment, keys, sharing profile and care grants in one step",
     cli_patient_onboard_usage, cli_patient_onboard},
};

static void patient_help(FILE *f)
{
    fputs("Usage: carekey patient SUBCOMMAND [OPTIONS]\n\nA patient joins carekey.\n\nSubcommands:\n", f);
    cli_print_subcmds(f, patient_subcmds, sizeof patient_subcmds / sizeof *patient_subcmds);
}

static int patient_run(int argc, char **argv)
{
    return cli_dispatch("patient", patient_help, patient_subcmds, sizeof patient_subcmds / sizeof *patient_subcmds,
                        argc, argv);
}

const cli_group cli_group_patient = {"patient", "a patient joins in one command: onboard", patient_run};
