/* tests/care/test_theatre.c - theatre bookings, double booking, outcome and
 * the theatre MIS report (care_theatre.c, mis_theatre.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care_test_util.h"
#include "harness.h"

#define T care_test_time
#define S care_test_str

static void put(json_t *items, const json_t *res) { care_test_put(items, "theatre", res); }

static const ck_care_team_member team_a[] = {{"dr-c", "anaesthetist"}, {"nurse-a", NULL}};

static ck_care_theatre_in booking(const char *theatre, const char *surgeon, const char *from, const char *to)
{
    ck_care_theatre_in in;
    memset(&in, 0, sizeof in);
    in.patient = "alice";
    in.theatre = theatre;
    in.surgeon = surgeon;
    in.snomed = "80146002";
    in.display = "Appendectomy";
    in.start_ms = T(from);
    in.end_ms = T(to);
    return in;
}

/* Books into items; returns the Appointment id (static buffer). */
static const char *book(json_t *items, ck_care_theatre_in *in, const char *status)
{
    static char id[64];
    ck_care_error err;
    json_t *p = NULL, *a = NULL;
    if (ck_care_theatre_book(in, &p, &a, &err)) {
        fprintf(stderr, "book: %s\n", err.msg);
        exit(2);
    }
    if (status) json_object_set_new(a, "status", json_string(status));
    put(items, a);
    snprintf(id, sizeof id, "%s", S(a, "id"));
    json_decref(p);
    json_decref(a);
    return id;
}

static void test_book(void)
{
    ck_care_error err;
    ck_care_theatre_in in = booking("th-1", "dr-s", "2026-11-25T09:00", "2026-11-25T11:00");
    json_t *p, *a, *perf, *parts;

    in.team = team_a;
    in.n_team = 2;
    in.reason = "acute appendicitis";
    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == 0, "book: %s", err.msg);
    CHECK(!strcmp(S(p, "resourceType"), "Procedure") && !strcmp(S(p, "status"), "preparation"), "procedure");
    CHECK(!strcmp(S(p, "id"), S(a, "id")), "same id for procedure and booking");
    CHECK(!strcmp(S(json_array_get(json_object_get(json_object_get(p, "code"), "coding"), 0), "code"), "80146002") &&
              !strcmp(S(json_array_get(json_object_get(json_object_get(p, "code"), "coding"), 0), "system"),
                      "http://snomed.info/sct"),
          "SNOMED code");
    CHECK(!strcmp(ck_care_ref_id(json_object_get(p, "subject"), "Patient"), "alice"), "subject");
    CHECK(!strcmp(ck_care_ref_id(json_object_get(p, "location"), "Location"), "th-1"), "location");
    CHECK(!strcmp(S(json_object_get(p, "performedPeriod"), "start"), "2026-11-25T09:00:00Z") &&
              !strcmp(S(json_object_get(p, "performedPeriod"), "end"), "2026-11-25T11:00:00Z"),
          "planned period");
    perf = json_object_get(p, "performer");
    CHECK(json_array_size(perf) == 3, "surgeon + 2");
    CHECK(!strcmp(S(json_object_get(json_array_get(perf, 0), "function"), "text"), "surgeon") &&
              !strcmp(ck_care_ref_id(json_object_get(json_array_get(perf, 0), "actor"), "Practitioner"), "dr-s"),
          "surgeon performer");
    CHECK(!strcmp(S(json_object_get(json_array_get(perf, 1), "function"), "text"), "anaesthetist") &&
              !strcmp(S(json_object_get(json_array_get(perf, 2), "function"), "text"), "assistant"),
          "team functions (default assistant)");

    CHECK(ck_care_is_theatre_booking(a) && !strcmp(S(a, "status"), "booked"), "surgery appointment");
    CHECK(!strcmp(S(a, "start"), "2026-11-25T09:00:00Z") && !strcmp(S(a, "end"), "2026-11-25T11:00:00Z") &&
              json_integer_value(json_object_get(a, "minutesDuration")) == 120,
          "times");
    CHECK(!strcmp(ck_care_ref_id(json_array_get(json_object_get(a, "supportingInformation"), 0), "Procedure"),
                  S(p, "id")),
          "references the procedure");
    parts = json_object_get(a, "participant");
    CHECK(json_array_size(parts) == 5, "theatre, surgeon, 2 team, patient");
    CHECK(!strcmp(ck_care_appointment_actor(a, "Location"), "th-1") &&
              !strcmp(ck_care_appointment_actor(a, "Patient"), "alice") &&
              !strcmp(ck_care_appointment_actor(a, "Practitioner"), "dr-s"),
          "participants");
    json_decref(p);
    json_decref(a);

    /* bad input */
    in.snomed = "12ab56";
    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1 && !strcmp(err.code, "bad_input") && !p && !a, "bad SNOMED");
    in.snomed = "80146002";
    in.display = "";
    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1, "empty display");
    in.display = "Appendectomy";
    in.end_ms = in.start_ms;
    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1 && !strcmp(err.code, "bad_input"), "empty interval");
    in.end_ms = in.start_ms + 3600000;
    {
        const ck_care_team_member dup[] = {{"dr-c", NULL}, {"dr-c", "x"}}, self[] = {{"dr-s", NULL}};
        in.team = dup;
        CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1 && strstr(err.msg, "twice"), "duplicate team member");
        in.team = self;
        in.n_team = 1;
        CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1, "surgeon in the team");
    }
    in.n_team = 0;
    in.surgeon = "alice";
    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == -1, "surgeon is the patient");
}

static void test_double_booking(void)
{
    ck_care_error err;
    json_t *items = json_array();
    ck_care_theatre_in in = booking("th-1", "dr-s", "2026-11-25T09:00", "2026-11-25T11:00");
    char first[64], msg[200];
    static const struct {
        const char *from, *to;
        int clash;
    } edges[] = {
        {"2026-11-25T11:00", "2026-11-25T12:00", 0},   /* back-to-back after  */
        {"2026-11-25T08:00", "2026-11-25T09:00", 0},   /* back-to-back before */
        {"2026-11-25T08:00", "2026-11-25T09:01", 1},   /* one minute in       */
        {"2026-11-25T10:59", "2026-11-25T13:00", 1},   /* one minute before the end */
        {"2026-11-25T09:00", "2026-11-25T11:00", 1},   /* the same            */
        {"2026-11-25T09:30", "2026-11-25T10:00", 1},   /* inside              */
        {"2026-11-25T08:00", "2026-11-25T12:00", 1},   /* enclosing           */
        {"2026-11-24T09:00", "2026-11-24T11:00", 0},   /* another day         */
    };

    in.team = team_a;
    in.n_team = 2;
    snprintf(first, sizeof first, "%s", book(items, &in, NULL));

    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        ck_care_theatre_in x = booking("th-1", "dr-t", edges[i].from, edges[i].to);
        int rc = ck_care_theatre_check(items, &x, &err);
        CHECK(rc == (edges[i].clash ? -1 : 0), "theatre edge %zu (%s..%s)", i, edges[i].from, edges[i].to);
        if (edges[i].clash)
            CHECK(!strcmp(err.code, "theatre_double_booked") && strstr(err.msg, first), "names the booking");
    }
    {
        ck_care_theatre_in x = booking("th-1", "dr-t", "2026-11-25T10:00", "2026-11-25T12:00");
        CHECK(ck_care_theatre_check(items, &x, &err) == -1, "clash");
        snprintf(msg, sizeof msg, "theatre th-1 is booked 2026-11-25 09:00-11:00 by Appointment/%s", first);
        CHECK(!strcmp(err.msg, msg), "message: %s", err.msg);
    }
    {
        /* the surgeon in another theatre */
        ck_care_theatre_in x = booking("th-2", "dr-s", "2026-11-25T10:00", "2026-11-25T12:00");
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && !strcmp(err.code, "surgeon_double_booked") &&
                  strstr(err.msg, "surgeon dr-s") && strstr(err.msg, first),
              "surgeon double booked: %s", err.msg);
        x.start_ms = T("2026-11-25T11:00");
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "surgeon back-to-back");
    }
    {
        /* a team member of the first booking as this one's surgeon, or in its team */
        const ck_care_team_member t2[] = {{"dr-x", NULL}, {"nurse-a", "scrub nurse"}};
        const ck_care_team_member t3[] = {{"dr-s", NULL}};
        ck_care_theatre_in x = booking("th-2", "dr-c", "2026-11-25T10:00", "2026-11-25T12:00");
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && !strcmp(err.code, "surgeon_double_booked") &&
                  strstr(err.msg, "dr-c"),
              "the anaesthetist cannot operate elsewhere");
        x.surgeon = "dr-t";
        x.team = t2;
        x.n_team = 2;
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && !strcmp(err.code, "surgeon_double_booked") &&
                  strstr(err.msg, "team member nurse-a"),
              "team member busy: %s", err.msg);
        x.team = t3;
        x.n_team = 1;
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && strstr(err.msg, "team member dr-s"),
              "the first surgeon as a team member");
        x.n_team = 0;
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "dr-t in th-2 is fine");
    }
    {
        /* ignoring itself (a re-check of the same booking) */
        ck_care_theatre_in x = in;
        x.id = first;
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "itself does not clash");
    }
    {
        /* a clinic appointment of the surgeon is not a theatre booking */
        json_t *clinic = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:{s:s}}]}", "resourceType", "Appointment", "id", "c1",
                                   "status", "booked", "start", "2026-11-25T12:00:00Z", "end", "2026-11-25T13:00:00Z",
                                   "participant", "actor", "reference", "Practitioner/dr-t");
        ck_care_theatre_in x = booking("th-2", "dr-t", "2026-11-25T12:00", "2026-11-25T12:30");
        put(items, clinic);
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "clinic appointments do not block theatres");
        json_decref(clinic);
    }
    {
        /* cancelled and noshow bookings hold nothing; fulfilled ones do */
        ck_care_theatre_in c = booking("th-3", "dr-u", "2026-11-25T09:00", "2026-11-25T10:00");
        ck_care_theatre_in x = booking("th-3", "dr-u", "2026-11-25T09:30", "2026-11-25T10:30");
        book(items, &c, "cancelled");
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "a cancelled booking does not clash");
        c.start_ms = T("2026-11-25T10:00");
        c.end_ms = T("2026-11-25T10:15");
        book(items, &c, "noshow");
        CHECK(ck_care_theatre_check(items, &x, &err) == 0, "a noshow does not clash");
        c.start_ms = T("2026-11-25T10:15");
        c.end_ms = T("2026-11-25T10:45");
        book(items, &c, "fulfilled");
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && strstr(err.msg, "10:15-10:45"),
              "a fulfilled booking still holds its time: %s", err.msg);
    }
    {
        /* across midnight */
        ck_care_theatre_in n = booking("th-4", "dr-v", "2026-11-25T23:00", "2026-11-26T01:00");
        ck_care_theatre_in x = booking("th-4", "dr-w", "2026-11-26T00:30", "2026-11-26T02:00");
        book(items, &n, NULL);
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && strstr(err.msg, "2026-11-25 23:00-2026-11-26 01:00"),
              "overnight: %s", err.msg);
    }
    {
        ck_care_theatre_in x = booking("th 1", "dr-t", "2026-11-25T10:00", "2026-11-25T12:00");
        CHECK(ck_care_theatre_check(items, &x, &err) == -1 && !strcmp(err.code, "bad_input"), "bad theatre name");
    }
    json_decref(items);
}

static void test_outcome(void)
{
    ck_care_error err;
    ck_care_theatre_in in = booking("th-1", "dr-s", "2026-11-25T09:00", "2026-11-25T11:00");
    ck_care_theatre_outcome_in o;
    json_t *p, *a, *na, *np, *na2, *np2;

    CHECK(ck_care_theatre_book(&in, &p, &a, &err) == 0, "book");
    memset(&o, 0, sizeof o);
    o.status = "completed";
    o.outcome = "appendix removed, no complications";
    o.result = "successful";
    o.start_ms = T("2026-11-25T09:10");
    o.end_ms = T("2026-11-25T10:40");
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == 0, "outcome: %s", err.msg);
    CHECK(!strcmp(S(na, "status"), "fulfilled") && !strcmp(S(na, "id"), S(a, "id")), "booking fulfilled");
    CHECK(!strcmp(S(na, "start"), "2026-11-25T09:00:00Z"), "booked start kept");
    CHECK(!strcmp(S(json_object_get(json_array_get(json_object_get(na, "extension"), 0), "valuePeriod"), "start"),
                  "2026-11-25T09:10:00Z"),
          "actual period on the booking");
    CHECK(!strcmp(S(np, "status"), "completed"), "procedure completed");
    CHECK(!strcmp(S(json_object_get(np, "performedPeriod"), "start"), "2026-11-25T09:10:00Z") &&
              !strcmp(S(json_object_get(np, "performedPeriod"), "end"), "2026-11-25T10:40:00Z"),
          "actual period");
    CHECK(!strcmp(S(json_object_get(np, "outcome"), "text"), "appendix removed, no complications") &&
              !strcmp(S(json_array_get(json_object_get(json_object_get(np, "outcome"), "coding"), 0), "code"),
                      "385669000"),
          "outcome text and code");
    CHECK(!strcmp(S(p, "status"), "preparation"), "input untouched");

    /* no second outcome */
    CHECK(ck_care_theatre_outcome(na, np, &o, &na2, &np2, &err) == -1 && !strcmp(err.code, "bad_status"),
          "outcome twice");
    CHECK(ck_care_theatre_outcome(a, np, &o, &na2, &np2, &err) == -1 && !strcmp(err.code, "bad_status") &&
              strstr(err.msg, "Procedure"),
          "procedure already completed");
    CHECK(ck_care_theatre_cancel(na, np, NULL, &na2, &np2, &err) == -1 && !strcmp(err.code, "bad_status"),
          "cancel after the outcome");
    json_decref(na);
    json_decref(np);

    /* defaults: the planned period; without the patient's copy */
    memset(&o, 0, sizeof o);
    o.status = "stopped";
    o.outcome = "bleeding";
    CHECK(ck_care_theatre_outcome(a, NULL, &o, &na, &np, &err) == 0 && np, "stopped, procedure rebuilt");
    CHECK(!strcmp(S(na, "status"), "fulfilled") &&
              !strcmp(S(json_object_get(json_array_get(json_object_get(na, "extension"), 0), "valuePeriod"), "end"),
                      "2026-11-25T11:00:00Z"),
          "planned period used");
    {
        /* the rebuilt Procedure is the planned one plus the outcome */
        json_t *want = json_deep_copy(p);
        json_object_set_new(want, "status", json_string("stopped"));
        json_object_set_new(want, "outcome", json_pack("{s:s}", "text", "bleeding"));
        CHECK(json_equal(want, np), "rebuilt from the booking = the patient's copy");
        json_decref(want);
    }
    json_decref(na);
    json_decref(np);
    {
        /* with a team and a reason, the rebuild keeps them */
        ck_care_theatre_in t = booking("th-1", "dr-s", "2026-11-25T12:00", "2026-11-25T13:00");
        json_t *tp, *ta;
        t.team = team_a;
        t.n_team = 2;
        t.reason = "pain";
        CHECK(ck_care_theatre_book(&t, &tp, &ta, &err) == 0, "book with team");
        CHECK(ck_care_theatre_cancel(ta, NULL, NULL, &na, &np, &err) == 0, "cancel without the copy");
        json_object_set_new(tp, "status", json_string("not-done"));
        json_object_set_new(tp, "statusReason", json_pack("{s:s}", "text", "cancelled"));
        json_object_del(tp, "performedPeriod");
        CHECK(json_equal(tp, np), "rebuilt cancelled procedure");
        json_decref(tp), json_decref(ta), json_decref(na), json_decref(np);
    }
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == 0 && !strcmp(S(np, "status"), "stopped") &&
              !strcmp(S(json_object_get(np, "outcome"), "text"), "bleeding"),
          "stopped procedure");
    json_decref(na);
    json_decref(np);

    /* not-done */
    memset(&o, 0, sizeof o);
    o.status = "not-done";
    o.outcome = "patient unfit";
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == 0, "not-done");
    CHECK(!strcmp(S(na, "status"), "cancelled") && !strcmp(S(json_object_get(na, "cancelationReason"), "text"),
                                                            "patient unfit"),
          "booking cancelled");
    CHECK(!strcmp(S(np, "status"), "not-done") && !json_object_get(np, "performedPeriod") &&
              !strcmp(S(json_object_get(np, "statusReason"), "text"), "patient unfit"),
          "procedure not done");
    json_decref(na);
    json_decref(np);

    /* bad outcomes */
    o.start_ms = T("2026-11-25T09:00");
    o.end_ms = T("2026-11-25T10:00");
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == -1 && !strcmp(err.code, "bad_input"),
          "not-done with a period");
    o.status = "done";
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == -1, "unknown status");
    o.status = "completed";
    o.end_ms = o.start_ms;
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == -1, "empty actual period");
    o.start_ms = o.end_ms = 0;
    o.result = "great";
    CHECK(ck_care_theatre_outcome(a, p, &o, &na, &np, &err) == -1, "unknown result");
    o.result = NULL;
    CHECK(ck_care_theatre_outcome(p, a, &o, &na, &np, &err) == -1 && !strcmp(err.code, "bad_input"), "swapped");

    /* cancel */
    CHECK(ck_care_theatre_cancel(a, p, "theatre flooded", &na, &np, &err) == 0, "cancel");
    CHECK(!strcmp(S(na, "status"), "cancelled") &&
              !strcmp(S(json_object_get(na, "cancelationReason"), "text"), "theatre flooded"),
          "booking cancelled with the reason");
    CHECK(!strcmp(S(np, "status"), "not-done") &&
              !strcmp(S(json_object_get(np, "statusReason"), "text"), "cancelled: theatre flooded"),
          "procedure not done");
    CHECK(ck_care_theatre_cancel(na, np, NULL, &na2, &np2, &err) == -1 && !strcmp(err.code, "bad_status"),
          "cancel twice");
    json_decref(na);
    json_decref(np);
    json_decref(p);
    json_decref(a);
}

static void test_view(void)
{
    json_t *items = json_array(), *v;
    ck_care_theatre_in b1 = booking("th-1", "dr-s", "2026-11-25T13:00", "2026-11-25T14:00");
    ck_care_theatre_in b2 = booking("th-2", "dr-t", "2026-11-25T09:00", "2026-11-25T10:00");
    ck_care_theatre_in b3 = booking("th-1", "dr-s", "2026-11-25T08:00", "2026-11-25T09:00");
    ck_care_theatre_in b4 = booking("th-1", "dr-s", "2026-11-26T08:00", "2026-11-26T09:00");
    ck_care_period p;
    b3.team = team_a;
    b3.n_team = 2;
    book(items, &b1, NULL);
    book(items, &b2, NULL);
    book(items, &b3, "cancelled");
    book(items, &b4, NULL);

    CHECK(ck_care_period_parse("2026-11-25", &p) == 0, "period");
    v = ck_care_theatre_view(items, "th-1", &p);
    CHECK(json_array_size(v) == 2, "th-1 on the 25th: 2 bookings");
    CHECK(!strcmp(S(json_array_get(v, 0), "start"), "2026-11-25T08:00:00Z") &&
              !strcmp(S(json_array_get(v, 0), "status"), "cancelled") &&
              !strcmp(S(json_array_get(v, 1), "start"), "2026-11-25T13:00:00Z"),
          "sorted, cancelled shown");
    CHECK(json_array_size(json_object_get(json_array_get(v, 0), "team")) == 2 &&
              !strcmp(S(json_array_get(json_object_get(json_array_get(v, 0), "team"), 0), "function"), "anaesthetist"),
          "team in the view");
    CHECK(!strcmp(S(json_array_get(v, 1), "surgeon"), "dr-s") && !strcmp(S(json_array_get(v, 1), "patient"), "alice") &&
              !strcmp(S(json_object_get(json_array_get(v, 1), "procedure"), "code"), "80146002"),
          "row fields");
    json_decref(v);
    v = ck_care_theatre_view(items, NULL, NULL);
    CHECK(json_array_size(v) == 4 && !strcmp(S(json_array_get(v, 3), "start"), "2026-11-26T08:00:00Z"), "all");
    json_decref(v);
    json_decref(items);
}

static const char *cell(const ck_care_table *t, size_t r, size_t c)
{
    const char *s = ck_care_table_cell(t, r, c);
    return s ? s : "(null)";
}

static void test_mis(void)
{
    ck_care_error err;
    json_t *items = json_array(), *units;
    ck_care_table *t;
    ck_care_period p;
    ck_care_theatre_in b;
    ck_care_theatre_outcome_in o;

    units = json_pack("[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:i}]", "org", "hosp-a", "name", "th-1",
                      "kind", "theatre", "display_name", "Main theatre", "org", "hosp-a", "name", "th-2", "kind",
                      "theatre", "display_name", "Day theatre", "org", "hosp-a", "name", "ward-1", "kind", "ward",
                      "display_name", "Ward 1", "beds", 10);
    {
        /* th-1: 09:00-11:00 fulfilled (actual 09:10-11:30), 13:00-14:30
         * booked, 15:00-16:00 cancelled */
        json_t *pr, *ap, *na, *np;
        b = booking("th-1", "dr-s", "2026-11-25T09:00", "2026-11-25T11:00");
        CHECK(ck_care_theatre_book(&b, &pr, &ap, &err) == 0, "book");
        memset(&o, 0, sizeof o);
        o.status = "completed";
        o.start_ms = T("2026-11-25T09:10");
        o.end_ms = T("2026-11-25T11:30");
        CHECK(ck_care_theatre_outcome(ap, pr, &o, &na, &np, &err) == 0, "outcome");
        put(items, na);
        json_decref(pr), json_decref(ap), json_decref(na), json_decref(np);
    }
    b = booking("th-1", "dr-s", "2026-11-25T13:00", "2026-11-25T14:30");
    book(items, &b, NULL);
    b = booking("th-1", "dr-s", "2026-11-25T15:00", "2026-11-25T16:00");
    book(items, &b, "cancelled");
    /* th-2: 23:00-01:00 across midnight (1 h on the 25th), and the 26th */
    b = booking("th-2", "dr-t", "2026-11-25T23:00", "2026-11-26T01:00");
    book(items, &b, NULL);
    b = booking("th-2", "dr-t", "2026-11-26T10:00", "2026-11-26T11:00");
    book(items, &b, NULL);
    /* th-9: not in the directory */
    b = booking("th-9", "dr-u", "2026-11-25T10:00", "2026-11-25T10:45");
    book(items, &b, NULL);
    /* a clinic appointment in the same items is not counted */
    {
        json_t *c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:{s:s}}]}", "resourceType", "Appointment", "id", "c1",
                              "status", "booked", "start", "2026-11-25T12:00:00Z", "end", "2026-11-25T13:00:00Z",
                              "participant", "actor", "reference", "Location/th-1");
        put(items, c);
        json_decref(c);
    }

    CHECK(ck_care_period_parse("2026-11-25", &p) == 0, "period");
    t = ck_care_mis_theatre(items, units, &p, &err);
    CHECK(t != NULL, "report: %s", t ? "" : err.msg);
    CHECK(ck_care_table_rows(t) == 4, "th-1, th-2, th-9, total: %zu", ck_care_table_rows(t));
    /* theatre, name, sessions, booked_hours, used_hours, fulfilled, cancelled, utilisation_pct */
    CHECK(!strcmp(cell(t, 0, 0), "th-1") && !strcmp(cell(t, 0, 1), "Main theatre"), "th-1 row");
    CHECK(!strcmp(cell(t, 0, 2), "2") && !strcmp(cell(t, 0, 3), "3.50") && !strcmp(cell(t, 0, 4), "2.33") &&
              !strcmp(cell(t, 0, 5), "1") && !strcmp(cell(t, 0, 6), "1") && !strcmp(cell(t, 0, 7), "43.8"),
          "th-1: %s %s %s %s %s %s", cell(t, 0, 2), cell(t, 0, 3), cell(t, 0, 4), cell(t, 0, 5), cell(t, 0, 6),
          cell(t, 0, 7));
    CHECK(!strcmp(cell(t, 1, 0), "th-2") && !strcmp(cell(t, 1, 2), "1") && !strcmp(cell(t, 1, 3), "1.00") &&
              !strcmp(cell(t, 1, 7), "12.5"),
          "th-2: overnight booking counts one hour: %s %s", cell(t, 1, 3), cell(t, 1, 7));
    CHECK(!strcmp(cell(t, 2, 0), "th-9") && !strcmp(cell(t, 2, 1), "(not in the directory)") &&
              !strcmp(cell(t, 2, 3), "0.75") && !strcmp(cell(t, 2, 7), "9.4"),
          "th-9: %s %s", cell(t, 2, 3), cell(t, 2, 7));
    CHECK(!strcmp(cell(t, 3, 0), "total") && !strcmp(cell(t, 3, 2), "4") && !strcmp(cell(t, 3, 3), "5.25") &&
              !strcmp(cell(t, 3, 4), "2.33") && !strcmp(cell(t, 3, 5), "1") && !strcmp(cell(t, 3, 6), "1") &&
              !strcmp(cell(t, 3, 7), "21.9"),
          "total: %s %s %s %s %s %s", cell(t, 3, 2), cell(t, 3, 3), cell(t, 3, 4), cell(t, 3, 5), cell(t, 3, 6),
          cell(t, 3, 7));
    ck_care_table_free(t);

    /* two days: th-2 has both bookings (3 h of 16) */
    CHECK(ck_care_period_parse("2026-11-25..2026-11-26", &p) == 0, "two days");
    t = ck_care_mis_theatre(items, units, &p, &err);
    CHECK(t && !strcmp(cell(t, 1, 2), "2") && !strcmp(cell(t, 1, 3), "3.00") && !strcmp(cell(t, 1, 7), "18.8"),
          "th-2 over two days: %s %s %s", cell(t, 1, 2), cell(t, 1, 3), cell(t, 1, 7));
    ck_care_table_free(t);

    /* an empty month: rows with zeros */
    CHECK(ck_care_period_parse("2026-10", &p) == 0, "month");
    t = ck_care_mis_theatre(items, units, &p, &err);
    CHECK(t && ck_care_table_rows(t) == 3 && !strcmp(cell(t, 0, 2), "0") && !strcmp(cell(t, 2, 3), "0.00") &&
              !strcmp(cell(t, 2, 7), "0.0"),
          "October: th-1, th-2, total, all zero");
    ck_care_table_free(t);

    CHECK(!ck_care_mis_theatre(items, units, NULL, &err) && !strcmp(err.code, "bad_input"), "no period");
    CHECK(!ck_care_mis_theatre(NULL, units, &p, &err), "no items");
    json_decref(units);
    json_decref(items);
}

int main(void)
{
    test_book();
    test_double_booking();
    test_outcome();
    test_view();
    test_mis();
    TEST_MAIN_END();
}
