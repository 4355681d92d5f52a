/*
 * config.c - carekeyd settings from defaults, an INI file, the environment
 * and flags, in that order of precedence (later wins).
 *
 * One table names every setting once: flag --max-body, INI key max_body
 * (in any section), environment CAREKEYD_MAX_BODY.
 */
#include "ckd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ckd_config_defaults(ckd_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen, sizeof c->listen, "127.0.0.1");
    c->port = 8443;
    snprintf(c->db, sizeof c->db, "sqlite:carekey.db");
    c->threads = 16;
    c->max_conns = 1024;
    c->max_body = 1 << 20;
    c->rate = 200;
    c->burst = 400;
    c->clock_skew = 300;
    c->page_max = 500;
    c->mailbox_max = 1000;
    c->mailbox_per_sender = 64;
    c->per_ip_conns = 32;
    c->request_deadline = 10;
    c->enroll_rate = 6;
    c->db_pool = 8;
    c->nonce_db = -1;
    c->replay_cap = 1 << 20;
    c->grace = 10;
    c->session_ttl = 600;
    c->session_max = 16384;
    c->log_level = CKD_INFO;
}

static const struct opt {
    const char *name;
    const char *arg;
    const char *help;
} opts[] = {
    {"config", "FILE", "INI file with any of these settings (key = value)"},
    {"listen", "ADDR", "IPv4 address to listen on (default 127.0.0.1)"},
    {"port", "N", "TCP port, 0 picks a free one (default 8443)"},
    {"port-file", "FILE", "write the bound port to FILE once listening"},
    {"db", "URL", "sqlite:PATH (default sqlite:carekey.db) or postgres://..."},
    {"admin-key", "HEX", "operator's Ed25519 public key: the only key that enrolls"},
    {"tls-cert", "FILE", "PEM certificate: serve HTTPS (needs --tls-key)"},
    {"tls-key", "FILE", "PEM private key for --tls-cert"},
    {"threads", "N", "HTTP worker threads (epoll thread pool, default 16)"},
    {"max-conns", "N", "most concurrent connections (default 1024)"},
    {"max-body", "BYTES", "largest request body (default 1048576)"},
    {"rate-limit", "R", "requests per second per caller, 0 = off (default 200)"},
    {"rate-burst", "N", "burst allowance per caller (default 400)"},
    {"clock-skew", "SEC", "accepted request time stamp skew (default 300)"},
    {"page-max", "N", "most items one list request returns (default 500)"},
    {"mailbox-max", "N", "most pending deliveries per recipient (default 1000)"},
    {"mailbox-per-sender", "N", "most pending deliveries from one sender to one recipient (default 64)"},
    {"per-ip-conns", "N", "concurrent connections per client address (default 32)"},
    {"request-deadline", "SEC", "a whole request must arrive within SEC of accept or the last reply (default 10)"},
    {"origin", "URL", "an origin request signatures may name (repeatable; loopback names always)"},
    {"enroll-rate", "N", "enrollment requests per minute per client address, 0 = off (default 6)"},
    {"db-pool", "N", "database connections (default 8)"},
    {"nonce-store", "auto|memory|db", "where replay nonces live (auto: db for postgres)"},
    {"replay-cap", "N", "capacity of the in-memory nonce cache of signed requests (default 1048576)"},
    {"grace", "SEC", "time to finish in-flight requests on SIGTERM (default 10)"},
    {"session-ttl", "SEC", "lifetime of a request session, 0 = sessions off (default 600)"},
    {"session-max", "N", "most open request sessions (default 16384)"},
    {"log-level", "LEVEL", "error, warn, info (default) or debug (one line per request)"},
    {"help", NULL, "print this help"},
    {"version", NULL, "print the version"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

void ckd_config_usage(FILE *f)
{
    fprintf(f, "usage: carekeyd [options]\n"
               "       carekeyd migrate --from sqlite:PATH --to postgres://...  (copy, then verify every chain)\n\n"
               "carekey cloud server: stores and serves encrypted records over a signed-request\n"
               "HTTP API. Every option can also be set as KEY = VALUE in the --config INI file\n"
               "(dashes become underscores) or as CAREKEYD_KEY in the environment.\n"
               "Precedence: flags > environment > INI file > defaults.\n\n");
    for (size_t i = 0; i < NOPTS; i++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", opts[i].name, opts[i].arg ? " " : "",
                 opts[i].arg ? opts[i].arg : "");
        fprintf(f, "  %-28s %s\n", left, opts[i].help);
    }
}

static int to_long(const char *v, long min, long max, long *out)
{
    char *end;
    long x;
    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) return -1;
    *out = x;
    return 0;
}

static int copy(char *dst, size_t cap, const char *v)
{
    if (strlen(v) >= cap) return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

/* Origins, repeatable and comma-separated (the environment holds one
 * value): each normalized like clients do (ck_net_origin). */
static int add_origins(ckd_config *c, const char *v)
{
    char buf[1024], *save = NULL;
    if (strlen(v) >= sizeof buf) return -1;
    memcpy(buf, v, strlen(v) + 1);
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (c->norigins >= CKD_ORIGINS_MAX) return -1;
        if (ck_net_origin(t, c->origins[c->norigins], sizeof c->origins[0]) != 0) return -1;
        c->norigins++;
    }
    return 0;
}

/* key uses dashes or underscores. */
int ckd_config_set(ckd_config *c, const char *key, const char *v)
{
    char k[64];
    long x;
    size_t i;
    for (i = 0; key[i] && i < sizeof k - 1; i++) k[i] = key[i] == '_' ? '-' : (char)tolower((unsigned char)key[i]);
    k[i] = 0;

    if (!strcmp(k, "listen")) return copy(c->listen, sizeof c->listen, v);
    if (!strcmp(k, "port")) return to_long(v, 0, 65535, &x) ? -1 : (c->port = (int)x, 0);
    if (!strcmp(k, "port-file")) return copy(c->port_file, sizeof c->port_file, v);
    if (!strcmp(k, "db")) return copy(c->db, sizeof c->db, v);
    if (!strcmp(k, "admin-key")) {
        if (ck_net_unhex(c->admin_pk, 32, v) != 0) return -1;
        c->have_admin = 1;
        return 0;
    }
    if (!strcmp(k, "tls-cert")) return copy(c->tls_cert, sizeof c->tls_cert, v);
    if (!strcmp(k, "tls-key")) return copy(c->tls_key, sizeof c->tls_key, v);
    if (!strcmp(k, "threads")) return to_long(v, 1, 256, &x) ? -1 : (c->threads = (int)x, 0);
    if (!strcmp(k, "max-conns")) return to_long(v, 1, 100000, &x) ? -1 : (c->max_conns = (int)x, 0);
    if (!strcmp(k, "max-body")) return to_long(v, 1024, 64L << 20, &x) ? -1 : (c->max_body = x, 0);
    if (!strcmp(k, "rate-limit")) return to_long(v, 0, 10000000, &x) ? -1 : (c->rate = (double)x, 0);
    if (!strcmp(k, "rate-burst")) return to_long(v, 1, 10000000, &x) ? -1 : (c->burst = (int)x, 0);
    if (!strcmp(k, "clock-skew")) return to_long(v, 1, 86400, &x) ? -1 : (c->clock_skew = (int)x, 0);
    if (!strcmp(k, "page-max")) return to_long(v, 1, 10000, &x) ? -1 : (c->page_max = (int)x, 0);
    if (!strcmp(k, "mailbox-max")) return to_long(v, 1, 1000000, &x) ? -1 : (c->mailbox_max = (int)x, 0);
    if (!strcmp(k, "mailbox-per-sender"))
        return to_long(v, 1, 1000000, &x) ? -1 : (c->mailbox_per_sender = (int)x, 0);
    if (!strcmp(k, "per-ip-conns")) return to_long(v, 1, 100000, &x) ? -1 : (c->per_ip_conns = (int)x, 0);
    if (!strcmp(k, "request-deadline")) return to_long(v, 1, 3600, &x) ? -1 : (c->request_deadline = (int)x, 0);
    if (!strcmp(k, "origin")) return add_origins(c, v);
    if (!strcmp(k, "enroll-rate")) return to_long(v, 0, 100000, &x) ? -1 : (c->enroll_rate = (int)x, 0);
    if (!strcmp(k, "db-pool")) return to_long(v, 1, 256, &x) ? -1 : (c->db_pool = (int)x, 0);
    if (!strcmp(k, "replay-cap")) return to_long(v, 1024, 100000000, &x) ? -1 : (c->replay_cap = x, 0);
    if (!strcmp(k, "session-ttl")) return to_long(v, 0, 86400, &x) ? -1 : (c->session_ttl = (int)x, 0);
    if (!strcmp(k, "session-max")) return to_long(v, 16, 10000000, &x) ? -1 : (c->session_max = x, 0);
    if (!strcmp(k, "grace")) return to_long(v, 0, 3600, &x) ? -1 : (c->grace = (int)x, 0);
    if (!strcmp(k, "nonce-store")) {
        if (!strcmp(v, "auto")) c->nonce_db = -1;
        else if (!strcmp(v, "memory")) c->nonce_db = 0;
        else if (!strcmp(v, "db")) c->nonce_db = 1;
        else return -1;
        return 0;
    }
    if (!strcmp(k, "log-level")) {
        static const char *const lv[] = {"error", "warn", "info", "debug"};
        for (int l = 0; l < 4; l++)
            if (!strcmp(v, lv[l])) return c->log_level = l, 0;
        return -1;
    }
    return -2; /* unknown key */
}

static char *trim(char *s)
{
    char *e;
    while (isspace((unsigned char)*s)) s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

static int load_ini(ckd_config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    int lineno = 0, rc = -1;
    if (f == NULL) {
        fprintf(stderr, "carekeyd: cannot open config %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *s = trim(line), *eq, *v;
        lineno++;
        if (*s == 0 || *s == '#' || *s == ';' || *s == '[') continue; /* sections are cosmetic */
        if ((eq = strchr(s, '=')) == NULL) {
            fprintf(stderr, "carekeyd: %s:%d: expected key = value\n", path, lineno);
            goto out;
        }
        *eq = 0;
        v = trim(eq + 1);
        if (*v == '"' && strlen(v) >= 2 && v[strlen(v) - 1] == '"') {
            v[strlen(v) - 1] = 0;
            v++;
        }
        if (ckd_config_set(c, trim(s), v) != 0) {
            fprintf(stderr, "carekeyd: %s:%d: bad setting '%s'\n", path, lineno, trim(s));
            goto out;
        }
    }
    rc = 0;
out:
    fclose(f);
    return rc;
}

static int load_env(ckd_config *c)
{
    for (size_t i = 0; i < NOPTS; i++) {
        char name[64], *v;
        size_t j, n = (size_t)snprintf(name, sizeof name, "CAREKEYD_");
        if (!strcmp(opts[i].name, "config") || !strcmp(opts[i].name, "help") || !strcmp(opts[i].name, "version"))
            continue;
        for (j = 0; opts[i].name[j] && n < sizeof name - 1; j++)
            name[n++] = opts[i].name[j] == '-' ? '_' : (char)toupper((unsigned char)opts[i].name[j]);
        name[n] = 0;
        if ((v = getenv(name)) != NULL && ckd_config_set(c, opts[i].name, v) != 0) {
            fprintf(stderr, "carekeyd: bad value in %s\n", name);
            return -1;
        }
    }
    return 0;
}

int ckd_config_load(ckd_config *c, int argc, char **argv)
{
    const char *ini = getenv("CAREKEYD_CONFIG");
    /* First pass: --help and --config, which decide what the rest means. */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            ckd_config_usage(stdout);
            return 1;
        }
        if (!strcmp(argv[i], "--version")) {
            printf("carekeyd %s\n", CK_VERSION);
            return 1;
        }
        if (!strcmp(argv[i], "--config") && i + 1 < argc) ini = argv[i + 1];
        else if (!strncmp(argv[i], "--config=", 9)) ini = argv[i] + 9;
    }
    if (ini && load_ini(c, ini) != 0) return -1;
    if (load_env(c) != 0) return -1;
    for (int i = 1; i < argc; i++) {
        char key[64];
        const char *a = argv[i], *v, *eq;
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "carekeyd: unexpected argument '%s' (try --help)\n", a);
            return -1;
        }
        a += 2;
        if ((eq = strchr(a, '=')) != NULL) {
            snprintf(key, sizeof key, "%.*s", (int)(eq - a), a);
            v = eq + 1;
        } else {
            snprintf(key, sizeof key, "%s", a);
            if (i + 1 >= argc) {
                fprintf(stderr, "carekeyd: --%s needs a value\n", key);
                return -1;
            }
            v = argv[++i];
        }
        if (!strcmp(key, "config")) continue;
        int rc = ckd_config_set(c, key, v);
        if (rc == -2) {
            fprintf(stderr, "carekeyd: unknown option --%s (try --help)\n", key);
            return -1;
        }
        if (rc != 0) {
            fprintf(stderr, "carekeyd: bad value for --%s\n", key);
            return -1;
        }
    }
    if (!!c->tls_cert[0] != !!c->tls_key[0]) {
        fprintf(stderr, "carekeyd: --tls-cert and --tls-key go together\n");
        return -1;
    }
    return 0;
}
