/*
 * store.c - picks the back end from the URL and forwards calls to it.
 */
#include "store_impl.h"

#include "carekey/record.h"
#include "carekey/wire.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

ck_store_rc ck_store_open(ck_store **out, const char *url, const ck_store_opts *opts)
{
    ck_store_opts def = {8, 5000};
    if (out == NULL || url == NULL) return CK_STORE_ERROR;
    *out = NULL;
    if (opts == NULL) opts = &def;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        return ck_store_pg_open(out, url, opts);
    if (strncmp(url, "sqlite:", 7) == 0) url += 7;
    if (*url == 0) return CK_STORE_ERROR;
    return ck_store_sqlite_open(out, url, opts);
}

void ck_store_close(ck_store *s)
{
    if (s) s->ops->close(s);
}

const char *ck_store_backend(const ck_store *s) { return s->ops->name; }
int ck_store_schema_version(ck_store *s) { return s->ops->schema_version(s); }

const char *ck_store_rc_str(ck_store_rc rc)
{
    switch (rc) {
    case CK_STORE_OK: return "ok";
    case CK_STORE_NOT_FOUND: return "not_found";
    case CK_STORE_CONFLICT: return "conflict";
    case CK_STORE_EXISTS: return "exists";
    case CK_STORE_FULL: return "full";
    case CK_STORE_STALE: return "stale";
    case CK_STORE_INVALID: return "invalid";
    case CK_STORE_REPLAYED: return "replayed";
    case CK_STORE_CHANGED: return "changed";
    default: return "error";
    }
}

int64_t ck_store_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ck_store_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) n = cap - 1;
    if (n) memcpy(dst, src, n);
    dst[n] = 0;
}

int ck_store_hash_entry(ck_store_entry *e)
{
    ck_net_entry_fields f = {0};
    f.patient = e->patient;
    f.seq = e->seq;
    memcpy(f.prev_hash, e->prev_hash, 32);
    f.section = e->section;
    f.resource_type = e->resource_type;
    f.author = e->author;
    f.time_ms = (uint64_t)e->time_ms;
    f.envelope = e->envelope;
    f.envelope_len = e->envelope_len;
    memcpy(f.signature, e->signature, 64);
    return ck_net_entry_hash(e->hash, &f);
}

uint64_t ck_store_supersedes_of(const uint8_t *envelope, size_t len)
{
    ck_rec_container c;
    if (envelope == NULL || ck_rec_container_decode(&c, envelope, len) != CK_REC_OK) return 0;
    /* Only a DATA container replaces an earlier version (readers ignore the
     * field elsewhere); beyond INT64_MAX it names no entry. */
    return c.kind == CK_REC_KIND_DATA && c.supersedes <= INT64_MAX ? c.supersedes : 0;
}

/* What every back end's append starts from: supersedes read from the
 * envelope, and a drop list the back ends can take as it is. */
static ck_store_rc append_prepare(ck_store_entry *e)
{
    e->supersedes = ck_store_supersedes_of(e->envelope, e->envelope_len);
    e->body_dropped = 0;
    e->drop_refused = 0;
    if (e->envelope == NULL || (e->n_drop && e->drop == NULL)) return CK_STORE_ERROR;
    if (e->n_drop > CK_STORE_DROP_MAX) {
        e->drop_refused = e->drop[CK_STORE_DROP_MAX];
        return CK_STORE_INVALID;
    }
    for (size_t i = 0; i < e->n_drop; i++)
        if (e->drop[i] == 0 || e->drop[i] > INT64_MAX || (i && e->drop[i] <= e->drop[i - 1])) {
            e->drop_refused = e->drop[i];
            return CK_STORE_INVALID;
        }
    return CK_STORE_OK;
}

void ck_store_drop_audit(ck_store_audit *d, const ck_store_audit *a)
{
    *d = *a;
    ck_store_copy(d->action, sizeof d->action, "drop_bodies");
}

int ck_store_role_has_record(const char *role)
{
    return role && (!strcmp(role, "patient") || !strcmp(role, "organization"));
}

const char *ck_store_opt(const char *s) { return s && *s ? s : NULL; }

int ck_store_sections_match(const char *list, const char *section)
{
    size_t n = strlen(section);
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((len == 1 && *p == '*') || (len == n && memcmp(p, section, n) == 0)) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

#define FWD(call) return s->ops->call

ck_store_rc ck_store_user_add(ck_store *s, const ck_store_user *u) { FWD(user_add)(s, u); }
ck_store_rc ck_store_user_get(ck_store *s, const char *gid, ck_store_user *out)
{
    memset(out, 0, sizeof *out);
    FWD(user_get)(s, gid, out);
}
ck_store_rc ck_store_user_affiliate(ck_store *s, const char *gid, const char *org, const char *unit,
                                    const char *title, const char *attributes, int64_t now)
{
    if (org == NULL || *org == 0) return CK_STORE_NOT_FOUND;
    FWD(user_affiliate)(s, gid, org, unit, title, attributes, now, 0);
}
ck_store_rc ck_store_user_affiliate_consented(ck_store *s, const char *gid, const char *org, const char *unit,
                                              const char *title, const char *attributes, int64_t now)
{
    if (org == NULL || *org == 0) return CK_STORE_NOT_FOUND;
    FWD(user_affiliate)(s, gid, org, unit, title, attributes, now, 1);
}
ck_store_rc ck_store_user_unaffiliate(ck_store *s, const char *gid, const char *org) { FWD(user_unaffiliate)(s, gid, org); }
ck_store_rc ck_store_user_deactivate(ck_store *s, const char *gid, int64_t now) { FWD(user_deactivate)(s, gid, now); }
ck_store_rc ck_store_user_reactivate(ck_store *s, const char *gid) { FWD(user_reactivate)(s, gid); }
ck_store_rc ck_store_consent_add(ck_store *s, const char *gid, const char *org, int64_t now)
{
    FWD(consent_add)(s, gid, org, now);
}
ck_store_rc ck_store_consent_del(ck_store *s, const char *gid, const char *org) { FWD(consent_del)(s, gid, org); }
ck_store_rc ck_store_consent_get(ck_store *s, const char *gid, const char *org) { FWD(consent_get)(s, gid, org); }
ck_store_rc ck_store_section_present(ck_store *s, const char *patient, const char *section)
{
    FWD(section_present)(s, patient, section);
}
ck_store_rc ck_store_enroll_add(ck_store *s, const ck_store_enrollment *e, size_t max_pending)
{
    FWD(enroll_add)(s, e, max_pending);
}
ck_store_rc ck_store_enroll_get(ck_store *s, const char *gid, ck_store_enrollment *out)
{
    memset(out, 0, sizeof *out);
    FWD(enroll_get)(s, gid, out);
}
ck_store_rc ck_store_enroll_list(ck_store *s, const char *status, size_t limit, ck_store_enrollment **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(enroll_list)(s, status, limit, v, n);
}
ck_store_rc ck_store_enroll_approve(ck_store *s, const char *gid, const ck_store_authority *auth, int64_t now,
                                    const ck_store_audit *a)
{
    FWD(enroll_approve)(s, gid, auth, now, a);
}
ck_store_rc ck_store_enroll_reject(ck_store *s, const char *gid, int64_t now, const ck_store_audit *a)
{
    FWD(enroll_reject)(s, gid, now, a);
}
void ck_store_enrollment_clear(ck_store_enrollment *e)
{
    if (e) ck_store_authority_clear(&e->auth);
}
void ck_store_enrollment_drop(void *e) { ck_store_enrollment_clear(e); }
void ck_store_enrollments_free(ck_store_enrollment *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) ck_store_enrollment_clear(&v[i]);
    free(v);
}
ck_store_rc ck_store_user_list(ck_store *s, const ck_store_user_filter *f, ck_store_user **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    if (f->limit == 0) return CK_STORE_OK;
    FWD(user_list)(s, f, v, n);
}
ck_store_rc ck_store_org_add(ck_store *s, const ck_store_org *o) { FWD(org_add)(s, o); }
ck_store_rc ck_store_org_get(ck_store *s, const char *name, ck_store_org *out)
{
    memset(out, 0, sizeof *out);
    FWD(org_get)(s, name, out);
}
ck_store_rc ck_store_org_list(ck_store *s, const char *kind, ck_store_org **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(org_list)(s, kind, v, n);
}
ck_store_rc ck_store_unit_add(ck_store *s, const ck_store_unit *u) { FWD(unit_add)(s, u); }
ck_store_rc ck_store_unit_get(ck_store *s, const char *org, const char *name, ck_store_unit *out)
{
    memset(out, 0, sizeof *out);
    FWD(unit_get)(s, org, name, out);
}
ck_store_rc ck_store_unit_list(ck_store *s, const char *org, const char *kind, ck_store_unit **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(unit_list)(s, org, kind, v, n);
}
ck_store_rc ck_store_authority_add(ck_store *s, const ck_store_authority *a) { FWD(authority_add)(s, a); }
ck_store_rc ck_store_authority_get(ck_store *s, const char *name, ck_store_authority *out)
{
    memset(out, 0, sizeof *out);
    FWD(authority_get)(s, name, out);
}
ck_store_rc ck_store_authority_set_epochs(ck_store *s, const char *name, const char *ep, uint64_t version,
                                          int64_t now)
{
    if (ep == NULL || version == 0 || version > INT64_MAX) return CK_STORE_ERROR;
    FWD(authority_set_epochs)(s, name, ep, version, now);
}
void ck_store_authority_clear(ck_store_authority *a)
{
    if (a == NULL) return;
    free(a->abe_pk);
    free(a->epoch_table);
    a->abe_pk = a->epoch_table = NULL;
}
static int gen_unsupported(const ck_store *s, const ck_store_audit *a);

ck_store_rc ck_store_append(ck_store *s, ck_store_entry *e, const ck_store_audit *a)
{
    ck_store_rc rc = gen_unsupported(s, a) ? CK_STORE_ERROR : append_prepare(e);
    if (rc != CK_STORE_OK) return rc;
    FWD(append)(s, e, a);
}
ck_store_rc ck_store_head(ck_store *s, const char *p, uint64_t *seq, uint8_t hash[32]) { FWD(head)(s, p, seq, hash); }
ck_store_rc ck_store_entries(ck_store *s, const char *p, uint64_t since, size_t limit,
                             ck_store_entry **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(entries)(s, p, since, limit, v, n);
}
ck_store_rc ck_store_entry_get(ck_store *s, const char *p, uint64_t seq, ck_store_entry *out)
{
    memset(out, 0, sizeof *out);
    FWD(entry_get)(s, p, seq, out);
}
void ck_store_entry_clear(ck_store_entry *e)
{
    if (e == NULL) return;
    free(e->envelope);
    e->envelope = NULL;
    e->envelope_len = 0;
}
void ck_store_entry_drop(void *e) { ck_store_entry_clear(e); }
void ck_store_entries_free(ck_store_entry *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].envelope);
    free(v);
}
ck_store_rc ck_store_signed_head_put(ck_store *s, const ck_store_signed_head *h, const ck_store_audit *a)
{
    FWD(signed_head_put)(s, h, a);
}
ck_store_rc ck_store_signed_head_get(ck_store *s, const char *p, ck_store_signed_head *out)
{
    memset(out, 0, sizeof *out);
    FWD(signed_head_get)(s, p, out);
}
ck_store_rc ck_store_grant_add(ck_store *s, ck_store_grant *g, const ck_store_audit *a) { FWD(grant_add)(s, g, a); }
ck_store_rc ck_store_grant_revoke(ck_store *s, const char *p, int64_t id, int64_t now, const ck_store_audit *a)
{
    FWD(grant_revoke)(s, p, id, now, a);
}
ck_store_rc ck_store_grants(ck_store *s, const char *p, const char *grantee, ck_store_grant **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(grants)(s, p, grantee, v, n);
}
ck_store_rc ck_store_grants_held(ck_store *s, const char *grantee, int64_t after, int64_t now, size_t limit,
                                 ck_store_grant **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(grants_held)(s, grantee, after, now, limit, v, n);
}
ck_store_rc ck_store_mail_put(ck_store *s, ck_store_mail *m, size_t max_pending, size_t max_per_sender)
{
    FWD(mail_put)(s, m, max_pending, max_per_sender);
}
ck_store_rc ck_store_mail_list(ck_store *s, const char *r, int64_t after, size_t limit, ck_store_mail **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(mail_list)(s, r, after, limit, v, n);
}
ck_store_rc ck_store_mail_ack(ck_store *s, const char *r, int64_t id, int64_t now) { FWD(mail_ack)(s, r, id, now); }
void ck_store_mail_drop(void *m) { free(((ck_store_mail *)m)->payload); }
void ck_store_mail_free(ck_store_mail *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].payload);
    free(v);
}
/* A generation check where the back end keeps none would pass unchecked:
 * refused instead. */
static int gen_unsupported(const ck_store *s, const ck_store_audit *a)
{
    return a && a->read_gen && !s->ops->record_gen;
}

ck_store_rc ck_store_audit_add(ck_store *s, const ck_store_audit *a)
{
    if (gen_unsupported(s, a)) return CK_STORE_ERROR;
    FWD(audit_add)(s, a);
}

ck_store_rc ck_store_record_gen(ck_store *s, const char *patient, int64_t *gen)
{
    *gen = 0;
    if (!s->ops->record_gen) return CK_STORE_ERROR;
    FWD(record_gen)(s, patient, gen);
}
ck_store_rc ck_store_audit_list(ck_store *s, const char *p, int64_t after, size_t limit,
                                ck_store_audit **v, size_t *n)
{
    *v = NULL;
    *n = 0;
    FWD(audit_list)(s, p, after, limit, v, n);
}
ck_store_rc ck_store_nonce_use(ck_store *s, const char *caller, const char *nonce, int64_t now,
                               int64_t expire_before)
{
    FWD(nonce_use)(s, caller, nonce, now, expire_before);
}
ck_store_rc ck_store_nonce_put(ck_store *s, const char *caller, const char *nonce, int64_t now,
                               int64_t expire_before)
{
    FWD(nonce_put)(s, caller, nonce, now, expire_before);
}
ck_store_rc ck_store_nonce_load(ck_store *s, int64_t since, ck_store_nonce_fn fn, void *ctx)
{
    FWD(nonce_load)(s, since, fn, ctx);
}
int ck_store_shared(const ck_store *s) { return s->shared; }

/* Per thread: the PostgreSQL calls run on the caller's thread. */
static _Thread_local int unavailable;
void ck_store_set_unavailable(int on) { unavailable = on; }
int ck_store_unavailable(void) { return unavailable; }
ck_store_rc ck_store_size(ck_store *s, int64_t *bytes) { FWD(size)(s, bytes); }

ck_store_rc ck_store_audit_add_async(ck_store *s, const ck_store_audit *a, ck_store_done_fn fn, void *ctx)
{
    if (gen_unsupported(s, a)) return CK_STORE_ERROR;
    if (s->ops->audit_add_async) return s->ops->audit_add_async(s, a, fn, ctx);
    fn(ctx, s->ops->audit_add(s, a));
    return CK_STORE_OK;
}
ck_store_rc ck_store_append_async(ck_store *s, ck_store_entry *e, const ck_store_audit *a, ck_store_done_fn fn,
                                  void *ctx)
{
    return ck_store_append_nonce_async(s, e, a, NULL, fn, ctx);
}
ck_store_rc ck_store_sync_async(ck_store *s, ck_store_done_fn fn, void *ctx)
{
    if (s->ops->sync_async) return s->ops->sync_async(s, fn, ctx);
    fn(ctx, CK_STORE_OK);
    return CK_STORE_OK;
}
int ck_store_async(const ck_store *s) { return s->ops->audit_add_async != NULL; }
int ck_store_async_append(const ck_store *s) { return s->ops->append_async != NULL; }

/* Back ends without the combined forms: the nonce first, then the write. */
static ck_store_rc nonce_first(ck_store *s, const ck_store_nonce *n)
{
    ck_store_rc rc;
    if (!n) return CK_STORE_OK;
    rc = s->ops->nonce_use(s, n->caller, n->nonce, n->now_ms, n->expire_before_ms);
    return rc == CK_STORE_CONFLICT ? CK_STORE_REPLAYED : rc;
}

static ck_store_rc audit_nonce_now(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n)
{
    ck_store_rc rc = nonce_first(s, n);
    if (rc == CK_STORE_OK && a) rc = s->ops->audit_add(s, a);
    return rc;
}

/* The append of a prepared entry, with its nonce. */
static ck_store_rc append_nonce_now(ck_store *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    ck_store_rc rc;
    if (s->ops->append_nonce) return s->ops->append_nonce(s, e, a, n);
    if ((rc = nonce_first(s, n)) != CK_STORE_OK) return rc;
    return s->ops->append(s, e, a);
}

ck_store_rc ck_store_append_nonce(ck_store *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n)
{
    ck_store_rc rc = gen_unsupported(s, a) ? CK_STORE_ERROR : append_prepare(e);
    return rc != CK_STORE_OK ? rc : append_nonce_now(s, e, a, n);
}

ck_store_rc ck_store_append_nonce_async(ck_store *s, ck_store_entry *e, const ck_store_audit *a,
                                        const ck_store_nonce *n, ck_store_done_fn fn, void *ctx)
{
    ck_store_rc rc = gen_unsupported(s, a) ? CK_STORE_ERROR : append_prepare(e);
    if (rc != CK_STORE_OK) return rc;
    if (s->ops->append_async && (n == NULL || s->ops->append_nonce)) return s->ops->append_async(s, e, a, n, fn, ctx);
    fn(ctx, append_nonce_now(s, e, a, n));
    return CK_STORE_OK;
}

ck_store_rc ck_store_audit_nonce(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n)
{
    if (gen_unsupported(s, a)) return CK_STORE_ERROR;
    if (s->ops->audit_nonce) return s->ops->audit_nonce(s, a, n);
    return audit_nonce_now(s, a, n);
}

ck_store_rc ck_store_audit_nonce_async(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n,
                                       ck_store_done_fn fn, void *ctx)
{
    if (gen_unsupported(s, a)) return CK_STORE_ERROR;
    if (s->ops->audit_nonce_async) return s->ops->audit_nonce_async(s, a, n, fn, ctx);
    fn(ctx, audit_nonce_now(s, a, n));
    return CK_STORE_OK;
}
