/*
 * care_theatre.c - operation theatre bookings (docs/CARE.md): the
 * patient's Procedure, the ledger's surgery Appointment, double-booking
 * detection and the outcome.
 *
 * A booking holds its theatre, its surgeon and every team member for the
 * half-open interval [start, end): a booking ending at 11:00 and one
 * starting at 11:00 do not clash. Cancelled (and noshow, entered-in-error)
 * bookings hold nothing; fulfilled ones still do, so a booking cannot be
 * slipped into a time that has already been used.
 */
#include "care/care_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNOMED "http://snomed.info/sct"
#define PARTICIPATION "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
#define MAX_TEXT 1000   /* free text we store: reasons, outcomes, displays */

static const char *res_str(const json_t *res, const char *key) { return json_string_value(json_object_get(res, key)); }
static const char *item_id(const json_t *it) { return json_string_value(json_object_get(it, "id")); }

int ck_care_is_theatre_booking(const json_t *appt)
{
    size_t i, k;
    const json_t *cat, *c;
    const char *t = res_str(appt, "resourceType");
    if (!t || strcmp(t, "Appointment")) return 0;
    json_array_foreach(json_object_get(appt, "serviceCategory"), i, cat)
        json_array_foreach(json_object_get(cat, "coding"), k, c) {
            const char *sys = res_str(c, "system"), *code = res_str(c, "code");
            if (sys && code && !strcmp(sys, CK_CARE_SURGERY_SYSTEM) && !strcmp(code, CK_CARE_SURGERY_CODE)) return 1;
        }
    return 0;
}

/* ---- double booking ---------------------------------------------------- */

static int check_input(const ck_care_theatre_in *in, ck_care_error *err)
{
    if (!in || !ck_care_valid_dir_name(in->patient) || !ck_care_valid_dir_name(in->theatre) ||
        !ck_care_valid_dir_name(in->surgeon)) {
        ck_care_fail(err, "bad_input", "invalid patient, theatre or surgeon name");
        return -1;
    }
    if (in->id && !ck_care_valid_fhir_id(in->id)) {
        ck_care_fail(err, "bad_input", "invalid booking id");
        return -1;
    }
    if (in->end_ms <= in->start_ms) {
        ck_care_fail(err, "bad_input", "the booking ends before it starts");
        return -1;
    }
    if (in->n_team > 32 || (in->n_team && !in->team)) {
        ck_care_fail(err, "bad_input", "at most 32 team members");
        return -1;
    }
    for (size_t i = 0; i < in->n_team; i++) {
        const ck_care_team_member *m = &in->team[i];
        if (!ck_care_valid_dir_name(m->gid) || (m->function && !ck_care_valid_text(m->function, 64))) {
            ck_care_fail(err, "bad_input", "invalid team member name or function");
            return -1;
        }
        if (!strcmp(m->gid, in->surgeon) || !strcmp(m->gid, in->patient)) {
            ck_care_fail(err, "bad_input", "team member %s is also the surgeon or the patient", m->gid);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(in->team[k].gid, m->gid)) {
                ck_care_fail(err, "bad_input", "team member %s is listed twice", m->gid);
                return -1;
            }
    }
    if (!strcmp(in->surgeon, in->patient)) {
        ck_care_fail(err, "bad_input", "the surgeon cannot be the patient");
        return -1;
    }
    return 0;
}

/* Whether a participant of appt is the actor type/id. */
static int names_actor(const json_t *appt, const char *type, const char *id)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const char *actor = ck_care_ref_id(json_object_get(p, "actor"), type);
        if (actor && !strcmp(actor, id)) return 1;
    }
    return 0;
}

/* The first other blocking theatre booking overlapping [start, end) that
 * holds theatre (when theatre is set) or practitioner gid. */
static const json_t *clash(const json_t *items, const ck_care_theatre_in *in, const char *theatre, const char *gid,
                           int64_t *cs, int64_t *ce)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *t = json_string_value(json_object_get(it, "type"));
        if (!t || strcmp(t, "Appointment") || !item_id(it) || !ck_care_is_theatre_booking(res)) continue;
        if (!ck_care_appointment_blocking(res_str(res, "status"))) continue;
        if (in->id && !strcmp(item_id(it), in->id)) continue;
        if (ck_care_appointment_times(res, cs, ce) || !(*cs < in->end_ms && in->start_ms < *ce)) continue;
        if (theatre ? names_actor(res, "Location", theatre) : names_actor(res, "Practitioner", gid)) return it;
    }
    return NULL;
}

int ck_care_theatre_check(const json_t *items, const ck_care_theatre_in *in, ck_care_error *err)
{
    const json_t *c;
    int64_t cs, ce;
    char sp[48];
    if (check_input(in, err)) return -1;
    if ((c = clash(items, in, in->theatre, NULL, &cs, &ce))) {
        ck_care_span_text(sp, cs, ce);
        ck_care_fail(err, "theatre_double_booked", "theatre %s is booked %s by Appointment/%s", in->theatre, sp,
                     item_id(c));
        return -1;
    }
    if ((c = clash(items, in, NULL, in->surgeon, &cs, &ce))) {
        ck_care_span_text(sp, cs, ce);
        ck_care_fail(err, "surgeon_double_booked", "surgeon %s is booked %s by Appointment/%s", in->surgeon, sp,
                     item_id(c));
        return -1;
    }
    for (size_t i = 0; i < in->n_team; i++)
        if ((c = clash(items, in, NULL, in->team[i].gid, &cs, &ce))) {
            ck_care_span_text(sp, cs, ce);
            ck_care_fail(err, "surgeon_double_booked", "team member %s is booked %s by Appointment/%s",
                         in->team[i].gid, sp, item_id(c));
            return -1;
        }
    return 0;
}

/* ---- booking ----------------------------------------------------------- */

static json_t *sct_concept(const char *code, const char *display)
{
    return json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", SNOMED, "code", code, "display", display, "text",
                     display);
}

static json_t *participation(const char *code, const char *display, const char *text)
{
    return json_pack("[{s:[{s:s,s:s,s:s}],s:s}]", "coding", "system", PARTICIPATION, "code", code, "display", display,
                     "text", text);
}

static const char *team_function(const ck_care_team_member *m) { return m->function ? m->function : "assistant"; }

static json_t *make_procedure(const ck_care_theatre_in *in, const char *id)
{
    json_t *perf = json_array(), *p;
    p = json_pack("{s:s,s:s,s:s,s:{s:[{s:s,s:s,s:s}]},s:o,s:o,s:o,s:o,s:o}", "resourceType", "Procedure", "id", id,
                  "status", "preparation", "category", "coding", "system", SNOMED, "code", "387713003", "display",
                  "Surgical procedure", "code", sct_concept(in->snomed, in->display), "subject",
                  ck_care_ref("Patient", in->patient, NULL), "performedPeriod",
                  ck_care_period_json(in->start_ms, in->end_ms), "location", ck_care_ref("Location", in->theatre, NULL),
                  "performer", perf);
    if (!p) return NULL;
    json_array_append_new(perf, json_pack("{s:{s:s},s:o}", "function", "text", "surgeon", "actor",
                                          ck_care_ref("Practitioner", in->surgeon, NULL)));
    for (size_t i = 0; i < in->n_team; i++)
        json_array_append_new(perf, json_pack("{s:{s:s},s:o}", "function", "text", team_function(&in->team[i]),
                                              "actor", ck_care_ref("Practitioner", in->team[i].gid, NULL)));
    if (json_array_size(perf) != 1 + in->n_team ||
        (in->reason && json_object_set_new(p, "reasonCode", json_pack("[{s:s}]", "text", in->reason)))) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static json_t *make_appointment(const ck_care_theatre_in *in, const char *id)
{
    char proc[80];
    json_t *parts = json_array(), *a;
    snprintf(proc, sizeof proc, "Procedure/%s", id);
    a = json_pack("{s:s,s:s,s:s,s:[{s:[{s:s,s:s,s:s}]}],s:[o],s:s,s:o,s:o,s:I,s:[{s:s}],s:o}", "resourceType",
                  "Appointment", "id", id, "status", "booked", "serviceCategory", "coding", "system",
                  CK_CARE_SURGERY_SYSTEM, "code", CK_CARE_SURGERY_CODE, "display", "Surgery", "serviceType",
                  sct_concept(in->snomed, in->display), "description", in->display, "start",
                  ck_care_instant(in->start_ms), "end", ck_care_instant(in->end_ms), "minutesDuration",
                  (json_int_t)((in->end_ms - in->start_ms) / 60000), "supportingInformation", "reference", proc,
                  "participant", parts);
    if (!a) return NULL;
    json_array_append_new(parts, json_pack("{s:o,s:s,s:s}", "actor", ck_care_ref("Location", in->theatre, NULL),
                                           "required", "required", "status", "accepted"));
    json_array_append_new(parts, json_pack("{s:o,s:o,s:s,s:s}", "type",
                                           participation("PPRF", "primary performer", "surgeon"), "actor",
                                           ck_care_ref("Practitioner", in->surgeon, NULL), "required", "required",
                                           "status", "accepted"));
    for (size_t i = 0; i < in->n_team; i++)
        json_array_append_new(parts, json_pack("{s:o,s:o,s:s,s:s}", "type",
                                               participation("SPRF", "secondary performer", team_function(&in->team[i])),
                                               "actor", ck_care_ref("Practitioner", in->team[i].gid, NULL),
                                               "required", "required", "status", "accepted"));
    json_array_append_new(parts, json_pack("{s:o,s:s,s:s}", "actor", ck_care_ref("Patient", in->patient, NULL),
                                           "required", "required", "status", "accepted"));
    if (json_array_size(parts) != 3 + in->n_team ||
        (in->reason && json_object_set_new(a, "reasonCode", json_pack("[{s:s}]", "text", in->reason)))) {
        json_decref(a);
        return NULL;
    }
    return a;
}

int ck_care_theatre_book(const ck_care_theatre_in *in, json_t **procedure, json_t **appointment, ck_care_error *err)
{
    char id[37];
    *procedure = *appointment = NULL;
    if (check_input(in, err)) return -1;
    if (!ck_care_valid_sctid(in->snomed) || !ck_care_valid_text(in->display, 256) ||
        (in->reason && !ck_care_valid_text(in->reason, MAX_TEXT))) {
        ck_care_fail(err, "bad_input", "invalid SNOMED CT code, display (1 to 256 characters) or reason");
        return -1;
    }
    snprintf(id, sizeof id, "%s", in->id ? in->id : "");
    if (!in->id) ck_care_new_id(id);
    if (!(*procedure = make_procedure(in, id)) || !(*appointment = make_appointment(in, id))) {
        json_decref(*procedure);
        *procedure = NULL;
        ck_care_fail(err, "nomem", "out of memory");
        return -1;
    }
    return 0;
}

/* ---- outcome and cancel ------------------------------------------------ */

static int booked_surgery(const json_t *appt, const json_t *proc, const char *what, ck_care_error *err)
{
    const char *st = res_str(appt, "status"), *ps = proc ? res_str(proc, "status") : NULL, *id = res_str(appt, "id");
    const char *pt = proc ? res_str(proc, "resourceType") : NULL;
    if (!ck_care_is_theatre_booking(appt) || !ck_care_valid_fhir_id(id) || !st) {
        ck_care_fail(err, "bad_input", "not a theatre booking");
        return -1;
    }
    if (proc && (!pt || strcmp(pt, "Procedure") || !ps)) {
        ck_care_fail(err, "bad_input", "not a Procedure");
        return -1;
    }
    if (strcmp(st, "booked") && strcmp(st, "checked-in") && strcmp(st, "arrived")) {
        ck_care_fail(err, "bad_status", "Appointment/%s is %s; only a booked surgery can get %s", id, st, what);
        return -1;
    }
    if (ps && strcmp(ps, "preparation") && strcmp(ps, "in-progress")) {
        ck_care_fail(err, "bad_status", "Procedure/%s is %s; only a planned procedure can get %s", res_str(proc, "id"),
                     ps, what);
        return -1;
    }
    return 0;
}

/* The planned Procedure as the booking describes it (same id, code,
 * subject, performers with their functions, theatre, planned period,
 * reason): the base of the new version when the caller has not got the
 * patient's copy - the ledger is what the booking was made from. */
static json_t *procedure_from_booking(const json_t *appt)
{
    const json_t *code = json_array_get(json_object_get(appt, "serviceType"), 0), *part;
    const char *patient = ck_care_appointment_actor(appt, "Patient"), *theatre = ck_care_appointment_actor(appt, "Location");
    json_t *p, *perf = json_array();
    size_t i;
    if (!perf || !json_is_object(code) || !patient || !theatre) {
        json_decref(perf);
        return NULL;
    }
    p = json_pack("{s:s,s:s,s:s,s:{s:[{s:s,s:s,s:s}]},s:O,s:o,s:{s:O,s:O},s:o,s:o}", "resourceType", "Procedure", "id",
                  res_str(appt, "id"), "status", "preparation", "category", "coding", "system", SNOMED, "code",
                  "387713003", "display", "Surgical procedure", "code", code, "subject",
                  ck_care_ref("Patient", patient, NULL), "performedPeriod", "start", json_object_get(appt, "start"),
                  "end", json_object_get(appt, "end"), "location", ck_care_ref("Location", theatre, NULL), "performer",
                  perf);
    if (!p) return NULL;
    json_array_foreach(json_object_get(appt, "participant"), i, part) {
        const char *gid = ck_care_ref_id(json_object_get(part, "actor"), "Practitioner");
        const char *fn = res_str(json_array_get(json_object_get(part, "type"), 0), "text");
        if (gid && json_array_append_new(perf, json_pack("{s:{s:s},s:o}", "function", "text", fn ? fn : "surgeon",
                                                         "actor", ck_care_ref("Practitioner", gid, NULL)))) {
            json_decref(p);
            return NULL;
        }
    }
    if (json_object_get(appt, "reasonCode")) json_object_set(p, "reasonCode", json_object_get(appt, "reasonCode"));
    return p;
}

/* SNOMED CT results of the FHIR procedure-outcome value set. */
static int result_coding(const char *result, const char **code, const char **display)
{
    static const struct {
        const char *name, *code, *display;
    } r[] = {{"successful", "385669000", "Successful"},
             {"unsuccessful", "385671000", "Unsuccessful"},
             {"partial", "385670004", "Partially successful"}};
    for (size_t i = 0; i < sizeof r / sizeof *r; i++)
        if (!strcmp(r[i].name, result)) {
            *code = r[i].code;
            *display = r[i].display;
            return 0;
        }
    return -1;
}

static json_t *outcome_concept(const ck_care_theatre_outcome_in *in)
{
    const char *code = NULL, *display = NULL;
    json_t *c = json_object();
    if (!c) return NULL;
    if (in->result && !result_coding(in->result, &code, &display))
        json_object_set_new(c, "coding", json_pack("[{s:s,s:s,s:s}]", "system", SNOMED, "code", code, "display", display));
    if (in->outcome) json_object_set_new(c, "text", json_string(in->outcome));
    else if (display) json_object_set_new(c, "text", json_string(display));
    return c;
}

static int check_outcome_in(const ck_care_theatre_outcome_in *in, ck_care_error *err)
{
    const char *code, *display;
    if (!in || !in->status || (strcmp(in->status, "completed") && strcmp(in->status, "not-done") &&
                               strcmp(in->status, "stopped"))) {
        ck_care_fail(err, "bad_input", "the outcome status must be completed, not-done or stopped");
        return -1;
    }
    if ((in->outcome && !ck_care_valid_text(in->outcome, MAX_TEXT)) ||
        (in->result && result_coding(in->result, &code, &display))) {
        ck_care_fail(err, "bad_input", "invalid outcome text or result (successful, unsuccessful, partial)");
        return -1;
    }
    if ((in->start_ms || in->end_ms) && in->end_ms <= in->start_ms) {
        ck_care_fail(err, "bad_input", "the actual period ends before it starts");
        return -1;
    }
    if (!strcmp(in->status, "not-done") && (in->start_ms || in->end_ms || in->result)) {
        ck_care_fail(err, "bad_input", "a procedure not done has no actual period or result");
        return -1;
    }
    return 0;
}

int ck_care_theatre_outcome(const json_t *appt, const json_t *proc, const ck_care_theatre_outcome_in *in,
                            json_t **new_appt, json_t **new_proc, ck_care_error *err)
{
    int64_t s, e;
    int done;
    json_t *a = NULL, *p = NULL;
    *new_appt = *new_proc = NULL;
    if (check_outcome_in(in, err) || booked_surgery(appt, proc, "an outcome", err)) return -1;
    if (!proc && !(p = procedure_from_booking(appt))) goto nomem;
    if (ck_care_appointment_times(appt, &s, &e)) {
        ck_care_fail(err, "bad_input", "the booking has no valid start and end");
        return -1;
    }
    if (in->start_ms || in->end_ms) s = in->start_ms, e = in->end_ms;
    done = strcmp(in->status, "not-done") != 0;
    if (!(a = json_deep_copy(appt)) || json_object_set_new(a, "status", json_string(done ? "fulfilled" : "cancelled")))
        goto nomem;
    if (done && json_object_set_new(a, "extension", json_pack("[{s:s,s:o}]", "url", CK_CARE_ACTUAL_PERIOD_EXT,
                                                              "valuePeriod", ck_care_period_json(s, e))))
        goto nomem;
    if (!done && json_object_set_new(a, "cancelationReason",
                                     json_pack("{s:s}", "text", in->outcome ? in->outcome : "procedure not done")))
        goto nomem;
    {
        if ((!p && !(p = json_deep_copy(proc))) || json_object_set_new(p, "status", json_string(in->status))) goto nomem;
        if (done) {
            if (json_object_set_new(p, "performedPeriod", ck_care_period_json(s, e))) goto nomem;
            if ((in->outcome || in->result) && json_object_set_new(p, "outcome", outcome_concept(in))) goto nomem;
        } else {
            json_object_del(p, "performedPeriod");   /* it was only the plan */
            if (json_object_set_new(p, "statusReason",
                                    json_pack("{s:s}", "text", in->outcome ? in->outcome : "not done")))
                goto nomem;
        }
    }
    *new_appt = a;
    *new_proc = p;
    return 0;
nomem:
    json_decref(a);
    json_decref(p);
    ck_care_fail(err, "nomem", "out of memory");
    return -1;
}

int ck_care_theatre_cancel(const json_t *appt, const json_t *proc, const char *reason, json_t **new_appt,
                           json_t **new_proc, ck_care_error *err)
{
    json_t *a = NULL, *p = NULL;
    *new_appt = *new_proc = NULL;
    if (reason && !ck_care_valid_text(reason, MAX_TEXT)) {
        ck_care_fail(err, "bad_input", "the reason must have 1 to 1000 characters");
        return -1;
    }
    if (booked_surgery(appt, proc, "cancelled", err)) return -1;
    if (!(a = ck_care_appointment_transition(appt, "cancelled", reason, err))) return -1;
    {
        char why[1100];
        snprintf(why, sizeof why, "cancelled%s%s", reason ? ": " : "", reason ? reason : "");
        if (!(p = proc ? json_deep_copy(proc) : procedure_from_booking(appt)) ||
            json_object_set_new(p, "status", json_string("not-done")) ||
            json_object_set_new(p, "statusReason", json_pack("{s:s}", "text", why))) {
            json_decref(a);
            json_decref(p);
            ck_care_fail(err, "nomem", "out of memory");
            return -1;
        }
        json_object_del(p, "performedPeriod");
    }
    *new_appt = a;
    *new_proc = p;
    return 0;
}

/* ---- view -------------------------------------------------------------- */

/* The practitioner of participant p when p takes part as code (PPRF the
 * surgeon, SPRF the team); NULL otherwise. */
static const char *performer(const json_t *p, const char *code)
{
    const json_t *type = json_array_get(json_object_get(p, "type"), 0);
    const char *c = res_str(json_array_get(json_object_get(type, "coding"), 0), "code");
    const char *id = ck_care_ref_id(json_object_get(p, "actor"), "Practitioner");
    return id && c && !strcmp(c, code) ? id : NULL;
}

static json_t *team_of(const json_t *appt)
{
    json_t *team = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const char *id = performer(p, "SPRF");
        const char *fn = res_str(json_array_get(json_object_get(p, "type"), 0), "text");
        if (id) json_array_append_new(team, json_pack("{s:s,s:s}", "gid", id, "function", fn ?: ""));
    }
    return team;
}

/* The surgeon: the primary performer (else the first practitioner). */
static const char *surgeon_of(const json_t *appt)
{
    size_t i;
    const json_t *p;
    const char *id;
    json_array_foreach(json_object_get(appt, "participant"), i, p)
        if ((id = performer(p, "PPRF"))) return id;
    return ck_care_appointment_actor(appt, "Practitioner");
}

static int by_start(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(res_str(x, "start"), res_str(y, "start"));   /* same format: text order is time order */
    return c ? c : strcmp(res_str(x, "id"), res_str(y, "id"));
}

json_t *ck_care_theatre_view(const json_t *items, const char *theatre, const ck_care_period *p)
{
    json_t **v, *out = NULL;
    size_t i, n = 0;
    const json_t *it;
    if (!(v = calloc(json_array_size(items) + 1, sizeof *v))) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *t = json_string_value(json_object_get(it, "type")), *th;
        int64_t s, e;
        char ss[32], es[32];
        json_t *row;
        if (!t || strcmp(t, "Appointment") || !item_id(it) || !ck_care_is_theatre_booking(res)) continue;
        if (ck_care_appointment_times(res, &s, &e) || (p && !(s < p->to_ms && p->from_ms < e))) continue;
        th = ck_care_appointment_actor(res, "Location");
        if (theatre && (!th || strcmp(th, theatre))) continue;
        ck_care_time_format(ss, s);   /* normalised, so rows sort as text */
        ck_care_time_format(es, e);
        row = json_pack("{s:s,s:s,s:s?,s:s,s:s,s:s?,s:o,s:s?,s:{s:s?,s:s?}}", "id", item_id(it), "status",
                        res_str(res, "status") ?: "", "theatre", th, "start", ss, "end", es, "surgeon",
                        surgeon_of(res), "team", team_of(res), "patient", ck_care_appointment_actor(res, "Patient"),
                        "procedure", "code",
                        res_str(json_array_get(json_object_get(json_array_get(json_object_get(res, "serviceType"), 0),
                                                               "coding"),
                                               0),
                                "code"),
                        "display", res_str(res, "description"));
        if (!row) goto out;
        v[n++] = row;
    }
    out = ck_care_rows_sorted(v, n, by_start);
out:
    for (i = 0; i < n; i++) json_decref(v[i]);
    free(v);
    return out;
}
