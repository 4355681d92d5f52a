/*
 * src/node/onboard/steps.c - the steps of docs/ONBOARDING.md both
 * onboardings share: the identity of the home, its own authority, the
 * enrollment request (onboard_impl.h).
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_authority.h"
#include "node/onboard/onboard_impl.h"

int ck_node_identity_exists(ck_node *n)
{
    char path[PATH_MAX];
    ck_node_path(n, path, "keyring.ckr");
    return ck_node_file_exists(path);
}

int ck_node_onboard_identity(ck_node *n, const char *gid)
{
    if (ck_node_keyring(n) != 0) return -1;
    if (strcmp(ck_node_gid(n), gid) != 0)
        return ck_node_fail(n, CK_NODE_E_INVALID, "wrong_home", "%s holds the identity of %s, not %s: choose another "
                            "--home", ck_node_home(n), ck_node_gid(n), gid);
    return 0;
}

int ck_node_onboard_authority(ck_node *n, const char *name, const char *const *labels, size_t count)
{
    char list[2048] = "";
    size_t len = 0;
    if (ck_keyring_authority_sk_find(ck_node_kr(n), name)) return 0;
    if (ck_node_authority_create(n, name, labels, count, NULL) != 0) return -1;
    for (size_t i = 0; i < count && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, " %s", labels[i]);
    ck_node_notice(n, CK_NODE_INFO, "authority %s: created, listing%s", name, list);
    return 0;
}

int ck_node_onboard_enroll(ck_node *n, const ck_node_onboard_common *o, const ck_node_enroll_in *r, int *enrolled)
{
    char state[16];
    int fresh = 0;
    *enrolled = 0;
    if (ck_node_enroll_state(n, state) != 0) return -1;
    if (!strcmp(state, "rejected") && !o->resubmit)
        return ck_node_fail(n, CK_NODE_E_REFUSED, "enrollment_rejected",
                            "the operator rejected the enrollment request of %s: ask your operator why, then run "
                            "this again with --resubmit", o->gid);
    if (!strcmp(state, "none") || !strcmp(state, "rejected")) {
        if (ck_node_enroll_submit(n, r, &fresh) != 0) return -1;
        /* 409 with no request of hers: enrolled before queues existed */
        if (!fresh) {
            *enrolled = 1;
            return 0;
        }
        ck_node_notice(n, CK_NODE_INFO, "enrollment request of %s: submitted to %s", o->gid, n->s->server);
    }
    if (ck_node_enroll_wait(n, o->wait_s, state) != 0) return -1;
    if (!strcmp(state, "approved") || !strcmp(state, "none")) {
        *enrolled = 1;
        return 0;
    }
    if (!strcmp(state, "rejected"))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "enrollment_rejected",
                            "the operator rejected the enrollment request of %s", o->gid);
    ck_node_notice(n, CK_NODE_INFO, "waiting for the operator: 'carekey admin approve %s'; then run this command "
                   "again (or pass --wait SECONDS)", o->gid);
    return 0;
}
