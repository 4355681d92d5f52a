/*
 * src/node/record/audit_view.c - the server's audit log of a record
 * (carekey/node_fhir.h), page by page: who read and wrote it, when, for
 * which purpose, and whether the server allowed it. carekeyd shows it to
 * the record's owner and her delegates only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_fhir.h"
#include "node/record/record_impl.h"

#define PAGE 500
#define ROWS_MAX 100000

static void row_of(ck_node_audit_row *o, const ck_net_audit *a)
{
    memset(o, 0, sizeof *o);
    o->id = a->id;
    o->time_ms = a->time_ms;
    snprintf(o->actor, sizeof o->actor, "%s", a->actor);
    snprintf(o->action, sizeof o->action, "%s", a->action);
    snprintf(o->target, sizeof o->target, "%s", a->target);
    snprintf(o->purpose, sizeof o->purpose, "%s", a->purpose);
    snprintf(o->outcome, sizeof o->outcome, "%s", a->outcome);
    o->status = a->status;
}

int ck_node_audit_list(ck_node *n, const char *patient, int64_t after, unsigned limit, ck_node_audit_row **rows,
                       size_t *count)
{
    ck_node_audit_row *out = NULL;
    size_t have = 0, cap = 0;
    int rc = -1;
    *rows = NULL;
    *count = 0;
    ck_node_enter(n);
    if (!limit || limit > ROWS_MAX) limit = ROWS_MAX;
    if (!ck_net_id_valid(patient)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "not a valid patient GID");
        goto out;
    }
    if (ck_node_net(n) != 0) goto out;
    for (;;) {
        ck_net_audit *v = NULL;
        size_t k = 0;
        unsigned want = limit - have < PAGE ? (unsigned)(limit - have) : PAGE;
        if (ck_net_audit_list(n->net, patient, after, want, &v, &k) != 0) {
            ck_node_fail_net(n, n->net, patient);
            goto out;
        }
        if (have + k > cap) {
            size_t ncap = (have + k) * 2 + 16;
            ck_node_audit_row *t = realloc(out, ncap * sizeof *t);
            if (!t) {
                free(v);
                ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
                goto out;
            }
            out = t;
            cap = ncap;
        }
        for (size_t i = 0; i < k; i++) row_of(&out[have++], &v[i]);
        if (k) after = v[k - 1].id;
        free(v);
        if (k < want || have >= limit) break;
    }
    *rows = out;
    *count = have;
    out = NULL;
    rc = 0;
out:
    free(out);
    ck_node_leave(n);
    return rc;
}
