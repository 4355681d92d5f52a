/*
 * fhir_types.c - the resource types the node serves and, per type, the
 * search parameters it takes and the elements each one covers (R4's
 * definitions, and carekey's where R4 has none: docs/FHIR.md). The query
 * parser, the matcher and the CapabilityStatement all read this one table,
 * so what the server says it supports is what it does.
 */
#include <string.h>

#include "fhir_api_int.h"

#define P(name, param, doc, ...) {name, param, {__VA_ARGS__}, 0, doc}
#define P1(name, param, doc, ...) {name, param, {__VA_ARGS__}, 1, doc}
#define E(path, kind) {path, kind}

static const fa_param_def common[] = {
    P("_id", CK_FHIR_API_P_ID, "Resource.id", E("id", FA_EL_ID)),
    P("_lastUpdated", CK_FHIR_API_P_LASTUPDATED, "Resource.meta.lastUpdated (the entry's time)",
      E("meta.lastUpdated", FA_EL_DATE)),
};

static const fa_param_def allergy[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "AllergyIntolerance.patient", E("patient", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "AllergyIntolerance.recordedDate", E("recordedDate", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "AllergyIntolerance.code | AllergyIntolerance.reaction.substance",
      E("code", FA_EL_CC), E("reaction.substance", FA_EL_CC)),
    P("category", CK_FHIR_API_P_CATEGORY, "AllergyIntolerance.category (food | medication | environment | biologic)",
      E("category", FA_EL_CODE)),
    P("clinical-status", CK_FHIR_API_P_CLINICAL_STATUS, "AllergyIntolerance.clinicalStatus",
      E("clinicalStatus", FA_EL_CC)),
};

static const fa_param_def condition[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Condition.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Condition.subject", E("subject", FA_EL_REF)),
    P1("date", CK_FHIR_API_P_DATE,
       "carekey: Condition.onset[x] (dateTime or Period), else Condition.recordedDate",
       E("onsetDateTime", FA_EL_DATE), E("onsetPeriod", FA_EL_PERIOD), E("recordedDate", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "Condition.code", E("code", FA_EL_CC)),
    P("category", CK_FHIR_API_P_CATEGORY, "Condition.category", E("category", FA_EL_CC)),
    P("clinical-status", CK_FHIR_API_P_CLINICAL_STATUS, "Condition.clinicalStatus", E("clinicalStatus", FA_EL_CC)),
};

static const fa_param_def medreq[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "MedicationRequest.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "MedicationRequest.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "carekey: MedicationRequest.authoredOn (R4's date is the dosage timing)",
      E("authoredOn", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "MedicationRequest.medicationCodeableConcept",
      E("medicationCodeableConcept", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "MedicationRequest.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "MedicationRequest.category", E("category", FA_EL_CC)),
};

static const fa_param_def meddisp[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "MedicationDispense.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "MedicationDispense.subject", E("subject", FA_EL_REF)),
    P1("date", CK_FHIR_API_P_DATE, "carekey: MedicationDispense.whenHandedOver, else whenPrepared",
       E("whenHandedOver", FA_EL_DATE), E("whenPrepared", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "MedicationDispense.medicationCodeableConcept",
      E("medicationCodeableConcept", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "MedicationDispense.status", E("status", FA_EL_CODE)),
};

static const fa_param_def observation[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Observation.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Observation.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Observation.effective[x] (dateTime, Period, instant)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD), E("effectiveInstant", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "Observation.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Observation.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "Observation.category", E("category", FA_EL_CC)),
};

static const fa_param_def encounter[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Encounter.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Encounter.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Encounter.period", E("period", FA_EL_PERIOD)),
    P("status", CK_FHIR_API_P_STATUS, "Encounter.status", E("status", FA_EL_CODE)),
};

static const fa_param_def procedure[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Procedure.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Procedure.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Procedure.performed[x] (dateTime or Period)",
      E("performedDateTime", FA_EL_DATE), E("performedPeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "Procedure.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Procedure.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "Procedure.category", E("category", FA_EL_CC)),
};

static const fa_param_def immunization[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Immunization.patient", E("patient", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Immunization.occurrence[x] (dateTime)", E("occurrenceDateTime", FA_EL_DATE)),
    P("vaccine-code", CK_FHIR_API_P_CODE, "Immunization.vaccineCode", E("vaccineCode", FA_EL_CC)),
    P("code", CK_FHIR_API_P_CODE, "carekey: the same as vaccine-code", E("vaccineCode", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Immunization.status", E("status", FA_EL_CODE)),
};

static const fa_param_def report[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "DiagnosticReport.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "DiagnosticReport.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "DiagnosticReport.effective[x] (dateTime or Period)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "DiagnosticReport.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "DiagnosticReport.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "DiagnosticReport.category", E("category", FA_EL_CC)),
};

static const fa_param_def careplan[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "CarePlan.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "CarePlan.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "CarePlan.period", E("period", FA_EL_PERIOD)),
    P("status", CK_FHIR_API_P_STATUS, "CarePlan.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "CarePlan.category", E("category", FA_EL_CC)),
};

static const fa_param_def appointment[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Appointment.participant.actor (a Patient)",
      E("participant.actor", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Appointment.start", E("start", FA_EL_DATE)),
    P("status", CK_FHIR_API_P_STATUS, "Appointment.status", E("status", FA_EL_CODE)),
};

static const fa_param_def docref[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "DocumentReference.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "DocumentReference.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "DocumentReference.date", E("date", FA_EL_DATE)),
    P("status", CK_FHIR_API_P_STATUS, "DocumentReference.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "DocumentReference.category", E("category", FA_EL_CC)),
};

static const fa_param_def audit[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "AuditEvent.agent.who | AuditEvent.entity.what (a Patient)",
      E("agent.who", FA_EL_REF), E("entity.what", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "AuditEvent.recorded", E("recorded", FA_EL_DATE)),
};

static const fa_param_def consent[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Consent.patient", E("patient", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Consent.dateTime", E("dateTime", FA_EL_DATE)),
    P("status", CK_FHIR_API_P_STATUS, "Consent.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "Consent.category", E("category", FA_EL_CC)),
};

#define T(name, writable, params) {name, writable, params, sizeof params / sizeof params[0]}

static const fa_type_def types[] = {
    {"Patient", 1, NULL, 0},
    T("AllergyIntolerance", 1, allergy),
    T("Condition", 1, condition),
    T("MedicationRequest", 1, medreq),
    T("MedicationDispense", 1, meddisp),
    T("Observation", 1, observation),
    T("Encounter", 1, encounter),
    T("Procedure", 1, procedure),
    T("Immunization", 1, immunization),
    T("DiagnosticReport", 1, report),
    T("CarePlan", 1, careplan),
    T("Appointment", 1, appointment),
    T("DocumentReference", 1, docref),
    T("AuditEvent", 0, audit),
    T("Consent", 0, consent),
};

#define NTYPES (sizeof types / sizeof types[0])

static const char *const type_names[NTYPES] = {
    "Patient", "AllergyIntolerance", "Condition", "MedicationRequest", "MedicationDispense",
    "Observation", "Encounter", "Procedure", "Immunization", "DiagnosticReport",
    "CarePlan", "Appointment", "DocumentReference", "AuditEvent", "Consent",
};

const fa_type_def *fa_type_find(const char *type)
{
    size_t i;
    if (!type) return NULL;
    for (i = 0; i < NTYPES; i++)
        if (strcmp(types[i].type, type) == 0) return &types[i];
    return NULL;
}

static int name_is(const char *a, const char *name, size_t len)
{
    return strlen(a) == len && memcmp(a, name, len) == 0;
}

const fa_param_def *fa_param_find(const fa_type_def *t, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < sizeof common / sizeof common[0]; i++)
        if (name_is(common[i].name, name, len)) return &common[i];
    for (i = 0; t && i < t->nparams; i++)
        if (name_is(t->params[i].name, name, len)) return &t->params[i];
    return NULL;
}

const fa_param_def *fa_param_of(const fa_type_def *t, ck_fhir_api_param p)
{
    size_t i;
    for (i = 0; i < sizeof common / sizeof common[0]; i++)
        if (common[i].param == p) return &common[i];
    for (i = 0; t && i < t->nparams; i++)
        if (t->params[i].param == p) return &t->params[i];
    return NULL;
}

const fa_param_def *fa_common_params(size_t *n)
{
    *n = sizeof common / sizeof common[0];
    return common;
}

const fa_type_def *fa_types(size_t *n)
{
    *n = NTYPES;
    return types;
}

int ck_fhir_api_type_served(const char *type)
{
    return fa_type_find(type) != NULL;
}

int ck_fhir_api_type_writable(const char *type)
{
    const fa_type_def *t = fa_type_find(type);
    return t && t->writable;
}

const char *const *ck_fhir_api_types(size_t *n)
{
    if (n) *n = NTYPES;
    return type_names;
}
