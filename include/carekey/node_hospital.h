/*
 * carekey/node_hospital.h - a hospital (or pharmacy) administers its staff
 * and care teams from its own home, whose keyring holds the organization's
 * identity (GID = ORG, role organization, owner of the ORG ledger) and runs
 * the authority ORG (docs/CARE.md). Every operation is safe to repeat after
 * a partial failure: attributes the registry says a person holds are not
 * issued again, grants the verified chain holds are not given again, the
 * directory calls are idempotent. What each step did is an INFO notice.
 */
#ifndef CARKEY_NODE_HOSPITAL_H
#define CARKEY_NODE_HOSPITAL_H

#include <stddef.h>

#include "carekey/node.h"
#include "carekey/node_authority.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/* doctor, nurse, clerk, pharmacist: what each may write - its sections of
 * a patient's record (NULL: none from the hospital) and of the ledger. */
typedef struct ck_node_role_sections {
    const char *role, *record, *ledger;
} ck_node_role_sections;
const ck_node_role_sections *ck_node_hospital_role(const char *role);

typedef struct ck_node_staff_add_in {
    const char *gid, *role;
    const char *unit;                    /* NULL: none (or the earlier one) */
    const char *title;                   /* NULL: the role                  */
    const ck_node_attr_spec *extra;      /* more attributes of ORG          */
    size_t n_extra;
} ck_node_staff_add_in;

/* Takes gid on: the directory affiliation (needs gid's consent), staff@ORG
 * and the extras through gid's mailbox, a write grant on the ORG ledger for
 * the role's sections, then the attributes listed in the directory.
 * REFUSED "wrong_role", "other_org", "deactivated", "no_consent",
 * "no_such_unit"; NOT_FOUND "user_not_found". *org: ORG. */
int ck_node_hospital_staff_add(ck_node *n, const ck_node_staff_add_in *in, char org[129]) CK_NODE_WUR;

typedef struct ck_node_staff_remove_out {
    char org[129];
    size_t attrs, ledger_grants, record_grants;
} ck_node_staff_remove_out;

/* Lets gid go: ends the affiliation, revokes every attribute of ORG gid
 * holds (new epochs, re-issued to the others), gid's grants on the ORG
 * ledger and the grants ORG gave gid on its patients' records. */
int ck_node_hospital_staff_remove(ck_node *n, const char *gid, ck_node_staff_remove_out *out) CK_NODE_WUR;

/* ORG for what any staff member may run: org_opt, else the home's own
 * organization, else org_default, else the keyring's one staff@ORG. */
typedef struct ck_node_org_sel {
    const char *org_opt, *org_default;
} ck_node_org_sel;

/* The staff of ORG (every page; active: 1, 0, -1 all) as a JSON array. */
int ck_node_hospital_staff_list(ck_node *n, const ck_node_org_sel *sel, const char *role, const char *unit,
                                int active, struct json_t **rows, char org[129]) CK_NODE_WUR;
/* ORG's units (kind NULL: all) as a JSON array. */
int ck_node_hospital_units(ck_node *n, const ck_node_org_sel *sel, const char *kind, struct json_t **rows,
                           char org[129]) CK_NODE_WUR;

typedef struct ck_node_care_team_out {
    char org[129];
    size_t given, considered;
} ck_node_care_team_out;

/* As patient's delegate (REFUSED "not_delegate" otherwise), a write grant
 * on her record for each staff member's role sections unless the verified
 * chain holds one: gids (count 0: every active staff member of ORG). */
int ck_node_hospital_care_team(ck_node *n, const char *patient, const char *const *gids, size_t count,
                               ck_node_care_team_out *out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
