/*
 * src/ui/staff.h - the hospital admin's staff page (staff.c): the
 * organization's own login takes people on and ends their affiliation
 * (carekey/node_hospital.h); the strict bodies (staff_parse.c, pure,
 * fuzz/fuzz_ui_parse.c).
 */
#ifndef CK_UI_STAFF_H
#define CK_UI_STAFF_H

#include <stddef.h>

#include "ui/ui_impl.h"

#define CK_UI_TITLE_MAX 127

typedef struct ck_ui_staff_in {
    char gid[CK_UI_GID_MAX];
    char role[16];                  /* doctor | nurse | clerk | pharmacist */
    char unit[CK_UI_GID_MAX];       /* "" none                             */
    char title[CK_UI_TITLE_MAX + 1]; /* "" none (the node uses the role)   */
} ck_ui_staff_in;

/* POST /ui/api/staff/add: one JSON object {"gid", "role", "unit"?,
 * "title"?}, nothing else, no field twice, strings only (gid and unit
 * carekey IDs, role one of the hospital roles, title 1-127 bytes of text
 * without control characters). 0 and *out, or -1 with *out zeroed and the
 * reason in why (for the page). */
int ck_ui_staff_add_parse(const char *body, size_t len, ck_ui_staff_in *out, char *why, size_t cap);
/* POST /ui/api/staff/end: exactly {"gid": GID}. 0 and gid, or -1 (gid "")
 * with the reason in why. */
int ck_ui_staff_end_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], char *why, size_t cap);

/* 1 when path is /ui/api/staff or under it (answered), else 0. */
int ck_ui_staff_route(ck_ui_req *r, const char *path, size_t len);

#endif
