/*
 * tests/harness.h - the minimal test harness every C test uses.
 *
 *   CHECK(cond, "fmt", ...)   records a pass or a failure (with file:line)
 *   TEST_MAIN_END()           prints "N passed, N failed" and sets the exit code
 *
 * Tests find their data below CK_TEST_DATA (tests/ in the source tree).
 */
#ifndef CK_TEST_HARNESS_H
#define CK_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long ck_test_passed, ck_test_failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            ck_test_passed++;                                                \
        } else {                                                             \
            ck_test_failed++;                                                \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);             \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

#define TEST_MAIN_END()                                                      \
    do {                                                                     \
        printf("%lu passed, %lu failed\n", ck_test_passed, ck_test_failed);  \
        return (ck_test_failed == 0 && ck_test_passed > 0) ? 0 : 1;          \
    } while (0)

#ifndef CK_TEST_DATA
#define CK_TEST_DATA "tests"
#endif

/* Hex helpers: accept an optional 0x prefix; return decoded length or -1. */
static inline int ck_test_hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static inline long ck_test_unhex(unsigned char *out, size_t cap, const char *hex)
{
    size_t n, i;
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
    n = strlen(hex);
    if (n % 2 || n / 2 > cap) return -1;
    for (i = 0; i < n / 2; i++) {
        int hi = ck_test_hexval(hex[2 * i]), lo = ck_test_hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static inline void ck_test_hex(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = 0;
}

#endif
