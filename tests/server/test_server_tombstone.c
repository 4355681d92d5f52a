/*
 * test_server_tombstone.c - the server half of "reencrypt": a tombstone
 * entry lets carekeyd drop the bodies of superseded entries, against a
 * real carekeyd with real record containers (docs/API.md, "Tombstones").
 *
 *   test_server_tombstone CAREKEYD [DB_URL]   (default: a fresh SQLite file)
 *
 * The patient seals three entries and re-encrypts them (ck_rec_reseal: new
 * versions that supersede them), then:
 *   - tombstones naming a current entry, a missing one, or a mix, are
 *     409 bad_tombstone and change nothing; malformed ones are 400;
 *   - her tombstone drops two superseded bodies: entries come back with
 *     "envelope": null and the body's digest, and the chain verifies
 *     (ck_rec_verify, no problem) from the digests;
 *   - a grantee who is not a delegate is refused (403, audited); her
 *     delegate's tombstone is accepted; dropping a body twice fails;
 *   - the drops survive kill -9 and a restart.
 * Each check group prints a "tombstone:" line.
 */
#include "ckt.h"

#include "carekey/record.h"

static const char *bin, *db;
static char dir[256];
static ckt_server srv;
static ckt_id admin, pat, drx, dlg;
static ck_net *ca, *cp, *cx, *cd; /* operator, patient, grantee, delegate */

/* One ABE authority: every entry is sealed to doctor@hosp, which the
 * patient's key holds (so she can re-encrypt). */
static ck_abe_authority_sk ask;
static ck_abe_authority_pk apk;
static const ck_abe_authority_pk *pks[1] = {&apk};
static ck_abe_user_key pat_key;
static ck_seal_policy pol = {"doctor@hosp", pks, 1, NULL, NULL};

#define RTYPE "Condition"

/* The bodies' digests as first sealed (entries 1..6). */
static uint8_t digest[7][32];

static void group(const char *name) { printf("tombstone: %s\n", name); }

static int lookup(void *ctx, const char *gid, uint8_t pk[32])
{
    const ckt_id *ids[] = {&pat, &drx, &dlg};
    (void)ctx;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (!strcmp(ids[i]->gid, gid)) {
            memcpy(pk, ids[i]->pk, 32);
            return 0;
        }
    return -1;
}

/* Appends env (owned) onto the current head as c's user; the new seq, or
 * 0 with c's error set. */
static uint64_t add(ck_net *c, const char *section, const char *rtype, uint8_t *env, size_t len)
{
    ck_net_head head, out;
    uint64_t seq = 0;
    if (env && ck_net_head_get(c, pat.gid, &head, NULL, NULL) == 0 &&
        ck_net_append(c, pat.gid, section, rtype, head.hash, ckt_now_ms(), env, len, &out) == 0)
        seq = out.seq;
    free(env);
    return seq;
}

/* A tombstone dropping seqs, appended by c: its seq or 0. */
static uint64_t tombstone(ck_net *c, const uint64_t *seqs, size_t n)
{
    uint8_t *env = NULL;
    size_t len = 0;
    if (ck_rec_tombstone_container(&env, &len, seqs, n) != CK_REC_OK) return 0;
    return add(c, "tombstone", "Tombstone", env, len);
}

/* A TOMBSTONE container around any body text (malformed ones). */
static uint64_t raw_tombstone(ck_net *c, const char *body)
{
    ck_rec_container k;
    size_t len;
    uint8_t *env;
    memset(&k, 0, sizeof k);
    k.kind = CK_REC_KIND_TOMBSTONE;
    k.body = (const uint8_t *)body;
    k.body_len = strlen(body);
    len = ck_rec_container_encode(NULL, &k);
    if ((env = malloc(len)) == NULL) return 0;
    ck_rec_container_encode(env, &k);
    return add(c, "tombstone", "Tombstone", env, len);
}

/* The whole record (one page); 0 or -1. */
static int fetch(ck_net_entry **v, size_t *n)
{
    return ck_net_entries(cp, pat.gid, 0, 100, v, n, NULL);
}

/* 1 when entry seq comes back with its body, 0 when dropped, -1 on error. */
static int has_body(uint64_t seq)
{
    ck_net_entry e;
    int r;
    if (ck_net_entry_get(cp, pat.gid, seq, &e) != 0) return -1;
    r = e.envelope != NULL;
    ck_net_entry_clear(&e);
    return r;
}

static uint64_t head_seq(void)
{
    ck_net_head h;
    return ck_net_head_get(cp, pat.gid, &h, NULL, NULL) == 0 ? h.seq : 0;
}

/* ck_rec_verify over everything the server returns: 1 when the chain is
 * intact (no problem, every entry valid, none withheld). */
static int chain_intact(const char *when)
{
    ck_net_entry *v = NULL;
    size_t n = 0;
    ck_net_head head;
    ck_rec_verify_in in;
    ck_rec_verify_out out;
    int ok = 0;
    if (fetch(&v, &n) != 0 || ck_net_head_get(cp, pat.gid, &head, NULL, NULL) != 0) goto out;
    memset(&in, 0, sizeof in);
    in.patient = pat.gid;
    in.entries = v;
    in.n = n;
    in.server_head = &head;
    in.key = lookup;
    if (ck_rec_verify(&out, &in) != CK_REC_OK) goto out;
    ok = out.n_problems == 0 && out.n_valid == n && n > 0;
    for (size_t i = 0; i < out.n_problems; i++)
        fprintf(stderr, "  %s: %s %s\n", when, ck_rec_problem_name(out.problem[i].kind), out.problem[i].detail);
    for (size_t i = 0; i < n && ok; i++) {
        uint8_t pk[32];
        ok = lookup(NULL, v[i].author, pk) == 0 && ck_net_entry_check(&v[i], pk) == 0;
    }
    ck_rec_verify_out_free(&out);
out:
    ck_net_entries_free(v, n);
    return ok;
}

/* The patient's audit log holds a row action/actor/target/status. */
static int audited(const char *action, const char *actor, const char *target, int status)
{
    ck_net_audit *v = NULL;
    size_t n = 0;
    int found = 0;
    if (ck_net_audit_list(cp, pat.gid, 0, 1000, &v, &n) != 0) return 0;
    for (size_t i = 0; i < n && !found; i++)
        found = !strcmp(v[i].action, action) && !strcmp(v[i].actor, actor) && v[i].status == status &&
                (target == NULL || !strcmp(v[i].target, target));
    free(v);
    return found;
}

/* ---- the record: 1 allergies, 2 problems, 3 immunizations; 4, 5, 6
 * their new versions ------------------------------------------------ */

static uint64_t seal(const char *section, const char *text)
{
    uint8_t *env = NULL;
    size_t len = 0;
    if (ck_rec_seal(&env, &len, pat.gid, section, RTYPE, (const uint8_t *)text, strlen(text), &pol, 0, NULL, NULL) !=
        CK_REC_OK)
        return 0;
    return add(cp, section, RTYPE, env, len);
}

/* Re-encrypts entry seq (fresh data key, same entry id, superseding it). */
static uint64_t reseal(uint64_t seq)
{
    ck_net_entry e;
    uint8_t *env = NULL;
    size_t len = 0;
    uint64_t out = 0;
    if (ck_net_entry_get(cp, pat.gid, seq, &e) != 0) return 0;
    if (ck_rec_reseal(&env, &len, &e, pat.gid, &pat_key, &pol, NULL) == CK_REC_OK)
        out = add(cp, e.section, e.resource_type, env, len);
    ck_net_entry_clear(&e);
    return out;
}

static void build_record(void)
{
    ck_net_entry *v = NULL;
    size_t n = 0;
    group("a record of sealed entries and their re-encrypted versions");
    CHECK(ck_abe_authority_setup(&ask, &apk, "hosp") == CK_ABE_OK &&
              ck_abe_user_key_init(&pat_key, pat.gid) == CK_ABE_OK &&
              ck_abe_keygen(&pat_key, &ask, "doctor@hosp", 0) == CK_ABE_OK,
          "ABE keys");
    CHECK(seal("allergies", "{\"code\":\"penicillin\"}") == 1 && seal("problems", "{\"code\":\"asthma\"}") == 2 &&
              seal("immunizations", "{\"code\":\"tetanus\"}") == 3,
          "three sealed entries: %s", ck_net_error_code(cp));
    CHECK(reseal(1) == 4 && reseal(2) == 5 && reseal(3) == 6, "re-encrypted: 4, 5, 6 supersede 1, 2, 3");
    CHECK(fetch(&v, &n) == 0 && n == 6, "six entries");
    for (size_t i = 0; i < n && i < 6; i++) {
        CHECK(v[i].envelope != NULL, "entry %zu has its body", i + 1);
        memcpy(digest[i + 1], v[i].envelope_sha256, 32);
    }
    ck_net_entries_free(v, n);
    CHECK(chain_intact("before"), "the record verifies");
}

/* ---- refusals that change nothing --------------------------------- */

static void test_refused(void)
{
    static const uint64_t current[] = {4}, mixed[] = {1, 4}, missing[] = {99}, own[] = {1, 7};
    static const char *const malformed[] = {
        "{\"v\":1,\"drop\":[2,1]}", "{\"v\":1,\"drop\":[]}", "{\"v\":2,\"drop\":[1]}",
        "{\"v\":1,\"drop\":[0]}", "{\"v\":1,\"drop\":[\"1\"]}", "{\"v\":1,\"drop\":[1],\"x\":1}", "not json",
    };
    group("tombstones the record does not allow change nothing");
    CHECK(tombstone(cp, current, 1) == 0 && ckt_failed(cp, 409, "bad_tombstone"), "a current version is refused");
    CHECK(tombstone(cp, mixed, 2) == 0 && ckt_failed(cp, 409, "bad_tombstone") &&
              strstr(ck_net_error_message(cp), "entry 4") != NULL,
          "a list with one current version is refused whole, naming it: %s", ck_net_error_message(cp));
    CHECK(tombstone(cp, missing, 1) == 0 && ckt_failed(cp, 409, "bad_tombstone"), "a missing entry is refused");
    CHECK(tombstone(cp, own, 2) == 0 && ckt_failed(cp, 409, "bad_tombstone"), "its own seq is refused");
    CHECK(has_body(1) == 1 && has_body(4) == 1 && head_seq() == 6, "no body dropped, no entry added");
    group("malformed tombstones are 400 bad_field");
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        CHECK(raw_tombstone(cp, malformed[i]) == 0 && ckt_failed(cp, 400, "bad_field"), "%s", malformed[i]);
    CHECK(head_seq() == 6 && has_body(1) == 1, "nothing changed");
}

/* ---- the patient's tombstone --------------------------------------- */

/* The raw entry object of a dropped body: "envelope": null and its digest. */
static int raw_dropped(uint64_t seq)
{
    char path[200], want[120], hex[65], *resp = NULL;
    long st;
    int ok;
    snprintf(path, sizeof path, "/v1/records/%s/entries/%llu", pat.gid, (unsigned long long)seq);
    ck_net_hex(hex, digest[seq], 32);
    snprintf(want, sizeof want, "\"envelope\":null,\"envelope_sha256\":\"%s\"", hex);
    st = ckt_raw_body(cp, "GET", path, NULL, &resp);
    ok = st == 200 && resp && strstr(resp, want) != NULL;
    if (!ok) fprintf(stderr, "  GET %s -> %ld %s\n", path, st, resp ? resp : "");
    free(resp);
    return ok;
}

static void test_patient_drops(void)
{
    static const uint64_t drop[] = {1, 2};
    ck_net_entry *v = NULL;
    size_t n = 0;
    group("the patient's tombstone drops two superseded bodies");
    CHECK(tombstone(cp, drop, 2) == 7, "tombstone 7 accepted: %s", ck_net_error_code(cp));
    CHECK(fetch(&v, &n) == 0 && n == 7, "seven entries");
    for (size_t i = 0; i < 2 && n == 7; i++)
        CHECK(v[i].envelope == NULL && v[i].envelope_len == 0 && !memcmp(v[i].envelope_sha256, digest[i + 1], 32),
              "entry %zu: no body, its digest", i + 1);
    for (size_t i = 2; i < n; i++) CHECK(v[i].envelope != NULL, "entry %zu keeps its body", i + 1);
    ck_net_entries_free(v, n);
    CHECK(raw_dropped(1) && raw_dropped(2), "GET entry: \"envelope\":null with envelope_sha256");
    CHECK(chain_intact("after the patient's tombstone"), "the chain still verifies, nothing withheld");
    CHECK(audited("drop_bodies", pat.gid, "seq:7", 201), "drop_bodies audited, target the tombstone");
}

/* ---- who may drop -------------------------------------------------- */

static void test_grantee_delegate(void)
{
    static const uint64_t drop3[] = {3};
    ck_rec_grant g;
    uint8_t *env = NULL;
    size_t len = 0;
    int64_t id;
    group("a grantee who is not a delegate cannot drop bodies");
    CHECK(ck_net_grant(cp, pat.gid, drx.gid, "*", 0, 0, &id) == 0, "drx holds a write grant on every section");
    CHECK(tombstone(cx, drop3, 1) == 0 && ckt_failed(cx, 403, "forbidden"), "drx's tombstone is 403");
    CHECK(has_body(3) == 1 && head_seq() == 7, "entry 3 keeps its body");
    CHECK(audited("drop_bodies", drx.gid, NULL, 403), "the refusal is in the patient's audit log");

    group("her delegate's tombstone is accepted");
    memset(&g, 0, sizeof g);
    snprintf(g.grantee, sizeof g.grantee, "%.128s", dlg.gid);
    snprintf(g.sections, sizeof g.sections, "*");
    g.delegate = 1;
    CHECK(ck_rec_grant_container(&env, &len, &g) == CK_REC_OK && add(cp, "grants", "Consent", env, len) == 8 &&
              ck_net_grant(cp, pat.gid, dlg.gid, "*", 1, 0, &id) == 0,
          "the patient names dlg her delegate (chain and server)");
    CHECK(tombstone(cd, drop3, 1) == 9, "dlg's tombstone drops entry 3: %s", ck_net_error_code(cd));
    CHECK(has_body(3) == 0 && has_body(6) == 1, "entry 3 dropped, its new version kept");
    CHECK(chain_intact("after the delegate's tombstone"), "the chain verifies");

    group("dropping a body twice fails cleanly");
    CHECK(tombstone(cp, drop3, 1) == 0 && ckt_failed(cp, 409, "bad_tombstone"), "entry 3 again");
    CHECK(tombstone(cd, drop3, 1) == 0 && ckt_failed(cd, 409, "bad_tombstone"), "by the delegate too");
    CHECK(head_seq() == 9, "no entry added");
}

/* ---- kill -9 -------------------------------------------------------- */

static void test_restart(void)
{
    group("the drops survive kill -9");
    ckt_stop(&srv, SIGKILL);
    ck_net_close(cp);
    ck_net_close(cx);
    ck_net_close(cd);
    CHECK(ckt_start(&srv, bin, dir, db, admin.pk) == 0, "restarted");
    cp = ckt_client(srv.url, pat.gid, pat.sk);
    cx = ckt_client(srv.url, drx.gid, drx.sk);
    cd = ckt_client(srv.url, dlg.gid, dlg.sk);
    CHECK(has_body(1) == 0 && has_body(2) == 0 && has_body(3) == 0 && has_body(4) == 1, "still dropped");
    CHECK(raw_dropped(3), "entry 3 by its digest");
    CHECK(chain_intact("after the restart"), "the chain verifies");
}

int main(int argc, char **argv)
{
    char dbbuf[1024];
    if (ckt_main_begin(argc, argv, "tomb", dir, sizeof dir, dbbuf, sizeof dbbuf) < 0) return 2;
    bin = argv[1];
    db = dbbuf;
    ckt_id_new(&admin, "admin");
    ckt_id_new(&pat, "pat");
    ckt_id_new(&drx, "drx");
    ckt_id_new(&dlg, "dlg");
    if (ckt_start(&srv, bin, dir, db, admin.pk) != 0) {
        CHECK(0, "carekeyd did not start");
        TEST_MAIN_END();
    }
    ca = ckt_client(srv.url, "admin", admin.sk);
    CHECK(ckt_enroll(ca, &pat, "patient") == 0 && ckt_enroll(ca, &drx, "doctor") == 0 &&
              ckt_enroll(ca, &dlg, "family") == 0,
          "enrolled: %s", ck_net_error_code(ca));
    cp = ckt_client(srv.url, pat.gid, pat.sk);
    cx = ckt_client(srv.url, drx.gid, drx.sk);
    cd = ckt_client(srv.url, dlg.gid, dlg.sk);
    build_record();
    test_refused();
    test_patient_drops();
    test_grantee_delegate();
    test_restart();
    ck_net_close(ca);
    ck_net_close(cp);
    ck_net_close(cx);
    ck_net_close(cd);
    ckt_stop(&srv, SIGTERM);
    ck_abe_user_key_free(&pat_key);
    ck_abe_authority_sk_wipe(&ask);
    ckt_log_tail(dir);
    ckt_rmdir(dir);
    TEST_MAIN_END();
}
