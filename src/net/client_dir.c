/*
 * client_dir.c - typed calls for the signed directory documents
 * (authority records, epoch tables) and enrollment requests. JSON shapes
 * are those of docs/API.md; the caller verifies what it fetches
 * (carekey/directory.h).
 */
#include "client_impl.h"

#include "carekey/directory.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(ck_net *c, long status, const char *code, const char *what)
{
    ck_net_set_error(c, status, code, what);
    return -1;
}

/* The record's fields (no signature) as a JSON object; table too when set. */
static json_t *record_json(const ck_net_authority *a)
{
    json_t *o = json_pack("{s:s,s:o,s:o,s:s}", "name", a->name, "signing_key", ck_net_json_hex(a->sign_pk, 32), "abe_public_key",
                          ck_net_json_b64(a->abe_pk, a->abe_pk_len), "organization", a->organization);
    if (o && a->epoch_table) {
        json_t *t = json_loads(a->epoch_table, JSON_REJECT_DUPLICATES, NULL);
        if (t == NULL || json_object_set_new(o, "epoch_table", t) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

int ck_net_authority_add(ck_net *c, const ck_net_authority *a)
{
    json_t *b;
    int rc;
    if (a == NULL || !ck_net_id_valid(a->name) || !ck_net_id_valid(a->organization) || a->abe_pk == NULL)
        return fail(c, 0, "bad_argument", "authority record");
    if ((b = record_json(a)) == NULL) return fail(c, 0, "bad_argument", "authority record or epoch table");
    json_object_set_new(b, "signed_at", json_integer((json_int_t)a->signed_at_ms));
    json_object_set_new(b, "operator_signature", ck_net_json_hex(a->operator_sig, 64));
    rc = ck_net_call(c, "POST", "/v1/authorities", b, 201, NULL);
    json_decref(b);
    return rc;
}

void ck_net_authority_clear(ck_net_authority *a)
{
    if (a == NULL) return;
    free(a->abe_pk);
    free(a->epoch_table);
    a->abe_pk = NULL;
    a->epoch_table = NULL;
    a->abe_pk_len = 0;
}

static int get_str(json_t *o, const char *k, char *dst, size_t cap)
{
    const char *s = json_string_value(json_object_get(o, k));
    if (s == NULL || strlen(s) >= cap) return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

int ck_net_authority_fetch(ck_net *c, const char *name, ck_net_authority *out)
{
    char path[256];
    json_t *j = NULL, *t, *at;
    const char *abe;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!ck_net_id_valid(name)) return fail(c, 0, "bad_argument", "authority name");
    snprintf(path, sizeof path, "/v1/authorities/%s", name);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    abe = json_string_value(json_object_get(j, "abe_public_key"));
    at = json_object_get(j, "signed_at");
    t = json_object_get(j, "epoch_table");
    if (get_str(j, "name", out->name, sizeof out->name) || get_str(j, "organization", out->organization,
                                                                    sizeof out->organization) ||
        ck_net_unhex(out->sign_pk, 32, json_string_value(json_object_get(j, "signing_key"))) ||
        ck_net_unhex(out->operator_sig, 64, json_string_value(json_object_get(j, "operator_signature"))) ||
        !json_is_integer(at) || json_integer_value(at) < 0 || abe == NULL ||
        ck_net_unb64(&out->abe_pk, &out->abe_pk_len, abe, strlen(abe)) != 0 ||
        (!json_is_null(t) && !json_is_object(t))) {
        fail(c, 200, "bad_response", "authority record");
        goto out;
    }
    out->signed_at_ms = (uint64_t)json_integer_value(at);
    /* The canonical text (ck_dir_epochs_json): compact, keys sorted. */
    if (json_is_object(t) && (out->epoch_table = json_dumps(t, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
        fail(c, 200, "bad_response", "epoch table");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) ck_net_authority_clear(out);
    json_decref(j);
    return rc;
}

int ck_net_authority_put_epochs(ck_net *c, const char *name, const char *table_json)
{
    char path[256], *resp = NULL;
    size_t len;
    long status;
    json_t *j;
    int rc = -1;
    if (!ck_net_id_valid(name) || table_json == NULL) return fail(c, 0, "bad_argument", "authority or table");
    snprintf(path, sizeof path, "/v1/authorities/%s/epochs", name);
    /* The signed table is the body, byte for byte. */
    c->message[0] = 0;
    if (ck_net_request(c, "PUT", path, table_json, strlen(table_json), &status, &resp, &len) != 0) return -1;
    if (status == 200) {
        rc = 0;
    } else {
        json_t *e;
        j = json_loadb(resp, len, 0, NULL);
        e = json_object_get(j, "error");
        ck_net_set_error(c, status, json_is_object(e) ? json_string_value(json_object_get(e, "code")) : "bad_response",
                         json_is_object(e) ? json_string_value(json_object_get(e, "message")) : "unexpected status");
        json_decref(j);
    }
    free(resp);
    return rc;
}

/* ---- enrollment requests ----------------------------------------------- */

/* A handle that signs as "enroll:GID" with sk for one call, then gets its
 * identity back. */
typedef struct {
    char caller[sizeof ((ck_net *)0)->caller];
    uint8_t sk[32];
    int had;
} saved_id;

static int as_enrollee(ck_net *c, const char *gid, const uint8_t sk[32], saved_id *s)
{
    char caller[CK_NET_ID_MAX + 16];
    s->had = c->have_key;
    memcpy(s->caller, c->caller, sizeof s->caller);
    memcpy(s->sk, c->sk, 32);
    snprintf(caller, sizeof caller, "enroll:%s", gid);
    return ck_net_set_identity(c, caller, sk);
}

static void restore_id(ck_net *c, saved_id *s)
{
    long status = c->status;
    char code[sizeof c->code], msg[sizeof c->message];
    memcpy(code, c->code, sizeof code);
    memcpy(msg, c->message, sizeof msg);
    if (s->had) (void)!ck_net_set_identity(c, s->caller, s->sk);
    else c->have_key = 0;
    OPENSSL_cleanse(s->sk, 32);
    c->status = status; /* the call's outcome stays readable */
    memcpy(c->code, code, sizeof code);
    memcpy(c->message, msg, sizeof msg);
}

static json_t *request_body(const ck_net_enroll_req *r, const uint8_t pk[32])
{
    json_t *b = json_pack("{s:s,s:s,s:o,s:o}", "gid", r->gid, "role", r->role, "ed25519", ck_net_json_hex(pk, 32), "x25519",
                          ck_net_json_hex(r->x25519_pk, 32));
    if (b == NULL) return NULL;
    if (r->display_name && *r->display_name) json_object_set_new(b, "display_name", json_string(r->display_name));
    if (r->org_kind && *r->org_kind)
        json_object_set_new(b, "org", json_pack("{s:s,s:s}", "kind", r->org_kind, "display_name",
                                                r->org_display_name ? r->org_display_name : r->gid));
    if (r->join_org && *r->join_org) json_object_set_new(b, "join_org", json_string(r->join_org));
    if (r->authority) {
        json_t *a = record_json(r->authority);
        if (a == NULL || json_object_set_new(b, "authority", a) != 0) {
            json_decref(b);
            return NULL;
        }
    }
    return b;
}

int ck_net_enroll_submit(ck_net *c, const ck_net_enroll_req *r)
{
    uint8_t pk[32];
    saved_id s;
    json_t *b;
    int rc;
    if (r == NULL || !ck_net_id_valid(r->gid) || r->role == NULL || r->ed25519_sk == NULL || r->x25519_pk == NULL ||
        ck_net_ed25519_public(pk, r->ed25519_sk) != 0)
        return fail(c, 0, "bad_argument", "enrollment request");
    if ((b = request_body(r, pk)) == NULL) return fail(c, 0, "bad_argument", "enrollment request");
    if (as_enrollee(c, r->gid, r->ed25519_sk, &s) != 0) {
        json_decref(b);
        return fail(c, 0, "bad_argument", "key");
    }
    rc = ck_net_call(c, "POST", "/v1/enrollments", b, 201, NULL);
    restore_id(c, &s);
    json_decref(b);
    return rc;
}

int ck_net_enroll_status(ck_net *c, const char *gid, const uint8_t ed25519_sk[32], char status[16])
{
    char path[256];
    saved_id s;
    json_t *j = NULL;
    int rc;
    status[0] = 0;
    if (!ck_net_id_valid(gid)) return fail(c, 0, "bad_argument", "gid");
    snprintf(path, sizeof path, "/v1/enrollments/%s", gid);
    if (as_enrollee(c, gid, ed25519_sk, &s) != 0) return fail(c, 0, "bad_argument", "key");
    rc = ck_net_call(c, "GET", path, NULL, 200, &j);
    restore_id(c, &s);
    if (rc == 0 && get_str(j, "status", status, 16) != 0) rc = fail(c, 200, "bad_response", "status");
    json_decref(j);
    return rc;
}

int ck_net_enroll_pending(ck_net *c, json_t **requests)
{
    json_t *j = NULL, *v;
    *requests = NULL;
    if (ck_net_call(c, "GET", "/v1/enrollments", NULL, 200, &j) != 0) return -1;
    v = json_object_get(j, "enrollments");
    if (!json_is_array(v)) {
        json_decref(j);
        return fail(c, 200, "bad_response", "enrollments");
    }
    *requests = json_incref(v);
    json_decref(j);
    return 0;
}

int ck_net_enroll_approve(ck_net *c, const char *gid, uint64_t signed_at_ms, const uint8_t operator_sig[64])
{
    char path[256];
    json_t *b = NULL;
    int rc;
    if (!ck_net_id_valid(gid)) return fail(c, 0, "bad_argument", "gid");
    snprintf(path, sizeof path, "/v1/enrollments/%s/approve", gid);
    if (operator_sig && (b = json_pack("{s:I,s:o}", "signed_at", (json_int_t)signed_at_ms, "operator_signature",
                                       ck_net_json_hex(operator_sig, 64))) == NULL)
        return fail(c, 0, "bad_argument", "signature");
    rc = ck_net_call(c, "POST", path, b, 200, NULL);
    json_decref(b);
    return rc;
}

int ck_net_enroll_reject(ck_net *c, const char *gid)
{
    char path[256];
    if (!ck_net_id_valid(gid)) return fail(c, 0, "bad_argument", "gid");
    snprintf(path, sizeof path, "/v1/enrollments/%s", gid);
    return ck_net_call(c, "DELETE", path, NULL, 200, NULL);
}
