/*
 * src/ec/util.c - wiping, OS randomness, error strings.
 */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "ec/internal.h"

void ck_wipe(void *p, size_t n)
{
    if (p && n) OPENSSL_cleanse(p, n);
}

/* Tests only (the constant-time check marks every random output secret);
 * NULL in normal use. Set before threads start. */
static void (*random_observer)(void *p, size_t n);

void ck_random_set_observer(void (*fn)(void *p, size_t n)) { random_observer = fn; }

ck_err ck_random_bytes(uint8_t *out, size_t n)
{
    uint8_t *start = out;
    size_t total = n;
    if (random_observer) {
        ck_err e = CK_OK;
        while (n > 0 && e == CK_OK) {
            int chunk = n > (1 << 30) ? (1 << 30) : (int)n;
            if (RAND_priv_bytes(out, chunk) != 1) e = CK_ERR_RANDOM;
            out += chunk;
            n -= (size_t)chunk;
        }
        random_observer(start, total);
        return e;
    }
    while (n > 0) {
        int chunk = n > (1 << 30) ? (1 << 30) : (int)n;
        if (RAND_priv_bytes(out, chunk) != 1) return CK_ERR_RANDOM;
        out += chunk;
        n -= (size_t)chunk;
    }
    return CK_OK;
}

const char *ck_strerror(ck_err e)
{
    switch (e) {
    case CK_OK: return "ok";
    case CK_ERR_LENGTH: return "input has the wrong length";
    case CK_ERR_FLAGS: return "invalid encoding flags";
    case CK_ERR_RANGE: return "field element or scalar out of range";
    case CK_ERR_NOT_ON_CURVE: return "point is not on the curve";
    case CK_ERR_NOT_IN_GROUP: return "point is not in the prime-order subgroup";
    case CK_ERR_NO_SQRT: return "no curve point has this x-coordinate";
    case CK_ERR_IDENTITY: return "unexpected identity element";
    case CK_ERR_PARAM: return "invalid parameter";
    case CK_ERR_RANDOM: return "the system random generator failed";
    }
    return "unknown error";
}
