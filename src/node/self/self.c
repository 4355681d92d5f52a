/*
 * src/node/self/self.c - the names of what the unlocked person holds
 * (carekey/node_self.h): attribute labels and authority names, copied
 * under the keyring's read lock. Never the keys themselves.
 */
#include <openssl/crypto.h>

#include <stdio.h>
#include <string.h>

#include "carekey/node_self.h"
#include "node/node_impl.h"

int ck_node_self_get(ck_node *n, ck_node_self *out)
{
    ck_keyring *kr;
    ck_abe_user_key *uk;
    int rc = -1;
    memset(out, 0, sizeof *out);
    ck_node_enter(n);
    if (!ck_node_is_unlocked(n)) {
        ck_node_fail(n, CK_NODE_E_KEYRING, "locked", "the keyring is locked");
        goto out;
    }
    kr = ck_node_kr(n);
    uk = ck_keyring_user_key(kr);
    for (size_t i = 0; uk && i < uk->n && out->n_attrs < CK_NODE_SELF_ATTRS; i++)
        snprintf(out->attrs[out->n_attrs++], CK_NODE_SELF_LABEL, "%s", uk->attr[i].label);
    for (size_t i = 0; i < ck_keyring_authority_sk_count(kr) && out->n_authorities < CK_NODE_SELF_AUTHS; i++)
        snprintf(out->authorities[out->n_authorities++], CK_NODE_SELF_LABEL, "%s",
                 ck_keyring_authority_sk_at(kr, i)->sk.name);
    {
        uint8_t op[32];
        out->operator = ck_keyring_operator(kr, op) == 0 &&
                        CRYPTO_memcmp(op, ck_keyring_identity(kr)->ed25519_pk, sizeof op) == 0;
    }
    rc = 0;
out:
    ck_node_leave(n);
    return rc;
}
