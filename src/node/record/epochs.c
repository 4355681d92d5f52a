/*
 * src/node/record/epochs.c - signed, pinned attribute epochs (record_impl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/client.h"
#include "node/record/record_impl.h"

#define PIN_DIR "epochs"
#define TABLE_MAX ((size_t)4 << 20)

void ck_node_epochs_init(ck_node_epochs *e, ck_node *c)
{
    memset(e, 0, sizeof *e);
    e->c = c;
}

void ck_node_epochs_free(ck_node_epochs *e)
{
    for (size_t i = 0; i < e->n; i++) ck_dir_epochs_free(&e->t[i]);
    free(e->t);
    memset(e, 0, sizeof *e);
}

static const ck_dir_epochs *loaded(const ck_node_epochs *e, const char *authority)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->t[i].authority, authority) == 0) return &e->t[i];
    return NULL;
}

int ck_node_epochs_successor(const ck_dir_epochs *pinned, const ck_dir_epochs *next, char why[CK_DIR_ERR_CAP])
{
    if (strcmp(pinned->authority, next->authority) != 0) {
        snprintf(why, CK_DIR_ERR_CAP, "a table of another authority");
        return -1;
    }
    if (next->version < pinned->version) {
        snprintf(why, CK_DIR_ERR_CAP, "version %llu is older than version %llu seen before (rolled back)",
                 (unsigned long long)next->version, (unsigned long long)pinned->version);
        return -1;
    }
    if (next->version == pinned->version && memcmp(next->signature, pinned->signature, 64) != 0) {
        snprintf(why, CK_DIR_ERR_CAP, "two different tables carry version %llu", (unsigned long long)next->version);
        return -1;
    }
    for (size_t i = 0; i < pinned->n; i++) {
        uint32_t ep;
        if (ck_dir_epochs_get(next, pinned->labels[i].label, &ep) != 0 || ep < pinned->labels[i].epoch) {
            snprintf(why, CK_DIR_ERR_CAP, "%.80s would go back from epoch %lu", pinned->labels[i].label,
                     (unsigned long)pinned->labels[i].epoch);
            return -1;
        }
    }
    return 0;
}

static void pin_path(const ck_node *c, char *out, const char *authority) /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/%s/%s.json", c->s->home, PIN_DIR, authority);
}

/* The pinned table, verified again (the file is ours, but a table is only
 * ever trusted through its signature). *have 0 when none is pinned. */
static int pinned_table(ck_node *c, const char *authority, const uint8_t sign_pk[32], ck_dir_epochs *t, int *have)
{
    char path[PATH_MAX], why[CK_DIR_ERR_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;
    *have = 0;
    pin_path(c, path, authority);
    if (!ck_node_file_exists(path)) return 0;
    if ((rc = ck_node_read_file(c, path, TABLE_MAX, &buf, &len)) != 0) return rc;
    rc = ck_dir_epochs_parse(t, authority, (const char *)buf, len, why);
    free(buf);
    if (rc != 0 || ck_dir_epochs_verify(t, sign_pk) != 0) {
        if (rc == 0) ck_dir_epochs_free(t);
        return ck_node_fail(c, CK_NODE_E_INTEGRITY, "damaged_pin",
                            "%s is damaged (not a table signed by authority %s); remove it to pin afresh", path,
                            authority);
    }
    *have = 1;
    return 0;
}

static int pin(ck_node *c, const ck_dir_epochs *t)
{
    char path[PATH_MAX], *text;
    int rc;
    if ((rc = ck_node_make_dir(c, PIN_DIR)) != 0) return rc;
    pin_path(c, path, t->authority);
    if (!(text = ck_dir_epochs_json(t))) return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    rc = ck_node_write_file(c, path, (const uint8_t *)text, strlen(text), 0600, 0);
    free(text);
    return rc;
}

/* The directory's table of authority, verified with its pinned key. */
static int served_table(ck_node *c, const char *authority, const uint8_t sign_pk[32], ck_dir_epochs *t)
{
    ck_net_authority a;
    char why[CK_DIR_ERR_CAP];
    int rc;
    memset(&a, 0, sizeof a);
    if ((rc = ck_node_net(c)) != 0) return rc;
    if (ck_net_authority_fetch(c->net, authority, &a) != 0) return ck_node_fail_net(c, c->net, authority);
    rc = -1;
    if (!a.epoch_table) {
        ck_node_fail(c, CK_NODE_E_INTEGRITY, "no_epoch_table",
                     "authority %s publishes no signed epoch table; nothing is sealed for it", authority);
    } else if (ck_dir_epochs_parse(t, authority, a.epoch_table, strlen(a.epoch_table), why) != 0) {
        ck_node_fail(c, CK_NODE_E_INTEGRITY, "bad_epoch_table",
                     "the epoch table of authority %s is malformed (%s); nothing is sealed for it", authority, why);
    } else if (ck_dir_epochs_verify(t, sign_pk) != 0) {
        ck_dir_epochs_free(t);
        ck_node_fail(c, CK_NODE_E_INTEGRITY, "unsigned_epoch_table",
                     "the epoch table of authority %s is not signed by its key; nothing is sealed for it", authority);
    } else {
        rc = 0;
    }
    ck_net_authority_clear(&a);
    return rc;
}

int ck_node_epochs_load(ck_node_epochs *e, const char *authority)
{
    const ck_keyring_authority *ka;
    ck_dir_epochs old, cur, *nt;
    char why[CK_DIR_ERR_CAP];
    int have = 0, rc;
    if (loaded(e, authority)) return 0;
    if ((rc = ck_node_authority(e->c, authority, &ka)) != 0) return rc;
    if ((rc = pinned_table(e->c, authority, ka->signing_key, &old, &have)) != 0) return rc;
    if ((rc = served_table(e->c, authority, ka->signing_key, &cur)) != 0) goto out;
    if (have && ck_node_epochs_successor(&old, &cur, why) != 0) {
        ck_node_fail(e->c, CK_NODE_E_INTEGRITY, "epoch_rollback",
                     "the server's epoch table of authority %s: %s; nothing is sealed for it", authority, why);
        ck_dir_epochs_free(&cur);
        rc = -1;
        goto out;
    }
    if ((!have || cur.version > old.version) && (rc = pin(e->c, &cur)) != 0) {
        ck_dir_epochs_free(&cur);
        goto out;
    }
    if (!(nt = realloc(e->t, (e->n + 1) * sizeof *nt))) {
        ck_dir_epochs_free(&cur);
        rc = ck_node_fail(e->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    e->t = nt;
    e->t[e->n++] = cur;
out:
    if (have) ck_dir_epochs_free(&old);
    return rc;
}

int ck_node_epochs_label(ck_node_epochs *e, const char *label, uint32_t *epoch)
{
    const char *at = strrchr(label, '@');
    const ck_dir_epochs *t = at ? loaded(e, at + 1) : NULL;
    if (t && ck_dir_epochs_get(t, label, epoch) == 0) return 0;
    return ck_node_fail(e->c, CK_NODE_E_INTEGRITY, "no_signed_epoch",
                        "no signed epoch for %s (authority %s has not published it); nothing is sealed", label,
                        at ? at + 1 : "?");
}

uint32_t ck_node_epochs_fn(void *ctx, const char *label)
{
    ck_node_epochs *e = ctx;
    const char *at = strrchr(label, '@');
    const ck_dir_epochs *t = at ? loaded(e, at + 1) : NULL;
    uint32_t ep = 0;
    /* every label was checked by ck_node_epochs_label before sealing */
    if (t && ck_dir_epochs_get(t, label, &ep) != 0) ep = 0;
    return ep;
}
