/*
 * pg_records.c - PostgreSQL back end: reading a record: its generation, entries and
 * signed head.
 */
#include "pg_impl.h"

ck_store_rc pg_record_gen(ck_store *b, const char *patient, int64_t *gen)
{
    params p = {0};
    pg_param_text(&p, patient);
    return pg_read_one((pgs *)b, "SELECT gen FROM records WHERE patient = $1", &p, pg_row_int64, gen);
}

ck_store_rc pg_section_present(ck_store *b, const char *patient, const char *section)
{
    params p = {0};
    pg_param_text(&p, patient);
    pg_param_text(&p, section);
    return pg_read_one((pgs *)b, "SELECT 1 FROM entries WHERE patient = $1 AND section = $2 LIMIT 1", &p, pg_row_none,
                       NULL);
}

static int row_entry(PGresult *r, int i, void *out)
{
    ck_store_entry *e = out;
    memset(e, 0, sizeof *e);
    pg_val_text(e->patient, sizeof e->patient, r, i, 0);
    e->seq = (uint64_t)pg_val_int(r, i, 1);
    if (pg_val_fixed(e->prev_hash, 32, r, i, 2) || pg_val_fixed(e->hash, 32, r, i, 3)) return -1;
    pg_val_text(e->section, sizeof e->section, r, i, 4);
    pg_val_text(e->resource_type, sizeof e->resource_type, r, i, 5);
    pg_val_text(e->author, sizeof e->author, r, i, 6);
    e->time_ms = pg_val_int(r, i, 7);
    if (pg_val_fixed(e->signature, 64, r, i, 9)) return -1;
    e->received_at = pg_val_int(r, i, 10);
    e->supersedes = (uint64_t)pg_val_int(r, i, 11);
    if (PQgetisnull(r, i, 8)) { /* dropped under a tombstone */
        e->body_dropped = 1;
        return pg_val_fixed(e->body_sha256, 32, r, i, 12);
    }
    return (e->envelope = pg_val_dup(r, i, 8, &e->envelope_len)) == NULL ? -1 : 0;
}

ck_store_rc pg_entries(ck_store *b, const char *patient, uint64_t since, size_t limit,
                       ck_store_entry **v, size_t *n)
{
    return pg_read_page((pgs *)b, "SELECT " ENTRY_COLS " FROM entries WHERE patient = $1 AND seq > $2 "
                                  "ORDER BY seq LIMIT $3",
                        patient, (long long)since, limit, row_entry, ck_store_entry_drop, sizeof **v, (void **)v, n);
}

ck_store_rc pg_entry_get(ck_store *b, const char *patient, uint64_t seq, ck_store_entry *out)
{
    params p = {0};
    pg_param_text(&p, patient);
    pg_param_int(&p, (long long)seq);
    return pg_read_one((pgs *)b, "SELECT " ENTRY_COLS " FROM entries WHERE patient = $1 AND seq = $2", &p,
                       row_entry, out);
}

ck_store_rc pg_shead_put(ck_store *b, const ck_store_signed_head *h, const ck_store_audit *a)
{
    pgs *s = (pgs *)b;
    pconn *c;
    params p = {0};
    PGresult *r = NULL;
    uint8_t hash[32];
    ck_store_rc rc = CK_STORE_ERROR;

    if (h->seq == 0 || h->seq > INT64_MAX) return CK_STORE_NOT_FOUND;
    c = pg_conn_get(s);
    if (pg_exec_simple(c, "BEGIN") != 0) goto out;
    pg_param_text(&p, h->patient);
    pg_param_int(&p, (long long)h->seq);
    r = pg_query(c, "SELECT e.hash, r.signed_seq FROM records r JOIN entries e ON e.patient = r.patient "
                    "WHERE r.patient = $1 AND e.seq = $2 FOR UPDATE OF r", &p);
    if (!pg_ok(r)) {
        rc = pg_err_rc(r);
        goto out;
    }
    if (PQntuples(r) == 0 || pg_val_fixed(hash, 32, r, 0, 0) != 0 || memcmp(hash, h->hash, 32) != 0) {
        rc = CK_STORE_NOT_FOUND;
        goto out;
    }
    if (!PQgetisnull(r, 0, 1) && (uint64_t)pg_val_int(r, 0, 1) > h->seq) {
        rc = CK_STORE_CONFLICT;
        goto out;
    }
    PQclear(r);
    r = NULL;
    { /* an entry after the head dated before the signature would read as back-dated */
        int64_t earlier = 0;
        memset(&p, 0, sizeof p);
        pg_param_text(&p, h->patient);
        pg_param_int(&p, (long long)h->seq);
        pg_param_int(&p, h->time_ms);
        if ((rc = pg_query_row(c, "SELECT count(*) FROM entries WHERE patient = $1 AND seq > $2 AND time_ms < $3", &p,
                               pg_row_int64, &earlier)) != CK_STORE_OK)
            goto out;
        rc = CK_STORE_ERROR;
        if (earlier > 0) {
            rc = CK_STORE_STALE;
            goto out;
        }
    }
    memset(&p, 0, sizeof p);
    pg_param_text(&p, h->patient);
    pg_param_int(&p, (long long)h->seq);
    pg_param_bin(&p, h->hash, 32);
    pg_param_int(&p, h->time_ms);
    pg_param_bin(&p, h->signature, 64);
    rc = pg_exec_params(c, "UPDATE records SET signed_seq = $2, signed_hash = $3, signed_time = $4, signed_sig = $5 "
                           "WHERE patient = $1", &p, NULL);
    if (rc != CK_STORE_OK) goto out;
    rc = pg_audit_commit(c, a, NULL);
out:
    PQclear(r);
    pg_conn_put(s, c);
    return rc;
}

static int row_shead(PGresult *r, int i, void *out)
{
    ck_store_signed_head *h = out;
    h->seq = (uint64_t)pg_val_int(r, i, 0);
    h->time_ms = pg_val_int(r, i, 2);
    return pg_val_fixed(h->hash, 32, r, i, 1) == 0 && pg_val_fixed(h->signature, 64, r, i, 3) == 0 ? 0 : -1;
}

ck_store_rc pg_shead_get(ck_store *b, const char *patient, ck_store_signed_head *out)
{
    params p = {0};
    ck_store_rc rc;
    pg_param_text(&p, patient);
    rc = pg_read_one((pgs *)b, "SELECT signed_seq, signed_hash, signed_time, signed_sig FROM records "
                               "WHERE patient = $1 AND signed_seq IS NOT NULL", &p, row_shead, out);
    if (rc == CK_STORE_OK) ck_store_copy(out->patient, sizeof out->patient, patient);
    return rc;
}
