/*
 * src/api/server.c - the FHIR API's HTTP server: libmicrohttpd on
 * 127.0.0.1 with a pool of worker threads, each request served with a
 * node handle of its own (ck_node_dup: one per worker, taken from a pool,
 * so decryption in one worker never waits for another), the bearer token
 * in HOME/api-token, and the request cycle: guard (Host, token), route,
 * handler, reply. The request target is kept raw (as carekeyd does) so
 * the route and the query are parsed exactly once, by src/api and
 * carekey_fhir.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "api/api_impl.h"
#include "guard.h"
#include "serve.h"

#define TOKEN_FILE "api-token"

/* ---- the token --------------------------------------------------------------------------- */

/* HOME/api-token: read it (only when no one else may: owned by this user,
 * no group or other bits), or create it (0600, O_EXCL) with 32 random
 * bytes as hex. 0, or -1. */
static int load_token(ck_api *a, const char *home)
{
    char path[4096];
    uint8_t raw[32];
    int fd, rc = -1;
    ssize_t got;
    snprintf(path, sizeof path, "%s/%s", home, TOKEN_FILE);
    if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
        struct stat st;
        /* a token others can read is no secret: refuse it rather than serve with it */
        if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
            close(fd);
            return -1;
        }
        got = read(fd, a->token, CK_API_TOKEN_HEX);
        close(fd);
        a->token[got == CK_API_TOKEN_HEX ? CK_API_TOKEN_HEX : 0] = 0;
        for (int i = 0; i < CK_API_TOKEN_HEX && a->token[0]; i++)
            if (!strchr("0123456789abcdef", a->token[i])) a->token[0] = 0;
        return a->token[0] ? 0 : -1;
    }
    if (errno != ENOENT || RAND_bytes(raw, sizeof raw) != 1) return -1;
    for (int i = 0; i < 32; i++) snprintf(a->token + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) return -1;
    if (write(fd, a->token, CK_API_TOKEN_HEX) == CK_API_TOKEN_HEX && write(fd, "\n", 1) == 1 && fsync(fd) == 0) rc = 0;
    close(fd);
    if (rc != 0) unlink(path);
    return rc;
}

/* ---- node handles ------------------------------------------------------------------------------ */

static ck_node *take_node(ck_api *a)
{
    ck_node *n;
    pthread_mutex_lock(&a->pool_mu);
    while (a->n_free == 0) pthread_cond_wait(&a->pool_cv, &a->pool_mu);
    n = a->pool[--a->n_free];
    pthread_mutex_unlock(&a->pool_mu);
    return n;
}

static void give_node(ck_api *a, ck_node *n)
{
    pthread_mutex_lock(&a->pool_mu);
    a->pool[a->n_free++] = n;
    pthread_cond_signal(&a->pool_cv);
    pthread_mutex_unlock(&a->pool_mu);
}

/* ---- a request ---------------------------------------------------------------------------------- */

static void req_free(ck_api_req *r)
{
    if (!r) return;
    free(r->uri);
    if (r->body) {
        OPENSSL_cleanse(r->body, r->body_cap);
        free(r->body);
    }
    json_decref(r->reply);
    ck_api_free_text(r->text, r->text_len);
    free(r);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    ck_api_req *r = calloc(1, sizeof *r);
    const char *q;
    (void)con;
    if (!r) return NULL;
    r->api = cls;
    if (!uri || strlen(uri) >= CK_API_URI_MAX || !(r->uri = strdup(uri))) return r; /* uri NULL: 414 */
    q = strchr(r->uri, '?');
    r->qs = q ? q + 1 : "";
    r->qs_len = strlen(r->qs);
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

static enum MHD_Result send_reply(struct MHD_Connection *con, ck_api_req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char *text = r->text;
    size_t len = r->text_len;
    if (!text) {
        if (!r->reply) r->reply = ck_fhir_api_outcome(CK_FHIR_API_ERROR, "exception", "no reply", NULL), r->status = 500;
        if (!(text = ck_api_dump(r->reply, &len))) return MHD_NO;
    }
    r->text = NULL;
    r->text_len = 0;
    resp = MHD_create_response_from_buffer_with_free_callback(len, text, wipe_free);
    if (!resp) {
        ck_api_free_text(text, len);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/fhir+json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->etag[0]) MHD_add_response_header(resp, "ETag", r->etag);
    if (r->location[0] && (r->status == 201 || r->status == 200) && r->route.kind != CK_API_R_VREAD &&
        (!strcmp(r->method, "POST") || !strcmp(r->method, "PUT")))
        MHD_add_response_header(resp, "Location", r->location);
    if (r->status == 401) MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"carekey\"");
    if (r->status == 405) {
        char allow[64];
        ck_api_allow(&r->route, allow, sizeof allow);
        if (r->route.type[0] && ck_fhir_api_type_served(r->route.type) && !ck_fhir_api_type_writable(r->route.type))
            snprintf(allow, sizeof allow, "GET"); /* read-only types */
        MHD_add_response_header(resp, "Allow", allow);
    }
    ret = MHD_queue_response(con, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Guard, route, handler: r's reply. */
static void serve(struct MHD_Connection *con, ck_api_req *r)
{
    ck_api *a = r->api;
    const char *host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *auth = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *q;
    ck_api_handler fn;
    int allowed;
    if (!ck_api_host_ok(host, a->port)) {
        ck_api_fail(r, 421, "forbidden", "Host must name this server: 127.0.0.1:PORT, localhost:PORT or [::1]:PORT",
                    NULL);
        return;
    }
    if (!ck_api_bearer_ok(auth, a->token)) {
        ck_api_fail(r, 401, "login", "a bearer token is required: Authorization: Bearer <HOME/api-token>", NULL);
        return;
    }
    if (!r->uri) {
        ck_api_fail(r, 414, "too-long", "the request target is too long", NULL);
        return;
    }
    if (r->too_big) {
        ck_api_fail(r, 413, "too-long", "the body is over 8 MiB", NULL);
        return;
    }
    q = strchr(r->uri, '?');
    if (ck_api_route_parse(r->uri, q ? (size_t)(q - r->uri) : strlen(r->uri), &r->route) != 0) {
        ck_api_fail(r, 404, "not-found", "no such route (see /fhir/metadata)", NULL);
        return;
    }
    if (!(fn = ck_api_dispatch(r->method, &r->route, &allowed))) {
        ck_api_fail(r, 405, "not-supported", "method not allowed here", NULL);
        return;
    }
    /* _format in the query overrides Accept (R4 3.1.0.1.10) */
    if (!(q && strstr(q, "_format=")) &&
        !ck_api_accept_json(MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT))) {
        ck_api_fail(r, 406, "not-supported", "only JSON is served (Accept: application/fhir+json)", NULL);
        return;
    }
    if ((!strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) &&
        !ck_api_content_json(MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        ck_api_fail(r, 415, "not-supported", "the body must be JSON (Content-Type: application/fhir+json)", NULL);
        return;
    }
    r->if_match = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
    r->n = take_node(a);
    (void)fn(r);
    give_node(a, r->n);
    r->n = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    ck_api *a = cls;
    ck_api_req *r = *con_cls;
    (void)url;
    (void)version;
    if (!r) return MHD_NO;
    if (!r->started) {
        const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        r->started = 1;
        r->method = method;
        if (cl && strtoull(cl, NULL, 10) > CK_API_BODY_MAX) r->too_big = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big || r->body_len + n > CK_API_BODY_MAX) {
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
                OPENSSL_cleanse(r->body, r->body_cap); /* a body is patient data: never left in freed memory */
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
    ck_guard_request_arrived(a->guard, con);
    serve(con, r);
    return send_reply(con, r);
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    ck_api *a = cls;
    (void)toe;
    ck_guard_request_done(a->guard, con);
    req_free(*con_cls);
    *con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------------------------------------ */

static int start_daemon(ck_api *a, unsigned port)
{
    /* the loopback only: the keyring is open in this process */
    ck_httpd_opts o = {.port = port, .threads = a->threads, .guard = a->guard, .on_request = on_request,
                       .on_completed = on_completed, .on_uri = on_uri, .cls = a};
    if (!(a->mhd = ck_httpd_start(&o, &a->port))) return -1;
    snprintf(a->base, sizeof a->base, "http://127.0.0.1:%u/fhir", a->port);
    return 0;
}

static int make_pool(ck_api *a)
{
    pthread_mutex_init(&a->pool_mu, NULL);
    pthread_cond_init(&a->pool_cv, NULL);
    if (!(a->pool = calloc(a->threads, sizeof *a->pool))) return -1;
    for (unsigned i = 0; i < a->threads; i++) {
        if (ck_node_dup(&a->pool[i], a->n) != 0) return -1;
        a->n_pool = a->n_free = i + 1;
    }
    return 0;
}

int ck_api_start(ck_node *n, const ck_api_config *cfg, ck_api **out)
{
    ck_api *a = calloc(1, sizeof *a);
    ck_guard_opts go = {0, 30000, 512}; /* every client is 127.0.0.1: no per-address limit */
    *out = NULL;
    if (!a) return -1;
    a->n = n;
    pthread_mutex_init(&a->write_mu, NULL);
    a->threads = cfg->threads ? cfg->threads : 4;
    snprintf(a->version, sizeof a->version, "%s", cfg->version ? cfg->version : "0.1.0");
    snprintf(a->gid, sizeof a->gid, "%s", ck_node_gid(n));
    if (cfg->n_patients && !(a->patients = calloc(cfg->n_patients, sizeof *a->patients))) goto fail;
    for (size_t i = 0; i < cfg->n_patients; i++) {
        if (!(a->patients[i] = strdup(cfg->patients[i]))) goto fail;
        a->n_patients = i + 1;
    }
    if (load_token(a, ck_node_home(n)) != 0 || ck_api_cache_new(a) != 0 || make_pool(a) != 0 ||
        !(a->guard = ck_guard_new(&go)) || start_daemon(a, cfg->port) != 0)
        goto fail;
    *out = a;
    return 0;
fail:
    ck_api_stop(a);
    return -1;
}

unsigned ck_api_port(const ck_api *a) { return a->port; }

void ck_api_stop(ck_api *a)
{
    if (!a) return;
    if (a->mhd) MHD_stop_daemon(a->mhd);
    ck_guard_free(a->guard);
    for (size_t i = 0; i < a->n_pool; i++) ck_node_close(a->pool[i]);
    free(a->pool);
    if (a->pool) {
        pthread_mutex_destroy(&a->pool_mu);
        pthread_cond_destroy(&a->pool_cv);
    }
    ck_api_cache_free(a);
    pthread_mutex_destroy(&a->write_mu);
    for (size_t i = 0; i < a->n_patients; i++) free(a->patients[i]);
    free(a->patients);
    OPENSSL_cleanse(a->token, sizeof a->token);
    free(a);
}
