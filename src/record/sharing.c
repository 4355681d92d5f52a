/*
 * src/record/sharing.c - the sharing profile: one policy template per
 * section and derived view, validated with the policy parser and
 * instantiated for a patient (docs/RECORD-MODEL.md, "Sharing profile").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/policy.h"
#include "fhir_internal.h"
#include "strbuf.h"

#define PROFILE_FORMAT "carekey-sharing/1"
#define N_NAMES (CK_SECTION_COUNT + 2)

struct ck_sharing_profile {
    json_t *policies; /* name -> template */
};

static const char *name_at(size_t i)
{
    if (i < CK_SECTION_COUNT)
        return ck_section_name((ck_section)i);
    return i == CK_SECTION_COUNT ? CK_SHARING_VIEW_EMERGENCY : CK_SHARING_VIEW_RESEARCH;
}

static int known_name(const char *n)
{
    size_t i;
    for (i = 0; i < N_NAMES; i++)
        if (!strcmp(n, name_at(i)))
            return 1;
    return 0;
}

/* An authority or attribute name substituted into a policy must be a bare
 * policy word, so that a parameter can never inject policy syntax. */
static int bare_word(const char *s)
{
    size_t i;
    if (!s || !*s || strlen(s) > CK_POLICY_AUTH_MAX)
        return 0;
    for (i = 0; s[i]; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* Expands the placeholders of tmpl; on error fills err (path "$.policies.<name>"). */
static ck_fhir_err expand(ck_strbuf *out, const char *tmpl, const ck_sharing_params *pp,
                          const char *path, ck_fhir_error *err)
{
    const char *p = tmpl;
    while (*p) {
        const char *open = strchr(p, '{'), *close;
        char ph[80];
        size_t n;
        if (!open) {
            ck_strbuf_str(out, p);
            break;
        }
        ck_strbuf_add(out, p, (size_t)(open - p));
        close = strchr(open, '}');
        if (!close || (size_t)(close - open - 1) >= sizeof ph)
            return ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path, "unterminated placeholder at offset %zu",
                                (size_t)(open - tmpl));
        n = (size_t)(close - open - 1);
        memcpy(ph, open + 1, n);
        ph[n] = 0;
        if (!strcmp(ph, "patient")) {
            if (!bare_word(pp->patient_authority))
                return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, path, "patient authority is not a bare policy word");
            ck_strbuf_str(out, pp->patient_authority);
        } else if (!strcmp(ph, "er")) {
            if (!bare_word(pp->emergency_desk))
                return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, path, "emergency desk is not a bare policy word");
            ck_strbuf_str(out, pp->emergency_desk);
        } else if (!strncmp(ph, "hospitals:", 10)) {
            const char *attr = ph + 10;
            size_t h;
            if (!bare_word(attr))
                return ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path,
                                    "{hospitals:ATTR} needs a bare attribute name");
            if (!pp->n_hospitals || !pp->hospitals)
                return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, path, "no hospitals given");
            if (pp->n_hospitals > 1)
                ck_strbuf_str(out, "(");
            for (h = 0; h < pp->n_hospitals; h++) {
                if (!bare_word(pp->hospitals[h]))
                    return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, path,
                                        "hospital %zu is not a bare policy word", h);
                if (h)
                    ck_strbuf_str(out, " or ");
                ck_strbuf_str(out, attr);
                ck_strbuf_str(out, "@");
                ck_strbuf_str(out, pp->hospitals[h]);
            }
            if (pp->n_hospitals > 1)
                ck_strbuf_str(out, ")");
        } else {
            return ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path, "unknown placeholder at offset %zu",
                                (size_t)(open - tmpl));
        }
        p = close + 1;
    }
    if (strchr(tmpl, '}') && !strchr(tmpl, '{'))
        return ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path, "stray '}'");
    return out->oom ? ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, path, "out of memory") : CK_FHIR_OK;
}

/* Instantiates and parses one template; *canon gets the canonical text. */
static ck_fhir_err build_policy(char **canon, const char *tmpl, const ck_sharing_params *pp,
                                const char *path, ck_fhir_error *err)
{
    ck_strbuf b = {0};
    ck_policy *pol = NULL;
    ck_policy_error perr;
    ck_fhir_err rc;
    size_t n;

    if ((rc = expand(&b, tmpl, pp, path, err)) != CK_FHIR_OK)
        goto out;
    if (!b.p) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path, "empty policy");
        goto out;
    }
    if (ck_policy_parse(&pol, b.p, b.len, &perr) != CK_POLICY_OK) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_POLICY, path, "%s", perr.msg);
        goto out;
    }
    if (canon) {
        n = ck_policy_print(pol, NULL, 0);
        if (!(*canon = malloc(n + 1))) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, path, "out of memory");
            goto out;
        }
        ck_policy_print(pol, *canon, n + 1);
    }
    rc = CK_FHIR_OK;
out:
    ck_policy_free(pol);
    free(b.p);
    return rc;
}

static const char *const sample_hospitals[] = {"hosp-a", "hosp-b"};
static const ck_sharing_params sample_params = {"patient-sample", "er-desk", sample_hospitals, 2};

ck_fhir_err ck_sharing_load(ck_sharing_profile **out, const char *json, size_t len, ck_fhir_error *err)
{
    ck_fhir_err rc;
    json_t *root = NULL, *pol, *v;
    json_error_t je;
    const char *k;
    char path[160];
    size_t i;

    ck_fhir_error_clear(err);
    if (!out || !json)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "sharing: NULL argument");
    *out = NULL;
    if (len > (1u << 20))
        return ck_fhir_fail(err, CK_FHIR_ERR_LIMIT, "", "sharing profile larger than 1 MiB");
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_JSON, "", "sharing profile: not valid JSON at line %d, column %d",
                          je.line, je.column);
        goto out;
    }
    if (!json_is_object(root) || !json_is_string(json_object_get(root, "profile")) ||
        strcmp(ck_json_str(root, "profile"), PROFILE_FORMAT)) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.profile", "profile must be \"" PROFILE_FORMAT "\"");
        goto out;
    }
    json_object_foreach(root, k, v) {
        if (strcmp(k, "profile") && strcmp(k, "description") && strcmp(k, "policies")) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$", "unknown member in sharing profile");
            goto out;
        }
    }
    pol = json_object_get(root, "policies");
    if (!json_is_object(pol)) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.policies", "policies must be an object");
        goto out;
    }
    json_object_foreach(pol, k, v) {
        if (!known_name(k)) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, "$.policies",
                              "unknown section or view name in policies");
            goto out;
        }
    }
    for (i = 0; i < N_NAMES; i++) {
        snprintf(path, sizeof path, "$.policies.%s", name_at(i));
        v = json_object_get(pol, name_at(i));
        if (!v) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path, "missing policy for %s", name_at(i));
            goto out;
        }
        if (!json_is_string(v) || json_string_length(v) == 0) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_INVALID, path, "policy must be a non-empty string");
            goto out;
        }
        if ((rc = build_policy(NULL, json_string_value(v), &sample_params, path, err)) != CK_FHIR_OK)
            goto out;
    }
    if (!(*out = calloc(1, sizeof **out))) {
        rc = ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
        goto out;
    }
    (*out)->policies = json_incref(pol);
    rc = CK_FHIR_OK;
out:
    json_decref(root);
    return rc;
}

ck_fhir_err ck_sharing_load_default(ck_sharing_profile **out, ck_fhir_error *err)
{
    const char *j = ck_sharing_default_json();
    return ck_sharing_load(out, j, strlen(j), err);
}

void ck_sharing_free(ck_sharing_profile *p)
{
    if (!p)
        return;
    json_decref(p->policies);
    free(p);
}

const char *ck_sharing_template(const ck_sharing_profile *p, const char *name)
{
    if (!p || !name)
        return NULL;
    return ck_json_str(p->policies, name);
}

ck_fhir_err ck_sharing_policy(char **out, const ck_sharing_profile *p, const char *name,
                              const ck_sharing_params *params, ck_fhir_error *err)
{
    char path[160];
    const char *t;
    ck_fhir_error_clear(err);
    if (!out || !p || !name || !params)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "sharing: NULL argument");
    *out = NULL;
    if (!(t = ck_sharing_template(p, name)))
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "sharing: unknown section or view");
    snprintf(path, sizeof path, "$.policies.%s", name);
    return build_policy(out, t, params, path, err);
}

ck_fhir_err ck_sharing_instantiate(json_t **out, const ck_sharing_profile *p,
                                   const ck_sharing_params *params, ck_fhir_error *err)
{
    ck_fhir_err rc = CK_FHIR_OK;
    json_t *o;
    char *pol = NULL;
    size_t i;

    ck_fhir_error_clear(err);
    if (!out || !p || !params)
        return ck_fhir_fail(err, CK_FHIR_ERR_PARAM, "", "sharing: NULL argument");
    *out = NULL;
    if (!(o = json_object()))
        return ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
    for (i = 0; i < N_NAMES; i++) {
        if ((rc = ck_sharing_policy(&pol, p, name_at(i), params, err)) != CK_FHIR_OK)
            goto out;
        if (json_object_set_new(o, name_at(i), json_string(pol))) {
            rc = ck_fhir_fail(err, CK_FHIR_ERR_NOMEM, "", "out of memory");
            goto out;
        }
        free(pol);
        pol = NULL;
    }
    *out = o;
    o = NULL;
out:
    free(pol);
    json_decref(o);
    return rc;
}
