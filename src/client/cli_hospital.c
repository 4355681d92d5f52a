/*
 * src/client/cli_hospital.c - `carekey hospital`: a hospital (or pharmacy)
 * administers its staff and care teams from its own home, whose keyring
 * holds the organization's identity (GID = ORG, role organization, owner of
 * the ORG ledger) and runs the authority ORG (docs/CARE.md).
 *
 *   onboard --name ORG --kind K ... the organization joins (cli_onboard.c)
 *   staff add --gid G --role R ...   staff@ORG (+ extras) to G, ledger grant for R, directory affiliation
 *   staff remove --gid G             end G's affiliation, revoke G's ORG attributes and grants
 *   staff list                       the directory's staff of ORG
 *   care-team --patient P [--gid G]  as P's delegate: record grants for the treating staff
 *   units [--kind K]                 ORG's departments, wards (beds) and theatres
 *
 * Every step is safe to repeat after a partial failure: attributes the
 * registry says G holds are not issued again, grants the verified chain
 * already holds are not given again, the directory calls are idempotent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_authority.h"
#include "client/cli_care.h"
#include "client/cli_grant.h"
#include "cli/onboard.h"

#define MAX_EXTRA 32
#define MAX_GIDS 256
#define PAGE 500

/* What each role may write (docs/CARE.md, "Roles and write grants"). */
typedef struct role_sections {
    const char *role;
    const char *record;   /* patient-record sections; NULL: none from the hospital */
    const char *ledger;   /* ledger sections of the organization */
} role_sections;

static const role_sections roles[] = {
    {"doctor", "encounters,problems,allergies,results,careplans,medications,appointments,procedures,other",
     "ward,clinic,schedule,theatre,rx"},
    {"nurse", "encounters,allergies,results,careplans", "ward,clinic"},
    {"clerk", "appointments,encounters", "ward,schedule,clinic"},
    {"pharmacist", "medications", "rx"},
};

static const role_sections *role_find(const char *role)
{
    for (size_t i = 0; role && i < sizeof roles / sizeof *roles; i++)
        if (strcmp(roles[i].role, role) == 0) return &roles[i];
    return NULL;
}

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- the organization itself -------------------------------------------------- */

/* ORG: the keyring's identity, which must also run the authority ORG. */
static int hospital_self(cli_ctx *c, char org[CK_NET_ID_MAX + 1])
{
    const ck_keyring_authority_secret *s;
    int rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    snprintf(org, CK_NET_ID_MAX + 1, "%s", ck_keyring_identity(c->kr)->gid);
    if (!ck_keyring_authority_sk_find(c->kr, org)) {
        cli_error(c->cmd, "this keyring (%s) is %s's, which runs no authority '%s': run hospital commands from the "
                          "organization's own home", c->home, org, org);
        return CLI_FAIL;
    }
    if ((rc = cli_authority_secret(c, org, &s)) != CLI_OK) return rc;
    return cli_ctx_net(c);
}

/* The directory's user object of gid (attributes, org, unit, title, active). */
static int user_object(cli_ctx *c, const char *gid, json_t **out)
{
    char path[256], *resp = NULL;
    size_t len = 0;
    long st = 0;
    *out = NULL;
    snprintf(path, sizeof path, "/v1/users/%s", gid);
    if (ck_net_request(c->net, "GET", path, NULL, 0, &st, &resp, &len) != 0) return cli_ctx_net_error(c, gid);
    if (st == 404) {
        free(resp);
        cli_error(c->cmd, "no user '%s' in the directory", gid);
        return CLI_FAIL;
    }
    *out = st == 200 ? json_loadb(resp, len, 0, NULL) : NULL;
    free(resp);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        cli_error(c->cmd, "looking up %s: the server answered HTTP %ld", gid, st);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Every user of the directory matching f (all pages), as one array. */
static int users_all(cli_ctx *c, ck_net_user_filter f, json_t **out)
{
    char after[CK_NET_ID_MAX + 1] = "";
    int more = 1;
    *out = json_array();
    f.limit = PAGE;
    while (more && *out) {
        json_t *page = NULL;
        f.after = after[0] ? after : NULL;
        if (ck_net_users_list(c->net, &f, &page, &more) != 0) {
            json_decref(*out);
            *out = NULL;
            return cli_ctx_net_error(c, "listing the staff");
        }
        if (json_array_size(page))
            snprintf(after, sizeof after, "%s", jstr(json_array_get(page, json_array_size(page) - 1), "gid") ?: "");
        if (json_array_extend(*out, page) != 0 || (more && !after[0])) more = 0;
        json_decref(page);
    }
    if (!*out) cli_error(c->cmd, "out of memory");
    return *out ? CLI_OK : CLI_FAIL;
}

/* 1 when the directory's user object is affiliated with org. */
static int staff_of(const json_t *user, const char *org)
{
    const char *o = jstr(user, "org");
    return o && strcmp(o, org) == 0;
}

/* The role a staff member works in: the directory role when it is one of
 * the table's, else the affiliation title when that names one. */
static const role_sections *staff_role(const json_t *user)
{
    const role_sections *r = role_find(jstr(user, "role"));
    return r ? r : role_find(jstr(user, "title"));
}

/* ---- staff add ------------------------------------------------------------------ */

static const char add_usage[] =
    "Usage: carekey hospital staff add --gid G --role ROLE [--unit U] [--title T] [--attr A ...] [OPTIONS]\n"
    "\n"
    "Takes G on as staff of this organization (run from its own home: identity\n"
    "and authority ORG): issues staff@ORG and the extra attributes through G's\n"
    "mailbox, gives G a write grant on the ORG ledger for the sections of the\n"
    "role, and records the affiliation in the directory (org, unit, title and\n"
    "every attribute G holds that this organization knows of). Re-running it\n"
    "after a partial failure finishes the job without duplicating anything.\n"
    "\n"
    "  --gid G       the person, enrolled in the directory\n"
    "  --role ROLE   doctor | nurse | clerk | pharmacist; ledger sections:\n"
    "                doctor ward,clinic,schedule,theatre,rx; nurse ward,clinic;\n"
    "                clerk ward,schedule,clinic; pharmacist rx\n"
    "  --unit U      the department, ward or theatre G works in (a unit of ORG)\n"
    "  --title T     job title in the directory (default: the role)\n"
    "  --attr A      an extra attribute of authority ORG (level@ORG=3, icu@ORG);\n"
    "                repeatable\n"
    "\n" CLI_CTX_HELP;

/* Attributes of ORG to issue: staff@ORG and the extras, without those the
 * registry says G already holds (same value for numeric ones). */
static int specs_to_issue(cli_ctx *c, const char *org, const char *gid, const cli_attr_spec *want, size_t n,
                          cli_attr_spec *out, size_t *n_out)
{
    json_t *reg = cli_registry_load(c, org);
    *n_out = 0;
    if (!reg) return CLI_FAIL;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = 0;
        if (cli_registry_holds(reg, want[i].label, want[i].numeric, gid, &v) && (!want[i].numeric || v == want[i].value)) {
            printf("%s already holds %s\n", gid, want[i].label);
            continue;
        }
        out[(*n_out)++] = want[i];
    }
    json_decref(reg);
    return CLI_OK;
}

/* A write grant on the ORG ledger for sections, unless the chain holds one. */
static int ledger_grant(cli_ctx *c, const char *org, const char *gid, const char *sections)
{
    cli_chain_grant *cg = NULL;
    size_t n = 0;
    int rc = cli_grant_load(c, org, &cg, &n, "the ledger of %s does not verify; no grant given", org);
    if (rc == CLI_OK && cli_grant_covers(cg, n, gid, sections, 0))
        printf("%s already holds a grant on %s's ledger for %s\n", gid, org, sections);
    else if (rc == CLI_OK)
        rc = cli_grant_give(c, org, gid, sections, 0, 0);
    free(cg);
    return rc;
}

static int label_ok_for_directory(const char *l)
{
    size_t n = strlen(l);
    return n && n <= 128 &&
           strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-") == n;
}

static int add_label(json_t *set, const char *l)
{
    size_t i;
    json_t *v;
    if (!l || !label_ok_for_directory(l)) return 0;
    json_array_foreach(set, i, v) if (strcmp(json_string_value(v), l) == 0) return 0;
    return json_array_append_new(set, json_string(l));
}

/* The directory affiliation: unit and title (kept from an earlier
 * affiliation with ORG when not given), attributes = what the directory
 * listed + what ORG's registry says G holds. */
static int affiliate(cli_ctx *c, const char *org, const char *gid, const json_t *user, const char *unit,
                     const char *title)
{
    const char *attrs[64];
    json_t *set = json_array(), *held = NULL, *reg = NULL, *v, *after = NULL;
    size_t i, n = 0;
    int same_org = staff_of(user, org), rc = CLI_FAIL;
    if (!set || !(reg = cli_registry_load(c, org)) || !(held = cli_registry_held(reg, gid))) goto out;
    json_array_foreach(json_object_get(user, "attributes"), i, v) if (add_label(set, json_string_value(v))) goto out;
    json_array_foreach(held, i, v) if (add_label(set, json_string_value(v))) goto out;
    json_array_foreach(set, i, v) if (n < 64) attrs[n++] = json_string_value(v);
    if (!unit && same_org) unit = jstr(user, "unit");
    if (!title && same_org) title = jstr(user, "title");
    if (ck_net_user_affiliate(c->net, gid, org, unit, title, attrs, n, &after) != 0) {
        const char *code = ck_net_error_code(c->net);
        if (code && !strcmp(code, "no_consent"))
            cli_error(c->cmd, "%s has not consented to work for %s: %s runs 'carekey directory consent %s' first",
                      gid, org, gid, org);
        else if (code && !strcmp(code, "not_affiliable"))
            cli_error(c->cmd, "%s cannot be affiliated (patients and organizations never are)", gid);
        else
            rc = cli_ctx_net_error(c, "recording the affiliation");
        goto out;
    }
    printf("affiliated %s with %s%s%s%s%s; attributes:", gid, org, unit ? ", unit " : "", unit ? unit : "",
           title ? ", title " : "", title ? title : "");
    for (i = 0; i < n; i++) printf(" %s", attrs[i]);
    printf("\n");
    rc = CLI_OK;
out:
    if (rc == CLI_FAIL && !after) cli_error(c->cmd, "the affiliation was not recorded");
    json_decref(after);
    json_decref(held);
    json_decref(reg);
    json_decref(set);
    return rc;
}

static int cmd_staff_add(int argc, char **argv)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'}, {"role", required_argument, NULL, 'r'},
                                       {"unit", required_argument, NULL, 'u'}, {"title", required_argument, NULL, 't'},
                                       {"attr", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital staff add", *gid = NULL, *role = NULL, *unit = NULL, *title = NULL;
    const char *extra[MAX_EXTRA];
    char org[CK_NET_ID_MAX + 1];
    cli_attr_spec want[MAX_EXTRA + 1], issue[MAX_EXTRA + 1];
    size_t n_extra = 0, n_want = 0, n_issue = 0;
    const role_sections *rs;
    json_t *user = NULL, *units = NULL;
    ck_care_error cerr;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        switch (o) {
        case 'g': gid = optarg; break;
        case 'r': role = optarg; break;
        case 'u': unit = optarg; break;
        case 't': title = optarg; break;
        case 'a':
            if (n_extra == MAX_EXTRA) return cli_usage_error(c.cmd, help, "more than %d --attr", MAX_EXTRA);
            extra[n_extra++] = optarg;
            break;
        case 'h': fputs(add_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!gid || !role) return cli_usage_error(c.cmd, help, "--gid and --role are required");
    if (!ck_net_id_valid(gid)) return cli_usage_error(c.cmd, help, "invalid GID '%s'", gid);
    if (!(rs = role_find(role))) return cli_usage_error(c.cmd, help, "--role: '%s' is not doctor, nurse, clerk or pharmacist", role);
    if (unit && !ck_net_id_valid(unit)) return cli_usage_error(c.cmd, help, "invalid unit name '%s'", unit);
    if (title && (!*title || strlen(title) > 127)) return cli_usage_error(c.cmd, help, "--title: 1-127 bytes");
    if (!title) title = role;
    if ((rc = hospital_self(&c, org)) != CLI_OK) goto out;
    if (strcmp(gid, org) == 0) {
        rc = cli_usage_error(c.cmd, help, "the organization cannot be its own staff");
        goto out;
    }
    /* the attributes: staff@ORG first, then the extras of this authority */
    {
        char staff[CK_NET_ID_MAX + 8];
        cli_care_ledger_policy(org, staff);
        if ((rc = cli_attr_parse(c.cmd, help, staff, 0, &want[n_want++])) != CLI_OK) goto out;
    }
    for (size_t i = 0; i < n_extra; i++) {
        int dup = 0;
        if ((rc = cli_attr_parse(c.cmd, help, extra[i], 1, &want[n_want])) != CLI_OK) goto out;
        if (strcmp(cli_attr_authority(want[n_want].label), org) != 0) {
            rc = cli_usage_error(c.cmd, help, "--attr '%s' is not an attribute of %s", extra[i], org);
            goto out;
        }
        for (size_t k = 0; k < n_want; k++) dup |= strcmp(want[k].label, want[n_want].label) == 0;
        if (!dup) n_want++;
    }
    /* the person: enrolled, in a role that fits, not someone else's staff */
    if ((rc = user_object(&c, gid, &user)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (role_find(jstr(user, "role")) && strcmp(jstr(user, "role"), role) != 0) {
        cli_error(c.cmd, "%s is enrolled as %s, not %s", gid, jstr(user, "role"), role);
        goto out;
    }
    if (jstr(user, "org") && !staff_of(user, org)) {
        cli_error(c.cmd, "%s is staff of %s; that organization releases them first", gid, jstr(user, "org"));
        goto out;
    }
    if (json_is_false(json_object_get(user, "active"))) {
        cli_error(c.cmd, "%s is deactivated in the directory", gid);
        goto out;
    }
    if (unit) {
        if (ck_net_units_list(c.net, org, NULL, &units) != 0) {
            rc = cli_ctx_net_error(&c, "listing the units");
            goto out;
        }
        if (ck_care_unit_check(units, unit, NULL, &cerr) != 0) {
            cli_error(c.cmd, "%s", cerr.msg);
            goto out;
        }
    }
    /* 1. directory (needs G's consent), 2. keys, 3. ledger grant, 4. the
     * attributes in the directory: each skipped when done */
    if ((rc = affiliate(&c, org, gid, user, unit, title)) != CLI_OK) goto out;
    if ((rc = specs_to_issue(&c, org, gid, want, n_want, issue, &n_issue)) != CLI_OK) goto out;
    if (n_issue && (rc = cli_authority_issue(&c, org, gid, issue, n_issue)) != CLI_OK) goto out;
    if ((rc = ledger_grant(&c, org, gid, rs->ledger)) != CLI_OK) goto out;
    if (n_issue) {
        json_decref(user);
        user = NULL;
        if ((rc = user_object(&c, gid, &user)) != CLI_OK || (rc = affiliate(&c, org, gid, user, unit, title)) != CLI_OK)
            goto out;
    }
    printf("staff added: %s as %s at %s\n", gid, role, org);
out:
    json_decref(units);
    json_decref(user);
    cli_ctx_close(&c);
    return rc;
}

/* ---- staff remove -------------------------------------------------------------------- */

static const char remove_usage[] =
    "Usage: carekey hospital staff remove --gid G [--reason TEXT] [OPTIONS]\n"
    "\n"
    "Ends G's work at this organization: ends G's affiliation in the directory,\n"
    "revokes every attribute of authority ORG that G holds (new epochs: nothing\n"
    "sealed from now on is readable with G's keys; the others keep every epoch\n"
    "they hold and get the new one), revokes G's grants on the ORG ledger and the\n"
    "grants ORG gave G on its patients' records. G's account stays: only the\n"
    "operator deactivates accounts. What G could read before stays readable to\n"
    "her ('carekey reencrypt' closes it). Safe to re-run. ('staff deactivate' is\n"
    "the old name of this command.)\n"
    "\n"
    "  --gid G         the staff member\n"
    "  --reason TEXT   why (printed with the result)\n"
    "\n" CLI_CTX_HELP;

/* The grants ORG gave G on the records of the patients who made ORG their
 * delegate (the directory lists them to ORG only). */
static int revoke_patient_grants(cli_ctx *c, const char *org, const char *gid, size_t *n)
{
    ck_net_user_filter f;
    json_t *patients = NULL, *p;
    size_t i, k;
    int rc;
    *n = 0;
    memset(&f, 0, sizeof f);
    f.role = "patient";
    f.active = -1;
    if ((rc = users_all(c, f, &patients)) != CLI_OK) return rc;
    json_array_foreach(patients, i, p) {
        if ((rc = cli_grant_revoke_all(c, jstr(p, "gid"), gid, org, &k)) != CLI_OK) break;
        *n += k;
    }
    json_decref(patients);
    return rc;
}

static int cmd_staff_remove(int argc, char **argv)
{
    static const struct option lo[] = {{"gid", required_argument, NULL, 'g'}, {"reason", required_argument, NULL, 'r'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CTX_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital staff remove", *gid = NULL, *reason = NULL;
    char org[CK_NET_ID_MAX + 1];
    json_t *user = NULL, *reg = NULL, *held = NULL, *after = NULL, *v;
    size_t i, n_attrs = 0, n_grants = 0, n_records = 0;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        if (o == 'g') gid = optarg;
        else if (o == 'r') reason = optarg;
        else if (o == 'h') return fputs(remove_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!gid) return cli_usage_error(c.cmd, help, "--gid is required");
    if (!ck_net_id_valid(gid)) return cli_usage_error(c.cmd, help, "invalid GID '%s'", gid);
    if (reason && (!*reason || strlen(reason) > 1024)) return cli_usage_error(c.cmd, help, "--reason: 1-1024 bytes");
    if ((rc = hospital_self(&c, org)) != CLI_OK) goto out;
    if ((rc = user_object(&c, gid, &user)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(reg = cli_registry_load(&c, org)) || !(held = cli_registry_held(reg, gid))) goto out;
    if (!staff_of(user, org) && !json_array_size(held)) {
        cli_error(c.cmd, "%s is not staff of %s in the directory", gid, org);
        goto out;
    }
    /* the directory first: it shows at once that G no longer works here */
    if (staff_of(user, org)) {
        if (ck_net_user_unaffiliate(c.net, gid, &after) != 0) {
            rc = cli_ctx_net_error(&c, "ending the affiliation");
            goto out;
        }
        printf("ended %s's affiliation with %s in the directory\n", gid, org);
    }
    json_array_foreach(held, i, v) {
        if ((rc = cli_authority_revoke(&c, org, gid, json_string_value(v), NULL)) != CLI_OK) goto out;
        n_attrs++;
    }
    if ((rc = cli_grant_revoke_all(&c, org, gid, NULL, &n_grants)) != CLI_OK) goto out;
    if ((rc = revoke_patient_grants(&c, org, gid, &n_records)) != CLI_OK) goto out;
    printf("%s left %s: %zu attribute(s), %zu ledger grant(s) and %zu patient-record grant(s) revoked%s%s\n", gid, org,
           n_attrs, n_grants, n_records, reason ? "; reason: " : "", reason ? reason : "");
out:
    json_decref(after);
    json_decref(held);
    json_decref(reg);
    json_decref(user);
    cli_ctx_close(&c);
    return rc;
}

/* ---- staff list ------------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey hospital staff list [--role R] [--unit U] [--all] [--json] [--org ORG] [OPTIONS]\n"
    "\n"
    "The staff of the organization from the directory: GID, role, unit, title,\n"
    "status and public attributes. Active staff only unless --all.\n"
    "\n"
    "  --role R    only this directory role (doctor, nurse, clerk, pharmacist, ...)\n"
    "  --unit U    only this unit\n"
    "  --all       deactivated staff too\n"
    "  --json      the directory's user objects as a JSON array\n"
    CLI_CARE_ORG_HELP
    "              (run from the organization's home: the organization itself)\n"
    "\n" CLI_CTX_HELP;

/* ORG for the commands any staff member may run: --org, else the
 * keyring's identity when it runs the authority of its own name (the
 * organization's home), else cli_care_org (the staff@ORG key). Then the
 * connection to the directory. */
static int any_org(cli_ctx *c, const char *opt, char org[CK_NET_ID_MAX + 1])
{
    int rc;
    if (!opt && (rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (!opt && ck_keyring_authority_sk_find(c->kr, ck_keyring_identity(c->kr)->gid))
        snprintf(org, CK_NET_ID_MAX + 1, "%s", ck_keyring_identity(c->kr)->gid);
    else if ((rc = cli_care_org(c, opt, org)) != CLI_OK)
        return rc;
    return cli_ctx_net(c);
}

static void print_json(const json_t *j)
{
    char *t = json_dumps(j, JSON_INDENT(2));
    printf("%s\n", t ? t : "[]");
    free(t);
}

static int cmd_staff_list(int argc, char **argv)
{
    static const struct option lo[] = {{"role", required_argument, NULL, 'r'}, {"unit", required_argument, NULL, 'u'},
                                       {"all", no_argument, NULL, 'a'}, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CARE_ORG_LONGOPTS, CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "hospital staff list", *org_opt = NULL;
    char org[CK_NET_ID_MAX + 1];
    ck_net_user_filter f;
    json_t *users = NULL, *u;
    size_t i;
    int o, rc, as_json = 0;
    cli_ctx c;

    memset(&f, 0, sizeof f);
    f.active = 1;
    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        switch (o) {
        case 'r': f.role = optarg; break;
        case 'u': f.unit = optarg; break;
        case 'a': f.active = -1; break;
        case 'j': as_json = 1; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(list_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if ((f.role && !ck_net_id_valid(f.role)) || (f.unit && !ck_net_id_valid(f.unit)))
        return cli_usage_error(c.cmd, help, "invalid --role or --unit");
    if ((rc = any_org(&c, org_opt, org)) != CLI_OK) goto out;
    f.org = org;
    if ((rc = users_all(&c, f, &users)) != CLI_OK) goto out;
    if (as_json) {
        print_json(users);
        goto out;
    }
    printf("%-20s  %-12s  %-16s  %-20s  %-8s  %s\n", "gid", "role", "unit", "title", "status", "attributes");
    json_array_foreach(users, i, u) {
        json_t *a;
        size_t k;
        printf("%-20s  %-12s  %-16s  %-20s  %-8s ", jstr(u, "gid") ?: "", jstr(u, "role") ?: "",
               jstr(u, "unit") ?: "-", jstr(u, "title") ?: "-",
               json_is_false(json_object_get(u, "active")) ? "inactive" : "active");
        json_array_foreach(json_object_get(u, "attributes"), k, a) printf(" %s", json_string_value(a));
        printf("\n");
    }
    if (!json_array_size(users)) printf("(no staff)\n");
out:
    json_decref(users);
    cli_ctx_close(&c);
    return rc;
}

/* ---- care-team ---------------------------------------------------------------------- */

static const char care_team_usage[] =
    "Usage: carekey hospital care-team --patient P [--gid G ...] [OPTIONS]\n"
    "\n"
    "Run by the hospital as P's delegate (P first ran 'carekey grant --patient P\n"
    "--to ORG --sections '*' --delegate'): gives each staff member a write grant\n"
    "on P's record for the sections of their role, unless the verified chain\n"
    "already holds one that covers them:\n"
    "  doctor      encounters,problems,allergies,results,careplans,medications,\n"
    "              appointments,procedures,other\n"
    "  nurse       encounters,allergies,results,careplans\n"
    "  clerk       appointments,encounters\n"
    "  pharmacist  medications (a pharmacy runs care-team for its pharmacists)\n"
    "Prints one line per person.\n"
    "\n"
    "  --patient P   the patient\n"
    "  --gid G       a staff member of ORG (repeatable; default: every active\n"
    "                staff member in the directory)\n"
    "\n" CLI_CTX_HELP;

/* P's chain grants; refuses unless ORG holds an active delegate grant. */
static int patient_grants(cli_ctx *c, const char *patient, const char *org, cli_chain_grant **cg, size_t *n)
{
    int rc = cli_grant_load(c, patient, cg, n, "the record of %s does not verify; no grant given", patient);
    if (rc != CLI_OK || cli_grant_covers(*cg, *n, org, "grants", 1)) return rc;
    cli_error(c->cmd, "%s is not a delegate of %s: the patient runs 'carekey grant --patient %s --gid %s "
                      "--sections '*' --delegate'", org, patient, patient, org);
    return CLI_FAIL;
}

static int care_team_one(cli_ctx *c, const char *org, const char *patient, const json_t *user,
                         const cli_chain_grant *cg, size_t n, size_t *given)
{
    const char *gid = jstr(user, "gid");
    const role_sections *rs = staff_role(user);
    if (!staff_of(user, org) || json_is_false(json_object_get(user, "active"))) {
        cli_error(c->cmd, "%s is not active staff of %s", gid, org);
        return CLI_FAIL;
    }
    if (!rs || !rs->record) {
        printf("skipped %s: role %s gets no record grant from the hospital\n", gid, jstr(user, "role") ?: "?");
        return CLI_OK;
    }
    if (cli_grant_covers(cg, n, gid, rs->record, 0)) {
        printf("kept %s (%s): already granted %s\n", gid, rs->role, rs->record);
        return CLI_OK;
    }
    (*given)++;
    return cli_grant_give(c, patient, gid, rs->record, 0, 0);
}

static int cmd_care_team(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'}, {"gid", required_argument, NULL, 'g'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CTX_LONGOPTS, {NULL, 0, NULL, 0}};
    const char *help = "hospital care-team", *patient = NULL, *gids[MAX_GIDS];
    char org[CK_NET_ID_MAX + 1];
    cli_chain_grant *cg = NULL;
    json_t *team = NULL, *u;
    size_t n_gids = 0, n_cg = 0, given = 0, i;
    cli_ctx c;
    int o, rc;

    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        switch (o) {
        case 'p': patient = optarg; break;
        case 'g':
            if (n_gids == MAX_GIDS) return cli_usage_error(c.cmd, help, "more than %d --gid", MAX_GIDS);
            if (!ck_net_id_valid(optarg)) return cli_usage_error(c.cmd, help, "invalid GID '%s'", optarg);
            gids[n_gids++] = optarg;
            break;
        case 'h': fputs(care_team_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!patient) return cli_usage_error(c.cmd, help, "--patient is required");
    if (!ck_net_id_valid(patient)) return cli_usage_error(c.cmd, help, "invalid GID '%s'", patient);
    if ((rc = hospital_self(&c, org)) != CLI_OK) goto out;
    if ((rc = patient_grants(&c, patient, org, &cg, &n_cg)) != CLI_OK) goto out;
    if (n_gids) {
        rc = CLI_FAIL;
        if (!(team = json_array())) goto out;
        for (i = 0; i < n_gids; i++) {
            if ((rc = user_object(&c, gids[i], &u)) != CLI_OK) goto out;
            json_array_append_new(team, u);
        }
    } else {
        ck_net_user_filter f;
        memset(&f, 0, sizeof f);
        f.org = org;
        f.active = 1;
        if ((rc = users_all(&c, f, &team)) != CLI_OK) goto out;
    }
    json_array_foreach(team, i, u) {
        if ((rc = care_team_one(&c, org, patient, u, cg, n_cg, &given)) != CLI_OK) goto out;
    }
    printf("care team of %s at %s: %zu grant(s) given, %zu staff member(s) considered\n", patient, org, given,
           json_array_size(team));
out:
    free(cg);
    json_decref(team);
    cli_ctx_close(&c);
    return rc;
}

/* ---- units ------------------------------------------------------------------------- */

static const char units_usage[] =
    "Usage: carekey hospital units [list] [--kind ward|theatre|department] [--json] [--org ORG] [OPTIONS]\n"
    "       carekey hospital units add --org ORG --name NAME --kind department|ward|theatre\n"
    "                                  [--display-name NAME] [--beds N] [OPTIONS]\n"
    "\n"
    "list (the default): the organization's units from the directory: name, kind,\n"
    "beds (wards) and display name. add: a unit for the organization (run as the\n"
    "operator or from the organization's home; 'carekey hospital units add --help').\n"
    "\n"
    "  --kind K    only wards, theatres or departments\n"
    "  --json      the directory's unit objects as a JSON array\n"
    CLI_CARE_ORG_HELP
    "\n" CLI_CTX_HELP;

static int cmd_units(int argc, char **argv)
{
    static const struct option lo[] = {{"kind", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'}, CLI_CARE_ORG_LONGOPTS, CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "hospital units", *kind = NULL, *org_opt = NULL;
    char org[CK_NET_ID_MAX + 1];
    json_t *units = NULL, *u;
    size_t i;
    int o, rc, as_json = 0;
    cli_ctx c;

    /* one place for units: 'units add' (also the hidden 'admin add-unit'), 'units [list]' */
    if (argc >= 2 && !strcmp(argv[1], "add")) return cli_unit_add("hospital units add", argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "list")) argc--, argv++;
    cli_ctx_init(&c, help);
    cli_start_opts();
    while ((o = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, o, optarg)) continue;
        switch (o) {
        case 'k': kind = optarg; break;
        case 'j': as_json = 1; break;
        case CLI_CARE_OPT_ORG: org_opt = optarg; break;
        case 'h': fputs(units_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (kind && strcmp(kind, "ward") && strcmp(kind, "theatre") && strcmp(kind, "department"))
        return cli_usage_error(c.cmd, help, "--kind: '%s' is not ward, theatre or department", kind);
    if ((rc = any_org(&c, org_opt, org)) != CLI_OK) goto out;
    if (ck_net_units_list(c.net, org, kind, &units) != 0) {
        rc = cli_ctx_net_error(&c, "listing the units");
        goto out;
    }
    if (as_json) {
        print_json(units);
        goto out;
    }
    printf("%-20s  %-10s  %5s  %s\n", "unit", "kind", "beds", "name");
    json_array_foreach(units, i, u) {
        const char *k = jstr(u, "kind") ?: "";
        char beds[24] = "-";
        if (!strcmp(k, "ward")) snprintf(beds, sizeof beds, "%lld", (long long)json_integer_value(json_object_get(u, "beds")));
        printf("%-20s  %-10s  %5s  %s\n", jstr(u, "name") ?: "", k, beds, jstr(u, "display_name") ?: "");
    }
    if (!json_array_size(units)) printf("(no units)\n");
out:
    json_decref(units);
    cli_ctx_close(&c);
    return rc;
}

/* ---- the group ------------------------------------------------------------------------ */

static const cli_subcmd staff_subcmds[] = {
    {"add", "take a person on: keys, ledger grant, directory affiliation", add_usage, cmd_staff_add},
    {"remove", "let a person go: end the affiliation, revoke attributes and grants", remove_usage, cmd_staff_remove},
    {"deactivate", "the old name of 'staff remove'", remove_usage, cmd_staff_remove},
    {"list", "the organization's staff from the directory", list_usage, cmd_staff_list},
};

static void staff_help(FILE *f)
{
    fprintf(f, "Usage: carekey hospital staff SUBCOMMAND [OPTIONS]\n\nSubcommands:\n");
    cli_print_subcmds(f, staff_subcmds, sizeof staff_subcmds / sizeof *staff_subcmds);
    fprintf(f, "\n'carekey hospital staff SUBCOMMAND --help' describes each one.\n");
}

static int cmd_staff(int argc, char **argv)
{
    return cli_dispatch("hospital staff", staff_help, staff_subcmds, sizeof staff_subcmds / sizeof *staff_subcmds,
                        argc, argv);
}

static const char staff_usage[] = "Usage: carekey hospital staff add|remove|list [OPTIONS]\n";

static const cli_subcmd subcmds[] = {
    {"staff", "add, remove and list the organization's staff", staff_usage, cmd_staff},
    {"onboard", "the organization joins: identity, authority, enrollment, units", cli_hospital_onboard_usage,
     cli_hospital_onboard},
    {"care-team", "as the patient's delegate, give the treating staff write grants", care_team_usage, cmd_care_team},
    {"units", "the organization's departments, wards and theatres: list, add", units_usage, cmd_units},
};

static void hospital_help(FILE *f)
{
    fprintf(f, "Usage: carekey hospital SUBCOMMAND [OPTIONS]\n"
               "\n"
               "Hospital and pharmacy administration, run from the organization's own home\n"
               "(its identity ORG, role organization, which runs the authority ORG and owns\n"
               "the ORG ledger). docs/CARE.md describes the model.\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey hospital staff add --gid dr-a --role doctor --unit cardio\n"
               "  carekey hospital care-team --patient p1          (after p1's delegate grant)\n"
               "  carekey hospital staff remove --gid dr-a --reason 'left'\n"
               "\n"
               "'carekey hospital SUBCOMMAND --help' describes each one.\n");
}

static int hospital_run(int argc, char **argv)
{
    return cli_dispatch("hospital", hospital_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_hospital = {"hospital", "hospital administration: staff, onboard, care-team, units",
                                      hospital_run};
