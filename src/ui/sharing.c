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
#include "carekey/node_grant.h"
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

/* Who may fetch the record (read grants), each in plain words; null when
 * the server cannot say (the page shows the chain's grants anyway). */
static json_t *readers_json(ck_node *n, const char *patient)
{
    ck_node_reader *rd = NULL;
    size_t count = 0;
    char until[32], plain[512];
    json_t *a;
    if (ck_node_grant_readers(n, patient, &rd, &count) != 0 || !(a = json_array())) {
        free(rd);
        return json_null();
    }
    for (size_t i = 0; i < count; i++) {
        if (rd[i].expires_ms) iso_time(rd[i].expires_ms, until);
        snprintf(plain, sizeof plain, "%s can fetch your record and read the sections her keys open%s%s", rd[i].grantee,
                 rd[i].expires_ms ? " until " : "", rd[i].expires_ms ? until : "");
        json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s?,s:s}", "id", (json_int_t)rd[i].id, "grantee", rd[i].grantee,
                                           "by", rd[i].by, "until", rd[i].expires_ms ? until : NULL, "plain", plain));
    }
    free(rd);
    return a;
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
    json_object_set_new(out, "readers", readers_json(r->s->n, patient));
    json_object_set_new(out, "family", ck_ui_family_json(r->s->n, patient));
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

/* ---- changing it: POST /ui/api/sharing/change ------------------------------------------ */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* "allergies,problems" -> "allergies and problems" (every section: "all of your record"). */
static void sections_words(const char *csv, char *out, size_t cap)
{
    char buf[512], *tok[32], *save = NULL;
    size_t n = 0, used = 0;
    if (!strcmp(csv, "*")) {
        snprintf(out, cap, "every section of your record");
        return;
    }
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save)) tok[n++] = t;
    out[0] = 0;
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i == 0 ? "your " : i + 1 == n ? " and " : ", ", tok[i]);
}

/* What the change will do, in the words the page shows before it is saved. */
static void change_words(const ck_ui_share *c, uint64_t expires_ms, char *out, size_t cap)
{
    char until[48] = "", what[400];
    if (expires_ms) {
        iso_time(expires_ms, until + 7);
        memcpy(until, " until ", 7);
    }
    if (c->revoke) {
        snprintf(out, cap, "%s will no longer be able to fetch or add to your record: every grant you gave %s is "
                           "taken back now.", c->grantee, c->grantee);
    } else if (c->read) {
        snprintf(out, cap, "%s will be able to fetch your record%s and read the sections her own keys open (what "
                           "your sharing rules give her role); she cannot change anything.", c->grantee, until);
    } else {
        sections_words(c->sections, what, sizeof what);
        snprintf(out, cap, "%s will be able to add to %s%s%s.", c->grantee, what,
                 c->delegate ? " and to grant or take back access on your behalf" : "", until);
    }
}

static int apply_change(ck_ui_req *r, const char *patient, const ck_ui_share *c, uint64_t expires_ms, json_t *said)
{
    ck_node_grant_in in = {patient, c->grantee, c->read ? NULL : c->sections, c->delegate, c->read, expires_ms};
    int rc;
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = c->revoke ? ck_node_grant_revoke_to(r->s->n, patient, c->grantee, NULL) : ck_node_grant(r->s->n, &in);
    ck_node_set_notice(r->s->n, NULL, NULL);
    return rc;
}

int ck_ui_sharing_change(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX], why[256], plain[1024];
    ck_ui_share c;
    uint64_t expires_ms = 0;
    json_t *said;
    if (!ck_ui_role_may(r->s->role, "sharing/change"))
        return ck_ui_fail(r, 403, "not_for_role", "only the patient changes who can see her record");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (strcmp(patient, r->s->patient) != 0)
        return ck_ui_fail(r, 403, "not_your_record", "you change the sharing of your own record only");
    if (ck_ui_share_parse(r->body, r->body_len, &c, why, sizeof why) != 0) return ck_ui_fail(r, 400, "bad_change", why);
    if (c.hospitals) return ck_ui_sharing_hospitals(r, patient, &c);
    if (!strcmp(c.grantee, patient)) return ck_ui_fail(r, 400, "bad_change", "this is you: you always have your record");
    if (c.family) return ck_ui_sharing_family(r, patient, &c);
    /* a family member: her family key goes too (a new epoch) */
    if (c.revoke && ck_ui_family_holds(r->s->n, patient, c.grantee)) return ck_ui_sharing_family_end(r, patient, &c);
    if (c.expires[0] && ck_node_expires_parse(c.expires, now_ms(), &expires_ms) != 0)
        return ck_ui_fail(r, 400, "bad_expires",
                          "expires must be a time in the future: 30d, 12h, 45m, 2027-01-31 or 2027-01-31T10:00:00Z");
    change_words(&c, expires_ms, plain, sizeof plain);
    if (!c.confirm) return ck_ui_json(r, 200, json_pack("{s:b,s:s}", "applied", 0, "plain", plain));
    if (!(said = json_array())) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    if (apply_change(r, patient, &c, expires_ms, said) != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 200, json_pack("{s:b,s:s,s:o}", "applied", 1, "plain", plain, "notices", said));
}
