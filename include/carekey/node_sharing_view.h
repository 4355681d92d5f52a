/*
 * carekey/node_sharing_view.h - a patient's sharing profile as the pages
 * show it: her treating hospitals, her emergency desk and, for each section
 * her profile covers, the policy it seals that section under (instantiated
 * for her: "owner@patient-<gid> or (doctor@medical-board and staff@hosp-a)").
 * Read from her verified record; the policies name attributes, never keys.
 */
#ifndef CARKEY_NODE_SHARING_VIEW_H
#define CARKEY_NODE_SHARING_VIEW_H

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/* *out: {"hospitals": "a,b", "er_desk": "d", "sections": {"allergies": "<policy>", ...}}
 * (json_decref). NOT_FOUND when she has not set a profile; INTEGRITY when
 * her record does not verify. */
int ck_node_sharing_view(ck_node *n, const char *patient, struct json_t **out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
