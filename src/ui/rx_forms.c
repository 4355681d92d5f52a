/*
 * src/ui/rx_forms.c - the form bodies of the prescription, dispensing
 * and break-glass pages (rx_forms.h), decoded strictly.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ui/rx_forms.h"

/* Every member of o is one of names (NULL-terminated) and every required
 * one (the first n_required) is there. */
static int members_ok(const json_t *o, const char *const *names, size_t n_required)
{
    const char *k;
    const json_t *v;
    if (!json_is_object(o)) return 0;
    for (size_t i = 0; i < n_required; i++)
        if (!json_object_get(o, names[i])) return 0;
    json_object_foreach((json_t *)o, k, v) {
        const char *const *p = names;
        while (*p && strcmp(*p, k)) p++;
        if (!*p) return 0;
    }
    return 1;
}

/* A string member of 1..cap-1 bytes into out; absent: 0 with *present 0. */
static int take_text(const json_t *o, const char *k, char *out, size_t cap, int *present)
{
    const json_t *v = json_object_get(o, k);
    const char *s = json_string_value(v);
    if (present) *present = 0;
    if (!v) return present ? 0 : -1;
    if (!s || !*s || strlen(s) >= cap) return -1;
    snprintf(out, cap, "%s", s);
    if (present) *present = 1;
    return 0;
}

/* An integer member in [lo, hi]; absent: dflt when optional. */
static int take_int(const json_t *o, const char *k, uint32_t lo, uint32_t hi, int optional, uint32_t dflt, uint32_t *out)
{
    const json_t *v = json_object_get(o, k);
    if (!v && optional) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) return -1;
    *out = (uint32_t)json_integer_value(v);
    return 0;
}

static json_t *load(const char *body, size_t len)
{
    return body ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
}

int ck_ui_rx_form_parse(const char *body, size_t len, ck_ui_rx_form *f)
{
    static const char *const names[] = {"patient", "rxnorm", "quantity", "refills", "dose", "override", NULL};
    json_t *o = load(body, len);
    int rc = -1;
    memset(f, 0, sizeof *f);
    if (!members_ok(o, names, 3) || take_text(o, "patient", f->patient, sizeof f->patient, NULL) ||
        !ck_ui_gid_ok(f->patient) || take_text(o, "rxnorm", f->rxnorm, sizeof f->rxnorm, NULL) ||
        strspn(f->rxnorm, "0123456789") != strlen(f->rxnorm) || take_int(o, "quantity", 1, 100000, 0, 0, &f->quantity) ||
        take_int(o, "refills", 0, 99, 1, 0, &f->refills) || take_text(o, "dose", f->dose, sizeof f->dose, &f->has_dose) ||
        take_text(o, "override", f->override_reason, sizeof f->override_reason, &f->has_override))
        goto out;
    rc = 0;
out:
    json_decref(o);
    if (rc) memset(f, 0, sizeof *f);
    return rc;
}

int ck_ui_dispense_form_parse(const char *body, size_t len, ck_ui_dispense_form *f)
{
    static const char *const names[] = {"patient", "id", "quantity", NULL};
    json_t *o = load(body, len);
    int rc = -1;
    memset(f, 0, sizeof *f);
    if (!members_ok(o, names, 3) || take_text(o, "patient", f->patient, sizeof f->patient, NULL) ||
        !ck_ui_gid_ok(f->patient) || take_text(o, "id", f->id, sizeof f->id, NULL) ||
        strspn(f->id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen(f->id) ||
        take_int(o, "quantity", 1, 100000, 0, 0, &f->quantity))
        goto out;
    rc = 0;
out:
    json_decref(o);
    if (rc) memset(f, 0, sizeof *f);
    return rc;
}

/* http://HOST[:PORT][/] or https://...: printable ASCII, no spaces,
 * quotes, backslashes or fragments. */
static int desk_url_ok(const char *u)
{
    const char *rest = !strncmp(u, "http://", 7) ? u + 7 : !strncmp(u, "https://", 8) ? u + 8 : NULL;
    if (!rest || !*rest || *rest == '/') return 0;
    for (const char *p = u; *p; p++)
        if (*p <= ' ' || *p >= 127 || strchr("\"'\\#<>`{}|^", *p)) return 0;
    return 1;
}

int ck_ui_btg_form_parse(const char *body, size_t len, ck_ui_btg_form *f)
{
    static const char *const names[] = {"patient", "reason", "minutes", "desk", NULL};
    json_t *o = load(body, len);
    int rc = -1;
    memset(f, 0, sizeof *f);
    if (!members_ok(o, names, 4) || take_text(o, "patient", f->patient, sizeof f->patient, NULL) ||
        !ck_ui_gid_ok(f->patient) || take_text(o, "reason", f->reason, 513, NULL) ||
        take_int(o, "minutes", 1, 1440, 0, 0, &f->minutes) || take_text(o, "desk", f->desk, sizeof f->desk, NULL) ||
        !desk_url_ok(f->desk))
        goto out;
    rc = 0;
out:
    json_decref(o);
    if (rc) memset(f, 0, sizeof *f);
    return rc;
}

int ck_ui_route_tail(const ck_ui_req *r, const char *prefix, char *out, size_t cap)
{
    size_t pre = strlen(prefix), n;
    if (r->path_len <= pre || memcmp(r->uri, prefix, pre) != 0) return -1;
    n = r->path_len - pre;
    if (n >= cap || memchr(r->uri + pre, '/', n)) return -1;
    memcpy(out, r->uri + pre, n);
    out[n] = 0;
    return 0;
}
