/*
 * src/client/cli_grant.c - write grants on a patient's record for the
 * command groups not moved onto the node yet (care, hospital, onboarding;
 * `carekey grant` itself is src/cli/grant.c over src/node/record/grant.c),
 * in two layers:
 *
 *   the server grant   (POST /v1/records/P/grants) - carekeyd enforces it
 *                      on every append;
 *   a GRANT entry      in the chain (ck_rec_grant_container), signed by the
 *                      patient or her delegate - readers replay grants from
 *                      the chain in ck_rec_verify, so a server that accepts
 *                      (or invents) a write without a grant is caught.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/cli_grant.h"

#define GRANT_SECTION "grants"
#define GRANT_TYPE "Consent"

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

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

/* ---- grants on the server and in the chain ---------------------------------- */

typedef struct {
    int64_t id;
    char grantee[CK_NET_ID_MAX + 1];
    char granted_by[CK_NET_ID_MAX + 1];
    char access[8];
    char sections[CK_REC_SECTIONS_MAX];
    int delegate;
    uint64_t expires;
    int revoked;
} server_grant;

static int server_grants(cli_ctx *c, const char *patient, server_grant **out, size_t *n)
{
    char path[256], *resp = NULL;
    size_t rlen = 0, i;
    long st = 0;
    json_t *doc, *arr, *g;
    *out = NULL;
    *n = 0;
    snprintf(path, sizeof path, "/v1/records/%s/grants", patient);
    if (ck_net_request(c->net, "GET", path, NULL, 0, &st, &resp, &rlen) != 0) return cli_ctx_net_error(c, "grants");
    doc = json_loadb(resp, rlen, 0, NULL);
    free(resp);
    if (st != 200 || !(arr = json_object_get(doc, "grants")) || !json_is_array(arr)) {
        json_decref(doc);
        cli_error(c->cmd, "listing the server's grants: HTTP %ld", st);
        return CLI_FAIL;
    }
    *out = calloc(json_array_size(arr) + 1, sizeof **out);
    json_array_foreach(arr, i, g) {
        server_grant *s = &(*out)[*n];
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
        (*n)++;
    }
    json_decref(doc);
    return CLI_OK;
}

/* Grants replayed from the verified chain (only entries that verified). */
size_t cli_grant_chain(const cli_rec_view *v, cli_chain_grant *out, size_t cap)
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
        out[n].active = 1;
        n++;
    }
    return n;
}

int cli_grant_load(cli_ctx *c, const char *record, cli_chain_grant **cg, size_t *n, const char *refusal, ...)
{
    cli_rec_view v;
    char why[512];
    va_list ap;
    int rc;
    *cg = NULL;
    *n = 0;
    memset(&v, 0, sizeof v);
    if ((rc = cli_rec_view_load(&v, c, record, 1)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (cli_rec_view_problems(&v)) {
        va_start(ap, refusal);
        vsnprintf(why, sizeof why, refusal, ap);
        va_end(ap);
        cli_error(c->cmd, "%s (see the problems above)", why);
        goto out;
    }
    if (!(*cg = calloc(v.n + 1, sizeof **cg))) goto out;
    *n = cli_grant_chain(&v, *cg, v.n + 1);
    rc = CLI_OK;
out:
    cli_rec_view_free(&v);
    return rc;
}

static int append_grant(cli_ctx *c, const char *patient, ck_rec_grant *g, ck_net_head *head)
{
    uint8_t *env = NULL;
    size_t len = 0;
    int rc;
    if (ck_rec_grant_container(&env, &len, g) != CK_REC_OK) {
        cli_error(c->cmd, "cannot encode the grant");
        return CLI_FAIL;
    }
    rc = cli_rec_append(c, patient, GRANT_SECTION, GRANT_TYPE, env, len, head);
    free(env);
    return rc;
}

int cli_grant_give(cli_ctx *c, const char *record, const char *grantee, const char *sections_csv, int delegate,
                   uint64_t expires_ms)
{
    char hex[2 * CK_REC_ID_BYTES + 1];
    int64_t sid = 0;
    ck_keyring_peer peer;
    ck_rec_grant g;
    ck_net_head head;
    int rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if ((rc = cli_ctx_peer(c, grantee, &peer)) != CLI_OK) return rc;   /* the grantee exists; pin her keys */
    /* 1. the server grant (enforcement) */
    if (ck_net_grant(c->net, record, grantee, sections_csv, delegate, (int64_t)expires_ms, &sid) != 0)
        return cli_ctx_net_error(c, "granting");
    /* 2. the GRANT entry in the chain (verification by readers) */
    memset(&g, 0, sizeof g);
    snprintf(g.grantee, sizeof g.grantee, "%s", grantee);
    snprintf(g.sections, sizeof g.sections, "%s", sections_csv);
    g.delegate = delegate;
    g.expires_ms = expires_ms;
    if ((rc = append_grant(c, record, &g, &head)) != CLI_OK) {
        cli_error(c->cmd, "the server grant %lld exists but the chain entry failed; revoke it or retry", (long long)sid);
        return rc;
    }
    ck_net_hex(hex, g.grant_id, CK_REC_ID_BYTES);
    printf("granted %s write access to %s of %s's record%s: grant %lld, chain id %s (entry %llu)\n", grantee,
           sections_csv, record, delegate ? " as a delegate" : "", (long long)sid, hex, (unsigned long long)head.seq);
    return cli_rec_after_write(c, record);
}

int cli_grant_covers(const cli_chain_grant *g, size_t n, const char *grantee, const char *sections_csv,
                     int need_delegate)
{
    uint64_t now = now_ms();
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

int cli_grant_read(cli_ctx *c, const char *record, const char *grantee, uint64_t expires_ms)
{
    int64_t id = 0;
    int rc;
    if (!ck_net_id_valid(record) || !ck_net_id_valid(grantee)) {
        cli_error(c->cmd, "invalid GID '%s'", ck_net_id_valid(record) ? grantee : record);
        return CLI_USAGE;
    }
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_grant_access(c->net, record, grantee, "read", "*", 0, (int64_t)expires_ms, &id) != 0)
        return cli_ctx_net_error(c, "granting read access");
    printf("granted %s read access to %s's record (server grant %lld)\n", grantee, record, (long long)id);
    return CLI_OK;
}

/* ---- every grant of one person ------------------------------------------------ */

int cli_grant_revoke_all(cli_ctx *c, const char *record, const char *grantee, const char *granted_by, size_t *n)
{
    cli_chain_grant *cg = NULL;
    server_grant *sg = NULL;
    size_t n_cg = 0, n_sg = 0, done = 0;
    ck_net_head head;
    int rc;

    rc = cli_grant_load(c, record, &cg, &n_cg, "the record of %s does not verify; not revoking through it", record);
    if (rc != CLI_OK || (rc = server_grants(c, record, &sg, &n_sg)) != CLI_OK) goto out;
    /* the server first: from then on it refuses the person's appends */
    for (size_t i = 0; i < n_sg; i++) {
        if (sg[i].revoked || strcmp(sg[i].grantee, grantee) != 0 || (granted_by && strcmp(sg[i].granted_by, granted_by)))
            continue;
        if (ck_net_grant_revoke(c->net, record, sg[i].id) != 0) {
            rc = cli_ctx_net_error(c, "revoking on the server");
            goto out;
        }
        printf("revoked grant %lld to %s on %s's record on the server\n", (long long)sg[i].id, grantee, record);
        done++;
    }
    for (size_t i = 0; i < n_cg; i++) {
        ck_rec_grant g = cg[i].g;
        char hex[2 * CK_REC_ID_BYTES + 1];
        if (!cg[i].active || strcmp(g.grantee, grantee) != 0 || (granted_by && strcmp(cg[i].by, granted_by))) continue;
        g.revoke = 1;
        if ((rc = append_grant(c, record, &g, &head)) != CLI_OK) goto out;
        ck_net_hex(hex, g.grant_id, CK_REC_ID_BYTES);
        printf("revoked chain grant %s to %s on %s's record (entry %llu)\n", hex, grantee, record,
               (unsigned long long)head.seq);
        done++;
    }
    rc = done ? cli_rec_after_write(c, record) : CLI_OK;
out:
    if (n) *n = done;
    free(cg);
    free(sg);
    return rc;
}

