/*
 * src/node/admin/directory.c - the operator's (or an organization's own)
 * writes to the directory: organizations, units, affiliations, accounts
 * (carekey/node_admin.h).
 */
#include <stdio.h>
#include <string.h>

#include "carekey/identity.h"
#include "node/admin/admin_impl.h"

int ck_node_admin_fail_net(ck_node *n, const char *what)
{
    ck_node_fail_net(n, n->net, what);
    if (n->err.kind == CK_NODE_E_INVALID) n->err.kind = CK_NODE_E_UPSTREAM;
    return -1;
}

int ck_node_admin_key(ck_node *n, char hex[65])
{
    int rc = -1;
    ck_node_enter(n);
    if (ck_node_keyring(n) == 0) {
        ck_id_hex(hex, ck_keyring_identity(ck_node_kr(n))->ed25519_pk);
        rc = 0;
    }
    ck_node_leave(n);
    return rc;
}

/* The frame of every write: connect, call, map the answer. */
#define ADMIN_CALL(n, call, what)                                                                                  \
    do {                                                                                                           \
        int rc_ = -1;                                                                                              \
        ck_node_enter(n);                                                                                          \
        if (ck_node_net(n) == 0) rc_ = (call) == 0 ? 0 : ck_node_admin_fail_net(n, what);                          \
        ck_node_leave(n);                                                                                          \
        return rc_;                                                                                                \
    } while (0)

int ck_node_admin_add_org(ck_node *n, const char *name, const char *kind, const char *display_name)
{
    ADMIN_CALL(n, ck_net_org_add(n->net, name, kind, display_name), name);
}

int ck_node_admin_add_unit(ck_node *n, const char *org, const char *name, const char *kind, const char *display_name,
                           int64_t beds)
{
    ADMIN_CALL(n, ck_net_unit_add(n->net, org, name, kind, display_name, beds), name);
}

int ck_node_admin_affiliate(ck_node *n, const char *gid, const char *org, const char *unit, const char *title,
                            const char *const *attrs, size_t nattrs)
{
    ADMIN_CALL(n, ck_net_user_affiliate(n->net, gid, org, unit, title, attrs, nattrs, NULL), gid);
}

int ck_node_admin_deactivate(ck_node *n, const char *gid)
{
    ADMIN_CALL(n, ck_net_user_deactivate(n->net, gid, NULL), gid);
}

int ck_node_admin_reactivate(ck_node *n, const char *gid)
{
    ADMIN_CALL(n, ck_net_user_reactivate(n->net, gid, NULL), gid);
}
