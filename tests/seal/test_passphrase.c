/*
 * tests/seal/test_passphrase.c - new keyring passphrases (issue 9, item 12):
 * a prompt asks twice and refuses two different entries; every source must
 * give at least CK_KEYRING_PASSPHRASE_MIN bytes. The prompt is driven
 * through a pseudo-terminal (forkpty), as a person at a terminal would.
 */
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "carekey/keyring.h"
#include "harness.h"

/* Reads the terminal until its output ends with a prompt (": "): the
 * prompt is written after the terminal was set up, so input typed after it
 * is never flushed away. 0, or -1 at EOF. */
static int await_prompt(int master)
{
    char buf[256];
    size_t have = 0;
    for (;;) {
        ssize_t r = read(master, buf + have, sizeof buf - 1 - have);
        if (r <= 0) return -1;
        have += (size_t)r;
        buf[have] = 0;
        if (have >= 2 && buf[have - 2] == ':' && buf[have - 1] == ' ') return 0;
        if (have > sizeof buf / 2) {
            memmove(buf, buf + have - 2, 2);
            have = 2;
        }
    }
}

/* Runs ck_keyring_passphrase_new("prompt") on a terminal fed with input
 * (one line per prompt); returns its error code (or -1). */
static int prompt_with(const char *input)
{
    int master, status;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    char buf[256];
    if (pid < 0) return -1;
    if (pid == 0) {
        char pass[CK_KEYRING_PASSPHRASE_MAX + 1];
        alarm(20); /* never hang a test run */
        _exit((int)ck_keyring_passphrase_new("prompt", pass, sizeof pass));
    }
    /* answer each prompt as a person would, after it appears */
    for (const char *line = input; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (await_prompt(master) != 0) break;
        if (write(master, line, n) != (ssize_t)n) break;
        line += n;
    }
    while (read(master, buf, sizeof buf) > 0) {
    }
    close(master);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

int main(void)
{
    char pass[CK_KEYRING_PASSPHRASE_MAX + 1];

    CHECK(CK_KEYRING_KDF_DEFAULT.log2_n == 17 && CK_KEYRING_KDF_DEFAULT.r == 8 && CK_KEYRING_KDF_DEFAULT.p == 1,
          "default scrypt cost N=2^17, r=8, p=1");
    setenv("CK_TEST_PASS", "short pass", 1);
    CHECK(ck_keyring_passphrase_new("env:CK_TEST_PASS", pass, sizeof pass) == CK_KEYRING_ERR_WEAK,
          "a short new passphrase is refused");
    CHECK(pass[0] == 0, "and wiped");
    CHECK(ck_keyring_passphrase_get("env:CK_TEST_PASS", pass, sizeof pass) == CK_KEYRING_OK,
          "an existing keyring still opens with a short one");
    setenv("CK_TEST_PASS", "a long enough passphrase", 1);
    CHECK(ck_keyring_passphrase_new("env:CK_TEST_PASS", pass, sizeof pass) == CK_KEYRING_OK &&
              strcmp(pass, "a long enough passphrase") == 0,
          "a long one is taken");
    CHECK(prompt_with("correct horse battery\ncorrect horse battery\n") == CK_KEYRING_OK,
          "the same passphrase twice at the prompt");
    CHECK(prompt_with("correct horse battery\ncorrect horse batterx\n") == CK_KEYRING_ERR_MISMATCH,
          "two different entries are refused");
    CHECK(prompt_with("too short\n") == CK_KEYRING_ERR_WEAK, "a short one is refused before the second prompt");
    TEST_MAIN_END();
}
