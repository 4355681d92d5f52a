/*
 * src/api/fhir_transaction.c - POST [base] with a transaction or batch
 * Bundle (R4 3.1.0.11): the Bundle imported into one patient's record by
 * the node's import (carekey/node_import.h), all or nothing - a batch too,
 * which R4 would let fail entry by entry. The record is the one whose
 * Patient resource the Bundle carries (found among the records the node
 * knows), else the caller's own; only its owner may import into it (403
 * for anyone else). Each entry's resource is stored as it
 * came; one without an id gets the id its fullUrl names (ck_fhir_entry_id),
 * so references between the entries keep resolving. The reply is a
 * transaction-response (batch-response) with, per entry, 201 Created and
 * the resource's location, or 200 OK when the same Bundle was imported
 * before. Entries that carry no resource (DELETE, GET) are refused.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_impl.h"
#include "carekey/fhir.h"
#include "carekey/node_import.h"

static int str_is(const json_t *v, const char *want)
{
    return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

/* The record the Bundle is for: its first Patient resource a known record
 * holds, else the caller's own. */
static void record_for(ck_api_req *r, const json_t *entries, char gid[CK_API_GID_MAX])
{
    char buf[CK_FHIR_ENTRY_ID_MAX];
    const json_t *e;
    size_t i;
    json_array_foreach(entries, i, e) {
        const char *id;
        if (!str_is(json_object_get(json_object_get(e, "resource"), "resourceType"), "Patient")) continue;
        if ((id = ck_fhir_entry_id(e, i, buf)) && ck_api_record_by_patient_res(r, id, gid) == 0) return;
    }
    snprintf(gid, CK_API_GID_MAX, "%s", r->api->gid);
}

/* The response Bundle: one entry per request entry, in order. */
static json_t *response(const json_t *entries, const char *kind, int already)
{
    char buf[CK_FHIR_ENTRY_ID_MAX], loc[200];
    json_t *b = json_pack("{s:s, s:s, s:[]}", "resourceType", "Bundle", "type", kind, "entry"), *out;
    const json_t *e;
    size_t i;
    if (!b) return NULL;
    out = json_object_get(b, "entry");
    json_array_foreach(entries, i, e) {
        const json_t *res = json_object_get(e, "resource");
        const char *id = ck_fhir_entry_id(e, i, buf);
        snprintf(loc, sizeof loc, "%s/%s", json_string_value(json_object_get(res, "resourceType")), id ? id : "");
        if (json_array_append_new(out, json_pack("{s:{s:s, s:s}}", "response", "status",
                                                 already ? "200 OK" : "201 Created", "location", loc)) != 0) {
            json_decref(b);
            return NULL;
        }
    }
    if (json_array_size(out) == 0) json_object_del(b, "entry");
    return b;
}

int ck_api_transaction(ck_api_req *r)
{
    ck_node_import_in in;
    ck_node_import_out out;
    ck_fhir_sections split;
    ck_fhir_error ferr;
    char gid[CK_API_GID_MAX];
    const char *type;
    json_t *bundle = NULL, *reply;
    int rc = -1;

    if (!r->body_len || !(bundle = ck_fhir_json_parse(r->body, r->body_len, NULL)) ||
        !str_is(json_object_get(bundle, "resourceType"), "Bundle")) {
        ck_api_fail(r, 400, "invalid", "POST [base] takes a Bundle", "Bundle");
        goto out;
    }
    type = json_string_value(json_object_get(bundle, "type"));
    if (!type || (strcmp(type, "transaction") != 0 && strcmp(type, "batch") != 0)) {
        ck_api_fail(r, 400, "invalid", "the Bundle must be a transaction or a batch", "Bundle.type");
        goto out;
    }
    /* the import's own checks, here for a FHIR answer with the entry's path */
    if (ck_fhir_split(&split, r->body, r->body_len, &ferr) != CK_FHIR_OK) {
        ck_api_fail(r, ferr.code == CK_FHIR_ERR_LIMIT ? 413 : 400, "invalid", ferr.msg, ferr.path[0] ? ferr.path : NULL);
        goto out;
    }
    ck_fhir_sections_clear(&split);
    record_for(r, json_object_get(bundle, "entry"), gid);
    /* an import is one batch closed by a commit entry: only the record's
     * owner writes every section, so only she could finish one (others
     * create resources one by one, POST [base]/[type]) */
    if (strcmp(gid, r->api->gid) != 0) {
        ck_api_fail(r, 403, "forbidden", "only the patient imports a Bundle into her record", NULL);
        goto out;
    }
    memset(&in, 0, sizeof in);
    in.patient = gid;
    in.bundle = (const uint8_t *)r->body;
    in.bundle_len = r->body_len;
    pthread_mutex_lock(&r->api->write_mu); /* one write at a time (fhir_write.c) */
    rc = ck_node_import(r->n, &in, &out);
    pthread_mutex_unlock(&r->api->write_mu);
    if (rc != 0) {
        ck_api_fail_node(r);
        goto out;
    }
    reply = response(json_object_get(bundle, "entry"), strcmp(type, "batch") == 0 ? "batch-response"
                                                                                     : "transaction-response",
                     out.already);
    rc = ck_api_ok(r, 200, reply);
out:
    json_decref(bundle);
    return rc;
}
