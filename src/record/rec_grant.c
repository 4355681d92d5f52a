/*
 * src/record/rec_grant.c - write grants as GRANT containers:
 *
 *   {"v":1,"grant_id":"<32 hex>","grantee":"drx","sections":["problems"],
 *    "delegate":false,"expires_ms":0,"revoke":false}
 *
 * The entry's signature makes the grant the patient's (or her delegate's)
 * word; readers replay grants along the chain (rec_verify.c).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "carekey/record.h"

static int valid_section_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32 || s[0] < 'a' || s[0] > 'z') return strcmp(s, "*") == 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return 0;
    }
    return 1;
}

static json_t *sections_array(const char *csv)
{
    json_t *arr = json_array();
    char buf[CK_REC_SECTIONS_MAX], *save = NULL;
    if (!arr || strlen(csv) >= sizeof(buf)) goto fail;
    strcpy(buf, csv);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!valid_section_name(tok) || json_array_append_new(arr, json_string(tok)) != 0) goto fail;
    }
    if (json_array_size(arr) == 0) goto fail;
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

ck_rec_err ck_rec_grant_container(uint8_t **out, size_t *out_len, ck_rec_grant *g)
{
    static const uint8_t zero[CK_REC_ID_BYTES];
    char idhex[2 * CK_REC_ID_BYTES + 1], *text = NULL;
    json_t *obj = NULL, *secs;
    ck_rec_container c;
    ck_rec_err rc = CK_REC_ERR_PARAM;

    if (!out || !out_len || !g || !ck_net_id_valid(g->grantee)) return rc;
    if (!g->revoke && memcmp(g->grant_id, zero, sizeof(zero)) == 0 &&
        ck_random_bytes(g->grant_id, CK_REC_ID_BYTES) != CK_OK)
        return CK_REC_ERR_SEAL;
    if (!(secs = sections_array(g->sections))) return rc;
    ck_net_hex(idhex, g->grant_id, CK_REC_ID_BYTES);
    obj = json_pack("{s:i,s:s,s:s,s:o,s:b,s:I,s:b}", "v", 1, "grant_id", idhex, "grantee",
                    g->grantee, "sections", secs, "delegate", g->delegate,
                    "expires_ms", (json_int_t)g->expires_ms, "revoke", g->revoke);
    rc = CK_REC_ERR_NOMEM;
    if (!obj || !(text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS))) goto out;
    memset(&c, 0, sizeof(c));
    c.kind = CK_REC_KIND_GRANT;
    memcpy(c.entry_id, g->grant_id, CK_REC_ID_BYTES);
    c.body = (const uint8_t *)text;
    c.body_len = strlen(text);
    *out_len = ck_rec_container_encode(NULL, &c);
    if (!(*out = malloc(*out_len))) goto out;
    ck_rec_container_encode(*out, &c);
    rc = CK_REC_OK;
out:
    free(text);
    json_decref(obj);
    return rc;
}

ck_rec_err ck_rec_grant_decode(ck_rec_grant *g, const uint8_t *json, size_t len)
{
    json_error_t jerr;
    json_t *obj = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr), *secs = NULL;
    const char *idhex = NULL, *grantee = NULL;
    int v = 0, delegate = 0, revoke = 0;
    json_int_t expires = 0;
    ck_rec_grant t;
    ck_rec_err rc = CK_REC_ERR_FORMAT;
    size_t i, used = 0;

    memset(&t, 0, sizeof(t));
    if (!g || !obj) goto out;
    if (json_unpack_ex(obj, &jerr, JSON_STRICT, "{s:i,s:s,s:s,s:o,s:b,s:I,s:b}", "v", &v, "grant_id",
                       &idhex, "grantee", &grantee, "sections", &secs, "delegate", &delegate,
                       "expires_ms", &expires, "revoke", &revoke) != 0)
        goto out;
    if (v != 1 || expires < 0 || !ck_net_id_valid(grantee) || strlen(grantee) > CK_NET_ID_MAX) goto out;
    if (ck_net_unhex(t.grant_id, CK_REC_ID_BYTES, idhex) != 0) goto out;
    if (!json_is_array(secs) || json_array_size(secs) == 0) goto out;
    for (i = 0; i < json_array_size(secs); i++) {
        const char *s = json_string_value(json_array_get(secs, i));
        size_t l = s ? strlen(s) : 0;
        if (!s || !valid_section_name(s) || used + l + 2 > sizeof(t.sections)) goto out;
        if (used) t.sections[used++] = ',';
        memcpy(t.sections + used, s, l + 1);
        used += l;
    }
    strcpy(t.grantee, grantee);
    t.delegate = delegate;
    t.revoke = revoke;
    t.expires_ms = (uint64_t)expires;
    *g = t;
    rc = CK_REC_OK;
out:
    json_decref(obj);
    return rc;
}

int ck_rec_grant_covers(const ck_rec_grant *g, const char *section)
{
    size_t n = strlen(section);
    const char *p = g->sections;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if ((l == 1 && *p == '*') || (l == n && memcmp(p, section, n) == 0)) return 1;
        p += l + (end ? 1 : 0);
    }
    return 0;
}
