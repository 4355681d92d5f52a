/*
 * src/node/record/sealer.c - what sealing for a policy needs: each authority's public key (pinned
 * under the operator's signature) and its signed, pinned epoch table; a
 * label without a signed epoch stops the seal before anything is written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "node/record/record_impl.h"

/* ===== sealer ================================================================ */

void ck_node_sealer_init(ck_node_sealer *s, ck_node *c, int precompute)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->precompute = precompute;
    ck_node_epochs_init(&s->epochs, c);
}

static int have_pk(const ck_node_sealer *s, const char *name)
{
    for (size_t i = 0; i < s->n_pks; i++)
        if (strcmp(s->pks[i].name, name) == 0) return 1;
    return 0;
}

/* Public key and signed epochs of one authority. */
static int load_authority(ck_node_sealer *s, const char *name)
{
    const ck_keyring_authority *a;
    ck_abe_authority_pk *np;
    int rc;
    if (have_pk(s, name)) return 0;
    if ((rc = ck_node_authority(s->c, name, &a)) != 0) return rc;
    if ((rc = ck_node_epochs_load(&s->epochs, name)) != 0) return rc;
    if (!(np = realloc(s->pks, (s->n_pks + 1) * sizeof *np))) return ck_node_fail(s->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    s->pks = np;
    s->pks[s->n_pks] = a->pk;
    s->pks[s->n_pks].tables = NULL;
    if (s->precompute && ck_abe_pk_precompute(&s->pks[s->n_pks]) != CK_ABE_OK) s->pks[s->n_pks].tables = NULL;
    s->n_pks++;
    return 0;
}

/* Every leaf's authority is loaded and its label has a signed epoch (a
 * comparison's bits follow the label of its attribute). */
static int collect_authorities(ck_node_sealer *s, const ck_policy_node *n)
{
    uint32_t ep;
    int rc;
    if (!n) return 0;
    if (n->kind == CK_POLICY_ATTR || n->kind == CK_POLICY_CMP) {
        if ((rc = load_authority(s, n->authority)) != 0) return rc;
        return ck_node_epochs_label(&s->epochs, n->label, &ep);
    }
    for (size_t i = 0; i < n->n; i++)
        if ((rc = collect_authorities(s, n->child[i])) != 0) return rc;
    return 0;
}

int ck_node_sealer_policy(ck_node_sealer *s, const char *policy, ck_seal_policy *pol)
{
    ck_policy *p = NULL;
    ck_policy_error pe;
    const ck_abe_authority_pk **pp;
    int rc;
    memset(&pe, 0, sizeof pe);
    if (ck_policy_parse(&p, policy, strlen(policy), &pe) != CK_POLICY_OK) {
        return ck_node_fail(s->c, CK_NODE_E_INVALID, "bad_policy", "%s", pe.msg);
    }
    rc = collect_authorities(s, ck_policy_root(p));
    ck_policy_free(p);
    if (rc != 0) return rc;
    if (!(pp = realloc(s->pk_ptrs, (s->n_pks ? s->n_pks : 1) * sizeof *pp)))
        return ck_node_fail(s->c, CK_NODE_E_NOMEM, "nomem", "out of memory");
    s->pk_ptrs = pp;
    for (size_t i = 0; i < s->n_pks; i++) pp[i] = &s->pks[i];
    pol->policy = policy;
    pol->pks = (const ck_abe_authority_pk *const *)pp;
    pol->n_pks = s->n_pks;
    pol->epoch = ck_node_epochs_fn;
    pol->epoch_ctx = &s->epochs;
    return 0;
}

uint32_t ck_node_sealer_epoch(void *ctx, const char *label)
{
    ck_node_sealer *s = ctx;
    return ck_node_epochs_fn(&s->epochs, label);
}

void ck_node_sealer_free(ck_node_sealer *s)
{
    for (size_t i = 0; i < s->n_pks; i++) ck_abe_pk_free_tables(&s->pks[i]);
    free(s->pks);
    free(s->pk_ptrs);
    ck_node_epochs_free(&s->epochs);
    memset(s, 0, sizeof *s);
}
