/*
 * pg_impl.h - the PostgreSQL back end's shared parts: the store and its
 * connection pool, statement parameters and row readers, and each file's
 * entry points. postgres.c opens and closes the store; each other pg_*.c
 * file holds one concern: connections and statements (pg_conn), schema
 * (pg_schema), directory (pg_directory), heads and appends (pg_append),
 * reading records (pg_records), grants, mailbox, enrollment, and the audit
 * log with replay nonces (pg_audit).
 */
#ifndef CK_STORE_PG_IMPL_H
#define CK_STORE_PG_IMPL_H

#include "store_impl.h"

#include "carekey/wire.h"

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements this connection has prepared, by their text (see pg_query()). */
#define PREP_MAX 96
typedef struct {
    uint64_t key;
    char *sql;
} prep;

typedef struct pconn {
    PGconn *pg;
    int broken; /* lost its server, or that server is no primary any more: reconnect */
    prep prepared[PREP_MAX];
    int nprepared;
    struct pconn *next_free;
} pconn;

typedef struct pgs pgs;

/* A group commit (pg_group.c): callers' items, committed in batches, one
 * batch under way at a time; run by a waiting caller's thread when one is
 * there, else by the group's thread for asynchronous items. Each queue's
 * items begin with a pg_item. */
typedef struct pg_item {
    ck_store_rc rc;
    int unavailable;     /* the batch failed for want of a primary */
    int done;            /* a waiter's item: answered */
    ck_store_done_fn fn; /* asynchronous (allocated, size bytes); NULL: a waiter's */
    void *ctx;
    size_t size;
    struct pg_item *next;
} pg_item;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* the thread: asynchronous items queued, or stop */
    pthread_cond_t done; /* waiters: a batch ended */
    pg_item *q, **tail;
    int nasync; /* asynchronous items in q: only those call the thread */
    int busy, stop, started;
    pthread_t thread;
    pgs *s;
    pg_item *(*take)(pg_item **q);              /* the next batch off q (NULL: all of it) */
    void (*commit)(pgs *s, pg_item *batch);     /* sets each item's rc and unavailable */
    void (*settle)(pgs *s, pg_item *it);        /* an asynchronous item's last step (or NULL) */
} pg_group;

void pg_group_init(pg_group *g, pgs *s, pg_item *(*take)(pg_item **q), void (*commit)(pgs *s, pg_item *batch),
                   void (*settle)(pgs *s, pg_item *it));
int pg_group_start(pg_group *g);
/* Drains the queue (every item answered), stops the thread. */
void pg_group_close(pg_group *g);
/* Queues me and returns once it is answered (me->rc; the unavailable flag set). */
void pg_group_wait(pg_group *g, pg_item *me);
/* Queues an allocated item with fn set; -1 (not queued) when stopping. */
int pg_group_submit(pg_group *g, pg_item *it);

struct pgs {
    ck_store base;
    char *conninfo;
    pconn *conns;
    int nconns;
    pconn *free_list;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned nonce_calls;
    unsigned long reconnects;
    struct head_cache *heads;
    /* Replay nonces and the audit rows of reads are group-committed (the
     * rows of every request queued meanwhile go to the database in one
     * statement: one round trip, one commit, one synchronous-standby
     * wait), and so are appends (pg_append.c). */
    pg_group gc, ap;
};

/* The users' columns, optional ones as '' (the other lists are in store_impl.h). */
#define USER_COLS "gid, ed25519, x25519, display_name, role, created_at, coalesce(org, ''), " \
                  "coalesce(unit, ''), coalesce(title, ''), attributes, affiliated_at, active, deactivated_at"

/* Parameters: text unless their length is given (then binary). */
typedef struct {
    const char *v[24];
    int len[24];
    int fmt[24];
    int n;
    char num[24][24];
} params;

/* Column readers shared by the get and list queries (USER_COLS etc.); a
 * reader that fails leaves nothing allocated in its row. */
typedef int (*rowfn)(PGresult *r, int row, void *out);
typedef void (*dropfn)(void *elem);

/* pg_append.c */
struct head_cache *pg_heads_new(void);
void pg_heads_free(struct head_cache *h);
ck_store_rc pg_append_nonce(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n);
ck_store_rc pg_append(ck_store *b, ck_store_entry *e, const ck_store_audit *a);
ck_store_rc pg_head(ck_store *b, const char *patient, uint64_t *seq, uint8_t hash[32]);

/* pg_audit.c */
ck_store_rc pg_audit_nonce(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n);
ck_store_rc pg_audit_add(ck_store *b, const ck_store_audit *a);
ck_store_rc pg_audit_list(ck_store *b, const char *patient, int64_t after, size_t limit, ck_store_audit **v,
                          size_t *n);
void pg_gc_init(pgs *s);
void pg_ap_init(pgs *s);
ck_store_rc pg_append_async(ck_store *b, ck_store_entry *e, const ck_store_audit *a, const ck_store_nonce *n,
                            ck_store_done_fn fn, void *ctx);
ck_store_rc pg_audit_nonce_async(ck_store *b, const ck_store_audit *a, const ck_store_nonce *n, ck_store_done_fn fn,
                                 void *ctx);
ck_store_rc pg_audit_add_async(ck_store *b, const ck_store_audit *a, ck_store_done_fn fn, void *ctx);
ck_store_rc pg_sync_async(ck_store *b, ck_store_done_fn fn, void *ctx);
ck_store_rc pg_nonce_use(ck_store *b, const char *caller, const char *nonce, int64_t now, int64_t expire_before);
ck_store_rc pg_nonce_put(ck_store *b, const char *caller, const char *nonce, int64_t now, int64_t expire_before);
ck_store_rc pg_nonce_load(ck_store *b, int64_t since, ck_store_nonce_fn fn, void *ctx);
ck_store_rc pg_size(ck_store *b, int64_t *bytes);

/* pg_conn.c */
void pg_prep_forget(pconn *c);
PGresult *pg_query(pconn *c, const char *sql, params *p);
PGresult *pg_query_custom(pconn *c, const char *sql, params *p);
void pg_session_init(pconn *c);
pconn *pg_conn_get(pgs *s);
void pg_conn_put(pgs *s, pconn *c);
void pg_param_text(params *p, const char *s);
void pg_param_int(params *p, long long v);
void pg_param_opt(params *p, const char *s);
void pg_param_bin(params *p, const void *b, size_t n);
int pg_ok(PGresult *r);
ck_store_rc pg_err_rc(PGresult *r);
int pg_exec_simple(pconn *c, const char *sql);
long long pg_val_int(PGresult *r, int row, int col);
void pg_val_text(char *dst, size_t cap, PGresult *r, int row, int col);
int pg_val_fixed(uint8_t *dst, size_t n, PGresult *r, int row, int col);
uint8_t *pg_val_dup(PGresult *r, int row, int col, size_t *len);
ck_store_rc pg_exec_params(pconn *c, const char *sql, params *p, long *affected);
ck_store_rc pg_exec_one(pconn *c, const char *sql, params *p);
ck_store_rc pg_audit_ins(pconn *c, const ck_store_audit *a, const char *target);
ck_store_rc pg_audit_commit(pconn *c, const ck_store_audit *a, const char *target);
ck_store_rc pg_simple(pgs *s, const char *sql, params *p);
ck_store_rc pg_simple_one(pgs *s, const char *sql, params *p);
ck_store_rc pg_query_row(pconn *c, const char *sql, params *p, rowfn row, void *out);
ck_store_rc pg_read_one(pgs *s, const char *sql, params *p, rowfn row, void *out);
ck_store_rc pg_read_rows(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v, size_t *n,
                         int custom);
ck_store_rc pg_read_all(pgs *s, const char *sql, params *p, rowfn row, dropfn drop, size_t sz, void **v, size_t *n);
ck_store_rc pg_read_page(pgs *s, const char *sql, const char *key, long long after, size_t limit, rowfn row,
                         dropfn drop, size_t sz, void **v, size_t *n);
ck_store_rc pg_keyed_write(pgs *s, const char *sql, const char *k1, const char *k2);
int pg_row_none(PGresult *r, int i, void *out);
int pg_row_int64(PGresult *r, int i, void *out);

/* pg_directory.c */
extern const char pg_user_ins[];
void pg_user_params(params *p, const ck_store_user *u);
ck_store_rc pg_user_add(ck_store *b, const ck_store_user *u);
ck_store_rc pg_user_get(ck_store *b, const char *gid, ck_store_user *out);
ck_store_rc pg_user_affiliate(ck_store *b, const char *gid, const char *org, const char *unit, const char *title,
                              const char *attrs, int64_t now, int consented);
ck_store_rc pg_user_unaffiliate(ck_store *b, const char *gid, const char *org);
ck_store_rc pg_user_reactivate(ck_store *b, const char *gid);
extern const char pg_consent_ins[];
ck_store_rc pg_consent_add(ck_store *b, const char *gid, const char *org, int64_t now);
ck_store_rc pg_consent_del(ck_store *b, const char *gid, const char *org);
ck_store_rc pg_consent_get(ck_store *b, const char *gid, const char *org);
ck_store_rc pg_user_deactivate(ck_store *b, const char *gid, int64_t now);
ck_store_rc pg_user_list(ck_store *b, const ck_store_user_filter *f, ck_store_user **v, size_t *n);
extern const char pg_org_ins[];
void pg_org_params(params *p, const ck_store_org *o);
ck_store_rc pg_org_add(ck_store *b, const ck_store_org *o);
ck_store_rc pg_org_get(ck_store *b, const char *name, ck_store_org *out);
ck_store_rc pg_org_list(ck_store *b, const char *kind, ck_store_org **v, size_t *n);
ck_store_rc pg_unit_add(ck_store *b, const ck_store_unit *u);
ck_store_rc pg_unit_get(ck_store *b, const char *org, const char *name, ck_store_unit *out);
ck_store_rc pg_unit_list(ck_store *b, const char *org, const char *kind, ck_store_unit **v, size_t *n);
extern const char pg_auth_ins[];
void pg_auth_params(params *p, const ck_store_authority *a);
ck_store_rc pg_auth_add(ck_store *b, const ck_store_authority *a);
ck_store_rc pg_auth_get(ck_store *b, const char *name, ck_store_authority *out);
ck_store_rc pg_auth_epochs(ck_store *b, const char *name, const char *ep, uint64_t version, int64_t now);

/* pg_enroll.c */
ck_store_rc pg_enroll_add(ck_store *b, const ck_store_enrollment *e, size_t max);
ck_store_rc pg_enroll_get(ck_store *b, const char *gid, ck_store_enrollment *out);
ck_store_rc pg_enroll_list(ck_store *b, const char *status, size_t limit, ck_store_enrollment **v, size_t *n);
ck_store_rc pg_enroll_approve(ck_store *b, const char *gid, const ck_store_authority *auth, int64_t now,
                              const ck_store_audit *a);
ck_store_rc pg_enroll_reject(ck_store *b, const char *gid, int64_t now, const ck_store_audit *a);

/* pg_grants.c */
ck_store_rc pg_grant_add(ck_store *b, ck_store_grant *g, const ck_store_audit *a);
ck_store_rc pg_grant_revoke(ck_store *b, const char *patient, int64_t id, int64_t now, const ck_store_audit *a);
ck_store_rc pg_grants(ck_store *b, const char *patient, const char *grantee, ck_store_grant **v, size_t *n);
ck_store_rc pg_grants_held(ck_store *b, const char *grantee, int64_t after, int64_t now, size_t limit,
                           ck_store_grant **v, size_t *n);

/* pg_mailbox.c */
ck_store_rc pg_mail_put(ck_store *b, ck_store_mail *m, size_t max, size_t per_sender);
ck_store_rc pg_mail_list(ck_store *b, const char *recipient, int64_t after, size_t limit, ck_store_mail **v,
                         size_t *n);
ck_store_rc pg_mail_ack(ck_store *b, const char *recipient, int64_t id, int64_t now);

/* pg_records.c */
ck_store_rc pg_record_gen(ck_store *b, const char *patient, int64_t *gen);
ck_store_rc pg_section_present(ck_store *b, const char *patient, const char *section);
ck_store_rc pg_entries(ck_store *b, const char *patient, uint64_t since, size_t limit, ck_store_entry **v,
                       size_t *n);
ck_store_rc pg_entry_get(ck_store *b, const char *patient, uint64_t seq, ck_store_entry *out);
ck_store_rc pg_shead_put(ck_store *b, const ck_store_signed_head *h, const ck_store_audit *a);
ck_store_rc pg_shead_get(ck_store *b, const char *patient, ck_store_signed_head *out);

/* pg_schema.c */
int pg_migrate(pconn *c);
int pg_schema_version(ck_store *b);

#endif
