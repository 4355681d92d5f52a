/*
 * src/client/cli_grant.c - `carekey grant`: write grants on a patient's
 * record, in two layers:
 *
 *   the server grant   (POST /v1/records/P/grants) - carekeyd enforces it
 *                      on every append;
 *   a GRANT entry      in the chain (ck_rec_grant_container), signed by the
 *                      patient or her delegate - readers replay grants from
 *                      the chain in ck_rec_verify, so a server that accepts
 *                      (or invents) a write without a grant is caught.
 *
 *   grant --patient P --gid GID --sections a,b [--delegate] [--expires WHEN]
 *   (--to GID: the old name of --gid, still accepted, no longer documented)
 *   grant revoke --patient P --id ID
 *   grant list --patient P
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

/* "never", "30d", "12h", "45m", "90s", "2026-01-31", "2026-01-31T10:00:00Z"
 * or Unix milliseconds. 0 on success. */
static int parse_expires(const char *s, uint64_t *ms)
{
    char *end;
    unsigned long long v;
    struct tm tm;
    if (strcmp(s, "never") == 0) return *ms = 0, 0;
    if (isdigit((unsigned char)s[0])) {
        v = strtoull(s, &end, 10);
        if (*end && !end[1] && strchr("dhms", *end)) {
            uint64_t mult = *end == 'd' ? 86400000ull : *end == 'h' ? 3600000ull : *end == 'm' ? 60000ull : 1000ull;
            if (v == 0 || v > 36500ull * 86400000ull / mult) return -1;
            *ms = now_ms() + v * mult;
            return 0;
        }
        if (!*end && strlen(s) >= 12) return *ms = v, 0;   /* Unix ms */
    }
    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%Y-%m-%d", &tm);
    if (end && *end == 'T') end = strptime(end, "T%H:%M:%S", &tm);
    if (end && *end == 'Z') end++;
    if (!end || *end) return -1;
    *ms = (uint64_t)timegm(&tm) * 1000ull;
    return *ms > now_ms() ? 0 : -1;
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

static int same_grant(const ck_rec_grant *g, const server_grant *s)
{
    char a[CK_REC_SECTIONS_MAX];
    canon_sections(a, sizeof a, g->sections);
    return strcmp(g->grantee, s->grantee) == 0 && strcmp(a, s->sections) == 0 && !g->delegate == !s->delegate &&
           g->expires_ms == s->expires;
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

/* ---- grant (create) -------------------------------------------------------- */

static const char grant_usage[] =
    "Usage: carekey grant --patient P --gid GID --sections a,b [--delegate] [--expires WHEN]\n"
    "       carekey grant --patient P --gid GID --read [--expires WHEN]\n"
    "       carekey grant revoke --patient P --id ID\n"
    "       carekey grant list --patient P\n"
    "\n"
    "Lets GID append to the listed sections of P's record ('*' = all). Run by\n"
    "the patient or a delegate she named. Two layers: a grant on the server,\n"
    "which enforces it, and a GRANT entry signed by the granter in the record's\n"
    "chain, from which every reader verifies who was allowed to write what.\n"
    "\n"
    "  --patient P      the patient's GID\n"
    "  --gid GID        who receives the grant (the recipient, as everywhere)\n"
    "  --sections LIST  comma-separated sections, or '*'\n"
    "  --delegate       GID may grant and revoke on the patient's behalf\n"
    "  --read           GID may fetch the record (family, a care team): the server\n"
    "                   serves a record's entries only to its owner, delegates and\n"
    "                   grantees; what GID can decrypt is still decided by its keys\n"
    "  --expires WHEN   never (default), 30d, 12h, 45m, 2026-01-31[T10:00:00Z] or Unix ms\n"
    "\n"
    "Subcommands:\n"
    "  revoke  revoke a grant: 'grant revoke --id ID' takes the id 'grant' printed\n"
    "          (the server's number or the chain id)\n"
    "  list    the grants the verified chain holds\n"
    "\n" CLI_CTX_HELP;

static int cmd_create(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"gid", required_argument, NULL, 't'},
                                       {"to", required_argument, NULL, 't'},   /* hidden alias of --gid */
                                       {"sections", required_argument, NULL, 's'},
                                       {"delegate", no_argument, NULL, 'd'},
                                       {"read", no_argument, NULL, 'r'},
                                       {"expires", required_argument, NULL, 'e'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant", *patient = NULL, *to = NULL, *sections = NULL;
    char secs[CK_REC_SECTIONS_MAX], tmp[CK_REC_SECTIONS_MAX], *save = NULL, *srv[40];
    const char *srvp[40];
    size_t n_srv = 0;
    uint64_t expires = 0;
    int delegate = 0, read = 0, opt, rc;
    cli_ctx c;

    cli_ctx_init(&c, "grant");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 't': to = optarg; break;
        case 's': sections = optarg; break;
        case 'd': delegate = 1; break;
        case 'r': read = 1; break;
        case 'e':
            if (parse_expires(optarg, &expires) != 0)
                return cli_usage_error(c.cmd, help, "--expires: '%s' is not a future time (30d, 12h, 2026-01-31, ...)",
                                       optarg);
            break;
        case 'h': fputs(grant_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (read && (sections || delegate))
        return cli_usage_error(c.cmd, help, "--read covers the whole record: no --sections, no --delegate");
    if (read) {
        if (!patient || !to) return cli_usage_error(c.cmd, help, "--patient and --gid are required");
        rc = cli_grant_read(&c, patient, to, expires);
        cli_ctx_close(&c);
        return rc;
    }
    if (!patient || !to || !sections) return cli_usage_error(c.cmd, help, "--patient, --gid and --sections are required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (!ck_net_id_valid(patient) || !ck_net_id_valid(to))
        return cli_usage_error(c.cmd, help, "invalid GID '%s'", ck_net_id_valid(patient) ? to : patient);
    /* sections: validated here; a delegate also gets the "grants" section so
     * the server lets her append the GRANT entries she issues */
    snprintf(tmp, sizeof tmp, "%s", sections);
    if (strlen(sections) >= sizeof tmp) return cli_usage_error(c.cmd, help, "--sections is too long");
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "*") != 0 && !cli_rec_valid_section(t))
            return cli_usage_error(c.cmd, help, "invalid section name '%s'", t);
        if (n_srv == 32) return cli_usage_error(c.cmd, help, "at most 32 sections");
        srv[n_srv++] = t;
    }
    if (!n_srv) return cli_usage_error(c.cmd, help, "--sections is empty");
    if (delegate && !(n_srv == 1 && strcmp(srv[0], "*") == 0)) {
        int have = 0;
        for (size_t i = 0; i < n_srv; i++) have |= strcmp(srv[i], GRANT_SECTION) == 0;
        if (!have) srv[n_srv++] = (char *)GRANT_SECTION;
    }
    secs[0] = 0;
    for (size_t i = 0; i < n_srv; i++) {
        size_t l = strlen(secs);
        snprintf(secs + l, sizeof secs - l, "%s%s", l ? "," : "", srv[i]);
        srvp[i] = srv[i];
    }
    (void)srvp;
    rc = cli_grant_give(&c, patient, to, secs, delegate, expires);
    cli_ctx_close(&c);
    return rc;
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

/* ---- grant revoke ------------------------------------------------------------ */

static const char revoke_usage[] =
    "Usage: carekey grant revoke --patient P --id ID\n"
    "\n"
    "Revokes a write grant on P's record on the server (no more appends) and in\n"
    "the chain (a signed revocation readers replay). ID is the server's grant\n"
    "number or the 32-hex-digit chain id that 'carekey grant' printed.\n"
    "\n" CLI_CTX_HELP;

static int cmd_revoke(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"id", required_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant revoke", *patient = NULL, *id = NULL;
    cli_chain_grant *cg = NULL;
    server_grant *sg = NULL;
    size_t n_cg = 0, n_sg = 0;
    uint8_t want[CK_REC_ID_BYTES];
    int by_chain = 0, opt, rc, done = 0;
    int64_t want_sid = -1;
    cli_chain_grant *hit_c = NULL;
    server_grant *hit_s = NULL;
    ck_net_head head;
    cli_ctx c;

    cli_ctx_init(&c, "grant revoke");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        switch (opt) {
        case 'p': patient = optarg; break;
        case 'i': id = optarg; break;
        case 'h': fputs(revoke_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!patient || !id) return cli_usage_error(c.cmd, help, "--patient and --id are required");
    if (optind != argc) return cli_usage_error(c.cmd, help, "unexpected argument '%s'", argv[optind]);
    if (strlen(id) == 2 * CK_REC_ID_BYTES && ck_net_unhex(want, CK_REC_ID_BYTES, id) == 0) {
        by_chain = 1;
    } else {
        char *end;
        long long x = strtoll(id, &end, 10);
        if (!*id || *end || x <= 0) return cli_usage_error(c.cmd, help, "--id: '%s' is neither a grant number nor a chain id", id);
        want_sid = x;
    }
    rc = cli_grant_load(&c, patient, &cg, &n_cg, "the record does not verify; not revoking through it");
    if (rc != CLI_OK || (rc = server_grants(&c, patient, &sg, &n_sg)) != CLI_OK) goto out;
    if (by_chain) {
        for (size_t i = 0; i < n_cg; i++)
            if (cg[i].active && memcmp(cg[i].g.grant_id, want, CK_REC_ID_BYTES) == 0) hit_c = &cg[i];
        if (hit_c)
            for (size_t i = 0; i < n_sg; i++)
                if (!sg[i].revoked && same_grant(&hit_c->g, &sg[i])) hit_s = &sg[i];
    } else {
        for (size_t i = 0; i < n_sg; i++)
            if (!sg[i].revoked && sg[i].id == want_sid) hit_s = &sg[i];
        if (hit_s)
            for (size_t i = 0; i < n_cg; i++)
                if (cg[i].active && same_grant(&cg[i].g, hit_s)) hit_c = &cg[i];
    }
    if (!hit_c && !hit_s) {
        cli_error(c.cmd, "no active grant %s on %s's record", id, patient);
        rc = CLI_FAIL;
        goto out;
    }
    if (hit_s) {
        if (ck_net_grant_revoke(c.net, patient, hit_s->id) != 0) {
            rc = cli_ctx_net_error(&c, "revoking on the server");
            goto out;
        }
        printf("revoked grant %lld on the server\n", (long long)hit_s->id);
        done++;
    } else {
        cli_error(c.cmd, "warning: the server holds no matching active grant");
    }
    if (hit_c) {
        ck_rec_grant g = hit_c->g;
        char hex[2 * CK_REC_ID_BYTES + 1];
        g.revoke = 1;
        if ((rc = append_grant(&c, patient, &g, &head)) != CLI_OK) goto out;
        ck_net_hex(hex, g.grant_id, CK_REC_ID_BYTES);
        printf("revoked chain grant %s to %s (entry %llu)\n", hex, g.grantee, (unsigned long long)head.seq);
        done++;
    } else {
        cli_error(c.cmd, "warning: the chain holds no matching active grant");
    }
    rc = cli_rec_after_write(&c, patient);
out:
    (void)done;
    free(cg);
    free(sg);
    cli_ctx_close(&c);
    return rc;
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

/* ---- grant list ------------------------------------------------------------- */

static const char list_usage[] =
    "Usage: carekey grant list --patient P\n"
    "\n"
    "Verifies P's record and lists the write grants its chain holds (who granted\n"
    "what to whom, active or revoked).\n"
    "\n" CLI_CTX_HELP;

static int cmd_list(int argc, char **argv)
{
    static const struct option lo[] = {{"patient", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_CTX_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "grant list", *patient = NULL;
    cli_chain_grant *cg = NULL;
    size_t n;
    cli_rec_view v;
    cli_ctx c;
    int opt, rc;

    memset(&v, 0, sizeof v);
    cli_ctx_init(&c, "grant list");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, c.cmd, help)) != -1) {
        if (cli_ctx_option(&c, opt, optarg)) continue;
        if (opt == 'p') patient = optarg;
        else if (opt == 'h') return fputs(list_usage, stdout), CLI_OK;
        else return CLI_USAGE;
    }
    if (!patient || optind != argc) return cli_usage_error(c.cmd, help, "--patient is required (and nothing else)");
    if ((rc = cli_rec_view_load(&v, &c, patient, 1)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (!(cg = calloc(v.n + 1, sizeof *cg))) goto out;
    n = cli_grant_chain(&v, cg, v.n + 1);
    printf("%-32s  %-16s  %-16s  %-8s  %-20s  %s\n", "chain id", "grantee", "granted by", "status", "expires", "sections");
    for (size_t i = 0; i < n; i++) {
        char hex[2 * CK_REC_ID_BYTES + 1], when[32];
        ck_net_hex(hex, cg[i].g.grant_id, CK_REC_ID_BYTES);
        if (cg[i].g.expires_ms) cli_rec_time(when, cg[i].g.expires_ms);
        else snprintf(when, sizeof when, "never");
        printf("%-32s  %-16s  %-16s  %-8s  %-20s  %s%s\n", hex, cg[i].g.grantee, cg[i].by,
               !cg[i].active ? "revoked" : (cg[i].g.expires_ms && cg[i].g.expires_ms <= now_ms()) ? "expired" : "active",
               when, cg[i].g.sections, cg[i].g.delegate ? " (delegate)" : "");
    }
    rc = cli_rec_view_problems(&v) ? CLI_FAIL : CLI_OK;
out:
    free(cg);
    cli_rec_view_free(&v);
    cli_ctx_close(&c);
    return rc;
}

/* ---- group ------------------------------------------------------------------ */

static void grant_help(FILE *f) { fputs(grant_usage, f); }

static const cli_subcmd grant_subcmds[] = {
    {"revoke", "revoke a write grant", revoke_usage, cmd_revoke},
    {"list", "list the grants the verified chain holds", list_usage, cmd_list},
};

static int grant_run(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "revoke") == 0 || strcmp(argv[1], "list") == 0 || strcmp(argv[1], "help") == 0))
        return cli_dispatch("grant", grant_help, grant_subcmds, 2, argc, argv);
    if (argc < 2) {
        grant_help(stderr);
        return CLI_USAGE;
    }
    return cmd_create(argc, argv);
}

const cli_group cli_group_grant = {"grant", "write and read access to a record: grant, revoke, list", grant_run};
