/* tests/abe/abe_util.c - see abe_util.h. */
#include "abe_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ck_abe_authority_sk au_sk[AU_N_AUTH];
ck_abe_authority_pk au_pk[AU_N_AUTH];
const ck_abe_authority_pk *au_pks[AU_N_AUTH];
static const char *const names[AU_N_AUTH] = {"hosp-a", "hosp-b", "board", "patient", "er-desk"};

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "setup failed: %s: %s\n", what, detail);
    exit(2);
}

void au_setup(void)
{
    for (int i = 0; i < AU_N_AUTH; i++) {
        if (ck_abe_authority_setup(&au_sk[i], &au_pk[i], names[i]) != CK_ABE_OK) die("authority", names[i]);
        if (ck_abe_pk_precompute(&au_pk[i]) != CK_ABE_OK) die("precompute", names[i]);
        au_pks[i] = &au_pk[i];
    }
}

void au_teardown(void)
{
    for (int i = 0; i < AU_N_AUTH; i++) {
        ck_abe_pk_free_tables(&au_pk[i]);
        ck_abe_authority_sk_wipe(&au_sk[i]);
    }
}

const ck_abe_authority_sk *au_sk_for(const char *label)
{
    const char *at = strrchr(label, '@');
    for (int i = 0; at && i < AU_N_AUTH; i++)
        if (strcmp(at + 1, au_sk[i].name) == 0) return &au_sk[i];
    die("no authority for", label);
    return NULL;
}

void au_key(ck_abe_user_key *key, const char *gid, const char *const *attrs)
{
    if (ck_abe_user_key_init(key, gid) != CK_ABE_OK) die("key init", gid);
    for (size_t i = 0; attrs && attrs[i]; i++) {
        const char *eq = strchr(attrs[i], '=');
        if (eq) {
            char bits[CK_POLICY_NUM_BITS][CK_POLICY_LABEL_MAX], text[256];
            uint32_t v = (uint32_t)strtoul(eq + 1, NULL, 0);
            size_t n = (size_t)(eq - attrs[i]);
            memcpy(text, attrs[i], n);
            text[n] = 0;
            if (ck_policy_numeric_attrs(bits, text, n, v, NULL) != CK_POLICY_OK) die("numeric", attrs[i]);
            for (int b = 0; b < CK_POLICY_NUM_BITS; b++)
                if (ck_abe_keygen(key, au_sk_for(bits[b]), bits[b], 0) != CK_ABE_OK) die("keygen", bits[b]);
        } else {
            char label[CK_POLICY_LABEL_MAX];
            if (ck_policy_attr_label(label, attrs[i], strlen(attrs[i]), NULL) != CK_POLICY_OK)
                die("attr", attrs[i]);
            if (ck_abe_keygen(key, au_sk_for(label), label, 0) != CK_ABE_OK) die("keygen", label);
        }
    }
}

ck_abe_err au_roundtrip(const char *policy, ck_abe_user_key *key, int recode, int *same)
{
    ck_abe_ct ct, ct2;
    ck_gt z, z2;
    ck_policy_error perr;
    ck_abe_err rc;
    *same = 0;
    rc = ck_abe_encrypt(&ct, &z, policy, au_pks, AU_N_AUTH, NULL, NULL, &perr);
    if (rc != CK_ABE_OK) {
        fprintf(stderr, "encrypt '%s': %s (%s)\n", policy, ck_abe_strerror(rc), perr.msg);
        return rc;
    }
    if (recode) {
        size_t n = ck_abe_ct_encode(NULL, &ct);
        uint8_t *b = malloc(n);
        if (!b) die("malloc", "ct");
        ck_abe_ct_encode(b, &ct);
        rc = ck_abe_ct_decode(&ct2, b, n);
        free(b);
        ck_abe_ct_free(&ct);
        if (rc != CK_ABE_OK) return rc;
        ct = ct2;
    }
    rc = ck_abe_decrypt(&z2, &ct, key);
    if (rc == CK_ABE_OK) *same = ck_gt_eq(&z, &z2);
    ck_abe_ct_free(&ct);
    return rc;
}
