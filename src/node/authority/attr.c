/*
 * src/node/authority/attr.c - attribute specs as users write them and the
 * ABE labels they stand for (carekey/node_authority.h, carekey/policy.h).
 */
#include <stdio.h>
#include <string.h>

#include "node/authority/authority_impl.h"

_Static_assert(CK_NODE_ATTR_LABEL >= CK_POLICY_LABEL_MAX, "ck_node_attr_spec holds a policy label");

/* Digits only, no sign, no overflow. */
static int parse_u32(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s) return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX) return 0;
    }
    *out = (uint32_t)v;
    return 1;
}

/* "level@hosp-a=3": text before the last '=' and the value; 0 if not
 * numeric, -1 for a value out of range. Only digits may follow the '=',
 * which authority names cannot contain. */
static int split_numeric(const char *a, size_t *text_len, uint32_t *v)
{
    const char *eq = strrchr(a, '=');
    if (!eq || !eq[1] || strspn(eq + 1, "0123456789") != strlen(eq + 1)) return 0;
    if (!parse_u32(eq + 1, v)) return -1;
    *text_len = (size_t)(eq - a);
    return 1;
}

int ck_node_attr_parse(ck_node *n, const char *text, int allow_value, ck_node_attr_spec *out)
{
    ck_policy_error perr;
    size_t len = strlen(text);
    int num;
    memset(out, 0, sizeof *out);
    num = split_numeric(text, &len, &out->value);
    if (num < 0)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute",
                            "numeric attribute '%s': the value must be 0..4294967295", text);
    if (num && !allow_value)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute",
                            "name the attribute without a value ('%.*s'), not '%s'", (int)len, text, text);
    if (ck_policy_attr_label(out->label, text, len, &perr) != CK_POLICY_OK)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_attribute", "invalid attribute '%s': %s", text, perr.msg);
    out->numeric = num;
    return 0;
}

const char *ck_node_attr_authority(const char *label)
{
    const char *at = strrchr(label, '@');
    return at ? at + 1 : "";
}

/* Bit labels are built from the base label in the documented form
 * ("name#b<i>=<bit>@authority"); the base label is unescaped, so it cannot
 * always be re-parsed as policy text. */
static void bit_label(char out[CK_POLICY_LABEL_MAX], const char *base, unsigned bit, unsigned val)
{
    const char *at = strrchr(base, '@');
    int nl = at ? (int)(at - base) : (int)strlen(base);
    snprintf(out, CK_POLICY_LABEL_MAX, "%.*s#b%u=%u@%s", nl, base, bit, val, at ? at + 1 : "");
}

size_t ck_node_attr_labels(const ck_node_attr_spec *a, char out[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX])
{
    if (!a->numeric) {
        snprintf(out[0], CK_POLICY_LABEL_MAX, "%s", a->label);
        return 1;
    }
    for (unsigned i = 0; i < CK_POLICY_NUM_BITS; i++) bit_label(out[i], a->label, i, (a->value >> i) & 1u);
    return CK_POLICY_NUM_BITS;
}

int ck_node_attr_bit_base(const char *label, char base[CK_POLICY_LABEL_MAX])
{
    const char *hash = strrchr(label, '#'), *at = strrchr(label, '@');
    unsigned bit, val;
    char tail[2];
    if (!hash || !at || hash > at) return 0;
    if (sscanf(hash, "#b%u=%u%1[@]", &bit, &val, tail) != 3 || bit > 31 || val > 1) return 0;
    snprintf(base, CK_POLICY_LABEL_MAX, "%.*s%s", (int)(hash - label), label, at);
    return 1;
}
