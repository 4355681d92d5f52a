/* tests/care/test_clinical.c - Condition, Observation and clinical note
 * builders: code checks (SNOMED CT, ICD-10, LOINC, UCUM), plausibility of
 * vital signs, versions of a Condition, the note's text round trip. */
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"
#include "harness.h"

#define T0 1795000000000LL   /* 2026-11-18T... */

static const char *s_at(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }
static const char *code0(const json_t *r, const char *m)
{
    return s_at(json_array_get(json_object_get(json_object_get(r, m), "coding"), 0), "code");
}
static int streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static void test_codes(void)
{
    static const char *const snomed_ok[] = {"44054006", "38341003", "195662009", "10509002", "233604007", "73211009"};
    static const char *const snomed_bad[] = {"44054007", "38341004", "12345", "0123456", "44054a06", "",
                                             "1234567890123456789", "195662019" /* partition 01: a description */};
    static const char *const icd_ok[] = {"E11", "E11.9", "I10", "J45.90", "Z99.89"};
    static const char *const icd_bad[] = {"e11", "E1", "E11.", "E11.123", "EE1", "E11.A", "E119", "E11 ", " E11"};
    static const char *const loinc_ok[] = {"8867-4", "2345-7", "718-7", "4548-4", "85354-9", "59408-5", "39156-5"};
    static const char *const loinc_bad[] = {"8867-5", "88674", "-4", "12345678-9", "8867-", "8867-44", "88a7-4", "", "2345-8"};
    static const char *const ucum_ok[] = {"mg/dL", "mmol/L", "10*3/uL", "10*9/L", "mm[Hg]", "%", "/min", "kg/m2",
                                          "mL/min/{1.73_m2}", "[IU]/L", "g/dL", "Cel", "{score}", "m[H2O]",
                                          "(kg.m)/s2", "ug/L", "s-1", "1"};
    static const char *const ucum_bad[] = {"mg /dL", "mg//dL", "mg/", "[Hg", "{abc", "", "mg/dL)", "m-", "kg/m2+",
                                           "mg\n", "()", "a{b{c}}", "[]", "(mg", "m/s/"};
    ck_care_error e;
    for (size_t i = 0; i < sizeof snomed_ok / sizeof *snomed_ok; i++)
        CHECK(ck_care_code_check(CK_CARE_CODE_SNOMED, snomed_ok[i], &e) == 0, "snomed %s: %s", snomed_ok[i], e.msg);
    for (size_t i = 0; i < sizeof snomed_bad / sizeof *snomed_bad; i++) {
        memset(&e, 0, sizeof e);
        CHECK(ck_care_code_check(CK_CARE_CODE_SNOMED, snomed_bad[i], &e) == -1 && streq(e.code, "bad_input") && e.msg[0],
              "snomed %s refused", snomed_bad[i]);
    }
    CHECK(ck_care_code_check(CK_CARE_CODE_SNOMED, "44054007", &e) == -1 && strstr(e.msg, "check digit"), "check digit message");
    for (size_t i = 0; i < sizeof icd_ok / sizeof *icd_ok; i++)
        CHECK(ck_care_code_check(CK_CARE_CODE_ICD10, icd_ok[i], &e) == 0, "icd %s: %s", icd_ok[i], e.msg);
    for (size_t i = 0; i < sizeof icd_bad / sizeof *icd_bad; i++)
        CHECK(ck_care_code_check(CK_CARE_CODE_ICD10, icd_bad[i], &e) == -1, "icd %s refused", icd_bad[i]);
    CHECK(ck_care_code_check(CK_CARE_CODE_ICD10, NULL, &e) == -1, "no code refused");
    CHECK(ck_care_code_check(CK_CARE_CODE_TEXT, NULL, &e) == 0, "text needs no code");
    for (size_t i = 0; i < sizeof loinc_ok / sizeof *loinc_ok; i++)
        CHECK(ck_care_loinc_check(loinc_ok[i], &e) == 0, "loinc %s: %s", loinc_ok[i], e.msg);
    for (size_t i = 0; i < sizeof loinc_bad / sizeof *loinc_bad; i++)
        CHECK(ck_care_loinc_check(loinc_bad[i], &e) == -1, "loinc %s refused", loinc_bad[i]);
    CHECK(ck_care_loinc_check(NULL, &e) == -1, "NULL loinc");
    /* the whole vitals table carries valid codes and units */
    {
        size_t n;
        const ck_care_vital *v = ck_care_vitals(&n);
        CHECK(n == 8, "8 vitals");
        for (size_t i = 0; i < n; i++)
            CHECK(ck_care_loinc_check(v[i].loinc, &e) == 0 && ck_care_ucum_check(v[i].unit, &e) == 0, "vital %s", v[i].name);
    }
    for (size_t i = 0; i < sizeof ucum_ok / sizeof *ucum_ok; i++)
        CHECK(ck_care_ucum_check(ucum_ok[i], &e) == 0, "ucum %s: %s", ucum_ok[i], e.msg);
    for (size_t i = 0; i < sizeof ucum_bad / sizeof *ucum_bad; i++)
        CHECK(ck_care_ucum_check(ucum_bad[i], &e) == -1, "ucum [%s] refused", ucum_bad[i]);
}

static ck_care_condition_in cond_in(void)
{
    ck_care_condition_in in;
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.recorder = "dr-a";
    in.system = CK_CARE_CODE_SNOMED;
    in.code = "38341003";
    in.display = "Hypertension";
    in.recorded_ms = T0;
    return in;
}

static void test_condition_new(void)
{
    ck_care_condition_in in = cond_in();
    ck_care_error e;
    json_t *c = ck_care_condition_new(&in, &e), *row;
    char when[32];
    CHECK(c != NULL, "condition: %s", e.msg);
    CHECK(streq(s_at(c, "resourceType"), "Condition") && strlen(s_at(c, "id")) == 36, "type and id");
    CHECK(streq(code0(c, "clinicalStatus"), "active"), "active");
    CHECK(streq(code0(c, "verificationStatus"), "confirmed"), "confirmed");
    CHECK(streq(s_at(json_array_get(json_object_get(json_array_get(json_object_get(c, "category"), 0), "coding"), 0), "code"),
                "encounter-diagnosis"), "category");
    CHECK(streq(code0(c, "code"), "38341003"), "code");
    CHECK(streq(s_at(json_array_get(json_object_get(json_object_get(c, "code"), "coding"), 0), "system"),
                "http://snomed.info/sct"), "snomed system");
    CHECK(streq(s_at(json_object_get(c, "subject"), "reference"), "Patient/alice"), "subject");
    CHECK(streq(s_at(json_object_get(c, "recorder"), "reference"), "Practitioner/dr-a"), "recorder");
    ck_care_time_format(when, T0);
    CHECK(streq(s_at(c, "recordedDate"), when), "recordedDate");
    CHECK(!json_object_get(c, "onsetDateTime") && !json_object_get(c, "encounter"), "no onset, no encounter");
    CHECK(ck_care_condition_is_active(c), "is active");
    row = ck_care_condition_row(c);
    CHECK(streq(s_at(row, "system"), "SNOMED CT") && streq(s_at(row, "display"), "Hypertension") &&
          streq(s_at(row, "clinical"), "active") && streq(s_at(row, "severity"), ""), "row");
    json_decref(row);
    json_decref(c);

    in.system = CK_CARE_CODE_ICD10;
    in.code = "E11.9";
    in.display = "Type 2 diabetes mellitus without complications";
    in.provisional = 1;
    in.problem_list = 1;
    in.has_onset = 1;
    in.onset_ms = T0 - 86400000LL * 400;
    in.encounter = "enc-1";
    in.id = "cond-1";
    c = ck_care_condition_new(&in, &e);
    CHECK(c && streq(s_at(c, "id"), "cond-1"), "given id");
    CHECK(c && streq(code0(c, "verificationStatus"), "provisional"), "provisional");
    CHECK(c && streq(s_at(json_array_get(json_object_get(json_array_get(json_object_get(c, "category"), 0), "coding"), 0),
                          "code"), "problem-list-item"), "problem list");
    CHECK(c && streq(s_at(json_array_get(json_object_get(json_object_get(c, "code"), "coding"), 0), "system"),
                     "http://hl7.org/fhir/sid/icd-10"), "icd-10 system");
    CHECK(c && s_at(c, "onsetDateTime") && streq(s_at(json_object_get(c, "encounter"), "reference"), "Encounter/enc-1"),
          "onset and encounter");
    json_decref(c);

    in.system = CK_CARE_CODE_TEXT;
    in.code = "anything";
    c = ck_care_condition_new(&in, &e);
    CHECK(c && !json_object_get(json_object_get(c, "code"), "coding") &&
          streq(s_at(json_object_get(c, "code"), "text"), in.display), "text only");
    row = ck_care_condition_row(c);
    CHECK(streq(s_at(row, "system"), "") && streq(s_at(row, "code"), ""), "text row");
    json_decref(row);
    json_decref(c);

    /* refused */
#define REFUSED(mut, what)                                                               \
    do {                                                                                 \
        ck_care_condition_in b = cond_in();                                              \
        memset(&e, 0, sizeof e);                                                         \
        mut;                                                                             \
        c = ck_care_condition_new(&b, &e);                                               \
        CHECK(c == NULL && streq(e.code, "bad_input") && e.msg[0], "refused: %s", what); \
        json_decref(c);                                                                  \
    } while (0)
    REFUSED(b.patient = NULL, "no patient");
    REFUSED(b.patient = "Patient/x", "patient with slash");
    REFUSED(b.recorder = "", "empty recorder");
    REFUSED(b.code = "38341004", "bad check digit");
    REFUSED(b.system = CK_CARE_CODE_ICD10, "SNOMED code as ICD-10");
    REFUSED(b.display = "", "empty display");
    REFUSED(b.display = NULL, "no display");
    REFUSED(b.display = "two\nlines", "display with newline");
    REFUSED(b.display = "bad \xc3", "display not UTF-8");
    REFUSED(b.display = "C1 \xc2\x85", "display with C1 control");
    REFUSED((b.has_onset = 1, b.onset_ms = T0 + 1000), "onset after recording");
    REFUSED(b.recorded_ms = 0, "no recording time");
    REFUSED(b.encounter = "a b", "bad encounter id");
    REFUSED(b.id = "x/y", "bad id");
    REFUSED(b.system = (ck_care_code_system)7, "unknown system");
    CHECK(ck_care_condition_new(NULL, &e) == NULL, "NULL input");
}

static void test_condition_versions(void)
{
    ck_care_condition_in in = cond_in();
    ck_care_condition_change ch;
    ck_care_error e;
    json_t *c0, *c1, *c2, *c3, *c4, *x;

    in.has_onset = 1;
    in.onset_ms = T0 - 86400000LL;
    in.provisional = 1;
    c0 = ck_care_condition_new(&in, &e);
    memset(&ch, 0, sizeof ch);
    ch.verification = "confirmed";
    ch.severity = "moderate";
    c1 = ck_care_condition_update(c0, &ch, &e);
    CHECK(c1 && streq(s_at(c1, "id"), s_at(c0, "id")), "same id: %s", e.msg);
    CHECK(c1 && streq(code0(c1, "verificationStatus"), "confirmed") && streq(code0(c1, "severity"), "6736007"),
          "confirmed, moderate");
    CHECK(streq(code0(c0, "verificationStatus"), "provisional") && !json_object_get(c0, "severity"), "input untouched");
    /* the same again: nothing to write */
    memset(&e, 0, sizeof e);
    x = ck_care_condition_update(c1, &ch, &e);
    CHECK(x == NULL && streq(e.code, "unchanged"), "unchanged: %s", e.code);
    memset(&ch, 0, sizeof ch);
    x = ck_care_condition_update(c1, &ch, &e);
    CHECK(x == NULL && streq(e.code, "unchanged"), "empty change");
    /* a note */
    ch.note = "BP still high;\nstart ACE inhibitor";
    ch.author = "dr-b";
    ch.at_ms = T0 + 5000;
    c2 = ck_care_condition_update(c1, &ch, &e);
    CHECK(c2 && json_array_size(json_object_get(c2, "note")) == 1, "one note");
    CHECK(c2 && streq(s_at(json_array_get(json_object_get(c2, "note"), 0), "text"), ch.note) &&
          streq(s_at(json_object_get(json_array_get(json_object_get(c2, "note"), 0), "authorReference"), "reference"),
                "Practitioner/dr-b"), "note text and author");
    x = ck_care_condition_update(c2, &ch, &e);
    CHECK(x && json_array_size(json_object_get(x, "note")) == 2, "notes accumulate");
    json_decref(x);
    ch.author = "bad author";
    CHECK(ck_care_condition_update(c1, &ch, &e) == NULL, "bad note author");
    ch.author = "dr-b";
    ch.note = "";
    CHECK(ck_care_condition_update(c1, &ch, &e) == NULL, "empty note");
    ch.note = "bell\a";
    CHECK(ck_care_condition_update(c1, &ch, &e) == NULL, "control character in note");
    memset(&ch, 0, sizeof ch);
    ch.verification = "maybe";
    CHECK(ck_care_condition_update(c1, &ch, &e) == NULL && streq(e.code, "bad_input"), "bad verification");
    ch.verification = NULL;
    ch.severity = "awful";
    CHECK(ck_care_condition_update(c1, &ch, &e) == NULL && streq(e.code, "bad_input"), "bad severity");

    /* resolve */
    c3 = ck_care_condition_resolve(c2, T0 + 86400000LL, &e);
    CHECK(c3 && streq(code0(c3, "clinicalStatus"), "resolved") && s_at(c3, "abatementDateTime"), "resolved: %s", e.msg);
    CHECK(c3 && !ck_care_condition_is_active(c3), "resolved is not active");
    CHECK(c3 && json_array_size(json_object_get(c3, "note")) == 1, "resolve keeps the notes");
    memset(&e, 0, sizeof e);
    x = ck_care_condition_resolve(c3, T0 + 2 * 86400000LL, &e);
    CHECK(x == NULL && streq(e.code, "not_active"), "resolved twice refused");
    x = ck_care_condition_resolve(c2, T0 - 2 * 86400000LL, &e);
    CHECK(x == NULL && streq(e.code, "bad_input") && strstr(e.msg, "onset"), "resolution before onset refused");
    CHECK(ck_care_condition_resolve(c2, 0, &e) == NULL, "no time");
    {
        json_t *row = ck_care_condition_row(c3);
        CHECK(streq(s_at(row, "clinical"), "resolved") && streq(s_at(row, "severity"), "moderate") &&
              json_integer_value(json_object_get(row, "notes")) == 1 && s_at(row, "abatement")[0], "resolved row");
        json_decref(row);
    }

    /* entered in error: clinicalStatus goes away, nothing more may change */
    memset(&ch, 0, sizeof ch);
    ch.verification = "entered-in-error";
    c4 = ck_care_condition_update(c1, &ch, &e);
    CHECK(c4 && !json_object_get(c4, "clinicalStatus") && streq(code0(c4, "verificationStatus"), "entered-in-error"),
          "entered in error");
    CHECK(c4 && !ck_care_condition_is_active(c4), "not active");
    ch.verification = "confirmed";
    x = ck_care_condition_update(c4, &ch, &e);
    CHECK(x == NULL && streq(e.code, "not_active"), "no change after entered-in-error");
    x = ck_care_condition_resolve(c4, T0 + 86400000LL, &e);
    CHECK(x == NULL && streq(e.code, "not_active"), "no resolve after entered-in-error");
    /* refuted is not active either */
    ch.verification = "refuted";
    x = ck_care_condition_update(c1, &ch, &e);
    CHECK(x && !ck_care_condition_is_active(x), "refuted not active");
    json_decref(x);

    /* not a Condition */
    x = json_pack("{s:s,s:s}", "resourceType", "Observation", "id", "o1");
    CHECK(ck_care_condition_resolve(x, T0, &e) == NULL && streq(e.code, "bad_input"), "resolve an Observation");
    CHECK(ck_care_condition_update(x, &ch, &e) == NULL, "update an Observation");
    CHECK(!ck_care_condition_is_active(x), "an Observation is no active condition");
    json_decref(x);
    json_decref(c0);
    json_decref(c1);
    json_decref(c2);
    json_decref(c3);
    json_decref(c4);
}

static ck_care_obs_in obs_in(void)
{
    ck_care_obs_in in;
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.performer = "nurse-a";
    in.at_ms = T0;
    return in;
}

static json_t *vital(const char *m, ck_care_error *e)
{
    ck_care_obs_in in = obs_in();
    memset(e, 0, sizeof *e);
    return ck_care_vital_new(&in, m, e);
}

static void test_vitals(void)
{
    ck_care_error e;
    json_t *o, *q, *row;
    static const char *const implausible[] = {"temp=80", "hr=900", "hr=10", "hr=72.5", "spo2=101", "temp=37.123",
                                              "weight=0.1", "height=400", "bp=80/120", "bp=120/120", "bp=400/80",
                                              "bp=120/10", "rr=0", "bmi=300"};
    static const char *const bad[] = {"hr", "hr=", "=72", "hr=abc", "hr=7 2", "hr=+72", "hr=72x", "hr=.5", "hr=5.",
                                      "pulse=72", "bp=120", "bp=120/80/60", "bp=/80", "bp=120/", "HR=72", "hr==72",
                                      "hr=0x48", "hr=1e2", "hr=nan"};

    o = vital("hr=72", &e);
    CHECK(o != NULL, "hr: %s", e.msg);
    CHECK(streq(s_at(o, "status"), "final") && streq(code0(o, "code"), "8867-4"), "hr code");
    CHECK(streq(s_at(json_array_get(json_object_get(json_array_get(json_object_get(o, "category"), 0), "coding"), 0), "code"),
                "vital-signs"), "vital-signs");
    q = json_object_get(o, "valueQuantity");
    CHECK(json_is_integer(json_object_get(q, "value")) && json_integer_value(json_object_get(q, "value")) == 72, "72");
    CHECK(streq(s_at(q, "unit"), "/min") && streq(s_at(q, "code"), "/min") && streq(s_at(q, "system"), "http://unitsofmeasure.org"),
          "ucum /min");
    CHECK(streq(s_at(json_array_get(json_object_get(o, "performer"), 0), "reference"), "Practitioner/nurse-a"), "performer");
    CHECK(s_at(o, "effectiveDateTime") && !json_object_get(o, "encounter"), "effective, no encounter");
    json_decref(o);

    o = vital("temp=37.2", &e);
    q = json_object_get(o, "valueQuantity");
    CHECK(o && json_is_real(json_object_get(q, "value")) && json_real_value(json_object_get(q, "value")) == 37.2 &&
          streq(s_at(q, "unit"), "Cel") && streq(code0(o, "code"), "8310-5"), "temp 37.2 Cel");
    row = ck_care_observation_row(o);
    CHECK(streq(s_at(row, "value"), "37.2") && streq(s_at(row, "unit"), "Cel") && streq(s_at(row, "category"), "vital-signs") &&
          streq(s_at(row, "display"), "Body temperature"), "temp row: %s", s_at(row, "value"));
    json_decref(row);
    json_decref(o);

    o = vital("spo2=97", &e);
    CHECK(o && json_array_size(json_object_get(json_object_get(o, "code"), "coding")) == 2 && streq(code0(o, "code"), "59408-5"),
          "spo2 with two codings");
    json_decref(o);

    o = vital("bp=120/80", &e);
    CHECK(o && streq(code0(o, "code"), "85354-9") && !json_object_get(o, "valueQuantity"), "bp panel: %s", e.msg);
    CHECK(o && json_array_size(json_object_get(o, "component")) == 2, "two components");
    CHECK(o && streq(code0(json_array_get(json_object_get(o, "component"), 0), "code"), "8480-6") &&
          json_integer_value(json_object_get(json_object_get(json_array_get(json_object_get(o, "component"), 0), "valueQuantity"),
                                             "value")) == 120, "systolic 120");
    CHECK(o && streq(code0(json_array_get(json_object_get(o, "component"), 1), "code"), "8462-4") &&
          streq(s_at(json_object_get(json_array_get(json_object_get(o, "component"), 1), "valueQuantity"), "unit"), "mm[Hg]"),
          "diastolic mm[Hg]");
    row = ck_care_observation_row(o);
    CHECK(streq(s_at(row, "value"), "120/80") && streq(s_at(row, "unit"), "mm[Hg]"), "bp row");
    json_decref(row);
    json_decref(o);

    for (size_t i = 0; i < sizeof implausible / sizeof *implausible; i++) {
        o = vital(implausible[i], &e);
        CHECK(o == NULL && streq(e.code, "implausible") && e.msg[0], "%s implausible (%s: %s)", implausible[i], e.code, e.msg);
        json_decref(o);
    }
    o = vital("temp=80", &e);
    CHECK(strstr(e.msg, "plausible range") && strstr(e.msg, "Cel"), "clear message: %s", e.msg);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        o = vital(bad[i], &e);
        CHECK(o == NULL && streq(e.code, "bad_input"), "%s refused (%s)", bad[i], e.code);
        json_decref(o);
    }
    /* boundaries are inclusive */
    o = vital("hr=20", &e);
    CHECK(o != NULL, "hr=20 accepted");
    json_decref(o);
    o = vital("spo2=100", &e);
    CHECK(o != NULL, "spo2=100 accepted");
    json_decref(o);
    {
        ck_care_obs_in in = obs_in();
        in.encounter = "enc-9";
        o = ck_care_vital_new(&in, "rr=16", &e);
        CHECK(o && streq(s_at(json_object_get(o, "encounter"), "reference"), "Encounter/enc-9"), "encounter ref");
        json_decref(o);
        in.performer = NULL;
        CHECK(ck_care_vital_new(&in, "rr=16", &e) == NULL, "no performer");
        in = obs_in();
        in.at_ms = 0;
        CHECK(ck_care_vital_new(&in, "rr=16", &e) == NULL, "no time");
    }
    CHECK(ck_care_vital_find("bp") && !ck_care_vital_find("BP") && !ck_care_vital_find(NULL), "find");
}

static void test_labs(void)
{
    ck_care_obs_in in = obs_in();
    ck_care_error e;
    json_t *o, *row;
    o = ck_care_lab_new(&in, "2345-7", "5.4", "mmol/L", "Glucose [Moles/volume] in Serum or Plasma", &e);
    CHECK(o != NULL, "lab: %s", e.msg);
    CHECK(o && streq(code0(o, "code"), "2345-7") &&
          streq(s_at(json_array_get(json_object_get(json_array_get(json_object_get(o, "category"), 0), "coding"), 0), "code"),
                "laboratory"), "laboratory");
    row = ck_care_observation_row(o);
    CHECK(streq(s_at(row, "value"), "5.4") && streq(s_at(row, "unit"), "mmol/L") && streq(s_at(row, "category"), "laboratory"),
          "lab row");
    json_decref(row);
    json_decref(o);
    o = ck_care_lab_new(&in, "4548-4", "-2", "%", NULL, &e);
    CHECK(o && !json_object_get(json_object_get(o, "code"), "text"), "no display: %s", e.msg);
    json_decref(o);
    memset(&e, 0, sizeof e);
    CHECK(ck_care_lab_new(&in, "8867-4", "72", "/min", NULL, &e) == NULL && strstr(e.msg, "hr="), "vital as lab: %s", e.msg);
    CHECK(ck_care_lab_new(&in, "8480-6", "120", "mm[Hg]", NULL, &e) == NULL, "bp component as lab");
    CHECK(ck_care_lab_new(&in, "2345-8", "5.4", "mmol/L", NULL, &e) == NULL, "bad loinc");
    CHECK(ck_care_lab_new(&in, "2345-7", "5,4", "mmol/L", NULL, &e) == NULL, "bad value");
    CHECK(ck_care_lab_new(&in, "2345-7", "", "mmol/L", NULL, &e) == NULL, "empty value");
    CHECK(ck_care_lab_new(&in, "2345-7", "5.4", "mmol /L", NULL, &e) == NULL, "bad unit");
    CHECK(ck_care_lab_new(&in, "2345-7", "5.4", NULL, NULL, &e) == NULL, "no unit");
    CHECK(ck_care_lab_new(&in, "2345-7", "5.4", "mmol/L", "a\tb", &e) == NULL, "display with tab");
    CHECK(ck_care_lab_new(&in, "2345-7", "12345678901234567890123456", "mmol/L", NULL, &e) == NULL, "value too long");
}

static ck_care_note_in note_in(const char *text)
{
    ck_care_note_in in;
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.author = "dr-a";
    in.text = text;
    in.len = strlen(text);
    in.at_ms = T0;
    return in;
}

static const struct {
    const char *content_type, *data, *text, *what;   /* text NULL: no note */
} other_docs[] = {
    {"application/pdf", "aGVsbG8=", NULL, "pdf is no note"},
    {"text/plain", "aGVsbG8", NULL, "bad base64 padding"},
    {"text/plainx", "aGVsbG8=", NULL, "text/plainx"},
    {"text/plain", "aGVsbG8=", "hello", "plain text/plain"},
};

static void test_notes(void)
{
    const char *text = "Patient reports less pain.\nPlan: continue r\xc3\xa9gime.\n\tFollow up in 2 weeks.";
    ck_care_note_in in = note_in(text);
    ck_care_note_kind k;
    ck_care_error e;
    json_t *d, *row, *att;
    char *back, *big;
    size_t len;

    d = ck_care_note_new(&in, &e);
    CHECK(d != NULL, "note: %s", e.msg);
    CHECK(streq(s_at(d, "resourceType"), "DocumentReference") && streq(s_at(d, "status"), "current"), "type, status");
    CHECK(streq(code0(d, "type"), "11506-3"), "progress note by default");
    CHECK(streq(s_at(json_object_get(d, "subject"), "reference"), "Patient/alice") &&
          streq(s_at(json_array_get(json_object_get(d, "author"), 0), "reference"), "Practitioner/dr-a"), "subject, author");
    att = json_object_get(json_array_get(json_object_get(d, "content"), 0), "attachment");
    CHECK(streq(s_at(att, "contentType"), "text/plain; charset=utf-8"), "content type");
    CHECK(s_at(att, "data") && !strstr(s_at(att, "data"), "pain"), "data is base64, not the text");
    CHECK(!json_object_get(d, "context"), "no context");
    back = ck_care_note_text(d, &len, &e);
    CHECK(back && len == strlen(text) && !strcmp(back, text), "round trip");
    free(back);
    row = ck_care_note_row(d);
    CHECK(streq(s_at(row, "kind"), "progress") && streq(s_at(row, "author"), "dr-a") && streq(s_at(row, "encounter"), ""),
          "row");
    json_decref(row);
    json_decref(d);

    CHECK(ck_care_note_kind_parse("history", &k) == 0 && k == CK_CARE_NOTE_HISTORY, "history");
    CHECK(ck_care_note_kind_parse("discharge", &k) == 0 && k == CK_CARE_NOTE_DISCHARGE, "discharge");
    CHECK(ck_care_note_kind_parse("Progress", &k) == -1 && ck_care_note_kind_parse("", &k) == -1 &&
          ck_care_note_kind_parse(NULL, &k) == -1, "bad kinds");
    in.kind = CK_CARE_NOTE_HISTORY;
    in.encounter = "enc-1";
    d = ck_care_note_new(&in, &e);
    CHECK(d && streq(code0(d, "type"), "34117-2"), "history code");
    CHECK(d && streq(s_at(json_array_get(json_object_get(json_object_get(d, "context"), "encounter"), 0), "reference"),
                     "Encounter/enc-1"), "context.encounter");
    row = ck_care_note_row(d);
    CHECK(streq(s_at(row, "kind"), "history") && streq(s_at(row, "encounter"), "enc-1"), "history row");
    json_decref(row);
    json_decref(d);
    in.kind = CK_CARE_NOTE_DISCHARGE;
    d = ck_care_note_new(&in, &e);
    CHECK(d && streq(code0(d, "type"), "18842-5"), "discharge code");
    json_decref(d);

    /* refused */
    in = note_in("");
    CHECK(ck_care_note_new(&in, &e) == NULL, "empty note");
    in = note_in("bad \xff byte");
    CHECK(ck_care_note_new(&in, &e) == NULL && streq(e.code, "bad_input"), "invalid UTF-8");
    in = note_in("overlong \xc0\xaf");
    CHECK(ck_care_note_new(&in, &e) == NULL, "overlong UTF-8");
    in = note_in("surrogate \xed\xa0\x80");
    CHECK(ck_care_note_new(&in, &e) == NULL, "surrogate");
    in = note_in("escape \x1b[2J");
    CHECK(ck_care_note_new(&in, &e) == NULL, "escape character");
    in = note_in("nul inside");
    in.len = 11;   /* includes the terminating NUL */
    CHECK(ck_care_note_new(&in, &e) == NULL, "NUL inside");
    in = note_in("x");
    in.kind = (ck_care_note_kind)3;
    CHECK(ck_care_note_new(&in, &e) == NULL, "unknown kind");
    in = note_in("x");
    in.author = "";
    CHECK(ck_care_note_new(&in, &e) == NULL, "no author");
    in = note_in("x");
    in.encounter = "a/b";
    CHECK(ck_care_note_new(&in, &e) == NULL, "bad encounter");
    big = malloc(CK_CARE_NOTE_MAX + 2);
    memset(big, 'a', CK_CARE_NOTE_MAX + 1);
    big[CK_CARE_NOTE_MAX + 1] = 0;
    in = note_in(big);
    CHECK(ck_care_note_new(&in, &e) == NULL, "too long");
    in.len = CK_CARE_NOTE_MAX;
    d = ck_care_note_new(&in, &e);
    CHECK(d != NULL, "exactly the limit");
    back = ck_care_note_text(d, &len, &e);
    CHECK(back && len == CK_CARE_NOTE_MAX, "limit round trip");
    free(back);
    json_decref(d);
    free(big);

    /* reading other documents: only text/plain in base64 is a note */
    for (size_t i = 0; i < sizeof other_docs / sizeof *other_docs; i++) {
        const char *want = other_docs[i].text;
        d = json_pack("{s:s,s:[{s:{s:s,s:s}}]}", "resourceType", "DocumentReference", "content", "attachment",
                      "contentType", other_docs[i].content_type, "data", other_docs[i].data);
        back = ck_care_note_text(d, &len, &e);
        CHECK(want ? back && !strcmp(back, want) && len == strlen(want) : back == NULL, "%s", other_docs[i].what);
        free(back);
        json_decref(d);
    }
    d = json_pack("{s:s}", "resourceType", "Observation");
    CHECK(ck_care_note_text(d, &len, &e) == NULL, "not a DocumentReference");
    json_decref(d);
}

int main(void)
{
    test_codes();
    test_condition_new();
    test_condition_versions();
    test_vitals();
    test_labs();
    test_notes();
    TEST_MAIN_END();
}
