/*
 * src/abe/maabe_authority.c - authority setup and public-key tables.
 */
#include <stdlib.h>
#include <string.h>
#include "abe/maabe_internal.h"

void ck_abe_authority_public(ck_abe_authority_pk *pk, const ck_abe_authority_sk *sk)
{
    memset(pk, 0, sizeof(*pk));
    memcpy(pk->name, sk->name, sizeof(pk->name));
    ck_gt_table_exp(&pk->e_alpha, ck_abe_egg_table(), &sk->alpha);
    ck_g1_table_mul(&pk->g_y, ck_g1_generator_table(), &sk->y);
}

ck_abe_err ck_abe_authority_setup(ck_abe_authority_sk *sk, ck_abe_authority_pk *pk, const char *name)
{
    if (!sk || !pk || !ck_abe_valid_name(name)) return CK_ABE_ERR_PARAM;
    memset(sk, 0, sizeof(*sk));
    strcpy(sk->name, name);
    if (ck_fr_random_nonzero(&sk->alpha) != CK_OK || ck_fr_random_nonzero(&sk->y) != CK_OK) {
        ck_abe_authority_sk_wipe(sk);
        return CK_ABE_ERR_RANDOM;
    }
    ck_abe_authority_public(pk, sk);
    return CK_ABE_OK;
}

void ck_abe_authority_sk_wipe(ck_abe_authority_sk *sk)
{
    if (sk) ck_wipe(sk, sizeof(*sk));
}

ck_abe_err ck_abe_pk_precompute(ck_abe_authority_pk *pk)
{
    if (!pk) return CK_ABE_ERR_PARAM;
    if (pk->tables) return CK_ABE_OK;
    pk->tables = malloc(sizeof(*pk->tables));
    if (!pk->tables) return CK_ABE_ERR_NOMEM;
    ck_gt_table_init(&pk->tables->e_alpha, &pk->e_alpha);
    ck_g1_table_init(&pk->tables->g_y, &pk->g_y);
    return CK_ABE_OK;
}

void ck_abe_pk_free_tables(ck_abe_authority_pk *pk)
{
    if (!pk) return;
    free(pk->tables);
    pk->tables = NULL;
}
