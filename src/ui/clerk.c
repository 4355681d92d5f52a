/*
 * src/ui/clerk.c - the hospital clerk's boards (docs/UI.md, "Care and
 * hospital"): GET /ui/api/clerk/VIEW over the node's directory and ledger
 * operations, always for the clerk's own hospital (her staff@ORG key):
 *   staff     the directory's staff of the hospital (read-only: the node
 *             has no staff add / end-of-affiliation operation yet)
 *   census    the wards (units with beds) and the current inpatients
 *   schedule  the doctors' slots, booked or free, in ?period=
 *   theatre   the theatre bookings overlapping ?period=
 *   mis       the MIS reports (?report=, default all; ?period=) as JSON,
 *             or CSV with ?format=csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_care.h"
#include "carekey/node_directory.h"
#include "ui/care.h"

#define PERIOD_MAX 48

/* ?name= into out (optional: "" when absent); -1 (400 sent) when malformed. */
static int param(ck_ui_req *r, const char *name, char *out, size_t cap)
{
    int rc = ck_ui_query_get(r->qs, strlen(r->qs), name, out, cap);
    if (rc == -1) {
        out[0] = 0;
        return 0;
    }
    if (rc != 0 || strspn(out, "0123456789-.:TZabcdefghijklmnopqrstuvwxyz") != strlen(out)) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s= is malformed", name);
        return ck_ui_fail(r, 400, "bad_param", msg);
    }
    return 0;
}

static int staff(ck_ui_req *r, const char *org)
{
    ck_node_staff_filter f = {org, NULL, NULL, NULL, -1};
    json_t *rows = NULL;
    if (ck_node_dir_staff(r->s->n, &f, &rows) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200, json_pack("{s:s,s:o,s:b}", "org", org, "staff", rows, "read_only", 1));
}

static int census(ck_ui_req *r, const char *org)
{
    ck_node_rows_out c;
    json_t *units = NULL, *v;
    memset(&c, 0, sizeof c);
    if (ck_node_care_units_list(r->s->n, org, &units) != 0) return ck_ui_fail_node(r, r->s->n);
    if (ck_node_encounter_census(r->s->n, org, &c) != 0) {
        json_decref(units);
        return ck_ui_fail_node(r, r->s->n);
    }
    v = json_pack("{s:s,s:o,s:O,s:I}", "org", org, "units", units, "census", c.rows, "withheld", (json_int_t)c.withheld);
    ck_node_rows_out_free(&c);
    return ck_ui_json(r, 200, v);
}

static int rows_view(ck_ui_req *r, const char *org, int theatre)
{
    char period[PERIOD_MAX];
    ck_node_rows_out out;
    json_t *v;
    int rc;
    if (param(r, "period", period, sizeof period) != 0) return -1;
    memset(&out, 0, sizeof out);
    rc = theatre ? ck_node_theatre_list(r->s->n, org, NULL, period[0] ? period : NULL, &out)
                 : ck_node_schedule_show(r->s->n, org, NULL, period[0] ? period : NULL, &out);
    if (rc != 0) return ck_ui_fail_node(r, r->s->n);
    v = json_pack("{s:s,s:s,s:O}", "org", org, "period", period, theatre ? "bookings" : "slots", out.rows);
    ck_node_rows_out_free(&out);
    return ck_ui_json(r, 200, v);
}

static int mis(ck_ui_req *r, const char *org)
{
    char report[24], period[PERIOD_MAX], format[8];
    ck_node_mis_in in;
    ck_node_mis_out out;
    ck_node_error e;
    json_t *v;
    if (param(r, "report", report, sizeof report) || param(r, "period", period, sizeof period) ||
        param(r, "format", format, sizeof format))
        return -1;
    if (format[0] && strcmp(format, "csv") && strcmp(format, "json"))
        return ck_ui_fail(r, 400, "bad_param", "format= is csv or json");
    memset(&in, 0, sizeof in);
    in.org = org;
    in.report = report[0] ? report : "all";
    in.period = period;
    in.format = !strcmp(format, "csv") ? CK_NODE_MIS_CSV : CK_NODE_MIS_JSON;
    memset(&e, 0, sizeof e);
    if (ck_node_mis_check(&in, &e) != 0) return ck_ui_fail(r, 400, e.key[0] ? e.key : "invalid", e.msg);
    memset(&out, 0, sizeof out);
    if (ck_node_mis_run(r->s->n, &in, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    if (in.format == CK_NODE_MIS_CSV) {
        free(r->text);
        r->text = out.text; /* taken */
        r->text_len = strlen(out.text);
        out.text = NULL;
        r->status = 200;
        r->ctype = "text/csv; charset=utf-8";
        ck_node_mis_out_free(&out);
        return 0;
    }
    v = json_loads(out.text, 0, NULL);
    ck_node_mis_out_free(&out);
    if (!v) return ck_ui_fail(r, 500, "bad_report", "the node's report is not JSON");
    if (json_is_object(v) && !json_object_get(v, "reports")) /* one report: the same shape as all */
        v = json_pack("{s:s,s:s,s:[o]}", "hospital", org, "period", period, "reports", v);
    return ck_ui_json(r, 200, v);
}

int ck_ui_clerk_view(ck_ui_req *r, const char *view)
{
    char org[CK_UI_GID_MAX], name[48];
    snprintf(name, sizeof name, "clerk/%s", view);
    if (strcmp(view, "staff") && strcmp(view, "census") && strcmp(view, "schedule") && strcmp(view, "theatre") &&
        strcmp(view, "mis"))
        return ck_ui_fail(r, 404, "not_found", "no such board");
    if (!ck_ui_role_may(r->s->role, name)) return ck_ui_fail(r, 403, "not_for_role", "this board is for the clerk");
    if (ck_ui_care_org(r, org) != 0) return -1;
    if (!strcmp(view, "staff")) return staff(r, org);
    if (!strcmp(view, "census")) return census(r, org);
    if (!strcmp(view, "mis")) return mis(r, org);
    return rows_view(r, org, !strcmp(view, "theatre"));
}
