/*
 * src/cli/abe.c - `carekey abe`: cpabe-style file tools over the
 * multi-authority ABE scheme and the envelope.
 *
 *   setup-authority NAME [--out-dir DIR]       NAME.apk (public), NAME.ask (secret)
 *   keygen --authority-key F.ask --gid GID --attr A [--attr B ...] [--epoch N] --out KEY [--merge]
 *   encrypt --policy P --pk A.apk [--pk B.apk ...] [--ad S] IN OUT
 *   decrypt --key KEY [--ad S] IN OUT
 *   inspect FILE
 *
 * Files hold the binary encodings of docs/FORMAT.md as they are. Secrets
 * (authority secrets, user keys, plaintexts) are wiped after use and never
 * printed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "carekey/abe.h"
#include "carekey/seal.h"
#include "cli/cli.h"

#define KEY_FILE_MAX ((size_t)64 << 20)    /* keys: 64 MiB is far beyond any real key */
#define DATA_FILE_MAX ((size_t)4 << 30)    /* files to encrypt / decrypt: 4 GiB */
#define MAX_PKS 64
#define MAX_ATTRS 1024

/* Reads path and decodes it with decode; what names the kind for messages.
 * The buffer is wiped: key files may hold secrets. */
static int read_decoded(const char *cmd, const char *path, const char *what,
                        ck_abe_err (*decode)(void *out, const uint8_t *in, size_t len), void *out)
{
    uint8_t *b;
    size_t n;
    ck_abe_err e;
    int rc = cli_read_file(cmd, path, KEY_FILE_MAX, &b, &n);
    if (rc != CLI_OK) return rc;
    e = decode(out, b, n);
    cli_free_secret(b, n);
    if (e != CK_ABE_OK) {
        cli_error(cmd, "'%s' is not a valid %s: %s", path, what, ck_abe_strerror(e));
        return CLI_FAIL;
    }
    return CLI_OK;
}

static ck_abe_err decode_pk(void *o, const uint8_t *in, size_t n) { return ck_abe_authority_pk_decode(o, in, n); }
static ck_abe_err decode_sk(void *o, const uint8_t *in, size_t n) { return ck_abe_authority_sk_decode(o, in, n); }
static ck_abe_err decode_uk(void *o, const uint8_t *in, size_t n) { return ck_abe_user_key_decode(o, in, n); }

static int read_pk(const char *cmd, const char *path, ck_abe_authority_pk *pk)
{
    return read_decoded(cmd, path, "authority public key", decode_pk, pk);
}

static int read_sk(const char *cmd, const char *path, ck_abe_authority_sk *sk)
{
    return read_decoded(cmd, path, "authority secret key", decode_sk, sk);
}

static int read_user_key(const char *cmd, const char *path, ck_abe_user_key *key)
{
    return read_decoded(cmd, path, "user key", decode_uk, key);
}

static int write_user_key(const char *cmd, const char *path, const ck_abe_user_key *key, int no_clobber)
{
    size_t n = ck_abe_user_key_encode(NULL, key);
    uint8_t *b = malloc(n);
    int rc;
    if (!b) {
        cli_error(cmd, "out of memory");
        return CLI_FAIL;
    }
    ck_abe_user_key_encode(b, key);
    rc = cli_write_file(cmd, path, b, n, 0600, no_clobber);
    cli_free_secret(b, n);
    return rc;
}

/* ---- setup-authority ----------------------------------------------------- */

static const char setup_usage[] =
    "Usage: carekey abe setup-authority NAME [--out-dir DIR]\n"
    "\n"
    "Creates a new attribute authority NAME (1-64 characters of a-z 0-9 . _ -):\n"
    "  DIR/NAME.apk  public key: give it to everyone who encrypts\n"
    "  DIR/NAME.ask  secret key (mode 0600): keep it; it issues attribute keys\n"
    "Existing files are never overwritten.\n"
    "\n"
    "Options:\n"
    "  --out-dir DIR   where to write the keys (default: the current directory)\n";

static int cmd_setup(int argc, char **argv)
{
    static const struct option lo[] = {{"out-dir", required_argument, NULL, 'd'},
                                       {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *cmd = "setup-authority", *help = "abe setup-authority", *dir = ".", *name;
    char apk_path[4096], ask_path[4096];
    ck_abe_authority_sk sk;
    ck_abe_authority_pk pk;
    uint8_t *b = NULL;
    size_t n;
    int c, rc;

    cli_start_opts();
    while ((c = cli_next_opt(argc, argv, lo, cmd, help)) != -1) {
        if (c == 'h') return fputs(setup_usage, stdout), CLI_OK;
        if (c == 'd') dir = optarg;
        else return CLI_USAGE;
    }
    if (argc - optind != 1) return cli_usage_error(cmd, help, argc == optind ? "missing NAME" : "too many arguments");
    name = argv[optind];
    snprintf(apk_path, sizeof apk_path, "%s/%s.apk", dir, name);
    snprintf(ask_path, sizeof ask_path, "%s/%s.ask", dir, name);
    if (ck_abe_authority_setup(&sk, &pk, name) != CK_ABE_OK)
        return cli_usage_error(cmd, help, "invalid authority name '%s' (use 1-64 of a-z 0-9 . _ -)", name);
    if (cli_file_exists(apk_path) || cli_file_exists(ask_path)) {
        cli_error(cmd, "'%s' or '%s' already exists; not overwriting an authority", apk_path, ask_path);
        rc = CLI_IO;
        goto out;
    }
    /* the secret first: a public key without its secret is useless */
    n = ck_abe_authority_sk_encode(NULL, &sk);
    rc = CLI_FAIL;
    if (!(b = malloc(n))) goto out;
    ck_abe_authority_sk_encode(b, &sk);
    rc = cli_write_file(cmd, ask_path, b, n, 0600, 1);
    cli_free_secret(b, n);
    b = NULL;
    if (rc != CLI_OK) goto out;
    n = ck_abe_authority_pk_encode(NULL, &pk);
    rc = CLI_FAIL;
    if (!(b = malloc(n))) goto out;
    ck_abe_authority_pk_encode(b, &pk);
    rc = cli_write_file(cmd, apk_path, b, n, 0644, 1);
    if (rc != CLI_OK) {
        remove(ask_path);   /* all or nothing */
        goto out;
    }
    printf("authority %s: public key %s, secret key %s (mode 0600)\n", name, apk_path, ask_path);
out:
    free(b);
    ck_abe_authority_sk_wipe(&sk);
    return rc;
}

/* ---- keygen -------------------------------------------------------------- */

static const char keygen_usage[] =
    "Usage: carekey abe keygen --authority-key F.ask --gid GID --attr A [--attr B ...]\n"
    "                          [--epoch N] --out KEY [--merge]\n"
    "\n"
    "Issues attribute keys of one authority to the user GID.\n"
    "\n"
    "Options:\n"
    "  --authority-key F  the authority's secret key (from setup-authority)\n"
    "  --gid GID          the user's global identifier (printable ASCII, no spaces)\n"
    "  --attr A           an attribute in policy syntax: doctor@hosp-a or\n"
    "                     \"Primary Care\"@hosp-a; a numeric attribute as\n"
    "                     level@hosp-a=3 (issues its 32 bit-attributes).\n"
    "                     Every attribute must belong to the authority. Repeatable.\n"
    "  --epoch N          attribute epoch (default 0); encryptors use the current one\n"
    "  --out KEY          the user key file to write (mode 0600)\n"
    "  --merge            add to KEY if it exists (same GID), e.g. keys from several\n"
    "                     authorities in one file; without it an existing KEY is an error\n";

/* "level@hosp-a=3": text before '=' and the value; 0 if not numeric. Only
 * digits may follow the last '=', which authority names cannot contain. */
static int split_numeric(const char *a, size_t *text_len, uint32_t *v)
{
    const char *eq = strrchr(a, '=');
    if (!eq || !eq[1] || strspn(eq + 1, "0123456789") != strlen(eq + 1)) return 0;
    if (!cli_parse_u32(eq + 1, v)) return -1;
    *text_len = (size_t)(eq - a);
    return 1;
}

static int cmd_keygen(int argc, char **argv)
{
    static const struct option lo[] = {
        {"authority-key", required_argument, NULL, 'k'}, {"gid", required_argument, NULL, 'g'},
        {"attr", required_argument, NULL, 'a'},          {"epoch", required_argument, NULL, 'e'},
        {"out", required_argument, NULL, 'o'},           {"merge", no_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0}};
    const char *cmd = "keygen", *help = "abe keygen";
    const char *skf = NULL, *gid = NULL, *out = NULL, *attrs[MAX_ATTRS];
    size_t n_attrs = 0, issued = 0;
    uint32_t epoch = 0;
    int merge = 0, c, rc, have_key = 0, exists;
    ck_abe_authority_sk sk;
    ck_abe_user_key key;

    memset(&sk, 0, sizeof sk);
    cli_start_opts();
    while ((c = cli_next_opt(argc, argv, lo, cmd, help)) != -1) {
        switch (c) {
        case 'h': fputs(keygen_usage, stdout); return CLI_OK;
        case 'k': skf = optarg; break;
        case 'g': gid = optarg; break;
        case 'o': out = optarg; break;
        case 'm': merge = 1; break;
        case 'e':
            if (!cli_parse_u32(optarg, &epoch))
                return cli_usage_error(cmd, help, "--epoch wants a number 0..4294967295, not '%s'", optarg);
            break;
        case 'a':
            if (n_attrs == MAX_ATTRS) return cli_usage_error(cmd, help, "more than %d --attr", MAX_ATTRS);
            attrs[n_attrs++] = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if (optind < argc) return cli_usage_error(cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!skf) return cli_usage_error(cmd, help, "missing --authority-key");
    if (!gid) return cli_usage_error(cmd, help, "missing --gid");
    if (!out) return cli_usage_error(cmd, help, "missing --out");
    if (!n_attrs) return cli_usage_error(cmd, help, "missing --attr (at least one)");
    memset(&key, 0, sizeof key);
    if (ck_abe_user_key_init(&key, gid) != CK_ABE_OK)
        return cli_usage_error(cmd, help, "invalid GID '%s' (1-128 printable ASCII characters, no spaces)", gid);
    exists = cli_file_exists(out);
    if (exists && !merge) {
        cli_error(cmd, "'%s' already exists (use --merge to add to it)", out);
        return CLI_IO;
    }
    if ((rc = read_sk(cmd, skf, &sk)) != CLI_OK) goto out;
    if (exists) {
        ck_abe_user_key_free(&key);
        if ((rc = read_user_key(cmd, out, &key)) != CLI_OK) goto out;
        have_key = 1;
        if (strcmp(key.gid, gid) != 0) {
            cli_error(cmd, "'%s' holds keys of GID '%s', not '%s'; keys of different GIDs never combine",
                      out, key.gid, gid);
            rc = CLI_FAIL;
            goto out;
        }
    }
    have_key = 1;
    for (size_t i = 0; i < n_attrs; i++) {
        char labels[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX];
        ck_policy_error perr;
        size_t text_len, n = 1;
        uint32_t v;
        int num = split_numeric(attrs[i], &text_len, &v);
        ck_policy_err pe;
        const char *at;
        if (num < 0) {
            rc = cli_usage_error(cmd, help, "numeric attribute '%s': the value must be 0..4294967295", attrs[i]);
            goto out;
        }
        if (num) {
            pe = ck_policy_numeric_attrs(labels, attrs[i], text_len, v, &perr);
            n = CK_POLICY_NUM_BITS;
        } else {
            pe = ck_policy_attr_label(labels[0], attrs[i], strlen(attrs[i]), &perr);
        }
        if (pe != CK_POLICY_OK) {
            rc = cli_usage_error(cmd, help, "invalid attribute '%s': %s", attrs[i], perr.msg);
            goto out;
        }
        at = strrchr(labels[0], '@');
        if (!at || strcmp(at + 1, sk.name) != 0) {
            rc = cli_usage_error(cmd, help, "attribute '%s' does not belong to authority '%s'", attrs[i], sk.name);
            goto out;
        }
        for (size_t j = 0; j < n; j++) {
            ck_abe_err e = ck_abe_keygen(&key, &sk, labels[j], epoch);
            if (e != CK_ABE_OK) {
                cli_error(cmd, "cannot issue '%s': %s", labels[j], ck_abe_strerror(e));
                rc = CLI_FAIL;
                goto out;
            }
        }
        issued += n;
    }
    if ((rc = write_user_key(cmd, out, &key, !exists)) != CLI_OK) goto out;
    printf("%s: GID %s, %zu attribute keys (%zu issued by %s, epoch %lu)\n", out, key.gid, key.n, issued,
           sk.name, (unsigned long)epoch);
out:
    if (have_key) ck_abe_user_key_free(&key);
    ck_abe_authority_sk_wipe(&sk);
    return rc;
}

/* ---- encrypt ------------------------------------------------------------- */

static const char encrypt_usage[] =
    "Usage: carekey abe encrypt --policy POLICY --pk A.apk [--pk B.apk ...] [--ad S] IN OUT\n"
    "\n"
    "Encrypts the file IN into OUT (an envelope, docs/FORMAT.md) so that only\n"
    "keys whose attributes satisfy POLICY can decrypt it, e.g.\n"
    "  --policy 'doctor@hosp-a and (cardiology@hosp-a or 2 of (er@hosp-b, md@board))'\n"
    "  --policy 'level@hosp-a >= 3 or \"Primary Care\"@hosp-a'\n"
    "\n"
    "Options:\n"
    "  --policy POLICY  the access policy (syntax: docs/POLICY.md)\n"
    "  --pk FILE        public key of an authority the policy names. Repeatable:\n"
    "                   one for every authority in the policy\n"
    "  --ad STRING      associated data bound to the file (e.g. a record id);\n"
    "                   decrypt must be given the same STRING\n";

/* The first authority the policy names that has no public key. */
static const char *missing_authority(const ck_policy_node *n, const ck_abe_authority_pk *pks, size_t n_pks)
{
    if (n->kind == CK_POLICY_ATTR || n->kind == CK_POLICY_CMP) {
        for (size_t i = 0; i < n_pks; i++)
            if (strcmp(pks[i].name, n->authority) == 0) return NULL;
        return n->authority;
    }
    for (size_t i = 0; i < n->n; i++) {
        const char *m = missing_authority(n->child[i], pks, n_pks);
        if (m) return m;
    }
    return NULL;
}

static int cmd_encrypt(int argc, char **argv)
{
    static const struct option lo[] = {{"policy", required_argument, NULL, 'p'}, {"pk", required_argument, NULL, 'k'},
                                       {"ad", required_argument, NULL, 'a'},     {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *cmd = "encrypt", *help = "abe encrypt", *policy = NULL, *ad = "", *pkf[MAX_PKS];
    ck_abe_authority_pk pks[MAX_PKS];
    const ck_abe_authority_pk *pkp[MAX_PKS];
    size_t n_pks = 0, in_len = 0, env_len = 0;
    uint8_t *in = NULL, *env = NULL;
    ck_policy_error perr;
    ck_seal_err e;
    int c, rc;

    cli_start_opts();
    while ((c = cli_next_opt(argc, argv, lo, cmd, help)) != -1) {
        switch (c) {
        case 'h': fputs(encrypt_usage, stdout); return CLI_OK;
        case 'p': policy = optarg; break;
        case 'a': ad = optarg; break;
        case 'k':
            if (n_pks == MAX_PKS) return cli_usage_error(cmd, help, "more than %d --pk", MAX_PKS);
            pkf[n_pks++] = optarg;
            break;
        default: return CLI_USAGE;
        }
    }
    if (!policy) return cli_usage_error(cmd, help, "missing --policy");
    if (!n_pks) return cli_usage_error(cmd, help, "missing --pk (one for every authority in the policy)");
    if (argc - optind != 2)
        return cli_usage_error(cmd, help, argc - optind < 2 ? "missing IN and OUT files" : "too many arguments");
    for (size_t i = 0; i < n_pks; i++) {
        if ((rc = read_pk(cmd, pkf[i], &pks[i])) != CLI_OK) return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(pks[i].name, pks[j].name) == 0)
                return cli_usage_error(cmd, help, "two public keys for authority '%s' ('%s', '%s')", pks[i].name,
                                       pkf[j], pkf[i]);
        pkp[i] = &pks[i];
    }
    if ((rc = cli_read_file(cmd, argv[optind], DATA_FILE_MAX, &in, &in_len)) != CLI_OK) return rc;
    {
        ck_seal_policy pol = {policy, pkp, n_pks, NULL, NULL};
        ck_seal_input payload = {in, in_len};
        e = ck_seal(&env, &env_len, &pol, &payload, 1, (const uint8_t *)ad, strlen(ad), &perr);
    }
    rc = CLI_FAIL;
    if (e == CK_SEAL_ERR_POLICY) {
        cli_error(cmd, "invalid policy: %s", perr.msg);
    } else if (e == CK_SEAL_ERR_NO_AUTHORITY) {
        ck_policy *p = NULL;
        const char *m = NULL;
        if (ck_policy_parse(&p, policy, strlen(policy), NULL) == CK_POLICY_OK)
            m = missing_authority(ck_policy_root(p), pks, n_pks);
        cli_error(cmd, "no public key for authority '%s' (add --pk %s.apk)", m ? m : "?", m ? m : "NAME");
        ck_policy_free(p);
    } else if (e != CK_SEAL_OK) {
        cli_error(cmd, "%s", ck_seal_strerror(e));
    } else {
        rc = cli_write_file(cmd, argv[optind + 1], env, env_len, 0644, 0);
    }
    cli_free_secret(in, in_len);
    ck_seal_free(env);
    return rc;
}

/* ---- decrypt ------------------------------------------------------------- */

static const char decrypt_usage[] =
    "Usage: carekey abe decrypt --key KEY [--ad S] IN OUT\n"
    "\n"
    "Decrypts the envelope IN (from carekey abe encrypt) into OUT (mode 0600).\n"
    "OUT is written only when decryption and authentication succeed.\n"
    "\n"
    "Options:\n"
    "  --key KEY     the user key file (from carekey abe keygen)\n"
    "  --ad STRING   the associated data given to encrypt (default: empty)\n";

static int cmd_decrypt(int argc, char **argv)
{
    static const struct option lo[] = {{"key", required_argument, NULL, 'k'}, {"ad", required_argument, NULL, 'a'},
                                       {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0}};
    const char *cmd = "decrypt", *help = "abe decrypt", *keyf = NULL, *ad = "";
    ck_abe_user_key key;
    ck_seal_env *env = NULL;
    uint8_t *in = NULL, *pt = NULL;
    size_t in_len = 0, pt_len = 0;
    ck_seal_err e;
    int c, rc, have_key = 0;

    cli_start_opts();
    while ((c = cli_next_opt(argc, argv, lo, cmd, help)) != -1) {
        switch (c) {
        case 'h': fputs(decrypt_usage, stdout); return CLI_OK;
        case 'k': keyf = optarg; break;
        case 'a': ad = optarg; break;
        default: return CLI_USAGE;
        }
    }
    if (!keyf) return cli_usage_error(cmd, help, "missing --key");
    if (argc - optind != 2)
        return cli_usage_error(cmd, help, argc - optind < 2 ? "missing IN and OUT files" : "too many arguments");
    if ((rc = read_user_key(cmd, keyf, &key)) != CLI_OK) return rc;
    have_key = 1;
    if ((rc = cli_read_file(cmd, argv[optind], DATA_FILE_MAX, &in, &in_len)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if ((e = ck_seal_decode(&env, in, in_len)) != CK_SEAL_OK) {
        cli_error(cmd, "'%s' is not a valid carekey envelope: %s", argv[optind], ck_seal_strerror(e));
        goto out;
    }
    if (ck_seal_env_count(env) != 1) {
        cli_error(cmd, "'%s' holds %zu payloads; this command decrypts single-file envelopes", argv[optind],
                  ck_seal_env_count(env));
        goto out;
    }
    pt_len = ck_seal_env_payload_len(env, 0);
    if (!(pt = malloc(pt_len ? pt_len : 1))) {
        cli_error(cmd, "out of memory");
        goto out;
    }
    e = ck_seal_open(env, &key, (const uint8_t *)ad, strlen(ad), &pt);
    if (e == CK_SEAL_ERR_UNSATISFIED) {
        cli_error(cmd, "the key does not satisfy the policy");
    } else if (e == CK_SEAL_ERR_AUTH) {
        cli_error(cmd, "authentication failed: the file was modified, --ad differs from encryption, "
                       "or the key was not issued by the authorities the file was encrypted for");
    } else if (e != CK_SEAL_OK) {
        cli_error(cmd, "%s", ck_seal_strerror(e));
    } else {
        rc = cli_write_file(cmd, argv[optind + 1], pt, pt_len, 0600, 0);
    }
out:
    cli_free_secret(pt, pt_len);
    free(in);
    ck_seal_env_free(env);
    if (have_key) ck_abe_user_key_free(&key);
    return rc;
}

/* ---- inspect ------------------------------------------------------------- */

static const char inspect_usage[] =
    "Usage: carekey abe inspect FILE\n"
    "\n"
    "Describes an authority key (.apk/.ask), a user key, an envelope or a bare\n"
    "ABE ciphertext: names, GID, attributes, epochs, policy, sizes. Never prints\n"
    "secret values.\n";

/* First 16 bytes of SHA-256 of the public key encoding, in hex. */
static void pk_fingerprint(char out[33], const ck_abe_authority_pk *pk)
{
    uint8_t *b, h[32];
    size_t n = ck_abe_authority_pk_encode(NULL, pk);
    out[0] = 0;
    if (!(b = malloc(n))) return;
    ck_abe_authority_pk_encode(b, pk);
    if (EVP_Digest(b, n, h, NULL, EVP_sha256(), NULL))
        for (int i = 0; i < 16; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
    free(b);
}

/* Prints a user key's attributes; the 32 bit-attributes of a numeric
 * attribute are shown as name@authority=value when all are present. */
static void print_user_attrs(const ck_abe_user_key *key)
{
    unsigned char *done = calloc(key->n ? key->n : 1, 1);
    if (!done) return;
    for (size_t i = 0; i < key->n; i++) {
        const char *l = key->attr[i].label, *hash = strstr(l, "#b"), *at = strrchr(l, '@');
        if (done[i]) continue;
        if (hash && at && hash < at) {
            size_t nl = (size_t)(hash - l);
            uint32_t v = 0;
            int bits = 0;
            for (size_t j = i; j < key->n; j++) {
                const char *m = key->attr[j].label;
                unsigned bit, val;
                char tail[CK_POLICY_LABEL_MAX];
                if (key->attr[j].epoch != key->attr[i].epoch || strncmp(m, l, nl + 2) != 0) continue;
                if (sscanf(m + nl + 2, "%u=%u%199s", &bit, &val, tail) != 3 || bit > 31 || val > 1) continue;
                if (strcmp(tail, at) != 0) continue;
                v |= (uint32_t)val << bit;
                bits++;
                done[j] = 1;
            }
            if (bits == CK_POLICY_NUM_BITS) {
                printf("  %.*s%s=%lu  (numeric, epoch %lu)\n", (int)nl, l, at, (unsigned long)v,
                       (unsigned long)key->attr[i].epoch);
                continue;
            }
            for (size_t j = i; j < key->n; j++) done[j] = 0;   /* incomplete: list them */
        }
        printf("  %s  (epoch %lu)\n", l, (unsigned long)key->attr[i].epoch);
        done[i] = 1;
    }
    free(done);
}

static void print_ct(const ck_abe_ct *ct)
{
    printf("policy: %s\n", ct->policy);
    printf("abe rows: %zu\nauthorities:", ct->rows);
    for (size_t x = 0; x < ct->rows; x++) {
        const char *a = ck_lsss_authority(ct->lsss, x);
        int seen = 0;
        for (size_t y = 0; y < x && !seen; y++) seen = strcmp(ck_lsss_authority(ct->lsss, y), a) == 0;
        if (!seen) printf(" %s", a);
    }
    printf("\n");
}

static int cmd_inspect(int argc, char **argv)
{
    static const struct option lo[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *cmd = "inspect", *help = "abe inspect", *path;
    uint8_t *b;
    size_t n;
    int c, rc;
    ck_abe_err e = CK_ABE_OK;

    cli_start_opts();
    while ((c = cli_next_opt(argc, argv, lo, cmd, help)) != -1) {
        if (c == 'h') return fputs(inspect_usage, stdout), CLI_OK;
        return CLI_USAGE;
    }
    if (argc - optind != 1) return cli_usage_error(cmd, help, argc == optind ? "missing FILE" : "too many arguments");
    path = argv[optind];
    if ((rc = cli_read_file(cmd, path, DATA_FILE_MAX, &b, &n)) != CLI_OK) return rc;
    rc = CLI_OK;
    if (n >= 4 && memcmp(b, "CKAP", 4) == 0) {
        ck_abe_authority_pk pk;
        char fp[33];
        if ((e = ck_abe_authority_pk_decode(&pk, b, n)) == CK_ABE_OK) {
            pk_fingerprint(fp, &pk);
            printf("%s: authority public key (format v%u)\nauthority: %s\nfingerprint: %s\n", path, b[4], pk.name, fp);
        }
    } else if (n >= 4 && memcmp(b, "CKAS", 4) == 0) {
        ck_abe_authority_sk sk;
        ck_abe_authority_pk pk;
        char fp[33];
        if ((e = ck_abe_authority_sk_decode(&sk, b, n)) == CK_ABE_OK) {
            ck_abe_authority_public(&pk, &sk);
            ck_abe_authority_sk_wipe(&sk);
            pk_fingerprint(fp, &pk);
            printf("%s: authority SECRET key (format v%u)\nauthority: %s\npublic key fingerprint: %s\n", path, b[4],
                   pk.name, fp);
        }
    } else if (n >= 4 && memcmp(b, "CKUK", 4) == 0) {
        ck_abe_user_key key;
        if ((e = ck_abe_user_key_decode(&key, b, n)) == CK_ABE_OK) {
            printf("%s: user key (format v%u)\ngid: %s\nattribute keys: %zu\n", path, b[4], key.gid, key.n);
            print_user_attrs(&key);
            ck_abe_user_key_free(&key);
        }
    } else if (n >= 4 && memcmp(b, "CKCT", 4) == 0) {
        ck_abe_ct ct;
        if ((e = ck_abe_ct_decode(&ct, b, n)) == CK_ABE_OK) {
            printf("%s: ABE ciphertext (format v%u), %zu bytes\n", path, b[4], n);
            print_ct(&ct);
            ck_abe_ct_free(&ct);
        }
    } else if (n >= 4 && memcmp(b, CK_SEAL_MAGIC, 4) == 0) {
        ck_seal_env *env;
        ck_seal_err se = ck_seal_decode(&env, b, n);
        if (se != CK_SEAL_OK) {
            cli_error(cmd, "'%s': invalid envelope: %s", path, ck_seal_strerror(se));
            rc = CLI_FAIL;
        } else {
            printf("%s: envelope (format v%u), %zu bytes\n", path, b[4], n);
            print_ct(ck_seal_env_header(env));
            printf("payloads: %zu\n", ck_seal_env_count(env));
            for (size_t i = 0; i < ck_seal_env_count(env); i++)
                printf("  payload %zu: %zu bytes\n", i, ck_seal_env_payload_len(env, i));
            ck_seal_env_free(env);
        }
    } else {
        cli_error(cmd, "'%s' is not a carekey key, ciphertext or envelope", path);
        rc = CLI_FAIL;
    }
    if (e != CK_ABE_OK) {
        cli_error(cmd, "'%s': invalid %.4s file: %s", path, (const char *)b, ck_abe_strerror(e));
        rc = CLI_FAIL;
    }
    cli_free_secret(b, n);   /* may have held a secret key */
    return rc;
}

/* ---- the group ----------------------------------------------------------- */

static const cli_subcmd subcmds[] = {
    {"setup-authority", "create an attribute authority (NAME.apk, NAME.ask)", setup_usage, cmd_setup},
    {"keygen", "issue attribute keys to a user (GID)", keygen_usage, cmd_keygen},
    {"encrypt", "encrypt a file under an access policy", encrypt_usage, cmd_encrypt},
    {"decrypt", "decrypt a file with a user key", decrypt_usage, cmd_decrypt},
    {"inspect", "describe a key, ciphertext or envelope file", inspect_usage, cmd_inspect},
};

static void abe_help(FILE *f)
{
    fprintf(f, "Usage: carekey abe SUBCOMMAND [OPTIONS] [ARGS]\n"
               "\n"
               "Multi-authority attribute-based encryption of files (cpabe-style tools).\n"
               "\n"
               "Subcommands:\n");
    cli_print_subcmds(f, subcmds, sizeof subcmds / sizeof *subcmds);
    fprintf(f, "\n"
               "Example:\n"
               "  carekey abe setup-authority hosp-a\n"
               "  carekey abe keygen --authority-key hosp-a.ask --gid alice --attr doctor@hosp-a --out alice.key\n"
               "  carekey abe encrypt --policy 'doctor@hosp-a' --pk hosp-a.apk notes.txt notes.ck\n"
               "  carekey abe decrypt --key alice.key notes.ck notes.txt\n"
               "\n"
               "'carekey abe SUBCOMMAND --help' describes each one; 'carekey --help' the exit codes.\n");
}

static int abe_run(int argc, char **argv)
{
    return cli_dispatch("abe", abe_help, subcmds, sizeof subcmds / sizeof *subcmds, argc, argv);
}

const cli_group cli_group_abe = {"abe", "ABE on files: setup-authority, keygen, encrypt, decrypt, inspect",
                                 abe_run};
