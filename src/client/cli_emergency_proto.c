/*
 * src/client/cli_emergency_proto.c - break-glass encodings and the record
 * helpers the desk, the physician and the patient share (cli_emergency.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cli_emergency.h"

static int put_str(uint8_t *out, size_t cap, size_t *pos, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || *pos + 4 + n > cap) return -1;
    out[*pos] = (uint8_t)(n >> 24);
    out[*pos + 1] = (uint8_t)(n >> 16);
    out[*pos + 2] = (uint8_t)(n >> 8);
    out[*pos + 3] = (uint8_t)n;
    memcpy(out + *pos + 4, s, n);
    *pos += 4 + n;
    return 0;
}

static int put_u64(uint8_t *out, size_t cap, size_t *pos, uint64_t v, int bytes)
{
    if (*pos + (size_t)bytes > cap) return -1;
    for (int i = 0; i < bytes; i++) out[*pos + (size_t)i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    *pos += (size_t)bytes;
    return 0;
}

static int put_raw(uint8_t *out, size_t cap, size_t *pos, const uint8_t *b, size_t n)
{
    if (*pos + n > cap) return -1;
    memcpy(out + *pos, b, n);
    *pos += n;
    return 0;
}

int cli_btg_request_tbs(uint8_t *out, size_t cap, size_t *len, const char *authority, const char *gid,
                        const char *patient, const char *reason, uint32_t seconds, uint64_t time_ms,
                        const uint8_t nonce[CLI_BTG_NONCE_BYTES])
{
    size_t pos = 0;
    if (!out || !len || !authority || !gid || !patient || !reason || !nonce) return -1;
    if (put_str(out, cap, &pos, CLI_BTG_REQ_LABEL, 64) || put_str(out, cap, &pos, authority, 128) ||
        put_str(out, cap, &pos, gid, 128) || put_str(out, cap, &pos, patient, 128) ||
        put_str(out, cap, &pos, reason, CLI_BTG_REASON_MAX) || put_u64(out, cap, &pos, seconds, 4) ||
        put_u64(out, cap, &pos, time_ms, 8) || put_raw(out, cap, &pos, nonce, CLI_BTG_NONCE_BYTES))
        return -1;
    *len = pos;
    return 0;
}

size_t cli_btg_box_ad(uint8_t out[CLI_BTG_AD_MAX], const char *desk, const char *physician, const char *patient,
                      uint64_t issued_ms, uint64_t expires_ms, const uint8_t nonce[CLI_BTG_NONCE_BYTES])
{
    size_t pos = 0;
    if (!desk || !physician || !patient || !nonce) return 0;
    if (put_str(out, CLI_BTG_AD_MAX, &pos, CLI_BTG_BOX_LABEL, 64) || put_str(out, CLI_BTG_AD_MAX, &pos, desk, 128) ||
        put_str(out, CLI_BTG_AD_MAX, &pos, physician, 128) || put_str(out, CLI_BTG_AD_MAX, &pos, patient, 128) ||
        put_u64(out, CLI_BTG_AD_MAX, &pos, issued_ms, 8) || put_u64(out, CLI_BTG_AD_MAX, &pos, expires_ms, 8) ||
        put_raw(out, CLI_BTG_AD_MAX, &pos, nonce, CLI_BTG_NONCE_BYTES))
        return 0;
    return pos;
}

uint64_t cli_btg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void cli_btg_iso(char out[32], uint64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- records ---------------------------------------------------------------- */

int cli_btg_fetch_record(cli_ctx *c, const char *patient, cli_btg_record *r, char *why, size_t cap)
{
    ck_net_head server_head, last;
    ck_rec_signed_head sh;
    ck_rec_verify_in in;
    int has_signed = 0, have_last = 0, rc;

    memset(r, 0, sizeof *r);
    if (why && cap) why[0] = 0;
    memset(&sh, 0, sizeof sh);
    if ((rc = cli_ctx_fetch_record(c, patient, &r->v, &r->n, &server_head, &sh, &has_signed)) != CLI_OK) return rc;
    if (cli_ctx_head_load(c, patient, &last, &have_last) != CLI_OK) have_last = 0;
    memset(&in, 0, sizeof in);
    in.patient = patient;
    in.entries = r->v;
    in.n = r->n;
    in.server_head = &server_head;
    in.signed_head = has_signed ? &sh : NULL;
    in.last_known = have_last ? &last : NULL;
    in.key = cli_ctx_key_fn;
    in.key_ctx = c;
    if (ck_rec_verify(&r->vo, &in) != CK_REC_OK) {
        if (why && cap) snprintf(why, cap, "the record could not be verified");
        return CLI_FAIL;
    }
    if (r->vo.n_problems) {
        size_t pos = 0;
        for (size_t i = 0; i < r->vo.n_problems && why && pos + 1 < cap; i++) {
            int k = snprintf(why + pos, cap - pos, "%sseq %llu: %s (%s)", i ? "; " : "",
                             (unsigned long long)r->vo.problem[i].seq, ck_rec_problem_name(r->vo.problem[i].kind),
                             r->vo.problem[i].detail);
            if (k < 0) break;
            pos += (size_t)k;
        }
        return CLI_FAIL;
    }
    if (!(r->superseded = calloc(r->n ? r->n : 1, 1))) return CLI_FAIL;
    for (size_t i = 0; i < r->n; i++) {
        ck_rec_container ct;
        if (!r->vo.valid[i] || ck_rec_container_decode(&ct, r->v[i].envelope, r->v[i].envelope_len) != CK_REC_OK ||
            !ct.supersedes)
            continue;
        for (size_t j = 0; j < i; j++)
            if (r->v[j].seq == ct.supersedes) r->superseded[j] = 1;
    }
    if (r->n) (void)cli_ctx_head_store(c, patient, &r->vo.head);
    return CLI_OK;
}

void cli_btg_record_free(cli_btg_record *r)
{
    ck_net_entries_free(r->v, r->n);
    ck_rec_verify_out_free(&r->vo);
    free(r->superseded);
    memset(r, 0, sizeof *r);
}

int cli_btg_current_data(const cli_btg_record *r, size_t i, ck_rec_container *c)
{
    if (i >= r->n || !r->vo.valid || !r->vo.valid[i] || (r->superseded && r->superseded[i])) return 0;
    if (ck_rec_container_decode(c, r->v[i].envelope, r->v[i].envelope_len) != CK_REC_OK) return 0;
    return c->kind == CK_REC_KIND_DATA;
}

/* ---- payloads -> sections --------------------------------------------------- */

static int add_item(ck_fhir_sections *s, json_t *item)
{
    json_t *res = json_object_get(item, "resource"), *own = NULL;
    const char *type;
    ck_section sec;
    size_t i;
    json_t *old;

    if (!json_is_object(res)) {          /* a bare resource: make it an item */
        const char *rt = json_string_value(json_object_get(item, "resourceType"));
        const char *id = json_string_value(json_object_get(item, "id"));
        if (!rt) return -1;
        own = json_pack("{s:s,s:s,s:O}", "type", rt, "id", id ? id : "", "resource", item);
        if (!own) return -1;
        item = own;
        res = json_object_get(item, "resource");
    }
    type = json_string_value(json_object_get(item, "type"));
    if (!type) type = json_string_value(json_object_get(res, "resourceType"));
    if (!type) {
        json_decref(own);
        return -1;
    }
    sec = ck_fhir_section_of(type);
    if (!s->section[sec] && !(s->section[sec] = json_array())) {
        json_decref(own);
        return -1;
    }
    /* the same resource may arrive twice (a section and the emergency view) */
    json_array_foreach(s->section[sec], i, old) {
        const char *ot = json_string_value(json_object_get(old, "type"));
        const char *oi = json_string_value(json_object_get(old, "id"));
        const char *ni = json_string_value(json_object_get(item, "id"));
        if (ot && oi && ni && *ni && strcmp(ot, type) == 0 && strcmp(oi, ni) == 0) {
            json_decref(own);
            return 0;
        }
    }
    if (own) return json_array_append_new(s->section[sec], own) == 0 ? 0 : -1;
    return json_array_append(s->section[sec], item) == 0 ? 0 : -1;
}

static int add_value(ck_fhir_sections *s, json_t *v, int depth)
{
    size_t i;
    json_t *x;
    if (depth > 3) return -1;
    if (json_is_array(v)) {
        json_array_foreach(v, i, x) if (add_value(s, x, depth + 1) != 0) return -1;
        return 0;
    }
    if (!json_is_object(v)) return -1;
    if (json_is_array(json_object_get(v, "items"))) return add_value(s, json_object_get(v, "items"), depth + 1);
    if (json_is_object(json_object_get(v, "sections"))) {
        const char *k;
        json_object_foreach(json_object_get(v, "sections"), k, x) {
            ck_section sec;
            if (!json_is_array(x)) continue;
            /* a released section with nothing in it is "none recorded", not "withheld" */
            if (ck_section_from_name(k, &sec) == 0 && !s->section[sec] && !(s->section[sec] = json_array()))
                return -1;
            if (add_value(s, x, depth + 1) != 0) return -1;
        }
        return 0;
    }
    if (json_is_string(json_object_get(v, "resourceType")) &&
        strcmp(json_string_value(json_object_get(v, "resourceType")), "Bundle") == 0) {
        json_array_foreach(json_object_get(v, "entry"), i, x) {
            json_t *res = json_object_get(x, "resource");
            if (json_is_object(res) && add_item(s, res) != 0) return -1;
        }
        return 0;
    }
    return add_item(s, v);
}

int cli_btg_add_payload(ck_fhir_sections *s, const uint8_t *buf, size_t len)
{
    json_error_t jerr;
    json_t *v = ck_fhir_json_parse((const char *)buf, len, &jerr);
    int rc;
    if (!v) return -1;
    rc = add_value(s, v, 0);
    json_decref(v);
    return rc;
}

int cli_btg_owner_authority(const char *policy, char *out, size_t cap)
{
    const char *p = policy;
    while (p && (p = strstr(p, "owner@"))) {
        const char *a = p + 6;
        size_t n = 0;
        if (p == policy || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9') || p[-1] == '_')) {
            while ((a[n] >= 'a' && a[n] <= 'z') || (a[n] >= '0' && a[n] <= '9') || a[n] == '.' || a[n] == '_' ||
                   a[n] == '-')
                n++;
            if (n && n < cap) {
                memcpy(out, a, n);
                out[n] = 0;
                return 0;
            }
        }
        p += 6;
    }
    return -1;
}
