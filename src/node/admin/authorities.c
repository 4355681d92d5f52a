/*
 * src/node/admin/authorities.c - the registered authorities and their
 * epochs as the operator checks them (carekey/node_admin.h): each record
 * verified under the pinned operator key, each epoch table under the
 * authority's own signing key. Nothing is pinned: this is a look, not a
 * use (encryptors pin through src/node/pins.c and record/epochs.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/directory.h"
#include "carekey/identity.h"
#include "node/admin/admin_impl.h"

/* The epoch table of a record as JSON, or the reason it does not verify. */
static json_t *table_json(const ck_net_authority *a, const char **problem)
{
    char why[CK_DIR_ERR_CAP] = "";
    ck_dir_epochs t;
    json_t *labels, *j;
    if (!a->epoch_table) return json_null();
    if (ck_dir_epochs_parse(&t, a->name, a->epoch_table, strlen(a->epoch_table), why) != 0) {
        *problem = "the epoch table is malformed";
        return json_null();
    }
    if (ck_dir_epochs_verify(&t, a->sign_pk) != 0) {
        ck_dir_epochs_free(&t);
        *problem = "the epoch table is not signed by the authority's key";
        return json_null();
    }
    labels = json_object();
    for (size_t i = 0; labels && i < t.n; i++) json_object_set_new(labels, t.labels[i].label, json_integer(t.labels[i].epoch));
    j = json_pack("{s:I,s:I,s:o}", "version", (json_int_t)t.version, "time", (json_int_t)t.time_ms, "epochs", labels);
    ck_dir_epochs_free(&t);
    return j;
}

/* One authority's row; a missing one is a row too ("not registered"). */
static json_t *row_of(ck_node *n, const uint8_t op[32], const char *name)
{
    const char *problem = NULL;
    char hex[CK_ID_HEX_BYTES];
    ck_net_authority a;
    json_t *table, *row;
    memset(&a, 0, sizeof a);
    if (ck_net_authority_fetch(n->net, name, &a) != 0) {
        if (ck_net_status(n->net) != 404) return NULL;
        return json_pack("{s:s,s:b,s:s}", "name", name, "verified", 0, "problem", "not registered");
    }
    {
        ck_dir_authority d = {a.name, a.sign_pk, a.abe_pk, a.abe_pk_len, a.organization, a.signed_at_ms};
        if (strcmp(a.name, name) != 0 || ck_dir_authority_verify(&d, a.operator_sig, op) != 0)
            problem = "the record is not signed by the operator";
    }
    table = table_json(&a, &problem);
    ck_id_hex(hex, a.sign_pk);
    row = json_pack("{s:s,s:s,s:s,s:I,s:b,s:s?,s:o}", "name", name, "organization", a.organization, "signing_key", hex,
                    "signed_at", (json_int_t)a.signed_at_ms, "verified", problem == NULL, "problem", problem,
                    "epoch_table", table);
    ck_net_authority_clear(&a);
    return row;
}

/* Without names: every organization of the directory (each runs the
 * authority of its name) and every authority this keyring runs. */
static json_t *default_names(ck_node *n)
{
    json_t *orgs = NULL, *names = json_array(), *o;
    ck_keyring *kr = ck_node_kr(n);
    size_t i;
    if (!names || ck_net_orgs_list(n->net, NULL, &orgs) != 0) {
        json_decref(names);
        return NULL;
    }
    json_array_foreach(orgs, i, o) {
        const char *name = json_string_value(json_object_get(o, "name"));
        if (name) json_array_append_new(names, json_string(name));
    }
    json_decref(orgs);
    for (i = 0; i < ck_keyring_authority_sk_count(kr); i++) {
        const char *name = ck_keyring_authority_sk_at(kr, i)->sk.name;
        int dup = 0;
        size_t k;
        json_array_foreach(names, k, o) dup |= !strcmp(json_string_value(o), name);
        if (!dup) json_array_append_new(names, json_string(name));
    }
    return names;
}

int ck_node_admin_authorities(ck_node *n, const char *const *names, size_t count, json_t **rows)
{
    json_t *list = NULL, *v, *row;
    uint8_t op[32];
    size_t i;
    int rc = -1;
    *rows = NULL;
    ck_node_enter(n);
    for (i = 0; i < count; i++)
        if (!ck_net_id_valid(names[i])) {
            ck_node_fail(n, CK_NODE_E_INVALID, "bad_authority", "invalid authority name '%s'", names[i]);
            goto out;
        }
    if (ck_node_net(n) != 0) goto out;
    if (ck_keyring_operator(ck_node_kr(n), op) != 0) {
        ck_node_fail(n, CK_NODE_E_KEYRING, "no_operator_key", "this keyring has no operator key pinned");
        goto out;
    }
    if (count) {
        list = json_array();
        for (i = 0; list && i < count; i++) json_array_append_new(list, json_string(names[i]));
    } else if (!(list = default_names(n))) {
        ck_node_admin_fail_net(n, "listing the organizations");
        goto out;
    }
    if (!list || !(*rows = json_array())) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    json_array_foreach(list, i, v) {
        if (!(row = row_of(n, op, json_string_value(v)))) {
            ck_node_admin_fail_net(n, json_string_value(v));
            json_decref(*rows);
            *rows = NULL;
            goto out;
        }
        json_array_append_new(*rows, row);
    }
    rc = 0;
out:
    json_decref(list);
    ck_node_leave(n);
    return rc;
}
