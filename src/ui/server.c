/*
 * src/ui/server.c - the pages' HTTP server: libmicrohttpd on 127.0.0.1, and
 * the request cycle: Host (421), Origin and Sec-Fetch-Site (403: DNS
 * rebinding, cross-site requests), session cookie (401), CSRF token on
 * every POST/PUT/DELETE (403), then the route: the JSON API, the FHIR API
 * with the session's node, or a static file. Every reply carries the
 * security headers (a strict CSP: no inline script or style). Nothing is
 * logged: URLs and bodies may name patients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "guard.h"
#include "serve.h"
#include "ui/rx_forms.h"
#include "ui/ui_impl.h"
#include "ui/care.h"
#include "ui/operator.h"
#include "ui/staff.h"

#ifndef CK_UI_WEB_DIR
#define CK_UI_WEB_DIR "web"
#endif
#define CHARTJS_DEBIAN "/usr/share/javascript/chart.js/chart.min.js"

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                          "form-action 'self'; frame-ancestors 'none'";

static void req_free(ck_ui_req *r)
{
    if (!r) return;
    free(r->uri);
    if (r->body) {
        OPENSSL_cleanse(r->body, r->body_cap);
        free(r->body);
    }
    if (r->text) {
        OPENSSL_cleanse(r->text, r->text_len);
        free(r->text);
    }
    if (r->fd >= 0) close(r->fd);
    free(r);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    ck_ui_req *r = calloc(1, sizeof *r);
    const char *q;
    (void)con;
    if (!r) return NULL;
    r->ui = cls;
    r->fd = -1;
    if (!uri || strlen(uri) >= CK_UI_URI_MAX || !(r->uri = strdup(uri))) return r;
    q = strchr(r->uri, '?');
    r->qs = q ? q + 1 : "";
    r->path_len = q ? (size_t)(q - r->uri) : strlen(r->uri);
    return r;
}

static void wipe_free(void *p)
{
    char *t = p;
    if (t) {
        OPENSSL_cleanse(t, strlen(t));
        free(t);
    }
}

static enum MHD_Result send_reply(struct MHD_Connection *con, ck_ui_req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    if (r->fd >= 0 && !r->text) {
        resp = MHD_create_response_from_fd64(r->fsize, r->fd);
        if (resp) r->fd = -1; /* closed by libmicrohttpd */
    } else {
        if (!r->text) ck_ui_fail(r, 500, "no_reply", "no reply");
        resp = MHD_create_response_from_buffer_with_free_callback(r->text_len, r->text, wipe_free);
        if (resp) r->text = NULL;
    }
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "Cache-Control", r->revalidate && r->status < 400 ? "no-cache" : "no-store");
    if (r->etag[0]) MHD_add_response_header(resp, "ETag", r->etag);
    if (r->location[0]) MHD_add_response_header(resp, "Location", r->location);
    if (r->cookie[0]) MHD_add_response_header(resp, "Set-Cookie", r->cookie);
    ret = MHD_queue_response(con, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static int unsafe(const char *m) { return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0; }

static int path_is(const ck_ui_req *r, const char *p)
{
    return r->path_len == strlen(p) && !memcmp(r->uri, p, r->path_len);
}

static int path_under(const ck_ui_req *r, const char *p)
{
    return r->path_len > strlen(p) && !memcmp(r->uri, p, strlen(p));
}

/* The JSON API and the FHIR routes, with r->s held. */
static void session_routes(ck_ui_req *r)
{
    const char *m = r->method;
    if (path_under(r, "/fhir/")) {
        if (!ck_ui_role_may(r->s->role, "fhir")) {
            ck_ui_fail(r, 403, "not_for_role", "the FHIR API is for patients and clinicians");
            return;
        }
        (void)ck_ui_fhir_serve(r);
        return;
    }
    if (path_is(r, "/ui/api/logout") && !strcmp(m, "POST")) (void)ck_ui_logout(r);
    else if (path_is(r, "/ui/api/me") && !strcmp(m, "GET")) (void)ck_ui_me(r);
    else if (path_is(r, "/ui/api/sharing") && !strcmp(m, "GET")) (void)ck_ui_sharing(r);
    else if (path_is(r, "/ui/api/audit") && !strcmp(m, "GET")) (void)ck_ui_audit(r);
    else if (path_under(r, "/ui/api/rx/")) (void)ck_ui_rx(r);               /* rx.c */
    else if (path_under(r, "/ui/api/emergency/")) (void)ck_ui_emergency(r); /* emergency.c */
    else if (path_is(r, "/ui/api/sharing/change") && !strcmp(m, "POST")) (void)ck_ui_sharing_change(r);
    else if (path_is(r, "/ui/api/import") && !strcmp(m, "POST")) (void)ck_ui_import_start(r);
    else if (path_is(r, "/ui/api/import") && !strcmp(m, "GET")) (void)ck_ui_import_status(r);
    else if (path_is(r, "/ui/api/publish") && !strcmp(m, "POST")) (void)ck_ui_publish(r);
    else if (path_under(r, "/ui/api/report/") && !strcmp(m, "GET")) {
        char kind[32];
        size_t n = r->path_len - strlen("/ui/api/report/");
        if (n >= sizeof kind) n = sizeof kind - 1;
        memcpy(kind, r->uri + strlen("/ui/api/report/"), n);
        kind[n] = 0;
        (void)ck_ui_report(r, kind);
    } else if (ck_ui_care_route(r, r->uri, r->path_len)) { /* the hospital's pages: src/ui/care.c */
    } else if (ck_ui_operator_route(r, r->uri, r->path_len)) { /* the operator's pages: src/ui/operator.c */
    } else if (ck_ui_staff_route(r, r->uri, r->path_len)) {    /* the hospital admin's: src/ui/staff.c */
    } else
        ck_ui_fail(r, 404, "not_found", "no such API route");
}

/* DNS rebinding: the Host must be this server's - a loopback name, or the
 * name it was configured to serve under. */
static int host_ok(const ck_ui *u, const char *host)
{
    return ck_ui_host_loopback(host, u->port) || (u->name[0] && ck_ui_host_match(host, u->name, u->port));
}

static void serve(struct MHD_Connection *con, ck_ui_req *r)
{
    ck_ui *u = r->ui;
    const char *host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *origin = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");
    const char *site = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *cookie, *csrf;
    char id[CK_UI_ID_HEX + 1];
    if (!host_ok(u, host)) {
        ck_ui_fail(r, 421, "bad_host", "Host must name this server (its configured name and port)");
        return;
    }
    if ((origin && !ck_ui_origin_match(origin, ck_tls_on(&u->tls) ? "https" : "http", host)) ||
        (site && !strcmp(site, "cross-site"))) {
        ck_ui_fail(r, 403, "bad_origin", "requests from other sites are refused");
        return;
    }
    if (unsafe(r->method) && !origin) {
        ck_ui_fail(r, 403, "origin_required", "a change needs the Origin header of this server");
        return;
    }
    if (!r->uri) {
        ck_ui_fail(r, 414, "too_long", "the request target is too long");
        return;
    }
    if (r->too_big) {
        ck_ui_fail(r, 413, "too_big", "the body is over 8 MiB");
        return;
    }
    if (path_is(r, "/ui/api/login")) {
        if (strcmp(r->method, "POST") != 0) ck_ui_fail(r, 405, "method_not_allowed", "POST only");
        else (void)ck_ui_login(r);
        return;
    }
    if (!path_under(r, "/ui/api/") && !path_under(r, "/fhir/")) {
        if (unsafe(r->method)) ck_ui_fail(r, 405, "method_not_allowed", "pages are read with GET");
        else (void)ck_ui_static(r);
        return;
    }
    cookie = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
    if (ck_ui_cookie_get(cookie, CK_UI_COOKIE, id) != 0 || !(r->s = ck_ui_session_get(u, id))) {
        ck_ui_fail(r, 401, "no_session", "log in first (the session is missing or has expired)");
        return;
    }
    csrf = MHD_lookup_connection_value(con, MHD_HEADER_KIND, CK_UI_CSRF_HEADER);
    if (unsafe(r->method) && !(csrf && ck_ui_secret_eq(r->s->csrf, csrf))) {
        ck_ui_fail(r, 403, "bad_csrf", "the CSRF token is missing or wrong");
    } else {
        pthread_mutex_lock(&r->s->mu);
        session_routes(r);
        pthread_mutex_unlock(&r->s->mu);
    }
    ck_ui_session_put(u, r->s);
    r->s = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    ck_ui *u = cls;
    ck_ui_req *r = *con_cls;
    (void)url;
    (void)version;
    if (!r) return MHD_NO;
    if (!r->started) {
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        r->started = 1;
        r->method = method;
        r->con = con;
        if (cl && strtoull(cl, NULL, 10) > CK_UI_BODY_MAX) r->too_big = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big || r->body_len + n > CK_UI_BODY_MAX) {
            r->too_big = 1;
            return MHD_YES;
        }
        if (r->body_len + n + 1 > r->body_cap) {
            size_t cap = r->body_cap ? r->body_cap : 4096;
            char *nb;
            while (cap < r->body_len + n + 1) cap *= 2;
            if (!(nb = malloc(cap))) return MHD_NO;
            if (r->body) {
                memcpy(nb, r->body, r->body_len);
                OPENSSL_cleanse(r->body, r->body_cap); /* passphrases and patient data */
                free(r->body);
            }
            r->body = nb;
            r->body_cap = cap;
        }
        memcpy(r->body + r->body_len, upload, n);
        r->body_len += n;
        r->body[r->body_len] = 0;
        return MHD_YES;
    }
    if (r->arrived) return MHD_YES;
    r->arrived = 1;
    ck_guard_request_arrived(u->guard, con);
    serve(con, r);
    return send_reply(con, r);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    ck_ui *u = cls;
    (void)toe;
    ck_guard_request_done(u->guard, con);
    req_free(*con_cls);
    *con_cls = NULL;
}

static int start_daemon(ck_ui *u)
{
    ck_httpd_opts o = {.addr = u->addr, .port = u->port, .threads = u->threads, .tls = &u->tls, .guard = u->guard,
                       .on_request = on_request, .on_completed = on_completed, .on_uri = on_uri, .cls = u};
    if (!(u->mhd = ck_httpd_start(&o, &u->port))) return -1;
    return 0;
}

static int say(const ck_ui_config *cfg, const char *msg)
{
    if (cfg->err && cfg->err_cap) snprintf(cfg->err, cfg->err_cap, "%s", msg);
    return -1;
}

/* The address and TLS: loopback by default; anywhere else only over TLS,
 * since passphrases and patient data cross the wire. */
static int setup_transport(ck_ui *u, const ck_ui_config *cfg)
{
    char err[512];
    const char *addr = cfg->addr && *cfg->addr ? cfg->addr : "127.0.0.1";
    snprintf(u->addr, sizeof u->addr, "%s", addr);
    if (!ck_httpd_addr_loopback(addr) && !(cfg->tls_cert && cfg->tls_key))
        return say(cfg, "listening on a non-loopback address needs TLS: give --tls-cert and --tls-key");
    if ((cfg->tls_cert || cfg->tls_key) && ck_tls_load(&u->tls, cfg->tls_cert, cfg->tls_key, err, sizeof err) != 0)
        return say(cfg, err);
    if (cfg->name && *cfg->name) snprintf(u->name, sizeof u->name, "%s", cfg->name);
    else if (!ck_httpd_addr_loopback(addr) && strcmp(addr, "0.0.0.0") && strcmp(addr, "::"))
        snprintf(u->name, sizeof u->name, "%s", addr);
    return 0;
}

static void set_urls(ck_ui *u)
{
    const char *name = u->name[0] ? u->name : "127.0.0.1";
    int six = strchr(name, ':') != NULL;
    snprintf(u->base, sizeof u->base, "%s://%s%s%s:%u", ck_tls_on(&u->tls) ? "https" : "http", six ? "[" : "", name,
             six ? "]" : "", u->port);
    snprintf(u->url, sizeof u->url, "%s/", u->base);
}

int ck_ui_start(const ck_ui_config *cfg, ck_ui **out)
{
    ck_ui *u = calloc(1, sizeof *u);
    ck_guard_opts go = {0, 30000, 512};
    *out = NULL;
    if (cfg->err && cfg->err_cap) cfg->err[0] = 0;
    if (!u) return say(cfg, "out of memory");
    pthread_mutex_init(&u->smu, NULL);
    pthread_mutex_init(&u->amu, NULL);
    if (!cfg->data || access(cfg->data, R_OK | X_OK) != 0) {
        say(cfg, "the data folder is not a readable folder");
        goto fail;
    }
    snprintf(u->data, sizeof u->data, "%s", cfg->data);
    snprintf(u->web, sizeof u->web, "%s", cfg->web ? cfg->web : CK_UI_WEB_DIR);
    snprintf(u->chartjs, sizeof u->chartjs, "%s", cfg->chartjs ? cfg->chartjs : CHARTJS_DEBIAN);
    snprintf(u->server, sizeof u->server, "%s", cfg->server ? cfg->server : "");
    u->port = cfg->port;
    u->threads = cfg->threads ? cfg->threads : 4;
    u->idle_s = cfg->idle_s ? cfg->idle_s : 900;
    if (setup_transport(u, cfg) != 0) goto fail;
    if (!(u->guard = ck_guard_new(&go))) {
        say(cfg, "out of memory");
        goto fail;
    }
    if (start_daemon(u) != 0) {
        say(cfg, "cannot listen (the port taken? the address not this machine's? the TLS key refused?)");
        goto fail;
    }
    set_urls(u);
    if (ck_ui_sweeper_start(u) != 0) goto fail;
    *out = u;
    return 0;
fail:
    ck_ui_stop(u);
    return -1;
}

unsigned ck_ui_port(const ck_ui *u) { return u->port; }

const char *ck_ui_url(const ck_ui *u) { return u->url; }

void ck_ui_stop(ck_ui *u)
{
    if (!u) return;
    if (u->mhd) MHD_stop_daemon(u->mhd); /* waits for requests in flight */
    ck_ui_sweeper_stop(u);
    ck_ui_session_sweep(u, 1);
    ck_guard_free(u->guard);
    ck_tls_free(&u->tls);
    pthread_mutex_destroy(&u->smu);
    pthread_mutex_destroy(&u->amu);
    free(u);
}
