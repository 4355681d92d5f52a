/*
 * src/node/care/appointment.c - booking a doctor's slot (ledger section
 * `schedule`) and the patient's copy of the Appointment (her section
 * `appointments`, same id). Every change is checked on the ledger and
 * written on exactly the head the check was made on, then copied into the
 * patient's record. A booking whose copy cannot be written is cancelled
 * again in the ledger, so no slot stays taken by an appointment the
 * patient never got (out->withdrawn).
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

typedef struct appt_job {
    ck_node_care_writer *w;
    const ck_node_appointment_in *in;
    const char *org, *policy;
    int64_t at;
    ck_node_appointment_out *out;
} appt_job;

static int care_refused(ck_node *c, const ck_care_error *err)
{
    return ck_node_fail(c, CK_NODE_E_REFUSED, err->code[0] ? err->code : "refused", "%s", err->msg);
}

/* Writes res to the ledger on the head the checks were made on, once this
 * person may write both the ledger and the patient's copy. */
static int ledger_put(appt_job *s, const ck_node_book *b, json_t *res)
{
    ck_node *c = s->w->c;
    const char *patient = ck_care_appointment_actor(res, "Patient");
    ck_net_head out;
    int rc;
    if (ck_node_book_writable(b, c, "schedule") != 0 || (patient && ck_node_care_writable(c, patient, "appointments") != 0))
        return -1;
    rc = ck_node_care_put(s->w, s->org, "schedule", res, s->policy, &b->head, &out);
    if (rc == 0) {
        json_decref(s->out->written);
        s->out->written = json_incref(res);
        s->out->seq = out.seq;
    }
    return rc;
}

/* The location of a slot's schedule, or NULL. */
static const char *slot_location(const json_t *items, const json_t *slot_item)
{
    const char *sid = ck_care_ref_id(json_object_get(ck_care_item_resource(slot_item), "schedule"), "Schedule");
    const json_t *sched = sid ? ck_care_items_find(items, "Schedule", sid) : NULL;
    const json_t *a;
    size_t i;
    json_array_foreach(json_object_get(ck_care_item_resource(sched), "actor"), i, a) {
        const char *loc = ck_care_ref_id(a, "Location");
        if (loc) return loc;
    }
    return NULL;
}

static json_t *booked(appt_job *s, const ck_node_book *b)
{
    ck_node *c = s->w->c;
    ck_care_error err;
    ck_care_appointment_in in;
    const json_t *slot;
    int64_t start, end;
    json_t *appt;
    memset(&err, 0, sizeof err);
    if (!(slot = ck_care_slot_pick(b->items, s->in->doctor, s->in->slot, s->at, NULL, &err)) ||
        ck_care_appointment_times(ck_care_item_resource(slot), &start, &end) ||
        ck_care_patient_free(b->items, s->in->patient, start, end, NULL, &err)) {
        care_refused(c, &err);
        return NULL;
    }
    memset(&in, 0, sizeof in);
    in.patient = s->in->patient;
    in.practitioner = s->in->doctor;
    in.slot = slot;
    in.location = slot_location(b->items, slot);
    in.reason = s->in->reason;
    in.service_type = s->in->service;
    in.created_ms = (int64_t)ck_node_now_ms();
    if (!(appt = ck_care_appointment_new(&in, &err))) care_refused(c, &err);
    return appt;
}

/* The latest non-surgery Appointment/<id> of the ledger, or NULL (failed). */
static const json_t *find_appointment(appt_job *s, const ck_node_book *b)
{
    const json_t *it = ck_node_book_find(b, "Appointment", s->in->id);
    const char *sec = json_string_value(json_object_get(it, "section"));
    if (it && sec && !strcmp(sec, "schedule")) return it;
    ck_node_fail(s->w->c, CK_NODE_E_NOT_FOUND, "no_such_appointment", "there is no Appointment/%s in the schedule of %s",
                 s->in->id, s->org);
    return NULL;
}

static json_t *rescheduled(appt_job *s, const ck_node_book *b)
{
    ck_node *c = s->w->c;
    ck_care_error err;
    const json_t *it, *slot, *cur;
    const char *doctor, *patient, *old;
    int64_t start, end;
    json_t *appt;
    memset(&err, 0, sizeof err);
    if (!(it = find_appointment(s, b))) return NULL;
    cur = ck_care_item_resource(it);
    doctor = ck_care_appointment_actor(cur, "Practitioner");
    patient = ck_care_appointment_actor(cur, "Patient");
    old = ck_care_ref_id(json_array_get(json_object_get(cur, "slot"), 0), "Slot");
    snprintf(s->out->old_slot, sizeof s->out->old_slot, "%s", old ? old : "");
    if (!doctor || !patient) {
        ck_node_fail(c, CK_NODE_E_REFUSED, "bad_appointment", "Appointment/%s names no doctor or patient", s->in->id);
        return NULL;
    }
    if (!(slot = ck_care_slot_pick(b->items, doctor, s->in->slot, s->at, s->in->id, &err)) ||
        ck_care_appointment_times(ck_care_item_resource(slot), &start, &end) ||
        ck_care_patient_free(b->items, patient, start, end, s->in->id, &err) ||
        !(appt = ck_care_appointment_reschedule(cur, slot, &err))) {
        care_refused(c, &err);
        return NULL;
    }
    if (old && !strcmp(old, json_string_value(json_object_get(slot, "id")))) {
        ck_node_fail(c, CK_NODE_E_CONFLICT, "same_slot", "Appointment/%s is already on Slot/%s", s->in->id, old);
        json_decref(appt);
        return NULL;
    }
    return appt;
}

/* cancelled or checked-in */
static json_t *transitioned(appt_job *s, const ck_node_book *b)
{
    ck_care_error err;
    const char *to = s->in->action == CK_NODE_APPT_CANCEL ? "cancelled" : "checked-in";
    const json_t *it = find_appointment(s, b);
    json_t *appt;
    memset(&err, 0, sizeof err);
    appt = it ? ck_care_appointment_transition(ck_care_item_resource(it), to, s->in->reason, &err) : NULL;
    if (it && !appt) care_refused(s->w->c, &err);
    return appt;
}

/* One ledger step: the sections the check reads (theatre too for a
 * booking: a patient in surgery is not free for a consultation), the
 * appointment's new version, written on the head it was built on. */
static int ledger_step(void *arg)
{
    appt_job *s = arg;
    ck_node_book b;
    json_t *appt = NULL;
    const char *sections = s->in->action == CK_NODE_APPT_BOOK || s->in->action == CK_NODE_APPT_RESCHEDULE
                               ? "schedule,theatre" : "schedule";
    int rc = -1;
    if (ck_node_book_load(&b, s->w->c, s->org, sections) == 0) {
        appt = s->in->action == CK_NODE_APPT_BOOK ? booked(s, &b)
             : s->in->action == CK_NODE_APPT_RESCHEDULE ? rescheduled(s, &b) : transitioned(s, &b);
        if (appt) rc = ledger_put(s, &b, appt);
    }
    json_decref(appt);
    ck_node_book_free(&b);
    return rc;
}

/* The patient's copy of what the ledger now holds. */
static int patient_copy(appt_job *s)
{
    const char *patient = ck_care_appointment_actor(s->out->written, "Patient");
    if (!patient) return ck_node_fail(s->w->c, CK_NODE_E_REFUSED, "bad_appointment", "the appointment names no patient");
    return ck_node_care_put(s->w, patient, "appointments", s->out->written, NULL, NULL, NULL);
}

/* A booking the patient's record refused is withdrawn from the ledger
 * (the record's error stays the operation's). */
static void withdraw_booking(appt_job *s)
{
    ck_node_error saved = s->w->c->err;
    ck_care_error err;
    json_t *c = ck_care_appointment_transition(s->out->written, "cancelled", "not recorded in the patient's record", &err);
    s->out->withdrawn = c && ck_node_care_put(s->w, s->org, "schedule", c, s->policy, NULL, NULL) == 0 ? 1 : -1;
    json_decref(c);
    s->w->c->err = saved;
}

int ck_node_appointment(ck_node *n, const ck_node_appointment_in *in, ck_node_appointment_out *out)
{
    char policy[CK_NET_ID_MAX + 8];
    ck_node_care_writer w;
    ck_node_error e;
    appt_job s;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    ck_node_care_writer_init(&w, n);
    if (ck_node_appointment_check(in, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (in->at && ck_care_time_parse(in->at, &s.at) != 0) goto out; /* checked above */
    if (ck_node_care_org(n, in->org, out->org, policy) != 0) goto out;
    if (in->action == CK_NODE_APPT_BOOK && ck_node_care_check_patient(n, in->patient) != 0) goto out;
    s.w = &w;
    s.in = in;
    s.org = out->org;
    s.policy = policy;
    s.out = out;
    if (ck_node_care_retry(n, ledger_step, &s) != 0) goto out;
    if (patient_copy(&s) != 0) {
        out->ledger_done = 1;
        if (in->action == CK_NODE_APPT_BOOK) withdraw_booking(&s);
        goto out;
    }
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

void ck_node_appointment_out_free(ck_node_appointment_out *out)
{
    json_decref(out->written);
    memset(out, 0, sizeof *out);
}

int ck_node_appointment_list(ck_node *n, const char *patient, ck_node_rows_out *out)
{
    ck_node_book b;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (!patient || !ck_net_id_valid(patient))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_patient", "patient", "--patient: '%s' is not a GID", patient ? patient : "");
    else if (ck_node_book_load(&b, n, patient, "appointments") == 0) {
        if (!(out->rows = ck_care_appointments_view(b.items, NULL))) ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        else rc = 0;
        out->withheld = b.withheld;
    }
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}
