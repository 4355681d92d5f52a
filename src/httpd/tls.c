/*
 * tls.c - HTTPS for carekey's libmicrohttpd servers (tls.h).
 */
#include "tls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* The whole file as a string, or NULL (errno set; EFBIG if too large). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) goto out;
    if ((unsigned long)n > CK_TLS_PEM_MAX) {
        errno = EFBIG;
        goto out;
    }
    if ((buf = malloc((size_t)n + 1)) == NULL) goto out;
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        OPENSSL_cleanse(buf, (size_t)n);
        free(buf);
        buf = NULL;
        errno = EIO;
        goto out;
    }
    buf[n] = 0;
out:
    fclose(f);
    return buf;
}

int ck_tls_load(ck_tls *t, const char *cert_path, const char *key_path, char *err, size_t cap)
{
    memset(t, 0, sizeof *t);
    if (!cert_path || !*cert_path || !key_path || !*key_path) {
        snprintf(err, cap, "a TLS certificate needs its key: give both --tls-cert and --tls-key");
        return -1;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, cap, "this libmicrohttpd has no TLS support");
        return -1;
    }
    if (!(t->cert_pem = slurp(cert_path))) {
        snprintf(err, cap, "cannot read the TLS certificate %s: %s", cert_path, strerror(errno));
        return -1;
    }
    if (!(t->key_pem = slurp(key_path))) {
        snprintf(err, cap, "cannot read the TLS key %s: %s", key_path, strerror(errno));
        ck_tls_free(t);
        return -1;
    }
    /* libmicrohttpd only checks them when the daemon starts: say which is wrong now */
    if (!strstr(t->cert_pem, "-----BEGIN CERTIFICATE-----") || !strstr(t->key_pem, "PRIVATE KEY-----")) {
        snprintf(err, cap, "%s is not a PEM certificate or %s not a PEM private key", cert_path, key_path);
        ck_tls_free(t);
        return -1;
    }
    return 0;
}

int ck_tls_on(const ck_tls *t) { return t && t->cert_pem != NULL; }

unsigned ck_tls_mhd_flags(const ck_tls *t) { return ck_tls_on(t) ? MHD_USE_TLS : 0; }

size_t ck_tls_mhd_options(const ck_tls *t, struct MHD_OptionItem *o)
{
    if (!ck_tls_on(t)) return 0;
    o[0] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, t->cert_pem};
    o[1] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, t->key_pem};
    return 2;
}

void ck_tls_free(ck_tls *t)
{
    if (t->key_pem) OPENSSL_cleanse(t->key_pem, strlen(t->key_pem));
    free(t->key_pem);
    free(t->cert_pem);
    t->key_pem = t->cert_pem = NULL;
}
