/*
 * src/node/care/rx_dispense.c - dispensing and the prescription list
 * (carekey/node_rx.h).
 *
 * A dispense is checked and written on one verified head: the request must
 * be the patient's, its latest version signed by an active doctor of the
 * directory, active, with a fill left and the quantity within its
 * quantity per fill. The fills counted are the dispenses in the record; a
 * version that says a dispense is void (cancelled, entered-in-error, ...)
 * is believed only when a pharmacist signed it, so nobody else (the
 * patient included) can give a prescription its fills back.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/rx_impl.h"

const char *ck_node_rx_directory_role(ck_node *c, json_t *roles, const char *gid, int *active)
{
    char inactive_key[CK_NET_ID_MAX + 2];
    ck_net_user u;
    snprintf(inactive_key, sizeof inactive_key, "!%s", gid);
    if (!json_object_get(roles, gid)) {
        if (!ck_net_id_valid(gid)) {
            ck_node_fail(c, CK_NODE_E_INTEGRITY, "bad_author", "'%s' is not a valid GID", gid);
            return NULL;
        }
        if (ck_node_net(c) != 0) return NULL;
        if (ck_net_user_get(c->net, gid, &u) != 0) {
            ck_node_fail_net(c, c->net, "looking up the prescriber");
            return NULL;
        }
        if (json_object_set_new(roles, gid, json_string(u.role)) != 0 ||
            (!u.active && json_object_set_new(roles, inactive_key, json_true()) != 0)) {
            ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            return NULL;
        }
    }
    if (active) *active = json_object_get(roles, inactive_key) == NULL;
    return json_string_value(json_object_get(roles, gid));
}

/* The dispenses as counted (see above): a new array, or NULL (error set). */
static json_t *counted_dispenses(ck_node *c, const ck_node_book *b, json_t *roles)
{
    json_t *all = ck_node_book_select(b, CK_NODE_RX_SECTION, "MedicationDispense"), *it;
    size_t i;
    if (!all) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    json_array_foreach(all, i, it) {
        const char *st = ck_node_rx_str(it, "status"), *author = json_string_value(json_object_get(it, "author"));
        const char *role;
        json_t *copy;
        if (!strcmp(st, "completed") || !strcmp(st, "in-progress") || !author) continue;
        if (!(role = ck_node_rx_directory_role(c, roles, author, NULL))) goto fail;
        if (!strcmp(role, "pharmacist")) continue;
        if (!(copy = json_deep_copy(it)) ||
            json_object_set_new(json_object_get(copy, "resource"), "status", json_string("completed")) ||
            json_array_set_new(all, i, copy)) {
            ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            goto fail;
        }
    }
    return all;
fail:
    json_decref(all);
    return NULL;
}

void ck_node_rx_dispense_out_free(ck_node_rx_dispense_out *out)
{
    json_decref(out->resource);
    memset(out, 0, sizeof *out);
}

typedef struct dispense_job {
    ck_node_care_writer *w;
    const ck_node_rx_dispense_in *in;
    ck_care_dispense_params p;
    json_t *roles;
    ck_node_rx_dispense_out *out;
} dispense_job;

/* The prescription's latest version must be signed by an active doctor. */
static int check_prescriber(dispense_job *j, const json_t *req)
{
    ck_node *c = j->w->c;
    const char *author = json_string_value(json_object_get(req, "author")), *role;
    int active = 1;
    if (!author)
        return ck_node_fail(c, CK_NODE_E_REFUSED, "no_author", "prescription %s has no verified author; refusing",
                            j->in->id);
    if (!(role = ck_node_rx_directory_role(c, j->roles, author, &active))) return -1;
    if (strcmp(role, "doctor") != 0)
        return ck_node_fail(c, CK_NODE_E_REFUSED, "not_a_doctor",
                            "prescription %s was written by %s, who is not a doctor in the directory; refusing",
                            j->in->id, author);
    if (!active)
        return ck_node_fail(c, CK_NODE_E_REFUSED, "deactivated_prescriber",
                            "prescription %s was written by %s, who is deactivated in the directory; refusing",
                            j->in->id, author);
    return 0;
}

static int dispense_step(void *arg)
{
    dispense_job *j = arg;
    ck_node *c = j->w->c;
    ck_node_book b;
    const json_t *req;
    json_t *disp = NULL;
    char subject[CK_NET_ID_MAX + 16];
    const char *ref;
    uint32_t used;
    ck_care_error err;
    ck_net_head head;
    int rc = -1;
    if (ck_node_rx_load_request(c, &b, j->in->patient, j->in->id, &req) != 0) goto out;
    snprintf(subject, sizeof subject, "Patient/%s", j->in->patient);
    ref = json_string_value(json_object_get(json_object_get(ck_care_item_resource(req), "subject"), "reference"));
    if (!*ck_node_rx_str(req, "id") || !ref || strcmp(ref, subject) != 0) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "wrong_patient", "prescription %s is not for %s; refusing", j->in->id,
                     j->in->patient);
        goto out;
    }
    if (check_prescriber(j, req) != 0 || !(disp = counted_dispenses(c, &b, j->roles))) goto out;
    if (ck_care_dispense_check(req, disp, j->in->quantity, &j->out->fill, &err) != 0) {
        ck_node_rx_refused(c, &err, 1);
        goto out;
    }
    if (ck_care_dispense_count(req, disp, &used, &j->out->allowed) != 0) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "bad_prescription", "prescription %s cannot be counted", j->in->id);
        goto out;
    }
    j->p.request = req;
    json_decref(j->out->resource);
    j->out->resource = ck_care_dispense_build(&j->p, &err);
    j->p.request = NULL;
    if (!j->out->resource) {
        ck_node_rx_refused(c, &err, 0);
        goto out;
    }
    rc = ck_node_care_put(j->w, j->in->patient, CK_NODE_RX_SECTION, j->out->resource, NULL, &b.head, &head);
    if (rc == 0) j->out->seq = head.seq;
out:
    json_decref(disp);
    ck_node_book_free(&b);
    return rc;
}

int ck_node_rx_dispense(ck_node *n, const ck_node_rx_dispense_in *in, ck_node_rx_dispense_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    dispense_job j;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&j, 0, sizeof j);
    ck_node_care_writer_init(&w, n);
    if (ck_node_rx_dispense_check(in, (int64_t)ck_node_now_ms(), &j.p.when_ms, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_node_keyring(n) != 0 || ck_node_net(n) != 0) goto out;
    if (!(j.roles = json_object())) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    j.w = &w;
    j.in = in;
    j.out = out;
    j.p.pharmacist = ck_node_gid(n);
    j.p.quantity = in->quantity;
    j.p.location = in->location;
    if (ck_node_care_retry(n, dispense_step, &j) != 0) goto out;
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(out->resource, "id")));
    out->record_done = 1;
    if (in->org && ck_node_rx_ledger_copy(&w, in->org, out->resource, &out->ledger_seq) != 0) goto out;
    out->record_done = 0;
    rc = 0;
out:
    if (rc && !out->record_done) {
        json_decref(out->resource);
        out->resource = NULL;
    }
    json_decref(j.roles);
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

/* ---- the list ------------------------------------------------------------------------- */

static const char *drug_text(const json_t *res)
{
    const json_t *cc = json_object_get(res, "medicationCodeableConcept");
    const char *t = json_string_value(json_object_get(cc, "text"));
    return t ? t : json_string_value(json_object_get(json_array_get(json_object_get(cc, "coding"), 0), "display"));
}

static const char *res_str(const json_t *item, const char *key)
{
    return json_string_value(json_object_get(ck_care_item_resource(item), key));
}

static json_t *list_row(const json_t *item, const json_t *dispenses)
{
    const json_t *r = ck_care_item_resource(item), *dr = json_object_get(r, "dispenseRequest");
    const json_t *cc = json_object_get(r, "medicationCodeableConcept");
    const char *rxnorm = json_string_value(json_object_get(json_array_get(json_object_get(cc, "coding"), 0), "code"));
    const char *pres = ck_care_ref_id(json_object_get(r, "requester"), "Practitioner");
    const char *dose = json_string_value(json_object_get(json_array_get(json_object_get(r, "dosageInstruction"), 0), "text"));
    uint32_t used = 0, allowed = 0;
    if (ck_care_dispense_count(r, dispenses, &used, &allowed) != 0) used = allowed = 0;
    return json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:O?,s:s?,s:O?,s:i,s:i,s:s?}", "id", res_str(item, "id"),
                     "status", res_str(item, "status"), "rxnorm", rxnorm, "drug", drug_text(r), "authored",
                     res_str(item, "authoredOn"), "prescriber", pres, "author",
                     json_string_value(json_object_get(item, "author")), "quantity",
                     json_object_get(json_object_get(dr, "quantity"), "value"), "unit",
                     json_string_value(json_object_get(json_object_get(dr, "quantity"), "unit")), "refills",
                     json_object_get(dr, "numberOfRepeatsAllowed"), "fills_used", (int)used, "fills_allowed",
                     (int)allowed, "dose", dose);
}

static int open_row(const json_t *row)
{
    const char *st = json_string_value(json_object_get(row, "status"));
    return st && !strcmp(st, "active") &&
           json_integer_value(json_object_get(row, "fills_used")) < json_integer_value(json_object_get(row, "fills_allowed"));
}

static json_t *prescription_rows(ck_node *c, const ck_node_book *b, int open_only)
{
    json_t *reqs = NULL, *disp = NULL, *roles = NULL, *rows = NULL, *it;
    size_t i;
    if (!(roles = json_object()) || !(reqs = ck_node_book_select(b, CK_NODE_RX_SECTION, "MedicationRequest")))
        goto nomem;
    if (!(disp = counted_dispenses(c, b, roles))) goto fail;
    if (!(rows = json_array())) goto nomem;
    json_array_foreach(reqs, i, it) {
        json_t *row = list_row(it, disp);
        if (!row) goto nomem;
        if (open_only && !open_row(row)) {
            json_decref(row);
            continue;
        }
        if (json_array_append_new(rows, row) != 0) goto nomem;
    }
    goto out;
nomem:
    ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
fail:
    json_decref(rows);
    rows = NULL;
out:
    json_decref(disp);
    json_decref(reqs);
    json_decref(roles);
    return rows;
}

int ck_node_rx_list(ck_node *n, const char *patient, int open_only, ck_node_rows_out *out)
{
    ck_node_book b;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (!patient || !ck_net_id_valid(patient))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "'%s' is not a valid patient GID",
                        patient ? patient : "");
    else if (ck_node_book_load(&b, n, patient, CK_NODE_RX_SECTION) == 0 &&
             (out->rows = prescription_rows(n, &b, open_only)) != NULL) {
        out->withheld = b.withheld;
        rc = 0;
    }
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}
