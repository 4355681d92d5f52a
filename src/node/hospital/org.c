/*
 * src/node/hospital/org.c - the organization of the home and the
 * directory as the hospital operations read it (hospital_impl.h), and the
 * listings any staff member may run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_directory.h"
#include "node/care/care_impl.h"
#include "node/hospital/hospital_impl.h"

/* What each role may write (docs/CARE.md, "Roles and write grants"). */
static const ck_node_role_sections roles[] = {
    {"doctor", "encounters,problems,allergies,results,careplans,medications,appointments,procedures,other",
     "ward,clinic,schedule,theatre,rx"},
    {"nurse", "encounters,allergies,results,careplans", "ward,clinic"},
    {"clerk", "appointments,encounters", "ward,schedule,clinic"},
    {"pharmacist", "medications", "rx"},
};

const ck_node_role_sections *ck_node_hospital_role(const char *role)
{
    for (size_t i = 0; role && i < sizeof roles / sizeof *roles; i++)
        if (strcmp(roles[i].role, role) == 0) return &roles[i];
    return NULL;
}

const char *ck_node_jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

int ck_node_hospital_staff_of(const json_t *user, const char *org)
{
    const char *o = ck_node_jstr(user, "org");
    return o && strcmp(o, org) == 0;
}

int ck_node_hospital_self(ck_node *n, char org[CK_NET_ID_MAX + 1])
{
    const ck_keyring_authority_secret *s;
    if (ck_node_keyring(n) != 0) return -1;
    snprintf(org, CK_NET_ID_MAX + 1, "%s", ck_node_gid(n));
    if (!(s = ck_keyring_authority_sk_find(ck_node_kr(n), org)))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "not_org_home",
                            "this keyring (%s) is %s's, which runs no authority '%s': run hospital commands from the "
                            "organization's own home", ck_node_home(n), org, org);
    if (!s->has_signing)
        return ck_node_fail(n, CK_NODE_E_KEYRING, "no_signing_key",
                            "authority '%s' has no signing key in this keyring; it cannot talk to the server", org);
    return ck_node_net(n);
}

int ck_node_hospital_user(ck_node *n, const char *gid, json_t **out)
{
    char path[256], *resp = NULL;
    size_t len = 0;
    long st = 0;
    *out = NULL;
    snprintf(path, sizeof path, "/v1/users/%s", gid);
    if (ck_net_request(n->net, "GET", path, NULL, 0, &st, &resp, &len) != 0) return ck_node_fail_net(n, n->net, gid);
    if (st == 404) {
        free(resp);
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "user_not_found", "no user '%s' in the directory", gid);
    }
    *out = st == 200 ? json_loadb(resp, len, 0, NULL) : NULL;
    free(resp);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return ck_node_fail(n, CK_NODE_E_UPSTREAM, "bad_user", "looking up %s: the server answered HTTP %ld", gid, st);
    }
    return 0;
}

/* The organization for a listing (ck_node_org_sel). */
static int any_org(ck_node *n, const ck_node_org_sel *sel, char org[CK_NET_ID_MAX + 1])
{
    if (!sel->org_opt) {
        if (ck_node_keyring(n) != 0) return -1;
        if (ck_keyring_authority_sk_find(ck_node_kr(n), ck_node_gid(n))) {
            snprintf(org, CK_NET_ID_MAX + 1, "%s", ck_node_gid(n));
            return ck_node_net(n);
        }
    }
    if (ck_node_care_org(n, sel->org_opt ? sel->org_opt : sel->org_default, org, NULL) != 0) return -1;
    return ck_node_net(n);
}

int ck_node_hospital_staff_list(ck_node *n, const ck_node_org_sel *sel, const char *role, const char *unit,
                                int active, json_t **rows, char org[129])
{
    ck_node_staff_filter f = {NULL, role, unit, NULL, active};
    int rc = -1;
    *rows = NULL;
    ck_node_enter(n);
    if ((role && !ck_net_id_valid(role)) || (unit && !ck_net_id_valid(unit))) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_filter", "invalid --role or --unit");
        goto out;
    }
    if (any_org(n, sel, org) != 0) goto out;
    f.org = org;
    rc = ck_node_dir_staff(n, &f, rows);
out:
    ck_node_leave(n);
    return rc;
}

int ck_node_hospital_units(ck_node *n, const ck_node_org_sel *sel, const char *kind, json_t **rows, char org[129])
{
    int rc = -1;
    *rows = NULL;
    ck_node_enter(n);
    if (kind && strcmp(kind, "ward") && strcmp(kind, "theatre") && strcmp(kind, "department"))
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_kind", "--kind: '%s' is not ward, theatre or department", kind);
    else if (any_org(n, sel, org) == 0) {
        if (ck_net_units_list(n->net, org, kind, rows) == 0) rc = 0;
        else ck_node_fail_net(n, n->net, "listing the units");
    }
    ck_node_leave(n);
    return rc;
}
