/*
 * Fuzz both GT decoders: ck_gt_from_bytes (576-byte Fp12) and
 * ck_gt_decompress (288-byte torus form). Whatever is accepted must be in
 * GT, re-encode to the input, and agree with the other encoding. The
 * cyclotomic batch decoder agrees with ck_gt_decompress except that it keeps
 * cyclotomic elements outside GT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"
#include "fuzz.h"

static void check_cyclotomic_decoder(const uint8_t *data, size_t size)
{
    uint8_t comp[CK_GT_COMPRESSED_BYTES];
    ck_gt a, b;
    ck_err strict, loose;
    if (size != CK_GT_COMPRESSED_BYTES) return;
    strict = ck_gt_decompress(&a, data, size);
    loose = ck_gt_decompress_batch_cyclotomic(&b, &data, 1, NULL);
    if (loose != CK_OK) {
        FUZZ_ASSERT(strict == loose, "cyclotomic decoder fails differently from the strict one");
        return;
    }
    ck_gt_compress(comp, &b);
    FUZZ_ASSERT(memcmp(comp, data, size) == 0, "cyclotomic decoder: compress(decode(x)) != x");
    if (strict == CK_OK) FUZZ_ASSERT(ck_gt_eq(&a, &b), "the two decoders disagree");
    else FUZZ_ASSERT(strict == CK_ERR_NOT_IN_GROUP && !ck_gt_in_group(&b), "strict decoder refused a member");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_cyclotomic_decoder(data, size);
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
