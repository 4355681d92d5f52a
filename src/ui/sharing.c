/*
 * src/ui/sharing.c - the patient's views of who may see her record and who
 * did: GET /ui/api/sharing?patient=P (her sharing profile and the grants of
 * her verified chain, each with a sentence in plain words) and GET
 * /ui/api/audit?patient=P (the server's audit log in human terms; reads
 * with purpose BTG - break-glass - flagged).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "carekey/node_fhir.h"
#include "carekey/node_sharing_view.h"
#include "ui/ui_impl.h"

#define GRANTS_MAX 512

static void iso_time(uint64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *grant_json(const ck_node_grant_info *g)
{
    char when[32], until[32], plain[1024];
    const char *what = strcmp(g->sections, "*") ? g->sections : "every section";
    iso_time(g->time_ms, when);
    if (g->expires_ms) iso_time(g->expires_ms, until);
    int revoked = g->status == CK_NODE_GRANT_REVOKED;
    /* a chain grant lets its holder add to those sections (what she reads is her keys' business) */
    snprintf(plain, sizeof plain, "%s %s write to %s%s%s%s", g->grantee, revoked ? "could" : "can", what,
             g->delegate ? " and manage sharing for you" : "", g->expires_ms ? " until " : "",
             g->expires_ms ? until : "");
    if (revoked) strncat(plain, " (revoked)", sizeof plain - strlen(plain) - 1);
    return json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:s?,s:I,s:s}", "id", g->chain_id, "grantee", g->grantee, "by", g->by,
                     "sections", g->sections, "delegate", g->delegate, "revoked", revoked, "since", when,
                     "until", g->expires_ms ? until : NULL, "seq", (json_int_t)g->seq, "plain", plain);
}

int ck_ui_sharing(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX], when[32];
    ck_node_record *rec = NULL;
    ck_node_grant_info *g = NULL;
    json_t *out = NULL, *grants = NULL, *profile = NULL, *rules = NULL;
    size_t n, count;
    int rc = -1;
    if (!ck_ui_role_may(r->s->role, "sharing")) return ck_ui_fail(r, 403, "not_for_role", "only the patient sees this");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (ck_node_record_load(r->s->n, patient, 0, &rec) != 0) return ck_ui_fail_node(r, r->s->n);
    if (!(g = calloc(GRANTS_MAX, sizeof *g)) || !(profile = json_array()) || !(grants = json_array()) ||
        !(out = json_pack("{s:s,s:o}", "patient", patient, "grants", grants))) { /* "o" takes grants even on failure */
        ck_ui_fail(r, 500, "no_memory", "out of memory");
        goto out;
    }
    n = ck_node_record_grants(rec, g, GRANTS_MAX);
    for (size_t i = 0; i < n && i < GRANTS_MAX; i++) json_array_append_new(grants, grant_json(&g[i]));
    count = ck_node_record_count(rec);
    for (size_t i = 0; i < count; i++) {
        ck_node_entry_info e;
        ck_node_record_entry(rec, i, &e);
        if (e.kind != CK_NODE_ENTRY_PROFILE) continue;
        iso_time(e.time_ms, when);
        json_array_append_new(profile, json_pack("{s:I,s:s}", "seq", (json_int_t)e.seq, "time", when));
    }
    /* the policies of the latest profile (none yet: null) */
    if (ck_node_sharing_view(r->s->n, patient, &rules) != 0 && ck_node_last_error(r->s->n)->kind != CK_NODE_E_NOT_FOUND) {
        ck_ui_fail_node(r, r->s->n);
        goto out;
    }
    json_object_set_new(out, "rules", rules ? rules : json_null());
    json_object_set_new(out, "profile", profile);
    profile = NULL;
    json_object_set_new(out, "more_grants", json_boolean(n > GRANTS_MAX));
    rc = ck_ui_json(r, 200, out);
    out = NULL;
out:
    json_decref(profile);
    json_decref(out);
    free(g);
    ck_node_record_free(rec);
    return rc;
}

/* "read", "wrote"...: the verb of an audit action in plain words. */
static const char *verb(const char *action)
{
    static const struct {
        const char *action, *verb;
    } verbs[] = {
        {"read", "read"}, {"append", "wrote to"}, {"write", "wrote to"}, {"grant", "changed who can see"},
        {"revoke", "took back access to"}, {"fetch", "read"}, {"list", "listed"}, {"head", "checked"},
    };
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (strstr(action, verbs[i].action)) return verbs[i].verb;
    return action;
}

int ck_ui_audit(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX], when[32], plain[768];
    ck_node_audit_row *rows = NULL;
    size_t n = 0;
    json_t *list;
    if (!ck_ui_role_may(r->s->role, "audit")) return ck_ui_fail(r, 403, "not_for_role", "only the patient sees this");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (ck_node_audit_list(r->s->n, patient, 0, 2000, &rows, &n) != 0) return ck_ui_fail_node(r, r->s->n);
    if (!(list = json_array())) {
        free(rows);
        return ck_ui_fail(r, 500, "no_memory", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const ck_node_audit_row *a = &rows[i];
        int btg = !strcasecmp(a->purpose, "BTG") || strstr(a->action, "break") != NULL;
        iso_time((uint64_t)a->time_ms, when);
        snprintf(plain, sizeof plain, "%s %s your record%s%s%s%s", a->actor, verb(a->action),
                 a->target[0] ? " (" : "", a->target, a->target[0] ? ")" : "",
                 btg ? " in an emergency (break-glass)" : "");
        json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b,s:s}", "id", (json_int_t)a->id,
                                              "time", when, "actor", a->actor, "action", a->action, "target",
                                              a->target, "purpose", a->purpose, "outcome", a->outcome, "status",
                                              a->status, "break_glass", btg, "plain", plain));
    }
    free(rows);
    return ck_ui_json(r, 200, json_pack("{s:s,s:o}", "patient", patient, "events", list));
}
