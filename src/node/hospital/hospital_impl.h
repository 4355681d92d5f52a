/*
 * src/node/hospital/hospital_impl.h - what the hospital operations share
 * (org.c): the organization of the home, the directory's user objects.
 */
#ifndef CK_NODE_HOSPITAL_IMPL_H
#define CK_NODE_HOSPITAL_IMPL_H

#include <jansson.h>

#include "carekey/node_hospital.h"
#include "node/node_impl.h"

/* ORG: the keyring's identity, which must run the authority ORG (its own
 * home); then the connection. */
int ck_node_hospital_self(ck_node *n, char org[CK_NET_ID_MAX + 1]);
/* The directory's user object of gid (attributes, org, unit, title, active). */
int ck_node_hospital_user(ck_node *n, const char *gid, json_t **out);
/* 1 when the user object is affiliated with org. */
int ck_node_hospital_staff_of(const json_t *user, const char *org);
const char *ck_node_jstr(const json_t *o, const char *k);

#endif
