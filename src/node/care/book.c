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

/* The items of entry i, annotated: from the cache when it holds this very
 * entry, else decrypted (and then cached). NULL when withheld or
 * unreadable (counted) or out of memory (*oom). */
static json_t *entry_items(ck_node_book *b, ck_node *c, size_t i, int *oom)
{
    const ck_net_entry *e = &b->v.e[i];
    uint8_t *pt = NULL;
    size_t len = 0;
    json_t *payload, *items;
    ck_rec_err err;
    if ((items = ck_node_care_cache_get(c, b->record, e->seq, e->hash))) {
        if (annotate(items, e) == 0) return items;
        json_decref(items);
        *oom = 1;
        return NULL;
    }
    if ((err = ck_node_view_open(&b->v, i, &pt, &len)) != CK_REC_OK) {
        if (err == CK_REC_ERR_ACCESS) b->withheld++;
        else b->bad++;
        return NULL;
    }
    payload = ck_fhir_json_parse((const char *)pt, len, NULL);
    ck_node_free_secret(pt, len);
    items = payload ? ck_node_payload_items(payload, e->resource_type) : NULL;
    json_decref(payload);
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
static int book_open_entry(ck_node_book *b, ck_node *c, json_t *index, size_t i)
{
    size_t k;
    int oom = 0;
    json_t *items = entry_items(b, c, i, &oom), *it;
    if (!items) return oom ? -1 : 0;
    json_array_foreach(items, k, it) if (book_merge(b, index, it) != 0) {
        oom = 1;
        break;
    }
    json_decref(items);
    return oom ? -1 : 0;
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
    for (size_t i = 0; i < b->v.n && rc == 0; i++) {
        if (!b->v.it[i].data || !b->v.it[i].latest || !section_wanted(sections_csv, b->v.e[i].section)) continue;
        if (book_open_entry(b, c, index, i) != 0) rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
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
