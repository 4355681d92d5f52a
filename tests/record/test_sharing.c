/* tests/record/test_sharing.c - the sharing profile: load, validate, instantiate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/policy.h"
#include "harness.h"
#include "record_util.h"

#define NAMES (CK_SECTION_COUNT + 2)
static const char *name_at(size_t i)
{
    return i < CK_SECTION_COUNT ? ck_section_name((ck_section)i) : i == CK_SECTION_COUNT ? "emergency" : "research";
}

/* 1 when the attribute set satisfies the policy. */
static int can_read(const char *policy, const char *const *attrs, size_t n)
{
    ck_policy *p = NULL;
    ck_lsss *l = NULL;
    ck_lsss_solution *sol = NULL;
    int ok = 0;
    if (ck_policy_parse(&p, policy, strlen(policy), NULL) != CK_POLICY_OK)
        return -1;
    if (ck_lsss_build(&l, p, NULL) == CK_POLICY_OK)
        ok = ck_lsss_satisfy(&sol, l, attrs, n, NULL) == CK_POLICY_OK;
    ck_lsss_solution_free(sol);
    ck_lsss_free(l);
    ck_policy_free(p);
    return ok;
}

static const struct role {
    const char *who;
    const char *attrs[3];
    const char *reads; /* space-separated names it must read; everything else it must not */
} roles[] = {
    {"patient", {"owner@patient-42"}, "demographics allergies problems medications encounters procedures results "
                                      "immunizations careplans appointments billing directory audit other emergency research"},
    {"family", {"family@patient-42"}, "demographics allergies medications appointments directory"},
    {"doctor at hosp-b", {"doctor@medical-board", "staff@hosp-b"},
     "demographics allergies problems medications encounters procedures results immunizations careplans appointments directory other"},
    {"nurse at hosp-a", {"nurse@nursing-board", "staff@hosp-a"},
     "demographics allergies problems medications encounters procedures results immunizations careplans appointments directory other"},
    {"doctor elsewhere", {"doctor@medical-board", "staff@hosp-z"}, ""},
    {"pharmacist", {"pharmacist@pharmacy-board"}, "allergies medications directory"},
    {"researcher", {"researcher@research-board"}, "research"},
    {"ER physician via desk", {"emergency@er-desk"}, "allergies problems medications directory emergency"},
    {"billing clerk", {"billing@hosp-a"}, "billing"},
    {"other patient's family", {"family@patient-43"}, ""},
};

static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while ((p = strstr(p, name))) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
            return 1;
        p += n;
    }
    return 0;
}

static void test_default(void)
{
    ck_sharing_profile *p = NULL;
    ck_fhir_error err;
    static const char *const hosp[] = {"hosp-a", "hosp-b"};
    ck_sharing_params pp = {"patient-42", "er-desk", hosp, 2};
    json_t *all = NULL;
    char *pol = NULL, path[512], *file;
    size_t i, r, n;

    CHECK(ck_sharing_load_default(&p, &err) == CK_FHIR_OK, "default profile loads: %s", err.msg);
    if (!p)
        return;
    for (i = 0; i < NAMES; i++)
        CHECK(ck_sharing_template(p, name_at(i)) && *ck_sharing_template(p, name_at(i)), "template %s", name_at(i));
    CHECK(ck_sharing_template(p, "nope") == NULL, "unknown name");
    CHECK(ck_sharing_policy(&pol, p, "medications", &pp, &err) == CK_FHIR_OK, "medications: %s", err.msg);
    CHECK(pol && strstr(pol, "family@patient-42") && strstr(pol, "pharmacist@pharmacy-board") &&
          strstr(pol, "emergency@er-desk") && strstr(pol, "staff@hosp-a or staff@hosp-b"), "medications policy: %s", pol);
    free(pol);
    CHECK(ck_sharing_instantiate(&all, p, &pp, &err) == CK_FHIR_OK, "instantiate: %s", err.msg);
    CHECK(json_object_size(all) == NAMES, "all sections and views");
    for (r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        for (n = 0; n < 3 && roles[r].attrs[n]; n++)
            ;
        for (i = 0; i < NAMES; i++) {
            const char *text = json_string_value(json_object_get(all, name_at(i)));
            int want = listed(roles[r].reads, name_at(i)), got = text ? can_read(text, roles[r].attrs, n) : -1;
            CHECK(got == want, "%s %s %s", roles[r].who, want ? "must read" : "must not read", name_at(i));
        }
    }
    json_decref(all);
    /* one hospital: no parentheses needed, still valid */
    pp.n_hospitals = 1;
    CHECK(ck_sharing_policy(&pol, p, "billing", &pp, &err) == CK_FHIR_OK && pol && !strcmp(pol, "owner@patient-42 or billing@hosp-a"),
          "billing with one hospital: %s", pol ? pol : err.msg);
    free(pol);
    /* parameters cannot inject policy syntax */
    pp.patient_authority = "x or doctor@medical-board";
    CHECK(ck_sharing_policy(&pol, p, "audit", &pp, &err) == CK_FHIR_ERR_PARAM, "injection rejected");
    pp.patient_authority = "patient-42";
    pp.n_hospitals = 0;
    CHECK(ck_sharing_policy(&pol, p, "results", &pp, &err) == CK_FHIR_ERR_PARAM, "no hospitals");
    CHECK(ck_sharing_policy(&pol, p, "nope", &pp, &err) == CK_FHIR_ERR_PARAM, "unknown section");
    ck_sharing_free(p);

    /* the shipped JSON file is the embedded default */
    snprintf(path, sizeof path, "%s/../src/record/sharing_default.json", CK_TEST_DATA);
    file = read_file(path, NULL);
    CHECK(file && !strcmp(file, ck_sharing_default_json()), "embedded default == sharing_default.json");
    free(file);
}

static char *profile_with(const char *name, const char *value)
{
    json_error_t je;
    const char *d = ck_sharing_default_json();
    json_t *root = json_loadb(d, strlen(d), 0, &je);
    char *out;
    if (value)
        json_object_set_new(json_object_get(root, "policies"), name, json_string(value));
    else
        json_object_del(json_object_get(root, "policies"), name);
    out = json_dumps(root, 0);
    json_decref(root);
    return out;
}

static void expect_bad(const char *name, const char *value, ck_fhir_err code, const char *path)
{
    char *j = profile_with(name, value);
    ck_sharing_profile *p = NULL;
    ck_fhir_error err;
    ck_fhir_err rc = ck_sharing_load(&p, j, strlen(j), &err);
    CHECK(rc == code && p == NULL, "%s=%s: got %d (%s), expected %d", name, value ? value : "(missing)", rc, err.msg, code);
    if (path)
        CHECK(!strcmp(err.path, path), "path %s, expected %s", err.path, path);
    ck_sharing_free(p);
    free(j);
}

static void test_invalid(void)
{
    ck_sharing_profile *p = NULL;
    ck_fhir_error err;
    expect_bad("results", NULL, CK_FHIR_ERR_INVALID, "$.policies.results");
    expect_bad("research", NULL, CK_FHIR_ERR_INVALID, "$.policies.research");
    expect_bad("allergies", "", CK_FHIR_ERR_INVALID, "$.policies.allergies");
    expect_bad("allergies", "owner@{patient} or x@{nobody}", CK_FHIR_ERR_POLICY, "$.policies.allergies");
    expect_bad("allergies", "owner@{patient} or", CK_FHIR_ERR_POLICY, "$.policies.allergies");
    expect_bad("allergies", "owner@{patient", CK_FHIR_ERR_POLICY, "$.policies.allergies");
    expect_bad("allergies", "{hospitals:Bad Attr}", CK_FHIR_ERR_POLICY, "$.policies.allergies");
    expect_bad("genomics", "owner@{patient}", CK_FHIR_ERR_INVALID, "$.policies");
    CHECK(ck_sharing_load(&p, "{\"profile\":\"other/2\",\"policies\":{}}", 35, &err) == CK_FHIR_ERR_INVALID, "format");
    CHECK(ck_sharing_load(&p, "{", 1, &err) == CK_FHIR_ERR_JSON, "not JSON");
}

int main(void)
{
    test_default();
    test_invalid();
    TEST_MAIN_END();
}
