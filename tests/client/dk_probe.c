/*
 * tests/client/dk_probe.c - what a revoked person can still do with raw
 * entries and the data keys she kept (docs/THREAT-MODEL.md, "Revocation:
 * what it guarantees"; tests/client/care_test.sh, "revocation in the
 * hospital day"). Test code: it prints data keys, which nothing in carekey
 * ever does.
 *
 *   dk_probe SERVER FETCH_HOME PATIENT list
 *   dk_probe SERVER FETCH_HOME PATIENT keys OPEN_HOME
 *   dk_probe SERVER FETCH_HOME PATIENT try KEYS_FILE
 *                                    (passphrase: $CAREKEY_PASSPHRASE)
 *
 * The raw entries of PATIENT's record are fetched with FETCH_HOME's
 * identity: the person herself while she may read, or anyone else playing
 * a hostile server that hands her the chain after her access ended.
 * Nothing is verified: the probe is the attacker.
 *
 *   list   one line per entry: "SEQ AUTHOR SECTION KIND BODY SUPERSEDES
 *          ENTRY_ID", KIND data/grant/commit/profile/tombstone/-, BODY
 *          "body" or "dropped" (the server sends no envelope any more)
 *   keys   for every DATA entry with a body: "SEQ SECTION ENTRY_ID KEY",
 *          KEY the data key in hex when OPEN_HOME's attribute keys unwrap
 *          it (ck_seal_unwrap_key), "-" when they do not
 *   try    for every DATA entry with a body: "SEQ SECTION opened" when one
 *          of the data keys in KEYS_FILE (lines of 'keys') decrypts its
 *          payload (ck_seal_open_with_key), "SEQ SECTION sealed" otherwise
 *
 * Exit 0 when the probe ran, 1 on any failure to fetch or load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/record.h"

#define MAX_KEYS 4096

typedef struct {
    ck_net_entry *e;
    size_t n;
} chain;

static ck_keyring *open_keyring(const char *home)
{
    char path[4096], pass[CK_KEYRING_PASSPHRASE_MAX + 1];
    ck_keyring *kr = NULL;
    snprintf(path, sizeof path, "%s/keyring.ckr", home);
    if (ck_keyring_passphrase_get("env", pass, sizeof pass) != CK_KEYRING_OK ||
        ck_keyring_open(&kr, path, pass, strlen(pass)) != CK_KEYRING_OK) {
        fprintf(stderr, "dk_probe: cannot open %s\n", path);
        kr = NULL;
    }
    OPENSSL_cleanse(pass, sizeof pass);
    return kr;
}

/* Every entry of patient, fetched page by page as the keyring's identity. */
static int fetch(chain *ch, const char *server, ck_keyring *kr, const char *patient)
{
    ck_net *n = NULL;
    ck_net_opts o;
    uint64_t since = 0;
    int more = 1, rc = -1;
    memset(&o, 0, sizeof o);
    memset(ch, 0, sizeof *ch);
    o.url = server;
    if (ck_net_open(&n, &o) != 0 ||
        ck_net_set_identity(n, ck_keyring_identity(kr)->gid, ck_keyring_identity(kr)->ed25519_sk) != 0)
        goto out;
    while (more) {
        ck_net_entry *page = NULL, *all;
        size_t k = 0;
        if (ck_net_entries(n, patient, since, 500, &page, &k, &more) != 0) {
            fprintf(stderr, "dk_probe: fetching %s's entries: %ld %s\n", patient, ck_net_status(n),
                    ck_net_error_code(n) ? ck_net_error_code(n) : "");
            goto out;
        }
        if (!(all = realloc(ch->e, (ch->n + k + 1) * sizeof *all))) {
            ck_net_entries_free(page, k);
            goto out;
        }
        ch->e = all;
        memcpy(ch->e + ch->n, page, k * sizeof *page);   /* the page's buffers move over */
        ch->n += k;
        free(page);
        if (k) since = ch->e[ch->n - 1].seq;
        else more = 0;
    }
    rc = 0;
out:
    ck_net_close(n);
    return rc;
}

static const char *kind_name(const ck_net_entry *e, ck_rec_container *c)
{
    if (!e->envelope || ck_rec_container_decode(c, e->envelope, e->envelope_len) != CK_REC_OK) return "-";
    switch (c->kind) {
    case CK_REC_KIND_DATA: return "data";
    case CK_REC_KIND_GRANT: return "grant";
    case CK_REC_KIND_COMMIT: return "commit";
    case CK_REC_KIND_PROFILE: return "profile";
    case CK_REC_KIND_TOMBSTONE: return "tombstone";
    }
    return "-";
}

static void list(const chain *ch)
{
    for (size_t i = 0; i < ch->n; i++) {
        const ck_net_entry *e = &ch->e[i];
        ck_rec_container c;
        char id[2 * CK_REC_ID_BYTES + 1] = "-";
        const char *kind;
        memset(&c, 0, sizeof c);
        kind = kind_name(e, &c);
        if (strcmp(kind, "-") != 0) ck_net_hex(id, c.entry_id, CK_REC_ID_BYTES);
        printf("%llu %s %s %s %s %llu %s\n", (unsigned long long)e->seq, e->author, e->section, kind,
               e->envelope ? "body" : "dropped", (unsigned long long)c.supersedes, id);
    }
}

/* The envelope of DATA entry e with its associated data; NULL otherwise. */
static ck_seal_env *data_env(const ck_net_entry *e, const char *patient, uint8_t ad[CK_REC_AD_MAX], size_t *ad_len,
                             char id_hex[2 * CK_REC_ID_BYTES + 1])
{
    ck_rec_container c;
    ck_seal_env *env = NULL;
    if (!e->envelope || ck_rec_container_decode(&c, e->envelope, e->envelope_len) != CK_REC_OK ||
        c.kind != CK_REC_KIND_DATA || ck_seal_decode(&env, c.body, c.body_len) != CK_SEAL_OK)
        return NULL;
    *ad_len = ck_rec_ad(ad, patient, e->section, e->resource_type, c.entry_id);
    ck_net_hex(id_hex, c.entry_id, CK_REC_ID_BYTES);
    return env;
}

static void keys(const chain *ch, const char *patient, ck_keyring *kr)
{
    for (size_t i = 0; i < ch->n; i++) {
        uint8_t ad[CK_REC_AD_MAX], dk[CK_SEAL_KEY_BYTES];
        char id[2 * CK_REC_ID_BYTES + 1], hex[2 * CK_SEAL_KEY_BYTES + 1];
        size_t ad_len = 0;
        ck_seal_env *env = data_env(&ch->e[i], patient, ad, &ad_len, id);
        if (!env) continue;
        if (ck_seal_unwrap_key(dk, env, ck_keyring_user_key(kr), ad, ad_len) == CK_SEAL_OK) {
            ck_net_hex(hex, dk, sizeof dk);
            printf("%llu %s %s %s\n", (unsigned long long)ch->e[i].seq, ch->e[i].section, id, hex);
        } else {
            printf("%llu %s %s -\n", (unsigned long long)ch->e[i].seq, ch->e[i].section, id);
        }
        OPENSSL_cleanse(dk, sizeof dk);
        OPENSSL_cleanse(hex, sizeof hex);
        ck_seal_env_free(env);
    }
}

/* The data keys of a 'keys' listing (lines ending in a key). */
static size_t load_keys(const char *path, uint8_t (*out)[CK_SEAL_KEY_BYTES])
{
    char line[512];
    size_t n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    while (n < MAX_KEYS && fgets(line, sizeof line, f)) {
        char *sp;
        line[strcspn(line, "\r\n")] = 0;
        if ((sp = strrchr(line, ' ')) && ck_net_unhex(out[n], CK_SEAL_KEY_BYTES, sp + 1) == 0) n++;
    }
    OPENSSL_cleanse(line, sizeof line);
    fclose(f);
    return n;
}

static int try_keys(const chain *ch, const char *patient, const char *keys_file)
{
    uint8_t (*dks)[CK_SEAL_KEY_BYTES] = calloc(MAX_KEYS, CK_SEAL_KEY_BYTES);
    size_t n_keys;
    if (!dks) return -1;
    n_keys = load_keys(keys_file, dks);
    fprintf(stderr, "dk_probe: %zu data keys from %s\n", n_keys, keys_file);
    for (size_t i = 0; i < ch->n; i++) {
        uint8_t ad[CK_REC_AD_MAX], *pt;
        char id[2 * CK_REC_ID_BYTES + 1];
        size_t ad_len = 0, len;
        int opened = 0;
        ck_seal_env *env = data_env(&ch->e[i], patient, ad, &ad_len, id);
        if (!env) continue;
        len = ck_seal_env_payload_len(env, 0);
        if ((pt = malloc(len ? len : 1))) {
            for (size_t k = 0; k < n_keys && !opened; k++)
                opened = ck_seal_open_with_key(env, dks[k], ad, ad_len, &pt) == CK_SEAL_OK;
            OPENSSL_cleanse(pt, len);
            free(pt);
        }
        printf("%llu %s %s\n", (unsigned long long)ch->e[i].seq, ch->e[i].section, opened ? "opened" : "sealed");
        ck_seal_env_free(env);
    }
    OPENSSL_cleanse(dks, (size_t)MAX_KEYS * CK_SEAL_KEY_BYTES);
    free(dks);
    return 0;
}

int main(int argc, char **argv)
{
    ck_keyring *fetcher = NULL, *opener = NULL;
    chain ch = {NULL, 0};
    int rc = 1;
    if (argc < 5 || (!strcmp(argv[4], "list") ? argc != 5 : argc != 6) ||
        (strcmp(argv[4], "list") && strcmp(argv[4], "keys") && strcmp(argv[4], "try"))) {
        fprintf(stderr, "usage: dk_probe SERVER FETCH_HOME PATIENT list | keys OPEN_HOME | try KEYS_FILE\n");
        return 2;
    }
    if (!(fetcher = open_keyring(argv[2])) || fetch(&ch, argv[1], fetcher, argv[3]) != 0) goto out;
    if (!strcmp(argv[4], "list")) {
        list(&ch);
    } else if (!strcmp(argv[4], "keys")) {
        if (!(opener = open_keyring(argv[5]))) goto out;
        keys(&ch, argv[3], opener);
    } else if (try_keys(&ch, argv[3], argv[5]) != 0) {
        goto out;
    }
    rc = 0;
out:
    ck_net_entries_free(ch.e, ch.n);
    ck_keyring_free(opener);
    ck_keyring_free(fetcher);
    return rc;
}
