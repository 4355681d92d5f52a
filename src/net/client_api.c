/*
 * client_api.c - typed calls over ck_net_call(): directory, records,
 * grants, mailbox, audit. JSON shapes are those of docs/API.md.
 */
#include "client_impl.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad_response(ck_net *c, const char *what)
{
    ck_net_set_error(c, c->status, "bad_response", what);
    return -1;
}

static int get_str(json_t *o, const char *k, char *dst, size_t cap)
{
    const char *s = json_string_value(json_object_get(o, k));
    if (s == NULL || strlen(s) >= cap) return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int get_hex(json_t *o, const char *k, uint8_t *dst, size_t n)
{
    return ck_net_unhex(dst, n, json_string_value(json_object_get(o, k)));
}

static int get_int(json_t *o, const char *k, int64_t *v)
{
    json_t *x = json_object_get(o, k);
    if (!json_is_integer(x)) return -1;
    *v = (int64_t)json_integer_value(x);
    return 0;
}

/* ---- directory -------------------------------------------------------- */

int ck_net_user_enroll(ck_net *c, const ck_net_user *u)
{
    json_t *b = json_pack("{s:s,s:o,s:o,s:s}", "gid", u->gid, "ed25519", ck_net_json_hex(u->ed25519, 32), "x25519",
                          ck_net_json_hex(u->x25519, 32), "role", u->role);
    /* Empty: none (patients, family and caregivers are listed by GID). */
    if (b && u->display_name[0]) json_object_set_new(b, "display_name", json_string(u->display_name));
    int rc = b ? ck_net_call(c, "POST", "/v1/users", b, 201, NULL) : -1;
    json_decref(b);
    return rc;
}

/* active, org and the attribute list of a user object. */
static int user_standing(json_t *j, ck_net_user *out)
{
    json_t *act = json_object_get(j, "active"), *org = json_object_get(j, "org"), *attrs = json_object_get(j, "attributes"), *v;
    size_t i, len = 0;
    if (!json_is_boolean(act) || !(json_is_null(org) || json_is_string(org)) || !json_is_array(attrs)) return -1;
    out->active = json_is_true(act);
    if (json_is_string(org)) snprintf(out->org, sizeof out->org, "%s", json_string_value(org));
    json_array_foreach(attrs, i, v) {
        const char *a = json_string_value(v);
        if (!a || len + strlen(a) + 2 > sizeof out->attributes) return -1;
        len += (size_t)snprintf(out->attributes + len, sizeof out->attributes - len, "%s%s", i ? "," : "", a);
    }
    return 0;
}

int ck_net_user_get(ck_net *c, const char *gid, ck_net_user *out)
{
    char path[256];
    json_t *j;
    int rc = -1;
    if (!ck_net_id_valid(gid)) return -1;
    snprintf(path, sizeof path, "/v1/users/%s", gid);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    memset(out, 0, sizeof *out);
    if (get_str(j, "gid", out->gid, sizeof out->gid) || get_hex(j, "ed25519", out->ed25519, 32) ||
        get_hex(j, "x25519", out->x25519, 32) || get_str(j, "display_name", out->display_name, sizeof out->display_name) ||
        get_str(j, "role", out->role, sizeof out->role) || user_standing(j, out))
        rc = bad_response(c, "user");
    else
        rc = 0;
    json_decref(j);
    return rc;
}

/* ---- organizations, units, staff -------------------------------------- */

/* Appends "&key=value" (the first one with "?") when value is set. */
static int add_query(char *path, size_t cap, const char *key, const char *value)
{
    size_t len = strlen(path);
    int n;
    if (value == NULL) return 0;
    n = snprintf(path + len, cap - len, "%s%s=%s", strchr(path, '?') ? "&" : "?", key, value);
    return n < 0 || (size_t)n >= cap - len ? -1 : 0;
}

/* GET path; *out is a new reference to the response's array member key,
 * or (key NULL) to the whole response object. */
static int get_member(ck_net *c, const char *path, const char *key, json_t **out, int *more)
{
    json_t *j, *v;
    *out = NULL;
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    v = key ? json_object_get(j, key) : j;
    if (key ? !json_is_array(v) : !json_is_object(v)) {
        json_decref(j);
        return bad_response(c, key ? key : "object");
    }
    if (more) *more = json_is_true(json_object_get(j, "more"));
    *out = json_incref(v);
    json_decref(j);
    return 0;
}

static int bad_argument(ck_net *c, const char *what)
{
    ck_net_set_error(c, 0, "bad_argument", what);
    return -1;
}

int ck_net_org_add(ck_net *c, const char *name, const char *kind, const char *display_name)
{
    json_t *b;
    int rc;
    if (!ck_net_id_valid(name) || kind == NULL || display_name == NULL) return bad_argument(c, "org");
    b = json_pack("{s:s,s:s,s:s}", "name", name, "kind", kind, "display_name", display_name);
    rc = b ? ck_net_call(c, "POST", "/v1/orgs", b, 201, NULL) : bad_argument(c, "display name: UTF-8");
    json_decref(b);
    return rc;
}

int ck_net_org_get(ck_net *c, const char *name, json_t **org)
{
    char path[256];
    *org = NULL;
    if (!ck_net_id_valid(name)) return bad_argument(c, "org name");
    snprintf(path, sizeof path, "/v1/orgs/%s", name);
    return get_member(c, path, NULL, org, NULL);
}

/* Filters are identifiers or tokens: nothing to escape, only to check. */
static int token_ok(const char *s) { return s == NULL || ck_net_id_valid(s); }

int ck_net_orgs_list(ck_net *c, const char *kind, json_t **orgs)
{
    char path[256] = "/v1/orgs";
    *orgs = NULL;
    if (!token_ok(kind) || add_query(path, sizeof path, "kind", kind) != 0) return bad_argument(c, "kind");
    return get_member(c, path, "orgs", orgs, NULL);
}

int ck_net_unit_add(ck_net *c, const char *org, const char *name, const char *kind, const char *display_name,
                    int64_t beds)
{
    char path[256];
    json_t *b;
    int rc;
    if (!ck_net_id_valid(org) || !ck_net_id_valid(name) || kind == NULL) return bad_argument(c, "unit");
    snprintf(path, sizeof path, "/v1/orgs/%s/units", org);
    b = json_pack("{s:s,s:s,s:s,s:I}", "name", name, "kind", kind, "display_name", display_name ? display_name : name,
                  "beds", (json_int_t)beds);
    rc = b ? ck_net_call(c, "POST", path, b, 201, NULL) : bad_argument(c, "display name: UTF-8");
    json_decref(b);
    return rc;
}

int ck_net_units_list(ck_net *c, const char *org, const char *kind, json_t **units)
{
    char path[512];
    *units = NULL;
    if (!ck_net_id_valid(org) || !token_ok(kind)) return bad_argument(c, "org or kind");
    snprintf(path, sizeof path, "/v1/orgs/%s/units", org);
    if (add_query(path, sizeof path, "kind", kind) != 0) return bad_argument(c, "kind");
    return get_member(c, path, "units", units, NULL);
}

/* A call whose response is a user object, kept in *user when asked for. */
static int user_call(ck_net *c, const char *method, const char *path, json_t *body, json_t **user)
{
    json_t *j = NULL;
    if (user) *user = NULL;
    if (ck_net_call(c, method, path, body, 200, &j) != 0) return -1;
    if (!json_is_object(j)) {
        json_decref(j);
        return bad_response(c, "user");
    }
    if (user)
        *user = j;
    else
        json_decref(j);
    return 0;
}

/* METHOD /v1/users/GID/what, answered with the user object. */
static int user_action(ck_net *c, const char *method, const char *gid, const char *what, json_t **user)
{
    char path[256];
    if (user) *user = NULL;
    if (!ck_net_id_valid(gid)) return bad_argument(c, "gid");
    snprintf(path, sizeof path, "/v1/users/%s/%s", gid, what);
    return user_call(c, method, path, NULL, user);
}

int ck_net_user_affiliate(ck_net *c, const char *gid, const char *org, const char *unit, const char *title,
                          const char *const *attrs, size_t nattrs, json_t **user)
{
    char path[256];
    json_t *b, *a = json_array();
    int rc;
    if (user) *user = NULL;
    for (size_t i = 0; a && i < nattrs; i++)
        if (json_array_append_new(a, json_string(attrs[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    if (!ck_net_id_valid(gid) || !ck_net_id_valid(org) || a == NULL) {
        json_decref(a);
        return bad_argument(c, "gid, org or attributes");
    }
    b = json_pack("{s:s,s:o}", "org", org, "attributes", a);
    if (b && unit) json_object_set_new(b, "unit", json_string(unit));
    if (b && title) json_object_set_new(b, "title", json_string(title));
    snprintf(path, sizeof path, "/v1/users/%s/affiliation", gid);
    rc = b ? user_call(c, "PUT", path, b, user) : bad_argument(c, "affiliation");
    json_decref(b);
    return rc;
}

int ck_net_user_deactivate(ck_net *c, const char *gid, json_t **user)
{
    return user_action(c, "POST", gid, "deactivate", user);
}

int ck_net_user_reactivate(ck_net *c, const char *gid, json_t **user)
{
    return user_action(c, "POST", gid, "reactivate", user);
}

int ck_net_user_unaffiliate(ck_net *c, const char *gid, json_t **user)
{
    return user_action(c, "DELETE", gid, "affiliation", user);
}

int ck_net_user_consent(ck_net *c, const char *gid, const char *org)
{
    char path[256];
    json_t *b;
    int rc;
    if (!ck_net_id_valid(gid) || !ck_net_id_valid(org)) return bad_argument(c, "gid or org");
    snprintf(path, sizeof path, "/v1/users/%s/consents", gid);
    b = json_pack("{s:s}", "org", org);
    rc = b ? ck_net_call(c, "POST", path, b, 200, NULL) : bad_argument(c, "org");
    json_decref(b);
    return rc;
}

int ck_net_user_consent_withdraw(ck_net *c, const char *gid, const char *org)
{
    char path[320];
    if (!ck_net_id_valid(gid) || !ck_net_id_valid(org)) return bad_argument(c, "gid or org");
    snprintf(path, sizeof path, "/v1/users/%s/consents/%s", gid, org);
    return ck_net_call(c, "DELETE", path, NULL, 200, NULL);
}

int ck_net_users_list(ck_net *c, const ck_net_user_filter *f, json_t **users, int *more)
{
    char path[1024] = "/v1/users", lim[16];
    const char *active = f->active < 0 ? "any" : f->active ? "true" : "false";
    *users = NULL;
    if (more) *more = 0;
    snprintf(lim, sizeof lim, "%u", f->limit);
    if (!token_ok(f->org) || !token_ok(f->role) || !token_ok(f->unit) || !token_ok(f->attribute) ||
        !token_ok(f->after) || add_query(path, sizeof path, "org", f->org) || add_query(path, sizeof path, "role", f->role) ||
        add_query(path, sizeof path, "unit", f->unit) || add_query(path, sizeof path, "attr", f->attribute) ||
        add_query(path, sizeof path, "active", active) || add_query(path, sizeof path, "after", f->after) ||
        add_query(path, sizeof path, "limit", f->limit ? lim : NULL))
        return bad_argument(c, "filter");
    return get_member(c, path, "users", users, more);
}

/* ---- records ---------------------------------------------------------- */

int ck_net_append(ck_net *c, const char *patient, const char *section, const char *rtype,
                  const uint8_t prev_hash[32], uint64_t time_ms, const uint8_t *env, size_t env_len,
                  ck_net_head *out)
{
    ck_net_entry_fields f;
    uint8_t sig[64];
    char path[256];
    json_t *b = NULL, *j = NULL;
    int64_t seq;
    int rc = -1, uncertain = 0;

    if (!ck_net_id_valid(patient)) return -1;
    memset(&f, 0, sizeof f);
    f.patient = patient;
    memcpy(f.prev_hash, prev_hash, 32);
    f.section = section;
    f.resource_type = rtype;
    f.author = c->caller;
    f.time_ms = time_ms;
    f.envelope = env;
    f.envelope_len = env_len;
    uint8_t tbs[CK_NET_ENTRY_TBS_MAX];
    size_t tbslen;
    if (ck_net_entry_tbs(tbs, sizeof tbs, &tbslen, &f) != 0 || ck_net_signer_sign(c->signer, sig, tbs, tbslen) != 0) {
        ck_net_set_error(c, 0, "bad_argument", "cannot sign the entry");
        return -1;
    }
    b = json_pack("{s:s,s:s,s:s,s:o,s:I,s:o,s:o}", "section", section, "resource_type", rtype, "author", c->caller,
                  "prev_hash", ck_net_json_hex(prev_hash, 32), "time", (json_int_t)time_ms, "envelope", ck_net_json_b64(env, env_len),
                  "signature", ck_net_json_hex(sig, 64));
    snprintf(path, sizeof path, "/v1/records/%s/entries", patient);
    if (b == NULL) goto out;
    if (ck_net_call_retry(c, "POST", path, b, 201, &j, &uncertain) != 0) {
        /* An earlier attempt may have committed: look before reporting. */
        if (uncertain && (ck_net_append_raced(c) || ck_net_retryable(c)))
            rc = ck_net_append_resolve(c, patient, prev_hash, sig, out);
        goto out;
    }
    if (get_int(j, "seq", &seq) || seq < 1 || get_hex(j, "hash", out->hash, 32)) {
        rc = bad_response(c, "append");
        goto out;
    }
    out->seq = (uint64_t)seq;
    rc = 0;
out:
    json_decref(b);
    json_decref(j);
    return rc;
}

int ck_net_head_get(ck_net *c, const char *patient, ck_net_head *head, ck_net_head *signed_head, int *has_signed)
{
    char path[256];
    json_t *j, *s;
    int64_t seq;
    int rc = -1;
    if (!ck_net_id_valid(patient)) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/head", patient);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    if (get_int(j, "seq", &seq) || seq < 0 || get_hex(j, "hash", head->hash, 32)) {
        rc = bad_response(c, "head");
        goto out;
    }
    head->seq = (uint64_t)seq;
    s = json_object_get(j, "signed");
    if (has_signed) *has_signed = json_is_object(s);
    if (signed_head && json_is_object(s)) {
        if (get_int(s, "seq", &seq) || get_hex(s, "hash", signed_head->hash, 32)) {
            rc = bad_response(c, "signed head");
            goto out;
        }
        signed_head->seq = (uint64_t)seq;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}

int ck_net_head_sign(ck_net *c, const char *patient, const ck_net_head *head, uint64_t time_ms)
{
    uint8_t tbs[CK_NET_HEAD_TBS_MAX], sig[64];
    size_t len;
    char path[256];
    json_t *b;
    int rc;
    if (!ck_net_id_valid(patient) || ck_net_head_tbs(tbs, sizeof tbs, &len, patient, head->seq, head->hash, time_ms) ||
        ck_net_ed25519_sign(sig, tbs, len, c->sk))
        return -1;
    snprintf(path, sizeof path, "/v1/records/%s/head", patient);
    b = json_pack("{s:I,s:o,s:I,s:o}", "seq", (json_int_t)head->seq, "hash", ck_net_json_hex(head->hash, 32), "time",
                  (json_int_t)time_ms, "signature", ck_net_json_hex(sig, 64));
    rc = b ? ck_net_call(c, "PUT", path, b, 200, NULL) : -1;
    json_decref(b);
    return rc;
}

/* An entry object; envelope_sha256 is always set: computed here from the
 * envelope (never taken from the server), or, for a body the server
 * dropped ("envelope": null), the digest it kept, which the chain hash and
 * the author's signature check. */
static int parse_entry(json_t *o, const char *patient, ck_net_entry *e)
{
    int64_t seq, t, recv;
    json_t *jenv;
    const char *env;
    memset(e, 0, sizeof *e);
    snprintf(e->patient, sizeof e->patient, "%s", patient);
    if (get_int(o, "seq", &seq) || seq < 1 || get_int(o, "time", &t) || t < 0 || get_int(o, "received_at", &recv) ||
        get_hex(o, "prev_hash", e->prev_hash, 32) || get_hex(o, "hash", e->hash, 32) ||
        get_hex(o, "signature", e->signature, 64) || get_str(o, "section", e->section, sizeof e->section) ||
        get_str(o, "resource_type", e->resource_type, sizeof e->resource_type) ||
        get_str(o, "author", e->author, sizeof e->author))
        return -1;
    e->seq = (uint64_t)seq;
    e->time_ms = (uint64_t)t;
    e->received_at = recv;
    jenv = json_object_get(o, "envelope");
    if (json_is_null(jenv)) return get_hex(o, "envelope_sha256", e->envelope_sha256, 32) ? -1 : 0;
    env = json_string_value(jenv);
    if (env == NULL || ck_net_unb64(&e->envelope, &e->envelope_len, env, strlen(env)) != 0) return -1;
    ck_net_sha256(e->envelope_sha256, e->envelope, e->envelope_len);
    return 0;
}

void ck_net_entry_clear(ck_net_entry *e)
{
    if (e == NULL) return;
    free(e->envelope);
    e->envelope = NULL;
    e->envelope_len = 0;
}

void ck_net_entries_free(ck_net_entry *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].envelope);
    free(v);
}

int ck_net_entries(ck_net *c, const char *patient, uint64_t since, unsigned limit, ck_net_entry **v, size_t *n,
                   int *more)
{
    char path[320];
    json_t *j, *arr;
    ck_net_entry *out = NULL;
    size_t cnt = 0, i;
    int rc = -1;

    *v = NULL;
    *n = 0;
    if (!ck_net_id_valid(patient)) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/entries?since=%llu&limit=%u", patient, (unsigned long long)since,
             limit ? limit : 100);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    arr = json_object_get(j, "entries");
    if (!json_is_array(arr) || (out = calloc(json_array_size(arr) + 1, sizeof *out)) == NULL) {
        rc = bad_response(c, "entries");
        goto out;
    }
    for (i = 0; i < json_array_size(arr); i++) {
        cnt++;
        if (parse_entry(json_array_get(arr, i), patient, &out[i]) != 0) {
            rc = bad_response(c, "entry");
            goto out;
        }
    }
    if (more) *more = json_is_true(json_object_get(j, "more"));
    *v = out;
    *n = cnt;
    out = NULL;
    rc = 0;
out:
    ck_net_entries_free(out, cnt);
    json_decref(j);
    return rc;
}

int ck_net_entry_get(ck_net *c, const char *patient, uint64_t seq, ck_net_entry *out)
{
    char path[320];
    json_t *j;
    int rc;
    if (!ck_net_id_valid(patient)) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/entries/%llu", patient, (unsigned long long)seq);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    rc = parse_entry(j, patient, out) == 0 ? 0 : bad_response(c, "entry");
    if (rc != 0) ck_net_entry_clear(out);
    json_decref(j);
    return rc;
}

int ck_net_entry_check(const ck_net_entry *e, const uint8_t author_pk[32])
{
    ck_net_entry_fields f;
    uint8_t h[32];
    memset(&f, 0, sizeof f);
    f.patient = e->patient;
    f.seq = e->seq;
    memcpy(f.prev_hash, e->prev_hash, 32);
    f.section = e->section;
    f.resource_type = e->resource_type;
    f.author = e->author;
    f.time_ms = e->time_ms;
    f.envelope = e->envelope;
    f.envelope_len = e->envelope_len;
    f.envelope_sha256 = e->envelope ? NULL : e->envelope_sha256; /* a dropped body */
    memcpy(f.signature, e->signature, 64);
    if (ck_net_entry_hash(h, &f) != 0 || memcmp(h, e->hash, 32) != 0) return -1;
    return ck_net_entry_verify(&f, author_pk);
}

/* ---- grants ----------------------------------------------------------- */

int ck_net_grant(ck_net *c, const char *patient, const char *grantee, const char *sections_csv, int delegate,
                 int64_t expires_at, int64_t *id)
{
    return ck_net_grant_access(c, patient, grantee, "write", sections_csv, delegate, expires_at, id);
}

int ck_net_grant_access(ck_net *c, const char *patient, const char *grantee, const char *access,
                        const char *sections_csv, int delegate, int64_t expires_at, int64_t *id)
{
    char path[256], buf[1024];
    json_t *secs = json_array(), *b = NULL, *j = NULL;
    int rc = -1;
    if (!ck_net_id_valid(patient) || secs == NULL || strlen(sections_csv) >= sizeof buf) goto out;
    snprintf(buf, sizeof buf, "%s", sections_csv);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(secs, json_string(t));
    b = json_pack("{s:s,s:O,s:b,s:I,s:s}", "grantee", grantee, "sections", secs, "delegate", delegate, "expires_at",
                  (json_int_t)expires_at, "access", access ? access : "write");
    snprintf(path, sizeof path, "/v1/records/%s/grants", patient);
    if (b == NULL || ck_net_call(c, "POST", path, b, 201, &j) != 0) goto out;
    if (id && get_int(j, "id", id)) {
        rc = bad_response(c, "grant");
        goto out;
    }
    rc = 0;
out:
    json_decref(secs);
    json_decref(b);
    json_decref(j);
    return rc;
}

int ck_net_grants_list(ck_net *c, const char *patient, json_t **grants)
{
    char path[256];
    *grants = NULL;
    if (!ck_net_id_valid(patient)) return bad_argument(c, "patient");
    snprintf(path, sizeof path, "/v1/records/%s/grants", patient);
    return get_member(c, path, "grants", grants, NULL);
}

int ck_net_grants_mine(ck_net *c, int64_t after, unsigned limit, json_t **grants, int *more, int64_t *next_after)
{
    char path[96];
    json_t *j, *v;
    int64_t next;
    *grants = NULL;
    if (after < 0 || limit > 1000) return bad_argument(c, "after: 0..2^63-1; limit: 0..1000");
    if (limit)
        snprintf(path, sizeof path, "/v1/grants/mine?after=%lld&limit=%u", (long long)after, limit);
    else
        snprintf(path, sizeof path, "/v1/grants/mine?after=%lld", (long long)after);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    v = json_object_get(j, "grants");
    if (!json_is_array(v) || !json_is_boolean(json_object_get(j, "more")) || get_int(j, "next_after", &next) != 0 ||
        next < after) {
        json_decref(j);
        return bad_response(c, "grants");
    }
    if (more) *more = json_is_true(json_object_get(j, "more"));
    if (next_after) *next_after = next;
    *grants = json_incref(v);
    json_decref(j);
    return 0;
}

int ck_net_grant_revoke(ck_net *c, const char *patient, int64_t id)
{
    char path[256];
    if (!ck_net_id_valid(patient)) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/grants/%lld", patient, (long long)id);
    return ck_net_call(c, "DELETE", path, NULL, 200, NULL);
}

/* ---- mailbox ---------------------------------------------------------- */

int ck_net_mail_send(ck_net *c, const char *recipient, const char *kind, const uint8_t *payload, size_t len,
                     int64_t *id)
{
    char path[256];
    json_t *b, *j = NULL;
    int rc = -1;
    if (!ck_net_id_valid(recipient)) return -1;
    snprintf(path, sizeof path, "/v1/mailbox/%s", recipient);
    b = json_pack("{s:s,s:o}", "kind", kind, "payload", ck_net_json_b64(payload, len));
    if (b && ck_net_call(c, "POST", path, b, 201, &j) == 0) rc = (id && get_int(j, "id", id)) ? bad_response(c, "mail") : 0;
    json_decref(b);
    json_decref(j);
    return rc;
}

void ck_net_mail_free(ck_net_mail *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        if (v[i].payload) OPENSSL_cleanse(v[i].payload, v[i].payload_len);
        free(v[i].payload);
    }
    free(v);
}

int ck_net_mail_fetch(ck_net *c, const char *gid, int64_t after, unsigned limit, ck_net_mail **v, size_t *n)
{
    char path[320];
    json_t *j, *arr;
    ck_net_mail *out = NULL;
    size_t cnt = 0;
    int rc = -1;
    *v = NULL;
    *n = 0;
    if (!ck_net_id_valid(gid)) return -1;
    snprintf(path, sizeof path, "/v1/mailbox/%s?after=%lld&limit=%u", gid, (long long)after, limit ? limit : 100);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    arr = json_object_get(j, "messages");
    if (!json_is_array(arr) || (out = calloc(json_array_size(arr) + 1, sizeof *out)) == NULL) {
        rc = bad_response(c, "messages");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i);
        const char *p = json_string_value(json_object_get(o, "payload"));
        ck_net_mail *m = &out[cnt++];
        if (get_int(o, "id", &m->id) || get_int(o, "created_at", &m->created_at) ||
            get_str(o, "sender", m->sender, sizeof m->sender) || get_str(o, "kind", m->kind, sizeof m->kind) || !p ||
            ck_net_unb64(&m->payload, &m->payload_len, p, strlen(p)) != 0) {
            rc = bad_response(c, "message");
            goto out;
        }
    }
    *v = out;
    *n = cnt;
    out = NULL;
    rc = 0;
out:
    ck_net_mail_free(out, cnt);
    json_decref(j);
    return rc;
}

int ck_net_mail_ack(ck_net *c, const char *gid, int64_t id)
{
    char path[256];
    if (!ck_net_id_valid(gid)) return -1;
    snprintf(path, sizeof path, "/v1/mailbox/%s/%lld", gid, (long long)id);
    return ck_net_call(c, "DELETE", path, NULL, 200, NULL);
}

/* ---- audit ------------------------------------------------------------ */

int ck_net_audit_list(ck_net *c, const char *patient, int64_t after, unsigned limit, ck_net_audit **v, size_t *n)
{
    char path[320];
    json_t *j, *arr;
    ck_net_audit *out = NULL;
    int rc = -1;
    int64_t st;
    *v = NULL;
    *n = 0;
    if (!ck_net_id_valid(patient)) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/audit?after=%lld&limit=%u", patient, (long long)after,
             limit ? limit : 100);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    arr = json_object_get(j, "audit");
    if (!json_is_array(arr) || (out = calloc(json_array_size(arr) + 1, sizeof *out)) == NULL) {
        rc = bad_response(c, "audit");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i);
        ck_net_audit *a = &out[i];
        if (get_int(o, "id", &a->id) || get_int(o, "time", &a->time_ms) || get_int(o, "status", &st) ||
            get_str(o, "actor", a->actor, sizeof a->actor) || get_str(o, "action", a->action, sizeof a->action) ||
            get_str(o, "target", a->target, sizeof a->target) || get_str(o, "purpose", a->purpose, sizeof a->purpose) ||
            get_str(o, "outcome", a->outcome, sizeof a->outcome)) {
            rc = bad_response(c, "audit entry");
            goto out;
        }
        a->status = (int)st;
    }
    *v = out;
    *n = json_array_size(arr);
    out = NULL;
    rc = 0;
out:
    free(out);
    json_decref(j);
    return rc;
}

int ck_net_head_get_full(ck_net *c, const char *patient, ck_net_head *head, int *has_signed,
                         ck_net_head *signed_head, uint64_t *signed_time_ms, uint8_t signed_sig[64])
{
    char path[256];
    json_t *j, *s;
    int64_t seq, t;
    int rc = -1;
    if (!ck_net_id_valid(patient) || !head || !has_signed) return -1;
    snprintf(path, sizeof path, "/v1/records/%s/head", patient);
    if (ck_net_call(c, "GET", path, NULL, 200, &j) != 0) return -1;
    if (get_int(j, "seq", &seq) || seq < 0 || get_hex(j, "hash", head->hash, 32)) {
        rc = bad_response(c, "head");
        goto out;
    }
    head->seq = (uint64_t)seq;
    s = json_object_get(j, "signed");
    *has_signed = json_is_object(s);
    if (*has_signed) {
        if (get_int(s, "seq", &seq) || seq < 0 || get_hex(s, "hash", signed_head->hash, 32) ||
            get_int(s, "time", &t) || t < 0 || get_hex(s, "signature", signed_sig, 64)) {
            rc = bad_response(c, "signed head");
            goto out;
        }
        signed_head->seq = (uint64_t)seq;
        *signed_time_ms = (uint64_t)t;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}
