/*
 * fhir_include.c - _include and _revinclude (R4 3.1.1.5.4): what a page of
 * matches names through a reference parameter, and what names one of the
 * page's matches. Pure: the caller hands over the page and a pool of what
 * the person may read, "Type/id" -> resource; references are read as the
 * matcher reads them (fa_ref_split), so an imported record's urn:uuid
 * references resolve by id.
 */
#include <stdio.h>
#include <string.h>

#include "fhir_api_int.h"

#define ID_MAX 64 /* a FHIR id: [A-Za-z0-9-.]{1,64} */

typedef struct {
    const ck_fhir_api_query *q;
    const json_t *pool;
    json_t *by_id;    /* id -> resource of the pool, built when first needed */
    const char *target; /* the include's Target, "" for any type */
    json_t *out, *seen; /* the included resources; "Type/id" of page and out */
    const json_t *page_ids; /* _revinclude: id -> the page's resource       */
    int over;
} inc_ctx;

/* "Type/id" of a resource into key; -1 when it has neither. */
static int key_of(const json_t *r, char *key, size_t cap)
{
    const char *t = json_string_value(json_object_get(r, "resourceType")), *id = json_string_value(json_object_get(r, "id"));
    if (!t || !id) return -1;
    return (size_t)snprintf(key, cap, "%s/%s", t, id) < cap ? 0 : -1;
}

static int type_is(const char *want, const char *t, size_t tl)
{
    return !want[0] || (strlen(want) == tl && memcmp(want, t, tl) == 0);
}

/* The pool's resources by id alone, for urn:uuid references of no type
 * (the first of a type order wins when two types share an id). */
static const json_t *by_id(inc_ctx *c, const char *id, size_t il)
{
    char idz[ID_MAX + 1];
    if (!c->by_id) {
        const char *k;
        json_t *v;
        if (!(c->by_id = json_object())) return NULL;
        json_object_foreach((json_t *)c->pool, k, v) {
            const char *slash = strchr(k, '/');
            if (slash && !json_object_get(c->by_id, slash + 1)) json_object_set(c->by_id, slash + 1, v);
        }
    }
    if (il > ID_MAX) return NULL;
    memcpy(idz, id, il);
    idz[il] = 0;
    return json_object_get(c->by_id, idz);
}

/* The pool's resource a Reference element names, or NULL. */
static const json_t *resolve(inc_ctx *c, const json_t *el)
{
    const char *t, *id, *ref = json_string_value(json_object_get(el, "reference"));
    size_t tl, il;
    char key[CK_FHIR_API_TYPE_MAX + ID_MAX + 2];
    if (!ref || fa_ref_split(ref, &t, &tl, &id, &il) != 0) return NULL;
    if (tl) {
        if (!type_is(c->target, t, tl) || tl + il + 2 > sizeof key) return NULL;
        snprintf(key, sizeof key, "%.*s/%.*s", (int)tl, t, (int)il, id);
        return json_object_get(c->pool, key);
    }
    if (c->target[0]) {
        if (strlen(c->target) + il + 2 > sizeof key) return NULL;
        snprintf(key, sizeof key, "%s/%.*s", c->target, (int)il, id);
        return json_object_get(c->pool, key);
    }
    return by_id(c, id, il);
}

/* Adds r to the included resources unless it is there, or on the page. */
static void add(inc_ctx *c, const json_t *r)
{
    char key[CK_FHIR_API_TYPE_MAX + ID_MAX + 2];
    if (!r || key_of(r, key, sizeof key) != 0 || json_object_get(c->seen, key)) return;
    if (json_array_size(c->out) >= CK_FHIR_API_INCLUDED_MAX) {
        c->over = 1;
        return;
    }
    if (json_array_append(c->out, (json_t *)r) != 0 || json_object_set_new(c->seen, key, json_true()) != 0) c->over = 1;
}

static int visit_forward(void *ctx, const json_t *el)
{
    add(ctx, resolve(ctx, el));
    return 0;
}

/* 1 when the Reference element names one of the page's resources. */
static int visit_reverse(void *ctx, const json_t *el)
{
    inc_ctx *c = ctx;
    const char *t, *id, *ref = json_string_value(json_object_get(el, "reference"));
    size_t tl, il;
    char idz[ID_MAX + 1];
    const json_t *hit;
    if (!ref || fa_ref_split(ref, &t, &tl, &id, &il) != 0 || il > ID_MAX) return 0;
    memcpy(idz, id, il);
    idz[il] = 0;
    if (!(hit = json_object_get(c->page_ids, idz))) return 0;
    {
        const char *ht = json_string_value(json_object_get(hit, "resourceType"));
        size_t hl = ht ? strlen(ht) : 0;
        if (tl && (tl != hl || memcmp(t, ht, tl) != 0)) return 0;
        return type_is(c->target, ht ? ht : "", hl);
    }
}

/* Every Reference element of param of resource r, to fn. */
static int walk_param(const json_t *r, const fa_param_def *def, fa_visit_fn fn, void *ctx)
{
    for (size_t e = 0; e < FA_ELEMENTS_MAX && def->el[e].path; e++)
        if (def->el[e].kind == FA_EL_REF && fa_walk(r, def->el[e].path, fn, ctx)) return 1;
    return 0;
}

static void one_include(inc_ctx *c, const ck_fhir_api_include *inc, const json_t *page)
{
    const char *source = ck_fhir_api_str(c->q, inc->source), *pname = ck_fhir_api_str(c->q, inc->param);
    const fa_param_def *def = fa_param_find(fa_type_find(source), pname, inc->param.len);
    const char *k;
    json_t *v;
    size_t i;
    c->target = ck_fhir_api_str(c->q, inc->target);
    if (!def) return;
    if (!inc->rev) {
        for (i = 0; i < json_array_size(page); i++) {
            const json_t *r = json_array_get(page, i);
            if (json_is_string(json_object_get(r, "resourceType")) &&
                !strcmp(json_string_value(json_object_get(r, "resourceType")), source))
                walk_param(r, def, visit_forward, c);
        }
        return;
    }
    json_object_foreach((json_t *)c->pool, k, v) {
        size_t sl = strlen(source);
        if (strncmp(k, source, sl) != 0 || k[sl] != '/') continue;
        if (walk_param(v, def, visit_reverse, c)) add(c, v);
    }
}

int ck_fhir_api_includes(json_t **out, const ck_fhir_api_query *q, const json_t *page, const json_t *pool,
                         ck_fhir_api_error *err)
{
    inc_ctx c = {q, pool, NULL, "", json_array(), json_object(), json_object(), 0};
    char key[CK_FHIR_API_TYPE_MAX + ID_MAX + 2];
    json_t *ids = (json_t *)c.page_ids;
    size_t i;
    int rc = -1;

    fa_ok(err);
    if (out) *out = NULL;
    if (!out || !q || !json_is_array(page) || !json_is_object(pool)) {
        fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL output or query, or not an array and an object");
        goto done;
    }
    if (!c.out || !c.seen || !ids) {
        fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
        goto done;
    }
    for (i = 0; i < json_array_size(page); i++) {
        const json_t *r = json_array_get(page, i);
        if (key_of(r, key, sizeof key) != 0) continue;
        json_object_set_new(c.seen, key, json_true());
        json_object_set(ids, json_string_value(json_object_get(r, "id")), (json_t *)r);
    }
    for (i = 0; i < q->nincludes && !c.over; i++) one_include(&c, &q->includes[i], page);
    *out = c.out;
    c.out = NULL;
    rc = 0;
done:
    json_decref(c.out);
    json_decref(c.seen);
    json_decref(ids);
    json_decref(c.by_id);
    return rc;
}
