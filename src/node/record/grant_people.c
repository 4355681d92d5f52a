/*
 * src/node/record/grant_people.c - grants by person, as the patient's page
 * speaks of them: who may fetch her record (read grants), and taking
 * everything back from one person at once (carekey/node_grant.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/record/grant_impl.h"

static int readers(ck_node *c, const char *patient, ck_node_reader **out, size_t *count)
{
    ck_node_server_grant *sg = NULL;
    uint64_t now = ck_node_now_ms();
    size_t n = 0, k = 0;
    int rc;
    if ((rc = ck_node_server_grants(c, patient, &sg, &n)) != 0) return rc;
    if (!(*out = calloc(n + 1, sizeof **out))) {
        free(sg);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        ck_node_reader *r = &(*out)[k];
        if (sg[i].revoked || strcmp(sg[i].access, "read") != 0 || (sg[i].expires && sg[i].expires <= now)) continue;
        r->id = sg[i].id;
        snprintf(r->grantee, sizeof r->grantee, "%s", sg[i].grantee);
        snprintf(r->by, sizeof r->by, "%s", sg[i].granted_by);
        r->expires_ms = sg[i].expires;
        k++;
    }
    free(sg);
    *count = k;
    return 0;
}

int ck_node_grant_readers(ck_node *n, const char *patient, ck_node_reader **out, size_t *count)
{
    int rc;
    *out = NULL;
    *count = 0;
    ck_node_enter(n);
    rc = readers(n, patient, out, count);
    ck_node_leave(n);
    return rc;
}

int ck_node_grant_revoke_to(ck_node *n, const char *patient, const char *grantee, size_t *count)
{
    size_t done = 0;
    int rc;
    ck_node_enter(n);
    rc = ck_node_grant_revoke_all(n, patient, grantee, NULL, &done);
    if (rc == 0 && done == 0)
        rc = ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_grant", "%s holds no active grant on %s's record", grantee, patient);
    ck_node_leave(n);
    if (count) *count = done;
    return rc;
}
