/*
 * src/node/onboard/onboard_impl.h - the steps both onboardings share
 * (steps.c).
 */
#ifndef CK_NODE_ONBOARD_IMPL_H
#define CK_NODE_ONBOARD_IMPL_H

#include "carekey/node_identity.h"
#include "carekey/node_onboard.h"
#include "node/node_impl.h"

/* The home's keyring is gid's (INVALID "wrong_home" otherwise). */
int ck_node_onboard_identity(ck_node *n, const char *gid);
/* The authority this identity runs, created with its labels listed. */
int ck_node_onboard_authority(ck_node *n, const char *name, const char *const *labels, size_t count);
/* Submits r unless it is queued already, then waits up to o->wait_s for
 * the operator: *enrolled 1 approved, 0 still waiting (said so). */
int ck_node_onboard_enroll(ck_node *n, const ck_node_onboard_common *o, const ck_node_enroll_in *r, int *enrolled);

#endif
