/*
 * Fuzz the scalar decoders: ck_fr_from_bytes (strict, exactly 32 bytes)
 * accepts exactly the values below r and round-trips them; the reducing
 * decoder (up to 64 bytes) always yields a canonical scalar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"
#include "fuzz.h"

static const uint8_t R_BYTES[32] = {
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
    0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
    0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_fr a, b;
    uint8_t out[CK_FR_BYTES];
    if (size == CK_FR_BYTES) {
        int below_r = memcmp(data, R_BYTES, 32) < 0; /* big-endian compare */
        ck_err e = ck_fr_from_bytes(&a, data);
        FUZZ_ASSERT((e == CK_OK) == below_r, "strict decoder disagrees with x < r");
        if (e == CK_OK) {
            ck_fr_to_bytes(out, &a);
            FUZZ_ASSERT(memcmp(out, data, 32) == 0, "to_bytes(from_bytes(x)) != x");
            ck_fr_from_bytes_reduce(&b, data, size);
            FUZZ_ASSERT(ck_fr_eq(&a, &b), "reduce of a canonical value changed it");
        } else {
            FUZZ_ASSERT(e == CK_ERR_RANGE, "out-of-range scalar with a non-range error");
        }
    }
    if (size <= 64) {
        ck_fr_from_bytes_reduce(&a, data, size);
        ck_fr_to_bytes(out, &a);
        FUZZ_ASSERT(ck_fr_from_bytes(&b, out) == CK_OK && ck_fr_eq(&a, &b), "reduced scalar not canonical");
    }
    return 0;
}
