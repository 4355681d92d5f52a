/*
 * carekey/node_directory.h - the public directory on carekeyd: the
 * organizations, their units and staff (docs/CARE.md, "Directory"; no
 * patient data), and a person's consent to be affiliated.
 */
#ifndef CARKEY_NODE_DIRECTORY_H
#define CARKEY_NODE_DIRECTORY_H

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

typedef struct ck_node_staff_filter {
    const char *org, *role, *unit, *attr;   /* NULL: any */
    int active;                             /* 1 active, 0 inactive, -1 all */
} ck_node_staff_filter;

/* The server's objects as a JSON array (*rows: json_decref). */
int ck_node_dir_orgs(ck_node *n, const char *kind, struct json_t **rows) CK_NODE_WUR;
int ck_node_dir_units(ck_node *n, const char *org, const char *kind, struct json_t **rows) CK_NODE_WUR;
/* Every page of the listing, in GID order. */
int ck_node_dir_staff(ck_node *n, const ck_node_staff_filter *f, struct json_t **rows) CK_NODE_WUR;

/* This person consents (or, withdraw, no longer consents) to be
 * affiliated with org. */
int ck_node_dir_consent(ck_node *n, const char *org, int withdraw) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
