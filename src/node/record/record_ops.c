/*
 * src/node/record/record_ops.c - the record operations of
 * carekey/node_record.h over the verified view (view_load.c, view.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_record.h"
#include "carekey/report.h"
#include "node/record/record_impl.h"

struct ck_node_record {
    ck_node *n;
    ck_node_view v;
};

int ck_node_record_load(ck_node *n, const char *patient, unsigned flags, ck_node_record **out)
{
    ck_node_record *r = calloc(1, sizeof *r);
    int rc;
    *out = NULL;
    ck_node_enter(n);
    if (!r) {
        rc = ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    r->n = n;
    rc = flags & CK_NODE_LOAD_FULL ? ck_node_view_load_full(&r->v, n, patient, flags & CK_NODE_LOAD_REPORT)
                                   : ck_node_view_load(&r->v, n, patient, flags & CK_NODE_LOAD_REPORT);
    if (rc != 0) {
        ck_node_view_free(&r->v);
        free(r);
        goto out;
    }
    *out = r;
out:
    ck_node_leave(n);
    return rc;
}

void ck_node_record_free(ck_node_record *r)
{
    if (!r) return;
    ck_node_view_free(&r->v);
    free(r);
}

void ck_node_record_summary_of(const ck_node_record *r, ck_node_record_summary *o)
{
    const ck_node_view *v = &r->v;
    memset(o, 0, sizeof *o);
    o->patient = v->patient;
    o->n_entries = v->n;
    o->head_seq = v->vo.head.seq;
    memcpy(o->head_hash, v->vo.head.hash, 32);
    o->head_signed = v->has_signed && v->sh.seq == v->vo.head.seq && !memcmp(v->sh.hash, v->vo.head.hash, 32);
    o->n_problems = v->vo.n_problems;
    o->n_more_problems = v->vo.n_dropped;
    o->n_open_batches = v->vo.n_open_batches;
    o->n_open_entries = ck_node_view_open_entries(v);
    o->n_rewritten = v->rewritten;
}

ck_node_record_problem ck_node_record_problem_at(const ck_node_record *r, size_t i)
{
    ck_node_record_problem p = {"", 0, ""};
    if (i < r->v.vo.n_problems) {
        p.kind = ck_rec_problem_name(r->v.vo.problem[i].kind);
        p.seq = r->v.vo.problem[i].seq;
        p.detail = r->v.vo.problem[i].detail;
    }
    return p;
}

size_t ck_node_record_count(const ck_node_record *r) { return r->v.n; }

static ck_node_entry_kind kind_of(const ck_node_view *v, size_t i, ck_rec_container *c)
{
    const ck_net_entry *e = &v->e[i];
    if (!v->vo.valid[i]) return CK_NODE_ENTRY_INVALID;
    if (!e->envelope) return CK_NODE_ENTRY_DROPPED;
    if (ck_rec_container_decode(c, e->envelope, e->envelope_len) != CK_REC_OK) return CK_NODE_ENTRY_MALFORMED;
    switch (c->kind) {
    case CK_REC_KIND_DATA: return CK_NODE_ENTRY_DATA;
    case CK_REC_KIND_GRANT: return CK_NODE_ENTRY_GRANT;
    case CK_REC_KIND_COMMIT: return CK_NODE_ENTRY_COMMIT;
    case CK_REC_KIND_PROFILE: return CK_NODE_ENTRY_PROFILE;
    case CK_REC_KIND_TOMBSTONE: return CK_NODE_ENTRY_TOMBSTONE;
    default: return CK_NODE_ENTRY_UNKNOWN;
    }
}

void ck_node_record_entry(const ck_node_record *r, size_t i, ck_node_entry_info *o)
{
    const ck_node_view *v = &r->v;
    const ck_net_entry *e = &v->e[i];
    ck_rec_container c;
    memset(o, 0, sizeof *o);
    o->seq = e->seq;
    o->time_ms = e->time_ms;
    o->section = e->section;
    o->type = e->resource_type;
    o->author = e->author;
    o->kind = kind_of(v, i, &c);
    if (o->kind != CK_NODE_ENTRY_DATA) return;
    ck_net_hex(o->entry_id, c.entry_id, CK_REC_ID_BYTES);
    o->uncommitted = v->vo.batch_state[i] == CK_REC_BATCH_OPEN;
    o->abandoned = v->vo.batch_state[i] == CK_REC_BATCH_ABANDONED;
    if (o->uncommitted || o->abandoned) return;
    o->latest = v->it[i].latest;
    o->version_of = v->e[v->it[i].origin].seq;
    o->superseded_by = v->it[i].superseded_by ? v->e[v->it[i].superseded_by - 1].seq : 0;
    o->readable = ck_node_view_readable((ck_node_view *)v, i);
}

void ck_node_record_describe(const ck_node_record *r, size_t i, char *out, size_t cap)
{
    const ck_node_view *v = &r->v;
    ck_rec_container c;
    ck_rec_grant g;
    ck_node_entry_kind k = kind_of(v, i, &c);
    out[0] = 0;
    if (k == CK_NODE_ENTRY_DATA) {
        if (ck_rec_policy(out, cap, &v->e[i]) != CK_REC_OK) snprintf(out, cap, "?");
    } else if (k == CK_NODE_ENTRY_GRANT && ck_rec_grant_decode(&g, c.body, c.body_len) == CK_REC_OK) {
        snprintf(out, cap, "%s %s: %s%s", g.revoke ? "revoke grant to" : "grant to", g.grantee, g.sections,
                 g.delegate ? " (delegate)" : "");
    }
}

ck_node_open_status ck_node_record_open(ck_node_record *r, size_t i, struct json_t **payload)
{
    ck_node_view *v = &r->v;
    uint8_t *pt = NULL;
    size_t len = 0;
    ck_rec_err er = CK_REC_ERR_ACCESS;
    ck_node_open_status st;
    *payload = NULL;
    ck_node_enter(r->n);
    if (ck_node_view_readable(v, i)) er = ck_node_view_open(v, i, &pt, &len);
    if (er == CK_REC_OK) {
        *payload = ck_fhir_json_parse((const char *)pt, len, NULL);
        st = *payload ? CK_NODE_OPEN_OK : CK_NODE_OPEN_MALFORMED;
    } else if (er == CK_REC_ERR_ACCESS) {
        st = v->c->s->kr && ck_rec_access_of(&v->e[i], ck_keyring_user_key(v->c->s->kr)) == CK_REC_ACCESS_OTHER_EPOCH
                 ? CK_NODE_OPEN_OTHER_EPOCH
                 : CK_NODE_OPEN_NOT_SHARED;
    } else {
        st = CK_NODE_OPEN_FAILED;
        ck_node_fail(r->n, CK_NODE_E_INTEGRITY, "does_not_open", "entry %llu: %s", (unsigned long long)v->e[i].seq,
                     ck_rec_strerror(er));
    }
    ck_node_free_secret(pt, len);
    ck_node_leave(r->n);
    return st;
}

const char *ck_node_open_status_text(ck_node_open_status s)
{
    switch (s) {
    case CK_NODE_OPEN_OK: return "ok";
    case CK_NODE_OPEN_NOT_SHARED: return CK_REPORT_NOT_SHARED;
    case CK_NODE_OPEN_OTHER_EPOCH: return "sealed for an older epoch: re-encryption pending";
    case CK_NODE_OPEN_MALFORMED: return "malformed payload";
    default: return "does not open (altered envelope)";
    }
}

int ck_node_record_sections(ck_node_record *r, ck_fhir_sections *out, size_t *withheld, size_t *bad)
{
    int rc;
    ck_node_enter(r->n);
    rc = ck_node_view_sections(&r->v, out, withheld, bad);
    ck_node_leave(r->n);
    return rc;
}

int ck_node_record_pin(ck_node_record *r)
{
    int rc;
    ck_node_enter(r->n);
    rc = ck_node_view_pin(&r->v);
    ck_node_leave(r->n);
    return rc;
}

/* ---- put ---------------------------------------------------------------------------- */

static int valid_type(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (!n || n > 64 || !isalpha((unsigned char)t[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)t[i])) return 0;
    return 1;
}

/* The write's inputs, as a front end may not have checked them. */
static int check_put(ck_node *n, const ck_node_put_in *in)
{
    ck_section want, got;
    if (!in->patient || !ck_net_id_valid(in->patient))
        return ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_gid", "patient", "'%s' is not a valid GID",
                               in->patient ? in->patient : "");
    if (!ck_node_valid_section(in->section))
        return ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_section", "section",
                               "invalid section name '%s' (a-z, 0-9, _ and -, at most 32)", in->section ? in->section : "");
    if (!valid_type(in->type))
        return ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_type", "type", "invalid resource type '%s'",
                               in->type ? in->type : "");
    got = ck_fhir_section_of(in->type);
    if (got != CK_SECTION_OTHER && ck_section_from_name(in->section, &want) == 0 && want != got)
        return ck_node_fail_at(n, CK_NODE_E_INVALID, "wrong_section", "section", "%s belongs in section '%s', not '%s'",
                               in->type, ck_section_name(got), in->section);
    return 0;
}

static int check_payload(ck_node *n, const ck_node_put_in *in)
{
    json_error_t je;
    json_t *doc;
    const char *rt;
    int rc = 0;
    /* decimal-exact: a FHIR decimal such as 1E400 or a 23-digit integer is
     * valid JSON that plain jansson refuses (the payload is sealed as read) */
    memset(&je, 0, sizeof je);
    if (!(doc = ck_fhir_json_parse((const char *)in->payload, in->payload_len, &je)) ||
        !(json_is_object(doc) || json_is_array(doc))) {
        json_decref(doc);
        return ck_node_fail_at(n, CK_NODE_E_INVALID, "bad_json", "payload",
                               "not a JSON object or array (line %d, column %d)", je.line, je.column);
    }
    rt = json_is_object(doc) ? json_string_value(json_object_get(doc, "resourceType")) : NULL;
    if (rt && strcmp(rt, in->type) != 0)
        rc = ck_node_fail_at(n, CK_NODE_E_INVALID, "wrong_type", "resourceType", "the resource is not a %s", in->type);
    json_decref(doc);
    return rc;
}

/* Seals payload for policy; *env malloc'ed. */
static int seal(ck_node *n, const ck_node_put_in *in, const char *policy, uint8_t **env, size_t *env_len)
{
    ck_node_sealer sl;
    ck_seal_policy pol;
    ck_policy_error pe;
    int rc;
    ck_node_sealer_init(&sl, n, 0);
    memset(&pe, 0, sizeof pe);
    if ((rc = ck_node_sealer_policy(&sl, policy, &pol)) == 0 &&
        ck_rec_seal(env, env_len, in->patient, in->section, in->type, in->payload, in->payload_len, &pol, 0, NULL, &pe) !=
            CK_REC_OK)
        rc = ck_node_fail(n, CK_NODE_E_INVALID, "seal_failed", "sealing failed%s%s", pe.msg[0] ? ": " : "", pe.msg);
    ck_node_sealer_free(&sl);
    return rc;
}

int ck_node_record_put(ck_node *n, const ck_node_put_in *in, ck_node_put_out *out)
{
    ck_node_sharing sh;
    char *policy = NULL;
    uint8_t *env = NULL;
    size_t env_len = 0;
    ck_net_head head;
    int rc;

    ck_node_enter(n);
    ck_node_sharing_init(&sh);
    memset(out, 0, sizeof *out);
    if ((rc = check_put(n, in)) != 0 || (rc = check_payload(n, in)) != 0 || (rc = ck_node_net(n)) != 0) goto out;
    if (in->policy) {
        if (!(policy = strdup(in->policy))) {
            rc = ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
            goto out;
        }
    } else if ((rc = ck_node_section_policy(n, &sh, in->patient, in->section, &policy)) != 0) {
        goto out;
    }
    if ((rc = seal(n, in, policy, &env, &env_len)) != 0 ||
        (rc = ck_node_append(n, in->patient, in->section, in->type, env, env_len, &head)) != 0)
        goto out;
    out->seq = head.seq;
    ck_node_notice(n, CK_NODE_INFO, "appended entry %llu to %s's record (section %s, %s)", (unsigned long long)head.seq,
                   in->patient, in->section, in->type);
    rc = ck_node_after_write(n, in->patient);
out:
    free(env);
    free(policy);
    ck_node_sharing_free(&sh);
    ck_node_leave(n);
    return rc;
}

/* ---- verify ----------------------------------------------------------------------------- */

/* The patient signs the head she has just verified. */
static int sign_head(ck_node *n, ck_node_view *v)
{
    if (!ck_node_is_patient(n, v->patient) || !v->vo.head.seq ||
        (v->has_signed && v->sh.seq == v->vo.head.seq && !memcmp(v->sh.hash, v->vo.head.hash, 32)))
        return 0;
    if (ck_net_head_sign(n->net, v->patient, &v->vo.head, ck_node_now_ms()) != 0)
        return ck_node_fail_net(n, n->net, "signing the head");
    v->has_signed = 1;
    v->sh.seq = v->vo.head.seq;
    memcpy(v->sh.hash, v->vo.head.hash, 32);
    return 0;
}

int ck_node_record_verify(ck_node *n, const char *patient, ck_node_record **out)
{
    ck_node_record *r = NULL;
    int rc;
    *out = NULL;
    if (ck_node_record_load(n, patient, CK_NODE_LOAD_FULL, &r) != 0) return -1;
    ck_node_enter(n);
    rc = 0;
    if (!ck_node_view_problems(&r->v) && (rc = ck_node_view_pin(&r->v)) == 0 && !r->v.vo.n_open_batches)
        rc = sign_head(n, &r->v);
    ck_node_leave(n);
    if (rc != 0) {
        ck_node_record_free(r);
        return -1;
    }
    *out = r;
    return 0;
}

ck_node_view *ck_node_record_view(ck_node_record *r) { return &r->v; }
