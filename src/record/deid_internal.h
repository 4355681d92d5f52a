/*
 * src/record/deid_internal.h - the Safe Harbor rule tables and value
 * transforms behind ck_deid_research. Not installed.
 */
#ifndef CK_RECORD_DEID_INTERNAL_H
#define CK_RECORD_DEID_INTERNAL_H

#include "fhir_internal.h"

/* Extension marking the Safe Harbor age group on a Patient (value "90+"). */
#define CK_DEID_AGE_GROUP_URL "https://carekey.dev/fhir/StructureDefinition/deid-age-group"
#define CK_DEID_ABSENT_URL "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#define CK_DEID_AGE_LIMIT 90 /* ages >= this are reported as "90+" */

typedef enum deid_action {
    DEID_WALK = 0,    /* keep; walk into it (dates become years)            */
    DEID_DROP,        /* remove the element                                 */
    DEID_DROP_STRING, /* remove when it is a string (free text), else walk  */
    DEID_ADDRESS,     /* Address: keep use/type/state/country, ZIP3; drop rest */
    DEID_BIRTHDATE,   /* year of birth, or the 90+ group                    */
    DEID_UID,         /* unique id (DICOM UID/OID) -> random 2.25.<n>       */
    DEID_AGE,         /* Age quantity: >= 90 becomes value 90, comparator >= */
} deid_action;

/* Where a key rule applies. */
#define DEID_AT_ROOT 1u    /* directly on a resource (top level or contained) */
#define DEID_AT_NESTED 2u  /* anywhere below a resource's root               */
#define DEID_AT_ANY 3u

typedef struct deid_key_rule {
    const char *types; /* comma-separated resource types, or "*" */
    const char *key;   /* JSON member name                       */
    unsigned where;
    deid_action action;
    const char *why;   /* the Safe Harbor item, for the docs     */
} deid_key_rule;

typedef struct deid_ext_rule {
    const char *url;
    deid_action action;
    const char *why;
} deid_ext_rule;

/* The rule for member key of an object inside a resource of type rtype. */
deid_action ck_deid_key_action(const char *rtype, const char *key, int at_root);
/* The rule for an extension with this url (DEID_WALK when not listed). */
deid_action ck_deid_ext_action(const char *url);
/* 1 when references to this type are to people or organizations (their
 * Reference.display is dropped).                                       */
int ck_deid_person_type(const char *rtype);

const deid_key_rule *ck_deid_key_rules(size_t *n);
const deid_ext_rule *ck_deid_ext_rules(size_t *n);

/* Writes the year of a FHIR date/dateTime/instant with at least a month
 * ("YYYY-MM...") into out[5]; 0 when s is not such a date.             */
int ck_deid_date_year(char out[5], const char *s);
/* Year of a date string that starts with "YYYY" (also a bare year), or -1. */
int ck_deid_year_of(const char *s);

#endif
