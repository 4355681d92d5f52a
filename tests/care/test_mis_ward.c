/* tests/care/test_mis_ward.c - admissions, bed occupancy and outpatient
 * reports against figures computed by hand (see the comments at each
 * stay), stays crossing the period's ends, entered-in-error, bad items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/care.h"
#include "harness.h"

static int streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static json_t *item(json_t *resource)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:o}", "section", "ward", "type",
                     json_string_value(json_object_get(resource, "resourceType")), "id",
                     json_string_value(json_object_get(resource, "id")), "author", "nurse-a", "time", 0, "seq", 1,
                     "resource", resource);
}

/* An inpatient stay as the encounter commands write it. */
static json_t *stay(const char *id, const char *status, const char *ward, const char *start, const char *end)
{
    char wref[96], bref[96];
    json_t *r;
    snprintf(wref, sizeof wref, "Location/%s", ward);
    snprintf(bref, sizeof bref, "Location/%s-bed-1", ward);
    r = json_pack("{s:s,s:s,s:s,s:{s:s,s:s},s:{s:s},s:{s:s},s:[{s:{s:s},s:{s:[{s:s}]}},{s:{s:s},s:{s:[{s:s}]}}]}",
                  "resourceType", "Encounter", "id", id, "status", status, "class", "system",
                  "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "IMP", "subject", "reference",
                  "Patient/alice", "period", "start", start, "location", "location", "reference", wref, "physicalType",
                  "coding", "code", "wa", "location", "reference", bref, "physicalType", "coding", "code", "bd");
    if (end) json_object_set_new(json_object_get(r, "period"), "end", json_string(end));
    return item(r);
}

static json_t *visit(const char *id, const char *status, const char *cls, const char *dept, const char *start)
{
    json_t *r = json_pack("{s:s,s:s,s:s,s:{s:s},s:{s:s,s:s}}", "resourceType", "Encounter", "id", id, "status", status,
                          "class", "code", cls, "period", "start", start, "end", start);
    if (dept) json_object_set_new(r, "serviceType", json_pack("{s:[{s:s}]}", "coding", "code", dept));
    return item(r);
}

static json_t *units(void)
{
    return json_pack("[{s:s,s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:s,s:i},{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s},"
                     "{s:s,s:s,s:s,s:s}]",
                     "org", "hosp-a", "name", "ward-a", "kind", "ward", "display_name", "Ward A", "beds", 10,
                     "org", "hosp-a", "name", "ward-b", "kind", "ward", "display_name", "Ward B", "beds", 4,
                     "org", "hosp-a", "name", "cardio", "kind", "department", "display_name", "Cardiology",
                     "org", "hosp-a", "name", "ortho", "kind", "department", "display_name", "Orthopaedics",
                     "org", "hosp-a", "name", "th-1", "kind", "theatre", "display_name", "Theatre 1");
}

/* period 2026-11: 30 days */
static json_t *ward_items(void)
{
    json_t *a = json_array();
    /* ward-a */
    json_array_append_new(a, stay("s1", "finished", "ward-a", "2026-10-25T00:00:00Z", "2026-11-03T12:00:00Z")); /* dis; 2.5 d */
    json_array_append_new(a, stay("s2", "finished", "ward-a", "2026-11-10T06:00:00Z", "2026-11-12T18:00:00Z")); /* adm dis; 2.5 d */
    json_array_append_new(a, stay("s3", "in-progress", "ward-a", "2026-11-28T00:00:00Z", NULL));                /* adm; 3 d */
    json_array_append_new(a, stay("s4", "finished", "ward-a", "2026-11-29T00:00:00Z", "2026-12-02T00:00:00Z")); /* adm; 2 d */
    json_array_append_new(a, stay("s5", "entered-in-error", "ward-a", "2026-11-05T00:00:00Z", NULL));           /* nothing */
    json_array_append_new(a, stay("s6", "finished", "ward-a", "2026-09-01T00:00:00Z", "2026-09-05T00:00:00Z")); /* nothing */
    json_array_append_new(a, stay("s7", "finished", "ward-a", "2026-10-01T00:00:00Z", "2026-12-15T00:00:00Z")); /* 30 d */
    json_array_append_new(a, stay("s7b", "cancelled", "ward-a", "2026-11-02T00:00:00Z", NULL));                 /* nothing */
    /* ward-b */
    json_array_append_new(a, stay("s8", "finished", "ward-b", "2026-11-15T08:00:00Z", "2026-11-15T16:00:00Z")); /* adm dis; 1/3 d */
    /* a ward the directory no longer lists */
    json_array_append_new(a, stay("s9", "in-progress", "ward-x", "2026-11-20T00:00:00Z", NULL));                /* adm; 11 d */
    /* another type in the section is not counted */
    json_array_append_new(a, item(json_pack("{s:s,s:s}", "resourceType", "Location", "id", "loc-1")));
    return a;
}

static const char *cell(const ck_care_table *t, size_t r, size_t c)
{
    const char *s = ck_care_table_cell(t, r, c);
    return s ? s : "(null)";
}

static void check_row(const ck_care_table *t, size_t r, size_t n, const char *const *want)
{
    for (size_t c = 0; c < n; c++)
        CHECK(streq(cell(t, r, c), want[c]), "row %zu col %zu: got '%s' want '%s'", r, c, cell(t, r, c), want[c]);
}

static void test_admissions(void)
{
    json_t *items = ward_items(), *u = units();
    ck_care_period p;
    ck_care_error e;
    ck_care_table *t;
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    t = ck_care_mis_admissions(items, u, &p, &e);
    CHECK(t != NULL, "admissions: %s", e.msg);
    if (t) {
        static const char *const want[4][4] = {
            {"ward-a", "Ward A", "3", "2"},
            {"ward-b", "Ward B", "1", "1"},
            {"ward-x", "(not in directory)", "1", "0"},
            {"total", "", "5", "3"},
        };
        json_t *j = ck_care_table_json(t);
        CHECK(ck_care_table_rows(t) == 4, "4 rows: %zu", ck_care_table_rows(t));
        for (size_t r = 0; r < 4; r++) check_row(t, r, 4, want[r]);
        CHECK(strstr(json_string_value(json_object_get(j, "title")), "2026-11-01 to 2026-11-30") != NULL, "title");
        json_decref(j);
    }
    ck_care_table_free(t);

    /* December: s4 discharged, s7 discharged; no admissions */
    CHECK(ck_care_period_parse("2026-12", &p) == 0, "period");
    t = ck_care_mis_admissions(items, u, &p, &e);
    if (t) {
        static const char *const r0[] = {"ward-a", "Ward A", "0", "2"};
        static const char *const r3[] = {"total", "", "0", "2"};
        check_row(t, 0, 4, r0);
        check_row(t, 3, 4, r3);
    }
    ck_care_table_free(t);

    /* a single day: 2026-11-03 (s1's discharge) */
    CHECK(ck_care_period_parse("2026-11-03", &p) == 0, "day");
    t = ck_care_mis_admissions(items, u, &p, &e);
    CHECK(t && streq(cell(t, 0, 2), "0") && streq(cell(t, 0, 3), "1"), "one day");
    ck_care_table_free(t);

    /* no wards, no items: only the total row */
    {
        json_t *none = json_array();
        t = ck_care_mis_admissions(none, none, &p, &e);
        CHECK(t && ck_care_table_rows(t) == 1 && streq(cell(t, 0, 0), "total") && streq(cell(t, 0, 2), "0"), "empty");
        ck_care_table_free(t);
        json_decref(none);
    }
    json_decref(items);
    json_decref(u);
}

static void test_occupancy(void)
{
    json_t *items = ward_items(), *u = units();
    ck_care_period p;
    ck_care_error e;
    ck_care_table *t;
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    t = ck_care_mis_occupancy(items, u, &p, &e);
    CHECK(t != NULL, "occupancy: %s", e.msg);
    if (t) {
        static const char *const want[4][7] = {
            /* ward-a: 2.5 + 2.5 + 3 + 2 + 30 = 40 bed-days of 10 x 30 = 300: 13.3 % */
            {"ward-a", "Ward A", "10", "5", "40.00", "300.00", "13.3"},
            /* ward-b: 8 h = 0.333 of 4 x 30 = 120: 0.28 % */
            {"ward-b", "Ward B", "4", "1", "0.33", "120.00", "0.3"},
            /* ward-x: 11 days, no beds known */
            {"ward-x", "(not in directory)", "0", "1", "11.00", "0.00", ""},
            /* 51.333 of 420: 12.2 % */
            {"total", "", "14", "7", "51.33", "420.00", "12.2"},
        };
        CHECK(ck_care_table_rows(t) == 4, "4 rows");
        for (size_t r = 0; r < 4; r++) check_row(t, r, 7, want[r]);
    }
    ck_care_table_free(t);

    /* 2026-11-28..2026-11-30 (3 days): s3 3 d, s4 2 d, s7 3 d = 8 of 30: 26.7 % */
    CHECK(ck_care_period_parse("2026-11-28..2026-11-30", &p) == 0, "range");
    t = ck_care_mis_occupancy(items, u, &p, &e);
    if (t) {
        static const char *const r0[] = {"ward-a", "Ward A", "10", "3", "8.00", "30.00", "26.7"};
        check_row(t, 0, 7, r0);
    }
    ck_care_table_free(t);

    /* rounding half away from zero: 3 h = 0.125 d -> 0.13; 1 of 8 beds-days -> 12.5 % */
    {
        json_t *one = json_array(), *u1 = json_pack("[{s:s,s:s,s:s,s:i}]", "name", "w", "kind", "ward", "display_name",
                                                     "W", "beds", 1);
        json_array_append_new(one, stay("h", "finished", "w", "2026-11-03T00:00:00Z", "2026-11-03T03:00:00Z"));
        CHECK(ck_care_period_parse("2026-11-03", &p) == 0, "day");
        t = ck_care_mis_occupancy(one, u1, &p, &e);
        CHECK(t && streq(cell(t, 0, 4), "0.13") && streq(cell(t, 0, 6), "12.5"), "rounding: %s %s", cell(t, 0, 4),
              cell(t, 0, 6));
        ck_care_table_free(t);
        json_decref(one);
        json_decref(u1);
    }
    json_decref(items);
    json_decref(u);
}

static void test_builder_compat(void)
{
    /* an admission made by the encounter builder is counted */
    ck_care_encounter_in in;
    ck_care_error e;
    ck_care_period p;
    ck_care_table *t;
    json_t *enc, *items = json_array(), *u = units();
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.author = "dr-a";
    in.org = "hosp-a";
    in.ward = "ward-b";
    in.bed = 2;
    CHECK(ck_care_time_parse("2026-11-20T10:00:00Z", &in.at_ms) == 0, "time");
    enc = ck_care_encounter_admit(&in, &e);
    CHECK(enc != NULL, "admit: %s", e.msg);
    if (enc) json_array_append_new(items, item(enc));
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    t = ck_care_mis_admissions(items, u, &p, &e);
    CHECK(t && streq(cell(t, 1, 0), "ward-b") && streq(cell(t, 1, 2), "1"), "builder admission counted: %s", e.msg);
    ck_care_table_free(t);
    /* 10 h on Nov 20 + 10 days = 10.58 bed-days */
    t = ck_care_mis_occupancy(items, u, &p, &e);
    CHECK(t && streq(cell(t, 1, 4), "10.58"), "builder stay open to the period end: %s", t ? cell(t, 1, 4) : e.msg);
    ck_care_table_free(t);
    json_decref(items);
    json_decref(u);
}

static void test_outpatient(void)
{
    json_t *items = json_array(), *u = units();
    ck_care_period p;
    ck_care_error e;
    ck_care_table *t;
    json_array_append_new(items, visit("v1", "finished", "AMB", "cardio", "2026-11-02T09:00:00Z"));
    json_array_append_new(items, visit("v2", "finished", "AMB", "cardio", "2026-11-30T23:59:59Z")); /* last second */
    json_array_append_new(items, visit("v3", "finished", "AMB", "cardio", "2026-12-01T00:00:00Z")); /* next month */
    json_array_append_new(items, visit("v4", "finished", "EMER", "cardio", "2026-11-05T03:00:00Z"));
    json_array_append_new(items, visit("v5", "finished", "EMER", NULL, "2026-11-06T03:00:00Z"));    /* no department */
    json_array_append_new(items, visit("v6", "entered-in-error", "AMB", "ortho", "2026-11-07T10:00:00Z"));
    json_array_append_new(items, visit("v7", "finished", "AMB", "derm", "2026-11-07T10:00:00Z"));   /* not listed */
    json_array_append_new(items, visit("v8", "finished", "AMB", "ortho", "2026-10-31T23:59:59Z"));
    json_array_append_new(items, visit("v9", "finished", "AMB", "ortho", "2026-11-01T00:30:00+01:00")); /* = Oct 31 */
    json_array_append_new(items, visit("v10", "in-progress", "AMB", "ortho", "2026-11-01T00:00:00Z")); /* first instant */
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    t = ck_care_mis_outpatient(items, u, &p, &e);
    CHECK(t != NULL, "outpatient: %s", e.msg);
    if (t) {
        static const char *const r0[] = {"cardio", "Cardiology", "2", "1", "3"};
        static const char *const r1[] = {"ortho", "Orthopaedics", "1", "0", "1"};
        static const char *const r2[] = {"(none)", "no department named", "0", "1", "1"};
        static const char *const r3[] = {"derm", "(not in directory)", "1", "0", "1"};
        static const char *const r4[] = {"total", "", "4", "2", "6"};
        CHECK(ck_care_table_rows(t) == 5, "5 rows: %zu", ck_care_table_rows(t));
        check_row(t, 0, 5, r0);
        check_row(t, 1, 5, r1);
        check_row(t, 2, 5, r2);
        check_row(t, 3, 5, r3);
        check_row(t, 4, 5, r4);
    }
    ck_care_table_free(t);
    /* an inpatient stay in the clinic section is a bad item */
    json_array_append_new(items, stay("s1", "finished", "ward-a", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"));
    memset(&e, 0, sizeof e);
    t = ck_care_mis_outpatient(items, u, &p, &e);
    CHECK(t == NULL && streq(e.code, "bad_item") && strstr(e.msg, "Encounter/s1"), "stay in clinic: %s", e.msg);
    json_decref(items);
    items = json_array();
    json_array_append_new(items, visit("v1", "finished", "AMB", NULL, "2026-11-02T09:00:00Z"));
    t = ck_care_mis_outpatient(items, u, &p, &e);
    CHECK(t == NULL && streq(e.code, "bad_item"), "outpatient visit without department");
    json_decref(items);
    items = json_array();
    json_array_append_new(items, visit("v1", "finished", "AMB", "bad dept", "2026-11-02T09:00:00Z"));
    t = ck_care_mis_outpatient(items, u, &p, &e);
    CHECK(t == NULL && streq(e.code, "bad_item"), "invalid department name");
    json_decref(items);
    json_decref(u);
}

static void expect_bad_item(json_t *it, const char *what)
{
    json_t *items = json_array(), *u = units();
    ck_care_period p;
    ck_care_error e;
    ck_care_table *t;
    json_array_append_new(items, stay("ok", "finished", "ward-a", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"));
    json_array_append_new(items, it);
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");
    memset(&e, 0, sizeof e);
    t = ck_care_mis_admissions(items, u, &p, &e);
    CHECK(t == NULL && streq(e.code, "bad_item") && strstr(e.msg, "Encounter/bad"), "%s: admissions %s %s", what, e.code,
          e.msg);
    ck_care_table_free(t);
    memset(&e, 0, sizeof e);
    t = ck_care_mis_occupancy(items, u, &p, &e);
    CHECK(t == NULL && streq(e.code, "bad_item"), "%s: occupancy", what);
    ck_care_table_free(t);
    json_decref(items);
    json_decref(u);
}

static void test_bad_input(void)
{
    json_t *items = ward_items(), *u = units(), *x;
    ck_care_period p, empty = {100, 100};
    ck_care_error e;
    CHECK(ck_care_period_parse("2026-11", &p) == 0, "period");

    expect_bad_item(visit("bad", "finished", "AMB", "cardio", "2026-11-02T00:00:00Z"), "visit in the ward section");
    x = stay("bad", "finished", "ward-a", "2026-11-02T00:00:00Z", NULL);
    expect_bad_item(x, "finished without end");
    expect_bad_item(stay("bad", "finished", "ward-a", "2026-11-05T00:00:00Z", "2026-11-04T00:00:00Z"), "end before start");
    expect_bad_item(stay("bad", "in-progress", "ward-a", "yesterday", NULL), "bad start");
    expect_bad_item(stay("bad", "finished", "ward-a", "2026-11-02T00:00:00Z", "2026-13-01"), "bad end");
    expect_bad_item(stay("bad", "arrived", "ward-a", "2026-11-02T00:00:00Z", NULL), "odd status");
    x = stay("bad", "in-progress", "ward-a", "2026-11-02T00:00:00Z", NULL);
    json_object_del(json_object_get(x, "resource"), "location");
    expect_bad_item(x, "no location");
    x = stay("bad", "in-progress", "ward-a", "2026-11-02T00:00:00Z", NULL);
    json_object_del(json_object_get(x, "resource"), "status");
    expect_bad_item(x, "no status");
    x = stay("bad", "in-progress", "ward-a", "2026-11-02T00:00:00Z", NULL);
    json_object_del(json_object_get(x, "resource"), "period");
    expect_bad_item(x, "no period");
    /* but a stay entered in error may be anything */
    {
        json_t *ok = json_array();
        ck_care_table *t;
        x = stay("bad", "entered-in-error", "ward-a", "nonsense", NULL);
        json_object_del(json_object_get(x, "resource"), "location");
        json_array_append_new(ok, x);
        t = ck_care_mis_admissions(ok, u, &p, &e);
        CHECK(t && streq(cell(t, 2, 2), "0"), "entered-in-error skipped before any check");
        ck_care_table_free(t);
        json_decref(ok);
    }

    CHECK(ck_care_mis_admissions(items, u, &empty, &e) == NULL && streq(e.code, "bad_input"), "empty period");
    CHECK(ck_care_mis_admissions(items, u, NULL, &e) == NULL, "no period");
    CHECK(ck_care_mis_occupancy(NULL, u, &p, &e) == NULL && streq(e.code, "bad_input"), "no items");
    CHECK(ck_care_mis_outpatient(items, NULL, &p, &e) == NULL && streq(e.code, "bad_input"), "no units");
    x = json_pack("[{s:s}]", "kind", "ward");
    CHECK(ck_care_mis_admissions(items, x, &p, &e) == NULL && streq(e.code, "bad_input"), "unit without name");
    json_decref(x);
    x = json_pack("[{s:s,s:s,s:i}]", "name", "w", "kind", "ward", "beds", -1);
    CHECK(ck_care_mis_occupancy(items, x, &p, &e) == NULL && streq(e.code, "bad_input"), "negative beds");
    json_decref(x);
    x = json_pack("[{s:s,s:s},{s:s,s:s}]", "name", "w", "kind", "ward", "name", "w", "kind", "ward");
    CHECK(ck_care_mis_occupancy(items, x, &p, &e) == NULL && streq(e.code, "bad_input"), "unit twice");
    json_decref(x);
    {
        ck_care_period huge;
        CHECK(ck_care_period_parse("1900-01-01..2026-11-30", &huge) == 0, "long range");
        CHECK(ck_care_mis_occupancy(items, u, &huge, &e) == NULL && streq(e.code, "bad_input"), "period too long");
        /* the counting reports take it */
        ck_care_table *t = ck_care_mis_admissions(items, u, &huge, &e);
        CHECK(t && streq(cell(t, 0, 2), "6") && streq(cell(t, 0, 3), "3"), "all time: ward-a 6 admissions, 3 discharges");
        ck_care_table_free(t);
    }
    json_decref(items);
    json_decref(u);
}

int main(void)
{
    test_admissions();
    test_occupancy();
    test_builder_compat();
    test_outpatient();
    test_bad_input();
    TEST_MAIN_END();
}
