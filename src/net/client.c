/*
 * client.c - the signed-request transport of the carekeyd client.
 *
 * One libcurl easy handle per ck_net keeps the connection alive between
 * requests. Each request gets a fresh time stamp and a random nonce and is
 * signed over ck_net_req_string() with the identity's key; the string
 * names the origin of the URL the handle was opened with, so the request
 * is good at that deployment only.
 */
#include "client_impl.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

/* A failed transfer (code "transport", as ever): the certificate problems
 * name what fixes them. */
static void transport_error(ck_net *c, CURLcode cc)
{
    char m[400];
    /* A connection that went away mid-request (a server restarting, a
     * proxy dropping it) is worth another attempt; refused connections,
     * timeouts and certificate problems are not. */
    c->transport_kind = cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
                        cc == CURLE_PARTIAL_FILE;
    switch (cc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ISSUER_ERROR:
        snprintf(m, sizeof m, "%s: the server's TLS certificate is not trusted; set CAREKEY_CA_FILE to the PEM file "
                              "of the CA that signed it%s%s%s", curl_easy_strerror(cc),
                 c->ca_file ? " (the one given, " : "", c->ca_file ? c->ca_file : "",
                 c->ca_file ? ", does not vouch for it)" : "");
        ck_net_set_error(c, 0, "transport", m);
        break;
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(m, sizeof m, "%s: CAREKEY_CA_FILE (%s) cannot be read as PEM certificates", curl_easy_strerror(cc),
                 c->ca_file ? c->ca_file : "unset");
        ck_net_set_error(c, 0, "transport", m);
        break;
    default: ck_net_set_error(c, 0, "transport", curl_easy_strerror(cc));
    }
}

static void curl_init_once(void) { curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

int ck_net_global_init(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_ok ? 0 : -1;
}

void ck_net_set_error(ck_net *c, long status, const char *code, const char *message)
{
    c->status = status;
    snprintf(c->code, sizeof c->code, "%s", code ? code : "");
    snprintf(c->message, sizeof c->message, "%s", message ? message : "");
}

json_t *ck_net_json_hex(const uint8_t *p, size_t n)
{
    char buf[257];
    if (n > 128) return NULL;
    ck_net_hex(buf, p, n);
    return json_string(buf);
}

json_t *ck_net_json_b64(const uint8_t *p, size_t n)
{
    char *buf = malloc(ck_net_b64_len(n));
    json_t *j;
    if (buf == NULL) return NULL;
    ck_net_b64(buf, p, n);
    j = json_string(buf);
    free(buf);
    return j;
}

long ck_net_status(const ck_net *c) { return c->status; }
const char *ck_net_error_code(const ck_net *c) { return c->code; }

int ck_net_append_raced(const ck_net *c)
{
    return c->status == 409 && (!strcmp(c->code, "head_mismatch") || !strcmp(c->code, "time_regression"));
}
const char *ck_net_error_message(const ck_net *c) { return c->message; }

int ck_net_open(ck_net **out, const ck_net_opts *o)
{
    ck_net *c = NULL;
    size_t n;
    *out = NULL;
    if (o == NULL || o->url == NULL || ck_net_global_init() != 0) return -1;
    if ((c = calloc(1, sizeof *c)) == NULL) return -1;
    if ((c->url = strdup(o->url)) == NULL) goto fail;
    n = strlen(c->url);
    while (n && c->url[n - 1] == '/') c->url[--n] = 0;
    if (ck_net_origin(c->url, c->origin, sizeof c->origin) != 0) goto fail;
    if (o->ca_file && (c->ca_file = strdup(o->ca_file)) == NULL) goto fail;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
    c->retry_budget_ms = -1;
    if ((c->curl = curl_easy_init()) == NULL) goto fail;
    *out = c;
    return 0;
fail:
    ck_net_close(c);
    return -1;
}

void ck_net_close(ck_net *c)
{
    if (c == NULL) return;
    if (c->curl) curl_easy_cleanup(c->curl);
    OPENSSL_cleanse(c->sk, sizeof c->sk);
    ck_net_session_forget(c);
    ck_net_signer_free(c->signer);
    free(c->url);
    free(c->ca_file);
    free(c);
}

int ck_net_set_identity(ck_net *c, const char *caller, const uint8_t sk[32])
{
    if (caller == NULL || strlen(caller) >= sizeof c->caller || sk == NULL) return -1;
    ck_net_signer_free(c->signer);
    if ((c->signer = ck_net_signer_new(sk)) == NULL) return -1;
    ck_net_session_forget(c); /* a session belongs to one identity */
    snprintf(c->caller, sizeof c->caller, "%s", caller);
    memcpy(c->sk, sk, 32);
    c->have_key = 1;
    return 0;
}

void ck_net_set_retry(ck_net *c, long budget_ms) { c->retry_budget_ms = budget_ms > 0 ? budget_ms : 0; }

int ck_net_set_purpose(ck_net *c, const char *purpose)
{
    if (purpose && strlen(purpose) >= sizeof c->purpose) return -1;
    snprintf(c->purpose, sizeof c->purpose, "%s", purpose ? purpose : "");
    return 0;
}

typedef struct {
    char *p;
    size_t len, cap;
} rbuf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    rbuf *b = ud;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *np;
        while (cap < b->len + n + 1) cap *= 2;
        if (cap > (64u << 20) || (np = realloc(b->p, cap)) == NULL) return 0; /* abort */
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, ptr, n);
    b->len += n;
    b->p[b->len] = 0;
    return n;
}

/* Keeps Retry-After (delta seconds; an HTTP date is ignored). */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    ck_net *c = ud;
    size_t n = size * nmemb;
    long ms;
    if (n > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0 && ck_net_retry_after_parse(ptr + 12, n - 12, &ms) == 0)
        c->retry_after_ms = ms;
    return n;
}

int ck_net_request_at(ck_net *c, const char *method, const char *path_query, const char *body,
                      size_t body_len, int64_t timestamp, const char *nonce, long *status, char **resp,
                      size_t *resp_len)
{
    struct curl_slist *h = NULL;
    char *url = NULL, *msg = NULL, line[256], sighex[129];
    uint8_t sig[64];
    rbuf b = {NULL, 0, 0};
    CURLcode cc;
    int rc = -1, with_session;

    *resp = NULL;
    *resp_len = 0;
    *status = 0;
    if (!c->have_key || path_query == NULL || path_query[0] != '/') {
        ck_net_set_error(c, 0, "bad_argument", "no identity or bad path");
        return -1;
    }
    if ((url = malloc(strlen(c->url) + strlen(path_query) + 1)) == NULL) goto out;
    sprintf(url, "%s%s", c->url, path_query);
    msg = ck_net_req_string(c->origin, method, path_query, c->caller, timestamp, nonce, c->purpose,
                            (const uint8_t *)body, body_len);
    if (msg == NULL) goto out;
    with_session = c->sid[0] && !ck_net_session_path(path_query);
    if (with_session) {
        ck_net_req_mac(sig, c->skey, msg, strlen(msg));
        ck_net_hex(sighex, sig, 32);
    } else {
        if (ck_net_signer_sign(c->signer, sig, (const uint8_t *)msg, strlen(msg)) != 0) goto out;
        ck_net_hex(sighex, sig, 64);
    }

    snprintf(line, sizeof line, "X-CK-GID: %s", c->caller);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-CK-Time: %lld", (long long)timestamp);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-CK-Nonce: %s", nonce);
    h = curl_slist_append(h, line);
    if (with_session) {
        snprintf(line, sizeof line, "X-CK-Session: %s", c->sid);
        h = curl_slist_append(h, line);
        snprintf(line, sizeof line, "X-CK-MAC: %s", sighex);
    } else {
        snprintf(line, sizeof line, "X-CK-Signature: %s", sighex);
    }
    h = curl_slist_append(h, line);
    if (c->purpose[0]) {
        snprintf(line, sizeof line, "X-CK-Purpose: %s", c->purpose);
        h = curl_slist_append(h, line);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */

    curl_easy_reset(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c->curl, CURLOPT_PATH_AS_IS, 1L); /* send (and sign) the path as given */
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
    c->retry_after_ms = 0;
    c->transport_kind = 0;
    if (c->ca_file) curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->ca_file);
    if (body_len || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (strcmp(method, "GET") == 0) curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    cc = curl_easy_perform(c->curl);
    if (cc != CURLE_OK) {
        transport_error(c, cc);
        goto out;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    c->status = *status;
    if (b.p == NULL && (b.p = calloc(1, 1)) == NULL) goto out;
    *resp = b.p;
    *resp_len = b.len;
    b.p = NULL;
    rc = 0;
out:
    if (rc != 0 && c->code[0] == 0) ck_net_set_error(c, 0, "transport", "request failed");
    curl_slist_free_all(h);
    free(url);
    free(msg);
    free(b.p);
    return rc;
}

int ck_net_request(ck_net *c, const char *method, const char *path_query, const char *body,
                   size_t body_len, long *status, char **resp, size_t *resp_len)
{
    char nonce[CK_NET_NONCE_HEX + 1];
    int rc, again = path_query != NULL && !ck_net_session_path(path_query);
    if (again) ck_net_session_ensure(c);
    for (;;) {
        if (ck_net_nonce(nonce, again && c->sid[0] ? ++c->session_seq : 0) != 0) return -1;
        c->code[0] = 0;
        rc = ck_net_request_at(c, method, path_query, body, body_len, (int64_t)time(NULL), nonce, status,
                               resp, resp_len);
        /* A session the server forgot refused the request before it did
         * anything: open a new one and send it once more. */
        if (rc != 0 || !again || !c->sid[0] || !ck_net_session_gone(*status, *resp, *resp_len)) return rc;
        again = 0;
        free(*resp);
        *resp = NULL;
        ck_net_session_forget(c);
        ck_net_session_ensure(c);
    }
}

int ck_net_call(ck_net *c, const char *method, const char *path, json_t *body, long want, json_t **out)
{
    /* Reads are idempotent: they ride out a failover (client_retry.c). */
    if (strcmp(method, "GET") == 0) return ck_net_call_retry(c, method, path, body, want, out, NULL);
    return ck_net_call_once(c, method, path, body, want, out);
}

int ck_net_call_once(ck_net *c, const char *method, const char *path, json_t *body, long want, json_t **out)
{
    char *text = NULL, *resp = NULL;
    size_t rlen;
    long status;
    json_t *j = NULL;
    int rc = -1;

    if (out) *out = NULL;
    c->code[0] = 0;
    c->message[0] = 0;
    if (body && (text = json_dumps(body, JSON_COMPACT)) == NULL) {
        ck_net_set_error(c, 0, "bad_argument", "cannot encode body");
        return -1;
    }
    if (ck_net_request(c, method, path, text, text ? strlen(text) : 0, &status, &resp, &rlen) != 0) goto out;
    j = json_loadb(resp, rlen, 0, NULL);
    if (status != want) {
        json_t *e = json_object_get(j, "error");
        ck_net_set_error(c, status, json_is_object(e) ? json_string_value(json_object_get(e, "code")) : "bad_response",
                         json_is_object(e) ? json_string_value(json_object_get(e, "message")) : "unexpected status");
        goto out;
    }
    if (!json_is_object(j)) {
        ck_net_set_error(c, status, "bad_response", "response is not a JSON object");
        goto out;
    }
    if (out) {
        *out = j;
        j = NULL;
    }
    rc = 0;
out:
    json_decref(j);
    free(text);
    free(resp);
    return rc;
}
