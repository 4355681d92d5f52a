/*
 * src/node/keys/inbox.c - the person's mailbox on carekeyd: list, delete
 * one message, delete a sender's messages (a flooding sender cannot keep
 * real key deliveries out: every message is the recipient's to delete).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/node_keys.h"
#include "node/node_impl.h"

#define PAGE 100

/* Walks the mailbox: with from set, deletes that sender's messages; else
 * collects them into *out. */
static int walk(ck_node *c, const char *from, ck_node_message **out, size_t *count)
{
    const char *me = ck_keyring_identity(c->s->kr)->gid;
    ck_net_mail *v = NULL;
    size_t k = 0, cap = 0;
    int64_t after = 0;
    for (;;) {
        if (ck_net_mail_fetch(c->net, me, after, PAGE, &v, &k) != 0) return ck_node_fail_net(c, c->net, "mailbox");
        if (k == 0) { /* an empty page is still an allocation */
            ck_net_mail_free(v, 0);
            return 0;
        }
        for (size_t i = 0; i < k; i++) {
            after = v[i].id;
            if (from && strcmp(v[i].sender, from) != 0) continue;
            if (from && ck_net_mail_ack(c->net, me, v[i].id) != 0) {
                ck_net_mail_free(v, k);
                return ck_node_fail_net(c, c->net, "deleting a message");
            }
            if (!from) {
                ck_node_message *m;
                if (*count == cap) {
                    ck_node_message *t = realloc(*out, (cap = cap * 2 + 16) * sizeof *t);
                    if (!t) {
                        ck_net_mail_free(v, k);
                        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
                    }
                    *out = t;
                }
                m = &(*out)[*count];
                memset(m, 0, sizeof *m);
                m->id = v[i].id;
                snprintf(m->sender, sizeof m->sender, "%s", v[i].sender);
                snprintf(m->kind, sizeof m->kind, "%s", v[i].kind);
                m->size = v[i].payload_len;
                m->created_at = v[i].created_at;
            }
            (*count)++;
        }
        ck_net_mail_free(v, k);
    }
}

static int ready(ck_node *c)
{
    int rc = ck_node_keyring(c);
    return rc != 0 ? rc : ck_node_net(c);
}

int ck_node_inbox_list(ck_node *c, ck_node_message **out, size_t *count)
{
    int rc;
    *out = NULL;
    *count = 0;
    ck_node_enter(c);
    if ((rc = ready(c)) == 0) rc = walk(c, NULL, out, count);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    ck_node_leave(c);
    return rc;
}

int ck_node_inbox_delete(ck_node *c, int64_t id)
{
    int rc;
    ck_node_enter(c);
    if ((rc = ready(c)) == 0 && ck_net_mail_ack(c->net, ck_keyring_identity(c->s->kr)->gid, id) != 0)
        rc = ck_node_fail_net(c, c->net, "deleting a message");
    ck_node_leave(c);
    return rc;
}

int ck_node_inbox_delete_from(ck_node *c, const char *sender, size_t *count)
{
    int rc;
    *count = 0;
    ck_node_enter(c);
    if ((rc = ready(c)) == 0) rc = walk(c, sender, NULL, count);
    ck_node_leave(c);
    return rc;
}
