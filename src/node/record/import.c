/*
 * src/node/record/import.c - a FHIR R4 bundle into a patient's record as
 * one batch (carekey/node_import.h): plan and seal every entry, then write
 * what the record lacks and the commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_import.h"
#include "carekey/report.h"
#include "node/record/record_impl.h"

#define IMPORT_TYPE "Bundle"   /* resource type of an entry holding a section's items */
#define EMERGENCY_SECTION "emergency"
#define EMERGENCY_SCHEMA "carekey-emergency/1"
#define ENTRY_BYTES_MIN 4096

/* One section's items in entries of at most max_entry bytes of JSON (the
 * server limits one request), in a fixed order so a re-run plans the same. */
static int plan_section(ck_node_batch *p, ck_node *c, ck_node_sharing *sh, const char *patient, const char *name,
                        const json_t *arr, size_t max_entry)
{
    size_t k = 0, total = json_array_size(arr);
    int rc = 0;
    while (k < total && rc == 0) {
        json_t *chunk = ck_node_batch_chunk(arr, &k, max_entry);
        char *policy = NULL;
        if (!chunk) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        if ((rc = ck_node_section_policy(c, sh, patient, name, &policy)) == 0 &&
            ck_node_batch_add(p, name, IMPORT_TYPE, chunk, policy, json_array_size(chunk)) != 0) {
            free(policy);
            rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        }
        json_decref(chunk);
    }
    return rc;
}

/* The emergency view of the imported sections (docs/RECORD-MODEL.md,
 * Reports), one entry of section "emergency":
 * {"schema": "carekey-emergency/1", "sections": {"allergies": [...],
 * "problems": [...], "medications": [...], "results": [...]}}, sealed under
 * the profile's "emergency" policy. Its blocks' sections are always present
 * (possibly empty), so a summary says "none recorded" rather than "not
 * shared". Nothing when the bundle holds none of them. */
static int plan_emergency_view(ck_node_batch *p, ck_node *c, ck_node_sharing *sh, const char *patient,
                               const ck_fhir_sections *secs, size_t *n_emergency)
{
    static const ck_section blocks[] = {CK_SECTION_ALLERGIES, CK_SECTION_PROBLEMS, CK_SECTION_MEDICATIONS,
                                        CK_SECTION_RESULTS};
    ck_fhir_sections view;
    ck_fhir_error fe;
    json_t *doc = NULL, *out_secs = NULL;
    char *policy = NULL;
    size_t present = 0;
    int rc = -1;

    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) present += json_array_size(secs->section[blocks[b]]);
    if (!present) return 0;
    memset(&view, 0, sizeof view);
    memset(&fe, 0, sizeof fe);
    if (ck_report_emergency_view(&view, secs, &fe) != CK_FHIR_OK)
        return ck_node_fail(c, CK_NODE_E_INVALID, "emergency_view", "emergency view: %s",
                            fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
    if (!(out_secs = json_object())) goto oom;
    for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
        json_t *a = view.section[blocks[b]] ? json_incref(view.section[blocks[b]]) : json_array();
        if (!a || json_object_set_new(out_secs, ck_section_name(blocks[b]), a) != 0) goto oom;
        *n_emergency += json_array_size(a);
    }
    if (!(doc = json_pack("{s:s,s:O}", "schema", EMERGENCY_SCHEMA, "sections", out_secs))) goto oom;
    if ((rc = ck_node_section_policy(c, sh, patient, CK_SHARING_VIEW_EMERGENCY, &policy)) != 0) goto out;
    if (ck_node_batch_add(p, EMERGENCY_SECTION, IMPORT_TYPE, doc, policy, 0) != 0) {
        free(policy);
        goto oom;
    }
    rc = 0;
    goto out;
oom:
    rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
out:
    json_decref(doc);
    json_decref(out_secs);
    ck_fhir_sections_clear(&view);
    return rc;
}

/* The batch id of an import: the same bundle, record and entry size give
 * the same id, so a re-run finds what an interrupted run left. */
static void batch_id(uint8_t out[CK_REC_ID_BYTES], const char *patient, const uint8_t *bundle, size_t len,
                     size_t max_entry)
{
    uint8_t h[32], *buf = malloc(len + 128);
    size_t n = 0;
    if (!buf) {
        memset(out, 0xff, CK_REC_ID_BYTES);   /* still a valid id; a re-run then starts afresh */
        return;
    }
    n += (size_t)snprintf((char *)buf, 128, "carekey-import-v1|%s|%zu|", patient, max_entry);
    memcpy(buf + n, bundle, len);
    ck_net_sha256(h, buf, n + len);
    memcpy(out, h, CK_REC_ID_BYTES);
    ck_node_free_secret(buf, len + 128);
}

/* Every entry planned and sealed: nothing is written when this fails. */
static int plan(ck_node *c, ck_node_batch *p, const ck_node_import_in *in, const ck_fhir_sections *secs,
                size_t max_entry, ck_node_import_out *out)
{
    ck_node_sharing sh;
    ck_node_sealer sl;
    int rc = 0;
    ck_node_sharing_init(&sh);
    ck_node_sealer_init(&sl, c, 1);   /* many seals: precompute the public-key tables */
    for (int s = 0; s < CK_SECTION_COUNT && rc == 0; s++)
        if (secs->section[s] && json_array_size(secs->section[s]))
            rc = plan_section(p, c, &sh, in->patient, ck_section_name((ck_section)s), secs->section[s], max_entry);
    if (rc == 0) rc = plan_emergency_view(p, c, &sh, in->patient, secs, &out->n_emergency);
    if (rc == 0) rc = ck_node_batch_seal(p, c, &sl, in->patient);
    ck_node_sealer_free(&sl);
    ck_node_sharing_free(&sh);
    return rc;
}

static int import_bundle(ck_node *c, const ck_node_import_in *in, ck_node_import_out *out)
{
    size_t max_entry = in->max_entry_bytes ? in->max_entry_bytes : CK_NODE_IMPORT_ENTRY_BYTES, n_sections = 0;
    ck_fhir_sections secs;
    ck_fhir_error fe;
    ck_node_batch p;
    int rc;

    memset(&secs, 0, sizeof secs);
    memset(&p, 0, sizeof p);
    if (!in->patient || !ck_net_id_valid(in->patient))
        return ck_node_fail(c, CK_NODE_E_INVALID, "bad_gid", "'%s' is not a valid GID", in->patient ? in->patient : "");
    if (max_entry < ENTRY_BYTES_MIN)
        return ck_node_fail(c, CK_NODE_E_INVALID, "bad_entry_bytes", "the entry size must be at least %d bytes",
                            ENTRY_BYTES_MIN);
    /* An import is one batch across every section, closed by its author's
     * commit: only the patient writes them all. A grantee's import would
     * stop at her first section without a grant and leave an open batch
     * that readers count against the whole record. */
    if ((rc = ck_node_keyring(c)) != 0) return rc;
    if (!ck_node_is_patient(c, in->patient))
        return ck_node_fail(c, CK_NODE_E_FORBIDDEN, "not_patient",
                            "only the patient imports a bundle into her record (this keyring is %s)", ck_node_gid(c));
    memset(&fe, 0, sizeof fe);
    if (ck_fhir_split(&secs, (const char *)in->bundle, in->bundle_len, &fe) != CK_FHIR_OK) {
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "bad_bundle", "%s", fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
        goto out;
    }
    for (int s = 0; s < CK_SECTION_COUNT; s++)
        if (secs.section[s] && json_array_size(secs.section[s])) n_sections++;
    if (n_sections == 0) {
        out->empty = 1;
        out->stage = CK_NODE_IMPORT_DONE;
        rc = 0;
        goto out;
    }
    batch_id(p.id, in->patient, in->bundle, in->bundle_len, max_entry);
    if ((rc = ck_node_net(c)) != 0 || (rc = plan(c, &p, in, &secs, max_entry, out)) != 0) goto out;
    out->n_items = p.n_items;
    out->n_planned = p.n;
    out->emergency = p.n && !strcmp(p.e[p.n - 1].section, EMERGENCY_SECTION);
    out->n_entries = p.n - (size_t)out->emergency;
    out->stage = CK_NODE_IMPORT_WRITING;
    if ((rc = ck_node_batch_write(&p, c, in->patient, &out->appended, &out->already)) != 0) goto out;
    out->stage = CK_NODE_IMPORT_DONE;
    if (!out->already) rc = ck_node_after_write(c, in->patient);
out:
    ck_node_batch_free(&p);
    ck_fhir_sections_clear(&secs);
    return rc;
}

int ck_node_import(ck_node *c, const ck_node_import_in *in, ck_node_import_out *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    rc = import_bundle(c, in, out);
    ck_node_leave(c);
    return rc;
}
