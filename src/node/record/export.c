/*
 * src/node/record/export.c - what this person can read of a record as a
 * FHIR R4 collection Bundle (carekey/node_import.h).
 */
#include <stdlib.h>
#include <string.h>

#include "carekey/node_import.h"
#include "node/record/record_impl.h"

static int export_view(ck_node *c, ck_node_view *v, ck_node_export_out *out)
{
    ck_fhir_sections secs;
    ck_fhir_error fe;
    size_t bad = 0;
    int rc;

    memset(&secs, 0, sizeof secs);
    if (ck_node_view_problems(v))
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; nothing exported");
    if (v->vo.n_open_batches)
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_incomplete",
                            "the record is incomplete: an import was interrupted (%zu entries not committed); "
                            "nothing exported (re-run that import to complete it)", ck_node_view_open_entries(v));
    if ((rc = ck_node_view_sections(v, &secs, &out->withheld, &bad)) != 0) goto out;
    if (bad) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "entries_unreadable",
                          "%zu entries do not open or parse; nothing exported", bad);
        goto out;
    }
    memset(&fe, 0, sizeof fe);
    if (ck_fhir_export(&out->bundle, &secs, CK_FHIR_BUNDLE_COLLECTION, &fe) != CK_FHIR_OK) {
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "bundle_failed", "building the bundle: %s",
                          fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        goto out;
    }
    out->n_resources = ck_fhir_sections_count(&secs);
    rc = ck_node_view_pin(v);
out:
    ck_fhir_sections_clear(&secs);
    return rc;
}

int ck_node_export(ck_node *c, const char *patient, ck_node_export_out *out)
{
    ck_node_view v;
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    if ((rc = ck_node_view_load(&v, c, patient, 1)) == 0) rc = export_view(c, &v, out);
    ck_node_view_free(&v);
    if (rc != 0) ck_node_export_out_free(out);
    ck_node_leave(c);
    return rc;
}

void ck_node_export_out_free(ck_node_export_out *out)
{
    json_decref(out->bundle);
    memset(out, 0, sizeof *out);
}
