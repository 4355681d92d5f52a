/*
 * src/node/record/fhir_view.c - the record as the FHIR API reads it
 * (carekey/node_fhir.h): the server's head, every readable version of the
 * record's resources entry by entry (reusing what the caller decrypted
 * before), and the grants of the verified chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_fhir.h"
#include "node/record/grant_impl.h"
#include "node/record/record_impl.h"

int ck_node_record_head(ck_node *n, const char *patient, uint64_t *seq, uint8_t hash[32])
{
    ck_net_head h;
    int rc = -1;
    ck_node_enter(n);
    if (!ck_net_id_valid(patient)) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "not a valid patient GID");
        goto out;
    }
    if (ck_node_net(n) != 0) goto out;
    if (ck_net_head_get(n->net, patient, &h, NULL, NULL) != 0) {
        ck_node_fail_net(n, n->net, patient);
        goto out;
    }
    *seq = h.seq;
    memcpy(hash, h.hash, 32);
    rc = 0;
out:
    ck_node_leave(n);
    return rc;
}

/* Entry i's items, each with author, time, seq and section of the version. */
static json_t *entry_items(ck_node_view *v, size_t i, size_t *withheld, size_t *bad)
{
    const ck_net_entry *origin = &v->e[v->it[i].origin];
    uint8_t *pt = NULL;
    size_t len = 0, k;
    json_t *payload, *items, *it;
    ck_rec_err e = ck_node_view_open(v, i, &pt, &len);
    if (e != CK_REC_OK) {
        if (e == CK_REC_ERR_ACCESS) (*withheld)++;
        else (*bad)++;
        return NULL;
    }
    payload = ck_fhir_json_parse((const char *)pt, len, NULL);
    ck_node_free_secret(pt, len);
    if (!payload) {
        (*bad)++;
        return NULL;
    }
    items = ck_node_payload_items(payload, v->e[i].resource_type);
    json_decref(payload);
    json_array_foreach(items, k, it) {
        json_object_set_new(it, "author", json_string(v->e[i].author));
        json_object_set_new(it, "time", json_integer((json_int_t)origin->time_ms));
        json_object_set_new(it, "seq", json_integer((json_int_t)origin->seq));
        json_object_set_new(it, "section", json_string(v->e[i].section));
    }
    return items;
}

int ck_node_record_fhir_entries(ck_node_record *r, const json_t *reuse, json_t **out, size_t *withheld, size_t *bad)
{
    ck_node_view *v = ck_node_record_view(r);
    json_t *arr = json_array();
    int rc = -1;
    *out = NULL;
    *withheld = *bad = 0;
    ck_node_enter(v->c);
    if (!arr) {
        ck_node_fail(v->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < v->n; i++) {
        char key[24 + 65];
        json_t *items;
        int n;
        ck_section sec;
        if (!v->it[i].data || !v->it[i].latest) continue;
        /* the FHIR sections only: the emergency and research views are derived documents */
        if (ck_section_from_name(v->e[i].section, &sec) != 0) continue;
        if (!ck_node_view_readable(v, i)) {
            (*withheld)++;
            continue;
        }
        n = snprintf(key, sizeof key, "%llu:", (unsigned long long)v->e[i].seq);
        ck_net_hex(key + n, v->e[i].hash, 32);
        if ((items = json_object_get(reuse, key))) json_incref(items);
        else if (!(items = entry_items(v, i, withheld, bad))) continue;
        if (json_array_append_new(arr, json_pack("{s:s,s:o}", "key", key, "items", items)) != 0) {
            ck_node_fail(v->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            goto out;
        }
    }
    *out = arr;
    arr = NULL;
    rc = 0;
out:
    json_decref(arr);
    ck_node_leave(v->c);
    return rc;
}

size_t ck_node_record_grants(const ck_node_record *r, ck_node_grant_info *out, size_t cap)
{
    const ck_node_view *v = ck_node_record_view((ck_node_record *)r);
    ck_node_chain_grant *cg;
    uint64_t now = ck_node_now_ms();
    size_t n;
    if (!v->verified || !(cg = calloc(v->n + 1, sizeof *cg))) return 0;
    n = ck_node_grant_chain(v, cg, v->n + 1);
    for (size_t i = 0; i < n && i < cap; i++) ck_node_grant_info_of(&out[i], &cg[i], now);
    free(cg);
    return n;
}
