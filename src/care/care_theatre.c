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
#include "carekey/care.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNOMED "http://snomed.info/sct"
#define PARTICIPATION "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
/* the actual period of a fulfilled booking, kept in the ledger for the MIS
 * report (an Appointment has no element for it) */
#define ACTUAL_PERIOD_EXT "https://carekey.dev/fhir/StructureDefinition/actual-period"

static void fail(ck_care_error *err, const char *code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(ck_care_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    if (!err) return;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

/* A GID or unit name (the directory's identifier rule). */
static int valid_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' && c != '-'))) return 0;
    }
    return 1;
}

static int valid_fhir_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int valid_text(const char *s) { return s && *s && strlen(s) <= 1000; }

/* A SNOMED CT concept id: 6 to 18 digits, no leading zero. */
static int valid_sctid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 6 || n > 18 || s[0] == '0') return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static const char *res_str(const json_t *res, const char *key) { return json_string_value(json_object_get(res, key)); }
static const char *item_id(const json_t *it) { return json_string_value(json_object_get(it, "id")); }

static json_t *instant(int64_t ms)
{
    char t[32];
    ck_care_time_format(t, ms);
    return json_string(t);
}

/* "2026-11-25 09:00-11:00" (both dates when the span crosses midnight). */
static void span_text(char out[48], int64_t start, int64_t end)
{
    char a[32], b[32];
    ck_care_time_format(a, start);
    ck_care_time_format(b, end);
    if (!strncmp(a, b, 10) || (end - start <= 86400000LL && !strcmp(b + 10, "T00:00:00Z")))
        snprintf(out, 48, "%.10s %.5s-%.5s", a, a + 11, b + 11);
    else
        snprintf(out, 48, "%.10s %.5s-%.10s %.5s", a, a + 11, b, b + 11);
}

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
    if (!in || !valid_name(in->patient) || !valid_name(in->theatre) || !valid_name(in->surgeon)) {
        fail(err, "bad_input", "invalid patient, theatre or surgeon name");
        return -1;
    }
    if (in->id && !valid_fhir_id(in->id)) {
        fail(err, "bad_input", "invalid booking id");
        return -1;
    }
    if (in->end_ms <= in->start_ms) {
        fail(err, "bad_input", "the booking ends before it starts");
        return -1;
    }
    if (in->n_team > 32 || (in->n_team && !in->team)) {
        fail(err, "bad_input", "at most 32 team members");
        return -1;
    }
    for (size_t i = 0; i < in->n_team; i++) {
        const ck_care_team_member *m = &in->team[i];
        if (!valid_name(m->gid) || (m->function && !valid_text(m->function)) || (m->function && strlen(m->function) > 64)) {
            fail(err, "bad_input", "invalid team member name or function");
            return -1;
        }
        if (!strcmp(m->gid, in->surgeon) || !strcmp(m->gid, in->patient)) {
            fail(err, "bad_input", "team member %s is also the surgeon or the patient", m->gid);
            return -1;
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(in->team[k].gid, m->gid)) {
                fail(err, "bad_input", "team member %s is listed twice", m->gid);
                return -1;
            }
    }
    if (!strcmp(in->surgeon, in->patient)) {
        fail(err, "bad_input", "the surgeon cannot be the patient");
        return -1;
    }
    return 0;
}

static int names_practitioner(const json_t *appt, const char *gid)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const char *id = ck_care_ref_id(json_object_get(p, "actor"), "Practitioner");
        if (id && !strcmp(id, gid)) return 1;
    }
    return 0;
}

static int names_location(const json_t *appt, const char *unit)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const char *id = ck_care_ref_id(json_object_get(p, "actor"), "Location");
        if (id && !strcmp(id, unit)) return 1;
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
        if (theatre ? names_location(res, theatre) : names_practitioner(res, gid)) return it;
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
        span_text(sp, cs, ce);
        fail(err, "theatre_double_booked", "theatre %s is booked %s by Appointment/%s", in->theatre, sp, item_id(c));
        return -1;
    }
    if ((c = clash(items, in, NULL, in->surgeon, &cs, &ce))) {
        span_text(sp, cs, ce);
        fail(err, "surgeon_double_booked", "surgeon %s is booked %s by Appointment/%s", in->surgeon, sp, item_id(c));
        return -1;
    }
    for (size_t i = 0; i < in->n_team; i++)
        if ((c = clash(items, in, NULL, in->team[i].gid, &cs, &ce))) {
            span_text(sp, cs, ce);
            fail(err, "surgeon_double_booked", "team member %s is booked %s by Appointment/%s", in->team[i].gid, sp,
                 item_id(c));
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
    p = json_pack("{s:s,s:s,s:s,s:{s:[{s:s,s:s,s:s}]},s:o,s:o,s:{s:o,s:o},s:o,s:o}", "resourceType", "Procedure",
                  "id", id, "status", "preparation", "category", "coding", "system", SNOMED, "code", "387713003",
                  "display", "Surgical procedure", "code", sct_concept(in->snomed, in->display), "subject",
                  ck_care_ref("Patient", in->patient, NULL), "performedPeriod", "start", instant(in->start_ms), "end",
                  instant(in->end_ms), "location", ck_care_ref("Location", in->theatre, NULL), "performer", perf);
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
                  sct_concept(in->snomed, in->display), "description", in->display, "start", instant(in->start_ms),
                  "end", instant(in->end_ms), "minutesDuration", (json_int_t)((in->end_ms - in->start_ms) / 60000),
                  "supportingInformation", "reference", proc, "participant", parts);
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
    if (!valid_sctid(in->snomed) || !valid_text(in->display) || strlen(in->display) > 256 ||
        (in->reason && !valid_text(in->reason))) {
        fail(err, "bad_input", "invalid SNOMED CT code, display (1 to 256 characters) or reason");
        return -1;
    }
    snprintf(id, sizeof id, "%s", in->id ? in->id : "");
    if (!in->id) ck_care_new_id(id);
    if (!(*procedure = make_procedure(in, id)) || !(*appointment = make_appointment(in, id))) {
        json_decref(*procedure);
        *procedure = NULL;
        fail(err, "nomem", "out of memory");
        return -1;
    }
    return 0;
}

/* ---- outcome and cancel ------------------------------------------------ */

static int booked_surgery(const json_t *appt, const json_t *proc, const char *what, ck_care_error *err)
{
    const char *st = res_str(appt, "status"), *ps = proc ? res_str(proc, "status") : NULL, *id = res_str(appt, "id");
    const char *pt = proc ? res_str(proc, "resourceType") : NULL;
    if (!ck_care_is_theatre_booking(appt) || !valid_fhir_id(id) || !st) {
        fail(err, "bad_input", "not a theatre booking");
        return -1;
    }
    if (proc && (!pt || strcmp(pt, "Procedure") || !ps)) {
        fail(err, "bad_input", "not a Procedure");
        return -1;
    }
    if (strcmp(st, "booked") && strcmp(st, "checked-in") && strcmp(st, "arrived")) {
        fail(err, "bad_status", "Appointment/%s is %s; only a booked surgery can get %s", id, st, what);
        return -1;
    }
    if (ps && strcmp(ps, "preparation") && strcmp(ps, "in-progress")) {
        fail(err, "bad_status", "Procedure/%s is %s; only a planned procedure can get %s", res_str(proc, "id"), ps,
             what);
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
        fail(err, "bad_input", "the outcome status must be completed, not-done or stopped");
        return -1;
    }
    if ((in->outcome && !valid_text(in->outcome)) || (in->result && result_coding(in->result, &code, &display))) {
        fail(err, "bad_input", "invalid outcome text or result (successful, unsuccessful, partial)");
        return -1;
    }
    if ((in->start_ms || in->end_ms) && in->end_ms <= in->start_ms) {
        fail(err, "bad_input", "the actual period ends before it starts");
        return -1;
    }
    if (!strcmp(in->status, "not-done") && (in->start_ms || in->end_ms || in->result)) {
        fail(err, "bad_input", "a procedure not done has no actual period or result");
        return -1;
    }
    return 0;
}

static json_t *period(int64_t s, int64_t e) { return json_pack("{s:o,s:o}", "start", instant(s), "end", instant(e)); }

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
        fail(err, "bad_input", "the booking has no valid start and end");
        return -1;
    }
    if (in->start_ms || in->end_ms) s = in->start_ms, e = in->end_ms;
    done = strcmp(in->status, "not-done") != 0;
    if (!(a = json_deep_copy(appt)) || json_object_set_new(a, "status", json_string(done ? "fulfilled" : "cancelled")))
        goto nomem;
    if (done && json_object_set_new(a, "extension", json_pack("[{s:s,s:o}]", "url", ACTUAL_PERIOD_EXT, "valuePeriod",
                                                              period(s, e))))
        goto nomem;
    if (!done && json_object_set_new(a, "cancelationReason",
                                     json_pack("{s:s}", "text", in->outcome ? in->outcome : "procedure not done")))
        goto nomem;
    {
        if ((!p && !(p = json_deep_copy(proc))) || json_object_set_new(p, "status", json_string(in->status))) goto nomem;
        if (done) {
            if (json_object_set_new(p, "performedPeriod", period(s, e))) goto nomem;
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
    fail(err, "nomem", "out of memory");
    return -1;
}

int ck_care_theatre_cancel(const json_t *appt, const json_t *proc, const char *reason, json_t **new_appt,
                           json_t **new_proc, ck_care_error *err)
{
    json_t *a = NULL, *p = NULL;
    *new_appt = *new_proc = NULL;
    if (reason && !valid_text(reason)) {
        fail(err, "bad_input", "the reason must have 1 to 1000 characters");
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
            fail(err, "nomem", "out of memory");
            return -1;
        }
        json_object_del(p, "performedPeriod");
    }
    *new_appt = a;
    *new_proc = p;
    return 0;
}

/* ---- view -------------------------------------------------------------- */

static json_t *team_of(const json_t *appt)
{
    json_t *team = json_array();
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const json_t *type = json_array_get(json_object_get(p, "type"), 0);
        const char *code = res_str(json_array_get(json_object_get(type, "coding"), 0), "code");
        const char *id = ck_care_ref_id(json_object_get(p, "actor"), "Practitioner");
        if (id && code && !strcmp(code, "SPRF"))
            json_array_append_new(team, json_pack("{s:s,s:s}", "gid", id, "function", res_str(type, "text") ?: ""));
    }
    return team;
}

/* The surgeon: the primary performer (else the first practitioner). */
static const char *surgeon_of(const json_t *appt)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const json_t *type = json_array_get(json_object_get(p, "type"), 0);
        const char *code = res_str(json_array_get(json_object_get(type, "coding"), 0), "code");
        const char *id = ck_care_ref_id(json_object_get(p, "actor"), "Practitioner");
        if (id && code && !strcmp(code, "PPRF")) return id;
    }
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
    json_t *rows = json_array(), **v = NULL, *out = NULL;
    size_t i, n = 0;
    const json_t *it;
    if (!rows || !(v = calloc(json_array_size(items) + 1, sizeof *v))) goto out;
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
    qsort(v, n, sizeof *v, by_start);
    for (i = 0; i < n; i++) json_array_append_new(rows, v[i]);
    n = 0;
    out = rows;
    rows = NULL;
out:
    for (i = 0; i < n; i++) json_decref(v[i]);
    free(v);
    json_decref(rows);
    return out;
}
