/* tests/care/test_rx.c - MedicationRequest and MedicationDispense building,
 * cancellation, dispensing limits and the prescriptions MIS report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_test_util.h"
#include "harness.h"

#define T0 1795512600000LL /* 2026-11-24T09:30:00Z */

static json_t *as_item(json_t *resource)
{
    return json_pack("{s:s,s:s,s:o}", "type", json_string_value(json_object_get(resource, "resourceType")), "id",
                     json_string_value(json_object_get(resource, "id")), "resource", resource);
}

#define str_at care_test_path

static json_int_t int_at(const json_t *v, const char *a, const char *b, const char *c)
{
    const json_t *x = json_object_get(json_object_get(v, a), b);
    return json_integer_value(c ? json_object_get(x, c) : x);
}

static json_t *prescribe(const char *drug, uint32_t qty, uint32_t refills)
{
    ck_care_rx_params p;
    ck_care_error err;
    json_t *mr;
    memset(&p, 0, sizeof p);
    p.drug = ck_care_drug_by_name(drug);
    p.patient = "alice";
    p.requester = "dr-a";
    p.authored_ms = T0;
    p.dosage = "1 tablet three times a day";
    p.quantity = qty;
    p.unit = "tablet";
    p.refills = refills;
    mr = ck_care_rx_build(&p, &err);
    CHECK(mr != NULL, "prescription of %s built (%s)", drug, err.msg);
    return mr;
}

static void test_build(void)
{
    ck_care_rx_params p;
    ck_care_error err;
    json_t *mr = prescribe("amoxicillin", 30, 2), *x;
    char id[37];
    if (!mr) return;
    CHECK(!strcmp(str_at(mr, "resourceType"), "MedicationRequest"), "type");
    CHECK(strlen(str_at(mr, "id")) == 36, "fresh UUID id");
    CHECK(!strcmp(str_at(mr, "status"), "active") && !strcmp(str_at(mr, "intent"), "order"), "active order");
    CHECK(!strcmp(str_at(mr, "medicationCodeableConcept.coding.0.code"), "723"), "RxNorm code");
    CHECK(!strcmp(str_at(mr, "medicationCodeableConcept.coding.0.system"), "http://www.nlm.nih.gov/research/umls/rxnorm"),
          "RxNorm system");
    CHECK(!strcmp(str_at(mr, "medicationCodeableConcept.text"), "amoxicillin"), "text");
    CHECK(!strcmp(str_at(mr, "subject.reference"), "Patient/alice"), "subject");
    CHECK(!strcmp(str_at(mr, "requester.reference"), "Practitioner/dr-a"), "requester");
    CHECK(!strcmp(str_at(mr, "authoredOn"), "2026-11-24T09:30:00Z"), "authoredOn");
    CHECK(!strcmp(str_at(mr, "dosageInstruction.0.text"), "1 tablet three times a day"), "dosage");
    CHECK(int_at(mr, "dispenseRequest", "quantity", "value") == 30, "quantity");
    CHECK(!strcmp(str_at(mr, "dispenseRequest.quantity.unit"), "tablet"), "unit");
    CHECK(int_at(mr, "dispenseRequest", "numberOfRepeatsAllowed", NULL) == 2, "refills");
    CHECK(json_object_get(mr, "extension") == NULL && json_object_get(mr, "note") == NULL, "no overrides recorded");
    json_decref(mr);

    /* overrides */
    memset(&p, 0, sizeof p);
    p.drug = ck_care_drug_by_rxnorm("2231");
    p.patient = "alice";
    p.requester = "dr-a";
    p.authored_ms = T0;
    p.quantity = 20;
    p.overrides = x = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "code", "allergy", "message",
                                "Allergy to penicillin (AllergyIntolerance/pen-1): cephalexin is a cephalosporin", "allergy",
                                "pen-1", "code", "duplicate", "message", "MedicationRequest/r9 (active): ...", "medication",
                                "r9");
    p.id = "fixed-id-1";
    CHECK(ck_care_rx_build(&p, &err) == NULL && !strcmp(err.code, "bad_input") && strstr(err.msg, "reason"),
          "overrides without a reason refused");
    p.override_reason = "mild rash 20 years ago, tolerated cefuroxime in 2019";
    mr = ck_care_rx_build(&p, &err);
    CHECK(mr != NULL, "override built (%s)", err.msg);
    if (mr) {
        const json_t *ext = json_object_get(mr, "extension");
        CHECK(!strcmp(str_at(mr, "id"), "fixed-id-1"), "given id kept");
        CHECK(!strcmp(str_at(mr, "dispenseRequest.quantity.unit"), "unit"), "default unit");
        CHECK(json_array_size(ext) == 2, "one extension per overridden warning");
        CHECK(!strcmp(str_at(ext, "0.url"), CK_CARE_RX_OVERRIDE_URL), "extension url");
        CHECK(!strcmp(str_at(ext, "0.extension.0.valueCode"), "allergy"), "code");
        CHECK(!strcmp(str_at(ext, "0.extension.2.valueString"), p.override_reason), "reason");
        CHECK(!strcmp(str_at(ext, "0.extension.3.valueReference.reference"), "AllergyIntolerance/pen-1"), "concerns allergy");
        CHECK(!strcmp(str_at(ext, "1.extension.3.valueReference.reference"), "MedicationRequest/r9"), "concerns request");
        CHECK(strstr(str_at(mr, "note.0.text"), "tolerated cefuroxime") && strstr(str_at(mr, "note.0.text"), "cephalosporin"),
              "note names reason and warning");
        CHECK(!strcmp(str_at(mr, "note.0.authorReference.reference"), "Practitioner/dr-a"), "note author");
        json_decref(mr);
    }
    json_decref(x);

    /* bad input */
    memset(&p, 0, sizeof p);
    p.drug = ck_care_drug_by_rxnorm("723");
    p.patient = "alice";
    p.requester = "dr-a";
    p.quantity = 0;
    CHECK(ck_care_rx_build(&p, &err) == NULL && !strcmp(err.code, "bad_input"), "quantity 0");
    p.quantity = 100001;
    CHECK(ck_care_rx_build(&p, &err) == NULL, "quantity too large");
    p.quantity = 10;
    p.refills = 100;
    CHECK(ck_care_rx_build(&p, &err) == NULL, "too many refills");
    p.refills = 0;
    p.patient = "alice smith";
    CHECK(ck_care_rx_build(&p, &err) == NULL && strstr(err.msg, "patient"), "bad patient id");
    p.patient = "alice";
    p.dosage = "twice\na day";
    CHECK(ck_care_rx_build(&p, &err) == NULL && strstr(err.msg, "dosage"), "control characters in dosage");
    p.dosage = NULL;
    p.id = "bad/id";
    CHECK(ck_care_rx_build(&p, &err) == NULL, "bad id");
    p.id = NULL;
    p.drug = NULL;
    CHECK(ck_care_rx_build(&p, &err) == NULL, "no drug");
    p.drug = ck_care_drug_by_rxnorm("723");
    CHECK((mr = ck_care_rx_build(&p, &err)) != NULL, "then it builds");
    json_decref(mr);
    ck_care_new_id(id);
    CHECK(strlen(id) == 36, "ids");
}

static void test_cancel(void)
{
    ck_care_error err;
    json_t *mr = prescribe("ibuprofen", 20, 0), *c, *c2, *item;
    if (!mr) return;
    item = as_item(json_incref(mr));
    c = ck_care_rx_cancel(item, "dr-a", "wrong patient", T0 + 60000, &err);
    CHECK(c != NULL, "cancelled (%s)", err.msg);
    if (c) {
        CHECK(!strcmp(str_at(c, "status"), "cancelled"), "status cancelled");
        CHECK(!strcmp(str_at(c, "statusReason.text"), "wrong patient"), "reason");
        CHECK(!strcmp(str_at(c, "id"), str_at(mr, "id")), "same id: a new version");
        CHECK(!strcmp(str_at(c, "note.0.authorReference.reference"), "Practitioner/dr-a"), "note by the canceller");
        CHECK(!strcmp(str_at(mr, "status"), "active"), "the original untouched");
        c2 = ck_care_rx_cancel(c, "dr-a", NULL, T0, &err);
        CHECK(c2 == NULL && !strcmp(err.code, "state") && strstr(err.msg, "cancelled"), "cancelling twice refused");
        json_decref(c2);
        json_decref(c);
    }
    CHECK(ck_care_rx_cancel(mr, "dr a", NULL, T0, &err) == NULL, "bad canceller");
    CHECK(ck_care_rx_cancel(mr, "dr-a", "x\ty", T0, &err) == NULL, "bad reason");
    json_object_set_new(mr, "status", json_string("completed"));
    CHECK(ck_care_rx_cancel(mr, "dr-a", NULL, T0, &err) == NULL && !strcmp(err.code, "state"), "completed");
    json_decref(item);
    json_decref(mr);
}

static json_t *dispense(const json_t *mr, uint32_t qty, const char *status)
{
    ck_care_dispense_params p;
    ck_care_error err;
    json_t *d;
    memset(&p, 0, sizeof p);
    p.request = mr;
    p.pharmacist = "pharm";
    p.quantity = qty;
    p.when_ms = T0 + 3600000;
    d = ck_care_dispense_build(&p, &err);
    CHECK(d != NULL, "dispense built (%s)", err.msg);
    if (d && status) json_object_set_new(d, "status", json_string(status));
    return d ? as_item(d) : json_null();
}

static void test_dispense(void)
{
    ck_care_error err;
    ck_care_dispense_params dp;
    uint32_t fill = 0, used, allowed;
    json_t *mr = prescribe("amoxicillin", 30, 0), *other = prescribe("amoxicillin", 30, 0), *disp = json_array(), *d;
    const char *id;
    char want[160];
    if (!mr || !other) goto out;
    id = str_at(mr, "id");

    CHECK(ck_care_dispense_check(mr, disp, 30, &fill, &err) == 0 && fill == 1, "first fill allowed (%s)", err.msg);
    CHECK(ck_care_dispense_check(mr, disp, 31, &fill, &err) == -1 && !strcmp(err.code, "quantity") &&
              strstr(err.msg, "31 exceeds the 30 tablet"),
          "over the per-fill quantity: %s", err.msg);
    CHECK(ck_care_dispense_check(mr, disp, 0, &fill, &err) == -1 && !strcmp(err.code, "bad_input"), "quantity 0");

    d = dispense(mr, 30, NULL);
    CHECK(!strcmp(str_at(d, "resource.resourceType"), "MedicationDispense"), "dispense type");
    CHECK(!strcmp(str_at(d, "resource.status"), "completed"), "completed");
    snprintf(want, sizeof want, "MedicationRequest/%s", id);
    CHECK(!strcmp(str_at(d, "resource.authorizingPrescription.0.reference"), want), "authorizingPrescription");
    CHECK(!strcmp(str_at(d, "resource.performer.0.actor.reference"), "Practitioner/pharm"), "performer");
    CHECK(!strcmp(str_at(d, "resource.subject.reference"), "Patient/alice"), "subject copied");
    CHECK(!strcmp(str_at(d, "resource.medicationCodeableConcept.coding.0.code"), "723"), "medication copied");
    CHECK(int_at(json_object_get(d, "resource"), "quantity", "value", NULL) == 30 &&
              !strcmp(str_at(d, "resource.quantity.unit"), "tablet"),
          "quantity with the request's unit");
    CHECK(!strcmp(str_at(d, "resource.whenHandedOver"), "2026-11-24T10:30:00Z"), "whenHandedOver");
    CHECK(json_object_get(json_object_get(d, "resource"), "location") == NULL, "no location");
    json_array_append_new(disp, d);

    /* limit reached */
    snprintf(want, sizeof want, "prescription %s was dispensed 1 of 1 times", id);
    CHECK(ck_care_dispense_check(mr, disp, 1, &fill, &err) == -1 && !strcmp(err.code, "exhausted") &&
              !strcmp(err.msg, want),
          "second fill refused: %s", err.msg);
    CHECK(ck_care_dispense_count(mr, disp, &used, &allowed) == 0 && used == 1 && allowed == 1, "count 1 of 1");
    /* another prescription is not touched */
    CHECK(ck_care_dispense_check(other, disp, 30, &fill, &err) == 0 && fill == 1, "other prescription unaffected");
    json_decref(disp);

    /* refills: 1 + 2 fills; cancelled and entered-in-error dispenses do not count; in-progress does */
    json_decref(mr);
    mr = prescribe("metformin", 60, 2);
    disp = json_array();
    json_array_append_new(disp, dispense(mr, 60, NULL));
    json_array_append_new(disp, dispense(mr, 60, "cancelled"));
    json_array_append_new(disp, dispense(mr, 60, "entered-in-error"));
    json_array_append_new(disp, dispense(other, 30, NULL));
    CHECK(ck_care_dispense_check(mr, disp, 60, &fill, &err) == 0 && fill == 2, "fill 2 of 3 (%u)", fill);
    json_array_append_new(disp, dispense(mr, 10, "in-progress"));
    CHECK(ck_care_dispense_check(mr, disp, 60, &fill, &err) == 0 && fill == 3, "fill 3 of 3");
    json_array_append_new(disp, dispense(mr, 60, NULL));
    CHECK(ck_care_dispense_check(mr, disp, 1, &fill, &err) == -1 && !strcmp(err.code, "exhausted") &&
              strstr(err.msg, "dispensed 3 of 3 times"),
          "after three fills: %s", err.msg);

    /* statuses */
    {
        static const char *const st[] = {"cancelled", "completed", "stopped", "entered-in-error", "on-hold", "draft"};
        json_t *empty = json_array();
        for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
            json_object_set_new(other, "status", json_string(st[i]));
            CHECK(ck_care_dispense_check(other, empty, 1, &fill, &err) == -1 && !strcmp(err.code, "state") &&
                      strstr(err.msg, st[i]),
                  "request %s refused", st[i]);
        }
        json_object_set_new(other, "status", json_string("active"));
        json_object_del(other, "dispenseRequest");
        CHECK(ck_care_dispense_check(other, empty, 1, &fill, &err) == -1 && !strcmp(err.code, "bad_input"),
              "no dispense quantity refused");
        json_decref(empty);
    }

    /* build: bad input, location */
    memset(&dp, 0, sizeof dp);
    dp.request = mr;
    dp.pharmacist = "pharm";
    dp.quantity = 5;
    dp.location = "main-pharmacy";
    d = ck_care_dispense_build(&dp, &err);
    CHECK(d && !strcmp(str_at(d, "location.reference"), "Location/main-pharmacy"), "location");
    json_decref(d);
    dp.pharmacist = "ph arm";
    CHECK(ck_care_dispense_build(&dp, &err) == NULL, "bad pharmacist");
    dp.pharmacist = "pharm";
    dp.quantity = 0;
    CHECK(ck_care_dispense_build(&dp, &err) == NULL, "quantity 0");
    dp.quantity = 1;
    dp.request = json_object_get(mr, "subject");
    CHECK(ck_care_dispense_build(&dp, &err) == NULL, "not a request");
out:
    json_decref(disp);
    json_decref(mr);
    json_decref(other);
}

/* A ledger rx item: drug, status, authoredOn, quantity, refills. */
static json_t *rx_item(const char *drug, const char *status, int64_t when, uint32_t qty, uint32_t refills)
{
    json_t *mr = prescribe(drug, qty, refills);
    char t[32];
    ck_care_time_format(t, when);
    json_object_set_new(mr, "status", json_string(status));
    json_object_set_new(mr, "authoredOn", json_string(t));
    return as_item(mr);
}

static void test_mis(void)
{
    ck_care_period p;
    ck_care_error err;
    ck_care_table *t;
    json_t *items = json_array(), *bad;
    const int64_t day = 86400000LL;
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    json_array_append_new(items, rx_item("ibuprofen", "active", T0, 20, 0));
    json_array_append_new(items, rx_item("amoxicillin", "active", T0, 30, 1));       /* 60 */
    json_array_append_new(items, rx_item("amoxicillin", "completed", T0 + day, 21, 0));
    json_array_append_new(items, rx_item("amoxicillin", "cancelled", T0 + day, 30, 0));
    json_array_append_new(items, rx_item("ibuprofen", "active", T0 + 2 * day, 10, 2)); /* 30 */
    json_array_append_new(items, rx_item("amoxicillin", "entered-in-error", T0, 30, 0));
    json_array_append_new(items, rx_item("metformin", "active", T0 - 30 * day, 60, 0));  /* October */
    json_array_append_new(items, rx_item("warfarin", "active", T0, 28, 0));
    t = ck_care_mis_prescriptions(items, &p, &err);
    CHECK(t != NULL, "report built (%s)", err.msg);
    if (t) {
        CHECK(ck_care_table_rows(t) == 4, "three drugs and a total (%zu)", ck_care_table_rows(t));
        CHECK(!strcmp(ck_care_table_cell(t, 0, 0), "723") && !strcmp(ck_care_table_cell(t, 0, 1), "amoxicillin"),
              "amoxicillin first");
        CHECK(!strcmp(ck_care_table_cell(t, 0, 3), "2") && !strcmp(ck_care_table_cell(t, 0, 4), "1"),
              "two prescribed, one cancelled, entered-in-error ignored");
        CHECK(!strcmp(ck_care_table_cell(t, 0, 5), "81"), "quantity 30x2 + 21 (%s)", ck_care_table_cell(t, 0, 5));
        CHECK(!strcmp(ck_care_table_cell(t, 1, 1), "ibuprofen") && !strcmp(ck_care_table_cell(t, 1, 5), "50"),
              "ibuprofen second: 20 + 10x3");
        CHECK(!strcmp(ck_care_table_cell(t, 2, 1), "warfarin") && !strcmp(ck_care_table_cell(t, 2, 3), "1"), "warfarin");
        CHECK(!strcmp(ck_care_table_cell(t, 3, 0), "total") && !strcmp(ck_care_table_cell(t, 3, 3), "5") &&
                  !strcmp(ck_care_table_cell(t, 3, 4), "1") && !strcmp(ck_care_table_cell(t, 3, 5), "159"),
              "total row");
        CHECK(!strcmp(ck_care_table_cell(t, 3, 2), "tablet"), "one unit: the total has it");
        ck_care_table_free(t);
    }
    /* ties sort by name; mixed units leave the total quantity empty */
    json_array_append_new(items, rx_item("warfarin", "active", T0, 5, 0));
    json_object_set_new(json_object_get(json_object_get(json_object_get(json_array_get(items, 8), "resource"),
                                                        "dispenseRequest"), "quantity"),
                        "unit", json_string("mg"));
    t = ck_care_mis_prescriptions(items, &p, &err);
    CHECK(t && ck_care_table_rows(t) == 5, "warfarin in two units: two rows");
    if (t) {
        CHECK(!strcmp(ck_care_table_cell(t, 2, 1), "warfarin") && !strcmp(ck_care_table_cell(t, 2, 2), "mg"),
              "ties by name then unit");
        CHECK(!strcmp(ck_care_table_cell(t, 4, 5), "") && !strcmp(ck_care_table_cell(t, 4, 2), ""),
              "mixed units: no total quantity");
        ck_care_table_free(t);
    }
    /* empty period */
    CHECK(ck_care_period_parse("2027-01", &p) == 0, "period");
    t = ck_care_mis_prescriptions(items, &p, &err);
    CHECK(t && ck_care_table_rows(t) == 1 && !strcmp(ck_care_table_cell(t, 0, 3), "0"), "nothing in January: total 0");
    ck_care_table_free(t);
    /* bad input */
    bad = json_deep_copy(items);
    json_object_del(json_object_get(json_array_get(bad, 1), "resource"), "authoredOn");
    CHECK(ck_care_mis_prescriptions(bad, &p, &err) == NULL && !strcmp(err.code, "bad_input") && strstr(err.msg, "rx[1]"),
          "request without authoredOn: %s", err.msg);
    json_decref(bad);
    CHECK(ck_care_mis_prescriptions(NULL, &p, &err) == NULL, "no items");
    json_decref(items);
}

int main(void)
{
    test_build();
    test_cancel();
    test_dispense();
    test_mis();
    TEST_MAIN_END();
}
