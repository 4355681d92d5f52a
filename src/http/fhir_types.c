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
    P("_tag", CK_FHIR_API_P_TOKEN, "Resource.meta.tag", E("meta.tag", FA_EL_CODING)),
    P("_security", CK_FHIR_API_P_TOKEN, "Resource.meta.security", E("meta.security", FA_EL_CODING)),
};

/* Shorthands for parameters many types share under R4's own names. */
#define IDENT(T) P("identifier", CK_FHIR_API_P_TOKEN, T ".identifier", E("identifier", FA_EL_IDENT))
#define PATIENT_OF(T, path) P("patient", CK_FHIR_API_P_PATIENT, T "." path " (a Patient)", E(path, FA_EL_REF))
#define SUBJECT_OF(T) P("subject", CK_FHIR_API_P_SUBJECT, T ".subject", E("subject", FA_EL_REF))
#define ENCOUNTER_OF(T, path) P("encounter", CK_FHIR_API_P_REFERENCE, T "." path, E(path, FA_EL_REF))
#define STATUS_OF(T) P("status", CK_FHIR_API_P_STATUS, T ".status", E("status", FA_EL_CODE))
#define CATEGORY_OF(T) P("category", CK_FHIR_API_P_CATEGORY, T ".category", E("category", FA_EL_CC))
#define REF(name, T, path) P(name, CK_FHIR_API_P_REFERENCE, T "." path, E(path, FA_EL_REF))
#define TOKEN(name, T, path, kind) P(name, CK_FHIR_API_P_TOKEN, T "." path, E(path, kind))
#define STRING(name, T, path) P(name, CK_FHIR_API_P_STRING, T "." path, E(path, FA_EL_STRING))
#define NAME_OF(T) P("name", CK_FHIR_API_P_STRING, T ".name (family, given, prefix, suffix, text)", E("name", FA_EL_NAME))
#define ADDRESS(T, path)                                                                                             \
    STRING("address-city", T, path ".city"), STRING("address-state", T, path ".state"),                             \
        STRING("address-postalcode", T, path ".postalCode"), STRING("address-country", T, path ".country")

static const fa_param_def patient[] = {
    IDENT("Patient"),
    NAME_OF("Patient"),
    STRING("family", "Patient", "name.family"),
    STRING("given", "Patient", "name.given"),
    TOKEN("gender", "Patient", "gender", FA_EL_CODE),
    P("birthdate", CK_FHIR_API_P_DATE, "Patient.birthDate", E("birthDate", FA_EL_DATE)),
    P("death-date", CK_FHIR_API_P_DATE, "Patient.deceasedDateTime", E("deceasedDateTime", FA_EL_DATE)),
    TOKEN("active", "Patient", "active", FA_EL_BOOL),
    REF("general-practitioner", "Patient", "generalPractitioner"),
    REF("organization", "Patient", "managingOrganization"),
    ADDRESS("Patient", "address"),
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
    IDENT("AllergyIntolerance"),
    TOKEN("verification-status", "AllergyIntolerance", "verificationStatus", FA_EL_CC),
    TOKEN("criticality", "AllergyIntolerance", "criticality", FA_EL_CODE),
    TOKEN("type", "AllergyIntolerance", "type", FA_EL_CODE),
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
    IDENT("Condition"),
    ENCOUNTER_OF("Condition", "encounter"),
    TOKEN("verification-status", "Condition", "verificationStatus", FA_EL_CC),
    P("onset-date", CK_FHIR_API_P_DATE, "Condition.onset[x] (dateTime or Period)", E("onsetDateTime", FA_EL_DATE),
      E("onsetPeriod", FA_EL_PERIOD)),
    P("abatement-date", CK_FHIR_API_P_DATE, "Condition.abatement[x] (dateTime or Period)",
      E("abatementDateTime", FA_EL_DATE), E("abatementPeriod", FA_EL_PERIOD)),
    P("recorded-date", CK_FHIR_API_P_DATE, "Condition.recordedDate", E("recordedDate", FA_EL_DATE)),
    TOKEN("severity", "Condition", "severity", FA_EL_CC),
    TOKEN("body-site", "Condition", "bodySite", FA_EL_CC),
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
    IDENT("MedicationRequest"),
    ENCOUNTER_OF("MedicationRequest", "encounter"),
    P("authoredon", CK_FHIR_API_P_DATE, "MedicationRequest.authoredOn", E("authoredOn", FA_EL_DATE)),
    TOKEN("intent", "MedicationRequest", "intent", FA_EL_CODE),
    TOKEN("priority", "MedicationRequest", "priority", FA_EL_CODE),
    REF("requester", "MedicationRequest", "requester"),
    REF("medication", "MedicationRequest", "medicationReference"),
};

static const fa_param_def meddisp[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "MedicationDispense.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "MedicationDispense.subject", E("subject", FA_EL_REF)),
    P1("date", CK_FHIR_API_P_DATE, "carekey: MedicationDispense.whenHandedOver, else whenPrepared",
       E("whenHandedOver", FA_EL_DATE), E("whenPrepared", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "MedicationDispense.medicationCodeableConcept",
      E("medicationCodeableConcept", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "MedicationDispense.status", E("status", FA_EL_CODE)),
    IDENT("MedicationDispense"),
    P("whenhandedover", CK_FHIR_API_P_DATE, "MedicationDispense.whenHandedOver", E("whenHandedOver", FA_EL_DATE)),
    P("whenprepared", CK_FHIR_API_P_DATE, "MedicationDispense.whenPrepared", E("whenPrepared", FA_EL_DATE)),
    REF("prescription", "MedicationDispense", "authorizingPrescription"),
    REF("performer", "MedicationDispense", "performer.actor"),
    REF("medication", "MedicationDispense", "medicationReference"),
};

static const fa_param_def observation[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Observation.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Observation.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Observation.effective[x] (dateTime, Period, instant)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD), E("effectiveInstant", FA_EL_DATE)),
    P("code", CK_FHIR_API_P_CODE, "Observation.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Observation.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "Observation.category", E("category", FA_EL_CC)),
    IDENT("Observation"),
    ENCOUNTER_OF("Observation", "encounter"),
    TOKEN("component-code", "Observation", "component.code", FA_EL_CC),
    P("combo-code", CK_FHIR_API_P_TOKEN, "Observation.code | Observation.component.code", E("code", FA_EL_CC),
      E("component.code", FA_EL_CC)),
    TOKEN("value-concept", "Observation", "valueCodeableConcept", FA_EL_CC),
    STRING("value-string", "Observation", "valueString"),
    P("value-date", CK_FHIR_API_P_DATE, "Observation.value[x] (dateTime or Period)", E("valueDateTime", FA_EL_DATE),
      E("valuePeriod", FA_EL_PERIOD)),
    REF("performer", "Observation", "performer"),
    REF("based-on", "Observation", "basedOn"),
    REF("has-member", "Observation", "hasMember"),
    REF("derived-from", "Observation", "derivedFrom"),
    REF("specimen", "Observation", "specimen"),
    REF("device", "Observation", "device"),
};

static const fa_param_def encounter[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Encounter.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Encounter.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Encounter.period", E("period", FA_EL_PERIOD)),
    P("status", CK_FHIR_API_P_STATUS, "Encounter.status", E("status", FA_EL_CODE)),
    IDENT("Encounter"),
    TOKEN("class", "Encounter", "class", FA_EL_CODING),
    TOKEN("type", "Encounter", "type", FA_EL_CC),
    TOKEN("reason-code", "Encounter", "reasonCode", FA_EL_CC),
    REF("participant", "Encounter", "participant.individual"),
    REF("service-provider", "Encounter", "serviceProvider"),
    REF("location", "Encounter", "location.location"),
    REF("episode-of-care", "Encounter", "episodeOfCare"),
    REF("part-of", "Encounter", "partOf"),
};

static const fa_param_def procedure[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Procedure.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "Procedure.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Procedure.performed[x] (dateTime or Period)",
      E("performedDateTime", FA_EL_DATE), E("performedPeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "Procedure.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Procedure.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "Procedure.category", E("category", FA_EL_CC)),
    IDENT("Procedure"),
    ENCOUNTER_OF("Procedure", "encounter"),
    TOKEN("reason-code", "Procedure", "reasonCode", FA_EL_CC),
    REF("performer", "Procedure", "performer.actor"),
    REF("location", "Procedure", "location"),
    REF("based-on", "Procedure", "basedOn"),
    REF("part-of", "Procedure", "partOf"),
};

static const fa_param_def immunization[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Immunization.patient", E("patient", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Immunization.occurrence[x] (dateTime)", E("occurrenceDateTime", FA_EL_DATE)),
    P("vaccine-code", CK_FHIR_API_P_CODE, "Immunization.vaccineCode", E("vaccineCode", FA_EL_CC)),
    P("code", CK_FHIR_API_P_CODE, "carekey: the same as vaccine-code", E("vaccineCode", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "Immunization.status", E("status", FA_EL_CODE)),
    IDENT("Immunization"),
    STRING("lot-number", "Immunization", "lotNumber"),
    REF("location", "Immunization", "location"),
    REF("manufacturer", "Immunization", "manufacturer"),
    REF("performer", "Immunization", "performer.actor"),
    TOKEN("reason-code", "Immunization", "reasonCode", FA_EL_CC),
    TOKEN("status-reason", "Immunization", "statusReason", FA_EL_CC),
    TOKEN("target-disease", "Immunization", "protocolApplied.targetDisease", FA_EL_CC),
};

static const fa_param_def report[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "DiagnosticReport.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "DiagnosticReport.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "DiagnosticReport.effective[x] (dateTime or Period)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "DiagnosticReport.code", E("code", FA_EL_CC)),
    P("status", CK_FHIR_API_P_STATUS, "DiagnosticReport.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "DiagnosticReport.category", E("category", FA_EL_CC)),
    IDENT("DiagnosticReport"),
    ENCOUNTER_OF("DiagnosticReport", "encounter"),
    P("issued", CK_FHIR_API_P_DATE, "DiagnosticReport.issued", E("issued", FA_EL_DATE)),
    REF("result", "DiagnosticReport", "result"),
    REF("performer", "DiagnosticReport", "performer"),
    REF("based-on", "DiagnosticReport", "basedOn"),
    REF("specimen", "DiagnosticReport", "specimen"),
    TOKEN("conclusion", "DiagnosticReport", "conclusionCode", FA_EL_CC),
};

static const fa_param_def careplan[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "CarePlan.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "CarePlan.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "CarePlan.period", E("period", FA_EL_PERIOD)),
    P("status", CK_FHIR_API_P_STATUS, "CarePlan.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "CarePlan.category", E("category", FA_EL_CC)),
    IDENT("CarePlan"),
    ENCOUNTER_OF("CarePlan", "encounter"),
    TOKEN("intent", "CarePlan", "intent", FA_EL_CODE),
    TOKEN("activity-code", "CarePlan", "activity.detail.code", FA_EL_CC),
    REF("care-team", "CarePlan", "careTeam"),
    REF("goal", "CarePlan", "goal"),
    REF("condition", "CarePlan", "addresses"),
    REF("based-on", "CarePlan", "basedOn"),
    REF("part-of", "CarePlan", "partOf"),
};

static const fa_param_def appointment[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "Appointment.participant.actor (a Patient)",
      E("participant.actor", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "Appointment.start", E("start", FA_EL_DATE)),
    P("status", CK_FHIR_API_P_STATUS, "Appointment.status", E("status", FA_EL_CODE)),
    IDENT("Appointment"),
    REF("actor", "Appointment", "participant.actor"),
    TOKEN("service-type", "Appointment", "serviceType", FA_EL_CC),
    TOKEN("appointment-type", "Appointment", "appointmentType", FA_EL_CC),
    TOKEN("reason-code", "Appointment", "reasonCode", FA_EL_CC),
    TOKEN("specialty", "Appointment", "specialty", FA_EL_CC),
    TOKEN("part-status", "Appointment", "participant.status", FA_EL_CODE),
};

static const fa_param_def docref[] = {
    P("patient", CK_FHIR_API_P_PATIENT, "DocumentReference.subject (a Patient)", E("subject", FA_EL_REF)),
    P("subject", CK_FHIR_API_P_SUBJECT, "DocumentReference.subject", E("subject", FA_EL_REF)),
    P("date", CK_FHIR_API_P_DATE, "DocumentReference.date", E("date", FA_EL_DATE)),
    P("status", CK_FHIR_API_P_STATUS, "DocumentReference.status", E("status", FA_EL_CODE)),
    P("category", CK_FHIR_API_P_CATEGORY, "DocumentReference.category", E("category", FA_EL_CC)),
    P("identifier", CK_FHIR_API_P_TOKEN, "DocumentReference.masterIdentifier | DocumentReference.identifier",
      E("masterIdentifier", FA_EL_IDENT), E("identifier", FA_EL_IDENT)),
    TOKEN("type", "DocumentReference", "type", FA_EL_CC),
    REF("encounter", "DocumentReference", "context.encounter"),
    P("period", CK_FHIR_API_P_DATE, "DocumentReference.context.period", E("context.period", FA_EL_PERIOD)),
    REF("author", "DocumentReference", "author"),
    REF("custodian", "DocumentReference", "custodian"),
    TOKEN("contenttype", "DocumentReference", "content.attachment.contentType", FA_EL_CODE),
    STRING("description", "DocumentReference", "description"),
};

static const fa_param_def goal[] = {
    PATIENT_OF("Goal", "subject"),
    SUBJECT_OF("Goal"),
    P("start-date", CK_FHIR_API_P_DATE, "Goal.startDate", E("startDate", FA_EL_DATE)),
    P("target-date", CK_FHIR_API_P_DATE, "Goal.target.dueDate", E("target.dueDate", FA_EL_DATE)),
    TOKEN("lifecycle-status", "Goal", "lifecycleStatus", FA_EL_CODE),
    TOKEN("achievement-status", "Goal", "achievementStatus", FA_EL_CC),
    CATEGORY_OF("Goal"),
    IDENT("Goal"),
};

static const fa_param_def careteam[] = {
    PATIENT_OF("CareTeam", "subject"),
    SUBJECT_OF("CareTeam"),
    P("date", CK_FHIR_API_P_DATE, "CareTeam.period", E("period", FA_EL_PERIOD)),
    STATUS_OF("CareTeam"),
    CATEGORY_OF("CareTeam"),
    IDENT("CareTeam"),
    ENCOUNTER_OF("CareTeam", "encounter"),
    REF("participant", "CareTeam", "participant.member"),
};

static const fa_param_def imaging[] = {
    PATIENT_OF("ImagingStudy", "subject"),
    SUBJECT_OF("ImagingStudy"),
    P("started", CK_FHIR_API_P_DATE, "ImagingStudy.started", E("started", FA_EL_DATE)),
    STATUS_OF("ImagingStudy"),
    IDENT("ImagingStudy"),
    ENCOUNTER_OF("ImagingStudy", "encounter"),
    TOKEN("modality", "ImagingStudy", "series.modality", FA_EL_CODING),
    TOKEN("bodysite", "ImagingStudy", "series.bodySite", FA_EL_CODING),
    TOKEN("reason", "ImagingStudy", "reasonCode", FA_EL_CC),
    REF("basedon", "ImagingStudy", "basedOn"),
    REF("referrer", "ImagingStudy", "referrer"),
};

static const fa_param_def medadmin[] = {
    PATIENT_OF("MedicationAdministration", "subject"),
    SUBJECT_OF("MedicationAdministration"),
    P("effective-time", CK_FHIR_API_P_DATE, "MedicationAdministration.effective[x] (dateTime or Period)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "MedicationAdministration.medicationCodeableConcept",
      E("medicationCodeableConcept", FA_EL_CC)),
    STATUS_OF("MedicationAdministration"),
    IDENT("MedicationAdministration"),
    REF("context", "MedicationAdministration", "context"),
    REF("request", "MedicationAdministration", "request"),
    REF("medication", "MedicationAdministration", "medicationReference"),
    REF("performer", "MedicationAdministration", "performer.actor"),
    TOKEN("reason-given", "MedicationAdministration", "reasonCode", FA_EL_CC),
};

static const fa_param_def medstmt[] = {
    PATIENT_OF("MedicationStatement", "subject"),
    SUBJECT_OF("MedicationStatement"),
    P("effective", CK_FHIR_API_P_DATE, "MedicationStatement.effective[x] (dateTime or Period)",
      E("effectiveDateTime", FA_EL_DATE), E("effectivePeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "MedicationStatement.medicationCodeableConcept",
      E("medicationCodeableConcept", FA_EL_CC)),
    STATUS_OF("MedicationStatement"),
    CATEGORY_OF("MedicationStatement"),
    IDENT("MedicationStatement"),
    REF("context", "MedicationStatement", "context"),
    REF("medication", "MedicationStatement", "medicationReference"),
};

static const fa_param_def medication[] = {
    P("code", CK_FHIR_API_P_CODE, "Medication.code", E("code", FA_EL_CC)),
    STATUS_OF("Medication"),
    TOKEN("form", "Medication", "form", FA_EL_CC),
    IDENT("Medication"),
    REF("manufacturer", "Medication", "manufacturer"),
    P("expiration-date", CK_FHIR_API_P_DATE, "Medication.batch.expirationDate",
      E("batch.expirationDate", FA_EL_DATE)),
    TOKEN("lot-number", "Medication", "batch.lotNumber", FA_EL_CODE),
};

static const fa_param_def device[] = {
    PATIENT_OF("Device", "patient"),
    STATUS_OF("Device"),
    TOKEN("type", "Device", "type", FA_EL_CC),
    IDENT("Device"),
    STRING("udi-carrier", "Device", "udiCarrier.carrierHRF"),
    STRING("udi-di", "Device", "udiCarrier.deviceIdentifier"),
    P("device-name", CK_FHIR_API_P_STRING, "Device.deviceName.name", E("deviceName.name", FA_EL_STRING)),
    STRING("manufacturer", "Device", "manufacturer"),
    STRING("model", "Device", "modelNumber"),
    REF("organization", "Device", "owner"),
    REF("location", "Device", "location"),
};

static const fa_param_def specimen[] = {
    PATIENT_OF("Specimen", "subject"),
    SUBJECT_OF("Specimen"),
    P("collected", CK_FHIR_API_P_DATE, "Specimen.collection.collected[x] (dateTime or Period)",
      E("collection.collectedDateTime", FA_EL_DATE), E("collection.collectedPeriod", FA_EL_PERIOD)),
    STATUS_OF("Specimen"),
    TOKEN("type", "Specimen", "type", FA_EL_CC),
    IDENT("Specimen"),
    TOKEN("accession", "Specimen", "accessionIdentifier", FA_EL_IDENT),
    TOKEN("bodysite", "Specimen", "collection.bodySite", FA_EL_CC),
    REF("parent", "Specimen", "parent"),
};

static const fa_param_def servicereq[] = {
    PATIENT_OF("ServiceRequest", "subject"),
    SUBJECT_OF("ServiceRequest"),
    P("authored", CK_FHIR_API_P_DATE, "ServiceRequest.authoredOn", E("authoredOn", FA_EL_DATE)),
    P("occurrence", CK_FHIR_API_P_DATE, "ServiceRequest.occurrence[x] (dateTime or Period)",
      E("occurrenceDateTime", FA_EL_DATE), E("occurrencePeriod", FA_EL_PERIOD)),
    P("code", CK_FHIR_API_P_CODE, "ServiceRequest.code", E("code", FA_EL_CC)),
    STATUS_OF("ServiceRequest"),
    CATEGORY_OF("ServiceRequest"),
    TOKEN("intent", "ServiceRequest", "intent", FA_EL_CODE),
    TOKEN("priority", "ServiceRequest", "priority", FA_EL_CODE),
    IDENT("ServiceRequest"),
    ENCOUNTER_OF("ServiceRequest", "encounter"),
    REF("requester", "ServiceRequest", "requester"),
    REF("performer", "ServiceRequest", "performer"),
    REF("based-on", "ServiceRequest", "basedOn"),
    REF("specimen", "ServiceRequest", "specimen"),
};

static const fa_param_def questionnaire_resp[] = {
    PATIENT_OF("QuestionnaireResponse", "subject"),
    SUBJECT_OF("QuestionnaireResponse"),
    P("authored", CK_FHIR_API_P_DATE, "QuestionnaireResponse.authored", E("authored", FA_EL_DATE)),
    STATUS_OF("QuestionnaireResponse"),
    IDENT("QuestionnaireResponse"),
    ENCOUNTER_OF("QuestionnaireResponse", "encounter"),
    REF("author", "QuestionnaireResponse", "author"),
    REF("based-on", "QuestionnaireResponse", "basedOn"),
};

static const fa_param_def episode[] = {
    PATIENT_OF("EpisodeOfCare", "patient"),
    P("date", CK_FHIR_API_P_DATE, "EpisodeOfCare.period", E("period", FA_EL_PERIOD)),
    STATUS_OF("EpisodeOfCare"),
    TOKEN("type", "EpisodeOfCare", "type", FA_EL_CC),
    IDENT("EpisodeOfCare"),
    REF("organization", "EpisodeOfCare", "managingOrganization"),
    REF("care-manager", "EpisodeOfCare", "careManager"),
    REF("condition", "EpisodeOfCare", "diagnosis.condition"),
};

static const fa_param_def related[] = {
    PATIENT_OF("RelatedPerson", "patient"),
    IDENT("RelatedPerson"),
    NAME_OF("RelatedPerson"),
    TOKEN("relationship", "RelatedPerson", "relationship", FA_EL_CC),
    TOKEN("gender", "RelatedPerson", "gender", FA_EL_CODE),
    P("birthdate", CK_FHIR_API_P_DATE, "RelatedPerson.birthDate", E("birthDate", FA_EL_DATE)),
    TOKEN("active", "RelatedPerson", "active", FA_EL_BOOL),
    ADDRESS("RelatedPerson", "address"),
};

static const fa_param_def supply[] = {
    PATIENT_OF("SupplyDelivery", "patient"),
    STATUS_OF("SupplyDelivery"),
    IDENT("SupplyDelivery"),
    REF("supplier", "SupplyDelivery", "supplier"),
    REF("receiver", "SupplyDelivery", "receiver"),
};

static const fa_param_def claim[] = {
    PATIENT_OF("Claim", "patient"),
    P("created", CK_FHIR_API_P_DATE, "Claim.created", E("created", FA_EL_DATE)),
    STATUS_OF("Claim"),
    TOKEN("use", "Claim", "use", FA_EL_CODE),
    TOKEN("priority", "Claim", "priority", FA_EL_CC),
    IDENT("Claim"),
    REF("encounter", "Claim", "item.encounter"),
    REF("provider", "Claim", "provider"),
    REF("insurer", "Claim", "insurer"),
    REF("facility", "Claim", "facility"),
    REF("care-team", "Claim", "careTeam.provider"),
};

static const fa_param_def eob[] = {
    PATIENT_OF("ExplanationOfBenefit", "patient"),
    P("created", CK_FHIR_API_P_DATE, "ExplanationOfBenefit.created", E("created", FA_EL_DATE)),
    STATUS_OF("ExplanationOfBenefit"),
    IDENT("ExplanationOfBenefit"),
    REF("claim", "ExplanationOfBenefit", "claim"),
    REF("coverage", "ExplanationOfBenefit", "insurance.coverage"),
    REF("encounter", "ExplanationOfBenefit", "item.encounter"),
    REF("provider", "ExplanationOfBenefit", "provider"),
    REF("care-team", "ExplanationOfBenefit", "careTeam.provider"),
    REF("facility", "ExplanationOfBenefit", "facility"),
};

static const fa_param_def coverage[] = {
    PATIENT_OF("Coverage", "beneficiary"),
    REF("beneficiary", "Coverage", "beneficiary"),
    STATUS_OF("Coverage"),
    TOKEN("type", "Coverage", "type", FA_EL_CC),
    IDENT("Coverage"),
    REF("payor", "Coverage", "payor"),
    REF("subscriber", "Coverage", "subscriber"),
    REF("policy-holder", "Coverage", "policyHolder"),
};

static const fa_param_def provenance[] = {
    PATIENT_OF("Provenance", "target"),
    P("recorded", CK_FHIR_API_P_DATE, "Provenance.recorded", E("recorded", FA_EL_DATE)),
    P("when", CK_FHIR_API_P_DATE, "Provenance.occurred[x] (dateTime or Period)", E("occurredDateTime", FA_EL_DATE),
      E("occurredPeriod", FA_EL_PERIOD)),
    REF("target", "Provenance", "target"),
    REF("agent", "Provenance", "agent.who"),
    TOKEN("agent-type", "Provenance", "agent.type", FA_EL_CC),
    REF("entity", "Provenance", "entity.what"),
};

static const fa_param_def organization[] = {
    IDENT("Organization"),
    P("name", CK_FHIR_API_P_STRING, "Organization.name | Organization.alias", E("name", FA_EL_STRING),
      E("alias", FA_EL_STRING)),
    TOKEN("type", "Organization", "type", FA_EL_CC),
    TOKEN("active", "Organization", "active", FA_EL_BOOL),
    REF("partof", "Organization", "partOf"),
    ADDRESS("Organization", "address"),
};

static const fa_param_def practitioner[] = {
    IDENT("Practitioner"),
    NAME_OF("Practitioner"),
    STRING("family", "Practitioner", "name.family"),
    STRING("given", "Practitioner", "name.given"),
    TOKEN("gender", "Practitioner", "gender", FA_EL_CODE),
    TOKEN("active", "Practitioner", "active", FA_EL_BOOL),
    ADDRESS("Practitioner", "address"),
};

static const fa_param_def practitioner_role[] = {
    IDENT("PractitionerRole"),
    REF("practitioner", "PractitionerRole", "practitioner"),
    REF("organization", "PractitionerRole", "organization"),
    REF("location", "PractitionerRole", "location"),
    TOKEN("role", "PractitionerRole", "code", FA_EL_CC),
    TOKEN("specialty", "PractitionerRole", "specialty", FA_EL_CC),
    TOKEN("active", "PractitionerRole", "active", FA_EL_BOOL),
    P("date", CK_FHIR_API_P_DATE, "PractitionerRole.period", E("period", FA_EL_PERIOD)),
};

static const fa_param_def location[] = {
    IDENT("Location"),
    P("name", CK_FHIR_API_P_STRING, "Location.name | Location.alias", E("name", FA_EL_STRING),
      E("alias", FA_EL_STRING)),
    TOKEN("type", "Location", "type", FA_EL_CC),
    STATUS_OF("Location"),
    REF("organization", "Location", "managingOrganization"),
    REF("partof", "Location", "partOf"),
    ADDRESS("Location", "address"),
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

/* The served types in CapabilityStatement order. WRITABLE: read, search,
 * create and update through the node (the resource names its patient);
 * READ: read and search only (billing and directory resources come with
 * an imported record); VIEW: read-only, built from grants or audit rows. */
#define TYPES(X)                                                                                                     \
    X(WRITABLE, Patient, patient)                                                                                    \
    X(WRITABLE, AllergyIntolerance, allergy)                                                                         \
    X(WRITABLE, Condition, condition)                                                                                \
    X(WRITABLE, MedicationRequest, medreq)                                                                           \
    X(WRITABLE, MedicationDispense, meddisp)                                                                         \
    X(WRITABLE, Observation, observation)                                                                            \
    X(WRITABLE, Encounter, encounter)                                                                                \
    X(WRITABLE, Procedure, procedure)                                                                                \
    X(WRITABLE, Immunization, immunization)                                                                          \
    X(WRITABLE, DiagnosticReport, report)                                                                            \
    X(WRITABLE, CarePlan, careplan)                                                                                  \
    X(WRITABLE, Appointment, appointment)                                                                            \
    X(WRITABLE, DocumentReference, docref)                                                                           \
    X(WRITABLE, Goal, goal)                                                                                          \
    X(WRITABLE, CareTeam, careteam)                                                                                  \
    X(WRITABLE, ImagingStudy, imaging)                                                                               \
    X(WRITABLE, MedicationAdministration, medadmin)                                                                  \
    X(WRITABLE, MedicationStatement, medstmt)                                                                        \
    X(WRITABLE, Device, device)                                                                                      \
    X(WRITABLE, Specimen, specimen)                                                                                  \
    X(WRITABLE, ServiceRequest, servicereq)                                                                          \
    X(WRITABLE, QuestionnaireResponse, questionnaire_resp)                                                           \
    X(WRITABLE, EpisodeOfCare, episode)                                                                              \
    X(WRITABLE, RelatedPerson, related)                                                                              \
    X(WRITABLE, SupplyDelivery, supply)                                                                              \
    X(READ, Medication, medication)                                                                                  \
    X(READ, Claim, claim)                                                                                            \
    X(READ, ExplanationOfBenefit, eob)                                                                               \
    X(READ, Coverage, coverage)                                                                                      \
    X(READ, Provenance, provenance)                                                                                  \
    X(READ, Organization, organization)                                                                              \
    X(READ, Practitioner, practitioner)                                                                              \
    X(READ, PractitionerRole, practitioner_role)                                                                     \
    X(READ, Location, location)                                                                                      \
    X(VIEW, AuditEvent, audit)                                                                                       \
    X(VIEW, Consent, consent)

#define WRITABLE 1, 0
#define READ 0, 0
#define VIEW 0, 1
#define ROW_(name, writable, view, params) {name, writable, view, params, sizeof params / sizeof params[0]},
#define ROW(how, name, params) ROW_(#name, how, params)
#define NAME(how, name, params) #name,

static const fa_type_def types[] = {TYPES(ROW)};

#define NTYPES (sizeof types / sizeof types[0])

static const char *const type_names[] = {TYPES(NAME)};


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

int ck_fhir_api_type_view(const char *type)
{
    const fa_type_def *t = fa_type_find(type);
    return t && t->view;
}

const char *const *ck_fhir_api_types(size_t *n)
{
    if (n) *n = NTYPES;
    return type_names;
}
