/*
 * src/node/care/rx_check.c - the input checks of the prescription
 * operations, pure (no session), so that the CLI, the pages and the tests
 * get the same answers. Messages name the option a person typed; path
 * names the field.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/care.h"
#include "carekey/node_rx.h"
#include "carekey/wire.h"
#include "node/care/build.h"

#define REASON_MAX 4096
#define FHIR_ID_MAX 64

/* A FHIR id: [A-Za-z0-9-.]{1,64}. */
static int fhir_id_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n && n <= FHIR_ID_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n;
}

int ck_node_rx_write_check(const ck_node_rx_write_in *in, int64_t now_ms, int64_t *at_ms, const char **drug_name,
                           ck_node_error *e)
{
    const ck_care_drug *d;
    if (drug_name) *drug_name = NULL;
    if (!in->patient || !in->quantity || !in->rxnorm == !in->drug)
        return ck_node_care_bad(e, !in->patient ? "patient" : !in->quantity ? "quantity" : "drug",
                   "--patient, --quantity and one of --rxnorm or --drug are required");
    if (ck_node_care_in_patient(in->patient, e)) return -1;
    if (in->quantity > CK_NODE_RX_QUANTITY_MAX)
        return ck_node_care_bad(e, "quantity", "--quantity: '%u' is not 1..100000", in->quantity);
    if (in->refills > CK_NODE_RX_REFILLS_MAX) return ck_node_care_bad(e, "refills", "--refills: '%u' is not 0..99", in->refills);
    if (!(d = in->rxnorm ? ck_care_drug_by_rxnorm(in->rxnorm) : ck_care_drug_by_name(in->drug)))
        return ck_node_care_bad(e, "drug", "%s '%s' is not in the drug table ('carekey rx drugs' lists it)",
                   in->rxnorm ? "RxNorm code" : "drug", in->rxnorm ? in->rxnorm : in->drug);
    if (in->override_reason && (!*in->override_reason || strlen(in->override_reason) > REASON_MAX))
        return ck_node_care_bad(e, "override", "--override needs a reason (1..4096 bytes)");
    if (in->dose && strlen(in->dose) > REASON_MAX) return ck_node_care_bad(e, "dose", "--dose: at most 4096 bytes");
    if (in->unit && (!*in->unit || strlen(in->unit) > 64)) return ck_node_care_bad(e, "unit", "--unit: 1..64 bytes");
    if (drug_name) *drug_name = ck_care_drug_name(d);
    return ck_node_care_in_time(in->at, now_ms, at_ms, e) || ck_node_care_in_org(in->org, e) ? -1 : 0;
}

int ck_node_rx_dispense_check(const ck_node_rx_dispense_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->patient || !in->id || !in->quantity)
        return ck_node_care_bad(e, !in->patient ? "patient" : !in->id ? "id" : "quantity",
                   "--patient, --id and --quantity are required");
    if (!ck_net_id_valid(in->patient) || (in->org && !ck_net_id_valid(in->org)) ||
        (in->location && !ck_net_id_valid(in->location)))
        return ck_node_care_bad(e, !ck_net_id_valid(in->patient) ? "patient" : (in->org && !ck_net_id_valid(in->org)) ? "org"
                                                                                                         : "location",
                   "--patient, --org and --location take names ([a-z0-9._-])");
    if (!fhir_id_valid(in->id)) return ck_node_care_bad(e, "id", "--id: '%s' is not a FHIR id", in->id);
    if (in->quantity > CK_NODE_RX_QUANTITY_MAX)
        return ck_node_care_bad(e, "quantity", "--quantity: '%u' is not 1..100000", in->quantity);
    return ck_node_care_in_time(in->at, now_ms, at_ms, e);
}

int ck_node_rx_cancel_check(const ck_node_rx_cancel_in *in, int64_t now_ms, int64_t *at_ms, ck_node_error *e)
{
    if (!in->patient || !in->id) return ck_node_care_bad(e, !in->patient ? "patient" : "id", "--patient and --id are required");
    if (ck_node_care_in_patient(in->patient, e)) return -1;
    if (!fhir_id_valid(in->id)) return ck_node_care_bad(e, "id", "--id: '%s' is not a FHIR id", in->id);
    if (in->reason && (!*in->reason || strlen(in->reason) > REASON_MAX))
        return ck_node_care_bad(e, "reason", "--reason: 1..4096 bytes");
    return ck_node_care_in_time(in->at, now_ms, at_ms, e) || ck_node_care_in_org(in->org, e) ? -1 : 0;
}
