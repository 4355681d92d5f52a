/*
 * src/cli/fhir_serve.c - `carekey fhir serve`: the node's FHIR R4 API
 * (src/api) in the foreground until SIGINT or SIGTERM.
 *
 *   fhir serve [--port P] [--port-file F] [--patient P]... [--threads N]
 *
 * The keyring is unlocked once, at start (the passphrase from the usual
 * source); the URL goes to stderr, the port to --port-file (written
 * atomically once the server listens, for scripts). Requests need the
 * bearer token of HOME/api-token (created on first start).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "carekey/keyring.h"
#include "cli/cli_node.h"

#define PATIENTS_MAX 64

static const char serve_usage[] =
    "Usage: carekey fhir serve [--port P] [--port-file F] [--patient GID]... [--threads N]\n"
    "\n"
    "Serves this person's view of the records she may read as a FHIR R4 REST\n"
    "API on 127.0.0.1 (read, vread, history, search, Patient/$everything,\n"
    "create, update; Consent and AuditEvent views), until SIGINT or SIGTERM.\n"
    "Records are fetched, verified and decrypted here; carekeyd sees only\n"
    "ciphertext. Every request needs 'Authorization: Bearer TOKEN' with the\n"
    "token of HOME/api-token (created on first start, mode 0600) and a Host of\n"
    "127.0.0.1:PORT, localhost:PORT or [::1]:PORT. docs/NODE.md, \"FHIR API\".\n"
    "\n"
    "  --port P        port to listen on (default 0: any free one)\n"
    "  --port-file F   write the port to F once listening\n"
    "  --patient GID   a record served to requests that name none (reads by\n"
    "                  id, searches without patient=); repeatable. Records a\n"
    "                  request named before, and this person's own, are too.\n"
    "  --threads N     worker threads, each with its own node handle (default 4)\n"
    "\n" CLI_COMMON_HELP;

/* Unlocks the keyring with the passphrase from the --passphrase source
 * (unless the session has it already: run by the agent). */
static int unlock(cli_node *x)
{
    char pass[1024];
    ck_keyring_err e;
    int rc;
    if (ck_node_is_unlocked(x->n)) return CLI_OK;
    if ((e = ck_keyring_passphrase_get(x->pass_source, pass, sizeof pass)) != CK_KEYRING_OK) {
        cli_error(x->cmd, "%s", ck_keyring_strerror(e));
        return CLI_USAGE;
    }
    rc = ck_node_unlock(x->n, pass, strlen(pass)) == 0 ? CLI_OK : cli_node_fail(x);
    ck_wipe(pass, sizeof pass);
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    static const struct option lo[] = {{"port", required_argument, NULL, 'p'},
                                       {"port-file", required_argument, NULL, 'f'},
                                       {"patient", required_argument, NULL, 'P'},
                                       {"threads", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       CLI_COMMON_LONGOPTS,
                                       {NULL, 0, NULL, 0}};
    const char *help = "fhir serve", *port_file = NULL, *patients[PATIENTS_MAX];
    ck_api_config cfg;
    ck_api *api = NULL;
    sigset_t set;
    cli_node x;
    int opt, rc, sig;
    char *end;

    memset(&cfg, 0, sizeof cfg);
    cli_node_init(&x, help);
    cli_start_opts();
    while ((opt = cli_next_opt(argc, argv, lo, x.cmd, help)) != -1) {
        if (cli_node_option(&x, opt, optarg)) continue;
        switch (opt) {
        case 'p':
            cfg.port = (unsigned)strtoul(optarg, &end, 10);
            if (*end || !*optarg || cfg.port > 65535) return cli_usage_error(x.cmd, help, "--port: 0..65535");
            break;
        case 'f': port_file = optarg; break;
        case 'P':
            if (cfg.n_patients == PATIENTS_MAX) return cli_usage_error(x.cmd, help, "at most 64 --patient");
            patients[cfg.n_patients++] = optarg;
            break;
        case 't':
            cfg.threads = (unsigned)strtoul(optarg, &end, 10);
            if (*end || cfg.threads < 1 || cfg.threads > 64) return cli_usage_error(x.cmd, help, "--threads: 1..64");
            break;
        case 'h': fputs(serve_usage, stdout); return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (optind != argc) return cli_usage_error(x.cmd, help, "unexpected argument '%s'", argv[optind]);
    cfg.patients = patients;
    if ((rc = cli_node_open(&x)) != CLI_OK || (rc = unlock(&x)) != CLI_OK) goto out;
    /* the workers inherit the mask: only this thread takes the signals */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (ck_api_start(x.n, &cfg, &api) != 0) {
        cli_error(x.cmd, "cannot start the FHIR API (the port taken? HOME/api-token unreadable, or readable by others?)");
        rc = CLI_IO;
        goto out;
    }
    if (port_file && cli_write_port_file(port_file, ck_api_port(api)) != 0) {
        cli_error(x.cmd, "cannot write %s", port_file);
        rc = CLI_IO;
        goto out;
    }
    fprintf(stderr, "carekey: fhir serve: http://127.0.0.1:%u/fhir (token in %s/api-token)\n", ck_api_port(api),
            ck_node_home(x.n));
    sigwait(&set, &sig);
    fprintf(stderr, "carekey: fhir serve: stopping (signal %d)\n", sig);
    rc = CLI_OK;
out:
    ck_api_stop(api);
    cli_node_close(&x);
    return rc;
}

static const cli_subcmd fhir_subcmds[] = {
    {"serve", "serve the FHIR R4 API on 127.0.0.1", serve_usage, cmd_serve},
};
#define N_FHIR (sizeof fhir_subcmds / sizeof fhir_subcmds[0])

static void fhir_help(FILE *f)
{
    fprintf(f, "Usage: carekey fhir COMMAND [OPTIONS]\n\nThe node's FHIR R4 API.\n\nCommands:\n");
    for (size_t i = 0; i < N_FHIR; i++) fprintf(f, "  %-8s %s\n", fhir_subcmds[i].name, fhir_subcmds[i].summary);
}

static int fhir_run(int argc, char **argv) { return cli_dispatch("fhir", fhir_help, fhir_subcmds, N_FHIR, argc, argv); }

const cli_group cli_group_fhir = {"fhir", "the FHIR R4 API on 127.0.0.1: serve", fhir_run};
