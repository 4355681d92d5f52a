/*
 * src/node/record/sharing.c - the patient's sharing profile: read from the verified chain (the
 * latest PROFILE entry she signed), turned into section policies, and the
 * body of a new one checked as readers will check it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/record/record_impl.h"

#define PROFILE_MAX_HOSPITALS 64

/* ===== sharing settings ====================================================== */

#define PROFILE_MAX_HOSPITALS 64

void ck_node_sharing_init(ck_node_sharing *s) { memset(s, 0, sizeof *s); }

void ck_node_sharing_free(ck_node_sharing *s)
{
    ck_sharing_free(s->profile);
    memset(s, 0, sizeof *s);
}

/* Hospitals: 1..64 valid authority names, no duplicates. */
static int hospitals_valid(const json_t *arr, char *out, size_t cap)
{
    size_t i, len = 0;
    json_t *h;
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > PROFILE_MAX_HOSPITALS) return 0;
    out[0] = 0;
    json_array_foreach(arr, i, h) {
        const char *n = json_string_value(h);
        if (!n || !ck_net_id_valid(n) || strlen(n) > CK_ABE_NAME_MAX || len + strlen(n) + 2 > cap) return 0;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(json_string_value(json_array_get(arr, j)), n)) return 0;
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", n);
    }
    return 1;
}

/* Parses a PROFILE body into s (strict: known keys, valid names, a profile
 * that loads). */
static int profile_parse(ck_node_sharing *s, const uint8_t *body, size_t len)
{
    json_t *j = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL), *hosp = NULL, *prof = NULL;
    const char *desk = NULL;
    int v = 0, ok = 0;
    ck_fhir_error fe;
    memset(&fe, 0, sizeof fe);
    if (j && json_unpack(j, "{s:i,s:o,s:s,s:o!}", "v", &v, "hospitals", &hosp, "er_desk", &desk, "profile", &prof) == 0 &&
        v == 1 && hospitals_valid(hosp, s->hospitals, sizeof s->hospitals) && ck_net_id_valid(desk) &&
        strlen(desk) < sizeof s->er_desk && (json_is_null(prof) || json_is_object(prof))) {
        char *text = json_is_null(prof) ? NULL : json_dumps(prof, JSON_COMPACT);
        ck_sharing_free(s->profile);
        s->profile = NULL;
        ok = (text ? ck_sharing_load(&s->profile, text, strlen(text), &fe) : ck_sharing_load_default(&s->profile, &fe)) ==
             CK_FHIR_OK;
        free(text);
        snprintf(s->er_desk, sizeof s->er_desk, "%s", desk);
    }
    json_decref(j);
    return ok ? 0 : -1;
}

int ck_node_sharing_peek(ck_node_sharing *s, const ck_node_view *v)
{
    size_t latest = (size_t)-1;
    ck_rec_container c;
    if (s->profile && !strcmp(s->patient, v->patient)) return 1;
    /* the latest profile the patient herself wrote (the verifier refuses
     * one by anyone else) */
    for (size_t i = 0; i < v->n; i++)
        if (v->vo.valid[i] && ck_rec_container_decode(&c, v->e[i].envelope, v->e[i].envelope_len) == CK_REC_OK &&
            c.kind == CK_REC_KIND_PROFILE)
            latest = i;
    if (latest == (size_t)-1) return 0;
    if (ck_rec_container_decode(&c, v->e[latest].envelope, v->e[latest].envelope_len) != CK_REC_OK ||
        profile_parse(s, c.body, c.body_len) != 0) {
        return ck_node_fail(v->c, CK_NODE_E_INTEGRITY, "bad_profile", "%s's sharing profile (entry %llu) is malformed",
                            v->patient, (unsigned long long)v->e[latest].seq);
    }
    snprintf(s->patient, sizeof s->patient, "%s", v->patient);
    return 1;
}

int ck_node_sharing_from_view(ck_node_sharing *s, const ck_node_view *v)
{
    int r = ck_node_sharing_peek(s, v);
    if (r == 0)
        ck_node_fail(v->c, CK_NODE_E_NOT_FOUND, "no_profile", "%s has not set her sharing profile yet (her treating hospitals); she runs "
                             "'carekey patient onboard --gid %s --orgs A,B' or 'carekey sharing set'",
                  v->patient, v->patient);
    return r == 1 ? 0 : -1;
}

static int sharing_load(ck_node *c, ck_node_sharing *s, const char *patient)
{
    ck_node_view v;
    int rc;
    if (s->profile && !strcmp(s->patient, patient)) return 0;
    if ((rc = ck_node_view_load(&v, c, patient, 1)) == 0) {
        if (ck_node_view_problems(&v)) {
            rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified",
                              "%s's record does not verify; its sharing profile cannot be trusted", patient);
        } else {
            rc = ck_node_sharing_from_view(s, &v);
        }
    }
    ck_node_view_free(&v);
    return rc;
}

int ck_node_section_policy(ck_node *c, ck_node_sharing *s, const char *patient, const char *name, char **out)
{
    char auth[CK_NET_ID_MAX + 16], list[sizeof s->hospitals], *save = NULL;
    const char *hosp[PROFILE_MAX_HOSPITALS];
    ck_sharing_params prm;
    ck_fhir_error fe;
    size_t n = 0;
    int rc;
    *out = NULL;
    if ((rc = sharing_load(c, s, patient)) != 0) return rc;
    if (!ck_sharing_template(s->profile, name)) {
        return ck_node_fail(c, CK_NODE_E_INVALID, "no_policy", "%s's sharing profile has no policy for section '%s'",
                            patient, name);
    }
    snprintf(list, sizeof list, "%s", s->hospitals);
    for (char *t = strtok_r(list, ",", &save); t && n < PROFILE_MAX_HOSPITALS; t = strtok_r(NULL, ",", &save))
        hosp[n++] = t;
    snprintf(auth, sizeof auth, "patient-%s", patient);
    prm.patient_authority = auth;
    prm.emergency_desk = s->er_desk;
    prm.hospitals = hosp;
    prm.n_hospitals = n;
    memset(&fe, 0, sizeof fe);
    if (ck_sharing_policy(out, s->profile, name, &prm, &fe) != CK_FHIR_OK) {
        return ck_node_fail(c, CK_NODE_E_INVALID, "bad_policy", "policy for section '%s': %s", name,
                            fe.msg[0] ? fe.msg : "invalid");
    }
    return 0;
}

int ck_node_profile_body(ck_node *c, const char *hospitals, const char *er_desk, const char *profile_json,
                         char **out)
{
    json_t *hosp = json_array(), *prof = NULL, *doc = NULL;
    char list[1024], *save = NULL;
    ck_node_sharing check;
    int rc = -1;
    *out = NULL;
    ck_node_sharing_init(&check);
    snprintf(list, sizeof list, "%s", hospitals ? hospitals : "");
    for (char *t = strtok_r(list, ",", &save); t && hosp; t = strtok_r(NULL, ",", &save))
        json_array_append_new(hosp, json_string(t));
    if (profile_json && !(prof = json_loads(profile_json, JSON_REJECT_DUPLICATES, NULL))) {
        ck_node_fail(c, CK_NODE_E_INVALID, "bad_profile", "the sharing profile is not JSON");
        goto out;
    }
    if (!(doc = json_pack("{s:i,s:O,s:s,s:o}", "v", 1, "hospitals", hosp, "er_desk", er_desk, "profile",
                          prof ? prof : json_null())) ||
        !(*out = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS))) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    /* what readers will parse: refuse here what they would refuse */
    if (profile_parse(&check, (const uint8_t *)*out, strlen(*out)) != 0) {
        ck_node_fail(c, CK_NODE_E_INVALID, "bad_profile", "invalid sharing profile: 1-64 distinct hospital authority names, an emergency desk "
                          "name and a profile that loads are needed");
        free(*out);
        *out = NULL;
        goto out;
    }
    rc = 0;
out:
    ck_node_sharing_free(&check);
    json_decref(hosp);
    json_decref(doc);
    return rc;
}
