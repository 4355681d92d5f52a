/* tests/care/test_drugs.c - the drug table and the allergy and duplicate
 * warnings before prescribing, on the Synthea fixtures' allergies and
 * medications and on hand-made items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"
#include "carekey/fhir.h"
#include "harness.h"

#define RXNORM "http://www.nlm.nih.gov/research/umls/rxnorm"
#define SNOMED "http://snomed.info/sct"

static int load_fixture(const char *name, ck_fhir_sections *out)
{
    char path[512];
    FILE *f;
    char *buf;
    long len;
    ck_fhir_error e;
    int rc = -1;
    snprintf(path, sizeof path, "%s/fixtures/fhir/%s", CK_TEST_DATA, name);
    if (!(f = fopen(path, "rb"))) return -1;
    if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len))) {
        if (fread(buf, 1, (size_t)len, f) == (size_t)len && ck_fhir_split(out, buf, (size_t)len, &e) == CK_FHIR_OK)
            rc = 0;
        free(buf);
    }
    fclose(f);
    return rc;
}

/* An item around a resource given as JSON text. */
static json_t *item(const char *resource_json)
{
    json_error_t je;
    json_t *r = json_loads(resource_json, 0, &je);
    if (!r) {
        fprintf(stderr, "bad test JSON: %s\n", je.text);
        abort();
    }
    return json_pack("{s:s,s:s,s:o}", "type", json_string_value(json_object_get(r, "resourceType")), "id",
                     json_string_value(json_object_get(r, "id")), "resource", r);
}

static json_t *allergy(const char *id, const char *code_json, const char *clinical, const char *verification)
{
    char buf[2048];
    char cs[200] = "", vs[200] = "";
    if (clinical)
        snprintf(cs, sizeof cs, ",\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                                "allergyintolerance-clinical\",\"code\":\"%s\"}]}", clinical);
    if (verification)
        snprintf(vs, sizeof vs, ",\"verificationStatus\":{\"coding\":[{\"code\":\"%s\"}]}", verification);
    snprintf(buf, sizeof buf, "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"%s\",\"code\":%s%s%s}", id, code_json,
             cs, vs);
    return item(buf);
}

static json_t *request(const char *id, const char *status, const char *code, const char *display)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "{\"resourceType\":\"MedicationRequest\",\"id\":\"%s\",\"status\":\"%s\",\"intent\":\"order\","
             "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"" RXNORM "\",\"code\":\"%s\",\"display\":\"%s\"}],"
             "\"text\":\"%s\"}}",
             id, status, code, display, display);
    return item(buf);
}

/* Runs the check and returns the warnings (never NULL; an empty array on
 * bad input after recording a failure). */
static json_t *warnings_for(const json_t *allergies, const json_t *meds, const char *drug_name)
{
    const ck_care_drug *d = ck_care_drug_by_name(drug_name);
    json_t *w = NULL;
    ck_care_error err;
    int rc;
    CHECK(d != NULL, "drug %s in the table", drug_name);
    if (!d) return json_array();
    rc = ck_care_rx_check(allergies, meds, d, &w, &err);
    CHECK(w != NULL, "check of %s gives warnings (%s)", drug_name, err.msg);
    if (!w) return json_array();
    CHECK((rc == 0) == (json_array_size(w) == 0), "return code of %s matches the warnings", drug_name);
    if (rc != 0)
        CHECK(!strcmp(err.code, json_string_value(json_object_get(json_array_get(w, 0), "code"))),
              "err carries the first warning");
    return w;
}

static size_t count_code(const json_t *w, const char *code)
{
    size_t i, n = 0;
    const json_t *x;
    json_array_foreach(w, i, x) n += !strcmp(json_string_value(json_object_get(x, "code")), code);
    return n;
}

/* Whether some warning of code names ref_id and contains text. */
static int has_warning(const json_t *w, const char *code, const char *ref_id, const char *text)
{
    size_t i;
    const json_t *x;
    json_array_foreach(w, i, x) {
        const char *c = json_string_value(json_object_get(x, "code"));
        const char *m = json_string_value(json_object_get(x, "message"));
        const char *id = json_string_value(json_object_get(x, !strcmp(code, "allergy") ? "allergy" : "medication"));
        if (c && !strcmp(c, code) && m && id && !strcmp(id, ref_id) && (!text || strstr(m, text))) return 1;
    }
    return 0;
}

static void test_table(void)
{
    size_t n = ck_care_drug_count();
    CHECK(n >= 45, "table holds the fixture drugs and the common ones (%zu)", n);
    for (size_t i = 0; i < n; i++) {
        const ck_care_drug *d = ck_care_drug_at(i);
        json_t *j = ck_care_drug_json(d);
        CHECK(ck_care_drug_by_rxnorm(ck_care_drug_rxnorm(d)) == d, "rxnorm %s is unique", ck_care_drug_rxnorm(d));
        CHECK(ck_care_drug_by_name(ck_care_drug_name(d)) == d, "name %s is unique", ck_care_drug_name(d));
        CHECK(j && json_array_size(json_object_get(j, "ingredients")) >= 1, "drug %zu has ingredients", i);
        json_decref(j);
    }
    CHECK(ck_care_drug_at(n) == NULL, "past the end");
    CHECK(ck_care_drug_by_name("AMOXICILLIN") == ck_care_drug_by_rxnorm("723"), "name is case-insensitive");
    CHECK(ck_care_drug_by_name("amoxicilin") == NULL, "no fuzzy names");
    CHECK(ck_care_drug_by_rxnorm("999999999") == NULL, "unknown code");
    CHECK(ck_care_drug_by_rxnorm(NULL) == NULL && ck_care_drug_by_name(NULL) == NULL, "NULL");
    {
        json_t *j = ck_care_drug_json(ck_care_drug_by_rxnorm("562251"));
        const char *c0 = json_string_value(json_array_get(json_object_get(j, "classes"), 0));
        CHECK(json_array_size(json_object_get(j, "ingredients")) == 2, "amoxicillin/clavulanate has two ingredients");
        CHECK(c0 && !strcmp(c0, "penicillins"), "amoxicillin/clavulanate is a penicillin");
        json_decref(j);
    }
    /* every RxNorm code the fixtures prescribe is known */
    {
        static const char *const names[] = {"Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json",
                                            "Rudolf_Weber_a4b93263-c55f-4d39-8c4e-31dfba932181.json",
                                            "Trey_Berge_99153850-84f1-4de6-9e19-3e0d6eeedeb2.json",
                                            "Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json"};
        size_t seen = 0;
        for (size_t f = 0; f < 4; f++) {
            ck_fhir_sections s;
            const json_t *it;
            size_t i;
            memset(&s, 0, sizeof s);
            CHECK(load_fixture(names[f], &s) == 0, "fixture %s loads", names[f]);
            json_array_foreach(s.section[CK_SECTION_MEDICATIONS], i, it) {
                const json_t *cc = json_object_get(ck_care_item_resource(it), "medicationCodeableConcept");
                const char *code = json_string_value(json_object_get(json_array_get(json_object_get(cc, "coding"), 0), "code"));
                if (!code) continue;
                seen++;
                CHECK(ck_care_drug_by_rxnorm(code) != NULL, "fixture drug %s is in the table", code);
            }
            ck_fhir_sections_clear(&s);
        }
        CHECK(seen == 42, "42 fixture prescriptions seen (%zu)", seen);
    }
}

static void test_fixtures(void)
{
    ck_fhir_sections versie, parker, trey;
    json_t *w, *allergies, *none = json_array();
    memset(&versie, 0, sizeof versie);
    memset(&parker, 0, sizeof parker);
    memset(&trey, 0, sizeof trey);
    CHECK(load_fixture("Versie_Botsford_56121408-15fe-47a5-8279-6f05dee51464.json", &versie) == 0, "Versie loads");
    CHECK(load_fixture("Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json", &parker) == 0, "Parker loads");
    CHECK(load_fixture("Trey_Berge_99153850-84f1-4de6-9e19-3e0d6eeedeb2.json", &trey) == 0, "Trey loads");
    if (!versie.section[CK_SECTION_ALLERGIES] || !parker.section[CK_SECTION_MEDICATIONS]) goto out;
    CHECK(json_array_size(versie.section[CK_SECTION_ALLERGIES]) == 10, "Versie has ten allergies");

    /* Versie's allergies are food and environment: no drug matches them;
     * her amoxicillin and ibuprofen requests are stopped: no duplicate */
    w = warnings_for(versie.section[CK_SECTION_ALLERGIES], versie.section[CK_SECTION_MEDICATIONS], "amoxicillin");
    CHECK(json_array_size(w) == 0, "amoxicillin for Versie: no warning (%zu)", json_array_size(w));
    json_decref(w);
    w = warnings_for(versie.section[CK_SECTION_ALLERGIES], versie.section[CK_SECTION_MEDICATIONS], "ibuprofen");
    CHECK(json_array_size(w) == 0, "ibuprofen for Versie: stopped requests are no duplicates");
    json_decref(w);
    /* her active fexofenadine is */
    w = warnings_for(versie.section[CK_SECTION_ALLERGIES], versie.section[CK_SECTION_MEDICATIONS],
                     "Fexofenadine hydrochloride 30 MG Oral Tablet");
    CHECK(json_array_size(w) == 1 && has_warning(w, "duplicate", "58e08748-4cef-4acc-add1-0087d554022c", "fexofenadine"),
          "fexofenadine for Versie: duplicate of her active request");
    json_decref(w);

    /* a penicillin allergy added to her real ones */
    allergies = json_deep_copy(versie.section[CK_SECTION_ALLERGIES]);
    json_array_append_new(allergies, allergy("pen-1",
                                             "{\"coding\":[{\"system\":\"" SNOMED "\",\"code\":\"91936005\","
                                             "\"display\":\"Allergy to penicillin\"}],\"text\":\"Allergy to penicillin\"}",
                                             "active", "confirmed"));
    w = warnings_for(allergies, versie.section[CK_SECTION_MEDICATIONS], "amoxicillin");
    CHECK(json_array_size(w) == 1 && has_warning(w, "allergy", "pen-1", "amoxicillin is a penicillin"),
          "amoxicillin with a penicillin allergy: warned");
    CHECK(has_warning(w, "allergy", "pen-1", "Allergy to penicillin (AllergyIntolerance/pen-1)"), "names the allergy");
    json_decref(w);
    w = warnings_for(allergies, versie.section[CK_SECTION_MEDICATIONS], "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet");
    CHECK(count_code(w, "allergy") == 1, "co-amoxiclav with a penicillin allergy: warned");
    json_decref(w);
    w = warnings_for(allergies, versie.section[CK_SECTION_MEDICATIONS], "cephalexin");
    CHECK(has_warning(w, "allergy", "pen-1", "cephalexin is a cephalosporin (cross-sensitivity with penicillins)"),
          "cephalexin with a penicillin allergy: cross-sensitivity");
    json_decref(w);
    w = warnings_for(allergies, versie.section[CK_SECTION_MEDICATIONS], "ibuprofen");
    CHECK(json_array_size(w) == 0, "ibuprofen with a penicillin allergy: nothing");
    json_decref(w);
    json_decref(allergies);

    /* Parker's active drugs */
    w = warnings_for(none, parker.section[CK_SECTION_MEDICATIONS], "atorvastatin");
    CHECK(json_array_size(w) == 1 && has_warning(w, "duplicate", "983ca436-1538-40a0-96ec-27e12d18b65e", "both statins"),
          "atorvastatin for Parker: duplicate statin (simvastatin)");
    json_decref(w);
    w = warnings_for(none, parker.section[CK_SECTION_MEDICATIONS], "furosemide");
    CHECK(count_code(w, "duplicate") == 2, "furosemide for Parker: Lasix and the injection (%zu)", json_array_size(w));
    json_decref(w);
    w = warnings_for(none, parker.section[CK_SECTION_MEDICATIONS], "aspirin");
    CHECK(json_array_size(w) == 0, "aspirin for Parker: clopidogrel is no duplicate, ibuprofen is stopped");
    json_decref(w);
    w = warnings_for(none, parker.section[CK_SECTION_MEDICATIONS], "lisinopril");
    CHECK(json_array_size(w) == 0, "lisinopril for Parker: nothing");
    json_decref(w);
    /* Trey: two stopped clopidogrel requests, one active */
    w = warnings_for(none, trey.section[CK_SECTION_MEDICATIONS], "clopidogrel");
    CHECK(json_array_size(w) == 1 && has_warning(w, "duplicate", "70db4270-6b60-46fb-a5a4-126772935a65", NULL),
          "clopidogrel for Trey: only the active request");
    json_decref(w);
out:
    json_decref(none);
    ck_fhir_sections_clear(&versie);
    ck_fhir_sections_clear(&parker);
    ck_fhir_sections_clear(&trey);
}

/* One allergy against one drug: the number of allergy warnings. */
static size_t allergy_hits(json_t *a, const char *drug)
{
    json_t *list = json_pack("[o]", a), *meds = json_array(), *w = warnings_for(list, meds, drug);
    size_t n = count_code(w, "allergy");
    json_decref(w);
    json_decref(list);
    json_decref(meds);
    return n;
}

#define PEN_TEXT "{\"text\":\"Allergic to PENICILLIN\"}"

/* Coded allergies (with text that may mislead) against one drug. */
static const struct {
    const char *system, *code, *text, *drug;
    size_t hits;
    const char *what;
} coded[] = {
    {SNOMED, "387207008", "penicillin", "amoxicillin", 0, "known code (ibuprofen) wins over text"},
    {SNOMED, "387207008", NULL, "naproxen", 1, "ibuprofen allergy: naproxen is an NSAID"},
    {SNOMED, "387207008", NULL, "acetaminophen", 0, "ibuprofen allergy: acetaminophen is not an NSAID"},
    {RXNORM, "7984", NULL, "ampicillin", 1, "penicillin V (RxNorm, as Synthea codes it) extends to ampicillin"},
    {RXNORM, "1191", NULL, "clopidogrel", 0, "aspirin allergy: clopidogrel (antiplatelet, no cross-reactivity)"},
    {RXNORM, "2670", NULL, "Acetaminophen 325 MG / oxyCODONE Hydrochloride 5 MG Oral Tablet", 1,
     "codeine allergy: the oxycodone combination"},
    {SNOMED, "387406002", NULL, "amoxicillin", 0, "sulfonamide allergy: not amoxicillin"},
    {SNOMED, "91935009", "peanuts", "amoxicillin", 0, "peanut allergy: nothing"},
};

static void test_allergy_rules(void)
{
    /* statuses */
    CHECK(allergy_hits(allergy("a", PEN_TEXT, NULL, NULL), "amoxicillin") == 1, "no statuses: in force");
    CHECK(allergy_hits(allergy("a", PEN_TEXT, "active", "unconfirmed"), "amoxicillin") == 1, "unconfirmed counts");
    CHECK(allergy_hits(allergy("a", PEN_TEXT, "active", "refuted"), "amoxicillin") == 0, "refuted ignored");
    CHECK(allergy_hits(allergy("a", PEN_TEXT, NULL, "entered-in-error"), "amoxicillin") == 0, "entered in error ignored");
    CHECK(allergy_hits(allergy("a", PEN_TEXT, "resolved", "confirmed"), "amoxicillin") == 0, "resolved ignored");
    CHECK(allergy_hits(allergy("a", PEN_TEXT, "inactive", NULL), "amoxicillin") == 0, "inactive ignored");

    /* text fallback: words, any case, plural, class words */
    CHECK(allergy_hits(allergy("a", "{\"text\":\"penicillins\"}", NULL, NULL), "Penicillin V Potassium 500 MG Oral Tablet") == 1,
          "plural class word");
    CHECK(allergy_hits(allergy("a", "{\"text\":\"Allergy to penicillamine\"}", NULL, NULL), "amoxicillin") == 0,
          "penicillamine is not penicillin (whole words)");
    CHECK(allergy_hits(allergy("a", "{\"coding\":[{\"system\":\"" SNOMED "\",\"code\":\"1\",\"display\":\"Sulfa drugs\"}]}",
                               NULL, NULL),
                       "Sulfamethoxazole 800 MG / Trimethoprim 160 MG Oral Tablet") == 1,
          "unknown code: display words (sulfa)");
    CHECK(allergy_hits(allergy("a", "{\"text\":\"oxyCODONE\"}", NULL, NULL), "morphine") == 1,
          "oxycodone allergy (text) extends to opioids");
    CHECK(allergy_hits(allergy("a", "{\"text\":\"Latex allergy\"}", NULL, NULL), "amoxicillin") == 0, "latex: nothing");

    /* codes first: a known code wins over misleading text */
    for (size_t i = 0; i < sizeof coded / sizeof *coded; i++) {
        char code_json[256];
        const char *text = coded[i].text;
        snprintf(code_json, sizeof code_json, "{\"coding\":[{\"system\":\"%s\",\"code\":\"%s\"}]%s%s%s}",
                 coded[i].system, coded[i].code, text ? ",\"text\":\"" : "", text ? text : "", text ? "\"" : "");
        CHECK(allergy_hits(allergy("a", code_json, NULL, NULL), coded[i].drug) == coded[i].hits, "%s", coded[i].what);
    }
    /* a statin "allergy" stated as the class covers both statins, an
     * ingredient intolerance does not spread (statins do not cross-react) */
    CHECK(allergy_hits(allergy("a", "{\"text\":\"statins\"}", NULL, NULL), "simvastatin") == 1, "stated class");
    CHECK(allergy_hits(allergy("a", "{\"text\":\"atorvastatin\"}", NULL, NULL), "simvastatin") == 0,
          "ingredient of a non-cross-reacting class");
    /* the reaction's substance counts too */
    CHECK(allergy_hits(allergy("a", "{\"text\":\"drug allergy\"},\"reaction\":[{\"substance\":{\"coding\":[{\"system\":\""
                                    SNOMED "\",\"code\":\"764146007\"}]}}]",
                               NULL, NULL),
                       "amoxicillin") == 1,
          "reaction substance penicillin");
}

static void test_duplicate_rules(void)
{
    json_t *none = json_array(), *meds = json_array(), *w;
    json_array_append_new(meds, request("c1", "cancelled", "5640", "ibuprofen"));
    json_array_append_new(meds, request("e1", "entered-in-error", "5640", "ibuprofen"));
    json_array_append_new(meds, request("s1", "stopped", "7258", "naproxen"));
    json_array_append_new(meds, request("k1", "completed", "7258", "naproxen"));
    w = warnings_for(none, meds, "ibuprofen");
    CHECK(json_array_size(w) == 0, "cancelled, entered-in-error, stopped, completed: no duplicates");
    json_decref(w);
    json_array_append_new(meds, request("d1", "draft", "7258", "naproxen"));
    json_array_append_new(meds, request("h1", "on-hold", "5640", "Advil"));
    json_array_append_new(meds, request("t1", "active", "99999", "Ibuprofen 800 MG home remedy"));
    w = warnings_for(none, meds, "ibuprofen");
    CHECK(json_array_size(w) == 3, "draft, on-hold and an unknown code with a known name (%zu)", json_array_size(w));
    CHECK(has_warning(w, "duplicate", "d1", "both NSAIDs"), "naproxen draft: same class");
    CHECK(has_warning(w, "duplicate", "h1", "also contains ibuprofen"), "on-hold: same ingredient");
    CHECK(has_warning(w, "duplicate", "t1", "also contains ibuprofen"), "text fallback for an unknown code");
    json_decref(w);
    json_decref(meds);

    /* a request by reference to a Medication in the section */
    meds = json_array();
    json_array_append_new(meds, item("{\"resourceType\":\"Medication\",\"id\":\"m1\",\"code\":{\"coding\":[{\"system\":\"" RXNORM
                                     "\",\"code\":\"855332\"}]}}"));
    json_array_append_new(meds, item("{\"resourceType\":\"MedicationRequest\",\"id\":\"r1\",\"status\":\"active\","
                                     "\"medicationReference\":{\"reference\":\"Medication/m1\"}}"));
    w = warnings_for(none, meds, "warfarin");
    CHECK(json_array_size(w) == 1 && has_warning(w, "duplicate", "r1", "warfarin"), "medicationReference resolved");
    json_decref(w);
    /* the same drug is no duplicate of an unrelated one */
    w = warnings_for(none, meds, "metformin");
    CHECK(json_array_size(w) == 0, "metformin vs warfarin: nothing");
    json_decref(w);
    json_decref(meds);
    json_decref(none);
}

static void test_bad_input(void)
{
    json_t *arr = json_array(), *obj = json_object(), *w = NULL;
    json_t *bad = json_pack("[{s:s}]", "type", "AllergyIntolerance");
    ck_care_error err;
    const ck_care_drug *d = ck_care_drug_by_name("amoxicillin");
    CHECK(ck_care_rx_check(NULL, arr, d, &w, &err) == -1 && w == NULL && !strcmp(err.code, "bad_input"),
          "allergies missing");
    CHECK(ck_care_rx_check(arr, obj, d, &w, &err) == -1 && !strcmp(err.code, "bad_input"), "not an array");
    CHECK(ck_care_rx_check(bad, arr, d, &w, &err) == -1 && !strcmp(err.code, "bad_input") && strstr(err.msg, "allergies[0]"),
          "item without resource");
    CHECK(ck_care_rx_check(arr, arr, NULL, &w, &err) == -1 && !strcmp(err.code, "bad_input"), "no drug");
    json_decref(arr);
    json_decref(obj);
    json_decref(bad);
}

int main(void)
{
    test_table();
    test_fixtures();
    test_allergy_rules();
    test_duplicate_rules();
    test_bad_input();
    TEST_MAIN_END();
}
