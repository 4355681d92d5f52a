/*
 * src/node/record/sharing_ops.c - writing and showing the patient's
 * sharing profile (carekey/node_sharing.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_sharing.h"
#include "node/record/record_impl.h"

#define PROFILE_SECTION "profile"
#define PROFILE_TYPE "SharingProfile"

int ck_node_sharing_set(ck_node *c, const char *patient, const char *hospitals, const char *desk, const char *profile,
                        int quiet)
{
    char *body = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;

    if ((rc = ck_node_keyring(c)) != 0) return rc;
    if (!ck_node_is_patient(c, patient))
        return ck_node_fail(c, CK_NODE_E_INVALID, "not_patient",
                            "only the patient sets her sharing profile (this keyring is %s)", ck_node_gid(c));
    if ((rc = ck_node_profile_body(c, hospitals, desk, profile, &body)) != 0) goto out;
    if (ck_rec_profile_container(&env, &env_len, body) != CK_REC_OK) {
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "bad_profile", "the sharing profile cannot be encoded");
        goto out;
    }
    if ((rc = ck_node_append(c, patient, PROFILE_SECTION, PROFILE_TYPE, env, env_len, &head)) != 0) goto out;
    if (!quiet)
        ck_node_notice(c, CK_NODE_INFO, "sharing profile of %s set (entry %llu): treating hospitals %s, emergency desk %s%s",
                       patient, (unsigned long long)head.seq, hospitals, desk, profile ? ", own policy templates" : "");
    rc = ck_node_after_write(c, patient);
out:
    free(body);
    free(env);
    return rc;
}

int ck_node_sharing_write(ck_node *c, const ck_node_sharing_in *in)
{
    int rc;
    ck_node_enter(c);
    if (!in->patient || !in->hospitals)
        rc = ck_node_fail_at(c, CK_NODE_E_INVALID, "missing", "patient", "the patient and her hospitals are required");
    else
        rc = ck_node_sharing_set(c, in->patient, in->hospitals, in->er_desk ? in->er_desk : "er-desk", in->profile_json, 0);
    ck_node_leave(c);
    return rc;
}

static int show(ck_node *c, const char *patient, ck_node_sharing_view *out)
{
    ck_node_sharing sh;
    ck_node_view v;
    int rc;
    ck_node_sharing_init(&sh);
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0) goto out;
    if (ck_node_view_problems(&v)) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified",
                          "the record does not verify; its profile cannot be trusted");
        goto out;
    }
    if ((rc = ck_node_sharing_from_view(&sh, &v)) != 0) goto out;
    snprintf(out->hospitals, sizeof out->hospitals, "%s", sh.hospitals);
    snprintf(out->er_desk, sizeof out->er_desk, "%s", sh.er_desk);
    for (int s = 0; s < CK_SECTION_COUNT; s++)
        if (ck_node_section_policy(c, &sh, patient, ck_section_name((ck_section)s), &out->policy[s]) != 0)
            ck_node_clear_error(c);   /* a section the profile has no policy for */
out:
    ck_node_sharing_free(&sh);
    ck_node_view_free(&v);
    return rc;
}

int ck_node_sharing_show(ck_node *c, const char *patient, ck_node_sharing_view *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    rc = show(c, patient, out);
    if (rc != 0) ck_node_sharing_view_free(out);
    ck_node_leave(c);
    return rc;
}

void ck_node_sharing_view_free(ck_node_sharing_view *v)
{
    for (int s = 0; s < CK_SECTION_COUNT; s++) free(v->policy[s]);
    memset(v, 0, sizeof *v);
}
