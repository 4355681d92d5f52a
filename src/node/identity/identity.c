/*
 * src/node/identity/identity.c - creating a person's identity and keyring
 * (carekey/node_identity.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "carekey/identity.h"
#include "carekey/node_identity.h"
#include "node/node_impl.h"

#define KEYRING_FILE "keyring.ckr"
#define SERVER_FILE "server"

int ck_node_role_private(const char *role)
{
    return !strcmp(role, "patient") || !strcmp(role, "family") || !strcmp(role, "caregiver");
}

/* The operator key to pin: hex, or (NULL) this identity's own key. */
static int pin_operator(ck_node *n, ck_keyring *kr, const char *hex, const ck_identity *id)
{
    uint8_t pk[32];
    if (!hex) memcpy(pk, id->ed25519_pk, 32);
    else if (ck_net_unhex(pk, 32, hex) != 0)
        return ck_node_fail(n, CK_NODE_E_INVALID, "bad_operator_key", "--operator-key: 64 hex digits expected");
    if (ck_keyring_set_operator(kr, pk) != CK_KEYRING_OK)
        return ck_node_fail(n, CK_NODE_E_KEYRING, "keyring", "cannot pin the operator's key");
    if (ck_keyring_save(kr) != CK_KEYRING_OK)
        return ck_node_fail(n, CK_NODE_E_IO, "keyring_io", "saving the keyring");
    return 0;
}

static int save_server(ck_node *n)
{
    char path[PATH_MAX];
    if (!n->s->server[0]) return 0;
    ck_node_path(n, path, SERVER_FILE);
    return ck_node_write_file(n, path, (const uint8_t *)n->s->server, strlen(n->s->server), 0644, 0);
}

int ck_node_identity_create(ck_node *n, const ck_node_identity_in *in)
{
    char path[PATH_MAX];
    ck_keyring_kdf kdf = CK_KEYRING_KDF_DEFAULT;
    ck_keyring *kr = NULL;
    ck_identity id;
    ck_keyring_err ke;
    int rc = -1;

    memset(&id, 0, sizeof id);
    ck_node_enter(n);
    if (ck_id_create(&id, in->gid) != CK_ID_OK) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_gid", "'%s' is not a valid GID", in->gid);
        goto out;
    }
    if (in->kdf_cost < 10 || in->kdf_cost > 20) {
        ck_node_fail(n, CK_NODE_E_INVALID, "bad_kdf_cost", "--kdf-cost takes 10..20");
        goto out;
    }
    if (ck_node_make_dir(n, NULL) != 0) goto out;
    ck_node_path(n, path, KEYRING_FILE);
    kdf.log2_n = (uint8_t)in->kdf_cost;
    if ((ke = ck_keyring_create(&kr, path, in->pass, in->pass_len, &id, &kdf)) != CK_KEYRING_OK) {
        ck_node_fail(n, ke == CK_KEYRING_ERR_EXISTS ? CK_NODE_E_INVALID : CK_NODE_E_IO,
                     ke == CK_KEYRING_ERR_EXISTS ? "keyring_exists" : "keyring_io", "%s: %s", path,
                     ck_keyring_strerror(ke));
        goto out;
    }
    if (pin_operator(n, kr, in->operator_key, &id) != 0 || save_server(n) != 0) goto out;
    /* the session holds it from now on, unlocked */
    ck_node_leave(n);
    rc = ck_node_adopt_keyring(n, kr);
    kr = NULL;
    ck_id_wipe(&id);
    return rc;
out:
    ck_keyring_free(kr);
    ck_id_wipe(&id);
    ck_node_leave(n);
    return rc;
}

int ck_node_identity_request(ck_node *n, const char *role, const char *display_name, char **json)
{
    const ck_identity *id;
    char ed[65], x[65];
    json_t *req = NULL;
    int rc = -1;
    *json = NULL;
    ck_node_enter(n);
    if (ck_node_keyring(n) != 0) goto out;
    id = ck_keyring_identity(ck_node_kr(n));
    ck_net_hex(ed, id->ed25519_pk, 32);
    ck_net_hex(x, id->x25519_pk, 32);
    if (!(req = json_pack("{s:s,s:s,s:s,s:s,s:s}", "gid", id->gid, "ed25519", ed, "x25519", x, "display_name",
                          display_name && !ck_node_role_private(role) ? display_name : id->gid, "role", role)) ||
        !(*json = json_dumps(req, JSON_INDENT(2) | JSON_SORT_KEYS))) {
        ck_node_fail(n, CK_NODE_E_NOMEM, "nomem", "out of memory");
        goto out;
    }
    rc = 0;
out:
    json_decref(req);
    ck_node_leave(n);
    return rc;
}
