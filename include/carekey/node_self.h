/*
 * carekey/node_self.h - what the unlocked person holds, by name only: the
 * labels of her attribute keys ("doctor@medical-board", "owner@patient-x")
 * and the authorities she runs. Front ends (the node's pages) derive the
 * menu a person sees from them; no key material leaves the keyring.
 */
#ifndef CARKEY_NODE_SELF_H
#define CARKEY_NODE_SELF_H

#include "carekey/node.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_NODE_SELF_ATTRS 64
#define CK_NODE_SELF_AUTHS 16
#define CK_NODE_SELF_LABEL 200

typedef struct ck_node_self {
    size_t n_attrs;                                      /* at most CK_NODE_SELF_ATTRS shown */
    char attrs[CK_NODE_SELF_ATTRS][CK_NODE_SELF_LABEL];
    size_t n_authorities;
    char authorities[CK_NODE_SELF_AUTHS][CK_NODE_SELF_LABEL];
    int operator;                                        /* this identity's key is the pinned operator key */
} ck_node_self;

/* The labels of the unlocked keyring (KEYRING when it is locked). */
int ck_node_self_get(ck_node *n, ck_node_self *out) CK_NODE_WUR;

#ifdef __cplusplus
}
#endif

#endif
