/*
 * serve.h - starting a libmicrohttpd server the way every carekey server
 * of a node does (the FHIR API, the pages): an epoll daemon with a thread
 * pool, the guard's slow-client limits, the raw request target (no
 * unescaping: the routes parse it exactly once), an address - loopback by
 * default - and optionally TLS. Prefix ck_httpd_. Internal: not installed.
 *
 *     ck_httpd_opts o = {.port = 0, .threads = 4, .guard = g, .on_request = fn,
 *                        .on_completed = done, .on_uri = uri, .cls = me};
 *     unsigned port;
 *     struct MHD_Daemon *d = ck_httpd_start(&o, &port);
 */
#ifndef CK_HTTPD_SERVE_H
#define CK_HTTPD_SERVE_H

#include <microhttpd.h>
#include <stddef.h>

#include "guard.h"
#include "tls.h"

#define CK_HTTPD_ADDR_MAX 64

typedef struct ck_httpd_opts {
    const char *addr;   /* an IPv4 or IPv6 literal; NULL or "": 127.0.0.1          */
    unsigned port;      /* 0: an ephemeral port                                    */
    unsigned threads;   /* the pool; 0: 4                                          */
    const ck_tls *tls;  /* NULL or off: plain HTTP                                 */
    ck_guard *guard;    /* required                                                */
    MHD_AccessHandlerCallback on_request;
    MHD_RequestCompletedCallback on_completed;
    void *(*on_uri)(void *cls, const char *uri, struct MHD_Connection *con);
    void *cls;          /* given to the three callbacks                            */
} ck_httpd_opts;

/* The running daemon and the port it is bound to, or NULL (a bad address,
 * the port taken, TLS material libmicrohttpd refuses). */
struct MHD_Daemon *ck_httpd_start(const ck_httpd_opts *o, unsigned *port);

/* "ADDR:PORT" with ADDR an IPv4 literal, "[IPv6]" or "localhost": 0 with
 * addr (no brackets) and port, or -1. Pure (fuzz/fuzz_ui_parse.c). */
int ck_httpd_listen_parse(const char *s, char addr[CK_HTTPD_ADDR_MAX], unsigned *port);
/* 1 when addr (as ck_httpd_listen_parse gives it) is a loopback address. */
int ck_httpd_addr_loopback(const char *addr);

#endif
