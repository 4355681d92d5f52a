/*
 * src/node/care/mis.c - the management information reports of a hospital
 * over its ledger (docs/CARE.md, "MIS reports"): the ledger is read once,
 * only the sections the reports need; the units come from the directory;
 * the counting is done by the care library (ck_care_mis_*), which filters
 * the items by period. A ledger entry the reader cannot open makes the
 * figures wrong, so it stops the report instead of being left out. The
 * rendering (text, CSV, JSON) returns a string; the front end writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/care/care_impl.h"

typedef ck_care_table *(*report_fn)(const json_t *items, const json_t *units, const ck_care_period *p,
                                    ck_care_error *err);

static ck_care_table *prescriptions(const json_t *items, const json_t *units, const ck_care_period *p,
                                    ck_care_error *err)
{
    (void)units;
    return ck_care_mis_prescriptions(items, p, err);
}

static const struct report {
    const char *name, *section;
    report_fn run;
} reports[] = {
    {"admissions", "ward", ck_care_mis_admissions},
    {"occupancy", "ward", ck_care_mis_occupancy},
    {"outpatient", "clinic", ck_care_mis_outpatient},
    {"prescriptions", "rx", prescriptions},
    {"theatre", "theatre", ck_care_mis_theatre},
};
#define N_REPORTS (sizeof reports / sizeof *reports)

typedef struct mis_run {
    ck_node *c;
    const ck_node_mis_in *in;
    const char *org;
    ck_care_period period;
    json_t *units;
    ck_node_book book;
} mis_run;

/* "ward,clinic" of the reports to run (first..last), no repeats. */
static void sections_of(char *out, size_t cap, size_t first, size_t last)
{
    out[0] = 0;
    for (size_t i = first; i <= last; i++) {
        if (strstr(out, reports[i].section)) continue;
        if (out[0]) strncat(out, ",", cap - strlen(out) - 1);
        strncat(out, reports[i].section, cap - strlen(out) - 1);
    }
}

static int load(mis_run *m, const char *sections)
{
    size_t k;
    if (ck_node_care_units(m->c, m->org, &m->units) != 0) return -1;
    if (ck_node_book_load(&m->book, m->c, m->org, sections) != 0) return -1;
    if ((k = m->book.withheld + m->book.bad))
        return ck_node_fail(m->c, CK_NODE_E_FORBIDDEN, "ledger_withheld",
                            "%zu entr%s of %s's ledger (%s) cannot be opened%s%s%s; the figures would be wrong", k,
                            k == 1 ? "y" : "ies", m->org, sections,
                            m->book.withheld ? " with your keys (staff@" : " or parsed",
                            m->book.withheld ? m->org : "", m->book.withheld ? " is needed)" : "");
    return 0;
}

static ck_care_table *run_one(mis_run *m, const struct report *r)
{
    json_t *items = ck_node_book_select(&m->book, r->section, NULL);
    ck_care_error err;
    ck_care_table *t;
    memset(&err, 0, sizeof err);
    if (!items) {
        ck_node_fail(m->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        return NULL;
    }
    t = r->run(items, m->units, &m->period, &err);
    json_decref(items);
    if (!t)
        ck_node_fail(m->c, CK_NODE_E_REFUSED, err.code[0] ? err.code : "error", "%s: %s: %s", r->name,
                     err.code[0] ? err.code : "error", err.msg);
    return t;
}

/* Appends text to *out (malloc'ed, grows). 0 or -1. */
static int append(char **out, size_t *len, const char *text)
{
    size_t n = strlen(text);
    char *p = realloc(*out, *len + n + 1);
    if (!p) return -1;
    memcpy(p + *len, text, n + 1);
    *out = p;
    *len += n;
    return 0;
}

/* The CSV of several tables: each preceded by a one-cell row with its
 * title, an empty line between them. */
static int csv_titled(char **out, size_t *len, const ck_care_table *t, int first)
{
    json_t *j = ck_care_table_json(t);
    const char *title = json_string_value(json_object_get(j, "title"));
    const char *cols[1] = {title ? title : ""};
    ck_care_table *head = ck_care_table_new(NULL, 1, cols);
    char *h = head ? ck_care_table_csv(head) : NULL, *body = ck_care_table_csv(t);
    int rc = (!h || !body || (!first && append(out, len, "\r\n")) || append(out, len, h) || append(out, len, body)) ? -1 : 0;
    free(h);
    free(body);
    ck_care_table_free(head);
    json_decref(j);
    return rc;
}

static json_t *json_titled(const mis_run *m, const ck_care_table *t, const char *name)
{
    json_t *j = ck_care_table_json(t);
    if (j && (json_object_set_new(j, "report", json_string(name)) || json_object_set_new(j, "hospital", json_string(m->org)) ||
              json_object_set_new(j, "period", json_string(m->in->period)))) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* One report rendered onto *out. -1 when out of memory. */
static int render_one(mis_run *m, const ck_care_table *t, size_t i, size_t first, size_t last, json_t *arr, char **out,
                      size_t *len)
{
    char *s = NULL;
    int bad = 0;
    switch (m->in->format) {
    case CK_NODE_MIS_TEXT:
        bad = !(s = ck_care_table_text(t)) || (i > first && append(out, len, "\n")) || append(out, len, s);
        break;
    case CK_NODE_MIS_CSV:
        if (first == last) bad = !(s = ck_care_table_csv(t)) || append(out, len, s);
        else bad = csv_titled(out, len, t, i == first) != 0;
        break;
    case CK_NODE_MIS_JSON: {
        json_t *j = json_titled(m, t, reports[i].name);
        if (arr) {
            bad = json_array_append_new(arr, j) != 0;
        } else {
            bad = !j || !(s = json_dumps(j, JSON_INDENT(2))) || append(out, len, s) || append(out, len, "\n");
            json_decref(j);
        }
        break;
    }
    }
    free(s);
    return bad ? -1 : 0;
}

/* Runs reports first..last and renders them into *out. */
static int render(mis_run *m, size_t first, size_t last, char **out)
{
    json_t *all = NULL, *arr = NULL;
    size_t len = 0;
    int rc = -1;
    *out = NULL;
    if (m->in->format == CK_NODE_MIS_JSON && first != last) {
        if (!(all = json_pack("{s:s,s:s,s:[]}", "hospital", m->org, "period", m->in->period, "reports"))) goto nomem;
        arr = json_object_get(all, "reports");
    }
    for (size_t i = first; i <= last; i++) {
        ck_care_table *t = run_one(m, &reports[i]);
        int bad;
        if (!t) goto out;
        bad = render_one(m, t, i, first, last, arr, out, &len);
        ck_care_table_free(t);
        if (bad) goto nomem;
    }
    if (all) {
        char *s = json_dumps(all, JSON_INDENT(2));
        int bad = !s || append(out, &len, s) || append(out, &len, "\n");
        free(s);
        if (bad) goto nomem;
    }
    if (!*out && append(out, &len, "") != 0) goto nomem;
    rc = 0;
    goto out;
nomem:
    ck_node_fail(m->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
out:
    json_decref(all);
    if (rc != 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int ck_node_mis_run(ck_node *n, const ck_node_mis_in *in, ck_node_mis_out *out)
{
    char sections[64];
    size_t first = 0, last = N_REPORTS - 1;
    ck_node_error e;
    mis_run m;
    int rc = -1;

    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&m, 0, sizeof m);
    m.c = n;
    m.in = in;
    if (ck_node_mis_check(in, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (ck_care_period_parse(in->period, &m.period) != 0) goto out; /* checked above */
    if (strcmp(in->report, "all") != 0) {
        for (first = 0; first < N_REPORTS && strcmp(reports[first].name, in->report); first++) {}
        last = first;
    }
    if (ck_node_care_org(n, in->org, out->org, NULL) != 0) goto out;
    m.org = out->org;
    sections_of(sections, sizeof sections, first, last);
    if (load(&m, sections) != 0 || render(&m, first, last, &out->text) != 0) goto out;
    out->n_reports = last - first + 1;
    rc = 0;
out:
    json_decref(m.units);
    ck_node_book_free(&m.book);
    ck_node_leave(n);
    return rc;
}

void ck_node_mis_out_free(ck_node_mis_out *out)
{
    free(out->text);
    memset(out, 0, sizeof *out);
}
