/*
 * api_records.c - a patient's record: append, list, get, head.
 *
 * The server sees ciphertext only. On append it checks what it can check
 * without keys: the author is the authenticated caller, the author's
 * Ed25519 signature over the entry's signed fields verifies, the author may
 * write this section (patient herself or an active grant), and prev_hash is
 * the current head (inside the store's transaction). Every read is audited
 * before data leaves the server; a read whose audit row cannot be written
 * fails.
 *
 * A TOMBSTONE entry (carekey/record.h) lets the server drop the bodies of
 * superseded entries: only the owner or her delegate writes one, and the
 * store drops them in the append's transaction. Readers get a dropped
 * entry with "envelope": null and its digest, and verify it from that.
 */
#include "ckd.h"

#include "carekey/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The entry object of docs/API.md, built without jansson: reads are the
 * hot path. Strings are escaped anyway (they were validated on append). */
static void entry_text(ckd_buf *b, const ck_store_entry *e)
{
    ckd_buf_lit(b, "{\"seq\":");
    ckd_buf_u64(b, e->seq);
    ckd_buf_lit(b, ",\"prev_hash\":");
    ckd_buf_hex(b, e->prev_hash, 32);
    ckd_buf_lit(b, ",\"hash\":");
    ckd_buf_hex(b, e->hash, 32);
    ckd_buf_lit(b, ",\"section\":");
    ckd_buf_str(b, e->section);
    ckd_buf_lit(b, ",\"resource_type\":");
    ckd_buf_str(b, e->resource_type);
    ckd_buf_lit(b, ",\"author\":");
    ckd_buf_str(b, e->author);
    ckd_buf_lit(b, ",\"time\":");
    ckd_buf_i64(b, e->time_ms);
    if (e->body_dropped) { /* the chain hash and signature cover this digest */
        ckd_buf_lit(b, ",\"envelope\":null,\"envelope_sha256\":");
        ckd_buf_hex(b, e->body_sha256, 32);
    } else {
        ckd_buf_lit(b, ",\"envelope\":");
        ckd_buf_b64(b, e->envelope, e->envelope_len);
    }
    ckd_buf_lit(b, ",\"signature\":");
    ckd_buf_hex(b, e->signature, 64);
    ckd_buf_lit(b, ",\"received_at\":");
    ckd_buf_i64(b, e->received_at);
    ckd_buf_lit(b, "}");
}

static void head_text(ckd_buf *b, uint64_t seq, const uint8_t hash[32])
{
    ckd_buf_lit(b, "{\"seq\":");
    ckd_buf_u64(b, seq);
    ckd_buf_lit(b, ",\"hash\":");
    ckd_buf_hex(b, hash, 32);
    ckd_buf_lit(b, "}");
}

static json_t *head_json(uint64_t seq, const uint8_t hash[32])
{
    return json_pack("{s:I,s:o}", "seq", (json_int_t)seq, "hash", ckd_hex_json(hash, 32));
}

_Static_assert(CK_REC_TOMBSTONE_MAX <= CK_STORE_DROP_MAX, "a tombstone's list fits one append");

/* When the envelope is a TOMBSTONE container, its drop list goes into
 * r->job_drop and e->drop. 1 for a tombstone, 0 for any other entry, -1
 * when it is malformed (a 400 was queued into *res). */
static int tombstone(ckd_req *r, ck_store_entry *e, enum MHD_Result *res)
{
    ck_rec_container c;
    size_t n = 0;
    if (ck_rec_container_decode(&c, e->envelope, e->envelope_len) != CK_REC_OK || c.kind != CK_REC_KIND_TOMBSTONE)
        return 0;
    if ((r->job_drop = malloc(CK_REC_TOMBSTONE_MAX * sizeof *r->job_drop)) == NULL) {
        *res = ckd_fail(r, CKD_E_INTERNAL, "out of memory");
        return -1;
    }
    if (ck_rec_tombstone_decode(r->job_drop, &n, c.body, c.body_len) != CK_REC_OK) {
        *res = ckd_fail(r, CKD_E_BAD_FIELD,
                        "envelope: a tombstone's body is {\"v\":1,\"drop\":[seq,...]}, 1 to 4096 seqs ascending");
        return -1;
    }
    e->drop = r->job_drop;
    e->n_drop = n;
    return 1;
}

/* An append allowed on grants from the record cache whose record changed
 * before its commit (a grant revoked on another instance, say): nothing
 * was written and its nonce is unused, so it is decided again on the
 * database's rows, once. */
static enum MHD_Result reappend(ckd_req *r)
{
    ck_store_entry_clear(&r->job_entry);
    memset(&r->job_entry, 0, sizeof r->job_entry);
    free(r->job_drop);
    r->job_drop = NULL;
    ckd_read_fresh(r, r->segs[2]);
    return ckd_api_append(r, r->segs[2]);
}

/* The append (with its audit row) is durable, or failed. */
static enum MHD_Result appended(ckd_req *r, ck_store_rc rc)
{
    char msg[160];
    if (rc == CK_STORE_CHANGED && !r->cache_off) return reappend(r);
    if (rc == CK_STORE_OK) return ckd_reply(r, 201, head_json(r->job_entry.seq, r->job_entry.hash));
    if (rc == CK_STORE_INVALID) {
        snprintf(msg, sizeof msg, "entry %llu cannot be dropped: it is not superseded by a later entry of its "
                 "section, or its body is already gone", (unsigned long long)r->job_entry.drop_refused);
        return ckd_fail(r, CKD_E_BAD_TOMBSTONE, msg);
    }
    if (rc == CK_STORE_CONFLICT)
        return ckd_fail(r, CKD_E_HEAD_MISMATCH, "prev_hash is not the current head; fetch the head and retry");
    if (rc == CK_STORE_STALE)
        return ckd_fail(r, CKD_E_TIME_REGRESSION,
                        "time is below the previous entry's or the signed head's time; read the head and retry");
    return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
}

enum MHD_Result ckd_api_append(ckd_req *r, const char *patient)
{
    static const char *const fields[] = {"section", "resource_type", "author", "prev_hash", "time",
                                         "envelope", "signature", NULL};
    enum MHD_Result res;
    ck_store_entry *e = &r->job_entry;
    ck_net_entry_fields f;
    uint8_t tbs[CK_NET_ENTRY_TBS_MAX];
    size_t tbslen;
    const char *section, *rtype, *author, *env;
    json_t *j, *t;
    int g, rel, tomb;

    if (r->caller_kind != CKD_CALLER_USER) return ckd_fail(r, CKD_E_FORBIDDEN, "only enrolled users write records");
    r->cache_ok = 1; /* the caller's grants; checked again by the append's commit */
    if (ckd_relation_for_write(r, patient, &rel) != 0) return ckd_fail(r, CKD_E_INTERNAL, "storage error");
    if (ckd_purpose_check(r, patient, rel, "append", &res) != 0) return res;
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    section = ckd_json_str(j, "section", 32);
    rtype = ckd_json_str(j, "resource_type", 64);
    author = ckd_json_str(j, "author", CK_NET_ID_MAX);
    env = ckd_json_str(j, "envelope", (size_t)r->srv->cfg.max_body);
    t = json_object_get(j, "time");
    if (!ckd_token_valid(section, 32)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "section: [a-z][a-z0-9_-]{0,31}");
        goto out;
    }
    if (!ckd_rtype_valid(rtype)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "resource_type: [A-Za-z][A-Za-z0-9]{0,63}");
        goto out;
    }
    if (!author || !ck_net_id_valid(author)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "author: a GID");
        goto out;
    }
    if (!json_is_integer(t) || json_integer_value(t) < 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "time: Unix milliseconds");
        goto out;
    }
    if (ckd_json_hex(j, "prev_hash", e->prev_hash, 32) || ckd_json_hex(j, "signature", e->signature, 64)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "prev_hash: 64 hex digits; signature: 128 hex digits");
        goto out;
    }
    if (!env || ck_net_unb64(&e->envelope, &e->envelope_len, env, strlen(env)) != 0) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "envelope: non-empty base64");
        goto out;
    }
    if (strcmp(author, r->caller) != 0) {
        res = ckd_deny(r, patient, "append", "", CKD_E_AUTHOR_MISMATCH, "author must be the signing caller");
        goto out;
    }
    if ((tomb = tombstone(r, e, &res)) < 0) goto out;
    if (tomb && ckd_read_gen(r, patient) != 0) { /* a tombstone's standing: from the database */
        ckd_read_fresh(r, patient);
        if (ckd_relation(r, patient, &rel) != 0) {
            res = ckd_fail(r, CKD_E_INTERNAL, "storage error");
            goto out;
        }
    }
    if (tomb && rel == CKD_REL_NONE) {
        res = ckd_deny(r, patient, "drop_bodies", "", CKD_E_FORBIDDEN,
                       "only the patient or her delegate lets the server drop bodies");
        goto out;
    }
    if (!strcmp(patient, r->caller)) {
        if (!ckd_role_owns_record(r->user.role)) {
            res = ckd_fail(r, CKD_E_RECORD_NOT_FOUND, "no record for this GID");
            goto out;
        }
    } else if ((g = ckd_write_grant(r, patient, section)) != 1) {
        res = g < 0 ? ckd_fail(r, CKD_E_INTERNAL, "storage error")
                    : ckd_deny(r, patient, "append", "", CKD_E_NO_GRANT, "no active write grant for this section");
        goto out;
    }
    snprintf(e->patient, sizeof e->patient, "%s", patient);
    snprintf(e->section, sizeof e->section, "%s", section);
    snprintf(e->resource_type, sizeof e->resource_type, "%s", rtype);
    snprintf(e->author, sizeof e->author, "%s", author);
    e->time_ms = (int64_t)json_integer_value(t);

    memset(&f, 0, sizeof f);
    f.patient = e->patient;
    memcpy(f.prev_hash, e->prev_hash, 32);
    f.section = e->section;
    f.resource_type = e->resource_type;
    f.author = e->author;
    f.time_ms = (uint64_t)e->time_ms;
    f.envelope = e->envelope;
    f.envelope_len = e->envelope_len;
    memcpy(f.signature, e->signature, 64);
    if (ck_net_entry_tbs(tbs, sizeof tbs, &tbslen, &f) != 0 ||
        ck_net_ed25519_verify(e->signature, tbs, tbslen, r->user.ed25519) != 0) {
        res = ckd_fail(r, CKD_E_BAD_ENTRY_SIG, "author signature over the entry does not verify");
        goto out;
    }
    /* No back-dated (or future) entries: the author's clock within the
     * accepted skew of ours; the store refuses one below the previous
     * entry's time (time_regression). */
    if (llabs((long long)e->time_ms - (long long)ckd_now_ms()) > 1000LL * r->srv->cfg.clock_skew) {
        res = ckd_fail(r, CKD_E_BAD_TIME, "time is more than the accepted skew from the server's clock");
        goto out;
    }
    ckd_audit_fill(r, &r->job_audit, patient, "append", "", 201, "ok");
    json_decref(j);
    return ckd_append_then(r, appended);
out:
    json_decref(j);
    return res;
}

/* A read served from the record cache whose record changed before its
 * commit (another instance granted, revoked or dropped a body): nothing
 * was written and its nonce is unused, so it runs again on the database's
 * rows. Once: those rows carry no generation to check. */
static enum MHD_Result reread(ckd_req *r)
{
    free(r->reply);
    r->reply = NULL;
    ckd_read_fresh(r, r->segs[2]);
    return r->route == CKD_R_ENTRY ? ckd_api_entry(r, r->segs[2], r->segs[4]) : ckd_api_entries(r, r->segs[2]);
}

/* The read's audit row is durable (or failed): only now may the prepared
 * data leave the server. */
static enum MHD_Result audited(ckd_req *r, ck_store_rc rc)
{
    char *text = r->reply;
    if (rc == CK_STORE_CHANGED && !r->cache_off) return reread(r);
    if (rc != CK_STORE_OK) {
        ckd_log(CKD_ERROR, "audit write failed", "action=%s", r->job_audit.action);
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    }
    r->reply = NULL;
    return ckd_reply_raw(r, 200, text, r->reply_len);
}

/* Takes the built body into r->reply; 0, or -1 when out of memory. */
static int keep_reply(ckd_req *r, ckd_buf *b)
{
    if (b->oom || b->p == NULL) {
        free(b->p);
        return -1;
    }
    r->reply = b->p;
    r->reply_len = b->len;
    return 0;
}

enum MHD_Result ckd_api_entries(ckd_req *r, const char *patient)
{
    ckd_server *s = r->srv;
    uint64_t since, limit, head_seq;
    uint8_t head_hash[32];
    ck_store_entry *v = NULL;
    size_t n = 0;
    ckd_buf b = {0};
    char target[48];
    ck_store_rc rc;
    int more;
    enum MHD_Result res;

    if (ckd_param_u64(r, "since", 0, 0, INT64_MAX, &since) || ckd_param_u64(r, "limit", 100, 1, INT64_MAX, &limit))
        return ckd_fail(r, CKD_E_BAD_PARAM, "since: 0..2^63-1; limit: 1..2^63-1");
    snprintf(target, sizeof target, "since:%llu", (unsigned long long)since);
    r->cache_ok = 1;
    if (ckd_read_check(r, patient, "read_entries", target, &res) != 0) return res;
    if (limit > (uint64_t)s->cfg.page_max) limit = (uint64_t)s->cfg.page_max; /* fan-out limit */
    if ((rc = ck_store_head(s->store, patient, &head_seq, head_hash)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    if ((rc = ck_store_entries(s->store, patient, since, (size_t)limit + 1, &v, &n)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    more = n > limit;
    if (more) n = (size_t)limit;
    ckd_buf_lit(&b, "{\"patient\":");
    ckd_buf_str(&b, patient);
    ckd_buf_lit(&b, ",\"entries\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) ckd_buf_lit(&b, ",");
        entry_text(&b, &v[i]);
    }
    ckd_buf_lit(&b, more ? "],\"more\":true,\"next_since\":" : "],\"more\":false,\"next_since\":");
    ckd_buf_u64(&b, n ? v[n - 1].seq : since);
    ckd_buf_lit(&b, ",\"head\":");
    head_text(&b, head_seq, head_hash);
    ckd_buf_lit(&b, "}");
    ck_store_entries_free(v, more ? n + 1 : n);
    if (keep_reply(r, &b) != 0) return ckd_fail(r, CKD_E_INTERNAL, "out of memory");
    ckd_audit_fill(r, &r->job_audit, patient, "read_entries", target, 200, "ok");
    return ckd_audit_then(r, audited);
}

enum MHD_Result ckd_api_entry(ckd_req *r, const char *patient, const char *seqs)
{
    ck_store_entry e;
    uint64_t seq;
    char target[48];
    ckd_buf b = {0};
    ck_store_rc rc;
    enum MHD_Result res;

    if (ckd_parse_u64(seqs, INT64_MAX, &seq) != 0 || seq == 0)
        return ckd_fail(r, CKD_E_BAD_PARAM, "seq: 1..2^63-1");
    snprintf(target, sizeof target, "seq:%llu", (unsigned long long)seq);
    r->cache_ok = 1;
    if (ckd_read_check(r, patient, "read_entry", target, &res) != 0) return res;
    rc = ckd_read_entry(r, patient, seq, &e);
    if (rc == CK_STORE_NOT_FOUND && ckd_read_gen(r, patient) != 0) {
        /* Answered on cached grants, a 404 would commit unchecked: the
         * standing is decided again on the database's rows first. */
        ckd_read_fresh(r, patient);
        return ckd_api_entry(r, patient, seqs);
    }
    if (rc != CK_STORE_OK) return ckd_store_fail(r, rc, CKD_E_ENTRY_NOT_FOUND);
    entry_text(&b, &e);
    ck_store_entry_clear(&e);
    if (keep_reply(r, &b) != 0) return ckd_fail(r, CKD_E_INTERNAL, "out of memory");
    ckd_audit_fill(r, &r->job_audit, patient, "read_entry", target, 200, "ok");
    return ckd_audit_then(r, audited);
}

enum MHD_Result ckd_api_head_get(ckd_req *r, const char *patient)
{
    ckd_server *s = r->srv;
    uint64_t seq;
    uint8_t hash[32];
    ck_store_signed_head sh;
    json_t *signed_head;
    ck_store_rc rc;
    enum MHD_Result res;

    if (ckd_read_check(r, patient, "read_head", "", &res) != 0) return res;
    if ((rc = ck_store_head(s->store, patient, &seq, hash)) != CK_STORE_OK)
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    rc = ck_store_signed_head_get(s->store, patient, &sh);
    if (rc == CK_STORE_OK)
        signed_head = json_pack("{s:I,s:o,s:I,s:o}", "seq", (json_int_t)sh.seq, "hash", ckd_hex_json(sh.hash, 32),
                                "time", (json_int_t)sh.time_ms, "signature", ckd_hex_json(sh.signature, 64));
    else if (rc == CK_STORE_NOT_FOUND)
        signed_head = json_null();
    else
        return ckd_store_fail(r, rc, CKD_E_RECORD_NOT_FOUND);
    if (ckd_audit(r, patient, "read_head", "", 200, "ok") != 0) {
        json_decref(signed_head);
        return ckd_fail(r, CKD_E_INTERNAL, "audit unavailable");
    }
    return ckd_reply(r, 200, json_pack("{s:s,s:I,s:o,s:o}", "patient", patient, "seq", (json_int_t)seq, "hash",
                                       ckd_hex_json(hash, 32), "signed", signed_head));
}

enum MHD_Result ckd_api_head_put(ckd_req *r, const char *patient)
{
    static const char *const fields[] = {"seq", "hash", "time", "signature", NULL};
    enum MHD_Result res;
    ck_store_signed_head h;
    ck_store_audit a;
    uint8_t tbs[CK_NET_HEAD_TBS_MAX];
    size_t tbslen;
    json_t *j, *seq, *t;
    char target[48];
    ck_store_rc rc;

    if (r->caller_kind != CKD_CALLER_USER || strcmp(r->caller, patient) != 0 || !ckd_role_owns_record(r->user.role))
        return ckd_deny(r, patient, "sign_head", "", CKD_E_FORBIDDEN, "only the patient signs her head");
    if ((j = ckd_body_object(r, fields, &res)) == NULL) return res;
    memset(&h, 0, sizeof h);
    seq = json_object_get(j, "seq");
    t = json_object_get(j, "time");
    if (!json_is_integer(seq) || json_integer_value(seq) < 1 || !json_is_integer(t) || json_integer_value(t) < 0 ||
        ckd_json_hex(j, "hash", h.hash, 32) || ckd_json_hex(j, "signature", h.signature, 64)) {
        res = ckd_fail(r, CKD_E_BAD_FIELD, "seq >= 1, hash (hex), time (ms), signature (hex) required");
        goto out;
    }
    snprintf(h.patient, sizeof h.patient, "%s", patient);
    h.seq = (uint64_t)json_integer_value(seq);
    h.time_ms = (int64_t)json_integer_value(t);
    if (ck_net_head_tbs(tbs, sizeof tbs, &tbslen, patient, h.seq, h.hash, (uint64_t)h.time_ms) != 0 ||
        ck_net_ed25519_verify(h.signature, tbs, tbslen, r->user.ed25519) != 0) {
        res = ckd_fail(r, CKD_E_BAD_ENTRY_SIG, "head signature does not verify");
        goto out;
    }
    snprintf(target, sizeof target, "seq:%llu", (unsigned long long)h.seq);
    ckd_audit_fill(r, &a, patient, "sign_head", target, 200, "ok");
    rc = ck_store_signed_head_put(r->srv->store, &h, &a);
    if (rc == CK_STORE_OK)
        res = ckd_reply(r, 200, head_json(h.seq, h.hash));
    else if (rc == CK_STORE_CONFLICT)
        res = ckd_fail(r, CKD_E_STALE_HEAD, "a newer signed head is stored");
    else if (rc == CK_STORE_STALE)
        res = ckd_fail(r, CKD_E_STALE_HEAD, "an entry after this head is dated before the signature; sign a newer head");
    else
        res = ckd_store_fail(r, rc, CKD_E_ENTRY_NOT_FOUND);
out:
    json_decref(j);
    return res;
}
