/*
 * Writes the seed corpora of fuzz_keyring and fuzz_sealbox (valid inputs
 * plus truncated, extended, bit-flipped and header variants):
 *   build/fuzz/make_keyring_corpus fuzz/corpus
 * Keys match the constants in fuzz_keyring.c / fuzz_sealbox.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/keyring.h"
#include "seal/keyring_internal.h"

static const char *root;
static int count;

static void emit(const char *target, const char *name, const uint8_t *b, size_t len)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", root, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s-%03d", root, target, name, count++);
    if (!(f = fopen(path, "wb")) || fwrite(b, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
}

/* valid, truncations, appended bytes, flipped bits */
static void variants(const char *target, const uint8_t *b, size_t len, size_t hdr)
{
    uint8_t *t = malloc(len + 4);
    size_t cuts[] = {0, 3, 4, 5, hdr - 1, hdr, hdr + 1, len / 2, len - 1};
    size_t flips[] = {0, 4, 5, 6, 8, 14, 20, hdr - 1, hdr, len / 2, len - 1};
    emit(target, "valid", b, len);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        if (cuts[i] < len) emit(target, "trunc", b, cuts[i]);
    memcpy(t, b, len);
    memset(t + len, 0, 4);
    emit(target, "trailing", t, len + 1);
    emit(target, "trailing", t, len + 4);
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        if (flips[i] >= len) continue;
        memcpy(t, b, len);
        t[flips[i]] ^= 0x01;
        emit(target, "flip", t, len);
    }
    memcpy(t, b, len);
    t[0] ^= 0x20;
    emit(target, "magic", t, len);
    memcpy(t, b, len);
    t[4] = 2;
    emit(target, "version", t, len);
    free(t);
}

static void keyrings(void)
{
    ck_identity id, peer;
    ck_abe_authority_sk ska, skb;
    ck_abe_authority_pk pka, pkb;
    ck_abe_user_key k;
    ck_keyring *kr = NULL, *kx;
    uint8_t seed[32], *file, *body, *ext, *t;
    size_t len, n;
    static const uint8_t extra[] = {0x80, 0x01, 0, 0, 0, 2, 'o', 'k'};
    memset(seed, 9, 32);
    if (ck_id_create(&id, "alice") || ck_id_create(&peer, "bob") ||
        ck_abe_authority_setup(&ska, &pka, "hosp-a") || ck_abe_authority_setup(&skb, &pkb, "board") ||
        ck_abe_user_key_init(&k, "alice") || ck_abe_keygen(&k, &ska, "doctor@hosp-a", 1) ||
        ck_abe_keygen(&k, &skb, "md@board", 0) || ck_kr_new(&kr, &id) || ck_kr_set_passphrase(kr, "fuzz", 4, &CK_KEYRING_KDF_MIN)) {
        fprintf(stderr, "setup failed\n");
        exit(1);
    }
    /* identity only */
    if (ck_keyring_encrypt(&file, &len, kr)) exit(1);
    variants("fuzz_keyring", file, len, CK_KEYRING_HEADER_BYTES);
    ck_keyring_bytes_free(file, len);
    /* everything, plus an unknown optional section */
    if (ck_keyring_add_user_key(kr, &k) || ck_keyring_add_authority_sk(kr, &ska, seed) ||
        ck_keyring_add_authority_sk(kr, &skb, NULL) ||
        ck_keyring_set_peer(kr, "bob", peer.ed25519_pk, peer.x25519_pk) ||
        ck_keyring_set_authority(kr, &pka, seed))
        exit(1);
    n = ck_kr_body_encode(NULL, kr);
    body = malloc(n + sizeof extra);
    ck_kr_body_encode(body, kr);
    memcpy(body + n, extra, sizeof extra);
    kx = ck_kr_alloc();
    if (ck_kr_body_decode(kx, body, n + sizeof extra)) exit(1);
    emit("fuzz_keyring", "body", body, n + sizeof extra);
    emit("fuzz_keyring", "body-trunc", body, n / 2);
    ext = malloc(n + sizeof extra);
    memcpy(ext, body, n + sizeof extra);
    ext[n] = 0;
    emit("fuzz_keyring", "body-critical", ext, n + sizeof extra);
    free(ext);
    kx->kdf = kr->kdf;
    memcpy(kx->salt, kr->salt, sizeof kx->salt);
    memcpy(kx->key, kr->key, sizeof kx->key);
    kx->has_key = 1;
    if (ck_keyring_encrypt(&file, &len, kx)) exit(1);
    variants("fuzz_keyring", file, len, CK_KEYRING_HEADER_BYTES);
    t = malloc(len);
    memcpy(t, file, len);
    t[6] = 21;
    emit("fuzz_keyring", "costly-n", t, len);
    memcpy(t, file, len);
    t[5] = 2;
    emit("fuzz_keyring", "kdf-id", t, len);
    memcpy(t, file, len);
    t[44] ^= 0x80; /* body length */
    emit("fuzz_keyring", "length", t, len);
    free(t);
    ck_keyring_bytes_free(file, len);
    free(body);
    ck_keyring_free(kx);
    ck_keyring_free(kr);
    ck_abe_user_key_free(&k);
}

static void boxes(void)
{
    ck_identity rcpt;
    uint8_t ed[32], x[32], s[32], ad[CK_BOX_AD_MAX], *pt, *box;
    ck_abe_authority_sk ska;
    ck_abe_authority_pk pka;
    ck_abe_user_key k;
    size_t ad_len, n, bl;
    memset(ed, 0x11, 32);
    memset(x, 0x22, 32);
    memset(s, 0x33, 32);
    if (ck_id_from_secret(&rcpt, "alice", ed, x) || ck_abe_authority_setup(&ska, &pka, "hosp-a") ||
        ck_abe_user_key_init(&k, "alice") || ck_abe_keygen(&k, &ska, "doctor@hosp-a", 1))
        exit(1);
    ad_len = ck_box_delivery_ad(ad, sizeof ad, "authority:hosp-a", "alice");
    n = ck_abe_user_key_encode(NULL, &k);
    pt = malloc(n);
    ck_abe_user_key_encode(pt, &k);
    box = malloc(CK_BOX_LEN(n));
    if (ck_box_seal(box, CK_BOX_LEN(n), &bl, pt, n, rcpt.x25519_pk, s, ad, ad_len)) exit(1);
    variants("fuzz_sealbox", box, bl, CK_BOX_HEADER_BYTES);
    if (ck_box_seal(box, CK_BOX_LEN(n), &bl, NULL, 0, rcpt.x25519_pk, s, ad, ad_len)) exit(1);
    variants("fuzz_sealbox", box, bl, CK_BOX_HEADER_BYTES);
    free(pt);
    free(box);
    ck_abe_user_key_free(&k);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    keyrings();
    boxes();
    printf("wrote %d inputs\n", count);
    return 0;
}
