/*
 * src/node/record/view.c - the verified view of a record (view_load.c fetches and
 * verifying): latest versions, opening entries, FHIR sections.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/record/record_impl.h"

/* ===== the verified view ====================================================== */

size_t ck_node_view_problems(const ck_node_view *v) { return v->vo.n_problems + v->vo.n_dropped; }

size_t ck_node_view_open_entries(const ck_node_view *v)
{
    size_t n = 0;
    for (size_t i = 0; v->verified && i < v->n; i++) n += v->vo.batch_state[i] == CK_REC_BATCH_OPEN;
    return n;
}

int ck_node_view_pin(ck_node_view *v)
{
    if (!v->verified || ck_node_view_problems(v)) return 0;
    if (v->have_pinned && v->pinned.seq >= v->vo.head.seq) return 0;
    if (v->vo.head.seq == 0) return 0;
    return ck_node_head_store(v->c, v->patient, &v->vo.head);
}

int ck_node_view_readable(ck_node_view *v, size_t i)
{
    if (i >= v->n || !v->it[i].data || !v->c->s->kr) return 0;
    return ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->s->kr)) == CK_REC_ACCESS_OK;
}

ck_rec_err ck_node_view_open(ck_node_view *v, size_t i, uint8_t **pt, size_t *len)
{
    if (i >= v->n || !v->vo.valid[i] || !v->it[i].data) return CK_REC_ERR_KIND;
    return ck_rec_open(pt, len, &v->e[i], v->patient, ck_keyring_user_key(v->c->s->kr));
}

/* Adds items to a section array, the later of two equal Type/id winning. */
static void merge_items(json_t *arr, json_t *index, json_t *items)
{
    size_t k;
    json_t *it;
    char key[160];
    json_array_foreach(items, k, it) {
        json_t *pos;
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(it, "type")),
                 json_string_value(json_object_get(it, "id")));
        if ((pos = json_object_get(index, key))) {
            json_array_set(arr, (size_t)json_integer_value(pos), it);
        } else {
            json_object_set_new(index, key, json_integer((json_int_t)json_array_size(arr)));
            json_array_append(arr, it);
        }
    }
}

int ck_node_view_sections(ck_node_view *v, ck_fhir_sections *out, size_t *withheld, size_t *bad)
{
    json_t *index[CK_SECTION_COUNT] = {0};
    unsigned char recorded[CK_SECTION_COUNT] = {0};
    uint64_t done = 0;
    size_t pending = 0;
    int cancelled = 0;
    memset(out, 0, sizeof *out);
    *withheld = *bad = 0;
    for (size_t i = 0; i < v->n; i++) {
        ck_section sec;
        pending += v->it[i].data && v->it[i].latest;
        if (v->it[i].data && ck_section_from_name(v->e[i].section, &sec) == 0) recorded[sec] = 1;
    }
    for (size_t i = 0; i < v->n; i++) {
        ck_section s;
        uint8_t *pt = NULL;
        size_t len = 0;
        json_t *payload, *items;
        ck_rec_err e;
        if (!v->it[i].data || !v->it[i].latest) continue;
        if (ck_node_step(v->c, CK_NODE_PHASE_OPEN, ++done, pending) != 0) {
            cancelled = 1;
            break;
        }
        if (ck_section_from_name(v->e[i].section, &s) != 0) continue;
        /* one decode per entry: opening reports CK_REC_ERR_ACCESS itself */
        if ((e = ck_node_view_open(v, i, &pt, &len)) != CK_REC_OK) {
            if (e != CK_REC_ERR_ACCESS) (*bad)++;
            else if (ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->s->kr)) == CK_REC_ACCESS_OTHER_EPOCH)
                out->pending[s] = 1;
            else (*withheld)++;
            continue;
        }
        payload = ck_fhir_json_parse((const char *)pt, len, NULL);
        ck_node_free_secret(pt, len);
        if (!payload) {
            (*bad)++;
            continue;
        }
        items = ck_node_payload_items(payload, v->e[i].resource_type);
        json_decref(payload);
        if (!out->section[s]) {
            out->section[s] = json_array();
            index[s] = json_object();
        }
        if (items) merge_items(out->section[s], index[s], items);
        json_decref(items);
    }
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_decref(index[s]);
        /* a section without any entry is "none recorded", not withheld */
        if (!out->section[s] && !recorded[s]) out->section[s] = json_array();
    }
    if (cancelled) ck_fhir_sections_clear(out);
    return cancelled ? -1 : 0;
}

void ck_node_view_free(ck_node_view *v)
{
    if (v->memo_keep) ck_node_memo_keep(v->c, v->patient, v->e, v->n); /* takes the entries */
    else ck_net_entries_free(v->e, v->n);
    ck_rec_verify_out_free(&v->vo);
    free(v->it);
    memset(v, 0, sizeof *v);
}
