/*
 * src/care/mis_ward.c - the ward and clinic MIS reports over a hospital's
 * ledger (docs/CARE.md): admissions and discharges per ward, bed occupancy
 * per ward, outpatient and emergency visits per department.
 *
 * The items are the latest version of each Encounter, so a discharged stay
 * carries both period.start and period.end. Encounters entered in error,
 * cancelled or only planned never happened and are skipped. Anything else
 * that is not what the section must hold (an inpatient stay without a ward
 * and bed or a start, a visit in the ward section, an end before the start)
 * stops the report with code "bad_item" naming the Encounter: the ledger is
 * written only by the hospital's own staff through checked commands, so
 * such an entry is a fault to look at, and a report that silently left it
 * out would give wrong figures. Items of other resource types are ignored.
 *
 * Every ward (department) of the directory gets a row, zeros included, in
 * directory order; units the ledger names but the directory no longer
 * lists follow, sorted by name; a total row ends each table. Figures are
 * rounded half away from zero from exact millisecond sums.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care_internal.h"

#define MS_PER_DAY 86400000LL
#define NAME_MAX_LEN 64
#define NO_DEPARTMENT "(none)"
/* bounds that keep beds x period in 64-bit milliseconds */
#define MAX_WARD_BEDS 100000
#define MAX_TOTAL_BEDS 1000000
#define MAX_SPAN_MS (100LL * 366 * MS_PER_DAY)

static const char *str_at(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* An id for a message: only when it is a plain id. */
static const char *shown_id(const json_t *r)
{
    const char *id = str_at(r, "id");
    return ck_care_valid_ref_name(id) ? id : "?";
}

/* ---- rows ------------------------------------------------------------------ */
typedef struct unit_row {
    char name[NAME_MAX_LEN + 1];
    const char *display;     /* borrowed from the units array */
    int listed;              /* in the directory */
    int64_t beds;
    uint64_t a, b;           /* admissions/discharges, or outpatient/emergency */
    uint64_t stays;
    int64_t occupied_ms;
} unit_row;

typedef struct unit_rows {
    unit_row *v;
    size_t n, cap;
} unit_rows;

static unit_row *rows_find(unit_rows *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].name, name)) return &r->v[i];
    return NULL;
}

static unit_row *rows_add(unit_rows *r, const char *name)
{
    unit_row *v = ck_care_grow(r->v, r->n, &r->cap, sizeof *v, 16);
    if (!v) return NULL;
    r->v = v;
    snprintf(v[r->n].name, sizeof v->name, "%s", name);
    return &v[r->n++];
}

/* The row of unit name, added (unlisted) when the directory has none. */
static unit_row *rows_get(unit_rows *r, const char *name, ck_care_error *err)
{
    unit_row *u = rows_find(r, name);
    if (!u && !(u = rows_add(r, name))) ck_care_fail(err, "nomem", "out of memory");
    return u;
}

static int cmp_unlisted(const void *a, const void *b)
{
    return strcmp(((const unit_row *)a)->name, ((const unit_row *)b)->name);
}

static void rows_sort_unlisted(unit_rows *r)
{
    size_t first = 0;
    while (first < r->n && r->v[first].listed) first++;
    if (r->n - first > 1) qsort(r->v + first, r->n - first, sizeof r->v[0], cmp_unlisted);
}

/* The directory's units of one kind, in its order. */
static int rows_from_units(unit_rows *r, const json_t *units, const char *kind, ck_care_error *err)
{
    const json_t *u;
    size_t i;
    json_array_foreach(units, i, u) {
        const char *name = str_at(u, "name"), *k = str_at(u, "kind");
        const json_t *beds = json_object_get(u, "beds");
        unit_row *row;
        if (!json_is_object(u) || !ck_care_valid_ref_name(name) || !k)
            return ck_care_fail(err, "bad_input", "unit %zu of the directory list is malformed", i);
        if (strcmp(k, kind) != 0) continue;
        if (beds && !json_is_null(beds) &&
            (!json_is_integer(beds) || json_integer_value(beds) < 0 || json_integer_value(beds) > MAX_WARD_BEDS))
            return ck_care_fail(err, "bad_input", "unit '%s' has an invalid number of beds", name);
        if (rows_find(r, name)) return ck_care_fail(err, "bad_input", "unit '%s' is listed twice", name);
        if (!(row = rows_add(r, name))) return ck_care_fail(err, "nomem", "out of memory");
        row->listed = 1;
        row->display = str_at(u, "display_name");
        row->beds = json_is_integer(beds) ? json_integer_value(beds) : 0;
    }
    return 0;
}

/* ---- reading encounters ------------------------------------------------------ */
typedef struct stay {
    const char *unit;        /* ward, or department (NULL: none named) */
    const char *cls;         /* IMP, AMB, EMER */
    int64_t start, end;
    int has_end;
} stay;

/* 0: count it; 1: skip (another type, or it never happened); -1: bad item. */
static int read_encounter(const json_t *item, int inpatient, stay *s, ck_care_error *err)
{
    const json_t *r = ck_care_item_resource(item), *period;
    const char *type = str_at(item, "type"), *status, *start, *end;
    unsigned bed;
    memset(s, 0, sizeof *s);
    if (!type || strcmp(type, "Encounter") != 0) return 1;
    status = str_at(r, "status");
    if (!json_is_object(r) || !status) return ck_care_fail(err, "bad_item", "Encounter/%s has no status", shown_id(r));
    if (!strcmp(status, "entered-in-error") || !strcmp(status, "cancelled") || !strcmp(status, "planned")) return 1;
    s->cls = str_at(json_object_get(r, "class"), "code");
    if (inpatient) {
        if (!s->cls || strcmp(s->cls, "IMP") != 0)
            return ck_care_fail(err, "bad_item", "Encounter/%s in the ward section is not an inpatient stay",
                                shown_id(r));
        if (strcmp(status, "in-progress") && strcmp(status, "onleave") && strcmp(status, "finished"))
            return ck_care_fail(err, "bad_item", "Encounter/%s: unexpected status for a stay", shown_id(r));
        if (ck_care_encounter_place(r, &s->unit, &bed) != 0 || !ck_care_valid_ref_name(s->unit))
            return ck_care_fail(err, "bad_item", "Encounter/%s names no ward and bed", shown_id(r));
    } else {
        if (!s->cls || (strcmp(s->cls, "AMB") != 0 && strcmp(s->cls, "EMER") != 0))
            return ck_care_fail(err, "bad_item",
                                "Encounter/%s in the clinic section is not an outpatient or emergency visit",
                                shown_id(r));
        s->unit = str_at(json_array_get(json_object_get(json_object_get(r, "serviceType"), "coding"), 0), "code");
        if (s->unit && !ck_care_valid_ref_name(s->unit))
            return ck_care_fail(err, "bad_item", "Encounter/%s names an invalid department", shown_id(r));
        if (!s->unit && !strcmp(s->cls, "AMB"))
            return ck_care_fail(err, "bad_item", "Encounter/%s: an outpatient visit names no department", shown_id(r));
    }
    period = json_object_get(r, "period");
    start = str_at(period, "start");
    end = str_at(period, "end");
    if (!start || ck_care_time_parse(start, &s->start) != 0)
        return ck_care_fail(err, "bad_item", "Encounter/%s has no valid period.start", shown_id(r));
    if (end) {
        if (ck_care_time_parse(end, &s->end) != 0 || s->end < s->start)
            return ck_care_fail(err, "bad_item", "Encounter/%s has an invalid period.end", shown_id(r));
        s->has_end = 1;
    } else if (!strcmp(status, "finished") && inpatient) {
        return ck_care_fail(err, "bad_item", "Encounter/%s is finished but has no period.end", shown_id(r));
    }
    return 0;
}

static int in_period(const ck_care_period *p, int64_t t) { return t >= p->from_ms && t < p->to_ms; }

static int check_args(const json_t *items, const json_t *units, const ck_care_period *p, ck_care_error *err)
{
    if (err) memset(err, 0, sizeof *err);
    if (!json_is_array(items)) return ck_care_fail(err, "bad_input", "the ledger items must be an array");
    if (!json_is_array(units)) return ck_care_fail(err, "bad_input", "the unit list must be an array");
    if (!p || p->to_ms <= p->from_ms) return ck_care_fail(err, "bad_input", "the period is empty");
    return 0;
}

/* Runs count(row, stay) over every countable encounter. */
static int count_items(unit_rows *rows, const json_t *items, int inpatient, const ck_care_period *p,
                       void (*count)(unit_row *, const stay *, const ck_care_period *), ck_care_error *err)
{
    const json_t *it;
    size_t i;
    json_array_foreach(items, i, it) {
        stay s;
        unit_row *row;
        int rc = read_encounter(it, inpatient, &s, err);
        if (rc < 0) return -1;
        if (rc > 0) continue;
        if (!(row = rows_get(rows, s.unit ? s.unit : NO_DEPARTMENT, err))) return -1;
        count(row, &s, p);
    }
    rows_sort_unlisted(rows);
    return 0;
}

/* ---- formatting -------------------------------------------------------------- */
static void fmt_u64(char *out, size_t cap, uint64_t v) { snprintf(out, cap, "%llu", (unsigned long long)v); }

/* ms (>= 0) as days with 2 decimals */
static void fmt_days(char *out, size_t cap, int64_t ms)
{
    const int64_t unit = MS_PER_DAY / 100;
    int64_t h = ms / unit;
    if (2 * (ms % unit) >= unit) h++;
    snprintf(out, cap, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
}

/* part/whole (part >= 0) as a percentage with 1 decimal; "" when whole is
 * 0. The tenths are held below 10^15 (no ledger comes near): the text is
 * then at most 14 digits, the point and one digit, so it provably fits
 * out, and the double never overflows the integer. */
static void fmt_percent(char out[32], int64_t part, int64_t whole)
{
    double tenths;
    long long t;
    if (whole <= 0) {
        out[0] = 0;
        return;
    }
    tenths = (double)part * 1000.0 / (double)whole + 0.5;
    t = tenths < 1.0 ? 0 : tenths < 1e15 ? (long long)tenths : 999999999999999LL;
    snprintf(out, 32, "%lld.%d", t / 10, (int)(t % 10));
}

static const char *display_of(const unit_row *r) { return r->display ? r->display : r->listed ? "" : "(not in directory)"; }

/* ---- admissions ------------------------------------------------------------------ */
static void count_admission(unit_row *row, const stay *s, const ck_care_period *p)
{
    if (in_period(p, s->start)) row->a++;
    if (s->has_end && in_period(p, s->end)) row->b++;
}

static ck_care_table *finish(ck_care_table *t, unit_rows *rows, ck_care_error *err)
{
    free(rows->v);
    if (!t) ck_care_fail(err, "nomem", "out of memory");
    return t;
}

ck_care_table *ck_care_mis_admissions(const json_t *ward_items, const json_t *units, const ck_care_period *p,
                                      ck_care_error *err)
{
    static const char *const cols[] = {"Ward", "Name", "Admissions", "Discharges"};
    unit_rows rows = {0};
    ck_care_table *t = NULL;
    uint64_t ta = 0, td = 0;
    char title[128], a[24], d[24];
    if (check_args(ward_items, units, p, err) || rows_from_units(&rows, units, "ward", err) ||
        count_items(&rows, ward_items, 1, p, count_admission, err))
        return finish(NULL, &rows, NULL);
    ck_care_mis_title(title, sizeof title, "Admissions and discharges per ward", p);
    if (!(t = ck_care_table_new(title, 4, cols))) return finish(NULL, &rows, err);
    for (size_t i = 0; i <= rows.n; i++) {
        const char *cells[4];
        if (i < rows.n) {
            fmt_u64(a, sizeof a, rows.v[i].a);
            fmt_u64(d, sizeof d, rows.v[i].b);
            ta += rows.v[i].a;
            td += rows.v[i].b;
            cells[0] = rows.v[i].name;
            cells[1] = display_of(&rows.v[i]);
        } else {
            fmt_u64(a, sizeof a, ta);
            fmt_u64(d, sizeof d, td);
            cells[0] = "total";
            cells[1] = "";
        }
        cells[2] = a;
        cells[3] = d;
        if (ck_care_table_add(t, cells) != 0) {
            ck_care_table_free(t);
            return finish(NULL, &rows, err);
        }
    }
    return finish(t, &rows, err);
}

/* ---- occupancy ------------------------------------------------------------------- */
static void count_bed_days(unit_row *row, const stay *s, const ck_care_period *p)
{
    /* a stay still open runs to the end of the period */
    int64_t from = s->start > p->from_ms ? s->start : p->from_ms;
    int64_t end = s->has_end ? s->end : p->to_ms;
    int64_t to = end < p->to_ms ? end : p->to_ms;
    if (to <= from) return;
    row->stays++;
    row->occupied_ms += to - from;
}

static int occupancy_row(ck_care_table *t, const char *name, const char *display, int64_t beds, uint64_t stays,
                         int64_t occupied_ms, int64_t available_ms)
{
    char b[24], s[24], occ[32], avail[32], pct[32];
    const char *cells[7] = {name, display, b, s, occ, avail, pct};
    snprintf(b, sizeof b, "%lld", (long long)beds);
    fmt_u64(s, sizeof s, stays);
    fmt_days(occ, sizeof occ, occupied_ms);
    fmt_days(avail, sizeof avail, available_ms);
    fmt_percent(pct, occupied_ms, available_ms);
    return ck_care_table_add(t, cells);
}

ck_care_table *ck_care_mis_occupancy(const json_t *ward_items, const json_t *units, const ck_care_period *p,
                                     ck_care_error *err)
{
    static const char *const cols[] = {"Ward",           "Name", "Beds", "Stays", "Occupied bed-days",
                                       "Available bed-days", "Occupancy %"};
    unit_rows rows = {0};
    ck_care_table *t = NULL;
    int64_t span, tbeds = 0, tocc = 0, tavail = 0;
    uint64_t tstays = 0;
    char title[128];
    if (check_args(ward_items, units, p, err) || rows_from_units(&rows, units, "ward", err) ||
        count_items(&rows, ward_items, 1, p, count_bed_days, err))
        return finish(NULL, &rows, NULL);
    span = p->to_ms - p->from_ms;
    for (size_t i = 0; i < rows.n; i++) tbeds += rows.v[i].beds;
    if (span > MAX_SPAN_MS || tbeds > MAX_TOTAL_BEDS) {
        ck_care_fail(err, "bad_input", "the period is longer than 100 years or the wards hold over %d beds",
                     MAX_TOTAL_BEDS);
        return finish(NULL, &rows, NULL);
    }
    tbeds = 0;
    ck_care_mis_title(title, sizeof title, "Bed occupancy per ward", p);
    if (!(t = ck_care_table_new(title, 7, cols))) return finish(NULL, &rows, err);
    for (size_t i = 0; i < rows.n; i++) {
        const unit_row *r = &rows.v[i];
        int64_t avail = r->beds * span;
        if (occupancy_row(t, r->name, display_of(r), r->beds, r->stays, r->occupied_ms, avail) != 0) goto nomem;
        tbeds += r->beds;
        tstays += r->stays;
        tocc += r->occupied_ms;
        tavail += avail;
    }
    if (occupancy_row(t, "total", "", tbeds, tstays, tocc, tavail) != 0) goto nomem;
    return finish(t, &rows, err);
nomem:
    ck_care_table_free(t);
    return finish(NULL, &rows, err);
}

/* ---- outpatient ------------------------------------------------------------------- */
static void count_visit(unit_row *row, const stay *s, const ck_care_period *p)
{
    if (!in_period(p, s->start)) return;
    if (!strcmp(s->cls, "EMER")) row->b++;
    else row->a++;
}

ck_care_table *ck_care_mis_outpatient(const json_t *clinic_items, const json_t *units, const ck_care_period *p,
                                      ck_care_error *err)
{
    static const char *const cols[] = {"Department", "Name", "Outpatient", "Emergency", "Total"};
    unit_rows rows = {0};
    ck_care_table *t = NULL;
    uint64_t ta = 0, te = 0;
    char title[128], a[24], e[24], n[24];
    if (check_args(clinic_items, units, p, err) || rows_from_units(&rows, units, "department", err) ||
        count_items(&rows, clinic_items, 0, p, count_visit, err))
        return finish(NULL, &rows, NULL);
    ck_care_mis_title(title, sizeof title, "Outpatient and emergency visits per department", p);
    if (!(t = ck_care_table_new(title, 5, cols))) return finish(NULL, &rows, err);
    for (size_t i = 0; i <= rows.n; i++) {
        const char *cells[5] = {"total", "", a, e, n};
        uint64_t va = i < rows.n ? rows.v[i].a : ta, ve = i < rows.n ? rows.v[i].b : te;
        if (i < rows.n) {
            cells[0] = rows.v[i].name;
            cells[1] = !strcmp(rows.v[i].name, NO_DEPARTMENT) ? "no department named" : display_of(&rows.v[i]);
            ta += va;
            te += ve;
        }
        fmt_u64(a, sizeof a, va);
        fmt_u64(e, sizeof e, ve);
        fmt_u64(n, sizeof n, va + ve);
        if (ck_care_table_add(t, cells) != 0) {
            ck_care_table_free(t);
            return finish(NULL, &rows, err);
        }
    }
    return finish(t, &rows, err);
}
