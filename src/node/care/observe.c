/*
 * src/node/care/observe.c - vital signs and laboratory results in the
 * patient's record (section results), by the clinician running the
 * operation. One operation, one entry: the measurements taken together are
 * one entry holding an array of Observations (one per measurement, each
 * with its own id), so a round of vitals is written whole or not at all;
 * readers split the array into items again. A single measurement is
 * written as the resource itself.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/build.h"
#include "node/care/care_impl.h"

#define SECTION "results"


int ck_node_observe(ck_node *n, const ck_node_observe_in *in, ck_node_write_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    ck_care_error ce;
    ck_net_head head;
    const json_t *one;
    int64_t at_ms = (int64_t)ck_node_now_ms();
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    memset(&ce, 0, sizeof ce);
    ck_node_care_writer_init(&w, n);
    if (ck_node_observe_check(in, at_ms, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (in->at && ck_care_time_parse(in->at, &at_ms) != 0) goto out; /* checked above */
    if (ck_node_net(n) != 0 || ck_node_care_encounter_known(n, in->patient, in->encounter) != 0) goto out;
    if (ck_node_observe_build(in, ck_node_gid(n), at_ms, &out->resource, &ce) != 0) {
        ck_node_fail(n, CK_NODE_E_REFUSED, ce.code[0] ? ce.code : "refused", "%s", ce.msg[0] ? ce.msg : "out of memory");
        goto out;
    }
    one = json_array_size(out->resource) == 1 ? json_array_get(out->resource, 0) : out->resource;
    if (ck_node_care_put(&w, in->patient, SECTION, one, NULL, NULL, &head) != 0) goto out;
    out->seq = head.seq;
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}
