/*
 * Fuzz the sealed box decoder: ck_box_plaintext_len accepts exactly the
 * inputs of CK_BOX_LEN(n) bytes with the right magic and version, and
 * ck_box_open (fixed recipient and sender, the delivery AD of
 * "authority:hosp-a" -> "alice") fails with a documented error, wiping
 * its output, unless the box is genuine (the seed corpus has one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/identity.h"
#include "fuzz.h"

#define FUZZ_RECIPIENT_ED 0x11 /* seeds: 32 bytes of this value */
#define FUZZ_RECIPIENT_X 0x22
#define FUZZ_SENDER_ED 0x33

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ck_identity rcpt;
    static uint8_t sender_pk[32];
    static int ready;
    uint8_t ad[CK_BOX_AD_MAX], *pt;
    size_t ad_len, n = 0, got = 0;
    ck_box_err e, le;

    if (!ready) {
        uint8_t ed[32], x[32], s[32];
        memset(ed, FUZZ_RECIPIENT_ED, 32);
        memset(x, FUZZ_RECIPIENT_X, 32);
        memset(s, FUZZ_SENDER_ED, 32);
        FUZZ_ASSERT(ck_id_from_secret(&rcpt, "alice", ed, x) == CK_ID_OK, "recipient");
        FUZZ_ASSERT(ck_id_ed25519_public(sender_pk, s) == CK_ID_OK, "sender");
        ready = 1;
    }
    ad_len = ck_box_delivery_ad(ad, sizeof ad, "authority:hosp-a", "alice");
    FUZZ_ASSERT(ad_len > 0, "AD");

    le = ck_box_plaintext_len(&n, data, size);
    if (le != CK_BOX_OK) {
        FUZZ_ASSERT(le == CK_BOX_ERR_FORMAT || le == CK_BOX_ERR_LENGTH, "unexpected framing error");
        FUZZ_ASSERT(ck_box_open(NULL, 0, &got, data, size, &rcpt, sender_pk, ad, ad_len) == le,
                    "open disagrees on framing");
        return 0;
    }
    FUZZ_ASSERT(size == CK_BOX_LEN(n) && n <= CK_BOX_MAX_PLAINTEXT, "length accounting");
    FUZZ_ASSERT(memcmp(data, CK_BOX_MAGIC, 4) == 0 && data[4] == CK_BOX_VERSION, "magic/version");
    pt = malloc(n ? n : 1);
    FUZZ_ASSERT(pt != NULL, "out of memory");
    memset(pt, 0xa5, n);
    e = ck_box_open(pt, n, &got, data, size, &rcpt, sender_pk, ad, ad_len);
    if (e == CK_BOX_OK) {
        FUZZ_ASSERT(got == n, "plaintext length");
    } else {
        FUZZ_ASSERT(e == CK_BOX_ERR_SIGNATURE || e == CK_BOX_ERR_AUTH || e == CK_BOX_ERR_KEY,
                    "unexpected open error");
        for (size_t i = 0; i < n; i++) FUZZ_ASSERT(pt[i] == 0, "output not wiped");
    }
    free(pt);
    return 0;
}
