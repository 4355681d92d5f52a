/*
 * src/node/emergency/proto.c - the break-glass protocol's encodings
 * (carekey/node_emergency.h): the bytes a physician signs, the grant's
 * associated data, and the two messages - the signed request the desk
 * reads and the grant the physician reads - decoded strictly: exactly the
 * members of the format, each of its type and range, nothing after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_emergency.h"
#include "carekey/wire.h"

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

static int put_uint(uint8_t *out, size_t cap, size_t *pos, uint64_t v, int bytes)
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

int ck_node_btg_request_tbs(uint8_t *out, size_t cap, size_t *len, const char *authority, const char *gid,
                            const char *patient, const char *reason, uint32_t seconds, uint64_t time_ms,
                            const uint8_t nonce[CK_NODE_BTG_NONCE_BYTES])
{
    size_t pos = 0;
    if (!out || !len || !authority || !gid || !patient || !reason || !nonce) return -1;
    if (put_str(out, cap, &pos, CK_NODE_BTG_REQ_LABEL, 64) || put_str(out, cap, &pos, authority, 128) ||
        put_str(out, cap, &pos, gid, 128) || put_str(out, cap, &pos, patient, 128) ||
        put_str(out, cap, &pos, reason, CK_NODE_BTG_REASON_MAX) || put_uint(out, cap, &pos, seconds, 4) ||
        put_uint(out, cap, &pos, time_ms, 8) || put_raw(out, cap, &pos, nonce, CK_NODE_BTG_NONCE_BYTES))
        return -1;
    *len = pos;
    return 0;
}

size_t ck_node_btg_box_ad(uint8_t out[CK_NODE_BTG_AD_MAX], const char *desk, const char *physician,
                          const char *patient, uint64_t issued_ms, uint64_t expires_ms,
                          const uint8_t nonce[CK_NODE_BTG_NONCE_BYTES])
{
    size_t pos = 0, cap = CK_NODE_BTG_AD_MAX;
    if (!desk || !physician || !patient || !nonce) return 0;
    if (put_str(out, cap, &pos, CK_NODE_BTG_BOX_LABEL, 64) || put_str(out, cap, &pos, desk, 128) ||
        put_str(out, cap, &pos, physician, 128) || put_str(out, cap, &pos, patient, 128) ||
        put_uint(out, cap, &pos, issued_ms, 8) || put_uint(out, cap, &pos, expires_ms, 8) ||
        put_raw(out, cap, &pos, nonce, CK_NODE_BTG_NONCE_BYTES))
        return 0;
    return pos;
}

/* ---- decoding ------------------------------------------------------------------ */

static int bad(ck_node_error *e, const char *key, const char *path, const char *msg)
{
    memset(e, 0, sizeof *e);
    e->kind = CK_NODE_E_INVALID;
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->path, sizeof e->path, "%s", path);
    snprintf(e->msg, sizeof e->msg, "%s", msg);
    return -1;
}

/* A name member (a GID, a patient, an authority): [a-z0-9._-]{1,128}. */
static int take_name(const json_t *o, const char *k, char out[CK_NODE_BTG_NAME_MAX + 1])
{
    const char *s = json_string_value(json_object_get(o, k));
    if (!s || !ck_net_id_valid(s) || strlen(s) > CK_NODE_BTG_NAME_MAX) return -1;
    snprintf(out, CK_NODE_BTG_NAME_MAX + 1, "%s", s);
    return 0;
}

/* A non-negative integer member no larger than max. */
static int take_uint(const json_t *o, const char *k, uint64_t max, uint64_t *out)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max) return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* Exactly n hex digits for n/2 bytes. */
static int take_hex(const json_t *o, const char *k, uint8_t *out, size_t n)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && strlen(s) == 2 * n && ck_net_unhex(out, n, s) == 0 ? 0 : -1;
}

/* Only the members of names[] (all of them). */
static int exact_members(const json_t *o, const char *const *names)
{
    size_t n = 0;
    for (const char *const *p = names; *p; p++, n++)
        if (!json_object_get(o, *p)) return -1;
    return json_is_object(o) && json_object_size(o) == n ? 0 : -1;
}

int ck_node_btg_request_parse(const char *body, size_t len, ck_node_btg_request *r, ck_node_error *e)
{
    static const char *const members[] = {"authority", "gid", "patient", "reason", "seconds", "time",
                                          "nonce", "signature", NULL};
    json_t *o = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *reason;
    uint64_t seconds = 0;
    int rc = -1;
    memset(r, 0, sizeof *r);
    if (!o || exact_members(o, members) != 0) {
        bad(e, "bad_request", "", "expected {authority, gid, patient, reason, seconds, time, nonce, signature}");
        goto out;
    }
    reason = json_string_value(json_object_get(o, "reason"));
    if (!reason || !json_is_integer(json_object_get(o, "seconds")) || !json_is_integer(json_object_get(o, "time")) ||
        !json_is_string(json_object_get(o, "authority")) || !json_is_string(json_object_get(o, "nonce")) ||
        !json_is_string(json_object_get(o, "signature"))) {
        bad(e, "bad_request", "", "expected {authority, gid, patient, reason, seconds, time, nonce, signature}");
        goto out;
    }
    if (take_name(o, "gid", r->gid) || take_name(o, "patient", r->patient) || take_hex(o, "nonce", r->nonce, sizeof r->nonce) ||
        take_hex(o, "signature", r->sig, sizeof r->sig)) {
        bad(e, "bad_field", "gid", "malformed gid, patient, nonce or signature");
        goto out;
    }
    if (!*reason || strlen(reason) > CK_NODE_BTG_REASON_MAX) {
        bad(e, "bad_reason", "reason", "a reason (1..512 bytes) is required");
        goto out;
    }
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    /* the desk answers a wrong desk, window or time with its own codes:
     * here only what cannot be one at all */
    if (strlen(json_string_value(json_object_get(o, "authority"))) > CK_NODE_BTG_NAME_MAX ||
        take_uint(o, "seconds", UINT32_MAX, &seconds) || take_uint(o, "time", INT64_MAX, &r->time_ms)) {
        bad(e, "bad_field", "seconds", "malformed authority, seconds or time");
        goto out;
    }
    snprintf(r->authority, sizeof r->authority, "%s", json_string_value(json_object_get(o, "authority")));
    r->seconds = (uint32_t)seconds;
    rc = 0;
out:
    json_decref(o);
    return rc;
}

char *ck_node_btg_request_encode(const ck_node_btg_request *r)
{
    char nonce_hex[2 * CK_NODE_BTG_NONCE_BYTES + 1], sig_hex[129], *text;
    json_t *o;
    ck_net_hex(nonce_hex, r->nonce, sizeof r->nonce);
    ck_net_hex(sig_hex, r->sig, sizeof r->sig);
    o = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "authority", r->authority, "gid", r->gid, "patient", r->patient,
                  "reason", r->reason, "seconds", (json_int_t)r->seconds, "time", (json_int_t)r->time_ms, "nonce",
                  nonce_hex, "signature", sig_hex);
    text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}

void ck_node_btg_grant_free(ck_node_btg_grant *g)
{
    free(g->box);
    memset(g, 0, sizeof *g);
}

/* entries: [{"seq": N, "section": S}], at most CK_NODE_BTG_MAX_KEYS. */
static int entries_valid(const json_t *a)
{
    const json_t *it;
    size_t i;
    uint64_t seq;
    if (!json_is_array(a) || json_array_size(a) > CK_NODE_BTG_MAX_KEYS) return 0;
    json_array_foreach(a, i, it) {
        const char *s = json_string_value(json_object_get(it, "section"));
        if (json_object_size(it) != 2 || take_uint(it, "seq", INT64_MAX, &seq) || !s || !ck_net_id_valid(s)) return 0;
    }
    return 1;
}

int ck_node_btg_grant_parse(const char *body, size_t len, ck_node_btg_grant *g, ck_node_error *e)
{
    static const char *const members[] = {"desk", "authority", "physician", "patient", "issued", "expires",
                                          "audit_seq", "nonce", "entries", "box", NULL};
    json_t *o = body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *box;
    int rc = -1;
    memset(g, 0, sizeof *g);
    if (!o || exact_members(o, members) != 0 || take_name(o, "desk", g->desk) ||
        take_name(o, "authority", g->authority) || take_name(o, "physician", g->physician) ||
        take_name(o, "patient", g->patient) || take_uint(o, "issued", INT64_MAX, &g->issued_ms) ||
        take_uint(o, "expires", INT64_MAX, &g->expires_ms) || take_uint(o, "audit_seq", INT64_MAX, &g->audit_seq) ||
        take_hex(o, "nonce", g->nonce, sizeof g->nonce) || !entries_valid(json_object_get(o, "entries")) ||
        !(box = json_string_value(json_object_get(o, "box"))) || g->expires_ms < g->issued_ms) {
        bad(e, "bad_grant", "", "the desk's answer is not a break-glass grant");
        goto out;
    }
    if (ck_net_unb64(&g->box, &g->box_len, box, strlen(box)) != 0) {
        bad(e, "bad_grant", "box", "the sealed grant is malformed");
        goto out;
    }
    g->n_entries = json_array_size(json_object_get(o, "entries"));
    rc = 0;
out:
    if (rc) ck_node_btg_grant_free(g);
    json_decref(o);
    return rc;
}
