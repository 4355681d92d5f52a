/*
 * log.c - structured logs on stderr: "ts=... level=... msg=\"...\" k=v ...".
 * Callers pass route names, codes and timings, never patient data, keys or
 * request bodies.
 */
#include "ckd.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int log_level = CKD_INFO;

void ckd_log_level(int level) { log_level = level; }
int ckd_log_enabled(int level) { return level <= log_level; }

void ckd_log(int level, const char *msg, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    char line[1024];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n;

    if (!ckd_log_enabled(level)) return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s msg=\"%s\"",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 ts.tv_nsec / 1000000, names[level], msg);
    if (n > 0 && (size_t)n < sizeof line - 2 && fmt && *fmt) {
        line[n++] = ' ';
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    /* One write per line keeps lines whole across threads. */
    fprintf(stderr, "%s\n", line);
}
