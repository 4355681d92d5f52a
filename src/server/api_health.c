/*
 * api_health.c - GET /healthz and GET /metrics (unauthenticated: they carry
 * no patient data, only counts and timings).
 */
#include "ckd.h"

#include <stdlib.h>

enum MHD_Result ckd_api_health(ckd_req *r)
{
    uint64_t seq;
    uint8_t h[32];
    /* A cheap read proves the store answers. */
    ck_store_rc rc = ck_store_head(r->srv->store, "healthz-probe", &seq, h);
    if (rc != CK_STORE_OK && rc != CK_STORE_NOT_FOUND) return ckd_fail(r, CKD_E_UNAVAILABLE, "storage unavailable");
    return ckd_reply(r, 200, json_pack("{s:s,s:s,s:i}", "status", "ok", "backend", ck_store_backend(r->srv->store),
                                       "schema", ck_store_schema_version(r->srv->store)));
}

enum MHD_Result ckd_api_metrics(ckd_req *r)
{
    int64_t bytes = -1;
    if (ck_store_size(r->srv->store, &bytes) != CK_STORE_OK) bytes = -1;
    return ckd_reply_text(r, 200, "text/plain; version=0.0.4",
                          ckd_metrics_render(bytes, (double)(ckd_now_ms() - r->srv->started_ms) / 1000.0, r->srv->rcache,
                                             r->srv->sessions ? ckd_sessions_count(r->srv->sessions, ckd_now_ms()) : -1));
}
