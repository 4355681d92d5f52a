/*
 * src/client/cli_authority_util.c - attribute specs, epoch tables, the
 * holder registry and the authority's own connection (cli_authority.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "client/cli_authority.h"
#include "client/cli_advice.h"

#define REGISTRY_DIR "authorities"
#define REGISTRY_MAX ((size_t)64 << 20)

/* ---- attributes ----------------------------------------------------------- */

/* "level@hosp-a=3": text before the last '=' and the value; 0 if not
 * numeric, -1 for a value out of range. Only digits may follow the '=',
 * which authority names cannot contain. */
static int split_numeric(const char *a, size_t *text_len, uint32_t *v)
{
    const char *eq = strrchr(a, '=');
    if (!eq || !eq[1] || strspn(eq + 1, "0123456789") != strlen(eq + 1)) return 0;
    if (!cli_parse_u32(eq + 1, v)) return -1;
    *text_len = (size_t)(eq - a);
    return 1;
}

int cli_attr_parse(const char *cmd, const char *help, const char *text, int allow_value, cli_attr_spec *out)
{
    ck_policy_error perr;
    size_t len = strlen(text);
    int num;
    memset(out, 0, sizeof *out);
    num = split_numeric(text, &len, &out->value);
    if (num < 0) return cli_usage_error(cmd, help, "numeric attribute '%s': the value must be 0..4294967295", text);
    if (num && !allow_value)
        return cli_usage_error(cmd, help, "name the attribute without a value ('%.*s'), not '%s'", (int)len, text,
                               text);
    if (ck_policy_attr_label(out->label, text, len, &perr) != CK_POLICY_OK)
        return cli_usage_error(cmd, help, "invalid attribute '%s': %s", text, perr.msg);
    out->numeric = num;
    return CLI_OK;
}

const char *cli_attr_authority(const char *label)
{
    const char *at = strrchr(label, '@');
    return at ? at + 1 : "";
}

/* Bit labels are built from the base label in the documented form
 * (carekey/policy.h: "name#b<i>=<bit>@authority"); the base label is
 * unescaped, so it cannot always be re-parsed as policy text. */
static void bit_label(char out[CK_POLICY_LABEL_MAX], const char *base, unsigned bit, unsigned val)
{
    const char *at = strrchr(base, '@');
    int nl = at ? (int)(at - base) : (int)strlen(base);
    snprintf(out, CK_POLICY_LABEL_MAX, "%.*s#b%u=%u@%s", nl, base, bit, val, at ? at + 1 : "");
}

int cli_attr_bit_parts(const char *label, size_t *name_len, unsigned *bit, unsigned *val)
{
    const char *hash = strrchr(label, '#'), *at = strrchr(label, '@');
    char tail[2];
    if (!hash || !at || hash > at) return 0;
    if (sscanf(hash, "#b%u=%u%1[@]", bit, val, tail) != 3 || *bit > 31 || *val > 1) return 0;
    *name_len = (size_t)(hash - label);
    return 1;
}

size_t cli_attr_labels(const cli_attr_spec *a, char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX])
{
    if (!a->numeric) {
        snprintf(out[0], CK_POLICY_LABEL_MAX, "%s", a->label);
        return 1;
    }
    for (unsigned i = 0; i < CK_POLICY_NUM_BITS; i++) bit_label(out[i], a->label, i, (a->value >> i) & 1u);
    return CK_POLICY_NUM_BITS;
}

/* ---- epoch tables ---------------------------------------------------------- */

uint32_t cli_table_epoch(const ck_dir_epochs *t, const char *label)
{
    uint32_t ep = 0;
    if (ck_dir_epochs_get(t, label, &ep) != 0) ep = 0;
    return ep;
}

/* The registry's table, verified with the authority's own key; *have 0
 * when it holds none. */
static int registry_table(cli_ctx *c, const ck_keyring_authority_secret *s, const json_t *reg, ck_dir_epochs *t,
                          int *have)
{
    json_t *j = json_object_get(reg, "epoch_table");
    char why[CK_DIR_ERR_CAP], *text;
    int rc;
    *have = 0;
    if (!j) return CLI_OK;
    if (!(text = json_dumps(j, JSON_COMPACT))) return CLI_FAIL;
    rc = ck_dir_epochs_parse(t, s->sk.name, text, strlen(text), why);
    free(text);
    if (rc != 0 || ck_dir_epochs_verify(t, s->signing_pk) != 0) {
        if (rc == 0) ck_dir_epochs_free(t);
        cli_error(c->cmd, "the epoch table in %s/authorities/%s.json is damaged", c->home, s->sk.name);
        return CLI_FAIL;
    }
    *have = 1;
    return CLI_OK;
}

/* The directory's table (verified with our own key); *have 0 when none. */
static int directory_table(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, ck_dir_epochs *t,
                           int *have)
{
    ck_net_authority a;
    char why[CK_DIR_ERR_CAP];
    int rc = CLI_FAIL;
    *have = 0;
    memset(&a, 0, sizeof a);
    if (ck_net_authority_fetch(an, s->sk.name, &a) != 0) return cli_authority_net_error(c, an, s->sk.name);
    if (memcmp(a.sign_pk, s->signing_pk, 32) != 0) {
        cli_error(c->cmd, "the directory holds another signing key for authority '%s'", s->sk.name);
    } else if (!a.epoch_table) {
        rc = CLI_OK;
    } else if (ck_dir_epochs_parse(t, s->sk.name, a.epoch_table, strlen(a.epoch_table), why) != 0 ||
               ck_dir_epochs_verify(t, s->signing_pk) != 0) {
        cli_error(c->cmd, "the directory's epoch table of authority '%s' is not one it signed", s->sk.name);
    } else {
        *have = 1;
        rc = CLI_OK;
    }
    ck_net_authority_clear(&a);
    return rc;
}

int cli_authority_table(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, const json_t *reg,
                        ck_dir_epochs *t)
{
    ck_dir_epochs mine, served;
    int have_mine = 0, have_served = 0, rc;
    memset(t, 0, sizeof *t);
    snprintf(t->authority, sizeof t->authority, "%s", s->sk.name);
    if ((rc = registry_table(c, s, reg, &mine, &have_mine)) != CLI_OK) return rc;
    if ((rc = directory_table(c, an, s, &served, &have_served)) != CLI_OK) {
        if (have_mine) ck_dir_epochs_free(&mine);
        return rc;
    }
    /* the authority's own copy protects it from a server that serves an
     * older table; a newer served one came from another home of ours */
    if (have_served && (!have_mine || served.version > mine.version)) {
        *t = served;
        if (have_mine) ck_dir_epochs_free(&mine);
    } else {
        if (have_mine) *t = mine;
        if (have_served) ck_dir_epochs_free(&served);
    }
    return CLI_OK;
}

static int keep_table(cli_ctx *c, const ck_dir_epochs *t, json_t *reg)
{
    char *text = ck_dir_epochs_json(t);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (!j || json_object_set_new(reg, "epoch_table", j) != 0) {
        cli_error(c->cmd, "out of memory");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cli_authority_table_publish(cli_ctx *c, ck_net *an, const ck_keyring_authority_secret *s, json_t *reg,
                                ck_dir_epochs *t)
{
    char *text = NULL;
    int rc = CLI_FAIL;
    t->version++;
    t->time_ms = wall_ms();
    if (ck_dir_epochs_sign(t, s->signing_sk) != 0 || !(text = ck_dir_epochs_json(t))) {
        cli_error(c->cmd, "cannot sign the epoch table");
        goto out;
    }
    /* kept before it is published: a crash in between leaves the newer
     * table here, which the next run publishes again */
    if ((rc = keep_table(c, t, reg)) != CLI_OK || (rc = cli_registry_save(c, s->sk.name, reg)) != CLI_OK) goto out;
    if (ck_net_authority_put_epochs(an, s->sk.name, text) != 0)
        rc = cli_authority_net_error(c, an, "publishing the epoch table");
out:
    free(text);
    return rc;
}

int cli_authority_table_first(cli_ctx *c, const ck_keyring_authority_secret *s, json_t *reg,
                              const char *const *labels, size_t n)
{
    ck_dir_epochs t;
    int rc = CLI_FAIL;
    memset(&t, 0, sizeof t);
    snprintf(t.authority, sizeof t.authority, "%s", s->sk.name);
    t.version = 1;
    t.time_ms = wall_ms();
    for (size_t i = 0; i < n; i++)
        if (!ck_dir_label_valid(labels[i], s->sk.name) || ck_dir_epochs_set(&t, labels[i], 0) != 0) {
            cli_error(c->cmd, "'%s' cannot be listed in %s's epoch table", labels[i], s->sk.name);
            goto out;
        }
    if (ck_dir_epochs_sign(&t, s->signing_sk) != 0) {
        cli_error(c->cmd, "cannot sign the epoch table");
        goto out;
    }
    rc = keep_table(c, &t, reg);
out:
    ck_dir_epochs_free(&t);
    return rc;
}

/* ---- holder registry -------------------------------------------------------- */

static void registry_path(const cli_ctx *c, char *out, const char *name)   /* out: PATH_MAX */
{
    snprintf(out, PATH_MAX, "%s/%s/%s.json", c->home, REGISTRY_DIR, name);
}

static json_t *registry_new(const char *name)
{
    return json_pack("{s:s,s:{},s:{}}", "authority", name, "attributes", "numeric");
}

/* Shape check: a damaged registry must not make revoke skip holders. */
static int registry_valid(const json_t *reg, const char *name)
{
    const json_t *attrs = json_object_get(reg, "attributes"), *num = json_object_get(reg, "numeric");
    const char *k, *g;
    json_t *v, *w;
    size_t i;
    if (!json_is_object(reg) || !json_is_string(json_object_get(reg, "authority")) ||
        strcmp(json_string_value(json_object_get(reg, "authority")), name) != 0 || !json_is_object(attrs) ||
        !json_is_object(num))
        return 0;
    if (json_object_get(reg, "epoch_table") && !json_is_object(json_object_get(reg, "epoch_table"))) return 0;
    json_object_foreach((json_t *)attrs, k, v) {
        if (!json_is_array(v)) return 0;
        json_array_foreach(v, i, w) if (!json_is_string(w)) return 0;
    }
    json_object_foreach((json_t *)num, k, v) {
        if (!json_is_object(v)) return 0;
        json_object_foreach(v, g, w) if (!json_is_integer(w)) return 0;
    }
    return 1;
}

json_t *cli_registry_load(cli_ctx *c, const char *name)
{
    char path[PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    json_t *reg;
    registry_path(c, path, name);
    if (!cli_file_exists(path)) return registry_new(name);
    if (cli_read_file(c->cmd, path, REGISTRY_MAX, &buf, &len) != CLI_OK) return NULL;
    reg = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, NULL);
    free(buf);
    if (!registry_valid(reg, name)) {
        cli_error(c->cmd, "%s is damaged (not a holder registry of authority %s)", path, name);
        json_decref(reg);
        return NULL;
    }
    return reg;
}

int cli_registry_save(cli_ctx *c, const char *name, json_t *reg)
{
    char path[PATH_MAX], *text;
    int rc;
    if ((rc = cli_ctx_make_home(c)) != CLI_OK) return rc;
    snprintf(path, sizeof path, "%s/%s", c->home, REGISTRY_DIR);
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        cli_error(c->cmd, "cannot create %s: %s", path, strerror(errno));
        return CLI_IO;
    }
    registry_path(c, path, name);
    if (!(text = json_dumps(reg, JSON_INDENT(2) | JSON_SORT_KEYS))) {
        cli_error(c->cmd, "out of memory");
        return CLI_FAIL;
    }
    rc = cli_write_file(c->cmd, path, (const uint8_t *)text, strlen(text), 0600, 0);
    free(text);
    return rc;
}

int cli_registry_add(json_t *reg, const cli_attr_spec *a, const char *gid)
{
    if (a->numeric) {
        json_t *num = json_object_get(reg, "numeric"), *o = json_object_get(num, a->label);
        if (!o && (json_object_set_new(num, a->label, o = json_object()) != 0)) return -1;
        return json_object_set_new(o, gid, json_integer(a->value));
    } else {
        json_t *attrs = json_object_get(reg, "attributes"), *arr = json_object_get(attrs, a->label), *v;
        size_t i;
        if (!arr && json_object_set_new(attrs, a->label, arr = json_array()) != 0) return -1;
        json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), gid) == 0) return 0;
        return json_array_append_new(arr, json_string(gid));
    }
}

int cli_registry_holds(const json_t *reg, const char *label, int numeric, const char *gid, uint32_t *value)
{
    if (numeric) {
        json_t *v = json_object_get(json_object_get(json_object_get(reg, "numeric"), label), gid);
        if (!json_is_integer(v)) return 0;
        if (value) *value = (uint32_t)json_integer_value(v);
        return 1;
    } else {
        json_t *arr = json_object_get(json_object_get(reg, "attributes"), label), *v;
        size_t i;
        json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), gid) == 0) return 1;
        return 0;
    }
}

static int label_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

json_t *cli_registry_held(const json_t *reg, const char *gid)
{
    const char *label;
    json_t *v, *out = json_array(), **tmp;
    size_t n;
    if (!out) return NULL;
    json_object_foreach(json_object_get(reg, "attributes"), label, v)
        if (cli_registry_holds(reg, label, 0, gid, NULL) && json_array_append_new(out, json_string(label)) != 0) goto oom;
    json_object_foreach(json_object_get(reg, "numeric"), label, v)
        if (cli_registry_holds(reg, label, 1, gid, NULL) && json_array_append_new(out, json_string(label)) != 0) goto oom;
    /* a stable order for the caller's output */
    n = json_array_size(out);
    if (n > 1) {
        if (!(tmp = malloc(n * sizeof *tmp))) goto oom;
        for (size_t i = 0; i < n; i++) tmp[i] = json_incref(json_array_get(out, i));
        qsort(tmp, n, sizeof *tmp, label_cmp);
        json_array_clear(out);
        for (size_t i = 0; i < n; i++) json_array_append_new(out, tmp[i]);
        free(tmp);
    }
    return out;
oom:
    json_decref(out);
    return NULL;
}

/* ---- the commands' options ---------------------------------------------------- */

int cli_authority_next_opt(cli_ctx *c, int argc, char **argv, const struct option *lo, const char *help,
                           const char *usage)
{
    for (;;) {
        int o = cli_next_opt(argc, argv, lo, c->cmd, help);
        if (o != -1 && cli_ctx_option(c, o, optarg)) continue;
        if (o == 'h') fputs(usage, stdout);
        return o;
    }
}

/* ---- the authority itself ---------------------------------------------------- */

int cli_authority_secret(cli_ctx *c, const char *name, const ck_keyring_authority_secret **out)
{
    int rc;
    if ((rc = cli_ctx_keyring(c)) != CLI_OK) return rc;
    if (!(*out = ck_keyring_authority_sk_find(c->kr, name))) {
        cli_error(c->cmd, "this keyring (%s) does not run authority '%s' (see 'carekey authority list')", c->home,
                  name);
        return CLI_FAIL;
    }
    if (!(*out)->has_signing) {
        cli_error(c->cmd, "authority '%s' has no signing key in this keyring; it cannot talk to the server", name);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cli_authority_net(cli_ctx *c, const ck_keyring_authority_secret *s, ck_net **out)
{
    ck_net_opts opts = {NULL, NULL, 0};
    char caller[CK_ABE_NAME_MAX + 16];
    int rc;
    *out = NULL;
    /* cli_ctx_net resolves the server (--server, $CAREKEY_SERVER or the
     * saved one); its own handle costs nothing until used */
    if ((rc = cli_ctx_net(c)) != CLI_OK) return rc;
    opts.url = c->server;
    opts.ca_file = getenv("CAREKEY_CA_FILE");
    snprintf(caller, sizeof caller, "authority:%s", s->sk.name);
    if (ck_net_open(out, &opts) != 0 || ck_net_set_identity(*out, caller, s->signing_sk) != 0) {
        ck_net_close(*out);
        *out = NULL;
        cli_error(c->cmd, "cannot set up a connection to %s", c->server);
        return CLI_IO;
    }
    return CLI_OK;
}

int cli_authority_net_error(cli_ctx *c, ck_net *net, const char *what)
{
    long st = ck_net_status(net);
    const char *code = ck_net_error_code(net), *msg = ck_net_error_message(net);
    if (st == 0)
        cli_error(c->cmd, "%s: cannot reach %s%s%s", what, c->server, msg ? ": " : "", msg ? msg : "");
    else if (st == 401 && code && strcmp(code, "bad_signature") == 0)
        cli_error(c->cmd, "%s: the server does not accept this authority's key (is it registered? the operator "
                          "runs 'carekey admin add-authority')", what);
    else {
        cli_error(c->cmd, "%s: server answered %ld %s%s%s", what, st, code ? code : "", msg ? ": " : "",
                  msg ? msg : "");
        cli_advice_print(c->cmd, code);
    }
    return st == 0 ? CLI_IO : CLI_FAIL;
}

int cli_authority_peer(cli_ctx *c, ck_net *net, const char *gid, ck_keyring_peer *out)
{
    const ck_keyring_peer *p;
    ck_net_user u;
    if ((p = ck_keyring_peer_find(c->kr, gid))) {
        *out = *p;
        return CLI_OK;
    }
    if (ck_net_user_get(net, gid, &u) != 0) {
        const char *code = ck_net_error_code(net);
        if (ck_net_status(net) == 404 && code && strcmp(code, "user_not_found") == 0) {
            cli_error(c->cmd, "no user '%s' in the directory", gid);
            return CLI_FAIL;
        }
        return cli_authority_net_error(c, net, gid);
    }
    /* trust on first use: later lookups use the pinned keys, so a server
     * that swaps keys later cannot redirect deliveries */
    if (ck_keyring_set_peer(c->kr, gid, u.ed25519, u.x25519) != CK_KEYRING_OK) {
        cli_error(c->cmd, "cannot pin the keys of %s", gid);
        return CLI_FAIL;
    }
    *out = *ck_keyring_peer_find(c->kr, gid);
    return cli_ctx_save(c);
}
