/*
 * src/ui/care_parse.c - the bodies of the hospital's forms (POST
 * /ui/api/care/OP): each form is a table of fields, and a body is accepted
 * only when it is one JSON object holding fields of that table alone, each
 * of its type and size, every required one present. What a value means
 * (a GID, a ward, a time, a LOINC code) the node checks; this file only
 * makes sure nothing unexpected reaches it. Pure; fuzz/fuzz_ui_care.c.
 */
#include <string.h>

#include "ui/care.h"

enum ftype { F_STR, F_BED, F_BOOL, F_VITALS };

typedef struct field {
    const char *name;
    enum ftype type;
    size_t max;     /* strings: bytes */
    int required;
} field;

#define ID 128      /* GIDs, wards, theatres, encounter ids */
#define AT 40       /* FHIR date/times */
#define TEXT 4096
#define CHECK {"check", F_BOOL, 0, 0}

static const field f_admit[] = {
    {"patient", F_STR, ID, 1}, {"ward", F_STR, ID, 1}, {"bed", F_BED, 0, 1}, {"reason", F_STR, TEXT, 0},
    {"reason_code", F_STR, 18, 0}, {"at", F_STR, AT, 0}, CHECK,
};
static const field f_discharge[] = {
    {"patient", F_STR, ID, 1}, {"encounter", F_STR, ID, 0}, {"summary", F_STR, 65536, 0},
    {"disposition", F_STR, 32, 0}, {"at", F_STR, AT, 0}, CHECK,
};
static const field f_condition[] = {
    {"patient", F_STR, ID, 1}, {"system", F_STR, 8, 1}, {"code", F_STR, 32, 0}, {"display", F_STR, TEXT, 1},
    {"onset", F_STR, AT, 0}, {"encounter", F_STR, ID, 0}, {"provisional", F_BOOL, 0, 0}, CHECK,
};
static const field f_vitals[] = {
    {"patient", F_STR, ID, 1}, {"vitals", F_VITALS, 0, 1}, {"encounter", F_STR, ID, 0}, {"at", F_STR, AT, 0}, CHECK,
};
static const field f_note[] = {
    {"patient", F_STR, ID, 1}, {"text", F_STR, (size_t)256 << 10, 1}, {"kind", F_STR, 16, 0},
    {"encounter", F_STR, ID, 0}, {"at", F_STR, AT, 0}, CHECK,
};
static const field f_appointment[] = {
    {"patient", F_STR, ID, 1}, {"doctor", F_STR, ID, 1}, {"at", F_STR, AT, 1}, {"reason", F_STR, 1000, 0},
    {"service", F_STR, 200, 0}, CHECK,
};
static const field f_theatre[] = {
    {"patient", F_STR, ID, 1}, {"theatre", F_STR, ID, 1}, {"surgeon", F_STR, ID, 1}, {"team", F_STR, 2048, 0},
    {"snomed", F_STR, 18, 1}, {"display", F_STR, 1000, 1}, {"start", F_STR, AT, 1}, {"end", F_STR, AT, 1}, CHECK,
};
static const field f_slots[] = {
    {"doctor", F_STR, ID, 1}, {"date", F_STR, 10, 1}, {"from", F_STR, 5, 1}, {"to", F_STR, 5, 1},
    {"every", F_STR, 8, 1}, {"location", F_STR, ID, 0}, CHECK,
};

static const field f_outcome[] = {
    {"id", F_STR, ID, 1},      {"status", F_STR, 16, 1}, {"outcome", F_STR, TEXT, 0}, {"result", F_STR, 16, 0},
    {"start", F_STR, AT, 0},   {"end", F_STR, AT, 0},    CHECK,
};
static const field f_checkin[] = {{"id", F_STR, ID, 1}, CHECK};
static const field f_cancel[] = {{"id", F_STR, ID, 1}, {"reason", F_STR, 1000, 1}, CHECK};

#define FORM(n, f) {n, f, sizeof f / sizeof *f}
static const struct form {
    const char *op;
    const field *fields;
    size_t n;
} forms[] = {
    FORM("admit", f_admit),     FORM("discharge", f_discharge), FORM("condition", f_condition),
    FORM("vitals", f_vitals),   FORM("note", f_note),           FORM("appointment", f_appointment),
    FORM("theatre", f_theatre), FORM("slots", f_slots),           FORM("checkin", f_checkin),
    FORM("cancel", f_cancel),   FORM("outcome", f_outcome),
};

static const struct form *form_of(const char *op)
{
    for (size_t i = 0; op && i < sizeof forms / sizeof *forms; i++)
        if (!strcmp(forms[i].op, op)) return &forms[i];
    return NULL;
}

int ck_ui_form_known(const char *op) { return form_of(op) != NULL; }

static int str_ok(const json_t *v, size_t max)
{
    size_t n = json_string_length(v);
    return json_is_string(v) && n >= 1 && n <= max && strlen(json_string_value(v)) == n;
}

/* Vital names as the node knows them ("hr", "bp", "spo2", ...): short
 * lowercase words; values short strings ("120/80", "37.1"). */
static int vitals_ok(const json_t *v)
{
    const char *k;
    json_t *x;
    if (!json_is_object(v) || json_object_size(v) < 1 || json_object_size(v) > 32) return 0;
    json_object_foreach((json_t *)v, k, x) {
        size_t n = strlen(k);
        if (n < 1 || n > 16 || strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != n) return 0;
        if (!str_ok(x, 32) || strchr(json_string_value(x), '=')) return 0;
    }
    return 1;
}

static int value_ok(const field *f, const json_t *v)
{
    switch (f->type) {
    case F_STR: return str_ok(v, f->max);
    case F_BOOL: return json_is_boolean(v);
    case F_BED: return json_is_integer(v) && json_integer_value(v) >= 1 && json_integer_value(v) <= 100000;
    case F_VITALS: return vitals_ok(v);
    }
    return 0;
}

int ck_ui_form_parse(const char *op, const char *body, size_t len, json_t **out, const char **why)
{
    const struct form *fm = form_of(op);
    json_t *v = NULL, *x;
    const char *k;
    *out = NULL;
    *why = "the body must be one JSON object of the form's fields";
    if (!fm) {
        *why = "no such form";
        return -1;
    }
    if (!body || len == 0 || len > CK_UI_FORM_MAX) goto bad;
    if (!(v = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL)) || !json_is_object(v)) goto bad;
    json_object_foreach(v, k, x) {
        const field *f = NULL;
        for (size_t i = 0; i < fm->n && !f; i++)
            if (!strcmp(fm->fields[i].name, k)) f = &fm->fields[i];
        if (!f) {
            *why = "the body holds a field this form does not have";
            goto bad;
        }
        if (!value_ok(f, x)) {
            *why = "a field of the body has the wrong type or size";
            goto bad;
        }
    }
    for (size_t i = 0; i < fm->n; i++)
        if (fm->fields[i].required && !json_object_get(v, fm->fields[i].name)) {
            *why = "a required field is missing";
            goto bad;
        }
    *out = v;
    *why = NULL;
    return 0;
bad:
    json_decref(v); /* the node's allocator wipes what it frees */
    return -1;
}
