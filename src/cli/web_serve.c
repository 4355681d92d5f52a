/*
 * src/cli/web_serve.c - `carekey web serve`: the node's pages (src/ui) for
 * the people whose homes are under DATA (DATA/GID), in the foreground
 * until SIGINT or SIGTERM. Each person logs in with her GID and passphrase;
 * nobody's keyring is opened at start. docs/UI.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carekey/node.h"
#include "client/cli.h"
#include "ui/ui.h"

static const char serve_usage[] =
    "Usage: carekey web serve --data DIR [--port P] [--port-file F] [--web DIR]\n"
    "                         [--idle SECONDS] [--server URL] [--threads N]\n"
    "\n"
    "Serves the node's pages on 127.0.0.1 for every person whose home is a\n"
    "folder of DIR named by her GID (DIR/GID). A person logs in with her GID\n"
    "and passphrase: her keyring is unlocked here, in a server-side session;\n"
    "the browser gets an HttpOnly session cookie and a CSRF token, never a key.\n"
    "A session idle for --idle seconds is locked and wiped. docs/UI.md.\n"
    "\n"
    "  --data DIR        the people's homes (required)\n"
    "  --port P          port to listen on (default 0: any free one)\n"
    "  --port-file F     write the port to F once listening\n"
    "  --web DIR         the pages (default: the source tree's web/)\n"
    "  --idle SECONDS    idle time before a session is locked (default 900)\n"
    "  --server URL      carekeyd for every home (default: each home's own)\n"
    "  --threads N       worker threads (default 4)\n";

static int write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    FILE *f;
    int ok;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(f = fopen(tmp, "w"))) return -1;
    ok = fprintf(f, "%u\n", port) > 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int number(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v < lo || v > hi) return -1;
    *out = (unsigned)v;
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"data", required_argument, NULL, 'd'},
                                       {"port", required_argument, NULL, 'p'},
                                       {"port-file", required_argument, NULL, 'f'},
                                       {"web", required_argument, NULL, 'w'},
                                       {"idle", required_argument, NULL, 'i'},
                                       {"server", required_argument, NULL, 's'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *cmd = "web serve", *port_file = NULL;
    ck_ui_config cfg;
    ck_ui *ui = NULL;
    sigset_t set;
    int opt, sig;
    memset(&cfg, 0, sizeof cfg);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, cmd, cmd)) != -1) {
        switch (opt) {
        case 'd': cfg.data = optarg; break;
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
        case 'h': fputs(serve_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(cmd, cmd, "unexpected argument '%s'", argv[optind]);
    if (!cfg.data) return cli_usage_error(cmd, cmd, "--data DIR is required");
    if (ck_node_global_init() != 0) {
        cli_error(cmd, "cannot initialize the node");
        return CLI_IO;
    }
    /* the workers inherit the mask: only this thread takes the signals */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (ck_ui_start(&cfg, &ui) != 0) {
        cli_error(cmd, "cannot serve the pages (is %s a readable folder? the port taken?)", cfg.data);
        return CLI_IO;
    }
    if (port_file && write_port_file(port_file, ck_ui_port(ui)) != 0) {
        cli_error(cmd, "cannot write %s", port_file);
        ck_ui_stop(ui);
        return CLI_IO;
    }
    fprintf(stderr, "carekey: web serve: http://127.0.0.1:%u/\n", ck_ui_port(ui));
    sigwait(&set, &sig);
    fprintf(stderr, "carekey: web serve: stopping (signal %d); every session locked\n", sig);
    ck_ui_stop(ui);
    return CLI_OK;
}

static const cli_subcmd web_subcmds[] = {
    {"serve", "serve the node's pages on 127.0.0.1", serve_usage, cmd_serve},
};
#define N_WEB (sizeof web_subcmds / sizeof web_subcmds[0])

static void web_help(FILE *f)
{
    fprintf(f, "Usage: carekey web COMMAND [OPTIONS]\n\nThe node's pages.\n\nCommands:\n");
    for (size_t i = 0; i < N_WEB; i++) fprintf(f, "  %-8s %s\n", web_subcmds[i].name, web_subcmds[i].summary);
}

static int web_run(int argc, char **argv) { return cli_dispatch("web", web_help, web_subcmds, N_WEB, argc, argv); }

const cli_group cli_group_web = {"web", "the node's pages on 127.0.0.1: serve", web_run};
