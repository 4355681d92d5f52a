/*
 * fhir_params.c - a strict parser of FHIR R4 search query strings.
 *
 * GET [base]/[type]?name=value&... (R4 search 3.1.1): pairs split at "&",
 * "+" and %XX decoded, repeated parameters ANDed, comma-separated values
 * ORed, "\" escaping ",", "|", "$" and "\" inside a value (3.1.1.4.19).
 * What the type does not support is refused rather than ignored: a
 * client that asked for Observation?code:text=x and got every Observation
 * back would draw wrong conclusions from a medical record, so modifiers
 * a parameter does not take (strings take :exact and :contains, tokens
 * :not, all but patient and _id :missing), unknown parameters, the "ap"
 * prefix and other formats answer 400.
 *
 * Everything decoded lands in q->text (bounded), addressed by offsets;
 * nothing is allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fhir_api_int.h"

enum { SEEN_COUNT, SEEN_OFFSET, SEEN_SORT, SEEN_FORMAT, SEEN_SUMMARY, SEEN_TOTAL, SEEN_ELEMENTS, SEEN_N_ };

/* v (n bytes) is the word. */
static int is(const char *v, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(v, word, n) == 0;
}

/* The parameters whose values are tokens ([system|]code). */
static int is_token(ck_fhir_api_param p)
{
    return p == CK_FHIR_API_P_CODE || p == CK_FHIR_API_P_STATUS || p == CK_FHIR_API_P_CATEGORY ||
           p == CK_FHIR_API_P_CLINICAL_STATUS || p == CK_FHIR_API_P_TOKEN;
}

/* Copies n bytes and a NUL into q->text. */
static int put(ck_fhir_api_query *q, const char *s, size_t n, ck_fhir_api_span *out, ck_fhir_api_error *err)
{
    if (n + 1 > sizeof q->text - q->used)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, "", "the query holds more than %d bytes of values",
                       CK_FHIR_API_TEXT_MAX);
    memcpy(q->text + q->used, s, n);
    q->text[q->used + n] = 0;
    out->off = (uint16_t)q->used;
    out->len = (uint16_t)n;
    q->used += n + 1;
    return 0;
}

/* No control characters (C0, DEL) and well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static int text_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k, need;
        unsigned cp, min;
        if (c < 0x20 || c == 0x7f) return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) need = 1, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef) need = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4) need = 3, cp = c & 0x07, min = 0x10000;
        else return 0;
        for (k = 1; k <= need; k++) {
            if (i + k >= n || (s[i + k] & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        i += need + 1;
    }
    return 1;
}

static int is_digits(const char *s, size_t n)
{
    size_t i;
    if (n == 0) return 0;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* A decimal without sign or leading zero, at most max; -1 otherwise. */
static long decimal(const char *s, size_t n, unsigned long max)
{
    unsigned long v = 0;
    size_t i;
    if (!is_digits(s, n) || (n > 1 && s[0] == '0') || n > 9) return -1;
    for (i = 0; i < n; i++) v = v * 10 + (unsigned long)(s[i] - '0');
    return v <= max ? (long)v : -1;
}

/* Removes the search escapes of one value (s, n bytes, no unescaped ","
 * left) into dst, cutting at the one unescaped "|" when bar is not NULL
 * (*bar = its position in dst, or -1). -1 on a bad escape or a second
 * "|"; a "|" where none is allowed is refused too. */
static int unescape(char *dst, size_t *dn, const char *s, size_t n, long *bar)
{
    size_t i, o = 0;
    if (bar) *bar = -1;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\') {
            if (i + 1 == n) return -1;
            c = s[++i];
            if (c != '\\' && c != ',' && c != '|' && c != '$') return -1;
        } else if (c == '|') {
            if (!bar || *bar >= 0) return -1;
            *bar = (long)o;
            dst[o++] = 0; /* the system ends here */
            continue;
        }
        dst[o++] = c;
    }
    *dn = o;
    return 0;
}

static const struct {
    const char *name;
    ck_fhir_api_prefix prefix;
} prefixes[] = {
    {"eq", CK_FHIR_API_EQ}, {"ne", CK_FHIR_API_NE}, {"gt", CK_FHIR_API_GT}, {"lt", CK_FHIR_API_LT},
    {"ge", CK_FHIR_API_GE}, {"le", CK_FHIR_API_LE}, {"sa", CK_FHIR_API_SA}, {"eb", CK_FHIR_API_EB},
};

static int parse_date(ck_fhir_api_value *v, const char *s, size_t n, const char *expr, ck_fhir_api_error *err)
{
    size_t i;
    v->prefix = CK_FHIR_API_EQ;
    if (n >= 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z') {
        for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
            if (memcmp(s, prefixes[i].name, 2) == 0) break;
        if (i == sizeof prefixes / sizeof prefixes[0]) {
            if (memcmp(s, "ap", 2) == 0)
                return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr, "%s: the prefix ap is not supported", expr);
            return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: unknown prefix (eq ne gt lt ge le sa eb)", expr);
        }
        v->prefix = prefixes[i].prefix;
        s += 2;
        n -= 2;
    }
    if (ck_fhir_api_date_range(s, n, &v->lo, &v->hi, &v->precision) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, expr,
                       "%s: not a date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.fff]][zone])", expr);
    return 0;
}

/* A string value: kept as written (for :exact) and folded (the others). */
static int parse_string(ck_fhir_api_query *q, ck_fhir_api_value *v, const char *s, size_t n, const char *expr,
                        ck_fhir_api_error *err)
{
    char folded[CK_FHIR_API_VALUE_MAX * 4];
    size_t fl;
    int rc;
    if (fa_fold(s, n, folded, sizeof folded, &fl) != 0)
        rc = fa_fail(err, CK_FHIR_API_E_TOO_LONG, expr, "%s: the value folds to more than %zu bytes", expr,
                     sizeof folded - 1);
    else if (fl == 0) rc = fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: nothing left to search once folded", expr);
    else rc = put(q, folded, fl, &v->a, err) != 0 || put(q, s, n, &v->b, err) != 0 ? -1 : 0;
    OPENSSL_cleanse(folded, sizeof folded);
    return rc;
}

/* One alternative of a token, reference, string or _id parameter. */
static int parse_value(ck_fhir_api_query *q, const fa_param_def *def, ck_fhir_api_value *v, const char *s, size_t n,
                       ck_fhir_api_error *err)
{
    char buf[CK_FHIR_API_VALUE_MAX];
    size_t dn;
    long bar;
    const char *expr = def->name;
    int token = is_token(def->param);

    if (def->param == CK_FHIR_API_P_DATE || def->param == CK_FHIR_API_P_LASTUPDATED)
        return parse_date(v, s, n, expr, err);
    if (unescape(buf, &dn, s, n, token ? &bar : NULL) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, expr,
                       "%s: bad escape or \"|\" (\\ escapes only \\ , | $; a token has one \"|\")", expr);
    if (def->param == CK_FHIR_API_P_STRING) return parse_string(q, v, buf, dn, expr, err);
    if (token) {
        size_t sys = bar >= 0 ? (size_t)bar : 0;
        if (bar < 0) {
            if (put(q, "", 0, &v->a, err) != 0 || put(q, buf, dn, &v->b, err) != 0) return -1;
            return 0;
        }
        v->has_system = 1;
        if (sys == 0 && dn == 1)
            return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: a token needs a system or a code", expr);
        if (put(q, buf, sys, &v->a, err) != 0 || put(q, buf + sys + 1, dn - sys - 1, &v->b, err) != 0) return -1;
        return 0;
    }
    if (def->param == CK_FHIR_API_P_ID) {
        if (!fa_is_id(buf, dn))
            return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: not a FHIR id ([A-Za-z0-9-.]{1,64})", expr);
        return put(q, "", 0, &v->a, err) != 0 || put(q, buf, dn, &v->b, err) != 0 ? -1 : 0;
    }
    /* patient, subject: [id] or [type]/[id]. Absolute URLs would need the
     * server's base to be compared; the API hands out relative ones. */
    {
        const char *slash = memchr(buf, '/', dn);
        size_t tl = slash ? (size_t)(slash - buf) : 0, il = slash ? dn - tl - 1 : dn;
        const char *id = slash ? slash + 1 : buf;
        if (memchr(buf, ':', dn))
            return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr,
                           "%s: absolute references are not supported (use Type/id or id)", expr);
        if ((slash && !fa_is_type_name(buf, tl)) || !fa_is_id(id, il))
            return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: not a reference (Type/id or id)", expr);
        if (def->param == CK_FHIR_API_P_PATIENT) {
            if (slash && !(tl == 7 && memcmp(buf, "Patient", 7) == 0))
                return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: must name a Patient", expr);
            return put(q, "Patient", 7, &v->a, err) != 0 || put(q, id, il, &v->b, err) != 0 ? -1 : 0;
        }
        return put(q, buf, tl, &v->a, err) != 0 || put(q, id, il, &v->b, err) != 0 ? -1 : 0;
    }
}

static int add_search(ck_fhir_api_query *q, const fa_param_def *def, ck_fhir_api_modifier mod, const char *value,
                      size_t vlen, ck_fhir_api_error *err)
{
    ck_fhir_api_clause *c;
    size_t i, start = 0;
    if (q->nclauses == CK_FHIR_API_CLAUSES_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, def->name, "more than %d search parameters",
                       CK_FHIR_API_CLAUSES_MAX);
    c = &q->clauses[q->nclauses];
    memset(c, 0, sizeof *c);
    c->param = def->param;
    c->name = def->name;
    c->modifier = mod;
    c->first = (uint16_t)q->nvalues;
    if (put(q, value, vlen, &c->raw, err) != 0) return -1;
    for (i = 0; i <= vlen; i++) {
        ck_fhir_api_value *v;
        if (i < vlen && value[i] == '\\') {
            /* an escaped character never separates; a "\" at the end
             * stays in the last piece, where unescape refuses it */
            if (i + 1 < vlen) i++;
            continue;
        }
        if (i < vlen && value[i] != ',') continue;
        if (i == start)
            return fa_fail(err, CK_FHIR_API_E_INVALID, def->name, "%s: empty value in a comma list", def->name);
        if (q->nvalues == CK_FHIR_API_VALUES_MAX)
            return fa_fail(err, CK_FHIR_API_E_TOO_LONG, def->name, "more than %d values", CK_FHIR_API_VALUES_MAX);
        v = &q->values[q->nvalues];
        memset(v, 0, sizeof *v);
        if (parse_value(q, def, v, value + start, i - start, err) != 0) return -1;
        q->nvalues++;
        c->n++;
        start = i + 1;
    }
    q->nclauses++;
    return 0;
}

/* The name _sort uses for the type's date: its first date parameter
 * ("date", or R4's own name where the type has none: "started",
 * "created", "birthdate"...). NULL for a type without one. */
static const char *sort_date_name(const char *type)
{
    const fa_param_def *d = fa_param_of(fa_type_find(type), CK_FHIR_API_P_DATE);
    return d ? d->name : NULL;
}

static int add_sort(ck_fhir_api_query *q, const char *s, size_t n, ck_fhir_api_error *err)
{
    const char *dname = sort_date_name(q->type);
    size_t i, start = 0, k;
    for (i = 0; i <= n; i++) {
        ck_fhir_api_sort so;
        const char *key = s + start;
        size_t kl = i - start;
        if (i < n && s[i] != ',') continue;
        so.desc = kl > 0 && key[0] == '-';
        if (so.desc) key++, kl--;
        if (kl == 0) return fa_fail(err, CK_FHIR_API_E_INVALID, "_sort", "_sort: empty key");
        if (dname && kl == strlen(dname) && memcmp(key, dname, kl) == 0) so.key = CK_FHIR_API_SORT_DATE;
        else if (kl == 12 && memcmp(key, "_lastUpdated", 12) == 0) so.key = CK_FHIR_API_SORT_LASTUPDATED;
        else if (kl == 3 && memcmp(key, "_id", 3) == 0) so.key = CK_FHIR_API_SORT_ID;
        else
            return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "_sort", "_sort: keys are %s%s_lastUpdated and _id",
                           dname ? dname : "", dname ? ", " : "");
        for (k = 0; k < q->nsort; k++)
            if (q->sort[k].key == so.key) return fa_fail(err, CK_FHIR_API_E_INVALID, "_sort", "_sort: a key twice");
        q->sort[q->nsort++] = so; /* three keys, each once: never full */
        start = i + 1;
    }
    return 0;
}

/* _elements: a comma list of element names ([a-z][A-Za-z0-9]*, each at
 * most 64 bytes). */
static int add_elements(ck_fhir_api_query *q, const char *v, size_t n, ck_fhir_api_error *err)
{
    size_t i, start = 0;
    for (i = 0; i <= n; i++) {
        if (i < n && v[i] != ',') {
            char c = v[i];
            int ok = i == start ? (c >= 'a' && c <= 'z')
                                : ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
            if (!ok || i - start >= 64)
                return fa_fail(err, CK_FHIR_API_E_INVALID, "_elements", "_elements: a comma list of element names");
            continue;
        }
        if (i == start) return fa_fail(err, CK_FHIR_API_E_INVALID, "_elements", "_elements: an empty name");
        start = i + 1;
    }
    return put(q, v, n, &q->elements, err);
}

/* The result parameters, in SEEN_ order; then _include and _revinclude,
 * which may repeat. */
static const char *const result_names[] = {"_count",   "_offset", "_sort",     "_format",    "_summary",
                                           "_total",   "_elements", "_include", "_revinclude"};

/* 1 when name (n bytes) is one of them. */
static int is_result_name(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof result_names / sizeof *result_names; i++)
        if (is(name, n, result_names[i])) return 1;
    return 0;
}

/* _count, _offset, _sort, _format, _summary, _total, _elements: 1 when
 * name is one (and handled). */
static int add_result(ck_fhir_api_query *q, const char *name, size_t nlen, const char *v, size_t vlen,
                      ck_fhir_api_error *err)
{
    const char *const *names = result_names;
    int which;
    long x;
    for (which = 0; which < SEEN_N_; which++)
        if (is(name, nlen, names[which])) break;
    if (which == SEEN_N_) return 0;
    if (q->seen[which]) return fa_fail(err, CK_FHIR_API_E_INVALID, names[which], "%s given twice", names[which]);
    q->seen[which] = 1;
    switch (which) {
    case SEEN_COUNT:
        if ((x = decimal(v, vlen, CK_FHIR_API_COUNT_MAX)) < 1)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_count", "_count: a number from 1 to %d",
                           CK_FHIR_API_COUNT_MAX);
        q->count = (unsigned)x;
        break;
    case SEEN_OFFSET:
        if ((x = decimal(v, vlen, CK_FHIR_API_OFFSET_MAX)) < 0)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_offset", "_offset: a number from 0 to %lu",
                           CK_FHIR_API_OFFSET_MAX);
        q->offset = (unsigned long)x;
        break;
    case SEEN_SORT:
        if (add_sort(q, v, vlen, err) != 0) return -1;
        break;
    case SEEN_SUMMARY:
        /* count: the total alone; false: whole resources, as without it.
         * true, text and data need R4's summary flags per element. */
        if (is(v, vlen, "count")) q->summary_count = 1;
        else if (!is(v, vlen, "false"))
            return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "_summary", "_summary: only count and false are supported");
        break;
    case SEEN_TOTAL:
        /* a hint (R4 3.1.1.5.6): the total given is always exact */
        if (!is(v, vlen, "none") && !is(v, vlen, "estimate") && !is(v, vlen, "accurate"))
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_total", "_total: none, estimate or accurate");
        break;
    case SEEN_ELEMENTS:
        if (add_elements(q, v, vlen, err) != 0) return -1;
        break;
    default:
        /* "application/fhir json": the "+" of an unencoded
         * application/fhir+json, which the query decodes to a space. */
        if (!(is(v, vlen, "json") || is(v, vlen, "application/json") || is(v, vlen, "application/fhir+json") ||
              is(v, vlen, "application/fhir json")))
            return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "_format", "_format: only JSON is served");
    }
    return 1;
}

int ck_fhir_api_query_begin(ck_fhir_api_query *q, const char *type, ck_fhir_api_error *err)
{
    fa_ok(err);
    if (!q || !type) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL query or type");
    memset(q, 0, sizeof *q);
    if (!fa_type_find(type)) return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "", "resource type not served");
    snprintf(q->type, sizeof q->type, "%s", type);
    return 0;
}

/* _include / _revinclude = Source:param[:Target]: Source a served type
 * (the searched one for _include), param one of its reference parameters,
 * Target a type name. The wildcard "*" and :iterate are not supported. */
static int add_include(ck_fhir_api_query *q, int rev, const char *v, size_t n, ck_fhir_api_error *err)
{
    const char *expr = rev ? "_revinclude" : "_include";
    const char *c1 = memchr(v, ':', n), *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - v)) : NULL;
    size_t sl = c1 ? (size_t)(c1 - v) : n, pl, tl;
    const fa_type_def *src;
    const fa_param_def *def;
    ck_fhir_api_include *inc;
    char sname[CK_FHIR_API_TYPE_MAX];

    if (memchr(v, '*', n)) return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr, "%s: \"*\" is not supported", expr);
    if (!c1) return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: Source:parameter[:Target] expected", expr);
    pl = (size_t)((c2 ? c2 : v + n) - c1 - 1);
    tl = c2 ? n - (size_t)(c2 + 1 - v) : 0;
    if (!fa_is_type_name(v, sl) || sl >= sizeof sname || (c2 && !fa_is_type_name(c2 + 1, tl)))
        return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: Source:parameter[:Target] expected", expr);
    memcpy(sname, v, sl);
    sname[sl] = 0;
    if (!(src = fa_type_find(sname)) || src->view)
        return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr,
                       "%s: the source type is not served, or a view (Consent, AuditEvent)", expr);
    if (!rev && strcmp(sname, q->type) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: the source must be the searched type", expr);
    def = fa_param_find(src, c1 + 1, pl);
    if (!def || !(def->param == CK_FHIR_API_P_PATIENT || def->param == CK_FHIR_API_P_SUBJECT ||
                  def->param == CK_FHIR_API_P_REFERENCE))
        return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr, "%s: not a reference parameter of the source", expr);
    if (q->nincludes == CK_FHIR_API_INCLUDES_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, expr, "more than %d _include and _revinclude",
                       CK_FHIR_API_INCLUDES_MAX);
    inc = &q->includes[q->nincludes];
    memset(inc, 0, sizeof *inc);
    inc->rev = (unsigned char)rev;
    if (put(q, v, sl, &inc->source, err) != 0 || put(q, def->name, strlen(def->name), &inc->param, err) != 0 ||
        put(q, c2 ? c2 + 1 : "", tl, &inc->target, err) != 0 || put(q, v, n, &inc->raw, err) != 0)
        return -1;
    q->nincludes++;
    return 0;
}

/* The modifier after "name:" (m, len bytes) when def's parameter takes
 * it: :exact and :contains on a string, :not on a token, :missing on all
 * but patient (which chooses records) and _id; NONE for anything else,
 * which the caller refuses. */
static ck_fhir_api_modifier param_modifier(const fa_param_def *def, const char *m, size_t len)
{
    if (!def) return CK_FHIR_API_MOD_NONE;
    if (def->param == CK_FHIR_API_P_STRING && is(m, len, "exact")) return CK_FHIR_API_MOD_EXACT;
    if (def->param == CK_FHIR_API_P_STRING && is(m, len, "contains")) return CK_FHIR_API_MOD_CONTAINS;
    if (is_token(def->param) && is(m, len, "not")) return CK_FHIR_API_MOD_NOT;
    if (def->param != CK_FHIR_API_P_PATIENT && def->param != CK_FHIR_API_P_ID && is(m, len, "missing"))
        return CK_FHIR_API_MOD_MISSING;
    return CK_FHIR_API_MOD_NONE;
}

/* name:missing=true|false: one clause of one value, b the word. */
static int add_missing(ck_fhir_api_query *q, const fa_param_def *def, const char *v, size_t n, ck_fhir_api_error *err)
{
    ck_fhir_api_clause *c;
    ck_fhir_api_value *val;
    if (!is(v, n, "true") && !is(v, n, "false"))
        return fa_fail(err, CK_FHIR_API_E_INVALID, def->name, "%s:missing: true or false", def->name);
    if (q->nclauses == CK_FHIR_API_CLAUSES_MAX || q->nvalues == CK_FHIR_API_VALUES_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, def->name, "too many search parameters or values");
    c = &q->clauses[q->nclauses];
    val = &q->values[q->nvalues];
    memset(c, 0, sizeof *c);
    memset(val, 0, sizeof *val);
    c->param = def->param;
    c->name = def->name;
    c->modifier = CK_FHIR_API_MOD_MISSING;
    c->first = (uint16_t)q->nvalues;
    c->n = 1;
    if (put(q, v, n, &c->raw, err) != 0 || put(q, "", 0, &val->a, err) != 0 || put(q, v, n, &val->b, err) != 0)
        return -1;
    q->nvalues++;
    q->nclauses++;
    return 0;
}

int ck_fhir_api_query_add(ck_fhir_api_query *q, const char *name, size_t nlen, const char *value, size_t vlen,
                          ck_fhir_api_error *err)
{
    char expr[CK_FHIR_API_NAME_MAX + 1];
    const char *colon;
    const fa_param_def *def;
    ck_fhir_api_modifier mod = CK_FHIR_API_MOD_NONE;
    size_t i, base;
    int r;

    if (!q || !name || !q->type[0]) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL query or name, or no begin");
    if (nlen == 0) return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a parameter without a name");
    if (nlen > CK_FHIR_API_NAME_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, "", "a parameter name over %d bytes", CK_FHIR_API_NAME_MAX);
    for (i = 0; i < nlen; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == ':'))
            return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a parameter name with a character outside [A-Za-z0-9_.:-]");
    }
    /* Names are safe to quote from here on: they are our vocabulary, or a
     * client's typo in it, never a value. */
    colon = memchr(name, ':', nlen);
    base = colon ? (size_t)(colon - name) : nlen;
    memcpy(expr, name, base);
    expr[base] = 0;
    def = fa_param_find(fa_type_find(q->type), name, base);
    if (!def && !is_result_name(name, base))
        return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr, "unknown search parameter %s for %s", expr, q->type);
    if (colon && (mod = param_modifier(def, colon + 1, nlen - base - 1)) == CK_FHIR_API_MOD_NONE)
        return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, expr,
                       "%s: not a modifier it takes (strings: :exact, :contains; tokens: :not; :missing)", expr);
    if (!value || vlen == 0) return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: empty value", expr);
    if (vlen > CK_FHIR_API_VALUE_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, expr, "%s: a value over %d bytes", expr, CK_FHIR_API_VALUE_MAX);
    if (!text_ok((const unsigned char *)value, vlen))
        return fa_fail(err, CK_FHIR_API_E_INVALID, expr, "%s: control character or invalid UTF-8", expr);
    if (is(name, nlen, "_include") || is(name, nlen, "_revinclude"))
        return add_include(q, nlen == 11, value, vlen, err);
    if ((r = add_result(q, name, nlen, value, vlen, err)) != 0) return r < 0 ? -1 : 0;
    if (mod == CK_FHIR_API_MOD_MISSING) return add_missing(q, def, value, vlen, err);
    return add_search(q, def, mod, value, vlen, err);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* application/x-www-form-urlencoded: "+" is a space, %XX a byte. */
static int form_decode(char *dst, size_t *dn, const char *s, size_t n)
{
    size_t i, o = 0;
    for (i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n) return -1;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            dst[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            dst[o++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    *dn = o;
    return 0;
}

int ck_fhir_api_query_parse(ck_fhir_api_query *q, const char *type, const char *qs, size_t len,
                            ck_fhir_api_error *err)
{
    char name[CK_FHIR_API_QUERY_MAX], value[CK_FHIR_API_QUERY_MAX];
    size_t pos = 0;

    if (ck_fhir_api_query_begin(q, type, err) != 0) return -1;
    if (!qs && len) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL query string");
    if (len > CK_FHIR_API_QUERY_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, "", "a query string over %d bytes", CK_FHIR_API_QUERY_MAX);
    while (pos < len) {
        const char *pair = qs + pos, *amp = memchr(pair, '&', len - pos), *eq;
        size_t plen = amp ? (size_t)(amp - pair) : len - pos, nl, vl;
        if (plen == 0) return fa_fail(err, CK_FHIR_API_E_INVALID, "", "an empty parameter (\"&&\", or \"&\" at an end)");
        eq = memchr(pair, '=', plen);
        if (!eq) return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a parameter without \"=\"");
        if (form_decode(name, &nl, pair, (size_t)(eq - pair)) != 0 ||
            form_decode(value, &vl, eq + 1, plen - (size_t)(eq - pair) - 1) != 0)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a bad %%-escape");
        if (ck_fhir_api_query_add(q, name, nl, value, vl, err) != 0) return -1;
        pos += plen + 1;
        if (amp && pos == len) return fa_fail(err, CK_FHIR_API_E_INVALID, "", "an empty parameter (\"&\" at the end)");
    }
    return 0;
}

/* ---- Patient/$everything -------------------------------------------------- */

/* _type's comma list into e. */
static int everything_types(ck_fhir_api_everything *e, const char *v, size_t n, ck_fhir_api_error *err)
{
    size_t i, start = 0;
    for (i = 0; i <= n; i++) {
        if (i < n && v[i] != ',') continue;
        if (!fa_is_type_name(v + start, i - start) || i - start >= CK_FHIR_API_TYPE_MAX)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_type", "_type: a comma list of resource type names");
        if (e->ntypes == CK_FHIR_API_EVERYTHING_TYPES_MAX)
            return fa_fail(err, CK_FHIR_API_E_TOO_LONG, "_type", "_type: more than %d types",
                           CK_FHIR_API_EVERYTHING_TYPES_MAX);
        memcpy(e->types[e->ntypes], v + start, i - start);
        e->types[e->ntypes++][i - start] = 0;
        start = i + 1;
    }
    return 0;
}

/* One name=value of $everything's query, decoded. */
static int everything_pair(ck_fhir_api_everything *e, unsigned char seen[4], const char *name, size_t nl,
                           const char *v, size_t vl, ck_fhir_api_error *err)
{
    static const char *const names[4] = {"_type", "_since", "_count", "_offset"};
    int64_t hi;
    long x;
    int which;
    for (which = 0; which < 4; which++)
        if (is(name, nl, names[which])) break;
    if (which == 4) {
        if (is(name, nl, "start") || is(name, nl, "end"))
            return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "", "$everything: start and end are not supported");
        return fa_fail(err, CK_FHIR_API_E_NOT_SUPPORTED, "", "$everything takes _type, _since, _count and _offset");
    }
    if (seen[which]++) return fa_fail(err, CK_FHIR_API_E_INVALID, names[which], "%s given twice", names[which]);
    if (vl == 0 || !text_ok((const unsigned char *)v, vl))
        return fa_fail(err, CK_FHIR_API_E_INVALID, names[which], "%s: an empty or unreadable value", names[which]);
    switch (which) {
    case 0: return everything_types(e, v, vl, err);
    case 1:
        if (ck_fhir_api_date_range(v, vl, &e->since_ms, &hi, NULL) != 0)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_since", "_since: not a FHIR date or instant");
        e->has_since = 1;
        return 0;
    case 2:
        if ((x = decimal(v, vl, CK_FHIR_API_COUNT_MAX)) < 1)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_count", "_count: a number from 1 to %d", CK_FHIR_API_COUNT_MAX);
        e->count = (unsigned)x;
        return 0;
    default:
        if ((x = decimal(v, vl, CK_FHIR_API_OFFSET_MAX)) < 0)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "_offset", "_offset: a number from 0 to %lu",
                           CK_FHIR_API_OFFSET_MAX);
        e->offset = (unsigned long)x;
        return 0;
    }
}

int ck_fhir_api_everything_parse(ck_fhir_api_everything *e, const char *qs, size_t len, ck_fhir_api_error *err)
{
    char name[CK_FHIR_API_QUERY_MAX], value[CK_FHIR_API_QUERY_MAX];
    unsigned char seen[4] = {0};
    size_t pos = 0;
    fa_ok(err);
    if (!e || (!qs && len)) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument");
    memset(e, 0, sizeof *e);
    if (len > CK_FHIR_API_QUERY_MAX)
        return fa_fail(err, CK_FHIR_API_E_TOO_LONG, "", "a query string over %d bytes", CK_FHIR_API_QUERY_MAX);
    while (pos < len) {
        const char *pair = qs + pos, *amp = memchr(pair, '&', len - pos), *eq;
        size_t plen = amp ? (size_t)(amp - pair) : len - pos, nl, vl;
        if (plen == 0 || (amp && pos + plen + 1 == len))
            return fa_fail(err, CK_FHIR_API_E_INVALID, "", "an empty parameter (\"&&\", or \"&\" at an end)");
        if (!(eq = memchr(pair, '=', plen))) return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a parameter without \"=\"");
        if (form_decode(name, &nl, pair, (size_t)(eq - pair)) != 0 ||
            form_decode(value, &vl, eq + 1, plen - (size_t)(eq - pair) - 1) != 0)
            return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a bad %%-escape");
        if (everything_pair(e, seen, name, nl, value, vl, err) != 0) return -1;
        pos += plen + 1;
    }
    return 0;
}

/* ---- canonical form -------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t cap, len;
    int over;
} out_t;

static void out_raw(out_t *o, const char *s, size_t n)
{
    if (o->over || n >= o->cap - o->len) {
        o->over = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

static void out_enc(out_t *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == ':' || c == '/' || c == ',') {
            out_raw(o, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            out_raw(o, e, 3);
        }
    }
}

long ck_fhir_api_query_encode(char *buf, size_t cap, const ck_fhir_api_query *q, unsigned count, unsigned long offset)
{
    const char *keys[] = {sort_date_name(q ? q->type : NULL), "_lastUpdated", "_id"};
    struct {
        const char *name, *value;
    } items[CK_FHIR_API_CLAUSES_MAX + CK_FHIR_API_INCLUDES_MAX + 5];
    char cnt[16], off[24], sort[64], names[CK_FHIR_API_CLAUSES_MAX][CK_FHIR_API_NAME_MAX + 16];
    size_t n = 0, i, j;
    out_t o = {buf, cap, 0, 0};

    if (!buf || cap == 0 || !q) return -1;
    buf[0] = 0;
    for (i = 0; i < q->nclauses; i++) {
        static const char *const mods[] = {"", ":exact", ":contains", ":missing", ":not"};
        snprintf(names[i], sizeof names[i], "%s%s", q->clauses[i].name, mods[q->clauses[i].modifier]);
        items[n].name = names[i];
        items[n++].value = ck_fhir_api_str(q, q->clauses[i].raw);
    }
    for (i = 0; i < q->nincludes; i++) {
        items[n].name = q->includes[i].rev ? "_revinclude" : "_include";
        items[n++].value = ck_fhir_api_str(q, q->includes[i].raw);
    }
    if (q->summary_count) {
        items[n].name = "_summary";
        items[n++].value = "count";
    }
    if (q->elements.len) {
        items[n].name = "_elements";
        items[n++].value = ck_fhir_api_str(q, q->elements);
    }
    if (count) {
        snprintf(cnt, sizeof cnt, "%u", count);
        items[n].name = "_count";
        items[n++].value = cnt;
    }
    if (offset) {
        snprintf(off, sizeof off, "%lu", offset);
        items[n].name = "_offset";
        items[n++].value = off;
    }
    if (q->nsort) {
        sort[0] = 0;
        for (i = 0; i < q->nsort; i++) {
            size_t l = strlen(sort);
            snprintf(sort + l, sizeof sort - l, "%s%s%s", i ? "," : "", q->sort[i].desc ? "-" : "",
                     keys[q->sort[i].key]);
        }
        items[n].name = "_sort";
        items[n++].value = sort;
    }
    /* insertion sort by name: stable, so repeats keep their order */
    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && strcmp(items[j - 1].name, items[j].name) > 0; j--) {
            const char *tn = items[j].name, *tv = items[j].value;
            items[j] = items[j - 1];
            items[j - 1].name = tn;
            items[j - 1].value = tv;
        }
    }
    for (i = 0; i < n; i++) {
        if (i) out_raw(&o, "&", 1);
        out_raw(&o, items[i].name, strlen(items[i].name));
        out_raw(&o, "=", 1);
        out_enc(&o, items[i].value, strlen(items[i].value));
    }
    if (o.over) {
        buf[0] = 0;
        return -1;
    }
    return (long)o.len;
}
