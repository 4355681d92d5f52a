/*
 * metrics.c - counters for /metrics in the Prometheus text format.
 * Lock-free: relaxed atomics on fixed arrays indexed by route, status
 * class and error code, so observing costs a few adds per request.
 */
#include "ckd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const route_names[CKD_R_COUNT] = {
    "unknown", "healthz", "metrics", "user_add", "user_get", "authority_add", "authority_get",
    "authority_epochs", "append", "entries", "entry", "head_get", "head_put", "grant_add", "grants",
    "grant_revoke", "audit", "mail_put", "mail_list", "mail_ack", "org_add", "orgs", "org_get", "unit_add",
    "units", "users", "affiliate", "deactivate", "reactivate", "unaffiliate", "consent_add", "consent_del",
    "enroll_add", "enroll_get", "enrollments", "enroll_approve", "enroll_reject", "grants_mine", "session_open",
};

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 429, 500, 503};
#define NSTATUS ((int)(sizeof statuses / sizeof statuses[0]))
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS ((int)(sizeof buckets / sizeof buckets[0]))

static unsigned long requests[CKD_R_COUNT][NSTATUS + 1];
static unsigned long errors[CKD_E_COUNT];
static unsigned long hist[CKD_R_COUNT][NBUCKETS + 1];
static unsigned long dur_us[CKD_R_COUNT];
static long inflight;

const char *ckd_route_name(ckd_route r) { return (unsigned)r < CKD_R_COUNT ? route_names[r] : "unknown"; }

void ckd_metrics_observe(ckd_route r, int status, double seconds, int err)
{
    int si = NSTATUS, b = 0;
    if ((unsigned)r >= CKD_R_COUNT) r = CKD_R_NONE;
    for (int i = 0; i < NSTATUS; i++)
        if (statuses[i] == status) si = i;
    while (b < NBUCKETS && seconds > buckets[b]) b++;
    __atomic_add_fetch(&requests[r][si], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&hist[r][b], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&dur_us[r], (unsigned long)(seconds * 1e6), __ATOMIC_RELAXED);
    if (err >= 0 && err < CKD_E_COUNT) __atomic_add_fetch(&errors[err], 1, __ATOMIC_RELAXED);
}

void ckd_metrics_inflight(int delta) { __atomic_add_fetch(&inflight, delta, __ATOMIC_RELAXED); }
long ckd_metrics_inflight_now(void) { return __atomic_load_n(&inflight, __ATOMIC_RELAXED); }

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->oom) return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        char *np = realloc(b->p, b->cap * 2 + (size_t)n);
        if (np == NULL) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = b->cap * 2 + (size_t)n;
    }
}

char *ckd_metrics_render(int64_t storage_bytes, double uptime_s, const ckd_rcache *rc, long sessions)
{
    unsigned long hits, misses, changed;
    sbuf b = {malloc(8192), 0, 8192, 0};
    if (b.p == NULL) return NULL;
    b.p[0] = 0;
    sb_printf(&b, "# HELP carekeyd_requests_total HTTP requests by route and status.\n"
                  "# TYPE carekeyd_requests_total counter\n");
    for (int r = 0; r < CKD_R_COUNT; r++)
        for (int s = 0; s <= NSTATUS; s++) {
            unsigned long v = __atomic_load_n(&requests[r][s], __ATOMIC_RELAXED);
            if (v)
                sb_printf(&b, "carekeyd_requests_total{route=\"%s\",status=\"%d\"} %lu\n", route_names[r],
                          s < NSTATUS ? statuses[s] : 0, v);
        }
    sb_printf(&b, "# HELP carekeyd_request_duration_seconds Request latency by route.\n"
                  "# TYPE carekeyd_request_duration_seconds histogram\n");
    for (int r = 0; r < CKD_R_COUNT; r++) {
        unsigned long cum = 0, total = 0;
        for (int i = 0; i <= NBUCKETS; i++) total += __atomic_load_n(&hist[r][i], __ATOMIC_RELAXED);
        if (total == 0) continue;
        for (int i = 0; i < NBUCKETS; i++) {
            cum += __atomic_load_n(&hist[r][i], __ATOMIC_RELAXED);
            sb_printf(&b, "carekeyd_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n",
                      route_names[r], buckets[i], cum);
        }
        sb_printf(&b, "carekeyd_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n",
                  route_names[r], total);
        sb_printf(&b, "carekeyd_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route_names[r],
                  __atomic_load_n(&dur_us[r], __ATOMIC_RELAXED) / 1e6);
        sb_printf(&b, "carekeyd_request_duration_seconds_count{route=\"%s\"} %lu\n", route_names[r], total);
    }
    sb_printf(&b, "# HELP carekeyd_errors_total Error responses by stable error code.\n"
                  "# TYPE carekeyd_errors_total counter\n");
    for (int e = 0; e < CKD_E_COUNT; e++)
        sb_printf(&b, "carekeyd_errors_total{code=\"%s\"} %lu\n", ckd_err_code((ckd_err)e),
                  __atomic_load_n(&errors[e], __ATOMIC_RELAXED));
    sb_printf(&b, "# HELP carekeyd_inflight_requests Requests being processed.\n"
                  "# TYPE carekeyd_inflight_requests gauge\ncarekeyd_inflight_requests %ld\n",
              ckd_metrics_inflight_now());
    sb_printf(&b, "# HELP carekeyd_storage_bytes Bytes the database uses.\n"
                  "# TYPE carekeyd_storage_bytes gauge\ncarekeyd_storage_bytes %lld\n",
              (long long)storage_bytes);
    sb_printf(&b, "# HELP carekeyd_uptime_seconds Seconds since start.\n"
                  "# TYPE carekeyd_uptime_seconds gauge\ncarekeyd_uptime_seconds %.3f\n", uptime_s);
    if (sessions >= 0)
        sb_printf(&b, "# HELP carekeyd_sessions_open Request sessions open in this process.\n"
                      "# TYPE carekeyd_sessions_open gauge\ncarekeyd_sessions_open %ld\n", sessions);
    if (rc) {
        ckd_rcache_stats(rc, &hits, &misses, &changed);
        sb_printf(&b, "# HELP carekeyd_record_cache_total Record reads served from the record cache (hit), "
                      "loaded from the database (miss), and cached reads whose record changed before their "
                      "commit (changed: read again).\n# TYPE carekeyd_record_cache_total counter\n"
                      "carekeyd_record_cache_total{result=\"hit\"} %lu\n"
                      "carekeyd_record_cache_total{result=\"miss\"} %lu\n"
                      "carekeyd_record_cache_total{result=\"changed\"} %lu\n", hits, misses, changed);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}
