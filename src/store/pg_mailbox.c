/*
 * pg_mailbox.c - PostgreSQL back end: the mailbox: put within quotas, list,
 * acknowledge.
 */
#include "pg_impl.h"

ck_store_rc pg_mail_put(ck_store *b, ck_store_mail *m, size_t max, size_t per_sender)
{
    params p = {0};
    ck_store_rc rc;
    pg_param_text(&p, m->recipient);
    pg_param_text(&p, m->sender);
    pg_param_text(&p, m->kind);
    pg_param_bin(&p, m->payload, m->payload_len);
    pg_param_int(&p, m->created_at);
    pg_param_int(&p, (long long)max);
    pg_param_int(&p, (long long)per_sender);
    /* The limits are soft caps: two instances may race past them by a few.
     * No row inserted means full (mailbox has no foreign key to miss). */
    rc = pg_read_one((pgs *)b,
                     "INSERT INTO mailbox(recipient, sender, kind, payload, created_at) "
                     "SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM mailbox WHERE recipient = $1) < $6 "
                     "AND (SELECT count(*) FROM mailbox WHERE recipient = $1 AND sender = $2) < $7 "
                     "RETURNING id", &p, pg_row_int64, &m->id);
    return rc == CK_STORE_NOT_FOUND ? CK_STORE_FULL : rc;
}

static int row_mail(PGresult *r, int i, void *out)
{
    ck_store_mail *m = out;
    m->id = pg_val_int(r, i, 0);
    pg_val_text(m->recipient, sizeof m->recipient, r, i, 1);
    pg_val_text(m->sender, sizeof m->sender, r, i, 2);
    pg_val_text(m->kind, sizeof m->kind, r, i, 3);
    if ((m->payload = pg_val_dup(r, i, 4, &m->payload_len)) == NULL) return -1;
    m->created_at = pg_val_int(r, i, 5);
    return 0;
}

ck_store_rc pg_mail_list(ck_store *b, const char *recipient, int64_t after, size_t limit,
                         ck_store_mail **v, size_t *n)
{
    return pg_read_page((pgs *)b, "SELECT id, recipient, sender, kind, payload, created_at FROM mailbox "
                                  "WHERE recipient = $1 AND id > $2 ORDER BY id LIMIT $3",
                        recipient, after, limit, row_mail, ck_store_mail_drop, sizeof **v, (void **)v, n);
}

ck_store_rc pg_mail_ack(ck_store *b, const char *recipient, int64_t id, int64_t now)
{
    params p = {0};
    (void)now;
    pg_param_text(&p, recipient);
    pg_param_int(&p, id);
    return pg_simple_one((pgs *)b, "DELETE FROM mailbox WHERE recipient = $1 AND id = $2", &p);
}
