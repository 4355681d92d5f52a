/*
 * src/ui/staff_parse.c - the bodies of the staff page's changes (POST
 * /ui/api/staff/add and /end): one JSON object of the request's fields
 * alone, each once and of its type; otherwise a reason the page shows.
 * What the node checks again (a unit of this organization, the person's
 * consent) it says itself. Pure; fuzz/fuzz_ui_parse.c.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_hospital.h"
#include "ui/staff.h"

#define BODY_MAX 4096

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

/* One member of the add body into out; -1 with the reason said. */
static int add_field(const char *k, const json_t *v, ck_ui_staff_in *out, char *why, size_t cap)
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
    } else {
        snprintf(msg, sizeof msg, "unknown field '%.40s' (gid, role, unit, title)", k);
        return say(why, cap, msg);
    }
    return 0;
}

int ck_ui_staff_add_parse(const char *body, size_t len, ck_ui_staff_in *out, char *why, size_t cap)
{
    json_t *o = load(body, len, why, cap), *v;
    const char *k;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (!o) return -1;
    json_object_foreach(o, k, v) if (add_field(k, v, out, why, cap) != 0) goto out;
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
