/*
 * src/api/consent.c - Consent, a read-only view of the write grants of a
 * verified record (the GRANT entries of its chain: who may write which
 * sections, given by whom, until when, revoked or not), rendered by
 * carekey_fhir (docs/FHIR.md, "Consent"). Read grants live on carekeyd
 * only (they let a reader fetch ciphertext) and are not shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api_impl.h"

/* Appends the Consents of patient's record to all. */
static int consents_of(ck_api_req *r, const char *patient, json_t *all)
{
    ck_api_snap *s;
    int64_t now = (int64_t)time(NULL) * 1000;
    if (ck_api_snap_get(r, patient, &s) != 0) return -1;
    for (size_t i = 0; i < s->n_grants; i++) {
        const ck_node_grant_info *gi = &s->grants[i];
        ck_fhir_api_grant g = {gi->chain_id, patient, gi->grantee, gi->by, patient, gi->sections, gi->delegate,
                               CK_FHIR_API_WRITE, (int64_t)gi->expires_ms, gi->status == CK_NODE_GRANT_REVOKED,
                               (int64_t)gi->time_ms};
        json_t *c = NULL;
        if (ck_fhir_api_consent(&c, &g, now, NULL) != 0) continue; /* e.g. a patient GID that is no FHIR id */
        if (ck_fhir_api_meta_set(c, gi->seq, (int64_t)gi->time_ms, NULL) != 0 || json_array_append_new(all, c) != 0) {
            ck_api_snap_put(s);
            return ck_api_fail(r, 500, "exception", "out of memory", NULL);
        }
    }
    ck_api_snap_put(s);
    return 0;
}

int ck_api_consent_search(ck_api_req *r, const ck_fhir_api_query *q)
{
    char gid[CK_API_GID_MAX];
    json_t *all = json_array();
    int rc = -1;
    if (!all) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    if (ck_api_query_patient(r, q, gid) == 0 && consents_of(r, gid, all) == 0) rc = ck_api_match_page(r, q, all);
    json_decref(all);
    return rc;
}

int ck_api_consent_read(ck_api_req *r)
{
    char known[64][CK_API_GID_MAX];
    size_t n = ck_api_known(r->api, known, 64), i, k;
    json_t *all = json_array(), *c;
    for (i = 0; all && i < n; i++) {
        if (consents_of(r, known[i], all) != 0) {
            json_decref(r->reply);
            r->reply = NULL;
        }
    }
    json_array_foreach(all, k, c) {
        if (strcmp(json_string_value(json_object_get(c, "id")), r->route.id) != 0) continue;
        json_incref(c);
        json_decref(all);
        ck_api_version_headers(r, c);
        return ck_api_ok(r, 200, c);
    }
    json_decref(all);
    return ck_api_fail(r, 404, "not-found", "no such Consent among the records this node serves", NULL);
}
