/*
 * src/record/rec_seal.c - sealing, opening and re-wrapping DATA entries.
 */
#include <stdlib.h>
#include <string.h>
#include "carekey/record.h"

static ck_rec_err wrap_container(uint8_t **out, size_t *out_len, const uint8_t id[CK_REC_ID_BYTES],
                                 uint64_t supersedes, const ck_rec_batch *batch, const uint8_t *env, size_t env_len)
{
    ck_rec_container c;
    memset(&c, 0, sizeof c);
    c.kind = CK_REC_KIND_DATA;
    c.supersedes = supersedes;
    c.body = env;
    c.body_len = env_len;
    if (batch) c.batch = *batch;
    memcpy(c.entry_id, id, CK_REC_ID_BYTES);
    *out_len = ck_rec_container_encode(NULL, &c);
    if (!(*out = malloc(*out_len))) return CK_REC_ERR_NOMEM;
    ck_rec_container_encode(*out, &c);
    return CK_REC_OK;
}

ck_rec_err ck_rec_seal(uint8_t **out, size_t *out_len, const char *patient, const char *section,
                       const char *resource_type, const uint8_t *payload, size_t payload_len,
                       const ck_seal_policy *pol, uint64_t supersedes,
                       uint8_t id_out[CK_REC_ID_BYTES], ck_policy_error *perr)
{
    return ck_rec_seal_batch(out, out_len, patient, section, resource_type, payload, payload_len, pol, supersedes,
                             NULL, id_out, perr);
}

/* Seals payload under a fresh data key for entry id. */
static ck_rec_err seal_as(uint8_t **out, size_t *out_len, const char *patient, const char *section,
                          const char *resource_type, const uint8_t *payload, size_t payload_len,
                          const ck_seal_policy *pol, const uint8_t id[CK_REC_ID_BYTES], uint64_t supersedes,
                          const ck_rec_batch *batch, ck_policy_error *perr)
{
    uint8_t ad[CK_REC_AD_MAX], *env = NULL;
    size_t ad_len, env_len;
    ck_seal_input in = {payload, payload_len};
    ck_rec_err rc;
    ad_len = ck_rec_ad(ad, patient, section, resource_type, id);
    if (ck_seal(&env, &env_len, pol, &in, 1, ad, ad_len, perr) != CK_SEAL_OK) return CK_REC_ERR_SEAL;
    rc = wrap_container(out, out_len, id, supersedes, batch, env, env_len);
    ck_seal_free(env);
    return rc;
}

ck_rec_err ck_rec_seal_batch(uint8_t **out, size_t *out_len, const char *patient, const char *section,
                             const char *resource_type, const uint8_t *payload, size_t payload_len,
                             const ck_seal_policy *pol, uint64_t supersedes, const ck_rec_batch *batch,
                             uint8_t id_out[CK_REC_ID_BYTES], ck_policy_error *perr)
{
    uint8_t id[CK_REC_ID_BYTES];
    ck_rec_err rc;

    if (!out || !out_len || !patient || !section || !resource_type || !pol || (!payload && payload_len))
        return CK_REC_ERR_PARAM;
    if (ck_random_bytes(id, sizeof(id)) != CK_OK) return CK_REC_ERR_SEAL;
    rc = seal_as(out, out_len, patient, section, resource_type, payload, payload_len, pol, id, supersedes, batch, perr);
    if (rc == CK_REC_OK && id_out) memcpy(id_out, id, CK_REC_ID_BYTES);
    return rc;
}

/* The envelope of a DATA entry, decoded, and its associated data. */
static ck_rec_err data_envelope(ck_seal_env **env, uint8_t ad[CK_REC_AD_MAX], size_t *ad_len,
                                const ck_net_entry *e, const char *patient)
{
    ck_rec_container c;
    ck_rec_err rc = ck_rec_container_decode(&c, e->envelope, e->envelope_len);
    if (rc != CK_REC_OK) return rc;
    if (c.kind != CK_REC_KIND_DATA) return CK_REC_ERR_KIND;
    if (ck_seal_decode(env, c.body, c.body_len) != CK_SEAL_OK) return CK_REC_ERR_FORMAT;
    if (ck_seal_env_count(*env) != 1) {
        ck_seal_env_free(*env);
        *env = NULL;
        return CK_REC_ERR_FORMAT;
    }
    *ad_len = ck_rec_ad(ad, patient, e->section, e->resource_type, c.entry_id);
    return CK_REC_OK;
}

static ck_rec_err map_seal_err(ck_seal_err e)
{
    switch (e) {
    case CK_SEAL_OK: return CK_REC_OK;
    case CK_SEAL_ERR_UNSATISFIED: return CK_REC_ERR_ACCESS;
    case CK_SEAL_ERR_AUTH: return CK_REC_ERR_AUTH;
    case CK_SEAL_ERR_NOMEM: return CK_REC_ERR_NOMEM;
    default: return CK_REC_ERR_FORMAT;
    }
}

ck_rec_err ck_rec_open(uint8_t **payload, size_t *payload_len, const ck_net_entry *e,
                       const char *patient, ck_abe_user_key *key)
{
    ck_seal_env *env = NULL;
    uint8_t ad[CK_REC_AD_MAX], *buf = NULL;
    size_t ad_len = 0, n;
    ck_rec_err rc;

    if (!payload || !payload_len || !e || !patient || !key) return CK_REC_ERR_PARAM;
    if ((rc = data_envelope(&env, ad, &ad_len, e, patient)) != CK_REC_OK) return rc;
    n = ck_seal_env_payload_len(env, 0);
    rc = CK_REC_ERR_NOMEM;
    if (!(buf = malloc(n ? n : 1))) goto out;
    if ((rc = map_seal_err(ck_seal_open(env, key, ad, ad_len, &buf))) != CK_REC_OK) {
        free(buf);
        goto out;
    }
    *payload = buf;
    *payload_len = n;
out:
    ck_seal_env_free(env);
    return rc;
}

/* Job j's container read and its seal job set up: the envelope itself is
 * decoded (its group elements validated) by the worker that opens it. */
static ck_rec_err open_prepare(ck_rec_open_job *j, uint8_t ad[CK_REC_AD_MAX], ck_seal_open_job *sj,
                               const char *patient)
{
    ck_rec_container c;
    ck_rec_err rc = ck_rec_container_decode(&c, j->e->envelope, j->e->envelope_len);
    if (rc != CK_REC_OK) return rc;
    if (c.kind != CK_REC_KIND_DATA) return CK_REC_ERR_KIND;
    sj->env = NULL;
    sj->enc = c.body;
    sj->enc_len = c.body_len;
    sj->ad = ad;
    sj->ad_len = ck_rec_ad(ad, patient, j->e->section, j->e->resource_type, c.entry_id);
    return CK_REC_OK;
}

/* On the worker, after its seal job: the record job's outcome, then the
 * caller's own step. */
static void open_finish(ck_seal_open_job *sj, void *ctx)
{
    ck_rec_open_job *j = ctx;
    if ((j->rc = map_seal_err(sj->rc)) == CK_REC_OK) {
        j->payload = sj->owned;   /* handed over */
        j->payload_len = sj->owned_len;
    }
    if (j->then) j->then(j, j->then_ctx);
}

ck_rec_err ck_rec_open_many(ck_rec_open_job *jobs, size_t n, const char *patient, ck_abe_user_key *key,
                            unsigned threads)
{
    uint8_t (*ad)[CK_REC_AD_MAX] = NULL;
    ck_seal_open_job *sj = NULL;
    size_t *of = NULL, m = 0;
    ck_rec_err rc = CK_REC_ERR_NOMEM;

    if ((!jobs && n) || !patient || !key) return CK_REC_ERR_PARAM;
    if (!n) return CK_REC_OK;
    if (!(ad = calloc(n, sizeof *ad)) || !(sj = calloc(n, sizeof *sj)) || !(of = calloc(n, sizeof *of))) goto out;
    for (size_t i = 0; i < n; i++) {
        jobs[i].payload = NULL;
        jobs[i].payload_len = 0;
        jobs[i].result = NULL;
        if ((jobs[i].rc = open_prepare(&jobs[i], ad[m], &sj[m], patient)) == CK_REC_OK) {
            sj[m].then = open_finish;
            sj[m].then_ctx = &jobs[i];
            of[m++] = i;
        }
    }
    if ((rc = map_seal_err(ck_seal_open_many(sj, m, key, threads))) != CK_REC_OK)
        for (size_t k = 0; k < m; k++) jobs[of[k]].rc = rc;
out:
    free(ad);
    free(sj);
    free(of);
    return rc;
}

ck_rec_err ck_rec_rewrap(uint8_t **out, size_t *out_len, const ck_net_entry *e, const char *patient,
                         ck_abe_user_key *key, const ck_seal_policy *pol, ck_policy_error *perr)
{
    ck_seal_env *env = NULL;
    ck_rec_container c;
    uint8_t ad[CK_REC_AD_MAX], *fresh = NULL;
    size_t ad_len = 0, fresh_len;
    ck_rec_err rc;

    if (!out || !out_len || !e || !patient || !key || !pol) return CK_REC_ERR_PARAM;
    if ((rc = ck_rec_container_decode(&c, e->envelope, e->envelope_len)) != CK_REC_OK) return rc;
    if ((rc = data_envelope(&env, ad, &ad_len, e, patient)) != CK_REC_OK) return rc;
    rc = map_seal_err(ck_seal_rewrap(&fresh, &fresh_len, env, key, ad, ad_len, pol, perr));
    if (rc == CK_REC_OK) rc = wrap_container(out, out_len, c.entry_id, e->seq, NULL, fresh, fresh_len);
    ck_seal_free(fresh);
    ck_seal_env_free(env);
    return rc;
}

ck_rec_err ck_rec_policy(char *buf, size_t cap, const ck_net_entry *e)
{
    ck_rec_container c;
    size_t len;
    ck_rec_err rc;
    if (!buf || !e) return CK_REC_ERR_PARAM;
    if ((rc = ck_rec_container_decode(&c, e->envelope, e->envelope_len)) != CK_REC_OK) return rc;
    if (c.kind != CK_REC_KIND_DATA) return CK_REC_ERR_KIND;
    if (ck_seal_policy_text(buf, cap, &len, c.body, c.body_len) != CK_SEAL_OK) return CK_REC_ERR_FORMAT;
    return CK_REC_OK;
}

/* Whether held[] (per ciphertext row) satisfies the entry's policy. */
static int satisfied(const ck_abe_ct *ct, const unsigned char *held)
{
    ck_lsss_solution *sol = NULL;
    int ok = ck_lsss_satisfy_rows(&sol, ct->lsss, held, NULL) == CK_POLICY_OK;
    ck_lsss_solution_free(sol);
    return ok;
}

ck_rec_access ck_rec_access_of(const ck_net_entry *e, const ck_abe_user_key *key)
{
    ck_rec_container c;
    ck_seal_env *env = NULL;
    const ck_abe_ct *ct;
    unsigned char *exact = NULL, *any = NULL;
    ck_rec_access a = CK_REC_ACCESS_NONE;
    if (!e || !key || ck_rec_container_decode(&c, e->envelope, e->envelope_len) != CK_REC_OK ||
        c.kind != CK_REC_KIND_DATA || ck_seal_decode(&env, c.body, c.body_len) != CK_SEAL_OK)
        return CK_REC_ACCESS_NONE;
    ct = ck_seal_env_header(env);
    if (!ct || !ct->rows || !(exact = calloc(ct->rows, 1)) || !(any = calloc(ct->rows, 1))) goto out;
    for (size_t r = 0; r < ct->rows; r++) {
        const char *label = ck_lsss_label(ct->lsss, r);
        for (size_t k = 0; k < key->n; k++) {
            if (strcmp(key->attr[k].label, label) != 0) continue;
            any[r] = 1;
            if (key->attr[k].epoch == ct->row[r].epoch) exact[r] = 1;
        }
    }
    if (satisfied(ct, exact)) a = CK_REC_ACCESS_OK;
    else if (satisfied(ct, any)) a = CK_REC_ACCESS_OTHER_EPOCH;
out:
    free(exact);
    free(any);
    ck_seal_env_free(env);
    return a;
}

ck_rec_err ck_rec_reseal(uint8_t **out, size_t *out_len, const ck_net_entry *e, const char *patient,
                         ck_abe_user_key *key, const ck_seal_policy *pol, ck_policy_error *perr)
{
    ck_rec_container c;
    uint8_t *pt = NULL;
    size_t len = 0;
    ck_rec_err rc;
    if (!out || !out_len || !e || !patient || !key || !pol) return CK_REC_ERR_PARAM;
    if ((rc = ck_rec_container_decode(&c, e->envelope, e->envelope_len)) != CK_REC_OK) return rc;
    if ((rc = ck_rec_open(&pt, &len, e, patient, key)) != CK_REC_OK) return rc;
    /* the same entry id, a new data key: whoever kept the old one opens
     * nothing of this version */
    rc = seal_as(out, out_len, patient, e->section, e->resource_type, pt, len, pol, c.entry_id, e->seq, NULL, perr);
    ck_wipe(pt, len);
    free(pt);
    return rc;
}
