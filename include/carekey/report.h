/*
 * carekey/report.h - the three reports (and the emergency summary) built
 * from whatever sections a reader could decrypt, as JSON with a stable
 * schema and as compact text for a terminal. Schema: docs/RECORD-MODEL.md.
 *
 *   personal      family: demographics, contacts, allergies, medications, appointments
 *   professional  clinicians: demographics and the clinical sections
 *   research      researchers: the de-identified view (built here with ck_deid_research)
 *   emergency     ER: allergies, active problems, active medications, blood type
 *
 * A section the reader does not hold (NULL in ck_fhir_sections) is shown
 * with status "not shared with you"; one with entries waiting for the
 * owner's re-encryption (pending[]) with status "sealed for an older epoch:
 * re-encryption pending" (and the rows it could open); an empty one says
 * "none recorded". None of these is an error.
 */
#ifndef CAREKEY_REPORT_H
#define CAREKEY_REPORT_H

#include "carekey/fhir.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_REPORT_SCHEMA "carekey-report/1"
#define CK_REPORT_NOT_SHARED "not shared with you"
#define CK_REPORT_PENDING "sealed for an older epoch: re-encryption pending"

typedef enum ck_report_kind {
    CK_REPORT_PERSONAL = 0,
    CK_REPORT_PROFESSIONAL,
    CK_REPORT_RESEARCH,
    CK_REPORT_EMERGENCY,
} ck_report_kind;

/* "personal", "professional", "research", "emergency"; NULL if unknown. */
const char *ck_report_kind_name(ck_report_kind k);

/*
 * {"schema": "carekey-report/1", "report": "<kind>", "title": "...",
 *  "blocks": [{"name": "allergies", "title": "Allergies", "section": "allergies",
 *              "status": "shared" | "not shared with you" |
 *                        "sealed for an older epoch: re-encryption pending",
 *              "columns": ["substance", ...], "rows": [["Peanuts", ...], ...]}]}
 * Every cell is a string ("" when absent). deid is used for the research
 * report only (NULL: OpenSSL random, current year).
 */
CK_MUST_CHECK ck_fhir_err ck_report_build(json_t **out, ck_report_kind kind,
                                          const ck_fhir_sections *readable,
                                          const ck_deid_options *deid, ck_fhir_error *err);

/* The report as text (NUL-terminated, free()). */
CK_MUST_CHECK ck_fhir_err ck_report_text(char **out, const json_t *report, ck_fhir_error *err);

/* The emergency view the profile's "emergency" policy protects: copies of
 * all allergies, active problems, active medications and blood-type
 * observations (other sections unavailable).                            */
CK_MUST_CHECK ck_fhir_err ck_report_emergency_view(ck_fhir_sections *out,
                                                   const ck_fhir_sections *in,
                                                   ck_fhir_error *err);

#ifdef __cplusplus
}
#endif
#endif
