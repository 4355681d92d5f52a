/*
 * Fuzz the envelope decoder: failure with a documented error, or an
 * envelope whose parts add up to the input exactly, whose ABE header
 * re-encodes to its bytes, and whose policy ck_seal_policy_text reads
 * without decoding. Framing errors must be the same from both readers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/seal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ck_seal_env *env = NULL;
    ck_seal_err e = ck_seal_decode(&env, data, size), pe;
    char text[512];
    size_t tl = 0, total, hl;
    const ck_abe_ct *ct;
    uint8_t *b;

    pe = ck_seal_policy_text(text, sizeof text, &tl, data, size);
    if (e != CK_SEAL_OK) {
        FUZZ_ASSERT(env == NULL, "output set on failure");
        FUZZ_ASSERT(e == CK_SEAL_ERR_FORMAT || e == CK_SEAL_ERR_LENGTH || e == CK_SEAL_ERR_HEADER,
                    "unexpected error code");
        if (e != CK_SEAL_ERR_HEADER) FUZZ_ASSERT(pe == e, "policy reader disagrees on framing");
        return 0;
    }
    ct = ck_seal_env_header(env);
    hl = ck_abe_ct_encode(NULL, ct);
    FUZZ_ASSERT(size >= 9 + hl && ((size_t)data[5] << 24 | (size_t)data[6] << 16 | (size_t)data[7] << 8 |
                                   data[8]) == hl, "header length");
    b = malloc(hl);
    FUZZ_ASSERT(b != NULL, "out of memory");
    ck_abe_ct_encode(b, ct);
    FUZZ_ASSERT(memcmp(b, data + 9, hl) == 0, "ABE header is not canonical");
    free(b);
    total = 9 + hl + CK_SEAL_NONCE_BYTES + CK_SEAL_KEY_BYTES + CK_SEAL_TAG_BYTES + 4;
    FUZZ_ASSERT(ck_seal_env_count(env) >= 1, "no payloads");
    for (size_t i = 0; i < ck_seal_env_count(env); i++)
        total += 8 + CK_SEAL_NONCE_BYTES + ck_seal_env_payload_len(env, i) + CK_SEAL_TAG_BYTES;
    FUZZ_ASSERT(total == size, "parts do not add up to the input");
    if (pe == CK_SEAL_OK)
        FUZZ_ASSERT(strcmp(text, ck_seal_env_policy(env)) == 0, "policy text differs");
    else
        FUZZ_ASSERT(pe == CK_SEAL_ERR_BUFFER && tl == strlen(ck_seal_env_policy(env)), "policy reader failed");
    ck_seal_env_free(env);
    return 0;
}
