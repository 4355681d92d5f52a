/*
 * src/node/care/encounter.c - admissions, discharges, outpatient and
 * emergency visits, written by the treating staff into the patient's
 * record (section encounters, policy from her sharing profile) and the
 * hospital's ledger (ward or clinic, sealed under staff@ORG) with the same
 * FHIR id; the patient's encounters and the hospital's census.
 *
 * An admission is a checked write: the bed check runs on the verified
 * ledger and the entry is appended only on the head it was made on, so two
 * clerks never give one bed twice. If the patient's record then refuses
 * the admission, the ledger gets a version entered-in-error, which frees
 * the bed again (out->voided). A discharge writes the record first, then
 * the ledger (out->stage says how far it went).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/care/care_impl.h"

#define ENCOUNTER_SECTION "encounters"
#define SUMMARY_SECTION "other"

static const char *jstr(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* A care library refusal as the handle's error: "code: msg". */
static int care_fail(ck_node *c, ck_node_kind kind, const ck_care_error *err)
{
    return ck_node_fail(c, kind, err->code[0] ? err->code : "refused", "%s: %s", err->code, err->msg);
}

/* A failed pure check as the handle's error. */
static int check_fail(ck_node *c, const ck_node_error *e)
{
    c->err = *e;
    return -1;
}

/* What every writing operation starts from: the hospital, its ledger's
 * policy, the connection, the author. */
typedef struct enc_ctx {
    ck_node *c;
    ck_node_care_writer w;
    char org[CK_NET_ID_MAX + 1];
    char policy[CK_NET_ID_MAX + 8];
    char author[CK_NET_ID_MAX + 1];
} enc_ctx;

static int enc_open(enc_ctx *x, ck_node *c, const char *org)
{
    memset(x, 0, sizeof *x);
    x->c = c;
    ck_node_care_writer_init(&x->w, c);
    if (ck_node_care_org(c, org, x->org, x->policy) != 0 || ck_node_net(c) != 0) return -1;
    snprintf(x->author, sizeof x->author, "%s", ck_node_gid(c));
    return 0;
}

static void enc_close(enc_ctx *x) { ck_node_care_writer_free(&x->w); }

/* ===== admit ================================================================ */

typedef struct admit_job {
    enc_ctx *x;
    const json_t *units;
    const char *ward, *patient;
    unsigned bed;
    int64_t at_ms;
    const json_t *enc;
    ck_net_head head;
} admit_job;

static int admit_step(void *arg)
{
    admit_job *j = arg;
    ck_node *c = j->x->c;
    ck_node_book b;
    json_t *items = NULL;
    ck_care_error err;
    int rc;
    memset(&err, 0, sizeof err);
    if ((rc = ck_node_book_ledger(&b, c, j->x->org, "ward", "Encounter", &items)) != 0) goto out;
    if ((rc = ck_node_book_writable(&b, c, "ward")) != 0) goto out;
    if (ck_care_bed_check(items, j->units, j->ward, j->bed, j->at_ms, j->patient, &err) != 0) {
        rc = care_fail(c,
                       !strcmp(err.code, "bed_taken") || !strcmp(err.code, "already_admitted") ? CK_NODE_E_CONFLICT
                                                                                                 : CK_NODE_E_REFUSED,
                       &err);
        goto out;
    }
    rc = ck_node_care_put(&j->x->w, j->x->org, "ward", j->enc, j->x->policy, &b.head, &j->head);
out:
    json_decref(items);
    ck_node_book_free(&b);
    return rc;
}

/* The record refused: the ledger's entry becomes entered-in-error. The
 * record's error stays the operation's. */
static void admit_void(enc_ctx *x, const json_t *enc, ck_node_admit_out *out)
{
    ck_node_error saved = x->c->err;
    ck_care_error err;
    json_t *voided = ck_care_encounter_void(enc, &err);
    out->voided = voided && ck_node_care_put(&x->w, x->org, "ward", voided, x->policy, NULL, NULL) == 0 ? 1 : -1;
    json_decref(voided);
    x->c->err = saved;
}

int ck_node_encounter_admit(ck_node *n, const ck_node_admit_in *in, ck_node_admit_out *out)
{
    ck_care_encounter_in ci;
    ck_care_error err;
    ck_node_error e;
    ck_net_head ph;
    admit_job job;
    json_t *units = NULL, *enc = NULL;
    int64_t at_ms = 0;
    enc_ctx x;
    int rc = -1;

    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&x, 0, sizeof x);
    ck_node_care_writer_init(&x.w, n);
    if (ck_node_admit_check(in, (int64_t)ck_node_now_ms(), &at_ms, &e) != 0) {
        check_fail(n, &e);
        goto out;
    }
    enc_close(&x);
    if (enc_open(&x, n, in->org) != 0 || ck_node_care_units(n, x.org, &units) != 0) goto out;
    snprintf(out->org, sizeof out->org, "%s", x.org);
    ck_care_new_id(out->id);
    memset(&ci, 0, sizeof ci);
    ci.id = out->id;
    ci.patient = in->patient;
    ci.author = x.author;
    ci.org = x.org;
    ci.reason = in->reason;
    ci.reason_code = in->reason_code;
    ci.at_ms = at_ms;
    ci.ward = in->ward;
    ci.bed = in->bed;
    if (!(enc = ck_care_encounter_admit(&ci, &err))) {
        ck_node_fail(n, CK_NODE_E_REFUSED, err.code[0] ? err.code : "refused", "%s", err.msg);
        goto out;
    }
    if (ck_node_care_writable(n, in->patient, ENCOUNTER_SECTION) != 0) goto out;
    /* 1. the ledger: check and claim the bed in one checked write */
    memset(&job, 0, sizeof job);
    job.x = &x;
    job.units = units;
    job.ward = in->ward;
    job.patient = in->patient;
    job.bed = in->bed;
    job.at_ms = at_ms;
    job.enc = enc;
    if (ck_node_care_retry(n, admit_step, &job) != 0) goto out;
    out->ledger_seq = job.head.seq;
    /* 2. the patient's record; on failure give the bed back */
    if (ck_node_care_put(&x.w, in->patient, ENCOUNTER_SECTION, enc, NULL, NULL, &ph) != 0) {
        admit_void(&x, enc, out);
        goto out;
    }
    out->record_seq = ph.seq;
    rc = 0;
out:
    json_decref(enc);
    json_decref(units);
    enc_close(&x);
    ck_node_leave(n);
    return rc;
}

/* ===== discharge =============================================================== */

typedef struct discharge_job {
    enc_ctx *x;
    const char *id;
    const json_t *next;
    ck_node_discharge_out *out;
} discharge_job;

/* The ledger half: only while the admission there is still in progress. */
static int discharge_step(void *arg)
{
    discharge_job *j = arg;
    ck_node *c = j->x->c;
    ck_node_book b;
    json_t *items = NULL;
    const json_t *cur;
    int rc;
    if ((rc = ck_node_book_ledger(&b, c, j->x->org, "ward", "Encounter", &items)) != 0) goto out;
    cur = ck_care_item_resource(ck_care_items_find(items, "Encounter", j->id));
    if (!ck_care_encounter_is_admitted(cur)) {
        snprintf(j->out->ledger_status, sizeof j->out->ledger_status, "%s", cur ? jstr(cur, "status") : "missing");
        ck_node_notice(c, CK_NODE_INFO, "the ledger already shows Encounter/%s as %s", j->id, j->out->ledger_status);
        rc = 0;
        goto out;
    }
    rc = ck_node_care_put(&j->x->w, j->x->org, "ward", j->next, j->x->policy, &b.head, NULL);
out:
    json_decref(items);
    ck_node_book_free(&b);
    return rc;
}

/* The admission to discharge, from the ledger: the one named or the
 * patient's current one (a new reference). */
static int find_admission(enc_ctx *x, const char *patient, const char *id, json_t **out)
{
    ck_node *c = x->c;
    ck_node_book b;
    json_t *items = NULL;
    const json_t *it, *res;
    const char *subj;
    int rc = -1;
    *out = NULL;
    if (ck_node_book_ledger(&b, c, x->org, "ward", "Encounter", &items) != 0) goto out;
    it = id ? ck_care_items_find(items, "Encounter", id) : ck_care_admission_of(items, patient);
    if (!it) {
        if (id) ck_node_fail(c, CK_NODE_E_NOT_FOUND, "no_such_encounter", "no admission Encounter/%s in %s's ledger", id, x->org);
        else ck_node_fail(c, CK_NODE_E_NOT_FOUND, "not_admitted", "not_admitted: %s has no current admission at %s", patient, x->org);
        goto out;
    }
    res = ck_care_item_resource(it);
    subj = ck_care_ref_id(json_object_get(res, "subject"), "Patient");
    if (!subj || strcmp(subj, patient) != 0) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "wrong_patient", "Encounter/%s is not an admission of %s", id, patient);
        goto out;
    }
    if (!ck_care_encounter_is_admitted(res)) {
        ck_node_fail(c, CK_NODE_E_CONFLICT, "not_admitted", "not_admitted: Encounter/%s is %s, not in progress", jstr(res, "id"),
                     jstr(res, "status") ? jstr(res, "status") : "?");
        goto out;
    }
    if (!(*out = json_deep_copy(res))) ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    else rc = 0;
out:
    json_decref(items);
    ck_node_book_free(&b);
    return rc;
}

static int discharge_records(enc_ctx *x, const ck_node_discharge_in *in, const json_t *next, const json_t *doc,
                             ck_node_discharge_out *out)
{
    ck_node *c = x->c;
    discharge_job job;
    if (ck_node_care_writable(c, in->patient, doc ? ENCOUNTER_SECTION "," SUMMARY_SECTION : ENCOUNTER_SECTION) != 0 ||
        ck_node_care_writable(c, x->org, "ward") != 0)
        return -1;
    /* 1. the patient's record: the encounter, then its summary */
    if (ck_node_care_put(&x->w, in->patient, ENCOUNTER_SECTION, next, NULL, NULL, NULL) != 0) return -1;
    out->stage = 1;
    if (doc && ck_node_care_put(&x->w, in->patient, SUMMARY_SECTION, doc, NULL, NULL, NULL) != 0) return -1;
    out->stage = 2;
    /* 2. the ledger (frees the bed) */
    memset(&job, 0, sizeof job);
    job.x = x;
    job.id = out->id;
    job.next = next;
    job.out = out;
    if (ck_node_care_retry(c, discharge_step, &job) != 0) return -1;
    out->stage = 3;
    return 0;
}

int ck_node_encounter_discharge(ck_node *n, const ck_node_discharge_in *in, ck_node_discharge_out *out)
{
    const char *disp = in->disposition ? in->disposition : "home", *w = NULL;
    json_t *prev = NULL, *next = NULL, *doc = NULL;
    ck_care_error err;
    ck_node_error e;
    int64_t at_ms = 0;
    enc_ctx x;
    int rc = -1;

    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&x, 0, sizeof x);
    ck_node_care_writer_init(&x.w, n);
    if (ck_node_discharge_check(in, (int64_t)ck_node_now_ms(), &at_ms, &e) != 0) {
        check_fail(n, &e);
        goto out;
    }
    enc_close(&x);
    if (enc_open(&x, n, in->org) != 0) goto out;
    snprintf(out->org, sizeof out->org, "%s", x.org);
    snprintf(out->disposition, sizeof out->disposition, "%s", disp);
    if (find_admission(&x, in->patient, in->encounter, &prev) != 0) goto out;
    if (!(next = ck_care_encounter_discharge(prev, at_ms, disp, &err))) {
        if (!strcmp(err.code, "bad_input"))
            ck_node_fail_at(n, CK_NODE_E_INVALID, err.code, "at", "%s: %s", err.code, err.msg);
        else
            care_fail(n, CK_NODE_E_REFUSED, &err);
        goto out;
    }
    snprintf(out->id, sizeof out->id, "%s", jstr(next, "id"));
    if (in->summary && !(doc = ck_care_discharge_summary(next, x.author, in->summary, at_ms, &err))) {
        ck_node_fail(n, CK_NODE_E_REFUSED, err.code[0] ? err.code : "refused", "%s", err.msg);
        goto out;
    }
    if (doc) snprintf(out->summary_id, sizeof out->summary_id, "%s", jstr(doc, "id"));
    if (discharge_records(&x, in, next, doc, out) != 0) goto out;
    if (ck_care_encounter_place(next, &w, &out->bed) != 0) w = "?";
    snprintf(out->ward, sizeof out->ward, "%s", w);
    rc = 0;
out:
    json_decref(doc);
    json_decref(next);
    json_decref(prev);
    enc_close(&x);
    ck_node_leave(n);
    return rc;
}

/* ===== outpatient and emergency visits ============================================= */

int ck_node_encounter_visit(ck_node *n, const ck_node_visit_in *in, ck_node_visit_out *out)
{
    json_t *units = NULL, *enc = NULL;
    ck_care_encounter_in ci;
    ck_care_error err;
    ck_node_error e;
    int64_t at_ms = 0;
    enc_ctx x;
    int rc = -1;

    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&x, 0, sizeof x);
    ck_node_care_writer_init(&x.w, n);
    if (ck_node_visit_check(in, (int64_t)ck_node_now_ms(), &at_ms, &e) != 0) {
        check_fail(n, &e);
        goto out;
    }
    enc_close(&x);
    if (enc_open(&x, n, in->org) != 0) goto out;
    snprintf(out->org, sizeof out->org, "%s", x.org);
    if (in->department) {
        if (ck_node_care_units(n, x.org, &units) != 0) goto out;
        if (ck_care_unit_check(units, in->department, "department", &err) != 0) {
            care_fail(n, CK_NODE_E_REFUSED, &err);
            goto out;
        }
    }
    memset(&ci, 0, sizeof ci);
    ci.patient = in->patient;
    ci.author = x.author;
    ci.org = x.org;
    ci.reason = in->reason;
    ci.reason_code = in->reason_code;
    ci.at_ms = at_ms;
    ci.department = in->department;
    if (!(enc = ck_care_encounter_visit(&ci, in->emergency, &err))) {
        ck_node_fail(n, CK_NODE_E_REFUSED, err.code[0] ? err.code : "refused", "%s", err.msg);
        goto out;
    }
    snprintf(out->id, sizeof out->id, "%s", jstr(enc, "id"));
    if (ck_node_care_writable(n, in->patient, ENCOUNTER_SECTION) != 0 || ck_node_care_writable(n, x.org, "clinic") != 0)
        goto out;
    if (ck_node_care_put(&x.w, in->patient, ENCOUNTER_SECTION, enc, NULL, NULL, NULL) != 0) goto out;
    out->record_done = 1;
    if (ck_node_care_put(&x.w, x.org, "clinic", enc, x.policy, NULL, NULL) != 0) goto out;
    rc = 0;
out:
    json_decref(enc);
    json_decref(units);
    enc_close(&x);
    ck_node_leave(n);
    return rc;
}

/* ===== list and census ================================================================ */

void ck_node_rows_out_free(ck_node_rows_out *out)
{
    json_decref(out->rows);
    memset(out, 0, sizeof *out);
}

int ck_node_encounter_list(ck_node *n, const char *patient, ck_node_rows_out *out)
{
    ck_node_book b;
    json_t *items = NULL, *it, *r;
    size_t i;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (!patient || !ck_net_id_valid(patient)) {
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "--patient GID is required");
        goto out;
    }
    if (ck_node_book_load(&b, n, patient, ENCOUNTER_SECTION) != 0) goto out;
    if (!(items = ck_node_book_select(&b, ENCOUNTER_SECTION, "Encounter")) || !(out->rows = json_array())) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    json_array_foreach(items, i, it) if ((r = ck_care_encounter_row(ck_care_item_resource(it))))
        json_array_append_new(out->rows, r);
    out->withheld = b.withheld;
    rc = 0;
out:
    json_decref(items);
    ck_node_book_free(&b);
    if (rc) ck_node_rows_out_free(out);
    ck_node_leave(n);
    return rc;
}

int ck_node_encounter_census(ck_node *n, const char *org, ck_node_rows_out *out)
{
    ck_node_book b;
    json_t *items = NULL;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (ck_node_care_org(n, org, out->org, NULL) != 0 || ck_node_book_ledger(&b, n, out->org, "ward", "Encounter", &items) != 0)
        goto out;
    if (!(out->rows = ck_care_census(items))) ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    else rc = 0;
out:
    json_decref(items);
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}
