/*
 * fhir_fold.c - the folding R4 asks of string search (3.1.1.4.13: "case
 * and accent insensitive"), done with libunistring: NFKD splits "é" into
 * "e" and a combining accent, full case folding turns "Straße" into
 * "strasse", and dropping the combining marks (general category M) leaves
 * the bare letters. The same function folds the query's value and each
 * element's, so both sides compare alike. What it folds is patient data:
 * its buffers are wiped.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "fhir_api_int.h"

int fa_fold(const char *s, size_t n, char *out, size_t cap, size_t *outlen)
{
    uint8_t local[512], *folded;
    size_t flen = sizeof local, i = 0, o = 0;
    int rc = -1;

    if (cap == 0 || u8_check((const uint8_t *)s, n) != NULL) return -1;
    folded = u8_casefold((const uint8_t *)s, n, NULL, UNINORM_NFKD, local, &flen);
    if (!folded) return -1;
    while (i < flen) {
        ucs4_t uc;
        int len = u8_mbtouc(&uc, folded + i, flen - i);
        if (!uc_is_general_category(uc, UC_CATEGORY_M)) {
            if ((size_t)len >= cap - o) goto out;
            memcpy(out + o, folded + i, (size_t)len);
            o += (size_t)len;
        }
        i += (size_t)len;
    }
    out[o] = 0;
    *outlen = o;
    rc = 0;
out:
    OPENSSL_cleanse(folded, flen); /* names and the like: patient data */
    if (folded != local) free(folded);
    return rc;
}
