/*
 * src/ui/staff_parse.c - the bodies of the staff page's changes (POST
 * /ui/api/staff/add, /end and /care-team): one JSON object of the
 * request's fields alone, each once and of its type; otherwise a reason
 * the page shows. What the node checks again (a unit of this organization,
 * the person's consent, the patient's delegation) it says itself. Pure (the
 * attribute parser on a node needs no session); fuzz/fuzz_ui_parse.c.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_hospital.h"
#include "ui/staff.h"

/* the largest: a care team of 256 GIDs of 128 bytes */
#define BODY_MAX 65536

static int say(char *why, size_t cap, const char *msg)
{
    if (cap) snprintf(why, cap, "%s", msg);
    return -1;
}

/* The body as an object; NULL with the reason said. */
static json_t *load(const char *body, size_t len, char *why, size_t cap)
{
    json_error_t e;
    json_t *o;
    if (!body || !len || len > BODY_MAX) return say(why, cap, "the body must be one small JSON object"), NULL;
    if (!(o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e))) {
        say(why, cap, strstr(e.text, "duplicate") ? "a field is given twice" : "the body is not one JSON object");
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        say(why, cap, "the body is not one JSON object");
        return NULL;
    }
    return o;
}

/* A string of 1..max bytes without NUL, copied into out. */
static int text(const json_t *v, size_t max, char *out)
{
    size_t n = json_string_length(v);
    if (!json_is_string(v) || n < 1 || n > max || strlen(json_string_value(v)) != n) return -1;
    memcpy(out, json_string_value(v), n + 1);
    return 0;
}

static int id_field(const json_t *v, char out[CK_UI_GID_MAX])
{
    return text(v, CK_UI_GID_MAX - 1, out) == 0 && ck_ui_gid_ok(out) ? 0 : -1;
}

static int title_ok(const char *t)
{
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 0;
    return 1;
}

/* -1 with code and the reason: "<what> '<text>'<tail>" */
static int say_attr(const char **code, const char *c, char *why, size_t cap, const char *what, const char *t,
                    const char *tail)
{
    *code = c;
    if (cap) snprintf(why, cap, "%s '%.60s'%s", what, t, tail);
    return -1;
}

/* One extra attribute (the i-th) into out->extra[i]: an attribute of org,
 * not staff@org, no label of an earlier one. */
static int extra_one(ck_node *n, const char *org, const json_t *v, size_t i, ck_ui_staff_in *out, const char **code,
                     char *why, size_t cap)
{
    char t[CK_UI_ATTR_TEXT_MAX + 1], staff[CK_UI_GID_MAX + 8], tail[320];
    ck_node_attr_spec *a = &out->extra[i];
    if (text(v, CK_UI_ATTR_TEXT_MAX, t) != 0) {
        *code = "bad_attribute";
        return say(why, cap, "each attribute must be 1-200 bytes of text, such as level@ORG=3 or icu@ORG");
    }
    if (ck_node_attr_parse(n, t, 1, a) != 0) {
        *code = "bad_attribute";
        return say(why, cap, ck_node_last_error(n)->msg);
    }
    snprintf(tail, sizeof tail, " is not an attribute of %.128s (NAME@%.128s)", org, org);
    if (strcmp(ck_node_attr_authority(a->label), org) != 0)
        return say_attr(code, "foreign_attribute", why, cap, "attribute", t, tail);
    snprintf(staff, sizeof staff, "staff@%s", org);
    if (!strcmp(a->label, staff))
        return say_attr(code, "duplicate_attribute", why, cap, "attribute", t, ": every affiliation brings it");
    for (size_t k = 0; k < i; k++)
        if (!strcmp(out->extra[k].label, a->label))
            return say_attr(code, "duplicate_attribute", why, cap, "attribute", t, " is given twice");
    return 0;
}

static int extras(ck_node *n, const char *org, const json_t *v, ck_ui_staff_in *out, const char **code, char *why,
                  size_t cap)
{
    size_t i;
    json_t *a;
    if (!json_is_array(v) || !json_array_size(v))
        return say(why, cap, "attributes must be a list of 1-32 attributes of the organization");
    if (json_array_size(v) > CK_UI_STAFF_EXTRA_MAX) {
        *code = "too_many_attributes";
        return say(why, cap, "at most 32 extra attributes at once");
    }
    json_array_foreach(v, i, a) {
        if (extra_one(n, org, a, i, out, code, why, cap) != 0) return -1;
        out->n_extra = i + 1;
    }
    return 0;
}

/* One member of the add body into out; -1 with the reason said. */
static int add_field(ck_node *n, const char *org, const char *k, const json_t *v, ck_ui_staff_in *out,
                     const char **code, char *why, size_t cap)
{
    char msg[96];
    if (!strcmp(k, "gid")) {
        if (id_field(v, out->gid) != 0) return say(why, cap, "gid must be a carekey ID: 1-128 of A-Z a-z 0-9 . _ @ -");
    } else if (!strcmp(k, "role")) {
        if (text(v, sizeof out->role - 1, out->role) != 0 || !ck_node_hospital_role(out->role))
            return say(why, cap, "role must be doctor, nurse, clerk or pharmacist");
    } else if (!strcmp(k, "unit")) {
        if (id_field(v, out->unit) != 0) return say(why, cap, "unit must name one of the organization's units");
    } else if (!strcmp(k, "title")) {
        if (text(v, CK_UI_TITLE_MAX, out->title) != 0 || !title_ok(out->title))
            return say(why, cap, "title must be 1-127 bytes of text on one line");
    } else if (!strcmp(k, "attributes")) {
        return extras(n, org, v, out, code, why, cap);
    } else {
        snprintf(msg, sizeof msg, "unknown field '%.40s' (gid, role, unit, title, attributes)", k);
        return say(why, cap, msg);
    }
    return 0;
}

int ck_ui_staff_add_parse(ck_node *n, const char *org, const char *body, size_t len, ck_ui_staff_in *out,
                          const char **code, char *why, size_t cap)
{
    json_t *o = load(body, len, why, cap), *v;
    const char *k;
    int rc = -1;
    memset(out, 0, sizeof *out);
    *code = "bad_form";
    if (!o) return -1;
    json_object_foreach(o, k, v) if (add_field(n, org, k, v, out, code, why, cap) != 0) goto out;
    if (!out->gid[0] || !out->role[0]) {
        say(why, cap, "gid and role are required");
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) memset(out, 0, sizeof *out);
    json_decref(o);
    return rc;
}

int ck_ui_staff_end_parse(const char *body, size_t len, char gid[CK_UI_GID_MAX], char *why, size_t cap)
{
    json_t *o = load(body, len, why, cap);
    int rc = -1;
    gid[0] = 0;
    if (!o) return -1;
    if (json_object_size(o) != 1 || !json_object_get(o, "gid"))
        say(why, cap, "the body must be exactly {\"gid\": GID}");
    else if (id_field(json_object_get(o, "gid"), gid) != 0)
        say(why, cap, "gid must be a carekey ID: 1-128 of A-Z a-z 0-9 . _ @ -");
    else
        rc = 0;
    if (rc != 0) gid[0] = 0;
    json_decref(o);
    return rc;
}

/* The care team named: 1..CK_UI_TEAM_MAX different GIDs. */
static int team_gids(const json_t *v, ck_ui_team_in *out, char *why, size_t cap)
{
    size_t i;
    json_t *g;
    if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > CK_UI_TEAM_MAX)
        return say(why, cap, "gids must list 1-256 staff members (or be left out: every active one)");
    json_array_foreach(v, i, g) {
        if (id_field(g, out->gids[i]) != 0) return say(why, cap, "each of gids must be a carekey ID");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(out->gids[k], out->gids[i])) return say(why, cap, "a staff member is named twice in gids");
        out->n_gids = i + 1;
    }
    return 0;
}

int ck_ui_staff_team_parse(const char *body, size_t len, ck_ui_team_in *out, char *why, size_t cap)
{
    json_t *o = load(body, len, why, cap), *v;
    const char *k;
    char msg[96];
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!o) return -1;
    json_object_foreach(o, k, v) {
        if (!strcmp(k, "patient")) {
            if (id_field(v, out->patient) != 0) {
                say(why, cap, "patient must be a carekey ID: 1-128 of A-Z a-z 0-9 . _ @ -");
                goto out;
            }
        } else if (!strcmp(k, "gids")) {
            if (team_gids(v, out, why, cap) != 0) goto out;
        } else {
            snprintf(msg, sizeof msg, "unknown field '%.40s' (patient, gids)", k);
            say(why, cap, msg);
            goto out;
        }
    }
    if (!out->patient[0])
        say(why, cap, "patient is required");
    else
        rc = 0;
out:
    if (rc != 0) memset(out, 0, sizeof *out);
    json_decref(o);
    return rc;
}
