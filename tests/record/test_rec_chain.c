/*
 * tests/record/test_rec_chain.c - record entries, grants and chain
 * verification without a server: an honest chain verifies; every way a
 * server can cheat (drop, reorder, swap between patients, roll back, fork,
 * alter, forge) is reported as what it is; sealed entries open only for the
 * right key at the right place, and a rewrap locks out a revoked key.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "carekey/record.h"

typedef struct {
    const char *gid;
    uint8_t pk[32], sk[32];
} person;

static person people[4] = {{"alice", {0}, {0}}, {"bob", {0}, {0}}, {"drx", {0}, {0}}, {"mallory", {0}, {0}}};

static int lookup(void *ctx, const char *gid, uint8_t pk[32])
{
    (void)ctx;
    for (int i = 0; i < 4; i++)
        if (strcmp(people[i].gid, gid) == 0) {
            memcpy(pk, people[i].pk, 32);
            return 0;
        }
    return -1;
}

typedef struct {
    const char *patient;
    ck_net_entry e[160];
    size_t n;
    uint64_t next_time;   /* 0: the default clock (one ms per entry) */
} chain;

#define T0 1700000000000ULL

/* Appends what an honest server would store for author's container bytes. */
static void append(chain *c, const person *author, const char *section, const char *rt,
                   uint8_t *env, size_t env_len)
{
    ck_net_entry *e = &c->e[c->n];
    ck_net_entry_fields f;
    memset(e, 0, sizeof(*e));
    e->seq = c->n + 1;
    if (c->n) memcpy(e->prev_hash, c->e[c->n - 1].hash, 32);
    strcpy(e->section, section);
    strcpy(e->resource_type, rt);
    strcpy(e->author, author->gid);
    e->time_ms = c->next_time ? c->next_time : T0 + c->n;
    c->next_time = 0;
    e->envelope = env;
    e->envelope_len = env_len;
    memset(&f, 0, sizeof(f));
    f.patient = c->patient;
    f.seq = e->seq;
    memcpy(f.prev_hash, e->prev_hash, 32);
    f.section = section;
    f.resource_type = rt;
    f.author = author->gid;
    f.time_ms = e->time_ms;
    f.envelope = env;
    f.envelope_len = env_len;
    CHECK(ck_net_entry_sign(e->signature, &f, author->sk) == 0, "sign");
    memcpy(f.signature, e->signature, 64);
    CHECK(ck_net_entry_hash(e->hash, &f) == 0, "hash");
    c->n++;
}

static void chain_free(chain *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->e[i].envelope);
    c->n = 0;
}

static size_t count(const ck_rec_verify_out *o, ck_rec_problem_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n_problems; i++) n += o->problem[i].kind == k;
    return n;
}

static ck_rec_verify_out verify(const char *patient, const ck_net_entry *e, size_t n,
                                const ck_rec_signed_head *sh, const ck_net_head *known)
{
    ck_rec_verify_in in = {patient, e, n, NULL, sh, known, lookup, NULL, 0, 1};
    ck_rec_verify_out out;
    CHECK(ck_rec_verify(&out, &in) == CK_REC_OK, "verify runs");
    return out;
}

/* ---- fixtures: two authorities, a doctor's and a stranger's keys ------- */
static ck_abe_authority_sk ask[2];
static ck_abe_authority_pk apk[2];
static const ck_abe_authority_pk *pks[2] = {&apk[0], &apk[1]};
static ck_abe_user_key doc_key, other_key;

static void setup_keys(void)
{
    CHECK(ck_abe_authority_setup(&ask[0], &apk[0], "board") == CK_ABE_OK, "setup board");
    CHECK(ck_abe_authority_setup(&ask[1], &apk[1], "hosp-a") == CK_ABE_OK, "setup hosp-a");
    CHECK(ck_abe_user_key_init(&doc_key, "drx") == CK_ABE_OK, "key init");
    CHECK(ck_abe_keygen(&doc_key, &ask[0], "doctor@board", 0) == CK_ABE_OK, "keygen");
    CHECK(ck_abe_keygen(&doc_key, &ask[1], "staff@hosp-a", 0) == CK_ABE_OK, "keygen");
    CHECK(ck_abe_user_key_init(&other_key, "nurse") == CK_ABE_OK, "key init");
    CHECK(ck_abe_keygen(&other_key, &ask[1], "staff@hosp-a", 0) == CK_ABE_OK, "keygen");
}

static void seal_entry(chain *c, const person *author, const char *section, const char *text,
                       const char *policy, uint64_t supersedes)
{
    ck_seal_policy pol = {policy, pks, 2, NULL, NULL};
    uint8_t *env = NULL;
    size_t len = 0;
    CHECK(ck_rec_seal(&env, &len, c->patient, section, "Condition", (const uint8_t *)text, strlen(text),
                      &pol, supersedes, NULL, NULL) == CK_REC_OK, "seal %s", section);
    append(c, author, section, "Condition", env, len);
}

static void grant_entry(chain *c, const person *by, const char *grantee, const char *sections, int revoke,
                        ck_rec_grant *g)
{
    uint8_t *env = NULL;
    size_t len = 0;
    if (!revoke) {
        memset(g, 0, sizeof(*g));
        strcpy(g->grantee, grantee);
        strcpy(g->sections, sections);
    }
    g->revoke = revoke;
    CHECK(ck_rec_grant_container(&env, &len, g) == CK_REC_OK, "grant container");
    append(c, by, "grants", "Consent", env, len);
}

static void build_honest(chain *c, ck_rec_grant *g)
{
    c->patient = "alice";
    seal_entry(c, &people[0], "allergies", "penicillin", "doctor@board and staff@hosp-a", 0);
    grant_entry(c, &people[0], "drx", "problems,encounters", 0, g);
    seal_entry(c, &people[2], "problems", "asthma", "doctor@board and staff@hosp-a", 0);
    seal_entry(c, &people[2], "encounters", "visit", "staff@hosp-a", 0);
}

/* A `then` step: the plaintext (NUL-terminated) or "refused" as result. */
static void take_plaintext(ck_rec_open_job *j, void *ctx)
{
    (void)ctx;
    j->result = j->rc == CK_REC_OK ? strndup((const char *)j->payload, j->payload_len) : strdup("refused");
    free(j->payload);
    j->payload = NULL;
    j->payload_len = 0;
}

static void test_honest_and_open(void)
{
    chain c = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    uint8_t *pt = NULL;
    size_t len = 0;
    build_honest(&c, &g);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0 && o.n_valid == c.n, "honest chain verifies (%zu problems)", o.n_problems);
    if (o.n_problems) fprintf(stderr, "  first: %s\n", o.problem[0].detail);
    ck_rec_verify_out_free(&o);

    CHECK(ck_rec_open(&pt, &len, &c.e[2], "alice", &doc_key) == CK_REC_OK && len == 6 &&
              memcmp(pt, "asthma", 6) == 0, "doctor opens problems");
    free(pt);
    CHECK(ck_rec_open(&pt, &len, &c.e[2], "alice", &other_key) == CK_REC_ERR_ACCESS, "nurse cannot");
    CHECK(ck_rec_open(&pt, &len, &c.e[3], "alice", &other_key) == CK_REC_OK, "nurse opens encounters");
    free(pt);
    CHECK(ck_rec_open(&pt, &len, &c.e[3], "bob", &other_key) == CK_REC_ERR_AUTH, "bound to the patient");
    {
        ck_net_entry moved = c.e[3];
        strcpy(moved.section, "problems");
        CHECK(ck_rec_open(&pt, &len, &moved, "alice", &other_key) == CK_REC_ERR_AUTH, "bound to the section");
    }
    CHECK(ck_rec_open(&pt, &len, &c.e[1], "alice", &doc_key) == CK_REC_ERR_KIND, "grant is not data");
    /* many at once: every job as ck_rec_open would leave it (the grant, an
     * unreadable entry, a moved one and readable ones, on two threads) */
    {
        ck_net_entry moved = c.e[3];
        ck_rec_open_job j[5] = {{.e = &c.e[0]}, {.e = &c.e[1]}, {.e = &c.e[2]}, {.e = &c.e[3]}, {.e = &moved}};
        strcpy(moved.section, "problems");
        CHECK(ck_rec_open_many(j, 5, "alice", &other_key, 2) == CK_REC_OK, "open many");
        for (size_t i = 0; i < 5; i++) {
            uint8_t *one = NULL;
            size_t one_len = 0;
            ck_rec_err r = ck_rec_open(&one, &one_len, j[i].e, "alice", &other_key);
            CHECK(r == j[i].rc && (r != CK_REC_OK || (one_len == j[i].payload_len && !memcmp(one, j[i].payload, one_len))),
                  "job %zu as one open: %d vs %d", i, (int)j[i].rc, (int)r);
            CHECK(r == CK_REC_OK || j[i].payload == NULL, "no payload for a failed job %zu", i);
            free(one);
            free(j[i].payload);
        }
        CHECK(j[3].rc == CK_REC_OK && j[2].rc == CK_REC_ERR_ACCESS && j[4].rc == CK_REC_ERR_AUTH &&
                  j[1].rc == CK_REC_ERR_KIND, "the expected verdicts");
        CHECK(ck_rec_open_many(NULL, 1, "alice", &other_key, 0) == CK_REC_ERR_PARAM, "no jobs");
        /* a job's `then` runs on the worker with the outcome set, and may
         * take the plaintext over */
        for (size_t i = 0; i < 5; i++) j[i] = (ck_rec_open_job){.e = j[i].e, .then = take_plaintext};
        CHECK(ck_rec_open_many(j, 5, "alice", &other_key, 2) == CK_REC_OK, "open many with a step after");
        for (size_t i = 0; i < 5; i++) {
            uint8_t *one = NULL;
            size_t one_len = 0;
            ck_rec_err r = ck_rec_open(&one, &one_len, j[i].e, "alice", &other_key);
            CHECK(j[i].payload == NULL && (i == 1 ? j[i].result == NULL
                                                  : j[i].result && (r == CK_REC_OK ? strlen(j[i].result) == one_len &&
                                                                                          !memcmp(j[i].result, one, one_len)
                                                                                    : !strcmp(j[i].result, "refused"))),
                  "job %zu: its step saw %s", i, r == CK_REC_OK ? "the plaintext" : "the refusal");
            free(one);
            free(j[i].result);
        }
    }
    {
        char pol[256];
        CHECK(ck_rec_policy(pol, sizeof(pol), &c.e[3]) == CK_REC_OK && strcmp(pol, "staff@hosp-a") == 0,
              "policy readable without a key");
    }
    chain_free(&c);
}

static void test_tampering(void)
{
    chain c = {0}, other = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    ck_net_entry v[8];
    build_honest(&c, &g);

    /* dropped */
    v[0] = c.e[0], v[1] = c.e[2], v[2] = c.e[3];
    o = verify("alice", v, 3, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GAP) == 1 && count(&o, CK_REC_P_LINK) == 1, "drop detected");
    ck_rec_verify_out_free(&o);

    /* reordered */
    v[0] = c.e[0], v[1] = c.e[1], v[2] = c.e[3], v[3] = c.e[2];
    o = verify("alice", v, 4, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GAP) + count(&o, CK_REC_P_ORDER) >= 1 && count(&o, CK_REC_P_LINK) >= 1,
          "reorder detected");
    ck_rec_verify_out_free(&o);

    /* swapped in from another patient's record, same position */
    other.patient = "bob";
    seal_entry(&other, &people[1], "allergies", "latex", "staff@hosp-a", 0);
    v[0] = other.e[0], v[1] = c.e[1], v[2] = c.e[2], v[3] = c.e[3];
    o = verify("alice", v, 4, NULL, NULL);
    CHECK(count(&o, CK_REC_P_SIGNATURE) + count(&o, CK_REC_P_HASH) >= 1, "swap between patients detected");
    ck_rec_verify_out_free(&o);

    /* altered envelope byte, the server keeping the old hash */
    memcpy(v, c.e, 4 * sizeof(v[0]));
    v[2].envelope = malloc(v[2].envelope_len);
    memcpy(v[2].envelope, c.e[2].envelope, v[2].envelope_len);
    v[2].envelope[v[2].envelope_len - 5] ^= 1;
    o = verify("alice", v, 4, NULL, NULL);
    CHECK(count(&o, CK_REC_P_HASH) == 1 && count(&o, CK_REC_P_SIGNATURE) == 1 && !o.valid[2] && o.valid[3],
          "alteration detected on exactly that entry");
    ck_rec_verify_out_free(&o);
    free(v[2].envelope);

    /* rolled back: the patient signed a head at entry 4, the server shows 3 */
    {
        ck_rec_signed_head sh = {4, {0}, 1700000000999ULL, {0}};
        uint8_t tbs[CK_NET_HEAD_TBS_MAX];
        size_t len;
        memcpy(sh.hash, c.e[3].hash, 32);
        CHECK(ck_net_head_tbs(tbs, sizeof(tbs), &len, "alice", 4, sh.hash, sh.time_ms) == 0, "head tbs");
        CHECK(ck_net_ed25519_sign(sh.signature, tbs, len, people[0].sk) == 0, "head sign");
        o = verify("alice", c.e, 4, &sh, NULL);
        CHECK(o.n_problems == 0, "signed head matches");
        ck_rec_verify_out_free(&o);
        o = verify("alice", c.e, 3, &sh, NULL);
        CHECK(count(&o, CK_REC_P_ROLLBACK) == 1, "rollback against the signed head detected");
        ck_rec_verify_out_free(&o);
        sh.signature[0] ^= 1;
        o = verify("alice", c.e, 4, &sh, NULL);
        CHECK(count(&o, CK_REC_P_HEAD) == 1, "forged signed head detected");
        ck_rec_verify_out_free(&o);
    }
    /* forked against the reader's last known head */
    {
        ck_net_head known = {3, {0}};
        memset(known.hash, 7, 32);
        o = verify("alice", c.e, 4, NULL, &known);
        CHECK(count(&o, CK_REC_P_FORK) == 1, "fork against the last known head detected");
        ck_rec_verify_out_free(&o);
        known.seq = 9;
        o = verify("alice", c.e, 4, NULL, &known);
        CHECK(count(&o, CK_REC_P_ROLLBACK) == 1, "rollback against the last known head detected");
        ck_rec_verify_out_free(&o);
    }
    chain_free(&other);
    chain_free(&c);
}

static void test_grants(void)
{
    chain c = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    build_honest(&c, &g);
    /* a writer without a grant, and a stranger issuing grants */
    seal_entry(&c, &people[2], "billing", "claim", "staff@hosp-a", 0);
    grant_entry(&c, &people[3], "mallory", "*", 0, &(ck_rec_grant){0});
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) == 2 && !o.valid[4] && !o.valid[5], "no grant, no granting");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    /* revoked grant: later writes fail, earlier ones stay valid */
    build_honest(&c, &g);
    grant_entry(&c, &people[0], "drx", "", 1, &g);
    seal_entry(&c, &people[2], "problems", "after revoke", "staff@hosp-a", 0);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) == 1 && o.valid[2] && !o.valid[5], "revocation applies from then on");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
}

/* An author who may no longer write dates her entry into her grant's
 * lifetime: times must not go back along the chain nor before the
 * patient's signed head (issue 9, item 8). */
static void test_backdating(void)
{
    chain c = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    ck_rec_signed_head sh;
    uint8_t tbs[CK_NET_HEAD_TBS_MAX];
    size_t len;

    c.patient = "alice";
    memset(&g, 0, sizeof g);
    strcpy(g.grantee, "drx");
    strcpy(g.sections, "problems");
    g.expires_ms = T0 + 50;
    {
        uint8_t *env = NULL;
        size_t elen = 0;
        CHECK(ck_rec_grant_container(&env, &elen, &g) == CK_REC_OK, "grant with expiry");
        append(&c, &people[0], "grants", "Consent", env, elen);
    }
    seal_entry(&c, &people[2], "problems", "in time", "staff@hosp-a", 0);
    c.next_time = T0 + 100;
    seal_entry(&c, &people[0], "allergies", "after expiry", "staff@hosp-a", 0);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0, "honest chain with an expiring grant verifies");
    ck_rec_verify_out_free(&o);

    c.next_time = T0 + 40;           /* before expiry, but after the patient's later entry */
    seal_entry(&c, &people[2], "problems", "back-dated", "staff@hosp-a", 0);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_TIME) == 1 && !o.valid[3], "an entry dated before the one it follows is back-dated");
    CHECK(strcmp(ck_rec_problem_name(CK_REC_P_TIME), "back-dated") == 0, "problem name");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    /* the patient's signed head bounds what follows it */
    c.patient = "alice";
    grant_entry(&c, &people[0], "drx", "problems", 0, &g);
    memset(&sh, 0, sizeof sh);
    sh.seq = 1;
    memcpy(sh.hash, c.e[0].hash, 32);
    sh.time_ms = T0 + 500;
    CHECK(ck_net_head_tbs(tbs, sizeof tbs, &len, "alice", sh.seq, sh.hash, sh.time_ms) == 0 &&
              ck_net_ed25519_sign(sh.signature, tbs, len, people[0].sk) == 0,
          "sign head");
    c.next_time = T0 + 600;
    seal_entry(&c, &people[2], "problems", "after the head", "staff@hosp-a", 0);
    o = verify("alice", c.e, c.n, &sh, NULL);
    CHECK(o.n_problems == 0, "an entry after the signed head verifies");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
    grant_entry(&c, &people[0], "drx", "problems", 0, &g);
    memcpy(sh.hash, c.e[0].hash, 32);
    CHECK(ck_net_head_tbs(tbs, sizeof tbs, &len, "alice", sh.seq, sh.hash, sh.time_ms) == 0 &&
              ck_net_ed25519_sign(sh.signature, tbs, len, people[0].sk) == 0,
          "sign head");
    c.next_time = T0 + 300;
    seal_entry(&c, &people[2], "problems", "before the head", "staff@hosp-a", 0);
    o = verify("alice", c.e, c.n, &sh, NULL);
    CHECK(count(&o, CK_REC_P_TIME) == 1 && !o.valid[1], "an entry dated before the signed head is back-dated");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
}

static void delegate_entry(chain *c, const person *by, const char *grantee, ck_rec_grant *g)
{
    uint8_t *env = NULL;
    size_t len = 0;
    memset(g, 0, sizeof *g);
    strcpy(g->grantee, grantee);
    strcpy(g->sections, "*");
    g->delegate = 1;
    CHECK(ck_rec_grant_container(&env, &len, g) == CK_REC_OK, "delegate container");
    append(c, by, "grants", "Consent", env, len);
}

/* Only the patient names or revokes delegates; a delegate's grants end with
 * her (issue 9, item 9). */
static void test_delegation(void)
{
    chain c = {0};
    ck_rec_grant bob_d, drx_d, mal_g, forged;
    ck_rec_verify_out o;

    c.patient = "alice";
    delegate_entry(&c, &people[0], "bob", &bob_d);                   /* 1 */
    delegate_entry(&c, &people[0], "drx", &drx_d);                   /* 2 */
    grant_entry(&c, &people[1], "mallory", "problems", 0, &mal_g);   /* 3: bob grants */
    seal_entry(&c, &people[3], "problems", "by mallory", "staff@hosp-a", 0); /* 4 */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0, "a delegate's grant lets its grantee write");
    ck_rec_verify_out_free(&o);

    grant_entry(&c, &people[1], "", "", 1, &drx_d);                   /* 5: bob revokes drx */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) == 1 && !o.valid[4], "a delegate cannot revoke a co-delegate");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    delegate_entry(&c, &people[0], "bob", &bob_d);                   /* 1 */
    delegate_entry(&c, &people[1], "mallory", &forged);              /* 2: bob names a delegate */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) == 1 && !o.valid[1], "a delegate cannot name a delegate");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    delegate_entry(&c, &people[0], "bob", &bob_d);                   /* 1 */
    grant_entry(&c, &people[1], "mallory", "problems", 0, &mal_g);   /* 2 */
    grant_entry(&c, &people[0], "", "", 1, &bob_d);                  /* 3: alice revokes bob */
    seal_entry(&c, &people[3], "problems", "after bob", "staff@hosp-a", 0); /* 4 */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) == 1 && !o.valid[3], "a delegate's grants end with the delegate");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
}

/* Drops entry i's body as a server does under a tombstone: the digest stays. */
static void drop_body(chain *c, size_t i)
{
    ck_net_sha256(c->e[i].envelope_sha256, c->e[i].envelope, c->e[i].envelope_len);
    free(c->e[i].envelope);
    c->e[i].envelope = NULL;
    c->e[i].envelope_len = 0;
}

/* A new version of entry i (same entry id, fresh data key), as reencrypt writes it. */
static void reseal_entry(chain *c, const person *author, size_t i)
{
    ck_seal_policy pol = {"staff@hosp-a", pks, 2, NULL, NULL};
    uint8_t *env = NULL;
    size_t len = 0;
    CHECK(ck_rec_reseal(&env, &len, &c->e[i], c->patient, &doc_key, &pol, NULL) == CK_REC_OK, "reseal");
    append(c, author, c->e[i].section, c->e[i].resource_type, env, len);
}

static void tombstone_entry(chain *c, const person *by, uint64_t seq)
{
    uint8_t *env = NULL;
    size_t len = 0;
    CHECK(ck_rec_tombstone_container(&env, &len, &seq, 1) == CK_REC_OK, "tombstone");
    append(c, by, "tombstone", "Tombstone", env, len);
}

static void batch_entry(chain *c, const person *author, const uint8_t id[16], uint32_t index, uint32_t count)
{
    ck_seal_policy pol = {"staff@hosp-a", pks, 2, NULL, NULL};
    ck_rec_batch b;
    uint8_t *env = NULL;
    size_t len = 0;
    memcpy(b.id, id, 16);
    b.index = index;
    b.count = count;
    CHECK(ck_rec_seal_batch(&env, &len, c->patient, "problems", "Bundle", (const uint8_t *)"[]", 2, &pol, 0, &b,
                            NULL, NULL) == CK_REC_OK, "seal in batch");
    append(c, author, "problems", "Bundle", env, len);
}

static void commit_entry(chain *c, const person *author, const uint8_t id[16], uint32_t count, const uint8_t *abandon)
{
    ck_rec_commit cm;
    uint8_t *env = NULL;
    size_t len = 0;
    memset(&cm, 0, sizeof cm);
    memcpy(cm.batch, id, 16);
    cm.count = count;
    if (abandon) {
        memcpy(cm.abandon[0], abandon, 16);
        cm.n_abandon = 1;
    }
    CHECK(ck_rec_commit_container(&env, &len, &cm) == CK_REC_OK, "commit container");
    append(c, author, "batch", "Commit", env, len);
}

/* An import is one batch closed by a commit: until then its entries are
 * not part of the record and the record is incomplete, never intact. */
static void test_batches(void)
{
    static const uint8_t b1[16] = {1}, b2[16] = {2};
    chain c = {0};
    ck_rec_verify_out o;
    c.patient = "alice";
    batch_entry(&c, &people[0], b1, 0, 3);
    batch_entry(&c, &people[0], b1, 1, 3);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0 && o.n_open_batches == 1 && o.batch_state[0] == CK_REC_BATCH_OPEN &&
              o.batch_state[1] == CK_REC_BATCH_OPEN,
          "an interrupted batch is open: incomplete");
    ck_rec_verify_out_free(&o);
    commit_entry(&c, &people[0], b1, 3, NULL);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_BATCH) == 1 && !o.valid[2], "a commit of a batch that is not whole is refused");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    c.patient = "alice";
    batch_entry(&c, &people[0], b1, 0, 2);
    batch_entry(&c, &people[0], b1, 1, 2);
    commit_entry(&c, &people[0], b1, 2, NULL);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0 && o.n_open_batches == 0 && o.batch_state[0] == 0, "a whole batch, committed");
    ck_rec_verify_out_free(&o);
    {
        /* re-encrypted later: a member's body dropped under a tombstone */
        chain d = {0};
        d.patient = "alice";
        batch_entry(&d, &people[0], b2, 0, 1);
        commit_entry(&d, &people[0], b2, 1, NULL);
        reseal_entry(&d, &people[0], 0);
        tombstone_entry(&d, &people[0], d.e[0].seq);
        drop_body(&d, 0);
        o = verify("alice", d.e, d.n, NULL, NULL);
        CHECK(o.n_problems == 0 && o.n_open_batches == 0, "a committed batch stays whole after re-encryption (%s)",
              o.n_problems ? o.problem[0].detail : "");
        ck_rec_verify_out_free(&o);
        chain_free(&d);
    }
    batch_entry(&c, &people[0], b1, 1, 2);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_BATCH) == 1 && !o.valid[3], "nothing joins a committed batch");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    c.patient = "alice";
    batch_entry(&c, &people[0], b1, 0, 2);
    batch_entry(&c, &people[0], b1, 0, 2);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_BATCH) == 1 && !o.valid[1], "a place in a batch is taken once");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    c.patient = "alice";
    batch_entry(&c, &people[0], b1, 0, 2);                 /* interrupted */
    batch_entry(&c, &people[0], b2, 0, 1);                 /* another bundle */
    commit_entry(&c, &people[0], b2, 1, b1);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0 && o.n_open_batches == 0 && o.batch_state[0] == CK_REC_BATCH_ABANDONED &&
              o.batch_state[1] == 0,
          "a later commit abandons the interrupted batch");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    {
        ck_rec_commit cm;
        CHECK(ck_rec_commit_decode(&cm, (const uint8_t *)"{\"v\":1,\"batch\":\"00\",\"count\":1,\"abandon\":[]}", 44) ==
                  CK_REC_ERR_FORMAT,
              "a malformed commit is refused");
    }
}

/* Re-encryption twice: v1 -> v2 -> v3, the bodies of v1 and v2 dropped
 * under two tombstones; the chain still verifies from digests; a body
 * dropped without a tombstone is withheld; a tombstone may not name a
 * current version. */
static void test_tombstones(void)
{
    chain c = {0};
    ck_rec_verify_out o;
    c.patient = "alice";
    seal_entry(&c, &people[0], "problems", "v1", "staff@hosp-a", 0);   /* 1 */
    reseal_entry(&c, &people[0], 0);                                    /* 2: v2 */
    tombstone_entry(&c, &people[0], c.e[0].seq);                        /* 3 */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0, "a tombstone of a superseded version verifies (%s)",
          o.n_problems ? o.problem[0].detail : "");
    ck_rec_verify_out_free(&o);
    drop_body(&c, 0);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0 && o.valid[0], "its dropped body verifies from its digest");
    ck_rec_verify_out_free(&o);
    reseal_entry(&c, &people[0], 1);                                    /* 4: v3 */
    tombstone_entry(&c, &people[0], c.e[1].seq);                        /* 5 */
    drop_body(&c, 1);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0, "two generations dropped: still intact (%s)", o.n_problems ? o.problem[0].detail : "");
    ck_rec_verify_out_free(&o);
    drop_body(&c, 3);                                                   /* v3: current */
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_WITHHELD) == 1, "a body dropped without a tombstone is withheld");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    c.patient = "alice";
    seal_entry(&c, &people[0], "problems", "only", "staff@hosp-a", 0);
    tombstone_entry(&c, &people[0], c.e[0].seq);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_SUPERSEDE) == 1, "a tombstone may not drop a current version");
    ck_rec_verify_out_free(&o);
    chain_free(&c);

    c.patient = "alice";
    seal_entry(&c, &people[0], "problems", "v1", "staff@hosp-a", 0);
    reseal_entry(&c, &people[0], 0);
    tombstone_entry(&c, &people[3], c.e[0].seq);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(count(&o, CK_REC_P_GRANT) >= 1 && !o.valid[2], "a stranger's tombstone is refused");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
}

static void test_rewrap(void)
{
    chain c = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    ck_seal_policy pol = {"doctor@board", pks, 2, NULL, NULL};
    uint8_t *env = NULL, *pt = NULL;
    size_t len = 0, ptlen = 0;
    build_honest(&c, &g);
    /* encounters were "staff@hosp-a": the patient re-wraps them for doctors only */
    {
        ck_abe_user_key patient_key;
        CHECK(ck_abe_user_key_init(&patient_key, "alice") == CK_ABE_OK, "init");
        CHECK(ck_abe_keygen(&patient_key, &ask[1], "staff@hosp-a", 0) == CK_ABE_OK, "keygen");
        CHECK(ck_rec_rewrap(&env, &len, &c.e[3], "alice", &patient_key, &pol, NULL) == CK_REC_OK, "rewrap");
        ck_abe_user_key_free(&patient_key);
    }
    append(&c, &people[2], "encounters", "Condition", env, len);
    o = verify("alice", c.e, c.n, NULL, NULL);
    CHECK(o.n_problems == 0, "rewrap entry verifies");
    ck_rec_verify_out_free(&o);
    CHECK(ck_rec_open(&pt, &ptlen, &c.e[4], "alice", &other_key) == CK_REC_ERR_ACCESS,
          "the old reader cannot open the rewrapped entry");
    CHECK(ck_rec_open(&pt, &ptlen, &c.e[4], "alice", &doc_key) == CK_REC_OK && ptlen == 5 &&
              memcmp(pt, "visit", 5) == 0, "the new reader can");
    free(pt);
    chain_free(&c);
}

/* A trusted prefix (the reader's own verified copy) skips hashes and
 * signatures there only: entries after it are checked in full, and the
 * logic (links, grants) is replayed over the whole chain. */
static void test_trusted_prefix(void)
{
    chain c = {0};
    ck_rec_grant g;
    ck_rec_verify_out o;
    ck_net_entry v[4];
    ck_rec_verify_in in;
    build_honest(&c, &g);
    memcpy(v, c.e, 4 * sizeof v[0]);
    in = (ck_rec_verify_in){"alice", v, 4, NULL, NULL, NULL, lookup, NULL, 2, 1};
    CHECK(ck_rec_verify(&o, &in) == CK_REC_OK && o.n_problems == 0 && o.n_valid == 4, "trusted prefix: verifies");
    ck_rec_verify_out_free(&o);
    /* a forged signature after the prefix is caught */
    v[3].signature[5] ^= 1;
    CHECK(ck_rec_verify(&o, &in) == CK_REC_OK && count(&o, CK_REC_P_SIGNATURE) == 1 && !o.valid[3],
          "trusted prefix: a forged entry after it is detected");
    ck_rec_verify_out_free(&o);
    v[3] = c.e[3];
    /* a broken link into the prefix is caught even though the prefix is trusted */
    v[3].prev_hash[0] ^= 1;
    CHECK(ck_rec_verify(&o, &in) == CK_REC_OK && count(&o, CK_REC_P_LINK) == 1,
          "trusted prefix: the first new entry must link to it");
    ck_rec_verify_out_free(&o);
    v[3] = c.e[3];
    /* grants replayed from the prefix: removing the grant (entry 2) breaks
     * the later writer's standing even with the prefix trusted */
    in.entries = v;
    v[1] = c.e[0];
    CHECK(ck_rec_verify(&o, &in) == CK_REC_OK && o.n_problems > 0, "trusted prefix: logic is replayed");
    ck_rec_verify_out_free(&o);
    chain_free(&c);
}

/* The hashes and signatures of a long chain are checked on worker threads
 * (ck_rec_verify_in.threads): the outcome is the serial one, problems and
 * their order included, with and without a trusted prefix. */
static void verify_threads(const chain *c, size_t trusted, unsigned threads, ck_rec_verify_out *o)
{
    ck_rec_verify_in in = {c->patient, c->e, c->n, NULL, NULL, NULL, lookup, NULL, trusted, threads};
    CHECK(ck_rec_verify(o, &in) == CK_REC_OK, "verify runs (%u threads, %zu trusted)", threads, trusted);
}

static int same_outcome(const ck_rec_verify_out *a, const ck_rec_verify_out *b, size_t n)
{
    if (a->n_problems != b->n_problems || a->n_valid != b->n_valid || memcmp(a->valid, b->valid, n)) return 0;
    for (size_t i = 0; i < a->n_problems; i++)
        if (a->problem[i].kind != b->problem[i].kind || a->problem[i].seq != b->problem[i].seq ||
            strcmp(a->problem[i].detail, b->problem[i].detail))
            return 0;
    return 1;
}

static void test_parallel_integrity(void)
{
    static const unsigned threads[] = {0, 2, 3, 8};
    static const size_t trusted[] = {0, 40};
    chain c = {.patient = "alice"};
    ck_rec_grant g;
    ck_rec_verify_out serial, par;
    for (int i = 0; i < 150; i++) grant_entry(&c, &people[0], i % 2 ? "drx" : "bob", "problems", 0, &g);
    verify_threads(&c, 0, 1, &serial);
    CHECK(serial.n_problems == 0 && serial.n_valid == 150, "a long honest chain verifies");
    ck_rec_verify_out_free(&serial);
    c.e[69].envelope[3] ^= 1;                 /* altered after signing            */
    c.e[99].signature[7] ^= 1;                /* forged signature                 */
    strcpy(c.e[119].author, "zed");           /* an author nobody knows          */
    c.e[139].signature[0] ^= 1;               /* and one more, late in the chain */
    for (size_t t = 0; t < sizeof trusted / sizeof trusted[0]; t++) {
        verify_threads(&c, trusted[t], 1, &serial);
        CHECK(count(&serial, CK_REC_P_HASH) >= 2 && count(&serial, CK_REC_P_SIGNATURE) >= 2 &&
                  count(&serial, CK_REC_P_AUTHOR) == 1 && !serial.valid[69] && !serial.valid[99] &&
                  !serial.valid[119] && !serial.valid[139] && serial.valid[0] && serial.valid[149],
              "the serial walk finds each tampered entry (%zu trusted)", trusted[t]);
        for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
            verify_threads(&c, trusted[t], threads[k], &par);
            CHECK(same_outcome(&serial, &par, c.n), "%u threads, %zu trusted: the serial outcome", threads[k],
                  trusted[t]);
            ck_rec_verify_out_free(&par);
        }
        ck_rec_verify_out_free(&serial);
    }
    chain_free(&c);
}

static void test_container_codec(void)
{
    uint8_t body[3] = {1, 2, 3}, buf[64];
    ck_rec_container c = {CK_REC_KIND_DATA, {9}, 42, {{0}, 0, 0}, body, 3}, d;
    size_t n = ck_rec_container_encode(buf, &c);
    CHECK(ck_rec_container_decode(&d, buf, n) == CK_REC_OK && d.supersedes == 42 && d.body_len == 3,
          "container round trip");
    for (size_t i = 0; i < n; i++)
        CHECK(ck_rec_container_decode(&d, buf, i) == CK_REC_ERR_FORMAT, "prefix %zu rejected", i);
    buf[n] = 0;
    CHECK(ck_rec_container_decode(&d, buf, n + 1) == CK_REC_ERR_FORMAT, "trailing byte rejected");
    buf[5] = 9;
    CHECK(ck_rec_container_decode(&d, buf, n) == CK_REC_ERR_FORMAT, "unknown kind rejected");
    CHECK(ck_rec_grant_decode(&(ck_rec_grant){0}, (const uint8_t *)"{\"v\":1}", 7) == CK_REC_ERR_FORMAT,
          "incomplete grant rejected");
}

int main(void)
{
    for (int i = 0; i < 4; i++)
        CHECK(ck_net_ed25519_keygen(people[i].pk, people[i].sk) == 0, "keygen %s", people[i].gid);
    setup_keys();
    test_container_codec();
    test_honest_and_open();
    test_tampering();
    test_trusted_prefix();
    test_parallel_integrity();
    test_grants();
    test_backdating();
    test_delegation();
    test_batches();
    test_tombstones();
    test_rewrap();
    ck_abe_user_key_free(&doc_key);
    ck_abe_user_key_free(&other_key);
    TEST_MAIN_END();
}
