/*
 * tests/seal/test_keyring.c - keyrings at rest: create/open/save round
 * trip with ABE keys from two authorities (they still decrypt), authority
 * secret keys, peers and known authorities, unknown optional sections;
 * wrong passphrase, every flipped bit and every truncation of a small
 * file, appended bytes, passphrase change, file mode 0600, atomic save
 * (failed writes leave the old file and no temporary), sealed key
 * delivery into a keyring, passphrase sources.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carekey/keyring.h"
#include "harness.h"
#include "seal/keyring_internal.h"

#define PASS "correct horse battery staple"
#define PL (sizeof(PASS) - 1)

static char dir[256];
static ck_abe_authority_sk sk_a, sk_b;
static ck_abe_authority_pk pk_a, pk_b;
static ck_identity alice, hosp;

static void pathf(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static int spit(const char *path, const uint8_t *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(b, 1, len, f) == len;
    if (f) fclose(f);
    return ok ? 0 : -1;
}

/* Files in dir whose name contains ".tmp." (leftover temporaries). */
static int temporaries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp.")) n++;
    if (d) closedir(d);
    return n;
}

/* Attribute epochs: keys are issued at epoch 1 (staff@hosp-a at 3). */
static uint32_t epoch_of(void *ctx, const char *label)
{
    (void)ctx;
    return strcmp(label, "staff@hosp-a") == 0 ? 3 : 1;
}

/* Encrypts under policy and decrypts with key. */
static int decrypts(ck_abe_user_key *key, const char *policy)
{
    const ck_abe_authority_pk *pks[2] = {&pk_a, &pk_b};
    ck_abe_ct ct;
    ck_gt s1, s2;
    int ok;
    memset(&ct, 0, sizeof ct);
    if (ck_abe_encrypt(&ct, &s1, policy, pks, 2, epoch_of, NULL, NULL) != CK_ABE_OK) return 0;
    ok = ck_abe_decrypt(&s2, &ct, key) == CK_ABE_OK && ck_gt_eq(&s1, &s2);
    ck_abe_ct_free(&ct);
    return ok;
}

static void issue(ck_abe_user_key *k, const char *gid, const ck_abe_authority_sk *sk, const char *label)
{
    if (ck_abe_user_key_init(k, gid) != CK_ABE_OK || ck_abe_keygen(k, sk, label, 1) != CK_ABE_OK) {
        fprintf(stderr, "keygen failed\n");
        exit(1);
    }
}

static void test_roundtrip(void)
{
    char path[512];
    ck_keyring *kr = NULL, *back = NULL;
    ck_abe_user_key ka, kb, kc;
    ck_identity bob;
    struct stat st;
    uint8_t seed[32];
    const ck_keyring_authority_secret *as;
    const ck_keyring_authority *au;
    const ck_keyring_peer *pe;
    ck_keyring_kdf kdf;
    uint8_t *bytes;
    size_t len;

    pathf(path, sizeof path, "alice.ckr");
    CHECK(ck_keyring_create(&kr, path, PASS, PL, &alice, &CK_KEYRING_KDF_TEST) == CK_KEYRING_OK, "create");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600 (%o)", st.st_mode & 0777);
    CHECK(ck_keyring_create(&back, path, PASS, PL, &alice, &CK_KEYRING_KDF_TEST) == CK_KEYRING_ERR_EXISTS,
          "create refuses an existing file");
    CHECK(back == NULL && temporaries() == 0, "no keyring, no temporary");

    issue(&ka, "alice", &sk_a, "doctor@hosp-a");
    CHECK(ck_abe_keygen(&ka, &sk_a, "staff@hosp-a", 3) == CK_ABE_OK, "keygen");
    issue(&kb, "alice", &sk_b, "md@board");
    issue(&kc, "mallory", &sk_b, "md@board");
    CHECK(ck_keyring_add_user_key(kr, &ka) == CK_KEYRING_OK, "add hosp-a keys");
    CHECK(ck_keyring_add_user_key(kr, &kb) == CK_KEYRING_OK, "merge board keys");
    CHECK(ck_keyring_add_user_key(kr, &kc) == CK_KEYRING_ERR_GID, "other GID refused");
    CHECK(ck_keyring_user_key(kr)->n == 3, "three attributes");
    CHECK(decrypts(ck_keyring_user_key(kr), "doctor@hosp-a and md@board"), "merged key decrypts");

    memset(seed, 7, sizeof seed);
    CHECK(ck_keyring_add_authority_sk(kr, &sk_a, seed) == CK_KEYRING_OK, "authority sk with seed");
    CHECK(ck_keyring_add_authority_sk(kr, &sk_b, NULL) == CK_KEYRING_OK, "authority sk without seed");
    CHECK(ck_keyring_add_authority_sk(kr, &sk_a, seed) == CK_KEYRING_OK, "replace");
    CHECK(ck_keyring_authority_sk_count(kr) == 2, "two authority secrets");
    {
        ck_abe_authority_sk bad = sk_a;
        ck_abe_authority_pk badp = pk_a;
        strcpy(bad.name, "Bad Name");
        strcpy(badp.name, "Bad Name");
        CHECK(ck_keyring_add_authority_sk(kr, &bad, NULL) == CK_KEYRING_ERR_PARAM, "invalid authority name");
        CHECK(ck_keyring_set_authority(kr, &badp, seed) == CK_KEYRING_ERR_PARAM, "invalid authority name (pk)");
        ck_abe_authority_sk_wipe(&bad);
    }
    CHECK(ck_id_create(&bob, "bob") == CK_ID_OK, "bob");
    CHECK(ck_keyring_set_peer(kr, "bob", bob.ed25519_pk, bob.x25519_pk) == CK_KEYRING_OK, "peer");
    CHECK(ck_keyring_set_peer(kr, "bad gid", bob.ed25519_pk, bob.x25519_pk) == CK_KEYRING_ERR_PARAM, "bad peer");
    CHECK(ck_keyring_set_authority(kr, &pk_a, hosp.ed25519_pk) == CK_KEYRING_OK, "known authority a");
    CHECK(ck_keyring_set_authority(kr, &pk_b, bob.ed25519_pk) == CK_KEYRING_OK, "known authority b");
    {
        uint8_t op[32];
        CHECK(ck_keyring_operator(kr, op) == -1, "no operator pinned yet");
        CHECK(ck_keyring_set_operator(kr, hosp.ed25519_pk) == CK_KEYRING_OK, "pin the operator");
        CHECK(ck_keyring_set_operator(kr, hosp.ed25519_pk) == CK_KEYRING_OK, "the same key again");
        CHECK(ck_keyring_set_operator(kr, bob.ed25519_pk) == CK_KEYRING_ERR_EXISTS, "never another one");
    }
    CHECK(ck_keyring_save(kr) == CK_KEYRING_OK, "save");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600 after save");
    CHECK(temporaries() == 0, "no temporary after save");

    CHECK(ck_keyring_open(&back, path, PASS, PL) == CK_KEYRING_OK, "open");
    CHECK(back && memcmp(ck_keyring_identity(back), &alice, sizeof alice) == 0, "identity");
    CHECK(back && ck_keyring_user_key(back)->n == 3, "attributes");
    CHECK(back && decrypts(ck_keyring_user_key(back), "doctor@hosp-a and md@board"), "reopened key decrypts");
    CHECK(back && decrypts(ck_keyring_user_key(back), "staff@hosp-a"), "second hosp-a attribute");
    as = ck_keyring_authority_sk_find(back, "hosp-a");
    CHECK(as && as->has_signing && memcmp(as->signing_sk, seed, 32) == 0, "authority seed");
    CHECK(as && ck_fr_eq(&as->sk.alpha, &sk_a.alpha) && ck_fr_eq(&as->sk.y, &sk_a.y), "authority sk");
    as = ck_keyring_authority_sk_find(back, "board");
    CHECK(as && !as->has_signing, "no seed");
    pe = ck_keyring_peer_find(back, "bob");
    CHECK(pe && memcmp(pe->x25519, bob.x25519_pk, 32) == 0 && memcmp(pe->ed25519, bob.ed25519_pk, 32) == 0,
          "peer");
    CHECK(ck_keyring_peer_find(back, "carol") == NULL, "unknown peer");
    {
        uint8_t op[32];
        CHECK(ck_keyring_operator(back, op) == 0 && memcmp(op, hosp.ed25519_pk, 32) == 0, "operator key kept");
    }
    au = ck_keyring_authority_find(back, "board");
    CHECK(au && memcmp(au->signing_key, bob.ed25519_pk, 32) == 0 && ck_gt_eq(&au->pk.e_alpha, &pk_b.e_alpha),
          "known authority");
    {
        const ck_abe_authority_pk *pks[2] = {&ck_keyring_authority_find(back, "hosp-a")->pk, &au->pk};
        ck_abe_ct ct;
        ck_gt s1, s2;
        memset(&ct, 0, sizeof ct);
        CHECK(ck_abe_encrypt(&ct, &s1, "doctor@hosp-a", pks, 2, epoch_of, NULL, NULL) == CK_ABE_OK &&
                  ck_abe_decrypt(&s2, &ct, &kb) == CK_ABE_ERR_UNSATISFIED &&
                  ck_abe_decrypt(&s2, &ct, ck_keyring_user_key(back)) == CK_ABE_OK && ck_gt_eq(&s1, &s2),
              "stored public keys encrypt");
        ck_abe_ct_free(&ct);
    }
    bytes = slurp(path, &len);
    CHECK(bytes && ck_keyring_file_kdf(&kdf, bytes, len) == CK_KEYRING_OK && kdf.log2_n == 10 && kdf.r == 8 &&
              kdf.p == 1,
          "header parameters");
    free(bytes);
    ck_keyring_free(back);
    back = NULL;

    /* wrong passphrase: a clear error, nothing returned */
    CHECK(ck_keyring_open(&back, path, "wrong", 5) == CK_KEYRING_ERR_PASSPHRASE && back == NULL,
          "wrong passphrase");
    CHECK(strcmp(ck_keyring_strerror(CK_KEYRING_ERR_PASSPHRASE), "wrong passphrase or damaged keyring") == 0,
          "message");
    CHECK(ck_keyring_open(&back, path, PASS, PL - 1) == CK_KEYRING_ERR_PASSPHRASE, "prefix of the passphrase");
    CHECK(ck_keyring_open(&back, path, "", 0) == CK_KEYRING_ERR_PASSPHRASE, "empty passphrase");

    /* passphrase change */
    CHECK(ck_keyring_change_passphrase(kr, "new pass", 8, NULL) == CK_KEYRING_OK, "change passphrase");
    CHECK(ck_keyring_open(&back, path, PASS, PL) == CK_KEYRING_ERR_PASSPHRASE, "old passphrase refused");
    CHECK(ck_keyring_open(&back, path, "new pass", 8) == CK_KEYRING_OK, "new passphrase opens");
    CHECK(back && ck_keyring_user_key(back)->n == 3, "contents kept");
    ck_keyring_free(back);
    back = NULL;
    CHECK(ck_keyring_change_passphrase(kr, "cheap", 5, &CK_KEYRING_KDF_MIN) == CK_KEYRING_OK, "change cost");
    bytes = slurp(path, &len);
    CHECK(bytes && ck_keyring_file_kdf(&kdf, bytes, len) == CK_KEYRING_OK && kdf.log2_n == 4 && kdf.r == 1,
          "new cost in header");
    free(bytes);
    {
        ck_keyring_kdf big = {21, 8, 1};
        CHECK(ck_keyring_change_passphrase(kr, "x", 1, &big) == CK_KEYRING_ERR_KDF, "cost limit");
        CHECK(ck_keyring_open(&back, path, "cheap", 5) == CK_KEYRING_OK, "failed change kept the file");
        ck_keyring_free(back);
        back = NULL;
    }
    ck_abe_user_key_free(&ka);
    ck_abe_user_key_free(&kb);
    ck_abe_user_key_free(&kc);
    ck_id_wipe(&bob);
    ck_keyring_free(kr);
}

/* Every flipped bit and every truncation of a small keyring fails cleanly. */
static void test_tamper(void)
{
    ck_keyring *kr = NULL, *back = NULL;
    ck_abe_user_key k;
    uint8_t *b = NULL;
    size_t len = 0;
    int bad = 0, wrong_code = 0;
    CHECK(ck_kr_new(&kr, &alice) == CK_KEYRING_OK, "new");
    issue(&k, "alice", &sk_a, "doctor@hosp-a");
    CHECK(ck_keyring_add_user_key(kr, &k) == CK_KEYRING_OK, "add");
    CHECK(ck_kr_set_passphrase(kr, "pw", 2, &CK_KEYRING_KDF_MIN) == CK_KEYRING_OK, "passphrase");
    CHECK(ck_keyring_encrypt(&b, &len, kr) == CK_KEYRING_OK, "encrypt");
    CHECK(ck_keyring_decrypt(&back, b, len, "pw", 2) == CK_KEYRING_OK, "decrypt");
    ck_keyring_free(back);
    back = NULL;
    for (size_t i = 0; i < 8 * len; i++) {
        ck_keyring_err e;
        b[i / 8] ^= (uint8_t)(1u << (i % 8));
        e = ck_keyring_decrypt(&back, b, len, "pw", 2);
        if (e == CK_KEYRING_OK) {
            bad++;
            ck_keyring_free(back);
            back = NULL;
        } else if (e != CK_KEYRING_ERR_PASSPHRASE && e != CK_KEYRING_ERR_FORMAT && e != CK_KEYRING_ERR_KDF &&
                   e != CK_KEYRING_ERR_LENGTH && e != CK_KEYRING_ERR_TOO_LARGE) {
            wrong_code++;
            fprintf(stderr, "bit %zu: %s\n", i, ck_keyring_strerror(e));
        }
        b[i / 8] ^= (uint8_t)(1u << (i % 8));
    }
    CHECK(bad == 0, "%d of %zu flipped bits opened", bad, 8 * len);
    CHECK(wrong_code == 0, "%d unexpected error codes", wrong_code);
    bad = 0;
    for (size_t n = 0; n < len; n++) {
        if (ck_keyring_decrypt(&back, b, n, "pw", 2) == CK_KEYRING_OK) {
            bad++;
            ck_keyring_free(back);
            back = NULL;
        }
    }
    CHECK(bad == 0, "%d truncations opened", bad);
    {
        uint8_t *longer = malloc(len + 1);
        memcpy(longer, b, len);
        longer[len] = 0;
        CHECK(ck_keyring_decrypt(&back, longer, len + 1, "pw", 2) == CK_KEYRING_ERR_LENGTH, "appended byte");
        free(longer);
    }
    {
        char path[512];
        pathf(path, sizeof path, "cut.ckr");
        CHECK(spit(path, b, len - 1) == 0 && ck_keyring_open(&back, path, "pw", 2) == CK_KEYRING_ERR_LENGTH,
              "truncated file");
        CHECK(spit(path, b, 0) == 0 && ck_keyring_open(&back, path, "pw", 2) == CK_KEYRING_ERR_LENGTH,
              "empty file");
        CHECK(spit(path, (const uint8_t *)"hello world", 11) == 0 &&
                  ck_keyring_open(&back, path, "pw", 2) == CK_KEYRING_ERR_FORMAT,
              "not a keyring");
        pathf(path, sizeof path, "missing.ckr");
        CHECK(ck_keyring_open(&back, path, "pw", 2) == CK_KEYRING_ERR_IO && errno == ENOENT, "missing file");
        CHECK(ck_keyring_open(&back, dir, "pw", 2) == CK_KEYRING_ERR_IO, "a directory");
    }
    /* costly parameters are refused before any work */
    b[6] = 21;
    CHECK(ck_keyring_decrypt(&back, b, len, "pw", 2) == CK_KEYRING_ERR_KDF, "N = 2^21 refused");
    b[6] = 4;
    b[10] ^= 64; /* r = 65 */
    CHECK(ck_keyring_decrypt(&back, b, len, "pw", 2) == CK_KEYRING_ERR_KDF, "r = 65 refused");
    ck_keyring_bytes_free(b, len);
    ck_abe_user_key_free(&k);
    ck_keyring_free(kr);
}

/* Body sections: unknown optional sections survive a save, unknown
 * critical ones are refused, the identity must come first. */
static void test_sections(void)
{
    ck_keyring *kr = NULL, *back = NULL;
    size_t n;
    uint8_t *body, *ext;
    static const uint8_t extra[] = {0x80, 0x42, 0, 0, 0, 3, 'a', 'b', 'c'};
    CHECK(ck_kr_new(&kr, &alice) == CK_KEYRING_OK, "new");
    n = ck_kr_body_encode(NULL, kr);
    body = malloc(n);
    ck_kr_body_encode(body, kr);
    ext = malloc(n + sizeof extra);
    memcpy(ext, body, n);
    memcpy(ext + n, extra, sizeof extra);
    back = ck_kr_alloc();
    CHECK(ck_kr_body_decode(back, ext, n + sizeof extra) == CK_KEYRING_OK, "optional section accepted");
    CHECK(back->n_extra == 1 && ck_kr_body_encode(NULL, back) == n + sizeof extra, "and kept");
    {
        uint8_t *again = malloc(n + sizeof extra);
        ck_kr_body_encode(again, back);
        CHECK(memcmp(again, ext, n + sizeof extra) == 0, "re-encoded verbatim");
        free(again);
    }
    ck_keyring_free(back);
    ext[n] = 0x00; /* tag 0x0042: unknown and critical */
    back = ck_kr_alloc();
    CHECK(ck_kr_body_decode(back, ext, n + sizeof extra) == CK_KEYRING_ERR_CONTENT, "critical section refused");
    ck_keyring_free(back);
    back = ck_kr_alloc();
    CHECK(ck_kr_body_decode(back, body + 0, 0) == CK_KEYRING_ERR_CONTENT, "empty body");
    ck_keyring_free(back);
    back = ck_kr_alloc();
    CHECK(ck_kr_body_decode(back, body, n - 1) == CK_KEYRING_ERR_CONTENT, "cut body");
    ck_keyring_free(back);
    back = ck_kr_alloc(); /* user key section first */
    {
        size_t idl = 6 + ((size_t)body[2] << 24 | (size_t)body[3] << 16 | (size_t)body[4] << 8 | body[5]);
        CHECK(ck_kr_body_decode(back, body + idl, n - idl) == CK_KEYRING_ERR_CONTENT, "identity not first");
    }
    ck_keyring_free(back);
    free(body);
    free(ext);
    ck_keyring_free(kr);
}

static void test_atomic(void)
{
    char path[512], sub[512], target[600];
    ck_keyring *kr = NULL, *back = NULL;
    ck_abe_user_key k;
    uint8_t *before, *after;
    size_t lb, la;
    struct rlimit old, small;

    pathf(path, sizeof path, "atomic.ckr");
    CHECK(ck_keyring_create(&kr, path, "pw", 2, &alice, &CK_KEYRING_KDF_MIN) == CK_KEYRING_OK, "create");
    before = slurp(path, &lb);

    /* the write fails halfway (file size limit, like a full disk) */
    issue(&k, "alice", &sk_a, "doctor@hosp-a");
    for (int i = 0; i < 40; i++) {
        char label[64];
        snprintf(label, sizeof label, "a%d@hosp-a", i);
        if (ck_abe_keygen(&k, &sk_a, label, 0) != CK_ABE_OK) break;
    }
    CHECK(ck_keyring_add_user_key(kr, &k) == CK_KEYRING_OK, "add");
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    small = old;
    small.rlim_cur = 1024;
    CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0, "setrlimit");
    CHECK(ck_keyring_save(kr) == CK_KEYRING_ERR_IO, "save fails when the write fails");
    setrlimit(RLIMIT_FSIZE, &old);
    after = slurp(path, &la);
    CHECK(la == lb && memcmp(before, after, lb) == 0, "old file untouched");
    CHECK(temporaries() == 0, "no temporary left");
    free(after);

    /* the directory does not exist */
    pathf(target, sizeof target, "nope/x.ckr");
    CHECK(ck_keyring_save_as(kr, target) == CK_KEYRING_ERR_IO, "missing directory");
    CHECK(strcmp(ck_keyring_path(kr), path) == 0, "path unchanged");

    /* the target is a directory */
    pathf(sub, sizeof sub, "adir");
    CHECK(mkdir(sub, 0700) == 0, "mkdir");
    CHECK(ck_keyring_save_as(kr, sub) == CK_KEYRING_ERR_IO, "target is a directory");
    CHECK(temporaries() == 0, "no temporary left");

    /* a read-only directory (only meaningful when not root) */
    if (geteuid() != 0) {
        pathf(sub, sizeof sub, "ro");
        snprintf(target, sizeof target, "%s/x.ckr", sub);
        CHECK(mkdir(sub, 0500) == 0, "mkdir ro");
        CHECK(ck_keyring_save_as(kr, target) == CK_KEYRING_ERR_IO, "read-only directory");
        CHECK(access(target, F_OK) != 0, "no file");
        chmod(sub, 0700);
    }

    CHECK(ck_keyring_save(kr) == CK_KEYRING_OK, "save succeeds again");
    CHECK(ck_keyring_open(&back, path, "pw", 2) == CK_KEYRING_OK && ck_keyring_user_key(back)->n == k.n,
          "new contents");
    ck_keyring_free(back);
    free(before);
    ck_abe_user_key_free(&k);
    ck_keyring_free(kr);
}

static void test_delivery(void)
{
    ck_keyring *kr = NULL;
    ck_abe_user_key k, wrong;
    uint8_t *box = NULL;
    size_t len = 0;
    ck_box_err be;
    CHECK(ck_kr_new(&kr, &alice) == CK_KEYRING_OK, "new");
    issue(&k, "alice", &sk_a, "doctor@hosp-a");
    CHECK(ck_keyring_delivery_seal(&box, &len, &k, alice.x25519_pk, "hosp-a", hosp.ed25519_sk) == CK_KEYRING_OK,
          "seal delivery");
    CHECK(ck_keyring_delivery_accept(kr, box, len, "hosp-b", hosp.ed25519_pk, &be) == CK_KEYRING_ERR_DELIVERY &&
              be == CK_BOX_ERR_SIGNATURE,
          "other authority name refused");
    CHECK(ck_keyring_delivery_accept(kr, box, len, "hosp-a", alice.ed25519_pk, &be) == CK_KEYRING_ERR_DELIVERY &&
              be == CK_BOX_ERR_SIGNATURE,
          "other signing key refused");
    box[len / 2] ^= 1;
    CHECK(ck_keyring_delivery_accept(kr, box, len, "hosp-a", hosp.ed25519_pk, &be) == CK_KEYRING_ERR_DELIVERY,
          "modified box refused");
    box[len / 2] ^= 1;
    CHECK(ck_keyring_user_key(kr)->n == 0, "nothing merged");
    CHECK(ck_keyring_delivery_accept(kr, box, len, "hosp-a", hosp.ed25519_pk, &be) == CK_KEYRING_OK &&
              be == CK_BOX_OK,
          "accepted");
    CHECK(ck_keyring_user_key(kr)->n == 1 && decrypts(ck_keyring_user_key(kr), "doctor@hosp-a"), "merged");
    ck_keyring_bytes_free(box, len);
    /* an authority delivering another authority's attribute */
    issue(&wrong, "alice", &sk_b, "md@board");
    CHECK(ck_keyring_delivery_seal(&box, &len, &wrong, alice.x25519_pk, "hosp-a", hosp.ed25519_sk) ==
              CK_KEYRING_OK,
          "seal");
    CHECK(ck_keyring_delivery_accept(kr, box, len, "hosp-a", hosp.ed25519_pk, &be) == CK_KEYRING_ERR_CONTENT,
          "foreign attribute refused");
    CHECK(ck_keyring_user_key(kr)->n == 1, "nothing merged");
    ck_keyring_bytes_free(box, len);
    ck_abe_user_key_free(&k);
    ck_abe_user_key_free(&wrong);
    ck_keyring_free(kr);
}

static void test_passphrase_sources(void)
{
    char buf[64], path[512];
    FILE *f;
    setenv("CAREKEY_PASSPHRASE", "from env", 1);
    CHECK(ck_keyring_passphrase_get("env", buf, sizeof buf) == CK_KEYRING_OK && strcmp(buf, "from env") == 0,
          "env");
    setenv("CK_OTHER", "other\n", 1);
    CHECK(ck_keyring_passphrase_get("env:CK_OTHER", buf, sizeof buf) == CK_KEYRING_OK && strcmp(buf, "other") == 0,
          "env:NAME");
    unsetenv("CK_OTHER");
    CHECK(ck_keyring_passphrase_get("env:CK_OTHER", buf, sizeof buf) == CK_KEYRING_ERR_NOT_FOUND, "unset");
    setenv("CK_OTHER", "", 1);
    CHECK(ck_keyring_passphrase_get("env:CK_OTHER", buf, sizeof buf) == CK_KEYRING_ERR_PARAM, "empty");
    CHECK(ck_keyring_passphrase_get("env", buf, 5) == CK_KEYRING_ERR_TOO_LARGE && buf[0] == 0, "too long");
    pathf(path, sizeof path, "pass.txt");
    f = fopen(path, "w");
    fputs("file pass\r\nsecond line\n", f);
    fclose(f);
    {
        char src[600];
        snprintf(src, sizeof src, "file:%s", path);
        CHECK(ck_keyring_passphrase_get(src, buf, sizeof buf) == CK_KEYRING_OK && strcmp(buf, "file pass") == 0,
              "file");
        snprintf(src, sizeof src, "file:%s/none", dir);
        CHECK(ck_keyring_passphrase_get(src, buf, sizeof buf) == CK_KEYRING_ERR_IO, "missing file");
    }
    CHECK(ck_keyring_passphrase_get("bogus", buf, sizeof buf) == CK_KEYRING_ERR_PARAM, "unknown source");
    if (access("/dev/tty", R_OK | W_OK) != 0 || !isatty(0)) {
        /* ctest runs without a terminal: prompting must fail cleanly */
        ck_keyring_err e = ck_keyring_passphrase_get("prompt", buf, sizeof buf);
        CHECK(e == CK_KEYRING_ERR_NO_TTY || e == CK_KEYRING_ERR_PARAM || e == CK_KEYRING_ERR_IO,
              "prompt without a terminal: %s", ck_keyring_strerror(e));
    }
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/ck-keyring-XXXXXX", base);
    if (!mkdtemp(dir) || ck_abe_authority_setup(&sk_a, &pk_a, "hosp-a") != CK_ABE_OK ||
        ck_abe_authority_setup(&sk_b, &pk_b, "board") != CK_ABE_OK || ck_id_create(&alice, "alice") != CK_ID_OK ||
        ck_id_create(&hosp, "hosp-a") != CK_ID_OK) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    test_roundtrip();
    test_tamper();
    test_sections();
    test_atomic();
    test_delivery();
    test_passphrase_sources();
    for (int e = CK_KEYRING_OK; e <= CK_KEYRING_ERR_CRYPTO; e++)
        CHECK(ck_keyring_strerror((ck_keyring_err)e)[0] != 0, "strerror %d", e);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", dir);
    }
    ck_abe_authority_sk_wipe(&sk_a);
    ck_abe_authority_sk_wipe(&sk_b);
    ck_id_wipe(&alice);
    ck_id_wipe(&hosp);
    TEST_MAIN_END();
}
