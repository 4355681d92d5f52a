/*
 * src/node/emergency/client.c - break-glass from the physician's side
 * (carekey/node_emergency.h): a signed request sent to the emergency desk,
 * the desk's grant kept (still sealed) in HOME/break-glass/P.json, and the
 * grant opened: the released entries read from carekeyd with purpose of
 * use BTG, verified, decrypted with the released data keys, and turned
 * into the emergency summary. The grant is refused once its window ended;
 * the window's end is bound into the sealed box, so editing it in the
 * kept file makes the box not open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/report.h"
#include "carekey/wire.h"
#include "node/emergency/emergency_impl.h"

#define DESK_TIMEOUT_MS 60000

void ck_node_emergency_out_free(ck_node_emergency_out *out)
{
    json_decref(out->report);
    memset(out, 0, sizeof *out);
}

static int bad_in(ck_node_error *e, const char *path, const char *fmt, const char *arg)
{
    memset(e, 0, sizeof *e);
    e->kind = CK_NODE_E_INVALID;
    snprintf(e->key, sizeof e->key, "bad_%s", path);
    snprintf(e->path, sizeof e->path, "%s", path);
    snprintf(e->msg, sizeof e->msg, fmt, arg ? arg : "");
    return -1;
}

int ck_node_emergency_request_check(const ck_node_emergency_request_in *in, ck_node_error *e)
{
    const char *auth = in->authority ? in->authority : CK_NODE_BTG_DEFAULT_AUTHORITY;
    if (in->signed_request) {
        ck_node_btg_request r;
        if (!in->desk_url || in->patient || in->reason)
            return bad_in(e, "request", "%s--request-in takes --desk and no --patient, --reason or --request-out", "");
        return ck_node_btg_request_parse(in->signed_request, in->signed_len, &r, e);
    }
    if (!in->patient || !in->reason) return bad_in(e, "patient", "%s--desk, --patient and --reason are required", "");
    if (!*in->reason || strlen(in->reason) > CK_NODE_BTG_REASON_MAX)
        return bad_in(e, "reason", "%s--reason must be 1..512 bytes", "");
    if (!ck_net_id_valid(in->patient)) return bad_in(e, "patient", "'%s' is not a valid GID", in->patient);
    if (in->seconds < 1 || in->seconds > CK_NODE_BTG_SECONDS_MAX)
        return bad_in(e, "seconds", "%s--seconds takes 1..86400", "");
    if (!ck_net_id_valid(auth) || strlen(auth) > CK_NODE_BTG_NAME_MAX)
        return bad_in(e, "authority", "bad --authority name '%s'", auth);
    return 0;
}

int ck_node_emergency_sign(ck_node *n, const ck_node_emergency_request_in *in, char **body)
{
    ck_node_btg_request r;
    const ck_identity *me;
    uint8_t tbs[CK_NODE_BTG_TBS_MAX];
    size_t tbs_len = 0;
    ck_node_error e;
    int rc = -1;
    ck_node_enter(n);
    *body = NULL;
    memset(&r, 0, sizeof r);
    if (in->signed_request || ck_node_emergency_request_check(in, &e) != 0) {
        if (in->signed_request) ck_node_fail(n, CK_NODE_E_INVALID, "bad_request", "a signed request is not signed again");
        else n->err = e;
        goto out;
    }
    if (ck_node_keyring(n) != 0) goto out;
    me = ck_keyring_identity(ck_node_kr(n));
    snprintf(r.authority, sizeof r.authority, "%s", in->authority ? in->authority : CK_NODE_BTG_DEFAULT_AUTHORITY);
    snprintf(r.gid, sizeof r.gid, "%s", me->gid);
    snprintf(r.patient, sizeof r.patient, "%s", in->patient);
    snprintf(r.reason, sizeof r.reason, "%s", in->reason);
    r.seconds = in->seconds;
    r.time_ms = ck_node_now_ms();
    if (ck_random_bytes(r.nonce, sizeof r.nonce) != CK_OK ||
        ck_node_btg_request_tbs(tbs, sizeof tbs, &tbs_len, r.authority, r.gid, r.patient, r.reason, r.seconds,
                                r.time_ms, r.nonce) != 0 ||
        ck_id_sign(r.sig, me, tbs, tbs_len) != CK_ID_OK) {
        ck_node_fail(n, CK_NODE_E_KEYRING, "sign_failed", "cannot sign the request");
        goto out;
    }
    if (!(*body = ck_node_btg_request_encode(&r))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    rc = 0;
out:
    ck_wipe(&r, sizeof r); /* the reason */
    ck_node_leave(n);
    return rc;
}

/* ---- opening a grant ------------------------------------------------------------------- */

/* The released key record k of pt: its entry in v verified, decrypted and
 * added to secs. */
static int open_released(ck_node *n, const ck_node_view *v, const uint8_t *p, ck_fhir_sections *secs)
{
    uint64_t seq = 0;
    size_t i, plen = 0;
    ck_rec_container ct;
    ck_seal_env *env = NULL;
    uint8_t rad[CK_REC_AD_MAX], *plain = NULL;
    size_t rad_len;
    ck_seal_err se;
    int rc = -1;
    for (int b = 0; b < 8; b++) seq = seq << 8 | p[b];
    for (i = 0; i < v->n && v->e[i].seq != seq; i++) {
    }
    if (i == v->n || !v->vo.valid[i] || memcmp(v->e[i].hash, p + 8, 32) != 0 ||
        ck_rec_container_decode(&ct, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK ||
        ct.kind != CK_REC_KIND_DATA || ck_seal_decode(&env, ct.body, ct.body_len) != CK_SEAL_OK ||
        ck_seal_env_count(env) != 1) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "not_released", "entry %llu is not the entry the desk released",
                     (unsigned long long)seq);
        goto out;
    }
    rad_len = ck_rec_ad(rad, v->patient, v->e[i].section, v->e[i].resource_type, ct.entry_id);
    plen = ck_seal_env_payload_len(env, 0);
    if (!(plain = malloc(plen ? plen : 1))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    se = ck_seal_open_with_key(env, p + 40, rad, rad_len, &plain);
    if (se != CK_SEAL_OK || ck_node_btg_add_payload(secs, plain, plen) != 0) {
        ck_node_fail(n, CK_NODE_E_INTEGRITY, "not_decrypted", "entry %llu does not decrypt with the released key (%s)",
                     (unsigned long long)seq, se != CK_SEAL_OK ? ck_seal_strerror(se) : "not FHIR JSON");
        goto out;
    }
    rc = 0;
out:
    if (plain) ck_node_free_secret(plain, plen);
    ck_seal_env_free(env);
    return rc;
}

static int expired(ck_node *n, uint64_t expires_ms)
{
    char until[32];
    if (ck_node_now_ms() < expires_ms) return 0;
    ck_node_btg_iso(until, expires_ms);
    return ck_node_fail(n, CK_NODE_E_REFUSED, "expired", "the break-glass grant expired at %s; ask the desk again", until);
}

/* The sealed box opened: the key records (*pt, *pt_len; wiped by the caller). */
static int open_box(ck_node *n, const ck_node_btg_grant *g, uint8_t **pt, size_t *pt_len)
{
    const ck_identity *me = ck_keyring_identity(ck_node_kr(n));
    uint8_t ad[CK_NODE_BTG_AD_MAX];
    size_t ad_len;
    ck_keyring_peer dp;
    ck_box_err be;
    if (ck_node_peer(n, g->desk, &dp) != 0) return -1;
    ad_len = ck_node_btg_box_ad(ad, g->desk, g->physician, g->patient, g->issued_ms, g->expires_ms, g->nonce);
    if (!ad_len || ck_box_plaintext_len(pt_len, g->box, g->box_len) != CK_BOX_OK || *pt_len % CK_NODE_BTG_KEY_REC != 0 ||
        *pt_len / CK_NODE_BTG_KEY_REC > CK_NODE_BTG_MAX_KEYS)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "bad_grant", "the sealed grant is malformed");
    if (!(*pt = malloc(*pt_len ? *pt_len : 1))) return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    be = ck_box_open(*pt, *pt_len, pt_len, g->box, g->box_len, me, dp.ed25519, ad, ad_len);
    if (be != CK_BOX_OK)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "box_not_open",
                            "the sealed grant does not open: %s (not sealed by desk %s for this window?)",
                            ck_box_strerror(be), g->desk);
    return 0;
}

static int open_grant(ck_node *n, const ck_node_btg_grant *g, ck_node_emergency_out *out)
{
    const ck_identity *me;
    ck_node_view v;
    ck_fhir_sections secs, view;
    ck_fhir_error ferr;
    uint8_t *pt = NULL;
    size_t pt_len = 0;
    int rc = -1, purpose_set = 0;
    memset(&v, 0, sizeof v);
    memset(&secs, 0, sizeof secs);
    memset(&view, 0, sizeof view);
    if (ck_node_keyring(n) != 0) goto out;
    me = ck_keyring_identity(ck_node_kr(n));
    if (strcmp(g->physician, me->gid) != 0) {
        ck_node_fail(n, CK_NODE_E_FORBIDDEN, "not_for_you", "this grant is for %s, not for %s", g->physician, me->gid);
        goto out;
    }
    if (expired(n, g->expires_ms) || open_box(n, g, &pt, &pt_len) != 0 || ck_node_net(n) != 0) goto out;
    /* the entries themselves, from carekeyd, read for break-glass */
    if (ck_net_set_purpose(n->net, "BTG") != 0) goto out;
    purpose_set = 1;
    if (ck_node_btg_view(n, g->patient, &v) != 0) goto out;
    for (size_t k = 0; k < pt_len / CK_NODE_BTG_KEY_REC; k++)
        if (open_released(n, &v, pt + k * CK_NODE_BTG_KEY_REC, &secs) != 0) goto out;
    if (expired(n, g->expires_ms)) goto out;
    if (ck_report_emergency_view(&view, &secs, &ferr) != CK_FHIR_OK ||
        ck_report_build(&out->report, CK_REPORT_EMERGENCY, &view, NULL, &ferr) != CK_FHIR_OK) {
        ck_node_fail(n, CK_NODE_E_REFUSED, "report_failed", "emergency summary: %s", ferr.msg);
        goto out;
    }
    snprintf(out->patient, sizeof out->patient, "%s", g->patient);
    snprintf(out->desk, sizeof out->desk, "%s", g->desk);
    snprintf(out->authority, sizeof out->authority, "%s", g->authority);
    out->issued_ms = g->issued_ms;
    out->expires_ms = g->expires_ms;
    out->audit_seq = g->audit_seq;
    out->n_entries = pt_len / CK_NODE_BTG_KEY_REC;
    rc = 0;
out:
    if (purpose_set && ck_net_set_purpose(n->net, NULL) != 0) rc = -1; /* cannot fail: no purpose */
    ck_fhir_sections_clear(&view);
    ck_fhir_sections_clear(&secs);
    ck_node_view_free(&v);
    if (pt) ck_node_free_secret(pt, pt_len);
    return rc;
}

static void grant_path(ck_node *n, const char *patient, char out[PATH_MAX])
{
    char name[CK_NET_ID_MAX + 32];
    snprintf(name, sizeof name, "break-glass/%s.json", patient);
    ck_node_path(n, out, name);
}

/* Keeps the desk's answer for show; a failure is a warning (the summary still opens). */
static int keep_grant(ck_node *n, const char *patient, const char *resp, size_t len)
{
    char path[PATH_MAX];
    ck_node_error saved = n->err;
    if (ck_node_make_dir(n, "break-glass") == 0) {
        grant_path(n, patient, path);
        if (ck_node_write_file(n, path, (const uint8_t *)resp, len, 0600, 0) == 0) return 1;
    }
    ck_node_notice(n, CK_NODE_WARNING, "the grant could not be kept for 'emergency show': %s", n->err.msg);
    n->err = saved;
    return 0;
}

/* POSTs body to the desk: its answer (*resp, *len) when 200, else the refusal as the error. */
static int post(ck_node *n, const char *url, const char *body, size_t body_len, char **resp, size_t *len)
{
    const ck_identity *me = ck_keyring_identity(ck_node_kr(n));
    ck_net *dn = NULL;
    long status = 0;
    json_t *answer, *e;
    int rc = -1;
    if (ck_node_net_to(n, url, DESK_TIMEOUT_MS, &dn) != 0) return -1;
    if (ck_net_set_identity(dn, me->gid, me->ed25519_sk) != 0) {
        ck_node_fail(n, CK_NODE_E_IO, "connection", "cannot set up a connection to %s", url);
        goto out;
    }
    if (ck_net_request(dn, "POST", CK_NODE_BTG_PATH, body, body_len, &status, resp, len) != 0) {
        const char *why = ck_net_error_message(dn);
        ck_node_fail(n, CK_NODE_E_UNREACHABLE, "desk_unreachable", "cannot reach the emergency desk at %s%s%s", url,
                     why ? ": " : "", why ? why : "");
        goto out;
    }
    if (status == 200) {
        rc = 0;
        goto out;
    }
    answer = json_loadb(*resp ? *resp : "", *len, 0, NULL);
    e = json_object_get(answer, "error");
    ck_node_fail(n, status == 401 || status == 403 ? CK_NODE_E_FORBIDDEN : CK_NODE_E_REFUSED,
                 json_string_value(json_object_get(e, "code")) ? json_string_value(json_object_get(e, "code")) : "desk_refused",
                 "the emergency desk refused (%ld %s): %s", status,
                 json_string_value(json_object_get(e, "code")) ? json_string_value(json_object_get(e, "code")) : "?",
                 json_string_value(json_object_get(e, "message")) ? json_string_value(json_object_get(e, "message"))
                                                                   : "no message");
    json_decref(answer);
out:
    if (rc) {
        free(*resp);
        *resp = NULL;
    }
    ck_net_close(dn);
    return rc;
}

int ck_node_emergency_request(ck_node *n, const ck_node_emergency_request_in *in, ck_node_emergency_out *out)
{
    ck_node_btg_grant g;
    ck_node_error e;
    char *body = NULL, *resp = NULL;
    size_t body_len, len = 0;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&g, 0, sizeof g);
    if (ck_node_emergency_request_check(in, &e) != 0 || (!in->desk_url && bad_in(&e, "desk", "%s--desk is required", "") != 0)) {
        n->err = e;
        goto out;
    }
    if (ck_node_keyring(n) != 0) goto out;
    if (in->signed_request) {
        body_len = in->signed_len;
        if (post(n, in->desk_url, in->signed_request, body_len, &resp, &len) != 0) goto out;
    } else {
        if (ck_node_emergency_sign(n, in, &body) != 0) goto out;
        body_len = strlen(body);
        if (post(n, in->desk_url, body, body_len, &resp, &len) != 0) goto out;
    }
    if (ck_node_btg_grant_parse(resp, len, &g, &e) != 0) {
        n->err = e;
        n->err.kind = CK_NODE_E_UPSTREAM;
        goto out;
    }
    out->kept = keep_grant(n, g.patient, resp, len);
    rc = open_grant(n, &g, out);
out:
    if (rc) {
        int kept = out->kept;
        ck_node_emergency_out_free(out);
        out->kept = kept;
    }
    ck_node_btg_grant_free(&g);
    if (body) ck_node_free_str(body);
    free(resp);
    ck_node_leave(n);
    return rc;
}

int ck_node_emergency_show(ck_node *n, const char *patient, const char *grant_file, ck_node_emergency_out *out)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    ck_node_btg_grant g;
    ck_node_error e;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&g, 0, sizeof g);
    if ((!patient && !grant_file) || (patient && !ck_net_id_valid(patient))) {
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "--patient (or --grant) is required");
        goto out;
    }
    if (!grant_file) {
        grant_path(n, patient, path);
        if (!ck_node_file_exists(path)) {
            ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_grant", "no break-glass grant for %s in %s (run 'carekey emergency request')",
                         patient, ck_node_home(n));
            goto out;
        }
        grant_file = path;
    }
    if (ck_node_read_file(n, grant_file, CK_NODE_BTG_GRANT_MAX, &buf, &len) != 0) goto out;
    if (ck_node_btg_grant_parse((const char *)buf, len, &g, &e) != 0) {
        ck_node_fail(n, CK_NODE_E_REFUSED, "bad_grant", "%s is not a break-glass grant", grant_file);
        goto out;
    }
    if (patient && strcmp(g.patient, patient) != 0) {
        ck_node_fail(n, CK_NODE_E_REFUSED, "other_patient", "%s is a grant for another patient", grant_file);
        goto out;
    }
    out->kept = 1;
    rc = open_grant(n, &g, out);
out:
    ck_node_btg_grant_free(&g);
    free(buf);
    ck_node_leave(n);
    return rc;
}
