/*
 * src/cli/progress.h - a progress bar on stderr for long record
 * operations (import, export, rewrap, opening many entries). It draws only
 * when stderr is a terminal and $CAREKEY_NO_PROGRESS is unset; otherwise
 * every call is a no-op, so scripts and logs stay quiet.
 * Labels are fixed words ("sealing", "opening"): never patient data.
 */
#ifndef CK_CLI_PROGRESS_H
#define CK_CLI_PROGRESS_H

#include <stddef.h>

typedef struct cli_progress {
    int active;          /* drawing (stderr is a TTY)          */
    const char *label;
    size_t done, total;
    int last_pct;
    long long last_ms;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, size_t total);
void cli_progress_step(cli_progress *p, size_t n);
/* Clears the bar line. */
void cli_progress_end(cli_progress *p);

#endif
