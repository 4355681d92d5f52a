/*
 * src/client/cli_care_rx.c - `carekey rx`: prescriptions and dispensing
 * (docs/CARE.md, "Prescriptions and dispensing").
 *
 *   rx write     a doctor prescribes: allergy and duplicate checks against
 *                the patient's record, warnings block unless overridden
 *                with a reason; the MedicationRequest goes into the
 *                patient's section medications and a copy into the
 *                hospital's ledger section rx
 *   rx list      prescriptions with status and fills used/allowed
 *   rx dispense  a pharmacist dispenses within the prescription's limits:
 *                check and write are one step on one record head, repeated
 *                when someone wrote in between (cli_care_retry)
 *   rx cancel    the prescriber or a doctor cancels an open prescription
 *   rx drugs     the built-in drug table
 *
 * Who may do what is decided by keys and the directory, never by what a
 * resource says about itself: the prescribing attribute doctor@medical-board
 * in the writer's keyring; the request's author is the signer of its
 * latest version (verified in the chain), who must be a doctor in the
 * directory; a dispense another writer marked as void only stops counting
 * when a pharmacist wrote that version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_care.h"

#define PRESCRIBING_ATTR "doctor@medical-board"
#define PATIENT_SECTION "medications"
#define LEDGER_SECTION "rx"

#define OPT_RXNORM 'r'
#define OPT_DRUG 'd'
#define OPT_DOSE 'D'
#define OPT_QUANTITY 'q'
#define OPT_UNIT 'u'
#define OPT_REFILLS 'f'
#define OPT_OVERRIDE 'o'
#define OPT_ID 'i'
#define OPT_REASON 'R'
#define OPT_OPEN 'O'
#define OPT_JSON 'j'   /* rx drugs */
#define OPT_PHARMACY 'P'
#define OPT_LOCATION 'L'
#define OPT_HELP 'h'

/* ===== small pieces =========================================================== */

static int holds_attribute(cli_ctx *c, const char *label)
{
    const ck_abe_user_key *key = ck_keyring_user_key(c->kr);
    for (size_t i = 0; key && i < key->n; i++)
        if (!strcmp(key->attr[i].label, label)) return 1;
    return 0;
}

static const char *my_gid(cli_ctx *c) { return ck_keyring_identity(c->kr)->gid; }

/* A count option: 0..max. */
static int parse_count(const char *s, uint32_t max, uint32_t *out)
{
    return cli_parse_u32(s, out) && *out <= max;
}

/* --quantity: 1..100000. CLI_OK or a usage error. */
static int parse_quantity(const cli_care_cmd *k, const char *arg, uint32_t *out)
{
    if (parse_count(arg, 100000, out) && *out != 0) return CLI_OK;
    return cli_usage_error(k->c.cmd, k->help, "--quantity: '%s' is not 1..100000", arg);
}

/* The directory's word on a user: role (into role, 65 bytes) and whether
 * active (a directory without the field: active). CLI_OK or reported. */
static int directory_user(cli_ctx *c, const char *gid, char *role, int *active)
{
    char path[128], *resp = NULL;
    size_t len = 0;
    long st = 0;
    json_t *u;
    const json_t *a;
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (!ck_net_id_valid(gid)) {
        cli_error(c->cmd, "'%s' is not a valid GID", gid);
        return CLI_FAIL;
    }
    snprintf(path, sizeof path, "/v1/users/%s", gid);
    if (ck_net_request(c->net, "GET", path, NULL, 0, &st, &resp, &len) != 0)
        return cli_ctx_net_error(c, "looking up the prescriber");
    u = st == 200 ? json_loadb(resp, len, 0, NULL) : NULL;
    free(resp);
    if (!u || !json_is_string(json_object_get(u, "role"))) {
        json_decref(u);
        cli_error(c->cmd, "the directory has no user '%s' (HTTP %ld)", gid, st);
        return CLI_FAIL;
    }
    snprintf(role, 65, "%s", json_string_value(json_object_get(u, "role")));
    a = json_object_get(u, "active");
    *active = !json_is_false(a);
    json_decref(u);
    return CLI_OK;
}

static const char *res_str(const json_t *item, const char *key)
{
    return json_string_value(json_object_get(ck_care_item_resource(item), key));
}

static const char *drug_text(const json_t *res)
{
    const json_t *cc = json_object_get(res, "medicationCodeableConcept");
    const char *t = json_string_value(json_object_get(cc, "text"));
    return t ? t : json_string_value(json_object_get(json_array_get(json_object_get(cc, "coding"), 0), "display"));
}

/* After the required options: no operands, a valid patient GID. */
static int check_patient(const cli_care_cmd *k, int argc, char **argv)
{
    if (optind != argc) return cli_usage_error(k->c.cmd, k->help, "unexpected argument '%s'", argv[optind]);
    if (!ck_net_id_valid(k->patient))
        return cli_usage_error(k->c.cmd, k->help, "'%s' is not a valid patient GID", k->patient);
    return CLI_OK;
}

/* Loads P's medications into b (freed by the caller, also on failure) and
 * finds the latest MedicationRequest/id there: CLI_OK, or reported. */
static int load_request(cli_care_cmd *k, cli_care_book *b, const char *id, const json_t **req)
{
    int rc;
    if ((rc = cli_care_book_load(b, &k->c, k->patient, PATIENT_SECTION)) != CLI_OK) return rc;
    if ((*req = cli_care_book_find(b, "MedicationRequest", id))) return CLI_OK;
    cli_error(k->c.cmd, "no prescription MedicationRequest/%s that you can read in the record of %s", id, k->patient);
    return CLI_FAIL;
}

static void print_warnings(const json_t *warnings)
{
    const json_t *w;
    size_t i;
    json_array_foreach(warnings, i, w)
        fprintf(stderr, "warning: %s: %s\n", json_string_value(json_object_get(w, "code")),
                json_string_value(json_object_get(w, "message")));
}

/* ===== rx write =============================================================== */

static const char write_usage[] =
    "Usage: carekey rx write --patient P (--rxnorm CODE | --drug NAME) --quantity N\n"
    "                        [--unit U] [--refills N] [--dose TEXT] [--override REASON]\n"
    "                        [--org ORG] [--at WHEN]\n"
    "\n"
    "Prescribes a drug of the built-in table ('carekey rx drugs'). Needs the\n"
    "prescribing attribute doctor@medical-board in your keyring and a write grant\n"
    "on the patient's medications section. Reads the patient's allergies and\n"
    "medications first: an allergy to the drug, its class or a cross-reacting\n"
    "class, an open prescription of the same ingredient or a duplicate class,\n"
    "and entries of those sections you cannot read are printed as warnings and\n"
    "block the prescription (exit 1, nothing written) unless --override REASON\n"
    "is given; the overridden warnings and the reason are then recorded in the\n"
    "MedicationRequest. It is written to the patient's section medications and\n"
    "copied to the hospital's ledger section rx.\n"
    "\n"
    "  --patient P        the patient's GID\n"
    "  --rxnorm CODE      the drug by RxNorm code\n"
    "  --drug NAME        the drug by its table name (case-insensitive)\n"
    "  --quantity N       quantity per fill (1..100000)\n"
    "  --unit U           its unit (default 'unit')\n"
    "  --refills N        repeats allowed after the first fill (0..99, default 0)\n"
    "  --dose TEXT        the dosage instruction\n"
    "  --override REASON  prescribe despite the warnings, for this reason\n"
    "  --at WHEN          authoredOn (default now)\n" CLI_CARE_ORG_HELP
    "\n"
    "Prints 'prescribed MedicationRequest/<id> (entry N of P) ...'. Exit codes: 0\n"
    "prescribed, 1 refused (warnings, no prescribing attribute, no grant), 2 usage.\n"
    "\n" CLI_CTX_HELP;

typedef struct write_job {
    cli_care_cmd *k;       /* the patient; the hospital whose ledger gets the copy */
    const char *override_reason;
    ck_care_rx_params p;
    json_t *mr;            /* out: what was written */
    ck_net_head head;      /* out: the patient's record after it */
} write_job;

/* Reads, checks and writes on the head it read: CLI_CARE_STALE when the
 * record moved (a prescription may have arrived meanwhile). */
static int write_step(void *arg)
{
    write_job *j = arg;
    cli_care_book b;
    json_t *allergies = NULL, *meds = NULL, *warnings = NULL, *unreadable;
    ck_care_error err;
    int rc;
    if ((rc = cli_care_book_load(&b, &j->k->c, j->k->patient, "allergies,medications")) != CLI_OK) return rc;
    rc = CLI_FAIL;
    if (!(allergies = cli_care_book_select(&b, "allergies", NULL)) || !(meds = cli_care_book_select(&b, PATIENT_SECTION, NULL)))
        goto out;
    if (ck_care_rx_check(allergies, meds, j->p.drug, &warnings, &err) != 0 && !warnings) {
        cli_error(j->k->c.cmd, "checking: %s", err.msg);
        goto out;
    }
    if (b.withheld || b.bad) {
        char msg[200];
        snprintf(msg, sizeof msg, "%zu entries of the allergies and medications sections could not be read; the checks are incomplete",
                 b.withheld + b.bad);
        unreadable = json_pack("{s:s,s:s}", "code", "unreadable", "message", msg);
        if (!unreadable || json_array_append_new(warnings, unreadable)) goto out;
    }
    print_warnings(warnings);
    if (json_array_size(warnings) && !j->override_reason) {
        cli_error(j->k->c.cmd, "%zu warning%s: not prescribed (--override REASON prescribes anyway)",
                  json_array_size(warnings), json_array_size(warnings) == 1 ? "" : "s");
        goto out;
    }
    j->p.overrides = warnings;
    j->p.override_reason = j->override_reason;
    json_decref(j->mr);
    if (!(j->mr = ck_care_rx_build(&j->p, &err))) {
        cli_error(j->k->c.cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = cli_care_book_writable(&b, &j->k->c, PATIENT_SECTION)) != CLI_OK ||
        (rc = cli_care_writable(&j->k->c, j->k->org, LEDGER_SECTION)) != CLI_OK)
        goto out;
    rc = cli_care_put(&j->k->w, j->k->patient, PATIENT_SECTION, j->mr, NULL, &b.head, &j->head);
out:
    j->p.overrides = NULL;
    json_decref(warnings);
    json_decref(allergies);
    json_decref(meds);
    cli_care_book_free(&b);
    return rc;
}

/* The hospital's copy, after the patient's record has the original. */
static int write_ledger_copy(cli_care_writer *w, const char *org, const json_t *res, const char *what)
{
    char policy[CK_NET_ID_MAX + 8];
    ck_net_head h;
    int rc;
    cli_care_ledger_policy(org, policy);
    rc = cli_care_put(w, org, LEDGER_SECTION, res, policy, NULL, &h);
    if (rc != CLI_OK) {
        cli_error(w->c->cmd, "%s/%s is in the patient's record, but its copy in the ledger of %s failed",
                  json_string_value(json_object_get(res, "resourceType")), json_string_value(json_object_get(res, "id")),
                  org);
        return rc;
    }
    printf("  %s copy: entry %llu of %s\n", what, (unsigned long long)h.seq, org);
    return CLI_OK;
}

static int cmd_write(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS,
                                       {"rxnorm", required_argument, NULL, OPT_RXNORM},
                                       {"drug", required_argument, NULL, OPT_DRUG},
                                       {"dose", required_argument, NULL, OPT_DOSE},
                                       {"quantity", required_argument, NULL, OPT_QUANTITY},
                                       {"unit", required_argument, NULL, OPT_UNIT},
                                       {"refills", required_argument, NULL, OPT_REFILLS},
                                       {"override", required_argument, NULL, OPT_OVERRIDE},
                                       CLI_CARE_AT_LONGOPTS,
                                       CLI_CARE_ORG_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *rxnorm = NULL, *name = NULL;
    int have_qty = 0, opt, rc;
    cli_care_cmd k;
    write_job j;
    cli_care_cmd_init(&k, "rx write");
    memset(&j, 0, sizeof j);
    j.k = &k;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, opt, optarg)) continue;
        switch (opt) {
        case OPT_RXNORM: rxnorm = optarg; break;
        case OPT_DRUG: name = optarg; break;
        case OPT_DOSE: j.p.dosage = optarg; break;
        case OPT_UNIT: j.p.unit = optarg; break;
        case OPT_OVERRIDE: j.override_reason = optarg; break;
        case OPT_QUANTITY:
            if ((rc = parse_quantity(&k, optarg, &j.p.quantity)) != CLI_OK) goto out;
            have_qty = 1;
            break;
        case OPT_REFILLS:
            if (!parse_count(optarg, 99, &j.p.refills)) {
                rc = cli_usage_error(k.c.cmd, k.help, "--refills: '%s' is not 0..99", optarg);
                goto out;
            }
            break;
        case OPT_HELP: fputs(write_usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    if (!k.patient || !have_qty || !rxnorm == !name) {
        rc = cli_usage_error(k.c.cmd, k.help, "--patient, --quantity and one of --rxnorm or --drug are required");
        goto out;
    }
    if ((rc = check_patient(&k, argc, argv)) != CLI_OK) goto out;
    if (!(j.p.drug = rxnorm ? ck_care_drug_by_rxnorm(rxnorm) : ck_care_drug_by_name(name))) {
        rc = cli_usage_error(k.c.cmd, k.help, "%s '%s' is not in the drug table ('carekey rx drugs' lists it)",
                             rxnorm ? "RxNorm code" : "drug", rxnorm ? rxnorm : name);
        goto out;
    }
    if (j.override_reason && !*j.override_reason) {
        rc = cli_usage_error(k.c.cmd, k.help, "--override needs a reason");
        goto out;
    }
    if ((rc = cli_care_when(&k.c, k.at_opt, &j.p.authored_ms)) != CLI_OK) goto out;
    if ((rc = cli_ctx_keyring(&k.c)) != CLI_OK) goto out;
    if (!holds_attribute(&k.c, PRESCRIBING_ATTR)) {
        cli_error(k.c.cmd, "you do not hold the prescribing attribute %s", PRESCRIBING_ATTR);
        rc = CLI_FAIL;
        goto out;
    }
    if ((rc = cli_care_cmd_org(&k)) != CLI_OK) goto out;
    j.p.patient = k.patient;
    j.p.requester = my_gid(&k.c);
    if ((rc = cli_care_retry(&k.c, write_step, &j)) != CLI_OK) goto out;
    printf("prescribed MedicationRequest/%s (entry %llu of %s): %s, %u %s per fill, %u refill%s%s\n",
           json_string_value(json_object_get(j.mr, "id")), (unsigned long long)j.head.seq, k.patient,
           ck_care_drug_name(j.p.drug), j.p.quantity, j.p.unit ? j.p.unit : "unit", j.p.refills,
           j.p.refills == 1 ? "" : "s", json_object_get(j.mr, "extension") ? ", warnings overridden" : "");
    rc = write_ledger_copy(&k.w, k.org, j.mr, "ledger");
out:
    json_decref(j.mr);
    cli_care_cmd_free(&k);
    return rc;
}

/* ===== reading prescriptions ================================================== */

/* The dispenses as counted: a version that says a dispense is void
 * (cancelled, entered-in-error, ...) is believed only when a pharmacist
 * signed it; otherwise the dispense still counts as completed, so nobody
 * else (the patient included) can give a prescription its fills back.
 * roles caches the directory's answers (gid -> role). New array or NULL. */
static json_t *counted_dispenses(cli_ctx *c, const cli_care_book *b, json_t *roles)
{
    json_t *all = cli_care_book_select(b, PATIENT_SECTION, "MedicationDispense"), *it;
    size_t i;
    if (!all) return NULL;
    json_array_foreach(all, i, it) {
        const char *st = res_str(it, "status"), *author = json_string_value(json_object_get(it, "author"));
        const char *role;
        json_t *copy;
        if (st && (!strcmp(st, "completed") || !strcmp(st, "in-progress"))) continue;
        if (!author) continue;
        if (!(role = json_string_value(json_object_get(roles, author)))) {
            char r[65];
            int active;
            if (directory_user(c, author, r, &active) != CLI_OK) goto fail;
            if (json_object_set_new(roles, author, json_string(r))) goto fail;
            role = json_string_value(json_object_get(roles, author));
        }
        if (!strcmp(role, "pharmacist")) continue;
        if (!(copy = json_deep_copy(it)) ||
            json_object_set_new(json_object_get(copy, "resource"), "status", json_string("completed")) ||
            json_array_set_new(all, i, copy))
            goto fail;
    }
    return all;
fail:
    json_decref(all);
    return NULL;
}

/* ===== rx list ================================================================ */

static const char list_usage[] =
    "Usage: carekey rx list --patient P [--open] [--json]\n"
    "\n"
    "The prescriptions in P's record (section medications) that you can read,\n"
    "with their status and fills used/allowed. --open: only active ones with\n"
    "fills left.\n"
    "\n"
    "  --patient P   the patient's GID\n"
    "  --open        only prescriptions that can still be dispensed\n"
    "  --json        a JSON array of {id, status, rxnorm, drug, authored, prescriber,\n"
    "                author, quantity, unit, refills, fills_used, fills_allowed, dose}\n"
    "\n" CLI_CTX_HELP;

static json_t *list_row(const json_t *item, const json_t *dispenses)
{
    const json_t *r = ck_care_item_resource(item), *dr = json_object_get(r, "dispenseRequest");
    const json_t *cc = json_object_get(r, "medicationCodeableConcept");
    const char *rxnorm = json_string_value(json_object_get(json_array_get(json_object_get(cc, "coding"), 0), "code"));
    const char *pres = ck_care_ref_id(json_object_get(r, "requester"), "Practitioner");
    const char *dose = json_string_value(json_object_get(json_array_get(json_object_get(r, "dosageInstruction"), 0), "text"));
    uint32_t used = 0, allowed = 0;
    json_t *row;
    if (ck_care_dispense_count(r, dispenses, &used, &allowed) != 0) used = allowed = 0;
    row = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:O?,s:s?,s:O?,s:i,s:i,s:s?}", "id", res_str(item, "id"),
                    "status", res_str(item, "status"), "rxnorm", rxnorm, "drug", drug_text(r), "authored",
                    res_str(item, "authoredOn"), "prescriber", pres, "author",
                    json_string_value(json_object_get(item, "author")), "quantity",
                    json_object_get(json_object_get(dr, "quantity"), "value"), "unit",
                    json_string_value(json_object_get(json_object_get(dr, "quantity"), "unit")), "refills",
                    json_object_get(dr, "numberOfRepeatsAllowed"), "fills_used", (int)used, "fills_allowed",
                    (int)allowed, "dose", dose);
    return row;
}

/* The rows of P's prescriptions (with open_only: those that can still be
 * dispensed), or NULL. */
static json_t *prescription_rows(cli_care_list *l, int open_only)
{
    json_t *reqs = NULL, *disp = NULL, *roles = NULL, *rows = NULL, *it;
    size_t i;
    if (!(roles = json_object()) || !(reqs = cli_care_book_select(&l->b, PATIENT_SECTION, "MedicationRequest")) ||
        !(disp = counted_dispenses(&l->c, &l->b, roles)) || !(rows = json_array()))
        goto fail;
    json_array_foreach(reqs, i, it) {
        json_t *row = list_row(it, disp);
        const char *st;
        if (!row) goto fail;
        st = json_string_value(json_object_get(row, "status"));
        if (open_only && (!st || strcmp(st, "active") ||
                          json_integer_value(json_object_get(row, "fills_used")) >=
                              json_integer_value(json_object_get(row, "fills_allowed")))) {
            json_decref(row);
            continue;
        }
        if (json_array_append_new(rows, row)) goto fail;
    }
    goto out;
fail:
    json_decref(rows);
    rows = NULL;
out:
    json_decref(disp);
    json_decref(reqs);
    json_decref(roles);
    return rows;
}

static int print_prescriptions(const cli_care_list *l, const json_t *rows, const void *arg)
{
    const json_t *it;
    size_t i;
    (void)arg;
    printf("%-36s  %-16s  %-7s  %-20s  %-12s  %s\n", "MedicationRequest", "status", "fills", "authored", "prescriber",
           "drug");
    json_array_foreach(rows, i, it) {
        char fills[32];
        snprintf(fills, sizeof fills, "%d/%d", (int)json_integer_value(json_object_get(it, "fills_used")),
                 (int)json_integer_value(json_object_get(it, "fills_allowed")));
        printf("%-36s  %-16s  %-7s  %-20s  %-12s  %s\n", json_string_value(json_object_get(it, "id")),
               json_string_value(json_object_get(it, "status")) ?: "?", fills,
               json_string_value(json_object_get(it, "authored")) ?: "-",
               json_string_value(json_object_get(it, "prescriber")) ?: "-",
               json_string_value(json_object_get(it, "drug")) ?: "-");
    }
    if (l->b.withheld) printf("(%zu entries of section medications withheld from you)\n", l->b.withheld);
    return CLI_OK;
}

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_LIST_LONGOPTS, {"open", no_argument, NULL, OPT_OPEN}, {NULL, 0, NULL, 0}};
    int open_only = 0, opt, rc;
    cli_care_list l;
    json_t *rows;
    cli_care_list_init(&l, "rx list");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, l.c.cmd, l.help)) != -1) {
        if (cli_care_list_option(&l, opt, optarg)) continue;
        switch (opt) {
        case OPT_OPEN: open_only = 1; break;
        case OPT_HELP: fputs(list_usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    if (!l.patient) {
        rc = cli_usage_error(l.c.cmd, l.help, "--patient is required");
        goto out;
    }
    if (optind != argc) {
        rc = cli_usage_error(l.c.cmd, l.help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!ck_net_id_valid(l.patient)) {
        rc = cli_usage_error(l.c.cmd, l.help, "'%s' is not a valid patient GID", l.patient);
        goto out;
    }
    if ((rc = cli_care_book_load(&l.b, &l.c, l.patient, PATIENT_SECTION)) != CLI_OK) goto out;
    if (!(rows = prescription_rows(&l, open_only))) {
        cli_error(l.c.cmd, "could not list the prescriptions");
        rc = CLI_FAIL;
        goto out;
    }
    rc = cli_care_list_print(&l, rows, print_prescriptions, NULL);
out:
    cli_care_list_free(&l);
    return rc;
}

/* ===== rx dispense ============================================================ */

static const char dispense_usage[] =
    "Usage: carekey rx dispense --patient P --id REQUEST_ID --quantity N\n"
    "                           [--org ORG] [--location UNIT] [--at WHEN]\n"
    "\n"
    "Dispenses on prescription MedicationRequest/REQUEST_ID of P: run by a\n"
    "pharmacist with a write grant on P's medications section. The prescription\n"
    "must be active, signed by a doctor (the directory's role, and active), with\n"
    "a fill left (1 + refills) and N within its quantity per fill. The check and\n"
    "the write happen on one record head and are repeated when someone wrote in\n"
    "between, so two pharmacists cannot dispense beyond the limit.\n"
    "\n"
    "  --patient P       the patient's GID\n"
    "  --id REQUEST_ID   the prescription ('carekey rx list --open')\n"
    "  --quantity N      what is handed over (1..100000, the prescription's unit)\n"
    "  --org ORG         the pharmacy: also copy the MedicationDispense to ORG's ledger section rx\n"
    "  --location UNIT   where it was handed over (Location/UNIT)\n"
    "  --at WHEN         whenHandedOver (default now)\n"
    "\n"
    "Prints 'dispensed MedicationDispense/<id> for MedicationRequest/<id> (fill N of M)'.\n"
    "Exit codes: 0 dispensed, 1 refused (not active, exhausted, over quantity,\n"
    "not a doctor's prescription, no grant), 2 usage.\n"
    "\n" CLI_CTX_HELP;

typedef struct dispense_job {
    cli_care_cmd *k;
    const char *request_id;
    ck_care_dispense_params p;
    json_t *roles;          /* gid -> directory role (and "!" + gid -> inactive) */
    json_t *disp;           /* out: what was written */
    uint32_t fill, allowed;
    ck_net_head head;
} dispense_job;

/* The prescription's latest version must be signed by an active doctor. */
static int check_prescriber(dispense_job *j, const json_t *req)
{
    const char *author = json_string_value(json_object_get(req, "author"));
    char role[65], inactive_key[CK_NET_ID_MAX + 2];
    int active = 1, rc;
    if (!author) {
        cli_error(j->k->c.cmd, "prescription %s has no verified author; refusing", j->request_id);
        return CLI_FAIL;
    }
    snprintf(inactive_key, sizeof inactive_key, "!%s", author);
    if (!json_object_get(j->roles, author)) {
        if ((rc = directory_user(&j->k->c, author, role, &active)) != CLI_OK) return rc;
        if (json_object_set_new(j->roles, author, json_string(role)) ||
            (!active && json_object_set_new(j->roles, inactive_key, json_true())))
            return CLI_FAIL;
    }
    if (strcmp(json_string_value(json_object_get(j->roles, author)), "doctor") != 0) {
        cli_error(j->k->c.cmd, "prescription %s was written by %s, who is not a doctor in the directory; refusing",
                  j->request_id, author);
        return CLI_FAIL;
    }
    if (json_object_get(j->roles, inactive_key)) {
        cli_error(j->k->c.cmd, "prescription %s was written by %s, who is deactivated in the directory; refusing",
                  j->request_id, author);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int dispense_step(void *arg)
{
    dispense_job *j = arg;
    cli_care_book b;
    const json_t *req;
    json_t *disp = NULL;
    char subject[CK_NET_ID_MAX + 16];
    uint32_t used;
    ck_care_error err;
    int rc;
    if ((rc = load_request(j->k, &b, j->request_id, &req)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    snprintf(subject, sizeof subject, "Patient/%s", j->k->patient);
    if (!res_str(req, "id") ||
        strcmp(json_string_value(json_object_get(json_object_get(ck_care_item_resource(req), "subject"), "reference"))
                   ?: "", subject) != 0) {
        cli_error(j->k->c.cmd, "prescription %s is not for %s; refusing", j->request_id, j->k->patient);
        goto out;
    }
    if ((rc = check_prescriber(j, req)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(disp = counted_dispenses(&j->k->c, &b, j->roles))) goto out;
    if (ck_care_dispense_check(req, disp, j->p.quantity, &j->fill, &err) != 0) {
        cli_error(j->k->c.cmd, "%s; refusing", err.msg);
        goto out;
    }
    if (ck_care_dispense_count(req, disp, &used, &j->allowed) != 0) goto out;
    j->p.request = req;
    json_decref(j->disp);
    if (!(j->disp = ck_care_dispense_build(&j->p, &err))) {
        cli_error(j->k->c.cmd, "%s", err.msg);
        goto out;
    }
    j->p.request = NULL;
    rc = cli_care_put(&j->k->w, j->k->patient, PATIENT_SECTION, j->disp, NULL, &b.head, &j->head);
out:
    json_decref(disp);
    cli_care_book_free(&b);
    return rc;
}

static int cmd_dispense(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS,
                                       {"id", required_argument, NULL, OPT_ID},
                                       {"quantity", required_argument, NULL, OPT_QUANTITY},
                                       {"org", required_argument, NULL, OPT_PHARMACY},
                                       {"pharmacy", required_argument, NULL, OPT_PHARMACY}, /* hidden alias */
                                       {"location", required_argument, NULL, OPT_LOCATION},
                                       CLI_CARE_AT_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *pharmacy = NULL;
    int have_qty = 0, opt, rc;
    cli_care_cmd k;
    dispense_job j;
    cli_care_cmd_init(&k, "rx dispense");
    memset(&j, 0, sizeof j);
    j.k = &k;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, opt, optarg)) continue;
        switch (opt) {
        case OPT_ID: j.request_id = optarg; break;
        case OPT_PHARMACY: pharmacy = optarg; break;
        case OPT_LOCATION: j.p.location = optarg; break;
        case OPT_QUANTITY:
            if ((rc = parse_quantity(&k, optarg, &j.p.quantity)) != CLI_OK) goto out;
            have_qty = 1;
            break;
        case OPT_HELP: fputs(dispense_usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    if (!k.patient || !j.request_id || !have_qty) {
        rc = cli_usage_error(k.c.cmd, k.help, "--patient, --id and --quantity are required");
        goto out;
    }
    if (optind != argc) {
        rc = cli_usage_error(k.c.cmd, k.help, "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!ck_net_id_valid(k.patient) || (pharmacy && !ck_net_id_valid(pharmacy)) ||
        (j.p.location && !ck_net_id_valid(j.p.location))) {
        rc = cli_usage_error(k.c.cmd, k.help, "--patient, --org and --location take names ([a-z0-9._-])");
        goto out;
    }
    if (strlen(j.request_id) > 64 || strspn(j.request_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
                                         strlen(j.request_id) || !*j.request_id) {
        rc = cli_usage_error(k.c.cmd, k.help, "--id: '%s' is not a FHIR id", j.request_id);
        goto out;
    }
    if ((rc = cli_care_when(&k.c, k.at_opt, &j.p.when_ms)) != CLI_OK) goto out;
    if ((rc = cli_ctx_keyring(&k.c)) != CLI_OK) goto out;
    if (!(j.roles = json_object())) {
        rc = CLI_FAIL;
        goto out;
    }
    j.p.pharmacist = my_gid(&k.c);
    if ((rc = cli_care_retry(&k.c, dispense_step, &j)) != CLI_OK) goto out;
    printf("dispensed MedicationDispense/%s for MedicationRequest/%s (fill %u of %u) (entry %llu of %s)\n",
           json_string_value(json_object_get(j.disp, "id")), j.request_id, j.fill, j.allowed,
           (unsigned long long)j.head.seq, k.patient);
    if (pharmacy) rc = write_ledger_copy(&k.w, pharmacy, j.disp, "ledger");
out:
    json_decref(j.disp);
    json_decref(j.roles);
    cli_care_cmd_free(&k);
    return rc;
}

/* ===== rx cancel ============================================================== */

static const char cancel_usage[] =
    "Usage: carekey rx cancel --patient P --id REQUEST_ID [--reason TEXT] [--org ORG]\n"
    "                         [--at WHEN]\n"
    "\n"
    "Cancels an open prescription (active, on-hold, draft): a new version with\n"
    "status cancelled in P's record and in the hospital's ledger section rx. Run\n"
    "by whoever signed the prescription or by a doctor (doctor@medical-board).\n"
    "\n"
    "  --patient P       the patient's GID\n"
    "  --id REQUEST_ID   the prescription\n"
    "  --reason TEXT     why (statusReason)\n"
    "  --at WHEN         time of the cancellation (default now)\n" CLI_CARE_ORG_HELP
    "\n"
    "Prints 'cancelled MedicationRequest/<id> (entry N of P)'. Exit codes: 0\n"
    "cancelled, 1 refused (not open, not yours, no grant), 2 usage.\n"
    "\n" CLI_CTX_HELP;

typedef struct cancel_job {
    cli_care_cmd *k;
    const char *request_id, *reason;
    int is_doctor;
    json_t *mr;
    ck_net_head head;
} cancel_job;

static int cancel_step(void *arg)
{
    cancel_job *j = arg;
    cli_care_book b;
    const json_t *req;
    const char *author;
    ck_care_error err;
    int rc;
    if ((rc = load_request(j->k, &b, j->request_id, &req)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    author = json_string_value(json_object_get(req, "author"));
    if (!j->is_doctor && (!author || strcmp(author, my_gid(&j->k->c)) != 0)) {
        cli_error(j->k->c.cmd, "only the prescriber (%s) or a doctor can cancel prescription %s", author ?: "?",
                  j->request_id);
        goto out;
    }
    json_decref(j->mr);
    if (!(j->mr = ck_care_rx_cancel(req, my_gid(&j->k->c), j->reason, j->k->at_ms, &err))) {
        cli_error(j->k->c.cmd, "%s", err.msg);
        goto out;
    }
    rc = cli_care_put(&j->k->w, j->k->patient, PATIENT_SECTION, j->mr, NULL, &b.head, &j->head);
out:
    cli_care_book_free(&b);
    return rc;
}

static int cmd_cancel(int argc, char **argv)
{
    static const struct option lo[] = {CLI_CARE_CMD_LONGOPTS,
                                       {"id", required_argument, NULL, OPT_ID},
                                       {"reason", required_argument, NULL, OPT_REASON},
                                       CLI_CARE_AT_LONGOPTS,
                                       CLI_CARE_ORG_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    int opt, rc;
    cli_care_cmd k;
    cancel_job j;
    cli_care_cmd_init(&k, "rx cancel");
    memset(&j, 0, sizeof j);
    j.k = &k;
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, k.c.cmd, k.help)) != -1) {
        if (cli_care_cmd_option(&k, opt, optarg)) continue;
        switch (opt) {
        case OPT_ID: j.request_id = optarg; break;
        case OPT_REASON: j.reason = optarg; break;
        case OPT_HELP: fputs(cancel_usage, stdout); rc = CLI_OK; goto out;
        default: rc = CLI_USAGE; goto out;
        }
    }
    if (!k.patient || !j.request_id) {
        rc = cli_usage_error(k.c.cmd, k.help, "--patient and --id are required");
        goto out;
    }
    if ((rc = check_patient(&k, argc, argv)) != CLI_OK) goto out;
    if ((rc = cli_care_when(&k.c, k.at_opt, &k.at_ms)) != CLI_OK) goto out;
    if ((rc = cli_ctx_keyring(&k.c)) != CLI_OK) goto out;
    j.is_doctor = holds_attribute(&k.c, PRESCRIBING_ATTR);
    if ((rc = cli_care_cmd_org(&k)) != CLI_OK) goto out;
    if ((rc = cli_care_retry(&k.c, cancel_step, &j)) != CLI_OK) goto out;
    printf("cancelled MedicationRequest/%s (entry %llu of %s)\n", j.request_id, (unsigned long long)j.head.seq,
           k.patient);
    rc = write_ledger_copy(&k.w, k.org, j.mr, "ledger");
out:
    json_decref(j.mr);
    cli_care_cmd_free(&k);
    return rc;
}

/* ===== rx drugs =============================================================== */

static const char drugs_usage[] =
    "Usage: carekey rx drugs [--json]\n"
    "\n"
    "The built-in drug table: what 'rx write' can prescribe, by RxNorm code and\n"
    "name, with the ingredients and classes the allergy and duplicate checks use.\n"
    "Needs no keyring or server.\n";

static int cmd_drugs(int argc, char **argv)
{
    static const struct option lo[] = {{"json", no_argument, NULL, OPT_JSON},
                                       {"help", no_argument, NULL, OPT_HELP},
                                       {NULL, 0, NULL, 0}};
    int as_json = 0, opt, rc = CLI_FAIL;
    json_t *all = json_array();
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, "rx drugs", "rx drugs")) != -1) {
        switch (opt) {
        case OPT_JSON: as_json = 1; break;
        case OPT_HELP: fputs(drugs_usage, stdout); json_decref(all); return CLI_OK;
        default: json_decref(all); return CLI_USAGE;
        }
    }
    if (optind != argc) {
        json_decref(all);
        return cli_usage_error("rx drugs", "rx drugs", "unexpected argument '%s'", argv[optind]);
    }
    for (size_t i = 0; all && i < ck_care_drug_count(); i++)
        if (json_array_append_new(all, ck_care_drug_json(ck_care_drug_at(i)))) goto out;
    if (!all) goto out;
    if (as_json) {
        char *s = json_dumps(all, JSON_INDENT(2));
        if (!s) goto out;
        puts(s);
        free(s);
    } else {
        const json_t *d;
        size_t i;
        printf("%-8s  %s [classes]\n", "RxNorm", "drug");
        json_array_foreach(all, i, d) {
            const json_t *cl;
            size_t k;
            printf("%-8s  %s [", json_string_value(json_object_get(d, "rxnorm")),
                   json_string_value(json_object_get(d, "name")));
            json_array_foreach(json_object_get(d, "classes"), k, cl) printf("%s%s", k ? ", " : "", json_string_value(cl));
            printf("]\n");
        }
    }
    rc = CLI_OK;
out:
    if (rc != CLI_OK) cli_error("rx drugs", "out of memory");
    json_decref(all);
    return rc;
}

/* ===== group ================================================================== */

static const cli_subcmd rx_subcmds[] = {
    {"write", "prescribe a drug (allergy and duplicate checks)", write_usage, cmd_write},
    {"list", "prescriptions of a patient with fills used/allowed", list_usage, cmd_list},
    {"dispense", "dispense on a prescription within its limits", dispense_usage, cmd_dispense},
    {"cancel", "cancel an open prescription", cancel_usage, cmd_cancel},
    {"drugs", "the built-in drug table", drugs_usage, cmd_drugs},
};
#define N_RX_SUBCMDS (sizeof rx_subcmds / sizeof rx_subcmds[0])

static void rx_help(FILE *f)
{
    fputs("Usage: carekey rx SUBCOMMAND [OPTIONS]\n"
          "\n"
          "Prescriptions and dispensing (docs/CARE.md). A doctor writes a\n"
          "MedicationRequest into the patient's section medications (and a copy into\n"
          "the hospital's ledger); a pharmacist dispenses on it within its limits.\n"
          "\n",
          f);
    cli_print_subcmds(f, rx_subcmds, N_RX_SUBCMDS);
    fputs("\nRun 'carekey rx SUBCOMMAND --help' for its options.\n", f);
}

static int rx_run(int argc, char **argv) { return cli_dispatch("rx", rx_help, rx_subcmds, N_RX_SUBCMDS, argc, argv); }

const cli_group cli_group_rx = {"rx", "prescriptions and dispensing: write, list, dispense, cancel, drugs", rx_run};
