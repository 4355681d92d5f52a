/*
 * src/client/cli_enroll.h - enrollment through the server's queue: a person
 * submits a request about herself (signed with the key it enrolls), the
 * operator lists, approves or rejects it (`carekey admin pending|approve|
 * reject`). Nothing is carried to the operator by hand (docs/API.md,
 * "Enrollment requests").
 */
#ifndef CK_CLI_ENROLL_H
#define CK_CLI_ENROLL_H

#include "client/cli_ctx.h"

/* What a request names besides the keyring's identity; NULL = absent. */
typedef struct cli_enroll_req {
    const char *role, *display_name;
    const char *join_org;                 /* consent to be affiliated (staff)          */
    const char *org_kind, *org_display;   /* an organization identity registers itself */
    const char *authority;                /* an authority this keyring runs, to register */
} cli_enroll_req;

/* Submits this keyring's request. A request of this key already in the
 * queue, or this key enrolled already, is success too: *fresh (may be
 * NULL) tells whether this call submitted it. A GID someone else holds
 * is refused (reported). */
int cli_enroll_submit(cli_ctx *c, const cli_enroll_req *r, int *fresh);
/* The state of this keyring's own request: "pending", "approved",
 * "rejected", or "none" (no request of this key: never submitted,
 * enrolled by 'carekey admin enroll', or the GID is someone else's). */
int cli_enroll_state(cli_ctx *c, char state[16]);
/* Polls the state once a second until it is no longer "pending" or
 * seconds have passed (0: asks once). */
int cli_enroll_wait(cli_ctx *c, unsigned seconds, char state[16]);

#endif
