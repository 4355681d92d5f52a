/*
 * Fuzz the ABE ciphertext decoder: any bytes either fail with a documented
 * error or decode to a ciphertext whose encoding is exactly the input (one
 * ciphertext, one encoding) with a consistent LSSS. The decoder for
 * decryption accepts all the strict one does, and fails only as it does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/abe.h"
#include "fuzz.h"

/* The element tests are the only difference: the same verdict on everything
 * else, and a canonical re-encoding of what it accepts. */
static void check_decoder_for_decrypt(const uint8_t *data, size_t size, ck_abe_err strict)
{
    ck_abe_ct ct;
    ck_abe_err e = ck_abe_ct_decode_for_decrypt(&ct, data, size);
    uint8_t *b;
    if (e != CK_ABE_OK) {
        FUZZ_ASSERT(e == strict, "decoder for decryption fails differently from the strict one");
        return;
    }
    FUZZ_ASSERT(strict == CK_ABE_OK || strict == CK_ABE_ERR_POINT, "decoder for decryption too lax");
    FUZZ_ASSERT(ct.membership_deferred && ct.rows == ck_lsss_rows(ct.lsss), "inconsistent deferred ct");
    b = malloc(size);
    FUZZ_ASSERT(b != NULL, "out of memory");
    FUZZ_ASSERT(ck_abe_ct_encode(b, &ct) == size && memcmp(b, data, size) == 0, "deferred: not canonical");
    free(b);
    ck_abe_ct_free(&ct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_abe_ct ct;
    ck_abe_err e = ck_abe_ct_decode(&ct, data, size);
    check_decoder_for_decrypt(data, size, e);
    uint8_t *b;
    size_t n;
    if (e != CK_ABE_OK) {
        FUZZ_ASSERT(e == CK_ABE_ERR_FORMAT || e == CK_ABE_ERR_LENGTH || e == CK_ABE_ERR_POINT ||
                        e == CK_ABE_ERR_POLICY, "unexpected error code");
        return 0;
    }
    FUZZ_ASSERT(ct.policy && ct.lsss && ct.rows == ck_lsss_rows(ct.lsss) && ct.rows >= 1, "inconsistent ct");
    n = ck_abe_ct_encode(NULL, &ct);
    FUZZ_ASSERT(n == size, "re-encoded length differs");
    b = malloc(n);
    FUZZ_ASSERT(b != NULL, "out of memory");
    FUZZ_ASSERT(ck_abe_ct_encode(b, &ct) == n && memcmp(b, data, n) == 0, "encoding is not canonical");
    free(b);
    ck_abe_ct_free(&ct);
    return 0;
}
