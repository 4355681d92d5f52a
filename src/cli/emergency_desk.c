/*
 * src/cli/emergency_desk.c - `carekey emergency-desk serve`: the HTTP half
 * of the emergency department's break-glass service (docs/BREAK-GLASS.md).
 * The checks and the issuing are the node's (ck_node_desk_handle); this
 * file parses the options, serves POST /v1/break-glass with libmicrohttpd
 * behind the slow-client guard (src/httpd/guard.h) and, when asked, TLS,
 * and prints the desk's log lines on stderr.
 *
 * Requests are handled one at a time (one polling thread): break-glass is
 * rare and the desk's node handle is used by one thread.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"
#include "carekey/node_emergency.h"
#include "cli/cli_node.h"
#include "guard.h"
#include "tls.h"

#define BODY_MAX (64u << 10)
#define DESK_PER_IP 16          /* connections per client address */
#define DESK_DEADLINE_MS 10000  /* a whole request, from accept */
#define DESK_MAX_CONNS 1024

static const char serve_usage[] =
    "Usage: carekey emergency-desk serve [--port N] [--listen ADDR] [--max-minutes M]\n"
    "                                    [--authority NAME] [--port-file FILE]\n"
    "                                    [--tls-cert FILE --tls-key FILE] [common options]\n"
    "\n"
    "Runs the emergency desk's break-glass service (HTTP, POST " CK_NODE_BTG_PATH ") from the\n"
    "desk's home. The desk's keyring must hold the attribute key emergency@NAME\n"
    "and its identity must be enrolled in carekeyd's directory; each patient gives\n"
    "the desk a write grant on the \"audit\" section.\n"
    "\n"
    "  --port N          TCP port (default 8600; 0 picks a free one)\n"
    "  --listen ADDR     IPv4 address to listen on (default 127.0.0.1)\n"
    "  --max-minutes M   longest access window granted (default 240)\n"
    "  --authority NAME  the desk's authority (default " CK_NODE_BTG_DEFAULT_AUTHORITY ")\n"
    "  --port-file FILE  write the bound port to FILE once listening\n"
    "  --tls-cert FILE   PEM certificate: serve HTTPS (needs --tls-key), as carekeyd;\n"
    "                    ER clients trust its CA through CAREKEY_CA_FILE\n"
    "  --tls-key FILE    PEM private key for --tls-cert\n"
    "\n"
    "Stops on SIGINT or SIGTERM. Protocol: docs/BREAK-GLASS.md.\n"
    "\n" CLI_COMMON_HELP;

typedef struct server {
    ck_node_desk *desk;
    ck_guard *guard;   /* slow clients cannot shut break-glass out */
    char authority[CK_NODE_BTG_NAME_MAX + 1];
} server;

typedef struct conn {
    char *body;
    size_t len;
    int too_large;
} conn;

static enum MHD_Result send_json(struct MHD_Connection *con, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    struct MHD_Response *resp;
    enum MHD_Result ret;
    json_decref(body);
    if (!text) return MHD_NO;
    if (!(resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE))) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    ret = MHD_queue_response(con, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *con, int status, const char *code, const char *msg)
{
    return send_json(con, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

/* Collects the body; 1 when this call only took upload data. */
static int take_upload(conn *k, const char *upload, size_t *upload_size)
{
    size_t n = *upload_size;
    char *nb;
    if (!n) return 0;
    *upload_size = 0;
    if (k->too_large || k->len + n > BODY_MAX) {
        k->too_large = 1;
        return 1;
    }
    if (!(nb = realloc(k->body, k->len + n + 1))) return -1;
    k->body = nb;
    memcpy(k->body + k->len, upload, n);
    k->len += n;
    k->body[k->len] = 0;
    return 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    server *s = cls;
    conn *k = *con_cls;
    json_t *answer = NULL;
    int status = 500, took;
    (void)version;
    if (!k) {
        if (!(k = calloc(1, sizeof *k))) return MHD_NO;
        *con_cls = k;
        return MHD_YES;
    }
    if ((took = take_upload(k, upload, upload_size)) != 0) return took > 0 ? MHD_YES : MHD_NO;
    ck_guard_request_arrived(s->guard, con);
    if (!strcmp(url, "/healthz") && !strcmp(method, "GET"))
        return send_json(con, 200, json_pack("{s:s,s:s}", "status", "ok", "authority", s->authority));
    if (strcmp(url, CK_NODE_BTG_PATH) != 0) return send_error(con, 404, "not_found", "no such route");
    if (strcmp(method, "POST") != 0) return send_error(con, 405, "method_not_allowed", "use POST");
    if (k->too_large) return send_error(con, 413, "body_too_large", "request body too large");
    ck_node_desk_handle(s->desk, k->body ? k->body : "", k->len, &status, &answer);
    return answer ? send_json(con, status, answer) : send_error(con, 500, "internal", "out of memory");
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode t)
{
    server *s = cls;
    conn *k = *con_cls;
    (void)t;
    ck_guard_request_done(s->guard, con);
    if (!k) return;
    if (k->body) ck_wipe(k->body, k->len);
    free(k->body);
    free(k);
    *con_cls = NULL;
}

/* The desk's log: physician and outcome only (the node never puts more in). */
static void log_line(void *ud, ck_node_level level, const char *msg)
{
    (void)ud;
    (void)level;
    fprintf(stderr, "carekey emergency-desk: %s\n", msg);
}

typedef struct serve_opts {
    uint32_t port, max_min;
    const char *listen, *port_file, *tls_cert, *tls_key, *authority;
} serve_opts;

static struct MHD_Daemon *start(server *s, const serve_opts *o, const struct sockaddr_in *sa, ck_tls *tls)
{
    /* at most DESK_PER_IP sockets per address, every request whole within
     * DESK_DEADLINE_MS, room for many more: a few trickling addresses never
     * take every slot (src/httpd/guard.h) */
    ck_guard_opts go = {DESK_PER_IP, DESK_DEADLINE_MS, DESK_MAX_CONNS};
    struct MHD_OptionItem gopts[CK_GUARD_MHD_OPTIONS + CK_TLS_MHD_OPTIONS];
    size_t n;
    if (!(s->guard = ck_guard_new(&go)) || !(n = ck_guard_mhd_options(s->guard, gopts, CK_GUARD_MHD_OPTIONS))) return NULL;
    n--; /* the guard's END: the certificate and key (if any) follow */
    n += ck_tls_mhd_options(tls, &gopts[n]);
    gopts[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | ck_tls_mhd_flags(tls),
                            (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_ARRAY, gopts, MHD_OPTION_END);
}

/* Listens until SIGINT or SIGTERM. */
static int serve(cli_node *x, server *s, serve_opts *o, const struct sockaddr_in *sa, ck_tls *tls)
{
    struct MHD_Daemon *mhd;
    const union MHD_DaemonInfo *info;
    sigset_t set;
    int sig, rc = CLI_IO;
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the MHD thread inherits it */
    if (!(mhd = start(s, o, sa, tls))) {
        cli_error(x->cmd, "cannot listen on %s:%u", o->listen, o->port);
        return CLI_IO;
    }
    info = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_BIND_PORT);
    o->port = info ? info->port : o->port;
    if (o->port_file) {
        char line[16];
        int n = snprintf(line, sizeof line, "%u\n", o->port);
        if (cli_write_file(x->cmd, o->port_file, (const uint8_t *)line, (size_t)n, 0644, 0) != CLI_OK) goto out;
    }
    fprintf(stderr, "carekey emergency-desk: %s listening on %s://%s:%u (authority %s, max %u min)\n", ck_node_gid(x->n),
            ck_tls_on(tls) ? "https" : "http", o->listen, o->port, s->authority, o->max_min);
    while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM)) {
    }
    fprintf(stderr, "carekey emergency-desk: stopping\n");
    rc = CLI_OK;
out:
    MHD_stop_daemon(mhd);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"port", required_argument, NULL, 'p'},
                                       {"listen", required_argument, NULL, 'l'},
                                       {"max-minutes", required_argument, NULL, 'm'},
                                       {"authority", required_argument, NULL, 'a'},
                                       {"port-file", required_argument, NULL, 'f'},
                                       {"tls-cert", required_argument, NULL, 'C'},
                                       {"tls-key", required_argument, NULL, 'K'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "emergency-desk serve";
    serve_opts o = {8600, 240, "127.0.0.1", NULL, NULL, NULL, CK_NODE_BTG_DEFAULT_AUTHORITY};
    ck_node_desk_config cfg;
    ck_tls tls = {0};
    struct sockaddr_in sa;
    server s;
    int opt, rc;
    cli_node x;

    memset(&s, 0, sizeof s);
    cli_node_init(&x, "emergency-desk serve");
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p':
            if (!cli_parse_u32(optarg, &o.port) || o.port > 65535) return cli_usage_error(x.cmd, help, "bad --port");
            break;
        case 'l': o.listen = optarg; break;
        case 'm':
            if (!cli_parse_u32(optarg, &o.max_min) || o.max_min < 1 || o.max_min > 24 * 60)
                return cli_usage_error(x.cmd, help, "--max-minutes takes 1..1440");
            break;
        case 'a':
            if (!*optarg || strlen(optarg) > CK_NODE_BTG_NAME_MAX ||
                strspn(optarg, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(optarg))
                return cli_usage_error(x.cmd, help, "bad --authority name");
            o.authority = optarg;
            break;
        case 'f': o.port_file = optarg; break;
        case 'C': o.tls_cert = optarg; break;
        case 'K': o.tls_key = optarg; break;
        case 'h': fputs(serve_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o.port);
    if (inet_pton(AF_INET, o.listen, &sa.sin_addr) != 1) return cli_usage_error(x.cmd, help, "bad --listen address");
    if (!o.tls_cert != !o.tls_key) return cli_usage_error(x.cmd, help, "--tls-cert and --tls-key go together");
    if (o.tls_cert) {
        char why[512];
        if (ck_tls_load(&tls, o.tls_cert, o.tls_key, why, sizeof why) != 0) {
            cli_error(x.cmd, "%s", why);
            return CLI_IO;
        }
    }
    snprintf(s.authority, sizeof s.authority, "%s", o.authority);
    cfg.authority = o.authority;
    cfg.max_seconds = o.max_min * 60;
    if ((rc = cli_node_open(&x)) != CLI_OK) goto out;
    ck_node_set_notice(x.n, log_line, NULL);
    if (ck_node_desk_open(x.n, &cfg, &s.desk) != 0) {
        rc = cli_node_fail(&x);
        goto out;
    }
    rc = serve(&x, &s, &o, &sa, &tls);
out:
    ck_node_desk_close(s.desk);
    ck_guard_free(s.guard);
    ck_tls_free(&tls);
    cli_node_close(&x);
    return rc;
}

static const cli_subcmd desk_subcmds[] = {
    {"serve", "run the break-glass service (HTTP, or HTTPS with --tls-cert)", serve_usage, cmd_serve},
};

static void desk_help(FILE *f)
{
    fputs("Usage: carekey emergency-desk SUBCOMMAND [OPTIONS]\n\n"
          "The emergency department's desk: holds emergency@er-desk and re-seals the\n"
          "emergency sections' keys to ER physicians for a limited time, audited.\n\n"
          "Subcommands:\n",
          f);
    cli_print_subcmds(f, desk_subcmds, sizeof desk_subcmds / sizeof *desk_subcmds);
}

static int desk_run(int argc, char **argv)
{
    return cli_dispatch("emergency-desk", desk_help, desk_subcmds, sizeof desk_subcmds / sizeof *desk_subcmds, argc,
                        argv);
}

const cli_group cli_group_emergency_desk = {"emergency-desk", "the emergency desk (break-glass service): serve", desk_run};
