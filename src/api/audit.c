/*
 * src/api/audit.c - AuditEvent, a read-only view of carekeyd's audit log
 * of a record (who read and wrote it, when, why, allowed or not), which
 * the server shows to the record's owner and her delegates only; others
 * get its refusal (403). Rendered by carekey_fhir (docs/FHIR.md,
 * "AuditEvent"); meta.lastUpdated is the row's time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_impl.h"

static int events_of(ck_api_req *r, const char *patient, json_t *all)
{
    ck_node_audit_row *rows = NULL;
    size_t n = 0;
    int rc = 0;
    if (ck_node_audit_list(r->n, patient, 0, 0, &rows, &n) != 0) return ck_api_fail_node(r);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const ck_node_audit_row *a = &rows[i];
        ck_fhir_api_audit_row row = {(uint64_t)a->id, patient, a->time_ms, a->actor, a->action, a->target,
                                     a->purpose[0] ? a->purpose : NULL, a->outcome, a->status};
        json_t *ev = NULL;
        if (ck_fhir_api_audit_event(&ev, &row, NULL) != 0) continue;
        if (ck_fhir_api_meta_set(ev, 1, a->time_ms, NULL) != 0 || json_array_append_new(all, ev) != 0)
            rc = ck_api_fail(r, 500, "exception", "out of memory", NULL);
    }
    free(rows);
    return rc;
}

int ck_api_audit_search(ck_api_req *r, const ck_fhir_api_query *q)
{
    char gid[CK_API_GID_MAX];
    json_t *all = json_array();
    int rc = -1;
    if (!all) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    if (ck_api_query_patient(r, q, gid) == 0 && events_of(r, gid, all) == 0) rc = ck_api_match_page(r, q, all);
    json_decref(all);
    return rc;
}

int ck_api_audit_read(ck_api_req *r)
{
    char known[64][CK_API_GID_MAX];
    size_t n = ck_api_known(r->api, known, 64), k;
    json_t *all, *ev;
    if (strncmp(r->route.id, "audit-", 6) != 0)
        return ck_api_fail(r, 404, "not-found", "no such AuditEvent", NULL);
    if (!(all = json_array())) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    for (size_t i = 0; i < n; i++)
        if (events_of(r, known[i], all) != 0) {
            json_decref(r->reply);
            r->reply = NULL;
        }
    json_array_foreach(all, k, ev) {
        if (strcmp(json_string_value(json_object_get(ev, "id")), r->route.id) != 0) continue;
        json_incref(ev);
        json_decref(all);
        return ck_api_ok(r, 200, ev);
    }
    json_decref(all);
    return ck_api_fail(r, 404, "not-found", "no such AuditEvent among the records this node serves", NULL);
}
