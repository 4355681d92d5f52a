/*
 * src/node/emergency/payload.c - a record read for break-glass
 * (emergency_impl.h): verified, its current data entries, decrypted
 * payloads into FHIR sections, the patient's authority in a policy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/emergency/emergency_impl.h"

void ck_node_btg_iso(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ck_node_btg_view(ck_node *c, const char *patient, ck_node_view *v)
{
    char why[CK_NODE_MSG_MAX - 64];
    size_t pos = 0;
    if (ck_node_view_load(v, c, patient, 0) != 0) return -1;
    if (!ck_node_view_problems(v)) {
        (void)ck_node_view_pin(v);
        return 0;
    }
    why[0] = 0;
    for (size_t i = 0; i < v->vo.n_problems && pos + 1 < sizeof why; i++) {
        int k = snprintf(why + pos, sizeof why - pos, "%sseq %llu: %s (%s)", i ? "; " : "",
                         (unsigned long long)v->vo.problem[i].seq, ck_rec_problem_name(v->vo.problem[i].kind),
                         v->vo.problem[i].detail);
        if (k < 0) break;
        pos += (size_t)k;
    }
    return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify: %s",
                        why[0] ? why : "entries were dropped");
}

int ck_node_btg_current(const ck_node_view *v, size_t i, ck_rec_container *ct)
{
    if (i >= v->n || !v->vo.valid[i] || !v->it[i].data || !v->it[i].latest) return 0;
    *ct = v->it[i].cont;
    return 1;
}

/* ---- payloads -> sections ------------------------------------------------------------ */

static int already_there(const json_t *arr, const char *type, const char *id)
{
    const json_t *old;
    size_t i;
    if (!id || !*id) return 0;
    json_array_foreach(arr, i, old) {
        const char *ot = json_string_value(json_object_get(old, "type"));
        const char *oi = json_string_value(json_object_get(old, "id"));
        if (ot && oi && !strcmp(ot, type) && !strcmp(oi, id)) return 1;
    }
    return 0;
}

static int add_item(ck_fhir_sections *s, json_t *item)
{
    json_t *res = json_object_get(item, "resource"), *own = NULL;
    const char *type;
    ck_section sec;
    int rc = -1;
    if (!json_is_object(res)) { /* a bare resource: make it an item */
        const char *rt = json_string_value(json_object_get(item, "resourceType"));
        const char *id = json_string_value(json_object_get(item, "id"));
        if (!rt || !(own = json_pack("{s:s,s:s,s:O}", "type", rt, "id", id ? id : "", "resource", item))) return -1;
        item = own;
        res = json_object_get(item, "resource");
    }
    type = json_string_value(json_object_get(item, "type"));
    if (!type) type = json_string_value(json_object_get(res, "resourceType"));
    if (!type) goto out;
    sec = ck_fhir_section_of(type);
    if (!s->section[sec] && !(s->section[sec] = json_array())) goto out;
    /* the same resource may arrive twice (a section and the emergency view) */
    if (already_there(s->section[sec], type, json_string_value(json_object_get(item, "id")))) rc = 0;
    else rc = json_array_append(s->section[sec], item) == 0 ? 0 : -1;
out:
    json_decref(own);
    return rc;
}

static int add_value(ck_fhir_sections *s, json_t *v, int depth);

static int add_sections(ck_fhir_sections *s, json_t *secs, int depth)
{
    const char *k;
    json_t *x;
    json_object_foreach(secs, k, x) {
        ck_section sec;
        if (!json_is_array(x)) continue;
        /* a released section with nothing in it is "none recorded", not "withheld" */
        if (ck_section_from_name(k, &sec) == 0 && !s->section[sec] && !(s->section[sec] = json_array())) return -1;
        if (add_value(s, x, depth + 1) != 0) return -1;
    }
    return 0;
}

static int add_value(ck_fhir_sections *s, json_t *v, int depth)
{
    const char *rt;
    size_t i;
    json_t *x;
    if (depth > 3) return -1;
    if (json_is_array(v)) {
        json_array_foreach(v, i, x) if (add_value(s, x, depth + 1) != 0) return -1;
        return 0;
    }
    if (!json_is_object(v)) return -1;
    if (json_is_array(json_object_get(v, "items"))) return add_value(s, json_object_get(v, "items"), depth + 1);
    if (json_is_object(json_object_get(v, "sections"))) return add_sections(s, json_object_get(v, "sections"), depth);
    rt = json_string_value(json_object_get(v, "resourceType"));
    if (rt && !strcmp(rt, "Bundle")) {
        json_array_foreach(json_object_get(v, "entry"), i, x) {
            json_t *res = json_object_get(x, "resource");
            if (json_is_object(res) && add_item(s, res) != 0) return -1;
        }
        return 0;
    }
    return add_item(s, v);
}

int ck_node_btg_add_payload(ck_fhir_sections *s, const uint8_t *buf, size_t len)
{
    json_error_t jerr;
    json_t *v = ck_fhir_json_parse((const char *)buf, len, &jerr);
    int rc;
    if (!v) return -1;
    rc = add_value(s, v, 0);
    json_decref(v);
    return rc;
}

static int name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

int ck_node_btg_owner_authority(const char *policy, char *out, size_t cap)
{
    for (const char *p = policy; p && (p = strstr(p, "owner@")); p += 6) {
        const char *a = p + 6;
        size_t n = 0;
        /* a whole word: not the tail of "coowner@" */
        if (p != policy && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_')) continue;
        while (name_char(a[n])) n++;
        if (n && n < cap) {
            memcpy(out, a, n);
            out[n] = 0;
            return 0;
        }
    }
    return -1;
}
