/*
 * Fuzz both GT decoders: ck_gt_from_bytes (576-byte Fp12) and
 * ck_gt_decompress (288-byte torus form). Whatever is accepted must be in
 * GT, re-encode to the input, and agree with the other encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t full[CK_GT_BYTES], comp[CK_GT_COMPRESSED_BYTES];
    ck_gt a, b;
    if (ck_gt_from_bytes(&a, data, size) == CK_OK) {
        FUZZ_ASSERT(size == CK_GT_BYTES, "from_bytes accepted a wrong length");
        FUZZ_ASSERT(ck_gt_in_group(&a), "from_bytes accepted a non-member");
        ck_gt_to_bytes(full, &a);
        FUZZ_ASSERT(memcmp(full, data, size) == 0, "to_bytes(from_bytes(x)) != x");
        ck_gt_compress(comp, &a);
        FUZZ_ASSERT(ck_gt_decompress(&b, comp, sizeof comp) == CK_OK, "compressed member rejected");
        FUZZ_ASSERT(ck_gt_eq(&a, &b), "decompress(compress(x)) != x");
    }
    if (ck_gt_decompress(&a, data, size) == CK_OK) {
        FUZZ_ASSERT(size == CK_GT_COMPRESSED_BYTES, "decompress accepted a wrong length");
        FUZZ_ASSERT(ck_gt_in_group(&a), "decompress accepted a non-member");
        ck_gt_compress(comp, &a);
        FUZZ_ASSERT(memcmp(comp, data, size) == 0, "compress(decompress(x)) != x");
        ck_gt_to_bytes(full, &a);
        FUZZ_ASSERT(ck_gt_from_bytes(&b, full, sizeof full) == CK_OK, "full form of a member rejected");
        FUZZ_ASSERT(ck_gt_eq(&a, &b), "from_bytes(to_bytes(x)) != x");
    }
    return 0;
}
