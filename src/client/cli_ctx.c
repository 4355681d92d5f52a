/*
 * src/client/cli_ctx.c - the person's context shared by the networked
 * commands (see cli_ctx.h).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carekey/directory.h"
#include "client/cli_ctx.h"
#include "client/cli_advice.h"

#define SERVER_FILE "server"
#define KEYRING_FILE "keyring.ckr"

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void cli_ctx_init(cli_ctx *c, const char *cmd)
{
    const char *home = getenv("CAREKEY_HOME"), *server = getenv("CAREKEY_SERVER");
    memset(c, 0, sizeof(*c));
    c->cmd = cmd;
    if (home && *home) copy(c->home, sizeof c->home, home);
    else snprintf(c->home, sizeof c->home, "%s/.carekey", getenv("HOME") ? getenv("HOME") : ".");
    copy(c->server, sizeof c->server, server);
    copy(c->pass_source, sizeof c->pass_source, getenv(CK_KEYRING_PASSPHRASE_ENV) ? "env" : "prompt");
}

int cli_ctx_option(cli_ctx *c, int opt, const char *arg)
{
    switch (opt) {
    case CLI_CTX_OPT_HOME: copy(c->home, sizeof c->home, arg); return 1;
    case CLI_CTX_OPT_SERVER: copy(c->server, sizeof c->server, arg); return 1;
    case CLI_CTX_OPT_PASS: copy(c->pass_source, sizeof c->pass_source, arg); return 1;
    }
    return 0;
}

void cli_ctx_path(const cli_ctx *c, char *out, const char *name)
{
    snprintf(out, PATH_MAX, "%s/%s", c->home, name);
}

int cli_ctx_make_home(cli_ctx *c)
{
    char heads[PATH_MAX];
    if (mkdir(c->home, 0700) != 0 && errno != EEXIST) {
        cli_error(c->cmd, "cannot create %s: %s", c->home, strerror(errno));
        return CLI_IO;
    }
    cli_ctx_path(c, heads, "heads");
    if (mkdir(heads, 0700) != 0 && errno != EEXIST) {
        cli_error(c->cmd, "cannot create %s: %s", heads, strerror(errno));
        return CLI_IO;
    }
    return CLI_OK;
}

static const ck_keyring *agent_kr;

void cli_ctx_set_agent_keyring(const ck_keyring *kr) { agent_kr = kr; }

/* the same file (device and inode), however the paths are spelled */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_ctx_agent_keyring(const char *cmd, const char *path, ck_keyring **out)
{
    ck_keyring_err e;
    *out = NULL;
    if (!agent_kr || !same_file(path, ck_keyring_path(agent_kr))) return CLI_OK;
    if ((e = ck_keyring_reopen(out, agent_kr)) != CK_KEYRING_OK) {
        cli_error(cmd, "the agent's keyring: %s: %s", path, ck_keyring_strerror(e));
        return e == CK_KEYRING_ERR_IO ? CLI_IO : CLI_FAIL;
    }
    return CLI_OK;
}

int cli_ctx_keyring(cli_ctx *c)
{
    char path[PATH_MAX], pass[CK_KEYRING_PASSPHRASE_MAX + 1];
    ck_keyring_err e;
    int rc;
    if (c->kr) return CLI_OK;
    cli_ctx_path(c, path, KEYRING_FILE);
    if (!cli_file_exists(path)) {
        cli_error(c->cmd, "no keyring in %s (run 'carekey init' first)", c->home);
        return CLI_IO;
    }
    if ((rc = cli_ctx_agent_keyring(c->cmd, path, &c->kr)) != CLI_OK || c->kr) return rc;
    if ((e = ck_keyring_passphrase_get(c->pass_source, pass, sizeof pass)) != CK_KEYRING_OK) {
        char why[400];
        cli_error(c->cmd, "passphrase: %s", cli_passphrase_problem(why, sizeof why, c->pass_source, e));
        return CLI_USAGE;
    }
    e = ck_keyring_open(&c->kr, path, pass, strlen(pass));
    ck_wipe(pass, sizeof pass);
    if (e != CK_KEYRING_OK) {
        cli_error(c->cmd, "%s: %s", path, ck_keyring_strerror(e));
        return e == CK_KEYRING_ERR_IO ? CLI_IO : CLI_FAIL;
    }
    return CLI_OK;
}

int cli_ctx_save(cli_ctx *c)
{
    ck_keyring_err e;
    if (!c->kr) return CLI_OK;
    if ((e = ck_keyring_save(c->kr)) != CK_KEYRING_OK) {
        cli_error(c->cmd, "saving the keyring: %s", ck_keyring_strerror(e));
        return CLI_IO;
    }
    return CLI_OK;
}

/* The server URL: --server / $CAREKEY_SERVER, else home/server. */
int cli_ctx_server(cli_ctx *c)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (c->server[0]) return CLI_OK;
    cli_ctx_path(c, path, SERVER_FILE);
    if (!cli_file_exists(path)) {
        cli_error(c->cmd, "no server configured (use --server URL or 'carekey init --server URL')");
        return CLI_USAGE;
    }
    if (cli_read_file(c->cmd, path, sizeof c->server - 1, &buf, &len) != CLI_OK) return CLI_IO;
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ')) len--;
    memcpy(c->server, buf, len);
    c->server[len] = 0;
    free(buf);
    return c->server[0] ? CLI_OK : CLI_USAGE;
}

int cli_ctx_net(cli_ctx *c)
{
    ck_net_opts opts = {NULL, NULL, 0};
    const ck_identity *id;
    int rc;
    if (c->net) return CLI_OK;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK || (rc = cli_ctx_server(c)) != CLI_OK) return rc;
    opts.url = c->server;
    opts.ca_file = getenv("CAREKEY_CA_FILE");
    id = ck_keyring_identity(c->kr);
    if (ck_net_open(&c->net, &opts) != 0 || ck_net_set_identity(c->net, id->gid, id->ed25519_sk) != 0) {
        cli_error(c->cmd, "cannot set up a connection to %s", c->server);
        return CLI_IO;
    }
    return CLI_OK;
}

int cli_ctx_net_error(cli_ctx *c, const char *what)
{
    long st = c->net ? ck_net_status(c->net) : 0;
    const char *code = c->net ? ck_net_error_code(c->net) : NULL;
    const char *msg = c->net ? ck_net_error_message(c->net) : NULL;
    if (st == 0) cli_error(c->cmd, "%s: cannot reach %s%s%s", what, c->server, msg ? ": " : "", msg ? msg : "");
    else cli_error(c->cmd, "%s: server answered %ld %s%s%s", what, st, code ? code : "", msg ? ": " : "",
                   msg ? msg : "");
    if (st) cli_advice_print(c->cmd, code);
    return st == 0 ? CLI_IO : CLI_FAIL;
}

int cli_ctx_peer(cli_ctx *c, const char *gid, ck_keyring_peer *out)
{
    const ck_keyring_peer *p;
    ck_net_user u;
    int rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (strcmp(gid, ck_keyring_identity(c->kr)->gid) == 0) {
        const ck_identity *id = ck_keyring_identity(c->kr);
        copy(out->gid, sizeof out->gid, id->gid);
        memcpy(out->ed25519, id->ed25519_pk, 32);
        memcpy(out->x25519, id->x25519_pk, 32);
        return CLI_OK;
    }
    if ((p = ck_keyring_peer_find(c->kr, gid))) {
        *out = *p;
        return CLI_OK;
    }
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    if (ck_net_user_get(c->net, gid, &u) != 0) return cli_ctx_net_error(c, gid);
    if (ck_keyring_set_peer(c->kr, gid, u.ed25519, u.x25519) != CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot pin the keys of %s", gid);
        return CLI_FAIL;
    }
    p = ck_keyring_peer_find(c->kr, gid);
    *out = *p;
    return cli_ctx_save(c);
}

int cli_ctx_key_fn(void *ctx, const char *gid, uint8_t ed25519[32])
{
    ck_keyring_peer p;
    if (cli_ctx_peer((cli_ctx *)ctx, gid, &p) != CLI_OK) return -1;
    memcpy(ed25519, p.ed25519, 32);
    return 0;
}

/* The directory's record of an authority, taken only with the operator's
 * signature over name, signing key, ABE public key and organization. */
static int verified_authority(cli_ctx *c, const char *name, const ck_net_authority *a, ck_abe_authority_pk *pk)
{
    uint8_t op[32];
    ck_dir_authority d = {a->name, a->sign_pk, a->abe_pk, a->abe_pk_len, a->organization, a->signed_at_ms};
    if (ck_keyring_operator(c->kr, op) != 0) {
        cli_error(c->cmd, "this keyring has no operator key pinned, so no authority can be trusted "
                          "(create identities with 'carekey init --operator-key HEX')");
        return CLI_FAIL;
    }
    if (strcmp(a->name, name) != 0 || ck_dir_authority_verify(&d, a->operator_sig, op) != 0) {
        cli_error(c->cmd, "the directory's record of authority %s is not signed by the operator; refused", name);
        return CLI_FAIL;
    }
    if (ck_abe_authority_pk_decode(pk, a->abe_pk, a->abe_pk_len) != CK_ABE_OK || strcmp(pk->name, name) != 0) {
        cli_error(c->cmd, "the directory's public key for authority %s is invalid", name);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_ctx_authority(cli_ctx *c, const char *name, const ck_keyring_authority **out)
{
    ck_net_authority a;
    ck_abe_authority_pk pk;
    int rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if ((*out = ck_keyring_authority_find(c->kr, name))) return CLI_OK;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    memset(&a, 0, sizeof a);
    if (ck_net_authority_fetch(c->net, name, &a) != 0) return cli_ctx_net_error(c, name);
    if ((rc = verified_authority(c, name, &a, &pk)) != CLI_OK) goto out;
    rc = CLI_FAIL;
    if (ck_keyring_set_authority(c->kr, &pk, a.sign_pk) != CK_KEYRING_OK) goto out;
    *out = ck_keyring_authority_find(c->kr, name);
    rc = cli_ctx_save(c);
out:
    ck_net_authority_clear(&a);
    return rc;
}

/* ---- heads ------------------------------------------------------------------ */
static void head_path(const cli_ctx *c, char *out, const char *patient)   /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/heads/%s", c->home, patient);
}

int cli_ctx_head_load(cli_ctx *c, const char *patient, ck_net_head *head, int *have)
{
    char path[PATH_MAX], hex[65];
    unsigned long long seq;
    FILE *f;
    *have = 0;
    head_path(c, path, patient);
    if (!(f = fopen(path, "r"))) return errno == ENOENT ? CLI_OK : CLI_IO;
    if (fscanf(f, "%llu %64s", &seq, hex) == 2 && ck_net_unhex(head->hash, 32, hex) == 0) {
        head->seq = seq;
        *have = 1;
    }
    fclose(f);
    return CLI_OK;
}

int cli_ctx_head_store(cli_ctx *c, const char *patient, const ck_net_head *head)
{
    char path[PATH_MAX], hex[65], line[128];
    int n, rc;
    if ((rc = cli_ctx_make_home(c)) != CLI_OK) return rc;
    head_path(c, path, patient);
    ck_net_hex(hex, head->hash, 32);
    n = snprintf(line, sizeof line, "%llu %s\n", (unsigned long long)head->seq, hex);
    return cli_write_file(c->cmd, path, (const uint8_t *)line, (size_t)n, 0600, 0);
}

int cli_ctx_fetch_record(cli_ctx *c, const char *patient, ck_net_entry **v, size_t *n,
                         ck_net_head *server_head, ck_rec_signed_head *sh, int *has_signed)
{
    ck_net_entry *all = NULL, *page = NULL;
    ck_net_head signed_head;
    size_t cap = 0, got = 0;
    uint64_t since = 0;
    int more = 1, rc;
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    memset(&signed_head, 0, sizeof signed_head);
    if (ck_net_head_get_full(c->net, patient, server_head, has_signed, &signed_head, &sh->time_ms,
                             sh->signature) != 0)
        return cli_ctx_net_error(c, patient);
    sh->seq = signed_head.seq;
    memcpy(sh->hash, signed_head.hash, 32);
    while (more) {
        size_t k = 0;
        if (ck_net_entries(c->net, patient, since, 500, &page, &k, &more) != 0) {
            ck_net_entries_free(all, got);
            return cli_ctx_net_error(c, patient);
        }
        if (got + k > cap) {
            size_t ncap = (got + k) * 2 + 16;
            ck_net_entry *t = realloc(all, ncap * sizeof(*t));
            if (!t) {
                ck_net_entries_free(page, k);
                ck_net_entries_free(all, got);
                cli_error(c->cmd, "out of memory");
                return CLI_FAIL;
            }
            all = t;
            cap = ncap;
        }
        if (k) memcpy(all + got, page, k * sizeof(*page));
        free(page);                       /* the envelopes moved into all */
        page = NULL;
        got += k;
        if (!k) break;
        since = all[got - 1].seq;
    }
    *v = all;
    *n = got;
    return CLI_OK;
}

void cli_ctx_close(cli_ctx *c)
{
    ck_net_close(c->net);
    ck_keyring_free(c->kr);
    c->net = NULL;
    c->kr = NULL;
}
