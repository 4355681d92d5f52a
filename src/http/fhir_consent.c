/*
 * fhir_consent.c - read-only FHIR views of carekey's own records: a grant
 * as an R4 Consent, an audit-log row as an R4 AuditEvent.
 *
 * People are carekey GIDs, not FHIR resources the node serves, so agents,
 * performers and actors are logical references (Reference.identifier with
 * carekey's GID system), and the patient is a literal Patient/<id>.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fhir_api_int.h"

#define V3_ACT_REASON "http://terminology.hl7.org/CodeSystem/v3-ActReason"

static json_t *gid_ref(const char *gid)
{
    return json_pack("{s:{s:s, s:s}}", "identifier", "system", CK_FHIR_API_SID_GID, "value", gid);
}

static int nonempty(const char *s)
{
    return s && s[0];
}

/* ---- Consent --------------------------------------------------------------- */

/* A section name: [a-z][a-z0-9_-]{0,31} (docs/API.md). */
static int section_ok(const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
    for (i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-')) return 0;
    return 1;
}

/* provision.class: one coding per section of "a,b,c"; NULL for "*" (no
 * class restriction means every class in R4). */
static int section_classes(json_t **out, const char *sections)
{
    const char *p = sections, *c;
    json_t *arr;
    *out = NULL;
    if (strcmp(sections, "*") == 0) return 0;
    if (!*sections) return -1;
    if (!(arr = json_array())) return -1;
    while (*p) {
        size_t n;
        c = strchr(p, ',');
        n = c ? (size_t)(c - p) : strlen(p);
        if (!section_ok(p, n) || json_array_append_new(arr, json_pack("{s:s, s:s#}", "system", CK_FHIR_API_CS_SECTION,
                                                                      "code", p, (int)n)) != 0) {
            json_decref(arr);
            return -1;
        }
        p += n + (c ? 1 : 0);
        if (c && !*p) { /* a trailing comma */
            json_decref(arr);
            return -1;
        }
    }
    *out = arr;
    return 0;
}

int ck_fhir_api_consent(json_t **out, const ck_fhir_api_grant *g, int64_t now_ms, ck_fhir_api_error *err)
{
    char created[CK_FHIR_API_INSTANT_MAX], expires[CK_FHIR_API_INSTANT_MAX];
    json_t *c, *prov, *classes = NULL, *role, *performer;
    const char *owner;
    int active;

    fa_ok(err);
    if (!out || !g) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument");
    *out = NULL;
    if (!g->id || !fa_is_id(g->id, strlen(g->id)))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Consent.id", "the grant id is not a FHIR id");
    if (!g->patient || !fa_is_id(g->patient, strlen(g->patient)))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Consent.patient", "the patient is not a FHIR id");
    if (!nonempty(g->grantee) || !nonempty(g->granted_by))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Consent.provision.actor", "no grantee or grantor");
    if (!g->sections || section_classes(&classes, g->sections) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Consent.provision.class", "sections: \"a,b,c\" or \"*\"");
    if (ck_fhir_api_instant(created, g->created_ms) != 0 ||
        (g->expires_ms && ck_fhir_api_instant(expires, g->expires_ms) != 0)) {
        json_decref(classes);
        return fa_fail(err, CK_FHIR_API_E_INVALID, "Consent.dateTime", "a time outside years 1..9999");
    }
    active = !g->revoked && !(now_ms && g->expires_ms && g->expires_ms <= now_ms);
    owner = g->patient_gid ? g->patient_gid : g->patient;
    role = json_pack("{s:[{s:s, s:s, s:s}]}", "coding", "system",
                     "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code", "IRCP", "display",
                     "information recipient");
    if (!role) goto nomem;
    if (g->delegate &&
        json_array_append_new(json_object_get(role, "coding"),
                              json_pack("{s:s, s:s, s:s}", "system", CK_FHIR_API_CS_GRANT_ROLE, "code", "delegate",
                                        "display", "may grant on the patient's behalf")) != 0) {
        json_decref(role);
        goto nomem;
    }
    /* read: access; write also lets the grantee add to the record */
    prov = json_pack("{s:s, s:{s:s}, s:[{s:o, s:o}], s:[{s:[{s:s, s:s}]}]}", "type", "permit", "period", "start",
                     created, "actor", "role", role, "reference", gid_ref(g->grantee), "action", "coding", "system",
                     "http://terminology.hl7.org/CodeSystem/consentaction", "code", "access");
    if (!prov) goto nomem;
    if (g->expires_ms && json_object_set_new(json_object_get(prov, "period"), "end", json_string(expires)) != 0)
        goto nomem_prov;
    if (g->access == CK_FHIR_API_WRITE &&
        json_array_append_new(json_object_get(prov, "action"),
                              json_pack("{s:[{s:s, s:s}]}", "coding", "system",
                                        "http://terminology.hl7.org/CodeSystem/consentaction", "code", "correct")) != 0)
        goto nomem_prov;
    if (classes) {
        if (json_object_set_new(prov, "class", classes) != 0) {
            classes = NULL;
            goto nomem_prov;
        }
        classes = NULL;
    }
    /* the patient granted it herself, or her delegate did */
    performer = strcmp(g->granted_by, owner) == 0 ? json_pack("{s:o}", "reference", json_sprintf("Patient/%s", g->patient))
                                                  : gid_ref(g->granted_by);
    c = json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s, s:s}]}, s:[{s:[{s:s, s:s, s:s}]}], s:{s:o}, s:s, s:[o], "
                  "s:{s:[{s:s, s:s}]}, s:o}",
                  "resourceType", "Consent", "id", g->id, "status", active ? "active" : "inactive", "scope", "coding",
                  "system", "http://terminology.hl7.org/CodeSystem/consentscope", "code", "patient-privacy",
                  "display", "Privacy Consent", "category", "coding", "system", "http://loinc.org", "code",
                  "59284-0", "display", "Patient Consent", "patient", "reference",
                  json_sprintf("Patient/%s", g->patient), "dateTime", created, "performer", performer, "policyRule",
                  "coding", "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code", "OPTIN",
                  "provision", prov);
    if (!c) goto nomem;
    *out = c;
    return 0;
nomem_prov:
    json_decref(prov);
nomem:
    json_decref(classes);
    return fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
}

/* ---- AuditEvent ------------------------------------------------------------ */

/* What each carekeyd action did, as AuditEvent.action (C R U D E). */
static const char *action_code(const char *a)
{
    static const struct {
        const char *name, *code;
    } map[] = {
        {"read_entries", "R"}, {"read_entry", "R"}, {"read_head", "R"}, {"read_grants", "R"},
        {"read_audit", "R"},   {"append", "C"},     {"sign_head", "U"}, {"grant", "C"},
        {"revoke", "U"},       {"drop_bodies", "D"}, {"consent", "C"},  {"consent_withdraw", "U"},
        {"affiliate", "C"},    {"unaffiliate", "U"}, {"deactivate", "U"}, {"reactivate", "U"},
        {"unit_add", "C"},     {"enroll_request", "C"}, {"enroll_approve", "U"}, {"enroll_reject", "U"},
    };
    size_t i;
    for (i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, a) == 0) return map[i].code;
    return "E"; /* an action this table does not know yet: "execute" */
}

static int is_code(const char *s, size_t max, int upper)
{
    size_t i, n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (upper ? !(c >= 'A' && c <= 'Z') : !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int ck_fhir_api_audit_event(json_t **out, const ck_fhir_api_audit_row *r, ck_fhir_api_error *err)
{
    char when[CK_FHIR_API_INSTANT_MAX], id[32];
    json_t *ev, *agent, *entity;
    const char *outcome;

    fa_ok(err);
    if (!out || !r) return fa_fail(err, CK_FHIR_API_E_ARG, "", "NULL argument");
    *out = NULL;
    if (!r->patient || !fa_is_id(r->patient, strlen(r->patient)))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.entity.what", "the patient is not a FHIR id");
    if (!nonempty(r->actor)) return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.agent.who", "no actor");
    if (!r->action || !is_code(r->action, 32, 0))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.subtype", "the action is not [a-z0-9_-]{1,32}");
    if (nonempty(r->purpose) && !is_code(r->purpose, 16, 1))
        return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.agent.purposeOfUse", "the purpose is not [A-Z]{1,16}");
    if (!nonempty(r->outcome)) return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.outcome", "no outcome");
    if (ck_fhir_api_instant(when, r->time_ms) != 0)
        return fa_fail(err, CK_FHIR_API_E_INVALID, "AuditEvent.recorded", "a time outside years 1..9999");
    snprintf(id, sizeof id, "audit-%" PRIu64, r->id);
    /* 0 success; a refusal (4xx) is a minor failure; a server error (5xx) serious */
    outcome = strcmp(r->outcome, "ok") == 0 ? "0" : r->status >= 500 ? "8" : "4";

    agent = json_pack("{s:o, s:b}", "who", gid_ref(r->actor), "requestor", 1);
    if (agent && nonempty(r->purpose) &&
        json_object_set_new(agent, "purposeOfUse",
                            json_pack("[{s:[{s:s, s:s}]}]", "coding", "system", V3_ACT_REASON, "code", r->purpose)) != 0) {
        json_decref(agent);
        agent = NULL; /* the pack below fails on it: out of memory */
    }
    entity = json_pack("{s:{s:o}, s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}}", "what", "reference",
                       json_sprintf("Patient/%s", r->patient), "type", "system",
                       "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code", "1", "display", "Person",
                       "role", "system", "http://terminology.hl7.org/CodeSystem/object-role", "code", "1", "display",
                       "Patient");
    if (entity && nonempty(r->target) &&
        json_object_set_new(entity, "detail", json_pack("[{s:s, s:s}]", "type", "target", "valueString", r->target)) != 0) {
        json_decref(entity);
        entity = NULL;
    }
    ev = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s}], s:s, s:s, s:s, s:[o], s:{s:s, s:{s:s}, "
                   "s:[{s:s, s:s, s:s}]}, s:[o]}",
                   "resourceType", "AuditEvent", "id", id, "type", "system", "http://dicom.nema.org/resources/ontology/DCM",
                   "code", "110110", "display", "Patient Record", "subtype", "system", CK_FHIR_API_CS_AUDIT_ACTION,
                   "code", r->action, "action", action_code(r->action), "recorded", when, "outcome", outcome, "agent",
                   agent, "source", "site", "carekey", "observer", "display", "carekeyd", "type", "system",
                   "http://terminology.hl7.org/CodeSystem/security-source-type", "code", "4", "display",
                   "Application Server", "entity", entity);
    if (!ev) return fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
    /* outcomeDesc: carekeyd's error code for a refusal (no patient data) */
    if (strcmp(outcome, "0") != 0 && json_object_set_new(ev, "outcomeDesc", json_string(r->outcome)) != 0) {
        json_decref(ev);
        return fa_fail(err, CK_FHIR_API_E_NOMEM, "", "out of memory");
    }
    *out = ev;
    return 0;
}
