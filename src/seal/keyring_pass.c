/*
 * src/seal/keyring_pass.c - where passphrases come from: the terminal
 * (no echo), a file or an environment variable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "keyring_internal.h"

/* Reads one line from fd into buf (cap includes the NUL); drops "\n" or
 * "\r\n". Byte by byte: nothing past the line is consumed or buffered. */
static ck_keyring_err read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return CK_KEYRING_ERR_IO;
        if (r == 0 || c == '\n') break;
        if (n + 1 >= cap) {
            OPENSSL_cleanse(&c, 1);
            return CK_KEYRING_ERR_TOO_LARGE;
        }
        buf[n++] = c;
        OPENSSL_cleanse(&c, 1);
    }
    if (n > 0 && buf[n - 1] == '\r') n--;
    buf[n] = 0;
    return n ? CK_KEYRING_OK : CK_KEYRING_ERR_PARAM;
}

static ck_keyring_err from_tty(const char *prompt, char *buf, size_t cap)
{
    struct termios old, raw;
    int fd, restore = 0;
    ck_keyring_err rc = CK_KEYRING_ERR_NO_TTY;
    if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) return rc;
    if (tcgetattr(fd, &old) != 0) goto out;
    raw = old;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    raw.c_lflag |= ICANON;
    if (tcsetattr(fd, TCSAFLUSH, &raw) != 0) goto out;
    restore = 1;
    if (write(fd, prompt, strlen(prompt)) < 0) { /* best effort */
    }
    rc = read_line(fd, buf, cap);
    if (write(fd, "\n", 1) < 0) {
    }
out:
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
    return rc;
}

static ck_keyring_err from_file(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    ck_keyring_err rc;
    if (fd < 0) return CK_KEYRING_ERR_IO;
    rc = read_line(fd, buf, cap);
    close(fd);
    return rc;
}

static ck_keyring_err from_env(const char *name, char *buf, size_t cap)
{
    const char *v = getenv(name);
    size_t n;
    if (!v) return CK_KEYRING_ERR_NOT_FOUND;
    n = strlen(v);
    if (n > 0 && v[n - 1] == '\n') n--;
    if (n > 0 && v[n - 1] == '\r') n--;
    if (n == 0) return CK_KEYRING_ERR_PARAM;
    if (n + 1 > cap) return CK_KEYRING_ERR_TOO_LARGE;
    memcpy(buf, v, n);
    buf[n] = 0;
    return CK_KEYRING_OK;
}

ck_keyring_err ck_keyring_passphrase_get(const char *source, char *buf, size_t cap)
{
    ck_keyring_err rc = CK_KEYRING_ERR_PARAM;
    if (!source || !buf || cap < 2) return rc;
    if (cap > CK_KEYRING_PASSPHRASE_MAX + 1) cap = CK_KEYRING_PASSPHRASE_MAX + 1;
    if (strcmp(source, "prompt") == 0)
        rc = from_tty("Keyring passphrase: ", buf, cap);
    else if (strncmp(source, "prompt:", 7) == 0)
        rc = from_tty(source + 7, buf, cap);
    else if (strncmp(source, "file:", 5) == 0 && source[5])
        rc = from_file(source + 5, buf, cap);
    else if (strcmp(source, "env") == 0)
        rc = from_env(CK_KEYRING_PASSPHRASE_ENV, buf, cap);
    else if (strncmp(source, "env:", 4) == 0 && source[4])
        rc = from_env(source + 4, buf, cap);
    if (rc != CK_KEYRING_OK) OPENSSL_cleanse(buf, cap);
    return rc;
}

ck_keyring_err ck_keyring_passphrase_new(const char *source, char *buf, size_t cap)
{
    char again[CK_KEYRING_PASSPHRASE_MAX + 1];
    int prompt = source && (strcmp(source, "prompt") == 0 || strncmp(source, "prompt:", 7) == 0);
    ck_keyring_err rc;
    if (!prompt) rc = ck_keyring_passphrase_get(source, buf, cap);
    else rc = ck_keyring_passphrase_get("prompt:New keyring passphrase: ", buf, cap);
    if (rc == CK_KEYRING_OK && strlen(buf) < CK_KEYRING_PASSPHRASE_MIN) rc = CK_KEYRING_ERR_WEAK;
    if (rc == CK_KEYRING_OK && prompt) {
        rc = ck_keyring_passphrase_get("prompt:Repeat the passphrase: ", again, sizeof again);
        if (rc == CK_KEYRING_OK && (strlen(again) != strlen(buf) || CRYPTO_memcmp(again, buf, strlen(buf)) != 0))
            rc = CK_KEYRING_ERR_MISMATCH;
        OPENSSL_cleanse(again, sizeof again);
    }
    if (rc != CK_KEYRING_OK && buf && cap) OPENSSL_cleanse(buf, cap);
    return rc;
}
