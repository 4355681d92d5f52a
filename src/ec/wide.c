/*
 * src/ec/wide.c - portable C for the double-width kernels of wide.h (the
 * ADX assembly in wide_384_adx.S is used when the CPU has it).
 */
#include "ec/wide.h"
#include "ec/constants.h"

void ck_fpw_mul_c(limb_t r[12], const limb_t a[6], const limb_t b[6])
{
    limb_t t[12] = {0};
    for (int i = 0; i < 6; i++) {
        limb_t carry = 0;
        for (int j = 0; j < 6; j++) {
            dlimb_t v = (dlimb_t)a[j] * b[i] + t[i + j] + carry;
            t[i + j] = (limb_t)v;
            carry = (limb_t)(v >> 64);
        }
        t[i + 6] = carry;
    }
    memcpy(r, t, sizeof(t));
}

/* t < p 2^384: six rounds t += m p 2^(64 i) clear the low half; the high
 * half is then below 2p. */
void ck_fpw_redc_c(limb_t r[6], const limb_t t[12])
{
    limb_t w[12], s[6], borrow = 0;
    memcpy(w, t, sizeof(w));
    for (int i = 0; i < 6; i++) {
        limb_t m = w[i] * CK_P_INV64, carry = 0;
        for (int j = 0; j < 6; j++) {
            dlimb_t v = (dlimb_t)m * CK_P[j] + w[i + j] + carry;
            w[i + j] = (limb_t)v;
            carry = (limb_t)(v >> 64);
        }
        for (int j = i + 6; j < 12; j++) {
            dlimb_t v = (dlimb_t)w[j] + carry;
            w[j] = (limb_t)v;
            carry = (limb_t)(v >> 64);
        }
    }
    for (int i = 0; i < 6; i++) {
        dlimb_t v = (dlimb_t)w[6 + i] - CK_P[i] - borrow;
        s[i] = (limb_t)v;
        borrow = (limb_t)(v >> 64) & 1;
    }
    ck_limbs_select(r, w + 6, s, 6, ck_mask_from_bit(borrow));
}
