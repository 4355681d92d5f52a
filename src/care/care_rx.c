/*
 * care_rx.c - prescriptions and dispensing: the MedicationRequest a doctor
 * writes (with the warnings she overrode), its cancellation, and the
 * MedicationDispense a pharmacist writes within the prescription's limits.
 *
 * Limits: a request allows 1 + dispenseRequest.numberOfRepeatsAllowed
 * fills, each of at most dispenseRequest.quantity. Fills used are the
 * MedicationDispense items (status completed or in-progress) whose
 * authorizingPrescription names the request. The caller makes the check
 * and the write one step against the record head it read (the CLI's
 * check-then-write loop), so two pharmacists cannot both take the last fill.
 *
 * Overridden warnings are recorded twice in the MedicationRequest: as
 * extensions (machine-readable: code, message, reason, the allergy or
 * request it concerned) and as a note (what a FHIR viewer shows).
 */
#include "care/care_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RXNORM_SYSTEM "http://www.nlm.nih.gov/research/umls/rxnorm"

#define MAX_QUANTITY 100000u
#define MAX_REFILLS 99u
#define MAX_TEXT 1000u

/* Printable text without control characters, 1..MAX_TEXT bytes. */
static int text_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > MAX_TEXT) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) return 0;
    return 1;
}

static int set_new(json_t *o, const char *key, json_t *v)
{
    return v ? json_object_set_new(o, key, v) : -1;
}

/* ---- MedicationRequest ------------------------------------------------- */

static json_t *medication_concept(const ck_care_drug *d)
{
    return json_pack("{s:[{s:s,s:s,s:s}],s:s}", "coding", "system", RXNORM_SYSTEM, "code", ck_care_drug_rxnorm(d),
                     "display", ck_care_drug_name(d), "text", ck_care_drug_name(d));
}

/* One extension per overridden warning, and one note listing them all. */
static int add_overrides(json_t *mr, const json_t *warnings, const char *reason, const char *requester,
                         const char *when)
{
    json_t *ext = json_array(), *note = NULL;
    const json_t *w;
    size_t i, used = 0;
    char text[4096];
    int rc = -1;
    if (!ext) return -1;
    used = (size_t)snprintf(text, sizeof text, "Warnings overridden by the prescriber (reason: %s):", reason);
    json_array_foreach(warnings, i, w) {
        const char *code = json_string_value(json_object_get(w, "code"));
        const char *msg = json_string_value(json_object_get(w, "message"));
        const char *aid = json_string_value(json_object_get(w, "allergy"));
        const char *mid = json_string_value(json_object_get(w, "medication"));
        json_t *e;
        if (!code || !msg) goto out;
        e = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}", "url", CK_CARE_RX_OVERRIDE_URL, "extension", "url",
                      "code", "valueCode", code, "url", "message", "valueString", msg, "url", "reason", "valueString",
                      reason);
        if (!e || json_array_append_new(ext, e)) goto out;
        if (aid || mid) {
            json_t *ref = ck_care_ref(aid ? "AllergyIntolerance" : "MedicationRequest", aid ? aid : mid, NULL);
            json_t *sub = ref ? json_pack("{s:s,s:o}", "url", "concerns", "valueReference", ref) : NULL;
            if (!sub || json_array_append_new(json_object_get(e, "extension"), sub)) goto out;
        }
        if (used < sizeof text) used += (size_t)snprintf(text + used, sizeof text - used, " %s: %s.", code, msg);
    }
    if (used >= sizeof text) memcpy(text + sizeof text - 4, "...", 4);
    note = json_pack("{s:s,s:o,s:s}", "text", text, "authorReference", ck_care_ref("Practitioner", requester, NULL),
                     "time", when);
    if (!note) goto out;
    /* json_object_set_new and json_pack's "o" take the reference even when
     * they fail */
    rc = json_object_set_new(mr, "extension", ext);
    ext = NULL;
    if (rc == 0) rc = set_new(mr, "note", json_pack("[o]", note));
    note = NULL;
out:
    json_decref(ext);
    json_decref(note);
    return rc;
}

json_t *ck_care_rx_build(const ck_care_rx_params *p, ck_care_error *err)
{
    char id[37], when[32];
    const char *unit;
    json_t *mr = NULL, *dr;
    ck_care_error_clear(err);
    if (!p || !p->drug) return ck_care_fail(err, "bad_input", "no drug"), NULL;
    if (!ck_care_valid_ref_name(p->patient)) return ck_care_fail(err, "bad_input", "bad patient id"), NULL;
    if (!ck_care_valid_ref_name(p->requester)) return ck_care_fail(err, "bad_input", "bad prescriber id"), NULL;
    if (p->id && !ck_care_valid_fhir_id(p->id)) return ck_care_fail(err, "bad_input", "bad resource id"), NULL;
    if (p->quantity < 1 || p->quantity > MAX_QUANTITY)
        return ck_care_fail(err, "bad_input", "quantity must be 1..100000"), NULL;
    if (p->refills > MAX_REFILLS) return ck_care_fail(err, "bad_input", "refills must be 0..99"), NULL;
    if (p->dosage && !text_ok(p->dosage))
        return ck_care_fail(err, "bad_input", "dosage: 1..1000 printable characters"), NULL;
    unit = p->unit ? p->unit : "unit";
    if (!text_ok(unit) || strlen(unit) > 64) return ck_care_fail(err, "bad_input", "bad unit"), NULL;
    if (p->overrides && !json_is_array(p->overrides))
        return ck_care_fail(err, "bad_input", "overrides: not an array of warnings"), NULL;
    if (json_array_size(p->overrides) && !text_ok(p->override_reason))
        return ck_care_fail(err, "bad_input", "overriding warnings needs a reason (1..1000 printable characters)"),
               NULL;
    if (p->id)
        snprintf(id, sizeof id, "%s", p->id);
    else
        ck_care_new_id(id);
    ck_care_time_format(when, p->authored_ms);
    mr = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s}", "resourceType", "MedicationRequest", "id", id, "status",
                   "active", "intent", "order", "medicationCodeableConcept", medication_concept(p->drug), "subject",
                   ck_care_ref("Patient", p->patient, NULL), "requester", ck_care_ref("Practitioner", p->requester, NULL),
                   "authoredOn", when);
    if (!mr) goto nomem;
    if (p->dosage && set_new(mr, "dosageInstruction", json_pack("[{s:s}]", "text", p->dosage))) goto nomem;
    dr = json_pack("{s:{s:I,s:s},s:I}", "quantity", "value", (json_int_t)p->quantity, "unit", unit,
                   "numberOfRepeatsAllowed", (json_int_t)p->refills);
    if (set_new(mr, "dispenseRequest", dr)) goto nomem;
    if (json_array_size(p->overrides) &&
        add_overrides(mr, p->overrides, p->override_reason, p->requester, when) != 0) {
        json_decref(mr);
        return ck_care_fail(err, "bad_input", "overrides: a warning without code or message"), NULL;
    }
    return mr;
nomem:
    json_decref(mr);
    return ck_care_fail(err, "nomem", "out of memory"), NULL;
}

/* The resource of an item, or the argument itself when it is a resource. */
static const json_t *as_resource(const json_t *x)
{
    return json_object_get(x, "resourceType") ? x : ck_care_item_resource(x);
}

static int request_open(const char *status)
{
    return status && (!strcmp(status, "active") || !strcmp(status, "on-hold") || !strcmp(status, "draft"));
}

json_t *ck_care_rx_cancel(const json_t *request, const char *by, const char *reason, int64_t when_ms,
                          ck_care_error *err)
{
    const json_t *r = as_resource(request);
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *status = json_string_value(json_object_get(r, "status"));
    const char *type = json_string_value(json_object_get(r, "resourceType"));
    char when[32], text[1200];
    json_t *c, *note, *notes;
    ck_care_error_clear(err);
    if (!type || strcmp(type, "MedicationRequest") != 0 || !id)
        return ck_care_fail(err, "bad_input", "not a MedicationRequest"), NULL;
    if (!ck_care_valid_ref_name(by)) return ck_care_fail(err, "bad_input", "bad prescriber id"), NULL;
    if (reason && !text_ok(reason))
        return ck_care_fail(err, "bad_input", "reason: 1..1000 printable characters"), NULL;
    if (!request_open(status))
        return ck_care_fail(err, "state", "prescription %s is %s; only an open prescription can be cancelled", id,
                            status ? status : "without status"),
               NULL;
    if (!(c = json_deep_copy(r))) return ck_care_fail(err, "nomem", "out of memory"), NULL;
    ck_care_time_format(when, when_ms);
    snprintf(text, sizeof text, "Cancelled%s%s", reason ? ": " : "", reason ? reason : "");
    note = json_pack("{s:s,s:o,s:s}", "text", text, "authorReference", ck_care_ref("Practitioner", by, NULL), "time",
                     when);
    notes = json_object_get(c, "note");
    if (!notes && !json_object_set_new(c, "note", json_array())) notes = json_object_get(c, "note");
    if (!note || !json_is_array(notes) || json_array_append_new(notes, note) ||
        json_object_set_new(c, "status", json_string("cancelled")) ||
        (reason && set_new(c, "statusReason", json_pack("{s:s}", "text", reason)))) {
        if (!json_is_array(notes)) json_decref(note);
        json_decref(c);
        return ck_care_fail(err, "nomem", "out of memory or a malformed note"), NULL;
    }
    return c;
}

/* ---- dispensing ---------------------------------------------------------- */

/* Whether a MedicationDispense is authorized by request id. */
static int dispense_for(const json_t *disp, const char *id)
{
    const json_t *ref;
    size_t i;
    json_array_foreach(json_object_get(disp, "authorizingPrescription"), i, ref) {
        const char *mid = ck_care_ref_id(ref, "MedicationRequest");
        const char *r = json_string_value(json_object_get(ref, "reference"));
        if ((mid && !strcmp(mid, id)) || (r && !strncmp(r, "urn:uuid:", 9) && !strcmp(r + 9, id))) return 1;
    }
    return 0;
}

static int dispense_counts(const json_t *disp)
{
    const char *s = json_string_value(json_object_get(disp, "status"));
    const char *t = json_string_value(json_object_get(disp, "resourceType"));
    return t && !strcmp(t, "MedicationDispense") && s && (!strcmp(s, "completed") || !strcmp(s, "in-progress"));
}

int ck_care_dispense_count(const json_t *request, const json_t *dispense_items, uint32_t *used, uint32_t *allowed)
{
    const json_t *r = as_resource(request), *it;
    const char *id = json_string_value(json_object_get(r, "id"));
    const json_t *repeats = json_object_get(json_object_get(r, "dispenseRequest"), "numberOfRepeatsAllowed");
    size_t i;
    uint32_t n = 0;
    if (!id || !used || !allowed || (dispense_items && !json_is_array(dispense_items))) return -1;
    if (repeats && (!json_is_integer(repeats) || json_integer_value(repeats) < 0 ||
                    json_integer_value(repeats) > (json_int_t)MAX_REFILLS))
        return -1;
    json_array_foreach(dispense_items, i, it) {
        const json_t *d = ck_care_item_resource(it);
        if (dispense_counts(d) && dispense_for(d, id)) n++;
    }
    *used = n;
    *allowed = 1u + (uint32_t)(repeats ? json_integer_value(repeats) : 0);
    return 0;
}

int ck_care_dispense_check(const json_t *request_item, const json_t *dispense_items, uint32_t quantity,
                           uint32_t *fill, ck_care_error *err)
{
    const json_t *r = as_resource(request_item);
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *status = json_string_value(json_object_get(r, "status"));
    const char *type = json_string_value(json_object_get(r, "resourceType"));
    const json_t *q = json_object_get(json_object_get(json_object_get(r, "dispenseRequest"), "quantity"), "value");
    double per_fill;
    uint32_t used, allowed;
    ck_care_error_clear(err);
    if (!type || strcmp(type, "MedicationRequest") != 0 || !id)
        return ck_care_fail(err, "bad_input", "not a MedicationRequest");
    if (quantity < 1 || quantity > MAX_QUANTITY) return ck_care_fail(err, "bad_input", "quantity must be 1..100000");
    if (!status || strcmp(status, "active") != 0)
        return ck_care_fail(err, "state", "prescription %s is %s, not active", id, status ? status : "without status");
    if (ck_care_dispense_count(r, dispense_items, &used, &allowed) != 0)
        return ck_care_fail(err, "bad_input", "prescription %s: bad numberOfRepeatsAllowed or dispense items", id);
    if (used >= allowed)
        return ck_care_fail(err, "exhausted", "prescription %s was dispensed %u of %u times", id, used, allowed);
    if (ck_fhir_json_number(q, &per_fill) != 0 || per_fill <= 0)
        return ck_care_fail(err, "bad_input", "prescription %s has no dispense quantity", id);
    if ((double)quantity > per_fill) {
        const char *unit = json_string_value(
            json_object_get(json_object_get(json_object_get(r, "dispenseRequest"), "quantity"), "unit"));
        return ck_care_fail(err, "quantity", "quantity %u exceeds the %g%s%.40s per fill of prescription %.63s",
                            quantity, per_fill, unit ? " " : "", unit ? unit : "", id);
    }
    if (fill) *fill = used + 1;
    return 0;
}

json_t *ck_care_dispense_build(const ck_care_dispense_params *p, ck_care_error *err)
{
    const json_t *r, *cc, *rq;
    const char *rid, *subject, *unit;
    char id[37], when[32];
    json_t *d = NULL, *qty;
    ck_care_error_clear(err);
    if (!p || !(r = as_resource(p->request))) return ck_care_fail(err, "bad_input", "no prescription"), NULL;
    rid = json_string_value(json_object_get(r, "id"));
    cc = json_object_get(r, "medicationCodeableConcept");
    subject = json_string_value(json_object_get(json_object_get(r, "subject"), "reference"));
    if (!rid || !json_is_object(cc) || !subject)
        return ck_care_fail(err, "bad_input", "prescription without id, medication or subject"), NULL;
    if (!ck_care_valid_ref_name(p->pharmacist)) return ck_care_fail(err, "bad_input", "bad pharmacist id"), NULL;
    if (p->id && !ck_care_valid_fhir_id(p->id)) return ck_care_fail(err, "bad_input", "bad resource id"), NULL;
    if (p->location && !ck_care_valid_ref_name(p->location))
        return ck_care_fail(err, "bad_input", "bad location"), NULL;
    if (p->quantity < 1 || p->quantity > MAX_QUANTITY)
        return ck_care_fail(err, "bad_input", "quantity must be 1..100000"), NULL;
    rq = json_object_get(json_object_get(r, "dispenseRequest"), "quantity");
    unit = json_string_value(json_object_get(rq, "unit"));
    if (p->id)
        snprintf(id, sizeof id, "%s", p->id);
    else
        ck_care_new_id(id);
    ck_care_time_format(when, p->when_ms);
    qty = json_pack("{s:I}", "value", (json_int_t)p->quantity);
    if (qty && unit && json_object_set_new(qty, "unit", json_string(unit))) json_decref(qty), qty = NULL;
    d = json_pack("{s:s,s:s,s:s,s:O,s:{s:s},s:[{s:o}],s:[o],s:o,s:s}", "resourceType", "MedicationDispense", "id", id,
                  "status", "completed", "medicationCodeableConcept", cc, "subject", "reference", subject, "performer",
                  "actor", ck_care_ref("Practitioner", p->pharmacist, NULL), "authorizingPrescription",
                  ck_care_ref("MedicationRequest", rid, NULL), "quantity", qty, "whenHandedOver", when);
    if (!d || (p->location && set_new(d, "location", ck_care_ref("Location", p->location, NULL)))) {
        json_decref(d);
        return ck_care_fail(err, "nomem", "out of memory"), NULL;
    }
    return d;
}
