/*
 * tests/client/test_cli_advice.c ERRORS_C - the advice table (cli_advice.c)
 * against the codes carekeyd can emit: every {status, "code"} of
 * src/server/errors.c is in the table (with advice, or plain on purpose),
 * the table names no code the server lacks, and advice is one line that
 * says what to run or whom to ask. Also the passphrase problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/advice.h"

static int fails;
#define CHECK(c, ...)                                                     \
    do {                                                                  \
        if (!(c)) {                                                       \
            fails++;                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);          \
            fprintf(stderr, __VA_ARGS__);                                 \
            fputc('\n', stderr);                                          \
        }                                                                 \
    } while (0)

/* The codes of errors.c: each `{NNN, "code"}`. */
static size_t server_codes(const char *path, char codes[][48], size_t cap)
{
    FILE *f = fopen(path, "r");
    char line[512];
    size_t n = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f) && n < cap) {
        int st;
        char code[48];
        const char *p = strstr(line, "= {");
        if (p && sscanf(p, "= {%d, \"%47[a-z_]\"}", &st, code) == 2) snprintf(codes[n++], 48, "%s", code);
    }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    char codes[128][48], buf[512];
    size_t n, advised = 0;
    if (argc != 2) return fprintf(stderr, "usage: test_cli_advice src/server/errors.c\n"), 2;
    n = server_codes(argv[1], codes, 128);
    CHECK(n >= 40, "only %zu codes read from %s", n, argv[1]);
    for (size_t i = 0; i < n; i++) {
        const char *a = cli_advice(codes[i]);
        CHECK(cli_advice_known(codes[i]), "server code %s has no entry in cli_advice.c (advice or NULL)", codes[i]);
        if (!a) continue;
        advised++;
        CHECK(!strchr(a, '\n') && strlen(a) > 10 && strlen(a) < 200, "advice for %s is not one line: %s", codes[i], a);
    }
    for (size_t i = 0; cli_advice_code_at(i); i++) {
        int found = 0;
        for (size_t j = 0; j < n; j++) found |= !strcmp(codes[j], cli_advice_code_at(i));
        CHECK(found, "cli_advice.c names %s, which carekeyd never emits", cli_advice_code_at(i));
    }
    CHECK(advised * 2 > n, "advice for only %zu of %zu codes", advised, n);
    /* the ones the walkthrough met */
    CHECK(cli_advice("no_write_grant") && strstr(cli_advice("no_write_grant"), "carekey grant --patient P --gid"),
          "no_write_grant advice");
    CHECK(cli_advice("deactivated") && strstr(cli_advice("deactivated"), "reactivate"), "deactivated advice");
    CHECK(cli_advice("rate_limited") != NULL, "rate_limited advice");
    CHECK(!cli_advice_known("no_such_code") && !cli_advice("no_such_code") && !cli_advice(NULL), "unknown code");

    /* passphrase problems */
    cli_passphrase_problem(buf, sizeof buf, "prompt", CK_KEYRING_ERR_NO_TTY);
    CHECK(strstr(buf, "file:PATH") && strstr(buf, "env:VAR"), "no terminal: %s", buf);
    cli_passphrase_problem(buf, sizeof buf, "env:CK_TEST_UNSET_VAR", CK_KEYRING_ERR_NOT_FOUND);
    CHECK(strstr(buf, "CK_TEST_UNSET_VAR is not set"), "env:VAR unset: %s", buf);
    cli_passphrase_problem(buf, sizeof buf, "env", CK_KEYRING_ERR_NOT_FOUND);
    CHECK(strstr(buf, CK_KEYRING_PASSPHRASE_ENV " is not set"), "env unset: %s", buf);
    cli_passphrase_problem(buf, sizeof buf, "bogus", CK_KEYRING_ERR_PARAM);
    CHECK(strstr(buf, "not 'bogus'") && strstr(buf, "file:PATH"), "unknown source: %s", buf);
    cli_passphrase_problem(buf, sizeof buf, "file:/nope", CK_KEYRING_ERR_IO);
    CHECK(strstr(buf, "cannot read /nope"), "file: %s", buf);

    printf("test_cli_advice: %zu server codes, %zu with advice, %d failures\n", n, advised, fails);
    return fails ? 1 : 0;
}
