/*
 * src/node/care/rx_impl.h - what the prescription operations (rx.c,
 * rx_dispense.c) share: the sections, the request loaded from the verified
 * record, a care library refusal as a node error, the ledger copy.
 */
#ifndef CK_NODE_RX_IMPL_H
#define CK_NODE_RX_IMPL_H

#include "carekey/node_rx.h"
#include "node/care/care_impl.h"

#define CK_NODE_RX_SECTION "medications"   /* the patient's record */
#define CK_NODE_RX_LEDGER "rx"             /* the hospital's or pharmacy's ledger */

/* Loads the patient's medications into b (ck_node_book_free it, also on
 * failure) and finds the latest MedicationRequest/id there: 0, or -1
 * NOT_FOUND "no_such_prescription". */
int ck_node_rx_load_request(ck_node *c, ck_node_book *b, const char *patient, const char *id, const json_t **req);
/* A ck_care_error as the node's error: bad input INVALID, else REFUSED
 * with the library's code and "MSG; refusing" when refusing is set. -1. */
int ck_node_rx_refused(ck_node *c, const ck_care_error *err, int refusing);
/* Copies res into org's ledger section rx under staff@ORG: 0 or -1. */
int ck_node_rx_ledger_copy(ck_node_care_writer *w, const char *org, const json_t *res, uint64_t *seq);
/* The directory's role of gid, cached in roles (gid -> role, "!gid" ->
 * true when deactivated): a string owned by roles, or NULL (error set).
 * *active (may be NULL): 0 when the account is deactivated. */
const char *ck_node_rx_directory_role(ck_node *c, json_t *roles, const char *gid, int *active);
/* The resource's string member key ("" when absent). */
const char *ck_node_rx_str(const json_t *item, const char *key);

#endif
