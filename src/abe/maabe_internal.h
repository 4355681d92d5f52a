/*
 * src/abe/maabe_internal.h - what the MA-ABE files share.
 */
#ifndef CK_ABE_MAABE_INTERNAL_H
#define CK_ABE_MAABE_INTERNAL_H

#include "carekey/abe.h"

struct ck_abe_pk_tables {
    ck_gt_table e_alpha;
    ck_g1_table g_y;
};

/* H(GID) and F(label, epoch): RFC 9380 hash to G2 with the ABE domain tags. */
CK_MUST_CHECK ck_abe_err ck_abe_hash_gid(ck_g2 *r, const char *gid);
CK_MUST_CHECK ck_abe_err ck_abe_hash_attr(ck_g2 *r, const char *label, uint32_t epoch);
/* The same through a process-wide cache of recent (label, epoch) points. */
CK_MUST_CHECK ck_abe_err ck_abe_hash_attr_cached(ck_g2 *r, const char *label, uint32_t epoch);
/* r = F(label, epoch)^k (k secret: constant time), through a cache of
 * fixed-base tables for the attributes used repeatedly. */
CK_MUST_CHECK ck_abe_err ck_abe_attr_mul(ck_g2 *r, const char *label, uint32_t epoch, const ck_fr *k);
/* r[i] = F(label[i], epoch[i])^k[i] for n rows: those with tables in one
 * batch of fixed-base multiplications (ck_g2_table_mul_many). */
CK_MUST_CHECK ck_abe_err ck_abe_attr_mul_many(ck_g2 *r, const char *const *label, const uint32_t *epoch,
                                              const ck_fr *k, size_t n);
/* e(g1, g2) and its fixed-base table, built once. */
const ck_gt_table *ck_abe_egg_table(void);
/* 1 when name is a valid authority name, gid a valid GID. */
int ck_abe_valid_name(const char *name);
int ck_abe_valid_gid(const char *gid);
/* Authority part of "name@authority" (points into label), NULL if none. */
const char *ck_abe_label_authority(const char *label);

#endif
