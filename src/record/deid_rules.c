/*
 * src/record/deid_rules.c - the HIPAA Safe Harbor (45 CFR 164.514(b)(2))
 * rule tables. The walker in deid.c applies them; docs/RECORD-MODEL.md
 * lists them. Identifier numbers in "why" are the items of (b)(2)(i).
 */
#include <string.h>

#include "deid_internal.h"

#define PEOPLE "Patient,RelatedPerson,Person,Practitioner,PractitionerRole"
#define PLACES "Organization,Location,HealthcareService,Endpoint,InsurancePlan"

static const deid_key_rule key_rules[] = {
    /* Who: names, contacts, identifiers. */
    {PEOPLE "," PLACES ",Group", "name", DEID_AT_ANY, DEID_DROP, "(A) names; provider/site names narrow geography"},
    {"*", "alias", DEID_AT_ANY, DEID_DROP, "(A) names"},
    {"*", "identifier", DEID_AT_ANY, DEID_DROP, "(G)-(L),(R) SSN, MRN, plan, account, licence, passport, claim numbers"},
    {"*", "telecom", DEID_AT_ANY, DEID_DROP, "(D)-(F),(N) phone, fax, email, URLs"},
    {"*", "contact", DEID_AT_ANY, DEID_DROP, "(A)-(F) relatives' and contacts' names, phones, addresses"},
    {"Patient,RelatedPerson,Person", "link", DEID_AT_ANY, DEID_DROP, "(R) links to other person records"},
    {"*", "photo", DEID_AT_ANY, DEID_DROP, "(Q) photographs"},
    {"*", "qualification", DEID_AT_ANY, DEID_DROP, "(K) licence numbers of practitioners"},
    {"Coverage", "subscriberId", DEID_AT_ANY, DEID_DROP, "(I) health plan beneficiary numbers"},
    {"Coverage", "dependent", DEID_AT_ANY, DEID_DROP, "(I) beneficiary numbering"},
    {"*", "udiCarrier", DEID_AT_ANY, DEID_DROP, "(M) device identifiers"},
    {"*", "serialNumber", DEID_AT_ANY, DEID_DROP, "(M) device serial numbers"},
    {"*", "lotNumber", DEID_AT_ANY, DEID_DROP, "(M) lot numbers"},
    {"*", "distinctIdentifier", DEID_AT_ANY, DEID_DROP, "(M) device identifiers"},
    {"ImagingStudy", "uid", DEID_AT_ANY, DEID_UID, "(R) DICOM UIDs are unique numbers"},
    /* Where: addresses below state, geolocation. */
    {"*", "address", DEID_AT_ANY, DEID_ADDRESS, "(B) geography below state"},
    {"*", "valueAddress", DEID_AT_ANY, DEID_ADDRESS, "(B) geography below state"},
    {"Location", "position", DEID_AT_ANY, DEID_DROP, "(B) latitude/longitude"},
    /* When: birth dates and ages (other dates become years in the walker). */
    {PEOPLE, "birthDate", DEID_AT_ANY, DEID_BIRTHDATE, "(C) birth date; ages over 89"},
    {"*", "onsetAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    {"*", "abatementAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    {"*", "valueAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    {"*", "ageAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    {"*", "deceasedAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    {"*", "performedAge", DEID_AT_ANY, DEID_AGE, "(C) ages over 89"},
    /* Free text that may carry any of the above. */
    {"*", "text", DEID_AT_ROOT, DEID_DROP, "(R) narrative (text.div) repeats names, dates, addresses"},
    {"*", "div", DEID_AT_ANY, DEID_DROP, "(R) XHTML narrative"},
    {"*", "note", DEID_AT_ANY, DEID_DROP, "(R) Annotation free text"},
    {"*", "comment", DEID_AT_ANY, DEID_DROP, "(R) free-text comments"},
    {"*", "patientInstruction", DEID_AT_ANY, DEID_DROP, "(R) free-text instructions"},
    {"*", "description", DEID_AT_ANY, DEID_DROP_STRING, "(R) free-text descriptions (coded ones kept)"},
    {"*", "summary", DEID_AT_ANY, DEID_DROP_STRING, "(R) free-text summaries"},
    {"*", "conclusion", DEID_AT_ANY, DEID_DROP_STRING, "(R) free-text report conclusions"},
    {"*", "source", DEID_AT_ANY, DEID_DROP_STRING, "(N) meta.source URLs"},
    /* Attached documents and images may contain anything. */
    {"*", "presentedForm", DEID_AT_ANY, DEID_DROP, "(Q),(R) attached documents"},
    {"*", "valueAttachment", DEID_AT_ANY, DEID_DROP, "(Q),(R) attached documents"},
    {"*", "attachment", DEID_AT_ANY, DEID_DROP, "(Q),(R) attached documents"},
    {"DocumentReference,Media", "content", DEID_AT_ANY, DEID_DROP, "(Q),(R) attached documents"},
    /* Element ids (not resource ids) are free-form strings. */
    {"*", "id", DEID_AT_NESTED, DEID_DROP, "(R) element ids are free-form"},
};

static const deid_ext_rule ext_rules[] = {
    {"http://hl7.org/fhir/StructureDefinition/geolocation", DEID_DROP, "(B) latitude/longitude"},
    {"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName", DEID_DROP, "(A) mother's maiden name"},
    {"http://hl7.org/fhir/StructureDefinition/humanname-mothers-family", DEID_DROP, "(A) mother's family name"},
    {"http://hl7.org/fhir/StructureDefinition/patient-birthPlace", DEID_DROP, "(B) birthplace"},
    {"http://hl7.org/fhir/StructureDefinition/patient-birthTime", DEID_DROP, "(C) time of birth"},
    {"http://hl7.org/fhir/StructureDefinition/patient-adoptionInfo", DEID_DROP, "(R) free text"},
    {"http://hl7.org/fhir/StructureDefinition/individual-genderIdentity", DEID_WALK, "kept"},
    /* Synthea's DALY + QALY add up to the age in years: an age proxy. */
    {"http://synthetichealth.github.io/synthea/disability-adjusted-life-years", DEID_DROP, "(C) age proxy"},
    {"http://synthetichealth.github.io/synthea/quality-adjusted-life-years", DEID_DROP, "(C) age proxy"},
};

static int type_listed(const char *list, const char *rtype)
{
    size_t n;
    if (strcmp(list, "*") == 0)
        return 1;
    if (!rtype)
        return 0;
    n = strlen(rtype);
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len == n && strncmp(list, rtype, n) == 0)
            return 1;
        if (!end)
            break;
        list = end + 1;
    }
    return 0;
}

deid_action ck_deid_key_action(const char *rtype, const char *key, int at_root)
{
    size_t i;
    unsigned where = at_root ? DEID_AT_ROOT : DEID_AT_NESTED;
    for (i = 0; i < sizeof key_rules / sizeof key_rules[0]; i++) {
        const deid_key_rule *r = &key_rules[i];
        if ((r->where & where) && strcmp(r->key, key) == 0 && type_listed(r->types, rtype))
            return r->action;
    }
    return DEID_WALK;
}

deid_action ck_deid_ext_action(const char *url)
{
    size_t i;
    if (!url)
        return DEID_DROP; /* an extension without url cannot be interpreted */
    for (i = 0; i < sizeof ext_rules / sizeof ext_rules[0]; i++)
        if (strcmp(ext_rules[i].url, url) == 0)
            return ext_rules[i].action;
    return DEID_WALK;
}

int ck_deid_person_type(const char *rtype)
{
    return type_listed(PEOPLE "," PLACES, rtype);
}

const deid_key_rule *ck_deid_key_rules(size_t *n)
{
    *n = sizeof key_rules / sizeof key_rules[0];
    return key_rules;
}

const deid_ext_rule *ck_deid_ext_rules(size_t *n)
{
    *n = sizeof ext_rules / sizeof ext_rules[0];
    return ext_rules;
}
