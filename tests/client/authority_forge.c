/*
 * tests/client/authority_forge.c - what an attacker (or a replaying server)
 * could put in a mailbox, for tests/client/authority_test.sh; plus
 * encryption at given epochs, which `carekey abe encrypt` does not offer.
 *
 *   authority_forge HOME SERVER MODE ARGS...   (passphrase: $CAREKEY_PASSPHRASE)
 *
 *   impostor SENDER VICTIM GID LABEL   a key for VICTIM's LABEL made with a rogue
 *                                      VICTIM secret, sealed as from VICTIM but
 *                                      signed and deposited by SENDER
 *   foreign SENDER GID LABEL           SENDER (honestly signed) delivers a key for
 *                                      another authority's LABEL (rogue secret)
 *   flip AUTH GID LABEL EPOCH          a genuine delivery with one byte flipped
 *   misaddressed AUTH GID OTHER LABEL  a genuine key for OTHER, sealed to GID
 *   stale AUTH GID LABEL EPOCH         a genuine delivery at an old EPOCH (replay)
 *   encrypt EPOCHS POLICY IN OUT APK...  envelope at the epochs of the JSON EPOCHS
 *
 * HOME is the operator's home (keyring.ckr) holding the authorities' secrets.
 * Exit 0 when the message was deposited / the file written.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/seal.h"

static ck_keyring *kr;
static const char *server;

static int die(const char *what)
{
    fprintf(stderr, "authority_forge: %s\n", what);
    return 1;
}

static const ck_keyring_authority_secret *secret(const char *name)
{
    const ck_keyring_authority_secret *s = ck_keyring_authority_sk_find(kr, name);
    if (!s || !s->has_signing) fprintf(stderr, "authority_forge: no authority %s in the keyring\n", name);
    return s;
}

static ck_net *net_as(const ck_keyring_authority_secret *s)
{
    ck_net_opts o = {server, NULL, 0};
    char caller[128];
    ck_net *n = NULL;
    snprintf(caller, sizeof caller, "authority:%s", s->sk.name);
    if (ck_net_open(&n, &o) != 0 || ck_net_set_identity(n, caller, s->signing_sk) != 0) return NULL;
    return n;
}

/* Seals key to `to` with AD (sender_name, ad_gid), signed by signer; sends
 * it as `via` to mailbox `to`. flip: flips a byte of the box first. */
static int send_key(const ck_abe_user_key *key, const char *to, const char *sender_name,
                    const ck_keyring_authority_secret *signer, const ck_keyring_authority_secret *via, int flip)
{
    ck_net *n = net_as(via);
    ck_net_user u;
    uint8_t *box = NULL;
    size_t len = 0;
    int rc = 1;
    if (!n || ck_net_user_get(n, to, &u) != 0) goto out;
    if (ck_keyring_delivery_seal(&box, &len, key, u.x25519, sender_name, signer->signing_sk) != CK_KEYRING_OK)
        goto out;
    if (flip) box[len / 2] ^= 0x01;
    if (ck_net_mail_send(n, to, "key-delivery", box, len, NULL) != 0) goto out;
    rc = 0;
out:
    if (rc) fprintf(stderr, "authority_forge: sending failed (%ld %s)\n", n ? ck_net_status(n) : 0L,
                    n ? ck_net_error_code(n) : "");
    ck_keyring_bytes_free(box, len);
    ck_net_close(n);
    return rc;
}

/* A key for gid with label at epoch, made with sk. */
static int make_key(ck_abe_user_key *key, const char *gid, const ck_abe_authority_sk *sk, const char *label,
                    uint32_t epoch)
{
    return ck_abe_user_key_init(key, gid) != CK_ABE_OK || ck_abe_keygen(key, sk, label, epoch) != CK_ABE_OK;
}

static int rogue_sk(ck_abe_authority_sk *sk, const char *name)
{
    ck_abe_authority_pk pk;
    return ck_abe_authority_setup(sk, &pk, name) != CK_ABE_OK;
}

static uint32_t epoch_of(void *ctx, const char *label)
{
    json_t *v = json_object_get((json_t *)ctx, label);
    return json_is_integer(v) ? (uint32_t)json_integer_value(v) : 0;
}

static int encrypt(int argc, char **argv)
{
    json_t *ep = json_loads(argv[0], 0, NULL);
    ck_abe_authority_pk pks[8];
    const ck_abe_authority_pk *pkp[8];
    size_t n = 0, in_len = 0, out_len = 0;
    uint8_t buf[1 << 16], *env = NULL;
    FILE *f;
    int rc = 1;
    if (!ep || argc < 5 || argc > 12) return die("encrypt EPOCHS POLICY IN OUT APK...");
    for (int i = 4; i < argc; i++, n++) {
        uint8_t raw[4096];
        size_t rl;
        if (!(f = fopen(argv[i], "rb"))) return die("cannot read an .apk");
        rl = fread(raw, 1, sizeof raw, f);
        fclose(f);
        if (ck_abe_authority_pk_decode(&pks[n], raw, rl) != CK_ABE_OK) return die("bad .apk");
        pkp[n] = &pks[n];
    }
    if (!(f = fopen(argv[2], "rb"))) return die("cannot read IN");
    in_len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    {
        ck_seal_policy pol = {argv[1], pkp, n, epoch_of, ep};
        ck_seal_input in = {buf, in_len};
        if (ck_seal(&env, &out_len, &pol, &in, 1, NULL, 0, NULL) != CK_SEAL_OK) goto out;
    }
    if (!(f = fopen(argv[3], "wb"))) goto out;
    rc = fwrite(env, 1, out_len, f) != out_len;
    rc |= fclose(f) != 0;
out:
    ck_seal_free(env);
    json_decref(ep);
    return rc ? die("encrypt failed") : 0;
}

int main(int argc, char **argv)
{
    char path[4096];
    const char *pass = getenv("CAREKEY_PASSPHRASE"), *mode;
    const ck_keyring_authority_secret *a;
    ck_abe_authority_sk rsk;
    ck_abe_user_key key;
    uint32_t epoch = 0;
    int rc = 1;

    if (argc < 4 || !pass) return die("usage: authority_forge HOME SERVER MODE ARGS (CAREKEY_PASSPHRASE set)");
    server = argv[2];
    mode = argv[3];
    argc -= 4;
    argv += 4;
    if (strcmp(mode, "encrypt") == 0) return encrypt(argc, argv);
    snprintf(path, sizeof path, "%s/keyring.ckr", argv[-3]);
    if (ck_keyring_open(&kr, path, pass, strlen(pass)) != CK_KEYRING_OK) return die("cannot open the keyring");
    memset(&key, 0, sizeof key);
    if (strcmp(mode, "impostor") == 0 && argc == 4) {
        /* victim's name in the AD and labels, sender's signature and login */
        if (!(a = secret(argv[0])) || rogue_sk(&rsk, argv[1]) || make_key(&key, argv[2], &rsk, argv[3], 0)) goto out;
        rc = send_key(&key, argv[2], argv[1], a, a, 0);
    } else if (strcmp(mode, "foreign") == 0 && argc == 3) {
        const char *at = strrchr(argv[2], '@');
        if (!at || !(a = secret(argv[0])) || rogue_sk(&rsk, at + 1) || make_key(&key, argv[1], &rsk, argv[2], 0))
            goto out;
        rc = send_key(&key, argv[1], argv[0], a, a, 0);
    } else if ((strcmp(mode, "flip") == 0 || strcmp(mode, "stale") == 0) && argc == 4) {
        epoch = (uint32_t)strtoul(argv[3], NULL, 10);
        if (!(a = secret(argv[0])) || make_key(&key, argv[1], &a->sk, argv[2], epoch)) goto out;
        rc = send_key(&key, argv[1], argv[0], a, a, mode[0] == 'f');
    } else if (strcmp(mode, "misaddressed") == 0 && argc == 4) {
        /* a key for OTHER sealed to GID's X25519 key, in GID's mailbox */
        ck_net *n;
        ck_net_user u;
        uint8_t *box = NULL;
        size_t len = 0;
        if (!(a = secret(argv[0])) || make_key(&key, argv[2], &a->sk, argv[3], 0) || !(n = net_as(a))) goto out;
        if (ck_net_user_get(n, argv[1], &u) == 0 &&
            ck_keyring_delivery_seal(&box, &len, &key, u.x25519, argv[0], a->signing_sk) == CK_KEYRING_OK &&
            ck_net_mail_send(n, argv[1], "key-delivery", box, len, NULL) == 0)
            rc = 0;
        ck_keyring_bytes_free(box, len);
        ck_net_close(n);
    } else {
        die("unknown mode or wrong arguments");
    }
out:
    ck_abe_user_key_free(&key);
    ck_keyring_free(kr);
    return rc;
}
