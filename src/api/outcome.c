/*
 * src/api/outcome.c - replies: a resource or Bundle with its status, or an
 * OperationOutcome for a refusal - a node error through carekey_fhir's
 * table (docs/FHIR.md, "Errors"), a query error, or the API's own (421,
 * 401, 404, 405, 413, 422). Messages never carry patient data.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "api/api_impl.h"
#include "carekey/fhir.h"

static void set_reply(ck_api_req *r, long status, json_t *body)
{
    json_decref(r->reply);
    r->reply = body;
    r->status = status;
}

int ck_api_fail(ck_api_req *r, long status, const char *issue, const char *msg, const char *expr)
{
    set_reply(r, status, ck_fhir_api_outcome(CK_FHIR_API_ERROR, issue, msg, expr));
    return -1;
}

int ck_api_fail_node(ck_api_req *r)
{
    const ck_node_error *e = ck_node_last_error(r->n);
    long status = 500;
    json_t *oo = ck_fhir_api_node_outcome(e, r->if_match != NULL, &status);
    set_reply(r, status, oo);
    return -1;
}

int ck_api_fail_fhir(ck_api_req *r, const ck_fhir_api_error *e)
{
    long status = 500;
    json_t *oo = ck_fhir_api_error_outcome(e, &status);
    set_reply(r, status, oo);
    return -1;
}

int ck_api_ok(ck_api_req *r, long status, json_t *body)
{
    if (!body) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    set_reply(r, status, body);
    return 0;
}

void ck_api_version_headers(ck_api_req *r, const json_t *res)
{
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    const char *id = json_string_value(json_object_get(res, "id"));
    const char *vid = json_string_value(json_object_get(json_object_get(res, "meta"), "versionId"));
    if (!type || !id || !vid) return;
    snprintf(r->etag, sizeof r->etag, "W/\"%s\"", vid);
    snprintf(r->location, sizeof r->location, "%s/%s/%s/_history/%s", r->api->base, type, id, vid);
}

char *ck_api_dump(const json_t *v, size_t *len)
{
    char *t = ck_fhir_json_dump(v, JSON_COMPACT);
    *len = t ? strlen(t) : 0;
    return t;
}

void ck_api_free_text(char *t, size_t len)
{
    if (!t) return;
    OPENSSL_cleanse(t, len);
    free(t);
}
