/*
 * carekey/node_family.h - a patient's family, from her own home: the people
 * who hold her family key family@patient-GID (issued by her own authority
 * patient-GID, docs/ONBOARDING.md) and may fetch her record. What family
 * read is what her sharing rules give family@patient-GID.
 *
 * Inviting is what 'carekey patient onboard --family F' does for F, and
 * nothing else: the key through F's mailbox, then a read grant; each step
 * found done is left alone, so it is safe to repeat after a failure.
 * Ending revokes the key by epoch (new entries are sealed for a new key her
 * other family members get; carekey/node_authority.h) and every grant.
 */
#ifndef CARKEY_NODE_FAMILY_H
#define CARKEY_NODE_FAMILY_H

#include <stddef.h>
#include <stdint.h>

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_family_member {
    char gid[129];
    int reader;                /* 1 an active read grant, 0 none, -1 the server cannot say */
    uint64_t until_ms;         /* the read grant's end, 0 never                            */
} ck_node_family_member;

/* Who holds family@patient-<patient> according to her authority's registry,
 * sorted, with their read grants (*out: free()). FORBIDDEN "not_your_record"
 * unless patient is this identity; NULL patient: this identity (here and
 * below: the CLI runs from her home without naming her); NOT_FOUND
 * "no_authority" (here and below) when this home does not run patient-P. */
int ck_node_family_list(ck_node *n, const char *patient, ck_node_family_member **out, size_t *count) CK_NODE_WUR;

typedef struct ck_node_family_in {
    const char *patient;       /* this identity (NULL: this identity)            */
    const char *member;        /* an enrolled person                             */
    int check;                 /* 1: only check and say what would be done      */
} ck_node_family_in;

typedef struct ck_node_family_out {
    char label[160];           /* family@patient-P                                   */
    char reads[512];           /* "a,b": the sections her profile opens to family ("" none) */
    int had_key, had_reader;   /* what was already done before                      */
    uint32_t epoch;            /* the key's current epoch (0: never revoked)        */
    int64_t message;           /* its delivery, when issued now                     */
} ck_node_family_out;

/* Invites member: family@patient-P through her mailbox unless the registry
 * says she holds it, then a read grant unless she has an active one.
 * NOT_FOUND "user_not_found" (not enrolled, or still awaiting the
 * operator), REFUSED "not_enrolled" (deactivated), "not_a_person" (an
 * organization), CONFLICT "already_family" (both done), INVALID "self";
 * NOT_FOUND "no_authority" without her own authority. */
int ck_node_family_invite(ck_node *n, const ck_node_family_in *in, ck_node_family_out *out) CK_NODE_WUR;

typedef struct ck_node_family_end_out {
    int had_key;               /* the key was revoked                              */
    uint32_t old_epoch, new_epoch;
    size_t reissued, failed;   /* the other holders re-issued the new key (or not) */
    size_t grants;             /* grants taken back (read and write)              */
} ck_node_family_end_out;

/* Ends member's access: revokes family@patient-P from her when she holds it
 * (a new epoch first, then re-issued to the other holders: INFO notices,
 * WARNING for each that failed), then every grant she holds on the record.
 * NOT_FOUND "no_grant" when she holds neither. A re-issue that failed is
 * not a failure of this (her access is ended): out->failed says so. */
int ck_node_family_end(ck_node *n, const char *patient, const char *member, ck_node_family_end_out *out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
