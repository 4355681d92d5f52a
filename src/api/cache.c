/*
 * src/api/cache.c - the decrypted records the API serves from: per
 * patient, a snapshot of the last verified head - every readable version
 * of its resources, the current ones mapped to FHIR (meta set), by type,
 * the grants of the chain. A request first asks carekeyd for the head (one
 * small signed request); while it is the snapshot's, the snapshot is the
 * answer, so a warm $everything costs no decryption at all. When the head
 * moved, the record is loaded and verified again (incrementally, over the
 * node's verified state) and only entries not seen before are decrypted.
 *
 * Locks: `mu` guards the slot table and is held for look-ups and swaps
 * only; each slot has its own build mutex, so one patient's record is
 * built once while requests for other patients go on. Snapshots are
 * immutable and reference counted; an evicted one is freed (the node's
 * JSON allocator wipes what it held) when its last reader lets go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_impl.h"

#define SLOTS 64

typedef struct slot {
    char patient[CK_API_GID_MAX];   /* "" free                           */
    ck_api_snap *snap;              /* NULL until built                  */
    pthread_mutex_t build_mu;
    uint64_t used;
    int building;                   /* a builder holds build_mu          */
} slot;

struct ck_api_cache {
    pthread_mutex_t mu;
    slot s[SLOTS];
    uint64_t tick;
};

int ck_api_cache_new(ck_api *a)
{
    ck_api_cache *c = calloc(1, sizeof *c);
    if (!c) return -1;
    pthread_mutex_init(&c->mu, NULL);
    for (int i = 0; i < SLOTS; i++) pthread_mutex_init(&c->s[i].build_mu, NULL);
    a->cache = c;
    return 0;
}

static void snap_free(ck_api_snap *s)
{
    json_decref(s->entries);
    json_decref(s->current);
    json_decref(s->by_type);
    json_decref(s->all);
    json_decref(s->versions);
    free(s->grants);
    ck_api_free_text(s->everything, s->everything_len);
    pthread_mutex_destroy(&s->once_mu);
    free(s);
}

void ck_api_snap_put(ck_api_snap *s)
{
    if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) snap_free(s);
}

static ck_api_snap *snap_ref(ck_api_snap *s)
{
    if (s) __atomic_add_fetch(&s->refs, 1, __ATOMIC_ACQ_REL);
    return s;
}

void ck_api_cache_free(ck_api *a)
{
    ck_api_cache *c = a->cache;
    if (!c) return;
    for (int i = 0; i < SLOTS; i++) {
        ck_api_snap_put(c->s[i].snap);
        pthread_mutex_destroy(&c->s[i].build_mu);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
    a->cache = NULL;
}

/* ---- building a snapshot ---------------------------------------------------------------- */

/* current, versions, by_type and all from the entries, in chain order. */
static int index_snap(ck_api_snap *s)
{
    json_t *e, *it, *cur_items = json_object();
    size_t i, k;
    const char *key;
    int rc = -1;
    char name[200];
    s->current = json_object();
    s->versions = json_object();
    s->by_type = json_object();
    s->all = json_array();
    if (!cur_items || !s->current || !s->versions || !s->by_type || !s->all) goto out;
    json_array_foreach(s->entries, i, e) {
        json_array_foreach(json_object_get(e, "items"), k, it) {
            json_t *vers;
            snprintf(name, sizeof name, "%s/%s", json_string_value(json_object_get(it, "type")),
                     json_string_value(json_object_get(it, "id")));
            if (!(vers = json_object_get(s->versions, name))) {
                json_object_set_new(s->versions, name, json_array());
                vers = json_object_get(s->versions, name);
            }
            /* one entry holding Type/id twice: its last copy is that version */
            if (json_array_size(vers) &&
                json_integer_value(json_object_get(json_array_get(vers, json_array_size(vers) - 1), "seq")) ==
                    json_integer_value(json_object_get(it, "seq")))
                json_array_set(vers, json_array_size(vers) - 1, it);
            else
                json_array_append(vers, it);
            json_object_set(cur_items, name, it); /* a later version wins; the key keeps its first place */
        }
    }
    json_object_foreach(cur_items, key, it) {
        json_t *res = NULL, *arr;
        const char *type = json_string_value(json_object_get(it, "type"));
        if (ck_fhir_api_item_resource(&res, it, NULL) != 0) continue; /* an item whose identity disagrees */
        if (!(arr = json_object_get(s->by_type, type))) {
            json_object_set_new(s->by_type, type, json_array());
            arr = json_object_get(s->by_type, type);
        }
        json_array_append(arr, res);
        json_array_append(s->all, res);
        if (!s->patient_res[0] && !strcmp(type, "Patient"))
            snprintf(s->patient_res, sizeof s->patient_res, "%s", json_string_value(json_object_get(it, "id")));
        json_object_set_new(s->current, key, res);
    }
    rc = 0;
out:
    json_decref(cur_items);
    return rc;
}

/* The entries of prev as a reuse object (key -> items). */
static json_t *reuse_of(const ck_api_snap *prev)
{
    json_t *o = json_object(), *e;
    size_t i;
    if (!o || !prev) return o;
    json_array_foreach(prev->entries, i, e)
        json_object_set(o, json_string_value(json_object_get(e, "key")), json_object_get(e, "items"));
    return o;
}

static int build(ck_api_req *r, const char *patient, const ck_api_snap *prev, ck_api_snap **out)
{
    ck_node_record *rec = NULL;
    ck_node_record_summary sum;
    ck_api_snap *s = NULL;
    json_t *reuse = NULL;
    size_t bad = 0, n;
    int rc = -1;
    *out = NULL;
    if (ck_node_record_load(r->n, patient, 0, &rec) != 0) return ck_api_fail_node(r);
    ck_node_record_summary_of(rec, &sum);
    if (sum.n_problems + sum.n_more_problems) {
        char msg[160];
        snprintf(msg, sizeof msg, "the record does not verify (%zu problems): nothing of it is served",
                 sum.n_problems + sum.n_more_problems);
        ck_api_fail(r, 502, "security", msg, NULL);
        goto out;
    }
    if (ck_node_record_pin(rec) != 0) {
        ck_api_fail_node(r);
        goto out;
    }
    if (!(s = calloc(1, sizeof *s)) || !(reuse = reuse_of(prev))) {
        ck_api_fail(r, 500, "exception", "out of memory", NULL);
        goto out;
    }
    pthread_mutex_init(&s->once_mu, NULL);
    s->refs = 1;
    snprintf(s->patient, sizeof s->patient, "%s", patient);
    s->head_seq = sum.head_seq;
    memcpy(s->head_hash, sum.head_hash, 32);
    if (ck_node_record_fhir_entries(rec, reuse, &s->entries, &s->withheld, &bad) != 0) {
        ck_api_fail_node(r);
        goto out;
    }
    n = ck_node_record_grants(rec, NULL, 0);
    if (n && (s->grants = calloc(n, sizeof *s->grants))) s->n_grants = ck_node_record_grants(rec, s->grants, n);
    if (index_snap(s) != 0) {
        ck_api_fail(r, 500, "exception", "out of memory", NULL);
        goto out;
    }
    *out = s;
    s = NULL;
    rc = 0;
out:
    if (s) snap_free(s);
    json_decref(reuse);
    ck_node_record_free(rec);
    return rc;
}

/* ---- the slot table ---------------------------------------------------------------------- */

/* The slot of patient, made (evicting the least used idle one) if needed;
 * under c->mu. NULL when every slot is busy building. */
static slot *slot_of(ck_api_cache *c, const char *patient)
{
    slot *victim = NULL;
    for (int i = 0; i < SLOTS; i++)
        if (!strcmp(c->s[i].patient, patient)) return &c->s[i];
    for (int i = 0; i < SLOTS; i++) {
        slot *s = &c->s[i];
        if (s->building) continue;
        if (!s->patient[0]) {
            victim = s;
            break;
        }
        if (!victim || s->used < victim->used) victim = s;
    }
    if (!victim) return NULL;
    ck_api_snap_put(victim->snap); /* freed (wiped) once its readers are done */
    victim->snap = NULL;
    snprintf(victim->patient, sizeof victim->patient, "%s", patient);
    return victim;
}

/* The slot's snapshot if its head is (seq, hash); under c->mu. */
static ck_api_snap *fresh(ck_api_cache *c, slot *sl, uint64_t seq, const uint8_t hash[32])
{
    ck_api_snap *s = sl->snap;
    if (!s || s->head_seq != seq || memcmp(s->head_hash, hash, 32) != 0) return NULL;
    sl->used = ++c->tick;
    return snap_ref(s);
}

int ck_api_snap_get(ck_api_req *r, const char *patient, ck_api_snap **out)
{
    ck_api_cache *c = r->api->cache;
    uint64_t seq;
    uint8_t hash[32];
    slot *sl;
    ck_api_snap *prev, *s = NULL;
    int rc;
    *out = NULL;
    if (strlen(patient) >= CK_API_GID_MAX) return ck_api_fail(r, 404, "not-found", "no such record", NULL);
    if (ck_node_record_head(r->n, patient, &seq, hash) != 0) return ck_api_fail_node(r);
    pthread_mutex_lock(&c->mu);
    sl = slot_of(c, patient);
    if (sl && (*out = fresh(c, sl, seq, hash))) {
        pthread_mutex_unlock(&c->mu);
        return 0;
    }
    if (sl) sl->building++;
    pthread_mutex_unlock(&c->mu);
    if (!sl) return ck_api_fail(r, 503, "transient", "every cache slot is busy; try again", NULL);

    pthread_mutex_lock(&sl->build_mu); /* one builder per patient; others wait for its result */
    pthread_mutex_lock(&c->mu);
    s = fresh(c, sl, seq, hash);
    prev = snap_ref(sl->snap);
    pthread_mutex_unlock(&c->mu);
    rc = 0;
    if (!s && (rc = build(r, patient, prev, &s)) == 0) {
        pthread_mutex_lock(&c->mu);
        ck_api_snap_put(sl->snap);
        sl->snap = snap_ref(s);
        sl->used = ++c->tick;
        pthread_mutex_unlock(&c->mu);
    }
    ck_api_snap_put(prev);
    pthread_mutex_lock(&c->mu);
    sl->building--;
    pthread_mutex_unlock(&c->mu);
    pthread_mutex_unlock(&sl->build_mu);
    *out = s;
    return rc;
}

int ck_api_cache_by_patient_res(ck_api *a, const char *id, char gid[CK_API_GID_MAX])
{
    ck_api_cache *c = a->cache;
    int rc = -1;
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < SLOTS && rc; i++)
        if (c->s[i].snap && c->s[i].snap->patient_res[0] && !strcmp(c->s[i].snap->patient_res, id)) {
            snprintf(gid, CK_API_GID_MAX, "%s", c->s[i].snap->patient);
            rc = 0;
        }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

static size_t add_known(char (*out)[CK_API_GID_MAX], size_t n, size_t cap, const char *gid)
{
    if (!gid[0] || n >= cap) return n;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(out[i], gid)) return n;
    snprintf(out[n], CK_API_GID_MAX, "%s", gid);
    return n + 1;
}

size_t ck_api_known(ck_api *a, char (*out)[CK_API_GID_MAX], size_t cap)
{
    ck_api_cache *c = a->cache;
    size_t n = 0;
    for (size_t i = 0; i < a->n_patients; i++) n = add_known(out, n, cap, a->patients[i]);
    pthread_mutex_lock(&c->mu);
    for (int i = 0; i < SLOTS; i++)
        if (c->s[i].snap) n = add_known(out, n, cap, c->s[i].patient);
    pthread_mutex_unlock(&c->mu);
    return add_known(out, n, cap, a->gid);
}

/* ---- $everything, serialized once per snapshot -------------------------------------------- */

static json_t *everything_bundle(ck_api *a, const ck_api_snap *s)
{
    json_t *b, *entries, *res;
    size_t i;
    char url[700];
    snprintf(url, sizeof url, "%s/Patient/%s/$everything", a->base, s->patient);
    b = json_pack("{s:s,s:s,s:I,s:[{s:s,s:s}],s:[]}", "resourceType", "Bundle", "type", "searchset", "total",
                  (json_int_t)json_array_size(s->all), "link", "relation", "self", "url", url, "entry");
    if (!b) return NULL;
    entries = json_object_get(b, "entry");
    json_array_foreach(s->all, i, res) {
        snprintf(url, sizeof url, "%s/%s/%s", a->base, json_string_value(json_object_get(res, "resourceType")),
                 json_string_value(json_object_get(res, "id")));
        json_array_append_new(entries, json_pack("{s:s,s:O,s:{s:s}}", "fullUrl", url, "resource", res, "search",
                                                 "mode", "match"));
    }
    return b;
}

const char *ck_api_snap_everything(ck_api *a, ck_api_snap *s, size_t *len)
{
    pthread_mutex_lock(&s->once_mu);
    if (!s->everything) {
        json_t *b = everything_bundle(a, s);
        if (b) s->everything = ck_api_dump(b, &s->everything_len);
        json_decref(b);
    }
    pthread_mutex_unlock(&s->once_mu);
    *len = s->everything_len;
    return s->everything;
}
