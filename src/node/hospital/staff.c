/*
 * src/node/hospital/staff.c - taking a person on as staff and letting her
 * go (carekey/node_hospital.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"
#include "carekey/node_directory.h"
#include "node/authority/authority_impl.h"
#include "node/care/care_impl.h"
#include "node/hospital/hospital_impl.h"
#include "node/record/record_impl.h"

#define MAX_WANT 64

static int label_ok_for_directory(const char *l)
{
    size_t len = strlen(l);
    return len && len <= 128 &&
           strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@-") == len;
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
 * listed + what ORG's registry says gid holds. */
static int affiliate(ck_node_auth *a, const char *org, const char *gid, const json_t *user, const char *unit,
                     const char *title)
{
    ck_node *n = a->n;
    const char *attrs[64];
    char list[4096] = "";
    json_t *set = json_array(), *held = NULL, *v, *after = NULL;
    size_t i, count = 0, len = 0;
    int same_org = ck_node_hospital_staff_of(user, org), rc = -1;
    if (!set || !(held = ck_node_registry_held(a->reg, gid))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    json_array_foreach(json_object_get(user, "attributes"), i, v) if (add_label(set, json_string_value(v))) goto out;
    json_array_foreach(held, i, v) if (add_label(set, json_string_value(v))) goto out;
    json_array_foreach(set, i, v) if (count < 64) attrs[count++] = json_string_value(v);
    if (!unit && same_org) unit = ck_node_jstr(user, "unit");
    if (!title && same_org) title = ck_node_jstr(user, "title");
    if (ck_net_user_affiliate(n->net, gid, org, unit, title, attrs, count, &after) != 0) {
        const char *code = ck_net_error_code(n->net);
        if (code && !strcmp(code, "no_consent"))
            ck_node_fail(n, CK_NODE_E_REFUSED, "no_consent",
                         "%s has not consented to work for %s: %s runs 'carekey directory consent %s' first; the "
                         "affiliation was not recorded", gid, org, gid, org);
        else if (code && !strcmp(code, "not_affiliable"))
            ck_node_fail(n, CK_NODE_E_REFUSED, "not_affiliable",
                         "%s cannot be affiliated (patients and organizations never are); the affiliation was not "
                         "recorded", gid);
        else
            ck_node_fail_net(n, n->net, "recording the affiliation");
        goto out;
    }
    for (i = 0; i < count && len < sizeof list; i++) len += (size_t)snprintf(list + len, sizeof list - len, " %s", attrs[i]);
    ck_node_notice(n, CK_NODE_INFO, "affiliated %s with %s%s%s%s%s; attributes:%s", gid, org, unit ? ", unit " : "",
                   unit ? unit : "", title ? ", title " : "", title ? title : "", list);
    rc = 0;
out:
    json_decref(after);
    json_decref(held);
    json_decref(set);
    return rc;
}

/* Attributes to issue: want without those the registry says gid holds
 * (same value for numeric ones). */
static size_t to_issue(ck_node_auth *a, const char *gid, const ck_node_attr_spec *want, size_t count,
                       ck_node_attr_spec *out)
{
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t v = 0;
        if (ck_node_registry_holds(a->reg, want[i].label, want[i].numeric, gid, &v) &&
            (!want[i].numeric || v == want[i].value)) {
            ck_node_notice(a->n, CK_NODE_INFO, "%s already holds %s", gid, want[i].label);
            continue;
        }
        out[k++] = want[i];
    }
    return k;
}

/* A write grant on the ORG ledger for sections, unless the chain holds one. */
static int ledger_grant(ck_node *n, const char *org, const char *gid, const char *sections)
{
    ck_node_chain_grant *cg = NULL;
    size_t count = 0;
    int rc = ck_node_grant_load(n, org, &cg, &count, "the ledger of %s does not verify; no grant given", org);
    if (rc == 0 && ck_node_grant_covers(cg, count, gid, sections, 0))
        ck_node_notice(n, CK_NODE_INFO, "%s already holds a grant on %s's ledger for %s", gid, org, sections);
    else if (rc == 0)
        rc = ck_node_grant_give(n, org, gid, sections, 0, 0);
    free(cg);
    return rc;
}

/* The person: enrolled, in a role that fits, not someone else's staff, active. */
static int person_fits(ck_node *n, const json_t *user, const char *gid, const char *role, const char *org)
{
    const char *r = ck_node_jstr(user, "role"), *o = ck_node_jstr(user, "org");
    if (ck_node_hospital_role(r) && strcmp(r, role) != 0)
        return ck_node_fail(n, CK_NODE_E_REFUSED, "wrong_role", "%s is enrolled as %s, not %s", gid, r, role);
    if (o && !ck_node_hospital_staff_of(user, org))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "other_org", "%s is staff of %s; that organization releases them "
                            "first", gid, o);
    if (json_is_false(json_object_get(user, "active")))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "deactivated", "%s is deactivated in the directory", gid);
    return 0;
}

static int unit_exists(ck_node *n, const char *org, const char *unit)
{
    ck_care_error cerr;
    json_t *units = NULL;
    int rc = 0;
    if (ck_net_units_list(n->net, org, NULL, &units) != 0) return ck_node_fail_net(n, n->net, "listing the units");
    if (ck_care_unit_check(units, unit, NULL, &cerr) != 0)
        rc = ck_node_fail(n, CK_NODE_E_REFUSED, "no_such_unit", "%s", cerr.msg);
    json_decref(units);
    return rc;
}

/* staff@ORG first, then the extras (each of ORG, no duplicates). */
static int wanted(ck_node *n, const char *org, const ck_node_staff_add_in *in, ck_node_attr_spec *want, size_t *count)
{
    char staff[CK_NET_ID_MAX + 8];
    snprintf(staff, sizeof staff, "staff@%s", org);
    if (in->n_extra >= MAX_WANT) return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute", "too many --attr");
    if (ck_node_attr_parse(n, staff, 0, &want[0]) != 0) return -1;
    *count = 1;
    for (size_t i = 0; i < in->n_extra; i++) {
        int dup = 0;
        if (strcmp(ck_node_attr_authority(in->extra[i].label), org) != 0)
            return ck_node_fail(n, CK_NODE_E_INVALID, "foreign_attribute", "--attr '%s' is not an attribute of %s",
                                in->extra[i].label, org);
        for (size_t k = 0; k < *count; k++) dup |= strcmp(want[k].label, in->extra[i].label) == 0;
        if (!dup) want[(*count)++] = in->extra[i];
    }
    return 0;
}

static int staff_add(ck_node *n, const ck_node_staff_add_in *in, const char *org)
{
    const ck_node_role_sections *rs = ck_node_hospital_role(in->role);
    ck_node_attr_spec want[MAX_WANT], issue[MAX_WANT];
    const char *title = in->title ? in->title : in->role;
    ck_node_issue_out io;
    size_t n_want = 0, n_issue;
    json_t *user = NULL;
    ck_node_auth a;
    int rc = -1;
    memset(&a, 0, sizeof a);
    if (!rs)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_role", "--role: '%s' is not doctor, nurse, clerk or pharmacist",
                            in->role);
    if (!strcmp(in->gid, org))
        return ck_node_fail(n, CK_NODE_E_INVALID, "self_staff", "the organization cannot be its own staff");
    if (wanted(n, org, in, want, &n_want) != 0 || ck_node_hospital_user(n, in->gid, &user) != 0 ||
        person_fits(n, user, in->gid, in->role, org) != 0 || (in->unit && unit_exists(n, org, in->unit) != 0) ||
        ck_node_auth_open(&a, n, org) != 0)
        goto out;
    /* 1. directory (needs the consent), 2. keys, 3. ledger grant, 4. the
     * attributes in the directory: each skipped when done */
    if (affiliate(&a, org, in->gid, user, in->unit, title) != 0) goto out;
    if ((n_issue = to_issue(&a, in->gid, want, n_want, issue))) {
        if (ck_node_auth_issue(&a, in->gid, issue, n_issue, &io) != 0) goto out;
        for (size_t i = 0; i < n_issue; i++) {
            if (issue[i].numeric)
                ck_node_notice(n, CK_NODE_INFO, "issued %s=%lu (epoch %lu) to %s", issue[i].label,
                               (unsigned long)issue[i].value, (unsigned long)io.epochs[i], in->gid);
            else
                ck_node_notice(n, CK_NODE_INFO, "issued %s (epoch %lu) to %s", issue[i].label,
                               (unsigned long)io.epochs[i], in->gid);
        }
        ck_node_notice(n, CK_NODE_INFO, "delivered to %s's mailbox (message %lld); %s runs 'carekey keys sync'", in->gid,
                       (long long)io.message, in->gid);
    }
    if (ledger_grant(n, org, in->gid, rs->ledger) != 0) goto out;
    if (n_issue) {
        json_decref(user);
        user = NULL;
        if (ck_node_hospital_user(n, in->gid, &user) != 0 || affiliate(&a, org, in->gid, user, in->unit, title) != 0)
            goto out;
    }
    rc = 0;
out:
    ck_node_auth_close(&a);
    json_decref(user);
    return rc;
}

int ck_node_hospital_staff_add(ck_node *n, const ck_node_staff_add_in *in, char org[129])
{
    int rc = -1;
    ck_node_enter(n);
    if (!in->gid || !ck_net_id_valid(in->gid))
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", in->gid ? in->gid : "");
    else if (in->unit && !ck_net_id_valid(in->unit))
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_unit", "invalid unit name '%s'", in->unit);
    else if (in->title && (!*in->title || strlen(in->title) > 127))
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_title", "--title: 1-127 bytes");
    else if (ck_node_hospital_self(n, org) == 0)
        rc = staff_add(n, in, org);
    ck_node_leave(n);
    return rc;
}

/* ---- remove ------------------------------------------------------------------------ */

/* Revokes label from gid, re-issuing to the others; the lines the
 * authority's revoke prints, as notices. */
static int revoke_attr(ck_node *n, const char *org, const char *gid, const char *label)
{
    ck_node_revoke_out r;
    int rc = ck_node_authority_revoke(n, org, gid, label, &r);
    if (rc == 0 || !strcmp(n->err.key, "reissue_failed")) {
        ck_node_notice(n, CK_NODE_INFO, "revoked %s from %s: epoch %lu -> %lu", label, gid, (unsigned long)r.old_epoch,
                       (unsigned long)r.new_epoch);
        for (size_t i = 0; i < r.n_holders; i++) {
            if (r.holders[i].ok)
                ck_node_notice(n, CK_NODE_INFO, "re-issued %s (epoch %lu) to %s (message %lld)", label,
                               (unsigned long)r.new_epoch, r.holders[i].gid, (long long)r.holders[i].message);
            else
                ck_node_notice(n, CK_NODE_WARNING, "%s", r.holders[i].error);
        }
        if (rc == 0) ck_node_notice(n, CK_NODE_INFO, "re-issued to %zu holder(s)", r.n_holders);
        else
            ck_node_fail(n, CK_NODE_E_REFUSED, "reissue_failed", "%zu holder(s) did not get the new key; re-issue "
                         "with 'carekey authority issue %s --gid GID --attr %s'", r.failed, org, label);
    }
    ck_node_revoke_out_free(&r);
    return rc;
}

/* The grants ORG gave gid on the records of the patients who made ORG
 * their delegate (the directory lists them to ORG only). */
static int revoke_patient_grants(ck_node *n, const char *org, const char *gid, size_t *count)
{
    ck_node_staff_filter f = {NULL, "patient", NULL, NULL, -1};
    json_t *patients = NULL, *p;
    size_t i, k;
    int rc;
    *count = 0;
    if ((rc = ck_node_dir_staff(n, &f, &patients)) != 0) return rc;
    json_array_foreach(patients, i, p) {
        if ((rc = ck_node_grant_revoke_all(n, ck_node_jstr(p, "gid"), gid, org, &k)) != 0) break;
        *count += k;
    }
    json_decref(patients);
    return rc;
}

static int staff_remove(ck_node *n, const char *gid, ck_node_staff_remove_out *out)
{
    json_t *user = NULL, *reg = NULL, *held = NULL, *after = NULL, *v;
    size_t i;
    int rc = -1;
    if (ck_node_hospital_user(n, gid, &user) != 0 || !(reg = ck_node_registry_load(n, out->org))) goto out;
    if (!(held = ck_node_registry_held(reg, gid))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if (!ck_node_hospital_staff_of(user, out->org) && !json_array_size(held)) {
        ck_node_fail(n, CK_NODE_E_NOT_FOUND, "not_staff", "%s is not staff of %s in the directory", gid, out->org);
        goto out;
    }
    /* the directory first: it shows at once that gid no longer works here */
    if (ck_node_hospital_staff_of(user, out->org)) {
        if (ck_net_user_unaffiliate(n->net, gid, &after) != 0) {
            ck_node_fail_net(n, n->net, "ending the affiliation");
            goto out;
        }
        ck_node_notice(n, CK_NODE_INFO, "ended %s's affiliation with %s in the directory", gid, out->org);
    }
    json_array_foreach(held, i, v) {
        if (revoke_attr(n, out->org, gid, json_string_value(v)) != 0) goto out;
        out->attrs++;
    }
    if (ck_node_grant_revoke_all(n, out->org, gid, NULL, &out->ledger_grants) != 0 ||
        revoke_patient_grants(n, out->org, gid, &out->record_grants) != 0)
        goto out;
    rc = 0;
out:
    json_decref(after);
    json_decref(held);
    json_decref(reg);
    json_decref(user);
    return rc;
}

int ck_node_hospital_staff_remove(ck_node *n, const char *gid, ck_node_staff_remove_out *out)
{
    int rc = -1;
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    if (!gid || !ck_net_id_valid(gid)) ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", gid ? gid : "");
    else if (ck_node_hospital_self(n, out->org) == 0) rc = staff_remove(n, gid, out);
    ck_node_leave(n);
    return rc;
}
