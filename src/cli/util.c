/*
 * src/cli/util.c - error reporting and file I/O for the CLI.
 * Outputs never appear half-written: they go to a temporary file in the
 * target directory, which is fsync'ed and renamed into place.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "carekey: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *help, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "carekey: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'carekey %s --help' for more information.\n", help);
    return CLI_USAGE;
}

int cli_file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s < '0' || *s > '9') return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end) return 0;
    *out = (uint64_t)v;
    return 1;
}

int cli_parse_u32(const char *s, uint32_t *out)
{
    uint64_t v;
    if (!cli_parse_u64(s, &v) || v > 0xffffffffull) return 0;
    *out = (uint32_t)v;
    return 1;
}

int cli_read_file(const char *cmd, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = CLI_IO;
    struct stat st;
    uint8_t *b = NULL;
    size_t n = 0;

    *buf = NULL;
    *len = 0;
    if (fd < 0) {
        cli_error(cmd, "cannot open '%s': %s", path, strerror(errno));
        return CLI_IO;
    }
    if (fstat(fd, &st) != 0) {
        cli_error(cmd, "cannot stat '%s': %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error(cmd, "'%s' is a directory", path);
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        cli_error(cmd, "'%s' is too large (%lld bytes; the limit is %zu)", path, (long long)st.st_size, max);
        goto out;
    }
    if (!(b = malloc((size_t)st.st_size + 1))) {
        cli_error(cmd, "out of memory reading '%s'", path);
        goto out;
    }
    while (n < (size_t)st.st_size) {
        ssize_t r = read(fd, b + n, (size_t)st.st_size - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            cli_error(cmd, "cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r == 0) break;   /* the file shrank */
        n += (size_t)r;
    }
    *buf = b;
    *len = n;
    b = NULL;
    rc = CLI_OK;
out:
    free(b);
    close(fd);
    return rc;
}

void cli_free_secret(uint8_t *buf, size_t len)
{
    if (buf) OPENSSL_cleanse(buf, len);
    free(buf);
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int cli_write_file(const char *cmd, const char *path, const uint8_t *buf, size_t len, mode_t mode,
                   int no_clobber)
{
    char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX + 32];
    int fd = -1, dfd, rc = CLI_IO;
    size_t pl = strlen(path);

    if (pl == 0 || pl >= PATH_MAX) {
        cli_error(cmd, "invalid output path '%s'", path);
        return CLI_IO;
    }
    {
        /* rename() would replace a device or a FIFO with a regular file */
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            cli_error(cmd, "'%s' exists and is not a regular file", path);
            return CLI_IO;
        }
    }
    memcpy(dir, path, pl + 1);
    memcpy(base, path, pl + 1);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dirname(dir), basename(base));
    if ((fd = mkstemp(tmp)) < 0) {
        cli_error(cmd, "cannot create a temporary file next to '%s': %s", path, strerror(errno));
        return CLI_IO;
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        cli_error(cmd, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (no_clobber) {
        /* link() fails if path exists, atomically */
        if (link(tmp, path) != 0) {
            cli_error(cmd, errno == EEXIST ? "'%s' already exists; not overwriting it" : "cannot create '%s': %s",
                      path, strerror(errno));
            goto out;
        }
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        cli_error(cmd, "cannot create '%s': %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = 0;
    /* make the rename itself durable */
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = CLI_OK;
out:
    if (fd >= 0) close(fd);
    if (tmp[0]) unlink(tmp);
    return rc;
}

/* ---- subcommand plumbing ------------------------------------------------- */

int cli_is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

void cli_print_subcmds(FILE *f, const cli_subcmd *subcmds, size_t n)
{
    int width = 0;
    for (size_t i = 0; i < n; i++)
        if (subcmds[i].summary && (int)strlen(subcmds[i].name) > width) width = (int)strlen(subcmds[i].name);
    for (size_t i = 0; i < n; i++)
        if (subcmds[i].summary) fprintf(f, "  %-*s  %s\n", width, subcmds[i].name, subcmds[i].summary);
}

const struct option *cli_opts_keep(struct option *out, size_t cap, const struct option *all, const char *keep)
{
    size_t n = 0;
    for (const struct option *o = all; o->name && n + 1 < cap; o++)
        if (o->val >= 0x1000 || o->val == 'h' || (o->val > 0 && o->val < 256 && strchr(keep, o->val)))
            out[n++] = *o;
    memset(&out[n], 0, sizeof out[n]);
    return out;
}

void cli_start_opts(void)
{
    optind = 0;   /* glibc: full re-initialisation for each subcommand */
    opterr = 0;
}

/* For tests/client/help_test.sh: with $CAREKEY_HELP_OPTIONS set, the first
 * parse of a command prints the options its parser accepts ("alias" before
 * one that shares its value with an earlier one: a hidden old name) and
 * exits, so the test checks them against the --help text. */
static void list_options(const struct option *lo)
{
    printf("carekey-options\n");
    for (const struct option *o = lo; o && o->name; o++) {
        int alias = 0;
        for (const struct option *p = lo; p != o; p++)
            if (p->val == o->val && !p->flag && !o->flag) alias = 1;
        printf("%s--%s\n", alias ? "alias " : "", o->name);
    }
    exit(CLI_OK);
}

int cli_next_opt(int argc, char **argv, const struct option *lo, const char *cmd, const char *help)
{
    int c;
    if (optind <= 1 && getenv("CAREKEY_HELP_OPTIONS")) list_options(lo);
    c = getopt_long(argc, argv, ":h", lo, NULL);
    if (c == '?') {
        const char *bad = argv[optind - 1];
        if (optopt && lo) {
            for (const struct option *o = lo; o->name; o++)
                if (o->val == optopt && o->has_arg == required_argument) {
                    cli_usage_error(cmd, help, "option '--%s' needs a value", o->name);
                    return '?';
                }
        }
        cli_usage_error(cmd, help, "unknown option '%s'", bad);
    } else if (c == ':') {
        cli_usage_error(cmd, help, "option '%s' needs a value", argv[optind - 1]);
        c = '?';
    }
    return c;
}

int cli_dispatch(const char *group, void (*help)(FILE *f), const cli_subcmd *subcmds, size_t n,
                 int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return CLI_USAGE;
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        help(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[1], subcmds[i].name) == 0) return subcmds[i].run(argc - 1, argv + 1);
    fprintf(stderr, "carekey: %s: unknown subcommand '%s'\nTry 'carekey %s --help' for more information.\n",
            group, argv[1], group);
    return CLI_USAGE;
}

/* The listening port into path, whole or not at all (a temporary file
 * renamed), so that a script waiting for the file never reads half of it. */
int cli_write_port_file(const char *path, unsigned port)
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
