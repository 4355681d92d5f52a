/*
 * fhir_samples: writes what the FHIR layer builds (src/http) as JSON
 * files for tests/js/fhir_validate.mjs, which checks them against the R4
 * definitions of the npm package "fhir" (ctest http_fhir_schema).
 *
 *   fhir_samples OUTDIR           valid outputs: CapabilityStatement, a
 *                                 searchset and a history Bundle, meta
 *                                 mapping, OperationOutcomes, Consents,
 *                                 AuditEvents
 *   fhir_samples OUTDIR BADDIR    also resources that must be refused
 *                                 (ctest http_fhir_schema_rejects)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/fhir.h"
#include "fhir_api.h"

static int failed;

static void put(const char *dir, const char *name, json_t *v)
{
    char path[1024];
    char *text;
    FILE *f;
    if (!v) {
        fprintf(stderr, "fhir_samples: %s: not built\n", name);
        failed = 1;
        return;
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    text = ck_fhir_json_dump(v, JSON_INDENT(1) | JSON_SORT_KEYS);
    if (!text || !(f = fopen(path, "w")) || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "fhir_samples: cannot write %s\n", path);
        failed = 1;
    }
    free(text);
    json_decref(v);
}

static json_t *J(const char *text)
{
    json_error_t je;
    json_t *j = ck_fhir_json_parse(text, strlen(text), &je);
    if (!j) {
        fprintf(stderr, "fhir_samples: bad JSON: %s\n", je.text);
        exit(2);
    }
    return j;
}

/* Three Observations of patient p1 as record items (seq, time), mapped. */
static json_t *observations(void)
{
    static const char *const items[] = {
        "{\"type\":\"Observation\",\"id\":\"bp-1\",\"author\":\"drx\",\"time\":1709287230123,\"seq\":7,\"resource\":"
        "{\"resourceType\":\"Observation\",\"id\":\"bp-1\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":"
        "\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":"
        "[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\",\"display\":\"Systolic blood pressure\"}]},\"subject\":"
        "{\"reference\":\"Patient/p1\"},\"effectiveDateTime\":\"2024-03-01T10:00:00+01:00\",\"valueQuantity\":{\"value\":"
        "120.50,\"unit\":\"mm[Hg]\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mm[Hg]\"}}}",
        "{\"type\":\"Observation\",\"id\":\"bp-2\",\"author\":\"drx\",\"time\":1709373630123,\"seq\":9,\"resource\":"
        "{\"resourceType\":\"Observation\",\"id\":\"bp-2\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
        "\"http://loinc.org\",\"code\":\"8480-6\"}]},\"subject\":{\"reference\":\"urn:uuid:p1\"},\"effectivePeriod\":"
        "{\"start\":\"2024-03-02T08:00:00Z\",\"end\":\"2024-03-02T09:00:00Z\"},\"valueQuantity\":{\"value\":131,"
        "\"unit\":\"mm[Hg]\"}}}",
        "{\"type\":\"Observation\",\"id\":\"hr-1\",\"author\":\"nurse1\",\"time\":1709460030123,\"seq\":12,\"resource\":"
        "{\"resourceType\":\"Observation\",\"status\":\"preliminary\",\"code\":{\"coding\":[{\"system\":"
        "\"http://loinc.org\",\"code\":\"8867-4\"}],\"text\":\"Heart rate\"},\"subject\":{\"reference\":\"Patient/p1\"},"
        "\"effectiveDateTime\":\"2024-03-03\"}}",
    };
    json_t *arr = json_array();
    size_t i;
    ck_fhir_api_error err;
    for (i = 0; i < sizeof items / sizeof items[0]; i++) {
        json_t *item = J(items[i]), *r = NULL;
        if (ck_fhir_api_item_resource(&r, item, &err) != 0) {
            fprintf(stderr, "fhir_samples: item %zu: %s\n", i, err.msg);
            exit(2);
        }
        json_array_append_new(arr, r);
        json_decref(item);
    }
    return arr;
}

static void valid(const char *dir)
{
    ck_fhir_api_error err;
    ck_fhir_api_query q;
    ck_fhir_api_capability_in cin = {"0.1.0", INT64_C(1709287230123), "http://127.0.0.1:8765/fhir"};
    json_t *v = NULL, *obs = observations(), *found = NULL, *inc;
    const char *qs = "patient=p1&code=http%3A%2F%2Floinc.org%7C8480-6&date=ge2024-03&_sort=-date&_count=1";

    if (ck_fhir_api_capability(&v, &cin, &err) != 0) v = NULL;
    put(dir, "capability", v);

    put(dir, "meta_item", json_incref(json_array_get(obs, 0)));
    if (ck_fhir_api_query_parse(&q, "Observation", qs, strlen(qs), &err) != 0 ||
        ck_fhir_api_search(&found, &q, obs, &err) != 0) {
        fprintf(stderr, "fhir_samples: search: %s\n", err.msg);
        exit(2);
    }
    inc = J("[{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"1\","
            "\"lastUpdated\":\"2024-01-01T00:00:00.000Z\"},\"gender\":\"female\",\"birthDate\":\"1970-05\"}]");
    {
        ck_fhir_api_searchset_in in = {"http://127.0.0.1:8765/fhir", &q, found, inc, 0};
        v = NULL;
        if (ck_fhir_api_searchset(&v, &in, &err) != 0) v = NULL;
        put(dir, "searchset", v);
    }
    json_decref(found);
    json_decref(inc);
    json_decref(obs);

    {
        json_t *items = J("[{\"type\":\"Condition\",\"id\":\"c1\",\"author\":\"drx\",\"time\":1709200800000,\"seq\":3,"
                          "\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c1\",\"clinicalStatus\":{\"coding\":[{"
                          "\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                          "\"code\":{\"text\":\"Hypertension\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                          "\"onsetDateTime\":\"2019\"}},"
                          "{\"type\":\"Condition\",\"id\":\"c1\",\"author\":\"drx\",\"time\":1709287200000,\"seq\":17,"
                          "\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c1\",\"clinicalStatus\":{\"coding\":[{"
                          "\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"resolved\"}]},"
                          "\"code\":{\"text\":\"Hypertension\"},\"subject\":{\"reference\":\"Patient/p1\"},"
                          "\"onsetDateTime\":\"2019\",\"abatementDateTime\":\"2024-03-01\"}},"
                          "{\"type\":\"Condition\",\"id\":\"c1\",\"author\":\"alice\",\"time\":1709373600000,\"seq\":42,"
                          "\"resource\":null}]");
        v = NULL;
        if (ck_fhir_api_history(&v, "http://127.0.0.1:8765/fhir", "Condition", "c1", items, &err) != 0) v = NULL;
        put(dir, "history", v);
        json_decref(items);
    }

    {
        ck_node_error ne;
        long st;
        memset(&ne, 0, sizeof ne);
        ne.kind = CK_NODE_E_REFUSED;
        strcpy(ne.key, "allergy_warning");
        strcpy(ne.path, "MedicationRequest.medicationCodeableConcept");
        strcpy(ne.msg, "the patient is allergic to this medication");
        put(dir, "outcome_node", ck_fhir_api_node_outcome(&ne, 0, &st));
        if (ck_fhir_api_query_parse(&q, "Observation", "date=ap2024", 11, &err) == 0) exit(2);
        v = ck_fhir_api_error_outcome(&err, &st);
        if (v && ck_fhir_api_outcome_add(v, CK_FHIR_API_WARNING, "informational", "a second issue", NULL) != 0) v = NULL;
        put(dir, "outcome_query", v);
    }

    {
        ck_fhir_api_grant g = {"5f2a9c", "p1", "drx@hosp-a", "alice", "alice", "encounters,problems,medications", 0,
                               CK_FHIR_API_WRITE, INT64_C(1735689600000), 0, INT64_C(1709287230123)};
        v = NULL;
        if (ck_fhir_api_consent(&v, &g, INT64_C(1709287230123), &err) != 0) v = NULL;
        put(dir, "consent_write", v);
        g.id = "17";
        g.grantee = "bob";
        g.sections = "*";
        g.access = CK_FHIR_API_READ;
        g.delegate = 1;
        g.revoked = 1;
        g.expires_ms = 0;
        v = NULL;
        if (ck_fhir_api_consent(&v, &g, 0, &err) != 0) v = NULL;
        put(dir, "consent_delegate", v);
    }
    {
        ck_fhir_api_audit_row r = {12, "p1", INT64_C(1700000000000), "er-doc", "read_entries", "since:0", "BTG", "ok", 200};
        v = NULL;
        if (ck_fhir_api_audit_event(&v, &r, &err) != 0) v = NULL;
        put(dir, "audit_read", v);
        r.id = 13;
        r.action = "append";
        r.purpose = "TREAT";
        r.outcome = "no_write_grant";
        r.status = 403;
        r.target = NULL;
        v = NULL;
        if (ck_fhir_api_audit_event(&v, &r, &err) != 0) v = NULL;
        put(dir, "audit_refused", v);
    }
}

/* Each of these must fail validation: the validator is not a no-op. */
static void invalid(const char *dir)
{
    ck_fhir_api_error err;
    json_t *v = NULL;
    ck_fhir_api_grant g = {"5f2a9c", "p1", "drx", "alice", "alice", "*", 0, CK_FHIR_API_READ, 0, 0, 1};

    if (ck_fhir_api_consent(&v, &g, 0, &err) == 0) json_object_del(v, "scope"); /* required in R4 */
    put(dir, "consent_no_scope", v);
    v = ck_fhir_api_outcome(CK_FHIR_API_ERROR, "not-an-issue-type", "x", NULL);
    put(dir, "outcome_bad_code", v);
    v = J("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"fullUrl\":\"http://x/Patient/p1\","
          "\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"birthDate\":\"19x\"}}]}");
    put(dir, "bundle_bad_entry", v);
    v = J("{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"110110\"},\"recorded\":\"yesterday\","
          "\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}}}");
    put(dir, "audit_bad_recorded", v);
}

/* mkdir -p */
static void mkdirs(const char *dir)
{
    char path[1024];
    size_t i;
    snprintf(path, sizeof path, "%s", dir);
    for (i = 1; path[i]; i++) {
        if (path[i] != '/') continue;
        path[i] = 0;
        mkdir(path, 0755);
        path[i] = '/';
    }
    mkdir(path, 0755);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: fhir_samples OUTDIR [BADDIR]\n");
        return 2;
    }
    mkdirs(argv[1]);
    valid(argv[1]);
    if (argc == 3) {
        mkdirs(argv[2]);
        invalid(argv[2]);
    }
    return failed;
}
