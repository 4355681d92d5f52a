/*
 * src/node/care/condition.c - diagnoses (FHIR Condition) in the patient's
 * record, section problems, written by the clinician under the section's
 * policy from the patient's sharing profile. Updates and resolutions are
 * checked new versions: the Condition is read from the verified record and
 * the new version appended on exactly that head, so two clinicians
 * changing one diagnosis at once never lose each other's change.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

#define SECTION "problems"

void ck_node_write_out_free(ck_node_write_out *out)
{
    json_decref(out->resource);
    memset(out, 0, sizeof *out);
}

void ck_node_items_out_free(ck_node_items_out *out)
{
    json_decref(out->items);
    memset(out, 0, sizeof *out);
}

/* 1 when csv is one or more valid section names, comma-separated. */
static int sections_valid(const char *csv)
{
    char buf[256], *save = NULL;
    int n = 0;
    if (strlen(csv) >= sizeof buf) return 0;
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
        if (!ck_node_valid_section(t)) return 0;
    return n > 0;
}

int ck_node_care_items(ck_node *n, const char *record, const char *sections, const char *type, ck_node_items_out *out)
{
    ck_node_book b;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (!record || !ck_net_id_valid(record))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "--patient GID is required");
    else if (sections && !sections_valid(sections))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_section", "section", "'%s' is not a section", sections);
    else if (ck_node_book_load(&b, n, record, sections) == 0) {
        /* one section: its items; several: every item of the type */
        if (!(out->items = ck_node_book_select(&b, sections && !strchr(sections, ',') ? sections : NULL, type)))
            ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        else
            rc = 0;
        out->withheld = b.withheld;
    }
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}

/* A care library refusal: bad input is the caller's (INVALID, exit 2 in
 * the CLI), anything else a refused step. */
static int refused(ck_node *c, const ck_care_error *err)
{
    if (!strcmp(err->code, "bad_input")) return ck_node_fail(c, CK_NODE_E_INVALID, "bad_input", "%s", err->msg);
    return ck_node_fail(c, CK_NODE_E_REFUSED, err->code[0] ? err->code : "refused", "%s: %s", err->code, err->msg);
}

/* An --encounter must be one of the patient's (that this person reads). */
int ck_node_care_encounter_known(ck_node *c, const char *patient, const char *encounter)
{
    ck_node_book b;
    int rc = 0;
    if (!encounter) return 0;
    if (ck_node_book_load(&b, c, patient, "encounters") != 0) rc = -1;
    else if (!ck_node_book_find(&b, "Encounter", encounter))
        rc = ck_node_fail(c, CK_NODE_E_NOT_FOUND, "no_such_encounter", "no Encounter/%s in %s's record that you may read",
                          encounter, patient);
    ck_node_book_free(&b);
    return rc;
}

static ck_care_code_system system_of(const char *s)
{
    return !strcmp(s, "snomed") ? CK_CARE_CODE_SNOMED : !strcmp(s, "icd10") ? CK_CARE_CODE_ICD10 : CK_CARE_CODE_TEXT;
}

int ck_node_condition_add(ck_node *n, const ck_node_condition_add_in *in, ck_node_write_out *out)
{
    ck_care_condition_in ci;
    ck_care_error err;
    ck_node_error e;
    ck_node_care_writer w;
    ck_net_head head;
    int64_t onset_ms = 0;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    ck_node_care_writer_init(&w, n);
    if (ck_node_condition_add_check(in, &onset_ms, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_node_net(n) != 0 || ck_node_care_encounter_known(n, in->patient, in->encounter) != 0) goto out;
    memset(&ci, 0, sizeof ci);
    ci.patient = in->patient;
    ci.recorder = ck_node_gid(n);
    ci.system = system_of(in->system);
    ci.code = in->code;
    ci.display = in->display;
    ci.provisional = in->provisional;
    ci.problem_list = in->problem_list;
    ci.has_onset = in->onset != NULL;
    ci.onset_ms = onset_ms;
    ci.recorded_ms = (int64_t)ck_node_now_ms();
    ci.encounter = in->encounter;
    if (!(out->resource = ck_care_condition_new(&ci, &err))) {
        refused(n, &err);
        goto out;
    }
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(out->resource, "id")));
    if (ck_node_care_put(&w, in->patient, SECTION, out->resource, NULL, NULL, &head) != 0) goto out;
    out->seq = head.seq;
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

typedef struct change_job {
    ck_node_care_writer *w;
    const ck_node_condition_change_in *in;
    int64_t at_ms;
    ck_node_write_out *out;
} change_job;

static int change_step(void *arg)
{
    change_job *j = arg;
    ck_node *c = j->w->c;
    ck_node_book b;
    const json_t *it;
    ck_care_condition_change ch;
    ck_care_error err;
    ck_net_head head;
    int rc = -1;
    json_decref(j->out->resource);
    j->out->resource = NULL;
    if (ck_node_book_load(&b, c, j->in->patient, SECTION) != 0) goto out;
    if (!(it = ck_node_book_find(&b, "Condition", j->in->id))) {
        ck_node_fail(c, CK_NODE_E_NOT_FOUND, "no_such_condition", "no Condition/%s in %s's record that you may read",
                     j->in->id, j->in->patient);
        goto out;
    }
    memset(&ch, 0, sizeof ch);
    ch.verification = j->in->verification;
    ch.severity = j->in->severity;
    ch.note = j->in->note;
    ch.author = ck_node_gid(c);
    ch.at_ms = j->at_ms;
    j->out->resource = j->in->resolve ? ck_care_condition_resolve(ck_care_item_resource(it), j->at_ms, &err)
                                      : ck_care_condition_update(ck_care_item_resource(it), &ch, &err);
    if (!j->out->resource) {
        refused(c, &err);
        goto out;
    }
    rc = ck_node_care_put(j->w, j->in->patient, SECTION, j->out->resource, NULL, &b.head, &head);
    if (rc == 0) j->out->seq = head.seq;
out:
    ck_node_book_free(&b);
    return rc;
}

int ck_node_condition_change(ck_node *n, const ck_node_condition_change_in *in, ck_node_write_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    change_job j;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    ck_node_care_writer_init(&w, n);
    memset(&j, 0, sizeof j);
    if (ck_node_condition_change_check(in, &e) != 0) {
        n->err = e;
        goto out;
    }
    j.w = &w;
    j.in = in;
    j.out = out;
    j.at_ms = (int64_t)ck_node_now_ms();
    if (in->at && ck_care_time_parse(in->at, &j.at_ms) != 0) goto out; /* checked above */
    if (ck_node_net(n) != 0 || ck_node_care_retry(n, change_step, &j) != 0) goto out;
    snprintf(out->id, sizeof out->id, "%s", in->id);
    rc = 0;
out:
    if (rc) {
        json_decref(out->resource);
        out->resource = NULL;
    }
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}
