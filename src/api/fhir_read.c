/*
 * src/api/fhir_read.c - metadata, read, vread and history-instance.
 *
 * A resource is found by Type/id among the records the API knows (those
 * configured, those loaded before, the person's own): its current version
 * is the latest entry holding that Type/id; its versions are every entry
 * that held it (versionId: the entry's seq). Any type the record holds
 * can be read (a Bundle's fullUrl of an Organization resolves too); the
 * search parameters are limited to the types of docs/FHIR.md.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api_impl.h"
#include "carekey/wire.h"

int ck_api_metadata(ck_api_req *r)
{
    ck_fhir_api_capability_in in = {r->api->version, (int64_t)time(NULL) * 1000, r->api->base};
    ck_fhir_api_error err;
    json_t *cs = NULL;
    if (ck_fhir_api_capability(&cs, &in, &err) != 0) return ck_api_fail_fhir(r, &err);
    return ck_api_ok(r, 200, cs);
}

static void clear_reply(ck_api_req *r)
{
    json_decref(r->reply);
    r->reply = NULL;
    r->status = 0;
}

int ck_api_find(ck_api_req *r, const char *type, const char *id, ck_api_snap **out)
{
    char known[64][CK_API_GID_MAX], name[200];
    size_t n = ck_api_known(r->api, known, 64);
    *out = NULL;
    snprintf(name, sizeof name, "%s/%s", type, id);
    for (size_t i = 0; i < n; i++) {
        ck_api_snap *s;
        if (ck_api_snap_get(r, known[i], &s) != 0) {
            clear_reply(r); /* a record this person cannot read holds nothing for her */
            continue;
        }
        if (json_object_get(s->versions, name)) {
            *out = s;
            return 0;
        }
        ck_api_snap_put(s);
    }
    return ck_api_fail(r, 404, "not-found", "no such resource among the records this node serves", NULL);
}

int ck_api_record_by_patient_res(ck_api_req *r, const char *id, char gid[CK_API_GID_MAX])
{
    char known[64][CK_API_GID_MAX];
    size_t n;
    if (ck_api_cache_by_patient_res(r->api, id, gid) == 0) return 0;
    n = ck_api_known(r->api, known, 64);
    for (size_t i = 0; i < n; i++) {
        ck_api_snap *s;
        int hit;
        if (!strcmp(known[i], id)) return -1; /* a record's own GID */
        if (ck_api_snap_get(r, known[i], &s) != 0) {
            clear_reply(r);
            continue;
        }
        hit = !strcmp(s->patient_res, id);
        ck_api_snap_put(s);
        if (hit) {
            memcpy(gid, known[i], CK_API_GID_MAX);
            return 0;
        }
    }
    return -1;
}

int ck_api_record_of(ck_api_req *r, const char *id, char gid[CK_API_GID_MAX])
{
    if (ck_api_record_by_patient_res(r, id, gid) == 0) return 0;
    if (!ck_net_id_valid(id) || strlen(id) >= CK_API_GID_MAX)
        return ck_api_fail(r, 404, "not-found", "no such patient record", "patient");
    snprintf(gid, CK_API_GID_MAX, "%s", id); /* a record's GID; loading it tells whether it exists */
    return 0;
}

int ck_api_read(ck_api_req *r)
{
    ck_api_snap *s;
    char name[200];
    json_t *res;
    if (!strcmp(r->route.type, "Consent")) return ck_api_consent_read(r);
    if (!strcmp(r->route.type, "AuditEvent")) return ck_api_audit_read(r);
    if (ck_api_find(r, r->route.type, r->route.id, &s) != 0) return -1;
    snprintf(name, sizeof name, "%s/%s", r->route.type, r->route.id);
    res = json_object_get(s->current, name);
    if (!res) {
        ck_api_snap_put(s);
        return ck_api_fail(r, 404, "not-found", "the resource has no readable current version", NULL);
    }
    ck_api_version_headers(r, res);
    ck_api_ok(r, 200, json_incref(res));
    ck_api_snap_put(s);
    return 0;
}

int ck_api_history(ck_api_req *r)
{
    ck_api_snap *s;
    ck_fhir_api_error err;
    json_t *b = NULL;
    char name[200];
    int rc;
    if (ck_api_find(r, r->route.type, r->route.id, &s) != 0) return -1;
    snprintf(name, sizeof name, "%s/%s", r->route.type, r->route.id);
    rc = ck_fhir_api_history(&b, r->api->base, r->route.type, r->route.id, json_object_get(s->versions, name), &err);
    ck_api_snap_put(s);
    return rc == 0 ? ck_api_ok(r, 200, b) : ck_api_fail_fhir(r, &err);
}

int ck_api_vread(ck_api_req *r)
{
    ck_api_snap *s;
    ck_fhir_api_error err;
    json_t *it, *res = NULL;
    size_t i;
    char name[200];
    if (ck_api_find(r, r->route.type, r->route.id, &s) != 0) return -1;
    snprintf(name, sizeof name, "%s/%s", r->route.type, r->route.id);
    json_array_foreach(json_object_get(s->versions, name), i, it) {
        if ((uint64_t)json_integer_value(json_object_get(it, "seq")) != r->route.vid) continue;
        if (ck_fhir_api_item_resource(&res, it, &err) != 0) {
            ck_api_snap_put(s);
            return ck_api_fail_fhir(r, &err);
        }
    }
    ck_api_snap_put(s);
    if (!res) return ck_api_fail(r, 404, "not-found", "no such version of the resource", NULL);
    ck_api_version_headers(r, res);
    return ck_api_ok(r, 200, res);
}
