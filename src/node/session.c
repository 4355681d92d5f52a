/*
 * src/node/session.c - a person's session and its handles: configuration,
 * the keyring opened on demand (or unlocked by the agent), locking, the
 * signed connection to carekeyd.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "node/node_impl.h"

#define SERVER_FILE "server"
#define KEYRING_FILE "keyring.ckr"

static void copy(char *dst, size_t cap, const char *src) { snprintf(dst, cap, "%s", src ? src : ""); }

/* ---- process-wide ----------------------------------------------------------- */

/* Decrypted payloads pass through jansson: its buffers are wiped on free. */
static void *wipe_malloc(size_t n) { return malloc(n); }
static void wipe_free(void *p)
{
    if (!p) return;
    ck_wipe(p, malloc_usable_size(p));
    free(p);
}

int ck_node_global_init(void)
{
    json_set_alloc_funcs(wipe_malloc, wipe_free);
    return ck_net_global_init() == 0 ? 0 : -1;
}

/* ---- session and handles ----------------------------------------------------------- */

int ck_node_open(ck_node **out, const ck_node_config *cfg)
{
    ck_node_session *s = calloc(1, sizeof *s);
    ck_node *n = calloc(1, sizeof *n);
    *out = NULL;
    if (!s || !n || !cfg || !cfg->home || strlen(cfg->home) >= sizeof s->home) {
        free(s);
        free(n);
        return -1;
    }
    pthread_mutex_init(&s->ref_mu, NULL);
    pthread_rwlock_init(&s->kr_lock, NULL);
    pthread_mutex_init(&s->pin_mu, NULL);
    s->refs = 1;
    copy(s->home, sizeof s->home, cfg->home);
    copy(s->server, sizeof s->server, cfg->server);
    copy(s->ca_file, sizeof s->ca_file, cfg->ca_file);
    copy(s->org, sizeof s->org, cfg->org);
    s->no_cache = cfg->no_cache;
    s->threads = cfg->threads;
    s->timeout_ms = cfg->timeout_ms;
    n->s = s;
    *out = n;
    return 0;
}

int ck_node_dup(ck_node **out, ck_node *n)
{
    ck_node *d = calloc(1, sizeof *d);
    *out = NULL;
    if (!d) return -1;
    pthread_mutex_lock(&n->s->ref_mu);
    n->s->refs++;
    pthread_mutex_unlock(&n->s->ref_mu);
    d->s = n->s;
    *out = d;
    return 0;
}

static void session_free(ck_node_session *s)
{
    ck_node_memo_drop_all(s);   /* decrypted items: wiped with the session */
    ck_keyring_free(s->kr);
    pthread_mutex_destroy(&s->ref_mu);
    pthread_rwlock_destroy(&s->kr_lock);
    pthread_mutex_destroy(&s->pin_mu);
    ck_wipe(s, sizeof *s);
    free(s);
}

void ck_node_close(ck_node *n)
{
    unsigned left;
    if (!n) return;
    ck_net_close(n->net);
    pthread_mutex_lock(&n->s->ref_mu);
    left = --n->s->refs;
    pthread_mutex_unlock(&n->s->ref_mu);
    if (!left) session_free(n->s);
    ck_wipe(n, sizeof *n);
    free(n);
}

void ck_node_set_passphrase(ck_node *n, ck_node_passphrase_fn fn, void *ud)
{
    n->s->pass_fn = fn;
    n->s->pass_ud = ud;
}

void ck_node_set_notice(ck_node *n, ck_node_notice_fn fn, void *ud)
{
    n->notice = fn;
    n->notice_ud = ud;
}

void ck_node_set_progress(ck_node *n, ck_node_progress_fn fn, void *ud)
{
    n->progress = fn;
    n->progress_ud = ud;
}

const char *ck_node_home(const ck_node *n) { return n->s->home; }

void ck_node_path(const ck_node *n, char *out, const char *name)
{
    snprintf(out, PATH_MAX, "%s/%s", n->s->home, name);
}

int ck_node_make_dir(ck_node *n, const char *name)
{
    char path[PATH_MAX];
    if (mkdir(n->s->home, 0700) != 0 && errno != EEXIST)
        return ck_node_fail(n, CK_NODE_E_IO, "home", "cannot create %s: %s", n->s->home, strerror(errno));
    if (!name) return 0;
    ck_node_path(n, path, name);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return ck_node_fail(n, CK_NODE_E_IO, "home", "cannot create %s: %s", path, strerror(errno));
    return 0;
}

/* ---- the keyring ---------------------------------------------------------------------- */

static int open_keyring(ck_node *n, const char *pass, size_t len)
{
    char path[PATH_MAX];
    ck_keyring_err e;
    ck_node_path(n, path, KEYRING_FILE);
    e = ck_keyring_open(&n->s->kr, path, pass, len);
    if (e == CK_KEYRING_OK) return 0;
    n->s->kr = NULL;
    return ck_node_fail(n, e == CK_KEYRING_ERR_IO ? CK_NODE_E_IO : CK_NODE_E_KEYRING,
                        e == CK_KEYRING_ERR_IO ? "keyring_io" : "keyring", "%s: %s", path, ck_keyring_strerror(e));
}

int ck_node_keyring(ck_node *n)
{
    char path[PATH_MAX], pass[CK_KEYRING_PASSPHRASE_MAX + 1], why[256] = "";
    int rc;
    if (n->s->kr) return 0;
    ck_node_path(n, path, KEYRING_FILE);
    if (!ck_node_file_exists(path))
        return ck_node_fail(n, CK_NODE_E_KEYRING, "no_keyring", "no keyring in %s (run 'carekey init' first)",
                            n->s->home);
    if (!n->s->pass_fn || n->s->pass_fn(n->s->pass_ud, pass, sizeof pass, why, sizeof why) != 0) {
        ck_wipe(pass, sizeof pass);
        return ck_node_fail(n, CK_NODE_E_KEYRING, "passphrase_source", "passphrase: %s",
                            why[0] ? why : "none available (the keyring is locked)");
    }
    /* lazily opened: the first operation of a handle that needs it; the
     * write lock keeps a second thread from opening it at the same time */
    if (n->entered) pthread_rwlock_unlock(&n->s->kr_lock);
    pthread_rwlock_wrlock(&n->s->kr_lock);
    rc = n->s->kr ? 0 : open_keyring(n, pass, strlen(pass));
    pthread_rwlock_unlock(&n->s->kr_lock);
    if (n->entered) pthread_rwlock_rdlock(&n->s->kr_lock);
    ck_wipe(pass, sizeof pass);
    return rc;
}

ck_keyring *ck_node_kr(ck_node *n) { return n->s->kr; }

int ck_node_unlock(ck_node *n, const char *pass, size_t len)
{
    int rc = 0;
    ck_node_clear_error(n);
    pthread_rwlock_wrlock(&n->s->kr_lock);
    if (!n->s->kr) rc = open_keyring(n, pass, len);
    pthread_rwlock_unlock(&n->s->kr_lock);
    return rc;
}

int ck_node_adopt_keyring(ck_node *n, ck_keyring *kr)
{
    ck_node_clear_error(n);
    if (!kr) return ck_node_fail(n, CK_NODE_E_INVALID, "keyring", "no keyring to adopt");
    pthread_rwlock_wrlock(&n->s->kr_lock);
    if (!n->s->kr) {
        n->s->kr = kr;
        kr = NULL;
    }
    pthread_rwlock_unlock(&n->s->kr_lock);
    ck_keyring_free(kr); /* already unlocked: the one held stays */
    return 0;
}

void ck_node_lock(ck_node *n)
{
    pthread_rwlock_wrlock(&n->s->kr_lock);
    ck_keyring_free(n->s->kr); /* wipes every secret it holds */
    n->s->kr = NULL;
    pthread_rwlock_unlock(&n->s->kr_lock);
    ck_node_memo_drop_all(n->s); /* and what it decrypted */
    ck_net_close(n->net); /* signed with the identity's key */
    n->net = NULL;
}

int ck_node_is_unlocked(const ck_node *n) { return n->s->kr != NULL; }

const char *ck_node_gid(ck_node *n) { return n->s->kr ? ck_keyring_identity(n->s->kr)->gid : ""; }

int ck_node_save(ck_node *n)
{
    ck_keyring_err e;
    if (!n->s->kr) return 0;
    pthread_mutex_lock(&n->s->pin_mu);
    e = ck_keyring_save(n->s->kr);
    pthread_mutex_unlock(&n->s->pin_mu);
    if (e != CK_KEYRING_OK)
        return ck_node_fail(n, CK_NODE_E_IO, "keyring_io", "saving the keyring: %s", ck_keyring_strerror(e));
    return 0;
}

void ck_node_enter(ck_node *n)
{
    if (!n->entered) {
        ck_node_clear_error(n);
        pthread_rwlock_rdlock(&n->s->kr_lock);
    }
    n->entered++;
}

void ck_node_leave(ck_node *n)
{
    if (n->entered && !--n->entered) pthread_rwlock_unlock(&n->s->kr_lock);
}

/* ---- the server ------------------------------------------------------------------------ */

int ck_node_server(ck_node *n)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (n->s->server[0]) return 0;
    ck_node_path(n, path, SERVER_FILE);
    if (!ck_node_file_exists(path))
        return ck_node_fail(n, CK_NODE_E_INVALID, "no_server",
                            "no server configured (use --server URL or 'carekey init --server URL')");
    if (ck_node_read_file(n, path, sizeof n->s->server - 1, &buf, &len) != 0) return -1;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ')) len--;
    pthread_mutex_lock(&n->s->pin_mu);
    if (!n->s->server[0]) {
        memcpy(n->s->server, buf, len);
        n->s->server[len] = 0;
    }
    pthread_mutex_unlock(&n->s->pin_mu);
    free(buf);
    return n->s->server[0] ? 0 : ck_node_fail(n, CK_NODE_E_INVALID, "no_server", "%s is empty", path);
}

int ck_node_net_to(ck_node *n, const char *url, unsigned timeout_ms, ck_net **out)
{
    ck_net_opts o = {url, n->s->ca_file[0] ? n->s->ca_file : NULL, timeout_ms};
    if (ck_net_open(out, &o) != 0) return ck_node_fail(n, CK_NODE_E_IO, "connection", "cannot set up a connection to %s", url);
    return 0;
}

int ck_node_net(ck_node *n)
{
    const ck_identity *id;
    if (n->net) return 0;
    if (ck_node_keyring(n) != 0 || ck_node_server(n) != 0) return -1;
    if (ck_node_net_to(n, n->s->server, n->s->timeout_ms, &n->net) != 0) return -1;
    id = ck_keyring_identity(n->s->kr);
    if (ck_net_set_identity(n->net, id->gid, id->ed25519_sk) != 0) {
        ck_net_close(n->net);
        n->net = NULL;
        return ck_node_fail(n, CK_NODE_E_IO, "connection", "cannot set up a connection to %s", n->s->server);
    }
    /* A handle serves many requests (a page, a FHIR search, an import):
     * one signed handshake, then a MAC each (docs/API.md, "Sessions"). */
    ck_net_use_sessions(n->net, 1);
    return 0;
}
