/*
 * pg_schema.c - PostgreSQL back end: the schema and its migrations, applied under
 * an advisory lock.
 */
#include "pg_impl.h"

static const char *const migrations[] = {
    "CREATE TABLE users("
    "  gid TEXT PRIMARY KEY, ed25519 BYTEA NOT NULL, x25519 BYTEA NOT NULL,"
    "  display_name TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE TABLE authorities("
    "  name TEXT PRIMARY KEY, sign_pk BYTEA NOT NULL, abe_pk TEXT NOT NULL, epochs TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
    "CREATE TABLE records("
    "  patient TEXT PRIMARY KEY REFERENCES users(gid), head_seq BIGINT NOT NULL,"
    "  head_hash BYTEA NOT NULL, signed_seq BIGINT, signed_hash BYTEA, signed_time BIGINT,"
    "  signed_sig BYTEA);"
    "CREATE TABLE entries("
    "  patient TEXT NOT NULL REFERENCES records(patient), seq BIGINT NOT NULL,"
    "  prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL, section TEXT NOT NULL,"
    "  resource_type TEXT NOT NULL, author TEXT NOT NULL, time_ms BIGINT NOT NULL,"
    "  envelope BYTEA NOT NULL, signature BYTEA NOT NULL, received_at BIGINT NOT NULL,"
    "  PRIMARY KEY(patient, seq));"
    "CREATE TABLE grants("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  patient TEXT NOT NULL REFERENCES records(patient), grantee TEXT NOT NULL,"
    "  granted_by TEXT NOT NULL, sections TEXT NOT NULL, delegate INTEGER NOT NULL,"
    "  expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);"
    "CREATE INDEX grants_by_grantee ON grants(patient, grantee);"
    "CREATE TABLE mailbox("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, recipient TEXT NOT NULL,"
    "  sender TEXT NOT NULL, kind TEXT NOT NULL, payload BYTEA NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE INDEX mailbox_by_recipient ON mailbox(recipient, id);"
    "CREATE TABLE audit("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time_ms BIGINT NOT NULL,"
    "  actor TEXT NOT NULL, patient TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,"
    "  purpose TEXT NOT NULL, outcome TEXT NOT NULL, status INTEGER NOT NULL);"
    "CREATE INDEX audit_by_patient ON audit(patient, id);",
    "CREATE UNLOGGED TABLE nonces(caller TEXT NOT NULL, nonce TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(caller, nonce));"
    "CREATE INDEX nonces_by_time ON nonces(created_at);",
    /* 3: the organization directory (docs/CARE.md, "Directory"). */
    "CREATE TABLE orgs("
    "  name TEXT PRIMARY KEY REFERENCES users(gid),"
    "  kind TEXT NOT NULL CHECK (kind IN ('hospital', 'pharmacy', 'board', 'desk')),"
    "  display_name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,"
    "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
    "CREATE TABLE units("
    "  org TEXT NOT NULL REFERENCES orgs(name), name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('department', 'ward', 'theatre')),"
    "  display_name TEXT NOT NULL, beds BIGINT NOT NULL DEFAULT 0 CHECK (beds >= 0),"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(org, name));"
    "ALTER TABLE users ADD COLUMN org TEXT REFERENCES orgs(name), ADD COLUMN unit TEXT,"
    "  ADD COLUMN title TEXT, ADD COLUMN attributes TEXT NOT NULL DEFAULT '',"
    "  ADD COLUMN affiliated_at BIGINT NOT NULL DEFAULT 0, ADD COLUMN active INTEGER NOT NULL DEFAULT 1,"
    "  ADD COLUMN deactivated_at BIGINT NOT NULL DEFAULT 0,"
    "  ADD CONSTRAINT users_unit_fk FOREIGN KEY (org, unit) REFERENCES units(org, name);"
    "CREATE INDEX users_by_org ON users(org, gid);",
    /* 4: signed directory documents, consent, read grants, mailbox quotas,
     * enrollment requests (as SQLite's 5); the replay nonces become a
     * logged table: a request is answered only once its nonce survives a
     * crash of the database server too. */
    "ALTER TABLE authorities ADD COLUMN organization TEXT NOT NULL DEFAULT '',"
    "  ADD COLUMN signed_at BIGINT NOT NULL DEFAULT 0, ADD COLUMN operator_sig BYTEA,"
    "  ADD COLUMN epoch_version BIGINT NOT NULL DEFAULT 0;"
    "UPDATE authorities SET epochs = '';"
    "ALTER TABLE grants ADD COLUMN access TEXT NOT NULL DEFAULT 'write' CHECK (access IN ('write', 'read'));"
    "CREATE INDEX mailbox_by_sender ON mailbox(recipient, sender);"
    "CREATE TABLE consents(gid TEXT NOT NULL REFERENCES users(gid), org TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, PRIMARY KEY(gid, org));"
    "CREATE TABLE enrollments("
    "  gid TEXT PRIMARY KEY, role TEXT NOT NULL, display_name TEXT NOT NULL, ed25519 BYTEA NOT NULL,"
    "  x25519 BYTEA NOT NULL, org_kind TEXT NOT NULL, org_display_name TEXT NOT NULL, join_org TEXT NOT NULL,"
    "  auth_name TEXT NOT NULL, auth_sign_pk BYTEA, auth_abe_pk TEXT NOT NULL, auth_organization TEXT NOT NULL,"
    "  auth_epoch_table TEXT NOT NULL, auth_epoch_version BIGINT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),"
    "  created_at BIGINT NOT NULL, decided_at BIGINT NOT NULL);"
    "CREATE INDEX enrollments_by_status ON enrollments(status, created_at);"
    "ALTER TABLE nonces SET LOGGED;",
    /* 5: tombstones (as SQLite's 6). An entry keeps the seq its DATA
     * container supersedes (backfilled from the stored envelopes by
     * backfill_supersedes), and a dropped body leaves envelope NULL with
     * its SHA-256 in body_sha256. */
    "ALTER TABLE entries ALTER COLUMN envelope DROP NOT NULL,"
    "  ADD COLUMN supersedes BIGINT NOT NULL DEFAULT 0, ADD COLUMN body_sha256 BYTEA,"
    "  ADD CONSTRAINT entries_body CHECK ((envelope IS NULL) = (body_sha256 IS NOT NULL));"
    "CREATE INDEX entries_by_supersedes ON entries(patient, supersedes) WHERE supersedes > 0;",
    /* 6: the grants a person holds across records (as SQLite's 7). */
    "CREATE INDEX grants_held ON grants(grantee, id) WHERE revoked_at = 0;",
    /* 7: a record's generation (ck_store_record_gen; SQLite's 8 has the
     * column only, for carekeyd pg_migrate). Triggers move it in the commit
     * of every change to the record's grants or to its entries' bodies,
     * whichever statement makes it: a cache keyed on it cannot miss one. */
    "ALTER TABLE records ADD COLUMN gen BIGINT NOT NULL DEFAULT 1;"
    "CREATE FUNCTION records_gen_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  UPDATE records SET gen = gen + 1"
    "    WHERE patient = CASE WHEN TG_OP = 'DELETE' THEN OLD.patient ELSE NEW.patient END;"
    "  RETURN NULL; END $$;"
    "CREATE TRIGGER grants_gen AFTER INSERT OR UPDATE OR DELETE ON grants"
    "  FOR EACH ROW EXECUTE FUNCTION records_gen_bump();"
    "CREATE TRIGGER entries_gen AFTER UPDATE OR DELETE ON entries"
    "  FOR EACH ROW EXECUTE FUNCTION records_gen_bump();",
};
/* The migration that added entries.supersedes: its rows are filled in C. */
#define SCHEMA_SUPERSEDES 5
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))
int pg_schema_version(ck_store *b)
{
    (void)b;
    return SCHEMA_VERSION;
}

/* Schema 5: entries.supersedes from the stored envelopes, a page at a time
 * (only rows that start like a DATA container are read: magic "CKRE",
 * version 1 or 2, kind 1; ck_store_supersedes_of decides). */
static int backfill_supersedes(pconn *c)
{
    char patient[CK_STORE_ID_CAP] = "";
    long long seq = 0;
    for (;;) {
        params p = {0};
        PGresult *r;
        int rows, rc = 0;
        pg_param_text(&p, patient);
        pg_param_int(&p, seq);
        r = pg_query(c, "SELECT patient, seq, envelope FROM entries WHERE (patient, seq) > ($1, $2) "
                        "AND substr(envelope, 1, 6) IN ('\\x434b52450101'::bytea, '\\x434b52450201'::bytea) "
                        "ORDER BY patient, seq LIMIT 256", &p);
        if (!pg_ok(r)) {
            PQclear(r);
            return -1;
        }
        rows = PQntuples(r);
        for (int i = 0; i < rows && rc == 0; i++) {
            size_t len = 0;
            uint8_t *env = pg_val_dup(r, i, 2, &len);
            uint64_t sup = env ? ck_store_supersedes_of(env, len) : 0;
            free(env);
            pg_val_text(patient, sizeof patient, r, i, 0);
            seq = pg_val_int(r, i, 1);
            if (sup == 0) continue;
            memset(&p, 0, sizeof p);
            pg_param_text(&p, patient);
            pg_param_int(&p, seq);
            pg_param_int(&p, (long long)sup);
            if (pg_exec_params(c, "UPDATE entries SET supersedes = $3 WHERE patient = $1 AND seq = $2", &p, NULL) !=
                CK_STORE_OK)
                rc = -1;
        }
        PQclear(r);
        if (rc != 0) return -1;
        if (rows < 256) return 0;
    }
}

/* Applies missing migrations under an advisory lock, so instances that
 * start together do not race. */
int pg_migrate(pconn *c)
{
    PGresult *r = NULL;
    int v = -1, rc = -1;
    char set[96];
    if (pg_exec_simple(c, "BEGIN") != 0) goto out;
    if (pg_exec_simple(c, "SELECT pg_advisory_xact_lock(727318)") != 0) goto out;
    if (pg_exec_simple(c, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)") != 0) goto out;
    r = PQexec(c->pg, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (!pg_ok(r) || PQntuples(r) != 1) goto out;
    v = (int)pg_val_int(r, 0, 0);
    if (v > SCHEMA_VERSION) {
        fprintf(stderr, "level=error msg=\"database schema is newer than this carekeyd\" version=%d\n", v);
        goto out;
    }
    for (; v < SCHEMA_VERSION; v++) {
        if (pg_exec_simple(c, migrations[v]) != 0 || (v + 1 == SCHEMA_SUPERSEDES && backfill_supersedes(c) != 0)) {
            fprintf(stderr, "level=error msg=\"migration failed\" step=%d detail=\"%s\"\n", v + 1,
                    PQerrorMessage(c->pg));
            goto out;
        }
        snprintf(set, sizeof set, "DELETE FROM schema_version; INSERT INTO schema_version VALUES(%d)", v + 1);
        if (pg_exec_simple(c, set) != 0) goto out;
    }
    if (pg_exec_simple(c, "COMMIT") != 0) goto out;
    rc = 0;
out:
    PQclear(r);
    if (rc != 0 && PQtransactionStatus(c->pg) != PQTRANS_IDLE) pg_exec_simple(c, "ROLLBACK");
    return rc;
}
