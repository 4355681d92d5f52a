/* tests/care/test_schedule.c - schedules, slots and appointments (care_schedule.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_test_util.h"
#include "harness.h"

#define T care_test_time
#define S care_test_str

/* The ledger as the CLI hands it over: the latest version of each Type/id. */
static void put(json_t *items, const json_t *res) { care_test_put(items, "schedule", res); }

static void put_all(json_t *items, const json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) put(items, x);
}

static const char *slot_id_at(const json_t *slots, size_t i) { return S(json_array_get(slots, i), "id"); }

static void test_schedule(void)
{
    ck_care_error err;
    json_t *s, *w, *items = json_array();
    const json_t *f;

    CHECK(!ck_care_schedule_new("dr a", NULL, 0, 1, &err) && !strcmp(err.code, "bad_input"), "bad practitioner");
    CHECK(!ck_care_schedule_new("dr-a", "-x", 0, 1, &err), "bad location");
    CHECK(!ck_care_schedule_new("dr-a", NULL, 5, 5, &err), "empty horizon");
    s = ck_care_schedule_new("dr-a", "clinic-1", T("2026-11-25"), T("2026-11-26"), &err);
    CHECK(s != NULL, "schedule: %s", err.msg);
    CHECK(!strcmp(S(s, "resourceType"), "Schedule") && json_is_true(json_object_get(s, "active")), "type");
    CHECK(!strcmp(ck_care_schedule_practitioner(s), "dr-a"), "practitioner");
    CHECK(!strcmp(S(json_object_get(s, "planningHorizon"), "start"), "2026-11-25T00:00:00Z"), "horizon start");
    CHECK(!strcmp(S(json_object_get(s, "planningHorizon"), "end"), "2026-11-26T00:00:00Z"), "horizon end");
    CHECK(!strcmp(S(json_array_get(json_object_get(s, "actor"), 1), "reference"), "Location/clinic-1"), "location");
    put(items, s);
    f = ck_care_schedule_find(items, "dr-a", "clinic-1");
    CHECK(f && !strcmp(S(f, "id"), S(s, "id")), "find by practitioner and location");
    CHECK(!ck_care_schedule_find(items, "dr-a", NULL), "no schedule without a location");
    CHECK(!ck_care_schedule_find(items, "dr-b", "clinic-1"), "other doctor");

    CHECK(!ck_care_schedule_widen(s, T("2026-11-25T09:00"), T("2026-11-25T12:00"), &err) &&
              !strcmp(err.code, "unchanged"),
          "inside the horizon: unchanged");
    w = ck_care_schedule_widen(s, T("2026-11-27T09:00"), T("2026-11-27T12:00"), &err);
    CHECK(w && !strcmp(S(json_object_get(w, "planningHorizon"), "start"), "2026-11-25T00:00:00Z") &&
              !strcmp(S(json_object_get(w, "planningHorizon"), "end"), "2026-11-27T12:00:00Z") &&
              !strcmp(S(w, "id"), S(s, "id")),
          "widened to the new span, same id");
    json_decref(w);
    json_decref(s);
    json_decref(items);
}

static void test_slots(void)
{
    ck_care_error err;
    json_t *items = json_array(), *s, *slots, *more;
    const char *sid;

    s = ck_care_schedule_new("dr-a", NULL, T("2026-11-25"), T("2026-11-26"), &err);
    put(items, s);
    sid = S(s, "id");

    slots = ck_care_slots_generate(items, sid, T("2026-11-25T09:00"), T("2026-11-25T12:00"), 20 * 60000, &err);
    CHECK(slots && json_array_size(slots) == 9, "09:00-12:00 every 20 min: 9 slots (%s)", slots ? "" : err.msg);
    CHECK(!strcmp(S(json_array_get(slots, 0), "start"), "2026-11-25T09:00:00Z") &&
              !strcmp(S(json_array_get(slots, 0), "end"), "2026-11-25T09:20:00Z"),
          "first slot");
    CHECK(!strcmp(S(json_array_get(slots, 8), "start"), "2026-11-25T11:40:00Z") &&
              !strcmp(S(json_array_get(slots, 8), "end"), "2026-11-25T12:00:00Z"),
          "last slot");
    CHECK(!strcmp(S(json_array_get(slots, 4), "status"), "free") &&
              !strcmp(S(json_array_get(slots, 4), "resourceType"), "Slot") &&
              !strcmp(ck_care_ref_id(json_object_get(json_array_get(slots, 4), "schedule"), "Schedule"), sid),
          "free slots of the schedule");
    CHECK(strcmp(slot_id_at(slots, 0), slot_id_at(slots, 1)) != 0, "distinct ids");

    /* bad spans */
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T09:00"), T("2026-11-25T12:00"), 0, &err) &&
              !strcmp(err.code, "bad_input"),
          "zero length");
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T09:00"), T("2026-11-25T12:00"), -60000, &err),
          "negative length");
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T12:00"), T("2026-11-25T12:00"), 60000, &err), "empty span");
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T12:00"), T("2026-11-25T09:00"), 60000, &err),
          "reversed span");
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T09:00"), T("2026-11-25T12:10"), 20 * 60000, &err) &&
              strstr(err.msg, "whole number"),
          "span not a whole number of slots: %s", err.msg);
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-26T00:00"), T("2026-11-26T03:21"), 60000, &err) &&
              strstr(err.msg, "201"),
          "201 slots refused: %s", err.msg);
    more = ck_care_slots_generate(items, sid, T("2026-11-26T00:00"), T("2026-11-26T03:20"), 60000, &err);
    CHECK(more && json_array_size(more) == CK_CARE_SLOTS_MAX, "200 slots allowed");
    json_decref(more);
    CHECK(!ck_care_slots_generate(items, "bad id!", T("2026-11-25T09:00"), T("2026-11-25T10:00"), 60000, &err),
          "bad schedule id");

    put_all(items, slots);
    /* overlaps at every edge */
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T11:40"), T("2026-11-25T12:20"), 20 * 60000, &err) &&
              !strcmp(err.code, "slot_overlap") && strstr(err.msg, slot_id_at(slots, 8)),
          "overlap at the end: %s", err.msg);
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T08:50"), T("2026-11-25T09:10"), 20 * 60000, &err) &&
              !strcmp(err.code, "slot_overlap") && strstr(err.msg, slot_id_at(slots, 0)),
          "overlap at the start");
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T10:05"), T("2026-11-25T10:10"), 5 * 60000, &err) &&
              !strcmp(err.code, "slot_overlap") && strstr(err.msg, "10:00-10:20"),
          "inside a slot: %s", err.msg);
    CHECK(!ck_care_slots_generate(items, sid, T("2026-11-25T08:00"), T("2026-11-25T13:00"), 300 * 60000, &err) &&
              !strcmp(err.code, "slot_overlap"),
          "enclosing all slots");
    more = ck_care_slots_generate(items, sid, T("2026-11-25T12:00"), T("2026-11-25T13:00"), 30 * 60000, &err);
    CHECK(more && json_array_size(more) == 2, "back-to-back after is fine");
    json_decref(more);
    more = ck_care_slots_generate(items, sid, T("2026-11-25T08:00"), T("2026-11-25T09:00"), 30 * 60000, &err);
    CHECK(more && json_array_size(more) == 2, "back-to-back before is fine");
    json_decref(more);
    {
        /* another schedule may have slots at the same time */
        json_t *s2 = ck_care_schedule_new("dr-b", NULL, T("2026-11-25"), T("2026-11-26"), &err);
        put(items, s2);
        more = ck_care_slots_generate(items, S(s2, "id"), T("2026-11-25T09:00"), T("2026-11-25T12:00"), 20 * 60000,
                                      &err);
        CHECK(more && json_array_size(more) == 9, "other schedule, same times");
        json_decref(more);
        json_decref(s2);
    }
    {
        /* an entered-in-error slot holds nothing */
        json_t *bad = json_deep_copy(json_array_get(slots, 8));
        json_object_set_new(bad, "status", json_string("entered-in-error"));
        put(items, bad);
        more = ck_care_slots_generate(items, sid, T("2026-11-25T11:40"), T("2026-11-25T12:00"), 20 * 60000, &err);
        CHECK(more && json_array_size(more) == 1, "entered-in-error slot replaced");
        json_decref(more);
        json_decref(bad);
    }
    json_decref(slots);
    json_decref(s);
    json_decref(items);
}

static void test_booking(void)
{
    ck_care_error err;
    json_t *items = json_array(), *s, *slots, *a, *a2, *a3, *view, *c;
    const json_t *slot, *holder;
    ck_care_appointment_in in;
    const char *aid;

    s = ck_care_schedule_new("dr-a", NULL, T("2026-11-25"), T("2026-11-26"), &err);
    put(items, s);
    slots = ck_care_slots_generate(items, S(s, "id"), T("2026-11-25T09:00"), T("2026-11-25T12:00"), 20 * 60000, &err);
    put_all(items, slots);

    /* picking */
    slot = ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T09:20"), NULL, &err);
    CHECK(slot && !strcmp(S(slot, "id"), slot_id_at(slots, 1)), "slot at 09:20");
    CHECK(!ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T09:25"), NULL, &err) && !strcmp(err.code, "no_slot"),
          "no slot starts at 09:25");
    CHECK(!ck_care_slot_pick(items, "dr-b", NULL, T("2026-11-25T09:20"), NULL, &err) && !strcmp(err.code, "no_slot"),
          "dr-b has no slots");
    CHECK(ck_care_slot_pick(items, "dr-a", slot_id_at(slots, 2), 0, NULL, &err) != NULL, "by id");
    CHECK(ck_care_slot_pick(items, NULL, slot_id_at(slots, 2), 0, NULL, &err) != NULL, "by id, any doctor");
    CHECK(!ck_care_slot_pick(items, "dr-b", slot_id_at(slots, 2), 0, NULL, &err) && !strcmp(err.code, "no_slot"),
          "by id, another doctor's slot");
    CHECK(!ck_care_slot_pick(items, "dr-a", "00000000-0000-4000-8000-000000000000", 0, NULL, &err) &&
              !strcmp(err.code, "no_slot"),
          "unknown slot id");
    CHECK(!ck_care_slot_pick(items, NULL, NULL, 0, NULL, &err) && !strcmp(err.code, "bad_input"), "nothing to pick by");

    /* booking */
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.practitioner = "dr-a";
    in.slot = slot;
    in.reason = "follow-up";
    in.created_ms = T("2026-11-20T08:00");
    a = ck_care_appointment_new(&in, &err);
    CHECK(a != NULL, "book: %s", a ? "" : err.msg);
    aid = S(a, "id");
    CHECK(!strcmp(S(a, "status"), "booked") && !strcmp(S(a, "start"), "2026-11-25T09:20:00Z") &&
              !strcmp(S(a, "end"), "2026-11-25T09:40:00Z"),
          "booked at the slot's times");
    CHECK(!strcmp(ck_care_ref_id(json_array_get(json_object_get(a, "slot"), 0), "Slot"), slot_id_at(slots, 1)),
          "slot reference");
    CHECK(!strcmp(ck_care_appointment_actor(a, "Patient"), "alice") &&
              !strcmp(ck_care_appointment_actor(a, "Practitioner"), "dr-a") && !ck_care_appointment_actor(a, "Location"),
          "participants");
    CHECK(!strcmp(S(json_array_get(json_object_get(a, "participant"), 0), "status"), "accepted"), "accepted");
    CHECK(!strcmp(S(json_array_get(json_object_get(a, "reasonCode"), 0), "text"), "follow-up"), "reason");
    CHECK(!strcmp(S(a, "created"), "2026-11-20T08:00:00Z"), "created");
    CHECK(!ck_care_is_theatre_booking(a), "not a surgery");
    put(items, a);

    in.patient = "bob";
    CHECK(!ck_care_appointment_new(&(ck_care_appointment_in){.patient = "bo b", .practitioner = "dr-a", .slot = slot},
                                   &err),
          "bad patient name");
    CHECK(!ck_care_appointment_new(&(ck_care_appointment_in){.patient = "bob", .practitioner = "dr-a", .slot = s}, &err),
          "a Schedule is not a slot");

    /* the slot is taken now */
    CHECK(!ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T09:20"), NULL, &err) &&
              !strcmp(err.code, "slot_taken") && strstr(err.msg, aid),
          "slot taken, names the appointment: %s", err.msg);
    CHECK(!ck_care_slot_pick(items, "dr-a", slot_id_at(slots, 1), 0, NULL, &err) && !strcmp(err.code, "slot_taken"),
          "taken by id");
    CHECK(ck_care_slot_pick(items, "dr-a", slot_id_at(slots, 1), 0, aid, &err) != NULL, "free for itself");
    holder = ck_care_slot_holder(items, slot_id_at(slots, 1), NULL);
    CHECK(holder && !strcmp(S(holder, "id"), aid), "holder");

    /* patient double booking */
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T09:30"), T("2026-11-25T09:50"), NULL, &err) == -1 &&
              !strcmp(err.code, "patient_busy") && strstr(err.msg, aid),
          "alice is busy 09:30");
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T09:00"), T("2026-11-25T09:21"), NULL, &err) == -1,
          "overlap by one minute at the start");
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T09:40"), T("2026-11-25T10:00"), NULL, &err) == 0,
          "back-to-back after");
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T09:00"), T("2026-11-25T09:20"), NULL, &err) == 0,
          "back-to-back before");
    CHECK(ck_care_patient_free(items, "bob", T("2026-11-25T09:20"), T("2026-11-25T09:40"), NULL, &err) == 0, "bob free");
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T09:20"), T("2026-11-25T09:40"), aid, &err) == 0,
          "ignoring itself");

    /* reschedule to 10:00: the 09:20 slot becomes free */
    slot = ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T10:00"), aid, &err);
    CHECK(slot != NULL, "10:00 free");
    a2 = ck_care_appointment_reschedule(a, slot, &err);
    CHECK(a2 && !strcmp(S(a2, "id"), aid) && !strcmp(S(a2, "start"), "2026-11-25T10:00:00Z") &&
              !strcmp(S(a2, "end"), "2026-11-25T10:20:00Z") &&
              !strcmp(ck_care_ref_id(json_array_get(json_object_get(a2, "slot"), 0), "Slot"), slot_id_at(slots, 3)),
          "rescheduled");
    put(items, a2);
    CHECK(!ck_care_slot_holder(items, slot_id_at(slots, 1), NULL), "old slot free");
    CHECK(ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T09:20"), NULL, &err) != NULL, "09:20 bookable again");
    CHECK(!ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T10:00"), NULL, &err) && !strcmp(err.code, "slot_taken"),
          "10:00 taken");

    /* check-in, then the state machine refuses what does not follow */
    c = ck_care_appointment_transition(a2, "checked-in", NULL, &err);
    CHECK(c && !strcmp(S(c, "status"), "checked-in") && !strcmp(S(c, "id"), aid), "check-in from booked");
    CHECK(!ck_care_appointment_transition(c, "checked-in", NULL, &err) && !strcmp(err.code, "bad_status"),
          "check-in twice");
    CHECK(!ck_care_appointment_reschedule(c, slot, &err) && !strcmp(err.code, "bad_status"),
          "a checked-in appointment is not rescheduled");
    CHECK(!ck_care_appointment_transition(c, "noshow", NULL, &err), "checked-in cannot be a noshow");
    json_decref(c);

    a3 = ck_care_appointment_transition(a2, "cancelled", "patient called", &err);
    CHECK(a3 && !strcmp(S(a3, "status"), "cancelled") &&
              !strcmp(S(json_object_get(a3, "cancelationReason"), "text"), "patient called"),
          "cancelled with a reason");
    CHECK(!ck_care_appointment_transition(a3, "checked-in", NULL, &err) && !strcmp(err.code, "bad_status") &&
              strstr(err.msg, "cancelled"),
          "check-in of a cancelled appointment: %s", err.msg);
    CHECK(!ck_care_appointment_transition(a3, "cancelled", NULL, &err), "cancel twice");
    CHECK(!ck_care_appointment_transition(a2, "bogus", NULL, &err), "unknown status");
    put(items, a3);
    CHECK(!ck_care_slot_holder(items, slot_id_at(slots, 3), NULL), "cancelled frees the slot");
    CHECK(ck_care_patient_free(items, "alice", T("2026-11-25T10:00"), T("2026-11-25T10:20"), NULL, &err) == 0,
          "cancelled does not make the patient busy");

    /* a noshow frees the slot too; a fulfilled one does not */
    in.patient = "bob";
    in.reason = NULL;
    in.created_ms = 0;
    in.slot = ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T11:00"), NULL, &err);
    {
        json_t *b = ck_care_appointment_new(&in, &err), *bf = ck_care_appointment_transition(b, "fulfilled", NULL, &err);
        CHECK(b && bf && !json_object_get(b, "created") && !json_object_get(b, "reasonCode"), "bob booked");
        put(items, bf);
        CHECK(!ck_care_slot_pick(items, "dr-a", NULL, T("2026-11-25T11:00"), NULL, &err), "fulfilled holds the slot");
        json_decref(b);
        json_decref(bf);
    }

    /* views */
    view = ck_care_slots_view(items, "dr-a", NULL);
    CHECK(json_array_size(view) == 9, "9 slots in the view");
    CHECK(!strcmp(S(json_array_get(view, 0), "start"), "2026-11-25T09:00:00Z") &&
              !strcmp(S(json_array_get(view, 8), "start"), "2026-11-25T11:40:00Z"),
          "sorted by start");
    CHECK(!strcmp(S(json_array_get(view, 6), "status"), "booked") &&
              !strcmp(S(json_array_get(view, 6), "patient"), "bob") &&
              !strcmp(S(json_array_get(view, 6), "appointment_status"), "fulfilled"),
          "11:00 booked by bob");
    CHECK(!strcmp(S(json_array_get(view, 3), "status"), "free") && !json_object_get(json_array_get(view, 3), "patient"),
          "10:00 free after the cancel");
    json_decref(view);
    {
        ck_care_period p;
        CHECK(ck_care_period_parse("2026-11-26", &p) == 0, "period");
        view = ck_care_slots_view(items, "dr-a", &p);
        CHECK(json_array_size(view) == 0, "no slots on the 26th");
        json_decref(view);
        view = ck_care_slots_view(items, "dr-b", NULL);
        CHECK(json_array_size(view) == 0, "dr-b has none");
        json_decref(view);
    }
    view = ck_care_appointments_view(items, "alice");
    CHECK(json_array_size(view) == 1 && !strcmp(S(json_array_get(view, 0), "status"), "cancelled") &&
              !strcmp(S(json_array_get(view, 0), "practitioner"), "dr-a") &&
              !strcmp(S(json_array_get(view, 0), "reason"), "follow-up"),
          "alice's appointments");
    json_decref(view);
    view = ck_care_appointments_view(items, NULL);
    CHECK(json_array_size(view) == 2 && !strcmp(S(json_array_get(view, 0), "patient"), "alice") &&
              !strcmp(S(json_array_get(view, 1), "patient"), "bob"),
          "all appointments, by start");
    json_decref(view);

    json_decref(a);
    json_decref(a2);
    json_decref(a3);
    json_decref(slots);
    json_decref(s);
    json_decref(items);
}

int main(void)
{
    test_schedule();
    test_slots();
    test_booking();
    TEST_MAIN_END();
}
