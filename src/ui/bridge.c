/*
 * src/ui/bridge.c - the node's FHIR API (src/api) for a page session:
 * the same route table, handlers and decrypted-record cache, run without
 * a listener of its own over the session's node. The browser authenticates
 * with its session cookie (and the CSRF token for writes, checked in
 * server.c); the API's bearer token never reaches a browser. No change to
 * src/api: this file builds the ck_api its handlers expect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api/api_impl.h"
#include "ui/ui_impl.h"

int ck_ui_fhir_new(ck_node *n, const char *base, ck_api **out)
{
    ck_api *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a) return -1;
    a->n = n;
    a->threads = 1; /* the session's requests are serialized (ck_ui_session.mu) */
    snprintf(a->version, sizeof a->version, "0.1.0");
    snprintf(a->gid, sizeof a->gid, "%s", ck_node_gid(n));
    snprintf(a->base, sizeof a->base, "%s/fhir", base);
    pthread_mutex_init(&a->pool_mu, NULL);
    pthread_cond_init(&a->pool_cv, NULL);
    if (!(a->pool = calloc(1, sizeof *a->pool))) goto fail;
    if (ck_node_dup(&a->pool[0], n) != 0) goto fail;
    a->n_pool = a->n_free = 1;
    if (ck_api_cache_new(a) != 0) goto fail;
    *out = a;
    return 0;
fail:
    ck_ui_fhir_free(a);
    return -1;
}

void ck_ui_fhir_free(ck_api *a)
{
    if (a) ck_api_stop(a); /* no daemon, no guard: closes the handle, wipes the cache */
}

int ck_ui_fhir_serve(ck_ui_req *q)
{
    ck_api *a = q->s->fhir;
    ck_api_req r;
    ck_api_handler fn;
    int allowed;
    size_t len = 0;
    memset(&r, 0, sizeof r);
    r.api = a;
    r.uri = q->uri;
    r.qs = q->qs;
    r.qs_len = strlen(q->qs);
    r.method = q->method;
    r.body = q->body;
    r.body_len = q->body_len;
    r.body_cap = q->body_cap;
    if (ck_api_route_parse(q->uri, q->path_len, &r.route) != 0)
        return ck_ui_fail(q, 404, "not_found", "no such FHIR route (see /fhir/metadata)");
    if (!(fn = ck_api_dispatch(q->method, &r.route, &allowed)))
        return ck_ui_fail(q, 405, "method_not_allowed", "method not allowed here");
    r.if_match = MHD_lookup_connection_value(q->con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH);
    r.n = a->pool[0];
    (void)fn(&r);
    if (r.text) {
        q->text = r.text;
        q->text_len = r.text_len;
    } else if (r.reply) {
        q->text = ck_api_dump(r.reply, &len);
        q->text_len = len;
    }
    json_decref(r.reply);
    if (!q->text) return ck_ui_fail(q, 500, "no_memory", "out of memory");
    q->status = r.status ? r.status : 200;
    q->ctype = "application/fhir+json; charset=utf-8";
    snprintf(q->etag, sizeof q->etag, "%s", r.etag);
    if ((q->status == 201 || q->status == 200) && r.route.kind != CK_API_R_VREAD &&
        (!strcmp(q->method, "POST") || !strcmp(q->method, "PUT")))
        snprintf(q->location, sizeof q->location, "%s", r.location);
    return 0;
}
