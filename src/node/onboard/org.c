/*
 * src/node/onboard/org.c - an organization (hospital, pharmacy, board,
 * desk) joins carekey in one operation (carekey/node_onboard.h): its
 * identity owns its ledger, its authority lists what sharing profiles
 * name, the enrollment request registers both, then its units.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/policy.h"
#include "node/onboard/onboard_impl.h"

#define MAX_LABELS 40

static const char *const org_kinds[] = {"hospital", "pharmacy", "board", "desk"};

/* The labels the kind lists by default, then the others given. */
static size_t org_labels(const ck_node_org_onboard_in *a, char out[][CK_POLICY_LABEL_MAX], size_t cap)
{
    const char *defaults[3] = {NULL, NULL, NULL};
    size_t n = 0;
    if (!strcmp(a->kind, "hospital")) defaults[0] = "staff", defaults[1] = "billing";
    else if (!strcmp(a->kind, "pharmacy")) defaults[0] = "staff";
    else if (!strcmp(a->kind, "desk")) defaults[0] = "emergency";
    for (size_t i = 0; i < 3 && defaults[i] && n < cap; i++)
        snprintf(out[n++], CK_POLICY_LABEL_MAX, "%s@%s", defaults[i], a->o.gid);
    for (size_t i = 0; i < a->n_attrs && n < cap; i++) {
        int dup = 0;
        if (strchr(a->attrs[i], '@')) snprintf(out[n], CK_POLICY_LABEL_MAX, "%s", a->attrs[i]);
        else snprintf(out[n], CK_POLICY_LABEL_MAX, "%s@%s", a->attrs[i], a->o.gid);
        for (size_t j = 0; j < n; j++) dup |= !strcmp(out[j], out[n]);
        if (!dup) n++;
    }
    return n;
}

/* A unit added to the organization; one already there is fine. */
static int add_unit(ck_node *n, const char *org, const ck_node_org_unit *u)
{
    if (ck_net_unit_add(n->net, org, u->name, u->kind, u->display_name, u->beds) == 0) {
        if (u->beds) ck_node_notice(n, CK_NODE_INFO, "unit %s (%s, beds %u): added", u->name, u->kind, u->beds);
        else ck_node_notice(n, CK_NODE_INFO, "unit %s (%s): added", u->name, u->kind);
    } else if (ck_net_status(n->net) != 409) {
        ck_node_fail_net(n, n->net, u->name);
        if (n->err.kind == CK_NODE_E_INVALID) n->err.kind = CK_NODE_E_UPSTREAM;
        return -1;
    }
    return 0;
}

static int valid(ck_node *n, const ck_node_org_onboard_in *in)
{
    int kind_ok = 0;
    for (size_t i = 0; in->kind && i < sizeof org_kinds / sizeof *org_kinds; i++) kind_ok |= !strcmp(in->kind, org_kinds[i]);
    if (!in->o.gid || !ck_net_id_valid(in->o.gid) || !kind_ok || !in->display_name)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_org", "--name, --kind (hospital, pharmacy, board or desk) and "
                            "--display-name are required");
    if (in->n_attrs > MAX_LABELS - 3) return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute", "too many --attr");
    for (size_t i = 0; i < in->n_units; i++)
        if (!ck_net_id_valid(in->units[i].name) || !in->units[i].kind)
            return ck_node_fail(n, CK_NODE_E_INVALID, "bad_unit", "unit '%s': NAME:KIND expected", in->units[i].name);
    return 0;
}

int ck_node_onboard_org(ck_node *n, const ck_node_org_onboard_in *in, int *enrolled)
{
    char labels[MAX_LABELS][CK_POLICY_LABEL_MAX];
    const char *lp[MAX_LABELS];
    size_t count;
    int rc = -1;
    *enrolled = 0;
    ck_node_enter(n);
    if (valid(n, in) != 0) goto out;
    count = org_labels(in, labels, MAX_LABELS);
    for (size_t i = 0; i < count; i++) lp[i] = labels[i];
    {
        ck_node_enroll_in r = {"organization", in->display_name, NULL, in->kind, in->display_name, in->o.gid};
        if (ck_node_onboard_identity(n, in->o.gid) != 0 || ck_node_onboard_authority(n, in->o.gid, lp, count) != 0 ||
            ck_node_onboard_enroll(n, &in->o, &r, enrolled) != 0)
            goto out;
    }
    if (*enrolled) {
        if (ck_node_net(n) != 0) goto out;
        for (size_t i = 0; i < in->n_units; i++)
            if (add_unit(n, in->o.gid, &in->units[i]) != 0) goto out;
    }
    rc = 0;
out:
    ck_node_leave(n);
    return rc;
}
