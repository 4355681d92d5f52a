/*
 * src/ui/report.c - GET /ui/api/report/{personal|professional|research}?patient=P:
 * the report (carekey/report.h, schema carekey-report/1) of what this
 * person's keys open of P's verified record. The research report is built
 * from the de-identified copy the patient published only, never from
 * identified data. A record that does not verify gets no report (502).
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_record.h"
#include "carekey/report.h"
#include "ui/ui_impl.h"

#define RESEARCH_SECTION "research"
#define RESEARCH_SCHEMA "carekey-research/1"

static const ck_section research_sections[] = {
    CK_SECTION_DEMOGRAPHICS, CK_SECTION_ALLERGIES,  CK_SECTION_PROBLEMS,      CK_SECTION_MEDICATIONS,
    CK_SECTION_ENCOUNTERS,   CK_SECTION_PROCEDURES, CK_SECTION_RESULTS,       CK_SECTION_IMMUNIZATIONS,
    CK_SECTION_CAREPLANS,
};

static int is_research(const ck_node_entry_info *e)
{
    return e->kind == CK_NODE_ENTRY_DATA && e->latest && !e->uncommitted && !e->abandoned && e->section &&
           !strcmp(e->section, RESEARCH_SECTION);
}

/* One part of a research copy into out; -1 when it is not one. */
static int research_part(ck_node_record *rec, size_t i, ck_fhir_sections *out)
{
    json_t *doc = NULL, *secs;
    int rc = -1;
    if (ck_node_record_open(rec, i, &doc) != CK_NODE_OPEN_OK) goto out;
    secs = json_object_get(doc, "sections");
    if (!json_is_object(secs) || strcmp(json_string_value(json_object_get(doc, "schema")) ?: "", RESEARCH_SCHEMA))
        goto out;
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_t *a = json_object_get(secs, ck_section_name((ck_section)s));
        if (!json_is_array(a)) continue;
        if (!out->section[s] && !(out->section[s] = json_array())) goto out;
        json_array_extend(out->section[s], a);
    }
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

/* The latest research copy: the readable research entries appended in one
 * run (its parts) ending at the newest one. found 0 when none is shared. */
static int research_view(ck_node_record *rec, ck_fhir_sections *out, int *found)
{
    size_t n = ck_node_record_count(rec), last = (size_t)-1, first;
    ck_node_entry_info e;
    *found = 0;
    for (size_t i = 0; i < n; i++) {
        ck_node_record_entry(rec, i, &e);
        if (is_research(&e) && e.readable) last = i;
    }
    if (last == (size_t)-1) return 0;
    for (first = last; first > 0; first--) {
        ck_node_record_entry(rec, first - 1, &e);
        if (!is_research(&e) || !e.readable) break;
    }
    for (size_t i = first; i <= last; i++)
        if (research_part(rec, i, out) != 0) return -1;
    for (size_t k = 0; k < sizeof research_sections / sizeof *research_sections; k++)
        if (!out->section[research_sections[k]] && !(out->section[research_sections[k]] = json_array())) return -1;
    *found = 1;
    return 0;
}

int ck_ui_report(ck_ui_req *r, const char *kind_name)
{
    static const struct {
        const char *name;
        ck_report_kind kind;
    } kinds[] = {{"personal", CK_REPORT_PERSONAL},
                 {"professional", CK_REPORT_PROFESSIONAL},
                 {"research", CK_REPORT_RESEARCH}};
    char patient[CK_UI_GID_MAX], view[64];
    ck_node_record *rec = NULL;
    ck_node_record_summary sum;
    ck_fhir_sections secs;
    ck_fhir_error fe;
    json_t *rep = NULL;
    size_t withheld = 0, bad = 0, k;
    int rc = -1, found = 1;
    memset(&secs, 0, sizeof secs);
    for (k = 0; k < sizeof kinds / sizeof *kinds && strcmp(kinds[k].name, kind_name); k++) {}
    if (k == sizeof kinds / sizeof *kinds) return ck_ui_fail(r, 404, "not_found", "no such report");
    snprintf(view, sizeof view, "report/%s", kind_name);
    if (!ck_ui_role_may(r->s->role, view))
        return ck_ui_fail(r, 403, "not_for_role", "this report is not for your role");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (ck_node_record_load(r->s->n, patient, 0, &rec) != 0) return ck_ui_fail_node(r, r->s->n);
    ck_node_record_summary_of(rec, &sum);
    if (sum.n_problems || sum.n_more_problems) {
        ck_ui_fail(r, 502, "integrity", "the record does not verify; no report");
        goto out;
    }
    if (kinds[k].kind == CK_REPORT_RESEARCH) {
        if (research_view(rec, &secs, &found) != 0) {
            ck_ui_fail(r, 502, "bad_research_copy", "the research copy does not open");
            goto out;
        }
    } else if (ck_node_record_sections(rec, &secs, &withheld, &bad) != 0) {
        ck_ui_fail_node(r, r->s->n);
        goto out;
    }
    memset(&fe, 0, sizeof fe);
    if (ck_report_build(&rep, kinds[k].kind, &secs, NULL, &fe) != CK_FHIR_OK) {
        ck_ui_fail(r, 500, "report_failed", "the report could not be built");
        goto out;
    }
    json_object_set_new(rep, "patient", json_string(kinds[k].kind == CK_REPORT_RESEARCH ? "" : patient));
    json_object_set_new(rep, "research_copy", json_boolean(found));
    json_object_set_new(rep, "withheld", json_integer((json_int_t)withheld));
    rc = ck_ui_json(r, 200, rep);
    rep = NULL;
out:
    json_decref(rep);
    ck_fhir_sections_clear(&secs);
    ck_node_record_free(rec);
    return rc;
}
