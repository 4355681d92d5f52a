/*
 * src/node/onboard/patient.c - a patient joins carekey in one operation
 * (carekey/node_onboard.h): her authority and enrollment, then her owner
 * key, sharing profile and the grants her care needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_keys.h"
#include "node/authority/authority_impl.h"
#include "node/onboard/onboard_impl.h"
#include "node/record/grant_impl.h"

#define MAX_LIST 32
#define AUDIT_SECTION "audit"
#define PHARMACY_SECTION "medications"

static void spec_of(ck_node_attr_spec *s, const char *name, const char *auth)
{
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "%s@%s", name, auth);
}

/* Issues spec to gid unless the registry says gid holds it. */
static int issue_once(ck_node *n, const char *auth, const char *gid, const ck_node_attr_spec *spec)
{
    ck_node_issue_out out;
    ck_node_auth a;
    int rc = 0;
    if (ck_node_auth_open(&a, n, auth) != 0) rc = -1;
    else if (!ck_node_registry_holds(a.reg, spec->label, 0, gid, NULL)) {
        if ((rc = ck_node_auth_issue(&a, gid, spec, 1, &out)) == 0) {
            ck_node_notice(n, CK_NODE_INFO, "issued %s (epoch %lu) to %s", spec->label, (unsigned long)out.epochs[0],
                           gid);
            ck_node_notice(n, CK_NODE_INFO, "delivered to %s's mailbox (message %lld); %s runs 'carekey keys sync'",
                           gid, (long long)out.message, gid);
        }
    }
    ck_node_auth_close(&a);
    return rc;
}

/* The owner key: issued by her own authority to herself, then merged. */
static int step_owner_key(ck_node *n, const char *gid, const char *auth)
{
    const ck_abe_user_key *k = ck_keyring_user_key(ck_node_kr(n));
    ck_node_attr_spec spec;
    ck_node_sync_out so;
    spec_of(&spec, "owner", auth);
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(k->attr[i].label, spec.label)) return 0;
    if (issue_once(n, auth, gid, &spec) != 0 || ck_node_keys_sync(n, 0, 1, &so) != 0) return -1;
    ck_node_notice(n, CK_NODE_INFO, "owner key: %s merged into the keyring", spec.label);
    return 0;
}

/* The sharing profile: written when none exists or it names other
 * hospitals or another desk than asked. */
static int step_profile(ck_node *n, const ck_node_patient_onboard_in *a)
{
    ck_node_sharing s;
    ck_node_view v;
    const char *desk;
    int rc = -1, have;
    ck_node_sharing_init(&s);
    if (ck_node_view_load(&v, n, a->o.gid, 1) != 0) return -1;
    if (ck_node_view_problems(&v)) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "record_unverified",
                     "%s's record does not verify (see above): nothing written", a->o.gid);
        goto out;
    }
    if ((have = ck_node_sharing_peek(&s, &v)) < 0) goto out;
    rc = 0;
    if (!a->hospitals) {
        if (!have)
            rc = ck_node_fail(n, CK_NODE_E_INVALID, "no_profile", "--orgs is required: %s has no sharing profile yet",
                              a->o.gid);
        goto out;
    }
    if (have && !strcmp(s.hospitals, a->hospitals) && (!a->desk || !strcmp(s.er_desk, a->desk))) goto out;
    desk = a->desk ? a->desk : have ? s.er_desk : "er-desk";
    if ((rc = ck_node_sharing_set(n, a->o.gid, a->hospitals, desk, NULL, 1)) == 0)
        ck_node_notice(n, CK_NODE_INFO, "sharing profile: treating hospitals %s, emergency desk %s", a->hospitals, desk);
out:
    ck_node_view_free(&v);
    ck_node_sharing_free(&s);
    return rc;
}

/* A write grant unless the verified chain holds one already. */
static int give_once(ck_node *n, const char *patient, const ck_node_chain_grant *cg, size_t count, const char *to,
                     const char *sections, int delegate)
{
    if (ck_node_grant_covers(cg, count, to, sections, delegate)) return 0;
    return ck_node_grant_give(n, patient, to, sections, delegate, 0);
}

/* Each active pharmacist of each pharmacy: a write grant on medications. */
static int grants_pharmacy(ck_node *n, const ck_node_patient_onboard_in *a, const ck_node_chain_grant *cg, size_t count)
{
    json_t *staff = NULL, *u;
    ck_net_user_filter f;
    size_t i;
    int rc = 0;
    for (size_t p = 0; p < a->n_pharmacies && rc == 0; p++) {
        memset(&f, 0, sizeof f);
        f.org = a->pharmacies[p];
        f.role = "pharmacist";
        f.active = 1;
        f.limit = 1000;
        if (ck_net_users_list(n->net, &f, &staff, NULL) != 0) return ck_node_fail_net(n, n->net, "listing the pharmacists");
        if (!json_array_size(staff))
            ck_node_notice(n, CK_NODE_INFO, "pharmacy %s: no pharmacist in the directory yet; run this again once it "
                           "has staff", a->pharmacies[p]);
        json_array_foreach(staff, i, u) {
            const char *gid = json_string_value(json_object_get(u, "gid"));
            if (gid && (rc = give_once(n, a->o.gid, cg, count, gid, PHARMACY_SECTION, 0)) != 0) break;
        }
        json_decref(staff);
        staff = NULL;
    }
    return rc;
}

/* Splits the profile's comma-separated hospitals (in buf). */
static int split_gids(ck_node *n, const char *csv, char *buf, size_t cap, const char **out, size_t *count)
{
    char *save = NULL;
    *count = 0;
    if (snprintf(buf, cap, "%s", csv) >= (int)cap)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_profile", "hospitals: too long");
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!ck_net_id_valid(t) || *count == MAX_LIST)
            return ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_profile", "hospitals: '%s' is not a GID (at most %d)", t,
                                MAX_LIST);
        out[(*count)++] = t;
    }
    return *count ? 0 : ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_profile", "hospitals is empty");
}

/* The desk, the hospitals and the pharmacists, from the verified chain:
 * the profile is what writers follow, whether this run or an earlier one
 * wrote it. */
static int step_grants(ck_node *n, const ck_node_patient_onboard_in *a)
{
    ck_node_chain_grant *cg = NULL;
    ck_node_sharing s;
    ck_node_view v;
    char hosp[1024];
    const char *h[MAX_LIST];
    size_t count = 0, nh = 0;
    int rc;

    ck_node_sharing_init(&s);
    if ((rc = ck_node_grant_load(n, a->o.gid, &cg, &count, "%s's record does not verify: no grants given",
                                 a->o.gid)) != 0)
        goto out;
    if ((rc = ck_node_view_load(&v, n, a->o.gid, 0)) != 0) goto out;
    rc = ck_node_sharing_from_view(&s, &v);
    ck_node_view_free(&v);
    if (rc != 0 || (rc = split_gids(n, s.hospitals, hosp, sizeof hosp, h, &nh)) != 0) goto out;
    if ((rc = give_once(n, a->o.gid, cg, count, s.er_desk, AUDIT_SECTION, 0)) != 0) goto out;
    for (size_t i = 0; i < nh && rc == 0; i++) rc = give_once(n, a->o.gid, cg, count, h[i], "*", 1);
    if (rc == 0) rc = grants_pharmacy(n, a, cg, count);
out:
    free(cg);
    ck_node_sharing_free(&s);
    return rc;
}

/* 1 when the server lists an active grant to gid. */
static int has_grant(const ck_node_server_grant *g, size_t count, const char *gid)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(g[i].grantee, gid) && !g[i].revoked) return 1;
    return 0;
}

/* family@patient-P and a read grant for each family member enrolled. */
static int step_family(ck_node *n, const ck_node_patient_onboard_in *a, const char *auth)
{
    ck_node_server_grant *grants = NULL;
    ck_node_attr_spec spec;
    ck_net_user u;
    size_t n_grants = 0;
    int rc = 0;
    if (!a->n_family) return 0;
    if (ck_node_server_grants(n, a->o.gid, &grants, &n_grants) != 0) return -1;
    spec_of(&spec, "family", auth);
    for (size_t i = 0; i < a->n_family && rc == 0; i++) {
        const char *f = a->family[i];
        if (ck_net_user_get(n->net, f, &u) != 0) {
            if (ck_net_status(n->net) != 404) rc = ck_node_fail_net(n, n->net, f);
            else
                ck_node_notice(n, CK_NODE_INFO, "family %s: not enrolled yet: %s runs 'carekey init --gid %s --role "
                               "family', the operator approves it; then run this again", f, f, f);
            continue;
        }
        if ((rc = issue_once(n, auth, f, &spec)) != 0) break;
        if (!has_grant(grants, n_grants, f)) rc = ck_node_grant_read(n, a->o.gid, f, 0);
    }
    free(grants);
    return rc;
}

int ck_node_onboard_patient(ck_node *n, const ck_node_patient_onboard_in *in, int *enrolled)
{
    char auth[CK_NET_ID_MAX + 16], owner[CK_NET_ID_MAX + 32], family[CK_NET_ID_MAX + 32];
    const char *labels[2] = {owner, family};
    ck_node_enroll_in r = {"patient", NULL, NULL, NULL, NULL, auth};
    int rc = -1;
    *enrolled = 0;
    ck_node_enter(n);
    if (!in->o.gid || !ck_net_id_valid(in->o.gid)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "--gid P is required");
        goto out;
    }
    if (in->desk && !ck_net_id_valid(in->desk)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_desk", "--er-desk: invalid name");
        goto out;
    }
    snprintf(auth, sizeof auth, "patient-%s", in->o.gid);
    snprintf(owner, sizeof owner, "owner@%s", auth);
    snprintf(family, sizeof family, "family@%s", auth);
    if (ck_node_onboard_identity(n, in->o.gid) != 0 || ck_node_onboard_authority(n, auth, labels, 2) != 0 ||
        ck_node_onboard_enroll(n, &in->o, &r, enrolled) != 0)
        goto out;
    if (!*enrolled) {
        rc = 0;
        goto out;
    }
    if (ck_node_net(n) != 0 || step_owner_key(n, in->o.gid, auth) != 0 || step_profile(n, in) != 0 ||
        step_grants(n, in) != 0 || step_family(n, in, auth) != 0)
        goto out;
    rc = 0;
out:
    ck_node_leave(n);
    return rc;
}
