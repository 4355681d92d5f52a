/*
 * src/record/report_columns.c - what each report shows: blocks, the
 * section and resource types they draw on, filters and columns. Data, not
 * code: docs/RECORD-MODEL.md ("Reports") lists the same tables.
 */
#include "report_internal.h"

#define MEDS "MedicationRequest,MedicationStatement,MedicationDispense,MedicationAdministration"
#define MED_DATE "authoredOn|effectiveDateTime|effectivePeriod.start|whenHandedOver|dateAsserted"
#define DOSAGE "dosageInstruction[0].text|dosageInstruction[0].timing.repeat|dosage[0].text|dosage.text"

static const report_block demographics = {
    "demographics", "Demographics", CK_SECTION_DEMOGRAPHICS, "Patient", NULL,
    {{"name", "name[0]", 0},
     {"gender", "gender", 0},
     {"born", "birthDate|_birthDate=90+", 1},
     {"deceased", "deceasedDateTime|deceasedBoolean", 1},
     {"address", "address[0]", 0},
     {"language", "communication[0].language", 0}}};

static const report_block contacts = {
    "contacts", "Contacts", CK_SECTION_DEMOGRAPHICS, "Patient,RelatedPerson", NULL,
    {{"who", "name[0]", 0},
     {"relationship", "relationship|=self", 0},
     {"phone / email", "telecom", 0},
     {"address", "address[0]", 0}}};

static const report_block allergies = {
    "allergies", "Allergies", CK_SECTION_ALLERGIES, "AllergyIntolerance", NULL,
    {{"substance", "code", 0},
     {"type", "category", 0},
     {"criticality", "criticality", 0},
     {"status", "clinicalStatus", 0},
     {"since", "onsetDateTime|recordedDate", 1}}};

static const report_block medications_family = {
    "medications", "Medications", CK_SECTION_MEDICATIONS, MEDS, NULL,
    {{"medication", "medicationCodeableConcept|medicationReference", 0},
     {"status", "status", 0},
     {"since", MED_DATE, 1},
     {"dosage", DOSAGE, 0}}};

static const report_block medications_clinical = {
    "medications", "Medications", CK_SECTION_MEDICATIONS, MEDS, NULL,
    {{"kind", "resourceType", 0},
     {"medication", "medicationCodeableConcept|medicationReference", 0},
     {"status", "status", 0},
     {"date", MED_DATE, 1},
     {"dosage", DOSAGE, 0},
     {"reason", "reasonCode|reasonReference", 0}}};

static const report_block appointments = {
    "appointments", "Appointments", CK_SECTION_APPOINTMENTS, "Appointment", NULL,
    {{"what", "serviceType[0]|appointmentType|serviceCategory[0]", 0},
     {"status", "status", 0},
     {"start", "start", 0},
     {"end", "end", 0},
     {"where", "participant.actor", 0}}};

static const report_block problems = {
    "problems", "Problems", CK_SECTION_PROBLEMS, "Condition", NULL,
    {{"problem", "code", 0},
     {"status", "clinicalStatus", 0},
     {"onset", "onsetDateTime|onsetPeriod.start|onsetAge|recordedDate", 1},
     {"resolved", "abatementDateTime|abatementPeriod.end", 1}}};

static const report_block encounters = {
    "encounters", "Encounters", CK_SECTION_ENCOUNTERS, "Encounter,EpisodeOfCare", NULL,
    {{"type", "type[0]", 0},
     {"class", "class", 0},
     {"reason", "reasonCode[0]|reasonReference[0]", 0},
     {"start", "period.start", 1},
     {"end", "period.end", 1}}};

static const report_block procedures = {
    "procedures", "Procedures", CK_SECTION_PROCEDURES, "Procedure", NULL,
    {{"procedure", "code", 0},
     {"status", "status", 0},
     {"date", "performedDateTime|performedPeriod.start", 1},
     {"reason", "reasonCode[0]|reasonReference[0]", 0}}};

static const report_block results = {
    "results", "Results", CK_SECTION_RESULTS, "Observation,DiagnosticReport,ImagingStudy", NULL,
    {{"kind", "resourceType", 0},
     {"test", "code|procedureCode[0]|series[0].bodySite", 0},
     {"value", "valueQuantity|valueCodeableConcept|valueString|valueBoolean|valueInteger|component|series[0].modality|conclusion", 0},
     {"date", "effectiveDateTime|effectivePeriod.start|started|issued", 1}}};

static const report_block immunizations = {
    "immunizations", "Immunizations", CK_SECTION_IMMUNIZATIONS, "Immunization", NULL,
    {{"vaccine", "vaccineCode", 0},
     {"status", "status", 0},
     {"date", "occurrenceDateTime|occurrenceString", 1}}};

static const report_block careplans = {
    "careplans", "Care plans", CK_SECTION_CAREPLANS, "CarePlan,Goal", NULL,
    {{"kind", "resourceType", 0},
     {"plan", "category[0]|description|title", 0},
     {"status", "status|lifecycleStatus", 0},
     {"start", "period.start|startDate", 1},
     {"end", "period.end|target[0].dueDate", 1}}};

/* research: de-identified demographics only */
static const report_block research_demographics = {
    "demographics", "Demographics (de-identified)", CK_SECTION_DEMOGRAPHICS, "Patient", NULL,
    {{"gender", "gender", 0},
     {"born", "birthDate|_birthDate=90+", 1},
     {"deceased", "deceasedDateTime|deceasedBoolean", 1},
     {"state", "address[0].state", 0},
     {"zip3", "address[0].postalCode", 0}}};

/* emergency summary */
static const report_block er_problems = {
    "problems", "Active problems", CK_SECTION_PROBLEMS, "Condition",
    "clinicalStatus.coding.code=active|recurrence|relapse",
    {{"problem", "code", 0},
     {"onset", "onsetDateTime|onsetPeriod.start|recordedDate", 1}}};

static const report_block er_medications = {
    "medications", "Active medications", CK_SECTION_MEDICATIONS, MEDS,
    "status=active|in-progress|on-hold|intended",
    {{"medication", "medicationCodeableConcept|medicationReference", 0},
     {"since", MED_DATE, 1},
     {"dosage", DOSAGE, 0}}};

/* LOINC: ABO+Rh group, ABO group, Rh type (2 codes). */
#define BLOOD_TYPE "code.coding.code=882-1|883-9|10331-7|34474-7"
static const report_block er_blood = {
    "bloodtype", "Blood type", CK_SECTION_RESULTS, "Observation", BLOOD_TYPE,
    {{"test", "code", 0},
     {"value", "valueCodeableConcept|valueString", 0},
     {"date", "effectiveDateTime|issued", 1}}};

static const report_block *const personal_blocks[] = {
    &demographics, &contacts, &allergies, &medications_family, &appointments, NULL};
static const report_block *const professional_blocks[] = {
    &demographics, &problems, &allergies, &medications_clinical, &encounters, &procedures,
    &results, &immunizations, &careplans, NULL};
static const report_block *const research_blocks[] = {
    &research_demographics, &problems, &allergies, &medications_clinical, &encounters,
    &procedures, &results, &immunizations, &careplans, NULL};
static const report_block *const emergency_blocks[] = {
    &allergies, &er_problems, &er_medications, &er_blood, NULL};

static const report_def defs[] = {
    {CK_REPORT_PERSONAL, "Personal report", personal_blocks},
    {CK_REPORT_PROFESSIONAL, "Professional report", professional_blocks},
    {CK_REPORT_RESEARCH, "Research view (de-identified, HIPAA Safe Harbor)", research_blocks},
    {CK_REPORT_EMERGENCY, "Emergency summary", emergency_blocks},
};

const report_def *ck_report_def(ck_report_kind kind)
{
    size_t i;
    for (i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (defs[i].kind == kind)
            return &defs[i];
    return NULL;
}
