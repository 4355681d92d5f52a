/*
 * src/node/identity/enroll.c - a person's side of the enrollment queue:
 * submit her request, ask its state, wait for the operator
 * (carekey/node_identity.h). The operator's side is src/node/admin/queue.c.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "carekey/node_identity.h"
#include "node/authority/authority_impl.h"
#include "node/node_impl.h"

/* After a 409: 1 when the GID is this keyring's (a request signed with its
 * key, or enrolled with it), 0 when someone else holds it. */
static int gid_is_mine(ck_node *n)
{
    const ck_identity *id = ck_keyring_identity(ck_node_kr(n));
    ck_net_user u;
    char state[16];
    if (ck_net_enroll_status(n->net, id->gid, id->ed25519_sk, state) == 0) return 1;
    return ck_net_user_get(n->net, id->gid, &u) == 0 && !memcmp(u.ed25519, id->ed25519_pk, 32);
}

static const char *opt(const char *s) { return s && *s ? s : NULL; }

int ck_node_enroll_submit(ck_node *n, const ck_node_enroll_in *r, int *fresh)
{
    const ck_identity *id;
    ck_net_authority a;
    ck_net_enroll_req q;
    int rc = -1;

    memset(&a, 0, sizeof a);
    if (fresh) *fresh = 0;
    ck_node_enter(n);
    if (ck_node_net(n) != 0) goto out;
    if (r->authority && ck_node_auth_record(n, r->authority, NULL, &a) != 0) goto out;
    id = ck_keyring_identity(ck_node_kr(n));
    q = (ck_net_enroll_req){id->gid,
                            r->role,
                            r->display_name && !ck_node_role_private(r->role) ? r->display_name : NULL,
                            id->ed25519_sk,
                            id->x25519_pk,
                            opt(r->org_kind),
                            opt(r->org_display),
                            opt(r->join_org),
                            r->authority ? &a : NULL};
    if (ck_net_enroll_submit(n->net, &q) == 0) {
        if (fresh) *fresh = 1;
        rc = 0;
    } else if (ck_net_status(n->net) != 409) {
        ck_node_fail_net(n, n->net, "submitting the enrollment request");
        if (n->err.kind == CK_NODE_E_INVALID) n->err.kind = CK_NODE_E_UPSTREAM;
    } else if (!gid_is_mine(n)) {
        ck_node_fail(n, CK_NODE_E_CONFLICT, "gid_taken",
                     "the GID %s is taken (enrolled or requested with another key): choose another one", id->gid);
    } else {
        rc = 0;
    }
out:
    ck_net_authority_clear(&a);
    ck_node_leave(n);
    return rc;
}

int ck_node_enroll_state(ck_node *n, char state[16])
{
    const ck_identity *id;
    int rc = -1;
    ck_node_enter(n);
    if (ck_node_net(n) != 0) goto out;
    id = ck_keyring_identity(ck_node_kr(n));
    if (ck_net_enroll_status(n->net, id->gid, id->ed25519_sk, state) == 0) {
        rc = 0;
    } else if (ck_net_status(n->net) == 404 || ck_net_status(n->net) == 401) {
        /* the server checks the signature against the key of the stored
         * request: with none (or one of another key) it cannot
         * authenticate the question, so 401 says "no request of this key"
         * like 404 */
        snprintf(state, 16, "none");
        rc = 0;
    } else {
        ck_node_fail_net(n, n->net, "asking about the enrollment request");
        if (n->err.kind == CK_NODE_E_INVALID) n->err.kind = CK_NODE_E_UPSTREAM;
    }
out:
    ck_node_leave(n);
    return rc;
}

int ck_node_enroll_wait(ck_node *n, unsigned seconds, char state[16])
{
    for (unsigned waited = 0;; waited++) {
        if (ck_node_enroll_state(n, state) != 0) return -1;
        if (strcmp(state, "pending") != 0 || waited >= seconds) return 0;
        sleep(1);
    }
}
