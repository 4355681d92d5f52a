/*
 * src/node/record/view_load.c - fetching and verifying a record, in
 * proportion to what is new.
 *
 * The node keeps the chain it last verified with no problem (replica.c,
 * authenticated under a key of the person's identity). A load takes that
 * copy, fetches only the entries after it, and verifies the whole chain
 * with the copy as a trusted prefix: signatures are checked for the new
 * entries only, and the first of them must link to the copy's head; grants,
 * versions, batches, tombstones and times are replayed over everything.
 * Anything that does not chain, or any problem at all, and the load is
 * done again in full, so problems are always reported against the
 * server's whole chain. A full load also compares the server's chain with
 * the copy: an entry the server rewrote after this node verified it is a
 * problem of its own ("rewritten"), even when the rewrite verifies.
 *
 * A full load that finds problems marks the record suspect: until a full
 * load is clean again, every load is a full one, so a server caught once
 * cannot hide behind the copy (a rewrite of old entries is seen by full
 * loads only, and `record verify` always makes one).
 *
 * A tombstone among the new entries makes the next copy a full one, so the
 * bodies the server dropped are dropped here too.
 */
#include <stdlib.h>
#include <string.h>

#include "node/record/record_impl.h"
#include "node/replica.h"

#define PAGE 500

/* Entries with seq > since appended to *v (n of cap). */
static int fetch_after(ck_node *c, const char *patient, uint64_t since, ck_net_entry **v, size_t *n, size_t *cap)
{
    ck_net_entry *page = NULL;
    int more = 1;
    while (more) {
        size_t k = 0;
        if (ck_net_entries(c->net, patient, since, PAGE, &page, &k, &more) != 0) return ck_node_fail_net(c, c->net, patient);
        if (*n + k > *cap) {
            size_t ncap = (*n + k) * 2 + 16;
            ck_net_entry *t = realloc(*v, ncap * sizeof *t);
            if (!t) {
                ck_net_entries_free(page, k);
                return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
            }
            *v = t;
            *cap = ncap;
        }
        if (k) memcpy(*v + *n, page, k * sizeof *page);
        free(page); /* the envelopes moved into *v */
        page = NULL;
        *n += k;
        if (!k) break;
        since = (*v)[*n - 1].seq;
        if (ck_node_step(c, CK_NODE_PHASE_FETCH, *n, 0) != 0) return -1;
    }
    return 0;
}

static int fetch_heads(ck_node *c, ck_node_view *v)
{
    ck_net_head signed_head;
    memset(&signed_head, 0, sizeof signed_head);
    if (ck_node_net(c) != 0) return -1;
    if (ck_net_head_get_full(c->net, v->patient, &v->server_head, &v->has_signed, &signed_head, &v->sh.time_ms,
                             v->sh.signature) != 0)
        return ck_node_fail_net(c, c->net, v->patient);
    v->sh.seq = signed_head.seq;
    memcpy(v->sh.hash, signed_head.hash, 32);
    return 0;
}

/* The chain: the node's copy (*trusted entries) and what came after it,
 * or everything when full or when the copy cannot be a prefix. */
/* The session's memory of the chain (memo.c), taken (the view gives it
 * back when freed: no copy), else the state file (whose length the memo
 * then remembers). 1 when a copy was taken. */
static int copy_of(ck_node *c, ck_node_view *v, int memo)
{
    ck_node_memo *m;
    int rc;
    if (!memo) return ck_node_replica_load(c, v->patient, &v->e, &v->n);
    if (!(m = ck_node_memo_get(c, v->patient))) return 0;
    if (m->n) {
        v->e = m->e;
        v->n = m->n;
        m->e = NULL;
        m->n = 0;
        ck_node_memo_unlock(c);
        return 1;
    }
    ck_node_memo_unlock(c);
    rc = ck_node_replica_load(c, v->patient, &v->e, &v->n);
    if ((m = ck_node_memo_get(c, v->patient))) {
        m->disk_n = rc == 1 ? v->n : 0;
        m->disk_known = 1;
        ck_node_memo_unlock(c);
    }
    return rc;
}

static int fetch_chain(ck_node *c, ck_node_view *v, int full, int memo, size_t *trusted)
{
    size_t cap = 0;
    *trusted = 0;
    if (fetch_heads(c, v) != 0) return -1;
    if (!full && copy_of(c, v, memo) == 1) {
        if (v->n && v->n <= v->server_head.seq) *trusted = cap = v->n;
        else {
            ck_net_entries_free(v->e, v->n); /* the server shows fewer: let the verifier judge it all */
            v->e = NULL;
            v->n = 0;
        }
    }
    return fetch_after(c, v->patient, v->n ? v->e[v->n - 1].seq : 0, &v->e, &v->n, &cap);
}

static int verify(ck_node *c, ck_node_view *v, size_t trusted)
{
    ck_rec_verify_in in;
    memset(&in, 0, sizeof in);
    in.patient = v->patient;
    in.entries = v->e;
    in.n = v->n;
    in.server_head = &v->server_head;
    in.signed_head = v->has_signed ? &v->sh : NULL;
    in.last_known = v->have_pinned ? &v->pinned : NULL;
    in.key = ck_node_key_fn;
    in.key_ctx = c;
    in.trusted = trusted;
    in.threads = c->s->threads;
    ck_rec_verify_out_free(&v->vo);
    if (ck_rec_verify(&v->vo, &in) != CK_REC_OK)
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "cannot verify the record (out of memory)");
    return 0;
}

/* Full loads: entries this node verified before that the server now shows
 * differently. Each is a problem; they count like the verifier's. */
static void compare_with_copy(ck_node *c, ck_node_view *v)
{
    ck_net_entry *old = NULL;
    size_t n = 0;
    if (ck_node_replica_load(c, v->patient, &old, &n) != 1) return;
    for (size_t i = 0; i < n && i < v->n; i++) {
        if (old[i].seq == v->e[i].seq && !memcmp(old[i].hash, v->e[i].hash, 32)) continue;
        if (v->vo.n_problems < CK_REC_MAX_PROBLEMS) {
            ck_rec_problem *p = &v->vo.problem[v->vo.n_problems++];
            p->kind = CK_REC_P_FORK;
            p->seq = old[i].seq;
            snprintf(p->detail, sizeof p->detail,
                     "entry %llu differs from the one this node verified before: the server rewrote it",
                     (unsigned long long)old[i].seq);
        } else {
            v->vo.n_dropped++;
        }
        v->rewritten++;
    }
    ck_net_entries_free(old, n);
}

static int has_tombstone(const ck_node_view *v, size_t from)
{
    ck_rec_container k;
    for (size_t i = from; i < v->n; i++)
        if (v->e[i].envelope && ck_rec_container_decode(&k, v->e[i].envelope, v->e[i].envelope_len) == CK_REC_OK &&
            k.kind == CK_REC_KIND_TOMBSTONE)
            return 1;
    return 0;
}

/* Keeps the verified chain for the next load: only a clean one, and not
 * again when nothing came. A kept chain after a tombstone is rebuilt in
 * full next time (its dropped bodies are dropped here too). */
static void keep_copy(ck_node *c, ck_node_view *v, size_t trusted)
{
    if (ck_node_view_problems(v) || v->vo.n_open_batches || v->n == trusted) return;
    if (has_tombstone(v, trusted)) {
        ck_node_replica_drop(c, v->patient);
        return;
    }
    if (ck_node_replica_store(c, v->patient, v->e, v->n) != 0) ck_node_clear_error(c); /* a cache: never fatal */
}

/* The session's copy: forgotten on any problem (the next load judges the
 * server's chain again); else the new chain, and the state file rewritten
 * only when it lags by MEMO_LAG entries - a later process then checks at
 * most that many signatures again, and a busy ledger is not rewritten
 * whole after every entry (ck_node_memo_flush writes it at the end). */
#define MEMO_LAG 64

static void keep_memo(ck_node *c, ck_node_view *v, size_t trusted)
{
    ck_node_memo *m;
    int clean = !ck_node_view_problems(v) && !v->vo.n_open_batches, tomb = clean && has_tombstone(v, trusted);
    int write = 0;
    v->memo_keep = clean && !tomb; /* the chain goes back to the memo when the view is freed */
    if (!(m = ck_node_memo_get(c, v->patient))) return;
    if (tomb) m->disk_n = 0;
    else if (clean && (!m->disk_known || v->n >= m->disk_n + MEMO_LAG)) {
        write = 1;
        m->disk_n = v->n;
        m->disk_known = 1;
    }
    ck_node_memo_unlock(c);
    if (tomb) ck_node_replica_drop(c, v->patient);
    else if (write && ck_node_replica_store(c, v->patient, v->e, v->n) != 0) ck_node_clear_error(c);
}

void ck_node_memo_flush(ck_node *c, const char *record)
{
    ck_node_memo *m = ck_node_memo_get(c, record);
    ck_net_entry *copy = NULL;
    size_t n = 0;
    if (!m) return;
    if (m->n && m->n != m->disk_n && ck_node_entries_copy(m->e, m->n, &copy) == 0) {
        n = m->n;
        m->disk_n = n;
        m->disk_known = 1;
    }
    ck_node_memo_unlock(c);
    if (copy && ck_node_replica_store(c, record, copy, n) != 0) ck_node_clear_error(c);
    ck_net_entries_free(copy, n);
}

static void report_problems(ck_node *c, const ck_node_view *v)
{
    for (size_t i = 0; i < v->vo.n_problems; i++)
        ck_node_notice(c, CK_NODE_PROBLEM, "%s (seq %llu): %s", ck_rec_problem_name(v->vo.problem[i].kind),
                       (unsigned long long)v->vo.problem[i].seq, v->vo.problem[i].detail);
    if (v->vo.n_dropped) ck_node_notice(c, CK_NODE_PROBLEM, "... and %zu more problems", v->vo.n_dropped);
}

/* The latest earlier version of each id, by an open-addressing table of
 * entry ids (a month's ledger holds thousands of entries: a scan back for
 * each would cost the square of that on every load). */
typedef struct {
    size_t *slot; /* index + 1 of the latest version of an id; 0 empty */
    size_t mask;
} id_table;

static size_t id_hash(const uint8_t id[CK_REC_ID_BYTES])
{
    uint64_t h;
    memcpy(&h, id, sizeof h); /* ids are random: their bytes are the hash */
    return (size_t)(h ^ (h >> 29));
}

/* The slot of entry i's id and section (holding it, or empty). */
static size_t *id_slot(id_table *t, const ck_node_view *v, size_t i)
{
    size_t k = id_hash(v->it[i].cont.entry_id) & t->mask;
    for (;; k = (k + 1) & t->mask) {
        size_t j = t->slot[k];
        if (!j) return &t->slot[k];
        j--;
        if (!memcmp(v->it[j].cont.entry_id, v->it[i].cont.entry_id, CK_REC_ID_BYTES) &&
            !strcmp(v->e[j].section, v->e[i].section))
            return &t->slot[k];
    }
}

/* Which entries are data, and the latest version of each id. */
static int index_items(ck_node *c, ck_node_view *v)
{
    id_table t;
    size_t cap = 16;
    while (cap < 2 * v->n) cap *= 2;
    t.mask = cap - 1;
    t.slot = calloc(cap, sizeof *t.slot);
    if (!t.slot || !(v->it = calloc(v->n ? v->n : 1, sizeof *v->it))) {
        free(t.slot);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    for (size_t i = 0; i < v->n; i++) {
        ck_node_item *it = &v->it[i];
        size_t *slot;
        it->origin = i;
        if (!v->vo.valid[i]) continue;
        if (!v->e[i].envelope ||
            ck_rec_container_decode(&it->cont, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK) {
            memset(&it->cont, 0, sizeof it->cont); /* kind 0: none (book.c reads grants from here) */
            continue;
        }
        /* entries of an import not committed (yet) are not part of the record */
        if (it->cont.kind != CK_REC_KIND_DATA || v->vo.batch_state[i] != CK_REC_BATCH_NONE) continue;
        it->data = 1;
        it->latest = 1;
        slot = id_slot(&t, v, i);
        if (*slot) {
            ck_node_item *o = &v->it[*slot - 1];
            o->latest = 0;
            o->superseded_by = i + 1;
            it->origin = o->origin;
        }
        *slot = i + 1;
    }
    free(t.slot);
    return 0;
}

static int load(ck_node_view *v, ck_node *c, const char *patient, int report, int full, int memo)
{
    size_t trusted = 0;
    memset(v, 0, sizeof *v);
    v->c = c;
    v->patient = patient;
    if (!ck_net_id_valid(patient))
        return ck_node_fail(c, CK_NODE_E_INVALID, "bad_gid", "'%s' is not a valid patient GID", patient);
    if (c->s->no_cache) memo = 0; /* no verified state kept, not even in memory */
    if (ck_node_head_load(c, patient, &v->pinned, &v->have_pinned) != 0) return -1;
    if (ck_node_replica_suspect(c, patient)) full = 1;
    if (fetch_chain(c, v, full, memo, &trusted) != 0 || verify(c, v, trusted) != 0) return -1;
    if (trusted && ck_node_view_problems(v)) {
        /* does not chain onto the copy, or a problem: judge the server's whole chain */
        ck_net_entries_free(v->e, v->n);
        v->e = NULL;
        v->n = 0;
        full = 1;
        trusted = 0;
        if (fetch_chain(c, v, 1, memo, &trusted) != 0 || verify(c, v, 0) != 0) return -1;
    }
    if (full) {
        compare_with_copy(c, v);
        ck_node_replica_mark(c, patient, ck_node_view_problems(v) != 0);
    }
    v->verified = 1;
    if (report) report_problems(c, v);
    if (index_items(c, v) != 0) return -1;
    if (memo) keep_memo(c, v, trusted);
    else keep_copy(c, v, trusted);
    return 0;
}

int ck_node_view_load(ck_node_view *v, ck_node *c, const char *patient, int report)
{
    return load(v, c, patient, report, 0, 0);
}

int ck_node_view_load_memo(ck_node_view *v, ck_node *c, const char *patient, int report)
{
    return load(v, c, patient, report, 0, 1);
}

int ck_node_view_load_full(ck_node_view *v, ck_node *c, const char *patient, int report)
{
    return load(v, c, patient, report, 1, 0);
}
