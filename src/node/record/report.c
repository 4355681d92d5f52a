/*
 * src/node/record/report.c - reports of a verified record and the
 * research copy they read (carekey/node_report.h).
 */
#include <stdlib.h>
#include <string.h>

#include "carekey/node_report.h"
#include "node/record/record_impl.h"
#include "node/record/research.h"

/* Adds the sections of one research part to out. */
static int research_part(ck_node_view *v, size_t i, ck_fhir_sections *out)
{
    uint8_t *pt = NULL;
    size_t len = 0;
    json_t *doc, *secs;
    if (ck_node_view_open(v, i, &pt, &len) != CK_REC_OK)
        return ck_node_fail(v->c, CK_NODE_E_INTEGRITY, "research_unreadable", "entry %llu: the research copy does not open",
                            (unsigned long long)v->e[i].seq);
    doc = ck_fhir_json_parse((const char *)pt, len, NULL);
    ck_node_free_secret(pt, len);
    secs = json_object_get(doc, "sections");
    if (!json_is_object(secs) || strcmp(json_string_value(json_object_get(doc, "schema")) ?: "", CK_NODE_RESEARCH_SCHEMA)) {
        json_decref(doc);
        return ck_node_fail(v->c, CK_NODE_E_INTEGRITY, "not_research", "entry %llu: not a research copy",
                            (unsigned long long)v->e[i].seq);
    }
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_t *a = json_object_get(secs, ck_section_name((ck_section)s));
        if (!json_is_array(a)) continue;
        if (!out->section[s] && !(out->section[s] = json_array())) break;
        json_array_extend(out->section[s], a);
    }
    json_decref(doc);
    return 0;
}

/* The latest research copy this reader can open: the parts of the batch of
 * the most recently published research entry (or that entry alone). */
static int research_view(ck_node_view *v, ck_fhir_sections *out, int *found)
{
    size_t best = (size_t)-1;
    *found = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (!v->it[i].data || !v->it[i].latest || strcmp(v->e[i].section, CK_NODE_RESEARCH_SECTION) != 0) continue;
        if (!ck_node_view_readable(v, i)) continue;
        if (best == (size_t)-1 || v->it[i].origin > v->it[best].origin) best = i;
    }
    if (best == (size_t)-1) return 0;
    for (size_t i = 0; i < v->n; i++) {
        int same = i == best || (ck_rec_in_batch(&v->it[best].cont) && v->it[i].data && v->it[i].latest &&
                                 !memcmp(v->it[i].cont.batch.id, v->it[best].cont.batch.id, CK_REC_ID_BYTES));
        if (same && research_part(v, i, out) != 0) return -1;
    }
    /* the copy covers every research section: one without a part holds
     * nothing ("none recorded", not "not shared with you") */
    for (size_t k = 0; k < CK_NODE_RESEARCH_N_SECTIONS; k++)
        if (!out->section[ck_node_research_sections[k]] && !(out->section[ck_node_research_sections[k]] = json_array()))
            return ck_node_fail(v->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    *found = 1;
    return 0;
}

static int report_view(ck_node *c, ck_node_view *v, const char *patient, ck_report_kind kind, ck_node_report_out *out)
{
    ck_fhir_sections secs;
    ck_fhir_error fe;
    size_t withheld = 0, bad = 0;
    int rc;

    memset(&secs, 0, sizeof secs);
    if (ck_node_view_problems(v))
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; no report");
    if (v->vo.n_open_batches) {
        out->left_out = ck_node_view_open_entries(v);
        ck_node_notice(c, CK_NODE_WARNING, "note: an interrupted import (%zu entries, not committed) is left out of "
                       "this report", out->left_out);
    }
    if (kind == CK_REPORT_RESEARCH) {
        if ((rc = research_view(v, &secs, &out->research_found)) != 0) goto out;
        if (!out->research_found)
            ck_node_notice(c, CK_NODE_WARNING, "warning: no research copy of %s's record is shared with you", patient);
    } else {
        if ((rc = ck_node_view_sections(v, &secs, &withheld, &bad)) != 0) goto out;
        if (bad) {
            rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "entries_unreadable", "%zu entries do not open or parse; no report",
                              bad);
            goto out;
        }
    }
    memset(&fe, 0, sizeof fe);
    if (ck_report_build(&out->report, kind, &secs, NULL, &fe) != CK_FHIR_OK) {
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "report_failed", "building the report: %s",
                          fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        goto out;
    }
    rc = ck_node_view_pin(v);
out:
    ck_fhir_sections_clear(&secs);
    return rc;
}

int ck_node_report(ck_node *c, const char *patient, ck_report_kind kind, ck_node_report_out *out)
{
    ck_node_view v;
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    if ((rc = ck_node_view_load(&v, c, patient, 1)) == 0) rc = report_view(c, &v, patient, kind, out);
    ck_node_view_free(&v);
    if (rc != 0) ck_node_report_out_free(out);
    ck_node_leave(c);
    return rc;
}

void ck_node_report_out_free(ck_node_report_out *out)
{
    json_decref(out->report);
    memset(out, 0, sizeof *out);
}
