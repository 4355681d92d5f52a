/*
 * src/node/care/rx.c - prescribing and cancelling (carekey/node_rx.h).
 *
 * rx write reads the patient's allergies and medications, runs the allergy
 * and duplicate checks (src/care) and writes the MedicationRequest on
 * exactly the head it read: a prescription that arrived in between is read
 * and checked again. Entries of those sections this person cannot open are
 * a warning too - the checks are incomplete. Warnings block unless the
 * prescriber overrides them with a reason, which is then recorded in the
 * request. The hospital's ledger gets a copy after the record has it.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/rx_impl.h"

const char *ck_node_rx_str(const json_t *item, const char *key)
{
    const char *s = json_string_value(json_object_get(ck_care_item_resource(item), key));
    return s ? s : "";
}

int ck_node_rx_refused(ck_node *c, const ck_care_error *err, int refusing)
{
    if (!strcmp(err->code, "bad_input")) return ck_node_fail(c, CK_NODE_E_INVALID, "bad_input", "%s", err->msg);
    return ck_node_fail(c, CK_NODE_E_REFUSED, err->code[0] ? err->code : "refused", "%s%s", err->msg,
                        refusing ? "; refusing" : "");
}

int ck_node_rx_load_request(ck_node *c, ck_node_book *b, const char *patient, const char *id, const json_t **req)
{
    if (ck_node_book_load(b, c, patient, CK_NODE_RX_SECTION) != 0) return -1;
    if ((*req = ck_node_book_find(b, "MedicationRequest", id))) return 0;
    return ck_node_fail(c, CK_NODE_E_NOT_FOUND, "no_such_prescription",
                        "no prescription MedicationRequest/%s that you can read in the record of %s", id, patient);
}

int ck_node_rx_ledger_copy(ck_node_care_writer *w, const char *org, const json_t *res, uint64_t *seq)
{
    char policy[CK_NET_ID_MAX + 8];
    ck_net_head h;
    snprintf(policy, sizeof policy, "staff@%s", org);
    if (ck_node_care_put(w, org, CK_NODE_RX_LEDGER, res, policy, NULL, &h) != 0) return -1;
    *seq = h.seq;
    return 0;
}

static int holds_attribute(ck_node *n, const char *label)
{
    const ck_abe_user_key *key = ck_keyring_user_key(ck_node_kr(n));
    for (size_t i = 0; key && i < key->n; i++)
        if (!strcmp(key->attr[i].label, label)) return 1;
    return 0;
}

int ck_node_rx_can_prescribe(ck_node *n)
{
    int yes;
    ck_node_enter(n);
    yes = ck_node_keyring(n) == 0 && holds_attribute(n, CK_NODE_RX_PRESCRIBING_ATTR);
    ck_node_leave(n);
    return yes;
}

json_t *ck_node_rx_drugs(void)
{
    json_t *all = json_array();
    for (size_t i = 0; all && i < ck_care_drug_count(); i++)
        if (json_array_append_new(all, ck_care_drug_json(ck_care_drug_at(i))) != 0) {
            json_decref(all);
            return NULL;
        }
    return all;
}

void ck_node_rx_write_out_free(ck_node_rx_write_out *out)
{
    json_decref(out->warnings);
    json_decref(out->resource);
    memset(out, 0, sizeof *out);
}

/* ---- rx write ------------------------------------------------------------------- */

typedef struct write_job {
    ck_node_care_writer *w;
    const ck_node_rx_write_in *in;
    ck_care_rx_params p;
    ck_node_rx_write_out *out;
} write_job;

/* Entries of the sections read that did not open: the checks are incomplete. */
static int add_unreadable(json_t *warnings, size_t n)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "%zu entries of the allergies and medications sections could not be read; the checks are incomplete", n);
    return json_array_append_new(warnings, json_pack("{s:s,s:s}", "code", "unreadable", "message", msg));
}

/* Reads, checks and writes on the head it read: CK_NODE_CARE_STALE when
 * the record moved (a prescription may have arrived meanwhile). */
static int write_step(void *arg)
{
    write_job *j = arg;
    ck_node *c = j->w->c;
    ck_node_book b;
    json_t *allergies = NULL, *meds = NULL, *warnings = NULL;
    ck_care_error err;
    ck_net_head head;
    size_t nw;
    int rc = -1;
    if (ck_node_book_load(&b, c, j->in->patient, "allergies," CK_NODE_RX_SECTION) != 0) goto out;
    if (!(allergies = ck_node_book_select(&b, "allergies", NULL)) ||
        !(meds = ck_node_book_select(&b, CK_NODE_RX_SECTION, NULL))) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    if (ck_care_rx_check(allergies, meds, j->p.drug, &warnings, &err) != 0 && !warnings) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "check_failed", "checking: %s", err.msg);
        goto out;
    }
    if ((b.withheld || b.bad) && add_unreadable(warnings, b.withheld + b.bad) != 0) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    json_decref(j->out->warnings);
    j->out->warnings = json_incref(warnings);
    nw = json_array_size(warnings);
    if (nw && !j->in->override_reason) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "rx_warnings", "%zu warning%s: not prescribed (an override with a reason prescribes anyway)",
                     nw, nw == 1 ? "" : "s");
        goto out;
    }
    j->p.overrides = warnings;
    j->p.override_reason = j->in->override_reason;
    json_decref(j->out->resource);
    if (!(j->out->resource = ck_care_rx_build(&j->p, &err))) {
        ck_node_rx_refused(c, &err, 0);
        goto out;
    }
    if (ck_node_book_writable(&b, c, CK_NODE_RX_SECTION) != 0 || ck_node_care_writable(c, j->out->org, CK_NODE_RX_LEDGER) != 0)
        goto out;
    rc = ck_node_care_put(j->w, j->in->patient, CK_NODE_RX_SECTION, j->out->resource, NULL, &b.head, &head);
    if (rc == 0) j->out->seq = head.seq;
out:
    j->p.overrides = NULL;
    json_decref(warnings);
    json_decref(allergies);
    json_decref(meds);
    ck_node_book_free(&b);
    return rc;
}

int ck_node_rx_write(ck_node *n, const ck_node_rx_write_in *in, ck_node_rx_write_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    write_job j;
    int64_t at_ms = 0;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&j, 0, sizeof j);
    ck_node_care_writer_init(&w, n);
    if (ck_node_rx_write_check(in, (int64_t)ck_node_now_ms(), &at_ms, NULL, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_node_keyring(n) != 0) goto out;
    if (!holds_attribute(n, CK_NODE_RX_PRESCRIBING_ATTR)) {
        ck_node_fail(n, CK_NODE_E_FORBIDDEN, "not_prescriber", "you do not hold the prescribing attribute %s",
                     CK_NODE_RX_PRESCRIBING_ATTR);
        goto out;
    }
    if (ck_node_care_org(n, in->org, out->org, NULL) != 0 || ck_node_net(n) != 0) goto out;
    j.w = &w;
    j.in = in;
    j.out = out;
    j.p.drug = in->rxnorm ? ck_care_drug_by_rxnorm(in->rxnorm) : ck_care_drug_by_name(in->drug);
    j.p.patient = in->patient;
    j.p.requester = ck_node_gid(n);
    j.p.authored_ms = at_ms;
    j.p.dosage = in->dose;
    j.p.quantity = in->quantity;
    j.p.unit = in->unit;
    j.p.refills = in->refills;
    if (ck_node_care_retry(n, write_step, &j) != 0) goto out;
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(out->resource, "id")));
    out->record_done = 1;
    if (ck_node_rx_ledger_copy(&w, out->org, out->resource, &out->ledger_seq) != 0) goto out;
    out->record_done = 0;
    rc = 0;
out:
    if (rc && !out->record_done) {
        json_decref(out->resource);
        out->resource = NULL;
    }
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

/* ---- rx cancel ------------------------------------------------------------------- */

typedef struct cancel_job {
    ck_node_care_writer *w;
    const ck_node_rx_cancel_in *in;
    int64_t at_ms;
    int is_doctor;
    ck_node_rx_write_out *out;
} cancel_job;

static int cancel_step(void *arg)
{
    cancel_job *j = arg;
    ck_node *c = j->w->c;
    ck_node_book b;
    const json_t *req;
    const char *author;
    ck_care_error err;
    ck_net_head head;
    int rc = -1;
    if (ck_node_rx_load_request(c, &b, j->in->patient, j->in->id, &req) != 0) goto out;
    author = json_string_value(json_object_get(req, "author"));
    if (!j->is_doctor && (!author || strcmp(author, ck_node_gid(c)) != 0)) {
        ck_node_fail(c, CK_NODE_E_FORBIDDEN, "not_yours", "only the prescriber (%s) or a doctor can cancel prescription %s",
                     author ? author : "?", j->in->id);
        goto out;
    }
    json_decref(j->out->resource);
    if (!(j->out->resource = ck_care_rx_cancel(req, ck_node_gid(c), j->in->reason, j->at_ms, &err))) {
        ck_node_rx_refused(c, &err, 0);
        goto out;
    }
    rc = ck_node_care_put(j->w, j->in->patient, CK_NODE_RX_SECTION, j->out->resource, NULL, &b.head, &head);
    if (rc == 0) j->out->seq = head.seq;
out:
    ck_node_book_free(&b);
    return rc;
}

int ck_node_rx_cancel(ck_node *n, const ck_node_rx_cancel_in *in, ck_node_rx_write_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    cancel_job j;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&j, 0, sizeof j);
    ck_node_care_writer_init(&w, n);
    if (ck_node_rx_cancel_check(in, (int64_t)ck_node_now_ms(), &j.at_ms, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_node_keyring(n) != 0) goto out;
    j.is_doctor = holds_attribute(n, CK_NODE_RX_PRESCRIBING_ATTR);
    if (ck_node_care_org(n, in->org, out->org, NULL) != 0 || ck_node_net(n) != 0) goto out;
    j.w = &w;
    j.in = in;
    j.out = out;
    if (ck_node_care_retry(n, cancel_step, &j) != 0) goto out;
    snprintf(out->id, sizeof out->id, "%s", in->id);
    out->record_done = 1;
    if (ck_node_rx_ledger_copy(&w, out->org, out->resource, &out->ledger_seq) != 0) goto out;
    out->record_done = 0;
    rc = 0;
out:
    if (rc && !out->record_done) {
        json_decref(out->resource);
        out->resource = NULL;
    }
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}
