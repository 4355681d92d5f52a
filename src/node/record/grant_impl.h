/*
 * src/node/record/grant_impl.h - the server's view of a record's grants,
 * next to the chain's (record_impl.h: ck_node_chain_grant).
 */
#ifndef CK_NODE_GRANT_IMPL_H
#define CK_NODE_GRANT_IMPL_H

#include "carekey/node_grant.h"
#include "node/record/record_impl.h"

#define CK_NODE_GRANT_SECTION "grants"
#define CK_NODE_GRANT_TYPE "Consent"

typedef struct ck_node_server_grant {
    int64_t id;
    char grantee[CK_NET_ID_MAX + 1];
    char granted_by[CK_NET_ID_MAX + 1];
    char access[8];
    char sections[CK_REC_SECTIONS_MAX];   /* canonical: sorted, no duplicates */
    int delegate;
    uint64_t expires;
    int revoked;
} ck_node_server_grant;

/* GET /v1/records/P/grants into *out (free()). */
int ck_node_server_grants(ck_node *c, const char *patient, ck_node_server_grant **out, size_t *n);
/* A chain grant as carekey/node_grant.h shows it (status at now). */
void ck_node_grant_info_of(ck_node_grant_info *o, const ck_node_chain_grant *g, uint64_t now);
/* 1 when the chain grant and the server grant are the same grant. */
int ck_node_grant_same(const ck_rec_grant *g, const ck_node_server_grant *s);

#endif
