/*
 * src/node/authority/issue.c - issuing attribute keys, declaring
 * attributes in the signed epoch table, and revoking by epoch
 * (carekey/node_authority.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "node/authority/authority_impl.h"

/* Every spec names an attribute of authority name. */
static int specs_of(ck_node *n, const char *name, const ck_node_attr_spec *spec, size_t count)
{
    if (!count || count > CK_NODE_ATTRS_MAX)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute", "between 1 and %d attributes", CK_NODE_ATTRS_MAX);
    for (size_t i = 0; i < count; i++)
        if (strcmp(ck_node_attr_authority(spec[i].label), name) != 0)
            return ck_node_fail(n, CK_NODE_E_INVALID, "foreign_attribute",
                                "attribute '%s' does not belong to authority '%s'", spec[i].label, name);
    return 0;
}

/* A new value of a numeric attribute would add bit keys next to the old
 * ones, and the two together satisfy comparisons neither value does. */
static int no_other_value(ck_node_auth *a, const char *gid, const ck_node_attr_spec *spec, size_t count)
{
    uint32_t old;
    for (size_t i = 0; i < count; i++)
        if (spec[i].numeric && ck_node_registry_holds(a->reg, spec[i].label, 1, gid, &old) && old != spec[i].value)
            return ck_node_fail(a->n, CK_NODE_E_REFUSED, "numeric_held",
                                "%s holds %s=%lu; revoke it before issuing another value", gid, spec[i].label,
                                (unsigned long)old);
    return 0;
}

int ck_node_auth_issue(ck_node_auth *a, const char *gid, const ck_node_attr_spec *spec, size_t count,
                       ck_node_issue_out *out)
{
    char (*labels)[CK_POLICY_LABEL_MAX] = NULL;
    size_t n_labels = 0;
    ck_dir_epochs t;
    int rc = -1;
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    if (no_other_value(a, gid, spec, count) != 0) goto out;
    if (!(labels = calloc(count * CK_POLICY_NUM_BITS, sizeof *labels))) {
        ck_node_fail(a->n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        size_t k = ck_node_attr_labels(&spec[i], labels + n_labels);
        n_labels += k;
    }
    if (ck_node_auth_table(a, &t) != 0 || ck_node_auth_table_cover(a, &t, spec, count) != 0 ||
        ck_node_auth_deliver(a, gid, labels, n_labels, &t, &out->message) != 0)
        goto out;
    for (size_t i = 0; i < count; i++)
        if (ck_node_registry_add(a->reg, &spec[i], gid) != 0) {
            ck_node_fail(a->n, CK_NODE_E_NOMEM, "nomem", "out of memory");
            goto out;
        }
    if (ck_node_registry_save(a->n, a->s->sk.name, a->reg) != 0) {
        ck_node_fail(a->n, a->n->err.kind, "registry_stale",
                     "the keys were delivered, but the registry was not updated: re-run this command");
        goto out;
    }
    for (size_t i = 0, k = 0; i < count; k += spec[i].numeric ? CK_POLICY_NUM_BITS : 1, i++)
        out->epochs[i] = ck_node_table_epoch(&t, labels[k]);
    rc = 0;
out:
    free(labels);
    ck_dir_epochs_free(&t);
    return rc;
}

int ck_node_authority_issue(ck_node *n, const char *name, const char *gid, const ck_node_attr_spec *spec,
                            size_t count, ck_node_issue_out *out)
{
    ck_node_auth a;
    int rc = -1;
    memset(&a, 0, sizeof a);
    ck_node_enter(n);
    if (!ck_id_gid_valid(gid)) ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", gid);
    else if (specs_of(n, name, spec, count) == 0 && ck_node_auth_open(&a, n, name) == 0)
        rc = ck_node_auth_issue(&a, gid, spec, count, out);
    ck_node_auth_close(&a);
    ck_node_leave(n);
    return rc;
}

int ck_node_authority_declare(ck_node *n, const char *name, const ck_node_attr_spec *spec, size_t count,
                              size_t *listed, uint64_t *version)
{
    ck_node_auth a;
    ck_dir_epochs t;
    int rc = -1;
    memset(&a, 0, sizeof a);
    memset(&t, 0, sizeof t);
    ck_node_enter(n);
    if (specs_of(n, name, spec, count) == 0 && ck_node_auth_open(&a, n, name) == 0 && ck_node_auth_table(&a, &t) == 0 &&
        ck_node_auth_table_cover(&a, &t, spec, count) == 0) {
        *listed = t.n;
        *version = t.version;
        rc = 0;
    }
    ck_dir_epochs_free(&t);
    ck_node_auth_close(&a);
    ck_node_leave(n);
    return rc;
}

/* ---- revoke ------------------------------------------------------------------ */

/* Moves label to a new epoch (one above every epoch it had) in table. A
 * numeric attribute's epoch is under its name and covers its bits; bit
 * labels listed on their own move with it, so every bit moves together. */
static int bump_epoch(ck_node *n, ck_dir_epochs *t, const char *label, int numeric, uint32_t *old,
                      uint32_t *new_epoch)
{
    char base[CK_POLICY_LABEL_MAX];
    uint32_t max = ck_node_table_epoch(t, label);
    for (size_t i = 0; numeric && i < t->n; i++)
        if (ck_node_attr_bit_base(t->labels[i].label, base) && strcmp(base, label) == 0 && t->labels[i].epoch > max)
            max = t->labels[i].epoch;
    if (max == UINT32_MAX)
        return ck_node_fail(n, CK_NODE_E_REFUSED, "epoch_exhausted", "the epoch of '%s' is exhausted", label);
    for (size_t i = 0; numeric && i < t->n; i++)
        if (ck_node_attr_bit_base(t->labels[i].label, base) && strcmp(base, label) == 0) t->labels[i].epoch = max + 1;
    if (ck_dir_epochs_set(t, label, max + 1) != 0)
        return ck_node_fail(n, CK_NODE_E_REFUSED, "label_too_long",
                            "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                            "characters), so it cannot be revoked by epoch", label, CK_DIR_LABEL_MAX);
    *old = max;
    *new_epoch = max + 1;
    return 0;
}

/* Removes gid from the registry entry; returns the remaining holders (a
 * new reference: a JSON array of GIDs, or an object GID -> value). */
static json_t *registry_remove(json_t *reg, const char *label, int numeric, const char *gid)
{
    json_t *entry = json_object_get(json_object_get(reg, numeric ? "numeric" : "attributes"), label), *v;
    size_t i;
    if (numeric) {
        json_object_del(entry, gid);
    } else {
        json_array_foreach(entry, i, v) if (strcmp(json_string_value(v), gid) == 0) {
            json_array_remove(entry, i);
            break;
        }
    }
    return json_deep_copy(entry);
}

/* The remaining holders as results to fill, with their specs. */
static int holders_of(ck_node *n, const json_t *rest, const char *label, int numeric, ck_node_revoke_out *out,
                      ck_node_attr_spec **specs)
{
    size_t total = numeric ? json_object_size(rest) : json_array_size(rest), i = 0;
    const char *g;
    json_t *v;
    out->holders = calloc(total + 1, sizeof *out->holders);
    *specs = calloc(total + 1, sizeof **specs);
    if (!out->holders || !*specs) return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    if (numeric) {
        json_object_foreach((json_t *)rest, g, v) {
            snprintf(out->holders[i].gid, sizeof out->holders[i].gid, "%s", g);
            (*specs)[i].numeric = 1;
            (*specs)[i++].value = (uint32_t)json_integer_value(v);
        }
    } else {
        json_array_foreach(rest, i, v) snprintf(out->holders[i].gid, sizeof out->holders[i].gid, "%s",
                                                json_string_value(v));
    }
    for (i = 0; i < total; i++) snprintf((*specs)[i].label, sizeof (*specs)[i].label, "%s", label);
    out->n_holders = total;
    return 0;
}

/* Re-issues at the new epoch to each remaining holder; a failure is kept
 * in that holder's result and the others go on. */
static void reissue(ck_node_auth *a, const ck_dir_epochs *t, const ck_node_attr_spec *specs, ck_node_revoke_out *out)
{
    char labels[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
    for (size_t i = 0; i < out->n_holders; i++) {
        ck_node_reissue *h = &out->holders[i];
        size_t k = ck_node_attr_labels(&specs[i], labels);
        if (ck_node_auth_deliver(a, h->gid, labels, k, t, &h->message) == 0) {
            h->ok = 1;
        } else {
            snprintf(h->error, sizeof h->error, "%s", a->n->err.msg);
            out->failed++;
        }
    }
}

int ck_node_authority_revoke(ck_node *n, const char *name, const char *gid, const char *label,
                             ck_node_revoke_out *out)
{
    ck_node_attr_spec *specs = NULL;
    ck_node_auth a;
    ck_dir_epochs t;
    json_t *rest = NULL;
    int rc = -1;
    memset(&a, 0, sizeof a);
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    if (strcmp(ck_node_attr_authority(label), name) != 0) {
        ck_node_fail(n, CK_NODE_E_INVALID, "foreign_attribute", "attribute '%s' does not belong to authority '%s'",
                     label, name);
        goto out;
    }
    if (ck_node_auth_open(&a, n, name) != 0) goto out;
    if (ck_node_registry_holds(a.reg, label, 0, gid, NULL)) out->numeric = 0;
    else if (ck_node_registry_holds(a.reg, label, 1, gid, NULL)) out->numeric = 1;
    else {
        ck_node_fail(n, CK_NODE_E_NOT_FOUND, "not_held", "%s does not hold %s (according to %s/authorities/%s.json)",
                     gid, label, ck_node_home(n), name);
        goto out;
    }
    if (ck_node_auth_table(&a, &t) != 0 || bump_epoch(n, &t, label, out->numeric, &out->old_epoch, &out->new_epoch) != 0)
        goto out;
    /* publish first: from now on encryptors use the new epoch, so nothing
     * new is readable with the revoked key even if a re-issue fails below */
    if (ck_node_auth_table_publish(&a, &t) != 0) goto out;
    if (!(rest = registry_remove(a.reg, label, out->numeric, gid)) || ck_node_registry_save(n, name, a.reg) != 0) {
        ck_node_fail(n, CK_NODE_E_IO, "registry_stale", "the epoch moved, but %s is still in the registry: remove it "
                     "by hand", gid);
        goto out;
    }
    if (holders_of(n, rest, label, out->numeric, out, &specs) != 0) goto out;
    reissue(&a, &t, specs, out);
    rc = out->failed ? ck_node_fail(n, CK_NODE_E_REFUSED, "reissue_failed",
                                    "%zu holder(s) did not get the new key", out->failed)
                     : 0;
out:
    free(specs);
    json_decref(rest);
    ck_dir_epochs_free(&t);
    ck_node_auth_close(&a);
    ck_node_leave(n);
    return rc;
}

void ck_node_revoke_out_free(ck_node_revoke_out *out)
{
    free(out->holders);
    memset(out, 0, sizeof *out);
}
