/*
 * src/ui/sharing_family.c - the patient's family on her sharing page
 * (carekey/node_family.h): who holds her family key, inviting a family
 * member or friend (POST /ui/api/sharing/change, action "family") and
 * ending a family member's access (action "revoke" on someone who holds
 * the key: the key is revoked by epoch as well as every grant). Each said
 * in plain words before it is saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_authority.h"
#include "carekey/node_family.h"
#include "ui/ui_impl.h"

static void day_of(uint64_t ms, char out[16])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

json_t *ck_ui_family_json(ck_node *n, const char *patient)
{
    ck_node_family_member *m = NULL;
    size_t count = 0;
    char until[16], plain[512];
    json_t *a;
    if (ck_node_family_list(n, patient, &m, &count) != 0 || !(a = json_array())) {
        free(m);
        return json_null();
    }
    for (size_t i = 0; i < count; i++) {
        if (m[i].until_ms) day_of(m[i].until_ms, until);
        snprintf(plain, sizeof plain, "%s holds your family key: she reads what your sharing rules give family%s%s%s",
                 m[i].gid,
                 m[i].reader == 1 ? " and can fetch your record" : m[i].reader == 0 ? ", but cannot fetch your record "
                                                                                      "now (no read grant)" : "",
                 m[i].reader == 1 && m[i].until_ms ? " until " : "", m[i].reader == 1 && m[i].until_ms ? until : "");
        json_array_append_new(a, json_pack("{s:s,s:o,s:s?,s:s}", "gid", m[i].gid, "reader",
                                           m[i].reader < 0 ? json_null() : json_boolean(m[i].reader), "until",
                                           m[i].reader == 1 && m[i].until_ms ? until : NULL, "plain", plain));
    }
    free(m);
    return a;
}

int ck_ui_family_holds(ck_node *n, const char *patient, const char *gid)
{
    char auth[CK_UI_GID_MAX + 16], label[CK_UI_GID_MAX + 32], (*held)[CK_NODE_ATTR_LABEL] = NULL;
    size_t count = 0;
    int yes = 0;
    snprintf(auth, sizeof auth, "patient-%s", patient);
    snprintf(label, sizeof label, "family@%s", auth);
    if (ck_node_authority_held(n, auth, gid, &held, &count) != 0) return 0;
    for (size_t i = 0; i < count; i++) yes |= !strcmp(held[i], label);
    free(held);
    return yes;
}

/* What the invitation will do, as the page shows it. */
static void invite_words(const char *gid, const ck_node_family_out *o, char *out, size_t cap)
{
    char reads[700] = "", older[300] = "";
    size_t used;
    if (o->epoch)
        snprintf(older, sizeof older, " What was written before you last ended someone's family access is sealed for "
                 "an older family key: it stays closed to her (unless she held that key) until you run 'carekey "
                 "reencrypt'.");
    if (o->reads[0]) {
        memcpy(reads, "your ", 5);
        ck_ui_list_words(o->reads, reads + 5, sizeof reads - 5);
    }
    if (o->had_key)
        used = (size_t)snprintf(out, cap, "%s already holds your family key (%s): she will be able to fetch your record again and "
                 "read what your sharing rules give family: %s.", gid, o->label, reads[0] ? reads : "nothing yet");
    else
        used = (size_t)snprintf(out, cap, "%s will get your family key (%s): she will be able to read what your sharing rules give "
                 "family: %s, and fetch your record. The key waits in her mailbox until she next logs in.%s", gid,
                 o->label, reads[0] ? reads : "nothing yet", o->had_reader ? " She can fetch your record already." : "");
    if (used < cap) snprintf(out + used, cap - used, "%s", older);
}

int ck_ui_sharing_family(ck_ui_req *r, const char *patient, const ck_ui_share *c)
{
    ck_node_family_in in = {patient, c->grantee, 1};
    ck_node_family_out o;
    char plain[1400];
    json_t *said;
    int rc;
    /* the checks first, confirmed or not: a refusal comes before any review */
    if (ck_node_family_invite(r->s->n, &in, &o) != 0) return ck_ui_fail_node(r, r->s->n);
    invite_words(c->grantee, &o, plain, sizeof plain);
    if (!c->confirm) return ck_ui_json(r, 200, json_pack("{s:b,s:s}", "applied", 0, "plain", plain));
    if (!(said = json_array())) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    in.check = 0;
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = ck_node_family_invite(r->s->n, &in, &o);
    ck_node_set_notice(r->s->n, NULL, NULL);
    if (rc != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    return ck_ui_json(r, 200, json_pack("{s:b,s:s,s:o}", "applied", 1, "plain", plain, "notices", said));
}

int ck_ui_sharing_family_end(ck_ui_req *r, const char *patient, const ck_ui_share *c)
{
    ck_node_family_end_out o;
    char plain[1400];
    json_t *said;
    size_t used;
    int rc;
    used = (size_t)snprintf(plain, sizeof plain,
                            "%s will no longer be able to fetch or add to your record: every grant you gave %s is taken "
                            "back now. Her family key (family@patient-%s) is revoked too: what is written to your "
                            "record from now on is sealed for a new family key, which your other family members get "
                            "(they pick it up when they next log in). What she read before she may have kept, and what "
                            "is written already stays sealed for the old key until you run 'carekey reencrypt'.",
                            c->grantee, c->grantee, patient);
    if (!c->confirm) return ck_ui_json(r, 200, json_pack("{s:b,s:s}", "applied", 0, "plain", plain));
    if (!(said = json_array())) return ck_ui_fail(r, 500, "no_memory", "out of memory");
    ck_node_set_notice(r->s->n, ck_ui_notice_to, said);
    rc = ck_node_family_end(r->s->n, patient, c->grantee, &o);
    ck_node_set_notice(r->s->n, NULL, NULL);
    if (rc != 0) {
        json_decref(said);
        return ck_ui_fail_node(r, r->s->n);
    }
    if (o.failed && used < sizeof plain)
        snprintf(plain + used, sizeof plain - used, " %zu of your family did not get the new key (the notices name "
                 "them): 'carekey authority issue patient-%s --gid GID --attr family@patient-%s' serves each.", o.failed,
                 patient, patient);
    return ck_ui_json(r, 200, json_pack("{s:b,s:s,s:o}", "applied", 1, "plain", plain, "notices", said));
}
