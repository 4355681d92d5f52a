/*
 * test_fhir_params: the search query parser (src/http/fhir_params.c) and
 * FHIR dates as ranges (fhir_date.c): known inputs with exact results,
 * and one negative case for every rejection the parser makes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fhir_api.h"
#include "harness.h"
#include "json_check.h"

static ck_fhir_api_query q;
static ck_fhir_api_error err;

static int parse(const char *type, const char *qs)
{
    return ck_fhir_api_query_parse(&q, type, qs, strlen(qs), &err);
}

/* The query fails with code and, when expr is not NULL, that expression. */
static void reject(const char *type, const char *qs, ck_fhir_api_code code, const char *expr)
{
    int r = parse(type, qs);
    CHECK(r == -1, "%s?%s: accepted", type, qs);
    CHECK(err.code == code, "%s?%s: code %s, want %s (%s)", type, qs, ck_fhir_api_code_name(err.code),
          ck_fhir_api_code_name(code), err.msg);
    if (expr) CHECK(strcmp(err.expr, expr) == 0, "%s?%s: expr '%s', want '%s'", type, qs, err.expr, expr);
    CHECK(err.msg[0] != 0, "%s?%s: no message", type, qs);
}

static void accept(const char *type, const char *qs)
{
    int r = parse(type, qs);
    CHECK(r == 0, "%s?%s: refused: %s", type, qs, err.msg);
}

static const char *S(ck_fhir_api_span s)
{
    return ck_fhir_api_str(&q, s);
}

/* 2024-03-01T00:00:00Z and friends, in ms */
#define T_2024 INT64_C(1704067200000)
#define T_2025 INT64_C(1735689600000)
#define T_MAR1 INT64_C(1709251200000)
#define T_APR1 INT64_C(1711929600000)
#define T_MAR2 (T_MAR1 + INT64_C(86400000))

static void test_dates(void)
{
    int64_t lo, hi;
    ck_fhir_api_precision p;
    char buf[CK_FHIR_API_INSTANT_MAX];
    static const char *const bad[] = {
        "", "0000", "202", "20241", "2024-1", "2024-00", "2024-13", "2024-02-30", "2023-02-29", "2024-04-31",
        "2024-03-01T", "2024-03-01T10", "2024-03-01T10Z", "2024-03-01T24:00Z", "2024-03-01T10:60Z",
        "2024-03-01T10:00:61Z", "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00.1234567890Z",
        "2024-03-01T10:00+15:00", "2024-03-01T10:00+14:30", "2024-03-01T10:00+1:00", "2024-03-01T10:00+01",
        "2024-03-01T10:00 01:00", "2024-03-01Z", "2024-03-01x", "2024-03Z", "2024-03-01 10:00Z", "-2024",
        "2024-03-01T10:00:00Zx", "2024-03-01T10:00ZZ", "2024-03-01t10:00Z",
    };
    size_t i;

    CHECK(ck_fhir_api_date_range("2024", 4, &lo, &hi, &p) == 0 && lo == T_2024 && hi == T_2025 &&
              p == CK_FHIR_API_YEAR, "year");
    CHECK(ck_fhir_api_date_range("2024-03", 7, &lo, &hi, &p) == 0 && lo == T_MAR1 && hi == T_APR1 &&
              p == CK_FHIR_API_MONTH, "month");
    CHECK(ck_fhir_api_date_range("2024-02", 7, &lo, &hi, &p) == 0 && hi - lo == INT64_C(29) * 86400000,
          "leap February");
    CHECK(ck_fhir_api_date_range("2024-12", 7, &lo, &hi, &p) == 0 && hi == T_2025, "December ends at the new year");
    CHECK(ck_fhir_api_date_range("2024-03-01", 10, &lo, &hi, &p) == 0 && lo == T_MAR1 && hi == T_MAR2 &&
              p == CK_FHIR_API_DAY, "day");
    CHECK(ck_fhir_api_date_range("2024-02-29", 10, &lo, &hi, &p) == 0, "29 February 2024");
    CHECK(ck_fhir_api_date_range("2000-02-29", 10, &lo, &hi, &p) == 0, "29 February 2000");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15Z", 17, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + 36900000 && hi == lo + 60000 && p == CK_FHIR_API_MINUTE, "minute");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30Z", 20, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + 36930000 && hi == lo + 1000 && p == CK_FHIR_API_SECOND, "second");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30.5Z", 22, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + 36930500 && hi == lo + 100 && p == CK_FHIR_API_MILLI, "tenth");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30.25Z", 23, &lo, &hi, &p) == 0 && lo == T_MAR1 + 36930250 &&
              hi == lo + 10, "hundredth");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30.123456Z", 27, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + 36930123 && hi == lo + 1, "microseconds read to the millisecond");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30+02:00", 25, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + 36930000 - 7200000, "zone east");
    CHECK(ck_fhir_api_date_range("2024-02-29T23:15:30-05:30", 25, &lo, &hi, &p) == 0 &&
              lo == T_MAR1 + (4 * 3600 + 45 * 60 + 30) * INT64_C(1000), "zone west crosses the day");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:30", 19, &lo, &hi, &p) == 0 && lo == T_MAR1 + 36930000,
          "no zone: UTC");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:15:60Z", 20, &lo, &hi, &p) == 0 && lo == T_MAR1 + 36960000,
          "a leap second");
    CHECK(ck_fhir_api_date_range("2024-03-01T10:00+14:00", 22, &lo, &hi, &p) == 0, "+14:00");
    CHECK(ck_fhir_api_date_range("0001", 4, &lo, &hi, &p) == 0 && lo == INT64_C(-62135596800000), "year 1");
    CHECK(ck_fhir_api_date_range("9999-12-31", 10, &lo, &hi, &p) == 0 && hi == INT64_C(253402300800000),
          "9999-12-31");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(ck_fhir_api_date_range(bad[i], strlen(bad[i]), &lo, &hi, &p) == -1, "date '%s' accepted", bad[i]);
    /* a length shorter than the string: only that prefix counts */
    CHECK(ck_fhir_api_date_range("2024-03-01", 7, &lo, &hi, &p) == 0 && p == CK_FHIR_API_MONTH, "len respected");

    CHECK(ck_fhir_api_instant(buf, 0) == 0 && strcmp(buf, "1970-01-01T00:00:00.000Z") == 0, "epoch: %s", buf);
    CHECK(ck_fhir_api_instant(buf, T_MAR1 + 36930123) == 0 && strcmp(buf, "2024-03-01T10:15:30.123Z") == 0,
          "instant: %s", buf);
    CHECK(ck_fhir_api_instant(buf, -1) == 0 && strcmp(buf, "1969-12-31T23:59:59.999Z") == 0, "before 1970: %s", buf);
    CHECK(ck_fhir_api_instant(buf, INT64_C(-62135596800000)) == 0 && strcmp(buf, "0001-01-01T00:00:00.000Z") == 0,
          "year 1: %s", buf);
    CHECK(ck_fhir_api_instant(buf, INT64_C(253402300799999)) == 0 && strcmp(buf, "9999-12-31T23:59:59.999Z") == 0,
          "year 9999: %s", buf);
    CHECK(ck_fhir_api_instant(buf, INT64_C(253402300800000)) == -1, "year 10000");
    CHECK(ck_fhir_api_instant(buf, INT64_C(-62135596800001)) == -1, "year 0");
    CHECK(ck_fhir_api_instant(buf, INT64_MIN) == -1 && ck_fhir_api_instant(buf, INT64_MAX) == -1, "extremes");
    /* instant -> range -> the same ms */
    for (i = 0; i < 1000; i++) {
        int64_t t = (int64_t)(i * 7919u) * INT64_C(86400000) / 3 - INT64_C(5000000000000) + (int64_t)i * 7;
        CHECK(ck_fhir_api_instant(buf, t) == 0 && ck_fhir_api_date_range(buf, strlen(buf), &lo, &hi, &p) == 0 &&
                  lo == t && hi == t + 1, "round trip %" PRId64, t);
    }
}

static void test_accept(void)
{
    const ck_fhir_api_value *v;

    accept("Observation", "");
    CHECK(q.nclauses == 0 && q.count == 0 && q.offset == 0 && q.nsort == 0, "empty query");
    accept("Patient", "_id=p1");

    accept("Observation", "patient=Patient/p1");
    v = &q.values[0];
    CHECK(q.nclauses == 1 && q.clauses[0].param == CK_FHIR_API_P_PATIENT && strcmp(S(v->a), "Patient") == 0 &&
              strcmp(S(v->b), "p1") == 0, "patient=Patient/p1");
    accept("Observation", "patient=p1");
    CHECK(strcmp(S(q.values[0].a), "Patient") == 0 && strcmp(S(q.values[0].b), "p1") == 0, "patient=p1");
    accept("Observation", "subject=Group/g.1");
    CHECK(strcmp(S(q.values[0].a), "Group") == 0 && strcmp(S(q.values[0].b), "g.1") == 0, "subject=Group/g.1");
    accept("Observation", "subject=x-1");
    CHECK(q.values[0].a.len == 0 && strcmp(S(q.values[0].b), "x-1") == 0, "subject=bare id");

    accept("Observation", "code=http%3A%2F%2Floinc.org%7C8480-6,%7Cabc,sys%7C,plain");
    CHECK(q.nclauses == 1 && q.clauses[0].n == 4 && q.nvalues == 4, "four alternatives");
    CHECK(q.values[0].has_system && strcmp(S(q.values[0].a), "http://loinc.org") == 0 &&
              strcmp(S(q.values[0].b), "8480-6") == 0, "system|code");
    CHECK(q.values[1].has_system && q.values[1].a.len == 0 && strcmp(S(q.values[1].b), "abc") == 0, "|code");
    CHECK(q.values[2].has_system && strcmp(S(q.values[2].a), "sys") == 0 && q.values[2].b.len == 0, "system|");
    CHECK(!q.values[3].has_system && strcmp(S(q.values[3].b), "plain") == 0, "code");
    CHECK(strcmp(S(q.clauses[0].raw), "http://loinc.org|8480-6,|abc,sys|,plain") == 0, "raw kept");

    /* escapes: \, \| \\ \$ are literal */
    accept("Observation", "code=a%5C,b");
    CHECK(q.clauses[0].n == 1 && strcmp(S(q.values[0].b), "a,b") == 0 && !q.values[0].has_system, "\\,");
    accept("Observation", "code=a%5C%7Cb");
    CHECK(strcmp(S(q.values[0].b), "a|b") == 0 && !q.values[0].has_system, "\\|");
    accept("Observation", "code=s%5C%5C%7Cc%5C$");
    CHECK(strcmp(S(q.values[0].a), "s\\") == 0 && strcmp(S(q.values[0].b), "c$") == 0, "\\\\ and \\$");
    accept("Observation", "code=a+b");
    CHECK(strcmp(S(q.values[0].b), "a b") == 0, "+ is a space");
    accept("Observation", "code=%C3%A9t%C3%A9");
    CHECK(strcmp(S(q.values[0].b), "\xc3\xa9t\xc3\xa9") == 0, "UTF-8");

    accept("Observation", "date=ge2024-01-01&date=lt2024-02-01");
    CHECK(q.nclauses == 2 && q.values[0].prefix == CK_FHIR_API_GE && q.values[1].prefix == CK_FHIR_API_LT &&
              q.values[0].lo == T_2024 && q.values[1].lo == T_2024 + INT64_C(31) * 86400000, "a range by repetition");
    accept("Observation", "date=eq2024,ne2024,gt2024,lt2024,ge2024,le2024,sa2024,eb2024,2024");
    {
        static const ck_fhir_api_prefix want[] = {CK_FHIR_API_EQ, CK_FHIR_API_NE, CK_FHIR_API_GT,
                                                  CK_FHIR_API_LT, CK_FHIR_API_GE, CK_FHIR_API_LE,
                                                  CK_FHIR_API_SA, CK_FHIR_API_EB, CK_FHIR_API_EQ};
        unsigned i;
        CHECK(q.nvalues == 9, "nine prefixes");
        for (i = 0; i < 9 && i < q.nvalues; i++) CHECK(q.values[i].prefix == want[i], "prefix %u", i);
    }
    accept("Observation", "date=2024-03-01T10:00%2B02:00");
    CHECK(q.values[0].lo == T_MAR1 + 28800000 && q.values[0].precision == CK_FHIR_API_MINUTE, "%%2B zone");
    accept("Observation", "_lastUpdated=gt2024-03-01T10:15:30.123Z");
    CHECK(q.clauses[0].param == CK_FHIR_API_P_LASTUPDATED && q.values[0].prefix == CK_FHIR_API_GT, "_lastUpdated");

    accept("Observation", "status=final&category=vital-signs&_count=10&_offset=20&_sort=-date,_id");
    CHECK(q.count == 10 && q.offset == 20 && q.nsort == 2 && q.sort[0].key == CK_FHIR_API_SORT_DATE &&
              q.sort[0].desc && q.sort[1].key == CK_FHIR_API_SORT_ID && !q.sort[1].desc, "result parameters");
    accept("Observation", "_count=1000&_offset=1000000&_sort=_lastUpdated");
    CHECK(q.count == 1000 && q.offset == 1000000 && q.sort[0].key == CK_FHIR_API_SORT_LASTUPDATED, "limits");
    accept("Observation", "_offset=0&_count=1");
    accept("Patient", "_sort=-_id");
    accept("Observation", "_format=json");
    accept("Observation", "_format=application%2Ffhir%2Bjson");
    accept("Observation", "_format=application/fhir+json");
    accept("Observation", "%5Fcount=5");
    CHECK(q.count == 5, "an escaped name");
    accept("Immunization", "vaccine-code=cvx%7C140&code=140");
    CHECK(q.nclauses == 2 && q.clauses[0].param == CK_FHIR_API_P_CODE && q.clauses[1].param == CK_FHIR_API_P_CODE &&
              strcmp(q.clauses[0].name, "vaccine-code") == 0, "vaccine-code and code");
    accept("Condition", "clinical-status=active&category=problem-list-item");
    accept("AuditEvent", "patient=p1&date=ge2024");
    accept("Consent", "patient=p1&status=active&category=59284-0");
    accept("Appointment", "patient=p1&date=2024-03&status=booked");

    /* per-pair API, as libmicrohttpd hands pairs over */
    CHECK(ck_fhir_api_query_begin(&q, "Observation", &err) == 0, "begin");
    CHECK(ck_fhir_api_query_add(&q, "code", 4, "a,b", 3, &err) == 0 && q.nvalues == 2, "add");
    CHECK(ck_fhir_api_query_add(&q, "date", 4, "ge2024-01-01T00:00:00+01:00", 27, &err) == 0 &&
              q.values[2].lo == T_2024 - 3600000, "a decoded + stays a +");
    CHECK(ck_fhir_api_query_add(&q, "status", 6, NULL, 0, &err) == -1 && err.code == CK_FHIR_API_E_INVALID,
          "no value");
    CHECK(ck_fhir_api_query_add(&q, "status", 6, "a\0b", 3, &err) == -1 && err.code == CK_FHIR_API_E_INVALID,
          "an embedded NUL");
}

static void test_reject(void)
{
    char big[CK_FHIR_API_QUERY_MAX + 16];
    size_t i;

    /* types */
    CHECK(parse("Questionnaire", "") == -1 && err.code == CK_FHIR_API_E_NOT_SUPPORTED, "type not served");
    CHECK(parse("observation", "") == -1 && err.code == CK_FHIR_API_E_NOT_SUPPORTED, "type case");
    CHECK(ck_fhir_api_query_parse(&q, NULL, "", 0, &err) == -1 && err.code == CK_FHIR_API_E_ARG, "NULL type");
    CHECK(ck_fhir_api_query_parse(&q, "Observation", NULL, 3, &err) == -1 && err.code == CK_FHIR_API_E_ARG,
          "NULL query");

    /* unknown parameters and modifiers: not-supported */
    reject("Observation", "foo=1", CK_FHIR_API_E_NOT_SUPPORTED, "foo");
    reject("Observation", "code=a&value-quantity=5", CK_FHIR_API_E_NOT_SUPPORTED, "value-quantity");
    reject("Observation", "_include=*", CK_FHIR_API_E_NOT_SUPPORTED, "_include");
    reject("Observation", "_summary=true", CK_FHIR_API_E_NOT_SUPPORTED, "_summary");
    reject("Observation", "_summary=text", CK_FHIR_API_E_NOT_SUPPORTED, "_summary");
    reject("Observation", "_summary=count&_summary=count", CK_FHIR_API_E_INVALID, "_summary");
    reject("Observation", "_total=all", CK_FHIR_API_E_INVALID, "_total");
    reject("Observation", "_elements=Code", CK_FHIR_API_E_INVALID, "_elements");
    reject("Observation", "_elements=code,,status", CK_FHIR_API_E_INVALID, "_elements");
    reject("Observation", "_elements=code.coding", CK_FHIR_API_E_INVALID, "_elements");
    reject("Observation", "_elements:x=code", CK_FHIR_API_E_NOT_SUPPORTED, "_elements");
    reject("Observation", "Code=a", CK_FHIR_API_E_NOT_SUPPORTED, "Code");
    reject("Patient", "status=active", CK_FHIR_API_E_NOT_SUPPORTED, "status");
    reject("Patient", "patient=p1", CK_FHIR_API_E_NOT_SUPPORTED, "patient");
    reject("Encounter", "code=a", CK_FHIR_API_E_NOT_SUPPORTED, "code");
    reject("AllergyIntolerance", "subject=p1", CK_FHIR_API_E_NOT_SUPPORTED, "subject");
    reject("Observation", "code:text=bp", CK_FHIR_API_E_NOT_SUPPORTED, "code");
    reject("Observation", "code:exact=bp", CK_FHIR_API_E_NOT_SUPPORTED, "code");
    reject("Observation", "patient:missing=true", CK_FHIR_API_E_NOT_SUPPORTED, "patient");
    reject("Observation", "subject:Patient=p1", CK_FHIR_API_E_NOT_SUPPORTED, "subject");
    reject("Observation", "_count:x=1", CK_FHIR_API_E_NOT_SUPPORTED, "_count");
    reject("Observation", "date=ap2024", CK_FHIR_API_E_NOT_SUPPORTED, "date");
    reject("Observation", "_format=xml", CK_FHIR_API_E_NOT_SUPPORTED, "_format");
    reject("Observation", "_format=application/fhir%2Bxml", CK_FHIR_API_E_NOT_SUPPORTED, "_format");
    reject("Observation", "_sort=code", CK_FHIR_API_E_NOT_SUPPORTED, "_sort");
    reject("Observation", "_sort=foo", CK_FHIR_API_E_NOT_SUPPORTED, "_sort");
    reject("Patient", "_sort=date", CK_FHIR_API_E_NOT_SUPPORTED, "_sort");
    reject("Observation", "patient=http://h/fhir/Patient/p1", CK_FHIR_API_E_NOT_SUPPORTED, "patient");

    /* structure */
    reject("Observation", "code", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "=a", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=a&&status=b", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=a&", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "&code=a", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "&", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=%zz", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=%4", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=a%", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "co%zde=a", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "code=%00", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=a%0Ab", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=%7F", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=%FF", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=%C0%80", CK_FHIR_API_E_INVALID, "code");      /* overlong */
    reject("Observation", "code=%ED%A0%80", CK_FHIR_API_E_INVALID, "code");   /* surrogate */
    reject("Observation", "code=%F4%90%80%80", CK_FHIR_API_E_INVALID, "code"); /* above U+10FFFF */
    reject("Observation", "code=%C3", CK_FHIR_API_E_INVALID, "code");          /* truncated */
    reject("Observation", "co+de=a", CK_FHIR_API_E_INVALID, "");
    reject("Observation", "co%2Fde=a", CK_FHIR_API_E_INVALID, "");

    /* values */
    reject("Observation", "code=a,,b", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=a,", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=,a", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=%7C", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=a%7Cb%7Cc", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=a%5Cb", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "code=a%5C", CK_FHIR_API_E_INVALID, "code");
    reject("Observation", "patient=Group/1", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "patient=Patient/", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "patient=/p1", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "patient=p_1", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "patient=Patient/p1/_history/2", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "patient=Patient%7Cp1", CK_FHIR_API_E_INVALID, "patient");
    reject("Observation", "subject=group/1", CK_FHIR_API_E_INVALID, "subject");
    reject("Observation", "_id=a/b", CK_FHIR_API_E_INVALID, "_id");
    reject("Observation", "_id=0123456789012345678901234567890123456789012345678901234567890123456789",
           CK_FHIR_API_E_INVALID, "_id");
    reject("Observation", "date=xx2024", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "date=EQ2024", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "date=ge", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "date=2024-13", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "date=2024-03-01T10:00:00+01:00", CK_FHIR_API_E_INVALID, "date"); /* "+" unencoded */
    reject("Observation", "date=2024-03-01garbage", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "date=ge2024,", CK_FHIR_API_E_INVALID, "date");
    reject("Observation", "_lastUpdated=sa", CK_FHIR_API_E_INVALID, "_lastUpdated");

    /* result parameters */
    reject("Observation", "_count=0", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=1001", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=01", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=-1", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=1.5", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=ten", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=99999999999999999999", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_count=5&_count=5", CK_FHIR_API_E_INVALID, "_count");
    reject("Observation", "_offset=-1", CK_FHIR_API_E_INVALID, "_offset");
    reject("Observation", "_offset=1000001", CK_FHIR_API_E_INVALID, "_offset");
    reject("Observation", "_offset=007", CK_FHIR_API_E_INVALID, "_offset");
    reject("Observation", "_offset=1&_offset=2", CK_FHIR_API_E_INVALID, "_offset");
    reject("Observation", "_sort=-", CK_FHIR_API_E_INVALID, "_sort");
    reject("Observation", "_sort=date,,_id", CK_FHIR_API_E_INVALID, "_sort");
    reject("Observation", "_sort=date,", CK_FHIR_API_E_INVALID, "_sort");
    reject("Observation", "_sort=date,-date", CK_FHIR_API_E_INVALID, "_sort");
    reject("Observation", "_sort=date&_sort=_id", CK_FHIR_API_E_INVALID, "_sort");
    reject("Observation", "_format=json&_format=json", CK_FHIR_API_E_INVALID, "_format");

    /* sizes */
    memset(big, 0, sizeof big);
    memcpy(big, "code=", 5);
    memset(big + 5, 'a', CK_FHIR_API_QUERY_MAX - 4);
    reject("Observation", big, CK_FHIR_API_E_TOO_LONG, "");
    memset(big, 0, sizeof big);
    memcpy(big, "code=", 5);
    memset(big + 5, 'a', CK_FHIR_API_VALUE_MAX + 1);
    reject("Observation", big, CK_FHIR_API_E_TOO_LONG, "code");
    memset(big, 0, sizeof big);
    memset(big, 'a', CK_FHIR_API_NAME_MAX + 1);
    strcat(big, "=1");
    reject("Observation", big, CK_FHIR_API_E_TOO_LONG, "");
    memset(big, 0, sizeof big);
    for (i = 0; i <= CK_FHIR_API_CLAUSES_MAX; i++) strcat(big, i ? "&status=a" : "status=a");
    reject("Observation", big, CK_FHIR_API_E_TOO_LONG, "status");
    memset(big, 0, sizeof big);
    strcpy(big, "code=a");
    for (i = 0; i < CK_FHIR_API_VALUES_MAX; i++) strcat(big, ",a");
    reject("Observation", big, CK_FHIR_API_E_TOO_LONG, "code");
    /* the limits themselves are fine */
    memset(big, 0, sizeof big);
    for (i = 0; i < CK_FHIR_API_CLAUSES_MAX; i++) strcat(big, i ? "&status=a" : "status=a");
    accept("Observation", big);
    memset(big, 0, sizeof big);
    strcpy(big, "code=a");
    for (i = 1; i < CK_FHIR_API_VALUES_MAX; i++) strcat(big, ",a");
    accept("Observation", big);
    /* the text buffer: many long values through the per-pair API */
    CHECK(ck_fhir_api_query_begin(&q, "Observation", &err) == 0, "begin");
    memset(big, 'x', CK_FHIR_API_VALUE_MAX);
    for (i = 0; i < 16; i++)
        if (ck_fhir_api_query_add(&q, "code", 4, big, CK_FHIR_API_VALUE_MAX, &err) != 0) break;
    CHECK(i < 16 && err.code == CK_FHIR_API_E_TOO_LONG, "the text buffer is bounded");
}

static void test_encode(void)
{
    char buf[512];
    long n;
    accept("Observation",
           "status=final&code=http%3A%2F%2Floinc.org%7C8480-6&date=ge2024&date=lt2025&_sort=-date,_id&_count=10"
           "&_format=json&code=a+b%5C,c");
    n = ck_fhir_api_query_encode(buf, sizeof buf, &q, 10, 20);
    CHECK(n > 0 && strcmp(buf, "_count=10&_offset=20&_sort=-date,_id&code=http://loinc.org%7C8480-6&"
                               "code=a%20b%5C,c&date=ge2024&date=lt2025&status=final") == 0,
          "canonical: %s", buf);
    CHECK((size_t)n == strlen(buf), "length");
    /* the canonical form parses to the same query */
    {
        ck_fhir_api_query q2;
        char buf2[512];
        CHECK(ck_fhir_api_query_parse(&q2, "Observation", buf, strlen(buf), &err) == 0, "reparse: %s", err.msg);
        CHECK(ck_fhir_api_query_encode(buf2, sizeof buf2, &q2, q2.count, q2.offset) > 0 && strcmp(buf, buf2) == 0,
              "a fixed point: %s", buf2);
    }
    n = ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0);
    CHECK(n > 0 && strncmp(buf, "_sort=", 6) == 0, "no count, no offset: %s", buf);
    CHECK(ck_fhir_api_query_encode(buf, 20, &q, 10, 20) == -1 && buf[0] == 0, "too small");
    accept("Patient", "");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) == 0 && buf[0] == 0, "empty");
    accept("Observation", "date=2024-03-01T10:00%2B02:00");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) > 0 && strcmp(buf, "date=2024-03-01T10:00%2B02:00") == 0,
          "+ encoded: %s", buf);
}

/* String parameters: the value kept as written and folded, the two
 * modifiers strings take (and no other), and their canonical links; a
 * type's date under R4's own name sorts by that name. */
static void test_strings(void)
{
    char buf[512];
    accept("Patient", "family=M%C3%9CLLER&name:contains=Stra%C3%9Fe&given:exact=Zo%C3%AB");
    CHECK(q.nclauses == 3 && q.clauses[0].param == CK_FHIR_API_P_STRING, "three string clauses");
    CHECK(strcmp(S(q.values[0].a), "muller") == 0 && strcmp(S(q.values[0].b), "MÜLLER") == 0, "folded: %s",
          S(q.values[0].a));
    CHECK(q.clauses[0].modifier == CK_FHIR_API_MOD_NONE && q.clauses[1].modifier == CK_FHIR_API_MOD_CONTAINS &&
              q.clauses[2].modifier == CK_FHIR_API_MOD_EXACT,
          "modifiers");
    CHECK(strcmp(S(q.values[1].a), "strasse") == 0, "ß folds to ss: %s", S(q.values[1].a));
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) > 0 &&
              strcmp(buf, "family=M%C3%9CLLER&given:exact=Zo%C3%AB&name:contains=Stra%C3%9Fe") == 0,
          "canonical with modifiers: %s", buf);
    {
        ck_fhir_api_query q2;
        char buf2[512];
        CHECK(ck_fhir_api_query_parse(&q2, "Patient", buf, strlen(buf), &err) == 0 &&
                  ck_fhir_api_query_encode(buf2, sizeof buf2, &q2, 0, 0) > 0 && strcmp(buf, buf2) == 0,
              "modifiers: a fixed point");
    }
    accept("Patient", "name=a,b%5C,c");
    CHECK(q.clauses[0].n == 2 && strcmp(S(q.values[1].b), "b,c") == 0, "comma list and escape");
    reject("Patient", "name=%CC%88", CK_FHIR_API_E_INVALID, "name"); /* a lone accent folds to nothing */
    reject("Patient", "name=a|b", CK_FHIR_API_E_INVALID, "name");
    reject("Patient", "name:text=x", CK_FHIR_API_E_NOT_SUPPORTED, "name");
    reject("Patient", "gender:exact=female", CK_FHIR_API_E_NOT_SUPPORTED, "gender");
    reject("Patient", "identifier:contains=1", CK_FHIR_API_E_NOT_SUPPORTED, "identifier");
    reject("Patient", "_count:exact=1", CK_FHIR_API_E_NOT_SUPPORTED, "_count");
    reject("Patient", "name:exact:contains=x", CK_FHIR_API_E_NOT_SUPPORTED, "name");
    reject("Patient", "identifier=a|b|c", CK_FHIR_API_E_INVALID, "identifier");

    /* :missing and :not */
    accept("Patient", "gender:not=male&name:missing=true");
    CHECK(q.clauses[0].modifier == CK_FHIR_API_MOD_NOT && q.clauses[1].modifier == CK_FHIR_API_MOD_MISSING &&
              q.clauses[1].n == 1 && strcmp(S(q.values[q.clauses[1].first].b), "true") == 0,
          ":not and :missing parsed");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) > 0 && strcmp(buf, "gender:not=male&name:missing=true") == 0,
          "canonical: %s", buf);
    accept("Observation", "date:missing=false&subject:missing=false&code:not=http://loinc.org|8480-6,x");
    reject("Patient", "name:missing=maybe", CK_FHIR_API_E_INVALID, "name");
    reject("Patient", "name:missing=true,false", CK_FHIR_API_E_INVALID, "name");
    reject("Observation", "patient:missing=true", CK_FHIR_API_E_NOT_SUPPORTED, "patient");
    reject("Observation", "_id:missing=true", CK_FHIR_API_E_NOT_SUPPORTED, "_id");
    reject("Observation", "date:not=2020", CK_FHIR_API_E_NOT_SUPPORTED, "date");
    reject("Patient", "name:not=x", CK_FHIR_API_E_NOT_SUPPORTED, "name");
    reject("Observation", "subject:not=Patient/1", CK_FHIR_API_E_NOT_SUPPORTED, "subject");

    /* sorting by the type's own date name */
    accept("ImagingStudy", "_sort=-started");
    CHECK(q.nsort == 1 && q.sort[0].key == CK_FHIR_API_SORT_DATE && q.sort[0].desc, "_sort=-started");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 5, 0) > 0 && strcmp(buf, "_count=5&_sort=-started") == 0,
          "canonical: %s", buf);
    reject("ImagingStudy", "_sort=date", CK_FHIR_API_E_NOT_SUPPORTED, "_sort");
    accept("Patient", "_sort=birthdate,_id");
    reject("Organization", "_sort=date", CK_FHIR_API_E_NOT_SUPPORTED, "_sort");
    accept("Organization", "_sort=_id&name=general");
    accept("Encounter", "_sort=date&class=AMB&participant=Practitioner/x");
    reject("Encounter", "participant=http://x/Practitioner/1", CK_FHIR_API_E_NOT_SUPPORTED, "participant");
}

/* _include and _revinclude: Source:param[:Target], a reference parameter,
 * _include's source the searched type; kept in links as written. */
static void test_includes(void)
{
    char buf[512];
    size_t i;
    accept("Encounter", "patient=p1&_include=Encounter:service-provider&_revinclude=Observation:encounter:Encounter"
                        "&_include=Encounter:participant:Practitioner");
    CHECK(q.nincludes == 3 && !q.includes[0].rev && q.includes[1].rev && !q.includes[2].rev, "three includes");
    CHECK(strcmp(S(q.includes[0].source), "Encounter") == 0 && strcmp(S(q.includes[0].param), "service-provider") == 0 &&
              q.includes[0].target.len == 0,
          "Encounter:service-provider");
    CHECK(strcmp(S(q.includes[1].source), "Observation") == 0 && strcmp(S(q.includes[1].param), "encounter") == 0 &&
              strcmp(S(q.includes[1].target), "Encounter") == 0,
          "Observation:encounter:Encounter");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 10, 0) > 0 &&
              strcmp(buf, "_count=10&_include=Encounter:service-provider&_include=Encounter:participant:Practitioner&"
                          "_revinclude=Observation:encounter:Encounter&patient=p1") == 0,
          "canonical: %s", buf);
    {
        ck_fhir_api_query q2;
        char buf2[512];
        CHECK(ck_fhir_api_query_parse(&q2, "Encounter", buf, strlen(buf), &err) == 0 &&
                  ck_fhir_api_query_encode(buf2, sizeof buf2, &q2, q2.count, 0) > 0 && strcmp(buf, buf2) == 0,
              "includes: a fixed point");
    }
    accept("Patient", "_revinclude=Provenance:target&_revinclude=Encounter:patient");
    accept("MedicationRequest", "_include=MedicationRequest:medication:Medication");
    reject("Observation", "_include=Condition:subject", CK_FHIR_API_E_INVALID, "_include");
    reject("Observation", "_include=Observation:code", CK_FHIR_API_E_NOT_SUPPORTED, "_include");
    reject("Observation", "_include=Observation:nope", CK_FHIR_API_E_NOT_SUPPORTED, "_include");
    reject("Observation", "_include=Observation", CK_FHIR_API_E_INVALID, "_include");
    reject("Observation", "_include=Observation:subject:patient", CK_FHIR_API_E_INVALID, "_include");
    reject("Observation", "_include=Observation:subject:", CK_FHIR_API_E_INVALID, "_include");
    reject("Observation", "_include=observation:subject", CK_FHIR_API_E_INVALID, "_include");
    reject("Observation", "_include:iterate=Observation:subject", CK_FHIR_API_E_NOT_SUPPORTED, "_include");
    reject("Patient", "_revinclude=Consent:patient", CK_FHIR_API_E_NOT_SUPPORTED, "_revinclude");
    reject("Patient", "_revinclude=Questionnaire:subject", CK_FHIR_API_E_NOT_SUPPORTED, "_revinclude");
    reject("Consent", "_include=Consent:patient", CK_FHIR_API_E_NOT_SUPPORTED, "_include");
    {
        char qs[1024] = "";
        for (i = 0; i < CK_FHIR_API_INCLUDES_MAX + 1; i++)
            strcat(qs, i ? "&_revinclude=Observation:subject" : "_revinclude=Observation:subject");
        reject("Patient", qs, CK_FHIR_API_E_TOO_LONG, "_revinclude");
    }
}

/* _summary=count, _total (a hint), _elements: parsed, kept in links
 * (not _total), and what the searchset makes of them. */
static void test_result_shapes(void)
{
    char buf[512];
    json_t *set = json_array(), *b = NULL, *e;
    ck_fhir_api_searchset_in in = {"http://h/fhir", &q, set, NULL, 0};
    accept("Observation", "_summary=count&_total=accurate&status=final");
    CHECK(q.summary_count && q.elements.len == 0, "summary count");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) > 0 && strcmp(buf, "_summary=count&status=final") == 0,
          "canonical: %s", buf);
    json_array_append_new(set, json_pack("{s:s,s:s,s:s}", "resourceType", "Observation", "id", "o1", "status", "final"));
    CHECK(ck_fhir_api_searchset(&b, &in, &err) == 0 && json_integer_value(json_object_get(b, "total")) == 1 &&
              !json_object_get(b, "entry"),
          "_summary=count: the total, no entry");
    json_decref(b);
    accept("Observation", "_summary=false&_total=none");
    CHECK(!q.summary_count && ck_fhir_api_searchset(&b, &in, &err) == 0 && json_array_size(json_object_get(b, "entry")) == 1,
          "_summary=false: the entries");
    json_decref(b);

    accept("Observation", "_elements=status,value,subject");
    CHECK(ck_fhir_api_query_encode(buf, sizeof buf, &q, 0, 0) > 0 && strcmp(buf, "_elements=status,value,subject") == 0,
          "canonical: %s", buf);
    json_array_clear(set);
    json_array_append_new(set, J("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"3\"},"
                                 "\"status\":\"final\",\"code\":{\"text\":\"x\"},\"valueQuantity\":{\"value\":1},"
                                 "\"valuesOther\":1,\"subjectx\":2}"));
    CHECK(ck_fhir_api_searchset(&b, &in, &err) == 0, "searchset with _elements");
    e = json_object_get(json_array_get(json_object_get(b, "entry"), 0), "resource");
    {
        json_t *want = J("{\"resourceType\":\"Observation\",\"id\":\"o1\",\"meta\":{\"versionId\":\"3\",\"tag\":[{"
                         "\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ObservationValue\",\"code\":"
                         "\"SUBSETTED\",\"display\":\"subsetted\"}]},\"status\":\"final\",\"valueQuantity\":{\"value\":1}}");
        CHECK(json_equal(e, want), "subset: status and value[x] kept, code, valuesOther, subjectx dropped, tagged");
        json_decref(want);
    }
    CHECK(!json_object_get(json_object_get(json_array_get(set, 0), "meta"), "tag"), "the caller's resource untouched");
    json_decref(b);
    json_decref(set);
}

/* Patient/$everything's parameters and its pages. */
static void test_everything(void)
{
    ck_fhir_api_everything e;
    json_t *all = J("[{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00.000Z\"}},"
                    "{\"resourceType\":\"Condition\",\"id\":\"c1\",\"meta\":{\"lastUpdated\":\"2024-03-01T00:00:00.000Z\"}},"
                    "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"meta\":{\"lastUpdated\":\"2024-02-01T00:00:00.000Z\"}},"
                    "{\"resourceType\":\"Condition\",\"id\":\"c2\",\"meta\":{\"lastUpdated\":\"2024-04-01T00:00:00.000Z\"}},"
                    "{\"resourceType\":\"Observation\",\"id\":\"o1\"}]");
    json_t *b = NULL;
    const char *qs;

    qs = "_type=Condition,Encounter&_since=2024-02-15&_count=1&_offset=1";
    CHECK(ck_fhir_api_everything_parse(&e, qs, strlen(qs), &err) == 0, "everything: %s", err.msg);
    CHECK(e.ntypes == 2 && !strcmp(e.types[1], "Encounter") && e.has_since && e.since_ms == INT64_C(1707955200000) &&
              e.count == 1 && e.offset == 1,
          "everything parsed");
    CHECK(ck_fhir_api_everything_bundle(&b, "http://h/fhir", "pt-1", &e, all, &err) == 0, "everything bundle");
    same(b, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":2,\"link\":["
                 "{\"relation\":\"self\",\"url\":\"http://h/fhir/Patient/pt-1/$everything?_count=1&_offset=1&_since=2024-02-15T00:00:00.000Z&_type=Condition,Encounter\"},"
                 "{\"relation\":\"previous\",\"url\":\"http://h/fhir/Patient/pt-1/$everything?_count=1&_since=2024-02-15T00:00:00.000Z&_type=Condition,Encounter\"}],"
                 "\"entry\":[{\"fullUrl\":\"http://h/fhir/Condition/c2\",\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c2\","
                 "\"meta\":{\"lastUpdated\":\"2024-04-01T00:00:00.000Z\"}},\"search\":{\"mode\":\"match\"}}]}",
              "the second page of two Conditions updated since");
    CHECK(ck_fhir_api_everything_parse(&e, "", 0, &err) == 0 && e.ntypes == 0 && !e.has_since && !e.count, "no parameters");
    CHECK(ck_fhir_api_everything_bundle(&b, "http://h/fhir", "pt-1", &e, all, &err) == 0 &&
              json_array_size(json_object_get(b, "entry")) == 5 && json_array_size(json_object_get(b, "link")) == 1,
          "everything on one page");
    json_decref(b);
    qs = "_type=Questionnaire";
    CHECK(ck_fhir_api_everything_parse(&e, qs, strlen(qs), &err) == 0 &&
              ck_fhir_api_everything_bundle(&b, "http://h/fhir", "pt-1", &e, all, &err) == 0 &&
              json_integer_value(json_object_get(b, "total")) == 0 && !json_object_get(b, "entry"),
          "a type the record lacks: empty");
    json_decref(b);
    {
        static const struct {
            const char *qs;
            ck_fhir_api_code code;
        } bad[] = {
            {"start=2020", CK_FHIR_API_E_NOT_SUPPORTED}, {"end=2020", CK_FHIR_API_E_NOT_SUPPORTED},
            {"_sort=date", CK_FHIR_API_E_NOT_SUPPORTED}, {"_type=condition", CK_FHIR_API_E_INVALID},
            {"_type=Condition,", CK_FHIR_API_E_INVALID}, {"_type=", CK_FHIR_API_E_INVALID},
            {"_since=yesterday", CK_FHIR_API_E_INVALID}, {"_count=0", CK_FHIR_API_E_INVALID},
            {"_count=5&_count=5", CK_FHIR_API_E_INVALID}, {"_offset=-1", CK_FHIR_API_E_INVALID},
            {"_type", CK_FHIR_API_E_INVALID}, {"_type=Condition&", CK_FHIR_API_E_INVALID},
            {"&_type=Condition", CK_FHIR_API_E_INVALID}, {"_type=%zz", CK_FHIR_API_E_INVALID},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            CHECK(ck_fhir_api_everything_parse(&e, bad[i].qs, strlen(bad[i].qs), &err) == -1 && err.code == bad[i].code &&
                      err.msg[0],
                  "$everything?%s refused: %s", bad[i].qs, err.msg);
    }
    json_decref(all);
}

int main(void)
{
    test_dates();
    test_accept();
    test_reject();
    test_encode();
    test_strings();
    test_includes();
    test_result_shapes();
    test_everything();
    TEST_MAIN_END();
}
