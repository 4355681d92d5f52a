/*
 * src/client/cli_sharing.c - the patient's sharing profile written into
 * her record for `carekey patient onboard`, not moved onto the node yet
 * (`carekey sharing` is src/cli/sharing.c over src/node/record/sharing_ops.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli_record.h"

#define PROFILE_SECTION "profile"
#define PROFILE_TYPE "SharingProfile"

int cli_sharing_set(cli_ctx *c, const char *patient, const char *hospitals, const char *desk, const char *profile,
                    int quiet)
{
    char *body = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;

    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (!cli_rec_is_patient(c, patient)) {
        cli_error(c->cmd, "only the patient sets her sharing profile (this keyring is %s)",
                  ck_keyring_identity(c->kr)->gid);
        return CLI_USAGE;
    }
    if ((rc = cli_rec_profile_body(c, hospitals, desk, profile, &body)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_rec_profile_container(&env, &env_len, body) != CK_REC_OK) goto out;
    if ((rc = cli_rec_append(c, patient, PROFILE_SECTION, PROFILE_TYPE, env, env_len, &head)) != CLI_OK) goto out;
    if (!quiet)
        printf("sharing profile of %s set (entry %llu): treating hospitals %s, emergency desk %s%s\n", patient,
               (unsigned long long)head.seq, hospitals, desk, profile ? ", own policy templates" : "");
    rc = cli_rec_after_write(c, patient);
out:
    free(body);
    free(env);
    return rc;
}

