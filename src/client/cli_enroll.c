/*
 * src/client/cli_enroll.c - enrollment through the server's queue: the
 * person's side (submit, state, wait) and the operator's (`carekey admin
 * pending`, `approve`, `reject`).
 *
 * Approving a request that registers an authority is the moment the
 * operator vouches for it: the operator's client checks that the ABE
 * public key decodes (valid subgroup points) and that the epoch table is
 * signed by the signing key the request names, then signs the authority
 * record (ck_dir_authority_sign) that every encryptor verifies.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "client/cli_authority.h"
#include "client/cli_enroll.h"

/* ---- the person's side ------------------------------------------------------- */

/* After a 409: 1 when the GID is this keyring's (a request signed with
 * its key, or enrolled with it), 0 when someone else holds it. */
static int gid_is_mine(cli_ctx *c)
{
    const ck_identity *id = ck_keyring_identity(c->kr);
    ck_net_user u;
    char state[16];
    if (ck_net_enroll_status(c->net, id->gid, id->ed25519_sk, state) == 0) return 1;
    return ck_net_user_get(c->net, id->gid, &u) == 0 && !memcmp(u.ed25519, id->ed25519_pk, 32);
}

int cli_enroll_submit(cli_ctx *c, const cli_enroll_req *r, int *fresh)
{
    const ck_identity *id;
    ck_net_authority a;
    ck_net_enroll_req q;
    int rc;

    memset(&a, 0, sizeof a);
    if (fresh) *fresh = 0;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (r->authority && (rc = cli_authority_record(c, r->authority, NULL, &a)) != CLI_OK) return rc;
    id = ck_keyring_identity(c->kr);
    q = (ck_net_enroll_req){id->gid,       r->role,        r->display_name, id->ed25519_sk, id->x25519_pk,
                            r->org_kind,   r->org_display, r->join_org,     r->authority ? &a : NULL};
    rc = CLI_OK;
    if (ck_net_enroll_submit(c->net, &q) == 0) {
        if (fresh) *fresh = 1;
    } else if (ck_net_status(c->net) != 409) {
        rc = cli_ctx_net_error(c, "submitting the enrollment request");
    } else if (!gid_is_mine(c)) {
        cli_error(c->cmd, "the GID %s is taken (enrolled or requested with another key): choose another one",
                  id->gid);
        rc = CLI_FAIL;
    }
    ck_net_authority_clear(&a);
    return rc;
}

int cli_enroll_state(cli_ctx *c, char state[16])
{
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_enroll_status(c->net, ck_keyring_identity(c->kr)->gid, ck_keyring_identity(c->kr)->ed25519_sk,
                             state) == 0)
        return CLI_OK;
    /* the server checks the signature against the key of the stored
     * request: with none (or one of another key) it cannot authenticate
     * the question, so 401 says "no request of this key" like 404 */
    if (ck_net_status(c->net) == 404 || ck_net_status(c->net) == 401) {
        snprintf(state, 16, "none");
        return CLI_OK;
    }
    return cli_ctx_net_error(c, "asking about the enrollment request");
}

int cli_enroll_wait(cli_ctx *c, unsigned seconds, char state[16])
{
    int rc;
    for (unsigned waited = 0;; waited++) {
        if ((rc = cli_enroll_state(c, state)) != CLI_OK || strcmp(state, "pending") != 0 || waited >= seconds)
            return rc;
        sleep(1);
    }
}

/* ---- the operator's side ----------------------------------------------------- */

const char cli_admin_pending_usage[] =
    "Usage: carekey admin pending [--json] [common options]\n\n"
    "Lists the enrollment requests waiting for the operator, oldest first: GID,\n"
    "role, display name, the organization it registers or joins, the authority\n"
    "it registers and when it was submitted.\n\n" CLI_CTX_HELP;
const char cli_admin_approve_usage[] =
    "Usage: carekey admin approve GID... [common options]\n\n"
    "Approves the pending enrollment requests of each GID: the server creates\n"
    "the user (and her record), the organization, the consent to join, and the\n"
    "authority the request registers. Before signing an authority record the\n"
    "operator's client checks its ABE public key and that its epoch table is\n"
    "signed by its own signing key. Check the request with 'admin pending' first.\n\n" CLI_CTX_HELP;
const char cli_admin_reject_usage[] =
    "Usage: carekey admin reject GID... [common options]\n\n"
    "Rejects pending enrollment requests (the person may submit a new one).\n\n" CLI_CTX_HELP;

/* The common options and the GID operands (at least min); --json sets
 * *json when json is not NULL. CLI_OK, -1 after --help, or a usage error. */
static int admin_args(cli_ctx *c, int argc, char **argv, const char *usage, int min, int *json)
{
    static const struct option lo[] = {{"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS, {NULL, 0, NULL, 0}};
    struct option mine[sizeof lo / sizeof lo[0]];
    int opt;
    cli_opts_keep(mine, sizeof lo / sizeof lo[0], lo, json ? "j" : "");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, mine, c->cmd, c->cmd)) != -1) {
        if (cli_ctx_option(c, opt, optarg)) continue;
        if (opt == 'j' && json) *json = 1;
        else if (opt == 'h') {
            fputs(usage, stdout);
            return -1;
        } else return cli_usage_error(c->cmd, c->cmd, opt == 'j' ? "no --json here" : "bad option");
    }
    if (argc - optind < min) return cli_usage_error(c->cmd, c->cmd, "expected a GID");
    if (!min && argc != optind) return cli_usage_error(c->cmd, c->cmd, "unexpected argument '%s'", argv[optind]);
    for (int i = optind; i < argc; i++)
        if (!ck_net_id_valid(argv[i])) return cli_usage_error(c->cmd, c->cmd, "invalid GID '%s'", argv[i]);
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

int cli_admin_pending(int argc, char **argv)
{
    cli_ctx c;
    json_t *v = NULL, *r;
    size_t i;
    int rc, json = 0;
    cli_ctx_init(&c, "admin pending");
    if ((rc = admin_args(&c, argc, argv, cli_admin_pending_usage, 0, &json)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (ck_net_enroll_pending(c.net, &v) != 0) {
        rc = cli_ctx_net_error(&c, "listing enrollment requests");
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
    cli_ctx_close(&c);
    return rc;
}

/* The pending request of gid, or NULL (reported). */
static json_t *find_request(cli_ctx *c, json_t *all, const char *gid)
{
    size_t i;
    json_t *r;
    json_array_foreach(all, i, r) if (str(r, "gid") && !strcmp(str(r, "gid"), gid)) return r;
    cli_error(c->cmd, "%s: no pending enrollment request ('carekey admin pending' lists them)", gid);
    return NULL;
}

/* Checks the authority a request registers and signs its record at
 * *signed_at: the request's ABE key decodes, its epoch table verifies
 * under its signing key, and it is run by the enrolling GID. */
static int sign_authority(cli_ctx *c, const json_t *auth, const char *gid, uint64_t *signed_at, uint8_t sig[64])
{
    const char *name = str(auth, "name"), *sign = str(auth, "signing_key"), *abe = str(auth, "abe_public_key"),
               *org = str(auth, "organization");
    char *table = json_dumps(json_object_get(auth, "epoch_table"), JSON_COMPACT), err[CK_DIR_ERR_CAP] = "";
    uint8_t pk[32], *abe_raw = NULL;
    size_t abe_len = 0;
    ck_abe_authority_pk apk;
    ck_dir_epochs t;
    struct timespec ts;
    int rc = CLI_FAIL;

    memset(&t, 0, sizeof t);
    if (!name || !sign || !abe || !org || !table || strcmp(org, gid) != 0 || ck_net_unhex(pk, 32, sign) != 0 ||
        ck_net_unb64(&abe_raw, &abe_len, abe, strlen(abe)) != 0 ||
        ck_abe_authority_pk_decode(&apk, abe_raw, abe_len) != CK_ABE_OK || strcmp(apk.name, name) != 0) {
        cli_error(c->cmd, "%s: the authority in the request is malformed; not approved", gid);
        goto out;
    }
    if (ck_dir_epochs_parse(&t, name, table, strlen(table), err) != 0 || ck_dir_epochs_verify(&t, pk) != 0) {
        cli_error(c->cmd, "%s: authority %s: its epoch table is not signed by its key (%s); not approved", gid,
                  name, err[0] ? err : "bad signature");
        goto out;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    *signed_at = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    {
        ck_dir_authority d = {name, pk, abe_raw, abe_len, org, *signed_at};
        if (ck_dir_authority_sign(sig, &d, ck_keyring_identity(c->kr)->ed25519_sk) != 0) goto out;
    }
    rc = CLI_OK;
out:
    ck_dir_epochs_free(&t);
    free(abe_raw);
    free(table);
    return rc;
}

static int approve_one(cli_ctx *c, json_t *all, const char *gid)
{
    json_t *r = find_request(c, all, gid), *auth;
    uint8_t sig[64];
    uint64_t at = 0;
    int rc;
    if (!r) return CLI_FAIL;
    memset(sig, 0, sizeof sig);
    auth = json_object_get(r, "authority");
    if (json_is_object(auth) && (rc = sign_authority(c, auth, gid, &at, sig)) != CLI_OK) return rc;
    if (ck_net_enroll_approve(c->net, gid, at, sig) != 0) return cli_ctx_net_error(c, gid);
    printf("approved %s (%s)", gid, str(r, "role"));
    if (str(r, "join_org")) printf(", joins %s", str(r, "join_org"));
    if (json_is_object(json_object_get(r, "org"))) printf(", organization registered");
    if (json_is_object(auth)) printf(", authority %s signed by the operator", str(auth, "name"));
    printf("\n");
    return CLI_OK;
}

/* approve (1) or reject (0) every GID operand. */
static int decide(int argc, char **argv, const char *cmd, const char *usage, int approve)
{
    cli_ctx c;
    json_t *all = NULL;
    int rc, worst = CLI_OK;
    cli_ctx_init(&c, cmd);
    if ((rc = admin_args(&c, argc, argv, usage, 1, NULL)) != CLI_OK) return rc < 0 ? CLI_OK : rc;
    if ((rc = cli_ctx_keyring(&c)) != CLI_OK || (rc = cli_ctx_net(&c)) != CLI_OK) goto out;
    if (approve && ck_net_enroll_pending(c.net, &all) != 0) {
        rc = cli_ctx_net_error(&c, "listing enrollment requests");
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        if (approve) rc = approve_one(&c, all, argv[i]);
        else if (ck_net_enroll_reject(c.net, argv[i]) != 0) rc = cli_ctx_net_error(&c, argv[i]);
        else {
            printf("rejected %s\n", argv[i]);
            rc = CLI_OK;
        }
        if (rc != CLI_OK) worst = rc;
    }
    rc = worst;
out:
    json_decref(all);
    cli_ctx_close(&c);
    return rc;
}

int cli_admin_approve(int argc, char **argv)
{
    return decide(argc, argv, "admin approve", cli_admin_approve_usage, 1);
}

int cli_admin_reject(int argc, char **argv)
{
    return decide(argc, argv, "admin reject", cli_admin_reject_usage, 0);
}
