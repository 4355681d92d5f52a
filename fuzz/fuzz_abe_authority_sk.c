/*
 * Fuzz the authority secret-key decoder: failure with a documented error,
 * or non-zero canonical scalars that re-encode to the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/abe.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_abe_authority_sk sk;
    ck_abe_err e = ck_abe_authority_sk_decode(&sk, data, size);
    uint8_t b[256];
    size_t n;
    if (e != CK_ABE_OK) {
        FUZZ_ASSERT(e == CK_ABE_ERR_FORMAT || e == CK_ABE_ERR_LENGTH, "unexpected error code");
        return 0;
    }
    FUZZ_ASSERT(!ck_fr_is_zero(&sk.alpha) && !ck_fr_is_zero(&sk.y), "zero scalar accepted");
    n = ck_abe_authority_sk_encode(NULL, &sk);
    FUZZ_ASSERT(n == size && n <= sizeof b, "re-encoded length differs");
    FUZZ_ASSERT(ck_abe_authority_sk_encode(b, &sk) == n && memcmp(b, data, n) == 0, "encoding is not canonical");
    ck_abe_authority_sk_wipe(&sk);
    return 0;
}
