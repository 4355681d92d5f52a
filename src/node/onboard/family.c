/*
 * src/node/onboard/family.c - the patient's family from her own home
 * (carekey/node_family.h): who holds her family key, inviting one more
 * person (the family step of her onboarding, for that person only) and
 * ending one person's access.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/node_family.h"
#include "carekey/node_sharing_view.h"
#include "carekey/policy.h"
#include "node/authority/authority_impl.h"
#include "node/record/grant_impl.h"

/* The patient is this identity (*patient NULL: set to it), her authority's
 * name and family label. */
static int family_of(ck_node *n, const char **patient_io, char auth[CK_NET_ID_MAX + 16], char label[160])
{
    const char *patient = *patient_io;
    if (patient && !ck_net_id_valid(patient))
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid patient GID '%s'", patient);
    if (ck_node_keyring(n) != 0) return -1;
    if (!patient) patient = *patient_io = ck_node_gid(n);
    if (strcmp(patient, ck_node_gid(n)) != 0)
        return ck_node_fail(n, CK_NODE_E_FORBIDDEN, "not_your_record",
                            "only %s invites her family and ends their access", patient);
    snprintf(auth, CK_NET_ID_MAX + 16, "patient-%s", patient);
    snprintf(label, 160, "family@%s", auth);
    /* her family key is her own authority's: without it she has no family here */
    if (!ck_keyring_authority_sk_find(ck_node_kr(n), auth))
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_authority",
                            "this home does not run %s: a patient has a family from her own home "
                            "('carekey patient onboard')", auth);
    return 0;
}

/* The active, unexpired read grant to gid on the server's list (NULL: none). */
static const ck_node_server_grant *read_grant(const ck_node_server_grant *g, size_t count, const char *gid,
                                              uint64_t now)
{
    for (size_t i = 0; i < count; i++)
        if (!g[i].revoked && !strcmp(g[i].access, "read") && !strcmp(g[i].grantee, gid) &&
            (!g[i].expires || g[i].expires > now))
            return &g[i];
    return NULL;
}

/* ---- list ------------------------------------------------------------------------ */

static int holder_cmp(const void *a, const void *b)
{
    return strcmp(((const ck_node_family_member *)a)->gid, ((const ck_node_family_member *)b)->gid);
}

static int list(ck_node *n, const char *patient, ck_node_family_member **out, size_t *count)
{
    char auth[CK_NET_ID_MAX + 16], label[160];
    ck_node_server_grant *sg = NULL;
    json_t *reg = NULL, *holders, *v;
    size_t n_sg = 0, i;
    int rc = -1, known;
    if (family_of(n, &patient, auth, label) != 0 || !(reg = ck_node_registry_load(n, auth))) return -1;
    holders = json_object_get(json_object_get(reg, "attributes"), label);
    if (!(*out = calloc(json_array_size(holders) + 1, sizeof **out))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    /* the registry is ours; the grants are the server's, which may be away */
    known = ck_node_net(n) == 0 && ck_node_server_grants(n, patient, &sg, &n_sg) == 0;
    if (!known) ck_node_clear_error(n);
    json_array_foreach(holders, i, v) {
        ck_node_family_member *m = &(*out)[*count];
        const ck_node_server_grant *g = known ? read_grant(sg, n_sg, json_string_value(v), ck_node_now_ms()) : NULL;
        snprintf(m->gid, sizeof m->gid, "%s", json_string_value(v));
        m->reader = known ? g != NULL : -1;
        m->until_ms = g ? g->expires : 0;
        (*count)++;
    }
    qsort(*out, *count, sizeof **out, holder_cmp);
    rc = 0;
out:
    free(sg);
    json_decref(reg);
    return rc;
}

int ck_node_family_list(ck_node *n, const char *patient, ck_node_family_member **out, size_t *count)
{
    int rc;
    *out = NULL;
    *count = 0;
    ck_node_enter(n);
    if ((rc = list(n, patient, out, count)) != 0) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    ck_node_leave(n);
    return rc;
}

/* ---- what family read ------------------------------------------------------------ */

/* 1 when holding label alone satisfies the policy (sub)tree. */
static int opens(const ck_policy_node *p, const char *label)
{
    size_t k = 0;
    switch (p->kind) {
    case CK_POLICY_ATTR: return !strcmp(p->label, label);
    case CK_POLICY_AND:
        for (size_t i = 0; i < p->n; i++)
            if (!opens(p->child[i], label)) return 0;
        return 1;
    case CK_POLICY_OR:
        for (size_t i = 0; i < p->n; i++)
            if (opens(p->child[i], label)) return 1;
        return 0;
    case CK_POLICY_THRESHOLD:
        for (size_t i = 0; i < p->n; i++) k += (size_t)opens(p->child[i], label);
        return k >= p->k;
    default: return 0; /* a comparison needs a numeric attribute */
    }
}

/* The sections of her latest profile that family@patient-P opens, "a,b";
 * "" without a profile. */
static int family_reads(ck_node *n, const char *patient, const char *label, char *out, size_t cap)
{
    json_t *rules = NULL, *v;
    const char *name;
    size_t used = 0;
    out[0] = 0;
    if (ck_node_sharing_view(n, patient, &rules) != 0) {
        if (ck_node_last_error(n)->kind != CK_NODE_E_NOT_FOUND) return -1;
        ck_node_clear_error(n);
        return 0;
    }
    json_object_foreach(json_object_get(rules, "sections"), name, v) {
        ck_policy *p = NULL;
        ck_policy_error perr;
        const char *text = json_string_value(v);
        if (!text || ck_policy_parse(&p, text, strlen(text), &perr) != CK_POLICY_OK) continue;
        if (opens(ck_policy_root(p), label) && used < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? "," : "", name);
        ck_policy_free(p);
    }
    json_decref(rules);
    if (used >= cap) out[cap - 1] = 0;
    return 0;
}

/* ---- invite ---------------------------------------------------------------------- */

/* The person: in the directory, active, a person. */
static int member_ok(ck_node *n, const char *gid)
{
    ck_net_user u;
    if (ck_net_user_get(n->net, gid, &u) != 0) {
        if (ck_net_status(n->net) != 404) return ck_node_fail_net(n, n->net, gid);
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "user_not_found",
                            "%s is not enrolled in carekey: she runs 'carekey init --gid %s --role family' and the "
                            "operator approves it; then invite her again", gid, gid);
    }
    if (!u.active)
        return ck_node_fail(n, CK_NODE_E_REFUSED, "not_enrolled", "%s's account is deactivated in the directory", gid);
    if (!strcmp(u.role, "organization"))
        return ck_node_fail(n, CK_NODE_E_REFUSED, "not_a_person",
                            "%s is an organization: hospitals see your record through your sharing rules", gid);
    return 0;
}

static int invite(ck_node *n, const ck_node_family_in *in, ck_node_family_out *out)
{
    char auth[CK_NET_ID_MAX + 16];
    const char *patient = in->patient;
    ck_node_server_grant *sg = NULL;
    ck_node_attr_spec spec;
    ck_node_issue_out io;
    ck_node_auth a;
    ck_dir_epochs t;
    size_t n_sg = 0;
    int rc = -1;
    memset(&a, 0, sizeof a);
    memset(&t, 0, sizeof t);
    if (family_of(n, &patient, auth, out->label) != 0) return -1;
    if (!in->member || !ck_net_id_valid(in->member))
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", in->member ? in->member : "");
    if (!strcmp(in->member, patient))
        return ck_node_fail(n, CK_NODE_E_INVALID, "self", "you hold your own record's keys already");
    if (ck_node_auth_open(&a, n, auth) != 0 || ck_node_net(n) != 0 || member_ok(n, in->member) != 0 ||
        ck_node_server_grants(n, patient, &sg, &n_sg) != 0 ||
        family_reads(n, patient, out->label, out->reads, sizeof out->reads) != 0)
        goto out;
    if (ck_node_auth_table(&a, &t) != 0) goto out;
    out->epoch = ck_node_table_epoch(&t, out->label);
    out->had_key = ck_node_registry_holds(a.reg, out->label, 0, in->member, NULL);
    out->had_reader = read_grant(sg, n_sg, in->member, ck_node_now_ms()) != NULL;
    if (out->had_key && out->had_reader) {
        ck_node_fail(n, CK_NODE_E_CONFLICT, "already_family",
                     "%s is already your family: she holds %s and can fetch your record", in->member, out->label);
        goto out;
    }
    rc = 0;
    if (in->check) goto out;
    /* the key first: a read grant without it would fetch what she cannot open */
    if (!out->had_key) {
        memset(&spec, 0, sizeof spec);
        snprintf(spec.label, sizeof spec.label, "%s", out->label);
        if ((rc = ck_node_auth_issue(&a, in->member, &spec, 1, &io)) != 0) goto out;
        out->epoch = io.epochs[0];
        out->message = io.message;
        ck_node_notice(n, CK_NODE_INFO, "issued %s (epoch %lu) to %s; delivered to her mailbox (message %lld)",
                       out->label, (unsigned long)io.epochs[0], in->member, (long long)io.message);
    }
    if (!out->had_reader) rc = ck_node_grant_read(n, patient, in->member, 0);
out:
    ck_dir_epochs_free(&t);
    ck_node_auth_close(&a);
    free(sg);
    return rc;
}

int ck_node_family_invite(ck_node *n, const ck_node_family_in *in, ck_node_family_out *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    rc = invite(n, in, out);
    ck_node_leave(n);
    return rc;
}

/* ---- end ------------------------------------------------------------------------- */

/* Revokes the key (a new epoch, re-issued to the others); notices say how it went. */
static int revoke_key(ck_node *n, const char *auth, const char *member, const char *label, ck_node_family_end_out *out)
{
    ck_node_revoke_out r;
    int rc = ck_node_authority_revoke(n, auth, member, label, &r);
    if (rc != 0 && strcmp(ck_node_last_error(n)->key, "reissue_failed") != 0) {
        ck_node_revoke_out_free(&r);
        return rc;
    }
    out->had_key = 1;
    out->old_epoch = r.old_epoch;
    out->new_epoch = r.new_epoch;
    out->failed = r.failed;
    ck_node_notice(n, CK_NODE_INFO, "revoked %s from %s: epoch %lu -> %lu", label, member, (unsigned long)r.old_epoch,
                   (unsigned long)r.new_epoch);
    for (size_t i = 0; i < r.n_holders; i++) {
        if (r.holders[i].ok) {
            out->reissued++;
            ck_node_notice(n, CK_NODE_INFO, "re-issued %s (epoch %lu) to %s (message %lld)", label,
                           (unsigned long)r.new_epoch, r.holders[i].gid, (long long)r.holders[i].message);
        } else
            ck_node_notice(n, CK_NODE_WARNING, "%s: not re-issued (%s); 'carekey authority issue %s --gid %s --attr "
                           "%s' serves her", r.holders[i].gid, r.holders[i].error, auth, r.holders[i].gid, label);
    }
    ck_node_revoke_out_free(&r);
    ck_node_clear_error(n);
    return 0;
}

static int end(ck_node *n, const char *patient, const char *member, ck_node_family_end_out *out)
{
    char auth[CK_NET_ID_MAX + 16], label[160];
    json_t *reg;
    int holds;
    if (family_of(n, &patient, auth, label) != 0) return -1;
    if (!member || !ck_net_id_valid(member))
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", member ? member : "");
    if (!(reg = ck_node_registry_load(n, auth))) return -1;
    holds = ck_node_registry_holds(reg, label, 0, member, NULL);
    json_decref(reg);
    /* the key first: from the new epoch on nothing written opens with hers */
    if (holds && revoke_key(n, auth, member, label, out) != 0) return -1;
    if (ck_node_grant_revoke_all(n, patient, member, NULL, &out->grants) != 0) return -1;
    if (!holds && !out->grants)
        return ck_node_fail(n, CK_NODE_E_NOT_FOUND, "no_grant", "%s holds neither your family key nor an active grant "
                            "on %s's record", member, patient);
    return 0;
}

int ck_node_family_end(ck_node *n, const char *patient, const char *member, ck_node_family_end_out *out)
{
    int rc;
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    rc = end(n, patient, member, out);
    ck_node_leave(n);
    return rc;
}
