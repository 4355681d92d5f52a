/*
 * main.c - carekeyd: configuration, signals, start and graceful stop.
 *
 * SIGTERM/SIGINT are blocked in every thread and taken with sigwait() here,
 * so shutdown runs in normal context: stop accepting, let in-flight
 * requests finish (--grace), drain the store's writer, exit 0.
 */
#include "ckd.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    ckd_server srv;
    sigset_t set;
    int sig = 0, rc;

    if (argc >= 2 && strcmp(argv[1], "migrate") == 0) return ckd_migrate_main(argc, argv);
    memset(&srv, 0, sizeof srv);
    ckd_config_defaults(&srv.cfg);
    rc = ckd_config_load(&srv.cfg, argc, argv);
    if (rc != 0) return rc > 0 ? 0 : 2;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread */
    signal(SIGPIPE, SIG_IGN);

    if (ckd_server_start(&srv) != 0) return 1;
    sigwait(&set, &sig);
    ckd_log(CKD_INFO, "shutting down", "signal=%s inflight=%ld", sig == SIGTERM ? "TERM" : "INT",
            ckd_metrics_inflight_now());
    ckd_server_stop(&srv);
    ckd_log(CKD_INFO, "stopped", "%s", "");
    return 0;
}
