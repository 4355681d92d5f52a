/*
 * Fuzz the keyring file decoder with a fixed passphrase ("fuzz"), and the
 * same bytes as a plaintext body (the part AES-GCM normally shields):
 *  - a file fails with a documented error or opens; an opened keyring
 *    re-encrypts to a file that opens to the same body;
 *  - a body fails with CK_KEYRING_ERR_CONTENT (or NOMEM/TOO_LARGE) or
 *    decodes, and decode(encode(k)) re-encodes to the same bytes.
 * Files asking for more than N = 2^10, r = 8 are only header-checked, so
 * the fuzzer does not spend its time in scrypt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/keyring.h"
#include "fuzz.h"
#include "seal/keyring_internal.h"

#define FUZZ_PASS "fuzz"

static void check_body(const uint8_t *data, size_t size)
{
    ck_keyring *kr = ck_kr_alloc(), *again = NULL;
    ck_keyring_err e;
    uint8_t *b1 = NULL, *b2 = NULL;
    size_t n1, n2;
    FUZZ_ASSERT(kr != NULL, "out of memory");
    e = ck_kr_body_decode(kr, data, size);
    if (e != CK_KEYRING_OK) {
        FUZZ_ASSERT(e == CK_KEYRING_ERR_CONTENT || e == CK_KEYRING_ERR_NOMEM || e == CK_KEYRING_ERR_TOO_LARGE,
                    "unexpected body error");
        ck_keyring_free(kr);
        return;
    }
    FUZZ_ASSERT(ck_id_gid_valid(ck_keyring_identity(kr)->gid), "identity without a valid GID");
    FUZZ_ASSERT(strcmp(ck_keyring_user_key(kr)->gid, ck_keyring_identity(kr)->gid) == 0, "user key GID");
    n1 = ck_kr_body_encode(NULL, kr);
    b1 = malloc(n1);
    FUZZ_ASSERT(b1 != NULL, "out of memory");
    FUZZ_ASSERT(ck_kr_body_encode(b1, kr) == n1, "encode length");
    again = ck_kr_alloc();
    FUZZ_ASSERT(again != NULL, "out of memory");
    FUZZ_ASSERT(ck_kr_body_decode(again, b1, n1) == CK_KEYRING_OK, "re-encoded body does not decode");
    n2 = ck_kr_body_encode(NULL, again);
    FUZZ_ASSERT(n2 == n1, "re-encoding changes the length");
    b2 = malloc(n2);
    FUZZ_ASSERT(b2 != NULL, "out of memory");
    ck_kr_body_encode(b2, again);
    FUZZ_ASSERT(memcmp(b1, b2, n1) == 0, "encoding is not stable");
    ck_keyring_bytes_free(b1, n1);
    ck_keyring_bytes_free(b2, n2);
    ck_keyring_free(again);
    ck_keyring_free(kr);
}

static void check_file(const uint8_t *data, size_t size)
{
    ck_keyring_kdf kdf;
    ck_keyring *kr = NULL, *again = NULL;
    ck_keyring_err e = ck_keyring_file_kdf(&kdf, data, size);
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (e != CK_KEYRING_OK) {
        FUZZ_ASSERT(e == CK_KEYRING_ERR_FORMAT || e == CK_KEYRING_ERR_LENGTH || e == CK_KEYRING_ERR_KDF ||
                        e == CK_KEYRING_ERR_TOO_LARGE,
                    "unexpected header error");
        FUZZ_ASSERT(ck_keyring_decrypt(&kr, data, size, FUZZ_PASS, 4) == e && kr == NULL,
                    "header check and decrypt disagree");
        return;
    }
    if (kdf.log2_n > 10 || kdf.r > 8 || kdf.p > 1) return; /* too slow to fuzz */
    e = ck_keyring_decrypt(&kr, data, size, FUZZ_PASS, 4);
    if (e != CK_KEYRING_OK) {
        FUZZ_ASSERT(kr == NULL, "output set on failure");
        FUZZ_ASSERT(e == CK_KEYRING_ERR_PASSPHRASE || e == CK_KEYRING_ERR_CONTENT || e == CK_KEYRING_ERR_NOMEM ||
                        e == CK_KEYRING_ERR_TOO_LARGE,
                    "unexpected decrypt error");
        return;
    }
    FUZZ_ASSERT(ck_keyring_encrypt(&out, &out_len, kr) == CK_KEYRING_OK, "re-encrypt");
    FUZZ_ASSERT(ck_keyring_decrypt(&again, out, out_len, FUZZ_PASS, 4) == CK_KEYRING_OK, "re-open");
    FUZZ_ASSERT(memcmp(ck_keyring_identity(kr), ck_keyring_identity(again), sizeof(ck_identity)) == 0,
                "identity changed");
    FUZZ_ASSERT(ck_keyring_user_key(kr)->n == ck_keyring_user_key(again)->n, "attributes changed");
    ck_keyring_bytes_free(out, out_len);
    ck_keyring_free(again);
    ck_keyring_free(kr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_file(data, size);
    check_body(data, size);
    return 0;
}
