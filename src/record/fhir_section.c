/*
 * src/record/fhir_section.c - the section model: section names and the
 * table that maps every known FHIR R4 resource type to its section.
 * Anything not in the table goes to "other" (docs/RECORD-MODEL.md).
 */
#include <string.h>

#include "fhir_internal.h"

static const char *const section_names[CK_SECTION_COUNT] = {
    [CK_SECTION_DEMOGRAPHICS] = "demographics",
    [CK_SECTION_ALLERGIES] = "allergies",
    [CK_SECTION_PROBLEMS] = "problems",
    [CK_SECTION_MEDICATIONS] = "medications",
    [CK_SECTION_ENCOUNTERS] = "encounters",
    [CK_SECTION_PROCEDURES] = "procedures",
    [CK_SECTION_RESULTS] = "results",
    [CK_SECTION_IMMUNIZATIONS] = "immunizations",
    [CK_SECTION_CAREPLANS] = "careplans",
    [CK_SECTION_APPOINTMENTS] = "appointments",
    [CK_SECTION_BILLING] = "billing",
    [CK_SECTION_DIRECTORY] = "directory",
    [CK_SECTION_AUDIT] = "audit",
    [CK_SECTION_OTHER] = "other",
};

/* The mapping table (section order). Keep docs/RECORD-MODEL.md in step. */
static const ck_fhir_type_map type_table[] = {
    {"Patient", CK_SECTION_DEMOGRAPHICS},
    {"RelatedPerson", CK_SECTION_DEMOGRAPHICS},
    {"AllergyIntolerance", CK_SECTION_ALLERGIES},
    {"Condition", CK_SECTION_PROBLEMS},
    {"MedicationRequest", CK_SECTION_MEDICATIONS},
    {"MedicationDispense", CK_SECTION_MEDICATIONS},
    {"MedicationStatement", CK_SECTION_MEDICATIONS},
    {"MedicationAdministration", CK_SECTION_MEDICATIONS},
    {"Medication", CK_SECTION_MEDICATIONS},
    {"Encounter", CK_SECTION_ENCOUNTERS},
    {"EpisodeOfCare", CK_SECTION_ENCOUNTERS},
    {"Procedure", CK_SECTION_PROCEDURES},
    {"Observation", CK_SECTION_RESULTS},
    {"DiagnosticReport", CK_SECTION_RESULTS},
    {"ImagingStudy", CK_SECTION_RESULTS},
    {"Specimen", CK_SECTION_RESULTS},
    {"Immunization", CK_SECTION_IMMUNIZATIONS},
    {"CarePlan", CK_SECTION_CAREPLANS},
    {"Goal", CK_SECTION_CAREPLANS},
    {"CareTeam", CK_SECTION_CAREPLANS},
    {"Appointment", CK_SECTION_APPOINTMENTS},
    {"AppointmentResponse", CK_SECTION_APPOINTMENTS},
    {"Slot", CK_SECTION_APPOINTMENTS},
    {"Schedule", CK_SECTION_APPOINTMENTS},
    {"Claim", CK_SECTION_BILLING},
    {"ClaimResponse", CK_SECTION_BILLING},
    {"ExplanationOfBenefit", CK_SECTION_BILLING},
    {"Coverage", CK_SECTION_BILLING},
    {"Organization", CK_SECTION_DIRECTORY},
    {"Practitioner", CK_SECTION_DIRECTORY},
    {"PractitionerRole", CK_SECTION_DIRECTORY},
    {"Location", CK_SECTION_DIRECTORY},
    {"AuditEvent", CK_SECTION_AUDIT},
    {"Consent", CK_SECTION_AUDIT},
    {"Provenance", CK_SECTION_AUDIT},
};

const char *ck_section_name(ck_section s)
{
    if ((unsigned)s >= CK_SECTION_COUNT)
        return NULL;
    return section_names[s];
}

int ck_section_from_name(const char *name, ck_section *out)
{
    unsigned i;
    if (!name)
        return -1;
    for (i = 0; i < CK_SECTION_COUNT; i++) {
        if (strcmp(name, section_names[i]) == 0) {
            if (out)
                *out = (ck_section)i;
            return 0;
        }
    }
    return -1;
}

ck_section ck_fhir_section_of(const char *resource_type)
{
    size_t i;
    if (!resource_type)
        return CK_SECTION_OTHER;
    for (i = 0; i < sizeof type_table / sizeof type_table[0]; i++)
        if (strcmp(resource_type, type_table[i].resource_type) == 0)
            return type_table[i].section;
    return CK_SECTION_OTHER;
}

const ck_fhir_type_map *ck_fhir_type_table(size_t *n)
{
    if (n)
        *n = sizeof type_table / sizeof type_table[0];
    return type_table;
}

void ck_fhir_sections_clear(ck_fhir_sections *s)
{
    unsigned i;
    if (!s)
        return;
    for (i = 0; i < CK_SECTION_COUNT; i++)
        json_decref(s->section[i]);
    json_decref(s->unknown_types);
    memset(s, 0, sizeof *s);
}

size_t ck_fhir_sections_count(const ck_fhir_sections *s)
{
    size_t n = 0;
    unsigned i;
    if (!s)
        return 0;
    for (i = 0; i < CK_SECTION_COUNT; i++)
        if (json_is_array(s->section[i]))
            n += json_array_size(s->section[i]);
    return n;
}
