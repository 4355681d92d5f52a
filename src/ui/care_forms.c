/*
 * src/ui/care_forms.c - the forms of the hospital's pages (POST
 * /ui/api/care/OP; docs/UI.md, "Care and hospital"): admit, discharge,
 * diagnosis, vitals, note, appointment and its check-in or cancellation,
 * theatre booking and outcome, slots, over the node's care operations
 * (carekey/node_care.h).
 *
 * Every form is sent twice by the pages: first with "check": true, which
 * runs the node's pure checks of the input and writes nothing (the page then
 * shows the person what will be written), then without it to write. A
 * refusal carries the node's stable key and message (bed_taken, slot_taken,
 * ...), never a guess of ours; a two-record step that stopped half-way says
 * what it left behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "carekey/node_care.h"
#include "ui/care.h"

#define VITALS_MAX 32
#define VITAL_LEN 52

static const char *S(const json_t *v, const char *k) { return json_string_value(json_object_get(v, k)); }

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A check the node refused: 400 with its key and message. A missing
 * hospital is no error here: the node takes the session's own. */
static int check_failed(ck_ui_req *r, const ck_node_error *e)
{
    if (!strcmp(e->path, "hospital")) return 0;
    return ck_ui_fail(r, 400, e->key[0] ? e->key : "invalid", e->msg[0] ? e->msg : "the form is not valid");
}

/* The node's refusal, with what a two-record step left behind (note,
 * "" none): the bed, slot or booking the page must not guess about. */
static int refused(ck_ui_req *r, const char *note)
{
    const ck_node_error *e = ck_node_last_error(r->s->n);
    char msg[CK_NODE_MSG_MAX + 256];
    ck_node_error copy;
    if (!note[0]) return ck_ui_fail_node(r, r->s->n);
    copy = *e;
    snprintf(msg, sizeof msg, "%s; %s", e->msg[0] ? e->msg : "the node could not do it", note);
    (void)ck_ui_fail_node(r, r->s->n); /* the status of the kind */
    return ck_ui_fail(r, r->status, copy.key[0] ? copy.key : ck_node_kind_name(copy.kind), msg);
}

/* The answer to a form sent with "check": nothing was written. at_ms
 * (0: none) is the time the node resolved ("now" for an empty field). */
static int checked_at(ck_ui_req *r, const char *op, int64_t at_ms)
{
    char at[32] = "";
    if (at_ms > 0) {
        time_t t = (time_t)(at_ms / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    return ck_ui_json(r, 200, json_pack("{s:b,s:b,s:s,s:s?}", "ok", 1, "check", 1, "op", op, "at", at[0] ? at : NULL));
}

static int checked(ck_ui_req *r, const char *op) { return checked_at(r, op, 0); }

static int written(ck_ui_req *r, const char *op, json_t *extra)
{
    json_t *v = json_pack("{s:b,s:b,s:s}", "ok", 1, "check", 0, "op", op);
    if (v && extra) json_object_update(v, extra);
    json_decref(extra);
    return ck_ui_json(r, 201, v);
}

static int do_admit(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_admit_in in = {NULL, S(f, "patient"), S(f, "ward"), (uint32_t)json_integer_value(json_object_get(f, "bed")),
                           S(f, "reason"), S(f, "reason_code"), S(f, "at")};
    ck_node_admit_out out;
    ck_node_error e;
    int64_t at = 0;
    memset(&e, 0, sizeof e);
    if (ck_node_admit_check(&in, now_ms(), &at, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked_at(r, "admit", at);
    memset(&out, 0, sizeof out);
    if (ck_node_encounter_admit(r->s->n, &in, &out) != 0) {
        char note[200] = "";
        if (out.voided > 0)
            snprintf(note, sizeof note, "the record refused it: Encounter/%s is entered-in-error in the ledger and the "
                     "bed is free", out.id);
        else if (out.voided < 0)
            snprintf(note, sizeof note, "the ledger could not be corrected: Encounter/%s still holds the bed; discharge it",
                     out.id);
        return refused(r, note);
    }
    return written(r, "admit", json_pack("{s:s,s:s,s:s,s:I,s:s,s:I}", "id", out.id, "org", out.org, "ward", in.ward,
                                         "bed", (json_int_t)in.bed, "patient", in.patient,
                                         "ledger_seq", (json_int_t)out.ledger_seq));
}

static int do_discharge(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_discharge_in in = {NULL, S(f, "patient"), S(f, "encounter"), S(f, "summary"), S(f, "disposition"), S(f, "at")};
    ck_node_discharge_out out;
    ck_node_error e;
    int64_t at = 0;
    memset(&e, 0, sizeof e);
    if (ck_node_discharge_check(&in, now_ms(), &at, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked_at(r, "discharge", at);
    memset(&out, 0, sizeof out);
    if (ck_node_encounter_discharge(r->s->n, &in, &out) != 0) {
        char note[200] = "";
        if (out.stage >= 1 && out.id[0])
            snprintf(note, sizeof note, "the record already holds the discharge: send it again naming encounter %s "
                     "to finish", out.id);
        return refused(r, note);
    }
    return written(r, "discharge", json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:i}", "id", out.id, "org", out.org, "ward",
                                             out.ward, "bed", (json_int_t)out.bed, "disposition", out.disposition,
                                             "summary_id", out.summary_id, "stage", out.stage));
}

static int write_reply(ck_ui_req *r, const char *op, ck_node_write_out *out)
{
    json_t *extra = json_pack("{s:s,s:I}", "id", out->id, "seq", (json_int_t)out->seq);
    ck_node_write_out_free(out);
    return written(r, op, extra);
}

static int do_condition(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_condition_add_in in = {S(f, "patient"), S(f, "system"), S(f, "code"), S(f, "display"), S(f, "onset"),
                                   json_is_true(json_object_get(f, "provisional")), 0, S(f, "encounter")};
    ck_node_write_out out;
    ck_node_error e;
    int64_t onset;
    memset(&e, 0, sizeof e);
    if (ck_node_condition_add_check(&in, &onset, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "condition");
    memset(&out, 0, sizeof out);
    if (ck_node_condition_add(r->s->n, &in, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    return write_reply(r, "condition", &out);
}

static int do_vitals(ck_ui_req *r, const json_t *f, int check)
{
    char buf[VITALS_MAX][VITAL_LEN];
    const char *list[VITALS_MAX];
    const char *k;
    json_t *x;
    size_t n = 0;
    ck_node_observe_in in = {S(f, "patient"), S(f, "encounter"), S(f, "at"), list, 0, NULL, NULL, NULL, NULL};
    ck_node_write_out out;
    ck_node_error e;
    int rc = -1;
    json_object_foreach(json_object_get(f, "vitals"), k, x) { /* "hr=72": the parser bounded both */
        if (n == VITALS_MAX) break;
        snprintf(buf[n], VITAL_LEN, "%s=%s", k, json_string_value(x));
        list[n] = buf[n];
        n++;
    }
    in.n_vitals = n;
    memset(&e, 0, sizeof e);
    if (ck_node_observe_check(&in, now_ms(), &e) != 0 && check_failed(r, &e)) goto out;
    if (check) {
        rc = checked(r, "vitals");
        goto out;
    }
    memset(&out, 0, sizeof out);
    if (ck_node_observe(r->s->n, &in, &out) != 0) {
        ck_ui_fail_node(r, r->s->n);
        goto out;
    }
    rc = write_reply(r, "vitals", &out);
out:
    OPENSSL_cleanse(buf, sizeof buf); /* measurements are patient data */
    return rc;
}

static int do_note(ck_ui_req *r, const json_t *f, int check)
{
    const char *text = S(f, "text");
    ck_node_note_in in = {S(f, "patient"), text, strlen(text), S(f, "kind"), S(f, "encounter"), S(f, "at")};
    ck_node_write_out out;
    ck_node_error e;
    memset(&e, 0, sizeof e);
    if (ck_node_note_check(&in, now_ms(), &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "note");
    memset(&out, 0, sizeof out);
    if (ck_node_note_add(r->s->n, &in, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    return write_reply(r, "note", &out);
}

static int do_appointment(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_appointment_in in;
    ck_node_appointment_out out;
    ck_node_error e;
    json_t *extra;
    memset(&in, 0, sizeof in);
    in.action = CK_NODE_APPT_BOOK;
    in.patient = S(f, "patient");
    in.doctor = S(f, "doctor");
    in.at = S(f, "at");
    in.reason = S(f, "reason");
    in.service = S(f, "service");
    memset(&e, 0, sizeof e);
    if (ck_node_appointment_check(&in, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "appointment");
    memset(&out, 0, sizeof out);
    if (ck_node_appointment(r->s->n, &in, &out) != 0) {
        const char *note = out.withdrawn > 0   ? "the booking was withdrawn: the slot is free again"
                           : out.withdrawn < 0 ? "the booking could not be withdrawn from the ledger: cancel it"
                           : out.ledger_done   ? "the ledger holds the booking, but the patient's record could not "
                                                 "be updated"
                                               : "";
        int rc = refused(r, note);
        ck_node_appointment_out_free(&out);
        return rc;
    }
    extra = json_pack("{s:s,s:s,s:I}", "id", S(out.written, "id") ?: "", "org", out.org, "seq", (json_int_t)out.seq);
    ck_node_appointment_out_free(&out);
    return written(r, "appointment", extra);
}

/* Check-in and cancellation of a booked appointment (named by its id). */
static int appointment_change(ck_ui_req *r, const json_t *f, int check, ck_node_appt_action action, const char *op)
{
    ck_node_appointment_in in;
    ck_node_appointment_out out;
    ck_node_error e;
    json_t *extra;
    memset(&in, 0, sizeof in);
    in.action = action;
    in.id = S(f, "id");
    in.reason = S(f, "reason");
    memset(&e, 0, sizeof e);
    if (ck_node_appointment_check(&in, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, op);
    memset(&out, 0, sizeof out);
    if (ck_node_appointment(r->s->n, &in, &out) != 0) {
        int rc = refused(r, out.ledger_done ? "the ledger holds the change, but the patient's record could not be updated"
                                            : "");
        ck_node_appointment_out_free(&out);
        return rc;
    }
    extra = json_pack("{s:s,s:s,s:s,s:I}", "id", in.id, "status", S(out.written, "status") ?: "", "org", out.org, "seq",
                      (json_int_t)out.seq);
    ck_node_appointment_out_free(&out);
    return written(r, op, extra);
}

static int do_checkin(ck_ui_req *r, const json_t *f, int check)
{
    return appointment_change(r, f, check, CK_NODE_APPT_CHECKIN, "checkin");
}

static int do_cancel(ck_ui_req *r, const json_t *f, int check)
{
    return appointment_change(r, f, check, CK_NODE_APPT_CANCEL, "cancel");
}

static int do_theatre(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_theatre_in in;
    ck_node_theatre_out out;
    ck_node_error e;
    json_t *extra;
    memset(&in, 0, sizeof in);
    in.action = CK_NODE_THEATRE_BOOK;
    in.patient = S(f, "patient");
    in.theatre = S(f, "theatre");
    in.surgeon = S(f, "surgeon");
    in.team = S(f, "team");
    in.snomed = S(f, "snomed");
    in.display = S(f, "display");
    in.start = S(f, "start");
    in.end = S(f, "end");
    memset(&e, 0, sizeof e);
    if (ck_node_theatre_check(&in, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "theatre");
    memset(&out, 0, sizeof out);
    if (ck_node_theatre(r->s->n, &in, &out) != 0) {
        const char *note = out.withdrawn > 0   ? "the booking was withdrawn: the theatre is free again"
                           : out.withdrawn < 0 ? "the booking could not be withdrawn from the ledger: cancel it"
                           : out.ledger_done   ? "the ledger holds the booking, but the patient's Procedure could "
                                                 "not be written"
                                               : "";
        int rc = refused(r, note);
        ck_node_theatre_out_free(&out);
        return rc;
    }
    extra = json_pack("{s:s,s:s,s:I}", "id", S(out.appointment, "id") ?: "", "org", out.org, "seq", (json_int_t)out.seq);
    ck_node_theatre_out_free(&out);
    return written(r, "theatre", extra);
}

/* How a booked surgery went: new versions of its Appointment and Procedure. */
static int do_outcome(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_theatre_in in;
    ck_node_theatre_out out;
    ck_node_error e;
    json_t *extra;
    memset(&in, 0, sizeof in);
    in.action = CK_NODE_THEATRE_OUTCOME;
    in.id = S(f, "id");
    in.status = S(f, "status");
    in.outcome = S(f, "outcome");
    in.result = S(f, "result");
    in.start = S(f, "start");
    in.end = S(f, "end");
    memset(&e, 0, sizeof e);
    if (ck_node_theatre_check(&in, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "outcome");
    memset(&out, 0, sizeof out);
    if (ck_node_theatre(r->s->n, &in, &out) != 0) {
        int rc = refused(r, out.ledger_done ? "the ledger holds the outcome, but the patient's Procedure could not be "
                                              "updated"
                                            : "");
        ck_node_theatre_out_free(&out);
        return rc;
    }
    extra = json_pack("{s:s,s:s,s:s,s:I}", "id", in.id, "status", in.status, "org", out.org, "seq", (json_int_t)out.seq);
    ck_node_theatre_out_free(&out);
    return written(r, "outcome", extra);
}

static int do_slots(ck_ui_req *r, const json_t *f, int check)
{
    ck_node_slots_in in = {NULL, S(f, "doctor"), S(f, "date"), S(f, "from"), S(f, "to"), S(f, "every"), S(f, "location")};
    ck_node_slots_out out;
    ck_node_error e;
    int64_t a, b, c;
    memset(&e, 0, sizeof e);
    if (ck_node_slots_check(&in, &a, &b, &c, &e) != 0 && check_failed(r, &e)) return -1;
    if (check) return checked(r, "slots");
    memset(&out, 0, sizeof out);
    if (ck_node_schedule_slots(r->s->n, &in, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    return written(r, "slots", json_pack("{s:s,s:s,s:I,s:b,s:I}", "schedule", out.schedule_id, "org", out.org, "slots",
                                         (json_int_t)out.n_slots, "new_schedule", out.new_schedule, "seq",
                                         (json_int_t)out.seq));
}

int ck_ui_care_form(ck_ui_req *r, const char *op)
{
    static const struct {
        const char *op;
        int (*fn)(ck_ui_req *, const json_t *, int);
    } ops[] = {
        {"admit", do_admit}, {"discharge", do_discharge},     {"condition", do_condition}, {"vitals", do_vitals},
        {"note", do_note},   {"appointment", do_appointment}, {"theatre", do_theatre},     {"slots", do_slots},
        {"checkin", do_checkin}, {"cancel", do_cancel},         {"outcome", do_outcome},
    };
    char view[48];
    const char *why;
    json_t *f = NULL;
    size_t k;
    int rc;
    for (k = 0; k < sizeof ops / sizeof *ops && strcmp(ops[k].op, op); k++) {}
    if (k == sizeof ops / sizeof *ops) return ck_ui_fail(r, 404, "not_found", "no such form");
    snprintf(view, sizeof view, "care/%s", op);
    if (!ck_ui_role_may(r->s->role, view)) return ck_ui_fail(r, 403, "not_for_role", "this form is not for your role");
    if (ck_ui_form_parse(op, r->body, r->body_len, &f, &why) != 0) return ck_ui_fail(r, 400, "bad_form", why);
    if (S(f, "patient") && !ck_ui_gid_ok(S(f, "patient"))) { /* every form but slots names one */
        json_decref(f);
        return ck_ui_fail(r, 400, "bad_patient", "patient must name a record (its GID)");
    }
    rc = ops[k].fn(r, f, json_is_true(json_object_get(f, "check")));
    json_decref(f);
    return rc;
}

