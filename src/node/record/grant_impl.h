/*
 * src/node/record/grant_impl.h - the server's view of a record's grants,
 * next to the chain's (record_impl.h: ck_node_chain_grant).
 */
#ifndef CK_NODE_GRANT_IMPL_H
#define CK_NODE_GRANT_IMPL_H

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
/* 1 when the chain grant and the server grant are the same grant. */
int ck_node_grant_same(const ck_rec_grant *g, const ck_node_server_grant *s);

#endif
