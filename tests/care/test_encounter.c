/* tests/care/test_encounter.c - admissions, discharges, visits, the bed
 * checks on a ledger, the census and the discharge summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_test_util.h"
#include "harness.h"

#define s_at care_test_path
#define T care_test_time

static int eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static json_t *units(void)
{
    return json_loads("[{\"org\":\"hosp-a\",\"name\":\"ward-1\",\"kind\":\"ward\",\"display_name\":\"Ward 1\",\"beds\":4},"
                      "{\"org\":\"hosp-a\",\"name\":\"ward-2\",\"kind\":\"ward\",\"display_name\":\"Ward 2\",\"beds\":1},"
                      "{\"org\":\"hosp-a\",\"name\":\"cardio\",\"kind\":\"department\",\"display_name\":\"Cardiology\"},"
                      "{\"org\":\"hosp-a\",\"name\":\"or-1\",\"kind\":\"theatre\",\"display_name\":\"OR 1\"}]",
                      0, NULL);
}

static json_t *item(json_t *resource, int seq)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "section", "ward", "type", "Encounter", "id",
                     json_string_value(json_object_get(resource, "id")), "author", "clerk", "time", (json_int_t)0,
                     "seq", (json_int_t)seq, "resource", resource);
}

/* Replaces the item of the same id (the latest version) or appends. */
static void put_item(json_t *items, json_t *resource)
{
    const char *id = json_string_value(json_object_get(resource, "id"));
    json_t *it;
    size_t i;
    json_array_foreach(items, i, it)
        if (eq(json_string_value(json_object_get(it, "id")), id)) {
            json_array_set_new(items, i, item(resource, (int)i + 1));
            return;
        }
    json_array_append_new(items, item(resource, (int)json_array_size(items) + 1));
}

static ck_care_encounter_in admission(const char *patient, const char *ward, unsigned bed, const char *at)
{
    ck_care_encounter_in in;
    memset(&in, 0, sizeof in);
    in.patient = patient;
    in.author = "clerk-a";
    in.org = "hosp-a";
    in.ward = ward;
    in.bed = bed;
    in.at_ms = T(at);
    return in;
}

static void test_admit_build(void)
{
    ck_care_error err;
    ck_care_encounter_in in = admission("p1", "ward-1", 3, "2026-11-24T09:30:00Z");
    const char *w = NULL;
    unsigned b = 0;
    json_t *e;
    in.reason = "chest pain";
    in.reason_code = "29857009";
    e = ck_care_encounter_admit(&in, &err);
    CHECK(e != NULL, "admit builds: %s", err.msg);
    CHECK(eq(s_at(e, "resourceType"), "Encounter"), "type");
    CHECK(strlen(s_at(e, "id")) == 36, "fresh uuid id");
    CHECK(eq(s_at(e, "status"), "in-progress"), "status");
    CHECK(eq(s_at(e, "class.code"), "IMP"), "class IMP");
    CHECK(eq(s_at(e, "class.system"), "http://terminology.hl7.org/CodeSystem/v3-ActCode"), "class system");
    CHECK(eq(s_at(e, "subject.reference"), "Patient/p1"), "subject");
    CHECK(eq(s_at(e, "participant.0.individual.reference"), "Practitioner/clerk-a"), "participant");
    CHECK(eq(s_at(e, "serviceProvider.reference"), "Organization/hosp-a"), "provider");
    CHECK(eq(s_at(e, "period.start"), "2026-11-24T09:30:00Z"), "start");
    CHECK(s_at(e, "period.end") == NULL, "no end");
    CHECK(eq(s_at(e, "location.0.location.reference"), "Location/ward-1"), "ward location");
    CHECK(eq(s_at(e, "location.1.location.reference"), "Location/ward-1-bed-3"), "bed location");
    CHECK(eq(s_at(e, "reasonCode.0.coding.0.code"), "29857009"), "reason code");
    CHECK(eq(s_at(e, "reasonCode.0.text"), "chest pain"), "reason text");
    CHECK(ck_care_encounter_place(e, &w, &b) == 0 && eq(w, "ward-1") && b == 3, "place round trip");
    CHECK(ck_care_encounter_is_admitted(e), "admitted");
    json_decref(e);

    in.id = "enc-1";
    e = ck_care_encounter_admit(&in, &err);
    CHECK(e && eq(s_at(e, "id"), "enc-1"), "given id kept");
    json_decref(e);
}

static void test_admit_bad_input(void)
{
    ck_care_error err;
    ck_care_encounter_in in;
    json_t *e;
#define BAD(field, value, what)                                         \
    do {                                                                \
        in = admission("p1", "ward-1", 2, "2026-11-24T09:30:00Z");      \
        in.field = value;                                               \
        memset(&err, 0, sizeof err);                                    \
        e = ck_care_encounter_admit(&in, &err);                         \
        CHECK(e == NULL && eq(err.code, "bad_input"), "refuses %s", what); \
        json_decref(e);                                                 \
    } while (0)
    BAD(patient, NULL, "no patient");
    BAD(patient, "p/1", "slash in patient");
    BAD(patient, "", "empty patient");
    BAD(author, NULL, "no author");
    BAD(org, "hosp a", "space in org");
    BAD(ward, NULL, "no ward");
    BAD(ward, "../x", "path ward");
    BAD(bed, 0, "bed 0");
    BAD(bed, 100001, "huge bed");
    BAD(reason_code, "12ab56", "non-numeric SNOMED");
    BAD(reason_code, "12345", "short SNOMED");
    BAD(reason_code, "012345", "leading zero SNOMED");
    BAD(reason, "", "empty reason");
    BAD(at_ms, 0, "no time");
    BAD(id, "a b", "bad id");
#undef BAD
    CHECK(ck_care_encounter_admit(NULL, &err) == NULL, "NULL input");
}

static void test_visits(void)
{
    ck_care_error err;
    ck_care_encounter_in in = admission("p1", NULL, 0, "2026-11-24T10:00:00Z");
    json_t *e;
    in.department = "cardio";
    e = ck_care_encounter_visit(&in, 0, &err);
    CHECK(e && eq(s_at(e, "class.code"), "AMB") && eq(s_at(e, "status"), "finished"), "outpatient AMB finished");
    CHECK(e && eq(s_at(e, "serviceType.coding.0.code"), "cardio"), "department in serviceType");
    CHECK(e && eq(s_at(e, "period.end"), "2026-11-24T10:00:00Z"), "visit end = start");
    CHECK(e && !ck_care_encounter_is_admitted(e), "a visit is no admission");
    CHECK(e && s_at(e, "location.0.location.reference") == NULL, "no bed");
    json_decref(e);
    in.department = NULL;
    e = ck_care_encounter_visit(&in, 0, &err);
    CHECK(e == NULL && eq(err.code, "bad_input"), "outpatient needs a department");
    e = ck_care_encounter_visit(&in, 1, &err);
    CHECK(e && eq(s_at(e, "class.code"), "EMER") && s_at(e, "serviceType") == NULL, "emergency without department");
    json_decref(e);
    in.department = "bad dept";
    e = ck_care_encounter_visit(&in, 1, &err);
    CHECK(e == NULL && eq(err.code, "bad_input"), "bad department name");
}

static void test_discharge(void)
{
    ck_care_error err;
    ck_care_encounter_in in = admission("p1", "ward-1", 1, "2026-11-24T09:30:00Z");
    json_t *a = ck_care_encounter_admit(&in, &err), *d, *d2, *v, *doc, *none = json_object();
    d = ck_care_encounter_discharge(a, T("2026-11-27T15:00:00Z"), "home", &err);
    CHECK(d != NULL, "discharge builds: %s", err.msg);
    CHECK(eq(s_at(d, "id"), s_at(a, "id")), "same id (a new version)");
    CHECK(eq(s_at(d, "status"), "finished"), "finished");
    CHECK(eq(s_at(d, "period.start"), "2026-11-24T09:30:00Z"), "start kept");
    CHECK(eq(s_at(d, "period.end"), "2026-11-27T15:00:00Z"), "end set");
    CHECK(eq(s_at(d, "hospitalization.dischargeDisposition.coding.0.code"), "home"), "disposition");
    CHECK(eq(s_at(d, "location.1.status"), "completed"), "bed completed");
    CHECK(eq(s_at(a, "status"), "in-progress"), "prev untouched");
    d2 = ck_care_encounter_discharge(d, T("2026-11-28T00:00:00Z"), "home", &err);
    CHECK(d2 == NULL && eq(err.code, "not_admitted"), "cannot discharge twice");
    CHECK(ck_care_encounter_discharge(a, T("2026-11-24T09:29:59Z"), "home", &err) == NULL && eq(err.code, "bad_time"),
          "discharge before admission refused");
    d2 = ck_care_encounter_discharge(a, T("2026-11-24T09:30:00Z"), "other-hcf", &err);
    CHECK(d2 != NULL, "same instant ok");
    json_decref(d2);
    CHECK(ck_care_encounter_discharge(a, T("2026-11-25T00:00:00Z"), "garden", &err) == NULL &&
              eq(err.code, "bad_input"), "unknown disposition");
    CHECK(ck_care_encounter_discharge(a, T("2026-11-25T00:00:00Z"), NULL, &err) == NULL, "no disposition");
    CHECK(ck_care_disposition_valid("other-hcf") && ck_care_disposition_valid("home"), "dispositions");
    CHECK(!ck_care_disposition_valid("garden") && !ck_care_disposition_valid(NULL) && !ck_care_disposition_valid(""),
          "bad dispositions");
    v = ck_care_encounter_void(a, &err);
    CHECK(v && eq(s_at(v, "status"), "entered-in-error") && eq(s_at(v, "id"), s_at(a, "id")), "void");
    CHECK(ck_care_encounter_void(none, &err) == NULL, "void needs an Encounter");

    doc = ck_care_discharge_summary(d, "dr-a", "Recovered. Follow up in 2 weeks.", T("2026-11-27T15:00:00Z"), &err);
    CHECK(doc != NULL, "summary builds: %s", err.msg);
    CHECK(eq(s_at(doc, "resourceType"), "DocumentReference"), "DocumentReference");
    CHECK(eq(s_at(doc, "type.coding.0.code"), "18842-5") && eq(s_at(doc, "type.coding.0.system"), "http://loinc.org"),
          "LOINC discharge summary");
    CHECK(eq(s_at(doc, "subject.reference"), "Patient/p1"), "summary subject");
    CHECK(eq(s_at(doc, "author.0.reference"), "Practitioner/dr-a"), "summary author");
    {
        char ref[64];
        snprintf(ref, sizeof ref, "Encounter/%s", s_at(a, "id"));
        CHECK(eq(s_at(doc, "context.encounter.0.reference"), ref), "summary context");
    }
    /* "Recovered. Follow up in 2 weeks." in base64 */
    CHECK(eq(s_at(doc, "content.0.attachment.data"), "UmVjb3ZlcmVkLiBGb2xsb3cgdXAgaW4gMiB3ZWVrcy4="), "base64 text");
    json_decref(doc);
    doc = ck_care_discharge_summary(d, "dr-a", "ab", T("2026-11-27T15:00:00Z"), &err);
    CHECK(eq(s_at(doc, "content.0.attachment.data"), "YWI="), "base64 padding");
    json_decref(doc);
    CHECK(ck_care_discharge_summary(d, "dr-a", "", 1, &err) == NULL, "empty summary refused");
    CHECK(ck_care_discharge_summary(none, "dr-a", "x", 1, &err) == NULL, "summary needs an Encounter");
    json_decref(none);
    json_decref(a);
    json_decref(d);
    json_decref(v);
}

static void test_bed_checks(void)
{
    ck_care_error err;
    json_t *u = units(), *items = json_array(), *a1, *a2, *census, *row;
    ck_care_encounter_in in;
    int64_t t0 = T("2026-11-24T09:00:00Z");

    CHECK(ck_care_bed_check(items, u, "ward-1", 1, t0, "p1", &err) == 0, "empty ward: free");
    CHECK(ck_care_bed_check(items, u, "ward-9", 1, t0, "p1", &err) == -1 && eq(err.code, "no_such_ward"), "no ward");
    CHECK(ck_care_bed_check(items, u, "cardio", 1, t0, "p1", &err) == -1 && eq(err.code, "no_such_ward"),
          "a department is not a ward");
    CHECK(ck_care_bed_check(items, u, "ward-1", 0, t0, "p1", &err) == -1 && eq(err.code, "bed_out_of_range"), "bed 0");
    CHECK(ck_care_bed_check(items, u, "ward-1", 5, t0, "p1", &err) == -1 && eq(err.code, "bed_out_of_range"), "bed 5 of 4");
    CHECK(ck_care_bed_check(items, u, "ward-1", 4, t0, "p1", &err) == 0, "bed 4 of 4");
    CHECK(ck_care_bed_check(items, u, "ward-1", 1, 0, "p1", &err) == -1 && eq(err.code, "bad_input"), "no time");
    CHECK(ck_care_bed_check(NULL, u, "ward-1", 1, t0, "p1", &err) == -1 && eq(err.code, "bad_input"), "no items");

    in = admission("p1", "ward-1", 2, "2026-11-24T09:00:00Z");
    a1 = ck_care_encounter_admit(&in, &err);
    put_item(items, json_incref(a1));
    CHECK(ck_care_bed_check(items, u, "ward-1", 2, T("2026-11-25T00:00:00Z"), "p2", &err) == -1 &&
              eq(err.code, "bed_taken"), "bed taken by p1");
    CHECK(ck_care_bed_check(items, u, "ward-1", 2, T("2026-11-01T00:00:00Z"), "p2", &err) == -1 &&
              eq(err.code, "bed_taken"), "an open stay holds the bed for earlier times too");
    CHECK(ck_care_bed_check(items, u, "ward-1", 3, t0, "p2", &err) == 0, "other bed free");
    CHECK(ck_care_bed_check(items, u, "ward-2", 1, t0, "p1", &err) == -1 && eq(err.code, "already_admitted"),
          "p1 already admitted");
    CHECK(ck_care_admission_of(items, "p1") != NULL && ck_care_admission_of(items, "p2") == NULL, "admission_of");

    /* the census */
    in = admission("p3", "ward-1", 1, "2026-11-24T11:00:00Z");
    a2 = ck_care_encounter_admit(&in, &err);
    put_item(items, json_incref(a2));
    census = ck_care_census(items);
    CHECK(json_array_size(census) == 2, "two inpatients");
    row = json_array_get(census, 0);
    CHECK(eq(s_at(row, "patient"), "p3") && json_integer_value(json_object_get(row, "bed")) == 1, "sorted by bed");
    CHECK(eq(s_at(row, "since"), "2026-11-24T11:00:00Z") && eq(s_at(row, "ward"), "ward-1"), "since, ward");
    CHECK(eq(s_at(json_array_get(census, 1), "encounter"), s_at(a1, "id")), "encounter id in census");
    json_decref(census);

    /* discharge frees the bed after period.end, not before */
    put_item(items, ck_care_encounter_discharge(a1, T("2026-11-26T12:00:00Z"), "home", &err));
    CHECK(ck_care_admission_of(items, "p1") == NULL, "p1 discharged");
    CHECK(ck_care_bed_check(items, u, "ward-1", 2, T("2026-11-26T12:00:00Z"), "p2", &err) == 0, "free at the end");
    CHECK(ck_care_bed_check(items, u, "ward-1", 2, T("2026-11-25T12:00:00Z"), "p2", &err) == -1 &&
              eq(err.code, "bed_taken"), "backdated into the finished stay: taken");
    CHECK(ck_care_bed_check(items, u, "ward-1", 2, T("2026-11-24T08:59:59Z"), "p2", &err) == 0, "before the stay");
    CHECK(ck_care_bed_check(items, u, "ward-2", 1, t0, "p1", &err) == 0, "p1 may be admitted again");
    census = ck_care_census(items);
    CHECK(json_array_size(census) == 1, "one inpatient after discharge");
    json_decref(census);

    /* entered-in-error frees the bed and the patient */
    put_item(items, ck_care_encounter_void(a2, &err));
    CHECK(ck_care_bed_check(items, u, "ward-1", 1, T("2026-11-24T12:00:00Z"), "p3", &err) == 0,
          "entered-in-error frees bed and patient");
    census = ck_care_census(items);
    CHECK(json_array_size(census) == 0, "nobody left");
    json_decref(census);

    /* outpatient visits never hold beds */
    in = admission("p4", NULL, 0, "2026-11-24T09:00:00Z");
    in.department = "cardio";
    put_item(items, ck_care_encounter_visit(&in, 0, &err));
    CHECK(ck_care_admission_of(items, "p4") == NULL, "a visit is no admission");

    /* a ward item without beds in the directory */
    json_array_append_new(u, json_pack("{s:s,s:s,s:s}", "org", "hosp-a", "name", "ward-x", "kind", "ward"));
    CHECK(ck_care_bed_check(items, u, "ward-x", 1, t0, "p9", &err) == -1 && eq(err.code, "bed_out_of_range"),
          "a ward without beds has none to give");

    CHECK(ck_care_unit_check(u, "cardio", "department", &err) == 0, "department found");
    CHECK(ck_care_unit_check(u, "cardio", "ward", &err) == -1 && eq(err.code, "no_such_unit"), "wrong kind");
    CHECK(ck_care_unit_check(u, "or-1", NULL, &err) == 0, "any kind");
    CHECK(ck_care_unit_check(u, "nope", NULL, &err) == -1, "unknown unit");
    CHECK(ck_care_census(NULL) == NULL, "census of nothing");
    json_decref(a1);
    json_decref(a2);
    json_decref(items);
    json_decref(u);
}

static void test_rows(void)
{
    ck_care_error err;
    ck_care_encounter_in in = admission("p1", "ward-2", 1, "2026-11-24T09:00:00Z");
    json_t *a = ck_care_encounter_admit(&in, &err), *r = ck_care_encounter_row(a);
    CHECK(eq(s_at(r, "class"), "IMP") && eq(s_at(r, "status"), "in-progress") && eq(s_at(r, "hospital"), "hosp-a"),
          "row basics");
    CHECK(eq(s_at(r, "ward"), "ward-2") && json_integer_value(json_object_get(r, "bed")) == 1, "row place");
    CHECK(eq(s_at(r, "end"), "") && eq(s_at(r, "department"), ""), "row empty fields");
    json_decref(r);
    r = json_object();
    CHECK(ck_care_encounter_row(r) == NULL, "row of a non-encounter");
    json_decref(r);
    /* a malformed bed reference gives no place */
    json_object_set_new(json_object_get(json_array_get(json_object_get(a, "location"), 1), "location"), "reference",
                        json_string("Location/ward-2-bed-01"));
    {
        const char *w;
        unsigned b;
        CHECK(ck_care_encounter_place(a, &w, &b) == -1, "leading zero bed refused");
    }
    json_decref(a);
}

int main(void)
{
    test_admit_build();
    test_admit_bad_input();
    test_visits();
    test_discharge();
    test_bed_checks();
    test_rows();
    TEST_MAIN_END();
}
