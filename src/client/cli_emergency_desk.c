/*
 * src/client/cli_emergency_desk.c - `carekey emergency-desk serve`: the
 * emergency department's break-glass service (docs/BREAK-GLASS.md).
 *
 * The desk runs from its own home: its keyring holds the desk identity
 * (enrolled in carekeyd's directory) and the attribute key
 * emergency@<authority> it issued itself. For each signed request it
 *
 *   1. checks the request: fields, time stamp (+-5 min), the desk named,
 *      the window (1 s .. --max-minutes);
 *   2. looks the physician up in the directory (keys pinned in the desk's
 *      keyring on first use; a changed key is refused), checks her role
 *      (emergency or doctor) and her Ed25519 signature, and refuses a nonce
 *      it has seen (remembered in memory and in HOME/desk-nonces);
 *   3. reads the patient's record with purpose of use BTG and verifies it
 *      (ck_rec_verify: chain, signatures, grants, signed head, the desk's
 *      last verified head);
 *   4. unwraps the data key of every current DATA entry whose policy names
 *      emergency@<authority> (ck_seal_unwrap_key);
 *   5. writes a FHIR AuditEvent (BTG/ETREAT, reason, physician, window)
 *      into the record's "audit" section, sealed under the profile's audit
 *      policy (owner@<patient authority>) - no event, no keys;
 *   6. returns the data keys in a box sealed to the physician's X25519 key
 *      and signed by the desk, bound to the window's end.
 *
 * Requests are handled one at a time (one libmicrohttpd polling thread):
 * break-glass is rare and the desk's state (keyring, connection) is not
 * shared between threads. Log lines name the physician and the outcome,
 * never the patient, the reason or any record content.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/fhir.h"
#include "guard.h"
#include "tls.h"
#include "client/cli_emergency.h"
#include "client/cli_record.h"

#define BODY_MAX (64u << 10)
#define DESK_PER_IP 16          /* connections per client address */
#define DESK_DEADLINE_MS 10000  /* a whole request, from accept */
#define DESK_MAX_CONNS 1024
#define NONCES_FILE "desk-nonces"
#define NONCES_MAX 100000

static const char serve_usage[] =
    "Usage: carekey emergency-desk serve [--port N] [--listen ADDR] [--max-minutes M]\n"
    "                                    [--authority NAME] [--port-file FILE]\n"
    "                                    [--tls-cert FILE --tls-key FILE] [common options]\n"
    "\n"
    "Runs the emergency desk's break-glass service (HTTP, POST " CLI_BTG_PATH ") from the\n"
    "desk's home. The desk's keyring must hold the attribute key emergency@NAME\n"
    "and its identity must be enrolled in carekeyd's directory; each patient gives\n"
    "the desk a write grant on the \"audit\" section.\n"
    "\n"
    "  --port N          TCP port (default 8600; 0 picks a free one)\n"
    "  --listen ADDR     IPv4 address to listen on (default 127.0.0.1)\n"
    "  --max-minutes M   longest access window granted (default 240)\n"
    "  --authority NAME  the desk's authority (default " CLI_BTG_DEFAULT_AUTHORITY ")\n"
    "  --port-file FILE  write the bound port to FILE once listening\n"
    "  --tls-cert FILE   PEM certificate: serve HTTPS (needs --tls-key), as carekeyd;\n"
    "                    ER clients trust its CA through CAREKEY_CA_FILE\n"
    "  --tls-key FILE    PEM private key for --tls-cert\n"
    "\n"
    "Stops on SIGINT or SIGTERM. Protocol: docs/BREAK-GLASS.md.\n"
    "\n" CLI_CTX_HELP;

typedef struct seen_nonce {
    char key[CK_NET_ID_MAX + 2 + 2 * CLI_BTG_NONCE_BYTES];   /* gid/nonce */
    uint64_t expires_ms;
} seen_nonce;

typedef struct desk {
    cli_ctx c;
    char authority[CK_ABE_NAME_MAX + 1];
    char label[CK_POLICY_LABEL_MAX];
    uint32_t max_seconds;
    ck_sharing_profile *profile;
    seen_nonce *seen;
    size_t n_seen, cap_seen;
    char nonce_path[PATH_MAX];
    ck_guard *guard;   /* slow clients cannot shut break-glass out */
} desk;

typedef struct conn {
    char *body;
    size_t len;
    int too_large;
} conn;

/* ---- replay memory -------------------------------------------------------- */

static void prune(desk *d, uint64_t now)
{
    size_t j = 0;
    for (size_t i = 0; i < d->n_seen; i++)
        if (d->seen[i].expires_ms > now) d->seen[j++] = d->seen[i];
    d->n_seen = j;
}

static int seen(const desk *d, const char *key)
{
    for (size_t i = 0; i < d->n_seen; i++)
        if (strcmp(d->seen[i].key, key) == 0) return 1;
    return 0;
}

static int remember(desk *d, const char *key, uint64_t expires_ms, int persist)
{
    if (d->n_seen == d->cap_seen) {
        size_t cap = d->cap_seen ? d->cap_seen * 2 : 64;
        seen_nonce *t;
        if (cap > NONCES_MAX || !(t = realloc(d->seen, cap * sizeof *t))) return -1;
        d->seen = t;
        d->cap_seen = cap;
    }
    snprintf(d->seen[d->n_seen].key, sizeof d->seen[d->n_seen].key, "%s", key);
    d->seen[d->n_seen++].expires_ms = expires_ms;
    if (persist) {
        /* rewrite the file: it only holds the nonces still inside the window */
        FILE *f;
        char tmp[PATH_MAX + 8];
        snprintf(tmp, sizeof tmp, "%s.tmp", d->nonce_path);
        if (!(f = fopen(tmp, "w"))) return -1;
        for (size_t i = 0; i < d->n_seen; i++)
            fprintf(f, "%llu %s\n", (unsigned long long)d->seen[i].expires_ms, d->seen[i].key);
        if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
            fclose(f);
            unlink(tmp);
            return -1;
        }
        if (fclose(f) != 0 || rename(tmp, d->nonce_path) != 0) return -1;
    }
    return 0;
}

static void load_nonces(desk *d)
{
    FILE *f = fopen(d->nonce_path, "r");
    unsigned long long exp;
    char key[sizeof d->seen[0].key], fmt[32];
    uint64_t now = cli_btg_now_ms();
    if (!f) return;
    /* the width is the buffer's: a longer word in the file is cut, never written past key */
    snprintf(fmt, sizeof fmt, "%%llu %%%zus", sizeof key - 1);
    while (fscanf(f, fmt, &exp, key) == 2)
        if (exp > now) (void)remember(d, key, exp, 0);
    fclose(f);
}

/* ---- HTTP helpers ----------------------------------------------------------- */

typedef struct reply {
    int status;
    json_t *body;
} reply;

static void fail(reply *r, int status, const char *code, const char *msg)
{
    json_decref(r->body);
    r->status = status;
    r->body = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg);
}

/* Seals the AuditEvent under the profile's audit policy and appends it. */
static int write_event(desk *d, const char *patient, const char *owner_auth, json_t *event, reply *r,
                       uint64_t *seq_out)
{
    const char *hosp[1] = {d->authority};
    ck_sharing_params sp = {owner_auth, d->authority, hosp, 1};
    ck_fhir_error ferr;
    char *policy = NULL, *text = NULL;
    cli_rec_sealer sl;
    ck_seal_policy pol;
    json_t *item = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_policy_error perr;
    int rc = -1;

    /* the same signed, pinned epochs as every writer: never an epoch the
     * server rolled back or forged */
    cli_rec_sealer_init(&sl, &d->c, 0);
    if (ck_sharing_policy(&policy, d->profile, "audit", &sp, &ferr) != CK_FHIR_OK) {
        fail(r, 502, "audit_failed", "cannot build the audit policy for this patient");
        goto out;
    }
    if (cli_rec_sealer_policy(&sl, policy, &pol) != CLI_OK) {
        fail(r, 502, "audit_failed", "the patient's authority or its signed epochs cannot be verified");
        goto out;
    }
    item = json_pack("[{s:s,s:O,s:O}]", "type", "AuditEvent", "id", json_object_get(event, "id"), "resource", event);
    if (!item || !(text = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS))) {
        fail(r, 500, "internal", "out of memory");
        goto out;
    }
    if (ck_rec_seal(&env, &env_len, patient, "audit", "AuditEvent", (const uint8_t *)text, strlen(text), &pol, 0,
                    NULL, &perr) != CK_REC_OK) {
        fail(r, 502, "audit_failed", "cannot seal the audit event");
        goto out;
    }
    for (int tries = 0; tries < 5; tries++) {
        ck_net_head head, out_head;
        uint64_t t;
        int has = 0;
        if (ck_net_head_get(d->c.net, patient, &head, NULL, &has) != 0 ||
            cli_rec_append_time(&d->c, patient, &head, &t) != CLI_OK)
            break;
        if (ck_net_append(d->c.net, patient, "audit", "AuditEvent", head.hash, t, env, env_len, &out_head) == 0) {
            *seq_out = out_head.seq;
            rc = 0;
            goto out;
        }
        if (ck_net_status(d->c.net) != 409) break;
    }
    {
        char msg[256];
        snprintf(msg, sizeof msg, "the audit event could not be written (%ld %s); nothing was released",
                 ck_net_status(d->c.net), ck_net_error_code(d->c.net) ? ck_net_error_code(d->c.net) : "");
        fail(r, 502, "audit_failed", msg);
    }
out:
    if (text) ck_wipe(text, strlen(text));
    free(text);
    free(env);
    free(policy);
    json_decref(item);
    cli_rec_sealer_free(&sl);
    return rc;
}

static json_t *coding(const char *system, const char *code, const char *display)
{
    return json_pack("{s:s,s:s,s:s}", "system", system, "code", code, "display", display);
}

/* What the event records: "0" released (with the sections and window) or
 * "4" refused (with why). */
typedef struct outcome {
    const char *code, *desc;
} outcome;

/* The FHIR R4 AuditEvent of one break-glass request, released or refused. */
static json_t *audit_event(const desk *d, const ck_net_user *phys, const char *patient, const char *reason,
                           uint64_t issued, uint64_t expires, const char *sections, const char *nonce_hex,
                           const outcome *oc)
{
    char id[37], start[32], end[32];
    uint8_t u[16];
    const char *v3 = "http://terminology.hl7.org/CodeSystem/v3-ActReason", *me = ck_keyring_identity(d->c.kr)->gid;
    json_t *purpose, *ev, *requestor, *desk_agent, *source, *entity, *agents;
    int bad = 0;
    if (ck_random_bytes(u, sizeof u) != CK_OK) return NULL;
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    snprintf(id, sizeof id, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
             u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    cli_btg_iso(start, issued);
    cli_btg_iso(end, expires);
    purpose = json_pack("[{s:[o,o],s:s}]", "coding", coding(v3, "BTG", "break the glass"),
                        coding(v3, "ETREAT", "Emergency Treatment"), "text", reason);
    ev = json_pack("{s:s,s:s,s:o,s:[o],s:s,s:{s:s,s:s},s:s,s:s,s:s,s:o}", "resourceType", "AuditEvent", "id", id,
                   "type", coding("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "access",
                                  "Access/View Record Lifecycle Event"),
                   "subtype", coding(CLI_BTG_EVENT_SYSTEM, CLI_BTG_EVENT_CODE, "Break-glass access"),
                   "action", "R", "period", "start", start, "end", end, "recorded", start, "outcome", oc->code,
                   "outcomeDesc", oc->desc, "purposeOfEvent", purpose);
    requestor = json_pack("{s:{s:{s:s,s:s},s:s},s:[{s:s}],s:b,s:[{s:[o,o]}]}", "who", "identifier", "system",
                          CLI_BTG_GID_SYSTEM, "value", phys->gid, "display", phys->display_name, "role", "text",
                          phys->role, "requestor", 1, "purposeOfUse", "coding", coding(v3, "BTG", "break the glass"),
                          coding(v3, "ETREAT", "Emergency Treatment"));
    desk_agent = json_pack("{s:{s:{s:s,s:s},s:s},s:b}", "who", "identifier", "system", CLI_BTG_GID_SYSTEM, "value",
                           me, "display", "emergency desk", "requestor", 0);
    source = json_pack("{s:s,s:{s:{s:s,s:s}},s:[o]}", "site", d->authority, "observer", "identifier", "system",
                       CLI_BTG_GID_SYSTEM, "value", me, "type",
                       coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
    entity = json_pack("{s:{s:{s:s,s:s}},s:o,s:o,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]}", "what", "identifier",
                       "system", CLI_BTG_GID_SYSTEM, "value", patient, "type",
                       coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"), "role",
                       coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"), "detail", "type",
                       "reason", "valueString", reason, "type", "sections", "valueString", sections, "type",
                       "window-end", "valueString", end, "type", "request-nonce", "valueString", nonce_hex);
    /* json_object_set_new steals its value even when it fails */
    agents = json_array();
    if (agents) {
        if (requestor) json_array_append(agents, requestor);
        if (desk_agent) json_array_append(agents, desk_agent);
    }
    json_decref(requestor);
    json_decref(desk_agent);
    if (!ev || !requestor || !desk_agent || !source || !entity) {
        json_decref(agents);
        json_decref(source);
        json_decref(entity);
        json_decref(ev);
        return NULL;
    }
    bad |= json_object_set_new(ev, "agent", agents);
    bad |= json_object_set_new(ev, "source", source);
    bad |= json_object_set_new(ev, "entity", json_pack("[o]", entity));
    if (bad) {
        json_decref(ev);
        return NULL;
    }
    return ev;
}

/* The record's owner authority ("patient-<gid>"), from the policies of its
 * current entries (the audit policy names it). */
static int record_owner(const cli_btg_record *rec, char *owner, size_t cap)
{
    for (size_t i = 0; i < rec->n; i++) {
        ck_rec_container c;
        char pol[4096];
        size_t pl;
        if (!cli_btg_current_data(rec, i, &c) ||
            ck_seal_policy_text(pol, sizeof pol, &pl, c.body, c.body_len) != CK_SEAL_OK)
            continue;
        if (cli_btg_owner_authority(pol, owner, cap) == 0) return 0;
    }
    return -1;
}

/* A refused, authenticated request goes into the patient's own audit
 * section too, so she sees who tried; best effort (the refusal stands). */
static void log_refusal(desk *d, const ck_net_user *who, const char *patient, const char *reason, uint64_t now,
                        const char *nonce_hex, const char *why)
{
    cli_btg_record rec;
    char owner[CK_ABE_NAME_MAX + 1], msg[256];
    outcome oc = {"4", msg};
    reply ignored = {0, NULL};
    json_t *event = NULL;
    uint64_t seq;
    snprintf(msg, sizeof msg, "break-glass refused: %s", why);
    memset(&rec, 0, sizeof rec);
    if (cli_btg_fetch_record(&d->c, patient, &rec, NULL, 0) != CLI_OK || record_owner(&rec, owner, sizeof owner) != 0 ||
        !(event = audit_event(d, who, patient, reason, now, now, "", nonce_hex, &oc)) ||
        write_event(d, patient, owner, event, &ignored, &seq) != 0)
        fprintf(stderr, "carekey emergency-desk: the refusal could not be written to the patient's record\n");
    json_decref(event);
    json_decref(ignored.body);
    cli_btg_record_free(&rec);
}

/* Who may break the glass: an active physician (directory role emergency
 * or doctor) who is affiliated with an organization (a hospital, or the
 * board that licenses her). Refusals are answered and logged in the
 * patient's record; returns 1 when refused. */
static int refuse_requester(desk *d, const ck_net_user *u, const char *patient, const char *reason, uint64_t now,
                            const char *nonce_hex, reply *r)
{
    const char *code = NULL, *msg = NULL;
    if (strcmp(u->role, "emergency") != 0 && strcmp(u->role, "doctor") != 0) {
        code = "not_authorized";
        msg = "only physicians (directory role emergency or doctor) may break the glass";
    } else if (!u->active) {
        code = "deactivated";
        msg = "the physician's account is deactivated";
    } else if (!u->org[0]) {
        code = "not_affiliated";
        msg = "the physician is affiliated with no hospital or licensing board";
    }
    if (!code) return 0;
    fail(r, 403, code, msg);
    log_refusal(d, u, patient, reason, now, nonce_hex, msg);
    return 1;
}

typedef struct released {
    uint64_t seq;
    uint8_t hash[32];
    uint8_t dk[32];
    char section[65];
} released;

/* The break-glass request itself. */
static void handle(desk *d, const char *body, size_t len, reply *r)
{
    const char *gid = NULL, *patient = NULL, *reason = NULL, *authority = NULL, *nonce_hex = NULL, *sig_hex = NULL;
    json_int_t seconds = 0, tms = 0;
    json_error_t jerr;
    json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr), *event = NULL, *list = NULL;
    uint8_t nonce[CLI_BTG_NONCE_BYTES], sig[64], tbs[CLI_BTG_TBS_MAX], ad[CLI_BTG_AD_MAX];
    uint8_t *pt = NULL, *box = NULL;
    size_t tbs_len = 0, n_rel = 0, pt_len = 0, box_len = 0;
    released *rel = NULL;
    cli_btg_record rec;
    ck_net_user u;
    ck_keyring_peer pinned;
    char why[1024], owner[CK_ABE_NAME_MAX + 1] = "", key[sizeof d->seen[0].key], sections[512] = "";
    uint64_t now = cli_btg_now_ms(), expires, audit_seq = 0;
    static const outcome released_ok = {"0", "emergency sections released to the physician for the access window"};

    memset(&rec, 0, sizeof rec);
    r->status = 500;
    r->body = NULL;
    if (!req || json_unpack_ex(req, &jerr, JSON_STRICT, "{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "authority", &authority,
                               "gid", &gid, "patient", &patient, "reason", &reason, "seconds", &seconds, "time",
                               &tms, "nonce", &nonce_hex, "signature", &sig_hex) != 0) {
        fail(r, 400, "bad_request", "expected {authority, gid, patient, reason, seconds, time, nonce, signature}");
        goto out;
    }
    if (!ck_net_id_valid(gid) || !ck_net_id_valid(patient) || ck_net_unhex(nonce, sizeof nonce, nonce_hex) != 0 ||
        ck_net_unhex(sig, sizeof sig, sig_hex) != 0) {
        fail(r, 400, "bad_field", "malformed gid, patient, nonce or signature");
        goto out;
    }
    if (!*reason || strlen(reason) > CLI_BTG_REASON_MAX) {
        fail(r, 400, "bad_reason", "a reason (1..512 bytes) is required");
        goto out;
    }
    if (strcmp(authority, d->authority) != 0) {
        fail(r, 400, "wrong_desk", "the request names another emergency desk");
        goto out;
    }
    if (seconds < 1 || seconds > (json_int_t)d->max_seconds) {
        char msg[128];
        snprintf(msg, sizeof msg, "the access window must be 1 s .. %u min", d->max_seconds / 60);
        fail(r, 400, "bad_window", msg);
        goto out;
    }
    if (tms < 0 || (uint64_t)tms + CLI_BTG_SKEW_MS < now || (uint64_t)tms > now + CLI_BTG_SKEW_MS) {
        fail(r, 401, "stale_request", "the request's time stamp is outside the 5-minute window");
        goto out;
    }
    /* the physician: directory entry, pinned key, role, signature */
    if (ck_net_user_get(d->c.net, gid, &u) != 0) {
        if (ck_net_status(d->c.net) == 404) fail(r, 403, "unknown_physician", "not in the directory");
        else fail(r, 502, "directory", "the directory lookup failed");
        goto out;
    }
    if (cli_ctx_peer(&d->c, gid, &pinned) != CLI_OK || memcmp(pinned.ed25519, u.ed25519, 32) != 0 ||
        memcmp(pinned.x25519, u.x25519, 32) != 0) {
        fail(r, 403, "key_changed", "the directory's keys differ from the keys the desk pinned");
        goto out;
    }
    if (cli_btg_request_tbs(tbs, sizeof tbs, &tbs_len, authority, gid, patient, reason, (uint32_t)seconds,
                            (uint64_t)tms, nonce) != 0 ||
        ck_net_ed25519_verify(sig, tbs, tbs_len, u.ed25519) != 0) {
        fail(r, 401, "bad_signature", "the request's signature does not verify with the physician's key");
        goto out;
    }
    if (refuse_requester(d, &u, patient, reason, now, nonce_hex, r)) goto out;
    prune(d, now);
    snprintf(key, sizeof key, "%s/%s", gid, nonce_hex);
    if (seen(d, key)) {
        fail(r, 401, "replayed_request", "this request was already used");
        goto out;
    }
    if (remember(d, key, (uint64_t)tms + 2 * CLI_BTG_SKEW_MS, 1) != 0) {
        fail(r, 503, "unavailable", "cannot record the request nonce");
        goto out;
    }
    /* the record, read for break-glass and verified */
    {
        int rc = cli_btg_fetch_record(&d->c, patient, &rec, why, sizeof why);
        if (rc != CLI_OK) {
            if (rc == CLI_FAIL && why[0]) fail(r, 502, "record_unverified", why);
            else if (ck_net_status(d->c.net) == 404) fail(r, 404, "record_not_found", "no such patient record");
            else fail(r, 502, "upstream", "cannot read the record from carekeyd");
            goto out;
        }
    }
    if (!(rel = calloc(rec.n ? rec.n : 1, sizeof *rel))) {
        fail(r, 500, "internal", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < rec.n && n_rel < CLI_BTG_MAX_KEYS; i++) {
        ck_rec_container c;
        ck_seal_env *env = NULL;
        char pol[4096];
        uint8_t rad[CK_REC_AD_MAX];
        size_t rad_len, pl;
        if (!cli_btg_current_data(&rec, i, &c) || strcmp(rec.v[i].section, "audit") == 0) continue;
        if (ck_seal_policy_text(pol, sizeof pol, &pl, c.body, c.body_len) != CK_SEAL_OK || !strstr(pol, d->label))
            continue;
        if (!owner[0]) (void)cli_btg_owner_authority(pol, owner, sizeof owner);
        if (ck_seal_decode(&env, c.body, c.body_len) != CK_SEAL_OK) continue;
        rad_len = ck_rec_ad(rad, patient, rec.v[i].section, rec.v[i].resource_type, c.entry_id);
        if (ck_seal_unwrap_key(rel[n_rel].dk, env, ck_keyring_user_key(d->c.kr), rad, rad_len) == CK_SEAL_OK) {
            rel[n_rel].seq = rec.v[i].seq;
            memcpy(rel[n_rel].hash, rec.v[i].hash, 32);
            snprintf(rel[n_rel].section, sizeof rel[n_rel].section, "%s", rec.v[i].section);
            if (!strstr(sections, rec.v[i].section) && strlen(sections) + strlen(rec.v[i].section) + 2 < sizeof sections)
                snprintf(sections + strlen(sections), sizeof sections - strlen(sections), "%s%s",
                         sections[0] ? "," : "", rec.v[i].section);
            n_rel++;
        }
        ck_seal_env_free(env);
    }
    if (!n_rel) {
        fail(r, 404, "no_emergency_data", "the record holds no entries the emergency desk may open");
        goto out;
    }
    if (!owner[0]) {
        fail(r, 502, "audit_failed", "cannot tell the patient's authority from the record's policies");
        goto out;
    }
    /* audit first: no event, no keys */
    expires = now + (uint64_t)seconds * 1000u;
    if (!(event = audit_event(d, &u, patient, reason, now, expires, sections, nonce_hex, &released_ok))) {
        fail(r, 500, "internal", "cannot build the audit event");
        goto out;
    }
    if (write_event(d, patient, owner, event, r, &audit_seq) != 0) goto out;
    /* the keys, sealed to the physician */
    pt_len = n_rel * CLI_BTG_KEY_REC;
    if (!(pt = malloc(pt_len)) || !(box = malloc(CK_BOX_LEN(pt_len))) || !(list = json_array())) {
        fail(r, 500, "internal", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_rel; i++) {
        uint8_t *p = pt + i * CLI_BTG_KEY_REC;
        for (int b = 0; b < 8; b++) p[b] = (uint8_t)(rel[i].seq >> (56 - 8 * b));
        memcpy(p + 8, rel[i].hash, 32);
        memcpy(p + 40, rel[i].dk, 32);
        json_array_append_new(list, json_pack("{s:I,s:s}", "seq", (json_int_t)rel[i].seq, "section", rel[i].section));
    }
    {
        const ck_identity *me = ck_keyring_identity(d->c.kr);
        size_t ad_len = cli_btg_box_ad(ad, me->gid, gid, patient, now, expires, nonce);
        char *b64;
        if (!ad_len || ck_box_seal(box, CK_BOX_LEN(pt_len), &box_len, pt, pt_len, u.x25519, me->ed25519_sk, ad,
                                   ad_len) != CK_BOX_OK || !(b64 = malloc(ck_net_b64_len(box_len)))) {
            fail(r, 500, "internal", "cannot seal the grant");
            goto out;
        }
        ck_net_b64(b64, box, box_len);
        r->status = 200;
        r->body = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:O,s:s}", "desk", me->gid, "authority", d->authority,
                            "physician", gid, "patient", patient, "issued", (json_int_t)now, "expires",
                            (json_int_t)expires, "audit_seq", (json_int_t)audit_seq, "nonce", nonce_hex, "entries",
                            list, "box", b64);
        free(b64);
    }
    fprintf(stderr, "carekey emergency-desk: break-glass granted to %s: %zu entries for %lld s\n", gid, n_rel,
            (long long)seconds);
out:
    if (r->status != 200) {
        const char *code = "?";
        json_t *e = json_object_get(json_object_get(r->body, "error"), "code");
        if (json_is_string(e)) code = json_string_value(e);
        fprintf(stderr, "carekey emergency-desk: request%s%s refused: %s\n", gid && ck_net_id_valid(gid) ? " by " : "",
                gid && ck_net_id_valid(gid) ? gid : "", code);
    }
    if (rel) ck_wipe(rel, (rec.n ? rec.n : 1) * sizeof *rel);
    free(rel);
    if (pt) ck_wipe(pt, pt_len);
    free(pt);
    free(box);
    json_decref(list);
    json_decref(event);
    json_decref(req);
    cli_btg_record_free(&rec);
}

static enum MHD_Result send_json(struct MHD_Connection *con, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    json_decref(body);
    if (!text) return MHD_NO;
    resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    ret = MHD_queue_response(con, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    desk *d = cls;
    conn *k = *con_cls;
    reply r = {500, NULL};
    (void)version;
    if (!k) {
        if (!(k = calloc(1, sizeof *k))) return MHD_NO;
        *con_cls = k;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (k->too_large || k->len + n > BODY_MAX) {
            k->too_large = 1;
            return MHD_YES;
        }
        char *nb = realloc(k->body, k->len + n + 1);
        if (!nb) return MHD_NO;
        k->body = nb;
        memcpy(k->body + k->len, upload, n);
        k->len += n;
        k->body[k->len] = 0;
        return MHD_YES;
    }
    ck_guard_request_arrived(d->guard, con);
    if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
        return send_json(con, 200, json_pack("{s:s,s:s}", "status", "ok", "authority", d->authority));
    if (strcmp(url, CLI_BTG_PATH) != 0) {
        fail(&r, 404, "not_found", "no such route");
        return send_json(con, r.status, r.body);
    }
    if (strcmp(method, "POST") != 0) {
        fail(&r, 405, "method_not_allowed", "use POST");
        return send_json(con, r.status, r.body);
    }
    if (k->too_large) {
        fail(&r, 413, "body_too_large", "request body too large");
        return send_json(con, r.status, r.body);
    }
    handle(d, k->body ? k->body : "", k->len, &r);
    return send_json(con, r.status, r.body);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode t)
{
    desk *d = cls;
    conn *k = *con_cls;
    (void)t;
    ck_guard_request_done(d->guard, con);
    if (!k) return;
    if (k->body) ck_wipe(k->body, k->len);
    free(k->body);
    free(k);
    *con_cls = NULL;
}

/* Startup checks: the emergency key and the desk's directory entry. */
static int desk_ready(desk *d)
{
    ck_abe_user_key *uk;
    const ck_identity *me;
    ck_net_user u;
    int have = 0, rc;
    ck_fhir_error ferr;
    if ((rc = cli_ctx_net(&d->c)) != CLI_OK) return rc;
    if (ck_net_set_purpose(d->c.net, "BTG") != 0) return CLI_FAIL;
    uk = ck_keyring_user_key(d->c.kr);
    for (size_t i = 0; i < uk->n; i++) have |= strcmp(uk->attr[i].label, d->label) == 0;
    if (!have) {
        cli_error(d->c.cmd, "the keyring holds no %s key (issue it with 'carekey authority issue' and "
                            "'carekey keys sync')", d->label);
        return CLI_FAIL;
    }
    me = ck_keyring_identity(d->c.kr);
    if (ck_net_user_get(d->c.net, me->gid, &u) != 0) return cli_ctx_net_error(&d->c, "the desk's directory entry");
    if (memcmp(u.ed25519, me->ed25519_pk, 32) != 0 || memcmp(u.x25519, me->x25519_pk, 32) != 0) {
        cli_error(d->c.cmd, "the directory holds other keys for %s than this keyring", me->gid);
        return CLI_FAIL;
    }
    if (ck_sharing_load_default(&d->profile, &ferr) != CK_FHIR_OK) {
        cli_error(d->c.cmd, "sharing profile: %s", ferr.msg);
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"port", required_argument, NULL, 'p'},
                                       {"listen", required_argument, NULL, 'l'},
                                       {"max-minutes", required_argument, NULL, 'm'},
                                       {"authority", required_argument, NULL, 'a'},
                                       {"port-file", required_argument, NULL, 'f'},
                                       {"tls-cert", required_argument, NULL, 'C'},
                                       {"tls-key", required_argument, NULL, 'K'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *listen = "127.0.0.1", *port_file = NULL, *help = "emergency-desk serve";
    const char *tls_cert = NULL, *tls_key = NULL;
    ck_tls tls = {0};
    uint32_t port = 8600, max_min = 240;
    struct sockaddr_in sa;
    struct MHD_Daemon *mhd = NULL;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    desk d;
    int opt, rc, sig;

    memset(&d, 0, sizeof d);
    cli_ctx_init(&d.c, "emergency-desk serve");
    snprintf(d.authority, sizeof d.authority, "%s", CLI_BTG_DEFAULT_AUTHORITY);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, d.c.cmd, help)) != -1) {
        if (cli_ctx_option(&d.c, opt, optarg)) continue;
        switch (opt) {
        case 'p':
            if (!cli_parse_u32(optarg, &port) || port > 65535) return cli_usage_error(d.c.cmd, help, "bad --port");
            break;
        case 'l': listen = optarg; break;
        case 'm':
            if (!cli_parse_u32(optarg, &max_min) || max_min < 1 || max_min > 24 * 60)
                return cli_usage_error(d.c.cmd, help, "--max-minutes takes 1..1440");
            break;
        case 'a':
            if (!*optarg || strlen(optarg) > CK_ABE_NAME_MAX || strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
                                                                    strlen(optarg))
                return cli_usage_error(d.c.cmd, help, "bad --authority name");
            snprintf(d.authority, sizeof d.authority, "%s", optarg);
            break;
        case 'f': port_file = optarg; break;
        case 'C': tls_cert = optarg; break;
        case 'K': tls_key = optarg; break;
        case 'h': fputs(serve_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(d.c.cmd, help, "unexpected argument '%s'", argv[optind]);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, listen, &sa.sin_addr) != 1) return cli_usage_error(d.c.cmd, help, "bad --listen address");
    if (!tls_cert != !tls_key) return cli_usage_error(d.c.cmd, help, "--tls-cert and --tls-key go together");
    if (tls_cert) {
        char why[512];
        if (ck_tls_load(&tls, tls_cert, tls_key, why, sizeof why) != 0) {
            cli_error(d.c.cmd, "%s", why);
            return CLI_IO;
        }
    }
    d.max_seconds = max_min * 60;
    snprintf(d.label, sizeof d.label, "emergency@%s", d.authority);
    cli_ctx_path(&d.c, d.nonce_path, NONCES_FILE);
    if ((rc = desk_ready(&d)) != CLI_OK) goto out;
    load_nonces(&d);

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);   /* the MHD thread inherits it */
    /* at most DESK_PER_IP sockets per address, every request whole within
     * DESK_DEADLINE_MS, room for many more: a few trickling addresses never
     * take every slot (src/httpd/guard.h) */
    {
        ck_guard_opts go = {DESK_PER_IP, DESK_DEADLINE_MS, DESK_MAX_CONNS};
        struct MHD_OptionItem gopts[CK_GUARD_MHD_OPTIONS + CK_TLS_MHD_OPTIONS];
        size_t n;
        if (!(d.guard = ck_guard_new(&go)) || !(n = ck_guard_mhd_options(d.guard, gopts, CK_GUARD_MHD_OPTIONS))) {
            cli_error(d.c.cmd, "out of memory");
            rc = CLI_FAIL;
            goto out;
        }
        n--; /* the guard's END: the certificate and key (if any) follow */
        n += ck_tls_mhd_options(&tls, &gopts[n]);
        gopts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
        mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                                   ck_tls_mhd_flags(&tls),
                               (uint16_t)port, NULL, NULL, on_request, &d, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, &d, MHD_OPTION_ARRAY, gopts, MHD_OPTION_END);
    }
    rc = CLI_IO;
    if (!mhd) {
        cli_error(d.c.cmd, "cannot listen on %s:%u", listen, port);
        goto out;
    }
    info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
    port = info ? info->port : port;
    if (port_file) {
        char line[16];
        int n = snprintf(line, sizeof line, "%u\n", port);
        if (cli_write_file(d.c.cmd, port_file, (const uint8_t *)line, (size_t)n, 0644, 0) != CLI_OK) goto out;
    }
    fprintf(stderr, "carekey emergency-desk: %s listening on %s://%s:%u (authority %s, max %u min)\n",
            ck_keyring_identity(d.c.kr)->gid, ck_tls_on(&tls) ? "https" : "http", listen, port, d.authority, max_min);
    while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM)) {
    }
    fprintf(stderr, "carekey emergency-desk: stopping\n");
    rc = CLI_OK;
out:
    if (mhd) MHD_stop_daemon(mhd);
    ck_guard_free(d.guard);
    ck_tls_free(&tls);
    ck_sharing_free(d.profile);
    free(d.seen);
    cli_ctx_close(&d.c);
    return rc;
}

static const cli_subcmd desk_subcmds[] = {
    {"serve", "run the break-glass service (HTTP, or HTTPS with --tls-cert)", serve_usage, cmd_serve},
};

static void desk_help(FILE *f)
{
    fputs("Usage: carekey emergency-desk SUBCOMMAND [OPTIONS]\n\n"
          "The emergency department's desk: holds emergency@er-desk and re-seals the\n"
          "emergency sections' keys to ER physicians for a limited time, audited.\n\n"
          "Subcommands:\n", f);
    cli_print_subcmds(f, desk_subcmds, sizeof desk_subcmds / sizeof *desk_subcmds);
}

static int desk_run(int argc, char **argv)
{
    return cli_dispatch("emergency-desk", desk_help, desk_subcmds, sizeof desk_subcmds / sizeof *desk_subcmds, argc,
                        argv);
}

const cli_group cli_group_emergency_desk = {"emergency-desk", "the emergency desk (break-glass service): serve", desk_run};
