/*
 * src/record/fhir_json.c - JSON that keeps FHIR decimals exactly.
 *
 * FHIR requires a decimal's precision to be kept ("1.50" is not "1.5"),
 * and a record must export byte for byte what was imported. jansson holds
 * numbers as int64 or double, so "140.52" would come back as
 * "140.52000000000001". Here, before jansson sees the text, every number
 * that an int64 cannot hold exactly (a fraction, an exponent, a huge
 * integer) becomes a string holding its lexeme behind the private-use
 * marker U+E000; ck_fhir_json_dump turns those strings back into the very
 * same number text. A genuine string that begins with U+E000 gets a second
 * marker on the way in and loses it on the way out, so every input string
 * survives too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/fhir.h"

#define MARK "\xEE\x80\x80" /* U+E000 in UTF-8 */
#define MARK_LEN 3

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} tbuf;

static void put(tbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->cap - b->len < n + 1) {
        size_t cap = (b->cap + n + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

/* Length of the JSON number at s (RFC 8259 grammar), 0 if none; *exact is
 * 1 when it is an integer jansson holds exactly. */
static size_t number_len(const char *s, size_t n, int *exact)
{
    size_t i = 0, digits = 0;
    int frac = 0;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++, digits = 1;
    else
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (!digits) return 0;
    if (i < n && s[i] == '.') {
        size_t f = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == f) return 0;
        frac = 1;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t f;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        f = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == f) return 0;
        frac = 1;
    }
    /* int64 holds every integer of at most 18 digits; not -0, which jansson
     * would read as 0 */
    *exact = !frac && digits <= 18 && !(s[0] == '-' && s[1] == '0');
    return i;
}

/* Whether the string whose body starts at s begins with U+E000, raw or
 * escaped. */
static int starts_with_mark(const char *s, size_t n)
{
    if (n >= MARK_LEN && memcmp(s, MARK, MARK_LEN) == 0) return 1;
    return n >= 6 && s[0] == '\\' && (s[1] == 'u') && (s[2] == 'e' || s[2] == 'E') && s[3] == '0' && s[4] == '0' &&
           s[5] == '0';
}

/* The input text with inexact numbers as marked strings. Strings are
 * copied as they are (jansson validates them afterwards). */
static char *mark_numbers(const char *s, size_t n, size_t *out_len)
{
    tbuf b = {NULL, 0, 0, 0};
    size_t i = 0;
    put(&b, "", 0);
    while (i < n && !b.oom) {
        if (s[i] == '"') {
            size_t j = i + 1;
            put(&b, "\"", 1);
            if (starts_with_mark(s + j, n - j)) put(&b, MARK, MARK_LEN);
            while (j < n && s[j] != '"') j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
            put(&b, s + i + 1, (j < n ? j + 1 : n) - (i + 1));
            i = j < n ? j + 1 : n;
        } else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
            int exact = 1;
            size_t k = number_len(s + i, n - i, &exact);
            if (k == 0) k = 1; /* not a number: leave it to jansson to refuse */
            if (!exact) put(&b, "\"" MARK, 1 + MARK_LEN);
            put(&b, s + i, k);
            if (!exact) put(&b, "\"", 1);
            i += k;
        } else {
            put(&b, s + i, 1);
            i++;
        }
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *out_len = b.len;
    return b.p;
}

json_t *ck_fhir_json_parse(const char *text, size_t len, json_error_t *err)
{
    size_t n = 0;
    char *marked = mark_numbers(text ? text : "", text ? len : 0, &n);
    json_t *j;
    if (!marked) {
        if (err) snprintf(err->text, sizeof err->text, "out of memory");
        return NULL;
    }
    j = json_loadb(marked, n, JSON_REJECT_DUPLICATES, err);
    free(marked);
    return j;
}

/* Whether a marked string's body (after the marker, up to the quote) is a
 * whole JSON number. */
static int is_lexeme(const char *s, size_t n)
{
    int exact;
    return n > 0 && number_len(s, n, &exact) == n;
}

char *ck_fhir_json_dump(const json_t *v, size_t flags)
{
    char *text = json_dumps(v, flags & ~(size_t)JSON_ENSURE_ASCII);
    tbuf b = {NULL, 0, 0, 0};
    size_t i = 0, n;
    if (!text) return NULL;
    n = strlen(text);
    put(&b, "", 0);
    while (i < n && !b.oom) {
        size_t j;
        if (text[i] != '"') {
            put(&b, text + i, 1);
            i++;
            continue;
        }
        j = i + 1;
        while (j < n && text[j] != '"') j += (text[j] == '\\' && j + 1 < n) ? 2 : 1;
        if (j - (i + 1) >= MARK_LEN && memcmp(text + i + 1, MARK, MARK_LEN) == 0) {
            const char *body = text + i + 1 + MARK_LEN;
            size_t bl = j - (i + 1 + MARK_LEN);
            if (is_lexeme(body, bl)) {
                put(&b, body, bl); /* a number, exactly as it came */
            } else {
                put(&b, "\"", 1); /* a string that began with the marker */
                put(&b, body, bl + 1);
            }
        } else {
            put(&b, text + i, j + 1 - i);
        }
        i = j + 1;
    }
    free(text);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

int ck_fhir_json_number(const json_t *v, double *out)
{
    const char *s;
    char *end;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    s = json_string_value(v);
    if (!s || strncmp(s, MARK, MARK_LEN) != 0 || !is_lexeme(s + MARK_LEN, strlen(s + MARK_LEN))) return -1;
    errno = 0;
    *out = strtod(s + MARK_LEN, &end);
    return errno == ERANGE && (*out > 1 || *out < -1) ? -1 : 0;
}

int ck_fhir_json_is_number(const json_t *v)
{
    /* a decimal beyond double's range (1E400) is still a number */
    return json_is_number(v) || ck_fhir_json_lexeme(v) != NULL;
}

const char *ck_fhir_json_lexeme(const json_t *v)
{
    const char *s = json_string_value(v);
    return s && strncmp(s, MARK, MARK_LEN) == 0 && is_lexeme(s + MARK_LEN, strlen(s + MARK_LEN)) ? s + MARK_LEN
                                                                                                 : NULL;
}
