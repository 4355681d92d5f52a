/*
 * src/node/replica.h - the verified state of a record kept in the home
 * (replica.c): the entries of a chain that verified, authenticated under a
 * key only this person's keyring derives.
 */
#ifndef CK_NODE_REPLICA_H
#define CK_NODE_REPLICA_H

#include "node/node_impl.h"

/* 1 with the entries (ck_net_entries_free) when a state exists and its tag
 * verifies; 0 when there is none, or it was refused (altered, foreign,
 * damaged: removed, a warning notice). Never fails the caller. */
int ck_node_replica_load(ck_node *n, const char *record, ck_net_entry **v, size_t *count);
/* Keeps the first count entries (a chain that verified with no problem). */
int ck_node_replica_store(ck_node *n, const char *record, const ck_net_entry *v, size_t count);
void ck_node_replica_drop(ck_node *n, const char *record);
/* A record the server once showed with problems is loaded in full (every
 * entry judged again, whatever the copy says) until a full load is clean. */
int ck_node_replica_suspect(const ck_node *n, const char *record);
void ck_node_replica_mark(ck_node *n, const char *record, int suspect);

#endif
