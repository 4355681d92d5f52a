/*
 * src/node/emergency/events.c - the patient's view of break-glass
 * (carekey/node_emergency.h): the AuditEvents the emergency desk wrote
 * into her record (who, when, why, until when; refused attempts too) and
 * carekeyd's audit rows with purpose of use BTG or ETREAT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/emergency/emergency_impl.h"

#define AUDIT_PAGE 500

void ck_node_emergency_events_out_free(ck_node_emergency_events_out *out)
{
    json_decref(out->events);
    json_decref(out->audit);
    memset(out, 0, sizeof *out);
}

/* A dotted path of object members and array indexes: "agent.0.who.display". */
static const char *str_at(const json_t *v, const char *path)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, ".", &save); t && v; t = strtok_r(NULL, ".", &save))
        v = (*t >= '0' && *t <= '9') ? json_array_get(v, (size_t)atoi(t)) : json_object_get(v, t);
    return json_string_value(v);
}

static int is_btg_event(const json_t *res)
{
    const json_t *p, *cd;
    size_t i, j;
    const char *code = str_at(res, "subtype.0.code");
    if (code && !strcmp(code, CK_NODE_BTG_EVENT_CODE)) return 1;
    json_array_foreach(json_object_get(res, "purposeOfEvent"), i, p) {
        json_array_foreach(json_object_get(p, "coding"), j, cd) {
            const char *c = json_string_value(json_object_get(cd, "code"));
            if (c && !strcmp(c, "BTG")) return 1;
        }
    }
    return 0;
}

/* One event as a row (strings "" when absent). */
static json_t *event_row(const json_t *res, uint64_t seq, const char *author)
{
    const char *who = "?", *name = "", *reason = "", *end = "", *secs = "";
    const json_t *a, *d;
    size_t i;
    const char *outcome = str_at(res, "outcome");
    json_array_foreach(json_object_get(res, "agent"), i, a) {
        if (!json_is_true(json_object_get(a, "requestor"))) continue;
        who = str_at(a, "who.identifier.value") ? str_at(a, "who.identifier.value") : "?";
        name = str_at(a, "who.display") ? str_at(a, "who.display") : "";
    }
    if (str_at(res, "entity.0.what.identifier.value")) {
        json_array_foreach(json_object_get(json_array_get(json_object_get(res, "entity"), 0), "detail"), i, d) {
            const char *t = json_string_value(json_object_get(d, "type"));
            const char *v = json_string_value(json_object_get(d, "valueString"));
            if (!t || !v) continue;
            if (!strcmp(t, "reason")) reason = v;
            else if (!strcmp(t, "window-end")) end = v;
            else if (!strcmp(t, "sections")) secs = v;
        }
    }
    if (!*end && str_at(res, "period.end")) end = str_at(res, "period.end");
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "seq", (json_int_t)seq, "author", author,
                     "recorded", str_at(res, "recorded") ? str_at(res, "recorded") : "?", "physician", who, "name",
                     name, "desk", str_at(res, "source.site") ? str_at(res, "source.site") : "?", "until",
                     *end ? end : "?", "reason", reason, "sections", secs, "refused",
                     outcome && strcmp(outcome, "0") != 0, "outcome",
                     str_at(res, "outcomeDesc") ? str_at(res, "outcomeDesc") : "");
}

/* The break-glass events of the record's audit entries this person opens. */
static int record_events(ck_node *n, ck_node_view *v, json_t *rows)
{
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container ct;
        uint8_t *pl = NULL;
        size_t pl_len = 0, k;
        ck_fhir_sections s;
        json_t *item;
        if (!ck_node_btg_current(v, i, &ct) || strcmp(v->e[i].section, "audit") != 0) continue;
        if (ck_node_view_open(v, i, &pl, &pl_len) != CK_REC_OK) continue;
        memset(&s, 0, sizeof s);
        if (ck_node_btg_add_payload(&s, pl, pl_len) == 0 && s.section[CK_SECTION_AUDIT]) {
            json_array_foreach(s.section[CK_SECTION_AUDIT], k, item) {
                json_t *res = json_object_get(item, "resource");
                if (is_btg_event(res) && json_array_append_new(rows, event_row(res, v->e[i].seq, v->e[i].author)) != 0) {
                    ck_fhir_sections_clear(&s);
                    ck_node_free_secret(pl, pl_len);
                    return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
                }
            }
        }
        ck_fhir_sections_clear(&s);
        ck_node_free_secret(pl, pl_len);
    }
    return 0;
}

/* carekeyd's audit rows with purpose BTG or ETREAT. */
static int server_rows(ck_node *n, const char *patient, json_t *rows)
{
    int64_t after = 0;
    for (;;) {
        ck_net_audit *a = NULL;
        size_t k = 0;
        if (ck_net_audit_list(n->net, patient, after, AUDIT_PAGE, &a, &k) != 0)
            return ck_node_fail_net(n, n->net, "audit log");
        for (size_t i = 0; i < k; i++) {
            char when[32];
            after = a[i].id;
            if (strcmp(a[i].purpose, "BTG") != 0 && strcmp(a[i].purpose, "ETREAT") != 0) continue;
            ck_node_btg_iso(when, (uint64_t)a[i].time_ms);
            if (json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "time", when, "actor", a[i].actor,
                                                      "action", a[i].action, "target", a[i].target, "purpose",
                                                      a[i].purpose, "outcome", a[i].outcome)) != 0) {
                free(a);
                return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
            }
        }
        free(a);
        if (k < AUDIT_PAGE) return 0;
    }
}

int ck_node_emergency_events(ck_node *n, const char *patient, ck_node_emergency_events_out *out)
{
    ck_node_view v;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    if (patient && !ck_net_id_valid(patient)) {
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "'%s' is not a valid GID", patient);
        goto out;
    }
    if (ck_node_net(n) != 0) goto out;
    snprintf(out->patient, sizeof out->patient, "%s", patient ? patient : ck_node_gid(n));
    if (!(out->events = json_array()) || !(out->audit = json_array())) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if (ck_node_btg_view(n, out->patient, &v) != 0 || record_events(n, &v, out->events) != 0 ||
        server_rows(n, out->patient, out->audit) != 0)
        goto out;
    rc = 0;
out:
    if (rc) ck_node_emergency_events_out_free(out);
    ck_node_view_free(&v);
    ck_node_leave(n);
    return rc;
}
