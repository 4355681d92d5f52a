/*
 * test_fhir_views: OperationOutcome and the node error table
 * (fhir_outcome.c), the CapabilityStatement (fhir_capability.c) checked
 * against the parser it describes, and the Consent and AuditEvent views
 * (fhir_consent.c) against exact expected JSON.
 */
#include <stdint.h>
#include <string.h>

#include "fhir_api.h"
#include "harness.h"
#include "json_check.h"

static ck_fhir_api_error err;

static void test_outcome(void)
{
    static const struct {
        ck_node_kind kind;
        int if_match;
        long status;
        const char *code;
    } table[] = {
        {CK_NODE_OK, 0, 200, "informational"},
        {CK_NODE_E_INVALID, 0, 400, "invalid"},
        {CK_NODE_E_KEYRING, 0, 401, "login"},
        {CK_NODE_E_FORBIDDEN, 0, 403, "forbidden"},
        {CK_NODE_E_NOT_FOUND, 0, 404, "not-found"},
        {CK_NODE_E_CONFLICT, 0, 409, "conflict"},
        {CK_NODE_E_CONFLICT, 1, 412, "conflict"},
        {CK_NODE_E_REFUSED, 0, 422, "business-rule"},
        {CK_NODE_E_INTEGRITY, 0, 502, "security"},
        {CK_NODE_E_UPSTREAM, 0, 503, "transient"},
        {CK_NODE_E_UNREACHABLE, 0, 503, "transient"},
        {CK_NODE_E_CANCELLED, 0, 503, "transient"},
        {CK_NODE_E_IO, 0, 500, "exception"},
        {CK_NODE_E_NOMEM, 0, 500, "exception"},
        {(ck_node_kind)999, 0, 500, "exception"},
    };
    size_t i;
    json_t *oo;
    long st = 0;
    const char *code;

    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        st = ck_fhir_api_node_status(table[i].kind, table[i].if_match, &code);
        CHECK(st == table[i].status && strcmp(code, table[i].code) == 0, "kind %d: %ld %s", (int)table[i].kind, st,
              code);
    }
    CHECK(ck_fhir_api_node_status(CK_NODE_E_FORBIDDEN, 0, NULL) == 403, "issue NULL");

    same(ck_fhir_api_outcome(CK_FHIR_API_ERROR, "not-found", "no such resource", NULL),
         "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\","
         "\"diagnostics\":\"no such resource\"}]}",
         "one issue");
    oo = ck_fhir_api_outcome(CK_FHIR_API_INFORMATION, "informational", "", "");
    CHECK(ck_fhir_api_outcome_add(oo, CK_FHIR_API_WARNING, "business-rule", "allergy warning", "MedicationRequest.medication") == 0,
          "add");
    CHECK(ck_fhir_api_outcome_add(oo, CK_FHIR_API_FATAL, NULL, "x", NULL) == -1, "no code");
    CHECK(ck_fhir_api_outcome_add(oo, (ck_fhir_api_severity)9, "invalid", "x", NULL) == -1, "bad severity");
    CHECK(ck_fhir_api_outcome_add(NULL, CK_FHIR_API_FATAL, "invalid", "x", NULL) == -1, "NULL outcome");
    same(oo,
         "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"information\",\"code\":\"informational\"},"
         "{\"severity\":\"warning\",\"code\":\"business-rule\",\"diagnostics\":\"allergy warning\","
         "\"expression\":[\"MedicationRequest.medication\"]}]}",
         "a warning added; empty strings left out");
    CHECK(ck_fhir_api_outcome(CK_FHIR_API_ERROR, NULL, NULL, NULL) == NULL, "no code");

    {
        ck_node_error e;
        memset(&e, 0, sizeof e);
        e.kind = CK_NODE_E_CONFLICT;
        strcpy(e.key, "bed_taken");
        strcpy(e.path, "Encounter.location[0]");
        strcpy(e.msg, "the bed is taken");
        same(ck_fhir_api_node_outcome(&e, 0, &st),
             "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"conflict\","
             "\"details\":{\"coding\":[{\"system\":\"https://carekey.example/fhir/CodeSystem/node-error\","
             "\"code\":\"bed_taken\"}]},\"diagnostics\":\"the bed is taken\",\"expression\":[\"Encounter.location[0]\"]}]}",
             "a node error");
        CHECK(st == 409, "409");
        CHECK((oo = ck_fhir_api_node_outcome(&e, 1, &st)) != NULL && st == 412, "412 with If-Match");
        json_decref(oo);
        memset(&e, 0, sizeof e);
        e.kind = CK_NODE_E_INTEGRITY;
        same(ck_fhir_api_node_outcome(&e, 0, &st),
             "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"security\"}]}",
             "no key, path or message");
        CHECK(st == 502, "502");
        CHECK(ck_fhir_api_node_outcome(NULL, 0, &st) == NULL, "NULL error");
    }
    {
        ck_fhir_api_query q;
        CHECK(ck_fhir_api_query_parse(&q, "Observation", "code:text=x", 11, &err) == -1, "refused");
        same(ck_fhir_api_error_outcome(&err, &st),
             "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\","
             "\"diagnostics\":\"code: not a modifier it takes (strings: :exact, :contains; tokens: :not; :missing)\","
             "\"expression\":[\"code\"]}]}",
             "a query error");
        CHECK(st == 400, "400");
        CHECK(ck_fhir_api_query_parse(&q, "Observation", "date=x", 6, &err) == -1, "refused");
        CHECK((oo = ck_fhir_api_error_outcome(&err, &st)) && st == 400, "invalid 400");
        CHECK(strcmp(json_string_value(json_object_get(json_array_get(json_object_get(oo, "issue"), 0), "code")),
                     "invalid") == 0, "invalid");
        json_decref(oo);
        err.code = CK_FHIR_API_E_TOO_LONG;
        CHECK((oo = ck_fhir_api_error_outcome(&err, &st)) && st == 400, "too-long 400");
        json_decref(oo);
        err.code = CK_FHIR_API_E_NOMEM;
        CHECK((oo = ck_fhir_api_error_outcome(&err, &st)) && st == 500, "nomem 500");
        json_decref(oo);
        CHECK(strcmp(ck_fhir_api_code_name(CK_FHIR_API_E_NOT_SUPPORTED), "not-supported") == 0, "code name");
    }
}

/* Every search parameter the statement lists for a type parses for it,
 * and a name it does not list is refused: the statement and the parser
 * agree. */
/* The types served for read and search only. */
static int read_only(const char *type)
{
    static const char *const list[] = {"Medication", "Claim", "ExplanationOfBenefit", "Coverage",
                                       "Provenance", "Organization", "Practitioner", "PractitionerRole",
                                       "Location", "AuditEvent", "Consent"};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (strcmp(type, list[i]) == 0) return 1;
    return 0;
}

static void test_capability(void)
{
    ck_fhir_api_capability_in in = {"0.1.0", INT64_C(1709287230123), "http://127.0.0.1:8765/fhir"};
    json_t *cs = NULL, *res;
    size_t i, j, ntypes;
    const char *const *types = ck_fhir_api_types(&ntypes);

    CHECK(ck_fhir_api_capability(&cs, &in, &err) == 0 && cs, "capability");
    CHECK(strcmp(json_string_value(json_object_get(cs, "fhirVersion")), "4.0.1") == 0, "4.0.1");
    CHECK(strcmp(json_string_value(json_object_get(cs, "date")), "2024-03-01T10:00:30.123Z") == 0, "date");
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(cs, "software"), "version")), "0.1.0") == 0,
          "version");
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(cs, "implementation"), "url")), in.base) == 0,
          "implementation.url");
    res = json_object_get(json_array_get(json_object_get(cs, "rest"), 0), "resource");
    CHECK(json_array_size(res) == 36 && ntypes == 36, "36 types");
    for (i = 0; i < json_array_size(res) && i < ntypes; i++) {
        json_t *r = json_array_get(res, i), *params = json_object_get(r, "searchParam"), *inter;
        const char *type = json_string_value(json_object_get(r, "type"));
        int writable = 0, search = 0;
        CHECK(strcmp(type, types[i]) == 0, "type %zu", i);
        CHECK(ck_fhir_api_type_served(type), "%s served", type);
        inter = json_object_get(r, "interaction");
        for (j = 0; j < json_array_size(inter); j++) {
            const char *c = json_string_value(json_object_get(json_array_get(inter, j), "code"));
            if (strcmp(c, "create") == 0 || strcmp(c, "update") == 0) writable++;
            if (strcmp(c, "search-type") == 0) search++;
        }
        CHECK(search == 1, "%s search", type);
        CHECK(writable == (ck_fhir_api_type_writable(type) ? 2 : 0), "%s writes", type);
        CHECK(ck_fhir_api_type_writable(type) == !read_only(type), "%s writable", type);
        CHECK(ck_fhir_api_type_view(type) == (strcmp(type, "AuditEvent") == 0 || strcmp(type, "Consent") == 0),
              "%s view", type);
        CHECK(writable || json_is_string(json_object_get(r, "documentation")), "%s: read-only documented", type);
        for (j = 0; j < json_array_size(params); j++) {
            json_t *p = json_array_get(params, j);
            const char *name = json_string_value(json_object_get(p, "name"));
            const char *ptype = json_string_value(json_object_get(p, "type"));
            const char *value = strcmp(ptype, "date") == 0 ? "ge2024" : strcmp(ptype, "reference") == 0 ? "Patient/p1" : "x";
            char qs[128];
            ck_fhir_api_query q;
            snprintf(qs, sizeof qs, "%s=%s", name, value);
            CHECK(ck_fhir_api_query_parse(&q, type, qs, strlen(qs), &err) == 0, "%s?%s: %s", type, qs, err.msg);
            CHECK(json_is_string(json_object_get(p, "documentation")), "%s %s documented", type, name);
        }
        {
            ck_fhir_api_query q;
            int has_date = 0, has_status = 0;
            const char *first_date = NULL;
            for (j = 0; j < json_array_size(params); j++) {
                json_t *p = json_array_get(params, j);
                const char *name = json_string_value(json_object_get(p, "name"));
                if (!first_date && name[0] != '_' && !strcmp(json_string_value(json_object_get(p, "type")), "date"))
                    first_date = name;
                has_date |= strcmp(name, "date") == 0;
                has_status |= strcmp(name, "status") == 0;
            }
            if (!has_date)
                CHECK(ck_fhir_api_query_parse(&q, type, "date=2024", 9, &err) == -1 &&
                          err.code == CK_FHIR_API_E_NOT_SUPPORTED, "%s: date not listed, not parsed", type);
            if (!has_status)
                CHECK(ck_fhir_api_query_parse(&q, type, "status=x", 8, &err) == -1 &&
                          err.code == CK_FHIR_API_E_NOT_SUPPORTED, "%s: status not listed, not parsed", type);
            CHECK(ck_fhir_api_query_parse(&q, type, "_sort=-_lastUpdated&_count=5", 28, &err) == 0, "%s result params",
                  type);
            if (first_date) {
                char qs[96];
                snprintf(qs, sizeof qs, "_sort=-%s", first_date);
                CHECK(ck_fhir_api_query_parse(&q, type, qs, strlen(qs), &err) == 0, "%s?%s", type, qs);
            }
        }
        if (strcmp(type, "Patient") == 0)
            CHECK(strcmp(json_string_value(json_object_get(json_array_get(json_object_get(r, "operation"), 0), "name")),
                         "everything") == 0, "Patient/$everything");
        else
            CHECK(json_object_get(r, "operation") == NULL, "%s: no operation", type);
    }
    json_decref(cs);
    in.base = NULL;
    CHECK(ck_fhir_api_capability(&cs, &in, &err) == 0 && !json_object_get(cs, "implementation"), "no base");
    json_decref(cs);
    in.version = NULL;
    CHECK(ck_fhir_api_capability(&cs, &in, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "no version");
    in.version = "1";
    in.date_ms = INT64_MAX;
    CHECK(ck_fhir_api_capability(&cs, &in, &err) == -1 && err.code == CK_FHIR_API_E_INVALID, "bad date");
    CHECK(!ck_fhir_api_type_served("Questionnaire") && !ck_fhir_api_type_served(NULL) &&
              !ck_fhir_api_type_writable("Questionnaire") && !ck_fhir_api_type_view(NULL), "not served");
}

#define CONSENT_HEAD                                                                                            \
    "\"resourceType\":\"Consent\",\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\"," \
    "\"code\":\"patient-privacy\",\"display\":\"Privacy Consent\"}]},\"category\":[{\"coding\":[{\"system\":"   \
    "\"http://loinc.org\",\"code\":\"59284-0\",\"display\":\"Patient Consent\"}]}],\"policyRule\":{\"coding\":[" \
    "{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"OPTIN\"}]},"
#define IRCP "{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ParticipationType\",\"code\":\"IRCP\",\"display\":\"information recipient\"}"
#define ACCESS "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentaction\",\"code\":\"access\"}]}"
#define CORRECT "{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentaction\",\"code\":\"correct\"}]}"
#define GID(g) "{\"identifier\":{\"system\":\"https://carekey.example/fhir/sid/gid\",\"value\":\"" g "\"}}"
#define SEC(s) "{\"system\":\"https://carekey.example/fhir/CodeSystem/section\",\"code\":\"" s "\"}"

static void test_consent(void)
{
    ck_fhir_api_grant g = {
        "a1b2c3", "p1", "drx", "alice", "alice", "encounters,problems", 0, CK_FHIR_API_WRITE,
        INT64_C(1735689600000), 0, INT64_C(1709287230123),
    };
    json_t *c = NULL;

    CHECK(ck_fhir_api_consent(&c, &g, INT64_C(1709287230123), &err) == 0, "consent: %s", err.msg);
    same(c,
         "{" CONSENT_HEAD "\"id\":\"a1b2c3\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/p1\"},"
         "\"dateTime\":\"2024-03-01T10:00:30.123Z\",\"performer\":[{\"reference\":\"Patient/p1\"}],"
         "\"provision\":{\"type\":\"permit\",\"period\":{\"start\":\"2024-03-01T10:00:30.123Z\","
         "\"end\":\"2025-01-01T00:00:00.000Z\"},\"actor\":[{\"role\":{\"coding\":[" IRCP "]},\"reference\":" GID("drx")
         "}],\"action\":[" ACCESS "," CORRECT "],\"class\":[" SEC("encounters") "," SEC("problems") "]}}",
         "a write grant by the patient");

    g.sections = "*";
    g.access = CK_FHIR_API_READ;
    g.delegate = 1;
    g.granted_by = "bob@hosp-a";
    g.expires_ms = 0;
    g.revoked = 1;
    CHECK(ck_fhir_api_consent(&c, &g, 0, &err) == 0, "consent: %s", err.msg);
    same(c,
         "{" CONSENT_HEAD "\"id\":\"a1b2c3\",\"status\":\"inactive\",\"patient\":{\"reference\":\"Patient/p1\"},"
         "\"dateTime\":\"2024-03-01T10:00:30.123Z\",\"performer\":[" GID("bob@hosp-a") "],"
         "\"provision\":{\"type\":\"permit\",\"period\":{\"start\":\"2024-03-01T10:00:30.123Z\"},"
         "\"actor\":[{\"role\":{\"coding\":[" IRCP ",{\"system\":\"https://carekey.example/fhir/CodeSystem/grant-role\","
         "\"code\":\"delegate\",\"display\":\"may grant on the patient's behalf\"}]},\"reference\":" GID("drx")
         "}],\"action\":[" ACCESS "]}}",
         "a revoked read delegation of everything, by a delegate");

    /* expiry is judged against now */
    g.revoked = 0;
    g.expires_ms = 2000;
    g.patient_gid = NULL;
    CHECK(ck_fhir_api_consent(&c, &g, 1999, &err) == 0 &&
              strcmp(json_string_value(json_object_get(c, "status")), "active") == 0, "not yet expired");
    json_decref(c);
    CHECK(ck_fhir_api_consent(&c, &g, 2000, &err) == 0 &&
              strcmp(json_string_value(json_object_get(c, "status")), "inactive") == 0, "expired");
    json_decref(c);
    CHECK(ck_fhir_api_consent(&c, &g, 0, &err) == 0 &&
              strcmp(json_string_value(json_object_get(c, "status")), "active") == 0, "expiry not judged");
    json_decref(c);
    g.granted_by = "p1"; /* patient_gid NULL: the patient's GID is her id */
    CHECK(ck_fhir_api_consent(&c, &g, 0, &err) == 0 &&
              json_object_get(json_array_get(json_object_get(c, "performer"), 0), "reference"), "the patient granted");
    json_decref(c);

    {
        static const struct {
            const char *field, *value, *expr;
        } bad[] = {
            {"id", "a_1", "Consent.id"}, {"id", "", "Consent.id"}, {"patient", "p/1", "Consent.patient"},
            {"grantee", "", "Consent.provision.actor"}, {"sections", "", "Consent.provision.class"},
            {"sections", "a,,b", "Consent.provision.class"}, {"sections", "a,", "Consent.provision.class"},
            {"sections", "Encounters", "Consent.provision.class"}, {"sections", "*,a", "Consent.provision.class"},
        };
        size_t i;
        for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            ck_fhir_api_grant b = g;
            if (strcmp(bad[i].field, "id") == 0) b.id = bad[i].value;
            if (strcmp(bad[i].field, "patient") == 0) b.patient = bad[i].value;
            if (strcmp(bad[i].field, "grantee") == 0) b.grantee = bad[i].value;
            if (strcmp(bad[i].field, "sections") == 0) b.sections = bad[i].value;
            c = NULL;
            CHECK(ck_fhir_api_consent(&c, &b, 0, &err) == -1 && c == NULL && err.code == CK_FHIR_API_E_INVALID &&
                      strcmp(err.expr, bad[i].expr) == 0,
                  "bad grant %zu accepted (%s)", i, err.expr);
        }
        g.created_ms = INT64_MIN;
        CHECK(ck_fhir_api_consent(&c, &g, 0, &err) == -1 && err.code == CK_FHIR_API_E_INVALID, "bad time");
        CHECK(ck_fhir_api_consent(&c, NULL, 0, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL");
    }
}

#define AUDIT_FIXED                                                                                              \
    "\"resourceType\":\"AuditEvent\",\"type\":{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\","    \
    "\"code\":\"110110\",\"display\":\"Patient Record\"},\"source\":{\"site\":\"carekey\",\"observer\":"       \
    "{\"display\":\"carekeyd\"},\"type\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/security-source-type\"," \
    "\"code\":\"4\",\"display\":\"Application Server\"}]},"
#define ENTITY_P1                                                                                                \
    "\"what\":{\"reference\":\"Patient/p1\"},\"type\":{\"system\":\"http://terminology.hl7.org/CodeSystem/audit-entity-type\"," \
    "\"code\":\"1\",\"display\":\"Person\"},\"role\":{\"system\":\"http://terminology.hl7.org/CodeSystem/object-role\"," \
    "\"code\":\"1\",\"display\":\"Patient\"}"

static void test_audit(void)
{
    ck_fhir_api_audit_row r = {12, "p1", INT64_C(1700000000000), "drx", "read_entries", "since:0", "ETREAT", "ok", 200};
    json_t *ev = NULL;

    CHECK(ck_fhir_api_audit_event(&ev, &r, &err) == 0, "audit: %s", err.msg);
    same(ev,
         "{" AUDIT_FIXED "\"id\":\"audit-12\",\"subtype\":[{\"system\":\"https://carekey.example/fhir/CodeSystem/audit-action\","
         "\"code\":\"read_entries\"}],\"action\":\"R\",\"recorded\":\"2023-11-14T22:13:20.000Z\",\"outcome\":\"0\","
         "\"agent\":[{\"who\":" GID("drx") ",\"requestor\":true,\"purposeOfUse\":[{\"coding\":[{\"system\":"
         "\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"ETREAT\"}]}]}],"
         "\"entity\":[{" ENTITY_P1 ",\"detail\":[{\"type\":\"target\",\"valueString\":\"since:0\"}]}]}",
         "a read");

    r.action = "append";
    r.purpose = "BTG";
    r.outcome = "no_write_grant";
    r.status = 403;
    r.target = NULL;
    CHECK(ck_fhir_api_audit_event(&ev, &r, &err) == 0, "audit: %s", err.msg);
    same(ev,
         "{" AUDIT_FIXED "\"id\":\"audit-12\",\"subtype\":[{\"system\":\"https://carekey.example/fhir/CodeSystem/audit-action\","
         "\"code\":\"append\"}],\"action\":\"C\",\"recorded\":\"2023-11-14T22:13:20.000Z\",\"outcome\":\"4\","
         "\"outcomeDesc\":\"no_write_grant\",\"agent\":[{\"who\":" GID("drx") ",\"requestor\":true,\"purposeOfUse\":"
         "[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActReason\",\"code\":\"BTG\"}]}]}],"
         "\"entity\":[{" ENTITY_P1 "}]}",
         "a refused append");

    {
        static const struct {
            const char *action, *code;
        } acts[] = {{"read_head", "R"}, {"sign_head", "U"}, {"grant", "C"}, {"revoke", "U"},
                    {"drop_bodies", "D"}, {"read_audit", "R"}, {"something_new", "E"}};
        size_t i;
        r.outcome = "ok";
        r.purpose = NULL;
        for (i = 0; i < sizeof acts / sizeof acts[0]; i++) {
            r.action = acts[i].action;
            CHECK(ck_fhir_api_audit_event(&ev, &r, &err) == 0 &&
                      strcmp(json_string_value(json_object_get(ev, "action")), acts[i].code) == 0 &&
                      !json_object_get(json_array_get(json_object_get(ev, "agent"), 0), "purposeOfUse"),
                  "action %s", acts[i].action);
            json_decref(ev);
        }
        r.outcome = "store_failed";
        r.status = 500;
        CHECK(ck_fhir_api_audit_event(&ev, &r, &err) == 0 &&
                  strcmp(json_string_value(json_object_get(ev, "outcome")), "8") == 0, "a server error: 8");
        json_decref(ev);
    }
    {
        ck_fhir_api_audit_row b;
        b = r, b.patient = "p 1";
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.entity.what") == 0, "patient");
        b = r, b.actor = "";
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.agent.who") == 0, "actor");
        b = r, b.action = "Read";
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.subtype") == 0, "action");
        b = r, b.purpose = "treat";
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.agent.purposeOfUse") == 0,
              "purpose");
        b = r, b.outcome = NULL;
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.outcome") == 0, "outcome");
        b = r, b.time_ms = INT64_MAX;
        CHECK(ck_fhir_api_audit_event(&ev, &b, &err) == -1 && strcmp(err.expr, "AuditEvent.recorded") == 0, "time");
        CHECK(ck_fhir_api_audit_event(&ev, NULL, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL");
    }
}

int main(void)
{
    test_outcome();
    test_capability();
    test_consent();
    test_audit();
    TEST_MAIN_END();
}
