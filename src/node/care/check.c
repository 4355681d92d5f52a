/*
 * src/node/care/check.c - the input checks of the care operations, pure
 * (no session, no I/O), so that the CLI, the FHIR API and the tests get
 * the same answers. Messages name the option a person typed; path names
 * the input field.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carekey/care.h"
#include "carekey/node_care.h"
#include "carekey/wire.h"

#define BED_MAX 100000u

int ck_node_care_id_valid(const char *s) { return s && ck_net_id_valid(s); }

static int bad(ck_node_error *e, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(ck_node_error *e, const char *path, const char *fmt, ...)
{
    va_list ap;
    memset(e, 0, sizeof *e);
    e->kind = CK_NODE_E_INVALID;
    snprintf(e->key, sizeof e->key, "bad_%s", path);
    snprintf(e->path, sizeof e->path, "%s", path);
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static int check_patient(const char *patient, ck_node_error *e)
{
    if (!patient) return bad(e, "patient", "--patient is required");
    if (!ck_net_id_valid(patient)) return bad(e, "patient", "invalid GID '%s'", patient);
    return 0;
}

static int check_reason(const char *reason, const char *code, ck_node_error *e)
{
    size_t n = code ? strlen(code) : 0;
    if (reason && (!*reason || strlen(reason) > 4096)) return bad(e, "reason", "--reason: 1-4096 bytes");
    if (code && (n < 6 || n > 18 || code[0] == '0' || strspn(code, "0123456789") != n))
        return bad(e, "reason_code", "--reason-code: '%s' is not a SNOMED CT id (6-18 digits)", code);
    return 0;
}

static int check_time(const char *at, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!at) {
        *at_ms = now_ms;
        return 0;
    }
    if (ck_care_time_parse(at, at_ms) == 0) return 0;
    return bad(e, "at", "'%s' is not a time (YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z|+hh:mm])", at);
}

static int check_org(const char *org, ck_node_error *e)
{
    if (org && !ck_net_id_valid(org)) return bad(e, "hospital", "'%s' is not a valid organization name", org);
    return 0;
}

int ck_node_admit_check(const ck_node_admit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->ward) return bad(e, "ward", "--ward and --bed are required");
    if (!ck_net_id_valid(in->ward)) return bad(e, "ward", "invalid ward name '%s'", in->ward);
    if (in->bed < 1 || in->bed > BED_MAX) return bad(e, "bed", "--bed: '%u' is not a bed number (1, 2, ...)", in->bed);
    if (check_patient(in->patient, e) || check_reason(in->reason, in->reason_code, e)) return -1;
    return check_time(in->at, now_ms, at_ms, e) || check_org(in->org, e) ? -1 : 0;
}

int ck_node_discharge_check(const ck_node_discharge_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    const char *disp = in->disposition ? in->disposition : "home";
    if (in->encounter && !ck_net_id_valid(in->encounter))
        return bad(e, "encounter", "invalid encounter id '%s'", in->encounter);
    if (!ck_care_disposition_valid(disp))
        return bad(e, "disposition",
                   "--disposition: '%s' is not home, alt-home, other-hcf, hosp, long, aadvice, exp, psy, rehab, snf "
                   "or oth", disp);
    if (in->summary && (!*in->summary || strlen(in->summary) > 65536))
        return bad(e, "summary", "--summary: 1-65536 bytes");
    if (check_patient(in->patient, e)) return -1;
    return check_time(in->at, now_ms, at_ms, e) || check_org(in->org, e) ? -1 : 0;
}

int ck_node_visit_check(const ck_node_visit_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->emergency && !in->department) return bad(e, "department", "--department is required");
    if (in->department && !ck_net_id_valid(in->department))
        return bad(e, "department", "invalid department name '%s'", in->department);
    if (check_patient(in->patient, e) || check_reason(in->reason, in->reason_code, e)) return -1;
    return check_time(in->at, now_ms, at_ms, e) || check_org(in->org, e) ? -1 : 0;
}

static const char *const mis_reports[] = {"admissions", "occupancy", "outpatient", "prescriptions", "theatre", "all"};

int ck_node_mis_check(const ck_node_mis_in *in, ck_node_error *e)
{
    ck_care_period p;
    size_t i;
    for (i = 0; i < sizeof mis_reports / sizeof *mis_reports; i++)
        if (in->report && !strcmp(in->report, mis_reports[i])) break;
    if (i == sizeof mis_reports / sizeof *mis_reports)
        return bad(e, "report", "unknown report '%s'", in->report ? in->report : "");
    if ((unsigned)in->format > CK_NODE_MIS_JSON) return bad(e, "format", "unknown output format");
    if (!in->period) return bad(e, "period", "--period is required (e.g. 2026-11)");
    if (ck_care_period_parse(in->period, &p) != 0)
        return bad(e, "period", "--period: '%s' is not YYYY-MM, YYYY-MM-DD or FROM..TO", in->period);
    return check_org(in->org, e);
}
