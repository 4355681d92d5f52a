/*
 * fhir_date.c - FHIR dates as ranges of time, and the R4 date prefixes.
 *
 * R4 search (3.1.1.4.7) treats every date as the range its precision
 * implies: "2024" is the whole year, "2024-03-01T10:00Z" the whole
 * minute. A search value and a target value are both ranges, and each
 * prefix is a relation between them (3.1.1.4.2). Ranges here are
 * half-open, [lo, hi) in Unix milliseconds, so "the whole day" ends where
 * the next one starts and no 23:59:59.999 rounding is needed.
 *
 * A dateTime without a zone is taken as UTC (R4 leaves it to the server;
 * UTC keeps results the same on every machine). Dates without a time
 * (year, month, day) are days in UTC too: docs/FHIR.md says so.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fhir_api_int.h"

#define DAY_MS INT64_C(86400000)

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-days
 * arithmetic with 400-year eras). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Exactly k digits at s[at..]; -1 when not. */
static int num(const char *s, size_t len, size_t at, size_t k)
{
    int v = 0;
    size_t i;
    if (at + k > len) return -1;
    for (i = 0; i < k; i++) {
        char c = s[at + i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

int ck_fhir_api_date_range(const char *s, size_t len, int64_t *lo, int64_t *hi, ck_fhir_api_precision *precision)
{
    int y, mo = 1, d = 1, hh = 0, mi = 0, ss = 0, ms = 0, tzs = 0, tzh = 0, tzm = 0;
    int64_t width = 1, start;
    ck_fhir_api_precision p;
    size_t pos;

    if (!s || !lo || !hi) return -1;
    if ((y = num(s, len, 0, 4)) < 1) return -1; /* FHIR has no year 0000 */
    p = CK_FHIR_API_YEAR;
    pos = 4;
    if (pos < len) {
        if (s[pos] != '-' || (mo = num(s, len, pos + 1, 2)) < 1 || mo > 12) return -1;
        p = CK_FHIR_API_MONTH;
        pos += 3;
    }
    if (pos < len) {
        if (s[pos] != '-' || (d = num(s, len, pos + 1, 2)) < 1 || d > month_days(y, mo)) return -1;
        p = CK_FHIR_API_DAY;
        pos += 3;
    }
    if (pos < len) {
        /* A time needs hours and minutes (R4: "the minutes SHALL be
         * present if an hour is present"); seconds and fractions may
         * follow, then the zone. */
        if (s[pos] != 'T' || (hh = num(s, len, pos + 1, 2)) < 0 || hh > 23) return -1;
        if (pos + 3 >= len || s[pos + 3] != ':' || (mi = num(s, len, pos + 4, 2)) < 0 || mi > 59) return -1;
        p = CK_FHIR_API_MINUTE;
        pos += 6;
        if (pos < len && s[pos] == ':') {
            /* 60: a leap second, as FHIR's dateTime pattern allows. */
            if ((ss = num(s, len, pos + 1, 2)) < 0 || ss > 60) return -1;
            p = CK_FHIR_API_SECOND;
            pos += 3;
            if (pos < len && s[pos] == '.') {
                size_t k = 0;
                int scale = 100;
                pos++;
                while (pos + k < len && s[pos + k] >= '0' && s[pos + k] <= '9') {
                    /* digits past the millisecond are read and dropped */
                    if (k < 3) ms += (s[pos + k] - '0') * scale, scale /= 10;
                    k++;
                }
                if (k == 0 || k > 9) return -1;
                p = CK_FHIR_API_MILLI;
                width = k == 1 ? 100 : k == 2 ? 10 : 1;
                pos += k;
            }
        }
        if (pos < len) {
            if (s[pos] == 'Z') {
                pos++;
            } else if (s[pos] == '+' || s[pos] == '-') {
                tzs = s[pos] == '-' ? -1 : 1;
                if ((tzh = num(s, len, pos + 1, 2)) < 0 || tzh > 14) return -1;
                if (pos + 3 >= len || s[pos + 3] != ':' || (tzm = num(s, len, pos + 4, 2)) < 0 || tzm > 59)
                    return -1;
                if (tzh == 14 && tzm != 0) return -1;
                pos += 6;
            } else {
                return -1;
            }
        }
    }
    if (pos != len) return -1;

    start = days_from_civil(y, mo, d) * DAY_MS;
    switch (p) {
    case CK_FHIR_API_YEAR: width = days_from_civil(y + 1, 1, 1) * DAY_MS - start; break;
    case CK_FHIR_API_MONTH:
        width = (mo == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, mo + 1, 1)) * DAY_MS - start;
        break;
    case CK_FHIR_API_DAY: width = DAY_MS; break;
    case CK_FHIR_API_MINUTE: width = 60000; break;
    case CK_FHIR_API_SECOND: width = 1000; break;
    default: break; /* CK_FHIR_API_MILLI: set above */
    }
    start += (int64_t)hh * 3600000 + (int64_t)mi * 60000 + (int64_t)ss * 1000 + ms;
    start -= (int64_t)tzs * ((int64_t)tzh * 3600000 + (int64_t)tzm * 60000);
    *lo = start;
    *hi = start + width;
    if (precision) *precision = p;
    return 0;
}

int ck_fhir_api_date_test(ck_fhir_api_prefix prefix, int64_t slo, int64_t shi, int64_t tlo, int64_t thi)
{
    /* The search range contains the target's; the range above the search
     * value [shi, +inf) meets the target's; the range below (-inf, slo)
     * meets it. */
    int contains = slo <= tlo && thi <= shi;
    int above = thi > shi;
    int below = tlo < slo;
    switch (prefix) {
    case CK_FHIR_API_EQ: return contains;
    case CK_FHIR_API_NE: return !contains;
    case CK_FHIR_API_GT: return above;
    case CK_FHIR_API_LT: return below;
    case CK_FHIR_API_GE: return above || contains;
    case CK_FHIR_API_LE: return below || contains;
    /* starts after: no overlap and the range above holds the target */
    case CK_FHIR_API_SA: return tlo >= shi;
    /* ends before: no overlap and the range below holds the target */
    case CK_FHIR_API_EB: return thi <= slo;
    }
    return 0;
}

int ck_fhir_api_instant(char buf[CK_FHIR_API_INSTANT_MAX], int64_t ms)
{
    static const int64_t min = INT64_C(-62135596800000);  /* 0001-01-01T00:00:00Z */
    static const int64_t max = INT64_C(253402300799999);  /* 9999-12-31T23:59:59.999Z */
    int64_t days, rem, y;
    int m, d;
    if (!buf) return -1;
    if (ms < min || ms > max) {
        buf[0] = 0;
        return -1;
    }
    days = ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS);
    rem = ms - days * DAY_MS;
    civil_from_days(days, &y, &m, &d);
    /* every field in range (the moduli tell the compiler so too) */
    snprintf(buf, CK_FHIR_API_INSTANT_MAX, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", (unsigned)(y % 10000),
             (unsigned)m % 13, (unsigned)d % 32, (unsigned)(rem / 3600000 % 24), (unsigned)(rem / 60000 % 60),
             (unsigned)(rem / 1000 % 60), (unsigned)(rem % 1000));
    return 0;
}
