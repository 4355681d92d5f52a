/*
 * src/client/cli_epochs.c - signed, pinned attribute epochs (cli_epochs.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/client.h"
#include "client/cli_epochs.h"

#define PIN_DIR "epochs"
#define TABLE_MAX ((size_t)4 << 20)

void cli_epochs_init(cli_epochs *e, cli_ctx *c)
{
    memset(e, 0, sizeof *e);
    e->c = c;
}

void cli_epochs_free(cli_epochs *e)
{
    for (size_t i = 0; i < e->n; i++) ck_dir_epochs_free(&e->t[i]);
    free(e->t);
    memset(e, 0, sizeof *e);
}

static const ck_dir_epochs *loaded(const cli_epochs *e, const char *authority)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->t[i].authority, authority) == 0) return &e->t[i];
    return NULL;
}

int cli_epochs_successor(const ck_dir_epochs *pinned, const ck_dir_epochs *next, char why[CK_DIR_ERR_CAP])
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

static void pin_path(const cli_ctx *c, char *out, const char *authority) /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/%s/%s.json", c->home, PIN_DIR, authority);
}

/* The pinned table, verified again (the file is ours, but a table is only
 * ever trusted through its signature). *have 0 when none is pinned. */
static int pinned_table(cli_ctx *c, const char *authority, const uint8_t sign_pk[32], ck_dir_epochs *t, int *have)
{
    char path[PATH_MAX], why[CK_DIR_ERR_CAP];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;
    *have = 0;
    pin_path(c, path, authority);
    if (!cli_file_exists(path)) return CLI_OK;
    if ((rc = cli_read_file(c->cmd, path, TABLE_MAX, &buf, &len)) != CLI_OK) return rc;
    rc = ck_dir_epochs_parse(t, authority, (const char *)buf, len, why);
    free(buf);
    if (rc != 0 || ck_dir_epochs_verify(t, sign_pk) != 0) {
        if (rc == 0) ck_dir_epochs_free(t);
        cli_error(c->cmd, "%s is damaged (not a table signed by authority %s); remove it to pin afresh", path,
                  authority);
        return CLI_FAIL;
    }
    *have = 1;
    return CLI_OK;
}

static int pin(cli_ctx *c, const ck_dir_epochs *t)
{
    char path[PATH_MAX], *text;
    int rc;
    if ((rc = cli_ctx_make_home(c)) != CLI_OK) return rc;
    snprintf(path, sizeof path, "%s/%s", c->home, PIN_DIR);
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        cli_error(c->cmd, "cannot create %s: %s", path, strerror(errno));
        return CLI_IO;
    }
    pin_path(c, path, t->authority);
    if (!(text = ck_dir_epochs_json(t))) return CLI_FAIL;
    rc = cli_write_file(c->cmd, path, (const uint8_t *)text, strlen(text), 0600, 0);
    free(text);
    return rc;
}

/* The directory's table of authority, verified with its pinned key. */
static int served_table(cli_ctx *c, const char *authority, const uint8_t sign_pk[32], ck_dir_epochs *t)
{
    ck_net_authority a;
    char why[CK_DIR_ERR_CAP];
    int rc;
    memset(&a, 0, sizeof a);
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_authority_fetch(c->net, authority, &a) != 0) return cli_ctx_net_error(c, authority);
    rc = CLI_FAIL;
    if (!a.epoch_table) {
        cli_error(c->cmd, "authority %s publishes no signed epoch table; nothing is sealed for it", authority);
    } else if (ck_dir_epochs_parse(t, authority, a.epoch_table, strlen(a.epoch_table), why) != 0) {
        cli_error(c->cmd, "the epoch table of authority %s is malformed (%s); nothing is sealed for it", authority,
                  why);
    } else if (ck_dir_epochs_verify(t, sign_pk) != 0) {
        ck_dir_epochs_free(t);
        cli_error(c->cmd, "the epoch table of authority %s is not signed by its key; nothing is sealed for it",
                  authority);
    } else {
        rc = CLI_OK;
    }
    ck_net_authority_clear(&a);
    return rc;
}

int cli_epochs_load(cli_epochs *e, const char *authority)
{
    const ck_keyring_authority *ka;
    ck_dir_epochs old, cur, *nt;
    char why[CK_DIR_ERR_CAP];
    int have = 0, rc;
    if (loaded(e, authority)) return CLI_OK;
    if ((rc = cli_ctx_authority(e->c, authority, &ka)) != CLI_OK) return rc;
    if ((rc = pinned_table(e->c, authority, ka->signing_key, &old, &have)) != CLI_OK) return rc;
    if ((rc = served_table(e->c, authority, ka->signing_key, &cur)) != CLI_OK) goto out;
    if (have && cli_epochs_successor(&old, &cur, why) != 0) {
        cli_error(e->c->cmd, "the server's epoch table of authority %s: %s; nothing is sealed for it", authority,
                  why);
        ck_dir_epochs_free(&cur);
        rc = CLI_FAIL;
        goto out;
    }
    if ((!have || cur.version > old.version) && (rc = pin(e->c, &cur)) != CLI_OK) {
        ck_dir_epochs_free(&cur);
        goto out;
    }
    if (!(nt = realloc(e->t, (e->n + 1) * sizeof *nt))) {
        ck_dir_epochs_free(&cur);
        cli_error(e->c->cmd, "out of memory");
        rc = CLI_FAIL;
        goto out;
    }
    e->t = nt;
    e->t[e->n++] = cur;
out:
    if (have) ck_dir_epochs_free(&old);
    return rc;
}

int cli_epochs_label(cli_epochs *e, const char *label, uint32_t *epoch)
{
    const char *at = strrchr(label, '@');
    const ck_dir_epochs *t = at ? loaded(e, at + 1) : NULL;
    if (t && ck_dir_epochs_get(t, label, epoch) == 0) return CLI_OK;
    cli_error(e->c->cmd, "no signed epoch for %s (authority %s has not published it); nothing is sealed", label,
              at ? at + 1 : "?");
    return CLI_FAIL;
}

uint32_t cli_epochs_fn(void *ctx, const char *label)
{
    cli_epochs *e = ctx;
    const char *at = strrchr(label, '@');
    const ck_dir_epochs *t = at ? loaded(e, at + 1) : NULL;
    uint32_t ep = 0;
    /* every label was checked by cli_epochs_label before sealing */
    if (t && ck_dir_epochs_get(t, label, &ep) != 0) ep = 0;
    return ep;
}
