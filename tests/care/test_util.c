/*
 * test_util.c - FHIR instants, periods, ids and references (care_util.c).
 * Expected epoch values were computed independently (date -u -d ... +%s).
 */
#include "harness.h"

#include <time.h>

#include "carekey/care.h"

static int64_t parsed(const char *s)
{
    int64_t ms = -1;
    return ck_care_time_parse(s, &ms) == 0 ? ms : -999;
}

static void test_instants(void)
{
    char out[32];
    CHECK(parsed("1970-01-01") == 0, "epoch date");
    CHECK(parsed("2026-11-24T09:30:00Z") == 1795512600000LL, "instant Z");
    CHECK(parsed("2026-11-24T09:30") == 1795512600000LL, "minutes, UTC");
    CHECK(parsed("2026-11-24T10:30:00+01:00") == 1795512600000LL, "positive offset");
    CHECK(parsed("2026-11-24T04:00:00-05:30") == 1795512600000LL, "negative offset with minutes");
    CHECK(parsed("2026-11-24T09:30:00.250Z") == 1795512600250LL, "milliseconds");
    CHECK(parsed("2026-11-24T09:30:00.2Z") == 1795512600200LL, "one fraction digit");
    CHECK(parsed("2024-02-29") == 1709164800000LL, "leap day");
    CHECK(parsed("2000-02-29") == 951782400000LL, "leap day of a 400-year");
    /* refused */
    const char *bad[] = {"", "2026", "2026-11", "2026-13-01", "2026-00-10", "2026-11-31", "2023-02-29",
                         "1900-02-29", "2026-11-24T24:00", "2026-11-24T09:60", "2026-11-24T09:30:61Z",
                         "2026-11-24T09:30Z ", "2026-11-24 09:30", "2026-11-24T9:30", "2026-11-24T09:30:00.Z",
                         "2026-11-24T09:30+1:00", "2026-11-24T09:30+15:00", "2026-11-24junk", "１９７０-01-01",
                         "1899-12-31", "2026-11-24T09:30:00.1234567890Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK(parsed(bad[i]) == -999, "refuses '%s'", bad[i]);
    int64_t ms = 0;
    CHECK(ck_care_time_parse(NULL, &ms) != 0, "NULL input");
    ck_care_time_format(out, 1795512600000LL);
    CHECK(!strcmp(out, "2026-11-24T09:30:00Z"), "format: %s", out);
    ck_care_time_format(out, 0);
    CHECK(!strcmp(out, "1970-01-01T00:00:00Z"), "format epoch: %s", out);
    /* every day over 30 years round-trips through format and parse, and
     * agrees with the C library's UTC conversion */
    int ok = 1;
    for (int64_t d = -3650; d < 3 * 3650 && ok; d++) {
        int64_t t = d * 86400000LL + 12345000;
        time_t secs = (time_t)(t / 1000);
        struct tm tm;
        char lib[32];
        gmtime_r(&secs, &tm);
        strftime(lib, sizeof lib, "%Y-%m-%dT%H:%M:%SZ", &tm);
        ck_care_time_format(out, t);
        if (strcmp(out, lib) != 0 || parsed(out) != t) ok = 0;
    }
    CHECK(ok, "format/parse agree with gmtime over 40 years");
}

static void test_periods(void)
{
    ck_care_period p;
    CHECK(ck_care_period_parse("2026-11", &p) == 0 && p.from_ms == parsed("2026-11-01") &&
              p.to_ms == parsed("2026-12-01"), "a month");
    CHECK(ck_care_period_parse("2024-02", &p) == 0 && p.to_ms - p.from_ms == 29 * 86400000LL, "leap February");
    CHECK(ck_care_period_parse("2026-12", &p) == 0 && p.to_ms == parsed("2027-01-01"), "December ends next year");
    CHECK(ck_care_period_parse("2026-11-24", &p) == 0 && p.from_ms == parsed("2026-11-24") &&
              p.to_ms == parsed("2026-11-25"), "a day");
    CHECK(ck_care_period_parse("2026-11-01..2026-11-07", &p) == 0 && p.from_ms == parsed("2026-11-01") &&
              p.to_ms == parsed("2026-11-08"), "a range, last day included");
    CHECK(ck_care_period_parse("2026-11-07..2026-11-01", &p) != 0, "reversed range");
    CHECK(ck_care_period_parse("2026-13", &p) != 0, "month 13");
    CHECK(ck_care_period_parse("2026-11..2026-12", &p) != 0, "months in a range");
    CHECK(ck_care_period_parse("2026-11-01..", &p) != 0, "open range");
    CHECK(ck_care_period_parse("2026-11x", &p) != 0, "trailing text");
}

static void test_ids_refs(void)
{
    char a[37], b[37];
    json_t *r;
    ck_care_new_id(a);
    ck_care_new_id(b);
    CHECK(strlen(a) == 36 && a[8] == '-' && a[13] == '-' && a[14] == '4' && a[18] == '-' && a[23] == '-',
          "uuid v4 shape: %s", a);
    CHECK(strchr("89ab", a[19]) != NULL, "uuid variant");
    CHECK(strcmp(a, b) != 0, "fresh ids differ");
    r = ck_care_ref("Patient", "p1", "Parker");
    CHECK(r && !strcmp(json_string_value(json_object_get(r, "reference")), "Patient/p1") &&
              !strcmp(json_string_value(json_object_get(r, "display")), "Parker"), "ref with display");
    CHECK(ck_care_ref_id(r, "Patient") && !strcmp(ck_care_ref_id(r, "Patient"), "p1"), "ref id");
    CHECK(ck_care_ref_id(r, "Practitioner") == NULL, "other type");
    CHECK(ck_care_ref_id(r, "Pat") == NULL, "type prefix is not a type");
    json_decref(r);
    r = json_pack("{s:s}", "reference", "Patient/");
    CHECK(ck_care_ref_id(r, "Patient") == NULL, "empty id");
    json_decref(r);
    json_t *items = json_pack("[{s:s,s:s,s:{}},{s:s,s:s,s:{s:i}}]", "type", "Encounter", "id", "e1", "resource",
                              "type", "Slot", "id", "e1", "resource", "n", 2);
    const json_t *it = ck_care_items_find(items, "Slot", "e1");
    CHECK(it && json_integer_value(json_object_get(ck_care_item_resource(it), "n")) == 2, "find by type and id");
    CHECK(ck_care_items_find(items, "Slot", "e2") == NULL, "missing id");
    json_decref(items);
}

int main(void)
{
    test_instants();
    test_periods();
    test_ids_refs();
    TEST_MAIN_END();
}
