/*
 * src/abe/maabe_attr_table.c - F(label, epoch)^t through fixed-base tables.
 *
 * Every ciphertext row raises its attribute's point F(u) to a fresh secret
 * t (C4 = F^t), and so does every key issued for u. A variable-base G2
 * multiplication costs about 2.5 times a fixed-base table multiplication,
 * and a hospital writes the same few attributes into every record, so a
 * small cache keeps a fixed-base table (ck_g2_table, 96 KiB) for the
 * attributes used repeatedly. A table is built on an attribute's second use
 * (a one-off attribute never pays the ~10 multiplications' worth a table
 * costs, about 1.5 ms), at most ATTR_TABLES_MAX tables live at once, and a slot's table
 * is reference-counted so a thread may use it while another replaces the
 * slot. Tables hold public points only; the table multiplication scans
 * whole rows (constant time in t), like the generator tables.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "abe/maabe_internal.h"

#define ATTR_TABLE_SLOTS 64
#define ATTR_TABLES_MAX 48 /* about 4.6 MiB */

typedef struct {
    unsigned refs; /* the slot's reference plus one per user */
    ck_g2_table t;
} attr_table;

typedef struct {
    int used, building;
    unsigned uses;
    uint32_t epoch;
    char label[CK_POLICY_LABEL_MAX];
    attr_table *table;
} table_slot;

static table_slot slots[ATTR_TABLE_SLOTS];
static unsigned live_tables;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_index(const char *label, uint32_t epoch)
{
    uint64_t h = 0x84222325cbf29ce4ULL;                /* FNV-1a, other basis */
    for (const char *c = label; *c; c++) h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
    h = (h ^ epoch) * 0x100000001b3ULL;
    return (size_t)(h % ATTR_TABLE_SLOTS);
}

/* Drop one reference (the caller holds the lock). */
static void table_release(attr_table *t)
{
    if (t && --t->refs == 0) {
        free(t);
        live_tables--;
    }
}

/* What to do for this use: 1 = use *tab (a reference taken), 2 = build one
 * for the slot, 0 = multiply without a table. */
static int slot_claim(size_t i, const char *label, uint32_t epoch, attr_table **tab)
{
    table_slot *s = &slots[i];
    if (!s->used || s->epoch != epoch || strcmp(s->label, label) != 0) {
        table_release(s->table);
        memset(s, 0, sizeof(*s));
        s->used = 1;
        s->epoch = epoch;
        strcpy(s->label, label);
    }
    s->uses++;
    if (s->table) {
        s->table->refs++;
        *tab = s->table;
        return 1;
    }
    if (s->uses >= 2 && !s->building && live_tables < ATTR_TABLES_MAX) {
        s->building = 1;
        live_tables++;                 /* reserved now, released on failure */
        return 2;
    }
    return 0;
}

/* Builds the slot's table; returns it with a user reference, or NULL. */
static attr_table *slot_build(size_t i, const char *label, uint32_t epoch, const ck_g2 *f)
{
    attr_table *t = malloc(sizeof(*t));
    if (t) {
        ck_g2_table_init(&t->t, f);
        t->refs = 2;
    }
    pthread_mutex_lock(&lock);
    table_slot *s = &slots[i];
    if (t && s->used && s->building && s->epoch == epoch && strcmp(s->label, label) == 0 && !s->table) {
        s->table = t;
        s->building = 0;
    } else {
        /* the slot moved on while building (or no memory): use it once */
        if (s->used && s->epoch == epoch && strcmp(s->label, label) == 0) s->building = 0;
        if (t) t->refs = 1;
        else live_tables--;
    }
    pthread_mutex_unlock(&lock);
    return t;
}

/* Where F(label, epoch)^k comes from: *tab (a user reference; built here
 * on the attribute's second use) or, with *tab NULL, the point *f for a
 * plain multiplication. */
static ck_abe_err attr_source(attr_table **tab, ck_g2 *f, const char *label, uint32_t epoch)
{
    ck_abe_err rc;
    size_t i;
    int how;
    *tab = NULL;
    if (strlen(label) >= CK_POLICY_LABEL_MAX) return CK_ABE_ERR_PARAM;
    i = slot_index(label, epoch);
    pthread_mutex_lock(&lock);
    how = slot_claim(i, label, epoch, tab);
    pthread_mutex_unlock(&lock);
    if (how == 1) return CK_ABE_OK;
    if ((rc = ck_abe_hash_attr_cached(f, label, epoch)) != CK_ABE_OK) {
        if (how == 2) {
            pthread_mutex_lock(&lock);
            slots[i].building = 0;
            live_tables--;
            pthread_mutex_unlock(&lock);
        }
        return rc;
    }
    if (how == 2) *tab = slot_build(i, label, epoch, f);
    return CK_ABE_OK;
}

static void attr_release(attr_table *tab)
{
    if (!tab) return;
    pthread_mutex_lock(&lock);
    table_release(tab);
    pthread_mutex_unlock(&lock);
}

ck_abe_err ck_abe_attr_mul(ck_g2 *r, const char *label, uint32_t epoch, const ck_fr *k)
{
    attr_table *tab;
    ck_g2 f;
    ck_abe_err rc = attr_source(&tab, &f, label, epoch);
    if (rc != CK_ABE_OK) return rc;
    if (tab) ck_g2_table_mul(r, &tab->t, k);
    else ck_g2_mul(r, &f, k);
    attr_release(tab);
    return CK_ABE_OK;
}

ck_abe_err ck_abe_attr_mul_many(ck_g2 *r, const char *const *label, const uint32_t *epoch, const ck_fr *k,
                                size_t n)
{
    attr_table **tab = calloc(n ? n : 1, sizeof(*tab));
    const ck_g2_table **tt = calloc(n ? n : 1, sizeof(*tt));
    ck_fr *kk = calloc(n ? n : 1, sizeof(*kk));
    ck_g2 *out = calloc(n ? n : 1, sizeof(*out)), f;
    ck_abe_err rc = CK_ABE_ERR_NOMEM;
    size_t m = 0, got = 0;
    if (!tab || !tt || !kk || !out) goto out;
    for (; got < n; got++) {
        if ((rc = attr_source(&tab[got], &f, label[got], epoch[got])) != CK_ABE_OK) goto out;
        if (!tab[got]) {
            ck_g2_mul(&r[got], &f, &k[got]);
            continue;
        }
        tt[m] = &tab[got]->t;
        kk[m++] = k[got];
    }
    ck_g2_table_mul_many(out, tt, kk, m);
    for (size_t i = 0, j = 0; i < n; i++)
        if (tab[i]) r[i] = out[j++];
    rc = CK_ABE_OK;
out:
    for (size_t i = 0; tab && i < got; i++) attr_release(tab[i]);
    if (kk) ck_wipe(kk, (n ? n : 1) * sizeof(*kk));
    free(tab);
    free(tt);
    free(kk);
    free(out);
    return rc;
}
