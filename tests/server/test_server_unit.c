/*
 * test_server_unit.c - in-process tests of the server's parts (no child
 * processes, so they also run under ASan/UBSan): canonical encodings and
 * codecs, the SQLite store (append/conflict/grants/mailbox/audit/nonces,
 * reopen + migrations, a tombstone's drops on both append paths),
 * configuration precedence, the replay cache, the rate limiter, and a
 * whole carekeyd running in this process on loopback driven by the client
 * library.
 */
#include "chain_check.h"
#include "ckd.h"

#include "carekey/record.h"
#include "carekey/store.h"

#include <semaphore.h>
#include <sqlite3.h>

static void test_json_buf(void)
{
    ckd_buf b = {0};
    static const uint8_t bytes[3] = {0xde, 0xad, 0x01};
    ckd_buf_lit(&b, "{");
    ckd_buf_str(&b, "a\"b\\c\n\x01\x7f/\xc3\xa9");
    ckd_buf_lit(&b, ",");
    ckd_buf_hex(&b, bytes, 3);
    ckd_buf_lit(&b, ",");
    ckd_buf_b64(&b, bytes, 3);
    ckd_buf_lit(&b, ",");
    ckd_buf_u64(&b, UINT64_MAX);
    ckd_buf_lit(&b, ",");
    ckd_buf_i64(&b, INT64_MIN);
    ckd_buf_lit(&b, "}");
    CHECK(!b.oom && b.p && !strcmp(b.p, "{\"a\\\"b\\\\c\\u000a\\u0001\\u007f/\xc3\xa9\",\"dead01\",\"3q0B\","
                                      "18446744073709551615,-9223372036854775808}") && b.len == strlen(b.p),
          "json text builder: %s", b.p ? b.p : "(null)");
    free(b.p);
    b = (ckd_buf){0};
    ckd_buf_lit(&b, "{\"s\":");
    ckd_buf_str(&b, "q\"\\\t\x1f");
    ckd_buf_lit(&b, "}");
    json_t *j = b.p ? json_loads(b.p, 0, NULL) : NULL;
    CHECK(j && !strcmp(json_string_value(json_object_get(j, "s")), "q\"\\\t\x1f"), "escaped string round trip");
    json_decref(j);
    free(b.p);
}

static void test_codecs(void)
{
    static const struct {
        const char *raw, *b64;
    } v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[32];
        uint8_t *d = NULL;
        size_t n;
        ck_net_b64(out, (const uint8_t *)v[i].raw, strlen(v[i].raw));
        CHECK(!strcmp(out, v[i].b64), "b64 %zu", i);
        if (i) CHECK(ck_net_unb64(&d, &n, v[i].b64, strlen(v[i].b64)) == 0 && n == strlen(v[i].raw) &&
                         !memcmp(d, v[i].raw, n), "unb64 %zu", i);
        free(d);
    }
    static const char *const bad[] = {"Zg=", "Zh==", "Zm9=", "Z===", "Zm 9", "=Zm9", "Zm9v\n", "Zg==Zg==", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *d = NULL;
        size_t n;
        CHECK(ck_net_unb64(&d, &n, bad[i], strlen(bad[i])) != 0, "strict b64 rejects '%s'", bad[i]);
        free(d);
    }
    uint8_t b[4];
    CHECK(ck_net_unhex(b, 4, "00ff7F80") == 0 && b[1] == 0xff && b[2] == 0x7f, "unhex");
    CHECK(ck_net_unhex(b, 4, "00ff7F8") != 0 && ck_net_unhex(b, 4, "00ff7F8g") != 0, "unhex rejects");
    CHECK(ck_net_id_valid("alice") && ck_net_id_valid("dr.x@hosp-a_1") && !ck_net_id_valid("") &&
              !ck_net_id_valid(".x") && !ck_net_id_valid("a b") && !ck_net_id_valid("a'") && !ck_net_id_valid("a/b"),
          "id syntax");
}

/* security: bidi and control characters in names (item 12). */
static void test_display_names(void)
{
    static const char *const good[] = {"Dr A", "J\xc3\xa9r\xc3\xb4me", "\xe6\x9d\x8e\xe5\x9b\x9b", "x", NULL};
    static const char *const bad[] = {"", "a\tb", "a\x7f", "a\xc2\x85", "a\xc2\x9f" "b", "\xe2\x80\xae" "evil",
                                      "a\xe2\x80\xaa", "a\xe2\x81\xa6", "a\xe2\x81\xa9", "a\xe2\x80\x8e",
                                      "a\xe2\x80\x8f", "a\xd8\x9c", "\xc0\xaf", "\xed\xa0\x80", "\xff", NULL};
    printf("security: names refuse bidi and control characters\n");
    for (int i = 0; good[i]; i++) CHECK(ckd_display_name_valid(good[i]), "name %d accepted", i);
    for (int i = 0; bad[i]; i++) CHECK(!ckd_display_name_valid(bad[i]), "name %d refused", i);
}

static void test_entry_encoding(void)
{
    uint8_t pk[32], sk[32], pk2[32], sk2[32], h1[32], h2[32], env[100];
    ck_net_entry_fields f;
    memset(&f, 0, sizeof f);
    memset(env, 7, sizeof env);
    CHECK(ck_net_ed25519_keygen(pk, sk) == 0 && ck_net_ed25519_keygen(pk2, sk2) == 0, "keygen");
    f.patient = "alice";
    f.section = "allergies";
    f.resource_type = "AllergyIntolerance";
    f.author = "alice";
    f.time_ms = 1700000000000ULL;
    f.envelope = env;
    f.envelope_len = sizeof env;
    f.seq = 1;
    CHECK(ck_net_entry_sign(f.signature, &f, sk) == 0, "sign");
    CHECK(ck_net_entry_verify(&f, pk) == 0, "verify");
    CHECK(ck_net_entry_verify(&f, pk2) != 0, "wrong key");
    CHECK(ck_net_entry_hash(h1, &f) == 0, "hash");
    f.seq = 2; /* seq is not signed, but it is hashed */
    CHECK(ck_net_entry_verify(&f, pk) == 0 && ck_net_entry_hash(h2, &f) == 0 && memcmp(h1, h2, 32), "seq in hash");
    f.seq = 1;
    env[3] ^= 1;
    CHECK(ck_net_entry_verify(&f, pk) != 0, "envelope bound by signature");
    env[3] ^= 1;
    /* Length prefixes: moving a byte between fields changes the encoding. */
    f.section = "allergiesA";
    f.resource_type = "llergyIntolerance";
    CHECK(ck_net_entry_verify(&f, pk) != 0, "field boundaries are bound");
    char *s = ck_net_req_string("http://127.0.0.1:80", "GET", "/v1/users/a?x=1+y", "alice", 5, "00", "TREAT", NULL, 0);
    CHECK(s && !strcmp(s, "carekey-req-v2\nhttp://127.0.0.1:80\nGET\n/v1/users/a?x=1+y\nalice\n5\n00\nTREAT\n"
                          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"),
          "request string v2 names the origin");
    free(s);
    static const struct {
        const char *url, *origin;
    } ov[] = {{"http://127.0.0.1:8443", "http://127.0.0.1:8443"}, {"HTTPS://Example.ORG/x?y", "https://example.org:443"},
              {"http://h", "http://h:80"}, {"https://[::1]:9/", "https://[::1]:9"}, {"http://a.b:00080", "http://a.b:80"}};
    for (size_t i = 0; i < sizeof ov / sizeof ov[0]; i++) {
        char o[CK_NET_ORIGIN_MAX];
        CHECK(ck_net_origin(ov[i].url, o, sizeof o) == 0 && !strcmp(o, ov[i].origin), "origin of %s: %s", ov[i].url, o);
    }
    static const char *const bad_urls[] = {"ftp://h", "http://", "http://u@h", "http://h:0", "http://h:65536",
                                           "http://h:8x", "http://[::1", "h:80"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        char o[CK_NET_ORIGIN_MAX];
        CHECK(ck_net_origin(bad_urls[i], o, sizeof o) != 0, "no origin for %s", bad_urls[i]);
    }
}

/* The index GET /v1/grants/mine's query runs on (schema 7): 1 when the
 * plan of the store's statement searches grants_held. */
static int held_query_indexed(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT id FROM grants WHERE grantee = ?1 AND revoked_at = 0 "
                               "AND id > ?2 AND (expires_at = 0 OR expires_at > ?3) ORDER BY id LIMIT ?4",
                           -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            if (strstr((const char *)sqlite3_column_text(st, 3), "INDEX grants_held")) found = 1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}

/* ck_store_grants_held, after g (p1 -> dr) was revoked: only dr's grants
 * neither revoked nor expired, on any record, paged by id. */
static void held_grants(ck_store *s, ck_store_grant *g)
{
    ck_store_grant *gl = NULL;
    ck_store_user u;
    size_t n;
    int64_t ids[2];
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "p2");
    snprintf(u.role, sizeof u.role, "patient");
    CHECK(ck_store_user_add(s, &u) == CK_STORE_OK, "p2");
    snprintf(g->patient, sizeof g->patient, "p2");
    g->expires_at = 5; /* expired at 10 */
    CHECK(ck_store_grant_add(s, g, NULL) == CK_STORE_OK, "expired grant");
    g->expires_at = 0;
    snprintf(g->patient, sizeof g->patient, "p1");
    CHECK(ck_store_grant_add(s, g, NULL) == CK_STORE_OK, "grant on p1");
    ids[0] = g->id;
    snprintf(g->grantee, sizeof g->grantee, "nurse");
    CHECK(ck_store_grant_add(s, g, NULL) == CK_STORE_OK, "another grantee");
    snprintf(g->patient, sizeof g->patient, "p2");
    snprintf(g->grantee, sizeof g->grantee, "dr");
    g->expires_at = 11;
    CHECK(ck_store_grant_add(s, g, NULL) == CK_STORE_OK, "grant on p2, still valid at 10");
    ids[1] = g->id;
    CHECK(ck_store_grants_held(s, "dr", 0, 10, 10, &gl, &n) == CK_STORE_OK && n == 2 && gl[0].id == ids[0] &&
              gl[1].id == ids[1] && !strcmp(gl[1].patient, "p2") && !strcmp(gl[0].grantee, "dr"),
          "held: dr's two live grants, not the revoked, the expired nor the nurse's (%zu)", n);
    free(gl);
    CHECK(ck_store_grants_held(s, "dr", ids[0], 10, 10, &gl, &n) == CK_STORE_OK && n == 1 && gl[0].id == ids[1],
          "held: after the first");
    free(gl);
    CHECK(ck_store_grants_held(s, "dr", 0, 10, 1, &gl, &n) == CK_STORE_OK && n == 1 && gl[0].id == ids[0],
          "held: limit");
    free(gl);
    CHECK(ck_store_grants_held(s, "dr", 0, 11, 10, &gl, &n) == CK_STORE_OK && n == 1, "held: expiry at now");
    free(gl);
    CHECK(ck_store_grants_held(s, "dr' OR '1'='1", 0, 10, 10, &gl, &n) == CK_STORE_OK && n == 0, "held: bound");
    free(gl);
}

static void test_store_sqlite(void)
{
    char dir[256], url[400];
    ck_store *s = NULL;
    ck_store_opts o = {2, 2000};
    ck_store_user u, got;
    ck_store_entry e, *v = NULL;
    ck_store_audit a, *al = NULL;
    ck_store_grant g, *gl = NULL;
    ck_store_mail m, *ml = NULL;
    uint8_t env[50], hash[32], zero[32] = {0};
    uint64_t seq;
    size_t n;

    ckt_tmpdir(dir, sizeof dir, "unit");
    snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
    CHECK(ck_store_open(&s, url, &o) == CK_STORE_OK, "open");
    if (s == NULL) return;
    CHECK(!strcmp(ck_store_backend(s), "sqlite") && ck_store_schema_version(s) >= 2, "backend");
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "p1");
    snprintf(u.role, sizeof u.role, "patient");
    snprintf(u.display_name, sizeof u.display_name, "P One");
    CHECK(ck_store_user_add(s, &u) == CK_STORE_OK, "user add");
    CHECK(ck_store_user_add(s, &u) == CK_STORE_EXISTS, "dup user");
    CHECK(ck_store_user_get(s, "p1", &got) == CK_STORE_OK && !strcmp(got.display_name, "P One"), "user get");
    CHECK(ck_store_user_get(s, "p1' OR '1'='1", &got) == CK_STORE_NOT_FOUND, "bound parameters");
    CHECK(ck_store_head(s, "p1", &seq, hash) == CK_STORE_OK && seq == 0 && !memcmp(hash, zero, 32), "empty head");

    memset(&e, 0, sizeof e);
    memset(env, 1, sizeof env);
    snprintf(e.patient, sizeof e.patient, "p1");
    snprintf(e.section, sizeof e.section, "allergies");
    snprintf(e.resource_type, sizeof e.resource_type, "Basic");
    snprintf(e.author, sizeof e.author, "p1");
    e.envelope = env;
    e.envelope_len = sizeof env;
    memset(&a, 0, sizeof a);
    snprintf(a.actor, sizeof a.actor, "p1");
    snprintf(a.patient, sizeof a.patient, "p1");
    snprintf(a.action, sizeof a.action, "append");
    snprintf(a.outcome, sizeof a.outcome, "ok");
    CHECK(ck_store_append(s, &e, &a) == CK_STORE_OK && e.seq == 1, "append 1");
    memcpy(hash, e.hash, 32);
    CHECK(ck_store_append(s, &e, &a) == CK_STORE_CONFLICT, "stale prev: conflict");
    memcpy(e.prev_hash, hash, 32);
    CHECK(ck_store_append(s, &e, &a) == CK_STORE_OK && e.seq == 2, "append 2");
    snprintf(e.patient, sizeof e.patient, "nobody");
    CHECK(ck_store_append(s, &e, &a) == CK_STORE_NOT_FOUND, "no record");
    CHECK(ck_store_entries(s, "p1", 0, 10, &v, &n) == CK_STORE_OK && n == 2 && !memcmp(v[1].prev_hash, hash, 32) &&
              v[0].envelope_len == sizeof env, "entries");
    ck_store_entries_free(v, n);
    CHECK(ck_store_entries(s, "p1", 1, 10, &v, &n) == CK_STORE_OK && n == 1 && v[0].seq == 2, "since");
    ck_store_entries_free(v, n);
    CHECK(ck_store_entry_get(s, "p1", 3, &e) == CK_STORE_NOT_FOUND, "no entry 3");
    CHECK(ck_store_audit_list(s, "p1", 0, 10, &al, &n) == CK_STORE_OK && n == 2 && !strcmp(al[1].target, "seq:2"),
          "append audited in the same transaction (%zu)", n);
    free(al);

    memset(&g, 0, sizeof g);
    snprintf(g.patient, sizeof g.patient, "p1");
    snprintf(g.grantee, sizeof g.grantee, "dr");
    snprintf(g.granted_by, sizeof g.granted_by, "p1");
    snprintf(g.sections, sizeof g.sections, "a,b");
    CHECK(ck_store_grant_add(s, &g, NULL) == CK_STORE_OK && g.id > 0, "grant");
    snprintf(g.patient, sizeof g.patient, "nobody");
    CHECK(ck_store_grant_add(s, &g, NULL) == CK_STORE_NOT_FOUND, "grant needs a record");
    CHECK(ck_store_grants(s, "p1", "dr", &gl, &n) == CK_STORE_OK && n == 1 && !strcmp(gl[0].sections, "a,b"), "grants");
    free(gl);
    CHECK(ck_store_grant_revoke(s, "p1", g.id, 5, NULL) == CK_STORE_OK, "revoke");
    CHECK(ck_store_grant_revoke(s, "p1", g.id, 5, NULL) == CK_STORE_NOT_FOUND, "revoke twice");
    CHECK(ck_store_grants(s, "p1", "dr", &gl, &n) == CK_STORE_OK && n == 0, "revoked not listed");
    free(gl);
    held_grants(s, &g);

    memset(&m, 0, sizeof m);
    snprintf(m.recipient, sizeof m.recipient, "dr");
    snprintf(m.sender, sizeof m.sender, "authority:h");
    snprintf(m.kind, sizeof m.kind, "key");
    m.payload = env;
    m.payload_len = 5;
    CHECK(ck_store_mail_put(s, &m, 3, 2) == CK_STORE_OK && ck_store_mail_put(s, &m, 3, 2) == CK_STORE_OK, "2 mails");
    CHECK(ck_store_mail_put(s, &m, 3, 2) == CK_STORE_FULL, "per-sender quota");
    snprintf(m.sender, sizeof m.sender, "authority:k");
    CHECK(ck_store_mail_put(s, &m, 3, 2) == CK_STORE_OK, "another sender still lands");
    CHECK(ck_store_mail_put(s, &m, 3, 2) == CK_STORE_FULL, "mailbox limit");
    snprintf(m.sender, sizeof m.sender, "authority:h");
    CHECK(ck_store_mail_list(s, "dr", 0, 10, &ml, &n) == CK_STORE_OK && n == 3 && ml[0].payload_len == 5, "mail list");
    int64_t first = n ? ml[0].id : 0;
    ck_store_mail_free(ml, n);
    CHECK(ck_store_mail_ack(s, "dr", first, 0) == CK_STORE_OK && ck_store_mail_ack(s, "dr", first, 0) == CK_STORE_NOT_FOUND,
          "ack once");
    CHECK(ck_store_mail_ack(s, "p1", first + 1, 0) == CK_STORE_NOT_FOUND, "ack only own mail");

    CHECK(ck_store_nonce_use(s, "p1", "n1", 1000, 0) == CK_STORE_OK, "nonce");
    CHECK(ck_store_audit_add(s, &a) == CK_STORE_OK, "barrier write");
    CHECK(ck_store_nonce_use(s, "p1", "n1", 1000, 0) == CK_STORE_CONFLICT, "nonce replay");
    CHECK(ck_store_nonce_use(s, "p2", "n1", 1000, 0) == CK_STORE_OK, "nonce per caller");
    int64_t size = 0;
    CHECK(ck_store_size(s, &size) == CK_STORE_OK && size > 0, "size");
    ck_store_close(s);
    /* Reopen: migrations are idempotent, data and nonces persist. */
    CHECK(ck_store_open(&s, url, &o) == CK_STORE_OK, "reopen");
    if (s) {
        CHECK(ck_store_head(s, "p1", &seq, hash) == CK_STORE_OK && seq == 2, "head after reopen");
        CHECK(ck_store_nonce_use(s, "p1", "n1", 1000, 0) == CK_STORE_CONFLICT, "nonce survives reopen");
        ck_store_close(s);
    }
    snprintf(url, sizeof url, "%s/s.db", dir);
    CHECK(held_query_indexed(url), "the held-grants query searches the index grants_held");
    ckt_rmdir(dir);
}

/* ---- a tombstone's drops in the SQLite store --------------------------- */

typedef struct {
    sem_t sem;
    ck_store_rc rc;
} waiter;

static void woke(void *ctx, ck_store_rc rc)
{
    waiter *w = ctx;
    w->rc = rc;
    sem_post(&w->sem);
}

/* One record's appends, through either store path. */
typedef struct {
    ck_store *s;
    const char *patient;
    int async;
} writer;

/* A container of kind superseding sup, its body n bytes of fill. */
static uint8_t *container(ck_rec_kind kind, uint64_t sup, size_t n, size_t *len)
{
    ck_rec_container c;
    uint8_t *body = malloc(n), *out;
    memset(&c, 0, sizeof c);
    memset(body, (int)(sup + 1), n);
    c.kind = kind;
    c.supersedes = sup;
    c.body = body;
    c.body_len = n;
    *len = ck_rec_container_encode(NULL, &c);
    if ((out = malloc(*len)) != NULL) ck_rec_container_encode(out, &c);
    free(body);
    return out;
}

/* Appends env (owned) in section onto the record's head, dropping drop[n];
 * the store's answer, e filled in. */
static ck_store_rc put_entry(writer *w, ck_store_entry *e, const char *section, uint8_t *env, size_t len,
                             const uint64_t *drop, size_t n)
{
    ck_store_audit a;
    uint64_t seq;
    waiter wt;
    ck_store_rc rc;
    memset(e, 0, sizeof *e);
    memset(&a, 0, sizeof a);
    snprintf(e->patient, sizeof e->patient, "%s", w->patient);
    snprintf(e->section, sizeof e->section, "%s", section);
    snprintf(e->resource_type, sizeof e->resource_type, "Basic");
    snprintf(e->author, sizeof e->author, "%s", w->patient);
    snprintf(a.actor, sizeof a.actor, "%s", w->patient);
    snprintf(a.patient, sizeof a.patient, "%s", w->patient);
    snprintf(a.action, sizeof a.action, "append");
    snprintf(a.outcome, sizeof a.outcome, "ok");
    e->envelope = env;
    e->envelope_len = len;
    e->drop = drop;
    e->n_drop = n;
    if (ck_store_head(w->s, w->patient, &seq, e->prev_hash) != CK_STORE_OK) return CK_STORE_ERROR;
    if (!w->async) {
        rc = ck_store_append(w->s, e, &a);
    } else {
        sem_init(&wt.sem, 0, 0);
        wt.rc = CK_STORE_ERROR;
        if ((rc = ck_store_append_async(w->s, e, &a, woke, &wt)) == CK_STORE_OK) {
            while (sem_wait(&wt.sem) != 0) {
            }
            rc = wt.rc;
        }
        sem_destroy(&wt.sem);
    }
    free(env);
    e->envelope = NULL;
    return rc;
}

static ck_store_rc put_data(writer *w, const char *section, uint64_t sup, size_t n, ck_store_entry *e)
{
    size_t len;
    uint8_t *env = container(CK_REC_KIND_DATA, sup, n, &len);
    return put_entry(w, e, section, env, len, NULL, 0);
}

static ck_store_rc put_tombstone(writer *w, const uint64_t *drop, size_t n, ck_store_entry *e)
{
    size_t len;
    uint8_t *env = container(CK_REC_KIND_TOMBSTONE, 0, 16, &len);
    return put_entry(w, e, "tombstone", env, len, drop, n);
}

/* 1 when entry seq of patient still has its body. */
static int has_body(ck_store *s, const char *patient, uint64_t seq)
{
    ck_store_entry e;
    int body = ck_store_entry_get(s, patient, seq, &e) == CK_STORE_OK && e.envelope != NULL && !e.body_dropped;
    ck_store_entry_clear(&e);
    return body;
}

static void add_patient(ck_store *s, const char *gid)
{
    ck_store_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.gid, sizeof u.gid, "%s", gid);
    snprintf(u.role, sizeof u.role, "patient");
    snprintf(u.display_name, sizeof u.display_name, "%s", gid);
    CHECK(ck_store_user_add(s, &u) == CK_STORE_OK, "patient %s", gid);
}

#define BIG (64 * 1024) /* bodies that fill overflow pages, so dropping them shows */

/* p1: 1 allergies, 2 allergies superseding 1, 3 problems, 4 notes
 * "superseding" 3 (another section), 5 allergies superseding 2. */
static void drops_chain(writer *w, uint8_t sha[6][32], uint8_t hash[6][32])
{
    static const struct {
        const char *section;
        uint64_t sup;
    } v[5] = {{"allergies", 0}, {"allergies", 1}, {"problems", 0}, {"notes", 3}, {"allergies", 2}};
    ck_store_entry e, got;
    for (int i = 0; i < 5; i++) {
        size_t len;
        uint8_t *env = container(CK_REC_KIND_DATA, v[i].sup, BIG, &len);
        ck_net_sha256(sha[i + 1], env, len);
        CHECK(put_entry(w, &e, v[i].section, env, len, NULL, 0) == CK_STORE_OK && e.seq == (uint64_t)i + 1 &&
                  e.supersedes == v[i].sup,
              "entry %d, supersedes %llu", i + 1, (unsigned long long)e.supersedes);
        memcpy(hash[i + 1], e.hash, 32);
    }
    CHECK(ck_store_entry_get(w->s, "p1", 2, &got) == CK_STORE_OK && got.supersedes == 1 && !got.body_dropped,
          "supersedes is stored");
    ck_store_entry_clear(&got);
}

/* Refused tombstones change nothing: not the head, no body, no audit row. */
static void drops_refused(writer *w)
{
    static const struct {
        uint64_t drop[3];
        size_t n, refused;
        const char *what;
    } bad[] = {
        {{1, 5}, 2, 5, "a current version (nothing supersedes 5)"},
        {{1, 3}, 2, 3, "superseded only by an entry of another section"},
        {{9}, 1, 9, "no such entry"},
        {{2, 1}, 2, 1, "not ascending"},
        {{0}, 1, 0, "seq 0"},
    };
    ck_store_entry e;
    ck_store_audit *al = NULL;
    uint64_t seq;
    uint8_t hash[32];
    size_t n0 = 0, n1 = 0;
    CHECK(ck_store_audit_list(w->s, "p1", 0, 100, &al, &n0) == CK_STORE_OK, "audit before");
    free(al);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(put_tombstone(w, bad[i].drop, bad[i].n, &e) == CK_STORE_INVALID && e.drop_refused == bad[i].refused,
              "refused: %s (refused %llu)", bad[i].what, (unsigned long long)e.drop_refused);
    CHECK(ck_store_head(w->s, "p1", &seq, hash) == CK_STORE_OK && seq == 5, "the head did not move: %llu",
          (unsigned long long)seq);
    CHECK(has_body(w->s, "p1", 1) && has_body(w->s, "p1", 2) && has_body(w->s, "p1", 3), "every body is there");
    CHECK(ck_store_audit_list(w->s, "p1", 0, 100, &al, &n1) == CK_STORE_OK && n1 == n0, "no audit row: %zu %zu", n0,
          n1);
    free(al);
}

static void test_store_drops(void)
{
    char dir[256], url[400];
    ck_store_opts o = {2, 2000};
    writer w = {NULL, "p1", 0}, w2 = {NULL, "p2", 1};
    uint8_t sha[6][32], hash[6][32];
    uint64_t drop12[2] = {1, 2}, drop1 = 1, drop5 = 5;
    ck_store_entry e, *v = NULL;
    ck_store_audit *al = NULL;
    int64_t before = 0, after = 0;
    size_t n = 0;

    ckt_tmpdir(dir, sizeof dir, "drops");
    snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
    CHECK(ck_store_open(&w.s, url, &o) == CK_STORE_OK, "open");
    if (w.s == NULL) return;
    w2.s = w.s;
    add_patient(w.s, "p1");
    add_patient(w.s, "p2");
    drops_chain(&w, sha, hash);
    drops_refused(&w);
    /* p2's entry 6 supersedes its 5: no help for p1's current entry 5. */
    for (uint64_t i = 0; i < 6; i++)
        CHECK(put_data(&w2, "allergies", i == 5 ? 5 : 0, 8, &e) == CK_STORE_OK, "p2 %llu", (unsigned long long)i + 1);
    CHECK(put_tombstone(&w, &drop5, 1, &e) == CK_STORE_INVALID && e.drop_refused == 5,
          "another record's entries do not count");

    CHECK(ck_store_size(w.s, &before) == CK_STORE_OK, "size before");
    w.async = 1; /* the group-commit path */
    CHECK(put_tombstone(&w, drop12, 2, &e) == CK_STORE_OK && e.seq == 6 && e.supersedes == 0,
          "tombstone 6 drops 1 and 2");
    CHECK(ck_store_size(w.s, &after) == CK_STORE_OK && after < before - BIG, "the bodies' space is free: %lld -> %lld",
          (long long)before, (long long)after);
    CHECK(ck_store_entries(w.s, "p1", 0, 10, &v, &n) == CK_STORE_OK && n == 6, "entries");
    for (size_t i = 0; i < 2 && n == 6; i++)
        CHECK(v[i].body_dropped && v[i].envelope == NULL && v[i].envelope_len == 0 &&
                  !memcmp(v[i].body_sha256, sha[i + 1], 32) && !memcmp(v[i].hash, hash[i + 1], 32),
              "entry %zu: no body, its digest, the same hash", i + 1);
    CHECK(n == 6 && !v[2].body_dropped && v[2].envelope_len > BIG, "entry 3 keeps its body");
    ck_store_entries_free(v, n);
    CHECK(ck_store_audit_list(w.s, "p1", 0, 100, &al, &n) == CK_STORE_OK && n >= 2 &&
              !strcmp(al[n - 2].action, "append") && !strcmp(al[n - 2].target, "seq:6") &&
              !strcmp(al[n - 1].action, "drop_bodies") && !strcmp(al[n - 1].target, "seq:6"),
          "append and drop_bodies audited with it");
    free(al);
    w.async = 0;
    CHECK(put_tombstone(&w, &drop1, 1, &e) == CK_STORE_INVALID && e.drop_refused == 1, "dropping twice");
    w.async = 1;
    CHECK(put_tombstone(&w, &drop1, 1, &e) == CK_STORE_INVALID && e.drop_refused == 1, "dropping twice (async)");
    ck_store_close(w.s);
    CHECK(ck_store_open(&w.s, url, &o) == CK_STORE_OK, "reopen");
    if (w.s) {
        CHECK(!has_body(w.s, "p1", 1) && !has_body(w.s, "p1", 2) && has_body(w.s, "p1", 3), "drops persist");
        ck_store_close(w.s);
    }
    ckt_rmdir(dir);
}

static void test_config(void)
{
    ckd_config c;
    char dir[256], ini[300];
    FILE *f;
    char *argv[] = {"carekeyd", "--config", ini, "--port", "9001", "--log-level=debug", NULL};
    char *bad[] = {"carekeyd", "--nope", "1", NULL};
    char *badval[] = {"carekeyd", "--port", "99999", NULL};
    ckt_tmpdir(dir, sizeof dir, "cfg");
    snprintf(ini, sizeof ini, "%s/carekeyd.ini", dir);
    f = fopen(ini, "w");
    fprintf(f, "# comment\n[server]\nport = 7000\nthreads = 3\ndb = \"sqlite:/x.db\"\nmax_body = 4096\n");
    fclose(f);
    setenv("CAREKEYD_THREADS", "5", 1);
    ckd_config_defaults(&c);
    CHECK(ckd_config_load(&c, 6, argv) == 0, "load");
    CHECK(c.port == 9001, "flag beats INI");
    CHECK(c.threads == 5, "env beats INI");
    CHECK(!strcmp(c.db, "sqlite:/x.db") && c.max_body == 4096, "INI values");
    CHECK(c.log_level == CKD_DEBUG, "--k=v form");
    unsetenv("CAREKEYD_THREADS");
    ckd_config_defaults(&c);
    CHECK(ckd_config_load(&c, 3, bad) != 0, "unknown flag refused");
    ckd_config_defaults(&c);
    CHECK(ckd_config_load(&c, 3, badval) != 0, "out-of-range value refused");
    CHECK(ckd_config_set(&c, "admin_key", "zz") != 0 && ckd_config_set(&c, "admin-key", "00") != 0, "bad admin key");
    ckt_rmdir(dir);
}

static void test_replay_rate(void)
{
    ckd_replay *r = ckd_replay_new(1024);
    ckd_ratelimit *rl = ckd_ratelimit_new(10, 5);
    int ok = 0, full = 0;
    CHECK(r && rl, "new");
    CHECK(ckd_replay_check(r, "a", "n", 0, 100) == 0, "first");
    CHECK(ckd_replay_check(r, "a", "n", 50, 100) == 1, "replay");
    CHECK(ckd_replay_check(r, "b", "n", 50, 100) == 0, "other caller");
    CHECK(ckd_replay_check(r, "a", "n", 150, 300) == 0, "expired entries are forgotten");
    for (int i = 0; i < 5000; i++) {
        char nonce[16];
        snprintf(nonce, sizeof nonce, "%d", i);
        int rc = ckd_replay_check(r, "c", nonce, 200, 100000);
        ok += rc == 0;
        full += rc == -1;
    }
    CHECK(full > 0 && ok >= 1000, "bounded: refuses when full (%d ok, %d full)", ok, full);
    for (int i = 0; i < 5; i++) CHECK(ckd_ratelimit_take(rl, "x", 1000), "burst %d", i);
    CHECK(!ckd_ratelimit_take(rl, "x", 1000), "limited");
    CHECK(ckd_ratelimit_take(rl, "x", 1200), "refilled after 200 ms at 10/s");
    ckd_replay_free(r);
    ckd_ratelimit_free(rl);
}

/* A session's window of sequence numbers against a model that remembers
 * every number: random walks with jumps, repeats and stragglers, then the
 * edges by hand; a gone session is -1. */
static void test_session_window(void)
{
    ckd_sessions *t = ckd_sessions_new(4, 10, 4);
    uint8_t pk[32] = {1}, key[32] = {2};
    char sid[CK_NET_SESSION_ID_HEX + 1];
    static uint8_t seen[20000];
    uint64_t top = 0, x = 88172645463325252ULL;
    int64_t exp;
    int bad = 0;
    snprintf(sid, sizeof sid, "%032x", 77);
    CHECK(t && ckd_sessions_add(t, sid, "erin", pk, key, 1000, &exp) == 0, "a session");
    for (int i = 0; i < 30000; i++) {
        uint64_t seq, r;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        r = x % 100;
        seq = r < 60 ? top + 1 + x % 3 : r < 90 ? (top > 1100 ? top - (x >> 8) % 1100 : 1 + (x >> 8) % (top + 1))
                                        : top + 1 + (x >> 8) % 1500;
        if (seq == 0 || seq >= sizeof seen) continue;
        int want = seen[seq] || (top >= seq && top - seq >= CKD_SESSION_WINDOW) ? 1 : 0;
        int got = ckd_sessions_use_seq(t, sid, seq, 2000);
        bad += got != want;
        if (want == 0) {
            seen[seq] = 1;
            if (seq > top) top = seq;
        }
    }
    CHECK(bad == 0, "the window agrees with the model (%d differ)", bad);
    CHECK(ckd_sessions_use_seq(t, sid, top, 2000) == 1, "the highest again");
    CHECK(ckd_sessions_use_seq(t, sid, top + CKD_SESSION_WINDOW, 2000) == 0, "a jump of a whole window");
    CHECK(ckd_sessions_use_seq(t, sid, top + 1, 2000) == 0, "a number it jumped over, still inside");
    CHECK(ckd_sessions_use_seq(t, sid, top, 2000) == 1, "one window below the top: refused");
    CHECK(ckd_sessions_use_seq(t, sid, top + 5, 11000) == -1, "an expired session");
    snprintf(sid, sizeof sid, "%032x", 78);
    CHECK(ckd_sessions_use_seq(t, sid, 1, 2000) == -1, "an unknown session");
    ckd_sessions_free(t);
}

/* The session table: lookups by id and caller, expiry, a caller's limit,
 * a full table, and the key exchange both sides run. */
static void test_sessions(void)
{
    ckd_sessions *t = ckd_sessions_new(16, 10, 3);
    uint8_t pk[32] = {1}, key[32] = {2}, gpk[32], gkey[32];
    uint8_t cpk[32], csk[32], spk[32], ssk[32], k1[32], k2[32];
    char id[8][CK_NET_SESSION_ID_HEX + 1];
    int64_t exp = 0;
    int ok = 1, added = 0;
    CHECK(t != NULL, "new");
    for (int i = 0; i < 8; i++) snprintf(id[i], sizeof id[i], "%032x", i + 1);
    CHECK(ckd_sessions_add(t, id[0], "alice", pk, key, 1000, &exp) == 0 && exp == 11000, "added, expires after the ttl");
    CHECK(ckd_sessions_add(t, id[0], "bob", pk, key, 1000, &exp) != 0, "an id is used once");
    CHECK(ckd_sessions_get(t, id[0], "alice", 5000, gpk, gkey) == 0 && !memcmp(gpk, pk, 32) && !memcmp(gkey, key, 32),
          "found with its key");
    CHECK(ckd_sessions_get(t, id[0], "bob", 5000, gpk, gkey) != 0, "not for another caller");
    CHECK(ckd_sessions_get(t, id[1], "alice", 5000, gpk, gkey) != 0, "an unknown id");
    CHECK(ckd_sessions_get(t, id[0], "alice", 11000, gpk, gkey) != 0, "expired");
    CHECK(ckd_sessions_add(t, id[1], "alice", pk, key, 2000, &exp) == 0 &&
              ckd_sessions_add(t, id[2], "alice", pk, key, 3000, &exp) == 0 &&
              ckd_sessions_add(t, id[3], "alice", pk, key, 4000, &exp) == 0 &&
              ckd_sessions_add(t, id[4], "alice", pk, key, 5000, &exp) == 0,
          "four more");
    CHECK(ckd_sessions_get(t, id[0], "alice", 5000, gpk, gkey) != 0 && ckd_sessions_get(t, id[1], "alice", 5000, gpk, gkey) != 0,
          "a caller keeps her three newest");
    CHECK(ckd_sessions_get(t, id[2], "alice", 5000, gpk, gkey) == 0 && ckd_sessions_get(t, id[4], "alice", 5000, gpk, gkey) == 0,
          "which still work");
    CHECK(ckd_sessions_count(t, 5000) == 3, "three open");
    for (int i = 0; i < 40; i++) {
        char gid[16], sid[CK_NET_SESSION_ID_HEX + 1];
        snprintf(gid, sizeof gid, "user%d", i);
        snprintf(sid, sizeof sid, "%032x", 100 + i);
        added += ckd_sessions_add(t, sid, gid, pk, key, 6000, &exp) == 0;
    }
    CHECK(added == 13 && ckd_sessions_count(t, 6000) == 16, "a full table refuses (%d added)", added);
    CHECK(ckd_sessions_count(t, 20000) == 0, "all expired by then");
    CHECK(ckd_sessions_add(t, id[5], "carol", pk, key, 20000, &exp) == 0 && ckd_sessions_count(t, 20000) == 1,
          "expired sessions make room");
    CHECK(ckd_sessions_get(t, id[5], "carol", 20001, gpk, gkey) == 0 && ckd_sessions_get(t, id[4], "alice", 20001, gpk, gkey) != 0,
          "the new one is found, the expired ones are gone");
    added = 0;
    for (int i = 0; i < 40; i++) {
        char sid[CK_NET_SESSION_ID_HEX + 1];
        snprintf(sid, sizeof sid, "%032x", 200 + i);
        added += ckd_sessions_add(t, sid, "dave", pk, key, 25000, &exp) == 0;
    }
    CHECK(added == 40 && ckd_sessions_count(t, 25000) == 4,
          "one caller opening 40 sessions at once never fills the table: she keeps 3 (%d added)", added);
    ckd_sessions_free(t);

    ok &= ck_net_kx_keypair(cpk, csk) == 0 && ck_net_kx_keypair(spk, ssk) == 0;
    ok &= ck_net_session_key(k1, csk, spk, id[0], "alice", cpk, spk) == 0;
    ok &= ck_net_session_key(k2, ssk, cpk, id[0], "alice", cpk, spk) == 0;
    CHECK(ok && !memcmp(k1, k2, 32), "both sides derive one key");
    CHECK(ck_net_session_key(k2, ssk, cpk, id[1], "alice", cpk, spk) == 0 && memcmp(k1, k2, 32) != 0,
          "another id, another key");
    CHECK(ck_net_session_key(k2, ssk, cpk, id[0], "alicf", cpk, spk) == 0 && memcmp(k1, k2, 32) != 0,
          "another caller, another key");
    memset(gpk, 0, 32);
    CHECK(ck_net_session_key(k2, ssk, gpk, id[0], "alice", gpk, spk) != 0, "a zero (low-order) key is refused");
    CHECK(ck_net_session_key(k2, ssk, cpk, "abc", "alice", cpk, spk) != 0, "a short id is refused");
    ck_net_req_mac(k2, k1, "carekey-req-v2\n", 15);
    CHECK(ck_net_req_mac_verify(k2, k1, "carekey-req-v2\n", 15) == 0, "a MAC verifies");
    k2[31] ^= 1;
    CHECK(ck_net_req_mac_verify(k2, k1, "carekey-req-v2\n", 15) != 0, "a changed MAC does not");
}

static void test_inprocess_server(void)
{
    ckd_server s;
    char dir[256];
    ckt_id admin, p, dr;
    ck_net *ca, *cp, *cd;
    ck_net_head h;
    uint8_t env[300];
    ck_net_entry *v = NULL;
    size_t n = 0;
    int more;

    ckt_tmpdir(dir, sizeof dir, "inproc");
    ckt_id_new(&admin, "admin");
    ckt_id_new(&p, "pat");
    ckt_id_new(&dr, "doc");
    memset(&s, 0, sizeof s);
    ckd_config_defaults(&s.cfg);
    s.cfg.port = 0;
    s.cfg.threads = 2;
    s.cfg.grace = 1;
    s.cfg.log_level = CKD_WARN;
    s.cfg.max_body = 4096;
    snprintf(s.cfg.db, sizeof s.cfg.db, "sqlite:%s/in.db", dir);
    memcpy(s.cfg.admin_pk, admin.pk, 32);
    s.cfg.have_admin = 1;
    CHECK(ckd_server_start(&s) == 0, "in-process server");
    if (s.mhd == NULL) return;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)s.bound_port);
    ca = ckt_client(url, "admin", admin.sk);
    cp = ckt_client(url, p.gid, p.sk);
    cd = ckt_client(url, dr.gid, dr.sk);
    CHECK(ckt_enroll(ca, &p, "patient") == 0 && ckt_enroll(ca, &dr, "doctor") == 0, "enroll");
    CHECK(ck_net_head_get(cp, p.gid, &h, NULL, NULL) == 0, "head");
    memset(env, 9, sizeof env);
    for (int i = 0; i < 5; i++)
        CHECK(ck_net_append(cp, p.gid, "problems", "Condition", h.hash, ckt_now_ms(), env, sizeof env, &h) == 0,
              "append");
    CHECK(ck_net_append(cd, p.gid, "problems", "Condition", h.hash, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 403, "no grant");
    CHECK(ck_net_entries(cd, p.gid, 0, 2, &v, &n, &more) != 0 && ck_net_status(cd) == 403, "no read grant: 403");
    CHECK(ck_net_grant_access(cp, p.gid, dr.gid, "read", "*", 0, 0, NULL) == 0, "read grant: %s", ck_net_error_code(cp));
    CHECK(ck_net_entries(cd, p.gid, 0, 2, &v, &n, &more) == 0 && n == 2 && more, "page");
    CHECK(n == 2 && v[1].seq == 2 && ck_net_entry_check(&v[1], p.pk) == 0, "listed entry verifies");
    ck_net_entries_free(v, n);
    /* One entry (reply built without jansson, sent after its audit row
     * committed on a suspended connection): fields and chain intact. */
    ck_net_entry e1;
    CHECK(ck_net_entry_get(cd, p.gid, 3, &e1) == 0 && e1.seq == 3 && e1.envelope_len == sizeof env &&
              !strcmp(e1.section, "problems") && !strcmp(e1.resource_type, "Condition") &&
              !strcmp(e1.author, p.gid) && ck_net_entry_check(&e1, p.pk) == 0,
          "entry get");
    ck_net_entry_clear(&e1);
    CHECK(ck_net_entry_get(cd, p.gid, 99, &e1) != 0 && ck_net_status(cd) == 404, "missing entry: 404");
    CHECK(ckt_raw(cp, "POST", "/v1/records/pat/entries", "{\"x\":") == 400, "bad JSON");
    CHECK(ckt_raw(cp, "GET", "/v1/records/pat/entries/1%00", NULL) == 400, "NUL escape");
    ck_net_audit *al = NULL;
    CHECK(ck_net_audit_list(cp, p.gid, 0, 100, &al, &n) == 0 && n >= 8, "audit (%zu)", n);
    int seen = 0;
    for (size_t i = 0; al && i < n; i++)
        if (!strcmp(al[i].action, "read_entry") && !strcmp(al[i].target, "seq:3") && !strcmp(al[i].actor, dr.gid))
            seen++;
    CHECK(seen == 1, "the entry read is in the audit log");
    free(al);
    ck_net_close(ca);
    ck_net_close(cp);
    ck_net_close(cd);
    ckd_server_stop(&s);
    ckt_rmdir(dir);
}

int main(void)
{
    if (ck_net_global_init() != 0) return 2;
    test_codecs();
    test_json_buf();
    test_entry_encoding();
    test_display_names();
    test_store_sqlite();
    test_store_drops();
    test_config();
    test_replay_rate();
    test_sessions();
    test_session_window();
    test_inprocess_server();
    TEST_MAIN_END();
}
