/*
 * src/client/cli_batch.c - batches of entries, all or nothing (cli_batch.h).
 */
#include <stdlib.h>
#include <string.h>

#include "client/cli_batch.h"

void cli_batch_free(cli_batch *p)
{
    for (size_t i = 0; i < p->n; i++) {
        cli_rec_free_str(p->e[i].payload);
        free(p->e[i].policy);
        free(p->e[i].env);
    }
    free(p->e);
    memset(p, 0, sizeof *p);
}

int cli_batch_add(cli_batch *p, const char *section, const char *type, const json_t *payload, char *policy,
                  size_t items)
{
    cli_batch_entry *x;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        cli_batch_entry *ne = realloc(p->e, cap * sizeof *ne);
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

json_t *cli_batch_chunk(const json_t *arr, size_t *k, size_t max_bytes)
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
int cli_batch_seal(cli_batch *p, cli_ctx *c, cli_rec_sealer *sl, const char *patient, cli_progress *pr)
{
    for (size_t i = 0; i < p->n; i++) {
        cli_batch_entry *x = &p->e[i];
        ck_rec_batch b;
        ck_seal_policy pol;
        ck_policy_error pe;
        int rc;
        memcpy(b.id, p->id, CK_REC_ID_BYTES);
        b.index = (uint32_t)i;
        b.count = (uint32_t)p->n;
        if ((rc = cli_rec_sealer_policy(sl, x->policy, &pol)) != CLI_OK) return rc;
        memset(&pe, 0, sizeof pe);
        if (ck_rec_seal_batch(&x->env, &x->env_len, patient, x->section, x->type, (const uint8_t *)x->payload,
                              strlen(x->payload), &pol, 0, &b, NULL, &pe) != CK_REC_OK) {
            cli_error(c->cmd, "sealing section %s failed%s%s; nothing was written", x->section, pe.msg[0] ? ": " : "",
                      pe.msg);
            return CLI_FAIL;
        }
        cli_rec_free_str(x->payload);
        x->payload = NULL;
        cli_progress_step(pr, 1);
    }
    return CLI_OK;
}

/* What the record already holds of this batch: *committed, and the places
 * present (have[i]); open batches of this author go into cm->abandon. */
static void batch_status(const cli_rec_view *v, const char *me, const cli_batch *p, unsigned char *have,
                         int *committed, ck_rec_commit *cm)
{
    *committed = 0;
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container c;
        if (!v->vo.valid[i] || ck_rec_container_decode(&c, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK)
            continue;
        if (c.kind == CK_REC_KIND_COMMIT) {
            ck_rec_commit k;
            if (ck_rec_commit_decode(&k, c.body, c.body_len) == CK_REC_OK && !memcmp(k.batch, p->id, CK_REC_ID_BYTES))
                *committed = 1;
            continue;
        }
        if (c.kind != CK_REC_KIND_DATA || !ck_rec_in_batch(&c) || strcmp(v->e[i].author, me) != 0) continue;
        if (!memcmp(c.batch.id, p->id, CK_REC_ID_BYTES)) {
            if (c.batch.count == p->n) have[c.batch.index] = 1;
        } else if (v->vo.batch_state[i] == CK_REC_BATCH_OPEN && cm->n_abandon < CK_REC_ABANDON_MAX) {
            int dup = 0;
            for (size_t k = 0; k < cm->n_abandon; k++) dup |= !memcmp(cm->abandon[k], c.batch.id, CK_REC_ID_BYTES);
            if (!dup) memcpy(cm->abandon[cm->n_abandon++], c.batch.id, CK_REC_ID_BYTES);
        }
    }
}

/* Appends the entries the record lacks, then the commit that makes the
 * batch part of the record. */
int cli_batch_write(cli_batch *p, cli_ctx *c, const char *patient, size_t *appended, int *already)
{
    cli_rec_view v;
    ck_rec_commit cm;
    ck_net_head head;
    unsigned char *have = calloc(p->n, 1);
    uint8_t *env = NULL;
    size_t env_len = 0;
    int committed = 0, rc;

    *appended = 0;
    *already = 0;
    memset(&cm, 0, sizeof cm);
    if (!have) return CLI_FAIL;
    if ((rc = cli_rec_view_load(&v, c, patient, 1)) != CLI_OK) goto out;
    if (cli_rec_view_problems(&v)) {
        cli_error(c->cmd, "the record does not verify; nothing was written");
        rc = CLI_FAIL;
        goto out;
    }
    batch_status(&v, ck_keyring_identity(c->kr)->gid, p, have, &committed, &cm);
    if (committed) {
        *already = 1;
        goto out;
    }
    for (size_t i = 0; i < p->n && rc == CLI_OK; i++) {
        if (have[i]) continue;
        if ((rc = cli_rec_append(c, patient, p->e[i].section, p->e[i].type, p->e[i].env, p->e[i].env_len, &head)) ==
            CLI_OK)
            (*appended)++;
    }
    if (rc != CLI_OK) goto out;
    memcpy(cm.batch, p->id, CK_REC_ID_BYTES);
    cm.count = (uint32_t)p->n;
    if (ck_rec_commit_container(&env, &env_len, &cm) != CK_REC_OK) {
        rc = CLI_FAIL;
        goto out;
    }
    rc = cli_rec_append(c, patient, CLI_BATCH_SECTION, CLI_BATCH_COMMIT_TYPE, env, env_len, &head);
out:
    free(env);
    free(have);
    cli_rec_view_free(&v);
    return rc;
}

