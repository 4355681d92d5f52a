/*
 * migrate.c - copies a SQLite database into an empty PostgreSQL one
 * (carekeyd migrate --from sqlite:PATH --to postgres:URL), then checks
 * the copy: every table's row count, every record's chain entry by entry
 * against the source (all columns), seq 1..n without gaps, prev-hash
 * links, each hash recomputed and each author signature verified, and the
 * head and signed head.
 *
 * Both ends are opened through the store first, so each is at the current
 * schema (the SQLite file is upgraded in place, as carekeyd's start would;
 * carekeyd must be stopped). The column lists come from PostgreSQL's
 * catalogue, so the two schemas must name their columns alike (they do:
 * docs/SERVER.md, "Storage"). Rows go in one transaction: a failed copy
 * leaves the target empty.
 */
#include "store_impl.h"

#include "carekey/wire.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In dependency order. users.org/unit point at orgs/units, whose names
 * point back at users: users go in without them, get them after units. */
static const struct {
    const char *to, *from;
} tables[] = {
    {"users", "users"},           {"authorities", "authorities"}, {"records", "records"},
    {"entries", "entries"},       {"grants", "grants"},           {"mailbox", "mailbox"},
    {"audit", "audit"},           {"orgs", "orgs"},               {"units", "units"},
    {"consents", "consents"},     {"enrollments", "enrollments"}, {"nonces", "nonce_log"},
};
#define NTABLES (sizeof tables / sizeof tables[0])

static void say(ck_store_migration *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error, sizeof m->error, fmt, ap);
    va_end(ap);
}

static int pg_ok(PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static int pg_exec(PGconn *pg, ck_store_migration *m, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    int rc = pg_ok(r) ? 0 : -1;
    if (rc) say(m, "postgres: %s: %s", sql, PQerrorMessage(pg));
    PQclear(r);
    return rc;
}

/* The target's columns of a table, comma-separated, with their types'
 * names (bytea columns go over in binary). */
static int columns(PGconn *pg, const char *table, char *cols, size_t cap, int *is_bytea, int *n)
{
    const char *v[1] = {table};
    PGresult *r = PQexecParams(pg, "SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                               1, NULL, v, NULL, NULL, 0);
    size_t len = 0;
    int rc = -1;
    *n = 0;
    cols[0] = 0;
    if (!pg_ok(r) || PQntuples(r) == 0 || PQntuples(r) > 32) goto out;
    for (int i = 0; i < PQntuples(r); i++) {
        int w = snprintf(cols + len, cap - len, "%s%s", i ? ", " : "", PQgetvalue(r, i, 0));
        if (w < 0 || (size_t)w >= cap - len) goto out;
        len += (size_t)w;
        is_bytea[i] = !strcmp(PQgetvalue(r, i, 1), "bytea");
    }
    *n = PQntuples(r);
    rc = 0;
out:
    PQclear(r);
    return rc;
}

/* Copies one table, row by row through one prepared INSERT. */
static int copy_table(sqlite3 *db, PGconn *pg, int t, ck_store_migration *m)
{
    char cols[2048], sel[2300], ins[2600], ph[400];
    int is_bytea[32], n, rc = -1, step;
    sqlite3_stmt *st = NULL;
    PGresult *r;
    size_t pl = 0;
    int users = !strcmp(tables[t].to, "users"), identity;

    if (columns(pg, tables[t].to, cols, sizeof cols, is_bytea, &n) != 0) {
        say(m, "postgres: no table %s", tables[t].to);
        return -1;
    }
    ph[0] = 0;
    for (int i = 0; i < n; i++) pl += (size_t)snprintf(ph + pl, sizeof ph - pl, "%s$%d", i ? ", " : "", i + 1);
    /* grants, mailbox and audit keep their ids (GENERATED ALWAYS). */
    identity = !strcmp(tables[t].to, "grants") || !strcmp(tables[t].to, "mailbox") || !strcmp(tables[t].to, "audit");
    snprintf(sel, sizeof sel, "SELECT %s FROM %s", cols, tables[t].from);
    snprintf(ins, sizeof ins, "INSERT INTO %s(%s) %sVALUES(%s)%s", tables[t].to, cols,
             identity ? "OVERRIDING SYSTEM VALUE " : "", ph,
             !strcmp(tables[t].to, "nonces") ? " ON CONFLICT DO NOTHING" : "");
    if (sqlite3_prepare_v2(db, sel, -1, &st, NULL) != SQLITE_OK) {
        say(m, "sqlite: %s: %s", sel, sqlite3_errmsg(db));
        return -1;
    }
    r = PQprepare(pg, "", ins, n, NULL);
    if (!pg_ok(r)) {
        say(m, "postgres: %s: %s", ins, PQerrorMessage(pg));
        PQclear(r);
        goto out;
    }
    PQclear(r);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[32];
        int len[32], fmt[32];
        char num[32][24];
        for (int i = 0; i < n; i++) {
            int type = sqlite3_column_type(st, i);
            const char *name = sqlite3_column_name(st, i);
            fmt[i] = 0;
            len[i] = 0;
            if (type == SQLITE_NULL || (users && (!strcmp(name, "org") || !strcmp(name, "unit")))) {
                v[i] = NULL;
            } else if (is_bytea[i]) {
                v[i] = sqlite3_column_blob(st, i);
                len[i] = sqlite3_column_bytes(st, i);
                fmt[i] = 1;
                if (v[i] == NULL) v[i] = "";
            } else if (type == SQLITE_INTEGER) {
                snprintf(num[i], sizeof num[i], "%lld", (long long)sqlite3_column_int64(st, i));
                v[i] = num[i];
            } else {
                v[i] = (const char *)sqlite3_column_text(st, i);
            }
        }
        r = PQexecPrepared(pg, "", n, v, len, fmt, 0);
        if (!pg_ok(r)) {
            say(m, "postgres: copying %s: %s", tables[t].to, PQerrorMessage(pg));
            PQclear(r);
            goto out;
        }
        PQclear(r);
        m->rows[t]++;
    }
    if (step != SQLITE_DONE) {
        say(m, "sqlite: reading %s: %s", tables[t].from, sqlite3_errmsg(db));
        goto out;
    }
    if (identity) { /* new rows continue after the copied ids */
        char set[300];
        snprintf(set, sizeof set, "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
                                  "coalesce((SELECT max(id) FROM %s), 0) + 1, false)", tables[t].to, tables[t].to);
        if (pg_exec(pg, m, set) != 0) goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* users.org and users.unit, once orgs and units are in. */
static int copy_affiliations(sqlite3 *db, PGconn *pg, ck_store_migration *m)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, step;
    if (sqlite3_prepare_v2(db, "SELECT gid, org, unit FROM users WHERE org IS NOT NULL OR unit IS NOT NULL", -1, &st,
                           NULL) != SQLITE_OK) {
        say(m, "sqlite: %s", sqlite3_errmsg(db));
        return -1;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[3] = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                            (const char *)sqlite3_column_text(st, 2)};
        PGresult *r = PQexecParams(pg, "UPDATE users SET org = $2, unit = $3 WHERE gid = $1", 3, NULL, v, NULL,
                                   NULL, 0);
        int good = pg_ok(r) && !strcmp(PQcmdTuples(r), "1");
        PQclear(r);
        if (!good) {
            say(m, "postgres: affiliation of a user: %s", PQerrorMessage(pg));
            goto out;
        }
    }
    rc = step == SQLITE_DONE ? 0 : -1;
out:
    sqlite3_finalize(st);
    return rc;
}

static long long count_sqlite(sqlite3 *db, const char *table)
{
    char sql[128];
    sqlite3_stmt *st = NULL;
    long long n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static long long count_pg(PGconn *pg, const char *table)
{
    char sql[128];
    PGresult *r;
    long long n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    r = PQexec(pg, sql);
    if (pg_ok(r) && PQntuples(r) == 1) n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return n;
}

/* One entry: its hash recomputes and its author's signature verifies. */
static int entry_sound(ck_store *to, const ck_store_entry *e)
{
    ck_net_entry_fields f = {0};
    uint8_t h[32], tbs[CK_NET_ENTRY_TBS_MAX];
    size_t tbslen;
    ck_store_user u;
    f.patient = e->patient;
    f.seq = e->seq;
    memcpy(f.prev_hash, e->prev_hash, 32);
    f.section = e->section;
    f.resource_type = e->resource_type;
    f.author = e->author;
    f.time_ms = (uint64_t)e->time_ms;
    f.envelope = e->envelope;
    f.envelope_len = e->envelope_len;
    f.envelope_sha256 = e->body_dropped ? e->body_sha256 : NULL;
    memcpy(f.signature, e->signature, 64);
    if (ck_net_entry_hash(h, &f) != 0 || memcmp(h, e->hash, 32) != 0) return -1;
    if (ck_store_user_get(to, e->author, &u) != CK_STORE_OK) return -1;
    if (ck_net_entry_tbs(tbs, sizeof tbs, &tbslen, &f) != 0) return -1;
    return ck_net_ed25519_verify(e->signature, tbs, tbslen, u.ed25519);
}

static int same_entry(const ck_store_entry *a, const ck_store_entry *b)
{
    return a->seq == b->seq && !memcmp(a->prev_hash, b->prev_hash, 32) && !memcmp(a->hash, b->hash, 32) &&
           !strcmp(a->section, b->section) && !strcmp(a->resource_type, b->resource_type) &&
           !strcmp(a->author, b->author) && a->time_ms == b->time_ms && a->envelope_len == b->envelope_len &&
           (a->envelope_len == 0 || !memcmp(a->envelope, b->envelope, a->envelope_len)) &&
           !memcmp(a->signature, b->signature, 64) && a->received_at == b->received_at &&
           a->supersedes == b->supersedes && a->body_dropped == b->body_dropped &&
           (!a->body_dropped || !memcmp(a->body_sha256, b->body_sha256, 32));
}

/* One record's chain, in pages, on both sides. */
static int verify_chain(ck_store *from, ck_store *to, const char *patient, ck_store_migration *m)
{
    uint64_t since = 0, head_seq = 0, hs2 = 0;
    uint8_t prev[32] = {0}, head[32], h2[32];
    ck_store_signed_head s1, s2;
    ck_store_rc r1, r2;
    memset(&s1, 0, sizeof s1);
    memset(&s2, 0, sizeof s2);
    if (ck_store_head(to, patient, &head_seq, head) != CK_STORE_OK ||
        ck_store_head(from, patient, &hs2, h2) != CK_STORE_OK || hs2 != head_seq || memcmp(head, h2, 32)) {
        say(m, "record %s: heads differ", patient);
        return -1;
    }
    for (;;) {
        ck_store_entry *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        int bad = 0;
        if (ck_store_entries(to, patient, since, 500, &a, &na) != CK_STORE_OK ||
            ck_store_entries(from, patient, since, 500, &b, &nb) != CK_STORE_OK) {
            say(m, "record %s: cannot read entries", patient);
            return -1;
        }
        if (na != nb) bad = 1;
        for (size_t i = 0; i < na && !bad; i++) {
            if (a[i].seq != since + 1 || memcmp(a[i].prev_hash, prev, 32) || !same_entry(&a[i], &b[i]) ||
                entry_sound(to, &a[i]) != 0)
                bad = 1;
            else {
                since = a[i].seq;
                memcpy(prev, a[i].hash, 32);
                m->entries_verified++;
            }
        }
        ck_store_entries_free(a, na);
        ck_store_entries_free(b, nb);
        if (bad) {
            say(m, "record %s: entry %llu does not verify or differs from the source", patient,
                (unsigned long long)since + 1);
            return -1;
        }
        if (na == 0) break;
    }
    if (since != head_seq || (head_seq && memcmp(prev, head, 32))) {
        say(m, "record %s: chain ends at %llu, head says %llu", patient, (unsigned long long)since,
            (unsigned long long)head_seq);
        return -1;
    }
    r1 = ck_store_signed_head_get(to, patient, &s1);
    r2 = ck_store_signed_head_get(from, patient, &s2);
    if (r1 != r2 || (r1 == CK_STORE_OK && memcmp(&s1, &s2, sizeof s1) != 0)) {
        say(m, "record %s: signed heads differ", patient);
        return -1;
    }
    m->records_verified++;
    return 0;
}

static int verify(sqlite3 *db, PGconn *pg, ck_store *from, ck_store *to, ck_store_migration *m)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    for (size_t t = 0; t < NTABLES; t++) {
        long long a = count_sqlite(db, tables[t].from), b = count_pg(pg, tables[t].to);
        /* nonce_log may hold a nonce twice (kept once) */
        if (a < 0 || b < 0 || (strcmp(tables[t].to, "nonces") ? a != b : b > a)) {
            say(m, "table %s: %lld rows in the source, %lld copied", tables[t].to, a, b);
            return -1;
        }
    }
    if (sqlite3_prepare_v2(db, "SELECT patient FROM records ORDER BY patient", -1, &st, NULL) != SQLITE_OK) return -1;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = verify_chain(from, to, (const char *)sqlite3_column_text(st, 0), m);
    sqlite3_finalize(st);
    return rc;
}

ck_store_rc ck_store_migrate(const char *sqlite_path, const char *pg_url, ck_store_migration *m)
{
    ck_store_opts o = {2, 5000};
    ck_store *from = NULL, *to = NULL;
    sqlite3 *db = NULL;
    PGconn *pg = NULL;
    ck_store_rc rc = CK_STORE_ERROR;

    memset(m, 0, sizeof *m);
    m->ntables = NTABLES;
    for (size_t t = 0; t < NTABLES; t++) m->table[t] = tables[t].to;
    /* Both at the current schema (each open migrates its side). */
    if (ck_store_sqlite_open(&from, sqlite_path, &o) != CK_STORE_OK) {
        say(m, "cannot open the SQLite database %s", sqlite_path);
        goto out;
    }
    if (ck_store_pg_open(&to, pg_url, &o) != CK_STORE_OK) {
        say(m, "cannot open the PostgreSQL database (see the log line above)");
        goto out;
    }
    if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        say(m, "sqlite: %s", db ? sqlite3_errmsg(db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    if ((pg = PQconnectdb(pg_url)) == NULL || PQstatus(pg) != CONNECTION_OK) {
        say(m, "postgres: %s", pg ? PQerrorMessage(pg) : "out of memory");
        goto out;
    }
    for (size_t t = 0; t < NTABLES; t++)
        if (strcmp(tables[t].to, "nonces") && count_pg(pg, tables[t].to) != 0) {
            say(m, "the target database is not empty (table %s has rows)", tables[t].to);
            rc = CK_STORE_EXISTS;
            goto out;
        }
    /* One read snapshot of the source, one transaction on the target. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) goto out;
    if (pg_exec(pg, m, "BEGIN") != 0 || pg_exec(pg, m, "SET client_min_messages = warning") != 0 ||
        pg_exec(pg, m, "DELETE FROM nonces") != 0)
        goto out;
    for (size_t t = 0; t < NTABLES; t++) {
        if (copy_table(db, pg, (int)t, m) != 0) goto out;
        if (!strcmp(tables[t].to, "units") && copy_affiliations(db, pg, m) != 0) goto out;
    }
    if (pg_exec(pg, m, "COMMIT") != 0) goto out;
    rc = verify(db, pg, from, to, m) == 0 ? CK_STORE_OK : CK_STORE_INVALID;
out:
    if (pg) {
        if (PQtransactionStatus(pg) == PQTRANS_INTRANS || PQtransactionStatus(pg) == PQTRANS_INERROR) {
            PGresult *r = PQexec(pg, "ROLLBACK");
            PQclear(r);
        }
        PQfinish(pg);
    }
    if (db) sqlite3_close(db);
    if (from) ck_store_close(from);
    if (to) ck_store_close(to);
    return rc;
}
