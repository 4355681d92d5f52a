/*
 * src/ui/care.h - the hospital's pages (docs/UI.md, "Care and hospital"):
 * "my patients" and the routes (care.c), the forms (care_forms.c), the clerk's boards
 * (clerk.c), and the strict parser of the forms' bodies (care_parse.c,
 * pure, fuzzed by fuzz/fuzz_ui_care.c).
 */
#ifndef CK_UI_CARE_H
#define CK_UI_CARE_H

#include <stddef.h>

#include <jansson.h>

#include "ui/ui_impl.h"

#define CK_UI_FORM_MAX ((size_t)300 << 10) /* a note is at most 256 KiB */

/* ---- care_parse.c (pure) --------------------------------------------------------- */
/* 1 when op names a care form ("admit", "discharge", "condition", "vitals",
 * "note", "appointment", "theatre", "slots", "checkin", "cancel", "outcome"). */
int ck_ui_form_known(const char *op);
/* The body of form op: one JSON object whose members are all fields of
 * the form (no other, none twice), each of its type (strings 1..max bytes
 * without NUL, "bed" an integer 1..100000, "vitals" an object of 1..32
 * name: value strings, flags booleans), every required one present.
 * 0 and *out (json_decref), or -1 with *why (a static sentence). */
int ck_ui_form_parse(const char *op, const char *body, size_t len, json_t **out, const char **why);

/* ---- care_forms.c: the clinicians' (and the clerk's bookings) ------------------------- */
/* POST /ui/api/care/OP: the form's check ({"check": true}: validated only,
 * nothing written) or the write; the node's refusals as its error key. */
int ck_ui_care_form(ck_ui_req *r, const char *op);

/* ---- care.c ---------------------------------------------------------------------------------- */
/* GET /ui/api/care/patients: the patients who consented to this person's
 * hospital (an active delegate grant to it in their verified chains). */
int ck_ui_care_patients(ck_ui_req *r);
/* GET /ui/api/care/encounters?patient=P: P's encounters this person opens. */
int ck_ui_care_encounters(ck_ui_req *r);

/* GET /ui/api/care/units: the wards, theatres and departments of this person's hospital. */
int ck_ui_care_units(ck_ui_req *r);

/* ---- clerk.c: the hospital's boards ---------------------------------------------------- */
/* GET /ui/api/clerk/{staff,census,schedule,theatre,mis}[?period=P&report=R&format=csv] */
int ck_ui_clerk_view(ck_ui_req *r, const char *view);

/* The organization of this session: its one staff@ORG key; 0 or -1 (403 sent). */
int ck_ui_care_org(ck_ui_req *r, char org[CK_UI_GID_MAX]);
/* The routes of care.c and clerk.c: 1 when the path is theirs (answered). */
int ck_ui_care_route(ck_ui_req *r, const char *path, size_t len);

#endif
