/*
 * src/ui/bridge.c - the node's FHIR API (src/api) for a page session,
 * through its public entry for embedding servers (ck_api_open,
 * ck_api_handle): the same route table, handlers and decrypted-record
 * cache, without a listener of its own, over the session's node. The
 * browser authenticates with its session cookie (and the CSRF token for
 * writes, checked in server.c); the API's bearer token never reaches a
 * browser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api/api.h"
#include "ui/ui_impl.h"

int ck_ui_fhir_new(ck_node *n, const char *base, ck_api **out)
{
    char url[600];
    snprintf(url, sizeof url, "%s/fhir", base);
    return ck_api_open(n, url, out);
}

void ck_ui_fhir_free(ck_api *a) { ck_api_stop(a); }

int ck_ui_fhir_serve(ck_ui_req *q)
{
    ck_api_answer ans;
    ck_api_call c = {q->method, q->uri, q->body, q->body_len,
                     MHD_lookup_connection_value(q->con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MATCH)};
    if (ck_api_handle(q->s->fhir, &c, &ans) != 0) return ck_ui_fail(q, 500, "no_memory", "out of memory");
    q->text = ans.text; /* wiped and freed with the reply */
    q->text_len = ans.text_len;
    q->status = ans.status;
    q->ctype = "application/fhir+json; charset=utf-8";
    snprintf(q->etag, sizeof q->etag, "%s", ans.etag);
    snprintf(q->location, sizeof q->location, "%s", ans.location);
    return 0;
}
