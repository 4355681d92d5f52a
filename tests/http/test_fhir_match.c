/*
 * test_fhir_match: matching resources against parsed searches
 * (src/http/fhir_match.c): every prefix against instants, dates of each
 * precision, zones and periods (open ones too); tokens, references,
 * fallbacks; and the invariants of sorting and paging.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "fhir_api.h"
#include "harness.h"
#include "json_check.h"

static ck_fhir_api_error err;

/* Does resource (JSON text) match type?qs */
static int m(const char *type, const char *qs, const char *resource)
{
    ck_fhir_api_query q;
    json_t *r = J(resource);
    int out;
    if (ck_fhir_api_query_parse(&q, type, qs, strlen(qs), &err) != 0) {
        fprintf(stderr, "query %s?%s refused: %s\n", type, qs, err.msg);
        json_decref(r);
        return -1;
    }
    out = ck_fhir_api_match(&q, r);
    json_decref(r);
    return out;
}

#define YES(type, qs, res) CHECK(m(type, qs, res) == 1, "%s?%s should match %s", type, qs, res)
#define NO(type, qs, res) CHECK(m(type, qs, res) == 0, "%s?%s should not match %s", type, qs, res)

/* A prefix table: for a target, which of eq ne gt lt ge le sa eb hold
 * against one search date. */
static void prefixes(const char *type, const char *date, const char *res, const char *want)
{
    static const char *const p[8] = {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"};
    char qs[128];
    int i;
    for (i = 0; i < 8; i++) {
        int r;
        snprintf(qs, sizeof qs, "date=%s%s", p[i], date);
        r = m(type, qs, res);
        CHECK(r == (want[i] == '1'), "%s?%s on %s: %d, want %c", type, qs, res, r, want[i]);
    }
}

static void test_dates(void)
{
    const char *obs_day = "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03-15\"}";
    const char *obs_month = "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03\"}";
    const char *obs_inst = "{\"resourceType\":\"Observation\",\"effectiveInstant\":\"2024-03-15T10:30:00.000Z\"}";
    const char *enc = "{\"resourceType\":\"Encounter\",\"period\":{\"start\":\"2024-01-10T08:00:00Z\","
                      "\"end\":\"2024-01-12T10:00:00Z\"}}";
    const char *enc_open = "{\"resourceType\":\"Encounter\",\"period\":{\"start\":\"2024-01-10T08:00:00Z\"}}";
    const char *enc_nostart = "{\"resourceType\":\"Encounter\",\"period\":{\"end\":\"2024-01-12\"}}";

    /*                        eq ne gt lt ge le sa eb */
    /* a day against its own day, the month around it, a day before/after */
    prefixes("Observation", "2024-03-15", obs_day, "10001100");
    prefixes("Observation", "2024-03", obs_day, "10001100");
    prefixes("Observation", "2024", obs_day, "10001100");
    prefixes("Observation", "2024-03-14", obs_day, "01101010");
    prefixes("Observation", "2024-03-16", obs_day, "01010101");
    /* a month-precise target against a day inside it: overlaps both ways */
    prefixes("Observation", "2024-03-15", obs_month, "01111100");
    prefixes("Observation", "2024-03-01", obs_month, "01101000");
    prefixes("Observation", "2024-03-31", obs_month, "01010100");
    /* an instant against minutes and zones */
    prefixes("Observation", "2024-03-15T10:30Z", obs_inst, "10001100");
    prefixes("Observation", "2024-03-15T12:30%2B02:00", obs_inst, "10001100");
    prefixes("Observation", "2024-03-15T05:30-05:00", obs_inst, "10001100");
    prefixes("Observation", "2024-03-15T10:29Z", obs_inst, "01101010");
    prefixes("Observation", "2024-03-15T10:31Z", obs_inst, "01010101");
    prefixes("Observation", "2024-03-15T10:30:00.000Z", obs_inst, "10001100");
    prefixes("Observation", "2024-03-15T10:30:00.001Z", obs_inst, "01010101");
    /* a period of two days and two hours */
    prefixes("Encounter", "2024-01-11", enc, "01111100");
    prefixes("Encounter", "2024-01", enc, "10001100");
    prefixes("Encounter", "2024-01-09", enc, "01101010");
    prefixes("Encounter", "2024-01-10", enc, "01101000");
    prefixes("Encounter", "2024-01-12", enc, "01010100");
    prefixes("Encounter", "2024-01-13", enc, "01010101");
    /* ends at 10:00:00Z (second precision, so until 10:00:01): */
    prefixes("Encounter", "2024-01-12T10:00:01Z", enc, "01010101");
    prefixes("Encounter", "2024-01-12T10:00:00Z", enc, "01010100");
    /* an open end: after everything, before nothing */
    prefixes("Encounter", "2030", enc_open, "01111100");
    prefixes("Encounter", "2000", enc_open, "01101010");
    prefixes("Encounter", "2024", enc_open, "01101000");
    /* an open start */
    prefixes("Encounter", "2000", enc_nostart, "01111100");
    prefixes("Encounter", "2030", enc_nostart, "01010101");

    /* ranges by repetition */
    YES("Encounter", "date=ge2024-01-01&date=lt2024-02-01", enc);
    NO("Encounter", "date=ge2024-02-01&date=lt2024-03-01", enc);
    YES("Encounter", "date=sa2024-01-09&date=eb2024-01-13", enc);
    NO("Encounter", "date=sa2024-01-10&date=eb2024-01-13", enc);
    /* OR within a parameter */
    YES("Observation", "date=2023,2024", obs_day);
    NO("Observation", "date=2022,2023", obs_day);

    /* zones on the target: a day in UTC */
    YES("Observation", "date=2024-03-01", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03-01T23:30:00+02:00\"}");
    YES("Observation", "date=2024-03-01", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03-02T00:30:00+02:00\"}");
    NO("Observation", "date=2024-03-02", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03-02T00:30:00+02:00\"}");
    YES("Observation", "date=2024-03-02T00:30%2B02:00", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"2024-03-01T22:30:00Z\"}");

    /* effective[x]: period or dateTime */
    YES("Observation", "date=2024-03-15", "{\"resourceType\":\"Observation\",\"effectivePeriod\":{\"start\":\"2024-03-15T08:00:00Z\",\"end\":\"2024-03-15T09:00:00Z\"}}");
    NO("Observation", "date=2024-03-15", "{\"resourceType\":\"Observation\"}");
    NO("Observation", "date=ne2024-03-15", "{\"resourceType\":\"Observation\"}");
    NO("Observation", "date=2024", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":\"not a date\"}");
    NO("Observation", "date=2024", "{\"resourceType\":\"Observation\",\"effectivePeriod\":{}}");
    NO("Observation", "date=2024", "{\"resourceType\":\"Observation\",\"effectiveDateTime\":2024}");
    /* Timing is not a date */
    NO("Observation", "date=2024", "{\"resourceType\":\"Observation\",\"effectiveTiming\":{\"event\":[\"2024-01-01\"]}}");

    /* the types' own date elements */
    YES("Condition", "date=2020", "{\"resourceType\":\"Condition\",\"onsetDateTime\":\"2020-05-01\",\"recordedDate\":\"2023-01-01\"}");
    NO("Condition", "date=2023", "{\"resourceType\":\"Condition\",\"onsetDateTime\":\"2020-05-01\",\"recordedDate\":\"2023-01-01\"}");
    YES("Condition", "date=2023", "{\"resourceType\":\"Condition\",\"onsetString\":\"childhood\",\"recordedDate\":\"2023-01-01\"}");
    YES("Condition", "date=ge2021", "{\"resourceType\":\"Condition\",\"onsetPeriod\":{\"start\":\"2020\"},\"recordedDate\":\"2023-01-01\"}");
    YES("MedicationRequest", "date=2024-02", "{\"resourceType\":\"MedicationRequest\",\"authoredOn\":\"2024-02-03T10:00:00Z\"}");
    YES("MedicationDispense", "date=2024", "{\"resourceType\":\"MedicationDispense\",\"whenPrepared\":\"2024-02-03\"}");
    NO("MedicationDispense", "date=2024", "{\"resourceType\":\"MedicationDispense\",\"whenHandedOver\":\"2025-01-01\",\"whenPrepared\":\"2024-02-03\"}");
    YES("Procedure", "date=2024", "{\"resourceType\":\"Procedure\",\"performedPeriod\":{\"start\":\"2024-05-01\",\"end\":\"2024-05-02\"}}");
    YES("Immunization", "date=2019", "{\"resourceType\":\"Immunization\",\"occurrenceDateTime\":\"2019-10-01\"}");
    NO("Immunization", "date=2019", "{\"resourceType\":\"Immunization\",\"occurrenceString\":\"2019\"}");
    YES("AllergyIntolerance", "date=2010", "{\"resourceType\":\"AllergyIntolerance\",\"recordedDate\":\"2010-01-01\"}");
    YES("DiagnosticReport", "date=2024", "{\"resourceType\":\"DiagnosticReport\",\"effectiveDateTime\":\"2024-01-01\"}");
    YES("CarePlan", "date=gt2024", "{\"resourceType\":\"CarePlan\",\"period\":{\"start\":\"2023-01-01\"}}");
    YES("Appointment", "date=2024-06-01", "{\"resourceType\":\"Appointment\",\"start\":\"2024-06-01T09:00:00Z\"}");
    YES("DocumentReference", "date=2024", "{\"resourceType\":\"DocumentReference\",\"date\":\"2024-06-01T09:00:00Z\"}");
    YES("AuditEvent", "date=2024", "{\"resourceType\":\"AuditEvent\",\"recorded\":\"2024-06-01T09:00:00.000Z\"}");
    YES("Consent", "date=2024", "{\"resourceType\":\"Consent\",\"dateTime\":\"2024-06-01T09:00:00Z\"}");
    YES("Observation", "_lastUpdated=gt2024-01-01", "{\"resourceType\":\"Observation\",\"meta\":{\"lastUpdated\":\"2024-06-01T09:00:00.000Z\"}}");
    NO("Observation", "_lastUpdated=gt2024-01-01", "{\"resourceType\":\"Observation\"}");
}

static void test_tokens_refs(void)
{
    const char *obs = "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\","
                      "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\","
                      "\"code\":\"vital-signs\"}]}],"
                      "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"},{\"code\":\"local-1\"}],"
                      "\"text\":\"Systolic\"},\"subject\":{\"reference\":\"Patient/p1\"}}";
    YES("Observation", "code=8480-6", obs);
    YES("Observation", "code=http://loinc.org%7C8480-6", obs);
    YES("Observation", "code=http://loinc.org%7C", obs);
    YES("Observation", "code=%7Clocal-1", obs);
    YES("Observation", "code=x,local-1", obs);
    NO("Observation", "code=%7C8480-6", obs);             /* that coding has a system */
    NO("Observation", "code=http://snomed.info/sct%7C8480-6", obs);
    NO("Observation", "code=http://snomed.info/sct%7C", obs);
    NO("Observation", "code=8480", obs);                  /* no prefix matching */
    NO("Observation", "code=Systolic", obs);              /* text is not a code */
    NO("Observation", "code=8480-6&code=x", obs);         /* AND */
    YES("Observation", "code=8480-6&code=local-1", obs);
    YES("Observation", "status=final", obs);
    YES("Observation", "status=final,amended", obs);
    NO("Observation", "status=Final", obs);               /* codes are case-sensitive */
    YES("Observation", "status=http://hl7.org/fhir/observation-status%7Cfinal", obs);
    YES("Observation", "status=whatever%7C", obs);
    YES("Observation", "category=vital-signs", obs);
    YES("Observation", "category=http://terminology.hl7.org/CodeSystem/observation-category%7Cvital-signs", obs);
    NO("Observation", "category=laboratory", obs);
    YES("Observation", "_id=o1", obs);
    YES("Observation", "_id=o2,o1", obs);
    NO("Observation", "_id=o", obs);
    YES("Observation", "patient=p1", obs);
    YES("Observation", "patient=Patient/p1", obs);
    YES("Observation", "subject=p1", obs);
    YES("Observation", "subject=Patient/p1", obs);
    NO("Observation", "subject=Group/p1", obs);
    NO("Observation", "patient=p2", obs);
    NO("Observation", "patient=p", obs);
    YES("Observation", "patient=p1&code=8480-6&status=final&category=vital-signs&_id=o1", obs);
    NO("Observation", "patient=p1&code=8480-6&status=final&category=vital-signs&_id=o2", obs);
    NO("Condition", "code=8480-6", obs);                  /* another type */
    YES("Observation", "", obs);
    NO("Observation", "", "{\"resourceType\":\"Condition\"}");
    NO("Observation", "", "[]");

    /* reference forms a record holds */
    YES("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"urn:uuid:p1\"}}");
    YES("Observation", "subject=Group/p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"urn:uuid:p1\"}}");
    YES("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"https://h.example/fhir/Patient/p1/_history/3\"}}");
    NO("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Group/p1\"}}");
    YES("Observation", "subject=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Group/p1\"}}");
    YES("Observation", "subject=Group/p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"Group/p1\"}}");
    NO("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"#p1\"}}");
    NO("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"display\":\"p1\"}}");
    NO("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"p1\"}}");
    NO("Observation", "patient=p1", "{\"resourceType\":\"Observation\",\"subject\":{\"reference\":\"urn:oid:1.2.3\"}}");
    YES("AllergyIntolerance", "patient=p1", "{\"resourceType\":\"AllergyIntolerance\",\"patient\":{\"reference\":\"Patient/p1\"}}");
    YES("Immunization", "patient=p1&vaccine-code=140", "{\"resourceType\":\"Immunization\",\"patient\":{\"reference\":\"Patient/p1\"},\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\"}]}}");
    YES("Immunization", "code=http://hl7.org/fhir/sid/cvx%7C140", "{\"resourceType\":\"Immunization\",\"vaccineCode\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":\"140\"}]}}");
    YES("Appointment", "patient=p1", "{\"resourceType\":\"Appointment\",\"participant\":[{\"actor\":{\"reference\":\"Practitioner/d1\"}},{\"actor\":{\"reference\":\"Patient/p1\"}}]}");
    NO("Appointment", "patient=d1", "{\"resourceType\":\"Appointment\",\"participant\":[{\"actor\":{\"reference\":\"Practitioner/d1\"}},{\"actor\":{\"reference\":\"Patient/p1\"}}]}");
    YES("AuditEvent", "patient=p1", "{\"resourceType\":\"AuditEvent\",\"entity\":[{\"what\":{\"reference\":\"Patient/p1\"}}]}");
    YES("AuditEvent", "patient=p1", "{\"resourceType\":\"AuditEvent\",\"agent\":[{\"who\":{\"reference\":\"Patient/p1\"}}]}");
    YES("Consent", "patient=p1&status=active", "{\"resourceType\":\"Consent\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/p1\"}}");

    /* AllergyIntolerance: category is a code array, code covers the substance too */
    {
        const char *ai = "{\"resourceType\":\"AllergyIntolerance\",\"category\":[\"food\",\"medication\"],"
                         "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical\",\"code\":\"active\"}]},"
                         "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"91936005\"}]},"
                         "\"reaction\":[{\"substance\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"7980\"}]}}]}";
        YES("AllergyIntolerance", "category=medication", ai);
        NO("AllergyIntolerance", "category=environment", ai);
        YES("AllergyIntolerance", "code=7980", ai);
        YES("AllergyIntolerance", "code=91936005", ai);
        YES("AllergyIntolerance", "clinical-status=active", ai);
        NO("AllergyIntolerance", "clinical-status=resolved", ai);
    }
    YES("MedicationRequest", "code=http://www.nlm.nih.gov/research/umls/rxnorm%7C313782&status=active", "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"313782\"}]}}");
    NO("MedicationRequest", "code=313782", "{\"resourceType\":\"MedicationRequest\",\"medicationReference\":{\"reference\":\"Medication/313782\"}}");
}

/* ---- sorting and paging ------------------------------------------------------ */

/* Strings (R4 3.1.1.4.13): folded prefix by default, :contains anywhere,
 * :exact as written; HumanName parts; Identifier, Coding and boolean
 * tokens; the other references; a type's own date parameter. */
static void test_strings_and_more(void)
{
    const char *pat = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"gender\":\"female\",\"active\":true,"
                      "\"birthDate\":\"1984-07-02\",\"identifier\":[{\"system\":\"urn:oid:2.16.840.1.113883.4.1\","
                      "\"value\":\"999-12-3456\"},{\"value\":\"local-7\"}],\"name\":[{\"use\":\"official\","
                      "\"family\":\"Müller-Lüdenscheidt\",\"given\":[\"Zoë\",\"Ann\"],\"prefix\":[\"Dr.\"]},"
                      "{\"text\":\"Straße Smith\"}],\"address\":[{\"city\":\"São Paulo\",\"postalCode\":\"01310-100\"}],"
                      "\"generalPractitioner\":[{\"reference\":\"Practitioner/gp-4\"}]}";
    const char *enc = "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"class\":{\"system\":"
                      "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"},\"serviceProvider\":"
                      "{\"reference\":\"urn:uuid:0a1b\"},\"participant\":[{\"individual\":{\"reference\":"
                      "\"Practitioner/pr-9\"}}]}";
    const char *goal = "{\"resourceType\":\"Goal\",\"id\":\"g1\",\"lifecycleStatus\":\"active\",\"startDate\":"
                       "\"2020-05-01\",\"target\":[{\"dueDate\":\"2021-01-01\"}],\"subject\":{\"reference\":\"Patient/p1\"}}";

    /* default: case and accents folded on both sides, a prefix of one part */
    YES("Patient", "family=muller", pat);
    YES("Patient", "family=MÜLLER-L", pat);
    YES("Patient", "family=Mu%CC%88ller", pat); /* u + combining diaeresis */
    NO("Patient", "family=ludenscheidt", pat);  /* not a prefix */
    YES("Patient", "given=zoe", pat);
    YES("Patient", "given=an", pat);
    NO("Patient", "given=dr", pat);
    YES("Patient", "name=dr", pat);             /* name covers prefix */
    YES("Patient", "name=strasse", pat);        /* and text; ß folds to ss */
    YES("Patient", "name=ann", pat);
    NO("Patient", "name=smith", pat);           /* prefix of the whole text only */
    YES("Patient", "name:contains=smith", pat);
    YES("Patient", "family:contains=LUDEN", pat);
    NO("Patient", "family:contains=lueden", pat);
    YES("Patient", "family:exact=M%C3%BCller-L%C3%BCdenscheidt", pat);
    NO("Patient", "family:exact=muller-ludenscheidt", pat);
    NO("Patient", "family:exact=M%C3%BCller", pat);
    YES("Patient", "name=xyz,zo", pat);          /* OR */
    NO("Patient", "name=zo&name=xyz", pat);      /* AND */
    YES("Patient", "address-city=sao%20p", pat);
    YES("Patient", "address-postalcode=01310", pat);
    NO("Patient", "address-state=sp", pat);      /* no such element */

    /* an element longer than the matcher's stack buffer, and one that grows
     * when folded (U+FDFA decomposes into 18 characters) */
    {
        char doc[4200], qs[64];
        size_t o = (size_t)snprintf(doc, sizeof doc, "{\"resourceType\":\"DocumentReference\",\"id\":\"d1\",\"description\":\"");
        for (int k = 0; k < 1000; k++) doc[o++] = 'a';
        o += (size_t)snprintf(doc + o, sizeof doc - o, "Z\\u00e9d\"}");
        YES("DocumentReference", "description:contains=zed", doc);
        NO("DocumentReference", "description:contains=zedx", doc);
        o = (size_t)snprintf(doc, sizeof doc, "{\"resourceType\":\"DocumentReference\",\"id\":\"d1\",\"description\":\"");
        for (int k = 0; k < 120; k++) o += (size_t)snprintf(doc + o, sizeof doc - o, "\\ufdfa");
        snprintf(doc + o, sizeof doc - o, "end\"}");
        snprintf(qs, sizeof qs, "description:contains=end");
        YES("DocumentReference", qs, doc);
    }

    /* tokens on Identifier, code and boolean */
    YES("Patient", "identifier=999-12-3456", pat);
    YES("Patient", "identifier=urn:oid:2.16.840.1.113883.4.1|999-12-3456", pat);
    YES("Patient", "identifier=urn:oid:2.16.840.1.113883.4.1|", pat);
    NO("Patient", "identifier=urn:oid:9|999-12-3456", pat);
    YES("Patient", "identifier=|local-7", pat);
    NO("Patient", "identifier=|999-12-3456", pat);
    NO("Patient", "identifier=999", pat);
    YES("Patient", "gender=female", pat);
    NO("Patient", "gender=male", pat);
    YES("Patient", "active=true", pat);
    NO("Patient", "active=false", pat);
    NO("Patient", "active=1", pat);
    YES("Patient", "birthdate=1984", pat);
    YES("Patient", "birthdate=lt1985-01-01", pat);
    NO("Patient", "birthdate=1984-07-03", pat);
    YES("Patient", "general-practitioner=Practitioner/gp-4", pat);
    YES("Patient", "general-practitioner=gp-4", pat);
    NO("Patient", "general-practitioner=Organization/gp-4", pat);

    /* a Coding, and references other than the patient's */
    YES("Encounter", "class=AMB", enc);
    YES("Encounter", "class=http://terminology.hl7.org/CodeSystem/v3-ActCode|AMB", enc);
    NO("Encounter", "class=http://loinc.org|AMB", enc);
    YES("Encounter", "service-provider=Organization/0a1b", enc); /* urn:uuid names any type */
    YES("Encounter", "participant=Practitioner/pr-9", enc);
    NO("Encounter", "participant=pr-8", enc);

    /* :missing (a value or none) and a token's :not (none of the values
     * matches, or there is no value) */
    YES("Patient", "death-date:missing=true", pat);
    NO("Patient", "death-date:missing=false", pat);
    YES("Patient", "gender:missing=false&identifier:missing=false&name:missing=false", pat);
    NO("Patient", "gender:missing=true", pat);
    YES("Patient", "gender:not=male", pat);
    NO("Patient", "gender:not=female", pat);
    NO("Patient", "gender:not=male,female", pat);
    YES("Patient", "identifier:not=urn:x|999-12-3456", pat);
    NO("Patient", "identifier:not=999-12-3456", pat);
    NO("Encounter", "class:not=AMB", enc);
    YES("Encounter", "type:not=x", enc);                /* no type at all */
    YES("Encounter", "type:missing=true&service-provider:missing=false", enc);
    YES("Goal", "target-date:missing=false&achievement-status:missing=true", goal);
    YES("Condition", "date:missing=false", "{\"resourceType\":\"Condition\",\"id\":\"c\",\"recordedDate\":\"2020\"}");
    YES("Condition", "date:missing=true", "{\"resourceType\":\"Condition\",\"id\":\"c\"}");

    /* _tag and _security: Codings of meta, on every type */
    {
        const char *tagged = "{\"resourceType\":\"Goal\",\"id\":\"g2\",\"meta\":{\"tag\":[{\"system\":\"urn:t\","
                             "\"code\":\"imported\"}],\"security\":[{\"system\":"
                             "\"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\",\"code\":\"R\"}]}}";
        YES("Goal", "_tag=urn:t|imported", tagged);
        YES("Goal", "_tag=imported", tagged);
        NO("Goal", "_tag=urn:u|imported", tagged);
        YES("Goal", "_security=R", tagged);
        NO("Goal", "_security=N", tagged);
        NO("Goal", "_tag=imported", goal);
    }

    /* a type whose date has R4's own name */
    YES("Goal", "lifecycle-status=active", goal);
    YES("Goal", "start-date=2020-05", goal);
    YES("Goal", "target-date=ge2020-12-31", goal);
    NO("Goal", "target-date=lt2020-12-31", goal);
    CHECK(m("Goal", "date=2020", goal) == -1 && err.code == CK_FHIR_API_E_NOT_SUPPORTED, "Goal has no date");
}

/* The keys "Type/id" of arr's resources, joined with spaces. */
static void keys_of(const json_t *arr, char *buf, size_t cap)
{
    size_t i, o = 0;
    buf[0] = 0;
    for (i = 0; i < json_array_size(arr) && o < cap; i++) {
        const json_t *r = json_array_get(arr, i);
        o += (size_t)snprintf(buf + o, cap - o, "%s%s/%s", i ? " " : "", json_string_value(json_object_get(r, "resourceType")),
                              json_string_value(json_object_get(r, "id")));
    }
}

/* ck_fhir_api_includes against a small pool: what a page names (typed and
 * urn:uuid references, a Target), what names the page, nothing twice and
 * nothing of the page itself. */
static void test_includes(void)
{
    json_t *pool = J("{"
        "\"Encounter/e1\":{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"serviceProvider\":{\"reference\":\"urn:uuid:o1\"},"
        "  \"participant\":[{\"individual\":{\"reference\":\"Practitioner/pr1\"}},{\"individual\":{\"reference\":\"Practitioner/gone\"}}]},"
        "\"Encounter/e2\":{\"resourceType\":\"Encounter\",\"id\":\"e2\",\"partOf\":{\"reference\":\"Encounter/e1\"},"
        "  \"serviceProvider\":{\"reference\":\"Organization/o1\"}},"
        "\"Organization/o1\":{\"resourceType\":\"Organization\",\"id\":\"o1\"},"
        "\"Practitioner/pr1\":{\"resourceType\":\"Practitioner\",\"id\":\"pr1\"},"
        "\"Observation/ob1\":{\"resourceType\":\"Observation\",\"id\":\"ob1\",\"encounter\":{\"reference\":\"Encounter/e1\"}},"
        "\"Observation/ob2\":{\"resourceType\":\"Observation\",\"id\":\"ob2\",\"encounter\":{\"reference\":\"urn:uuid:e1\"}},"
        "\"Observation/ob3\":{\"resourceType\":\"Observation\",\"id\":\"ob3\",\"encounter\":{\"reference\":\"Encounter/e2\"}},"
        "\"Observation/ob4\":{\"resourceType\":\"Observation\",\"id\":\"ob4\",\"encounter\":{\"reference\":\"Condition/e1\"}}}");
    json_t *page = json_array(), *out = NULL;
    char got[512];
    ck_fhir_api_query q;
    static const struct {
        const char *qs, *want;
    } cases[] = {
        {"_include=Encounter:service-provider", "Organization/o1"},
        {"_include=Encounter:participant", "Practitioner/pr1"},
        {"_include=Encounter:participant:Organization", ""},
        {"_include=Encounter:service-provider:Organization&_include=Encounter:participant:Practitioner",
         "Organization/o1 Practitioner/pr1"},
        {"_revinclude=Observation:encounter", "Observation/ob1 Observation/ob2"},
        {"_revinclude=Observation:encounter:Encounter", "Observation/ob1 Observation/ob2"},
        {"_revinclude=Encounter:part-of", "Encounter/e2"},
        {"_revinclude=Encounter:part-of&_include=Encounter:service-provider&_revinclude=Observation:encounter",
         "Encounter/e2 Organization/o1 Observation/ob1 Observation/ob2"},
        {"_include=Encounter:service-provider&_include=Encounter:service-provider", "Organization/o1"},
        {"patient=p1", ""},
    };
    size_t i;
    json_array_append(page, json_object_get(pool, "Encounter/e1"));
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(ck_fhir_api_query_parse(&q, "Encounter", cases[i].qs, strlen(cases[i].qs), &err) == 0, "%s", cases[i].qs);
        CHECK(ck_fhir_api_includes(&out, &q, page, pool, &err) == 0 && out, "includes %s", cases[i].qs);
        keys_of(out, got, sizeof got);
        CHECK(strcmp(got, cases[i].want) == 0, "%s: got '%s', want '%s'", cases[i].qs, got, cases[i].want);
        json_decref(out);
    }
    /* a page resource is never included again */
    json_array_append(page, json_object_get(pool, "Encounter/e2"));
    CHECK(ck_fhir_api_query_parse(&q, "Encounter", "_revinclude=Encounter:part-of&_revinclude=Observation:encounter",
                                  strlen("_revinclude=Encounter:part-of&_revinclude=Observation:encounter"), &err) == 0 &&
              ck_fhir_api_includes(&out, &q, page, pool, &err) == 0,
          "two on the page");
    keys_of(out, got, sizeof got);
    CHECK(strcmp(got, "Observation/ob1 Observation/ob2 Observation/ob3") == 0, "page not repeated: %s", got);
    json_decref(out);
    CHECK(ck_fhir_api_includes(&out, &q, pool, pool, &err) == -1 && err.code == CK_FHIR_API_E_ARG && !out, "bad page");
    CHECK(ck_fhir_api_includes(NULL, &q, page, pool, &err) == -1, "no out");
    json_decref(page);
    json_decref(pool);
}

static json_t *make_set(size_t n)
{
    json_t *arr = json_array();
    size_t i;
    char buf[256];
    uint32_t x = 12345;
    for (i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        /* every 7th without a date, several sharing one day, a few periods */
        if (i % 7 == 3)
            snprintf(buf, sizeof buf, "{\"resourceType\":\"Observation\",\"id\":\"o%03zu\"}", (n - i) % 50);
        else if (i % 5 == 1)
            snprintf(buf, sizeof buf,
                     "{\"resourceType\":\"Observation\",\"id\":\"o%03zu\",\"effectivePeriod\":{\"start\":\"2024-0%u-10\"%s}}",
                     i, 1 + (x >> 8) % 9, (i % 2) ? "" : ",\"end\":\"2024-10-01\"");
        else
            snprintf(buf, sizeof buf, "{\"resourceType\":\"Observation\",\"id\":\"o%03zu\",\"effectiveDateTime\":\"2024-0%u-%02u\"}",
                     i, 1 + (x >> 8) % 9, 10 + (x >> 16) % 3);
        json_array_append_new(arr, J(buf));
    }
    return arr;
}

static void range_of(const json_t *r, int64_t *lo, int64_t *hi, int *has)
{
    const json_t *d = json_object_get(r, "effectiveDateTime"), *p = json_object_get(r, "effectivePeriod");
    int64_t l2, h2;
    *has = 0;
    if (d) {
        *has = ck_fhir_api_date_range(json_string_value(d), json_string_length(d), lo, hi, NULL) == 0;
    } else if (p) {
        const json_t *s = json_object_get(p, "start"), *e = json_object_get(p, "end");
        *has = 1;
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        if (s && ck_fhir_api_date_range(json_string_value(s), json_string_length(s), lo, &h2, NULL) != 0) *has = 0;
        if (e && ck_fhir_api_date_range(json_string_value(e), json_string_length(e), &l2, hi, NULL) != 0) *has = 0;
    }
}

static const char *id_of(const json_t *r)
{
    return json_string_value(json_object_get(r, "id"));
}

static void check_order(const json_t *arr, int desc, const char *what)
{
    size_t i;
    int seen_missing = 0;
    for (i = 0; i + 1 < json_array_size(arr); i++) {
        const json_t *a = json_array_get(arr, i), *b = json_array_get(arr, i + 1);
        int64_t al, ah, bl, bh;
        int ha, hb;
        range_of(a, &al, &ah, &ha);
        range_of(b, &bl, &bh, &hb);
        if (!ha) seen_missing = 1;
        CHECK(!(seen_missing && hb), "%s: a dated resource after an undated one at %zu", what, i);
        if (ha && hb) {
            int64_t ka = desc ? ah : al, kb = desc ? bh : bl;
            CHECK(desc ? ka >= kb : ka <= kb, "%s: out of order at %zu", what, i);
            if (ka == kb) CHECK(strcmp(id_of(a), id_of(b)) <= 0, "%s: tie not by id at %zu", what, i);
        }
        if (!ha && !hb) CHECK(strcmp(id_of(a), id_of(b)) <= 0, "%s: undated not by id at %zu", what, i);
    }
}

static ck_fhir_api_query Q(const char *type, const char *qs)
{
    ck_fhir_api_query q;
    if (ck_fhir_api_query_parse(&q, type, qs, strlen(qs), &err) != 0) {
        fprintf(stderr, "query %s refused: %s\n", qs, err.msg);
        abort();
    }
    return q;
}

static void test_sort_page(void)
{
    json_t *set = make_set(73), *a, *b;
    ck_fhir_api_query q;
    size_t first, n, i, total;

    q = Q("Observation", "");
    CHECK(ck_fhir_api_search(&a, &q, set, &err) == 0 && json_array_size(a) == 73, "all match");
    check_order(a, 0, "default (date ascending)");
    /* stable and idempotent: sorting the sorted gives the same */
    b = json_deep_copy(a);
    CHECK(ck_fhir_api_sort_array(b, &q, &err) == 0 && json_equal(a, b), "idempotent");
    json_decref(b);
    /* order does not depend on the input order */
    b = json_array();
    for (i = json_array_size(set); i-- > 0;) json_array_append(b, json_array_get(set, i));
    CHECK(ck_fhir_api_sort_array(b, &q, &err) == 0 && json_equal(a, b), "input order does not matter");
    json_decref(b);
    json_decref(a);

    q = Q("Observation", "_sort=-date");
    CHECK(ck_fhir_api_search(&a, &q, set, &err) == 0, "search");
    check_order(a, 1, "date descending");
    /* open periods are the latest in a descending sort */
    {
        const json_t *p = json_object_get(json_array_get(a, 0), "effectivePeriod");
        CHECK(p && !json_object_get(p, "end"), "an ongoing period first");
    }

    /* paging: the pages put together are the whole list, each once */
    total = json_array_size(a);
    for (i = 1; i <= 11; i += 5) {
        size_t off = 0, got = 0;
        while (off <= total) {
            char qs[64];
            snprintf(qs, sizeof qs, "_sort=-date&_count=%zu&_offset=%zu", i, off);
            q = Q("Observation", qs);
            ck_fhir_api_page(&q, total, 0, &first, &n);
            CHECK(first == off || (off > total && first == total), "first");
            CHECK(n == (total - first < i ? total - first : i), "n");
            got += n;
            if (n == 0) break;
            off += n;
        }
        CHECK(got == total, "pages of %zu cover %zu of %zu", i, got, total);
    }
    q = Q("Observation", "_offset=500");
    ck_fhir_api_page(&q, total, 0, &first, &n);
    CHECK(first == total && n == 0, "past the end");
    q = Q("Observation", "");
    ck_fhir_api_page(&q, 120, 0, &first, &n);
    CHECK(first == 0 && n == CK_FHIR_API_COUNT_DEFAULT, "default page size");
    ck_fhir_api_page(&q, 120, 7, &first, &n);
    CHECK(first == 0 && n == 7, "the caller's default");
    ck_fhir_api_page(&q, 5000, 4000, &first, &n);
    CHECK(n == CK_FHIR_API_COUNT_MAX, "bounded page");
    q = Q("Observation", "_count=3");
    ck_fhir_api_page(&q, 120, 7, &first, &n);
    CHECK(n == 3, "_count wins");
    json_decref(a);

    /* _id and multiple keys */
    q = Q("Observation", "_sort=_id");
    CHECK(ck_fhir_api_search(&a, &q, set, &err) == 0, "search");
    for (i = 0; i + 1 < json_array_size(a); i++)
        CHECK(strcmp(id_of(json_array_get(a, i)), id_of(json_array_get(a, i + 1))) <= 0, "_id order at %zu", i);
    json_decref(a);
    q = Q("Observation", "_sort=-_id");
    CHECK(ck_fhir_api_search(&a, &q, set, &err) == 0, "search");
    for (i = 0; i + 1 < json_array_size(a); i++)
        CHECK(strcmp(id_of(json_array_get(a, i)), id_of(json_array_get(a, i + 1))) >= 0, "-_id order at %zu", i);
    json_decref(a);

    /* filtering keeps the order rules */
    q = Q("Observation", "date=ge2024-05&_sort=date");
    CHECK(ck_fhir_api_search(&a, &q, set, &err) == 0 && json_array_size(a) > 0 && json_array_size(a) < 73,
          "a filtered search: %zu", json_array_size(a));
    check_order(a, 0, "filtered");
    for (i = 0; i < json_array_size(a); i++) CHECK(ck_fhir_api_match(&q, json_array_get(a, i)), "matches");
    json_decref(a);

    /* _lastUpdated, ties broken by id then position */
    {
        json_t *s2 = J("[{\"resourceType\":\"Patient\",\"id\":\"b\",\"meta\":{\"lastUpdated\":\"2024-01-02T00:00:00.000Z\"}},"
                       "{\"resourceType\":\"Patient\",\"id\":\"a\",\"meta\":{\"lastUpdated\":\"2024-01-02T00:00:00.000Z\"}},"
                       "{\"resourceType\":\"Patient\",\"id\":\"c\"},"
                       "{\"resourceType\":\"Patient\",\"id\":\"d\",\"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00.000Z\"}}]");
        const char *want_asc = "dabc", *want_desc = "abdc";
        q = Q("Patient", "_sort=_lastUpdated");
        CHECK(ck_fhir_api_sort_array(s2, &q, &err) == 0, "sort");
        for (i = 0; i < 4; i++) CHECK(id_of(json_array_get(s2, i))[0] == want_asc[i], "_lastUpdated asc %zu", i);
        q = Q("Patient", "_sort=-_lastUpdated");
        CHECK(ck_fhir_api_sort_array(s2, &q, &err) == 0, "sort");
        for (i = 0; i < 4; i++) CHECK(id_of(json_array_get(s2, i))[0] == want_desc[i], "_lastUpdated desc %zu", i);
        q = Q("Patient", "");
        CHECK(ck_fhir_api_sort_array(s2, &q, &err) == 0, "sort");
        for (i = 0; i < 4; i++) CHECK(id_of(json_array_get(s2, i))[0] == "abcd"[i], "Patient by id %zu", i);
        json_decref(s2);
    }
    CHECK(ck_fhir_api_sort_array(set, NULL, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL query");
    q = Q("Observation", "");
    CHECK(ck_fhir_api_sort_array(NULL, &q, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL array");
    json_decref(set);
}

int main(void)
{
    test_strings_and_more();
    test_includes();
    test_dates();
    test_tokens_refs();
    test_sort_page();
    TEST_MAIN_END();
}
