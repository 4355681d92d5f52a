/*
 * src/ui/rx.c - the prescription pages' JSON API over the node
 * (carekey/node_rx.h):
 *   GET  /ui/api/rx/drugs                   the drug table (doctors)
 *   GET  /ui/api/rx/list?patient=P[&open=1] P's prescriptions, fills used/allowed
 *   GET  /ui/api/rx/queue                   the open prescriptions across the records
 *                                           the pharmacist may dispense on
 *   POST /ui/api/rx/write                   {patient, rxnorm, quantity, refills?, dose?, override?}
 *   POST /ui/api/rx/dispense                {patient, id, quantity}
 * The allergy and duplicate checks are the node's: a blocked prescription
 * answers 422 rx_warnings with the warnings, for the form to show them
 * inline and ask for an override reason. Every refusal is the node's
 * reason; the role check here only keeps pages to their people.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_rx.h"
#include "ui/rx_forms.h"

/* 422 rx_warnings with the warnings the checks found. */
static int blocked(ck_ui_req *r, const ck_node_error *e, json_t *warnings)
{
    return ck_ui_json(r, 422, json_pack("{s:{s:s,s:s},s:O}", "error", "code", e->key, "message", e->msg, "warnings",
                                        warnings ? warnings : json_array()));
}

static int write_rx(ck_ui_req *r)
{
    ck_ui_rx_form f;
    ck_node_rx_write_in in;
    ck_node_rx_write_out out;
    int rc;
    if (ck_ui_rx_form_parse(r->body, r->body_len, &f) != 0)
        return ck_ui_fail(r, 400, "bad_form",
                          "the body must be {patient, rxnorm, quantity, refills?, dose?, override?} and nothing else");
    memset(&in, 0, sizeof in);
    in.patient = f.patient;
    in.rxnorm = f.rxnorm;
    in.quantity = f.quantity;
    in.refills = f.refills;
    in.dose = f.has_dose ? f.dose : NULL;
    in.override_reason = f.has_override ? f.override_reason : NULL;
    if (ck_node_rx_write(r->s->n, &in, &out) != 0) {
        const ck_node_error *e = ck_node_last_error(r->s->n);
        rc = !strcmp(e->key, "rx_warnings") ? blocked(r, e, out.warnings) : ck_ui_fail_node(r, r->s->n);
    } else {
        rc = ck_ui_json(r, 201, json_pack("{s:s,s:I,s:s,s:I,s:O,s:b}", "id", out.id, "seq", (json_int_t)out.seq, "org",
                                          out.org, "ledger_seq", (json_int_t)out.ledger_seq, "warnings", out.warnings,
                                          "overridden", f.has_override && json_array_size(out.warnings) > 0));
    }
    ck_node_rx_write_out_free(&out);
    return rc;
}

static int dispense(ck_ui_req *r)
{
    ck_ui_dispense_form f;
    ck_node_rx_dispense_in in;
    ck_node_rx_dispense_out out;
    int rc;
    if (ck_ui_dispense_form_parse(r->body, r->body_len, &f) != 0)
        return ck_ui_fail(r, 400, "bad_form", "the body must be {patient, id, quantity} and nothing else");
    memset(&in, 0, sizeof in);
    in.patient = f.patient;
    in.id = f.id;
    in.quantity = f.quantity;
    if (ck_node_rx_dispense(r->s->n, &in, &out) != 0) rc = ck_ui_fail_node(r, r->s->n);
    else
        rc = ck_ui_json(r, 201, json_pack("{s:s,s:s,s:i,s:i,s:I}", "id", out.id, "request", f.id, "fill", (int)out.fill,
                                          "allowed", (int)out.allowed, "seq", (json_int_t)out.seq));
    ck_node_rx_dispense_out_free(&out);
    return rc;
}

static int list(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX], open[4] = "";
    ck_node_rows_out out;
    int rc;
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (ck_ui_query_get(r->qs, strlen(r->qs), "open", open, sizeof open) == -2)
        return ck_ui_fail(r, 400, "bad_query", "open= takes 1");
    if (ck_node_rx_list(r->s->n, patient, !strcmp(open, "1"), &out) != 0) return ck_ui_fail_node(r, r->s->n);
    rc = ck_ui_json(r, 200, json_pack("{s:s,s:O,s:I,s:b}", "patient", patient, "rows", out.rows, "withheld",
                                      (json_int_t)out.withheld, "can_prescribe", ck_node_rx_can_prescribe(r->s->n)));
    ck_node_rows_out_free(&out);
    return rc;
}

/* A record that could not be read is in errors; the others are listed. */
static int queue(ck_ui_req *r)
{
    ck_node_rx_queue_out out;
    int rc;
    if (ck_node_rx_queue(r->s->n, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    rc = ck_ui_json(r, 200, json_pack("{s:O,s:O,s:I,s:I,s:b}", "rows", out.rows, "errors", out.errors, "records",
                                      (json_int_t)out.records, "withheld", (json_int_t)out.withheld, "truncated",
                                      out.truncated));
    ck_node_rx_queue_out_free(&out);
    return rc;
}

int ck_ui_rx(ck_ui_req *r)
{
    char what[16];
    if (ck_ui_route_tail(r, "/ui/api/rx/", what, sizeof what) != 0) return ck_ui_fail(r, 404, "not_found", "no such API route");
    int get = !strcmp(r->method, "GET"), post = !strcmp(r->method, "POST");
    if (!strcmp(what, "drugs") && get) {
        if (!ck_ui_role_may(r->s->role, "rx/write")) return ck_ui_fail(r, 403, "not_for_role", "for prescribers");
        return ck_ui_json(r, 200, ck_node_rx_drugs());
    }
    if (!strcmp(what, "list") && get) {
        if (!ck_ui_role_may(r->s->role, "rx")) return ck_ui_fail(r, 403, "not_for_role", "for clinicians and pharmacists");
        return list(r);
    }
    if (!strcmp(what, "queue") && get) {
        if (!ck_ui_role_may(r->s->role, "rx/queue")) return ck_ui_fail(r, 403, "not_for_role", "for pharmacists");
        return queue(r);
    }
    if (!strcmp(what, "write") && post) {
        if (!ck_ui_role_may(r->s->role, "rx/write")) return ck_ui_fail(r, 403, "not_for_role", "for prescribers");
        return write_rx(r);
    }
    if (!strcmp(what, "dispense") && post) {
        if (!ck_ui_role_may(r->s->role, "rx/dispense")) return ck_ui_fail(r, 403, "not_for_role", "for pharmacists");
        return dispense(r);
    }
    return ck_ui_fail(r, 404, "not_found", "no such API route");
}
