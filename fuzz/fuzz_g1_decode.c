/*
 * Fuzz ck_g1_decode: any accepted input is a group element whose canonical
 * encoding (compressed for 48 bytes, uncompressed for 96) is the input itself,
 * and whose other encoding decodes to the same point. ck_g1_decode_on_curve
 * agrees with it on every input, except that it keeps on-curve points
 * outside the group, which the strict decoder refuses as not in the group.
 * ck_g1_decode_batch agrees with both on the input three times over and
 * after two valid encodings (the error, its index, the points).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/ec.h"
#include "fuzz.h"

/* The on-curve decoder against the strict one on the same bytes. */
static void check_on_curve_decoder(const uint8_t *data, size_t size)
{
    ck_g1 p, q;
    ck_err strict = ck_g1_decode(&p, data, size), loose = ck_g1_decode_on_curve(&q, data, size);
    if (loose != CK_OK) {
        FUZZ_ASSERT(strict == loose, "on-curve decoder fails differently from the strict one");
        return;
    }
    FUZZ_ASSERT(ck_g1_on_curve(&q), "on-curve decoder accepted a point off the curve");
    if (strict == CK_OK) FUZZ_ASSERT(ck_g1_eq(&p, &q), "the two decoders disagree on a point");
    else FUZZ_ASSERT(strict == CK_ERR_NOT_IN_GROUP && !ck_g1_in_group(&q), "strict decoder refused a member");
}

/* The batch decoder against the one-by-one decoders on the same bytes. */
static void check_batch_decoder(const uint8_t *data, size_t size)
{
    ck_g1 want, got[3], gen;
    uint8_t enc[2 * CK_G1_COMPRESSED_BYTES];
    const uint8_t *in[3] = {data, data, data};
    for (int check = 0; check < 2; check++) {
        ck_err e = check ? ck_g1_decode(&want, data, size) : ck_g1_decode_on_curve(&want, data, size);
        size_t bad = 9;
        FUZZ_ASSERT(ck_g1_decode_batch(got, in, size, 3, check, &bad) == e, "batch error differs");
        FUZZ_ASSERT(e == CK_OK || bad == 0, "batch error at the wrong index");
        if (e == CK_OK)
            for (int i = 0; i < 3; i++) FUZZ_ASSERT(ck_g1_eq(&got[i], &want), "batch point differs");
        if (size != CK_G1_COMPRESSED_BYTES && size != sizeof enc) continue;
        ck_g1_generator(&gen);
        if (size == CK_G1_COMPRESSED_BYTES) ck_g1_compress(enc, &gen);
        else ck_g1_serialize(enc, &gen);
        in[0] = in[1] = enc;
        FUZZ_ASSERT(ck_g1_decode_batch(got, in, size, 3, check, &bad) == e, "batch error differs after valid ones");
        FUZZ_ASSERT(e == CK_OK || bad == 2, "batch error after valid ones at the wrong index");
        if (e == CK_OK) FUZZ_ASSERT(ck_g1_eq(&got[2], &want), "batch point after valid ones differs");
        in[0] = in[1] = data;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_g1 p, q;
    uint8_t c[CK_G1_COMPRESSED_BYTES], u[CK_G1_UNCOMPRESSED_BYTES];
    check_on_curve_decoder(data, size);
    check_batch_decoder(data, size);
    if (ck_g1_decode(&p, data, size) != CK_OK) return 0;
    FUZZ_ASSERT(size == sizeof c || size == sizeof u, "accepted a wrong length");
    FUZZ_ASSERT(ck_g1_in_group(&p), "decoded point not in G1");
    ck_g1_compress(c, &p);
    ck_g1_serialize(u, &p);
    FUZZ_ASSERT(memcmp(size == sizeof c ? c : u, data, size) == 0, "re-encoding differs from the input");
    FUZZ_ASSERT(ck_g1_decode(&q, size == sizeof c ? u : c, size == sizeof c ? sizeof u : sizeof c) == CK_OK,
                "other encoding of a valid point rejected");
    FUZZ_ASSERT(ck_g1_eq(&p, &q), "compressed and uncompressed decode differ");
    return 0;
}
