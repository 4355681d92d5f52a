/*
 * src/node/care/theatre.c - operation theatre bookings: the surgery
 * Appointment in the hospital's ledger (section `theatre`) and the
 * patient's Procedure (her section `procedures`, same id). A booking is
 * checked (theatre, surgeon, team, patient free for [start, end)) and
 * written on exactly the ledger head the check read; a clash writes
 * nothing. The Procedure versions are built from the ledger's booking, so
 * an outcome needs no access to the patient's procedures. A booking whose
 * Procedure the patient's record refuses is withdrawn again.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/build.h"
#include "node/care/care_impl.h"

#define MAX_TEAM 32

typedef struct theatre_job {
    ck_node_care_writer *w;
    const ck_node_theatre_in *in;
    const ck_care_theatre_in *ti;            /* book */
    ck_care_theatre_outcome_in oi;           /* outcome */
    const char *org, *policy;
    ck_node_theatre_out *out;
} theatre_job;

static int care_refused(ck_node *c, const ck_care_error *err)
{
    return ck_node_fail(c, CK_NODE_E_REFUSED, err->code[0] ? err->code : "refused", "%s", err->msg);
}

/* Writes the booking's new version on the head the checks were made on,
 * once this person may write both it and the Procedure. */
static int ledger_put(theatre_job *s, const ck_node_book *b, json_t *appt, json_t *proc)
{
    ck_node *c = s->w->c;
    const char *patient = ck_care_appointment_actor(appt, "Patient");
    ck_net_head out;
    int rc;
    if (ck_node_book_writable(b, c, "theatre") != 0 || (patient && ck_node_care_writable(c, patient, "procedures") != 0))
        return -1;
    rc = ck_node_care_put(s->w, s->org, "theatre", appt, s->policy, &b->head, &out);
    if (rc == 0) {
        json_decref(s->out->appointment);
        json_decref(s->out->procedure);
        s->out->appointment = json_incref(appt);
        s->out->procedure = json_incref(proc);
        s->out->seq = out.seq;
    }
    return rc;
}

static int booked(theatre_job *s, const ck_node_book *b, json_t **appt, json_t **proc)
{
    ck_care_error err;
    memset(&err, 0, sizeof err);
    if (ck_care_theatre_check(b->items, s->ti, &err) ||
        ck_care_patient_free(b->items, s->ti->patient, s->ti->start_ms, s->ti->end_ms, s->ti->id, &err) ||
        ck_care_theatre_book(s->ti, proc, appt, &err))
        return ck_node_fail(s->w->c, strstr(err.code, "double_booked") || !strcmp(err.code, "patient_busy")
                                         ? CK_NODE_E_CONFLICT : CK_NODE_E_REFUSED,
                            err.code[0] ? err.code : "refused", "%s", err.msg);
    return 0;
}

/* an outcome, or a cancellation */
static int changed(theatre_job *s, const ck_node_book *b, json_t **appt, json_t **proc)
{
    ck_care_error err;
    const json_t *it = ck_node_book_find(b, "Appointment", s->in->id);
    const char *sec = json_string_value(json_object_get(it, "section"));
    int bad;
    memset(&err, 0, sizeof err);
    if (!it || !sec || strcmp(sec, "theatre"))
        return ck_node_fail(s->w->c, CK_NODE_E_NOT_FOUND, "no_such_booking",
                            "there is no theatre booking Appointment/%s at %s", s->in->id, s->org);
    bad = s->in->action == CK_NODE_THEATRE_CANCEL
              ? ck_care_theatre_cancel(ck_care_item_resource(it), NULL, s->in->reason, appt, proc, &err)
              : ck_care_theatre_outcome(ck_care_item_resource(it), NULL, &s->oi, appt, proc, &err);
    return bad ? care_refused(s->w->c, &err) : 0;
}

/* One ledger step (a booking reads the schedule too: a patient with a
 * consultation then is not free). */
static int ledger_step(void *arg)
{
    theatre_job *s = arg;
    ck_node_book b;
    json_t *proc = NULL, *appt = NULL;
    int book = s->in->action == CK_NODE_THEATRE_BOOK, rc = -1;
    if (ck_node_book_load(&b, s->w->c, s->org, book ? "theatre,schedule" : "theatre") == 0 &&
        (book ? booked(s, &b, &appt, &proc) : changed(s, &b, &appt, &proc)) == 0)
        rc = ledger_put(s, &b, appt, proc);
    json_decref(proc);
    json_decref(appt);
    ck_node_book_free(&b);
    return rc;
}

static int patient_copy(theatre_job *s)
{
    const char *patient = ck_care_appointment_actor(s->out->appointment, "Patient");
    if (!patient || !s->out->procedure)
        return ck_node_fail(s->w->c, CK_NODE_E_REFUSED, "bad_booking", "the booking names no patient");
    return ck_node_care_put(s->w, patient, "procedures", s->out->procedure, NULL, NULL, NULL);
}

static void withdraw_booking(theatre_job *s)
{
    ck_node_error saved = s->w->c->err;
    ck_care_error err;
    json_t *c = ck_care_appointment_transition(s->out->appointment, "cancelled", "not recorded in the patient's record",
                                               &err);
    s->out->withdrawn = c && ck_node_care_put(s->w, s->org, "theatre", c, s->policy, NULL, NULL) == 0 ? 1 : -1;
    json_decref(c);
    s->w->c->err = saved;
}

/* The directory: the theatre, the patient, the surgeon, the team. */
static int directory_checks(ck_node *n, const char *org, const ck_care_theatre_in *ti)
{
    static const char *const doctor[] = {"doctor", NULL}, *const clinician[] = {"doctor", "nurse", NULL};
    if (ck_node_care_check_unit(n, org, "theatre", ti->theatre) != 0 || ck_node_care_check_patient(n, ti->patient) != 0 ||
        ck_node_care_check_person(n, ti->surgeon, doctor, "doctor") != 0)
        return -1;
    for (size_t i = 0; i < ti->n_team; i++)
        if (ck_node_care_check_person(n, ti->team[i].gid, clinician, "doctor or nurse") != 0) return -1;
    return 0;
}

int ck_node_theatre(ck_node *n, const ck_node_theatre_in *in, ck_node_theatre_out *out)
{
    char policy[CK_NET_ID_MAX + 8], buf[4096], id[37];
    ck_care_team_member team[MAX_TEAM];
    ck_care_theatre_in ti;
    ck_node_care_writer w;
    ck_node_error e;
    theatre_job s;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&s, 0, sizeof s);
    ck_node_care_writer_init(&w, n);
    if (ck_node_theatre_check(in, &e) != 0 ||
        (in->action == CK_NODE_THEATRE_BOOK && ck_node_theatre_booking(in, buf, sizeof buf, team, &ti, &e) != 0) ||
        (in->action == CK_NODE_THEATRE_OUTCOME && ck_node_theatre_outcome_of(in, &s.oi, &e) != 0)) {
        n->err = e;
        goto out;
    }
    if (ck_node_care_org(n, in->org, out->org, policy) != 0) goto out;
    if (in->action == CK_NODE_THEATRE_BOOK) {
        if (directory_checks(n, out->org, &ti) != 0) goto out;
        ck_care_new_id(id); /* one id across retries */
        ti.id = id;
        s.ti = &ti;
    }
    s.w = &w;
    s.in = in;
    s.org = out->org;
    s.policy = policy;
    s.out = out;
    if (ck_node_care_retry(n, ledger_step, &s) != 0) goto out;
    if (patient_copy(&s) != 0) {
        out->ledger_done = 1;
        if (in->action == CK_NODE_THEATRE_BOOK) withdraw_booking(&s);
        goto out;
    }
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

void ck_node_theatre_out_free(ck_node_theatre_out *out)
{
    json_decref(out->appointment);
    json_decref(out->procedure);
    memset(out, 0, sizeof *out);
}

int ck_node_theatre_list(ck_node *n, const char *org, const char *theatre, const char *period, ck_node_rows_out *out)
{
    ck_care_period p;
    ck_node_book b;
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&b, 0, sizeof b);
    if (period && ck_care_period_parse(period, &p) != 0)
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_date", "date", "--date: '%s' is not DAY, MONTH or FROM..TO", period);
    else if (theatre && !ck_net_id_valid(theatre))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_theatre", "theatre", "--theatre: '%s' is not a unit name", theatre);
    else if (ck_node_care_org(n, org, out->org, NULL) == 0 && ck_node_book_staff(&b, n, out->org, "theatre") == 0) {
        if (!(out->rows = ck_care_theatre_view(b.items, theatre, period ? &p : NULL)))
            ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        else
            rc = 0;
        out->withheld = b.withheld;
    }
    ck_node_book_free(&b);
    ck_node_leave(n);
    return rc;
}
