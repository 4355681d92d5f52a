/*
 * src/node/record/sharing_view.c - the patient's sharing profile as
 * section policies (carekey/node_sharing_view.h), for the pages' "who can
 * see my record". The same policies the sealer uses (ck_node_section_policy).
 */
#include <stdlib.h>
#include <string.h>

#include "carekey/node_sharing_view.h"
#include "node/record/record_impl.h"

/* the views a profile may cover beside the FHIR sections */
static const char *const extra[] = {"research", "emergency", "audit"};

static int add(ck_node *n, ck_node_sharing *s, const char *patient, const char *name, json_t *secs)
{
    char *policy = NULL;
    if (ck_node_section_policy(n, s, patient, name, &policy) != 0) {
        /* a section the profile does not cover is not shared by it */
        return ck_node_last_error(n)->kind == CK_NODE_E_INVALID ? 0 : -1;
    }
    json_object_set_new(secs, name, json_string(policy));
    free(policy);
    return 0;
}

int ck_node_sharing_view(ck_node *n, const char *patient, json_t **out)
{
    ck_node_sharing s;
    json_t *secs = json_object(), *v = NULL;
    int rc = -1;
    *out = NULL;
    ck_node_enter(n);
    ck_node_sharing_init(&s);
    if (!secs) goto out;
    for (int i = 0; i < CK_SECTION_COUNT; i++)
        if (add(n, &s, patient, ck_section_name((ck_section)i), secs) != 0) goto out;
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        if (add(n, &s, patient, extra[i], secs) != 0) goto out;
    ck_node_clear_error(n);
    if (!(v = json_pack("{s:s,s:s,s:O}", "hospitals", s.hospitals, "er_desk", s.er_desk, "sections", secs))) goto out;
    *out = v;
    rc = 0;
out:
    json_decref(secs);
    ck_node_sharing_free(&s);
    ck_node_leave(n);
    return rc;
}
