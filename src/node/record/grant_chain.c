/*
 * src/node/record/grant_chain.c - the grants of a record as the verified
 * chain holds them (replayed GRANT entries) and as the server holds them,
 * and how the two are matched.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/record/grant_impl.h"

/* "b,a,b" -> "a,b": sorted, without duplicates (for comparing grants). */
static void canon_sections(char *out, size_t cap, const char *csv)
{
    char buf[CK_REC_SECTIONS_MAX], *tok[64], *save = NULL;
    size_t n = 0, used = 0;
    snprintf(buf, sizeof buf, "%s", csv);
    for (char *t = strtok_r(buf, ",", &save); t && n < 64; t = strtok_r(NULL, ",", &save)) tok[n++] = t;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(tok[j - 1], tok[j]) > 0; j--) {
            char *x = tok[j];
            tok[j] = tok[j - 1];
            tok[j - 1] = x;
        }
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(tok[i], tok[i - 1]) == 0) continue;
        used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%s%s", used ? "," : "", tok[i]);
    }
}

static void server_grant_of(ck_node_server_grant *s, const json_t *g)
{
    json_t *secs = json_object_get(g, "sections"), *x;
    size_t k;
    char csv[CK_REC_SECTIONS_MAX] = "";
    s->id = json_integer_value(json_object_get(g, "id"));
    snprintf(s->grantee, sizeof s->grantee, "%s", json_string_value(json_object_get(g, "grantee")) ?: "");
    snprintf(s->granted_by, sizeof s->granted_by, "%s", json_string_value(json_object_get(g, "granted_by")) ?: "");
    snprintf(s->access, sizeof s->access, "%s", json_string_value(json_object_get(g, "access")) ?: "write");
    json_array_foreach(secs, k, x) {
        size_t l = strlen(csv);
        snprintf(csv + l, sizeof csv - l, "%s%s", l ? "," : "", json_string_value(x) ?: "");
    }
    canon_sections(s->sections, sizeof s->sections, csv);
    s->delegate = json_is_true(json_object_get(g, "delegate"));
    s->expires = (uint64_t)json_integer_value(json_object_get(g, "expires_at"));
    s->revoked = json_integer_value(json_object_get(g, "revoked_at")) != 0;
}

int ck_node_server_grants(ck_node *c, const char *patient, ck_node_server_grant **out, size_t *n)
{
    char path[256], *resp = NULL;
    size_t rlen = 0, i;
    long st = 0;
    json_t *doc, *arr, *g;
    *out = NULL;
    *n = 0;
    snprintf(path, sizeof path, "/v1/records/%s/grants", patient);
    if (ck_net_request(c->net, "GET", path, NULL, 0, &st, &resp, &rlen) != 0) return ck_node_fail_net(c, c->net, "grants");
    doc = json_loadb(resp, rlen, 0, NULL);
    free(resp);
    if (st != 200 || !(arr = json_object_get(doc, "grants")) || !json_is_array(arr)) {
        json_decref(doc);
        return ck_node_fail(c, CK_NODE_E_UPSTREAM, "bad_grants", "listing the server's grants: HTTP %ld", st);
    }
    if (!(*out = calloc(json_array_size(arr) + 1, sizeof **out))) {
        json_decref(doc);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    json_array_foreach(arr, i, g) server_grant_of(&(*out)[(*n)++], g);
    json_decref(doc);
    return 0;
}

size_t ck_node_grant_chain(const ck_node_view *v, ck_node_chain_grant *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        ck_rec_container gc;
        ck_rec_grant g;
        if (!v->vo.valid[i]) continue;
        if (ck_rec_container_decode(&gc, v->e[i].envelope, v->e[i].envelope_len) != CK_REC_OK ||
            gc.kind != CK_REC_KIND_GRANT || ck_rec_grant_decode(&g, gc.body, gc.body_len) != CK_REC_OK)
            continue;
        if (g.revoke) {
            for (size_t k = 0; k < n; k++)
                if (memcmp(out[k].g.grant_id, g.grant_id, CK_REC_ID_BYTES) == 0) out[k].active = 0;
            continue;
        }
        if (n == cap) continue;
        out[n].g = g;
        snprintf(out[n].by, sizeof out[n].by, "%s", v->e[i].author);
        out[n].seq = v->e[i].seq;
        out[n].time_ms = v->e[i].time_ms;
        out[n].active = 1;
        n++;
    }
    return n;
}

int ck_node_grant_load(ck_node *c, const char *record, ck_node_chain_grant **cg, size_t *n, const char *refusal, ...)
{
    ck_node_view v;
    char why[512];
    va_list ap;
    int rc;
    *cg = NULL;
    *n = 0;
    if ((rc = ck_node_view_load(&v, c, record, 1)) != 0) goto out;
    if (ck_node_view_problems(&v)) {
        va_start(ap, refusal);
        vsnprintf(why, sizeof why, refusal, ap);
        va_end(ap);
        rc = ck_node_fail(c, CK_NODE_E_INTEGRITY, "record_unverified", "%s (see the problems above)", why);
        goto out;
    }
    if (!(*cg = calloc(v.n + 1, sizeof **cg))) {
        rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    *n = ck_node_grant_chain(&v, *cg, v.n + 1);
out:
    ck_node_view_free(&v);
    return rc;
}

int ck_node_grant_same(const ck_rec_grant *g, const ck_node_server_grant *s)
{
    char a[CK_REC_SECTIONS_MAX];
    canon_sections(a, sizeof a, g->sections);
    return strcmp(g->grantee, s->grantee) == 0 && strcmp(a, s->sections) == 0 && !g->delegate == !s->delegate &&
           g->expires_ms == s->expires;
}

int ck_node_grant_covers(const ck_node_chain_grant *g, size_t n, const char *grantee, const char *sections_csv,
                         int need_delegate)
{
    uint64_t now = ck_node_now_ms();
    for (size_t i = 0; i < n; i++) {
        char buf[CK_REC_SECTIONS_MAX], *save = NULL;
        int all = 1;
        if (!g[i].active || strcmp(g[i].g.grantee, grantee) != 0 || (need_delegate && !g[i].g.delegate)) continue;
        if (g[i].g.expires_ms && g[i].g.expires_ms <= now) continue;
        snprintf(buf, sizeof buf, "%s", sections_csv);
        for (char *t = strtok_r(buf, ",", &save); t && all; t = strtok_r(NULL, ",", &save))
            all = ck_rec_grant_covers(&g[i].g, t);
        if (all) return 1;
    }
    return 0;
}
