/*
 * src/node/record/batch.c - batches of entries, all or nothing (record_impl.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/record/record_impl.h"

void ck_node_batch_free(ck_node_batch *p)
{
    for (size_t i = 0; i < p->n; i++) {
        ck_node_free_str(p->e[i].payload);
        free(p->e[i].policy);
        free(p->e[i].env);
    }
    free(p->e);
    memset(p, 0, sizeof *p);
}

int ck_node_batch_add(ck_node_batch *p, const char *section, const char *type, const json_t *payload, char *policy,
                  size_t items)
{
    ck_node_batch_entry *x;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        ck_node_batch_entry *ne = realloc(p->e, cap * sizeof *ne);
        if (!ne) return -1;
        p->e = ne;
        p->cap = cap;
    }
    x = &p->e[p->n];
    memset(x, 0, sizeof *x);
    snprintf(x->section, sizeof x->section, "%s", section);
    snprintf(x->type, sizeof x->type, "%s", type);
    if (!(x->payload = ck_fhir_json_dump(payload, JSON_COMPACT))) return -1;
    x->policy = policy;
    x->items = items;
    p->n_items += items;
    p->n++;
    return 0;
}

json_t *ck_node_batch_chunk(const json_t *arr, size_t *k, size_t max_bytes)
{
    size_t total = json_array_size(arr), bytes = 2;
    json_t *chunk = json_array();
    while (chunk && *k < total) {
        size_t sz = json_dumpb(json_array_get(arr, *k), NULL, 0, JSON_COMPACT) + 1;
        if (json_array_size(chunk) && bytes + sz > max_bytes) break;
        json_array_append(chunk, json_array_get(arr, *k));
        bytes += sz;
        (*k)++;
    }
    return chunk;
}

/* Any authority or epoch the profile names that cannot be verified fails
 * here, before a write. */
int ck_node_batch_seal(ck_node_batch *p, ck_node *c, ck_node_sealer *sl, const char *patient)
{
    for (size_t i = 0; i < p->n; i++) {
        ck_node_batch_entry *x = &p->e[i];
        ck_rec_batch b;
        ck_seal_policy pol;
        ck_policy_error pe;
        int rc;
        memcpy(b.id, p->id, CK_REC_ID_BYTES);
        b.index = (uint32_t)i;
        b.count = (uint32_t)p->n;
        if ((rc = ck_node_sealer_policy(sl, x->policy, &pol)) != 0) return rc;
        memset(&pe, 0, sizeof pe);
        if (ck_rec_seal_batch(&x->env, &x->env_len, patient, x->section, x->type, (const uint8_t *)x->payload,
                              strlen(x->payload), &pol, 0, &b, NULL, &pe) != CK_REC_OK) {
            return ck_node_fail(c, CK_NODE_E_INVALID, "seal_failed", "sealing section %s failed%s%s", x->section,
                                pe.msg[0] ? ": " : "", pe.msg);
        }
        ck_node_free_str(x->payload);
        x->payload = NULL;
        if (ck_node_step(c, CK_NODE_PHASE_SEAL, i + 1, p->n) != 0) return -1;
    }
    return 0;
}

/* What the record holds of one batch of this author. */
typedef enum { BATCH_NEW, BATCH_OPEN, BATCH_COMMITTED, BATCH_ABANDONED } batch_found;

/* Batch id, count: committed, abandoned (a later commit gave up on it, so
 * its empty places can never be filled), or open / new with the places
 * present marked in have[]. */
static batch_found batch_find(const ck_node_view *v, const char *me, const uint8_t id[CK_REC_ID_BYTES], size_t count,
                              unsigned char *have)
{
    batch_found f = BATCH_NEW;
    memset(have, 0, count);
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container c;
        if (!v->vo.valid[i] || !v->e[i].envelope ||
            ck_rec_container_decode(&c, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK)
            continue;
        if (c.kind == CK_REC_KIND_COMMIT) {
            ck_rec_commit k;
            if (ck_rec_commit_decode(&k, c.body, c.body_len) == CK_REC_OK && !memcmp(k.batch, id, CK_REC_ID_BYTES) &&
                !strcmp(v->e[i].author, me))
                return BATCH_COMMITTED;
            continue;
        }
        if (c.kind != CK_REC_KIND_DATA || !ck_rec_in_batch(&c) || strcmp(v->e[i].author, me) != 0 ||
            memcmp(c.batch.id, id, CK_REC_ID_BYTES) != 0)
            continue;
        if (v->vo.batch_state[i] == CK_REC_BATCH_ABANDONED) return BATCH_ABANDONED;
        if (c.batch.count == count) have[c.batch.index] = 1;
        f = BATCH_OPEN;
    }
    return f;
}

/* This author's open batches other than id, for the commit to give up on
 * (they were interrupted and another batch comes after them). */
static void batch_abandon(const ck_node_view *v, const char *me, const uint8_t id[CK_REC_ID_BYTES], ck_rec_commit *cm)
{
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container c;
        int dup = 0;
        if (v->vo.batch_state[i] != CK_REC_BATCH_OPEN || strcmp(v->e[i].author, me) != 0 || !v->e[i].envelope ||
            ck_rec_container_decode(&c, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK ||
            c.kind != CK_REC_KIND_DATA || !memcmp(c.batch.id, id, CK_REC_ID_BYTES))
            continue;
        for (size_t k = 0; k < cm->n_abandon; k++) dup |= !memcmp(cm->abandon[k], c.batch.id, CK_REC_ID_BYTES);
        if (!dup && cm->n_abandon < CK_REC_ABANDON_MAX) memcpy(cm->abandon[cm->n_abandon++], c.batch.id, CK_REC_ID_BYTES);
    }
}

/* Generation g of batch id: the id itself, then ids derived from it. A
 * batch a later commit abandoned cannot take more entries (readers would
 * refuse them), so running the same import again after that writes it
 * whole under the next generation; an import is "already imported" when
 * any generation is committed. */
static void batch_generation(uint8_t out[CK_REC_ID_BYTES], const uint8_t id[CK_REC_ID_BYTES], unsigned g)
{
    uint8_t buf[32 + CK_REC_ID_BYTES + 4], h[32];
    size_t n = (size_t)snprintf((char *)buf, 32, "carekey-batch-retry|");
    if (g == 0) {
        memcpy(out, id, CK_REC_ID_BYTES);
        return;
    }
    memcpy(buf + n, id, CK_REC_ID_BYTES);
    n += CK_REC_ID_BYTES;
    for (int k = 0; k < 4; k++) buf[n++] = (uint8_t)(g >> (24 - 8 * k));
    ck_net_sha256(h, buf, n);
    memcpy(out, h, CK_REC_ID_BYTES);
}

/* Puts every sealed entry of p into batch id (the batch fields sit in the
 * record container, outside the sealed envelope and its associated data). */
static int batch_rename(ck_node_batch *p, const uint8_t id[CK_REC_ID_BYTES])
{
    for (size_t i = 0; i < p->n; i++) {
        ck_rec_container c;
        uint8_t *env;
        size_t len;
        if (ck_rec_container_decode(&c, p->e[i].env, p->e[i].env_len) != CK_REC_OK) return -1;
        memcpy(c.batch.id, id, CK_REC_ID_BYTES);
        len = ck_rec_container_encode(NULL, &c);
        if (!(env = malloc(len))) return -1;
        ck_rec_container_encode(env, &c);
        free(p->e[i].env);
        p->e[i].env = env;
        p->e[i].env_len = len;
    }
    memcpy(p->id, id, CK_REC_ID_BYTES);
    return 0;
}

#define BATCH_GENERATIONS 64
#define BATCH_ROUNDS 1024 /* re-reads when another writer moved the head */
#define MOVED 1           /* append_on: the head moved under us */

/* Appends one envelope onto exactly *head, no retry: 0 with *head
 * moved on, MOVED when another writer appended first (409 head_mismatch),
 * or an error. Writing only onto the head the batch's state was read at
 * is what keeps two runs of one import from filling a place twice. */
static int append_on(ck_node *c, const char *patient, const char *section, const char *type, const uint8_t *env,
                     size_t env_len, ck_net_head *head)
{
    ck_net_head out;
    uint64_t t;
    int rc;
    if ((rc = ck_node_append_time(c, patient, head, &t)) != 0) return rc;
    if (ck_net_append(c->net, patient, section, type, head->hash, t, env, env_len, &out) == 0) {
        *head = out;
        return 0;
    }
    if (ck_net_append_raced(c->net)) return MOVED;
    return ck_node_fail_net(c, c->net, "appending");
}

/* One round: reads and verifies the record, finds the batch's generation
 * and what it holds, appends the missing entries and the commit onto the
 * head it read. MOVED when another writer got in between (the caller reads
 * again: the other may have written some of the places, or the commit). */
static int write_round(ck_node_batch *p, const uint8_t base[CK_REC_ID_BYTES], ck_node *c, const char *patient,
                       size_t *appended, int *already)
{
    ck_node_view v;
    ck_rec_commit cm;
    ck_net_head head;
    unsigned char *have = calloc(p->n ? p->n : 1, 1);
    uint8_t *env = NULL, id[CK_REC_ID_BYTES];
    size_t env_len = 0;
    const char *me;
    batch_found f = BATCH_ABANDONED;
    int rc;

    memset(&cm, 0, sizeof cm);
    memset(&v, 0, sizeof v);
    if (!have) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0) goto out;
    rc = -1;
    if (ck_node_view_problems(&v)) {
        ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "the record does not verify; nothing was written");
        goto out;
    }
    me = ck_keyring_identity(c->s->kr)->gid;
    for (unsigned g = 0; g < BATCH_GENERATIONS && f == BATCH_ABANDONED; g++) {
        batch_generation(id, base, g);
        f = batch_find(&v, me, id, p->n, have);
    }
    if (f == BATCH_COMMITTED) {
        *already = 1;
        rc = 0;
        goto out;
    }
    if (f == BATCH_ABANDONED) {
        ck_node_fail(c, CK_NODE_E_CONFLICT, "batch_abandoned", "this batch was given up %d times; nothing was written",
                     BATCH_GENERATIONS);
        goto out;
    }
    if (memcmp(id, p->id, CK_REC_ID_BYTES) != 0 && batch_rename(p, id) != 0) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    batch_abandon(&v, me, p->id, &cm);
    head = v.vo.head;
    rc = 0;
    for (size_t i = 0; i < p->n && rc == 0; i++) {
        if (have[i]) continue;
        if ((rc = append_on(c, patient, p->e[i].section, p->e[i].type, p->e[i].env, p->e[i].env_len, &head)) == 0)
            (*appended)++;
        /* the pages' progress bar; a cancel here leaves an uncommitted batch a re-run completes */
        if (rc == 0 && ck_node_step(c, CK_NODE_PHASE_APPEND, i + 1, p->n) != 0) rc = -1;
    }
    if (rc != 0) goto out;
    memcpy(cm.batch, p->id, CK_REC_ID_BYTES);
    cm.count = (uint32_t)p->n;
    rc = -1;
    if (ck_rec_commit_container(&env, &env_len, &cm) != CK_REC_OK) {
        ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    rc = append_on(c, patient, CK_NODE_BATCH_SECTION, CK_NODE_BATCH_COMMIT_TYPE, env, env_len, &head);
out:
    free(env);
    free(have);
    ck_node_view_free(&v);
    return rc;
}

/* Appends the entries the record lacks, then the commit that makes the
 * batch part of the record, reading again whenever another writer moved
 * the head. */
int ck_node_batch_write(ck_node_batch *p, ck_node *c, const char *patient, size_t *appended, int *already)
{
    uint8_t base[CK_REC_ID_BYTES];
    int rc;
    *appended = 0;
    *already = 0;
    memcpy(base, p->id, CK_REC_ID_BYTES);   /* generations derive from the planned id */
    if ((rc = ck_node_net(c)) != 0) return rc;
    rc = MOVED;
    for (int round = 0; round < BATCH_ROUNDS && rc == MOVED; round++) {
        if (round) usleep((useconds_t)(1000 * (1 + round % 16)));   /* let the other writer go on */
        rc = write_round(p, base, c, patient, appended, already);
    }
    if (rc == MOVED) {
        rc = ck_node_fail(c, CK_NODE_E_CONFLICT, "head_moving",
                          "appending: the record kept moving (%d reads); run the same command again", BATCH_ROUNDS);
    }
    return rc;
}
