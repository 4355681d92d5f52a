/*
 * src/record/fhir_index.c - the identity index: every name a reference can
 * use for an item ("Type/id", "urn:uuid:<id>", the imported fullUrl,
 * "http://any/base/Type/id") maps to that item.
 */
#include <stdio.h>
#include <string.h>

#include "fhir_internal.h"

static int index_put(json_t *by_name, const char *name, json_t *item)
{
    /* First writer wins: split rejects real duplicates, and an item's own
     * names never collide with each other in a harmful way. */
    if (json_object_get(by_name, name))
        return 0;
    return json_object_set(by_name, name, item);
}

ck_fhir_err ck_fhir_index_build(ck_fhir_index *ix, const ck_fhir_sections *in,
                                ck_fhir_error *err)
{
    ck_fhir_err rc = CK_FHIR_ERR_NOMEM;
    unsigned s;
    size_t i;
    json_t *item;
    char name[256];

    ix->by_name = json_object();
    if (!ix->by_name)
        goto out;
    for (s = 0; s < CK_SECTION_COUNT; s++) {
        if (!in->section[s])
            continue;
        if (!json_is_array(in->section[s])) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "section %s is not an array",
                              ck_section_name((ck_section)s));
            goto out;
        }
        json_array_foreach(in->section[s], i, item) {
            const char *type = ck_fhir_item_type(item), *id = ck_fhir_item_id(item);
            const char *full = ck_json_str(item, "fullUrl");
            if (!ck_fhir_valid_type(type) || !ck_fhir_valid_id(id) || !ck_fhir_item_resource(item)) {
                rc = ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "",
                                  "section %s item %zu has no valid type, id and resource",
                                  ck_section_name((ck_section)s), i);
                goto out;
            }
            snprintf(name, sizeof name, "%s/%s", type, id);
            if (index_put(ix->by_name, name, item))
                goto out;
            ck_fhir_export_url(name, sizeof name, type, id);
            if (index_put(ix->by_name, name, item))
                goto out;
            if (full && *full && index_put(ix->by_name, full, item))
                goto out;
        }
    }
    rc = CK_FHIR_OK;
out:
    if (rc != CK_FHIR_OK) {
        if (rc == CK_FHIR_ERR_NOMEM)
            ck_fhir_fail(err, rc, "", "out of memory");
        ck_fhir_index_free(ix);
    }
    return rc;
}

void ck_fhir_index_free(ck_fhir_index *ix)
{
    if (!ix)
        return;
    json_decref(ix->by_name);
    ix->by_name = NULL;
}

json_t *ck_fhir_index_lookup(const ck_fhir_index *ix, const char *ref)
{
    json_t *hit;
    const char *p, *slash1 = NULL, *slash2 = NULL;
    size_t n;
    char tail[256];

    if (!ref || !*ref || ref[0] == '#')
        return NULL;
    hit = json_object_get(ix->by_name, ref);
    if (hit)
        return hit;
    /* Absolute or versioned forms: ".../Type/id" or ".../Type/id/_history/v". */
    p = strstr(ref, "/_history/");
    n = p ? (size_t)(p - ref) : strlen(ref);
    for (p = ref + n; p > ref; p--) {
        if (p[-1] == '/') {
            if (!slash2)
                slash2 = p - 1;
            else {
                slash1 = p - 1;
                break;
            }
        }
    }
    if (!slash2)
        return NULL;
    p = slash1 ? slash1 + 1 : ref;
    if ((size_t)(ref + n - p) >= sizeof tail)
        return NULL;
    memcpy(tail, p, (size_t)(ref + n - p));
    tail[ref + n - p] = 0;
    return json_object_get(ix->by_name, tail);
}
