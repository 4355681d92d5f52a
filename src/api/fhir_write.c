/*
 * src/api/fhir_write.c - create (POST [type]) and update (PUT
 * [type]/[id]): the resource is sealed as a new entry of its section
 * (carekey's type -> section table, ck_fhir_section_of) under the
 * section's policy from the patient's sharing profile, and appended with
 * this person as author (the patient, or someone she granted write access
 * to the section: carekeyd refuses anyone else, 403).
 *
 * The record is the patient the resource names (subject, patient, or an
 * Appointment's Patient participant: her record's GID or its Patient
 * resource id); a Patient resource goes to the caller's own record (PUT:
 * the record that holds it). Checks before sealing: JSON object, the
 * URL's type (400), R4's required elements of the type (422). create
 * assigns a fresh id; update keeps the id and, with If-Match, refuses a
 * stale version (412). The reply is the resource as stored, with meta
 * (versionId: the entry's seq), Location and ETag.
 *
 * If-Match is checked against the version this node sees just before the
 * append; two writers racing through different nodes can both pass it
 * (the record keeps both versions; the later one is current).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "api/api_impl.h"
#include "carekey/fhir.h"

static const struct {
    const char *type;
    const char *req[4];
} required[] = {
    {"AllergyIntolerance", {"patient"}},
    {"Condition", {"subject"}},
    {"MedicationRequest", {"status", "intent", "medication[x]", "subject"}},
    {"MedicationDispense", {"status", "medication[x]"}},
    {"Observation", {"status", "code"}},
    {"Encounter", {"status", "class"}},
    {"Procedure", {"status", "subject"}},
    {"Immunization", {"status", "vaccineCode", "patient", "occurrence[x]"}},
    {"DiagnosticReport", {"status", "code"}},
    {"CarePlan", {"status", "intent", "subject"}},
    {"Appointment", {"status", "participant"}},
    {"DocumentReference", {"status", "content"}},
    {"Goal", {"lifecycleStatus", "description", "subject"}},
    {"ImagingStudy", {"status", "subject"}},
    {"MedicationAdministration", {"status", "medication[x]", "subject", "effective[x]"}},
    {"MedicationStatement", {"status", "medication[x]", "subject"}},
    {"ServiceRequest", {"status", "intent", "subject"}},
    {"QuestionnaireResponse", {"status"}},
    {"EpisodeOfCare", {"status", "patient"}},
    {"RelatedPerson", {"patient"}},
};

/* 1 when res has element name ("x[x]": any xType), not null. */
static int has_element(const json_t *res, const char *name)
{
    size_t n = strlen(name);
    const char *k;
    json_t *v;
    if (n > 3 && !strcmp(name + n - 3, "[x]")) {
        json_object_foreach((json_t *)res, k, v)
            if (!strncmp(k, name, n - 3) && k[n - 3] >= 'A' && k[n - 3] <= 'Z' && !json_is_null(v)) return 1;
        return 0;
    }
    v = json_object_get(res, name);
    return v && !json_is_null(v);
}

/* R4's required elements of the type; -1 with 422 when one is missing. */
static int check_required(ck_api_req *r, const json_t *res, const char *type)
{
    char expr[128], msg[200];
    for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
        if (strcmp(required[i].type, type) != 0) continue;
        for (size_t k = 0; k < 4 && required[i].req[k]; k++) {
            if (has_element(res, required[i].req[k])) continue;
            snprintf(expr, sizeof expr, "%s.%s", type, required[i].req[k]);
            snprintf(msg, sizeof msg, "%s is required (R4, cardinality 1..)", expr);
            return ck_api_fail(r, 422, "required", msg, expr);
        }
    }
    return 0;
}

/* The body as a resource of the route's type; -1 with 400/405. */
static int parse_body(ck_api_req *r, json_t **out)
{
    const char *type = r->route.type, *rt;
    json_t *res;
    *out = NULL;
    if (!ck_fhir_api_type_writable(type))
        return ck_fhir_api_type_served(type)
                   ? ck_api_fail(r, 405, "not-supported", "this type is read-only here", NULL)
                   : ck_api_fail(r, 400, "not-supported", "this type is not served", NULL);
    if (!r->body_len || !(res = ck_fhir_json_parse(r->body, r->body_len, NULL)) || !json_is_object(res)) {
        if (r->body_len) json_decref(res);
        return ck_api_fail(r, 400, "invalid", "the body is not a JSON object", NULL);
    }
    rt = json_string_value(json_object_get(res, "resourceType"));
    if (!rt || strcmp(rt, type) != 0) {
        json_decref(res);
        return ck_api_fail(r, 400, "invalid", "resourceType is not the type of the URL", "resourceType");
    }
    *out = res;
    return 0;
}

/* The id X of "Patient/X", ".../Patient/X", "urn:uuid:X" or "X" into out. */
static int ref_id(const char *ref, char *out, size_t cap)
{
    const char *p;
    if (!ref) return -1;
    if (!strncmp(ref, "urn:uuid:", 9)) p = ref + 9;
    else if ((p = strstr(ref, "Patient/"))) p += 8;
    else if (!strchr(ref, '/') && !strchr(ref, ':')) p = ref;
    else return -1;
    if (!*p || strlen(p) >= cap || strchr(p, '/')) return -1;
    snprintf(out, cap, "%s", p);
    return 0;
}

/* The record the resource names. */
static int record_named(ck_api_req *r, const json_t *res, char gid[CK_API_GID_MAX])
{
    static const char *const keys[] = {"subject", "patient"};
    const char *ref = NULL;
    char id[CK_API_GID_MAX];
    json_t *p;
    size_t i;
    if (!strcmp(r->route.type, "Patient")) {
        snprintf(gid, CK_API_GID_MAX, "%s", r->api->gid);
        return 0;
    }
    for (i = 0; i < 2 && !ref; i++) ref = json_string_value(json_object_get(json_object_get(res, keys[i]), "reference"));
    json_array_foreach(json_object_get(res, "participant"), i, p) {
        const char *a = json_string_value(json_object_get(json_object_get(p, "actor"), "reference"));
        if (!ref && a && (strstr(a, "Patient/") || !strncmp(a, "urn:uuid:", 9))) ref = a;
    }
    if (ref_id(ref, id, sizeof id) != 0)
        return ck_api_fail(r, 422, "required", "the resource names no patient (subject or patient: Patient/<id>)",
                           "subject");
    return ck_api_record_of(r, id, gid);
}

static int fresh_uuid(char out[37])
{
    uint8_t b[16];
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    if (RAND_bytes(b, sizeof b) != 1) return -1;
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hx[b[i] >> 4];
        out[o++] = hx[b[i] & 15];
    }
    out[o] = 0;
    return 0;
}

/* Seals res into gid's record and replies with it as stored. */
static int put_and_reply(ck_api_req *r, const char *gid, json_t *res, long status)
{
    const char *type = r->route.type;
    ck_node_put_in in;
    ck_node_put_out po;
    ck_api_snap *s = NULL;
    char name[200];
    size_t len = 0;
    char *text = ck_api_dump(res, &len);
    json_t *stored;
    int rc;
    if (!text) return ck_api_fail(r, 500, "exception", "out of memory", NULL);
    memset(&in, 0, sizeof in);
    in.patient = gid;
    in.section = ck_section_name(ck_fhir_section_of(type));
    in.type = type;
    in.payload = (const uint8_t *)text;
    in.payload_len = len;
    /* One write at a time per server: a person's first write for a record
     * pins authorities into the session's keyring, and ck_node_authority
     * hands out pointers into that table, which a concurrent pin may move
     * (src/node/pins.c). Writes are few; reads never take this lock. */
    pthread_mutex_lock(&r->api->write_mu);
    rc = ck_node_record_put(r->n, &in, &po);
    pthread_mutex_unlock(&r->api->write_mu);
    ck_api_free_text(text, len);
    if (rc != 0) return ck_api_fail_node(r);
    snprintf(name, sizeof name, "%s/%s", type, json_string_value(json_object_get(res, "id")));
    if (ck_api_snap_get(r, gid, &s) == 0 && (stored = json_object_get(s->current, name))) {
        json_incref(stored);
    } else {
        /* written, but this person cannot read the section back: the version as sent */
        json_decref(r->reply);
        r->reply = NULL;
        stored = json_deep_copy(res);
        if (stored && ck_fhir_api_meta_set(stored, po.seq, (int64_t)time(NULL) * 1000, NULL) != 0) json_object_del(stored, "meta");
    }
    ck_api_snap_put(s);
    if (stored) ck_api_version_headers(r, stored);
    return ck_api_ok(r, status, stored);
}

int ck_api_create(ck_api_req *r)
{
    json_t *res = NULL;
    char gid[CK_API_GID_MAX], id[37];
    int rc = -1;
    if (parse_body(r, &res) != 0) return -1;
    if (check_required(r, res, r->route.type) != 0 || record_named(r, res, gid) != 0) goto out;
    if (fresh_uuid(id) != 0) { /* the server names what it creates (R4 create) */
        ck_api_fail(r, 500, "exception", "no random bytes", NULL);
        goto out;
    }
    json_object_set_new(res, "id", json_string(id));
    json_object_del(res, "meta");
    rc = put_and_reply(r, gid, res, 201);
out:
    json_decref(res);
    return rc;
}

int ck_api_update(ck_api_req *r)
{
    json_t *res = NULL, *cur;
    ck_api_snap *s = NULL;
    ck_fhir_api_error err;
    uint64_t want;
    char name[200], gid[CK_API_GID_MAX];
    const char *id, *vid;
    int rc = -1;
    if (parse_body(r, &res) != 0) return -1;
    id = json_string_value(json_object_get(res, "id"));
    if (!id || strcmp(id, r->route.id) != 0) {
        ck_api_fail(r, 400, "invalid", "the resource's id is not the id of the URL", "id");
        goto out;
    }
    if (check_required(r, res, r->route.type) != 0) goto out;
    if (r->if_match && ck_fhir_api_if_match(&want, r->if_match, &err) != 0) {
        ck_api_fail(r, 400, "invalid", "If-Match is not W/\"<versionId>\"", "If-Match");
        goto out;
    }
    if (ck_api_find(r, r->route.type, r->route.id, &s) != 0) goto out; /* no update-as-create */
    snprintf(name, sizeof name, "%s/%s", r->route.type, r->route.id);
    cur = json_object_get(s->current, name);
    vid = json_string_value(json_object_get(json_object_get(cur, "meta"), "versionId"));
    if (r->if_match && (!vid || strtoull(vid, NULL, 10) != want)) {
        ck_api_fail(r, 412, "conflict", "the resource changed: If-Match names an older version", "If-Match");
        goto out;
    }
    snprintf(gid, sizeof gid, "%s", s->patient);
    ck_api_snap_put(s);
    s = NULL;
    json_object_del(res, "meta");
    rc = put_and_reply(r, gid, res, 200);
out:
    ck_api_snap_put(s);
    json_decref(res);
    return rc;
}
