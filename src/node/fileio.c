/*
 * src/node/fileio.c - files in the person's home and the files operations
 * read or write: whole reads with a size limit, atomic writes (a
 * temporary file in the same directory, fsync, rename or link, fsync of
 * the directory), so an output never appears half-written.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/node_impl.h"

int ck_node_file_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

void ck_node_free_secret(void *buf, size_t len)
{
    if (buf) OPENSSL_cleanse(buf, len);
    free(buf);
}

void ck_node_free_str(char *s)
{
    if (s) OPENSSL_cleanse(s, strlen(s));
    free(s);
}

static int read_fd(ck_node *n, int fd, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    struct stat st;
    uint8_t *b;
    size_t got = 0;
    if (fstat(fd, &st) != 0) return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot stat '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return ck_node_fail(n, CK_NODE_E_IO, "io", "'%s' is a directory", path);
    if (st.st_size < 0 || (uint64_t)st.st_size > max)
        return ck_node_fail(n, CK_NODE_E_IO, "too_large", "'%s' is too large (%lld bytes; the limit is %zu)", path,
                            (long long)st.st_size, max);
    if (!(b = malloc((size_t)st.st_size + 1)))
        return ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory reading '%s'", path);
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, b + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(b);
            return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot read '%s': %s", path, strerror(errno));
        }
        if (r == 0) break; /* the file shrank */
        got += (size_t)r;
    }
    *buf = b;
    *len = got;
    return 0;
}

int ck_node_read_file(ck_node *n, const char *path, size_t max, uint8_t **buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
    *buf = NULL;
    *len = 0;
    if (fd < 0) return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot open '%s': %s", path, strerror(errno));
    rc = read_fd(n, fd, path, max, buf, len);
    close(fd);
    return rc;
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

/* The temporary file, written and synced; 0 or -1 (reported). */
static int write_tmp(ck_node *n, const char *path, char *tmp, const uint8_t *buf, size_t len, mode_t mode)
{
    int fd = mkstemp(tmp);
    if (fd < 0) {
        tmp[0] = 0;
        return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot create a temporary file next to '%s': %s", path,
                            strerror(errno));
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        close(fd);
        return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot write '%s': %s", path, strerror(errno));
    }
    if (close(fd) != 0) return ck_node_fail(n, CK_NODE_E_IO, "io", "cannot write '%s': %s", path, strerror(errno));
    return 0;
}

int ck_node_write_file(ck_node *n, const char *path, const uint8_t *buf, size_t len, mode_t mode, int no_clobber)
{
    char dir[PATH_MAX], base[PATH_MAX], tmp[PATH_MAX + 32];
    size_t pl = strlen(path);
    struct stat st;
    int dfd, rc = -1;

    if (pl == 0 || pl >= PATH_MAX) return ck_node_fail(n, CK_NODE_E_IO, "io", "invalid output path '%s'", path);
    /* rename() would replace a device or a FIFO with a regular file */
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return ck_node_fail(n, CK_NODE_E_IO, "io", "'%s' exists and is not a regular file", path);
    memcpy(dir, path, pl + 1);
    memcpy(base, path, pl + 1);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dirname(dir), basename(base));
    if (write_tmp(n, path, tmp, buf, len, mode) != 0) goto out;
    if (no_clobber) {
        /* link() fails if path exists, atomically */
        if (link(tmp, path) != 0) {
            ck_node_fail(n, errno == EEXIST ? CK_NODE_E_CONFLICT : CK_NODE_E_IO, errno == EEXIST ? "exists" : "io",
                         errno == EEXIST ? "'%s' already exists; not overwriting it" : "cannot create '%s': %s",
                         path, strerror(errno));
            goto out;
        }
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        ck_node_fail(n, CK_NODE_E_IO, "io", "cannot create '%s': %s", path, strerror(errno));
        goto out;
    }
    tmp[0] = 0;
    /* make the rename itself durable */
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    if (tmp[0]) unlink(tmp);
    return rc;
}
