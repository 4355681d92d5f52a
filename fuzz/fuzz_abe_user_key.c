/*
 * Fuzz the user-key decoder: failure with a documented error, or a key
 * (valid GID, distinct well-formed labels) that re-encodes to the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/abe.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_abe_user_key k;
    ck_abe_err e = ck_abe_user_key_decode(&k, data, size);
    uint8_t *b;
    size_t n;
    if (e != CK_ABE_OK) {
        FUZZ_ASSERT(e == CK_ABE_ERR_FORMAT || e == CK_ABE_ERR_LENGTH || e == CK_ABE_ERR_POINT,
                    "unexpected error code");
        return 0;
    }
    FUZZ_ASSERT(k.gid[0] && k.n <= k.cap, "inconsistent key");
    for (size_t i = 0; i < k.n; i++) {
        FUZZ_ASSERT(strchr(k.attr[i].label, '@') != NULL && k.attr[i].lines == NULL, "bad attribute");
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(strcmp(k.attr[i].label, k.attr[j].label) != 0, "duplicate label accepted");
    }
    n = ck_abe_user_key_encode(NULL, &k);
    FUZZ_ASSERT(n == size, "re-encoded length differs");
    b = malloc(n ? n : 1);
    FUZZ_ASSERT(b != NULL, "out of memory");
    FUZZ_ASSERT(ck_abe_user_key_encode(b, &k) == n && memcmp(b, data, n) == 0, "encoding is not canonical");
    free(b);
    ck_abe_user_key_free(&k);
    return 0;
}
