/*
 * src/node/care/ledger_key.c - the key a ledger is opened with.
 *
 * An organization's ledger is sealed for its staff (staff@ORG), and the
 * organization's own identity holds no staff key: it runs the authority
 * ORG instead. So when this identity is ORG and runs authority ORG, the
 * entries of its own ledger are opened with a key made for the read from
 * that authority's secret, held in memory only: staff@ORG at the current
 * epoch of the signed epoch table writers seal with, and at the epochs
 * before it, as a member of staff who has been there all along holds them
 * (entries written before a revocation keep their epoch until
 * 'carekey reencrypt'). It is wiped with the book that read; it never goes
 * into the keyring, a file or a message. Anyone else reads with her keyring.
 */
#include <stdio.h>
#include <string.h>

#include "node/care/care_impl.h"

/* The oldest epoch made for a read is the current one less this: an
 * organization that revoked more often re-encrypts its ledger meanwhile. */
#define LEDGER_EPOCHS_MAX 64u

/* 1 when record is this identity's own ledger: the identity runs the
 * authority of its own name (a patient's is patient-GID, never GID). */
static int own_ledger(ck_node *c, const char *record, const ck_keyring_authority_secret **a)
{
    const char *gid = ck_keyring_identity(c->s->kr)->gid;
    *a = NULL;
    if (strcmp(record, gid) != 0) return 0;
    *a = ck_keyring_authority_sk_find(c->s->kr, gid);
    return *a != NULL;
}

/* The current epoch of staff@ORG from the authority's signed table (the
 * server's, verified and pinned: what writers seal with). 1 found, 0 the
 * authority lists no staff (a desk, a board), -1 error. */
static int staff_epoch(ck_node *c, const char *org, const char *label, uint32_t *epoch)
{
    ck_node_epochs e;
    int rc;
    ck_node_epochs_init(&e, c);
    if ((rc = ck_node_epochs_load(&e, org)) == 0) {
        rc = ck_node_epochs_label(&e, label, epoch) == 0;
        if (!rc) ck_node_clear_error(c);
    }
    ck_node_epochs_free(&e);
    return rc;
}

int ck_node_ledger_key(ck_node *c, const char *record, ck_abe_user_key *own, ck_abe_user_key **key)
{
    const ck_keyring_authority_secret *a;
    char label[CK_NET_ID_MAX + 8];
    uint32_t cur = 0, from;
    int rc;
    *key = ck_keyring_user_key(c->s->kr);
    if (!own_ledger(c, record, &a)) return 0;
    snprintf(label, sizeof label, "staff@%s", record);
    if ((rc = staff_epoch(c, record, label, &cur)) <= 0) return rc;
    memset(own, 0, sizeof *own);
    if (ck_abe_user_key_init(own, record) != CK_ABE_OK || ck_abe_user_key_merge(own, *key) != CK_ABE_OK) {
        ck_abe_user_key_free(own);
        return ck_node_fail(c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    }
    from = cur >= LEDGER_EPOCHS_MAX ? cur - LEDGER_EPOCHS_MAX + 1 : 0;
    for (uint32_t ep = from; ep <= cur; ep++)
        if (ck_abe_keygen(own, &a->sk, label, ep) != CK_ABE_OK) {
            ck_abe_user_key_free(own);
            return ck_node_fail(c, CK_NODE_E_KEYRING, "keygen", "cannot make the key of %s's own ledger", record);
        }
    *key = own;
    return 1;
}
