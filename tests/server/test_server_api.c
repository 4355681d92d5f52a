/*
 * test_server_api.c - integration and security tests against a real
 * carekeyd process on loopback.
 *
 *   test_server_api CAREKEYD [DB_URL]     (default: a fresh SQLite file)
 *
 * Covers enrollment, authorities, append/list/get, paging, grants and
 * delegates, signed heads, mailbox, audit, metrics, restart persistence,
 * and the refusals: unsigned, wrongly signed, stale, replayed and
 * unknown-key requests, writers without grants, foreign audit logs,
 * malformed/oversized bodies (no change to stored data), path and
 * parameter injection. With SQLite it also runs the API over HTTPS.
 */
#include "ckt.h"

#include "carekey/directory.h"

#include <curl/curl.h>
#include <jansson.h>

static const char *bin;
static ckt_server srv;
static ckt_id admin, alice, bob, drx, nurse, pharm, hosp;
static int64_t gid_del; /* alice's delegation to the nurse (test_grants) */

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

/* An unsigned request (plain libcurl). Returns the status. */
static long unsigned_get(const char *path)
{
    char url[700];
    long st = 0;
    CURL *c = curl_easy_init();
    snprintf(url, sizeof url, "%s%s", srv.url, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_easy_cleanup(c);
    return st;
}

static char *get_text(const char *path)
{
    char url[700];
    FILE *f;
    char *buf = NULL;
    size_t len = 0;
    CURL *c = curl_easy_init();
    snprintf(url, sizeof url, "%s%s", srv.url, path);
    f = open_memstream(&buf, &len);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_perform(c);
    curl_easy_cleanup(c);
    fclose(f);
    return buf;
}

static uint64_t head_seq(ck_net *c, const char *patient)
{
    ck_net_head h;
    return ck_net_head_get(c, patient, &h, NULL, NULL) == 0 ? h.seq : (uint64_t)-1;
}

static void test_directory(ck_net *ca)
{
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net_user u;
    uint8_t spk[32];
    char *abe = NULL, *ep = NULL;

    CHECK(ckt_enroll(ca, &alice, "patient") == 0, "enroll alice: %s", ck_net_error_code(ca));
    CHECK(ckt_enroll(ca, &bob, "patient") == 0, "enroll bob");
    CHECK(ckt_enroll(ca, &drx, "doctor") == 0, "enroll drx");
    CHECK(ckt_enroll(ca, &nurse, "nurse") == 0, "enroll nurse");
    CHECK(ckt_enroll(ca, &pharm, "pharmacist") == 0, "enroll pharm");
    CHECK(ckt_enroll(ca, &alice, "patient") != 0 && ck_net_status(ca) == 409 &&
              !strcmp(ck_net_error_code(ca), "already_exists"), "duplicate enrollment is 409");
    /* Only the admin key enrolls. */
    ckt_id eve;
    ckt_id_new(&eve, "eve");
    CHECK(ckt_enroll(cd, &eve, "doctor") != 0 && ck_net_status(cd) == 403 &&
              !strcmp(ck_net_error_code(cd), "admin_only"), "doctor cannot enroll: %ld %s", ck_net_status(cd),
          ck_net_error_code(cd));
    CHECK(ck_net_user_get(cd, "eve", &u) != 0 && ck_net_status(cd) == 404 &&
              !strcmp(ck_net_error_code(cd), "user_not_found"), "eve not enrolled");
    CHECK(ck_net_user_get(cd, alice.gid, &u) == 0 && !memcmp(u.ed25519, alice.pk, 32) &&
              !strcmp(u.role, "patient"), "look up alice");
    /* Bad enrollment bodies. */
    CHECK(ckt_raw(ca, "POST", "/v1/users",
                  "{\"gid\":\"x'); DROP TABLE users;--\",\"ed25519\":\"00\",\"x25519\":\"00\","
                  "\"display_name\":\"X\",\"role\":\"patient\"}") == 400, "SQL in gid refused");
    CHECK(ckt_raw(ca, "POST", "/v1/users",
                  "{\"gid\":\"admin\",\"ed25519\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                  "\"x25519\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                  "\"display_name\":\"X\",\"role\":\"patient\"}") == 400, "gid admin reserved");
    CHECK(ckt_raw(ca, "POST", "/v1/users", "{\"gid\":\"zed\",\"role\":\"king\"}") == 400, "bad role");

    /* Authorities: records signed by the operator, epoch tables by the authority. */
    ck_net_authority a, got;
    ck_dir_epochs t;
    char *table;
    memset(&a, 0, sizeof a);
    memset(&t, 0, sizeof t);
    CHECK(ckt_authority(&a, "hosp-a", &hosp, "hosp-a", admin.sk) == 0, "a signed authority record");
    snprintf(t.authority, sizeof t.authority, "hosp-a");
    CHECK(ckt_epochs(&t, 1, "doctor@hosp-a", 1, hosp.sk, &table) == 0, "a signed epoch table");
    a.epoch_table = table;
    CHECK(ck_net_authority_add(ca, &a) == 0, "register authority: %s", ck_net_error_code(ca));
    CHECK(ck_net_authority_add(cd, &a) != 0 && ck_net_status(cd) == 403, "doctor cannot register an authority");
    CHECK(ck_net_authority_fetch(cd, "hosp-a", &got) == 0 && !memcmp(got.sign_pk, hosp.pk, 32) &&
              got.abe_pk_len == a.abe_pk_len && !memcmp(got.abe_pk, a.abe_pk, a.abe_pk_len) && got.epoch_table &&
              !strcmp(got.epoch_table, table), "get authority: %s", ck_net_error_code(cd));
    ck_net_authority_clear(&got);
    free(table);
    a.epoch_table = NULL;
    ck_net *ch = ckt_client(srv.url, "authority:hosp-a", hosp.sk);
    CHECK(ckt_epochs(&t, 2, "doctor@hosp-a", 2, hosp.sk, &table) == 0, "table 2");
    CHECK(ck_net_authority_put_epochs(ch, "hosp-a", table) == 0, "authority bumps its epoch: %s", ck_net_error_code(ch));
    CHECK(ck_net_authority_put_epochs(cd, "hosp-a", table) != 0 && ck_net_status(cd) == 403, "doctor cannot bump epochs");
    CHECK(ck_net_authority_fetch(cd, "hosp-a", &got) == 0 && got.epoch_table && !strcmp(got.epoch_table, table),
          "epoch table 2 served verbatim");
    ck_net_authority_clear(&got);
    free(table);
    ck_dir_epochs_free(&t);
    free(a.abe_pk);
    (void)spk;
    (void)abe;
    (void)ep;
    ck_net_close(ch);
    ck_net_close(cd);
}

static void test_records(void)
{
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net_head h, h2;
    ck_net_entry *v = NULL, e;
    size_t n = 0;
    uint8_t zero[32] = {0}, env[1024];
    int more = 0;
    char body[4096];

    memset(env, 0xab, sizeof env);
    CHECK(ck_net_head_get(cp, alice.gid, &h, NULL, NULL) == 0 && h.seq == 0 && !memcmp(h.hash, zero, 32),
          "empty record head");
    /* Reading a record takes a standing on it: alice lets drx read. */
    CHECK(ck_net_entries(cd, alice.gid, 0, 100, &v, &n, &more) != 0 && ck_net_status(cd) == 403,
          "no standing, no read");
    CHECK(ck_net_grant_access(cp, alice.gid, drx.gid, "read", "*", 0, 0, NULL) == 0, "read grant: %s",
          ck_net_error_code(cp));
    for (int i = 0; i < 7; i++) {
        env[0] = (uint8_t)i;
        CHECK(ck_net_append(cp, alice.gid, "allergies", "AllergyIntolerance", h.hash, ckt_now_ms(), env, sizeof env,
                            &h) == 0 && h.seq == (uint64_t)i + 1, "append %d: %s", i, ck_net_error_code(cp));
    }
    CHECK(ck_net_append(cp, alice.gid, "allergies", "AllergyIntolerance", zero, ckt_now_ms(), env, 10, &h2) != 0 &&
              ck_net_status(cp) == 409 && !strcmp(ck_net_error_code(cp), "head_mismatch"), "stale prev_hash is 409");
    /* List everything and verify the chain. */
    CHECK(ck_net_entries(cd, alice.gid, 0, 100, &v, &n, &more) == 0 && n == 7 && !more, "list 7: %zu", n);
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i].seq == i + 1, "seq %zu", i);
        CHECK(ck_net_entry_check(&v[i], alice.pk) == 0, "entry %zu hash+signature", i);
        CHECK(!memcmp(v[i].prev_hash, i ? v[i - 1].hash : zero, 32), "chain link %zu", i);
        CHECK(v[i].envelope_len == sizeof env && v[i].envelope[0] == (uint8_t)i, "envelope %zu", i);
    }
    CHECK(n == 7 && !memcmp(v[6].hash, h.hash, 32), "head is last hash");
    ck_net_entries_free(v, n);
    /* Paging. */
    uint64_t since = 0, seen = 0;
    int pages = 0;
    do {
        CHECK(ck_net_entries(cd, alice.gid, since, 3, &v, &n, &more) == 0, "page");
        for (size_t i = 0; i < n; i++) CHECK(v[i].seq == ++seen, "paged seq %llu", (unsigned long long)seen);
        if (n) since = v[n - 1].seq;
        ck_net_entries_free(v, n);
        pages++;
    } while (more && pages < 10);
    CHECK(seen == 7 && pages == 3, "3 pages of <=3: seen %llu pages %d", (unsigned long long)seen, pages);
    CHECK(ck_net_entry_get(cd, alice.gid, 2, &e) == 0 && e.seq == 2 && ck_net_entry_check(&e, alice.pk) == 0,
          "get entry 2");
    ck_net_entry_clear(&e);
    CHECK(ck_net_entry_get(cd, alice.gid, 99, &e) != 0 && ck_net_status(cd) == 404 &&
              !strcmp(ck_net_error_code(cd), "entry_not_found"), "entry 99 missing");
    CHECK(ck_net_entries(cp, "nobody", 0, 10, &v, &n, &more) != 0 && ck_net_status(cp) == 403,
          "no record: no standing either (no existence oracle)");
    /* A doctor has no record of his own. */
    CHECK(ck_net_append(cd, drx.gid, "notes", "Basic", zero, ckt_now_ms(), env, 8, &h2) != 0 &&
              ck_net_status(cd) == 404, "non-patient has no record");

    /* Signed head. */
    CHECK(ck_net_head_sign(cp, alice.gid, &h, ckt_now_ms()) == 0, "patient signs head: %s", ck_net_error_code(cp));
    int has = 0;
    CHECK(ck_net_head_get(cd, alice.gid, &h2, &e.seq == NULL ? NULL : &h2, &has) == 0 && has && h2.seq == 7,
          "signed head stored");
    ck_net_head old = {1, {0}};
    CHECK(ck_net_entry_get(cp, alice.gid, 1, &e) == 0, "entry 1");
    memcpy(old.hash, e.hash, 32);
    ck_net_entry_clear(&e);
    CHECK(ck_net_head_sign(cp, alice.gid, &old, ckt_now_ms()) != 0 && ck_net_status(cp) == 409 &&
              !strcmp(ck_net_error_code(cp), "stale_head"), "signed head does not go back");
    CHECK(ck_net_head_sign(cd, alice.gid, &h, ckt_now_ms()) != 0 && ck_net_status(cd) == 403, "doctor cannot sign");
    ck_net_head bogus = h;
    bogus.hash[0] ^= 1;
    CHECK(ck_net_head_sign(cp, alice.gid, &bogus, ckt_now_ms()) != 0 && ck_net_status(cp) == 404,
          "head must name a real entry");

    /* Entry forged by the server-side check: author != caller, bad signature. */
    snprintf(body, sizeof body,
             "{\"section\":\"allergies\",\"resource_type\":\"Basic\",\"author\":\"%s\",\"prev_hash\":\"%064d\","
             "\"time\":1,\"envelope\":\"AAAA\",\"signature\":\"%0128d\"}", alice.gid, 0, 0);
    char path[256];
    snprintf(path, sizeof path, "/v1/records/%s/entries", alice.gid);
    char *resp = NULL;
    CHECK(ckt_raw_body(cd, "POST", path, body, &resp) == 403 && ckt_has_code(resp, "author_mismatch"), "author mismatch");
    free(resp);
    CHECK(ckt_raw_body(cp, "POST", path, body, &resp) == 400 && ckt_has_code(resp, "bad_entry_signature"),
          "bad entry signature");
    free(resp);
    CHECK(head_seq(cp, alice.gid) == 7, "nothing stored by refused appends");
    ck_net_close(cp);
    ck_net_close(cd);
}

/* Appends and the patient's signature are ordered by time in one
 * transaction: no append dated before the signed head, no signature dated
 * after an entry that follows its head (either would read as back-dated
 * and the record would never verify again). Bob's record. */
static void test_signed_head_times(void)
{
    ck_net *cb = ckt_client(srv.url, bob.gid, bob.sk);
    ck_net_head h, h1;
    uint8_t env[64];
    int64_t t0 = ckt_now_ms() - 10000;

    memset(env, 0x5a, sizeof env);
    CHECK(ck_net_head_get(cb, bob.gid, &h, NULL, NULL) == 0, "bob's head");
    CHECK(ck_net_append(cb, bob.gid, "notes", "Basic", h.hash, (uint64_t)t0, env, sizeof env, &h1) == 0, "entry at t0: %s",
          ck_net_error_code(cb));
    CHECK(ck_net_append(cb, bob.gid, "notes", "Basic", h1.hash, (uint64_t)t0 + 10, env, sizeof env, &h) == 0,
          "entry at t0+10");
    CHECK(ck_net_head_sign(cb, bob.gid, &h1, (uint64_t)t0 + 100) != 0 && ck_net_status(cb) == 409 &&
              !strcmp(ck_net_error_code(cb), "stale_head"),
          "a signature dated after a later entry is refused: %ld %s", ck_net_status(cb), ck_net_error_code(cb));
    CHECK(ck_net_head_sign(cb, bob.gid, &h, (uint64_t)t0 + 100) == 0, "the last head signed at t0+100");
    CHECK(ck_net_append(cb, bob.gid, "notes", "Basic", h.hash, (uint64_t)t0 + 50, env, sizeof env, &h1) != 0 &&
              ck_net_status(cb) == 409 && !strcmp(ck_net_error_code(cb), "time_regression") && ck_net_append_raced(cb),
          "an append dated before the signed head is refused (and worth a retry): %s", ck_net_error_code(cb));
    CHECK(ck_net_append(cb, bob.gid, "notes", "Basic", h.hash, (uint64_t)t0 + 100, env, sizeof env, &h1) == 0 &&
              h1.seq == h.seq + 1, "dated at the signature: accepted");
    ck_net_close(cb);
}

static void test_grants(void)
{
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net *cn = ckt_client(srv.url, nurse.gid, nurse.sk);
    ck_net *cf = ckt_client(srv.url, pharm.gid, pharm.sk);
    ck_net *cb = ckt_client(srv.url, bob.gid, bob.sk);
    ck_net_head h;
    uint8_t env[64] = {1};
    int64_t gid_enc = 0, gid_med = 0;

    CHECK(ck_net_head_get(cd, alice.gid, &h, NULL, NULL) == 0, "head");
    CHECK(ck_net_append(cd, alice.gid, "encounters", "Encounter", h.hash, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 403 && !strcmp(ck_net_error_code(cd), "no_write_grant"), "no grant: 403");
    CHECK(ck_net_grant(cd, alice.gid, drx.gid, "encounters", 0, 0, &gid_enc) != 0 && ck_net_status(cd) == 403,
          "doctor cannot grant himself");
    CHECK(ck_net_grant(cp, alice.gid, drx.gid, "encounters,problems", 0, 0, &gid_enc) == 0 && gid_enc > 0,
          "alice grants drx: %s", ck_net_error_code(cp));
    CHECK(ck_net_append(cd, alice.gid, "encounters", "Encounter", h.hash, ckt_now_ms(), env, sizeof env, &h) == 0,
          "granted append: %s", ck_net_error_code(cd));
    CHECK(ck_net_append(cd, alice.gid, "allergies", "AllergyIntolerance", h.hash, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 403, "other section refused");
    CHECK(ck_net_append(cd, bob.gid, "encounters", "Encounter", h.hash, ckt_now_ms(), env, sizeof env, &h) != 0 &&
              ck_net_status(cd) == 403, "grant is per patient");
    CHECK(ck_net_grant(cp, alice.gid, drx.gid, "x'; DROP TABLE grants;--", 0, 0, NULL) != 0 &&
              ck_net_status(cp) == 400, "bad section name");
    CHECK(ck_net_grant(cp, alice.gid, "ghost", "encounters", 0, 0, NULL) != 0 && ck_net_status(cp) == 404,
          "grantee must exist");
    /* Expired grant. */
    CHECK(ck_net_grant(cp, alice.gid, pharm.gid, "allergies", 0, 1000, NULL) == 0, "expired grant stored");
    CHECK(ck_net_head_get(cf, alice.gid, &h, NULL, NULL) != 0 && ck_net_status(cf) == 403,
          "an expired grant reads nothing");
    CHECK(ck_net_head_get(cp, alice.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cf, alice.gid, "allergies", "Basic", h.hash, ckt_now_ms(), env, 8, &h) != 0 &&
              ck_net_status(cf) == 403, "expired grant refused");
    /* Revoke. */
    CHECK(ck_net_grant_revoke(cp, alice.gid, gid_enc) == 0, "revoke");
    CHECK(ck_net_grant_revoke(cp, alice.gid, gid_enc) != 0 && ck_net_status(cp) == 404, "revoke twice: 404");
    CHECK(ck_net_head_get(cd, alice.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cd, alice.gid, "encounters", "Encounter", h.hash, ckt_now_ms(), env, 8, &h) != 0 &&
              ck_net_status(cd) == 403, "revoked: 403");
    /* Delegates: the nurse manages grants for alice. */
    CHECK(ck_net_grant(cn, alice.gid, pharm.gid, "medications", 0, 0, NULL) != 0 && ck_net_status(cn) == 403,
          "nurse not yet a delegate");
    CHECK(ck_net_grant(cp, alice.gid, nurse.gid, "*", 1, 0, &gid_del) == 0, "alice names nurse delegate");
    CHECK(ck_net_grant(cn, alice.gid, pharm.gid, "medications", 0, 0, &gid_med) == 0, "delegate grants pharm: %s",
          ck_net_error_code(cn));
    CHECK(ck_net_grant(cn, alice.gid, drx.gid, "*", 1, 0, NULL) != 0 && ck_net_status(cn) == 403,
          "delegate cannot name delegates");
    CHECK(ck_net_head_get(cf, alice.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cf, alice.gid, "medications", "MedicationDispense", h.hash, ckt_now_ms(), env, 8, &h) == 0,
          "pharm dispenses: %s", ck_net_error_code(cf));
    CHECK(ck_net_head_get(cn, alice.gid, &h, NULL, NULL) == 0 &&
              ck_net_append(cn, alice.gid, "careplans", "CarePlan", h.hash, ckt_now_ms(), env, 8, &h) == 0,
          "delegate with * writes: %s", ck_net_error_code(cn));
    char *resp = NULL;
    char path[512];
    snprintf(path, sizeof path, "/v1/records/%s/grants", alice.gid);
    CHECK(ckt_raw_body(cn, "GET", path, NULL, &resp) == 200 && resp && strstr(resp, "\"grantee\":\"pharm\""),
          "delegate lists grants");
    free(resp);
    CHECK(ckt_raw(cb, "GET", path, NULL) == 403, "bob cannot list alice's grants");
    ck_net_close(cp);
    ck_net_close(cd);
    ck_net_close(cn);
    ck_net_close(cf);
    ck_net_close(cb);
}

/* GET /v1/grants/mine as c: the grants (a new array) and more; NULL on
 * failure. Every grant listed must be the caller's own. */
static json_t *mine(ck_net *c, const char *gid, int64_t after, unsigned limit, int *more, int64_t *next)
{
    json_t *g = NULL, *it;
    size_t i;
    if (ck_net_grants_mine(c, after, limit, &g, more, next) != 0) {
        fprintf(stderr, "  grants/mine of %s: %ld %s\n", gid, ck_net_status(c), ck_net_error_code(c));
        return NULL;
    }
    json_array_foreach(g, i, it) CHECK(!strcmp(json_string_value(json_object_get(it, "grantee")) ?: "", gid),
                                       "%s's listing holds only her own grants", gid);
    return g;
}

static const char *gstr(const json_t *g, size_t i, const char *k)
{
    return json_string_value(json_object_get(json_array_get(g, i), k)) ?: "";
}

/* After test_grants: alice's read grant to drx kept, her write grant to drx revoked, pharm's grant on
 * allergies expired, the nurse alice's delegate, pharm's grant on
 * medications issued by the nurse. */
static void test_grants_mine(void)
{
    ck_net *ca = ckt_client(srv.url, "admin", admin.sk);
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net *cn = ckt_client(srv.url, nurse.gid, nurse.sk);
    ck_net *cf = ckt_client(srv.url, pharm.gid, pharm.sk);
    ck_net *cb = ckt_client(srv.url, bob.gid, bob.sk);
    json_t *g;
    int more = -1;
    int64_t next = -1, first;

    g = mine(cf, pharm.gid, 0, 0, &more, &next);
    CHECK(g && json_array_size(g) == 1 && !strcmp(gstr(g, 0, "patient"), alice.gid) &&
              !strcmp(gstr(g, 0, "access"), "write") && !strcmp(gstr(g, 0, "granted_by"), nurse.gid) &&
              json_array_size(json_object_get(json_array_get(g, 0), "sections")) == 1 &&
              !strcmp(json_string_value(json_array_get(json_object_get(json_array_get(g, 0), "sections"), 0)) ?: "",
                      "medications") && more == 0,
          "pharm holds alice's medications grant only (the expired one is not listed)");
    json_decref(g);
    g = mine(cd, drx.gid, 0, 0, &more, NULL);
    CHECK(g && json_array_size(g) == 1 && !strcmp(gstr(g, 0, "access"), "read") && more == 0,
          "drx holds his read grant (test_records); the revoked write grant is not listed");
    json_decref(g);
    g = mine(cn, nurse.gid, 0, 0, NULL, NULL);
    CHECK(g && json_array_size(g) == 1 && json_is_true(json_object_get(json_array_get(g, 0), "delegate")),
          "the nurse holds her delegation");
    json_decref(g);
    /* bob grants pharm too: his listing (the grantor's) stays empty. */
    CHECK(ck_net_grant(cb, bob.gid, pharm.gid, "medications", 0, 0, NULL) == 0, "bob grants pharm: %s",
          ck_net_error_code(cb));
    g = mine(cb, bob.gid, 0, 0, NULL, NULL);
    CHECK(g && json_array_size(g) == 0, "bob sees no one else's grants, his own given ones included");
    json_decref(g);
    /* Paging: one at a time. */
    g = mine(cf, pharm.gid, 0, 1, &more, &next);
    CHECK(g && json_array_size(g) == 1 && more == 1 && !strcmp(gstr(g, 0, "patient"), alice.gid) &&
              next == (int64_t)json_integer_value(json_object_get(json_array_get(g, 0), "id")),
          "page 1 of 2 (more: %d)", more);
    first = next;
    json_decref(g);
    g = mine(cf, pharm.gid, first, 1, &more, &next);
    CHECK(g && json_array_size(g) == 1 && more == 0 && !strcmp(gstr(g, 0, "patient"), bob.gid) && next > first,
          "page 2 of 2");
    json_decref(g);
    /* Refusals. */
    CHECK(unsigned_get("/v1/grants/mine") == 401, "unsigned: 401");
    CHECK(ckt_expect(ca, "GET", "/v1/grants/mine", NULL, 403, "forbidden"), "the operator holds no grants: 403");
    CHECK(ckt_expect(cf, "GET", "/v1/grants/mine?limit=0", NULL, 400, "bad_parameter"), "limit 0: 400");
    CHECK(ckt_expect(cf, "GET", "/v1/grants/mine?limit=1001", NULL, 400, "bad_parameter"), "limit 1001: 400");
    CHECK(ckt_expect(cf, "GET", "/v1/grants/mine?after=-1", NULL, 400, "bad_parameter"), "after -1: 400");
    CHECK(ckt_expect(cf, "POST", "/v1/grants/mine", "{}", 405, "method_not_allowed"), "POST: 405");
    CHECK(ckt_expect(cf, "GET", "/v1/grants/" "theirs", NULL, 404, "not_found"), "only mine: 404");
    /* A delegate's grants end with her delegation. */
    CHECK(ck_net_grant_revoke(cp, alice.gid, gid_del) == 0, "alice ends the nurse's delegation");
    g = mine(cf, pharm.gid, 0, 0, NULL, NULL);
    CHECK(g && json_array_size(g) == 1 && !strcmp(gstr(g, 0, "patient"), bob.gid),
          "the grant the nurse issued ended with her delegation");
    json_decref(g);
    g = mine(cn, nurse.gid, 0, 0, NULL, NULL);
    CHECK(g && json_array_size(g) == 0, "the nurse's revoked delegation is not listed");
    json_decref(g);
    ck_net_close(ca);
    ck_net_close(cp);
    ck_net_close(cd);
    ck_net_close(cn);
    ck_net_close(cf);
    ck_net_close(cb);
}

static void test_mailbox(void)
{
    ck_net *ch = ckt_client(srv.url, "authority:hosp-a", hosp.sk);
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    uint8_t sealed[300];
    int64_t id1 = 0, id2 = 0;
    ck_net_mail *m = NULL;
    size_t n = 0;

    for (size_t i = 0; i < sizeof sealed; i++) sealed[i] = (uint8_t)i;
    CHECK(ck_net_mail_send(ch, drx.gid, "key-delivery", sealed, sizeof sealed, &id1) == 0 && id1 > 0,
          "authority deposits: %s", ck_net_error_code(ch));
    CHECK(ck_net_mail_send(ch, drx.gid, "key-delivery", sealed, 10, &id2) == 0 && id2 > id1, "second deposit");
    CHECK(ck_net_mail_send(cp, drx.gid, "key-delivery", sealed, 10, NULL) != 0 && ck_net_status(cp) == 403,
          "users cannot deposit");
    CHECK(ck_net_mail_send(ch, "ghost", "key-delivery", sealed, 10, NULL) != 0 && ck_net_status(ch) == 404,
          "unknown recipient");
    CHECK(ck_net_mail_fetch(cd, drx.gid, 0, 10, &m, &n) == 0 && n == 2, "fetch 2: %zu", n);
    if (n == 2) {
        CHECK(m[0].id == id1 && m[0].payload_len == sizeof sealed && !memcmp(m[0].payload, sealed, sizeof sealed) &&
                  !strcmp(m[0].sender, "authority:hosp-a") && !strcmp(m[0].kind, "key-delivery"), "payload intact");
    }
    ck_net_mail_free(m, n);
    CHECK(ck_net_mail_fetch(cp, drx.gid, 0, 10, &m, &n) != 0 && ck_net_status(cp) == 403, "not your mailbox");
    CHECK(ck_net_mail_ack(cd, drx.gid, id1) == 0, "ack");
    CHECK(ck_net_mail_ack(cd, drx.gid, id1) != 0 && ck_net_status(cd) == 404, "ack twice");
    CHECK(ck_net_mail_fetch(cd, drx.gid, 0, 10, &m, &n) == 0 && n == 1 && m[0].id == id2, "one left");
    ck_net_mail_free(m, n);
    ck_net_close(ch);
    ck_net_close(cd);
    ck_net_close(cp);
}

static void test_audit(void)
{
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    ck_net *cb = ckt_client(srv.url, bob.gid, bob.sk);
    ck_net *cd = ckt_client(srv.url, drx.gid, drx.sk);
    ck_net_audit *a = NULL;
    size_t n = 0;
    ck_net_entry *v = NULL;
    size_t ne = 0;
    int more, saw_read = 0, saw_denied = 0, saw_append = 0, saw_bob = 0, saw_grant = 0;

    CHECK(ck_net_set_purpose(cd, "ETREAT") == 0, "purpose");
    CHECK(ck_net_entries(cd, alice.gid, 0, 5, &v, &ne, &more) == 0, "drx reads in an emergency");
    ck_net_entries_free(v, ne);
    CHECK(ck_net_audit_list(cb, alice.gid, 0, 100, &a, &n) != 0 && ck_net_status(cb) == 403,
          "bob cannot read alice's audit log");
    CHECK(ck_net_audit_list(cp, bob.gid, 0, 100, &a, &n) != 0 && ck_net_status(cp) == 403,
          "alice cannot read bob's audit log");
    CHECK(ck_net_audit_list(cd, alice.gid, 0, 100, &a, &n) != 0 && ck_net_status(cd) == 403,
          "doctor cannot read alice's audit log");
    int64_t after = 0;
    for (int page = 0; page < 50; page++) {
        CHECK(ck_net_audit_list(cp, alice.gid, after, 100, &a, &n) == 0, "alice reads her audit log");
        if (n == 0) break;
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(a[i].actor, drx.gid) && !strcmp(a[i].action, "read_entries") && !strcmp(a[i].purpose, "ETREAT"))
                saw_read = 1;
            if (!strcmp(a[i].actor, drx.gid) && !strcmp(a[i].action, "append") && a[i].status == 403 &&
                !strcmp(a[i].outcome, "no_write_grant"))
                saw_denied = 1;
            if (!strcmp(a[i].actor, drx.gid) && !strcmp(a[i].action, "append") && a[i].status == 201) saw_append = 1;
            if (!strcmp(a[i].actor, bob.gid) && !strcmp(a[i].action, "read_audit") && a[i].status == 403) saw_bob = 1;
            if (!strcmp(a[i].actor, alice.gid) && !strcmp(a[i].action, "grant")) saw_grant = 1;
            CHECK(a[i].time_ms > 0 && a[i].id > after, "audit fields");
        }
        after = a[n - 1].id;
        free(a);
        a = NULL;
    }
    free(a);
    CHECK(saw_read, "read with purpose audited");
    CHECK(saw_denied, "denied write audited");
    CHECK(saw_append, "granted write audited");
    CHECK(saw_bob, "bob's attempt on alice's audit log audited");
    CHECK(saw_grant, "grant audited");
    ck_net_close(cp);
    ck_net_close(cb);
    ck_net_close(cd);
}

static void test_auth_refusals(void)
{
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    ck_net *wrong = ckt_client(srv.url, alice.gid, bob.sk);
    ck_net *mallory_c;
    ckt_id mallory;
    char path[512], *resp = NULL;
    size_t len;
    long st;

    snprintf(path, sizeof path, "/v1/users/%s", alice.gid);
    CHECK(unsigned_get(path) == 401, "unsigned: 401");
    CHECK(ckt_raw_body(wrong, "GET", path, NULL, &resp) == 401 && ckt_has_code(resp, "bad_signature"), "wrong key: 401");
    free(resp);
    ckt_id_new(&mallory, "mallory");
    mallory_c = ckt_client(srv.url, mallory.gid, mallory.sk);
    CHECK(ckt_raw_body(mallory_c, "GET", path, NULL, &resp) == 401 && ckt_has_code(resp, "bad_signature"),
          "unknown key: 401 bad_signature, like a wrong key");
    free(resp);
    ck_net_close(mallory_c);
    mallory_c = ckt_client(srv.url, "authority:nope", mallory.sk);
    CHECK(ckt_raw(mallory_c, "GET", path, NULL) == 401, "unknown authority: 401");
    ck_net_close(mallory_c);
    mallory_c = ckt_client(srv.url, "admin", mallory.sk);
    CHECK(ckt_raw(mallory_c, "GET", path, NULL) == 401, "fake admin: 401");
    ck_net_close(mallory_c);
    /* Stale and future time stamps. */
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, (int64_t)time(NULL) - 3600, "0123456789abcdef0123456789abcdef",
                            &st, &resp, &len) == 0 && st == 401 && ckt_has_code(resp, "stale_timestamp"), "stale: 401");
    free(resp);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, (int64_t)time(NULL) + 3600, "1123456789abcdef0123456789abcdef",
                            &st, &resp, &len) == 0 && st == 401, "future: 401");
    free(resp);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, 99999999999999999LL, "2123456789abcdef0123456789abcdef", &st,
                            &resp, &len) == 0 && st == 401, "huge time stamp: 401");
    free(resp);
    /* Replay. */
    const char *nonce = "feedfacefeedfacefeedfacefeedface";
    int64_t now = (int64_t)time(NULL);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, now, nonce, &st, &resp, &len) == 0 && st == 200, "first use");
    free(resp);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, now, nonce, &st, &resp, &len) == 0 && st == 401 &&
              ckt_has_code(resp, "replayed_nonce"), "replay: 401");
    free(resp);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, now, "NOT-HEX", &st, &resp, &len) == 0 && st == 401,
          "malformed nonce: 401");
    free(resp);
    ck_net_close(cp);
    ck_net_close(wrong);
}

static void test_bad_input(void)
{
    ck_net *cp = ckt_client(srv.url, alice.gid, alice.sk);
    char path[512], *big, *resp = NULL;
    uint64_t before = head_seq(cp, alice.gid);
    int64_t audit_before = 0;
    ck_net_audit *a = NULL;
    size_t n = 0;

    snprintf(path, sizeof path, "/v1/records/%s/entries", alice.gid);
    CHECK(ckt_raw_body(cp, "POST", path, "{", &resp) == 400 && ckt_has_code(resp, "bad_json"), "malformed JSON");
    free(resp);
    CHECK(ckt_raw(cp, "POST", path, "[1,2,3]") == 400, "array body");
    CHECK(ckt_raw(cp, "POST", path, "") == 400, "empty body");
    CHECK(ckt_raw(cp, "POST", path, "{\"section\":\"a\",\"section\":\"b\"}") == 400, "duplicate keys");
    CHECK(ckt_raw(cp, "POST", path, "{\"evil\":1}") == 400, "unknown field");
    CHECK(ckt_raw(cp, "POST", path, "{\"section\":\"a\\u0000b\"}") == 400, "NUL in JSON string");
    CHECK(ckt_raw(cp, "POST", path, "{\"section\":\"\xff\xfe\"}") == 400, "invalid UTF-8");
    CHECK(ckt_raw(cp, "POST", path,
                  "{\"section\":\"allergies'; DROP TABLE entries;--\",\"resource_type\":\"Basic\",\"author\":\"alice\","
                  "\"prev_hash\":\"00\",\"time\":1,\"envelope\":\"AAAA\",\"signature\":\"00\"}") == 400,
          "SQL in section");
    CHECK(ckt_raw(cp, "POST", path,
                  "{\"section\":\"allergies\",\"resource_type\":\"Basic\",\"author\":\"alice\",\"prev_hash\":\"00\","
                  "\"time\":1e400,\"envelope\":\"AA=A\",\"signature\":\"00\"}") == 400, "huge number / bad base64");
    big = malloc(200000);
    memset(big, 'A', 199999);
    big[0] = '{';
    big[1] = '"';
    big[199998] = '}';
    big[199997] = '"';
    big[199999] = 0;
    memcpy(big + 2, "section\":\"", 10);
    CHECK(ckt_raw_body(cp, "POST", path, big, &resp) == 413 && ckt_has_code(resp, "body_too_large"), "oversized body: 413");
    free(resp);
    free(big);
    CHECK(head_seq(cp, alice.gid) == before, "no change to stored data");

    /* Path and parameter injection. */
    static const char *const bad_paths[] = {
        "/v1/users/x'%20OR%201=1--", "/v1/users/a%00b", "/v1/records/../users/alice", "/v1/records/alice/../bob/audit",
        "/v1/users/a;b", "/v1/users/%2e%2e", "//v1/users/alice", "/v1/users/alice/",
        "/v1/records/alice/entries/99999999999999999999999", "/v1/records/alice/entries/0",
        "/v1/records/alice/entries/-1", "/v1/records/alice/entries?since=-1",
        "/v1/records/alice/entries?since=18446744073709551616", "/v1/records/alice/entries?limit=0",
        "/v1/records/alice/entries?since=1%27", "/v1/records/alice/audit?after=abc",
        "/v1/mailbox/alice?limit=99999999999999999999999999999", NULL};
    for (int i = 0; bad_paths[i]; i++) {
        long st = ckt_raw(cp, "GET", bad_paths[i], NULL);
        CHECK(st == 400, "%s -> %ld (want 400)", bad_paths[i], st);
    }
    CHECK(ckt_raw(cp, "GET", "/v1/records/alice/entries?limit=1000000000", NULL) == 200, "huge limit is clamped");
    CHECK(ckt_raw(cp, "GET", "/v1/nothing/here", NULL) == 404, "unknown route: 404");
    CHECK(ckt_raw(cp, "GET", "/v2/users/alice", NULL) == 404, "unknown version: 404");
    CHECK(ckt_raw(cp, "PATCH", "/v1/users/alice", NULL) == 405, "wrong method: 405");
    CHECK(ckt_raw(cp, "GET", "/v1/users/a--b", NULL) == 404, "odd but valid gid: 404");
    CHECK(head_seq(cp, alice.gid) == before, "still no change");
    (void)audit_before;
    (void)a;
    (void)n;
    ck_net_close(cp);
}

static void test_metrics(void)
{
    char *m = get_text("/metrics");
    CHECK(m && strstr(m, "carekeyd_requests_total{route=\"append\",status=\"201\"}"), "append counter");
    CHECK(m && strstr(m, "carekeyd_request_duration_seconds_bucket{route=\"entries\""), "latency histogram");
    CHECK(m && strstr(m, "carekeyd_errors_total{code=\"replayed_nonce\"} 1"), "replay error counted");
    CHECK(m && strstr(m, "carekeyd_storage_bytes ") && !strstr(m, "carekeyd_storage_bytes -1"), "storage size");
    free(m);
    m = get_text("/healthz");
    CHECK(m && strstr(m, "\"status\":\"ok\""), "healthz");
    free(m);
}

static void test_restart(const char *dir, const char *db)
{
    ck_net *cp;
    ck_net_head h;
    int st = ckt_stop(&srv, SIGTERM);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "graceful SIGTERM exit: %d", st);
    CHECK(ckt_start(&srv, bin, dir, db, admin.pk) == 0, "restart");
    cp = ckt_client(srv.url, alice.gid, alice.sk);
    CHECK(ck_net_head_get(cp, alice.gid, &h, NULL, NULL) == 0 && h.seq >= 7, "data survives restart");
    /* The nonce used before the restart is still refused. */
    char path[512], *resp = NULL;
    size_t len;
    long code = 0;
    snprintf(path, sizeof path, "/v1/users/%s", alice.gid);
    CHECK(ck_net_request_at(cp, "GET", path, NULL, 0, (int64_t)time(NULL), "feedfacefeedfacefeedfacefeedface", &code,
                            &resp, &len) == 0 && code == 401, "replay refused across restart: %ld", code);
    free(resp);
    ck_net_close(cp);
}

static void test_tls(const char *dir, const char *db)
{
    char cmd[1200], cert[300], key[300];
    ckt_server tls;
    const char *extra[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s >/dev/null 2>&1", key, cert);
    if (system(cmd) != 0) {
        fprintf(stderr, "skip TLS: openssl CLI failed\n");
        return;
    }
    CHECK(ckt_start_v(&tls, bin, dir, db, admin.pk, extra) == 0, "start with TLS");
    if (tls.pid <= 0) return;
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", tls.port);
    ck_net_opts o = {url, cert, 5000};
    ck_net *c = NULL;
    ck_net_user u;
    CHECK(ck_net_open(&c, &o) == 0 && ck_net_set_identity(c, alice.gid, alice.sk) == 0, "tls client");
    CHECK(ck_net_user_get(c, alice.gid, &u) == 0, "signed request over HTTPS: %s %s", ck_net_error_code(c),
          ck_net_error_message(c));
    ck_net_close(c);
    ck_net_opts o2 = {url, NULL, 5000};
    CHECK(ck_net_open(&c, &o2) == 0 && ck_net_set_identity(c, alice.gid, alice.sk) == 0, "tls client 2");
    CHECK(ck_net_user_get(c, alice.gid, &u) != 0 && !strcmp(ck_net_error_code(c), "transport"),
          "untrusted certificate refused");
    CHECK(ck_net_error_message(c) && strstr(ck_net_error_message(c), "set CAREKEY_CA_FILE"),
          "the trust error names CAREKEY_CA_FILE: %s", ck_net_error_message(c) ? ck_net_error_message(c) : "");
    ck_net_close(c);
    ckt_stop(&tls, SIGTERM);
}

int main(int argc, char **argv)
{
    char dir[256], db[1024];
    int is_sqlite;
    if ((is_sqlite = ckt_main_begin(argc, argv, "api", dir, sizeof dir, db, sizeof db)) < 0) return 2;
    bin = argv[1];
    ckt_id_new(&admin, "admin");
    ckt_id_new(&alice, "alice");
    ckt_id_new(&bob, "bob");
    ckt_id_new(&drx, "drx");
    ckt_id_new(&nurse, "nurse");
    ckt_id_new(&pharm, "pharm");
    ckt_id_new(&hosp, "hosp-a");
    static const char *const extra[] = {"--rate-limit", "0", "--max-body", "65536", NULL};
    if (ckt_start_v(&srv, bin, dir, db, admin.pk, extra) != 0) {
        CHECK(0, "carekeyd did not start");
        TEST_MAIN_END();
    }
    ck_net *ca = ckt_client(srv.url, "admin", admin.sk);
    test_directory(ca);
    test_records();
    test_grants();
    test_grants_mine();
    test_mailbox();
    test_auth_refusals();
    test_audit();
    test_bad_input();
    test_metrics();
    test_signed_head_times();
    ck_net_close(ca);
    test_restart(dir, db);
    if (is_sqlite) test_tls(dir, db);
    ckt_stop(&srv, SIGTERM);
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
