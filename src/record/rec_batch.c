/*
 * src/record/rec_batch.c - containers whose body is clear JSON: COMMIT (the
 * entry that closes a batch, an import, once all its entries are in the
 * chain), PROFILE (the patient's sharing profile) and TOMBSTONE (the
 * owner's word that the server may drop the bodies of superseded versions:
 * {"v":1,"drop":[seq,...]}, ascending).
 *
 *   {"v":1,"batch":"<32 hex>","count":N,"abandon":["<32 hex>",...]}
 *
 * "abandon" names earlier batches of the same author that will never be
 * completed (an import of another bundle replaced them): readers then
 * ignore their entries instead of calling the record incomplete.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/record.h"

static ck_rec_err wrap(uint8_t **out, size_t *out_len, ck_rec_kind kind, const char *text)
{
    ck_rec_container c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    if (ck_random_bytes(c.entry_id, CK_REC_ID_BYTES) != CK_OK) return CK_REC_ERR_SEAL;
    c.body = (const uint8_t *)text;
    c.body_len = strlen(text);
    *out_len = ck_rec_container_encode(NULL, &c);
    if (!(*out = malloc(*out_len))) return CK_REC_ERR_NOMEM;
    ck_rec_container_encode(*out, &c);
    return CK_REC_OK;
}

ck_rec_err ck_rec_commit_container(uint8_t **out, size_t *out_len, const ck_rec_commit *cm)
{
    char hex[2 * CK_REC_ID_BYTES + 1], *text = NULL;
    json_t *obj = NULL, *ab;
    ck_rec_err rc = CK_REC_ERR_PARAM;
    if (!out || !out_len || !cm || cm->count == 0 || cm->n_abandon > CK_REC_ABANDON_MAX) return rc;
    rc = CK_REC_ERR_NOMEM;
    if (!(ab = json_array())) return rc;
    for (size_t i = 0; i < cm->n_abandon; i++) {
        ck_net_hex(hex, cm->abandon[i], CK_REC_ID_BYTES);
        if (json_array_append_new(ab, json_string(hex)) != 0) {
            json_decref(ab);
            return rc;
        }
    }
    ck_net_hex(hex, cm->batch, CK_REC_ID_BYTES);
    obj = json_pack("{s:i,s:s,s:I,s:o}", "v", 1, "batch", hex, "count", (json_int_t)cm->count, "abandon", ab);
    if (obj && (text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS))) rc = wrap(out, out_len, CK_REC_KIND_COMMIT, text);
    free(text);
    json_decref(obj);
    return rc;
}

ck_rec_err ck_rec_commit_decode(ck_rec_commit *cm, const uint8_t *json, size_t len)
{
    json_error_t jerr;
    json_t *obj = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr), *ab = NULL;
    const char *bhex = NULL;
    json_int_t count = 0;
    int v = 0;
    ck_rec_commit t;
    ck_rec_err rc = CK_REC_ERR_FORMAT;
    memset(&t, 0, sizeof t);
    if (!cm || !obj) goto out;
    if (json_unpack_ex(obj, &jerr, JSON_STRICT, "{s:i,s:s,s:I,s:o}", "v", &v, "batch", &bhex, "count", &count,
                       "abandon", &ab) != 0)
        goto out;
    if (v != 1 || count < 1 || count > UINT32_MAX || ck_net_unhex(t.batch, CK_REC_ID_BYTES, bhex) != 0 ||
        !json_is_array(ab) || json_array_size(ab) > CK_REC_ABANDON_MAX)
        goto out;
    for (size_t i = 0; i < json_array_size(ab); i++)
        if (ck_net_unhex(t.abandon[i], CK_REC_ID_BYTES, json_string_value(json_array_get(ab, i))) != 0) goto out;
    t.count = (uint32_t)count;
    t.n_abandon = json_array_size(ab);
    *cm = t;
    rc = CK_REC_OK;
out:
    json_decref(obj);
    return rc;
}

ck_rec_err ck_rec_profile_container(uint8_t **out, size_t *out_len, const char *json)
{
    if (!out || !out_len || !json || !*json) return CK_REC_ERR_PARAM;
    return wrap(out, out_len, CK_REC_KIND_PROFILE, json);
}

ck_rec_err ck_rec_tombstone_container(uint8_t **out, size_t *out_len, const uint64_t *seqs, size_t n)
{
    json_t *obj = NULL, *arr = json_array();
    char *text = NULL;
    ck_rec_err rc = CK_REC_ERR_PARAM;
    if (!out || !out_len || !seqs || n == 0 || n > CK_REC_TOMBSTONE_MAX || !arr) goto out;
    for (size_t i = 0; i < n; i++)
        if (seqs[i] == 0 || (i && seqs[i] <= seqs[i - 1]) || json_array_append_new(arr, json_integer((json_int_t)seqs[i])))
            goto out;
    rc = CK_REC_ERR_NOMEM;
    if ((obj = json_pack("{s:i,s:O}", "v", 1, "drop", arr)) && (text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS)))
        rc = wrap(out, out_len, CK_REC_KIND_TOMBSTONE, text);
out:
    free(text);
    json_decref(obj);
    json_decref(arr);
    return rc;
}

ck_rec_err ck_rec_tombstone_decode(uint64_t *seqs, size_t *n, const uint8_t *json, size_t len)
{
    json_error_t jerr;
    json_t *obj = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr), *arr = NULL, *x;
    ck_rec_err rc = CK_REC_ERR_FORMAT;
    size_t i;
    int v = 0;
    if (!seqs || !n || !obj) goto out;
    if (json_unpack_ex(obj, &jerr, JSON_STRICT, "{s:i,s:o}", "v", &v, "drop", &arr) != 0 || v != 1 ||
        !json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > CK_REC_TOMBSTONE_MAX)
        goto out;
    json_array_foreach(arr, i, x) {
        json_int_t s = json_integer_value(x);
        if (!json_is_integer(x) || s < 1 || (i && (uint64_t)s <= seqs[i - 1])) goto out;
        seqs[i] = (uint64_t)s;
    }
    *n = json_array_size(arr);
    rc = CK_REC_OK;
out:
    json_decref(obj);
    return rc;
}
