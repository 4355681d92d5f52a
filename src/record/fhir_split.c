/*
 * src/record/fhir_split.c - import: validate a FHIR R4 Bundle and split its
 * resources into record sections, keeping each resource's identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fhir_internal.h"

static const char *const bundle_types[] = {
    "document", "message", "transaction", "transaction-response", "batch",
    "batch-response", "history", "searchset", "collection",
};

static int valid_bundle_type(const char *t)
{
    size_t i;
    for (i = 0; t && i < sizeof bundle_types / sizeof bundle_types[0]; i++)
        if (strcmp(t, bundle_types[i]) == 0)
            return 1;
    return 0;
}

/* Maps a jansson parse error to a message that quotes nothing from the input. */
static ck_fhir_err json_fail(ck_fhir_error *err, const json_error_t *je)
{
    const char *what;
    switch (json_error_code(je)) {
    case json_error_end_of_input_expected: what = "trailing data after the JSON value"; break;
    case json_error_duplicate_key: what = "duplicate object key"; break;
    case json_error_premature_end_of_input: what = "unexpected end of input"; break;
    case json_error_invalid_utf8: what = "invalid UTF-8"; break;
    case json_error_null_character: what = "NUL byte in input"; break;
    case json_error_null_byte_in_key: what = "NUL byte in an object key"; break;
    case json_error_out_of_memory: return ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
    case json_error_stack_overflow: what = "nesting too deep"; break;
    case json_error_numeric_overflow: what = "number out of range"; break;
    default: what = "not valid JSON"; break;
    }
    return ck_fhir_fail(err, CK_FHIR_ERR_JSON, "", "bundle: %s at line %d, column %d (byte %d)",
                        what, je->line, je->column, je->position);
}

/* The id a server assigns to a resource written without one (R4 3.3.1):
 * what its entry's fullUrl names, or a digest (carekey/fhir.h). */
static const char *assigned_id(const char *fu, const char *type, const json_t *res, size_t index, char *buf,
                               size_t cap)
{
    static const char hx[] = "0123456789abcdef";
    const char *cand = NULL, *slash;
    unsigned char md[32], ib[8];
    unsigned int mdlen = 0;
    char *text;
    EVP_MD_CTX *ctx;
    size_t o = 0, k;
    int ok;

    if (fu && strncmp(fu, "urn:uuid:", 9) == 0) cand = fu + 9;
    else if (fu && strncmp(fu, "urn:oid:", 8) == 0) cand = fu + 8;
    else if (fu && type && (slash = strrchr(fu, '/')) && slash > fu) {
        size_t tl = strlen(type);
        if ((size_t)(slash - fu) > tl && memcmp(slash - tl, type, tl) == 0 && slash[-(long)tl - 1] == '/')
            cand = slash + 1;
    }
    if (cand && ck_fhir_valid_id(cand) && strlen(cand) < cap) {
        memcpy(buf, cand, strlen(cand) + 1);
        return buf;
    }
    if (cap < 37 || !(text = ck_fhir_json_dump(res, JSON_COMPACT | JSON_SORT_KEYS))) return NULL;
    for (k = 0; k < 8; k++) ib[k] = (unsigned char)((uint64_t)index >> (56 - 8 * k));
    ctx = EVP_MD_CTX_new();
    ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(ctx, ib, sizeof ib) == 1 &&
         EVP_DigestUpdate(ctx, text, strlen(text)) == 1 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1;
    EVP_MD_CTX_free(ctx);
    free(text);
    if (!ok) return NULL;
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x80); /* UUID version 8: name-based, own hash */
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
    for (k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10) buf[o++] = '-';
        buf[o++] = hx[md[k] >> 4];
        buf[o++] = hx[md[k] & 15];
    }
    buf[o] = 0;
    return buf;
}

const char *ck_fhir_entry_id(const json_t *entry, size_t index, char buf[CK_FHIR_ENTRY_ID_MAX])
{
    const json_t *res = json_object_get(entry, "resource"), *id = json_object_get(res, "id");
    if (!json_is_object(res)) return NULL;
    if (id) return json_is_string(id) && ck_fhir_valid_id(json_string_value(id)) ? json_string_value(id) : NULL;
    return assigned_id(json_string_value(json_object_get(entry, "fullUrl")), ck_json_str(res, "resourceType"), res,
                       index, buf, CK_FHIR_ENTRY_ID_MAX);
}

static int depth_ok(const json_t *v, int depth)
{
    size_t i;
    const char *k;
    json_t *c;
    if (depth > CK_FHIR_MAX_DEPTH)
        return 0;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, c)
            if (!depth_ok(c, depth + 1))
                return 0;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            if (!depth_ok(c, depth + 1))
                return 0;
    }
    return 1;
}

ck_fhir_err ck_fhir_split(ck_fhir_sections *out, const char *json, size_t len, ck_fhir_error *err)
{
    ck_fhir_err rc = CK_FHIR_ERR_NOMEM;
    json_t *root = NULL, *entries, *seen = NULL, *urls = NULL, *e, *item = NULL;
    json_error_t je;
    ck_jpath path;
    size_t i;
    unsigned s;
    char key[CK_FHIR_ID_MAX + 80];

    ck_fhir_error_clear(err);
    if (!out || (!json && len))
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "bundle: NULL argument");
    memset(out, 0, sizeof *out);
    ck_jpath_init(&path);
    if (len > CK_FHIR_MAX_BUNDLE_BYTES) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, "", "bundle: %zu bytes exceeds the limit of %u",
                          len, CK_FHIR_MAX_BUNDLE_BYTES);
        goto out;
    }
    root = ck_fhir_json_parse(json ? json : "", len, &je);
    if (!root) {
        rc = json_fail(err, &je);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$", "a Bundle must be a JSON object");
        goto out;
    }
    if (!json_is_string(json_object_get(root, "resourceType")) ||
        strcmp(ck_json_str(root, "resourceType"), "Bundle") != 0) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.resourceType", "resourceType must be \"Bundle\"");
        goto out;
    }
    if (!valid_bundle_type(ck_json_str(root, "type"))) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.type",
                          "Bundle.type missing or not a FHIR bundle type");
        goto out;
    }
    entries = json_object_get(root, "entry");
    if (entries && !json_is_array(entries)) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.entry", "entry must be an array");
        goto out;
    }
    if (json_array_size(entries) > CK_FHIR_MAX_ENTRIES) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, "$.entry", "%zu entries exceed the limit of %u",
                          json_array_size(entries), CK_FHIR_MAX_ENTRIES);
        goto out;
    }
    for (s = 0; s < CK_SECTION_COUNT; s++)
        if (!(out->section[s] = json_array()))
            goto out;
    if (!(out->unknown_types = json_object()) || !(seen = json_object()) ||
        !(urls = json_object()))
        goto out;

    json_array_foreach(entries, i, e) {
        json_t *res, *full, *prev;
        const char *type, *id;
        char idbuf[CK_FHIR_ENTRY_ID_MAX];
        int assigned;
        ck_section sec;
        size_t p0 = ck_jpath_key(&path, "entry"), p1;

        ck_jpath_index(&path, i);
        if (!json_is_object(e)) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path.buf, "entry must be an object");
            goto out;
        }
        res = json_object_get(e, "resource");
        if (!json_is_object(res)) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path.buf,
                              res ? "entry.resource must be an object" : "entry without resource");
            goto out;
        }
        full = json_object_get(e, "fullUrl");
        if (full && (!json_is_string(full) || !*json_string_value(full))) {
            ck_jpath_key(&path, "fullUrl");
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path.buf, "fullUrl must be a non-empty string");
            goto out;
        }
        p1 = ck_jpath_key(&path, "resource");
        type = ck_json_str(res, "resourceType");
        if (!ck_fhir_valid_type(type)) {
            ck_jpath_key(&path, "resourceType");
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path.buf,
                              type ? "resourceType is not a FHIR type name" : "resource without resourceType");
            goto out;
        }
        id = ck_json_str(res, "id");
        assigned = !json_object_get(res, "id");
        if (assigned && !(id = assigned_id(full ? json_string_value(full) : NULL, type, res, i, idbuf, sizeof idbuf)))
            goto out;
        if (!ck_fhir_valid_id(id)) {
            ck_jpath_key(&path, "id");
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path.buf, "id is not a FHIR id ([A-Za-z0-9-.]{1,64})");
            goto out;
        }
        if (!depth_ok(res, 0)) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, path.buf, "resource nested deeper than %d",
                              CK_FHIR_MAX_DEPTH);
            goto out;
        }
        ck_jpath_pop(&path, p1);
        /* Identity: type/id, and the fullUrl when there is one. */
        snprintf(key, sizeof key, "%s/%s", type, id);
        if ((prev = json_object_get(seen, key))) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_DUPLICATE, path.buf,
                              "duplicate resource: same %s id as $.entry[%lld]", type,
                              (long long)json_integer_value(prev));
            goto out;
        }
        if (json_object_set_new(seen, key, json_integer((json_int_t)i)))
            goto out;
        if (full) {
            const char *fu = json_string_value(full);
            if ((prev = json_object_get(urls, fu))) {
                rc = ck_fhir_fail(err, CK_FHIR_ERR_DUPLICATE, path.buf,
                                  "duplicate fullUrl: same as $.entry[%lld]",
                                  (long long)json_integer_value(prev));
                goto out;
            }
            if (json_object_set_new(urls, fu, json_integer((json_int_t)i)))
                goto out;
        }
        item = json_pack("{s:s, s:s, s:O}", "type", type, "id", id, "resource", res);
        if (!item)
            goto out;
        if (full && json_object_set(item, "fullUrl", full))
            goto out;
        if (assigned && json_object_set_new(item, "id_assigned", json_true()))
            goto out;
        sec = ck_fhir_section_of(type);
        if (json_array_append_new(out->section[sec], item)) {
            item = NULL;
            goto out;
        }
        item = NULL;
        if (sec == CK_SECTION_OTHER) {
            json_t *c = json_object_get(out->unknown_types, type);
            if (json_object_set_new(out->unknown_types, type,
                                    json_integer(c ? json_integer_value(c) + 1 : 1)))
                goto out;
        }
        ck_jpath_pop(&path, p0);
    }
    out->whole = 1;
    rc = CK_FHIR_OK;
out:
    if (rc == CK_FHIR_ERR_NOMEM && (!err || err->code != CK_FHIR_ERR_NOMEM))
        ck_fhir_fail(err, rc, "", "out of memory");
    if (rc != CK_FHIR_OK)
        ck_fhir_sections_clear(out);
    json_decref(item);
    json_decref(seen);
    json_decref(urls);
    json_decref(root);
    return rc;
}
