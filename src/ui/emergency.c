/*
 * src/ui/emergency.c - the ER physician's break-glass page's JSON API over
 * the node (carekey/node_emergency.h):
 *   POST /ui/api/emergency/request  {patient, reason, minutes, desk}
 *   GET  /ui/api/emergency/show?patient=P
 * Both answer {patient, desk, authority, issued, expires, remaining_s,
 * audit_seq, entries, report}: the emergency summary (carekey-report/1)
 * and the access window. The node signs the request, the desk writes the
 * patient's audit event before any key is released, and the summary is
 * refused once the window has ended. The data keys never leave the node.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "carekey/node_emergency.h"
#include "ui/rx_forms.h"

static int summary(ck_ui_req *r, const ck_node_emergency_out *out)
{
    char issued[32], expires[32];
    uint64_t now = (uint64_t)time(NULL) * 1000u;
    ck_node_btg_iso(issued, out->issued_ms);
    ck_node_btg_iso(expires, out->expires_ms);
    return ck_ui_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:O}", "patient", out->patient, "desk",
                                        out->desk, "authority", out->authority, "issued", issued, "expires", expires,
                                        "remaining_s", (json_int_t)(out->expires_ms > now ? (out->expires_ms - now) / 1000 : 0),
                                        "audit_seq", (json_int_t)out->audit_seq, "entries", (json_int_t)out->n_entries,
                                        "report", out->report));
}

static int request(ck_ui_req *r)
{
    ck_ui_btg_form f;
    ck_node_emergency_request_in in;
    ck_node_emergency_out out;
    int rc;
    if (ck_ui_btg_form_parse(r->body, r->body_len, &f) != 0)
        return ck_ui_fail(r, 400, "bad_form",
                          "the body must be {patient, reason (1-512 bytes), minutes (1-1440), desk (http(s) URL)}");
    memset(&in, 0, sizeof in);
    in.desk_url = f.desk;
    in.patient = f.patient;
    in.reason = f.reason;
    in.seconds = f.minutes * 60;
    rc = ck_node_emergency_request(r->s->n, &in, &out) != 0 ? ck_ui_fail_node(r, r->s->n) : summary(r, &out);
    ck_node_emergency_out_free(&out);
    memset(&f, 0, sizeof f);
    return rc;
}

static int show(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX];
    ck_node_emergency_out out;
    int rc;
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    rc = ck_node_emergency_show(r->s->n, patient, NULL, &out) != 0 ? ck_ui_fail_node(r, r->s->n) : summary(r, &out);
    ck_node_emergency_out_free(&out);
    return rc;
}

int ck_ui_emergency(ck_ui_req *r)
{
    char what[16];
    if (ck_ui_route_tail(r, "/ui/api/emergency/", what, sizeof what) != 0) return ck_ui_fail(r, 404, "not_found", "no such API route");
    if (!ck_ui_role_may(r->s->role, "emergency"))
        return ck_ui_fail(r, 403, "not_for_role", "break-glass is for ER physicians and doctors");
    if (!strcmp(what, "request") && !strcmp(r->method, "POST")) return request(r);
    if (!strcmp(what, "show") && !strcmp(r->method, "GET")) return show(r);
    return ck_ui_fail(r, 404, "not_found", "no such API route");
}
