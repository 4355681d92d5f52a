/*
 * src/seal/keyring_file.c - keyring files: header, scrypt, AES-256-GCM,
 * reading and atomic writing.
 *
 *   0   4   magic "CKKR"
 *   4   1   version (1)
 *   5   1   KDF (1 = scrypt)
 *   6   1   log2 N
 *   7   4   r (u32 big-endian)
 *   11  4   p (u32 big-endian)
 *   15  16  salt
 *   31  12  nonce
 *   43  4   n, body length (u32 big-endian)
 *   47  n   AES-256-GCM(key, nonce, ad = bytes 0..47, body)
 *   47+n 16 tag
 *
 *   key = scrypt(passphrase, salt, N, r, p, 32 bytes)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "identity_internal.h"
#include "keyring_internal.h"

#define OFF_KDF 5
#define OFF_LOG2N 6
#define OFF_R 7
#define OFF_P 11
#define OFF_SALT 15
#define OFF_NONCE 31
#define OFF_LEN 43
#define MAX_MEM ((uint64_t)1 << 30)

ck_keyring_err ck_kr_kdf_check(const ck_keyring_kdf *kdf)
{
    if (!kdf || kdf->log2_n < 4 || kdf->log2_n > 20 || kdf->r < 1 || kdf->r > 32 || kdf->p < 1 ||
        kdf->p > 16)
        return CK_KEYRING_ERR_KDF;
    if (kdf->log2_n >= 16 * kdf->r) return CK_KEYRING_ERR_KDF; /* RFC 7914: N < 2^(128 r / 8) */
    if ((uint64_t)128 * kdf->r * ((uint64_t)1 << kdf->log2_n) > MAX_MEM) return CK_KEYRING_ERR_KDF;
    return CK_KEYRING_OK;
}

static ck_keyring_err scrypt(uint8_t key[32], const char *pass, size_t pass_len, const uint8_t *salt,
                             const ck_keyring_kdf *kdf)
{
    EVP_KDF *k = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = k ? EVP_KDF_CTX_new(k) : NULL;
    uint64_t n = (uint64_t)1 << kdf->log2_n, maxmem = MAX_MEM + ((uint64_t)1 << 20);
    uint32_t r = kdf->r, p = kdf->p;
    OSSL_PARAM prm[7];
    ck_keyring_err rc = CK_KEYRING_ERR_CRYPTO;
    if (!ctx) goto out;
    prm[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)(pass_len ? pass : ""),
                                               pass_len);
    prm[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, CK_KEYRING_SALT_BYTES);
    prm[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
    prm[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
    prm[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
    prm[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
    prm[6] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, key, 32, prm) != 1) goto out;
    rc = CK_KEYRING_OK;
out:
    if (rc != CK_KEYRING_OK) OPENSSL_cleanse(key, 32);
    EVP_KDF_CTX_free(ctx); /* clears the password copy it held */
    EVP_KDF_free(k);
    return rc;
}

ck_keyring_err ck_kr_set_passphrase(ck_keyring *kr, const char *pass, size_t pass_len,
                                    const ck_keyring_kdf *kdf)
{
    uint8_t salt[CK_KEYRING_SALT_BYTES], key[32];
    ck_keyring_err rc;
    if (!kr || (!pass && pass_len) || pass_len == 0 || !kdf) return CK_KEYRING_ERR_PARAM;
    if ((rc = ck_kr_kdf_check(kdf)) != CK_KEYRING_OK) return rc;
    if (ck_idc_random(salt, sizeof salt) != 0) return CK_KEYRING_ERR_RANDOM;
    if ((rc = scrypt(key, pass, pass_len, salt, kdf)) != CK_KEYRING_OK) return rc;
    kr->kdf = *kdf;
    memcpy(kr->salt, salt, sizeof salt);
    memcpy(kr->key, key, sizeof key);
    kr->has_key = 1;
    OPENSSL_cleanse(key, sizeof key);
    return CK_KEYRING_OK;
}

/* Header checks shared by ck_keyring_file_kdf and decrypt; *body_len is
 * the ciphertext length. */
static ck_keyring_err parse_header(ck_keyring_kdf *kdf, size_t *body_len, const uint8_t *in, size_t len)
{
    ck_keyring_kdf k;
    uint32_t n;
    ck_keyring_err rc;
    if (len == 0) return CK_KEYRING_ERR_LENGTH;
    if (!in) return CK_KEYRING_ERR_PARAM;
    if (memcmp(in, CK_KEYRING_MAGIC, len < 4 ? len : 4) != 0) return CK_KEYRING_ERR_FORMAT;
    if (len < 5) return CK_KEYRING_ERR_LENGTH;
    if (in[4] != CK_KEYRING_VERSION) return CK_KEYRING_ERR_FORMAT;
    if (len < CK_KEYRING_HEADER_BYTES) return CK_KEYRING_ERR_LENGTH;
    if (in[OFF_KDF] != CK_KR_KDF_SCRYPT) return CK_KEYRING_ERR_KDF;
    k.log2_n = in[OFF_LOG2N];
    k.r = ck_idc_get_u32(in + OFF_R);
    k.p = ck_idc_get_u32(in + OFF_P);
    if ((rc = ck_kr_kdf_check(&k)) != CK_KEYRING_OK) return rc;
    n = ck_idc_get_u32(in + OFF_LEN);
    if (n > CK_KEYRING_MAX_BYTES) return CK_KEYRING_ERR_TOO_LARGE;
    if (len != (size_t)CK_KEYRING_HEADER_BYTES + n + CK_IDC_TAG_BYTES) return CK_KEYRING_ERR_LENGTH;
    *kdf = k;
    *body_len = n;
    return CK_KEYRING_OK;
}

ck_keyring_err ck_keyring_file_kdf(ck_keyring_kdf *kdf, const uint8_t *in, size_t len)
{
    size_t n;
    if (!kdf) return CK_KEYRING_ERR_PARAM;
    return parse_header(kdf, &n, in, len);
}

void ck_keyring_bytes_free(uint8_t *bytes, size_t len)
{
    if (!bytes) return;
    OPENSSL_cleanse(bytes, len);
    free(bytes);
}

ck_keyring_err ck_keyring_encrypt(uint8_t **out, size_t *out_len, const ck_keyring *kr)
{
    uint8_t *f = NULL, *body = NULL;
    size_t n = 0, total = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!out || !out_len || !kr || !kr->has_key) return rc;
    n = ck_kr_body_encode(NULL, kr);
    rc = CK_KEYRING_ERR_TOO_LARGE;
    if (n > CK_KEYRING_MAX_BYTES) goto out;
    total = CK_KEYRING_HEADER_BYTES + n + CK_IDC_TAG_BYTES;
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(body = malloc(n)) || !(f = malloc(total))) goto out;
    ck_kr_body_encode(body, kr);
    memcpy(f, CK_KEYRING_MAGIC, 4);
    f[4] = CK_KEYRING_VERSION;
    f[OFF_KDF] = CK_KR_KDF_SCRYPT;
    f[OFF_LOG2N] = kr->kdf.log2_n;
    ck_idc_put_u32(f + OFF_R, kr->kdf.r);
    ck_idc_put_u32(f + OFF_P, kr->kdf.p);
    memcpy(f + OFF_SALT, kr->salt, CK_KEYRING_SALT_BYTES);
    rc = CK_KEYRING_ERR_RANDOM;
    if (ck_idc_random(f + OFF_NONCE, CK_IDC_NONCE_BYTES) != 0) goto out;
    ck_idc_put_u32(f + OFF_LEN, (uint32_t)n);
    rc = CK_KEYRING_ERR_CRYPTO;
    if (ck_idc_gcm_seal(f + CK_KEYRING_HEADER_BYTES, f + CK_KEYRING_HEADER_BYTES + n, kr->key, f + OFF_NONCE,
                        f, CK_KEYRING_HEADER_BYTES, body, n) != 0)
        goto out;
    *out = f;
    *out_len = total;
    f = NULL;
    rc = CK_KEYRING_OK;
out:
    ck_keyring_bytes_free(body, n);
    ck_keyring_bytes_free(f, total);
    return rc;
}

/* Opens the body of in (header already parsed: body length n) with key
 * and fills a new keyring that keeps kdf, the header's salt and key. */
static ck_keyring_err open_with_key(ck_keyring **out, const uint8_t *in, size_t n, const ck_keyring_kdf *kdf,
                                    const uint8_t key[32])
{
    ck_keyring *kr = NULL;
    uint8_t *body = NULL;
    ck_keyring_err rc = CK_KEYRING_ERR_NOMEM;
    if (!(body = malloc(n ? n : 1))) goto out;
    rc = CK_KEYRING_ERR_PASSPHRASE;
    if (ck_idc_gcm_open(body, key, in + OFF_NONCE, in, CK_KEYRING_HEADER_BYTES, in + CK_KEYRING_HEADER_BYTES,
                        n, in + CK_KEYRING_HEADER_BYTES + n) != 0)
        goto out;
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(kr = ck_kr_alloc())) goto out;
    if ((rc = ck_kr_body_decode(kr, body, n)) != CK_KEYRING_OK) goto out;
    kr->kdf = *kdf;
    memcpy(kr->salt, in + OFF_SALT, CK_KEYRING_SALT_BYTES);
    memcpy(kr->key, key, sizeof kr->key);
    kr->has_key = 1;
    *out = kr;
    kr = NULL;
out:
    ck_keyring_free(kr);
    ck_keyring_bytes_free(body, n ? n : 1);
    return rc;
}

ck_keyring_err ck_keyring_decrypt(ck_keyring **out, const uint8_t *in, size_t len, const char *pass,
                                  size_t pass_len)
{
    ck_keyring_kdf kdf;
    uint8_t key[32];
    size_t n = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!out || (!in && len) || (!pass && pass_len)) return rc;
    if ((rc = parse_header(&kdf, &n, in, len)) != CK_KEYRING_OK) goto out;
    if ((rc = scrypt(key, pass, pass_len, in + OFF_SALT, &kdf)) != CK_KEYRING_OK) goto out;
    rc = open_with_key(out, in, n, &kdf, key);
out:
    OPENSSL_cleanse(key, sizeof key);
    return rc;
}

/* ---- files ------------------------------------------------------------- */
static ck_keyring_err read_file(uint8_t **out, size_t *out_len, const char *path)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t got = 0, cap = 0;
    int fd = -1, saved;
    ck_keyring_err rc = CK_KEYRING_ERR_IO;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) goto out;
    if (fstat(fd, &st) != 0) goto out;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto out;
    }
    rc = CK_KEYRING_ERR_TOO_LARGE;
    if ((uint64_t)st.st_size > (uint64_t)CK_KEYRING_MAX_BYTES + CK_KEYRING_HEADER_BYTES + CK_IDC_TAG_BYTES)
        goto out;
    cap = (size_t)st.st_size + 1; /* one more: a file that grew is noticed */
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(buf = malloc(cap))) goto out;
    rc = CK_KEYRING_ERR_IO;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) goto out;
        if (r == 0) break;
        got += (size_t)r;
    }
    rc = CK_KEYRING_ERR_LENGTH;
    if (got == cap) goto out; /* changed while reading */
    *out = buf;
    *out_len = got;
    buf = NULL;
    rc = CK_KEYRING_OK;
out:
    saved = errno;
    if (fd >= 0) close(fd);
    ck_keyring_bytes_free(buf, cap);
    errno = saved;
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of the directory holding path, so the rename is durable. */
static int sync_dir(const char *path)
{
    char *copy = strdup(path);
    int fd, rc = -1;
    if (!copy) return -1;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -1; /* some filesystems refuse */
        close(fd);
    }
    free(copy);
    return rc;
}

ck_keyring_err ck_kr_write_atomic(const char *path, const uint8_t *bytes, size_t len, int exclusive)
{
    char *tmp = NULL;
    size_t pl;
    int fd = -1, saved, linked = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!path || !*path || (!bytes && len)) return rc;
    pl = strlen(path);
    rc = CK_KEYRING_ERR_NOMEM;
    if (!(tmp = malloc(pl + sizeof(".tmp.XXXXXX")))) goto out;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
    rc = CK_KEYRING_ERR_IO;
    if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) { /* mode 0600 */
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (fchmod(fd, S_IRUSR | S_IWUSR) != 0) goto out;
    if (write_all(fd, bytes, len) != 0 || fsync(fd) != 0) goto out;
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (exclusive) {
        /* link() fails with EEXIST atomically, never replacing a keyring. */
        if (link(tmp, path) != 0) {
            /* filesystems without hard links: rename that never replaces */
            if ((errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) &&
                renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
                free(tmp);
                tmp = NULL;
                goto synced;
            }
            if (errno == EEXIST) rc = CK_KEYRING_ERR_EXISTS;
            goto out;
        }
        linked = 1;
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        goto out;
    }
    free(tmp);
    tmp = NULL;
synced:
    if (sync_dir(path) != 0) goto out;
    rc = CK_KEYRING_OK;
out:
    saved = errno;
    if (fd >= 0) close(fd);
    if (tmp) {
        if (!linked) unlink(tmp);
        free(tmp);
    }
    errno = saved;
    return rc;
}

static ck_keyring_err save_to(ck_keyring *kr, const char *path, int exclusive)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    ck_keyring_err rc = ck_keyring_encrypt(&bytes, &len, kr);
    if (rc == CK_KEYRING_OK) rc = ck_kr_write_atomic(path, bytes, len, exclusive);
    ck_keyring_bytes_free(bytes, len);
    return rc;
}

static ck_keyring_err set_path(ck_keyring *kr, const char *path)
{
    char *p = strdup(path);
    if (!p) return CK_KEYRING_ERR_NOMEM;
    free(kr->path);
    kr->path = p;
    return CK_KEYRING_OK;
}

ck_keyring_err ck_keyring_create(ck_keyring **out, const char *path, const char *pass, size_t pass_len,
                                 const ck_identity *id, const ck_keyring_kdf *kdf)
{
    ck_keyring *kr = NULL;
    ck_keyring_kdf k = kdf ? *kdf : CK_KEYRING_KDF_DEFAULT;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!out || !path || !*path || !pass || pass_len == 0 || !id) return rc;
    if ((rc = ck_kr_new(&kr, id)) != CK_KEYRING_OK) goto out;
    if ((rc = ck_kr_set_passphrase(kr, pass, pass_len, &k)) != CK_KEYRING_OK) goto out;
    if ((rc = set_path(kr, path)) != CK_KEYRING_OK) goto out;
    if ((rc = save_to(kr, path, 1)) != CK_KEYRING_OK) goto out;
    *out = kr;
    kr = NULL;
out:
    ck_keyring_free(kr);
    return rc;
}

ck_keyring_err ck_keyring_open(ck_keyring **out, const char *path, const char *pass, size_t pass_len)
{
    ck_keyring *kr = NULL;
    uint8_t *bytes = NULL;
    size_t len = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!out || !path || (!pass && pass_len)) return rc;
    if ((rc = read_file(&bytes, &len, path)) != CK_KEYRING_OK) goto out;
    if ((rc = ck_keyring_decrypt(&kr, bytes, len, pass, pass_len)) != CK_KEYRING_OK) goto out;
    if ((rc = set_path(kr, path)) != CK_KEYRING_OK) goto out;
    *out = kr;
    kr = NULL;
out:
    ck_keyring_free(kr);
    ck_keyring_bytes_free(bytes, len);
    return rc;
}

ck_keyring_err ck_keyring_reopen(ck_keyring **out, const ck_keyring *held)
{
    ck_keyring_kdf kdf;
    uint8_t *bytes = NULL;
    size_t len = 0, n = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!out || !held || !held->path || !held->has_key) return rc;
    *out = NULL;
    if ((rc = read_file(&bytes, &len, held->path)) != CK_KEYRING_OK) goto out;
    if ((rc = parse_header(&kdf, &n, bytes, len)) != CK_KEYRING_OK) goto out;
    /* the file key is scrypt(passphrase, salt) under kdf: another salt or
     * cost means another passphrase was set, which only a new one opens */
    rc = CK_KEYRING_ERR_PASSPHRASE;
    if (kdf.log2_n != held->kdf.log2_n || kdf.r != held->kdf.r || kdf.p != held->kdf.p ||
        CRYPTO_memcmp(bytes + OFF_SALT, held->salt, CK_KEYRING_SALT_BYTES) != 0)
        goto out;
    if ((rc = open_with_key(out, bytes, n, &kdf, held->key)) != CK_KEYRING_OK) goto out;
    if ((rc = set_path(*out, held->path)) != CK_KEYRING_OK) {
        ck_keyring_free(*out);
        *out = NULL;
    }
out:
    ck_keyring_bytes_free(bytes, len);
    return rc;
}

ck_keyring_err ck_keyring_save(ck_keyring *kr)
{
    if (!kr || !kr->path) return CK_KEYRING_ERR_PARAM;
    return save_to(kr, kr->path, 0);
}

ck_keyring_err ck_keyring_save_as(ck_keyring *kr, const char *path)
{
    ck_keyring_err rc;
    if (!kr || !path || !*path) return CK_KEYRING_ERR_PARAM;
    if ((rc = save_to(kr, path, 0)) != CK_KEYRING_OK) return rc;
    return set_path(kr, path);
}

ck_keyring_err ck_keyring_change_passphrase(ck_keyring *kr, const char *pass, size_t pass_len,
                                            const ck_keyring_kdf *kdf)
{
    ck_keyring_kdf old_kdf, k;
    uint8_t old_salt[CK_KEYRING_SALT_BYTES], old_key[32];
    int old_has;
    ck_keyring_err rc;
    if (!kr || !pass || pass_len == 0) return CK_KEYRING_ERR_PARAM;
    k = kdf ? *kdf : (kr->has_key ? kr->kdf : CK_KEYRING_KDF_DEFAULT);
    old_kdf = kr->kdf;
    old_has = kr->has_key;
    memcpy(old_salt, kr->salt, sizeof old_salt);
    memcpy(old_key, kr->key, sizeof old_key);
    if ((rc = ck_kr_set_passphrase(kr, pass, pass_len, &k)) != CK_KEYRING_OK) goto out;
    if (kr->path && (rc = ck_keyring_save(kr)) != CK_KEYRING_OK) {
        /* the file still has the old passphrase: keep the keyring in step */
        kr->kdf = old_kdf;
        kr->has_key = old_has;
        memcpy(kr->salt, old_salt, sizeof old_salt);
        memcpy(kr->key, old_key, sizeof old_key);
    }
out:
    OPENSSL_cleanse(old_key, sizeof old_key);
    return rc;
}
