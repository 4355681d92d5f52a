/*
 * store_impl.h - the back-end table behind carekey/store.h.
 * Each back end embeds struct ck_store as its first member.
 */
#ifndef CK_STORE_IMPL_H
#define CK_STORE_IMPL_H

#include "carekey/store.h"

typedef struct ck_store_ops {
    const char *name;
    void (*close)(ck_store *s);
    int (*schema_version)(ck_store *s);
    ck_store_rc (*user_add)(ck_store *s, const ck_store_user *u);
    ck_store_rc (*user_get)(ck_store *s, const char *gid, ck_store_user *out);
    ck_store_rc (*authority_add)(ck_store *s, const ck_store_authority *a);
    ck_store_rc (*authority_get)(ck_store *s, const char *name, ck_store_authority *out);
    ck_store_rc (*authority_set_epochs)(ck_store *s, const char *name, const char *ep, uint64_t version,
                                        int64_t now);
    ck_store_rc (*append)(ck_store *s, ck_store_entry *e, const ck_store_audit *a);
    ck_store_rc (*head)(ck_store *s, const char *patient, uint64_t *seq, uint8_t hash[32]);
    ck_store_rc (*entries)(ck_store *s, const char *patient, uint64_t since, size_t limit,
                           ck_store_entry **v, size_t *n);
    ck_store_rc (*entry_get)(ck_store *s, const char *patient, uint64_t seq, ck_store_entry *out);
    ck_store_rc (*signed_head_put)(ck_store *s, const ck_store_signed_head *h, const ck_store_audit *a);
    ck_store_rc (*signed_head_get)(ck_store *s, const char *patient, ck_store_signed_head *out);
    ck_store_rc (*grant_add)(ck_store *s, ck_store_grant *g, const ck_store_audit *a);
    ck_store_rc (*grant_revoke)(ck_store *s, const char *patient, int64_t id, int64_t now,
                                const ck_store_audit *a);
    ck_store_rc (*grants)(ck_store *s, const char *patient, const char *grantee,
                          ck_store_grant **v, size_t *n);
    ck_store_rc (*mail_put)(ck_store *s, ck_store_mail *m, size_t max_pending, size_t max_per_sender);
    ck_store_rc (*mail_list)(ck_store *s, const char *recipient, int64_t after, size_t limit,
                             ck_store_mail **v, size_t *n);
    ck_store_rc (*mail_ack)(ck_store *s, const char *recipient, int64_t id, int64_t now);
    ck_store_rc (*audit_add)(ck_store *s, const ck_store_audit *a);
    ck_store_rc (*audit_list)(ck_store *s, const char *patient, int64_t after, size_t limit,
                              ck_store_audit **v, size_t *n);
    ck_store_rc (*nonce_use)(ck_store *s, const char *caller, const char *nonce, int64_t now,
                             int64_t expire_before);
    ck_store_rc (*size)(ck_store *s, int64_t *bytes);
    ck_store_rc (*nonce_put)(ck_store *s, const char *caller, const char *nonce, int64_t now,
                             int64_t expire_before);
    ck_store_rc (*nonce_load)(ck_store *s, int64_t since, ck_store_nonce_fn fn, void *ctx);
    /* Optional (NULL: store.c runs the synchronous call and completes at once). */
    ck_store_rc (*audit_add_async)(ck_store *s, const ck_store_audit *a, ck_store_done_fn fn, void *ctx);
    /* n: a request's nonce (NULL for none), only for back ends with
     * append_nonce. */
    ck_store_rc (*append_async)(ck_store *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n,
                                ck_store_done_fn fn, void *ctx);
    /* The organization directory (schema 4). */
    ck_store_rc (*user_affiliate)(ck_store *s, const char *gid, const char *org, const char *unit,
                                  const char *title, const char *attributes, int64_t now, int consented);
    ck_store_rc (*user_deactivate)(ck_store *s, const char *gid, int64_t now);
    ck_store_rc (*user_list)(ck_store *s, const ck_store_user_filter *f, ck_store_user **v, size_t *n);
    ck_store_rc (*org_add)(ck_store *s, const ck_store_org *o);
    ck_store_rc (*org_get)(ck_store *s, const char *name, ck_store_org *out);
    ck_store_rc (*org_list)(ck_store *s, const char *kind, ck_store_org **v, size_t *n);
    ck_store_rc (*unit_add)(ck_store *s, const ck_store_unit *u);
    ck_store_rc (*unit_get)(ck_store *s, const char *org, const char *name, ck_store_unit *out);
    ck_store_rc (*unit_list)(ck_store *s, const char *org, const char *kind, ck_store_unit **v, size_t *n);
    /* Consent, signed directory documents, enrollment (schema 5 / 4). */
    ck_store_rc (*user_unaffiliate)(ck_store *s, const char *gid, const char *org);
    ck_store_rc (*user_reactivate)(ck_store *s, const char *gid);
    ck_store_rc (*consent_add)(ck_store *s, const char *gid, const char *org, int64_t now);
    ck_store_rc (*consent_del)(ck_store *s, const char *gid, const char *org);
    ck_store_rc (*consent_get)(ck_store *s, const char *gid, const char *org);
    ck_store_rc (*section_present)(ck_store *s, const char *patient, const char *section);
    ck_store_rc (*enroll_add)(ck_store *s, const ck_store_enrollment *e, size_t max_pending);
    ck_store_rc (*enroll_get)(ck_store *s, const char *gid, ck_store_enrollment *out);
    ck_store_rc (*enroll_list)(ck_store *s, const char *status, size_t limit, ck_store_enrollment **v, size_t *n);
    ck_store_rc (*enroll_approve)(ck_store *s, const char *gid, const ck_store_authority *auth, int64_t now,
                                  const ck_store_audit *a);
    ck_store_rc (*enroll_reject)(ck_store *s, const char *gid, int64_t now, const ck_store_audit *a);
    /* Optional (NULL: completes at once). */
    ck_store_rc (*sync_async)(ck_store *s, ck_store_done_fn fn, void *ctx);
    /* The grants a person holds (schema 7 / 6: index grants_held). */
    ck_store_rc (*grants_held)(ck_store *s, const char *grantee, int64_t after, int64_t now, size_t limit,
                               ck_store_grant **v, size_t *n);
    /* Optional, both or neither (NULL: store.c runs nonce_use, then
     * audit_add, at once). */
    ck_store_rc (*audit_nonce_async)(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n,
                                     ck_store_done_fn fn, void *ctx);
    ck_store_rc (*audit_nonce)(ck_store *s, const ck_store_audit *a, const ck_store_nonce *n);
    /* Optional (NULL: store.c runs nonce_use, then append). */
    ck_store_rc (*append_nonce)(ck_store *s, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n);
    /* Optional (NULL: ERROR, the back end keeps no generations). */
    ck_store_rc (*record_gen)(ck_store *s, const char *patient, int64_t *gen);
} ck_store_ops;

struct ck_store {
    const ck_store_ops *ops;
    int shared; /* other processes may use the same database */
};

ck_store_rc ck_store_sqlite_open(ck_store **out, const char *path, const ck_store_opts *o);
ck_store_rc ck_store_pg_open(ck_store **out, const char *conninfo, const ck_store_opts *o);

/* The columns both back ends read, in the order their row readers expect
 * (the users' differ: each back end has its USER_COLS). */
#define ENTRY_COLS "patient, seq, prev_hash, hash, section, resource_type, author, time_ms, " \
                   "envelope, signature, received_at, supersedes, body_sha256"
#define GRANT_COLS "id, patient, grantee, granted_by, sections, delegate, expires_at, created_at, revoked_at, access"
#define AUDIT_COLS "id, time_ms, actor, patient, action, target, purpose, outcome, status"
#define ORG_COLS "name, kind, display_name, active, created_at, updated_at"
#define UNIT_COLS "org, name, kind, display_name, beds, created_at"
#define AUTH_COLS "name, sign_pk, abe_pk, epochs, created_at, updated_at, organization, signed_at, operator_sig, " \
                  "epoch_version"
#define ENROLL_COLS "gid, role, display_name, ed25519, x25519, org_kind, org_display_name, join_org, auth_name, " \
                    "auth_sign_pk, auth_abe_pk, auth_organization, auth_epoch_table, auth_epoch_version, status, " \
                    "created_at, decided_at"

/* Shared helpers (store.c). */
int64_t ck_store_now_ms(void);
void ck_store_copy(char *dst, size_t cap, const char *src);
/* Computes e->hash from its fields (e->seq must be set). */
int ck_store_hash_entry(ck_store_entry *e);
/* The seq a DATA container in envelope supersedes; 0 for none, for any
 * other kind and for bytes that are no container (schema 6 / 5 backfill). */
uint64_t ck_store_supersedes_of(const uint8_t *envelope, size_t len);
/* The audit row of an append's drops: a's, action "drop_bodies". */
void ck_store_drop_audit(ck_store_audit *d, const ck_store_audit *a);
/* NULL for NULL or "" (optional text columns and filters). */
const char *ck_store_opt(const char *s);
/* Free what one list element holds (the back ends' row readers take them
 * as void * callbacks). */
void ck_store_entry_drop(void *e);
void ck_store_mail_drop(void *m);
void ck_store_enrollment_drop(void *e);

#endif
