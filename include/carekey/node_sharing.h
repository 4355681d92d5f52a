/*
 * carekey/node_sharing.h - the patient's sharing profile, signed in her own
 * record (a PROFILE entry): her treating hospitals, the emergency desk and
 * optionally her own policy templates. Every writer seals under the latest
 * profile of the verified record.
 */
#ifndef CARKEY_NODE_SHARING_H
#define CARKEY_NODE_SHARING_H

#include "carekey/fhir.h"
#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_node_sharing_in {
    const char *patient;       /* this keyring's identity */
    const char *hospitals;     /* "A,B": 1-64 treating hospitals */
    const char *er_desk;       /* NULL: "er-desk" */
    const char *profile_json;  /* carekey-sharing/1 templates; NULL: the built-in profile */
} ck_node_sharing_in;

/* Writes the profile entry; an INFO notice names it. */
int ck_node_sharing_write(ck_node *n, const ck_node_sharing_in *in) CK_NODE_WUR;

typedef struct ck_node_sharing_view {
    char hospitals[1024];
    char er_desk[65];
    char *policy[CK_SECTION_COUNT];   /* each section's policy for this patient (NULL: none) */
} ck_node_sharing_view;

/* The profile of the verified record (INTEGRITY when it does not verify). */
int ck_node_sharing_show(ck_node *n, const char *patient, ck_node_sharing_view *out) CK_NODE_WUR;
void ck_node_sharing_view_free(ck_node_sharing_view *v);

#ifdef __cplusplus
}
#endif

#endif
