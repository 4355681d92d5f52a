/*
 * src/node/care/build.h - resources the care library builds from an
 * operation's input, shared by the pure checks (check.c, which build them
 * once with a placeholder author to check every value before anything
 * opens) and the operations (built again with the real author).
 */
#ifndef CK_NODE_CARE_BUILD_H
#define CK_NODE_CARE_BUILD_H

#include <jansson.h>

#include "carekey/care.h"
#include "carekey/node_care.h"

/* The input checks every care and prescription operation shares; each
 * returns 0, or -1 with e (kind invalid, key "bad_<path>"). */
int ck_node_care_bad(ck_node_error *e, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* --patient: present, a valid GID. */
int ck_node_care_in_patient(const char *patient, ck_node_error *e);
/* --at: now when absent, else a care time. */
int ck_node_care_in_time(const char *at, int64_t now_ms, int64_t *at_ms, ck_node_error *e);
/* --hospital: absent or a valid organization name. */
int ck_node_care_in_org(const char *org, ck_node_error *e);

/* A note (DocumentReference); -1 with err (path "text"). */
int ck_node_note_build(const ck_node_note_in *in, const char *author, int64_t at_ms, json_t **doc, ck_node_error *e);
/* The Observations of in as an array; -1 with ce. */
int ck_node_observe_build(const ck_node_observe_in *in, const char *performer, int64_t at_ms, json_t **out,
                          ck_care_error *ce);

/* The team "G[:F],..." into team (pointing into buf), at most 32. */
int ck_node_theatre_team(const char *csv, char *buf, size_t cap, ck_care_team_member *team, size_t *n, ck_node_error *e);
/* A booking's input checked and converted (team into buf). */
int ck_node_theatre_booking(const ck_node_theatre_in *in, char *buf, size_t cap, ck_care_team_member *team,
                            ck_care_theatre_in *ti, ck_node_error *e);
/* An outcome's input checked and converted. */
int ck_node_theatre_outcome_of(const ck_node_theatre_in *in, ck_care_theatre_outcome_in *oi, ck_node_error *e);

#endif
