/*
 * fhir_match.c - does a resource satisfy a parsed search, and in what
 * order do the matches come.
 *
 * Each search parameter covers the elements fhir_types.c lists for the
 * type. A clause holds when any of its values matches any value of those
 * elements (R4: comma is OR, and a parameter over several elements is
 * their union); the query holds when every clause does. A resource with
 * no value for a parameter never satisfies it, whatever the prefix, but
 * :missing=true and a token's :not.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "fhir_api_int.h"

int fa_walk(const json_t *node, const char *path, fa_visit_fn fn, void *ctx)
{
    const char *dot;
    char key[64];
    size_t i, n;
    int r;
    if (!node) return 0;
    if (json_is_array(node)) {
        for (i = 0; i < json_array_size(node); i++)
            if ((r = fa_walk(json_array_get(node, i), path, fn, ctx)) != 0) return r;
        return 0;
    }
    if (!*path) return fn(ctx, node);
    if (!json_is_object(node)) return 0;
    dot = strchr(path, '.');
    n = dot ? (size_t)(dot - path) : strlen(path);
    if (n >= sizeof key) return 0;
    memcpy(key, path, n);
    key[n] = 0;
    return fa_walk(json_object_get(node, key), dot ? dot + 1 : "", fn, ctx);
}

/* The range of a date element's value: a date string, or a Period with
 * its missing ends open. -1 when it is neither. */
static int el_range(fa_el_kind kind, const json_t *v, int64_t *lo, int64_t *hi)
{
    int64_t l, h;
    if (kind == FA_EL_DATE) {
        if (!json_is_string(v)) return -1;
        return ck_fhir_api_date_range(json_string_value(v), json_string_length(v), lo, hi, NULL);
    }
    if (kind == FA_EL_PERIOD && json_is_object(v)) {
        const json_t *s = json_object_get(v, "start"), *e = json_object_get(v, "end");
        int have = 0;
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        if (json_is_string(s) && ck_fhir_api_date_range(json_string_value(s), json_string_length(s), &l, &h, NULL) == 0)
            *lo = l, have = 1;
        if (json_is_string(e) && ck_fhir_api_date_range(json_string_value(e), json_string_length(e), &l, &h, NULL) == 0)
            *hi = h, have = 1;
        return have ? 0 : -1;
    }
    return -1;
}

static int str_is(const json_t *j, const char *s, size_t n)
{
    return json_is_string(j) && json_string_length(j) == n && memcmp(json_string_value(j), s, n) == 0;
}

typedef struct {
    const ck_fhir_api_query *q;
    const ck_fhir_api_clause *c;
    fa_el_kind kind;
    int seen; /* values of the element visited */
} mctx;

/* A token value against one system and code (a Coding's system and code,
 * an Identifier's system and value). */
static int token_is(const ck_fhir_api_query *q, const ck_fhir_api_value *v, const json_t *sys, const json_t *code)
{
    const char *a = ck_fhir_api_str(q, v->a), *b = ck_fhir_api_str(q, v->b);
    if (!v->has_system) return str_is(code, b, v->b.len);
    if (v->a.len == 0) return !sys && str_is(code, b, v->b.len); /* "|code": a code without a system */
    return str_is(sys, a, v->a.len) && (v->b.len == 0 || str_is(code, b, v->b.len));
}

/* A string value against one string element: :exact compares as written,
 * the others fold the element as the parser folded the value (a) and ask
 * for a prefix, or with :contains a substring. */
static int string_is(const ck_fhir_api_query *q, const ck_fhir_api_value *v, ck_fhir_api_modifier mod, const json_t *el)
{
    char local[1024], *folded = local;
    size_t fl, n = json_string_length(el);
    int hit = 0, ok;
    if (!json_is_string(el)) return 0;
    if (mod == CK_FHIR_API_MOD_EXACT) return str_is(el, ck_fhir_api_str(q, v->b), v->b.len);
    ok = fa_fold(json_string_value(el), n, local, sizeof local, &fl) == 0;
    /* a long element, or one that grows when folded (NFKD turns one
     * character into up to 18): fold again with room for the worst case */
    if (!ok && (folded = malloc(n * 18 + 16)) != NULL)
        ok = fa_fold(json_string_value(el), n, folded, n * 18 + 16, &fl) == 0;
    if (ok)
        hit = mod == CK_FHIR_API_MOD_CONTAINS
                  ? strstr(folded, ck_fhir_api_str(q, v->a)) != NULL
                  : fl >= v->a.len && memcmp(folded, ck_fhir_api_str(q, v->a), v->a.len) == 0;
    if (folded) OPENSSL_cleanse(folded, folded == local ? sizeof local : n * 18 + 16); /* patient data */
    if (folded != local) free(folded);
    return hit;
}

/* Any part of a HumanName (R4's name parameter). */
static int name_is(const ck_fhir_api_query *q, const ck_fhir_api_value *v, ck_fhir_api_modifier mod, const json_t *el)
{
    static const char *const parts[] = {"family", "given", "prefix", "suffix", "text"};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        const json_t *part = json_object_get(el, parts[k]);
        size_t i;
        if (!json_is_array(part)) {
            if (string_is(q, v, mod, part)) return 1;
            continue;
        }
        for (i = 0; i < json_array_size(part); i++)
            if (string_is(q, v, mod, json_array_get(part, i))) return 1;
    }
    return 0;
}

static int value_matches(const ck_fhir_api_query *q, const ck_fhir_api_value *v, const ck_fhir_api_clause *c,
                         fa_el_kind kind, const json_t *el)
{
    const char *a = ck_fhir_api_str(q, v->a), *b = ck_fhir_api_str(q, v->b);
    size_t i;
    switch (kind) {
    case FA_EL_DATE:
    case FA_EL_PERIOD: {
        int64_t lo, hi;
        return el_range(kind, el, &lo, &hi) == 0 && ck_fhir_api_date_test(v->prefix, v->lo, v->hi, lo, hi);
    }
    case FA_EL_ID:
        return str_is(el, b, v->b.len);
    case FA_EL_CODE:
        /* A code element has no system of its own: "system|code" compares
         * the code; "system|" asks only that there be one. */
        if (!json_is_string(el)) return 0;
        return (v->has_system && v->b.len == 0) || str_is(el, b, v->b.len);
    case FA_EL_BOOL:
        /* a boolean is the token true or false, without a system */
        if (!json_is_boolean(el) || v->has_system) return 0;
        return json_is_true(el) ? v->b.len == 4 && memcmp(b, "true", 4) == 0
                                : v->b.len == 5 && memcmp(b, "false", 5) == 0;
    case FA_EL_CODING:
        return token_is(q, v, json_object_get(el, "system"), json_object_get(el, "code"));
    case FA_EL_IDENT:
        return token_is(q, v, json_object_get(el, "system"), json_object_get(el, "value"));
    case FA_EL_CC: {
        const json_t *codings = json_object_get(el, "coding");
        for (i = 0; i < json_array_size(codings); i++) {
            const json_t *cd = json_array_get(codings, i);
            if (token_is(q, v, json_object_get(cd, "system"), json_object_get(cd, "code"))) return 1;
        }
        return 0;
    }
    case FA_EL_STRING:
        return string_is(q, v, c->modifier, el);
    case FA_EL_NAME:
        return name_is(q, v, c->modifier, el);
    case FA_EL_REF: {
        const char *t, *id;
        size_t tl, il;
        const json_t *r = json_object_get(el, "reference");
        if (!json_is_string(r) || fa_ref_split(json_string_value(r), &t, &tl, &id, &il) != 0) return 0;
        if (il != v->b.len || memcmp(id, b, il) != 0) return 0;
        /* urn:uuid references carry no type; the UUID alone names it */
        if (tl && v->a.len && (tl != v->a.len || memcmp(t, a, tl) != 0)) return 0;
        return 1;
    }
    default:
        return 0;
    }
}

static int visit_clause(void *ctx, const json_t *el)
{
    mctx *m = ctx;
    unsigned i;
    m->seen++;
    for (i = 0; i < m->c->n; i++)
        if (value_matches(m->q, &m->q->values[m->c->first + i], m->c, m->kind, el)) return 1;
    return 0;
}

static int visit_count(void *ctx, const json_t *el)
{
    (void)el;
    ++*(size_t *)ctx;
    return 0;
}

/* 1 when res has a value for the parameter (any of its elements). */
static int has_value(const fa_param_def *def, const json_t *res)
{
    size_t e, n = 0;
    for (e = 0; e < FA_ELEMENTS_MAX && def->el[e].path && !n; e++) fa_walk(res, def->el[e].path, visit_count, &n);
    return n > 0;
}

static int clause_matches(const ck_fhir_api_query *q, const fa_type_def *t, const ck_fhir_api_clause *c,
                          const json_t *res)
{
    /* the clause's own definition: Immunization's code and vaccine-code
     * differ in name only */
    const fa_param_def *def = fa_param_find(t, c->name, strlen(c->name));
    size_t e;
    if (!def) return 0;
    if (c->modifier == CK_FHIR_API_MOD_MISSING)
        return has_value(def, res) == (ck_fhir_api_str(q, q->values[c->first].b)[0] == 'f');
    for (e = 0; e < FA_ELEMENTS_MAX && def->el[e].path; e++) {
        mctx m = {q, c, def->el[e].kind, 0};
        if (fa_walk(res, def->el[e].path, visit_clause, &m)) return c->modifier != CK_FHIR_API_MOD_NOT;
        if (def->first_only && m.seen) break; /* the fallbacks do not count */
    }
    /* :not holds where no value matches, a resource without one included */
    return c->modifier == CK_FHIR_API_MOD_NOT;
}

int ck_fhir_api_match(const ck_fhir_api_query *q, const json_t *resource)
{
    const fa_type_def *t;
    unsigned i;
    if (!q || !json_is_object(resource) || !(t = fa_type_find(q->type))) return 0;
    if (!str_is(json_object_get(resource, "resourceType"), q->type, strlen(q->type))) return 0;
    for (i = 0; i < q->nclauses; i++)
        if (!clause_matches(q, t, &q->clauses[i], resource)) return 0;
    return 1;
}

/* ---- sorting ------------------------------------------------------------- */

typedef struct {
    int64_t lo, hi; /* the lowest start and the highest end of the values */
    int has;
} range_acc;

typedef struct {
    range_acc *acc;
    fa_el_kind kind;
    int seen;
} rctx;

static int visit_range(void *ctx, const json_t *el)
{
    rctx *r = ctx;
    int64_t lo, hi;
    if (el_range(r->kind, el, &lo, &hi) != 0) return 0;
    r->seen++;
    if (!r->acc->has || lo < r->acc->lo) r->acc->lo = lo;
    if (!r->acc->has || hi > r->acc->hi) r->acc->hi = hi;
    r->acc->has = 1;
    return 0;
}

static range_acc date_key(const fa_param_def *def, const json_t *res)
{
    range_acc acc = {0, 0, 0};
    size_t e;
    for (e = 0; def && e < FA_ELEMENTS_MAX && def->el[e].path; e++) {
        rctx r = {&acc, def->el[e].kind, 0};
        fa_walk(res, def->el[e].path, visit_range, &r);
        if (def->first_only && r.seen) break;
    }
    return acc;
}

typedef struct {
    const json_t *res;
    size_t idx;
    const char *id;
    range_acc k[CK_FHIR_API_SORT_MAX];
} sort_row;

typedef struct {
    ck_fhir_api_sort keys[CK_FHIR_API_SORT_MAX];
    unsigned n;
} sort_spec;

/* Rows carry their keys in spec order; the spec gives the directions. */
static int cmp_rows(const sort_row *x, const sort_row *y, const sort_spec *s)
{
    unsigned i;
    int c;
    for (i = 0; i < s->n; i++) {
        const range_acc *a = &x->k[i], *b = &y->k[i];
        if (s->keys[i].key == CK_FHIR_API_SORT_ID) {
            if (!x->id != !y->id) return x->id ? -1 : 1; /* no id: last */
            if (x->id && (c = strcmp(x->id, y->id)) != 0) return s->keys[i].desc ? -c : c;
            continue;
        }
        if (a->has != b->has) return a->has ? -1 : 1; /* no value: last */
        if (!a->has) continue;
        if (s->keys[i].desc) {
            if (a->hi != b->hi) return a->hi > b->hi ? -1 : 1;
        } else if (a->lo != b->lo) {
            return a->lo < b->lo ? -1 : 1;
        }
    }
    if (!x->id != !y->id) return x->id ? -1 : 1;
    if (x->id && (c = strcmp(x->id, y->id)) != 0) return c;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* A merge sort with the spec as an argument: stable by construction and
 * free of qsort's missing context pointer. */
static void merge_sort(sort_row *a, sort_row *tmp, size_t n, const sort_spec *s)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;
    if (n < 2) return;
    merge_sort(a, tmp, mid, s);
    merge_sort(a + mid, tmp, n - mid, s);
    while (i < mid && j < n) tmp[k++] = cmp_rows(&a[j], &a[i], s) < 0 ? a[j++] : a[i++];
    while (i < mid) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int ck_fhir_api_sort_array(json_t *resources, const ck_fhir_api_query *q, ck_fhir_api_error *err)
{
    const fa_type_def *t;
    const fa_param_def *date_def, *lu_def;
    sort_spec spec;
    sort_row *rows = NULL, *tmp = NULL;
    json_t **held = NULL;
    size_t n, i;
    unsigned k;
    int rc = -1;

    fa_ok(err);
    if (!json_is_array(resources) || !q || !(t = fa_type_find(q->type)))
        return fa_fail(err, CK_FHIR_API_E_ARG, "", "not an array, or no query");
    date_def = fa_param_of(t, CK_FHIR_API_P_DATE);
    lu_def = fa_param_of(t, CK_FHIR_API_P_LASTUPDATED);
    spec.n = 0;
    if (q->nsort) {
        for (k = 0; k < q->nsort; k++) spec.keys[spec.n++] = q->sort[k];
    } else if (date_def) {
        spec.keys[spec.n].key = CK_FHIR_API_SORT_DATE;
        spec.keys[spec.n++].desc = 0;
    }
    n = json_array_size(resources);
    if (n < 2) return 0;
    rows = calloc(n, sizeof *rows);
    tmp = calloc(n, sizeof *tmp);
    held = calloc(n, sizeof *held);
    if (!rows || !tmp || !held) {
        fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        const json_t *r = json_array_get(resources, i), *id = json_object_get(r, "id");
        rows[i].res = r;
        rows[i].idx = i;
        rows[i].id = json_is_string(id) ? json_string_value(id) : NULL;
        for (k = 0; k < spec.n; k++) {
            if (spec.keys[k].key == CK_FHIR_API_SORT_DATE) rows[i].k[k] = date_key(date_def, r);
            else if (spec.keys[k].key == CK_FHIR_API_SORT_LASTUPDATED) rows[i].k[k] = date_key(lu_def, r);
        }
    }
    merge_sort(rows, tmp, n, &spec);
    /* Rebuild the array in the new order; hold a reference to each while
     * the array is cleared. */
    for (i = 0; i < n; i++) held[i] = json_incref((json_t *)rows[i].res);
    json_array_clear(resources);
    for (i = 0; i < n; i++) {
        if (json_array_append_new(resources, held[i]) != 0) {
            for (; i < n; i++) json_decref(held[i]);
            fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    free(rows);
    free(tmp);
    free(held);
    return rc;
}

int ck_fhir_api_search(json_t **out, const ck_fhir_api_query *q, const json_t *resources, ck_fhir_api_error *err)
{
    json_t *arr;
    size_t i;
    fa_ok(err);
    if (!out || !q || !json_is_array(resources)) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL or not an array");
    *out = NULL;
    if (!(arr = json_array())) return fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
    for (i = 0; i < json_array_size(resources); i++) {
        json_t *r = json_array_get(resources, i);
        if (ck_fhir_api_match(q, r) && json_array_append(arr, r) != 0) {
            json_decref(arr);
            return fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
        }
    }
    if (ck_fhir_api_sort_array(arr, q, err) != 0) {
        json_decref(arr);
        return -1;
    }
    *out = arr;
    return 0;
}

void ck_fhir_api_page(const ck_fhir_api_query *q, size_t total, unsigned default_count, size_t *first, size_t *n)
{
    size_t count = q && q->count ? q->count : default_count ? default_count : CK_FHIR_API_COUNT_DEFAULT;
    size_t off = q ? q->offset : 0;
    if (count > CK_FHIR_API_COUNT_MAX) count = CK_FHIR_API_COUNT_MAX;
    if (off > total) off = total;
    if (first) *first = off;
    if (n) *n = total - off < count ? total - off : count;
}
