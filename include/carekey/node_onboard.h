/*
 * carekey/node_onboard.h - joining carekey in one operation
 * (docs/ONBOARDING.md): a patient from her own home, an organization from
 * its own. Each runs every step not done yet, so the same operation is run
 * again after the operator's approval and after anything failed half-way;
 * what a step finds done it leaves alone and nothing is given twice. Each
 * step done is an INFO notice ("owner key: ... merged into the keyring").
 *
 * The identity itself (keyring, passphrase) is made first with
 * ck_node_identity_create when ck_node_identity_exists says there is none.
 */
#ifndef CARKEY_NODE_ONBOARD_H
#define CARKEY_NODE_ONBOARD_H

#include <stddef.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the session's home holds a keyring. */
int ck_node_identity_exists(ck_node *n);

typedef struct ck_node_onboard_common {
    const char *gid;
    unsigned wait_s;           /* wait up to this for the operator's approval */
    int resubmit;              /* send a rejected request again               */
} ck_node_onboard_common;

typedef struct ck_node_patient_onboard_in {
    ck_node_onboard_common o;
    const char *hospitals;     /* "A,B"; NULL: keep the profile's (required when none) */
    const char *desk;          /* NULL: keep the profile's, else "er-desk"               */
    const char *const *pharmacies;
    size_t n_pharmacies;
    const char *const *family;
    size_t n_family;
} ck_node_patient_onboard_in;

/* Her own authority patient-GID (owner@, family@), the enrollment request
 * registering it; once approved her owner key, her sharing profile, the
 * desk's write grant on "audit", each treating hospital as delegate, each
 * pharmacist of each pharmacy a write grant on "medications", and for each
 * enrolled family member family@patient-GID and a read grant. *enrolled 0:
 * still waiting for the operator (a notice says so). INVALID "wrong_home"
 * when the home holds another identity; REFUSED "enrollment_rejected". */
int ck_node_onboard_patient(ck_node *n, const ck_node_patient_onboard_in *in, int *enrolled) CK_NODE_WUR;

typedef struct ck_node_org_unit {
    const char *name, *kind, *display_name;   /* display_name NULL: the name */
    unsigned beds;
} ck_node_org_unit;

typedef struct ck_node_org_onboard_in {
    ck_node_onboard_common o;               /* gid: the organization's name */
    const char *kind;                       /* hospital, pharmacy, board, desk */
    const char *display_name;
    const char *const *attrs;               /* more labels its authority lists (A or A@ORG) */
    size_t n_attrs;
    const ck_node_org_unit *units;
    size_t n_units;
} ck_node_org_onboard_in;

/* Its authority ORG listing what sharing profiles name (hospital: staff@,
 * billing@; pharmacy: staff@; desk: emergency@; and attrs), the enrollment
 * request registering the organization and the authority; once approved
 * its units (one already there is fine). */
int ck_node_onboard_org(ck_node *n, const ck_node_org_onboard_in *in, int *enrolled) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
