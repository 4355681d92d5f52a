/*
 * src/node/emergency/desk_event.c - the AuditEvent the desk writes into
 * the patient's record for every authenticated break-glass request,
 * released or refused (desk_impl.h). Released: no event, no keys - the
 * event is appended before the grant is sealed. It goes into section
 * "audit" under the profile's audit policy (owner@<patient authority>),
 * with the same signed, pinned epochs as every writer: never an epoch the
 * server rolled back or forged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/emergency/desk_impl.h"

#define APPEND_TRIES 5

static json_t *coding(const char *system, const char *code, const char *display)
{
    return json_pack("{s:s,s:s,s:s}", "system", system, "code", code, "display", display);
}

static int uuid4(char id[37])
{
    uint8_t u[16];
    if (ck_random_bytes(u, sizeof u) != CK_OK) return -1;
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
    snprintf(id, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
             u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    return 0;
}

/* agent[], source and entity[] of the event. */
static int add_parts(json_t *ev, const ck_node_desk *d, const ck_net_user *phys, const char *patient,
                     const char *reason, const char *end, const char *sections, const char *nonce_hex)
{
    static const char *v3 = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    const char *me = ck_node_gid(d->n);
    json_t *requestor, *desk_agent, *source, *entity;
    requestor = json_pack("{s:{s:{s:s,s:s},s:s},s:[{s:s}],s:b,s:[{s:[o,o]}]}", "who", "identifier", "system",
                          CK_NODE_BTG_GID_SYSTEM, "value", phys->gid, "display", phys->display_name, "role", "text",
                          phys->role, "requestor", 1, "purposeOfUse", "coding", coding(v3, "BTG", "break the glass"),
                          coding(v3, "ETREAT", "Emergency Treatment"));
    desk_agent = json_pack("{s:{s:{s:s,s:s},s:s},s:b}", "who", "identifier", "system", CK_NODE_BTG_GID_SYSTEM, "value",
                           me, "display", "emergency desk", "requestor", 0);
    source = json_pack("{s:s,s:{s:{s:s,s:s}},s:[o]}", "site", d->authority, "observer", "identifier", "system",
                       CK_NODE_BTG_GID_SYSTEM, "value", me, "type",
                       coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
    entity = json_pack("{s:{s:{s:s,s:s}},s:o,s:o,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}]}", "what", "identifier",
                       "system", CK_NODE_BTG_GID_SYSTEM, "value", patient, "type",
                       coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"), "role",
                       coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"), "detail", "type",
                       "reason", "valueString", reason, "type", "sections", "valueString", sections, "type",
                       "window-end", "valueString", end, "type", "request-nonce", "valueString", nonce_hex);
    if (!requestor || !desk_agent || !source || !entity) {
        json_decref(requestor);
        json_decref(desk_agent);
        json_decref(source);
        json_decref(entity);
        return -1;
    }
    /* json_object_set_new steals its value even when it fails */
    return json_object_set_new(ev, "agent", json_pack("[o,o]", requestor, desk_agent)) |
           json_object_set_new(ev, "source", source) | json_object_set_new(ev, "entity", json_pack("[o]", entity));
}

json_t *ck_node_desk_event(const ck_node_desk *d, const ck_net_user *phys, const char *patient, const char *reason,
                           uint64_t issued, uint64_t expires, const char *sections, const char *nonce_hex,
                           const ck_node_desk_outcome *oc)
{
    static const char *v3 = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    char id[37], start[32], end[32];
    json_t *purpose, *ev;
    if (uuid4(id) != 0) return NULL;
    ck_node_btg_iso(start, issued);
    ck_node_btg_iso(end, expires);
    purpose = json_pack("[{s:[o,o],s:s}]", "coding", coding(v3, "BTG", "break the glass"),
                        coding(v3, "ETREAT", "Emergency Treatment"), "text", reason);
    ev = json_pack("{s:s,s:s,s:o,s:[o],s:s,s:{s:s,s:s},s:s,s:s,s:s,s:o}", "resourceType", "AuditEvent", "id", id,
                   "type", coding("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "access",
                                  "Access/View Record Lifecycle Event"),
                   "subtype", coding(CK_NODE_BTG_EVENT_SYSTEM, CK_NODE_BTG_EVENT_CODE, "Break-glass access"), "action",
                   "R", "period", "start", start, "end", end, "recorded", start, "outcome", oc->code, "outcomeDesc",
                   oc->desc, "purposeOfEvent", purpose);
    if (ev && add_parts(ev, d, phys, patient, reason, end, sections, nonce_hex) != 0) {
        json_decref(ev);
        return NULL;
    }
    return ev;
}

/* Appends env onto the record's current head, again when someone wrote meanwhile. */
static int append(ck_node_desk *d, const char *patient, const uint8_t *env, size_t env_len, uint64_t *seq)
{
    ck_node *n = d->n;
    for (int tries = 0; tries < APPEND_TRIES; tries++) {
        ck_net_head head, out_head;
        uint64_t t;
        int has = 0;
        if (ck_net_head_get(n->net, patient, &head, NULL, &has) != 0 || ck_node_append_time(n, patient, &head, &t) != 0)
            return -1;
        if (ck_net_append(n->net, patient, "audit", "AuditEvent", head.hash, t, env, env_len, &out_head) == 0) {
            *seq = out_head.seq;
            return 0;
        }
        if (ck_net_status(n->net) != 409) return -1;
    }
    return -1;
}

int ck_node_desk_write_event(ck_node_desk *d, const char *patient, const char *owner_auth, const json_t *event,
                             uint64_t *seq, char *msg, size_t cap)
{
    const char *hosp[1] = {d->authority};
    ck_sharing_params sp = {owner_auth, d->authority, hosp, 1};
    ck_fhir_error ferr;
    char *policy = NULL, *text = NULL;
    ck_node_sealer sl;
    ck_seal_policy pol;
    json_t *item = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_policy_error perr;
    int rc = -1;
    ck_node_sealer_init(&sl, d->n, 0);
    if (ck_sharing_policy(&policy, d->profile, "audit", &sp, &ferr) != CK_FHIR_OK) {
        snprintf(msg, cap, "cannot build the audit policy for this patient");
        goto out;
    }
    if (ck_node_sealer_policy(&sl, policy, &pol) != 0) {
        snprintf(msg, cap, "the patient's authority or its signed epochs cannot be verified");
        goto out;
    }
    item = json_pack("[{s:s,s:O,s:O}]", "type", "AuditEvent", "id", json_object_get(event, "id"), "resource", event);
    if (!item || !(text = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS))) {
        snprintf(msg, cap, "out of memory");
        goto out;
    }
    if (ck_rec_seal(&env, &env_len, patient, "audit", "AuditEvent", (const uint8_t *)text, strlen(text), &pol, 0, NULL,
                    &perr) != CK_REC_OK) {
        snprintf(msg, cap, "cannot seal the audit event");
        goto out;
    }
    if (append(d, patient, env, env_len, seq) != 0) {
        snprintf(msg, cap, "the audit event could not be written (%ld %s); nothing was released",
                 ck_net_status(d->n->net), ck_net_error_code(d->n->net) ? ck_net_error_code(d->n->net) : "");
        goto out;
    }
    rc = 0;
out:
    if (text) ck_node_free_str(text);
    free(env);
    free(policy);
    json_decref(item);
    ck_node_sealer_free(&sl);
    return rc;
}
