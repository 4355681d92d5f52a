/*
 * src/node/directory/directory.c - listings of the public directory and a
 * person's consent to an affiliation (carekey/node_directory.h).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_directory.h"
#include "node/node_impl.h"

#define PAGE 1000 /* the server's largest page */

int ck_node_dir_orgs(ck_node *c, const char *kind, json_t **rows)
{
    int rc;
    *rows = NULL;
    ck_node_enter(c);
    if ((rc = ck_node_net(c)) == 0 && ck_net_orgs_list(c->net, kind, rows) != 0)
        rc = ck_node_fail_net(c, c->net, "list organizations");
    ck_node_leave(c);
    return rc;
}

int ck_node_dir_units(ck_node *c, const char *org, const char *kind, json_t **rows)
{
    int rc;
    *rows = NULL;
    ck_node_enter(c);
    if (!org || !ck_net_id_valid(org))
        rc = ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_org", "org", "--org is required");
    else if ((rc = ck_node_net(c)) == 0 && ck_net_units_list(c->net, org, kind, rows) != 0)
        rc = ck_node_fail_net(c, c->net, org);
    ck_node_leave(c);
    return rc;
}

static int staff_pages(ck_node *c, const ck_node_staff_filter *sf, json_t *rows)
{
    ck_net_user_filter f = {sf->org, sf->role, sf->unit, sf->attr, sf->active, NULL, PAGE};
    char after[CK_NET_ID_MAX + 1];
    int more = 1;
    while (more) {
        json_t *page = NULL;
        if (ck_net_users_list(c->net, &f, &page, &more) != 0) return ck_node_fail_net(c, c->net, "list staff");
        json_array_extend(rows, page);
        if (json_array_size(page) == 0) more = 0;
        else
            snprintf(after, sizeof after, "%s",
                     json_string_value(json_object_get(json_array_get(page, json_array_size(page) - 1), "gid")));
        json_decref(page);
        f.after = after;
    }
    return 0;
}

int ck_node_dir_staff(ck_node *c, const ck_node_staff_filter *f, json_t **rows)
{
    int rc;
    ck_node_enter(c);
    if (!(*rows = json_array())) rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    else if ((rc = ck_node_net(c)) == 0) rc = staff_pages(c, f, *rows);
    if (rc != 0) {
        json_decref(*rows);
        *rows = NULL;
    }
    ck_node_leave(c);
    return rc;
}

int ck_node_dir_consent(ck_node *c, const char *org, int withdraw)
{
    int rc;
    ck_node_enter(c);
    if (!org || !ck_net_id_valid(org)) {
        rc = ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_org", "org", "invalid organization '%s'", org ? org : "");
    } else if ((rc = ck_node_keyring(c)) == 0 && (rc = ck_node_net(c)) == 0) {
        const char *me = ck_node_gid(c);
        if ((withdraw ? ck_net_user_consent_withdraw(c->net, me, org) : ck_net_user_consent(c->net, me, org)) != 0)
            rc = ck_node_fail_net(c, c->net, withdraw ? "withdrawing the consent" : "consenting");
    }
    ck_node_leave(c);
    return rc;
}
