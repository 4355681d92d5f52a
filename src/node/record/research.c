/*
 * src/node/record/research.c - the patient publishes a de-identified copy
 * of her record for researchers (carekey/node_report.h): verified and
 * opened here, de-identified here (ck_deid_research, HIPAA Safe Harbor),
 * appended as parts of one batch sealed under her research policy.
 */
#include <stdlib.h>
#include <string.h>

#include "carekey/node_report.h"
#include "node/record/record_impl.h"
#include "node/record/research.h"

#define RESEARCH_PART_MAX (512u << 10)   /* the server limits one request */

const ck_section ck_node_research_sections[CK_NODE_RESEARCH_N_SECTIONS] = {
    CK_SECTION_DEMOGRAPHICS, CK_SECTION_ALLERGIES,  CK_SECTION_PROBLEMS,      CK_SECTION_MEDICATIONS,
    CK_SECTION_ENCOUNTERS,   CK_SECTION_PROCEDURES, CK_SECTION_RESULTS,       CK_SECTION_IMMUNIZATIONS,
    CK_SECTION_CAREPLANS,
};

/* The de-identified sections as research parts of at most
 * RESEARCH_PART_MAX bytes each, into batch b. */
static int plan_research(ck_node_batch *b, ck_node *c, ck_node_sharing *sh, const char *patient,
                         const ck_fhir_sections *deid)
{
    int rc = 0;
    for (int s = 0; s < CK_SECTION_COUNT && rc == 0; s++) {
        size_t k = 0;
        while (rc == 0 && k < json_array_size(deid->section[s])) {
            json_t *chunk = ck_node_batch_chunk(deid->section[s], &k, RESEARCH_PART_MAX), *doc;
            char *policy = NULL;
            doc = chunk ? json_pack("{s:s,s:{s:o}}", "schema", CK_NODE_RESEARCH_SCHEMA, "sections",
                                    ck_section_name((ck_section)s), chunk)
                        : NULL;
            if (!doc) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            if ((rc = ck_node_section_policy(c, sh, patient, CK_SHARING_VIEW_RESEARCH, &policy)) == 0 &&
                ck_node_batch_add(b, CK_NODE_RESEARCH_SECTION, CK_NODE_RESEARCH_TYPE, doc, policy,
                                  json_array_size(chunk)) != 0) {
                free(policy);
                rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            }
            json_decref(doc);
        }
    }
    return rc;
}

/* The research sections of the verified record, de-identified. */
static int deidentify(ck_node *c, ck_node_view *v, ck_fhir_sections *deid)
{
    ck_fhir_sections secs, subset;
    ck_fhir_error fe;
    size_t withheld = 0, bad = 0;
    int rc;

    memset(&secs, 0, sizeof secs);
    memset(&subset, 0, sizeof subset);
    if (ck_node_view_problems(v))
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; not publishing");
    if (v->vo.n_open_batches) /* a copy without the interrupted import would look whole to researchers */
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_incomplete",
                            "the record is incomplete: an import was interrupted (%zu entries not committed); not "
                            "publishing (re-run that import to complete it)", ck_node_view_open_entries(v));
    if ((rc = ck_node_view_sections(v, &secs, &withheld, &bad)) != 0) goto out;
    if (bad) {
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "entries_unreadable", "%zu entries do not open or parse; not publishing",
                          bad);
        goto out;
    }
    for (size_t i = 0; i < CK_NODE_RESEARCH_N_SECTIONS; i++)
        subset.section[ck_node_research_sections[i]] = secs.section[ck_node_research_sections[i]];
    memset(&fe, 0, sizeof fe);
    if (ck_deid_research(deid, &subset, NULL, &fe) != CK_FHIR_OK)
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "deid_failed", "de-identification failed: %s",
                          fe.msg[0] ? fe.msg : ck_fhir_strerror(fe.code));
out:
    memset(&subset, 0, sizeof subset);   /* borrowed from secs */
    ck_fhir_sections_clear(&secs);
    return rc;
}

static int publish(ck_node *c, const char *patient, ck_node_publish_out *out)
{
    ck_fhir_sections deid;
    ck_node_sharing sh;
    ck_node_sealer sl;
    ck_node_batch b;
    ck_node_view v;
    size_t appended = 0;
    int already = 0, rc;

    memset(&deid, 0, sizeof deid);
    memset(&b, 0, sizeof b);
    memset(&v, 0, sizeof v);
    ck_node_sharing_init(&sh);
    ck_node_sealer_init(&sl, c, 0);
    if ((rc = ck_node_keyring(c)) != 0) goto out;
    if (!ck_node_is_patient(c, patient)) {
        rc = ck_node_fail(c, CK_NODE_E_INVALID, "not_patient",
                          "only the patient publishes her research copy (this keyring is %s)", ck_node_gid(c));
        goto out;
    }
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0 || (rc = deidentify(c, &v, &deid)) != 0) goto out;
    /* a copy of any size: parts in one batch, all or nothing */
    if (ck_random_bytes(b.id, sizeof b.id) != CK_OK) {
        rc = ck_node_fail(c, CK_NODE_E_IO, "random", "no random bytes");
        goto out;
    }
    if ((rc = plan_research(&b, c, &sh, patient, &deid)) != 0 || (rc = ck_node_batch_seal(&b, c, &sl, patient)) != 0) {
        out->plan_failed = 1;
        goto out;
    }
    if ((rc = ck_node_batch_write(&b, c, patient, &appended, &already)) != 0) goto out;
    out->n_items = b.n_items;
    out->n_parts = b.n;
    rc = ck_node_after_write(c, patient);
out:
    ck_node_batch_free(&b);
    ck_node_sealer_free(&sl);
    ck_fhir_sections_clear(&deid);
    ck_node_view_free(&v);
    ck_node_sharing_free(&sh);
    return rc;
}

int ck_node_research_publish(ck_node *c, const char *patient, ck_node_publish_out *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(c);
    rc = publish(c, patient, out);
    ck_node_leave(c);
    return rc;
}
