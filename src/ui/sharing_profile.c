/*
 * src/ui/sharing_profile.c - the patient's treating hospitals changed from
 * her sharing page (POST /ui/api/sharing/change, action "hospitals"): a new
 * signed sharing profile (carekey/node_sharing.h), said in plain words
 * before it is saved. Apart from sharing.c because node_sharing.h and
 * node_sharing_view.h both name ck_node_sharing_view.
 */
#include <stdio.h>
#include <string.h>

#include "carekey/node_sharing.h"
#include "ui/ui_impl.h"

void ck_ui_list_words(const char *csv, char *out, size_t cap)
{
    char buf[1024], *tok[64], *save = NULL;
    size_t n = 0, used = 0;
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t && n < 64; t = strtok_r(NULL, ",", &save)) tok[n++] = t;
    out[0] = 0;
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", tok[i]);
}

/* Her treating hospitals: a new signed sharing profile (the standard
 * templates, her emergency desk kept). What is already written keeps the
 * policies it was sealed under. */
int ck_ui_sharing_hospitals(ck_ui_req *r, const char *patient, const ck_ui_share *c)
{
    ck_node_sharing_view now;
    char was[1100], will[1100], plain[2600], desk[65];
    json_t *said;
    int rc;
    memset(&now, 0, sizeof now);
    if (ck_node_sharing_show(r->s->n, patient, &now) != 0) {
        if (ck_node_last_error(r->s->n)->kind != CK_NODE_E_NOT_FOUND) return ck_ui_fail_node(r, r->s->n);
        snprintf(now.er_desk, sizeof now.er_desk, "er-desk"); /* no profile yet: the default desk */
    }
    ck_ui_list_words(now.hospitals, was, sizeof was);
    ck_ui_list_words(c->hosp, will, sizeof will);
    snprintf(desk, sizeof desk, "%s", now.er_desk[0] ? now.er_desk : "er-desk");
    ck_node_sharing_view_free(&now);
    snprintf(plain, sizeof plain,
             "Your treating hospitals become %s%s%s. What is written to your record from now on is sealed under the "
             "standard sharing rules for them (their doctors and nurses read your clinical sections); what was "
             "written before keeps the rules it was sealed under. Your emergency desk stays %s.",
             will, was[0] ? " instead of " : "", was, desk);
    if (!c->confirm) return ck_ui_json(r, 200, json_pack("{s:b,s:s}", "applied", 0, "plain", plain));
    if (!(said = json_array())) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    {
        ck_node_sharing_in in = {patient, c->hosp, desk, NULL};
        ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
        rc = ck_node_sharing_write(r->s->n, &in);
        ck_node_set_notice(r->s->n, NULL, NULL);
    }
    if (rc != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 200, json_pack("{s:b,s:s,s:o}", "applied", 1, "plain", plain, "notices", said));
}

