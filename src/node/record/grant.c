/*
 * src/node/record/grant.c - giving, revoking and listing grants
 * (carekey/node_grant.h): the server grant first (enforcement), then the
 * GRANT entry in the chain (verification by every reader).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carekey/node_grant.h"
#include "node/record/grant_impl.h"

#define MAX_SECTIONS 32

static int append_grant(ck_node *c, const char *patient, ck_rec_grant *g, ck_net_head *head)
{
    uint8_t *env = NULL;
    size_t len = 0;
    int rc;
    if (ck_rec_grant_container(&env, &len, g) != CK_REC_OK)
        return ck_node_fail(c, CK_NODE_E_NOMEM, "grant_encode", "cannot encode the grant");
    rc = ck_node_append(c, patient, CK_NODE_GRANT_SECTION, CK_NODE_GRANT_TYPE, env, len, head);
    free(env);
    return rc;
}

int ck_node_grant_give(ck_node *c, const char *record, const char *grantee, const char *sections_csv, int delegate,
                       uint64_t expires_ms)
{
    char hex[2 * CK_REC_ID_BYTES + 1];
    int64_t sid = 0;
    ck_keyring_peer peer;
    ck_rec_grant g;
    ck_net_head head;
    int rc;
    if ((rc = ck_node_net(c)) != 0) return rc;
    if ((rc = ck_node_peer(c, grantee, &peer)) != 0) return rc;   /* the grantee exists; pin her keys */
    if (ck_net_grant(c->net, record, grantee, sections_csv, delegate, (int64_t)expires_ms, &sid) != 0)
        return ck_node_fail_net(c, c->net, "granting");
    memset(&g, 0, sizeof g);
    snprintf(g.grantee, sizeof g.grantee, "%s", grantee);
    snprintf(g.sections, sizeof g.sections, "%s", sections_csv);
    g.delegate = delegate;
    g.expires_ms = expires_ms;
    if ((rc = append_grant(c, record, &g, &head)) != 0) {
        ck_node_notice(c, CK_NODE_WARNING, "the server grant %lld exists but the chain entry failed; revoke it or retry",
                       (long long)sid);
        return rc;
    }
    ck_net_hex(hex, g.grant_id, CK_REC_ID_BYTES);
    ck_node_notice(c, CK_NODE_INFO, "granted %s write access to %s of %s's record%s: grant %lld, chain id %s (entry %llu)",
                   grantee, sections_csv, record, delegate ? " as a delegate" : "", (long long)sid, hex,
                   (unsigned long long)head.seq);
    return ck_node_after_write(c, record);
}

int ck_node_grant_read(ck_node *c, const char *record, const char *grantee, uint64_t expires_ms)
{
    int64_t id = 0;
    int rc;
    if (!ck_net_id_valid(record) || !ck_net_id_valid(grantee))
        return ck_node_fail(c, CK_NODE_E_INVALID, "bad_gid", "invalid GID '%s'", ck_net_id_valid(record) ? grantee : record);
    if ((rc = ck_node_net(c)) != 0) return rc;
    if (ck_net_grant_access(c->net, record, grantee, "read", "*", 0, (int64_t)expires_ms, &id) != 0)
        return ck_node_fail_net(c, c->net, "granting read access");
    ck_node_notice(c, CK_NODE_INFO, "granted %s read access to %s's record (server grant %lld)", grantee, record,
                   (long long)id);
    return 0;
}

/* The sections of a write grant, checked; a delegate also gets "grants" so
 * the server lets her append the GRANT entries she issues. */
static int grant_sections(ck_node *c, const ck_node_grant_in *in, char out[CK_REC_SECTIONS_MAX])
{
    char tmp[CK_REC_SECTIONS_MAX], *save = NULL;
    const char *v[MAX_SECTIONS + 1];
    size_t n = 0;
    int have_grants = 0;
    if (strlen(in->sections) >= sizeof tmp)
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_sections", "sections", "--sections is too long");
    snprintf(tmp, sizeof tmp, "%s", in->sections);
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "*") != 0 && !ck_node_valid_section(t))
            return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_sections", "sections", "invalid section name '%s'", t);
        if (n == MAX_SECTIONS)
            return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_sections", "sections", "at most %d sections", MAX_SECTIONS);
        have_grants |= strcmp(t, CK_NODE_GRANT_SECTION) == 0;
        v[n++] = t;
    }
    if (!n) return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_sections", "sections", "--sections is empty");
    if (in->delegate && !(n == 1 && strcmp(v[0], "*") == 0) && !have_grants) v[n++] = CK_NODE_GRANT_SECTION;
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, CK_REC_SECTIONS_MAX - l, "%s%s", l ? "," : "", v[i]);
    }
    return 0;
}

static int grant(ck_node *c, const ck_node_grant_in *in)
{
    char secs[CK_REC_SECTIONS_MAX];
    int rc;
    if (!in->patient || !in->grantee)
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "missing", "patient", "--patient and --gid are required");
    if (in->read) {
        if (in->sections || in->delegate)
            return ck_node_fail_at(c, CK_NODE_E_INVALID, "read_whole", "read",
                                   "--read covers the whole record: no --sections, no --delegate");
        return ck_node_grant_read(c, in->patient, in->grantee, in->expires_ms);
    }
    if (!in->sections)
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "missing", "sections", "--patient, --gid and --sections are required");
    if (!ck_net_id_valid(in->patient) || !ck_net_id_valid(in->grantee))
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_gid", "gid", "invalid GID '%s'",
                               ck_net_id_valid(in->patient) ? in->grantee : in->patient);
    if ((rc = grant_sections(c, in, secs)) != 0) return rc;
    return ck_node_grant_give(c, in->patient, in->grantee, secs, in->delegate, in->expires_ms);
}

int ck_node_grant(ck_node *c, const ck_node_grant_in *in)
{
    int rc;
    ck_node_enter(c);
    rc = grant(c, in);
    ck_node_leave(c);
    return rc;
}

/* ---- revoking ----------------------------------------------------------------- */

typedef struct {
    ck_node_chain_grant *cg;
    ck_node_server_grant *sg;
    size_t n_cg, n_sg;
} grant_sets;

static void sets_free(grant_sets *s)
{
    free(s->cg);
    free(s->sg);
    memset(s, 0, sizeof *s);
}

static int sets_load(ck_node *c, const char *record, grant_sets *s, const char *refusal)
{
    int rc = ck_node_grant_load(c, record, &s->cg, &s->n_cg, "%s", refusal);
    return rc != 0 ? rc : ck_node_server_grants(c, record, &s->sg, &s->n_sg);
}

/* The chain grant and server grant id names (either may be missing). */
static void find_by_id(const grant_sets *s, const char *id, ck_node_chain_grant **hc, ck_node_server_grant **hs)
{
    uint8_t want[CK_REC_ID_BYTES];
    *hc = NULL;
    *hs = NULL;
    if (strlen(id) == 2 * CK_REC_ID_BYTES && ck_net_unhex(want, CK_REC_ID_BYTES, id) == 0) {
        for (size_t i = 0; i < s->n_cg; i++)
            if (s->cg[i].active && memcmp(s->cg[i].g.grant_id, want, CK_REC_ID_BYTES) == 0) *hc = &s->cg[i];
        for (size_t i = 0; *hc && i < s->n_sg; i++)
            if (!s->sg[i].revoked && ck_node_grant_same(&(*hc)->g, &s->sg[i])) *hs = &s->sg[i];
        return;
    }
    for (size_t i = 0; i < s->n_sg; i++)
        if (!s->sg[i].revoked && s->sg[i].id == strtoll(id, NULL, 10)) *hs = &s->sg[i];
    for (size_t i = 0; *hs && i < s->n_cg; i++)
        if (s->cg[i].active && ck_node_grant_same(&s->cg[i].g, *hs)) *hc = &s->cg[i];
}

static int id_valid(const char *id)
{
    uint8_t b[CK_REC_ID_BYTES];
    char *end;
    long long x;
    if (strlen(id) == 2 * CK_REC_ID_BYTES && ck_net_unhex(b, CK_REC_ID_BYTES, id) == 0) return 1;
    x = strtoll(id, &end, 10);
    return *id && !*end && x > 0 && isdigit((unsigned char)id[0]);
}

static int revoke_chain(ck_node *c, const char *record, const ck_rec_grant *og, const char *fmt_tail)
{
    ck_rec_grant g = *og;
    char hex[2 * CK_REC_ID_BYTES + 1];
    ck_net_head head;
    int rc;
    g.revoke = 1;
    if ((rc = append_grant(c, record, &g, &head)) != 0) return rc;
    ck_net_hex(hex, g.grant_id, CK_REC_ID_BYTES);
    ck_node_notice(c, CK_NODE_INFO, "revoked chain grant %s to %s%s (entry %llu)", hex, g.grantee, fmt_tail,
                   (unsigned long long)head.seq);
    return 0;
}

static int revoke(ck_node *c, const char *patient, const char *id)
{
    ck_node_chain_grant *hc;
    ck_node_server_grant *hs;
    grant_sets s = {0};
    int rc;
    if (!id_valid(id))
        return ck_node_fail_at(c, CK_NODE_E_INVALID, "bad_id", "id", "--id: '%s' is neither a grant number nor a chain id",
                               id);
    if ((rc = sets_load(c, patient, &s, "the record does not verify; not revoking through it")) != 0) goto out;
    find_by_id(&s, id, &hc, &hs);
    if (!hc && !hs) {
        rc = ck_node_fail(c, CK_NODE_E_NOT_FOUND, "no_grant", "no active grant %s on %s's record", id, patient);
        goto out;
    }
    if (hs) {
        if (ck_net_grant_revoke(c->net, patient, hs->id) != 0) {
            rc = ck_node_fail_net(c, c->net, "revoking on the server");
            goto out;
        }
        ck_node_notice(c, CK_NODE_INFO, "revoked grant %lld on the server", (long long)hs->id);
    } else {
        ck_node_notice(c, CK_NODE_WARNING, "warning: the server holds no matching active grant");
    }
    if (hc) {
        if ((rc = revoke_chain(c, patient, &hc->g, "")) != 0) goto out;
    } else {
        ck_node_notice(c, CK_NODE_WARNING, "warning: the chain holds no matching active grant");
    }
    rc = ck_node_after_write(c, patient);
out:
    sets_free(&s);
    return rc;
}

int ck_node_grant_revoke(ck_node *c, const char *patient, const char *id)
{
    int rc;
    ck_node_enter(c);
    rc = revoke(c, patient, id);
    ck_node_leave(c);
    return rc;
}

int ck_node_grant_revoke_all(ck_node *c, const char *record, const char *grantee, const char *granted_by, size_t *n)
{
    grant_sets s = {0};
    size_t done = 0;
    char tail[CK_NET_ID_MAX + 32], refusal[CK_NET_ID_MAX + 64];
    int rc;

    snprintf(refusal, sizeof refusal, "the record of %s does not verify; not revoking through it", record);
    if ((rc = sets_load(c, record, &s, refusal)) != 0) goto out;
    /* the server first: from then on it refuses the person's appends */
    for (size_t i = 0; i < s.n_sg; i++) {
        if (s.sg[i].revoked || strcmp(s.sg[i].grantee, grantee) != 0 ||
            (granted_by && strcmp(s.sg[i].granted_by, granted_by)))
            continue;
        if (ck_net_grant_revoke(c->net, record, s.sg[i].id) != 0) {
            rc = ck_node_fail_net(c, c->net, "revoking on the server");
            goto out;
        }
        ck_node_notice(c, CK_NODE_INFO, "revoked grant %lld to %s on %s's record on the server", (long long)s.sg[i].id,
                       grantee, record);
        done++;
    }
    snprintf(tail, sizeof tail, " on %s's record", record);
    for (size_t i = 0; i < s.n_cg; i++) {
        if (!s.cg[i].active || strcmp(s.cg[i].g.grantee, grantee) != 0 || (granted_by && strcmp(s.cg[i].by, granted_by)))
            continue;
        if ((rc = revoke_chain(c, record, &s.cg[i].g, tail)) != 0) goto out;
        done++;
    }
    rc = done ? ck_node_after_write(c, record) : 0;
out:
    if (n) *n = done;
    sets_free(&s);
    return rc;
}

/* ---- listing ------------------------------------------------------------------ */

void ck_node_grant_info_of(ck_node_grant_info *o, const ck_node_chain_grant *g, uint64_t now)
{
    memset(o, 0, sizeof *o);
    ck_net_hex(o->chain_id, g->g.grant_id, CK_REC_ID_BYTES);
    snprintf(o->grantee, sizeof o->grantee, "%s", g->g.grantee);
    snprintf(o->by, sizeof o->by, "%s", g->by);
    snprintf(o->sections, sizeof o->sections, "%s", g->g.sections);
    o->delegate = g->g.delegate;
    o->expires_ms = g->g.expires_ms;
    o->seq = g->seq;
    o->time_ms = g->time_ms;
    o->status = !g->active ? CK_NODE_GRANT_REVOKED
                : (g->g.expires_ms && g->g.expires_ms <= now) ? CK_NODE_GRANT_EXPIRED : CK_NODE_GRANT_ACTIVE;
}

static int list(ck_node *c, const char *patient, ck_node_grant_info **out, size_t *count, int *problems)
{
    ck_node_chain_grant *cg = NULL;
    ck_node_view v;
    uint64_t now = ck_node_now_ms();
    size_t n;
    int rc;
    if ((rc = ck_node_view_load(&v, c, patient, 1)) != 0) goto out;
    *problems = ck_node_view_problems(&v) != 0;
    if (!(cg = calloc(v.n + 1, sizeof *cg)) || !(*out = calloc(v.n + 1, sizeof **out))) {
        rc = ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    n = ck_node_grant_chain(&v, cg, v.n + 1);
    for (size_t i = 0; i < n; i++) ck_node_grant_info_of(&(*out)[i], &cg[i], now);
    *count = n;
out:
    free(cg);
    ck_node_view_free(&v);
    return rc;
}

int ck_node_grant_list(ck_node *c, const char *patient, ck_node_grant_info **out, size_t *count, int *problems)
{
    int rc;
    *out = NULL;
    *count = 0;
    *problems = 0;
    ck_node_enter(c);
    rc = list(c, patient, out, count, problems);
    if (rc != 0) {
        free(*out);
        *out = NULL;
    }
    ck_node_leave(c);
    return rc;
}

const char *ck_node_grant_status_name(ck_node_grant_status s)
{
    return s == CK_NODE_GRANT_REVOKED ? "revoked" : s == CK_NODE_GRANT_EXPIRED ? "expired" : "active";
}

int ck_node_expires_parse(const char *s, uint64_t now, uint64_t *ms)
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
            *ms = now + v * mult;
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
    return *ms > now ? 0 : -1;
}
