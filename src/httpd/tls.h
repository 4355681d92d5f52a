/*
 * tls.h - HTTPS for the libmicrohttpd servers of carekey (carekeyd, the
 * emergency desk): a PEM certificate and key read from files, handed to
 * libmicrohttpd in memory. Prefix ck_tls_. Internal: not installed.
 *
 *     ck_tls t = {0};
 *     if (cert && ck_tls_load(&t, cert, key, err, sizeof err) != 0) fail(err);
 *     flags |= ck_tls_mhd_flags(&t);                 // MHD_USE_TLS or 0
 *     n += ck_tls_mhd_options(&t, &opts[n]);          // 2 items or none
 *     d = MHD_start_daemon(flags, ..., MHD_OPTION_ARRAY, opts, ...);
 *     ...
 *     MHD_stop_daemon(d);
 *     ck_tls_free(&t);                                // wipes the key
 */
#ifndef CK_HTTPD_TLS_H
#define CK_HTTPD_TLS_H

#include <microhttpd.h>
#include <stddef.h>

#define CK_TLS_PEM_MAX (1u << 20)
#define CK_TLS_MHD_OPTIONS 2

typedef struct ck_tls {
    char *cert_pem; /* NULL: plain HTTP */
    char *key_pem;  /* a secret: wiped by ck_tls_free */
} ck_tls;

/* Reads both PEM files (at most CK_TLS_PEM_MAX each). 0, or -1 with the
 * reason in err (which file, why; a libmicrohttpd without TLS). */
int ck_tls_load(ck_tls *t, const char *cert_path, const char *key_path, char *err, size_t cap)
    __attribute__((warn_unused_result));
/* 1 if t holds a certificate: the daemon serves HTTPS. */
int ck_tls_on(const ck_tls *t);
/* MHD_USE_TLS when on, else 0. */
unsigned ck_tls_mhd_flags(const ck_tls *t);
/* Writes the certificate and key options at o (room for
 * CK_TLS_MHD_OPTIONS); returns how many were written (0 when off). */
size_t ck_tls_mhd_options(const ck_tls *t, struct MHD_OptionItem *o);
/* Wipes the key and frees both; t is then off. */
void ck_tls_free(ck_tls *t);

#endif
