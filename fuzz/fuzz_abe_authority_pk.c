/*
 * Fuzz the authority public-key decoder: failure with a documented error,
 * or a key with non-trivial elements that re-encodes to the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/abe.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_abe_authority_pk pk;
    ck_abe_err e = ck_abe_authority_pk_decode(&pk, data, size);
    uint8_t b[512];
    size_t n;
    if (e != CK_ABE_OK) {
        FUZZ_ASSERT(e == CK_ABE_ERR_FORMAT || e == CK_ABE_ERR_LENGTH || e == CK_ABE_ERR_POINT,
                    "unexpected error code");
        return 0;
    }
    FUZZ_ASSERT(!ck_gt_is_one(&pk.e_alpha) && !ck_g1_is_identity(&pk.g_y) && pk.tables == NULL, "bad key");
    n = ck_abe_authority_pk_encode(NULL, &pk);
    FUZZ_ASSERT(n == size && n <= sizeof b, "re-encoded length differs");
    FUZZ_ASSERT(ck_abe_authority_pk_encode(b, &pk) == n && memcmp(b, data, n) == 0, "encoding is not canonical");
    return 0;
}
