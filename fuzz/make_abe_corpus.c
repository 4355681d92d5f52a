/*
 * fuzz/make_abe_corpus.c - writes the seed corpora of the ABE and envelope
 * fuzz targets: valid encodings of several shapes, and from each some
 * truncations, extensions, bad magic/version and bit flips (outside and
 * inside group elements).  Usage: make_abe_corpus DIR (DIR/fuzz_abe_ct/...).
 * File names are <kind>-<n>; the contents are random (fresh keys), so a
 * rerun replaces the files rather than adding to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/abe.h"
#include "carekey/seal.h"
#include "ec_util.h"

static const char *root;
static unsigned seq;

static void put(const char *target, const char *kind, const uint8_t *b, size_t n)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s-%03u", root, target, kind, seq++);
    if (!(f = fopen(path, "wb")) || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* The valid encoding and a handful of mutants of it. point_at: an offset
 * inside a group element (or 0). */
/* Headers with elements on the curves but outside the groups (row 0's C2
 * plus a point of order 3, row 0's C4 off G2): the strict decoder refuses
 * them, the decoder for decryption keeps them. */
static void off_group(const char *target, ck_abe_ct *ct, uint8_t *buf, size_t n)
{
    ck_abe_row saved = ct->row[0];
    ck_g1 t;
    tu_g1_order3(&t);
    ck_g1_add(&ct->row[0].c2, &ct->row[0].c2, &t);
    ck_abe_ct_encode(buf, ct);
    put(target, "off-g1", buf, n);
    ct->row[0] = saved;
    tu_g2_on_twist(&ct->row[0].c4);
    ck_abe_ct_encode(buf, ct);
    put(target, "off-g2", buf, n);
    ct->row[0] = saved;
}

static void family(const char *target, const uint8_t *b, size_t n, size_t point_at)
{
    uint8_t *t = malloc(n + 8);
    put(target, "valid", b, n);
    put(target, "trunc", b, n / 2);
    put(target, "trunc", b, n - 1);
    put(target, "trunc", b, 5);
    memcpy(t, b, n);
    memset(t + n, 0, 8);
    put(target, "trailing", t, n + 1);
    t[0] ^= 1;
    put(target, "magic", t, n);
    t[0] ^= 1;
    t[4] = 2;
    put(target, "version", t, n);
    t[4] = b[4];
    t[5] ^= 0x80;
    put(target, "flip", t, n);
    t[5] ^= 0x80;
    if (point_at) {
        t[point_at] ^= 1;
        put(target, "point", t, n);
        t[point_at] ^= 1;
    }
    t[n - 1] ^= 1;
    put(target, "flip-last", t, n);
    free(t);
}

int main(int argc, char **argv)
{
    static const char *const names[3] = {"hosp-a", "hosp-b", "board"};
    static const char *const policies[] = {
        "doctor@hosp-a",
        "doctor@hosp-a and er@hosp-b",
        "doctor@hosp-a or er@hosp-b and md@board",
        "2 of (doctor@hosp-a, er@hosp-b, md@board)",
        "\"Primary Care\"@hosp-a or nurse@hosp-b",
        "level@hosp-a >= 4294967295",
    };
    ck_abe_authority_sk sk[3];
    ck_abe_authority_pk pk[3];
    const ck_abe_authority_pk *pks[3];
    uint8_t buf[65536];
    size_t n;

    if (argc != 2) {
        fprintf(stderr, "usage: make_abe_corpus DIR\n");
        return 2;
    }
    root = argv[1];
    for (int i = 0; i < 3; i++) {
        if (ck_abe_authority_setup(&sk[i], &pk[i], names[i]) != CK_ABE_OK) return 1;
        pks[i] = &pk[i];
        n = ck_abe_authority_pk_encode(buf, &pk[i]);
        family("fuzz_abe_authority_pk", buf, n, n - 3);
        n = ck_abe_authority_sk_encode(buf, &sk[i]);
        family("fuzz_abe_authority_sk", buf, n, 0);
    }
    {   /* zero / >= r scalars, identity points */
        n = ck_abe_authority_sk_encode(buf, &sk[0]);
        memset(buf + n - 32, 0, 32);
        put("fuzz_abe_authority_sk", "zero-y", buf, n);
        memset(buf + n - 32, 0xff, 32);
        put("fuzz_abe_authority_sk", "big-y", buf, n);
        n = ck_abe_authority_pk_encode(buf, &pk[0]);
        memset(buf + 12, 0, 288);
        put("fuzz_abe_authority_pk", "gt-one", buf, n);
    }
    {   /* user keys: empty, one attribute, several authorities, numeric */
        ck_abe_user_key k;
        char bits[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
        if (ck_abe_user_key_init(&k, "patient:0042") != CK_ABE_OK) return 1;
        n = ck_abe_user_key_encode(buf, &k);
        family("fuzz_abe_user_key", buf, n, 0);
        if (ck_abe_keygen(&k, &sk[0], "doctor@hosp-a", 0) != CK_ABE_OK) return 1;
        n = ck_abe_user_key_encode(buf, &k);
        family("fuzz_abe_user_key", buf, n, n - 60);
        if (ck_abe_keygen(&k, &sk[1], "er@hosp-b", 3) != CK_ABE_OK) return 1;
        if (ck_abe_keygen(&k, &sk[2], "md@board", 0) != CK_ABE_OK) return 1;
        n = ck_abe_user_key_encode(buf, &k);
        family("fuzz_abe_user_key", buf, n, n - 1);
        if (ck_policy_numeric_attrs(bits, "level@hosp-a", 12, 3, NULL) != CK_POLICY_OK) return 1;
        for (int i = 0; i < 4; i++)
            if (ck_abe_keygen(&k, &sk[0], bits[i], 0) != CK_ABE_OK) return 1;
        n = ck_abe_user_key_encode(buf, &k);
        put("fuzz_abe_user_key", "valid", buf, n);
        ck_abe_user_key_free(&k);
    }
    for (size_t p = 0; p < sizeof policies / sizeof *policies; p++) {
        ck_abe_ct ct;
        ck_gt z;
        uint8_t *env;
        size_t env_len;
        static const uint8_t msg[] = "allergies: penicillin";
        ck_seal_input in[2] = {{msg, sizeof msg}, {msg, 3}};
        ck_seal_policy pol = {policies[p], pks, 3, NULL, NULL};
        if (ck_abe_encrypt(&ct, &z, policies[p], pks, 3, NULL, NULL, NULL) != CK_ABE_OK) return 1;
        n = ck_abe_ct_encode(NULL, &ct);
        if (n <= sizeof buf) {
            ck_abe_ct_encode(buf, &ct);
            family("fuzz_abe_ct", buf, n, n - 100);
            off_group("fuzz_abe_ct", &ct, buf, n);
        }
        ck_abe_ct_free(&ct);
        if (n > 4000) continue;   /* keep envelope seeds small */
        if (ck_seal(&env, &env_len, &pol, in, 1 + (p % 2), (const uint8_t *)"ad", 2, NULL) != CK_SEAL_OK) return 1;
        family("fuzz_seal_envelope", env, env_len, 9 + n - 100);
        ck_seal_free(env);
    }
    for (int i = 0; i < 3; i++) ck_abe_authority_sk_wipe(&sk[i]);
    printf("wrote %u files under %s\n", seq, root);
    return 0;
}
