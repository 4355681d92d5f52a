/*
 * src/record/deid_values.c - value transforms for de-identification:
 * dates to years, the Safe Harbor ZIP rule, the OpenSSL random source.
 */
#include <string.h>

#include <openssl/rand.h>

#include "deid_internal.h"

/* Three-digit ZIP prefixes with 20,000 or fewer people (2000 Census, as
 * listed by HHS guidance on Safe Harbor): reported as "000". */
static const char *const restricted_zip3[] = {
    "036", "059", "063", "102", "203", "556", "692", "790", "821",
    "823", "830", "831", "878", "879", "884", "890", "893",
};

static int isdig(char c)
{
    return c >= '0' && c <= '9';
}

int ck_deid_zip3(char out[4], const char *pc)
{
    size_t i;
    if (!pc)
        return -1;
    for (i = 0; i < 3; i++)
        if (!isdig(pc[i]))
            return -1;
    /* ZIP, ZIP+4, or a ZIP3 already (de-identifying twice changes nothing) */
    if (pc[3]) {
        if (!isdig(pc[3]) || !isdig(pc[4]) || (pc[5] && !(pc[5] == '-' && strlen(pc) == 10)))
            return -1;
    }
    for (i = 0; i < sizeof restricted_zip3 / sizeof restricted_zip3[0]; i++) {
        if (strncmp(pc, restricted_zip3[i], 3) == 0) {
            memcpy(out, "000", 4);
            return 0;
        }
    }
    memcpy(out, pc, 3);
    out[3] = 0;
    return 0;
}

int ck_deid_year_of(const char *s)
{
    if (!s || !isdig(s[0]) || !isdig(s[1]) || !isdig(s[2]) || !isdig(s[3]))
        return -1;
    if (s[4] && s[4] != '-')
        return -1;
    return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
}

int ck_deid_date_year(char out[5], const char *s)
{
    /* YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][zone] */
    if (ck_deid_year_of(s) < 0 || s[4] != '-' || !isdig(s[5]) || !isdig(s[6]))
        return 0;
    if (s[7] && !(s[7] == '-' && isdig(s[8]) && isdig(s[9]) &&
                  (s[10] == 0 || (s[10] == 'T' && isdig(s[11]) && isdig(s[12]) && s[13] == ':'))))
        return 0;
    memcpy(out, s, 4);
    out[4] = 0;
    return 1;
}

int ck_deid_rand_openssl(void *ctx, uint8_t *buf, size_t n)
{
    (void)ctx;
    if (n > 0x7fffffff)
        return -1;
    return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}
