/*
 * care_schedule.c - doctors' schedules, slots and appointments (ledger
 * section `schedule`, docs/CARE.md).
 *
 * A Slot is written once with status "free" and never rewritten: whether it
 * is taken is derived from the latest Appointment versions that reference
 * it. Booking, rescheduling and cancelling therefore each write exactly one
 * ledger entry (the Appointment), and a cancelled or rescheduled
 * appointment frees its old slot without anyone touching the slot.
 */
#include "care/care_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEXT 1000   /* free text we store: reasons, service names */

static const char *item_type(const json_t *it) { return json_string_value(json_object_get(it, "type")); }
static const char *item_id(const json_t *it) { return json_string_value(json_object_get(it, "id")); }
static const char *res_str(const json_t *res, const char *key) { return json_string_value(json_object_get(res, key)); }

static int is_type(const json_t *it, const char *type)
{
    const char *t = item_type(it);
    return t && !strcmp(t, type) && item_id(it) && json_is_object(ck_care_item_resource(it));
}

static json_t *text_concept(const char *text) { return json_pack("{s:s}", "text", text); }

int ck_care_appointment_blocking(const char *status)
{
    return status && strcmp(status, "cancelled") && strcmp(status, "noshow") && strcmp(status, "entered-in-error");
}

int ck_care_appointment_times(const json_t *appt, int64_t *start_ms, int64_t *end_ms)
{
    const char *s = res_str(appt, "start"), *e = res_str(appt, "end");
    if (!s || !e || ck_care_time_parse(s, start_ms) || ck_care_time_parse(e, end_ms) || *end_ms <= *start_ms)
        return -1;
    return 0;
}

const char *ck_care_appointment_actor(const json_t *appt, const char *type)
{
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(appt, "participant"), i, p) {
        const char *id = ck_care_ref_id(json_object_get(p, "actor"), type);
        if (id) return id;
    }
    return NULL;
}

/* ---- schedules --------------------------------------------------------- */

json_t *ck_care_schedule_new(const char *practitioner, const char *location, int64_t from_ms, int64_t to_ms,
                             ck_care_error *err)
{
    char id[37];
    json_t *s = NULL, *actor;
    if (!ck_care_valid_dir_name(practitioner) || (location && !ck_care_valid_dir_name(location))) {
        ck_care_fail(err, "bad_input", "invalid practitioner or location name");
        return NULL;
    }
    if (to_ms <= from_ms) {
        ck_care_fail(err, "bad_input", "the planning horizon ends before it starts");
        return NULL;
    }
    ck_care_new_id(id);
    actor = json_pack("[o]", ck_care_ref("Practitioner", practitioner, NULL));
    if (actor && location) json_array_append_new(actor, ck_care_ref("Location", location, NULL));
    if (actor)
        s = json_pack("{s:s,s:s,s:b,s:o,s:{s:o,s:o}}", "resourceType", "Schedule", "id", id, "active", 1, "actor",
                      actor, "planningHorizon", "start", ck_care_instant(from_ms), "end", ck_care_instant(to_ms));
    if (!s) ck_care_fail(err, "nomem", "out of memory");
    return s;
}

/* The id of the schedule's first actor of that type. */
static const char *schedule_actor(const json_t *schedule, const char *type)
{
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(schedule, "actor"), i, a) {
        const char *id = ck_care_ref_id(a, type);
        if (id) return id;
    }
    return NULL;
}

const char *ck_care_schedule_practitioner(const json_t *schedule) { return schedule_actor(schedule, "Practitioner"); }

static const char *schedule_location(const json_t *schedule) { return schedule_actor(schedule, "Location"); }

const json_t *ck_care_schedule_find(const json_t *items, const char *practitioner, const char *location)
{
    size_t i;
    const json_t *it;
    if (!practitioner) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *p, *l;
        if (!is_type(it, "Schedule") || json_is_false(json_object_get(res, "active"))) continue;
        p = ck_care_schedule_practitioner(res);
        l = schedule_location(res);
        if (p && !strcmp(p, practitioner) && (location ? l && !strcmp(l, location) : !l)) return it;
    }
    return NULL;
}

json_t *ck_care_schedule_widen(const json_t *schedule, int64_t from_ms, int64_t to_ms, ck_care_error *err)
{
    const json_t *h = json_object_get(schedule, "planningHorizon");
    int64_t s, e;
    json_t *out;
    if (to_ms <= from_ms) {
        ck_care_fail(err, "bad_input", "the span ends before it starts");
        return NULL;
    }
    if (!json_is_object(h) || ck_care_time_parse(res_str(h, "start"), &s) || ck_care_time_parse(res_str(h, "end"), &e)) {
        s = from_ms;   /* no usable horizon: take the span */
        e = to_ms;
    } else if (s <= from_ms && to_ms <= e) {
        ck_care_fail(err, "unchanged", "the planning horizon already covers the span");
        return NULL;
    }
    if (from_ms < s) s = from_ms;
    if (to_ms > e) e = to_ms;
    if (!(out = json_deep_copy(schedule)) ||
        json_object_set_new(out, "planningHorizon", ck_care_period_json(s, e))) {
        json_decref(out);
        ck_care_fail(err, "nomem", "out of memory");
        return NULL;
    }
    return out;
}

/* ---- slots ------------------------------------------------------------- */

static int slot_of_schedule(const json_t *it, const char *schedule_id)
{
    const json_t *res = ck_care_item_resource(it);
    const char *sid = ck_care_ref_id(json_object_get(res, "schedule"), "Schedule");
    const char *st = res_str(res, "status");
    return is_type(it, "Slot") && sid && !strcmp(sid, schedule_id) && !(st && !strcmp(st, "entered-in-error"));
}

/* An existing slot of the schedule overlapping [start, end), or NULL. */
static const json_t *overlapping_slot(const json_t *items, const char *schedule_id, int64_t start, int64_t end)
{
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it) {
        int64_t s, e;
        if (!slot_of_schedule(it, schedule_id)) continue;
        if (ck_care_appointment_times(ck_care_item_resource(it), &s, &e)) continue;
        if (s < end && start < e) return it;
    }
    return NULL;
}

json_t *ck_care_slots_generate(const json_t *items, const char *schedule_id, int64_t from_ms, int64_t to_ms,
                               int64_t len_ms, ck_care_error *err)
{
    json_t *out = NULL;
    int64_t n;
    char sched[80];
    if (!ck_care_valid_fhir_id(schedule_id)) {
        ck_care_fail(err, "bad_input", "invalid schedule id");
        return NULL;
    }
    if (len_ms <= 0) {
        ck_care_fail(err, "bad_input", "the slot length must be positive");
        return NULL;
    }
    if (to_ms <= from_ms) {
        ck_care_fail(err, "bad_input", "the span of slots ends before it starts");
        return NULL;
    }
    if ((to_ms - from_ms) % len_ms != 0) {
        ck_care_fail(err, "bad_input", "the span of %lld minutes is not a whole number of %lld-minute slots",
                     (long long)((to_ms - from_ms) / 60000), (long long)(len_ms / 60000));
        return NULL;
    }
    n = (to_ms - from_ms) / len_ms;
    if (n > CK_CARE_SLOTS_MAX) {
        ck_care_fail(err, "bad_input", "%lld slots at once; the limit is %d", (long long)n, CK_CARE_SLOTS_MAX);
        return NULL;
    }
    snprintf(sched, sizeof sched, "Schedule/%s", schedule_id);
    if (!(out = json_array())) goto nomem;
    for (int64_t k = 0; k < n; k++) {
        int64_t s = from_ms + k * len_ms, e = s + len_ms;
        const json_t *clash = overlapping_slot(items, schedule_id, s, e);
        char id[37];
        json_t *slot;
        if (clash) {
            char a[48], b[48];
            int64_t cs = 0, ce = 0;
            ck_care_appointment_times(ck_care_item_resource(clash), &cs, &ce);
            ck_care_span_text(a, s, e);
            ck_care_span_text(b, cs, ce);
            ck_care_fail(err, "slot_overlap", "the slot %s overlaps Slot/%s (%s) of the schedule", a, item_id(clash),
                         b);
            json_decref(out);
            return NULL;
        }
        ck_care_new_id(id);
        slot = json_pack("{s:s,s:s,s:{s:s},s:s,s:o,s:o}", "resourceType", "Slot", "id", id, "schedule", "reference",
                         sched, "status", "free", "start", ck_care_instant(s), "end", ck_care_instant(e));
        if (!slot || json_array_append_new(out, slot)) goto nomem;
    }
    return out;
nomem:
    json_decref(out);
    ck_care_fail(err, "nomem", "out of memory");
    return NULL;
}

static int refs_slot(const json_t *appt, const char *slot_id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(json_object_get(appt, "slot"), i, r) {
        const char *id = ck_care_ref_id(r, "Slot");
        if (id && !strcmp(id, slot_id)) return 1;
    }
    return 0;
}

const json_t *ck_care_slot_holder(const json_t *items, const char *slot_id, const char *ignore_id)
{
    size_t i;
    const json_t *it;
    if (!slot_id) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        if (!is_type(it, "Appointment") || !ck_care_appointment_blocking(res_str(res, "status"))) continue;
        if (ignore_id && item_id(it) && !strcmp(item_id(it), ignore_id)) continue;
        if (refs_slot(res, slot_id)) return it;
    }
    return NULL;
}

/* The practitioner whose schedule holds the slot, or NULL. */
static const char *slot_practitioner(const json_t *items, const json_t *slot)
{
    const char *sid = ck_care_ref_id(json_object_get(slot, "schedule"), "Schedule");
    const json_t *sched = sid ? ck_care_items_find(items, "Schedule", sid) : NULL;
    return sched ? ck_care_schedule_practitioner(ck_care_item_resource(sched)) : NULL;
}

static const json_t *slot_taken(const json_t *slot_item, const json_t *holder, ck_care_error *err)
{
    char sp[48];
    int64_t s = 0, e = 0;
    ck_care_appointment_times(ck_care_item_resource(slot_item), &s, &e);
    ck_care_span_text(sp, s, e);
    ck_care_fail(err, "slot_taken", "Slot/%s (%s) is taken by Appointment/%s", item_id(slot_item), sp, item_id(holder));
    return NULL;
}

static const json_t *pick_by_id(const json_t *items, const char *practitioner, const char *slot_id,
                                const char *ignore_id, ck_care_error *err)
{
    const json_t *it = ck_care_items_find(items, "Slot", slot_id), *holder;
    const char *st, *who;
    int64_t s, e;
    if (!it || !json_is_object(ck_care_item_resource(it))) {
        ck_care_fail(err, "no_slot", "there is no Slot/%s", slot_id);
        return NULL;
    }
    st = res_str(ck_care_item_resource(it), "status");
    if ((st && !strcmp(st, "entered-in-error")) || ck_care_appointment_times(ck_care_item_resource(it), &s, &e)) {
        ck_care_fail(err, "no_slot", "Slot/%s is not bookable", slot_id);
        return NULL;
    }
    who = slot_practitioner(items, ck_care_item_resource(it));
    if (practitioner && (!who || strcmp(who, practitioner))) {
        ck_care_fail(err, "no_slot", "Slot/%s is not in a schedule of %s", slot_id, practitioner);
        return NULL;
    }
    if ((holder = ck_care_slot_holder(items, slot_id, ignore_id))) return slot_taken(it, holder, err);
    return it;
}

static const json_t *pick_by_time(const json_t *items, const char *practitioner, int64_t at_ms,
                                  const char *ignore_id, ck_care_error *err)
{
    size_t i;
    const json_t *it, *taken = NULL, *holder = NULL;
    char when[32];
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it), *h;
        const char *st = res_str(res, "status"), *who;
        int64_t s, e;
        if (!is_type(it, "Slot") || (st && !strcmp(st, "entered-in-error"))) continue;
        if (ck_care_appointment_times(res, &s, &e) || s != at_ms) continue;
        if (!(who = slot_practitioner(items, res)) || strcmp(who, practitioner)) continue;
        if (!(h = ck_care_slot_holder(items, item_id(it), ignore_id))) return it;
        if (!taken) taken = it, holder = h;
    }
    if (taken) return slot_taken(taken, holder, err);
    ck_care_time_format(when, at_ms);
    ck_care_fail(err, "no_slot", "%s has no slot starting at %s", practitioner, when);
    return NULL;
}

const json_t *ck_care_slot_pick(const json_t *items, const char *practitioner, const char *slot_id, int64_t at_ms,
                                const char *ignore_id, ck_care_error *err)
{
    if (practitioner && !ck_care_valid_dir_name(practitioner)) {
        ck_care_fail(err, "bad_input", "invalid practitioner name");
        return NULL;
    }
    if (slot_id) {
        if (!ck_care_valid_fhir_id(slot_id)) {
            ck_care_fail(err, "bad_input", "invalid slot id");
            return NULL;
        }
        return pick_by_id(items, practitioner, slot_id, ignore_id, err);
    }
    if (!practitioner) {
        ck_care_fail(err, "bad_input", "a slot id or a practitioner and a time is needed");
        return NULL;
    }
    return pick_by_time(items, practitioner, at_ms, ignore_id, err);
}

int ck_care_patient_free(const json_t *items, const char *patient, int64_t start_ms, int64_t end_ms,
                         const char *ignore_id, ck_care_error *err)
{
    size_t i;
    const json_t *it;
    if (!ck_care_valid_dir_name(patient) || end_ms <= start_ms) {
        ck_care_fail(err, "bad_input", "invalid patient or time span");
        return -1;
    }
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *p;
        int64_t s, e;
        if (!is_type(it, "Appointment") || !ck_care_appointment_blocking(res_str(res, "status"))) continue;
        if (ignore_id && item_id(it) && !strcmp(item_id(it), ignore_id)) continue;
        if (!(p = ck_care_appointment_actor(res, "Patient")) || strcmp(p, patient)) continue;
        if (ck_care_appointment_times(res, &s, &e) || !(s < end_ms && start_ms < e)) continue;
        {
            char sp[48];
            ck_care_span_text(sp, s, e);
            ck_care_fail(err, "patient_busy", "patient %s already has Appointment/%s at %s", patient, item_id(it), sp);
        }
        return -1;
    }
    return 0;
}

/* ---- appointments ------------------------------------------------------ */

static json_t *participant(const char *type, const char *id)
{
    return json_pack("{s:o,s:s,s:s}", "actor", ck_care_ref(type, id, NULL), "required", "required", "status",
                     "accepted");
}

/* Sets slot, start and end of appt from a Slot item. */
static int put_slot(json_t *appt, const json_t *slot_item, ck_care_error *err)
{
    const json_t *slot = ck_care_item_resource(slot_item);
    int64_t s, e;
    if (!is_type(slot_item, "Slot") || !ck_care_valid_fhir_id(item_id(slot_item)) ||
        ck_care_appointment_times(slot, &s, &e)) {
        ck_care_fail(err, "bad_input", "not a bookable Slot item");
        return -1;
    }
    if (json_object_set_new(appt, "slot", json_pack("[o]", ck_care_ref("Slot", item_id(slot_item), NULL))) ||
        json_object_set_new(appt, "start", ck_care_instant(s)) ||
        json_object_set_new(appt, "end", ck_care_instant(e))) {
        ck_care_fail(err, "nomem", "out of memory");
        return -1;
    }
    return 0;
}

json_t *ck_care_appointment_new(const ck_care_appointment_in *in, ck_care_error *err)
{
    char id[37];
    json_t *a = NULL, *parts;
    if (!in || !ck_care_valid_dir_name(in->patient) || !ck_care_valid_dir_name(in->practitioner) ||
        (in->location && !ck_care_valid_dir_name(in->location))) {
        ck_care_fail(err, "bad_input", "invalid patient, practitioner or location name");
        return NULL;
    }
    if ((in->id && !ck_care_valid_fhir_id(in->id)) ||
        (in->service_type && !ck_care_valid_text(in->service_type, MAX_TEXT)) ||
        (in->reason && !ck_care_valid_text(in->reason, MAX_TEXT))) {
        ck_care_fail(err, "bad_input", "invalid id, service type or reason (1 to 1000 characters)");
        return NULL;
    }
    snprintf(id, sizeof id, "%s", in->id ? in->id : "");
    if (!in->id) ck_care_new_id(id);
    parts = json_pack("[o,o]", participant("Patient", in->patient), participant("Practitioner", in->practitioner));
    if (parts && in->location) json_array_append_new(parts, participant("Location", in->location));
    if (!parts || !(a = json_pack("{s:s,s:s,s:s,s:o}", "resourceType", "Appointment", "id", id, "status", "booked",
                                  "participant", parts)))
        goto nomem;
    if (in->service_type && json_object_set_new(a, "serviceType", json_pack("[o]", text_concept(in->service_type))))
        goto nomem;
    if (in->reason && json_object_set_new(a, "reasonCode", json_pack("[o]", text_concept(in->reason)))) goto nomem;
    if (in->created_ms && json_object_set_new(a, "created", ck_care_instant(in->created_ms))) goto nomem;
    if (put_slot(a, in->slot, err)) {
        json_decref(a);
        return NULL;
    }
    return a;
nomem:
    json_decref(a);
    ck_care_fail(err, "nomem", "out of memory");
    return NULL;
}

static int is_appointment(const json_t *appt, ck_care_error *err)
{
    const char *t = res_str(appt, "resourceType");
    if (!t || strcmp(t, "Appointment") || !ck_care_valid_fhir_id(res_str(appt, "id")) || !res_str(appt, "status")) {
        ck_care_fail(err, "bad_input", "not an Appointment");
        return 0;
    }
    return 1;
}

json_t *ck_care_appointment_reschedule(const json_t *appt, const json_t *slot_item, ck_care_error *err)
{
    json_t *a;
    if (!is_appointment(appt, err)) return NULL;
    if (strcmp(res_str(appt, "status"), "booked")) {
        ck_care_fail(err, "bad_status", "Appointment/%s is %s; only a booked appointment can be rescheduled",
                     res_str(appt, "id"), res_str(appt, "status"));
        return NULL;
    }
    if (!(a = json_deep_copy(appt))) {
        ck_care_fail(err, "nomem", "out of memory");
        return NULL;
    }
    if (put_slot(a, slot_item, err)) {
        json_decref(a);
        return NULL;
    }
    return a;
}

/* The appointment state machine (FHIR AppointmentStatus, the part we use). */
static int transition_allowed(const char *from, const char *to)
{
    static const struct {
        const char *from, *to;
    } ok[] = {
        {"booked", "checked-in"}, {"booked", "fulfilled"},     {"booked", "noshow"},
        {"booked", "cancelled"},  {"checked-in", "fulfilled"}, {"checked-in", "cancelled"},
        {"arrived", "fulfilled"}, {"arrived", "cancelled"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (!strcmp(ok[i].from, from) && !strcmp(ok[i].to, to)) return 1;
    return 0;
}

json_t *ck_care_appointment_transition(const json_t *appt, const char *to, const char *reason, ck_care_error *err)
{
    json_t *a;
    const char *from;
    if (!is_appointment(appt, err)) return NULL;
    if (reason && !ck_care_valid_text(reason, MAX_TEXT)) {
        ck_care_fail(err, "bad_input", "the reason must have 1 to 1000 characters");
        return NULL;
    }
    from = res_str(appt, "status");
    if (!to || !transition_allowed(from, to)) {
        ck_care_fail(err, "bad_status", "Appointment/%s is %s; it cannot become %s", res_str(appt, "id"), from,
                     to ? to : "(none)");
        return NULL;
    }
    if (!(a = json_deep_copy(appt)) || json_object_set_new(a, "status", json_string(to)) ||
        (!strcmp(to, "cancelled") && reason &&
         json_object_set_new(a, "cancelationReason", text_concept(reason)))) {
        json_decref(a);
        ck_care_fail(err, "nomem", "out of memory");
        return NULL;
    }
    return a;
}

/* ---- views ------------------------------------------------------------- */

typedef struct {
    int64_t start;
    json_t *row;
} keyed_row;

static int by_start(const void *a, const void *b)
{
    const keyed_row *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x->row, "id")) ?: res_str(x->row, "slot") ?: "",
                  json_string_value(json_object_get(y->row, "id")) ?: res_str(y->row, "slot") ?: "");
}

/* Sorts rows (array of objects with "start" instants) by start. */
static json_t *sorted(json_t *rows)
{
    size_t n = json_array_size(rows), i;
    keyed_row *k;
    json_t *out;
    if (!rows || n < 2) return rows;
    if (!(k = calloc(n, sizeof *k)) || !(out = json_array())) {
        free(k);
        json_decref(rows);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        k[i].row = json_array_get(rows, i);
        if (ck_care_time_parse(res_str(k[i].row, "start"), &k[i].start)) k[i].start = INT64_MIN;
    }
    qsort(k, n, sizeof *k, by_start);
    for (i = 0; i < n; i++) json_array_append(out, k[i].row);
    free(k);
    json_decref(rows);
    return out;
}

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *ck_care_slots_view(const json_t *items, const char *practitioner, const ck_care_period *p)
{
    json_t *rows = json_array();
    size_t i;
    const json_t *it;
    if (!rows) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it), *sched, *holder;
        const char *sid, *who, *st = res_str(res, "status");
        int64_t s, e;
        json_t *row;
        if (!is_type(it, "Slot") || (st && !strcmp(st, "entered-in-error"))) continue;
        if (ck_care_appointment_times(res, &s, &e) || (p && (s < p->from_ms || s >= p->to_ms))) continue;
        sid = ck_care_ref_id(json_object_get(res, "schedule"), "Schedule");
        sched = sid ? ck_care_items_find(items, "Schedule", sid) : NULL;
        who = sched ? ck_care_schedule_practitioner(ck_care_item_resource(sched)) : NULL;
        if (practitioner && (!who || strcmp(who, practitioner))) continue;
        holder = ck_care_slot_holder(items, item_id(it), NULL);
        row = json_pack("{s:s,s:o,s:o,s:o,s:s,s:s,s:s}", "slot", item_id(it), "schedule", str_or_null(sid),
                        "practitioner", str_or_null(who), "location",
                        str_or_null(sched ? schedule_location(ck_care_item_resource(sched)) : NULL), "start",
                        res_str(res, "start"), "end", res_str(res, "end"), "status", holder ? "booked" : "free");
        if (row && holder) {
            const json_t *hr = ck_care_item_resource(holder);
            json_object_set_new(row, "appointment", json_string(item_id(holder)));
            json_object_set_new(row, "appointment_status", json_string(res_str(hr, "status")));
            json_object_set_new(row, "patient", str_or_null(ck_care_appointment_actor(hr, "Patient")));
        }
        if (!row || json_array_append_new(rows, row)) {
            json_decref(rows);
            return NULL;
        }
    }
    return sorted(rows);
}

static const char *first_text(const json_t *concepts)
{
    const json_t *c = json_array_get(concepts, 0);
    const char *t = res_str(c, "text");
    if (!t) t = res_str(json_array_get(json_object_get(c, "coding"), 0), "display");
    return t;
}

json_t *ck_care_appointments_view(const json_t *items, const char *patient)
{
    json_t *rows = json_array();
    size_t i;
    const json_t *it;
    if (!rows) return NULL;
    json_array_foreach(items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *pt = ck_care_appointment_actor(res, "Patient");
        json_t *row;
        if (!is_type(it, "Appointment") || !res_str(res, "start")) continue;
        if (patient && (!pt || strcmp(pt, patient))) continue;
        row = json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:b}", "id", item_id(it), "status",
                        str_or_null(res_str(res, "status")), "start", res_str(res, "start"), "end",
                        str_or_null(res_str(res, "end")), "patient", str_or_null(pt), "practitioner",
                        str_or_null(ck_care_appointment_actor(res, "Practitioner")), "location",
                        str_or_null(ck_care_appointment_actor(res, "Location")), "service",
                        str_or_null(first_text(json_object_get(res, "serviceType"))), "reason",
                        str_or_null(first_text(json_object_get(res, "reasonCode"))), "surgery",
                        ck_care_is_theatre_booking(res));
        if (!row || json_array_append_new(rows, row)) {
            json_decref(rows);
            return NULL;
        }
    }
    return sorted(rows);
}
