/*
 * src/ec/batch_inv.h - Montgomery's trick, written once for every field of
 * the tower that needs it (Fp for scaled Miller-loop points, Fp2 for
 * prepared lines and Karabina decompressions, Fp6 for GT compression):
 *
 *     CK_BATCH_INV(name, FE, ONE, MUL, INV, IS_ZERO)
 *
 * defines void name(FE *r, const FE *a, size_t n) with r[i] = 1/a[i] for
 * one inversion and 3(n - 1) products. A zero a[i] gives r[i] = 0 and
 * counts as 1 in the running product, chosen by masks, so the function is
 * constant time (inputs may be secret). r holds the prefix products on the
 * way and must not overlap a. ONE(FE *) sets 1; MUL(r, a, b) may alias.
 * Prefix with `static` for a file-local instance.
 */
#ifndef CK_EC_BATCH_INV_H
#define CK_EC_BATCH_INV_H

#include "ec/internal.h"

#define CK_BATCH_INV(name, FE, ONE, MUL, INV, IS_ZERO)                          \
    void name(FE *r, const FE *a, size_t n)                                     \
    {                                                                           \
        FE acc, inv, one, zero, d, t;                                           \
        if (n == 0) return; /* no inversion of the empty product */            \
        ONE(&one);                                                              \
        memset(&zero, 0, sizeof(zero));                                         \
        acc = one;                                                              \
        for (size_t i = 0; i < n; i++) {                                        \
            r[i] = acc;                                                         \
            CK_SELECT(&d, &one, &a[i], ck_mask_from_bit((limb_t)IS_ZERO(&a[i]))); \
            MUL(&acc, &acc, &d);                                                \
        }                                                                       \
        INV(&inv, &acc);                                                        \
        for (size_t i = n; i-- > 0;) {                                          \
            limb_t z = ck_mask_from_bit((limb_t)IS_ZERO(&a[i]));               \
            MUL(&t, &inv, &r[i]);                                               \
            CK_SELECT(&d, &one, &a[i], z);                                      \
            MUL(&inv, &inv, &d);                                                \
            CK_SELECT(&r[i], &zero, &t, z);                                     \
        }                                                                       \
        ck_wipe(&acc, sizeof(acc));                                             \
        ck_wipe(&inv, sizeof(inv));                                             \
        ck_wipe(&d, sizeof(d));                                                 \
        ck_wipe(&t, sizeof(t));                                                 \
    }

#endif
