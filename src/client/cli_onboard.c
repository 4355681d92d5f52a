/*
 * src/client/cli_onboard.c - one command to join carekey:
 *
 *   patient onboard --gid P [--orgs A,B] [--er-desk D] [--pharmacy ORG]... [--family F]...
 *   hospital onboard --name ORG --kind K --display-name N [--attr A]... [--unit U]...
 *
 * Each runs every step of docs/ONBOARDING.md that is not done yet, so the
 * same command is run again after the operator's approval (or with --wait)
 * and after anything failed half-way: identity and keyring, the person's
 * own authority, the enrollment request in the server's queue; then, once
 * approved, her keys, her sharing profile, and the grants her care needs.
 * What a step finds done it leaves alone; nothing is given twice.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_authority.h"
#include "client/cli_enroll.h"
#include "client/cli_grant.h"
#include "client/cli_onboard.h"

#define MAX_LIST 32
#define AUDIT_SECTION "audit"
#define PHARMACY_SECTION "medications"

/* What both commands take: the identity to create or open, the operator
 * key to pin, the keyring's scrypt cost and how long to wait for approval. */
typedef struct onboard_common {
    const char *gid, *role, *display_name, *operator_key;
    uint32_t kdf_cost, wait_s;
    int resubmit;   /* send a rejected request again */
} onboard_common;

/* ---- steps shared by both commands -------------------------------------------- */

/* Opens this home's keyring, or creates the identity when the home has
 * none. A keyring of another GID is refused. */
static int step_identity(cli_ctx *c, const onboard_common *o)
{
    char path[PATH_MAX];
    int rc;
    cli_ctx_path(c, path, "keyring.ckr");
    if (!cli_file_exists(path)) {
        if (!o->operator_key || !*o->operator_key) {
            cli_error(c->cmd, "--operator-key is required (or $CAREKEY_OPERATOR_KEY): ask your operator for "
                              "the output of 'carekey admin key'");
            return CLI_USAGE;
        }
        if ((rc = cli_init_person(c, o->gid, o->role, o->display_name, NULL, o->operator_key, o->kdf_cost, 1)) !=
            CLI_OK)
            return rc;
        printf("identity %s: created in %s\n", o->gid, c->home);
        return CLI_OK;
    }
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (strcmp(ck_keyring_identity(c->kr)->gid, o->gid) != 0) {
        cli_error(c->cmd, "%s holds the identity of %s, not %s: choose another --home", c->home,
                  ck_keyring_identity(c->kr)->gid, o->gid);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* The authority this identity runs, created with its labels listed. */
static int step_authority(cli_ctx *c, const char *name, const char *const *labels, size_t n)
{
    int rc;
    if (ck_keyring_authority_sk_find(c->kr, name)) return CLI_OK;
    if ((rc = cli_authority_create(c, name, labels, n)) != CLI_OK) return rc;
    printf("authority %s: created, listing", name);
    for (size_t i = 0; i < n; i++) printf(" %s", labels[i]);
    printf("\n");
    return CLI_OK;
}

/* Submits the request unless it is in the queue already, then waits up to
 * o->wait_s for the operator. 1 enrolled, 0 still waiting (said so). */
static int step_enroll(cli_ctx *c, const onboard_common *o, const cli_enroll_req *r, int *enrolled)
{
    char state[16];
    int rc, fresh = 0;
    *enrolled = 0;
    if ((rc = cli_enroll_state(c, state)) != CLI_OK) return rc;
    if (!strcmp(state, "rejected") && !o->resubmit) {
        cli_error(c->cmd, "the operator rejected the enrollment request of %s: ask your operator why, then run "
                          "this again with --resubmit", o->gid);
        return CLI_FAIL;
    }
    if (!strcmp(state, "none") || !strcmp(state, "rejected")) {
        if ((rc = cli_enroll_submit(c, r, &fresh)) != CLI_OK) return rc;
        /* 409 with no request of hers: enrolled before queues existed */
        if (!fresh) {
            *enrolled = 1;
            return CLI_OK;
        }
        printf("enrollment request of %s: submitted to %s\n", o->gid, c->server);
    }
    if ((rc = cli_enroll_wait(c, o->wait_s, state)) != CLI_OK) return rc;
    if (!strcmp(state, "approved") || !strcmp(state, "none")) {
        *enrolled = 1;
        return CLI_OK;
    }
    if (!strcmp(state, "rejected")) {
        cli_error(c->cmd, "the operator rejected the enrollment request of %s", o->gid);
        return CLI_FAIL;
    }
    printf("waiting for the operator: 'carekey admin approve %s'; then run this command again "
           "(or pass --wait SECONDS)\n", o->gid);
    return CLI_OK;
}

/* Splits a comma-separated list into at most MAX_LIST GIDs (in buf). */
static int split_gids(cli_ctx *c, const char *what, const char *csv, char *buf, size_t cap, const char **out,
                      size_t *n)
{
    char *save = NULL;
    *n = 0;
    if (snprintf(buf, cap, "%s", csv) >= (int)cap) return cli_usage_error(c->cmd, c->cmd, "%s: too long", what);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!ck_net_id_valid(t) || *n == MAX_LIST)
            return cli_usage_error(c->cmd, c->cmd, "%s: '%s' is not a GID (at most %d)", what, t, MAX_LIST);
        out[(*n)++] = t;
    }
    return *n ? CLI_OK : cli_usage_error(c->cmd, c->cmd, "%s is empty", what);
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
    "\n" CLI_CTX_HELP;

typedef struct patient_args {
    onboard_common o;
    const char *hospitals, *desk;
    const char *pharmacies[MAX_LIST], *family[MAX_LIST];
    size_t n_pharmacies, n_family;
} patient_args;

/* The owner key: issued by her own authority to herself, then merged. */
static int step_owner_key(cli_ctx *c, const char *gid, const char *auth)
{
    const ck_abe_user_key *k;
    cli_attr_spec spec;
    json_t *reg;
    int rc, held = 0;
    snprintf(spec.label, sizeof spec.label, "owner@%s", auth);
    spec.numeric = 0;
    spec.value = 0;
    k = ck_keyring_user_key(c->kr);
    for (size_t i = 0; i < k->n && !held; i++) held = !strcmp(k->attr[i].label, spec.label);
    if (held) return CLI_OK;
    if (!(reg = cli_registry_load(c, auth))) return CLI_IO;
    held = cli_registry_holds(reg, spec.label, 0, gid, NULL);
    json_decref(reg);
    if (!held && (rc = cli_authority_issue(c, auth, gid, &spec, 1)) != CLI_OK) return rc;
    if ((rc = cli_keys_sync(c, 0, 1, NULL)) != CLI_OK) return rc;
    printf("owner key: %s merged into the keyring\n", spec.label);
    return CLI_OK;
}

/* The sharing profile: written when none exists or it names other
 * hospitals or another desk than asked. */
static int step_profile(cli_ctx *c, const patient_args *a)
{
    cli_rec_sharing s;
    cli_rec_view v;
    int rc, have;
    cli_rec_sharing_init(&s);
    if ((rc = cli_rec_view_load(&v, c, a->o.gid, 1)) != CLI_OK) return rc;
    rc = CLI_FAIL;
    if (cli_rec_view_problems(&v)) {
        cli_error(c->cmd, "%s's record does not verify (see above): nothing written", a->o.gid);
        goto out;
    }
    if ((have = cli_rec_sharing_peek(&s, &v)) < 0) goto out;
    rc = CLI_OK;
    if (!a->hospitals) {
        if (!have) rc = cli_usage_error(c->cmd, c->cmd, "--orgs is required: %s has no sharing profile yet",
                                        a->o.gid);
        goto out;
    }
    if (have && !strcmp(s.hospitals, a->hospitals) && (!a->desk || !strcmp(s.er_desk, a->desk))) goto out;
    if ((rc = cli_sharing_set(c, a->o.gid, a->hospitals, a->desk ? a->desk : have ? s.er_desk : "er-desk", NULL,
                              1)) != CLI_OK)
        goto out;
    printf("sharing profile: treating hospitals %s, emergency desk %s\n", a->hospitals,
           a->desk ? a->desk : have ? s.er_desk : "er-desk");
out:
    cli_rec_view_free(&v);
    cli_rec_sharing_free(&s);
    return rc;
}

/* A write grant unless the verified chain holds one already. */
static int give_once(cli_ctx *c, const char *patient, const cli_chain_grant *cg, size_t n, const char *to,
                     const char *sections, int delegate)
{
    if (cli_grant_covers(cg, n, to, sections, delegate)) return CLI_OK;
    return cli_grant_give(c, patient, to, sections, delegate, 0);
}

/* The active pharmacists of a pharmacy, from the directory. */
static int pharmacists(cli_ctx *c, const char *org, json_t **out)
{
    ck_net_user_filter f;
    memset(&f, 0, sizeof f);
    f.org = org;
    f.role = "pharmacist";
    f.active = 1;
    f.limit = 1000;
    if (ck_net_users_list(c->net, &f, out, NULL) != 0) return cli_ctx_net_error(c, "listing the pharmacists");
    if (!json_array_size(*out))
        printf("pharmacy %s: no pharmacist in the directory yet; run this again once it has staff\n", org);
    return CLI_OK;
}

static int grants_pharmacy(cli_ctx *c, const patient_args *a, const cli_chain_grant *cg, size_t n)
{
    json_t *staff = NULL, *u;
    size_t i;
    int rc = CLI_OK;
    for (size_t p = 0; p < a->n_pharmacies && rc == CLI_OK; p++) {
        if ((rc = pharmacists(c, a->pharmacies[p], &staff)) != CLI_OK) break;
        json_array_foreach(staff, i, u) {
            const char *gid = json_string_value(json_object_get(u, "gid"));
            if (gid && (rc = give_once(c, a->o.gid, cg, n, gid, PHARMACY_SECTION, 0)) != CLI_OK) break;
        }
        json_decref(staff);
        staff = NULL;
    }
    return rc;
}

/* 1 when the server lists an active read grant to gid. */
static int has_read_grant(const json_t *grants, const char *gid)
{
    size_t i;
    json_t *g;
    json_array_foreach(grants, i, g) {
        const json_t *rev = json_object_get(g, "revoked_at");
        if (!strcmp(json_string_value(json_object_get(g, "grantee")) ?: "", gid) &&
            (!rev || json_is_null(rev) || json_integer_value(rev) == 0))
            return 1;
    }
    return 0;
}

/* family@patient-P and a read grant for each family member enrolled. */
static int step_family(cli_ctx *c, const patient_args *a, const char *auth)
{
    json_t *grants = NULL, *reg = NULL;
    ck_net_user u;
    cli_attr_spec spec;
    int rc = CLI_OK;
    if (!a->n_family) return CLI_OK;
    if (ck_net_grants_list(c->net, a->o.gid, &grants) != 0) return cli_ctx_net_error(c, "listing the grants");
    snprintf(spec.label, sizeof spec.label, "family@%s", auth);
    spec.numeric = 0;
    spec.value = 0;
    for (size_t i = 0; i < a->n_family && rc == CLI_OK; i++) {
        const char *f = a->family[i];
        if (ck_net_user_get(c->net, f, &u) != 0) {
            if (ck_net_status(c->net) != 404) rc = cli_ctx_net_error(c, f);
            else printf("family %s: not enrolled yet: %s runs 'carekey init --gid %s --role family', the "
                        "operator approves it; then run this again\n", f, f, f);
            continue;
        }
        json_decref(reg);
        if (!(reg = cli_registry_load(c, auth))) {
            rc = CLI_IO;
            break;
        }
        if (!cli_registry_holds(reg, spec.label, 0, f, NULL) &&
            (rc = cli_authority_issue(c, auth, f, &spec, 1)) != CLI_OK)
            break;
        if (!has_read_grant(grants, f)) rc = cli_grant_read(c, a->o.gid, f, 0);
    }
    json_decref(reg);
    json_decref(grants);
    return rc;
}

/* The desk, the hospitals and the pharmacists, from the verified chain. */
static int step_grants(cli_ctx *c, const patient_args *a)
{
    cli_rec_sharing s;
    cli_rec_view v;
    cli_chain_grant *cg = NULL;
    char hosp[1024];
    const char *h[MAX_LIST];
    size_t n = 0, nh = 0;
    int rc;

    cli_rec_sharing_init(&s);
    if ((rc = cli_grant_load(c, a->o.gid, &cg, &n, "%s's record does not verify: no grants given", a->o.gid)) !=
        CLI_OK)
        goto out;
    /* the profile is what writers follow: grant for the hospitals and the
     * desk it names, whether this run or an earlier one wrote it */
    if ((rc = cli_rec_view_load(&v, c, a->o.gid, 0)) != CLI_OK) goto out;
    rc = cli_rec_sharing_from_view(&s, &v);
    cli_rec_view_free(&v);
    if (rc != CLI_OK || (rc = split_gids(c, "hospitals", s.hospitals, hosp, sizeof hosp, h, &nh)) != CLI_OK) goto out;
    if ((rc = give_once(c, a->o.gid, cg, n, s.er_desk, AUDIT_SECTION, 0)) != CLI_OK) goto out;
    for (size_t i = 0; i < nh && rc == CLI_OK; i++) rc = give_once(c, a->o.gid, cg, n, h[i], "*", 1);
    if (rc == CLI_OK) rc = grants_pharmacy(c, a, cg, n);
out:
    free(cg);
    cli_rec_sharing_free(&s);
    return rc;
}

static int patient_parse(cli_ctx *c, int argc, char **argv, patient_args *a)
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
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = c->cmd;
    int opt;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        switch (opt) {
        case 'g': a->o.gid = optarg; break;
        case 'H': a->hospitals = optarg; break;
        case 'e': a->desk = optarg; break;
        case 'K': a->o.operator_key = optarg; break;
        case 'P':
        case 'f': {
            const char **list = opt == 'P' ? a->pharmacies : a->family;
            size_t *n = opt == 'P' ? &a->n_pharmacies : &a->n_family;
            if (!ck_net_id_valid(optarg) || *n == MAX_LIST)
                return cli_usage_error(c->cmd, help, "'%s' is not a GID (at most %d of each)", optarg, MAX_LIST);
            list[(*n)++] = optarg;
            break;
        }
        case 'w':
            if (!cli_parse_u32(optarg, &a->o.wait_s) || a->o.wait_s > 86400)
                return cli_usage_error(c->cmd, help, "--wait takes 0..86400 seconds");
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &a->o.kdf_cost) || a->o.kdf_cost < 10 || a->o.kdf_cost > 20)
                return cli_usage_error(c->cmd, help, "--kdf-cost takes 10..20");
            break;
        case 'R': a->o.resubmit = 1; break;
        case 'h': fputs(cli_patient_onboard_usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c->cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!a->o.gid || !ck_net_id_valid(a->o.gid)) return cli_usage_error(c->cmd, help, "--gid P is required");
    if (a->desk && !ck_net_id_valid(a->desk)) return cli_usage_error(c->cmd, help, "--er-desk: invalid name");
    return cli_ctx_server(c);
}

int cli_patient_onboard(int argc, char **argv)
{
    patient_args a;
    char auth[CK_NET_ID_MAX + 16], owner[CK_NET_ID_MAX + 32], family[CK_NET_ID_MAX + 32];
    const char *labels[2] = {owner, family};
    cli_ctx c;
    int rc, enrolled = 0;

    memset(&a, 0, sizeof a);
    a.o.role = "patient";
    a.o.operator_key = getenv("CAREKEY_OPERATOR_KEY");
    a.o.kdf_cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    cli_ctx_init(&c, "patient onboard");
    if ((rc = patient_parse(&c, argc, argv, &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    snprintf(auth, sizeof auth, "patient-%s", a.o.gid);
    snprintf(owner, sizeof owner, "owner@%s", auth);
    snprintf(family, sizeof family, "family@%s", auth);
    {
        cli_enroll_req r = {"patient", NULL, NULL, NULL, NULL, auth};
        if ((rc = step_identity(&c, &a.o)) != CLI_OK || (rc = step_authority(&c, auth, labels, 2)) != CLI_OK ||
            (rc = step_enroll(&c, &a.o, &r, &enrolled)) != CLI_OK || !enrolled)
            goto out;
    }
    if ((rc = step_owner_key(&c, a.o.gid, auth)) != CLI_OK || (rc = step_profile(&c, &a)) != CLI_OK ||
        (rc = step_grants(&c, &a)) != CLI_OK || (rc = step_family(&c, &a, auth)) != CLI_OK)
        goto out;
    printf("%s is onboarded\n", a.o.gid);
out:
    cli_ctx_close(&c);
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
    "\n" CLI_CTX_HELP;

#define MAX_UNITS 64

typedef struct hospital_args {
    onboard_common o;
    const char *kind;
    const char *attrs[MAX_LIST];
    size_t n_attrs;
    char *units[MAX_UNITS];   /* the specs as given (split in place) */
    size_t n_units;
} hospital_args;

static const char *const org_kinds[] = {"hospital", "pharmacy", "board", "desk"};

/* The labels the kind lists by default, then the --attr ones. */
static size_t org_labels(const hospital_args *a, char out[][CK_POLICY_LABEL_MAX], size_t cap)
{
    const char *defaults[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (!strcmp(a->kind, "hospital")) defaults[0] = "staff", defaults[1] = "billing";
    else if (!strcmp(a->kind, "pharmacy")) defaults[0] = "staff";
    else if (!strcmp(a->kind, "desk")) defaults[0] = "emergency";
    for (size_t i = 0; i < 3 && defaults[i] && n < cap; i++)
        snprintf(out[n++], CK_POLICY_LABEL_MAX, "%s@%s", defaults[i], a->o.gid);
    for (size_t i = 0; i < a->n_attrs && n < cap; i++) {
        const char *at = strchr(a->attrs[i], '@');
        int dup = 0;
        if (at) snprintf(out[n], CK_POLICY_LABEL_MAX, "%s", a->attrs[i]);
        else snprintf(out[n], CK_POLICY_LABEL_MAX, "%s@%s", a->attrs[i], a->o.gid);
        for (size_t j = 0; j < n; j++) dup |= !strcmp(out[j], out[n]);
        if (!dup) n++;
    }
    return n;
}

/* NAME:KIND[:BEDS[:DISPLAY]] added to the organization; one already there is fine. */
static int add_unit(cli_ctx *c, const char *org, char *spec)
{
    char *name = spec, *kind = strchr(spec, ':'), *beds = NULL, *display = NULL;
    uint32_t nbeds = 0;
    if (kind) *kind++ = 0;
    if (kind && (beds = strchr(kind, ':'))) *beds++ = 0;
    if (beds && (display = strchr(beds, ':'))) *display++ = 0;
    if (!kind || !ck_net_id_valid(name) || (beds && *beds && !cli_parse_u32(beds, &nbeds)))
        return cli_usage_error(c->cmd, c->cmd, "--unit %s: NAME:KIND[:BEDS[:DISPLAY NAME]] expected", spec);
    if (ck_net_unit_add(c->net, org, name, kind, display && *display ? display : NULL, nbeds) == 0)
        printf("unit %s (%s%s%s): added\n", name, kind, nbeds ? ", beds " : "", nbeds ? beds : "");
    else if (ck_net_status(c->net) != 409)
        return cli_ctx_net_error(c, name);
    return CLI_OK;
}

static int hospital_parse(cli_ctx *c, int argc, char **argv, hospital_args *a)
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
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = c->cmd;
    int opt, kind_ok = 0;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c->cmd, help)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        switch (opt) {
        case 'n': a->o.gid = optarg; break;
        case 'K': a->kind = optarg; break;
        case 'd': a->o.display_name = optarg; break;
        case 'O': a->o.operator_key = optarg; break;
        case 'a':
            if (a->n_attrs == MAX_LIST) return cli_usage_error(c->cmd, help, "at most %d --attr", MAX_LIST);
            a->attrs[a->n_attrs++] = optarg;
            break;
        case 'u':
            if (a->n_units == MAX_UNITS) return cli_usage_error(c->cmd, help, "at most %d --unit", MAX_UNITS);
            a->units[a->n_units++] = optarg;
            break;
        case 'w':
            if (!cli_parse_u32(optarg, &a->o.wait_s) || a->o.wait_s > 86400)
                return cli_usage_error(c->cmd, help, "--wait takes 0..86400 seconds");
            break;
        case 'k':
            if (!cli_parse_u32(optarg, &a->o.kdf_cost) || a->o.kdf_cost < 10 || a->o.kdf_cost > 20)
                return cli_usage_error(c->cmd, help, "--kdf-cost takes 10..20");
            break;
        case 'R': a->o.resubmit = 1; break;
        case 'h': fputs(cli_hospital_onboard_usage, stdout); return -1;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c->cmd, help, "unexpected argument '%s'", argv[optind]);
    for (size_t i = 0; a->kind && i < sizeof org_kinds / sizeof *org_kinds; i++) kind_ok |= !strcmp(a->kind, org_kinds[i]);
    if (!a->o.gid || !ck_net_id_valid(a->o.gid) || !kind_ok || !a->o.display_name)
        return cli_usage_error(c->cmd, help, "--name, --kind (hospital, pharmacy, board or desk) and "
                                             "--display-name are required");
    return cli_ctx_server(c);
}

int cli_hospital_onboard(int argc, char **argv)
{
    hospital_args a;
    char labels[MAX_LIST + 3][CK_POLICY_LABEL_MAX];
    const char *lp[MAX_LIST + 3];
    size_t n;
    cli_ctx c;
    int rc, enrolled = 0;

    memset(&a, 0, sizeof a);
    a.o.role = "organization";
    a.o.operator_key = getenv("CAREKEY_OPERATOR_KEY");
    a.o.kdf_cost = CK_KEYRING_KDF_DEFAULT.log2_n;
    cli_ctx_init(&c, "hospital onboard");
    if ((rc = hospital_parse(&c, argc, argv, &a)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    n = org_labels(&a, labels, MAX_LIST + 3);
    for (size_t i = 0; i < n; i++) lp[i] = labels[i];
    {
        cli_enroll_req r = {"organization", a.o.display_name, NULL, a.kind, a.o.display_name, a.o.gid};
        if ((rc = step_identity(&c, &a.o)) != CLI_OK || (rc = step_authority(&c, a.o.gid, lp, n)) != CLI_OK ||
            (rc = step_enroll(&c, &a.o, &r, &enrolled)) != CLI_OK || !enrolled)
            goto out;
    }
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    for (size_t i = 0; i < a.n_units && rc == CLI_OK; i++) rc = add_unit(&c, a.o.gid, a.units[i]);
    if (rc == CLI_OK)
        printf("%s (%s) is onboarded; staff enroll with 'carekey init --join %s' and are taken on with "
               "'carekey hospital staff add'\n", a.o.gid, a.kind, a.o.gid);
out:
    cli_ctx_close(&c);
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
