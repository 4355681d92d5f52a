/*
 * src/record/report_render.c - a tiny path language over FHIR JSON and the
 * rendering of FHIR datatypes (CodeableConcept, Quantity, HumanName, ...)
 * into short cells for reports.
 *
 * Path: alternatives separated by '|'; the first that yields text wins.
 * An alternative is a dotted path ("code", "period.start", "name[0]")
 * where arrays are flattened and "[0]" takes the first element, optionally
 * followed by "=literal" (emit the literal when the path has a value), or
 * just "=literal" (always).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "strbuf.h"

/* Appends the values at path seg (of length n) below v to acc (borrowed). */
static void eval(const json_t *v, const char *seg, json_t *acc)
{
    char key[64];
    const char *dot, *br;
    size_t klen, i;
    int first = 0;
    json_t *c;

    if (!v)
        return;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            eval(c, seg, acc);
        return;
    }
    if (!*seg) {
        json_array_append((json_t *)acc, (json_t *)v);
        return;
    }
    if (!json_is_object(v))
        return;
    dot = strchr(seg, '.');
    klen = dot ? (size_t)(dot - seg) : strlen(seg);
    if (klen >= sizeof key)
        return;
    memcpy(key, seg, klen);
    key[klen] = 0;
    if ((br = strstr(key, "[0]"))) {
        key[br - key] = 0;
        first = 1;
    }
    c = json_object_get(v, key);
    if (first && json_is_array(c))
        c = json_array_get(c, 0);
    eval(c, dot ? dot + 1 : "", acc);
}

static void render(ck_strbuf *b, const json_t *v, int depth);

static void render_number(ck_strbuf *b, double d)
{
    char tmp[64];
    size_t n;
    snprintf(tmp, sizeof tmp, "%.2f", d);
    n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '0')
        tmp[--n] = 0;
    if (n > 1 && tmp[n - 1] == '.')
        tmp[--n] = 0;
    ck_strbuf_str(b, tmp);
}

static int has(const json_t *o, const char *k)
{
    return json_object_get(o, k) != NULL;
}

static const json_t *value_x(const json_t *o)
{
    static const char *const keys[] = {"valueQuantity", "valueCodeableConcept", "valueString",
                                       "valueBoolean", "valueInteger"};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (has(o, keys[i]))
            return json_object_get(o, keys[i]);
    return NULL;
}

static void render_object(ck_strbuf *b, const json_t *o, int depth)
{
    const json_t *x;
    size_t i, before;
    json_t *e;

    if (json_is_object(json_object_get(o, "code")) && (x = value_x(o))) { /* component */
        render(b, json_object_get(o, "code"), depth + 1);
        ck_strbuf_str(b, ": ");
        render(b, x, depth + 1);
    } else if (ck_fhir_json_is_number(json_object_get(o, "value"))) { /* Quantity */
        ck_strbuf_str(b, ck_json_str(o, "comparator"));
        render(b, json_object_get(o, "value"), depth + 1);
        if (ck_json_str(o, "unit") || ck_json_str(o, "code")) {
            ck_strbuf_str(b, " ");
            ck_strbuf_str(b, ck_json_str(o, "unit") ? ck_json_str(o, "unit") : ck_json_str(o, "code"));
        }
    } else if (ck_json_str(o, "text")) { /* CodeableConcept, HumanName.text, ... */
        ck_strbuf_str(b, ck_json_str(o, "text"));
    } else if (json_is_array(json_object_get(o, "coding"))) {
        render(b, json_array_get(json_object_get(o, "coding"), 0), depth + 1);
    } else if (ck_json_str(o, "code") || (ck_json_str(o, "display") && ck_json_str(o, "system"))) {
        ck_strbuf_str(b, ck_json_str(o, "display") ? ck_json_str(o, "display") : ck_json_str(o, "code"));
    } else if (has(o, "family") || has(o, "given")) { /* HumanName */
        json_array_foreach(json_object_get(o, "given"), i, e) {
            ck_strbuf_str(b, json_string_value(e));
            ck_strbuf_str(b, " ");
        }
        ck_strbuf_str(b, ck_json_str(o, "family"));
    } else if (has(o, "line") || has(o, "city") || has(o, "postalCode") || has(o, "state")) {
        static const char *const parts[] = {"city", "state", "postalCode", "country"};
        json_array_foreach(json_object_get(o, "line"), i, e) {
            ck_strbuf_str(b, json_string_value(e));
            ck_strbuf_str(b, ", ");
        }
        for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            if (ck_json_str(o, parts[i])) {
                ck_strbuf_str(b, ck_json_str(o, parts[i]));
                ck_strbuf_str(b, " ");
            }
        }
        while (b->len && (b->p[b->len - 1] == ' ' || b->p[b->len - 1] == ','))
            b->p[--b->len] = 0;
    } else if (ck_json_str(o, "system") && ck_json_str(o, "value")) { /* ContactPoint */
        ck_strbuf_str(b, ck_json_str(o, "value"));
    } else if (has(o, "reference") || has(o, "display")) { /* Reference: never the id */
        ck_strbuf_str(b, ck_json_str(o, "display"));
    } else if (has(o, "start") || has(o, "end")) { /* Period */
        before = b->len;
        ck_strbuf_str(b, ck_json_str(o, "start"));
        if (b->len > before + 10)
            b->len = before + 10, b->p[b->len] = 0;
        ck_strbuf_str(b, " - ");
        before = b->len;
        ck_strbuf_str(b, ck_json_str(o, "end"));
        if (b->len > before + 10)
            b->len = before + 10, b->p[b->len] = 0;
    } else if (has(o, "frequency") || has(o, "periodUnit")) { /* Timing.repeat */
        render(b, json_object_get(o, "frequency"), depth + 1);
        ck_strbuf_str(b, " per ");
        render(b, json_object_get(o, "period"), depth + 1);
        ck_strbuf_str(b, " ");
        ck_strbuf_str(b, ck_json_str(o, "periodUnit"));
    }
}

static void render(ck_strbuf *b, const json_t *v, int depth)
{
    size_t i, n = 0;
    json_t *e;
    if (!v || depth > 8)
        return;
    switch (json_typeof(v)) {
    case JSON_STRING: /* a decimal keeps its own digits */
        ck_strbuf_str(b, ck_fhir_json_lexeme(v) ? ck_fhir_json_lexeme(v) : json_string_value(v));
        break;
    case JSON_INTEGER: render_number(b, (double)json_integer_value(v)); break;
    case JSON_REAL: render_number(b, json_real_value(v)); break;
    case JSON_TRUE: ck_strbuf_str(b, "yes"); break;
    case JSON_FALSE: ck_strbuf_str(b, "no"); break;
    case JSON_OBJECT: render_object(b, v, depth); break;
    case JSON_ARRAY:
        json_array_foreach(v, i, e) {
            ck_strbuf t = {0};
            render(&t, e, depth + 1);
            if (t.oom)
                b->oom = 1;
            if (t.len) {
                if (n++)
                    ck_strbuf_str(b, "; ");
                ck_strbuf_add(b, t.p, t.len);
            }
            free(t.p);
        }
        break;
    case JSON_NULL: break;
    }
}

/* Renders one alternative into b (nothing if the path has no value). */
static void render_alt(ck_strbuf *b, const json_t *res, const char *alt, size_t n, int date)
{
    char path[128];
    const char *eq;
    json_t *acc;
    size_t i, n_out = 0;
    json_t *e;

    if (n >= sizeof path)
        return;
    memcpy(path, alt, n);
    path[n] = 0;
    eq = strchr(path, '=');
    if (eq == path) {
        ck_strbuf_str(b, path + 1);
        return;
    }
    if (eq)
        path[eq - path] = 0;
    if (!(acc = json_array())) {
        b->oom = 1;
        return;
    }
    eval(res, path, acc);
    json_array_foreach(acc, i, e) {
        ck_strbuf t = {0};
        if (eq)
            ck_strbuf_str(&t, eq + 1);
        else
            render(&t, e, 0);
        if (t.oom)
            b->oom = 1;
        /* several values: joined, repeats dropped */
        if (t.len && !(b->p && strstr(b->p, t.p))) {
            if (n_out++)
                ck_strbuf_str(b, "; ");
            ck_strbuf_add(b, t.p, t.len);
        }
        free(t.p);
        if (eq)
            break;
    }
    json_decref(acc);
    if (date && b->len > 10 && b->p[4] == '-' && !strchr(b->p, ';'))
        b->len = 10, b->p[10] = 0;
}

char *ck_report_cell(const json_t *res, const char *path, int date)
{
    ck_strbuf b = {0};
    const char *p = path;
    size_t i;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        render_alt(&b, res, p, n, date);
        if (b.oom || b.len)
            break;
        if (!bar)
            break;
        p = bar + 1;
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    if (!b.p)
        return calloc(1, 1);
    for (i = 0; i < b.len; i++) /* one line per cell */
        if ((unsigned char)b.p[i] < 0x20)
            b.p[i] = ' ';
    return b.p;
}

int ck_report_type_in(const char *list, const char *type)
{
    size_t n;
    if (!type)
        return 0;
    n = strlen(type);
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len == n && !strncmp(list, type, n))
            return 1;
        if (!end)
            break;
        list = end + 1;
    }
    return 0;
}

int ck_report_filter(const json_t *res, const char *filter)
{
    char path[128];
    const char *eq, *vals;
    json_t *acc, *e;
    size_t i;
    int ok = 0;

    if (!filter)
        return 1;
    eq = strchr(filter, '=');
    if (!eq || (size_t)(eq - filter) >= sizeof path)
        return 0;
    memcpy(path, filter, (size_t)(eq - filter));
    path[eq - filter] = 0;
    vals = eq + 1;
    if (!(acc = json_array()))
        return 0;
    eval(res, path, acc);
    json_array_foreach(acc, i, e) {
        const char *s = json_string_value(e), *p = vals;
        size_t n;
        if (!s)
            continue;
        n = strlen(s);
        while (*p && !ok) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            if (len == n && !strncmp(p, s, n))
                ok = 1;
            if (!bar)
                break;
            p = bar + 1;
        }
    }
    json_decref(acc);
    return ok;
}
