/*
 * src/record/fhir_export.c - export: the sections a reader could decrypt
 * back to a FHIR Bundle in which every reference resolves.
 */
#include <stdio.h>
#include <string.h>

#include "fhir_internal.h"

/* Rewrites every Reference below v: to the target's exported fullUrl, or to
 * {"display": "withheld"} when the target is not in the index. */
static int rewrite_refs(json_t *v, const ck_fhir_index *ix, int depth)
{
    size_t i;
    const char *k;
    json_t *c;
    char url[CK_FHIR_ID_MAX + 96];

    if (depth > CK_FHIR_MAX_DEPTH + 4)
        return -1;
    if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            if (rewrite_refs(c, ix, depth + 1))
                return -1;
        return 0;
    }
    if (!json_is_object(v))
        return 0;
    c = json_object_get(v, "reference");
    if (json_is_string(c)) {
        const char *ref = json_string_value(c);
        if (ref[0] != '#') {
            json_t *target = ck_fhir_index_lookup(ix, ref);
            if (target) {
                ck_fhir_export_url(url, sizeof url, ck_fhir_item_type(target), ck_fhir_item_id(target));
                if (json_object_set_new(v, "reference", json_string(url)))
                    return -1;
            } else {
                json_object_clear(v);
                return json_object_set_new(v, "display", json_string("withheld")) ? -1 : 0;
            }
        }
    }
    json_object_foreach(v, k, c)
        if (rewrite_refs(c, ix, depth + 1))
            return -1;
    return 0;
}

ck_fhir_err ck_fhir_export(json_t **bundle, const ck_fhir_sections *in, ck_fhir_bundle_type type,
                           ck_fhir_error *err)
{
    ck_fhir_err rc = CK_FHIR_ERR_NOMEM;
    ck_fhir_index ix = {0};
    json_t *b = NULL, *entries, *item, *res = NULL, *entry = NULL;
    unsigned s;
    size_t i, total = 0;
    char url[CK_FHIR_ID_MAX + 96];

    ck_fhir_error_clear(err);
    if (!bundle || !in || (type != CK_FHIR_BUNDLE_COLLECTION && type != CK_FHIR_BUNDLE_SEARCHSET))
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "export: bad argument");
    *bundle = NULL;
    if ((rc = ck_fhir_index_build(&ix, in, err)) != CK_FHIR_OK)
        return rc;
    rc = CK_FHIR_ERR_NOMEM;
    b = json_pack("{s:s, s:s, s:[]}", "resourceType", "Bundle", "type",
                  type == CK_FHIR_BUNDLE_SEARCHSET ? "searchset" : "collection", "entry");
    if (!b)
        goto out;
    entries = json_object_get(b, "entry");
    for (s = 0; s < CK_SECTION_COUNT; s++) {
        if (!in->section[s])
            continue;
        json_array_foreach(in->section[s], i, item) {
            res = json_deep_copy(ck_fhir_item_resource(item));
            if (!res)
                goto out;
            /* The item's identity is authoritative for the exported resource. */
            if (json_object_set_new(res, "resourceType", json_string(ck_fhir_item_type(item))) ||
                json_object_set_new(res, "id", json_string(ck_fhir_item_id(item))))
                goto out;
            if (rewrite_refs(res, &ix, 0)) {
                rc = ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, "", "export: %s item %zu nested too deep",
                                  ck_section_name((ck_section)s), i);
                goto out;
            }
            ck_fhir_export_url(url, sizeof url, ck_fhir_item_type(item), ck_fhir_item_id(item));
            entry = json_pack("{s:s, s:o}", "fullUrl", url, "resource", res);
            res = NULL;
            if (!entry)
                goto out;
            if (type == CK_FHIR_BUNDLE_SEARCHSET &&
                json_object_set_new(entry, "search", json_pack("{s:s}", "mode", "match")))
                goto out;
            if (json_array_append_new(entries, entry)) {
                entry = NULL;
                goto out;
            }
            entry = NULL;
            total++;
        }
    }
    if (type == CK_FHIR_BUNDLE_SEARCHSET &&
        json_object_set_new(b, "total", json_integer((json_int_t)total)))
        goto out;
    *bundle = b;
    b = NULL;
    rc = CK_FHIR_OK;
out:
    if (rc == CK_FHIR_ERR_NOMEM)
        ck_fhir_fail(err, rc, "", "out of memory");
    json_decref(entry);
    json_decref(res);
    json_decref(b);
    ck_fhir_index_free(&ix);
    return rc;
}
