/*
 * src/record/rec_verify.c - verification of a whole record as a server
 * returned it. Nothing in an entry is trusted before its hash, its link and
 * its author's signature check out; write grants are replayed along the
 * chain; heads the reader trusts (the patient's signed head, its own last
 * known head) catch a server that rolls the record back or forks it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "carekey/record.h"
#include "record/rec_integrity.h"

typedef struct {
    ck_rec_grant g;
    char granted_by[CK_NET_ID_MAX + 1];
    int active;
} grant_state;

typedef struct {
    uint8_t id[CK_REC_ID_BYTES];
    char author[CK_NET_ID_MAX + 1];
    uint32_t count, seen;
    unsigned char *have;       /* [count] */
    int state;                 /* 0 open, 1 committed, 2 abandoned */
} batch_state;

typedef struct {
    ck_rec_verify_out *out;
    const ck_rec_verify_in *in;
    grant_state *grants;
    size_t n_grants, cap_grants;
    int entry_ok;
    uint64_t last_time;        /* latest entry time so far */
    batch_state *batches;
    size_t n_batches;
    unsigned char *superseded;   /* [n]: a later version says it replaces it */
    size_t *tombstone_by;        /* [n]: index + 1 of the tombstone dropping it */
    int signed_head_ok;        /* the patient's signed head verified */
    unsigned char *integrity;  /* [n - trusted]: CK_REC_INTEGRITY_* computed ahead; NULL: as we go */
} verifier;

static void problem(verifier *v, ck_rec_problem_kind kind, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(verifier *v, ck_rec_problem_kind kind, uint64_t seq, const char *fmt, ...)
{
    ck_rec_verify_out *o = v->out;
    va_list ap;
    v->entry_ok = 0;
    if (o->n_problems == CK_REC_MAX_PROBLEMS) {
        o->n_dropped++;
        return;
    }
    o->problem[o->n_problems].kind = kind;
    o->problem[o->n_problems].seq = seq;
    va_start(ap, fmt);
    vsnprintf(o->problem[o->n_problems].detail, sizeof(o->problem[0].detail), fmt, ap);
    va_end(ap);
    o->n_problems++;
}

/* Hash and signature: the entry is what its author wrote for this patient. */
static void check_integrity(verifier *v, size_t idx, const ck_net_entry *e)
{
    unsigned bits = v->integrity ? v->integrity[idx - v->in->trusted]
                                 : ck_rec_entry_integrity(e, v->in->patient, v->in->key, v->in->key_ctx);
    if (!(bits & CK_REC_INTEGRITY_HASH))
        problem(v, CK_REC_P_HASH, e->seq, "entry %llu: hash does not match its contents (altered)",
                (unsigned long long)e->seq);
    if (!(bits & CK_REC_INTEGRITY_AUTHOR))
        problem(v, CK_REC_P_AUTHOR, e->seq, "entry %llu: author %.64s is not in the directory",
                (unsigned long long)e->seq, e->author);
    else if (!(bits & CK_REC_INTEGRITY_SIG))
        problem(v, CK_REC_P_SIGNATURE, e->seq,
                "entry %llu: signature by %.64s fails (forged, altered or from another record)",
                (unsigned long long)e->seq, e->author);
}

static grant_state *find_grant(verifier *v, const uint8_t id[CK_REC_ID_BYTES])
{
    for (size_t i = 0; i < v->n_grants; i++)
        if (memcmp(v->grants[i].g.grant_id, id, CK_REC_ID_BYTES) == 0) return &v->grants[i];
    return NULL;
}

/* A grant counts at time t while it is active and unexpired; a grant a
 * delegate issued counts only while that delegate is one (a delegate's
 * grants end with her). Delegate grants are the patient's alone. */
static int grant_live(const verifier *v, const grant_state *s, uint64_t t);

static int is_delegate(const verifier *v, const char *gid, uint64_t t)
{
    for (size_t i = 0; i < v->n_grants; i++) {
        const grant_state *s = &v->grants[i];
        if (s->g.delegate && strcmp(s->g.grantee, gid) == 0 && grant_live(v, s, t)) return 1;
    }
    return 0;
}

static int grant_live(const verifier *v, const grant_state *s, uint64_t t)
{
    if (!s->active || (s->g.expires_ms && t >= s->g.expires_ms)) return 0;
    if (strcmp(s->granted_by, v->in->patient) == 0) return 1;
    return !s->g.delegate && is_delegate(v, s->granted_by, t);
}

/* An active grant lets author write section at time t. */
static int may_write(verifier *v, const char *author, const char *section, uint64_t t, int delegate)
{
    if (strcmp(author, v->in->patient) == 0) return 1;
    if (delegate) return is_delegate(v, author, t);
    for (size_t i = 0; i < v->n_grants; i++) {
        const grant_state *s = &v->grants[i];
        if (strcmp(s->g.grantee, author) == 0 && grant_live(v, s, t) && ck_rec_grant_covers(&s->g, section))
            return 1;
    }
    return 0;
}

static void apply_grant(verifier *v, const ck_net_entry *e, const ck_rec_container *c)
{
    ck_rec_grant g;
    grant_state *s;
    if (ck_rec_grant_decode(&g, c->body, c->body_len) != CK_REC_OK) {
        problem(v, CK_REC_P_CONTAINER, e->seq, "entry %llu: malformed grant", (unsigned long long)e->seq);
        return;
    }
    if (!may_write(v, e->author, NULL, e->time_ms, 1)) {
        problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: %.64s may not grant access to this record",
                (unsigned long long)e->seq, e->author);
        return;
    }
    s = find_grant(v, g.grant_id);
    if ((g.delegate || (g.revoke && s && s->g.delegate)) && strcmp(e->author, v->in->patient) != 0) {
        problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: only the patient names or revokes a delegate",
                (unsigned long long)e->seq);
        return;
    }
    if (g.revoke) {
        if (s) s->active = 0;
        return;
    }
    if (s) {
        problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: grant id used twice", (unsigned long long)e->seq);
        return;
    }
    if (v->n_grants == v->cap_grants) {
        size_t cap = v->cap_grants ? 2 * v->cap_grants : 16;
        grant_state *n = realloc(v->grants, cap * sizeof(*n));
        if (!n) return;
        v->grants = n;
        v->cap_grants = cap;
    }
    s = &v->grants[v->n_grants++];
    s->g = g;
    snprintf(s->granted_by, sizeof(s->granted_by), "%s", e->author);
    s->active = 1;
}

/* ---- batches --------------------------------------------------------------- */

static batch_state *find_batch(verifier *v, const uint8_t id[CK_REC_ID_BYTES])
{
    for (size_t i = 0; i < v->n_batches; i++)
        if (memcmp(v->batches[i].id, id, CK_REC_ID_BYTES) == 0) return &v->batches[i];
    return NULL;
}

static batch_state *new_batch(verifier *v, const ck_rec_container *c, const char *author)
{
    batch_state *nb = realloc(v->batches, (v->n_batches + 1) * sizeof *nb), *b;
    if (!nb) return NULL;
    v->batches = nb;
    b = &nb[v->n_batches];
    memset(b, 0, sizeof *b);
    if (!(b->have = calloc(c->batch.count, 1))) return NULL;
    memcpy(b->id, c->batch.id, CK_REC_ID_BYTES);
    snprintf(b->author, sizeof b->author, "%s", author);
    b->count = c->batch.count;
    v->n_batches++;
    return b;
}

/* A DATA entry of a batch: same author and size as the batch's first
 * entry, a place not taken yet, and the batch still open. */
static void batch_entry(verifier *v, const ck_net_entry *e, const ck_rec_container *c)
{
    batch_state *b = find_batch(v, c->batch.id);
    if (!b && !(b = new_batch(v, c, e->author))) return;
    if (strcmp(b->author, e->author) != 0 || b->count != c->batch.count || b->have[c->batch.index] || b->state != 0) {
        problem(v, CK_REC_P_BATCH, e->seq, "entry %llu does not fit its batch (author, size, place or already closed)",
                (unsigned long long)e->seq);
        return;
    }
    b->have[c->batch.index] = 1;
    b->seen++;
}

/* Entries of author before idx whose bodies were dropped (re-encrypted
 * later): their batch places can no longer be read. */
static uint32_t dropped_by(const verifier *v, const char *author, size_t idx)
{
    uint32_t n = 0;
    for (size_t i = 0; i < idx; i++) n += !v->in->entries[i].envelope && !strcmp(v->in->entries[i].author, author);
    return n;
}

static void batch_commit(verifier *v, const ck_net_entry *e, const ck_rec_container *c, size_t idx)
{
    ck_rec_commit cm;
    batch_state *b;
    uint32_t seen, unknown;
    if (ck_rec_commit_decode(&cm, c->body, c->body_len) != CK_REC_OK) {
        problem(v, CK_REC_P_CONTAINER, e->seq, "entry %llu: malformed commit", (unsigned long long)e->seq);
        return;
    }
    b = find_batch(v, cm.batch);
    seen = b ? b->seen : 0;
    /* members re-encrypted since (bodies dropped under a tombstone, which
     * check_bodies vouches for) count as present */
    unknown = seen < cm.count ? dropped_by(v, e->author, idx) : 0;
    if ((b && (strcmp(b->author, e->author) != 0 || b->count != cm.count || b->state != 0)) ||
        seen > cm.count || seen + unknown < cm.count) {
        problem(v, CK_REC_P_BATCH, e->seq, "entry %llu commits a batch that is not whole or not its author's",
                (unsigned long long)e->seq);
        return;
    }
    if (b) b->state = 1;
    for (size_t i = 0; i < cm.n_abandon; i++) {
        batch_state *a = find_batch(v, cm.abandon[i]);
        if (a && a->state == 0 && strcmp(a->author, e->author) == 0) a->state = 2;
    }
}

/* Marks the entries of batches left open or abandoned. */
static void batch_outcome(verifier *v)
{
    const ck_rec_verify_in *in = v->in;
    for (size_t i = 0; i < v->n_batches; i++) v->out->n_open_batches += v->batches[i].state == 0;
    for (size_t i = 0; i < in->n; i++) {
        ck_rec_container c;
        batch_state *b;
        if (!v->out->valid[i] || ck_rec_container_decode(&c, in->entries[i].envelope, in->entries[i].envelope_len) != CK_REC_OK ||
            !ck_rec_in_batch(&c) || !(b = find_batch(v, c.batch.id)))
            continue;
        if (b->state == 0) v->out->batch_state[i] = CK_REC_BATCH_OPEN;
        else if (b->state == 2) v->out->batch_state[i] = CK_REC_BATCH_ABANDONED;
    }
    for (size_t i = 0; i < v->n_batches; i++) free(v->batches[i].have);
    free(v->batches);
}

/* A superseding entry replaces an earlier one of the same id and section. */
static void check_supersedes(verifier *v, const ck_net_entry *e, const ck_rec_container *c, size_t idx)
{
    const ck_net_entry *all = v->in->entries;
    if (!c->supersedes) return;
    for (size_t j = 0; j < idx; j++) {
        ck_rec_container old;
        if (all[j].seq != c->supersedes) continue;
        /* a body dropped under a tombstone is known by its section only */
        if (strcmp(all[j].section, e->section) == 0 &&
            (!all[j].envelope ||
             (ck_rec_container_decode(&old, all[j].envelope, all[j].envelope_len) == CK_REC_OK &&
              old.kind == CK_REC_KIND_DATA && memcmp(old.entry_id, c->entry_id, CK_REC_ID_BYTES) == 0))) {
            v->superseded[j] = 1;
            return;
        }
        break;
    }
    problem(v, CK_REC_P_SUPERSEDE, e->seq, "entry %llu: supersedes entry %llu, which is not its earlier version",
            (unsigned long long)e->seq, (unsigned long long)c->supersedes);
}

/* The owner (or her delegate) lets the server drop superseded bodies: the
 * entries a tombstone lists are marked (tombstone_by[j] = its index + 1);
 * whether each was superseded is judged once the whole chain is known
 * (check_bodies), since a later re-encryption may have dropped the very
 * version that superseded it. */
static void apply_tombstone(verifier *v, const ck_net_entry *e, const ck_rec_container *c, size_t idx)
{
    uint64_t *seqs = malloc(CK_REC_TOMBSTONE_MAX * sizeof *seqs);
    size_t n = 0, j = 0;
    if (!seqs) return;
    if (ck_rec_tombstone_decode(seqs, &n, c->body, c->body_len) != CK_REC_OK) {
        problem(v, CK_REC_P_CONTAINER, e->seq, "entry %llu: malformed tombstone", (unsigned long long)e->seq);
    } else if (!may_write(v, e->author, NULL, e->time_ms, 1)) {
        problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: only the owner or her delegate drops old versions",
                (unsigned long long)e->seq);
    } else {
        for (size_t k = 0; k < n; k++) {
            while (j < idx && v->in->entries[j].seq < seqs[k]) j++;
            if (j == idx || v->in->entries[j].seq != seqs[k]) {
                problem(v, CK_REC_P_SUPERSEDE, e->seq, "entry %llu: drops entry %llu, which is not before it",
                        (unsigned long long)e->seq, (unsigned long long)seqs[k]);
                break;
            }
            if (!v->tombstone_by[j]) v->tombstone_by[j] = idx + 1;
        }
    }
    free(seqs);
}

/* Was entry j replaced? By a later version of its section that says so,
 * or by one whose body was itself dropped under a tombstone (an older
 * re-encryption: its own successor vouches for it). */
static int replaced(const verifier *v, size_t j)
{
    if (v->superseded[j]) return 1;
    for (size_t k = j + 1; k < v->in->n; k++)
        if (!v->in->entries[k].envelope && v->tombstone_by[k] && v->superseded[k] &&
            !strcmp(v->in->entries[k].section, v->in->entries[j].section))
            return 1;
    return 0;
}

/* Every listed entry was replaced, and a body the server no longer sends
 * was dropped under a tombstone: otherwise it is withheld. */
static void check_bodies(verifier *v)
{
    for (size_t i = 0; i < v->in->n; i++) {
        const ck_net_entry *e = &v->in->entries[i];
        if (v->tombstone_by[i] && !replaced(v, i))
            problem(v, CK_REC_P_SUPERSEDE, v->in->entries[v->tombstone_by[i] - 1].seq,
                    "entry %llu: drops entry %llu, which no later version replaced",
                    (unsigned long long)v->in->entries[v->tombstone_by[i] - 1].seq, (unsigned long long)e->seq);
        if (!e->envelope && !v->tombstone_by[i] && v->out->valid[i])
            problem(v, CK_REC_P_WITHHELD, e->seq,
                    "entry %llu: the server withholds its body (no tombstone of the owner allows it)",
                    (unsigned long long)e->seq);
    }
}

/* Times never go back along the chain, and nothing after the patient's
 * signed head predates it: an author cannot date an entry into a grant's
 * lifetime once anything later was written or signed (grant expiry is
 * judged on entry times). */
static void check_time(verifier *v, const ck_net_entry *e)
{
    const ck_rec_signed_head *sh = v->in->signed_head;
    if (e->time_ms < v->last_time)
        problem(v, CK_REC_P_TIME, e->seq, "entry %llu is dated before the entry it follows (back-dated)",
                (unsigned long long)e->seq);
    else if (sh && v->signed_head_ok && e->seq > sh->seq && e->time_ms < sh->time_ms)
        problem(v, CK_REC_P_TIME, e->seq, "entry %llu is dated before the patient's signed head %llu (back-dated)",
                (unsigned long long)e->seq, (unsigned long long)sh->seq);
    if (e->time_ms > v->last_time) v->last_time = e->time_ms;
}

static void check_entry(verifier *v, size_t idx, uint64_t *expect_seq, uint8_t prev[32])
{
    const ck_net_entry *e = &v->in->entries[idx];
    ck_rec_container c;
    v->entry_ok = 1;
    if (e->seq > *expect_seq)
        problem(v, CK_REC_P_GAP, e->seq, "entries %llu..%llu are missing (dropped)",
                (unsigned long long)*expect_seq, (unsigned long long)(e->seq - 1));
    else if (e->seq < *expect_seq)
        problem(v, CK_REC_P_ORDER, e->seq, "entry %llu comes after entry %llu (reordered or repeated)",
                (unsigned long long)e->seq, (unsigned long long)(*expect_seq - 1));
    if (memcmp(e->prev_hash, prev, 32) != 0)
        problem(v, CK_REC_P_LINK, e->seq, "entry %llu does not link to the entry before it",
                (unsigned long long)e->seq);
    /* a prefix this reader verified before (its own authenticated copy)
     * skips the hash and signature; everything else is replayed */
    if (idx >= v->in->trusted) check_integrity(v, idx, e);
    check_time(v, e);
    if (v->entry_ok && !e->envelope) {
        /* a dropped body: checked by its digest; a tombstone must allow it */
        if (!may_write(v, e->author, e->section, e->time_ms, 0))
            problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: %.64s had no write grant for %.32s",
                    (unsigned long long)e->seq, e->author, e->section);
    } else if (v->entry_ok) {      /* only a verified entry may change grants or be parsed further */
        if (ck_rec_container_decode(&c, e->envelope, e->envelope_len) != CK_REC_OK) {
            problem(v, CK_REC_P_CONTAINER, e->seq, "entry %llu: malformed container",
                    (unsigned long long)e->seq);
        } else if (c.kind == CK_REC_KIND_GRANT) {
            apply_grant(v, e, &c);
        } else {
            if (!may_write(v, e->author, e->section, e->time_ms, 0))
                problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: %.64s had no write grant for %.32s",
                        (unsigned long long)e->seq, e->author, e->section);
            if (c.kind == CK_REC_KIND_DATA) check_supersedes(v, e, &c, idx);
            if (c.kind == CK_REC_KIND_DATA && ck_rec_in_batch(&c)) batch_entry(v, e, &c);
            if (c.kind == CK_REC_KIND_COMMIT) batch_commit(v, e, &c, idx);
            if (c.kind == CK_REC_KIND_TOMBSTONE) apply_tombstone(v, e, &c, idx);
            if (c.kind == CK_REC_KIND_PROFILE && strcmp(e->author, v->in->patient) != 0)
                problem(v, CK_REC_P_GRANT, e->seq, "entry %llu: only the patient sets her sharing profile",
                        (unsigned long long)e->seq);
        }
    }
    v->out->valid[idx] = (unsigned char)v->entry_ok;
    v->out->n_valid += (size_t)v->entry_ok;
    *expect_seq = e->seq + 1;
    memcpy(prev, e->hash, 32);
}

/* A head the reader trusts must be a prefix of the chain it was shown. */
static void check_trusted_head(verifier *v, uint64_t seq, const uint8_t hash[32], const char *whose)
{
    const ck_rec_verify_in *in = v->in;
    if (seq == 0) return;
    for (size_t i = 0; i < in->n; i++) {
        if (in->entries[i].seq != seq) continue;
        if (memcmp(in->entries[i].hash, hash, 32) != 0)
            problem(v, CK_REC_P_FORK, seq, "%s at entry %llu differs from the record (forked or rewritten)",
                    whose, (unsigned long long)seq);
        return;
    }
    problem(v, CK_REC_P_ROLLBACK, seq, "%s is at entry %llu but the record ends at %llu (rolled back)",
            whose, (unsigned long long)seq, (unsigned long long)v->out->head.seq);
}

static int signed_head_verifies(verifier *v)
{
    const ck_rec_signed_head *sh = v->in->signed_head;
    uint8_t tbs[CK_NET_HEAD_TBS_MAX], pk[32];
    size_t len;
    return v->in->key(v->in->key_ctx, v->in->patient, pk) == 0 &&
           ck_net_head_tbs(tbs, sizeof(tbs), &len, v->in->patient, sh->seq, sh->hash, sh->time_ms) == 0 &&
           ck_net_ed25519_verify(sh->signature, tbs, len, pk) == 0;
}

static void check_signed_head(verifier *v)
{
    const ck_rec_signed_head *sh = v->in->signed_head;
    if (!sh) return;
    if (!v->signed_head_ok) {
        problem(v, CK_REC_P_HEAD, sh->seq, "the patient's signed head does not verify");
        return;
    }
    check_trusted_head(v, sh->seq, sh->hash, "the patient's signed head");
}

/* Below this many entries to check, the workers would cost more than
 * they save. */
#define INTEGRITY_AHEAD_MIN 64

/* The hashes and signatures of the untrusted entries, on every core: 0, or
 * -1 when out of memory. */
static int integrity_ahead(verifier *v)
{
    const ck_rec_verify_in *in = v->in;
    size_t n = in->n > in->trusted ? in->n - in->trusted : 0;
    if (n < INTEGRITY_AHEAD_MIN || in->threads == 1) return 0;
    if (!(v->integrity = malloc(n))) return -1;
    return ck_rec_integrity_many(v->integrity, in->entries + in->trusted, n, in->patient, in->key, in->key_ctx,
                                 in->threads);
}

ck_rec_err ck_rec_verify(ck_rec_verify_out *out, const ck_rec_verify_in *in)
{
    verifier v;
    uint64_t expect = 1;
    uint8_t prev[32] = {0};

    if (!out || !in || !in->patient || !in->key || (!in->entries && in->n)) return CK_REC_ERR_PARAM;
    memset(out, 0, sizeof(*out));
    if (!(out->valid = calloc(in->n ? in->n : 1, 1)) || !(out->batch_state = calloc(in->n ? in->n : 1, 1))) {
        ck_rec_verify_out_free(out);
        return CK_REC_ERR_NOMEM;
    }
    memset(&v, 0, sizeof(v));
    v.out = out;
    v.in = in;
    v.signed_head_ok = in->signed_head && signed_head_verifies(&v);
    v.superseded = calloc(in->n ? in->n : 1, 1);
    v.tombstone_by = calloc(in->n ? in->n : 1, sizeof *v.tombstone_by);
    if (!v.superseded || !v.tombstone_by || integrity_ahead(&v) != 0) {
        free(v.superseded);
        free(v.tombstone_by);
        free(v.integrity);
        ck_rec_verify_out_free(out);
        return CK_REC_ERR_NOMEM;
    }
    for (size_t i = 0; i < in->n; i++) check_entry(&v, i, &expect, prev);
    if (in->n) {
        out->head.seq = in->entries[in->n - 1].seq;
        memcpy(out->head.hash, in->entries[in->n - 1].hash, 32);
    }
    if (in->server_head && in->server_head->seq > out->head.seq)
        problem(&v, CK_REC_P_GAP, in->server_head->seq, "the server's head is entry %llu but only %llu entries came",
                (unsigned long long)in->server_head->seq, (unsigned long long)out->head.seq);
    check_signed_head(&v);
    if (in->last_known) check_trusted_head(&v, in->last_known->seq, in->last_known->hash, "the last head seen here");
    batch_outcome(&v);
    check_bodies(&v);
    free(v.superseded);
    free(v.tombstone_by);
    free(v.grants);
    free(v.integrity);
    return CK_REC_OK;
}

void ck_rec_verify_out_free(ck_rec_verify_out *out)
{
    if (!out) return;
    free(out->valid);
    free(out->batch_state);
    out->valid = NULL;
    out->batch_state = NULL;
}

const char *ck_rec_problem_name(ck_rec_problem_kind k)
{
    switch (k) {
    case CK_REC_P_GAP: return "dropped";
    case CK_REC_P_ORDER: return "reordered";
    case CK_REC_P_LINK: return "broken-link";
    case CK_REC_P_HASH: return "altered";
    case CK_REC_P_SIGNATURE: return "bad-signature";
    case CK_REC_P_AUTHOR: return "unknown-author";
    case CK_REC_P_GRANT: return "no-grant";
    case CK_REC_P_CONTAINER: return "malformed";
    case CK_REC_P_ROLLBACK: return "rolled-back";
    case CK_REC_P_FORK: return "forked";
    case CK_REC_P_HEAD: return "bad-signed-head";
    case CK_REC_P_SUPERSEDE: return "bad-supersede";
    case CK_REC_P_TIME: return "back-dated";
    case CK_REC_P_BATCH: return "bad-batch";
    case CK_REC_P_WITHHELD: return "withheld";
    }
    return "unknown";
}
