/*
 * src/node/admin/admin_impl.h - what the operator's operations share.
 */
#ifndef CK_NODE_ADMIN_IMPL_H
#define CK_NODE_ADMIN_IMPL_H

#include "carekey/node_admin.h"
#include "node/node_impl.h"

/* The handle's last answer as an error, never INVALID: the input was
 * checked here, so a 400 is the server's refusal (exit 1, as before). -1. */
int ck_node_admin_fail_net(ck_node *n, const char *what);

#endif
