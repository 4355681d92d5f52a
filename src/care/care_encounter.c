/*
 * src/care/care_encounter.c - encounters (docs/CARE.md): admissions,
 * discharges, outpatient and emergency visits as FHIR R4 Encounters, the
 * discharge summary, and the checks made on the hospital's ledger before
 * an admission (ward exists, bed in range and free, patient not already
 * admitted), plus the census of current inpatients.
 *
 * A ledger's ward section holds every version of each admission; the
 * items handed in here are the latest version of each (care.h), so an
 * admission discharged or entered-in-error no longer holds its bed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care_internal.h"

#define ACT_CODE "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define PARTICIPATION "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
#define PHYSICAL_TYPE "http://terminology.hl7.org/CodeSystem/location-physical-type"
#define DISPOSITION "http://terminology.hl7.org/CodeSystem/discharge-disposition"
#define UNIT_SYSTEM "https://carekey.dev/fhir/CodeSystem/unit"
#define SNOMED "http://snomed.info/sct"
#define LOINC "http://loinc.org"
#define MAX_BEDS 100000u
#define MAX_TEXT 65536

static const char *class_display(const char *code)
{
    return strcmp(code, "IMP") == 0 ? "inpatient encounter" : strcmp(code, "AMB") == 0 ? "ambulatory" : "emergency";
}

/* ---- reading an Encounter ------------------------------------------------- */

static const char *str_at(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static const char *enc_class(const json_t *enc) { return str_at(json_object_get(enc, "class"), "code"); }

static int is_encounter(const json_t *r)
{
    const char *t = str_at(r, "resourceType");
    return json_is_object(r) && t && strcmp(t, "Encounter") == 0;
}

static int is_inpatient(const json_t *enc)
{
    const char *cls = enc_class(enc);
    return is_encounter(enc) && cls && strcmp(cls, "IMP") == 0;
}

int ck_care_encounter_is_admitted(const json_t *enc)
{
    const char *st = str_at(enc, "status");
    return is_inpatient(enc) && st && strcmp(st, "in-progress") == 0;
}

/* "<ward>-bed-<n>" with n a decimal 1..MAX_BEDS without leading zeros. */
static int bed_of(const char *loc_id, const char *ward, unsigned *bed)
{
    size_t wl = strlen(ward);
    const char *p;
    unsigned long v = 0;
    if (strncmp(loc_id, ward, wl) != 0 || strncmp(loc_id + wl, "-bed-", 5) != 0) return -1;
    p = loc_id + wl + 5;
    if (*p < '1' || *p > '9' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 6) return -1;
    v = strtoul(p, NULL, 10);
    if (v > MAX_BEDS) return -1;
    *bed = (unsigned)v;
    return 0;
}

static const char *physical_type(const json_t *loc)
{
    return str_at(json_array_get(json_object_get(json_object_get(loc, "physicalType"), "coding"), 0), "code");
}

int ck_care_encounter_place(const json_t *enc, const char **ward, unsigned *bed)
{
    const json_t *locs = json_object_get(enc, "location"), *l;
    const char *w = NULL;
    size_t i;
    /* the ward is the location typed "wa" (else the first one); the bed is
     * the location named after it */
    json_array_foreach(locs, i, l) {
        const char *pt = physical_type(l);
        if (pt && strcmp(pt, "wa") == 0) w = ck_care_ref_id(json_object_get(l, "location"), "Location");
    }
    if (!w) w = ck_care_ref_id(json_object_get(json_array_get(locs, 0), "location"), "Location");
    if (!w) return -1;
    json_array_foreach(locs, i, l) {
        const char *id = ck_care_ref_id(json_object_get(l, "location"), "Location");
        if (id && bed_of(id, w, bed) == 0) {
            *ward = w;
            return 0;
        }
    }
    return -1;
}

static const char *subject_of(const json_t *enc) { return ck_care_ref_id(json_object_get(enc, "subject"), "Patient"); }

static int start_of(const json_t *enc, int64_t *ms)
{
    const char *s = str_at(json_object_get(enc, "period"), "start");
    return s && ck_care_time_parse(s, ms) == 0 ? 0 : -1;
}

static int end_of(const json_t *enc, int64_t *ms)
{
    const char *s = str_at(json_object_get(enc, "period"), "end");
    return s && ck_care_time_parse(s, ms) == 0 ? 0 : -1;
}

/* ---- building ------------------------------------------------------------- */

static int check_common(const ck_care_encounter_in *in, ck_care_error *err)
{
    if (!in) return ck_care_fail(err, "bad_input", "no encounter given");
    if (in->id && !ck_care_valid_ref_name(in->id)) return ck_care_fail(err, "bad_input", "invalid encounter id");
    if (!ck_care_valid_ref_name(in->patient)) return ck_care_fail(err, "bad_input", "invalid patient id");
    if (!ck_care_valid_ref_name(in->author)) return ck_care_fail(err, "bad_input", "invalid author id");
    if (!ck_care_valid_ref_name(in->org)) return ck_care_fail(err, "bad_input", "invalid organization name");
    if (in->reason && !ck_care_valid_text(in->reason, MAX_TEXT))
        return ck_care_fail(err, "bad_input", "the reason is empty or too long");
    if (in->reason_code && !ck_care_valid_sctid(in->reason_code))
        return ck_care_fail(err, "bad_input", "reason code '%.32s' is not a SNOMED CT id (6-18 digits)",
                            in->reason_code);
    if (in->at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid encounter time");
    return 0;
}

static json_t *reason(const ck_care_encounter_in *in)
{
    json_t *rc = json_object();
    if (in->reason_code)
        json_object_set_new(rc, "coding", json_pack("[o]", ck_care_coding(SNOMED, in->reason_code, NULL)));
    if (in->reason) json_object_set_new(rc, "text", json_string(in->reason));
    return json_pack("[o]", rc);
}

/* The fields every encounter has. */
static json_t *encounter_base(const ck_care_encounter_in *in, const char *cls, const char *status,
                              const char *participation, ck_care_error *err)
{
    char id[37], when[32];
    json_t *e;
    if (in->id) snprintf(id, sizeof id, "%s", in->id);
    else ck_care_new_id(id);
    ck_care_time_format(when, in->at_ms);
    e = json_pack("{s:s,s:s,s:s,s:o,s:o,s:[{s:[o],s:o}],s:o,s:{s:s}}", "resourceType", "Encounter", "id", id,
                  "status", status, "class", ck_care_coding(ACT_CODE, cls, class_display(cls)), "subject",
                  ck_care_ref("Patient", in->patient, NULL), "participant", "type",
                  ck_care_concept(PARTICIPATION, participation,
                                  strcmp(participation, "ADM") == 0 ? "admitter" : "attender"),
                  "individual", ck_care_ref("Practitioner", in->author, NULL), "serviceProvider",
                  ck_care_ref("Organization", in->org, NULL), "period", "start", when);
    if (!e) {
        ck_care_fail(err, "bad_input", "out of memory");
        return NULL;
    }
    if ((in->reason || in->reason_code) && json_object_set_new(e, "reasonCode", reason(in)) != 0) {
        json_decref(e);
        ck_care_fail(err, "bad_input", "out of memory");
        return NULL;
    }
    return e;
}

static json_t *location(const char *id, const char *type, const char *display, const char *status)
{
    return json_pack("{s:o,s:s,s:o}", "location", ck_care_ref("Location", id, NULL), "status", status,
                     "physicalType", ck_care_concept(PHYSICAL_TYPE, type, display));
}

json_t *ck_care_encounter_admit(const ck_care_encounter_in *in, ck_care_error *err)
{
    char bed_id[128];
    json_t *e;
    if (check_common(in, err) != 0) return NULL;
    if (!ck_care_valid_ref_name(in->ward)) return ck_care_fail(err, "bad_input", "invalid ward name"), NULL;
    if (in->bed < 1 || in->bed > MAX_BEDS) return ck_care_fail(err, "bad_input", "bed numbers start at 1"), NULL;
    snprintf(bed_id, sizeof bed_id, "%s-bed-%u", in->ward, in->bed);
    if (!(e = encounter_base(in, "IMP", "in-progress", "ADM", err))) return NULL;
    if (json_object_set_new(e, "location",
                            json_pack("[o,o]", location(in->ward, "wa", "Ward", "active"),
                                      location(bed_id, "bd", "Bed", "active"))) != 0) {
        json_decref(e);
        return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    }
    return e;
}

json_t *ck_care_encounter_visit(const ck_care_encounter_in *in, int emergency, ck_care_error *err)
{
    char when[32];
    json_t *e;
    if (check_common(in, err) != 0) return NULL;
    if (!emergency && !in->department)
        return ck_care_fail(err, "bad_input", "an outpatient visit needs a department"), NULL;
    if (in->department && !ck_care_valid_ref_name(in->department))
        return ck_care_fail(err, "bad_input", "invalid department name"), NULL;
    if (!(e = encounter_base(in, emergency ? "EMER" : "AMB", "finished", "ATND", err))) return NULL;
    ck_care_time_format(when, in->at_ms);
    json_object_set_new(json_object_get(e, "period"), "end", json_string(when));
    if (in->department &&
        json_object_set_new(e, "serviceType", ck_care_concept(UNIT_SYSTEM, in->department, NULL)) != 0) {
        json_decref(e);
        return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    }
    return e;
}

static const char *const dispositions[][2] = {
    {"home", "Home"}, {"alt-home", "Alternative home"}, {"other-hcf", "Other healthcare facility"},
    {"hosp", "Hospice"}, {"long", "Long-term care"}, {"aadvice", "Left against advice"}, {"exp", "Expired"},
    {"psy", "Psychiatric hospital"}, {"rehab", "Rehabilitation"}, {"snf", "Skilled nursing facility"},
    {"oth", "Other"},
};

static const char *disposition_display(const char *code)
{
    for (size_t i = 0; i < sizeof dispositions / sizeof *dispositions; i++)
        if (strcmp(dispositions[i][0], code) == 0) return dispositions[i][1];
    return NULL;
}

int ck_care_disposition_valid(const char *code) { return code && disposition_display(code) != NULL; }

json_t *ck_care_encounter_discharge(const json_t *prev, int64_t at_ms, const char *disposition, ck_care_error *err)
{
    const char *disp = disposition ? disposition_display(disposition) : NULL;
    char when[32];
    int64_t start;
    json_t *e, *l;
    size_t i;
    if (!ck_care_encounter_is_admitted(prev))
        return ck_care_fail(err, "not_admitted", "the encounter is not an in-progress admission"), NULL;
    if (!disp)
        return ck_care_fail(err, "bad_input", "unknown discharge disposition (home, alt-home, other-hcf, hosp, long, "
                                      "aadvice, exp, psy, rehab, snf, oth)"), NULL;
    if (start_of(prev, &start) != 0)
        return ck_care_fail(err, "bad_input", "the admission has no valid period.start"), NULL;
    if (at_ms < start) return ck_care_fail(err, "bad_time", "the discharge time is before the admission"), NULL;
    if (!(e = json_deep_copy(prev))) return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    ck_care_time_format(when, at_ms);
    json_object_set_new(e, "status", json_string("finished"));
    json_object_set_new(json_object_get(e, "period"), "end", json_string(when));
    json_array_foreach(json_object_get(e, "location"), i, l) json_object_set_new(l, "status", json_string("completed"));
    if (!json_is_object(json_object_get(e, "hospitalization")))
        json_object_set_new(e, "hospitalization", json_object());
    if (json_object_set_new(json_object_get(e, "hospitalization"), "dischargeDisposition",
                            ck_care_concept(DISPOSITION, disposition, disp)) != 0) {
        json_decref(e);
        return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    }
    return e;
}

json_t *ck_care_encounter_void(const json_t *prev, ck_care_error *err)
{
    json_t *e;
    if (!is_encounter(prev) || !str_at(prev, "id")) return ck_care_fail(err, "bad_input", "not an Encounter"), NULL;
    if (!(e = json_deep_copy(prev))) return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    json_object_set_new(e, "status", json_string("entered-in-error"));
    return e;
}

/* Standard base64 (RFC 4648, with padding); malloc'ed. */
static char *base64(const unsigned char *in, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        *o++ = tab[v >> 18 & 63];
        *o++ = tab[v >> 12 & 63];
        *o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = 0;
    return out;
}

json_t *ck_care_discharge_summary(const json_t *encounter, const char *author, const char *text, int64_t at_ms,
                                  ck_care_error *err)
{
    const char *enc_id = str_at(encounter, "id"), *patient = subject_of(encounter);
    char id[37], when[32], *b64;
    json_t *d;
    if (!is_encounter(encounter) || !enc_id || !patient)
        return ck_care_fail(err, "bad_input", "not an Encounter of a patient"), NULL;
    if (!ck_care_valid_ref_name(author)) return ck_care_fail(err, "bad_input", "invalid author id"), NULL;
    if (!ck_care_valid_text(text, MAX_TEXT))
        return ck_care_fail(err, "bad_input", "the summary is empty or too long"), NULL;
    if (at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid time"), NULL;
    if (!(b64 = base64((const unsigned char *)text, strlen(text))))
        return ck_care_fail(err, "bad_input", "out of memory"), NULL;
    ck_care_new_id(id);
    ck_care_time_format(when, at_ms);
    d = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:[o],s:[{s:{s:s,s:s,s:s}}],s:{s:[o]}}", "resourceType",
                  "DocumentReference", "id", id, "status", "current", "type",
                  ck_care_concept(LOINC, "18842-5", "Discharge summary"), "subject",
                  ck_care_ref("Patient", patient, NULL), "date", when, "author",
                  ck_care_ref("Practitioner", author, NULL), "content", "attachment", "contentType",
                  "text/plain; charset=utf-8", "data", b64, "title", "Discharge summary", "context", "encounter",
                  ck_care_ref("Encounter", enc_id, NULL));
    free(b64);
    if (!d) ck_care_fail(err, "bad_input", "out of memory");
    return d;
}

/* ---- checks ---------------------------------------------------------------- */

int ck_care_unit_check(const json_t *units, const char *name, const char *kind, ck_care_error *err)
{
    const json_t *u;
    size_t i;
    if (!json_is_array(units)) return ck_care_fail(err, "bad_input", "no unit list");
    if (!name) return ck_care_fail(err, "bad_input", "no unit named");
    json_array_foreach(units, i, u) {
        const char *n = str_at(u, "name"), *k = str_at(u, "kind");
        if (n && strcmp(n, name) == 0 && (!kind || (k && strcmp(k, kind) == 0))) return 0;
    }
    return ck_care_fail(err, "no_such_unit", "'%.64s' is not a %s of this hospital", name, kind ? kind : "unit");
}

static int64_t ward_beds(const json_t *units, const char *ward)
{
    const json_t *u;
    size_t i;
    json_array_foreach(units, i, u) {
        const char *n = str_at(u, "name"), *k = str_at(u, "kind");
        if (n && k && strcmp(n, ward) == 0 && strcmp(k, "ward") == 0)
            return json_is_integer(json_object_get(u, "beds")) ? json_integer_value(json_object_get(u, "beds")) : 0;
    }
    return -1;
}

/* Whether an admission holds ward/bed at at_ms: an in-progress one holds
 * it from now on (its end is open, so it overlaps any new stay); a
 * finished one only over [start, end). */
static int holds_bed(const json_t *enc, const char *ward, unsigned bed, int64_t at_ms)
{
    const char *w, *st = str_at(enc, "status");
    unsigned b;
    int64_t s, e;
    if (!is_inpatient(enc) || !st || ck_care_encounter_place(enc, &w, &b) != 0) return 0;
    if (strcmp(w, ward) != 0 || b != bed) return 0;
    if (strcmp(st, "in-progress") == 0) return 1;
    if (strcmp(st, "finished") != 0) return 0;   /* entered-in-error, cancelled, planned: no bed */
    return start_of(enc, &s) == 0 && end_of(enc, &e) == 0 && s <= at_ms && at_ms < e;
}

int ck_care_bed_check(const json_t *ward_items, const json_t *units, const char *ward, unsigned bed, int64_t at_ms,
                      const char *patient, ck_care_error *err)
{
    const json_t *it;
    int64_t beds;
    size_t i;
    if (!json_is_array(ward_items) || !json_is_array(units))
        return ck_care_fail(err, "bad_input", "no ledger or unit list");
    if (!ck_care_valid_ref_name(ward) || !ck_care_valid_ref_name(patient))
        return ck_care_fail(err, "bad_input", "invalid ward or patient id");
    if (at_ms <= 0) return ck_care_fail(err, "bad_input", "invalid admission time");
    if ((beds = ward_beds(units, ward)) < 0)
        return ck_care_fail(err, "no_such_ward", "'%s' is not a ward of this hospital", ward);
    if (bed < 1 || (int64_t)bed > beds)
        return ck_care_fail(err, "bed_out_of_range", "ward %s has beds 1..%lld, not %u", ward, (long long)beds, bed);
    if (ck_care_admission_of(ward_items, patient)) {
        const char *w = NULL;
        unsigned b = 0;
        ck_care_encounter_place(ck_care_item_resource(ck_care_admission_of(ward_items, patient)), &w, &b);
        return ck_care_fail(err, "already_admitted", "patient %s is already admitted (ward %s bed %u)", patient,
                            w ? w : "?", b);
    }
    json_array_foreach(ward_items, i, it) {
        const json_t *enc = ck_care_item_resource(it);
        if (holds_bed(enc, ward, bed, at_ms))
            return ck_care_fail(err, "bed_taken", "bed %u of ward %s is taken (Encounter/%s)", bed, ward,
                                str_at(enc, "id") ? str_at(enc, "id") : "?");
    }
    return 0;
}

const json_t *ck_care_admission_of(const json_t *ward_items, const char *patient)
{
    const json_t *it;
    size_t i;
    if (!patient) return NULL;
    json_array_foreach(ward_items, i, it) {
        const json_t *enc = ck_care_item_resource(it);
        const char *p = subject_of(enc);
        if (ck_care_encounter_is_admitted(enc) && p && strcmp(p, patient) == 0) return it;
    }
    return NULL;
}

/* ---- census and listing ----------------------------------------------------- */

static int census_cmp(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    int c = strcmp(str_at(x, "ward"), str_at(y, "ward"));
    if (c) return c;
    return (json_integer_value(json_object_get(x, "bed")) > json_integer_value(json_object_get(y, "bed"))) -
           (json_integer_value(json_object_get(x, "bed")) < json_integer_value(json_object_get(y, "bed")));
}

json_t *ck_care_census(const json_t *ward_items)
{
    json_t **v, *out = NULL;
    const json_t *it;
    size_t i, n = 0;
    if (!json_is_array(ward_items)) return NULL;
    if (!(v = calloc(json_array_size(ward_items) + 1, sizeof *v))) return NULL;
    json_array_foreach(ward_items, i, it) {
        const json_t *enc = ck_care_item_resource(it);
        const char *w, *p = subject_of(enc), *since = str_at(json_object_get(enc, "period"), "start");
        unsigned b;
        if (!ck_care_encounter_is_admitted(enc) || !p || ck_care_encounter_place(enc, &w, &b) != 0) continue;
        if (!(v[n] = json_pack("{s:s,s:s,s:s,s:I,s:s}", "encounter", str_at(enc, "id") ? str_at(enc, "id") : "",
                               "patient", p, "ward", w, "bed", (json_int_t)b, "since", since ? since : "")))
            goto out;
        n++;
    }
    out = ck_care_rows_sorted(v, n, census_cmp);
out:
    for (i = 0; i < n; i++) json_decref(v[i]);
    free(v);
    return out;
}

json_t *ck_care_encounter_row(const json_t *enc)
{
    const char *w = "", *cls = enc_class(enc), *st = str_at(enc, "status");
    const char *org = ck_care_ref_id(json_object_get(enc, "serviceProvider"), "Organization");
    const char *dep = str_at(json_array_get(json_object_get(json_object_get(enc, "serviceType"), "coding"), 0), "code");
    const json_t *period = json_object_get(enc, "period");
    unsigned b = 0;
    if (!is_encounter(enc)) return NULL;
    if (ck_care_encounter_place(enc, &w, &b) != 0) w = "", b = 0;
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "id", str_at(enc, "id") ? str_at(enc, "id") : "",
                     "class", cls ? cls : "", "status", st ? st : "", "hospital", org ? org : "", "ward", w, "bed",
                     (json_int_t)b, "department", dep ? dep : "", "start",
                     str_at(period, "start") ? str_at(period, "start") : "", "end",
                     str_at(period, "end") ? str_at(period, "end") : "");
}
