/*
 * src/node/care/book.c - a verified record read as FHIR items: the latest
 * version of each Type/id of the sections asked for, each entry decrypted
 * once per person (cache.c) and the chain verified over the session's
 * memory of it (view_load.c), so that reading a month's ledger again costs
 * what was appended since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/care/care_impl.h"

static int section_wanted(const char *sections_csv, const char *section)
{
    size_t n = strlen(section);
    const char *p = sections_csv;
    if (!sections_csv) return 1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, section, n)) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

/* Adds item to b->items; a later item with the same Type/id replaces the
 * earlier one in place, so record order is kept for first appearances. */
static int book_merge(ck_node_book *b, json_t *index, json_t *item)
{
    char key[200];
    json_t *pos;
    snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(item, "type")),
             json_string_value(json_object_get(item, "id")));
    if ((pos = json_object_get(index, key))) return json_array_set(b->items, (size_t)json_integer_value(pos), item);
    if (json_object_set_new(index, key, json_integer((json_int_t)json_array_size(b->items))) != 0) return -1;
    return json_array_append(b->items, item);
}

/* Item fields of the entry that holds it; entries cached by an older
 * version lack them. -1 when out of memory. */
static int annotate(json_t *items, const ck_net_entry *e)
{
    size_t k;
    json_t *it;
    json_array_foreach(items, k, it) {
        if (json_integer_value(json_object_get(it, "seq")) == (json_int_t)e->seq &&
            json_is_string(json_object_get(it, "section")))
            continue;
        if (json_object_set_new(it, "section", json_string(e->section)) ||
            json_object_set_new(it, "author", json_string(e->author)) ||
            json_object_set_new(it, "time", json_integer((json_int_t)e->time_ms)) ||
            json_object_set_new(it, "seq", json_integer((json_int_t)e->seq)))
            return -1;
    }
    return 0;
}

/* Entries are opened a chunk at a time on every core (ck_rec_open_many),
 * then merged in record order, so the result is the serial one; a chunk
 * bounds how many plaintexts are held at once. */
#define BOOK_CHUNK 256

typedef struct book_chunk {
    size_t lo, hi;                   /* entries [lo, hi) of the view     */
    json_t *cached[BOOK_CHUNK];      /* items the cache held (a ref)     */
    size_t job_of[BOOK_CHUNK];       /* 1 + its job; 0: not opened here  */
    ck_rec_open_job jobs[BOOK_CHUNK];
    size_t n_jobs;
} book_chunk;

static int wanted(const ck_node_book *b, size_t i, const char *sections_csv)
{
    return b->v.it[i].data && b->v.it[i].latest && section_wanted(sections_csv, b->v.e[i].section);
}

/* The items of a plaintext entry (wiped and freed here); NULL when it is
 * not a payload of resource_type or out of memory. */
static json_t *plaintext_items(uint8_t *pt, size_t len, const char *resource_type)
{
    json_t *payload = ck_fhir_json_parse((const char *)pt, len, NULL), *items;
    ck_node_free_secret(pt, len);
    items = payload ? ck_node_payload_items(payload, resource_type) : NULL;
    json_decref(payload);
    return items;
}

/* On the opening worker: the plaintext parsed there too (job->result). */
static void parse_on_worker(ck_rec_open_job *j, void *ctx)
{
    (void)ctx;
    if (j->rc != CK_REC_OK) return;
    j->result = plaintext_items(j->payload, j->payload_len, j->e->resource_type);
    j->payload = NULL;
    j->payload_len = 0;
}

/* The key entries of b are opened with, made when first needed (most
 * reads of a ledger find every entry in the cache). */
static int book_key(ck_node_book *b, ck_node *c, ck_abe_user_key **key)
{
    int rc;
    if (b->key) {
        *key = b->key;
        return 0;
    }
    if ((rc = ck_node_ledger_key(c, b->record, &b->own, key)) < 0) return -1;
    b->has_own = rc;
    b->key = *key;
    return 0;
}

/* The chunk's wanted entries: from the cache, else opened together. Only
 * verified entries are opened; the others go through ck_node_view_open,
 * which refuses them, when merged. -1 only when the key cannot be had. */
static int chunk_open(book_chunk *k, ck_node_book *b, ck_node *c, const char *sections_csv)
{
    ck_abe_user_key *key = NULL;
    for (size_t i = k->lo; i < k->hi; i++) {
        const ck_net_entry *e = &b->v.e[i];
        if (!wanted(b, i, sections_csv)) continue;
        if ((k->cached[i - k->lo] = ck_node_care_cache_get(c, b->record, e->seq, e->hash))) continue;
        if (!b->v.vo.valid[i]) continue;
        k->jobs[k->n_jobs].e = e;
        k->jobs[k->n_jobs].then = parse_on_worker;
        k->job_of[i - k->lo] = ++k->n_jobs;
    }
    if (!k->n_jobs) return 0;
    if (book_key(b, c, &key) != 0) return -1;
    if (ck_rec_open_many(k->jobs, k->n_jobs, b->v.patient, key, c->s->threads) != CK_REC_OK)
        for (size_t j = 0; j < k->n_jobs; j++) k->jobs[j].rc = CK_REC_ERR_NOMEM;
    return 0;
}

static void chunk_free(book_chunk *k)
{
    for (size_t i = 0; i < BOOK_CHUNK; i++) json_decref(k->cached[i]);
    for (size_t j = 0; j < k->n_jobs; j++) {
        ck_node_free_secret(k->jobs[j].payload, k->jobs[j].payload_len);
        json_decref(k->jobs[j].result);
    }
}

/* Entry i's items: parsed by its job's worker, or opened and parsed now.
 * *items NULL with OK: not a payload of its type. */
static ck_rec_err chunk_take(book_chunk *k, ck_node_book *b, size_t i, json_t **items)
{
    ck_rec_open_job *j;
    uint8_t *pt = NULL;
    size_t len = 0;
    ck_rec_err err;
    *items = NULL;
    if (!k->job_of[i - k->lo]) {
        if ((err = ck_node_view_open(&b->v, i, &pt, &len)) != CK_REC_OK) {
            ck_node_free_secret(pt, len);
            return err;
        }
        *items = plaintext_items(pt, len, b->v.e[i].resource_type);
        return CK_REC_OK;
    }
    j = &k->jobs[k->job_of[i - k->lo] - 1];
    *items = j->result;
    j->result = NULL;
    return j->rc;
}

/* The items of entry i, annotated: from the cache when it holds this very
 * entry, else decrypted (and then cached). NULL when withheld or
 * unreadable (counted) or out of memory (*oom). */
static json_t *entry_items(ck_node_book *b, ck_node *c, book_chunk *k, size_t i, int *oom)
{
    const ck_net_entry *e = &b->v.e[i];
    json_t *items;
    ck_rec_err err;
    if ((items = k->cached[i - k->lo])) {
        k->cached[i - k->lo] = NULL;
        if (annotate(items, e) == 0) return items;
        json_decref(items);
        *oom = 1;
        return NULL;
    }
    if ((err = chunk_take(k, b, i, &items)) != CK_REC_OK) {
        if (err == CK_REC_ERR_ACCESS) b->withheld++;
        else b->bad++;
        return NULL;
    }
    if (!items) {
        b->bad++;
        return NULL;
    }
    if (annotate(items, e) != 0) {
        json_decref(items);
        *oom = 1;
        return NULL;
    }
    ck_node_care_cache_put(c, b->record, e->seq, e->hash, items);
    return items;
}

/* Opens entry i and merges its items (shared with the cache: never
 * changed). -1 only when out of memory. */
static int book_open_entry(ck_node_book *b, ck_node *c, book_chunk *k, json_t *index, size_t i)
{
    size_t n;
    int oom = 0;
    json_t *items = entry_items(b, c, k, i, &oom), *it;
    if (!items) return oom ? -1 : 0;
    json_array_foreach(items, n, it) if (book_merge(b, index, it) != 0) {
        oom = 1;
        break;
    }
    json_decref(items);
    return oom ? -1 : 0;
}

/* Entries [lo, hi) opened and merged in order; -1 (error set) out of
 * memory, or the key could not be had. */
static int book_chunk_load(ck_node_book *b, ck_node *c, json_t *index, size_t lo, size_t hi, const char *sections_csv)
{
    book_chunk *k = calloc(1, sizeof *k);
    int rc;
    if (!k) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    k->lo = lo;
    k->hi = hi;
    if ((rc = chunk_open(k, b, c, sections_csv)) != 0) goto out;
    for (size_t i = lo; i < hi && rc == 0; i++)
        if (wanted(b, i, sections_csv) && book_open_entry(b, c, k, index, i) != 0)
            rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
out:
    chunk_free(k);
    free(k);
    return rc;
}

int ck_node_book_load(ck_node_book *b, ck_node *c, const char *record, const char *sections_csv)
{
    json_t *index = NULL;
    int rc = 0;
    memset(b, 0, sizeof *b);
    b->record = record;
    if (ck_node_keyring(c) != 0 || ck_node_view_load_memo(&b->v, c, record, 1) != 0) return -1;
    if (ck_node_view_problems(&b->v))
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified",
                            "the record of %s does not verify; nothing was read or written", record);
    b->head = b->v.vo.head;
    if (b->head.seq == 0) b->head = b->v.server_head; /* empty record: the server's zero head */
    if (!(b->items = json_array()) || !(index = json_object())) {
        json_decref(index);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t lo = 0; lo < b->v.n && rc == 0; lo += BOOK_CHUNK) {
        size_t hi = b->v.n - lo < BOOK_CHUNK ? b->v.n : lo + BOOK_CHUNK;
        rc = book_chunk_load(b, c, index, lo, hi, sections_csv);
    }
    json_decref(index);
    if (rc != 0) return rc;
    ck_node_care_cache_save(c, record, 0);
    return ck_node_view_pin(&b->v);
}

json_t *ck_node_book_select(const ck_node_book *b, const char *section, const char *type)
{
    json_t *out = json_array(), *it;
    size_t i;
    if (!out) return NULL;
    json_array_foreach(b->items, i, it) {
        const char *s = json_string_value(json_object_get(it, "section"));
        const char *t = json_string_value(json_object_get(it, "type"));
        if ((section && (!s || strcmp(s, section))) || (type && (!t || strcmp(t, type)))) continue;
        if (json_array_append(out, it) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}

const json_t *ck_node_book_find(const ck_node_book *b, const char *type, const char *id)
{
    return ck_care_items_find(b->items, type, id);
}

void ck_node_book_free(ck_node_book *b)
{
    if (b->has_own) ck_abe_user_key_free(&b->own); /* wiped: made for this read only */
    json_decref(b->items);
    ck_node_view_free(&b->v);
    memset(b, 0, sizeof *b);
}

int ck_node_book_ledger(ck_node_book *b, ck_node *c, const char *org, const char *section, const char *type,
                        json_t **items)
{
    *items = NULL;
    if (ck_node_book_load(b, c, org, section) != 0) return -1;
    if (b->withheld)
        return ck_node_fail(c, CK_NODE_E_FORBIDDEN, "ledger_withheld",
                            "%zu entr%s of %s's ledger cannot be opened with your keys (staff@%s)", b->withheld,
                            b->withheld == 1 ? "y" : "ies", org, org);
    if (!(*items = ck_node_book_select(b, section, type))) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    return 0;
}

/* ---- before the first write ------------------------------------------------ */

static int view_writable(const ck_node_view *v, ck_node *c, const char *record, const char *sections_csv)
{
    ck_node_chain_grant *g;
    size_t n;
    int ok;
    if (ck_node_is_patient(c, record)) return 0;
    if (!(g = calloc(v->n ? v->n : 1, sizeof *g))) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    n = ck_node_grant_chain(v, g, v->n);
    ok = ck_node_grant_covers(g, n, ck_keyring_identity(c->s->kr)->gid, sections_csv, 0);
    free(g);
    if (ok) return 0;
    return ck_node_fail(c, CK_NODE_E_FORBIDDEN, "no_write_grant",
                        "you hold no write grant for %s of %s's record; nothing was written", sections_csv, record);
}

int ck_node_book_writable(const ck_node_book *b, ck_node *c, const char *sections_csv)
{
    return view_writable(&b->v, c, b->record, sections_csv);
}

int ck_node_care_writable(ck_node *c, const char *record, const char *sections_csv)
{
    ck_node_view v;
    int rc;
    if (ck_node_keyring(c) != 0) return -1;
    if (ck_node_is_patient(c, record)) return 0;
    if ((rc = ck_node_view_load_memo(&v, c, record, 1)) == 0) {
        if (ck_node_view_problems(&v))
            rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified",
                              "the record of %s does not verify; nothing was written", record);
        else
            rc = view_writable(&v, c, record, sections_csv);
    }
    ck_node_view_free(&v);
    return rc;
}
