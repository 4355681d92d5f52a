/*
 * postgres.c - the PostgreSQL back end (libpq).
 *
 * Several stateless carekeyd instances may share one database, so every
 * invariant is enforced by PostgreSQL: an append locks the record's head
 * row (SELECT ... FOR UPDATE) for the length of its transaction, and
 * UNIQUE(patient, seq) backs it up. Replay nonces live in an UNLOGGED
 * table: shared by all instances, and no fsync on the hot path.
 *
 * Connections come from a fixed pool; a broken connection is reset once
 * and the call fails cleanly (the client retries).
 *
 * This file opens and closes the store; pg_impl.h names the others.
 */
#include "pg_impl.h"

static void pg_close(ck_store *b)
{
    pgs *s = (pgs *)b;
    /* The queues are drained first: every item is answered. */
    pg_group_close(&s->gc);
    pg_group_close(&s->ap);
    for (int i = 0; i < s->nconns; i++) {
        PQfinish(s->conns[i].pg);
        pg_prep_forget(&s->conns[i]);
    }
    free(s->conns);
    pg_heads_free(s->heads);
    if (s->conninfo) {
        /* The URL may carry a password. */
        OPENSSL_cleanse(s->conninfo, strlen(s->conninfo));
        free(s->conninfo);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

static const ck_store_ops pg_ops = {
    "postgres", pg_close, pg_schema_version,
    pg_user_add, pg_user_get, pg_auth_add, pg_auth_get, pg_auth_epochs,
    pg_append, pg_head, pg_entries, pg_entry_get, pg_shead_put, pg_shead_get,
    pg_grant_add, pg_grant_revoke, pg_grants,
    pg_mail_put, pg_mail_list, pg_mail_ack,
    pg_audit_add, pg_audit_list, pg_nonce_use, pg_size, pg_nonce_put, pg_nonce_load,
    pg_audit_add_async, pg_append_async,
    pg_user_affiliate, pg_user_deactivate, pg_user_list,
    pg_org_add, pg_org_get, pg_org_list, pg_unit_add, pg_unit_get, pg_unit_list,
    pg_user_unaffiliate, pg_user_reactivate, pg_consent_add, pg_consent_del, pg_consent_get, pg_section_present,
    pg_enroll_add, pg_enroll_get, pg_enroll_list, pg_enroll_approve, pg_enroll_reject,
    pg_sync_async,
    pg_grants_held,
    pg_audit_nonce_async, pg_audit_nonce, pg_append_nonce,
    pg_record_gen,
};

ck_store_rc ck_store_pg_open(ck_store **out, const char *conninfo, const ck_store_opts *o)
{
    pgs *s = calloc(1, sizeof *s);
    int n = o->readers > 0 ? o->readers : 8;
    if (s == NULL) return CK_STORE_ERROR;
    s->base.ops = &pg_ops;
    s->base.shared = 1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pg_gc_init(s);
    pg_ap_init(s);
    if ((s->conninfo = strdup(conninfo)) == NULL) goto fail;
    if ((s->conns = calloc((size_t)n, sizeof *s->conns)) == NULL) goto fail;
    if ((s->heads = pg_heads_new()) == NULL) goto fail;
    for (; s->nconns < n; s->nconns++) {
        pconn *c = &s->conns[s->nconns];
        c->pg = PQconnectdb(conninfo);
        if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK) {
            /* libpq's message names host and database, never the password. */
            fprintf(stderr, "level=error msg=\"postgres connect failed\" detail=\"%s\"\n",
                    c->pg ? strtok(PQerrorMessage(c->pg), "\n") : "out of memory");
            s->nconns++;
            goto fail;
        }
        pg_session_init(c);
        if (s->nconns == 0 && pg_migrate(c) != 0) {
            s->nconns++;
            goto fail;
        }
        c->next_free = s->free_list;
        s->free_list = c;
    }
    if (pg_group_start(&s->gc) != 0 || pg_group_start(&s->ap) != 0) goto fail;
    *out = &s->base;
    return CK_STORE_OK;
fail:
    pg_close(&s->base);
    return CK_STORE_ERROR;
}
