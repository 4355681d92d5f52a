/*
 * tests/security/forge_entry.c - an author who signs an entry with a time
 * of her choosing, as a former grantee would to date a write into her
 * grant's lifetime (issue 9, item 8). The CLI never does this: it dates
 * entries now, and never before the entry they follow.
 *
 *   forge_entry SERVER HOME PATIENT SECTION TYPE TIME_MS [delegate-grant:GID]
 *                                                (passphrase: $CAREKEY_PASSPHRASE)
 *
 * Appends onto the current head a DATA container (any body: verification
 * refuses the entry before anything would open it), or a GRANT container
 * naming GID a delegate (what only the patient may write), signed by
 * HOME's identity. Prints the server's answer; exit 0 when one came.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carekey/client.h"
#include "carekey/keyring.h"
#include "carekey/record.h"

int main(int argc, char **argv)
{
    char path[4096], pass[CK_KEYRING_PASSPHRASE_MAX + 1];
    ck_keyring *kr = NULL;
    ck_net *n = NULL;
    ck_net_opts o = {NULL, NULL, 0};
    ck_net_head head, out;
    ck_rec_container c;
    uint8_t body[8] = "forged!", env[1024];
    size_t env_len;
    int rc = 1;
    if (argc != 7 && argc != 8) {
        fprintf(stderr, "usage: forge_entry SERVER HOME PATIENT SECTION TYPE TIME_MS [delegate-grant:GID]\n");
        return 2;
    }
    snprintf(path, sizeof path, "%s/keyring.ckr", argv[2]);
    if (ck_keyring_passphrase_get("env", pass, sizeof pass) != CK_KEYRING_OK ||
        ck_keyring_open(&kr, path, pass, strlen(pass)) != CK_KEYRING_OK) {
        fprintf(stderr, "forge_entry: cannot open %s\n", path);
        return 1;
    }
    o.url = argv[1];
    if (ck_net_open(&n, &o) != 0 ||
        ck_net_set_identity(n, ck_keyring_identity(kr)->gid, ck_keyring_identity(kr)->ed25519_sk) != 0 ||
        ck_net_head_get(n, argv[3], &head, NULL, NULL) != 0) {
        fprintf(stderr, "forge_entry: cannot read the head (%ld)\n", ck_net_status(n));
        goto out;
    }
    memset(&c, 0, sizeof c);
    c.kind = CK_REC_KIND_DATA;
    memset(c.entry_id, 0x42, sizeof c.entry_id);
    c.body = body;
    c.body_len = sizeof body - 1;
    env_len = ck_rec_container_encode(env, &c);
    if (argc == 8 && !strncmp(argv[7], "delegate-grant:", 15)) {
        ck_rec_grant g;
        uint8_t *genv = NULL;
        size_t glen = 0;
        memset(&g, 0, sizeof g);
        snprintf(g.grantee, sizeof g.grantee, "%s", argv[7] + 15);
        snprintf(g.sections, sizeof g.sections, "*");
        g.delegate = 1;
        if (ck_rec_grant_container(&genv, &glen, &g) != CK_REC_OK || glen > sizeof env) goto out;
        memcpy(env, genv, glen);
        env_len = glen;
        free(genv);
    }
    if (ck_net_append(n, argv[3], argv[4], argv[5], head.hash, strtoull(argv[6], NULL, 10), env, env_len, &out) == 0)
        printf("accepted as entry %llu\n", (unsigned long long)out.seq);
    else
        printf("refused: %ld %s\n", ck_net_status(n), ck_net_error_code(n) ? ck_net_error_code(n) : "");
    rc = 0;
out:
    ck_net_close(n);
    ck_keyring_free(kr);
    return rc;
}
