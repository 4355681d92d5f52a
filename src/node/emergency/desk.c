/*
 * src/node/emergency/desk.c - the emergency desk's break-glass service
 * (carekey/node_emergency.h, docs/BREAK-GLASS.md), without its HTTP half.
 *
 * The desk runs from its own home: its keyring holds the desk identity
 * (enrolled in carekeyd's directory) and the attribute key
 * emergency@<authority> it issued itself. For each signed request it
 *
 *   1. checks the request: fields, time stamp (+-5 min), the desk named,
 *      the window (1 s .. max);
 *   2. looks the physician up in the directory (keys pinned in the desk's
 *      keyring on first use; a changed key is refused), checks her
 *      signature, her role (emergency or doctor), that she is active and
 *      affiliated, and refuses a nonce it has seen;
 *   3. reads the patient's record with purpose of use BTG and verifies it;
 *   4. unwraps the data key of every current data entry whose policy names
 *      emergency@<authority>;
 *   5. writes the AuditEvent into the record's "audit" section - no
 *      event, no keys;
 *   6. returns the data keys in a box sealed to the physician's X25519 key
 *      and signed by the desk, bound to the window's end.
 *
 * Refusals of an authenticated physician go into the patient's audit
 * section too, so she sees who tried. Notices name the physician and the
 * outcome, never the patient, the reason or any record content.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/wire.h"
#include "node/emergency/desk_impl.h"

typedef struct released {
    uint64_t seq;
    uint8_t hash[32];
    uint8_t dk[32];
    char section[65];
} released;

/* One request's work: the answer being built. */
typedef struct job {
    ck_node_desk *d;
    ck_node_btg_request r;
    char nonce_hex[2 * CK_NODE_BTG_NONCE_BYTES + 1];
    ck_net_user u;           /* the physician, once looked up */
    uint64_t now;
    int status;
    json_t *answer;
} job;

static void fail(job *j, int status, const char *code, const char *msg)
{
    json_decref(j->answer);
    j->status = status;
    j->answer = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
}

/* ---- opening ------------------------------------------------------------------- */

static int holds_label(ck_node *n, const char *label)
{
    const ck_abe_user_key *uk = ck_keyring_user_key(ck_node_kr(n));
    for (size_t i = 0; uk && i < uk->n; i++)
        if (!strcmp(uk->attr[i].label, label)) return 1;
    return 0;
}

static int desk_ready(ck_node_desk *d)
{
    ck_node *n = d->n;
    const ck_identity *me;
    ck_net_user u;
    ck_fhir_error ferr;
    if (ck_node_net(n) != 0) return -1;
    if (ck_net_set_purpose(n->net, "BTG") != 0) return ck_node_fail(n, CK_NODE_E_INVALID, "purpose", "cannot read for BTG");
    if (!holds_label(n, d->label))
        return ck_node_fail(n, CK_NODE_E_KEYRING, "no_emergency_key",
                            "the keyring holds no %s key (issue it with 'carekey authority issue' and 'carekey keys sync')",
                            d->label);
    me = ck_keyring_identity(ck_node_kr(n));
    if (ck_net_user_get(n->net, me->gid, &u) != 0) return ck_node_fail_net(n, n->net, "the desk's directory entry");
    if (memcmp(u.ed25519, me->ed25519_pk, 32) != 0 || memcmp(u.x25519, me->x25519_pk, 32) != 0)
        return ck_node_fail(n, CK_NODE_E_INTEGRITY, "key_mismatch", "the directory holds other keys for %s than this keyring",
                            me->gid);
    if (ck_sharing_load_default(&d->profile, &ferr) != CK_FHIR_OK)
        return ck_node_fail(n, CK_NODE_E_INVALID, "sharing_profile", "sharing profile: %s", ferr.msg);
    return 0;
}

int ck_node_desk_open(ck_node *n, const ck_node_desk_config *cfg, ck_node_desk **out)
{
    const char *auth = cfg->authority ? cfg->authority : CK_NODE_BTG_DEFAULT_AUTHORITY;
    ck_node_desk *d = NULL;
    int rc = -1;
    ck_node_enter(n);
    *out = NULL;
    if (!*auth || strlen(auth) > CK_ABE_NAME_MAX || strspn(auth, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(auth)) {
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_authority", "authority", "bad --authority name");
        goto out;
    }
    if (cfg->max_seconds < 60 || cfg->max_seconds > CK_NODE_BTG_SECONDS_MAX) {
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_max", "max", "--max-minutes takes 1..1440");
        goto out;
    }
    if (!(d = calloc(1, sizeof *d))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    d->n = n;
    d->max_seconds = cfg->max_seconds;
    snprintf(d->authority, sizeof d->authority, "%s", auth);
    snprintf(d->label, sizeof d->label, "emergency@%s", auth);
    ck_node_path(n, d->nonce_path, "desk-nonces");
    if (desk_ready(d) != 0) goto out;
    ck_node_desk_nonces_load(d);
    *out = d;
    d = NULL;
    rc = 0;
out:
    ck_node_desk_close(d);
    ck_node_leave(n);
    return rc;
}

void ck_node_desk_close(ck_node_desk *d)
{
    if (!d) return;
    ck_sharing_free(d->profile);
    free(d->seen);
    free(d);
}

/* ---- the record ------------------------------------------------------------------- */

/* The record's owner authority ("patient-<gid>") from its entries' policies. */
static int record_owner(const ck_node_view *v, char *owner, size_t cap)
{
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container c;
        char pol[4096];
        size_t pl;
        if (!ck_node_btg_current(v, i, &c) || ck_seal_policy_text(pol, sizeof pol, &pl, c.body, c.body_len) != CK_SEAL_OK)
            continue;
        if (ck_node_btg_owner_authority(pol, owner, cap) == 0) return 0;
    }
    return -1;
}

/* A refused, authenticated request goes into the patient's own audit
 * section too; best effort (the refusal stands). */
static void log_refusal(job *j, const char *why)
{
    ck_node_desk *d = j->d;
    ck_node_view v;
    char owner[CK_ABE_NAME_MAX + 1], desc[256], msg[256];
    ck_node_desk_outcome oc = {"4", desc};
    json_t *event = NULL;
    uint64_t seq;
    ck_node_error saved = d->n->err;
    snprintf(desc, sizeof desc, "break-glass refused: %s", why);
    memset(&v, 0, sizeof v);
    if (ck_node_btg_view(d->n, j->r.patient, &v) != 0 || record_owner(&v, owner, sizeof owner) != 0 ||
        !(event = ck_node_desk_event(d, &j->u, j->r.patient, j->r.reason, j->now, j->now, "", j->nonce_hex, &oc)) ||
        ck_node_desk_write_event(d, j->r.patient, owner, event, &seq, msg, sizeof msg) != 0)
        ck_node_notice(d->n, CK_NODE_WARNING, "the refusal could not be written to the patient's record");
    json_decref(event);
    ck_node_view_free(&v);
    d->n->err = saved;
}

/* Who may break the glass: an active physician (directory role emergency
 * or doctor) affiliated with an organization. 1 when refused (answered
 * and logged in the record). */
static int refuse_requester(job *j)
{
    const char *code = NULL, *msg = NULL;
    if (strcmp(j->u.role, "emergency") != 0 && strcmp(j->u.role, "doctor") != 0) {
        code = "not_authorized";
        msg = "only physicians (directory role emergency or doctor) may break the glass";
    } else if (!j->u.active) {
        code = "deactivated";
        msg = "the physician's account is deactivated";
    } else if (!j->u.org[0]) {
        code = "not_affiliated";
        msg = "the physician is affiliated with no hospital or licensing board";
    }
    if (!code) return 0;
    fail(j, 403, code, msg);
    log_refusal(j, msg);
    return 1;
}

/* Steps 1-2: the request, the physician, the nonce. 0 to go on. */
static int check_request(job *j, const char *body, size_t len)
{
    ck_node_desk *d = j->d;
    ck_node_error e;
    ck_keyring_peer pinned;
    uint8_t tbs[CK_NODE_BTG_TBS_MAX];
    size_t tbs_len = 0;
    char key[sizeof d->seen[0].key], msg[128];
    if (ck_node_btg_request_parse(body, len, &j->r, &e) != 0) {
        fail(j, 400, e.key, e.msg);
        return -1;
    }
    ck_net_hex(j->nonce_hex, j->r.nonce, sizeof j->r.nonce);
    if (strcmp(j->r.authority, d->authority) != 0) {
        fail(j, 400, "wrong_desk", "the request names another emergency desk");
        return -1;
    }
    if (j->r.seconds < 1 || j->r.seconds > d->max_seconds) {
        snprintf(msg, sizeof msg, "the access window must be 1 s .. %u min", d->max_seconds / 60);
        fail(j, 400, "bad_window", msg);
        return -1;
    }
    if (j->r.time_ms + CK_NODE_BTG_SKEW_MS < j->now || j->r.time_ms > j->now + CK_NODE_BTG_SKEW_MS) {
        fail(j, 401, "stale_request", "the request's time stamp is outside the 5-minute window");
        return -1;
    }
    if (ck_net_user_get(d->n->net, j->r.gid, &j->u) != 0) {
        if (ck_net_status(d->n->net) == 404) fail(j, 403, "unknown_physician", "not in the directory");
        else fail(j, 502, "directory", "the directory lookup failed");
        return -1;
    }
    if (ck_node_peer(d->n, j->r.gid, &pinned) != 0 || memcmp(pinned.ed25519, j->u.ed25519, 32) != 0 ||
        memcmp(pinned.x25519, j->u.x25519, 32) != 0) {
        fail(j, 403, "key_changed", "the directory's keys differ from the keys the desk pinned");
        return -1;
    }
    if (ck_node_btg_request_tbs(tbs, sizeof tbs, &tbs_len, j->r.authority, j->r.gid, j->r.patient, j->r.reason,
                                j->r.seconds, j->r.time_ms, j->r.nonce) != 0 ||
        ck_net_ed25519_verify(j->r.sig, tbs, tbs_len, j->u.ed25519) != 0) {
        fail(j, 401, "bad_signature", "the request's signature does not verify with the physician's key");
        return -1;
    }
    if (refuse_requester(j)) return -1;
    ck_node_desk_nonces_prune(d, j->now);
    snprintf(key, sizeof key, "%s/%s", j->r.gid, j->nonce_hex);
    if (ck_node_desk_nonce_seen(d, key)) {
        fail(j, 401, "replayed_request", "this request was already used");
        return -1;
    }
    if (ck_node_desk_nonce_remember(d, key, j->r.time_ms + 2 * CK_NODE_BTG_SKEW_MS, 1) != 0) {
        fail(j, 503, "unavailable", "cannot record the request nonce");
        return -1;
    }
    return 0;
}

/* Step 4: the data keys of the current entries under emergency@AUTH. */
static size_t release_keys(job *j, const ck_node_view *v, released *rel, char *owner, size_t owner_cap, char *sections,
                           size_t sections_cap)
{
    ck_node_desk *d = j->d;
    size_t n_rel = 0;
    for (size_t i = 0; i < v->n && n_rel < CK_NODE_BTG_MAX_KEYS; i++) {
        ck_rec_container c;
        ck_seal_env *env = NULL;
        char pol[4096];
        uint8_t rad[CK_REC_AD_MAX];
        size_t rad_len, pl;
        if (!ck_node_btg_current(v, i, &c) || !strcmp(v->e[i].section, "audit")) continue;
        if (ck_seal_policy_text(pol, sizeof pol, &pl, c.body, c.body_len) != CK_SEAL_OK || !strstr(pol, d->label))
            continue;
        if (!owner[0]) (void)ck_node_btg_owner_authority(pol, owner, owner_cap);
        if (ck_seal_decode(&env, c.body, c.body_len) != CK_SEAL_OK) continue;
        rad_len = ck_rec_ad(rad, j->r.patient, v->e[i].section, v->e[i].resource_type, c.entry_id);
        if (ck_seal_unwrap_key(rel[n_rel].dk, env, ck_keyring_user_key(ck_node_kr(d->n)), rad, rad_len) == CK_SEAL_OK) {
            rel[n_rel].seq = v->e[i].seq;
            memcpy(rel[n_rel].hash, v->e[i].hash, 32);
            snprintf(rel[n_rel].section, sizeof rel[n_rel].section, "%s", v->e[i].section);
            if (!strstr(sections, v->e[i].section) && strlen(sections) + strlen(v->e[i].section) + 2 < sections_cap)
                snprintf(sections + strlen(sections), sections_cap - strlen(sections), "%s%s", sections[0] ? "," : "",
                         v->e[i].section);
            n_rel++;
        }
        ck_seal_env_free(env);
    }
    return n_rel;
}

/* Step 6: the grant, the keys sealed to the physician. */
static void seal_grant(job *j, const released *rel, size_t n_rel, uint64_t expires, uint64_t audit_seq)
{
    const ck_identity *me = ck_keyring_identity(ck_node_kr(j->d->n));
    size_t pt_len = n_rel * CK_NODE_BTG_KEY_REC, box_len = 0, ad_len;
    uint8_t *pt = malloc(pt_len ? pt_len : 1), *box = malloc(CK_BOX_LEN(pt_len)), ad[CK_NODE_BTG_AD_MAX];
    json_t *list = json_array();
    char *b64 = NULL;
    if (!pt || !box || !list) {
        fail(j, 500, "internal", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_rel; i++) {
        uint8_t *p = pt + i * CK_NODE_BTG_KEY_REC;
        for (int b = 0; b < 8; b++) p[b] = (uint8_t)(rel[i].seq >> (56 - 8 * b));
        memcpy(p + 8, rel[i].hash, 32);
        memcpy(p + 40, rel[i].dk, 32);
        if (json_array_append_new(list, json_pack("{s:I,s:s}", "seq", (json_int_t)rel[i].seq, "section", rel[i].section))) {
            fail(j, 500, "internal", "out of memory");
            goto out;
        }
    }
    ad_len = ck_node_btg_box_ad(ad, me->gid, j->r.gid, j->r.patient, j->now, expires, j->r.nonce);
    if (!ad_len || ck_box_seal(box, CK_BOX_LEN(pt_len), &box_len, pt, pt_len, j->u.x25519, me->ed25519_sk, ad, ad_len) !=
                       CK_BOX_OK ||
        !(b64 = malloc(ck_net_b64_len(box_len)))) {
        fail(j, 500, "internal", "cannot seal the grant");
        goto out;
    }
    ck_net_b64(b64, box, box_len);
    json_decref(j->answer);
    j->status = 200;
    j->answer = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:O,s:s}", "desk", me->gid, "authority", j->d->authority,
                          "physician", j->r.gid, "patient", j->r.patient, "issued", (json_int_t)j->now, "expires",
                          (json_int_t)expires, "audit_seq", (json_int_t)audit_seq, "nonce", j->nonce_hex, "entries",
                          list, "box", b64);
out:
    if (pt) ck_node_free_secret(pt, pt_len ? pt_len : 1);
    free(box);
    free(b64);
    json_decref(list);
}

/* Steps 3-6. */
static void release(job *j)
{
    static const ck_node_desk_outcome released_ok = {"0", "emergency sections released to the physician for the access window"};
    ck_node_desk *d = j->d;
    ck_node_view v;
    released *rel = NULL;
    char owner[CK_ABE_NAME_MAX + 1] = "", sections[512] = "", msg[256];
    json_t *event = NULL;
    size_t n_rel;
    uint64_t expires, audit_seq = 0;
    memset(&v, 0, sizeof v);
    if (ck_node_btg_view(d->n, j->r.patient, &v) != 0) {
        const ck_node_error *e = ck_node_last_error(d->n);
        if (e->kind == CK_NODE_E_INTEGRITY) fail(j, 502, "record_unverified", e->msg);
        else if (e->status == 404) fail(j, 404, "record_not_found", "no such patient record");
        else fail(j, 502, "upstream", "cannot read the record from carekeyd");
        goto out;
    }
    if (!(rel = calloc(v.n ? v.n : 1, sizeof *rel))) {
        fail(j, 500, "internal", "out of memory");
        goto out;
    }
    if (!(n_rel = release_keys(j, &v, rel, owner, sizeof owner, sections, sizeof sections))) {
        fail(j, 404, "no_emergency_data", "the record holds no entries the emergency desk may open");
        goto out;
    }
    if (!owner[0]) {
        fail(j, 502, "audit_failed", "cannot tell the patient's authority from the record's policies");
        goto out;
    }
    /* audit first: no event, no keys */
    expires = j->now + (uint64_t)j->r.seconds * 1000u;
    if (!(event = ck_node_desk_event(d, &j->u, j->r.patient, j->r.reason, j->now, expires, sections, j->nonce_hex,
                                     &released_ok))) {
        fail(j, 500, "internal", "cannot build the audit event");
        goto out;
    }
    if (ck_node_desk_write_event(d, j->r.patient, owner, event, &audit_seq, msg, sizeof msg) != 0) {
        fail(j, 502, "audit_failed", msg);
        goto out;
    }
    seal_grant(j, rel, n_rel, expires, audit_seq);
    if (j->status == 200)
        ck_node_notice(d->n, CK_NODE_INFO, "break-glass granted to %s: %zu entries for %u s", j->r.gid, n_rel,
                       j->r.seconds);
out:
    if (rel) ck_node_free_secret(rel, (v.n ? v.n : 1) * sizeof *rel);
    json_decref(event);
    ck_node_view_free(&v);
}

void ck_node_desk_handle(ck_node_desk *d, const char *body, size_t len, int *status, json_t **answer)
{
    job j;
    ck_node_enter(d->n);
    memset(&j, 0, sizeof j);
    j.d = d;
    j.now = ck_node_now_ms();
    j.status = 500;
    if (check_request(&j, body, len) == 0) release(&j);
    if (j.status != 200) {
        const char *code = json_string_value(json_object_get(json_object_get(j.answer, "error"), "code"));
        int named = ck_net_id_valid(j.r.gid);
        ck_node_notice(d->n, CK_NODE_INFO, "request%s%s refused: %s", named ? " by " : "", named ? j.r.gid : "",
                       code ? code : "?");
    }
    *status = j.status;
    *answer = j.answer;
    ck_wipe(&j.r, sizeof j.r);
    ck_node_leave(d->n);
}
