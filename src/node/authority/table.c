/*
 * src/node/authority/table.c - the authority's own signed epoch table: the
 * versioned list of every label it issued with its epoch. It keeps the
 * latest one in its registry (which protects it from a server serving an
 * older table) and publishes each new version to the directory, where
 * encryptors verify it (src/node/record/epochs.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/authority/authority_impl.h"

uint32_t ck_node_table_epoch(const ck_dir_epochs *t, const char *label)
{
    uint32_t ep = 0;
    if (ck_dir_epochs_get(t, label, &ep) != 0) ep = 0;
    return ep;
}

/* The registry's table, verified with the authority's own key; *have 0
 * when it holds none. */
static int registry_table(ck_node_auth *a, ck_dir_epochs *t, int *have)
{
    json_t *j = json_object_get(a->reg, "epoch_table");
    char why[CK_DIR_ERR_CAP], *text;
    int rc;
    *have = 0;
    if (!j) return 0;
    if (!(text = json_dumps(j, JSON_COMPACT))) return ck_node_fail(a->n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    rc = ck_dir_epochs_parse(t, a->s->sk.name, text, strlen(text), why);
    free(text);
    if (rc != 0 || ck_dir_epochs_verify(t, a->s->signing_pk) != 0) {
        if (rc == 0) ck_dir_epochs_free(t);
        return ck_node_fail(a->n, CK_NODE_E_INTEGRITY, "registry_damaged",
                            "the epoch table in %s/authorities/%s.json is damaged", ck_node_home(a->n), a->s->sk.name);
    }
    *have = 1;
    return 0;
}

/* The directory's table (verified with our own key); *have 0 when none. */
static int directory_table(ck_node_auth *a, ck_dir_epochs *t, int *have)
{
    ck_net_authority d;
    char why[CK_DIR_ERR_CAP];
    int rc = -1;
    *have = 0;
    memset(&d, 0, sizeof d);
    if (ck_node_auth_net(a) != 0) return -1;
    if (ck_net_authority_fetch(a->an, a->s->sk.name, &d) != 0) return ck_node_auth_fail_net(a, a->s->sk.name);
    if (memcmp(d.sign_pk, a->s->signing_pk, 32) != 0) {
        ck_node_fail(a->n, CK_NODE_E_INTEGRITY, "authority_key_mismatch",
                     "the directory holds another signing key for authority '%s'", a->s->sk.name);
    } else if (!d.epoch_table) {
        rc = 0;
    } else if (ck_dir_epochs_parse(t, a->s->sk.name, d.epoch_table, strlen(d.epoch_table), why) != 0 ||
               ck_dir_epochs_verify(t, a->s->signing_pk) != 0) {
        ck_node_fail(a->n, CK_NODE_E_INTEGRITY, "epochs_unsigned",
                     "the directory's epoch table of authority '%s' is not one it signed", a->s->sk.name);
    } else {
        *have = 1;
        rc = 0;
    }
    ck_net_authority_clear(&d);
    return rc;
}

int ck_node_auth_table(ck_node_auth *a, ck_dir_epochs *t)
{
    ck_dir_epochs mine, served;
    int have_mine = 0, have_served = 0;
    memset(t, 0, sizeof *t);
    snprintf(t->authority, sizeof t->authority, "%s", a->s->sk.name);
    if (registry_table(a, &mine, &have_mine) != 0) return -1;
    if (directory_table(a, &served, &have_served) != 0) {
        if (have_mine) ck_dir_epochs_free(&mine);
        return -1;
    }
    /* a newer served table came from another home of ours */
    if (have_served && (!have_mine || served.version > mine.version)) {
        *t = served;
        if (have_mine) ck_dir_epochs_free(&mine);
    } else {
        if (have_mine) *t = mine;
        if (have_served) ck_dir_epochs_free(&served);
    }
    return 0;
}

static int keep_table(ck_node_auth *a, const ck_dir_epochs *t)
{
    char *text = ck_dir_epochs_json(t);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!j || json_object_set_new(a->reg, "epoch_table", j) != 0)
        return ck_node_fail(a->n, CK_NODE_E_NOMEM, "nomem", "out of memory");
    return 0;
}

int ck_node_auth_table_publish(ck_node_auth *a, ck_dir_epochs *t)
{
    char *text = NULL;
    int rc = -1;
    t->version++;
    t->time_ms = ck_node_now_ms();
    if (ck_dir_epochs_sign(t, a->s->signing_sk) != 0 || !(text = ck_dir_epochs_json(t))) {
        ck_node_fail(a->n, CK_NODE_E_NOMEM, "sign", "cannot sign the epoch table");
        goto out;
    }
    /* kept before it is published: a crash in between leaves the newer
     * table here, which the next run publishes again */
    if (keep_table(a, t) != 0 || ck_node_registry_save(a->n, a->s->sk.name, a->reg) != 0 || ck_node_auth_net(a) != 0)
        goto out;
    if (ck_net_authority_put_epochs(a->an, a->s->sk.name, text) != 0) {
        ck_node_auth_fail_net(a, "publishing the epoch table");
        goto out;
    }
    rc = 0;
out:
    free(text);
    return rc;
}

int ck_node_auth_table_first(ck_node_auth *a, const char *const *labels, size_t count)
{
    ck_dir_epochs t;
    int rc = -1;
    memset(&t, 0, sizeof t);
    snprintf(t.authority, sizeof t.authority, "%s", a->s->sk.name);
    t.version = 1;
    t.time_ms = ck_node_now_ms();
    for (size_t i = 0; i < count; i++)
        if (!ck_dir_label_valid(labels[i], a->s->sk.name) || ck_dir_epochs_set(&t, labels[i], 0) != 0) {
            ck_node_fail(a->n, CK_NODE_E_REFUSED, "bad_attribute", "'%s' cannot be listed in %s's epoch table",
                         labels[i], a->s->sk.name);
            goto out;
        }
    if (ck_dir_epochs_sign(&t, a->s->signing_sk) != 0) {
        ck_node_fail(a->n, CK_NODE_E_NOMEM, "sign", "cannot sign the epoch table");
        goto out;
    }
    rc = keep_table(a, &t);
out:
    ck_dir_epochs_free(&t);
    return rc;
}

int ck_node_auth_table_cover(ck_node_auth *a, ck_dir_epochs *t, const ck_node_attr_spec *spec, size_t count)
{
    int added = 0;
    uint32_t ep;
    for (size_t i = 0; i < count; i++) {
        if (ck_dir_epochs_get(t, spec[i].label, &ep) == 0) continue;
        /* encryptors refuse labels their authority has not signed */
        if (ck_dir_epochs_set(t, spec[i].label, 0) != 0)
            return ck_node_fail(a->n, CK_NODE_E_REFUSED, "label_too_long",
                                "attribute '%s' cannot be listed in a signed epoch table (at most %d printable "
                                "characters)", spec[i].label, CK_DIR_LABEL_MAX);
        added = 1;
    }
    return added || t->version == 0 ? ck_node_auth_table_publish(a, t) : 0;
}
