/*
 * src/api/handle.c - the FHIR API without a listener (api.h, "inside
 * another server"): the node's pages serve /fhir/... with the person's
 * session through these calls - same route table, handlers and cache as
 * the API's own server, one request at a time (the caller serializes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "api/api_impl.h"

int ck_api_open(ck_node *n, const char *base, ck_api **out)
{
    ck_api *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a) return -1;
    a->n = n;
    a->threads = 1; /* one request at a time: the caller serializes */
    pthread_mutex_init(&a->write_mu, NULL);
    snprintf(a->version, sizeof a->version, "0.1.0");
    snprintf(a->gid, sizeof a->gid, "%s", ck_node_gid(n));
    snprintf(a->base, sizeof a->base, "%s", base);
    pthread_mutex_init(&a->pool_mu, NULL);
    pthread_cond_init(&a->pool_cv, NULL);
    if (!(a->pool = calloc(1, sizeof *a->pool))) goto fail;
    if (ck_node_dup(&a->pool[0], n) != 0) goto fail;
    a->n_pool = a->n_free = 1;
    if (ck_api_cache_new(a) != 0) goto fail;
    *out = a;
    return 0;
fail:
    ck_api_stop(a); /* no daemon, no guard: closes the handle, wipes the cache */
    return -1;
}

int ck_api_handle(ck_api *a, const ck_api_call *c, ck_api_answer *out)
{
    ck_api_req r;
    ck_api_handler fn;
    const char *q = strchr(c->target, '?');
    int allowed;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    r.api = a;
    r.uri = (char *)c->target; /* read only: the handlers parse it, never write */
    r.qs = q ? q + 1 : "";
    r.qs_len = strlen(r.qs);
    r.method = c->method;
    r.body = (char *)c->body;
    r.body_len = c->body_len;
    r.body_cap = c->body_len;
    r.if_match = c->if_match;
    if (ck_api_route_parse(c->target, q ? (size_t)(q - c->target) : strlen(c->target), &r.route) != 0)
        ck_api_fail(&r, 404, "not-found", "no such route (see /fhir/metadata)", NULL);
    else if (!(fn = ck_api_dispatch(c->method, &r.route, &allowed)))
        ck_api_fail(&r, 405, "not-supported", "method not allowed here", NULL);
    else {
        r.n = a->pool[0];
        (void)fn(&r);
    }
    if (r.text) {
        out->text = r.text;
        out->text_len = r.text_len;
    } else if (r.reply) {
        out->text = ck_api_dump(r.reply, &len);
        out->text_len = len;
    }
    json_decref(r.reply);
    if (!out->text) return -1;
    out->status = r.status ? r.status : 200;
    snprintf(out->etag, sizeof out->etag, "%s", r.etag);
    if ((out->status == 201 || out->status == 200) && r.route.kind != CK_API_R_VREAD &&
        (!strcmp(c->method, "POST") || !strcmp(c->method, "PUT")))
        snprintf(out->location, sizeof out->location, "%s", r.location);
    return 0;
}

void ck_api_answer_free(ck_api_answer *out)
{
    if (!out) return;
    ck_api_free_text(out->text, out->text_len);
    out->text = NULL;
    out->text_len = 0;
}
