/*
 * src/cli/progress.c - progress bar on stderr (see progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli/progress.h"

#define BAR_WIDTH 30

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void draw(cli_progress *p)
{
    int pct = p->total ? (int)(p->done * 100 / p->total) : 100, fill = pct * BAR_WIDTH / 100;
    fprintf(stderr, "\r%-10s [", p->label);
    for (int i = 0; i < BAR_WIDTH; i++) fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %3d%% %zu/%zu", pct, p->done, p->total);
    fflush(stderr);
    p->last_pct = pct;
    p->last_ms = now_ms();
}

void cli_progress_start(cli_progress *p, const char *label, size_t total)
{
    const char *off = getenv("CAREKEY_NO_PROGRESS");
    p->active = isatty(STDERR_FILENO) && !(off && *off) && total > 0;
    p->label = label;
    p->done = 0;
    p->total = total;
    p->last_pct = -1;
    p->last_ms = 0;
    if (p->active) draw(p);
}

void cli_progress_step(cli_progress *p, size_t n)
{
    int pct;
    p->done += n;
    if (p->done > p->total) p->done = p->total;
    if (!p->active) return;
    pct = p->total ? (int)(p->done * 100 / p->total) : 100;
    /* redraw on a new percent, at most ten times a second, and at the end */
    if (p->done == p->total || (pct != p->last_pct && now_ms() - p->last_ms >= 100)) draw(p);
}

void cli_progress_end(cli_progress *p)
{
    if (!p->active) return;
    fprintf(stderr, "\r%*s\r", BAR_WIDTH + 40, "");
    fflush(stderr);
    p->active = 0;
}
