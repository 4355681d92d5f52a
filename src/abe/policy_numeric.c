/*
 * abe/policy_numeric.c - numeric attributes as bit attributes (the
 * Bethencourt-Sahai-Waters cpabe encoding).
 *
 * A numeric attribute name@auth with 32-bit value x is issued as the 32
 * attributes "name#b<i>=<bit i of x>@auth". A comparison becomes a chain
 * of and/or gates over those literals, built from the least significant
 * bit up (G_{-1} = true for >=, L_{-1} = true for <=):
 *
 *   x >= v:  G_i = (b_i=1) and G_{i-1}   if bit i of v is 1
 *            G_i = (b_i=1) or  G_{i-1}   if bit i of v is 0
 *   x <= w:  L_i = (b_i=0) or  L_{i-1}   if bit i of w is 1
 *            L_i = (b_i=0) and L_{i-1}   if bit i of w is 0
 *
 * dropping the low bits where the gate is still "true". x > v is
 * x >= v+1, x < v is x <= v-1, x == v is the and of all 32 literals, and
 * comparisons every value satisfies (>= 0, <= 2^32-1) become
 * (b_31=1 or b_31=0): "holds the attribute". < 0 and > 2^32-1 are never
 * satisfied and rejected by the parser.
 */
#include <string.h>

#include "abe/policy_internal.h"

#define U32_MAX 0xffffffffu

static size_t holds(ck_num_step out[CK_POLICY_NUM_BITS])
{
    out[0] = (ck_num_step){ 31, 0, CK_NUM_FIRST };
    out[1] = (ck_num_step){ 31, 1, CK_NUM_OR };
    return 2;
}

static size_t ge(ck_num_step out[CK_POLICY_NUM_BITS], uint32_t v)
{
    unsigned i = 0, n = 0;
    if (v == 0)
        return holds(out);
    while (!((v >> i) & 1))
        i++;
    out[n++] = (ck_num_step){ (uint8_t)i, 1, CK_NUM_FIRST };
    for (i++; i < CK_POLICY_NUM_BITS; i++)
        out[n++] = (ck_num_step){ (uint8_t)i, 1, ((v >> i) & 1) ? CK_NUM_AND : CK_NUM_OR };
    return n;
}

static size_t le(ck_num_step out[CK_POLICY_NUM_BITS], uint32_t w)
{
    unsigned i = 0, n = 0;
    if (w == U32_MAX)
        return holds(out);
    while ((w >> i) & 1)
        i++;
    out[n++] = (ck_num_step){ (uint8_t)i, 0, CK_NUM_FIRST };
    for (i++; i < CK_POLICY_NUM_BITS; i++)
        out[n++] = (ck_num_step){ (uint8_t)i, 0, ((w >> i) & 1) ? CK_NUM_OR : CK_NUM_AND };
    return n;
}

size_t ck_num_expand(ck_num_step out[CK_POLICY_NUM_BITS], ck_policy_op op, uint32_t v)
{
    unsigned i;
    switch (op) {
    case CK_POLICY_LT: return v == 0 ? 0 : le(out, v - 1);
    case CK_POLICY_LE: return le(out, v);
    case CK_POLICY_GT: return v == U32_MAX ? 0 : ge(out, v + 1);
    case CK_POLICY_GE: return ge(out, v);
    case CK_POLICY_EQ:
        for (i = 0; i < CK_POLICY_NUM_BITS; i++)
            out[i] = (ck_num_step){ (uint8_t)i, (uint8_t)((v >> i) & 1),
                                    i ? CK_NUM_AND : CK_NUM_FIRST };
        return CK_POLICY_NUM_BITS;
    }
    return 0;
}

void ck_num_bit_label(char out[CK_POLICY_LABEL_MAX], const char *name, const char *auth,
                      unsigned bit, unsigned val)
{
    size_t nl = strnlen(name, CK_POLICY_NAME_MAX), al = strnlen(auth, CK_POLICY_AUTH_MAX);
    char *p = out;

    memcpy(p, name, nl);
    p += nl;
    *p++ = '#';
    *p++ = 'b';
    if (bit >= 10)
        *p++ = (char)('0' + bit / 10 % 10);
    *p++ = (char)('0' + bit % 10);
    *p++ = '=';
    *p++ = val ? '1' : '0';
    *p++ = '@';
    memcpy(p, auth, al);
    p[al] = 0;
}

ck_policy_err ck_policy_numeric_attrs(char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX],
                                      const char *text, size_t len, uint32_t value,
                                      ck_policy_error *err)
{
    char label[CK_POLICY_LABEL_MAX], *at;
    ck_policy_err e;
    unsigned i;

    if (out == NULL)
        return ck_policy_fail(err, CK_POLICY_ERR_PARAM, 0, "no output buffer");
    e = ck_policy_attr_label(label, text, len, err);
    if (e != CK_POLICY_OK)
        return e;
    at = strchr(label, '@');
    *at = 0;
    for (i = 0; i < CK_POLICY_NUM_BITS; i++)
        ck_num_bit_label(out[i], label, at + 1, i, (value >> i) & 1);
    return CK_POLICY_OK;
}
