/*
 * src/node/care/directory.c - the directory checks made before a booking
 * (schedule, appointment, theatre): is GID an active doctor, a patient; is
 * U a unit (or a theatre) of ORG. Each fails with a stable key.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

#define USERS_PAGE 1000 /* the server's largest page */

/* *found = 1 when gid is among the active users of the directory with role
 * (read page by page, stopping at gid). */
static int active_with_role(ck_node *c, const char *gid, const char *role, int *found)
{
    char after[CK_NET_ID_MAX + 1] = "";
    ck_net_user_filter f;
    *found = 0;
    memset(&f, 0, sizeof f);
    f.role = role;
    f.active = 1;
    f.limit = USERS_PAGE;
    for (;;) {
        json_t *users = NULL, *u;
        int more = 0;
        size_t i;
        f.after = after[0] ? after : NULL;
        if (ck_net_users_list(c->net, &f, &users, &more) != 0) return ck_node_fail_net(c, c->net, "reading the directory");
        json_array_foreach(users, i, u) {
            const char *g = json_string_value(json_object_get(u, "gid"));
            if (g && !strcmp(g, gid)) *found = 1;
            if (g) snprintf(after, sizeof after, "%s", g);
        }
        json_decref(users);
        if (*found || !more || !after[0]) return 0;
    }
}

int ck_node_care_check_person(ck_node *c, const char *gid, const char *const *roles, const char *what)
{
    int found = 0;
    if (ck_node_net(c) != 0) return -1;
    for (const char *const *r = roles; *r && !found; r++)
        if (active_with_role(c, gid, *r, &found) != 0) return -1;
    if (found) return 0;
    return ck_node_fail(c, CK_NODE_E_REFUSED, "not_active", "%s is not an active %s in the directory", gid, what);
}

int ck_node_care_check_patient(ck_node *c, const char *gid)
{
    ck_net_user u;
    if (ck_node_net(c) != 0) return -1;
    if (ck_net_user_get(c->net, gid, &u) != 0) return ck_node_fail_net(c, c->net, "looking up the patient");
    if (!strcmp(u.role, "patient")) return 0;
    return ck_node_fail(c, CK_NODE_E_REFUSED, "not_a_patient", "%s is not a patient", gid);
}

int ck_node_care_check_unit(ck_node *c, const char *org, const char *kind, const char *unit)
{
    json_t *units = NULL, *u;
    size_t i;
    int found = 0;
    if (ck_node_net(c) != 0) return -1;
    if (ck_net_units_list(c->net, org, kind, &units) != 0) return ck_node_fail_net(c, c->net, "reading the units");
    json_array_foreach(units, i, u) {
        const char *n = json_string_value(json_object_get(u, "name"));
        if (n && !strcmp(n, unit)) found = 1;
    }
    json_decref(units);
    if (found) return 0;
    if (kind)
        return ck_node_fail(c, CK_NODE_E_REFUSED, "no_such_unit",
                            "%s has no %s '%s' (carekey directory units --org %s --kind %s)", org, kind, unit, org, kind);
    return ck_node_fail(c, CK_NODE_E_REFUSED, "no_such_unit", "%s has no unit '%s'", org, unit);
}

int ck_node_book_staff(ck_node_book *b, ck_node *c, const char *org, const char *sections)
{
    if (ck_node_book_load(b, c, org, sections) != 0) return -1;
    if (b->withheld && json_array_size(b->items) == 0)
        return ck_node_fail(c, CK_NODE_E_FORBIDDEN, "ledger_withheld",
                            "none of the %zu entries of %s's ledger is readable with your keys (staff@%s only)",
                            b->withheld, org, org);
    return 0;
}
