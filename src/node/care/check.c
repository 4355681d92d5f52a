/*
 * src/node/care/check.c - the input checks of the care operations, pure
 * (no session, no I/O), so that the CLI, the FHIR API and the tests get
 * the same answers. Messages name the option a person typed; path names
 * the input field.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "carekey/care.h"
#include "carekey/node_care.h"
#include "carekey/wire.h"
#include "node/care/build.h"

#define BED_MAX 100000u

int ck_node_care_id_valid(const char *s) { return s && ck_net_id_valid(s); }

int ck_node_care_bad(ck_node_error *e, const char *path, const char *fmt, ...)
{
    va_list ap;
    memset(e, 0, sizeof *e);
    e->kind = CK_NODE_E_INVALID;
    snprintf(e->key, sizeof e->key, "bad_%s", path);
    snprintf(e->path, sizeof e->path, "%s", path);
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int ck_node_care_in_patient(const char *patient, ck_node_error *e)
{
    if (!patient) return ck_node_care_bad(e, "patient", "--patient is required");
    if (!ck_net_id_valid(patient)) return ck_node_care_bad(e, "patient", "invalid GID '%s'", patient);
    return 0;
}

static int check_reason(const char *reason, const char *code, ck_node_error *e)
{
    size_t n = code ? strlen(code) : 0;
    if (reason && (!*reason || strlen(reason) > 4096)) return ck_node_care_bad(e, "reason", "--reason: 1-4096 bytes");
    if (code && (n < 6 || n > 18 || code[0] == '0' || strspn(code, "0123456789") != n))
        return ck_node_care_bad(e, "reason_code", "--reason-code: '%s' is not a SNOMED CT id (6-18 digits)", code);
    return 0;
}

int ck_node_care_in_time(const char *at, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!at) {
        *at_ms = now_ms;
        return 0;
    }
    if (ck_care_time_parse(at, at_ms) == 0) return 0;
    return ck_node_care_bad(e, "at", "'%s' is not a time (YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z|+hh:mm])", at);
}

int ck_node_care_in_org(const char *org, ck_node_error *e)
{
    if (org && !ck_net_id_valid(org)) return ck_node_care_bad(e, "hospital", "'%s' is not a valid organization name", org);
    return 0;
}

int ck_node_admit_check(const ck_node_admit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->ward) return ck_node_care_bad(e, "ward", "--ward and --bed are required");
    if (!ck_net_id_valid(in->ward)) return ck_node_care_bad(e, "ward", "invalid ward name '%s'", in->ward);
    if (in->bed < 1 || in->bed > BED_MAX) return ck_node_care_bad(e, "bed", "--bed: '%u' is not a bed number (1, 2, ...)", in->bed);
    if (ck_node_care_in_patient(in->patient, e) || check_reason(in->reason, in->reason_code, e)) return -1;
    return ck_node_care_in_time(in->at, now_ms, at_ms, e) || ck_node_care_in_org(in->org, e) ? -1 : 0;
}

int ck_node_discharge_check(const ck_node_discharge_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    const char *disp = in->disposition ? in->disposition : "home";
    if (in->encounter && !ck_net_id_valid(in->encounter))
        return ck_node_care_bad(e, "encounter", "invalid encounter id '%s'", in->encounter);
    if (!ck_care_disposition_valid(disp))
        return ck_node_care_bad(e, "disposition",
                   "--disposition: '%s' is not home, alt-home, other-hcf, hosp, long, aadvice, exp, psy, rehab, snf "
                   "or oth", disp);
    if (in->summary && (!*in->summary || strlen(in->summary) > 65536))
        return ck_node_care_bad(e, "summary", "--summary: 1-65536 bytes");
    if (ck_node_care_in_patient(in->patient, e)) return -1;
    return ck_node_care_in_time(in->at, now_ms, at_ms, e) || ck_node_care_in_org(in->org, e) ? -1 : 0;
}

int ck_node_visit_check(const ck_node_visit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->emergency && !in->department) return ck_node_care_bad(e, "department", "--department is required");
    if (in->department && !ck_net_id_valid(in->department))
        return ck_node_care_bad(e, "department", "invalid department name '%s'", in->department);
    if (ck_node_care_in_patient(in->patient, e) || check_reason(in->reason, in->reason_code, e)) return -1;
    return ck_node_care_in_time(in->at, now_ms, at_ms, e) || ck_node_care_in_org(in->org, e) ? -1 : 0;
}

static const char *const mis_reports[] = {"admissions", "occupancy", "outpatient", "prescriptions", "theatre", "all"};

int ck_node_mis_check(const ck_node_mis_in *in, ck_node_error *e)
{
    ck_care_period p;
    size_t i;
    for (i = 0; i < sizeof mis_reports / sizeof *mis_reports; i++)
        if (in->report && !strcmp(in->report, mis_reports[i])) break;
    if (i == sizeof mis_reports / sizeof *mis_reports)
        return ck_node_care_bad(e, "report", "unknown report '%s'", in->report ? in->report : "");
    if ((unsigned)in->format > CK_NODE_MIS_JSON) return ck_node_care_bad(e, "format", "unknown output format");
    if (!in->period) return ck_node_care_bad(e, "period", "--period is required (e.g. 2026-11)");
    if (ck_care_period_parse(in->period, &p) != 0)
        return ck_node_care_bad(e, "period", "--period: '%s' is not YYYY-MM, YYYY-MM-DD or FROM..TO", in->period);
    return ck_node_care_in_org(in->org, e);
}

int ck_node_condition_add_check(const ck_node_condition_add_in *in, int64_t *onset_ms, ck_node_error *e)
{
    ck_care_code_system sys;
    ck_care_error ce;
    if (ck_node_care_in_patient(in->patient, e)) return -1;
    if (in->encounter && !ck_net_id_valid(in->encounter))
        return ck_node_care_bad(e, "encounter", "invalid encounter id '%s'", in->encounter);
    if (!in->system) return ck_node_care_bad(e, "system", "give exactly one of --snomed, --icd10, --text-only");
    if (!strcmp(in->system, "snomed")) sys = CK_CARE_CODE_SNOMED;
    else if (!strcmp(in->system, "icd10")) sys = CK_CARE_CODE_ICD10;
    else if (!strcmp(in->system, "text")) sys = CK_CARE_CODE_TEXT;
    else return ck_node_care_bad(e, "system", "give exactly one of --snomed, --icd10, --text-only");
    if (!in->display) return ck_node_care_bad(e, "display", "--display is required");
    memset(&ce, 0, sizeof ce);
    if (ck_care_code_check(sys, in->code, &ce) != 0) return ck_node_care_bad(e, "code", "%s", ce.msg);
    *onset_ms = 0;
    if (in->onset && ck_care_time_parse(in->onset, onset_ms) != 0)
        return ck_node_care_bad(e, "onset", "--onset: '%s' is not a time", in->onset);
    return 0;
}

int ck_node_condition_change_check(const ck_node_condition_change_in *in, ck_node_error *e)
{
    static const char *const verifications[] = {"confirmed", "provisional", "refuted", "entered-in-error", NULL};
    int64_t at;
    if (ck_node_care_in_patient(in->patient, e) || ck_node_care_in_time(in->at, 0, &at, e)) return -1;
    if (!in->id || !ck_net_id_valid(in->id)) return ck_node_care_bad(e, "id", "--id ID is required");
    if (in->resolve) return 0;
    if (!in->verification && !in->severity && !in->note)
        return ck_node_care_bad(e, "change", "nothing to change: give a status, --severity or --note");
    if (in->severity && strcmp(in->severity, "mild") && strcmp(in->severity, "moderate") && strcmp(in->severity, "severe"))
        return ck_node_care_bad(e, "severity", "--severity is mild, moderate or severe");
    if (in->verification) {
        const char *const *v = verifications;
        while (*v && strcmp(*v, in->verification)) v++;
        if (!*v) return ck_node_care_bad(e, "verification", "'%s' is not a verification status", in->verification);
    }
    return 0;
}

/* The note as the care library builds it (author and time filled in). */
static int note_build(const ck_node_note_in *in, const char *author, int64_t at_ms, struct json_t **doc,
                      ck_care_error *ce)
{
    ck_care_note_in ni;
    memset(&ni, 0, sizeof ni);
    if (ck_care_note_kind_parse(in->kind ? in->kind : "progress", &ni.kind) != 0) return -1;
    ni.patient = in->patient;
    ni.author = author;
    ni.encounter = in->encounter;
    ni.text = in->text;
    ni.len = in->len;
    ni.at_ms = at_ms;
    return (*doc = ck_care_note_new(&ni, ce)) ? 0 : -1;
}

int ck_node_note_check(const ck_node_note_in *in, int64_t now_ms, ck_node_error *e)
{
    ck_care_note_kind kind;
    ck_care_error ce;
    struct json_t *probe = NULL;
    int64_t at;
    if (!in->patient || !ck_net_id_valid(in->patient)) return ck_node_care_bad(e, "patient", "--patient GID is required");
    if (in->encounter && !ck_net_id_valid(in->encounter))
        return ck_node_care_bad(e, "encounter", "invalid encounter id '%s'", in->encounter);
    if (ck_care_note_kind_parse(in->kind ? in->kind : "progress", &kind) != 0)
        return ck_node_care_bad(e, "kind", "--kind is progress, history or discharge");
    if (ck_node_care_in_time(in->at, now_ms, &at, e)) return -1;
    if (!in->text) return ck_node_care_bad(e, "text", "give exactly one of --text and --file");
    memset(&ce, 0, sizeof ce);
    if (note_build(in, "check", at, &probe, &ce) != 0) return ck_node_care_bad(e, "text", "%s", ce.msg);
    json_decref(probe);
    return 0;
}

int ck_node_note_build(const ck_node_note_in *in, const char *author, int64_t at_ms, struct json_t **doc,
                       ck_node_error *e)
{
    ck_care_error ce;
    memset(&ce, 0, sizeof ce);
    if (note_build(in, author, at_ms, doc, &ce) == 0) return 0;
    return ck_node_care_bad(e, "text", "%s", ce.msg);
}

#define MAX_MEASUREMENTS 32

/* The Observations of in, built by the care library (array). */
int ck_node_observe_build(const ck_node_observe_in *in, const char *performer, int64_t at_ms, json_t **out,
                          ck_care_error *ce)
{
    ck_care_obs_in oi;
    memset(&oi, 0, sizeof oi);
    oi.patient = in->patient;
    oi.performer = performer;
    oi.encounter = in->encounter;
    oi.at_ms = at_ms;
    if (!(*out = json_array())) return -1;
    if (in->loinc) {
        json_t *o = ck_care_lab_new(&oi, in->loinc, in->value, in->unit, in->display, ce);
        if (o && json_array_append_new(*out, o) == 0) return 0;
    } else {
        size_t i;
        for (i = 0; i < in->n_vitals; i++) {
            json_t *o = ck_care_vital_new(&oi, in->vitals[i], ce);
            if (!o || json_array_append_new(*out, o) != 0) break;
        }
        if (i == in->n_vitals) return 0;
    }
    json_decref(*out);
    *out = NULL;
    return -1;
}

int ck_node_observe_check(const ck_node_observe_in *in, int64_t now_ms, ck_node_error *e)
{
    ck_care_error ce;
    json_t *probe = NULL;
    int64_t at;
    if (ck_node_care_in_patient(in->patient, e)) return -1;
    if (in->encounter && !ck_net_id_valid(in->encounter))
        return ck_node_care_bad(e, "encounter", "invalid encounter id '%s'", in->encounter);
    if (ck_node_care_in_time(in->at, now_ms, &at, e)) return -1;
    memset(&ce, 0, sizeof ce);
    if (in->loinc || in->value || in->unit || in->display) {
        if (!in->loinc || !in->value || !in->unit) return ck_node_care_bad(e, "lab", "--loinc, --value and --unit are required");
        if (ck_node_observe_build(in, "check", at, &probe, &ce) != 0) return ck_node_care_bad(e, "lab", "%s", ce.msg);
        json_decref(probe);
        return 0;
    }
    if (in->n_vitals == 0) return ck_node_care_bad(e, "vitals", "give at least one measurement, e.g. hr=72");
    if (in->n_vitals > MAX_MEASUREMENTS) return ck_node_care_bad(e, "vitals", "at most %d measurements at once", MAX_MEASUREMENTS);
    /* every value checked before anything opens: a typo costs no passphrase */
    for (size_t i = 0; i < in->n_vitals; i++) {
        ck_node_observe_in one = *in;
        size_t nl = strcspn(in->vitals[i], "=");
        one.vitals = &in->vitals[i];
        one.n_vitals = 1;
        if (ck_node_observe_build(&one, "check", at, &probe, &ce) != 0) return ck_node_care_bad(e, "vitals", "%s", ce.msg);
        json_decref(probe);
        for (size_t j = 0; j < i; j++)
            if (strcspn(in->vitals[j], "=") == nl && !strncmp(in->vitals[j], in->vitals[i], nl))
                return ck_node_care_bad(e, "vitals", "'%.*s' is given twice", (int)nl, in->vitals[i]);
    }
    return 0;
}

#define MS_PER_MIN 60000LL

/* "20m", "90m", "1h", "2h": 1 minute to 24 hours. */
static int parse_every(const char *s, int64_t *ms)
{
    char *end;
    long v;
    if (!s || *s < '1' || *s > '9') return -1;
    v = strtol(s, &end, 10);
    if ((end[0] != 'm' && end[0] != 'h') || end[1]) return -1;
    if (end[0] == 'h') v *= 60;
    if (v < 1 || v > 24 * 60) return -1;
    *ms = v * MS_PER_MIN;
    return 0;
}

/* DAY "YYYY-MM-DD" and a clock "HH:MM" into an instant. */
static int day_time(const char *day, const char *hhmm, int64_t *ms)
{
    char buf[40];
    if (strlen(day) != 10 || strlen(hhmm) != 5) return -1;
    snprintf(buf, sizeof buf, "%sT%sZ", day, hhmm);
    return ck_care_time_parse(buf, ms);
}

int ck_node_slots_check(const ck_node_slots_in *in, int64_t *from, int64_t *to, int64_t *every, ck_node_error *e)
{
    if (!in->doctor || !in->date || !in->from || !in->to || !in->every)
        return ck_node_care_bad(e, "doctor", "--doctor, --date, --from, --to and --every are required");
    if (day_time(in->date, "00:00", from) != 0) return ck_node_care_bad(e, "date", "--date: '%s' is not YYYY-MM-DD", in->date);
    if (day_time(in->date, in->from, from) != 0) return ck_node_care_bad(e, "from", "--from: '%s' is not HH:MM", in->from);
    if (day_time(in->date, in->to, to) != 0) return ck_node_care_bad(e, "to", "--to: '%s' is not HH:MM", in->to);
    if (*to <= *from) return ck_node_care_bad(e, "to", "--to must be after --from");
    if (parse_every(in->every, every) != 0)
        return ck_node_care_bad(e, "every", "--every: '%s' is not a length like 20m or 1h", in->every);
    if (in->location && !ck_net_id_valid(in->location))
        return ck_node_care_bad(e, "location", "--location: '%s' is not a valid unit name", in->location);
    if (!ck_net_id_valid(in->doctor)) return ck_node_care_bad(e, "doctor", "--doctor: '%s' is not a valid GID", in->doctor);
    return ck_node_care_in_org(in->org, e);
}

static int check_text(const char *v, const char *path, const char *name, ck_node_error *e)
{
    if (!v || (*v && strlen(v) <= 1000)) return 0;
    return ck_node_care_bad(e, path, "%s: 1 to 1000 characters", name);
}

int ck_node_appointment_check(const ck_node_appointment_in *in, ck_node_error *e)
{
    int64_t at;
    int when = in->action == CK_NODE_APPT_BOOK || in->action == CK_NODE_APPT_RESCHEDULE;
    if (in->action == CK_NODE_APPT_BOOK) {
        if (!in->patient || !in->doctor) return ck_node_care_bad(e, "patient", "--patient and --doctor are required");
        if (!ck_net_id_valid(in->patient) || !ck_net_id_valid(in->doctor))
            return ck_node_care_bad(e, "patient", "--patient and --doctor take GIDs");
    } else {
        if (!in->id) return ck_node_care_bad(e, "id", "--id is required");
        if (!ck_net_id_valid(in->id)) return ck_node_care_bad(e, "id", "--id: '%s' is not an appointment id", in->id);
    }
    if (when) {
        if (!!in->at == !!in->slot) return ck_node_care_bad(e, "when", "give exactly one of --at and --slot");
        if (in->at && ck_care_time_parse(in->at, &at) != 0)
            return ck_node_care_bad(e, "when", "--at: '%s' is not a time (2026-11-25T09:20[Z])", in->at);
        if (in->slot && !ck_net_id_valid(in->slot)) return ck_node_care_bad(e, "when", "--slot: '%s' is not a slot id", in->slot);
    }
    if (check_text(in->reason, "reason", "--reason", e) || check_text(in->service, "service", "--service", e)) return -1;
    return ck_node_care_in_org(in->org, e);
}

#define MAX_TEAM 32

int ck_node_theatre_team(const char *csv, char *buf, size_t cap, ck_care_team_member *team, size_t *n, ck_node_error *e)
{
    char *save = NULL;
    *n = 0;
    if (!csv) return 0;
    if (!*csv) return ck_node_care_bad(e, "team", "--team: empty");
    if (strlen(csv) >= cap) return ck_node_care_bad(e, "team", "--team: too long");
    snprintf(buf, cap, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':');
        if (*n == MAX_TEAM) return ck_node_care_bad(e, "team", "--team: at most %d members", MAX_TEAM);
        if (colon) *colon = 0;
        if (!ck_net_id_valid(t)) return ck_node_care_bad(e, "team", "--team: '%s' is not a GID", t);
        if (colon && (!colon[1] || strlen(colon + 1) > 64))
            return ck_node_care_bad(e, "team", "--team: the function of %s must have 1 to 64 characters", t);
        team[*n].gid = t;
        team[*n].function = colon ? colon + 1 : NULL;
        (*n)++;
    }
    return 0;
}

static int theatre_time(const char *name, const char *path, const char *v, int64_t *ms, ck_node_error *e)
{
    if (ck_care_time_parse(v, ms) == 0) return 0;
    return ck_node_care_bad(e, path, "%s: '%s' is not a time (2026-11-25T09:00[Z])", name, v);
}

int ck_node_theatre_booking(const ck_node_theatre_in *in, char *buf, size_t cap, ck_care_team_member *team,
                            ck_care_theatre_in *ti, ck_node_error *e)
{
    memset(ti, 0, sizeof *ti);
    if (!in->patient || !in->theatre || !in->surgeon || !in->snomed || !in->display || !in->start || !in->end)
        return ck_node_care_bad(e, "required", "--patient, --theatre, --surgeon, --procedure-snomed, --display, --start and "
                                  "--end are required");
    if (!ck_net_id_valid(in->patient) || !ck_net_id_valid(in->theatre) || !ck_net_id_valid(in->surgeon))
        return ck_node_care_bad(e, "names", "--patient, --theatre and --surgeon take names (GIDs, unit names)");
    if (theatre_time("--start", "start", in->start, &ti->start_ms, e) ||
        theatre_time("--end", "end", in->end, &ti->end_ms, e))
        return -1;
    if (ti->end_ms <= ti->start_ms) return ck_node_care_bad(e, "end", "--end must be after --start");
    if (ck_node_theatre_team(in->team, buf, cap, team, &ti->n_team, e)) return -1;
    ti->team = team;
    ti->patient = in->patient;
    ti->theatre = in->theatre;
    ti->surgeon = in->surgeon;
    ti->snomed = in->snomed;
    ti->display = in->display;
    ti->reason = in->reason;
    return 0;
}

int ck_node_theatre_outcome_of(const ck_node_theatre_in *in, ck_care_theatre_outcome_in *oi, ck_node_error *e)
{
    memset(oi, 0, sizeof *oi);
    oi->status = in->status;
    oi->outcome = in->outcome;
    oi->result = in->result;
    if (!in->status) return ck_node_care_bad(e, "status", "--status is required");
    if (!in->start != !in->end) return ck_node_care_bad(e, "start", "give both --start and --end, or neither");
    if (in->start && (theatre_time("--start", "start", in->start, &oi->start_ms, e) ||
                      theatre_time("--end", "end", in->end, &oi->end_ms, e)))
        return -1;
    if (in->start && oi->end_ms <= oi->start_ms) return ck_node_care_bad(e, "end", "--end must be after --start");
    return 0;
}

int ck_node_theatre_check(const ck_node_theatre_in *in, ck_node_error *e)
{
    char buf[4096];
    ck_care_team_member team[MAX_TEAM];
    ck_care_theatre_in ti;
    ck_care_theatre_outcome_in oi;
    ck_care_error ce;
    json_t *p = NULL, *a = NULL, *na = NULL, *np = NULL;
    int rc;
    memset(&ce, 0, sizeof ce);
    if (in->action == CK_NODE_THEATRE_BOOK) {
        if (ck_node_theatre_booking(in, buf, sizeof buf, team, &ti, e)) return -1;
        /* the library's own input checks, before any network */
        rc = ck_care_theatre_book(&ti, &p, &a, &ce);
        json_decref(p);
        json_decref(a);
        if (rc) return ck_node_care_bad(e, "booking", "%s", ce.msg);
        return ck_node_care_in_org(in->org, e);
    }
    if (!in->id || !ck_net_id_valid(in->id)) return ck_node_care_bad(e, "id", "--id takes the booking's id");
    if (in->action == CK_NODE_THEATRE_CANCEL) {
        if (in->reason && (!*in->reason || strlen(in->reason) > 1000))
            return ck_node_care_bad(e, "reason", "--reason: 1 to 1000 characters");
        return ck_node_care_in_org(in->org, e);
    }
    if (ck_node_theatre_outcome_of(in, &oi, e)) return -1;
    /* status, result and texts, checked on a stand-in booking */
    memset(&ti, 0, sizeof ti);
    ti.patient = "p";
    ti.theatre = "t";
    ti.surgeon = "s";
    ti.snomed = "123456";
    ti.display = "x";
    ti.end_ms = 3600000;
    rc = ck_care_theatre_book(&ti, &p, &a, &ce) || ck_care_theatre_outcome(a, p, &oi, &na, &np, &ce);
    json_decref(p);
    json_decref(a);
    json_decref(na);
    json_decref(np);
    if (rc) return ck_node_care_bad(e, "status", "%s", ce.msg);
    return ck_node_care_in_org(in->org, e);
}
