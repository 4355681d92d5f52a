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

/* Runs ck_keyring_passphrase_new("prompt") on a terminal fed with input;
 * returns its error code (or -1). */
static int prompt_with(const char *input)
{
    int master, status;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    char buf[256];
    if (pid < 0) return -1;
    if (pid == 0) {
        char pass[CK_KEYRING_PASSPHRASE_MAX + 1];
        _exit((int)ck_keyring_passphrase_new("prompt", pass, sizeof pass));
    }
    /* wait for each prompt before answering, as a person would */
    for (const char *line = input; *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
        ssize_t r = read(master, buf, sizeof buf);
        if (r <= 0) break;
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
