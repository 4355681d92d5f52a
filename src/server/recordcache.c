/*
 * recordcache.c - records' grants and entries in memory, for a server on a
 * shared database (PostgreSQL, several instances).
 *
 * A read asked the database twice before its commit: the caller's grants
 * on the record, then the entry. Both change rarely or never: an entry is
 * immutable until a tombstone drops its body, and grants change when the
 * patient or a delegate grants or revokes. Every such change moves the
 * record's generation in its own commit (a trigger; ck_store_record_gen),
 * and nothing else does. So a slot holds one record's rows at one
 * generation, and a read served from it carries that generation to its
 * commit (ck_store_audit.read_gen): the read's audit row and nonce commit
 * only while the record is still there, in one statement. A record that
 * changed on another instance answers CHANGED; the handler forgets the
 * slot and reads again from the database (ckd_read_fresh). A refusal is
 * never decided on cached rows (access.c), so a grant made elsewhere is
 * seen at once too.
 *
 * Rows loaded from the database are tagged with the generation read just
 * before them: they are at least that new, and if the record moved
 * meanwhile the commit finds it. Direct-mapped slots with a lock each and
 * a byte budget; a miss only costs the queries it replaces.
 *
 * Every request also keeps the last grant rows it read (any store): a
 * write looks at the caller's grants for her relation and again for the
 * section, and the second look is the first one's rows.
 */
#include "ckd.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024
#define GRANTEES_MAX 256       /* callers' grant lists per record */
#define ENTRIES_MAX 4096       /* entries per record (a power of two) */
#define ENTRY_MAX (256 << 10)  /* larger envelopes are read each time */

typedef struct {
    char grantee[CK_STORE_ID_CAP];
    ck_store_grant *v;
    size_t n;
} grant_set;

/* A record's rows at one generation. Entries are direct-mapped by seq: a
 * record's seqs are 1..head, so the table (doubled up to ENTRIES_MAX when
 * two seqs meet) holds the latest ones without collisions. */
typedef struct {
    pthread_mutex_t mu;
    char patient[CK_STORE_ID_CAP];
    int64_t gen; /* 0: empty */
    grant_set *g;
    size_t ng, next_g;
    ck_store_entry *e; /* ecap slots, seq 0: unused */
    size_t ecap;
} rslot;

struct ckd_rcache {
    uint64_t key;
    size_t max_bytes, bytes; /* bytes: changed under a slot's lock, atomically */
    unsigned long hits, misses, changed;
    rslot s[SLOTS];
};

ckd_rcache *ckd_rcache_new(size_t max_bytes)
{
    ckd_rcache *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->max_bytes = max_bytes;
    if (RAND_bytes((unsigned char *)&c->key, sizeof c->key) != 1) c->key = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < SLOTS; i++) pthread_mutex_init(&c->s[i].mu, NULL);
    return c;
}

/* Takes b bytes from the budget: 0, or -1 when they do not fit. */
static int take(ckd_rcache *c, size_t b)
{
    if (__atomic_add_fetch(&c->bytes, b, __ATOMIC_RELAXED) > c->max_bytes) {
        __atomic_sub_fetch(&c->bytes, b, __ATOMIC_RELAXED);
        return -1;
    }
    return 0;
}

static void give(ckd_rcache *c, size_t b) { __atomic_sub_fetch(&c->bytes, b, __ATOMIC_RELAXED); }

static void grant_set_clear(ckd_rcache *c, grant_set *g)
{
    give(c, g->n * sizeof *g->v);
    free(g->v);
    memset(g, 0, sizeof *g);
}

static void entry_clear(ckd_rcache *c, ck_store_entry *e)
{
    if (e->seq == 0) return;
    give(c, e->envelope_len);
    ck_store_entry_clear(e);
    e->seq = 0;
}

/* Empties the slot and gives it to (patient, gen); gen 0 leaves it empty. */
static void slot_reset(ckd_rcache *c, rslot *s, const char *patient, int64_t gen)
{
    for (size_t i = 0; i < s->ng; i++) grant_set_clear(c, &s->g[i]);
    for (size_t i = 0; i < s->ecap; i++) entry_clear(c, &s->e[i]);
    give(c, s->ng * sizeof *s->g + s->ecap * sizeof *s->e);
    free(s->g);
    free(s->e);
    s->g = NULL;
    s->e = NULL;
    s->ng = s->next_g = s->ecap = 0;
    snprintf(s->patient, sizeof s->patient, "%s", gen ? patient : "");
    s->gen = gen;
}

void ckd_rcache_free(ckd_rcache *c)
{
    if (c == NULL) return;
    for (int i = 0; i < SLOTS; i++) {
        slot_reset(c, &c->s[i], "", 0);
        pthread_mutex_destroy(&c->s[i].mu);
    }
    free(c);
}

static rslot *slot_of(ckd_rcache *c, const char *patient)
{
    return &c->s[ckd_str_hash(c->key, patient) % SLOTS];
}

/* Locks patient's slot; NULL (unlocked) when it holds another record or
 * nothing. */
static rslot *lock_held(ckd_rcache *c, const char *patient)
{
    rslot *s = slot_of(c, patient);
    pthread_mutex_lock(&s->mu);
    if (s->gen && !strcmp(s->patient, patient)) return s;
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Locks patient's slot for rows loaded at gen: a slot of another record
 * or an older generation is given to this one; NULL (unlocked) when the
 * slot already holds a newer generation (these rows are older). */
static rslot *lock_for(ckd_rcache *c, const char *patient, int64_t gen)
{
    rslot *s = slot_of(c, patient);
    pthread_mutex_lock(&s->mu);
    if (strcmp(s->patient, patient) != 0 || s->gen < gen) slot_reset(c, s, patient, gen);
    if (s->gen == gen) return s;
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int copy_grants(ck_store_grant **out, const ck_store_grant *v, size_t n)
{
    *out = malloc(n ? n * sizeof *v : 1);
    if (*out == NULL) return -1;
    if (n) memcpy(*out, v, n * sizeof *v);
    return 0;
}

/* A copy the caller owns (ck_store_entry_clear); -1 when out of memory. */
static int copy_entry(ck_store_entry *out, const ck_store_entry *e)
{
    *out = *e;
    out->drop = NULL;
    out->n_drop = 0;
    if (e->envelope == NULL) return 0;
    if ((out->envelope = malloc(e->envelope_len ? e->envelope_len : 1)) == NULL) return -1;
    memcpy(out->envelope, e->envelope, e->envelope_len);
    return 0;
}

static grant_set *grant_set_of(rslot *s, const char *grantee)
{
    for (size_t i = 0; i < s->ng; i++)
        if (!strcmp(s->g[i].grantee, grantee)) return &s->g[i];
    return NULL;
}

static int grants_get(ckd_rcache *c, const char *patient, const char *grantee, ck_store_grant **v, size_t *n,
                      int64_t *gen)
{
    rslot *s = lock_held(c, patient);
    grant_set *g;
    int hit = 0;
    if (s == NULL) return 0;
    if ((g = grant_set_of(s, grantee)) != NULL && copy_grants(v, g->v, g->n) == 0) {
        hit = 1;
        *n = g->n;
        *gen = s->gen;
    }
    pthread_mutex_unlock(&s->mu);
    return hit;
}

/* A set for grantee: a new one while there is room, else the next in turn. */
static grant_set *grant_set_new(ckd_rcache *c, rslot *s)
{
    grant_set *g;
    if (s->ng == GRANTEES_MAX) {
        g = &s->g[s->next_g++ % GRANTEES_MAX];
        grant_set_clear(c, g);
        return g;
    }
    if (take(c, sizeof *g) != 0) return NULL;
    if ((g = realloc(s->g, (s->ng + 1) * sizeof *g)) == NULL) {
        give(c, sizeof *g);
        return NULL;
    }
    s->g = g;
    memset(&g[s->ng], 0, sizeof *g);
    return &g[s->ng++];
}

static void grants_put(ckd_rcache *c, const char *patient, int64_t gen, const char *grantee,
                       const ck_store_grant *v, size_t n)
{
    rslot *s = lock_for(c, patient, gen);
    grant_set *g;
    if (s == NULL) return;
    if ((g = grant_set_of(s, grantee)) != NULL) grant_set_clear(c, g);
    if ((g = g ? g : grant_set_new(c, s)) == NULL || take(c, n * sizeof *v) != 0) goto out;
    if (copy_grants(&g->v, v, n) != 0) {
        g->v = NULL;
        give(c, n * sizeof *v);
        goto out;
    }
    snprintf(g->grantee, sizeof g->grantee, "%s", grantee);
    g->n = n;
out:
    pthread_mutex_unlock(&s->mu);
}

static int entry_get(ckd_rcache *c, const char *patient, uint64_t seq, ck_store_entry *out, int64_t *gen)
{
    rslot *s = lock_held(c, patient);
    int hit;
    if (s == NULL) return 0;
    hit = s->ecap && s->e[seq % s->ecap].seq == seq && copy_entry(out, &s->e[seq % s->ecap]) == 0;
    *gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    return hit;
}

/* Room for seq: the table doubles (up to ENTRIES_MAX) when seq would
 * push out another entry; at the cap the other one goes. */
static ck_store_entry *entry_room(ckd_rcache *c, rslot *s, uint64_t seq)
{
    size_t cap = s->ecap ? s->ecap : 16;
    ck_store_entry *t;
    if (s->ecap && s->e[seq % s->ecap].seq && s->e[seq % s->ecap].seq != seq && cap < ENTRIES_MAX) cap *= 2;
    if (cap != s->ecap) {
        if (take(c, cap * sizeof *t) != 0) return NULL;
        if ((t = calloc(cap, sizeof *t)) == NULL) {
            give(c, cap * sizeof *t);
            return NULL;
        }
        for (size_t i = 0; i < s->ecap; i++) {
            ck_store_entry *x = &s->e[i];
            if (x->seq && t[x->seq % cap].seq == 0) t[x->seq % cap] = *x;
            else entry_clear(c, x);
        }
        give(c, s->ecap * sizeof *t);
        free(s->e);
        s->e = t;
        s->ecap = cap;
    }
    entry_clear(c, &s->e[seq % cap]);
    return &s->e[seq % cap];
}

static void entry_put(ckd_rcache *c, int64_t gen, const ck_store_entry *e)
{
    rslot *s;
    ck_store_entry *x;
    if (e->envelope_len > ENTRY_MAX || (s = lock_for(c, e->patient, gen)) == NULL) return;
    if ((x = entry_room(c, s, e->seq)) == NULL || take(c, e->envelope_len) != 0) goto out;
    if (copy_entry(x, e) != 0) {
        give(c, e->envelope_len);
        memset(x, 0, sizeof *x);
    }
out:
    pthread_mutex_unlock(&s->mu);
}

/* ---- a request's reads ---------------------------------------------------- */

static ckd_rcache *usable(const ckd_req *r)
{
    return r->cache_ok && !r->cache_off ? r->srv->rcache : NULL;
}

/* Rows at generation gen join the request's read. Rows of two
 * generations (or records) cannot all be current at once: the commit is
 * then made to fail (ckd_read_gen). */
static void note_gen(ckd_req *r, const char *patient, int64_t gen)
{
    if (r->rgen == 0) {
        r->rgen = gen;
        snprintf(r->rpatient, sizeof r->rpatient, "%s", patient);
    } else if (r->rgen != gen || strcmp(r->rpatient, patient) != 0) {
        r->rmixed = 1;
    }
}

/* The record's generation before a load; NOT_FOUND (no record) reads
 * uncached: there is nothing a generation could cover. */
static ck_store_rc gen_before_load(ckd_req *r, const char *patient, int64_t *gen)
{
    __atomic_add_fetch(&r->srv->rcache->misses, 1, __ATOMIC_RELAXED);
    return ck_store_record_gen(r->srv->store, patient, gen);
}

/* The request's own memo of the last grants it read: a second look in
 * the same request costs no query and sees the same rows. */
static int memo_get(const ckd_req *r, const char *patient, const char *grantee, ck_store_grant **v, size_t *n)
{
    if (r->memo == NULL || strcmp(r->memo_patient, patient) != 0 || strcmp(r->memo_grantee, grantee) != 0) return 0;
    if (copy_grants(v, r->memo, r->memo_n) != 0) return 0;
    *n = r->memo_n;
    return 1;
}

static void memo_put(ckd_req *r, const char *patient, const char *grantee, const ck_store_grant *v, size_t n)
{
    free(r->memo);
    if (copy_grants(&r->memo, v, n) != 0) {
        r->memo = NULL;
        return;
    }
    r->memo_n = n;
    snprintf(r->memo_patient, sizeof r->memo_patient, "%s", patient);
    snprintf(r->memo_grantee, sizeof r->memo_grantee, "%s", grantee);
}

/* The caller's grants through the record cache (when the route allows it)
 * or the store. */
static ck_store_rc grants_load(ckd_req *r, const char *patient, const char *grantee, ck_store_grant **v, size_t *n)
{
    ckd_rcache *c = usable(r);
    int64_t gen;
    ck_store_rc rc;
    if (c == NULL) return ck_store_grants(r->srv->store, patient, grantee, v, n);
    if (grants_get(c, patient, grantee, v, n, &gen)) {
        __atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
        note_gen(r, patient, gen);
        return CK_STORE_OK;
    }
    if ((rc = gen_before_load(r, patient, &gen)) == CK_STORE_NOT_FOUND)
        return ck_store_grants(r->srv->store, patient, grantee, v, n);
    if (rc != CK_STORE_OK || (rc = ck_store_grants(r->srv->store, patient, grantee, v, n)) != CK_STORE_OK) return rc;
    grants_put(c, patient, gen, grantee, *v, *n);
    note_gen(r, patient, gen);
    return CK_STORE_OK;
}

ck_store_rc ckd_read_grants(ckd_req *r, const char *patient, const char *grantee, ck_store_grant **v, size_t *n)
{
    ck_store_rc rc;
    if (grantee == NULL) return ck_store_grants(r->srv->store, patient, grantee, v, n);
    if (memo_get(r, patient, grantee, v, n)) return CK_STORE_OK;
    if ((rc = grants_load(r, patient, grantee, v, n)) == CK_STORE_OK) memo_put(r, patient, grantee, *v, *n);
    return rc;
}

ck_store_rc ckd_read_entry(ckd_req *r, const char *patient, uint64_t seq, ck_store_entry *out)
{
    ckd_rcache *c = usable(r);
    int64_t gen;
    ck_store_rc rc;
    if (c == NULL) return ck_store_entry_get(r->srv->store, patient, seq, out);
    if (entry_get(c, patient, seq, out, &gen)) {
        __atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
        note_gen(r, patient, gen);
        return CK_STORE_OK;
    }
    if ((rc = gen_before_load(r, patient, &gen)) == CK_STORE_NOT_FOUND)
        return ck_store_entry_get(r->srv->store, patient, seq, out);
    if (rc != CK_STORE_OK || (rc = ck_store_entry_get(r->srv->store, patient, seq, out)) != CK_STORE_OK) return rc;
    entry_put(c, gen, out);
    note_gen(r, patient, gen);
    return CK_STORE_OK;
}

void ckd_read_fresh(ckd_req *r, const char *patient)
{
    ckd_rcache *c = r->srv->rcache;
    rslot *s;
    free(r->memo); /* rows that may have come from the cache: read again */
    r->memo = NULL;
    if (c == NULL) return;
    if ((s = lock_held(c, patient)) != NULL) {
        slot_reset(c, s, patient, 0);
        pthread_mutex_unlock(&s->mu);
    }
    if (r->rgen) __atomic_add_fetch(&c->changed, 1, __ATOMIC_RELAXED);
    r->cache_off = 1;
    r->rgen = 0;
    r->rmixed = 0;
}

int64_t ckd_read_gen(const ckd_req *r, const char *patient)
{
    if (r->rgen == 0 || strcmp(r->rpatient, patient) != 0) return 0;
    return r->rmixed ? -1 : r->rgen; /* no record is at generation -1 */
}

void ckd_rcache_stats(const ckd_rcache *c, unsigned long *hits, unsigned long *misses, unsigned long *changed)
{
    *hits = c ? __atomic_load_n(&c->hits, __ATOMIC_RELAXED) : 0;
    *misses = c ? __atomic_load_n(&c->misses, __ATOMIC_RELAXED) : 0;
    *changed = c ? __atomic_load_n(&c->changed, __ATOMIC_RELAXED) : 0;
}
