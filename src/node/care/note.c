/*
 * src/node/care/note.c - clinical notes in the patient's record: a
 * DocumentReference (LOINC progress note 11506-3, history and physical
 * 34117-2, discharge summary 18842-5) whose text is a base64 text/plain
 * attachment, in section `other`, which the default sharing profile gives
 * to the patient and her clinicians only.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/build.h"
#include "node/care/care_impl.h"

#define SECTION "other"


int ck_node_note_add(ck_node *n, const ck_node_note_in *in, ck_node_write_out *out)
{
    ck_node_care_writer w;
    ck_node_error e;
    ck_net_head head;
    int64_t at_ms = (int64_t)ck_node_now_ms();
    int rc = -1;
    ck_node_enter(n);
    memset(out, 0, sizeof *out);
    ck_node_care_writer_init(&w, n);
    if (ck_node_note_check(in, at_ms, &e) != 0) {
        n->err = e;
        goto out;
    }
    if (in->at && ck_care_time_parse(in->at, &at_ms) != 0) goto out; /* checked above */
    if (ck_node_net(n) != 0 || ck_node_care_encounter_known(n, in->patient, in->encounter) != 0) goto out;
    if (ck_node_note_build(in, ck_node_gid(n), at_ms, &out->resource, &e) != 0) {
        n->err = e;
        n->err.kind = CK_NODE_E_REFUSED;
        goto out;
    }
    snprintf(out->id, sizeof out->id, "%s", json_string_value(json_object_get(out->resource, "id")));
    if (ck_node_care_put(&w, in->patient, SECTION, out->resource, NULL, NULL, &head) != 0) goto out;
    out->seq = head.seq;
    rc = 0;
out:
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}
