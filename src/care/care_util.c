/*
 * care_util.c - what every care workflow needs: FHIR instants and periods
 * in UTC, fresh ids, references, the items the CLI hands over, and the
 * private helpers of care_internal.h (errors, checks, building blocks).
 *
 * Calendar arithmetic is done on days since 1970-01-01 (proleptic
 * Gregorian, Howard Hinnant's days_from_civil), never with the C library's
 * local-time functions, so results do not depend on the machine's zone.
 */
#include "care/care_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#define MS_PER_DAY 86400000LL

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

static void civil_from_days(int64_t z, int *y, int *m, int *d)
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
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* Reads exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        char ch = (*p)[i];
        if (ch < '0' || ch > '9') return -1;
        *v = *v * 10 + (ch - '0');
    }
    *p += n;
    return 0;
}

static int expect_char(const char **p, char ch)
{
    if (**p != ch) return -1;
    (*p)++;
    return 0;
}

/* "YYYY-MM-DD" (1900..9999) into days since the epoch. */
static int parse_date(const char **p, int64_t *days, int *y, int *m)
{
    int d;
    if (digits(p, 4, y) || expect_char(p, '-') || digits(p, 2, m) || expect_char(p, '-') || digits(p, 2, &d))
        return -1;
    if (*y < 1900 || *m < 1 || *m > 12 || d < 1 || d > month_days(*y, *m)) return -1;
    *days = days_from_civil(*y, *m, d);
    return 0;
}

/* "hh:mm[:ss[.fff]]" into ms since midnight. */
static int parse_clock(const char **p, int64_t *ms)
{
    int h, mi, s = 0, frac = 0;
    if (digits(p, 2, &h) || expect_char(p, ':') || digits(p, 2, &mi)) return -1;
    if (**p == ':') {
        (*p)++;
        if (digits(p, 2, &s)) return -1;
        if (**p == '.') {
            int n = 0;
            (*p)++;
            while (**p >= '0' && **p <= '9' && n < 9) {
                if (n < 3) frac = frac * 10 + (**p - '0');
                (*p)++;
                n++;
            }
            if (n == 0 || (**p >= '0' && **p <= '9')) return -1;
            for (; n < 3; n++) frac *= 10;
        }
    }
    if (h > 23 || mi > 59 || s > 59) return -1;
    *ms = ((int64_t)h * 3600 + mi * 60 + s) * 1000 + frac;
    return 0;
}

/* "Z", "+hh:mm", "-hh:mm" or nothing (UTC) into ms east of UTC. */
static int parse_zone(const char **p, int64_t *offset_ms)
{
    int sign, h, m;
    *offset_ms = 0;
    if (**p == 0) return 0;
    if (**p == 'Z') {
        (*p)++;
        return 0;
    }
    if (**p != '+' && **p != '-') return -1;
    sign = **p == '-' ? -1 : 1;
    (*p)++;
    if (digits(p, 2, &h) || expect_char(p, ':') || digits(p, 2, &m) || h > 14 || m > 59) return -1;
    *offset_ms = sign * ((int64_t)h * 60 + m) * 60000;
    return 0;
}

int ck_care_time_parse(const char *s, int64_t *ms)
{
    const char *p = s;
    int64_t days, clock = 0, zone = 0;
    int y, m;
    if (!s || !ms || parse_date(&p, &days, &y, &m)) return -1;
    if (*p == 'T') {
        p++;
        if (parse_clock(&p, &clock) || parse_zone(&p, &zone)) return -1;
    }
    if (*p) return -1;
    *ms = days * MS_PER_DAY + clock - zone;
    return 0;
}

void ck_care_time_format(char out[32], int64_t ms)
{
    int64_t days = ms >= 0 ? ms / MS_PER_DAY : -((-ms + MS_PER_DAY - 1) / MS_PER_DAY);
    int64_t rest = (ms - days * MS_PER_DAY) / 1000;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rest / 3600), (int)(rest / 60 % 60),
             (int)(rest % 60));
}

int ck_care_period_parse(const char *s, ck_care_period *out)
{
    const char *p = s, *dots;
    int64_t from, to;
    int y, m;
    if (!s || !out) return -1;
    if ((dots = strstr(s, ".."))) {
        char a[16], b[16];
        size_t la = (size_t)(dots - s), lb = strlen(dots + 2);
        if (la != 10 || lb != 10) return -1;
        memcpy(a, s, la), a[la] = 0;
        memcpy(b, dots + 2, lb), b[lb] = 0;
        p = a;
        if (parse_date(&p, &from, &y, &m) || *p) return -1;
        p = b;
        if (parse_date(&p, &to, &y, &m) || *p || to < from) return -1;
        out->from_ms = from * MS_PER_DAY;
        out->to_ms = (to + 1) * MS_PER_DAY;
        return 0;
    }
    if (strlen(s) == 7) {   /* YYYY-MM */
        if (digits(&p, 4, &y) || expect_char(&p, '-') || digits(&p, 2, &m) || *p || y < 1900 || m < 1 || m > 12)
            return -1;
        from = days_from_civil(y, m, 1);
        out->from_ms = from * MS_PER_DAY;
        out->to_ms = (from + month_days(y, m)) * MS_PER_DAY;
        return 0;
    }
    if (parse_date(&p, &from, &y, &m) || *p) return -1;
    out->from_ms = from * MS_PER_DAY;
    out->to_ms = (from + 1) * MS_PER_DAY;
    return 0;
}

void ck_care_new_id(char out[37])
{
    unsigned char b[16];
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    if (RAND_bytes(b, sizeof b) != 1) {
        /* the DRBG failing is not recoverable for an id generator; an id
         * of all zeros would collide, so stop here */
        abort();
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = 0;
}

json_t *ck_care_ref(const char *type, const char *id, const char *display)
{
    char buf[200];
    json_t *r;
    if (!type || !id || snprintf(buf, sizeof buf, "%s/%s", type, id) >= (int)sizeof buf) return NULL;
    if (!(r = json_pack("{s:s}", "reference", buf))) return NULL;
    if (display && json_object_set_new(r, "display", json_string(display)) != 0) {
        json_decref(r);
        return NULL;
    }
    return r;
}

const char *ck_care_ref_id(const json_t *ref, const char *type)
{
    const char *s = json_string_value(json_object_get(ref, "reference"));
    size_t n = type ? strlen(type) : 0;
    if (!s || !type || strncmp(s, type, n) != 0 || s[n] != '/' || !s[n + 1]) return NULL;
    return s + n + 1;
}

const json_t *ck_care_item_resource(const json_t *item) { return json_object_get(item, "resource"); }

const json_t *ck_care_items_find(const json_t *items, const char *type, const char *id)
{
    size_t i;
    const json_t *it;
    if (!type || !id) return NULL;
    json_array_foreach(items, i, it) {
        const char *t = json_string_value(json_object_get(it, "type"));
        const char *d = json_string_value(json_object_get(it, "id"));
        if (t && d && !strcmp(t, type) && !strcmp(d, id)) return it;
    }
    return NULL;
}

/* ---- care_internal.h ------------------------------------------------------ */

int ck_care_fail(ck_care_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    if (!err) return -1;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

void ck_care_error_clear(ck_care_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

#define LETTERS_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* 1..64 bytes, all of them from allowed. */
static int made_of(const char *s, const char *allowed)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= 64 && strspn(s, allowed) == n;
}

int ck_care_valid_ref_name(const char *s) { return made_of(s, LETTERS_DIGITS "._-"); }

int ck_care_valid_dir_name(const char *s)
{
    return made_of(s, LETTERS_DIGITS "._@-") && strchr(LETTERS_DIGITS, s[0]) != NULL;
}

int ck_care_valid_fhir_id(const char *s) { return made_of(s, LETTERS_DIGITS ".-"); }

int ck_care_valid_sctid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 6 && n <= 18 && s[0] != '0' && strspn(s, "0123456789") == n;
}

int ck_care_valid_text(const char *s, size_t max) { return s && *s && strlen(s) <= max; }

json_t *ck_care_coding(const char *system, const char *code, const char *display)
{
    return json_pack("{s:s,s:s,s:s*}", "system", system, "code", code, "display", display);
}

json_t *ck_care_concept(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[o]}", "coding", ck_care_coding(system, code, display));
}

json_t *ck_care_instant(int64_t ms)
{
    char t[32];
    ck_care_time_format(t, ms);
    return json_string(t);
}

json_t *ck_care_period_json(int64_t start_ms, int64_t end_ms)
{
    return json_pack("{s:o,s:o}", "start", ck_care_instant(start_ms), "end", ck_care_instant(end_ms));
}

void ck_care_span_text(char out[48], int64_t start_ms, int64_t end_ms)
{
    char a[32], b[32];
    ck_care_time_format(a, start_ms);
    ck_care_time_format(b, end_ms);
    /* a span ending at the next midnight stays on its day: "22:00-00:00" */
    if (!strncmp(a, b, 10) || (end_ms - start_ms <= MS_PER_DAY && !strcmp(b + 10, "T00:00:00Z")))
        snprintf(out, 48, "%.10s %.5s-%.5s", a, a + 11, b + 11);
    else
        snprintf(out, 48, "%.10s %.5s-%.10s %.5s", a, a + 11, b, b + 11);
}

void *ck_care_grow(void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
    unsigned char *p = v;
    if (n == *cap) {
        size_t c = *cap ? 2 * *cap : first;
        if (c > SIZE_MAX / elem || !(p = realloc(v, c * elem))) return NULL;
        *cap = c;
    }
    memset(p + n * elem, 0, elem);
    return p;
}

json_t *ck_care_rows_sorted(json_t **v, size_t n, int (*cmp)(const void *, const void *))
{
    json_t *rows = json_array();
    if (n > 1) qsort(v, n, sizeof *v, cmp);
    for (size_t i = 0; i < n; i++) {
        json_t *row = v[i];
        v[i] = NULL;
        /* json_array_append_new takes the row even when it fails */
        if (!rows)
            json_decref(row);
        else if (json_array_append_new(rows, row) != 0)
            json_decref(rows), rows = NULL;
    }
    return rows;
}
