/*
 * src/client/cli_enroll.c - enrollment through the server's queue: the
 * person's side (submit, state, wait). The operator's side (`carekey admin
 * pending`, `approve`, `reject`) is on the node (src/node/admin/queue.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carekey/abe.h"
#include "carekey/directory.h"
#include "client/cli_authority.h"
#include "client/cli_enroll.h"

/* ---- the person's side ------------------------------------------------------- */

/* After a 409: 1 when the GID is this keyring's (a request signed with
 * its key, or enrolled with it), 0 when someone else holds it. */
static int gid_is_mine(cli_ctx *c)
{
    const ck_identity *id = ck_keyring_identity(c->kr);
    ck_net_user u;
    char state[16];
    if (ck_net_enroll_status(c->net, id->gid, id->ed25519_sk, state) == 0) return 1;
    return ck_net_user_get(c->net, id->gid, &u) == 0 && !memcmp(u.ed25519, id->ed25519_pk, 32);
}

int cli_enroll_submit(cli_ctx *c, const cli_enroll_req *r, int *fresh)
{
    const ck_identity *id;
    ck_net_authority a;
    ck_net_enroll_req q;
    int rc;

    memset(&a, 0, sizeof a);
    if (fresh) *fresh = 0;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (r->authority && (rc = cli_authority_record(c, r->authority, NULL, &a)) != CLI_OK) return rc;
    id = ck_keyring_identity(c->kr);
    q = (ck_net_enroll_req){id->gid,       r->role,        r->display_name, id->ed25519_sk, id->x25519_pk,
                            r->org_kind,   r->org_display, r->join_org,     r->authority ? &a : NULL};
    rc = CLI_OK;
    if (ck_net_enroll_submit(c->net, &q) == 0) {
        if (fresh) *fresh = 1;
    } else if (ck_net_status(c->net) != 409) {
        rc = cli_ctx_net_error(c, "submitting the enrollment request");
    } else if (!gid_is_mine(c)) {
        cli_error(c->cmd, "the GID %s is taken (enrolled or requested with another key): choose another one",
                  id->gid);
        rc = CLI_FAIL;
    }
    ck_net_authority_clear(&a);
    return rc;
}

int cli_enroll_state(cli_ctx *c, char state[16])
{
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_enroll_status(c->net, ck_keyring_identity(c->kr)->gid, ck_keyring_identity(c->kr)->ed25519_sk,
                             state) == 0)
        return CLI_OK;
    /* the server checks the signature against the key of the stored
     * request: with none (or one of another key) it cannot authenticate
     * the question, so 401 says "no request of this key" like 404 */
    if (ck_net_status(c->net) == 404 || ck_net_status(c->net) == 401) {
        snprintf(state, 16, "none");
        return CLI_OK;
    }
    return cli_ctx_net_error(c, "asking about the enrollment request");
}

int cli_enroll_wait(cli_ctx *c, unsigned seconds, char state[16])
{
    int rc;
    for (unsigned waited = 0;; waited++) {
        if ((rc = cli_enroll_state(c, state)) != CLI_OK || strcmp(state, "pending") != 0 || waited >= seconds)
            return rc;
        sleep(1);
    }
}
