/*
 * src/node/emergency/emergency_impl.h - what the physician's side
 * (client.c, events.c) and the desk (desk*.c) share: a record read for
 * break-glass and verified, its current data entries, decrypted payloads
 * turned into FHIR sections, the patient's authority named in a policy.
 */
#ifndef CK_NODE_EMERGENCY_IMPL_H
#define CK_NODE_EMERGENCY_IMPL_H

#include "carekey/fhir.h"
#include "carekey/node_emergency.h"
#include "node/record/record_impl.h"

/* Loads and verifies patient's record over c's connection (whose purpose
 * of use the caller set): a problem is -1 INTEGRITY "record_unverified"
 * with the problems in the message; nothing from the payloads. Pins the
 * verified head. */
int ck_node_btg_view(ck_node *c, const char *patient, ck_node_view *v);
/* 1 when entry i is a current (latest) data entry; *ct gets its container. */
int ck_node_btg_current(const ck_node_view *v, size_t i, ck_rec_container *ct);
/* Adds the items of one decrypted payload to s: an array of items
 * ({"type","id","resource"}) or resources, one item or resource, an object
 * {"items": [...]} or {"sections": {...}}, or a Bundle; each item goes to
 * its resource type's section, a resource arriving twice once. 0, or -1
 * when the payload is none of these. */
int ck_node_btg_add_payload(ck_fhir_sections *s, const uint8_t *buf, size_t len);
/* The patient's authority named as owner@AUTH in a policy, into out (cap); 0 when found. */
int ck_node_btg_owner_authority(const char *policy, char *out, size_t cap);

#endif
