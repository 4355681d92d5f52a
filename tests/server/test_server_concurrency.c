/*
 * test_server_concurrency.c - 16 clients append at once to one shared
 * record and to per-pair records, through one or more carekeyd instances
 * on the same database.
 *
 *   test_server_concurrency CAREKEYD [DB_URL [INSTANCES]]
 *
 * Checks: every acknowledged append is stored exactly once at the sequence
 * number it was acknowledged with, sequence numbers have no gaps, the
 * prev-hash chain and all signatures verify.
 */
#include "chain_check.h"

#include <pthread.h>

#define THREADS 16
#define PER_THREAD 40
#define PATIENTS 8 /* p0..p7, plus "shared" */

static ckt_server srv[4];
static int ninst = 1;
static ckt_id writers[THREADS];

typedef struct {
    char patient[32];
    uint64_t seq;
    uint8_t hash[32];
    uint8_t tag[16];
} acked;

static acked acks[THREADS][PER_THREAD];
static int nacks[THREADS];
static int failures[THREADS];

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    ck_net *c = ckt_client(srv[t % ninst].url, writers[t].gid, writers[t].sk);
    uint8_t env[1024];
    for (int i = 0; i < PER_THREAD && c; i++) {
        char patient[32];
        ck_net_head h, out;
        int done = 0;
        if (i % 2)
            snprintf(patient, sizeof patient, "p%d", t % PATIENTS);
        else
            snprintf(patient, sizeof patient, "shared");
        memset(env, 0, sizeof env);
        env[0] = (uint8_t)t;
        env[1] = (uint8_t)i;
        env[2] = 0xc0;
        for (int tries = 0; tries < 500 && !done; tries++) {
            if (ck_net_head_get(c, patient, &h, NULL, NULL) != 0) continue;
            if (ck_net_append(c, patient, "results", "Observation", h.hash, ckt_now_ms(), env, sizeof env, &out) == 0) {
                acked *a = &acks[t][nacks[t]++];
                snprintf(a->patient, sizeof a->patient, "%s", patient);
                a->seq = out.seq;
                memcpy(a->hash, out.hash, 32);
                memcpy(a->tag, env, 16);
                done = 1;
            } else if (ck_net_status(c) != 409) {
                fprintf(stderr, "append failed: %ld %s\n", ck_net_status(c), ck_net_error_code(c));
                break;
            }
        }
        if (!done) failures[t]++;
    }
    ck_net_close(c);
    return NULL;
}

/* ---- a read replayed on another instance ------------------------------
 * With a shared database a read's nonce is checked when the read ends, in
 * the commit of its audit row: a replay sent to an instance that has not
 * seen the nonce is refused there, and its audit row is never written. */

typedef struct {
    const char *url, *path, *nonce;
    const ckt_id *who;
    int64_t ts;
    long status;
    int data; /* the body held entry data */
} replay_try;

static void *replay_send(void *arg)
{
    replay_try *t = arg;
    ck_net *c = ckt_client(t->url, t->who->gid, t->who->sk);
    char *resp = NULL;
    size_t len = 0;
    if (c && ck_net_request_at(c, "GET", t->path, NULL, 0, t->ts, t->nonce, &t->status, &resp, &len) == 0)
        t->data = resp && strstr(resp, "\"envelope\"") != NULL;
    free(resp);
    ck_net_close(c);
    return NULL;
}

static int audit_reads(const ckt_id *patient, const char *actor, const char *target)
{
    ck_net *c = ckt_client(srv[0].url, patient->gid, patient->sk);
    int64_t after = 0;
    int count = 0;
    for (;;) { /* page by page */
        ck_net_audit *v = NULL;
        size_t n = 0;
        if (!c || ck_net_audit_list(c, patient->gid, after, 100, &v, &n) != 0) {
            count = -1;
            break;
        }
        for (size_t i = 0; i < n; i++)
            count += !strcmp(v[i].actor, actor) && !strcmp(v[i].action, "read_entry") && !strcmp(v[i].target, target);
        if (n) after = v[n - 1].id;
        free(v);
        if (n < 100) break; /* the last page (each read adds a read_audit row after it) */
    }
    ck_net_close(c);
    return count;
}

/* A signed append of a 3-byte envelope onto prev, as ck_net_append sends it. */
static char *append_body(const ckt_id *w, const uint8_t prev[32])
{
    static const uint8_t env[3] = {0, 0, 0};
    ck_net_entry_fields f;
    uint8_t sig[64];
    char prevhex[65], sighex[129], *body = malloc(512);
    memset(&f, 0, sizeof f);
    f.patient = "shared";
    memcpy(f.prev_hash, prev, 32);
    f.section = "results";
    f.resource_type = "Observation";
    f.author = w->gid;
    f.time_ms = ckt_now_ms();
    f.envelope = env;
    f.envelope_len = sizeof env;
    if (body == NULL || ck_net_entry_sign(sig, &f, w->sk) != 0) exit(2);
    ck_net_hex(prevhex, prev, 32);
    ck_net_hex(sighex, sig, 64);
    snprintf(body, 512,
             "{\"section\":\"results\",\"resource_type\":\"Observation\",\"author\":\"%s\",\"prev_hash\":\"%s\","
             "\"time\":%llu,\"envelope\":\"AAAA\",\"signature\":\"%s\"}",
             w->gid, prevhex, (unsigned long long)f.time_ms, sighex);
    return body;
}

/* An append replayed on the other instance is refused as a replay (401),
 * not as a stale head (409): its nonce committed with the entry. */
static void test_cross_instance_append_replay(void)
{
    ck_net *c0 = ckt_client(srv[0].url, writers[1].gid, writers[1].sk);
    ck_net *c1 = ckt_client(srv[1].url, writers[1].gid, writers[1].sk);
    ck_net_head h, after;
    char nonce[33], *body = NULL, *resp = NULL;
    uint8_t rnd[16];
    long st0 = 0, st1 = 0;
    size_t len;
    int64_t ts = (int64_t)time(NULL);
    if (ck_net_random(rnd, 16) != 0) exit(2);
    ck_net_hex(nonce, rnd, 16);
    CHECK(c0 && c1 && ck_net_head_get(c0, "shared", &h, NULL, NULL) == 0, "the shared head");
    body = append_body(&writers[1], h.hash);
    if (ck_net_request_at(c0, "POST", "/v1/records/shared/entries", body, strlen(body), ts, nonce, &st0, &resp, &len) != 0)
        st0 = -1;
    free(resp);
    resp = NULL;
    if (ck_net_request_at(c1, "POST", "/v1/records/shared/entries", body, strlen(body), ts, nonce, &st1, &resp, &len) != 0)
        st1 = -1;
    CHECK(st0 == 201, "an append on instance 0 (%ld)", st0);
    CHECK(st1 == 401 && resp && ckt_has_code(resp, "replayed_nonce"), "its replay on instance 1: 401 replayed_nonce (%ld)",
          st1);
    CHECK(ck_net_head_get(c1, "shared", &after, NULL, NULL) == 0 && after.seq == h.seq + 1, "one entry added");
    free(resp);
    free(body);
    ck_net_close(c0);
    ck_net_close(c1);
}

static void test_cross_instance_replay(const ckt_id *patient)
{
    enum { RACES = 8 };
    char nonces[RACES + 1][33];
    replay_try first, again, race[RACES][2];
    pthread_t th[2];
    int one_each = 0, leaked = 0;
    int before = audit_reads(patient, writers[0].gid, "seq:1");
    for (int i = 0; i <= RACES; i++) {
        uint8_t rnd[16];
        if (ck_net_random(rnd, 16) != 0) exit(2);
        ck_net_hex(nonces[i], rnd, 16);
    }
    first = (replay_try){srv[0].url, "/v1/records/shared/entries/1", nonces[0], &writers[0], (int64_t)time(NULL), 0, 0};
    again = first;
    again.url = srv[1].url;
    replay_send(&first);
    replay_send(&again);
    CHECK(first.status == 200 && first.data, "a read on instance 0 answers (%ld)", first.status);
    CHECK(again.status == 401 && !again.data, "its replay on instance 1 is refused without data (%ld)", again.status);
    /* The same request to both instances at once: one answer, one refusal. */
    for (int i = 0; i < RACES; i++) {
        race[i][0] = first;
        race[i][0].nonce = nonces[i + 1];
        race[i][1] = race[i][0];
        race[i][1].url = srv[1].url;
        for (int k = 0; k < 2; k++) pthread_create(&th[k], NULL, replay_send, &race[i][k]);
        for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
        one_each += (race[i][0].status == 200) + (race[i][1].status == 200) == 1 &&
                    (race[i][0].status == 401 || race[i][1].status == 401);
        leaked += (race[i][0].status != 200 && race[i][0].data) + (race[i][1].status != 200 && race[i][1].data);
    }
    CHECK(one_each == RACES, "concurrent copies on two instances: exactly one answered each time (%d of %d)",
          one_each, RACES);
    CHECK(leaked == 0, "no refused copy carried data");
    CHECK(before >= 0 && audit_reads(patient, writers[0].gid, "seq:1") == before + 1 + RACES,
          "one audit row per answered read, none for a replay");
}

/* reader's GET of patient's entry 1 on url: 200 when it answered with
 * data, else the HTTP status. */
static long read_entry1(const char *url, const ckt_id *reader, const ckt_id *patient)
{
    ck_net *c = ckt_client(url, reader->gid, reader->sk);
    ck_net_entry e;
    long st = -1;
    memset(&e, 0, sizeof e);
    if (c) st = ck_net_entry_get(c, patient->gid, 1, &e) == 0 && e.envelope_len > 0 ? 200 : ck_net_status(c);
    ck_net_entry_clear(&e);
    ck_net_close(c);
    return st;
}

static unsigned long cache_metric(const char *url, const char *result)
{
    ck_net *c = ckt_client(url, "nobody", (const uint8_t[32]){0});
    char *resp = NULL, key[64], *p;
    unsigned long v = 0;
    snprintf(key, sizeof key, "carekeyd_record_cache_total{result=\"%s\"} ", result);
    if (c && ckt_raw_body(c, "GET", "/metrics", NULL, &resp) == 200 && resp && (p = strstr(resp, key)) != NULL)
        v = strtoul(p + strlen(key), NULL, 10);
    free(resp);
    ck_net_close(c);
    return v;
}

/* The head of patient's record, read by the patient on instance 0. */
static ck_net_head head_of(const ckt_id *patient)
{
    ck_net *c = ckt_client(srv[0].url, patient->gid, patient->sk);
    ck_net_head h;
    memset(&h, 0, sizeof h);
    if (!c || ck_net_head_get(c, patient->gid, &h, NULL, NULL) != 0) h.seq = 0;
    ck_net_close(c);
    return h;
}

/* One append by w to patient's results (onto the current head) on url:
 * its HTTP status. */
static long append_one(const char *url, const ckt_id *w, const ckt_id *patient)
{
    static const uint8_t env[4] = {1, 2, 3, 4};
    ck_net *c = ckt_client(url, w->gid, w->sk);
    ck_net_head head = head_of(patient), out;
    long st = -1;
    if (c && head.seq)
        st = ck_net_append(c, patient->gid, "results", "Observation", head.hash, ckt_now_ms(), env, sizeof env,
                           &out) == 0
                 ? 201
                 : ck_net_status(c);
    ck_net_close(c);
    return st;
}

typedef long (*cached_op)(const char *url, const ckt_id *who, const ckt_id *patient);

/* Instance 1 serves op (a read or an append) from its record cache; the
 * patient grants and revokes on instance 0. After the revocation op is
 * refused on instance 1 at once (the cached grants fail the commit and op
 * runs again on the database) and changes nothing; a new grant counts at
 * once (refusals are never decided on cached rows). */
static void cache_scenario(ck_net *ca, const ckt_id *patient, const char *name, const char *access,
                           const char *sections, cached_op op, long ok)
{
    ckt_id who;
    ck_net *cp = ckt_client(srv[0].url, patient->gid, patient->sk);
    int64_t id = 0;
    unsigned long hits0, changed0;
    uint64_t seq;
    long st;
    ckt_id_new(&who, name);
    CHECK(ckt_enroll(ca, &who, "doctor") == 0, "enroll %s", name);
    CHECK((st = op(srv[1].url, &who, patient)) == 403, "%s: no grant yet: 403 (%ld)", name, st);
    CHECK(cp && ck_net_grant_access(cp, patient->gid, who.gid, access, sections, 0, 0, &id) == 0, "a %s grant", access);
    CHECK((st = op(srv[1].url, &who, patient)) == ok, "%s: granted on instance 0, allowed on 1 (%ld)", name, st);
    hits0 = cache_metric(srv[1].url, "hit");
    changed0 = cache_metric(srv[1].url, "changed");
    CHECK((st = op(srv[1].url, &who, patient)) == ok, "%s: again (%ld)", name, st);
    CHECK(cache_metric(srv[1].url, "hit") > hits0, "%s: served from instance 1's cache", name);
    CHECK(ck_net_grant_revoke(cp, patient->gid, id) == 0, "revoked on instance 0");
    seq = head_of(patient).seq;
    CHECK((st = op(srv[1].url, &who, patient)) == 403, "%s: the revocation holds on instance 1 at once (%ld)", name,
          st);
    CHECK(head_of(patient).seq == seq, "%s: nothing was appended", name);
    CHECK(cache_metric(srv[1].url, "changed") == changed0 + 1, "%s: the cached request failed its commit once", name);
    CHECK(ck_net_grant_access(cp, patient->gid, who.gid, access, sections, 0, 0, &id) == 0, "granted again");
    CHECK((st = op(srv[1].url, &who, patient)) == ok, "%s: the new grant counts on instance 1 at once (%ld)", name, st);
    ck_net_close(cp);
}

int main(int argc, char **argv)
{
    char dir[256], db[1024];
    ckt_id admin, pats[PATIENTS + 1];
    ckt_key keys[THREADS];
    pthread_t th[THREADS];
    ck_net *ca;
    double t0;

    if (argc < 2) return 2;
    if (ck_net_global_init() != 0) return 2;
    ckt_tmpdir(dir, sizeof dir, "conc");
    ckt_db_arg(db, sizeof db, argc, argv, dir);
    if (argc >= 4) ninst = atoi(argv[3]);
    if (ninst < 1 || ninst > 4) ninst = 1;
    ckt_id_new(&admin, "admin");
    for (int i = 0; i < ninst; i++) {
        CHECK(ckt_start(&srv[i], argv[1], dir, db, admin.pk) == 0, "start instance %d", i);
        if (srv[i].pid <= 0) TEST_MAIN_END();
    }
    ca = ckt_client(srv[0].url, "admin", admin.sk);
    for (int p = 0; p <= PATIENTS; p++) {
        char name[32];
        if (p == PATIENTS)
            snprintf(name, sizeof name, "shared");
        else
            snprintf(name, sizeof name, "p%d", p);
        ckt_id_new(&pats[p], name);
        CHECK(ckt_enroll(ca, &pats[p], "patient") == 0, "enroll %s", name);
    }
    for (int t = 0; t < THREADS; t++) {
        char name[32];
        snprintf(name, sizeof name, "w%d", t);
        ckt_id_new(&writers[t], name);
        CHECK(ckt_enroll(ca, &writers[t], "doctor") == 0, "enroll %s", name);
        snprintf(keys[t].author, sizeof keys[t].author, "%s", name);
        memcpy(keys[t].pk, writers[t].pk, 32);
    }
    /* Each patient grants every writer; the grants go through instance 0. */
    for (int p = 0; p <= PATIENTS; p++) {
        ck_net *cp = ckt_client(srv[0].url, pats[p].gid, pats[p].sk);
        for (int t = 0; t < THREADS; t++)
            CHECK(ck_net_grant(cp, pats[p].gid, writers[t].gid, "results", 0, 0, NULL) == 0, "grant");
        ck_net_close(cp);
    }
    t0 = (double)ckt_now_ms();
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    fprintf(stderr, "%d appends in %.0f ms over %d instance(s)\n", THREADS * PER_THREAD, (double)ckt_now_ms() - t0,
            ninst);

    /* Verify every record (as a reader: the operator reads no records). */
    ck_net *cr = ckt_client(srv[ninst - 1].url, writers[0].gid, writers[0].sk);
    long total = 0;
    for (int p = 0; p <= PATIENTS; p++) {
        ckt_stored *st = NULL;
        long n = ckt_chain_verify(cr, pats[p].gid, keys, THREADS, &st);
        CHECK(n >= 0, "chain of %s verifies", pats[p].gid);
        if (n < 0) continue;
        total += n;
        for (int t = 0; t < THREADS; t++)
            for (int i = 0; i < nacks[t]; i++) {
                acked *a = &acks[t][i];
                int found = 0;
                if (strcmp(a->patient, pats[p].gid) != 0) continue;
                for (long k = 0; k < n; k++)
                    if (!memcmp(st[k].tag, a->tag, 16)) {
                        found++;
                        CHECK(st[k].seq == a->seq && !memcmp(st[k].hash, a->hash, 32), "acked at its seq");
                    }
                CHECK(found == 1, "acked append %d/%d stored exactly once (%d)", t, i, found);
            }
        free(st);
    }
    int nack_total = 0, nfail = 0;
    for (int t = 0; t < THREADS; t++) {
        nack_total += nacks[t];
        nfail += failures[t];
    }
    CHECK(nfail == 0, "no append gave up (%d)", nfail);
    CHECK(total == nack_total && nack_total == THREADS * PER_THREAD, "stored %ld == acked %d", total, nack_total);
    if (ninst >= 2) {
        test_cross_instance_replay(&pats[PATIENTS]);
        test_cross_instance_append_replay();
        cache_scenario(ca, &pats[0], "cache-reader", "read", "*", read_entry1, 200);
        cache_scenario(ca, &pats[1], "cache-writer", "write", "results", append_one, 201);
    }
    ck_net_close(ca);
    ck_net_close(cr);
    for (int i = 0; i < ninst; i++) {
        int st = ckt_stop(&srv[i], SIGTERM);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "instance %d exits cleanly (wait status 0x%x)", i, st);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) ckt_log_tail(dir);
    }
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
