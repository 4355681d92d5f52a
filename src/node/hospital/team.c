/*
 * src/node/hospital/team.c - the hospital, as a patient's delegate, gives
 * the treating staff write grants on her record (carekey/node_hospital.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_directory.h"
#include "node/hospital/hospital_impl.h"
#include "node/record/record_impl.h"

/* The role a staff member works in: the directory role when it is one of
 * the table's, else the affiliation title when that names one. */
static const ck_node_role_sections *staff_role(const json_t *user)
{
    const ck_node_role_sections *r = ck_node_hospital_role(ck_node_jstr(user, "role"));
    return r ? r : ck_node_hospital_role(ck_node_jstr(user, "title"));
}

static int one(ck_node *n, const char *org, const char *patient, const json_t *user, const ck_node_chain_grant *cg,
               size_t count, size_t *given)
{
    const char *gid = ck_node_jstr(user, "gid");
    const ck_node_role_sections *rs = staff_role(user);
    if (!ck_node_hospital_staff_of(user, org) || json_is_false(json_object_get(user, "active")))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "not_staff", "%s is not active staff of %s", gid, org);
    if (!rs || !rs->record) {
        ck_node_notice(n, CK_NODE_INFO, "skipped %s: role %s gets no record grant from the hospital", gid,
                       ck_node_jstr(user, "role") ?: "?");
        return 0;
    }
    if (ck_node_grant_covers(cg, count, gid, rs->record, 0)) {
        ck_node_notice(n, CK_NODE_INFO, "kept %s (%s): already granted %s", gid, rs->role, rs->record);
        return 0;
    }
    (*given)++;
    return ck_node_grant_give(n, patient, gid, rs->record, 0, 0);
}

/* The team: the GIDs given, else every active staff member of ORG. */
static int team_of(ck_node *n, const char *org, const char *const *gids, size_t count, json_t **team)
{
    ck_node_staff_filter f = {org, NULL, NULL, NULL, 1};
    json_t *u;
    if (!count) return ck_node_dir_staff(n, &f, team);
    if (!(*team = json_array())) return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    for (size_t i = 0; i < count; i++) {
        if (ck_node_hospital_user(n, gids[i], &u) != 0) return -1;
        json_array_append_new(*team, u);
    }
    return 0;
}

static int care_team(ck_node *n, const char *patient, const char *const *gids, size_t count, ck_node_care_team_out *out)
{
    ck_node_chain_grant *cg = NULL;
    json_t *team = NULL, *u;
    size_t n_cg = 0, i;
    int rc = -1;
    if (ck_node_grant_load(n, patient, &cg, &n_cg, "the record of %s does not verify; no grant given", patient) != 0)
        goto out;
    if (!ck_node_grant_covers(cg, n_cg, out->org, "grants", 1)) {
        ck_node_fail(n, CK_NODE_E_REFUSED, "not_delegate", "%s is not a delegate of %s: the patient runs 'carekey grant "
                     "--patient %s --gid %s --sections '*' --delegate'", out->org, patient, patient, out->org);
        goto out;
    }
    if (team_of(n, out->org, gids, count, &team) != 0) goto out;
    json_array_foreach(team, i, u) if (one(n, out->org, patient, u, cg, n_cg, &out->given) != 0) goto out;
    out->considered = json_array_size(team);
    rc = 0;
out:
    free(cg);
    json_decref(team);
    return rc;
}

int ck_node_hospital_care_team(ck_node *n, const char *patient, const char *const *gids, size_t count,
                               ck_node_care_team_out *out)
{
    int rc = -1;
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    if (!patient || !ck_net_id_valid(patient))
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", patient ? patient : "");
    else if (ck_node_hospital_self(n, out->org) == 0)
        rc = care_team(n, patient, gids, count, out);
    ck_node_leave(n);
    return rc;
}
