/*
 * src/node/care/org.c - the organization a care operation works for (the
 * one named, else the single staff@ORG key of the keyring), its ledger's
 * policy, its units from the directory, and the session's care state
 * written to the home.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

static int org_from_keyring(ck_node *c, char *out)
{
    const ck_abe_user_key *key;
    int found = 0;
    if (ck_node_keyring(c) != 0) return -1;
    key = ck_keyring_user_key(c->s->kr);
    for (size_t i = 0; i < key->n; i++) {
        const char *label = key->attr[i].label;
        if (strncmp(label, "staff@", 6) != 0) continue;
        if (found && strcmp(out, label + 6) == 0) continue; /* the same key at another epoch (a revocation) */
        if (found++ == 0) snprintf(out, CK_NET_ID_MAX + 1, "%s", label + 6);
    }
    if (found == 1) return 0;
    if (found)
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "several_hospitals", "hospital",
                               "you are staff of several organizations: name one with --org");
    return ck_node_fail_at(c, CK_NODE_E_INVALID, "no_hospital", "hospital",
                           "no --org given and no staff@ORG key in your keyring");
}

int ck_node_care_org(ck_node *c, const char *org_opt, char *out, char *policy)
{
    if (!org_opt) {
        if (org_from_keyring(c, out) != 0) return -1;
    } else if (!ck_net_id_valid(org_opt)) {
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_hospital", "hospital", "'%s' is not a valid organization name",
                               org_opt);
    } else {
        snprintf(out, CK_NET_ID_MAX + 1, "%s", org_opt);
    }
    if (policy) snprintf(policy, CK_NET_ID_MAX + 8, "staff@%s", out);
    return 0;
}

int ck_node_care_units(ck_node *c, const char *org, json_t **units)
{
    *units = NULL;
    if (ck_node_net(c) != 0) return -1;
    if (ck_net_units_list(c->net, org, NULL, units) != 0) return ck_node_fail_net(c, c->net, "listing the hospital's units");
    if (!json_is_array(*units)) {
        json_decref(*units);
        *units = NULL;
        return ck_node_fail(c, CK_NODE_E_UPSTREAM, "bad_units", "the directory's unit list of %s is malformed", org);
    }
    return 0;
}

void ck_node_care_flush(ck_node *n)
{
    char records[64][CK_NET_ID_MAX + 1];
    size_t k = ck_node_memo_names(n, records, 64);
    for (size_t i = 0; i < k; i++) {
        ck_node_memo_flush(n, records[i]);
        ck_node_care_cache_save(n, records[i], 1);
    }
}

int ck_node_care_units_list(ck_node *n, const char *org, json_t **units)
{
    int rc = -1;
    ck_node_enter(n);
    *units = NULL;
    if (!org || !ck_net_id_valid(org))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_hospital", "hospital", "'%s' is not a valid organization name",
                        org ? org : "");
    else
        rc = ck_node_care_units(n, org, units);
    ck_node_leave(n);
    return rc;
}

int ck_node_ledger_put(ck_node *n, const char *org, const char *section, const json_t *resource, uint64_t *seq)
{
    char name[CK_NET_ID_MAX + 1], policy[CK_NET_ID_MAX + 8];
    ck_node_care_writer w;
    ck_net_head head;
    int rc = -1;
    ck_node_enter(n);
    ck_node_care_writer_init(&w, n);
    if (!section || !ck_node_valid_section(section))
        ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_section", "section", "'%s' is not a section", section ? section : "");
    else if (ck_node_care_org(n, org, name, policy) == 0 &&
             ck_node_care_put(&w, name, section, resource, policy, NULL, &head) == 0)
        rc = 0;
    if (rc == 0 && seq) *seq = head.seq;
    ck_node_care_writer_free(&w);
    ck_node_leave(n);
    return rc;
}

void ck_node_care_forget(ck_node *n)
{
    if (n) ck_node_memo_drop_all(n->s);
}
