/*
 * src/ui/staff.h - the hospital admin's staff page (staff.c): the
 * organization's own login takes people on (with extra attributes of the
 * organization), ends their affiliation and gives the care team of a
 * patient who made it her delegate their grants (carekey/node_hospital.h);
 * the strict bodies (staff_parse.c, pure, fuzz/fuzz_ui_parse.c).
 */
#ifndef CK_UI_STAFF_H
#define CK_UI_STAFF_H

#include <stddef.h>

#include "carekey/node_authority.h"
#include "ui/ui_impl.h"

#define CK_UI_TITLE_MAX 127
#define CK_UI_STAFF_EXTRA_MAX 32        /* extra attributes in one add (the CLI's --attr) */
#define CK_UI_ATTR_TEXT_MAX 200         /* bytes of one attribute as written               */
#define CK_UI_TEAM_MAX 256              /* staff named in one care-team run (the CLI's)    */

typedef struct ck_ui_staff_in {
    char gid[CK_UI_GID_MAX];
    char role[16];                  /* doctor | nurse | clerk | pharmacist */
    char unit[CK_UI_GID_MAX];       /* "" none                             */
    char title[CK_UI_TITLE_MAX + 1]; /* "" none (the node uses the role)   */
    ck_node_attr_spec extra[CK_UI_STAFF_EXTRA_MAX]; /* more attributes of org */
    size_t n_extra;
} ck_ui_staff_in;

/* POST /ui/api/staff/add: one JSON object {"gid", "role", "unit"?,
 * "title"?, "attributes"?}, nothing else, no field twice (gid and unit
 * carekey IDs, role one of the hospital roles, title 1-127 bytes of text
 * without control characters, attributes 1-32 texts such as "level@ORG=3"
 * or "icu@ORG", each parsed by ck_node_attr_parse on n, which needs no
 * session state). 0 and *out, or -1 with *out zeroed, the reason in why
 * (for the page) and a stable code in *code: "bad_form", or for the
 * attributes "bad_attribute" (malformed), "foreign_attribute" (not of org),
 * "duplicate_attribute" (a label twice, or staff@org, which every
 * affiliation brings), "too_many_attributes". */
int ck_ui_staff_add_parse(ck_node *n, const char *org, const char *body, size_t len, ck_ui_staff_in *out,
                          const char **code, char *why, size_t cap);
/* POST /ui/api/staff/end: exactly {"gid": GID}. 0 and gid, or -1 (gid "")
 * with the reason in why. */
int ck_ui_staff_end_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], char *why, size_t cap);

typedef struct ck_ui_team_in {
    char patient[CK_UI_GID_MAX];
    char gids[CK_UI_TEAM_MAX][CK_UI_GID_MAX]; /* ~35 KiB: the caller allocates it */
    size_t n_gids;                            /* 0: every active staff member     */
} ck_ui_team_in;

/* POST /ui/api/staff/care-team: {"patient": GID, "gids"?: [GID...]} with
 * 1-256 different GIDs when given, nothing else. 0 and *out, or -1 with
 * *out zeroed and the reason in why. */
int ck_ui_staff_team_parse(const char *body, size_t len, ck_ui_team_in *out, char *why, size_t cap);

/* 1 when path is /ui/api/staff or under it (answered), else 0. */
int ck_ui_staff_route(ck_ui_req *r, const char *path, size_t len);

#endif
