/*
 * fhir_bundle.c - what the API answers with around resources: searchset
 * and history Bundles, and the one mapping of the record's item shape
 * {type, id, author, time, seq, resource} to FHIR's meta.versionId,
 * meta.lastUpdated and ETag.
 *
 * Versions: a resource's versionId is the seq of the record entry that
 * wrote it. Seqs grow along the record's log, so versionIds of one
 * resource increase but skip (3, 17, 42): R4 treats versionId as opaque,
 * and vread, If-Match and the history all use the same number.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir_api_int.h"

#define NOMEM(err) fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory")

/* ---- meta and ETags ------------------------------------------------------- */

int ck_fhir_api_meta_set(json_t *resource, uint64_t seq, int64_t time_ms, ck_fhir_api_error *err)
{
    char vid[24], when[CK_FHIR_API_INSTANT_MAX];
    json_t *meta;
    fa_ok(err);
    if (!json_is_object(resource)) return fa_fail(err, CK_FHIR_API_E_ARG, "", "resource is not an object");
    if (ck_fhir_api_instant(when, time_ms) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Resource.meta.lastUpdated", "time outside years 1..9999");
    snprintf(vid, sizeof vid, "%" PRIu64, seq);
    meta = json_object_get(resource, "meta");
    if (meta && !json_is_object(meta))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Resource.meta", "meta is not an object");
    if (!meta) {
        if (!(meta = json_object()) || json_object_set_new(resource, "meta", meta) != 0) return NOMEM(err);
    }
    if (json_object_set_new(meta, "versionId", json_string(vid)) != 0 ||
        json_object_set_new(meta, "lastUpdated", json_string(when)) != 0)
        return NOMEM(err);
    return 0;
}

/* A non-negative JSON integer: 0 and *v, or -1. */
static int get_u64(const json_t *j, uint64_t *v)
{
    if (!json_is_integer(j) || json_integer_value(j) < 0) return -1;
    *v = (uint64_t)json_integer_value(j);
    return 0;
}

int ck_fhir_api_item_resource(json_t **out, const json_t *item, ck_fhir_api_error *err)
{
    const json_t *type, *id, *res, *rtype, *rid, *time;
    uint64_t seq;
    json_t *copy;

    fa_ok(err);
    if (!out || !json_is_object(item)) return fa_fail(err, CK_FHIR_API_E_ARG, "", "item is not an object");
    *out = NULL;
    type = json_object_get(item, "type");
    id = json_object_get(item, "id");
    res = json_object_get(item, "resource");
    time = json_object_get(item, "time");
    if (!json_is_string(type) || !json_is_string(id) || !json_is_object(res))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "", "item without type, id or resource");
    if (get_u64(json_object_get(item, "seq"), &seq) != 0 || !json_is_integer(time))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "", "item without seq or time");
    rtype = json_object_get(res, "resourceType");
    rid = json_object_get(res, "id");
    if (!json_equal((json_t *)rtype, (json_t *)type))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Resource.resourceType", "resourceType differs from the item's type");
    if (rid && !json_equal((json_t *)rid, (json_t *)id))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Resource.id", "id differs from the item's id");
    if (!(copy = json_deep_copy(res))) return NOMEM(err);
    if (!rid && json_object_set(copy, "id", (json_t *)id) != 0) {
        json_decref(copy);
        return NOMEM(err);
    }
    if (ck_fhir_api_meta_set(copy, seq, json_integer_value(time), err) != 0) {
        json_decref(copy);
        return -1;
    }
    *out = copy;
    return 0;
}

int ck_fhir_api_etag(char *buf, size_t cap, uint64_t version)
{
    int n;
    if (!buf || cap == 0) return -1;
    n = snprintf(buf, cap, "W/\"%" PRIu64 "\"", version);
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = 0;
        return -1;
    }
    return 0;
}

int ck_fhir_api_if_match(uint64_t *version, const char *header, ck_fhir_api_error *err)
{
    const char *p = header, *d;
    uint64_t v = 0;
    size_t nd = 0;

    fa_ok(err);
    if (!version || !header) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument");
    while (*p == ' ' || *p == '\t') p++;
    if (p[0] == 'W' && p[1] == '/') p += 2;
    if (*p++ != '"') goto bad;
    for (d = p; *d >= '0' && *d <= '9'; d++, nd++) {
        if (v > (UINT64_C(0x7fffffffffffffff) - (uint64_t)(*d - '0')) / 10) goto bad;
        v = v * 10 + (uint64_t)(*d - '0');
    }
    if (nd == 0 || (nd > 1 && p[0] == '0') || *d++ != '"') goto bad;
    while (*d == ' ' || *d == '\t') d++;
    if (*d) goto bad;
    *version = v;
    return 0;
bad:
    return fa_fail(err, CK_FHIR_API_E_INVALID, "If-Match", "If-Match: expected W/\"<versionId>\"");
}

/* ---- searchset ------------------------------------------------------------- */

static json_t *make_link(const char *rel, const char *base, const ck_fhir_api_query *q, unsigned count,
                         unsigned long offset)
{
    /* every byte of q's text may become %XX, plus _count, _offset, _sort */
    size_t cap = CK_FHIR_API_TEXT_MAX * 3 + 256;
    char *qs = malloc(cap);
    json_t *l = NULL;
    if (qs && ck_fhir_api_query_encode(qs, cap, q, count, offset) >= 0)
        l = json_pack("{s:s, s:o}", "relation", rel, "url",
                      json_sprintf("%s/%s%s%s", base, q->type, qs[0] ? "?" : "", qs));
    free(qs);
    return l;
}

static json_t *full_url(const char *base, const json_t *res)
{
    const json_t *t = json_object_get(res, "resourceType"), *id = json_object_get(res, "id");
    if (!json_is_string(t) || !json_is_string(id)) return NULL;
    return json_sprintf("%s/%s/%s", base, json_string_value(t), json_string_value(id));
}

static int add_entry(json_t *entries, const char *base, json_t *res, const char *mode, ck_fhir_api_error *err)
{
    json_t *url = full_url(base, res), *e;
    if (!url) return fa_fail(err, CK_FHIR_API_E_INVALID, "Bundle.entry.resource", "a resource without type or id");
    e = json_pack("{s:o, s:O, s:{s:s}}", "fullUrl", url, "resource", res, "search", "mode", mode);
    if (!e || json_array_append_new(entries, e) != 0) return NOMEM(err);
    return 0;
}

/* 1 when the JSON key is one of the comma list's element names: the name
 * itself, or a choice element's typed key ("value" keeps valueQuantity). */
static int element_listed(const char *key, const char *list, size_t n)
{
    size_t start = 0, i;
    for (i = 0; i <= n; i++) {
        size_t len = i - start;
        if (i < n && list[i] != ',') continue;
        if (strncmp(key, list + start, len) == 0 && (key[len] == 0 || (key[len] >= 'A' && key[len] <= 'Z')))
            return 1;
        start = i + 1;
    }
    return 0;
}

/* res with only the elements _elements lists, and the mandatory ones
 * (resourceType, id, meta), tagged SUBSETTED (R4 3.1.1.5.9). */
static json_t *subset(const json_t *res, const ck_fhir_api_query *q)
{
    const char *k, *list = ck_fhir_api_str(q, q->elements);
    json_t *v, *out = json_object(), *meta, *tags;
    if (!out) return NULL;
    json_object_foreach((json_t *)res, k, v) {
        if (!strcmp(k, "resourceType") || !strcmp(k, "id") || !strcmp(k, "meta")) continue;
        if (element_listed(k, list, q->elements.len) && json_object_set(out, k, v) != 0) goto bad;
    }
    meta = json_is_object(json_object_get(res, "meta")) ? json_deep_copy(json_object_get(res, "meta")) : json_object();
    if (!meta || json_object_set_new(out, "meta", meta) != 0) goto bad;
    tags = json_object_get(meta, "tag");
    if (!json_is_array(tags) && (json_object_set_new(meta, "tag", json_array()) != 0 || !(tags = json_object_get(meta, "tag"))))
        goto bad;
    if (json_array_append_new(tags, json_pack("{s:s, s:s, s:s}", "system",
                                              "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code",
                                              "SUBSETTED", "display", "subsetted")) != 0 ||
        json_object_set(out, "resourceType", json_object_get(res, "resourceType")) != 0 ||
        json_object_set(out, "id", json_object_get(res, "id")) != 0)
        goto bad;
    return out;
bad:
    json_decref(out);
    return NULL;
}

static int add_match(json_t *entries, const char *base, json_t *res, const ck_fhir_api_query *q,
                     ck_fhir_api_error *err)
{
    json_t *s;
    int rc;
    if (!q->elements.len) return add_entry(entries, base, res, "match", err);
    if (!(s = subset(res, q))) return NOMEM(err);
    rc = add_entry(entries, base, s, "match", err);
    json_decref(s);
    return rc;
}

int ck_fhir_api_searchset(json_t **out, const ck_fhir_api_searchset_in *in, ck_fhir_api_error *err)
{
    json_t *b = NULL, *links, *entries, *l;
    size_t total, first, n, i, count;
    int rc = -1;

    fa_ok(err);
    if (!out || !in || !in->base || !in->q || !json_is_array(in->matches) ||
        (in->includes && !json_is_array(in->includes)))
        return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument or not an array");
    *out = NULL;
    total = json_array_size(in->matches);
    ck_fhir_api_page(in->q, total, in->default_count, &first, &n);
    count = in->q->count ? in->q->count : in->default_count ? in->default_count : CK_FHIR_API_COUNT_DEFAULT;
    if (count > CK_FHIR_API_COUNT_MAX) count = CK_FHIR_API_COUNT_MAX;

    b = json_pack("{s:s, s:s, s:I, s:[], s:[]}", "resourceType", "Bundle", "type", "searchset", "total",
                  (json_int_t)total, "link", "entry");
    if (!b) {
        NOMEM(err);
        goto out;
    }
    links = json_object_get(b, "link");
    entries = json_object_get(b, "entry");
    /* self names the page that was asked for; next and previous step by
     * the page size from there */
    if (!(l = make_link("self", in->base, in->q, (unsigned)count, in->q->offset)) || json_array_append_new(links, l) != 0) {
        NOMEM(err);
        goto out;
    }
    if (first + n < total) {
        if (!(l = make_link("next", in->base, in->q, (unsigned)count, first + n)) || json_array_append_new(links, l) != 0) {
            NOMEM(err);
            goto out;
        }
    }
    if (in->q->offset > 0) {
        unsigned long prev = in->q->offset > count ? in->q->offset - count : 0;
        if (prev > total) prev = total > count ? total - count : 0; /* past the end: the last page */
        if (!(l = make_link("previous", in->base, in->q, (unsigned)count, prev)) || json_array_append_new(links, l) != 0) {
            NOMEM(err);
            goto out;
        }
    }
    if (in->q->summary_count) n = 0; /* _summary=count: the total alone */
    for (i = first; i < first + n; i++)
        if (add_match(entries, in->base, json_array_get(in->matches, i), in->q, err) != 0) goto out;
    for (i = 0; n && in->includes && i < json_array_size(in->includes); i++)
        if (add_entry(entries, in->base, json_array_get(in->includes, i), "include", err) != 0) goto out;
    if (json_array_size(entries) == 0) json_object_del(b, "entry"); /* R4: no empty arrays */
    *out = b;
    b = NULL;
    rc = 0;
out:
    json_decref(b);
    return rc;
}

/* ---- Patient/$everything ---------------------------------------------------- */

static int everything_keeps(const ck_fhir_api_everything *e, const json_t *res)
{
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    const json_t *lu = json_object_get(json_object_get(res, "meta"), "lastUpdated");
    int64_t lo, hi;
    unsigned i;
    if (e->ntypes) {
        for (i = 0; i < e->ntypes; i++)
            if (type && !strcmp(type, e->types[i])) break;
        if (i == e->ntypes) return 0;
    }
    if (!e->has_since) return 1;
    return json_is_string(lu) && ck_fhir_api_date_range(json_string_value(lu), json_string_length(lu), &lo, &hi, NULL) == 0 &&
           lo >= e->since_ms;
}

/* base/Patient/patient/$everything with e's parameters, for a page at offset. */
static json_t *everything_link(const char *rel, const char *base, const char *patient, const ck_fhir_api_everything *e,
                               unsigned long offset)
{
    char q[CK_FHIR_API_EVERYTHING_TYPES_MAX * (CK_FHIR_API_TYPE_MAX + 1) + 128], since[CK_FHIR_API_INSTANT_MAX];
    size_t o = 0;
    unsigned i;
    q[0] = 0;
    if (e->count) o += (size_t)snprintf(q + o, sizeof q - o, "&_count=%u", e->count);
    if (offset) o += (size_t)snprintf(q + o, sizeof q - o, "&_offset=%lu", offset);
    if (e->has_since && ck_fhir_api_instant(since, e->since_ms) == 0)
        o += (size_t)snprintf(q + o, sizeof q - o, "&_since=%s", since);
    for (i = 0; i < e->ntypes && o < sizeof q; i++)
        o += (size_t)snprintf(q + o, sizeof q - o, "%s%s", i ? "," : "&_type=", e->types[i]);
    return json_pack("{s:s, s:o}", "relation", rel, "url",
                     json_sprintf("%s/Patient/%s/$everything%s%s", base, patient, q[0] ? "?" : "", q[0] ? q + 1 : ""));
}

int ck_fhir_api_everything_bundle(json_t **out, const char *base, const char *patient, const ck_fhir_api_everything *e,
                                  const json_t *all, ck_fhir_api_error *err)
{
    json_t *kept = json_array(), *b = NULL, *links, *entries;
    size_t i, total, first, n, count;
    int rc = -1;
    fa_ok(err);
    if (out) *out = NULL;
    if (!out || !base || !patient || !e || !json_is_array(all) || !kept) {
        json_decref(kept);
        return fa_fail(err, kept ? CK_FHIR_API_E_ARG : CK_FHIR_API_E_NOMEM, "", "NULL argument or not an array");
    }
    for (i = 0; i < json_array_size(all); i++)
        if (everything_keeps(e, json_array_get(all, i)) && json_array_append(kept, json_array_get(all, i)) != 0) goto nomem;
    total = json_array_size(kept);
    count = e->count ? e->count : total;
    first = e->offset < total ? e->offset : total;
    n = total - first < count ? total - first : count;
    b = json_pack("{s:s, s:s, s:I, s:[], s:[]}", "resourceType", "Bundle", "type", "searchset", "total",
                  (json_int_t)total, "link", "entry");
    if (!b) goto nomem;
    links = json_object_get(b, "link");
    entries = json_object_get(b, "entry");
    if (json_array_append_new(links, everything_link("self", base, patient, e, e->offset)) != 0) goto nomem;
    if (e->count && first + n < total &&
        json_array_append_new(links, everything_link("next", base, patient, e, first + n)) != 0)
        goto nomem;
    if (e->count && e->offset > 0) {
        unsigned long prev = e->offset > count ? e->offset - count : 0;
        if (prev > total) prev = total > count ? total - count : 0;
        if (json_array_append_new(links, everything_link("previous", base, patient, e, prev)) != 0) goto nomem;
    }
    for (i = first; i < first + n; i++)
        if (add_entry(entries, base, json_array_get(kept, i), "match", err) != 0) goto out;
    if (json_array_size(entries) == 0) json_object_del(b, "entry");
    *out = b;
    b = NULL;
    rc = 0;
    goto out;
nomem:
    NOMEM(err);
out:
    json_decref(b);
    json_decref(kept);
    return rc;
}

/* ---- history --------------------------------------------------------------- */

typedef struct {
    const json_t *item;
    uint64_t seq;
} version;

static int str_is_ok(const json_t *j, const char *s)
{
    return json_is_string(j) && strcmp(json_string_value(j), s) == 0;
}

static int by_seq_desc(const void *a, const void *b)
{
    const version *x = a, *y = b;
    return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

static int history_entry(json_t *entries, const char *base, const char *type, const char *id, const version *v,
                         int oldest, ck_fhir_api_error *err)
{
    char etag[CK_FHIR_API_ETAG_MAX], when[CK_FHIR_API_INSTANT_MAX];
    const json_t *time = json_object_get(v->item, "time"), *res = json_object_get(v->item, "resource");
    json_t *e = NULL, *r = NULL;
    int rc = -1;

    if (!json_is_integer(time) || ck_fhir_api_instant(when, json_integer_value(time)) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, "", "a version without a valid time");
    if (ck_fhir_api_etag(etag, sizeof etag, v->seq) != 0) return fa_fail(err, CK_FHIR_API_E_ARG, "", "etag");
    e = json_pack("{s:o, s:{s:s, s:o}, s:{s:s, s:s, s:s}}", "fullUrl", json_sprintf("%s/%s/%s", base, type, id),
                  "request", "method", oldest ? "POST" : "PUT", "url",
                  oldest ? json_string(type) : json_sprintf("%s/%s", type, id), "response", "status",
                  oldest ? "201 Created" : "200 OK", "etag", etag, "lastModified", when);
    if (!e) {
        NOMEM(err);
        goto out;
    }
    if (json_is_object(res)) {
        if (ck_fhir_api_item_resource(&r, v->item, err) != 0) goto out;
        if (json_object_set_new(e, "resource", r) != 0) {
            NOMEM(err);
            goto out;
        }
    }
    if (json_array_append(entries, e) != 0) {
        NOMEM(err);
        goto out;
    }
    rc = 0;
out:
    json_decref(e);
    return rc;
}

int ck_fhir_api_history(json_t **out, const char *base, const char *type, const char *id, const json_t *items,
                        ck_fhir_api_error *err)
{
    version *v = NULL;
    json_t *b = NULL, *entries;
    size_t n, i;
    int rc = -1;

    fa_ok(err);
    if (!out || !base || !type || !id || !json_is_array(items))
        return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument or not an array");
    *out = NULL;
    if (!fa_is_type_name(type, strlen(type)) || !fa_is_id(id, strlen(id)))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "", "not a resource type and id");
    n = json_array_size(items);
    if (n && !(v = calloc(n, sizeof *v))) return NOMEM(err);
    for (i = 0; i < n; i++) {
        const json_t *it = json_array_get(items, i), *res = json_object_get(it, "resource");
        v[i].item = it;
        if (get_u64(json_object_get(it, "seq"), &v[i].seq) != 0 || !str_is_ok(json_object_get(it, "type"), type) ||
            !str_is_ok(json_object_get(it, "id"), id) || !(json_is_object(res) || json_is_null(res))) {
            fa_fail(err, CK_FHIR_API_E_INVALID, "", "version %zu is not an item of %s/<id>", i, type);
            goto out;
        }
    }
    if (n) qsort(v, n, sizeof *v, by_seq_desc); /* v is NULL for no versions */
    for (i = 1; i < n; i++) {
        if (v[i].seq == v[i - 1].seq) {
            fa_fail(err, CK_FHIR_API_E_INVALID, "", "two versions with one seq");
            goto out;
        }
    }
    b = json_pack("{s:s, s:s, s:I, s:[{s:s, s:o}], s:[]}", "resourceType", "Bundle", "type", "history", "total",
                  (json_int_t)n, "link", "relation", "self", "url",
                  json_sprintf("%s/%s/%s/_history", base, type, id), "entry");
    if (!b) {
        NOMEM(err);
        goto out;
    }
    entries = json_object_get(b, "entry");
    for (i = 0; i < n; i++)
        if (history_entry(entries, base, type, id, &v[i], i == n - 1, err) != 0) goto out;
    if (n == 0) json_object_del(b, "entry");
    *out = b;
    b = NULL;
    rc = 0;
out:
    json_decref(b);
    free(v);
    return rc;
}
