/*
 * src/ui/publish.c - research publishing from the patient's page: POST
 * /ui/api/publish makes her de-identified copy (HIPAA Safe Harbor, by her
 * own node) and appends it as section "research" (carekey/node_report.h).
 * What a researcher later reads is only this copy.
 */
#include <string.h>

#include "carekey/node_report.h"
#include "ui/ui_impl.h"

int ck_ui_publish(ck_ui_req *r)
{
    char patient[CK_UI_GID_MAX];
    ck_node_publish_out out;
    if (!ck_ui_role_may(r->s->role, "publish")) return ck_ui_fail(r, 403, "not_for_role", "only the patient publishes");
    if (ck_ui_patient_param(r, patient) != 0) return -1;
    if (strcmp(patient, r->s->patient) != 0)
        return ck_ui_fail(r, 403, "not_your_record", "you publish your own record only");
    memset(&out, 0, sizeof out);
    if (ck_node_research_publish(r->s->n, patient, &out) != 0) return ck_ui_fail_node(r, r->s->n);
    return ck_ui_json(r, 200, json_pack("{s:b,s:I,s:I,s:s}", "published", 1, "resources", (json_int_t)out.n_items,
                                        "parts", (json_int_t)out.n_parts, "plain",
                                        "A de-identified copy of your record (no name, address, dates of birth or "
                                        "identifiers) is now what researchers can read."));
}
