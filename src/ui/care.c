/*
 * src/ui/care.c - the clinicians' JSON API (docs/UI.md, "Care and
 * hospital"): "my patients", a patient's encounters, the hospital's units,
 * and the routes of the hospital's pages (the forms: care_forms.c; the
 * clerk's boards: clerk.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_care.h"
#include "carekey/node_directory.h"
#include "carekey/node_grant.h"
#include "carekey/node_self.h"
#include "ui/care.h"

static const char *S(const json_t *v, const char *k) { return json_string_value(json_object_get(v, k)); }

int ck_ui_care_org(ck_ui_req *r, char org[CK_UI_GID_MAX])
{
    ck_node_self self;
    org[0] = 0;
    if (r->s->role == CK_UI_ROLE_ORGANIZATION) { /* the organization's own home: itself */
        snprintf(org, CK_UI_GID_MAX, "%s", r->s->gid);
        return 0;
    }
    if (ck_node_self_get(r->s->n, &self) != 0) return ck_ui_fail_node(r, r->s->n);
    for (size_t i = 0; i < self.n_attrs; i++)
        if (!strncmp(self.attrs[i], "staff@", 6) && ck_ui_gid_ok(self.attrs[i] + 6)) {
            snprintf(org, CK_UI_GID_MAX, "%s", self.attrs[i] + 6);
            return 0;
        }
    return ck_ui_fail(r, 403, "no_hospital", "your keys hold no staff@ORG attribute: you work for no hospital");
}

static const json_t *admission_of(const json_t *census, const char *patient)
{
    size_t i;
    json_t *row;
    json_array_foreach(census, i, row) if (!strcmp(S(row, "patient") ?: "", patient)) return row;
    return NULL;
}

/* Every "reference": "Patient/GID" under v into the set gids (an object). */
static void patient_refs(const json_t *v, json_t *gids)
{
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_array(v)) json_array_foreach((json_t *)v, i, x) patient_refs(x, gids);
    if (!json_is_object(v)) return;
    json_object_foreach((json_t *)v, k, x) {
        const char *ref = json_string_value(x);
        if (!strcmp(k, "reference") && ref && !strncmp(ref, "Patient/", 8) && ck_ui_gid_ok(ref + 8))
            json_object_set_new(gids, ref + 8, json_true());
        else if (json_is_object(x) || json_is_array(x))
            patient_refs(x, gids);
    }
}

/* One patient as the page shows her: consented (an active delegate grant
 * to org in her verified chain), the sections this person was given by
 * the care team, and her bed if she is in. NULL when her record is not
 * open to this person (no such patient, no grant). */
static json_t *patient_row(ck_node *n, const char *gid, const char *org, const json_t *census)
{
    ck_node_grant_info *g = NULL;
    size_t count = 0;
    int problems = 0, consented = 0;
    const char *me = ck_node_gid(n);
    json_t *mine = json_array(), *row = NULL;
    if (!mine || ck_node_grant_list(n, gid, &g, &count, &problems) != 0) goto out;
    for (size_t i = 0; i < count; i++) {
        if (g[i].status != CK_NODE_GRANT_ACTIVE) continue;
        if (g[i].delegate && !strcmp(g[i].grantee, org)) consented = 1;
        if (!strcmp(g[i].grantee, me)) json_array_append_new(mine, json_string(g[i].sections));
    }
    row = json_pack("{s:s,s:b,s:O,s:O?,s:b}", "gid", gid, "consented", consented, "care_team", mine, "admitted",
                    census ? admission_of(census, gid) : NULL, "verified", !problems);
out:
    json_decref(mine);
    free(g);
    return row;
}

int ck_ui_care_patients(ck_ui_req *r)
{
    char org[CK_UI_GID_MAX], look[CK_UI_GID_MAX], ledger_err[CK_NODE_MSG_MAX] = "";
    ck_node_rows_out census;
    ck_node_items_out items;
    json_t *gids = NULL, *list = NULL, *lookup = NULL, *x;
    const char *gid;
    int rc = -1, q;
    if (!ck_ui_role_may(r->s->role, "care/patients")) return ck_ui_fail(r, 403, "not_for_role", "for clinicians");
    if (ck_ui_care_org(r, org) != 0) return -1;
    q = ck_ui_query_get(r->qs, strlen(r->qs), "patient", look, sizeof look);
    if (q == -2 || (q == 0 && !ck_ui_gid_ok(look)))
        return ck_ui_fail(r, 400, "bad_patient", "patient= must name a record (its GID)");
    memset(&census, 0, sizeof census);
    memset(&items, 0, sizeof items);
    /* the server lists patients to their delegates only: the patients of
     * this hospital are those its ledger names, and those looked up */
    if (ck_node_care_items(r->s->n, org, NULL, NULL, &items) != 0) { /* no ledger yet: lookups still work */
        snprintf(ledger_err, sizeof ledger_err, "%s", ck_node_last_error(r->s->n)->msg);
        items.items = NULL;
    }
    if (ck_node_encounter_census(r->s->n, org, &census) != 0) census.rows = NULL; /* no ward board: no bed shown */
    if (!(gids = json_object()) || !(list = json_array())) goto nomem;
    if (items.items) patient_refs(items.items, gids);
    if (q == 0) {
        if (!(lookup = patient_row(r->s->n, look, org, census.rows)))
            lookup = json_pack("{s:s,s:b,s:s}", "gid", look, "consented", 0, "error", ck_node_last_error(r->s->n)->msg);
        else if (json_is_true(json_object_get(lookup, "consented")) && !json_object_get(gids, look))
            json_array_append(list, lookup);
    }
    json_object_foreach(gids, gid, x) {
        json_t *row = patient_row(r->s->n, gid, org, census.rows);
        if (row && json_is_true(json_object_get(row, "consented"))) json_array_append_new(list, row);
        else json_decref(row);
    }
    rc = ck_ui_json(r, 200, json_pack("{s:s,s:O,s:O?,s:s?}", "org", org, "patients", list, "lookup", lookup, "ledger_error",
                                      ledger_err[0] ? ledger_err : NULL));
    goto out;
nomem:
    ck_ui_fail(r, 500, "no_memory", "out of memory");
out:
    json_decref(gids);
    json_decref(list);
    json_decref(lookup);
    ck_node_items_out_free(&items);
    ck_node_rows_out_free(&census);
    return rc;
}

int ck_ui_care_encounters(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX];
    ck_node_rows_out out;
    json_t *v;
    if (!ck_ui_role_may(r->s->role, "care/patients")) return ck_ui_fail(r, 403, "not_for_role", "for clinicians");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    memset(&out, 0, sizeof out);
    if (ck_node_encounter_list(r->s->n, patient, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    v = json_pack("{s:s,s:O,s:I}", "patient", patient, "encounters", out.rows, "withheld", (json_int_t)out.withheld);
    ck_node_rows_out_free(&out);
    return ck_ui_json(r, 200, v);
}

int ck_ui_care_units(ck_ui_req *r)
{
    char org[CK_UI_GID_MAX];
    json_t *units = NULL;
    if (!ck_ui_role_may(r->s->role, "care/patients")) return ck_ui_fail(r, 403, "not_for_role", "for clinicians");
    if (ck_ui_care_org(r, org) != 0) return -1;
    if (ck_node_care_units_list(r->s->n, org, &units) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200, json_pack("{s:s,s:o}", "org", org, "units", units));
}

static int tail_is(const char *path, size_t len, const char *prefix, char *tail, size_t cap)
{
    size_t pl = strlen(prefix);
    if (len <= pl || memcmp(path, prefix, pl) != 0 || len - pl >= cap) return 0;
    memcpy(tail, path + pl, len - pl);
    tail[len - pl] = 0;
    return strspn(tail, "abcdefghijklmnopqrstuvwxyz") == len - pl;
}

int ck_ui_care_route(ck_ui_req *r, const char *path, size_t len)
{
    char tail[32];
    int get = !strcmp(r->method, "GET"), post = !strcmp(r->method, "POST");
    if (tail_is(path, len, "/ui/api/care/", tail, sizeof tail)) {
        if (!strcmp(tail, "patients") || !strcmp(tail, "encounters") || !strcmp(tail, "units")) {
            if (!get) ck_ui_fail(r, 405, "method_not_allowed", "GET only");
            else if (tail[0] == 'p') (void)ck_ui_care_patients(r);
            else if (tail[0] == 'e') (void)ck_ui_care_encounters(r);
            else (void)ck_ui_care_units(r);
        } else if (!ck_ui_form_known(tail)) {
            ck_ui_fail(r, 404, "not_found", "no such API route");
        } else if (!post) {
            ck_ui_fail(r, 405, "method_not_allowed", "POST only");
        } else
            (void)ck_ui_care_form(r, tail);
        return 1;
    }
    if (tail_is(path, len, "/ui/api/clerk/", tail, sizeof tail)) {
        if (!get) ck_ui_fail(r, 405, "method_not_allowed", "GET only");
        else (void)ck_ui_clerk_view(r, tail);
        return 1;
    }
    return 0;
}
