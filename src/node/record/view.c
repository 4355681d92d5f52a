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

/* One entry's opened payload into its section (the latest version of
 * each item wins), or counted as withheld, pending or bad. */
static void add_entry(ck_node_view *v, size_t i, const ck_rec_open_job *j, ck_fhir_sections *out,
                      json_t *index[CK_SECTION_COUNT], size_t *withheld, size_t *bad)
{
    ck_section s;
    json_t *payload, *items;
    if (ck_section_from_name(v->e[i].section, &s) != 0) return;
    if (j->rc != CK_REC_OK) {
        if (j->rc != CK_REC_ERR_ACCESS) (*bad)++;
        else if (ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->s->kr)) == CK_REC_ACCESS_OTHER_EPOCH)
            out->pending[s] = 1;
        else (*withheld)++;
        return;
    }
    payload = ck_fhir_json_parse((const char *)j->payload, j->payload_len, NULL);
    if (!payload) {
        (*bad)++;
        return;
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

/* The latest valid DATA entries of the FHIR sections, opened at once on
 * every core (ck_rec_open_many); *idx[k] is job k's entry. */
static int open_latest(ck_node_view *v, ck_rec_open_job **jobs, size_t **idx, size_t *n)
{
    ck_section s;
    *n = 0;
    if (!(*jobs = calloc(v->n + 1, sizeof **jobs)) || !(*idx = calloc(v->n + 1, sizeof **idx)))
        return ck_node_fail(v->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        /* only what verified is ever opened */
        if (!v->it[i].data || !v->it[i].latest || !v->vo.valid[i] || ck_section_from_name(v->e[i].section, &s) != 0)
            continue;
        (*jobs)[*n].e = &v->e[i];
        (*idx)[(*n)++] = i;
    }
    if (ck_rec_open_many(*jobs, *n, v->patient, ck_keyring_user_key(v->c->s->kr), v->c->s->threads) != CK_REC_OK)
        return ck_node_fail(v->c, CK_NODE_E_NOMEM, "nomem", "out of memory while opening entries");
    return 0;
}

int ck_node_view_sections(ck_node_view *v, ck_fhir_sections *out, size_t *withheld, size_t *bad)
{
    json_t *index[CK_SECTION_COUNT] = {0};
    unsigned char recorded[CK_SECTION_COUNT] = {0};
    ck_rec_open_job *jobs = NULL;
    size_t *idx = NULL, n = 0;
    int rc;
    memset(out, 0, sizeof *out);
    *withheld = *bad = 0;
    for (size_t i = 0; i < v->n; i++) {
        ck_section sec;
        if (v->it[i].data && ck_section_from_name(v->e[i].section, &sec) == 0) recorded[sec] = 1;
    }
    if ((rc = open_latest(v, &jobs, &idx, &n)) == 0)
        for (size_t k = 0; k < n && rc == 0; k++) {
            add_entry(v, idx[k], &jobs[k], out, index, withheld, bad);
            rc = ck_node_step(v->c, CK_NODE_PHASE_OPEN, k + 1, n);
        }
    for (size_t k = 0; jobs && k < n; k++) ck_node_free_secret(jobs[k].payload, jobs[k].payload_len);
    free(jobs);
    free(idx);
    out->whole = *withheld == 0 && *bad == 0;
    for (int s = 0; s < CK_SECTION_COUNT; s++) {
        json_decref(index[s]);
        /* a section without any entry is "none recorded", not withheld */
        if (!out->section[s] && !recorded[s]) out->section[s] = json_array();
        if (!out->section[s] || out->pending[s]) out->whole = 0;
    }
    if (rc != 0) ck_fhir_sections_clear(out);
    return rc;
}

void ck_node_view_free(ck_node_view *v)
{
    if (v->memo_keep) ck_node_memo_keep(v->c, v->patient, v->e, v->n); /* takes the entries */
    else ck_net_entries_free(v->e, v->n);
    ck_rec_verify_out_free(&v->vo);
    free(v->it);
    memset(v, 0, sizeof *v);
}
