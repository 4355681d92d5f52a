/*
 * src/cli/node_serve.c - `carekey node serve --ui`: the node's pages
 * (src/ui) for the people whose homes are under DATA (DATA/GID), in the
 * foreground until SIGINT or SIGTERM. Loopback by default; any other
 * address only over TLS (the passphrase and patient data cross the wire).
 * `carekey web serve` is an alias (src/cli/web_serve.c). Nobody's keyring
 * is opened at start: each person logs in on the page. docs/UI.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carekey/node.h"
#include "cli/node_serve.h"
#include "cli/cli.h"
#include "serve.h"
#include "ui/ui.h"

const char cli_node_serve_usage[] =
    "Usage: carekey node serve --ui --data DIR [--listen ADDR:PORT]\n"
    "                          [--tls-cert FILE --tls-key FILE] [--name HOST]\n"
    "                          [--port P] [--port-file F] [--web DIR]\n"
    "                          [--idle SECONDS] [--server URL] [--threads N]\n"
    "\n"
    "Serves the node's pages for every person whose home is a folder of DIR\n"
    "named by her GID (DIR/GID). A person logs in with her GID and passphrase:\n"
    "her keyring is unlocked here, in a server-side session; the browser gets\n"
    "an HttpOnly session cookie and a CSRF token, never a key. A session idle\n"
    "for --idle seconds is locked and wiped. docs/UI.md.\n"
    "\n"
    "  --ui              serve the pages (and the FHIR API behind the session)\n"
    "  --data DIR        the people's homes (required)\n"
    "  --listen A:P      address and port (default 127.0.0.1:0); an address\n"
    "                    other than loopback needs --tls-cert and --tls-key\n"
    "  --tls-cert FILE   PEM certificate: serve HTTPS\n"
    "  --tls-key FILE    its PEM private key\n"
    "  --name HOST       the name browsers use (Host/Origin checks); default:\n"
    "                    the --listen address\n"
    "  --port P          port on 127.0.0.1 (same as --listen 127.0.0.1:P)\n"
    "  --port-file F     write the port to F once listening\n"
    "  --web DIR         the pages (default: the source tree's web/)\n"
    "  --idle SECONDS    idle time before a session is locked (default 900)\n"
    "  --server URL      carekeyd for every home (default: each home's own)\n"
    "  --threads N       worker threads (default 4)\n";

static int number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) return -1;
    *out = (unsigned)v;
    return 0;
}

/* Serves until SIGINT or SIGTERM. */
static int run(const char *cmd, ck_ui_config *cfg, const char *port_file)
{
    char err[600];
    ck_ui *ui = NULL;
    sigset_t set;
    int sig;
    if (ck_node_global_init() != 0) {
        cli_error(cmd, "cannot initialize the node");
        return CLI_IO;
    }
    /* the workers inherit the mask: only this thread takes the signals */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    cfg->err = err;
    cfg->err_cap = sizeof err;
    if (ck_ui_start(cfg, &ui) != 0) {
        cli_error(cmd, "cannot serve the pages: %s", err[0] ? err : "unknown reason");
        return CLI_IO;
    }
    if (port_file && cli_write_port_file(port_file, ck_ui_port(ui)) != 0) {
        cli_error(cmd, "cannot write %s", port_file);
        ck_ui_stop(ui);
        return CLI_IO;
    }
    fprintf(stderr, "carekey: %s: %s\n", cmd, ck_ui_url(ui));
    sigwait(&set, &sig);
    fprintf(stderr, "carekey: %s: stopping (signal %d); every session locked\n", cmd, sig);
    ck_ui_stop(ui);
    return CLI_OK;
}

int cli_node_serve(int argc, char **argv, const char *cmd)
{
    static const struct option lo[] = {{"ui", no_argument, NULL, 'u'},
                                       {"data", required_argument, NULL, 'd'},
                                       {"listen", required_argument, NULL, 'l'},
                                       {"tls-cert", required_argument, NULL, 'c'},
                                       {"tls-key", required_argument, NULL, 'k'},
                                       {"name", required_argument, NULL, 'n'},
                                       {"port", required_argument, NULL, 'p'},
                                       {"port-file", required_argument, NULL, 'f'},
                                       {"web", required_argument, NULL, 'w'},
                                       {"idle", required_argument, NULL, 'i'},
                                       {"server", required_argument, NULL, 's'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *port_file = NULL;
    char addr[CK_HTTPD_ADDR_MAX];
    int ui = strcmp(cmd, "web serve") == 0; /* the alias always serves the pages */
    ck_ui_config cfg;
    int opt;
    memset(&cfg, 0, sizeof cfg);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, cmd, cmd)) != -1) {
        switch (opt) {
        case 'u': ui = 1; break;
        case 'd': cfg.data = optarg; break;
        case 'l':
            if (ck_httpd_listen_parse(optarg, addr, &cfg.port) != 0)
                return cli_usage_error(cmd, cmd, "--listen: ADDR:PORT (an IPv4 address, [IPv6] or localhost)");
            cfg.addr = addr;
            break;
        case 'c': cfg.tls_cert = optarg; break;
        case 'k': cfg.tls_key = optarg; break;
        case 'n': cfg.name = optarg; break;
        case 'p':
            if (number(optarg, 0, 65535, &cfg.port)) return cli_usage_error(cmd, cmd, "--port: 0..65535");
            break;
        case 'f': port_file = optarg; break;
        case 'w': cfg.web = optarg; break;
        case 'i':
            if (number(optarg, 1, 86400, &cfg.idle_s)) return cli_usage_error(cmd, cmd, "--idle: 1..86400");
            break;
        case 's': cfg.server = optarg; break;
        case 't':
            if (number(optarg, 1, 64, &cfg.threads)) return cli_usage_error(cmd, cmd, "--threads: 1..64");
            break;
        case 'h': fputs(cli_node_serve_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(cmd, cmd, "unexpected argument '%s'", argv[optind]);
    if (!ui) return cli_usage_error(cmd, cmd, "--ui is required (the FHIR API alone: 'carekey fhir serve')");
    if (!cfg.data) return cli_usage_error(cmd, cmd, "--data DIR is required");
    if (!!cfg.tls_cert != !!cfg.tls_key) return cli_usage_error(cmd, cmd, "--tls-cert and --tls-key go together");
    if (cfg.addr && !ck_httpd_addr_loopback(cfg.addr) && !cfg.tls_cert)
        return cli_usage_error(cmd, cmd,
                               "refusing to listen on %s without TLS: passphrases and records would cross the "
                               "network in clear; give --tls-cert FILE --tls-key FILE",
                               cfg.addr);
    return run(cmd, &cfg, port_file);
}

int cli_node_serve_cmd(int argc, char **argv) { return cli_node_serve(argc, argv, "node serve"); }
