/*
 * mis_theatre.c - theatre utilisation over a period, per theatre unit of
 * the organization (ledger section `theatre`).
 *
 *   sessions      blocking bookings (not cancelled/noshow) overlapping p
 *   booked hours  the part of those bookings that lies inside p
 *   used hours    the part of the fulfilled ones' actual periods inside p
 *   fulfilled     fulfilled bookings overlapping p
 *   cancelled     cancelled bookings overlapping p
 *   utilisation   booked hours / available hours, where a theatre is
 *                 available one theatre day of 8 hours (08:00-16:00 UTC)
 *                 per day of the period; lists running outside the
 *                 theatre day can therefore exceed 100 %.
 *
 * Theatres that bookings name but the directory no longer lists get rows
 * of their own, so the total is the sum of the rows.
 */
#include "care/care_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THEATRE_DAY_HOURS 8
#define MS_PER_HOUR 3600000LL

typedef struct {
    char name[65];
    char display[129];
    int64_t sessions, fulfilled, cancelled;
    int64_t booked_ms, used_ms;
} theatre_row;

typedef struct {
    theatre_row *r;
    size_t n, cap;
} theatre_rows;

static theatre_row *row_get(theatre_rows *rows, const char *name, const char *display, int add)
{
    theatre_row *r;
    for (size_t i = 0; i < rows->n; i++)
        if (!strcmp(rows->r[i].name, name)) return &rows->r[i];
    if (!add || !(r = ck_care_grow(rows->r, rows->n, &rows->cap, sizeof *r, 8))) return NULL;
    rows->r = r;
    snprintf(r[rows->n].name, sizeof r->name, "%s", name);
    snprintf(r[rows->n].display, sizeof r->display, "%s", display);
    return &r[rows->n++];
}

static int64_t overlap(int64_t s, int64_t e, const ck_care_period *p)
{
    int64_t a = s > p->from_ms ? s : p->from_ms, b = e < p->to_ms ? e : p->to_ms;
    return b > a ? b - a : 0;
}

/* The actual period a theatre outcome recorded on the booking. */
static int actual_period(const json_t *appt, int64_t *s, int64_t *e)
{
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(appt, "extension"), i, x) {
        const char *url = json_string_value(json_object_get(x, "url"));
        const json_t *per = json_object_get(x, "valuePeriod");
        if (!url || strcmp(url, CK_CARE_ACTUAL_PERIOD_EXT)) continue;
        if (ck_care_time_parse(json_string_value(json_object_get(per, "start")), s) ||
            ck_care_time_parse(json_string_value(json_object_get(per, "end")), e) || *e <= *s)
            return -1;
        return 0;
    }
    return -1;
}

static int count_booking(theatre_rows *rows, const json_t *res, const ck_care_period *p)
{
    const char *status = json_string_value(json_object_get(res, "status"));
    const char *th = ck_care_appointment_actor(res, "Location");
    theatre_row *r;
    int64_t s, e, as, ae;
    if (!th || !status || ck_care_appointment_times(res, &s, &e) || !overlap(s, e, p)) return 0;
    if (!(r = row_get(rows, th, "(not in the directory)", 1))) return -1;
    if (!strcmp(status, "cancelled")) r->cancelled++;
    if (!ck_care_appointment_blocking(status)) return 0;
    r->sessions++;
    r->booked_ms += overlap(s, e, p);
    if (!strcmp(status, "fulfilled")) {
        r->fulfilled++;
        if (!actual_period(res, &as, &ae)) r->used_ms += overlap(as, ae, p);
    }
    return 0;
}

static void hours(char out[32], int64_t ms) { snprintf(out, 32, "%.2f", (double)ms / MS_PER_HOUR); }

static void percent(char out[32], int64_t part, int64_t whole)
{
    snprintf(out, 32, "%.1f", whole > 0 ? 100.0 * (double)part / (double)whole : 0.0);
}

static int add_row(ck_care_table *t, const theatre_row *r, int64_t available_ms)
{
    char s[32], f[32], c[32], b[32], u[32], pc[32];
    const char *row[8];
    snprintf(s, sizeof s, "%lld", (long long)r->sessions);
    snprintf(f, sizeof f, "%lld", (long long)r->fulfilled);
    snprintf(c, sizeof c, "%lld", (long long)r->cancelled);
    hours(b, r->booked_ms);
    hours(u, r->used_ms);
    percent(pc, r->booked_ms, available_ms);
    row[0] = r->name, row[1] = r->display, row[2] = s, row[3] = b, row[4] = u, row[5] = f, row[6] = c, row[7] = pc;
    return ck_care_table_add(t, row);
}

static int units_rows(theatre_rows *rows, const json_t *units)
{
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u) {
        const char *kind = json_string_value(json_object_get(u, "kind"));
        const char *name = json_string_value(json_object_get(u, "name"));
        const char *disp = json_string_value(json_object_get(u, "display_name"));
        if (!kind || strcmp(kind, "theatre") || !name) continue;
        if (!row_get(rows, name, disp ? disp : "", 1)) return -1;
    }
    return 0;
}

ck_care_table *ck_care_mis_theatre(const json_t *theatre_items, const json_t *units, const ck_care_period *p,
                                   ck_care_error *err)
{
    static const char *const cols[] = {"Theatre", "Name", "Sessions", "Booked hours",
                                       "Used hours", "Fulfilled", "Cancelled", "Utilisation %"};
    theatre_rows rows = {0};
    theatre_row total;
    ck_care_table *t = NULL;
    char title[160];
    int64_t day_ms;
    size_t i;
    const json_t *it;

    if (!p || p->to_ms <= p->from_ms || !json_is_array(theatre_items) || !json_is_array(units))
        return ck_care_fail(err, "bad_input", "a period, the theatre items and the units are needed"), NULL;
    /* a theatre day of 8 h per 24 h of the period */
    day_ms = (p->to_ms - p->from_ms) / 24 * THEATRE_DAY_HOURS;
    if (units_rows(&rows, units)) goto nomem;
    json_array_foreach(theatre_items, i, it) {
        const json_t *res = ck_care_item_resource(it);
        const char *type = json_string_value(json_object_get(it, "type"));
        if (!type || strcmp(type, "Appointment") || !ck_care_is_theatre_booking(res)) continue;
        if (count_booking(&rows, res, p)) goto nomem;
    }
    ck_care_mis_title(title, sizeof title, "Theatre utilisation (theatre day 08:00-16:00 UTC)", p);
    if (!(t = ck_care_table_new(title, 8, cols))) goto nomem;
    memset(&total, 0, sizeof total);
    snprintf(total.name, sizeof total.name, "total");
    for (i = 0; i < rows.n; i++) {
        if (add_row(t, &rows.r[i], day_ms)) goto nomem;
        total.sessions += rows.r[i].sessions;
        total.fulfilled += rows.r[i].fulfilled;
        total.cancelled += rows.r[i].cancelled;
        total.booked_ms += rows.r[i].booked_ms;
        total.used_ms += rows.r[i].used_ms;
    }
    if (add_row(t, &total, day_ms * (int64_t)rows.n)) goto nomem;
    free(rows.r);
    return t;
nomem:
    free(rows.r);
    ck_care_table_free(t);
    return ck_care_fail(err, "nomem", "out of memory"), NULL;
}
