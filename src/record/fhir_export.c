/*
 * src/record/fhir_export.c - export: the sections a reader could decrypt
 * back to a FHIR Bundle in which every reference resolves, and in which a
 * bundle imported whole comes back as it went in.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fhir_internal.h"

/* Where each item goes in the Bundle: its fullUrl ("Type/id" -> fullUrl)
 * and, the other way, the item each fullUrl names (FHIR's rule for the
 * references inside a Bundle). */
typedef struct {
    ck_fhir_index ix;  /* every name of every item (ck_fhir_index_lookup) */
    json_t *url_of;    /* "Type/id" -> fullUrl */
    json_t *item_at;   /* fullUrl -> item */
    int whole;         /* the sections are the whole record (ck_fhir_sections.whole) */
} export_ctx;

/* Longer imported fullUrls are exported under the generated name. */
#define URL_CAP 1024

/* 1 when s begins with a URI scheme and a colon ("urn:", "https:"): an
 * absolute reference, where "Type/id" or "Type?query" is relative. */
static int has_scheme(const char *s)
{
    if (!isalpha((unsigned char)*s))
        return 0;
    while (isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.')
        s++;
    return *s == ':';
}

static void item_key(char *buf, size_t cap, const json_t *item)
{
    snprintf(buf, cap, "%s/%s", ck_fhir_item_type(item), ck_fhir_item_id(item));
}

static int claim(export_ctx *x, const char *url, json_t *item)
{
    char key[URL_CAP];
    item_key(key, sizeof key, item);
    return json_object_set(x->item_at, url, item) || json_object_set_new(x->url_of, key, json_string(url));
}

static const char *url_of(const export_ctx *x, const json_t *item)
{
    char key[URL_CAP];
    item_key(key, sizeof key, item);
    return json_string_value(json_object_get(x->url_of, key));
}

/* Every available item's fullUrl, all distinct: the imported one unless an
 * item before it holds that name (so a reference of the bundle it came
 * from resolves as it did there), else urn:uuid:<id>, else (that name
 * taken: another type with the same UUID id, say)
 * urn:carekey:<Type>:<id>, then the same with ":2", ":3"... (an imported
 * fullUrl may be any string). 0, or -1 when out of memory. */
static int assign_urls(export_ctx *x, const ck_fhir_sections *in)
{
    json_t *item;
    char url[URL_CAP];
    size_t i, n;
    unsigned s;

    for (s = 0; s < CK_SECTION_COUNT; s++)
        json_array_foreach(in->section[s], i, item) {
            const char *full = ck_json_str(item, "fullUrl");
            if (full && *full && strlen(full) < URL_CAP && !json_object_get(x->item_at, full) &&
                claim(x, full, item))
                return -1;
        }
    for (s = 0; s < CK_SECTION_COUNT; s++)
        json_array_foreach(in->section[s], i, item) {
            const char *type = ck_fhir_item_type(item), *id = ck_fhir_item_id(item);
            if (url_of(x, item))
                continue;
            ck_fhir_export_url(url, sizeof url, type, id);
            for (n = 1; json_object_get(x->item_at, url); n++) {
                int k = snprintf(url, sizeof url, "urn:carekey:%s:%s", type, id);
                if (n > 1)
                    snprintf(url + k, sizeof url - (size_t)k, ":%zu", n);
            }
            if (claim(x, url, item))
                return -1;
        }
    return 0;
}

/* 1 when ref resolves in the Bundle as it stands, from the entry of item
 * exported as base_url: an entry's fullUrl, or a relative reference read
 * against a RESTful fullUrl's base ("[base]/Type/id"), either with a
 * "/_history/v" suffix or not. */
static int resolves_as_is(const export_ctx *x, const char *ref, const char *base_url, const json_t *item)
{
    char abs[2 * URL_CAP], tail[URL_CAP];
    size_t blen, tlen;
    char *h;

    if (has_scheme(ref)) {
        if (strlen(ref) >= sizeof abs)
            return 0;
        strcpy(abs, ref);
    } else {
        tlen = (size_t)snprintf(tail, sizeof tail, "/%s/%s", ck_fhir_item_type(item), ck_fhir_item_id(item));
        blen = strlen(base_url);
        if (!has_scheme(base_url) || !strncmp(base_url, "urn:", 4) || blen <= tlen ||
            strcmp(base_url + blen - tlen, tail) || blen - tlen + 1 + strlen(ref) >= sizeof abs)
            return 0;
        snprintf(abs, sizeof abs, "%.*s/%s", (int)(blen - tlen), base_url, ref);
    }
    if ((h = strstr(abs, "/_history/")) != NULL)
        *h = 0;
    return json_object_get(x->item_at, abs) != NULL;
}

/* One Reference (an object with a string "reference" other than "#x"):
 * kept, rewritten to its target's fullUrl, or withheld. */
static int rewrite_ref(const export_ctx *x, json_t *v, const char *ref, const char *base_url, const json_t *item)
{
    json_t *target;
    if (resolves_as_is(x, ref, base_url, item))
        return 0;
    if ((target = ck_fhir_index_lookup(&x->ix, ref)) != NULL)
        return json_object_set_new(v, "reference", json_string(url_of(x, target)));
    if (x->whole)
        return 0; /* nothing of the record is hidden: it points outside it */
    json_object_clear(v);
    return json_object_set_new(v, "display", json_string("withheld"));
}

/* Every Reference below v, in the resource of item exported as base_url. */
static int rewrite_refs(const export_ctx *x, json_t *v, const char *base_url, const json_t *item, int depth)
{
    size_t i;
    const char *k;
    json_t *c;

    if (depth > CK_FHIR_MAX_DEPTH + 4)
        return -1;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            if (rewrite_refs(x, c, base_url, item, depth + 1))
                return -1;
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    c = json_object_get(v, "reference");
    if (json_is_string(c) && json_string_value(c)[0] != '#') {
        if (rewrite_ref(x, v, json_string_value(c), base_url, item))
            return -1;
        if (!json_object_get(v, "reference"))
            return 0; /* withheld: nothing left below */
    }
    json_object_foreach(v, k, c)
        if (rewrite_refs(x, c, base_url, item, depth + 1))
            return -1;
    return 0;
}

/* One item's Bundle entry, appended to entries. */
static ck_fhir_err export_item(const export_ctx *x, json_t *entries, const json_t *item, ck_fhir_bundle_type type,
                               ck_section s, size_t i, ck_fhir_error *err)
{
    const char *url = url_of(x, item);
    json_t *res = json_deep_copy(ck_fhir_item_resource(item)), *entry = NULL;
    ck_fhir_err rc = CK_FHIR_ERR_NOMEM;

    /* The item's identity is authoritative for the exported resource; a
     * resource imported without an id (a transaction's create) comes back
     * without one, under the fullUrl that named it. */
    if (!res || json_object_set_new(res, "resourceType", json_string(ck_fhir_item_type(item))))
        goto out;
    if (!(json_is_true(json_object_get(item, "id_assigned")) && !json_object_get(res, "id")) &&
        json_object_set_new(res, "id", json_string(ck_fhir_item_id(item))))
        goto out;
    if (rewrite_refs(x, res, url, item, 0)) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, "", "export: %s item %zu nested too deep", ck_section_name(s), i);
        goto out;
    }
    entry = json_pack("{s:s, s:O}", "fullUrl", url, "resource", res);
    if (!entry || (type == CK_FHIR_BUNDLE_SEARCHSET &&
                   json_object_set_new(entry, "search", json_pack("{s:s}", "mode", "match"))))
        goto out;
    if (json_array_append(entries, entry))
        goto out;
    rc = CK_FHIR_OK;
out:
    json_decref(entry);
    json_decref(res);
    return rc;
}

ck_fhir_err ck_fhir_export(json_t **bundle, const ck_fhir_sections *in, ck_fhir_bundle_type type,
                           ck_fhir_error *err)
{
    ck_fhir_err rc;
    export_ctx x = {0};
    json_t *b = NULL, *item;
    unsigned s;
    size_t i, total = 0;

    ck_fhir_error_clear(err);
    if (!bundle || !in || (type != CK_FHIR_BUNDLE_COLLECTION && type != CK_FHIR_BUNDLE_SEARCHSET))
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "export: bad argument");
    *bundle = NULL;
    if ((rc = ck_fhir_index_build(&x.ix, in, err)) != CK_FHIR_OK)
        return rc;
    rc = CK_FHIR_ERR_NOMEM;
    /* whole, and every section there: a view that dropped one is not */
    x.whole = in->whole;
    for (s = 0; s < CK_SECTION_COUNT; s++)
        if (!in->section[s])
            x.whole = 0;
    if (!(x.url_of = json_object()) || !(x.item_at = json_object()))
        goto out;
    if (assign_urls(&x, in))
        goto out;
    b = json_pack("{s:s, s:s, s:[]}", "resourceType", "Bundle", "type",
                  type == CK_FHIR_BUNDLE_SEARCHSET ? "searchset" : "collection", "entry");
    if (!b)
        goto out;
    for (s = 0; s < CK_SECTION_COUNT; s++)
        json_array_foreach(in->section[s], i, item) {
            if ((rc = export_item(&x, json_object_get(b, "entry"), item, type, (ck_section)s, i, err)) != CK_FHIR_OK)
                goto out;
            total++;
        }
    rc = CK_FHIR_ERR_NOMEM;
    if (type == CK_FHIR_BUNDLE_SEARCHSET && json_object_set_new(b, "total", json_integer((json_int_t)total)))
        goto out;
    *bundle = b;
    b = NULL;
    rc = CK_FHIR_OK;
out:
    if (rc == CK_FHIR_ERR_NOMEM)
        ck_fhir_fail(err, rc, "", "out of memory");
    json_decref(b);
    json_decref(x.url_of);
    json_decref(x.item_at);
    ck_fhir_index_free(&x.ix);
    return rc;
}
