/*
 * src/ui/ui.h - the node's pages (library carekey_ui, prefix ck_ui_): an
 * HTTP server (127.0.0.1 by default; HTTPS elsewhere) for the many people whose homes are under one
 * data directory (DATA/GID). A person logs in with her GID and passphrase;
 * the node unlocks her keyring into a server-side session and the browser
 * gets only an HttpOnly session cookie and a CSRF token - never a key, a
 * keyring, a data key or the passphrase. Pages (web/) read records through
 * the node's FHIR API routes (src/api, with the session instead of the
 * bearer token) and a small JSON API (/ui/api/...). docs/UI.md.
 *
 *     ck_ui_config cfg = {.data = "/srv/carekey/people"};
 *     ck_ui *u;
 *     if (ck_ui_start(&cfg, &u) != 0) ...
 *     printf("http://127.0.0.1:%u/\n", ck_ui_port(u));
 *     ...
 *     ck_ui_stop(u);          // every session locked and wiped
 *
 * ck_node_global_init() must have been called.
 */
#ifndef CK_UI_H
#define CK_UI_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_ui ck_ui;

typedef struct ck_ui_config {
    const char *data;     /* the people's homes: DATA/GID (required)                */
    const char *web;      /* the pages; NULL: the source tree's web/ (CK_UI_WEB_DIR) */
    const char *chartjs;  /* Chart.js UMD build; NULL: Debian's libjs-chart.js      */
    const char *server;   /* carekeyd URL for every home; NULL: each home's own      */
    unsigned port;        /* 0: an ephemeral port                                    */
    unsigned threads;     /* 0: 4                                                    */
    unsigned idle_s;      /* a session idle this long is locked and wiped; 0: 900    */
    const char *addr;     /* the address to listen on; NULL: 127.0.0.1. Any address
                             that is not loopback needs TLS (tls_cert, tls_key)    */
    const char *tls_cert, *tls_key; /* PEM files: HTTPS                             */
    const char *name;     /* the host name the browser uses (Host and Origin are
                             checked against it); NULL: addr. Loopback names are
                             always accepted                                        */
    char *err;            /* optional: why ck_ui_start failed, err_cap bytes        */
    size_t err_cap;
} ck_ui_config;

/* -1 when the port is taken, DATA is not a directory, out of memory. */
int ck_ui_start(const ck_ui_config *cfg, ck_ui **out);
unsigned ck_ui_port(const ck_ui *u);
/* The pages' URL: http://127.0.0.1:PORT/ or https://NAME:PORT/. */
const char *ck_ui_url(const ck_ui *u);
/* The number of open sessions (tests, status). */
size_t ck_ui_sessions(ck_ui *u);
void ck_ui_stop(ck_ui *u);

#ifdef __cplusplus
}
#endif

#endif
