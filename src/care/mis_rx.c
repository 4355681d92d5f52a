/*
 * mis_rx.c - the prescriptions report over a hospital's ledger section rx:
 * per drug (RxNorm code and name) and unit, the prescriptions authored in
 * the period, how many of them were cancelled since, and the total quantity
 * they allow (per-fill quantity x (1 + refills)) - cancelled ones excluded.
 * Requests entered in error are not counted at all. Rows are sorted by
 * prescriptions, most first, then by drug name; a total row ends the table
 * (its quantity only when every row has the same unit).
 */
#include "care/care_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rx_row {
    char code[64], name[256], unit[64];
    uint64_t prescribed, cancelled;
    double quantity;
} rx_row;

typedef struct rx_rows {
    rx_row *v;
    size_t n, cap;
} rx_rows;

static const char *coding_code(const json_t *cc, const char **display)
{
    const json_t *coding;
    size_t i;
    *display = json_string_value(json_object_get(cc, "text"));
    json_array_foreach(json_object_get(cc, "coding"), i, coding) {
        const char *sys = json_string_value(json_object_get(coding, "system"));
        const char *code = json_string_value(json_object_get(coding, "code"));
        if (sys && code && !strcmp(sys, "http://www.nlm.nih.gov/research/umls/rxnorm")) {
            if (!*display) *display = json_string_value(json_object_get(coding, "display"));
            return code;
        }
    }
    return NULL;
}

static rx_row *row_for(rx_rows *rows, const char *code, const char *name, const char *unit)
{
    rx_row *v;
    for (size_t i = 0; i < rows->n; i++)
        if (!strcmp(rows->v[i].code, code) && !strcmp(rows->v[i].unit, unit)) return &rows->v[i];
    if (!(v = ck_care_grow(rows->v, rows->n, &rows->cap, sizeof *v, 16))) return NULL;
    rows->v = v;
    snprintf(v[rows->n].code, sizeof v->code, "%s", code);
    snprintf(v[rows->n].name, sizeof v->name, "%s", name);
    snprintf(v[rows->n].unit, sizeof v->unit, "%s", unit);
    return &v[rows->n++];
}

static int cmp_rows(const void *pa, const void *pb)
{
    const rx_row *a = pa, *b = pb;
    int c;
    if (a->prescribed != b->prescribed) return a->prescribed > b->prescribed ? -1 : 1;
    if ((c = strcmp(a->name, b->name)) != 0) return c;
    if ((c = strcmp(a->code, b->code)) != 0) return c;
    return strcmp(a->unit, b->unit);
}

/* Counts one item into rows: 0, 1 when it is outside the report, -1 on error. */
static int count_item(rx_rows *rows, const json_t *item, const ck_care_period *p, size_t index, ck_care_error *err)
{
    const json_t *r = ck_care_item_resource(item), *dr, *qv, *rep;
    double qn = 0;
    const char *type = json_string_value(json_object_get(r, "resourceType"));
    const char *status = json_string_value(json_object_get(r, "status"));
    const char *authored = json_string_value(json_object_get(r, "authoredOn"));
    const char *code, *name, *unit;
    int64_t t;
    rx_row *row;
    if (!json_is_object(r)) return ck_care_fail(err, "bad_input", "rx[%zu]: item without a resource", index);
    if (!type || strcmp(type, "MedicationRequest") != 0) return 1;
    if (!status) return ck_care_fail(err, "bad_input", "rx[%zu]: MedicationRequest without status", index);
    if (!strcmp(status, "entered-in-error")) return 1;
    if (!authored || ck_care_time_parse(authored, &t) != 0)
        return ck_care_fail(err, "bad_input", "rx[%zu]: MedicationRequest without a valid authoredOn", index);
    if (t < p->from_ms || t >= p->to_ms) return 1;
    if (!(code = coding_code(json_object_get(r, "medicationCodeableConcept"), &name)))
        return ck_care_fail(err, "bad_input", "rx[%zu]: MedicationRequest without an RxNorm code", index);
    dr = json_object_get(r, "dispenseRequest");
    qv = json_object_get(json_object_get(dr, "quantity"), "value");
    rep = json_object_get(dr, "numberOfRepeatsAllowed");
    unit = json_string_value(json_object_get(json_object_get(dr, "quantity"), "unit"));
    if ((qv && (ck_fhir_json_number(qv, &qn) != 0 || qn < 0)) ||
        (rep && (!json_is_integer(rep) || json_integer_value(rep) < 0 || json_integer_value(rep) > 1000)))
        return ck_care_fail(err, "bad_input", "rx[%zu]: bad dispenseRequest", index);
    if (!(row = row_for(rows, code, name ? name : "", unit ? unit : "")))
        return ck_care_fail(err, "nomem", "rx[%zu]: out of memory", index);
    if (!strcmp(status, "cancelled")) {
        row->cancelled++;
        return 0;
    }
    row->prescribed++;
    if (qv) row->quantity += qn * (double)(1 + (rep ? json_integer_value(rep) : 0));
    return 0;
}

static void fmt_u64(char *out, size_t cap, uint64_t v) { snprintf(out, cap, "%llu", (unsigned long long)v); }
static void fmt_qty(char *out, size_t cap, double v) { snprintf(out, cap, "%.15g", v); }

static int add_rows(ck_care_table *t, const rx_rows *rows)
{
    uint64_t presc = 0, canc = 0;
    double qty = 0;
    int one_unit = 1;
    char a[32], b[32], c[48];
    for (size_t i = 0; i < rows->n; i++) {
        const rx_row *r = &rows->v[i];
        const char *cells[6] = {r->code, r->name, r->unit, a, b, c};
        fmt_u64(a, sizeof a, r->prescribed);
        fmt_u64(b, sizeof b, r->cancelled);
        fmt_qty(c, sizeof c, r->quantity);
        if (ck_care_table_add(t, cells) != 0) return -1;
        presc += r->prescribed;
        canc += r->cancelled;
        qty += r->quantity;
        if (i && strcmp(r->unit, rows->v[0].unit) != 0) one_unit = 0;
    }
    {
        const char *cells[6] = {"total", "", one_unit && rows->n ? rows->v[0].unit : "", a, b, c};
        fmt_u64(a, sizeof a, presc);
        fmt_u64(b, sizeof b, canc);
        if (one_unit)
            fmt_qty(c, sizeof c, qty);
        else
            c[0] = 0;
        return ck_care_table_add(t, cells);
    }
}

ck_care_table *ck_care_mis_prescriptions(const json_t *rx_items, const ck_care_period *p, ck_care_error *err)
{
    static const char *const columns[6] = {"RxNorm", "Drug", "Unit", "Prescriptions", "Cancelled", "Quantity"};
    rx_rows rows = {NULL, 0, 0};
    ck_care_table *t = NULL;
    const json_t *it;
    char title[128], from[32], to[32];
    size_t i;
    ck_care_error_clear(err);
    if (!json_is_array(rx_items) || !p || p->to_ms <= p->from_ms)
        return ck_care_fail(err, "bad_input", "rx items must be an array and the period not empty"), NULL;
    json_array_foreach(rx_items, i, it)
        if (count_item(&rows, it, p, i, err) < 0) goto out;
    if (rows.n) qsort(rows.v, rows.n, sizeof rows.v[0], cmp_rows);
    ck_care_time_format(from, p->from_ms);
    ck_care_time_format(to, p->to_ms - 1);   /* the last day in the period */
    snprintf(title, sizeof title, "Prescriptions per drug, %.10s to %.10s", from, to);
    if (!(t = ck_care_table_new(title, 6, columns)) || add_rows(t, &rows) != 0) {
        ck_care_table_free(t);
        t = NULL;
        ck_care_fail(err, "nomem", "out of memory");
    }
out:
    free(rows.v);
    return t;
}
