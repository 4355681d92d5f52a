/* tests/record/test_report.c - personal, professional, research and emergency reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/report.h"
#include "harness.h"
#include "record_util.h"

static const json_t *block(const json_t *r, const char *name)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(r, "blocks"), i, b)
        if (!strcmp(json_string_value(json_object_get(b, "name")), name))
            return b;
    return NULL;
}

static const char *status(const json_t *r, const char *name)
{
    return json_string_value(json_object_get(block(r, name), "status"));
}

static size_t nrows(const json_t *r, const char *name)
{
    return json_array_size(json_object_get(block(r, name), "rows"));
}

/* Texts (code.text) of every resource of the given types, length >= 6. */
static json_t *texts_of(const ck_fhir_sections *s, ck_section sec, const char *type)
{
    json_t *out = json_object(), *item;
    size_t i;
    json_array_foreach(s->section[sec], i, item) {
        const json_t *r = json_object_get(item, "resource");
        const char *t = json_string_value(json_object_get(json_object_get(r, "code"), "text"));
        if (!strcmp(json_string_value(json_object_get(item, "type")), type) && t && strlen(t) >= 6)
            json_object_set_new(out, t, json_true());
    }
    return out;
}

/* Keep only the sections in names (space separated); others become unavailable. */
static void only(ck_fhir_sections *s, const char *names)
{
    unsigned i;
    for (i = 0; i < CK_SECTION_COUNT; i++) {
        if (!strstr(names, ck_section_name((ck_section)i))) {
            json_decref(s->section[i]);
            s->section[i] = NULL;
        }
    }
}

static size_t count_type(const ck_fhir_sections *s, ck_section sec, const char *types)
{
    json_t *item;
    size_t i, n = 0;
    json_array_foreach(s->section[sec], i, item)
        if (strstr(types, json_string_value(json_object_get(item, "type"))))
            n++;
    return n;
}

static void test_versie(void)
{
    ck_fhir_sections all, fam;
    ck_fhir_error err;
    json_t *r = NULL, *conds, *obs, *v;
    char *text = NULL, *json;
    const char *k;
    size_t leaks = 0;

    if (load_fixture(fixture_names[0], &all) || load_fixture(fixture_names[0], &fam)) {
        CHECK(0, "load");
        return;
    }
    conds = texts_of(&all, CK_SECTION_PROBLEMS, "Condition");
    obs = texts_of(&all, CK_SECTION_RESULTS, "Observation");
    CHECK(json_object_size(conds) >= 3 && json_object_size(obs) >= 10, "probe texts");

    /* personal report from everything the patient holds: no clinical content */
    CHECK(ck_report_build(&r, CK_REPORT_PERSONAL, &all, NULL, &err) == CK_FHIR_OK, "personal: %s", err.msg);
    CHECK(!strcmp(json_string_value(json_object_get(r, "schema")), CK_REPORT_SCHEMA), "schema");
    CHECK(json_array_size(json_object_get(r, "blocks")) == 5, "five personal blocks");
    CHECK(block(r, "demographics") && block(r, "contacts") && block(r, "allergies") && block(r, "medications") &&
          block(r, "appointments"), "personal blocks");
    CHECK(!block(r, "problems") && !block(r, "results") && !block(r, "encounters"), "no clinical blocks");
    CHECK(nrows(r, "allergies") == 10 && nrows(r, "medications") == 8, "allergies and medications rows");
    CHECK(!strcmp(status(r, "appointments"), "shared") && nrows(r, "appointments") == 0, "appointments shared, empty");
    json = json_dumps(r, JSON_COMPACT);
    json_object_foreach(conds, k, v)
        leaks += strstr(json, k) != NULL;
    json_object_foreach(obs, k, v)
        leaks += strstr(json, k) != NULL;
    CHECK(leaks == 0, "personal report has %zu Condition/Observation texts", leaks);
    CHECK(strstr(json, "Versie") && strstr(json, "Botsford") && strstr(json, "2018-05-22"), "personal: name and birth date");
    CHECK(!strstr(json, "urn:uuid") && !strstr(json, "56121408"), "no ids or references in reports");
    free(json);
    CHECK(ck_report_text(&text, r, &err) == CK_FHIR_OK && text, "personal text");
    CHECK(text && strstr(text, "Personal report") && strstr(text, "== Allergies ==") && strstr(text, "substance") &&
          strstr(text, "(none recorded)"), "text layout");
    if (text && getenv("CK_SHOW_REPORTS"))
        fputs(text, stdout);
    free(text);
    json_decref(r);

    /* what a family member can decrypt under the default profile */
    only(&fam, "demographics allergies medications appointments directory");
    CHECK(ck_report_build(&r, CK_REPORT_PERSONAL, &fam, NULL, &err) == CK_FHIR_OK, "family personal");
    CHECK(!strcmp(status(r, "allergies"), "shared") && !strcmp(status(r, "contacts"), "shared"), "family sees its blocks");
    json_decref(r);
    CHECK(ck_report_build(&r, CK_REPORT_PROFESSIONAL, &fam, NULL, &err) == CK_FHIR_OK, "missing sections are not errors");
    CHECK(!strcmp(status(r, "problems"), CK_REPORT_NOT_SHARED) && !strcmp(status(r, "results"), CK_REPORT_NOT_SHARED) &&
          nrows(r, "problems") == 0, "not shared with you");
    CHECK(ck_report_text(&text, r, &err) == CK_FHIR_OK && strstr(text, "not shared with you"), "text says not shared");
    free(text);
    json_decref(r);

    /* professional report: the clinical sections */
    CHECK(ck_report_build(&r, CK_REPORT_PROFESSIONAL, &all, NULL, &err) == CK_FHIR_OK, "professional");
    CHECK(nrows(r, "problems") == 5 && nrows(r, "encounters") == 19 && nrows(r, "procedures") == 8 &&
          nrows(r, "immunizations") == 25 && nrows(r, "careplans") == 3, "clinical rows");
    CHECK(nrows(r, "results") == count_type(&all, CK_SECTION_RESULTS, "Observation DiagnosticReport ImagingStudy"), "results rows");
    CHECK(!block(r, "billing") && !block(r, "appointments"), "no billing in the professional report");
    json = json_dumps(r, JSON_COMPACT);
    CHECK(strstr(json, "Otitis media") || strstr(json, "otitis media"), "problem text shown");
    free(json);
    CHECK(ck_report_text(&text, r, &err) == CK_FHIR_OK, "professional text");
    if (text && getenv("CK_SHOW_REPORTS"))
        fputs(text, stdout);
    free(text);
    json_decref(r);

    /* research: the de-identified view only */
    CHECK(ck_report_build(&r, CK_REPORT_RESEARCH, &all, NULL, &err) == CK_FHIR_OK, "research");
    json = json_dumps(r, JSON_COMPACT);
    CHECK(!strstr(json, "Versie") && !strstr(json, "Botsford") && !has_full_date(json), "research: no names, no dates");
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(json_object_get(block(r, "demographics"), "rows"), 0), 1)),
                  "2018"), "research: birth year");
    CHECK(nrows(r, "problems") == 5, "research problems");
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(json_object_get(block(r, "demographics"), "rows"), 0), 4)),
                  "014"), "research: the ZIP3 column holds the 3-digit code");
    free(json);
    json_decref(r);
    {
        /* the same report from the view the patient publishes (already
         * de-identified): the zip3 survives the second pass */
        ck_fhir_sections deid;
        CHECK(ck_deid_research(&deid, &all, NULL, &err) == CK_FHIR_OK, "deid");
        CHECK(ck_report_build(&r, CK_REPORT_RESEARCH, &deid, NULL, &err) == CK_FHIR_OK, "research from the view");
        CHECK(!strcmp(json_string_value(json_array_get(json_array_get(json_object_get(block(r, "demographics"), "rows"), 0), 4)),
                      "014"), "research from the published view: zip3 014");
        json_decref(r);
        ck_fhir_sections_clear(&deid);
    }

    /* emergency summary */
    CHECK(ck_report_build(&r, CK_REPORT_EMERGENCY, &all, NULL, &err) == CK_FHIR_OK, "emergency");
    CHECK(nrows(r, "allergies") == 10, "ER: all allergies");
    CHECK(nrows(r, "problems") < 5, "ER: active problems only (%zu)", nrows(r, "problems"));
    CHECK(!block(r, "encounters") && block(r, "bloodtype"), "ER blocks");
    json_decref(r);
    {
        ck_fhir_sections ev;
        CHECK(ck_report_emergency_view(&ev, &all, &err) == CK_FHIR_OK, "emergency view");
        CHECK(json_array_size(ev.section[CK_SECTION_ALLERGIES]) == 10 && ev.section[CK_SECTION_ENCOUNTERS] == NULL &&
              json_array_size(ev.section[CK_SECTION_RESULTS]) == 0, "emergency view contents");
        ck_fhir_sections_clear(&ev);
    }
    json_decref(conds);
    json_decref(obs);
    ck_fhir_sections_clear(&fam);
    ck_fhir_sections_clear(&all);
}

static void test_trey_research(void)
{
    ck_fhir_sections all;
    ck_fhir_error err;
    json_t *r = NULL;
    char *text = NULL;
    if (load_fixture(fixture_names[1], &all)) {
        CHECK(0, "load Trey");
        return;
    }
    CHECK(ck_report_build(&r, CK_REPORT_RESEARCH, &all, NULL, &err) == CK_FHIR_OK, "Trey research");
    CHECK(!strcmp(json_string_value(json_array_get(json_array_get(json_object_get(block(r, "demographics"), "rows"), 0), 1)),
                  "90+"), "Trey: born 90+");
    CHECK(ck_report_text(&text, r, &err) == CK_FHIR_OK && strstr(text, "90+") && !strstr(text, "1913") && !strstr(text, "Berge"),
          "Trey research text");
    if (text && getenv("CK_SHOW_REPORTS"))
        fputs(text, stdout);
    free(text);
    json_decref(r);
    ck_fhir_sections_clear(&all);
}

/* Appointments, blood type and the ER filters on a small synthetic record. */
static void test_synthetic(void)
{
    const char *j =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a1\",\"status\":\"booked\",\"start\":\"2025-03-01T09:30:00Z\","
        "\"serviceType\":[{\"text\":\"Cardiology follow-up\"}]}},"
        "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"b1\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"882-1\"}],"
        "\"text\":\"ABO and Rh group\"},\"valueCodeableConcept\":{\"text\":\"O Rh+\"}}},"
        "{\"resource\":{\"resourceType\":\"Observation\",\"id\":\"b2\",\"code\":{\"text\":\"Glucose\"},\"valueQuantity\":{\"value\":5.5,\"unit\":\"mmol/L\"}}},"
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"m1\",\"status\":\"stopped\",\"medicationCodeableConcept\":{\"text\":\"Old drug\"}}},"
        "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"m2\",\"status\":\"active\",\"medicationCodeableConcept\":{\"text\":\"Warfarin\"}}}]}";
    ck_fhir_sections s, ev;
    ck_fhir_error err;
    json_t *r = NULL;
    char *json;
    CHECK(ck_fhir_split(&s, j, strlen(j), &err) == CK_FHIR_OK, "split synthetic");
    CHECK(ck_report_build(&r, CK_REPORT_PERSONAL, &s, NULL, &err) == CK_FHIR_OK, "personal synthetic");
    json = json_dumps(r, JSON_COMPACT);
    CHECK(strstr(json, "Cardiology follow-up") && strstr(json, "booked") && !strstr(json, "O Rh+") && !strstr(json, "Glucose"),
          "appointment shown, results not");
    free(json);
    json_decref(r);
    CHECK(ck_report_build(&r, CK_REPORT_EMERGENCY, &s, NULL, &err) == CK_FHIR_OK, "emergency synthetic");
    json = json_dumps(r, JSON_COMPACT);
    CHECK(strstr(json, "O Rh+") && !strstr(json, "Glucose") && strstr(json, "Warfarin") && !strstr(json, "Old drug"),
          "ER: blood type and active medications only");
    free(json);
    json_decref(r);
    CHECK(ck_report_emergency_view(&ev, &s, &err) == CK_FHIR_OK && json_array_size(ev.section[CK_SECTION_RESULTS]) == 1 &&
          json_array_size(ev.section[CK_SECTION_MEDICATIONS]) == 1, "emergency view filters");
    ck_fhir_sections_clear(&ev);
    ck_fhir_sections_clear(&s);
    CHECK(ck_report_build(&r, (ck_report_kind)42, &s, NULL, &err) == CK_FHIR_ERR_PARAM, "bad kind");
}

int main(void)
{
    test_versie();
    test_trey_research();
    test_synthetic();
    TEST_MAIN_END();
}
